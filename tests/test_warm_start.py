"""Warm start: each path imports what it needs, checked as facts about ``sys.modules`` in a new
process (timings are measured in ``benchmarks/first_result.py``, never asserted)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.subprocess

#: never needed to declare, compile and simulate a model, nor to parse the command line
HEAVY = {"SALib", "dask", "distributed", "matplotlib", "sklearn", "statsmodels", "emcee", "corner", "tqdm",
         "netCDF4", "pint", "scipy.integrate", "scipy.stats", "calibration.pipeline", "calibration.data"}


def _modules_after(code: str) -> set[str]:
    """The modules loaded after running ``code`` in a new interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def test_import_model_loads_neither_heavy_nor_numerical_libraries():
    loaded = _modules_after("import model")
    assert not loaded & (HEAVY | {"scipy", "pandas", "xarray", "numba", "calibration"})
    assert {"sympy", "numpy"} <= loaded  # declaring models needs them


def test_keen_run_loads_only_what_its_dataset_needs():
    # a first process checks keen's units (pint) and leaves the pass marker in the cache
    _modules_after("from model.library import keen; keen()")
    loaded = _modules_after("import model; from model.library import keen\n"
                            "ds = model.simulate(keen(), t_span=(0, 300))\nassert int(ds.status) == 0")
    assert not loaded & HEAVY
    assert {"xarray", "pandas"} <= loaded  # the result is an xarray.Dataset


def test_command_line_parser_loads_no_calibration_or_numerics():
    loaded = _modules_after("from model.cli import main\nassert main(['--help']) == 0")
    assert not loaded & (HEAVY | {"xarray", "pandas", "numba"})

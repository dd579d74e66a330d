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


#: what numba needs to compile, not to load compiled code: its typing and lowering registries
#: (``numba.np.arraymath`` imports ``scipy.linalg`` to find BLAS)
COMPILER = {"numba.np.arraymath", "numba.np.linalg", "scipy.linalg"}


def test_keen_run_loads_only_what_its_dataset_needs():
    code = ("import model; from model.library import keen\n"
            "ds = model.simulate(keen(), t_span=(0, 300))\nassert int(ds.status) == 0")
    # a first process checks keen's units (pint), leaves the pass marker in the cache and compiles
    # what the cache lacks (that process sets up numba's compiler)
    _modules_after(code)
    loaded = _modules_after(code)
    assert not loaded & (HEAVY | COMPILER)  # warm: compiled code is loaded, nothing is compiled
    assert {"xarray", "pandas", "numba"} <= loaded  # the result is an xarray.Dataset


def test_command_line_parser_loads_no_calibration_or_numerics():
    loaded = _modules_after("from model.cli import main\nassert main(['--help']) == 0")
    assert not loaded & (HEAVY | {"xarray", "pandas", "numba"})


def test_collector_paused_only_delays_collections():
    import gc

    from model.collector import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: the outer block keeps it off
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("x")
    assert gc.isenabled()  # switched on again after an error
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a collector the program switched off stays off
    finally:
        gc.enable()

"""``dgm warm`` compiles, ahead of use, every engine function a run calls."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import json, sys
from model.cli import main
from model.compiler.compiled import engine
status = main(["warm", "solow"])
e = engine()
json.dump({"status": status, "ready": sorted(n for n, f in vars(e).items() if getattr(f, "signatures", None))},
          sys.stdout)
"""


@pytest.mark.subprocess
def test_warm_readies_every_engine_entry_point(tmp_path):
    """Every engine function that :class:`model.compiler.compiled.CompiledSystem` calls has machine code
    (compiled or loaded from numba's cache) after ``dgm warm`` in a new process, the parallel ensemble
    drivers included; the run ends with its one-line summary."""
    from model.compiler.jit import HAVE_NUMBA

    if not HAVE_NUMBA:
        pytest.skip("numba disabled: nothing to compile")
    called = set(re.findall(r"_engine\(\)\.(_\w+)\(", (ROOT / "model" / "compiler" / "compiled.py").read_text()))
    assert {"_dopri5", "_ensemble", "_ensemble_discrete", "_ensemble_observe"} <= called
    env = {**os.environ, "DGM_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    summary, _, payload = out.stdout.partition("\n")
    got = json.loads(payload)
    assert got["status"] == 0 and summary.startswith("dgm warm: engine and 1 model compiled or loaded in ")
    assert sorted(called - set(got["ready"])) == []
    assert "dgm warm: solow: 7 functions ready" in out.stderr

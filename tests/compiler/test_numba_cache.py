"""numba's cache files replaced by valid ones of another function or signature: what is loaded is
checked against what was asked for, and the function is recompiled (with a one-line CacheWarning)
instead of failing with a TypeError at call time or running another function's machine code."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import model
from model.compiler.compiled import engine, engine_folder, engine_key
from model.compiler.jit import HAVE_NUMBA
from model.library.keen import keen

ROOT = Path(__file__).resolve().parents[2]

#: a fresh process: the engine kept in the test's cache (not beside the package, which other test
#: processes share), a keen run, its employment path saved, the warnings on stdout
_CHILD = """
import sys, warnings
import numpy as np
import model
from model.compiler import compiled
compiled._PACKAGE_PROBLEM[:] = ["the test keeps the engine in its own cache"]
from model.library.keen import keen
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    ds = model.simulate(keen(), t_span=(0, 50))
np.save(sys.argv[1], ds.lam.values)
for w in caught:
    print(w.category.__name__, w.message)
"""


def _run(cache: Path, out: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DGM_CACHE_DIR": str(cache)}
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [line for line in proc.stdout.splitlines() if "CacheWarning" in line]


@pytest.mark.subprocess
@pytest.mark.skipif(not HAVE_NUMBA, reason="numba's cache files exist only with numba")
def test_swapped_numba_cache_files_are_recompiled_not_loaded(tmp_path):
    """The index of ``_dopri5`` (the engine) names data files replaced by ``_observe_path``'s, and keen's
    ``_rhs`` data file by its ``_observe``'s (same C signature): before the check the run failed with
    "TypeError: _observe_path expected 6 arguments, got 20"; now each is recompiled with a warning, the
    path equals this process's, and a third run loads the rewritten files without a warning."""
    ref = model.simulate(keen(), t_span=(0, 50)).lam.values
    engine()  # compiled (or loaded) here: the child starts from a copy of its files, keeping their times
    key, folder = engine_key(), engine_folder()[0]
    cache = tmp_path / "cache"
    (cache / "engine" / "__pycache__").mkdir(mode=0o700, parents=True)
    cache.chmod(0o700)
    (cache / "engine").chmod(0o700)
    for f in [folder / f"dgm_engine_{key}.py", *(folder / "__pycache__").glob(f"dgm_engine_{key}.*")]:
        shutil.copy2(f, cache / "engine" / f.relative_to(folder))
    assert _run(cache, tmp_path / "a.npy") == []
    np.testing.assert_array_equal(np.load(tmp_path / "a.npy"), ref)

    engine_files, model_files = cache / "engine" / "__pycache__", cache / "models" / "__pycache__"
    observe_path = next(engine_files.glob(f"dgm_engine_{key}._observe_path-*.1.nbc"))
    dopri5 = sorted(engine_files.glob(f"dgm_engine_{key}._dopri5-*.nbc"))
    observe, rhs = (next(model_files.glob(f"dgm_keen_*.{f}-*.1.nbc")) for f in ("_observe", "_rhs"))
    assert dopri5
    for target in dopri5:
        shutil.copyfile(observe_path, target)
    shutil.copyfile(observe, rhs)
    warned = _run(cache, tmp_path / "b.npy")
    np.testing.assert_array_equal(np.load(tmp_path / "b.npy"), ref)
    assert any(f"{rhs} holds dgm_generated_" in w and "._observe, not dgm_generated_" in w for w in warned), warned
    assert any(f"{dopri5[0].parent}" in w and "._observe_path, not dgm_engine_" in w for w in warned), warned

    assert _run(cache, tmp_path / "c.npy") == []  # numba rewrote the data files
    np.testing.assert_array_equal(np.load(tmp_path / "c.npy"), ref)

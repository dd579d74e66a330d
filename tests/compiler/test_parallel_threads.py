"""Parallel engine kernels called from several Python threads at once (a ThreadPoolExecutor, Dask's
threads): numba's workqueue threading layer aborts the whole process on concurrent launches, so the
parallel drivers are entered under a process-wide lock and concurrent calls queue."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import model
from model.analysis.draws import from_bounds
from model.library.keen import keen
from model.solve.ensembles import ensemble
from model.solve.simulation import state_bounds

k = keen()
draws = from_bounds(k, ["alpha", "beta"], 200, seed=1)
cs = model.compile(k)
n, m = cs.n_states, 200
tgrid = np.linspace(0.0, 50.0, 501)
Y0 = np.tile(cs.state_vector(), (m, 1))
P = np.tile(cs.param_vector(), (m, 1))
P[:, cs.parameters.index("alpha")] = draws["alpha"].to_numpy()
lo, hi = state_bounds(cs)


def work(_=None):
    # the three parallel drivers: Dormand-Prince and observers (through ensemble), Euler maps
    ds = ensemble(k, draws, variables=["lam", "omega", "d", "g", "kappa"], chunk_size=50, progress=False)
    Yout, INFO = np.empty((m, tgrid.size, n)), np.empty((m, 5))
    cs.ensemble_discrete(True, tgrid, Y0, P, cs.inputs_table(), 0.1, lo, hi, np.full((m, n), np.inf), Yout, INFO)
    return ds, Yout, INFO


def same(a, b):
    ds_a, *arrays_a = a
    ds_b, *arrays_b = b
    return all(np.array_equal(x, y, equal_nan=True) for x, y in zip(arrays_a, arrays_b)) and all(
        np.array_equal(ds_a[v].values, ds_b[v].values, equal_nan=ds_a[v].dtype.kind == "f") for v in ds_a.data_vars)


ref = work()
assert (ref[0].status.values == 0).any() and np.isfinite(ref[1]).any()
with ThreadPoolExecutor(2) as pool:
    results = list(pool.map(work, range(4)))
print("same" if all(same(r, ref) for r in results) else "different")
"""


@pytest.mark.subprocess
def test_ensembles_from_two_threads_at_once_equal_a_single_threaded_run(tmp_path):
    """Two threads each running keen ensembles (200 draws, chunks of 50) and Euler map ensembles: before
    the lock the child aborted with "Numba workqueue threading layer is terminating: Concurrent access
    has been detected" (exit code -6); each result equals the single-threaded run bit for bit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NUMBA_THREADING_LAYER", None)  # the layer the package picks (workqueue)
    out = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=900)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["same"]


def _pjit_functions() -> set[str]:
    tree = ast.parse((ROOT / "model/compiler/integrators.py").read_text())
    return {f.name for f in tree.body if isinstance(f, ast.FunctionDef)
            and any(isinstance(d, ast.Name) and d.id == "pjit" for d in f.decorator_list)}


def test_every_call_into_a_parallel_driver_holds_the_lock():
    """Each engine function compiled with ``@pjit`` is called in ``compiled.py`` only inside
    ``with self._parallel():`` (so a driver added later cannot bypass the lock), and in no other module."""
    drivers = _pjit_functions()
    assert {"_ensemble", "_ensemble_discrete", "_ensemble_observe"} <= drivers
    tree = ast.parse((ROOT / "model/compiler/compiled.py").read_text())
    locked, called = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and any(
                isinstance(i.context_expr, ast.Call) and isinstance(i.context_expr.func, ast.Attribute)
                and i.context_expr.func.attr == "_parallel" for i in node.items):
            locked |= {id(n) for n in ast.walk(node)}
    unlocked = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in drivers:
            called.add(node.attr)
            if id(node) not in locked:
                unlocked.append(f"compiled.py:{node.lineno} {node.attr}")
    assert called == drivers and unlocked == [], (sorted(drivers - called), unlocked)
    for path in sorted((ROOT / "model").rglob("*.py")):
        if path.name not in ("compiled.py", "integrators.py"):
            names = {n.attr for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Attribute)}
            assert not names & drivers, f"{path.relative_to(ROOT)} calls {sorted(names & drivers)} without the lock"

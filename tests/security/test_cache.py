"""The compile cache cannot be turned against its user, and any model name works.

Payloads: an edited cached module (a shell command appended, a constant changed),
a truncated or empty one, a damaged numba index; a cache directory others can
write to; a read-only cache; a full disk. Names: ``combine(..., name="US/UK decay")``
and other awkward names, including one that tried to end the generated docstring.
"""

import errno
import json
import math
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import model
from model import Block, combine, param, stock
from model.cache import CacheError, CacheWarning
from model.library.keen import keen

ROOT = Path(__file__).resolve().parents[2]
compile_mod = sys.modules["model.compiler.compiled"]  # the module (model.compile is the function)
cache_mod = sys.modules["model.cache"]

K, X0 = 0.1, 1.0  # dx/dt = -k x: x(t) = x0 exp(-k t)


def decay(name="decay"):
    x = stock("x", "tC", default=X0)
    k = param("k", "1/year", default=K)
    return combine(Block("decay", (x, k), derivatives={"x": -k.sym * x.sym}), name=name)


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty cache of this test's own, and no model compiled yet in this process."""
    root = tmp_path / "cache"
    monkeypatch.setenv("DGM_CACHE_DIR", str(root))
    monkeypatch.setattr(compile_mod, "_MEMO", {})
    monkeypatch.setattr(cache_mod, "_LAYOUTS", {})
    return root


def forget(monkeypatch):
    """A new process: nothing compiled in memory (the disk cache stays)."""
    monkeypatch.setattr(compile_mod, "_MEMO", {})
    monkeypatch.setattr(cache_mod, "_LAYOUTS", {})


def cache_warnings(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    return out, [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]


def snapshot(root):
    return {p.relative_to(root): (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else None)
            for p in sorted(root.rglob("*"))}


@pytest.fixture(scope="module")
def keen_reference():
    """Keen run from the process's own (untouched) cache."""
    return model.simulate(keen(), t_span=(0, 20)).lam.values


def _append_command(text, marker):
    return text + f"\nimport os; os.system('touch {marker}')\n"


def _change_constant(text, marker):
    assert text.count("omega + 1\n") >= 3  # the profit share pi = 1 - omega - r d, in every function using it
    return text.replace("omega + 1\n", "omega + 1.01\n")


@pytest.mark.parametrize("edit, why", [
    (_append_command, "does not match its sha256"),
    (_change_constant, "does not match its sha256"),
    (lambda text, marker: text[:len(text) // 2], "does not match its sha256"),
    (lambda text, marker: "", "is empty"),
], ids=["appended-shell-command", "changed-constant", "truncated", "empty"])
def test_damaged_cached_module_is_regenerated_never_run(fresh, monkeypatch, tmp_path, keen_reference, edit, why):
    marker = tmp_path / "MARKER"
    path = model.compile(keen()).path
    path.write_text(edit(path.read_text(), marker))
    forget(monkeypatch)
    ds, msgs = cache_warnings(lambda: model.simulate(keen(), t_span=(0, 20)))
    assert not marker.exists()
    np.testing.assert_allclose(ds.lam.values, keen_reference, rtol=1e-12)
    assert len(msgs) == 1 and str(path) in msgs[0] and why in msgs[0] and "regenerating" in msgs[0]
    assert "\n" not in msgs[0]
    assert "os.system" not in path.read_text() and "omega + 1.01" not in path.read_text()
    forget(monkeypatch)  # the regenerated file is accepted silently by the next process
    assert cache_warnings(lambda: model.compile(keen()))[1] == []


def test_cached_module_for_another_key_is_not_run(fresh, monkeypatch, tmp_path):
    """A valid module of other equations copied over this model's file: key mismatch, regenerated."""
    a = model.compile(decay()).path
    b = model.compile(keen()).path
    b.write_bytes(a.read_bytes())
    forget(monkeypatch)
    cs, msgs = cache_warnings(lambda: model.compile(keen()))
    assert cs.states == ("d", "lam", "omega")
    assert len(msgs) == 1 and "was written for key" in msgs[0]


@pytest.mark.slow
def test_damaged_numba_index_is_deleted_and_recompiled(fresh, monkeypatch):
    """A truncated numba index (a pickle) gave an UnpicklingError on every later run."""
    model.simulate(decay(), t_span=(0, 1))
    pycache = model.compile(decay()).path.parent / "__pycache__"
    index = sorted(pycache.glob("*._rhs-*.nbi"))  # the model's compiled right-hand side
    assert index
    data = index[0].read_bytes()
    index[0].write_bytes(data[:len(data) // 2])
    forget(monkeypatch)
    ds, msgs = cache_warnings(lambda: model.simulate(decay(), t_span=(0, 1)))
    assert float(ds.x[-1]) == pytest.approx(X0 * math.exp(-K), rel=1e-6)
    assert len(msgs) == 1 and str(index[0]) in msgs[0] and "damaged" in msgs[0]
    assert compile_mod._pickles_ok(index[0].read_bytes(), 2)  # numba wrote a whole index again


@pytest.mark.parametrize("where, mode, why", [
    ("", 0o770, "group- or world-writable (mode 770)"),
    ("", 0o777, "group- or world-writable (mode 777)"),
    ("models", 0o775, "group- or world-writable (mode 775)"),
    ("models/__pycache__", 0o757, "group- or world-writable (mode 757)"),
    ("engine/__pycache__", 0o775, "group- or world-writable (mode 775)"),
])
def test_cache_others_can_write_is_refused(fresh, where, mode, why):
    (fresh / where).mkdir(parents=True, exist_ok=True)
    os.chmod(fresh / where, mode)
    before = snapshot(fresh)
    cs, msgs = cache_warnings(lambda: model.compile(decay()))
    assert len(msgs) == 1 and f"refusing {fresh / where}, which is {why}" in msgs[0]
    assert "temporary cache" in msgs[0]
    assert fresh not in cs.path.parents and (cs.path.parent.parent.stat().st_mode & 0o777) == 0o700
    assert cs.rhs(0.0, [2.0]) == pytest.approx([-K * 2.0])
    assert snapshot(fresh) == before  # nothing written into the refused directory


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="chown to another user needs root")
def test_cache_owned_by_someone_else_is_refused(fresh):
    fresh.mkdir(mode=0o700)
    os.chown(fresh, 65534, 65534)
    cs, msgs = cache_warnings(lambda: model.compile(decay()))
    assert len(msgs) == 1 and f"refusing {fresh}, which is owned by uid 65534, not by you" in msgs[0]
    assert fresh not in cs.path.parents and not (fresh / "models").exists()


def test_new_cache_is_private(fresh):
    cs = model.compile(decay())
    for d in (fresh, fresh / "models", fresh / "models" / "__pycache__"):
        assert d.stat().st_mode & 0o777 == 0o700
    assert cs.path.parent == fresh / "models"


def _make_read_only(monkeypatch, root):
    """Root is not stopped by file modes, so a read-only cache is what the cache's own write probe
    sees: creating a file anywhere under ``root`` fails with EROFS (as on a read-only mount)."""
    probe = cache_mod._probe_write

    def read_only(directory):
        if root == directory or root in directory.parents:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(directory))
        probe(directory)

    monkeypatch.setattr(cache_mod, "_probe_write", read_only)


def test_read_only_cache_holding_the_model_is_used_as_it_is(fresh, monkeypatch):
    model.simulate(decay(), t_span=(0, 1))  # fills the cache: module, units marker, numba's machine code
    before = snapshot(fresh)
    forget(monkeypatch)
    _make_read_only(monkeypatch, fresh)
    ds, msgs = cache_warnings(lambda: model.simulate(decay(), t_span=(0, 1)))
    assert msgs == []
    assert float(ds.x[-1]) == pytest.approx(X0 * math.exp(-K), rel=1e-6)
    assert snapshot(fresh) == before  # not one byte or time stamp changed
    cs = model.compile(decay())
    ours = {p.name: p.read_bytes() for p in (cs.path.parent / "__pycache__").iterdir()}
    theirs = {p.name: p.read_bytes() for p in (fresh / "models" / "__pycache__").iterdir()}
    assert ours == theirs  # numba loaded the compiled code: it wrote no index of its own


_RO_CHILD = """
import json, sys, warnings
warnings.simplefilter("always")
import model
from model import Block, combine, param, stock
from model.cache import CacheWarning
x = stock("x", "tC", default=%r)
k = param("k", "1/year", default=%r)
s = combine(Block("decay", (x, k), derivatives={"x": -k.sym * x.sym}), name="decay")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    ds = model.simulate(s, t_span=(0, 1))
cs = model.compile(s)
ours = {p.name: p.read_bytes().hex() for p in (cs.path.parent / "__pycache__").iterdir()}
json.dump({"x1": float(ds.x[-1]), "path": str(cs.path), "ours": ours,
           "warnings": [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]}, sys.stdout)
"""


def _seed_engine(root):
    """Copy the compiled integrators loaded in this process (their verified source and numba's files,
    time stamps kept) into the cache ``root``, as a process that compiled them there would leave them."""
    src = Path(compile_mod.engine().__file__)
    dst = root / "engine"
    (dst / "__pycache__").mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(dst, 0o700)
    shutil.copy2(src, dst / src.name)
    for f in (src.parent / "__pycache__").glob(f"{src.stem}.*"):
        shutil.copy2(f, dst / "__pycache__" / f.name)


def _ro_mount_available(d):
    if shutil.which("unshare") is None:
        return False
    probe = f"mount --bind {d} {d} && mount -o remount,bind,ro {d} && ! touch {d}/.probe 2>/dev/null"
    return subprocess.run(["unshare", "-m", "sh", "-c", probe], capture_output=True).returncode == 0


@pytest.mark.subprocess
def test_read_only_mount_holding_the_model_is_used_as_it_is(fresh, tmp_path):
    """The same on a real read-only bind mount (needs mount namespaces: skipped where not permitted)."""
    fresh.mkdir(mode=0o700)
    if not _ro_mount_available(fresh):
        pytest.skip("read-only bind mounts (unshare -m) not permitted here")
    model.simulate(decay(), t_span=(0, 1))
    _seed_engine(fresh)
    before = snapshot(fresh)
    script = tmp_path / "child.py"
    script.write_text(_RO_CHILD % (X0, K))
    cmd = f"mount --bind {fresh} {fresh} && mount -o remount,bind,ro {fresh} && exec {sys.executable} {script}"
    env = {**os.environ, "DGM_CACHE_DIR": str(fresh), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(["unshare", "-m", "sh", "-c", cmd], env=env, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["warnings"] == [] and got["x1"] == pytest.approx(X0 * math.exp(-K), rel=1e-6)
    assert not got["path"].startswith(str(fresh))
    theirs = {p.name: p.read_bytes().hex() for p in (fresh / "models" / "__pycache__").iterdir()}
    assert got["ours"] == theirs  # numba's compiled code was loaded, nothing recompiled
    assert snapshot(fresh) == before


def test_read_only_cache_without_the_model_falls_back_with_a_warning(fresh, monkeypatch):
    fresh.mkdir(mode=0o700)
    _make_read_only(monkeypatch, fresh)
    ds, msgs = cache_warnings(lambda: model.simulate(decay(), t_span=(0, 1)))
    assert float(ds.x[-1]) == pytest.approx(X0 * math.exp(-K), rel=1e-6)
    assert len(msgs) == 1 and f"{fresh} is read-only (Read-only file system)" in msgs[0]
    assert "temporary cache" in msgs[0]
    assert list(fresh.iterdir()) == []


def test_disk_full_names_the_cache_and_leaves_no_temporary_file(fresh, monkeypatch):
    class Full:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            self.f.write(data[:100])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cache_mod, "open", lambda path, mode: Full(open(path, mode)), raising=False)
    with pytest.raises(CacheError, match=re.escape(f"in the cache directory {fresh}")) as err:
        model.compile(decay())
    assert str(err.value).endswith("No space left on device; free space there, or set DGM_CACHE_DIR to another "
                                   "directory")
    assert [p for p in fresh.rglob("*") if not p.is_dir()] == []  # no partial or temporary file left


@pytest.mark.slow
def test_combine_name_with_a_slash_simulates(fresh):
    """combine(..., name="US/UK decay") then simulate raised FileNotFoundError (module file name
    built from the name) unless the same equations had been compiled before in the process."""
    ds = model.simulate(decay("US/UK decay"), t_span=(0, 1))
    assert float(ds.x[-1]) == pytest.approx(0.9048374180359595, rel=1e-6)  # exp(-0.1)
    assert ds.attrs["model"] == "US/UK decay"


@pytest.mark.parametrize("name", ["US/UK decay", "../x", "a b", "Ünïcødé ✓ 模型", "", "   ", "x" * 1000,
                                  "back\\slash\\", "new\nline\r\u2028", "nul\x00", "..", "/"])
def test_any_name_is_a_label(fresh, name):
    cs = model.compile(decay(name))
    assert cs.path.parent == fresh / "models" and len(cs.path.name) < 80
    assert cs.path.name.isascii() and cs.system.name == name
    assert cs.rhs(0.0, [2.0]) == pytest.approx([-K * 2.0])


def test_name_cannot_end_the_generated_docstring(fresh, tmp_path):
    marker = tmp_path / "MARKER"
    name = f'"""+str(__import__("os").system("touch {marker}"))+"""'
    cs = model.compile(decay(name))
    assert not marker.exists()
    assert cs.rhs(0.0, [2.0]) == pytest.approx([-K * 2.0])


def test_same_equations_under_another_name_compiled_first(fresh, monkeypatch):
    first = model.compile(decay("decay"))
    second = model.compile(decay("US/UK decay"))
    assert second.system.name == "US/UK decay" and second.module is first.module
    forget(monkeypatch)
    alone = model.compile(decay("US/UK decay"))
    assert alone.path.name.startswith("dgm_us_uk_decay_")
    assert alone.rhs(0.0, [2.0]) == pytest.approx([-K * 2.0])


def test_cli_shows_a_refused_cache_as_one_warning_line(fresh, capsys):
    """`dgm` prints a cache warning as one `dgm: warning:` line, not Python's two-line format."""
    from model.cli.commands import main

    fresh.mkdir()
    os.chmod(fresh, 0o777)
    assert main(["equations", "keen", "--format", "markdown"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("dgm: warning: model cache: refusing ")
    assert "group- or world-writable (mode 777)" in err[0]


@pytest.mark.parametrize("unsafe", ["group-writable", "read-only"])
def test_engine_falls_back_to_the_cache_when_the_package_folder_is_not_private(fresh, tmp_path, monkeypatch,
                                                                               unsafe):
    """The engine's compiled code is kept beside the package only in a folder private to the user and
    writable; a package folder others can write to (or a read-only installation) is not used: the
    engine comes from the cache's own verified ``engine`` folder, and nothing is written beside the package."""
    original = compile_mod.engine()
    monkeypatch.setitem(sys.modules, original.__name__, original)  # restored after the test
    fresh.mkdir(mode=0o700)
    _seed_engine(fresh)  # the compiled engine, as a process that compiled it in this cache leaves it
    package = tmp_path / "package"
    package.mkdir()
    if unsafe == "group-writable":
        os.chmod(package, 0o775)
        why = f"{package} is group- or world-writable (mode 775)"
    else:
        os.chmod(package, 0o755)
        _make_read_only(monkeypatch, package)
        why = "cannot be written (Read-only file system)"
    before = snapshot(package)
    monkeypatch.setattr(compile_mod, "_PACKAGE_PYCACHE", package / "__pycache__")
    monkeypatch.setattr(compile_mod, "_PACKAGE_PROBLEM", [])
    monkeypatch.setattr(compile_mod, "_ENGINE", [])
    folder, problem = compile_mod.engine_folder()
    assert folder == fresh / "engine" and why in problem
    eng = compile_mod.engine()
    assert Path(eng.__file__).parent == fresh / "engine"
    ds, msgs = cache_warnings(lambda: model.simulate(decay(), t_span=(0, 1)))
    assert msgs == [] and float(ds.x[-1]) == pytest.approx(X0 * math.exp(-K), rel=1e-6)
    stats = eng._dopri5.stats
    assert stats.cache_path == str(fresh / "engine" / "__pycache__")
    assert sum(stats.cache_hits.values()) == 1 and not stats.cache_misses  # the cache's copy, not recompiled
    if unsafe == "group-writable":
        assert snapshot(package) == before  # nothing written beside the refused package folder
    else:  # the simulated read-only folder lets mkdir through (a read-only mount would not): no file written
        assert [p for p in package.rglob("*") if p.is_file()] == []

"""The compiler: generated code equals the sympy equations; Jacobians; caching; determinism."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import model
from model.catalogue import MODELS
from model.compiler import codegen
from model.errors import ModelError
from model.library import keen, solow

ROOT = Path(__file__).resolve().parents[2]
# the reference models (the directed-growth model is checked against finite differences in its own tests:
# sympy derivatives of its fully substituted equations take minutes)
LIB = {name: factory() for name, factory in MODELS.items() if name != "directed_growth"}


def _point(system, draw_fraction):
    """A point inside the declared domain: stocks and parameters near their defaults."""
    rng = np.random.default_rng(int(draw_fraction * 2 ** 31))
    vals = {}
    for n, v in system.variables.items():
        if v.kind in ("stock", "parameter", "lever", "exogenous"):
            base = v.default if v.default is not None else 1.0
            x = base * (1 + 0.05 * rng.uniform(-1, 1)) + 0.01 * rng.uniform(-1, 1) * (base == 0)
            lo, hi = v.bounds
            if lo is not None:
                x = max(x, lo + 1e-3 * max(1.0, abs(lo)))
            if hi is not None:
                x = min(x, hi - 1e-3 * max(1.0, abs(hi)))
            vals[n] = x
    vals["t"] = 2015.0 + 10 * rng.uniform()
    return vals


def _sympy_rhs(system, vals):
    subs = {sp.Symbol(n, real=True): v for n, v in vals.items()}
    eqs = system.rhs_expressions(substitute=True)
    out = []
    for s in system.stocks:
        e = eqs[s].xreplace(subs)
        if system.is_discrete:
            e = (e - vals[s]) / system.dt
        out.append(float(e))
    return np.array(out)


def _vectors(cs, vals):
    y = np.array([vals[n] for n in cs.states])
    p = np.array([vals[n] for n in cs.parameters])
    L = cs.inputs_table(exogenous={n: vals[n] for n in cs.system.exogenous}) if not cs.system.levers else \
        cs.inputs_table(model.Policy("x", **{n: vals[n] for n in cs.system.levers}),
                        exogenous={n: vals[n] for n in cs.system.exogenous})
    return y, p, L


@pytest.mark.parametrize("name", sorted(LIB))
@settings(max_examples=15, deadline=None)
@given(frac=st.floats(0, 1))
def test_compiled_rhs_jacobian_and_dfdp_equal_sympy(name, frac):
    system = LIB[name]
    cs = model.compile(system)
    vals = _point(system, frac)
    y, p, L = _vectors(cs, vals)
    t = vals["t"]
    f = cs.rhs(t, y, p, L)
    np.testing.assert_allclose(f, _sympy_rhs(system, vals), rtol=1e-10, atol=1e-12)
    # Jacobian and parameter derivatives against sympy's derivatives of the substituted equations
    eqs = system.rhs_expressions(substitute=True)
    subs = {sp.Symbol(n, real=True): v for n, v in vals.items()}
    scale = 1.0 / system.dt if system.is_discrete else 1.0
    J = cs.jac(t, y, p, L)
    Fp = cs.dfdp(t, y, p, L)
    for i, si in enumerate(cs.states):
        e = eqs[si]
        for j, sj in enumerate(cs.states):
            exact = float(sp.diff(e, sp.Symbol(sj, real=True)).xreplace(subs)) * scale - (
                scale if system.is_discrete and i == j else 0.0)
            assert J[i, j] == pytest.approx(exact, rel=1e-9, abs=1e-12)
        for j, q in enumerate(cs.parameters):
            exact = float(sp.diff(e, sp.Symbol(q, real=True)).xreplace(subs)) * scale
            assert Fp[i, j] == pytest.approx(exact, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", sorted(LIB))
def test_jacobian_matches_finite_differences(name):
    system = LIB[name]
    cs = model.compile(system)
    vals = _point(system, 0.37)
    y, p, L = _vectors(cs, vals)
    t = vals["t"]
    J = cs.jac(t, y, p, L)
    for j in range(y.size):
        h = 1e-6 * max(1.0, abs(y[j]))
        e = np.zeros_like(y)
        e[j] = h
        fd = (cs.rhs(t, y + e, p, L) - cs.rhs(t, y - e, p, L)) / (2 * h)
        np.testing.assert_allclose(J[:, j], fd, rtol=1e-6, atol=1e-8 * max(1.0, np.abs(fd).max()))


def test_observed_equals_definitions():
    cs = model.compile(LIB["keen"])
    y = cs.state_vector()
    obs = cs.observed(0.0, y)
    d, lam, omega = y
    phi0, phi1 = 0.04 / (1 - 0.04 ** 2), 0.04 ** 3 / (1 - 0.04 ** 2)
    assert obs["pi"] == pytest.approx(1 - omega - 0.03 * d, rel=1e-15)
    assert obs["phillips"] == pytest.approx(phi1 / (1 - lam) ** 2 - phi0, rel=1e-14)


def test_sensitivity_rhs_is_jacobian_times_S_plus_dfdp():
    cs = model.compile(LIB["keen"])
    y = cs.state_vector()
    p = cs.param_vector()
    rng = np.random.default_rng(0)
    S = rng.normal(size=(3, 2))
    z = np.concatenate([y, S.ravel()])
    out = cs.sensitivity_rhs(0.0, z, p, ["alpha", "r"])
    J = cs.jac(0.0, y, p)
    Fp = cs.dfdp(0.0, y, p)[:, [cs.parameters.index("alpha"), cs.parameters.index("r")]]
    np.testing.assert_allclose(out[:3], cs.rhs(0.0, y, p), rtol=1e-14)
    np.testing.assert_allclose(out[3:].reshape(3, 2), J @ S + Fp, rtol=1e-12, atol=1e-14)


def test_observed_tangents_are_the_chain_rule_through_the_auxiliaries():
    cs = model.compile(LIB["keen"])
    rng = np.random.default_rng(1)
    wrt = ["alpha", "r", "nu"]
    t = np.array([0.0, 1.0, 2.0])
    Y = cs.state_vector() * (1 + 0.05 * rng.normal(size=(3, 3)))
    S = rng.normal(size=(3, 3, 3))
    p = cs.param_vector()
    val, der = cs.observed_tangents(t, Y, S, p, wrt)
    ref = cs.observed(t, Y, p)
    for j, q in enumerate(wrt):
        h = 1e-6
        e = np.zeros_like(p)
        e[cs.parameters.index(q)] = h
        up, dn = cs.observed(t, Y + h * S[:, :, j], p + e), cs.observed(t, Y - h * S[:, :, j], p - e)
        for a in val:
            np.testing.assert_allclose(val[a], ref[a], rtol=1e-15)
            np.testing.assert_allclose(der[a][:, j], (up[a] - dn[a]) / (2 * h), rtol=1e-6, atol=1e-9, err_msg=a)
    with pytest.raises(ModelError, match="expected Y of shape"):
        cs.observed_tangents(t, Y[:2], S, p, wrt)


def test_tableau_constants_match_scipy():
    """The compiled Dormand-Prince tableau equals scipy's RK45 (an independent transcription)."""
    from scipy.integrate._ivp.rk import RK45

    from model.compiler import integrators as ns

    np.testing.assert_allclose(ns.DP_C[:6], RK45.C, rtol=1e-15)
    np.testing.assert_allclose(ns.DP_A[:6, :5], RK45.A, rtol=1e-15)
    np.testing.assert_allclose(ns.DP_A[6, :6], RK45.B, rtol=1e-15)
    # scipy stores the embedded-minus-main weights; only the norm of the estimate matters
    np.testing.assert_allclose(ns.DP_E, -RK45.E, rtol=1e-14, atol=1e-17)
    np.testing.assert_allclose(ns.DP_P, RK45.P, rtol=1e-14)


def _source_in_subprocess(seed: str, cache: Path) -> str:
    code = ("import sys; from model.catalogue import MODELS; from model.compiler.codegen import generate_source; "
            "sys.stdout.write(generate_source(MODELS['dice2016']()) + generate_source(MODELS['keen']()))")
    env = {**os.environ, "PYTHONHASHSEED": seed, "DGM_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.subprocess
def test_code_generation_is_deterministic_across_processes(tmp_path):
    a = _source_in_subprocess("1", tmp_path / "a")
    b = _source_in_subprocess("987654", tmp_path / "b")
    assert a == b and len(a) > 1000


def test_cache_hit_skips_code_generation(tmp_path, monkeypatch):
    monkeypatch.setenv("DGM_CACHE_DIR", str(tmp_path))
    import model.compiler.compiled as compile_mod
    monkeypatch.setattr(compile_mod, "_MEMO", {})
    system = model.library.solow()
    cs = model.compile(system)
    assert cs.path.parent.parent == tmp_path
    monkeypatch.setattr(compile_mod, "_MEMO", {})

    def boom(_):
        raise AssertionError("generate_source called despite a cached module")

    monkeypatch.setattr(compile_mod, "generate_source", boom)
    cs2 = model.compile(system)
    assert cs2.source == cs.source
    assert "def _rhs(t, _y, _p, _u, _out):" in cs2.source


def test_equations_hash_ignores_metadata_but_not_equations():
    """Defaults, long names, descriptions, sources and LaTeX do not enter the generated code, so they leave
    the hash (and the cache key) unchanged; an equation, a unit, a bound or a divergence limit changes it."""
    from dataclasses import replace

    from model.library.keen import keen
    a = keen()
    relabelled = replace(a, description="another text", variables={
        n: replace(v, default=None if v.default is None else 2 * v.default + 1, long_name=v.long_name + " (x)",
                   description="changed", source="elsewhere", latex=r"\xi") for n, v in a.variables.items()})
    assert relabelled.equations_hash() == a.equations_hash()
    assert codegen.source_key(relabelled) == codegen.source_key(a)
    lam = a.variables["lam"]
    changed = {
        "equation": replace(a, derivatives={**a.derivatives, "d": 1.001 * a.derivatives["d"]}),
        "units": replace(a, variables={**a.variables, "lam": replace(lam, units="1/year")}),
        "bounds": replace(a, variables={**a.variables, "lam": replace(lam, bounds=(0.0, 0.999))}),
        "limit": replace(a, variables={**a.variables, "lam": replace(lam, limit=10.0)}),
    }
    hashes = {what: s.equations_hash() for what, s in changed.items()}
    assert a.equations_hash() not in hashes.values() and len(set(hashes.values())) == len(hashes), hashes
    assert codegen.source_key(changed["equation"]) != codegen.source_key(a)
    assert a.equations_hash() != model.library.goodwin().equations_hash()


@pytest.mark.subprocess
def test_pure_python_fallback_agrees_with_numba(tmp_path):
    code = ("import numpy as np, model; from model.library import keen; "
            "ds = model.simulate(keen(), t_span=(0, 40)); np.save(r'%s', ds.lam.values)" % (tmp_path / "py.npy"))
    env = {**os.environ, "DGM_DISABLE_NUMBA": "1", "DGM_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)
    fast = model.simulate(model.library.keen(), t_span=(0, 40)).lam.values
    np.testing.assert_allclose(np.load(tmp_path / "py.npy"), fast, rtol=1e-12)


def test_is_warm_reports_numbas_disk_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DGM_CACHE_DIR", str(tmp_path))
    from model.compiler.jit import HAVE_NUMBA
    cs = model.compile(solow(), cache=False)
    if not HAVE_NUMBA:
        assert cs.is_warm
        return
    assert not cs.is_warm
    model.simulate(solow(), t_span=(0, 1))
    assert model.compile(solow()).is_warm


_ENGINE_CHILD = """
import json, sys
import model
from model.compiler.compiled import engine
from model.library import keen
model.simulate(keen(), t_span=(0, 300))
e = engine()
stats = {n: f.stats for n, f in vars(e).items() if hasattr(f, "stats")}
json.dump({"file": e.__file__, "paths": sorted({s.cache_path for s in stats.values()}),
           "hits": sorted(n for n, s in stats.items() if s.cache_hits),
           "misses": sorted(n for n, s in stats.items() if s.cache_misses)}, sys.stdout)
"""


@pytest.mark.subprocess
def test_fresh_cache_does_not_recompile_the_engine(tmp_path):
    """The engine is compiled once per installation: a process with an empty DGM_CACHE_DIR loads the
    integrators' machine code from beside the package (numba's cache hits, no miss) and writes
    nothing of the engine into its cache."""
    from model.compiler.compiled import engine_folder
    from model.compiler.jit import HAVE_NUMBA

    folder, problem = engine_folder()
    if not HAVE_NUMBA or problem:
        pytest.skip(f"the engine is not kept beside the package here: {problem or 'numba disabled'}")
    model.simulate(keen(), t_span=(0, 300))  # the engine compiled (or loaded) beside the package
    cache = tmp_path / "cache"
    env = {**os.environ, "DGM_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", _ENGINE_CHILD], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert Path(got["file"]).parent == folder and got["paths"] == [str(folder / "__pycache__")]
    assert "_dopri5" in got["hits"] and got["misses"] == []
    assert not (cache / "engine").exists()


def test_uncontrolled_sensitivities_follow_the_steps_of_the_plain_solve():
    """control_sensitivities=False: the error norm covers the states only (CVODES errconS=False),
    so a sensitivity solve takes exactly the steps of the plain solve and its states are identical."""
    from model.solve.simulation import atol_vector, state_bounds

    cs = model.compile(LIB["keen"])
    p, y0, L = cs.param_vector(), cs.state_vector(), cs.inputs_table()
    lo, hi = state_bounds(cs)
    t_eval = np.linspace(0.0, 50.0, 11)
    idx = cs.param_index(["alpha", "r", "nu"])
    runs = []
    for k in (0, idx.size):
        z0 = np.concatenate([y0, np.zeros(3 * k)])
        Z, info = np.empty((t_eval.size, z0.size)), np.zeros(5)
        atol = atol_vector(1e-10, z0.size)
        atol[3:] = 1e300
        cs.dopri5(1 if k else 0, 0.0, z0, p, L, t_eval, 1e-8, atol, lo, hi, np.full(3, np.inf), -1.0,
                  100_000, False, idx[:k], Z, info)
        runs.append((Z[:, :3], info))
    assert runs[0][1][2] == runs[1][1][2] > 10  # accepted steps
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-12)  # same steps; rhs rounding only


def test_code_digest_ignores_comments_docstrings_and_layout_but_not_code():
    """Review: nothing guarded the rule that a comment edit keeps every cached model (hashing the raw
    source passed the suite). The digest of the real code generator is checked on edited copies."""
    from model.cache import code_digest
    from model.compiler import codegen

    text = Path(codegen.__file__).read_text()
    base = code_digest(text)
    commented = text.replace("\ndef source_key(", "\n# a comment added by a contributor\ndef source_key(", 1)
    doc = '"""Cache key of the generated module:'
    redocumented = text.replace(doc, doc.replace('"""', '"""Reworded. '), 1)
    line = "h.update(system.equations_hash().encode())"
    rewrapped = text.replace(line, line.replace("(system", "(\n        system"), 1)
    for variant in (commented, redocumented, rewrapped):
        assert variant != text and code_digest(variant) == base
    edited = text.replace("h.update(system.equations_hash().encode())", "h.update(system.name.encode())", 1)
    assert edited != text and code_digest(edited) != base


def test_file_digest_is_kept_in_the_cache_under_the_sha256_of_the_text(tmp_path, monkeypatch):
    """The engine and model keys parse their sources once per text, not once per process: the code
    digest is kept as ``digests/<sha256 of the text>``; an entry that is not a digest is replaced."""
    import hashlib

    from model.cache import code_digest, file_digest

    monkeypatch.setenv("DGM_CACHE_DIR", str(tmp_path / "cache"))
    for i, garbled in enumerate(("", "x" * 64, "0" * 63)):
        text = f'"""Module {i}."""\nx = {i}  # a comment\n'
        src = tmp_path / f"m{i}.py"
        src.write_text(text)
        entry = tmp_path / "cache" / "digests" / hashlib.sha256(text.encode()).hexdigest()
        if garbled:
            entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            entry.write_text(garbled)
        assert file_digest(src) == code_digest(f"x = {i}\n")  # docstring and comment do not count
        assert entry.read_text() == code_digest(f"x = {i}\n")


def test_model_key_follows_the_derivative_rules_and_sympy(monkeypatch):
    """Review input: changing ``derivative()`` in model/core/functions.py (``return 2 * d``) kept the key,
    so a warm cache served the old Jacobian. The key now covers that module's code and sympy's version."""
    from model.compiler import codegen

    system = keen()
    before = codegen.source_key(system)
    codegen.generator_digest.cache_clear()
    monkeypatch.setattr(codegen.sp, "__version__", "0.0-other")
    assert codegen.source_key(system) != before
    monkeypatch.undo()
    codegen.generator_digest.cache_clear()
    assert codegen.source_key(system) == before
    from model.core import functions
    real = Path(functions.__file__).read_text()
    assert "def derivative(" in real
    monkeypatch.setattr(codegen.Path, "read_text",
                        lambda self, *a, **k: real.replace("def derivative(", "def derivative_(", 1)
                        if self.name == "functions.py" else Path.read_bytes(self).decode())  # closes the file
    codegen.generator_digest.cache_clear()
    try:
        assert codegen.source_key(system) != before
    finally:
        monkeypatch.undo()
        codegen.generator_digest.cache_clear()

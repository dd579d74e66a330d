"""Property tests over small random models (issue 10, item 7).

Random expression trees over the declared symbols and the supported functions (smooth ones and
Max, Min, Abs, sign, Heaviside, Piecewise): every model validates and compiles; its compiled
right-hand side equals sympy's; its Jacobian, parameter derivatives and auxiliary tangents equal
finite differences away from kinks; the forward-sensitivity right-hand side is exactly
``J S + df/dp`` everywhere (kinks included); at persistent ties (``Max(p g, q g)`` with
``p = q``) the Jacobian is the exact slope.

Speed: numba compilation per random model would take tens of seconds, so most examples load the
generated source and the integrators with the pure-Python versions of ``model/compiler/jit.py``
(``DGM_DISABLE_NUMBA``, read at import, so that module is loaded a second time with it set); a few fixed
(derandomized) examples go through numba with ``model.compile`` and are compared with it.
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, event, given, settings, strategies as st

import model
import model.compiler.jit
from model import Block, aux, combine, param, stock
from model.compiler import codegen
from model.compiler.compiled import CompiledSystem
from model.core.units import check_system_units

X, Y = stock("x", default=0.5), stock("y", default=-0.3)
P, Q = param("p", default=0.7), param("q", default=1.3)
K = param("k", "1/year", default=1.0)
W = aux("w")
STATE = (X.sym, Y.sym)
PARAMS = (P.sym, Q.sym)
LEAVES = STATE + PARAMS
NUMBERS = (sp.Integer(1), sp.Integer(2), sp.Integer(-1), sp.Rational(1, 2), sp.Float(0.3))


def _python_jit():
    """``model/compiler/jit.py`` loaded a second time with numba disabled."""
    spec = importlib.util.spec_from_file_location("_dgm_jit_python", model.compiler.jit.__file__)
    mod = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DGM_DISABLE_NUMBA", "1")
        spec.loader.exec_module(mod)
    assert not mod.HAVE_NUMBA
    return mod


_PYJIT = _python_jit()
_FOLDER = None


def _load_with_python_jit(name: str, path: Path):
    """Module ``path`` executed with ``model.compiler.jit`` replaced by its pure-Python version."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    saved = sys.modules["model.compiler.jit"]
    sys.modules["model.compiler.jit"] = _PYJIT
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules["model.compiler.jit"] = saved
    return module


_PYENGINE = _load_with_python_jit("_dgm_engine_python", Path(model.compiler.jit.__file__).with_name("integrators.py"))


class PythonCompiled(CompiledSystem):
    """A compiled system whose generated functions and integrators run as plain Python."""

    def _engine(self):
        return _PYENGINE

    def functions(self, *names):
        return [getattr(self.module, n) for n in codegen.FUNCTIONS]


def compile_python(system) -> CompiledSystem:
    """The generated module of ``system``, loaded with plain-Python decorators (no JIT)."""
    global _FOLDER
    if _FOLDER is None:
        import tempfile
        _FOLDER = Path(tempfile.mkdtemp(prefix="dgm-fuzz-"))
    key = codegen.source_key(system)
    path = _FOLDER / f"fuzz_{key}.py"
    path.write_text(codegen.generate_source(system))
    return PythonCompiled(system, _load_with_python_jit(f"dgm_fuzz_{key}", path), path, key)


def _nodes(leaves):
    def extend(ch):
        two = st.tuples(ch, ch)
        return st.one_of(
            two.map(lambda a: a[0] + a[1]),
            two.map(lambda a: a[0] * a[1]),
            two.map(lambda a: a[0] - a[1]),
            st.lists(ch, min_size=2, max_size=3).map(lambda a: sp.Max(*a)),
            st.lists(ch, min_size=2, max_size=3).map(lambda a: sp.Min(*a)),
            ch.map(sp.Abs),
            ch.map(sp.sign),
            ch.map(sp.Heaviside),
            st.tuples(ch, ch, ch, ch).map(lambda a: sp.Piecewise((a[0], a[1] > a[2]), (a[3], True))),
            ch.map(sp.tanh),
            ch.map(sp.sin),
            ch.map(lambda a: sp.exp(sp.tanh(a))),
            ch.map(lambda a: a ** 2),
            ch.map(lambda a: a / (1 + a ** 2)),
        )
    base = st.one_of(st.sampled_from(leaves), st.sampled_from(NUMBERS))
    return st.recursive(base, extend, max_leaves=8)


EXPR = _nodes(LEAVES)
EXPR_W = _nodes(LEAVES + (W.sym,))  # may use the auxiliary
STATE_EXPR = _nodes(STATE)  # no parameters: for the tie property


@st.composite
def random_models(draw):
    """A two-stock model with one auxiliary: dx/dt = k f(x, y, p, q, w), dy/dt = k g(...), w = h(x, y, p, q)."""
    h, f, g = draw(EXPR), draw(EXPR_W), draw(EXPR_W)
    return combine(Block("fuzz", (X, Y, P, Q, K, W), derivatives={"x": K.sym * f, "y": K.sym * g},
                         auxiliaries={"w": h}), name="fuzz", check_units=False)


POINT = st.tuples(*[st.floats(-2, 2, allow_nan=False)] * 4)


def _switches(e) -> list[sp.Expr]:
    """Expressions whose sign change is a kink or jump of ``e``."""
    out = []
    for node in sp.preorder_traversal(e):
        if isinstance(node, (sp.Max, sp.Min)):
            out += [a - b for i, a in enumerate(node.args) for b in node.args[i + 1:]]
        elif isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
            out.append(node.args[0])
        elif isinstance(node, sp.core.relational.Relational):
            out.append(node.lhs - node.rhs)
    return out


def _distance_to_kinks(exprs, subs) -> float:
    vals = [abs(float(s.xreplace(subs))) for e in exprs for s in _switches(e)]
    return min(vals, default=np.inf)


def _setup(system, point):
    subs = dict(zip(LEAVES, map(sp.Float, point)))
    subs[K.sym] = sp.Float(1.0)
    y = np.array(point[:2])
    p = np.array([1.0, point[2], point[3]])  # parameters in sorted order: k, p, q
    eqs = system.rhs_expressions(substitute=True)
    aux_w = system.substituted_auxiliaries()[W.sym]
    return subs, y, p, [eqs["x"], eqs["y"]], aux_w


def _fd(fun, v, h=1e-6):
    cols = []
    for j in range(v.size):
        e = np.zeros_like(v)
        e[j] = h
        cols.append((fun(v + e) - fun(v - e)) / (2 * h))
    return np.array(cols).T


def _check_model(system, point, cs):
    subs, y, p, exprs, aux_w = _setup(system, point)
    assert cs.parameters == ("k", "p", "q") and cs.states == ("x", "y")
    # compiled right-hand side == sympy's (away from jumps, where rounding could flip a branch)
    assume(_distance_to_kinks(exprs + [aux_w], subs) > 1e-9)
    exact = np.array([float(e.xreplace(subs)) for e in exprs])
    np.testing.assert_allclose(cs.rhs(0.0, y, p), exact, rtol=1e-10, atol=1e-12)
    assert cs.observed(0.0, y, p)["w"] == pytest.approx(float(aux_w.xreplace(subs)), rel=1e-10, abs=1e-12)
    # forward-sensitivity right-hand side is J S + df/dp (the same convention), kinks included
    S = np.random.default_rng(0).normal(size=(2, 3))
    z = np.concatenate([y, S.ravel()])
    out = cs.sensitivity_rhs(0.0, z, p, cs.parameters)
    J, Fp = cs.jac(0.0, y, p), cs.dfdp(0.0, y, p)
    np.testing.assert_allclose(out[2:].reshape(2, 3), J @ S + Fp, rtol=1e-12, atol=1e-12)
    kinds = sorted({type(n).__name__ for e in exprs + [aux_w] for n in sp.preorder_traversal(e)
                    if isinstance(n, (sp.Max, sp.Min, sp.Abs, sp.sign, sp.Heaviside, sp.Piecewise))})
    event(f"non-smooth: {', '.join(kinds) or 'none'}")
    # away from kinks: derivatives == finite differences
    if _distance_to_kinks(exprs + [aux_w], subs) < 1e-2:
        event("near a kink: finite differences skipped")
        return
    scale = max(1.0, np.abs(J).max(), np.abs(Fp).max())
    np.testing.assert_allclose(J, _fd(lambda v: cs.rhs(0.0, v, p), y), rtol=1e-5, atol=1e-6 * scale)
    np.testing.assert_allclose(Fp, _fd(lambda v: cs.rhs(0.0, y, v), p), rtol=1e-5, atol=1e-6 * scale)
    # auxiliary tangents: dw/dq = (dw/dy) S + dw/dq, against finite differences
    vals, ders = cs.observed_tangents([0.0], y[None, :], S[None], p, cs.parameters)
    dw_dy = _fd(lambda v: np.atleast_1d(cs.observed(0.0, v, p)["w"]), y)
    dw_dp = _fd(lambda v: np.atleast_1d(cs.observed(0.0, y, v)["w"]), p)
    np.testing.assert_allclose(ders["w"][0], (dw_dy @ S + dw_dp)[0], rtol=1e-5, atol=1e-6 * scale)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(system=random_models(), point=POINT)
def test_random_models_validate_compile_and_differentiate(system, point):
    check_system_units(system, use_cache=False)  # validation (structure ran in combine)
    _check_model(system, point, compile_python(system))


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(g=STATE_EXPR, kind=st.sampled_from(["Max", "Min", "Piecewise", "Abs"]), point=POINT)
def test_persistent_ties_have_exact_slopes(g, kind, point):
    """dx/dt = k F(p g, q g, (p + q) g / 2) with p = q: a three-way tie at every state, F is p g,
    so the Jacobian must be that of p g (sympy's own derivative weighs the tied slopes 3/2)."""
    p_, q_ = P.sym, Q.sym
    a, b, c = p_ * g, q_ * g, (p_ + q_) * g / 2

    def abs_max(u, v):
        return (u + v + sp.Abs(u - v)) / 2

    F = {"Max": lambda: sp.Max(a, b, c), "Min": lambda: sp.Min(a, b, c),
         "Piecewise": lambda: sp.Piecewise((a, (a >= b) & (a >= c)), (b, b >= c), (c, True)),
         "Abs": lambda: abs_max(a, abs_max(b, c))}[kind]()
    system = combine(Block("tie", (X, Y, P, Q, K), derivatives={"x": K.sym * F, "y": K.sym * g}),
                     name="tie", check_units=False)
    check_system_units(system, use_cache=False)
    cs = compile_python(system)
    subs = dict(zip(LEAVES, map(sp.Float, point)))
    assume(_distance_to_kinks([g], subs) > 1e-2)
    y = np.array(point[:2])
    pv = np.array([1.0, point[2], point[2]])  # p = q: a persistent tie
    J = cs.jac(0.0, y, pv)
    fd = _fd(lambda v: cs.rhs(0.0, v, pv), y)
    scale = max(1.0, np.abs(fd).max())
    np.testing.assert_allclose(J, fd, rtol=1e-5, atol=1e-6 * scale)
    np.testing.assert_allclose(J[0], point[2] * J[1], rtol=1e-12, atol=1e-12 * scale)


@settings(max_examples=2, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@pytest.mark.slow
@given(system=random_models(), point=POINT)
def test_numba_compiled_random_models_agree_with_the_python_path(system, point):
    """A few fixed random models through numba (cached on disk: the same ones every run)."""
    cs = model.compile(system)
    _check_model(system, point, cs)
    py = compile_python(system)
    y, p = np.array(point[:2]), np.array([1.0, point[2], point[3]])
    for name in ("rhs", "jac", "dfdp"):
        np.testing.assert_allclose(getattr(cs, name)(0.0, y, p), getattr(py, name)(0.0, y, p), rtol=1e-12, atol=1e-12)

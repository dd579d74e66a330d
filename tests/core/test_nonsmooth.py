"""Non-smooth functions: whatever validation accepts compiles, and derivatives are right at ties.

Convention (model/core/functions.py): Max/Min/Abs/Heaviside/sign/Piecewise are differentiated as the
one smooth piece selected at the point (ties to the first argument); jumps contribute 0. The
Jacobian, d rhs/dp and the forward-sensitivity tangents all use it.
"""

import math

import numpy as np
import pytest
import sympy as sp

import model
from model import Block, ModelError, aux, combine, param, stock
from model.core.functions import derivative, kink_form
from model.solve.sensitivity import solve_arrays

EXP4 = math.exp(4.0)


def _heaviside_system():
    x = stock("x", default=1.0)
    y = stock("y", default=1.0)
    k = param("k", "1/year", default=0.1)
    c = param("c", default=0.5)
    return combine(Block("jumps", (x, y, k, c), derivatives={
        "x": k.sym * sp.Heaviside(x.sym - c.sym) * x.sym,
        "y": k.sym * sp.sign(y.sym - c.sym) * y.sym}), name="nonsmooth_jumps")


def _tie_system():
    """Each stock: dx/dt = r F(a x, b x, d x) - delta x with F at a persistent three-way tie
    (a = b = d = 0.5), so x = exp(0.4 t) and dx/dr = 0.5 t exp(0.4 t)."""
    names = ("xmax", "xmin", "xabs", "xpw", "xaux")
    xs = {n: stock(n, default=1.0) for n in names}
    a, b, d = (param(n, default=0.5) for n in "abd")
    r = param("r", "1/year", default=1.0)
    delta = param("delta", "1/year", default=0.1)
    m = aux("m")
    A, B, D, R, DL = a.sym, b.sym, d.sym, r.sym, delta.sym
    X = {n: v.sym for n, v in xs.items()}
    ders = {
        "xmax": R * sp.Max(A * X["xmax"], B * X["xmax"], D * X["xmax"]) - DL * X["xmax"],
        "xmin": R * sp.Min(A * X["xmin"], B * X["xmin"], D * X["xmin"]) - DL * X["xmin"],
        # Abs(u - v) + v = Max(u, v) + (v - u)... here: (u + v + Abs(u - v)) / 2 = Max(u, v), tied at u = v
        "xabs": R * (A * X["xabs"] + B * X["xabs"] + sp.Abs(A * X["xabs"] - B * X["xabs"])) / 2 - DL * X["xabs"],
        "xpw": R * sp.Piecewise((A * X["xpw"], A * X["xpw"] >= B * X["xpw"]), (B * X["xpw"], True)) - DL * X["xpw"],
        "xaux": R * m.sym - DL * X["xaux"],
    }
    return combine(Block("ties", (*xs.values(), a, b, d, r, delta, m), derivatives=ders,
                         auxiliaries={"m": sp.Max(A * X["xaux"], B * X["xaux"], D * X["xaux"])}),
                   name="nonsmooth_ties")


def test_heaviside_model_validates_compiles_and_integrates():
    ds = model.simulate(_heaviside_system(), t_span=(0, 1), t_eval=[0.0, 1.0])
    assert float(ds.x[-1]) == pytest.approx(math.exp(0.1), rel=1e-8)  # 1.1051709
    assert float(ds.y[-1]) == pytest.approx(math.exp(0.1), rel=1e-8)


def test_heaviside_and_sign_derivatives_drop_the_dirac_delta():
    cs = model.compile(_heaviside_system())
    assert "DiracDelta" not in cs.source
    # x = 1 > c: slope k; at the jump x = c = 0.5: H(0) = 1/2 times k, the jump adds nothing
    np.testing.assert_allclose(cs.jac(0.0, [1.0, 1.0]), [[0.1, 0.0], [0.0, 0.1]], rtol=1e-15)
    np.testing.assert_allclose(cs.jac(0.0, [0.5, 0.5]), [[0.05, 0.0], [0.0, 0.0]], rtol=1e-15)
    # d/dk = H x and sign x; d/dc = 0 (no delta at the jump)
    Fp = cs.dfdp(0.0, [0.5, 0.5])
    assert cs.parameters == ("c", "k")
    np.testing.assert_allclose(Fp, [[0.0, 0.25], [0.0, 0.0]], atol=1e-15)


def test_max_tie_jacobian_and_parameter_derivatives():
    cs = model.compile(_tie_system())
    y = np.ones(cs.n_states)
    J = cs.jac(0.0, y)
    np.testing.assert_allclose(J, 0.4 * np.eye(cs.n_states), rtol=1e-14, atol=0)  # was 0.65 for Max
    Fp = dict(zip(cs.parameters, cs.dfdp(0.0, y).T))
    for i in range(cs.n_states):
        assert Fp["r"][i] == pytest.approx(0.5)
        assert Fp["delta"][i] == pytest.approx(-1.0)
        # ties go to one argument: the slopes in a, b (, d) add up to r x = 1, never 1.5 or 0.5
        assert Fp["a"][i] + Fp["b"][i] + Fp["d"][i] == pytest.approx(1.0)
        assert sorted([Fp["a"][i], Fp["b"][i], Fp["d"][i]]) == [0.0, 0.0, 1.0]


def test_forward_sensitivity_through_a_tie_is_exact():
    ds = model.sensitivities(_tie_system(), ["r", "delta"], t_span=(0, 10), t_eval=[0.0, 10.0],
                             rtol=1e-10, atol=1e-12)
    for s in ("xmax", "xmin", "xabs", "xpw", "xaux"):
        assert float(ds[s][-1]) == pytest.approx(EXP4, rel=1e-8)
        assert float(ds[f"d_{s}"].sel(parameter="r")[-1]) == pytest.approx(5 * EXP4, rel=1e-7)  # 272.99075
        assert float(ds[f"d_{s}"].sel(parameter="delta")[-1]) == pytest.approx(-10 * EXP4, rel=1e-7)


def test_auxiliary_tangent_through_a_tie_is_exact():
    cs = model.compile(_tie_system())
    p, y0, L = cs.param_vector(), cs.state_vector(), cs.inputs_table()
    t_eval = np.array([0.0, 10.0])
    Y, S = solve_arrays(cs, p, y0, L, 0.0, t_eval, wrt=cs.param_index(["r"]), rtol=1e-10, atol=1e-12)
    vals, ders = cs.observed_tangents(t_eval, Y, S, p, ["r"], L)
    assert vals["m"][-1] == pytest.approx(0.5 * EXP4, rel=1e-8)
    assert ders["m"][-1, 0] == pytest.approx(2.5 * EXP4, rel=1e-7)  # dm/dr = 0.5 dx/dr


def test_sensitivity_rhs_uses_the_same_convention_as_jac_and_dfdp():
    cs = model.compile(_tie_system())
    y, p = np.ones(cs.n_states), cs.param_vector()
    params = list(cs.parameters)
    S = np.random.default_rng(1).normal(size=(cs.n_states, len(params)))
    z = np.concatenate([y, S.ravel()])
    out = cs.sensitivity_rhs(0.0, z, p, params)
    expect = cs.jac(0.0, y, p) @ S + cs.dfdp(0.0, y, p)
    np.testing.assert_allclose(out[cs.n_states:].reshape(S.shape), expect, rtol=1e-13, atol=1e-13)


x_, y_, a_, b_ = sp.symbols("x y a b", real=True)


@pytest.mark.parametrize("expr, at, slope", [
    (sp.Max(a_ * x_, b_ * x_), {a_: 2, b_: 2, x_: 1}, 2),
    (sp.Min(a_ * x_, b_ * x_, 3 * x_), {a_: 3, b_: 3, x_: 1}, 3),
    (sp.Abs(x_), {x_: 0}, 1),          # Abs = Max(u, -u): right slope at the kink
    (sp.Abs(x_), {x_: -2}, -1),
    (sp.Heaviside(x_) * x_, {x_: 0}, sp.Rational(1, 2)),
    (sp.sign(x_) * x_ ** 2, {x_: 0}, 0),
    (sp.Piecewise((x_ ** 2, x_ > 1), (3 * x_, True)), {x_: 1}, 3),
    (sp.Max(x_, y_), {x_: 1, y_: 1}, 1),  # the tie goes to the first argument
])
def test_derivative_convention_at_kinks_and_ties(expr, at, slope):
    d = derivative(expr, x_)
    assert not d.has(sp.DiracDelta)
    assert d.xreplace(at) == slope
    # the rewritten form has the same values
    assert kink_form(expr).xreplace(at) == expr.xreplace(at)


@pytest.mark.parametrize("f", [sp.Max, sp.Min])
def test_at_a_tie_the_slope_along_the_tie_is_exact(f):
    """Selection keeps directional derivatives that preserve the tie exact: d/dx + d/dy of
    F(x, y) at x = y is 1 (a blend with weights 1/2 gives 1 too, but three-way ties gave 3/4)."""
    e = f(x_, y_, 2 * x_ - y_)
    at = {x_: 1, y_: 1}
    slopes = [derivative(e, v).xreplace(at) for v in (x_, y_)]
    assert sum(slopes) == 1 and sorted(slopes) in ([0, 1], [-1, 2])


@pytest.mark.parametrize("bad, what", [
    (lambda x: sp.floor(x), "floor"),
    (lambda x: sp.ceiling(x), "ceiling"),
    (lambda x: sp.Mod(x, 2), "Mod"),
    (lambda x: sp.Function("f")(x), r"f in f\(x\) is not supported"),
    (lambda x: sp.Piecewise((x, x > 0)), "no otherwise branch"),
    (lambda x: sp.DiracDelta(x), "DiracDelta"),
    (lambda x: sp.gamma(x), "gamma"),
    (lambda x: x * sp.oo, "not finite"),
])
@pytest.mark.parametrize("check_units", [True, False])
def test_what_the_compiler_cannot_print_is_refused_in_validation(bad, what, check_units):
    x = stock("x", default=1.0)
    k = param("k", "1/year", default=0.1)
    with pytest.raises(ModelError, match=rf"block 'b': a derivative for 'x'.*{what}"):
        combine(Block("b", (x, k), derivatives={"x": k.sym * bad(x.sym)}), check_units=check_units)


def test_a_condition_is_not_a_value():
    x = stock("x", default=1.0)
    c = aux("c")
    with pytest.raises(ModelError, match=r"equation for 'c'.*condition.*Piecewise"):
        combine(Block("b", (x, c), derivatives={"x": c.sym}, auxiliaries={"c": x.sym > 1}), check_units=False)

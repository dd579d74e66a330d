"""Reference models of model.library against closed forms and published numbers (economics.md)."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
import sympy as sp
from scipy.integrate import solve_ivp

from model import catalogue, library
from model.compiler.compiled import compile as compile_system
from model.core.levers import Policy
from model.core.units import check_system_units
from model.errors import ModelError


@functools.cache
def compiled(name: str, **kwargs):
    return compile_system(catalogue.get(name, **kwargs))


def idx(cs, name: str) -> int:
    return cs.states.index(name)


# ---------------------------------------------------------------------------------------------
# Registry, units, documentation
# ---------------------------------------------------------------------------------------------

def test_registry_names_and_factories():
    assert set(catalogue.MODELS) == {"solow", "goodwin", "keen", "supermultiplier", "dice2016", "dice2016_discrete",
                                   "sim", "sim_discrete", "pc", "bmw", "aabh", "directed_growth"}
    for name, factory in catalogue.MODELS.items():
        system = factory()
        assert system.is_discrete == name.endswith("_discrete")
        # origin rebuilds the same equations
        rebuilt = catalogue.rebuild(system.origin)  # the path a saved result takes (no module named in text)
        assert rebuilt.equations_hash() == system.equations_hash()
    assert catalogue.get("goodwin", phillips="gcl").name == "goodwin_gcl"
    assert set(library.__all__) >= {"keen", "solow", "goodwin", "supermultiplier", "dice2016_climate", "sim", "pc",
                                    "bmw", "aabh"}
    assert set(catalogue.__all__) == {"MODELS", "get", "FACTORIES", "rebuild"}


def test_registry_unknown_name_lists_valid_names():
    with pytest.raises(ModelError) as err:
        catalogue.get("solo")
    for name in catalogue.MODELS:
        assert name in str(err.value)


@pytest.mark.parametrize("factory,kwargs", [
    (library.solow, {}), (library.goodwin, {"phillips": "linear"}), (library.goodwin, {"phillips": "gcl"}),
    (library.keen, {}), (library.supermultiplier, {}), (library.dice2016_climate, {"discrete": False}),
    (library.dice2016_climate, {"discrete": True}), (library.sim, {}), (library.sim, {"discrete": True}),
    (library.pc, {}), (library.bmw, {}), (library.aabh, {}),
])
def test_units_and_metadata(factory, kwargs):
    system = factory(**kwargs)
    check_system_units(system, use_cache=False)  # no cached marker: really re-check
    for v in system.variables.values():
        if v.kind in ("stock", "parameter", "lever", "exogenous"):
            assert v.default is not None, v.name
            assert v.source, v.name
    doc = factory.__doc__
    assert "Notes" in doc and "References" in doc


def test_dice_units_catch_missing_co2_conversion():
    # the emission term only balances through the declared GtCO2/GtC conversion
    from model.core.blocks import Block
    from model.core.system import combine
    system = library.dice2016_climate()
    blk = system.blocks[0]
    bad = dict(blk.derivatives)
    bad["M_at"] = bad["M_at"].subs(system["co2_per_c"].sym, 1)
    with pytest.raises(ModelError, match="M_at"):
        combine(Block(name=blk.name, variables=blk.variables, derivatives=bad, auxiliaries=blk.auxiliaries),
                name="bad_dice", check_units=True)


def test_goodwin_rejects_unknown_phillips_curve():
    with pytest.raises(ModelError, match="linear") as err:
        library.goodwin(phillips="bad")
    assert "gcl" in str(err.value)


# ---------------------------------------------------------------------------------------------
# Solow: closed form
# ---------------------------------------------------------------------------------------------

def solow_closed_form(t, k0, s, a, n, g, delta, A):
    m = n + g + delta
    x = s * A / m + (k0 ** (1 - a) - s * A / m) * np.exp(-(1 - a) * m * t)
    return x ** (1 / (1 - a))


def test_solow_steady_state_and_linearisation():
    cs = compiled("solow")
    p = dict(zip(cs.parameters, cs.param_vector()))
    m = p["n"] + p["g"] + p["delta"]
    kstar = (p["s"] * p["A"] / m) ** (1 / (1 - p["a"]))
    assert kstar == pytest.approx((0.2 / 0.08) ** 1.5, rel=1e-14)
    assert abs(cs.rhs(0.0, [kstar])[0]) < 1e-14
    assert cs.jac(0.0, [kstar])[0, 0] == pytest.approx(-(1 - p["a"]) * m, rel=1e-12)
    assert cs.observed(0.0, [kstar])["y"] == pytest.approx(p["A"] * kstar ** p["a"], rel=1e-14)


@pytest.mark.parametrize("k0,pars", [(1.0, {}), (10.0, {"s": 0.3, "a": 0.4, "A": 0.8}), (0.05, {"n": 0.0})])
def test_solow_matches_closed_form(k0, pars):
    cs = compiled("solow")
    p = cs.param_vector(pars)
    pd = dict(zip(cs.parameters, p))
    ts = np.array([0.0, 1.0, 10.0, 50.0, 200.0])
    sol = solve_ivp(lambda t, y: cs.rhs(t, y, p), (0.0, ts[-1]), [k0], method="DOP853", t_eval=ts,
                    rtol=1e-12, atol=1e-14)
    exact = solow_closed_form(ts, k0, **pd)
    np.testing.assert_allclose(sol.y[0], exact, rtol=1e-9)
    # an offset of the time axis does not matter (autonomous equations)
    sol2 = solve_ivp(lambda t, y: cs.rhs(t, y, p), (2000.0, 2000.0 + ts[-1]), [k0], method="DOP853",
                     t_eval=2000.0 + ts, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(sol2.y[0], exact, rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# Goodwin: equilibrium, period, first integral
# ---------------------------------------------------------------------------------------------

GOODWIN_CASES = {"linear": (0.91, 0.866667, 15.820424), "gcl": (0.835, 0.968612, 5.943197)}


def goodwin_equilibrium(cs, phillips):
    p = dict(zip(cs.parameters, cs.param_vector()))
    omega = 1 - p["nu"] * (p["alpha"] + p["beta"] + p["delta"])
    if phillips == "linear":
        lam = (p["alpha"] + p["gamma"]) / p["rho"]
    else:
        lam = 1 - math.sqrt(p["phi1"] / (p["alpha"] + p["phi0"]))
    y = np.zeros(2)
    y[idx(cs, "omega")], y[idx(cs, "lam")] = omega, lam
    return y


@pytest.mark.parametrize("phillips", ["linear", "gcl"])
def test_goodwin_equilibrium_and_period(phillips):
    cs = compiled("goodwin", phillips=phillips)
    w_exp, l_exp, period_exp = GOODWIN_CASES[phillips]
    y = goodwin_equilibrium(cs, phillips)
    assert y[idx(cs, "omega")] == pytest.approx(w_exp, abs=1e-6)
    assert y[idx(cs, "lam")] == pytest.approx(l_exp, abs=1e-6)
    assert np.max(np.abs(cs.rhs(0.0, y))) < 1e-14
    assert cs.observed(0.0, y)["phillips"] == pytest.approx(cs.param_vector()[cs.parameters.index("alpha")],
                                                            abs=1e-14)
    ev = np.linalg.eigvals(cs.jac(0.0, y))
    assert np.max(np.abs(ev.real)) < 1e-12  # a centre
    period = 2 * math.pi / abs(ev[0].imag)
    assert period == pytest.approx(period_exp, abs=1e-6)


@pytest.mark.parametrize("phillips", ["linear", "gcl"])
def test_goodwin_first_integral_is_conserved(phillips):
    system = library.goodwin(phillips=phillips)
    cs = compiled("goodwin", phillips=phillips)
    sub = system.substituted_auxiliaries()
    H = sub[system["H"].sym]
    w, lam = system["omega"].sym, system["lam"].sym
    f = system.rhs_expressions(substitute=True)
    # symbolically: dH/dt = grad H . f == 0
    assert sp.simplify(sp.diff(H, w) * f["omega"] + sp.diff(H, lam) * f["lam"]) == 0
    # numerically, with the compiled right-hand side, at random points
    params = [system[n].sym for n in cs.parameters]
    grad = sp.lambdify([w, lam] + params, [sp.diff(H, w), sp.diff(H, lam)])
    p = cs.param_vector()
    rng = np.random.default_rng(1)
    for _ in range(20):
        wv, lv = rng.uniform(0.3, 1.2), rng.uniform(0.5, 0.99)
        y = np.zeros(2)
        y[idx(cs, "omega")], y[idx(cs, "lam")] = wv, lv
        f_num = cs.rhs(0.0, y, p)
        gw, gl = grad(wv, lv, *p)
        dHdt = gw * f_num[idx(cs, "omega")] + gl * f_num[idx(cs, "lam")]
        scale = abs(gw * f_num[idx(cs, "omega")]) + 1e-300
        assert abs(dHdt) < 1e-12 * max(1.0, scale)
        assert cs.observed(0.0, y, p)["H"] == pytest.approx(float(H.subs({w: wv, lam: lv, **dict(zip(params, p))})),
                                                            rel=1e-12)
    # along an accurate numerical orbit H stays constant although (omega, lam) cycle widely
    y0 = cs.state_vector()
    sol = solve_ivp(lambda t, y: cs.rhs(t, y, p), (0.0, 40.0), y0, method="DOP853", rtol=1e-12, atol=1e-14,
                    dense_output=True)
    ts = np.linspace(0.0, 40.0, 81)
    Y = sol.sol(ts).T
    Hs = cs.observed(ts, Y, p)["H"]
    assert np.ptp(Y[:, idx(cs, "omega")]) > 0.05
    assert np.ptp(Hs) < 1e-9


# ---------------------------------------------------------------------------------------------
# Keen (validation case 1)
# ---------------------------------------------------------------------------------------------

def keen_good_equilibrium(p):
    inv = p["nu"] * (p["alpha"] + p["beta"] + p["delta"])
    pi1 = math.log((inv - p["kappa0"]) / p["kappa1"]) / p["kappa2"]
    lam1 = 1 - math.sqrt(p["phi1"] / (p["alpha"] + p["phi0"]))
    d1 = (inv - pi1) / (p["alpha"] + p["beta"])
    omega1 = 1 - pi1 - p["r"] * d1
    return omega1, lam1, d1, pi1


def test_keen_good_equilibrium_and_stability():
    cs = compiled("keen")
    p = dict(zip(cs.parameters, cs.param_vector()))
    omega1, lam1, d1, pi1 = keen_good_equilibrium(p)
    assert (omega1, lam1, d1, pi1) == pytest.approx((0.836053, 0.968612, 0.070191, 0.161841), abs=1e-6)
    y = np.zeros(3)
    y[idx(cs, "omega")], y[idx(cs, "lam")], y[idx(cs, "d")] = omega1, lam1, d1
    assert np.max(np.abs(cs.rhs(0.0, y))) < 1e-12
    obs = cs.observed(0.0, y)
    assert obs["pi"] == pytest.approx(pi1, abs=1e-12)
    assert obs["kappa"] == pytest.approx(0.165, abs=1e-12)
    ev = np.linalg.eigvals(cs.jac(0.0, y))
    ev = ev[np.argsort(ev.imag)]
    np.testing.assert_allclose(ev.real, [-0.035228, -0.045037, -0.035228], atol=1e-6)
    np.testing.assert_allclose(ev.imag, [-1.958081, 0.0, 1.958081], atol=1e-6)
    kprime = p["kappa2"] * (obs["kappa"] - p["kappa0"])
    assert kprime == pytest.approx(3.43, abs=1e-12)
    bracket = kprime * (1 - d1 / p["nu"]) - 1
    assert bracket == pytest.approx(2.349748, abs=1e-6)
    assert p["r"] * bracket > 0  # Routh-Hurwitz: the good equilibrium is stable
    # bad equilibrium (0, 0, +inf) is locally stable too: kappa(-inf)/nu - delta < r
    assert p["kappa0"] / p["nu"] - p["delta"] == pytest.approx(-0.012167, abs=1e-6)
    assert p["kappa0"] / p["nu"] - p["delta"] < p["r"]
    assert p["phi1"] - p["phi0"] < p["alpha"]  # Phi(0) < alpha


# ---------------------------------------------------------------------------------------------
# Supermultiplier (validation case 3)
# ---------------------------------------------------------------------------------------------

def reduced_jacobian(cs, p, y):
    """Jacobian of the detrended (x = K/Z, h) system at Z = 1 from the compiled full Jacobian.

    x' = K'(1, x, h) - x g_Z and h' = h'(1, x, h), so J_red = J[{K,h},{K,h}] - g_Z e_K e_K^T.
    Its eigenvalues equal those of the (h, u) system (u = v/((s-h) x) is a change of coordinates).
    """
    J = cs.jac(0.0, y, p)
    k, h = idx(cs, "K"), idx(cs, "h")
    Jr = J[np.ix_([k, h], [k, h])].copy()
    Jr[0, 0] -= p[cs.parameters.index("g_Z")]
    return Jr


@pytest.mark.parametrize("gamma,expected", [(0.05, (-0.024231, 0.047041)), (0.10, (-0.013462, 0.073612)),
                                            (0.20, (0.008077, 0.105521))])
def test_supermultiplier_steady_state_and_stability(gamma, expected):
    cs = compiled("supermultiplier")
    p = cs.param_vector({"gamma": gamma})
    pd = dict(zip(cs.parameters, p))
    y = cs.state_vector()  # defaults sit on the balanced growth path
    obs = cs.observed(0.0, y, p)
    assert obs["h_star"] == pytest.approx(0.175, abs=1e-12)
    assert y[idx(cs, "h")] == pytest.approx(obs["h_star"], abs=1e-12)
    assert obs["Y"] / y[idx(cs, "Z")] == pytest.approx(3.076923, abs=1e-6)
    assert obs["u"] == pytest.approx(pd["u_n"], abs=1e-12)
    assert obs["g_Y"] == pytest.approx(pd["g_Z"], abs=1e-12)
    assert obs["g_K"] == pytest.approx(pd["g_Z"], abs=1e-12)
    assert abs(obs["identity_demand"]) < 1e-12
    f = cs.rhs(0.0, y, p)
    assert f[idx(cs, "h")] == 0.0
    assert f[idx(cs, "K")] / y[idx(cs, "K")] == pytest.approx(pd["g_Z"], abs=1e-12)
    Jr = reduced_jacobian(cs, p, y)
    ev = np.linalg.eigvals(Jr)
    assert ev.real == pytest.approx([expected[0]] * 2, abs=1e-6)
    assert sorted(ev.imag) == pytest.approx([-expected[1], expected[1]], abs=1e-6)
    # closed forms of trace and determinant of the (h, u) Jacobian
    hs, un, v, s = obs["h_star"], pd["u_n"], pd["v"], pd["s"]
    assert np.trace(Jr) == pytest.approx(un * hs * (gamma / (s - hs) - 1 / v), abs=1e-12)
    assert np.linalg.det(Jr) == pytest.approx(hs * gamma * un ** 2 / v, abs=1e-12)
    assert (gamma * v < s - hs) == (expected[0] < 0)


def test_supermultiplier_threshold():
    cs = compiled("supermultiplier")
    y = cs.state_vector()
    pd = dict(zip(cs.parameters, cs.param_vector()))
    hs = cs.observed(0.0, y)["h_star"]
    gstar = (pd["s"] - hs) / pd["v"]
    assert gstar == pytest.approx(0.1625, abs=1e-12)
    re = [np.linalg.eigvals(reduced_jacobian(cs, cs.param_vector({"gamma": g}), y)).real.max()
          for g in (gstar - 1e-3, gstar, gstar + 1e-3)]
    assert re[0] < 0 and abs(re[1]) < 1e-12 and re[2] > 0


def test_supermultiplier_long_run_growth_equals_autonomous_growth():
    cs = compiled("supermultiplier")
    p = cs.param_vector({"gamma": 0.05})
    y0 = cs.state_vector({"h": 0.15})
    sol = solve_ivp(lambda t, y: cs.rhs(t, y, p), (0.0, 400.0), y0, method="DOP853", rtol=1e-10, atol=1e-12,
                    t_eval=[0.0, 400.0])
    start, end = cs.observed(0.0, sol.y[:, 0], p), cs.observed(400.0, sol.y[:, -1], p)
    assert abs(start["g_Y"] - 0.03) > 1e-3
    assert end["g_Y"] == pytest.approx(0.03, abs=1e-5)
    assert end["u"] == pytest.approx(0.8, abs=1e-4)
    assert sol.y[idx(cs, "h"), -1] == pytest.approx(0.175, abs=1e-4)
    assert abs(end["identity_demand"]) < 1e-9 * end["Y"]


# ---------------------------------------------------------------------------------------------
# DICE-2016R (validation cases 4 and 5)
# ---------------------------------------------------------------------------------------------

M_EQ = {"M_at": 588.0, "M_up": 360.0, "M_lo": 1720.0}
NO_EMISSIONS = Policy("no emissions", E=0.0)


def dice_state(cs, **values):
    y = cs.state_vector({**M_EQ, "T_at": 0.0, "T_lo": 0.0, **values})
    return y


def dice_inputs(cs, E=0.0, F_ex=0.0):
    u = np.zeros(len(cs.inputs))
    u[cs.inputs.index("E")], u[cs.inputs.index("F_ex")] = E, F_ex
    return u


def iterate(cs, y, p, u, nsteps, t0=2015.0):
    """x_k for k = 0..nsteps by the generated _update function."""
    out = [np.array(y, float)]
    nxt = np.empty(len(y))
    for k in range(nsteps):
        cs.module._update(t0 + 5.0 * k, out[-1], p, u, nxt)
        out.append(nxt.copy())
    return np.array(out)


def carbon_matrix(cs, p):
    """Transfer matrix B (per 5 years) in (M_at, M_up, M_lo) order, from the compiled Jacobian."""
    m = [idx(cs, n) for n in ("M_at", "M_up", "M_lo")]
    L = cs.inputs_table(NO_EMISSIONS, {"F_ex": 0.0})
    J = cs.jac(2015.0, dice_state(cs), p, L)[np.ix_(m, m)]
    return np.eye(3) + 5.0 * J if cs.system.is_discrete else J


def test_dice_discrete_carbon_invariants():
    cs = compiled("dice2016_discrete")
    p = cs.param_vector({"E_land0": 0.0})
    B = carbon_matrix(cs, p)
    np.testing.assert_allclose(B.sum(axis=0), 1.0, atol=1e-15)
    np.testing.assert_allclose(B, [[0.88, 0.196, 0.0], [0.12, 0.797, 0.0014651163], [0.0, 0.007, 0.9985348837]],
                               atol=1e-10)
    np.testing.assert_allclose(np.sort(np.linalg.eigvals(B).real), [0.679602, 0.995933, 1.0], atol=1e-6)
    y = dice_state(cs)
    np.testing.assert_allclose(iterate(cs, y, p, dice_inputs(cs), 3)[-1], y, atol=1e-12)  # fixed point
    # asymptotic airborne fraction: the eigenvector of eigenvalue 1
    w, V = np.linalg.eig(B)
    v1 = np.real(V[:, np.argmin(abs(w - 1))])
    assert v1[0] / v1.sum() == pytest.approx(0.220390, abs=1e-6)


def test_dice_discrete_pulse_response():
    cs = compiled("dice2016_discrete")
    p = cs.param_vector({"E_land0": 0.0})
    y = dice_state(cs, M_at=688.0)
    path = iterate(cs, y, p, dice_inputs(cs), 100)
    excess = path[:, idx(cs, "M_at")] - 588.0
    expected = {1: 88.0000, 2: 79.7920, 10: 62.2052, 20: 59.8725, 100: 49.3356}
    for k, value in expected.items():
        assert excess[k] == pytest.approx(value, abs=1e-4), 5 * k
    carbon = path[:, [idx(cs, n) for n in M_EQ]].sum(axis=1)
    np.testing.assert_allclose(carbon, 2768.0, rtol=1e-13)  # mass conserved
    # the compiled discrete integrator agrees with the update function
    L = cs.inputs_table(NO_EMISSIONS, {"F_ex": 0.0})
    n = cs.n_states
    yout, info = np.empty((101, n)), np.zeros(5)
    cs.discrete(False, 2015.0 + 5.0 * np.arange(101), y, p, L, 5.0, np.full(n, -np.inf), np.full(n, np.inf),
                np.full(n, np.inf), yout, info)
    assert info[0] == 0
    np.testing.assert_allclose(yout, path, rtol=1e-13)


def test_dice_discrete_temperature_step_response():
    cs = compiled("dice2016_discrete")
    p = cs.param_vector({"E_land0": 0.0})
    F2x = p[cs.parameters.index("F2x")]
    path = iterate(cs, dice_state(cs), p, dice_inputs(cs, F_ex=F2x), 200)
    T = path[:, idx(cs, "T_at")]
    for k, value in {10: 2.160075, 20: 2.730550, 40: 2.964472, 200: 3.096928}.items():
        assert T[k] == pytest.approx(value, abs=1e-6), 5 * k
    assert np.all(np.diff(T) > 0) and T[-1] < 3.1
    np.testing.assert_allclose(path[:, idx(cs, "M_at")], 588.0, rtol=1e-14)


def test_dice_discrete_first_step_follows_gams_timing():
    """One 2015 -> 2020 step from DICE's initial state, written out as in the GAMS file."""
    cs = compiled("dice2016_discrete")
    p = cs.param_vector()
    y = cs.state_vector()
    path = library.dice2016_forcing_path(lead=5.0)
    L = cs.inputs_table(None, {"F_ex": path})
    assert library.dice2016_forcing_path()(2100.0) == 1.0
    assert library.dice2016_forcing_path()(2015.0) == 0.5
    assert library.dice2016_forcing_path()(2300.0) == 1.0
    b11, b21, b12, b22, b23 = 0.88, 0.196, 0.12, 0.797, 0.007
    b32 = 0.007 * 360 / 1720
    mat, mu, ml, tat, tlo = 851.0, 460.0, 1740.0, 0.85, 0.0068
    E = 35.85 + 2.6
    mat1 = mat * b11 + mu * b21 + E * 5 / 3.666
    forcoth2 = 0.5 + (1 / 17) * (1.0 - 0.5) * 1  # forcoth(t = 2)
    forc2 = 3.6813 * math.log(mat1 / 588.0) / math.log(2) + forcoth2
    tat1 = tat + 0.1005 * (forc2 - 3.6813 / 3.1 * tat - 0.088 * (tat - tlo))
    expected = {"M_at": mat1, "M_up": mat * b12 + mu * b22 + ml * b32, "M_lo": ml * (1 - b32) + mu * b23,
                "T_at": tat1, "T_lo": tlo + 0.025 * (tat - tlo)}
    yout, info = np.empty((2, cs.n_states)), np.zeros(5)
    n = cs.n_states
    cs.discrete(False, np.array([2015.0, 2020.0]), y, p, L, 5.0, np.full(n, -np.inf), np.full(n, np.inf),
                np.full(n, np.inf), yout, info)
    for name, value in expected.items():
        assert yout[1, idx(cs, name)] == pytest.approx(value, rel=1e-13), name
    assert cs.observed(2015.0, y, p, L)["F_next"] == pytest.approx(forc2, rel=1e-13)
    # without the lead, F_ex of the current period enters (differs by 0.5/17 W/m^2 before 2100)
    yout0 = np.empty((2, n))
    cs.discrete(False, np.array([2015.0, 2020.0]), y, p,
                cs.inputs_table(None, {"F_ex": library.dice2016_forcing_path()}),
                5.0, np.full(n, -np.inf), np.full(n, np.inf), np.full(n, np.inf), yout0, info)
    assert yout[1, idx(cs, "T_at")] - yout0[1, idx(cs, "T_at")] == pytest.approx(0.1005 * 0.5 / 17, rel=1e-9)


def test_dice_land_emissions():
    cs = compiled("dice2016_discrete")
    y = cs.state_vector()
    for k in range(4):
        obs = cs.observed(2015.0 + 5 * k, y)
        assert obs["E_land"] == pytest.approx(2.6 * (1 - 0.115) ** k, rel=1e-14)
        assert obs["E_tot"] == pytest.approx(35.85 + 2.6 * (1 - 0.115) ** k, rel=1e-14)


def test_dice_continuous_invariants():
    cs = compiled("dice2016")
    csd = compiled("dice2016_discrete")
    p = cs.param_vector({"E_land0": 0.0})
    L0 = cs.inputs_table(NO_EMISSIONS, {"F_ex": 0.0})
    y = dice_state(cs)
    assert np.max(np.abs(cs.rhs(2015.0, y, p, L0))) < 1e-13  # equilibrium is a fixed point
    A = carbon_matrix(cs, p)
    np.testing.assert_allclose(A, (carbon_matrix(csd, csd.param_vector({"E_land0": 0.0})) - np.eye(3)) / 5.0,
                               atol=1e-15)
    np.testing.assert_allclose(A.sum(axis=0), 0.0, atol=1e-15)
    # emissions enter the atmosphere only, converted to carbon
    pe = cs.param_vector()
    L = cs.inputs_table(Policy("ten", E=10.0), {"F_ex": 0.7})
    yr = cs.state_vector()
    f = cs.rhs(2030.0, yr, pe, L)
    e_tot = cs.observed(2030.0, yr, pe, L)["E_tot"]
    assert e_tot == pytest.approx(10.0 + 2.6 * 0.885 ** 3, rel=1e-13)
    assert sum(f[idx(cs, n)] for n in M_EQ) == pytest.approx(e_tot / 3.666, rel=1e-12)
    # heat capacities and the equilibrium temperature under constant forcing
    obs = cs.observed(2015.0, y, p, L0)
    assert obs["C_at"] == pytest.approx(49.7512, abs=1e-4)
    assert obs["C_lo"] == pytest.approx(17.6, abs=1e-12)
    Teq = 3.1 * 2.0 / 3.6813
    f = cs.rhs(2015.0, dice_state(cs, T_at=Teq, T_lo=Teq), p, cs.inputs_table(NO_EMISSIONS, {"F_ex": 2.0}))
    assert np.max(np.abs(f)) < 1e-13
    # e-folding times of the carbon cycle are those of the discrete matrix, in years
    rates = np.sort(np.linalg.eigvals(A).real)
    lam_d = np.sort(np.linalg.eigvals(np.eye(3) + 5.0 * A).real)
    assert rates[-1] == pytest.approx(0.0, abs=1e-15)
    np.testing.assert_allclose(lam_d, [0.679602, 0.995933, 1.0], atol=1e-6)
    assert -1 / rates[1] == pytest.approx(5 / (1 - lam_d[1]), rel=1e-12)


def test_dice_continuous_temperature_step_response():
    """ODE against ODE: the two-box model is linear, so its step response is exp(tA) applied by hand."""
    from scipy.linalg import expm
    cs = compiled("dice2016")
    p = cs.param_vector({"E_land0": 0.0})
    L = cs.inputs_table(NO_EMISSIONS, {"F_ex": 3.6813})
    F2x, S, c1, c3, c4 = 3.6813, 3.1, 0.1005, 0.088, 0.025
    C, C0 = 5 / c1, c3 * 5 / c4
    A = np.array([[-(F2x / S + c3) / C, c3 / C], [c3 / C0, -c3 / C0]])
    Teq = np.full(2, S)  # equilibrium warming under forcing F2x is the ECS in both boxes
    ts = np.array([50.0, 100.0, 200.0, 1000.0])
    exact = np.array([Teq - expm(A * t) @ Teq for t in ts])
    sol = solve_ivp(lambda t, y: cs.rhs(t, y, p, L), (0.0, ts[-1]), dice_state(cs), method="LSODA",
                    jac=lambda t, y: cs.jac(t, y, p, L), rtol=1e-11, atol=1e-12, t_eval=ts)
    T = sol.y[[idx(cs, "T_at"), idx(cs, "T_lo")]].T
    np.testing.assert_allclose(T, exact, atol=1e-7)
    # below the discrete map early on (DICE's 5-year timing), the same limit
    assert T[0, 0] == pytest.approx(2.092183, abs=1e-6)
    assert T[0, 0] < 2.160075 - 0.05
    assert T[-1, 0] == pytest.approx(3.1, abs=0.01)

"""Inventories (Godley & Lavoie 2007, ch. 9, model DIS, in continuous time; inventories block): production to
expected sales plus an inventory correction, sales surprises met from inventories, the start at rest with the new
stocks, the Godley tables with inventories, and rationing once inventories run low at the supply ceiling."""

import json

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.linalg import expm

import model
from model import Policy
from model.directed_growth.factory import directed_growth
from model.directed_growth.mechanisms.accounts import balance_sheet, transactions_flow
from model.directed_growth.outcomes import SHOCKS, shock_runs

T0 = 2025.0

#: everything that could move output other than the inventory mechanism and the investment share held constant:
#: no supply ceiling, consumption held on its trend (kappa_C = 0), the investment share held (no accelerator,
#: profit, loan-rate or crowding-in terms), autonomous demand on its trend (psi_Z = 0; demographic shift held at 0)
#: and no damages
HELD = {"supply_sw": 0.0, "kappa_C": 0.0, "gamma_u": 0.0, "gamma_pi": 0.0, "gamma_r": 0.0, "chi": 0.0, "xi": 0.0,
        "psi_Z": 0.0, "d_sw": 0.0}


def _closed_form(t, a, g, beta, gamma, sigma, h):
    r"""Output's deviation [TUSD/year] at times ``t`` [year after the shock] for a step ``a`` [TUSD/year, growing at
    ``g``] of government purchases, with production :math:`Y = k S^e - \gamma IN` (:math:`k = 1 + g\sigma +
    \gamma\sigma`), sales :math:`S = C + A + hY`, :math:`\dot S^e = gS^e + \beta(S - S^e)`, :math:`\dot{IN} = Y - S`:
    in deviations detrended by :math:`e^{gt}`, :math:`u = (x, z)` solves :math:`\dot u = Mu + c` from 0, so
    :math:`u(t) = M^{-1}(e^{Mt} - I)c`."""
    k = 1 + g * sigma + gamma * sigma
    M = np.array([[beta * (h * k - 1), -beta * h * gamma],
                  [(1 - h) * k, -(1 - h) * gamma - g]])
    c = np.array([beta * a, -a])
    Minv = np.linalg.inv(M)
    out = []
    for s in t:
        x, z = Minv @ (expm(M * s) - np.eye(2)) @ c
        out.append((k * x - gamma * z) * np.exp(g * s))
    return np.array(out)


def _lag_year0(g, beta, sigma, h):
    r"""Year-0 mean output response per unit step of purchases with no inventory correction (:math:`\gamma_N = 0`):
    :math:`y = k x e^{gt}`, :math:`x = (1 - e^{-b t})/(1 - hk)`, :math:`b = \beta(1 - hk)`, :math:`k = 1 + g\sigma`,
    so the mean over the first year is :math:`\frac{k}{1 - hk}\big[\frac{e^g - 1}{g} - \frac{e^{g - b} - 1}{g - b}
    \big]`; with :math:`g = h = 0` the first-order lag's :math:`1 - (1 - e^{-\beta})/\beta`."""
    k = 1 + g * sigma
    b = beta * (1 - h * k)
    return k / (1 - h * k) * (np.expm1(g) / g - np.expm1(g - b) / (g - b))


def _held_runs(dg, gamma_N: float, years: float = 10.0, name: str = "g_C_shock", flow: str = "G_C"):
    """Base and shocked runs of the compiled model with :data:`HELD` (consumption held: kappa_C = 0 lies outside
    kappa_C's declared bounds, so :func:`model.simulate` refuses it and the runs integrate the compiled right-hand
    side with SciPy's DOP853, as the reduction tests do): government consumption stepped by 1 pp of output at the
    start. Returns the output times [year after the step], the step [TUSD/year] and both runs' observed values."""
    cs = model.compile(dg)
    p = cs.param_vector({**HELD, "gamma_N": gamma_N})
    y0 = cs.state_vector()
    base_L = cs.inputs_table(Policy("base"), {"n_shift": 0.0})
    obs0 = cs.observed(T0, y0, p, base_L)
    shock_L = cs.inputs_table(Policy("base"), {"n_shift": 0.0, name: 0.01 * obs0["Y"] / obs0["Y_T"]})
    t = np.linspace(T0, T0 + years, int(years * 100) + 1)
    runs = []
    for L in (base_L, shock_L):
        sol = solve_ivp(lambda s, y, L=L: cs.rhs(s, y, p, L), (t[0], t[-1]), y0, method="DOP853", t_eval=t, rtol=1e-12,
                        atol=1e-12)
        assert sol.status == 0, sol.message
        runs.append(cs.observed(sol.t, sol.y.T, p, L))
    return t - T0, float(runs[1][flow][0] - runs[0][flow][0]), runs[0], runs[1]


def test_the_autonomous_household_driver_is_spent_as_made_like_government_consumption(dg):
    """The exogenous autonomous household spending Z_Hx = z_H_shock Y_T (demand block) is a purchase in the year it
    is made, not a shift of the consumption target: with consumption held, a step of 1 pp of output moves output
    as the same step of government consumption does (to 1e-9 of the step over 10 years), where through the target
    it would not move output at all."""
    gam = dg["gamma_N"].default
    t, a, base, gov = _held_runs(dg, gam)
    t, a_h, base_h, hh = _held_runs(dg, gam, name="z_H_shock", flow="Z_Hx")
    assert a_h == pytest.approx(a, rel=1e-12) and a > 0
    dY_h, dY_g = hh["Y"] - base_h["Y"], gov["Y"] - base["Y"]
    assert np.max(np.abs(dY_g)) > 0.5 * a
    assert np.max(np.abs(dY_h - dY_g)) < 1e-9 * a


@pytest.mark.parametrize("gamma_N", [None, 1e-6])
def test_output_follows_a_step_of_purchases_with_the_expectation_lag_in_closed_form(dg, gamma_N):
    """With the ceiling off, consumption and the investment share held, a step of government consumption (1 pp of
    GDP) moves output as the linear two-stock system of expected sales and inventories (``_closed_form``, the
    matrix exponential) to 1e-6 of the step over 10 years, at the default inventory correction and with next to
    none (gamma_N = 1e-6/yr, below its declared bound: the compiled model takes it); output does not jump. With
    next to no correction the year-0 mean is the first-order expectation lag's (``_lag_year0``; measured 0.2936
    per unit of the step at g_Z 1.8%, h_eff 0.18) to 1e-4, and with no growth and no induced investment that is
    1 - (1 - e^-beta)/beta = 0.279 at beta_S = ln 2."""
    gam = dg["gamma_N"].default if gamma_N is None else gamma_N
    t, a, base, shocked = _held_runs(dg, gam)
    g, h = float(base["g_Z_eff"][0]), float(base["h_eff"][0])
    assert np.ptp(base["g_Z_eff"]) < 1e-12 and np.ptp(base["h_eff"]) < 1e-12
    assert a == pytest.approx(0.01 * float(base["Y"][0]), rel=1e-12)
    dY = shocked["Y"] - base["Y"]
    beta, sigma = dg["beta_S"].default, dg["sigma_N"].default
    want = _closed_form(t, a, g, beta, gam, sigma, h)
    assert abs(dY[0]) < 1e-12 * float(base["Y"][0])
    assert np.max(np.abs(dY - want)) < 1e-6 * a
    if gamma_N is not None:
        sel = t <= 1.0 + 1e-9
        year0 = np.trapezoid(dY[sel], t[sel]) / a
        assert year0 == pytest.approx(_lag_year0(g, beta, sigma, h), rel=1e-4)
    assert _lag_year0(1e-12, beta, sigma, 0.0) == pytest.approx(1 - (1 - np.exp(-beta)) / beta, rel=1e-9)


@pytest.mark.parametrize("country", ["USA", "GBR"])
def test_start_at_rest_with_expected_sales_equal_to_sales_and_inventories_at_their_target(country):
    """The start (start_state.derived_values) holds expected sales equal to realised sales, inventories equal to the
    target ratio sigma_N of sales less the soft supply ceiling's gap between planned and realised production,
    IN/S = sigma_N - (Y_D - Y)/((g_Z + gamma_N) S) (from Y - S = g_Z IN and Y_D = S(1 + g_Z sigma_N) + gamma_N
    (sigma_N S - IN); measured 1.0e-3 (US) and 1.9e-3 (UK) of sigma_N), and both stocks growing at g_Z, as every
    macro stock, for the US and the UK; the change in inventories is g_Z IN."""
    dg = directed_growth(country=country)
    cs = model.compile(dg)
    y, p = cs.state_vector(), cs.param_vector()
    L = cs.inputs_table(Policy("base"))
    obs, f = cs.observed(T0, y, p, L), cs.rhs(T0, y, p, L)
    g, sigma = dg["g_Z"].default, dg["sigma_N"].default
    S_e, INV = y[cs.states.index("S_e")], y[cs.states.index("INV")]
    assert S_e == pytest.approx(obs["S_fin"], rel=1e-12)
    gap = (obs["Y_D"] - obs["Y"]) / ((g + dg["gamma_N"].default) * obs["S_fin"])
    assert INV / obs["S_fin"] == pytest.approx(sigma - gap, rel=1e-9)
    assert 0 < gap < 3e-3 * sigma
    for name in ("S_e", "INV"):
        assert f[cs.states.index(name)] / y[cs.states.index(name)] == pytest.approx(g, abs=1e-12), name
    assert obs["INV_dot"] == pytest.approx(g * INV, rel=1e-10)


@pytest.mark.parametrize("shock", sorted(SHOCKS))
def test_godley_tables_with_inventories_close_under_each_shock(dg, shock):
    """Inventories are the firms' tangible asset (balance sheet) and their change a row of the transactions-flow
    matrix (firms current +, firms capital -, financed by loans); both tables close to 1e-10 of output on the
    base and shocked runs of each shock (measured about 3e-15)."""
    labels = {r.label for r in balance_sheet().rows} | {r.label for r in transactions_flow().rows}
    assert {"Inventories", "Change in inventories"} <= labels
    base, shocked, t, ts = shock_runs(dg, shock, last=5)
    for run in (base, shocked):
        assert max(json.loads(run.attrs["provenance"])["identity_max_residual"].values()) < 1e-10
    assert float(np.min(shocked.INV.values)) > 0


def test_inventories_run_down_first_then_demand_is_rationed_below_the_ceilings(dg):
    """A step of government consumption of 10% of output from the US start drives production to the labour
    ceiling: output stays below the supply ceiling, employment below lam_max and utilisation below u_max (the
    existing guarantee); sales are met from inventories first (while inventories are above 0.6 of their target, sales
    equal demand to 1e-6), inventories fall towards zero but stay positive, and then sales, hence consumption,
    are rationed (measured: inventories down to 0.0049 of sales, 3.3% of their target, up to 5.0% of sales
    demand unmet, consumption 8.5% below demand)."""
    base, s, t, ts = shock_runs(dg, "generic", last=8, size=0.1)
    assert np.all(s.Y.values < s.Y_S.values)
    assert np.all(s.lam.values < dg["lam_max"].default) and np.all(s.u.values < dg["u_max"].default)
    inv, sales, demand = s.INV.values, s.S_fin.values, s.S_D.values
    ratio, target = inv / sales, dg["sigma_N"].default
    assert np.all(inv > 0) and ratio.min() < 0.05 * target
    ample = ratio > 0.6 * target
    assert np.all(np.abs(sales[ample] / demand[ample] - 1) < 1e-6)
    unmet = 1 - sales / demand
    assert unmet.max() > 0.01
    first = int(np.argmax(unmet > 0.01))
    assert ratio[first] < 0.4 * target  # measured 0.35 of the target
    assert float((s.C_act / s.C).min()) < 0.95

"""The spending shocks of the impulse-response calibration (issue 14): the generic government-consumption shock
``g_C_shock``, the mission-R&D shock ``rd_G_shock`` and the response of private R&D to public R&D intensity
(technology block), and :func:`~model.directed_growth.outcomes.impulse_responses`."""

import json

import numpy as np
import pytest
from scipy.integrate import cumulative_trapezoid

from model.core.levers import Policy, constant, piecewise
from model.directed_growth.outcomes import (
    SHOCKS,
    cumulative_multiplier,
    impulse_response,
    impulse_responses,
    shock_runs,
)
from model.errors import ModelError
from model.solve.simulation import simulate

T0, TS, END = 2025.0, 2026.0, 2046.0
T_EVAL = np.union1d(np.linspace(T0, END, int((END - T0) * 20) + 1), [TS])
SIZE = 0.01


def _step(size: float):
    """A step of ``size`` at TS (0 before)."""
    return piecewise([T0, TS - 1e-6, TS, END], [0.0, 0.0, size, size])


def _runs(dg, name: str, params=None, size: float = SIZE):
    """Base run and the run with the exogenous input ``name`` stepped by ``size`` at TS."""
    base = simulate(dg, params, t_span=(T0, END), t_eval=T_EVAL)
    shocked = simulate(dg, params, t_span=(T0, END), t_eval=T_EVAL, exogenous={name: _step(size)})
    return base, shocked


def _at(ds, name, t):
    return float(ds[name].values[int(np.argmin(np.abs(T_EVAL - t)))])


def test_start_at_rest_with_public_and_private_rd(dg):
    """At the start public R&D intensity is the data's federal R&D share (NCSES 2019: 0.63% of GDP), private R&D
    the business share (2.24%), the smoothed log intensity 0 and private research intensity 1 (no subsidy)."""
    ds = simulate(dg, t_span=(T0, T0 + 1.0), t_eval=[T0, T0 + 1.0])
    start = ds.isel(time=0)
    assert float(start.rd_G) == pytest.approx(0.0063, rel=1e-12)
    assert float(start.R_P / start.Y) == pytest.approx(0.0224, rel=1e-12)
    assert float(start.m_RD) == 0.0 and float(start.rho_R) == pytest.approx(1.0, abs=1e-15)
    assert float(start.G_RD) == 0.0 and float(start.g_C_shock) == 0.0


@pytest.mark.parametrize("name", ["g_C_shock", "rd_G_shock"])
def test_zero_shock_leaves_every_path_unchanged(dg, name):
    """A zero step of a shock input (a schedule with knots at the shock) gives the base run to the solver's
    tolerance: the knots move the solver's grid (4e-10 of output), so 1e-8 (1e-9 absolute for the log intensity
    m_RD, near 0); impulse_responses gives its base run
    the same knots, so its responses carry no such noise. A zero size is refused (the response per unit of shock is
    then undefined)."""
    base, shocked = _runs(dg, name, size=0.0)
    for v in ("Y", "R_P", "I_p", "B", "rho_R", "m_RD", "A_g", "lam"):
        np.testing.assert_allclose(shocked[v].values, base[v].values, rtol=1e-8, atol=1e-9, err_msg=v)
    with pytest.raises(ModelError, match="size must be a non-zero share of output, got 0"):
        impulse_responses(dg, "generic", size=0.0)


@pytest.mark.parametrize("name", ["g_C_shock", "rd_G_shock", "i_G"])
def test_godley_tables_close_under_each_shock(dg, name):
    """The balance sheet and the transactions-flow matrix (with the public R&D row) close to 1e-10 of output under
    each shock, and the shocked spending is in the deficit and in demand."""
    if name == "i_G":
        pol = Policy("shock").with_levers(i_G=piecewise([T0, TS - 1e-6, TS, END], [0.035, 0.035, 0.045, 0.045]))
        base = simulate(dg, t_span=(T0, END), t_eval=T_EVAL)
        shocked = simulate(dg, None, pol, t_span=(T0, END), t_eval=T_EVAL)
    else:
        base, shocked = _runs(dg, name)
    assert max(json.loads(shocked.attrs["provenance"])["identity_max_residual"].values()) < 1e-10
    assert _at(shocked, "Y", TS + 0.5) > _at(base, "Y", TS + 0.5)
    flow = {"g_C_shock": "G_C", "rd_G_shock": "G_RD", "i_G": "I_G"}[name]
    assert _at(shocked, flow, TS + 0.5) > _at(base, flow, TS + 0.5)


def test_generic_shock_is_met_from_inventories_at_the_instant_of_the_shock(dg):
    """At the instant of the shock the stocks (expected sales, inventories, consumption, the investment share) are
    those of the base run, so production, output, is unchanged (inventories block: firms produce to expected sales
    plus an inventory correction), final sales rise by the extra government consumption dG (met from inventories:
    the smooth cap of sales at production plus the drawable stock is far, 1 + sigma_N/(2 tau_N) = 1.3 times sales) and
    inventories fall at the rate dG. Over the first year expected sales, then production and consumption follow, so
    the year-0 mean response is positive and below the long-run supermultiplier bound 1/(1 - h_eff - c) with c the
    marginal propensity to consume out of output (leakage)."""
    base, shocked = _runs(dg, "g_C_shock")
    i = int(np.argmin(np.abs(T_EVAL - TS)))
    dG = float(shocked.G_C[i] - base.G_C[i])
    assert dG == pytest.approx(SIZE * float(base.Y_T[i]), rel=1e-8)
    # (the two runs integrate from the start: they agree at the shock to the solver's tolerance, measured 5e-7 dG)
    assert abs(float(shocked.Y[i] - base.Y[i])) < 1e-5 * dG
    assert float(shocked.S_fin[i] - base.S_fin[i]) == pytest.approx(dG, rel=1e-5)
    assert float(shocked.INV_dot[i] - base.INV_dot[i]) == pytest.approx(-dG, rel=1e-5)
    year0 = impulse_responses(dg, "generic", horizons=(0,))["Y"][0]
    h, leak = float(base.h_eff[i]), float(base.leakage[i])
    assert 0 < year0 < 1 / (leak - h)


def test_mission_rd_without_knowledge_or_research_effects_is_generic_spending(dg):
    """With no knowledge per mission R&D (kappa_M = 0), no private R&D response (eta_RD = eta_RDs = 0) and no green
    procurement (the default), public R&D spending is demand like government consumption: the same output path;
    with autonomous demand independent of the loan rate (psi_Z = 0, so that government consumption z_G Z has no
    induced change) also the same spending, hence the same cumulative multiplier."""
    p = {"kappa_M": 0.0, "eta_RD": 0.0, "eta_RDs": 0.0, "psi_Z": 0.0}
    g = impulse_responses(dg, "generic", p, horizons=(0, 1, 4, 10), variables=("Y", "I_p", "lam", "b"))
    m = impulse_responses(dg, "mission_rd", p, horizons=(0, 1, 4, 10), variables=("Y", "I_p", "lam", "b"))
    for v in g:
        for k in g[v]:
            assert m[v][k] == pytest.approx(g[v][k], rel=1e-8, abs=1e-10), (v, k)
    assert cumulative_multiplier(dg, "mission_rd", 5, p) == pytest.approx(cumulative_multiplier(dg, "generic", 5, p),
                                                                          rel=1e-8)


def test_total_purchases_count_the_induced_change_alike_for_every_shock(dg):
    """With the loan-rate channel on (psi_Z default) government consumption z_G Z responds to the shock: the
    generic shock's own spending (G_C) includes it, extra public R&D (G_RD) does not, so their 'own' cumulative
    multipliers differ although output responds alike (kappa_M = eta_RD = eta_RDs = 0); over all government
    purchases (spending="total") they are equal."""
    p = {"kappa_M": 0.0, "eta_RD": 0.0, "eta_RDs": 0.0}
    own = [cumulative_multiplier(dg, s, 5, p) for s in ("mission_rd", "generic")]
    total = [cumulative_multiplier(dg, s, 5, p, spending="total") for s in ("mission_rd", "generic")]
    assert total[0] == pytest.approx(total[1], rel=1e-8) and abs(own[0] - own[1]) > 1e-3
    with pytest.raises(ModelError, match="unknown spending 'gdp'; valid: own, total"):
        cumulative_multiplier(dg, "generic", 5, spending="gdp")


def test_no_private_rd_response_leaves_private_rd_intensity_unmoved(dg):
    """eta_RD = eta_RDs = 0: private R&D is r_P rho_R Y with rho_R = 1 + eps_S S, so R_P/Y does not move with a
    mission-R&D shock: R_P responds exactly as output does."""
    r = impulse_responses(dg, "mission_rd", {"eta_RD": 0.0, "eta_RDs": 0.0}, horizons=range(11),
                          variables=("Y", "R_P", "rd_G"))
    for k in range(11):
        assert r["R_P"][k] == pytest.approx(r["Y"][k], rel=1e-9, abs=1e-12)
        # public R&D intensity (on trend output) rises by the step, size x Y/Y_T at the shock (1 - 1.2e-4 here), up
        # to the induced change of trend output (autonomous demand responds to the loan rate) and of mission R&D
        assert r["rd_G"][k] == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize(("eta", "etas"), [(0.12, 0.0), (0.0, 0.3), (0.12, 0.3)])
def test_private_rd_follows_the_closed_form_after_a_public_rd_step(dg, eta, etas):
    """With autonomous demand independent of the loan rate (psi_Z = 0) trend output, hence public R&D intensity
    rd_G = rd_G0 + (r_m I_Gm + G_RD)/Y_T - rd_m_ref, steps exactly: Delta = ln((rd_G0 + size)/rd_G0) (0.951 for a
    1 pp step). The smoothed log intensity then follows Delta (1 - exp(-t/tau_RD)), and the private R&D
    intensity ln(R_P/Y) = ln(r_P rho_R) moves by eta_RD Delta (1 - e^{-t/tau}) - eta_RDs Delta e^{-t/tau}:
    -eta_RDs Delta on impact (crowding-out), eta_RD Delta in the long run (Pallante et al. 2023's elasticity)."""
    tau = 2.0
    p = {"psi_Z": 0.0, "eta_RD": eta, "eta_RDs": etas, "tau_RD": tau}
    base, shocked = _runs(dg, "rd_G_shock", p)
    after = T_EVAL >= TS
    D = np.log(shocked.rd_G.values / base.rd_G.values)[after]
    assert D == pytest.approx(np.log((0.0063 + SIZE) / 0.0063), rel=1e-9)
    t = T_EVAL[after] - TS
    closed = eta * D * (1 - np.exp(-t / tau)) - etas * D * np.exp(-t / tau)
    got = (np.log(shocked.R_P.values / shocked.Y.values) - np.log(base.R_P.values / base.Y.values))[after]
    np.testing.assert_allclose(got, closed, atol=1e-6)
    if etas > 0 and eta == 0:  # temporary crowding-out: below base on impact, within 5% of the gap by 4 tau
        assert got[0] < -0.2 and abs(got[np.argmin(np.abs(t - 4 * tau))]) < 0.05 * abs(got[0])


def test_temporary_crowding_out_at_the_default_demand_closure(dg):
    """eta_RDs > 0, eta_RD = 0 with the loan-rate channel of autonomous demand on (psi_Z default): R_P/Y is below
    base through the first year and back within 5% of its impact gap by 4 tau_RD (Boysen-Hogrefe 2025's sign)."""
    tau = 2.0
    base, shocked = _runs(dg, "rd_G_shock", {"eta_RD": 0.0, "eta_RDs": 0.3, "tau_RD": tau})
    gap = np.log(shocked.R_P.values / shocked.Y.values) - np.log(base.R_P.values / base.Y.values)
    impact = gap[int(np.argmin(np.abs(T_EVAL - TS)))]
    assert impact < 0 and gap[(T_EVAL >= TS) & (T_EVAL <= TS + 1)].max() < 0
    assert abs(gap[int(np.argmin(np.abs(T_EVAL - TS - 4 * tau)))]) < 0.05 * abs(impact)


def _reference_impulse_response(system, horizons, size=0.01):
    """The public-investment impulse response as implemented before issue 14 (outcomes.impulse_response up to
    commit 5b51b34): the reference the refactored implementation must reproduce."""
    start, t_shock = system.meta.t_span[0], system.meta.t_span[0] + 1.0
    end = t_shock + max(horizons) + 1.0
    policy = Policy("base")
    t_eval = np.union1d(np.linspace(start, end, int(round((end - start) * 20)) + 1), [t_shock])
    base = simulate(system, None, policy, t_span=(start, end), t_eval=t_eval)
    ratio = float(base.Y.sel(time=t_shock)) / float(base.Y_T.sel(time=t_shock))
    old = constant(system["i_G"].default)
    fine = np.union1d(np.linspace(start, end, 201), [t_shock - 1e-6, t_shock])
    vals = old(fine) + np.where(fine >= t_shock, size * ratio, 0.0)
    shocked = policy.with_levers(name="base+shock", i_G=piecewise(fine, vals))
    shock = simulate(system, None, shocked, t_span=(start, end), t_eval=t_eval)
    rel = (shock.Y.values - base.Y.values) / base.Y.values / size
    # the annual means as differences of the running integral (trapezoid rule) at the year bounds, grid points here
    integral = cumulative_trapezoid(rel, t_eval, initial=0.0)
    at = {float(x): i for i, x in enumerate(np.round(t_eval, 9))}
    return {k: float(integral[at[t_shock + k + 1.0]] - integral[at[t_shock + k]]) for k in horizons}


def test_public_investment_response_is_the_former_implementation(dg):
    """With normalise="appropriations", impulse_responses(..., "public_investment") and impulse_response reproduce
    the former implementation (an appropriation step), to 1e-7 per pp of GDP: the base run now has the shocked
    run's input knots (a zero step), which moves the solver's grid by its tolerance (5e-9 of output in year 0,
    divided by the 0.01 step)."""
    ref = _reference_impulse_response(dg, tuple(range(11)))
    new = impulse_responses(dg, "public_investment", horizons=range(11), normalise="appropriations")["Y"]
    old_api = impulse_response(dg, horizons=tuple(range(11)), normalise="appropriations")
    for k in range(11):
        assert old_api[k] == new[k]
        assert new[k] == pytest.approx(ref[k], abs=1e-7)


def test_public_investment_outlays_step_by_the_shock_size_at_the_shock_and_stay(dg):
    """The IMF (2014) / Abiad-Furceri-Topalova (2016) shock is spending: outlays I_G rise by size x Y at the shock
    (to 1e-9), and stay at the step: with the pipeline filled at the shock (Delta WIP_G = tau_B Delta A_G),
    Delta WIP_G/tau_B is a weighted mean of the appropriation step's values since the shock, so Delta I_G lies
    between their running minimum and maximum. The appropriation step alone starts outlays at zero."""
    base, shocked, t, ts = shock_runs(dg, "public_investment", last=10)
    dI, dA = shocked.I_G.values - base.I_G.values, shocked.A_G.values - base.A_G.values
    assert t[0] == ts and dI[0] == pytest.approx(SIZE * float(base.Y.values[0]), rel=1e-9, abs=0)
    lo, hi = np.minimum.accumulate(dA), np.maximum.accumulate(dA)
    assert np.all(dI >= lo * (1 - 1e-9)) and np.all(dI <= hi * (1 + 1e-9))
    base, shocked, t, ts = shock_runs(dg, "public_investment", last=0, normalise="appropriations")
    k = int(np.searchsorted(t, ts))
    assert abs(shocked.I_G.values[k] - base.I_G.values[k]) < 1e-6 * SIZE * float(base.Y.values[k])
    with pytest.raises(ModelError, match=r"unknown normalise 'gdp'; valid: outlays, appropriations"):
        impulse_responses(dg, "public_investment", normalise="gdp")


def test_debt_ratio_responds_in_differences_and_rises_by_at_most_half_a_year_of_the_step(dg):
    """The debt ratio b = B/Y responds in differences (years of output per pp of GDP): Delta b = Delta B/Y - b Delta
    Y/Y to first order. Over year 0 debt accumulates the extra deficit, at most the step itself (taxes on the extra
    income lower it), whose year-0 mean of the running sum is half a year of it: 0 < r_b + b r_Y < 0.5. Output
    does not jump (inventories meet the first sales), so the ratio rises in year 0 (measured 0.13)."""
    r = impulse_responses(dg, "generic", horizons=(0,), variables=("Y", "b"))
    b0 = float(simulate(dg, t_span=(T0, TS), t_eval=[T0, TS]).b.values[-1])
    assert 0 < r["b"][0] + b0 * r["Y"][0] < 0.5
    assert r["b"][0] > 0


def test_unknown_shock_and_variable_are_one_line_errors(dg):
    with pytest.raises(ModelError, match=r"unknown shock 'tax'; valid: public_investment, generic, mission_rd"):
        impulse_responses(dg, "tax")
    with pytest.raises(ModelError, match=r"unknown variables \['nope'\]"):
        impulse_responses(dg, "generic", variables=("nope",))
    assert set(SHOCKS) == {"public_investment", "generic", "mission_rd"}


# --- the channels of the generic and mission-R&D cumulative multipliers (issue 14, helper E's decomposition) ---
# Measured at the US defaults (directed_growth(), 2025 start), generic cumulative multiplier at 2 / 5 / 10 / 20 years:
# 0.74 / 0.86 / 0.62 / -0.13 with every channel on; policy rate held at r0 (accommodation = 1) 0.90 / 1.54 / 2.50 /
# 4.50; no loan-rate response of autonomous demand (psi_Z = 0) 0.83 / 1.20 / 1.47 / 1.38; no loan-rate response of
# the investment share (gamma_r = 0) 0.84 / 1.30 / 1.82 / 1.84; no sovereign premium (psi_B = 0) 0.77 / 0.96 / 0.91 /
# 0.59; no Bohn response (beta_B = 0) 0.75 / 0.93 / 0.82 / -0.02; no Kaldor-Verdoorn (alpha_KV = 0) 0.74 / 0.88 /
# 0.79 / 0.59; inventories (inv_sw = 0) and the supply ceiling (supply_sw = 0) move the 20-year figure by < 0.13.

HORIZONS = (5, 10, 20)


def _cum(dg, shock: str, p=None, horizons=HORIZONS) -> list[float]:
    return [cumulative_multiplier(dg, shock, h, p) for h in horizons]


def test_monetary_accommodation_raises_the_generic_multiplier_at_every_horizon(dg):
    """Abiad, Furceri & Topalova (2016, J. Macroecon. 50, abstract [V]): the effects of public spending are larger
    with monetary accommodation. The policy rule's response to the employment and inflation gaps is the largest
    channel of the generic shock: its rate rise lowers the growth of autonomous demand (psi_Z) and the investment
    share (gamma_r) and, through slower accumulation, productivity (Kaldor-Verdoorn), so that output falls below the
    base path after year 9. With the policy rate held at r0 the multiplier exceeds the rule's at every horizon and
    is above 1 from year 5 on (Antolin-Diaz & Surico's long-run sign; measured 1.54 / 2.50 / 4.50 at 5 / 10 / 20)."""
    rule, held = _cum(dg, "generic", horizons=(2, *HORIZONS)), _cum(dg, "generic", {"accommodation": 1.0},
                                                                     horizons=(2, *HORIZONS))
    assert all(a > r for a, r in zip(held, rule, strict=True)), (held, rule)
    assert min(held[1:]) > 1.0


@pytest.mark.parametrize("off", [{"psi_B": 0.0}, {"beta_B": 0.0}, {"psi_Z": 0.0}, {"gamma_r": 0.0}],
                         ids=["premium", "bohn_tax", "rate_on_autonomous_demand", "rate_on_investment"])
def test_debt_and_rate_channels_lower_the_long_run_generic_multiplier(dg, off):
    """The debt the permanent shock leaves (about 10 pp of output per pp after 10 years) raises the sovereign
    premium (psi_B: CBO 2019, 2-3 bp per pp of debt, passed to the loan rate) and the debt-stabilising tax on
    households (beta_B: Bohn 1998); the loan rate, raised by the premium and the policy rule, slows autonomous
    demand (psi_Z) and lowers the investment share (gamma_r). Each lowers the 10- and 20-year multipliers
    (measured without each: 0.91 / 0.59, 0.82 / -0.02, 1.47 / 1.38, 1.82 / 1.84, against 0.62 / -0.13)."""
    on, without = _cum(dg, "generic", horizons=(10, 20)), _cum(dg, "generic", off, horizons=(10, 20))
    assert all(w > o for w, o in zip(without, on, strict=True)), (without, on)


def test_generic_spending_counts_the_induced_cut_of_government_consumption(dg):
    """The generic shock's own spending is government consumption G_C = z_G Z + g_C_shock Y_T, and z_G Z falls with
    the loan rate (autonomous demand grows less when credit is dear, demand block), so the realised spending path
    decays: from 7.1% of government consumption per pp of output in year 0 to 2.0% in year 20 at the US defaults
    (a cut of more than half: what the multiplier divides by). Mission R&D spending G_RD = rd_G_shock Y_T moves
    only with trend output: as a share of base trend output, its change in year 20 is within 15% of year 0's."""
    g = impulse_responses(dg, "generic", horizons=(0, 20), variables=("G_C",))["G_C"]
    assert g[20] < 0.5 * g[0], g
    base, shocked, t, ts = shock_runs(dg, "mission_rd", last=20)
    d0, d20 = (((shocked.G_RD.values - base.G_RD.values) / base.Y_T.values)[np.argmin(np.abs(t - ts - k))]
               for k in (0.5, 20.5))
    assert abs(d20 / d0 - 1) < 0.15, (d0, d20)


def test_mission_rd_exceeds_generic_where_knowledge_raises_productivity_enough(dg):
    """Mission R&D's output gain over generic spending runs through clean knowledge raising productivity growth
    (kappa_M knowledge per unit of mission R&D intensity, alpha_A productivity per unit of knowledge growth; the
    private R&D response is a reallocation within private investment, technology block). On own spending (the
    default of cumulative_multiplier) with alpha_A = 0 its cumulative multiplier is below the generic one at 5 and
    10 years (measured -0.05 / -0.12: the generic one divides by a spending path the induced cut of government
    consumption shrinks), and with kappa_M x alpha_A
    doubled from the defaults' 2 x 0.06 (kappa_M = 4, or alpha_A = 0.12, both inside the priors) it is above it at
    5, 10 and 20 years (Deleidi & Mazzucato 2021; Ciaffi, Deleidi & Mazzucato 2024: sign only; measured +0.008 /
    +0.086 / +0.68 and +0.013 / +0.10 / +0.72)."""
    for p, above in (({"alpha_A": 0.0}, False), ({"kappa_M": 4.0}, True), ({"alpha_A": 0.12}, True)):
        gen, mis = _cum(dg, "generic", p), _cum(dg, "mission_rd", p)
        diff = [m - g for m, g in zip(mis, gen, strict=True)]
        assert (min(diff) > 0) if above else (diff[0] < 0 and diff[1] < 0), (p, diff)


def test_mission_rd_multiplier_above_generic_at_the_defaults_on_total_purchases(dg):
    """Deleidi & Mazzucato (2021); Ciaffi, Deleidi & Mazzucato (2024) (sign only, values [U]): mission R&D has the
    larger cumulative GDP multiplier. On one denominator for both shocks, all government purchases (Ramey & Zubairy
    2018; the calibration's, calibration.irf), it holds at the US defaults at 5, 10 and 20 years (measured +0.033 /
    +0.131 / +0.65), and without knowledge effects on productivity (alpha_A = 0) the two are equal (measured
    difference below 1e-4): knowledge is mission R&D's only extra channel. On own spending the defaults miss it at
    5 years (-0.018) and meet it, narrowly, at 10 (+0.006; -0.007 before the policy-rate speed was read as a
    continuous rate, 0.262 -> 0.304): the generic shock's own flow shrinks with the induced cut of z_G Z."""
    def diff(p=None, spending="total"):
        return [cumulative_multiplier(dg, "mission_rd", h, p, spending=spending)
                - cumulative_multiplier(dg, "generic", h, p, spending=spending) for h in HORIZONS]

    assert min(diff()) > 0
    assert max(abs(d) for d in diff({"alpha_A": 0.0})) < 1e-3
    own = diff(spending="own")
    assert own[0] < 0 < own[1]


@pytest.mark.xfail(strict=True, reason="Antolin-Diaz & Surico (CEPR DP17433): the spending multiplier is > 1 in the "
                   "long run; measured -0.13 at 20 years at the US defaults (0.11 from the US 1985 start on total "
                   "purchases, the calibration's): the policy rule's rate rise and the premium and Bohn tax on the "
                   "debt the permanent shock leaves slow autonomous demand and investment, and Kaldor-Verdoorn lowers "
                   "productivity with accumulation; see the channel tests above")
def test_generic_multiplier_above_one_in_the_long_run_at_the_defaults(dg):
    assert cumulative_multiplier(dg, "generic", 20) > 1.0

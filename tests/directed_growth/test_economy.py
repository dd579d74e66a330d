"""The economy of issue 12: bounded, wage-led, able to show crowding-out and crowding-in, damaged by
warming, with a public-investment multiplier that builds, reducing to the supermultiplier.

Numbers in the docstrings are those measured when the tests were written (labelled, not asserted
unless said).
"""

import numpy as np
import pandas as pd
import pytest

import model
from model import Policy, piecewise
from model.analysis.draws import truncate_to_start
from model.directed_growth import policies
from model.directed_growth.attribution import stable_at_rest
from model.directed_growth.factory import consistent_draws, directed_growth
from model.directed_growth.priors import PRIORS, shape_draws


def _ensemble(dg, n: int, seed: int):
    def prior(m: int, s: int) -> pd.DataFrame:
        rng = np.random.default_rng(s)
        return shape_draws(pd.DataFrame({k: rng.uniform(lo, hi, m) for k, (lo, hi, _) in PRIORS.items()}))

    # the prior (pi3 with its stated shape) truncated to the region where a locally stable start at rest exists,
    # as dgm ensemble does (An & Schorfheide 2007; model.directed_growth.attribution.stable_at_rest)
    draws = {k: v.to_numpy() for k, v in truncate_to_start(dg, prior, n, seed=seed, stable=stable_at_rest).items()}
    start = consistent_draws(dg, draws)
    params = {**draws, **{k: v for k, v in start.items() if dg[k].kind == "parameter"}}
    initial = {k: v for k, v in start.items() if dg[k].kind == "stock"}
    return params, initial


def test_priors_lie_within_the_declared_bounds(dg):
    for name, (lo, hi, why) in PRIORS.items():
        b_lo, b_hi = dg[name].bounds
        assert (b_lo is None or b_lo <= lo) and (b_hi is None or hi <= b_hi) and lo < hi and why, name


@pytest.fixture(scope="module")
def prior_ensemble(dg):
    """2,000 draws from :data:`PRIORS` (zero included where a mechanism can be absent), each started at
    rest, under the three policy paths."""
    params, initial = _ensemble(dg, 2000, 12)
    assert np.all(np.isfinite(initial["C"]))  # every draw has a start at rest
    ds = model.simulate(dg, params, policies.all_paths(), t_span=(2025, 2100), initial=initial, rtol=1e-6,
                        atol=1e-9, identity_tol=np.inf)
    return params, ds


_ALL_PRIORS = ("issue 14: with every stated prior drawn (pi2, pi3 up to Dietz-Stern's 8.19e-5, delta, gamma_A, u_n, "
               "m_M, phi_g, r_elb (now the nominal i_elb), r_max, sp_max added) this ensemble measured {}; the "
               "calibrated 2,000 draws fail mostly where pi3 > 3.7e-5 and S > 3 (public debt above 5 x output as "
               "compounding damages take output to half its trend), and 0.85 / 0.85 / 2.15% with pi3 at its default "
               "(0.45% of them without a start at rest): the lead decides the plausible range, guards or the damage "
               "prior (never narrowed to pass)")


@pytest.mark.slow
def test_a_2000_draw_ensemble_stays_bounded_and_rarely_fails(prior_ensemble):
    """On every path fewer than 1% of members fail to integrate to the end (measured: 0% on every path since
    issue 14 floored target consumption at zero; before, with every stated prior drawn, 1.35 / 1.15 / 1.1%,
    consumption turning negative as the debt-stabilising tax outgrew wage income under severe damages), and no
    member passes its employment or utilisation ceiling or pushes its investment share through the leakage while
    it runs. Members flagged for leaving the
    plausible range (status ``implausible``) integrated to the end: counted in the next test."""
    params, ds = prior_ensemble
    ok = (ds.status == 0) | (ds.status == model.Status.IMPLAUSIBLE)
    print("integration failure shares", (~ok).mean("draw").values)
    assert float((~ok).mean("draw").max()) < 0.01, (~ok).mean("draw").values
    lam_gap = (ds.lam - params["lam_max"][:, None]).max("time")
    u_gap = (ds.u - params["u_max"][:, None]).max("time")
    # below the ceilings by construction (CES minimum); at the ceiling to rounding in members demand outruns
    assert float(lam_gap.max()) <= 1e-12 and float(u_gap.max()) <= 1e-12, (float(lam_gap.max()), float(u_gap.max()))
    leak = (ds.h_eff - ds.leakage).where(ok).max("time")
    assert float((leak >= 0).mean()) < 0.01


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=_ALL_PRIORS.format(
    "12.35 / 11.3 / 10.1% flagged (BAU / fixing / shaping) with the prior truncated to a locally stable start "
    "and pi3's stated shape (a quarter at 0, log-uniform Weitzman to Dietz-Stern) and the real lower bound the "
    "nominal i_elb less the start's inflation (before: 14.4 / 13.65 / 11.85% with the real bound r_elb drawn from "
    "-4% to 0; 35.7 / 33.9 / 29.8% "
    "with inventories; 34.6 / 32.85 / 29.05% before them; "
    "31.6 / 29.5 / 25.6% before issue 14 put the sovereign premium and the debt-stabilising tax on potential "
    "output, which damages lower); the calibrated dgm ensemble attributes them: 0.04 / 0.06 / 0.07% of 10,000 "
    "failed (0.22 / 0.52 / 1.19% before the stability truncation and pi3's shape), the rest collapsed under "
    "climate damages (model.directed_growth.attribution)"))
def test_a_2000_draw_ensemble_rarely_leaves_the_plausible_range(prior_ensemble):
    """Fewer than 1% of members per path fail, counting those that leave the model's plausible range
    (measured: 0.3% BAU, 0.3% market fixing, 0.85% market shaping). Before the wage-price block's priors
    were narrowed to the evidence (gamma_p, phi1, phi2, psi_a; eta_p drawn) 3.45 / 3.55 / 5.55% did, mostly in
    a wage-price spiral (wage share above 0.9, inflation 15-40% a year) where wages recovered up to 90% of
    inflation and prices adjusted slowly; before the floor on nominal wage growth 4.2 / 5.6 / 10.2%."""
    _, ds = prior_ensemble
    flagged = (ds.status != 0).mean("draw")
    print("failure shares, implausible members counted", flagged.values)
    assert float(flagged.max()) < 0.01, flagged.values


def _output(dg, params, d_omega):
    start = {"omega": dg["omega"].default + d_omega}
    return model.simulate(dg, params, Policy("hold"), t_span=(2025, 2035), initial=start).Y.values


def test_demand_is_wage_led_when_wage_earners_consume_more():
    """A higher start wage share (+2 pp) at given autonomous demand raises output when the propensity out of
    wages exceeds that out of capital income (Onaran & Galanis: US and UK wage-led), with the policy rate
    held (the private-demand regime; measured +0.4% after 1 year, +1.1% after 5); with equal propensities,
    equal tax rates and full payout (retained profits are saving out of profits) distribution does not
    matter, to 1e-8 (measured 1.3e-10)."""
    dg = directed_growth()
    held = {"accommodation": 1.0}
    assert dg["c_w"].default > dg["c_pi"].default
    base, more = _output(dg, held, 0.0), _output(dg, held, 0.02)
    assert np.all(more[1:] > base[1:])
    neutral = {**held, "c_w": 0.5, "c_pi": 0.5, "t_pi": dg["t_w"].default, "theta0": 1.0}
    base, more = _output(dg, neutral, 0.0), _output(dg, neutral, 0.02)
    assert np.max(np.abs(more - base) / base) < 1e-8


def _mean_investment_share(dg, params, step: float) -> float:
    """Mean private investment share over the ten years after a debt-financed public-investment step
    (appropriations +``step`` of trend output from 2026)."""
    i_G = dg["i_G"].default
    pol = Policy("step", i_G=piecewise([2025.0, 2026.0 - 1e-6, 2026.0], [i_G, i_G, i_G + step]))
    t = np.arange(2025.0, 2040.001, 0.25)
    ds = model.simulate(dg, params, pol, t_span=(2025, 2040), t_eval=t)
    sel = (t >= 2026.0) & (t < 2036.0)
    return float(ds.h_eff.values[sel].mean())


def test_crowding_out_and_crowding_in_are_both_showable(dg):
    """With the policy rate held (monetary accommodation), a +1 pp of GDP public-investment step financed by
    debt lowers the ten-year mean private investment share when the sovereign premium's response is
    doubled (measured -0.11 pp: higher debt, higher loan rates); with no premia and crowding-in by mission
    capital, it raises it (measured +0.04 pp at chi = 5; -0.02 pp at chi = 1)."""
    out = {"psi_B": 2 * dg["psi_B"].default, "accommodation": 1.0}
    assert _mean_investment_share(dg, out, 0.01) < _mean_investment_share(dg, out, 0.0)
    crowd_in = {"psi_B": 0.0, "psi_F": 0.0, "chi": 5.0, "accommodation": 1.0}
    assert _mean_investment_share(dg, crowd_in, 0.01) > _mean_investment_share(dg, crowd_in, 0.0)


# ------------------------------------------------------------------------------------------- damages

#: damage at 3 C (economics.md 11.15.5 table, %): (pi2, pi3) -> value. The DICE row is DICE's own fraction
#: a2 T^2; the model uses the GEMMES/DEFINE form 1 - 1/(1 + pi2 T^2 + pi3 T^6.754) (2.080% there)
D3_TABLE = {"Weitzman": (0.00236, 5.07e-6, 2.88), "DEFINE": (0.00284, 1.75e-5, 5.19),
            "Dietz-Stern": (0.00236, 8.19e-5, 13.64)}
SPECS = {"DICE-2016R": (0.00236, 0.0), **{k: v[:2] for k, v in D3_TABLE.items()}}


def _damage_at(dg, T: float, pi2: float, pi3: float) -> float:
    cs = model.compile(dg)
    y, p = cs.state_vector(), cs.param_vector()
    y[cs.states.index("T_at")] = T
    p[cs.parameters.index("pi2")], p[cs.parameters.index("pi3")] = pi2, pi3
    return float(cs.observed(2025.0, y, p, cs.inputs_table())["D_dmg"])


def test_damage_function_matches_the_published_table(dg):
    for name, (pi2, pi3, value) in D3_TABLE.items():
        assert 100 * _damage_at(dg, 3.0, pi2, pi3) == pytest.approx(value, abs=0.005), name
    assert 100 * 0.00236 * 3.0 ** 2 == pytest.approx(2.12, abs=0.005)  # the table's DICE row: a2 T^2
    assert _damage_at(dg, 3.0, 0.00236, 0.0) == pytest.approx(1 - 1 / (1 + 0.00236 * 9), rel=1e-12)


def test_output_in_2100_falls_as_the_damage_coefficient_rises(dg):
    """Business as usual, same start (measured 2100 output: 93.8, 75.0, 67.8, 49.8, 38.5 TUSD/yr): damages
    lower demand (DEFINE's scaling), capacity, capital and productivity growth (the referee found output
    rising with the coefficient)."""
    y2100 = [float(model.simulate(dg, {"pi2": pi2}, policies.bau()).Y.sel(time=2100))
             for pi2 in (0.0, 0.00236, 0.003467, 0.007, 0.01)]
    assert np.all(np.diff(y2100) < 0), y2100


@pytest.mark.parametrize("spec", sorted(SPECS))
def test_level_loss_at_3C_is_at_least_the_damage(dg, spec):
    """Business as usual reaches 3 C in 2085 (T_at 3.42 C in 2100); at the first output time with
    T_at >= 3 C the output loss against the same economy without damages (d_sw = 0, same start) is at
    least D(3) (measured: DICE 14.3% vs 2.08%, Weitzman 16.8% vs 2.88%, DEFINE 24.9% vs 5.19%,
    Dietz-Stern 46.5% vs 13.64%: the productivity-growth share compounds)."""
    pi2, pi3 = SPECS[spec]
    t = np.arange(2025.0, 2100.001, 0.1)
    hit = model.simulate(dg, {"pi2": pi2, "pi3": pi3}, policies.bau(), t_eval=t)
    none = model.simulate(dg, {"d_sw": 0.0}, policies.bau(), t_eval=t)
    assert float(hit.T_at.max()) >= 3.0
    i = int(np.argmax(hit.T_at.values >= 3.0))
    loss = 1 - float(hit.Y[i] / none.Y[i])
    assert loss >= _damage_at(dg, 3.0, pi2, pi3)


# ------------------------------------------------------------------------------------------- multiplier

def test_public_investment_appropriation_multiplier_builds(dg):
    """+1 pp of GDP public-investment appropriations alone (normalise="appropriations": outlays follow with the
    time to build) from the US business-as-usual start, measured as the IMF (2014) does (percent of output per
    point of GDP, year k the mean over [t_s + k, t_s + k + 1)): below the response to the same step of outlays
    (the IMF shock) in each of years 0-4, since outlays follow appropriations; rising in between; positive after 10
    and 20 years (productive public capital). Measured: 0.06, 0.29, 0.57, 0.82, 0.99 (years 0-4), 1.11 (10),
    1.46 (20); outlays 0.36, 0.85, 1.11, 1.23, 1.26."""
    from model.directed_growth.outcomes import impulse_response

    m = impulse_response(dg, horizons=tuple(range(21)), normalise="appropriations")
    spent = impulse_response(dg, horizons=tuple(range(5)))
    assert all(0 < m[k] < spent[k] for k in range(5))
    assert all(m[k + 1] > m[k] for k in range(4))
    assert m[10] > 0 and m[20] > 0


def test_public_investment_multiplier_in_year_4_and_later(dg):
    """+1 pp of GDP public investment spending (outlays, the IMF 2014 / Abiad-Furceri-Topalova 2016 shock, the
    default): within the IMF's [1.0, 2.0] in year 4 (about 1.5, economics.md 11.2), positive after 10 and 20
    years (productive public capital). Measured: 1.26 (year 4), 1.07 (10), 1.60 (20)."""
    from model.directed_growth.outcomes import impulse_response

    m = impulse_response(dg, horizons=(4, 10, 20))
    assert 1.0 <= m[4] <= 2.0
    assert m[10] > 0 and m[20] > 0


def test_public_investment_multiplier_on_the_imf_path_in_the_year_of_the_shock_and_rising(dg):
    """IMF (2014, WEO ch. 3; economics.md 11.2 [R]), advanced economies, 1 pp of GDP of public investment outlays:
    about 0.4 in the year of the shock and about 1.5 after four years, each within +-0.3 (issue 14's band),
    rising between. Production lags sales (inventories, Godley & Lavoie 2007 ch. 9), so the year-0 mean is below
    the instant supermultiplier. Measured at the US defaults: 0.36, 0.85, 1.11, 1.23, 1.26 (years 0-4)."""
    from model.directed_growth.outcomes import impulse_response

    m = impulse_response(dg, horizons=tuple(range(5)))
    assert 0.1 <= m[0] <= 0.7
    assert 1.2 <= m[4] <= 1.8
    assert all(m[k + 1] > m[k] for k in range(4))


# ------------------------------------------------------------------------------------------- reductions

SM = dict(s=0.5, v=2.0, delta=0.04, u_n=0.8, g=0.03)  # economics.md sec. 3, case 3


def _supermultiplier_point(dg, gamma):
    """The model with its new mechanisms at neutral values (no supply ceiling, no inventories, taxes, interest margins,
    premia, damages, public sector, crowding in, level effects on investment; equal propensities 1 - s,
    full payouts, wealth propensity equal to the consumption out of depreciation c delta) at the
    supermultiplier's balanced path: (compiled model, state, parameters, inputs)."""
    c = 1 - SM["s"]
    h = SM["v"] * (SM["g"] + SM["delta"]) / SM["u_n"]
    params = {"supply_sw": 0.0, "inv_sw": 0.0, "c_w": c, "c_pi": c, "c_V": c * SM["delta"], "t_w": 0.0, "t_pi": 0.0,
              "theta0": 1.0, "theta_B": 1.0, "beta_B": 0.0, "r0": 0.0, "m_M": 0.0, "sp_F0": 0.0, "psi_F": 0.0,
              "sp_G0": 0.0, "psi_B": 0.0, "rho_res": 0.0, "psi_Z": 0.0, "d_sw": 0.0, "theta_G": 0.0,
              "gamma_pi": 0.0, "gamma_r": 0.0, "chi": 0.0, "z_G": 0.0, "g_Z": SM["g"], "delta": SM["delta"],
              "v": SM["v"], "u_n": SM["u_n"], "gamma_u": gamma, "phi2": 0.0, "chi_H": 0.0,
              "b_ref": 0.0, "lam_F": 0.0}
    Z = 1.0
    Y = Z / (SM["s"] - h)
    K = SM["v"] * Y / SM["u_n"]
    # full payouts: net investment is loan-financed, so firm debt equals capital on the balanced path
    start = {"Z": Z, "C": Y * (1 - h), "h": h, "K_g": 0.1 * K, "K_b": 0.9 * K, "L_F": K, "L_H": 0.0,
             "B": 0.0, "NW_B": 0.0, "M": K, "WIP_G": 0.0, "K_Gm": 0.01 * K, "K_Go": 0.1 * K, "r_cb": 0.0,
             "S_e": Y, "INV": 0.0}  # no inventories (inv_sw = 0): the supermultiplier's output equals demand at once
    cs = model.compile(dg)
    y, p = cs.state_vector(), cs.param_vector()
    for k, x in start.items():
        y[cs.states.index(k)] = x
    for k, x in params.items():
        p[cs.parameters.index(k)] = x
    L = cs.inputs_table(Policy("neutral", i_G=0.0, i_cap=0.0))
    return cs, y, p, L


def _ratio_eigenvalues(cs, y, p, L):
    """Eigenvalues of the ratio dynamics (growing money stocks in relative deviations: the Jacobian less
    g_Z on their diagonal) with consumption at its target (kappa_C -> infinity: the slow manifold C = C*,
    by the Schur complement of the consumption row's kappa_C part)."""
    g = SM["g"]
    k = cs.parameters.index("kappa_C")
    J1 = cs.jac(2025.0, y, p, L)
    p2 = p.copy()
    p2[k] = p[k] + 1.0
    F = cs.jac(2025.0, y, p2, L) - J1  # d(C* - C)/dstate, the consumption row's kappa part
    c = cs.states.index("C")
    J0 = J1.copy()
    J0[c] -= p[k] * F[c]
    for s in ("Z", "C", "K_g", "K_b", "L_F", "L_H", "M", "B", "NW_B"):
        J0[cs.states.index(s), cs.states.index(s)] -= g
    keep = [i for i in range(len(cs.states)) if i != c]
    Jr = J0[np.ix_(keep, keep)] - np.outer(J0[keep, c], F[c, keep] / F[c, c])
    return np.linalg.eigvals(Jr)


def test_reduces_to_the_supermultiplier(dg):
    """economics.md sec. 3, case 3 (s = 0.5, v = 2, delta = 0.04, u_n = 0.8, g_Z = 0.03): with the new
    mechanisms at neutral values the supermultiplier's balanced path is a rest point of the full model's
    ratios, with h* = 0.175 and Y/Z = 3.076923, and its stability eigenvalues are -0.013462 +- 0.073612i at
    gamma = 0.10 and -0.024231 +- 0.047041i at 0.05, losing stability at gamma* = (s - h*)/v = 0.1625."""
    cs, y, p, L = _supermultiplier_point(dg, 0.10)
    obs = cs.observed(2025.0, y, p, L)
    assert obs["h_eff"] == pytest.approx(0.175, abs=1e-12)
    assert obs["Y"] / y[cs.states.index("Z")] == pytest.approx(3.076923076923077, rel=1e-10)
    assert obs["u"] == pytest.approx(SM["u_n"], rel=1e-12)
    f = cs.rhs(2025.0, y, p, L)
    for s in ("Z", "C", "L_F", "M"):
        assert f[cs.states.index(s)] / y[cs.states.index(s)] == pytest.approx(SM["g"], abs=1e-12), s
    K = y[cs.states.index("K_g")] + y[cs.states.index("K_b")]
    assert (f[cs.states.index("K_g")] + f[cs.states.index("K_b")]) / K == pytest.approx(SM["g"], abs=1e-12)
    assert abs(f[cs.states.index("h")]) < 1e-14
    for gamma, expected in ((0.10, complex(-0.013462, 0.073612)), (0.05, complex(-0.024231, 0.047041))):
        ev = _ratio_eigenvalues(*_supermultiplier_point(dg, gamma))
        pair = ev[np.argmax(ev.imag)]
        assert pair == pytest.approx(expected, abs=1e-6)
    from scipy.optimize import brentq

    def real_part(gamma):
        ev = _ratio_eigenvalues(*_supermultiplier_point(dg, gamma))
        return ev[np.argmax(ev.imag)].real

    assert brentq(real_part, 0.12, 0.19, xtol=1e-12) == pytest.approx(0.1625, abs=1e-8)

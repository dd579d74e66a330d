"""Out-of-sample checks (issue 14, item 3): fit one window (Laplace mode), forecast the other from its data start.

Acceptance of the issue: out of sample, R2 > 0 for annual output growth, the employment rate and the public
debt ratio, and the emission-intensity trend within +-0.3 pp/yr of the data's, for the US and the UK. Where the
model misses, the case is xfail(strict=True) with the measured number (never a loosened band). The fit and the
forecast are conditioned on the observed fiscal instruments (calibration.outofsample.POLICY: public investment
and government consumption, as real levels) and the country's observed driver of autonomous household demand
(calibration.outofsample.DRIVER: US residential investment, UK mortgage credit), the fit is the best of
calibration.outofsample.STARTS optimiser starts with the stated prior on g_Z - (alpha0 + n) (GAP_SD); the forecast's
exogenous trends follow the model's projection rules (calibration.outofsample.GROWTH, "projection": the labour force's
trend over the fit window's decade next to the forecast window, autonomous demand at the natural rate). The UK splits
are 1970-1999 <-> 2000-2019 as for the US: PWT has no UK wage share before 1988, so the fit estimates the 1970
wage share as an initial condition on a stated range, and the forecast from 1970 starts at the range's midpoint
(calibration.outofsample.UNKNOWN_START).
"""

import numpy as np
import pytest

from calibration.outofsample import DECADE, GAP_SD, SPLITS, STARTS, _labour_force_trend, fit, forecast, r2, trend
from model.errors import CalibrationError

_CACHE: dict = {}

#: why the UK 1970 wage share misses the reported levels (measured: see MISSES)
UK_1970_OMEGA = ("the 1970-99 fit (conditioned on public investment and government consumption as real levels and "
                 "UK mortgage credit, the monetary rule's rho_cb 1.05 and r0 0.055 held at their 1970-99 block "
                 "estimates) puts the UK 1970 wage share at 0.70, its range's top (costs of the 4 starts 212.2, 212.6, "
                 "280.2, 280.9; with rho_cb and r0 at their defaults 0.70, costs 221.2, 221.3, 221.3, 305.2; measured "
                 "earlier 223.4, 223.5, 307.4, 307.4; with the instruments as shares of output 0.70, cost 223.6; "
                 "with the driver's spending financed at chi_H, before session 8: 0.666, cost 252.9), above the "
                 "reported 0.55-0.65; earlier fits put it at a corner of its range (0.53 or 0.70)")


#: the US 2000-19 forecast from the 1970-99 fit (issue 14). Session 6: at the untruncated fit's mode the propensities
#: to consume left autonomous household consumption Z_H negative at the 2000 start, which no longer starts
#: (model.directed_growth.start_state); before that condition the forecast ran with R2 +0.28 / +0.44 / +0.35 (growth,
#: employment, debt). Session 7: the fit's prior is truncated to parameters with a 2000 start (calibration.truncation);
#: all 4 modes lie on the truncation's boundary (c_w 0.90, c_pi 0.39; Z_H -> 0+), where the loan-financed share
#: chi_H = (g + rho_H) L_H / Z_H is unbounded (48,076 at the best mode). The start there is locally stable (largest
#: real part of the detrended Jacobian's eigenvalues 0, the neutral level directions; the next -0.014/yr): the
#: forecast collapsed (employment 0.24 by 2006; R2 -460 / -940 / -36,667) because the observed residential-investment
#: deviation was financed at chi_H (household debt 19,816 times output by 2008). Session 8 (branch oos3): the
#: exogenous spending Z_Hx is financed at min(chi_H, 1) (households block); measured below (MISSES)


def _fit(country: str, i: int):
    """The fit of split ``i``, its prior truncated to a start in the first forecast year."""
    if ("fit", country, i) not in _CACHE:
        _CACHE["fit", country, i] = fit(country, SPLITS[country][i][0], predict_years=SPLITS[country][i][1])
    return _CACHE["fit", country, i]


def _forecast(country: str, i: int):
    if (country, i) not in _CACHE:
        _CACHE[country, i] = forecast(_fit(country, i), SPLITS[country][i][1])
    return _CACHE[country, i]


def test_forecast_names_its_valid_normal_choices():
    with pytest.raises(CalibrationError, match="'fit' or 'start'"):
        forecast({}, (2000, 2019), normal="mean")


def test_forecast_names_its_valid_growth_rules():
    with pytest.raises(CalibrationError, match="'projection' or 'fit', got 'data'"):
        forecast({}, (2000, 2019), growth="data")


@pytest.mark.data
def test_projected_labour_force_trend_is_the_decade_log_change_of_pwt_emp_over_the_jst_employment_rate():
    """The UK labour force (PWT persons engaged over 1 - JST unemp / 100, read from the raw files) over the fit
    window's decade next to the forecast window: 1990-1999 forward, 2000-2009 backward."""
    from calibration.data.jst import load_jst
    from calibration.data.pwt import load_pwt

    emp = load_pwt(countries=["GBR"]).set_index("year")["emp"].astype(float)
    lam = 1.0 - load_jst(countries=["GBR"]).set_index("year")["unemp"].astype(float) / 100.0
    N = emp / lam
    for (fy, py), window in zip(SPLITS["GBR"], ((1990, 1999), (2000, 2009))):
        n, got = _labour_force_trend("GBR", fy, py)
        assert got == window and window[1] - window[0] + 1 == DECADE
        assert n == pytest.approx(np.log(N[window[1]] / N[window[0]]) / (DECADE - 1), rel=1e-9)


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=UK_1970_OMEGA)
def test_uk_1970_wage_share_estimated_within_the_reported_levels():
    # economics.md sec. 9 [R]: UK labour share about 55-60% of GDP (compensation basis), a mid-1970s peak of
    # about 65% at factor cost
    f = _fit("GBR", 0)
    j = f["posterior"].names.index("omega")
    assert 0.55 <= f["mode"][j] <= 0.65


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.parametrize("country", ["USA", "GBR"])
def test_fit_keeps_the_least_cost_mode_of_its_starts_with_the_gap_prior_in_the_objective(country):
    """The kept mode is the least-cost one of the STARTS starts, and its cost is |r|^2 / 2 of the replay and block
    residuals plus the stated prior ((g_Z - alpha0 - n) / GAP_SD)^2 / 2 (no truncated-normal entry in the
    default prior)."""
    f = _fit(country, 0)
    costs = [c for _, c in f["modes"]]
    assert len(costs) == STARTS and costs == sorted(costs) and f["cost"] == costs[0]
    np.testing.assert_array_equal(f["mode"], f["modes"][0][0])
    post = f["posterior"]
    assert all(e.dist == "uniform" for e in post.prior.entries)
    x = dict(zip(post.names, f["mode"]))
    gap = (x["g_Z"] - x["alpha0"] - post.overrides["n"]) / GAP_SD
    r = post.residuals(f["mode"])
    assert f["cost"] == pytest.approx(0.5 * (r @ r + gap ** 2), rel=1e-9)


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.parametrize("country,i", [("USA", 0), ("USA", 1), ("GBR", 0), ("GBR", 1)])
def test_every_mode_of_the_truncated_fit_has_a_start_in_the_first_forecast_year(country, i):
    """The forecast start is data: the fit's prior is truncated to it (calibration.truncation), so every mode kept
    has a start at rest in the first forecast year (the barrier of calibration.joint.laplace), and a point without
    one has log-posterior -inf."""
    from calibration.outofsample import ForecastStart

    f = _fit(country, i)
    post, t = f["posterior"], f["truncation"]
    assert t["predict_start"] == SPLITS[country][i][1][0] and t["modes_outside"] == 0
    assert isinstance(post.truncation, ForecastStart)
    modes = np.array([m for m, _ in f["modes"]])
    assert post.truncation(modes, post.names).all() and post.inside(modes).all()
    with pytest.raises(CalibrationError, match="fit again with predict_years"):
        forecast(f, SPLITS[country][1 - i][1])  # a forecast from another year than the truncation's


@pytest.mark.data
@pytest.mark.slow
def test_fit_holds_the_block_estimates_of_its_own_window_in_the_replay_and_the_forecast():
    """US 1970-99: the monetary-rule block identifies the policy rate's speed rho_cb and the neutral rate r0 over the
    fit window (se at most half the estimate, inside the bounds: calibration.pipeline.held_estimates), and the fit
    does not sample them: it holds them at the regression's values on the 1970-99 rows alone (measured rho_cb
    0.2695, r0 0.0286; over the joint calibration's 1970-2019 window rho_cb is 0.22), in the replay at its mode, its
    truncation's forecast start and the forecast, as the joint calibration holds them over its window."""
    from calibration.block_estimates import block_fits
    from calibration.data import load_panel

    f, fc = _fit("USA", 0), _forecast("USA", 0)
    post = f["posterior"]
    held = {k: v[0] for k, v in f["held"].items()}
    assert {"rho_cb", "r0"} <= set(held) and not set(held) & set(post.names)
    p = load_panel(countries=["USA"]).sel(country="USA")
    window = block_fits(p.sel(year=slice(1970, 1999)), (1970, 1999))
    values = {k: v for fit_ in window.values() if not isinstance(fit_, Exception) for k, v in fit_.values.items()}
    assert all(held[k] == values[k] for k in held)  # the fit window's rows only: no 2000-19 datum enters
    assert held["rho_cb"] == pytest.approx(0.2695, abs=5e-5) and held["r0"] == pytest.approx(0.0286, abs=5e-5)
    joint = block_fits(p, (1970, 2019))["monetary rule"].values["rho_cb"]
    assert abs(joint - held["rho_cb"]) > 0.03
    cs = post.problem.cs
    P, _ = post._start(f["mode"][None, :])
    start = post.truncation
    Q, _ = start.pred._start(start.rows(f["mode"][None, :]))
    for k, v in held.items():
        assert P[0, cs.parameters.index(k)] == v and Q[0, start.pred.problem.cs.parameters.index(k)] == v, k
    assert fc.held == held


@pytest.mark.data
def test_fit_without_holding_keeps_the_defaults_of_the_unsampled_block_parameters():
    """hold=False: nothing held, rho_cb and r0 at the model's defaults in the replay (the fit before holding); the
    labour-force growth n is the window's block estimate either way (the replay's, never a kept default)."""
    from model.directed_growth.factory import directed_growth

    f = fit("USA", SPLITS["USA"][0][0], starts=1, max_nfev=1, hold=False)
    post = f["posterior"]
    assert f["held"] == {} and f["kept"] == {} and "n" in post.overrides
    defaults = directed_growth(country="USA").variables
    P, _ = post._start(f["mode"][None, :])
    for k in ("rho_cb", "r0"):
        assert P[0, post.problem.cs.parameters.index(k)] == defaults[k].default, k
    held = fit("USA", SPLITS["USA"][0][0], starts=1, max_nfev=1)
    assert "n" not in held["kept"] and held["posterior"].overrides["n"] == post.overrides["n"]


#: the US conditioning with the fiscal instruments as shares of output (calibration.outofsample.POLICY before
#: session 8), under which the 1970-99 fit's mode lies on the 2000 start's boundary
US_SHARES = ("i_G", "g_C", "res")


def _share_fit():
    """US 1970-99 with the instruments as shares of output, truncated to a 2000 start."""
    if "share_fit" not in _CACHE:
        _CACHE["share_fit"] = fit("USA", SPLITS["USA"][0][0], predict_years=SPLITS["USA"][0][1], instruments=US_SHARES)
    return _CACHE["share_fit"]


def _chi_H(f) -> float:
    """The loan-financed share of autonomous household consumption at the 2000 start of ``f``'s mode."""
    from calibration.outofsample import ForecastStart

    start = ForecastStart(f["posterior"], "USA", *SPLITS["USA"][0], instruments=f["instruments"])
    P, _ = start.pred._start(start.rows(f["mode"][None, :]))
    return float(P[0, start.pred.problem.cs.parameters.index("chi_H")])


@pytest.mark.data
@pytest.mark.slow
def test_fit_truncated_to_the_2000_start_where_the_untruncated_mode_has_none():
    """US 1970-99 with the fiscal instruments as shares of output: the untruncated fit's mode has no start at rest
    in 2000 (Z_H not positive), the truncated fit's has one. Their costs are not ordered: the multi-start
    optimiser's modes are local (measured with rho_cb and r0 held at their 1970-99 block estimates 112.61 untruncated
    against the truncated mode's 116.38; at their defaults 113.10 against 112.87, with the policy-rate speed read as a
    continuous rate; the first above before). With the instruments as real levels (the default) the untruncated mode
    has a start (measured: the truncated mode's chi_H 0.98, 1.07 at the defaults, far from the boundary)."""
    free, cut = fit("USA", SPLITS["USA"][0][0], instruments=US_SHARES), _share_fit()
    assert free["truncation"] is None
    region = cut["posterior"].truncation
    assert not region(free["mode"][None, :], cut["posterior"].names)[0]
    assert region(cut["mode"][None, :], cut["posterior"].names)[0]


@pytest.mark.data
@pytest.mark.slow
def test_us_2000_start_on_the_boundary_finances_the_driver_at_most_dollar_for_dollar():
    """US 1970-99 (instruments as shares) truncated to a 2000 start: the best mode lies at the start region's edge (Z_H
    -> 0+), where the loan-financed share chi_H = (g + rho_H) L_H / Z_H is above 10,000 (measured 49,060 with the block
    estimates held, 48,076 on main 2668ed7's mode), and the start is locally stable (largest real part of the detrended
    Jacobian's eigenvalues at most 1e-6/yr: the collapse was not an unstable start). The observed residential-investment
    deviation is financed at min(chi_H, 1) (households block), so household debt stays within 0.3-0.5 of output over
    2000-19 (measured 0.363-0.440; 0.365-0.441 on main 2668ed7; financed at chi_H it reached 19,816 times output by
    2008). With the instruments as real levels (the default) the mode is inside the region: chi_H below 10 (measured
    0.98; 1.07 with the unsampled block parameters at their defaults)."""
    from calibration.outofsample import ForecastStart
    from model.analysis.stability import STABILITY_TOL, detrended_jacobian
    from model.directed_growth.attribution import ECONOMY_STOCKS

    f = _share_fit()
    assert _chi_H(f) > 1e4
    assert _chi_H(_fit("USA", 0)) < 10.0
    start = ForecastStart(f["posterior"], "USA", *SPLITS["USA"][0], instruments=f["instruments"])
    X = start.rows(f["mode"][None, :])
    P, Y0 = start.pred._start(X)
    prob = start.pred.problem
    cs = prob.cs
    sub = [cs.states.index(x) for x in ECONOMY_STOCKS if x in cs.states]
    J = detrended_jacobian(cs.jac(prob.t0, Y0[0], P[0], prob.L), cs.rhs(prob.t0, Y0[0], P[0], prob.L), Y0[0])
    assert np.linalg.eigvals(J[np.ix_(sub, sub)]).real.max() <= STABILITY_TOL
    p = start.pred.paths(X, variables=["L_H", "Y"])
    d_H = p["L_H"][0] / p["Y"][0]
    assert 0.3 < d_H.min() and d_H.max() < 0.5


def test_fit_names_its_valid_starts():
    with pytest.raises(CalibrationError, match="starts must be at least 1, got 0"):
        fit("USA", (1970, 1999), starts=0)


def test_r2_is_one_for_the_data_and_zero_for_its_mean():
    y = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    assert r2(y, y) == 1.0
    assert r2(np.full(5, y.mean()), y) == pytest.approx(0.0, abs=1e-15)
    assert r2(y[::-1], y) == pytest.approx(1 - np.sum((y - y[::-1]) ** 2) / 10.0)


def test_trend_of_an_exponential_is_its_rate_in_percent():
    years = np.arange(2000, 2020)
    assert trend(years, 0.5 * np.exp(-0.0274 * (years - 2000))) == pytest.approx(-2.74, abs=1e-10)


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.parametrize("country,i", [("USA", 0), ("USA", 1), ("GBR", 0), ("GBR", 1)])
def test_forecast_starts_from_the_data_of_its_first_year(country, i):
    fc = _forecast(country, i)
    for name in ("lam", "omega", "b", "d"):
        if name in fc.unknown_start:  # the UK wage share of 1970: the prior range's midpoint
            assert fc.median[name][0] == pytest.approx(fc.unknown_start[name], rel=1e-9)
        else:
            assert fc.median[name][0] == pytest.approx(fc.data[name][0], rel=1e-9), name
    assert fc.median["e_int"][0] == pytest.approx(fc.data["e_int"][0], rel=1e-6)


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.parametrize("country,i", [("USA", 0), ("GBR", 1)])
def test_forecast_grows_autonomous_demand_at_the_fits_natural_rate_with_the_projected_labour_force(country, i):
    f, fc = _fit(country, i), _forecast(country, i)
    x = dict(zip(f["posterior"].names, f["mode"]))
    n, window = _labour_force_trend(country, *SPLITS[country][i])
    assert fc.growth["rule"] == "projection" and fc.growth["window"] == window
    assert fc.growth["n"] == n
    assert fc.growth["g_Z"] == pytest.approx(x["alpha0"] + n, rel=1e-12)
    kept = forecast(f, SPLITS[country][i][1], growth="fit").growth  # the fit's own g_Z and block n carried forward
    assert kept["g_Z"] == x["g_Z"] and kept["n"] == f["posterior"].overrides["n"] and kept["window"] is None


# measured on branch oosheld (issue 14, session 13: the block parameters the fit does not sample held at their block
# estimates over the fit window where the block identifies them, calibration.pipeline.held_estimates, as the joint
# calibration holds them: US 1970-99 rho_cb 0.269 and r0 0.0286, US 2000-19 n_lam 0.135, rho_cb 1.06 and psi_L 0.527, UK
# 1970-99 rho_cb 1.05 and r0 0.0547, UK 2000-19 rho_cb 0.315; the values with every unsampled parameter at its default,
# main 56e8285, in the reasons as "at the defaults"; the earlier values, main aa7fc97 (session 9: the productivity
# block's intercept compared with the model's alpha0 at its own g_ref, calibration.joint.BlockTerm) and branch oos3,
# main 2668ed7, in brackets where they moved by more than 0.01); the fit and forecast conditioned on public investment
# and government consumption as real levels, calibration.outofsample.POLICY, and the country's observed driver of
# autonomous household demand, calibration.outofsample.instruments_for: US residential investment, UK mortgage credit;
# the driver's spending financed by new loans at min(chi_H, 1), households block; best of 4 starts; the prior on g_Z -
# (alpha0 + n), sd 0.5 pp/yr; the forecast's trends by the projection rules, GROWTH):
# python -c "from calibration.outofsample import out_of_sample as o; print([f.scores for f in o('USA')])"
# (country, split, series) -> why it misses, with the measured R2 (the decompositions in the reasons of the US 2000-19
# debt and the UK 2000-19 growth and employment: session 10, branch oos4 on main d6c0155, the same forecast at the fit's
# mode with one input or parameter changed at a time); a case not listed must hold (measured US 2000-19 growth +0.29,
# employment +0.81; US 1970-99 emission-intensity gap -0.21 pp; UK 2000-19 debt +0.06; UK 1970-99 growth +0.027,
# employment +0.20; at the defaults +0.31, +0.78, -0.19 pp, +0.07, +0.025, +0.21). With the instruments as shares of
# output (POLICY before session 8; R2 dlnY / lam / b, e_int gap): US fwd +0.20 / +0.63 / -0.17, +0.54; US rev -0.10 /
# +0.28 / -8.13, -0.24; UK fwd -0.21 / -0.86 / +0.67, +1.56; UK rev -0.24 / +0.17 / -18.8, -0.81. Before session 8
# (shares; the driver financed at chi_H): US 2000-19 -460 / -940 / -36,667, +0.49 pp (a collapse), UK 2000-19 -0.33 /
# -1.55 / +0.68, +1.28 pp; the reverse splits as with the shares. Before session 6 (no Z_H condition), US 2000-19 +0.28
# / +0.44 / +0.35. Earlier measurements (branch oos2, the driver financed at chi_H): UK driver from household credit
# (JST thh): UK fwd -0.70 / -3.29 / +0.90, +1.22; UK rev -0.37 / +0.42 / -12.2, -0.88. With growth="fit" (the fit's g_Z
# and block n carried forward, the default before) R2 dlnY / lam / b, e_int gap: US fwd +0.07 / -1.13 / +0.87, +0.70; US
# rev -0.25 / -0.27 / -10.9, -0.33; UK fwd -0.51 / -5.65 / +0.09, +1.16; UK rev -0.33 / -0.08 / -23.5, -0.76 (with
# household credit: UK fwd -0.87 / -11.8 / +0.63, +1.12; UK rev -0.48 / -0.04 / -18.3, -0.78). Before the driver (policy
# instruments only, main 5f862fe, growth "fit"): US fwd -0.98 / -1.91 / +0.79, +0.63; US rev -0.71 / -2.06 / -7.14,
# -0.39; UK fwd -0.97 / -5.06 / +0.05, +1.21; UK rev -0.79 / -0.32 / -30.5, -0.73
MISSES = {
    ('USA', 0, 'b'): "US 2000-19 debt R2 -0.52 (-0.57 at the defaults) from a 1970-99 fit: model debt 0.56 -> 0.70 "
                     "(2011) -> 0.64 (2019) against the data's 0.56 -> 1.07. Mostly the deficit, not the output path "
                     "(measured at session 10's mode): the data's primary balance moves from +1.8% to -7.6% of output "
                     "in 2007-09 (JST revenue -20% with nominal output flat, expenditure +25%), the model's deficit "
                     "from 2.8% to 3.1%: its taxes are proportional to wages and profits (revenue 14.6 -> 14.8% of "
                     "output), it has no transfers that respond to unemployment, and its only cyclical spending is "
                     "government consumption set on trend output (+0.4 pp in 2009); the model's debt over the data's "
                     "output path scores -0.12 (0.73 against 1.00 in 2012). The output path misses too: model growth "
                     "1.2% in 2008 and 2009 (data -0.1%, -2.6%): the residential-investment driver falls 2.4 pp of "
                     "trend output in 2007-09 and reaches output about one for one (log output 1.6% below the run "
                     "without the driver in 2009, 2.5% in 2010-11: -1.5 and -1.6 pp of growth in 2008 and 2009), while "
                     "the fit's private investment does not fall (gamma_u 0; its share rises 0.150 -> 0.187 in 2008-13 "
                     "with gamma_r 9.5, as the loan rate falls, 5.3% -> 3.0% at session 10's mode with gamma_r 9.7; "
                     "data 0.167 -> 0.137 in 2008-10): no financial-crisis mechanism; the debt-stabilising tax brings "
                     "the ratio down after 2011 (-0.17 with the instruments as shares of output, whose government "
                     "consumption rose with the recession)",
    ('USA', 0, 'e_int'): "US 2000-19 trend: model -2.27, data -2.74 %/yr (gap +0.46 pp; +0.47 at the defaults): "
                         "g_sigma of the 1970-99 fit (2.1%/yr); the coal-to-gas switch after 2008 is not fed: no "
                         "fuel-price or carbon-price series in the data",
    ('USA', 1, 'dlnY'): "US 1970-99 growth R2 -0.13 (-0.27 at the defaults, -0.24 on main aa7fc97; -0.004 before the "
                        "recentred block; -0.10 with the instruments as shares) from a 2000-19 fit: model growth "
                        "1.80%/yr against the data's 3.22% (alpha0 + n 1.84%/yr), and the 1974-75, 1980-82 recessions "
                        "were oil and monetary-policy shocks",
    ('USA', 1, 'lam'): "US 1970-99 employment R2 -0.23 (-0.19 at the defaults, -0.15 on main aa7fc97, -0.12 before the "
                       "recentred block, +0.28 with the instruments as shares) from a 2000-19 fit: model employment "
                       "0.929 in 1982 against the data's 0.903 (the 1981-82 disinflation is not fed), 0.958-0.964 in "
                       "1986-88 against 0.930-0.945 (before the recentred block 0.926 and 0.960-0.967)",
    ('USA', 1, 'b'): "US 1970-99 debt R2 -2.52 (-2.25 at the defaults, -2.24 on main aa7fc97, -2.28 before the "
                     "recentred block, -8.13 with the instruments as shares) from a 2000-19 fit: model debt falls from "
                     "0.36 to 0.24 (1985-86) and 0.23 (1999), the data rise to 0.65 (1996): no tax or deficit history "
                     "(the 1980s tax cuts), the fit's fiscal response from 2000-19",
    ('GBR', 0, 'dlnY'): "UK 2000-19 growth R2 -0.35 (-0.35 at the defaults, -0.34 on main aa7fc97; -0.21 with the "
                        "instruments as shares) from a 1970-99 fit: model output grows 2.5% and 2.4% in 2008 and 2009 "
                        "against the data's -0.3% and -4.2% (2009 alone is 43.5 of the 65 pp^2 of squared errors, the "
                        "data's variance 48), and 2.65%/yr on average (autonomous demand at alpha0 + n, 2.76%/yr) "
                        "against the data's 1.67% (a mean bias of 1.0 pp/yr); at session 10's mode: 2.0% in 2008 and "
                        "2009, without the 2008-09 errors R2 +0.58. The mortgage driver falls 1.8 pp of trend output "
                        "in 2008 and 0.75 pp in 2009 and reaches output one for one on the level (2.45% below the run "
                        "without it in 2009): -1.0 and -1.2 pp of growth, against a shortfall of 3-7 pp below trend; "
                        "without the driver the model grows 3.1% and 3.3%. Its scale is the 2000 mortgage debt ratio "
                        "(0.40; 0.60-0.64 in 2007-09), so the swing is about a third smaller than net new borrowing at "
                        "the ratio of the time, which would put the forecast window's output in the input; real "
                        "government consumption and public investment add 0.2-0.3 pp; the fit's investment does not "
                        "respond to utilisation (gamma_u 0: share 0.181 in 2008-09, data 0.148 -> 0.125): no "
                        "financial-crisis mechanism",
    ('GBR', 0, 'lam'): "UK 2000-19 employment R2 -1.21 (-1.32 at the defaults, -1.58 on main aa7fc97, -1.67 before the "
                       "recentred block, -0.86 with the instruments as shares) from a 1970-99 fit: the normal "
                       "employment rate is the 1970-99 mean, 0.926, against the 2000 start's 0.944 and the data's "
                       "0.92-0.96 (falling unemployment), and the model returns towards it (0.920 in 2019 against "
                       "0.963). Not the fit's productivity growth (alpha0 2.72%/yr, its Kaldor-Verdoorn coefficient at "
                       "0; the 1970-99 block 2.18 +- 0.32%/yr; data 0.69%/yr in 2000-19): autonomous demand grows at "
                       "alpha0 + n, so the employment rate barely depends on alpha0 (R2 -1.61 at 2.17%, -1.67 at "
                       "0.69%, at session 10's mode). The normal rate at the start year's value instead "
                       "(normal='start', at session 10's modes) gives +0.13 here but -1.27 for the US 2000-19 (from "
                       "+0.81: 2000 was a US cyclical peak), -1.38 for the US 1970-99 and -1.79 for the UK 1970-99: no "
                       "rule helps all four. The labour force at the 1990-99 trend 0.04%/yr against the data's "
                       "0.88%/yr (observed labour force fed: -2.26)",
    ('GBR', 1, 'b'): "UK 1970-99 debt R2 -38.2 (-38.2 at the defaults, -38.1 on main aa7fc97, -37.9 before the "
                     "recentred block, -18.8 with the instruments as shares) from a 2000-19 fit: model debt rises from "
                     "0.73 to 1.15 (1984), the data fall to 0.39 with 1970s inflation eroding the debt, which a real "
                     "model does not have",
    ('GBR', 0, 'e_int'): "UK 2000-19 trend: model -2.90, data -4.04 %/yr (gap +1.15 pp; +1.32 at the defaults): "
                         "g_sigma of the 1970-99 fit (2.8%/yr; 2.6%/yr at the defaults); the coal phase-out (EU ETS "
                         "from 2005, the carbon price floor from 2013) is not fed: no carbon-price series in the data "
                         "(GCB's CO2 by fuel is an outcome, not an input)",
    ('GBR', 1, 'e_int'): "UK 1970-99 trend: model -3.53, data -2.77 %/yr (gap -0.76 pp, as at the defaults)",
}




def _cases(series: tuple[str, ...]) -> list:
    def marks(c, i, s):
        return [pytest.mark.xfail(strict=True, reason=MISSES[c, i, s])] if (c, i, s) in MISSES else []

    return [pytest.param(c, i, s, marks=marks(c, i, s)) for c in ("USA", "GBR") for i in (0, 1) for s in series]


CASES = _cases(("dlnY", "lam", "b"))


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.parametrize("country,i,series", CASES)
def test_out_of_sample_r2_is_positive(country, i, series):
    assert _forecast(country, i).scores[series] > 0.0


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.parametrize("country,i,series", _cases(("e_int",)))
def test_out_of_sample_emission_intensity_trend_within_0_3_pp(country, i, series):
    assert abs(_forecast(country, i).scores[f"{series}_trend_gap"]) <= 0.3


@pytest.mark.data
def test_replay_takes_a_missing_start_wage_share_only_when_given():
    from calibration.data import load_panel
    from calibration.replay import country_model

    panel = load_panel(countries=["GBR"])
    with pytest.raises(CalibrationError, match="omega for GBR 1970 is missing"):
        country_model(panel, "GBR", 1970)
    assert country_model(panel, "GBR", 1970, start_values={"omega": 0.63}).variables["omega"].default == 0.63
    with pytest.raises(CalibrationError, match="only 'omega'"):
        country_model(panel, "GBR", 1990, start_values={"b": 0.3})

"""Out-of-sample checks (issue 14, item 3): fit one window (Laplace mode), forecast the other from its data start.

Acceptance of the issue: out of sample, R2 > 0 for annual output growth, the employment rate and the public
debt ratio, and the emission-intensity trend within +-0.3 pp/yr of the data's, for the US and the UK. Where the
model misses, the case is xfail(strict=True) with the measured number (never a loosened band). The fit and the
forecast are conditioned on the observed fiscal instruments (calibration.outofsample.POLICY: public investment
and government consumption), the fit is the best of calibration.outofsample.STARTS optimiser starts with the
stated prior on g_Z - (alpha0 + n) (GAP_SD). The UK splits
are 1970-1999 <-> 2000-2019 as for the US: PWT has no UK wage share before 1988, so the fit estimates the 1970
wage share as an initial condition on a stated range, and the forecast from 1970 starts at the range's midpoint
(calibration.outofsample.UNKNOWN_START).
"""

import numpy as np
import pytest

from calibration.outofsample import GAP_SD, SPLITS, STARTS, fit, forecast, r2, trend
from model.errors import CalibrationError

_CACHE: dict = {}

#: why the UK 1970 wage share misses the reported levels (measured: see MISSES)
UK_1970_OMEGA = ("the 1970-99 fit puts the UK 1970 wage share at a corner of its range in every start: 0.53 (the "
                 "bottom) with g_Z 0 and alpha0 0.3%/yr in 3 of 4 starts (cost 280.8), 0.70 (the top) in the "
                 "4th (291.0); with public investment only 0.70 with g_Z 0.25%/yr (costs 169.3, 169.8, 177.4, "
                 "177.4): a corner the data choose, not an optimiser artefact; outside the reported 0.55-0.65")


def _fit(country: str, i: int):
    if ("fit", country, i) not in _CACHE:
        _CACHE["fit", country, i] = fit(country, SPLITS[country][i][0])
    return _CACHE["fit", country, i]


def _forecast(country: str, i: int):
    if (country, i) not in _CACHE:
        _CACHE[country, i] = forecast(_fit(country, i), SPLITS[country][i][1])
    return _CACHE[country, i]


def test_forecast_names_its_valid_normal_choices():
    with pytest.raises(CalibrationError, match="'fit' or 'start'"):
        forecast({}, (2000, 2019), normal="mean")


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


# measured on branch oos (main d094738; the fit and forecast conditioned on public investment and government
# consumption, calibration.outofsample.POLICY; best of 4 starts; the prior on g_Z - (alpha0 + n), sd 0.5 pp/yr):
# python -c "from calibration.outofsample import out_of_sample as o; print([f.scores for f in o('USA')])"
# (country, split, series) -> why it misses, with the measured R2; a case not listed must hold. Before (observed
# public investment only, one start, no gap prior) R2 dlnY / lam / b: US fwd -0.67 / -0.005 / -1.12, UK fwd
# -0.41 / -6.55 / -2.36, US rev -0.47 / -0.28 / -0.61, UK rev -0.70 / -2.82 / -14.7
MISSES = {
    ("USA", 0, "dlnY"): "US 2000-19 growth R2 -1.32: a smooth path at the fit's autonomous-demand growth misses "
                        "the slowdown and the 2001/2008-09 recessions (no shocks in the forecast)",
    ("USA", 0, "lam"): "US 2000-19 employment R2 -1.83 from a 1970-99 fit: no recessions, so no 2009-10 rise of "
                       "unemployment; the fit's g_Z above the natural rate lifts employment",
    ("USA", 1, "dlnY"): "US 1970-99 growth R2 -0.90 from a 2000-19 fit (the 1974-75, 1980-82, 1991 recessions)",
    ("USA", 1, "lam"): "US 1970-99 employment R2 -0.29 from a 2000-19 fit",
    ("USA", 1, "b"): "US 1970-99 debt R2 -10.7 from a 2000-19 fit conditioned on government consumption: no tax "
                     "or deficit history (the 1980s tax cuts), the fit's fiscal response from 2000-19",
    ("GBR", 0, "dlnY"): "UK 2000-19 growth R2 -1.85 from a 1970-99 fit (the 2008-09 recession)",
    ("GBR", 0, "lam"): "UK 2000-19 employment R2 -3.63 from a 1970-99 fit",
    ("GBR", 1, "dlnY"): "UK 1970-99 growth R2 -0.98 from a 2000-19 fit",
    ("GBR", 1, "lam"): "UK 1970-99 employment R2 -0.37 from a 2000-19 fit",
    ("GBR", 1, "b"): "UK 1970-99 debt R2 -23.5 from a 2000-19 fit (the data fall from 0.73 to 0.39 with "
                     "1970s inflation eroding the debt, which a real model does not have)",
    ("USA", 0, "e_int"): "US 2000-19 emission-intensity trend: model -2.10, data -2.74 %/yr (gap +0.64 pp): the "
                         "model extrapolates 1970-99's decline",
    ("USA", 1, "e_int"): "US 1970-99 trend: model -2.60, data -2.27 %/yr (gap -0.32 pp; -0.22, within the band, "
                         "without the government-consumption conditioning)",
    ("GBR", 0, "e_int"): "UK 2000-19 trend: model -2.94, data -4.04 %/yr (gap +1.10 pp): the coal phase-out is "
                         "not in the model",
    ("GBR", 1, "e_int"): "UK 1970-99 trend: model -3.51, data -2.77 %/yr (gap -0.75 pp)",
}


def _cases(series: tuple[str, ...]) -> list:
    return [pytest.param(c, i, s, marks=[pytest.mark.xfail(strict=True, reason=MISSES[c, i, s])]
                         if (c, i, s) in MISSES else [])
            for c in ("USA", "GBR") for i in (0, 1) for s in series]


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

"""Out-of-sample checks (issue 14, item 3): fit one window (Laplace mode), forecast the other from its data start.

Acceptance of the issue: out of sample, R2 > 0 for annual output growth, the employment rate and the public
debt ratio, and the emission-intensity trend within +-0.3 pp/yr of the data's, for the US and the UK. Where the
model misses, the case is xfail(strict=True) with the measured number (never a loosened band). The UK splits
are 1970-1999 <-> 2000-2019 as for the US: PWT has no UK wage share before 1988, so the fit estimates the 1970
wage share as an initial condition on a stated range, and the forecast from 1970 starts at the range's midpoint
(calibration.outofsample.UNKNOWN_START).
"""

import numpy as np
import pytest

from calibration.outofsample import SPLITS, fit, forecast, r2, trend
from model.errors import CalibrationError

_CACHE: dict = {}


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
@pytest.mark.xfail(strict=True, reason="the 1970-99 fit's mode puts the UK 1970 wage share at its range's top, 0.70, "
                   "with g_Z 0.28%/yr near its floor (cost 166; 200 at main's mode omega 0.63, g_Z 2.14%/yr, where "
                   "the start was not at rest for g_Z): a corner mode, above the reported 0.55-0.65")
def test_uk_1970_wage_share_estimated_within_the_reported_levels():
    # economics.md sec. 9 [R]: UK labour share about 55-60% of GDP (compensation basis), a mid-1970s peak of
    # about 65% at factor cost
    f = _fit("GBR", 0)
    j = f["posterior"].names.index("omega")
    assert 0.55 <= f["mode"][j] <= 0.65


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


# measured on branch h9gz (main 74fa3d3, the replay's start derived at rest for the sampled g_Z; Laplace mode of
# calibration.joint.SAMPLED, the scores of the forecast at the mode):
# python -c "from calibration.outofsample import out_of_sample as o; print([f.scores for f in o('USA')])"
# (country, split, series) -> why it misses, with the measured R2; a case not listed must hold
MISSES = {
    ("USA", 0, "dlnY"): "US 2000-19 growth R2 -0.67: a smooth path at the 1970-99 growth (g_Z 3.15%/yr) misses "
                        "the slowdown and the 2001/2008-09 recessions",
    ("USA", 0, "lam"): "US 2000-19 employment R2 -0.005 from a 1970-99 fit: model 0.960 -> 0.937, data 0.960 -> "
                       "0.963",
    ("USA", 0, "b"): "US 2000-19 debt R2 -1.12: model 0.56 -> 0.60, data 0.56 -> 1.07 (no tax cuts, no "
                     "recession deficits)",
    ("USA", 1, "dlnY"): "US 1970-99 growth R2 -0.47 from a 2000-19 fit",
    ("USA", 1, "lam"): "US 1970-99 employment R2 -0.28 from a 2000-19 fit",
    ("USA", 1, "b"): "US 1970-99 debt R2 -0.61 from a 2000-19 fit",
    ("GBR", 0, "dlnY"): "UK 2000-19 growth R2 -0.41 from a 1970-99 fit",
    ("GBR", 0, "lam"): "UK 2000-19 employment R2 -6.55 from a 1970-99 fit: model 0.944 -> 0.910, data 0.944 -> "
                       "0.963 (the fit's g_Z 0.28%/yr, below its natural rate, lowers employment)",
    ("GBR", 0, "b"): "UK 2000-19 debt R2 -2.36 from a 1970-99 fit (model 0.37 -> 0.25, data 0.37 -> 0.85)",
    ("GBR", 1, "dlnY"): "UK 1970-99 growth R2 -0.70 from a 2000-19 fit",
    ("GBR", 1, "lam"): "UK 1970-99 employment R2 -2.82 from a 2000-19 fit",
    ("GBR", 1, "b"): "UK 1970-99 debt R2 -14.7 from a 2000-19 fit (model 0.73 -> 0.95, data 0.73 -> 0.39)",
    ("USA", 0, "e_int"): "US 2000-19 emission-intensity trend: model -2.32, data -2.74 %/yr (gap +0.42 pp): the "
                         "model extrapolates 1970-99's decline",
    ("GBR", 0, "e_int"): "UK 2000-19 trend: model -3.03, data -4.04 %/yr (gap +1.01 pp): the coal phase-out is "
                         "not in the model",
    ("GBR", 1, "e_int"): "UK 1970-99 trend: model -3.44, data -2.77 %/yr (gap -0.68 pp)",
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

"""Out-of-sample checks (issue 14, item 3): fit one window (Laplace mode), forecast the other from its data start.

Acceptance of the issue: out of sample, R2 > 0 for annual output growth, the employment rate and the public
debt ratio, and the emission-intensity trend within +-0.3 pp/yr of the data's, for the US and the UK. Where the
model misses, the case is xfail(strict=True) with the measured number (never a loosened band); the UK splits
are 1988-2003 <-> 2004-2019 (PWT has no UK wage share before 1988: calibration.outofsample.SPLITS).
"""

import numpy as np
import pytest

from calibration.outofsample import SPLITS, fit, forecast, r2, trend

_CACHE: dict = {}


def _forecast(country: str, i: int):
    if (country, i) not in _CACHE:
        fy, py = SPLITS[country][i]
        _CACHE[country, i] = forecast(fit(country, fy), py)
    return _CACHE[country, i]


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
        assert fc.median[name][0] == pytest.approx(fc.data[name][0], rel=1e-9), name
    assert fc.median["e_int"][0] == pytest.approx(fc.data["e_int"][0], rel=1e-6)


def _xf(reason):
    return pytest.mark.xfail(strict=True, reason=reason)


# measured on branch h8oos (main fb31f14; Laplace mode of calibration.joint.SAMPLED, the scores of the forecast
# at the mode): python -c "from calibration.outofsample import out_of_sample as o; print([f.scores for f in o('USA')])"
CASES = [
    pytest.param("USA", 0, "dlnY", marks=_xf("US 2000-19 growth R2 -0.67: a smooth path at the 1970-99 growth "
                                             "(g_Z 3.2%/yr) misses the slowdown and the 2001/2008-09 recessions")),
    pytest.param("USA", 0, "lam"),
    pytest.param("USA", 0, "b", marks=_xf("US 2000-19 debt R2 -1.04: model 0.56 -> 0.59, data 0.56 -> 1.05 "
                                          "(no tax cuts, no recession deficits)")),
    pytest.param("USA", 1, "dlnY", marks=_xf("US 1970-99 growth R2 -0.47 from a 2000-19 fit")),
    pytest.param("USA", 1, "lam", marks=_xf("US 1970-99 employment R2 -0.30 from a 2000-19 fit")),
    pytest.param("USA", 1, "b", marks=_xf("US 1970-99 debt R2 -0.52 from a 2000-19 fit")),
    pytest.param("GBR", 0, "dlnY", marks=_xf("UK 2004-19 growth R2 -0.52 from a 1988-2003 fit")),
    pytest.param("GBR", 0, "lam", marks=_xf("UK 2004-19 employment R2 -0.70 from a 1988-2003 fit")),
    pytest.param("GBR", 0, "b", marks=_xf("UK 2004-19 debt R2 -2.05 from a 1988-2003 fit (data 0.39 -> 0.85)")),
    pytest.param("GBR", 1, "dlnY", marks=_xf("UK 1988-2003 growth R2 -0.55 from a 2004-19 fit")),
    pytest.param("GBR", 1, "lam", marks=_xf("UK 1988-2003 employment R2 -0.59 from a 2004-19 fit")),
    pytest.param("GBR", 1, "b", marks=_xf("UK 1988-2003 debt R2 -0.20 from a 2004-19 fit")),
]


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.parametrize("country,i,series", CASES)
def test_out_of_sample_r2_is_positive(country, i, series):
    assert _forecast(country, i).scores[series] > 0.0


TREND = [
    pytest.param("USA", 0, marks=_xf("US 2000-19 emission-intensity trend: model -2.31, data -2.74 %/yr "
                                     "(gap +0.43 pp): the model extrapolates 1970-99's decline")),
    pytest.param("USA", 1),
    pytest.param("GBR", 0, marks=_xf("UK 2004-19 trend: model -2.19, data -4.53 %/yr (gap +2.35 pp): the "
                                     "coal phase-out is not in the model")),
    pytest.param("GBR", 1, marks=_xf("UK 1988-2003 trend: model -4.17, data -2.94 %/yr (gap -1.23 pp)")),
]


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.parametrize("country,i", TREND)
def test_out_of_sample_emission_intensity_trend_within_0_3_pp(country, i):
    assert abs(_forecast(country, i).scores["e_int_trend_gap"]) <= 0.3

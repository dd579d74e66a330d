"""calibration.data.load_panel and load_fallback_panel: shape, units, data-problem fixes and the stylised
facts of economics.md section 10.

Tests that read the data take the directory from DGM_DATA_DIR (CI: ../shared/data)
through ``data_dir()``, which raises DataError when it is unset: they fail, never skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from calibration.data import (
    FILES,
    VARIABLES,
    DataError,
    data_dir,
    load_fallback_panel,
    load_fred,
    load_jst,
    load_panel,
    load_pwt,
)
from calibration.data.fallback import AVAILABLE
from model.core.units import parse_units

MODEL_UNITS = {"1/year", "dimensionless", "year", "GtCO2/year", "GtCO2/TUSD", "TUSD/year", "TUSD/year/Mworker"}


def _data_root() -> Path:
    """The shared data directory from DGM_DATA_DIR; raises DataError (so the test fails) if unset."""
    return data_dir()


def _trend(series: xr.DataArray, first: int, last: int) -> float:
    """Average log growth rate [1/year] between two years."""
    return float(np.log(series.sel(year=last) / series.sel(year=first))) / (last - first)


# --- shape, units, attributes ------------------------------------------------------------------------

def test_panel_dimensions_variables_and_units(panel):
    assert dict(panel.sizes) == {"country": 2, "year": 60}
    assert list(panel["country"].values) == ["USA", "GBR"]
    assert panel["year"].values[0] == 1960 and panel["year"].values[-1] == 2019
    assert list(panel.data_vars) == list(VARIABLES)
    registered = {f.path for f in FILES.values()}
    for name, da in panel.data_vars.items():
        assert da.dims == ("country", "year")
        assert da.attrs["units"] == VARIABLES[name][1] and da.attrs["units"] in MODEL_UNITS
        parse_units(da.attrs["units"])           # the model's pint registry understands it
        assert da.attrs["long_name"] and any(path in da.attrs["source"] for path in registered)
    for key in ("pwt", "jst", "icsd", "gcb", "fred_qd", "ncses_rd"):
        assert panel.attrs[f"vintage_{key}"] == FILES[key].vintage
    assert panel.attrs["countries"] == "USA GBR" and panel.attrs["years"] == "1960-2019"
    assert "CC BY-NC-SA" in panel.attrs["licences"]


def test_panel_round_trips_through_netcdf(panel, tmp_path):
    panel.to_netcdf(tmp_path / "panel.nc")
    with xr.open_dataset(tmp_path / "panel.nc") as back:
        xr.testing.assert_identical(back.load(), panel)


def test_panel_values_follow_their_definitions(panel):
    pwt = load_pwt(_data_root(), countries=["USA"]).set_index("year")
    us = panel.sel(country="USA")
    np.testing.assert_allclose(us["Y"].sel(year=2019), pwt.loc[2019, "rgdpna"] / 1e6)
    assert float(us["g_Y"].sel(year=1960)) == pytest.approx(np.log(pwt.loc[1960, "rgdpna"] / pwt.loc[1959, "rgdpna"]))
    jst = load_jst(_data_root(), countries=["GBR"]).set_index("year")
    uk = panel.sel(country="GBR")
    np.testing.assert_allclose(uk["h"] + uk["i_G"], jst.loc[1960:2019, "iy"], rtol=1e-12)
    np.testing.assert_allclose(uk["d"], jst.loc[1960:2019, "tbus"] / jst.loc[1960:2019, "gdp"], rtol=1e-12)
    np.testing.assert_allclose(panel["e_int"] * panel["Y"], panel["E_dom"], rtol=1e-12)


def test_gaps_stay_nan_and_are_counted(panel):
    for name, da in panel.data_vars.items():
        assert da.attrs["n_missing"] == int(da.isnull().sum()), name
        assert f"{name}={da.attrs['n_missing']}" in panel.attrs["missing_values"]
    complete = [n for n in VARIABLES if n not in ("omega", "rd_federal", "rd_business", "g_N")]
    assert all(panel[n].notnull().all() for n in complete)
    # labour force growth needs the employment rate of the year before the panel: first year missing only
    assert panel["g_N"].isel(year=slice(1, None)).notnull().all() and panel["g_N"].isel(year=0).isnull().all()
    assert panel["rd_federal"].sel(country="GBR").isnull().all()
    assert panel["rd_business"].sel(country="USA").notnull().all()


# --- data problems fixed ------------------------------------------------------------------------------

def test_imputed_uk_wage_share_is_nan(panel):
    omega = panel["omega"].sel(country="GBR")
    assert omega.sel(year=slice(1960, 1987)).isnull().all() and omega.sel(year=slice(1988, 2019)).notnull().all()
    assert panel["omega"].sel(country="USA").notnull().all()
    assert "GBR 1950-1987" in panel["omega"].attrs["imputed_set_to_nan"]


@pytest.mark.data
def test_preliminary_emissions_are_excluded_unless_asked():
    recent = load_panel(_data_root(), years=(2017, 2021))
    e_us = recent["E_dom"].sel(country="USA")
    assert e_us.sel(year=[2020, 2021]).isnull().all() and e_us.sel(year=2019).notnull()
    assert "set to NaN" in recent["E_dom"].attrs["preliminary"]
    kept = load_panel(_data_root(), years=(2017, 2021), include_preliminary=True)
    assert float(kept["E_dom"].sel(country="USA", year=2020)) < float(kept["E_dom"].sel(country="USA", year=2019))
    assert recent["Y"].sel(year=2020).isnull().all()   # PWT 10.01 ends in 2019: NaN, not extrapolated
    assert recent["Y"].attrs["n_missing"] == 4


def test_us_unemployment_cross_checked_with_fred(panel):
    """JST R6 has US unemployment 2.00 % for 2019; BLS (FRED UNRATE) 3.67 %: the panel uses BLS."""
    fred = load_fred(_data_root())["UNRATE"]
    jst = load_jst(_data_root(), countries=["USA"]).set_index("year")["unemp"]
    assert abs(jst[2019] - fred[2019]) > 1.0
    lam = panel["lam"].sel(country="USA").to_series()
    np.testing.assert_allclose(lam, 1 - fred.loc[1960:2019] / 100, atol=0.001)
    assert "USA 2019" in panel["lam"].attrs["corrections"]
    assert panel["lam"].attrs["corrections"].count("USA") == 1


def test_public_investment_is_not_fred_gcec1(panel):
    """GCEC1 is government consumption and investment: several times the public investment rate."""
    fred = load_fred(_data_root())
    gcec1_share = (fred["GCEC1"] / fred["GDPC1"]).loc[1960:2019]
    i_g = panel["i_G"].sel(country="USA").to_series()
    assert (i_g < 0.5 * gcec1_share).all()
    assert "igov_rppp" in panel["i_G"].attrs["source"] and "GCEC1" not in panel["i_G"].attrs["source"]


def test_business_debt_is_bank_credit_not_broad_bdebt(panel):
    assert (panel["d"] < panel["d_broad"]).all()
    us_2019 = panel.sel(country="USA", year=2019)
    assert float(us_2019["d_broad"]) > 1.0 and float(us_2019["d"]) < 0.5
    assert "bdebt" in panel["d"].attrs["note"]


@pytest.mark.data
def test_countries_must_be_iso_codes():
    with pytest.raises(DataError, match="GBR"):
        load_panel(_data_root(), countries=["UK"])
    fra = load_panel(_data_root(), countries=["FRA"], years=(2000, 2019))
    assert fra["rd_federal"].isnull().all() and fra["Y"].notnull().all()
    assert "vintage_fred_qd" not in fra.attrs and "cross_check" not in fra["lam"].attrs


@pytest.mark.data
def test_unit_error_across_files_is_caught(tmp_path):
    """Public investment in millions instead of billions makes i_G a thousand times too large."""
    root = _data_root()
    for entry in FILES.values():
        (tmp_path / entry.path).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(root / entry.path, tmp_path / entry.path)
    icsd = tmp_path / FILES["icsd"].path
    frame = pd.read_csv(icsd)
    icsd.unlink()
    frame.assign(igov_rppp=frame["igov_rppp"] * 1000).to_csv(icsd, index=False)
    with pytest.raises(DataError, match="altered"):
        load_panel(tmp_path)
    with pytest.raises(DataError, match=r"i_G.*billions"):
        load_panel(tmp_path, verify=False)


# --- stylised facts, economics.md section 10 ----------------------------------------------------------

@pytest.mark.parametrize("country, first, last, expected", [
    ("USA", 1990, 2019, 0.0240), ("USA", 1960, 2019, 0.0294), ("GBR", 1990, 2019, 0.0192),
])
def test_real_gdp_growth(panel, country, first, last, expected):
    """economics.md: Maddison GDP via OWID; here PWT 10.01 rgdpna, which must agree within 0.3 pp."""
    assert _trend(panel["Y"].sel(country=country), first, last) == pytest.approx(expected, abs=0.003)
    mean_g = float(panel["g_Y"].sel(country=country, year=slice(first + 1, last)).mean())
    assert mean_g == pytest.approx(_trend(panel["Y"].sel(country=country), first, last), rel=1e-12)


def test_gdp_growth_agrees_with_other_sources(panel):
    """PWT rgdpna growth against BEA real GDP (FRED GDPC1) and JST's Barro index times population."""
    bea = load_fred(_data_root())["GDPC1"]
    jst = load_jst(_data_root()).set_index(["iso", "year"])
    for first, last in ((1960, 2019), (1990, 2019)):
        assert _trend(panel["Y"].sel(country="USA"), first, last) == pytest.approx(
            np.log(bea[last] / bea[first]) / (last - first), abs=0.001)
        for country in ("USA", "GBR"):
            real = jst.loc[country, "rgdpbarro"] * jst.loc[country, "pop"]
            assert _trend(panel["Y"].sel(country=country), first, last) == pytest.approx(
                np.log(real[last] / real[first]) / (last - first), abs=0.003)


def test_emissions_levels(panel):
    e = panel["E_dom"] * 1000   # MtCO2/year
    assert float(e.sel(country="USA", year=1990)) == pytest.approx(5121, rel=0.005)
    assert float(e.sel(country="USA", year=2019)) == pytest.approx(5262, rel=0.005)
    assert float(e.sel(country="USA", year=1960)) == pytest.approx(2897, rel=0.005)
    assert float(e.sel(country="GBR", year=1990)) == pytest.approx(602, rel=0.005)
    ratio = float(e.sel(country="GBR", year=2019) / e.sel(country="GBR", year=1990))
    assert ratio == pytest.approx(0.606, abs=0.01)


@pytest.mark.parametrize("country, first, last, expected", [
    ("USA", 1970, 2019, -0.0232), ("GBR", 1970, 2019, -0.0325), ("GBR", 1990, 2019, -0.0364),
])
def test_emission_intensity_decline(panel, country, first, last, expected):
    """economics.md: OWID CO2 over Maddison GDP; here GCB over PWT, within 0.4 pp."""
    assert _trend(panel["e_int"].sel(country=country), first, last) == pytest.approx(expected, abs=0.004)


def test_us_labour_share(panel):
    omega = panel["omega"].sel(country="USA")
    for year, value in ((1970, 0.649), (1990, 0.615), (2010, 0.588), (2019, 0.597)):
        assert float(omega.sel(year=year)) == pytest.approx(value, abs=0.0006)


def test_investment_and_debt_levels(panel):
    us, uk = panel.sel(country="USA"), panel.sel(country="GBR")
    fred = load_fred(_data_root())
    # US gross private domestic investment ~16-18 % of GDP; BEA GPDI share (FRED) within 2 pp on average
    assert 0.15 < float(us["h"].sel(year=2019)) < 0.19
    gpdi = (fred["GPDIC1"] / fred["GDPC1"]).loc[1990:2019].mean()
    assert float(us["h"].sel(year=slice(1990, 2019)).mean()) == pytest.approx(gpdi, abs=0.02)
    # public investment: US ~5-6 % of GDP in the 1960s, ~3.5-4 % in the 2010s (BEA, incl. defence and R&D)
    assert 0.05 < float(us["i_G"].sel(year=slice(1960, 1969)).mean()) < 0.07
    assert 0.03 < float(us["i_G"].sel(year=slice(2010, 2019)).mean()) < 0.045
    # UK public net investment 4.5 % (1970s) vs 1.8 % (2000s); gross adds depreciation of about 2 % of GDP
    uk_1970s, uk_2000s = (float(uk["i_G"].sel(year=slice(y, y + 9)).mean()) for y in (1970, 2000))
    assert uk_1970s - uk_2000s == pytest.approx(0.045 - 0.018, abs=0.01)
    # public debt: IMF general government gross ~108 % (US, 2019); UK ~80-85 % (2019), ~25-45 % around 1990
    assert float(us["b"].sel(year=2019)) == pytest.approx(1.08, abs=0.05)
    assert 0.75 < float(uk["b"].sel(year=2019)) < 0.95
    assert float(uk["b"].sel(year=1990)) < 0.45


# --- fallback panel (no data directory needed) -------------------------------------------------------

def test_fallback_panel_without_data_directory(monkeypatch):
    monkeypatch.delenv("DGM_DATA_DIR", raising=False)
    fb = load_fallback_panel()
    assert dict(fb.sizes) == {"country": 1, "year": 49} and list(fb.data_vars) == list(VARIABLES)
    assert fb["year"].values[0] == 1960 and fb["year"].values[-1] == 2008   # 2009 has three quarters
    for name, da in fb.data_vars.items():
        assert da.attrs["units"] == VARIABLES[name][1]
        assert (da.notnull().all() if name in AVAILABLE else da.isnull().all()), name
    assert fb.attrs["observables_available"].split() == list(AVAILABLE)
    assert "i_G" in fb.attrs["observables_nan"].split() and "2005" in fb["Y"].attrs["price_base"]
    assert 0.85 < float(fb["lam"].min()) and float(fb["lam"].max()) < 0.98
    assert 0.08 < float(fb["h"].min()) and float(fb["h"].max()) < 0.2


def test_fallback_agrees_with_the_real_panel(panel):
    fb = load_fallback_panel().sel(country="USA")
    us = panel.sel(country="USA", year=slice(1960, 2008))
    assert float(fb["g_Y"].mean()) == pytest.approx(float(us["g_Y"].mean()), abs=0.001)
    np.testing.assert_allclose(fb["lam"], us["lam"], atol=0.002)
    fred = load_fred(_data_root()).loc[1960:2008]
    assert float(fb["h"].mean()) == pytest.approx((fred["GPDIC1"] / fred["GDPC1"]).mean(), abs=0.01)

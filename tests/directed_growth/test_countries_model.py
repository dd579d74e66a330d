"""A country's model starts from that country's data (issue 12, item 7): UK-sized for the UK."""

import numpy as np
import pytest

import model
from model.cli.commands import main
from model.directed_growth import directed_growth
from model.directed_growth.countries import country_start
from model.directed_growth.policies import bau
from model.errors import ModelError

#: model variable -> field of the country's start data (the panel carried to 2025, tests/calibration)
FIELDS = {"Y": "Y", "N": "N", "lam": "lam", "omega": "omega", "E_dom": "E_dom", "b": "b", "h_eff": "h"}


@pytest.fixture(scope="module")
def starts():
    out = {}
    for code in ("USA", "GBR"):
        dg = directed_growth(country=code)
        out[code] = (dg, model.simulate(dg, None, bau(), t_span=(2025.0, 2030.0)))
    return out


@pytest.mark.parametrize("code", ["USA", "GBR"])
def test_the_start_state_is_the_country_data(starts, code):
    dg, ds = starts[code]
    data = country_start(code)
    for var, field in FIELDS.items():
        assert float(ds[var].isel(time=0)) == pytest.approx(getattr(data, field), rel=1e-6), var
    assert dg.origin["kwargs"] == {"country": code}
    assert ds.attrs["model"] == "directed_growth"


def test_a_uk_run_is_a_uk_sized_economy(starts):
    y_us, y_uk = (float(starts[c][1].Y.isel(time=0)) for c in ("USA", "GBR"))
    assert 0.12 < y_uk / y_us < 0.16  # PWT 2019: 2.990 / 20.596 = 0.145
    assert 0.28 < float(starts["GBR"][1].E_dom.isel(time=0)) < 0.40  # fossil CO2 [Gt/yr]
    assert 30 < float(starts["GBR"][1].N.isel(time=0)) < 40  # labour force [M]


def test_the_country_survives_a_rebuild_from_the_saved_result(starts):
    _, ds = starts["GBR"]
    again = model.rerun(ds)
    np.testing.assert_allclose(again.Y.values, ds.Y.values, rtol=1e-12)


def test_unknown_country_is_a_one_line_error():
    with pytest.raises(ModelError, match=r"unknown country 'FRA'; valid: USA, GBR"):
        directed_growth(country="FRA")


def test_dgm_compare_country_names_it_in_the_outputs(tmp_path, capsys):
    import tomllib

    import xarray as xr

    from calibration.params import param_file

    assert main(["compare", "--country", "gbr", "--no-impulse", "--out", str(tmp_path / "uk")]) == 0
    with xr.open_dataset(tmp_path / "uk" / "comparison_gbr.nc") as ds:
        assert ds.attrs["country"] == "GBR" and ds.attrs["country_name"] == "United Kingdom"
        assert float(ds.Y.isel(time=0, policy=0)) == pytest.approx(country_start("GBR").Y, rel=1e-6)
        # the demographic labour force follows the UK schedule (0.791%/yr fading to 0 by 2100: integral
        # 0.5 x 0.7909% x 75) from the start-year rate n (the calibration's, if its file sets one)
        cs = country_start("GBR")
        n = tomllib.loads(param_file("gbr").read_text())["parameters"].get("n", cs.labour_force_growth(2025.0))
        N_demo = ds.N_demo.sel(policy="bau")
        assert float(N_demo.sel(time=2100.0) / N_demo.sel(time=2025.0)) == pytest.approx(
            np.exp(75 * n + 0.5 * (0.0 - cs.labour_force_growth(2025.0)) * 75), rel=1e-6)
    assert "United Kingdom" in capsys.readouterr().err


def test_dgm_compare_refuses_a_parameter_file_of_another_country(tmp_path, capsys):
    from calibration.params import param_file

    assert main(["compare", "--country", "GBR", "--params", str(param_file("usa")), "--out", str(tmp_path / "x")]) == 2
    assert "is calibrated for USA; pass --country USA, or a parameter file for GBR" in capsys.readouterr().err


def test_the_figures_name_the_country(starts):
    from model.directed_growth.figures import lever_paths, scenario_panel

    _, ds = starts["GBR"]
    ds = ds.assign_attrs(country="GBR", country_name="United Kingdom")
    for figure in (scenario_panel, lever_paths):
        fig = figure(ds)
        assert fig.get_suptitle() == "United Kingdom", figure.__name__
    assert scenario_panel(ds.assign_attrs(country_name="")).get_suptitle() == ""


@pytest.mark.parametrize("code", ["USA", "GBR"])
def test_the_policy_paths_start_from_the_country_s_public_investment(code):
    dg = directed_growth(country=code)
    i0 = country_start(code).i_G
    ds = model.simulate(dg, None, [p.factory() for p in dg.meta.policies], t_span=(2025.0, 2036.0))
    start = ds.i_G.isel(time=0)
    assert float(start.sel(policy="bau")) == pytest.approx(i0, rel=1e-12)
    assert float(start.sel(policy="market_shaping")) == pytest.approx(i0, rel=1e-12)
    # market fixing's debt brake is phased in around 2030: at most 3% of its cut acts in 2025
    assert abs(float(start.sel(policy="market_fixing")) - i0) < 0.03 * (i0 - 0.01) + 1e-12
    assert float(ds.i_G.sel(policy="market_shaping").isel(time=-1)) == pytest.approx(i0 + 0.015, rel=1e-12)

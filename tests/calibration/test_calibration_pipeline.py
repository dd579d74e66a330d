"""calibrate(), target sets, parameter files and dgm calibrate (real data from DGM_DATA_DIR; fail without)."""

import tomllib

import numpy as np
import pytest

from calibration.data import data_dir, files as files_module
from calibration.data.errors import DataError
from calibration.paramfile import read_params, write_params
from calibration.pipeline import MAX_REL_SE, calibrate
from calibration.targets import load_targets
from model.cli.commands import main
from model.directed_growth.factory import directed_growth
from model.errors import CalibrationError


@pytest.fixture(scope="module")
def gbr():
    return calibrate("GBR", data_dir(), starts=1)


def test_identification_rule_and_provenance(gbr):
    dg = directed_growth()
    for name, (value, se, method) in gbr.used.items():
        lo, hi = dg[name].bounds
        assert (lo is None or value >= lo) and (hi is None or value <= hi), name
        if method.startswith("block-wise"):
            assert se <= MAX_REL_SE * abs(value), name
    for name, why in gbr.rejected.items():
        assert name not in gbr.used and ("weakly identified" in why or "outside the declared bounds" in why
                                         or "not estimated" in why or "conditional on" in why)
    assert set(gbr.targets.parameters) <= set(gbr.used)
    assert gbr.series_fit["Y"]["targeted"] and not gbr.series_fit["omega"]["targeted"]
    # labour-force growth is the country's schedule in the projection: the 1990-2019 estimate drives the
    # replay only, and the calibration says so
    assert "n" not in gbr.used and gbr.history["n"][0] == gbr.blocks["labour supply"].values["n"]
    assert any(note.startswith("n not set: labour-force growth in the projection is the country's schedule")
               for note in gbr.notes)


@pytest.fixture(scope="module")
def usa():
    return calibrate("USA", data_dir(), starts=1)


def test_validation_case_6_replay_of_1990_2019(usa, gbr):
    """economics.md validation case 6: growth 2.40 and 1.92 %/yr (+-0.2 pp) with g_Z at the natural rate,
    CO2/GDP trend -2.30 and -3.64 %/yr (+-0.3 pp), UK CO2 2019/1990 = 0.606 (+-0.03)."""
    assert set(usa.moments) == {"gdp_growth_1990_2019", "emission_intensity_trend_1990_2019"}
    assert set(gbr.moments) == {"gdp_growth_1990_2019", "emission_intensity_trend_1990_2019", "co2_ratio_2019_1990"}
    for cal in (usa, gbr):
        for name, m in cal.moments.items():
            assert abs(m["model"] - m["target"]) <= m["tolerance"], (cal.country, name, m)
    # the fitted replay tracks output and intensity over the whole window, not only the moments
    for cal in (usa, gbr):
        assert cal.series_fit["Y"]["r2"] > 0.8 and cal.series_fit["e_int"]["r2"] > 0.9


def test_parameter_file_round_trip(gbr, tmp_path):
    path = write_params(gbr, tmp_path / "gbr.toml", command="test")
    doc = tomllib.loads(path.read_text())
    assert doc["meta"]["country"] == "GBR" and doc["meta"]["model_equations_hash"]
    assert doc["meta"]["data_vintage"]["vintage_pwt"].startswith("Penn World Table 10.01")
    assert read_params(path) == pytest.approx(gbr.values)
    assert "n" not in doc["parameters"] and "n" not in doc["uncertainty"]
    assert doc["blocks"]["labour supply"]["estimates"]["n"][0] == pytest.approx(gbr.history["n"][0])
    assert any(note.startswith("n not set") for note in doc["meta"]["notes"])
    for name in gbr.used:
        assert doc["uncertainty"][name]["se"] == pytest.approx(gbr.used[name][1])
    assert set(doc["fit"]) >= {"Y", "e_int", "omega", "lam"}
    # the file drives dgm compare: the model rebuilt with it starts at rest in 2025
    dg = directed_growth(overrides=read_params(path))
    assert dg["g_sigma"].default == pytest.approx(gbr.values["g_sigma"])


def test_target_sets_and_errors(tmp_path):
    for country in ("USA", "GBR"):
        ts = load_targets(country)
        assert ts.country == country and ts.replay_start < ts.replay_end and ts.series
        assert all(s.sigma > 0 and s.source for s in ts.series)
    with pytest.raises(CalibrationError, match="no target set for country 'FRA'"):
        load_targets("FRA")
    bad = tmp_path / "bad.toml"
    bad.write_text("[meta]\ncountry = 'USA'\n")
    with pytest.raises(CalibrationError, match="missing or invalid field"):
        load_targets(bad)
    bad.write_text("[meta\n")
    with pytest.raises(CalibrationError, match="invalid TOML"):
        load_targets(bad)
    with pytest.raises(CalibrationError, match="parameter file not found"):
        read_params(tmp_path / "none.toml")


@pytest.mark.data
def test_dgm_calibrate_writes_a_parameter_file(tmp_path, capsys):
    out = tmp_path / "usa.toml"
    assert main(["calibrate", "--country", "USA", "--data-dir", str(data_dir()), "--starts", "1", "--mcmc",
                 "--steps", "60", "--out", str(out), "--figures", str(tmp_path / "fig")]) == 0
    for name in ("fit_usa", "profile_usa", "posterior_usa"):
        for ext in ("pdf", "png"):
            assert (tmp_path / "fig" / f"{name}.{ext}").stat().st_size > 0
    err = capsys.readouterr().err
    assert "block-wise:" in err and f"wrote {out}" in err
    params = read_params(out)
    assert np.isfinite(list(params.values())).all() and "g_Z" not in params  # derived: alpha0 + n
    command = tomllib.loads(out.read_text())["meta"]["command"]
    assert command.startswith("dgm calibrate --country USA --mcmc --steps 60 --starts 1") and str(out) in command
    assert main(["calibrate", "--out", str(tmp_path / "x.txt")]) == 2
    assert "unsupported format '.txt'; valid: .toml" in capsys.readouterr().err
    # the file just written is not overwritten without --force
    assert main(["calibrate", "--out", str(out)]) == 2
    assert f"--out {out} exists; pass --force" in capsys.readouterr().err


@pytest.mark.parametrize("country", ["USA", "GBR"])
def test_committed_parameter_files_reproduce_from_the_data(country, usa, gbr):
    """calibration/params/<country>.toml (written by `dgm calibrate --mcmc`) holds the values this code
    computes from the real data; the posterior agrees with the least-squares standard error."""
    from calibration.params import PARAM_DIR

    path = PARAM_DIR / f"{country.lower()}.toml"
    committed = read_params(path)
    cal = {"USA": usa, "GBR": gbr}[country]  # fitted with one start; the committed file used four
    assert set(committed) == set(cal.values)
    for name, value in cal.values.items():
        assert committed[name] == pytest.approx(value, rel=1e-6, abs=1e-10), name
    doc = tomllib.loads(path.read_text())
    assert doc["meta"]["country"] == country and doc["meta"]["code_revision"].startswith("git ")
    for name in cal.whole.names:
        lo, hi = doc["uncertainty"][name]["credible_90"]
        # a 90% interval of a near-Gaussian posterior spans 3.29 standard deviations
        assert (hi - lo) / 3.29 == pytest.approx(doc["uncertainty"][name]["se"], rel=0.25), name
    assert all(m["met"] for m in doc["moments"].values())


def test_without_a_data_directory_the_fallback_panel_is_used(monkeypatch, tmp_path):
    """A fresh machine can try the calibration: statsmodels' public-domain macro data (USA)."""
    monkeypatch.delenv("DGM_DATA_DIR", raising=False)
    monkeypatch.setattr(files_module, "SHARED_DATA", tmp_path / "no_shared_data")
    cal = calibrate("USA", None)
    assert any("fallback panel" in n for n in cal.notes)
    assert "rho_cb" in cal.used and cal.used["rho_cb"][2].startswith("block-wise: finance: monetary rule")
    assert cal.whole is None and any("no whole-model replay" in n for n in cal.notes)
    with pytest.raises(DataError, match=r"^no data directory given: .* DGM_DATA_DIR"):
        calibrate("GBR", None)  # the fallback is US-only: a clear error, not a silent switch


def test_multiplier_of_the_calibrated_us_model_with_an_interval():
    from calibration.multiplier import multiplier_interval
    from calibration.params import PARAM_DIR
    from model.directed_growth.outcomes import impulse_response

    path = PARAM_DIR / "usa.toml"
    out = multiplier_interval(path, draws=6, seed=1)
    direct = impulse_response(directed_growth(overrides=read_params(path)), horizons=(1, 4))
    for h in (1, 4):
        assert out[h]["point"] == pytest.approx(direct[h], rel=1e-12)
        assert out[h]["lower"] <= out[h]["median"] <= out[h]["upper"] and out[h]["draws"] == 6

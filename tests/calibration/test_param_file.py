"""calibration.param_file: the committed calibration named without a path, from any directory."""

import tomllib

import pytest

from calibration import param_file, posterior_draws, read_params
from model.errors import CalibrationError


def test_the_committed_calibration_is_found_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the README's quick start, run away from the checkout
    path = param_file("usa")
    assert path.is_absolute() and path.name == "usa.toml"
    params = read_params(path)
    assert params["alpha0"] == tomllib.loads(path.read_text())["parameters"]["alpha0"]
    draws = posterior_draws(path, 4, seed=1)
    assert len(draws) == 4 and "alpha0" in draws.columns
    assert param_file("GBR").name == "gbr.toml" and param_file("GBR").is_file()


def test_an_unknown_country_names_the_valid_ones():
    with pytest.raises(CalibrationError, match=r"^no committed calibration for country 'fra'; choose from usa, gbr$"):
        param_file("fra")

"""The identification rule's selection (calibration.pipeline): which block estimates a parameter file
carries. Labour-force growth n is a projection input (the country's schedule), so its 1990-2019 estimate
drives the historical replay but is not selected for the file (referee: "the labour force grows 0.8%/yr
for 75 years")."""

import numpy as np
import pytest

from calibration.fit import Fit
from calibration.pipeline import MAX_REL_SE, PROJECTION_INPUTS, _select
from model.directed_growth.factory import directed_growth


def fit(block: str, values: dict, se: dict) -> Fit:
    names = tuple(values)
    return Fit(block, values, se, np.diag([se[k] ** 2 for k in names]), names, n_obs=29, rmse=0.004, r2=0.28)


@pytest.fixture(scope="module")
def system():
    return directed_growth()


def test_labour_force_growth_is_estimated_for_the_replay_but_not_selected(system):
    """The US 1990-2019 labour-supply estimates (calibration/params/usa.toml [blocks."labour supply"])."""
    fits = {"labour supply": fit("labour: labour supply", {"n": 0.0081006, "n_lam": 0.14609},
                                 {"n": 0.00079827, "n_lam": 0.028437}),
            "productivity": fit("labour: productivity", {"alpha0": 0.015634, "alpha_KV": 0.63691},
                                {"alpha0": 0.0012864, "alpha_KV": 0.20042})}
    used, rejected, history = _select(system, fits)
    assert set(used) == {"n_lam", "alpha0", "alpha_KV"} and not rejected
    assert set(history) == {"n"} and set(PROJECTION_INPUTS) == {"n", "markup"}
    value, se, method = history["n"]
    assert (value, se) == (0.0081006, 0.00079827) and method.startswith("block-wise: labour: labour supply")


def test_a_weakly_identified_labour_force_growth_is_rejected_as_any_other(system):
    se = 0.0081 * MAX_REL_SE * 1.01
    used, rejected, history = _select(system, {"labour supply": fit("labour: labour supply", {"n": 0.0081},
                                                                    {"n": se})})
    assert not used and not history and "weakly identified" in rejected["n"]


def test_the_mark_up_is_held_for_the_replay_only_and_only_with_an_identified_price_speed(system):
    """The price block's US 1970-2019 estimates (eta_p 0.428 +- 0.187, mark-up 1.766 +- 0.078): eta_p is used, the
    mark-up drives the replay only (the projection derives it from its inflation datum); with the UK 1988-2019
    eta_p (0.101 +- 0.120) weak, the mark-up (2.181 +- 0.63), which is its slope over eta_p, is not used either."""
    us = fit("labour: price adjustment", {"eta_p": 0.4282, "markup": 1.7664}, {"eta_p": 0.1874, "markup": 0.0779})
    used, rejected, history = _select(system, {"price adjustment": us})
    assert set(used) == {"eta_p"} and set(history) == {"markup"} and not rejected
    uk = fit("labour: price adjustment", {"eta_p": 0.1013, "markup": 2.181}, {"eta_p": 0.1203, "markup": 0.63})
    used, rejected, history = _select(system, {"price adjustment": uk})
    assert not used and not history
    assert "weakly identified" in rejected["eta_p"] and "conditional on eta_p" in rejected["markup"]


def test_a_block_wise_file_does_not_keep_the_mark_up_s_default_for_ensembles_to_draw(system, tmp_path):
    """The US 1990-2019 price block (eta_p 0.148 +- 0.098 weak, so the mark-up 1.903 +- 0.17 is not used either,
    ``dgm calibrate --country USA``): the block-wise file names eta_p under [kept_default] but not the mark-up,
    which the projection derives from its inflation datum; its draws (as ``dgm ensemble --params``) carry eta_p
    and no mark-up (drawing the mark-up stopped the ensemble: 'markup' derived from the start state)."""
    from calibration.paramfile import write_params
    from calibration.pipeline import Calibration
    from calibration.posterior import posterior_draws
    from calibration.targets import load_targets
    from calibration.tomlfile import read_toml

    us = fit("labour: price adjustment", {"eta_p": 0.1482, "markup": 1.903}, {"eta_p": 0.0978, "markup": 0.173})
    used, rejected, history = _select(system, {"price adjustment": us})
    assert set(rejected) == {"eta_p", "markup"}
    cal = Calibration("USA", load_targets("USA"), "test panel", {}, {"price adjustment": us}, used, rejected, None,
                      {}, None, {}, {}, history=history)
    path = write_params(cal, tmp_path / "usa.toml", command="test")
    doc = read_toml(path, "parameter file")
    assert set(doc["kept_default"]) == {"eta_p"}
    assert doc["blocks"]["price adjustment"]["estimates"]["markup"][0] == 1.903
    draws = posterior_draws(path, 4, structural=False)
    assert list(draws.columns) == ["eta_p"] and ((draws.eta_p > 0) & (draws.eta_p < 2)).all()

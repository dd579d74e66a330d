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
    assert set(history) == {"n"} == set(PROJECTION_INPUTS)
    value, se, method = history["n"]
    assert (value, se) == (0.0081006, 0.00079827) and method.startswith("block-wise: labour: labour supply")


def test_a_weakly_identified_labour_force_growth_is_rejected_as_any_other(system):
    se = 0.0081 * MAX_REL_SE * 1.01
    used, rejected, history = _select(system, {"labour supply": fit("labour: labour supply", {"n": 0.0081},
                                                                    {"n": se})})
    assert not used and not history and "weakly identified" in rejected["n"]

"""A run whose states integrate to the end but whose output holds a non-finite auxiliary is not a success:
its status is ``nonfinite`` and its failure text names the variable and the first output time (found with
political durability: a policy weight overshooting 1 by rounding made a carbon price negative and an
abatement share's power NaN at one output time, with status 0)."""

import numpy as np
import pandas as pd
import pytest
import sympy as sp

import model
from model import Status
from model.core.blocks import Block
from model.core.symbols import aux, param, stock
from model.core.system import combine
from model.errors import SolverError


def _decay():
    """x' = -k x from 1; y = sqrt(x - 1/2) is NaN once x < 1/2, i.e. after t = ln 2 / k."""
    x = stock("x", "dimensionless", "a decaying stock", default=1.0, bounds=(0.0, None), source="test")
    k = param("k", "1/year", "decay rate", default=1.0, bounds=(0.0, 10.0), source="test")
    y = aux("y", "dimensionless", "square root of x above one half")
    block = Block(name="decay", variables=(x, k, y), auxiliaries={"y": sp.sqrt(x.sym - sp.Rational(1, 2))},
                  derivatives={"x": -k.sym * x.sym}, description="test")
    return combine(block, name="decay")


def test_a_single_run_with_a_nonfinite_auxiliary_raises_naming_it():
    with pytest.raises(SolverError, match=r"y \(square root of x above one half\) is not finite at t=1 although the "
                                          r"states integrated to the end"):
        model.simulate(_decay(), None, t_span=(0.0, 2.0), t_eval=np.arange(0.0, 2.01, 0.5))


def test_an_ensemble_flags_only_the_members_with_a_nonfinite_output():
    """k = 0.2 keeps x above 1/2 until t = 3.47 > 3 (finite); k = 1 crosses at t = 0.69. The check covers the
    paths an ensemble keeps (here y)."""
    ens = model.ensemble(_decay(), pd.DataFrame({"k": [0.2, 1.0]}), None, t_span=(0.0, 3.0), variables=("x", "y"),
                         progress=False)
    assert list(ens.status.values.ravel()) == [Status.SUCCESS, Status.NONFINITE]
    assert "y (square root of x above one half) is not finite at t=" in str(ens.failure.values.ravel()[1])

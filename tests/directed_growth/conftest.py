"""Fixtures shared by the directed-growth tests."""

import pytest


@pytest.fixture(scope="session")
def eqs(dg):
    """The model's auxiliaries substituted down to stocks, parameters and levers, and each stock's rate as
    ``d_<stock>`` (sympy expressions by name)."""
    sub = dg.substituted_auxiliaries()
    aux = {k: sub[dg.variables[k].sym] for k in dg.auxiliaries}
    rhs = {f"d_{k}": e for k, e in dg.rhs_expressions(substitute=True).items()}
    return {**aux, **rhs}

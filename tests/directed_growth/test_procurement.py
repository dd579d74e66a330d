"""Green procurement acts through a quantity (issue 13, item 2): capacity built to supply the guaranteed,
outcome-specified share of government purchases is green whatever the relative costs, so the contracted share
of new capacity is the procurement budget over output, with no free shifter; its cost channel (``d_P``) is shut
here to isolate the quantity."""

from __future__ import annotations

import numpy as np
import pytest

import model
from model import Policy, ramp
from model.directed_growth import directed_growth

T = np.arange(2025.0, 2100.5, 1.0)


@pytest.fixture(scope="module")
def runs():
    dg = directed_growth(country="USA", overrides={"d_P": 0.0})
    paths = [Policy("bau"), Policy("procure", procurement=ramp(2025, 2040, 0.0, 0.3))]
    return model.simulate(dg, None, paths, t_span=(2025, 2100), t_eval=T)


def test_the_contracted_green_share_is_the_procurement_budget_over_output(runs):
    d = runs.sel(policy="procure")
    np.testing.assert_allclose(d.x_P.values, (d.procurement * d.G_C / d.Y).values, rtol=1e-12)
    assert float(d.x_P.sel(time=2050)) > 0.03  # 30% of government purchases of about 12% of output (US)
    np.testing.assert_allclose((d.x_g - d.x_c).values, (d.x_P * (1 - d.x_c)).values, rtol=1e-10, atol=1e-15)


def test_without_procurement_nothing_is_contracted_and_the_choice_is_by_cost(runs):
    d = runs.sel(policy="bau")
    np.testing.assert_array_equal(d.x_P.values, 0.0)
    np.testing.assert_array_equal(d.x_g.values, d.x_c.values)


def test_guaranteed_demand_raises_cumulative_green_capacity_and_cuts_emissions(runs):
    bau, proc = runs.sel(policy="bau"), runs.sel(policy="procure")
    assert float(proc.Q_g.sel(time=2050)) > 1.1 * float(bau.Q_g.sel(time=2050))
    assert float(proc.c_g.sel(time=2050)) < float(bau.c_g.sel(time=2050))  # learning from the contracted capacity
    cum = [float(np.trapezoid(r.E_dom, T)) for r in (bau, proc)]
    assert cum[1] < cum[0]

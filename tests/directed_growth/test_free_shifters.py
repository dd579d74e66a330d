"""The free shifters left in the model (issue 13): each has a prior that includes zero, at zero its channel
is shut, and the policy comparison is reported with them as given and at zero (both ways)."""

from __future__ import annotations

import numpy as np
import pytest

import model
from calibration.params import param_file
from model.cli.common import read_params
from model.directed_growth import directed_growth
from model.directed_growth.priors import PRIORS
from model.directed_growth.shifters import FREE_SHIFTERS, SHIFTER_OUTCOMES, at_zero, compare_both_ways


@pytest.fixture(scope="module")
def us_params():
    return read_params(param_file("usa"), directed_growth(country="USA"))


def test_every_free_shifter_is_a_tunable_parameter_whose_prior_includes_zero():
    system = directed_growth()
    for name in FREE_SHIFTERS:
        var = system[name]
        assert var.kind == "parameter" and var.tunable, name
        low, high, _ = PRIORS[name]
        assert low <= 0.0 < high, (name, low, high)
        assert var.bounds[0] is None or var.bounds[0] <= 0.0, name


def test_at_zero_rejects_a_name_that_is_not_a_free_shifter():
    with pytest.raises(ValueError, match="not a free shifter: gamma_u .*choose from chi"):
        at_zero(["gamma_u"])


def test_at_zero_each_shifted_channel_is_shut(us_params):
    """Market shaping (US calibration) with every free shifter at zero: mission capital crowds in nothing,
    mission R&D adds no clean knowledge, procurement leaves the green financing rate at the loan rate,
    knowledge growth moves no labour productivity, and the productive credit share moves no constrained firm's
    investment; the Godley tables close (simulate checks them)."""
    system = directed_growth(country="USA", overrides={**us_params, **at_zero()})
    ms = system.meta.policy_path("market_shaping").factory()
    ds = model.simulate(system, None, ms, t_span=(2025, 2100), t_eval=np.arange(2025.0, 2100.5, 1.0))
    assert float(ds.procurement.max()) > 0.2 and float(ds.mission_share.max()) > 0.4  # the instruments act
    np.testing.assert_array_equal(ds.crowd_in.values, 0.0)
    assert float(ds.f_prod.max()) > 0.29
    np.testing.assert_array_equal(ds.q_F.values, 1.0)
    np.testing.assert_allclose(ds.g_Ag.values, (ds.gamma_A * ds.rho_R * ds.s_g).values, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ds.r_g.values, ds.r_L.values, rtol=0, atol=1e-15)
    kv = ds.alpha0 + ds.alpha_KV * (ds.g_K - ds.g_ref)
    np.testing.assert_allclose(ds.alpha.values, kv.values, rtol=1e-12, atol=1e-15)


@pytest.fixture(scope="module")
def both_ways(us_params):
    return compare_both_ways(country="USA", params=us_params)


def test_the_comparison_is_reported_both_ways(both_ways):
    """One row per way and outcome; the paths differ from business as usual both ways (the instruments act
    through their modelled channels when the shifters are zero), and ``better`` names the path the outcome's
    declared direction prefers."""
    from model.directed_growth.outcomes import OUTCOMES

    assert list(both_ways.shifters.unique()) == ["as given", "at zero"]
    assert set(both_ways.outcome) == set(SHIFTER_OUTCOMES) and len(both_ways) == 2 * len(SHIFTER_OUTCOMES)
    for row in both_ways.itertuples():
        assert np.isfinite([row.bau, row.market_fixing, row.market_shaping]).all()
        better = "higher" == OUTCOMES[row.outcome].better
        ms_first = (row.market_shaping > row.market_fixing) == better
        assert row.better == ("market_shaping" if ms_first else "market_fixing")
    zero = both_ways[both_ways.shifters == "at zero"].set_index("outcome")
    for path in ("market_fixing", "market_shaping"):
        assert abs(zero.loc["cum_emissions_domestic", path] - zero.loc["cum_emissions_domestic", "bau"]) > 1.0
    given = both_ways[both_ways.shifters == "as given"].set_index("outcome")
    assert not given.flipped.any()
    assert list(zero.flipped) == [zero.better[o] != given.better[o] for o in zero.index]


@pytest.fixture(scope="module")
def contributions_at_zero(us_params):
    from model.directed_growth.shifters import instrument_contributions

    system = directed_growth(country="USA", overrides={**us_params, **at_zero()})
    return {n: instrument_contributions(system, system.meta.policy_path(n).factory())
            for n in ("market_fixing", "market_shaping")}


def test_with_the_shifters_at_zero_each_instrument_acts_through_its_modelled_channel(contributions_at_zero):
    """The paths are ranked by what their instruments do through booked flows, quantities and costs: each
    emissions instrument cuts cumulative emissions (market fixing's carbon price and clean research subsidy,
    which switches research to clean; market shaping's carbon price, green procurement, whose contracted green
    capacity needs no shifter, and conditional support, whose emission standard binds the firms that take it);
    market fixing's debt brake costs growth and market shaping's added public investment adds it (the
    demand-led economy with productive public capital, theta_G from Bom & Ligthart 2014)."""
    mf, ms = contributions_at_zero["market_fixing"], contributions_at_zero["market_shaping"]
    for table, instrument in ((mf, "carbon price"), (mf, "clean research subsidy"), (ms, "carbon price"),
                              (ms, "green procurement"), (ms, "conditional support")):
        assert table.loc[instrument, "cum_emissions_domestic"] < -1.0, (instrument, table)
    assert mf.loc["fiscal rule / public investment", "avg_growth"] < 0 < ms.loc["fiscal rule / public investment",
                                                                                 "avg_growth"]
    assert "clean research subsidy" not in ms.index and "green procurement" not in mf.index
    assert mf.loc["total", "cum_emissions_domestic"] < ms.loc["total", "cum_emissions_domestic"] < 0

"""The effective lower bound of the policy rate (issue 14): the real floor ``r_elb`` is derived at the start as the
nominal floor ``i_elb`` less the start's inflation ``i_ref`` (expectations anchored at the start), before the
start's policy rate, which it floors; the nominal floor is what ensembles draw."""

import numpy as np
import pytest

from model.directed_growth.factory import consistent_draws, directed_growth
from model.directed_growth.priors import ASSUMPTION_ONLY, PRIORS
from model.errors import ModelError
from model.solve.simulation import simulate


def test_the_real_floor_is_the_nominal_floor_less_the_start_inflation(dg):
    """At the defaults r_elb = i_elb - i_ref (to rounding), and i_ref is the labour block's inflation at the start,
    eta_p (markup omega - 1) + eta_x ln(Y_D/Y), read from a run's first point."""
    assert dg["r_elb"].default == pytest.approx(dg["i_elb"].default - dg["i_ref"].default, abs=1e-15)
    ds = simulate(dg, t_span=(2025.0, 2026.0), t_eval=[2025.0])
    start = ds.isel(time=0)
    closed = (dg["eta_p"].default * (dg["markup"].default * float(start.omega) - 1)
              + dg["eta_x"].default * np.log(float(start.Y_D) / float(start.Y)))
    assert float(start.inflation) == pytest.approx(closed, abs=1e-15)
    assert dg["i_ref"].default == pytest.approx(closed, abs=1e-12)


def test_each_draw_gets_its_own_real_floor(dg):
    """Vectorised over draws: the real floor follows each draw's nominal floor and start inflation. With the
    start's inflation datum (the default start) the start inflation is the datum whatever eta_p is drawn, so the
    real floor moves with the nominal one only; without it (a historical replay's start) a faster price
    adjustment eta_p raises the start's conflict inflation eta_p (markup omega - 1), so lowers the real floor."""
    i_elb = np.array([-0.0075, 0.0, 0.0025, 0.0])
    eta_p = np.array([0.192, 0.192, 0.192, 0.3])
    out = consistent_draws(dg, {"i_elb": i_elb, "eta_p": eta_p})
    np.testing.assert_allclose(out["r_elb"], i_elb - out["i_ref"], rtol=0, atol=1e-15)
    np.testing.assert_allclose(out["r_elb"], i_elb - 0.0238, rtol=0, atol=1e-15)
    free = directed_growth(start={"infl": None})
    out = consistent_draws(free, {"i_elb": i_elb, "eta_p": eta_p})
    np.testing.assert_allclose(out["r_elb"], i_elb - out["i_ref"], rtol=0, atol=1e-15)
    assert out["i_ref"][3] > out["i_ref"][1] and out["r_elb"][3] < out["r_elb"][1]
    np.testing.assert_allclose(np.diff(out["r_elb"][:3]), np.diff(i_elb[:3]), rtol=0, atol=1e-15)


def test_the_start_policy_rate_sits_on_the_derived_floor_when_the_neutral_rate_is_below_it():
    """A neutral rate r0 = -5% below the real floor: the start's policy rate is the smooth floor of r0, the derived
    r_elb up to eps_r ln(1 + exp(-(r_elb - r0)/eps_r)), about 3e-9 here."""
    dg = directed_growth(overrides={"r0": -0.05, "i_elb": 0.0025})
    r_elb = dg["r_elb"].default
    assert r_elb == pytest.approx(0.0025 - dg["i_ref"].default, abs=1e-15)
    assert dg["r_cb"].default == pytest.approx(r_elb, abs=1e-8) and dg["r_cb"].default > r_elb


def test_the_real_floor_is_derived_and_the_nominal_floor_is_drawn(dg):
    """r_elb is no longer an override nor a draw; i_elb has a prior, and its range is a modelling assumption."""
    with pytest.raises(ModelError, match="'r_elb' is derived from the start state"):
        directed_growth(overrides={"r_elb": -0.01})
    with pytest.raises(ModelError, match="'r_elb' derived from the start state"):
        consistent_draws(dg, {"r_elb": np.array([-0.01, -0.02])})
    assert not dg["r_elb"].tunable and dg["i_elb"].tunable
    assert "i_elb" in PRIORS and "i_elb" in ASSUMPTION_ONLY
    assert "r_elb" not in PRIORS and "r_elb" not in ASSUMPTION_ONLY

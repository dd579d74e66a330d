"""Electoral reversal in the engine (model.core.elections) on Keen's model with a synthetic support stock."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

import model
from model.core.blocks import Block
from model.core.elections import election_pulse, path_expr, reversal_block, reversals, reversible
from model.core.symbols import aux, lever, param, stock
from model.core.system import combine
from model.errors import ModelError
from model.library import keen

T_EVAL = np.round(np.arange(0.0, 20.0 + 1e-9, 0.05), 10)
POLICY = model.Policy("p", x=model.ramp(0, 10, 0, 1))


def _keen_with_support(drift: float, reinstate: bool = False) -> model.System:
    """Keen's model plus a support stock S(t) = 0.7 + drift t, a lever x and elections every 4 years from t = 2."""
    S = stock("S", "dimensionless", "synthetic support", default=0.7)
    x = lever("x", "dimensionless", "a lever", default=0.0)
    seen = aux("x_seen", "dimensionless", "the lever as the model sees it")
    d = param("drift", "1/year", "drift of support", default=drift, bounds=(None, None))
    blk = Block(name="support", variables=(S, x, seen, d), derivatives={"S": d.sym}, auxiliaries={"x_seen": x.sym})
    return combine(*keen().blocks, blk, reversal_block("S", first=2.0, interval=4.0, last=40.0, reinstate=reinstate),
                   name="keen_elections")


def _run(drift: float):
    m = _keen_with_support(drift)
    pols = [POLICY, reversible(m, POLICY)]
    return model.simulate(m, {"kappa2": 20.0}, policies=pols, t_span=(0, 20), t_eval=T_EVAL)


def test_support_far_above_threshold_nothing_reverts():
    ds = _run(0.0)  # support 0.7 throughout, threshold 0.5
    d = ds.sel(policy="p_durable")
    assert np.all(d.R.values == 0.0)
    np.testing.assert_allclose(d.x.values, ds.sel(policy="p").x.values, rtol=1e-15, atol=0)  # to rounding
    np.testing.assert_allclose(d.x.values, POLICY.levers["x"](T_EVAL), rtol=1e-15, atol=0)


def test_lost_election_reverts_in_the_window_after_the_date_not_before():
    ds = _run(-0.05)  # support 0.6 at the election of t = 2 (won), 0.4 at t = 6 (lost)
    d = ds.sel(policy="p_durable")
    t = d.time.values
    R, x = d.R.values, d.x.values
    assert np.all(R[t < 6.0] == 0.0)  # nothing moves before the lost election
    assert abs(R[t == 6.0][0]) < 1e-7  # at its date: the integrator's dense output of the step across it
    np.testing.assert_allclose(x[t < 6.0], np.clip(t[t < 6.0] / 10, 0, 1), rtol=1e-15, atol=0)
    # within the window (0.25 years) 1 - R falls by exp(-k) = 1/1000: the pulse has unit area
    assert R[np.searchsorted(t, 6.25)] == pytest.approx(1 - math.exp(-math.log(1000.0)), abs=1e-6)
    assert R[np.searchsorted(t, 6.1)] > 0.2  # mid-window
    after = t >= 6.25
    assert np.all(np.abs(x[after]) <= 1.1e-3 * np.clip(t[after] / 10, 0, 1))  # back to the alternative (0)
    summary = reversals(R, t, 2.0, 4.0, 0.25)
    assert summary["reversals"] == 1.0 and summary["first_reversal"] == 6.0
    assert summary["years_in_force"] == pytest.approx(6.0 + 0.25 * 0.3, abs=0.1)


def test_reinstated_when_support_recovers_at_a_later_election():
    # support 0.7 - 0.05 t until t = 8 (0.4 at the election of t = 6: lost), then +0.15/yr (0.6 at t = 10: won)
    S = stock("S", "dimensionless", "synthetic support", default=0.7)
    x = lever("x", "dimensionless", "a lever", default=0.0)
    turn = param("t_turn", "year", "date support turns", default=8.0)
    down = param("down", "1/year", "fall of support", default=-0.05, bounds=(None, None))
    up = param("up", "1/year", "recovery of support", default=0.15)
    blk = Block(name="support", variables=(S, x, turn, down, up),
                derivatives={"S": sp.Piecewise((down.sym, model.t < turn.sym), (up.sym, True))})
    m = combine(*keen().blocks, blk, reversal_block("S", first=2.0, interval=4.0, last=40.0, reinstate=True),
                name="keen_reinstate")
    ds = model.simulate(m, {"kappa2": 20.0}, policies=reversible(m, POLICY), t_span=(0, 20), t_eval=T_EVAL)
    t, R = ds.time.values, ds.R.values
    assert np.all(R[t < 6.0] == 0.0)
    assert R[np.searchsorted(t, 6.25)] == pytest.approx(0.999, abs=1e-6)
    assert R[np.searchsorted(t, 10.0)] == pytest.approx(0.999, abs=1e-6)
    # won at t = 10: R moves towards 0 by the same factor, 0.999 exp(-k)
    assert R[np.searchsorted(t, 10.25)] == pytest.approx(0.999 * math.exp(-math.log(1000.0)), abs=1e-6)
    assert reversals(R, t, 2.0, 4.0, 0.25)["reversals"] == 1.0


def test_pulse_has_unit_area_in_each_window_and_is_zero_elsewhere():
    p = sp.lambdify(sp.Symbol("t", real=True), election_pulse(2.0, 4.0, 0.25, 3), "numpy")
    grid = np.linspace(0, 20, 400_001)
    vals = np.array([float(p(v)) for v in grid[::50]])
    on = ((grid[::50] >= 2) & (grid[::50] < 2.25)) | ((grid[::50] >= 6) & (grid[::50] < 6.25)) \
        | ((grid[::50] >= 10) & (grid[::50] < 10.25))
    assert np.all(vals[~on] == 0.0)
    for a in (2.0, 6.0, 10.0):
        s = np.linspace(a, a + 0.25, 20_001)
        assert np.trapezoid([float(p(v)) for v in s], s) == pytest.approx(1.0, abs=1e-8)


@pytest.mark.parametrize("path", [model.constant(0.3), model.step(2030, 0.0, 1.5), model.ramp(2025, 2035, 0.1, 0.5),
                                  model.logistic(2040, 0.3, 0.0, 2.0),
                                  model.piecewise([2025, 2030, 2050, 2100], [0.0, 25.0, 100.0, 200.0])])
def test_path_expr_is_the_schedule(path):
    f = sp.lambdify(sp.Symbol("t", real=True), path_expr(path), "numpy")
    ts = np.linspace(2020, 2105, 1701)
    np.testing.assert_allclose([float(f(v)) for v in ts], path(ts), rtol=1e-13, atol=1e-12)


def test_reversible_needs_the_reversal_stock_and_real_levers():
    with pytest.raises(ModelError, match="no reversal stock"):
        reversible(keen(), POLICY)
    m = _keen_with_support(0.0)
    with pytest.raises(ModelError, match="not levers"):
        reversible(m, POLICY, levers=["alpha"])
    with pytest.raises(ModelError, match="interval > window"):
        reversal_block("S", first=2.0, interval=0.2, window=0.25)


@pytest.mark.parametrize("R, weight", [(-1e-9, 1.0), (0.0, 1.0), (0.25, 0.75), (1.0, 0.0), (1.0 + 1e-9, 0.0)])
def test_the_policy_weight_stays_between_zero_and_one(R, weight):
    """A stage of the integrator can take R past 1 by rounding: the lever stays on the segment between the two
    paths (durability once gave a negative carbon price and a NaN abatement share at one output time)."""
    m = _keen_with_support(0.0)
    rule = reversible(m, POLICY).levers["x"]
    at = {sp.Symbol("R", real=True): R, sp.Symbol("t", real=True): 10.0}
    assert float(rule.expr.subs(at)) == pytest.approx(weight * 1.0, abs=1e-15)


def test_a_reversal_that_raises_support_does_not_stop_itself_half_way():
    """Support 0.49 while the policy is in force, 0.59 once reverted (S = 0.49 + 0.1 R): the vote is cast
    before the date (lost) and held, so the window after it reverts the policy by the full factor exp(-k);
    read during the window, the verdict would flip to 'won' once R passed about 0.1 and stop the reversal."""
    x = lever("x", "dimensionless", "a lever", default=0.0)
    S = aux("S", "dimensionless", "support that rises with the reversal")
    blk = Block(name="support", variables=(x, S), auxiliaries={"S": 0.49 + 0.1 * sp.Symbol("R", real=True)})
    m = combine(*keen().blocks, blk, reversal_block("S", first=2.0, interval=4.0, last=40.0), name="keen_feedback")
    ds = model.simulate(m, {"kappa2": 20.0}, policies=reversible(m, POLICY), t_span=(0, 8), t_eval=T_EVAL[:161])
    t, R, V = ds.time.values, ds.R.values, ds.R_vote.values
    assert np.all(R[t < 2.0] == 0.0) and np.all(V[t < 1.75] == 0.0)  # nothing moves before the vote's window
    assert V[np.searchsorted(t, 2.0)] == pytest.approx(1.0, abs=1e-8)  # cast in [1.75, 2): lost
    assert R[np.searchsorted(t, 2.25)] == pytest.approx(1 - 1 / 1000, abs=1e-6)  # reverted by exp(-k), not half-way
    assert float(ds.S.sel(time=2.25)) > 0.5 + 0.05  # support above the threshold after the reversal, too late
    # at the next election (t = 6) support is above the threshold: the vote is won, the sticky policy stays reverted
    assert V[np.searchsorted(t, 6.0)] == pytest.approx(0.0, abs=1e-8)
    assert R[-1] == pytest.approx(R[np.searchsorted(t, 2.25)])

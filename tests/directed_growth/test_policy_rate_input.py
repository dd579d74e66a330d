"""The observed policy-rate input of the banks block (issue 14, out-of-sample replays conditioned on policy): with
the switch ``cb_obs = 1`` the real policy rate tracks the exogenous input ``r_cb_obs``; with the default
``cb_obs = 0`` the input is never read."""

import numpy as np

from model.core.levers import constant, piecewise
from model.solve.simulation import simulate

T0, TS, END = 2025.0, 2026.0, 2030.0
T_EVAL = np.union1d(np.linspace(T0, END, int((END - T0) * 20) + 1), [TS])


def test_default_switch_ignores_the_observed_rate_input(dg):
    """cb_obs = 0 (every projection): a policy-rate input far from the rule's rate changes no path at all."""
    base = simulate(dg, t_span=(T0, END), t_eval=T_EVAL)
    other = simulate(dg, t_span=(T0, END), t_eval=T_EVAL, exogenous={"r_cb_obs": constant(0.10)})
    for v in ("r_cb", "Y", "lam", "B", "omega"):
        np.testing.assert_array_equal(other[v].values, base[v].values, err_msg=v)


def test_switched_policy_rate_tracks_a_step_of_the_observed_rate(dg):
    """cb_obs = 1: the target is the input itself, so a step of r_cb_obs from the start's rate r0 (0.02) to 0.03
    at TS gives r_cb = 0.03 - 0.01 exp(-(rho_cb + rho_obs)(t - TS)) after it (a linear ODE with a constant
    target) and r0 before it (the start at rest)."""
    r0 = dg["r0"].default
    step = piecewise([T0, TS - 1e-9, TS, END], [r0, r0, r0 + 0.01, r0 + 0.01])
    ds = simulate(dg, {"cb_obs": 1.0}, t_span=(T0, END), t_eval=T_EVAL, exogenous={"r_cb_obs": step})
    t = ds["time"].values
    k = dg["rho_cb"].default + dg["rho_obs"].default
    expect = np.where(t < TS, r0, r0 + 0.01 - 0.01 * np.exp(-k * np.clip(t - TS, 0.0, None)))
    np.testing.assert_allclose(ds["r_cb"].values, expect, rtol=0, atol=1e-7)

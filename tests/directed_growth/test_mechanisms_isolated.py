"""Mechanisms of the directed-growth model in isolation.

Each test takes the model's own equations (auxiliaries substituted down to stocks,
parameters and levers) and differentiates the quantity a mechanism acts on with
respect to the lever or state that drives it, everything else held at the 2025 state:
the instantaneous partial effect of one channel, with its sign read from the
equations and parameters (the full-model responses are in ``test_mechanisms.py``).
"""

import pytest
import sympy as sp

from model.directed_growth.factory import T0


def partial(dg, eqs, what, wrt, **values):
    """d(what)/d(wrt) at the 2025 defaults, with some inputs overridden by ``values`` (every other symbol
    replaced by its value first: the derivative of a one-variable expression)."""
    point = {v.sym: v.default for v in dg.variables.values() if v.default is not None}
    point.update({dg.variables[k].sym: v for k, v in values.items()})
    point[sp.Symbol("t", real=True)] = T0
    x = dg.variables[wrt].sym
    at = point.pop(x)
    return float(sp.diff(eqs[what].xreplace(point), x).xreplace({x: at}))


def test_mission_capital_crowds_in_private_investment_only_with_positive_chi(dg, eqs):
    assert partial(dg, eqs, "h_eff", "K_Gm") > 0
    # with chi = 0 mission capital still raises investment as public capital: it raises capacity, hence
    # the normal profit rate (supply block), unless public capital is unproductive
    assert partial(dg, eqs, "h_eff", "K_Gm", chi=0.0) > 0
    assert partial(dg, eqs, "h_eff", "K_Gm", chi=0.0, theta_G=0.0) == pytest.approx(0.0, abs=1e-15)


def test_public_debt_crowds_out_through_the_cost_of_credit(dg, eqs):
    assert partial(dg, eqs, "sp_G", "B") > 0  # the sovereign premium
    assert partial(dg, eqs, "r_L", "B") > 0  # passed through to loan rates
    assert partial(dg, eqs, "h_eff", "B") < 0
    assert partial(dg, eqs, "h_eff", "B", psi_B=0.0) == pytest.approx(0.0, abs=1e-15)
    assert partial(dg, eqs, "h_eff", "B", zeta_G=0.0) == pytest.approx(0.0, abs=1e-15)


def test_premia_are_floored_and_capped(dg):
    """The sovereign and firm premia never fall below zero (debt or leverage far below the reference: no
    extrapolation below zero debt) nor above their cap, and rise with debt and leverage in between."""
    import numpy as np

    import model

    cs = model.compile(dg)
    y0, p, L = cs.state_vector(), cs.param_vector(), cs.inputs_table()
    cap = dg["sp_max"].default
    for stock, premium in (("B", "sp_G"), ("L_F", "sp_F")):
        values = []
        for scale in (-5.0, -1.0, 0.0, 1.0, 3.0, 10.0, 100.0):
            y = y0.copy()
            y[cs.states.index(stock)] *= scale
            values.append(cs.observed(2025.0, y, p, L)[premium])
        values = np.array(values)
        assert np.all(values >= 0) and np.all(values <= cap), (premium, values)  # = cap only by rounding
        assert np.all(np.diff(values) >= 0) and values[0] < 1e-6 and values[-1] > 0.9 * cap, (premium, values)


def test_payout_cap_on_supported_firms_raises_investment_out_of_profits(dg, eqs):
    # relaxing the cap (payout_cap -> 1) lowers retained profits and the investment share
    assert partial(dg, eqs, "Pi_r", "payout_cap", s_sup=0.5) < 0
    assert partial(dg, eqs, "h_eff", "payout_cap", s_sup=0.5) < 0
    assert partial(dg, eqs, "h_eff", "payout_cap", s_sup=0.0) == pytest.approx(0.0, abs=1e-15)


def test_wage_floor_raises_wage_growth_and_price_setting_resists(dg, eqs):
    assert partial(dg, eqs, "d_omega", "wage_floor", s_sup=0.5) > 0
    # only where it applies: no take-up of support and no procurement, no effect
    assert partial(dg, eqs, "d_omega", "wage_floor") == pytest.approx(0.0, abs=1e-15)
    # conflicting claims: a higher wage share raises inflation, which erodes it
    assert partial(dg, eqs, "inflation", "omega") > 0
    assert partial(dg, eqs, "d_omega", "omega") < 0


def test_carbon_price_lowers_emission_intensity_and_redirects_investment(dg, eqs):
    assert partial(dg, eqs, "e_int", "carbon_price") < 0
    # at a price of 1 USD/tCO2: the abatement share's derivative is not finite at a zero price, and it reaches
    # the green share through potential output (the sovereign premium's debt ratio)
    assert partial(dg, eqs, "x_g", "carbon_price", carbon_price=1.0) > 0


def test_capability_scales_crowding_in(dg, eqs):
    more_mission = {"K_Gm": 4.0}  # mission capital above its reference ratio
    assert partial(dg, eqs, "crowd_in", "Cap", **more_mission) > 0
    assert partial(dg, eqs, "d_Cap", "i_cap") > 0


def test_equity_stake_brings_dividends_which_lower_the_deficit(dg, eqs):
    # the stake is acquired as firms enter support (take-up rising: an offer, no one supported yet) ...
    assert partial(dg, eqs, "d_phi_G", "equity_stake", support_rate=0.05) > 0
    assert partial(dg, eqs, "d_phi_G", "equity_stake") == 0.0  # no offer, no entrants, no stake
    # ... and the public share of equity brings dividends to the public fund
    assert partial(dg, eqs, "F_pub", "phi_G", phi_G=0.1) > 0
    assert partial(dg, eqs, "B_dot", "phi_G", phi_G=0.1) < 0
    assert partial(dg, eqs, "YD", "phi_G", phi_G=0.1) < 0  # ... that households no longer receive


def test_monetary_policy_and_fiscal_reaction_stabilise(dg, eqs):
    # tighter money when employment or inflation is high; taxes rise with debt
    rule = dg.auxiliaries["r_target"]
    point = {v.sym: v.default for v in dg.variables.values() if v.default is not None}
    point[sp.Symbol("inflation", real=True)] = dg["i_ref"].default
    point[sp.Symbol("lam", real=True)] = dg["lam_ref"].default
    assert float(sp.diff(rule, sp.Symbol("inflation", real=True)).xreplace(point)) > 0
    assert float(sp.diff(rule, sp.Symbol("inflation", real=True)).xreplace(
        {**point, dg["accommodation"].sym: 1.0})) == 0.0  # accommodation holds the rate
    assert partial(dg, eqs, "d_r_cb", "S_e") > 0  # more (expected) demand, more production and employment
    assert partial(dg, eqs, "d_Z", "r_cb") < 0
    # Bohn's response, stronger by about r_B - g_Z while the interest rate exceeds growth
    assert partial(dg, eqs, "T_B", "B") > dg["beta_B"].default
    # ... and beta_B itself when interest is far below growth (the Bohn term at given output: with inventories output
    # is planned production, which moves with debt through the premium, the loan rate and the growth of the
    # inventory target; that channel is not the tax rule's)
    low = {**point, dg["r_cb"].sym: -0.05}
    at = {sp.Symbol(n, real=True): float(eqs[n].xreplace(low)) for n in ("r_B", "g_Z_eff", "Y")}
    bohn = sp.diff(dg.auxiliaries["T_B"], dg["B"].sym).xreplace({**point, **at})
    assert float(bohn) == pytest.approx(dg["beta_B"].default, rel=1e-6)


def test_taxes_and_carbon_dividends_reach_disposable_income(dg, eqs):
    assert partial(dg, eqs, "YD", "t_w") < 0
    assert partial(dg, eqs, "YD", "carbon_dividend", carbon_price=100.0) > 0
    assert partial(dg, eqs, "YD", "carbon_price", carbon_price=50.0) < 0  # lower profits, hence dividends
    assert partial(dg, eqs, "B_dot", "carbon_price", carbon_price=50.0) < 0  # ... and raises revenue
    assert partial(dg, eqs, "C_star", "t_w") < 0

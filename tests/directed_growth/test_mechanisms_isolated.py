"""Mechanisms of the directed-growth model in isolation.

Each test takes the model's own equations (auxiliaries substituted down to stocks,
parameters and levers) and differentiates the quantity a mechanism acts on with
respect to the lever or state that drives it, everything else held at the 2025 state:
the instantaneous partial effect of one channel, with its sign read from the
equations and parameters (the full-model responses are in ``test_mechanisms.py``).
"""

import pytest
import sympy as sp

from model.directed_growth.factory import T0, directed_growth


@pytest.fixture(scope="module")
def dg():
    return directed_growth()


@pytest.fixture(scope="module")
def eqs(dg):
    sub = dg.substituted_auxiliaries()
    aux = {k: sub[dg.variables[k].sym] for k in dg.auxiliaries}
    rhs = {f"d_{k}": e for k, e in dg.rhs_expressions(substitute=True).items()}
    return {**aux, **rhs}


def partial(dg, eqs, what, wrt, **values):
    """d(what)/d(wrt) at the 2025 defaults, with some inputs overridden by ``values``."""
    point = {v.sym: v.default for v in dg.variables.values() if v.default is not None}
    point.update({dg.variables[k].sym: v for k, v in values.items()})
    point[sp.Symbol("t", real=True)] = T0
    return float(sp.diff(eqs[what], dg.variables[wrt].sym).xreplace(point))


def test_mission_capital_crowds_in_private_investment_only_with_positive_chi(dg, eqs):
    assert partial(dg, eqs, "h_eff", "K_Gm") > 0
    assert partial(dg, eqs, "h_eff", "K_Gm", chi=0.0, eta_M=0.0) == pytest.approx(0.0, abs=1e-15)


def test_public_debt_crowds_out_through_the_cost_of_credit(dg, eqs):
    assert partial(dg, eqs, "r_f", "B") > 0
    assert partial(dg, eqs, "h_eff", "B") < 0
    assert partial(dg, eqs, "h_eff", "B", psi_B=0.0) == pytest.approx(0.0, abs=1e-15)


def test_payout_cap_on_supported_firms_raises_investment_out_of_profits(dg, eqs):
    # relaxing the cap (payout_cap -> 1) lowers retained profits and the investment share
    assert partial(dg, eqs, "Pi_r", "payout_cap", s_sup=0.5) < 0
    assert partial(dg, eqs, "h_eff", "payout_cap", s_sup=0.5) < 0
    assert partial(dg, eqs, "h_eff", "payout_cap", s_sup=0.0) == pytest.approx(0.0, abs=1e-15)


def test_wage_floor_raises_wage_growth_and_price_setting_resists(dg, eqs):
    assert partial(dg, eqs, "d_omega", "wage_floor") > 0
    # conflicting claims: a higher wage share raises inflation, which erodes it
    assert partial(dg, eqs, "inflation", "omega") > 0
    assert partial(dg, eqs, "d_omega", "omega") < 0


def test_carbon_price_lowers_emission_intensity_and_redirects_investment(dg, eqs):
    assert partial(dg, eqs, "e_int", "carbon_price") < 0
    assert partial(dg, eqs, "x_g", "carbon_price") > 0


def test_capability_scales_crowding_in(dg, eqs):
    more_mission = {"K_Gm": 4.0}  # mission capital above its reference ratio
    assert partial(dg, eqs, "crowd_in", "Cap", **more_mission) > 0
    assert partial(dg, eqs, "d_Cap", "i_cap") > 0


def test_equity_stake_feeds_the_public_fund_which_lowers_the_deficit(dg, eqs):
    assert partial(dg, eqs, "d_F_pub", "equity_stake", s_sup=0.5) > 0
    assert partial(dg, eqs, "B_dot", "F_pub") < 0


def test_monetary_policy_and_fiscal_reaction_stabilise(dg, eqs):
    # tighter money when employment or inflation is high; taxes rise with debt
    rule = dg.derivatives["r_cb"]
    p = dg.defaults()
    assert float(sp.diff(rule, sp.Symbol("inflation", real=True)).subs(
        {sp.Symbol(k, real=True): p[k] for k in ("rho_cb", "psi_i")})) > 0
    assert partial(dg, eqs, "d_r_cb", "Z") > 0  # more demand, more employment
    assert partial(dg, eqs, "d_Z", "r_cb") < 0
    assert partial(dg, eqs, "T_B", "B") == pytest.approx(dg["beta_B"].default, rel=1e-12)

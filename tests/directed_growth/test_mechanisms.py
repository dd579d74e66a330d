"""Mechanisms of the directed-growth model: signs come from the equations and parameters.

Each test changes one lever (or parameter) against an otherwise identical run and checks
the direction of the response; where a sign depends on parameters (crowding in versus
crowding out) both regimes are shown.
"""


import model
from model import Policy, ramp

SPAN = (2025, 2040)


def run(dg, policy, params=None):
    return model.simulate(dg, params, policy, t_span=SPAN)


MORE_PUBLIC = dict(i_G=ramp(2025, 2030, 0.035, 0.05), mission_share=0.5)


def at(ds, name, year=2040):
    return float(ds[name].sel(time=year))


def test_public_investment_crowds_in_when_crowding_in_dominates(dg):
    strong_in = {"chi": 3.0, "psi_B": 0.0, "psi_F": 0.0, "accommodation": 1.0}
    base, more = run(dg, Policy("base"), strong_in), run(dg, Policy("more", **MORE_PUBLIC), strong_in)
    assert at(more, "I_p") > at(base, "I_p")
    assert at(more, "h_eff") > at(base, "h_eff")


def test_public_investment_crowds_out_when_crowding_out_dominates(dg):
    strong_out = {"chi": 0.0, "psi_B": 0.1}
    base, more = run(dg, Policy("base"), strong_out), run(dg, Policy("more", **MORE_PUBLIC), strong_out)
    assert float(more.h_eff.mean()) < float(base.h_eff.mean())  # the mean private investment share, 2025-2040
    assert at(more, "r_L") > at(base, "r_L")


def test_buyback_ban_raises_investment_out_of_given_profits(dg):
    # the same offer with and without the buyback ban (both taken by most firms: support worth 16% of output)
    base = run(dg, Policy("base", support_rate=0.2))
    ban = run(dg, Policy("ban", support_rate=0.2, payout_cap=0.0))
    assert at(ban, "s_sup", 2026) > 0.5
    assert at(ban, "h_eff", 2026) > at(base, "h_eff", 2026)
    assert at(ban, "I_p", 2026) / at(ban, "Pi", 2026) > at(base, "I_p", 2026) / at(base, "Pi", 2026)


def test_wage_floor_raises_the_wage_share(dg):
    base = run(dg, Policy("base", support_rate=0.1))
    floor = run(dg, Policy("floor", support_rate=0.1, wage_floor=0.005))
    assert at(floor, "omega") > at(base, "omega")


def test_carbon_price_lowers_emission_intensity(dg):
    base, priced = run(dg, Policy("base")), run(dg, Policy("priced", carbon_price=100.0))
    assert at(priced, "e_int", 2030) < at(base, "e_int", 2030)
    assert at(priced, "x_g", 2030) > at(base, "x_g", 2030)


def test_capability_cuts_weaken_crowding_in(dg):
    keep = run(dg, Policy("keep", **MORE_PUBLIC))
    cut = run(dg, Policy("cut", i_cap=ramp(2025, 2030, 0.01, 0.005), **MORE_PUBLIC))
    assert at(cut, "Cap") < at(keep, "Cap")
    assert at(cut, "crowd_in") < at(keep, "crowd_in")


def test_equity_stakes_lower_public_debt(dg):
    support = dict(support_rate=0.1, i_G=0.05)
    without, stake = run(dg, Policy("no stake", **support)), run(dg, Policy("stake", equity_stake=0.3, **support))
    assert at(stake, "F_pub") > 0
    assert at(stake, "b") < at(without, "b")


def test_carbon_dividend_raises_consumption_relative_to_debt_reduction(dg):
    priced = dict(carbon_price=100.0)
    keep, paid = run(dg, Policy("keep", **priced)), run(dg, Policy("dividend", carbon_dividend=1.0, **priced))
    assert at(paid, "C_act", 2030) > at(keep, "C_act", 2030)
    assert at(paid, "b") > at(keep, "b")

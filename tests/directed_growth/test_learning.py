"""Cost-driven choice of new capacity in the directed-growth model: learning curves, levelised costs,
the carbon cost per unit of the brown technology's own output, and DICE-2016R's falling backstop price.

The facts asserted: Wright's law (each doubling of cumulative capacity cuts the unit cost by the
learning rate), DICE-2016R's backstop price path (economics.md 11.9, validation case 6) and its marginal
abatement cost p_back mu^1.6, and the issue's acceptance test that the carbon price's effect on the
choice of new capacity does not shrink as average emission intensity falls.
"""

import math

import numpy as np
import pytest
import sympy as sp

import model
from model import Policy
from model.directed_growth.factory import T0

T = sp.Symbol("t", real=True)


def value(dg, expr, t=T0, **values):
    """``expr`` at the model's defaults (the 2025 start state), some inputs replaced by ``values``."""
    point = {v.sym: v.default for v in dg.variables.values() if v.default is not None}
    point.update({dg.variables[k].sym: x for k, x in values.items()})
    point[T] = t
    return float(expr.xreplace(point))


@pytest.mark.parametrize("rate", [0.0, 0.12, 0.15, 0.24])
def test_green_unit_cost_falls_by_the_learning_rate_per_doubling(dg, eqs, rate):
    q0 = dg.variables["Q_ref"].default
    costs = [value(dg, eqs["c_g"], Q_g=q0 * 2.0 ** k, learn_rate=rate) for k in range(6)]
    assert costs[0] == pytest.approx(dg.variables["c_g0"].default, rel=1e-14)
    for before, after in zip(costs, costs[1:]):
        assert after / before == pytest.approx(1 - rate, rel=1e-12)
    # a tenfold rise: (1 - LR)^log2(10)
    assert value(dg, eqs["c_g"], Q_g=10 * q0, learn_rate=rate) == pytest.approx((1 - rate) ** math.log2(10), rel=1e-12)


def test_backstop_price_falls_as_in_dice2016r(dg):
    # economics.md validation case 6: 550 (2015), 509.8 (2030), 460.7 (2050), 357.6 (2100) US$2010/tCO2; the start
    # value is DICE's closed form, the path the model's integration
    assert dg.variables["p_back"].default == pytest.approx(550.0 * 0.975 ** 2, rel=1e-14)
    ds = model.simulate(dg, None, Policy("bau"), t_eval=[2025.0, 2030.0, 2050.0, 2100.0])
    assert [round(float(ds["p_back"].sel(time=y)), 1) for y in (2030, 2050, 2100)] == [509.8, 460.7, 357.6]


def test_marginal_abatement_cost_is_the_backstop_price_times_mu_to_the_1_6(dg):
    # DICE-2016R: abatement cost theta1 mu^2.6 per unit of (brown) output with theta1 = p_back sigma / 2.6, so the
    # cost of abating one more tonne is p_back mu^1.6 (economics.md validation case 6)
    mu = sp.Symbol("mu_eff", real=True)
    v = dg.variables
    cost = dg.auxiliaries["ac_share"]  # share of output: theta1 mu^2.6 (1 - y_g), y_g the green share of output
    assert mu in cost.free_symbols
    y_g = v["y_g"].sym
    abated = mu * v["sigma_b"].sym * (1 - y_g)  # GtCO2 abated per unit of output (on dirty output)
    mac = sp.diff(cost, mu) / sp.diff(abated, mu) / v["conv"].sym  # [USD/tCO2]
    for year in (2030.0, 2050.0, 2100.0):
        p_back = 550.0 * 0.975 ** ((year - 2015) / 5)
        for m in (0.1, 0.5, 0.9):
            got = float(mac.xreplace({mu: m, v["p_back"].sym: p_back, y_g: 0.3}).xreplace(
                {x.sym: x.default for x in v.values() if x.default is not None}))
            assert got == pytest.approx(p_back * m ** 1.6, rel=1e-12)


def test_carbon_price_semi_elasticity_does_not_shrink_as_average_intensity_falls(dg, eqs):
    """Issue 13 acceptance: the semi-elasticity of the green share of new capacity to a 50 USD/tCO2 price,
    d ln x_g / d tau at tau = 50, is constant within 10% over 2030-2090 at fixed relative costs (every cost
    input at its start value), while the states behind average emission intensity (brown intensity, the
    capital mix) follow business as usual, where intensity falls by more than half."""
    ds = model.simulate(dg, None, Policy("bau"), t_span=(2025, 2090))
    e_int = ds["e_int"]
    assert float(e_int.sel(time=2090)) < 0.5 * float(e_int.sel(time=2030))
    tau = dg.variables["carbon_price"].sym
    semi = sp.diff(sp.log(eqs["x_g"]), tau)
    values = []
    for year in (2030, 2050, 2070, 2090):
        state = {k: float(ds[k].sel(time=year)) for k in ("sigma_b", "K_g", "K_b")}
        assert value(dg, eqs["e_int"], **state) < value(dg, eqs["e_int"])  # intensity below its start value
        values.append(value(dg, semi, t=float(year), carbon_price=50.0, **state))
    assert min(values) > 0
    assert max(values) / min(values) - 1 < 0.10


def test_procurement_and_mission_investment_act_through_costs_and_quantities(dg, eqs):
    # no free logit shifter: procurement moves the cost-driven choice only through the green financing rate
    # (d_P), and the green share of new capacity by the contracted quantity, (1 - x_c) G_C / Y per unit
    proc = dg.variables["procurement"].sym
    assert value(dg, sp.diff(eqs["x_c"], proc), d_P=0.0) == 0.0
    assert value(dg, sp.diff(eqs["x_c"], proc)) > 0
    assert value(dg, sp.diff(eqs["x_g"], proc), d_P=0.0) == pytest.approx(
        value(dg, (1 - eqs["x_c"]) * eqs["G_C"] / eqs["Y"]), rel=1e-12)
    # mission public capital has no direct effect on the green share (only through the financing rate: public
    # capital raises potential output, which lowers the debt ratio the sovereign premium responds to, so none
    # without that response, psi_B = 0); mission investment adds to cumulative green capacity (and so lowers
    # green unit costs along the learning curve)
    assert value(dg, sp.diff(eqs["x_g"], dg.variables["K_Gm"].sym), psi_B=0.0) == 0.0
    assert value(dg, sp.diff(eqs["d_Q_g"], dg.variables["mission_share"].sym)) > 0
    assert value(dg, sp.diff(eqs["x_g"], dg.variables["Q_g"].sym)) > 0
    assert value(dg, sp.diff(eqs["x_g"], dg.variables["Q_g"].sym), learn_rate=0.0) == 0.0


def test_start_green_share_and_learning_curve_at_rest(dg, eqs):
    # the start's green share is XG0 = 0.15 and the learning curve starts at its reference
    assert value(dg, eqs["x_g"]) == pytest.approx(0.15, rel=1e-10)
    assert dg.variables["Q_g"].default == pytest.approx(dg.variables["Q_ref"].default, rel=1e-15)
    # cumulative green investment grows at g_Q0 at the start
    assert value(dg, eqs["d_Q_g"]) / dg.variables["Q_g"].default == pytest.approx(
        dg.variables["g_Q0"].default, rel=1e-10)
    ds = model.simulate(dg, None, Policy("bau"), t_span=(2025, 2060))
    unlearned = model.simulate(dg, {"learn_rate": 0.0}, Policy("bau"), t_span=(2025, 2060))
    # learning lowers green unit costs in business as usual, and so raises the green share of investment above
    # its path without learning (dirty knowledge, ahead and growing under laissez-faire, pulls the other way)
    assert float(ds["c_g"].sel(time=2060)) < 1.0
    assert float(unlearned["c_g"].sel(time=2060)) == 1.0
    assert float(ds["x_g"].sel(time=2060)) > float(unlearned["x_g"].sel(time=2060)) + 0.05
    assert np.all(np.diff(ds["Q_g"].values) > 0)

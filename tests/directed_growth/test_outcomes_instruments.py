"""Outcomes of issue 13, item 6: green shares of output and investment, the public cost of each instrument,
take-up and households' disposable income by group, each checked against the quantity computed independently
from the saved paths (numpy trapezoid integrals over the saved times)."""

import numpy as np
import pytest

import model
from model import Policy, piecewise, ramp
from model.directed_growth import policies
from model.directed_growth.outcomes import OUTCOMES, compare_policies, outcome_metrics

SPAN = (2025, 2100)
#: a path with every costed instrument on, the clean research subsidy and the carbon dividend among them
ALL_ON = Policy("all_on", carbon_price=piecewise([2025, 2050, 2100], [0.0, 100.0, 150.0]), carbon_dividend=0.5,
                rd_subsidy=0.002, clean_rd_subsidy=3.0, support_rate=ramp(2025, 2040, 0.0, 0.03),
                payout_cap=0.8, procurement=ramp(2025, 2040, 0.0, 0.3), i_cap=0.013)
#: a carbon dividend without a carbon price
NO_PRICE = Policy("dividend_only", carbon_dividend=1.0)
INSTRUMENT_COSTS = ("support_cost_mean", "rd_untargeted_cost_mean", "rd_clean_cost_mean", "carbon_revenue_mean",
                    "carbon_dividend_mean", "green_procurement_mean")


@pytest.fixture(scope="module")
def runs(dg):
    paths = [*policies.all_paths(), ALL_ON, NO_PRICE]
    ds = model.simulate(dg, None, paths, t_span=SPAN)
    return ds, outcome_metrics(ds)


def mean(values, t):
    """Time average by the trapezoid rule over the saved times ``t`` [year]."""
    return np.trapezoid(values, t) / (t[-1] - t[0])


def test_instrument_costs_are_the_time_averages_of_the_booked_flows(dg, runs):
    """Each cost line is the time average of its flow over output, rebuilt from its own terms: support
    s_sup sigma; untargeted R&D the lever; clean research q r_ERD rho_R s_g; carbon revenue tau E_dom 1e-3 / Y;
    dividend rho_TR tau E_dom 1e-3 / Y; procurement proc G_C / Y; capability i_cap Y_T / Y. The two R&D lines add
    up to the R&D subsidies paid, S_rd / Y."""
    ds, out = runs
    t = ds.time.values
    conv, r_ERD = dg["conv"].default, dg["r_ERD"].default
    for p in ds.policy.values:
        d, o = ds.sel(policy=p), out.sel(policy=p)
        Y = d.Y.values
        tax = d.carbon_price.values * d.E_dom.values * conv / Y
        expected = {
            "support_cost_mean": d.s_sup.values * d.support_rate.values,
            "rd_untargeted_cost_mean": d.rd_subsidy.values,
            "rd_clean_cost_mean": d.clean_rd_subsidy.values * r_ERD * d.rho_R.values * d.s_g.values,
            "carbon_revenue_mean": tax,
            "carbon_dividend_mean": d.carbon_dividend.values * tax,
            "green_procurement_mean": d.procurement.values * d.G_C.values / Y,
            "capability_cost_mean": d.i_cap.values * d.Y_T.values / Y,
            "take_up_mean": d.s_sup.values,
        }
        for name, flow in expected.items():
            np.testing.assert_allclose(float(o[name]), mean(flow, t), rtol=1e-9, atol=1e-15, err_msg=f"{p} {name}")
        np.testing.assert_allclose(float(o.rd_untargeted_cost_mean + o.rd_clean_cost_mean),
                                   mean(d.S_rd.values / Y, t), rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(float(o.take_up_2050), float(d.s_sup.sel(time=2050)), rtol=1e-12)
    on = out.sel(policy="all_on")
    assert all(float(on[name]) > 1e-4 for name in INSTRUMENT_COSTS)  # every line is at work on this path


def test_business_as_usual_pays_for_no_instrument_it_lacks(runs):
    """BAU has no support, R&D subsidy, carbon price, dividend or procurement: each cost line is exactly zero, and
    so is take-up; its capability spending is the 2025 rate (1% of trend output, about 1.05% of output)."""
    _, out = runs
    bau = out.sel(policy="bau")
    for name in (*INSTRUMENT_COSTS, "take_up_mean", "take_up_2050"):
        assert float(bau[name]) == 0.0, name
    assert 0.0095 < float(bau.capability_cost_mean) < 0.0115


def test_no_carbon_price_no_carbon_revenue(runs):
    """A carbon dividend without a carbon price returns nothing: revenue and dividend are exactly zero."""
    _, out = runs
    d = out.sel(policy="dividend_only")
    assert float(d.carbon_revenue_mean) == 0.0 and float(d.carbon_dividend_mean) == 0.0
    assert float(out.sel(policy="market_fixing").carbon_revenue_mean) > 0


def test_green_shares_of_output_and_investment(dg, runs):
    """The green share of output in 2050 and at the end, from the stocks (K_g q / (K_g q + K_b), q the AABH
    relative output per unit of capital), and the green share of private investment in 2050; shares in [0, 1]."""
    ds, out = runs
    alpha = dg["alpha_m"].default
    x = ds.A_g / ds.A_b
    q = (x / x.isel(time=0)) ** (1 - alpha)
    y_g = ds.K_g * q / (ds.K_g * q + ds.K_b)
    np.testing.assert_allclose(out.green_output_share_2050.values, y_g.sel(time=2050).values, rtol=1e-12)
    np.testing.assert_allclose(out.green_output_share_end.values, y_g.isel(time=-1).values, rtol=1e-12)
    np.testing.assert_allclose(out.green_investment_share_2050.values, ds.x_g.sel(time=2050).values, rtol=1e-12)
    for name in ("green_output_share_2050", "green_output_share_end", "green_investment_share_2050"):
        assert np.all((out[name].values >= 0) & (out[name].values <= 1)), name


def test_disposable_income_growth_by_group(runs):
    """Average growth of disposable wage income, rebuilt as W - T_W - T_B + TR, and of disposable capital income,
    YD - YD_w, from the paths: ln(end / start) / 75 years."""
    ds, out = runs
    wage = ds.W - ds.T_W - ds.T_B + ds.TR
    capital = ds.YD - wage
    for name, income in (("wage_income_growth", wage), ("capital_income_growth", capital)):
        growth = np.log(income.isel(time=-1) / income.isel(time=0)) / 75.0
        np.testing.assert_allclose(out[name].values, growth.values, rtol=1e-9)


def test_new_outcomes_reach_the_compare_table(dg, runs):
    """The outcome table (and so its CSV) carries every registered outcome, the new ones among them."""
    ds, _ = runs
    df = compare_policies(ds.sel(policy=["bau", "market_shaping"]), system=dg, impulse=False)
    assert set(df.columns) == {n for n, o in OUTCOMES.items() if not o.experiment}
    assert {"green_output_share_2050", "rd_clean_cost_mean", "carbon_revenue_mean", "green_procurement_mean",
            "wage_income_growth"} <= set(df.columns)

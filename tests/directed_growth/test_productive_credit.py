"""The productive-credit share allocates new bank credit as a quantity (issue 13, item 3's last clause).

The lever ``f_prod`` (reference ``f_ref = 0.2``, the essay's "about 20% of finance goes to the productive
economy") rations new household credit to ``q_H = (1 - f)/(1 - f_ref)`` of its reference flow, with the
autonomous consumption it finances, and scales the investment of credit-constrained firms (a share ``xi`` of
private investment) by ``q_F = 1 + xi tanh(f/f_ref - 1)``. It no longer moves the loan rate.

Measured when the tests were written (US default start, f_prod held at 0.3 from 2025; labelled, asserted
only where said): with ``xi = 0`` private investment is 0.1% below business as usual in 2026 and output
0.5% below, the central bank's easing (loan rate -46 bp in 2030) then lifts investment above business as
usual in 2027-2043, and cumulative private investment 2025-2100 ends 0.8% below it, output in 2100 0.8% below:
without the quantity channel the credit policy lowers demand and fails. With ``xi = 0.1`` (the default)
cumulative private investment is 2.8% above and output in 2100 0.3% above.
"""

import math

import numpy as np
import pytest

import model
from model import Policy
from model.directed_growth import directed_growth

T = np.arange(2025.0, 2100.5, 1.0)
F_REF = 0.2  # the essay's productive share (economics.md 8)


def _run(xi: float, f: float):
    """Business as usual and a path holding ``f_prod = f`` from 2025, with the constrained share ``xi``."""
    dg = directed_growth(overrides={"xi": xi})
    ds = model.simulate(dg, None, [Policy("bau"), Policy("credit", f_prod=f)], t_span=(2025, 2100), t_eval=T)
    return ds.sel(policy="bau"), ds.sel(policy="credit")


@pytest.fixture(scope="module")
def shut():
    return _run(0.0, 0.3)


@pytest.fixture(scope="module")
def open_():
    return _run(0.1, 0.3)


def test_the_loan_rate_has_no_credit_wedge_and_f_ref_is_the_essays_share(dg):
    assert "kappa_f" not in dg.variables
    assert "f_prod" not in {s.name for s in dg.auxiliaries["r_L"].free_symbols}
    assert dg["f_ref"].default == F_REF and dg["f_prod"].default == F_REF


def test_business_as_usual_has_both_credit_factors_exactly_one(open_):
    """At f = f_ref the new terms vanish exactly along the whole path: business as usual is unchanged."""
    bau, _ = open_
    np.testing.assert_array_equal(bau.f_prod.values, F_REF)
    np.testing.assert_array_equal(bau.q_H.values, 1.0)
    np.testing.assert_array_equal(bau.q_F.values, 1.0)
    np.testing.assert_array_equal(bau.Z_H_eff.values, bau.Z_H.values)


def test_raising_f_cuts_new_household_lending_by_the_stated_ratio(open_):
    """f = 0.3: gross new household lending L_H_dot + rho_H L_H is (1 - 0.3)/(1 - 0.2) = 7/8 of chi_H Z_H in every
    year, autonomous consumption loses 1/8 of its loan-financed part, and the household debt ratio ends lower."""
    bau, cr = open_
    gross = (cr.L_H_dot + cr.rho_H * cr.L_H).values
    np.testing.assert_allclose(gross, 0.875 * (cr.chi_H * cr.Z_H).values, rtol=1e-12)
    chi_H = float(cr.chi_H.values.flat[0])
    assert 0.0 < chi_H < 1.0
    np.testing.assert_allclose(cr.Z_H_eff.values, cr.Z_H.values * (1 - chi_H / 8), rtol=1e-12)
    # the stock follows the flow: L_H's finite-difference slope is the gross lending less repayment
    slope = np.gradient(cr.L_H.values, T)
    np.testing.assert_allclose(slope[1:-1], cr.L_H_dot.values[1:-1], rtol=2e-2)
    assert float(cr.d_H.sel(time=2100)) < float(bau.d_H.sel(time=2100)) - 0.02


def test_at_full_productive_share_household_lending_stops():
    """f = 1: no new household credit (the debt is only repaid, at rho_H), autonomous consumption keeps only
    its part not financed by loans, and constrained firms' investment is bounded (at most 1 + xi)."""
    dg = directed_growth(overrides={"xi": 0.3})
    ds = model.simulate(dg, None, Policy("all", f_prod=1.0), t_span=(2025, 2100), t_eval=T)
    np.testing.assert_array_equal(ds.q_H.values, 0.0)
    np.testing.assert_allclose(ds.L_H_dot.values, -(ds.rho_H * ds.L_H).values, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ds.Z_H_eff.values, ((1 - ds.chi_H) * ds.Z_H).values, rtol=1e-12)
    np.testing.assert_allclose(ds.q_F.values, 1 + 0.3 * math.tanh(4.0), rtol=1e-12)
    assert float(ds.q_F.max()) < 1.3


def test_with_xi_zero_the_quantity_channel_is_shut_and_the_policy_lowers_demand(shut):
    """xi = 0: raising f leaves the constrained-firm factor at one; the household-credit cut lowers output on
    impact and private investment with it, and cumulative private investment and output in 2100 end below
    business as usual (the measured sign: the policy fails without the quantity channel)."""
    bau, cr = shut
    np.testing.assert_array_equal(cr.q_F.values, 1.0)
    assert float(cr.Y.sel(time=2026)) < float(bau.Y.sel(time=2026))
    assert float(cr.I_p.sel(time=2026)) < float(bau.I_p.sel(time=2026))
    assert float(cr.I_p.sum()) < float(bau.I_p.sum())
    assert float(cr.Y.sel(time=2100)) < float(bau.Y.sel(time=2100))


def test_with_xi_positive_private_investment_rises(open_):
    """xi = 0.1: in the start year (every stock equal) the investment share is 1 + 0.1 tanh(0.5) = 1.0462 times
    business as usual's (to the smooth cap's curvature), and cumulative private investment is higher."""
    bau, cr = open_
    q = 1 + 0.1 * math.tanh(0.3 / F_REF - 1)
    np.testing.assert_allclose(cr.q_F.values, q, rtol=1e-12)
    ratio = float(cr.h_eff.sel(time=2025) / bau.h_eff.sel(time=2025))
    assert ratio == pytest.approx(q, rel=1e-6)
    assert float(cr.I_p.sum()) > float(bau.I_p.sum())


def test_market_shaping_allocates_credit_along_its_ramp():
    """Market shaping raises f_prod from 0.2 to 0.3 over 2025-2035: q_H = (1 - f)/0.8 on the path (7/8 from
    2035); the Godley tables close (simulate checks them on every run)."""
    dg = directed_growth()
    ms = dg.meta.policy_path("market_shaping").factory()
    ds = model.simulate(dg, None, ms, t_span=(2025, 2100), t_eval=T)
    np.testing.assert_allclose(ds.q_H.values, (1 - ds.f_prod.values) / 0.8, rtol=1e-12)
    np.testing.assert_allclose(ds.q_H.sel(time=slice(2035, None)).values, 0.875, rtol=1e-12)
    assert float(ds.q_F.sel(time=2050)) == pytest.approx(1 + dg["xi"].default * math.tanh(0.5), rel=1e-12)


@pytest.mark.parametrize("c_w", [0.7, 0.8])
def test_exogenous_autonomous_spending_is_financed_at_most_dollar_for_dollar(c_w):
    """The replays' exogenous autonomous spending Z_Hx (z_H_shock, a share of trend output) carries new loans at
    min(chi_H, 1), the rest of Z_H at chi_H (households block): gross new lending is chi_H (Z_H - Z_Hx) +
    min(chi_H, 1) Z_Hx in every year. c_w 0.7 gives chi_H 0.75 at the US default start (the shock financed at
    chi_H, as before), c_w 0.8 gives chi_H 3.19 (at one)."""
    from model import piecewise

    dg = directed_growth(overrides={"c_w": c_w})
    chi_H = float(dg["chi_H"].default)
    assert (chi_H < 1.0) == (c_w == 0.7)
    years = np.arange(2025.0, 2031.0)
    shock = piecewise([2025.0, 2026.0, 2030.0], [0.0, 0.02, 0.02])
    ds = model.simulate(dg, None, Policy("bau"), t_span=(2025, 2030), t_eval=years, exogenous={"z_H_shock": shock})
    np.testing.assert_array_equal(ds.q_H.values, 1.0)
    Z_Hx = ds.Z_Hx.values
    assert Z_Hx[-1] == pytest.approx(0.02 * float(ds.Y_T.values.flat[-1]), rel=1e-12)
    gross = (ds.L_H_dot + ds.rho_H * ds.L_H).values
    np.testing.assert_allclose(gross, chi_H * (ds.Z_H.values - Z_Hx) + min(chi_H, 1.0) * Z_Hx, rtol=1e-12)

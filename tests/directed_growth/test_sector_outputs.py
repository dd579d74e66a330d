"""Clean and dirty sector outputs, and emissions as dirty output times its intensity (issue 13, item 1: "Emissions
follow the dirty sector's output and its intensity")."""

import numpy as np
import pytest

import model
from model import Policy
from model.directed_growth import policies
from model.directed_growth.factory import US_2025, directed_growth
from model.directed_growth.mechanisms.emissions import THETA2

SPAN = (2025, 2100)


@pytest.fixture(scope="module")
def clean_emits_nothing():
    """The model with clean output emitting nothing (phi_g = 0), its start derived again (sigma_b from the
    start-year emissions)."""
    return directed_growth(overrides={"phi_g": 0.0})


def test_green_share_of_output_is_capacity_weighted_by_aabh_productivity(dg):
    """y_g = K_g q / (K_g q + K_b), q = (x / x_0)^(1 - alpha), x = A_g / A_b, from the saved stocks; in the start
    year it is the green share of capital (the start data's 10%); Y_c + Y_d = Y."""
    ds = model.simulate(dg, None, policies.all_paths(), t_span=SPAN)
    alpha = dg["alpha_m"].default
    x = ds.A_g / ds.A_b
    q = (x / x.isel(time=0)) ** (1 - alpha)
    y_g = ds.K_g * q / (ds.K_g * q + ds.K_b)
    np.testing.assert_allclose(ds.y_g.values, y_g.values, rtol=1e-12)
    np.testing.assert_allclose(ds.y_g.isel(time=0).values, 0.1, rtol=1e-12)
    np.testing.assert_allclose((ds.Y_c + ds.Y_d).values, ds.Y.values, rtol=1e-14)
    assert float(ds.y_g.min()) > 0 and float(ds.y_g.max()) < 1
    # business as usual: research stays dirty (AABH's laissez-faire from dirty-ahead), so a unit of green
    # capital makes less and less output relative to brown, and the green share of output falls below capital's
    bau = ds.sel(policy="bau", time=slice(2030, None))
    assert float((bau.y_g - bau.K_g / (bau.K_g + bau.K_b)).max()) < 0


def test_without_research_outputs_are_in_proportion_to_capital():
    """No knowledge growth (gamma_A = kappa_M = 0): A_g / A_b stays at its start value, and each sector's output
    is in proportion to its capital, y_g = K_g / K, on every path."""
    system = directed_growth(overrides={"gamma_A": 0.0, "kappa_M": 0.0})
    ds = model.simulate(system, None, policies.all_paths(), t_span=SPAN)
    np.testing.assert_allclose(ds.y_g.values, (ds.K_g / (ds.K_g + ds.K_b)).values, rtol=1e-12)


def test_emissions_over_dirty_output_are_its_intensity_after_abatement(clean_emits_nothing):
    """phi_g = 0: E_dom / Y_d = sigma_b (1 - mu_eff) under a carbon price and an emissions standard (market
    fixing and market shaping), and the start-year emissions are still the start data's (4.9 Gt, US)."""
    ds = model.simulate(clean_emits_nothing, None, policies.all_paths(), t_span=SPAN)
    np.testing.assert_allclose((ds.E_dom / ds.Y_d).values, (ds.sigma_b * (1 - ds.mu_eff)).values, rtol=1e-12)
    assert float(ds.mu_eff.sel(policy="market_fixing").max()) > 0.1  # abatement is at work
    np.testing.assert_allclose(ds.E_dom.isel(time=0).values, US_2025["E_dom"], rtol=1e-12)


def test_without_abatement_cumulative_emissions_follow_dirty_output(clean_emits_nothing):
    """phi_g = 0, no carbon price and no standard (BAU): emissions are sigma_b0 exp(-g_sigma (t - t0)) Y_d
    (the brown intensity's closed form), so cumulative emissions (the outcome) are the integral of that times
    dirty output; doubling dirty output at given intensity would double them."""
    system = clean_emits_nothing
    ds = model.simulate(system, None, Policy("bau"), t_span=SPAN)
    t = ds.time.values
    sigma = float(ds.sigma_b.isel(time=0)) * np.exp(-system["g_sigma"].default * (t - t[0]))
    np.testing.assert_allclose(ds.sigma_b.values, sigma, rtol=1e-6)
    np.testing.assert_allclose(ds.E_dom.values, sigma * ds.Y_d.values, rtol=1e-6)
    from model.directed_growth.outcomes import outcome_metrics

    cum = float(outcome_metrics(ds).cum_emissions_domestic)
    np.testing.assert_allclose(cum, np.trapezoid(sigma * ds.Y_d.values, t), rtol=1e-6)


def test_abatement_cost_and_the_standard_use_the_dirty_share_of_output(dg):
    """The abatement cost share is DICE's cost per unit of brown output on dirty output,
    theta_1 mu_eff^2.6 (1 - y_g) with theta_1 = p_back sigma_b / 1000 / 2.6; the support block's net cost of
    the emission standard is on the same dirty share (market shaping, with a standard and a carbon price)."""
    ds = model.simulate(dg, None, policies.all_paths(), t_span=SPAN)
    conv = dg["conv"].default
    theta1 = ds.p_back * ds.sigma_b * conv / THETA2
    np.testing.assert_allclose(ds.ac_share.values, (theta1 * ds.mu_eff ** THETA2 * (1 - ds.y_g)).values,
                               rtol=1e-12, atol=1e-300)
    ms = ds.sel(policy="market_shaping", time=slice(2030, None))
    std, mu = ms.emission_std, ms.mu
    th1 = theta1.sel(policy="market_shaping", time=slice(2030, None))
    c_std = ((1 - ms.y_g) * (th1 * ((mu + (1 - mu) * std) ** 2.6 - mu ** 2.6)
                             - conv * ms.carbon_price * ms.sigma_b * (1 - mu) * std))
    np.testing.assert_allclose(ms.c_std.values, c_std.values, rtol=1e-10)
    assert float(ms.c_std.min()) > 0

"""AABH (2012) inside directed growth (issue 13, item 1): research directed by expected profits, path dependence,
and a temporary carbon tax with a clean research subsidy that switches research to clean for good."""

import json

import numpy as np
import pytest

import model
from model import Policy, piecewise, step
from model.directed_growth.factory import directed_growth

ALPHA = 1.0 / 3.0


def at(eps: float):
    """The model with elasticity ``eps``, its start state derived again (dirty knowledge depends on it)."""
    return directed_growth(overrides={"eps_cd": eps})


def temporary(end: float, q: float = 2.0) -> Policy:
    """A carbon price of 100 USD/t and a clean research subsidy q, both ended at ``end``."""
    return Policy(f"temporary to {end}", carbon_price=piecewise([2025, 2030, end - 1, end], [0, 100, 100, 0]),
                  clean_rd_subsidy=step(end, q, 0.0))


@pytest.mark.parametrize("eps", [1.8, 3.0, 10.0])
def test_laissez_faire_from_dirty_ahead_keeps_research_dirty(eps):
    """No policy, dirty knowledge ahead: AABH's laissez-faire, research stays dirty and the gap widens; the start
    reproduces the green/brown capital ratio as AABH's clean/dirty output ratio (A_g/A_b)^(eps (1 - alpha))."""
    ds = model.simulate(at(eps), None, Policy("bau"), t_span=(2025, 2100))
    x = ds.A_g / ds.A_b
    k0 = ds.K_g.isel(time=0) / ds.K_b.isel(time=0)
    np.testing.assert_allclose(float(x.isel(time=0)) ** (eps * (1 - ALPHA)), float(k0), rtol=1e-12)
    assert float(ds.s_g.max()) < 1e-6
    assert float(x.isel(time=-1)) < float(x.isel(time=0))


@pytest.mark.parametrize("eps, end", [(3.0, 2090.0), (10.0, 2060.0)])
def test_temporary_tax_and_clean_subsidy_switch_research_for_good(eps, end):
    """eps > 1.5: a carbon price with a clean research subsidy moves research to clean, clean knowledge overtakes
    dirty, and research stays clean after both end (AABH 2012, Section IV)."""
    ds = model.simulate(at(eps), None, temporary(end), t_span=(2025, 2130))
    assert float(ds.s_g.sel(time=2035)) > 0.99
    over = ds.time.values[(ds.A_g > ds.A_b).values]
    assert over.size and over[0] < end - 5
    late = ds.sel(time=slice(end + 5, None))
    assert float(late.clean_rd_subsidy.max()) == 0 and float(late.carbon_price.max()) == 0
    assert float(late.s_g.min()) > 0.99
    # the clean research subsidy is booked (R&D subsidy row): the Godley tables close
    assert max(json.loads(ds.attrs["provenance"])["identity_max_residual"].values()) < 1e-10
    assert float(ds.S_rd.sel(time=2050)) > 0


def test_policy_ended_before_clean_overtakes_does_not_last(dg):
    """Path dependence: ended while dirty knowledge is still ahead, the policy leaves research to go back to dirty."""
    ds = model.simulate(dg, None, temporary(2040.0), t_span=(2025, 2080))
    assert float(ds.s_g.sel(time=2035)) > 0.99
    assert float((ds.A_g / ds.A_b).sel(time=2040)) < 1
    assert float(ds.s_g.sel(time=2050)) < 0.01


def test_knowledge_growth_is_the_growth_of_aabh_aggregate_knowledge(dg):
    """g_A is the growth rate of (A_g^phi' + A_b^phi')^(1/phi'), phi' = (1 - alpha)(eps - 1), AABH's laissez-faire
    output at unit labour, also while research switches (central differences on a 0.01-year grid)."""
    eps = 3.0
    ds = model.simulate(at(eps), None, temporary(2090.0), t_span=(2025, 2045),
                        t_eval=np.linspace(2025, 2045, 2001))
    p = (1 - ALPHA) * (eps - 1)
    log_index = np.log(ds.A_g.values ** p + ds.A_b.values ** p) / p
    growth = np.gradient(log_index, ds.time.values)
    np.testing.assert_allclose(growth[1:-1], ds.g_A.values[1:-1], rtol=2e-3, atol=2e-6)


@pytest.mark.parametrize("eps", [1.8, 3.0, 10.0])
def test_carbon_price_that_equalises_research_profits_at_the_start(eps):
    """At the start A_g/A_b = (K_g/K_b)^(1/(eps (1 - alpha))), so clean and dirty research are equally profitable
    (s_g = 1/2) when eps ln(1 + tau_d) = ((eps - 1)/eps) ln(K_b/K_g), tau_d = price sigma_b_ref 1e-3 / f_b: the
    closed-form price gives s_g = 1/2, 10% more gives clean research (s_g > 0.9), 10% less dirty (s_g < 0.1)."""
    dg = at(eps)
    k = dg["K_b"].default / dg["K_g"].default
    tau_d = k ** ((eps - 1) / eps ** 2) - 1
    price = tau_d * dg["f_b"].default / (dg["sigma_b_ref"].default * dg["conv"].default)
    s_g = [float(model.simulate(dg, None, Policy(f"{f}", carbon_price=f * price), t_span=(2025, 2026)).s_g[0])
           for f in (0.9, 1.0, 1.1)]
    assert s_g[0] < 0.1 and s_g[2] > 0.9
    np.testing.assert_allclose(s_g[1], 0.5, atol=1e-9)

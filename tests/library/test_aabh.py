"""AABH (2012) in continuous time against the paper's closed forms and its propositions.

Closed forms: AABH Section II (relative prices, labour allocation, eq. 17 for the sector outputs,
expected profits of research); economics.md section 5 (profit ratio, the strong-substitutes threshold
epsilon > 1/(1 - alpha) and dirty output's growth alpha + phi = 1 - epsilon (1 - alpha) times clean growth).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

import model
from model.cli.commands import main
from model.library import aabh
from model.library.aabh import S_0, S_BAR, YC0_5Y, YD0_5Y, aabh_start, strong_substitutes_threshold

ALPHA = 1.0 / 3.0
GAMMA_ETA = 0.02  # gamma = 1, eta_c = eta_d = 0.02 per year (AABH's calibration)
TIGHT = {"rtol": 1e-10, "atol": 1e-10}


@functools.cache
def system():
    return aabh()


@functools.cache
def compiled():
    return model.compile(system())


def run(epsilon: float, policy: model.Policy | None = None, initial: dict | None = None, T: float = 300.0,
        step: float = 1.0):
    ds = model.simulate(system(), {"epsilon": epsilon}, initial=initial or aabh_start(epsilon),
                        policies=[policy] if policy else None, t_span=(0.0, T),
                        t_eval=np.arange(0.0, T + step / 2, step), **TIGHT)
    return ds


def temporary(years: float, tau: float = 0.25, q: float = 1.0) -> model.Policy:
    """A carbon tax on the dirty input and a clean research subsidy, both ended after ``years``."""
    return model.Policy(f"temporary_{years:g}", tau=model.step(years, tau, 0.0), q=model.step(years, q, 0.0))


def values(ds, name: str, t0: float | None = None, t1: float | None = None) -> np.ndarray:
    return ds[name].sel(time=slice(t0, t1)).values


# ------------------------------------------------------------------------------------- equilibrium


@pytest.mark.parametrize("epsilon,tau,q", [(3.0, 0.0, 0.0), (3.0, 0.4, 0.5), (10.0, 0.1, 2.0), (1.2, 0.2, 0.0),
                                           (0.5, 0.3, 1.0)])
@pytest.mark.parametrize("A_c,A_d", [(185.6, 460.4), (900.0, 120.0)])
def test_equilibrium_given_knowledge_is_aabh_closed_forms(epsilon, tau, q, A_c, A_d):
    cs = compiled()
    p = cs.param_vector({"epsilon": epsilon})
    pv = dict(zip(cs.parameters, p))
    o = {k: float(v) for k, v in cs.observed(0.0, cs.state_vector({"A_c": A_c, "A_d": A_d}), p,
                                             cs.inputs_table(model.Policy("w", tau=tau, q=q))).items()}
    a, e = ALPHA, epsilon
    phi = (1 - a) * (1 - e)
    assert o["phi"] == pytest.approx(phi, rel=1e-14)
    # wages equal across sectors: p_c^(1/(1-a)) A_c = p_d^(1/(1-a)) A_d
    assert o["p_c"] ** (1 / (1 - a)) * A_c == pytest.approx(o["p_d"] ** (1 / (1 - a)) * A_d, rel=1e-12)
    # the final good is the numeraire at the buyers' prices
    assert o["p_c"] ** (1 - e) + ((1 + tau) * o["p_d"]) ** (1 - e) == pytest.approx(1.0, rel=1e-12)
    # final-good producer's first-order condition: p_c/((1 + tau) p_d) = (Y_c/Y_d)^(-1/epsilon)
    assert o["p_c"] / ((1 + tau) * o["p_d"]) == pytest.approx((o["Y_c"] / o["Y_d"]) ** (-1 / e), rel=1e-12)
    assert o["Y_c"] / o["Y_d"] == pytest.approx((1 + tau) ** e * (A_c / A_d) ** (e * (1 - a)), rel=1e-10)
    assert o["L_c"] + o["L_d"] == pytest.approx(1.0, rel=1e-14)
    assert o["s_c"] + o["s_d"] == pytest.approx(1.0, rel=1e-14)
    # labour market clears: L_j is the labour sector j hires at the wage, Y_j = p_j^(a/(1-a)) L_j A_j
    wage = (1 - a) * o["p_d"] ** (1 / (1 - a)) * A_d
    assert (1 - a) * o["p_c"] * o["Y_c"] / wage == pytest.approx(o["L_c"], rel=1e-12)
    assert (1 - a) * o["p_d"] * o["Y_d"] / wage == pytest.approx(o["L_d"], rel=1e-12)
    Y = (o["Y_c"] ** ((e - 1) / e) + o["Y_d"] ** ((e - 1) / e)) ** (e / (e - 1))
    assert o["Y"] == pytest.approx(Y, rel=1e-12)
    if tau == 0.0:  # AABH eq. (17)
        Sphi = A_c ** phi + A_d ** phi
        assert o["Y_c"] == pytest.approx(Sphi ** (-(a + phi) / phi) * A_c * A_d ** (a + phi), rel=1e-12)
        assert o["Y_d"] == pytest.approx(Sphi ** (-(a + phi) / phi) * A_c ** (a + phi) * A_d, rel=1e-12)
        assert o["L_c"] == pytest.approx(A_d ** phi / Sphi, rel=1e-12)
    # expected research profits: a monopolist earns (1 - a) a p_j^(1/(1-a)) L_j A_j per unit of quality,
    # a scientist in j succeeds at rate eta_j; clean profits are subsidised at rate q
    profit = {j: pv[f"eta_{j}"] * o[f"p_{j}"] ** (1 / (1 - a)) * o[f"L_{j}"] * A for j, A in (("c", A_c), ("d", A_d))}
    assert o["log_profit_ratio"] == pytest.approx(math.log((1 + q) * profit["c"] / profit["d"]), abs=1e-12)
    # Roy allocation with shape kappa: s_c = Pi_c^kappa/(Pi_c^kappa + Pi_d^kappa) (to rounding of 1 + tanh)
    assert o["s_c"] == pytest.approx(1 / (1 + math.exp(-pv["kappa"] * o["log_profit_ratio"])), rel=1e-12, abs=1e-15)
    # net output: machines cost psi = alpha^2 each, x_j = p_j^(1/(1-a)) L_j A_j
    machines = sum(o[f"p_{j}"] ** (1 / (1 - a)) * o[f"L_{j}"] * A for j, A in (("c", A_c), ("d", A_d)))
    assert o["C"] == pytest.approx(o["Y"] - a ** 2 * machines, rel=1e-12)


@pytest.mark.parametrize("epsilon", [3.0, 10.0, 1.8, 0.5])
def test_calibrated_start_reproduces_2002_2006_energy_and_emissions(epsilon):
    cs = compiled()
    start = aabh_start(epsilon)
    p = cs.param_vector({"epsilon": epsilon})
    y = cs.state_vector(start)
    o = cs.observed(0.0, y, p)
    assert float(o["Y_c"]) == pytest.approx(YC0_5Y / 5, rel=1e-12)
    assert float(o["Y_d"]) == pytest.approx(YD0_5Y / 5, rel=1e-12)
    assert start["A_c"] / start["A_d"] == pytest.approx((307.77 / 1893.25) ** (1 / (epsilon * (1 - ALPHA))), rel=1e-12)
    # emissions 17.48 ppm per five years; half of them absorbed at S0 (AABH's calibration of delta)
    assert float(o["E"]) == pytest.approx(17.48251782 / 5, rel=1e-12)
    f = cs.rhs(0.0, y, p)
    assert f[cs.states.index("S")] == pytest.approx(-0.5 * 17.48251782 / 5, rel=1e-9)
    assert S_BAR == pytest.approx(840.0, rel=1e-15) and S_0 == pytest.approx(741.0, rel=1e-15)
    assert aabh_start(3.0)["A_c"] / aabh_start(3.0)["A_d"] == pytest.approx(0.403189, abs=1e-6)  # dirty ahead


def test_aabh_start_refuses_cobb_douglas():
    with pytest.raises(ValueError, match="epsilon = 1"):
        aabh_start(1.0)


# ------------------------------------------------------------------------------------- propositions


@pytest.mark.parametrize("epsilon", [3.0, 10.0, 1.8])
def test_laissez_faire_from_dirty_ahead_keeps_research_dirty(epsilon):
    ds = run(epsilon)
    assert float(ds.x[0]) < 1.0
    assert np.max(values(ds, "s_c")) < 1e-6
    assert np.all(np.diff(values(ds, "x")) < 0)  # dirty knowledge pulls further ahead
    assert values(ds, "g_d") == pytest.approx(GAMMA_ETA, abs=1e-7)
    assert float(ds.S[-1]) < 0  # AABH's environmental disaster


@pytest.mark.parametrize("epsilon,years", [(3.0, 60.0), (10.0, 40.0)])
def test_temporary_tax_and_subsidy_redirect_research_for_good(epsilon, years):
    """Strong substitutes: a temporary tax plus clean research subsidy lets A_c overtake A_d; after it
    ends research stays clean because clean is now the more profitable sector (path dependence)."""
    assert epsilon > strong_substitutes_threshold(ALPHA)
    ds = run(epsilon, temporary(years))
    assert np.min(values(ds, "s_c", 5.0, years)) > 0.99  # research moved to clean during the policy
    x = values(ds, "x")
    overtake = float(ds.time[np.argmax(x > 1.0)])
    assert x[0] < 1.0 and 0.0 < overtake < years  # clean knowledge overtakes dirty while the policy lasts
    assert np.min(values(ds, "s_c", years + 1.0, None)) > 1 - 1e-6  # and research stays clean afterwards
    after = ds.sel(time=slice(years + 1.0, None))
    assert np.all(after.g_c.values > after.g_d.values)
    assert np.all(np.diff(after.x.values) > 0)
    assert np.all(np.diff(after.Y_d.values) < 0)  # dirty output falls without any policy
    # the environment recovers to its pristine level and the smoothed cap holds (to the solver's tolerance)
    assert float(ds.S[-1]) == pytest.approx(S_BAR, abs=0.1) and np.all(values(ds, "S") < S_BAR + 1e-6)


def test_a_tax_ended_before_clean_overtakes_dirty_does_not_last():
    """The switch point is A_c = A_d (equal eta: Pi_c = Pi_d there without policy); ending earlier fails."""
    short, long = run(3.0, temporary(20.0)), run(3.0, temporary(60.0))
    assert float(short.x.sel(time=20.0)) < 1.0 < float(long.x.sel(time=60.0))
    assert np.max(values(short, "s_c", 25.0, None)) < 1e-6  # research returns to dirty
    assert np.min(values(long, "s_c", 65.0, None)) > 1 - 1e-6
    assert float(short.x[-1]) < float(short.x.sel(time=20.0))


@pytest.mark.parametrize("epsilon", [3.0, 1.55, 1.45, 1.2])
def test_all_clean_research_dirty_output_falls_iff_epsilon_above_threshold(epsilon):
    """With A_d fixed and A_c growing at gamma eta_c, d ln Y_d/dt = (alpha + phi) L_c gamma eta_c, so dirty
    output falls iff alpha + phi = 1 - epsilon (1 - alpha) < 0, i.e. epsilon > 1/(1 - alpha) = 1.5."""
    policy = model.Policy("all_clean", q=1e6)  # research all clean, no tax
    dt = 0.01
    ds = run(epsilon, policy, T=300.0, step=dt)
    start = aabh_start(epsilon)
    assert np.max(values(ds, "s_d")) < 1e-100
    assert values(ds, "A_d") == pytest.approx(start["A_d"], rel=1e-12)
    t = ds.time.values
    A_c = values(ds, "A_c")
    assert A_c == pytest.approx(start["A_c"] * np.exp(GAMMA_ETA * t), rel=1e-7)
    phi = (1 - ALPHA) * (1 - epsilon)
    assert ALPHA + phi == pytest.approx(1 - epsilon * (1 - ALPHA), abs=1e-15)
    Y_d = values(ds, "Y_d")
    growth = np.gradient(np.log(Y_d), dt)[1:-1]
    closed = ((ALPHA + phi) * values(ds, "L_c") * GAMMA_ETA)[1:-1]
    np.testing.assert_allclose(growth, closed, rtol=1e-4, atol=1e-9)
    falls = epsilon > strong_substitutes_threshold(ALPHA)
    assert np.all(np.diff(Y_d) < 0) if falls else np.all(np.diff(Y_d) > 0)
    # in the long run dirty output grows at (1 - epsilon (1 - alpha)) gamma eta (L_c -> 1)
    if epsilon == 3.0:  # L_c = 1/(1 + x^phi) = 0.9989 at t = 300
        assert growth[-1] == pytest.approx(-GAMMA_ETA, rel=2e-3)


def test_complements_temporary_policy_does_not_suffice():
    """epsilon < 1: research goes to the backward sector; after a temporary tax and subsidy it returns
    to the balanced allocation (eta_c = eta_d: s_c = 1/2) and dirty output keeps growing."""
    epsilon, years = 0.5, 60.0
    A_d = aabh_start(3.0)["A_d"]
    ds = run(epsilon, temporary(years), initial={"A_c": A_d, "A_d": A_d})  # from equal knowledge
    assert np.min(values(ds, "s_c", 0.0, years - 1.0)) > 0.5
    x_end = float(ds.x.sel(time=years))
    assert x_end > 1.0
    assert np.max(values(ds, "s_c", years + 1.0, None)) < 0.5  # research goes back towards dirty
    assert float(ds.s_c[-1]) == pytest.approx(0.5, abs=1e-3)
    assert float(ds.x[-1]) == pytest.approx(1.0, abs=1e-3)
    Y_d = values(ds, "Y_d", years + 1.0, None)
    assert np.all(np.diff(Y_d) > 0)
    # on the balanced path both knowledge stocks grow at gamma eta / 2, and so does dirty output
    assert math.log(Y_d[-1] / Y_d[-11]) / 10 == pytest.approx(GAMMA_ETA / 2, rel=1e-3)


def test_equations_command_prints_aabh(capsys):
    assert main(["equations", "aabh", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "s_c" in md and "tanh" in md

"""Political durability in the directed-growth model: public support, elections and electoral reversal."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import model
from model.directed_growth import directed_growth, policies
from model.directed_growth.outcomes import compare_policies, durable_policies, in_force
from model.errors import ModelError

FIRST = 2028.85  # US presidential election of November 2028
T_EVAL = np.round(np.arange(2025.0, 2036.0 + 1e-9, 0.05), 10)


@pytest.fixture(scope="module")
def dg():
    return directed_growth(politics=True)


def test_default_model_has_no_politics_and_durable_asks_for_it():
    plain = directed_growth()
    assert not {"y_m", "R_el", "S_pub", "s_0", "tau_y"} & set(plain.variables)
    assert len(plain.stocks) == 34 and len(plain.blocks) == 17  # README: 34 stocks in 17 blocks
    assert "reversals" not in {o.name for o in plain.meta.outcomes}
    with pytest.raises(ModelError, match=r"no politics blocks .*directed_growth\(politics=True\)"):
        policies.durable(plain, policies.market_shaping())
    with pytest.raises(ModelError, match=r"'s_0' is a name of the politics blocks"):
        directed_growth(overrides={"s_0": 0.7})


def test_politics_blocks_start_at_rest_and_feed_back_on_nothing_unless_a_policy_opts_in(dg):
    pols = [policies.bau(), policies.market_shaping()]
    a = model.simulate(dg, policies=pols, t_span=(2025, 2040))
    b = model.simulate(dg, {"b_c": 3.0, "b_y": 0.0, "s_0": 0.3}, policies=pols, t_span=(2025, 2040))
    c = model.simulate(directed_growth(), policies=pols, t_span=(2025, 2040))  # built without them
    for name in ("Y", "omega", "B", "E_dom"):  # the same to the integrator's tolerance (support is in its step control)
        np.testing.assert_allclose(a[name].values, b[name].values, rtol=1e-7)
        np.testing.assert_allclose(a[name].values, c[name].values, rtol=1e-7)
    assert not np.allclose(a.S_pub.values, b.S_pub.values)
    # at rest voters' weighted income growth is the balanced growth of income per head, g_Z - n (US: constant n)
    g_yd = a.g_yd.sel(policy="bau").values
    assert g_yd[0] == pytest.approx(dg["g_Z"].default - dg["n"].default, abs=1e-12)
    S0 = float(a.S_pub.sel(policy="bau").isel(time=0))
    assert S0 == pytest.approx(0.457 + 3.6 * g_yd[0], abs=1e-12)  # Hibbs's equation, support an auxiliary
    assert durable_policies(a) == []
    assert "reversals" not in compare_policies(a, system=dg, impulse=False).columns  # off by default


def test_the_uk_has_no_vote_function_and_durability_refuses_it():
    with pytest.raises(ModelError, match=r"^political durability: no vote function for GBR .*; valid: USA$"):
        directed_growth(country="gbr", politics=True)
    with pytest.raises(ModelError, match=r"no vote function for GBR"):
        policies.durable(directed_growth(country="GBR"), policies.market_shaping())


def test_support_far_above_threshold_nothing_reverts():
    dg = directed_growth(overrides={"s_0": 0.7}, politics=True)
    ms = policies.market_shaping()
    ds = model.simulate(dg, policies=[ms, policies.durable(dg, ms)], t_span=(2025, 2100))
    plain, dur = ds.sel(policy="market_shaping"), ds.sel(policy="market_shaping_durable")
    assert float(ds.S_pub.min()) > 0.6
    assert np.all(dur.R_el.values == 0.0)
    for lever in policies.LEVERS:  # identical to the rounding of calendar-year arithmetic
        np.testing.assert_allclose(dur[lever].values, plain[lever].values, rtol=1e-12, atol=1e-13, err_msg=lever)
    np.testing.assert_allclose(dur.Y.values, plain.Y.values, rtol=1e-6)
    assert max(json.loads(ds.attrs["provenance"])["identity_max_residual"].values()) < 1e-10  # Godley tables close
    df = compare_policies(ds, system=dg, impulse=False)
    assert df.loc["market_shaping_durable", "reversals"] == 0.0
    assert df.loc["market_shaping_durable", "years_in_force"] == pytest.approx(75.0, abs=1e-9)
    assert math.isnan(df.loc["market_shaping", "reversals"])


def test_policy_lowering_income_reverts_at_the_election_date(dg):
    cut = model.Policy("cut", description="public investment cut to 1% of trend output", i_G=0.01)
    pols = [policies.bau(), cut, policies.durable(dg, cut)]
    ds = model.simulate(dg, policies=pols, t_span=(2025, 2036), t_eval=T_EVAL)
    t = ds.time.values
    bau, plain, dur = (ds.sel(policy=p) for p in ("bau", "cut", "cut_durable"))
    # the policy lowers real disposable income per head over two election cycles (2025-2032.85)
    cycles = (t > 2025.5) & (t <= FIRST + 4)
    assert np.all(plain.y_h.values[cycles] < bau.y_h.values[cycles])
    assert float(dur.S_pub.sel(time=FIRST)) < 0.5 - 0.001  # the vote at the first election is lost
    R, i_G = dur.R_el.values, dur.i_G.values
    before, after = t < FIRST, t >= FIRST + 0.25
    assert np.all(R[before] == 0.0)  # not before the election date
    np.testing.assert_array_equal(i_G[before], 0.01)  # the policy's path until then
    assert R[np.searchsorted(t, FIRST + 0.25)] == pytest.approx(0.999, abs=1e-5)  # within the window
    i_bau = dg.variables["i_G"].default
    assert np.all(np.abs(i_G[after] - i_bau) <= 1.01e-3 * (i_bau - 0.01))  # business as usual's path after it
    assert max(json.loads(ds.attrs["provenance"])["identity_max_residual"].values()) < 1e-10  # Godley tables close
    df = compare_policies(ds, system=dg, impulse=False)
    assert df.loc["cut_durable", "reversals"] == 1.0
    assert df.loc["cut_durable", "first_reversal"] == pytest.approx(FIRST)
    # in the window 1 - R = exp(-k P(s)), P the pulse's integral (support below the threshold throughout)
    P = lambda s: s / 0.25 - np.sin(2 * np.pi * s / 0.25) / (2 * np.pi)  # noqa: E731
    inside = (t >= FIRST) & (t <= FIRST + 0.25)
    np.testing.assert_allclose(1 - R[inside], np.exp(-math.log(1000.0) * P(t[inside] - FIRST)), atol=2e-5)
    s = np.linspace(0.0, 0.25, 100_001)
    window = np.trapezoid(np.exp(-math.log(1000.0) * P(s)), s)
    # years in force: the trapezoid rule on the 0.05-year output grid, within 0.01 of the exact integral
    assert df.loc["cut_durable", "years_in_force"] == pytest.approx(FIRST - 2025 + window, abs=0.01)
    assert math.isnan(df.loc["cut", "reversals"]) and math.isnan(df.loc["bau", "years_in_force"])
    again = model.rerun(ds)  # the rules saved in the result (read as text, never evaluated) give the same run
    np.testing.assert_array_equal(again.R_el.values, ds.R_el.values)


def test_durable_business_as_usual_is_business_as_usual_and_the_calendar_is_the_countrys(dg):
    assert policies.durable(dg, policies.bau()) == policies.bau()
    ms = policies.durable(dg, policies.market_shaping())
    assert ms.name == "market_shaping_durable" and set(ms.rules) == set(policies.market_shaping().levers)
    assert (dg.variables["R_el_first"].default, dg.variables["R_el_interval"].default) == (FIRST, 4.0)



def test_in_force_is_the_durable_policy_with_the_reversal_stock_at_zero(dg):
    ms = policies.market_shaping()
    enacted = in_force(policies.durable(dg, ms), (2025.0, 2047.0))
    years = np.linspace(2025.0, 2047.0, 4401)
    for lever, path in ms.levers.items():  # ramps, piecewise paths and constants: exact on the whole-year nodes
        assert not isinstance(enacted.levers[lever], model.Rule), lever
        np.testing.assert_allclose(enacted.levers[lever](years), path(years), rtol=0, atol=1e-12, err_msg=lever)
    mf = in_force(policies.durable(dg, policies.market_fixing()), (2025.0, 2047.0))
    assert isinstance(mf.levers["i_G"], model.Rule)  # the fiscal rule depends on the state: still a rule
    assert "R_el" not in {s.name for s in mf.levers["i_G"].expr.free_symbols}
    assert in_force(ms, (2025.0, 2047.0)) == ms  # a policy that does not opt in is unchanged


def test_an_ensemble_of_durable_policies_reports_reversals_per_member(dg):
    """One member far above the threshold (s_0 = 0.7: nothing reverts, 11 years in force to 2036), one far
    below (s_0 = 0.3: reverted at the first election); business as usual does not opt in (NaN)."""
    cut = model.Policy("cut", description="public investment cut to 1% of trend output", i_G=0.01)
    # rtol 1e-8: at the default 1e-6 the adaptive steps can pass over the 2032 election's quarter-year window (see
    # test_the_default_tolerance_resolves_every_election_window); this test is about the reversal's accounting
    ens = model.ensemble(dg, {"s_0": [0.7, 0.3]}, [policies.bau(), policies.durable(dg, cut)], t_span=(2025, 2036),
                         variables=(), progress=False, rtol=1e-8)
    d = ens.sel(policy="cut_durable")
    np.testing.assert_array_equal(d.reversals.values, [0.0, 1.0])
    assert math.isnan(float(d.first_reversal[0])) and float(d.first_reversal[1]) == pytest.approx(FIRST)
    assert float(d.years_in_force[0]) == 11.0  # R exactly 0: the trapezoid of ones over 2025-2036
    # reverted: in force to 2028.85, then on the yearly grid 2028-2029 the trapezoid sees 1 - R(2029) with
    # 1 - R = exp(-k P(s)) in the window (s = 0.15), and about 0.001 after it
    x = math.exp(-math.log(1000.0) * (0.15 / 0.25 - math.sin(2 * math.pi * 0.15 / 0.25) / (2 * math.pi)))
    assert float(d.years_in_force[1]) == pytest.approx(3.5 + x + 0.003, abs=0.002)
    for o in ("reversals", "years_in_force", "first_reversal"):
        assert np.all(np.isnan(ens[o].sel(policy="bau").values)), o


def test_the_default_tolerance_resolves_every_election_window(dg):
    """A policy reverted at the first election (s_0 = 0.3, the second member of the ensemble above) and lost again
    in 2032: that window multiplies 1 - R by a further exp(-ln 1000), whatever the tolerance (rtol 1e-8 gives
    3.51132 years in force to 2036). Sensitive to the step sequence, since the pulses are not integrator stops:
    measured 3.511322 at rtol 1e-6 (122 steps) against 3.511315 at 1e-8 with the mark-up derived from the start's
    inflation datum; the start before it (the real lower bound moved by about 1e-12) took 105 steps at rtol 1e-6,
    passed over the 2032 window and gave 3.5148 (this test was then an expected failure)."""
    cut = model.Policy("cut", description="public investment cut to 1% of trend output", i_G=0.01)
    runs = [float(model.ensemble(dg, {"s_0": [0.7, 0.3]}, [policies.durable(dg, cut)], t_span=(2025, 2036),
                                 variables=(), progress=False, rtol=rtol).years_in_force.values.ravel()[1])
            for rtol in (1e-6, 1e-8)]
    assert runs[0] == pytest.approx(runs[1], abs=1e-4), runs


def test_visible_green_jobs_enter_support_only_through_their_coefficient():
    """The essay's 'visible local green jobs' (the green share of output above its start value) move support by
    b_g per unit; b_g = 0 by default (no published coefficient) and the start stays at rest either way."""
    from model.directed_growth import directed_growth

    shaping = directed_growth(country="USA").meta.policy_path("market_shaping").factory()
    t = np.arange(2025.0, 2028.01, 0.25)  # before the first election: the policy is the same in both runs
    runs = [model.simulate(directed_growth(country="USA", politics=True, overrides={"b_g": b}), None, shaping,
                           t_span=(2025, 2028.5), t_eval=t) for b in (0.0, 0.4)]
    assert directed_growth(country="USA", politics=True)["b_g"].default == 0.0
    lifted = runs[1].S_pub - runs[0].S_pub
    np.testing.assert_allclose(lifted.values, (0.4 * (runs[1].y_g - runs[1].y_g_ref)).values, rtol=1e-9, atol=1e-12)
    assert float(lifted.isel(time=0)) == 0.0 and float(lifted.isel(time=-1)) > 0

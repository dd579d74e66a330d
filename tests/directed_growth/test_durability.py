"""Political durability in the directed-growth model: public support, elections and electoral reversal."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import model
from model.directed_growth import directed_growth, policies
from model.directed_growth.outcomes import compare_policies, durable_policies

FIRST = 2028.85  # US presidential election of November 2028
T_EVAL = np.round(np.arange(2025.0, 2036.0 + 1e-9, 0.05), 10)


@pytest.fixture(scope="module")
def dg():
    return directed_growth()


def test_support_starts_at_rest_and_feeds_back_on_nothing_unless_a_policy_opts_in(dg):
    pols = [policies.bau(), policies.market_shaping()]
    a = model.simulate(dg, policies=pols, t_span=(2025, 2040))
    b = model.simulate(dg, {"b_c": 3.0, "b_y": 0.0, "s_0": 0.3}, policies=pols, t_span=(2025, 2040))
    for name in ("Y", "omega", "B", "E_dom"):  # the same to the integrator's tolerance (support is in its step control)
        np.testing.assert_allclose(a[name].values, b[name].values, rtol=1e-7)
    assert not np.allclose(a.S_pub.values, b.S_pub.values)
    S0 = dg.variables["S_pub"].default
    assert S0 == pytest.approx(0.457 + 3.6 * float(a.g_yd.sel(policy="bau").isel(time=0)), abs=1e-12)  # Hibbs
    assert float(a.S_pub.sel(policy="bau").isel(time=0)) == S0
    assert durable_policies(a) == []
    assert "reversals" not in compare_policies(a, system=dg, impulse=False).columns  # off by default


def test_support_far_above_threshold_nothing_reverts():
    dg = directed_growth(overrides={"s_0": 0.7})
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
    uk = directed_growth(country="GBR")
    assert (uk.variables["R_el_first"].default, uk.variables["R_el_interval"].default) == (2029.5, 5.0)

"""The demographic labour force follows the country's schedule over the whole run (issue 12, item 3:
"labour force from an exogenous demographic path (country projections)"; referee: "the labour force
grows 0.8%/yr for 75 years").

Closed form: with the participation response off (n_lam = 0) the labour force grows at the schedule's
rate r(t), so N(2100)/N(2025) = exp(integral of r over 2025-2100); r is piecewise linear, so the
integral is the sum of trapezoids between its points.
"""

import math

import numpy as np
import pytest

import model
from model.catalogue import rebuild
from model.directed_growth import directed_growth
from model.directed_growth.countries import country_start
from model.directed_growth.policies import bau

T0, T1 = 2025.0, 2100.0


def schedule_integral(points) -> float:
    """Integral over 2025-2100 [dimensionless] of a piecewise-linear rate through ``points`` that start in
    2025 and end in 2100 (the trapezoid rule is exact on each linear piece)."""
    assert points[0][0] == T0 and points[-1][0] == T1
    return sum(0.5 * (r0 + r1) * (y1 - y0) for (y0, r0), (y1, r1) in zip(points, points[1:]))


@pytest.fixture(scope="module")
def runs():
    out = {}
    for code in ("USA", "GBR"):
        dg = directed_growth(country=code)
        out[code] = dg, model.simulate(dg, {"n_lam": 0.0}, bau(), t_span=(T0, T1), rtol=1e-10, atol=1e-12)
    return out


def growth(ds, var: str = "N") -> float:
    """ln(x(2100) / x(2025)) of a run."""
    return math.log(float(ds[var].sel(time=T1)) / float(ds[var].sel(time=T0)))


@pytest.mark.parametrize("code", ["USA", "GBR"])
def test_the_labour_force_integrates_the_country_schedule(runs, code):
    _, ds = runs[code]
    expected = schedule_integral(country_start(code).n_path)
    for var in ("N", "N_demo"):
        assert math.exp(growth(ds, var)) == pytest.approx(math.exp(expected), rel=1e-6), var
    # the labour force grows at the schedule's rate in every year, not at its start-year rate
    years = np.arange(T0, T1 + 1)
    rate = np.gradient(np.log(ds.N.sel(time=years).values), years)
    np.testing.assert_allclose(rate[1:-1], country_start(code).labour_force_growth(years[1:-1]), atol=2e-5)


def test_the_two_schedules_in_numbers(runs):
    """US: 25 years at 0.3%/yr, then fading to 0 over 50 years: integral 0.075 + 0.075 = 0.15 (169.27 M to
    196.67 M). UK: 0.791%/yr fading to 0 over 75 years: integral 0.5 x 0.007909 x 75 = 0.2966, 35.93 M
    to 48.33 M (the referee's run grew the US labour force from 170 M to 316 M)."""
    assert schedule_integral(country_start("USA").n_path) == pytest.approx(0.15, rel=1e-12)
    us, uk = (runs[c][1].N for c in ("USA", "GBR"))
    assert float(us.sel(time=T1)) == pytest.approx(169.2747 * math.exp(0.15), rel=1e-6)
    assert float(us.sel(time=T1)) == pytest.approx(196.669, abs=1e-3)
    assert float(uk.sel(time=T0)) == pytest.approx(35.9291, abs=1e-4)
    assert float(uk.sel(time=T1)) == pytest.approx(35.92913 * math.exp(0.5 * 0.007909002 * 75), rel=1e-6)
    assert float(uk.sel(time=T1)) == pytest.approx(48.334, abs=1e-3)


def test_without_a_country_labour_force_growth_is_the_constant_n():
    """The reference model (economics.md's US numbers) and the historical replay have no schedule:
    n_shift is 0 and the demographic labour force grows at n throughout, as before."""
    dg = directed_growth()
    assert "n_shift" in dg.exogenous and "n_shift" not in dg.meta.exogenous and dg["n_shift"].default == 0.0
    ds = model.simulate(dg, None, bau(), t_span=(T0, T1), rtol=1e-10, atol=1e-12)
    assert growth(ds, "N_demo") == pytest.approx(75 * dg["n"].default, rel=1e-8)


def test_the_path_survives_a_rebuild_and_a_rerun(runs):
    dg, ds = runs["GBR"]
    assert rebuild(dg.origin).meta.exogenous["n_shift"] == dg.meta.exogenous["n_shift"]
    again = model.rerun(ds)
    np.testing.assert_allclose(again.N.values, ds.N.values, rtol=1e-12)


def test_a_drawn_or_overridden_n_moves_the_whole_schedule_in_parallel(runs):
    """n is the start-year rate: an ensemble draw of it (each draw starting at rest: consistent_draws
    derives g_Z from it) and the low schedule run as a scenario (n at its start-year rate, n_shift its
    departure from it)."""
    dg, _ = runs["USA"]
    cs = country_start("USA")
    draws = {"n": np.array([0.002, 0.003, 0.005]), "n_lam": np.zeros(3)}
    ens = model.ensemble(dg, draws, bau(), t_span=(T0, T1), variables=("N_demo",), rtol=1e-10, atol=1e-12,
                         progress=False)
    got = np.log(ens.N_demo.sel(time=T1).values / ens.N_demo.sel(time=T0).values).ravel()
    shift = schedule_integral(cs.n_path) - 75 * cs.labour_force_growth(T0)
    np.testing.assert_allclose(got, 75 * draws["n"] + shift, rtol=1e-6)
    low = directed_growth(country="USA", overrides={"n": cs.labour_force_growth(T0, "low")})
    ds = model.simulate(low, None, bau(), t_span=(T0, T1), exogenous={"n_shift": cs.labour_force_shift(T0, "low")},
                        rtol=1e-10, atol=1e-12)
    # low: 0.2%/yr to 2050, then falling to -0.5%/yr in 2100: 0.05 - 0.075 = -0.025
    assert schedule_integral(cs.n_path_low) == pytest.approx(-0.025, rel=1e-12)
    assert growth(ds, "N_demo") == pytest.approx(-0.025, rel=1e-6)

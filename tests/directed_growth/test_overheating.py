"""The overheating outcome (issue 14): years with annual-mean inflation above 5%/yr or an employment rate within
0.5 pp of its maximum ``lam_max``, checked on hand-built paths whose annual means are known in closed form, and per
ensemble member against the member's own kept paths and drawn ``lam_max``."""

import numpy as np
import pytest
import xarray as xr

from model.core.metadata import OutcomeContext, outcome_metrics as metrics
from model.directed_growth.outcomes import (
    OUTCOMES,
    OVERHEAT_INFLATION,
    OVERHEAT_LAM_GAP,
    overheating_text,
    yearly_means,
)
from model.errors import ModelError

YEARS = np.arange(2025.0, 2036.0)  # ten whole years, 2025-2034


def _paths(infl: np.ndarray, lam: np.ndarray, lam_max, t=YEARS) -> xr.Dataset:
    """Paths over (draw, time) with ``lam_max`` per draw."""
    dims = ("draw", "time")
    return xr.Dataset({"inflation": (dims, infl), "lam": (dims, lam), "lam_max": ("draw", np.asarray(lam_max, float))},
                      coords={"time": t, "draw": np.arange(infl.shape[0])})


def test_yearly_means_are_exact_for_paths_linear_between_saved_times():
    """x = 0.01 (t - 2025) has the mean 0.01 (k + 1/2) over year k, on the yearly grid and on a grid whose saved
    times miss the year boundaries (0.4 and 0.9 into each year), whose integral up to each boundary is then the
    linear path's; a NaN from 2031.2 on (a failed member) leaves years 2025-2030 and makes 2031-2034 NaN."""
    odd = np.sort(np.concatenate([2025.0 + np.arange(10) + 0.4, 2025.0 + np.arange(10) + 0.9, [2025.0, 2035.0]]))
    for t in (YEARS, odd):
        x = xr.DataArray(0.01 * (t - 2025.0), dims="time", coords={"time": t})
        m = yearly_means(x, x.to_dataset(name="x"))
        np.testing.assert_array_equal(m.year.values, YEARS[:-1])
        np.testing.assert_allclose(m.values, 0.01 * (np.arange(10) + 0.5), rtol=1e-12)
    fine = np.linspace(2025.0, 2035.0, 51)
    x = xr.DataArray(np.where(fine < 2031.2, 0.01 * (fine - 2025.0), np.nan), dims="time", coords={"time": fine})
    m = yearly_means(x, x.to_dataset(name="x")).values
    np.testing.assert_allclose(m[:6], 0.01 * (np.arange(6) + 0.5), rtol=1e-12)
    assert np.isnan(m[6:]).all()


def test_overheating_years_count_the_years_above_either_threshold_once():
    """On a yearly grid year k's mean is (x_k + x_{k+1})/2. Draw 0: inflation 6%/yr at 2027-2030 (years 2027,
    2028, 2029 at 6%; 2026 and 2030 at 4%, not counted) and employment 0.986 against lam_max 0.99 at 2029-2032
    (years 2029-2031 within 0.5 pp; 2029 already counted): 5 years. Draw 1, the same paths with lam_max 0.995:
    employment 0.9 pp short, 3 years. Draw 2: employment 0.976 at every time against its own lam_max 0.98: all 10
    years. Draw 3: draw 0's paths NaN from 2033.5 (a failed member): NaN."""
    infl = np.full((4, YEARS.size), 0.02)
    lam = np.full((4, YEARS.size), 0.96)
    infl[:2, 2:6] = 0.06  # 2027-2030
    lam[:2, 4:8] = 0.986  # 2029-2032
    lam[2] = 0.976
    infl[3], lam[3] = infl[0], lam[0]
    t = np.union1d(YEARS, [2033.5])  # a saved time at the failure: the paths linear between the years

    def on(a):
        return np.array([np.interp(t, YEARS, row) for row in a])

    infl_t, lam_t = on(infl), on(lam)
    infl_t[3, t > 2033.5] = lam_t[3, t > 2033.5] = np.nan
    ds = _paths(infl_t, lam_t, [0.99, 0.995, 0.98, 0.99], t)
    out = metrics(ds, (OUTCOMES["overheating_years"],))["overheating_years"].values
    np.testing.assert_array_equal(out[:3], [5.0, 3.0, 10.0])
    assert np.isnan(out[3])
    assert OVERHEAT_INFLATION == 0.05 and OVERHEAT_LAM_GAP == 0.005  # the thresholds the docstrings state
    o = OUTCOMES["overheating_years"]
    assert (o.units, o.better, o.needs, o.parameters) == ("year", "lower", ("inflation", "lam"), ("lam_max",))


def test_a_run_without_a_whole_year_has_no_overheating_count():
    """Half a year at 20%/yr inflation holds no whole year: NaN, not 0 (which would rank as the best)."""
    t = np.linspace(2025.0, 2025.5, 6)
    ds = _paths(np.full((1, t.size), 0.2), np.full((1, t.size), 0.96), [0.99], t)
    assert np.isnan(metrics(ds, (OUTCOMES["overheating_years"],))["overheating_years"].values).all()


def test_lam_max_comes_from_the_context_when_the_paths_lack_it(dg):
    """Paths without ``lam_max``: the context's parameter values, else the model's default (0.985); neither: an
    error naming it. Employment at 0.981 is within 0.5 pp of 0.985 (10 years) but not of 0.99 (0)."""
    ds = _paths(np.full((1, YEARS.size), 0.02), np.full((1, YEARS.size), 0.981), [0.0]).drop_vars("lam_max")
    o = (OUTCOMES["overheating_years"],)
    for ctx, years in ((OutcomeContext(system=dg), 10.0), (OutcomeContext(system=dg, params={"lam_max": 0.99}), 0.0)):
        assert metrics(ds, o, ctx)["overheating_years"].values.tolist() == [years]
    with pytest.raises(ModelError, match="lam_max"):
        metrics(ds, o, OutcomeContext())


def test_an_ensemble_member_overheats_at_its_own_drawn_lam_max(dg):
    """Members drawn with lam_max in [0.97, 0.975] under business as usual and under public investment raised to 6%
    of trend output (employment peaks near 0.968 in the 2020s; measured: 5, 4, 3 and 0 overheated years at lam_max
    0.9712, 0.9717, 0.9734, 0.9750): each member's overheating_years is the count from its own kept paths and its
    drawn lam_max, fewer years at a higher maximum; with ``variables=()`` the inflation and employment paths are
    computed for the outcome all the same (its needs) and not kept."""
    from model import Policy
    from model.analysis.draws import from_bounds
    from model.directed_growth import policies
    from model.solve.ensembles import ensemble

    draws = from_bounds(dg, ["lam_max"], 4, seed=0, ranges={"lam_max": (0.97, 0.975)})
    pols = [policies.bau(), Policy("boom", i_G=0.06)]
    kept = ensemble(dg, draws, pols, t_span=(2025, 2060), variables=("inflation", "lam"), progress=False)
    bare = ensemble(dg, draws, pols, t_span=(2025, 2060), variables=(), progress=False)
    assert "inflation" not in bare and "lam" not in bare and (kept.status.values == 0).all()
    np.testing.assert_array_equal(bare.overheating_years.values, kept.overheating_years.values)
    infl, lam = yearly_means(kept.inflation, kept), yearly_means(kept.lam, kept)
    hot = ((infl > 0.05) | (lam >= kept.lam_max - 0.005)).sum("year").transpose("policy", "draw")
    np.testing.assert_array_equal(kept.overheating_years.values, hot.values)
    boom = kept.overheating_years.sel(policy="boom").values[np.argsort(kept.lam_max.values)]
    assert boom[0] > 0 and np.all(np.diff(boom) <= 0), boom
    assert (kept.overheating_years.sel(policy="bau").values == 0).all()


def test_the_overheating_lines_give_the_share_with_20_years_or_more_and_the_median():
    """Plausible members only (NaN left out): 2 of 4 with 20 years or more, median (3 + 20)/2."""
    ens = xr.Dataset({"overheating_years": (("policy", "draw"), [[0.0, 3.0, 20.0, 31.0, np.nan],
                                                                 [np.nan] * 5])},
                     coords={"policy": ["bau", "market_shaping"]})
    lines = overheating_text(ens).splitlines()
    assert lines[0].startswith("Overheating (years with annual-mean inflation above 5%/yr or employment within 0.5 "
                               "pp of its maximum lam_max")
    assert lines[1] == "- bau: 20 years or more in 2 of 4 members (50.00%); median 11.5 years."
    assert lines[2] == "- market_shaping: no plausible member."

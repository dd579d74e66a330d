"""Scenario discovery on constructed ensembles whose flip region is known."""

import numpy as np
import pytest
import xarray as xr

from model.analysis.discovery import beats, deciding_parameters, failure_regions, flip_regions, report
from model.errors import ModelError


def fake_ensemble(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    x, z = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    growth_b = 0.02 + 0.001 * z
    growth_a = growth_b + 0.01 * (x - 0.3)  # a wins on growth exactly where x > 0.3
    temp_b = 2.5 + 0 * z
    temp_a = temp_b - 0.2  # a always cooler
    # the direction of each outcome comes from its attribute 'better' (the model's outcome registry)
    ds = xr.Dataset({"avg_growth": (("policy", "draw"), np.stack([growth_a, growth_b]), {"better": "higher"}),
                     "T_end": (("policy", "draw"), np.stack([temp_a, temp_b]), {"better": "lower"}),
                     "x": ("draw", x, {"drawn": 1, "long_name": "mission elasticity", "units": "1/year"}),
                     "z": ("draw", z, {"drawn": 1})},
                    coords={"policy": ["market_shaping", "market_fixing"], "draw": np.arange(n)})
    ds["avg_growth"][0, 5] = np.nan  # a failed member is left out, not counted as a loss
    fail = np.stack([z > 0.8, np.zeros(n, bool)])  # a fails exactly where z > 0.8
    ds["status"] = (("policy", "draw"), np.where(fail, 3, 0).astype(np.int8))
    ds["t_reached"] = (("policy", "draw"), np.where(fail, 2070.0, 2100.0))
    ds["failure"] = (("policy", "draw"), np.where(fail, "model 'm': the step size underflowed at t=2070", ""))
    return ds, x


AB = ("market_shaping", "market_fixing")


def test_probability_and_flip_region_are_found():
    ens, x = fake_ensemble()
    tab = beats(ens, *AB)
    ok = np.arange(x.size) != 5
    assert tab.loc["avg_growth", "p_beats"] == pytest.approx(np.mean(x[ok] > 0.3), abs=1e-12)
    assert tab.loc["avg_growth", "n"] == x.size - 1
    assert tab.loc["T_end", "p_beats"] == 1.0 and tab.loc["T_end", "better"] == "lower"
    # a fails (and b does not) exactly where z > 0.8: those draws count as losses of a
    a_only = int(np.sum(ens.z.values > 0.8))
    assert tab.loc["T_end", "a_fails_only"] == a_only and tab.loc["T_end", "b_fails_only"] == 0
    both = np.sum(ens.z.values <= 0.8)  # draws where both integrate (a always cooler there)
    assert tab.loc["T_end", "p_beats_failures_count"] == pytest.approx(both / (both + a_only))
    res = flip_regions(ens, "avg_growth", *AB, max_depth=1)
    (lose,) = [r for r in res["regions"] if r["p_beats"] < 0.5]
    (name, op, thr), = lose["conditions"]
    assert (name, op) == ("x", "<=") and thr == pytest.approx(0.3, abs=0.01)
    assert lose["p_beats"] == 0.0 and lose["share"] == pytest.approx(0.3, abs=0.03)
    assert "loses mainly where x <= 0.3" in res["text"]
    assert deciding_parameters(ens, "avg_growth", *AB).index[0] == "x"
    assert "does not flip" in flip_regions(ens, "T_end", *AB)["text"]
    text = report(ens, *AB, outcomes=["avg_growth", "T_end"])
    assert "market_shaping beats market_fixing on avg_growth" in text and "T_end" in text
    # the parameters the text names (x decides growth; z where market shaping fails), in words where known
    assert text.splitlines()[-1] == "Parameters named above, in words: x: mission elasticity [1/year]; z."


def test_failure_regions_find_where_members_fail():
    ens, _ = fake_ensemble()
    z = ens.z.values
    res = failure_regions(ens, "market_shaping", max_depth=1)
    assert res["p_fail"] == pytest.approx(np.mean(z > 0.8))
    worst = res["regions"][-1]
    (name, op, thr), = worst["conditions"]
    assert (name, op) == ("z", ">") and thr == pytest.approx(0.8, abs=0.01) and worst["p_fail"] == 1.0
    assert "step size underflowed" in res["text"] and "first failure at 2070" in res["text"]
    assert "every one" in failure_regions(ens, "market_fixing")["text"]


def test_discovery_errors_are_clear():
    ens, _ = fake_ensemble(100)
    with pytest.raises(ModelError, match="not in the ensemble"):
        beats(ens, "bau", "market_fixing")
    with pytest.raises(ModelError, match="unknown outcome"):
        flip_regions(ens, "nope", *AB)
    with pytest.raises(ModelError, match="needs an ensemble"):
        beats(ens.isel(draw=0), *AB)


def test_ties_are_counted_and_reported_not_hidden_as_losses():
    """Issue 13's review: a durable ensemble's 'reversals' tied in 196 of 199 draws and the report said only
    'beats in 1%'. Ties are no win, and the report and table now say how many there are."""
    ens, x = fake_ensemble(n=1000, seed=3)
    reversals = np.stack([np.where(x > 0.9, 0.0, 1.0), np.ones(x.size)])  # a has fewer reversals where x > 0.9
    ens["reversals"] = (("policy", "draw"), reversals, {"better": "lower"})
    tab = beats(ens, *AB, outcomes=["reversals"])
    assert tab.loc["reversals", "ties"] == int(np.sum(x <= 0.9))
    assert tab.loc["reversals", "p_beats"] == pytest.approx(np.mean(x > 0.9), abs=1e-12)
    text = flip_regions(ens, "reversals", *AB, max_depth=1)["text"]
    share = f"{100 * np.mean(x <= 0.9):.0f}% of them tie"
    assert share in text, text
    ens["same"] = (("policy", "draw"), np.ones((2, x.size)), {"better": "lower"})
    assert "never beats market_fixing on same (lower is better) in any of 1,000 draws (100% of them tie" in \
        flip_regions(ens, "same", *AB)["text"]

"""The prior-sensitivity table on a toy ensemble whose verdict has a closed form.

Toy: path a beats path b on growth exactly where x > 0.4 (prior of x: U(0.2, 1.0)); a fails exactly where
w > 0.9 (prior U(0, 1), bounds [0, 1.2]), a loss for a; z has no effect. With failures as losses,
p = P(x > 0.4) P(w <= 0.9).
"""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from model.analysis.discovery import beats, prior_sensitivity, scaled_range, sensitivity_summary, sensitivity_text
from model.errors import ModelError

AB = ("market_shaping", "market_fixing")
PRIORS = {"x": (0.2, 1.0), "w": (0.0, 1.0), "z": (-1.0, 3.0)}
N = 4000


def _run(draws: pd.DataFrame) -> xr.Dataset:
    x, w, z = (draws[k].to_numpy() for k in ("x", "w", "z"))
    g_b = 0.02 + 0 * z
    g_a = g_b + 0.01 * (x - 0.4)
    fail = np.stack([w > 0.9, np.zeros(len(x), bool)])
    return xr.Dataset({"avg_growth": (("policy", "draw"), np.stack([g_a, g_b]), {"better": "higher"}),
                       "status": (("policy", "draw"), np.where(fail, 3, 0).astype(np.int8)),
                       **{k: ("draw", draws[k].to_numpy(), {"drawn": 1}) for k in draws}},
                      coords={"policy": list(AB), "draw": np.arange(len(x))})


def _draws(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({k: rng.uniform(lo, hi, N) for k, (lo, hi) in PRIORS.items()})


def test_scaled_ranges_keep_the_centre_zero_and_bounds():
    assert scaled_range(0.2, 1.0, 0.5) == pytest.approx((0.4, 0.8))
    assert scaled_range(0.2, 1.0, 1.5) == pytest.approx((0.0, 1.2))
    assert scaled_range(0.0, 1.0, 0.5) == (0.0, 0.75)  # zero stays in a range that held it
    assert scaled_range(-0.5, 1.0, 0.5) == (-0.125, 0.625)  # zero already inside
    assert scaled_range(0.0, 1.0, 1.5, bounds=(0.0, 1.2)) == (0.0, 1.2)
    with pytest.raises(ModelError, match="finite low < high"):
        scaled_range(1.0, 1.0, 0.5)


def test_the_table_moves_as_the_closed_form_says():
    draws = _draws()
    tab = prior_sensitivity(_run, draws, PRIORS, *AB, bounds={"w": (0.0, 1.2)})
    g = tab.xs("avg_growth", level="outcome")
    base = g.loc[("(base)", 1.0)]
    assert base["p"] == pytest.approx(beats(_run(draws), *AB).loc["avg_growth", "p_beats_failures_count"])
    assert base["p"] == pytest.approx(0.75 * 0.9, abs=3 * base["se"])
    closed = {("x", 0.5): ((0.4, 0.8), 1.0 * 0.9),     # x always above 0.4: a wins wherever it integrates
              ("x", 1.5): ((0.0, 1.2), 0.8 / 1.2 * 0.9),
              ("w", 0.5): ((0.0, 0.75), 0.75),          # zero kept: w never above 0.9, a never fails
              ("w", 1.5): ((0.0, 1.2), 0.75 * 0.9 / 1.2)}  # clipped to the bounds: a fails in a quarter
    for key, ((lo, hi), p) in closed.items():
        r = g.loc[key]
        assert (r["low"], r["high"]) == pytest.approx((lo, hi)), key
        assert r["p"] == pytest.approx(p, abs=3 * max(r["se"], 1e-3)), key
    # widening x's prior lowers p, narrowing it raises p, beyond the paired Monte Carlo error
    assert g.loc[("x", 0.5), "dp"] > 3 * g.loc[("x", 0.5), "se_dp"] > 0
    assert g.loc[("x", 1.5), "dp"] < -3 * g.loc[("x", 1.5), "se_dp"] < 0
    # a parameter without effect: the same draws win (common random numbers), p within its MC error
    for sc in (0.5, 1.5):
        assert abs(g.loc[("z", sc), "dp"]) <= 2 * g.loc[("z", sc), "se"]
    text = sensitivity_text(tab)
    assert f"avg_growth: base p = {100 * base['p']:.1f}% +- {100 * base['se']:.1f} pp ({N} draws)" in text
    (x_wide,) = [line for line in text.splitlines() if line.split()[:2] == ["x", "1.5"]]
    assert x_wide.endswith("*")  # the change is marked beyond two paired standard errors
    # the summary: x narrowed moves p most (closed form +0.225; w widened -0.1125, x widened and w narrowed 0.075)
    top = sensitivity_summary(tab).loc["avg_growth"]
    assert (top["parameter"], top["scale"]) == ("x", 0.5)
    assert top["dp"] == pytest.approx(0.9 - 0.75 * 0.9, abs=3 * top["se_dp"])
    assert top["significant"] and top["moved"] == 4  # x and w both ways; z moves nothing (same draws)
    assert top["p"] == pytest.approx(base["p"])
    assert any(line.split()[:3] == ["avg_growth", f"{100 * base['p']:.1f}", "x"] for line in text.splitlines())


def test_prior_sensitivity_refuses_names_not_drawn_or_out_of_range():
    draws = _draws()
    with pytest.raises(ModelError, match="'q' not among the drawn columns"):
        prior_sensitivity(_run, draws, {"q": (0, 1)}, *AB)
    with pytest.raises(ModelError, match="draws of 'x' span .* outside its stated prior"):
        prior_sensitivity(_run, draws, {"x": (0.5, 1.0)}, *AB)

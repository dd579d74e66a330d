#!/usr/bin/env python
"""Benchmark (opt-in): how the US verdict and failure share move if the speed of price adjustment ``eta_p`` were
drawn from its stated prior U[0.1, 0.6] instead of the price block's estimate N(0.428, 0.187) that the joint file
holds (issue 14, session 13).

Usage: ``python benchmarks/verdict_eta_p_prior.py ENSEMBLE.nc`` with ``ENSEMBLE.nc`` written by the README's
``dgm ensemble --country USA --draws 10000 --seed 0 --variables '' --out ENSEMBLE.nc``. The same members are
reweighted by the ratio of the two densities (importance sampling; members outside [0.1, 0.6] get weight 0): the
failed share per path and p(market shaping beats market fixing) with a failure or collapse on one path counted as a
loss for it, draws where both fail left out (as the ensemble report counts them). Nothing is re-run.
"""

from __future__ import annotations

import sys

import numpy as np
import xarray as xr
from scipy import stats

#: outcome -> +1 (higher is better) or -1
OUTCOMES = {"avg_growth": 1, "private_investment_rate": 1, "wage_share_mean": 1, "employment_mean": 1,
            "public_debt_end": -1, "cum_emissions_domestic": -1, "overheating_years": -1, "wage_income_growth": 1}
HELD, SE, BOUNDS, PRIOR = 0.428, 0.187, (0.0, 2.0), (0.1, 0.6)


def main(path: str) -> None:
    d = xr.open_dataset(path)
    ep = d["eta_p"].values
    a, b = (BOUNDS[0] - HELD) / SE, (BOUNDS[1] - HELD) / SE
    q = stats.truncnorm.pdf(ep, a, b, loc=HELD, scale=SE)
    w = np.where((ep >= PRIOR[0]) & (ep <= PRIOR[1]), 1 / (PRIOR[1] - PRIOR[0]), 0.0) / q
    print(f"{path}: {ep.size} members, {int((w > 0).sum())} inside the prior's range; Kish ESS of the weights "
          f"{w.sum() ** 2 / (w ** 2).sum():.0f}")
    cls = {p: d["member_class"].sel(policy=p).values for p in map(str, d.policy.values)}
    for p, c in cls.items():
        f = np.isin(c, ["implausible_without_damages", "not_integrating"])
        print(f"  failed {p}: {100 * f.mean():.2f}% as drawn, {100 * np.sum(w * f) / w.sum():.2f}% with eta_p from "
              "its prior")
    bs, bf = cls["market_shaping"] != "plausible", cls["market_fixing"] != "plausible"
    for o, sign in OUTCOMES.items():
        x, y = (d[o].sel(policy=p).values for p in ("market_shaping", "market_fixing"))
        win = np.where(bs, False, np.where(bf, True, sign * (x - y) > 0))
        keep = ~(bs & bf) & np.isfinite(np.where(bs | bf, 0.0, x - y))
        print(f"  p(shaping beats fixing) {o:<25} {100 * win[keep].mean():5.1f}% as drawn, "
              f"{100 * np.sum(w[keep] * win[keep]) / w[keep].sum():5.1f}% with eta_p from its prior")


if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/env python
"""Benchmark (opt-in): the joint posterior's ESS from the runs' spread with 6 independent nautilus runs instead of
the calibration's 3 (US, Mazzucato variant; about 12 minutes on 2 cores).

Usage: ``python benchmarks/nested_ess_runs.py``. The runs use the calibration's seeds (seed 0: 3000 + run), so runs
0-2 are the shipped file's and 3-5 new; prints per parameter the ESS from the 6 runs, from runs 0-2 (the shipped
file's value) and from runs 3-5, and R-hat over the 6. Why: with 3 runs the spread of the means has 2 degrees of
freedom, so a 3-run ESS is the true one times roughly 2 / chi-square(2) (issue 14, session 11 review).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from calibration.nested import nested_summary
    from calibration.pipeline import JOINT_WINDOW, nested_stage

    country, variant, runs = "USA", "mazzucato", 6
    start, end = JOINT_WINDOW[country]
    t = time.time()
    stage2, _ = nested_stage(country, start, end, (variant,), None, True, runs, 0, 2, True, print)
    rs = stage2[variant].runs
    d6, d3a, d3b = nested_summary(rs), nested_summary(rs[:3]), nested_summary(rs[3:])
    print(f"{time.time() - t:.0f} s; Kish ESS per run {[round(r.kish_ess) for r in rs]}")
    print(f"{'param':9s} {'ESS runs 6':>10s} {'0-2':>9s} {'3-5':>9s} {'R-hat 6':>8s}")
    for n in d6:
        print(f"{n:9s} {d6[n]['ess_runs']:10.0f} {d3a[n]['ess_runs']:9.0f} {d3b[n]['ess_runs']:9.0f} "
              f"{d6[n]['rhat']:8.4f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Benchmark: whole-model least squares with exact sensitivities against finite differences (issue 4).

Usage: ``python benchmarks/calibration.py [--repeat N]``. The fit is the synthetic
recovery problem of ``tests/test_calibration_least_squares.py`` (five parameters of
the directed-growth model, four noisy series 2025-2060), from the defaults and from
three Latin-hypercube starts within the declared bounds. Prints, per Jacobian
method, the model integrations (plain solves plus sensitivity solves), scipy's
iterations and the median wall time after a warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "calibration"))

import numpy as np
from test_calibration_least_squares import TRUTH, problem, synthetic_targets

from calibration.least_squares import fit_least_squares
from model.directed_growth.factory import directed_growth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    dg = directed_growth()
    targets = synthetic_targets(dg, 1)
    from scipy.stats import qmc

    base = problem(dg, targets)
    lo, hi = base.lower, base.upper
    centre = base.p0[base.idx]
    # starts within +-50% of the defaults (clipped to the bounds): wide enough to need several iterations
    starts = [centre] + list(np.clip(qmc.scale(qmc.LatinHypercube(d=centre.size, seed=3).random(3),
                                               0.5 * centre, 1.5 * centre), lo, hi))
    print(f"{'jac':8s} {'start':>5s} {'integrations':>12s} {'sens. solves':>12s} {'iterations':>10s} "
          f"{'time [ms]':>10s} {'max |x - truth| / se':>22s}")
    for jac in ("exact", "2-point"):
        fit_least_squares(problem(dg, targets), centre, jac=jac)  # warm-up (imports, compiled code)
        for i, x0 in enumerate(starts):
            times = []
            for _ in range(args.repeat):
                prob = problem(dg, targets)
                t = time.perf_counter()
                fit, rep = fit_least_squares(prob, x0, jac=jac)
                times.append(time.perf_counter() - t)
            ev = rep["evaluations"]
            dev = max(abs(fit.values[k] - v) / fit.se[k] for k, v in TRUTH.items())
            print(f"{jac:8s} {i:5d} {ev['integrations']:12d} {ev['jacobian']:12d} "
                  f"{rep['starts'][0]['nfev']:10d} {1e3 * statistics.median(times):10.1f} {dev:22.2f}")

    print("\ncost of one Jacobian of the 144 residuals against the number of parameters k")
    print(f"{'k':>4s} {'exact [ms]':>11s} {'2-point, k+1 solves [ms]':>25s}")
    names = [q for q in dg.parameters if dg[q].tunable and dg[q].default not in (0.0, None)]
    for k in (1, 5, 10, 20, 40):
        prob = type(base)(dg, targets, names[:k])
        theta = prob.p0[prob.idx]
        prob.jacobian(theta)
        t = time.perf_counter()
        for _ in range(args.repeat):
            prob.jacobian(theta)
        t_exact = (time.perf_counter() - t) / args.repeat
        t = time.perf_counter()
        for _ in range(args.repeat):
            for _ in range(k + 1):
                prob.residuals(theta)
        t_fd = (time.perf_counter() - t) / args.repeat
        print(f"{k:4d} {1e3 * t_exact:11.1f} {1e3 * t_fd:25.1f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Benchmark (opt-in): one country's joint calibration end to end (issue 14: under 15 minutes per country).

Usage: ``python benchmarks/bench_calibrate.py [--country USA] [--runs 4] [--walkers 24] [--steps 6000]
[--out DIR]``. Runs :func:`calibration.pipeline.calibrate_joint` (stage 1 MCMC, stage 2 importance sampling
under both impulse-response variants), prints the wall time in minutes per stage and in total, the stage-1
diagnostics (minimum ESS, maximum R-hats) and the Kish ESS of stage 2, and with ``--out`` writes the parameter
file and its posterior tables there. Nothing is asserted: the machine's load decides the time (say it when
quoting a number).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--country", default="USA", choices=("USA", "GBR"))
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--walkers", type=int, default=24)
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="directory for the parameter file and its tables")
    a = ap.parse_args()
    from calibration.pipeline import calibrate_joint

    t0 = time.perf_counter()
    jc = calibrate_joint(a.country, runs=a.runs, walkers=a.walkers, steps=a.steps, seed=a.seed,
                         progress=lambda m: print(f"[{(time.perf_counter() - t0) / 60:5.1f} min] {m}", flush=True))
    total = time.perf_counter() - t0
    load = os.getloadavg()[0]
    d = jc.stage1.diagnostics
    print(f"{a.country}: {total / 60:.1f} min total (load average {load:.1f} on {os.cpu_count()} cores)")
    for k, v in jc.seconds.items():
        print(f"  {k}: {v / 60:.2f} min")
    print(f"  stage 1: min ESS {min(x['ess'] for x in d.values()):.0f}, "
          f"max R-hat {max(x['rhat'] for x in d.values()):.4f}"
          f", max across-run R-hat {max(x.get('rhat_runs', float('nan')) for x in d.values()):.4f}")
    for v, r in jc.stage2.items():
        print(f"  stage 2 {v}: Kish ESS {r.kish_ess:.0f} (iterations: "
              + ", ".join(f"{i['proposal']} {i['kish_ess']:.0f}" for i in r.iterations) + ")")
    if a.out is not None:
        from calibration.paramfile import write_joint_params

        a.out.mkdir(parents=True, exist_ok=True)
        path = write_joint_params(jc, a.out / f"{a.country.lower()}_joint.toml", command=" ".join(sys.argv),
                                  force=True)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()

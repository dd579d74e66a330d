#!/usr/bin/env python
"""Benchmark (opt-in): one country's joint calibration end to end (issue 14: under 15 minutes per country).

Usage: ``python benchmarks/bench_calibrate.py [--country USA] [--runs 8] [--stage1 smc|emcee] [--walkers 48]
[--steps 1000] [--sampler nautilus|smc] [--nested-runs 3] [--particles 320] [--smc-runs 8] [--out DIR]``. Runs
:func:`calibration.pipeline.calibrate_joint` (stage 1 tempered SMC or MCMC, stage 2 nested sampling or tempered SMC
under both impulse-response variants) and prints the wall time
per stage and in total, the load average, the evaluation counts, the CPU time of the process and its pool workers,
and two estimates of the unloaded wall time: that CPU time over the processes, and the evaluation counts times the
CPU cost per evaluation measured here before the run (one replay point in a stage-1 batch, one SMC point; an upper
bound, the final sweeps' points skip the stage-1 replay), and the diagnostics of the joint posterior (per
parameter ESS, R-hat, PASS/FAIL against 400 / 1.01); with ``--out`` writes the parameter file and its
posterior tables there. Nothing is asserted: the machine's load decides the time (say it when quoting a number).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def unit_costs(country: str, walkers: int) -> dict[str, float]:
    """CPU cost of one evaluation [s] in this process now: a stage-1 replay point in batches of ``walkers / 2`` (emcee
    evaluates half the ensemble per call), and one point of a 200-particle SMC sweep (two replays and the impulse
    responses)."""
    import numpy as np

    from calibration.pipeline import JOINT_WINDOW, TemperedTarget
    from calibration.twostage import STAGE1, STAGE2

    start, end = JOINT_WINDOW[country]
    tt = TemperedTarget(country, start, end, "mazzucato", STAGE1, STAGE2)
    rng = np.random.default_rng(0)
    X = np.hstack([tt.prior1.sample(rng, 200), tt.prior2.sample(rng, 200)])
    b = min(walkers // 2, 200)
    tt.s1(X[:b, : len(STAGE1)])
    tt(X[:10])
    t = time.process_time()
    for _ in range(10):
        tt.s1(X[:b, : len(STAGE1)])
    s1 = (time.process_time() - t) / (10 * b)
    t = time.process_time()
    tt(X)
    return {"stage1_point": s1, "smc_point": (time.process_time() - t) / 200}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--country", default="USA", choices=("USA", "GBR"))
    ap.add_argument("--runs", type=int, default=8)
    ap.add_argument("--stage1", choices=("smc", "emcee"), default="smc")
    ap.add_argument("--walkers", type=int, default=48)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--sampler", choices=("nautilus", "smc"), default="nautilus")
    ap.add_argument("--nested-runs", type=int, default=3)
    ap.add_argument("--particles", type=int, default=320)
    ap.add_argument("--smc-runs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="directory for the parameter file and its tables")
    a = ap.parse_args()
    import resource

    from calibration.pipeline import calibrate_joint
    from model.cli.calibrate import diagnostics_lines

    load0 = os.getloadavg()
    from calibration.stage_one import STAGE1_SMC

    cost = unit_costs(a.country, a.walkers if a.stage1 == "emcee" else 2 * STAGE1_SMC["particles"])
    print(f"unit costs at load {load0[0]:.1f}: stage-1 point {cost['stage1_point'] * 1e3:.2f} ms, SMC point "
          f"{cost['smc_point'] * 1e3:.2f} ms", flush=True)
    t0 = time.perf_counter()
    jc = calibrate_joint(a.country, runs=a.runs, walkers=a.walkers, steps=a.steps, seed=a.seed,
                         particles=a.particles, smc_runs=a.smc_runs, stage1=a.stage1, sampler=a.sampler,
                         nested_runs=a.nested_runs,
                         progress=lambda m: print(f"[{(time.perf_counter() - t0) / 60:5.1f} min] {m}", flush=True))
    total = time.perf_counter() - t0
    load = os.getloadavg()
    ru = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu_used = sum(r.ru_utime + r.ru_stime for r in ru)
    ev = jc.settings["evaluations"]
    cpu = ev["stage1"] * cost["stage1_point"] + sum(v for k, v in ev.items() if k != "stage1") * cost["smc_point"]
    procs = jc.settings["processes"]
    print(f"{a.country}: {total / 60:.1f} min total (load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
          f"on {os.cpu_count()} cores); evaluations {ev}; CPU time {cpu_used / 60:.1f} min, over {procs} "
          f"processes {cpu_used / procs / 60:.1f} min; evaluations x unit CPU costs over {procs} processes "
          f"{cpu / procs / 60:.1f} min")
    for k, v in jc.seconds.items():
        print(f"  {k}: {v / 60:.2f} min")
    for line in diagnostics_lines(jc):
        print(line)
    if a.out is not None:
        from calibration.paramfile import write_joint_params

        a.out.mkdir(parents=True, exist_ok=True)
        path = write_joint_params(jc, a.out / f"{a.country.lower()}_joint.toml", command=" ".join(sys.argv),
                                  force=True)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()

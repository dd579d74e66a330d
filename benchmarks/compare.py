#!/usr/bin/env python
"""Benchmark: the three-policy comparison of the directed-growth model, 2025-2100 (issue 3).

Usage: ``python benchmarks/compare.py [--repeat N]``. Prints medians of
``model.simulate`` (three policies, annual output) and of ``model.analysis.compare``
(with and without the impulse responses), after a warm-up call that compiles or loads
the cached model.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import model
from model.directed_growth import policies
from model.directed_growth.factory import directed_growth
from model.directed_growth.outcomes import compare_policies


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    t0 = time.perf_counter()
    system = directed_growth()
    t_build = time.perf_counter() - t0
    kw = dict(t_span=(2025, 2100))
    t0 = time.perf_counter()
    ds = model.simulate(system, None, policies.all_paths(), **kw)
    t_first = time.perf_counter() - t0
    sims, comps, comps_noirf = [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        ds = model.simulate(system, None, policies.all_paths(), **kw)
        sims.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        compare_policies(ds, system=system)
        comps.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        compare_policies(ds, system=system, impulse=False)
        comps_noirf.append(time.perf_counter() - t0)
    print(f"build directed_growth() (sympy, derived defaults)   {t_build * 1e3:8.1f} ms")
    print(f"first simulate (compile or load from cache)         {t_first * 1e3:8.1f} ms")
    print(f"simulate, 3 policies 2025-2100 (median of {args.repeat})      {statistics.median(sims) * 1e3:8.1f} ms"
          "   target < 1000 ms")
    print(f"compare_policies() with impulse responses (median)  {statistics.median(comps) * 1e3:8.1f} ms")
    print(f"compare_policies() without impulse responses        {statistics.median(comps_noirf) * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Benchmark: ensembles of the directed-growth model (issue 5).

Usage::

    python benchmarks/ensemble.py [--draws 10000] [--repeat 3] [--dask-draws 100000] [--store DIR]

1. ``--draws`` members x 3 policies x 2025-2100 (outcomes included) through
   :func:`model.ensemble` in this process (all cores), median of ``--repeat``
   runs after a warm-up; against a loop of single :func:`model.simulate` runs
   (measured on 20 runs per policy and scaled), per-member cost.
2. ``--dask-draws`` members on a Dask ``LocalCluster`` (2 worker processes, one
   thread each) streaming finished chunks to ``--store``: wall time and the peak
   resident memory of this process plus its workers (sampled every 0.2 s by psutil).

Needs the ``bench`` extra (``psutil``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

import model
from model.analysis.draws import from_bounds
from model.directed_growth import policies
from model.directed_growth.factory import directed_growth

NAMES = ["phi1", "alpha0", "gamma_u", "g_sigma", "n_lam", "chi", "learn_rate", "beta_c"]


def draws_for(dg, n: int, seed: int = 0):
    return from_bounds(dg, NAMES, n, seed=seed, ranges={k: (0.8 * dg[k].default, 1.2 * dg[k].default) for k in NAMES})


class PeakMemory:
    """Peak resident set size of this process and its children [bytes], sampled in a thread."""

    def __init__(self, interval: float = 0.2):
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        total = self.proc.memory_info().rss
        for child in self.proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except Exception:  # a worker that just exited
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def local(dg, pols, n: int, repeat: int) -> None:
    draws = draws_for(dg, n)
    model.ensemble(dg, draws.iloc[:100], pols, progress=False)  # warm-up: compiled code loaded
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        ens = model.ensemble(dg, draws, pols, progress=False)
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    ok = int((ens.status == 0).sum())
    steps = float(ens.n_steps.mean())
    # a loop of single runs: model.simulate per member and policy
    single = []
    for pol in pols:
        for i in range(20):
            row = {k: float(draws[k][i]) for k in NAMES}
            t = time.perf_counter()
            model.simulate(directed_growth(overrides=row), None, pol, t_span=(2025, 2100))
            single.append(time.perf_counter() - t)
    per_single = statistics.median(single)
    loop = per_single * n * len(pols)
    print(f"local ensemble: {n} draws x {len(pols)} policies x 2025-2100, outcomes included")
    print(f"  wall time median of {repeat}: {med:.2f} s (runs: {', '.join(f'{x:.2f}' for x in times)})")
    print(f"  members succeeded: {ok}/{n * len(pols)}; mean accepted steps per member {steps:.0f}")
    print(f"  per member (wall / members): {1e3 * med / (n * len(pols)):.3f} ms on this machine's cores")
    print(f"  loop of single runs (model rebuilt at the draw + simulate): {1e3 * per_single:.1f} ms per run, "
          f"{loop:.0f} s for all; ratio {loop / med:.0f}x")


def dask(dg, pols, n: int, store: Path) -> None:
    from distributed import Client, LocalCluster

    draws = draws_for(dg, n, seed=1)
    if store.exists():
        shutil.rmtree(store)
    with PeakMemory() as mem:
        t = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            ens = model.ensemble(dg, draws, pols, client=client, store=store, chunk_size=2500,
                                 progress=True)
            wall = time.perf_counter() - t
            n_ok = int((ens.status == 0).sum().compute() if hasattr(ens.status.data, "compute") else
                       (ens.status == 0).sum())
    size = sum(p.stat().st_size for p in (store / "chunks").glob("*.nc"))
    print(f"dask LocalCluster (2 processes x 1 thread): {n} draws x {len(pols)} policies, chunks of 2500 to {store}")
    print(f"  wall time {wall:.1f} s; members succeeded {n_ok}/{n * len(pols)}; on disk {size / 1e9:.2f} GB")
    print(f"  peak resident memory, this process + workers: {mem.peak / 1e9:.2f} GB")
    assert ens.sizes["draw"] == n and np.array_equal(ens.draw.values, np.arange(n))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dask-draws", type=int, default=0, help="0 skips the Dask run")
    ap.add_argument("--store", type=Path, default=None)
    args = ap.parse_args()
    dg = directed_growth()
    pols = [policies.bau(), policies.market_fixing(), policies.market_shaping()]
    if args.draws:
        local(dg, pols, args.draws, args.repeat)
    if args.dask_draws:
        store = args.store or Path(tempfile.mkdtemp(prefix="dgm-ensemble-")) / "store"
        dask(dg, pols, args.dask_draws, store)


if __name__ == "__main__":
    main()

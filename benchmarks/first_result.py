"""Time to first result, measured as whole processes side by side (issue 11, acceptance).

Every measurement starts a new Python process and takes the parent's wall time around it
(interpreter start, imports and shutdown included) and the child's CPU time (user + system,
from ``resource.getrusage``). Cases are interleaved (a, b, c, ... then again) so that a change
of machine load hits all of them alike; medians are reported with the range and the count.

(a) ``benchmarks/hand_keen.py``: the Keen model written by hand, scipy's ``solve_ivp``;
(b) ``python -c "import model; from model.library import keen; model.simulate(keen(), t_span=(0, 300))"``,
    fresh (a new empty ``DGM_CACHE_DIR`` per repetition) and warm;
(c) ``dgm run keen --out k.nc``, fresh and warm;
(d) ``dgm compare --out D``, fresh and warm (fresh compiles the directed-growth model: minutes);
(e) ``dgm ensemble --defaults --draws 10 --out e.nc`` in a new process after a warm compare: the
    first time (it may compile the ensemble code) and warm.

The ratios against (a) and the issue's targets are printed beside the figures. The targets were
set on the issue's 2-core machine; compare at the load average printed (``uptime``), and scale
the absolute targets by the ratio of (a) here to (a) there (0.48 s) when the machines differ.

Usage::

    python benchmarks/first_result.py                 # all cases, 5 warm repetitions, 1 fresh
    python benchmarks/first_result.py --repeat 3 --fresh-repeat 2 --cases a,b,c
    python benchmarks/first_result.py --json first_result.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
ONE_LINER = "import model; from model.library import keen; model.simulate(keen(), t_span=(0, 300))"
#: (case, target) of the issue: a ratio to (a) ("x") or seconds on its machine ("s")
TARGETS = {"b fresh": (6.0, "x"), "b warm": (2.5, "x"), "c fresh": (3.0, "s"), "d fresh": (12.0, "s"),
           "d warm": (3.0, "s"), "e first": (10.0, "s")}
HAND_THERE = 0.48  # [s] (a) on the machine


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU time [s] of one process; raises if it fails."""
    c0, t0 = _child_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, _child_cpu() - c0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return wall, cpu


class Bench:
    """The cases, their caches and output folders under one temporary root."""

    def __init__(self, root: Path):
        self.root, self.n = root, 0
        self.warm_cache = root / "warm-cache"

    def env(self, cache: Path) -> dict[str, str]:
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        return {**os.environ, "PYTHONPATH": path, "DGM_CACHE_DIR": str(cache)}

    def fresh_cache(self) -> Path:
        self.n += 1
        return self.root / f"fresh-cache-{self.n}"

    def out(self, name: str) -> Path:
        self.n += 1
        return self.root / f"out-{self.n}" / name

    def command(self, case: str, cache: Path) -> tuple[list[str], dict[str, str], Path]:
        dgm = [PY, "-m", "model.cli"]
        letter = case.split()[0]
        if letter == "a":
            return [PY, str(ROOT / "benchmarks" / "hand_keen.py")], dict(os.environ), ROOT
        if letter == "b":
            return [PY, "-c", ONE_LINER], self.env(cache), self.root
        out = self.out({"c": "k.nc", "d": "D", "e": "e.nc"}[letter])
        out.parent.mkdir(parents=True)
        args = {"c": ["run", "keen", "--out", str(out)], "d": ["compare", "--out", str(out)],
                "e": ["ensemble", "--defaults", "--draws", "10", "--out", str(out)]}[letter]
        return dgm + args, self.env(cache), out.parent

    def measure(self, case: str) -> tuple[float, float]:
        fresh = case.endswith("fresh")
        cache = self.fresh_cache() if fresh else self.warm_cache
        try:
            return run(*self.command(case, cache))
        finally:
            if fresh:
                shutil.rmtree(cache, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="repetitions of each warm case (default 5)")
    ap.add_argument("--fresh-repeat", type=int, default=1, help="repetitions of each fresh case (default 1)")
    ap.add_argument("--cases", default="a,b,c,d,e", help="subset of a,b,c,d,e (default all)")
    ap.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args(argv)
    letters = [c.strip() for c in args.cases.split(",") if c.strip()]
    if "a" not in letters:
        letters.insert(0, "a")
    fresh = [f"{c} fresh" for c in letters if c in "bcd"] if args.fresh_repeat > 0 else []
    warm = [{"a": "a", "e": "e warm"}.get(c, f"{c} warm") for c in letters]
    times: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="dgm-first-result-") as tmp:
        bench = Bench(Path(tmp))
        print(f"load average at start: {os.getloadavg()}", flush=True)
        for _ in range(args.fresh_repeat):
            for case in fresh:
                times.setdefault(case, []).append(bench.measure(case))
                print(f"  {case}: {times[case][-1][0]:.2f} s", flush=True)
        # prepare the warm cache (not measured): keen, then the comparison (compiles the model)
        prepare = [c for c in ("b warm", "d warm") if c in warm]
        if "e warm" in warm and "d warm" not in prepare:
            prepare.append("d warm")
        for case in prepare:
            bench.measure(case)
        if "e warm" in warm:  # the first ensemble after a warm compare
            times["e first"] = [bench.measure("e warm")]
            print(f"  e first: {times['e first'][0][0]:.2f} s", flush=True)
        for _ in range(args.repeat):
            for case in warm:
                times.setdefault(case, []).append(bench.measure(case))
            print(f"  repetition done, load {os.getloadavg()[0]:.2f}", flush=True)
    load = os.getloadavg()
    hand = statistics.median(w for w, _ in times["a"])
    print(f"\nload average at end: {load}; (a) here {hand:.2f} s, on the issue's machine {HAND_THERE} s "
          f"(scale {hand / HAND_THERE:.2f})")
    print(f"{'case':10s} {'median':>8s} {'min':>7s} {'max':>7s} {'n':>3s} {'cpu':>7s} {'x (a)':>7s}  target")
    rows = {}
    for case in ["a", *fresh, *(["e first"] if "e first" in times else []), *warm[1:]]:
        walls = [w for w, _ in times[case]]
        med, cpu = statistics.median(walls), statistics.median(c for _, c in times[case])
        target, kind = TARGETS.get(case, (None, ""))
        verdict = ""
        if kind == "x":
            verdict = f"<= {target:g}x (a): {'pass' if med / hand <= target else 'FAIL'}"
        elif kind == "s":
            scaled = target * hand / HAND_THERE
            verdict = f"< {target:g} s there, {scaled:.2f} s scaled here: {'pass' if med < scaled else 'FAIL'}"
        print(f"{case:10s} {med:8.2f} {min(walls):7.2f} {max(walls):7.2f} {len(walls):3d} {cpu:7.2f} "
              f"{med / hand:7.2f}  {verdict}")
        rows[case] = {"median_s": med, "min_s": min(walls), "max_s": max(walls), "n": len(walls), "cpu_median_s": cpu,
                      "ratio_to_hand": med / hand, "target": verdict}
    if args.json is not None:
        args.json.write_text(json.dumps({"load_average": load, "cases": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

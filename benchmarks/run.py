#!/usr/bin/env python
"""Opt-in speed measurements of directed-growth (never part of the test run).

Usage::

    python benchmarks/run.py [--quick] [--json [PATH]] [--sections 1,2,3,4]

Prints, per section, the median (and range) of repeated ``time.perf_counter``
measurements and the ratios measured in the same process, then a summary table
(measurement, value, target, pass/fail). ``--json PATH`` writes the same results
as JSON (``--json`` alone: ``benchmarks/results.json``). ``--quick`` cuts the
repetitions (a smoke run of about a minute or two).

Sections
--------
1. compile times, in subprocesses (cold cache, warm cache, fresh process start to first result);
2. one 300-year Keen run at rtol 1e-8, atol 1e-10, output every 0.1 year, against a
   hand-written ``scipy.integrate.solve_ivp`` (LSODA) and for accuracy against DOP853 at rtol 1e-13;
3. 1,000 Keen runs (kappa2 and alpha drawn +-10%) against a hand-written solve_ivp loop;
4. the 14-state benchmark model (benchmarks/models.py): one 100-year run and a 10,000-member ensemble.

Set ``DGM_CACHE_DIR`` for the in-process sections (the cold-compile subprocesses
always use fresh temporary cache directories). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the model package and benchmarks.models, without installing

from benchmarks import models as bm  # noqa: E402  (hand-written references; no model import)

RTOL, ATOL = 1e-8, 1e-10


# ---------------------------------------------------------------- helpers

def repeat(fn, n: int) -> list[float]:
    """Run ``fn`` ``n`` times; wall times [s] with time.perf_counter."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def fmt_time(s: float | None) -> str:
    if s is None or not np.isfinite(s):
        return "n/a"
    if s >= 1.0:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.1f} us"


def fmt_value(v, unit: str) -> str:
    if v is None:
        return "n/a"
    if unit == "s":
        return fmt_time(v)
    if unit == "x":
        return f"{v:.1f}x"
    if unit == "count":
        return f"{int(v)}"
    if unit == "%":
        return f"{v:.1f} %"
    if unit == "abs" or unit == "rel":
        return f"{v:.2e}"
    return f"{v:g} {unit}".strip()


class Report:
    """Collects rows ``(section, name, value, unit, target, ...)`` for printing and JSON."""

    def __init__(self):
        self.rows: list[dict] = []
        self.details: dict = {}

    def add(self, section: str, name: str, value, unit: str = "s", *, samples=None, target=None,
            note: str = "") -> dict:
        """``target`` is ``("<", x)`` or ``(">=", x)`` (or ``("<=", x)``); None for information."""
        passed = None
        if target is not None and value is not None:
            op, x = target
            passed = bool(value < x) if op == "<" else bool(value <= x) if op == "<=" else bool(value >= x)
        row = dict(section=section, name=name, value=value, unit=unit, target=target, passed=passed, note=note)
        if samples is not None:
            row["samples"] = [float(s) for s in samples]
            row["n"] = len(samples)
            row["min"] = float(min(samples))
            row["max"] = float(max(samples))
        self.rows.append(row)
        rng = ""
        if samples is not None and len(samples) > 1:
            rng = f"  [{fmt_value(row['min'], unit)} .. {fmt_value(row['max'], unit)}, n={len(samples)}]"
        elif samples is not None:
            rng = "  [n=1]"
        tgt = ""
        if target is not None:
            tgt = f"  target {target[0]} {fmt_value(target[1], unit)}: {'pass' if passed else 'FAIL'}"
        print(f"  {name:<62s} {fmt_value(value, unit):>12s}{rng}{tgt}" + (f"  ({note})" if note else ""),
              flush=True)
        return row


def median_row(report: Report, section: str, name: str, samples, **kw) -> float:
    m = float(statistics.median(samples))
    report.add(section, name, m, "s", samples=samples, **kw)
    return m


def header(title: str) -> None:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n== {title}   [load average {load}]", flush=True)


# ---------------------------------------------------------------- 1. compile times (subprocesses)

_CHILD = r"""
import json, os, sys, time
t_launch = float(os.environ["BENCH_T_LAUNCH"])
w_start = time.time()
t0 = time.perf_counter()
mode = os.environ["BENCH_MODE"]
out = {"startup_s": w_start - t_launch}
if mode == "instrumented":
    import numpy as np
    import model
    from model.library import keen
    t1 = time.perf_counter()
    cs = model.compile(keen())                      # system (sympy, units check) + code + numba import
    t2 = time.perf_counter()
    ds = model.simulate(keen(), t_span=(0, 300))
    t3 = time.perf_counter()
    out["since_launch_s"] = time.time() - t_launch  # process start to first result
    assert int(ds["status"]) == 0
    out.update(import_s=t1 - t0, compile_s=t2 - t1, first_simulate_s=t3 - t2)
    t4 = time.perf_counter()
    ds = model.simulate(keen(), {"kappa2": np.linspace(19.0, 21.0, 8)}, t_span=(0, 300))
    out["first_ensemble_s"] = time.perf_counter() - t4
else:  # breakdown of the warm path
    import numpy as np
    import model
    from model.library import keen
    t1 = time.perf_counter()
    k = keen()
    t2 = time.perf_counter()
    import numba
    t3 = time.perf_counter()
    cs = model.compile(k)
    t4 = time.perf_counter()
    import xarray
    t5 = time.perf_counter()
    cs.rhs(0.0, cs.state_vector())                  # first compiled call: numba cache load
    t6 = time.perf_counter()
    ds = model.simulate(k, t_span=(0, 300))
    t7 = time.perf_counter()
    ds = model.simulate(k, t_span=(0, 300))
    t8 = time.perf_counter()
    out.update(import_model_s=t1 - t0, build_keen_s=t2 - t1, import_numba_s=t3 - t2, compile_rest_s=t4 - t3,
               import_xarray_s=t5 - t4, first_numba_call_s=t6 - t5, first_simulate_rest_s=t7 - t6,
               second_simulate_s=t8 - t7)
out["end_wall"] = time.time()
print("BENCH_JSON " + json.dumps(out), flush=True)
"""


def _child_env(cache_dir: str) -> dict:
    env = dict(os.environ)
    env["DGM_CACHE_DIR"] = cache_dir
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _run_child(mode: str, cache_dir: str) -> dict:
    env = _child_env(cache_dir)
    env["BENCH_MODE"] = mode
    env["BENCH_T_LAUNCH"] = repr(time.time())
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD], cwd=str(ROOT), env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    end = time.time()
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark subprocess ({mode}) failed:\n{proc.stderr[-3000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH_JSON ")][-1]
    res = json.loads(line[len("BENCH_JSON "):])
    res["wall_s"] = wall
    res["exit_s"] = end - res["end_wall"]  # interpreter shutdown after the last line of the child
    return res


_ONE_LINER = "import model; from model.library import keen; model.simulate(keen(), t_span=(0, 300))"


def section_compile(report: Report, quick: bool) -> None:
    header("1. Compile times (subprocesses; Keen model)")
    n_cold, n_warm = (1, 3) if quick else (3, 7)
    sec = "compile"
    tmp_dirs = []
    try:
        cold = []
        for _ in range(n_cold):
            d = tempfile.mkdtemp(prefix="dgm_bench_cold_")
            tmp_dirs.append(d)
            cold.append(_run_child("instrumented", d))
        cache = tmp_dirs[0]  # warm runs reuse the first cold run's cache directory
        warm = [_run_child("instrumented", cache) for _ in range(n_warm)]
        breakdown = [_run_child("breakdown", cache) for _ in range(max(1, n_warm // 2))]
        env = _child_env(cache)
        one = []
        for _ in range(n_warm):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", _ONE_LINER], cwd=str(ROOT), env=env, check=True,
                           capture_output=True)
            one.append(time.perf_counter() - t0)
    finally:
        for d in tmp_dirs:
            shutil.rmtree(d, ignore_errors=True)
    col = lambda rs, k: [r[k] for r in rs]  # noqa: E731
    print("  cold cache (fresh empty DGM_CACHE_DIR, new process):")
    median_row(report, sec, "cold: process start to first simulate result", col(cold, "since_launch_s"))
    median_row(report, sec, "cold: compile(keen()) + first simulate",
               [r["compile_s"] + r["first_simulate_s"] for r in cold])
    median_row(report, sec, "cold:   of which compile(keen()) (sympy, codegen)", col(cold, "compile_s"))
    median_row(report, sec, "cold:   of which first simulate (numba compile)", col(cold, "first_simulate_s"))
    median_row(report, sec, "cold: first ensemble call after that (parallel compile)", col(cold, "first_ensemble_s"))
    print("  warm cache (second process, same cache directory):")
    median_row(report, sec, "warm: compile(keen()) after imports", col(warm, "compile_s"), target=("<", 0.5))
    median_row(report, sec, "warm: first simulate (numba cache load, xarray import)", col(warm, "first_simulate_s"))
    median_row(report, sec, "warm: import + compile + first simulate",
               [r["import_s"] + r["compile_s"] + r["first_simulate_s"] for r in warm])
    median_row(report, sec, "warm: process start to first result (instrumented child)", col(warm, "since_launch_s"))
    median_row(report, sec, "warm: wall of `python -c \"import model; ...simulate(keen())\"`", one,
               target=("<", 2.0))
    median_row(report, sec, "warm: interpreter shutdown after the child's last line", col(warm, "exit_s"),
               note="counted in the one-liner's wall time")
    median_row(report, sec, "warm: first ensemble call (parallel code from cache)", col(warm, "first_ensemble_s"))
    print("  warm path breakdown (separate child, medians):")
    for k, label in [("import_model_s", "import model (sympy, numpy)"),
                     ("build_keen_s", "keen() (System, units check cached)"),
                     ("import_numba_s", "import numba (first done inside compile)"),
                     ("compile_rest_s", "compile() without the numba import"),
                     ("import_xarray_s", "import xarray (+pandas; first done inside simulate)"),
                     ("first_numba_call_s", "first compiled call (numba cache load, registries)"),
                     ("first_simulate_rest_s", "rest of the first simulate"),
                     ("second_simulate_s", "second simulate (steady state)")]:
        median_row(report, sec, "  " + label, col(breakdown, k))
    report.details["compile"] = dict(cold=cold, warm=warm, breakdown=breakdown, one_liner_wall_s=one)


# ---------------------------------------------------------------- 2. one Keen run

def raw_dopri(cs, y0, p, L, te):
    """One compiled Dormand-Prince run through the public engine interface (``cs.dopri5``), as
    ``model.simulate`` makes it (stock bounds, divergence limits, stiffness test on), without the
    Dataset: ``(Y, info)``."""
    from model.solve.simulation import atol_vector, divergence_limits, state_bounds

    lo, hi = state_bounds(cs)
    Y, info = np.empty((te.size, cs.n_states)), np.zeros(5)
    cs.dopri5(0, 0.0, y0, p, L, te, RTOL, atol_vector(ATOL, cs.n_states), lo, hi, divergence_limits(cs, y0), -1.0,
              200000, True, np.zeros(0, dtype=np.int64), Y, info)
    return Y, info


def _keen_compiled():
    import model
    from model.library import keen

    k = keen()
    cs = model.compile(k)
    return model, k, cs


def _perm(cs_states, hand_states):
    """Column indices mapping hand-written state order to compiled order."""
    return [hand_states.index(n) for n in cs_states]


def section_keen_single(report: Report, quick: bool) -> None:
    from scipy.integrate import solve_ivp

    header("2. One 300-year Keen run (rtol 1e-8, atol 1e-10, output every 0.1 year)")
    sec = "keen_single"
    model, k, cs = _keen_compiled()
    te = np.arange(0, 300.01, 0.1)
    y0 = cs.state_vector()
    p = cs.param_vector()
    L = cs.inputs_table()
    n_fast, n_slow = (10, 2) if quick else (50, 7)

    def raw():
        return raw_dopri(cs, y0, p, L, te)

    def sim():
        return model.simulate(k, t_span=(0, 300), t_eval=te, rtol=RTOL, atol=ATOL)

    y0h = np.array([bm.KEEN_Y0[n] for n in bm.KEEN_STATES])
    args = bm.keen_args()

    def scipy_lsoda():
        return solve_ivp(bm.keen_rhs, (0.0, 300.0), y0h, method="LSODA", rtol=RTOL, atol=ATOL, t_eval=te, args=args)

    Y_raw, info = raw()                       # warm-up (numba cache load)
    ds = sim()
    sol = scipy_lsoda()
    nb = bm.keen_numba_solver()
    Y_nb = np.empty((te.size, 3))
    nb(y0h, np.array(args), te, RTOL, ATOL, Y_nb)   # compile / load the hand-written numba floor
    t_raw = median_row(report, sec, "compiled: raw _run_dopri (numba DOPRI5 + dense output)", repeat(raw, n_fast),
                       target=("<", 5e-3), note=f"{int(info[2])} steps")
    t_sim = median_row(report, sec, "compiled: model.simulate end to end (-> xarray.Dataset)", repeat(sim, n_fast))
    t_sp = median_row(report, sec, "hand-written rhs + scipy solve_ivp LSODA", repeat(scipy_lsoda, n_slow),
                      note=f"{sol.nfev} rhs calls")
    steps_nb = nb(y0h, np.array(args), te, RTOL, ATOL, Y_nb)
    t_nb = median_row(report, sec, "floor: hand-written numba DOPRI5 for Keen (models.py)",
                      repeat(lambda: nb(y0h, np.array(args), te, RTOL, ATOL, Y_nb), n_fast),
                      note=f"{steps_nb} steps, same tableau/controller, no guards")
    report.add(sec, "speed-up: solve_ivp LSODA / raw compiled", t_sp / t_raw, "x", target=(">=", 20.0))
    report.add(sec, "speed-up: solve_ivp LSODA / model.simulate", t_sp / t_sim, "x")
    report.add(sec, "raw compiled / hand-written numba floor", t_raw / t_nb, "x",
               note="> 1 is overhead of the generic integrator")
    # accuracy against a tight reference (hand-written rhs, DOP853 rtol 1e-13 atol 1e-14)
    ref = solve_ivp(bm.keen_rhs, (0.0, 300.0), y0h, method="DOP853", rtol=1e-13, atol=1e-14, t_eval=te, args=args)
    Yref = ref.y.T[:, _perm(cs.states, bm.KEEN_STATES)]
    Y_sim = np.column_stack([ds[n].values for n in cs.states])
    Y_ls = sol.y.T[:, _perm(cs.states, bm.KEEN_STATES)]
    err = np.abs(Y_raw - Yref)
    report.add(sec, "accuracy compiled: max abs error over the path", float(err.max()), "abs",
               note=f"worst state {cs.states[int(err.max(0).argmax())]}")
    report.add(sec, "accuracy compiled: max abs error at t=300", float(err[-1].max()), "abs")
    err_ls = np.abs(Y_ls - Yref)
    report.add(sec, "accuracy LSODA: max abs error over the path", float(err_ls.max()), "abs")
    report.add(sec, "accuracy LSODA: max abs error at t=300", float(err_ls[-1].max()), "abs")
    report.add(sec, "model.simulate vs raw _run_dopri (same numbers)", float(np.abs(Y_sim - Y_raw).max()), "abs")
    report.details["keen_single"] = dict(steps=int(info[2]), rhs_calls=int(info[3]), lsoda_nfev=int(sol.nfev),
                                         y300_compiled=dict(zip(cs.states, Y_raw[-1].tolist())),
                                         y300_reference=dict(zip(cs.states, Yref[-1].tolist())))


# ---------------------------------------------------------------- 3. 1,000 Keen runs

def section_keen_ensemble(report: Report, quick: bool) -> None:
    from scipy.integrate import solve_ivp

    header("3. 1,000 Keen runs, kappa2 and alpha uniform within +-10%, 300 years, annual output")
    sec = "keen_ensemble"
    model, k, cs = _keen_compiled()
    m = 1000
    rng = np.random.default_rng(12345)
    kappa2 = rng.uniform(0.9 * bm.KEEN_PARAMS["kappa2"], 1.1 * bm.KEEN_PARAMS["kappa2"], m)
    alpha = rng.uniform(0.9 * bm.KEEN_PARAMS["alpha"], 1.1 * bm.KEEN_PARAMS["alpha"], m)
    n_rep, n_hand = (2, 20) if quick else (5, 100)

    def ens():
        return model.simulate(k, {"kappa2": kappa2, "alpha": alpha}, t_span=(0, 300))

    model.simulate(k, {"kappa2": kappa2[:4], "alpha": alpha[:4]}, t_span=(0, 300))  # load parallel code
    t_ens = median_row(report, sec, "model.simulate, 1,000-member ensemble (parallel)", repeat(ens, n_rep),
                       target=("<", 2.0))
    ds = ens()
    status = ds["status"].values
    names = model.STATUS
    counts = {names[c]: int((status == c).sum()) for c in sorted(names)}
    for name, c in counts.items():
        if c:
            report.add(sec, f"members with status {name!r}", c, "count")
    lam300 = ds["lam"].values[:, -1]
    lam1 = bm.keen_lam1(alpha)
    ok = status == 0
    good = ok & (np.abs(lam300 - lam1) < 1e-2)
    report.add(sec, "successful members at the good equilibrium (|lam(300)-lam1|<1e-2)", int(good.sum()), "count",
               note=f"of {int(ok.sum())} successful")
    bad = ok & (lam300 < 0.1)
    report.add(sec, "successful members heading for the bad equilibrium (lam(300)<0.1)", int(bad.sum()), "count",
               note=f"median d(300) {np.median(ds['d'].values[bad, -1]):.3g}" if bad.any() else "")
    # hand-written loop: solve_ivp LSODA with a terminal guard, on the first n_hand members
    te = np.arange(0, 301.0)
    y0h = np.array([bm.KEEN_Y0[n] for n in bm.KEEN_STATES])
    hand_status, hand_lam = [], []

    def hand_loop():
        hand_status.clear()
        hand_lam.clear()
        for i in range(n_hand):
            sol = solve_ivp(bm.keen_rhs, (0.0, 300.0), y0h, method="LSODA", rtol=RTOL, atol=ATOL, t_eval=te,
                            args=bm.keen_args(kappa2=kappa2[i], alpha=alpha[i]), events=bm.keen_guard)
            hand_status.append(bm.classify(sol))
            hand_lam.append(sol.y[1, -1] if sol.status == 0 else np.nan)

    t0 = time.perf_counter()
    hand_loop()
    t_hand_n = time.perf_counter() - t0
    t_hand = t_hand_n * m / n_hand
    report.add(sec, f"hand-written solve_ivp LSODA loop, {n_hand} members (measured once)", t_hand_n, "s")
    report.add(sec, f"hand-written loop extrapolated to 1,000 members (x{m // n_hand})", t_hand, "s",
               note="extrapolated")
    report.add(sec, "speed-up: hand-written loop (extrapolated) / model.simulate", t_hand / t_ens, "x")
    comp = [names[int(c)] for c in status[:n_hand]]
    same = sum(a == b for a, b in zip(comp, hand_status))
    hc = {s: hand_status.count(s) for s in sorted(set(hand_status))}
    report.add(sec, f"same outcome class, compiled vs LSODA, first {n_hand} members", same, "count",
               note="LSODA: " + ", ".join(f"{k2} {v}" for k2, v in hc.items()))
    both = [i for i in range(n_hand) if comp[i] == "success" and hand_status[i] == "success"]
    worst = None
    if both:
        dls = np.abs(lam300[both] - np.array(hand_lam)[both])
        report.add(sec, "median |lam(300) compiled - LSODA| where both succeed", float(np.median(dls)), "abs")
        iw = both[int(np.argmax(dls))]
        ref = solve_ivp(bm.keen_rhs, (0.0, 300.0), y0h, method="DOP853", rtol=1e-13, atol=1e-14, t_eval=te,
                        args=bm.keen_args(kappa2=kappa2[iw], alpha=alpha[iw]))
        worst = dict(i=iw, lam300_compiled=float(lam300[iw]), lam300_lsoda=float(hand_lam[iw]),
                     lam300_dop853_1e13=float(ref.y[1, -1]), max_omega=float(ref.y[0].max()))
        report.add(sec, "max |lam(300) compiled - LSODA| where both succeed", float(dls.max()), "abs",
                   note=f"member {iw}: compiled {lam300[iw]:.4f}, LSODA {hand_lam[iw]:.4f}, DOP853 1e-13 "
                        f"{ref.y[1, -1]:.4f}; max omega on the path {ref.y[0].max():.2g}")
    report.details["keen_ensemble"] = dict(
        status_counts=counts, good_equilibrium=int(good.sum()), bad_equilibrium=int(bad.sum()),
        successful=int(ok.sum()), worst_lam300_member=worst,
        hand_members=n_hand, hand_status_counts=hc, mismatched_members=[
            dict(i=i, kappa2=float(kappa2[i]), alpha=float(alpha[i]), compiled=comp[i], lsoda=hand_status[i])
            for i in range(n_hand) if comp[i] != hand_status[i]])


# ---------------------------------------------------------------- 4. 14-state model

def section_bench14(report: Report, quick: bool) -> None:
    from scipy.integrate import solve_ivp

    import model

    header("4. 14-state, 25-auxiliary model (benchmarks/models.py: bench14), 100 years, annual output")
    sec = "bench14"
    t0 = time.perf_counter()
    m14 = bm.bench14()
    t1 = time.perf_counter()
    cs = model.compile(m14)
    t2 = time.perf_counter()
    te = np.arange(0, 101.0)
    model.simulate(m14, t_span=(0, 100))
    t3 = time.perf_counter()
    report.add(sec, "bench14(): declare + validate + units check (this process)", t1 - t0, "s",
               note=f"{len(m14.stocks)} stocks, {len(m14.auxiliaries)} auxiliaries, {len(m14.parameters)} parameters")
    report.add(sec, "compile(bench14) in this process (cache as found)", t2 - t1, "s")
    report.add(sec, "first simulate in this process (numba compile or cache load)", t3 - t2, "s")
    import model.solve.simulation as sim_mod
    y0 = cs.state_vector()
    p = cs.param_vector()
    L = cs.inputs_table()
    perm = _perm(cs.states, bm.BENCH14_STATES)
    y0h = np.array([bm.BENCH14_Y0[n] for n in bm.BENCH14_STATES])
    args = bm.bench14_args()
    n_fast, n_slow = (20, 3) if quick else (100, 10)

    # agreement first: right-hand sides along the path and the trajectories
    ref = solve_ivp(bm.bench14_rhs, (0.0, 100.0), y0h, method="DOP853", rtol=1e-13, atol=1e-14, t_eval=te, args=args)
    Yref = ref.y.T[:, perm]
    rhs_err = 0.0
    for i in range(0, te.size, 10):
        f = cs.rhs(te[i], Yref[i], p)
        fh = bm.bench14_rhs(te[i], ref.y[:, i], *args)[perm]
        rhs_err = max(rhs_err, float(np.max(np.abs(f - fh) / np.maximum(np.abs(fh), 1e-9))))
    Y_raw, info = raw_dopri(cs, y0, p, L, te)
    assert info[0] == 0, f"bench14 run failed: {info}"
    rel = np.abs(Y_raw - Yref) / np.maximum(np.abs(Yref), 1e-3)
    report.add(sec, "agreement: rhs compiled vs hand-written (max rel, 11 points)", rhs_err, "rel",
               target=("<=", 1e-10))
    report.add(sec, "agreement: path compiled vs hand-written DOP853 1e-13 (max rel)", float(rel.max()), "rel",
               target=("<=", 1e-6), note=f"worst state {cs.states[int(rel.max(0).argmax())]}")
    assert rhs_err <= 1e-10 and rel.max() <= 1e-6, "compiled and hand-written bench14 disagree"

    def raw():
        return raw_dopri(cs, y0, p, L, te)

    def sim():
        return model.simulate(m14, t_span=(0, 100), rtol=RTOL, atol=ATOL)

    def hand():
        return solve_ivp(bm.bench14_rhs, (0.0, 100.0), y0h, method="LSODA", rtol=RTOL, atol=ATOL, t_eval=te,
                         args=args)

    sol = hand()
    rel_ls = np.abs(sol.y.T[:, perm] - Y_raw) / np.maximum(np.abs(Y_raw), 1e-3)
    report.add(sec, "agreement: path compiled vs hand-written LSODA 1e-8 (max rel)", float(rel_ls.max()), "rel",
               note="LSODA's own error")
    t_raw = median_row(report, sec, "single run: raw _run_dopri", repeat(raw, n_fast), note=f"{int(info[2])} steps")
    t_sim = median_row(report, sec, "single run: model.simulate end to end", repeat(sim, n_fast))
    t_sp = median_row(report, sec, "single run: hand-written rhs + solve_ivp LSODA", repeat(hand, n_slow),
                      note=f"{sol.nfev} rhs calls")
    report.add(sec, "speed-up single run: LSODA / raw compiled", t_sp / t_raw, "x")
    report.add(sec, "speed-up single run: LSODA / model.simulate", t_sp / t_sim, "x")

    # ensemble: 10,000 members, 4 parameters uniform +-5%
    M = 10_000
    rng = np.random.default_rng(2024)
    draws = {n: rng.uniform(0.95 * bm.BENCH14_PARAMS[n], 1.05 * bm.BENCH14_PARAMS[n], M) for n in bm.BENCH14_DRAWN}
    t4 = time.perf_counter()
    model.simulate(m14, {n: v[:4] for n, v in draws.items()}, t_span=(0, 100))
    report.add(sec, "first ensemble call in this process (parallel compile or load)", time.perf_counter() - t4, "s")
    n_rep, n_hand = (2, 20) if quick else (5, 100)
    holder = {}

    def ens():
        holder["ds"] = model.simulate(m14, draws, t_span=(0, 100))

    t_ens = median_row(report, sec, f"ensemble: model.simulate, 10,000 members ({', '.join(bm.BENCH14_DRAWN)} +-5%)",
                       repeat(ens, n_rep), target=("<", 1.5))
    status = holder["ds"]["status"].values
    counts = {model.STATUS[c]: int((status == c).sum()) for c in sorted(model.STATUS) if (status == c).any()}
    report.add(sec, "ensemble: successful members", counts.get("success", 0), "count",
               note=", ".join(f"{k2} {v}" for k2, v in counts.items()))
    # the raw parallel integrator alone (no Dataset), to split the time
    P = np.column_stack([np.broadcast_to(draws[n] if n in draws else bm.BENCH14_PARAMS[n], (M,))
                         for n in cs.parameters]).astype(float)
    Y0 = np.ascontiguousarray(np.broadcast_to(y0, (M, y0.size)))
    lo, hi = sim_mod.state_bounds(cs)
    Yall = np.empty((M, te.size, y0.size))
    INFO = np.zeros((M, 5))
    atol_v = np.full(y0.size, ATOL)

    def raw_ens():
        cs.ensemble_dopri5(0.0, Y0, P, L, te, RTOL, atol_v, lo, hi, sim_mod.divergence_limits(cs, Y0), 200000,
                           True, Yall, INFO)

    t_raw_ens = median_row(report, sec, "ensemble: raw parallel _ensemble only (no auxiliaries/Dataset)",
                           repeat(raw_ens, n_rep), note=f"{int(INFO[:, 2].sum())} steps in total")
    report.add(sec, "ensemble: share of model.simulate spent outside _ensemble", 100 * (1 - t_raw_ens / t_ens), "%",
               note="auxiliaries, Dataset")

    def hand_loop():
        for i in range(n_hand):
            a = bm.bench14_args(**{n: draws[n][i] for n in bm.BENCH14_DRAWN})
            s = solve_ivp(bm.bench14_rhs, (0.0, 100.0), y0h, method="LSODA", rtol=RTOL, atol=ATOL, t_eval=te,
                          args=a, events=bm.bench14_guard)
            assert s.status == 0

    t5 = time.perf_counter()
    hand_loop()
    t_hand_n = time.perf_counter() - t5
    t_hand = t_hand_n * M / n_hand
    report.add(sec, f"ensemble: hand-written solve_ivp LSODA loop, {n_hand} members (once)", t_hand_n, "s")
    report.add(sec, f"ensemble: hand-written loop extrapolated to 10,000 (x{M // n_hand})", t_hand, "s",
               note="extrapolated")
    report.add(sec, "speed-up ensemble: hand-written loop (extrapolated) / model.simulate", t_hand / t_ens, "x")
    report.details["bench14"] = dict(steps=int(info[2]), lsoda_nfev=int(sol.nfev), status_counts=counts,
                                     y100=dict(zip(cs.states, Y_raw[-1].tolist())))


# ---------------------------------------------------------------- main

def _meta() -> dict:
    import numba
    import scipy

    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=5).stdout.strip()
        rev += "-dirty" if dirty else ""
    except (OSError, subprocess.SubprocessError):
        rev = "unknown"
    try:
        dirty_model = subprocess.run(["git", "status", "--porcelain", "--", "model"], cwd=ROOT, capture_output=True,
                                     text=True, timeout=5).stdout.split("\n")
        dirty_model = [ln[3:] for ln in dirty_model if ln.strip()]
    except (OSError, subprocess.SubprocessError):
        dirty_model = []
    return dict(modified_model_files=dirty_model, python=platform.python_version(), platform=platform.platform(),
                cpus=os.cpu_count(), numpy=np.__version__, scipy=scipy.__version__, numba=numba.__version__, git=rev,
                dgm_cache_dir=os.environ.get("DGM_CACHE_DIR", "(default ~/.cache/directed-growth)"),
                loadavg_start=list(os.getloadavg()))


SECTIONS = {"1": section_compile, "2": section_keen_single, "3": section_keen_ensemble, "4": section_bench14}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    ap.add_argument("--json", metavar="PATH", nargs="?", const=str(Path(__file__).with_name("results.json")),
                    help="write the results as JSON to PATH (default benchmarks/results.json)")
    ap.add_argument("--sections", default="1,2,3,4", help="comma-separated subset of 1,2,3,4")
    a = ap.parse_args(argv)
    report = Report()
    meta = _meta()
    started = time.perf_counter()
    print(f"directed-growth benchmarks ({'quick' if a.quick else 'full'}): python {meta['python']}, "
          f"numpy {meta['numpy']}, scipy {meta['scipy']}, numba {meta['numba']}, {meta['cpus']} CPUs, "
          f"git {meta['git']}\nDGM_CACHE_DIR={meta['dgm_cache_dir']}; load average at start "
          f"{', '.join(f'{x:.2f}' for x in meta['loadavg_start'])}")
    if meta["modified_model_files"]:
        print("note: uncommitted changes in " + ", ".join(meta["modified_model_files"]))
    for s in a.sections.split(","):
        SECTIONS[s.strip()](report, a.quick)
        report.details.setdefault("loadavg_after_section", {})[s.strip()] = list(os.getloadavg())
    meta["loadavg_end"] = list(os.getloadavg())
    meta["total_s"] = time.perf_counter() - started
    try:
        import numba

        meta["numba_threading_layer"] = numba.threading_layer()
    except (ValueError, ImportError):
        pass
    header("Summary (medians; targets from the benchmark brief)")
    rows = [r for r in report.rows if r["target"] is not None]
    w = max(len(r["name"]) for r in rows) if rows else 20
    print(f"  {'measurement':<{w}s} {'value':>12s}  {'target':>12s}  result")
    for r in rows:
        op, x = r["target"]
        print(f"  {r['name']:<{w}s} {fmt_value(r['value'], r['unit']):>12s}  {op + ' ' + fmt_value(x, r['unit']):>12s}"
              f"  {'pass' if r['passed'] else 'FAIL'}")
    n_fail = sum(1 for r in rows if not r["passed"])
    print(f"\n{len(rows) - n_fail}/{len(rows)} targets met; total {meta['total_s']:.0f} s; load average at end "
          f"{', '.join(f'{x:.2f}' for x in meta['loadavg_end'])}")
    if a.json:
        Path(a.json).write_text(json.dumps(dict(meta=meta, quick=a.quick, rows=report.rows, details=report.details),
                                           indent=1, default=float) + "\n")
        print(f"results written to {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

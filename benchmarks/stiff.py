#!/usr/bin/env python
"""Benchmark: the compiled Radau IIA method (``radau5``) against scipy's Radau on stiff runs (issue 11).

Usage::

    python benchmarks/stiff.py [--draws 1000] [--repeat 3] [--scipy-members 5]

1. Van der Pol with mu = 1000 over 0-3000 (two relaxation cycles) at the ensemble tolerances
   (rtol 1e-6, atol 1e-9): one run of ``simulate(method="radau5")`` against ``method="Radau"``
   (scipy, the model's compiled right-hand side and Jacobian called from Python), median of
   ``--repeat``; and the largest difference between the two paths.
2. The directed-growth ensemble as ``dgm ensemble`` drew it until issue 14, session 7 (posterior draws of
   ``calibration/params/usa.toml``, the block-wise calibration; the default is now ``usa_joint.toml``), the
   calibrated model, three policies, 2025-2100):
   ``model.ensemble(method="auto")`` (the default: stiff members integrated again with the compiled
   Radau) against ``method="dopri5"``, median of ``--repeat`` after a warm-up. The members that
   ``auto`` found stiff are those whose step counts differ between the two; for up to
   ``--scipy-members`` of them, one run each with scipy's Radau and with the compiled one (serial).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

import model
from model import Block, combine, stock
from model.compiler.compiled import compile as compile_system
from model.core.levers import input_table, resolve_inputs
from model.solve.simulation import solve_many


def median_time(fn, repeat: int) -> tuple[float, list[float], object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times, out


def van_der_pol(repeat: int) -> None:
    ys = [stock("y1", default=2.0), stock("y2", default=0.0)]
    y1, y2 = (y.sym for y in ys)
    s = combine(Block("vdp", tuple(ys), derivatives={"y1": y2, "y2": 1000.0 * (1 - y1 ** 2) * y2 - y1}),
                name="vdp1000", check_units=False)
    kw = dict(t_span=(0, 3000), t_eval=np.linspace(0, 3000, 301), rtol=1e-6, atol=1e-9)
    model.simulate(s, method="radau5", **kw)  # warm-up: compiled code loaded
    ours, t_ours, a = median_time(lambda: model.simulate(s, method="radau5", **kw), repeat)
    ref, t_ref, b = median_time(lambda: model.simulate(s, method="Radau", **kw), max(1, repeat // 2))
    diff = float(np.max(np.abs(a.y1.values - b.y1.values)))
    print(f"van der Pol mu=1000, 0-3000, rtol 1e-6 atol 1e-9 (load {os.getloadavg()[0]:.2f})")
    runs = ", ".join(f"{1e3 * x:.2f}" for x in t_ours)
    print(f"  radau5 (compiled): {1e3 * ours:.2f} ms median of {repeat} ({runs}); {int(a.n_steps)} steps")
    print(f"  scipy Radau:       {1e3 * ref:.0f} ms median of {len(t_ref)}; ratio {ref / ours:.0f}x; "
          f"largest |x difference| {diff:.2e}")


def directed_growth_ensemble(n: int, repeat: int, scipy_members: int) -> None:
    from calibration.params import PARAM_DIR
    from calibration.posterior import posterior_draws
    from model.cli.common import calibrated_model
    from model.directed_growth.factory import T0

    path = PARAM_DIR / "usa.toml"
    dg = calibrated_model(path)
    draws = posterior_draws(path, n, seed=0, system=dg)
    pols = [p.factory() for p in dg.meta.policies]
    kw = dict(t_span=(T0, 2100), progress=False)
    for method in ("dopri5", "auto"):  # warm-up: compiled code loaded (or compiled)
        model.ensemble(dg, draws.iloc[:50], pols, method=method, **kw)
    results = {}
    for method in ("dopri5", "auto"):
        med, times, ens = median_time(lambda m=method: model.ensemble(dg, draws, pols, method=m, **kw), repeat)
        results[method] = (med, times, ens)
    stiff = results["auto"][2].n_steps.values != results["dopri5"][2].n_steps.values  # (policy, draw)
    print(f"directed growth: {n} posterior draws (usa.toml) x {len(pols)} policies x {T0}-2100 "
          f"(load {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores)")
    for method, (med, times, ens) in results.items():
        ok = int((ens.status == 0).sum())
        print(f"  ensemble method={method!r}: {med:.2f} s median of {repeat} ({', '.join(f'{x:.2f}' for x in times)});"
              f" {ok}/{ens.status.size} members succeeded; mean steps {float(ens.n_steps.mean()):.0f}")
    print(f"  members found stiff (auto): {int(stiff.sum())} of {stiff.size}")
    if not stiff.any() or scipy_members <= 0:
        return
    # single stiff members: compiled Radau against scipy's, from the same start (the ensemble's inputs)
    ens = results["auto"][2]
    compiled_t, scipy_t = [], []
    for k, i in list(zip(*np.nonzero(stiff)))[:scipy_members]:
        pol = pols[k]
        sysp = dg.with_rules(pol.rules) if pol is not None else dg
        cs = compile_system(sysp)
        L = input_table(resolve_inputs(sysp, pol, dg.meta.exogenous))
        values = {c: draws[c].to_numpy(float)[i:i + 1] for c in draws.columns}
        values.update(dg.meta.derive_start(dg, values) if dg.meta.derive_start else {})
        P, Y0 = cs.param_vector()[None].copy(), cs.state_vector()[None].copy()
        for name, v in values.items():
            if name in cs.parameters:
                P[0, cs.parameters.index(name)] = v[0]
            elif name in cs.states:
                Y0[0, cs.states.index(name)] = v[0]
        t_eval = ens.time.values
        args = (float(t_eval[0]), Y0, P, L, t_eval, 1e-6, 1e-9, None, 20_000)
        solve_many(cs, "radau5", *args)  # loaded
        med, _, (Y, _, _, _) = median_time(lambda cs=cs, args=args: solve_many(cs, "radau5", *args), repeat)
        compiled_t.append(med)
        t = time.perf_counter()
        Ys, *_ = solve_many(cs, "Radau", *args)
        scipy_t.append(time.perf_counter() - t)
        print(f"    member {i} ({ens.policy.values[k]}): radau5 {1e3 * med:.1f} ms, scipy Radau "
              f"{1e3 * scipy_t[-1]:.0f} ms; largest relative difference of the stocks "
              f"{float(np.nanmax(np.abs(Y - Ys) / (np.abs(Ys) + 1e-9))):.1e}")
    print(f"  per stiff member: radau5 {1e3 * statistics.median(compiled_t):.1f} ms, scipy Radau "
          f"{1e3 * statistics.median(scipy_t):.0f} ms (medians over {len(compiled_t)} members)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scipy-members", type=int, default=5)
    args = ap.parse_args()
    van_der_pol(args.repeat)
    if args.draws:
        directed_growth_ensemble(args.draws, args.repeat, args.scipy_members)


if __name__ == "__main__":
    main()

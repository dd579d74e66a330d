#!/usr/bin/env python
"""How close can parameters within their stated priors bring the impulse responses to the evidence? (issue 14)

Usage: ``python benchmarks/irf_prior_fit.py [--variant mazzucato|boysen_hogrefe] [--country USA] [--generations 30]
[--fix NAME=VALUE ...]``. Minimises :func:`calibration.irf.irf_distance` over :data:`NAMES` within their
``model.directed_growth.priors.PRIORS`` ranges: a small differential evolution (seed 1, population 8 per
parameter, Sobol start, vectorised through :func:`calibration.irf.irf_distance_many`), then a bounded least
squares on the square roots of the distance's terms from its best point. Prints the distance and its terms,
the parameters (those at a prior bound marked), and the responses: output per shock in years 0-10, private
investment in years 0-4, the cumulative multipliers at 0, 2, 5, 10 and 20 years, and the private R&D log
elasticity in years 4-5. About 3-6 minutes on one core (US, 25 parameters).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from scipy.optimize import differential_evolution, least_squares

from calibration.irf import VARIANTS, default_problem, distance, irf_distance_many, load_irf_targets
from model.directed_growth.priors import PRIORS

#: the behavioural parameters the impulse responses move (all with a prior)
NAMES = ("gamma_u", "gamma_pi", "gamma_r", "chi", "theta_G", "tau_B", "c_w", "c_pi", "kappa_C", "psi_Z", "psi_L",
         "psi_i", "rho_cb", "psi_B", "zeta_G", "beta_B", "kappa_M", "alpha_A", "eta_RD", "eta_RDs", "tau_RD", "xi",
         "beta_S", "gamma_N", "sigma_N")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--variant", default=VARIANTS[0], choices=VARIANTS)
    ap.add_argument("--country", default="USA")
    ap.add_argument("--generations", type=int, default=30)
    ap.add_argument("--fix", nargs="*", default=[], metavar="NAME=VALUE", help="parameters held at a value")
    a = ap.parse_args()
    fixed = {k: float(v) for k, v in (f.split("=", 1) for f in a.fix)}
    names = [n for n in NAMES if n not in fixed]
    lo, hi = np.array([PRIORS[n][0] for n in names]), np.array([PRIORS[n][1] for n in names])
    prob = default_problem(a.country)
    targets = load_irf_targets(a.country)
    sel = targets.select(a.variant)
    p0, idx = prob.cs.param_vector(), {n: i for i, n in enumerate(prob.cs.parameters)}
    allnames = names + list(fixed)

    def many(X: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(X)
        X = X.T if X.shape[0] == len(names) and X.shape[1] != len(names) else X
        full = np.hstack([X, np.tile([fixed[k] for k in fixed], (X.shape[0], 1))]) if fixed else X
        return irf_distance_many(full, allnames, a.variant, problem=prob, targets=targets)

    def terms(x: np.ndarray) -> np.ndarray:
        d, parts = distance(prob.evaluate({**dict(zip(names, x)), **fixed}), sel)
        return np.sqrt(np.fromiter(parts.values(), float)) if np.isfinite(d) else np.full(len(parts), 1e3)

    t = time.time()
    x0 = np.clip([p0[idx[n]] for n in names], lo, hi)
    de = differential_evolution(many, list(zip(lo, hi)), popsize=8, maxiter=a.generations, seed=1, vectorized=True,
                                polish=False, x0=x0, init="sobol", updating="deferred")
    ls = least_squares(terms, de.x, bounds=(lo, hi), diff_step=1e-3, max_nfev=400, x_scale=hi - lo)
    best = ls.x if float(np.sum(terms(ls.x) ** 2)) < de.fun else de.x
    theta = {**dict(zip(names, best)), **fixed}
    res = prob.evaluate(theta)
    d, parts = distance(res, sel)
    np.set_printoptions(precision=3, suppress=True, linewidth=160)
    at = {n for n, v, lo_, hi_ in zip(names, best, lo, hi, strict=True) if min(v - lo_, hi_ - v) < 1e-3 * (hi_ - lo_)}
    print(f"{a.country} {a.variant}: distance {d:.4f} (defaults {many(x0[None, :])[0]:.2f}; {time.time() - t:.0f} s)")
    print("terms:", {k: round(v, 4) for k, v in parts.items()})
    shown = ", ".join(f"{n}={v:.4g}{'*' if n in at else ''}" for n, v in theta.items())
    print("parameters (* at a prior bound):", shown)
    for s in res.responses:
        r = res.responses[s]
        print(f"{s}: Y 0-10 {r['Y'][:11]}; I_p 0-4 {r['I_p'][:5]}; b yr 10 {r['b'][10]:.2f}; "
              f"cumulative 0/2/5/10/20 {res.cumulative[s][[0, 2, 5, 10, 20]]}")
    rd = res.responses["mission_rd"]
    el = np.log1p(rd["R_P"] * res.size) / np.log1p(rd["R_G"] * res.size)
    print(f"private R&D log elasticity, years 0-10: {el[:11]} (years 4-5: {el[4:6].mean():.3f})")


if __name__ == "__main__":
    main()

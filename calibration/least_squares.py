"""Whole-model least squares with the compiler's exact forward sensitivities as the Jacobian."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.compiler.compiled import compile as compile_system
from model.core.levers import Policy, input_table, resolve_inputs
from model.errors import CalibrationError, SolverError
from model.solve.sensitivity import solve_arrays

from .fit import Fit

__all__ = ["Identification", "Target", "Problem", "fit_least_squares", "identification"]


@dataclass(frozen=True)
class Target:
    """An observed series the model must reproduce.

    Parameters
    ----------
    name : str
        A stock or auxiliary of the model (e.g. ``"lam"``, ``"omega"``, ``"Y"``).
    years : array
        Observation years [year].
    values : array
        Observations, in the model variable's units (NaN: missing, skipped).
    sigma : float
        Scale of the residuals (measurement and specification error), in the same
        units: residuals are divided by it, so ``1/sigma`` is the weight.
    log : bool
        Compare logarithms (for levels such as output, so that growth is fitted).
    source : str
        Where the data come from.
    """

    name: str
    years: np.ndarray
    values: np.ndarray
    sigma: float
    log: bool = False
    source: str = ""

    def __post_init__(self):
        years, values = np.asarray(self.years, float), np.asarray(self.values, float)
        if years.shape != values.shape or years.ndim != 1:
            raise CalibrationError(f"target {self.name!r}: years and values must be 1-d arrays of equal length")
        if not (np.isfinite(self.sigma) and self.sigma > 0):
            raise CalibrationError(f"target {self.name!r}: sigma must be positive, got {self.sigma!r}")
        if self.log and np.any(values[np.isfinite(values)] <= 0):
            raise CalibrationError(f"target {self.name!r}: log=True needs positive values")
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "values", values)


class Problem:
    """Residuals and their exact Jacobian for fitting parameters ``wrt`` of ``system`` to ``targets``.

    Parameters
    ----------
    system : System
        The model (its defaults give the start state and the fixed parameters).
    targets : sequence of Target
    wrt : sequence of str
        Parameters to estimate.
    policy : Policy, optional
        Lever paths over the fitted period (e.g. observed public investment).
    exogenous : mapping, optional
        Exogenous paths.
    t0 : float, optional
        Start year (default: the first target year).
    params : mapping, optional
        Fixed parameter values other than the defaults.
    rtol, atol : float
        Integration tolerances (sensitivities included).
    """

    def __init__(self, system, targets: Sequence[Target], wrt: Sequence[str], *, policy: Policy | None = None,
                 exogenous: Mapping[str, Any] | None = None, t0: float | None = None,
                 params: Mapping[str, float] | None = None, rtol: float = 1e-9, atol: float = 1e-11):
        if not targets:
            raise CalibrationError("no targets given")
        known = set(system.stocks) | set(system.auxiliaries)
        bad = [t.name for t in targets if t.name not in known]
        if bad:
            raise CalibrationError(f"target(s) {', '.join(map(repr, bad))} are neither stocks nor auxiliaries of "
                                   f"model {system.name!r}")
        sysp = system.with_rules(policy.rules) if policy is not None else system
        self.cs = compile_system(sysp)
        self.wrt = list(wrt)
        self.idx = self.cs.param_index(self.wrt)
        self.targets = list(targets)
        self.p0 = self.cs.param_vector(dict(params or {}))
        self.y0 = self.cs.state_vector()
        self.L = input_table(resolve_inputs(sysp, policy, exogenous))
        years = np.unique(np.concatenate([t.years[np.isfinite(t.values)] for t in targets]))
        self.t0 = float(years[0] if t0 is None else t0)
        if self.t0 > years[0]:
            raise CalibrationError(f"t0={self.t0:g} is after the first observation ({years[0]:g})")
        self.t_eval = years
        self.rtol, self.atol = rtol, atol
        self._rows = [(t, np.searchsorted(years, t.years[np.isfinite(t.values)]), t.values[np.isfinite(t.values)])
                      for t in targets]
        self.n_residuals = sum(r[1].size for r in self._rows)
        self.evaluations = {"residuals": 0, "jacobian": 0, "integrations": 0}
        bounds = [system.variables[q].bounds for q in self.wrt]
        self.lower = np.array([-np.inf if b[0] is None else b[0] for b in bounds])
        self.upper = np.array([np.inf if b[1] is None else b[1] for b in bounds])

    def with_fixed(self, name: str, value: float) -> Problem:
        """The same problem with parameter ``name`` fixed at ``value`` (for profiles)."""
        import copy

        if name not in self.wrt:
            raise CalibrationError(f"{name!r} is not estimated here; estimated: {', '.join(self.wrt)}")
        j = self.wrt.index(name)
        sub = copy.copy(self)
        sub.p0 = self.p0.copy()
        sub.p0[self.idx[j]] = value
        keep = [i for i in range(len(self.wrt)) if i != j]
        sub.wrt = [self.wrt[i] for i in keep]
        sub.idx = self.idx[keep]
        sub.lower, sub.upper = self.lower[keep], self.upper[keep]
        sub.evaluations = dict(self.evaluations)
        return sub

    def params(self, theta) -> np.ndarray:
        p = self.p0.copy()
        p[self.idx] = theta
        return p

    def _observe(self, Y: np.ndarray, p: np.ndarray) -> dict[str, np.ndarray]:
        obs = self.cs.observed(self.t_eval, Y, p, self.L)
        obs.update({s: Y[:, i] for i, s in enumerate(self.cs.states)})
        return obs

    def _stack(self, obs: Mapping[str, np.ndarray]) -> np.ndarray:
        out = []
        for t, rows, data in self._rows:
            m = obs[t.name][rows]
            out.append(((np.log(m) - np.log(data)) if t.log else (m - data)) / t.sigma)
        return np.concatenate(out)

    def residuals(self, theta) -> np.ndarray:
        """Scaled residuals ``(model - data) / sigma`` of every target observation."""
        self.evaluations["residuals"] += 1
        self.evaluations["integrations"] += 1
        p = self.params(theta)
        Y, _ = solve_arrays(self.cs, p, self.y0, self.L, self.t0, self.t_eval, rtol=self.rtol, atol=self.atol)
        return self._stack(self._observe(Y, p))

    def jacobian(self, theta) -> np.ndarray:
        """Exact Jacobian of :meth:`residuals`: stocks from the forward sensitivities
        ``S = dy/dq`` (integrated on the steps of the plain solve), auxiliaries by the
        compiled chain rule ``da/dq = (da/dy) S_q + da/dq``."""
        self.evaluations["jacobian"] += 1
        self.evaluations["integrations"] += 1
        p = self.params(theta)
        Y, S = solve_arrays(self.cs, p, self.y0, self.L, self.t0, self.t_eval, wrt=self.idx, rtol=self.rtol,
                            atol=self.atol, control_sensitivities=False)
        names = [self.cs.parameters[q] for q in self.idx]
        val, der = self.cs.observed_tangents(self.t_eval, Y, S, p, names, self.L)
        for i, s in enumerate(self.cs.states):
            val[s], der[s] = Y[:, i], S[:, i, :]
        cols = []
        for t, rows, _ in self._rows:
            d = der[t.name][rows]
            if t.log:
                d = d / val[t.name][rows, None]
            cols.append(d / t.sigma)
        return np.concatenate(cols, axis=0)


#: a parameter is not identified when its unit vector has a component above this in the null space of the
#: column-scaled Jacobian (an identified parameter's component there is rounding, about eps / gap)
NULL_COMPONENT = 1e-6


@dataclass(frozen=True)
class Identification:
    """What the data pin down, from the SVD of the column-scaled Jacobian at the optimum.

    Attributes
    ----------
    cov : numpy.ndarray
        Gauss-Newton covariance ``s^2 (J^T J)^+`` (pseudo-inverse on the identified
        subspace); ``inf`` on the diagonal and NaN off it for parameters not identified.
    se : numpy.ndarray
        Standard errors (``inf`` for parameters not identified).
    rank : int
        Number of directions the data pin down.
    singular_values : numpy.ndarray
        Of the Jacobian with unit-norm columns (parameter units do not matter), descending.
    tol : float
        Singular values at or below it count as zero (relative: the largest is at least 1).
    null_space : numpy.ndarray, shape (k, k - rank)
        Directions of the parameters (their units, unit-norm) that leave the residuals unchanged.
    not_identified : tuple of str
        Parameters with a component in those directions.
    """

    cov: np.ndarray
    se: np.ndarray
    rank: int
    singular_values: np.ndarray
    tol: float
    null_space: np.ndarray
    not_identified: tuple


def identification(J: np.ndarray, r: np.ndarray, names: Sequence[str], rcond: float | None = None) -> Identification:
    """Covariance and identified directions of a least-squares fit, by a rank-revealing SVD.

    The Jacobian's columns are scaled to unit norm (so the decision does not depend on
    the parameters' units), then decomposed ``J D = U S V^T``. A singular value at or
    below ``rcond * S[0]`` is zero: its direction ``D v`` of the parameters moves no
    residual, so every parameter with a component in it gets an infinite standard
    error and is listed as not identified. The covariance is
    ``s^2 D V_r S_r^-2 V_r^T D`` over the ``rank`` kept directions, with
    ``s^2 = |r|^2 / (m - rank)``.

    Parameters
    ----------
    J : numpy.ndarray, shape (m, k)
        Jacobian of the (scaled) residuals at the optimum.
    r : numpy.ndarray, shape (m,)
        Residuals at the optimum.
    names : sequence of str
        Parameter names (columns of ``J``).
    rcond : float, optional
        Relative singular-value tolerance; default ``max(m, k) * eps`` (machine precision).

    Returns
    -------
    Identification
    """
    J = np.asarray(J, float)
    m, k = J.shape
    norms = np.linalg.norm(J, axis=0)
    scale = 1.0 / np.where(norms > 0, norms, 1.0)  # a column of zeros stays zero: its parameter moves nothing
    _, S, Vt = np.linalg.svd(J * scale, full_matrices=m < k)
    S = np.concatenate([S, np.zeros(k - S.size)])  # fewer residuals than parameters: the rest are zero
    V = Vt.T
    rc = max(m, k) * np.finfo(float).eps if rcond is None else float(rcond)
    tol = rc * S[0] if S[0] > 0 else np.inf
    keep = S > tol
    rank = int(keep.sum())
    s2 = float(r @ r) / max(m - rank, 1)
    Vr = V[:, keep] / S[keep]
    cov = s2 * (scale[:, None] * (Vr @ Vr.T) * scale[None, :])
    null = V[:, ~keep]
    free = np.linalg.norm(null, axis=1) > NULL_COMPONENT
    cov[free, :] = np.nan
    cov[:, free] = np.nan
    cov[free, free] = np.inf
    directions = null * scale[:, None]
    directions = directions / np.where(np.linalg.norm(directions, axis=0) > 0, np.linalg.norm(directions, axis=0),
                                       1.0)
    se = np.sqrt(np.diag(cov))
    return Identification(cov, se, rank, S, float(tol), directions,
                          tuple(n for n, f in zip(names, free) if f))


def fit_least_squares(problem: Problem, theta0: Sequence[float] | None = None, *, starts: int = 1, seed: int = 0,
                      jac: str = "exact", progress=None, rcond: float | None = None, **kwargs) -> tuple[Fit, dict]:
    """Fit by trust-region least squares (scipy ``least_squares``, ``trf``) within the declared bounds.

    Parameters
    ----------
    problem : Problem
    theta0 : sequence of float, optional
        First start (default: the current parameter values).
    starts : int
        Number of starts: the first at ``theta0``, the others Latin-hypercube draws
        within the declared bounds (seeded); the best fit is returned.
    jac : {"exact", "2-point", "3-point"}
        Exact sensitivities, or scipy's finite differences (for comparison).
    progress : callable, optional
        Called with a one-line message after each start.
    rcond : float, optional
        Relative singular-value tolerance of the identification (see
        :func:`identification`); default ``max(m, k) * eps``.
    **kwargs
        Passed to ``scipy.optimize.least_squares`` (e.g. ``xtol``, ``max_nfev``).

    Returns
    -------
    fit : Fit
        Estimates with Gauss-Newton standard errors ``s^2 (J^T J)^+`` from a
        rank-revealing SVD (:func:`identification`): parameters the data do not
        pin down (a flat direction of the residuals, e.g. ``s`` and ``A`` of Solow's
        ``k``, of which only the product matters) get infinite standard errors,
        are listed by ``fit.not_identified()`` and in ``fit.notes``, and their
        directions are ``fit.null_space``.
    report : dict
        Every start's cost and status, evaluations and time; the Jacobian's
        ``condition_number``, ``rank``, ``singular_values_scaled``,
        ``rank_tolerance`` and ``not_identified``.

    Raises
    ------
    CalibrationError
        An unknown ``jac``, or every start failing to integrate.
    """
    from scipy.optimize import least_squares

    if jac not in ("exact", "2-point", "3-point"):
        raise CalibrationError(f"jac must be 'exact', '2-point' or '3-point', got {jac!r}")
    k = len(problem.wrt)
    first = problem.p0[problem.idx] if theta0 is None else np.asarray(theta0, float)
    points = [first]
    if starts > 1:
        from scipy.stats import qmc

        lo = np.where(np.isfinite(problem.lower), problem.lower, first - 1.0)
        hi = np.where(np.isfinite(problem.upper), problem.upper, first + 1.0)
        points += list(qmc.scale(qmc.LatinHypercube(d=k, seed=seed).random(starts - 1), lo, hi))
    runs, best = [], None
    started = time.perf_counter()
    for i, x0 in enumerate(points):
        t1 = time.perf_counter()
        try:
            res = least_squares(problem.residuals, x0, jac=problem.jacobian if jac == "exact" else jac,
                                bounds=(problem.lower, problem.upper), x_scale="jac", method="trf", **kwargs)
        except SolverError as exc:
            runs.append({"start": x0.tolist(), "status": f"solver failed: {exc}"})
            continue
        runs.append({"start": x0.tolist(), "cost": float(res.cost), "nfev": int(res.nfev),
                     "njev": int(res.njev or 0), "status": res.message, "seconds": time.perf_counter() - t1,
                     "x": res.x.tolist()})
        if progress is not None:
            progress(f"start {i + 1}/{len(points)}: cost {res.cost:.6g} ({res.nfev} evaluations)")
        if best is None or res.cost < best.cost:
            best = res
    if best is None:
        raise CalibrationError("every start failed to integrate: " + "; ".join(r["status"] for r in runs))
    J = problem.jacobian(best.x)
    names = tuple(problem.wrt)
    ident = identification(J, best.fun, names, rcond)
    data_sq = sum(np.sum(((np.log(d) if t.log else d) - np.mean(np.log(d) if t.log else d)) ** 2) / t.sigma ** 2
                  for t, _, d in problem._rows)
    notes = ()
    if ident.not_identified:
        notes = (f"not identified by the data: {', '.join(ident.not_identified)} (the Jacobian has rank "
                 f"{ident.rank} of {len(names)}; moving them along "
                 + "; ".join("(" + ", ".join(f"{v:+.3g} {n}" for n, v in zip(names, d) if abs(v) > NULL_COMPONENT)
                             + ")" for d in ident.null_space.T)
                 + " leaves every residual unchanged): their standard errors are infinite",)
    fit = Fit("whole model", dict(zip(names, best.x.tolist())), dict(zip(names, ident.se.tolist())), ident.cov,
              names, problem.n_residuals, float(np.sqrt(np.mean(best.fun ** 2))),
              float(1 - 2 * best.cost / data_sq) if data_sq > 0 else float("nan"), problem.t_eval,
              best.fun, "scaled residuals (model - data)/sigma of: " + ", ".join(t.name for t in problem.targets),
              notes, ident.null_space)
    report = {"starts": runs, "evaluations": dict(problem.evaluations), "seconds": time.perf_counter() - started,
              "jac": jac, "condition_number": float(np.linalg.cond(J)), "rank": ident.rank,
              "singular_values_scaled": ident.singular_values.tolist(), "rank_tolerance": ident.tol,
              "not_identified": list(ident.not_identified)}
    return fit, report

"""Bayesian uncertainty (emcee) and profile likelihoods around a least-squares fit."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from model.errors import CalibrationError, SolverError

from .fit import Fit

__all__ = ["Prior", "Posterior", "sample_posterior", "profile_likelihood"]


@dataclass(frozen=True)
class Prior:
    """Independent priors: uniform on the declared bounds, optionally times a normal.

    Parameters
    ----------
    lower, upper : array
        Bounds (the model's declared bounds; the density is zero outside).
    mean, sd : array, optional
        A normal factor per parameter (NaN ``sd``: flat within the bounds), e.g.
        centred on a literature value with the spread its source allows.
    """

    lower: np.ndarray
    upper: np.ndarray
    mean: np.ndarray | None = None
    sd: np.ndarray | None = None

    def logpdf(self, theta: np.ndarray) -> float:
        if np.any(theta <= self.lower) or np.any(theta >= self.upper):
            return -np.inf
        if self.mean is None or self.sd is None:
            return 0.0
        use = np.isfinite(self.sd)
        return float(-0.5 * np.sum(((theta[use] - self.mean[use]) / self.sd[use]) ** 2))


@dataclass(frozen=True)
class Posterior:
    """Posterior draws and their summary.

    Attributes
    ----------
    names : tuple of str
    samples : numpy.ndarray, shape (n_draws, k)
        Draws after burn-in and thinning (all walkers pooled).
    log_prob : numpy.ndarray, shape (n_draws,)
    acceptance : float
        Mean acceptance fraction of the walkers.
    autocorr : numpy.ndarray or None
        Integrated autocorrelation times [steps] (None when the chain is too short
        for a reliable estimate; then the draws are not independent enough to trust
        the intervals and the summary says so).
    """

    names: tuple[str, ...]
    samples: np.ndarray
    log_prob: np.ndarray
    acceptance: float
    autocorr: np.ndarray | None

    def summary(self, level: float = 0.9) -> dict[str, dict[str, float]]:
        """Median, mean, sd and the central ``level`` credible interval of each parameter."""
        q = [(1 - level) / 2, 0.5, (1 + level) / 2]
        out = {}
        for j, n in enumerate(self.names):
            lo, med, hi = np.quantile(self.samples[:, j], q)
            out[n] = {"median": float(med), "mean": float(self.samples[:, j].mean()),
                      "sd": float(self.samples[:, j].std(ddof=1)), "lower": float(lo), "upper": float(hi),
                      "level": level}
        return out


def sample_posterior(residuals: Callable[[np.ndarray], np.ndarray], start: Fit, prior: Prior, *,
                     walkers: int | None = None, steps: int = 2000, burn: int | None = None, thin: int = 1,
                     seed: int = 0, sigma_scale: float = 1.0, progress: bool = False) -> Posterior:
    r"""Sample :math:`p(\theta|y) \propto \exp(-\tfrac12 \lVert r(\theta)\rVert^2/s^2)\,p(\theta)` with emcee.

    Parameters
    ----------
    residuals : callable
        Scaled residuals ``(model - data)/sigma`` (e.g. :meth:`Problem.residuals`);
        integration failures count as zero likelihood.
    start : Fit
        The least-squares fit: walkers start in a small ball drawn from its covariance;
        along directions the data do not identify (infinite standard errors, see
        :func:`calibration.least_squares.identification`) the ball's size comes from
        the prior bounds instead (1% of their width).
    prior : Prior
    walkers : int, optional
        Default ``max(4 k, 16)``.
    steps, burn, thin : int
        Chain length, discarded burn-in (default ``steps // 4``) and thinning.
    seed : int
        Seeds both the start ball and emcee's moves (reproducible).
    sigma_scale : float
        :math:`s`: the residual scale; 1 when the target sigmas are the noise levels.
    progress : bool
        emcee's progress bar.
    """
    import emcee

    k = len(start.names)
    walkers = walkers or max(4 * k, 16)
    burn = steps // 4 if burn is None else burn
    if not 0 <= burn < steps:
        raise CalibrationError(f"burn ({burn}) must be between 0 and steps ({steps})")
    rng = np.random.default_rng(seed)
    p0 = _start_ball(rng, start, prior, walkers)

    def log_prob(theta):
        lp = prior.logpdf(theta)
        if not np.isfinite(lp):
            return -np.inf
        try:
            r = residuals(theta)
        except SolverError:
            return -np.inf
        if not np.all(np.isfinite(r)):
            return -np.inf
        return lp - 0.5 * float(r @ r) / sigma_scale ** 2

    sampler = emcee.EnsembleSampler(walkers, k, log_prob)
    sampler.random_state = np.random.RandomState(int(rng.integers(2 ** 31))).get_state()
    sampler.run_mcmc(p0, steps, progress=progress)
    try:
        tau = sampler.get_autocorr_time(discard=burn)
    except emcee.autocorr.AutocorrError:
        tau = None
    return Posterior(tuple(start.names), sampler.get_chain(discard=burn, thin=thin, flat=True),
                     sampler.get_log_prob(discard=burn, thin=thin, flat=True),
                     float(np.mean(sampler.acceptance_fraction)), tau)


def _start_ball(rng: np.random.Generator, start: Fit, prior: Prior, walkers: int) -> np.ndarray:
    """Walkers' start points around the fit: from its covariance on the identified parameters, and
    along the unidentified directions a spread of 1% of the bounds' width (an infinite bound: of the
    value's magnitude, at least 1), never from a singular covariance."""
    k = len(start.names)
    centre = np.array([start.values[n] for n in start.names], float)
    cov = np.asarray(start.cov, float)
    free = ~np.isfinite(np.diag(cov))
    if not free.any():
        p0 = rng.multivariate_normal(centre, 1e-2 * (cov + np.diag(np.full(k, 1e-16))), size=walkers)
    else:
        ok = ~free
        p0 = np.tile(centre, (walkers, 1))
        if ok.any():
            c = cov[np.ix_(ok, ok)] + np.diag(np.full(int(ok.sum()), 1e-16))
            p0[:, ok] = rng.multivariate_normal(centre[ok], 1e-2 * c, size=walkers)
        finite = np.isfinite(prior.lower) & np.isfinite(prior.upper)
        width = np.where(finite, prior.upper - prior.lower, np.maximum(np.abs(centre), 1.0))
        dirs = start.null_space if start.null_space is not None and np.size(start.null_space) else None
        if dirs is None:  # no directions recorded: each unidentified parameter on its own
            dirs = np.eye(k)[:, free]
        for d in np.asarray(dirs, float).T:
            moved = np.abs(d) > 1e-6
            if moved.any():
                step = 1e-2 * float(np.min(width[moved] / np.abs(d[moved])))
                p0 += np.outer(rng.normal(size=walkers), step * d)
        # a tiny independent jitter keeps the walkers linearly independent (emcee needs it) across the flat
        # directions, whose data-determined width the covariance does not give
        p0[:, free] += 1e-6 * width[free] * rng.normal(size=(walkers, int(free.sum())))
    with np.errstate(invalid="ignore"):  # an infinite bound stays infinite
        lo = np.where(np.isfinite(prior.lower), prior.lower + 1e-12 * (1 + np.abs(prior.lower)), prior.lower)
        hi = np.where(np.isfinite(prior.upper), prior.upper - 1e-12 * (1 + np.abs(prior.upper)), prior.upper)
    return np.clip(p0, lo, hi)


def profile_likelihood(problem, fit: Fit, name: str, *, points: int = 9, width: float = 3.0,
                       values: Sequence[float] | None = None, **kwargs) -> Mapping[str, np.ndarray]:
    r"""Profile of the cost :math:`\tfrac12\lVert r\rVert^2` in one parameter, the others re-fitted.

    Parameters
    ----------
    problem : Problem
    fit : Fit
        The least-squares optimum (its standard error sets the grid).
    name : str
        The profiled parameter.
    points, width : int, float
        Grid of ``points`` values over ``fit +- width * se`` (clipped to the bounds); for
        a parameter not identified (infinite ``se``), over its bounds (an infinite bound:
        ``width`` times the value's magnitude, at least 1, from the value).
    values : sequence of float, optional
        An explicit grid instead.
    **kwargs
        Passed to ``scipy.optimize.least_squares``.

    Returns
    -------
    dict
        ``values`` and ``cost`` (the minimum over the other parameters, NaN where the
        fit failed), and ``delta_chi2 = 2 (cost - min cost) / s^2`` with
        :math:`s^2` the residual variance at the optimum: compare with 3.84 for a 95%
        interval; a flat profile means the data do not identify the parameter.
    """
    from scipy.optimize import least_squares

    if name not in fit.names:
        raise CalibrationError(f"{name!r} was not fitted; fitted: {', '.join(fit.names)}")
    j = list(fit.names).index(name)
    if values is None:
        lo, hi = problem.lower[j], problem.upper[j]
        v, se = fit.values[name], fit.se[name]
        if not np.isfinite(se):  # not identified: the profile over the bounds (or +-width times the value)
            half = width * max(abs(v), 1.0)
            a = lo if np.isfinite(lo) else v - half
            b = hi if np.isfinite(hi) else v + half
            grid = np.linspace(a, b, points)
        else:
            grid = np.linspace(v - width * se, v + width * se, points)
        grid = np.clip(grid, lo + 1e-9 * (1 + abs(lo)), hi - 1e-9 * (1 + abs(hi)))
    else:
        grid = np.asarray(values, float)
    others = [n for n in fit.names if n != name]
    costs = np.full(grid.size, np.nan)
    for i, v in enumerate(grid):
        sub = problem.with_fixed(name, float(v))
        x0 = np.array([fit.values[n] for n in others])
        try:
            if others:
                res = least_squares(sub.residuals, x0, jac=sub.jacobian, bounds=(sub.lower, sub.upper),
                                    x_scale="jac", method="trf", **kwargs)
                costs[i] = res.cost
            else:
                costs[i] = 0.5 * float(np.sum(sub.residuals(x0) ** 2))
        except SolverError:
            continue
    s2 = float(fit.residuals @ fit.residuals) / max(fit.n_obs - len(fit.names), 1)
    cmin = 0.5 * float(fit.residuals @ fit.residuals)
    return {"values": grid, "cost": costs, "delta_chi2": 2 * (costs - cmin) / s2}

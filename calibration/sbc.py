"""Simulation-based calibration: does the fit recover parameters drawn from the prior?

Each replication draws ``theta`` from the prior, simulates data at the likelihood's noise, refits, and asks
whether the central ``level`` interval covers the drawn ``theta``. Over ``n`` replications a calibrated
procedure covers each parameter a Binomial(``n``, ``level``) number of times, so the coverage must lie in
that distribution's central 95% band (:func:`binomial_band`); with posterior draws the rank of ``theta``
among them is uniform (Talts, Betancourt, Simpson, Vehtari & Gelman 2018, arXiv:1804.06788).

The fit is the Laplace posterior (:func:`calibration.joint.laplace`: mode and Gauss-Newton covariance) by
default, for speed; it is exact for a linear-Gaussian model (:class:`LinearGaussian`) and an approximation
for the replay, which is what the replay's coverage then tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model.errors import CalibrationError, SolverError

from .joint import JointPrior, PriorEntry, laplace

__all__ = ["SBCResult", "binomial_band", "sbc", "LinearGaussian", "replay_sbc"]



def binomial_band(n: int, level: float = 0.9, prob: float = 0.95) -> tuple[float, float]:
    """Central ``prob`` band of the coverage of ``n`` replications of a ``level`` interval (binomial
    quantiles divided by ``n``): e.g. ``(0.82, 0.98)`` for 50 replications of 90% intervals."""
    from scipy.stats import binom

    lo, hi = binom.interval(prob, n, level)
    return float(lo / n), float(hi / n)


@dataclass
class SBCResult:
    """Coverage of each parameter over the replications.

    Attributes
    ----------
    names : tuple of str
    truth : numpy.ndarray, shape (reps, k)
        The drawn parameters.
    lower, upper : numpy.ndarray, shape (reps, k)
        Each replication's interval (NaN: the fit failed; counted as not covering).
    coverage : dict
        Name -> share of replications whose interval holds the drawn value.
    band : tuple of float
        :func:`binomial_band` of the replications and level.
    level : float
    seconds : float
    skipped : int
        Draws at which the model produced no data (its integration failed): left out of the coverage, which
        is then over ``reps - skipped`` replications.
    """

    names: tuple[str, ...]
    truth: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    coverage: dict
    band: tuple[float, float]
    level: float
    seconds: float
    skipped: int = 0

    def inside(self) -> dict[str, bool]:
        """Name -> whether its coverage lies in the binomial band."""
        return {n: self.band[0] <= c <= self.band[1] for n, c in self.coverage.items()}

    def table(self) -> str:
        lines = [f"coverage of {100 * self.level:.0f}% intervals over {self.truth.shape[0] - self.skipped} "
                 f"replications ({self.skipped} draws without data; binomial 95% band "
                 f"{self.band[0]:.2f}-{self.band[1]:.2f})"]
        lines += [f"  {n:12s} {c:.2f} {'ok' if self.inside()[n] else 'OUTSIDE'}" for n, c in self.coverage.items()]
        return "\n".join(lines)


def sbc(prior: JointPrior, simulate: Callable, fit: Callable, reps: int = 50, level: float = 0.9,
        seed: int = 0) -> SBCResult:
    """Coverage of ``fit``'s central ``level`` intervals for parameters drawn from ``prior``.

    Parameters
    ----------
    prior : JointPrior
    simulate : callable
        ``(theta (k,), rng) -> data``: synthetic data at ``theta`` with the likelihood's noise.
    fit : callable
        ``(data, rng) -> dict`` with ``mode`` and ``sd`` (a normal interval ``mode -+ z sd``) or with
        ``draws`` ``(n, k)`` (the central quantile interval).
    reps, level, seed
        Replications, interval level, seed (of the draws, the noise and the fits).
    """
    from scipy.stats import norm

    rng = np.random.default_rng(seed)
    k = len(prior.names)
    t = time.perf_counter()
    truth = prior.sample(rng, reps)
    lower, upper = np.full((reps, k), np.nan), np.full((reps, k), np.nan)
    z = float(norm.ppf(0.5 + level / 2))
    skipped = np.zeros(reps, bool)
    for i in range(reps):
        try:
            data = simulate(truth[i], rng)
        except (CalibrationError, SolverError):
            skipped[i] = True  # no data at this draw (the model fails there): reported, not counted
            continue
        try:
            f = fit(data, rng)
        except (ArithmeticError, ValueError, np.linalg.LinAlgError):
            continue
        if "draws" in f:
            lower[i], upper[i] = np.quantile(f["draws"], [0.5 - level / 2, 0.5 + level / 2], axis=0)
        else:
            lower[i], upper[i] = f["mode"] - z * f["sd"], f["mode"] + z * f["sd"]
    covered = (truth >= lower) & (truth <= upper)  # NaN compares False: a failed fit does not cover
    used = ~skipped
    if not used.any():
        raise CalibrationError(f"sbc: every one of the {reps} draws failed to simulate")
    cov = {n: float(covered[used, j].mean()) for j, n in enumerate(prior.names)}
    return SBCResult(prior.names, truth, lower, upper, cov, binomial_band(int(used.sum()), level), level,
                     time.perf_counter() - t, int(skipped.sum()))


class LinearGaussian:
    """A toy linear-Gaussian model with a known posterior: ``y = X theta + sigma e``, ``theta_j ~ N(m_j, s_j)``
    (truncated at +-8 prior sd, which changes nothing at double precision of the coverage).

    The posterior is Gaussian with precision ``X^T X / sigma^2 + diag(1/s^2)``: the Laplace posterior is
    exact, so its intervals must cover at the nominal rate (the reference case of :func:`sbc`).

    Parameters
    ----------
    X : numpy.ndarray, shape (n, k)
    sigma : float
        Noise sd.
    mean, sd : array, shape (k,)
        Prior mean and sd.
    """

    def __init__(self, X, sigma: float, mean, sd):
        self.X = np.asarray(X, float)
        self.sigma = float(sigma)
        mean, sd = np.asarray(mean, float), np.asarray(sd, float)
        self.prior = JointPrior(tuple(PriorEntry(f"theta{j}", "truncnorm", m - 8 * s, m + 8 * s, m, s,
                                                 "toy", "assumption") for j, (m, s) in enumerate(zip(mean, sd))))

    def simulate(self, theta, rng: np.random.Generator) -> np.ndarray:
        return self.X @ np.asarray(theta, float) + self.sigma * rng.normal(size=self.X.shape[0])

    def residuals(self, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        return lambda theta: (self.X @ theta - y) / self.sigma

    def exact(self, y: np.ndarray) -> dict:
        """The exact posterior mean and covariance."""
        m = np.array([e.mean for e in self.prior.entries])
        s = np.array([e.sd for e in self.prior.entries])
        prec = self.X.T @ self.X / self.sigma ** 2 + np.diag(1 / s ** 2)
        cov = np.linalg.inv(prec)
        return {"mean": cov @ (self.X.T @ y / self.sigma ** 2 + m / s ** 2), "cov": cov}

    def log_posterior(self, y: np.ndarray) -> Callable[[np.ndarray], float]:
        """``theta -> ln p(theta | y)`` up to a constant (for MCMC checks)."""
        prior = self.prior

        def lp(theta):
            r = (self.X @ theta - y) / self.sigma
            return float(prior.logpdf(theta)) - 0.5 * float(r @ r)

        return lp

    def fit_laplace(self, y: np.ndarray, rng=None) -> dict:
        centre = np.array([e.mean for e in self.prior.entries])
        return laplace(self.residuals(y), self.prior, centre)


def replay_sbc(posterior, reps: int = 50, level: float = 0.9, seed: int = 0, start: str = "centre",
               progress: Callable[[str], None] | None = None) -> SBCResult:
    """SBC of a :class:`calibration.joint.JointPosterior` with Laplace refits.

    Synthetic data: the replay series and block estimates at the drawn ``theta`` with noise at their sigmas
    (:meth:`JointPosterior.synthetic`; the extra term, e.g. the impulse-response distance, keeps its
    targets). The refit starts at the prior's centre (``start="centre"``, an honest search that can end in
    another local mode) or at the drawn value (``"truth"``: the local curvature only).
    """
    if start not in ("centre", "truth"):
        raise ValueError(f"start must be 'centre' or 'truth', got {start!r}")
    prior = posterior.prior
    centre = (prior.lower + prior.upper) / 2
    count = [0]

    def simulate(theta, rng):
        return theta, posterior.synthetic(theta, rng)

    def fit(data, rng):
        theta, syn = data
        out = laplace(syn.residuals, prior, theta if start == "truth" else centre)
        count[0] += 1
        if progress is not None:
            progress(f"replication {count[0]}/{reps}: cost {out['cost']:.4g}")
        return out

    return sbc(prior, simulate, fit, reps, level, seed)

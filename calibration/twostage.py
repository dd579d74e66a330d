"""Two-stage joint calibration: MCMC on the parameters the replay identifies, then tempered sequential Monte
Carlo (SMC) that adds the parameters the impulse responses speak to and moves every parameter.

Since issue 14's session 11 stage 2 is by default nested sampling of the same full posterior from the truncated
prior (:mod:`calibration.nested`, ``calibrate_joint(sampler="nautilus")``), which needs no stage-1 reference; the
tempered SMC below stays as ``sampler="smc"``, and stage 1 reports what the replay alone identifies.

Why two stages (measured, issue 14): emcee on the 20 parameters of :data:`calibration.joint.SAMPLED` does not
converge in 15 minutes on 2 cores, and with the impulse-response distance in every evaluation (about 11 ms a
point unloaded: two replays and four impulse-response runs) no long MCMC fits the budget.

Stage 1 (MCMC): :data:`STAGE1` sampled jointly (:func:`calibration.joint.sample_joint`), every other parameter
at its default in the replay likelihood: ``p_1(theta_1) ~ prior(theta_1) L_R(theta_1, theta_2 = default)``.

Stage 2 (:mod:`calibration.smc`, :class:`calibration.pipeline.TemperedTarget`): the target is the full joint
posterior

.. math:: \\pi(\\theta_1, \\theta_2) \\propto p(\\theta_1) p(\\theta_2) L_R(\\theta_1, \\theta_2)
          e^{-D(\\theta_1, \\theta_2)/2}

(``L_R``: blocks and replay; ``D``: the impulse-response distance, :func:`calibration.irf.irf_distance`). Thinned
stage-1 draws joined to prior draws of :data:`STAGE2` are a sample of the reference
``pi_0 = p_1(theta_1) p(theta_2)``; adaptive likelihood tempering of
``ell = ln L_R(theta_1, theta_2) - ln L_R(theta_1, default) - D/2`` carries them to ``pi`` with random-walk moves of
all parameters (so the stage-1 parameters follow what the impulse responses say too). This replaced an importance
step with population Monte Carlo proposals (:func:`importance_correct`, kept for comparison), whose Kish ESS was
95 (Mazzucato variant) and 6 (Boysen-Hogrefe) on the US: the impulse-response term spreads the log weights by
an sd of 78-113 over the prior, beyond any fixed proposal.

:func:`importance_correct` (the earlier stage 2): ``w = L_R(theta_1, theta_2) / L_R(theta_1, default) e^{-D/2}
p(theta_2) / q(theta_2)``, exact, with ``q`` refitted by population Monte Carlo (Cappe, Guillin, Marin & Robert
2004, J. Comput. Graph. Stat. 13(4): 907-929) as a defensive mixture ``a p(theta_2) + (1 - a) N(m, S)``
(Hesterberg 1995) on the logit scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from model.errors import CalibrationError

from .joint import JointPrior
from .logit import log_jacobian, logistic, logit

__all__ = ["STAGE1", "STAGE1_REASON", "STAGE2", "IRF_PARAMETERS", "STAGE2_REASON", "kish_ess", "ImportanceResult",
           "importance_correct", "systematic_resample"]

#: parameters sampled by MCMC in stage 1: those the replay moves (named, not data-driven: see STAGE1_REASON)
STAGE1 = ("gamma_u", "gamma_pi", "gamma_r", "c_w", "c_pi", "phi1", "gamma_p", "alpha0", "g_sigma", "g_Z",
          "theta_G")

STAGE1_REASON = ("the parameters the 1970-2019 US replay moves (posterior/prior sd ratio < 0.5 in 20-parameter "
                 "runs, issue 14 measurements); a named list because a data-driven choice needs a 20-parameter "
                 "run that does not converge in the time budget")

#: parameters added in stage 2: those the impulse responses speak to (mission R&D, crowding in of private R&D,
#: time to build, interest-rate reaction, public capital)
IRF_PARAMETERS = ("chi", "kappa_M", "alpha_A", "eta_RD", "eta_RDs", "tau_RD", "tau_B", "kappa_C", "psi_B", "alpha_KV")

#: the stage-2 parameters: :data:`IRF_PARAMETERS` and the propensity to consume out of wealth ``c_V``, which the
#: 2025 projection start speaks to (calibration.truncation: with ``c_V`` at its default 0.048, 50.9% of the US
#: stage-1 draws have no 2025 start, the shipped usa_joint.toml; with ``c_V`` estimated, 23.13% of the first 10,000
#: draws of the default US ensemble are re-drawn for want of a start, 43.3% before, most for parameters drawn from
#: their priors: issue 14, session 7)
STAGE2 = IRF_PARAMETERS + ("c_V",)

STAGE2_REASON = ("the parameters the impulse-response targets speak to (mission R&D: chi, kappa_M, alpha_A; "
                 "private R&D: eta_RD, eta_RDs, tau_RD; time to build tau_B; public capital kappa_C, alpha_KV; "
                 "bond-rate reaction psi_B) and that the replay does not pin down (the Laplace posterior of the "
                 "replay with alpha_KV and psi_B in stage 1: alpha_KV sd 0.54 of its prior sd, psi_B at its upper "
                 "bound 0.05); sampled with every other parameter from their priors to the full posterior (nested "
                 "sampling by default, or tempered SMC); and the propensity to consume out of wealth c_V, which "
                 "decides with c_w and c_pi whether the 2025 projection start exists (autonomous household "
                 "consumption positive), drawn from its prior (DEFINE 0.048-0.050, Godley & Lavoie's GROWTH 0.064) "
                 "and truncated to that start")


def kish_ess(logw) -> float:
    """Kish effective sample size ``(sum w)^2 / sum w^2`` of log weights (``-inf``: zero weight) [draws]."""
    lw = np.asarray(logw, float)
    ok = np.isfinite(lw)
    if not ok.any():
        return 0.0
    w = np.exp(lw[ok] - lw[ok].max())
    return float(w.sum() ** 2 / np.sum(w * w))


def systematic_resample(logw, n: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``n`` draws resampled in proportion to ``exp(logw)`` (systematic resampling: one uniform,
    ``n`` evenly spaced points; Kitagawa 1996)."""
    lw = np.asarray(logw, float)
    w = np.where(np.isfinite(lw), np.exp(lw - np.max(lw[np.isfinite(lw)])), 0.0)
    c = np.cumsum(w / w.sum())
    c[-1] = 1.0
    return np.searchsorted(c, (rng.uniform() + np.arange(n)) / n, side="right").clip(0, lw.size - 1)


@dataclass
class ImportanceResult:
    """The importance-sampling stage.

    Attributes
    ----------
    names1, names2 : tuple of str
        Stage-1 and stage-2 parameter names (the columns of ``draws``, in that order).
    draws : numpy.ndarray, shape (n, k1 + k2)
        The weighted draws of every iteration, pooled.
    logw : numpy.ndarray, shape (n,)
        Their log weights (unnormalised; ``-inf``: zero).
    kish_ess : float
        Of the pooled draws [draws].
    iterations : list of dict
        Per iteration: ``n``, ``kish_ess`` (of its own draws), ``kish_ess_pooled`` (of the pool so far),
        ``proposal`` ("prior" or "pmc"), ``finite`` (draws with a finite weight), ``seconds``.
    table : numpy.ndarray, shape (m, k1 + k2)
        ``m`` rows resampled from ``draws`` by weight: the posterior table.
    retained : int
        Index of the last iteration.
    """

    names1: tuple[str, ...]
    names2: tuple[str, ...]
    draws: np.ndarray
    logw: np.ndarray
    kish_ess: float
    iterations: list[dict] = field(default_factory=list)
    table: np.ndarray | None = None
    retained: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        return self.names1 + self.names2

    def weighted_mean(self) -> np.ndarray:
        w = _w(self.logw)
        return w @ self.draws / w.sum()

    def weighted_cov(self) -> np.ndarray:
        w = _w(self.logw)
        return np.cov(self.draws.T, aweights=w)


def _w(logw: np.ndarray) -> np.ndarray:
    ok = np.isfinite(logw)
    return np.where(ok, np.exp(logw - np.max(logw[ok])), 0.0) if ok.any() else np.zeros_like(logw)


def _mvn_logpdf(X: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    L = np.linalg.cholesky(cov)
    z = np.linalg.solve(L, (X - mean).T)
    return -0.5 * np.sum(z * z, axis=0) - np.sum(np.log(np.diag(L))) - 0.5 * X.shape[1] * math.log(2 * math.pi)


def _prior_logdensity(prior: JointPrior, X: np.ndarray) -> np.ndarray:
    """Normalised log density of a :class:`JointPrior` (uniform and truncated-normal factors)."""
    from scipy.stats import truncnorm

    out = np.zeros(X.shape[0])
    for j, e in enumerate(prior.entries):
        x = X[:, j]
        inside = (x >= e.low) & (x <= e.high)
        if e.dist == "uniform":
            out += np.where(inside, -math.log(e.high - e.low), -np.inf)
        else:
            a, b = e._ab()
            out += np.where(inside, truncnorm.logpdf(x, a, b, loc=e.mean, scale=e.sd), -np.inf)
    return out


def importance_correct(x1: np.ndarray, loglik1: np.ndarray, prior2: JointPrior,
                       log_target: Callable[[np.ndarray, np.ndarray], np.ndarray], *, n: int = 4000,
                       rng: np.random.Generator, min_ess: float = 400.0, max_iter: int = 4,
                       defensive: float = 0.2, n_out: int = 4000,
                       progress: Callable[[dict], None] | None = None,
                       names1: Sequence[str] | None = None) -> ImportanceResult:
    """Attach ``prior2``'s parameters to stage-1 draws and weight them to the full posterior (module docstring).

    Parameters
    ----------
    x1 : array, shape (N, k1)
        Stage-1 posterior draws (pooled chains).
    loglik1 : array, shape (N,)
        Their stage-1 log-likelihood ``ln L_R(theta_1, default)`` (the log-posterior minus the log-prior).
    prior2 : JointPrior
        Priors of the stage-2 parameters.
    log_target : callable
        ``(X1 (m, k1), X2 (m, k2)) -> (m,)``: ``ln L_R(theta_1, theta_2) - D(theta_1, theta_2) / 2``
        (``-inf`` where the model fails).
    n : int
        Draws per iteration.
    rng : numpy.random.Generator
    min_ess : float
        Stop refitting once the pooled Kish ESS reaches this [draws].
    max_iter : int
        Population Monte Carlo refits after the prior proposal (0: prior proposal only).
    defensive : float
        Weight of the prior in the refitted mixture proposal.
    n_out : int
        Rows of the resampled posterior table.
    progress : callable, optional
        Receives each iteration's record.
    names1 : sequence of str, optional
        Names of the stage-1 columns (default ``x1_0, x1_1, ...``).

    Returns
    -------
    ImportanceResult

    Raises
    ------
    CalibrationError
        Shapes that do not match, or no draw with a finite weight.
    """
    import time

    x1 = np.atleast_2d(np.asarray(x1, float))
    loglik1 = np.asarray(loglik1, float)
    if loglik1.shape != (x1.shape[0],):
        raise CalibrationError(f"loglik1 has shape {loglik1.shape} for {x1.shape[0]} stage-1 draws")
    if not 0.0 < defensive <= 1.0:
        raise CalibrationError(f"defensive must be in (0, 1], got {defensive}")
    k2 = len(prior2.names)
    lo, width = prior2.lower, prior2.upper - prior2.lower

    iters = []
    pool_X1, pool_X2, pool_lw = [], [], []
    mean = cov = None
    for it in range(max_iter + 1):
        t = time.perf_counter()
        rows = rng.integers(0, x1.shape[0], n)
        X1 = x1[rows]
        if mean is None:
            X2 = prior2.sample(rng, n)
            logq_ratio = np.zeros(n)  # q = prior
            kind = "prior"
        else:  # defensive mixture: the prior, and a normal on the logit scale (no draw outside the support)
            from_prior = rng.uniform(size=n) < defensive
            X2 = np.empty((n, k2))
            X2[from_prior] = prior2.sample(rng, int(from_prior.sum()))
            U = rng.multivariate_normal(mean, cov, size=int((~from_prior).sum()), method="eigh")
            X2[~from_prior] = logistic(U, lo, width)
            X2 = np.clip(X2, lo + 1e-12 * width, prior2.upper - 1e-12 * width)  # inside: a finite logit
            lp2 = _prior_logdensity(prior2, X2)
            U2 = logit(X2, lo, width)
            lq_normal = _mvn_logpdf(U2, mean, cov) - log_jacobian(U2, width)  # ln |du/dtheta| = -ln |dtheta/du|
            logq = (np.logaddexp(math.log(defensive) + lp2, math.log1p(-defensive) + lq_normal) if defensive < 1
                    else lp2)
            logq_ratio = lp2 - logq
            kind = "pmc"
        inside = np.isfinite(logq_ratio)
        logw = np.full(n, -np.inf)
        if inside.any():
            lt = np.asarray(log_target(X1[inside], X2[inside]), float)
            logw[inside] = lt - loglik1[rows][inside] + logq_ratio[inside]
        logw[~np.isfinite(logw)] = -np.inf
        pool_X1.append(X1)
        pool_X2.append(X2)
        pool_lw.append(logw)
        all_lw = np.concatenate(pool_lw)
        ess, pooled = kish_ess(logw), kish_ess(all_lw)
        rec = {"iteration": it, "proposal": kind, "n": n, "finite": int(np.isfinite(logw).sum()),
               "kish_ess": ess, "kish_ess_pooled": pooled, "seconds": time.perf_counter() - t}
        iters.append(rec)
        if progress is not None:
            progress(rec)
        if pooled >= min_ess or it == max_iter or not np.isfinite(all_lw).any():
            break
        # refit on every iteration's weighted draws so far (each is weighted to the same target), logit scale,
        # the covariance inflated 1.5^2 (a proposal a little wider than the target keeps the weights bounded)
        w = _w(all_lw)
        U = logit(np.concatenate(pool_X2), lo, width, clip=1e-16)  # a prior draw at a bound: finite
        mean = w @ U / w.sum()
        cov = 2.25 * np.atleast_2d(np.cov(U.T, aweights=w)) + 1e-6 * np.eye(k2)
    all_lw = np.concatenate(pool_lw)
    if not np.isfinite(all_lw).any():
        raise CalibrationError("no draw of the importance stage has a finite weight (every model run failed)")
    draws = np.hstack([np.concatenate(pool_X1), np.concatenate(pool_X2)])
    idx = systematic_resample(all_lw, n_out, rng)
    names1 = tuple(names1) if names1 is not None else tuple(f"x1_{j}" for j in range(x1.shape[1]))
    return ImportanceResult(names1, prior2.names, draws, all_lw, kish_ess(all_lw), iters, draws[idx], len(iters) - 1)

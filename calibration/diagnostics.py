"""Convergence diagnostics of MCMC draws: integrated autocorrelation time, effective sample size, R-hat.

Draws are arrays of shape ``(n_steps, n_chains)`` for one parameter, or ``(n_steps, n_chains, k)`` for
``k`` parameters; an ensemble sampler's walkers count as chains, and the walkers of independent runs are
stacked along the chain axis (:func:`stack_runs`). ArviZ computes the same quantities; it is not a
dependency (a large package for about thirty lines), so R-hat follows the paper directly.

Sources
-------
* Integrated autocorrelation time: Goodman & Weare (2010), Comm. App. Math. Comp. Sci. 5(1), with the
  automatic window of Sokal (1997), as implemented by ``emcee.autocorr.integrated_time`` (Foreman-Mackey
  et al. 2013, PASP 125): the autocorrelation function is averaged over the chains before summing.
* Rank-normalised split R-hat: Vehtari, Gelman, Simpson, Carpenter & Burkner (2021), "Rank-normalization,
  folding, and localization: an improved R-hat for assessing convergence of MCMC", Bayesian Analysis 16(2),
  667-718, equations (4)-(6) and section 4.2: the larger of the bulk R-hat (ranks of the draws) and the
  tail R-hat (ranks of the draws folded about the median); a value below 1.01 is their threshold.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["integrated_time", "effective_sample_size", "split_rhat", "rank_normalised_rhat", "stack_runs",
           "summarise", "within_run_rhat"]


def _as3d(draws) -> np.ndarray:
    x = np.asarray(draws, float)
    if x.ndim == 1:
        x = x[:, None, None]
    elif x.ndim == 2:
        x = x[:, :, None]
    if x.ndim != 3:
        raise ValueError(f"draws must have shape (n_steps, n_chains[, k]), got {np.shape(draws)}")
    if x.shape[0] < 4:
        raise ValueError(f"draws need at least 4 steps per chain, got {x.shape[0]}")
    return x


def integrated_time(draws, c: float = 5.0) -> np.ndarray:
    """Integrated autocorrelation time of each parameter [steps].

    Parameters
    ----------
    draws : array, shape (n_steps, n_chains[, k])
        Draws after burn-in (an ensemble's walkers as chains).
    c : float
        Sokal's window constant: the sum stops at the smallest lag ``M >= c tau(M)``.

    Returns
    -------
    numpy.ndarray, shape (k,)
        :math:`\\tau = 1 + 2\\sum_{t=1}^{M}\\rho(t)`, the autocorrelation function averaged over the chains
        (``emcee.autocorr.integrated_time``, without its reliability error: :func:`summarise` reports
        ``n_steps / tau``, and fewer than 50 is the warning sign emcee uses).
    """
    from emcee.autocorr import integrated_time as _tau

    x = _as3d(draws)
    return np.asarray(_tau(x, c=c, tol=0, quiet=True), float)


def effective_sample_size(runs: Sequence[np.ndarray], c: float = 5.0) -> np.ndarray:
    """Effective sample size of each parameter, pooled over independent runs.

    Parameters
    ----------
    runs : sequence of array, shape (n_steps, n_chains[, k])
        One array per independent run.

    Returns
    -------
    numpy.ndarray, shape (k,)
        :math:`\\sum_r n_r / \\tau_r` with :math:`n_r` the run's draws (steps times chains) and
        :math:`\\tau_r` its integrated autocorrelation time (:func:`integrated_time`). For AR(1) draws with
        coefficient :math:`\\rho`, :math:`\\tau = (1+\\rho)/(1-\\rho)`.
    """
    if not len(runs):
        raise ValueError("effective_sample_size needs at least one run")
    total = None
    for r in runs:
        x = _as3d(r)
        ess = x.shape[0] * x.shape[1] / integrated_time(x, c)
        total = ess if total is None else total + ess
    return np.asarray(total)


def stack_runs(runs: Sequence[np.ndarray]) -> np.ndarray:
    """Independent runs' draws stacked along the chain axis: ``(n_steps, sum of n_chains, k)``, every run
    cut to the shortest run's length (its last steps kept)."""
    xs = [_as3d(r) for r in runs]
    n = min(x.shape[0] for x in xs)
    return np.concatenate([x[-n:] for x in xs], axis=1)


def split_rhat(draws, split: bool = True) -> np.ndarray:
    """Classic split R-hat (Gelman et al., BDA3 section 11.4) of each parameter: each chain cut into two
    halves, then :math:`\\sqrt{\\widehat{var}^+ / W}` with :math:`\\widehat{var}^+ = (n-1)W/n + B/n`.

    Parameters
    ----------
    draws : array, shape (n_steps, n_chains[, k])
    split : bool
        Cut each chain in halves (False: the chains as given, e.g. exchangeable draws of independent runs, where
        no within-chain trend can exist).

    Returns
    -------
    numpy.ndarray, shape (k,)
    """
    x = _as3d(draws)
    if split:
        half = x.shape[0] // 2
        x = np.concatenate([x[:half], x[x.shape[0] - half:]], axis=1)  # odd lengths: the middle draw dropped
    n = x.shape[0]
    means = x.mean(axis=0)
    W = x.var(axis=0, ddof=1).mean(axis=0)
    B = n * means.var(axis=0, ddof=1)
    var = (n - 1) / n * W + B / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(W > 0, np.sqrt(var / W), np.where(B > 0, np.inf, 1.0))


def _rank_normal(x: np.ndarray) -> np.ndarray:
    """Rank normalisation over all chains (per parameter): average ranks of ties, Blom's offset,
    ``z = Phi^-1((r - 3/8) / (S + 1/4))`` (Vehtari et al. 2021, eq. 14)."""
    from scipy.special import ndtri
    from scipy.stats import rankdata

    n, m, k = x.shape
    flat = x.reshape(n * m, k)
    r = rankdata(flat, axis=0)
    return ndtri((r - 0.375) / (n * m + 0.25)).reshape(n, m, k)


def rank_normalised_rhat(draws, split: bool = True) -> np.ndarray:
    """Rank-normalised split R-hat (Vehtari et al. 2021, Bayesian Analysis 16(2), section 4.2): the larger of
    the split R-hat of the rank-normalised draws (bulk) and of the rank-normalised draws folded about the
    median (tails). Below 1.01 with at least 4 chains: converged by their criterion.

    Parameters
    ----------
    draws : array, shape (n_steps, n_chains[, k])
        Several chains (an ensemble's walkers, the walkers of independent runs stacked: :func:`stack_runs`).
    split : bool
        Cut each chain in halves (:func:`split_rhat`).

    Returns
    -------
    numpy.ndarray, shape (k,)
    """
    x = _as3d(draws)
    if x.shape[1] < 2:
        raise ValueError("R-hat needs at least 2 chains")
    bulk = split_rhat(_rank_normal(x), split)
    folded = np.abs(x - np.median(x.reshape(-1, x.shape[2]), axis=0))
    tail = split_rhat(_rank_normal(folded), split)
    return np.maximum(bulk, tail)


def within_run_rhat(draws) -> np.ndarray:
    """Split R-hat within one run: its draws (after burn-in) in step order, walkers interleaved, cut into four
    consecutive quarters taken as four chains, rank-normalised (Vehtari et al. 2021, sec. 4.2, at least four
    chains). Above 1.01: the run's first and later draws differ (it had not reached the posterior, or drifts).

    Parameters
    ----------
    draws : array, shape (n_steps, n_chains[, k])
        One run (an ensemble's walkers as chains), at least 8 steps.

    Returns
    -------
    numpy.ndarray, shape (k,)
    """
    x = _as3d(draws)
    if x.shape[0] < 8:
        raise ValueError(f"within_run_rhat needs at least 8 steps, got {x.shape[0]}")
    flat = x.reshape(-1, x.shape[2])  # step-major: all walkers of step 0, then of step 1, ...
    half = flat.shape[0] // 2
    return rank_normalised_rhat(np.stack([flat[:half], flat[flat.shape[0] - half:]], axis=1))


def summarise(runs: Sequence[np.ndarray], names: Sequence[str], c: float = 5.0) -> dict[str, dict[str, float]]:
    """Per parameter: ``tau`` (the mean over runs) [steps], ``ess`` (pooled), ``rhat`` (rank-normalised, all
    runs' walkers as chains: the strict criterion, each walker must have explored the posterior; an ensemble's
    walkers are not independent chains, so this is stricter than R-hat's assumptions),
    ``rhat_runs`` (rank-normalised, each run's draws in step order as one chain, split in halves: do the
    independent runs agree; with one run, NaN), ``rhat_within`` (:func:`within_run_rhat`: the largest over the
    runs) and ``steps_over_tau`` (the shortest run's steps over its tau: below 50 the estimate of tau itself is
    unreliable, emcee's criterion).

    Parameters
    ----------
    runs : sequence of array, shape (n_steps, n_chains, k)
    names : sequence of str
        Parameter names (``k`` of them).
    """
    xs = [_as3d(r) for r in runs]
    k = xs[0].shape[2]
    if len(names) != k:
        raise ValueError(f"{len(names)} names for {k} parameters")
    taus = np.array([integrated_time(x, c) for x in xs])
    ess = sum(x.shape[0] * x.shape[1] / t for x, t in zip(xs, taus))
    rhat = rank_normalised_rhat(stack_runs(xs))
    steps = min(x.shape[0] for x in xs)
    if len(xs) > 1:
        rhat_runs = rank_normalised_rhat(np.stack([x[-steps:].reshape(-1, k) for x in xs], axis=1))
    else:
        rhat_runs = np.full(k, np.nan)
    worst = taus.max(axis=0)
    within = np.max([within_run_rhat(x) for x in xs], axis=0) if steps >= 8 else np.full(k, np.nan)
    return {n: {"tau": float(taus[:, j].mean()), "ess": float(ess[j]), "rhat": float(rhat[j]),
                "rhat_runs": float(rhat_runs[j]), "rhat_within": float(within[j]),
                "steps_over_tau": float(steps / worst[j])}
            for j, n in enumerate(names)}

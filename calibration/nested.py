"""The joint posterior by nested sampling: independent nautilus runs onto one posterior, pooled, with diagnostics.

Stage 2 of the joint calibration (:func:`calibration.pipeline.calibrate_joint`, ``sampler="nautilus"``, the
default) samples the full joint posterior (truncated prior x blocks x replay x impulse-response distance,
:class:`calibration.pipeline.TemperedTarget`) by neural-network-boosted importance nested sampling (Lange 2023,
MNRAS 525(2): 3181-3194; :func:`calibration.sbc.fit_nautilus`), the fit whose replay posterior passed the
simulation-based calibration (``benchmarks/sbc_coverage.txt``: 20 of 20 parameters inside the 98% band at seed 1),
where the tempered SMC's intervals were too narrow (19 of 20; on the real US data they held 0.87 of nautilus's
posterior mass). Each run is an importance sample: draws ``theta_i`` with weights ``w_i`` [1].

Diagnostics per parameter, pooled over ``R`` independent runs (:func:`nested_summary`):

* ``kish_ess``: the Kish effective sample size ``(sum w)^2 / sum w^2`` of each run, summed [draws];
* ``ess_runs``: from the spread of the runs' weighted means, ``R s^2 / var(means)`` (``s^2`` the mean of the runs'
  weighted variances): the effective sample size the runs' disagreement implies, which sees a weight error a single
  run's Kish ESS cannot;
* ``rhat``: the rank-normalised R-hat (Vehtari et al. 2021) of the runs, each resampled (systematic resampling) to
  as many equally weighted draws as the smallest run's Kish ESS and taken as one chain (unsplit: the draws of a run
  are exchangeable);
* ``pass``: both effective sample sizes above ``min_ess`` (400) and R-hat below ``max_rhat`` (1.01); never with one
  run, whose Kish ESS alone is blind to what only the runs' disagreement shows (on the shipped US Mazzucato
  posterior ``eta_RD``'s ESS from the runs is 2,244 where the summed Kish ESS is 27,830).

The posterior table is the runs' draws pooled (each run's weights normalised, the runs weighted by their Kish ESS)
and resampled systematically to equally weighted rows, in a random order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model.errors import CalibrationError

from .pooled import PooledRuns

__all__ = ["NestedRun", "NestedResult", "nested_summary"]


def _normalised(logw: np.ndarray) -> np.ndarray:
    lw = np.asarray(logw, float)
    if np.isnan(lw).any() or np.isposinf(lw).any():
        raise CalibrationError("a nested-sampling run's log weights must be finite or -inf (zero weight), not NaN "
                               "or +inf")
    ok = np.isfinite(lw)
    if not ok.any():
        raise CalibrationError("a nested-sampling run has no draw with a finite weight")
    w = np.where(ok, np.exp(lw - lw[ok].max()), 0.0)
    return w / w.sum()


@dataclass
class NestedRun:
    """One nautilus run: its importance draws and their log weights.

    Attributes
    ----------
    names : tuple of str
        The columns.
    draws : numpy.ndarray, shape (n, k)
        Importance draws [the parameters' units].
    logw : numpy.ndarray, shape (n,)
        Their log weights [1] (up to a constant).
    evaluations : int
        Likelihood evaluations.
    seconds : float
        Wall time [s].
    log_evidence : float
        nautilus's estimate of the log marginal likelihood [1].
    """

    names: tuple[str, ...]
    draws: np.ndarray
    logw: np.ndarray
    evaluations: int
    seconds: float
    log_evidence: float

    @property
    def weights(self) -> np.ndarray:
        """Normalised weights, shape ``(n,)`` [1]."""
        return _normalised(self.logw)

    @property
    def kish_ess(self) -> float:
        """Kish effective sample size [draws]."""
        w = self.weights
        return float(1.0 / np.sum(w * w))

    def mean_var(self) -> tuple[np.ndarray, np.ndarray]:
        """Weighted mean and variance per column, shapes ``(k,)``."""
        w = self.weights
        m = w @ self.draws
        return m, w @ (self.draws - m) ** 2

    def resample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        """``m`` equally weighted rows (systematic resampling, then a random order), shape ``(m, k)``."""
        from .twostage import systematic_resample

        rows = systematic_resample(np.log(np.maximum(self.weights, 1e-300)), m, rng)
        return self.draws[rng.permutation(rows)]


def nested_summary(runs: Sequence[NestedRun], min_ess: float = 400.0, max_rhat: float = 1.01,
                   seed: int = 0) -> dict[str, dict]:
    """Per parameter, over independent runs: ``ess`` and ``kish_ess`` (Kish ESS summed over the runs), ``ess_runs``
    (from the spread of the runs' weighted means; NaN with one run), ``rhat`` (rank-normalised over the runs resampled
    to equal weights; NaN with one run) and ``pass`` (module docstring; False with one run: nothing to compare).

    Raises
    ------
    CalibrationError
        No run, or runs with different columns.
    """
    from .diagnostics import rank_normalised_rhat

    if not runs:
        raise CalibrationError("nested_summary needs at least one run")
    names = runs[0].names
    if any(r.names != names for r in runs):
        raise CalibrationError(f"every run must have the columns {names}")
    rng = np.random.default_rng(seed)
    kish = float(sum(r.kish_ess for r in runs))
    if len(runs) > 1:
        m = max(2, int(min(r.kish_ess for r in runs)))
        chains = np.stack([r.resample(m, rng) for r in runs], axis=1)
        rhat = rank_normalised_rhat(chains, split=False)
        mv = [r.mean_var() for r in runs]
        means = np.array([a for a, _ in mv])
        s2 = np.mean([b for _, b in mv], axis=0)
        v = means.var(axis=0, ddof=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ess_runs = np.where(v > 0, len(runs) * s2 / v, np.inf)
    else:
        rhat = ess_runs = np.full(len(names), np.nan)
    out = {}
    for j, n in enumerate(names):
        ok = len(runs) > 1 and kish > min_ess and ess_runs[j] > min_ess and not (rhat[j] >= max_rhat)
        out[n] = {"ess": kish, "ess_runs": float(ess_runs[j]), "kish_ess": kish, "rhat": float(rhat[j]),
                  "pass": bool(ok)}
    return out


@dataclass
class NestedResult(PooledRuns):
    """Independent nautilus runs onto one posterior, pooled (:class:`calibration.pooled.PooledRuns`: ``names1``,
    ``names2``, ``runs`` (of :class:`NestedRun`), ``diagnostics`` (:func:`nested_summary` per parameter) and
    ``table`` (equally weighted posterior rows, module docstring))."""

    @property
    def iterations(self) -> list[dict]:
        """One record per run (``run``, ``evaluations``, ``kish_ess``, ``log_evidence``, ``seconds``)."""
        return [{"run": i, "evaluations": r.evaluations, "kish_ess": r.kish_ess, "log_evidence": r.log_evidence,
                 "seconds": r.seconds} for i, r in enumerate(self.runs)]

    @property
    def population(self) -> None:
        """None: the table's rows are independent resamples (no sweeps to thin by)."""
        return None

    @classmethod
    def pool(cls, runs: Sequence[NestedRun], names1: Sequence[str], names2: Sequence[str], min_ess: float = 400.0,
             max_rhat: float = 1.01, seed: int = 0, rows: int = 6400) -> NestedResult:
        """Pool runs whose columns are ``names1 + names2`` into a table of at most ``rows`` rows (no more than the
        summed Kish ESS: resampling beyond it only repeats draws)."""
        from .twostage import systematic_resample

        names = tuple(names1) + tuple(names2)
        if not runs or any(r.names != names for r in runs):
            raise CalibrationError(f"need runs, every one with the columns {names}")
        diag = nested_summary(runs, min_ess, max_rhat, seed)
        share = np.array([r.kish_ess for r in runs])
        w = np.concatenate([r.weights * s for r, s in zip(runs, share / share.sum())])
        X = np.concatenate([r.draws for r in runs])
        rng = np.random.default_rng(seed + 1)
        m = int(min(rows, max(1, np.floor(share.sum()))))
        idx = systematic_resample(np.log(np.maximum(w, 1e-300)), m, rng)
        return cls(tuple(names1), tuple(names2), list(runs), diag, X[rng.permutation(idx)])

"""Simulation-based calibration: does the fit recover parameters drawn from the prior?

Each replication draws ``theta`` from the prior, simulates data at the likelihood's noise, refits, and asks
whether the central ``level`` interval covers the drawn ``theta``. Over ``n`` replications a calibrated
procedure covers each parameter a Binomial(``n``, ``level``) number of times, so the coverage must lie in
that distribution's central band (:func:`binomial_band`); and the posterior CDF at the drawn ``theta`` (its
normalised rank among posterior draws) is uniform on [0, 1] (Talts, Betancourt, Simpson, Vehtari & Gelman
2018, arXiv:1804.06788), which :meth:`SBCResult.rank_tests` tests (chi-square on equal bins, Kolmogorov-Smirnov).
SBC is valid only when the data are simulated from exactly the model and prior the posterior uses.

Fits:

* :func:`calibration.joint.laplace`: mode and Gauss-Newton covariance on the parameters' own scale (exact for
  a linear-Gaussian model, :class:`LinearGaussian`). On bounded priors it over-covers: where the likelihood is
  flat its normal interval spills over the bounds and covers the whole support (measured on the replay: 9 of
  20 parameters at coverage 1.00), and a mode at a bound has no curvature from the bound.
* :func:`logit_laplace` and :func:`importance`: the Laplace approximation on the unbounded scale ``u`` (logit
  of the position in the prior's support), with the prior's log density and the Jacobian of the transform
  included, so that it is a proper density for the bounded prior; then importance sampling from a Student-t
  about it onto the exact posterior, with Pareto-smoothed weights (:func:`psis`), their Kish effective sample
  size and the Pareto ``k`` reported per replication.
* :func:`fit_logit_smc`: tempered SMC (:func:`calibration.smc.tempered_smc`) from that Student-t to the exact
  posterior, for the replay's 20 parameters, where importance weights degenerate.

Measured (``DGM_DATA_DIR=... python benchmarks/sbc_coverage.py --which replay --processes 1``, 50 replications,
seed 0, 2026-12-02; ``benchmarks/sbc_coverage.txt``): the replay posterior with 400 SMC particles (10 final sweeps
keeping 5 states, leave-one-out proposals: :mod:`calibration.smc`) covers 19 of 20 parameters within the 98% band
0.80-0.98, none above it, alpha_KV below it (0.76, 38 of 50); mean coverage 0.87 (before the leave-one-out
proposals 0.86, with the same 12 alpha_KV misses; with 3 final sweeps 18 of 20). The alpha_KV misses are not the
sampler's width: in 4 of them (truths 0.47-0.55) a 1,600-particle run with 20 final sweeps and random-walk
Metropolis chains started at the drawn value give the same interval (e.g. [0.58, 0.86] against [0.59, 0.85] at a
truth of 0.53), and the synthetic data are the likelihood's (``r_syn(theta_true) = -e`` to 4e-16, the same in a
batch or alone); 2 more are truths within 0.005 of the bound 0. With seed 1 (the same settings, 50 replications)
alpha_KV covers 0.90 and gamma_r (0.76) is the one below the band, mean 0.88: the shortfall is the whole table's
(0.87-0.88 over 1,000 parameter-replications, 2.5-2.6 misses per replication against 2.0), which parameter
falls below the band a matter of the seed. With the productivity block's intercept compared with the model's
``alpha0 + alpha_KV (gbar_K - g_Z)`` (:class:`calibration.joint.BlockTerm`; seed 0, the same 49 truths and noise,
2026-12-03) alpha_KV covers 0.88 (7 intervals newly covering, 1 newly missing) and all 20 parameters lie within the
band, but the mean coverage is 0.873 against 0.871: the table's shortfall is not the block term's (the synthetic
block estimates were always drawn from the term itself, so the old comparison was consistent within the SBC; the
change moves the posterior's shape, alpha0's intervals 1.33 times wider). The impulse-response posterior (10
parameters, importance sampling, 400 draws) covers 10 of 10 within the band (mean 0.89).

Where the replay's shortfall comes from (seed 0, measured 2026-12-02): from the intervals of the parameters the data
inform, not from the set-up. The five the data leave at their prior (chi, kappa_M, alpha_A, eta_RD, eta_RDs:
intervals 0.99-1.00 of the prior's central 90%) cover the share of their drawn values inside the prior's central 90%
to within one draw (0.86-0.94, mean 0.888), as a fit that returns the prior must; the ten the data inform most
(gamma_u, gamma_r, c_w, phi1, gamma_p, psi_B, alpha0, alpha_KV, g_sigma, g_Z: intervals below 0.75 of the prior's)
cover 0.848 (76 misses in 500 against 50). The set-up is exact (the data are drawn from the likelihood by
construction, the truths from the fit's prior, and refits of 6 replications reproduce the benchmark's intervals);
the SMC population is too narrow. Started from the final states of 6 replications' production runs (draws 0, 2, 5,
16, 28 and 47, counted from 0), 100 more sweeps at ``beta = 1`` widen the informative intervals by 1-7% and have not
settled (up to 1% per 20 sweeps), and the production intervals hold 0.879 of those chains' later draws (all
parameters 0.881), not 0.90; the chains were still widening, and the SBC's 0.848 lies below that 0.879: the exact
posterior is wider still. Chains of 200 sweeps started from the wider population of a reference at scale 3 (draws 28
and 47) end 8-9% wider than production on the informative parameters, and production's intervals hold 0.851 and
0.852 of their later draws: the SBC's 0.848. The logit-Laplace covariance understates the posterior's spread (square
roots of the generalised eigenvalues of the chains' covariance against ``cov_u`` up to 2.4-4.1, against the
reference's scale 1.5), the tempered population inherits the reference's thin tails, and the moves (random walk at
acceptance 0.2 in 20 dimensions, Student-t fitted to the narrow population) widen it slowly. The kernel is not
biased: on a toy of ten curved ridges, final sweeps started from exact draws keep the exact 90% mass (0.899 ->
0.898) while the whole fit holds 0.851 of it (``tests/calibration/test_sbc.py``). A reference twice as wide
(``replay_sbc(scale=3)``, 1.5 times the evaluations) does not repair it: intervals 1.1% wider (informative 1.4%),
mean coverage 0.871 against 0.870, with the same truths and data 13 intervals newly covering and 12 newly missing
(``benchmarks/sbc_coverage.py --scale 3``, 32.8 min).

More moves per temperature help a little, not enough (measured 2026-12-02 on the current code, where draw 8 counted
from 1 no longer simulates: 49 replications, seed 0; ``benchmarks/sbc_coverage.txt``). The default settings give 19 of
20 in the band, alpha_KV 0.76, mean coverage 0.871 (informative ten 0.863), 10,620 evaluations per replication;
``smc={"max_moves": 20, "move_c": 0.01, "final_moves": 5}`` (about 16 sweeps per temperature at acceptance 0.25)
gives, with the same truths and data, 19 of 20, alpha_KV 0.78 (11 of the same 12 misses), mean 0.883 (informative
0.878), intervals 1.2% wider, 20 intervals newly covering and 9 newly missing (McNemar p 0.06), at 22,139
evaluations. On the curved-ridges toy (``tests/calibration/test_sbc.py``, exact marginals, 30 posteriors) the exact
mass inside the 90% intervals grows by about 0.012 per doubling of the evaluations whatever is doubled: 0.851 at the
defaults (12,200 evaluations), 0.858 with 40 final sweeps (24,200), 0.863 with ``ess_frac`` 0.9 (29,500), 0.866-0.867
with 20 moves per temperature at ``move_c`` 0.01 (24,000-28,000; final sweeps 5 or 10 alike), 0.873 with that and a
reference at scale 3 (44,000), 0.875 with 40 moves at ``move_c`` 0.001 (46,500); 800 particles 0.858, tempering from
the prior 0.838. alpha_KV's misses are the same with either setting, as with 1,600 particles and chains started at
the truth (above): what leaves it below the band is not the population's width.

A fit without a reference density repairs it (measured 2026-12-03): :func:`fit_nautilus` (nautilus, 500 live
points) holds 0.893 of the curved ridges' exact mass at about 50,000 evaluations, and the replay SBC with it, seed 1,
55 replications (53 simulate), has all 20 parameters in the band, mean coverage 0.898, gamma_r 0.85 (the SMC fit at
that seed: 19 of 20, gamma_r 0.67, mean 0.87), at about 32,500 evaluations and 2 minutes per replication
(``benchmarks/sbc_coverage.py --which replay --method nautilus --reps 55 --seed 1``). On the real US data the SMC
fit's 90% intervals hold 0.87 of nautilus's posterior mass on average (0.78 for gamma_p, 0.83 for gamma_r and
alpha_KV), widths 0.97-1.16 of nautilus's: the joint calibration's tempered SMC shares the shortfall.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from model.errors import CalibrationError, SolverError

from .joint import JointPrior, PriorEntry, laplace
from .logit import logistic, logit, neg_log_slope
from .twostage import kish_ess

__all__ = ["SBCResult", "binomial_band", "sbc", "LinearGaussian", "BoundedNormal", "replay_sbc", "psis",
           "weighted_quantile", "logit_laplace", "importance", "fit_logit_is", "fit_logit_smc", "fit_nautilus",
           "LaplaceReference",
           "ACCEPT_PROB", "METHODS", "SMC_KEYS"]

#: probability of the acceptance band of the coverage: the two-sided 98% equal-tailed band of
#: Binomial(n, level) (for 50 replications of 90% intervals [0.80, 0.98], i.e. 40 to 49 of 50 covered; a
#: calibrated procedure falls outside it with probability P(X <= 39) + P(X = 50) = 0.0094 + 0.0052 = 0.015)
ACCEPT_PROB = 0.98

#: the fits of :func:`replay_sbc`
METHODS = ("logit_smc", "logit_is", "logit_laplace", "laplace", "nautilus")

#: the sampler settings of :func:`fit_logit_smc` that :func:`replay_sbc` accepts (its ``smc`` argument)
SMC_KEYS = ("independent", "max_moves", "final_moves", "final_keep", "move_c", "ess_frac")


def binomial_band(n: int, level: float = 0.9, prob: float = 0.95) -> tuple[float, float]:
    """Central ``prob`` band of the coverage of ``n`` replications of a ``level`` interval (binomial
    quantiles divided by ``n``, scipy's equal-tailed ``binom.interval``): e.g. ``(0.82, 0.98)`` for 50
    replications of 90% intervals at ``prob=0.95``, ``(0.80, 0.98)`` at 0.98."""
    from scipy.stats import binom

    lo, hi = binom.interval(prob, n, level)
    return float(lo / n), float(hi / n)


def weighted_quantile(x: np.ndarray, logw: np.ndarray | None, q) -> np.ndarray:
    """Quantiles ``q`` of each column of ``x`` ``(n, k)`` under the normalised weights ``exp(logw)`` (the
    inverse of the weighted empirical CDF, interpolated between the mid-points of the draws' masses); shape
    ``(len(q), k)``."""
    x = np.asarray(x, float)
    q = np.atleast_1d(np.asarray(q, float))
    w = np.ones(x.shape[0]) if logw is None else _weights(logw)
    out = np.empty((q.size, x.shape[1]))
    for j in range(x.shape[1]):
        o = np.argsort(x[:, j])
        ws = w[o]
        c = (np.cumsum(ws) - 0.5 * ws) / ws.sum()
        out[:, j] = np.interp(q, c, x[o, j])
    return out


def _weights(logw) -> np.ndarray:
    lw = np.asarray(logw, float)
    ok = np.isfinite(lw)
    if not ok.any():
        raise ValueError("every importance weight is zero")
    return np.where(ok, np.exp(lw - lw[ok].max()), 0.0)


def _gpd_fit(x: np.ndarray) -> tuple[float, float]:
    """Shape ``k`` and scale of a generalised Pareto fitted to the sorted excesses ``x`` > 0 (Zhang & Stephens
    2009, Technometrics 51(3), with the weakly informative prior on ``k`` of Vehtari et al. 2024)."""
    n = x.size
    m = 30 + int(math.sqrt(n))
    b = 1 - np.sqrt(m / (np.arange(1, m + 1) - 0.5))
    b = b / (3 * x[int(n / 4 + 0.5) - 1]) + 1 / x[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.log1p(-b[:, None] * x).mean(axis=1)
        ll = n * (np.log(-b / k) - k - 1)
    ok = np.isfinite(ll)
    b, ll = b[ok], ll[ok]
    w = 1 / np.exp(ll - ll[:, None]).sum(axis=1)
    keep = w >= 10 * np.finfo(float).eps
    b, w = b[keep], w[keep] / w[keep].sum()
    bp = float(np.sum(b * w))
    kp = float(np.log1p(-bp * x).mean())
    sigma = -kp / bp
    return (n * kp + 10 * 0.5) / (n + 10), sigma


def psis(logw) -> tuple[np.ndarray, float]:
    """Pareto-smoothed importance sampling (Vehtari, Simpson, Gelman, Yao & Gabry 2024, JMLR 25(72)).

    The largest ``M = ceil(min(0.2 S, 3 sqrt(S)))`` of ``S`` weights are replaced by the expected order
    statistics of a generalised Pareto fitted to them, truncated at the largest raw weight.

    Parameters
    ----------
    logw : array, shape (S,)
        Log importance ratios (``-inf``: zero weight).

    Returns
    -------
    numpy.ndarray
        Smoothed log weights, normalised to sum to one.
    float
        The Pareto shape ``k``: below 0.7 the estimate is reliable (Vehtari et al. 2024, sec. 3); ``inf`` when
        the tail has fewer than 5 draws.
    """
    lw = np.array(logw, float)
    ok = np.isfinite(lw)
    if not ok.any():
        raise ValueError("every importance weight is zero")
    lw = lw - lw[ok].max()
    x = lw[ok]
    S = x.size
    M = int(math.ceil(min(0.2 * S, 3 * math.sqrt(S))))
    order = np.argsort(x)
    cut = max(x[order[-M - 1]], math.log(np.finfo(float).tiny)) if S > M else -np.inf
    tail = np.flatnonzero(x > cut)
    khat = math.inf
    if tail.size > 4:
        ts = tail[np.argsort(x[tail])]
        exc = np.exp(x[ts]) - math.exp(cut)
        khat, sigma = _gpd_fit(exc)
        if np.isfinite(khat) and sigma > 0:
            p = (np.arange(ts.size) + 0.5) / ts.size
            q = sigma * np.expm1(-khat * np.log1p(-p)) / khat if khat != 0 else -sigma * np.log1p(-p)
            x[ts] = np.minimum(np.log(q + math.exp(cut)), 0.0)
    lw[ok] = x
    m = lw[ok].max()
    lw[ok] -= m + math.log(np.exp(x - m).sum())
    return lw, float(khat)


@dataclass
class SBCResult:
    """Coverage and ranks of each parameter over the replications.

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
        :func:`binomial_band` of the replications, level and ``prob``.
    level : float
    seconds : float
    skipped : int
        Draws at which the model produced no data (its integration failed): left out of the coverage, which
        is then over ``reps - skipped`` replications.
    cdf : numpy.ndarray, shape (reps, k)
        The posterior CDF at the drawn value (the normalised rank; NaN where skipped or the fit failed):
        uniform on [0, 1] for a calibrated posterior.
    info : list of dict
        Per replication what the fit reports besides the interval (e.g. ``ess``, ``khat``, ``cost``).
    prob : float
        Probability of the band.
    notes : dict
        What else the run reports (e.g. the rejection sampler's acceptance rate).
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
    cdf: np.ndarray | None = None
    info: list = field(default_factory=list)
    prob: float = 0.95
    notes: dict = field(default_factory=dict)

    def inside(self) -> dict[str, bool]:
        """Name -> whether its coverage lies in the binomial band."""
        return {n: self.band[0] <= c <= self.band[1] for n, c in self.coverage.items()}

    def rank_tests(self, bins: int = 5) -> dict[str, dict]:
        """Uniformity of the posterior CDF at the drawn values, per parameter: ``chi2_p`` (Pearson's chi-square
        on ``bins`` equal bins, ``bins - 1`` degrees of freedom), ``ks_p`` (Kolmogorov-Smirnov against the
        uniform), ``counts`` (the rank histogram) and ``n`` (replications with a fit)."""
        from scipy.stats import chisquare, kstest

        out = {}
        for j, name in enumerate(self.names):
            u = self.cdf[:, j] if self.cdf is not None else np.array([])
            u = u[np.isfinite(u)]
            if u.size == 0:
                out[name] = {"chi2_p": math.nan, "ks_p": math.nan, "counts": [], "n": 0}
                continue
            counts = np.histogram(np.clip(u, 0, 1), bins=bins, range=(0, 1))[0]
            out[name] = {"chi2_p": float(chisquare(counts).pvalue), "ks_p": float(kstest(u, "uniform").pvalue),
                         "counts": counts.tolist(), "n": int(u.size)}
        return out

    def table(self, bins: int = 5) -> str:
        """The coverage table: per parameter the coverage, whether it lies in the band, the rank histogram and
        the p-values of the uniformity tests; with the fits' median Kish ESS and Pareto k when they report them."""
        n = self.truth.shape[0] - self.skipped
        ranks = self.rank_tests(bins)
        lines = [f"coverage of {100 * self.level:.0f}% intervals over {n} replications ({self.skipped} draws "
                 f"without data; binomial {100 * self.prob:.0f}% band {self.band[0]:.2f}-{self.band[1]:.2f}); "
                 f"rank histogram in {bins} bins, chi-square and KS p-values of rank uniformity",
                 f"  {'parameter':12s} {'coverage':>8s}  {'':7s} {'ranks':<22s} {'chi2 p':>7s} {'KS p':>7s}"]
        ok = self.inside()
        for name, c in self.coverage.items():
            r = ranks[name]
            lines.append(f"  {name:12s} {c:8.2f}  {'ok' if ok[name] else 'OUTSIDE':7s} "
                         f"{' '.join(f'{x:2d}' for x in r['counts']):<22s} {r['chi2_p']:7.3f} {r['ks_p']:7.3f}")
        lines.append(f"  {sum(ok.values())} of {len(ok)} inside the band; {self.seconds:.0f} s")
        ess = [i["ess"] for i in self.info if "ess" in i]
        smc = [i["temperatures"] for i in self.info if "temperatures" in i]
        if ess:
            of = f" of {int(self.info[0].get('n', 0))} draws" if "n" in self.info[0] else ""
            lines.append(f"  Kish ESS ({'SMC: of the last reweighting' if smc else 'of the weighted draws'}): median "
                         f"{np.median(ess):.0f} (min {np.min(ess):.0f}){of}")
        kh = np.array([i["khat"] for i in self.info if "khat" in i])
        if kh.size:
            lines.append(f"  Pareto k: median {np.median(kh):.2f}, {int(np.sum(kh > 0.7))} of {kh.size} replications "
                         "above 0.7 (unreliable importance weights)")
        evals = [i["evaluations"] for i in self.info if "evaluations" in i]
        if evals:
            lines.append(f"  {f'SMC: {np.mean(smc):.1f} temperatures and ' if smc else ''}{np.mean(evals):.0f} "
                         "evaluations per replication (mean)")
        return "\n".join(lines)


def sbc(prior: JointPrior, simulate: Callable, fit: Callable, reps: int = 50, level: float = 0.9,
        seed: int = 0, prob: float = 0.95, draws: np.ndarray | None = None) -> SBCResult:
    """Coverage of ``fit``'s central ``level`` intervals for parameters drawn from ``prior``.

    Parameters
    ----------
    prior : JointPrior
    simulate : callable
        ``(theta (k,), rng) -> data``: synthetic data at ``theta`` with the likelihood's noise.
    fit : callable
        ``(data, rng) -> dict`` with ``mode`` and ``sd`` (a normal interval ``mode -+ z sd``) or with
        ``draws`` ``(n, k)`` and optionally their log importance weights ``logw`` (the central weighted quantile
        interval); other scalar entries (e.g. ``ess``, ``khat``) are kept in :attr:`SBCResult.info`.
    reps, level, seed
        Replications, interval level, seed: the parameters are drawn with ``default_rng(seed)``, replication
        ``i``'s noise and fit use ``default_rng([seed, i])`` (the same whatever the split over processes).
    prob : float
        Probability of the binomial band (:func:`binomial_band`; :data:`ACCEPT_PROB` for the acceptance).
    draws : array (reps, k), optional
        The parameters to simulate at, when they are not the prior's (e.g. drawn from a prior times a factor
        by rejection: then the fit must use that same density); default ``reps`` draws of ``prior``.
    """
    t = time.perf_counter()
    truth = prior.sample(np.random.default_rng(seed), reps) if draws is None else np.asarray(draws, float)
    rows = _replicate(simulate, fit, truth, np.arange(truth.shape[0]), level, seed)
    return _result(prior.names, truth, rows, level, prob, time.perf_counter() - t)


def _replicate(simulate: Callable, fit: Callable, truth: np.ndarray, index: np.ndarray, level: float,
               seed: int) -> dict:
    """Replications ``index`` (rows of ``truth``): intervals, CDF at the truth, skipped draws, fit reports."""
    from scipy.stats import norm

    m, k = index.size, truth.shape[1]
    lower, upper, cdf = (np.full((m, k), np.nan) for _ in range(3))
    z = float(norm.ppf(0.5 + level / 2))
    skipped = np.zeros(m, bool)
    info = []
    for r, i in enumerate(index):
        rng = np.random.default_rng([seed, int(i)])
        th = truth[i]
        try:
            data = simulate(th, rng)
        except (CalibrationError, SolverError):
            skipped[r] = True  # no data at this draw (the model fails there): reported, not counted
            info.append({"skipped": 1.0})
            continue
        try:
            f = fit(data, rng)
        except (ArithmeticError, ValueError, np.linalg.LinAlgError, CalibrationError):
            info.append({"failed": 1.0})
            continue
        if "draws" in f:
            x, lw = np.asarray(f["draws"], float), f.get("logw")
            lower[r], upper[r] = weighted_quantile(x, lw, [0.5 - level / 2, 0.5 + level / 2])
            w = np.ones(x.shape[0]) if lw is None else _weights(lw)
            cdf[r] = (w @ (x < th) + 0.5 * (w @ (x == th))) / w.sum()
        else:
            lower[r], upper[r] = f["mode"] - z * f["sd"], f["mode"] + z * f["sd"]
            cdf[r] = norm.cdf((th - f["mode"]) / f["sd"])
        info.append({key: float(v) for key, v in f.items() if np.ndim(v) == 0 and not isinstance(v, str)})
    return {"index": index, "lower": lower, "upper": upper, "cdf": cdf, "skipped": skipped, "info": info}


def _result(names: tuple[str, ...], truth: np.ndarray, rows: dict, level: float, prob: float,
            seconds: float) -> SBCResult:
    """Assemble the replications (``rows`` from :func:`_replicate`, possibly several merged, in index order)."""
    lower, upper, skipped = rows["lower"], rows["upper"], rows["skipped"]
    covered = (truth >= lower) & (truth <= upper)  # NaN compares False: a failed fit does not cover
    used = ~skipped
    if not used.any():
        raise CalibrationError(f"sbc: every one of the {truth.shape[0]} draws failed to simulate")
    cov = {n: float(covered[used, j].mean()) for j, n in enumerate(names)}
    return SBCResult(tuple(names), truth, lower, upper, cov, binomial_band(int(used.sum()), level, prob), level,
                     seconds, int(skipped.sum()), rows["cdf"], rows["info"], prob)


def _merge(parts: list[dict]) -> dict:
    order = np.argsort(np.concatenate([p["index"] for p in parts]))
    out = {key: np.concatenate([p[key] for p in parts])[order] for key in ("index", "lower", "upper", "cdf",
                                                                            "skipped")}
    info = [x for p in parts for x in p["info"]]
    out["info"] = [info[j] for j in order]
    return out


# ------------------------------------------------------------------------------------------------ logit Laplace
#: ``s`` of a point carried to the logit scale is clipped to ``[_CLIP, 1 - _CLIP]`` (a start or draw at a bound)
_CLIP = 1e-9


class _LogitTarget:
    """Stacked residuals on the logit scale: the data's ``r(theta(u))``, a truncated-normal prior's ``(x - m)/s``
    and, per parameter, ``rho = sign(u) sqrt(2 (-ln(s(1 - s)) - ln 4))``, so that ``|R(u)|^2 / 2`` is
    ``-ln p(u | y)`` up to a constant (``rho^2 / 2`` is minus the log-Jacobian of the transform)."""

    def __init__(self, batch: Callable[[np.ndarray], np.ndarray], prior: JointPrior):
        self.batch, self.prior = batch, prior
        self.lo, self.width = prior.lower, prior.upper - prior.lower
        self.normal = [(j, e.mean, e.sd) for j, e in enumerate(prior.entries) if e.dist == "truncnorm"]

    def residuals(self, U: np.ndarray) -> np.ndarray:
        """``(m, k) -> (m, n)``; a row whose model fails is NaN."""
        U = np.atleast_2d(U)
        X = logistic(U, self.lo, self.width)
        R = np.asarray(self.batch(X), float)
        parts = [R]
        if self.normal:
            parts.append(np.column_stack([(X[:, j] - m) / s for j, m, s in self.normal]))
        parts.append(np.sign(U) * np.sqrt(np.maximum(2 * (neg_log_slope(U) - math.log(4)), 0.0)))
        return np.hstack(parts)

    def log_density(self, U: np.ndarray) -> np.ndarray:
        """``ln p(u | y)`` up to a constant, ``-inf`` where the model fails."""
        R = self.residuals(U)
        out = -0.5 * np.sum(R * R, axis=1)
        return np.where(np.isfinite(out), out, -np.inf)


def logit_laplace(batch: Callable[[np.ndarray], np.ndarray], prior: JointPrior, x0=None,
                  max_nfev: int | None = 200) -> dict:
    """The Laplace approximation on the logit scale of the prior's support.

    ``u_j = ln(s_j / (1 - s_j))``, ``s_j = (theta_j - low_j) / (high_j - low_j)``; the mode of
    ``ln p(u | y) = -|r(theta(u))|^2 / 2 + ln prior(theta(u)) + sum_j ln(high_j - low_j) s_j (1 - s_j)``
    (scipy ``least_squares`` on the stacked residuals of :class:`_LogitTarget`, from ``x0``, default the
    centre of the support, ``u = 0``) and the Gauss-Newton covariance ``(J^T J)^-1`` there. For a likelihood
    that is flat in ``theta_j`` the density of ``u_j`` is the logistic density, whose Laplace approximation is
    ``N(0, 2)``: its 90% interval maps to the central 82% of the support, never beyond it.

    Parameters
    ----------
    batch : callable
        ``(m, k) -> (m, n)`` scaled residuals of the data at ``m`` points (NaN rows where the model fails),
        e.g. :meth:`calibration.joint.JointPosterior.residuals_batch`.
    prior : JointPrior
        Bounded uniform or truncated-normal priors.
    x0 : array (k,), optional
        Start of the search [the parameters' units].
    max_nfev : int, optional
        Cap on the search's evaluations (each a finite-difference Jacobian of ``2 k`` points).

    Returns
    -------
    dict
        ``u`` (the mode on the logit scale), ``cov_u``, ``mode`` (``theta(u)``), ``cost`` (``|R|^2 / 2`` at
        the mode) and ``nfev``.
    """
    from scipy.optimize import least_squares

    target = _LogitTarget(batch, prior)
    k = len(prior.names)
    u0 = np.zeros(k) if x0 is None else logit(np.asarray(x0, float), target.lo, target.width, clip=_CLIP)
    u0[np.abs(u0) < 1e-6] = 0.0  # least_squares (trf) starts with a trust radius |u0|: none near zero

    def fun(u):
        r = target.residuals(u[None, :])[0]
        return np.where(np.isfinite(r), r, 1e6)

    def jac(u):
        h = 1e-5
        pts = np.vstack([u + h * np.eye(k), u - h * np.eye(k)])
        R = target.residuals(pts)
        R = np.where(np.isfinite(R), R, 1e6)
        return ((R[:k] - R[k:]) / (2 * h)).T

    res = least_squares(fun, u0, jac=jac, method="trf", max_nfev=max_nfev)
    J = jac(res.x)
    cov = np.linalg.pinv(J.T @ J, rcond=1e-12, hermitian=True)
    return {"u": res.x, "cov_u": cov, "mode": logistic(res.x, target.lo, target.width), "cost": float(res.cost),
            "nfev": int(res.nfev)}


def importance(batch: Callable[[np.ndarray], np.ndarray], prior: JointPrior, lap: dict, rng: np.random.Generator,
               n: int = 1000, df: float = 5.0, scale: float = 1.2, chunk: int = 200) -> dict:
    """Importance sampling of the exact posterior from a Student-t about the logit-scale Laplace approximation.

    Draws ``u ~ t_df(u*, scale^2 cov_u)`` (heavier tails than the target's Gaussian approximation, Geweke 1989,
    Econometrica 57(6)), weights ``ln p(u | y) - ln q(u)`` (:class:`_LogitTarget`: the exact posterior on the
    logit scale, Jacobian included), smoothed by :func:`psis`.

    Parameters
    ----------
    batch, prior
        As :func:`logit_laplace`.
    lap : dict
        Its result (``u``, ``cov_u``).
    rng : numpy.random.Generator
    n : int
        Draws.
    df, scale : float
        Degrees of freedom and scale factor of the proposal.
    chunk : int
        Points per call of ``batch``.

    Returns
    -------
    dict
        ``draws`` ``(n, k)`` [the parameters' units], ``logw`` (smoothed, normalised), ``ess`` (Kish, of the
        smoothed weights) [draws], ``ess_raw`` (of the raw weights), ``khat`` (Pareto shape: above 0.7 the
        estimate is unreliable), ``draws`` count in ``n``.
    """
    from scipy.stats import multivariate_t

    target = _LogitTarget(batch, prior)
    q = multivariate_t(loc=lap["u"], shape=scale ** 2 * np.asarray(lap["cov_u"]), df=df, allow_singular=True)
    U = np.atleast_2d(q.rvs(size=n, random_state=rng))
    lp = np.concatenate([target.log_density(U[i:i + chunk]) for i in range(0, n, chunk)])
    raw = lp - q.logpdf(U)
    lw, khat = psis(raw)
    return {"draws": logistic(U, target.lo, target.width), "logw": lw, "ess": kish_ess(lw),
            "ess_raw": kish_ess(raw), "khat": khat, "n": float(n)}


def fit_nautilus(batch: Callable[[np.ndarray], np.ndarray] | None, prior: JointPrior, rng: np.random.Generator,
                 n_live: int = 500, n_eff: float = 2000.0, networks: int = 1, max_evaluations: float = 400_000,
                 log_likelihood: Callable[[np.ndarray], np.ndarray] | None = None) -> dict:
    """The exact posterior by neural-network-boosted importance nested sampling (nautilus: Lange 2023, MNRAS 525(2),
    3181-3194; the ``nautilus-sampler`` package): the prior's unit cube is shrunk onto the likelihood's bulk by a
    sequence of bounds learned by small neural networks, and every likelihood evaluation is kept as an importance
    draw of the posterior. It needs no reference density, so it does not inherit the logit-Laplace covariance's thin
    tails that :func:`fit_logit_smc` starts from (measured on the curved-ridges toy of ``tests/calibration/
    test_sbc.py``: 0.893-0.899 of the exact mass inside its 90% intervals, against 0.851 for the SMC fit).

    Parameters
    ----------
    batch, prior, rng
        As :func:`logit_laplace` (``batch`` returns the stacked standardised residuals, ``ln L = -|r|^2 / 2``;
        non-finite where the model fails, then ``ln L = -inf``); ``prior`` enters as its quantile transform
        (:meth:`calibration.joint.JointPrior.ppf`), and the fit's randomness comes from ``rng``. ``batch`` may be
        None when ``log_likelihood`` is given.
    n_live : int
        Live points of each bound (nautilus's ``n_live``).
    n_eff : float
        Effective sample size of the importance draws wanted [draws] (the sampler stops when it is reached and the
        live set's remaining evidence share is below 1%).
    networks : int
        Neural networks per bound (nautilus's ``n_networks``; more make the bounds smoother at more cost).
    max_evaluations : float
        Cap on likelihood evaluations; reaching it raises.
    log_likelihood : callable, optional
        Rows ``(m, k)`` -> ``ln L`` ``(m,)`` directly (``-inf`` where the model fails), instead of ``batch``'s
        residuals (the joint calibration's blocks, replay and impulse-response distance:
        :func:`calibration.pipeline.calibrate_joint`).

    Returns
    -------
    dict
        ``draws`` (the importance draws) [the parameters' units], ``logw`` (their log weights), ``ess`` (Kish
        effective sample size) [draws], ``evaluations``, ``cost`` (``-max ln L`` over the draws), ``log_evidence``
        (nautilus's estimate of ``ln Z``).

    Raises
    ------
    CalibrationError
        No finite likelihood among the draws, or ``max_evaluations`` reached before ``n_eff``.
    """
    from nautilus import Sampler

    calls = [0]

    def loglike(X):
        X = np.atleast_2d(X)
        calls[0] += X.shape[0]
        with np.errstate(over="ignore", invalid="ignore"):
            if log_likelihood is not None:
                ll = np.asarray(log_likelihood(X), float)
            else:
                r = np.asarray(batch(X), float)
                ll = -0.5 * np.sum(r * r, axis=1)
        return np.where(np.isfinite(ll), ll, -np.inf)

    if batch is None and log_likelihood is None:
        raise CalibrationError("fit_nautilus needs batch (residuals) or log_likelihood")

    sampler = Sampler(prior.ppf, loglike, n_dim=len(prior.entries), n_live=n_live, n_networks=networks,
                      vectorized=True, seed=int(rng.integers(2 ** 31 - 1)))
    done = sampler.run(n_eff=n_eff, n_like_max=max_evaluations, verbose=False)
    X, logw, logl = sampler.posterior()
    ok = np.isfinite(logw) & np.isfinite(logl)
    if not ok.any():
        raise CalibrationError("nautilus: no draw with a finite likelihood")
    if not done and sampler.n_eff < n_eff:
        raise CalibrationError(f"nautilus: {calls[0]} evaluations (the cap) gave an effective sample of "
                               f"{sampler.n_eff:.0f}, not {n_eff:.0f}")
    X, logw, logl = X[ok], logw[ok], logl[ok]
    return {"draws": X, "logw": logw, "ess": float(kish_ess(logw)), "evaluations": float(calls[0]),
            "cost": float(-np.max(logl)), "live_points": float(n_live), "log_evidence": float(sampler.log_z)}


def fit_logit_smc(batch: Callable[[np.ndarray], np.ndarray], prior: JointPrior, rng: np.random.Generator,
                  n: int = 200, x0=None, lap: dict | None = None, df: float = 5.0, scale: float = 1.5,
                  independent: float = 0.5, max_moves: int = 6, final_moves: int = 10, final_keep: int = 5,
                  move_c: float = 0.2, ess_frac: float = 0.5) -> dict:
    """The exact posterior by tempered SMC (:func:`calibration.smc.tempered_smc`) from the logit-scale Laplace
    approximation: ``n`` draws of the Student-t ``q`` of :func:`importance` are the reference ``pi_0`` (``q``
    on the logit scale times the transform's Jacobian), carried to the posterior by adaptive tempering of
    ``ell = ln p(theta | y) - ln pi_0(theta)`` with resample-move steps. Where the importance weights of
    :func:`importance` degenerate (20 replay parameters: Kish ESS 4-40 of 1,000, Pareto k 0.5-2, measured),
    the moves repair what a fixed proposal cannot.

    Parameters
    ----------
    batch, prior, rng, x0
        As :func:`logit_laplace`.
    n : int
        Particles.
    lap : dict, optional
        A :func:`logit_laplace` result (else computed from ``x0``).
    df, scale : float
        Of the reference Student-t (as :func:`importance`).
    independent, max_moves, final_moves, final_keep, move_c, ess_frac
        Of :func:`calibration.smc.tempered_smc`: at each temperature, sweeps until each particle has moved at least
        once with probability ``1 - move_c``, at most ``max_moves``; after the last reweighting, ``final_moves``
        sweeps of which the states after ``final_keep`` evenly spaced ones are all kept (waste-free SMC, Dau &
        Chopin 2022), so ``draws`` has ``final_keep n`` rows (:data:`SMC_KEYS`).

    Returns
    -------
    dict
        ``draws`` (the final equally weighted particles) [the parameters' units], ``ess`` (Kish ESS of the last
        reweighting) [particles], ``temperatures``, ``evaluations``, ``cost``, ``nfev`` (of the Laplace search).
    """
    from .smc import tempered_smc

    if lap is None:
        lap = logit_laplace(batch, prior, x0)
    ref = LaplaceReference(batch, prior, lap["u"], lap["cov_u"], df, scale)
    run = tempered_smc(ref, ref.draw(rng, n), prior.lower, prior.upper, rng=rng, names=prior.names,
                       independent=independent, max_moves=max_moves, final_moves=final_moves,
                       final_keep=final_keep, move_c=move_c, ess_frac=ess_frac)
    return {"draws": run.particles, "ess": float(run.kish_ess), "temperatures": float(len(run.steps)),
            "evaluations": float(run.evaluations), "cost": lap["cost"], "nfev": float(lap["nfev"]),
            "n": float(n)}


class LaplaceReference:
    """The tempered SMC's densities from the logit-Laplace Student-t to the exact posterior: called on ``X (m, k)``
    [the parameters' units] it returns ``lp0``, the log density of ``theta`` under the reference (the Student-t
    ``t_df(u*, scale^2 cov_u)`` on the logit scale times the transform's Jacobian), and ``ell = ln p(theta | y) -
    lp0`` (:func:`calibration.smc.tempered_smc`'s ``evaluate``); :meth:`log_posterior` is ``lp0 + ell`` directly
    (its ``evaluate_final``). Picklable when ``batch`` is (a spawn worker re-creates the Student-t).

    Parameters
    ----------
    batch, prior
        As :func:`logit_laplace`.
    u, cov_u : array
        Its mode and covariance on the logit scale.
    df, scale : float
        Degrees of freedom and scale factor of the Student-t (heavier tails and wider than the Laplace normal:
        Geweke 1989, Econometrica 57(6)).
    """

    def __init__(self, batch: Callable[[np.ndarray], np.ndarray], prior: JointPrior, u, cov_u, df: float = 5.0,
                 scale: float = 1.5):
        self.batch, self.prior, self.df, self.scale = batch, prior, float(df), float(scale)
        self.u, self.cov_u = np.asarray(u, float), np.asarray(cov_u, float)
        self.lo, self.width = prior.lower, prior.upper - prior.lower
        self._q = None

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_q"} | {"_q": None}

    @property
    def q(self):
        """The Student-t on the logit scale (scipy ``multivariate_t``)."""
        if self._q is None:
            from scipy.stats import multivariate_t

            self._q = multivariate_t(loc=self.u, shape=self.scale ** 2 * self.cov_u, df=self.df,
                                     allow_singular=True)
        return self._q

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws of the reference [the parameters' units], ``|u| <= 30``: strictly inside the support (the
        bounds themselves are reached beyond ``|u| = 36``)."""
        U = np.clip(np.atleast_2d(self.q.rvs(size=n, random_state=rng)), -30, 30)
        return logistic(U, self.lo, self.width)

    def log_posterior(self, X: np.ndarray) -> np.ndarray:
        """``ln p(theta | y)`` up to a constant, ``-inf`` where the model fails."""
        Uq = logit(np.atleast_2d(X), self.lo, self.width, clip=_CLIP)
        # log_density is ln p(u | y) = ln p(theta | y) + ln |d theta / d u|: back to theta's density
        lpost = _LogitTarget(self.batch, self.prior).log_density(Uq) + np.sum(neg_log_slope(Uq), axis=1)
        return np.where(np.isfinite(lpost), lpost, -np.inf)

    def __call__(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Uq = logit(np.atleast_2d(X), self.lo, self.width, clip=_CLIP)
        lp0 = self.q.logpdf(Uq) + np.sum(neg_log_slope(Uq), axis=1)  # density of theta under the reference
        lpost = self.log_posterior(X)
        return lp0, np.where(np.isfinite(lpost), lpost - lp0, -np.inf)


def fit_logit_is(batch: Callable[[np.ndarray], np.ndarray], prior: JointPrior, rng: np.random.Generator,
                 n: int = 1000, x0=None, gaussian: bool = False) -> dict:
    """:func:`logit_laplace` then :func:`importance` (``n`` draws); with ``gaussian=True`` the logit-Laplace
    normal alone (``n`` draws of it mapped back, no evaluations, unweighted). The fit :func:`sbc` expects:
    ``draws``, ``logw``, and ``ess``, ``khat``, ``cost``, ``nfev``."""
    lap = logit_laplace(batch, prior, x0)
    if gaussian:
        U = rng.multivariate_normal(lap["u"], lap["cov_u"], size=n, method="eigh")
        return {"draws": logistic(U, prior.lower, prior.upper - prior.lower), "cost": lap["cost"],
                "nfev": float(lap["nfev"])}
    out = importance(batch, prior, lap, rng, n)
    out.update(cost=lap["cost"], nfev=float(lap["nfev"]), draws_n=float(n))
    return out


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


class BoundedNormal:
    """A toy with bounded uniform priors and a closed-form posterior: one noisy measurement of each parameter,
    ``y_j = theta_j + se_j e_j``, ``theta_j ~ U(low_j, high_j)``. The posterior of ``theta_j`` is the normal
    ``N(y_j, se_j)`` truncated to ``[low_j, high_j]``; with ``se`` comparable to the width it is pressed against
    a bound in many replications: the case where the Laplace approximation on the parameters' own scale
    fails (its interval spills over the bounds) and the logit-scale one must not.

    Parameters
    ----------
    low, high, se : array, shape (k,)
        Prior support and measurement noise sd [the parameters' units].
    """

    def __init__(self, low, high, se):
        self.low, self.high, self.se = (np.asarray(a, float) for a in (low, high, se))
        self.prior = JointPrior(tuple(PriorEntry(f"theta{j}", "uniform", lo, hi, source="toy")
                                      for j, (lo, hi) in enumerate(zip(self.low, self.high))))

    def simulate(self, theta, rng: np.random.Generator) -> np.ndarray:
        return np.asarray(theta, float) + self.se * rng.normal(size=self.se.size)

    def batch(self, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        """``(m, k) -> (m, k)`` scaled residuals ``(theta - y) / se``."""
        return lambda X: (np.atleast_2d(X) - y) / self.se

    def exact_quantiles(self, y: np.ndarray, q) -> np.ndarray:
        """Quantiles ``q`` of the exact posterior (truncated normals), shape ``(len(q), k)``."""
        from scipy.stats import truncnorm

        a, b = (self.low - y) / self.se, (self.high - y) / self.se
        return truncnorm.ppf(np.atleast_1d(q)[:, None], a, b, loc=y, scale=self.se)

    def exact_cdf(self, y: np.ndarray, theta) -> np.ndarray:
        """The exact posterior CDF at ``theta`` ``(k,)``."""
        from scipy.stats import truncnorm

        a, b = (self.low - y) / self.se, (self.high - y) / self.se
        return truncnorm.cdf(np.asarray(theta, float), a, b, loc=y, scale=self.se)

    def fit_laplace(self, y: np.ndarray, rng=None) -> dict:
        """:func:`calibration.joint.laplace` on the parameters' own scale (the over-covering fit)."""
        return laplace(lambda th: (th - y) / self.se, self.prior, (self.low + self.high) / 2)


def replay_sbc(posterior, reps: int = 50, level: float = 0.9, seed: int = 0, start: str = "centre",
               progress: Callable[[str], None] | None = None, method: str = "logit_smc", draws: int = 400,
               prob: float = ACCEPT_PROB, processes: int = 1, scale: float = 1.5,
               smc: dict | None = None) -> SBCResult:
    """SBC of a :class:`calibration.joint.JointPosterior` (blocks and replay; its extra term is not used).

    Synthetic data: the replay series and block estimates at the drawn ``theta`` with noise at their sigmas
    (:meth:`JointPosterior.synthetic`), ``theta`` drawn from the posterior's own prior, so that data and
    posterior share model and prior (the condition of SBC). The refit starts at the prior's centre
    (``start="centre"``, an honest search that can end in another local mode) or at the drawn value
    (``"truth"``: the local curvature only; not a valid SBC, a diagnostic).

    Parameters
    ----------
    posterior : JointPosterior
    reps, level, seed
        As :func:`sbc`.
    progress : callable, optional
        Receives a line per replication (``print`` in the pool's workers when ``processes > 1``).
    method : {"logit_smc", "logit_is", "logit_laplace", "laplace", "nautilus"}
        ``"logit_smc"`` (default): :func:`fit_logit_smc` with ``draws`` particles; ``"nautilus"``:
        :func:`fit_nautilus` with ``draws`` live points (no reference density: the fit whose intervals the
        curved-ridges toy finds exact); ``"logit_is"``:
        :func:`fit_logit_is` with ``draws`` importance draws; ``"logit_laplace"``: the normal on the logit scale
        alone; ``"laplace"``: :func:`calibration.joint.laplace` on the parameters' own scale (the fit that
        over-covers).
    prob : float
        Probability of the binomial band (default :data:`ACCEPT_PROB`).
    processes : int
        Replications split over a spawn pool (each worker re-builds the posterior from its specification);
        the result does not depend on it (:func:`sbc`'s seeding).
    scale : float
        ``"logit_smc"`` only: scale factor of the reference Student-t about the logit-Laplace approximation
        (:func:`fit_logit_smc`; a wider reference leaves the tempered population less narrow where the Laplace
        covariance understates the posterior's spread, at more temperatures).
    smc : dict, optional
        ``"logit_smc"`` only: sampler settings passed to :func:`fit_logit_smc` (keys :data:`SMC_KEYS`; default
        its own defaults).
    """
    if start not in ("centre", "truth"):
        raise ValueError(f"start must be 'centre' or 'truth', got {start!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    smc = dict(smc or {})
    bad = sorted(set(smc) - set(SMC_KEYS))
    if bad:
        raise ValueError(f"unknown SMC setting(s) {', '.join(bad)}; valid: {', '.join(SMC_KEYS)}")
    t = time.perf_counter()
    prior = posterior.prior
    truth = prior.sample(np.random.default_rng(seed), reps)
    chunks = [c for c in np.array_split(np.arange(reps), max(1, min(processes, reps))) if c.size]
    jobs = [(posterior, truth, c, level, seed, start, method, draws, scale, smc, progress is not None)
            for c in chunks]
    if len(jobs) == 1:
        rows = _replay_rows(*jobs[0], progress=progress)
    else:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(len(jobs)) as pool:  # never fork after numba (design.md)
            rows = _merge(pool.map(_replay_job, jobs, chunksize=1))
    return _result(prior.names, truth, rows, level, prob, time.perf_counter() - t)


def _replay_job(args) -> dict:
    return _replay_rows(*args, progress=print if args[-1] else None)


def _replay_rows(posterior, truth, index, level, seed, start, method, draws, scale, smc, _report,
                 progress: Callable[[str], None] | None = None) -> dict:
    prior = posterior.prior
    centre = (prior.lower + prior.upper) / 2

    def simulate(theta, rng):
        return theta, posterior.synthetic(theta, rng)

    def fit(data, rng):
        theta, syn = data
        x0 = theta if start == "truth" else centre
        t = time.perf_counter()
        if method == "laplace":
            out = laplace(syn.residuals, prior, x0, batch=syn.residuals_batch)
        elif method == "nautilus":
            out = fit_nautilus(syn.residuals_batch, prior, rng, n_live=draws)
        elif method == "logit_smc":
            out = fit_logit_smc(syn.residuals_batch, prior, rng, n=draws, x0=x0, scale=scale, **smc)
        else:
            out = fit_logit_is(syn.residuals_batch, prior, rng, n=draws, x0=x0, gaussian=method == "logit_laplace")
        out["seconds"] = time.perf_counter() - t
        if progress is not None:
            extra = "".join(f", {key} {out[key]:.3g}" for key in ("ess", "khat", "temperatures", "evaluations")
                            if key in out)
            progress(f"replication {int(np.flatnonzero(np.all(truth == theta, axis=1))[0]) + 1}/{truth.shape[0]}: "
                     f"cost {out['cost']:.4g}{extra}, {out['seconds']:.1f} s")
        return out

    return _replicate(simulate, fit, truth, np.asarray(index), level, seed)


# ------------------------------------------------------------------------------------------------ impulse responses
class IRFData:
    """The impulse-response posterior of :func:`irf_sbc`: published numbers as data, signs and shapes as a prior
    factor.

    The joint posterior weighs the impulse-response distance as ``exp(-D / 2)``
    (:class:`calibration.joint.JointPosterior`, ``extra_scale`` 0.5), ``D`` the sum of the moments' squared
    standardised gaps and of the constraints' squared hinges (:func:`calibration.irf.distance`). Only the
    moments are data that can be re-drawn; a constraint carries no number, so it is part of the prior here:

    .. math:: p(\\theta | m) \\propto p(\\theta)\\, e^{-H(\\theta)/2} \\prod_i
              e^{-\\tfrac12 w_i (\\mathrm{gap}_i(\\theta) / sd_i)^2}

    with ``H`` the constraints' hinge sum. The data are drawn from exactly this likelihood: a point moment as
    ``x_i(theta) + (sd_i / sqrt w_i) e``; an interval moment (flat inside ``[low, high]``, half-width ``h``)
    re-centred at ``x_i(theta) + eps``, ``eps`` from the density proportional to
    ``exp(-w (max(|eps| - h, 0) / sd)^2 / 2)`` (whose normaliser does not depend on ``theta``, so that it is a
    likelihood of the centre). ``theta`` is drawn from ``p(theta) e^{-H/2}`` by rejection (``e^{-H/2} <= 1``).

    Parameters
    ----------
    names : sequence of str
        The sampled parameters (default :data:`calibration.twostage.IRF_PARAMETERS`, those the impulse responses
        speak to); every other parameter at the model's value.
    variant : {"mazzucato", "boysen_hogrefe"}
    country : str
    """

    def __init__(self, names=None, variant: str = "mazzucato", country: str = "USA"):
        from dataclasses import replace

        from .irf import default_problem, load_irf_targets
        from .twostage import IRF_PARAMETERS

        self.names = tuple(names or IRF_PARAMETERS)
        self.targets = load_irf_targets(country).select(variant)
        self.constraints = replace(self.targets, moments=())
        self.problem = default_problem(country, start=self.targets.start, wrt=self.names,
                                       horizons=max(self.targets.horizons, 1))
        self.prior = JointPrior.from_model(self.problem.system, self.names)
        self.moments = self.targets.moments
        self._spec = (self.names, variant, country)

    def __reduce__(self):
        return (IRFData, self._spec)

    def evaluate(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Moment values ``(m, n_moments)`` [their units] and constraint terms ``w hinge`` ``(m, n_constraints)``
        at each row of ``X``; NaN rows where the start or the integration fails."""
        from model.errors import ModelError

        from .irf import distance, moment_value

        X = np.atleast_2d(np.asarray(X, float))
        M = np.full((X.shape[0], len(self.moments)), np.nan)
        H = np.full((X.shape[0], len(self.constraints.constraints)), np.nan)
        try:
            P, Y0 = self.problem.vectors_many({n: X[:, j] for j, n in enumerate(self.names)})
        except ModelError:
            return M, H
        for i in range(X.shape[0]):
            if not (np.all(np.isfinite(P[i])) and np.all(np.isfinite(Y0[i]))):
                continue
            try:
                res = self.problem.evaluate_vectors(P[i], Y0[i])
            except (SolverError, ModelError, FloatingPointError):
                continue
            M[i] = [moment_value(res, m) for m in self.moments]
            parts = distance(res, self.constraints)[1]
            H[i] = [parts[c.name] for c in self.constraints.constraints]
        return M, H

    def draw(self, rng: np.random.Generator, n: int, batch: int = 200, max_draws: int = 200_000) -> np.ndarray:
        """``n`` draws of ``p(theta) e^{-H/2}`` by rejection from the prior, shape ``(n, k)``.

        Raises
        ------
        CalibrationError
            Fewer than ``n`` accepted within ``max_draws`` prior draws.
        """
        out, tried = [], 0
        while sum(len(o) for o in out) < n:
            if tried >= max_draws:
                raise CalibrationError(f"rejection: {sum(len(o) for o in out)} of {n} accepted in {tried} prior draws")
            X = self.prior.sample(rng, batch)
            tried += batch
            _, H = self.evaluate(X)
            h = np.sum(H, axis=1)
            keep = np.isfinite(h) & (rng.uniform(size=batch) < np.exp(-0.5 * np.where(np.isfinite(h), h, 0.0)))
            out.append(X[keep])
        self.acceptance = sum(len(o) for o in out) / tried
        return np.vstack(out)[:n]

    def simulate(self, theta, rng: np.random.Generator) -> list:
        """Synthetic moments at ``theta``: a list of ``(value, low, high)`` (``low``/``high`` None for a point
        moment).

        Raises
        ------
        CalibrationError
            The model fails at ``theta``."""
        M, _ = self.evaluate(np.asarray(theta, float)[None, :])
        if not np.all(np.isfinite(M)):
            raise CalibrationError("the impulse responses at theta_true are not finite: no synthetic data there")
        out = []
        for x, m in zip(M[0], self.moments):
            sd = m.sd / math.sqrt(m.weight)
            if m.low is None:
                out.append((x + sd * rng.normal(), None, None))
                continue
            h = 0.5 * (m.high - m.low)
            if rng.uniform() < 2 * h / (2 * h + math.sqrt(2 * math.pi) * sd):
                eps = rng.uniform(-h, h)
            else:
                eps = (h + abs(sd * rng.normal())) * (1 if rng.uniform() < 0.5 else -1)
            out.append((x + eps, x + eps - h, x + eps + h))
        return out

    def batch(self, data: list) -> Callable[[np.ndarray], np.ndarray]:
        """``(m, k) -> (m, n_moments + n_constraints)`` residuals of the synthetic ``data``: each moment's
        ``sqrt(w) gap / sd`` (signed), each constraint's ``sqrt(w hinge)``."""

        def res(X):
            M, H = self.evaluate(X)
            R = np.empty((M.shape[0], M.shape[1] + H.shape[1]))
            for j, (m, (v, lo, hi)) in enumerate(zip(self.moments, data)):
                gap = M[:, j] - v if lo is None else np.maximum(M[:, j] - hi, 0) + np.minimum(M[:, j] - lo, 0)
                R[:, j] = math.sqrt(m.weight) * gap / m.sd
            R[:, M.shape[1]:] = np.sqrt(H)
            return R

        return res


def irf_sbc(data: IRFData | None = None, reps: int = 50, level: float = 0.9, seed: int = 0, method: str = "logit_is",
            draws: int = 400, prob: float = ACCEPT_PROB, processes: int = 1,
            progress: Callable[[str], None] | None = None) -> SBCResult:
    """SBC of the impulse-response posterior (:class:`IRFData`): ``theta`` from the prior times the constraints'
    factor (rejection), moments simulated at ``theta`` with their noise, refit from the prior's centre by
    ``method`` (as :func:`replay_sbc`: ``"logit_is"`` default here, ``"logit_smc"``, ``"logit_laplace"``,
    ``"laplace"``).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    t = time.perf_counter()
    data = data or IRFData()
    truth = data.draw(np.random.default_rng(seed), reps)
    chunks = [c for c in np.array_split(np.arange(reps), max(1, min(processes, reps))) if c.size]
    jobs = [(data, truth, c, level, seed, method, draws, progress is not None) for c in chunks]
    if len(jobs) == 1:
        rows = _irf_rows(*jobs[0], progress=progress)
    else:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(len(jobs)) as pool:
            rows = _merge(pool.map(_irf_job, jobs, chunksize=1))
    out = _result(data.prior.names, truth, rows, level, prob, time.perf_counter() - t)
    out.notes["rejection_acceptance"] = float(getattr(data, "acceptance", math.nan))
    return out


def _irf_job(args) -> dict:
    return _irf_rows(*args, progress=print if args[-1] else None)


def _irf_rows(data: IRFData, truth, index, level, seed, method, draws, _report,
              progress: Callable[[str], None] | None = None) -> dict:
    prior = data.prior
    centre = (prior.lower + prior.upper) / 2

    def fit(obs, rng):
        t = time.perf_counter()
        batch = data.batch(obs)
        if method == "laplace":
            out = laplace(lambda th: batch(th[None, :])[0], prior, centre, batch=batch)
        elif method == "nautilus":
            out = fit_nautilus(batch, prior, rng, n_live=draws)
        elif method == "logit_smc":
            out = fit_logit_smc(batch, prior, rng, n=draws, x0=centre)
        else:
            out = fit_logit_is(batch, prior, rng, n=draws, x0=centre, gaussian=method == "logit_laplace")
        out["seconds"] = time.perf_counter() - t
        if progress is not None:
            extra = "".join(f", {key} {out[key]:.3g}" for key in ("ess", "khat", "temperatures", "evaluations")
                            if key in out)
            progress(f"IRF replication: cost {out['cost']:.4g}{extra}, {out['seconds']:.1f} s")
        return out

    return _replicate(data.simulate, fit, truth, np.asarray(index), level, seed)

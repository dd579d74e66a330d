"""Joint Bayesian calibration: one prior table, one log-posterior (blocks + replay + an optional extra term),
independent emcee runs on a spawn pool, diagnostics and an identification report.

The log-posterior is

.. math:: \\ln p(\\theta|y) = \\ln p(\\theta) - \\tfrac12\\lVert r_B(\\theta)\\rVert^2
          - \\tfrac12\\lVert r_R(\\theta)\\rVert^2 - s\\,D(\\theta) + \\text{const}

* :math:`r_B`: each block regression (:mod:`calibration.block_estimates`) as a Gaussian likelihood of the
  sampled parameters it estimates, with its HAC (or GLS) covariance: ``L^T (m(theta_S) - b_hat)`` with
  ``L L^T`` the inverse covariance (marginal over the block's parameters that are not sampled) and ``m`` the
  model's value of the estimates: the parameters themselves, except the productivity block's intercept, fitted at
  the sample's mean capital growth ``gbar_K``, which the model puts at ``alpha0 + alpha_KV (gbar_K - g_ref)``
  with ``g_ref`` the start's (the sampled ``g_Z``, else the natural rate: :class:`BlockTerm`). A block
  estimate is used once: as this likelihood (default) or as a truncated-normal prior
  (:meth:`JointPrior.with_normals`), never both.
* :math:`r_R`: the historical replay (the model started from the data in the first year, observed public
  investment: :func:`calibration.replay.country_model`) against annual output growth
  :math:`\\Delta\\ln Y` and the ratios ``lam``, ``omega``, ``h`` (the model's ``h_eff``), ``b``, ``d`` and
  ``ln e_int``, each divided by its sigma (:data:`SIGMA_RULE`).
* :math:`D`: any callable ``theta dict -> float`` (e.g. an impulse-response distance), scaled by ``s``.

The start at rest depends on the sampled parameters (the wage share's Phillips intercept, the payout ratios,
the capital-output ratio ...): :func:`model.directed_growth.factory.consistent_draws` re-derives it at every
evaluation, vectorised over the walkers that emcee proposes together (``vectorize=True``).

With a ``truncation`` (:class:`calibration.truncation.ProjectionStart`: the country's 2025 projection has a start at
rest; :class:`calibration.outofsample.ForecastStart`: a forecast's start year) the prior is truncated to that region
(An & Schorfheide 2007): outside it every residual is NaN and the log-posterior ``-inf``, decided once per batch
before any replay runs.

Autonomous-demand growth ``g_Z`` is free in the replay: the start is derived at rest for the sampled
value (:func:`~model.directed_growth.factory.consistent_draws` with ``g_Z``: the investment share, public
depreciation, payout ratios, wage tax ... follow from it and every stock grows at ``g_Z`` at the start;
productivity and labour force grow at their own rates, so the employment rate drifts at ``g_Z - (alpha0 -
damages + n)``), so that the data, not the assumption ``g_Z = alpha0 + n``, set the growth of autonomous
demand over the sample (the issue's circularity). The projection from 2025 still derives ``g_Z`` at the
natural rate (the model factory); the replay's posterior of ``g_Z - (alpha0 + n)`` is the evidence on that assumption.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from model.errors import CalibrationError, SolverError

from .logit import log_jacobian, logistic, logit

__all__ = ["PriorEntry", "JointPrior", "BlockTerm", "block_terms", "JointPosterior", "JointSample", "sample_joint",
           "spawn_map", "Logit", "identification_report", "laplace", "SAMPLED", "EXTRA_PRIORS", "TAGS", "SERIES",
           "SIGMA_RULE"]

#: the parameters sampled by default (issue 14's list, and g_Z: see the module docstring)
SAMPLED = ("chi", "kappa_M", "alpha_A", "eta_RD", "eta_RDs", "tau_B", "theta_G", "gamma_u", "gamma_pi", "gamma_r",
           "c_w", "c_pi", "kappa_C", "phi1", "gamma_p", "psi_B", "alpha0", "alpha_KV", "g_sigma", "g_Z")

#: prior ranges of sampled parameters that model.directed_growth.priors.PRIORS does not list (it lists
#: behavioural parameters for projection ensembles): name -> (low, high, rationale)
EXTRA_PRIORS: dict[str, tuple[float, float, str]] = {
    "alpha0": (0.0, 0.03, "trend labour-productivity growth: 0 to 3%/yr, the model's declared bounds (US output "
                          "per person engaged grew 1.5%/yr over 1970-2019, PWT 10.01): modelling assumption"),
    "g_sigma": (0.0, 0.05, "within-technology decline of emission intensity: 0 (none) to 5%/yr, the declared "
                           "bounds (US intensity fell 2.3%/yr 1970-1999, 2.7%/yr 2000-2019, GCB over PWT): "
                           "modelling assumption"),
    "g_Z": (0.0, 0.05, "growth of autonomous demand in the replay: 0 to 5%/yr (US real output grew 2.7%/yr over "
                       "1970-2019, PWT 10.01): modelling assumption, free instead of alpha0 + n"),
}

#: evidence tag of the prior ranges of :data:`SAMPLED` (economics.md's tags: [V] a value read in the source,
#: [R] a value reported by a secondary source; "assumption" where the range is the model's own choice). Only
#: the plan's table of issue 14 is used here; a name not listed is "assumption"
TAGS: dict[str, str] = {
    "theta_G": "[V] Bom & Ligthart 2014 (0.083 short run, 0.122 long run; top 0.16 core infrastructure)",
    "psi_B": "[V] CBO / Laubach 2009 (2-3 bp per pp of debt; range 0 to twice)",
    "c_w": "[V sign] Onaran & Galanis 2014 (wage-led: c_w > c_pi); magnitude assumption",
    "c_pi": "[V sign] Onaran & Galanis 2014 (wage-led: c_w > c_pi); magnitude assumption",
    "gamma_p": "[R] Smets & Wouters 2007 (wage indexation 0.58)",
    "phi1": "[R] Hooper, Mishkin & Sufi 2019; Hazell et al. 2022",
    "c_V": "[V] DEFINE 1.1 c2 = 0.048 (econometric), DEFINE-SIMPLE 0.0498; Godley & Lavoie GROWTH 0.064",
}

#: replay series: model variable -> (panel variable, compared as) with "growth" the annual change of ln Y,
#: "log" the logarithm, "level" the ratio itself
SERIES: dict[str, tuple[str, str]] = {"Y": ("Y", "growth"), "lam": ("lam", "level"), "omega": ("omega", "level"),
                                      "h_eff": ("h", "level"), "b": ("b", "level"), "d": ("d", "level"),
                                      "e_int": ("e_int", "log")}

#: how the replay's sigmas are set unless given
SIGMA_RULE = ("sigma of each series = its standard deviation over the sample (growth rates: of the annual "
              "growth rates; e_int: of ln e_int): a replay no better than the series' mean costs chi2 = n per "
              "series, so every series weighs the same; a modelling assumption, not a measurement error")


# ------------------------------------------------------------------------------------------------ prior
@dataclass(frozen=True)
class PriorEntry:
    """One parameter's prior.

    Attributes
    ----------
    name : str
    dist : {"uniform", "truncnorm"}
    low, high : float
        Support (within the parameter's declared bounds).
    mean, sd : float
        Of the normal before truncation (``truncnorm`` only; NaN otherwise).
    source : str
        Why this range (the rationale of PRIORS, or the block estimate).
    tag : str
        ``[V]``, ``[R]``, ``[V sign]`` with the source, or ``"assumption"``.
    """

    name: str
    dist: str
    low: float
    high: float
    mean: float = math.nan
    sd: float = math.nan
    source: str = ""
    tag: str = "assumption"

    def __post_init__(self):
        if self.dist not in ("uniform", "truncnorm"):
            raise CalibrationError(f"prior of {self.name!r}: dist must be 'uniform' or 'truncnorm', got {self.dist!r}")
        if not (np.isfinite(self.low) and np.isfinite(self.high) and self.low < self.high):
            raise CalibrationError(f"prior of {self.name!r}: needs finite low < high, got ({self.low}, {self.high})")
        if self.dist == "truncnorm" and not (np.isfinite(self.mean) and np.isfinite(self.sd) and self.sd > 0):
            raise CalibrationError(f"prior of {self.name!r}: a truncated normal needs a finite mean and sd > 0")

    def _ab(self):
        return (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd

    def std(self) -> float:
        """Standard deviation of the prior [the parameter's units]."""
        if self.dist == "uniform":
            return (self.high - self.low) / math.sqrt(12.0)
        from scipy.stats import truncnorm

        return float(truncnorm.std(*self._ab(), loc=self.mean, scale=self.sd))


@dataclass(frozen=True)
class JointPrior:
    """Independent priors, one :class:`PriorEntry` per sampled parameter (in sampling order)."""

    entries: tuple[PriorEntry, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entries)

    @property
    def lower(self) -> np.ndarray:
        return np.array([e.low for e in self.entries])

    @property
    def upper(self) -> np.ndarray:
        return np.array([e.high for e in self.entries])

    @classmethod
    def from_model(cls, system, names: Sequence[str] = SAMPLED, ranges: Mapping[str, tuple] | None = None,
                   tags: Mapping[str, str] | None = None) -> JointPrior:
        """Uniform priors from ``ranges`` (name -> ``(low, high, rationale)``) first, else
        ``model.directed_growth.priors.PRIORS`` (zero included where a mechanism may be absent), else
        :data:`EXTRA_PRIORS`, each clipped to the parameter's declared bounds.

        Raises
        ------
        CalibrationError
            A name with no range anywhere, or unknown to ``system``.
        """
        from model.directed_growth.priors import PRIORS

        table = {**EXTRA_PRIORS, **PRIORS, **dict(ranges or {})}
        tags = {**TAGS, **dict(tags or {})}
        out = []
        for n in names:
            if n not in system.variables:
                raise CalibrationError(f"{n!r} is not a variable of model {system.name!r}")
            if n not in table:
                raise CalibrationError(f"no prior range for {n!r}: add it to PRIORS or pass ranges={{{n!r}: "
                                       "(low, high, rationale)}}")
            lo, hi, why = table[n]
            blo, bhi = system.variables[n].bounds
            lo = lo if blo is None else max(lo, blo)
            hi = hi if bhi is None else min(hi, bhi)
            out.append(PriorEntry(n, "uniform", float(lo), float(hi), source=why, tag=tags.get(n, "assumption")))
        return cls(tuple(out))

    def with_normals(self, normals: Mapping[str, tuple[float, float, str]]) -> JointPrior:
        """The same table with truncated normals ``name -> (mean, sd, source)`` on the same support (a block
        estimate with its HAC standard error: then leave that block out of the likelihood)."""
        unknown = sorted(set(normals) - set(self.names))
        if unknown:
            raise CalibrationError(f"normal prior for unsampled name(s) {', '.join(map(repr, unknown))}")
        return JointPrior(tuple(
            replace(e, dist="truncnorm", mean=float(normals[e.name][0]), sd=float(normals[e.name][1]),
                    source=str(normals[e.name][2]), tag="[estimate]") if e.name in normals else e
            for e in self.entries))

    def logpdf(self, theta) -> np.ndarray | float:
        """Log density (up to a constant) of ``theta`` ``(k,)`` or ``(m, k)``; ``-inf`` outside the support,
        which includes its ends (a range starting at 0 includes the mechanism's absence)."""
        x = np.asarray(theta, float)
        xs = np.atleast_2d(x)
        out = np.zeros(xs.shape[0])
        out[np.any((xs < self.lower) | (xs > self.upper), axis=1)] = -np.inf
        for j, e in enumerate(self.entries):
            if e.dist == "truncnorm":
                out -= 0.5 * ((xs[:, j] - e.mean) / e.sd) ** 2
        return float(out[0]) if x.ndim == 1 else out

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` independent draws, shape ``(n, k)``."""
        from scipy.stats import truncnorm

        out = np.empty((n, len(self.entries)))
        for j, e in enumerate(self.entries):
            if e.dist == "uniform":
                out[:, j] = rng.uniform(e.low, e.high, n)
            else:
                out[:, j] = truncnorm.rvs(*e._ab(), loc=e.mean, scale=e.sd, size=n, random_state=rng)
        return out

    def std(self) -> np.ndarray:
        return np.array([e.std() for e in self.entries])

    def ppf(self, q) -> np.ndarray:
        """The prior's quantile transform: ``q`` ``(m, k)`` in the unit cube -> ``theta`` ``(m, k)`` [the
        parameters' units], each coordinate by its own entry (the priors are independent): ``low + (high - low) q``
        for a uniform, scipy's ``truncnorm.ppf`` for a truncated normal. The prior transform of nested and
        importance samplers that draw on the unit cube (:func:`calibration.sbc.fit_nautilus`)."""
        from scipy.stats import truncnorm

        u = np.atleast_2d(np.asarray(q, float))
        if u.shape[-1] != len(self.entries):
            raise CalibrationError(f"ppf: {u.shape[-1]} columns for {len(self.entries)} parameters")
        out = np.empty_like(u)
        for j, e in enumerate(self.entries):
            if e.dist == "uniform":
                out[:, j] = e.low + (e.high - e.low) * u[:, j]
            else:
                out[:, j] = truncnorm.ppf(u[:, j], *e._ab(), loc=e.mean, scale=e.sd)
        return out[0] if np.ndim(q) == 1 else out

    def table(self) -> list[dict]:
        """One row per parameter: name, dist, low, high, mean, sd, source, tag."""
        return [dict(name=e.name, dist=e.dist, low=e.low, high=e.high, mean=e.mean, sd=e.sd, source=e.source,
                     tag=e.tag) for e in self.entries]


# ------------------------------------------------------------------------------------------------ blocks
@dataclass(frozen=True)
class BlockTerm:
    """A block regression as a Gaussian likelihood of the sampled parameters it estimates.

    ``residuals(theta) = W (m(theta) - mean)`` with ``W^T W`` the inverse of the estimates' covariance
    (over ``names``), so that the term's log-likelihood is ``-|residuals|^2 / 2``. ``m(theta)``, the model's
    value of the block's estimates, is ``theta[idx]``, except with ``recentre = (a, s, ref, x_bar)``: the
    block's estimate ``a`` is an intercept at the regressor's value ``x_bar`` and the model's parameter ``a``
    is at the model's reference ``ref``, so ``m_a = a + s (x_bar - ref)`` (the productivity block:
    ``alpha0 + alpha_KV (gbar_K - g_ref)``, with ``g_ref`` the start's ``g_Z``). ``s`` and ``ref`` are taken
    from ``theta`` when sampled, otherwise from the model's values passed to :meth:`residuals`.
    """

    block: str
    names: tuple[str, ...]
    idx: np.ndarray
    mean: np.ndarray
    W: np.ndarray
    recentre: tuple[str, str, str, float] | None = None

    def needs(self) -> tuple[str, ...]:
        """Model parameters the term reads from ``values`` in :meth:`residuals` (those not in ``names``)."""
        if self.recentre is None:
            return ()
        return tuple(n for n in self.recentre[1:3] if n not in self.names)

    def predicted(self, theta: np.ndarray, values: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        """The model's value of the block's estimates, ``(m, len(names))``, at ``theta`` ``(k,)`` or ``(m, k)``.

        Parameters
        ----------
        theta : array
            Sampled parameters.
        values : mapping, optional
            Model parameters by name, scalars or one value per row (e.g. the start's ``g_ref``): required for
            the names of :meth:`needs`.

        Raises
        ------
        CalibrationError
            A name of :meth:`needs` missing from ``values``.
        """
        T = np.array(np.atleast_2d(theta)[:, self.idx], float)
        if self.recentre is None:
            return T
        a, slope, ref, x_bar = self.recentre
        missing = [n for n in self.needs() if values is None or n not in values]
        if missing:
            raise CalibrationError(f"block {self.block!r}: the model's {', '.join(missing)} needed to compare its "
                                   f"intercept {a!r} (estimated at {x_bar:.5g})")

        def get(n):
            return T[:, self.names.index(n)] if n in self.names else np.asarray(values[n], float)

        T[:, self.names.index(a)] += get(slope) * (x_bar - get(ref))
        return T

    def residuals(self, theta: np.ndarray, values: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        """Scaled residuals ``(m, len(names))`` (see the class; ``values`` as :meth:`predicted`)."""
        return (self.predicted(theta, values) - self.mean) @ self.W.T


def block_terms(fits: Mapping[str, object], names: Sequence[str]) -> list[BlockTerm]:
    """:class:`BlockTerm` of each fitted block over the sampled ``names`` it estimates (a block that failed,
    an :class:`Exception` in ``fits``, or that estimates none of them, is left out). A fit with
    ``recentre`` (:attr:`calibration.fit.Fit.recentre`: the productivity block's intercept is at the sample's
    mean capital growth) keeps it when its intercept is sampled.

    Parameters
    ----------
    fits : mapping
        Block name -> :class:`calibration.fit.Fit` (e.g. :func:`calibration.pipeline.block_fits`).
    names : sequence of str
        The sampled parameters.
    """
    out = []
    for f in fits.values():
        if isinstance(f, Exception):
            continue
        use = [n for n in f.names if n in names]
        if not use:
            continue
        j = [list(f.names).index(n) for n in use]
        cov = np.asarray(f.cov, float)[np.ix_(j, j)]
        if not np.all(np.isfinite(cov)):
            continue
        W = np.linalg.cholesky(np.linalg.inv(cov)).T  # W^T W = cov^-1
        recentre = getattr(f, "recentre", None)
        out.append(BlockTerm(f.block, tuple(use), np.array([list(names).index(n) for n in use]),
                             np.array([f.values[n] for n in use]), W,
                             recentre if recentre is not None and recentre[0] in use else None))
    return out


# ------------------------------------------------------------------------------------------------ posterior
class JointPosterior:
    """The joint log-posterior of a country's replay (see the module docstring). Build with
    :meth:`from_data`; call with ``theta`` of shape ``(k,)`` (a float) or ``(m, k)`` (an array: the start is
    derived once for all ``m``, which emcee's ``vectorize=True`` uses).

    Pickles as its construction arguments (the worker re-builds and re-compiles, reading the cache): safe to
    send to a spawn pool.
    """

    vectorized = True

    def __init__(self, spec: dict):
        from model.directed_growth.factory import consistent_draws

        from .block_estimates import block_fits
        from .data import load_panel
        from .least_squares import Problem, Target
        from .replay import country_model, observed_exogenous, observed_policy

        self._spec = dict(spec)
        country, start, end = spec["country"], int(spec["start"]), int(spec["end"])
        names = tuple(spec["names"])
        panel = load_panel(spec.get("data_dir"), countries=[country])
        p = panel.sel(country=country)
        fits = block_fits(p, (start, end))
        overrides = dict(spec.get("overrides") or {})
        ls = fits.get("labour supply")
        if "n" not in overrides and ls is not None and not isinstance(ls, Exception):
            overrides["n"] = ls.values["n"]  # the sample's labour-force growth, not the 2025 projection's
        self.overrides = overrides
        normal = tuple(spec.get("normal_years") or (start, end))
        instruments = tuple(spec.get("instruments") or ("i_G",))
        self.instruments = instruments
        self.system = country_model(panel, country, start, overrides=overrides, normal_years=normal,
                                    start_values=spec.get("start_values"), instruments=instruments)
        policy = observed_policy(panel, country, start, end, instruments)
        exogenous = observed_exogenous(panel, country, start, end, instruments, n=overrides.get("n"),
                                       n_years=spec.get("n_years"))
        self.prior: JointPrior = spec.get("prior") or JointPrior.from_model(self.system, names,
                                                                             ranges=spec.get("ranges"))
        if self.prior.names != names:
            raise CalibrationError(f"prior names {self.prior.names} differ from the sampled names {names}")
        self.names = names
        self.free_gZ = "g_Z" in names
        self.blocks = [] if spec.get("blocks", "likelihood") != "likelihood" else block_terms(fits, names)
        years = np.arange(start, end + 1, dtype=float)
        rows = p.sel(year=years.astype(int))
        sigmas = dict(spec.get("sigmas") or {})
        targets, self.series = [], []
        for var, (col, how) in SERIES.items():
            data = rows[col].values.astype(float)
            if how == "growth":
                sd = float(np.nanstd(np.diff(np.log(data)), ddof=1))
            elif how == "log":
                sd = float(np.nanstd(np.log(data), ddof=1))
            else:
                sd = float(np.nanstd(data, ddof=1))
            sigma = float(sigmas.get(var, sd))
            ok = np.isfinite(data)
            targets.append(Target(var, years, data, 1.0, log=how != "level", source=f"{country} panel {col}"))
            self.series.append((var, how, sigma, years[ok]))
        # a sampled start stock (an unknown initial condition, e.g. the UK wage share of 1970) sets the state
        # vector, not a parameter
        self._param_cols = np.array([j for j, n in enumerate(names) if n not in self.system.stocks], int)
        self.problem = Problem(self.system, targets, [names[j] for j in self._param_cols], policy=policy,
                               exogenous=exogenous, t0=float(start))
        self._consistent = consistent_draws
        cs = self.problem.cs
        self._pidx = {n: cs.parameters.index(n) for n in cs.parameters}
        self._sidx = {n: cs.states.index(n) for n in cs.states}
        self._base_p, self._base_y = self.problem.p0.copy(), self.problem.y0.copy()
        self.offset: np.ndarray | None = None  # synthetic data: residuals shift (see synthetic)
        self.extra: Callable[[dict], float] | None = spec.get("extra")
        self.extra_many: Callable | None = spec.get("extra_many")
        self.extra_scale = float(spec.get("extra_scale", 0.5))
        #: ``(X (m, k), names) -> bool (m,)``: the prior's truncation
        #: (e.g. :class:`calibration.truncation.ProjectionStart`)
        self.truncation: Callable | None = spec.get("truncation")
        self.timing = {"derive": 0.0, "replay": 0.0, "truncation": 0.0, "calls": 0, "points": 0}

    @classmethod
    def from_data(cls, country: str = "USA", start: int = 1970, end: int = 2019, names: Sequence[str] = SAMPLED, *,
                  data_dir=None, prior: JointPrior | None = None, blocks: str = "likelihood",
                  sigmas: Mapping[str, float] | None = None, overrides: Mapping[str, float] | None = None,
                  extra: Callable[[dict], float] | None = None, extra_scale: float = 0.5,
                  extra_many: Callable | None = None,
                  normal_years: tuple[int, int] | None = None, start_values: Mapping[str, float] | None = None,
                  ranges: Mapping[str, tuple] | None = None,
                  instruments: Sequence[str] = ("i_G",), truncation: Callable | None = None,
                  n_years: tuple[int, int] | None = None) -> JointPosterior:
        """The joint log-posterior of ``country``'s replay ``start``-``end``.

        Parameters
        ----------
        country : str
            A country of the panel (:func:`calibration.data.load_panel`).
        start, end : int
            Replay window [year]; the block regressions use the same years.
        names : sequence of str
            Sampled parameters (default :data:`SAMPLED`).
        data_dir : path, optional
            The data directory (default ``DGM_DATA_DIR``).
        prior : JointPrior, optional
            Default :meth:`JointPrior.from_model` over ``names``.
        blocks : {"likelihood", "none"}
            Block estimates as likelihood terms, or left out (when ``prior`` carries them as normals).
        sigmas : mapping, optional
            Replay sigmas by model variable (:data:`SERIES`); default :data:`SIGMA_RULE`.
        overrides : mapping, optional
            Fixed values of unsampled parameters (default: the labour-supply block's ``n``).
        extra : callable, optional
            ``theta dict -> float`` (or a tuple whose first item is the float, as
            :func:`calibration.irf.irf_distance` returns), a distance added as ``-extra_scale * extra(theta)``
            (0.5: a sum of squared standardised deviations becomes a Gaussian log-likelihood); ``theta`` without
            ``g_Z`` (the replay's own; the extra term derives its start at rest). Must be picklable for a pool.
        extra_many : callable, optional
            The same distance for many points at once, ``(thetas (m, k'), names) -> (m,)`` (e.g.
            :func:`calibration.irf.irf_distance_many`, which derives all starts in one call); used instead of
            ``extra`` when given.
        normal_years : (int, int), optional
            Years whose means give the normal employment rate and the start's normal private investment share
            (:func:`calibration.replay.country_model`); default ``(start, end)``. An out-of-sample forecast
            passes the fit window, so that no mean of the predicted years enters its start.
        start_values : mapping, optional
            A start value the panel lacks (only ``"omega"``: :func:`calibration.replay.country_model`); to
            estimate it, also name it in ``names`` (a sampled start stock sets the state, and the start is
            derived at rest for it) with its range in ``ranges``.
        ranges : mapping, optional
            Prior ranges ``name -> (low, high, rationale)`` for :meth:`JointPrior.from_model` (when ``prior``
            is not given).
        instruments : sequence of str
            Observed policy instruments the replay is conditioned on (:data:`calibration.replay.INSTRUMENTS`;
            default the public investment rate only).
        truncation : callable, optional
            ``(X (m, k), names) -> bool (m,)``: the region the prior is truncated to (An & Schorfheide 2007), e.g.
            the parameters whose 2025 projection has a start at rest (:class:`calibration.truncation.ProjectionStart`);
            outside it every residual is NaN and the log-posterior ``-inf``. Called once per batch; picklable for a
            pool.
        """
        if blocks not in ("likelihood", "none"):
            raise CalibrationError(f"blocks must be 'likelihood' or 'none', got {blocks!r}")
        return cls(dict(country=country, start=start, end=end, names=tuple(names), data_dir=data_dir, prior=prior,
                        blocks=blocks, sigmas=dict(sigmas or {}), overrides=dict(overrides or {}), extra=extra,
                        extra_scale=extra_scale, extra_many=extra_many,
                        normal_years=None if normal_years is None else tuple(map(int, normal_years)),
                        start_values=dict(start_values or {}), ranges=dict(ranges or {}),
                        instruments=tuple(instruments), truncation=truncation,
                        n_years=None if n_years is None else tuple(map(int, n_years))))

    def __reduce__(self):
        return (JointPosterior, (self._spec,))

    @property
    def k(self) -> int:
        return len(self.names)

    # -- the pieces
    def _start(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Parameter and state vectors, one row per point, with the start derived at rest."""
        m = X.shape[0]
        P = np.tile(self._base_p, (m, 1))
        Y0 = np.tile(self._base_y, (m, 1))
        values = {n: X[:, j] for j, n in enumerate(self.names) if n != "g_Z"}
        g_Z = X[:, self.names.index("g_Z")] if self.free_gZ else None
        with np.errstate(all="ignore"):
            derived = self._consistent(self.system, values, g_Z=g_Z)
        for n, v in derived.items():
            if n in self._pidx:
                P[:, self._pidx[n]] = v
            elif n in self._sidx:
                Y0[:, self._sidx[n]] = v
        for j, n in enumerate(self.names):
            if n == "g_Z":
                continue  # derived at rest for the sampled value above
            if n in self._pidx:
                P[:, self._pidx[n]] = X[:, j]  # sampled values
            else:
                Y0[:, self._sidx[n]] = X[:, j]  # a sampled start stock
        return P, Y0

    def paths(self, X, variables: Sequence[str] = tuple(SERIES)) -> dict[str, np.ndarray]:
        """The replay's model paths at the window's years for each row of ``X`` ``(m, k)`` (the start derived at
        rest for each row, as in :meth:`residuals_batch`).

        Returns
        -------
        dict
            ``"years"`` (the window's years) and ``variable -> (m, years)`` in the model's units; a row whose
            start is not finite or whose integration fails is NaN.
        """
        from model.solve.sensitivity import solve_arrays

        X = np.atleast_2d(np.asarray(X, float))
        prob = self.problem
        t_eval = np.arange(prob.t0, self.series[0][3][-1] + 1.0)
        out = {v: np.full((X.shape[0], t_eval.size), np.nan) for v in variables}
        P, Y0 = self._start(X)
        for i in range(X.shape[0]):
            if not (np.all(np.isfinite(P[i])) and np.all(np.isfinite(Y0[i]))):
                continue
            try:
                Y, _ = solve_arrays(prob.cs, P[i], Y0[i], prob.L, prob.t0, t_eval, rtol=prob.rtol, atol=prob.atol)
            except SolverError:
                continue
            obs = prob.cs.observed(t_eval, Y, P[i], prob.L)
            obs.update({s: Y[:, j] for j, s in enumerate(prob.cs.states)})
            for v in variables:
                out[v][i] = obs[v]
        return {"years": t_eval, **out}

    def replay_residuals(self, theta: np.ndarray, P: np.ndarray | None = None,
                         Y0: np.ndarray | None = None) -> np.ndarray:
        """Scaled replay residuals of one point: growth of ``ln Y``, then the ratios (:data:`SERIES`).

        Raises
        ------
        SolverError
            The integration failed.
        """
        theta = np.asarray(theta, float)
        if P is None or Y0 is None:
            P, Y0 = self._start(theta[None, :])
            P, Y0 = P[0], Y0[0]
        prob = self.problem
        prob.p0, prob.y0 = P, Y0
        r = prob.residuals(theta[self._param_cols])
        out, i = [], 0
        for _var, how, sigma, yrs in self.series:
            seg = r[i:i + yrs.size]
            i += yrs.size
            if how == "growth":
                gap = np.diff(yrs) == 1
                out.append(np.diff(seg)[gap] / sigma)  # diff of ln(model) - ln(data): growth residuals
            else:
                out.append(seg / sigma)
        return np.concatenate(out)

    def inside(self, X) -> np.ndarray:
        """Whether each row of ``X`` ``(m, k)`` lies in the prior's support: within its bounds and, with a
        ``truncation``, in the region it is truncated to (one call for all rows)."""
        X = np.atleast_2d(np.asarray(X, float))
        ok = np.isfinite(np.atleast_1d(np.asarray(self.prior.logpdf(X), float)))
        if self.truncation is not None and ok.any():
            t = time.perf_counter()
            ok[ok] = np.asarray(self.truncation(X[ok], self.names), bool)
            self.timing["truncation"] += time.perf_counter() - t
        return ok

    def _block_values(self, term: BlockTerm, P: np.ndarray) -> dict[str, np.ndarray]:
        """The model's parameters a block term reads (:meth:`BlockTerm.needs`: the start's ``g_ref``, i.e. the
        sampled ``g_Z`` or the natural rate) from the derived parameter vectors ``P`` ``(m, n_p)``."""
        return {n: P[:, self._pidx[n]] for n in term.needs()}

    def _size(self) -> int:
        """The number of residuals of a point (blocks, then replay)."""
        return sum(b.mean.size for b in self.blocks) + sum(
            y.size - (1 if how == "growth" else 0) for _, how, _, y in self.series)

    def residuals(self, theta) -> np.ndarray:
        """Every Gaussian term of one point as scaled residuals (blocks, then replay; minus the synthetic
        offset): the log-likelihood without the extra term is ``-|r|^2 / 2``. Outside the truncation (a
        ``truncation`` that rejects ``theta``) every residual is NaN."""
        theta = np.asarray(theta, float)
        if self.truncation is not None and not self.inside(theta[None, :])[0]:
            return np.full(self._size(), np.nan)
        P, Y0 = self._start(theta[None, :])
        parts = [b.residuals(theta, self._block_values(b, P))[0] for b in self.blocks]
        r = np.concatenate(parts + [self.replay_residuals(theta, P[0], Y0[0])])
        return r if self.offset is None else r - self.offset

    def theta_dict(self, theta) -> dict[str, float]:
        return dict(zip(self.names, map(float, theta)))

    def residuals_batch(self, X, inside: np.ndarray | None = None) -> np.ndarray:
        """:meth:`residuals` of each row of ``X`` ``(m, k)`` with the start derived once for all rows; a row
        outside the prior's support (its bounds and its truncation, :meth:`inside`, or the given ``inside``
        mask), with a start that is not finite or whose integration fails is NaN."""
        X = np.atleast_2d(np.asarray(X, float))
        out = None
        ok = np.flatnonzero(self.inside(X) if inside is None else np.asarray(inside, bool))
        t = time.perf_counter()
        P, Y0 = self._start(X[ok]) if ok.size else (None, None)
        t2 = time.perf_counter()
        self.timing["derive"] += t2 - t
        for i, row in enumerate(ok):
            if not (np.all(np.isfinite(P[i])) and np.all(np.isfinite(Y0[i]))):
                continue
            try:
                rr = self.replay_residuals(X[row], P[i], Y0[i])
            except SolverError:
                continue
            r = np.concatenate([b.residuals(X[row], self._block_values(b, P[i:i + 1]))[0] for b in self.blocks]
                               + [rr])
            if self.offset is not None:
                r = r - self.offset
            if out is None:
                out = np.full((X.shape[0], r.size), np.nan)
            out[row] = r
        self.timing["replay"] += time.perf_counter() - t2
        if out is None:  # every row failed: the size from the data
            out = np.full((X.shape[0], self._size()), np.nan)
        return out

    def __call__(self, theta) -> float | np.ndarray:
        X = np.asarray(theta, float)
        single = X.ndim == 1
        X = np.atleast_2d(X)
        R = self.residuals_batch(X)
        with np.errstate(invalid="ignore"):
            out = np.asarray(self.prior.logpdf(X), float) - 0.5 * np.sum(R * R, axis=1)
        rows = np.flatnonzero(np.isfinite(out))
        if self.extra_many is not None and rows.size:
            keep = [j for j, n in enumerate(self.names) if n != "g_Z"]
            out[rows] -= self.extra_scale * np.asarray(
                self.extra_many(X[np.ix_(rows, keep)], [self.names[j] for j in keep]), float)
        elif self.extra is not None:
            for row in rows:
                theta = self.theta_dict(X[row])
                theta.pop("g_Z", None)  # the replay's own growth of autonomous demand: the extra term derives it
                d = self.extra(theta)
                out[row] -= self.extra_scale * float(d[0] if isinstance(d, tuple) else d)
        self.timing["calls"] += 1
        self.timing["points"] += X.shape[0]
        out[~np.isfinite(out)] = -np.inf
        return float(out[0]) if single else out

    def synthetic(self, theta_true, rng: np.random.Generator) -> JointPosterior:
        """This posterior on synthetic data: every Gaussian term's data replaced by the model's value at
        ``theta_true`` plus noise at the term's sigma (a block estimate by the model's value of it at ``theta_true``,
        :meth:`BlockTerm.predicted`, plus its HAC noise).
        Every residual is linear in its data, so ``r_syn(theta) = r(theta) - r(theta_true) - e``, ``e``
        standard normal. The extra term is kept as it is (its data are not re-drawn).

        Raises
        ------
        CalibrationError, SolverError
            The replay at ``theta_true`` is not finite or fails to integrate."""
        import copy

        base = self.offset
        self.offset = None
        try:
            r0 = self.residuals(theta_true)
        finally:
            self.offset = base
        if not np.all(np.isfinite(r0)):
            raise CalibrationError("the replay at theta_true has non-finite values: no synthetic data there")
        new = copy.copy(self)
        new.offset = r0 + rng.normal(size=r0.size)
        return new


# ------------------------------------------------------------------------------------------------ sampler
@dataclass
class JointSample:
    """Draws of independent runs and their diagnostics.

    Attributes
    ----------
    names : tuple of str
    chains : list of numpy.ndarray, shape (steps - burn, walkers, k)
        One per run, after burn-in.
    log_prob : list of numpy.ndarray, shape (steps - burn, walkers)
    acceptance : list of float
        Mean acceptance fraction per run.
    diagnostics : dict
        Per parameter ``tau`` [steps], ``ess``, ``rhat``, ``steps_over_tau``
        (:func:`calibration.diagnostics.summarise`).
    seconds : list of float
        Wall time per run [s] (runs overlap on a pool).
    wall : float
        Wall time of the whole call [s].
    settings : dict
    """

    names: tuple[str, ...]
    chains: list[np.ndarray]
    log_prob: list[np.ndarray]
    acceptance: list[float]
    diagnostics: dict
    seconds: list[float]
    wall: float
    settings: dict = field(default_factory=dict)

    def flat(self) -> np.ndarray:
        """Every run's draws pooled, shape ``(n, k)``."""
        return np.concatenate([c.reshape(-1, c.shape[-1]) for c in self.chains])

    def mode(self) -> np.ndarray:
        """The draw with the highest log-posterior."""
        lp = np.concatenate([x.ravel() for x in self.log_prob])
        return self.flat()[int(np.argmax(lp))]

    def converged(self, min_ess: float = 400.0, max_rhat: float = 1.01) -> bool:
        """ESS above ``min_ess`` and both R-hats (across walkers, and across runs when there are several) below
        ``max_rhat`` for every parameter."""
        return bool(self.diagnostics) and all(
            d["ess"] > min_ess and d["rhat"] < max_rhat and not (d.get("rhat_runs", np.nan) >= max_rhat)
            for d in self.diagnostics.values())


def _start_points(logpost, prior: JointPrior, rng: np.random.Generator, walkers: int, start,
                  tries: int = 50) -> np.ndarray:
    """Walkers' starts: a ball of 1% of the prior sd around ``start`` (a point), ``start`` itself (an array
    ``(walkers, k)``), or prior draws with a finite log-posterior (re-drawn up to ``tries`` rounds)."""
    k = len(prior.names)
    if isinstance(start, Mapping):  # a Laplace posterior: an over-dispersed normal about its mode
        sd_prior = prior.std()
        cov = np.asarray(start["cov"], float)
        d = np.sqrt(np.clip(np.diag(cov), 0, None))
        corr = np.where(np.outer(d, d) > 0, cov / np.where(np.outer(d, d) > 0, np.outer(d, d), 1.0), 0.0)
        np.fill_diagonal(corr, 1.0)
        corr = np.where(np.isfinite(corr), corr, 0.0)
        # inflate times the Laplace sd, at most the prior sd (at a bound, or along a flat direction, the Laplace
        # sd is meaningless); NaN sd: the prior sd
        sd = np.minimum(np.where(np.isfinite(d) & (d > 0), float(start.get("inflate", 2.0)) * d, sd_prior), sd_prior)
        cov = np.outer(sd, sd) * corr + np.diag(1e-12 * sd_prior ** 2)
        p0 = np.empty((0, k))
        width = prior.upper - prior.lower
        for _ in range(tries):
            x = rng.multivariate_normal(np.asarray(start["mode"], float), cov, size=2 * walkers, method="eigh")
            # reflected into the support (a mode at a bound: half the draws fold back inside)
            y = np.mod(x - prior.lower, 2 * width)
            x = prior.lower + np.where(y > width, 2 * width - y, y)
            x = np.clip(x, prior.lower + 1e-9 * width, prior.upper - 1e-9 * width)
            p0 = np.vstack([p0, x[np.isfinite(_evaluate(logpost, x))]])
            if p0.shape[0] >= walkers:
                return p0[:walkers]
        raise CalibrationError(f"only {p0.shape[0]} of {walkers} start draws from the Laplace posterior have a "
                               "finite log-posterior")
    if start is not None:
        s = np.asarray(start, float)
        if s.shape == (walkers, k):
            return s
        if s.shape != (k,):
            raise CalibrationError(f"start must have shape ({k},) or ({walkers}, {k}), got {s.shape}")
        p0 = s + 0.01 * prior.std() * rng.normal(size=(walkers, k))
        pad = 1e-9 * (prior.upper - prior.lower)
        return np.clip(p0, prior.lower + pad, prior.upper - pad)
    p0 = prior.sample(rng, walkers)
    for _ in range(tries):
        lp = _evaluate(logpost, p0)
        bad = ~np.isfinite(lp)
        if not bad.any():
            return p0
        p0[bad] = prior.sample(rng, int(bad.sum()))
    raise CalibrationError(f"{int(bad.sum())} of {walkers} prior draws still have a non-finite log-posterior "
                           f"after {tries} rounds; give start=")


def _evaluate(logpost, X: np.ndarray) -> np.ndarray:
    if getattr(logpost, "vectorized", False):
        return np.asarray(logpost(X), float)
    return np.array([logpost(x) for x in X], float)


class Logit:
    """``logpost`` on the unbounded scale ``u``, ``theta = low + (high - low) / (1 + exp(-u))`` per parameter,
    with the log-Jacobian ``sum ln((high - low) s (1 - s))`` added (``s`` the logistic of ``u``): a posterior
    pressed against a prior bound becomes a tail the sampler can move along. Picklable when ``logpost`` is."""

    def __init__(self, logpost: Callable, prior: JointPrior):
        self.logpost, self.lower, self.width = logpost, prior.lower, prior.upper - prior.lower
        self.vectorized = getattr(logpost, "vectorized", False)

    def to_theta(self, u) -> np.ndarray:
        """:func:`calibration.logit.logistic`: far out, the bound itself (then outside: -inf)."""
        return logistic(u, self.lower, self.width)

    def to_u(self, theta) -> np.ndarray:
        """:func:`calibration.logit.logit`."""
        return logit(theta, self.lower, self.width)

    def __call__(self, u):
        u = np.asarray(u, float)
        U = np.atleast_2d(u)
        theta = self.to_theta(U)
        logjac = log_jacobian(U, self.width)
        inside = np.all((theta > self.lower) & (theta < self.lower + self.width), axis=1)
        lp = np.full(U.shape[0], -np.inf)
        if inside.any():
            lp[inside] = _evaluate(self.logpost, theta[inside]) + logjac[inside]
        return float(lp[0]) if u.ndim == 1 else lp


def _run(args) -> dict:
    """One emcee run (a pool worker: spawn, never fork after numba)."""
    import emcee

    logpost, prior, walkers, steps, burn, seed, start, i, runs, progress, transform = args
    rng = np.random.default_rng(seed)
    t = time.perf_counter()
    p0 = _start_points(logpost, prior, rng, walkers, start)
    target = Logit(logpost, prior) if transform == "logit" else logpost
    if transform == "logit":
        p0 = target.to_u(p0)
    vec = getattr(target, "vectorized", False)
    moves = [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
    sampler = emcee.EnsembleSampler(walkers, len(prior.names), target, moves=moves, vectorize=vec)
    sampler.random_state = np.random.RandomState(int(rng.integers(2 ** 31))).get_state()
    sampler.run_mcmc(p0, steps, progress=progress,
                     progress_kwargs={"desc": f"run {i + 1}/{runs}", "position": i, "leave": True})
    chain = sampler.get_chain(discard=burn)
    log_prob = sampler.get_log_prob(discard=burn)
    if transform == "logit":  # back to the parameters, and their log-posterior without the Jacobian
        u = chain
        chain = target.to_theta(u)
        log_prob = log_prob - log_jacobian(u, target.width)
    return {"chain": chain, "log_prob": log_prob,
            "acceptance": float(np.mean(sampler.acceptance_fraction)), "seconds": time.perf_counter() - t}


def spawn_map(fn: Callable, jobs: Sequence, processes: int) -> list:
    """``[fn(j) for j in jobs]``, on a ``spawn`` pool of ``min(processes, len(jobs))`` workers when both exceed 1
    (a forked child of a process that has run numba code may deadlock: design.md), one job a task, in order."""
    if processes <= 1 or len(jobs) <= 1:
        return [fn(j) for j in jobs]
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(min(processes, len(jobs))) as pool:
        return pool.map(fn, jobs, chunksize=1)


def sample_joint(logpost: Callable, prior: JointPrior, runs: int = 4, walkers: int | None = None, steps: int = 2000,
                 burn: int | None = None, seed: int = 0, processes: int = 2, progress: bool = True,
                 start=None, transform: str = "none") -> JointSample:
    """Independent emcee runs of ``logpost`` (a DEMove/DESnookerMove mix, 0.8/0.2: the differential-evolution
    moves of ter Braak 2006 and ter Braak & Vrugt 2008, emcee's recommendation for many dimensions).

    Parameters
    ----------
    logpost : callable
        ``theta (k,) -> float`` (``-inf`` for zero density); with an attribute ``vectorized = True`` it is
        called with ``(m, k)`` arrays instead (:class:`JointPosterior`). Must be picklable for ``processes > 1``.
    prior : JointPrior
        Supplies the names, and the start points when ``start`` is None.
    runs : int
        Independent runs, seeded ``seed + run`` (reproducible whatever ``processes``).
    walkers : int, optional
        Per run; default ``max(2 k + 2, 16)``, even.
    steps, burn : int
        Steps per run and discarded burn-in (default ``steps // 2``).
    processes : int
        Runs in parallel on a ``spawn`` pool (a forked child of a process that has run numba code may
        deadlock: design.md); 1 runs them here, one after the other.
    progress : bool
        A tqdm bar per run.
    start : array or mapping, optional
        A point ``(k,)`` (walkers in a ball of 1% of the prior sd around it), ``(walkers, k)``, or a Laplace
        posterior (:func:`laplace`: ``mode`` and ``cov``, optional ``inflate``, default 2): each run draws its
        walkers from the normal with ``inflate`` times its sd (at most the prior sd), reflected into the
        support (over-dispersed relative to the posterior, as R-hat assumes, but near it: a short burn-in);
        default prior draws with a finite log-posterior (the widest start, the longest burn-in).

    Returns
    -------
    JointSample
    """
    from .diagnostics import summarise

    k = len(prior.names)
    walkers = walkers or max(2 * k + 2, 16)
    walkers += walkers % 2
    burn = steps // 2 if burn is None else burn
    if not 0 <= burn < steps:
        raise CalibrationError(f"burn ({burn}) must be between 0 and steps ({steps})")
    if runs < 1 or processes < 1:
        raise CalibrationError(f"runs and processes must be at least 1, got {runs} and {processes}")
    if transform not in ("none", "logit"):
        raise CalibrationError(f"transform must be 'none' or 'logit', got {transform!r}")
    jobs = [(logpost, prior, walkers, steps, burn, seed + i, start, i, runs, progress, transform)
            for i in range(runs)]
    t = time.perf_counter()
    out = spawn_map(_run, jobs, processes)
    wall = time.perf_counter() - t
    chains = [o["chain"] for o in out]
    diag = summarise(chains, prior.names) if steps - burn >= 4 else {}
    return JointSample(prior.names, chains, [o["log_prob"] for o in out], [o["acceptance"] for o in out], diag,
                       [o["seconds"] for o in out], wall,
                       dict(runs=runs, walkers=walkers, steps=steps, burn=burn, seed=seed, processes=processes,
                            transform=transform))


# ------------------------------------------------------------------------------------------------ Laplace
def _fd_jacobian(fun: Callable[[np.ndarray], np.ndarray], x: np.ndarray, lower: np.ndarray,
                 upper: np.ndarray, batch: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """Central differences (one-sided at a bound, and where a shifted point has a non-finite residual: outside
    a truncated prior's support, or a failed run), step 1e-6 of the prior width; ``batch`` evaluates all shifted
    points in one call (``(m, k) -> (m, n)``). A parameter both of whose shifted points fail gets a zero column."""
    k = x.size
    h = 1e-6 * (upper - lower)
    up = x + np.diag(h)
    dn = x - np.diag(h)
    hi_side = np.diag(up) >= upper
    lo_side = np.diag(dn) <= lower
    up[hi_side] = x  # one-sided: the centre instead of the point beyond the bound
    dn[lo_side] = x
    pts = np.vstack([up, dn])
    F = np.array(batch(pts) if batch is not None else [fun(p) for p in pts], float)
    up_out = ~np.all(np.isfinite(F[:k]), axis=1) & ~hi_side
    dn_out = ~np.all(np.isfinite(F[k:]), axis=1) & ~lo_side
    if up_out.any() or dn_out.any():  # the centre instead of a shifted point outside the support
        f0 = np.asarray(fun(x), float)
        F[:k][up_out] = f0
        F[k:][dn_out] = f0
        hi_side, lo_side = hi_side | up_out, lo_side | dn_out
    width = np.where(hi_side | lo_side, h, 2 * h)
    return ((F[:k] - F[k:]) / width[:, None]).T


def laplace(residuals: Callable[[np.ndarray], np.ndarray], prior: JointPrior, x0,
            batch: Callable[[np.ndarray], np.ndarray] | None = None, **kwargs) -> dict:
    """The Laplace (Gauss-Newton) posterior: the mode of ``-|r|^2/2 + ln prior`` within the prior's support
    (scipy ``least_squares``, ``trf``; a truncated-normal prior enters as residuals ``(x - mean)/sd``) and the
    covariance ``(J^T J)^+`` of the stacked residuals at the mode (finite differences; the known sigmas make
    the scale 1). A point whose residuals are not finite (a failed run, or outside a truncated prior's support:
    :attr:`JointPosterior.truncation`) costs 1e6 per residual, a barrier the trust region steps back from; the
    Jacobian is one-sided there (:func:`_fd_jacobian`), so a mode on the truncation's boundary gets the
    curvature of the side inside.

    Parameters
    ----------
    residuals : callable
        ``theta (k,) -> r`` scaled residuals (e.g. :meth:`JointPosterior.residuals`).
    prior : JointPrior
    x0 : array
        Start of the optimisation (inside the support: a start outside a truncation sees a flat barrier).
    batch : callable, optional
        ``(m, k) -> (m, n)`` residuals of many points at once (:meth:`JointPosterior.residuals_batch`): the
        finite-difference Jacobian in one call.
    **kwargs
        Passed to ``least_squares``.

    Returns
    -------
    dict
        ``mode``, ``cov``, ``sd`` (NaN where ``J^T J`` is singular), ``cost`` and ``J``.
    """
    from scipy.optimize import least_squares

    lo, hi = prior.lower, prior.upper
    normal = [(j, e.mean, e.sd) for j, e in enumerate(prior.entries) if e.dist == "truncnorm"]

    def full(x):
        r = residuals(x)
        if normal:
            r = np.concatenate([r, [(x[j] - m) / s for j, m, s in normal]])
        return r

    def clean(r):
        return np.where(np.isfinite(r), r, 1e6)

    def safe(x):
        try:
            return clean(full(x))
        except SolverError:
            return np.full(n_res, 1e6)

    def raw(x):
        try:
            return full(x)
        except SolverError:
            return np.full(n_res, np.nan)

    def raw_batch(X):
        R = batch(X)
        if normal:
            R = np.hstack([R, np.column_stack([(X[:, j] - m) / sd for j, m, sd in normal])])
        return R

    def jac(x):  # one-sided where a shifted point is outside the support (a truncated prior) or its run fails
        J = _fd_jacobian(raw, x, lo, hi, raw_batch if batch is not None else None)
        return np.where(np.isfinite(J), J, 0.0)

    x0 = np.clip(np.asarray(x0, float), lo + 1e-6 * (hi - lo), hi - 1e-6 * (hi - lo))
    n_res = full(x0).size
    res = least_squares(safe, x0, jac=jac, bounds=(lo, hi), x_scale=hi - lo, method="trf", **kwargs)
    J = jac(res.x)
    H = J.T @ J
    if np.all(np.isfinite(H)):
        cov = np.linalg.pinv(H, rcond=1e-12, hermitian=True)
        d = np.diag(cov)
        sd = np.where(d > 0, np.sqrt(np.abs(d)), np.nan)
    else:
        cov, sd = np.full(H.shape, np.nan), np.full(x0.size, np.nan)
    return {"mode": res.x, "cov": cov, "sd": sd, "cost": float(res.cost), "J": J}


# ------------------------------------------------------------------------------------------------ identification
def identification_report(sample: JointSample, prior: JointPrior, posterior: JointPosterior | None = None,
                          threshold: float = 0.5) -> dict:
    """What the data move: per parameter the posterior sd over the prior sd (``"data move it"`` below
    ``threshold``, 0.5 by default), the posterior median and 90% interval; with ``posterior``, the SVD of the
    Jacobian of its residuals at the sample's mode (finite differences through the start's derivation:
    :func:`calibration.least_squares.identification`), i.e. the Laplace directions the data pin down.

    Returns
    -------
    dict
        ``parameters``: name -> ``{prior_sd, posterior_sd, ratio, moved, median, q05, q95, tag}``;
        ``svd`` (with ``posterior``): ``singular_values`` (of the column-scaled Jacobian), ``rank``,
        ``not_identified`` and ``directions`` (the null-space directions, name -> weight).
    """
    from .least_squares import identification

    x = sample.flat()
    psd = prior.std()
    q05, q50, q95 = np.quantile(x, [0.05, 0.5, 0.95], axis=0)
    sd = x.std(axis=0, ddof=1)
    rows = {}
    for j, e in enumerate(prior.entries):
        ratio = float(sd[j] / psd[j])
        rows[e.name] = {"prior_sd": float(psd[j]), "posterior_sd": float(sd[j]), "ratio": ratio,
                        "moved": ratio < threshold, "median": float(q50[j]), "q05": float(q05[j]),
                        "q95": float(q95[j]), "tag": e.tag}
    out: dict = {"parameters": rows, "threshold": threshold}
    if posterior is not None:
        mode = sample.mode()
        J = _fd_jacobian(posterior.residuals, mode, prior.lower, prior.upper, posterior.residuals_batch)
        if np.all(np.isfinite(J)):
            ident = identification(J, posterior.residuals(mode), prior.names)
            out["svd"] = {"singular_values": ident.singular_values.tolist(), "rank": ident.rank,
                          "not_identified": list(ident.not_identified),
                          "directions": [dict(zip(prior.names, d.tolist())) for d in ident.null_space.T]}
        else:
            out["svd"] = {"error": "the Jacobian at the mode has non-finite entries (an integration failed "
                                   "within the finite-difference step)"}
    return out

"""The calibration of one country, end to end: data, block-wise fits, replay, uncertainty."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from model.directed_growth.factory import DERIVED, directed_growth
from model.directed_growth.start_state import FROM_DATA
from model.errors import CalibrationError
from model.solve.simulation import simulate
from model.text import plural

from .bayes import Posterior, Prior, sample_posterior
from .block_estimates import block_fits
from .fit import Fit
from .least_squares import Problem, Target, fit_least_squares
from .posterior import VARIANTS
from .replay import country_model, observed_policy
from .targets import TargetSet, load_targets

__all__ = ["Calibration", "calibrate", "block_fits", "MAX_REL_SE", "PROJECTION_INPUTS", "JointCalibration",
           "calibrate_joint", "held_estimates", "irf_report", "JOINT_WINDOW", "SAMPLERS", "NESTED_SETTINGS",
           "nested_stage"]

#: a block estimate replaces the literature default only if its standard error is below this share of
#: its value (and it lies within the declared bounds); otherwise the data do not identify it
MAX_REL_SE = 0.5

#: block-estimated parameters the projection takes from the country's data instead: name -> why. Their
#: historical estimates drive the historical replay and stay in the block-fit report, but the parameter
#: file does not set them (a value in [parameters] would override the country's projection in every run)
PROJECTION_INPUTS = {
    "n": "labour-force growth in the projection is the country's schedule (model/directed_growth/countries/"
         "{country}.toml [n_path]: US CBO +0.3%/yr to 2050 fading to 0 by 2100, UK its 2010-2019 trend fading to 0 "
         "by 2100), not the {years} trend; the historical estimate {value:.4g} +- {se:.2g} ('{block}') drives the "
         "historical replay only and is reported under [blocks]",
    "markup": "the projection's target mark-up is derived from the country's start inflation datum "
              "(model.directed_growth.start_state.DERIVED_FROM_DATA), not the {years} estimate; the historical "
              "estimate {value:.4g} +- {se:.2g} ('{block}') drives the historical replay only and is reported "
              "under [blocks]",
}

#: held block estimates for historical runs only: the 2025 projection derives them from its start data
REPLAY_ONLY = FROM_DATA

#: block estimates conditional on another estimate of their block: used only where that one is identified
#: (the price block's mark-up is its slope over the speed eta_p)
REQUIRES = {"markup": "eta_p"}


@dataclass
class Calibration:
    """Everything a country's calibration produced (see :func:`calibrate`)."""

    country: str
    targets: TargetSet
    panel_title: str
    vintages: dict
    blocks: dict[str, Fit]
    used: dict[str, tuple[float, float, str]]          # name -> (value, se, method): the file's parameters
    rejected: dict[str, str]                           # name -> why the default was kept
    whole: Fit | None
    whole_report: dict
    posterior: Posterior | None
    series_fit: dict[str, dict]                        # target or replay series -> statistics
    moments: dict[str, dict]
    replay: object = None                              # xarray.Dataset of the fitted replay
    observed: object = None                            # the panel rows of the country
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    problem: object = None                             # the whole-model Problem (for profiles)
    # PROJECTION_INPUTS the blocks identified: name -> (value, se, method), used by the replay, not written
    history: dict[str, tuple[float, float, str]] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, float]:
        """Calibrated parameter values, by name."""
        return {k: v[0] for k, v in self.used.items()}


def _select(system, fits: dict) -> tuple[dict, dict, dict]:
    """Apply the identification rule to the block estimates: ``(used, rejected, history)``, name ->
    ``(value, se, method)``, name -> why the default was kept, and the identified estimates of
    :data:`PROJECTION_INPUTS` (for the historical replay only, not the parameter file)."""
    used, rejected, history = {}, {}, {}
    skip = set(DERIVED)  # set by the model factory from the start state, not overridable
    for bname, f in fits.items():
        if isinstance(f, Exception):
            rejected[f"[{bname}]"] = f"block not estimated: {f}"
            continue
        for name in f.names:
            if name in skip:
                continue
            v, se = f.values[name], f.se[name]
            lo, hi = system[name].bounds
            if not np.isfinite(se) or se > MAX_REL_SE * abs(v):
                rejected[name] = (f"weakly identified by '{f.block}': {v:.4g} +- {se:.2g}; literature default "
                                  f"{system[name].default:.4g} kept")
            elif (lo is not None and v <= lo) or (hi is not None and v >= hi):
                rejected[name] = (f"'{f.block}' estimate {v:.4g} is outside the declared bounds ({lo}, {hi}); "
                                  f"default {system[name].default:.4g} kept")
            else:
                (history if name in PROJECTION_INPUTS else used)[name] = (
                    v, se, f"block-wise: {f.block} ({f.n_obs} obs, R2 {f.r2:.2f})")
    for name, needed in REQUIRES.items():
        if needed in rejected:
            for chosen in (used, history):
                if name in chosen:
                    v, se, _ = chosen.pop(name)
                    rejected[name] = (f"its estimate {v:.4g} +- {se:.2g} is conditional on {needed}, which the "
                                      f"window does not identify; default {system[name].default:.4g} kept")
    return used, rejected, history


def _series_stats(model_values, data_values) -> dict:
    ok = np.isfinite(data_values) & np.isfinite(model_values)
    r = model_values[ok] - data_values[ok]
    tss = np.sum((data_values[ok] - data_values[ok].mean()) ** 2)
    return {"n": int(ok.sum()), "rmse": float(np.sqrt(np.mean(r ** 2))) if ok.any() else float("nan"),
            "r2": float(1 - np.sum(r ** 2) / tss) if tss > 0 else float("nan")}


def calibrate(country: str = "USA", data_dir=None, *, targets: str | None = None, mcmc: bool = False,
              steps: int = 2000, walkers: int | None = None, starts: int = 4, seed: int = 0,
              progress: Callable[[str], None] | None = None, joint: bool = False, runs: int = 8,
              variants: tuple[str, ...] = VARIANTS, bars: bool = False,
              particles: int = 320, smc_runs: int = 8, stage1: str = "smc", sampler: str = "nautilus",
              nested_runs: int = 3) -> Calibration | JointCalibration:
    """Calibrate the directed-growth model on one country's data.

    1. Data: the harmonised panel (:func:`calibration.data.load_panel`); without a
       data directory, the statsmodels fallback panel (USA, few observables).
    2. Block-wise: each block's regression on its observed inputs; an estimate
       replaces the literature default when its standard error is below
       :data:`MAX_REL_SE` of its value and it lies within the declared bounds.
    3. Whole model: the parameters of the target set fitted by least squares on
       a historical replay (the model started from the data in ``replay_start``,
       observed public investment), with exact sensitivities and multi-start.
    4. Optionally (``mcmc``) the posterior of the whole-model parameters (emcee).

    With ``joint=True`` the two-stage joint Bayesian calibration instead (:func:`calibrate_joint`: blocks ->
    stage 1 MCMC on the parameters the replay identifies -> stage 2 nested sampling (or tempered SMC) of every
    parameter with those the impulse responses speak to), with ``runs``, ``walkers`` (default 48), ``steps``,
    ``seed``, ``variants``, ``sampler``, ``nested_runs``, ``particles``, ``smc_runs``, ``stage1`` and ``bars``;
    ``targets``, ``mcmc`` and ``starts`` do not apply (``runs``: stage-1 runs).

    Parameters
    ----------
    country : {"USA", "GBR"}
    data_dir : path, optional
        Data directory (default ``DGM_DATA_DIR``, else ``../shared/data`` beside the checkout;
        if neither exists, the fallback panel).
    targets : str, optional
        A target-set TOML (default: the shipped one for ``country``).
    mcmc : bool
    steps, walkers, starts, seed : int
        MCMC length and walkers, least-squares starts, seed.
    progress : callable, optional
        Receives one-line progress messages.
    joint, runs, variants, bars, particles, smc_runs, stage1, sampler, nested_runs
        The joint calibration (see above; :func:`calibrate_joint`).
    """
    from calibration.data import DataError, load_fallback_panel, load_panel

    if joint:
        return calibrate_joint(country, runs=runs, walkers=walkers or 48, steps=steps, seed=seed, variants=variants,
                               bars=bars, data_dir=data_dir, progress=progress, particles=particles,
                               smc_runs=smc_runs, stage1=stage1, sampler=sampler, nested_runs=nested_runs)

    say = progress or (lambda msg: None)
    started = time.perf_counter()
    ts = load_targets(targets or country)
    if ts.country != country:
        raise CalibrationError(f"target set {ts.path} is for {ts.country}, not {country}")
    notes = []
    try:
        panel = load_panel(data_dir, countries=[country])
    except DataError as exc:
        if data_dir is not None or country != "USA":
            raise
        panel = load_fallback_panel()
        notes.append(f"no data directory ({exc}); used the statsmodels fallback panel: {panel.attrs['title']}")
        say(notes[-1])
    vintages = {k: v for k, v in panel.attrs.items() if k.startswith("vintage_")}
    p = panel.sel(country=country)
    say(f"data: {panel.attrs['title']} ({panel.attrs['years']})")

    fits = block_fits(p, ts.block_years)
    base = directed_growth()
    used, rejected, history = _select(base, fits)
    say(f"block-wise: {plural(len(used), 'parameter')} estimated, {len(rejected)} kept at their defaults")
    for name, (value, se, method) in history.items():
        notes.append(f"{name} not set: " + PROJECTION_INPUTS[name].format(
            country=country.lower(), years=f"{ts.block_years[0]}-{ts.block_years[1]}", value=value, se=se,
            block=method))
        say(notes[-1])

    whole, report, posterior, replay, series_fit, prob = None, {}, None, None, {}, None
    # the replay runs on every block estimate, the historical labour-force growth included
    overrides = {k: v[0] for k, v in {**used, **history}.items()}
    # autonomous demand grows at the natural rate alpha0 + n (less damages): the model factory derives g_Z
    try:
        m = country_model(p.expand_dims(country=[country]), country, ts.replay_start, overrides=overrides,
                          normal_years=(ts.replay_start, ts.replay_end))
        pol = observed_policy(p.expand_dims(country=[country]), country, ts.replay_start, ts.replay_end)
    except CalibrationError as exc:
        notes.append(f"no whole-model replay: {exc}")
        say(notes[-1])
        m = None
    if m is not None:
        years = np.arange(ts.replay_start, ts.replay_end + 1, dtype=float)
        rows = p.sel(year=years.astype(int))
        tg = []
        for s in ts.series:
            values = rows[s.data].values.copy()
            if s.years is not None:  # a moment: only these years
                values[~np.isin(years, s.years)] = np.nan
            tg.append(Target(s.name, years, values, s.sigma, log=s.log, source=s.source))
        prob = Problem(m, tg, list(ts.parameters), policy=pol)
        whole, report = fit_least_squares(prob, starts=starts, seed=seed, progress=say)
        if whole.not_identified():  # a flat direction: the values are one point of it, their SE infinite
            notes.append("whole model: " + whole.notes[-1])
            say(notes[-1])
        for name in whole.names:
            used[name] = (whole.values[name], whole.se[name],
                          f"whole model: replay {ts.replay_start}-{ts.replay_end}, least squares")
        if mcmc:
            say(f"MCMC: {steps} steps")
            prior = Prior(prob.lower, prob.upper)
            # the residual scale is estimated (as for the least-squares covariance): the target sigmas are
            # weights, not known noise levels
            scale = float(np.sqrt(whole.residuals @ whole.residuals / max(whole.n_obs - len(whole.names), 1)))
            posterior = sample_posterior(prob.residuals, whole, prior, steps=steps, walkers=walkers, seed=seed,
                                         sigma_scale=scale, progress=progress is not None)
        replay = simulate(m, whole.values, pol, t_span=(ts.replay_start, ts.replay_end), t_eval=years)
        for var, data in (("Y", "Y"), ("e_int", "e_int"), ("lam", "lam"), ("omega", "omega"), ("h_eff", "h"),
                          ("b", "b"), ("d", "d")):
            stats = _series_stats(replay[var].values, rows[data].values)
            stats["targeted"] = any(s.name == var for s in ts.series)
            series_fit[var] = stats
    moments = _moments(ts, replay)
    return Calibration(country, ts, panel.attrs.get("title", ""), vintages, fits, used, rejected, whole, report,
                       posterior, series_fit, moments, replay, p, time.perf_counter() - started, notes, prob,
                       history)


def _moments(ts: TargetSet, replay) -> dict[str, dict]:
    out = {}
    if replay is None:
        return out
    t = replay["time"].values
    sel = (t >= 1990) & (t <= 2019)
    for name, spec in ts.moments.items():
        if name.startswith("gdp_growth_1990_2019") and sel.sum() > 1:
            y = replay["Y"].values[sel]
            model_value = float(np.log(y[-1] / y[0]) / (t[sel][-1] - t[sel][0]))
        elif name.startswith("emission_intensity_trend_1990_2019") and sel.sum() > 1:
            model_value = float(np.polyfit(t[sel], np.log(replay["e_int"].values[sel]), 1)[0])
        elif name.startswith("co2_ratio_2019_1990") and sel.sum() > 1:
            e = replay["E_dom"].values[sel]
            model_value = float(e[-1] / e[0])
        else:
            continue
        out[name] = {"model": model_value, "target": float(spec["value"]), "tolerance": float(spec["tolerance"]),
                     "met": abs(model_value - float(spec["value"])) <= float(spec["tolerance"]),
                     "source": spec.get("source", "")}
    return out


# ------------------------------------------------------------------------------------------------ joint (issue 14)
#: replay window of the joint calibration by country [calendar years]: the US over 1970-2019; the UK from 1988,
#: its first year with a PWT labour share (omega is missing before: never imputed)
JOINT_WINDOW: dict[str, tuple[int, int]] = {"USA": (1970, 2019), "GBR": (1988, 2019)}


def held_estimates(country: str, start: int, end: int, data_dir=None, sampled: tuple[str, ...] = ()
                   ) -> tuple[dict[str, tuple[float, float, str]], dict[str, str]]:
    """The block estimates over the replay window of the parameters the joint posterior does not sample, held
    fixed there, and the reasons the other block parameters keep their defaults.

    The same identification rule as the block-wise calibration (:func:`calibrate`: an estimate is used when its
    standard error is at most :data:`MAX_REL_SE` of its size and it lies within the declared bounds); the
    labour-force growth ``n`` is left out (the replay takes the window's, the projection the country's schedule).
    The price block's mark-up is held for historical runs only (:data:`REPLAY_ONLY`: the replay, the impulse
    responses); the 2025 projection derives it from the start's inflation datum.
    The joint posterior conditions on the held values (its replay, impulse responses and truncation), the joint
    parameter file records them with their standard errors (ensembles draw them from those) and names the others
    in ``[kept_default]`` (drawn from their stated priors).

    Parameters
    ----------
    country : {"USA", "GBR"}
    start, end : int
        The replay window [calendar years].
    data_dir : path, optional
    sampled : tuple of str
        The parameters the joint posterior samples (left out of both results).

    Returns
    -------
    tuple of dict
        ``name -> (value, se, method)`` of the held estimates, and ``name -> reason`` of the block parameters
        whose default is kept (weakly identified, or outside the declared bounds, over the window).
    """
    from .data import load_panel

    panel = load_panel(data_dir, countries=[country])
    fits = block_fits(panel.sel(country=country), (int(start), int(end)))
    system = directed_growth(country=country)
    used, rejected, history = _select(system, fits)
    held = {k: (float(v), float(se), f"{how}, {start}-{end}; held fixed in the joint posterior"
                                     + ("'s historical runs only" if k in REPLAY_ONLY else ""))
            for k, (v, se, how) in {**used, **history}.items() if k not in sampled and k != "n"}
    # the mark-up is not drawn in the projection (derived from its inflation datum): no default of it is kept
    kept = {k: f"{why} ({start}-{end})" for k, why in rejected.items()
            if k in system.parameters and k not in sampled and k not in REPLAY_ONLY}
    return held, kept


@dataclass
class JointCalibration:
    """A two-stage joint calibration (:func:`calibrate_joint`; design: :mod:`calibration.twostage`).

    Attributes
    ----------
    country : str
    window : tuple of int
        Replay years (first, last).
    prior1, prior2 : JointPrior
        Priors of the stage-1 (MCMC) and stage-2 (importance-sampled) parameters.
    laplace : dict
        The Laplace posterior that starts stage 1 (``mode``, ``sd``, ``cost``).
    stage1 : JointSample
        The MCMC runs with their diagnostics (tau, ESS, R-hat per parameter).
    identification : dict
        :func:`calibration.joint.identification_report` of stage 1.
    stage2 : dict
        Variant -> :class:`calibration.smc.SMCResult` (its ``table``: the posterior draws; its ``diagnostics``).
    irf : dict
        Variant -> the impulse responses at the posterior median against each target (:func:`irf_report`).
    overrides : dict
        Unsampled parameters set from the data in the replay (the labour-supply block's ``n``).
    seconds : dict
        Wall time per stage [s].
    settings : dict
    notes : list of str
    held : dict
        The block estimates over the window the posterior holds fixed, ``name -> (value, se, method)``
        (:func:`held_estimates`).
    kept : dict
        The block parameters whose default is kept, ``name -> reason`` (:func:`held_estimates`).
    """

    country: str
    window: tuple[int, int]
    prior1: object
    prior2: object
    laplace: dict
    stage1: object
    identification: dict
    stage2: dict
    irf: dict
    overrides: dict
    seconds: dict
    settings: dict
    notes: list[str] = field(default_factory=list)
    held: dict[str, tuple[float, float, str]] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.prior1.names) + tuple(self.prior2.names)

    def table(self, variant: str = "mazzucato") -> dict[str, np.ndarray]:
        """The posterior table of ``variant``: name -> draws (rows jointly)."""
        res = self.stage2[variant]
        return {n: res.table[:, j] for j, n in enumerate(res.names)}

    def summary(self, variant: str = "mazzucato") -> dict[str, dict]:
        """Per parameter: posterior mean, median, 5 % and 95 % quantiles, sd, prior sd and their ratio (the
        identification: below 0.5 the data move it); the joint posterior's diagnostics (nautilus:
        :func:`calibration.nested.nested_summary`, tempered SMC: :func:`calibration.smc.smc_summary`): ``ess`` (per
        parameter: nautilus the Kish ESS summed over runs, SMC cluster-robust summed over runs), ``ess_runs`` (from
        the runs' spread), ``kish_ess`` (SMC: of the last reweighting), ``rhat`` (across the runs) and
        ``pass`` (ESS from the runs > 400 and R-hat < 1.01); for stage-1 parameters also the stage-1 diagnostics
        (``stage1_tau``, ``stage1_ess``, ``stage1_rhat_runs``, ``stage1_rhat_within``, ``stage1_rhat_walkers``)."""
        out = {}
        res = self.stage2[variant]
        psd = dict(zip(self.prior1.names, self.prior1.std())) | dict(zip(self.prior2.names, self.prior2.std()))
        diag = getattr(res, "diagnostics", {})
        for j, n in enumerate(res.names):
            x = res.table[:, j]
            q05, q50, q95 = np.quantile(x, [0.05, 0.5, 0.95])
            row = {"mean": float(x.mean()), "median": float(q50), "q05": float(q05), "q95": float(q95),
                   "sd": float(x.std(ddof=1)), "prior_sd": float(psd[n]), "sd_ratio": float(x.std(ddof=1) / psd[n]),
                   "stage": 1 if n in self.prior1.names else 2,
                   "method": STAGE2_METHOD[self.settings.get("sampler", "smc")]}
            d = diag.get(n, {})
            row.update(ess=d.get("ess", np.nan), ess_runs=d.get("ess_runs", np.nan),
                       kish_ess=d.get("kish_ess", getattr(res, "kish_ess", np.nan)), rhat=d.get("rhat", np.nan),
                       verdict="PASS" if d.get("pass", False) else "FAIL")
            if n in self.prior1.names:
                s1 = self.stage1.diagnostics.get(n, {})
                row.update(stage1_tau=s1.get("tau", np.nan), stage1_ess=s1.get("ess", np.nan),
                           stage1_rhat_runs=s1.get("rhat_runs", np.nan),
                           stage1_rhat_within=s1.get("rhat_within", np.nan),
                           stage1_rhat_walkers=s1.get("rhat", np.nan))
            out[n] = row
        return out


def irf_report(country: str, theta: dict[str, float], variant: str) -> dict:
    """The impulse responses at ``theta`` against the ``[irf]`` targets of ``variant``: per published moment
    the model value, the target (value or interval), sd and tag; per constraint its penalty; and the headline
    responses (public investment output response in years 0 and 4 [% per pp of output], mission / generic
    cumulative multipliers at 5, 10, 20 years, the private R&D response to mission R&D in years 0-2 and 8
    [% per pp of output])."""
    from .irf import default_problem, distance, load_irf_targets, moment_value

    targets = load_irf_targets(country).select(variant)
    prob = default_problem(country, start=targets.start, horizons=max(targets.horizons, 1))
    theta = {k: float(v) for k, v in theta.items() if k != "g_Z"}
    result = prob.evaluate(theta)
    total, parts = distance(result, targets)
    out: dict = {"distance": total, "moments": {}, "constraints": {}}
    for m in targets.moments:
        row = {"model": moment_value(result, m), "sd": m.sd, "tag": m.tag, "source": m.source,
               "penalty": parts.get(m.name, np.nan)}
        if m.low is not None:
            row["interval"] = [m.low, m.high]
        else:
            row["target"] = m.value
        out["moments"][m.name] = row
    for c in targets.constraints:
        out["constraints"][c.name] = {"kind": c.kind, "penalty": parts.get(c.name, np.nan), "tag": c.tag}
    h = list(result.horizons)
    head = {}
    if "public_investment" in result.responses:
        y = result.responses["public_investment"]["Y"]
        head["public_investment_Y_y0"], head["public_investment_Y_y4"] = float(y[h.index(0)]), float(y[h.index(4)])
    if "mission_rd" in result.cumulative and "generic" in result.cumulative:
        for k in (5, 10, 20):
            if k in h:
                mi, ge = result.cumulative["mission_rd"][h.index(k)], result.cumulative["generic"][h.index(k)]
                head[f"cumulative_mission_{k}"], head[f"cumulative_generic_{k}"] = float(mi), float(ge)
                head[f"cumulative_ratio_{k}"] = float(mi / ge) if ge != 0 else float("nan")
    if "mission_rd" in result.responses and "R_P" in result.responses["mission_rd"]:
        rp = result.responses["mission_rd"]["R_P"]
        head["mission_R_P_y0_2"] = [float(rp[h.index(k)]) for k in (0, 1, 2)]
        head["mission_R_P_y8"] = float(rp[h.index(8)]) if 8 in h else float("nan")
    out["headline"] = head
    return out


class _StageTwoTarget:
    """``ln L_R(theta_1, theta_2) - D(theta_1, theta_2)/2`` for the importance stage: the full replay posterior
    (blocks and replay over stage-1 and stage-2 parameters) and the impulse-response distance of ``variant``,
    in chunks (a tqdm bar when ``bar``)."""

    def __init__(self, full, names1, names2, variant, country, bar: bool, chunk: int = 200):
        self.full, self.names1, self.names2 = full, tuple(names1), tuple(names2)
        self.variant, self.country, self.bar, self.chunk = variant, country, bar, chunk
        self.seconds = {"replay": 0.0, "irf": 0.0}

    def __call__(self, X1, X2):
        from .irf import irf_distance_many

        X = np.hstack([X1, X2])
        names = self.names1 + self.names2
        keep = [j for j, n in enumerate(names) if n != "g_Z"]
        out = np.full(X.shape[0], -np.inf)
        starts = range(0, X.shape[0], self.chunk)
        if self.bar:
            from tqdm import tqdm

            starts = tqdm(starts, desc=f"stage 2 ({self.variant})", unit="chunk", leave=True)
        for a in starts:
            sl = slice(a, a + self.chunk)
            t = time.perf_counter()
            R = self.full.residuals_batch(X[sl])
            with np.errstate(invalid="ignore"):
                ll = -0.5 * np.sum(R * R, axis=1)
            t2 = time.perf_counter()
            ok = np.flatnonzero(np.isfinite(ll))
            if ok.size:
                D = np.asarray(irf_distance_many(X[sl][np.ix_(ok, keep)], [names[j] for j in keep], self.variant,
                                                 country=self.country), float)
                v = ll[ok] - 0.5 * D
                out[a + ok] = np.where(np.isfinite(v), v, -np.inf)
            self.seconds["replay"] += t2 - t
            self.seconds["irf"] += time.perf_counter() - t2
        return out


def _start_particles(x1: np.ndarray, need: int, prior1, prior2, region, rng: np.random.Generator
                     ) -> tuple[np.ndarray, int]:
    """Stage 2's ``need`` start particles: thinned stage-1 draws (evenly spaced over every run's draws) joined to
    stage-2 prior draws, each kept strictly inside the support; with a ``region``
    (:class:`calibration.truncation.ProjectionStart`) a pair outside it is replaced by a fresh pair (a stage-1 draw
    picked uniformly and a new prior draw): rejection sampling of stage 1's posterior times the stage-2 prior
    truncated to ``region``, the tempering's reference (:class:`TemperedTarget`). Returns the ``(need, k1 + k2)``
    particles and the number of pairs drawn."""
    from .truncation import truncated_draws

    w1, w2 = prior1.upper - prior1.lower, prior2.upper - prior2.lower
    names = tuple(prior1.names) + tuple(prior2.names)

    def pairs(r, m, rows=None):
        rows = r.integers(0, x1.shape[0], m) if rows is None else rows
        X1 = np.clip(x1[rows], prior1.lower + 1e-9 * w1, prior1.upper - 1e-9 * w1)
        X2 = np.clip(prior2.sample(r, m), prior2.lower + 1e-9 * w2, prior2.upper - 1e-9 * w2)
        return np.hstack([X1, X2])

    rows = np.round(np.linspace(0, x1.shape[0] - 1, need)).astype(int)
    X = pairs(rng, need, rows[rng.permutation(need)])
    if region is None:
        return X, need
    ok = np.asarray(region(X, names), bool)
    bad = np.flatnonzero(~ok)
    if not bad.size:
        return X, need
    new, tried = truncated_draws(pairs, region, names, bad.size, rng)
    X[bad] = new
    return X, need + tried


def _smc_job(args) -> tuple:
    """One tempered SMC run (a spawn-pool worker): the variant's :class:`TemperedTarget` (built once per worker
    and variant), then :func:`calibration.smc.tempered_smc` from the given start particles."""
    from .smc import tempered_smc

    key, x0, seed, settings, label, bar = args
    tt = _TARGETS.get(key)
    if tt is None:
        tt = _TARGETS[key] = TemperedTarget(*key)
    before = dict(tt.seconds)

    def report(rec):
        if bar:
            import sys

            print(f"  {label}: beta {rec['beta']:.4f}, Kish ESS {rec['kish_ess']:.0f}, {rec['moves']} moves "
                  f"(acceptance {rec['acceptance']:.2f}), {rec['seconds']:.0f} s", file=sys.stderr, flush=True)

    run = tempered_smc(tt, x0, tt.lower, tt.upper, rng=np.random.default_rng(seed), names=tt.names1 + tt.names2,
                       progress=report, evaluate_final=tt.log_posterior, **settings)
    return run, {k: tt.seconds[k] - before.get(k, 0.0) for k in tt.seconds}


def _nested_job(args) -> tuple:
    """One nautilus run onto the variant's full joint posterior (a spawn-pool worker): the variant's
    :class:`TemperedTarget` (built once per worker and variant) gives ``ln p(theta) + ln L_R(theta) - D(theta)/2``;
    the prior's quantile transform carries nautilus's unit cube, so the likelihood is that minus ``ln p(theta)``
    (``-inf`` outside the truncation region: :func:`calibration.sbc.fit_nautilus`)."""
    from .joint import JointPrior
    from .nested import NestedRun
    from .sbc import fit_nautilus

    key, seed, live, n_eff, label, bar = args
    tt = _TARGETS.get(key)
    if tt is None:
        tt = _TARGETS[key] = TemperedTarget(*key)
    prior = JointPrior(tuple(tt.prior1.entries) + tuple(tt.prior2.entries))
    before = dict(tt.seconds)

    def log_likelihood(X):
        with np.errstate(invalid="ignore", over="ignore"):
            return tt.log_posterior(X) - np.asarray(prior.logpdf(X), float)

    t = time.perf_counter()
    fit = fit_nautilus(None, prior, np.random.default_rng(seed), n_live=live, n_eff=n_eff,
                       log_likelihood=log_likelihood)
    seconds = time.perf_counter() - t
    if bar:
        import sys

        print(f"  {label}: {fit['evaluations']:.0f} evaluations, Kish ESS {fit['ess']:.0f}, {seconds:.0f} s",
              file=sys.stderr, flush=True)
    run = NestedRun(tt.names1 + tt.names2, fit["draws"], fit["logw"], int(fit["evaluations"]), seconds,
                    fit["log_evidence"])
    return run, {k: tt.seconds[k] - before.get(k, 0.0) for k in tt.seconds}


def _joined(a, b):
    """A run's tempering (``a``) and a pass of final sweeps from ``a``'s final population (``b``):
    ``b``'s states, ``a``'s ancestry, last reweighting and Kish ESS; both passes' steps, evaluations and time."""
    from .smc import SMCRun

    return SMCRun(a.names, b.particles, np.tile(a.ancestors[-b.population:], b.sweeps), a.last_particles,
                  a.last_logw, a.kish_ess, a.steps + b.steps, a.evaluations + b.evaluations, a.seconds + b.seconds,
                  b.log_target, b.sweeps)


#: per-process cache of :class:`TemperedTarget` by construction arguments (pool workers)
_TARGETS: dict[tuple, TemperedTarget] = {}

#: settings of the tempered SMC stage (:func:`calibration.smc.tempered_smc`), measured on the US replay 1970-2019:
#: at most 3 sweeps per temperature (the Drovandi-Pettitt rule asks 4-6 at acceptance 0.25-0.35; a 21-dimensional
#: Gaussian toy with 256 particles a run gave the same ESS from the runs and R-hat with 3 as with 8), then 2
#: sweeps at beta = 1 with 90% independent proposals (accepted 0.39-0.45 of the time on the US replay), the last
#: state kept; the passes of final sweeps (:data:`REFRESH_PASSES`) do the rest
SMC_SETTINGS = {"ess_frac": 0.5, "move_c": 0.2, "min_moves": 1, "max_moves": 3, "final_moves": 2,
                "final_keep": 1, "independent": 0.5, "final_independent": 0.9}
#: the final sweeps (:func:`calibration.smc.cross_fitted_proposals`): 40 sweeps at beta = 1 from each run's population
#: with 90% independent proposals from the Student-t fitted to the other half of the variant's runs pooled, in the two
#: passes of :data:`REFRESH_PASSES` (12 sweeps, then 28). 40, not 20: with the prior truncated to a 2025 start
#: (calibration.truncation) 20 sweeps in one pass left the US short (issue 14, session 7: Mazzucato 21 of 22 parameters
#: pass, alpha_KV R-hat 1.0124; Boysen-Hogrefe 16 of 22, ESS from the runs down to 174 for alpha_KV, R-hat up to 1.029)
REFRESH_SETTINGS = {"independent": 0.5, "final_independent": 0.9}
#: passes of final sweeps after the tempering (each: :func:`calibration.smc.tempered_smc` settings, and ``all_rows``:
#: fit the cross-fitted Student-t to every kept state of the previous pass instead of its final states); the
#: posterior table is the last pass's kept states. Two passes: 12 sweeps with the Student-t of the tempering's last
#: populations, then 28 with the Student-t refitted to every state the first pass kept (after sweeps 4, 8 and 12; of the
#: other half of the runs), keeping the state after every second sweep. Why (issue 14, session 8, measured on the US
#: Boysen-Hogrefe posterior, a run of that variant alone, seed 0): the tempering's last populations are too narrow and
#: shifted (their covariance 0.39-1.53 times the posterior table's, eigenvalues; the runs' means of alpha_KV 0.0 to
#: +1.0 sd off, 7 of 8 above), so a Student-t fitted to them is accepted 0.085-0.16 of the time and 20-37% of a
#: particle's states 16 sweeps apart were the same state (shipped table of 2026-12-02), and the states of the first
#: sweeps, still near the tempering's, entered the table. From the same tempering populations, one pass of 40 sweeps
#: (the states after every fourth kept): 22 of 22 pass, min ESS from the runs 586, max R-hat 1.0068 (dropping the
#: states before sweep 16 alone: 864); 12 + 28 sweeps: min ESS from the runs 1963, max R-hat 1.0019, second-pass
#: independent acceptance 0.148-0.171, the same evaluations and 563 s against 698 s on a loaded machine. Not kept: a
#: Gaussian-mixture proposal (2-4 components and a defensive Student-t, fitted on the logit scale to either half of the
#: shipped table): estimated stationary acceptance 0.20-0.23 against 0.23 for the single Student-t. A cost of the
#: refit: one half's second-pass Student-t is fitted to the other half's first-pass states, which moved with a proposal
#: fitted to the first half's tempering populations, so a half's proposal depends a little on its own runs (the
#: cross-fitting of one pass had no such path); every fixed proposal leaves the target invariant, only the diagnostics'
#: honesty about a shared proposal error is at stake, and the first pass's 12 sweeps leave most states where the other
#: half's own tempering put them (independent acceptance 0.085-0.16)
REFRESH_PASSES: tuple[dict, ...] = ({**REFRESH_SETTINGS, "final_moves": 12, "final_keep": 3, "all_rows": False},
                                   {**REFRESH_SETTINGS, "final_moves": 28, "final_keep": 14, "all_rows": True})
#: the impulse-response problem of stage 2 (:func:`calibration.irf.default_problem`): 12 output points a year for
#: the annual means (trapezoid weights) and tolerances 1e-6 / 1e-8 instead of 20 a year at 1e-8 / 1e-10 (the
#: reference, which :func:`irf_report` keeps). Measured at 50 posterior draws per variant (US, 1970-2019 replay; 2
#: runs x 60 particles): the log-posterior term D/2 moved by at most 9.4e-4 (Mazzucato) and 5.9e-4 (Boysen-Hogrefe),
#: mean 3e-4 and 2e-4, against Monte Carlo noise of order 0.01 and above; 8 a year moved it by up to 2.8e-3, 4 a year
#: by up to 1.3e-2 (the trapezoid rule's error; the tolerances alone: below 6e-5 at 1e-6). With the public-investment
#: path through its own knots (:func:`calibration.irf._shocked_schedule`) a point's impulse responses cost about a
#: quarter of what they did (about 9.5 ms before, 2.5-3.5 ms, single evaluations on a loaded machine). The replay's
#: tolerances (1e-9 / 1e-11) stay: at 1e-6 its log-likelihood moved by up to 4.6e-5 but its cost did not measurably
#: fall (2-3 ms a point at every tolerance)
STAGE2_IRF = {"per_year": 12, "rtol": 1e-6, "atol": 1e-8}
#: stage 2's samplers (:func:`calibrate_joint`): nested sampling (nautilus, the default) or tempered SMC
SAMPLERS = ("nautilus", "smc")
#: the method of each sampler, as the parameter file states it
STAGE2_METHOD = {"nautilus": "nested sampling (nautilus) of the joint posterior from the truncated prior, "
                             "independent runs pooled (calibration.nested)",
                 "smc": "tempered SMC from the stage-1 MCMC posterior (stage 1) and the prior (stage 2)"}
#: settings of the nautilus runs of stage 2 (:func:`calibration.sbc.fit_nautilus`): those of the simulation-based
#: calibration that passed (500 live points, one network, an effective sample of 2,000 each run before it stops)
NESTED_SETTINGS = {"live": 500, "n_eff": 2000.0}


def calibrate_joint(country: str = "USA", *, runs: int = 4, walkers: int = 48, steps: int = 1000,
                    burn: int | None = None, seed: int = 0, variants: tuple[str, ...] = VARIANTS,
                    particles: int = 320, smc_runs: int = 8, processes: int = 2,
                    bars: bool = False, data_dir=None,
                    progress: Callable[[str], None] | None = None, stage1: str = "smc",
                    truncate: bool = True, sampler: str = "nautilus", nested_runs: int = 3) -> JointCalibration:
    """The joint Bayesian calibration of one country: stage 1 MCMC, stage 2 nested sampling (default) or tempered
    SMC (:mod:`calibration.twostage`, :mod:`calibration.nested`, :mod:`calibration.smc`).

    1. Stage 1: the replay's log-posterior (:class:`calibration.joint.JointPosterior`: blocks and the
       replay over :data:`JOINT_WINDOW`) on :data:`calibration.twostage.STAGE1`, the block estimates over the
       window that are not sampled held at their values where the block identifies them (:func:`held_estimates`:
       US ``rho_cb``, UK ``n_lam``; the same in stage 2's replay, impulse responses and truncation), every other
       parameter at its default; the Laplace posterior, then (``stage1="smc"``, the default) ``runs`` tempered
       SMC runs from the Student-t about its logit-scale version (:func:`calibration.stage_one.sample_stage1_smc`), or
       (``stage1="emcee"``) ``runs`` emcee runs from it on the logit scale.
    2. Stage 2 (``sampler="nautilus"``, the default), for each variant of the impulse-response targets:
       ``nested_runs`` independent nautilus runs over :data:`~calibration.twostage.STAGE1` +
       :data:`~calibration.twostage.STAGE2` from the (truncated) prior (:func:`_nested_job`,
       :data:`NESTED_SETTINGS`), pooled (:class:`calibration.nested.NestedResult`); stage 1 then only reports what
       the replay alone identifies. Why (issue 14, session 11): the tempered SMC's replay posterior failed the
       simulation-based calibration at one seed of two (gamma_r 0.67) where nautilus passed (20 of 20), and on the
       US joint posterior one nautilus run (209 s, 41,300 evaluations) was faster than one SMC variant (about
       400 s) and the shipped SMC table's 90% intervals held 0.82-0.93 of nautilus's mass (mean 0.892).
       Or (``sampler="smc"``), for each variant: ``smc_runs`` independent adaptive tempered SMC
       runs of ``particles`` particles over :data:`~calibration.twostage.STAGE1` + :data:`~calibration.twostage.STAGE2`
       (:class:`TemperedTarget`): thinned stage-1 draws joined to stage-2 prior draws, tempered from stage 1's
       posterior to the full posterior (prior x blocks x replay x impulse responses) with random-walk and
       independent Student-t moves of every parameter (:data:`SMC_SETTINGS`); then two passes of final sweeps
       from each run's population with the Student-t fitted to the other half of the runs, the second's refitted to
       the first's states (:data:`REFRESH_PASSES`, :func:`final_passes`,
       :func:`calibration.smc.cross_fitted_proposals`); the states kept from the last pass, pooled over the runs,
       are the posterior table. The impulse responses of stage 2 use the cheaper
       output grid and tolerances of :data:`STAGE2_IRF` (within 1e-3 of the reference in the log-posterior at
       posterior draws); the report at the posterior median (:func:`irf_report`) the reference.

    Parameters
    ----------
    country : {"USA", "GBR"}
    runs, walkers, steps : int
        Stage-1 runs (SMC or emcee); emcee's walkers per run and steps per run.
    burn : int, optional
        Discarded steps per run (default ``steps // 2``).
    seed : int
    variants : tuple of str
        Impulse-response target variants (:data:`calibration.irf.VARIANTS`); one posterior table each.
    particles, smc_runs : int
        Particles per SMC run and independent runs per variant.
    processes : int
        Stage-1 runs and SMC runs in parallel (spawn pool).
    bars : bool
        tqdm bars for stage 1 and a line per SMC temperature.
    data_dir : path, optional
    progress : callable, optional
        Receives one-line progress messages.
    stage1 : {"smc", "emcee"}
        Stage 1's sampler.
    sampler : {"nautilus", "smc"}
        Stage 2's sampler (:data:`SAMPLERS`).
    nested_runs : int
        Independent nautilus runs per variant (``sampler="nautilus"``; R-hat and the ESS from the runs across them:
        at least 2).
    truncate : bool
        Truncate the prior to the parameters whose 2025 projection of ``country`` has a start at rest
        (:mod:`calibration.truncation`, An & Schorfheide 2007; default): stage 2's target and its start particles
        (rejection); stage 1, the tempering's reference, is not truncated (:class:`TemperedTarget`). The shares cut
        are in ``settings["truncation_shares"]``.

    Returns
    -------
    JointCalibration
    """
    from .joint import JointPosterior, JointPrior, identification_report, laplace, sample_joint, spawn_map
    from .smc import SMCResult
    from .truncation import TRUNCATION, ProjectionStart
    from .twostage import STAGE1, STAGE2

    say = progress or (lambda msg: None)
    if country not in JOINT_WINDOW:
        raise CalibrationError(f"no joint calibration window for {country!r}; valid: {', '.join(JOINT_WINDOW)}")
    bad = [v for v in variants if v not in VARIANTS]
    if bad or not variants:
        raise CalibrationError(f"unknown variant(s) {', '.join(map(repr, bad)) or '(none given)'}; valid: "
                               f"{', '.join(VARIANTS)}")
    if stage1 not in ("smc", "emcee"):
        raise CalibrationError(f"stage1 must be 'smc' or 'emcee', got {stage1!r}")
    if sampler not in SAMPLERS:
        raise CalibrationError(f"sampler must be one of {', '.join(SAMPLERS)}, got {sampler!r}")
    if sampler == "nautilus" and nested_runs < 2:
        raise CalibrationError(f"need nested_runs >= 2 (R-hat and the ESS from the runs compare runs; one run cannot "
                               f"pass), got {nested_runs}")
    if particles < 20 or smc_runs < 1:
        raise CalibrationError(f"need particles >= 20 and smc_runs >= 1, got {particles} and {smc_runs}")
    start, end = JOINT_WINDOW[country]
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    held, kept = held_estimates(country, start, end, data_dir, STAGE1 + STAGE2)
    say("held at their block estimates over the window (not sampled): "
        + (", ".join(f"{k} {v:.4g} +- {se:.2g}" for k, (v, se, _) in held.items()) or "none"))
    held_values = {k: v[0] for k, v in held.items()}
    lp = JointPosterior.from_data(country, start, end, names=STAGE1, data_dir=data_dir, overrides=held_values)
    prior1 = lp.prior
    lap = laplace(lp.residuals, prior1, (prior1.lower + prior1.upper) / 2, batch=lp.residuals_batch)
    seconds["laplace"] = time.perf_counter() - t
    t = time.perf_counter()
    if stage1 == "smc":
        from .sbc import logit_laplace
        from .stage_one import STAGE1_SMC, sample_stage1_smc

        lap_u = logit_laplace(lp.residuals_batch, prior1, lap["mode"])
        seconds["laplace"] += time.perf_counter() - t
        say(f"stage 1: Laplace mode found (cost {lap['cost']:.1f}) in {seconds['laplace']:.1f} s; {runs} tempered "
            f"SMC runs x {STAGE1_SMC['particles']} particles from its logit-scale Student-t")
        t = time.perf_counter()
        sample, _ = sample_stage1_smc(lp.residuals_batch, prior1, lap_u, runs=runs, seed=seed, processes=processes,
                                      progress=say if bars else None)
        evaluations = {"stage1": int(sample.settings["evaluations"])}
    else:
        say(f"stage 1: Laplace mode found (cost {lap['cost']:.1f}) in {seconds['laplace']:.1f} s; "
            f"{runs} runs x {walkers} walkers x {steps} steps")
        sample = sample_joint(lp, prior1, runs=runs, walkers=walkers, steps=steps, burn=burn, seed=seed,
                              processes=processes, progress=bars, start=lap, transform="logit")
        evaluations = {"stage1": int(runs * walkers * steps)}
    seconds["stage1"] = time.perf_counter() - t
    ident = identification_report(sample, prior1)
    d1 = sample.diagnostics
    if d1:
        say(f"stage 1: {seconds['stage1']:.0f} s; min ESS {min(d['ess'] for d in d1.values()):.0f}, max R-hat "
            f"across runs {max(d['rhat_runs'] for d in d1.values()):.4f}, within runs "
            f"{max(d.get('rhat_within', float('nan')) for d in d1.values()):.4f}, over walkers "
            f"{max(d['rhat'] for d in d1.values()):.4f}")

    # stage 2: thinned stage-1 draws (evenly spaced over every run's draws), then stage-2 prior draws
    t = time.perf_counter()
    rng = np.random.default_rng(seed + 1000)
    x1 = sample.flat()
    need = smc_runs * particles
    if sampler == "smc" and x1.shape[0] < need:
        raise CalibrationError(f"stage 1 kept {x1.shape[0]} draws, fewer than {need} SMC start particles; "
                               "raise --steps")
    full_prior = JointPrior.from_model(lp.system, STAGE1 + STAGE2)
    prior2 = JointPrior(tuple(e for e in full_prior.entries if e.name in STAGE2))
    region = ProjectionStart(country, held_values) if truncate else None
    truncation = {}
    if region is not None:  # how much of stage 1's (untruncated) posterior has no 2025 start, stage 2 at defaults
        truncation["stage1_no_start_share"] = float(1.0 - region(x1, STAGE1).mean())
    if sampler == "nautilus":
        stage2, run_seconds = nested_stage(country, start, end, variants, data_dir, truncate, nested_runs, seed,
                                            processes, bars, say)
        seconds.update(run_seconds)
        seconds["stage2"] = time.perf_counter() - t
        return _finish(country, start, end, variants, lp, prior2, lap, sample, ident, stage2, seconds, evaluations,
                       truncation, region, say, dict(runs=runs, walkers=walkers, steps=steps,
                                                     burn=sample.settings["burn"], seed=seed, variants=list(variants),
                                                     sampler="nautilus", nested_runs=nested_runs,
                                                     nested=dict(NESTED_SETTINGS), processes=processes,
                                                     transform="logit", start="Laplace", stage1=stage1,
                                                     stage1_smc=sample.settings.get("smc", {}), irf=dict(STAGE2_IRF),
                                                     truncation=TRUNCATION if truncate else "none"), held, kept)
    jobs, labels = [], []
    for vi, variant in enumerate(variants):
        X, tried = _start_particles(x1, need, prior1, prior2, region, rng)
        if region is not None:
            truncation[f"stage2_start_pairs_rejected_{variant}"] = float(1.0 - need / tried)
        key = (country, start, end, variant, STAGE1, STAGE2, data_dir, truncate)
        for r in range(smc_runs):
            label = f"stage 2 ({variant}) run {r + 1}/{smc_runs}"
            jobs.append((key, X[r * particles:(r + 1) * particles], seed + 2000 + 100 * vi + r, SMC_SETTINGS, label,
                         bars))
            labels.append((variant, r))
    if region is not None:
        say(f"truncation: {truncation['stage1_no_start_share']:.1%} of the stage-1 draws have no 2025 start at rest "
            "(stage-2 parameters at their defaults); stage-2 start pairs rejected: "
            + ", ".join(f"{truncation[f'stage2_start_pairs_rejected_{v}']:.1%} ({v})" for v in variants))
    say(f"stage 2: {len(variants)} variant(s) x {smc_runs} tempered SMC runs x {particles} particles")
    first = spawn_map(_smc_job, jobs, processes)
    # the passes of final sweeps from each run's population with the Student-t fitted to the other half of the
    # variant's runs pooled (cross-fitted: an error of one half's proposal shows as a difference between the halves)
    lower, upper = np.concatenate([prior1.lower, prior2.lower]), np.concatenate([prior1.upper, prior2.upper])
    out = final_passes(first, jobs, labels, lower, upper, seed=seed, processes=processes, say=say, bars=bars)
    seconds["stage2"] = time.perf_counter() - t
    stage2 = {}
    for variant in variants:
        mine = [o for o, (v, _) in zip(out, labels) if v == variant]
        stage2[variant] = SMCResult.pool([m[0] for m in mine], STAGE1, STAGE2, seed=seed)
        for k in ("replay", "irf"):
            seconds[f"stage2_{variant}_{k}_cpu"] = float(sum(m[1][k] for m in mine))
    return _finish(country, start, end, variants, lp, prior2, lap, sample, ident, stage2, seconds, evaluations,
                   truncation, region, say,
                   dict(runs=runs, walkers=walkers, steps=steps, burn=sample.settings["burn"], seed=seed,
                        variants=list(variants), sampler="smc", particles=particles, smc_runs=smc_runs,
                        smc=dict(SMC_SETTINGS), processes=processes, transform="logit", start="Laplace",
                        stage1=stage1, stage1_smc=sample.settings.get("smc", {}),
                        refresh=[dict(r) for r in REFRESH_PASSES], irf=dict(STAGE2_IRF),
                        truncation=TRUNCATION if truncate else "none"), held, kept)


def nested_stage(country: str, start: int, end: int, variants: tuple[str, ...], data_dir, truncate: bool,
                 nested_runs: int, seed: int, processes: int, bars: bool, say: Callable[[str], None]
                 ) -> tuple[dict, dict]:
    """Stage 2 by nautilus (:func:`calibrate_joint`; run alone by ``benchmarks/nested_ess_runs.py``): ``nested_runs``
    runs per variant in a spawn pool (seeds ``seed + 3000 + 100 i + r`` for variant ``i`` and run ``r``), pooled.

    Returns
    -------
    tuple of dict
        Variant -> :class:`calibration.nested.NestedResult` (its ``runs``: each run's importance draws), and the CPU
        seconds of the replay and the impulse responses per variant [s]."""
    from .joint import spawn_map
    from .nested import NestedResult
    from .twostage import STAGE1, STAGE2

    jobs, labels = [], []
    for vi, variant in enumerate(variants):
        key = (country, start, end, variant, STAGE1, STAGE2, data_dir, truncate)
        for r in range(nested_runs):
            jobs.append((key, seed + 3000 + 100 * vi + r, int(NESTED_SETTINGS["live"]), NESTED_SETTINGS["n_eff"],
                         f"stage 2 ({variant}) nautilus run {r + 1}/{nested_runs}", bars))
            labels.append(variant)
    say(f"stage 2: {len(variants)} variant(s) x {nested_runs} nautilus runs x {NESTED_SETTINGS['live']} live points "
        "from the truncated prior")
    out = spawn_map(_nested_job, jobs, processes)
    stage2, seconds = {}, {}
    for variant in variants:
        mine = [o for o, v in zip(out, labels) if v == variant]
        stage2[variant] = NestedResult.pool([m[0] for m in mine], STAGE1, STAGE2, seed=seed)
        for k in ("replay", "irf"):
            seconds[f"stage2_{variant}_{k}_cpu"] = float(sum(m[1][k] for m in mine))
    return stage2, seconds


def _finish(country, start, end, variants, lp, prior2, lap, sample, ident, stage2, seconds, evaluations, truncation,
            region, say, settings, held, kept) -> JointCalibration:
    """The stage-2 posteriors reported (evaluations, diagnostics, impulse responses at the posterior median) and
    the :class:`JointCalibration` put together (:func:`calibrate_joint`)."""
    from .truncation import TRUNCATION

    irf = {}
    for variant in variants:
        res = stage2[variant]
        evaluations[f"stage2_{variant}"] = res.evaluations
        d = res.diagnostics
        med = {n: float(np.median(res.table[:, j])) for j, n in enumerate(res.names)}
        irf[variant] = irf_report(country, {k: v[0] for k, v in held.items()} | med, variant)
        say(f"stage 2 ({variant}): {res.evaluations} evaluations; Kish ESS ({len(res.runs)} runs) "
            f"{res.kish_ess:.0f}; min ESS from the runs {min(x['ess_runs'] for x in d.values()):.0f}; max R-hat "
            f"across runs {max(x['rhat'] for x in d.values()):.4f}; converged: {res.converged()}")
        say(f"stage 2 ({variant}): at the posterior median: "
            + ", ".join(f"{k} {v if isinstance(v, list) else round(v, 3)}"
                        for k, v in irf[variant]["headline"].items()))
    notes = [f"replay {start}-{end}; parameters not sampled are at their block estimates over the window where the "
             "data identify them (held fixed: "
             + (", ".join(f"{k} {v:.4g}" for k, (v, _, _) in held.items()) or "none")
             + f"; [uncertainty] gives their standard errors), else at their defaults (the labour-supply block's n "
             f"{lp.overrides.get('n', float('nan')):.4g} in the replay only)"]
    if region is not None and settings["sampler"] == "smc":
        notes.append(f"{TRUNCATION}: stage 1 (the tempering's reference) untruncated, "
                     f"{truncation['stage1_no_start_share']:.1%} of its draws without a 2025 start (stage-2 "
                     "parameters at their defaults); stage 2's start particles drawn by rejection from stage 1 x the "
                     "stage-2 prior, its target truncated")
    elif region is not None:
        notes.append(f"{TRUNCATION}: stage 1 untruncated ({truncation['stage1_no_start_share']:.1%} of its draws "
                     "without a 2025 start, stage-2 parameters at their defaults); stage 2's target truncated "
                     "(nautilus: zero likelihood outside)")
    settings = dict(settings, evaluations=evaluations, truncation_shares=truncation)
    return JointCalibration(country, (start, end), lp.prior, prior2,
                            {"mode": lap["mode"], "sd": lap["sd"], "cost": lap["cost"]}, sample, ident, stage2, irf,
                            dict(lp.overrides), seconds, settings, notes, dict(held), dict(kept))


def final_passes(first: list, jobs: list, labels: list, lower, upper, *, passes: tuple[dict, ...] | None = None,
                 seed: int = 0, processes: int = 2, say: Callable[[str], None] = lambda m: None,
                 bars: bool = False) -> list:
    """The passes of final sweeps after the tempering (:data:`REFRESH_PASSES`): each pass moves every run's last
    population at ``beta = 1`` with independent proposals from the Student-t fitted to the other half of its variant's
    runs (:func:`calibration.smc.cross_fitted_proposals`, cross-fitted to the previous pass's final states, or with
    ``all_rows`` to all its kept states); the result keeps each run's ancestry and the last pass's kept states.

    Parameters
    ----------
    first : list of (SMCRun, dict)
        The tempering's runs and their timings (:func:`_smc_job`), in the order of ``jobs``.
    jobs : list of tuple
        The tempering's :func:`_smc_job` arguments (the target's key, seed and label are reused).
    labels : list of (str, int)
        ``(variant, run)`` of each job.
    lower, upper : array
        The sampled parameters' support.
    passes : tuple of dict, optional
        Default :data:`REFRESH_PASSES`.
    seed : int
        The calibration's seed (the summaries' permutation).
    processes : int
    say : callable
        Receives one-line progress messages.
    bars : bool

    Returns
    -------
    list of (SMCRun, dict)
    """
    from .joint import spawn_map
    from .smc import cross_fitted_proposals, smc_summary

    passes = REFRESH_PASSES if passes is None else passes
    variants = list(dict.fromkeys(v for v, _ in labels))
    runs = max(r for _, r in labels) + 1
    out = first
    for pi, refresh in enumerate(passes):
        again = []
        for variant in variants:
            mine = [(j, o[0]) for j, o, (v, _) in zip(jobs, out, labels) if v == variant]
            props = cross_fitted_proposals([r for _, r in mine], lower, upper, all_rows=refresh["all_rows"])
            for (j, r), q in zip(mine, props):
                n = r.log_target.size
                cfg = {**{k: v for k, v in refresh.items() if k != "all_rows"}, "final_proposal": q,
                       "at_target": True, "lp0": r.log_target, "ell": np.zeros(n)}
                again.append((j[0], r.particles[-n:], j[2] + 50 * (pi + 1), cfg,
                              j[4] + f" (pooled proposal, pass {pi + 1})", bars))
        say(f"stage 2: final sweeps (pass {pi + 1} of {len(passes)}) with the Student-t of the other half of "
            f"each variant's {runs} runs")
        second = spawn_map(_smc_job, again, processes)
        out = [(_joined(a[0], b[0]), {k: a[1][k] + b[1][k] for k in a[1]}) for a, b in zip(out, second)]
        for variant in variants:
            d = smc_summary([o[0] for o, (v, _) in zip(out, labels) if v == variant], seed=seed)
            say(f"stage 2 ({variant}) after pass {pi + 1}: {sum(x['pass'] for x in d.values())} of {len(d)} pass; "
                f"min ESS from the runs {min(x['ess_runs'] for x in d.values()):.0f}, max R-hat "
                f"{max(x['rhat'] for x in d.values()):.4f}")
    return out


class TemperedTarget:
    """The tempered SMC's densities for the joint posterior of one variant (:mod:`calibration.smc`): for rows
    ``theta = (theta_1, theta_2)`` over ``STAGE1 + STAGE2``,

    * ``lp0 = ln p(theta_1) + ln L_R(theta_1, theta_2 = default) + ln p(theta_2) + ln 1[S(theta)]``: stage 1's
      posterior times the stage-2 priors, truncated to ``S``, the parameters whose 2025 projection has a start at
      rest (``truncate``: :class:`calibration.truncation.ProjectionStart`; the reference, from which the stage-1
      draws joined to prior draws start, drawn by rejection: :func:`_start_particles`);
    * ``ell = ln L_R(theta_1, theta_2) - ln L_R(theta_1, default) - D(theta)/2``: the replay-likelihood ratio and the
      impulse-response distance of ``variant``,

    so that ``lp0 + ell`` is the full log-posterior (truncated prior x blocks x replay x impulse responses). Stage 1
    itself is not truncated: ``S`` depends on the stage-2 parameters too (measured on the US posterior table of
    2026-12-02: 18 of 6,400 draws have a start at their stage-2 values and not at the defaults, or the reverse), and
    a reference truncated at the defaults would leave out part of the target's support. Pickles as its
    construction arguments (a spawn worker re-builds the posteriors, reading the compile cache)."""

    def __init__(self, country: str, start: int, end: int, variant: str, names1, names2, data_dir=None,
                 truncate: bool = True):
        from .joint import JointPosterior, JointPrior
        from .truncation import ProjectionStart

        self._args = (country, start, end, variant, tuple(names1), tuple(names2), data_dir, truncate)
        self.country, self.variant = country, variant
        self.names1, self.names2 = tuple(names1), tuple(names2)
        held, _ = held_estimates(country, start, end, data_dir, self.names1 + self.names2)
        #: the block estimates over the window held fixed (:func:`held_estimates`): name -> value
        self.held = {k: v[0] for k, v in held.items()}
        self.s1 = JointPosterior.from_data(country, start, end, names=self.names1, data_dir=data_dir,
                                           overrides=self.held)
        self.full = JointPosterior.from_data(country, start, end, names=self.names1 + self.names2,
                                             data_dir=data_dir, overrides=self.held,
                                             truncation=ProjectionStart(country, self.held) if truncate else None)
        self.prior1 = self.s1.prior
        self.prior2 = JointPrior(tuple(e for e in self.full.prior.entries if e.name in self.names2))
        names = self.names1 + self.names2
        self.keep = [j for j, n in enumerate(names) if n != "g_Z"]
        self.keep_names = [names[j] for j in self.keep]
        self.seconds = {"replay": 0.0, "irf": 0.0}
        from .irf import default_problem, load_irf_targets

        targets = load_irf_targets(country).select(variant)
        self.irf_problem = default_problem(country, start=targets.start, horizons=max(targets.horizons, 1),
                                           overrides=self.held, **STAGE2_IRF)

    def __reduce__(self):
        return (TemperedTarget, self._args)

    @property
    def lower(self) -> np.ndarray:
        return np.concatenate([self.prior1.lower, self.prior2.lower])

    @property
    def upper(self) -> np.ndarray:
        return np.concatenate([self.prior1.upper, self.prior2.upper])

    def __call__(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        X = np.atleast_2d(np.asarray(X, float))
        k1 = len(self.names1)
        t = time.perf_counter()
        inside = self.full.inside(X)  # the truncated prior's support (once for both terms)
        with np.errstate(invalid="ignore", over="ignore"):
            R1 = self.s1.residuals_batch(X[:, :k1])
            ll1 = -0.5 * np.sum(R1 * R1, axis=1)
            lp0 = (np.asarray(self.prior1.logpdf(X[:, :k1]), float) + ll1
                   + np.asarray(self.prior2.logpdf(X[:, k1:]), float))
            lp0[~inside] = -np.inf
            R = self.full.residuals_batch(X, inside=inside)
            llf = -0.5 * np.sum(R * R, axis=1)
        self.seconds["replay"] += time.perf_counter() - t
        ell = np.full(X.shape[0], -np.inf)
        ok = np.flatnonzero(np.isfinite(lp0) & np.isfinite(llf))
        with np.errstate(invalid="ignore"):
            ell[ok] = llf[ok] - ll1[ok] - 0.5 * self._distance(X, ok)
        lp0 = np.where(np.isfinite(lp0), lp0, -np.inf)
        return lp0, np.where(np.isfinite(ell), ell, -np.inf)

    def log_posterior(self, X: np.ndarray) -> np.ndarray:
        """``lp0 + ell`` of :meth:`__call__` without the stage-1 replay, which cancels: ``ln p(theta) +
        ln L_R(theta) - D(theta)/2`` (the tempered SMC's ``evaluate_final``, at ``beta = 1``) [1]."""
        X = np.atleast_2d(np.asarray(X, float))
        k1 = len(self.names1)
        t = time.perf_counter()
        with np.errstate(invalid="ignore", over="ignore"):
            lp = np.asarray(self.prior1.logpdf(X[:, :k1]), float) + np.asarray(self.prior2.logpdf(X[:, k1:]), float)
            R = self.full.residuals_batch(X)
            lp = lp - 0.5 * np.sum(R * R, axis=1)
        self.seconds["replay"] += time.perf_counter() - t
        out = np.full(X.shape[0], -np.inf)
        ok = np.flatnonzero(np.isfinite(lp))
        with np.errstate(invalid="ignore"):
            out[ok] = lp[ok] - 0.5 * self._distance(X, ok)
        return np.where(np.isfinite(out), out, -np.inf)

    def _distance(self, X: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The impulse-response distance ``D`` of ``variant`` at ``X[rows]`` (timed)."""
        from .irf import irf_distance_many

        if not rows.size:
            return np.zeros(0)
        t = time.perf_counter()
        D = np.asarray(irf_distance_many(X[np.ix_(rows, self.keep)], self.keep_names, self.variant,
                                         country=self.country, problem=self.irf_problem), float)
        self.seconds["irf"] += time.perf_counter() - t
        return D

"""The calibration of one country, end to end: data, block-wise fits, replay, uncertainty."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from model.directed_growth.factory import DERIVED, directed_growth
from model.errors import CalibrationError
from model.solve.simulation import simulate
from model.text import plural

from . import block_estimates as blocks
from .bayes import Posterior, Prior, sample_posterior
from .fit import Fit
from .least_squares import Problem, Target, fit_least_squares
from .replay import country_model, observed_policy
from .targets import TargetSet, load_targets

__all__ = ["Calibration", "calibrate", "block_fits", "MAX_REL_SE", "PROJECTION_INPUTS"]

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
}


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


def block_fits(p, years) -> dict[str, Fit | Exception]:
    """Each block's regression (:mod:`calibration.block_estimates`) on one country's panel rows ``p`` over
    ``years = (first, last)``: block name -> its :class:`Fit`, or the ``ValueError`` that stopped it (too few
    observations)."""
    y = p["year"].values
    sel = (y >= years[0]) & (y <= years[1])

    def arr(name):
        return p[name].values[sel]

    g_ref = float(np.nanmean(arr("g_K"))) if np.isfinite(arr("g_K")).any() else 0.0
    # the normal employment rate of the sample (the replay's lam_ref)
    lam_ref = float(np.nanmean(arr("lam"))) if np.isfinite(arr("lam")).any() else 0.96
    specs = {
        "wage share": (blocks.fit_wage_share, (y[sel], arr("omega"), arr("lam"), arr("alpha"), arr("inflation")), {}),
        "productivity": (blocks.fit_productivity, (y[sel], arr("alpha"), arr("g_K")), {"g_ref": g_ref}),
        "labour supply": (blocks.fit_labour_supply, (y[sel], arr("g_N"), arr("lam")), {"lam_ref": lam_ref}),
        "fiscal reaction": (blocks.fit_fiscal_reaction, (y[sel], arr("primary_surplus"), arr("b")), {}),
        "monetary rule": (blocks.fit_monetary_rule, (y[sel], arr("r"), arr("inflation"), arr("lam")),
                          {"i_ref": 0.02, "lam_ref": lam_ref}),
    }
    out = {}
    for name, (f, args, kwargs) in specs.items():
        try:
            out[name] = f(*args, **kwargs)
        except ValueError as exc:  # too few observations (e.g. the fallback panel)
            out[name] = exc
    return out


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
    return used, rejected, history


def _series_stats(model_values, data_values) -> dict:
    ok = np.isfinite(data_values) & np.isfinite(model_values)
    r = model_values[ok] - data_values[ok]
    tss = np.sum((data_values[ok] - data_values[ok].mean()) ** 2)
    return {"n": int(ok.sum()), "rmse": float(np.sqrt(np.mean(r ** 2))) if ok.any() else float("nan"),
            "r2": float(1 - np.sum(r ** 2) / tss) if tss > 0 else float("nan")}


def calibrate(country: str = "USA", data_dir=None, *, targets: str | None = None, mcmc: bool = False,
              steps: int = 2000, walkers: int | None = None, starts: int = 4, seed: int = 0,
              progress: Callable[[str], None] | None = None) -> Calibration:
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
    """
    from calibration.data import DataError, load_fallback_panel, load_panel

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

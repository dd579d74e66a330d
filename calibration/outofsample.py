"""Out-of-sample checks of the replay: fit on one window, forecast the other from its observed start.

The fit is the Laplace posterior (:func:`calibration.joint.laplace`: the mode of the joint log-posterior,
blocks plus replay, :class:`calibration.joint.JointPosterior`, plus a stated prior on ``g_Z - (alpha0 + n)``,
:data:`GAP_SD`, and the Gauss-Newton covariance there), the best of :data:`STARTS` optimiser starts (the
defaults and draws from the prior; every start's mode and cost is returned); no MCMC.
The forecast restarts the model from the data in the first forecast year (:func:`calibration.replay.country_model`:
output, the wage share, employment, debts, emission intensity, the public investment rate of that year) with the
fitted parameters, the start re-derived at rest for them, and runs it over the forecast window with the observed
paths of policy instruments (:data:`POLICY`; the fit window is replayed with the same instruments): public investment
(:func:`calibration.replay.observed_policy`) and government consumption (:func:`calibration.replay.observed_exogenous`)
as real levels, and of the country's observed driver of autonomous household
demand (:data:`DRIVER`: US residential investment's deviation from its own trend, UK net new mortgage borrowing,
each relative to the start year; :func:`instruments_for`); optionally the policy rate in place of the Taylor rule.
Nothing else the model explains (output, employment, the wage share, revenue, deficits, debts, business credit,
emissions) is fed in after the start: a forecast conditional on observed initial conditions, the policy actually
set and the observed autonomous demand, the supermultiplier's exogenous driver (not circular: the instruments are
chosen by the government, the driver is the model's exogenous input as public investment is, fed from its own
series only; UK mortgage credit is partly endogenous, and the model's household debt responds to it: stated in
:data:`DRIVER`). The normal employment rate and the start's normal private investment share, which the replay sets
to means over its window, are means over the fit window. The trends of the exogenous growth rates follow the rules of
the model's own projections (:data:`GROWTH`, default ``"projection"``): the demographic labour force grows at the
labour force's trend over the fit window's decade next to the forecast window (as the 2010-2019 trend ``g_N_hist``
sets a 2025 start's labour-force schedule, :mod:`calibration.start_state`), and autonomous demand at the natural
rate ``alpha0 + n`` (the closure the model factory derives for every projection); the fit's own ``g_Z`` and its
block ``n`` describe the fit window (``growth="fit"``, the former default). The block parameters the fit does not
sample are held at their block estimates over the fit window where the block identifies them, in the fit and the
forecast, as the joint calibration holds them over its window (:func:`calibration.pipeline.held_estimates`; e.g.
the policy rate's speed ``rho_cb`` for the US); the others keep their defaults.

A start value the panel lacks (:data:`UNKNOWN_START`: the UK wage share before 1988, which PWT does not have)
is never imputed: in a fit it is an unknown initial condition estimated with the parameters on a stated range
(the window's other series and its later wage shares inform it); in a forecast starting in such a year it is
the range's midpoint (the forecast at the mode) and uniform over the range (the bands). :data:`SPLITS_UK_1988`
is the alternative split that needs neither.

Scores per series over the forecast window: ``R2 = 1 - SS_res / SS_tot`` (about the window's data mean) of the
annual growth of output (``dlnY``; the 5-year means ``dlnY_5y`` as a labelled extra), and of the levels of the
employment rate ``lam``, the wage share ``omega``, the private investment share ``h`` (the model's ``h_eff``),
public debt ``b`` and private debt ``d``; and the trend of emission intensity (OLS slope of ``ln e_int`` on the
year [%/yr]), model against data. :attr:`Forecast.naive` scores a naive benchmark the same way.

The forecast's start year is data too: :func:`fit` with ``predict_years`` (as :func:`out_of_sample` calls it)
truncates the fit's prior to the parameters whose forecast has a start at rest in its first year
(:class:`ForecastStart`; An & Schorfheide 2007, :mod:`calibration.truncation`): the optimiser starts are drawn from
the truncated prior, a point outside is a barrier to the optimiser, and the forecast's Laplace draws are drawn by
rejection from the truncated normal.

Reproduce (the figure with 200 Laplace draws)::

    from calibration.outofsample import SPLITS, fit, forecast
    from calibration.plots_outofsample import posterior_predictive
    fit_years, predict_years = SPLITS["USA"][0]
    fc = forecast(fit("USA", fit_years, predict_years=predict_years), predict_years, draws=200, seed=1)
    posterior_predictive(fc, "oos_USA_2000_2019")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from model.errors import CalibrationError

from .joint import SAMPLED, JointPosterior, laplace
from .start_state import TREND

__all__ = ["Forecast", "fit", "forecast", "out_of_sample", "r2", "trend", "instruments_for", "SPLITS",
           "SPLITS_UK_1988", "SCORED", "UNKNOWN_START", "POLICY", "DRIVER", "STARTS", "GROWTH", "DECADE"]

#: the observed policy instruments the fit and the forecast are conditioned on (calibration.replay.INSTRUMENTS):
#: public investment and government consumption, both fiscal instruments set by the government, as REAL LEVELS
#: ("i_G_real", "g_C_real": each level's departure from its own log-linear trend over the replay window, at its
#: start-year share of output; the level's trend is the model's, autonomous demand at the natural rate, the closure
#: of GROWTH="projection"). Not their shares of actual output ("i_G", "g_C" alone): a share divides by output, an
#: outcome, and rises when output falls (UK 2009: government consumption +1.8 pp of output with its real level +5%),
#: which the model, whose budgets are set on trend output, turned into spending rising in the recession. Never an
#: outcome (output, employment, revenue, deficits, debts, private credit): a forecast conditional on the policy
#: actually set, the object of policy evaluation, not a fit to the outcomes. Measured (session 8, R2 dlnY / lam / b,
#: e_int gap pp; shares -> real levels): US 2000-19 +0.20 / +0.63 / -0.17, +0.54 -> +0.30 / +0.81 / -0.57, +0.46;
#: US 1970-99 -0.10 / +0.28 / -8.13, -0.24 -> -0.00 / -0.12 / -2.28, -0.19; UK 2000-19 -0.21 / -0.86 / +0.67, +1.56
#: -> -0.33 / -1.67 / +0.09, +1.33; UK 1970-99 -0.24 / +0.17 / -18.8, -0.81 -> +0.01 / +0.26 / -37.9, -0.76; the
#: fits' costs 115.1 -> 89.5 (US 1970-99), 70.6 -> 75.4 (US 2000-19), 223.6 -> 223.4 (UK 1970-99), 47.9 -> 45.9 (UK
#: 2000-19), and the US 1970-99 mode is no longer on the boundary of the 2000 start (its loan-financed share of
#: autonomous household consumption chi_H 1.07 against 48,076; c_w at its prior's top, 0.90, in both): the reason
#: is the outcome in the shares' denominator, not these numbers. The real level's trend is the
#: model's, not the observed one's, so that the input is a path of time alone (the model's trend output depends on
#: the parameters). The demographic inputs "pop" (population growth's departure from its rate over n's years) and
#: "lf" (the observed labour force, which holds participation too) are available, not in the default (GROWTH's
#: projection rule holds what a forecaster knew at the start): measured with the real levels, "pop": US 2000-19
#: +0.40 / +0.83 / -0.35, US 1970-99 +0.04 / -0.22 / -2.31, UK 2000-19 -0.74 / -2.31 / -0.09, UK 1970-99 -0.47 /
#: -0.01 / -60.7; "lf": +0.38 / +0.82 / -0.27, +0.34 / +0.07 / -4.62, -1.00 / -3.10 / -0.28, -0.47 / +0.02 / -57.1
#: (with the shares, "pop": US 2000-19 +0.37 / +0.64 / +0.04; UK 2000-19 -0.46 / -1.12 / +0.58): the UK's faster
#: labour force lifts autonomous demand (n_shift) against the fit's 2.65%/yr productivity growth. The policy rate
#: ("r_cb") is available but not in the default: as a real rate it is deflated by realised inflation (an
#: outcome), and a nominal path deflated by the model's own inflation is a cumulative process in the model
#: (model/directed_growth/mechanisms/banks.py); its measured effect is reported beside the default
POLICY: tuple[str, ...] = ("i_G", "i_G_real", "g_C_real")

#: the observed driver of autonomous household demand per country (:data:`calibration.replay.DRIVERS`), added to
#: :data:`POLICY` by default (:func:`instruments_for`): the model's autonomous household demand ``Z_H`` (credit-
#: financed consumption and residential investment) is conditioned on its observed counterpart through the input
#: ``z_H_shock``, as the supermultiplier's empirical studies take autonomous demand as observed (Girardi &
#: Pariboni 2016; Fiebiger & Lavoie 2019). Not circular: ``z_H_shock`` is an exogenous driver of the model, as the
#: public investment rate is; it is fed from the driver's own series (its deviation from its own trend, at its
#: start-year ratio to output), never from the replayed output, employment, wage share, revenue, deficits or debt.
#: US: real residential investment (FRED-QD PRFIx), the more exogenous of the two (a spending flow, not a credit
#: aggregate the model also determines); UK: real mortgage credit (JST tmort / cpi; no UK residential investment
#: series in the data: mortgages finance housing, the counterpart of the US driver), partly endogenous (borrowing
#: responds to income and the loan rate). Not the UK's total household credit (JST thh, "hh_credit", the driver
#: before): thh has breaks its mortgage loans do not, found in the input data alone (calibration.replay.INSTRUMENTS:
#: household and business loans reclassified in 1975 and 2005, thh -9.8% in 2010 with mortgages +1.3%), one-year
#: swings of the driver of about 3-7% of output; measured (before -> after, R2 dlnY / lam / b,
#: e_int gap): UK 2000-19 -0.70 / -3.29 / +0.90, +1.22 pp -> -0.33 / -1.55 / +0.68, +1.28 pp; UK 1970-99 -0.37 /
#: +0.42 / -12.2, -0.88 pp -> -0.24 / +0.17 / -18.8, -0.81 pp; the fits' costs 255.1 -> 252.9 (1970-99) and
#: 44.9 -> 47.9 (2000-19): the reason is the breaks, not these numbers. Real exports ("x",
#: a closed-economy approximation: the most exogenous autonomous demand of an open economy; JST exports deflated
#: by consumer prices, not an export deflator) are available as an addition, not in the default: measured, the
#: US 2000-19 employment R2 rises to +0.30 but growth falls to -0.62 (+0.07 without); 3 of 16 cases hold either way.
#: Its pass-through, measured at the 1970-99 fits' modes against the same forecast without the driver (session 10):
#: the 2000-19 driver falls 2.4 pp of trend output in 2007-09 (US; the residential investment share of output fell
#: 3.85 pp 2005-09 against the input's 4.15) and 2.6 pp (UK), and log output is 1.6% (US) and 2.5% (UK) below the run
#: without it in 2009, 2.5% and 3.4-4.0% in 2010-11: about one for one on the level, a year's lag through
#: inventories; its growth effect in 2008 and 2009 is -1.5 / -1.6 pp (US) and -1.0 / -1.2 pp (UK) against the data's
#: 3-7 pp below trend. The financing at min(chi_H, 1) leaves household net wealth unchanged (the loan is deposited).
#: Not corrected: the US input's own 2000-19 trend (-1.7%/yr) takes the lasting part of the fall (the input is
#: +1.1 to +1.7 pp in 2016-19, the share 1.7-2.0 pp below 2000's), and the UK input's scale is the 2000 mortgage
#: debt ratio (0.40; 0.60-0.64 in 2007-09); the alternatives (the level against the model's natural rate; the
#: ratio of the time, which divides by observed output) scored no better at the modes: US +0.26 / +0.37 / -0.42,
#: UK -0.23 / -2.39 / -0.10 (natural-rate trend, R2 dlnY / lam / b)
DRIVER: dict[str, str] = {"USA": "res", "GBR": "mortgage"}

#: the stated prior on the gap between autonomous-demand growth and the natural rate in the fit, ``g_Z - (alpha0 +
#: n)`` ~ N(0, GAP_SD^2) [1/year]: the supermultiplier's long-run closure (autonomous demand grows at the natural
#: rate, the assumption every projection from 2025 makes) held softly over a 30-year window, so that the fit's
#: g_Z cannot drift to a corner the data do not identify (the UK 1970-99 fit without it: g_Z 0.28%/yr with the
#: 1970 wage share at its range's top). 0.5 pp/yr: modelling assumption (US output growth less natural growth
#: over 1970-99 is of that order)
GAP_SD = 0.005

#: how :func:`forecast` sets the growth of the exogenous trends over the forecast window (its ``growth``):
#: ``"projection"`` (default): the rules of the model's projections. The demographic labour force grows at ``n`` =
#: the labour force's trend over the :data:`DECADE` fit years next to the forecast window (``ln(N_last / N_first)``
#: over the years between; the panel's ``g_N``), as :mod:`calibration.start_state` sets a 2025 start's labour-force
#: schedule from the 2010-2019 trend (``g_N_hist``): an exogenous input projected from the fit window's data only;
#: autonomous demand grows at the natural rate ``g_Z = alpha0 + n`` (``alpha0`` the fit's), the supermultiplier's
#: long-run closure the model factory derives for every projection (the fit's ``g_Z - (alpha0 + n)`` is a fact of its
#: window, held softly by :data:`GAP_SD` there). ``"fit"``: the fit's ``g_Z`` and the fit window's block ``n`` carried
#: into the forecast window (the former default: measured, the US 1970-99 fit's g_Z of 4.35%/yr, 0.95 pp above its
#: natural rate, lifts the 2000-19 employment rate to 0.98 and its Kaldor-Verdoorn productivity growth to zero)
GROWTH = ("projection", "fit")

#: calendar years of the fit window's labour-force trend under ``growth="projection"``: as many as
#: :data:`calibration.start_state.TREND` (2010-2019) for a 2025 start
DECADE = TREND[1] - TREND[0] + 1

#: optimiser starts of :func:`fit`: the default point and STARTS - 1 draws from the prior; the best mode is kept
STARTS = 4

#: the splits of issue 14 (fit window, forecast window) per country. The UK wage share (PWT labsh) starts in
#: 1988: a start year without it takes the start wage share as an unknown initial condition (:data:`UNKNOWN_START`)
SPLITS: dict[str, tuple[tuple[tuple[int, int], tuple[int, int]], ...]] = {
    "USA": (((1970, 1999), (2000, 2019)), ((2000, 2019), (1970, 1999))),
    "GBR": (((1970, 1999), (2000, 2019)), ((2000, 2019), (1970, 1999))),
}

#: the UK splits that avoid the unknown 1970 wage share, stated as the alternative (option b of the plan)
SPLITS_UK_1988 = (((1988, 2003), (2004, 2019)), ((2004, 2019), (1988, 2003)))

#: start values the panel may lack, estimated as an initial condition: name -> (low, high, rationale). The
#: data are never imputed: in a fit the value is a parameter (the other series and the window's later wage
#: shares inform it); in a forecast from such a year it is the range's midpoint (the forecast at the mode)
#: and a uniform draw from the range (the bands): the forecast window's own data never set it
UNKNOWN_START: dict[str, tuple[float, float, str]] = {
    "omega": (0.53, 0.70, "wage share in a start year PWT does not cover (UK before 1988): UK labour share "
                          "about 55-60% of GDP on a compensation basis with a mid-1970s peak of about 65% at "
                          "factor cost [R] (economics.md sec. 9); PWT labsh 1988-2019 0.534-0.604 [V]; the "
                          "range covers both: modelling assumption"),
}

#: scored series: name -> (model variable, panel variable, how)
SCORED = {"dlnY": ("Y", "Y", "growth"), "lam": ("lam", "lam", "level"), "omega": ("omega", "omega", "level"),
          "h": ("h_eff", "h", "level"), "b": ("b", "b", "level"), "d": ("d", "d", "level"),
          "e_int": ("e_int", "e_int", "log")}


def r2(model: np.ndarray, data: np.ndarray) -> float:
    """``1 - sum (data - model)^2 / sum (data - mean data)^2`` over the years where both are finite
    (negative: worse than the data's own mean over the window)."""
    m, y = np.asarray(model, float), np.asarray(data, float)
    ok = np.isfinite(m) & np.isfinite(y)
    if ok.sum() < 3:
        return float("nan")
    y, m = y[ok], m[ok]
    return float(1.0 - np.sum((y - m) ** 2) / np.sum((y - y.mean()) ** 2))


def trend(years: np.ndarray, values: np.ndarray) -> float:
    """OLS slope of ``ln values`` on the year, times 100 [%/yr]."""
    x, v = np.asarray(years, float), np.asarray(values, float)
    ok = np.isfinite(v) & (v > 0)
    return float(100.0 * np.polyfit(x[ok], np.log(v[ok]), 1)[0])


def instruments_for(country: str) -> tuple[str, ...]:
    """The default conditioning of ``country``'s fit and forecast: :data:`POLICY` plus its :data:`DRIVER` (if any)."""
    return POLICY + ((DRIVER[country],) if country in DRIVER else ())


def _five_year_means(years: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Means of consecutive 5-year blocks of ``g`` (the growth of ``years[1:]``), from the first year."""
    n = g.size // 5
    return g[:5 * n].reshape(n, 5).mean(axis=1)


def _unknown_start(country: str, year: int, names: tuple[str, ...], data_dir) -> tuple[tuple, dict]:
    """``names`` plus the start values the panel lacks in ``year``, and those values' range midpoints."""
    from .data import load_panel

    p = load_panel(data_dir, countries=[country]).sel(country=country, year=year)
    missing = {k: 0.5 * (lo + hi) for k, (lo, hi, _) in UNKNOWN_START.items() if not np.isfinite(float(p[k]))}
    return names + tuple(k for k in missing if k not in names), missing


def fit(country: str, fit_years: tuple[int, int], names: Sequence[str] = SAMPLED, *, data_dir=None,
        max_nfev: int = 60, instruments: Sequence[str] | None = None, starts: int = STARTS, seed: int = 0,
        gap_sd: float | None = GAP_SD, predict_years: tuple[int, int] | None = None, normal: str = "fit",
        growth: str = "projection", hold: bool = True) -> dict:
    """The Laplace posterior of ``country``'s replay over ``fit_years``.

    Parameters
    ----------
    country : str
    fit_years : (int, int)
        First and last year of the fit window [year].
    names : sequence of str
        Fitted parameters (default :data:`calibration.joint.SAMPLED`). The block parameters not among them are held
        at their block estimates over ``fit_years`` where the block identifies them (``hold``), the others keep
        their defaults.
    data_dir : path, optional
    max_nfev : int
        Iterations of the optimiser (``least_squares``) per start.
    instruments : sequence of str, optional
        Observed policy instruments and drivers the replay is conditioned on (:data:`calibration.replay.INSTRUMENTS`;
        default :func:`instruments_for` ``country``: :data:`POLICY` and the country's :data:`DRIVER`).
    starts : int
        Optimiser starts: the defaults (``g_Z`` at the window's mean output growth) and ``starts - 1`` draws
        from the prior (seeded by ``seed``); the mode of least cost is kept and every start's mode reported.
    seed : int
    gap_sd : float or None
        The sd of the stated prior on ``g_Z - (alpha0 + n)`` [1/year] (:data:`GAP_SD`); None: no such prior
        (``g_Z`` uniform on its range only).
    predict_years : (int, int), optional
        The forecast window: the prior is truncated to the parameters whose forecast (:class:`ForecastStart`, with
        ``normal`` and ``growth`` as :func:`forecast` takes them) has a start at rest in its first year, the data
        the forecast starts from (An & Schorfheide 2007; :mod:`calibration.truncation`). The optimiser starts are
        drawn from the truncated prior (rejection; the defaults kept only if inside), and a point outside is a
        barrier to the optimiser (:func:`calibration.joint.laplace`), so every mode has a start. None: no
        truncation.
    normal, growth : str
        The forecast's settings (:func:`forecast`) the truncation assumes.
    hold : bool
        Hold the block estimates over ``fit_years`` of the parameters not in ``names`` fixed, where the block
        identifies them (:func:`calibration.pipeline.held_estimates`: standard error at most half the estimate,
        inside the declared bounds), as the joint calibration holds them over its window: in the fit's replay, its
        truncation and the forecast (:attr:`JointPosterior.overrides`, which :class:`ForecastStart` carries on).
        Only the fit window's data set them. False: every unsampled parameter at its default (the fit before
        session 13).

    A start value the panel lacks in the first fit year (:data:`UNKNOWN_START`: the UK wage share before
    1988) is estimated with the parameters, on its stated range.

    Returns
    -------
    dict
        ``posterior`` (the :class:`JointPosterior`), ``country``, ``mode``, ``cov``, ``sd``, ``cost``
        (``|r|^2/2`` at the mode), ``fit_years``, ``instruments``, ``modes`` (every start's ``(mode, cost)``,
        the kept one first) and ``truncation`` (None, or ``predict_start``, ``normal``, ``growth``,
        ``defaults_inside``: whether the default start has a forecast start, ``prior_outside``: the share of prior
        draws without one, from the rejection of the optimiser starts, and ``modes_outside``), ``held`` (the held
        block estimates, ``name -> (value, se, method)``; empty without ``hold``) and ``kept`` (the block parameters
        whose default is kept, ``name -> reason``).
    """
    if int(starts) < 1:
        raise CalibrationError(f"starts must be at least 1, got {starts!r}")
    if instruments is None:
        instruments = instruments_for(country)
    names, start_values = _unknown_start(country, fit_years[0], tuple(names), data_dir)
    held, kept = _held(country, fit_years, names, tuple(instruments), data_dir) if hold else ({}, {})
    post = JointPosterior.from_data(country, *fit_years, names=names, data_dir=data_dir, start_values=start_values,
                                    ranges={k: UNKNOWN_START[k] for k in start_values},
                                    instruments=tuple(instruments), overrides={k: v[0] for k, v in held.items()})
    x0 = np.array([post.system.variables[n].default for n in post.names], float)
    if "g_Z" in post.names:  # the data's mean output growth over the window (the derived default is 2025's)
        y = post.problem.targets[0].values
        x0[post.names.index("g_Z")] = float(np.nanmean(np.diff(np.log(y))))
    rng = np.random.default_rng(seed)
    truncation = None
    if predict_years is None:
        X0 = np.vstack([x0, post.prior.sample(rng, int(starts) - 1)])
    else:  # the prior truncated to a start at rest in the first forecast year
        from .truncation import truncated_draws

        region = ForecastStart(post, country, tuple(fit_years), tuple(predict_years), data_dir=data_dir,
                               normal=normal, growth=growth, instruments=tuple(instruments))
        post.truncation = post._spec["truncation"] = region
        inside = bool(post.inside(x0[None, :])[0])
        m = int(starts) - int(inside)
        drawn, tried = truncated_draws(post.prior.sample, lambda X, _names: post.inside(X), post.names, m, rng)
        X0 = np.vstack([x0, drawn]) if inside else drawn
        truncation = {"predict_start": int(predict_years[0]), "normal": normal, "growth": growth,
                      "defaults_inside": inside, "prior_outside": float(1.0 - m / tried) if m else float("nan")}
    residuals, batch = post.residuals, post.residuals_batch
    if gap_sd is not None and {"g_Z", "alpha0"} <= set(post.names):
        if not gap_sd > 0:
            raise CalibrationError(f"gap_sd must be positive or None, got {gap_sd!r}")
        jz, ja, n = post.names.index("g_Z"), post.names.index("alpha0"), float(post.overrides.get("n", 0.0))

        def residuals(x, _r=post.residuals):
            return np.r_[_r(x), (x[jz] - x[ja] - n) / gap_sd]

        def batch(X, _b=post.residuals_batch):
            X = np.atleast_2d(X)
            return np.column_stack([_b(X), (X[:, jz] - X[:, ja] - n) / gap_sd])
    runs = [laplace(residuals, post.prior, x, batch=batch, max_nfev=max_nfev) for x in X0]
    if truncation is not None:  # a mode without a forecast start (none expected: the barrier) is not a mode
        ok = post.inside(np.array([r["mode"] for r in runs]))
        truncation["modes_outside"] = int((~ok).sum())
        runs = [r for r, o in zip(runs, ok) if o] or runs
    order = sorted(range(len(runs)), key=lambda i: runs[i]["cost"])
    best = runs[order[0]]
    return {"posterior": post, "country": country, "fit_years": tuple(fit_years), "instruments": tuple(instruments),
            "gap_sd": gap_sd, "modes": [(runs[i]["mode"], runs[i]["cost"]) for i in order],
            "truncation": truncation, "held": held, "kept": kept, **best}


def _held(country: str, fit_years: tuple[int, int], names: tuple[str, ...], instruments: tuple[str, ...], data_dir
          ) -> tuple[dict[str, tuple[float, float, str]], dict[str, str]]:
    """The block estimates over the fit window that :func:`fit` holds fixed (the parameters it does not sample,
    where the block identifies them), and the reasons the other block parameters keep their defaults:
    :func:`calibration.pipeline.held_estimates` over ``fit_years`` alone, as the joint calibration holds them over
    its window (:class:`calibration.pipeline.TemperedTarget`). With the observed policy rate among the instruments
    (``"r_cb"``) the neutral rate ``r0`` is the start year's rate (:func:`calibration.replay.country_model`), not
    held. The labour-force growth ``n`` is neither: the replay takes the window's (:class:`JointPosterior`)."""
    from .pipeline import held_estimates

    held, kept = held_estimates(country, int(fit_years[0]), int(fit_years[1]), data_dir, tuple(names))
    kept.pop("n", None)  # its default is not kept: the fit's replay takes the window's block n (or the projection's)
    if "r_cb" in instruments and "r0" in held:
        del held["r0"]
        kept["r0"] = "the start year's policy rate with the observed policy rate among the instruments"
    return held, kept


@dataclass
class Forecast:
    """A forecast over one window and its scores.

    Attributes
    ----------
    country : str
    fit_years, predict_years : (int, int)
    years : numpy.ndarray
        The forecast window's years.
    data : dict
        Series name (:data:`SCORED`) -> observed values over ``years``.
    median : dict
        Series name -> the forecast at the posterior mode (``draws == 0``) or the median over the draws.
        The scores are always those of the forecast at the mode.
    bands : dict
        Series name -> ``(q05, q25, q75, q95)`` over the draws (empty without draws).
    scores : dict
        ``R2`` per series (``dlnY``, ``dlnY_5y``, ``lam``, ``omega``, ``h``, ``b``, ``d``), and
        ``e_int_trend_model``, ``e_int_trend_data`` and ``e_int_trend_gap`` [%/yr, model - data].
    draws : int
        Parameter draws behind the bands (0: the mode only).
    naive : dict
        The same scores of the naive benchmark: output growing at the fit window's mean rate, the ratios
        frozen at their first forecast-year values, emission intensity on the fit window's trend.
    unknown_start : dict
        Start values the panel lacks in the first forecast year (:data:`UNKNOWN_START`) -> the value at the
        mode (the range's midpoint; the draws take it uniform over the range).
    instruments : tuple of str
        The observed policy instruments the fit and the forecast are conditioned on.
    growth : dict
        How the exogenous trends were set (:data:`GROWTH`): ``rule``, ``n`` [1/year] (the demographic labour
        force's growth), ``g_Z`` [1/year] (autonomous demand's, at the mode) and ``window`` (the fit years of ``n``'s
        trend; None under ``"fit"``).
    held : dict
        The block estimates over the fit window held fixed in the fit and the forecast (:func:`fit`'s ``held``),
        ``name -> value`` in the parameter's model units.
    """

    country: str
    fit_years: tuple[int, int]
    predict_years: tuple[int, int]
    years: np.ndarray
    data: dict
    median: dict
    bands: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)
    draws: int = 0
    naive: dict = field(default_factory=dict)
    unknown_start: dict = field(default_factory=dict)
    instruments: tuple = ("i_G",)
    growth: dict = field(default_factory=dict)
    held: dict = field(default_factory=dict)


def _series(paths: dict, years: np.ndarray) -> dict[str, np.ndarray]:
    out = {}
    for name, (var, _col, how) in SCORED.items():
        v = np.atleast_2d(paths[var])
        out[name] = np.diff(np.log(v), axis=1) if how == "growth" else v
    return out


def _scores(years: np.ndarray, model: dict, data: dict) -> dict:
    s = {}
    for name in ("dlnY", "lam", "omega", "h", "b", "d"):
        s[name] = r2(model[name], data[name])
    s["dlnY_5y"] = r2(_five_year_means(years, model["dlnY"]), _five_year_means(years, data["dlnY"]))
    tm, td = trend(years, model["e_int"]), trend(years, data["e_int"])
    s.update(e_int_trend_model=tm, e_int_trend_data=td, e_int_trend_gap=tm - td)
    return s


def _labour_force_trend(country: str, fit_years: tuple[int, int], predict_years: tuple[int, int],
                        data_dir=None) -> tuple[float, tuple[int, int]]:
    """The labour force's trend growth [1/year] over the :data:`DECADE` fit years next to the forecast window
    (``ln(N_last / N_first) / (DECADE - 1)``, the mean of the panel's ``g_N`` over the changes within them), and
    those years."""
    from .data import load_panel

    first, last = fit_years
    window = (last - DECADE + 1, last) if predict_years[0] > last else (first, first + DECADE - 1)
    g = load_panel(data_dir, countries=[country]).sel(country=country)["g_N"]
    g = g.sel(year=slice(window[0] + 1, window[1])).values.astype(float)
    if g.size != DECADE - 1 or not np.all(np.isfinite(g)):
        raise CalibrationError(f"labour force growth of {country} misses a year in {window[0]}-{window[1]}: no "
                               "projected trend (use growth='fit')")
    return float(g.mean()), window


class ForecastStart:
    """The forecast of :func:`forecast` from a fit's parameters: its model restarted from the data in the first
    forecast year, and whether it has a start at rest there for each row of fitted parameters (called as
    ``(X (m, k), names) -> bool (m,)``: the truncation of the fit's prior, :attr:`JointPosterior.truncation`).

    Parameters
    ----------
    post : JointPosterior
        The fit's posterior (its names, and its block ``n`` under ``growth="fit"``).
    country : str
    fit_years, predict_years : (int, int)
    data_dir : path, optional
    normal, growth : str
        As :func:`forecast`.
    instruments : tuple of str
        The observed instruments of the fit and the forecast.

    Attributes
    ----------
    pred : JointPosterior
        The forecast window's replay (no block terms).
    names : tuple of str
        Its columns: the fit's names less the fit's unknown start values, plus the forecast year's
        (:data:`UNKNOWN_START`).
    overrides : dict
        Its fixed parameters: the fit's (:attr:`JointPosterior.overrides`: the block estimates over the fit window
        that :func:`fit` holds) with ``n`` the projected labour-force trend, or the fit's block ``n``.
    window : (int, int) or None
        The years of ``n``'s trend (None under ``growth="fit"``).
    start_values : dict
        The forecast year's unknown start values at their ranges' midpoints.
    """

    def __init__(self, post: JointPosterior, country: str, fit_years: tuple[int, int], predict_years: tuple[int, int],
                 *, data_dir=None, normal: str = "fit", growth: str = "projection",
                 instruments: tuple[str, ...] = ("i_G",)):
        fy, py = tuple(fit_years), tuple(int(v) for v in predict_years)
        self.fit_names = tuple(post.names)
        self.overrides, self.window = dict(post.overrides), None
        if growth == "projection":
            self.overrides["n"], self.window = _labour_force_trend(country, fy, py, data_dir)
        self.growth = growth
        # a start value estimated in the fit belongs to the fit's first year: the forecast starts from its own data
        self.keep = [j for j, n in enumerate(post.names) if n not in UNKNOWN_START]
        names = tuple(post.names[j] for j in self.keep)
        self.names, self.start_values = _unknown_start(country, py[0], names, data_dir)
        self.pred = JointPosterior.from_data(country, *py, names=self.names, data_dir=data_dir, blocks="none",
                                             overrides=self.overrides, instruments=tuple(instruments),
                                             normal_years=fy if normal == "fit" else (py[0], py[0]),
                                             start_values=self.start_values,
                                             ranges={k: UNKNOWN_START[k] for k in self.start_values},
                                             n_years=self.window or fy)

    def rows(self, X) -> np.ndarray:
        """The forecast's parameter rows ``(m, len(names))`` from fitted rows ``X`` ``(m, k)``: ``g_Z`` at each row's
        natural rate ``alpha0 + n`` under ``growth="projection"``, unknown start values at their midpoints."""
        X = np.atleast_2d(np.asarray(X, float))[:, self.keep].copy()
        names = self.names
        if self.growth == "projection" and "g_Z" in names:  # the natural rate of each draw (its own alpha0)
            alpha0 = (X[:, names.index("alpha0")] if "alpha0" in names
                      else self.pred.system.variables["alpha0"].default)
            X[:, names.index("g_Z")] = alpha0 + self.overrides["n"]
        if self.start_values:
            X = np.column_stack([X, *(np.full(X.shape[0], v) for v in self.start_values.values())])
        return X

    def __call__(self, X, names) -> np.ndarray:
        if tuple(names) != self.fit_names:
            raise CalibrationError(f"forecast start: rows of {tuple(names)}, expected the fit's {self.fit_names}")
        P, Y0 = self.pred._start(self.rows(X))
        return np.all(np.isfinite(P), axis=1) & np.all(np.isfinite(Y0), axis=1)


def forecast(fitted: dict, predict_years: tuple[int, int], *, draws: int = 0, seed: int = 0,
             data_dir=None, normal: str = "fit", growth: str = "projection") -> Forecast:
    """The model restarted from the data in ``predict_years[0]`` with the fitted parameters (module docstring).

    Parameters
    ----------
    fitted : dict
        :func:`fit`'s result (a fit truncated to a start in another year than ``predict_years[0]`` is refused).
    predict_years : (int, int)
    draws : int
        Parameter draws from the Laplace normal (reflected into the prior's support: along a direction the
        window does not identify, whose Laplace variance is huge, that is about the prior) for the bands;
        0: the mode only.
    seed : int
    data_dir : path, optional
    normal : {"fit", "start"}
        Where the normal employment rate and the start's normal private investment share come from: their
        means over the fit window (default), or their values in the first forecast year (the observed initial
        condition only: the start is then at rest at the observed employment rate).
    growth : {"projection", "fit"}
        How the trends of the demographic labour force and of autonomous demand are set over the forecast
        window (:data:`GROWTH`): the model's projection rules from the fit window's data (default), or the
        fit's ``g_Z`` and block ``n``.

    Returns
    -------
    Forecast
    """
    if normal not in ("fit", "start"):
        raise CalibrationError(f"normal must be 'fit' or 'start', got {normal!r}")
    if growth not in GROWTH:
        raise CalibrationError(f"growth must be 'projection' or 'fit', got {growth!r}")
    post: JointPosterior = fitted["posterior"]
    country = fitted["country"]
    fy = tuple(fitted["fit_years"])
    py = tuple(int(v) for v in predict_years)
    truncated = fitted.get("truncation")
    if truncated is not None and truncated["predict_start"] != py[0]:
        raise CalibrationError(f"the fit's prior is truncated to a start in {truncated['predict_start']}, the "
                               f"forecast starts in {py[0]}: fit again with predict_years={py}")
    start = ForecastStart(post, country, fy, py, data_dir=data_dir, normal=normal, growth=growth,
                          instruments=tuple(fitted.get("instruments", ("i_G",))))
    pred, names, overrides, window = start.pred, start.names, start.overrides, start.window
    mode = np.asarray(fitted["mode"], float)
    X = start.rows(mode[None, :])
    if draws:
        rng = np.random.default_rng(seed)
        cov = np.asarray(fitted["cov"], float)
        if not np.all(np.isfinite(cov)):
            raise CalibrationError("the Laplace covariance is not finite: no posterior-predictive draws")
        lo, width = post.prior.lower, post.prior.upper - post.prior.lower

        def laplace_draws(r, m):
            x = r.multivariate_normal(mode, cov, size=m, method="eigh")
            y = np.mod(x - lo, 2 * width)  # reflected into the prior's support (a flat direction: about uniform)
            return lo + np.where(y > width, 2 * width - y, y)

        if truncated is not None:  # the fit's prior is truncated to a start in py[0]: so are its draws (rejection,
            # with this forecast's normal and growth settings, which the fit's may differ from)
            from .truncation import truncated_draws

            Xd, _ = truncated_draws(laplace_draws, start, post.names, draws, rng)
        else:
            Xd = laplace_draws(rng, draws)
        Xd = start.rows(Xd)
        if start.start_values:  # unknown in the forecast's start year: uniform draws for the bands
            r1 = np.random.default_rng(seed + 1)
            for k in start.start_values:
                Xd[:, names.index(k)] = r1.uniform(*UNKNOWN_START[k][:2], draws)
        X = np.vstack([X, Xd])
    g_Z = float(X[0, names.index("g_Z")]) if "g_Z" in names else float("nan")
    start_values = start.start_values
    paths = pred.paths(X, variables=sorted({v for v, _, _ in SCORED.values()}))
    years = paths["years"]
    from .data import load_panel

    p = load_panel(data_dir, countries=[country]).sel(country=country, year=years.astype(int))
    data = {}
    for name, (_var, col, how) in SCORED.items():
        v = p[col].values.astype(float)
        data[name] = np.diff(np.log(v)) if how == "growth" else v
    model = _series(paths, years)
    at_mode = {k: v[0] for k, v in model.items()}
    if not np.any(np.isfinite(at_mode["dlnY"])):
        raise CalibrationError(f"{country} forecast {py[0]}-{py[-1]}: the model at the fit's mode has no path from "
                               f"{py[0]} (no start at rest there: autonomous household consumption not positive "
                               "with the fit's propensities to consume, or the run failed)")
    median, bands = at_mode, {}
    if draws:
        sim = {k: v[1:] for k, v in model.items()}
        ok = np.all(np.isfinite(sim["dlnY"]), axis=1)
        median = {k: np.nanmedian(v[ok], axis=0) for k, v in sim.items()}
        bands = {k: tuple(np.nanquantile(v[ok], q, axis=0) for q in (0.05, 0.25, 0.75, 0.95))
                 for k, v in sim.items()}
        draws = int(ok.sum())
    naive = _naive(load_panel(data_dir, countries=[country]).sel(country=country), fy, years, data)
    return Forecast(country, fy, py, years, data, median, bands, _scores(years, at_mode, data), draws,
                    _scores(years, naive, data), dict(start_values), tuple(fitted.get("instruments", ("i_G",))),
                    {"rule": growth, "n": float(overrides.get("n", np.nan)), "g_Z": g_Z, "window": window},
                    {k: float(overrides[k]) for k in fitted.get("held", {})})


def _naive(p, fit_years: tuple[int, int], years: np.ndarray, data: dict) -> dict[str, np.ndarray]:
    """The naive benchmark: output growing at the fit window's mean rate, every ratio frozen at its value in
    the first forecast year, emission intensity falling at the fit window's trend."""
    fw = p.sel(year=slice(*fit_years))
    g = float(np.nanmean(np.diff(np.log(fw["Y"].values.astype(float)))))
    out = {"dlnY": np.full(years.size - 1, g)}
    for name in ("lam", "omega", "h", "b", "d"):
        out[name] = np.full(years.size, data[name][0])
    k = trend(fw["year"].values, fw["e_int"].values.astype(float)) / 100.0
    out["e_int"] = data["e_int"][0] * np.exp(k * (years - years[0]))
    return out


def out_of_sample(country: str, splits: Sequence[tuple[tuple[int, int], tuple[int, int]]] | None = None,
                  names: Sequence[str] = SAMPLED, *, draws: int = 0, seed: int = 0, data_dir=None,
                  max_nfev: int = 60, instruments: Sequence[str] | None = None, starts: int = STARTS,
                  normal: str = "fit", gap_sd: float | None = GAP_SD, growth: str = "projection",
                  hold: bool = True) -> list[Forecast]:
    """:func:`fit` then :func:`forecast` for each split (default :data:`SPLITS` of ``country``).

    Returns
    -------
    list of Forecast
    """
    if splits is None:
        if country not in SPLITS:
            raise CalibrationError(f"no default split for {country!r}; give splits= or choose {', '.join(SPLITS)}")
        splits = SPLITS[country]
    out = []
    for fy, py in splits:
        f = fit(country, fy, names, data_dir=data_dir, max_nfev=max_nfev, instruments=instruments, starts=starts,
                seed=seed, gap_sd=gap_sd, predict_years=py, normal=normal, growth=growth, hold=hold)
        out.append(forecast(f, py, draws=draws, seed=seed, data_dir=data_dir, normal=normal, growth=growth))
    return out

"""The directed-growth model: a stock-flow-consistent, supply-constrained, demand-led economy with
households, firms, banks, government and central bank, directed technical change, public capability
and finance, climate damages and the DICE-2016R climate.

Defaults are literature-based or stated modelling assumptions (each parameter's ``source`` says
which); the start state is derived from a country's start data (:mod:`.start_state`).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Mapping

import numpy as np

from ..core.blocks import Block
from ..core.metadata import ModelMeta
from ..core.system import System, combine
from ..errors import ModelError
from .mechanisms import all_blocks
from .mechanisms.politics import check_vote_function, election_calendar
from .start_state import (
    DERIVED,
    INSTEAD,
    OPTIONAL_DATA,
    START_KEYS,
    UNUSED_KEYS,
    US_2025,
    derived_names,
    derived_values,
)

__all__ = ["T0", "T_END", "KEEP", "PLAUSIBLE", "Y0", "XG0", "DERIVED", "US_2025", "directed_growth", "country_data",
           "derived_defaults", "derived_values", "derived_of", "model_meta", "consistent_draws", "no_start_reasons"]

#: start year of the model [year]
T0 = 2025.0
#: end year of the model's default span [year]
T_END = 2100.0
#: paths kept per ensemble member by default (the outcomes' paths are kept while they are computed)
KEEP = ("Y", "T_at", "E_dom", "omega", "lam", "b", "h_eff")
#: Wide sanity ranges of kept paths (:attr:`ModelMeta.plausible <model.core.metadata.ModelMeta>`): a run
#: outside one at any output time integrated to the end but describes no economy the model was written for,
#: and is flagged ``implausible`` (:mod:`model.solve.plausible`). These are not the tight bands
#: tests/directed_growth/test_plausible_paths.py asserts of the reference paths, but states no economy of
#: the Jordà-Schularick-Taylor panel (JST macrohistory R6, 18 advanced economies, 1870-2020) or of
#: PWT 10.01 (the same economies, 1950-2019) has been near, read from the data sets in DGM_DATA_DIR:
#:
#: * employment rate ``lam`` at least 0.7: US unemployment peaked at 24.9% in 1933 (JST ``unemp``; the
#:   UK's at 15.6% in 1932);
#: * wage share ``omega`` within [0.3, 0.9]: labour shares of the 18 economies 1950-2019 span 0.32 (Ireland
#:   2018, multinationals' booked profits) to 0.77 (PWT ``labsh``; the US 0.59-0.65, the UK 0.53-0.60);
#: * public debt ``b`` within [-1, 5] x output: the highest ratio of the panel is the UK's 2.70 in 1946 and
#:   no ratio is below 0 (JST ``debtgdp``, lowest 0.02); a state owing five years' output, or a net
#:   creditor by a year's, is twice as far out.
#:
#: Output growth is not declared: a range of a path's year-on-year change is no range of a variable, and
#: the collapses found (issue 12's referee: output falling by three quarters over 2060-2100 under market
#: shaping) take the employment rate below 0.7 first.
PLAUSIBLE = {"lam": (0.7, None), "omega": (0.3, 0.9), "b": (-1.0, 5.0)}
#: output in the start year [TUSD/year] (US 2025, :data:`US_2025`)
Y0 = US_2025["Y"]
#: green share of private investment in the start year (modelling assumption)
XG0 = 0.15

#: start data -> (model name, how): values the start data set as overridable defaults
_FROM_START = {"omega": ("omega", 1.0), "N": ("N", 1.0), "lam": ("lam_ref", 1.0), "delta": ("delta", 1.0),
               "i_G": ("i_G", 1.0), "n": ("n", 1.0), "alpha0": ("alpha0", 1.0),
               "b": ("B", "Y"), "l_F": ("L_F", "Y"), "l_H": ("L_H", "Y")}


def _with_defaults(block: Block, values: Mapping[str, float]) -> Block:
    variables = tuple(dataclasses.replace(v, default=float(values[v.name])) if v.name in values else v
                      for v in block.variables)
    return dataclasses.replace(block, variables=variables)


def country_data(country: str, t0: float = T0) -> dict[str, float]:
    """A country's start data (:data:`~model.directed_growth.start_state.START_KEYS`) from its package data
    (:func:`model.directed_growth.countries.country_start`).

    Private capital comes from the data's private investment share ``h`` (national accounts), not from the
    capital stock over output: PWT's capital stock includes residential capital and is measured differently
    across countries (the UK's K/Y of 4.25 would imply an investment share of 0.21 at balanced growth against
    0.149 observed, and a negative autonomous household consumption). Labour-force growth ``n`` is the
    country schedule's rate in the start year ``t0`` [year]; the model follows the schedule after it
    (the exogenous input ``n_shift``, :func:`model_meta`).

    Raises
    ------
    ModelError
        An unknown country code (one line naming the valid codes).
    """
    from .countries import country_start

    cs = country_start(country)
    data = {k: float(getattr(cs, k)) for k in START_KEYS if k != "K_priv_Y" and hasattr(cs, k)}
    data["n"] = float(cs.labour_force_growth(t0))
    return data


def _start_data(start: Mapping[str, float | None] | None, y0: float | None,
                base: Mapping[str, float] = US_2025) -> dict[str, float]:
    data = dict(base)
    if start is not None:
        unknown = sorted(set(start) - set(START_KEYS) - set(UNUSED_KEYS))
        if unknown:
            raise ModelError(f"directed_growth: unknown start data {', '.join(map(repr, unknown))}; valid: "
                             + ", ".join(START_KEYS))
        absent = sorted(k for k, v in start.items() if v is None and k not in OPTIONAL_DATA)
        if absent:
            raise ModelError(f"directed_growth: start data {', '.join(map(repr, absent))} may not be None; only "
                             + ", ".join(map(repr, OPTIONAL_DATA)) + " may be absent")
        data.update({k: float(v) for k, v in start.items() if k not in UNUSED_KEYS and v is not None})
        for k in OPTIONAL_DATA:
            if k in start and start[k] is None:
                data.pop(k, None)
        if "h" in start and "K_priv_Y" not in start:  # capital from the investment share
            data.pop("K_priv_Y", None)
    if y0 is not None:
        data["Y"] = float(y0)
    bad = [k for k, v in data.items() if not math.isfinite(v)]
    if bad or data["Y"] <= 0:
        raise ModelError(f"directed_growth: start data must be finite with positive output, got "
                         f"{ {k: data[k] for k in bad or ['Y']} }")
    return data


def derived_defaults(blocks: list[Block], *, t0: float = T0, start: Mapping[str, float] | None = None,
                     xg0: float = XG0) -> dict[str, float]:
    """The :data:`DERIVED` quantities from the blocks' defaults and the start data (see
    :func:`~model.directed_growth.start_state.derived_values`)."""
    vals = {v.name: v.default for b in blocks for v in b.variables if v.default is not None}
    return derived_values(vals, t0=t0, start=_start_data(start, None), xg0=xg0)


def directed_growth(*, country: str | None = None, t0: float = T0, y0: float | None = None,
                    start: Mapping[str, float | None] | None = None, xg0: float = XG0,
                    overrides: Mapping[str, float] | None = None, politics: bool = False) -> System:
    r"""The directed-growth model (continuous time, years from ``t0``, US start data by default).

    Blocks (``model.directed_growth.mechanisms``), each with its equations and sources in its
    docstring: demand (supermultiplier), households (error-correction consumption, deposits,
    household debt), supply (capacity and labour ceilings, productive public capital), finance
    (firms' profits, payouts, conditions, loans, premia), banks and central bank (policy rule with
    a lower bound), public finance (taxes, transfers, debt, sovereign premium, equity stake), public
    investment (time to build), public capability, private investment (accelerator, bounded share,
    crowding in and out, green/brown direction), labour (Phillips curve, productivity, labour
    force), damages, technology, emissions, the DICE-2016R climate, and the accounts: the balance
    sheet and transactions-flow matrix, every row and column checked on every run.

    Parameters
    ----------
    country : {"USA", "GBR"}, optional
        Start from that country's data carried to 2025 (:func:`country_data`; case-insensitive), its
        demographic labour force following the country's schedule over the whole run (the default path of
        the exogenous input ``n_shift``, :func:`model_meta`). Default: the US numbers of
        :data:`~model.directed_growth.start_state.US_2025` (economics.md 11.12), with a constant
        labour-force growth ``n``.
    t0 : float
        Start year [year] (2025).
    y0 : float, optional
        Output in the start year [TUSD/year]; replaces ``start['Y']`` (stocks are set as ratios to it).
    start : mapping, optional
        Start data replacing those of :data:`~model.directed_growth.start_state.US_2025` by key
        (:data:`~model.directed_growth.start_state.START_KEYS`; ``h``, the private investment share,
        instead of ``K_priv_Y`` sets private capital from it). The start's inflation datum ``infl`` [1/year]
        sets the target mark-up (then derived, not overridable); ``{"infl": None}`` removes it, and the
        mark-up keeps its default or override (historical replays: the panel holds JST CPI inflation for their
        start years, not used, so that the replay's likelihood is unchanged; using it needs a re-calibration).
    xg0 : float
        Green share of private investment in the start year [dimensionless].
    overrides : mapping, optional
        New defaults (start values of stocks, parameters, lever values in the start year) by name,
        e.g. calibrated parameters. Quantities in :data:`DERIVED` are then recomputed, so that the
        start is consistent (business as usual at rest); they cannot be overridden themselves.
    politics : bool
        Also build public support and the electoral calendar (:mod:`.mechanisms.politics`: the stocks
        ``y_m`` and ``R_el``, support ``S_pub``), for policies that opt into electoral reversal
        (:func:`model.directed_growth.policies.durable`); the outcome registry then adds years in force and
        reversals. Off by default: the blocks act on nothing unless a policy opts in, and would only cost
        integration steps. US only (the model has no UK vote function).

    Raises
    ------
    ModelError
        Unknown or derived names in ``overrides``, non-finite values, bad start data or ``xg0``
        out of range; ``politics`` for a country without a vote function.
    """
    if y0 is not None and not (math.isfinite(y0) and y0 > 0):
        raise ModelError(f"directed_growth: y0 must be a positive output [TUSD/year], got {y0!r}")
    if not 0 < xg0 < 1:
        raise ModelError(f"directed_growth: xg0 must be a share strictly between 0 and 1, got {xg0!r}")
    if politics:
        check_vote_function(country)
    base = US_2025 if country is None else country_data(country, t0)
    data = _start_data(start, y0, base)
    overrides = dict(overrides or {})
    blocks = all_blocks(bool(politics))
    known = {v.name: v for b in blocks for v in b.variables}
    derived_here = derived_names(data)
    for name, value in overrides.items():
        if name in derived_here and name not in DERIVED:
            raise ModelError(f"directed_growth: {name!r} is derived from the start's inflation datum 'infl' "
                             f"({data['infl']:.4g}/yr) and cannot be overridden; pass start={{'infl': ...}} to "
                             "change the datum, or start={'infl': None} to set the mark-up instead")
        if name in DERIVED:
            raise ModelError(f"directed_growth: {name!r} is derived from the start state (see derived_defaults) "
                             "and cannot be overridden; override what it is derived from"
                             + (f" ({INSTEAD[name]})" if name in INSTEAD else "")
                             + ", or pass it to simulate() as a parameter")
        if name not in known and not politics and name in {v.name for b in all_blocks(True)[-2:] for v in b.variables}:
            raise ModelError(f"directed_growth: override {name!r} is a name of the politics blocks; build the model "
                             "with directed_growth(politics=True)")
        if name not in known or known[name].kind == "auxiliary":
            close = difflib.get_close_matches(name, [n for n, v in known.items() if v.kind != "auxiliary"], n=3)
            raise ModelError(f"directed_growth: unknown override {name!r}"
                             + (f"; did you mean {', '.join(map(repr, close))}?" if close else ""))
        if known[name].kind == "exogenous":
            raise ModelError(f"directed_growth: {name!r} is an exogenous input (a path over time"
                             + (", set from the country's schedule" if name == "n_shift" else "")
                             + f"), not an override: pass exogenous={{{name!r}: ...}} to simulate()")
        if not math.isfinite(float(value)):
            raise ModelError(f"directed_growth: override {name!r} must be finite, got {value!r}")
    from_start = {name: data[key] * (data["Y"] if scale == "Y" else scale)
                  for key, (name, scale) in _FROM_START.items()}
    from_start.update(election_calendar(country))
    blocks = [_with_defaults(b, {**from_start, **{k: float(v) for k, v in overrides.items()}}) for b in blocks]
    vals = {v.name: v.default for b in blocks for v in b.variables if v.default is not None}
    derived = derived_values(vals, t0=t0, start=data, xg0=xg0)
    blocks = [_with_defaults(b, derived) for b in blocks]
    kwargs: dict[str, object] = {k: v for k, v in (("t0", t0), ("xg0", xg0)) if v != {"t0": T0, "xg0": XG0}[k]}
    if country is not None:
        kwargs["country"] = country.upper()
    removed: dict[str, float | None] = {k: None for k in OPTIONAL_DATA if k in base and k not in data}
    if data != base:
        kwargs["start"] = {**{k: v for k, v in data.items() if base.get(k) != v}, **removed}
    if overrides:
        kwargs["overrides"] = {k: float(v) for k, v in overrides.items()}
    if politics:
        kwargs["politics"] = True
    return combine(*blocks, name="directed_growth", description=directed_growth.__doc__.splitlines()[0],
                   origin={"factory": "model.library.directed_growth:directed_growth", "kwargs": kwargs},
                   meta=model_meta(t0, float(overrides.get("i_G", data["i_G"])), country, bool(politics)))


def model_meta(t0: float = T0, i_G0: float | None = None, country: str | None = None,
               politics: bool = False) -> ModelMeta:
    """What the model says about its use: the span ``t0``-2100 [year], DICE-2016R's non-CO2 forcing
    as the default ``F_ex`` path and, for a ``country``, its labour-force schedule's departure from
    the start-year rate as the default ``n_shift`` path
    (:meth:`~model.directed_growth.countries.CountryStart.labour_force_shift`; without a country
    ``n_shift`` is 0), the paths kept in ensembles, :func:`consistent_draws` as the start
    hook, the plausible ranges of :data:`PLAUSIBLE`, the outcome registry
    (:data:`model.directed_growth.outcomes.OUTCOMES`) and the policy paths
    (:func:`model.directed_growth.policies.paths` from the start year's public investment rate ``i_G0``,
    default :data:`~model.directed_growth.policies.I_G0`; baseline ``bau``); with ``politics`` (the model's
    politics blocks) the registry adds :data:`~model.directed_growth.outcomes.DURABILITY` (years in force,
    reversals, first reversal: NaN for a policy that does not opt in)."""
    from .countries import country_start
    from .outcomes import DURABILITY, OUTCOMES
    from .policies import I_G0, default_exogenous, paths

    exogenous = default_exogenous()
    if country is not None:
        exogenous["n_shift"] = country_start(country).labour_force_shift(float(t0))
    return ModelMeta(t_span=(float(t0), T_END), exogenous=exogenous, keep=KEEP,
                     derive_start=consistent_draws, no_start=no_start_reasons,
                     outcomes=tuple(OUTCOMES.values()) + (tuple(DURABILITY.values()) if politics else ()),
                     policies=paths(I_G0 if i_G0 is None else float(i_G0)), baseline="bau", plausible=PLAUSIBLE)


def _system_start(system: System) -> dict[str, float]:
    """The start data a directed-growth model was built from (its origin's country, start year and start data)."""
    kw = system.origin.get("kwargs", {})
    base = US_2025 if kw.get("country") is None else country_data(kw["country"], float(kw.get("t0", T0)))
    return _start_data(kw.get("start"), None, base)


def derived_of(system: System) -> tuple[str, ...]:
    """The names a directed-growth model derives from its start data, never drawn or overridden: :data:`DERIVED`,
    and the mark-up when its start data hold an inflation datum
    (:func:`~model.directed_growth.start_state.derived_names`).

    Parameters
    ----------
    system : System
        A directed-growth model (from :func:`directed_growth`).

    Returns
    -------
    tuple of str
    """
    return derived_names(_system_start(system))


def consistent_draws(system: System, values: Mapping[str, np.ndarray], *, failures: list | None = None,
                     g_Z: np.ndarray | float | None = None) -> dict[str, np.ndarray]:
    """The :data:`DERIVED` quantities for each parameter draw of an ensemble (vectorised).

    Parameters
    ----------
    system : System
        A directed-growth model (from :func:`directed_growth`, possibly with start data and overrides).
    values : mapping
        Drawn values by name: arrays of equal length (parameters, start stocks or start-year lever
        values; never a derived name).
    failures : list, optional
        Receives one array: why no start at rest exists, per draw ('' where one does).
    g_Z : float or array, optional
        Growth of autonomous demand [1/year] on the start's balanced path, per draw; default the natural rate
        ``alpha0 - damages + n``. Every derived quantity follows from it and the start is at rest with every
        stock growing at ``g_Z`` (the employment rate then drifts at ``g_Z`` less the natural rate: see
        :func:`~model.directed_growth.start_state.derived_values`); a historical replay's free ``g_Z``.

    Returns
    -------
    dict
        ``name -> array`` for every name of :data:`DERIVED` (and ``markup`` with a start inflation datum,
        :func:`~model.directed_growth.start_state.derived_names`): each draw starts consistently
        (business as usual at rest, as the defaults do), so a draw of ``phi1`` changes the
        dynamics, not the start. A draw outside the region where a start at rest exists (e.g. an
        investment share at rest above ``h_max``) gets NaN: the ensemble reports that member failed
        at the start, with the reason (:func:`no_start_reasons`), never silently dropped.

    Raises
    ------
    ModelError
        A derived name among the draws or an unknown name.
    """
    kw = system.origin.get("kwargs", {})
    start = _system_start(system)
    derived = sorted(set(values) & set(derived_names(start)))
    if derived:
        raise ModelError(f"directed_growth: {', '.join(map(repr, derived))} derived from the start state "
                         "(see derived_defaults; the mark-up from the start's inflation datum 'infl'); draw what "
                         "they are derived from instead")
    unknown = sorted(set(values) - set(system.variables))
    if unknown:
        raise ModelError(f"directed_growth: unknown name(s) among the draws: {', '.join(map(repr, unknown))}")
    vals = {n: v.default for n, v in system.variables.items() if v.default is not None}
    vals.update({n: np.asarray(v, float) for n, v in values.items()})
    m = max((np.size(v) for v in values.values()), default=1)
    out = derived_values(vals, t0=float(kw.get("t0", T0)), start=start,
                         xg0=float(kw.get("xg0", XG0)), failures=failures, g_Z=g_Z)
    if g_Z is not None:
        m = max(m, np.size(g_Z))
    return {k: np.broadcast_to(v, (m,)).copy() for k, v in out.items()}


def no_start_reasons(system: System, values: Mapping[str, np.ndarray]) -> np.ndarray:
    """Why no start at rest exists for each draw ('' where one does): the model's ``meta.no_start``.

    Parameters and checks as :func:`consistent_draws`.

    Returns
    -------
    numpy.ndarray
        One text per draw (object array): the first condition of the start at rest the draw fails
        (:func:`~model.directed_growth.start_state.derived_values`), e.g. ``"the investment share that keeps
        capital in line with output, (g_Z + delta_K) K/Y, exceeds h_max"``.
    """
    failures: list = []
    consistent_draws(system, values, failures=failures)
    m = max((np.size(v) for v in values.values()), default=1)
    return np.broadcast_to(failures[0], (m,)).copy()

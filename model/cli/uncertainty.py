"""``dgm ensemble``, ``dgm sensitivity`` and ``dgm figures``: uncertainty at scale from the shell.

Every option and input file is checked before the model is integrated (one-line
errors naming the option, exit status 2); outputs are never overwritten without
``--force`` and are written atomically (:mod:`model.files`).
"""

from __future__ import annotations

import reprlib
import sys
import time
from pathlib import Path

from calibration.posterior import VARIANTS

from ..errors import ModelError
from ..text import number, plural
from .common import COUNTRY_HELP, country_file, country_files, country_option, missing_variant

__all__ = ["add_parsers", "ensemble_cmd", "figures_cmd", "sensitivity_cmd"]

def _common(p, *, draws_default: int, t_end: float = 2100.0) -> None:
    p.add_argument("--params", type=Path, default=None, metavar="FILE",
                   help="calibrated parameter file (default: the calibration of --country, "
                        "calibration/params/usa_joint.toml or gbr_joint.toml)")
    p.add_argument("--country", type=country_option, default=None, metavar="CODE", help=COUNTRY_HELP)
    p.add_argument("--defaults", action="store_true",
                   help="the literature defaults instead of a calibration (draws then come from --names' ranges)")
    p.add_argument("--draws", type=int, default=draws_default, metavar="N", help=f"draws (default {draws_default})")
    p.add_argument("--names", default=None, metavar="A,B,...",
                   help="parameters to draw, each from its stated prior range where it has one, else over "
                        "its declared bounds (default: the calibrated posterior plus every other parameter's "
                        "stated prior; with --defaults: every stated prior)")
    p.add_argument("--variant", choices=VARIANTS, default=None,
                   help="which joint posterior of a joint calibration (dgm calibrate --joint) to draw: fitted to "
                        "the Mazzucato evidence on mission R&D (default) or to Boysen-Hogrefe's (2025) post-1985 "
                        "responses (temporary crowding-out of private R&D)")
    p.add_argument("--seed", type=int, default=0, help="seed of the draws (default 0)")
    p.add_argument("--t-end", type=float, default=t_end, metavar="YEAR", help=f"end year (default {t_end:g})")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on a Dask scheduler (tcp://host:8786); default: this machine's cores")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")


def add_parsers(sub) -> None:
    """Register the three subcommands on ``dgm``'s subparsers."""
    ens = sub.add_parser("ensemble", help="integrate many parameter draws under the three policy paths",
                         description="Draw parameters (calibrated posterior and stated priors, or ranges), "
                                     "integrate each draw under business as usual, market fixing and market "
                                     "shaping, write the ensemble (netCDF) and print how often market shaping "
                                     "beats market fixing on each outcome, and where that flips.")
    _common(ens, draws_default=2000)
    ens.add_argument("--method", choices=("lhs", "sobol", "random"), default="lhs",
                     help="design for --defaults or --names draws (default lhs)")
    ens.add_argument("--table", type=Path, default=None, metavar="FILE.csv",
                     help="draws from a table (one column per parameter) instead")
    ens.add_argument("--chunk-size", type=int, default=2500, metavar="N", help="members per chunk (default 2500)")
    ens.add_argument("--store", type=Path, default=None, metavar="DIR",
                     help="write finished chunks to DIR as they come; rerunning resumes")
    ens.add_argument("--variables", default=None, metavar="A,B,...",
                     help="paths kept per member (default Y,T_at,E_dom,omega,lam,b,h_eff; '' keeps outcomes only)")
    ens.add_argument("--out", type=Path, required=True, metavar="FILE.nc", help="ensemble netCDF to write")
    ens.add_argument("--report", type=Path, default=None, metavar="FILE.txt",
                     help="also write the scenario-discovery report to FILE")
    ens.add_argument("--prior-sensitivity", action="store_true",
                     help="add the prior-sensitivity table to the report: each assumption-only prior range "
                          "(model.directed_growth.priors.ASSUMPTION_ONLY, those the parameter file does not "
                          "estimate) scaled x0.5 and x1.5 about its centre, one ensemble per setting, p(market "
                          "shaping beats market fixing, failures counted as losses) per outcome with its Monte "
                          "Carlo s.e. (long: about 90 ensembles; a progress bar shows the time left)")
    ens.add_argument("--sensitivity-draws", type=int, default=2000, metavar="N",
                     help="draws per prior-sensitivity ensemble: the first N of --draws (default 2000)")
    ens.add_argument("--durable", action="store_true",
                     help="political durability (US only): the model with public support and elections, the "
                          "policies made durable (<policy>_durable, reverting to business as usual after a lost "
                          "election), the vote function's parameters drawn from their priors too (unless --table "
                          "or --names), and years in force, reversals and first reversal per member")

    sen = sub.add_parser("sensitivity", help="Sobol indices or Morris screening of policy outcomes",
                         description="Global sensitivity of outcomes (or of the difference between two policy "
                                     "paths) to the drawn parameters; writes the indices as netCDF and prints "
                                     "them. From a parameter file, each parameter is drawn independently over the "
                                     "central 95% of its draws (posterior and stated priors); parameters whose "
                                     "ranges reach combinations without a start at rest (the propensities to "
                                     "consume, then any other found so) are held at their medians, named in the "
                                     "progress line and the file's draws_from. The number of runs is N x (k + 2) "
                                     "for Sobol (N = --draws, k parameters); a few hundred N are needed for "
                                     "stable indices.")
    # variance decompositions need every member: some posterior draws explode after about 2060
    # under market shaping (see dgm ensemble's report), so the default horizon is mid-century
    _common(sen, draws_default=256, t_end=2050.0)
    sen.add_argument("--method", choices=("sobol", "morris"), default="sobol", help="default sobol")
    sen.add_argument("--outcome", default="avg_growth,wage_share_mean,T_end", metavar="A,B,...",
                     help="outcomes (default avg_growth,wage_share_mean,T_end)")
    sen.add_argument("--contrast", default="market_shaping,market_fixing", metavar="A,B",
                     help="analyse outcome[A] - outcome[B] (default market_shaping,market_fixing); "
                          "'' to analyse --policy alone")
    sen.add_argument("--policy", default=None, help="a single policy path (with --contrast '')")
    sen.add_argument("--out", type=Path, required=True, metavar="FILE.nc", help="indices netCDF to write")

    fig = sub.add_parser("figures", help="draw every figure of the paper set",
                         description="Fan charts, tornado charts, Sobol bars (PDF and PNG) and a LaTeX table "
                                     "of outcome intervals, from an ensemble and a Sobol analysis (computed, or "
                                     "read with --ensemble/--sensitivity).")
    _common(fig, draws_default=2000)
    fig.add_argument("--sobol-n", type=int, default=128, metavar="N", help="Sobol base sample (default 128)")
    fig.add_argument("--sobol-t-end", type=float, default=2050.0, metavar="YEAR",
                     help="horizon of the Sobol analysis (default 2050: every member must integrate to it)")
    fig.add_argument("--ensemble", type=Path, default=None, metavar="FILE.nc", help="use this ensemble")
    fig.add_argument("--sensitivity", type=Path, default=None, metavar="FILE.nc", help="use these Sobol indices")
    fig.add_argument("--out", type=Path, required=True, metavar="DIR",
                     help="output directory; the file names end in the country's code (fan_chart_usa.pdf, ...), "
                          "the country of --ensemble or --sensitivity, else of --country or --params")


def _say(msg: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:6.1f} s] {msg}", file=sys.stderr, flush=True)


def _check_common(args, *, n: int, option: str = "--draws") -> None:
    """Checks shared by the three commands, before any model is built."""
    from ..directed_growth.factory import T0
    from ..files import check_input
    from .checks import at_least, check_scheduler, finite

    if args.params is not None and args.defaults:
        raise ModelError("--params and --defaults exclude each other")
    at_least(option, n, 1)
    at_least("--seed", args.seed, 0)
    finite("--t-end", args.t_end)
    if not args.t_end > T0:
        raise ModelError(f"--t-end must be after {T0:g}, got {args.t_end:g}")
    check_scheduler(args.scheduler)
    names = _split(args.names)
    dup = sorted({x for x in names if names.count(x) > 1})
    if dup:
        raise ModelError(f"--names: {', '.join(dup)} given twice; give each name once")
    if args.params is not None:
        check_input(args.params, "--params", "TOML parameter file")
    if args.variant is not None:
        clash = ("--defaults" if args.defaults else "--names" if names
                 else "--table" if getattr(args, "table", None) is not None else None)
        if clash:
            raise ModelError(f"--variant chooses a joint posterior to draw; {clash} draws no posterior: pass one "
                             "of them")


#: parameters a variance decomposition over a posterior's independent ranges holds at the medians of the posterior
#: truncated to a start: the propensities to consume, whose independent ranges reach draws without a start at rest
#: (autonomous household consumption Z_H not positive, model.directed_growth.start_state; measured on the US file's
#: 95% box: 786 of 4,992 Saltelli members); dgm ensemble's scenario discovery draws them jointly
SOBOL_HELD = ("c_w", "c_pi", "c_V")

#: posterior draws (truncated to a start at rest) whose central 95% gives a variance decomposition's ranges and whose
#: medians its held values, whatever the design's size: quantiles of a few draws (``--draws 2``) are not the
#: posterior's, and their medians, taken column by column, may have no start at rest
RANGE_DRAWS = 2000

#: points drawn uniformly from a variance decomposition's independent ranges to find the parameters whose ranges still
#: reach draws without a start at rest once :data:`SOBOL_HELD` is held (:func:`_held_until_every_start`)
START_CHECK_POINTS = 4000


def _held_until_every_start(rebuild, ranges: dict, medians: dict, held: dict, *, seed: int,
                            max_held: int = 8) -> tuple[object, dict, dict]:
    """Hold, one at a time, the parameter whose independent range reaches draws without a start at rest most, until
    :data:`START_CHECK_POINTS` uniform points of the ranges all start (Sobol estimators need every member).

    The parameter held next is the one whose failing points sit furthest from the middle of its range (mean
    quantile among the failing points, |q - 1/2| largest); it is held at ``medians`` (the posterior truncated to a
    start, inside the start region). Issue 14: with the productivity block recentred, the US file's 95% box failed
    on 76 of 592 Saltelli members through low depreciation, dispersed productivity and low ``alpha0`` even with the
    propensities to consume held.

    Parameters
    ----------
    rebuild : callable
        ``rebuild(held) -> System``: the model with the held values as defaults.
    ranges : dict
        Parameter -> (low, high) [its units]; the held parameters are removed from the returned copy.
    medians, held : dict
        Parameter -> its median; the parameters held already -> their values.
    seed : int
        Seed of the check points.
    max_held : int
        At most this many parameters held here.

    Returns
    -------
    (System, dict, dict)
        The model, the remaining ranges and every held parameter with its value.

    Raises
    ------
    ModelError
        Still failing points after ``max_held`` parameters are held.
    """
    import numpy as np

    from ..directed_growth.factory import consistent_draws

    held, ranges = dict(held), {k: v for k, v in ranges.items() if k not in held}
    system = rebuild(held)
    rng = np.random.default_rng(seed)
    for added in range(max_held + 1):
        u = {k: rng.uniform(size=START_CHECK_POINTS) for k in ranges}
        values = {k: lo + u[k] * (hi - lo) for k, (lo, hi) in ranges.items()}
        failures: list = []
        consistent_draws(system, values, failures=failures)
        bad = np.asarray(failures[0]) != "" if failures else np.zeros(START_CHECK_POINTS, bool)
        if not bad.any():
            return system, ranges, held
        candidates = [k for k in ranges if ranges[k][1] > ranges[k][0] and k in medians]
        if added == max_held or not candidates:
            break
        name = max(candidates, key=lambda k: abs(float(u[k][bad].mean()) - 0.5))
        held[name] = medians[name]
        del ranges[name]
        system = rebuild(held)
    raise ModelError(f"{int(bad.sum())} of {START_CHECK_POINTS} points of the independent ranges have no start at "
                     f"rest with {', '.join(held)} held at their medians: narrow the ranges (--names) or draw jointly "
                     "(dgm ensemble)")


def _model_and_draws(args, *, n: int, sobol_ranges: bool = False):
    """The (calibrated) model and the draw table or ranges the options ask for (options checked
    by :func:`_check_common` and, for ``--table``, by :func:`ensemble_cmd`)."""
    from calibration.params import default_param_file
    from calibration.posterior import STRUCTURAL_PRIORS, MissingVariantError, posterior_draws

    from ..analysis.draws import draw_ranges, from_bounds, from_table, truncate_to_start
    from ..directed_growth.attribution import stable_at_rest
    from ..directed_growth.priors import PRIORS, shape_draws
    from .common import calibrated_model

    path = None if args.defaults else (args.params or default_param_file((args.country or "USA").lower()))
    durable = getattr(args, "durable", False)
    system = calibrated_model(path, args.country, politics=durable, variant=getattr(args, "variant", None))
    names = _split(args.names) or None
    table = getattr(args, "table", None)
    if table is not None:
        try:
            return system, from_table(table, system), path
        except ModelError as exc:
            if str(exc).startswith("draw table"):
                raise ModelError(f"--table: {exc}") from None
            raise ModelError(f"--table {table}: {exc}") from None
    if names:  # checked here, before any draw: a clear error for a name that is not drawable
        from ..directed_growth.factory import derived_of
        from ..directed_growth.start_state import INSTEAD

        derived = [x for x in names if x in derived_of(system)]
        if derived:
            hint = "; ".join(f"for {x} draw {INSTEAD[x]}" for x in derived if x in INSTEAD)
            raise ModelError(f"--names: {', '.join(map(repr, derived))} derived from the start state, not drawn; "
                             + (hint or "draw what it is derived from instead"))
        try:
            draw_ranges(system, names, _prior_ranges(names))
        except ModelError as exc:
            raise ModelError(f"--names: {exc}") from None
    if path is not None and not names:
        variant = args.variant  # None: the file's default (a joint file's Mazzucato table, or its blocks)
        try:
            if sobol_ranges:  # the ranges of the posterior truncated to draws with a start at rest
                draws = truncate_to_start(system, lambda m, s: posterior_draws(path, m, seed=s, system=system,
                                                                               variant=variant), n, seed=args.seed)
            else:  # the posterior truncated to the region where a stable start at rest exists (An & Schorfheide
                # 2007; model.directed_growth.attribution)
                draws = truncate_to_start(system, lambda m, s: posterior_draws(path, m, seed=s, system=system,
                                                                               variant=variant),
                                          n, seed=args.seed, stable=stable_at_rest)
        except MissingVariantError as exc:  # a variant the file has no posterior table for: name the option
            raise missing_variant(exc, args.country) from None
        draws = _with_politics(draws, system, args, durable)
        if sobol_ranges:  # independent uniform ranges: the central 95% of each marginal
            args.draws_from = _draws_source(args, path, draws)
            held = {c: float(draws[c].median()) for c in SOBOL_HELD if c in draws.columns}
            draws = draws.drop(columns=["g_Z"], errors="ignore")
            ranges = {c: tuple(draws[c].quantile([0.025, 0.975])) for c in draws.columns}
            system, ranges, held = _held_until_every_start(
                lambda h: calibrated_model(path, args.country, politics=durable, variant=args.variant, values=h),
                ranges, {c: float(draws[c].median()) for c in draws.columns}, held, seed=args.seed)
            if held:  # at the medians of the posterior truncated to a start, which lie inside the start region
                args.draws_from += ("; held at the medians of those draws truncated to a start at rest: "
                                    + ", ".join(f"{k} {v:.4g}" for k, v in held.items())
                                    + " (their independent ranges reach draws without a start at rest: autonomous "
                                    "household consumption not positive)")
            return system, ranges, path
        return system, draws, path
    names = names or list(STRUCTURAL_PRIORS)
    ranges = _prior_ranges(names)
    if sobol_ranges:  # the stated priors, else the declared bounds
        return system, dict(zip(names, map(tuple, draw_ranges(system, names, ranges)))), path
    method = getattr(args, "method", "lhs")
    stated = [k for k in names if k in PRIORS and ranges.get(k) == PRIORS[k][:2]]
    draws = truncate_to_start(system, lambda m, s: shape_draws(from_bounds(system, names, m, method=method, seed=s,
                                                                           ranges=ranges), stated),
                              n, seed=args.seed, stable=stable_at_rest)
    return system, (draws if _split(args.names) else _with_politics(draws, system, args, durable)), path


def _prior_ranges(names) -> dict[str, tuple[float, float]]:
    """The stated prior range of each of ``names`` that has one (:data:`~model.directed_growth.priors.PRIORS`,
    :data:`~model.directed_growth.priors.POLITICS_PRIORS`); the others are drawn over their declared bounds."""
    from ..directed_growth.priors import POLITICS_PRIORS, PRIORS

    table = {**PRIORS, **POLITICS_PRIORS}
    return {k: table[k][:2] for k in names if k in table}


def _with_politics(draws, system, args, durable: bool):
    """``draws`` with the vote function's parameters (:data:`~model.directed_growth.priors.POLITICS_PRIORS`)
    drawn too for ``--durable`` (Latin hypercube, seed ``--seed`` + 1)."""
    if not durable:
        return draws
    import pandas as pd

    from ..analysis.draws import from_bounds
    from ..directed_growth.priors import POLITICS_PRIORS

    extra = from_bounds(system, list(POLITICS_PRIORS), len(draws), method="lhs", seed=args.seed + 1,
                        ranges={k: v[:2] for k, v in POLITICS_PRIORS.items()})
    extra.index = draws.index
    out = pd.concat([draws, extra], axis=1)
    out.attrs = dict(draws.attrs)
    return out


def _check_store(store: Path | None) -> None:
    """``--store``: a new directory, or a store whose manifest is readable JSON."""
    import json

    from ..files import check_output

    if store is None:
        return
    check_output(store, "--store", force=True, directory=True)
    manifest = store / "manifest.json"
    if manifest.is_dir():
        raise ModelError(f"--store {store}: {manifest} is a directory; this is not an ensemble store")
    if manifest.exists():
        try:
            doc = json.loads(manifest.read_text())
        except (ValueError, UnicodeDecodeError, OSError) as exc:
            raise ModelError(f"--store {store}: {manifest} is corrupt ({' '.join(str(exc).split())}); it is not "
                             "an ensemble store written by dgm ensemble: delete the directory or use another") from None
        if not isinstance(doc, dict):
            raise ModelError(f"--store {store}: {manifest} is not the manifest of an ensemble store (not a JSON "
                             "object); delete the directory or use another")
    elif store.is_dir() and any(store.iterdir()) and not (store / "chunks").is_dir():
        raise ModelError(f"--store {store} is a non-empty directory and not an ensemble store (no manifest.json "
                         "or chunks/): choose a new or empty directory")


def _check_grid(args, *, members: int, series: int, what: str, t_end: float | None = None) -> None:
    """Refuse an ensemble whose kept paths would not fit in memory (estimate vs the limit); ``t_end``
    default ``args.t_end``."""
    from ..directed_growth.factory import T0
    from .checks import check_size

    years = int((args.t_end if t_end is None else t_end) - T0) + 1
    check_size(f"{what}: {plural(members, 'member')} x 3 policies x {plural(series, 'series')} x "
               f"{plural(years, 'year')}",
               members * 3 * series * years, "use fewer draws, fewer --variables, an earlier --t-end "
               "or --store (memory bounded by --chunk-size)")


def _run_ensemble(args, started, *, variables=None, parts: dict | None = None):
    """The ensemble the options ask for; ``parts`` (a dict) receives the ``system``, ``draws`` and
    ``policies`` integrated."""
    from ..directed_growth.factory import T0
    from ..solve.ensembles import ensemble
    from ..solve.identities import identities_line

    system, draws, path = _model_and_draws(args, n=args.draws)
    if draws.attrs.get("no_start_redrawn"):
        _say(f"{plural(draws.attrs['no_start_redrawn'], 'draw')} without a start at rest re-drawn "
             f"({100 * draws.attrs['no_start_share']:.2f}% of the first {number(len(draws))}: prior truncated)",
             started)
    if draws.attrs.get("unstable_redrawn"):
        _say(f"{plural(draws.attrs['unstable_redrawn'], 'draw')} with a locally unstable start at rest re-drawn "
             f"({100 * draws.attrs['unstable_share']:.2f}% of the first {number(len(draws))}: prior truncated)",
             started)
    source = _draws_source(args, path, draws)
    _say(f"{plural(len(draws), 'draw')} of {', '.join(draws.columns)} ({source})", started)
    policies = [p.factory() for p in system.meta.policies]
    if getattr(args, "durable", False):
        from ..directed_growth.policies import durable

        policies = [durable(system, p) for p in policies]
    ens = ensemble(system, draws, policies, t_span=(T0, args.t_end),
                   variables=variables, chunk_size=getattr(args, "chunk_size", 2500),
                   store=getattr(args, "store", None), client=args.scheduler, progress=True)
    ens.attrs["draws_from"] = source
    _say(identities_line(ens), started)
    if parts is not None:
        parts.update(system=system, draws=draws, policies=policies)
    return _name_country(ens, system)


def _draws_source(args, path, draws) -> str:
    """Where the draws come from, in words: the parameter file and, for a joint calibration, which variant's
    posterior (``--variant``)."""
    if path is None:
        return "literature defaults"
    sources = getattr(draws, "attrs", {}).get("sources", {})
    joint = any(str(v).startswith("joint posterior") for v in sources.values())
    variant = f", joint posterior of the {args.variant or 'mazzucato'} variant" if joint else ""
    return f"parameters {Path(path).resolve()}{variant}"


def _name_country(ds, system):
    """``ds`` with the attributes ``country`` (ISO code) and ``country_name`` of the model it came from
    (as ``dgm compare`` sets them)."""
    from ..directed_growth.countries import country_start

    code = system.origin.get("kwargs", {}).get("country") or "USA"
    ds.attrs["country"], ds.attrs["country_name"] = code, country_start(code).name
    return ds


def _write_nc(ds, path: Path) -> None:
    from ..files import write_atomic

    write_atomic(path, lambda tmp: ds.to_netcdf(tmp))


def ensemble_cmd(args) -> int:
    """``dgm ensemble``: check every input, integrate the draws, write the ensemble and the report."""
    from ..analysis.discovery import report
    from ..directed_growth.attribution import attribute, attribution_text
    from ..directed_growth.factory import KEEP, T0
    from ..directed_growth.outcomes import overheating_text
    from ..files import check_input, check_output, write_atomic
    from ..solve.plausible import flag_summary
    from .checks import at_least

    started = time.perf_counter()
    check_output(args.out, "--out", force=args.force, suffixes=(".nc",))
    if args.report is not None:
        check_output(args.report, "--report", force=args.force)
        if args.report.absolute() == args.out.absolute():
            raise ModelError(f"--report and --out name the same file {args.out}")
    _check_common(args, n=args.draws)
    if args.durable:
        from ..directed_growth.mechanisms.politics import check_vote_function

        try:
            check_vote_function(args.country)
        except ModelError as exc:
            raise ModelError(f"--durable: {exc}") from None
    at_least("--chunk-size", args.chunk_size, 1)
    _check_store(args.store)
    variables = None if args.variables is None else tuple(dict.fromkeys(_split(args.variables)))
    n = args.draws
    if args.table is not None:
        check_input(args.table, "--table", "draw table (CSV, one column per parameter)")
    members = min(n, args.chunk_size) if args.store is not None else n
    _check_grid(args, members=members, series=len(KEEP if variables is None else variables),
                what=f"--draws {number(n)} to --t-end {args.t_end:g}")
    if variables:
        from ..directed_growth.factory import directed_growth

        system = directed_growth(politics=args.durable)
        bad = [v for v in variables if v not in system.variables or system.variables[v].kind == "parameter"]
        if bad:
            valid = sorted(k for k, v in system.variables.items() if v.kind != "parameter")
            raise ModelError(f"--variables: {', '.join(map(repr, bad))} not a path of the model; valid: "
                             f"{', '.join(valid)}")
    if args.prior_sensitivity:
        at_least("--sensitivity-draws", args.sensitivity_draws, 2)
        for option, bad in (("--table", args.table is not None), ("--durable", args.durable)):
            if bad:
                raise ModelError(f"--prior-sensitivity re-maps prior draws: it does not combine with {option}")
    parts: dict = {}
    ens = _run_ensemble(args, started, variables=variables, parts=parts)
    _say(f"integrated in {ens.attrs['seconds']:.1f} s; the flagged draws again with climate damages off", started)
    ens["member_class"] = attribute(parts["system"], ens, parts["draws"], parts["policies"], t_span=(T0, args.t_end),
                                    chunk_size=args.chunk_size, client=args.scheduler)
    _say(f"writing {args.out}", started)
    _write_nc(ens, args.out)
    contrast = tuple(f"{p}_durable" for p in _CONTRAST) if args.durable else _CONTRAST
    text = (f"Draws: {ens.attrs['draws_from']}.\n" + report(ens, *contrast)
            + ("\n" + overheating_text(ens) if "overheating_years" in ens else "")
            + "\nMembers that did not integrate to the end or left the plausible range "
            f"(flagged: left out of the outcome statistics, counted as a loss in the comparisons above; the "
            f"categories below say which collapsed and which failed): {flag_summary(ens)}.\n"
            + attribution_text(ens["member_class"], truncated=parts["draws"].attrs))
    if args.prior_sensitivity:
        text += "\n\n" + _prior_sensitivity_text(args, ens, started)
    print(text)
    if args.report:
        write_atomic(args.report, lambda tmp: tmp.write_text(text + "\n"))
    return 0


#: fewer draws per prior-sensitivity ensemble than this and the table says so (the binomial s.e. of p at 0.5 is
#: then above 2.2 pp, the size of the changes the table is for)
FEW_SENSITIVITY_DRAWS = 500


def _prior_sensitivity_text(args, ens, started) -> str:
    """The prior-sensitivity table of ``dgm ensemble --prior-sensitivity`` (plain text): the assumption-only
    priors drawn in ``ens`` (not estimated by the parameter file), each scaled x0.5 and x1.5, on the first
    ``--sensitivity-draws`` members (their draws reused, only that parameter re-mapped)."""
    import pandas as pd

    from ..analysis.discovery import prior_sensitivity, sensitivity_text
    from ..directed_growth.factory import T0
    from ..directed_growth.priors import ASSUMPTION_ONLY, PRIORS
    from ..solve.ensembles import ensemble

    system, draws, path = _model_and_draws(args, n=args.draws)
    estimated = set()
    if path is not None:
        from calibration.posterior import file_parameters

        estimated = file_parameters(path, kept_defaults=False)  # [kept_default]: drawn from their stated prior
    names = [k for k in ASSUMPTION_ONLY if k in draws.columns and k not in estimated]
    if not names:
        return "Prior sensitivity: no assumption-only prior among the drawn parameters."
    m = min(args.sensitivity_draws, len(draws))
    base_draws = draws.iloc[:m]
    base = ens.isel(draw=slice(0, m))
    policies = [p.factory() for p in system.meta.policies]

    def run(d: pd.DataFrame):
        return ensemble(system, d, policies, t_span=(T0, args.t_end), variables=(),
                        chunk_size=args.chunk_size, client=args.scheduler, progress=False)

    _say(f"prior sensitivity: {plural(len(names), 'parameter')} x 2 settings, {plural(m, 'draw')} each", started)
    table = prior_sensitivity(run, base_draws, {k: PRIORS[k][:2] for k in names}, *_CONTRAST, base=base,
                              bounds={k: system[k].bounds for k in names}, progress=True)
    text = sensitivity_text(table)
    if m < FEW_SENSITIVITY_DRAWS:
        warning = (f"warning: only {plural(m, 'draw')} per prior-sensitivity ensemble: one draw moves p by "
                   f"{100 / m:.2g} pp and its Monte Carlo s.e. reaches {50 / m ** 0.5:.2g} pp; use at least "
                   f"{FEW_SENSITIVITY_DRAWS:,} (--draws and --sensitivity-draws) to separate changes of a few pp")
        _say(warning, started)
        text = warning + "\n" + text
    return text


def _check_design(option: str, n: int, method: str, outcomes: int, d: int | None = None) -> None:
    """Refuse a Sobol or Morris design too large for memory: ``n`` base samples (or trajectories)
    over ``d`` parameters (None: before the parameters are known, at least one)."""
    from .checks import check_size

    runs = n * (2 * (d or 1) + 2 if method == "sobol" else (d or 1) + 1)
    over = f" over {plural(d, 'parameter')}" if d is not None else ""
    check_size(f"{method} with {option} {number(n)}{over}: {'' if d else 'at least '}{plural(runs, 'evaluation')} "
               "x 3 policies", runs * 3 * ((d or 1) + outcomes + 1), f"use a smaller {option}")


def _run_sensitivity(args, started, *, method: str, n: int, outcomes, contrast, policy, t_end=None,
                     option: str = "--draws"):
    from ..analysis.global_sensitivity import model_sensitivity
    from ..directed_growth.factory import T0
    system, ranges, path = _model_and_draws(args, n=max(n, RANGE_DRAWS), sobol_ranges=True)
    _check_design(option, n, method, len(outcomes), len(ranges))
    source = getattr(args, "draws_from", None) or _draws_source(args, path, {})
    _say(f"{method} over {plural(len(ranges), 'parameter')}: {', '.join(ranges)} ({source})", started)
    si = model_sensitivity(system, ranges, method=method, n=n, policies=[p.factory() for p in system.meta.policies],
                           policy=policy, contrast=contrast, outcomes=outcomes, seed=args.seed,
                           t_span=(T0, args.t_end if t_end is None else t_end), client=args.scheduler)
    si.attrs["draws_from"] = source
    return _name_country(si, system)


def _split(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def _check_policies(args) -> tuple[tuple[str, str] | None, str | None]:
    """``--contrast`` and ``--policy`` of ``dgm sensitivity``: valid policy names, one target."""
    from .common import POLICY_PATHS

    contrast = _split(args.contrast)
    if contrast and len(contrast) != 2:
        raise ModelError(f"--contrast takes two policy names A,B, got {args.contrast!r}")
    if contrast and args.policy:
        raise ModelError("--policy analyses one path: pass --contrast '' with it")
    if not contrast and not args.policy:
        raise ModelError(f"--contrast '' analyses one path: name it with --policy ({', '.join(POLICY_PATHS)})")
    for option, names in (("--contrast", contrast), ("--policy", [args.policy] if args.policy else [])):
        bad = [x for x in names if x not in POLICY_PATHS]
        if bad:
            raise ModelError(f"{option}: unknown policy {', '.join(map(repr, bad))}; valid: {', '.join(POLICY_PATHS)}")
    if contrast and contrast[0] == contrast[1]:
        raise ModelError(f"--contrast compares two different policies, got {args.contrast!r}")
    return (tuple(contrast) if contrast else None), args.policy


def _check_outcomes(text: str) -> list[str]:
    from ..directed_growth.outcomes import OUTCOMES

    valid = [o.name for o in OUTCOMES.values() if not o.experiment]
    names = list(dict.fromkeys(_split(text)))
    bad = [o for o in names if o not in valid]
    if bad or not names:
        raise ModelError(f"--outcome: unknown outcome(s) {', '.join(map(repr, bad)) or '(none given)'}; "
                         f"valid: {', '.join(valid)}")
    return names


def sensitivity_cmd(args) -> int:
    """``dgm sensitivity``: check every input, compute the indices, write them."""
    from ..files import check_output

    started = time.perf_counter()
    check_output(args.out, "--out", force=args.force, suffixes=(".nc",))
    contrast, policy = _check_policies(args)
    outcomes = _check_outcomes(args.outcome)
    _check_common(args, n=args.draws)
    _check_grid(args, members=2500, series=22, what=f"--t-end {args.t_end:g}")
    _check_design("--draws", args.draws, args.method, len(outcomes))
    si = _run_sensitivity(args, started, method=args.method, n=args.draws, outcomes=outcomes,
                          contrast=contrast, policy=policy)
    _write_nc(si, args.out)
    cols = ("S1", "S1_conf", "ST", "ST_conf") if args.method == "sobol" else ("mu_star", "mu_star_conf", "sigma")
    print(si[list(cols)].to_dataframe().round(4).to_string())
    _say(f"{plural(si.attrs['n_evaluations'], 'draw')} x 3 policies -> {args.out}", started)
    return 0


#: the two policy paths whose difference the reports, tornado charts and Sobol analysis explain
_CONTRAST = ("market_shaping", "market_fixing")
#: outcomes drawn as tornado charts by ``dgm figures``
_TORNADO = ("avg_growth", "wage_share_mean", "T_end", "public_debt_end")
#: the files ``dgm figures`` writes into --out, before the country's code is added (:func:`.common.country_files`)
FIGURE_FILES = tuple(f"{n}.{e}" for n in ("fan_chart", *(f"tornado_{o}" for o in _TORNADO), "sobol_indices")
                     for e in ("pdf", "png")) + ("outcome_intervals.tex",)


def _result_country(ds, source: str) -> str | None:
    """The country of a result read from a file: its ``country`` attribute (written by ``dgm ensemble``,
    ``dgm sensitivity``, ``dgm compare``), else the directed-growth model's origin in its provenance
    (the model built without a country starts from US data); None when the file does not say.

    Raises
    ------
    ModelError
        The file names a country that is not one of the model's (one line naming ``source``).
    """
    import json

    from ..directed_growth.countries import COUNTRIES

    code = ds.attrs.get("country")
    if code is None and "provenance" in ds.attrs:
        try:
            prov = json.loads(ds.attrs["provenance"])
        except (TypeError, ValueError):
            return None
        if not isinstance(prov, dict) or prov.get("model") != "directed_growth":
            return None
        kwargs = (prov.get("origin") or {}).get("kwargs") if isinstance(prov.get("origin"), dict) else None
        code = (kwargs.get("country") if isinstance(kwargs, dict) else None) or "USA"
    if code is None:
        return None
    if not isinstance(code, str) or code.upper() not in COUNTRIES:
        shown = reprlib.repr(code)  # a crafted attribute can be any length: shown shortened
        raise ModelError(f"{source}: unknown country {shown} in the file; valid: {', '.join(COUNTRIES)}")
    return code.upper()


def _figures_country(args, read: dict[str, object]) -> str:
    """The country ``dgm figures`` draws: that of the files read (``--ensemble``, ``--sensitivity``; they
    must agree, and agree with ``--country``), else ``--country``, else the parameter file's, else USA.
    ``args.country`` is set to it, so what is computed is of the same country."""
    from .common import file_country, model_country

    found = {source: code for source, ds in read.items() if (code := _result_country(ds, source)) is not None}
    if len(set(found.values())) > 1:
        raise ModelError(f"{' but '.join(f'{s} holds results for {c}' for s, c in found.items())}; give files of "
                         "one country")
    code = next(iter(found.values()), None)
    if code is not None and args.country is not None and args.country != code:
        source = next(iter(found))
        raise ModelError(f"--country {args.country} but {source} holds results for {code}; pass --country {code} "
                         "or omit it")
    args.country = code or args.country
    if len(read) < 2:  # something is computed: the parameter file must be of the same country
        from calibration.params import default_param_file

        path = None if args.defaults else (args.params or default_param_file((args.country or "USA").lower()))
        calibrated = None if path is None else file_country(path)
        if code is not None and calibrated not in (None, code):
            raise ModelError(f"{next(iter(found))} holds results for {code} but --params {path} is calibrated for "
                             f"{calibrated}; give a parameter file for {code}")
        args.country = model_country(args.country, path)
    return args.country or "USA"


def _ensemble_problem(ds) -> str | None:
    if "draw" not in ds.dims or "policy" not in ds.dims:
        return f"it has no 'draw' and 'policy' dimensions (dimensions: {', '.join(map(str, ds.dims)) or 'none'})"
    missing = [o for o in _TORNADO if o not in ds.data_vars]
    if missing:
        return f"outcome(s) {', '.join(missing)} missing"
    pols = [str(p) for p in ds.policy.values]
    if not set(_CONTRAST) <= set(pols):
        return f"policies {' and '.join(_CONTRAST)} needed, it has {', '.join(pols)}"
    if not any("time" in v.dims for v in ds.data_vars.values()):
        return "it kept no paths over time (run dgm ensemble without --variables '')"
    return None


def _sensitivity_problem(ds) -> str | None:
    if "mu_star" in ds.data_vars:
        return "it holds Morris screening (mu_star); the figures need Sobol indices (dgm sensitivity --method sobol)"
    if not {"S1", "ST"} <= set(ds.data_vars):
        return "no Sobol indices S1, ST in it"
    return None


def figures_cmd(args) -> int:
    """``dgm figures``: check every input and output first, then draw the set into --out."""
    from ..directed_growth.factory import T0
    from ..files import check_output
    from .checks import at_least, finite, load_nc

    started = time.perf_counter()
    out: Path = args.out
    check_output(out, "--out", force=True, directory=True)
    ens = si = None
    read = {}
    if args.ensemble is not None:
        from ..directed_growth.outcomes import label_outcomes

        ens = label_outcomes(load_nc(args.ensemble, "--ensemble", "an ensemble written by dgm ensemble",
                                     _ensemble_problem))
        read[f"--ensemble {args.ensemble}"] = ens
    if args.sensitivity is not None:
        si = load_nc(args.sensitivity, "--sensitivity", "a sensitivity file written by dgm sensitivity",
                     _sensitivity_problem)
        read[f"--sensitivity {args.sensitivity}"] = si
    country = _figures_country(args, read)
    names = country_files(FIGURE_FILES, country)
    if not args.force and out.is_dir():
        exist = [f for f in names if (out / f).exists()]
        if exist:
            raise ModelError(f"--out {out} already holds {', '.join(exist[:3])}{', ...' if len(exist) > 3 else ''}; "
                             "pass --force to overwrite them")
    if ens is None:
        _check_common(args, n=args.draws)
        _check_grid(args, members=args.draws, series=7,
                    what=f"--draws {number(args.draws)} to --t-end {args.t_end:g}")
    if si is None:
        at_least("--sobol-n", args.sobol_n, 1)
        finite("--sobol-t-end", args.sobol_t_end)
        if not args.sobol_t_end > T0:
            raise ModelError(f"--sobol-t-end must be after {T0:g}, got {args.sobol_t_end:g}")
        _check_grid(args, members=2500, series=22, what=f"--sobol-t-end {args.sobol_t_end:g}",
                    t_end=args.sobol_t_end)
        _check_design("--sobol-n", args.sobol_n, "sobol", 3)
        if ens is not None:
            _check_common(args, n=args.draws)
    if ens is None:
        ens = _run_ensemble(args, started)
    if si is None:
        si = _run_sensitivity(args, started, method="sobol", n=args.sobol_n,
                              outcomes=["avg_growth", "wage_share_mean", "T_end"],
                              contrast=_CONTRAST, policy=None, t_end=args.sobol_t_end, option="--sobol-n")
    _draw_figures(ens, si, out, country)
    _say(f"wrote {', '.join(names)} to {out}/", started)
    return 0


def _draw_figures(ens, si, out: Path, country: str) -> None:
    """Every figure and the table into a temporary folder, then moved into ``out`` (all or nothing)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..directed_growth.figures_uncertainty import fan_chart, outcome_interval_table, sobol_bars, tornado
    from ..files import FileSet

    def name(n: str) -> str:
        return country_file(n, country)

    with FileSet(out) as d:
        d.write(name("fan_chart"), lambda p: plt.close(fan_chart(ens, path=p)))
        for o in _TORNADO:
            d.write(name(f"tornado_{o}"), lambda p, o=o: plt.close(tornado(ens, o, path=p)))
        d.write(name("sobol_indices"), lambda p: plt.close(sobol_bars(si, path=p)))
        d.write(name("outcome_intervals.tex"), lambda p: p.write_text(outcome_interval_table(ens)))

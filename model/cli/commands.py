"""Command-line interface ``dgm``.

Errors in user input end with a one-line message on standard error naming the
option or file (and the valid choices), exit status 2; a failed integration is
one line and status 1. Inputs are checked before any work starts, and no
command overwrites an existing file without ``--force`` or leaves a temporary
file behind (:mod:`model.files`). Anything else is a bug: its traceback is
shown with a request to report it, exit status 3. Set ``DGM_DEBUG=1`` to see
tracebacks of input errors too.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from calibration.posterior import VARIANTS

from ..errors import CalibrationError, ModelError, SolverError
from ..text import plain, plural
from .common import COUNTRY_HELP, POLICY_PATHS, calibrated_model, country_file, country_option, model_country

#: output files of ``dgm compare`` before the country's code is added (the set of a country:
#: ``country_files(COMPARE_FILES, "USA")``, replaced as a unit); also the names it wrote before they
#: carried the country, kept where found
COMPARE_FILES = ("comparison.nc", "outcomes.csv") + tuple(
    f"{n}.{e}" for n in ("scenario_panel", "lever_paths", "outcome_table") for e in ("pdf", "png"))
#: exit status when standard output's reader closed it early: 128 + SIGPIPE, what a shell reports for
#: ``git log | head -1`` or ``yes | head -1`` (coreutils and git die of the signal)
BROKEN_PIPE = 141
#: formats of ``dgm run --plot``
_PLOT_FORMATS = (".png", ".pdf", ".svg")


class _UsageError(Exception):
    """A command-line syntax error (argparse), reported as one line."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``dgm run: error: ... (see dgm run --help)``."""

    def error(self, message: str):
        raise _UsageError(f"{self.prog}: error: {' '.join(message.split())} (see {self.prog} --help)")


#: a decimal number in ASCII (with inf and nan, refused later as not finite)
_DECIMAL = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)", re.IGNORECASE | re.ASCII)


def _assignment(text: str) -> tuple[str, float]:
    import math

    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        if not _DECIMAL.fullmatch(value.strip()):  # float() also takes "1_0" and non-ASCII digits
            raise ValueError(value)
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"value of {name.strip()!r} is not a number: {value!r} (a decimal "
                                         "number such as 0.5, 1e-3 or -2)") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"value of {name.strip()!r} must be finite, got {value!r}")
    return name.strip(), number


def _parser() -> argparse.ArgumentParser:
    from ..catalogue import MODELS
    from ..solve.simulation import METHODS

    p = _Parser(prog="dgm", description="directed-growth: run, inspect and export models.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="simulate a model and write a netCDF file",
                         description="Simulate a reference model with its default parameters (overridable) "
                                     "and write the result (xarray Dataset) to netCDF.")
    run.add_argument("model", choices=sorted(MODELS), metavar="MODEL",
                     help=f"model name: {', '.join(sorted(MODELS))}")
    run.add_argument("--param", action="append", type=_assignment, default=[], metavar="NAME=VALUE",
                     help="override a parameter (repeatable)")
    run.add_argument("--init", action="append", type=_assignment, default=[], metavar="NAME=VALUE",
                     help="override an initial stock value (repeatable)")
    run.add_argument("--t-start", type=float, default=None, metavar="YEAR",
                     help="start time [year] (default: the model's own span)")
    run.add_argument("--t-end", type=float, default=None, metavar="YEAR",
                     help="end time [year] (default: the model's own span)")
    run.add_argument("--step", type=float, default=None, metavar="YEARS",
                     help="output interval [year] (default 1; discrete maps: their step)")
    run.add_argument("--method", choices=METHODS, default="auto", help="solver (default auto)")
    run.add_argument("--rtol", type=float, default=1e-8, help="relative tolerance (default 1e-8)")
    run.add_argument("--out", required=True, type=Path, metavar="FILE.nc", help="output netCDF file")
    run.add_argument("--plot", type=Path, default=None, metavar="FIG.png",
                     help="also draw the stocks over time (png, pdf or svg)")
    run.add_argument("--force", action="store_true", help="overwrite existing output files (--out, --plot)")

    eq = sub.add_parser("equations", help="print a model's equations and nomenclature",
                        description="Print the equations and the parameter table as LaTeX or Markdown.")
    eq.add_argument("model", choices=sorted(MODELS), metavar="MODEL", help=f"model name: {', '.join(sorted(MODELS))}")
    eq.add_argument("--format", choices=("latex", "markdown"), default="latex", help="output format")
    eq.add_argument("--out", type=Path, default=None, metavar="FILE", help="write to FILE instead of stdout")
    eq.add_argument("--force", action="store_true", help="overwrite an existing --out file")

    sub.add_parser("models", help="list the reference models",
                   description="List the reference models (the MODEL names of dgm run and dgm equations) with "
                               "their number of stocks and a one-line description.")

    cmp_ = sub.add_parser("compare", help="compare the policy paths of the directed-growth model",
                          description="Simulate the directed-growth model under business as usual, market "
                                      "fixing and market shaping (model.directed_growth.policies.PATHS) from 2025, and "
                                      "write "
                                      "comparison_CODE.nc, outcomes_CODE.csv and the figures scenario_panel_CODE, "
                                      "lever_paths_CODE and outcome_table_CODE (PDF and PNG; CODE the country, "
                                      "usa or gbr) to DIR. The country's set in DIR is replaced as a unit "
                                      "(written to a temporary folder, then swapped in); a previous set of the "
                                      "same country is replaced only with --force, another country's set is "
                                      "kept, a DIR holding other files is refused.")
    cmp_.add_argument("--params", type=Path, default=None, metavar="FILE",
                      help="TOML file with a [parameters] table (name = value) overriding the defaults "
                           "(default: the joint calibration of --country, calibration/params/usa_joint.toml or "
                           "gbr_joint.toml)")
    cmp_.add_argument("--country", type=country_option, default=None, metavar="CODE", help=COUNTRY_HELP)
    cmp_.add_argument("--defaults", action="store_true",
                      help="use the model's literature defaults instead of a calibration")
    cmp_.add_argument("--variant", choices=VARIANTS, default=None,
                      help="run at the posterior medians of this variant of a joint calibration (dgm calibrate "
                           "--joint; the shipped calibration/params/usa_joint.toml, gbr_joint.toml): fitted to the "
                           "Mazzucato evidence on mission R&D (the file's [parameters]) or to Boysen-Hogrefe's "
                           "(2025) post-1985 responses (its [posterior_bh] medians)")
    cmp_.add_argument("--out", type=Path, default=Path("results"), metavar="DIR",
                      help="output directory (default: results)")
    cmp_.add_argument("--t-end", type=float, default=2100.0, metavar="YEAR", help="end year (default 2100)")
    cmp_.add_argument("--force", action="store_true", help="replace a previous comparison of the country in DIR")
    cmp_.add_argument("--no-impulse", action="store_true",
                      help="skip the public-investment multipliers (two extra short runs per policy)")
    cmp_.add_argument("--durable", action="store_true",
                      help="political durability (US only): the model with public support and elections; each "
                           "policy but business as usual reverts to it after an election its incumbents lose "
                           "(support below one half; named <policy>_durable; the outcome table adds years in force "
                           "and reversals; the files end in _durable, beside the plain comparison)")
    cmp_.add_argument("--policies", default=None, metavar="NAMES",
                      help=f"comma-separated subset of {','.join(POLICY_PATHS)} (default: all)")
    from .calibrate import add_parser as add_calibrate
    from .uncertainty import add_parsers as add_uncertainty
    from .warm import add_parser as add_warm

    add_calibrate(sub)
    add_uncertainty(sub)
    add_warm(sub)
    return p


def _time_points(system, args, t0: float, t1: float) -> tuple[int, float | None]:
    """Number of output times and ``dt`` (forward Euler) of ``dgm run`` (checked: --step within the span)."""
    import math

    span = t1 - t0
    step = system.dt if system.is_discrete else args.step
    if not math.isfinite(span / (step or 1.0)):
        raise ModelError(f"the span {t0:g} to {t1:g}" + (f" every {step:g} years" if step else "") + " has more "
                         f"than {sys.float_info.max:.2g} output times; choose a shorter span"
                         + (" or a larger --step" if args.step else ""))
    if system.is_discrete:
        if args.step is not None and not math.isclose(args.step, system.dt):
            raise ModelError(f"--step: model {system.name!r} is a discrete map with a fixed step of {system.dt:g} "
                             f"years; omit --step (got {args.step:g})")
        if span < system.dt * (1 - 1e-9):
            raise ModelError(f"--t-end: the span {t0:g} to {t1:g} is shorter than one step ({system.dt:g} years) "
                             f"of the discrete map {system.name!r}")
        return int(math.floor(span / system.dt + 1e-9)) + 1, None
    if args.step is not None and args.step > span * (1 + 1e-12):
        raise ModelError(f"--step {args.step:g} is longer than the span {t0:g} to {t1:g}; give a step of at most "
                         f"{span:g} years")
    if args.method == "discrete":
        if args.step is None:
            raise ModelError("--method discrete (forward Euler) needs --step YEARS, its step size")
        return int(math.floor(span / args.step + 1e-9)) + 1, args.step
    if args.step is None:
        n = int(math.floor(span + 1e-9))
        return (n + 1 if n >= 2 else 101), None
    return int(math.floor(span / args.step + 1e-9)) + 1, None


def _run(args) -> int:
    from ..catalogue import get
    from ..files import check_output, write_atomic
    from ..solve.simulation import simulate
    from .checks import check_rtol, check_size, finite, no_duplicates, positive

    check_output(args.out, "--out", force=args.force, suffixes=(".nc", ".nc4", ".netcdf"))
    if args.plot is not None:
        check_output(args.plot, "--plot", force=args.force, suffixes=_PLOT_FORMATS)
        if args.plot.absolute() == args.out.absolute():
            raise ModelError(f"--plot and --out name the same file {args.out}")
    params = no_duplicates("--param", args.param)
    initial = no_duplicates("--init", args.init)
    finite("--t-start", args.t_start)
    finite("--t-end", args.t_end)
    positive("--step", args.step)
    check_rtol(args.rtol)
    system = get(args.model)
    for option, given, kind in (("--param", params, "parameter"), ("--init", initial, "stock")):
        valid = system.parameters if kind == "parameter" else system.stocks
        unknown = sorted(set(given) - set(valid))
        if unknown:
            raise ModelError(f"{option}: unknown {kind}(s) {', '.join(map(repr, unknown))} for model "
                             f"{system.name!r}; valid: {', '.join(sorted(valid))}")
    t0, t1 = system.meta.t_span or (0.0, 100.0)
    t0 = t0 if args.t_start is None else args.t_start
    t1 = t1 if args.t_end is None else args.t_end
    if not t1 > t0:
        raise ModelError(f"--t-end {t1:g} must be after the start {t0:g}")
    n_times, dt = _time_points(system, args, t0, t1)
    n_series = sum(v.kind != "parameter" for v in system.variables.values())
    check_size(f"{args.model} from {t0:g} to {t1:g}" + (f" every {args.step:g} years" if args.step else "") +
               f": {plural(n_times, 'time')} x {plural(n_series, 'series')}", float(n_times) * n_series,
               "use a larger --step or a shorter span")
    t_eval = None
    if args.step is not None and dt is None and not system.is_discrete:
        import numpy as np

        t_eval = np.arange(t0, t1 + 1e-9 * max(1.0, abs(t1)), args.step)
    if system.is_discrete and args.method not in ("auto", "discrete"):
        raise ModelError(f"--method: model {system.name!r} is a discrete map; use --method discrete (or auto)")
    started = time.perf_counter()
    ds = simulate(system, params, t_span=(t0, t1), t_eval=t_eval, initial=initial,
                  method=args.method, rtol=args.rtol, dt=dt)
    write_atomic(args.out, lambda tmp: ds.to_netcdf(tmp))
    if args.plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from ..directed_growth.figures import plot_stocks

        fig = plot_stocks(ds)
        try:
            write_atomic(args.plot, lambda tmp: fig.savefig(tmp, format=args.plot.suffix[1:].lower(), dpi=150))
        finally:
            plt.close(fig)
    times = ds.time.values
    print(f"dgm: {args.model}: {plural(ds.sizes['time'], 'time')} from {times[0]:g} to {times[-1]:g}, "
          f"solver {ds.attrs['solver']}, {time.perf_counter() - started:.2f} s -> {args.out}", file=sys.stderr)
    return 0


def _equations(args) -> int:
    from ..catalogue import get
    from ..files import check_output, write_atomic

    if args.out is not None:
        check_output(args.out, "--out", force=args.force)
    system = get(args.model)
    text = system.to_latex() if args.format == "latex" else system.to_markdown()
    text = text if text.endswith("\n") else text + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.out, lambda tmp: tmp.write_text(text))
    return 0


class _Steps:
    """Progress lines ``[i/n] what ... 1.23 s`` on standard error; warnings raised in a step
    are printed after its line (one line each)."""

    def __init__(self, n: int):
        self.n, self.i, self.started = n, 0, time.perf_counter()

    def __call__(self, what: str):
        import contextlib

        self.i += 1
        steps = self

        @contextlib.contextmanager
        def step():
            print(f"[{steps.i}/{steps.n}] {what} ...", end="", file=sys.stderr, flush=True)
            t = time.perf_counter()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    yield
                except BaseException:
                    print(" failed", file=sys.stderr, flush=True)
                    raise
            print(f" {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
            seen = set()
            for w in caught:
                msg = " ".join(str(w.message).split())
                if msg not in seen:
                    seen.add(msg)
                    print(f"dgm: warning: {msg}", file=sys.stderr)

        return step()


#: suffix of the set ``dgm compare --durable`` writes (``comparison_usa_durable.nc``...), beside the plain set
DURABLE_TAG = "_durable"


def _check_compare_dir(out: Path, country: str, force: bool = False, durable: bool = False) -> None:
    """``--out`` of ``dgm compare`` for ``country``: a new or empty directory, or one holding only files
    ``dgm compare`` writes (:data:`COMPARE_FILES` named for any country, plain or ``--durable``
    (:data:`DURABLE_TAG`), or as earlier versions named them, without a country). The country's own previous
    set of the same kind is replaced only with ``--force``; the other files are kept (carried over by the
    swap)."""
    from ..directed_growth.countries import COUNTRIES, country_start
    from ..files import check_output
    from .common import country_files

    check_output(out, "--out", force=True, directory=True)
    parent = out.absolute().parent
    if parent.is_dir() and not os.access(parent, os.W_OK | os.X_OK):
        raise ModelError(f"--out {out}: permission denied (the set is written beside it, in {parent})")
    if out.is_dir():
        known = set(COMPARE_FILES).union(*(country_files(COMPARE_FILES, c + tag) for c in COUNTRIES
                                           for tag in ("", DURABLE_TAG)))
        ours = re.compile(r"^\.(?:" + "|".join(map(re.escape, sorted(known))) + r")\.\d+(?:\.[0-9a-f]{8})?\.tmp$")
        other = sorted(p.name for p in out.iterdir() if p.name not in known and not ours.match(p.name))
        if other:
            shown = ", ".join(other[:5]) + (", ..." if len(other) > 5 else "")
            raise ModelError(f"--out {out} holds files dgm compare did not write ({shown}); choose a new or "
                             f"empty directory, or move them")
        own = set(country_files(COMPARE_FILES, country + (DURABLE_TAG if durable else "")))
        previous = sorted(p.name for p in out.iterdir() if p.name in own)
        if previous and not force:
            shown = ", ".join(previous[:3]) + (", ..." if len(previous) > 3 else "")
            kind = "durable comparison" if durable else "comparison"
            raise ModelError(f"--out {out} holds a previous {kind} of {country_start(country).name} ({shown}); "
                             "pass --force to replace the set, or choose a new directory")


def _compare(args) -> int:
    from ..directed_growth.factory import T0
    from .checks import check_size, finite

    finite("--t-end", args.t_end)
    if not args.t_end > T0:
        raise ModelError(f"--t-end must be after {T0:g}, got {args.t_end:g}")
    if args.policies is None:
        names = list(POLICY_PATHS)
    else:
        names = [n.strip() for n in args.policies.split(",") if n.strip()]
        unknown = [n for n in names if n not in POLICY_PATHS]
        if unknown or not names:
            raise ModelError(f"--policies: unknown policy {', '.join(map(repr, unknown)) or '(none given)'}; "
                             f"choose from {', '.join(POLICY_PATHS)}")
    if args.params is not None and args.defaults:
        raise ModelError("--params and --defaults exclude each other")
    variant = getattr(args, "variant", None)
    if variant is not None and args.defaults:
        raise ModelError("--variant chooses a joint posterior's medians; --defaults runs at none: pass one of them")
    out: Path = args.out
    if args.params is None and not args.defaults:
        from calibration.params import default_param_file

        args.params = default_param_file((args.country or "USA").lower())
    args.country = model_country(args.country, args.params)
    durable = getattr(args, "durable", False)
    if durable:
        from ..directed_growth.mechanisms.politics import check_vote_function

        try:
            check_vote_function(args.country)
        except ModelError as exc:
            raise ModelError(f"--durable: {exc}") from None
    _check_compare_dir(out, args.country, args.force, durable=durable)
    system = calibrated_model(args.params, args.country, politics=durable, variant=variant)
    n_series = sum(v.kind != "parameter" for v in system.variables.values())
    years = int(args.t_end - T0) + 1
    check_size(f"--t-end {args.t_end:g}: {plural(years, 'year')} x {plural(n_series, 'series')} x "
               f"{plural(len(names), 'policy')}",
               float(years) * n_series * len(names), "choose an earlier --t-end")
    paths = [system.meta.policy_path(n).factory() for n in dict.fromkeys(names)]
    if durable:
        from ..directed_growth.policies import durable as made_durable

        paths = [made_durable(system, p) for p in paths]
    return _compare_run(args, system, paths)


def _compare_run(args, system, paths) -> int:
    """The work of ``dgm compare`` once its input is checked: simulate, then write the set as a unit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.backends.backend_pdf  # loaded once, before the figures' process forks
    import matplotlib.pyplot as plt

    from ..compiler.compiled import compile as compile_system
    from ..directed_growth.factory import T0
    from ..directed_growth.figures import lever_paths, outcome_table, scenario_panel
    from ..directed_growth.outcomes import compare_policies
    from ..files import DirSwap, recover_dir
    from ..solve.simulation import simulate
    from .background import in_background

    out: Path = args.out
    step = _Steps(4)
    started = time.perf_counter()
    label = ", ".join(p.name for p in paths)
    from ..directed_growth.countries import country_start

    country = country_start(getattr(args, "country", None) or "USA")
    variant = getattr(args, "variant", None)
    source = (f"parameters: {args.params}{f', {variant} posterior medians' if variant else ''}" if args.params
              else "literature defaults")
    with step(f"building model of {country.name} ({source})"):
        first = "" if compile_system(system).is_warm else " (first run: numba compiles the model's functions, 10-30 s)"
    with step(f"simulating {label} from {T0:g} to {args.t_end:g}{first}"):
        ds = simulate(system, None, paths, t_span=(T0, args.t_end))
        ds.attrs["country"] = country.code
        ds.attrs["country_name"] = country.name
        # which parameters ran (an absolute path: the file is read elsewhere than where it was written)
        ds.attrs["parameters_from"] = (f"{Path(args.params).resolve()} "
                                       f"({f'{variant} posterior medians' if variant else 'its [parameters]'})"
                                       if args.params else "literature defaults")
    if getattr(args, "durable", False) and "S_pub" in ds:
        at_start = float(ds["S_pub"].isel(time=0).values.ravel()[0])
        if at_start < 0.5:
            print(f"dgm: compare --durable: support for the incumbents at the start is {100 * at_start:.1f}% "
                  "(below one half): they lose the first election at rest, so every durable policy reverts then "
                  "unless it raises support; read reversals against this baseline", file=sys.stderr)
    recover_dir(out)
    tag = country.code + (DURABLE_TAG if getattr(args, "durable", False) else "")  # the durable set is apart
    nc, csv = country_file("comparison.nc", tag), country_file("outcomes.csv", tag)
    with DirSwap(out, keep=True) as d:  # another country's set in ``out`` is kept

        def draw(name, figure, data):
            d.write(country_file(name, tag), lambda path: plt.close(figure(data, path=path)))

        def beside():  # what needs only the paths, in the second process: about as long as the rest
            d.write(nc, ds.to_netcdf)
            draw("lever_paths", lever_paths, ds)

        # the netCDF and the lever figure are written beside the rest (a second process, see background.py)
        with in_background(beside) as job:
            with step("computing outcomes" + ("" if args.no_impulse else " and public-investment multipliers")):
                df = compare_policies(ds, system=system, impulse=not args.no_impulse)
                df.attrs["title"] = f"Policy comparison, {country.name}, {T0:g}–{args.t_end:g}: outcomes"
            with step(f"writing {nc}, {csv} and figures to {out}/ (swapped in as a unit)"):
                d.write(csv, df.to_csv)
                draw("scenario_panel", scenario_panel, ds)
                draw("outcome_table", outcome_table, df)
                job.wait()
    # a run that left the model's plausible range integrated to the end (a failure to integrate raised above):
    # the set is written for inspection, but the comparison is not a success (exit status 1, as a failed run)
    left = [str(f) for f in ds["failure"].values.ravel() if f]
    print(f"dgm: compare: {country.name}, {plural(len(paths), 'policy')}, {T0:g}-{args.t_end:g}, "
          f"{time.perf_counter() - started:.1f} s -> {out}/"
          + (f"; NOT A SUCCESS: {plural(len(left), 'run')} left the model's plausible range (written for "
             f"inspection, flagged in the status of {nc}): {'; '.join(left)}" if left else ""),
          file=sys.stderr)
    return 1 if left else 0


def _models(args) -> int:
    from ..catalogue import MODELS

    for name, factory in MODELS.items():
        s = factory()
        kind = f" Discrete map, steps of {plural(s.dt, 'year')}." if s.is_discrete else ""
        print(f"{name:20s} {plural(len(s.stocks), 'stock'):>9s}  {plain(s.description)}{kind}")
    return 0


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return " ".join(str(exc).split()) or type(exc).__name__


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings during a command as one ``dgm: warning:`` line (no source line, no file name)."""
    print(f"dgm: warning: {' '.join(str(message).split())}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``dgm``; returns the exit status.

    Returns
    -------
    int
        0 success; 2 bad input (one line on standard error naming the option or
        file); 1 a failed integration or out of memory (one line); 130 interrupted;
        141 standard output closed by its reader (``dgm models | head -1``: nothing is
        printed, the status a shell reports for ``git`` or ``ls`` killed by SIGPIPE);
        3 an unexpected internal error (a bug: its traceback is printed with a
        request to report it).
    """
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except BrokenPipeError:  # --help into a closed pipe
        return BROKEN_PIPE
    debug = bool(os.environ.get("DGM_DEBUG"))
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        return _dispatch(args, debug)


def entry() -> NoReturn:
    """The ``dgm`` program: :func:`main`, then exit with its status without the interpreter's final
    full garbage collections.

    At exit CPython runs three to four full collections while it tears the modules down; after a
    command the heap holds 200,000 to 400,000 tracked objects (sympy, numba, xarray, matplotlib,
    dask), and those passes took 0.5-2 s (``perf``: ``gc_collect_main`` under ``Py_FinalizeEx``).
    A reader that closes standard output early (``dgm models | head -1``) ends the command quietly
    with status 141 (:data:`BROKEN_PIPE`), as ``git`` and the coreutils do when SIGPIPE kills them.

    Every file of the command is written and closed when :func:`main` returns, so the live objects
    are moved to the permanent generation (:func:`gc.freeze`), which those passes skip; exit handlers
    still run. Only the program does this: :func:`main` called from Python leaves the collector alone
    (a frozen object reachable only through a reference cycle is never finalized, so an unclosed file
    of the caller would lose its buffered data).
    """
    import gc

    try:
        status = main()
        sys.stdout.flush()  # here, not at exit, where a closed pipe is reported as "Exception ignored"
    except BrokenPipeError:
        status = BROKEN_PIPE
    if status == BROKEN_PIPE:
        # the reader is gone (``dgm models | head -1``): what is still buffered goes nowhere, quietly
        # (the recipe of the Python documentation, "Note on SIGPIPE")
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    gc.freeze()
    sys.exit(status)


def _input_errors() -> tuple[type[BaseException], ...]:
    """The errors reported as bad input: the toolkit's, the system's, and the calibration data's
    :class:`~calibration.data.errors.DataError` once that module is loaded (an unloaded module
    raised nothing; importing it would load the calibration data loaders and pandas)."""
    data = sys.modules.get("calibration.data.errors")
    return (ModelError, CalibrationError, OSError) + ((data.DataError,) if data is not None else ())


def _dispatch(args: argparse.Namespace, debug: bool) -> int:
    """Run the command; map each kind of error to its exit status (see :func:`main`)."""
    try:
        if args.command == "calibrate":
            from .calibrate import run as calibrate

            return calibrate(args)
        if args.command in ("ensemble", "sensitivity", "figures"):
            from . import uncertainty as unc

            return getattr(unc, f"{args.command}_cmd")(args)
        if args.command == "warm":
            from .warm import run as warm

            return warm(args)
        return {"run": _run, "equations": _equations, "models": _models, "compare": _compare}[args.command](args)
    except BrokenPipeError:  # standard output's reader is gone: nothing to tell it (see entry)
        return BROKEN_PIPE
    except _input_errors() as exc:
        if debug:
            raise
        print(f"dgm: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except SolverError as exc:
        if debug:
            raise
        print(f"dgm: solver failed: {_one_line(exc).replace('; the partial path is in err.partial', '')}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dgm: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        if debug:
            raise
        print("dgm: error: out of memory; ask for fewer draws, a larger --step or a shorter span", file=sys.stderr)
        return 1
    except Exception:
        import traceback

        traceback.print_exc()
        print("dgm: internal error: this is a bug in dgm, not a problem with your input; please report it on the "
              "project's issue tracker with the command and the traceback above", file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Command-line interface ``dgm``.

Errors in user input end with a one-line message on standard error and a
non-zero exit status (2 for bad input, 1 for a failed integration), never a
traceback. Set ``DGM_DEBUG=1`` to see tracebacks.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Sequence

from .errors import CalibrationError, ModelError, SolverError

#: default time span [year] of each reference model (``--t-start`` and ``--t-end`` override)
_SPANS = {"dice2016": (2015.0, 2100.0), "dice2016_discrete": (2015.0, 2100.0), "supermultiplier": (0.0, 400.0),
          "keen": (0.0, 300.0), "goodwin": (0.0, 100.0), "solow": (0.0, 100.0), "directed_growth": (2025.0, 2100.0)}
#: policy paths of ``dgm compare`` (functions of :mod:`model.policies`), in comparison order
_POLICY_PATHS = ("bau", "market_fixing", "market_shaping")


def _assignment(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name.strip(), float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"value of {name.strip()!r} is not a number: {value!r}") from None


def _parser() -> argparse.ArgumentParser:
    from .library import MODELS
    from .simulate import METHODS

    p = argparse.ArgumentParser(prog="dgm", description="directed-growth: run, inspect and export models.")
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
    run.add_argument("--t-start", type=float, default=None, metavar="YEAR", help="start time [year]")
    run.add_argument("--t-end", type=float, default=None, metavar="YEAR", help="end time [year]")
    run.add_argument("--step", type=float, default=None, metavar="YEARS",
                     help="output interval [year] (default 1; discrete maps: their step)")
    run.add_argument("--method", choices=METHODS, default="auto", help="solver (default auto)")
    run.add_argument("--rtol", type=float, default=1e-8, help="relative tolerance (default 1e-8)")
    run.add_argument("--out", required=True, type=Path, metavar="FILE.nc", help="output netCDF file")
    run.add_argument("--plot", type=Path, default=None, metavar="FIG.png",
                     help="also draw the stocks over time (png, pdf or svg)")
    run.add_argument("--force", action="store_true", help="overwrite an existing output file")

    eq = sub.add_parser("equations", help="print a model's equations and nomenclature",
                        description="Print the equations and the parameter table as LaTeX or Markdown.")
    eq.add_argument("model", choices=sorted(MODELS), metavar="MODEL", help=f"model name: {', '.join(sorted(MODELS))}")
    eq.add_argument("--format", choices=("latex", "markdown"), default="latex", help="output format")
    eq.add_argument("--out", type=Path, default=None, metavar="FILE", help="write to FILE instead of stdout")

    sub.add_parser("models", help="list the reference models")

    cmp_ = sub.add_parser("compare", help="compare the policy paths of the directed-growth model",
                          description="Simulate the directed-growth model under business as usual, market "
                                      "fixing and market shaping (model.policies) from 2025, and write "
                                      "comparison.nc, outcomes.csv and the figures scenario_panel, lever_paths "
                                      "and outcome_table (PDF and PNG) to DIR. Files in DIR are replaced.")
    cmp_.add_argument("--params", type=Path, default=None, metavar="FILE",
                      help="TOML file with a [parameters] table (name = value) overriding the defaults "
                           "(default: the committed US calibration, calibration/params/usa.toml)")
    cmp_.add_argument("--defaults", action="store_true",
                      help="use the model's literature defaults instead of a calibration")
    cmp_.add_argument("--out", type=Path, default=Path("results"), metavar="DIR",
                      help="output directory (default: results)")
    cmp_.add_argument("--t-end", type=float, default=2100.0, metavar="YEAR", help="end year (default 2100)")
    cmp_.add_argument("--no-impulse", action="store_true",
                      help="skip the public-investment multipliers (two extra short runs per policy)")
    cmp_.add_argument("--policies", default=None, metavar="NAMES",
                      help=f"comma-separated subset of {','.join(_POLICY_PATHS)} (default: all)")
    from calibration.cli import add_parser as add_calibrate

    from .cli_uncertainty import add_parsers as add_uncertainty

    add_calibrate(sub)
    add_uncertainty(sub)
    return p


def _run(args) -> int:
    import numpy as np

    from .library import get
    from .simulate import simulate

    if args.out.suffix not in (".nc", ".nc4", ".netcdf"):
        raise ModelError(f"--out must be a netCDF file name ending in .nc, got {str(args.out)!r}")
    if args.out.exists() and not args.force:
        raise ModelError(f"{args.out} exists; pass --force to overwrite it")
    system = get(args.model)
    t0, t1 = _SPANS.get(args.model, (0.0, 100.0))
    t0 = t0 if args.t_start is None else args.t_start
    t1 = t1 if args.t_end is None else args.t_end
    t_eval = None
    if args.step is not None and not system.is_discrete:
        if args.step <= 0:
            raise ModelError(f"--step must be positive, got {args.step}")
        t_eval = np.arange(t0, t1 + 1e-9 * max(1.0, abs(t1)), args.step)
    started = time.perf_counter()
    from . import policies

    exogenous = policies.default_exogenous() if args.model == "directed_growth" else None
    ds = simulate(system, dict(args.param), t_span=(t0, t1), t_eval=t_eval, initial=dict(args.init),
                  method=args.method, rtol=args.rtol, exogenous=exogenous)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(f".{args.out.name}.tmp")
    ds.to_netcdf(tmp)
    os.replace(tmp, args.out)
    if args.plot is not None:
        from .plots import plot_stocks
        plot_stocks(ds, path=args.plot)
    print(f"dgm: {args.model}: {ds.sizes['time']} times from {t0:g} to {t1:g}, solver {ds.attrs['solver']}, "
          f"{time.perf_counter() - started:.2f} s -> {args.out}", file=sys.stderr)
    return 0


def _equations(args) -> int:
    from .library import get

    system = get(args.model)
    text = system.to_latex() if args.format == "latex" else system.to_markdown()
    if args.out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    return 0


def _read_params(path: Path, system) -> dict[str, float]:
    """Parameter overrides from the ``[parameters]`` table of a TOML file (one-line errors)."""
    import tomllib

    if not path.is_file():
        raise ModelError(f"--params: no such file: {path}")
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"--params {path}: invalid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"--params {path}: cannot read: {exc}") from None
    table = doc.get("parameters")
    if not isinstance(table, dict):
        raise ModelError(f"--params {path}: expected a [parameters] table of name = value")
    unknown = sorted(k for k in table if k not in system.parameters)
    if unknown:
        raise ModelError(f"--params {path}: unknown parameter(s) {', '.join(map(repr, unknown))} for model "
                         f"{system.name!r}")
    bad = sorted(k for k, v in table.items() if isinstance(v, bool) or not isinstance(v, (int, float)))
    if bad:
        raise ModelError(f"--params {path}: value(s) of {', '.join(map(repr, bad))} must be numbers")
    return {k: float(v) for k, v in table.items()}


class _Steps:
    """Progress lines ``[i/n] what ... 1.23 s`` on standard error; warnings raised in a step
    are printed after its line (one line each)."""

    def __init__(self, n: int):
        self.n, self.i, self.started = n, 0, time.perf_counter()

    def __call__(self, what: str):
        import contextlib
        import warnings

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


def _write_atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _compare(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import policies as pol
    from .analysis import compare
    from .library.directed_growth import T0, directed_growth
    from .plots import lever_paths, outcome_table, scenario_panel
    from .simulate import simulate

    if not args.t_end > T0:
        raise ModelError(f"--t-end must be after {T0:g}, got {args.t_end:g}")
    if args.policies is None:
        paths = pol.all_paths()
    else:
        names = [n.strip() for n in args.policies.split(",") if n.strip()]
        unknown = [n for n in names if n not in _POLICY_PATHS]
        if unknown or not names:
            raise ModelError(f"--policies: unknown policy {', '.join(map(repr, unknown)) or '(none given)'}; "
                             f"choose from {', '.join(_POLICY_PATHS)}")
        paths = [getattr(pol, n)() for n in dict.fromkeys(names)]
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise ModelError(f"--out {out} exists and is not a directory")
    step = _Steps(5)
    started = time.perf_counter()
    if args.params is not None and args.defaults:
        raise ModelError("--params and --defaults exclude each other")
    if args.params is None and not args.defaults:
        from calibration.params import PARAM_DIR

        args.params = PARAM_DIR / "usa.toml"
    with step("building model" + (f" (parameters: {args.params})" if args.params else " (literature defaults)")):
        system = directed_growth()
        if args.params is not None:
            # rebuilt with the file's values as defaults, so the derived start quantities follow them
            params = _read_params(args.params, system)
            try:
                system = directed_growth(overrides=params)
            except ModelError as exc:
                raise ModelError(f"--params {args.params}: {exc}") from None
    label = ", ".join(p.name for p in paths)
    from .compile import compile as compile_system

    first = "" if compile_system(system).is_warm else " (first run: numba compiles the model, 1-2 minutes)"
    with step(f"simulating {label} from {T0:g} to {args.t_end:g}{first}"):
        ds = simulate(system, None, paths, t_span=(T0, args.t_end), exogenous=pol.default_exogenous())
    out.mkdir(parents=True, exist_ok=True)
    with step(f"writing {out / 'comparison.nc'}"):
        _write_atomic(out / "comparison.nc", lambda tmp: ds.to_netcdf(tmp))
    with step("computing outcomes" + ("" if args.no_impulse else " and public-investment multipliers")):
        df = compare(ds, system=system, impulse=not args.no_impulse)
        df.attrs["title"] = f"Policy comparison, {T0:g}–{args.t_end:g}: outcomes"
        _write_atomic(out / "outcomes.csv", lambda tmp: df.to_csv(tmp))
    with step("drawing figures"):
        for name, draw, data in (("scenario_panel", scenario_panel, ds), ("lever_paths", lever_paths, ds),
                                 ("outcome_table", outcome_table, df)):
            plt.close(draw(data, path=out / name))
    print(f"dgm: compare: {len(paths)} polic{'y' if len(paths) == 1 else 'ies'}, {ds.sizes['time']} years, "
          f"{time.perf_counter() - started:.1f} s -> {out}/", file=sys.stderr)
    return 0


def _models(args) -> int:
    from .library import MODELS

    for name, factory in MODELS.items():
        s = factory()
        print(f"{name:20s} {len(s.stocks):2d} stocks  {s.description}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``dgm``; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "calibrate":
            from calibration.cli import run as calibrate

            return calibrate(args)
        if args.command in ("ensemble", "sensitivity", "figures"):
            from . import cli_uncertainty as unc

            return getattr(unc, f"{args.command}_cmd")(args)
        return {"run": _run, "equations": _equations, "models": _models, "compare": _compare}[args.command](args)
    except (ModelError, CalibrationError, OSError) as exc:
        if os.environ.get("DGM_DEBUG"):
            raise
        print(f"dgm: error: {exc}", file=sys.stderr)
        return 2
    except SolverError as exc:
        if os.environ.get("DGM_DEBUG"):
            raise
        print(f"dgm: solver failed: {str(exc).replace('; the partial path is in err.partial', '')}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dgm: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

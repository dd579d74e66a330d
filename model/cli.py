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
          "keen": (0.0, 300.0), "goodwin": (0.0, 100.0), "solow": (0.0, 100.0)}


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
    ds = simulate(system, dict(args.param), t_span=(t0, t1), t_eval=t_eval, initial=dict(args.init),
                  method=args.method, rtol=args.rtol)
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
        return {"run": _run, "equations": _equations, "models": _models}[args.command](args)
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

"""``dgm ensemble``, ``dgm sensitivity`` and ``dgm figures``: uncertainty at scale from the shell."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .errors import ModelError

__all__ = ["add_parsers", "ensemble_cmd", "figures_cmd", "sensitivity_cmd"]

def _common(p, *, draws_default: int, t_end: float = 2100.0) -> None:
    p.add_argument("--params", type=Path, default=None, metavar="FILE",
                   help="calibrated parameter file (default: calibration/params/usa.toml)")
    p.add_argument("--defaults", action="store_true",
                   help="the literature defaults instead of a calibration (draws then come from --names' ranges)")
    p.add_argument("--draws", type=int, default=draws_default, metavar="N", help=f"draws (default {draws_default})")
    p.add_argument("--names", default=None, metavar="A,B,...",
                   help="parameters to draw (default: the calibrated posterior plus the structural priors; "
                        "with --defaults: the structural priors)")
    p.add_argument("--seed", type=int, default=0, help="seed of the draws (default 0)")
    p.add_argument("--t-end", type=float, default=t_end, metavar="YEAR", help=f"end year (default {t_end:g})")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on a Dask scheduler (tcp://host:8786); default: this machine's cores")


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

    sen = sub.add_parser("sensitivity", help="Sobol indices or Morris screening of policy outcomes",
                         description="Global sensitivity of outcomes (or of the difference between two policy "
                                     "paths) to the drawn parameters; writes the indices as netCDF and prints "
                                     "them.")
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
    fig.add_argument("--out", type=Path, required=True, metavar="DIR", help="output directory")


def _say(msg: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:6.1f} s] {msg}", file=sys.stderr, flush=True)


def _model_and_draws(args, *, n: int, sobol_ranges: bool = False):
    """The (calibrated) model and the draw table or ranges the options ask for."""
    from calibration.params import PARAM_DIR
    from calibration.posterior import STRUCTURAL_PRIORS, posterior_draws

    from .analysis.draws import draw_ranges, from_bounds, from_table
    from .cli import _read_params
    from .library.directed_growth import directed_growth

    if args.params is not None and args.defaults:
        raise ModelError("--params and --defaults exclude each other")
    if n < 1:
        raise ModelError(f"--draws must be positive, got {n}")
    path = None if args.defaults else (args.params or PARAM_DIR / "usa.toml")
    system = directed_growth()
    if path is not None:
        try:
            system = directed_growth(overrides=_read_params(path, system))
        except ModelError as exc:
            raise ModelError(f"--params {path}: {exc}") from None
    names = [x.strip() for x in args.names.split(",") if x.strip()] if args.names else None
    table = getattr(args, "table", None)
    if table is not None:
        return system, from_table(table, system), path
    if path is not None and not names:
        draws = posterior_draws(path, n, seed=args.seed, system=system)
        if sobol_ranges:  # independent uniform ranges: the central 95% of each marginal
            draws = draws.drop(columns=["g_Z"], errors="ignore")
            return system, {c: tuple(draws[c].quantile([0.025, 0.975])) for c in draws.columns}, path
        return system, draws, path
    names = names or list(STRUCTURAL_PRIORS)
    ranges = {k: STRUCTURAL_PRIORS[k][:2] for k in names if k in STRUCTURAL_PRIORS}
    if sobol_ranges:  # the stated priors, else the declared bounds
        return system, dict(zip(names, map(tuple, draw_ranges(system, names, ranges)))), path
    return system, from_bounds(system, names, n, method=getattr(args, "method", "lhs"), seed=args.seed,
                               ranges=ranges), path


def _run_ensemble(args, started, *, variables=None):
    from . import policies as pol
    from .analysis.ensemble import ensemble
    from .library.directed_growth import T0

    if not args.t_end > T0:
        raise ModelError(f"--t-end must be after {T0:g}, got {args.t_end:g}")
    system, draws, path = _model_and_draws(args, n=args.draws)
    _say(f"{len(draws)} draws of {', '.join(draws.columns)} "
         f"({'parameters ' + str(path) if path else 'literature defaults'})", started)
    return ensemble(system, draws, pol.all_paths(), t_span=(T0, args.t_end), exogenous=pol.default_exogenous(),
                    variables=variables, chunk_size=getattr(args, "chunk_size", 2500),
                    store=getattr(args, "store", None), client=args.scheduler, progress=True)


def _write_nc(ds, path: Path) -> None:
    from .cli import _write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, lambda tmp: ds.to_netcdf(tmp))


def ensemble_cmd(args) -> int:
    from .analysis.discovery import report

    started = time.perf_counter()
    if args.out.suffix != ".nc":
        raise ModelError(f"--out must end in .nc, got {str(args.out)!r}")
    variables = None if args.variables is None else tuple(v.strip() for v in args.variables.split(",") if v.strip())
    ens = _run_ensemble(args, started, variables=variables)
    _say(f"integrated in {ens.attrs['seconds']:.1f} s; writing {args.out}", started)
    _write_nc(ens, args.out)
    failed = {str(p): int((ens.status.sel(policy=p) != 0).sum()) for p in ens.policy.values}
    text = report(ens) + "\nMembers that did not integrate to the end (flagged, left out above): " + \
        ", ".join(f"{k} {v}" for k, v in failed.items()) + "."
    print(text)
    if args.report:
        args.report.write_text(text + "\n")
    return 0


def _run_sensitivity(args, started, *, method: str, n: int, outcomes, contrast, policy, t_end=None):
    from . import policies as pol
    from .analysis.global_sensitivity import model_sensitivity
    from .library.directed_growth import T0

    system, ranges, path = _model_and_draws(args, n=max(n, 1), sobol_ranges=True)
    _say(f"{method} over {len(ranges)} parameters: {', '.join(ranges)}", started)
    return model_sensitivity(system, ranges, method=method, n=n, policies=pol.all_paths(), policy=policy,
                             contrast=contrast, outcomes=outcomes, seed=args.seed,
                             t_span=(T0, args.t_end if t_end is None else t_end),
                             exogenous=pol.default_exogenous(), client=args.scheduler)


def _split(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def sensitivity_cmd(args) -> int:
    started = time.perf_counter()
    if args.out.suffix != ".nc":
        raise ModelError(f"--out must end in .nc, got {str(args.out)!r}")
    contrast = _split(args.contrast)
    if contrast and len(contrast) != 2:
        raise ModelError(f"--contrast takes two policy names A,B, got {args.contrast!r}")
    if contrast and args.policy:
        raise ModelError("--policy analyses one path: pass --contrast '' with it")
    si = _run_sensitivity(args, started, method=args.method, n=args.draws, outcomes=_split(args.outcome),
                          contrast=tuple(contrast) or None, policy=args.policy)
    _write_nc(si, args.out)
    cols = ("S1", "S1_conf", "ST", "ST_conf") if args.method == "sobol" else ("mu_star", "mu_star_conf", "sigma")
    print(si[list(cols)].to_dataframe().round(4).to_string())
    _say(f"{si.attrs['n_evaluations']} draws x 3 policies -> {args.out}", started)
    return 0


def figures_cmd(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import xarray as xr

    from .cli import _write_atomic
    from .plots_uncertainty import fan_chart, outcome_interval_table, sobol_bars, tornado

    started = time.perf_counter()
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise ModelError(f"--out {out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    if args.ensemble is not None:
        if not args.ensemble.is_file():
            raise ModelError(f"--ensemble: no such file: {args.ensemble}")
        ens = xr.load_dataset(args.ensemble)
    else:
        ens = _run_ensemble(args, started)
    if args.sensitivity is not None:
        if not args.sensitivity.is_file():
            raise ModelError(f"--sensitivity: no such file: {args.sensitivity}")
        si = xr.load_dataset(args.sensitivity)
    else:
        si = _run_sensitivity(args, started, method="sobol", n=args.sobol_n,
                              outcomes=["avg_growth", "wage_share_mean", "T_end"],
                              contrast=("market_shaping", "market_fixing"), policy=None, t_end=args.sobol_t_end)
    written = []
    plt.close(fan_chart(ens, path=out / "fan_chart"))
    written.append("fan_chart")
    for o in ("avg_growth", "wage_share_mean", "T_end", "public_debt_end"):
        plt.close(tornado(ens, o, path=out / f"tornado_{o}"))
        written.append(f"tornado_{o}")
    plt.close(sobol_bars(si, path=out / "sobol_indices"))
    written.append("sobol_indices")
    _write_atomic(out / "outcome_intervals.tex", lambda tmp: tmp.write_text(outcome_interval_table(ens)))
    _say(f"wrote {', '.join(w + '.pdf/.png' for w in written)} and outcome_intervals.tex to {out}/", started)
    return 0

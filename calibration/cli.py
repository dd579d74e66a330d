"""``dgm calibrate``: reproduce a country's parameter file (the subcommand is registered in model.cli)."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

from model.errors import CalibrationError

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    cal = sub.add_parser("calibrate", help="calibrate the directed-growth model on US or UK data",
                         description="Block-wise regressions and a whole-model least-squares fit on a historical "
                                     "replay (optionally MCMC), written as a TOML parameter file with its "
                                     "provenance and fit statistics.")
    cal.add_argument("--country", choices=("USA", "GBR"), default="USA", help="country (default USA)")
    cal.add_argument("--data-dir", type=Path, default=None, metavar="DIR",
                     help="data directory (default: $DGM_DATA_DIR; without either, the statsmodels fallback "
                          "panel, USA only)")
    cal.add_argument("--targets", type=Path, default=None, metavar="FILE",
                     help="target-set TOML (default: calibration/targets/<country>.toml)")
    cal.add_argument("--mcmc", action="store_true", help="also sample the posterior (emcee)")
    cal.add_argument("--steps", type=int, default=2000, help="MCMC steps (default 2000)")
    cal.add_argument("--starts", type=int, default=4, help="least-squares starts (default 4)")
    cal.add_argument("--seed", type=int, default=0, help="seed of the starts and the sampler (default 0)")
    cal.add_argument("--out", type=Path, required=True, metavar="FILE.toml", help="parameter file to write")
    cal.add_argument("--figures", type=Path, default=None, metavar="DIR",
                     help="also draw fitted-vs-observed, posterior and profile figures (PDF and PNG) into DIR")


def run(args) -> int:
    from calibration.data import DataError

    from .paramfile import write_params
    from .pipeline import calibrate

    if args.out.suffix != ".toml":
        raise CalibrationError(f"--out must end in .toml, got {str(args.out)!r}")
    if args.steps < 10:
        raise CalibrationError(f"--steps must be at least 10, got {args.steps}")
    started = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {msg}", file=sys.stderr, flush=True)

    try:
        cal = calibrate(args.country, args.data_dir, targets=str(args.targets) if args.targets else None,
                        mcmc=args.mcmc, steps=args.steps, starts=args.starts, seed=args.seed, progress=say)
    except DataError as exc:
        raise CalibrationError(str(exc)) from None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # the command that reproduces the file (from the parsed options, whatever the entry point)
    options = [f"--country {args.country}", "--mcmc" if args.mcmc else "", f"--steps {args.steps}" if args.mcmc else "",
               f"--starts {args.starts}", f"--seed {args.seed}",
               f"--targets {shlex.quote(str(args.targets))}" if args.targets else "",
               f"--data-dir {shlex.quote(str(args.data_dir))}" if args.data_dir else "",
               f"--out {shlex.quote(str(args.out))}"]
    command = "dgm calibrate " + " ".join(o for o in options if o)
    write_params(cal, args.out, command=command)
    for name, m in cal.moments.items():
        say(f"{name}: model {m['model']:.4f}, target {m['target']:.4f} +- {m['tolerance']:.4f} "
            f"({'met' if m['met'] else 'NOT met'})")
    say(f"wrote {args.out}")
    if args.figures is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from .plots import fitted_vs_observed, posterior_corner, profile_plot

        args.figures.mkdir(parents=True, exist_ok=True)
        c = cal.country.lower()
        drawn = [(f"fit_{c}", fitted_vs_observed), (f"profile_{c}", profile_plot)]
        if cal.posterior is not None:
            drawn.append((f"posterior_{c}", posterior_corner))
        for name, draw in drawn:
            fig = draw(cal)
            for ext in ("pdf", "png"):
                fig.savefig(args.figures / f"{name}.{ext}", dpi=200)
            plt.close(fig)
        say(f"figures: {', '.join(n for n, _ in drawn)} in {args.figures}")
    return 0

"""``dgm calibrate``: reproduce a country's parameter file with :mod:`calibration`."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

from calibration.posterior import VARIANTS

from ..errors import CalibrationError

__all__ = ["add_parser", "run", "diagnostics_lines", "JOINT_STEPS", "JOINT_WALKERS", "JOINT_PARTICLES",
           "JOINT_SMC_RUNS", "JOINT_NESTED_RUNS", "JOINT_RUNS", "VARIANT_CHOICES"]

#: default steps and walkers per run of the joint calibration's stage 1 with ``--stage1 emcee`` (48 walkers: emcee
#: evaluates half of them per call, and the start's derivation costs the same per call whatever the batch; stage 1
#: only starts the tempered SMC, which moves every parameter)
JOINT_STEPS = 1000
JOINT_WALKERS = 48
#: default stage-1 runs (tempered SMC, calibration.stage_one; or emcee)
JOINT_RUNS = 8
#: default particles per SMC run and SMC runs per variant: 8 runs, so that the ESS from the spread of the runs' means
#: (the pass) has 7 degrees of freedom, and each half's Student-t of the final sweeps is fitted to 4 x 320 points
#: (4 x 3 x 320 in the second pass: calibration.pipeline.REFRESH_PASSES); the Kish ESS of the last reweightings sums
#: to at least 8 x 160 = 1280.
#: 320, not 160: on the US replay with 160 particles a run the runs disagreed (4 and 5 of 21 parameters failed, R-hat
#: up to 1.015, ESS from the runs down to 279); with 320 every parameter passed under both variants (ESS from the
#: runs at least 669, R-hat at most 1.0063), the impulse responses made cheap enough to pay for it
#: (calibration.pipeline.STAGE2_IRF)
JOINT_PARTICLES = 320
JOINT_SMC_RUNS = 8
#: default nautilus runs per variant (--sampler nautilus, the default): 3, so that R-hat and the ESS from the runs'
#: spread have more than one run to compare, within the 15-minute budget on 2 cores (two variants: 6 runs of about
#: 3.5 minutes each, measured on the US, issue 14 session 11)
JOINT_NESTED_RUNS = 3
#: --variant values: one variant, or both
VARIANT_CHOICES = ("both", *VARIANTS)


def add_parser(sub) -> None:
    cal = sub.add_parser("calibrate", help="calibrate the directed-growth model on US or UK data",
                         description="Block-wise regressions and a whole-model least-squares fit on a historical "
                                     "replay (optionally MCMC), written as a TOML parameter file with its "
                                     "provenance and fit statistics; and/or the country's start state (2025 "
                                     "values from the data, each with its series, files and bridging rule).")
    cal.add_argument("--country", choices=("USA", "GBR"), default="USA", help="country (default USA)")
    cal.add_argument("--data-dir", type=Path, default=None, metavar="DIR",
                     help="data directory (default: $DGM_DATA_DIR, else ../shared/data beside the checkout; "
                          "without any, the statsmodels fallback panel, USA only)")
    cal.add_argument("--targets", type=Path, default=None, metavar="FILE",
                     help="target-set TOML (default: calibration/targets/<country>.toml)")
    cal.add_argument("--mcmc", action="store_true", help="also sample the posterior (emcee)")
    cal.add_argument("--joint", action="store_true",
                     help="the joint Bayesian calibration instead: stage 1 on the parameters the replay identifies, "
                          "then every parameter with those the impulse responses speak to by nested sampling "
                          "(--sampler nautilus, the default) or tempered SMC (--sampler smc); writes "
                          "<country>_posterior.csv (and _posterior_bh.csv) beside --out")
    cal.add_argument("--steps", type=int, default=None,
                     help=f"MCMC steps (default 2000; with --joint {JOINT_STEPS} per run)")
    cal.add_argument("--runs", type=int, default=None,
                     help=f"--joint: independent stage-1 runs (default {JOINT_RUNS})")
    cal.add_argument("--stage1", choices=("smc", "emcee"), default=None,
                     help="--joint: stage 1's sampler, tempered SMC from the logit-Laplace Student-t (default) or "
                          "emcee (--walkers, --steps)")
    cal.add_argument("--walkers", type=int, default=None, help=f"--joint: walkers per run (default {JOINT_WALKERS})")
    cal.add_argument("--sampler", choices=("nautilus", "smc"), default=None,
                     help="--joint: stage 2's sampler, nested sampling by nautilus from the prior (default) or "
                          "tempered SMC from stage 1 (--particles, --smc-runs)")
    cal.add_argument("--nested-runs", type=int, default=None,
                     help=f"--joint: independent nautilus runs per variant (default {JOINT_NESTED_RUNS}, at least 2; "
                          "R-hat across them)")
    cal.add_argument("--particles", type=int, default=None,
                     help=f"--joint: particles per tempered SMC run (default {JOINT_PARTICLES})")
    cal.add_argument("--smc-runs", type=int, default=None,
                     help=f"--joint: independent SMC runs per variant (default {JOINT_SMC_RUNS}; R-hat across them)")
    cal.add_argument("--variant", default=None, metavar="NAME",
                     help=f"--joint: impulse-response target variant(s): {', '.join(VARIANT_CHOICES)} "
                          "(default both: the Mazzucato table and the Boysen-Hogrefe one)")
    cal.add_argument("--starts", type=int, default=4, help="least-squares starts (default 4)")
    cal.add_argument("--seed", type=int, default=0, help="seed of the starts and the sampler (default 0)")
    cal.add_argument("--out", type=Path, default=None, metavar="FILE.toml",
                     help="parameter file to write (the calibration)")
    cal.add_argument("--start-state", type=Path, default=None, metavar="FILE.toml",
                     help="also (or, without --out, only) write the country's start state from the data: 2025 "
                          "values with their series, files, last data year and bridging rule (takes seconds; the "
                          "package's own files: python -m calibration.start_state_file)")
    cal.add_argument("--figures", type=Path, default=None, metavar="DIR",
                     help="also draw fitted-vs-observed, posterior and profile figures (PDF and PNG) into DIR")
    cal.add_argument("--force", action="store_true",
                     help="overwrite an existing --out or --start-state file and figures")


def _figure_names(country: str, mcmc: bool) -> list[str]:
    c = country.lower()
    return [f"fit_{c}", f"profile_{c}"] + ([f"posterior_{c}"] if mcmc else [])


def _check(args) -> None:
    """Every option checked before the (long) calibration starts."""
    from ..files import check_input, check_output
    from .checks import at_least

    if args.out is None and args.start_state is None:
        raise CalibrationError("nothing to write: pass --out FILE.toml (the calibration), --start-state FILE.toml "
                               "(the country's start state), or both")
    if args.out is not None:
        check_output(args.out, "--out", force=args.force, suffixes=(".toml",))
    if args.start_state is not None:
        check_output(args.start_state, "--start-state", force=args.force, suffixes=(".toml",))
        if args.out is not None and args.out.resolve() == args.start_state.resolve():
            raise CalibrationError(f"--out and --start-state name the same file {args.out}; give two files")
    if args.figures is not None and args.out is None:
        raise CalibrationError("--figures draws the calibration: pass --out FILE.toml too")
    if args.targets is not None:
        check_input(args.targets, "--targets", "target-set TOML file")
    if args.data_dir is not None and not args.data_dir.is_dir():
        raise CalibrationError(f"--data-dir {args.data_dir}: "
                               f"{'not a directory' if args.data_dir.exists() else 'no such directory'}")
    if args.figures is not None:
        check_output(args.figures, "--figures", force=True, directory=True)
        exist = [f"{n}.{e}" for n in _figure_names(args.country, args.mcmc) for e in ("pdf", "png")
                 if (args.figures / f"{n}.{e}").exists()]
        if exist and not args.force:
            raise CalibrationError(f"--figures {args.figures} already holds {', '.join(exist[:3])}"
                                   f"{', ...' if len(exist) > 3 else ''}; pass --force to overwrite them")
    joint_only = [o for o, v in (("--runs", args.runs), ("--walkers", args.walkers), ("--variant", args.variant),
                                            ("--particles", args.particles), ("--smc-runs", args.smc_runs),
                                            ("--stage1", args.stage1), ("--sampler", args.sampler),
                                            ("--nested-runs", args.nested_runs))
                  if v is not None]
    if args.joint:
        if args.mcmc:
            raise CalibrationError("--joint and --mcmc are two calibrations: pass one of them")
        if args.out is None:
            raise CalibrationError("--joint writes a parameter file: pass --out FILE.toml")
        if args.targets is not None or args.figures is not None:
            raise CalibrationError(f"{'--targets' if args.targets is not None else '--figures'} does not apply to "
                                   "--joint (valid with --joint: --runs, --stage1, --walkers, --steps, --sampler, "
                                   "--nested-runs, --particles, --smc-runs, --variant, --seed)")
        if args.variant is not None and args.variant not in VARIANT_CHOICES:
            raise CalibrationError(f"--variant {args.variant[:40]!r} is not a variant; valid: "
                                   f"{', '.join(VARIANT_CHOICES)}")
        at_least("--runs", args.runs if args.runs is not None else JOINT_RUNS, 1)
        at_least("--walkers", args.walkers if args.walkers is not None else JOINT_WALKERS, 24)
        at_least("--particles", args.particles if args.particles is not None else JOINT_PARTICLES, 20)
        at_least("--smc-runs", args.smc_runs if args.smc_runs is not None else JOINT_SMC_RUNS, 1)
        nested_runs = args.nested_runs if args.nested_runs is not None else JOINT_NESTED_RUNS
        if nested_runs < 2:
            raise CalibrationError(f"--nested-runs must be at least 2, got {nested_runs}: R-hat and the ESS from the "
                                   "runs compare runs, and one run's Kish ESS cannot pass the posterior")
        if (args.sampler or "nautilus") == "nautilus" and (args.particles is not None or args.smc_runs is not None):
            raise CalibrationError("--particles and --smc-runs set the tempered SMC: pass --sampler smc with them "
                                   "(the default sampler, nautilus, takes --nested-runs)")
        if args.sampler == "smc" and args.nested_runs is not None:
            raise CalibrationError("--nested-runs sets the nautilus sampler, not --sampler smc (which takes "
                                   "--particles and --smc-runs)")
        if not args.force:
            from calibration.paramfile import posterior_csv_paths

            for p in posterior_csv_paths(args.out, args.country).values():
                if p.exists():
                    raise CalibrationError(f"{p} exists beside --out; pass --force to overwrite it")
    elif joint_only:
        raise CalibrationError(f"{joint_only[0]} applies to --joint only; pass --joint too")
    at_least("--steps", args.steps if args.steps is not None else 2000, 10)
    at_least("--starts", args.starts, 1)
    at_least("--seed", args.seed, 0)


def run(args) -> int:
    from calibration.data import DataError
    from calibration.paramfile import write_params
    from calibration.pipeline import calibrate

    from ..files import FileSet

    _check(args)
    started = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {msg}", file=sys.stderr, flush=True)

    if args.start_state is not None:
        from calibration.start_state import start_state
        from calibration.start_state_file import write_start_state

        try:
            state = start_state(args.country, data_dir=args.data_dir)
        except DataError as exc:
            raise CalibrationError(str(exc)) from None
        write_start_state(state, args.start_state)  # atomic: a temporary file, removed on every error
        say(f"wrote the {args.country} start state ({state['meta']['year']}) to {args.start_state}")
        if args.out is None:
            return 0
    if args.joint:
        return _run_joint(args, say)
    steps = args.steps if args.steps is not None else 2000
    try:
        cal = calibrate(args.country, args.data_dir, targets=str(args.targets) if args.targets else None,
                        mcmc=args.mcmc, steps=steps, starts=args.starts, seed=args.seed, progress=say)
    except DataError as exc:
        raise CalibrationError(str(exc)) from None
    # the command that reproduces the file (from the parsed options, whatever the entry point)
    options = [f"--country {args.country}", "--mcmc" if args.mcmc else "", f"--steps {steps}" if args.mcmc else "",
               f"--starts {args.starts}", f"--seed {args.seed}",
               f"--targets {shlex.quote(str(args.targets))}" if args.targets else "",
               f"--data-dir {shlex.quote(str(args.data_dir))}" if args.data_dir else "",
               f"--out {shlex.quote(str(args.out))}"]
    command = "dgm calibrate " + " ".join(o for o in options if o)
    write_params(cal, args.out, command=command)  # atomic: a temporary file, removed on every error
    for name, m in cal.moments.items():
        say(f"{name}: model {m['model']:.4f}, target {m['target']:.4f} +- {m['tolerance']:.4f} "
            f"({'met' if m['met'] else 'NOT met'})")
    say(f"wrote {args.out}")
    if args.figures is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from calibration.plots import fitted_vs_observed, posterior_corner, profile_plot

        c = cal.country.lower()
        drawn = [(f"fit_{c}", fitted_vs_observed), (f"profile_{c}", profile_plot)]
        if cal.posterior is not None:
            drawn.append((f"posterior_{c}", posterior_corner))
        with FileSet(args.figures) as files:  # all figures or none reach DIR
            for name, draw in drawn:
                fig = draw(cal)
                try:
                    for ext in ("pdf", "png"):
                        files.write(f"{name}.{ext}", lambda p, fig=fig, ext=ext: fig.savefig(p, format=ext, dpi=200))
                finally:
                    plt.close(fig)
        say(f"figures: {', '.join(n for n, _ in drawn)} in {args.figures}")
    return 0


def _run_joint(args, say) -> int:
    """``dgm calibrate --joint``: :func:`calibration.pipeline.calibrate_joint`, then the parameter file and its
    posterior tables (:func:`calibration.paramfile.write_joint_params`)."""
    from calibration.data import DataError
    from calibration.paramfile import write_joint_params
    from calibration.pipeline import calibrate

    runs = args.runs if args.runs is not None else JOINT_RUNS
    stage1 = args.stage1 or "smc"
    walkers = args.walkers if args.walkers is not None else JOINT_WALKERS
    steps = args.steps if args.steps is not None else JOINT_STEPS
    variant = args.variant or "both"
    particles = args.particles if args.particles is not None else JOINT_PARTICLES
    smc_runs = args.smc_runs if args.smc_runs is not None else JOINT_SMC_RUNS
    sampler = args.sampler or "nautilus"
    nested_runs = args.nested_runs if args.nested_runs is not None else JOINT_NESTED_RUNS
    variants = VARIANTS if variant == "both" else (variant,)
    try:
        jc = calibrate(args.country, args.data_dir, joint=True, runs=runs, walkers=walkers, steps=steps,
                       seed=args.seed, variants=variants, particles=particles, smc_runs=smc_runs, bars=True,
                       progress=say, stage1=stage1, sampler=sampler, nested_runs=nested_runs)
    except DataError as exc:
        raise CalibrationError(str(exc)) from None
    stage2_options = ([f"--nested-runs {nested_runs}"] if sampler == "nautilus"
                      else [f"--particles {particles}", f"--smc-runs {smc_runs}"])
    options = [f"--country {args.country}", "--joint", f"--runs {runs}", f"--stage1 {stage1}",
               *([f"--walkers {walkers}", f"--steps {steps}"] if stage1 == "emcee" else []),
               f"--variant {variant}", f"--sampler {sampler}", *stage2_options, f"--seed {args.seed}",
               f"--data-dir {shlex.quote(str(args.data_dir))}" if args.data_dir else "",
               f"--out {shlex.quote(str(args.out))}"]
    command = "dgm calibrate " + " ".join(o for o in options if o)
    write_joint_params(jc, args.out, command=command, force=args.force)
    for line in diagnostics_lines(jc):
        print(line, file=sys.stderr, flush=True)
    say(f"wrote {args.out} and its posterior table(s)")
    return 0


def diagnostics_lines(jc) -> list[str]:
    """The joint posterior's diagnostics, one line per parameter and variant: ESS per parameter (nautilus: the Kish
    ESS summed over the runs, the same for every parameter; SMC: cluster-robust, summed over the runs) and from the
    spread of the runs' means (the pass), the Kish ESS (nautilus: summed over the runs; SMC: of the last
    reweighting), R-hat across the stage-2 runs, PASS/FAIL against ESS > 400 and R-hat < 1.01; for stage-1
    parameters also stage 1's ESS and R-hat across runs (SMC), or its MCMC ESS and R-hats (across runs, within
    runs, over walkers)."""
    out = []
    for v in jc.stage2:
        summ = jc.summary(v)
        passed = sum(r["verdict"] == "PASS" for r in summ.values())
        kish = ("Kish ESS summed over the runs" if jc.settings.get("sampler") == "nautilus"
                else "Kish ESS of the last reweighting")
        out.append(f"joint posterior ({v}): {passed} of {len(summ)} parameters PASS (ESS from the runs > 400, R-hat "
                   f"< 1.01); {kish} {jc.stage2[v].kish_ess:.0f}")
        smc1 = jc.settings.get("stage1", "emcee") == "smc"
        out.append(f"  {'parameter':<10} {'ESS':>7} {'ESS runs':>9} {'R-hat':>7}  verdict   stage-1: "
                   + ("ESS runs, R-hat across runs (SMC)" if smc1 else "ESS, R-hat runs / within / walkers"))
        for n, r in summ.items():
            if "stage1_ess" not in r:
                s1 = ""
            elif smc1:
                s1 = f"  {r['stage1_ess']:7.0f}, {r['stage1_rhat_runs']:.4f}"
            else:
                s1 = (f"  {r['stage1_ess']:7.0f}, {r['stage1_rhat_runs']:.4f} / {r['stage1_rhat_within']:.4f} / "
                      f"{r['stage1_rhat_walkers']:.4f}")
            out.append(f"  {n:<10} {r['ess']:7.0f} {r['ess_runs']:9.0f} {r['rhat']:7.4f}  {r['verdict']:<8}{s1}")
    return out

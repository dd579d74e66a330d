"""Stage 1 of the joint calibration by tempered SMC from the logit-scale Laplace approximation.

The stage-1 posterior (:class:`calibration.joint.JointPosterior` over :data:`calibration.twostage.STAGE1`: blocks
and the replay) is sampled by ``runs`` independent adaptive tempered SMC runs (:func:`calibration.smc.tempered_smc`)
from the Student-t about its logit-scale Laplace approximation (:class:`calibration.sbc.LaplaceReference`; the
same construction as :func:`calibration.sbc.fit_logit_smc`, whose replay SBC measured its coverage), with
waste-free final sweeps (Dau & Chopin 2022, J. R. Stat. Soc. B 84(1)) that are mostly independence
Metropolis-Hastings proposals fitted to the population (Tierney 1994, Ann. Stat. 22(4)).

Why not the ensemble MCMC (:func:`calibration.joint.sample_joint`): measured on the US 1970-2019 (2026-12-02,
4 runs x 24 walkers x 2,000 steps, burn 800, 192k evaluations, 744 s at load 4), its integrated
autocorrelation time was 30-40 steps with ``steps / tau`` 27-36 (below emcee's 50: tau itself unreliable), R-hat
over walkers 1.04-1.06 and within-run R-hat up to 1.0147; at the Laplace Student-t's scale the posterior is close
enough to its shape that an independent proposal is accepted about a third of the time in 21 dimensions (stage 2,
measured), so each accepted step is a draw nearly independent of the particle's past.

Cross-check (same data, 2026-12-02): the posterior means of the 11 parameters agree with the ensemble MCMC's
within 0.07 of their sd; the SMC's sds are 3-13% larger (the ensemble's walkers had not spread to the posterior's
width: its R-hat over walkers 1.04-1.06).

The draws are returned as a :class:`calibration.joint.JointSample` (one "chain" array per run: the kept states,
shape ``(final_keep, particles, k)``), with the diagnostics of :func:`calibration.smc.smc_summary`: ``ess`` the
ESS from the spread of the runs' means (``ess_runs``), ``rhat`` and ``rhat_runs`` the rank-normalised R-hat across
the runs; ``tau``, ``rhat_within`` and ``steps_over_tau`` do not apply (NaN).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .joint import JointPrior, JointSample, spawn_map

__all__ = ["STAGE1_SMC", "sample_stage1_smc"]

#: settings of the stage-1 tempered SMC (:func:`calibration.smc.tempered_smc`): particles per run, and the sampler's
#: (measured on the US 1970-2019, 8 runs of 150 particles: 2-3 temperatures, about 3,100 evaluations a run, 30 s for
#: all; ESS from the runs 848-7,495, R-hat across runs at most 1.0054; 300 particles against the small-population
#: bias of the population-fitted proposals, calibration.smc)
STAGE1_SMC = {"particles": 300, "ess_frac": 0.5, "move_c": 0.2, "min_moves": 1, "max_moves": 6, "final_moves": 12,
              "final_keep": 6, "independent": 0.5, "final_independent": 0.9}


def _job(args) -> tuple:
    """One stage-1 SMC run (a spawn-pool worker)."""
    from .smc import tempered_smc

    ref, n, seed, settings = args
    rng = np.random.default_rng(seed)
    x0 = ref.draw(rng, n)
    run = tempered_smc(ref, x0, ref.prior.lower, ref.prior.upper, rng=rng, names=ref.prior.names,
                       evaluate_final=ref.log_posterior, **settings)
    return run


def sample_stage1_smc(batch: Callable[[np.ndarray], np.ndarray], prior: JointPrior, lap: dict, *, runs: int = 8,
                      seed: int = 0, processes: int = 2, settings: dict | None = None,
                      progress: Callable[[str], None] | None = None) -> tuple[JointSample, list]:
    """``runs`` independent tempered SMC runs onto the stage-1 posterior (module docstring).

    Parameters
    ----------
    batch : callable
        ``(m, k) -> (m, n)`` scaled residuals (:meth:`calibration.joint.JointPosterior.residuals_batch`); picklable
        for ``processes > 1``.
    prior : JointPrior
    lap : dict
        :func:`calibration.sbc.logit_laplace` of ``batch`` (``u``, ``cov_u``).
    runs : int
        Independent runs (seeded ``seed + run``).
    seed : int
    processes : int
        Runs in parallel on a spawn pool.
    settings : dict, optional
        Default :data:`STAGE1_SMC` (``particles`` and :func:`calibration.smc.tempered_smc` keywords).
    progress : callable, optional
        Receives one line per finished run.

    Returns
    -------
    JointSample, list of SMCRun
    """
    from .sbc import LaplaceReference
    from .smc import smc_summary

    cfg = dict(STAGE1_SMC if settings is None else settings)
    n = int(cfg.pop("particles"))
    ref = LaplaceReference(batch, prior, lap["u"], lap["cov_u"])
    jobs = [(ref, n, seed + 3000 + r, cfg) for r in range(runs)]
    t = time.perf_counter()
    out = spawn_map(_job, jobs, processes)
    wall = time.perf_counter() - t
    if progress is not None:
        for i, r in enumerate(out):
            progress(f"stage 1 SMC run {i + 1}/{runs}: {len(r.steps)} temperatures, {r.evaluations} evaluations, "
                     f"Kish ESS {r.kish_ess:.0f}, final acceptance {r.steps[-1]['acceptance']:.2f}")
    summ = smc_summary(out, seed=seed)
    diag = {name: {"tau": float("nan"), "ess": d["ess_runs"], "ess_cluster": d["ess"], "rhat": d["rhat"],
                   "rhat_runs": d["rhat"], "rhat_within": float("nan"), "steps_over_tau": float("nan")}
            for name, d in summ.items()}
    keep = int(cfg.get("final_keep", 1))
    chains = [r.particles.reshape(keep, n, len(prior.names)) for r in out]
    log_prob = [np.full((keep, n), np.nan) for _ in out]
    acc = [float(r.steps[-1]["acceptance"]) for r in out]
    sample = JointSample(prior.names, chains, log_prob, acc, diag, [r.seconds for r in out], wall,
                         dict(runs=runs, particles=n, burn=0, seed=seed, processes=processes, method="tempered SMC",
                              smc=cfg, evaluations=int(sum(r.evaluations for r in out))))
    return sample, out

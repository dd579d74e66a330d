"""Adaptive tempered SMC (calibration.smc): a known Gaussian posterior, the ESS formulas on known weights and
particles, the temperature rule, and the within-run split R-hat of stage-1 chains (calibration.diagnostics)."""

import math

import numpy as np
import pytest

from calibration.diagnostics import within_run_rhat
from calibration.smc import SMCResult, cluster_ess, kish_ess_weights, next_beta, smc_summary, tempered_smc

#: the toy: reference N(0, 3^2 I) (on a box far wider), likelihood N(M, A^-1): posterior precision Q = I/9 + A,
#: mean Q^-1 A M (closed form)
A = np.array([[50.0, 10.0, 0.0], [10.0, 20.0, 0.0], [0.0, 0.0, 200.0]])
M = np.array([1.0, -2.0, 0.5])
Q = np.eye(3) / 9.0 + A


def _evaluate(X):
    d = X - M
    return -0.5 * np.sum(X * X, axis=1) / 9.0, -0.5 * np.einsum("ij,jk,ik->i", d, A, d)


def _runs(n_runs=4, n=1000, seed=1, independent=0.0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_runs):
        x0 = np.clip(rng.normal(0.0, 3.0, (n, 3)), -19.9, 19.9)
        out.append(tempered_smc(_evaluate, x0, [-20.0] * 3, [20.0] * 3, rng=rng, names=("a", "b", "c"),
                                independent=independent))
    return out


@pytest.mark.parametrize("independent", [0.0, 0.5])
def test_tempered_smc_recovers_a_known_gaussian_posterior(independent):
    runs = _runs(independent=independent)
    mean, cov = np.linalg.solve(Q, A @ M), np.linalg.inv(Q)
    sd = np.sqrt(np.diag(cov))
    res = SMCResult.pool(runs, ("a", "b"), ("c",))
    x = res.table
    ess = np.array([res.diagnostics[n]["ess"] for n in res.names])
    # means within 4 Monte Carlo standard errors sd / sqrt(ESS); variances within 4 of their MC errors
    # (sd of a variance estimate ~ var sqrt(2 / ESS))
    assert np.all(np.abs(x.mean(axis=0) - mean) < 4 * sd / np.sqrt(ess))
    assert np.all(np.abs(x.var(axis=0) / np.diag(cov) - 1) < 4 * np.sqrt(2 / ess))
    rho = cov[0, 1] / (sd[0] * sd[1])
    assert np.corrcoef(x[:, 0], x[:, 1])[0, 1] == pytest.approx(rho, abs=0.05)
    # every run ends at beta = 1, each reweighting at the adaptive ESS target N/2 but the last (at least N/2)
    for r in runs:
        assert r.steps[-1]["beta"] == 1.0
        assert all(s["kish_ess"] == pytest.approx(500.0, rel=1e-6) for s in r.steps[:-1])
        assert r.kish_ess >= 500.0 - 1e-6
    assert res.converged() and res.kish_ess == pytest.approx(sum(r.kish_ess for r in runs))
    assert all(d["rhat"] < 1.01 for d in res.diagnostics.values())


def test_tempered_smc_stays_within_the_support():
    # a likelihood pressing against the upper bound 1 of a uniform reference on (0, 1)
    rng = np.random.default_rng(0)
    x0 = rng.uniform(0.001, 0.999, (500, 1))
    run = tempered_smc(lambda X: (np.zeros(len(X)), 40.0 * X[:, 0]), x0, [0.0], [1.0], rng=rng)
    assert np.all((run.particles > 0) & (run.particles < 1))
    # the posterior is the truncated exponential 40 e^{40 x} / (e^40 - 1): mean 1 - 1/40 (to e^-40)
    assert run.particles.mean() == pytest.approx(1 - 1 / 40, abs=4 * (1 / 40) / math.sqrt(run.cluster_ess()[0]))


def test_kish_ess_of_known_weights():
    assert kish_ess_weights(np.zeros(100)) == pytest.approx(100.0)
    assert kish_ess_weights(np.r_[0.0, np.full(9, -np.inf)]) == pytest.approx(1.0)
    assert kish_ess_weights(np.log([1.0, 3.0])) == pytest.approx(16 / 10)  # (1 + 3)^2 / (1 + 9)


def test_next_temperature_meets_the_ess_target_in_closed_form():
    # two particles, ell = (0, 2 ln 3): at beta' the weights are 1 and 3^(2 beta'); ESS 1.6 needs 3^(2 beta') = 3
    ell = np.array([0.0, 2 * math.log(3.0)])
    assert next_beta(ell, 0.0, 1.6) == pytest.approx(0.5, abs=1e-9)
    assert next_beta(ell, 0.25, 1.6) == pytest.approx(0.75, abs=1e-9)  # increments, not levels
    assert next_beta(ell, 0.0, 1.0) == 1.0  # the ESS at beta' = 1 is above 1: straight to 1


def test_cluster_ess_of_independent_and_copied_particles():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    assert cluster_ess(x, np.arange(400)) == pytest.approx([400.0, 400.0])
    # 50 ancestors, each copied 8 times without moving: 50 independent values
    y = np.repeat(rng.normal(size=(50, 2)), 8, axis=0)
    assert cluster_ess(y, np.repeat(np.arange(50), 8)) == pytest.approx([50.0, 50.0])


def test_smc_summary_flags_runs_that_disagree():
    rng = np.random.default_rng(2)
    from calibration.smc import SMCRun

    def run(shift):
        x = rng.normal(size=(500, 1)) + shift
        return SMCRun(("a",), x, np.arange(500), x, np.zeros(500), 500.0)

    good = smc_summary([run(0.0) for _ in range(4)])["a"]
    assert good["rhat"] < 1.01 and good["pass"] and good["ess"] == pytest.approx(2000.0)
    bad = smc_summary([run(0.0), run(0.0), run(0.0), run(2.0)])["a"]  # one run 2 sd off
    assert bad["rhat"] > 1.1 and not bad["pass"]


def test_within_run_rhat_of_a_stationary_and_a_drifting_run():
    rng = np.random.default_rng(3)
    still = rng.normal(size=(2000, 24, 1))
    assert within_run_rhat(still)[0] < 1.01
    drift = still + np.linspace(0.0, 1.0, 2000)[:, None, None]  # mean moving by 1 sd over the run
    assert within_run_rhat(drift)[0] > 1.02  # quarters 0.25 sd apart: measured 1.05
    with pytest.raises(ValueError, match="at least 8 steps"):
        within_run_rhat(still[:6])

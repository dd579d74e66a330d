"""Whole-model least squares: exact Jacobian, parameter recovery, errors."""

import numpy as np
import pytest

import model
from calibration.least_squares import Problem, Target, fit_least_squares
from model import Policy, policies, step
from model.errors import CalibrationError
from model.library.directed_growth import directed_growth

TRUTH = {"g_Z": 0.022, "phi1": 0.6, "gamma_p": 0.4, "psi_Z": 0.7, "beta_B": 0.08}
SIGMA = {"lam": 0.003, "omega": 0.003, "Y": 0.005, "b": 0.01}
YEARS = np.arange(2025, 2061, 1.0)
#: a public-investment step in 2030 moves employment, distribution and debt
POLICY = Policy("shock", i_G=step(2030, 0.035, 0.045))


@pytest.fixture(scope="module")
def dg():
    return directed_growth()


def synthetic_targets(dg, seed):
    ds = model.simulate(dg, TRUTH, POLICY, t_span=(2025, 2060), t_eval=YEARS, exogenous=policies.default_exogenous())
    rng = np.random.default_rng(seed)
    out = []
    for name, s in SIGMA.items():
        noise = rng.normal(0, s, YEARS.size)
        values = ds[name].values * np.exp(noise) if name == "Y" else ds[name].values + noise
        out.append(Target(name, YEARS, values, s, log=name == "Y", source="simulated"))
    return out


def problem(dg, targets):
    return Problem(dg, targets, list(TRUTH), policy=POLICY, exogenous=policies.default_exogenous())


def test_exact_jacobian_matches_central_differences(dg):
    prob = problem(dg, synthetic_targets(dg, 0))
    theta = prob.p0[prob.idx]
    J = prob.jacobian(theta)
    for j in range(theta.size):
        h = 1e-6 * max(1.0, abs(theta[j]))
        e = np.zeros_like(theta)
        e[j] = h
        fd = (prob.residuals(theta + e) - prob.residuals(theta - e)) / (2 * h)
        np.testing.assert_allclose(J[:, j], fd, rtol=0, atol=1e-4 * np.abs(fd).max(), err_msg=prob.wrt[j])


@pytest.mark.parametrize("seed", [1, 2])
def test_whole_model_parameters_are_recovered_within_two_standard_errors(dg, seed):
    prob = problem(dg, synthetic_targets(dg, seed))
    fit, report = fit_least_squares(prob)  # from the defaults, away from the truth
    for name, value in TRUTH.items():
        assert abs(fit.values[name] - value) <= 2 * fit.se[name], (name, fit.values[name], fit.se[name])
    assert fit.n_obs == len(SIGMA) * YEARS.size
    # residuals scaled by the true noise: the root-mean-square is about 1
    assert 0.8 < fit.rmse < 1.2
    assert report["evaluations"]["jacobian"] >= 1 and report["condition_number"] > 1


def test_multistart_from_the_declared_bounds_finds_the_same_minimum(dg):
    prob = problem(dg, synthetic_targets(dg, 1))
    single, _ = fit_least_squares(prob)
    multi, report = fit_least_squares(prob, starts=3, seed=4)
    assert len(report["starts"]) == 3
    costs = [r["cost"] for r in report["starts"] if "cost" in r]
    assert min(costs) <= 0.5 * float(single.residuals @ single.residuals) * (1 + 1e-6)
    for name in TRUTH:
        assert multi.values[name] == pytest.approx(single.values[name], rel=1e-3, abs=1e-6)


def test_bad_targets_are_rejected(dg):
    with pytest.raises(CalibrationError, match="neither stocks nor auxiliaries"):
        Problem(dg, [Target("GDP", YEARS, YEARS, 1.0)], ["phi1"])
    with pytest.raises(CalibrationError, match="sigma must be positive"):
        Target("Y", YEARS, YEARS, 0.0)
    with pytest.raises(CalibrationError, match="equal length"):
        Target("Y", YEARS, YEARS[:-1], 1.0)
    with pytest.raises(CalibrationError, match="log=True needs positive"):
        Target("b", YEARS, -np.ones_like(YEARS), 1.0, log=True)
    with pytest.raises(model.ModelError, match="unknown parameter"):
        Problem(dg, [Target("Y", YEARS, YEARS, 1.0)], ["not_a_parameter"])

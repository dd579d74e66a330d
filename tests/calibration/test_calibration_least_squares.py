"""Whole-model least squares: exact Jacobian, parameter recovery, errors."""

import numpy as np
import pytest

import model
from calibration.least_squares import Problem, Target, fit_least_squares
from model.errors import CalibrationError


def test_exact_jacobian_matches_central_differences(simulated_targets):
    prob = simulated_targets.problem(0)
    theta = prob.p0[prob.idx]
    J = prob.jacobian(theta)
    for j in range(theta.size):
        h = 1e-6 * max(1.0, abs(theta[j]))
        e = np.zeros_like(theta)
        e[j] = h
        fd = (prob.residuals(theta + e) - prob.residuals(theta - e)) / (2 * h)
        np.testing.assert_allclose(J[:, j], fd, rtol=0, atol=1e-4 * np.abs(fd).max(), err_msg=prob.wrt[j])


@pytest.mark.parametrize("seed", [1, 2])
def test_whole_model_parameters_are_recovered_within_two_standard_errors(simulated_targets, seed):
    prob = simulated_targets.problem(seed)
    fit, report = fit_least_squares(prob)  # from the defaults, away from the truth
    for name, value in simulated_targets.truth.items():
        assert abs(fit.values[name] - value) <= 2 * fit.se[name], (name, fit.values[name], fit.se[name])
    assert fit.n_obs == len(simulated_targets.sigma) * simulated_targets.years.size
    # residuals scaled by the true noise: the root-mean-square is about 1
    assert 0.8 < fit.rmse < 1.2
    assert report["evaluations"]["jacobian"] >= 1 and report["condition_number"] > 1


def test_multistart_from_the_declared_bounds_finds_the_same_minimum(simulated_targets):
    prob = simulated_targets.problem(1)
    single, _ = fit_least_squares(prob)
    multi, report = fit_least_squares(prob, starts=3, seed=4)
    assert len(report["starts"]) == 3
    costs = [r["cost"] for r in report["starts"] if "cost" in r]
    assert min(costs) <= 0.5 * float(single.residuals @ single.residuals) * (1 + 1e-6)
    for name in simulated_targets.truth:
        assert multi.values[name] == pytest.approx(single.values[name], rel=1e-3, abs=1e-6)


def test_bad_targets_are_rejected(dg):
    years = np.arange(2025, 2061, 1.0)
    with pytest.raises(CalibrationError, match="neither stocks nor auxiliaries"):
        Problem(dg, [Target("GDP", years, years, 1.0)], ["phi1"])
    with pytest.raises(CalibrationError, match="sigma must be positive"):
        Target("Y", years, years, 0.0)
    with pytest.raises(CalibrationError, match="equal length"):
        Target("Y", years, years[:-1], 1.0)
    with pytest.raises(CalibrationError, match="log=True needs positive"):
        Target("b", years, -np.ones_like(years), 1.0, log=True)
    with pytest.raises(model.ModelError, match="unknown parameter"):
        Problem(dg, [Target("Y", years, years, 1.0)], ["not_a_parameter"])


# ---------------------------------------------------------------- identification (Solow: only s*A matters)

def solow_target(params=None, sigma=0.01, log=True, seed=0):
    """Solow's k over 0-50 (from the defaults or ``params``) with multiplicative (or additive) noise."""
    from model.library.solow import solow

    m = solow()
    years = np.arange(0, 51, 1.0)
    ds = model.simulate(m, params, None, t_span=(0, 50), t_eval=years, rtol=1e-11, atol=1e-13)
    noise = np.random.default_rng(seed).normal(0, sigma, years.size)
    k = ds.k.values * np.exp(noise) if log else ds.k.values + noise
    return m, years, Target("k", years, k, sigma, log=log, source="simulated")


def test_solow_saving_rate_and_productivity_are_not_identified_apart():
    from calibration.bayes import Prior, profile_likelihood, sample_posterior

    m, _, target = solow_target()
    prob = Problem(m, [target], ["s", "A"])
    fit, report = fit_least_squares(prob)
    assert report["condition_number"] > 1e15  # 2.2e16: J's columns are proportional
    assert report["rank"] == 1 and report["not_identified"] == ["s", "A"]
    assert fit.se == {"s": np.inf, "A": np.inf}
    assert fit.not_identified() == ["s", "A"] and fit.weakly_identified() == ["s", "A"]
    assert np.isinf(np.diag(fit.cov)).all() and "not identified by the data: s, A" in fit.notes[0]
    # the flat direction: ds/s = -dA/A (the product s A is what k pins down)
    d = fit.null_space[:, 0]
    assert d[0] / d[1] == pytest.approx(-fit.values["s"] / fit.values["A"], rel=1e-6)
    # the profile of s is flat from 0.05 to 0.8 (A re-fitted), and its default grid spans the bounds
    prof = profile_likelihood(prob, fit, "s", values=[0.05, 0.2, 0.8])
    assert np.abs(prof["delta_chi2"]).max() < 1e-3
    grid = profile_likelihood(prob, fit, "s", points=3)["values"]
    assert grid[0] == pytest.approx(0.0, abs=1e-8) and grid[-1] == pytest.approx(1.0, abs=1e-8)
    # the MCMC starts along the flat direction (1% of the bounds), not from a singular covariance
    post = sample_posterior(prob.residuals, fit, Prior(prob.lower, prob.upper), walkers=8, steps=30, burn=0, seed=0)
    s, A = post.samples[:, 0], post.samples[:, 1]
    assert np.isfinite(post.samples).all() and s.std() > 1e-4
    np.testing.assert_allclose(s * A, fit.values["s"] * fit.values["A"], rtol=1e-2)
    # the product alone is identified
    one, rep1 = fit_least_squares(Problem(m, [target], ["A"]))
    assert rep1["rank"] == 1 and one.not_identified() == [] and 0 < one.se["A"] < 0.01
    assert 0.2 * one.values["A"] == pytest.approx(fit.values["s"] * fit.values["A"], rel=1e-6)


def test_identified_standard_errors_equal_the_closed_form():
    """Solow with a = 0 is linear: k = c + (k0 - c) e^(-mt), c = sA/m, m = n + g + delta; the Gauss-Newton
    standard errors of (s, delta) are sqrt(diag(s2 (J^T J)^-1)) with the analytic J."""
    params = {"a": 0.0}
    m, years, target = solow_target(params, sigma=0.02, log=False, seed=3)
    prob = Problem(m, [target], ["s", "delta"], params=params, rtol=1e-11, atol=1e-13)
    fit, report = fit_least_squares(prob, xtol=1e-14, ftol=1e-14, gtol=1e-14)
    assert report["rank"] == 2 and fit.not_identified() == []
    s, delta = fit.values["s"], fit.values["delta"]
    A, n, g, k0 = 1.0, 0.01, 0.02, 1.0
    mm = n + g + delta
    c = s * A / mm
    e = np.exp(-mm * years)
    k = c + (k0 - c) * e
    J = np.column_stack([A / mm * (1 - e), -(s * A / mm ** 2) * (1 - e) - years * (k0 - c) * e]) / target.sigma
    r = (k - target.values) / target.sigma
    cov = float(r @ r) / (years.size - 2) * np.linalg.inv(J.T @ J)
    np.testing.assert_allclose([fit.se["s"], fit.se["delta"]], np.sqrt(np.diag(cov)), rtol=1e-5)
    np.testing.assert_allclose(fit.cov, cov, rtol=1e-5)


def test_identification_of_a_constructed_jacobian():
    """J = [a, b, 1000 a, 0]: only theta0 + 1000 theta2 and theta1 move the residuals; theta3 moves nothing.
    theta1 is identified with the variance of the regression on [a, b]; the others are not."""
    from calibration.least_squares import identification

    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 30))
    r = rng.normal(size=30)
    ident = identification(np.column_stack([a, b, 1000 * a, np.zeros(30)]), r, ["t0", "t1", "t2", "t3"])
    assert ident.rank == 2 and ident.not_identified == ("t0", "t2", "t3")
    B = np.column_stack([a, b])
    var = float(r @ r) / (30 - 2) * np.linalg.inv(B.T @ B)[1, 1]
    assert ident.se[1] == pytest.approx(np.sqrt(var), rel=1e-10)
    assert np.isinf(ident.se[[0, 2, 3]]).all() and np.isnan(ident.cov[0, 1])
    # the flat directions: theta3 alone, and theta0 - theta2 / 1000 (in parameter units)
    null = ident.null_space
    assert null.shape == (4, 2) and np.allclose(null[1], 0, atol=1e-12)
    P = null @ np.linalg.pinv(null)  # projector onto the null space
    for v in (np.array([0, 0, 0, 1.0]), np.array([1000.0, 0, -1, 0]) / np.hypot(1000, 1)):
        np.testing.assert_allclose(P @ v, v, atol=1e-9)


def test_a_non_identified_standard_error_is_written_as_inf_and_read_back():
    """write_params records the infinite SE of a non-identified parameter as "inf" (TOML-safe), not "nan"."""
    import tomllib

    import tomli_w

    from calibration.paramfile import _clean

    doc = tomllib.loads(tomli_w.dumps(_clean({"se": [np.inf, -np.inf, np.nan, 0.5]})))
    assert doc["se"] == ["inf", "-inf", "nan", 0.5]

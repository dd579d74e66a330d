"""Posterior sampling and profile likelihoods against closed forms and the least-squares fit."""

import numpy as np
import pytest

from calibration.bayes import Prior, profile_likelihood, sample_posterior
from calibration.fit import Fit
from calibration.least_squares import fit_least_squares
from model.errors import CalibrationError


def linear_gaussian(seed=0):
    rng = np.random.default_rng(seed)
    A = np.column_stack([np.ones(40), np.linspace(-1, 1, 40)])
    y = A @ np.array([1.0, -0.5]) + rng.normal(0, 1, 40)
    mean = np.linalg.solve(A.T @ A, A.T @ y)
    cov = np.linalg.inv(A.T @ A)
    r = A @ mean - y
    start = Fit("toy", {"a": mean[0], "b": mean[1]}, {"a": 0, "b": 0}, cov, ("a", "b"), 40,
                float(np.sqrt(np.mean(r ** 2))), 0.0, np.arange(40), r)
    return (lambda th: A @ th - y), start, mean, cov


def test_posterior_of_a_linear_gaussian_model_matches_the_closed_form():
    residuals, start, mean, cov = linear_gaussian()
    prior = Prior(np.array([-10.0, -10.0]), np.array([10.0, 10.0]))
    post = sample_posterior(residuals, start, prior, walkers=16, steps=3000, seed=1)
    sd = np.sqrt(np.diag(cov))
    assert np.allclose(post.samples.mean(axis=0), mean, atol=0.1 * sd.max())
    assert np.allclose(post.samples.std(axis=0), sd, rtol=0.1)
    assert 0.2 < post.acceptance < 0.9
    assert post.autocorr is not None and np.all(post.autocorr < 3000 / 50)
    s = post.summary(0.9)
    assert s["a"]["lower"] < mean[0] < s["a"]["upper"]
    # reproducible
    again = sample_posterior(residuals, start, prior, walkers=16, steps=200, seed=1)
    np.testing.assert_array_equal(again.samples, sample_posterior(residuals, start, prior, walkers=16, steps=200,
                                                                  seed=1).samples)


def test_prior_bounds_and_normal_factor():
    prior = Prior(np.array([0.0]), np.array([1.0]), np.array([0.5]), np.array([0.1]))
    assert prior.logpdf(np.array([1.5])) == -np.inf
    assert prior.logpdf(np.array([0.6])) == pytest.approx(-0.5)
    with pytest.raises(CalibrationError, match="burn"):
        residuals, start, _, _ = linear_gaussian()
        sample_posterior(residuals, start, Prior(np.array([-9.0, -9.0]), np.array([9.0, 9.0])), steps=10, burn=10)


def test_profile_likelihood_agrees_with_the_standard_error():
    """For a nearly linear problem the profile's 2-SE points have delta chi2 close to 4."""
    from .test_calibration_least_squares import problem, synthetic_targets
    from model.directed_growth.factory import directed_growth

    dg = directed_growth()
    prob = problem(dg, synthetic_targets(dg, 1))
    fit, _ = fit_least_squares(prob)
    prof = profile_likelihood(prob, fit, "phi1", points=3, width=2.0)
    d = prof["delta_chi2"]
    assert d[1] == pytest.approx(0.0, abs=0.05)
    assert 3.0 < d[0] < 5.0 and 3.0 < d[2] < 5.0
    with pytest.raises(CalibrationError, match="was not fitted"):
        profile_likelihood(prob, fit, "n_lam")

"""Simulation-based calibration: the binomial band, exact coverage of a linear-Gaussian toy, the replay (heavy)."""

import numpy as np
import pytest

from calibration.sbc import LinearGaussian, binomial_band, sbc


def toy():
    rng = np.random.default_rng(11)
    return LinearGaussian(rng.normal(size=(30, 3)), 0.5, mean=[0.0, 1.0, -2.0], sd=[1.0, 0.5, 2.0])


def test_binomial_band_of_50_replications_of_90_percent_intervals():
    # Binomial(50, 0.9): P(X <= 40) = 0.0245 < 0.025 <= P(X <= 41) = 0.0579; P(X <= 48) = 0.966 < 0.975 <= P(X <= 49)
    assert binomial_band(50, 0.9) == (41 / 50, 49 / 50)


def test_laplace_posterior_of_the_linear_gaussian_toy_is_the_exact_posterior():
    m = toy()
    y = m.simulate([0.3, 0.8, -1.0], np.random.default_rng(0))
    got = m.fit_laplace(y)
    exact = m.exact(y)
    np.testing.assert_allclose(got["mode"], exact["mean"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(got["cov"], exact["cov"], rtol=1e-4, atol=1e-10)


def test_sbc_coverage_of_the_toy_lies_in_the_binomial_band():
    m = toy()
    res = sbc(m.prior, m.simulate, lambda y, rng: m.fit_laplace(y), reps=200, level=0.9, seed=3)
    assert res.band == binomial_band(200, 0.9)
    assert all(res.inside().values()), res.table()


def test_sbc_catches_intervals_that_are_too_narrow():
    # the same fit with its sd halved: coverage of a nominal 90% interval falls to P(|Z| < 0.82) = 0.59
    m = toy()

    def overconfident(y, rng):
        f = m.fit_laplace(y)
        return {"mode": f["mode"], "sd": 0.5 * f["sd"]}

    res = sbc(m.prior, m.simulate, overconfident, reps=200, level=0.9, seed=3)
    assert not any(res.inside().values()), res.table()
    assert all(c < res.band[0] for c in res.coverage.values())


@pytest.mark.heavy
@pytest.mark.data
@pytest.mark.xfail(strict=True, reason=(
    "measured 2026-12-01 (20 parameters, US 1970-2019, seed 0, 14.6 min): the Laplace intervals over-cover, 9 of 20 "
    "at 1.00 against the band 0.82-0.98 (chi, alpha_A, theta_G, gamma_u, gamma_pi, c_pi, psi_B, g_sigma, g_Z), none "
    "below it: the Gauss-Newton covariance ignores the prior bounds where the modes sit (9 of 20 at a bound at the "
    "US data), which widens every correlated marginal; an MCMC (or bound-aware) refit is the next step"))
def test_replay_sbc_50_replications_laplace():
    from calibration.joint import JointPosterior
    from calibration.sbc import replay_sbc

    post = JointPosterior.from_data("USA", 1970, 2019)
    res = replay_sbc(post, reps=50, level=0.9, seed=0, progress=print)
    print(res.table())
    outside = [n for n, ok in res.inside().items() if not ok]
    assert not outside, res.table()

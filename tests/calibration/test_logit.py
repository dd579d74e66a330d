"""The one logit transform of a bounded support (calibration.logit), used by every sampler of the joint
calibration."""

import numpy as np

from calibration.logit import log_jacobian, logistic, logit, neg_log_slope

LOWER, WIDTH = np.array([-2.0, 0.1, 0.0]), np.array([5.0, 0.8, 1e-3])


def test_logistic_inverts_logit_inside_the_support_and_reaches_the_bounds_far_out():
    theta = LOWER + WIDTH * np.random.default_rng(0).uniform(0.001, 0.999, (200, 3))
    u = logit(theta, LOWER, WIDTH)
    assert np.allclose(logistic(u, LOWER, WIDTH), theta, rtol=1e-12, atol=1e-15)
    assert np.array_equal(logistic(np.full(3, -800.0), LOWER, WIDTH), LOWER)  # no overflow warning: the bound
    assert np.array_equal(logistic(np.full(3, 800.0), LOWER, WIDTH), LOWER + WIDTH)
    with np.errstate(divide="ignore"):
        assert np.isneginf(logit(LOWER, LOWER, WIDTH)).all() and np.isposinf(logit(LOWER + WIDTH, LOWER, WIDTH)).all()
    clipped = logit(np.vstack([LOWER, LOWER + WIDTH]), LOWER, WIDTH, clip=1e-9)
    assert np.allclose(clipped, [[np.log(1e-9)] * 3, [-np.log(1e-9)] * 3], rtol=1e-6)


def test_log_jacobian_is_the_log_slope_of_logistic():
    u = np.random.default_rng(1).normal(0.0, 4.0, (50, 3))
    h = 1e-6
    slope = (logistic(u + h, LOWER, WIDTH) - logistic(u - h, LOWER, WIDTH)) / (2 * h)
    assert np.allclose(log_jacobian(u, WIDTH), np.log(slope).sum(axis=1), rtol=0, atol=1e-5)  # central differences
    assert np.allclose(log_jacobian(u, WIDTH), np.sum(np.log(WIDTH) - neg_log_slope(u), axis=1), rtol=0, atol=1e-12)
    assert neg_log_slope(np.zeros(1))[0] == np.log(4) and (neg_log_slope(u) >= np.log(4)).all()
    assert log_jacobian(u.reshape(5, 10, 3), WIDTH).shape == (5, 10)

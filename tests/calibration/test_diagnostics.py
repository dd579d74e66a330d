"""MCMC diagnostics against closed forms: the ESS of AR(1) chains, R-hat of matching and shifted chains."""

import numpy as np
import pytest

from calibration.diagnostics import (
    effective_sample_size,
    integrated_time,
    rank_normalised_rhat,
    split_rhat,
    stack_runs,
    summarise,
)


def ar1(rng, rho, n, chains, k=1, shift=0.0):
    """Stationary AR(1) chains with unit marginal variance: x_t = rho x_{t-1} + sqrt(1 - rho^2) e_t."""
    x = np.empty((n, chains, k))
    x[0] = rng.normal(size=(chains, k))
    e = rng.normal(size=(n, chains, k)) * np.sqrt(1 - rho ** 2)
    for t in range(1, n):
        x[t] = rho * x[t - 1] + e[t]
    return x + shift


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_ess_of_ar1_chains_matches_the_closed_form(rho):
    # tau of AR(1) is (1 + rho)/(1 - rho): ESS = N (1 - rho)/(1 + rho), pooled over two independent runs
    rng = np.random.default_rng(1)
    runs = [ar1(rng, rho, 20000, 8, k=2) for _ in range(2)]
    n = 2 * 20000 * 8
    expected = n * (1 - rho) / (1 + rho)
    ess = effective_sample_size(runs)
    assert ess.shape == (2,)
    np.testing.assert_allclose(ess, expected, rtol=0.10)
    np.testing.assert_allclose(integrated_time(runs[0]), (1 + rho) / (1 - rho), rtol=0.10)


def test_rhat_of_chains_with_one_distribution_is_below_1_01():
    rng = np.random.default_rng(2)
    runs = [ar1(rng, 0.5, 2000, 16, k=3) for _ in range(4)]
    x = stack_runs(runs)
    assert x.shape == (2000, 64, 3)
    assert np.all(rank_normalised_rhat(x) < 1.01)
    assert np.all(split_rhat(x) < 1.01)


def test_rhat_of_shifted_chains_exceeds_1_1():
    rng = np.random.default_rng(3)
    same = ar1(rng, 0.5, 2000, 8)
    moved = ar1(rng, 0.5, 2000, 8, shift=1.0)   # one run stuck one marginal sd away
    assert rank_normalised_rhat(stack_runs([same, moved]))[0] > 1.1


def test_rhat_sees_a_scale_difference_only_through_the_folded_draws():
    # same mean, 3 times the spread: the bulk R-hat barely moves, the tail (folded) R-hat must (Vehtari et al.
    # 2021, section 4.2)
    rng = np.random.default_rng(4)
    narrow = rng.normal(size=(2000, 8, 1))
    wide = 3.0 * rng.normal(size=(2000, 8, 1))
    x = stack_runs([narrow, wide])
    assert split_rhat(x)[0] < 1.01
    assert rank_normalised_rhat(x)[0] > 1.1


def test_a_trend_within_chains_is_caught_by_splitting():
    # every chain drifts the same way: the chain means agree, the halves do not
    n = 2000
    drift = np.linspace(-2, 2, n)[:, None, None]
    rng = np.random.default_rng(5)
    x = drift + 0.3 * rng.normal(size=(n, 8, 1))
    assert split_rhat(x)[0] > 1.1


def test_summarise_names_every_parameter():
    rng = np.random.default_rng(6)
    runs = [ar1(rng, 0.5, 4000, 8, k=2) for _ in range(2)]
    s = summarise(runs, ["a", "b"])
    assert set(s) == {"a", "b"}
    assert s["a"]["ess"] == pytest.approx(2 * 4000 * 8 / 3, rel=0.1)
    assert s["a"]["steps_over_tau"] == pytest.approx(4000 / s["a"]["tau"], rel=0.15)
    assert s["a"]["rhat"] < 1.01 and s["a"]["rhat_runs"] < 1.01
    # a run stuck one sd away: both R-hats see it
    moved = summarise([runs[0], runs[1] + 1.0], ["a", "b"])
    assert moved["a"]["rhat"] > 1.1 and moved["a"]["rhat_runs"] > 1.1
    with pytest.raises(ValueError, match="names"):
        summarise(runs, ["a"])
    with pytest.raises(ValueError, match="2 chains"):
        rank_normalised_rhat(np.zeros((100, 1)))

"""The joint posterior by nested sampling (calibration.nested): pooling independent importance-weighted runs,
their diagnostics, and nautilus with a direct log-likelihood (calibration.sbc.fit_nautilus)."""

import numpy as np
import pytest

from calibration.nested import NestedResult, NestedRun, nested_summary

MU = np.array([0.3, -1.0])
SD = np.array([0.5, 2.0])


def _run(rng, n=4000, shift=0.0) -> NestedRun:
    """An importance sample of N(MU + shift, diag(SD^2)) from the wider N(0, diag((3 SD)^2)): exact weights."""
    q = rng.normal(0.0, 3 * SD, size=(n, 2))
    logp = -0.5 * np.sum(((q - MU - shift) / SD) ** 2, axis=1)
    logq = -0.5 * np.sum((q / (3 * SD)) ** 2, axis=1)
    return NestedRun(("a", "b"), q, logp - logq, n, 1.0, 0.0)


def test_kish_ess_of_equal_and_single_weights():
    x = np.zeros((10, 1))
    assert NestedRun(("a",), x, np.zeros(10), 10, 0.0, 0.0).kish_ess == pytest.approx(10.0)
    assert NestedRun(("a",), x, np.r_[0.0, np.full(9, -np.inf)], 10, 0.0, 0.0).kish_ess == pytest.approx(1.0)


def test_pooled_runs_give_the_gaussian_posterior_and_pass():
    rng = np.random.default_rng(0)
    runs = [_run(rng) for _ in range(3)]
    res = NestedResult.pool(runs, ("a",), ("b",), seed=0)
    assert res.converged()
    # the Kish ESS of n draws of N(0, s^2) weighted to N(0, 1): n E[w]^2 / E[w^2] = n sqrt(2 s^2 - 1) / s^2 per
    # dimension, s = 3: sqrt(17) / 9 = 0.458, squared over two dimensions 0.2099: 839.5 of 4000 a run
    assert res.kish_ess == pytest.approx(3 * 4000 * (17 / 81), rel=0.15)
    se = SD / np.sqrt(res.kish_ess)
    np.testing.assert_array_less(np.abs(res.table.mean(axis=0) - MU), 5 * se)
    np.testing.assert_allclose(res.table.std(axis=0), SD, rtol=0.06)
    assert res.table.shape[0] == int(np.floor(res.kish_ess))
    assert res.population is None and len(res.iterations) == 3


def test_runs_that_disagree_fail_r_hat_and_the_ess_from_the_runs():
    rng = np.random.default_rng(1)
    runs = [_run(rng), _run(rng), _run(rng, shift=np.array([0.25, 0.0]))]  # half an sd off in a
    d = nested_summary(runs)
    assert d["a"]["rhat"] > 1.01 and d["a"]["ess_runs"] < 400 and not d["a"]["pass"]
    assert d["b"]["pass"]


def test_nautilus_with_a_log_likelihood_recovers_a_bounded_gaussian():
    """Uniform prior on [-3, 3]^2, Gaussian likelihood N(MU, diag(0.3^2)) far from the bounds: the posterior's mean
    and sd are the likelihood's."""
    from calibration.joint import JointPrior, PriorEntry
    from calibration.sbc import fit_nautilus

    prior = JointPrior((PriorEntry("a", "uniform", -3.0, 3.0), PriorEntry("b", "uniform", -3.0, 3.0)))
    fit = fit_nautilus(None, prior, np.random.default_rng(2), n_live=200, n_eff=1000,
                       log_likelihood=lambda X: -0.5 * np.sum(((X - MU) / 0.3) ** 2, axis=1))
    run = NestedRun(("a", "b"), fit["draws"], fit["logw"], int(fit["evaluations"]), 0.0, fit["log_evidence"])
    m, v = run.mean_var()
    np.testing.assert_allclose(m, MU, atol=5 * 0.3 / np.sqrt(run.kish_ess))
    np.testing.assert_allclose(np.sqrt(v), 0.3, rtol=0.1)
    # the evidence: Z = (2 pi 0.3^2) / 36 (the Gaussian's mass inside the box over the box's area)
    assert fit["log_evidence"] == pytest.approx(np.log(2 * np.pi * 0.09 / 36), abs=0.15)


def test_one_run_never_passes_on_its_kish_ess_alone():
    """Draws of N(0, 1) in clumps (each repeated), equally weighted: the Kish ESS counts the rows, not the
    independent draws. One run cannot show it (no R-hat, no ESS from the runs) and must not pass; 8 runs of 5
    distinct draws x 200 (Kish 8,000, 40 independent draws) show it in the runs' spread: the ESS from the runs,
    40 x (chi^2_7 / 7)^-1, is above 400 with probability P(chi^2_7 < 0.7) = 0.0005."""
    rng = np.random.default_rng(5)

    def clumped(distinct: int, repeat: int) -> NestedRun:
        x = np.repeat(rng.normal(size=(distinct, 1)), repeat, axis=0)
        return NestedRun(("a",), x, np.zeros(distinct * repeat), distinct * repeat, 0.0, 0.0)

    one = nested_summary([clumped(50, 20)])["a"]
    assert one["kish_ess"] == pytest.approx(1000.0) and np.isnan(one["rhat"]) and np.isnan(one["ess_runs"])
    assert not one["pass"]
    assert not NestedResult.pool([clumped(50, 20)], ("a",), (), seed=0).converged()
    many = nested_summary([clumped(5, 200) for _ in range(8)])["a"]
    assert many["kish_ess"] == pytest.approx(8000.0) and many["ess_runs"] < 400 and not many["pass"]


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_nan_or_infinite_log_weight_is_refused_not_given_zero_weight(bad):
    """-inf is a zero weight; NaN or +inf is an error upstream (a +inf draw would otherwise silently get weight 0)."""
    from model.errors import CalibrationError

    run = NestedRun(("a",), np.arange(3.0)[:, None], np.array([0.0, bad, -np.inf]), 3, 0.0, 0.0)
    with pytest.raises(CalibrationError, match="finite or -inf"):
        run.mean_var()
    ok = NestedRun(("a",), np.arange(3.0)[:, None], np.array([0.0, np.log(3.0), -np.inf]), 3, 0.0, 0.0)
    np.testing.assert_allclose(ok.weights, [0.25, 0.75, 0.0])

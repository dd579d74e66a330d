"""Simulation-based calibration: the binomial band, exact coverage of a linear-Gaussian toy, the logit-scale
Laplace, importance sampling and SMC against closed forms on bounded priors, the replay and impulse responses
(heavy)."""

import numpy as np
import pytest

from calibration.joint import JointPrior, PriorEntry
from calibration.sbc import (
    ACCEPT_PROB,
    BoundedNormal,
    LinearGaussian,
    binomial_band,
    fit_logit_is,
    fit_logit_smc,
    fit_nautilus,
    logit_laplace,
    psis,
    sbc,
    weighted_quantile,
)
from model.errors import CalibrationError


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


def test_acceptance_band_of_50_replications_is_40_to_49_covered():
    # Binomial(50, 0.9): P(X <= 39) = 0.0094 < 0.01 <= P(X <= 40) = 0.0245; P(X <= 48) = 0.966 < 0.99 <= P(X <= 49)
    # = 0.9948: the equal-tailed 98% band is 40-49 of 50, which a calibrated fit misses with probability 0.015
    assert binomial_band(50, 0.9, ACCEPT_PROB) == (40 / 50, 49 / 50)


def test_psis_pareto_k_of_pareto_distributed_weights():
    # weights U^(-k) have a Pareto tail of shape k: k = 0.5 estimated near 0.5, k = 0.9 flagged above 0.7;
    # weights with a light tail (lognormal, sd 0.1) near or below 0
    rng = np.random.default_rng(0)
    assert abs(psis(-0.5 * np.log(rng.uniform(size=4000)))[1] - 0.5) < 0.2
    assert psis(-0.9 * np.log(rng.uniform(size=4000)))[1] > 0.7
    assert psis(0.1 * rng.normal(size=4000))[1] < 0.2
    lw, _ = psis(-0.5 * np.log(rng.uniform(size=4000)))
    assert abs(np.exp(lw).sum() - 1) < 1e-12


def test_logit_laplace_of_a_flat_likelihood_is_the_laplace_approximation_of_the_logistic_density():
    # no data, uniform priors: u = logit(s) has density s (1 - s), mode u = 0 (the centre of each support) and
    # curvature -d2/du2 ln(s (1 - s)) = 2 s (1 - s) = 1/2 there: variance 2
    prior = JointPrior((PriorEntry("a", "uniform", 0.0, 1.0), PriorEntry("b", "uniform", -2.0, 6.0)))
    lap = logit_laplace(lambda X: np.zeros((np.atleast_2d(X).shape[0], 0)), prior, x0=[0.3, 4.0])
    np.testing.assert_allclose(lap["u"], 0.0, atol=1e-6)
    np.testing.assert_allclose(lap["cov_u"], 2 * np.eye(2), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(lap["mode"], [0.5, 2.0], atol=1e-6)


def bounded():
    # posteriors pressed against the bounds (truncated normals), and a likelihood as wide as the support
    return BoundedNormal([0.0, 0.0, -1.0], [1.0, 1.0, 1.0], [0.3, 1.0, 0.05])


def test_importance_and_smc_recover_the_truncated_normal_posterior_at_the_bounds():
    m = bounded()
    y = np.array([0.02, 0.5, 0.97])
    q = [0.05, 0.5, 0.95]
    exact = m.exact_quantiles(y, q)
    f = fit_logit_is(m.batch(y), m.prior, np.random.default_rng(0), n=4000)
    assert f["khat"] < 0.7
    err = np.abs(weighted_quantile(f["draws"], f["logw"], q) - exact) / m.se
    assert err.max() < 0.06, err
    g = fit_logit_smc(m.batch(y), m.prior, np.random.default_rng(1), n=400)
    err = np.abs(weighted_quantile(g["draws"], None, q) - exact) / m.se
    assert err.max() < 0.3, err


def test_nautilus_recovers_the_truncated_normal_posterior_at_the_bounds():
    # the exact quantiles of posteriors pressed against a bound and as wide as the support, to within 0.1 of the
    # posterior sd (importance draws with effective size 2,000: a quantile's Monte Carlo error is about 0.03 sd)
    m = bounded()
    y = np.array([0.02, 0.5, 0.97])
    q = [0.05, 0.5, 0.95]
    f = fit_nautilus(m.batch(y), m.prior, np.random.default_rng(0), n_live=300)
    assert f["ess"] > 1000
    err = np.abs(weighted_quantile(f["draws"], f["logw"], q) - m.exact_quantiles(y, q)) / m.se
    assert err.max() < 0.1, err


def test_prior_quantile_transform_of_uniform_and_truncated_normal_entries():
    from scipy.stats import truncnorm

    prior = JointPrior((PriorEntry("a", "uniform", 2.0, 6.0),
                        PriorEntry("b", "truncnorm", 0.0, 1.0, mean=0.2, sd=0.5)))
    x = prior.ppf(np.array([[0.25, 0.5], [1.0, 0.0]]))
    np.testing.assert_allclose(x[:, 0], [3.0, 6.0])
    # the median of N(0.2, 0.5^2) truncated to [0, 1]: Phi((m - 0.2)/0.5) halfway between Phi(-0.4) and Phi(1.6)
    from scipy.stats import norm

    median = 0.2 + 0.5 * norm.ppf(0.5 * (norm.cdf(-0.4) + norm.cdf(1.6)))
    np.testing.assert_allclose(x[:, 1], [median, 0.0], atol=1e-12)
    assert abs(truncnorm.cdf(x[0, 1], -0.4, 1.6, loc=0.2, scale=0.5) - 0.5) < 1e-12
    with pytest.raises(CalibrationError, match="3 columns for 2 parameters"):
        prior.ppf(np.zeros((1, 3)))


def test_laplace_on_the_parameter_scale_over_covers_a_flat_likelihood_on_a_bounded_prior():
    # the diagnosis of the replay's over-coverage: where the likelihood is as wide as the support, the normal
    # interval mode -+ 1.645 sd spills over both bounds and holds every draw
    m = bounded()
    res = sbc(m.prior, m.simulate, lambda y, rng: m.fit_laplace(y), reps=200, level=0.9, seed=3)
    assert res.coverage["theta1"] > res.band[1], res.table()


@pytest.mark.parametrize("method, reps", [("importance", 200), ("smc", 100)])
def test_sbc_of_the_logit_fits_on_the_bounded_toy_lies_in_the_band(method, reps):
    m = bounded()

    def fit(y, rng):
        if method == "importance":
            return fit_logit_is(m.batch(y), m.prior, rng, n=500)
        return fit_logit_smc(m.batch(y), m.prior, rng, n=200)

    res = sbc(m.prior, m.simulate, fit, reps=reps, seed=3, prob=ACCEPT_PROB)
    assert all(res.inside().values()), res.table()
    assert all(r["chi2_p"] > 0.001 and r["ks_p"] > 0.001 for r in res.rank_tests().values()), res.table()


@pytest.mark.heavy
@pytest.mark.data
@pytest.mark.parametrize("seed", [0, 1])
def test_replay_sbc_55_replications_nautilus(seed):
    # benchmarks/sbc_coverage.py --which replay --method nautilus --reps 55 --seed SEED prints the same table
    # (benchmarks/sbc_coverage.txt; about 55 minutes a seed on 2 processes). The fit of the joint calibration's stage 2
    # (calibration.nested). Measured: seed 1, 53 of 55 truths simulate, 20 of 20 inside the band, mean coverage 0.898;
    # seed 0, 54 of 55, 20 of 20 inside the band, mean coverage 0.894 (issue 14, session 12). The tempered SMC
    # fit (method "logit_smc", 400 particles) passed at seed 0 (20 of 20, mean 0.873) and failed at seed 1 (gamma_r
    # 0.67, mean 0.87): its intervals are too narrow
    from calibration.joint import JointPosterior
    from calibration.sbc import replay_sbc

    post = JointPosterior.from_data("USA", 1970, 2019)
    res = replay_sbc(post, reps=55, level=0.9, seed=seed, method="nautilus", draws=500, processes=2, progress=print)
    print(res.table())
    outside = [n for n, ok in res.inside().items() if not ok]
    assert not outside, res.table()


@pytest.mark.heavy
@pytest.mark.data
def test_irf_sbc_50_replications_logit_importance():
    # benchmarks/sbc_coverage.py --which irf prints the same table
    from calibration.sbc import irf_sbc

    res = irf_sbc(reps=50, level=0.9, seed=0, method="logit_is", draws=400, processes=2, progress=print)
    print(res.table())
    outside = [n for n, ok in res.inside().items() if not ok]
    assert not outside, res.table()


class _Ridges:
    """Ten independent curved ridges in 20 dimensions: for each pair ``(a, b)`` on uniform priors (0.1, 1), the
    product ``a b`` measured with sd 0.03 and the difference ``a - b`` with sd 0.3; the exact marginals by
    quadrature on a 799 x 799 grid per pair (the pairs are independent)."""

    s1, s2, pairs, lo, hi = 0.03, 0.3, 10, 0.1, 1.0

    def __init__(self, seed: int):
        self.prior = JointPrior(tuple(PriorEntry(f"x{j}", "uniform", self.lo, self.hi) for j in range(2 * self.pairs)))
        rng = np.random.default_rng([6, seed])
        th = self.prior.sample(rng, 1)[0].reshape(self.pairs, 2)
        self.y1 = th[:, 0] * th[:, 1] + self.s1 * rng.normal(size=self.pairs)
        self.y2 = th[:, 0] - th[:, 1] + self.s2 * rng.normal(size=self.pairs)
        self.grid = np.linspace(self.lo, self.hi, 801)[1:-1]
        self.cells = np.meshgrid(self.grid, self.grid, indexing="ij")
        self.marginals = []
        for p in range(self.pairs):
            w = self.weights(p)
            self.marginals += [w.sum(axis=1), w.sum(axis=0)]

    def weights(self, p: int) -> np.ndarray:
        """Pair ``p``'s exact posterior on the grid, normalised."""
        a, b = self.cells
        lp = -0.5 * (((a * b - self.y1[p]) / self.s1) ** 2 + ((a - b - self.y2[p]) / self.s2) ** 2)
        w = np.exp(lp - lp.max())
        return w / w.sum()

    def batch(self, X):
        X = np.atleast_2d(X).reshape(-1, self.pairs, 2)
        return np.hstack([(X[:, :, 0] * X[:, :, 1] - self.y1) / self.s1, (X[:, :, 0] - X[:, :, 1] - self.y2) / self.s2])

    def exact_draws(self, rng, n):
        a, b = self.cells
        h = self.grid[1] - self.grid[0]
        out = np.empty((n, 2 * self.pairs))
        for p in range(self.pairs):
            i = rng.choice(a.size, size=n, p=self.weights(p).ravel())
            out[:, 2 * p] = a.ravel()[i] + h * (rng.uniform(size=n) - 0.5)
            out[:, 2 * p + 1] = b.ravel()[i] + h * (rng.uniform(size=n) - 0.5)
        return np.clip(out, self.lo + 1e-6, self.hi - 1e-6)

    def mass(self, X) -> float:
        """Mean over the 20 parameters of the exact posterior mass inside the draws' central 90% interval."""
        q = weighted_quantile(X, None, [0.05, 0.95])
        return float(np.mean([m[(self.grid >= q[0, j]) & (self.grid <= q[1, j])].sum()
                              for j, m in enumerate(self.marginals)]))


def test_final_sweeps_started_from_exact_draws_of_curved_ridges_keep_the_exact_intervals():
    # the moves of calibration.smc leave the target invariant on this posterior: 400 exact draws per replication,
    # 40 sweeps at beta = 1, and the exact mass inside the 90% intervals stays 0.90 (measured 0.899 -> 0.898 over 6
    # replications); so the narrow intervals of the whole fit below are the tempering's, not a biased kernel's
    from calibration.sbc import LaplaceReference
    from calibration.smc import tempered_smc

    start, end = [], []
    for seed in range(4):
        m = _Ridges(seed)
        rng = np.random.default_rng(seed)
        X0 = m.exact_draws(rng, 400)
        lap = logit_laplace(m.batch, m.prior)
        ref = LaplaceReference(m.batch, m.prior, lap["u"], lap["cov_u"])
        run = tempered_smc(ref, X0, m.prior.lower, m.prior.upper, rng=rng, independent=0.5, final_moves=40,
                           evaluate_final=ref.log_posterior, at_target=True)
        start.append(m.mass(X0))
        end.append(m.mass(run.particles))
    assert abs(np.mean(start) - 0.9) < 0.01 and abs(np.mean(end) - 0.9) < 0.01, (start, end)


@pytest.mark.xfail(strict=True, reason=(
    "the replay SBC's under-coverage (benchmarks/sbc_coverage.txt, mean 0.87) in a toy: fit_logit_smc with 400 "
    "particles from the logit-Laplace Student-t leaves curved ridges too narrow, 0.851 of the exact mass inside its "
    "90% intervals (measured, 10 replications; with other seeds 0.849, and scale 3 of the reference 0.864, 1,600 "
    "particles 0.864, 200 final sweeps 0.876, importance sampling with 200,000 draws of the reference 0.874); a "
    "sampler that mixes along the ridges must reach 0.88"))
def test_smc_fit_of_curved_ridges_holds_the_exact_mass_in_its_90_percent_intervals():
    mass = []
    for seed in range(10):
        m = _Ridges(seed)
        mass.append(m.mass(fit_logit_smc(m.batch, m.prior, np.random.default_rng(seed), n=400)["draws"]))
    assert np.mean(mass) >= 0.88, mass


@pytest.mark.heavy
def test_nautilus_fit_of_curved_ridges_holds_the_exact_mass_in_its_90_percent_intervals():
    # the toy the SMC fit leaves too narrow (0.851, the strict xfail above): nautilus (500 live points, one network)
    # holds 0.893 and 0.892 of the exact mass at seeds 0 and 1 (measured 2026-12-03, about a minute each)
    mass = []
    for seed in range(2):
        m = _Ridges(seed)
        f = fit_nautilus(m.batch, m.prior, np.random.default_rng(seed), n_live=500, n_eff=1000)
        q = weighted_quantile(f["draws"], f["logw"], [0.05, 0.95])
        mass.append(float(np.mean([mm[(m.grid >= q[0, j]) & (m.grid <= q[1, j])].sum()
                                   for j, mm in enumerate(m.marginals)])))
    assert np.mean(mass) >= 0.88, mass


def test_fit_logit_smc_passes_its_sweep_settings_to_the_sampler():
    # every sweep evaluates each of the n particles once (the ridges' proposals on the logit scale never reach a
    # bound), so evaluations = n (the start) + n x sweeps: one sweep per intermediate temperature when a particle may
    # stay unmoved with probability move_c = 0.999, max_moves of them at move_c = 1e-9 (the Drovandi-Pettitt count
    # ceil(ln c / ln(1 - a)) is 1 and above 4 for any first-sweep acceptance a in (0.001, 0.99)); a stricter ESS
    # threshold takes more temperatures
    m, n = _Ridges(0), 100
    few = fit_logit_smc(m.batch, m.prior, np.random.default_rng(2), n=n, move_c=0.999, max_moves=4, final_moves=3,
                        final_keep=3)
    many = fit_logit_smc(m.batch, m.prior, np.random.default_rng(2), n=n, move_c=1e-9, max_moves=4, final_moves=3,
                         final_keep=3)
    for f, sweeps in ((few, 1), (many, 4)):
        assert f["temperatures"] >= 2 and f["draws"].shape == (3 * n, 20)
        assert f["evaluations"] == n * (1 + sweeps * (f["temperatures"] - 1) + 3), (f, sweeps)
    strict = fit_logit_smc(m.batch, m.prior, np.random.default_rng(2), n=n, ess_frac=0.9, max_moves=1, final_moves=1,
                           final_keep=1)
    assert strict["temperatures"] > many["temperatures"], (strict["temperatures"], many["temperatures"])


def test_replay_sbc_refuses_an_unknown_smc_setting_naming_the_valid_ones():
    from calibration.sbc import SMC_KEYS, replay_sbc

    with pytest.raises(ValueError, match="unknown SMC setting.*final_sweeps.*valid: " + ", ".join(SMC_KEYS)):
        replay_sbc(None, smc={"final_sweeps": 5})

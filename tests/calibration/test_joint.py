"""Joint calibration: the prior table, block likelihoods, the sampler on a known posterior, the replay posterior."""

import math
from dataclasses import replace

import numpy as np
import pytest

from calibration.fit import Fit
from calibration.joint import (
    SAMPLED,
    JointPrior,
    PriorEntry,
    block_terms,
    identification_report,
    sample_joint,
)
from calibration.sbc import LinearGaussian
from model.errors import CalibrationError


class Gauss:
    """A correlated 2-d Gaussian log-density (picklable: a module-level class, for the spawn pool)."""

    mean = np.array([1.0, -2.0])
    cov = np.array([[1.0, 0.6], [0.6, 0.5]])

    def __call__(self, theta):
        d = np.asarray(theta) - self.mean
        return -0.5 * float(d @ np.linalg.solve(self.cov, d))


def wide_prior(names=("a", "b")):
    return JointPrior(tuple(PriorEntry(n, "uniform", -20.0, 20.0) for n in names))


def test_prior_table_from_the_model_keeps_zero_where_a_mechanism_may_be_absent():
    from model.directed_growth.factory import directed_growth

    prior = JointPrior.from_model(directed_growth())
    assert prior.names == SAMPLED
    rows = {r["name"]: r for r in prior.table()}
    for name in ("chi", "kappa_M", "alpha_A", "eta_RD", "eta_RDs", "theta_G", "gamma_u", "gamma_pi", "gamma_r", "psi_B",
                 "alpha_KV"):
        assert rows[name]["low"] <= 0.0 < rows[name]["high"], name
    assert rows["chi"]["low"] < 0  # crowding-out allowed (Boysen-Hogrefe 2025)
    assert rows["theta_G"]["tag"].startswith("[V]")
    assert all(r["source"] for r in rows.values())
    # uniform sd is the width over sqrt(12)
    j = prior.names.index("chi")
    assert prior.std()[j] == pytest.approx(1.5 / math.sqrt(12))


def test_prior_density_support_and_draws():
    prior = JointPrior((PriorEntry("a", "uniform", 0.0, 1.0),
                        PriorEntry("b", "truncnorm", 0.0, 10.0, mean=2.0, sd=1.0, source="estimate")))
    assert prior.logpdf([0.5, 2.0]) == 0.0
    assert prior.logpdf([0.5, 3.0]) == pytest.approx(-0.5)
    assert prior.logpdf([1.5, 2.0]) == -np.inf
    assert prior.logpdf([0.5, -0.1]) == -np.inf
    np.testing.assert_array_equal(prior.logpdf(np.array([[0.5, 2.0], [2.0, 2.0]])), [0.0, -np.inf])
    x = prior.sample(np.random.default_rng(0), 20000)
    assert np.all((x > prior.lower) & (x < prior.upper))
    # truncated at 2 sd below the mean: mean + sd (phi(-2) - phi(8)) / (Phi(8) - Phi(-2)) = 2 + 0.05399 / 0.97725
    assert x[:, 1].mean() == pytest.approx(2.0 + 0.05399 / 0.97725, abs=0.02)
    assert x[:, 1].std() == pytest.approx(prior.std()[1], rel=0.02)


def test_prior_refuses_unknown_names_and_bad_entries():
    from model.directed_growth.factory import directed_growth

    with pytest.raises(CalibrationError, match="no prior range"):
        JointPrior.from_model(directed_growth(), ["delta_G"])  # derived, no prior
    with pytest.raises(CalibrationError, match="finite low < high"):
        PriorEntry("a", "uniform", 1.0, 0.0)
    with pytest.raises(CalibrationError, match="uniform' or 'truncnorm"):
        PriorEntry("a", "beta", 0.0, 1.0)
    with pytest.raises(CalibrationError, match="unsampled"):
        wide_prior().with_normals({"c": (0.0, 1.0, "x")})


def test_block_term_is_the_gaussian_with_the_estimates_covariance():
    cov = np.array([[0.04, 0.01], [0.01, 0.09]])
    f = Fit("labour: productivity", {"alpha0": 0.015, "alpha_KV": 0.4}, {"alpha0": 0.2, "alpha_KV": 0.3}, cov,
            ("alpha0", "alpha_KV"), 30, 0.01, 0.5)
    names = ("chi", "alpha_KV", "alpha0")
    (term,) = block_terms({"productivity": f, "failed": ValueError("too few")}, names)
    theta = np.array([0.3, 0.1, 0.2])
    d = np.array([0.2 - 0.015, 0.1 - 0.4])
    r = term.residuals(theta)[0]
    assert float(r @ r) == pytest.approx(float(d @ np.linalg.solve(cov, d)), rel=1e-12)
    # only the sampled subset: the marginal of alpha_KV
    (one,) = block_terms({"productivity": f}, ("alpha_KV",))
    r1 = one.residuals(np.array([0.1]))[0]
    assert float(r1 @ r1) == pytest.approx(0.3 ** 2 / 0.09)


def _productivity_fit(a_hat=0.016, s_hat=0.45, gbar=0.024):
    cov = np.array([[4e-6, 1e-6], [1e-6, 9e-3]])
    return Fit("labour: productivity", {"alpha0": a_hat, "alpha_KV": s_hat}, {"alpha0": 2e-3, "alpha_KV": 0.095}, cov,
               ("alpha0", "alpha_KV"), 50, 0.006, 0.4, recentre=("alpha0", "alpha_KV", "g_ref", gbar)), cov


def test_productivity_term_compares_the_intercept_at_gbar_K_with_alpha0_at_the_models_g_ref():
    a_hat, s_hat, gbar = 0.016, 0.45, 0.024
    f, cov = _productivity_fit(a_hat, s_hat, gbar)
    names = ("alpha_KV", "g_Z", "alpha0")
    (term,) = block_terms({"productivity": f}, names)
    assert term.recentre == ("alpha0", "alpha_KV", "g_ref", gbar) and term.needs() == ("g_ref",)
    g_Z = 0.031
    # consistent: the model's alpha0 (at g_K = g_Z) plus alpha_KV (gbar_K - g_Z) is the fitted intercept
    consistent = np.array([s_hat, g_Z, a_hat - s_hat * (gbar - g_Z)])
    np.testing.assert_allclose(term.residuals(consistent, {"g_ref": g_Z})[0], 0.0, atol=1e-12)
    # off by (delta, eps): the residual is the Gaussian's with d = (delta + eps (gbar_K - g_Z), eps)
    for delta, eps in ((1e-3, 0.0), (0.0, 0.1), (-2e-3, 0.05)):
        x = consistent + np.array([eps, 0.0, delta])
        d = np.array([delta + eps * (gbar - g_Z), eps])
        r = term.residuals(x, {"g_ref": g_Z})[0]
        assert float(r @ r) == pytest.approx(float(d @ np.linalg.solve(cov, d)), rel=1e-9)
    # the comparison without the recentring (alpha0 against the intercept) misses by alpha_KV (gbar_K - g_Z)
    old = replace(term, recentre=None).residuals(consistent)[0]
    d = np.array([-s_hat * (gbar - g_Z), 0.0])
    assert float(old @ old) == pytest.approx(float(d @ np.linalg.solve(cov, d)), rel=1e-9) and old @ old > 1.0
    # per row: each row's own g_ref
    X = np.vstack([consistent, consistent])
    X[1, 1] = 0.02
    X[1, 2] = a_hat - s_hat * (gbar - 0.02)
    np.testing.assert_allclose(term.residuals(X, {"g_ref": X[:, 1]}), 0.0, atol=1e-12)
    with pytest.raises(CalibrationError, match="g_ref"):
        term.residuals(consistent)
    # alpha_KV not sampled: the model's value is read too; alpha0 not sampled: nothing to recentre
    (a0,) = block_terms({"productivity": f}, ("alpha0",))
    assert a0.needs() == ("alpha_KV", "g_ref")
    r = a0.residuals(np.array([a_hat - 0.3 * (gbar - g_Z)]), {"alpha_KV": 0.3, "g_ref": g_Z})
    np.testing.assert_allclose(r, 0.0, atol=1e-12)
    (kv,) = block_terms({"productivity": f}, ("alpha_KV",))
    assert kv.recentre is None and kv.needs() == ()


def test_productivity_term_is_centred_at_the_truth_on_synthetic_panels():
    # panels from the model's equation alpha = alpha0 + alpha_KV (g_K - g_Z) + e with g_Z far below the sample's
    # mean capital growth; block_fits regresses about the sample mean, the term compares at the model's g_ref
    import pandas as pd

    from calibration.block_estimates import block_fits

    alpha0, alpha_KV, g_Z, T = 0.012, 0.5, 0.012, 50
    rng = np.random.default_rng(11)
    names = ("alpha0", "alpha_KV", "g_Z")
    theta = np.array([alpha0, alpha_KV, g_Z])
    new, old, gbars = [], [], []
    for _ in range(300):
        g_K = 0.03 + rng.normal(0, 0.01, T)
        cols = {c: 0.5 + rng.normal(0, 0.01, T) for c in ("omega", "lam", "inflation", "g_N", "primary_surplus",
                                                           "b", "r")}
        panel = pd.DataFrame(dict(year=np.arange(1970, 1970 + T), g_K=g_K,
                                  alpha=alpha0 + alpha_KV * (g_K - g_Z) + rng.normal(0, 0.006, T), **cols))
        f = block_fits(panel, (1970, 1970 + T - 1))["productivity"]
        assert f.recentre[3] == pytest.approx(g_K.mean(), rel=1e-12)
        gbars.append(f.recentre[3])
        (term,) = block_terms({"productivity": f}, names)
        new.append(term.residuals(theta, {"g_ref": g_Z})[0])
        old.append(replace(term, recentre=None).residuals(theta)[0])
    new, old = np.array(new), np.array(old)
    se = new.std(axis=0, ddof=1) / math.sqrt(len(new))
    assert np.all(np.abs(new.mean(axis=0)) < 4 * se), (new.mean(axis=0), se)
    assert np.all((0.8 < new.std(axis=0)) & (new.std(axis=0) < 1.3))  # HAC scale: about standard normal
    # without the recentring the intercept's residual is off by alpha_KV (gbar_K - g_Z) / se: about 10 sd
    assert abs(old.mean(axis=0)[0]) > 5 and abs(np.mean(gbars) - 0.03) < 1e-3


def test_sampler_recovers_a_known_gaussian_and_converges():
    s = sample_joint(Gauss(), wide_prior(), runs=2, walkers=16, steps=3000, burn=500, seed=1, processes=1,
                     progress=False)
    x = s.flat()
    np.testing.assert_allclose(x.mean(axis=0), Gauss.mean, atol=0.06)
    np.testing.assert_allclose(np.cov(x.T), Gauss.cov, atol=0.06)
    assert s.converged(min_ess=400, max_rhat=1.01), s.diagnostics
    assert all(0.1 < a < 0.9 for a in s.acceptance)


def test_runs_on_the_spawn_pool_equal_the_serial_runs():
    kw = dict(runs=2, walkers=8, steps=60, burn=10, seed=5, progress=False)
    a = sample_joint(Gauss(), wide_prior(), processes=1, **kw)
    b = sample_joint(Gauss(), wide_prior(), processes=2, **kw)
    for x, y in zip(a.chains, b.chains):
        np.testing.assert_array_equal(x, y)


def test_sampler_rejects_bad_settings():
    with pytest.raises(CalibrationError, match="burn"):
        sample_joint(Gauss(), wide_prior(), steps=10, burn=10, processes=1, progress=False)
    with pytest.raises(CalibrationError, match="start must have shape"):
        sample_joint(Gauss(), wide_prior(), steps=10, start=np.zeros(3), processes=1, progress=False)


def test_identification_report_separates_what_the_data_move():
    # theta0 measured by 30 observations, theta1 by none (a zero column): its posterior is its prior
    rng = np.random.default_rng(2)
    X = np.column_stack([rng.normal(size=30), np.zeros(30)])
    toy = LinearGaussian(X, 0.5, mean=[0.0, 0.0], sd=[1.0, 1.0])
    y = toy.simulate([0.4, 0.0], rng)
    s = sample_joint(toy.log_posterior(y), toy.prior, runs=2, walkers=16, steps=2000, burn=400, seed=3,
                     processes=1, progress=False)
    rep = identification_report(s, toy.prior)["parameters"]
    exact = toy.exact(y)
    assert rep["theta0"]["moved"] and rep["theta0"]["ratio"] == pytest.approx(
        math.sqrt(exact["cov"][0, 0]) / toy.prior.std()[0], rel=0.1)
    assert not rep["theta1"]["moved"] and rep["theta1"]["ratio"] == pytest.approx(1.0, rel=0.1)


# ----------------------------------------------------------------------------------- the US replay posterior
@pytest.fixture(scope="module")
def us():
    from calibration.joint import JointPosterior

    return JointPosterior.from_data("USA", 1970, 2019)


def defaults(post):
    x = np.array([post.system.variables[n].default for n in post.names])
    x[post.names.index("g_Z")] = 0.027
    return x


@pytest.mark.data
def test_replay_posterior_is_finite_at_the_defaults_and_minus_inf_outside(us):
    x = defaults(us)
    assert np.isfinite(us(x))
    out = x.copy()
    out[us.names.index("chi")] = 1.5  # above the prior's top
    assert us(out) == -np.inf
    bad = x.copy()
    bad[0] = np.nan
    assert us(bad) == -np.inf
    # block terms: the wage-share and productivity regressions estimate sampled parameters
    assert {b.block for b in us.blocks} >= {"labour: wage share", "labour: productivity"}


@pytest.mark.data
def test_replay_posterior_vectorised_equals_one_by_one(us):
    X = us.prior.sample(np.random.default_rng(4), 6)
    batch = us(X)
    one = np.array([us(x) for x in X])
    np.testing.assert_allclose(batch, one, rtol=1e-9)


@pytest.mark.data
def test_replay_starts_from_the_data_for_every_draw(us):
    # the start is re-derived per draw: the replay's first year equals the data in the start year whatever the
    # sampled parameters (employment rate, wage share, debts, emission intensity)
    for x in (defaults(us), us.prior.sample(np.random.default_rng(5), 1)[0]):
        r = us.replay_residuals(x)
        i = 49  # growth rows of 1971-2019 first
        for var in ("lam", "omega", "h_eff", "b", "d", "e_int"):
            if var != "h_eff":
                assert abs(r[i]) < 1e-8, var
            i += 50


@pytest.mark.data
def test_extra_term_and_synthetic_data(us):
    from calibration.joint import JointPosterior

    x = defaults(us)
    spec = dict(us._spec, extra=_constant_distance, extra_scale=0.5)
    with_extra = JointPosterior(spec)
    assert with_extra(x) == pytest.approx(us(x) - 0.5 * 3.0, rel=1e-12)
    many = JointPosterior(dict(us._spec, extra_many=_constant_distances, extra_scale=0.5))
    X = np.vstack([x, x])
    np.testing.assert_allclose(many(X), us(X) - 0.5 * np.array([0.0, 1.0]), rtol=1e-12)
    # synthetic data at x: the residuals at x are exactly the standard normal noise
    syn = us.synthetic(x, np.random.default_rng(6))
    r = syn.residuals(x)
    assert r.size == us.residuals(x).size
    assert abs(r.mean()) < 4 / math.sqrt(r.size) and abs(r.std() - 1) < 0.15


def _constant_distances(thetas, names):
    assert "g_Z" not in names and thetas.shape[1] == len(names)
    return np.arange(thetas.shape[0], dtype=float)


def _constant_distance(theta):
    assert "g_Z" not in theta and "chi" in theta
    return 3.0, {"terms": 3.0}


def test_prior_vs_posterior_figure_has_a_panel_per_parameter(tmp_path):
    from calibration.plots_joint import prior_vs_posterior

    s = sample_joint(Gauss(), wide_prior(), runs=1, walkers=8, steps=200, seed=0, processes=1, progress=False)
    fig = prior_vs_posterior(s, wide_prior(), path=tmp_path / "pp", ncols=2)
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]
    assert len(titles) == 2 and titles[0].startswith("a: sd ratio")
    assert (tmp_path / "pp.pdf").stat().st_size > 0 and (tmp_path / "pp.png").stat().st_size > 0


def test_sampler_started_from_the_laplace_posterior_recovers_the_exact_posterior():
    rng = np.random.default_rng(7)
    toy = LinearGaussian(rng.normal(size=(20, 3)), 0.5, mean=[0.0, 1.0, -2.0], sd=[1.0, 0.5, 2.0])
    y = toy.simulate([0.2, 1.1, -1.5], rng)
    start = toy.fit_laplace(y)
    s = sample_joint(toy.log_posterior(y), toy.prior, runs=2, walkers=16, steps=2500, burn=300, seed=8,
                     processes=1, progress=False, start=start)
    exact = toy.exact(y)
    x = s.flat()
    sd = np.sqrt(np.diag(exact["cov"]))
    np.testing.assert_allclose(x.mean(axis=0), exact["mean"], atol=0.1 * sd.max())
    np.testing.assert_allclose(x.std(axis=0), sd, rtol=0.1)
    assert s.converged(), s.diagnostics


def test_logit_scale_sampling_recovers_a_posterior_pressed_against_a_bound():
    # a unit normal at 0 truncated to [0, 3]: the half-normal, mean sqrt(2/pi), sd sqrt(1 - 2/pi)
    prior = JointPrior((PriorEntry("a", "uniform", 0.0, 3.0),))
    s = sample_joint(HalfNormal(), prior, runs=2, walkers=16, steps=3000, burn=500, seed=2, processes=1,
                     progress=False, transform="logit")
    x = s.flat()[:, 0]
    assert np.all((x > 0) & (x < 3))
    assert x.mean() == pytest.approx(math.sqrt(2 / math.pi), abs=0.03)
    assert x.std() == pytest.approx(math.sqrt(1 - 2 / math.pi), abs=0.03)
    assert s.converged(), s.diagnostics


class HalfNormal:
    def __call__(self, theta):
        return -0.5 * float(theta[0]) ** 2 if 0 < theta[0] < 3 else -np.inf



@pytest.mark.data
@pytest.mark.parametrize("g_Z", [0.01, 0.035])
def test_replay_start_is_at_rest_for_a_sampled_g_Z_off_the_natural_rate(g_Z):
    """A sampled g_Z off the natural rate alpha0 + n (UK 2004: 2.5%/yr): the start is derived at rest for it, so
    every growing stock grows at g_Z at the start (total capital too; the constant ones do not move) and, with the
    start year as the normal year (policy rate at rest), output grows at g_Z at the start: no start transient."""
    from calibration.joint import JointPosterior

    post = JointPosterior.from_data("GBR", 2004, 2019, normal_years=(2004, 2004))
    x = defaults(post)
    x[post.names.index("g_Z")] = g_Z
    P, Y0 = post._start(x[None, :])
    cs, prob = post.problem.cs, post.problem
    p, y = P[0], Y0[0]
    par, st = cs.parameters.index, cs.states.index
    assert abs(p[par("alpha0")] + p[par("n")] - g_Z) > 0.009
    assert p[par("g_Z")] == g_Z and p[par("g_ref")] == g_Z
    dy = cs.rhs(prob.t0, y, p, prob.L)
    for s in ("Z", "C", "L_F", "L_H", "M", "B", "NW_B", "WIP_G", "K_Gm", "K_Go"):
        assert dy[st(s)] / y[st(s)] == pytest.approx(g_Z, abs=1e-9), s
    assert (dy[st("K_g")] + dy[st("K_b")]) / (y[st("K_g")] + y[st("K_b")]) == pytest.approx(g_Z, abs=1e-9)
    for s in ("omega", "h", "r_cb"):
        assert dy[st(s)] == pytest.approx(0.0, abs=1e-9), s
    h = 1e-6
    o0 = cs.observed(np.array([prob.t0]), y[None, :], p, prob.L)
    o1 = cs.observed(np.array([prob.t0 + h]), (y + h * dy)[None, :], p, prob.L)
    assert o0["u"][0] == pytest.approx(p[par("u_n")], abs=1e-9)
    assert math.log(o1["Y"][0] / o0["Y"][0]) / h == pytest.approx(g_Z, abs=1e-4)


@pytest.mark.data
def test_prior_truncated_to_a_2025_start_is_minus_inf_where_the_projection_has_no_start(us):
    """An & Schorfheide (2007): the prior truncated to the parameters whose 2025 US projection has a start at rest.
    Along c_w (the propensity to consume out of wages, the others at their defaults) the start exists below a
    threshold and not above it (autonomous household consumption Z_H not positive); the truncated log-posterior
    is -inf just above and equal to the untruncated one just below, where both are finite."""
    from calibration.joint import JointPosterior
    from calibration.truncation import ProjectionStart

    region = ProjectionStart("USA")
    post = JointPosterior(dict(us._spec, truncation=region))
    x = defaults(us)
    j = us.names.index("c_w")
    lo, hi = 0.7, us.prior.entries[j].high  # the default 0.7 has a start, the prior's top none
    assert region(np.vstack([x, np.r_[x[:j], hi, x[j + 1:]]]), us.names).tolist() == [True, False]
    for _ in range(50):  # bisection of the start's boundary in c_w, to 1e-15: no point near it raises (the start
        # needs Z_H above a millionth of output, beyond which its own rest check, start_state._verify, failed by
        # rounding within 1e-9 of Z_H = 0)
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if region(np.r_[x[:j], mid, x[j + 1:]][None, :], us.names)[0] else (lo, mid)
    below, above = x.copy(), x.copy()
    below[j], above[j] = lo - 0.002, hi + 0.002
    assert "Z_H is not positive" in region.reasons(above[None, :], us.names)[0]
    assert np.isfinite(us(above)) and post(above) == -np.inf  # the replay alone would take it
    assert np.isfinite(post(below)) and post(below) == pytest.approx(us(below), rel=1e-12)
    assert np.isnan(post.residuals(above)).all() and post.residuals(above).size == us.residuals(above).size
    np.testing.assert_array_equal(np.isfinite(post(np.vstack([below, above, below]))), [True, False, True])
    # the projection derives g_Z at the natural rate: the replay's sampled g_Z does not move the start
    moved = np.vstack([below, below])
    moved[1, us.names.index("g_Z")] = 0.045
    assert region(moved, us.names).all()


def test_prior_vs_posterior_figure_labels_a_truncated_prior(tmp_path):
    from calibration.plots_joint import prior_vs_posterior
    from calibration.truncation import truncated_draws

    s = sample_joint(Gauss(), wide_prior(), runs=1, walkers=8, steps=200, seed=0, processes=1, progress=False)

    def region(X, names):  # a toy truncation: a + b < 0
        assert tuple(names) == ("a", "b")
        return X[:, 0] + X[:, 1] < 0

    draws, tried = truncated_draws(wide_prior().sample, region, ("a", "b"), 2000, np.random.default_rng(1))
    assert region(draws, ("a", "b")).all() and 2000 < tried  # half the square lies outside
    assert abs(2000 / tried - 0.5) < 0.05
    fig = prior_vs_posterior(s, wide_prior(), ncols=2, prior_draws=draws)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "prior truncated to a start" in labels and "prior" not in labels


def _productivity_residuals(post, x):
    """The productivity term, its residuals within ``post.residuals(x)`` (blocks come first, in order) and
    their positions."""
    i = 0
    for b in post.blocks:
        if b.block == "labour: productivity":
            return b, post.residuals(x)[i:i + b.mean.size], slice(i, i + b.mean.size)
        i += b.mean.size
    raise AssertionError("no productivity term")


@pytest.mark.data
def test_replay_productivity_term_reads_the_starts_g_ref(us):
    from calibration.joint import JointPosterior

    x = defaults(us)
    term, r, at = _productivity_residuals(us, x)
    g_Z = x[us.names.index("g_Z")]
    assert term.recentre[2] == "g_ref" and 0.02 < term.recentre[3] < 0.03  # US 1970-2019 mean capital growth
    np.testing.assert_allclose(r, term.residuals(x, {"g_ref": g_Z})[0], rtol=1e-12)
    np.testing.assert_allclose(us.residuals_batch(np.vstack([x, x]))[1, at], r, rtol=1e-12)
    # g_Z not sampled: the start derives g_ref at the natural rate alpha0 - D_P / tau_D + n
    names = tuple(n for n in us.names if n != "g_Z")
    fixed = JointPosterior.from_data("USA", 1970, 2019, names=names)
    y = np.delete(x, us.names.index("g_Z"))
    term2, r2, _ = _productivity_residuals(fixed, y)
    P, _ = fixed._start(y[None, :])
    g_n = P[0, fixed._pidx["g_ref"]]
    assert g_n == P[0, fixed._pidx["g_Z"]] and abs(g_n - (y[names.index("alpha0")] + fixed.overrides["n"])) < 2e-3
    np.testing.assert_allclose(r2, term2.residuals(y, {"g_ref": g_n})[0], rtol=1e-12)

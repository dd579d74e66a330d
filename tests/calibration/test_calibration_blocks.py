"""Block-wise estimators: parameter recovery from data simulated with known parameters.

Each block's data-generating process is its own equation with noise (AR(1) noise
where macro residuals are autocorrelated). Over many replications the estimates
must be centred on the truth and the +-2 standard-error intervals must cover it
about 95% of the time (a single draw within 2 SE would pass 95% of the time by luck).
"""

import numpy as np
import pytest

from calibration import block_estimates as blocks
from calibration.fit import ols

REPS = 200
T = 60  # years, as in 1960-2019


def ar1(rng, n, rho, sd):
    e = np.empty(n)
    e[0] = rng.normal(0, sd / np.sqrt(1 - rho ** 2))
    for t in range(1, n):
        e[t] = rho * e[t - 1] + rng.normal(0, sd)
    return e


def wage_share_data(rng, p):
    years = np.arange(1960, 1960 + T)
    lam = 0.94 + ar1(rng, T, 0.7, 0.01)
    infl = 0.03 + ar1(rng, T, 0.7, 0.01)
    alpha = 0.015 + rng.normal(0, 0.01, T)
    omega = np.empty(T)
    omega[0] = 0.6
    for t in range(1, T):
        g = p["phi0"] + p["phi1"] * lam[t - 1] - alpha[t] - (1 - p["gamma_p"]) * infl[t] + rng.normal(0, 0.005)
        omega[t] = omega[t - 1] * np.exp(g)
    return (years, omega, lam, alpha, infl), {}


def productivity_data(rng, p):
    years = np.arange(1960, 1960 + T)
    g_K = 0.03 + ar1(rng, T, 0.8, 0.01)
    alpha = p["alpha0"] + p["alpha_KV"] * (g_K - 0.02) + ar1(rng, T, 0.3, 0.008)
    return (years, alpha, g_K), {"g_ref": 0.02}


def labour_supply_data(rng, p):
    years = np.arange(1960, 1960 + T)
    lam = 0.94 + ar1(rng, T, 0.7, 0.015)
    g_N = p["n"] + p["n_lam"] * (np.concatenate([[np.nan], lam[:-1]]) - 0.96) + rng.normal(0, 0.004, T)
    return (years, g_N, lam), {"lam_ref": 0.96}


def fiscal_data(rng, p):
    years = np.arange(1960, 1960 + T)
    b = 0.6 + np.cumsum(rng.normal(0, 0.03, T))
    s = -0.02 + p["beta_B"] * np.concatenate([[np.nan], b[:-1]]) + ar1(rng, T, 0.5, 0.01)
    return (years, s, b), {}


def monetary_data(rng, p):
    years = np.arange(1960, 1960 + T)
    infl = 0.03 + ar1(rng, T, 0.8, 0.015)
    lam = 0.94 + ar1(rng, T, 0.7, 0.015)
    r = np.empty(T)
    r[0] = 0.02
    for t in range(1, T):
        target = p["r0"] + p["psi_i"] * (infl[t] - 0.02) + p["psi_L"] * (lam[t] - 0.95)
        # the model's rule dr/dt = rho_cb (target - r) over a year with the target held: the exact solution closes
        # the share 1 - exp(-rho_cb) of the gap
        r[t] = r[t - 1] + (1 - np.exp(-p["rho_cb"])) * (target - r[t - 1]) + rng.normal(0, 0.004)
    return (years, r, infl, lam), {"i_ref": 0.02, "lam_ref": 0.95}


def price_data(rng, p):
    # the model's inflation eta_p (markup omega - 1) with a persistent wage share and AR(1) shocks (supply shocks,
    # the excess-demand term), at US-like magnitudes: omega 0.58-0.66, inflation 1-9%/yr
    years = np.arange(1970, 2020)
    omega = 0.62 + ar1(rng, years.size, 0.9, 0.015)
    infl = p["eta_p"] * (p["markup"] * omega - 1) + ar1(rng, years.size, 0.6, 0.012)
    return (years, infl, omega), {}


def emission_data(rng, p):
    years = np.arange(1990, 2020)
    e = np.exp(np.log(0.5) - p["g_e"] * (years - 1990) + ar1(rng, years.size, 0.5, 0.02))
    return (years, e), {}


CASES = [
    (blocks.fit_wage_share, wage_share_data, {"phi0": -0.45, "phi1": 0.5, "gamma_p": 0.6}),
    (blocks.fit_productivity, productivity_data, {"alpha0": 0.015, "alpha_KV": 0.5}),
    (blocks.fit_labour_supply, labour_supply_data, {"n": 0.008, "n_lam": 0.1}),
    (blocks.fit_fiscal_reaction, fiscal_data, {"beta_B": 0.054}),
    (blocks.fit_monetary_rule, monetary_data, {"rho_cb": 0.5, "r0": 0.02, "psi_i": 0.5, "psi_L": 1.0}),
    (blocks.fit_price_adjustment, price_data, {"eta_p": 0.4, "markup": 1.75}),
    (blocks.fit_emission_trend, emission_data, {"g_e": 0.023}),
]


@pytest.mark.parametrize("fit, dgp, truth", CASES, ids=[c[0].__name__ for c in CASES])
def test_block_parameters_are_recovered_within_two_standard_errors(fit, dgp, truth):
    rng = np.random.default_rng(7)
    est = {k: [] for k in truth}
    covered = {k: 0 for k in truth}
    for _ in range(REPS):
        args, kwargs = dgp(rng, truth)
        f = fit(*args, **kwargs)
        for k, v in truth.items():
            est[k].append(f.values[k])
            covered[k] += abs(f.values[k] - v) <= 2 * f.se[k]
    # feasible-GLS and HAC intervals are somewhat optimistic in 30-60 annual observations
    # (calibration.fit.ols documents the coverage found): at least 80%, nominal 95%
    for k, v in truth.items():
        assert covered[k] / REPS >= 0.80, (k, covered[k] / REPS)
        spread = np.std(est[k])
        assert abs(np.median(est[k]) - v) < 0.5 * spread + 1e-12, (k, np.median(est[k]), v, spread)


def test_one_fit_reports_statistics_and_weak_identification():
    rng = np.random.default_rng(3)
    args, _ = labour_supply_data(rng, {"n": 0.008, "n_lam": 0.0})
    f = blocks.fit_labour_supply(*args, lam_ref=0.96)
    assert f.n_obs == T - 1 and f.years[0] == 1961
    assert f.rmse == pytest.approx(np.sqrt(np.mean(f.residuals ** 2)))
    assert "n_lam" in f.weakly_identified()  # true value 0: the data cannot pin it relative to its size
    assert f.correlation().shape == (2, 2)


def test_ols_errors_name_the_problem():
    with pytest.raises(ValueError, match="usable observations"):
        ols(np.array([1.0, np.nan, 2.0]), np.ones((3, 1)))
    with pytest.raises(ValueError, match="collinear"):
        ols(np.arange(10.0), np.column_stack([np.ones(10), np.ones(10)]))

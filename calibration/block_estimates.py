"""Block-wise estimation: each block's parameters from its own observed inputs.

Every estimator is the annual (Euler) discretisation of the block's equation in
``model/directed_growth/mechanisms``, fitted by least squares with Newey-West standard errors
(:func:`calibration.fit.ols`); the parameters are named as in the model. Inputs
are annual arrays aligned on ``years`` (NaN where missing; those rows are dropped).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .fit import Fit, delta_method, ols

__all__ = ["block_fits", "fit_wage_share", "fit_productivity", "fit_labour_supply", "fit_fiscal_reaction",
           "fit_monetary_rule", "fit_price_adjustment", "fit_emission_trend"]


def _growth(x: np.ndarray) -> np.ndarray:
    """Annual log growth ``ln x[t] - ln x[t-1]`` aligned on ``t`` (first value NaN)."""
    x = np.asarray(x, float)
    out = np.full_like(x, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[1:] = np.log(x[1:] / x[:-1])
    return out


def _lag(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, float)
    return np.concatenate([[np.nan], x[:-1]])


def _fit(block, names, b, cov, f, info, equation, notes=()) -> Fit:
    values, se, c = delta_method(b, cov, f, names)
    return Fit(block, values, se, c, tuple(names), info["n_obs"], info["rmse"], info["r2"], info["years"],
               info["residuals"], equation, tuple(notes))


def fit_wage_share(years, omega, lam, alpha, inflation) -> Fit:
    r"""Labour block: real-wage Phillips curve with partial indexation to inflation.

    .. math:: \Delta\ln\omega_t + \alpha_t = \phi_0 + \phi_1\lambda_{t-1} - (1-\gamma_p)\,i_t + e_t

    (the model's :math:`\hat\omega = \phi_0 + \phi_1\lambda - \alpha - (1-\gamma_p)i`
    with observed inflation :math:`i`). Employment enters lagged (wage bargains
    respond to last year's labour market), which also limits simultaneity.

    Parameters
    ----------
    years : array of int
    omega : array
        Wage share [dimensionless].
    lam : array
        Employment rate [dimensionless].
    alpha : array
        Labour productivity growth [1/year].
    inflation : array
        Price inflation [1/year].
    """
    y = _growth(omega) + np.asarray(alpha, float)
    X = np.column_stack([np.ones_like(y), _lag(lam), inflation])
    b, cov, info = ols(y, X, years)
    return _fit("labour: wage share", ["phi0", "phi1", "gamma_p"], b, cov, lambda c: [c[0], c[1], 1 + c[2]], info,
                "dln(omega) + alpha = phi0 + phi1 lam(-1) - (1 - gamma_p) inflation",
                ["phi0 is re-derived by the model factory so that the start year is at rest; the fitted value "
                 "is reported for the fit statistics only"])


def fit_productivity(years, alpha, g_K, g_ref: float) -> Fit:
    r"""Labour block: Kaldor-Verdoorn productivity growth.

    .. math:: \alpha_t = a + \alpha_{KV}(g_{K,t} - \bar g_K) + e_t

    Parameters
    ----------
    years : array of int
    alpha : array
        Labour productivity growth [1/year].
    g_K : array
        Capital growth [1/year].
    g_ref : float
        Capital growth the intercept is measured at [1/year]; :func:`block_fits` passes the sample mean
        ``gbar_K`` of ``g_K`` (the intercept is then uncorrelated with the slope).

    Returns
    -------
    Fit
        ``alpha0`` is the intercept ``a``, productivity growth at ``g_K = g_ref``. The model's ``alpha0``
        (:mod:`model.directed_growth.mechanisms.labour`) is productivity growth at its own reference ``g_ref``,
        the start's growth of autonomous demand ``g_Z``, not ``gbar_K``: the two agree when
        ``a = alpha0 + alpha_KV (gbar_K - g_ref_model)``, which ``Fit.recentre`` records
        (``("alpha0", "alpha_KV", "g_ref", gbar_K)``) and :func:`calibration.joint.block_terms` applies.
    """
    X = np.column_stack([np.ones(len(alpha)), np.asarray(g_K, float) - g_ref])
    b, cov, info = ols(alpha, X, years)
    return replace(_fit("labour: productivity", ["alpha0", "alpha_KV"], b, cov, lambda c: c, info,
                        f"alpha = alpha0 + alpha_KV (g_K - {g_ref:.5g})",
                        ["knowledge growth (alpha_A term) is not observed and is left out",
                         f"alpha0 is productivity growth at the sample's mean capital growth {g_ref:.5g}/yr; the "
                         "model's alpha0 is at its own g_ref (the start's g_Z): model alpha0 = alpha0 - alpha_KV "
                         f"({g_ref:.5g} - g_ref)"]),
                   recentre=("alpha0", "alpha_KV", "g_ref", float(g_ref)))


def fit_labour_supply(years, g_N, lam, lam_ref: float) -> Fit:
    r"""Labour block: labour supply responding to the employment rate.

    .. math:: g_{N,t} = n + n_\lambda(\lambda_{t-1} - \bar\lambda) + e_t
    """
    X = np.column_stack([np.ones(len(g_N)), _lag(lam) - lam_ref])
    b, cov, info = ols(g_N, X, years)
    return _fit("labour: labour supply", ["n", "n_lam"], b, cov, lambda c: c, info,
                "g_N = n + n_lam (lam(-1) - lam_ref)")


def fit_fiscal_reaction(years, primary_surplus, b) -> Fit:
    r"""Public finance block: Bohn's (1998) fiscal reaction.

    .. math:: s_t = c + \beta_B\, b_{t-1} + e_t, \qquad e_t = \rho e_{t-1} + u_t

    (feasible GLS with AR(1) errors, as surpluses are persistent).

    ``primary_surplus`` as a share of output [dimensionless], ``b`` public debt to
    output [year]. The model's debt-stabilising tax is :math:`T_B = \beta_B(B - \bar b Y_T)`.
    """
    X = np.column_stack([np.ones(len(b)), _lag(b)])
    est, cov, info = ols(primary_surplus, X, years, ar1=True)
    return _fit("public finance: fiscal reaction", ["beta_B"], est, cov, lambda c: [c[1]], info,
                "primary surplus / Y = c + beta_B b(-1)")


def fit_monetary_rule(years, r, inflation, lam, i_ref: float, lam_ref: float) -> Fit:
    r"""Finance block: the smoothed Taylor rule on inflation and employment.

    .. math:: \Delta r_t = (1 - e^{-\rho_{cb}})\,[r_0 + \psi_i(i_t - \bar\imath) + \psi_L(\lambda_t - \bar\lambda)
              - r_{t-1}] + e_t

    ``r`` is the real policy rate [1/year] (short rate minus inflation). The model's rule is continuous,
    :math:`\dot r = \rho_{cb}(r^* - r)`: over a year with the target :math:`r^*` held, the rate closes the share
    :math:`b = 1 - e^{-\rho_{cb}}` of its gap, which the regression's coefficient on :math:`-r_{t-1}` estimates;
    so :math:`\rho_{cb} = -\ln(1 - b)` (the exact discretisation; reading :math:`b` as the rate understates it, by
    11% at :math:`b = 0.2`), and the target's coefficients are the others over :math:`b`.
    """
    r = np.asarray(r, float)
    dr = r - _lag(r)
    X = np.column_stack([np.ones_like(r), np.asarray(inflation, float) - i_ref, np.asarray(lam, float) - lam_ref,
                         _lag(r)])
    b, cov, info = ols(dr, X, years)

    def structural(c):
        b = -c[3]  # the share of the gap closed in a year
        return [-np.log1p(-b), c[0] / b, c[1] / b, c[2] / b]

    return _fit("finance: monetary rule", ["rho_cb", "r0", "psi_i", "psi_L"], b, cov, structural, info,
                "dr = (1 - exp(-rho_cb)) (r0 + psi_i (i - i_ref) + psi_L (lam - lam_ref) - r(-1))")


def fit_price_adjustment(years, inflation, omega) -> Fit:
    r"""Labour block: prices adjusting towards the target mark-up on unit labour costs.

    .. math:: i_t = \eta_p\,(m\,\omega_t - 1) + e_t = -\eta_p + \eta_p m\,\omega_t + e_t,
              \qquad e_t = \rho e_{t-1} + u_t

    (feasible GLS with AR(1) errors, :func:`calibration.fit.ols`: inflation and the wage share are persistent
    levels). The model's inflation is :math:`i = \eta_p(m\omega - 1) + \eta_x\ln(Y_D/Y)`; output is the smooth
    minimum of demand and supply, so the excess-demand term is near zero wherever supply does not bind and is left
    out (where it binds it adds inflation, which raises the intercept and biases :math:`\eta_p = -c_0` down; where
    it moves with the wage share it biases the slope too). The intercept identifies the speed :math:`\eta_p`, the
    slope over it the target mark-up :math:`m`, under a mark-up constant over the window. The model's mark-up is set
    by the start's inflation datum in the projection (:data:`model.directed_growth.start_state.DERIVED_FROM_DATA`):
    its estimate drives historical replays only, and only with an identified :math:`\eta_p` (it is conditional
    on it).

    Parameters
    ----------
    years : array of int
    inflation : array
        Price inflation [1/year].
    omega : array
        Wage share [dimensionless].
    """
    omega = np.asarray(omega, float)
    X = np.column_stack([np.ones_like(omega), omega])
    b, cov, info = ols(np.asarray(inflation, float), X, years, ar1=True)
    return _fit("labour: price adjustment", ["eta_p", "markup"], b, cov, lambda c: [-c[0], -c[1] / c[0]], info,
                "inflation = eta_p (markup omega - 1)",
                ["the excess-demand term eta_x ln(Y_D/Y) is not observed and is left out (near zero where supply "
                 "does not bind; positive where it does, biasing eta_p down)"])


def fit_emission_trend(years, e_int) -> Fit:
    r"""Emissions block: the trend of emission intensity.

    .. math:: \ln e_t = a - g_e\, t + e_t, \qquad e_t = \rho e_{t-1} + u_t

    ``g_e`` [1/year] is the observed decline rate (validation case 6 of
    economics.md: US -2.30%/yr and UK -3.64%/yr over 1990-2019); the model's
    within-technology efficiency ``g_sigma`` is set from it in the historical replay.
    """
    years = np.asarray(years, float)
    X = np.column_stack([np.ones_like(years), years - years.mean()])
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(np.asarray(e_int, float))
    b, cov, info = ols(y, X, years, ar1=True)
    return _fit("emissions: intensity trend", ["g_e"], b, cov, lambda c: [-c[1]], info, "ln e_int = a - g_e t")


def block_fits(p, years) -> dict[str, Fit | Exception]:
    """Each block's regression (:mod:`calibration.block_estimates`) on one country's panel rows ``p`` over
    ``years = (first, last)``: block name -> its :class:`Fit`, or the ``ValueError`` that stopped it (too few
    observations)."""
    y = p["year"].values
    sel = (y >= years[0]) & (y <= years[1])

    def arr(name):
        return p[name].values[sel]

    g_ref = float(np.nanmean(arr("g_K"))) if np.isfinite(arr("g_K")).any() else 0.0
    # the normal employment rate of the sample (the replay's lam_ref)
    lam_ref = float(np.nanmean(arr("lam"))) if np.isfinite(arr("lam")).any() else 0.96
    specs = {
        "wage share": (fit_wage_share, (y[sel], arr("omega"), arr("lam"), arr("alpha"), arr("inflation")), {}),
        "productivity": (fit_productivity, (y[sel], arr("alpha"), arr("g_K")), {"g_ref": g_ref}),
        "labour supply": (fit_labour_supply, (y[sel], arr("g_N"), arr("lam")), {"lam_ref": lam_ref}),
        "fiscal reaction": (fit_fiscal_reaction, (y[sel], arr("primary_surplus"), arr("b")), {}),
        "monetary rule": (fit_monetary_rule, (y[sel], arr("r"), arr("inflation"), arr("lam")),
                          {"i_ref": 0.02, "lam_ref": lam_ref}),
        "price adjustment": (fit_price_adjustment, (y[sel], arr("inflation"), arr("omega")), {}),
    }
    out = {}
    for name, (f, args, kwargs) in specs.items():
        try:
            out[name] = f(*args, **kwargs)
        except ValueError as exc:  # too few observations (e.g. the fallback panel)
            out[name] = exc
    return out

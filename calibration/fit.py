"""Result of an estimation step, and ordinary least squares with HAC standard errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Fit", "ols", "delta_method"]


@dataclass(frozen=True)
class Fit:
    """Estimates of one block (or of the whole model) with their uncertainty.

    Attributes
    ----------
    block : str
        What was fitted (a block name, or ``"whole model"``).
    values : dict of str to float
        Point estimates of the model's parameters, by name.
    se : dict of str to float
        Standard errors (HAC for time-series regressions; from the Gauss-Newton
        covariance for least squares).
    cov : numpy.ndarray
        Covariance matrix of ``values`` (in the order of ``names``).
    names : tuple of str
        Parameter names, in the order of ``cov``.
    n_obs : int
        Observations used (after dropping missing values).
    rmse : float
        Root-mean-square residual, in the units of the dependent variable.
    r2 : float
        Coefficient of determination.
    years : numpy.ndarray
        Years of the observations used.
    residuals : numpy.ndarray
        Residuals at ``years``.
    equation : str
        The estimated equation, in words and symbols.
    notes : tuple of str
        Caveats (weak identification, parameters held fixed, data choices).
    null_space : numpy.ndarray, shape (k, d)
        Directions of the parameters (in the order of ``names``, their units) that
        the data do not pin down (``d = 0``: all identified); see
        :func:`calibration.least_squares.identification`.
    recentre : (str, str, str, float), optional
        ``(intercept, slope, reference, x_bar)``: the fitted ``intercept`` is the dependent
        variable at the regressor's value ``x_bar`` (the regressor's units), while the
        model's parameter of that name is its value at the model's parameter ``reference``
        (same units). The model's value of the estimate is then
        ``intercept + slope (x_bar - reference)`` (:class:`calibration.joint.BlockTerm`).
        None: every estimate is the model's parameter of its name.
    """

    block: str
    values: Mapping[str, float]
    se: Mapping[str, float]
    cov: np.ndarray
    names: tuple[str, ...]
    n_obs: int
    rmse: float
    r2: float
    years: np.ndarray = field(default_factory=lambda: np.array([]))
    residuals: np.ndarray = field(default_factory=lambda: np.array([]))
    equation: str = ""
    notes: tuple[str, ...] = ()
    null_space: np.ndarray | None = None
    recentre: tuple[str, str, str, float] | None = None

    def correlation(self) -> np.ndarray:
        """Correlation matrix of the estimates."""
        s = np.sqrt(np.diag(self.cov))
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.cov / np.outer(s, s)

    def weakly_identified(self, max_rel_se: float = 0.5) -> list[str]:
        """Parameters whose standard error exceeds ``max_rel_se`` times their value
        (or is not finite): the data do not pin them down."""
        return [n for n in self.names if not np.isfinite(self.se[n])
                or self.se[n] > max_rel_se * abs(self.values[n])]

    def not_identified(self) -> list[str]:
        """Parameters the data do not identify at all (infinite or undefined standard
        error: a direction of the parameters that moves no residual); a subset of
        :meth:`weakly_identified`."""
        return [n for n in self.names if not np.isfinite(self.se[n])]


def ols(y: np.ndarray, X: np.ndarray, years: np.ndarray | None = None, *, hac_lags: int = 2,
        ar1: bool = False):
    """Least squares ``y = X b + e`` on the rows without missing values.

    With ``ar1`` the errors are modelled as AR(1), ``e_t = rho e_{t-1} + u_t``,
    and the coefficients estimated by iterated Prais-Winsten feasible GLS
    (keeping the first observation) with Kendall's small-sample correction of
    ``rho``: use it for trends and persistent regressors, where Newey-West
    intervals under-cover badly in 30-60 annual observations (Monte Carlo, 30
    years, rho = 0.5, trend slope: +-2 SE covers about 73% with Newey-West,
    83% with Cochrane-Orcutt, 86% with this estimator).

    Returns
    -------
    b : numpy.ndarray
        Coefficients.
    cov : numpy.ndarray
        Newey-West (HAC) covariance with ``hac_lags`` lags (Bartlett kernel), as
        annual macro residuals are autocorrelated (``hac_lags=0``: White's); with
        ``ar1``, the GLS covariance.
    info : dict
        ``n_obs``, ``rmse``, ``r2``, ``years`` and ``residuals`` of the rows used.

    Raises
    ------
    ValueError
        Fewer usable rows than coefficients plus two, or a rank-deficient design.
    """
    import statsmodels.api as sm

    y = np.asarray(y, float)
    X = np.asarray(X, float)
    years = np.arange(y.size) if years is None else np.asarray(years)
    ok = np.isfinite(y) & np.all(np.isfinite(X), axis=1)
    if ok.sum() < X.shape[1] + 2:
        raise ValueError(f"ols: {ok.sum()} usable observations for {X.shape[1]} coefficients; need at least "
                         f"{X.shape[1] + 2} (too many missing values?)")
    if np.linalg.matrix_rank(X[ok]) < X.shape[1]:
        raise ValueError("ols: the regressors are collinear on the usable rows (a constant regressor?)")
    if ar1:
        res = _prais_winsten(y[ok], X[ok])
    else:
        res = sm.OLS(y[ok], X[ok]).fit(cov_type="HAC", cov_kwds={"maxlags": hac_lags})
    resid = y[ok] - X[ok] @ res.params
    tss = np.sum((y[ok] - y[ok].mean()) ** 2)
    info = {"n_obs": int(ok.sum()), "rmse": float(np.sqrt(np.mean(resid ** 2))),
            "r2": float(1 - np.sum(resid ** 2) / tss) if tss > 0 else float("nan"),
            "years": years[ok], "residuals": resid}
    return np.asarray(res.params), np.asarray(res.cov_params()), info


def _prais_winsten(y: np.ndarray, X: np.ndarray, iterations: int = 50):
    import statsmodels.api as sm

    b = np.linalg.lstsq(X, y, rcond=None)[0]
    n = y.size
    for _ in range(iterations):
        e = y - X @ b
        rho = float(np.sum(e[1:] * e[:-1]) / np.sum(e[:-1] ** 2))
        rho = min(rho + (1 + 3 * rho) / n, 0.99)  # Kendall (1954) bias correction
        w = np.sqrt(1 - rho ** 2)
        ys = np.r_[w * y[0], y[1:] - rho * y[:-1]]
        Xs = np.vstack([w * X[0], X[1:] - rho * X[:-1]])
        b_new = np.linalg.lstsq(Xs, ys, rcond=None)[0]
        if np.allclose(b_new, b, rtol=1e-10, atol=1e-14):
            b = b_new
            break
        b = b_new
    return sm.OLS(ys, Xs).fit()


def delta_method(b: np.ndarray, cov: np.ndarray, f: Callable[[np.ndarray], Sequence[float]],
                 names: Sequence[str]) -> tuple[dict[str, float], dict[str, float], np.ndarray]:
    """Values, standard errors and covariance of ``f(b)`` by the delta method
    (central differences of the algebraic map ``f``, step 1e-6 relative)."""
    b = np.asarray(b, float)
    val = np.asarray(f(b), float)
    G = np.empty((val.size, b.size))
    for j in range(b.size):
        h = 1e-6 * max(1.0, abs(b[j]))
        e = np.zeros_like(b)
        e[j] = h
        G[:, j] = (np.asarray(f(b + e)) - np.asarray(f(b - e))) / (2 * h)
    c = G @ cov @ G.T
    return ({n: float(v) for n, v in zip(names, val)}, {n: float(np.sqrt(c[i, i])) for i, n in enumerate(names)},
            c)

"""Parameter draws from a calibrated parameter file, for ensembles.

Estimated parameters are drawn from their calibrated uncertainty: the MCMC
credible interval where the file has one, otherwise a normal at the estimate
with its standard error, truncated to the declared bounds (independent draws:
the block regressions are separate, and the file keeps no cross-block
covariance). ``g_Z`` is derived by the model factory draw by draw (the natural
rate ``alpha0 + n``). Parameters the data did not identify (``[kept_default]``) and the
structural mechanisms no data set here pins down are drawn from stated prior
ranges (:data:`STRUCTURAL_PRIORS`), so that their uncertainty is carried too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from model.directed_growth.priors import PRIORS
from model.errors import CalibrationError

from .tomlfile import read_toml

__all__ = ["STRUCTURAL_PRIORS", "posterior_draws"]

#: uniform prior ranges of mechanisms the calibration does not estimate: name -> (low, high, rationale), taken from
#: the model's own prior table (model.directed_growth.priors.PRIORS: zero included where a mechanism may be absent,
#: negative crowding-in allowed), so calibrated ensembles and prior ensembles draw these from the same ranges
STRUCTURAL_PRIORS: dict[str, tuple[float, float, str]] = {
    name: PRIORS[name] for name in ("chi", "psi_B", "gamma_r", "learn_rate", "beta_c", "tau_half", "S", "rho_cap")}


def _truncnorm(rng, mean: float, sd: float, lo: float | None, hi: float | None, n: int) -> np.ndarray:
    from scipy.stats import truncnorm

    a = -np.inf if lo is None else (lo - mean) / sd
    b = np.inf if hi is None else (hi - mean) / sd
    return truncnorm.rvs(a, b, loc=mean, scale=sd, size=n, random_state=rng)


def _number(path: str, name: str, field: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise CalibrationError(f"{path}: [uncertainty.{name}] {field} must be a finite number, got {value!r}")
    return float(value)


def _spread(path: str, name: str, u, bounds: tuple[float | None, float | None]) -> tuple[float, float, str]:
    """Centre and standard deviation of the draws of ``name`` from its ``[uncertainty]`` entry (validated).

    An SE that is not finite and positive, or wider than the declared bounds (the
    truncated normal would then be flat over the bounds, the estimate saying nothing),
    is refused: such a parameter belongs under ``[kept_default]``. Without two finite
    bounds the SE may be at most 1e6 times the estimate's magnitude (at least 1).
    """
    where = f"{path}: [uncertainty.{name}]"
    if not isinstance(u, dict):
        raise CalibrationError(f"{where} must be a table with value and se (or credible_90), got {u!r}")
    if "value" not in u:
        raise CalibrationError(f"{where} has no value")
    value = _number(path, name, "value", u["value"])
    if "credible_90" in u:  # MCMC: a normal matching the 90% interval
        q = u["credible_90"]
        if not isinstance(q, list) or len(q) != 2:
            raise CalibrationError(f"{where} credible_90 must be [q05, q95], got {q!r}")
        q05, q95 = (_number(path, name, "credible_90", x) for x in q)
        if not q05 < q95:
            raise CalibrationError(f"{where} credible_90 must have q05 < q95, got {q!r}")
        mean = _number(path, name, "posterior_median", u.get("posterior_median", value))
        sd, field = (q95 - q05) / (2 * 1.6448536269514722), "credible_90"
        how = "MCMC 90% credible interval (normal approximation)"
    else:
        if "se" not in u:
            raise CalibrationError(f"{where} has no se (standard error) and no credible_90; add one, or list "
                                   f"{name} under [kept_default]")
        if u["se"] == "inf" or (isinstance(u["se"], float) and u["se"] == np.inf):
            raise CalibrationError(f"{where} is not identified by the data (se = inf, see [whole_model] "
                                   f"not_identified): draws would follow only its prior; list {name} under "
                                   "[kept_default] or give it a prior with structural=")
        mean, sd, field = value, _number(path, name, "se", u["se"]), "se"
        how = f"normal(estimate, SE) truncated to bounds; {u.get('method', '')}"
    lo, hi = bounds
    if not sd > 0:
        raise CalibrationError(f"{where} {field} gives no usable standard error ({sd:g}): it must be positive")
    if lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi):
        if sd > hi - lo:
            raise CalibrationError(f"{where} {field} gives a standard error {sd:g} wider than the declared bounds "
                                   f"[{lo:g}, {hi:g}]: the draws would be uniform over the bounds; list {name} "
                                   "under [kept_default] instead")
    elif sd > 1e6 * max(1.0, abs(mean)):
        raise CalibrationError(f"{where} {field} gives a standard error {sd:g}, over a million times the estimate "
                               f"{mean:g}: not usable")
    return mean, sd, how


def posterior_draws(path: str | os.PathLike, n: int, *, seed: int = 0, system=None,
                    structural: Mapping[str, tuple[float, float]] | bool = True, kept_defaults: bool = True):
    """Draws of the calibrated parameters (and stated priors) for :func:`model.ensemble`.

    Parameters
    ----------
    path : path-like
        A parameter file written by ``dgm calibrate``; the committed ones by country:
        :func:`calibration.param_file` (``param_file("usa")``).
    n : int
        Number of draws.
    seed : int
        Seed (same seed, same draws).
    system : System, optional
        The model (for declared bounds); default ``directed_growth()``.
    structural : bool or mapping
        ``True``: also draw :data:`STRUCTURAL_PRIORS` uniformly; a mapping
        ``name -> (low, high)`` replaces them; ``False``: calibrated parameters only.
    kept_defaults : bool
        Draw the parameters the data did not identify uniformly over their declared
        bounds' central range (default +-50%, within the bounds).

    Returns
    -------
    pandas.DataFrame
        One row per draw; ``df.attrs["sources"]`` says how each column was drawn.

    Raises
    ------
    CalibrationError
        Missing or invalid file; an ``[uncertainty]`` entry without ``value`` or
        ``se``/``credible_90``, with non-numeric fields, or with an SE that is not
        usable (not positive, or wider than the declared bounds); unknown names.
    """
    import pandas as pd

    from model.directed_growth.factory import directed_growth

    path = os.fspath(path)
    doc = read_toml(path, "parameter file")
    if "parameters" not in doc or "uncertainty" not in doc:
        raise CalibrationError(f"{path} is not a calibrated parameter file (no [parameters]/[uncertainty])")
    n = int(n)
    if n < 1:
        raise CalibrationError(f"the number of draws must be positive, got {n}")
    system = system or directed_growth(overrides=doc["parameters"])
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    sources: dict[str, str] = {}
    if not isinstance(doc["uncertainty"], dict):
        raise CalibrationError(f"{path}: [uncertainty] must be a table of parameter tables")
    unknown = sorted(k for k in doc["uncertainty"] if k not in system.parameters)
    if unknown:
        raise CalibrationError(f"{path}: [uncertainty] names unknown parameter(s) {', '.join(unknown)} of model "
                               f"{system.name!r}")
    kept = doc.get("kept_default", {})
    if not isinstance(kept, dict) or any(k not in system.parameters for k in kept):
        raise CalibrationError(f"{path}: [kept_default] must be a table of the model's parameter names")
    for name in sorted(doc["uncertainty"]):
        if name == "g_Z":
            continue  # derived by the model factory from alpha0 + n (a parameter file written before issue 12)
        lo, hi = system[name].bounds
        mean, sd, how = _spread(path, name, doc["uncertainty"][name], (lo, hi))
        cols[name] = _truncnorm(rng, mean, sd, lo, hi, n)
        sources[name] = how
    if kept_defaults:
        for name in sorted(doc.get("kept_default", {})):
            d = system[name].default
            lo, hi = system[name].bounds
            a, b = (0.5 * d, 1.5 * d) if d > 0 else (1.5 * d, 0.5 * d) if d < 0 else (lo, hi)
            a, b = max(a, lo if lo is not None else a), min(b, hi if hi is not None else b)
            cols[name] = rng.uniform(a, b, n)
            sources[name] = f"not identified by the data: uniform [{a:.4g}, {b:.4g}] around the literature default"
    if structural:
        pri = ({k: v[:2] for k, v in STRUCTURAL_PRIORS.items()} if structural is True else dict(structural))
        for name in sorted(pri):
            if name in cols:
                continue
            a, b = map(float, pri[name])
            cols[name] = rng.uniform(a, b, n)
            sources[name] = STRUCTURAL_PRIORS[name][2] if name in STRUCTURAL_PRIORS else f"uniform [{a}, {b}]"
    df = pd.DataFrame(cols)
    df.index.name = "draw"
    df.attrs["method"] = f"posterior draws from {os.path.basename(path)}, seed {seed}"
    df.attrs["sources"] = sources
    return df

"""The public-investment multiplier of a calibrated model, with its uncertainty."""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from model.directed_growth.factory import directed_growth
from model.directed_growth.outcomes import impulse_response
from model.errors import CalibrationError, SolverError

from .tomlfile import read_toml

__all__ = ["multiplier_interval"]


def multiplier_interval(path: str | os.PathLike, *, draws: int = 50, seed: int = 0, level: float = 0.9,
                        horizons: tuple[int, ...] = (1, 4),
                        progress: Callable[[str], None] | None = None) -> dict[int, dict[str, float]]:
    """Multipliers after ``horizons`` years of a parameter file's model, with an interval.

    The point value uses the file's ``[parameters]``. The interval propagates the
    estimation uncertainty of the file (its ``[uncertainty.NAME]`` entries): each
    draw takes every estimated parameter from a normal with the posterior median
    and spread where the file has a posterior, else the estimate and its standard
    error (truncated to the declared bounds; correlations between blocks ignored),
    rebuilds the model (the 2025 start quantities re-derived) and recomputes the
    impulse response of :func:`model.directed_growth.outcomes.impulse_response`.

    Returns
    -------
    dict
        ``horizon -> {"point", "median", "lower", "upper", "draws"}`` (failed draws dropped).
    """
    doc = read_toml(path, "parameter file")
    params = {k: float(v) for k, v in doc.get("parameters", {}).items() if k != "g_Z"}  # g_Z: derived
    unc = doc.get("uncertainty", {})
    base = directed_growth()
    point = impulse_response(directed_growth(overrides=params), None, None, horizons=horizons)
    rng = np.random.default_rng(seed)
    spread = {}
    for name, u in unc.items():
        if name in params and name in base.parameters and name not in ("g_Z",):
            if "credible_90" in u:
                lo, hi = (float(x) for x in u["credible_90"])
                spread[name] = (float(u.get("posterior_median", params[name])), (hi - lo) / 3.29)
            elif isinstance(u.get("se"), float) and np.isfinite(u["se"]):
                spread[name] = (params[name], float(u["se"]))
    if not spread:
        raise CalibrationError(f"{path}: no [uncertainty] entries with standard errors")
    samples = {h: [] for h in horizons}
    for i in range(draws):
        draw = dict(params)
        for name, (mu, sd) in spread.items():
            lo, hi = base[name].bounds
            value = rng.normal(mu, sd)
            lower = -np.inf if lo is None else lo + 1e-9
            upper = np.inf if hi is None else hi - 1e-9
            draw[name] = float(np.clip(value, lower, upper))
        try:
            m = impulse_response(directed_growth(overrides=draw), None, None, horizons=horizons)
        except SolverError:
            continue
        for h in horizons:
            samples[h].append(m[h])
        if progress is not None and (i + 1) % 10 == 0:
            progress(f"multiplier draws: {i + 1}/{draws}")
    q = ((1 - level) / 2, 0.5, (1 + level) / 2)
    out = {}
    for h in horizons:
        lo, med, hi = np.quantile(samples[h], q) if samples[h] else (np.nan,) * 3
        out[h] = {"point": float(point[h]), "median": float(med), "lower": float(lo), "upper": float(hi),
                  "draws": len(samples[h]), "level": level}
    return out

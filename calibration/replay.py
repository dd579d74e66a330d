"""A historical replay: the directed-growth model started from a country's data in a given year."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from model import Policy, piecewise
from model.directed_growth.factory import directed_growth
from model.errors import CalibrationError

__all__ = ["START_FROM_DATA", "country_model", "observed_policy"]

#: stocks and levers set from the panel in the start year: model name -> how
START_FROM_DATA = {
    "omega": "wage share (PWT labsh)",
    "h": "normal private investment share: the mean over the normal years (JST iy - i_G); a start year can "
         "be a cyclical peak (UK 1990: 0.219 against a 1990-2019 mean of 0.155)",
    "i_G": "public investment rate (ICSD / PWT), the lever's value in the start year",
    "B": "public debt b x Y (JST debtgdp)",
    "D": "business debt d x Y (JST bank loans to business)",
    "a": "output per person engaged (PWT)",
    "N": "labour force = Y / (a lam)",
    "sigma_b": "emission intensity of brown output, such that the model's e_int equals the data (GCB / PWT)",
    "theta0": "payout ratio at which the start-year business debt ratio is stationary (unless given)",
    "lam_ref": "normal employment rate: the mean over the normal years",
}


def _value(panel: xr.Dataset, name: str, country: str, year: int) -> float:
    v = float(panel[name].sel(country=country, year=year))
    if not np.isfinite(v):
        raise CalibrationError(f"{name} for {country} {year} is missing in the panel; choose another start year")
    return v


def country_model(panel: xr.Dataset, country: str, start: int, overrides: Mapping[str, float] | None = None,
                  normal_years: tuple[int, int] | None = None):
    """The directed-growth model started from ``country``'s data in ``start``.

    Stocks and lever values set from the panel are listed in
    :data:`START_FROM_DATA`; everything else keeps its default or ``overrides``
    (for example block-wise estimates), and the factory derives the reference
    quantities so that the start year is at rest. Over ``normal_years`` (default:
    the start year to the panel's last year) the mean employment rate is the
    normal rate ``lam_ref`` and the mean private investment share the start's
    (normal) investment share ``h``. The factory sets the capital-capacity ratio and
    private capital so that the start-year investment share, depreciation and
    ``g_Z`` are a steady state at normal utilisation (give ``g_Z``, e.g. the
    natural growth rate, in ``overrides``). Climate damages are switched
    off (``d_sw = 0``): the model's climate state is not replayed before 2025, and
    DICE damages at historical warming are below 0.3% of output.

    Returns
    -------
    System
    """
    if country not in panel["country"].values:
        raise CalibrationError(f"country {country!r} is not in the panel; it has "
                               f"{', '.join(map(str, panel['country'].values))}")
    if start not in panel["year"].values:
        raise CalibrationError(f"start year {start} is outside the panel's years "
                               f"{int(panel['year'][0])}-{int(panel['year'][-1])}")
    y0 = _value(panel, "Y", country, start)
    lam = _value(panel, "lam", country, start)
    a = _value(panel, "a", country, start)
    start_values = {
        "omega": _value(panel, "omega", country, start),
        "h": _value(panel, "h", country, start),
        "i_G": _value(panel, "i_G", country, start),
        "B": _value(panel, "b", country, start) * y0,
        "D": _value(panel, "d", country, start) * y0,
        "a": a,
        "N": y0 / (a * lam),
        "d_sw": 0.0,
    }
    first, last = normal_years or (start, int(panel["year"][-1]))
    window = panel.sel(country=country, year=slice(first, last))
    start_values["lam_ref"] = float(window["lam"].mean())
    start_values["h"] = float(window["h"].mean())
    values = {**start_values, **dict(overrides or {})}
    probe = directed_growth(t0=float(start), y0=y0, overrides=values)
    # e_int is proportional to sigma_b at the start (no carbon price): one rescaling matches the data
    from model.compiler.compiled import compile as compile_system

    cs = compile_system(probe)
    obs = cs.observed(float(start), cs.state_vector(), cs.param_vector(), cs.inputs_table())
    values["sigma_b"] = probe["sigma_b"].default * _value(panel, "e_int", country, start) / float(obs["e_int"])
    if "theta0" not in values:
        # the payout ratio at which the start-year business debt ratio is stationary (D_dot = g_Z D);
        # the financing gap is linear in the payout ratio and nothing else at the start depends on it
        gap = float(obs["I_p"] - obs["delta_K"] * obs["K"]) - probe["g_Z"].default * values["D"]
        theta = 1.0 - gap / float(obs["Pi"])
        if not 0.0 < theta < 1.0:
            raise CalibrationError(f"{country} {start}: no payout ratio in (0, 1) keeps the business debt ratio "
                                   f"stationary (needed {theta:.3g}); give theta0 in overrides")
        values["theta0"] = theta
    return directed_growth(t0=float(start), y0=y0, overrides=values)


def observed_policy(panel: xr.Dataset, country: str, start: int, end: int) -> Policy:
    """Business as usual with the observed public investment rate (piecewise linear between years)."""
    years = np.arange(start, end + 1)
    i_G = panel["i_G"].sel(country=country, year=years).values
    ok = np.isfinite(i_G)
    if ok.sum() < 2:
        raise CalibrationError(f"public investment rate of {country} has fewer than two years in {start}-{end}")
    return Policy(f"{country} {start}-{end} (observed public investment)",
                  "Historical replay: observed public investment rate, other levers at their defaults",
                  i_G=piecewise(years[ok].astype(float), i_G[ok]))

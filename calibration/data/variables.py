"""Names, units and sources of the panel's observables, and the attributes every panel carries."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .files import FILES

_P, _J, _I = FILES["pwt"].path, FILES["jst"].path, FILES["icsd"].path
_G, _R, _F = FILES["gcb"].path, FILES["ncses_rd"].path, FILES["fred_qd"].path

#: Observable -> (long_name, units in the model's vocabulary, source of the real-data panel).
VARIABLES: dict[str, tuple[str, str, str]] = {
    "Y": ("real GDP", "TUSD/year", f"{_P}: rgdpna / 1e6"),
    "g_Y": ("output growth", "1/year", f"{_P}: diff(log(rgdpna))"),
    "i_G": ("public investment rate", "dimensionless", f"{_I}: igov_rppp * 1000 / {_P}: rgdpo (2017 PPP)"),
    "h": ("private investment share of output", "dimensionless", f"{_J}: iy minus i_G"),
    "omega": ("wage share", "dimensionless", f"{_P}: labsh"),
    "lam": ("employment rate", "dimensionless", f"1 - {_J}: unemp / 100 (USA checked against {_F}: UNRATE)"),
    "a": ("labour productivity (per person engaged)", "TUSD/year/Mworker", f"{_P}: rgdpna / 1e6 / emp"),
    "alpha": ("labour productivity growth", "1/year", f"{_P}: diff(log(rgdpna / emp))"),
    "b": ("public debt to output ratio", "year", f"{_J}: debtgdp"),
    "d": ("private (business) debt to output ratio, bank loans", "year", f"{_J}: tbus / gdp"),
    "d_broad": ("business debt to output ratio, broad (not a model observable)", "year", f"{_J}: bdebt / gdp"),
    "E_dom": ("domestic fossil CO2 emissions", "GtCO2/year", f"{_G}: Total / 1000"),
    "e_int": ("emission intensity of output", "GtCO2/TUSD", f"E_dom / Y ({_G}: Total, {_P}: rgdpna)"),
    "rd_federal": ("federally funded R&D share of GDP", "dimensionless",
                   f"{_R}: R&D/GDP (%), by source of funding, Federal / 100 (USA only)"),
    "rd_business": ("business-funded R&D share of GDP", "dimensionless",
                    f"{_R}: R&D/GDP (%), by source of funding, Business / 100 (USA only)"),
    "inflation": ("consumer price inflation", "1/year", f"{_J}: diff(log(cpi))"),
    "r": ("real short-term interest rate (ex post)", "1/year", f"{_J}: stir / 100 - diff(log(cpi))"),
    "g_K": ("private capital growth", "1/year", f"{_P}: diff(log(rnna))"),
    "g_N": ("labour force growth", "1/year", f"{_P}: diff(log(emp)) - diff(log(lam))"),
    "primary_surplus": ("primary surplus share of output", "dimensionless",
                        f"{_J}: (revenue - expenditure) / gdp + ltrate / 100 * debtgdp(-1)"),
}

NAN_TREATMENT = ("gaps are kept as NaN, never filled or interpolated; each variable's n_missing counts them "
                 "and missing_values lists the counts")


def finalise(ds: xr.Dataset, sources: dict[str, str] | None = None) -> xr.Dataset:
    """Order the variables as in :data:`VARIABLES` and set their attributes.

    Each variable gets ``long_name``, ``units``, ``source`` (from ``sources`` if
    given there, else from :data:`VARIABLES`) and ``n_missing``; the dataset
    gets ``nan_treatment`` and ``missing_values``. Attributes already set on a
    variable (notes on corrections) are kept.

    Parameters
    ----------
    ds : xarray.Dataset
        Variables named as in :data:`VARIABLES`, dimensions (``country``, ``year``).
    sources : dict, optional
        Variable name to ``source`` attribute, overriding :data:`VARIABLES`.

    Returns
    -------
    xarray.Dataset
        A new dataset with the attributes set.
    """
    sources = sources or {}
    out = ds[[name for name in VARIABLES if name in ds]]
    counts = []
    for name in out.data_vars:
        long_name, units, source = VARIABLES[name]
        n_missing = int(np.isnan(out[name].values).sum())
        out[name].attrs = {"long_name": long_name, "units": units, "source": sources.get(name, source),
                           **ds[name].attrs, "n_missing": n_missing}
        counts.append(f"{name}={n_missing}")
    out["country"].attrs.update(long_name="country", units="ISO 3166-1 alpha-3")
    out["year"].attrs.update(long_name="calendar year", units="year")
    out.attrs.update(ds.attrs, nan_treatment=NAN_TREATMENT, missing_values=", ".join(counts))
    return out

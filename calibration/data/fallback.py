"""A small US panel from statsmodels' bundled macrodata, for machines without the data directory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from .errors import DataError
from .variables import VARIABLES, finalise

_SOURCE = "statsmodels.datasets.macrodata (public domain; FRED and BLS, accessed 2009-12-15; 1959Q1-2009Q3)"

#: Observables the fallback provides; every other variable of the panel is NaN.
AVAILABLE: dict[str, str] = {
    "Y": "macrodata realgdp / 1000, annual mean of quarters (chained 2005 USD, not 2017)",
    "g_Y": "diff(log(Y))",
    "h": "macrodata realinv / realgdp, annual means (gross private domestic investment, chained 2005 USD)",
    "lam": "1 - macrodata unemp / 100, annual mean of quarters",
    "inflation": "macrodata infl / 100 (annualised quarterly CPI inflation), annual mean",
    "r": "macrodata realint / 100 (ex-post real 3-month T-bill rate), annual mean",
}


def load_fallback_panel(years: tuple[int, int] | None = None) -> xr.Dataset:
    """A USA-only panel from ``statsmodels.datasets.macrodata`` (public domain, 1959-2008).

    For a first try of the calibration on a machine without the data directory;
    not a substitute for :func:`calibration.data.load_panel`.

    Observables with data (see :data:`AVAILABLE`): ``Y`` [TUSD/year, chained
    **2005** USD], ``g_Y`` [1/year], ``h`` [dimensionless], ``lam``
    [dimensionless]. All others (``i_G``, ``omega``, ``a``, ``alpha``, ``b``, ``d``,
    ``d_broad``, ``E_dom``, ``e_int``, ``rd_federal``, ``rd_business``) are NaN:
    macrodata has no public investment (``realgovt`` is federal consumption *and*
    investment), wages, employment levels, debt, emissions or R&D.

    Quarterly data are annualised by the mean of the four quarters; 2009, with
    three quarters, is dropped. ``h`` is a ratio of chained-dollar aggregates
    (not additive, an approximation of the nominal share).

    Parameters
    ----------
    years : tuple of int, optional
        First and last year [calendar year]; default 1960-2008 (1959, the first
        complete year, only serves the growth rate of 1960).

    Returns
    -------
    xarray.Dataset
        Same variables and attributes as the real-data panel, ``country = ["USA"]``;
        global attributes ``observables_available`` and ``observables_nan``.
    """
    from statsmodels.datasets import macrodata

    quarterly = macrodata.load_pandas().data
    quarterly = quarterly.assign(year=quarterly["year"].astype(int))
    counts = quarterly.groupby("year")["quarter"].nunique()
    annual = quarterly[quarterly["year"].isin(counts.index[counts == 4])].groupby("year").mean()
    first, last = (int(annual.index.min()) + 1, int(annual.index.max())) if years is None else years
    if first > last:
        raise DataError(f"years {years}: the first year is after the last")
    annual = annual.reindex(np.arange(first - 1, last + 1))  # one year more for g_Y
    growth = np.log(annual["realgdp"]).diff().iloc[1:]
    annual = annual.iloc[1:]
    grid = annual.index.to_numpy()

    def usa(values: pd.Series | np.ndarray) -> xr.DataArray:
        return xr.DataArray(np.asarray(values, dtype=float)[None, :], dims=("country", "year"),
                            coords={"country": ["USA"], "year": grid})

    v = {name: usa(np.full(grid.size, np.nan)) for name in VARIABLES}
    v["Y"] = usa(annual["realgdp"] / 1e3)
    v["g_Y"] = usa(growth)
    v["h"] = usa(annual["realinv"] / annual["realgdp"])
    v["lam"] = usa(1.0 - annual["unemp"] / 100.0)
    v["inflation"] = usa(annual["infl"] / 100.0)
    v["r"] = usa(annual["realint"] / 100.0)
    ds = xr.Dataset(v)
    sources = {name: f"not available in the fallback ({_SOURCE})" for name in VARIABLES}
    sources.update({name: f"{how}; {_SOURCE}" for name, how in AVAILABLE.items()})
    ds["Y"].attrs["price_base"] = "chained 2005 USD (the real-data panel uses 2017 USD)"
    ds.attrs.update(
        title="Fallback panel of directed-growth model observables (statsmodels macrodata, USA)",
        countries="USA", years=f"{first}-{last}", source=_SOURCE, licence="public domain",
        observables_available=" ".join(AVAILABLE),
        observables_nan=" ".join(name for name in VARIABLES if name not in AVAILABLE),
        annualisation="mean of the four quarters; years with fewer than four quarters dropped",
    )
    return finalise(ds, sources)

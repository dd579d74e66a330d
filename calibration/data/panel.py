"""The harmonised panel of model observables from real US and UK data."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from .checks import check_range
from .co2 import load_gcb
from .errors import DataError
from .files import FILES, data_dir as resolve_data_dir
from .fred import load_fred
from .icsd import load_icsd
from .jst import load_jst
from .pwt import load_pwt
from .rd import load_ncses_rd, rd_gdp_shares
from .variables import finalise

#: Largest gap [percentage points] between JST ``unemp`` and the FRED-QD UNRATE
#: annual mean accepted for the USA; beyond it the BLS figure is used (JST R6 has
#: 2.00 % for 2019, BLS 3.67 %). Ordinary gaps are below 0.1 pp (rounding).
UNEMP_TOLERANCE_PP = 0.5

_NOTES = {
    "h": "total gross capital formation at current national prices (JST iy, incl. public investment and "
         "inventories) minus i_G. Chosen over PWT csh_i, which is at current PPPs and overstates the "
         "national-accounts investment share (e.g. GBR 1960s). i_G is a ratio at constant 2017 PPP, so the "
         "subtraction mixes price bases: the error is i_G times the drift in the relative price of public "
         "investment, a fraction of a percentage point",
    "i_G": "general-government GFCF over output-side real GDP, both constant 2017 PPP. FRED GCEC1 is not used: "
           "it is government consumption and gross investment",
    "d": "bank loans to business (JST tbus), defined alike for USA and GBR; excludes corporate bonds, so it "
         "understates total business debt. JST bdebt (d_broad) is broad for the US (Fed Financial Accounts "
         "loans + bonds + miscellaneous liabilities, about 1.4 years of GDP in 2020) and not comparable",
    "b": "JST debtgdp: public debt / GDP, a stock over an annual flow (hence years of output)",
    "g_Y": "log difference; the first year uses the year before the panel",
    "alpha": "log difference of output per person engaged (the model's a is output per worker)",
    "inflation": "consumer prices (JST cpi), log difference; the GDP deflator is not in the shared data",
    "r": "nominal short rate minus realised CPI inflation of the same year (ex-post real rate)",
    "g_N": "labour force = persons engaged (PWT emp) / employment rate; log difference (missing in the first "
           "year: the employment rate of the year before is not read)",
    "primary_surplus": "(revenue - expenditure) / GDP plus interest approximated as the long rate times last "
                       "year's debt ratio (JST has no interest-payments series): Bohn's (1998) primary surplus",
}


def _grid(frame: pd.DataFrame, column: str, countries: list[str], years: np.ndarray) -> xr.DataArray:
    """One column of a tidy (iso, year) frame on the (country, year) grid, NaN where absent."""
    series = frame.set_index(["iso", "year"])[column].astype(float)
    index = pd.MultiIndex.from_product([countries, years], names=["country", "year"])
    values = series.reindex(index).to_numpy(dtype=float).reshape(len(countries), len(years))
    return xr.DataArray(values, coords={"country": countries, "year": years}, dims=("country", "year"))


def _employment_rate(unemp: xr.DataArray, fred: pd.DataFrame | None) -> tuple[xr.DataArray, dict[str, str]]:
    """1 - unemp/100, with the USA cross-checked against FRED-QD UNRATE (annual mean)."""
    attrs: dict[str, str] = {}
    if fred is not None and "USA" in unemp["country"].values:
        jst_us = unemp.sel(country="USA")
        bls = xr.DataArray(fred["UNRATE"].reindex(unemp["year"].values).to_numpy(), coords=jst_us.coords)
        gap = jst_us - bls
        bad = np.abs(gap) > UNEMP_TOLERANCE_PP
        fixes = [f"USA {int(y)}: JST unemp {jst_us.sel(year=y).item():.2f} % vs FRED-QD UNRATE "
                 f"{bls.sel(year=y).item():.2f} %, FRED used" for y in unemp["year"].values[bad.values]]
        unemp = unemp.copy()
        unemp.loc[{"country": "USA"}] = xr.where(bad, bls, jst_us)
        checked = unemp["year"].values[np.isfinite(gap.values)]
        span = f"{checked.min()}-{checked.max()}" if checked.size else "no years"
        attrs["cross_check"] = (f"USA {span}: JST unemp vs FRED-QD UNRATE annual mean; "
                                f"gaps above {UNEMP_TOLERANCE_PP} pp replaced by FRED")
        attrs["corrections"] = "; ".join(fixes) or "none"
    return 1.0 - unemp / 100.0, attrs


def load_panel(data_dir: str | os.PathLike[str] | None = None, countries: Sequence[str] = ("USA", "GBR"),
               years: tuple[int, int] = (1960, 2019), *, include_preliminary: bool = False,
               verify: bool = True) -> xr.Dataset:
    """Build the (country, year) panel of the model's observables.

    Variables, units and sources are those of
    :data:`calibration.data.variables.VARIABLES`: ``Y`` [TUSD/year], ``g_Y`` and
    ``alpha`` [1/year], ``i_G``, ``h``, ``omega``, ``lam``, ``rd_federal``,
    ``rd_business`` [dimensionless], ``a`` [TUSD/year/Mworker], ``b``, ``d``,
    ``d_broad`` [year], ``E_dom`` [GtCO2/year], ``e_int`` [GtCO2/TUSD]; and the
    inputs of the block-wise estimators: ``inflation``, ``r`` (real short rate),
    ``g_K``, ``g_N`` [1/year] and ``primary_surplus`` [dimensionless].

    Data problems handled: PWT's imputed (constant) ``labsh`` is NaN in ``omega``;
    GCB preliminary years (2020-2021) are NaN in ``E_dom`` and ``e_int`` unless
    ``include_preliminary``; the US unemployment rate is cross-checked with FRED-QD
    (see :data:`UNEMP_TOLERANCE_PP`); R&D shares are NaN outside the USA. Gaps stay
    NaN and are counted in the attributes; nothing is interpolated.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory (default: ``DGM_DATA_DIR``).
    countries : sequence of str
        ISO 3166-1 alpha-3 codes among the 18 JST countries.
    years : tuple of int
        First and last year [calendar year], inclusive.
    include_preliminary : bool
        Keep GCB's preliminary emission years.
    verify : bool
        Check the sha256 of every file read.

    Returns
    -------
    xarray.Dataset
        Dimensions (``country``, ``year``); variable attributes ``long_name``,
        ``units``, ``source``, ``n_missing`` (and notes); global attributes give the
        vintage of each file, the licences, countries and years.

    Raises
    ------
    DataError
        If the directory or a file is missing or altered, a country is not covered,
        or a derived ratio is implausible (a unit error in one of the files).
    """
    countries = [countries] if isinstance(countries, str) else list(countries)
    first, last = (int(y) for y in years)
    if first > last:
        raise DataError(f"years {years}: the first year is after the last")
    root = resolve_data_dir(data_dir)
    grid = np.arange(first - 1, last + 1)  # one year more for the growth rates

    pwt = load_pwt(root, countries=countries, verify=verify)
    jst = load_jst(root, countries=countries, verify=verify)
    icsd = load_icsd(root, countries=countries, verify=verify)
    gcb = load_gcb(root, countries=countries, verify=verify)
    used = ["pwt", "jst", "icsd", "gcb"]
    if "USA" in countries:  # US-only sources
        used += ["fred_qd", "ncses_rd"]
        rd = rd_gdp_shares(load_ncses_rd(root, verify=verify)).rename_axis("year").reset_index().assign(iso="USA")
        fred = load_fred(root, verify=verify)
    else:
        rd, fred = pd.DataFrame({"iso": [], "year": [], "federal": [], "business": []}), None

    def col(frame: pd.DataFrame, column: str) -> xr.DataArray:
        return _grid(frame, column, countries, grid)

    v: dict[str, xr.DataArray] = {}
    v["Y"] = col(pwt, "rgdpna") / 1e6
    v["g_Y"] = np.log(v["Y"]).diff("year")
    v["i_G"] = col(icsd, "igov_rppp") * 1e3 / col(pwt, "rgdpo")
    v["h"] = col(jst, "iy") - v["i_G"]
    v["omega"] = col(pwt, "labsh")
    v["lam"], lam_attrs = _employment_rate(col(jst, "unemp").sel(year=slice(first, last)), fred)
    v["a"] = v["Y"] / col(pwt, "emp")
    v["alpha"] = np.log(v["a"]).diff("year")
    v["b"] = col(jst, "debtgdp")
    v["d"] = col(jst, "tbus") / col(jst, "gdp")
    v["d_broad"] = col(jst, "bdebt") / col(jst, "gdp")
    emissions = col(gcb, "total") / 1e3
    if not include_preliminary:
        emissions = emissions.where(col(gcb, "preliminary") != 1.0)
    v["E_dom"] = emissions
    v["e_int"] = v["E_dom"] / v["Y"]
    v["rd_federal"] = col(rd, "federal")
    v["rd_business"] = col(rd, "business")
    # inputs of the block-wise estimators
    v["inflation"] = np.log(col(jst, "cpi")).diff("year")
    v["r"] = col(jst, "stir") / 100.0 - v["inflation"]
    v["g_K"] = np.log(col(pwt, "rnna")).diff("year")
    emp = col(pwt, "emp")
    v["g_N"] = np.log(emp).diff("year") - np.log(v["lam"]).diff("year")
    debt_lag = col(jst, "debtgdp").shift(year=1)
    v["primary_surplus"] = ((col(jst, "revenue") - col(jst, "expenditure")) / col(jst, "gdp")
                            + col(jst, "ltrate") / 100.0 * debt_lag)

    ds = xr.Dataset(v).sel(year=slice(first, last))
    _check_derived(ds)
    for name, note in _NOTES.items():
        ds[name].attrs["note"] = note
    ds["Y"].attrs["price_base"] = "constant 2017 national prices, USD"
    ds["omega"].attrs["imputed_set_to_nan"] = pwt.attrs["labsh_imputed"] or "none"
    ds["lam"].attrs.update(lam_attrs)
    prelim = gcb.attrs["preliminary"]
    for name in ("E_dom", "e_int"):
        ds[name].attrs["preliminary"] = (f"GCB {prelim} preliminary: "
                                         + ("kept" if include_preliminary else "set to NaN"))
    ds.attrs.update(
        title="Harmonised panel of directed-growth model observables (real data)",
        countries=" ".join(countries), years=f"{first}-{last}", data_dir=str(root),
        **{f"vintage_{key}": FILES[key].vintage for key in used},
        licences="; ".join(f"{FILES[key].path}: {FILES[key].licence}" for key in used),
    )
    return finalise(ds)


def _check_derived(ds: xr.Dataset) -> None:
    """Ratios across files catch a level in the wrong unit (thousands vs millions, Mt vs Gt)."""
    both = f"{FILES['icsd'].path} and {FILES['pwt'].path}"
    check_range(ds["i_G"], 0.0, 0.25, what="public investment rate i_G [dimensionless]", file=both,
                hint="igov_rppp should be in billions and rgdpo in millions of 2017 int-$")
    check_range(ds["h"], 0.0, 0.6, what="private investment share h [dimensionless]",
                file=f"{FILES['jst'].path} and {both}", hint="iy should be a fraction of GDP")
    check_range(ds["e_int"], 0.01, 5.0, what="emission intensity e_int [GtCO2/TUSD]",
                file=f"{FILES['gcb'].path} and {FILES['pwt'].path}",
                hint="GCB Total should be in MtCO2/yr and PWT rgdpna in million USD/yr")
    check_range(ds["a"], 1e-3, 1.0, what="labour productivity a [TUSD/year/Mworker]", file=FILES["pwt"].path,
                hint="emp should be in millions of persons")
    check_range(ds["lam"], 0.5, 1.0, what="employment rate lam [dimensionless]", file=FILES["jst"].path,
                hint="unemp should be in percent")

"""Country start states: the directed-growth model's start-year values for the USA and the UK, from the data.

:func:`start_panel` gathers every series a start state uses on one (country, year) grid (through the loaders
of :mod:`calibration.data`, which check each file's sha256 and units); :func:`start_state` carries each
series from its last data year to the start year by a stated rule and records, per field, the value, its
unit, the series, the files with their sha256, the last data year, the bridging rule, the 2019 value and
the alternatives considered. :mod:`calibration.start_state_file` writes the result as the TOML files the
model package ships (``model/directed_growth/countries/<code>.toml``, read by
:func:`model.directed_growth.countries.country_start`).

Money is in TUSD of 2017 PPP (PWT ``rgdpo``'s unit, the same unit for both countries: the UK run is a
UK-sized economy). Bridging rules (``TREND`` = 2010-2019):

* US output, labour force and unemployment: FRED-QD annual means up to 2024, then one year at the series'
  own 2010-2019 trend;
* other levels (and every UK level): the last data year grown at the series' own 2010-2019 trend (average
  log growth, ``ln(x_2019 / x_2010) / 9``);
* ratios: held at their last pre-pandemic value (2019), except public debt, carried from 2020 (the 2020
  rise persisted in FRED-QD's US federal debt ratio; the US value moved with that ratio to 2023).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from model.directed_growth.countries import COUNTRIES
from model.errors import CalibrationError

from .data import FILES, load_fred, load_icsd, load_jst, load_panel, load_pwt
from .data.files import data_dir as resolve_data_dir

__all__ = ["COUNTRIES", "FIELDS", "NAMES", "TREND", "start_panel", "start_state"]

NAMES = {"USA": "United States", "GBR": "United Kingdom"}

#: window of every trend growth rate and of the historical rates alpha0, g_Y_hist, g_N_hist [calendar years]
TREND = (2010, 2019)
#: the longer window reported as an alternative for the historical growth rates [calendar years]
LONG = (2000, 2019)
#: last pre-pandemic year: base of every series that ends in 2019 (PWT, ICSD) and of the held ratios
BASE = 2019
#: the start year may not precede the last data year of any series (FRED-QD: 2024)
FIRST_START = 2024

#: field -> (unit, description), in the order of the files
FIELDS: dict[str, tuple[str, str]] = {
    "Y": ("TUSD/year", "output: real GDP, output side, TUSD of 2017 PPP"),
    "N": ("Mworker", "labour force, millions of persons"),
    "lam": ("dimensionless", "employment rate, 1 - unemployment rate"),
    "omega": ("dimensionless", "wage share: labour compensation / GDP"),
    "K_priv_Y": ("year", "private fixed capital (incl. residential) / output"),
    "K_G_Y": ("year", "public capital / output"),
    "delta": ("1/year", "depreciation rate of the capital stock"),
    "i_G": ("dimensionless", "public investment / output"),
    "g_C": ("dimensionless", "government consumption / output"),
    "h": ("dimensionless", "private investment / output"),
    "b": ("year", "general government debt / output"),
    "l_F": ("year", "firm debt / output"),
    "l_H": ("year", "household debt (bank loans) / output"),
    "E_dom": ("GtCO2/year", "territorial fossil CO2 emissions"),
    "alpha0": ("1/year", "labour productivity growth, 2010-2019 trend"),
    "g_Y_hist": ("1/year", "output growth, 2010-2019 trend"),
    "g_N_hist": ("1/year", "labour force growth, 2010-2019 trend"),
    "infl": ("1/year", "price inflation, log change of the price index: the start's inflation datum"),
    "n_path": ("1/year", "labour-force growth schedule to 2100"),
}

#: US labour force growth 2020-2050, CBO Long-Term Budget Outlook 2020 (economics.md 11.12, [V])
CBO_LF_GROWTH = 0.003
CBO_SOURCE = ("CBO Long-Term Budget Outlook 2020: potential labour force +0.3 %/yr over 2020-2050 "
              "(economics.md 11.12, tagged [V])")
#: year by which the labour-force growth of every schedule has faded to zero (modelling assumption)
FADE_END = 2100



# ----------------------------------------------------------------------------------------------- panel

def _frame_grid(frame: pd.DataFrame, column: str, countries: Sequence[str], years: np.ndarray) -> xr.DataArray:
    """One column of a tidy (iso, year) frame on the (country, year) grid, NaN where absent."""
    wide = frame.pivot(index="iso", columns="year", values=column).astype(float)
    values = wide.reindex(index=list(countries), columns=years).to_numpy()
    return xr.DataArray(values, coords={"country": list(countries), "year": years}, dims=("country", "year"))


def _us_only(series: pd.Series, countries: Sequence[str], years: np.ndarray) -> xr.DataArray:
    """A US annual series (indexed by year) on the grid; NaN for every other country."""
    out = xr.DataArray(np.full((len(countries), years.size), np.nan),
                       coords={"country": list(countries), "year": years}, dims=("country", "year"))
    if "USA" in countries:
        out.loc[{"country": "USA"}] = series.reindex(years).to_numpy(dtype=float)
    return out


#: variable -> (units, files, series) of :func:`start_panel`
_PANEL = {
    "Y_ppp": ("TUSD/year", ("pwt",), "PWT rgdpo / 1e6 (output-side real GDP, chained 2017 PPPs)"),
    "Y_na": ("TUSD/year", ("pwt",), "PWT rgdpna / 1e6 (real GDP, constant 2017 national prices)"),
    "emp": ("Mworker", ("pwt",), "PWT emp (persons engaged)"),
    "K_Y": ("year", ("pwt",), "PWT rnna / rgdpna (whole capital stock incl. public and residential)"),
    "K_G_Y": ("year", ("icsd", "pwt"), "ICSD kgov_rppp * 1000 / PWT rgdpo (2017 PPP)"),
    "delta": ("1/year", ("pwt",), "PWT delta (average depreciation rate of the capital stock)"),
    "g_C": ("dimensionless", ("pwt",), "PWT csh_g (government consumption share of GDP at current PPPs)"),
    "lam": ("dimensionless", ("jst", "fred_qd"), "1 - JST unemp / 100 (USA checked against FRED-QD UNRATE)"),
    "N": ("Mworker", ("pwt", "jst", "fred_qd"), "PWT emp / lam (persons engaged over the employment rate)"),
    "omega": ("dimensionless", ("pwt",), "PWT labsh (labour compensation share of GDP, current national prices)"),
    "i_G": ("dimensionless", ("icsd", "pwt"), "ICSD igov_rppp * 1000 / PWT rgdpo (2017 PPP)"),
    "h": ("dimensionless", ("jst", "icsd", "pwt"), "JST iy minus i_G"),
    "b": ("year", ("jst",), "JST debtgdp (general government debt / GDP)"),
    "l_F": ("year", ("jst",), "JST bdebt / gdp (business debt, broad)"),
    "l_F_bank": ("year", ("jst",), "JST tbus / gdp (bank loans to business)"),
    "l_H": ("year", ("jst",), "JST thh / gdp (bank loans to households)"),
    "E_dom": ("GtCO2/year", ("gcb",), "GCB Total / 1000 (territorial fossil CO2; 2020-2021 preliminary)"),
    "us_gdp": ("billion chained 2017 USD/year", ("fred_qd",), "FRED-QD GDPC1, annual mean"),
    "us_gce": ("billion chained 2017 USD/year", ("fred_qd",),
               "FRED-QD GCEC1 (government consumption and gross investment), annual mean"),
    "us_lf": ("Mworker", ("fred_qd",), "FRED-QD CE16OV / (1 - UNRATE / 100) / 1000 (civilian labour force), "
                                       "annual means"),
    "us_lam": ("dimensionless", ("fred_qd",), "1 - FRED-QD UNRATE / 100, annual mean"),
    "us_debt": ("year", ("fred_qd",), "FRED-QD GFDEGDQ188S / 100 (federal debt incl. intragovernmental, Q4)"),
    "infl_cpi": ("1/year", ("jst",), "JST cpi, log change (consumer prices)"),
    "us_infl": ("1/year", ("fred_qd",), "FRED-QD GDPCTPI, log change of annual means (GDP price index)"),
}


def start_panel(data_dir: str | os.PathLike[str] | None = None, *, verify: bool = True) -> xr.Dataset:
    """Every series a start state uses, on one (country, year) grid: :data:`COUNTRIES` x 1960-2024.

    The model observables come from :func:`calibration.data.load_panel` (1960-2021, GCB's preliminary
    years kept); the levels and ratios the panel does not hold from the loaders of the same files.
    Variables prefixed ``us_`` are FRED-QD series (NaN outside the USA). Both countries are always
    read: the UK's rules cite US evidence (the persistence of the 2020 debt rise, the return to trend).

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory (default: ``DGM_DATA_DIR``, else ``../shared/data`` beside the checkout).
    verify : bool
        Check the sha256 of every file read.

    Returns
    -------
    xarray.Dataset
        Dimensions (``country``, ``year``); each variable has ``units``, ``files`` (keys of
        :data:`calibration.data.FILES`) and ``series`` attributes.

    Raises
    ------
    calibration.data.DataError
        A file is missing, altered or in unexpected units.
    """
    countries = list(COUNTRIES)
    root = resolve_data_dir(data_dir)
    years = np.arange(1960, FIRST_START + 1)
    base = load_panel(root, countries, years=(1960, 2021), include_preliminary=True, verify=verify)
    base = base.reindex(year=years)
    pwt = load_pwt(root, countries=countries, verify=verify)
    icsd = load_icsd(root, countries=countries, verify=verify)
    jst = load_jst(root, countries=countries, verify=verify)

    def col(frame: pd.DataFrame, column: str) -> xr.DataArray:
        return _frame_grid(frame, column, countries, years)

    v = {"Y_ppp": col(pwt, "rgdpo") / 1e6, "Y_na": base["Y"], "emp": col(pwt, "emp"),
         "K_Y": col(pwt, "rnna") / col(pwt, "rgdpna"),
         "K_G_Y": col(icsd, "kgov_rppp") * 1e3 / col(pwt, "rgdpo"),
         "delta": col(pwt, "delta"), "g_C": col(pwt, "csh_g"), "lam": base["lam"]}
    v["N"] = v["emp"] / v["lam"]
    v.update({name: base[name] for name in ("omega", "i_G", "h", "b", "E_dom")})
    v["l_F"], v["l_F_bank"] = base["d_broad"], base["d"]
    v["l_H"] = col(jst, "thh") / col(jst, "gdp")
    cpi = np.log(col(jst, "cpi"))
    v["infl_cpi"] = cpi - cpi.shift(year=1)
    fred = load_fred(root, verify=verify)
    v["us_gdp"] = _us_only(fred["GDPC1"], countries, years)
    v["us_gce"] = _us_only(fred["GCEC1"], countries, years)
    v["us_lf"] = _us_only(fred["CE16OV"] / (1.0 - fred["UNRATE"] / 100.0) / 1e3, countries, years)
    v["us_lam"] = _us_only(1.0 - fred["UNRATE"] / 100.0, countries, years)
    v["us_debt"] = _us_only(fred["GFDEGDQ188S"] / 100.0, countries, years)
    v["us_infl"] = _us_only(np.log(fred["GDPCTPI"]).diff(), countries, years)
    ds = xr.Dataset({name: da.drop_vars([c for c in da.coords if c not in ("country", "year")])
                     for name, da in v.items()})
    for name, (units, files, series) in _PANEL.items():
        ds[name].attrs = {"units": units, "files": list(files), "series": series}
    ds.attrs.update(title="Start-state panel of the directed-growth model (real data)",
                    countries=" ".join(countries), data_dir=str(root),
                    imputed_labour_share=base["omega"].attrs.get("imputed_set_to_nan", ""))
    return ds


# ----------------------------------------------------------------------------------------------- rules

def _at(da: xr.DataArray, year: int) -> float:
    return float(da.sel(year=year))


def _last_year(da: xr.DataArray) -> int:
    years = da["year"].values[np.isfinite(da.values)]
    if not years.size:
        raise CalibrationError(f"{da.attrs.get('series', da.name)}: no data")
    return int(years.max())


def _trend(da: xr.DataArray, window: tuple[int, int] = TREND) -> float:
    """Average log growth rate [1/year] over ``window``: ln(x_last / x_first) / (last - first)."""
    first, last = window
    rate = np.log(_at(da, last) / _at(da, first)) / (last - first)
    if not np.isfinite(rate):
        raise CalibrationError(f"{da.attrs.get('series', da.name)}: no {first}-{last} trend (missing data)")
    return float(rate)


def _series(da: xr.DataArray, series: str, *files: str) -> xr.DataArray:
    """``da`` with the provenance attributes of a derived series."""
    out = da.copy()
    out.attrs = {"series": series, "files": list(dict.fromkeys(files))}
    return out


def _field(name: str, value: float, source: xr.DataArray, rule: str, *, base_year: int, base_value: float,
           last_data_year: int, value_2019: float | None = None, trend: float | None = None,
           alternatives: dict[str, float] | None = None, note: str = "") -> dict:
    """One field's table: value and provenance (``source`` carries the series and file attributes)."""
    unit, description = FIELDS[name]
    keys = list(dict.fromkeys(source.attrs["files"]))
    out: dict = {"value": float(value), "unit": unit, "description": description, "series": source.attrs["series"],
                 "files": [FILES[k].path for k in keys], "sha256": [FILES[k].sha256 for k in keys],
                 "last_data_year": int(last_data_year), "base_year": int(base_year), "base_value": float(base_value),
                 "rule": rule}
    if value_2019 is not None:
        out["value_2019"] = float(value_2019)
    if trend is not None:
        out["trend"] = float(trend)
    if alternatives:
        out["alternatives"] = {k: float(x) for k, x in alternatives.items()}
    if note:
        out["note"] = note
    return out


def _held(da: xr.DataArray, field: str, *, why: str = "", alternatives: dict[str, float] | None = None,
          note: str = "") -> dict:
    """A ratio held at its 2019 value (the last pre-pandemic year)."""
    value = _at(da, BASE)
    last = _last_year(da)
    rule = f"held at its {BASE} value"
    if last > BASE:
        rule += f", not at {last}'s ({_at(da, last):.4g}, the pandemic year)" + (f": {why}" if why else "")
    return _field(field, value, da, rule, base_year=BASE, base_value=value, last_data_year=last,
                  value_2019=value, alternatives=alternatives, note=note)


def _grown(da: xr.DataArray, field: str, year: int, *, trend_of: xr.DataArray | None = None, why: str = "",
           note: str = "") -> dict:
    """A level carried from its last data year to ``year`` at the 2010-2019 trend of ``trend_of`` (else its own)."""
    last = _last_year(da)
    rate = _trend(da if trend_of is None else trend_of)
    base_value = _at(da, last)
    whose = "its own" if trend_of is None else f"{trend_of.attrs['series']}'s"
    rule = (f"{last} value grown to {year} at {whose} {TREND[0]}-{TREND[1]} trend ({rate:+.3%}/yr, average log "
            f"growth){why}")
    source = da if trend_of is None else _series(da, f"{da.attrs['series']}; trend: {trend_of.attrs['series']}",
                                                 *da.attrs["files"], *trend_of.attrs["files"])
    value_2019 = _at(da, BASE)
    return _field(field, base_value * np.exp(rate * (year - last)), source, rule, base_year=last,
                  base_value=base_value, last_data_year=last,
                  value_2019=value_2019 if np.isfinite(value_2019) else None, trend=rate, note=note)


def _via_fred(level: xr.DataArray, fred: xr.DataArray, field: str, year: int, *, note: str = "") -> dict:
    """A US level: its 2019 value moved to FRED-QD's last year with the FRED series, then trend years."""
    last = _last_year(fred)
    ratio = _at(fred, last) / _at(fred, BASE)
    rate = _trend(fred)
    base_value = _at(level, BASE) * ratio
    name = fred.attrs["series"].split(",")[0]
    rule = (f"the {BASE} level moved to {last} with {name} (x{ratio:.4f}), then {year - last} year(s) at the "
            f"FRED series' {TREND[0]}-{TREND[1]} trend ({rate:+.3%}/yr, average log growth)")
    source = _series(level, f"{level.attrs['series']}; {fred.attrs['series']}", *level.attrs["files"],
                     *fred.attrs["files"])
    return _field(field, base_value * np.exp(rate * (year - last)), source, rule, base_year=last,
                  base_value=base_value, last_data_year=last, value_2019=_at(level, BASE), trend=rate, note=note)


def _from_fred(fred: xr.DataArray, field: str, year: int, *, level: bool, value_2019: float, note: str = "") -> dict:
    """A US FRED-QD series itself: its last value, grown one trend year (a level) or held (a ratio)."""
    last = _last_year(fred)
    base_value = _at(fred, last)
    if level:
        rate = _trend(fred)
        value = base_value * np.exp(rate * (year - last))
        rule = (f"FRED-QD {last} value, then {year - last} year(s) at its own {TREND[0]}-{TREND[1]} trend "
                f"({rate:+.3%}/yr, average log growth)")
    else:
        rate, value, rule = None, base_value, f"FRED-QD {last} value, held"
    return _field(field, value, fred, rule, base_year=last, base_value=base_value, last_data_year=last,
                  value_2019=value_2019, trend=rate, note=note)


def _rate(field: str, da: xr.DataArray, what: str) -> dict:
    """A historical growth rate: the 2010-2019 trend, with the 2000-2019 one as the alternative."""
    rate = _trend(da)
    rule = (f"average log growth of {what}, {TREND[0]}-{TREND[1]}: ln(x_{TREND[1]} / x_{TREND[0]}) / "
            f"{TREND[1] - TREND[0]} (the post-2008 decade, the window of every bridging trend)")
    return _field(field, rate, da, rule, base_year=TREND[1], base_value=rate, last_data_year=TREND[1],
                  alternatives={f"trend_{LONG[0]}_{LONG[1]}": _trend(da, LONG)})


def _trend_gap(us_gdp: xr.DataArray) -> tuple[int, float]:
    """FRED-QD's last year and US real GDP then relative to its 2010-2019 trend extended."""
    last = _last_year(us_gdp)
    return last, float(_at(us_gdp, last) / (_at(us_gdp, BASE) * np.exp(_trend(us_gdp) * (last - BASE))) - 1.0)


# ----------------------------------------------------------------------------------------------- fields

def _output(p: xr.Dataset, us: xr.Dataset, code: str, year: int) -> dict:
    last, gap = _trend_gap(us["us_gdp"])
    back = f"US GDPC1 in {last} stood {gap:+.1%} from its {TREND[0]}-{TREND[1]} trend extended"
    if code == "USA":
        return _via_fred(p["Y_ppp"], p["us_gdp"], "Y", year,
                         note=f"2017 PPP level (PWT rgdpo) moved with national-accounts volume growth; {back}")
    evidence = _series(p["Y_na"], p["Y_na"].attrs["series"], *p["Y_na"].attrs["files"], "fred_qd")
    return _grown(p["Y_ppp"], "Y", year, trend_of=evidence,
                  why=("; the trend of rgdpna (national-accounts volume growth), not rgdpo's, whose growth mixes in "
                       "changes of relative prices across countries"),
                  note=(f"no UK output after {BASE} in the data: assumes the UK back on its pre-2020 trend by {year} "
                        f"({back}); if it is not, Y is overstated"))


def _labour(p: xr.Dataset, code: str, year: int) -> dict[str, dict]:
    out = {}
    if code == "USA":
        lf = p["us_lf"]
        out["N"] = _from_fred(lf, "N", year, level=True, value_2019=_at(lf, BASE),
                              note=("household-survey civilian labour force (the UK's is PWT persons engaged over "
                                    "the employment rate: the definitions differ)"))
        out["lam"] = _from_fred(p["us_lam"], "lam", year, level=False, value_2019=_at(p["lam"], BASE),
                                note=f"{BASE} value: JST unemp replaced by FRED-QD UNRATE (JST R6 has 2.0 % for "
                                     "2019, BLS 3.67 %)")
    else:
        lf = p["N"]
        out["N"] = _grown(lf, "N", year,
                          note="derived: persons engaged (PWT emp) over the employment rate (1 - JST unemp / 100)")
        out["lam"] = _held(p["lam"], "lam", why="the labour force (PWT emp) ends in 2019")
    out["g_N_hist"] = _rate("g_N_hist", lf, "the labour force")
    out["n_path"] = _n_path(code, out["g_N_hist"]["value"])
    return out


def _n_path(code: str, g_N: float) -> dict:
    """Labour-force growth schedule: (year, rate) points, linear in between, held outside."""
    unit, description = FIELDS["n_path"]
    if code == "USA":
        points = [[2025, CBO_LF_GROWTH], [2050, CBO_LF_GROWTH], [FADE_END, 0.0]]
        low = [[2025, CBO_LF_GROWTH - 0.001], [2050, CBO_LF_GROWTH - 0.001], [FADE_END, -0.005]]
        high = [[2025, CBO_LF_GROWTH + 0.001], [2050, CBO_LF_GROWTH + 0.001], [FADE_END, CBO_LF_GROWTH + 0.001]]
        source = CBO_SOURCE
        rule = (f"2025-2050: CBO's +{CBO_LF_GROWTH:.1%}/yr; after 2050 (no projection in the data: modelling "
                f"assumption) fading linearly to 0 by {FADE_END}")
        prior = ("modelling assumption: +-0.1 pp around CBO to 2050 (CBO's 2024 outlook gives about +0.4 %/yr, "
                 "economics.md 11.12 [R]); in 2100 from -0.5 %/yr (a shrinking labour force) to the CBO rate "
                 "+ 0.1 pp held")
    else:
        points = [[2025, g_N], [FADE_END, 0.0]]
        low = [[2025, 0.0], [FADE_END, -0.005]]
        high = [[2025, g_N], [FADE_END, g_N]]
        source = "no UK labour-force projection in the data (ONS/OBR and UN WPP are not available locally)"
        rule = (f"modelling assumption: the {TREND[0]}-{TREND[1]} trend of the UK labour force ({g_N:+.3%}/yr, "
                f"g_N_hist) in 2025, fading linearly to 0 by {FADE_END}")
        prior = ("modelling assumption: from no growth in 2025 falling to -0.5 %/yr in 2100 (low) to the "
                 f"{TREND[0]}-{TREND[1]} trend held to 2100 (high)")
    return {"unit": unit, "description": description, "points": points, "low": low, "high": high,
            "interpolation": "linear in time between points, held before the first and after the last",
            "rule": rule, "source": source, "prior": prior}


def _debt(p: xr.Dataset, us: xr.Dataset, code: str) -> dict:
    b, fed = p["b"], us["us_debt"]
    last, fed_last = _last_year(b), _last_year(fed)
    base_value = _at(b, last)
    why = (f"the {last} (pandemic) value, not {BASE}'s: the rise of {last} persisted. FRED-QD's US federal debt "
           f"ratio (GFDEGDQ188S, Q4) was {_at(fed, BASE):.3f} in {BASE}, {_at(fed, last):.3f} in {last} and "
           f"{_at(fed, fed_last):.3f} in {fed_last}")
    if code == "USA":
        ratio = _at(fed, fed_last) / _at(fed, last)
        value = base_value * ratio
        rule = (f"{why}. JST {last} moved to {fed_last} with that ratio (x{ratio:.4f}, Q4 {last} to Q4 {fed_last}, "
                f"the last complete Q4), then held")
        source = _series(b, f"{b.attrs['series']}; {fed.attrs['series']}", *b.attrs["files"], *fed.attrs["files"])
        data_year = fed_last
    else:
        value, data_year = base_value, last
        rule = f"{why}. Held: no UK debt series after {last} in the data"
        source = _series(b, b.attrs["series"], *b.attrs["files"], *fed.attrs["files"])
    return _field("b", value, source, rule, base_year=last, base_value=base_value, last_data_year=data_year,
                  value_2019=_at(b, BASE), alternatives={f"held_{BASE}": _at(b, BASE)},
                  note=("general government gross debt (JST), not debt held by the public (CBO: 99 % of GDP at "
                        "end-2024, economics.md 11.12)"))


def _inflation(p: xr.Dataset, code: str) -> dict:
    """The start's inflation datum: the US GDP price index's last year (FRED-QD), held; the UK's consumer prices
    (JST, the one UK price index in the data) held at 2019, not 2020's pandemic value (the ratios' rule)."""
    cpi = p["infl_cpi"]
    cpi_last = _last_year(cpi)
    if code == "USA":
        us = p["us_infl"]
        last = _last_year(us)
        value = _at(us, last)
        rule = (f"FRED-QD {last} value, held: ln(P_{last} / P_{last - 1}) of the annual means of the GDP price "
                "index (the model's price is the price of output)")
        source = _series(us, f"{us.attrs['series']}; alternatives: {cpi.attrs['series']}", "fred_qd", "jst")
        return _field("infl", value, source, rule, base_year=last, base_value=value, last_data_year=last,
                      value_2019=_at(us, BASE),
                      alternatives={f"jst_cpi_{BASE}": _at(cpi, BASE), f"jst_cpi_{cpi_last}": _at(cpi, cpi_last)},
                      note=(f"the year after the 2021-2023 surge ({_at(us, 2022):.4f} in 2022, {_at(us, 2023):.4f} "
                            f"in 2023); sets the target mark-up, hence the start's real lower bound of the policy "
                            "rate and the policy rule's neutral inflation"))
    return _held(cpi, "infl",
                 note=("consumer prices (JST cpi), not the output price the model's inflation is: the data hold no "
                       "UK GDP deflator and no UK price index after 2020"))


_NO_PERSISTENCE = ("the pandemic's emergency borrowing and fall of output; no series in the data shows whether "
                   "it persisted")


def start_state(country: str, year: int = 2025, panel: xr.Dataset | None = None, *,
                data_dir: str | os.PathLike[str] | None = None) -> dict:
    """The start-year values of one country, each with its provenance.

    Parameters
    ----------
    country : {"USA", "GBR"}
        ISO 3166-1 alpha-3 code (any case).
    year : int
        Start year [calendar year], at least :data:`FIRST_START` (FRED-QD's last year).
    panel : xarray.Dataset, optional
        As returned by :func:`start_panel` (read from ``data_dir`` if omitted).
    data_dir : str or path-like, optional
        Data directory, when ``panel`` is omitted.

    Returns
    -------
    dict
        ``meta`` (country, name, year, units, trend window, files with their sha256 and vintage) and one
        table per field of :data:`FIELDS`: ``value`` (in ``year``), ``unit``, ``description``, ``series``,
        ``files`` and ``sha256``, ``last_data_year``, ``base_year`` and ``base_value`` (where the bridge
        starts), ``rule``, and where they apply ``value_2019``, ``trend`` [1/year], ``alternatives`` and
        ``note``. ``n_path`` holds ``points``, ``low`` and ``high`` as [year, rate] pairs.

    Raises
    ------
    CalibrationError
        An unknown country, a start year before the data end, or a series without data.
    calibration.data.DataError
        A data file is missing, altered or in unexpected units.
    """
    code = str(country).strip().upper()
    if code not in COUNTRIES:
        raise CalibrationError(f"no start state for country {country!r}; valid: {', '.join(COUNTRIES)}")
    if isinstance(year, bool) or int(year) != year or year < FIRST_START:
        raise CalibrationError(f"start year {year!r}: must be an integer from {FIRST_START} on (FRED-QD ends in "
                               f"{FIRST_START})")
    year = int(year)
    if panel is None:
        panel = start_panel(data_dir)
    p, us = panel.sel(country=code), panel.sel(country="USA")
    if code != "USA":  # FRED-QD checks only the US unemployment rate
        p = p.assign({name: p[name].assign_attrs(files=[k for k in p[name].attrs["files"] if k != "fred_qd"])
                      for name in ("lam", "N")})
    f: dict[str, dict] = {"Y": _output(p, us, code, year), **_labour(p, code, year)}
    omega = p["omega"]
    repeated = _at(omega, BASE) == _at(omega, BASE - 1)
    f["omega"] = _held(omega, "omega", note=(f"PWT's {BASE} labsh repeats its {BASE - 1} value exactly "
                                             f"({_at(omega, BASE):.6f}): probably carried forward by PWT"
                                             if repeated else ""))
    k_priv = _series(p["K_Y"] - p["K_G_Y"], f"{p['K_Y'].attrs['series']} minus {p['K_G_Y'].attrs['series']}",
                     *p["K_Y"].attrs["files"], *p["K_G_Y"].attrs["files"])
    f["K_priv_Y"] = _held(k_priv, "K_priv_Y", alternatives={"total_incl_public": _at(p["K_Y"], BASE)},
                          note=("includes residential capital (dwellings), which PWT does not separate; total "
                                "capital and GDP at constant national prices, public capital and GDP at 2017 PPP"))
    f["K_G_Y"] = _held(p["K_G_Y"], "K_G_Y")
    f["delta"] = _held(p["delta"], "delta",
                       note="PWT's rate for the whole capital stock, incl. public and residential capital")
    f["i_G"] = _held(p["i_G"], "i_G")
    national = {}
    if code == "USA":
        national["us_national_accounts"] = _at(p["us_gce"] / p["us_gdp"], BASE) - _at(p["i_G"], BASE)
    f["g_C"] = _held(p["g_C"], "g_C", alternatives=national,
                     note=("at current PPPs, not national prices: PWT values every country's government "
                           "consumption at common international prices"
                           + ("; alternative us_national_accounts: FRED-QD GCEC1 / GDPC1 (government consumption "
                              "and gross investment, chained 2017 USD) minus i_G" if code == "USA" else "")))
    f["h"] = _held(p["h"], "h", note="JST iy is total gross capital formation, incl. inventories")
    f["b"] = _debt(p, us, code)
    l_F = p["l_F"]
    f["l_F"] = _held(l_F, "l_F", why=_NO_PERSISTENCE,
                     alternatives={"bank_loans": _at(p["l_F_bank"], BASE), f"broad_{_last_year(l_F)}":
                                   _at(l_F, _last_year(l_F))},
                     note=("broad business debt (JST bdebt). The model's firms borrow only from banks and issue no "
                           "bonds, so their debt stands for all their debt, loans and debt securities; bdebt is the "
                           "one series in the data that includes debt securities. For the US it also includes "
                           "other liabilities (Fed Financial Accounts: loans + bonds + miscellaneous liabilities) "
                           "and so overstates loans + securities; the alternative bank_loans (JST tbus / gdp) "
                           "omits corporate bonds and understates it"))
    l_H = p["l_H"]
    f["l_H"] = _held(l_H, "l_H", why=_NO_PERSISTENCE, alternatives={f"held_{_last_year(l_H)}":
                                                                  _at(l_H, _last_year(l_H))},
                     note=("bank loans to households only (JST thh)"
                           + ("; mortgages held by GSEs or securitised are not included" if code == "USA" else "")))
    f["E_dom"] = _grown(p["E_dom"], "E_dom", year, note="GCB 2020-2021 are preliminary")
    productivity = _series(p["Y_na"] / p["emp"], "PWT rgdpna / emp (output per person engaged)", "pwt")
    f["alpha0"] = _rate("alpha0", productivity, "output per person engaged")
    f["g_Y_hist"] = _rate("g_Y_hist", p["Y_na"], "real GDP at constant national prices")
    f["infl"] = _inflation(p, code)
    used = {path for table in f.values() for path in table.get("files", [])}
    files = {e.path: {"sha256": e.sha256, "vintage": e.vintage, "licence": e.licence}
             for e in FILES.values() if e.path in used}
    meta = {"country": code, "name": NAMES[code], "year": year,
            "money": "TUSD of 2017 PPP (PWT rgdpo's unit, the same for both countries)",
            "people": "millions of persons", "trend_window": list(TREND),
            "rules": ("US output, labour force and unemployment: FRED-QD to 2024, then one year at the series' "
                      f"{TREND[0]}-{TREND[1]} trend; other levels: last data year grown at the series' own "
                      f"{TREND[0]}-{TREND[1]} trend; ratios: held at {BASE} (the last pre-pandemic year); public "
                      "debt: from 2020 (see its rule)"),
            "files": files}
    return {"meta": meta, **{name: f[name] for name in FIELDS}}

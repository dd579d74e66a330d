"""National fossil CO2 emissions: Global Carbon Project 2022v27 and OWID (Dec 2020)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

from .checks import check_columns, check_range, select_countries
from .files import FILES, locate

#: First year flagged preliminary in GCB 2022v27 (Friedlingstein et al. 2022: the
#: last years rest on preliminary energy statistics and are revised in later releases).
GCB_PRELIMINARY_FROM = 2020

_GCB_RENAME = {"Country": "country", "ISO 3166-1 alpha-3": "iso", "Year": "year", "Total": "total",
               "Coal": "coal", "Oil": "oil", "Gas": "gas", "Cement": "cement", "Flaring": "flaring",
               "Other": "other", "Per Capita": "per_capita"}

_WORLD_MT = (3.0e3, 1.0e5)  # plausible world fossil CO2 since 1950 [MtCO2/yr]: 6,000 (1950) to 37,000 (2019)


def load_gcb(data_dir: str | os.PathLike[str] | None = None, *, countries: Iterable[str] | None = None,
             include_preliminary: bool = True, verify: bool = True) -> pd.DataFrame:
    """Load GCB 2022v27 territorial fossil CO2 emissions by country (1750-2021).

    Known problem handled here: the 2020-2021 values are preliminary. They are
    flagged in the ``preliminary`` column, or dropped with ``include_preliminary=False``.
    Rows without an ISO code (Kuwaiti oil fires, former colonial groupings) are
    dropped; the global total is ``iso == "WLD"``. ``KNA`` appears under two
    names (Saint Kitts and Nevis, St. Kitts-Nevis-Anguilla); ``country`` tells them apart.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory (default: ``DGM_DATA_DIR``).
    countries : iterable of str, optional
        ISO 3166-1 alpha-3 codes (``WLD`` for the world); all by default.
    include_preliminary : bool
        Keep the preliminary years (flagged) or drop them.
    verify : bool
        Check the file's sha256.

    Returns
    -------
    pandas.DataFrame
        Columns ``iso``, ``country``, ``year``; ``total``, ``coal``, ``oil``,
        ``gas``, ``cement``, ``flaring``, ``other`` [MtCO2/year];
        ``per_capita`` [tCO2/person/year]; ``preliminary`` [bool].

    Raises
    ------
    DataError
        If the file is missing, altered (with ``verify``), or the world total is
        not of the order of MtCO2 (e.g. in GtCO2 or ktCO2).
    """
    rel = FILES["gcb"].path
    raw = pd.read_csv(locate("gcb", data_dir, check=verify))
    check_columns(raw.columns, _GCB_RENAME, file=rel)
    order = ["iso", "country", "year", *list(_GCB_RENAME.values())[3:]]
    df = raw.rename(columns=_GCB_RENAME)[order].dropna(subset=["iso"]).sort_values(["iso", "year"], ignore_index=True)
    world = df[(df["iso"] == "WLD") & (df["year"] >= 1950)]
    check_range(world["total"], *_WORLD_MT, what="world fossil CO2 since 1950 [MtCO2/yr]", file=rel,
                hint="Total should be in million tonnes of CO2 per year")
    df["preliminary"] = df["year"] >= GCB_PRELIMINARY_FROM
    if not include_preliminary:
        df = df[~df["preliminary"]]
    df = select_countries(df, countries, file=rel)
    df.attrs.update(source=rel, vintage=FILES["gcb"].vintage, units="MtCO2/year (per_capita: tCO2/person/year)",
                    preliminary=f"{GCB_PRELIMINARY_FROM}-{int(raw['Year'].max())}")
    return df


def load_owid_co2(data_dir: str | os.PathLike[str] | None = None, *, verify: bool = True) -> pd.DataFrame:
    """Load the OWID CO2 dataset (Dec 2020 release; rows USA, GBR and World).

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory (default: ``DGM_DATA_DIR``).
    verify : bool
        Check the sha256 of the data file and its codebook.

    Returns
    -------
    pandas.DataFrame
        The 38 OWID columns with ``iso_code`` renamed ``iso`` (``OWID_WRL`` ->
        ``WLD``). Units as in the codebook, whose definitions are in
        ``df.attrs["descriptions"]``: ``co2`` and ``consumption_co2`` [MtCO2/year],
        ``primary_energy_consumption`` [TWh/year], ``energy_per_gdp`` [kWh/int-$],
        ``gdp`` [2011 int-$/year, Maddison, to 2016], ``population`` [persons].

    Raises
    ------
    DataError
        If a file is missing, altered (with ``verify``), or ``co2`` is not in MtCO2.
    """
    rel = FILES["owid_co2"].path
    df = pd.read_csv(locate("owid_co2", data_dir, check=verify))
    book = pd.read_csv(locate("owid_co2_codebook", data_dir, check=verify))
    check_columns(df.columns, ["iso_code", "year", "co2", "consumption_co2", "gdp", "population"], file=rel)
    df = df.rename(columns={"iso_code": "iso"}).replace({"iso": {"OWID_WRL": "WLD"}})
    df = df.sort_values(["iso", "year"], ignore_index=True)
    world = df[(df["iso"] == "WLD") & (df["year"] >= 1950)]
    check_range(world["co2"], *_WORLD_MT, what="world CO2 since 1950 [MtCO2/yr]", file=rel,
                hint="co2 should be in million tonnes per year")
    df.attrs.update(source=rel, vintage=FILES["owid_co2"].vintage,
                    descriptions=dict(zip(book["column"].replace({"iso_code": "iso"}), book["description"])))
    return df

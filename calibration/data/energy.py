"""Primary energy consumption: Our World in Data from BP and EIA (2022)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

from .checks import check_columns, check_range, select_countries
from .files import FILES, locate

#: OWID names of the countries this module maps to ISO 3166-1 alpha-3 codes.
OWID_NAMES: dict[str, str] = {"USA": "United States", "GBR": "United Kingdom", "WLD": "World"}

_RENAME = {
    "Country": "country",
    "Year": "year",
    "Primary energy consumption (TWh)": "primary_energy",
    "Energy per capita (kWh)": "energy_per_capita",
    "Energy per GDP (kWh per $)": "energy_per_gdp",
}


def load_owid_energy(data_dir: str | os.PathLike[str] | None = None, *,
                     countries: Iterable[str] | None = ("USA", "GBR", "WLD"), verify: bool = True) -> pd.DataFrame:
    """Load OWID primary energy consumption (BP and EIA, 2022; substitution method).

    The file names countries in English only; the codes of :data:`OWID_NAMES`
    are attached as ``iso`` and other countries are dropped.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory (default: ``DGM_DATA_DIR``).
    countries : iterable of str, optional
        ISO codes among the keys of :data:`OWID_NAMES`; None for all of them.
    verify : bool
        Check the file's sha256.

    Returns
    -------
    pandas.DataFrame
        Columns ``iso``, ``country``, ``year``; ``primary_energy`` [TWh/year];
        ``energy_per_capita`` [kWh/person/year]; ``energy_per_gdp`` [kWh/int-$].

    Raises
    ------
    DataError
        If the file is missing, altered (with ``verify``), or the world total is
        not of the order of TWh.
    """
    rel = FILES["owid_energy"].path
    raw = pd.read_csv(locate("owid_energy", data_dir, check=verify))
    check_columns(raw.columns, _RENAME, file=rel)
    df = raw.rename(columns=_RENAME)[list(_RENAME.values())]
    df.insert(0, "iso", df["country"].map({name: iso for iso, name in OWID_NAMES.items()}))
    df = df.dropna(subset=["iso"]).sort_values(["iso", "year"], ignore_index=True)
    check_range(df.loc[df["iso"] == "WLD", "primary_energy"], 2.0e4, 5.0e5, what="world primary energy [TWh/yr]",
                file=rel, hint="the column should be in TWh per year (world 1965: about 43,000)")
    df = select_countries(df, countries, file=rel)
    df.attrs.update(source=rel, vintage=FILES["owid_energy"].vintage,
                    units={"primary_energy": "TWh/year", "energy_per_capita": "kWh/person/year",
                           "energy_per_gdp": "kWh/int-$"})
    return df

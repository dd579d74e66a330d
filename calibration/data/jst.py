"""Jorda-Schularick-Taylor Macrohistory Database, Release 6 (18 countries, 1870-2020)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

from .checks import check_columns, check_fraction, check_percent, check_range, check_unique, select_countries
from .errors import DataError
from .files import FILES, locate

#: Columns returned by :func:`load_jst`: name -> (units, description). Nominal
#: amounts are in billions of local currency (USD for USA, GBP for GBR).
JST_COLUMNS: dict[str, tuple[str, str]] = {
    "pop": ("thousand persons", "population"),
    "rgdpmad": ("1990 int-$ per person", "real GDP per capita (Maddison)"),
    "rgdpbarro": ("index, 2005 = 100", "real GDP per capita (Barro)"),
    "gdp": ("billion local currency/year", "nominal GDP"),
    "iy": ("fraction", "gross capital formation (private + public, incl. inventories) / GDP"),
    "unemp": ("percent", "unemployment rate"),
    "debtgdp": ("fraction of annual GDP", "public debt / GDP"),
    "revenue": ("billion local currency/year", "government revenue"),
    "expenditure": ("billion local currency/year", "government expenditure"),
    "tloans": ("billion local currency", "bank loans to the non-financial private sector"),
    "thh": ("billion local currency", "bank loans to households"),
    "tmort": ("billion local currency", "bank mortgage loans to the non-financial private sector"),
    "tbus": ("billion local currency", "bank loans to business"),
    "bdebt": ("billion local currency", "corporate debt, broad (US: loans + bonds + misc. liabilities)"),
    "cpi": ("index, 1990 = 100", "consumer prices"),
    "stir": ("percent/year", "short-term interest rate"),
    "ltrate": ("percent/year", "long-term interest rate"),
    "crisisJST": ("0/1", "systemic financial crisis indicator"),
}


def load_jst(data_dir: str | os.PathLike[str] | None = None, *, countries: Iterable[str] | None = None,
             verify: bool = True) -> pd.DataFrame:
    """Load the JST Macrohistory Database R6.

    Known problems handled here: JST names the United Kingdom ``"UK"`` in its
    ``country`` column; rows are keyed by the ISO code (``iso``: ``GBR``), and a
    JST name passed in ``countries`` is rejected with a hint. ``bdebt`` is a broad
    business-debt measure (for the US about 144 % of GDP in 2020, far above BIS
    NFC credit); it is returned unchanged and documented, ``tbus`` is the bank
    credit to business.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory (default: ``DGM_DATA_DIR``).
    countries : iterable of str, optional
        ISO 3166-1 alpha-3 codes; all 18 by default.
    verify : bool
        Check the file's sha256.

    Returns
    -------
    pandas.DataFrame
        One row per (``iso``, ``year``): ``country`` (JST's name) and the columns
        of :data:`JST_COLUMNS` in JST units (``df.attrs["units"]``).

    Raises
    ------
    DataError
        If the file is missing, altered (with ``verify``), in unexpected units, or
        a country is not an ISO code in the file.
    """
    rel = FILES["jst"].path
    raw = pd.read_csv(locate("jst", data_dir, check=verify))
    check_columns(raw.columns, ["year", "country", "iso", *JST_COLUMNS], file=rel)
    pairs = raw[["country", "iso"]].drop_duplicates()
    if pairs["iso"].duplicated().any() or pairs["country"].duplicated().any():
        raise DataError(f"{rel}: JST country names and ISO codes are not one-to-one: {pairs.values.tolist()}")
    check_unique(zip(raw["iso"], raw["year"]), what="(iso, year)", file=rel)
    names = dict(zip(pairs["country"], pairs["iso"]))
    wanted = [countries] if isinstance(countries, str) else countries
    if wanted is not None:
        aliases = {c: names[c] for c in wanted if c in names and names[c] != c}
        if aliases:
            raise DataError(f"{rel}: {sorted(aliases)} are JST country names; pass ISO codes {aliases}")
    df = raw[["iso", "country", "year", *JST_COLUMNS]].sort_values(["iso", "year"], ignore_index=True)
    check_fraction(df["iy"], column="iy", file=rel)
    check_percent(df["unemp"], column="unemp", file=rel)
    check_range(df["debtgdp"], 0.0, 5.0, what="public debt / GDP debtgdp [fraction of annual GDP]", file=rel,
                hint="debtgdp should be a fraction, not percent")
    modern = df[df["year"] >= 1950]
    check_range(modern["tloans"] / modern["gdp"], 0.02, 5.0, what="tloans/gdp since 1950 [year]", file=rel,
                hint="tloans and gdp should both be in billions of local currency")
    check_range(modern["bdebt"] / modern["gdp"], 0.02, 5.0, what="bdebt/gdp since 1950 [year]", file=rel,
                hint="bdebt and gdp should both be in billions of local currency")
    df = select_countries(df, wanted, file=rel)
    df.attrs.update(source=rel, vintage=FILES["jst"].vintage, units={k: v[0] for k, v in JST_COLUMNS.items()})
    return df

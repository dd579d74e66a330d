"""FRED-QD (McCracken-Ng) US quarterly subset, and its annualisation."""

from __future__ import annotations

import os

import pandas as pd

from .checks import check_columns, check_percent, check_range
from .errors import DataError
from .files import FILES, locate

#: Stocks (end-of-period balance-sheet levels and stock ratios), annualised by
#: the fourth-quarter value. Every other series (flows at annual rates, rates,
#: indices, employment counts) is averaged over the four quarters, as BEA and BLS
#: annual averages are.
FRED_STOCKS: frozenset[str] = frozenset({
    "GFDEGDQ188S",   # federal debt, % of GDP
    "GFDEBTNx",      # real federal debt
    "TLBSNNCBx",     # real non-financial corporate liabilities
    "TLBSNNCBBDIx",  # NFC liabilities relative to business income
    "TNWMVBSNNCBx",  # real NFC net worth
})

#: Units of the series the panel uses (others: see the FRED-QD appendix).
FRED_UNITS: dict[str, str] = {
    "GDPC1": "billion chained 2017 USD/year (SAAR)",
    "GPDIC1": "billion chained 2017 USD/year (SAAR)",
    "PNFIx": "billion chained 2017 USD/year (SAAR)",
    "GCEC1": "billion chained 2017 USD/year (SAAR); government consumption AND gross investment",
    "UNRATE": "percent",
    "CIVPART": "percent",
    "PAYEMS": "thousand persons",
    "GFDEGDQ188S": "percent of GDP",
}


def load_fred_quarterly(data_dir: str | os.PathLike[str] | None = None, *, verify: bool = True) -> pd.DataFrame:
    """Load the FRED-QD subset as quarterly data.

    Known problem handled here: FRED-QD dates a quarter by its **last** month
    (``1959-03-01`` is 1959Q1). The month is mapped to the quarter (3 -> Q1, ...,
    12 -> Q4); any other month means the dates follow another convention (e.g.
    quarter starts) and is refused rather than shifted by one quarter.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory (default: ``DGM_DATA_DIR``).
    verify : bool
        Check the file's sha256.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (as in the file), ``year``, ``quarter`` (1-4) and the 31
        series in FRED-QD units (see :data:`FRED_UNITS`).

    Raises
    ------
    DataError
        If the file is missing, altered (with ``verify``), the dates are not
        quarter-end months, a quarter repeats, or units look wrong.
    """
    rel = FILES["fred_qd"].path
    df = pd.read_csv(locate("fred_qd", data_dir, check=verify))
    check_columns(df.columns, ["sasdate", "GDPC1", "UNRATE"], file=rel)
    date = pd.to_datetime(df.pop("sasdate"), format="%Y-%m-%d")
    bad = sorted(set(date.dt.month) - {3, 6, 9, 12})
    if bad:
        raise DataError(f"{rel}: sasdate months {bad} found; FRED-QD dates a quarter by its last month "
                        "(03, 06, 09, 12). These dates follow another convention (quarter starts?); "
                        "use the registered file")
    df.insert(0, "date", date)
    df.insert(1, "year", date.dt.year)
    df.insert(2, "quarter", date.dt.month // 3)
    if df.duplicated(["year", "quarter"]).any():
        raise DataError(f"{rel}: a quarter appears twice")
    check_percent(df["UNRATE"], column="UNRATE", file=rel)
    check_range(df["GDPC1"], 1.0e3, 1.0e5, what="US real GDP GDPC1 [billion 2017 USD/yr]", file=rel,
                hint="GDPC1 should be in billions (US 1959: about 3,400; 2024: about 23,500)")
    df = df.sort_values(["year", "quarter"], ignore_index=True)
    df.attrs.update(source=rel, vintage=FILES["fred_qd"].vintage, units=FRED_UNITS)
    return df


def annualise(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Annual values from quarterly ones: flows and rates averaged, stocks at Q4.

    Only complete years are kept: a year needs all four quarters in the file, and
    a series-year is NaN unless all four quarters (flows, rates) or the fourth
    quarter (:data:`FRED_STOCKS`) are observed. Nothing is interpolated.

    Parameters
    ----------
    quarterly : pandas.DataFrame
        As returned by :func:`load_fred_quarterly`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year``, one column per series, same units as the quarterly data.
    """
    series = [c for c in quarterly.columns if c not in ("date", "year", "quarter")]
    quarters = quarterly.groupby("year")["quarter"].nunique()
    full = quarters.index[quarters == 4]
    q = quarterly[quarterly["year"].isin(full)]
    flows = [c for c in series if c not in FRED_STOCKS]
    grouped = q.groupby("year")[flows]
    mean = grouped.mean().where(grouped.count() == 4)
    q4 = q[q["quarter"] == 4].set_index("year")[[c for c in series if c in FRED_STOCKS]]
    out = pd.concat([mean, q4], axis=1)[series]
    out.attrs.update(quarterly.attrs, annualisation="flows and rates: mean of Q1-Q4 (NaN unless all four); "
                     f"stocks ({', '.join(sorted(FRED_STOCKS))}): Q4; complete years only")
    return out


def load_fred(data_dir: str | os.PathLike[str] | None = None, *, verify: bool = True) -> pd.DataFrame:
    """Load the FRED-QD subset annualised (see :func:`annualise`).

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory (default: ``DGM_DATA_DIR``).
    verify : bool
        Check the file's sha256.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` (1959-2024), one column per series.
    """
    return annualise(load_fred_quarterly(data_dir, verify=verify))


def load_fred_tcodes(data_dir: str | os.PathLike[str] | None = None, *, verify: bool = True) -> pd.Series:
    """McCracken-Ng transformation codes (1 level, 2 difference, 5 log difference, 6 second log difference).

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory (default: ``DGM_DATA_DIR``).
    verify : bool
        Check the file's sha256.

    Returns
    -------
    pandas.Series of int
        Indexed by series name.
    """
    codes = pd.read_csv(locate("fred_qd_tcodes", data_dir, check=verify))
    return codes.set_index("series")["tcode"].astype(int)

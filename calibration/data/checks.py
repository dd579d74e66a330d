"""Unit and magnitude sanity checks shared by the loaders.

A file in the expected layout but in other units (a share in percent, a level in
thousands instead of millions) would otherwise load silently and bias a
calibration by orders of magnitude. These checks raise :class:`DataError` naming
the file and column, what was found and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

from .errors import DataError


def _finite(values: npt.ArrayLike) -> np.ndarray:
    arr = np.asarray(values, dtype=float).ravel()
    return arr[np.isfinite(arr)]


def check_fraction(values: npt.ArrayLike, *, column: str, file: str, upper: float = 1.5) -> None:
    """Require a share to be a fraction, not percent.

    Parameters
    ----------
    values : array-like
        The share [dimensionless]; NaN ignored.
    column, file : str
        Names for the message.
    upper : float
        Largest plausible value [dimensionless]; above it the column looks like percent.

    Raises
    ------
    DataError
        If any value exceeds ``upper``.
    """
    arr = _finite(values)
    if arr.size and arr.max() > upper:
        raise DataError(f"column {column!r} in {file} has values up to {arr.max():.4g} > {upper}: it looks like "
                        "percent, but a fraction is expected (divide by 100 or use the original file)")


def check_percent(values: npt.ArrayLike, *, column: str, file: str) -> None:
    """Require a rate in percent: some value above 1 and none above 100.

    Raises
    ------
    DataError
        If every value is at most 1 (the column looks like a fraction) or one exceeds 100.
    """
    arr = _finite(values)
    if arr.size and arr.max() <= 1.0:
        raise DataError(f"column {column!r} in {file} never exceeds {arr.max():.4g}: it looks like a fraction, "
                        "but percent is expected (multiply by 100 or use the original file)")
    if arr.size and arr.max() > 100.0:
        raise DataError(f"column {column!r} in {file} has values up to {arr.max():.4g} > 100, not a percentage")


def check_range(values: npt.ArrayLike, low: float, high: float, *, what: str, file: str, hint: str) -> None:
    """Require a level or ratio within a plausible range.

    Parameters
    ----------
    values : array-like
        Values in the units stated in ``what``; NaN ignored.
    low, high : float
        Plausible bounds, same units.
    what : str
        The quantity and its units, e.g. ``"rgdpna/pop [USD/person]"``.
    file : str
        File (or files) the quantity comes from.
    hint : str
        What probably went wrong, e.g. the expected unit of a column.

    Raises
    ------
    DataError
        If any value is outside ``[low, high]``.
    """
    arr = _finite(values)
    if arr.size and (arr.min() < low or arr.max() > high):
        raise DataError(f"{what} from {file} spans {arr.min():.4g} to {arr.max():.4g}, outside the plausible "
                        f"range [{low:g}, {high:g}]: {hint}")


def check_columns(columns: Iterable[str], required: Iterable[str], *, file: str) -> None:
    """Require the named columns to be present.

    Raises
    ------
    DataError
        Naming the missing columns.
    """
    missing = sorted(set(required) - set(columns))
    if missing:
        raise DataError(f"{file} lacks the column(s) {missing}; is it the registered file and vintage?")


def check_unique(keys: Iterable[tuple], *, what: str, file: str) -> None:
    """Require (country, year) keys to be unique.

    Raises
    ------
    DataError
        Naming a duplicated key.
    """
    seen: set[tuple] = set()
    for key in keys:
        if key in seen:
            raise DataError(f"{file} has more than one row for {what} {key}")
        seen.add(key)


def select_countries(frame: pd.DataFrame, countries: Iterable[str] | None, *, file: str,
                     column: str = "iso") -> pd.DataFrame:
    """Rows of ``frame`` whose ISO 3166-1 alpha-3 code is in ``countries`` (all rows if None).

    Raises
    ------
    DataError
        If a requested code is not in the file (e.g. the JST name ``"UK"`` instead of ``"GBR"``).
    """
    if countries is None:
        return frame.reset_index(drop=True)
    wanted = [countries] if isinstance(countries, str) else list(countries)
    present = set(frame[column])
    absent = [c for c in wanted if c not in present]
    if absent:
        raise DataError(f"countries {absent} not in {file}; use ISO 3166-1 alpha-3 codes (GBR, not UK); "
                        f"available: {' '.join(sorted(present))}")
    return frame[frame[column].isin(wanted)].reset_index(drop=True)

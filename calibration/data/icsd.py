"""IMF Investment and Capital Stock Dataset 2021: public investment and public capital."""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

from .checks import check_columns, check_range, check_unique, select_countries
from .files import FILES, locate

#: Columns returned by :func:`load_icsd`: name -> (units, description).
ICSD_COLUMNS: dict[str, tuple[str, str]] = {
    "igov_rppp": ("billion 2017 int-$/year", "general-government gross fixed capital formation, constant 2017 PPP"),
    "kgov_rppp": ("billion 2017 int-$", "general-government capital stock (perpetual inventory), constant 2017 PPP"),
}


def load_icsd(data_dir: str | os.PathLike[str] | None = None, *, countries: Iterable[str] | None = None,
              verify: bool = True) -> pd.DataFrame:
    """Load public investment and capital from the IMF ICSD (1960-2019).

    The file holds only the public columns of the ICSD; private investment must
    be derived from total investment elsewhere (see :func:`calibration.data.load_panel`).

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory (default: ``DGM_DATA_DIR``).
    countries : iterable of str, optional
        ISO 3166-1 alpha-3 codes; all (about 190) by default.
    verify : bool
        Check the file's sha256.

    Returns
    -------
    pandas.DataFrame
        One row per (``iso``, ``year``): ``country`` and :data:`ICSD_COLUMNS`
        [billion 2017 international dollars].

    Raises
    ------
    DataError
        If the file is missing, altered (with ``verify``) or implausible.
    """
    rel = FILES["icsd"].path
    raw = pd.read_csv(locate("icsd", data_dir, check=verify))
    check_columns(raw.columns, ["isocode", "country", "year", *ICSD_COLUMNS], file=rel)
    df = raw.rename(columns={"isocode": "iso"})[["iso", "country", "year", *ICSD_COLUMNS]]
    df = df.sort_values(["iso", "year"], ignore_index=True)
    check_unique(zip(df["iso"], df["year"]), what="(iso, year)", file=rel)
    check_range(df[list(ICSD_COLUMNS)], 0.0, float("inf"), what="igov_rppp, kgov_rppp [billion 2017 int-$]",
                file=rel, hint="investment and capital cannot be negative")
    df = select_countries(df, countries, file=rel)
    df.attrs.update(source=rel, vintage=FILES["icsd"].vintage, units={k: v[0] for k, v in ICSD_COLUMNS.items()})
    return df

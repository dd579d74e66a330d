"""Penn World Table 10.01 (JST-18 countries, 1950-2019)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .checks import check_columns, check_fraction, check_range, select_countries
from .files import FILES, locate

#: Columns returned by :func:`load_pwt`: name -> (units, description).
PWT_COLUMNS: dict[str, tuple[str, str]] = {
    "rgdpna": ("million 2017 USD/year", "real GDP at constant 2017 national prices"),
    "rgdpo": ("million 2017 USD/year", "output-side real GDP at chained PPPs"),
    "cgdpo": ("million USD/year", "output-side real GDP at current PPPs"),
    "pop": ("million persons", "population"),
    "emp": ("million persons", "persons engaged"),
    "avh": ("hours/year", "average annual hours worked by persons engaged"),
    "hc": ("index", "human capital index (years of schooling and returns)"),
    "rnna": ("million 2017 USD", "capital stock at constant 2017 national prices"),
    "rtfpna": ("index, 2017 = 1", "TFP at constant national prices"),
    "labsh": ("fraction", "share of labour compensation in GDP at current national prices"),
    "delta": ("1/year", "average depreciation rate of the capital stock"),
    "csh_i": ("fraction", "share of gross capital formation at current PPPs (incl. government)"),
    "csh_g": ("fraction", "share of government consumption at current PPPs"),
    "csh_c": ("fraction", "share of household consumption at current PPPs"),
}

#: A share repeated exactly (8 significant digits) for this many consecutive years is PWT imputation.
MIN_CONSTANT_RUN = 5


def constant_runs(values: pd.Series, min_run: int = MIN_CONSTANT_RUN) -> pd.Series:
    """Flag values that belong to a run of at least ``min_run`` identical consecutive values.

    Parameters
    ----------
    values : pandas.Series
        One country's series, ordered by year.
    min_run : int
        Shortest run [years] taken as imputed.

    Returns
    -------
    pandas.Series of bool
        True where the value is part of such a run (NaN never is).
    """
    run_id = (values != values.shift()).cumsum()
    length = values.groupby(run_id).transform("size")
    return (length >= min_run) & values.notna()


def load_pwt(data_dir: str | os.PathLike[str] | None = None, *, countries: Iterable[str] | None = None,
             verify: bool = True) -> pd.DataFrame:
    """Load PWT 10.01 for the JST-18 countries.

    Known problem fixed here: PWT imputes ``labsh`` for early years by holding it
    constant (GBR: 0.5514 for 1950-1987; also AUS, BEL, CAN, ... in early years).
    Values in a run of at least :data:`MIN_CONSTANT_RUN` identical years are set to
    NaN and flagged in ``labsh_imputed``; ``df.attrs["labsh_imputed"]`` lists the
    runs with their constant value.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory (default: ``DGM_DATA_DIR``).
    countries : iterable of str, optional
        ISO 3166-1 alpha-3 codes; all 18 by default.
    verify : bool
        Check the file's sha256 (set False only for deliberately different copies).

    Returns
    -------
    pandas.DataFrame
        One row per (``iso``, ``year``) with the columns of :data:`PWT_COLUMNS` in
        their PWT units (``df.attrs["units"]``) and ``labsh_imputed`` [bool].

    Raises
    ------
    DataError
        If the file is missing, altered (with ``verify``) or in unexpected units.
    """
    rel = FILES["pwt"].path
    raw = pd.read_csv(locate("pwt", data_dir, check=verify))
    check_columns(raw.columns, ["isocode", "year", *PWT_COLUMNS], file=rel)
    df = raw.rename(columns={"isocode": "iso"})[["iso", "year", *PWT_COLUMNS]]
    df = df.sort_values(["iso", "year"], ignore_index=True)
    for col in ("labsh", "csh_i", "csh_g", "csh_c", "delta"):
        check_fraction(df[col], column=col, file=rel)
    check_range(df["rgdpna"] / df["pop"], 300.0, 3.0e5, what="GDP per capita rgdpna/pop [USD/person]", file=rel,
                hint="rgdpna should be in millions of 2017 USD and pop in millions of persons")
    check_range(df["emp"] / df["pop"], 0.0, 1.0, what="employment per person emp/pop [dimensionless]", file=rel,
                hint="emp and pop should both be in millions of persons")
    df = select_countries(df, countries, file=rel)
    df["labsh_imputed"] = df.groupby("iso", group_keys=False)["labsh"].apply(constant_runs)
    notes = []
    for iso, grp in df[df["labsh_imputed"]].groupby("iso"):
        for _, run in grp.groupby((grp["year"].diff() != 1).cumsum()):
            notes.append(f"{iso} {run['year'].min()}-{run['year'].max()} (constant {run['labsh'].iloc[0]:.4f})")
    df.loc[df["labsh_imputed"], "labsh"] = np.nan
    df.attrs.update(source=rel, vintage=FILES["pwt"].vintage,
                    units={k: v[0] for k, v in PWT_COLUMNS.items()},
                    labsh_imputed="; ".join(notes))
    return df

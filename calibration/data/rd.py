"""NSF/NCSES National Patterns, table 10473: US GDP, R&D and R&D/GDP (1953-2022)."""

from __future__ import annotations

import os
import re

import pandas as pd

from .checks import check_columns, check_range
from .errors import DataError
from .files import FILES, locate

#: Labels of the table once footnote marks are removed. A label is accepted as
#: ``label + mark`` (``"Federalb"``, ``"Deflatora (2017 = 1.00000)"``) only if
#: ``label`` is one of these, so real words are never truncated.
KNOWN_LABELS: frozenset[str] = frozenset({
    "GDP", "Total R&D", "R&D/GDP (%)", "Current $billions", "Constant 2017 $billions",
    "Deflator (2017 = 1.00000)", "Total", "R&D, by performer", "R&D, by source of funding",
    "Business", "Federal", "Higher education", "Other",
})

_YEAR = re.compile(r"(\d{4})(?:<sup>([a-z]+)</sup>)?")
_MARK = re.compile(r"(.+?)([a-z])((?: \(.*\))?)")


def strip_footnote(label: str) -> tuple[str, str]:
    """Split an NCSES label into the label and its footnote mark.

    >>> strip_footnote("Federalb")
    ('Federal', 'b')
    >>> strip_footnote("Deflatora (2017 = 1.00000)")
    ('Deflator (2017 = 1.00000)', 'a')
    >>> strip_footnote("Business")
    ('Business', '')

    Raises
    ------
    DataError
        If the label is unknown with or without a trailing mark.
    """
    if label in KNOWN_LABELS:
        return label, ""
    match = _MARK.fullmatch(label)
    if match and match[1] + match[3] in KNOWN_LABELS:
        return match[1] + match[3], match[2]
    raise DataError(f"{FILES['ncses_rd'].path}: unexpected label {label!r}; known labels: {sorted(KNOWN_LABELS)}")


def parse_year(period: str) -> tuple[int, str]:
    """Year and footnote mark of a ``time_period`` such as ``"2022<sup>f</sup>"``.

    Raises
    ------
    DataError
        If the period is not a four-digit year with an optional ``<sup>`` mark.
    """
    match = _YEAR.fullmatch(period.strip())
    if match is None:
        raise DataError(f"{FILES['ncses_rd'].path}: time_period {period!r} is not a year")
    return int(match[1]), match[2] or ""


def load_ncses_rd(data_dir: str | os.PathLike[str] | None = None, *, verify: bool = True) -> pd.DataFrame:
    """Load NCSES table 10473 in long form, with footnote tags stripped.

    Known problem handled here: years and labels carry footnote tags
    (``2021<sup>e</sup>``, ``Federalb``, ``Otherc``, ``Deflatora``). They are
    removed; the marks are kept in ``footnotes`` (e.g. ``"year:e"``, ``"component:b"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` [int], ``measure`` (``GDP``, ``Total R&D``, ``R&D/GDP (%)``),
        ``breakdown`` (``Current $billions``, ..., ``R&D, by source of funding``),
        ``component`` (``Business``, ``Federal``, ... or empty), ``value``
        [billion USD/year, deflator, or percent of GDP, per ``measure`` and
        ``breakdown``] and ``footnotes``.

    Raises
    ------
    DataError
        If the file is missing, altered (with ``verify``), has unknown labels, or
        its levels and ratios are inconsistent (a level off by a factor).
    """
    rel = FILES["ncses_rd"].path
    raw = pd.read_csv(locate("ncses_rd", data_dir, check=verify), dtype=str, keep_default_na=False)
    check_columns(raw.columns, ["time_period", "gdp_level_1", "gdp_level_2", "gdp_level_3", "value"], file=rel)
    rows = []
    for rec in raw.itertuples(index=False):
        year, mark = parse_year(rec.time_period)
        notes = [f"year:{mark}"] if mark else []
        labels = []
        for key, text in (("measure", rec.gdp_level_1), ("breakdown", rec.gdp_level_2),
                          ("component", rec.gdp_level_3)):
            label, m = strip_footnote(text) if text else ("", "")
            labels.append(label)
            notes += [f"{key}:{m}"] if m else []
        rows.append((year, *labels, float(rec.value), " ".join(notes)))
    df = pd.DataFrame(rows, columns=["year", "measure", "breakdown", "component", "value", "footnotes"])
    if df.duplicated(["year", "measure", "breakdown", "component"]).any():
        raise DataError(f"{rel}: a (year, measure, breakdown, component) appears twice after removing footnotes")
    _check_units(df, rel)
    df.attrs.update(source=rel, vintage=FILES["ncses_rd"].vintage)
    return df


def _pick(df: pd.DataFrame, measure: str, breakdown: str, component: str = "") -> pd.Series:
    sel = df[(df["measure"] == measure) & (df["breakdown"] == breakdown) & (df["component"] == component)]
    return sel.set_index("year")["value"]


def _check_units(df: pd.DataFrame, rel: str) -> None:
    total = _pick(df, "R&D/GDP (%)", "Total")
    check_range(total, 0.5, 6.0, what="US R&D/GDP [percent]", file=rel,
                hint="the ratio should be in percent (about 1.3 in 1953, 3.4 in 2022)")
    implied = 100.0 * _pick(df, "Total R&D", "Current $billions") / _pick(df, "GDP", "Current $billions")
    check_range((implied - total).abs(), 0.0, 0.02, what="|100 R&D/GDP - R&D/GDP (%)| [percentage points]",
                file=rel, hint="the R&D and GDP levels should both be in current $billions")


def rd_gdp_shares(rd: pd.DataFrame) -> pd.DataFrame:
    """US R&D as fractions of GDP by source of funding.

    Parameters
    ----------
    rd : pandas.DataFrame
        As returned by :func:`load_ncses_rd`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year``: ``total``, ``federal``, ``business``, ``other``
        [dimensionless: fraction of GDP].
    """
    funding = "R&D, by source of funding"
    return pd.DataFrame({
        "total": _pick(rd, "R&D/GDP (%)", "Total"),
        "federal": _pick(rd, "R&D/GDP (%)", funding, "Federal"),
        "business": _pick(rd, "R&D/GDP (%)", funding, "Business"),
        "other": _pick(rd, "R&D/GDP (%)", funding, "Other"),
    }) / 100.0

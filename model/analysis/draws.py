"""Parameter draws for ensembles: from declared bounds (Latin hypercube, Sobol, random) or a table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError

if TYPE_CHECKING:
    import pandas as pd

    from ..core.system import System

__all__ = ["METHODS", "check_draws", "check_range", "draw_ranges", "from_bounds", "from_table"]

#: sampling designs of :func:`from_bounds`
METHODS = ("lhs", "sobol", "random")


def _drawable(system, name: str, what: str):
    """The variable ``name`` if it can be drawn (a parameter or a start stock), else a clear error."""
    v = system.variables.get(name)
    if v is None or v.kind not in ("parameter", "stock"):
        valid = [n for n, x in system.variables.items() if x.kind in ("parameter", "stock")]
        raise ModelError(f"{what} {name!r} is not a parameter or stock of model {system.name!r}; "
                         f"valid: {', '.join(sorted(valid))}")
    return v


def check_range(name: str, lo: float, hi: float) -> tuple[float, float]:
    """``(lo, hi)`` as floats if finite with ``lo < hi``, else a clear error."""
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ModelError(f"range of {name!r} must be finite with low < high, got ({lo}, {hi})")
    return lo, hi


def draw_ranges(system: System, names: Sequence[str],
                ranges: Mapping[str, tuple[float, float]] | None = None) -> np.ndarray:
    """``(low, high)`` per name, shape (len(names), 2): from ``ranges``, else the declared bounds."""
    ranges = dict(ranges or {})
    extra = sorted(set(ranges) - set(names))
    if extra:
        raise ModelError(f"ranges given for names not drawn: {', '.join(extra)}")
    out = []
    for name in names:
        v = _drawable(system, name, "cannot draw")
        if name in ranges:
            lo, hi = ranges[name]
        else:
            lo, hi = v.bounds
            if lo is None or hi is None:
                raise ModelError(f"{name!r} has no finite declared bounds ({lo}, {hi}); give ranges={{{name!r}: "
                                 "(low, high)}")
        out.append(check_range(name, lo, hi))
    return np.array(out, dtype=float)


def from_bounds(system: System, names: Sequence[str], n: int, *, method: str = "lhs", seed: int = 0,
                ranges: Mapping[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Draws spread uniformly over each parameter's declared bounds (or ``ranges``).

    Parameters
    ----------
    system : System
        The model whose parameters (or start stocks) are drawn.
    names : sequence of str
        Parameter or stock names.
    n : int
        Number of draws (a power of two for ``method="sobol"`` keeps its balance).
    method : {"lhs", "sobol", "random"}
        Latin hypercube, scrambled Sobol sequence (scipy.stats.qmc) or independent uniforms.
    seed : int
        Seed: the same seed gives the same draws.
    ranges : mapping, optional
        ``name -> (low, high)`` replacing the declared bounds [units of the parameter].

    Returns
    -------
    pandas.DataFrame
        ``n`` rows (index ``draw``), one column per name.
    """
    import pandas as pd
    from scipy.stats import qmc

    if method not in METHODS:
        raise ModelError(f"unknown sampling method {method!r}; valid: {', '.join(METHODS)}")
    n = int(n)
    if n < 1:
        raise ModelError(f"the number of draws must be positive, got {n}")
    names = list(names)
    if not names:
        raise ModelError("name at least one parameter to draw")
    box = draw_ranges(system, names, ranges)
    d = len(names)
    if method == "lhs":
        u = qmc.LatinHypercube(d=d, seed=seed).random(n)
    elif method == "sobol":
        u = qmc.Sobol(d=d, scramble=True, seed=seed).random(n)
    else:
        u = np.random.default_rng(seed).random((n, d))
    df = pd.DataFrame(qmc.scale(u, box[:, 0], box[:, 1]) if n else u, columns=names)
    df.index.name = "draw"
    df.attrs["method"] = f"{method} over {'given ranges and ' if ranges else ''}declared bounds, seed {seed}"
    return df


def check_draws(system: System, draws: Any) -> pd.DataFrame:
    """Validate a draw table (DataFrame, mapping of arrays) and return it as a DataFrame.

    Raises
    ------
    ModelError
        Unknown or non-drawable names, non-numeric or non-finite values, unequal lengths,
        values outside declared bounds.
    """
    import pandas as pd

    if isinstance(draws, pd.DataFrame):
        df = draws.reset_index(drop=True)
    elif isinstance(draws, Mapping):
        lens = {k: np.size(v) for k, v in draws.items()}
        if len(set(lens.values())) > 1:
            raise ModelError(f"draws of unequal length: {lens}")
        df = pd.DataFrame({k: np.atleast_1d(np.asarray(v, float)) for k, v in draws.items()})
    else:
        raise ModelError(f"draws must be a pandas.DataFrame or a mapping name -> array, got {type(draws).__name__}")
    if df.shape[0] == 0 or df.shape[1] == 0:
        raise ModelError("the draw table is empty")
    for name in df.columns:
        v = _drawable(system, name, "draw column")
        col = pd.to_numeric(df[name], errors="coerce").to_numpy(float)
        if not np.all(np.isfinite(col)):
            bad = int(np.flatnonzero(~np.isfinite(col))[0])
            raise ModelError(f"draw column {name!r} has a missing or non-numeric value at row {bad}")
        lo, hi = v.bounds
        if (lo is not None and np.any(col < lo)) or (hi is not None and np.any(col > hi)):
            raise ModelError(f"draws of {name!r} span [{col.min():.6g}, {col.max():.6g}], outside its declared "
                             f"bounds ({lo}, {hi})")
        df[name] = col
    df.index = pd.RangeIndex(len(df), name="draw")
    return df


def from_table(table: Any, system: System | None = None) -> pd.DataFrame:
    """Draws from a user table: a CSV file (one column per parameter) or a DataFrame.

    Parameters
    ----------
    table : str, Path or pandas.DataFrame
    system : System, optional
        When given, the names and values are checked (see :func:`check_draws`).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ModelError
        The file is missing, a directory, empty, not text (binary), not a CSV
        with a header row and equally long rows; or (with ``system``) see :func:`check_draws`.
    """
    import pandas as pd

    if isinstance(table, (str, Path)):
        path = Path(table)
        if path.is_dir():
            raise ModelError(f"draw table {path} is a directory; expected a CSV file (one column per parameter)")
        if not path.is_file():
            raise ModelError(f"draw table {path} does not exist")
        expected = "expected a CSV file with a header row of parameter names and one row per draw"
        try:
            with path.open("rb") as fh:
                head = fh.read(8192)
            if b"\0" in head:
                raise ModelError(f"draw table {path} is a binary file, not CSV; {expected}")
            table = pd.read_csv(path, encoding="utf-8", on_bad_lines="error")
        except pd.errors.EmptyDataError:
            raise ModelError(f"draw table {path} is empty; {expected}") from None
        except pd.errors.ParserError as exc:
            raise ModelError(f"draw table {path} is not a regular CSV ({' '.join(str(exc).split())}); "
                             f"{expected}") from None
        except UnicodeDecodeError:
            raise ModelError(f"draw table {path} is not UTF-8 text; {expected}") from None
        except OSError as exc:
            raise ModelError(f"draw table {path}: cannot read ({exc.strerror or exc})") from None
        if "draw" in table.columns:
            table = table.drop(columns="draw")
        unnamed = [str(c) for c in table.columns if str(c).startswith("Unnamed:")]
        if unnamed:
            raise ModelError(f"draw table {path} has column(s) without a name in its header; {expected}")
    return check_draws(system, table) if system is not None else table

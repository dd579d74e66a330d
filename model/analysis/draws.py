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

__all__ = ["METHODS", "check_range", "draw_ranges", "from_bounds", "from_table"]

#: sampling designs of :func:`from_bounds`
METHODS = ("lhs", "sobol", "random")


def check_range(name: str, lo: float, hi: float) -> tuple[float, float]:
    """``(lo, hi)`` as floats if finite with ``lo < hi``, else a clear error."""
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ModelError(f"range of {name!r} must be finite with low < high, got ({lo}, {hi})")
    return lo, hi


def draw_ranges(system: System, names: Sequence[str],
                ranges: Mapping[str, tuple[float, float]] | None = None) -> np.ndarray:
    """``(low, high)`` per name, shape (len(names), 2): from ``ranges``, else the declared bounds."""
    from ..solve.ensembles import drawable

    ranges = dict(ranges or {})
    extra = sorted(set(ranges) - set(names))
    if extra:
        raise ModelError(f"ranges given for names not drawn: {', '.join(extra)}")
    out = []
    for name in names:
        v = drawable(system, name, "cannot draw")
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


def from_table(table: Any, system: System | None = None) -> pd.DataFrame:
    """Draws from a user table: a CSV file (one column per parameter) or a DataFrame.

    Parameters
    ----------
    table : str, Path or pandas.DataFrame
    system : System, optional
        When given, the names and values are checked (see :func:`model.solve.ensembles.check_draws`).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ModelError
        The file is missing, a directory, empty, not text (binary), not a CSV
        with a header row and equally long rows; or (with ``system``) see :func:`model.solve.ensembles.check_draws`.
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
    from ..solve.ensembles import check_draws

    return check_draws(system, table) if system is not None else table

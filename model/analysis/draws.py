"""Parameter draws for ensembles: from declared bounds (Latin hypercube, Sobol, random) or a table."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError

if TYPE_CHECKING:
    import pandas as pd

    from ..core.system import System

__all__ = ["METHODS", "check_range", "draw_ranges", "from_bounds", "from_table", "has_start", "truncate_to_start"]

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


def has_start(system: System, draws: pd.DataFrame | Mapping[str, Any]) -> np.ndarray:
    """Whether each draw has a consistent start (:attr:`ModelMeta.derive_start
    <model.core.metadata.ModelMeta>` gives finite values), as :func:`model.ensemble` decides it.

    Parameters
    ----------
    system : System
        The model; without a ``meta.derive_start`` every draw has its declared start.
    draws : DataFrame or mapping
        Drawn values by name [their units], one row (array entry) per draw.

    Returns
    -------
    numpy.ndarray of bool
        One entry per draw: True where the derived start exists.
    """
    values = {str(k): np.asarray(v, float) for k, v in draws.items()}
    m = max((v.size for v in values.values()), default=0)
    derive = system.meta.derive_start
    if derive is None or m == 0:
        return np.ones(m, bool)
    derived = derive(system, values)
    finite = [np.isfinite(np.broadcast_to(np.asarray(v, float), (m,))) for v in derived.values()]
    return np.all(finite, axis=0) if finite else np.ones(m, bool)


def truncate_to_start(system: System, draw: Callable[[int, int], pd.DataFrame], n: int, *, seed: int = 0,
                      max_rounds: int = 100,
                      stable: Callable[[System, pd.DataFrame], np.ndarray] | None = None) -> pd.DataFrame:
    """``n`` draws from ``draw`` truncated to the region where the model has a consistent (and stable) start.

    The prior (or posterior) is truncated to the parameter region where the model's steady state exists,
    standard practice in Bayesian macroeconomics (An & Schorfheide 2007, Econometric Reviews 26(2-4),
    section 4: the prior is truncated to the determinacy region). A draw without a start (:func:`has_start`)
    is replaced by the next draw with one from fresh candidates (seeded from ``seed`` and the round), so that
    the draws that have a start are those ``draw(n, seed)`` gives, in place. The truncated share is kept for
    the report. With ``stable``, a draw whose start exists but is rejected by ``stable`` (a start that is
    locally unstable, :mod:`model.analysis.stability`) is replaced in the same way, and its share is kept apart.

    Parameters
    ----------
    system : System
        The model (its ``meta.derive_start``).
    draw : callable
        ``draw(m, seed) -> pandas.DataFrame``: ``m`` draws with the given integer seed (the sampler truncated).
    n : int
        Number of draws wanted.
    seed : int
        Seed of the first ``n`` draws (``draw(n, seed)``).
    max_rounds : int
        Rounds of replacement candidates before giving up.
    stable : callable, optional
        ``stable(system, draws) -> bool array``, True where a draw that has a start is accepted (called on
        draws that have one only).

    Returns
    -------
    pandas.DataFrame
        ``n`` draws, each with a start; ``attrs`` as ``draw``'s plus ``"no_start_share"`` (share of the first
        ``n`` draws without a start: the estimated mass truncated), ``"no_start_redrawn"`` (rows replaced),
        ``"no_start_candidates"`` (candidates drawn, first ``n`` included) and ``"truncation"`` (the rule in
        words); with ``stable`` also ``"unstable_share"`` and ``"unstable_redrawn"`` (share and number of the
        first ``n`` draws that have a start that ``stable`` rejects).

    Raises
    ------
    ModelError
        When ``max_rounds`` rounds of candidates leave a row without a start (the start region is too small
        a share of the sampled region).
    """
    def admissible(d: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        start = has_start(system, d)
        ok = start.copy()
        if stable is not None and start.any():
            ok[start] = np.asarray(stable(system, d.iloc[np.flatnonzero(start)]), bool)
        return ok, start

    df = draw(n, seed)
    attrs = dict(df.attrs)
    ok, start = admissible(df)
    bad = np.flatnonzero(~ok)
    no_start, unstable, tried = int((~start).sum()), int((start & ~ok).sum()), int(n)
    for r in range(1, max_rounds + 1):
        if bad.size == 0:
            break
        k = max(4 * bad.size, 16)
        sub = int(np.random.SeedSequence([int(seed), r]).generate_state(1)[0] % (2 ** 31))
        cand = draw(k, sub)
        tried += k
        good = np.flatnonzero(admissible(cand)[0])[:bad.size]
        df.iloc[bad[:good.size]] = cand.iloc[good][df.columns].to_numpy()
        bad = bad[good.size:]
    what = "start at rest" if stable is None else "stable start at rest"
    if bad.size:
        raise ModelError(f"no {what} for {bad.size} of {n} draws after {max_rounds} rounds of "
                         f"{tried} candidates: the sampled region hardly holds a start; narrow the ranges")
    df.attrs = attrs
    df.attrs.update({"no_start_share": no_start / n, "no_start_redrawn": no_start, "no_start_candidates": tried,
                     "truncation": "draws without a start at rest re-drawn (prior truncated to the region "
                                   "where a start at rest exists: An & Schorfheide 2007)"})
    if stable is not None:
        df.attrs.update({"unstable_share": unstable / n, "unstable_redrawn": unstable,
                         "truncation": "draws without a start at rest, or whose start is locally unstable, "
                                       "re-drawn (prior truncated to the region where a stable start at rest "
                                       "exists: An & Schorfheide 2007)"})
    return df

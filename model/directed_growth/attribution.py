"""Which flagged ensemble members collapsed under climate damages, and which failed for other reasons.

A member of an ensemble is flagged on a policy path when it has no start at rest, did not integrate to the end,
or left the plausible range (:mod:`model.solve.plausible`). Under severe damages a collapse is an outcome of the
economy, not a failure of the model: GEMMES (Bovari, Giraud & Mc Isaac 2018, Ecological Economics 147,
383-398; economics.md 7.1) finds "secular stagnation followed by collapse" near 2100 under severe damages. The
rule, stated plainly:

* ``no_start``: the draw has no start at rest (never integrated);
* ``not_integrating``: the run with damages did not integrate to the end (a stock left its bounds, the step
  size underflowed, the solver failed): a failure, whatever the run without damages does;
* ``collapsed_under_damages``: the run left the plausible range, and the same draw with climate damages switched
  off (``d_sw = 0``, everything else equal, its start re-derived) integrates to the end and stays plausible on
  that path;
* ``implausible_without_damages``: the run left the plausible range, and so does (or fails) the same draw without
  damages: the model left its domain for other reasons;
* ``plausible``: not flagged.

A member is *failed* when it is ``no_start``, ``not_integrating`` or ``implausible_without_damages``.
Collapsed members stay flagged: their outcomes are left out of the statistics as every flagged member's are,
and a collapse on one path only is a loss for that path in p(market shaping beats market fixing)
(:func:`model.analysis.discovery.beats`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..solve.status import Status
from ..text import plural

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from ..core.system import System

__all__ = ["CATEGORIES", "FAILED", "attribute", "attribution_table", "attribution_text", "classify"]

#: member categories, in report order: (name, words)
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("plausible", "plausible"),
    ("collapsed_under_damages", "collapsed under climate damages (plausible with damages off)"),
    ("implausible_without_damages", "failed: left the plausible range with damages off too"),
    ("not_integrating", "failed: did not integrate to the end"),
    ("no_start", "failed: no start at rest"),
)
#: the categories counted as failed members
FAILED = ("implausible_without_damages", "not_integrating", "no_start")


def classify(status: np.ndarray, status_off: np.ndarray, no_start: np.ndarray) -> np.ndarray:
    """The category of each member from its status with damages and with damages off.

    Parameters
    ----------
    status : array of int
        :class:`~model.solve.status.Status` code of each member with damages (any shape).
    status_off : array of int
        Code of the same member with damages switched off (same shape; read only where ``status`` is
        :attr:`~model.solve.status.Status.IMPLAUSIBLE`).
    no_start : array of bool
        True where the draw has no start at rest (broadcast to ``status``'s shape).

    Returns
    -------
    numpy.ndarray of str
        One of the names of :data:`CATEGORIES` per member (the module's rule).
    """
    status = np.asarray(status)
    out = np.full(status.shape, "not_integrating", dtype=object)
    out[status == Status.SUCCESS] = "plausible"
    implausible = status == Status.IMPLAUSIBLE
    out[implausible & (np.asarray(status_off) == Status.SUCCESS)] = "collapsed_under_damages"
    out[implausible & (np.asarray(status_off) != Status.SUCCESS)] = "implausible_without_damages"
    out[np.broadcast_to(np.asarray(no_start, bool), status.shape)] = "no_start"
    return out.astype(str)


def attribute(system: System, ens: xr.Dataset, draws: pd.DataFrame, policies: Sequence, *,
              t_span: tuple[float, float], chunk_size: int = 2500, client=None) -> xr.DataArray:
    """Classify every member of ``ens`` (this module's rule), integrating its flagged draws again with damages off.

    Parameters
    ----------
    system : System
        The directed-growth model of the ensemble.
    ens : xarray.Dataset
        The ensemble of :func:`model.ensemble` over ``policy`` and ``draw`` (its ``status``).
    draws : pandas.DataFrame
        The draws it integrated, row ``i`` for ``draw`` ``i``.
    policies : sequence of Policy
        The policies it integrated, in the order of ``ens.policy``.
    t_span : (float, float)
        Its span [year].
    chunk_size, client
        As :func:`model.ensemble`.

    Returns
    -------
    xarray.DataArray
        ``member_class`` over (``policy``, ``draw``): a name of :data:`CATEGORIES` per member.
    """
    import xarray as xr

    from ..analysis.draws import has_start
    from ..solve.ensembles import ensemble

    status = ens["status"].transpose("policy", "draw").values
    starts = has_start(system, draws)
    flagged = np.flatnonzero((status != Status.SUCCESS).any(axis=0) & starts)
    status_off = np.full(status.shape, int(Status.SUCCESS))
    if flagged.size:
        off = draws.iloc[flagged].copy()
        off["d_sw"] = 0.0
        run = ensemble(system, off.reset_index(drop=True), list(policies), t_span=t_span, variables=(),
                       outcomes=False, chunk_size=chunk_size, client=client, progress=False)
        status_off[:, flagged] = run["status"].transpose("policy", "draw").values
    cls = classify(status, status_off, ~starts[None, :])
    return xr.DataArray(cls, dims=("policy", "draw"), coords={"policy": ens.policy.values, "draw": ens.draw.values},
                        name="member_class", attrs={"long_name": "member category (model.directed_growth."
                                                                 "attribution)"})


def attribution_table(member_class: xr.DataArray) -> pd.DataFrame:
    """Counts per policy (rows) of each category (columns, :data:`CATEGORIES` order), plus ``failed`` (the sum
    of :data:`FAILED`) and ``members``."""
    import pandas as pd

    rows = {}
    for p in member_class.policy.values:
        v = np.asarray(member_class.sel(policy=p).values)
        row = {name: int((v == name).sum()) for name, _ in CATEGORIES}
        row["failed"] = sum(row[k] for k in FAILED)
        row["members"] = int(v.size)
        rows[str(p)] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def attribution_text(member_class: xr.DataArray, *, limit: float = 0.01, truncated: dict | None = None) -> str:
    """Plain-text report of the categories per path, and whether failed members stay below ``limit``.

    Parameters
    ----------
    member_class : xarray.DataArray
        From :func:`attribute`.
    limit : float
        Share of failed members accepted on any path [dimensionless] (the issue's 1%).
    truncated : dict, optional
        The draw table's ``attrs`` with ``no_start_share``, ``no_start_redrawn`` and ``no_start_candidates``
        (:func:`model.analysis.draws.truncate_to_start`): reported when given.
    """
    table = attribution_table(member_class)
    lines = ["Members by category (a flagged member 'collapsed under climate damages' if the same draw with damages "
             "switched off, d_sw = 0, stays plausible on that path; GEMMES, Bovari, Giraud & Mc Isaac 2018: "
             "collapse under severe damages is an outcome; every other flagged member is failed):"]
    for p, row in table.iterrows():
        n = row["members"]
        parts = [f"{words} {row[name]} ({100 * row[name] / n:.2f}%)" for name, words in CATEGORIES]
        lines.append(f"- {p}: " + "; ".join(parts) + f". Failed in all: {row['failed']} of {n} "
                     f"({100 * row['failed'] / n:.2f}%).")
    worst = float((table["failed"] / table["members"]).max())
    verdict = "holds" if worst < limit else "does NOT hold"
    lines.append(f"Failed members below {100 * limit:g}% on every path: {verdict} (largest share "
                 f"{100 * worst:.2f}%, {table['failed'].idxmax()}).")
    if truncated and "no_start_share" in truncated:
        n = int(table["members"].iloc[0])
        lines.append(f"Draws without a start at rest: {int(truncated['no_start_redrawn'])} of the first "
                     f"{plural(n, 'draw')} ({100 * truncated['no_start_share']:.2f}%) were re-drawn: the prior is "
                     "truncated to the region where a start at rest exists (An & Schorfheide 2007; "
                     f"{plural(int(truncated['no_start_candidates']), 'candidate')} drawn in all).")
    return "\n".join(lines)

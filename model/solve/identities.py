"""Accounting identities along computed paths: the residuals, the check against ``identity_tol``, and
their record in the provenance, for :func:`model.simulate` and every member of :func:`model.ensemble`.

A model's declared identities, and the checks of its Godley tables (:mod:`model.core.accounts`), are
compiled as auxiliaries named ``identity_<name>`` (relative residuals for identities declared as
``sympy.Eq(lhs, rhs)`` and for table checks, absolute otherwise [dimensionless or the identity's
units]); the compiled ``observe_path`` and ``ensemble_observe`` evaluate them at every output time.
:func:`identity_residuals` reduces them to the largest absolute residual of each identity per run,
and :func:`violated` is the one comparison with the tolerance:

* :func:`model.simulate` saves, per identity, the largest residual over its runs in the provenance
  (``identity_max_residual``) and warns (:class:`~model.solve.simulation.IdentityWarning`) beyond
  ``identity_tol``;
* :func:`model.ensemble` applies the same reduction and comparison to every member on every policy
  path (in memory, in a store, on Dask: every chunk goes through :func:`flag_violations`): a member
  that integrated to the end but whose identities fail is given the status
  :attr:`~model.solve.status.Status.IDENTITY_VIOLATED`, with a ``failure`` text naming the identity,
  the tolerance, the first output time beyond it and the residual there, and so is left out of every
  outcome statistic as a failed member is. Each chunk carries, per identity, its largest residual and
  the member it came from (:func:`worst_members`, the chunk attribute :data:`CHUNK_ATTR`); the
  ensemble's provenance records the largest over all chunks (:func:`record_residuals`):
  ``identity_max_residual`` (identity -> residual) and ``identity_worst_member`` (identity -> policy and
  draw), beside the tolerance, ``identity_tol``.

A run's residuals count up to the time its integration reached (a failed run's path is NaN after it);
a member without a start (never integrated) has none.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..text import plural
from .plausible import run_name
from .status import Status

if TYPE_CHECKING:
    import xarray as xr

    from ..compiler.compiled import CompiledSystem

__all__ = ["CHUNK_ATTR", "IDENTITY_PREFIX", "flag_violations", "identities_line", "identity_residuals", "merge_worst",
           "record_residuals", "violated", "worst_members"]

#: prefix of the compiled auxiliaries that hold the identities' residuals
IDENTITY_PREFIX = "identity_"
#: attribute of an ensemble chunk holding its per-identity worst member (JSON, :func:`worst_members`)
CHUNK_ATTR = "identity_worst_members"


def identity_residuals(cs: CompiledSystem, A: np.ndarray, t_eval: np.ndarray | None = None,
                       until: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The largest absolute residual of each accounting identity, per run, over the output times.

    Parameters
    ----------
    cs : CompiledSystem
        The compiled model; its observed auxiliaries ``identity_<name>`` are the residuals.
    A : numpy.ndarray, shape (m, nt, len(cs.observed_names))
        The observed auxiliaries of ``m`` runs at the ``nt`` output times (``cs.observe_path``,
        ``cs.ensemble_observe``).
    t_eval : numpy.ndarray, shape (nt,), optional
        The output times [year]; needed with ``until``.
    until : numpy.ndarray, shape (m,), optional
        Per run, the last time [year] whose residual counts (a failed run: the time its integration
        reached; ``-inf``: none counts, a run never integrated); default every output time.

    Returns
    -------
    dict
        Identity name (without the prefix) -> array of shape (m,): the largest ``|residual|`` of each run
        [the identity's units; dimensionless for relative residuals], NaN values ignored; NaN for a run
        with no finite residual.
    """
    late = None
    if until is not None:
        if t_eval is None:
            raise ValueError("identity_residuals: until needs t_eval")
        late = np.asarray(t_eval)[None, :] > np.asarray(until, float)[:, None]
        if not late.any():
            late = None
    out: dict[str, np.ndarray] = {}
    for i, n in enumerate(cs.observed_names):
        if n.startswith(IDENTITY_PREFIX):
            x = np.abs(A[:, :, i])
            if late is not None:
                x = np.where(late, np.nan, x)
            out[n[len(IDENTITY_PREFIX):]] = np.fmax.reduce(x, axis=1)  # NaN-ignoring, NaN when all are NaN
    return out


def violated(residual: float | np.ndarray, tol: float) -> np.ndarray:
    """Whether a largest residual fails the tolerance: ``residual > tol`` (NaN: no finite residual, not failed).

    Parameters
    ----------
    residual : float or numpy.ndarray
        Largest absolute residual(s) [the identity's units; dimensionless for relative residuals].
    tol : float
        ``identity_tol``, the largest acceptable residual [same units].

    Returns
    -------
    numpy.ndarray of bool
        Same shape as ``residual``.
    """
    with np.errstate(invalid="ignore"):
        return np.asarray(residual, float) > tol


def flag_violations(cs: CompiledSystem, A: np.ndarray, t_eval: np.ndarray, residuals: Mapping[str, np.ndarray],
                    tol: float, info: np.ndarray, failures: np.ndarray, model: str, policy: str | None) -> int:
    """Flag, in place, the runs that integrated to the end but fail an identity beyond ``tol``.

    Parameters
    ----------
    cs, A, t_eval
        As for :func:`identity_residuals` (``t_eval`` [year]).
    residuals : mapping
        Identity name -> largest residual per run, shape (m,) (:func:`identity_residuals`).
    tol : float
        ``identity_tol`` [the identities' units; dimensionless for relative residuals].
    info : numpy.ndarray, shape (m, 5)
        The runs' status rows (code, time reached [year], ...); a run with status
        :attr:`~model.solve.status.Status.SUCCESS` that fails gets
        :attr:`~model.solve.status.Status.IDENTITY_VIOLATED`; other runs keep theirs.
    failures : numpy.ndarray of object, shape (m,)
        The runs' failure texts; a flagged run's becomes ``"model 'm', policy 'p': accounting identity
        'x' violated beyond 1e-08 at t=2031: residual 2.1e-07 (largest 5.3e-06)"``: the identity failed
        first (at the earliest output time), the tolerance, that time and the residual there.
    model : str
        The model's name.
    policy : str or None
        The policy's name (``None``: none named).

    Returns
    -------
    int
        The number of runs flagged.
    """
    names = list(residuals)
    if not names:
        return 0
    R = np.column_stack([np.asarray(residuals[n], float) for n in names])  # (m, identities)
    bad = violated(R, tol) & (info[:, 0] == Status.SUCCESS)[:, None]
    rows = np.flatnonzero(bad.any(axis=1))
    for i in rows:
        first = {}  # identity -> index of the first output time beyond the tolerance
        for j in np.flatnonzero(bad[i]):
            x = np.abs(A[i, :, cs.observed_names.index(IDENTITY_PREFIX + names[j])])
            first[int(j)] = int(np.argmax(violated(x, tol)))
        j = min(first, key=lambda k: (first[k], -R[i, k]))
        x = np.abs(A[i, :, cs.observed_names.index(IDENTITY_PREFIX + names[j])])
        k = first[j]
        info[i, 0] = Status.IDENTITY_VIOLATED
        failures[i] = (f"{run_name(model, policy)}: accounting identity {names[j]!r} violated beyond {tol:g} "
                       f"at t={t_eval[k]:g}: residual {x[k]:.3g} (largest {R[i, j]:.3g})")
    return len(rows)


def worst_members(residuals: Sequence[Mapping[str, np.ndarray]], policies: Sequence[str],
                  draws: np.ndarray) -> dict[str, list]:
    """Per identity, the largest residual over the runs of a chunk and the run it came from.

    Parameters
    ----------
    residuals : sequence of mapping
        One per policy: identity name -> largest residual per member, shape (m,) (:func:`identity_residuals`).
    policies : sequence of str
        The policy names, in the order of ``residuals``.
    draws : numpy.ndarray of int, shape (m,)
        The members' draw indices.

    Returns
    -------
    dict
        Identity name -> ``[residual, policy, draw]`` (``[nan, None, None]`` where no run has a finite
        residual) [the identity's units; dimensionless for relative residuals].
    """
    out: dict[str, list] = {}
    for k, per_policy in enumerate(residuals):
        for name, r in per_policy.items():
            r = np.asarray(r, float)
            if not np.isfinite(r).any():
                out.setdefault(name, [math.nan, None, None])
                continue
            i = int(np.nanargmax(r))
            if name not in out or not out[name][0] >= r[i]:  # NaN (no finite residual yet) loses
                out[name] = [float(r[i]), str(policies[k]), int(draws[i])]
    return out


def merge_worst(records: Iterable[Mapping[str, Sequence]]) -> dict[str, list]:
    """The worst member of each identity over several chunks' records (:func:`worst_members`).

    Parameters
    ----------
    records : iterable of mapping
        Identity name -> ``[residual, policy, draw]``, one mapping per chunk.

    Returns
    -------
    dict
        Identity name -> ``[residual, policy, draw]`` with the largest residual (NaN where no chunk has one).
    """
    out: dict[str, list] = {}
    for rec in records:
        for name, (r, policy, draw) in rec.items():
            r = math.nan if r is None else float(r)
            if name not in out or (not math.isnan(r) and not out[name][0] >= r):
                out[name] = [r, policy, draw]
    return out


def record_residuals(attrs: dict[str, Any], worst: Mapping[str, Sequence]) -> None:
    """Write an ensemble's identity residuals into its provenance (``attrs["provenance"]``, JSON), in place.

    Parameters
    ----------
    attrs : dict
        The ensemble's attributes, with ``provenance`` (a JSON text).
    worst : mapping
        Identity name -> ``[residual, policy, draw]`` over every member (:func:`merge_worst`) [the
        identity's units; dimensionless for relative residuals].

    Notes
    -----
    Sets ``identity_max_residual`` (identity -> largest residual over every member and policy, as
    :func:`model.simulate` records it over its runs) and ``identity_worst_member`` (identity ->
    ``{"policy", "draw"}`` of that member); the tolerance is the provenance's ``identity_tol``.
    """
    prov = json.loads(attrs["provenance"])
    prov["identity_max_residual"] = {n: math.nan if w[0] is None else float(w[0]) for n, w in sorted(worst.items())}
    prov["identity_worst_member"] = {n: {"policy": w[1], "draw": w[2]} for n, w in sorted(worst.items())}
    attrs["provenance"] = json.dumps(prov, sort_keys=True)


def identities_line(ens: xr.Dataset) -> str:
    """One line on an ensemble's accounting identities, from its provenance and ``status``.

    Parameters
    ----------
    ens : xarray.Dataset
        A result of :func:`model.ensemble`.

    Returns
    -------
    str
        The largest residual over every member and policy path, its identity and member, the tolerance
        and the members flagged for an identity: ``"accounting identities: largest residual 7.6e-14 (bs:
        column 'banks', policy_b, draw 1374), tolerance 1e-08; 0 members flagged"`` (residuals in
        the identity's units; dimensionless for relative residuals, as the Godley tables' checks are).
    """
    prov = json.loads(ens.attrs["provenance"])
    res = {k: v for k, v in prov.get("identity_max_residual", {}).items() if np.isfinite(v)}
    flagged = plural(int((np.asarray(ens["status"].values) == Status.IDENTITY_VIOLATED).sum()), "member")
    if not res:
        return f"accounting identities: no finite residual; {flagged} flagged"
    name = max(res, key=lambda k: res[k])
    who = prov.get("identity_worst_member", {}).get(name, {})
    return (f"accounting identities: largest residual {res[name]:.2g} ({name}, {who.get('policy')}, draw "
            f"{who.get('draw')}), tolerance {prov.get('identity_tol', math.nan):g}; {flagged} flagged")

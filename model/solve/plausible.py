"""Runs whose paths leave the plausible ranges a model declares (:attr:`ModelMeta.plausible
<model.core.metadata.ModelMeta>`): flagged, named and counted.

A run can integrate to the end and still describe nothing real: an economy whose employment rate
falls to a fifth, or whose wage share goes to zero, is outside what its equations were written for.
A model declares the range each such path keeps (``ModelMeta.plausible``: name -> ``(low, high)``);
after the integration, every run of :func:`model.simulate` and every member of :func:`model.ensemble`
(in memory, in a store, on Dask: all go through :func:`flag_implausible`) whose path of a declared
variable is outside its range at any output time is given the status
:attr:`~model.solve.status.Status.IMPLAUSIBLE`, and its ``failure`` text names the variable, the bound,
the value and the first output time outside. The paths stay whole (the integration is complete, and
they show what went wrong); an ensemble computes its outcomes from the plausible members only, so
that every statistic leaves a flagged member out as it leaves out one that failed to integrate.

The check covers the declared variables at the run's output times (``t_eval``); an ensemble computes
the declared variables whether or not it keeps them (:attr:`ModelMeta.keep`, ``variables=``) and
drops those not kept afterwards. A run that already failed to integrate keeps its own status.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .status import Status, failure_reason

if TYPE_CHECKING:
    import xarray as xr

    from ..core.system import System

__all__ = ["PlausibilityWarning", "flag_implausible", "flag_nonfinite", "flag_summary", "run_name"]


class PlausibilityWarning(UserWarning):
    """A run integrated to the end, but a path left the model's declared plausible range
    (:attr:`ModelMeta.plausible <model.core.metadata.ModelMeta>`)."""


def run_name(model: str, policy: str | None) -> str:
    """``"model 'keen', policy 'a'"``: how a run is named in failure messages (no policy: the model alone)."""
    return f"model {model!r}" + (f", policy {policy!r}" if policy else "")


def flag_implausible(ds: xr.Dataset, system: System, policies: Sequence[str | None]) -> list[str]:
    """Flag, in place, the runs of ``ds`` whose declared paths leave their plausible ranges.

    Parameters
    ----------
    ds : xarray.Dataset
        A result in the schema of :mod:`model.solve.results` holding every variable of
        ``system.meta.plausible`` over ``time`` [year] and the ``status`` and ``failure`` of each run.
    system : System
        The model (its ``meta.plausible`` ranges, names, descriptions and units).
    policies : sequence of str or None
        The policy name of each entry of ``ds``'s ``policy`` dimension (one name when it has none),
        as the failure messages give it (``None``: no policy named).

    Returns
    -------
    list of str
        The ``failure`` text of each newly flagged run (empty when none is): ``"model 'm', policy 'p':
        lam (employment rate) below its plausible minimum 0.7 at t=2085: 0.648 [dimensionless]"``,
        the first output time at which any declared path is outside its range.
    """
    ranges = system.meta.plausible
    if not ranges:
        return []
    status = ds["status"].values.copy()
    run_dims = ds["status"].dims
    t = ds["time"].values
    paths = {name: ds[name].transpose(*run_dims, "time").values for name in ranges}
    first = np.full(status.shape, t.size)  # index of the first output time outside, per run
    culprit = np.full(status.shape, -1)
    for k, (name, (lo, hi)) in enumerate(ranges.items()):
        x = paths[name]
        with np.errstate(invalid="ignore"):  # NaN after a failure: not outside
            out = np.zeros(x.shape, bool)
            if lo is not None:
                out |= x < lo
            if hi is not None:
                out |= x > hi
        when = np.where(out.any(-1), out.argmax(-1), t.size)
        earlier = when < first
        first[earlier], culprit[earlier] = when[earlier], k
    hit = (status == Status.SUCCESS) & (culprit >= 0)
    if not hit.any():
        return []
    names = list(ranges)
    pol_axis = run_dims.index("policy") if "policy" in run_dims else None
    flags: dict[tuple, str] = {}
    texts = []
    for row in np.argwhere(hit):  # a run's index over the run dimensions (() for a single run)
        idx = tuple(int(j) for j in row)
        name = names[int(culprit[idx])]
        lo, hi = ranges[name]
        i = int(first[idx])
        value = float(paths[name][idx + (i,)])
        var = system.variables[name]
        side = f"below its plausible minimum {lo:g}" if lo is not None and value < lo else \
            f"above its plausible maximum {hi:g}"
        policy = policies[idx[pol_axis]] if pol_axis is not None else policies[0]
        text = (f"{run_name(system.name, policy)}: {name} ({var.long_name}) {side} at t={t[i]:g}: "
                f"{value:.4g} [{var.units}]")
        texts.append(text)
        flags[idx] = text
    return _flag(ds, flags, Status.IMPLAUSIBLE, texts)


def flag_nonfinite(ds: xr.Dataset, system: System, policies: Sequence[str | None]) -> list[str]:
    """Flag, in place, the runs that integrated to the end but whose output holds a non-finite value.

    The integrators check the states; an auxiliary can still be NaN or infinite at an output time (a
    power of a quantity that rounding took just below zero, say). Such a run is not a success: its status
    becomes :attr:`~model.solve.status.Status.NONFINITE` and its ``failure`` text names the first variable
    and output time.

    Parameters and returns as :func:`flag_implausible` (the texts of the newly flagged runs).
    """
    status = ds["status"].values.copy()
    run_dims = ds["status"].dims
    ok = status == Status.SUCCESS
    if not ok.any():
        return []
    t = ds["time"].values
    bad = np.zeros(status.shape, bool)
    first: dict[tuple, tuple[float, str]] = {}
    for name, da in ds.data_vars.items():
        if "time" not in da.dims or set(da.dims) - {"time", *run_dims} or not np.issubdtype(da.dtype, np.floating):
            continue
        x = da.transpose(*run_dims, "time").values
        nonfinite = ~np.isfinite(x) & ok[..., None]
        if not nonfinite.any():
            continue
        for row in np.argwhere(nonfinite.any(axis=-1)):
            idx = tuple(int(j) for j in row)
            i = int(np.argmax(nonfinite[idx]))
            if idx not in first or t[i] < first[idx][0]:
                first[idx] = (float(t[i]), str(name))
        bad |= nonfinite.any(axis=-1)
    if not bad.any():
        return []
    pol_axis = run_dims.index("policy") if "policy" in run_dims else None
    flags: dict[tuple, str] = {}
    texts = []
    for idx, (when, name) in sorted(first.items()):
        policy = policies[idx[pol_axis]] if pol_axis is not None else policies[0]
        var = system.variables.get(name)
        text = (f"{run_name(system.name, policy)}: {name}" + (f" ({var.long_name})" if var is not None else "")
                + f" is not finite at t={when:g} although the states integrated to the end")
        texts.append(text)
        flags[idx] = text
    return _flag(ds, flags, Status.NONFINITE, texts)


def _flag(ds: xr.Dataset, flags: dict[tuple, str], code: Status, texts: list[str]) -> list[str]:
    """Write ``code`` and the failure text of each flagged run (run index -> text) into ``ds``."""
    status = ds["status"].values.copy()
    failure = ds["failure"].values.astype(object)
    for idx, text in flags.items():
        status[idx] = code
        failure[idx] = text
    ds["status"] = ds["status"].copy(data=status)
    ds["failure"] = ds["failure"].copy(data=failure.astype(str))
    return texts


def flag_summary(ens: xr.Dataset) -> str:
    """Per policy of an ensemble, the members flagged in ``status`` and, where some left the plausible
    range or broke an accounting identity (:mod:`model.solve.identities`), how: ``"a 0, b 3 (1 did not
    integrate to the end; 2 left the plausible range: 2 lam (employment rate) below its plausible minimum
    0.7)"``, ``"a 1 (1 broke an accounting identity: 1 accounting identity 'x' violated beyond 1e-08)"``."""
    parts = []
    for p in ens.policy.values:
        status = np.asarray(ens.status.sel(policy=p).values)
        failure = np.asarray(ens.failure.sel(policy=p).values)
        flagged = int((status != Status.SUCCESS).sum())
        groups = [(status == code, what) for code, what in ((Status.IDENTITY_VIOLATED, "broke an accounting identity"),
                                                              (Status.IMPLAUSIBLE, "left the plausible range"))]
        text = f"{p} {flagged}"
        if any(members.any() for members, _ in groups):
            failed = flagged - sum(int(members.sum()) for members, _ in groups)
            said = [f"{failed} did not integrate to the end"] if failed else []
            for members, what in groups:
                if members.any():
                    reasons: dict[str, int] = {}
                    for r in failure[members]:
                        reasons[failure_reason(r)] = reasons.get(failure_reason(r), 0) + 1
                    said.append(f"{int(members.sum())} {what}: "
                                + ", ".join(f"{v} {k}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1])))
            text += " (" + "; ".join(said) + ")"
        parts.append(text)
    return ", ".join(parts)

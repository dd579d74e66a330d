"""Outcome tables from a model's outcome registry (:class:`~model.core.metadata.Outcome`):
a tidy table per policy of a result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..core.metadata import Outcome, OutcomeContext, outcome_metrics
from ..errors import ModelError
from ..text import plural

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from ..core.system import System

__all__ = ["compare", "outcome_metrics"]


def _policies(ds) -> list[str]:
    return [str(p) for p in ds.policy.values] if "policy" in ds.dims else [ds.attrs.get("policy", "default")]


def compare(ds: xr.Dataset, outcomes: Sequence[Outcome] | None = None, *, system: System | None = None,
            experiments: bool = True, baseline: str | None = None) -> pd.DataFrame:
    """Outcome table per policy (a ``pandas.DataFrame`` indexed by policy).

    Parameters
    ----------
    ds : xarray.Dataset
        Result of :func:`model.simulate` (several policies, or one).
    outcomes : sequence of Outcome, optional
        The outcome registry; default the model's (``system.meta.outcomes``).
    system : System, optional
        The model, for its registry and for the outcomes computed from extra runs; rebuilt
        from the result's provenance when needed and omitted (only from the package's own
        factories, see :func:`model.catalogue.rebuild`; pass it for any other model).
    experiments : bool
        Also compute the outcomes that need extra runs of the model (``Outcome.experiment``,
        e.g. impulse responses).
    baseline : str, optional
        Policy against which relative outcomes are computed; default the model's baseline.

    Returns
    -------
    pandas.DataFrame
        One column per outcome, in registry order; units in ``df.attrs["units"]``.

    Raises
    ------
    ModelError
        For an ensemble result, a model without outcomes, or (when the model is rebuilt)
        provenance naming a model outside the package's registry, or a saved policy or path that
        is not an allowed expression (nothing read from the file is evaluated).
    """
    import pandas as pd

    if "draw" in ds.dims:
        raise ModelError("compare() tabulates single runs; for an ensemble use model.ensemble "
                         "(outcomes per draw) or outcome_metrics(ds, outcomes)")
    ctx = OutcomeContext(baseline=baseline)
    if experiments or outcomes is None:
        from ..solve.results import read_provenance, rebuild_system, saved_exogenous, saved_policies

        prov = read_provenance(ds)
        ctx.policies = saved_policies(prov)  # parsed, never evaluated; refused before any model is built
        ctx.exogenous = saved_exogenous(prov) or None
        if system is None:
            system = rebuild_system(prov)
        ctx.system = system
        ctx.params = {k: v for k, v in prov["parameters"].items() if v != "draw"}
        if len(ctx.policies) != len(_policies(ds)):
            raise ModelError(f"the result has {plural(len(_policies(ds)), 'policy')} but its provenance "
                             f"{len(ctx.policies)}")
    if outcomes is None:
        assert system is not None  # set above whenever outcomes is None
        outcomes = system.meta.outcomes
    if not outcomes:
        raise ModelError(f"model {ds.attrs.get('model', '?')!r} has no outcome registry: pass outcomes=")
    if ctx.baseline is None and system is not None:
        ctx.baseline = system.meta.baseline
    metrics = outcome_metrics(ds, outcomes, ctx)
    if "policy" not in metrics.dims:
        metrics = metrics.expand_dims(policy=_policies(ds))
    if experiments:
        for o in outcomes:
            if o.experiment:
                metrics[o.name] = o.compute(ds, ctx).assign_coords(policy=metrics.policy.values)
    rows = {pol: {k: float(metrics[k].sel(policy=pol)) for k in metrics.data_vars} for pol in _policies(ds)}
    df = pd.DataFrame.from_dict(rows, orient="index")
    df.index.name = "policy"
    df = df[[o.name for o in outcomes if o.name in df.columns]]
    df.attrs["units"] = {o.name: o.units for o in outcomes if o.name in df.columns}
    return df

"""What a model says about its own use: default span and inputs, kept paths, start-state hook,
outcomes and named policy paths (:class:`ModelMeta`, carried by :class:`~model.core.system.System`).

The engine reads these instead of carrying an application's defaults in its signatures:
:func:`model.simulate` and :func:`model.ensemble` take the span and the exogenous paths from
here, the ensemble keeps :attr:`ModelMeta.keep`, re-derives start quantities per draw with
:attr:`ModelMeta.derive_start` and computes :attr:`ModelMeta.outcomes` per member, and every run whose
path leaves a range of :attr:`ModelMeta.plausible` is flagged (:mod:`model.solve.plausible`). None of it
enters :meth:`System.equations_hash`: it does not change compiled code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["ModelMeta", "Outcome", "OutcomeContext", "PolicyPath", "outcome_metrics"]


@dataclass(frozen=True)
class Outcome:
    """One outcome of a model's runs: its metadata, display and how it is computed.

    Attributes
    ----------
    name : str
        Variable name in results (e.g. ``"T_end"``).
    long_name : str
        Description (the result variable's ``long_name``).
    units : str
        Units of the computed value (pint text, e.g. ``"delta_degC"``).
    better : {"higher", "lower"} or None
        The direction in which the outcome is better (scenario discovery); ``None``: no ranking.
    label : str
        Short label of tables and figures.
    scale : float
        Factor applied for display (100 shows a share in percent).
    display_units : str or None
        Units after ``scale`` (``None``: ``units``).
    needs : tuple of str
        Paths the computation reads (kept in ensembles whenever the outcome is computed).
    compute : callable
        ``compute(ds, ctx) -> xarray.DataArray`` over every dimension of ``ds`` but ``time``
        (``ctx`` an :class:`OutcomeContext`).
    experiment : bool
        Computed from extra runs of the model (``ctx.system`` etc.), not from the paths alone:
        tabulated by :func:`model.analysis.compare` only, never per ensemble member.
    summary : bool
        Shown in summary tables by default (e.g. the interval table of an ensemble).
    parameters : tuple of str
        Parameters the computation reads as ``ds[name]``, at the run's values: a result carries its
        parameters, an ensemble's chunk each member's (drawn) value; where ``ds`` lacks one,
        :func:`outcome_metrics` takes it from ``ctx.params``, else the model's default (``ctx.system``).
    """

    name: str
    long_name: str
    units: str
    better: str | None
    label: str
    scale: float
    needs: tuple[str, ...]
    compute: Callable[..., Any]
    display_units: str | None = None
    experiment: bool = False
    summary: bool = False
    parameters: tuple[str, ...] = ()

    def attrs(self) -> dict[str, Any]:
        """Attributes of the result variable (``long_name``, ``units``, ``kind``, ``better``)."""
        out = {"long_name": self.long_name, "units": self.units, "kind": "outcome"}
        if self.better:
            out["better"] = self.better
        return out


@dataclass
class OutcomeContext:
    """What an outcome's ``compute`` may use besides the paths.

    Attributes
    ----------
    baseline : str or None
        Policy against which relative outcomes are computed.
    system, params, policies, exogenous
        The model, its scalar parameter values, the saved policies (one per ``policy`` of the
        result, in order) and exogenous paths: for ``experiment`` outcomes (an ensemble's chunk passes
        its model and policies to the outcomes computed from paths too).
    cache : dict
        Shared between outcomes of one table (e.g. one impulse response for two horizons).
    """

    baseline: str | None = None
    system: Any = None
    params: Mapping[str, float] | None = None
    policies: Sequence[Any] | None = None
    exogenous: Mapping[str, Any] | None = None
    cache: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PolicyPath:
    """A named policy path of a model: ``factory()`` returns the :class:`~model.core.levers.Policy`."""

    name: str
    display: str
    factory: Callable[[], Any]


@dataclass(frozen=True)
class ModelMeta:
    """A model's own defaults and registries (see the module docstring).

    Attributes
    ----------
    t_span : (float, float) or None
        Default start and end [year] of a run.
    exogenous : mapping
        Default paths of exogenous inputs (name -> Schedule), used wherever a run is not told
        otherwise (an explicit ``exogenous=`` overrides per name).
    keep : tuple of str or None
        Paths kept per ensemble member by default (``None``: every stock).
    derive_start : callable or None
        ``derive_start(system, values) -> {name: array}``: start quantities re-derived for each
        ensemble draw (``values``: the drawn arrays by name). A draw for which no consistent start
        exists gets non-finite start quantities.
    no_start : callable or None
        ``no_start(system, values) -> array of str``: why no consistent start exists for each draw
        ('' where one does), asked for the draws whose derived start is not finite: their members are
        reported failed at the start with that reason instead of integrating from NaN.
    outcomes : tuple of Outcome
        The model's outcome registry.
    policies : tuple of PolicyPath
        The model's named policy paths, in comparison order.
    baseline : str or None
        The policy path relative outcomes are measured against.
    plausible : mapping
        Name of a stock, auxiliary or input -> ``(low, high)`` [its units], either end ``None`` for
        none: the range its path keeps in any run the model describes. A run whose path leaves it at
        an output time integrated to the end but is flagged (status ``implausible``, see
        :mod:`model.solve.plausible`) and counted as a failure downstream. Wide sanity ranges (a state
        the economy has never been near), not the tight bands a test asserts of the reference paths.
    """

    t_span: tuple[float, float] | None = None
    exogenous: Mapping[str, Any] = field(default_factory=dict)
    keep: tuple[str, ...] | None = None
    derive_start: Callable[..., Mapping[str, np.ndarray]] | None = None
    no_start: Callable[..., np.ndarray] | None = None
    outcomes: tuple[Outcome, ...] = ()
    policies: tuple[PolicyPath, ...] = ()
    baseline: str | None = None
    plausible: Mapping[str, tuple[float | None, float | None]] = field(default_factory=dict)

    def outcome(self, name: str) -> Outcome:
        """The registered outcome ``name`` (raises :class:`ModelError` listing the valid names)."""
        for o in self.outcomes:
            if o.name == name:
                return o
        raise ModelError(f"unknown outcome {name!r}; valid: {', '.join(o.name for o in self.outcomes) or '(none)'}")

    def policy_path(self, name: str) -> PolicyPath:
        """The registered policy path ``name`` (raises :class:`ModelError` listing the valid names)."""
        for p in self.policies:
            if p.name == name:
                return p
        raise ModelError(f"unknown policy {name!r}; valid: {', '.join(p.name for p in self.policies) or '(none)'}")

    def needed(self) -> tuple[str, ...]:
        """Paths the outcomes computed from paths need (experiment outcomes left out)."""
        return tuple(dict.fromkeys(n for o in self.outcomes if not o.experiment for n in o.needs))

    def needed_parameters(self) -> tuple[str, ...]:
        """Parameters the outcomes computed from paths read (:attr:`Outcome.parameters`)."""
        return tuple(dict.fromkeys(n for o in self.outcomes if not o.experiment for n in o.parameters))


def outcome_metrics(ds: xr.Dataset, outcomes: Sequence[Outcome], ctx: OutcomeContext | None = None) -> xr.Dataset:
    """The outcomes computed from paths (``experiment`` ones left out) as an ``xarray.Dataset``.

    Vectorised over every dimension of ``ds`` but ``time`` (``policy``, ``draw``): a member whose
    path failed (NaN after the failure) gets NaN outcomes.

    Parameters
    ----------
    ds : xarray.Dataset
        Paths over ``time`` [year] holding every name the outcomes need.
    outcomes : sequence of Outcome
        The registry (e.g. ``system.meta.outcomes``).
    ctx : OutcomeContext, optional
        The baseline policy of relative outcomes.

    Returns
    -------
    xarray.Dataset
        One variable per outcome, with the attributes of :meth:`Outcome.attrs`.

    Raises
    ------
    ModelError
        If ``ds`` lacks a variable an outcome needs.
    """
    import xarray as xr

    ctx = ctx or OutcomeContext()
    todo = [o for o in outcomes if not o.experiment]
    missing = sorted({n for o in todo for n in o.needs if n not in ds})
    values: dict[str, float] = {}  # parameters the result lacks: the context's values, else the model's defaults
    for n in dict.fromkeys(n for o in todo for n in o.parameters if n not in ds):
        if ctx.params is not None and n in ctx.params:
            values[n] = float(ctx.params[n])
        elif ctx.system is not None and n in ctx.system.variables:
            values[n] = float(ctx.system.variables[n].default)
        else:
            missing.append(n)
    if missing:
        raise ModelError(f"the outcomes need variables the result lacks: {', '.join(missing)}")
    ds = ds.assign(values) if values else ds
    out = {}
    for o in todo:
        da = o.compute(ds, ctx)
        da = da.drop_vars("time", errors="ignore") if isinstance(da, xr.DataArray) else da
        out[o.name] = xr.DataArray(da).assign_attrs(o.attrs())
    return xr.Dataset(out)

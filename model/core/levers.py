"""Levers and policies: time-varying inputs as values.

A lever's path is a :class:`Schedule` (constant, step, linear ramp, logistic
ramp, piecewise-linear series) evaluated inside compiled code, or a
:class:`Rule`, a sympy expression of states, auxiliaries and parameters that
replaces the lever by an auxiliary (a feedback rule such as a debt brake).
A :class:`Policy` is a named, immutable set of lever paths; applying it never
changes a System.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from ..errors import ModelError
from .expr import as_expr, as_saved, from_srepr, from_text, to_text

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from .system import System

__all__ = ["Schedule", "constant", "step", "ramp", "logistic", "piecewise", "Rule", "Policy"]

_KINDS = {"constant": 0, "step": 1, "ramp": 2, "logistic": 3, "piecewise": 4}


def _finite(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ModelError(f"schedule argument {name!r} must be finite, got {value}")
    return value


@dataclass(frozen=True)
class Schedule:
    """A time path of a lever or exogenous input.

    Build one with :func:`constant`, :func:`step`, :func:`ramp`,
    :func:`logistic` or :func:`piecewise`. Calling it evaluates the path at
    times [year].
    """

    kind: str
    args: tuple[float, ...] = ()
    years: tuple[float, ...] = ()
    values: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ModelError(f"unknown schedule kind {self.kind!r}; valid: {', '.join(_KINDS)}")

    @property
    def n_points(self) -> int:
        return len(self.years)

    def row(self, width: int) -> np.ndarray:
        """Row of the compiled input table (see ``model.compiler.integrators._inputs``)."""
        k = (width - 6) // 2
        r = np.zeros(width)
        r[0] = _KINDS[self.kind]
        r[1] = self.n_points
        r[2:2 + len(self.args)] = self.args
        if self.n_points:
            r[6:6 + self.n_points] = self.years
            r[6 + k:6 + k + self.n_points] = self.values
        return r

    def switch_times(self) -> tuple[float, ...]:
        """Times [year] where the path jumps or kinks: a step's date, a ramp's two ends, a
        piecewise path's knots; none for constant and logistic paths (smooth)."""
        if self.kind == "step":
            return (self.args[0],)
        if self.kind == "ramp":
            return self.args[:2]
        return self.years if self.kind == "piecewise" else ()

    def __call__(self, t: ArrayLike, dt: float | None = None) -> np.ndarray:
        """Value(s) of the path at time(s) ``t`` [year] (numpy, same rules as compiled code).

        Parameters
        ----------
        t : float or array
            Times [year].
        dt : float, optional
            Step [year] of the grid ``t`` lies on: times within :func:`switch_tolerance`
            of a switch time (a step's date, a ramp's end, a knot) count as that
            switch time, as in fixed-step runs (so ``3 * 0.3`` is at a switch at 0.9).

        Raises
        ------
        ModelError
            ``dt`` not positive and finite.
        """
        t = np.asarray(t, dtype=float)
        if dt is not None:
            t = snap_to_switches(t, self.switch_times(), switch_tolerance(dt, t))
        a = self.args + (0.0,) * (4 - len(self.args))
        if self.kind == "constant":
            return np.full_like(t, a[0])
        if self.kind == "step":
            return np.where(t < a[0], a[1], a[2])
        if self.kind == "ramp":
            return np.interp(t, [a[0], a[1]], [a[2], a[3]])
        if self.kind == "logistic":
            z = np.clip(-a[1] * (t - a[0]), -700, 700)
            return a[2] + (a[3] - a[2]) / (1.0 + np.exp(z))
        return np.interp(t, self.years, self.values)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        d: dict[str, Any] = {"kind": self.kind}
        if self.args:
            d["args"] = list(self.args)
        if self.years:
            d["years"] = list(self.years)
            d["values"] = list(self.values)
        return d

    def __repr__(self) -> str:
        if self.kind == "piecewise":
            return f"piecewise(years={list(self.years)}, values={list(self.values)})"
        return f"{self.kind}{self.args}"


def switch_tolerance(dt: float, *times: ArrayLike) -> float:
    """Distance [year] within which a grid time of step ``dt`` [year] counts as a switch time.

    ``1e-9 dt`` plus 8 ulps of the largest time involved: grid times ``t0 + k dt``
    carry a rounding error of a few ulps (``3 * 0.3 = 0.8999999999999999``), while
    two grid points are ``dt`` apart, so no two of them ever snap to the same switch.

    Raises
    ------
    ModelError
        ``dt`` not positive and finite.
    """
    dt = float(dt)
    if not (math.isfinite(dt) and dt > 0):
        raise ModelError(f"dt must be a positive finite step [year], got {dt!r}")
    scale = max([1.0] + [float(np.max(np.abs(x))) for x in times if np.size(x)])
    return min(1e-9 * dt + 8 * np.finfo(float).eps * scale, 0.25 * dt)


def snap_to_switches(t: ArrayLike, switches: Sequence[float], tol: float) -> np.ndarray:
    """Times ``t`` [year] with every value within ``tol`` [year] of a switch time replaced by it."""
    t = np.array(t, dtype=float)
    for c in switches:
        t[np.abs(t - c) <= tol] = c
    return t


def constant(value: float) -> Schedule:
    """A constant path."""
    return Schedule("constant", (_finite("value", value),))


def step(year: float, before: float, after: float) -> Schedule:
    """``before`` until ``year`` [year], ``after`` from then on."""
    return Schedule("step", (_finite("year", year), _finite("before", before), _finite("after", after)))


def ramp(start: float, end: float, v0: float, v1: float) -> Schedule:
    """Linear ramp from ``v0`` at ``start`` to ``v1`` at ``end`` [year]; flat outside."""
    start, end = _finite("start", start), _finite("end", end)
    if not end > start:
        raise ModelError(f"ramp: end ({end}) must be after start ({start})")
    return Schedule("ramp", (start, end, _finite("v0", v0), _finite("v1", v1)))


def logistic(midpoint: float, rate: float, v0: float, v1: float) -> Schedule:
    """Logistic transition from ``v0`` to ``v1``, half-way at ``midpoint`` [year], ``rate`` [1/year]."""
    rate = _finite("rate", rate)
    if rate <= 0:
        raise ModelError(f"logistic: rate must be positive [1/year], got {rate}")
    return Schedule("logistic", (_finite("midpoint", midpoint), rate, _finite("v0", v0), _finite("v1", v1)))


def piecewise(years: ArrayLike, values: ArrayLike) -> Schedule:
    """Piecewise-linear path through (``years`` [year], ``values``), flat outside."""
    ys = tuple(_finite("years", y) for y in np.asarray(years, dtype=float).ravel())
    vs = tuple(_finite("values", v) for v in np.asarray(values, dtype=float).ravel())
    if len(ys) != len(vs) or len(ys) < 1:
        raise ModelError(f"piecewise: years and values must have the same non-zero length, got {len(ys)} and {len(vs)}")
    if any(b <= a for a, b in zip(ys, ys[1:])):
        raise ModelError("piecewise: years must be strictly increasing")
    if len(ys) == 1:
        return constant(vs[0])
    return Schedule("piecewise", (), ys, vs)


def _numbers(d: Mapping[str, Any], key: str, what: str) -> tuple[float, ...]:
    v = d.get(key, ())
    if not isinstance(v, (list, tuple)) or not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                   for x in v):
        raise ModelError(f"{what}: {key!r} must be a list of numbers, got {v!r:.80}")
    return tuple(_finite(key, x) for x in v)


def schedule_from_dict(d: Mapping[str, Any], *, what: str = "schedule") -> Schedule:
    """Inverse of :meth:`Schedule.to_dict` (numbers only; raises :class:`ModelError` on anything else)."""
    if not isinstance(d, Mapping) or d.get("kind") not in _KINDS:
        kind = d.get("kind") if isinstance(d, Mapping) else d
        raise ModelError(f"{what}: unknown schedule kind {kind!r:.80}; valid: {', '.join(_KINDS)}, rule")
    years, values = _numbers(d, "years", what), _numbers(d, "values", what)
    if len(years) != len(values):
        raise ModelError(f"{what}: 'years' and 'values' must have the same length")
    args = _numbers(d, "args", what)
    if len(args) > 4:
        raise ModelError(f"{what}: at most 4 'args', got {len(args)}")
    return Schedule(d["kind"], args, years, values)


def path_from_dict(d: Mapping[str, Any], *, what: str = "lever path") -> LeverPath:
    """Inverse of ``Schedule.to_dict`` and ``Rule.to_dict``: a lever path from a JSON-ready dict.

    A rule's expression is read by :func:`model.core.expr.from_text` (or, in files
    written before that format, the legacy ``srepr`` field by the strict
    :func:`model.core.expr.from_srepr`); nothing is evaluated.

    Raises
    ------
    ModelError
        For a dict that is not a schedule or a rule, or an expression that is not allowed.
    """
    if isinstance(d, Mapping) and d.get("kind") == "rule":
        if isinstance(d.get("expr"), str):
            return Rule(from_text(d["expr"], what=what))
        if isinstance(d.get("srepr"), str):
            return Rule(from_srepr(d["srepr"], what=what))
        raise ModelError(f"{what}: a rule needs its expression as text under 'expr'")
    return schedule_from_dict(d, what=what)


@dataclass(frozen=True)
class Rule:
    """A feedback rule: the lever equals a sympy expression of the model's symbols.

    Examples
    --------
    A debt brake cutting public investment as public debt rises above 60%
    of output: ``Rule(0.03 - 0.05 * (b - 0.6))``, or as text
    ``Rule("0.03 - 0.05*(b - 0.6)")``. Text is read by :func:`model.core.expr.from_text`
    (names, numbers, ``+ - * / **`` and a fixed list of functions), never evaluated.

    Raises
    ------
    ModelError
        For text that is not an allowed expression, or a value that is not an expression.
    """

    expr: sp.Expr

    def __post_init__(self) -> None:
        object.__setattr__(self, "expr", as_saved(as_expr(self.expr, what="feedback rule")))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description; ``expr`` is read back by :func:`model.core.expr.from_text`."""
        return {"kind": "rule", "expr": to_text(self.expr), "text": str(self.expr)}


LeverPath = Schedule | Rule


def as_path(name: str, value: Any) -> LeverPath:
    """Coerce a number, Schedule, Rule or sympy expression into a lever path."""
    if isinstance(value, (Schedule, Rule)):
        return value
    if isinstance(value, sp.Basic):
        return Rule(value)
    if isinstance(value, (int, float, np.floating, np.integer)):
        return constant(float(value))
    raise ModelError(f"lever {name!r}: expected a number, a Schedule (constant, step, ramp, logistic, "
                     f"piecewise) or a Rule, got {type(value).__name__}")


@dataclass(frozen=True)
class Policy:
    """A named set of lever paths; a value that never mutates a System.

    Parameters
    ----------
    name : str
        Label used for the ``policy`` coordinate of results.
    description : str
        What the policy does and why.
    **levers
        ``lever name -> number | Schedule | Rule``.
    """

    name: str
    levers: Mapping[str, LeverPath] = field(default_factory=dict)
    description: str = ""

    def __init__(self, name: str, description: str = "", **levers: Any):
        if not isinstance(name, str) or not name:
            raise ModelError("a Policy needs a non-empty name")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "levers", MappingProxyType({k: as_path(k, v) for k, v in sorted(levers.items())}))

    def with_levers(self, name: str | None = None, **levers: Any) -> Policy:
        """A new policy with some levers changed or added."""
        return Policy(name or self.name, self.description, **{**self.levers, **levers})

    @property
    def rules(self) -> dict[str, sp.Expr]:
        """Feedback rules by lever."""
        return {k: v.expr for k, v in self.levers.items() if isinstance(v, Rule)}

    @property
    def schedules(self) -> dict[str, Schedule]:
        """Scheduled lever paths by lever."""
        return {k: v for k, v in self.levers.items() if isinstance(v, Schedule)}

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description,
                "levers": {k: v.to_dict() for k, v in self.levers.items()}}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Policy:
        """Inverse of :meth:`to_dict`, for data from a file: rules are parsed, never evaluated.

        Raises
        ------
        ModelError
            For a malformed policy, a schedule that is not numbers, or a rule that is not
            an allowed expression (see :mod:`model.core.expr`).
        """
        if not isinstance(d, Mapping) or not isinstance(d.get("name"), str):
            raise ModelError("a policy must be a mapping with a 'name' (text) and 'levers'")
        description = d.get("description", "")
        raw = d.get("levers", {})
        if not isinstance(description, str) or not isinstance(raw, Mapping):
            raise ModelError(f"policy {d['name']!r}: 'description' must be text and 'levers' a mapping")
        levers: dict[str, LeverPath] = {}
        for k, v in raw.items():
            if not (isinstance(k, str) and k.isidentifier() and not k.startswith("_")):
                raise ModelError(f"policy {d['name']!r}: {k!r:.80} is not a lever name")
            levers[k] = path_from_dict(v, what=f"policy {d['name']!r}, lever {k!r}")
        return cls(d["name"], description, **levers)

    def __hash__(self) -> int:
        # the generated hash would hash the mappingproxy of levers, which is unhashable; equal
        # policies have equal levers in the same (sorted) order, so the items tuple agrees with ==
        return hash((self.name, self.description, tuple(self.levers.items())))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.levers.items())
        return f"Policy({self.name!r}{', ' if inner else ''}{inner})"


def resolve_inputs(system: System, policy: Policy | None,
                   exogenous: Mapping[str, Any] | None = None) -> dict[str, Schedule]:
    """Path of every input of ``system`` (levers, then exogenous) under ``policy``.

    Levers not set take their declared default (constant); exogenous inputs not set take the
    model's default path (``system.meta.exogenous``), else their declared default (constant).
    Levers the policy sets by feedback rule must already have been turned into
    auxiliaries (:meth:`System.with_rules`).
    """
    policy_levers = dict(policy.schedules) if policy else {}
    exo: dict[str, Schedule] = {}
    for k, path in {k: as_path(k, v) for k, v in (exogenous or {}).items()}.items():
        if k not in system.exogenous:
            raise ModelError(f"unknown exogenous input {k!r} for model {system.name!r}; "
                             f"valid: {', '.join(system.exogenous) or '(none)'}")
        if isinstance(path, Rule):
            raise ModelError(f"exogenous input {k!r} takes a schedule, not a feedback rule")
        exo[k] = path
    for k in policy_levers:
        if policy is not None and k not in system.levers:
            raise ModelError(f"policy {policy.name!r} sets {k!r}, which is not a lever of model {system.name!r}; "
                             f"levers: {', '.join(system.levers) or '(none)'}")
    for k, path in policy_levers.items():
        _check_within_bounds(policy.name if policy else "default", k, path, system.variables[k].bounds)
    paths: dict[str, Schedule] = {}
    for k in system.inputs:
        src = policy_levers.get(k) or exo.get(k) or system.meta.exogenous.get(k)
        if src is None:
            default = system.variables[k].default
            if default is None:
                raise ModelError(f"input {k!r} of model {system.name!r} has no default: give it a path "
                                 f"({'in a Policy' if k in system.levers else 'with exogenous='})")
            src = constant(default)
        paths[k] = src
    return paths


def path_range(path: Schedule) -> tuple[float, float]:
    """Smallest and largest value a schedule takes at any time (its ends, levels or knots bound it)."""
    a = path.args + (0.0,) * (4 - len(path.args))
    ends = {"constant": (a[0],), "step": (a[1], a[2]), "ramp": (a[2], a[3]), "logistic": (a[2], a[3])}
    values = ends.get(path.kind, path.values)
    return float(min(values)), float(max(values))


def _check_within_bounds(policy: str, lever: str, path: Schedule, bounds: tuple[float | None, float | None]) -> None:
    lo, hi = bounds
    low, high = path_range(path)
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ModelError(f"policy {policy!r}: lever {lever!r} takes a non-finite value")
    if (lo is not None and low < lo) or (hi is not None and high > hi):
        worst = low if lo is not None and low < lo else high
        raise ModelError(f"policy {policy!r}: lever {lever!r} reaches {worst:g}, outside its declared bounds "
                         f"[{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]")


def input_table(paths: Mapping[str, Schedule]) -> np.ndarray:
    """The compiled input table (one row per input, in the given order)."""
    width = 6 + 2 * max([1] + [s.n_points for s in paths.values()])
    if not paths:
        return np.zeros((0, width))
    return np.vstack([s.row(width) for s in paths.values()])

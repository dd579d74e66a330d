"""Declared symbols: every name in a model, with its metadata.

A :class:`Var` is declared once and carries everything the rest of the toolkit
needs: its kind, units (a pint-parsable string), a long name for plots, a
description, a default value, bounds, a literature source and whether it may
be calibrated. The sympy symbol used in equations is ``var.sym``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import sympy as sp

from ..errors import ModelError

Kind = Literal["stock", "auxiliary", "parameter", "lever", "exogenous"]
KINDS: tuple[str, ...] = ("stock", "auxiliary", "parameter", "lever", "exogenous")

#: Model time [year]. Equations may use it directly (e.g. exogenous trends).
t = sp.Symbol("t", real=True)
TIME_UNITS = "year"


def _check_name(name: str) -> None:
    if not name.isidentifier() or not name.isascii() or name == "t" or name.startswith("_"):
        raise ModelError(
            f"invalid symbol name {name!r}: names must be ASCII identifiers (snake_case), "
            "must not start with '_' and 't' is reserved for time"
        )


@dataclass(frozen=True)
class Var:
    """A declared model symbol.

    Parameters
    ----------
    name : str
        ASCII snake_case name; the same name is used in sympy, the Dataset,
        parameter files and plots.
    kind : {'stock', 'auxiliary', 'parameter', 'lever', 'exogenous'}
        Role in the model.
    units : str
        Units understood by pint, e.g. ``"1/year"``, ``"GtC"``, ``"dimensionless"``.
    long_name : str
        Human-readable name used for plot labels.
    description : str
        One or two sentences on meaning and role.
    default : float or None
        Parameter value, default initial value (stocks) or default constant
        value (levers, exogenous inputs).
    bounds : tuple of (float or None, float or None)
        Admissible domain. For stocks the bounds are enforced during integration
        (open interval: a run that reaches a bound stops and is reported).
        For parameters they are the calibration bounds and are checked on input.
    source : str
        Citation for the default value or rationale for the equation.
    tunable : bool
        Whether calibration may estimate it (parameters only).
    latex : str or None
        LaTeX form for tables; defaults to a rendering of the name.
    limit : float or None
        Stocks only: magnitude [units of the stock] beyond which the stock has
        diverged, i.e. the model's equations no longer describe anything real
        there. A run whose ``|stock|`` reaches it stops with status
        ``"diverged"`` naming the stock and the time. Without a declared limit a
        stock diverges at ``model.solve.simulation.DIVERGENCE_FACTOR`` (1e12) times its
        start magnitude (see :func:`model.solve.simulation.divergence_limits`).
    """

    name: str
    kind: Kind
    units: str = "dimensionless"
    long_name: str = ""
    description: str = ""
    default: float | None = None
    bounds: tuple[float | None, float | None] = (None, None)
    source: str = ""
    tunable: bool = True
    latex: str | None = None
    limit: float | None = None
    sym: sp.Symbol = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        if self.kind not in KINDS:
            raise ModelError(f"symbol {self.name!r}: unknown kind {self.kind!r}; valid kinds: {', '.join(KINDS)}")
        if self.default is not None:
            object.__setattr__(self, "default", float(self.default))
            if math.isnan(self.default):
                raise ModelError(f"symbol {self.name!r}: default is NaN")
        lo, hi = self.bounds
        if lo is not None and hi is not None and not lo < hi:
            raise ModelError(f"symbol {self.name!r}: lower bound {lo} is not below upper bound {hi}")
        object.__setattr__(self, "bounds", (None if lo is None else float(lo), None if hi is None else float(hi)))
        if self.limit is not None:
            lim = float(self.limit)
            if self.kind != "stock":
                raise ModelError(f"symbol {self.name!r}: only stocks take a divergence limit (it is a {self.kind})")
            if not (math.isfinite(lim) and lim > 0):
                raise ModelError(f"symbol {self.name!r}: limit must be a positive finite magnitude, got {self.limit!r}")
            object.__setattr__(self, "limit", lim)
        object.__setattr__(self, "sym", sp.Symbol(self.name, real=True))
        if not self.long_name:
            object.__setattr__(self, "long_name", self.name.replace("_", " "))

    @property
    def tex(self) -> str:
        """LaTeX rendering of the symbol."""
        return self.latex or sp.latex(self.sym)

    def signature(self) -> str:
        """Canonical text of everything that affects compiled code or checks."""
        return f"{self.kind}:{self.name}:{self.units}:{self.bounds}" + (
            f":limit={self.limit!r}" if self.limit is not None else "")


def _make(kind: Kind):
    def make(name: str, units: str = "dimensionless", long_name: str = "", *, description: str = "",
             default: float | None = None, bounds: tuple[float | None, float | None] = (None, None),
             source: str = "", tunable: bool | None = None, latex: str | None = None,
             limit: float | None = None) -> Var:
        return Var(name=name, kind=kind, units=units, long_name=long_name, description=description,
                   default=default, bounds=bounds, source=source,
                   tunable=(kind == "parameter") if tunable is None else tunable, latex=latex, limit=limit)

    make.__name__ = kind if kind != "auxiliary" else "aux"
    make.__doc__ = f"Declare a {kind}; see :class:`Var` for the arguments."
    return make


stock = _make("stock")
param = _make("parameter")
aux = _make("auxiliary")
lever = _make("lever")
exogenous = _make("exogenous")

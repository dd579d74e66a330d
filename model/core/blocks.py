"""Blocks: one mechanism's equations and the symbols it declares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import sympy as sp

from ..errors import ModelError
from .accounts import GodleyTable
from .expr import as_expr
from .symbols import Var


def _freeze(name: str, what: str, eqs: Mapping | None) -> Mapping[str, sp.Expr]:
    out: dict[str, sp.Expr] = {}
    for key, expr in (eqs or {}).items():
        key = key.name if isinstance(key, (Var, sp.Symbol)) else str(key)
        out[key] = as_expr(expr, what=f"block {name!r}: {what} for {key!r}")
    return MappingProxyType(out)


@dataclass(frozen=True)
class Block:
    """A named set of equations for one mechanism.

    Parameters
    ----------
    name : str
        Block name, used in error messages and tables.
    variables : iterable of Var
        Symbols this block declares. Equations may also use symbols declared
        by other blocks of the same System.
    derivatives : mapping
        ``stock -> d(stock)/dt`` [stock units per year] (continuous time).
    auxiliaries : mapping
        ``auxiliary -> expression`` (algebraic relations, evaluated in
        dependency order).
    updates : mapping
        ``stock -> value at t + dt`` (discrete-time maps; the System's ``dt``).
    identities : mapping
        ``name -> expression that must vanish`` (accounting identities,
        checked numerically on every simulation).
    description : str
        What the block models, with its sources.
    tables : tuple of GodleyTable
        Balance sheets and transactions-flow matrices (:mod:`model.core.accounts`) written with the
        System's symbols; :func:`~model.core.system.combine` turns their row and column sums into
        identities, divided by each table's scale.
    """

    name: str
    variables: tuple[Var, ...] = ()
    derivatives: Mapping[str, sp.Expr] = field(default_factory=dict)
    auxiliaries: Mapping[str, sp.Expr] = field(default_factory=dict)
    updates: Mapping[str, sp.Expr] = field(default_factory=dict)
    identities: Mapping[str, sp.Expr] = field(default_factory=dict)
    description: str = ""
    tables: tuple[GodleyTable, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", tuple(self.variables))
        tables = (self.tables,) if isinstance(self.tables, GodleyTable) else tuple(self.tables)
        for tb in tables:
            if not isinstance(tb, GodleyTable):
                raise ModelError(f"block {self.name!r}: tables must be GodleyTable objects, got {type(tb).__name__}")
        object.__setattr__(self, "tables", tables)
        for v in self.variables:
            if not isinstance(v, Var):
                raise ModelError(f"block {self.name!r}: variables must be Var declarations, got {v!r}")
        for what in ("derivatives", "auxiliaries", "updates", "identities"):
            object.__setattr__(self, what, _freeze(self.name, what, getattr(self, what)))

    def __hash__(self) -> int:  # mappings are not hashable; identity by content text
        return hash((self.name, self.variables, tuple((k, str(v)) for k, v in self.derivatives.items()),
                     self.tables))

    def symbols(self) -> dict[str, sp.Symbol]:
        """Declared sympy symbols of this block, by name."""
        return {v.name: v.sym for v in self.variables}


def block(name: str, variables: Iterable[Var], *, derivatives: Mapping[Any, Any] | None = None,
          auxiliaries: Mapping[Any, Any] | None = None, updates: Mapping[Any, Any] | None = None,
          identities: Mapping[Any, Any] | None = None, description: str = "",
          tables: Iterable[GodleyTable] = ()) -> Block:
    """Convenience constructor for :class:`Block`."""
    return Block(name=name, variables=tuple(variables), derivatives=derivatives or {},
                 auxiliaries=auxiliaries or {}, updates=updates or {}, identities=identities or {},
                 description=description, tables=tuple(tables))

"""System: the validated, immutable union of blocks."""

from __future__ import annotations

import difflib
import functools
import hashlib
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from ..errors import ModelError
from ..text import plural
from .accounts import GodleyTable, TableCheck, random_points, resolve
from .blocks import Block
from .expr import as_expr, as_saved, to_text
from .functions import check_functions
from .metadata import ModelMeta
from .symbols import Var, t

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["System", "combine"]


def _fmt(expr: sp.Expr) -> str:
    """Deterministic text of an expression (stable across processes)."""
    return sp.srepr(expr)


def _toposort(aux: Mapping[str, sp.Expr], where: Mapping[str, str]) -> list[str]:
    names = sorted(aux)
    deps = {n: sorted(s.name for s in aux[n].free_symbols if s.name in aux) for n in names}
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> None:
        st = state.get(n, 0)
        if st == 2:
            return
        if st == 1:
            cyc = path[path.index(n):] + [n]
            raise ModelError("cyclic auxiliaries: " + " -> ".join(f"{c} (block {where[c]!r})" for c in cyc))
        state[n] = 1
        for d in deps[n]:
            visit(d, path + [d])
        state[n] = 2
        order.append(n)

    for n in names:
        visit(n, [n])
    return order


@dataclass(frozen=True, eq=False)
class System:
    """A validated model: declarations plus equations, immutable.

    Build one with :func:`combine`. Attributes are read-only mappings.

    Attributes
    ----------
    name : str
        Model name.
    variables : Mapping[str, Var]
        Every declared symbol, by name (sorted).
    derivatives : Mapping[str, sympy.Expr]
        ``d(stock)/dt`` by stock (continuous systems).
    updates : Mapping[str, sympy.Expr]
        Next-step value by stock (discrete maps, step ``dt``).
    auxiliaries : Mapping[str, sympy.Expr]
        Algebraic relations in evaluation (topological) order.
    identities : Mapping[str, sympy.Expr]
        Expressions that must vanish along every path: the blocks' identities and the checks of
        the tables (``"<table>: row '<label>'"`` ...: sum of the entries divided by the table's scale).
    dt : float or None
        Step [year] of a discrete-time map, ``None`` for continuous time.
    origin : Mapping
        How to rebuild the system (``factory`` as ``"module:function"`` and
        ``kwargs``), saved with results so they can be re-run. Only factories of
        :data:`model.catalogue.FACTORIES` are rebuilt from a file; other
        models are re-run by passing the System.
    meta : ModelMeta
        The model's own defaults and registries (span, default exogenous paths, kept
        paths, start-state hook, outcomes, policy paths); not part of :meth:`equations_hash`.
    tables : tuple of GodleyTable
        The blocks' balance sheets and transactions-flow matrices (:mod:`model.core.accounts`),
        in block order; part of :meth:`equations_hash`.
    """

    name: str
    blocks: tuple[Block, ...]
    variables: Mapping[str, Var]
    derivatives: Mapping[str, sp.Expr]
    updates: Mapping[str, sp.Expr]
    auxiliaries: Mapping[str, sp.Expr]
    identities: Mapping[str, sp.Expr]
    dt: float | None = None
    description: str = ""
    origin: Mapping[str, Any] = field(default_factory=dict)
    block_of: Mapping[str, str] = field(default_factory=dict)
    meta: ModelMeta = field(default_factory=ModelMeta)
    tables: tuple[GodleyTable, ...] = ()

    # ---- views -----------------------------------------------------------------
    def _names(self, kind: str) -> tuple[str, ...]:
        return tuple(n for n, v in self.variables.items() if v.kind == kind)

    @property
    def stocks(self) -> tuple[str, ...]:
        """Stock names in state-vector order (sorted)."""
        return self._names("stock")

    @property
    def parameters(self) -> tuple[str, ...]:
        """Parameter names in parameter-vector order (sorted)."""
        return self._names("parameter")

    @property
    def levers(self) -> tuple[str, ...]:
        """Policy lever names (sorted)."""
        return self._names("lever")

    @property
    def exogenous(self) -> tuple[str, ...]:
        """Exogenous input names (sorted)."""
        return self._names("exogenous")

    @property
    def inputs(self) -> tuple[str, ...]:
        """Time-varying inputs: levers then exogenous, in input-vector order."""
        return self.levers + self.exogenous

    @property
    def aux_order(self) -> tuple[str, ...]:
        """Auxiliaries in evaluation order."""
        return tuple(self.auxiliaries)

    @property
    def is_discrete(self) -> bool:
        """True for a discrete-time map."""
        return self.dt is not None

    def __getitem__(self, name: str) -> Var:
        try:
            return self.variables[name]
        except KeyError:
            raise ModelError(f"model {self.name!r} has no symbol {name!r}; "
                             f"declared: {', '.join(self.variables)}") from None

    def equations_hash(self) -> str:
        """SHA-256 (hex, 16 chars) of declarations and equations.

        Defaults, long names and sources do not enter: they do not change
        compiled code.
        """
        return self._hash

    @functools.cached_property
    def _hash(self) -> str:
        parts = [f"dt={self.dt!r}"]
        parts += [v.signature() for v in self.variables.values()]
        for what in ("derivatives", "updates", "auxiliaries", "identities"):
            parts += [f"{what}:{k}={_fmt(e)}" for k, e in getattr(self, what).items()]
        parts += [tb.signature() for tb in self.tables]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]

    def defaults(self, kind: str = "parameter") -> dict[str, float | None]:
        """Declared defaults of one kind, by name."""
        return {n: v.default for n, v in self.variables.items() if v.kind == kind}

    def rhs_expressions(self, substitute: bool = False) -> dict[str, sp.Expr]:
        """Right-hand sides by stock; with ``substitute`` the auxiliaries are
        replaced by their definitions (for checks and LaTeX)."""
        eqs = dict(self.updates if self.is_discrete else self.derivatives)
        if substitute:
            sub = self.substituted_auxiliaries()
            eqs = {k: e.xreplace(sub) for k, e in eqs.items()}
        return eqs

    def table_checks(self) -> tuple[TableCheck, ...]:
        """The checks of the tables (each also an identity of this System, by its ``name``), with
        ``trivial`` set for those that are identically zero (:func:`model.core.accounts.is_trivial`);
        the others carry information."""
        return self._table_checks

    @functools.cached_property
    def _table_checks(self) -> tuple[TableCheck, ...]:
        if not self.tables:
            return ()
        points = random_points(self)
        return tuple(c for tb in self.tables for c in tb.checks(
            resolve(tb, self.variables, rates=self.derivatives, auxiliaries=self.auxiliaries, dt=self.dt), points))

    def substituted_auxiliaries(self) -> dict[sp.Symbol, sp.Expr]:
        """Each auxiliary as an expression of stocks, parameters, inputs and t."""
        out: dict[sp.Symbol, sp.Expr] = {}
        for n, e in self.auxiliaries.items():
            out[self.variables[n].sym] = e.xreplace(out)
        return out

    # ---- derived systems -----------------------------------------------------------
    def with_rules(self, rules: Mapping[str, sp.Expr], *, name: str | None = None) -> System:
        """A new System in which levers follow feedback rules.

        Parameters
        ----------
        rules : mapping
            ``lever name -> sympy expression`` (or :class:`~model.core.levers.Rule`, or text read by
            :func:`model.core.expr.from_text` with this model's names; never evaluated) of stocks,
            auxiliaries, parameters, other inputs and ``t``.

        Raises
        ------
        ModelError
            A rule for a symbol that is not a lever, text that is not an allowed expression
            or that names an undeclared symbol.
        """
        from .levers import Rule

        if not rules:
            return self
        new_vars = dict(self.variables)
        aux = dict(self.auxiliaries)
        for lev, rule in rules.items():
            v = self[lev]
            if v.kind != "lever":
                raise ModelError(f"feedback rule for {lev!r}: it is a {v.kind}, not a lever; "
                                 f"levers: {', '.join(self.levers)}")
            new_vars[lev] = Var(**{**{k: getattr(v, k) for k in ("name", "units", "long_name", "description",
                                                                 "default", "bounds", "source", "latex")},
                                   "kind": "auxiliary", "tunable": False})
            aux[lev] = as_saved(as_expr(rule.expr if isinstance(rule, Rule) else rule, tuple(self.variables),
                                        what=f"feedback rule for {lev!r}"))
        rule_block = Block(name="feedback rules", variables=(), auxiliaries={k: aux[k] for k in rules})
        blocks = tuple(b if not any(v.name in rules for v in b.variables) else
                       Block(name=b.name, variables=tuple(new_vars[v.name] for v in b.variables),
                             derivatives=b.derivatives, auxiliaries=b.auxiliaries, updates=b.updates,
                             identities=b.identities, description=b.description, tables=b.tables)
                       for b in self.blocks) + (rule_block,)
        return combine(*blocks, name=name or self.name, dt=self.dt, description=self.description,
                       origin={**self.origin, "rules": {k: to_text(aux[k]) for k in rules}}, meta=self.meta)

    def with_meta(self, **changes: Any) -> System:
        """The same model with fields of its :class:`~model.core.metadata.ModelMeta` replaced
        (e.g. ``system.with_meta(t_span=(0, 50))``); the equations hash is unchanged."""
        import dataclasses

        try:
            meta = dataclasses.replace(self.meta, **changes)
        except TypeError as exc:
            raise ModelError(f"with_meta: {exc}") from None
        return dataclasses.replace(self, meta=_check_meta(meta, self.variables, self.name))

    # ---- output ----------------------------------------------------------------------
    def nomenclature(self) -> pd.DataFrame:
        """Table of symbols: name, kind, units, long name, default, bounds, source (pandas.DataFrame)."""
        from .documentation import nomenclature
        return nomenclature(self)

    def to_latex(self) -> str:
        """Equations and parameter table as a LaTeX fragment for a paper appendix."""
        from .documentation import to_latex
        return to_latex(self)

    def to_markdown(self) -> str:
        """Equations and nomenclature as Markdown."""
        from .documentation import to_markdown
        return to_markdown(self)

    def check_units(self) -> None:
        """Check dimensional consistency of every equation (raises :class:`ModelError`)."""
        from .units import check_system_units
        check_system_units(self)

    def __repr__(self) -> str:
        kind = f"discrete, dt={self.dt} year" if self.is_discrete else "continuous"
        counts = ", ".join(plural(len(group), noun) for group, noun in (
            (self.stocks, "stock"), (self.auxiliaries, "auxiliary"), (self.parameters, "parameter"),
            (self.inputs, "input")))
        return f"<System {self.name!r} ({kind}): {counts}; hash {self.equations_hash()}>"


def _table_identities(blocks: list[Block], declared: Mapping[str, Var], rates: Mapping[str, sp.Expr],
                      auxiliaries: Mapping[str, sp.Expr], dt: float | None, identities: dict[str, sp.Expr],
                      where: dict[str, str]) -> tuple[GodleyTable, ...]:
    """Validate the blocks' tables and add each check to ``identities`` (sum of entries / scale)."""
    tables: list[GodleyTable] = []
    table_in: dict[str, str] = {}
    for b in blocks:
        for tb in b.tables:
            if tb.name in table_in:
                raise ModelError(f"table {tb.name!r} declared twice: in block {table_in[tb.name]!r} and in block "
                                 f"{b.name!r}")
            table_in[tb.name] = b.name
            tables.append(tb)
    for tb in tables:
        entries = resolve(tb, declared, rates=rates, auxiliaries=auxiliaries, dt=dt)
        scale = entries[("", "scale")]
        for chk in tb.checks(entries, judge=False):
            key = f"identity {chk.name}"
            if key in where:
                raise ModelError(f"identity {chk.name!r} defined twice: in block {where[key]!r} and by table "
                                 f"{tb.name!r} of block {table_in[tb.name]!r}")
            e = chk.total / scale
            check_functions(e, f"table {tb.name!r}: {chk.what} {chk.label!r}".rstrip(" '"))
            identities[chk.name] = e
            where[key] = table_in[tb.name]
    return tuple(tables)


def _check_meta(meta: ModelMeta, declared: Mapping[str, Var], name: str) -> ModelMeta:
    """``meta`` if its names are the model's: exogenous paths of exogenous inputs, kept paths,
    outcome needs and plausible ranges (``(low, high)``, one end may be open) of declared
    non-parameter symbols, outcome parameters of declared parameters, a span with end after start."""
    if not isinstance(meta, ModelMeta):
        raise ModelError(f"meta must be a ModelMeta, got {type(meta).__name__}")
    bad = [k for k in meta.exogenous if k not in declared or declared[k].kind != "exogenous"]
    if bad:
        raise ModelError(f"model {name!r}: default exogenous path(s) for {', '.join(map(repr, bad))}, which are not "
                         "exogenous inputs")
    paths = [*(meta.keep or ()), *(n for o in meta.outcomes for n in o.needs)]
    bad = sorted({k for k in paths if k not in declared or declared[k].kind == "parameter"})
    if bad:
        raise ModelError(f"model {name!r}: kept paths or outcome needs {', '.join(map(repr, bad))} are not "
                         "stocks, auxiliaries or inputs")
    bad = sorted({k for o in meta.outcomes for k in o.parameters if k not in declared
                  or declared[k].kind != "parameter"})
    if bad:
        raise ModelError(f"model {name!r}: outcome parameters {', '.join(map(repr, bad))} are not parameters")
    if meta.t_span is not None and not float(meta.t_span[1]) > float(meta.t_span[0]):
        raise ModelError(f"model {name!r}: default t_span {meta.t_span!r} must end after it starts")
    if not isinstance(meta.plausible, Mapping):
        raise ModelError(f"model {name!r}: plausible ranges must be a mapping name -> (low, high), got "
                         f"{type(meta.plausible).__name__}")
    paths_ok = sorted(k for k, v in declared.items() if v.kind != "parameter")
    for k, rng in meta.plausible.items():
        if k not in declared or declared[k].kind == "parameter":
            near = difflib.get_close_matches(str(k), paths_ok, n=3)
            raise ModelError(f"model {name!r}: plausible range of {k!r}, which is not a stock, auxiliary or input"
                             + (f" (did you mean {', '.join(map(repr, near))}?)" if near else ""))
        ok = isinstance(rng, (tuple, list)) and len(rng) == 2 and any(v is not None for v in rng) and all(
            v is None or (isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))
                          and math.isfinite(v)) for v in rng)
        lo, hi = rng if ok else (None, None)
        if not ok or (lo is not None and hi is not None and not lo < hi):
            raise ModelError(f"model {name!r}: plausible range of {k!r} must be (low, high), finite numbers with "
                             f"low < high or None for an open end, got {rng!r}")
    return meta


def combine(*blocks: Block | Iterable[Block], name: str = "model", dt: float | None = None,
            description: str = "", origin: Mapping[str, Any] | None = None, check_units: bool = True,
            meta: ModelMeta | None = None) -> System:
    """Validate blocks and join them into an immutable :class:`System`.

    Parameters
    ----------
    *blocks : Block
        The mechanisms.
    name : str
        Model name.
    dt : float, optional
        Step [year] for a discrete-time map (blocks then give ``updates``).
    description : str
        Text for documentation and result metadata.
    origin : mapping, optional
        ``{"factory": "module:function", "kwargs": {...}}`` to rebuild it (from a
        saved result only if the factory is in :data:`model.catalogue.FACTORIES`).
    check_units : bool
        Check dimensional consistency (cached on disk by equations hash).
    meta : ModelMeta, optional
        The model's default span, exogenous paths, kept paths, start-state hook, outcomes and
        policy paths (:mod:`model.core.metadata`); exogenous paths must name exogenous inputs.

    Raises
    ------
    ModelError
        Naming the symbol and block: a symbol declared twice, an equation for an
        undeclared symbol or using one, no stock, a stock without an equation, a symbol
        defined twice, cyclic auxiliaries, a function the compiler does not support
        (:mod:`model.core.functions`), inconsistent units; for a table (:mod:`model.core.accounts`),
        naming the table, row and sector: an undeclared symbol, ``dot`` of anything but a stock, a
        table name used twice, a check named like a declared identity.
    """
    flat: list[Block] = []
    for b in blocks:
        if isinstance(b, Block):
            flat.append(b)
        elif isinstance(b, Iterable) and not isinstance(b, (str, bytes)):
            flat.extend(b)
        else:
            raise ModelError(f"combine() takes Blocks, got {type(b).__name__}")
    for b in flat:
        if not isinstance(b, Block):
            raise ModelError(f"combine() takes Blocks, got {type(b).__name__}")
    if not flat:
        raise ModelError("combine() needs at least one Block")
    declared: dict[str, Var] = {}
    decl_in: dict[str, str] = {}
    for b in flat:
        for v in b.variables:
            if v.name in declared:
                raise ModelError(f"symbol {v.name!r} declared twice: in block {decl_in[v.name]!r} "
                                 f"and in block {b.name!r}")
            declared[v.name] = v
            decl_in[v.name] = b.name

    def require(n: str, kinds: tuple[str, ...], what: str, bname: str) -> None:
        if n not in declared:
            raise ModelError(f"block {bname!r}: {what} for undeclared symbol {n!r}")
        if declared[n].kind not in kinds:
            raise ModelError(f"block {bname!r}: {what} for {n!r}, which is a {declared[n].kind} "
                             f"(declared in block {decl_in[n]!r}); {what} may only define: {', '.join(kinds)}")

    eqs: dict[str, dict[str, sp.Expr]] = {"derivatives": {}, "updates": {}, "auxiliaries": {}, "identities": {}}
    where: dict[str, str] = {}
    kinds = {"derivatives": ("stock",), "updates": ("stock",), "auxiliaries": ("auxiliary",)}
    labels = {"derivatives": "a derivative", "updates": "an update", "auxiliaries": "an equation"}
    for b in flat:
        for what in eqs:
            for n, e in getattr(b, what).items():
                if what != "identities":
                    require(n, kinds[what], labels[what], b.name)
                key = n if what != "identities" else f"identity {n}"
                if key in where:
                    raise ModelError(f"{key!r} defined twice: in block {where[key]!r} and in block {b.name!r}")
                where[key] = b.name
                eqs[what][n] = e
                allowed = set(declared) | {t.name}
                bad = sorted(s.name for s in e.free_symbols if s.name not in allowed)
                if bad:
                    raise ModelError(f"block {b.name!r}: equation for {n!r} uses undeclared symbol(s) "
                                     f"{', '.join(map(repr, bad))}; declare them with model.core.symbols")
                # symbols with the same name but other assumptions would compile wrongly
                for s in e.free_symbols:
                    if s.name in declared and s != declared[s.name].sym:
                        e = e.xreplace({s: declared[s.name].sym})
                # whatever validates must compile: only functions the code generator supports
                check_functions(e, f"block {b.name!r}: {labels.get(what, 'identity')} for {n!r}",
                                identity=what == "identities")
                eqs[what][n] = e
    if dt is not None:
        dt = float(dt)
        if not dt > 0:
            raise ModelError(f"dt must be positive, got {dt:g}")
        if eqs["derivatives"]:
            raise ModelError(f"a discrete system (dt={dt}) takes updates, not derivatives "
                             f"(got derivatives for {', '.join(eqs['derivatives'])})")
        stock_eqs = eqs["updates"]
    else:
        if eqs["updates"]:
            raise ModelError(f"updates for {', '.join(eqs['updates'])} need a discrete system: pass dt=...")
        stock_eqs = eqs["derivatives"]
    for n, v in declared.items():
        if v.kind == "stock" and n not in stock_eqs:
            raise ModelError(f"stock {n!r} (block {decl_in[n]!r}) has no equation")
        if v.kind == "auxiliary" and n not in eqs["auxiliaries"]:
            raise ModelError(f"auxiliary {n!r} (block {decl_in[n]!r}) has no equation")
    if not stock_eqs:
        # the integrators, maps, Jacobians and results are all over the stocks; auxiliaries of
        # parameters and inputs alone are functions of time to evaluate, not a dynamic model
        raise ModelError(f"model {name!r} declares no stock (blocks {', '.join(repr(b.name) for b in flat)}): "
                         "a System needs at least one stock, with a derivative (or an update when dt is "
                         "given); declare one with model.stock(...)")
    order = _toposort(eqs["auxiliaries"], where)
    tables = _table_identities(flat, declared, eqs["derivatives"], {k: eqs["auxiliaries"][k] for k in order}, dt,
                               eqs["identities"], where)
    variables = {n: declared[n] for n in sorted(declared)}
    sysm = System(
        name=name, blocks=tuple(flat), variables=MappingProxyType(variables),
        derivatives=MappingProxyType({k: eqs["derivatives"][k] for k in sorted(eqs["derivatives"])}),
        updates=MappingProxyType({k: eqs["updates"][k] for k in sorted(eqs["updates"])}),
        auxiliaries=MappingProxyType({k: eqs["auxiliaries"][k] for k in order}),
        identities=MappingProxyType({k: eqs["identities"][k] for k in sorted(eqs["identities"])}),
        dt=dt, description=description, origin=MappingProxyType(dict(origin or {})),
        block_of=MappingProxyType({**decl_in, **where}), meta=_check_meta(meta or ModelMeta(), declared, name),
        tables=tables,
    )
    if check_units:
        sysm.check_units()
    return sysm

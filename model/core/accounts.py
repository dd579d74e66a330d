"""Accounting matrices as data: balance sheets and transactions-flow matrices (Godley tables).

A :class:`GodleyTable` holds rows (:class:`Row`) of entries by sector (columns), written with the
model's symbols; ``dot(X)`` is the time derivative of a stock (the "change" rows of a
transactions-flow matrix). A block declares its tables (``Block(..., tables=...)``);
:func:`model.core.system.combine` validates them and turns every check below into an accounting
identity of the System, evaluated on every run like the declared identities (the largest residual of
each is saved in the provenance, ``identity_max_residual``; a residual beyond ``identity_tol`` raises an
:class:`~model.solve.simulation.IdentityWarning` naming it).

Checks (each residual is the sum of the entries divided by the table's ``scale``, so that an all-zero
row gives 0):

* ``<name>: row '<label>'``: the row sums to zero (every row of a transactions-flow matrix;
  the ``"financial"`` rows of a balance sheet: each asset is someone's liability;
  ``"tangible"`` rows sum to themselves and the ``"net_worth"`` row to minus their total);
* ``<name>: column '<sector>'``: each sector's column sums to zero (its budget, or its
  balance sheet with net worth as the balancing item);
* ``<name>: net lending`` (transactions-flow matrices): the sectors' net lending, each the sum of
  its ``"flow"`` rows, adds up to zero.

A check whose sum is zero as written (sympy ``expand`` gives 0), or zero once the auxiliaries are
evaluated at random points near the declared defaults (30-digit arithmetic: a random-point
identity test, :func:`is_trivial`), holds by construction and is flagged ``trivial``; the others
carry information: e.g. a bank's balance-sheet column whose deposits and loans are integrated by
different sectors' budgets is Godley & Lavoie's "redundant equation", checked and not imposed.

References
----------
Godley, W. & Lavoie, M. (2007) *Monetary Economics: An Integrated Approach to Credit, Money, Income,
Production and Wealth*, Palgrave Macmillan, ch. 2 (balance sheets and transactions-flow matrices).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import sympy as sp

from ..errors import ModelError
from .expr import as_expr
from .symbols import Var, t

if TYPE_CHECKING:
    from .system import System

__all__ = ["Row", "GodleyTable", "TableCheck", "dot", "ROW_KINDS", "TABLE_KINDS"]

#: Kinds of rows: ``flow`` and ``change`` (transactions-flow matrix: transactions, and changes in
#: stocks), ``financial``, ``tangible`` and ``net_worth`` (balance sheet).
ROW_KINDS: tuple[str, ...] = ("flow", "change", "financial", "tangible", "net_worth")
#: Kinds of tables and the row kinds each takes (the first is the default of a row).
TABLE_KINDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "balance_sheet": ("financial", "tangible", "net_worth"),
    "transactions_flow": ("flow", "change"),
})
#: Digits of the arithmetic in which a check's sum is evaluated at random points (:func:`is_trivial`).
DIGITS = 30
#: A sum below this share of the sum of its terms' magnitudes, at every point, is zero.
ZERO_SHARE = 1e-20
#: Random points per model, and the spread of each value around its default (relative).
POINTS, SPREAD = 3, 0.05


def dot(x: Var | sp.Symbol) -> sp.Expr:
    """The time derivative of a stock, for the entries of ``"change"`` rows.

    Parameters
    ----------
    x : Var or sympy.Symbol
        A stock of the model (or an auxiliary of stocks and parameters only).

    Returns
    -------
    sympy.Expr
        ``Derivative(x, t)`` (unevaluated); :func:`~model.core.system.combine` replaces it by the stock's
        equation ``d x/dt`` [units of x per year] (for an auxiliary of stocks and parameters only, e.g.
        a holding defined as wealth less other assets, its rate by the chain rule) and refuses it for
        anything else and in discrete maps.
    """
    sym = x.sym if isinstance(x, Var) else x
    if not isinstance(sym, sp.Symbol):
        raise ModelError(f"dot() takes a stock (Var or Symbol), got {type(x).__name__}")
    return sp.Derivative(sym, t, evaluate=False)


def _entry(value: Any, where: str) -> sp.Basic | str:
    """An entry as given: text is kept (read with the model's names by combine), the rest made sympy."""
    if isinstance(value, Var):
        return value.sym
    if isinstance(value, (sp.Basic, str)):
        return value
    if isinstance(value, bool):
        raise ModelError(f"{where}: expected a sympy expression, a Var, a number or text, got bool")
    out = as_expr(value, what=where)  # a number (text was kept above; it is read by combine, never evaluated)
    if not isinstance(out, sp.Expr):
        raise ModelError(f"{where}: expected a sympy expression, a Var, a number or text, got {type(value).__name__}")
    return out


def _text(value: Any) -> str:
    return value if isinstance(value, str) else sp.srepr(value)


@dataclass(frozen=True)
class Row:
    """One row of a :class:`GodleyTable`: entries by sector.

    Parameters
    ----------
    label : str
        The row's label (unique in its table), e.g. ``"Consumption"``, ``"Deposits"``.
    entries : mapping
        ``sector -> entry``: a sympy expression of the model's symbols, a :class:`~model.core.symbols.Var`,
        a number, or text read with the model's names (never evaluated); ``dot(X)`` for the change of a
        stock. Sources of funds and assets are positive, uses of funds and liabilities negative
        (Godley & Lavoie 2007, ch. 2). A sector not given has no entry (0).
    kind : str, optional
        One of :data:`ROW_KINDS`; by default the first kind its table takes (``"flow"`` in a
        transactions-flow matrix, ``"financial"`` in a balance sheet).
    """

    label: str
    entries: Mapping[str, Any]
    kind: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.label, str) or not self.label.strip():
            raise ModelError(f"a row's label must be non-empty text, got {self.label!r}")
        if self.kind is not None and self.kind not in ROW_KINDS:
            raise ModelError(f"row {self.label!r}: unknown kind {self.kind!r}; valid: {', '.join(ROW_KINDS)}")
        if not isinstance(self.entries, Mapping):
            raise ModelError(f"row {self.label!r}: entries must be a mapping sector -> expression, "
                             f"got {type(self.entries).__name__}")
        out: dict[str, sp.Basic | str] = {}
        for sector, value in self.entries.items():
            if not isinstance(sector, str):
                raise ModelError(f"row {self.label!r}: sectors are named by text, got {sector!r}")
            out[sector] = _entry(value, f"row {self.label!r}, sector {sector!r}")
        object.__setattr__(self, "entries", MappingProxyType(out))

    def __hash__(self) -> int:
        return hash((self.label, self.kind, tuple((k, _text(v)) for k, v in self.entries.items())))


@dataclass(frozen=True)
class TableCheck:
    """One check of a table, as the System evaluates it (see :meth:`GodleyTable.checks`).

    Attributes
    ----------
    name : str
        The identity's name, e.g. ``"tfm: row 'Consumption'"``, ``"bs: column 'banks'"``,
        ``"tfm: net lending"``.
    table : str
        The table's name.
    what : str
        ``"row"``, ``"column"`` or ``"net lending"``.
    label : str
        The row's label or the sector ("" for net lending).
    total : sympy.Expr
        The sum of the entries checked (before dividing by the scale).
    trivial : bool
        The sum is identically zero (:func:`is_trivial`): the check holds by construction.
    """

    name: str
    table: str
    what: str
    label: str
    total: sp.Expr
    trivial: bool = False


@dataclass(frozen=True)
class GodleyTable:
    """A balance sheet or transactions-flow matrix, declared with a model's symbols.

    Parameters
    ----------
    name : str
        Short name (prefix of the checks' names), e.g. ``"bs"``, ``"tfm"``.
    title : str
        Title for the documentation.
    kind : str
        ``"balance_sheet"`` or ``"transactions_flow"``.
    sectors : tuple of str
        Column names, in order (e.g. ``("households", "firms", "banks", "government")``).
    rows : tuple of Row
        The rows, in order; labels unique.
    scale : expression
        Positive magnitude the residuals are divided by: each check's residual is (sum of
        entries)/scale, e.g. a share of output for a transactions-flow matrix scaled by output
        [money/year], years of output for a balance sheet scaled by output, a share of the capital
        stock for a balance sheet scaled by capital [money].
    source : str
        Where the table comes from.

    Raises
    ------
    ModelError
        One line naming the table, and the row or sector: an unknown kind, a row kind the table
        does not take, a duplicate sector or row label, an entry for an undeclared sector.
        Symbols are checked by :func:`~model.core.system.combine`.
    """

    name: str
    title: str
    kind: str
    sectors: tuple[str, ...]
    rows: tuple[Row, ...]
    scale: Any
    source: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ModelError(f"a table's name must be non-empty text, got {self.name!r}")
        where = f"table {self.name!r}"
        if self.kind not in TABLE_KINDS:
            raise ModelError(f"{where}: unknown kind {self.kind!r}; valid: {', '.join(TABLE_KINDS)}")
        sectors = (self.sectors,) if isinstance(self.sectors, str) else tuple(self.sectors)
        if not sectors or not all(isinstance(s, str) and s.strip() for s in sectors):
            raise ModelError(f"{where}: sectors must be non-empty text, got {self.sectors!r}")
        dup = sorted({s for s in sectors if sectors.count(s) > 1})
        if dup:
            raise ModelError(f"{where}: sector {dup[0]!r} listed twice; sectors: {', '.join(sectors)}")
        allowed = TABLE_KINDS[self.kind]
        rows: list[Row] = []
        for row in (self.rows,) if isinstance(self.rows, Row) else tuple(self.rows):
            if not isinstance(row, Row):
                raise ModelError(f"{where}: rows must be Row objects, got {type(row).__name__}")
            if row.kind is None:
                row = dataclasses.replace(row, kind=allowed[0])
            if row.kind not in allowed:
                raise ModelError(f"{where}, row {row.label!r}: a {self.kind.replace('_', '-')} table takes rows of "
                                 f"kind {', '.join(allowed)}, not {row.kind!r}")
            if any(r.label == row.label for r in rows):
                raise ModelError(f"{where}: row label {row.label!r} used twice; labels must be unique")
            bad = [s for s in row.entries if s not in sectors]
            if bad:
                raise ModelError(f"{where}, row {row.label!r}: unknown sector {bad[0]!r}; "
                                 f"sectors: {', '.join(sectors)}")
            rows.append(row)
        if not rows:
            raise ModelError(f"{where}: no rows")
        object.__setattr__(self, "sectors", sectors)
        object.__setattr__(self, "rows", tuple(rows))
        object.__setattr__(self, "scale", _entry(self.scale, f"{where}: scale"))

    def __hash__(self) -> int:
        return hash((self.name, self.kind, self.sectors, self.rows, _text(self.scale)))

    def signature(self) -> str:
        """Deterministic text of the table's content (enters the model's equations hash)."""
        rows = ";".join(f"{r.label}|{r.kind}|" + ",".join(f"{s}={_text(e)}" for s, e in r.entries.items())
                        for r in self.rows)
        return f"table {self.name}|{self.title}|{self.kind}|{','.join(self.sectors)}|{_text(self.scale)}|{rows}"

    def checks(self, entries: Mapping[tuple[str, str], sp.Expr] | None = None,
               points: Sequence[Mapping[sp.Symbol, sp.Expr]] = (), *,
               judge: bool = True) -> tuple[TableCheck, ...]:
        """The checks of this table (module docstring), in order: rows, columns, net lending.

        Parameters
        ----------
        entries : mapping, optional
            ``(row label, sector) -> expression`` replacing the entries as written (combine passes
            them with text read and ``dot`` resolved); by default the entries as written, which must
            then be sympy expressions.
        points : sequence of mappings, optional
            Values of every symbol at random points (:func:`random_points`), for the triviality test
            (:func:`is_trivial`); without them only a sum that ``expand`` makes 0 is trivial.
        judge : bool
            Run the triviality test (``False``: every check's ``trivial`` is ``False``).

        Returns
        -------
        tuple of TableCheck
        """
        def entry(cell: tuple[str, str]) -> sp.Expr:
            if entries is not None:
                return entries.get(cell, sp.S.Zero)
            e = self.row(cell[0]).entries.get(cell[1], sp.S.Zero)
            if isinstance(e, str):
                raise ModelError(f"table {self.name!r}, row {cell[0]!r}, sector {cell[1]!r}: text entry {e!r} "
                                 "is read with the model's names: take the checks from the System")
            return e

        out: list[TableCheck] = []
        for name, what, label, cells in self._structure():
            total = sp.Add(*[entry(c) for c in cells])
            out.append(TableCheck(name, self.name, what, label, total, judge and is_trivial(total, points)))
        return tuple(out)

    def check_names(self) -> tuple[str, ...]:
        """The names of the checks (the System's identity names), in the order of :meth:`checks`."""
        return tuple(name for name, *_ in self._structure())

    def row(self, label: str) -> Row:
        """The row with this label.

        Raises
        ------
        ModelError
            For an unknown label (the message lists the labels).
        """
        for r in self.rows:
            if r.label == label:
                return r
        raise ModelError(f"table {self.name!r} has no row {label!r}; rows: {', '.join(r.label for r in self.rows)}")

    def _structure(self) -> list[tuple[str, str, str, list[tuple[str, str]]]]:
        """``(name, what, label, cells)`` of every check; cells are ``(row label, sector)`` with an entry."""
        out = []
        for r in self.rows:
            if r.kind not in ("tangible", "net_worth"):
                out.append((f"{self.name}: row {r.label!r}", "row", r.label,
                            [(r.label, s) for s in self.sectors if s in r.entries]))
        for s in self.sectors:
            out.append((f"{self.name}: column {s!r}", "column", s,
                        [(r.label, s) for r in self.rows if s in r.entries]))
        if self.kind == "transactions_flow":
            out.append((f"{self.name}: net lending", "net lending", "",
                        [(r.label, s) for r in self.rows if r.kind == "flow" for s in self.sectors
                         if s in r.entries]))
        return out

    def to_markdown(self, system: System | None = None) -> str:
        """The table as a Markdown pipe table (rows x sectors, explicit signs, a Sigma column).

        Parameters
        ----------
        system : System, optional
            The model, for its symbols' LaTeX names (sympy's rendering of the names otherwise).
        """
        from .documentation import table_markdown

        return "\n".join(table_markdown(self, system))

    def to_latex(self, system: System | None = None) -> str:
        """The table as a LaTeX ``table`` (booktabs; entries in math mode, a Sigma column).

        Parameters
        ----------
        system : System, optional
            The model, for its symbols' LaTeX names and the label (sympy's rendering otherwise).
        """
        from .documentation import table_latex

        return "\n".join(table_latex(self, system))


def random_points(system: System, n: int = POINTS, seed: int = 0) -> list[dict[sp.Symbol, sp.Expr]]:
    """Values of every symbol of ``system`` at ``n`` random points near the declared defaults.

    Stocks, parameters and inputs take their default times ``1 + SPREAD u`` (``u`` uniform in
    [-1, 1]; ``0.5 + u/2`` for a zero or missing default), ``t`` one plus ``u``; the auxiliaries are then
    evaluated in order, in :data:`DIGITS`-digit arithmetic. Deterministic (``seed``).
    """
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        vals: dict[sp.Symbol, sp.Expr] = {t: sp.Float(1 + rng.uniform(-1, 1), DIGITS)}
        for v in system.variables.values():
            if v.kind != "auxiliary":
                u = rng.uniform(-1, 1)
                x = v.default * (1 + SPREAD * u) if v.default else 0.5 + u / 2
                vals[v.sym] = sp.Float(x, DIGITS)
        for name, e in system.auxiliaries.items():
            vals[system.variables[name].sym] = e.xreplace(vals).evalf(DIGITS)
        out.append(vals)
    return out


def is_trivial(total: sp.Expr, points: Sequence[Mapping[sp.Symbol, sp.Expr]] = ()) -> bool:
    """Whether a check's sum is identically zero: ``expand`` gives 0 as written, or, at every one of
    ``points`` (:func:`random_points`, at least one), its value is below :data:`ZERO_SHARE` of the sum
    of its terms' magnitudes (a random-point identity test in 30-digit arithmetic: a sum that is not
    identically zero is not zero at random points, except by a coincidence of measure zero). A sum that
    does not evaluate to a real number at a point is reported not trivial.
    """
    if total == 0 or sp.expand(total) == 0:
        return True
    if not points:
        return False
    terms = sp.Add.make_args(total)
    for vals in points:
        value = total.xreplace(vals).evalf(DIGITS)
        size = sum(abs(a.xreplace(vals).evalf(DIGITS)) for a in terms)
        if not (value.is_real and size.is_real and value.is_finite and size.is_finite):
            return False
        if abs(value) > ZERO_SHARE * size:
            return False
    return True


def resolve(table: GodleyTable, declared: Mapping[str, Var], *, rates: Mapping[str, sp.Expr],
            auxiliaries: Mapping[str, sp.Expr], dt: float | None = None) -> dict[tuple[str, str], sp.Expr]:
    """The entries of ``table`` in the model's symbols, with ``dot(X)`` replaced by the rate of ``X``.

    Parameters
    ----------
    table : GodleyTable
        The table.
    declared : mapping
        The model's symbols, by name.
    rates : mapping
        ``stock -> d stock/dt`` [stock units per year].
    auxiliaries : mapping
        ``auxiliary -> definition`` in evaluation order: ``dot`` of an auxiliary that depends on stocks and
        parameters only is its rate by the chain rule.
    dt : float, optional
        Step [year] of a discrete map: ``dot`` is refused there (a change over the step is not a rate per
        year, so it would not add up with the flows); balance sheets are checked as in continuous time.

    Returns
    -------
    dict
        ``(row label, sector) -> expression``, and ``("", "scale")`` -> the scale.

    Raises
    ------
    ModelError
        One line naming the table, row and sector: text that is not an allowed expression, a symbol
        the model does not declare (the message lists the declared ones), ``dot`` of anything but a stock
        or an auxiliary of stocks and parameters (the message lists the stocks) or in a discrete map, a
        scale that is zero.
    """
    from .functions import derivative

    names = tuple(declared)
    stocks = [n for n, v in declared.items() if v.kind == "stock"]
    expanded: dict[sp.Symbol, sp.Expr] = {}

    def rate(x: sp.Symbol, where: str) -> sp.Expr:
        kind = declared[x.name].kind
        if dt is not None:
            raise ModelError(f"{where}: dot({x.name}) in a discrete map (dt={dt:g}): a change over the step is "
                             "not a rate per year; declare the change rows in the continuous-time form of the model")
        if kind == "stock":
            return rates[x.name]
        if kind == "auxiliary":
            if not expanded:
                for n, e in auxiliaries.items():
                    expanded[declared[n].sym] = e.xreplace(expanded)
            e = expanded[x]
            other = sorted(s.name for s in e.free_symbols if s.name not in declared
                           or declared[s.name].kind not in ("stock", "parameter"))
            if not other:
                xs = sorted((s for s in e.free_symbols if declared[s.name].kind == "stock"), key=lambda s: s.name)
                return sp.Add(*[derivative(e, s) * rates[s.name] for s in xs])
            why = f"it depends on {', '.join(map(repr, other))}, whose rate is not known"
        else:
            why = f"it is a {kind}"
        raise ModelError(f"{where}: dot({x.name}): {why}; dot() takes a stock ({', '.join(stocks)}) or an "
                         "auxiliary of stocks and parameters only")

    def read(value: sp.Basic | str, where: str) -> sp.Expr:
        e = as_expr(value, names, what=where)
        bad = sorted(s.name for s in e.free_symbols if s.name not in declared and s != t)
        if bad:
            raise ModelError(f"{where}: unknown symbol {bad[0]!r}; declared symbols: {', '.join(sorted(declared))}")
        e = e.xreplace({s: declared[s.name].sym for s in e.free_symbols
                        if s.name in declared and s != declared[s.name].sym})
        sub: dict[sp.Basic, sp.Expr] = {}
        for d in e.atoms(sp.Derivative):
            x = d.expr
            if not (isinstance(x, sp.Symbol) and d.variables == (t,) and x.name in declared):
                raise ModelError(f"{where}: {d} is not dot() of a declared symbol; dot() takes a stock: "
                                 f"{', '.join(stocks)}")
            sub[d] = rate(x, where)
        return e.xreplace(sub) if sub else e

    out: dict[tuple[str, str], sp.Expr] = {}
    for row in table.rows:
        for sector, value in row.entries.items():
            out[(row.label, sector)] = read(value, f"table {table.name!r}, row {row.label!r}, sector {sector!r}")
    scale = read(table.scale, f"table {table.name!r}: scale")
    if scale == 0:
        raise ModelError(f"table {table.name!r}: scale is zero; give a positive magnitude (e.g. output or a stock)")
    out[("", "scale")] = scale
    return out

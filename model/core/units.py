"""Dimensional analysis of equations with pint.

Every symbol's ``units`` string is parsed by a shared pint registry extended
with the quantities macro-climate models need (currency, carbon and CO2 mass
as separate dimensions, people). Every equation is checked:

* a derivative must have the stock's units per year;
* a discrete update must have the stock's units;
* an auxiliary must have its declared units;
* terms of a sum, arguments of ``Max``/``Min``/``Piecewise`` and both sides of
  a comparison must agree in dimension *and scale* (``GtC`` and ``tC`` differ);
* arguments of ``exp``, ``log`` and other transcendental functions, and
  symbolic exponents, must be dimensionless.

Dimensionless and per-year are different: ``alpha + omega`` with ``alpha`` in
``1/year`` is an error. Bare numbers are dimensionless, except in feedback
rules (:class:`model.core.levers.Rule`), where a number or a term with a numeric
coefficient takes whatever units make the rule consistent.

Temperatures on an offset scale (``degC``, ``degF`` and their spellings
``degree_Celsius``, ``celsius``, ``°C``...) are points, not amounts: the
difference of two of them is a temperature difference (``delta_degC``), a
point plus differences is a point, and a number times a point is allowed only
as a weight in a sum whose weights add up to 0 (a difference) or 1 (an average,
a point). Anything else (a point times a rate, divided by a time, in ``exp``,
compared with a difference...) is refused with the suggestion to use
``delta_degC`` (or kelvin). So ``dT/dt = (Teq - T)/tau`` with ``T`` and ``Teq``
in ``degC`` validates: its right-hand side is in ``delta_degC/year``, which is
what the derivative of a stock in ``degC`` must be. Points on different scales
(``degC`` and ``degF``) differ in scale and are refused; ``kelvin`` (absolute)
combines with a ``degC`` point only as a difference (``T_degC + dT_K``).

Every error of the units library (pint) met while checking becomes a
:class:`~model.errors.ModelError` naming the equation and the symbols involved.
"""

from __future__ import annotations

import functools
import hashlib
import math
from typing import TYPE_CHECKING

import sympy as sp

from ..cache import atomic_write, cache_dir
from ..errors import ModelError
from .functions import SMOOTH

if TYPE_CHECKING:
    from .system import System

if TYPE_CHECKING:
    import pint

    from .system import System

_EXTRA = """
USD = [currency]
EUR = [currency_eur]
GBP = [currency_gbp]
tC = [carbon_mass]
tCO2 = [co2_mass]
GtC = 1e9 * tC
MtC = 1e6 * tC
GtCO2 = 1e9 * tCO2
MtCO2 = 1e6 * tCO2
ppm_co2 = 2.124 * GtC
TUSD = 1e12 * USD
worker = [labour]
Mworker = 1e6 * worker
"""


@functools.lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The shared pint ``UnitRegistry`` (created on first use)."""
    import pint

    reg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=False)
    for line in _EXTRA.strip().splitlines():
        reg.define(line)
    return reg


@functools.cache
def parse_units(text: str) -> pint.Quantity:
    """Parse a units string into a pint Quantity of magnitude 1.

    Raises
    ------
    ModelError
        If pint cannot parse it.
    """
    reg = registry()
    try:
        q = reg.Quantity(1.0, reg.parse_units(text or "dimensionless"))
    except Exception as exc:  # pint raises several types
        raise ModelError(f"cannot parse units {text!r}: {exc}") from None
    return q


def offset_delta(q: pint.Quantity) -> pint.Quantity | None:
    """The temperature-difference units (magnitude 1) of an offset-scale unit, ``None`` otherwise.

    Parameters
    ----------
    q : pint.Quantity
        Units as returned by :func:`parse_units`.

    Returns
    -------
    pint.Quantity or None
        E.g. ``delta_degree_Celsius`` for ``degC``; ``None`` for multiplicative units
        (``kelvin``, ``degC/year``, which pint already reads as ``delta_degC/year``).
    """
    if q._is_multiplicative:
        return None
    d = q - q  # pint: the difference of two offset temperatures is a delta
    return registry().Quantity(1.0, d.units)


class _Point:
    """``w`` times a temperature on an offset scale whose differences have units ``q``."""

    __slots__ = ("q", "w", "unit")

    def __init__(self, q, w: float, unit: str):
        self.q, self.w, self.unit = q, w, unit


class _Checker:
    def __init__(self, system, context: str, lenient_numbers: bool = False):
        from pint.errors import PintError

        self.pint_error = PintError
        self.declared = {n: v.units for n, v in system.variables.items()}
        self.units = {n: declared_units(v.units) for n, v in system.variables.items()}
        self.units["t"] = parse_units("year")
        self.declared["t"] = "year"
        self.one = parse_units("dimensionless")
        self.context = context
        self.lenient = lenient_numbers

    def fail(self, msg: str):
        raise ModelError(f"{self.context}: {msg}")

    def same(self, a, b, what_a, what_b):
        if a.dimensionality != b.dimensionality:
            self.fail(f"inconsistent units: {what_a} is [{a.units}] but {what_b} is [{b.units}]")
        factor = b.to(a.units).magnitude
        if not math.isclose(factor, 1.0, rel_tol=1e-12):
            self.fail(f"inconsistent scale: {what_a} is [{a.units}] but {what_b} is [{b.units}] "
                      f"(factor {factor:g})")

    def symbols_with_units(self, e) -> str:
        syms = sorted(s.name for s in getattr(e, "free_symbols", ()) if s.name in self.declared)
        return ", ".join(f"{n} [{self.declared[n]}]" for n in syms) or "numbers only"

    def offset(self, e, v: _Point, how: str):
        self.fail(f"{e} {how}, but it holds a temperature on an offset scale "
                  f"({self.symbols_with_units(e)}): only differences of such temperatures (units "
                  f"delta_{v.unit}) or a temperature plus differences are meaningful; declare "
                  f"temperature differences and rates in delta_{v.unit} (e.g. delta_{v.unit}/year) and "
                  f"absolute temperatures on one scale, or use kelvin")

    def plain(self, v, e, how: str):
        """``v`` if it is an ordinary quantity (or None); refuse an offset-scale temperature."""
        if isinstance(v, _Point):
            self.offset(e, v, how)
        return v

    def agree(self, expected, got, e, what_a, what_b):
        """Check that ``got`` (units of ``e``) fits ``expected``: both points or both ordinary."""
        if got is None or expected is None:
            return
        if isinstance(expected, _Point) != isinstance(got, _Point):
            pt = expected if isinstance(expected, _Point) else got
            where = what_a if isinstance(expected, _Point) else what_b
            other = what_b if where == what_a else what_a
            self.fail(f"{where} is a temperature on an offset scale [{pt.unit}] but {other} is "
                      f"[{(got if pt is expected else expected).units}]: compare points with points, "
                      f"and write differences in delta_{pt.unit}")
        if isinstance(got, _Point):
            if not math.isclose(got.w, 1.0, rel_tol=1e-12):
                self.offset(e, got, f"weighs its temperatures {got.w:g} in total (not 1)")
            self.same(expected.q, got.q, what_a, what_b)
        else:
            self.same(expected, got, what_a, what_b)

    def dimensionless(self, q, what):
        self.same(self.one, q, "a dimensionless quantity", what)

    def __call__(self, e):
        """Units (Quantity of magnitude 1, or a :class:`_Point`) of ``e``; ``None`` for zero (fits anything)."""
        try:
            return self._visit(e)
        except self.pint_error as exc:
            self.fail(f"the units library cannot combine the units in {e} ({self.symbols_with_units(e)}): "
                      f"{type(exc).__name__}: {exc}")

    def _same_kind(self, items, what):
        """Common units of ``items`` [(expr, units)] that must all agree (Max, Min, branches)."""
        known = [(a, q) for a, q in items if q is not None]
        if not known:
            return None
        a0, q0 = known[0]
        for a, q in known[1:]:
            self.agree(q0, q, a, f"{what} {a0}", f"{what} {a}")
        if isinstance(q0, _Point):
            self.agree(q0, q0, a0, f"{what} {a0}", f"{what} {a0}")  # weight 1
        return q0

    def _visit(self, e):
        if isinstance(e, sp.Symbol):
            return self.units[e.name]
        if e.is_Number or e in (sp.pi, sp.E):
            return None if (e == 0 or self.lenient) else self.one
        if isinstance(e, sp.NumberSymbol):
            return self.one
        if e.is_Add:
            terms = [(a, self(a)) for a in e.args]
            known = [(a, q.q if isinstance(q, _Point) else q) for a, q in terms if q is not None]
            if not known:
                return None
            a0, q0 = known[0]
            for a, q in known[1:]:
                self.same(q0, q, f"term {a0}", f"term {a}")
            points = [q for _, q in terms if isinstance(q, _Point)]
            if points:
                w = sum(p.w for p in points)
                if abs(w) < 1e-12:
                    return points[0].q  # a difference of temperatures
                if math.isclose(w, 1.0, rel_tol=1e-12):
                    return _Point(points[0].q, 1.0, points[0].unit)
                self.offset(e, points[0], f"weighs its temperatures {w:g} in total (neither 0, a "
                                          "difference, nor 1, a temperature)")
            # pure numbers are dimensionless: adding 1 to a per-year rate is an error
            return q0
        if e.is_Mul:
            q = self.one
            point, coef, others = None, 1.0, 0
            for a in e.args:
                if a.is_Number:
                    if a == 0 or self.lenient:
                        return None
                    coef *= float(a)
                    continue
                qa = self(a)
                if qa is None:
                    return None
                if isinstance(qa, _Point):
                    if point is not None:
                        self.offset(e, qa, "multiplies two temperatures")
                    point = qa
                    continue
                others += 1
                q = q * qa
            if point is not None:
                if others:
                    self.offset(e, point, "multiplies or divides a temperature by a quantity")
                return _Point(point.q, point.w * coef, point.unit)
            return q
        if e.is_Pow:
            base, ex = e.args
            qb = self.plain(self(base), e, "raises a temperature to a power")
            if ex.is_Number:
                return None if qb is None else qb ** float(ex)
            qe = self.plain(self(ex), e, "has a temperature in an exponent")
            if qe is not None:
                self.dimensionless(qe, f"exponent {ex}")
            if qb is not None:
                self.dimensionless(qb, f"base {base} of a symbolic power")
            return self.one
        if isinstance(e, SMOOTH):  # the smooth functions the compiler supports
            for a in e.args:
                q = self.plain(self(a), e, f"takes {e.func.__name__} of a temperature")
                if q is not None:
                    self.dimensionless(q, f"argument {a} of {e.func.__name__}")
            return self.one
        if isinstance(e, (sp.Max, sp.Min, sp.Abs)):
            return self._same_kind([(a, self(a)) for a in e.args], "argument")
        if isinstance(e, sp.Piecewise):
            out = self._same_kind([(val, self(val)) for val, _ in e.args], "branch")
            for _, cond in e.args:
                self(cond)
            return out
        if isinstance(e, sp.core.relational.Relational):
            ql, qr = self(e.lhs), self(e.rhs)
            self.agree(ql, qr, e, f"left side {e.lhs}", f"right side {e.rhs}")
            return self.one
        if isinstance(e, (sp.logic.boolalg.BooleanTrue, sp.logic.boolalg.BooleanFalse)):
            return self.one
        if isinstance(e, sp.logic.boolalg.BooleanFunction):  # And, Or, Not, ITE, Xor...
            for a in e.args:
                self(a)
            return self.one
        if isinstance(e, (sp.sign, sp.Heaviside)):
            self(e.args[0])
            return self.one
        self.fail(f"cannot check units of {e.func.__name__} in {e}; supported: +, *, **, exp, log, "
                  "trigonometric, Max, Min, Abs, Piecewise, sign, Heaviside")


def declared_units(text: str) -> pint.Quantity | _Point:
    """Units of a declared symbol for the checker: a Quantity, or an offset-scale temperature point.

    Raises
    ------
    ModelError
        If pint cannot parse ``text``.
    """
    q = parse_units(text)
    d = offset_delta(q)
    return q if d is None else _Point(d, 1.0, text.strip())


_CHECK_VERSION = "2"  # raise when the rules of the check change: older markers no longer count


def _check_key(system) -> str:
    """What the outcome of the check depends on: the equations hash (declarations with their units and
    equations), the equations checked with lenient numbers (feedback rules) and the rules' version."""
    lenient = sorted(n for n, b in system.block_of.items() if b == "feedback rules")
    text = "\n".join([system.equations_hash(), _CHECK_VERSION, *lenient])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_system_units(system: System, *, use_cache: bool = True) -> None:
    """Check every equation of ``system``; raise :class:`ModelError` naming the equation.

    A pass is remembered on disk (a marker keyed by :func:`_check_key`), so a model checked
    before is not walked again and pint is not imported.

    Raises
    ------
    ModelError
        Naming the symbol (units pint cannot parse) or the equation and its symbols with
        their units (inconsistent dimension or scale, misuse of an offset temperature scale,
        any other error of the units library).
    """
    marker = cache_dir() / f"units-{_check_key(system)}.ok" if use_cache else None
    if marker is not None and marker.exists():
        return  # passed before: pint is not even imported
    from pint.errors import PintError

    year = parse_units("year")

    def where(n: str) -> str:
        return system.block_of.get(n, system.block_of.get("identity " + n, "?"))

    for n, v in system.variables.items():
        try:
            declared_units(v.units)
        except ModelError as exc:
            raise ModelError(f"symbol {n!r} (block {where(n)!r}): {exc}") from None

    def rate(n: str):
        q = declared_units(system.variables[n].units)
        return (q.q if isinstance(q, _Point) else q) / year  # d(degC)/dt is in delta_degC/year

    groups = (("derivative of", system.derivatives, rate),
              ("update of", system.updates, lambda n: declared_units(system.variables[n].units)),
              ("auxiliary", system.auxiliaries, lambda n: declared_units(system.variables[n].units)),
              ("identity", system.identities, None))
    for label, eqs, expected in groups:
        for n, e in eqs.items():
            ctx = f"units of {label} {n!r} (block {where(n)!r})"
            # numbers in feedback rules carry whatever units make the rule consistent
            chk = _Checker(system, ctx, lenient_numbers=system.block_of.get(n) == "feedback rules")
            try:
                q = chk(e)
                if expected is not None:
                    chk.agree(expected(n), q, e, "the left-hand side", "the right-hand side")
            except PintError as exc:  # anything the walk itself did not attribute
                raise ModelError(f"{ctx}: the units library cannot check {n} = {e} "
                                 f"({chk.symbols_with_units(e)}): {type(exc).__name__}: {exc}") from None
    if marker is not None:
        atomic_write(marker, "ok\n")

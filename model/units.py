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
rules (:class:`model.levers.Rule`), where a number or a term with a numeric
coefficient takes whatever units make the rule consistent.
"""

from __future__ import annotations

import functools
import math

import sympy as sp

from .cache import atomic_write, cache_dir
from .errors import ModelError

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
def registry():
    """The shared pint ``UnitRegistry`` (created on first use)."""
    import pint

    reg = pint.UnitRegistry(autoconvert_offset_to_baseunit=False)
    for line in _EXTRA.strip().splitlines():
        reg.define(line)
    return reg


@functools.lru_cache(maxsize=None)
def parse_units(text: str):
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


_TRANSCENDENTAL = (sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.tanh, sp.sinh, sp.cosh, sp.atan, sp.erf)


class _Checker:
    def __init__(self, system, context: str, lenient_numbers: bool = False):
        self.units = {n: parse_units(v.units) for n, v in system.variables.items()}
        self.units["t"] = parse_units("year")
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

    def dimensionless(self, q, what):
        self.same(self.one, q, "a dimensionless quantity", what)

    def __call__(self, e):
        """Units (Quantity of magnitude 1) of ``e``; ``None`` for zero (fits anything)."""
        if isinstance(e, sp.Symbol):
            return self.units[e.name]
        if e.is_Number or e in (sp.pi, sp.E):
            return None if (e == 0 or self.lenient) else self.one
        if isinstance(e, sp.NumberSymbol):
            return self.one
        if e.is_Add:
            terms = [(a, self(a)) for a in e.args]
            known = [(a, q) for a, q in terms if q is not None]
            if not known:
                return None
            a0, q0 = known[0]
            for a, q in known[1:]:
                self.same(q0, q, f"term {a0}", f"term {a}")
            # pure numbers are dimensionless: adding 1 to a per-year rate is an error
            return q0
        if e.is_Mul:
            q = self.one
            for a in e.args:
                if a.is_Number:
                    if a == 0 or self.lenient:
                        return None
                    continue
                qa = self(a)
                if qa is None:
                    return None
                q = q * qa
            return q
        if e.is_Pow:
            base, ex = e.args
            qb = self(base)
            if ex.is_Number:
                return None if qb is None else qb ** float(ex)
            qe = self(ex)
            if qe is not None:
                self.dimensionless(qe, f"exponent {ex}")
            if qb is not None:
                self.dimensionless(qb, f"base {base} of a symbolic power")
            return self.one
        if isinstance(e, _TRANSCENDENTAL):
            for a in e.args:
                q = self(a)
                if q is not None:
                    self.dimensionless(q, f"argument {a} of {e.func.__name__}")
            return self.one
        if isinstance(e, (sp.Max, sp.Min, sp.Abs)):
            qs = [(a, self(a)) for a in e.args]
            known = [(a, q) for a, q in qs if q is not None]
            for a, q in known[1:]:
                self.same(known[0][1], q, f"argument {known[0][0]}", f"argument {a}")
            return known[0][1] if known else None
        if isinstance(e, sp.Piecewise):
            out = None
            for val, cond in e.args:
                q = self(val)
                if q is not None:
                    if out is not None:
                        self.same(out, q, "a Piecewise branch", f"branch {val}")
                    out = out or q
                self(cond)
            return out
        if isinstance(e, sp.core.relational.Relational):
            ql, qr = self(e.lhs), self(e.rhs)
            if ql is not None and qr is not None:
                self.same(ql, qr, f"left side {e.lhs}", f"right side {e.rhs}")
            return self.one
        if isinstance(e, (sp.logic.boolalg.BooleanTrue, sp.logic.boolalg.BooleanFalse)):
            return self.one
        if isinstance(e, (sp.And, sp.Or, sp.Not)):
            for a in e.args:
                self(a)
            return self.one
        if isinstance(e, (sp.sign, sp.Heaviside)):
            self(e.args[0])
            return self.one
        self.fail(f"cannot check units of {e.func.__name__} in {e}; supported: +, *, **, exp, log, "
                  "trigonometric, Max, Min, Abs, Piecewise, sign, Heaviside")


def check_system_units(system, *, use_cache: bool = True) -> None:
    """Check every equation of ``system``; raise :class:`ModelError` naming the equation.

    The outcome is cached on disk by the equations hash (which includes the units).
    """
    marker = cache_dir() / f"units-{system.equations_hash()}.ok" if use_cache else None
    if marker is not None and marker.exists():
        return
    year = parse_units("year")
    for v in system.variables.values():
        parse_units(v.units)
    groups = (("derivative of", system.derivatives, lambda n: parse_units(system.variables[n].units) / year),
              ("update of", system.updates, lambda n: parse_units(system.variables[n].units)),
              ("auxiliary", system.auxiliaries, lambda n: parse_units(system.variables[n].units)),
              ("identity", system.identities, None))
    for label, eqs, expected in groups:
        for n, e in eqs.items():
            ctx = f"units of {label} {n!r} (block {system.block_of.get(n, system.block_of.get('identity ' + n, '?'))!r})"
            # numbers in feedback rules carry whatever units make the rule consistent
            chk = _Checker(system, ctx, lenient_numbers=system.block_of.get(n) == "feedback rules")
            q = chk(e)
            if expected is not None and q is not None:
                chk.same(expected(n), q, "the left-hand side", "the right-hand side")
    if marker is not None:
        atomic_write(marker, "ok\n")

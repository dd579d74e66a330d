"""From sympy equations to the source of a Python/numba module.

The generated module holds only straight-line scalar functions (one assignment per
auxiliary or common subexpression, in dependency order); :mod:`model.compiler.compiled` compiles
each one, when first used, as a C callback that the model-independent integrators of
:mod:`model.compiler.integrators` call by address.

Arguments are ``(t, _y, _p, _u, _out)``: time, state, parameters, inputs and
the output, all flat (pointers in compiled code: a matrix output is indexed
``_out[i * ncols + j]``); model symbols become local names, so only ``math``, ``np``,
``max``, ``min``, ``abs``, ``float``, ``int`` and Python keywords are reserved.

``_rhs``
    ``out = dy/dt`` (continuous) or ``(x_next - x)/dt`` (discrete).
``_update``
    ``out = x_next`` for discrete maps (copy of ``y`` for continuous systems).
``_jac``
    Nonzero entries of ``d rhs / d y`` (row-major, N columns), by the chain rule
    through the auxiliaries (never by substituting them).
``_dfdp``
    Nonzero entries of ``d rhs / d p`` for every parameter (row-major, max(NP, 1) columns).
``_tan``
    Forward-mode tangents ``J S + (df/dp) D`` for ``k`` directions at once
    (``S`` the state sensitivities, ``D`` the parameter directions, ``out``; all
    row-major with ``_k`` columns): local
    partial derivatives are evaluated once, then one linear sweep through the
    auxiliaries per direction (the right-hand side of the forward sensitivities).
``_obs_tan``
    The auxiliaries and their tangents along ``k`` directions (as ``_tan``).
``_observe``
    Auxiliaries in order, then the residuals of the declared identities.

The derivatives (``_jac``, ``_dfdp``, ``_tan``, ``_obs_tan``) are all taken by
:func:`model.core.functions.derivative`: at kinks and ties of ``Max``, ``Min``, ``Abs``,
``Heaviside``, ``sign`` and ``Piecewise`` they are the derivative of the one piece
selected there (ties to the first argument), never sympy's blend or a Dirac delta.

Generation is deterministic: every set is sorted before it is iterated, so
two processes produce identical source and the on-disk cache hits.
"""

from __future__ import annotations

import functools
import hashlib
import json
import keyword
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from ..cache import file_digest
from ..core.functions import derivative
from ..errors import ModelError

if TYPE_CHECKING:
    from ..core.system import System

CODEGEN_VERSION = "7"


class _Printer(PythonCodePrinter):
    """Python printer with full float precision and math-module functions."""

    def __init__(self):
        super().__init__({"fully_qualified_modules": True, "standard": "python3"})

    def _print_Float(self, expr):  # default printing keeps 15 digits only
        return repr(float(expr))

    def _print_Rational(self, expr):
        return repr(float(expr.p) / float(expr.q))

    def _print_Integer(self, expr):
        return repr(float(int(expr))) if abs(int(expr)) > 2 ** 52 else str(int(expr))

    def _print_Pow(self, expr, rational=False):
        base, ex = expr.args
        if ex == sp.Rational(1, 2):
            return f"math.sqrt({self._print(base)})"
        if ex == -1:
            return f"(1.0/{self.parenthesize(base, 1000)})"
        if ex.is_Integer and 2 <= int(ex) <= 4:
            b = self.parenthesize(base, 1000)
            return "(" + "*".join([b] * int(ex)) + ")"
        return super()._print_Pow(expr, rational=rational)


_PRINTER = _Printer()


def identity_residual(e: sp.Expr) -> sp.Expr:
    """Residual of a declared identity: for an ``Eq``, ``lhs - rhs`` relative to the sum of
    the absolute values of the terms on both sides (so cancelling flows do not inflate it);
    the expression itself (an absolute residual) otherwise."""
    if isinstance(e, sp.Equality):
        terms = sp.Add.make_args(e.lhs) + sp.Add.make_args(e.rhs)
        return (e.lhs - e.rhs) / (sp.Add(*[sp.Abs(a) for a in terms]) + sp.Float(1e-300))
    return e


def pycode(expr: sp.Expr) -> str:
    """Python source of one expression (math-module functions)."""
    return _PRINTER.doprint(expr)


def _sorted_syms(syms) -> list[sp.Symbol]:
    return sorted(syms, key=lambda s: s.name)


def chain_rule(assign: Sequence[tuple[sp.Symbol, sp.Expr]], outputs: Sequence[sp.Expr],
               wrt: Sequence[sp.Symbol], tag: str) -> tuple[list[tuple[sp.Symbol, sp.Expr]], list[list[sp.Expr]]]:
    """Total derivatives of ``outputs`` with respect to ``wrt`` through ordered assignments.

    Returns
    -------
    extra : list of (Symbol, Expr)
        New assignments ``_d<tag>_<aux>_<j> = d aux / d wrt_j`` (nonzero only), in order.
    matrix : list of list of Expr
        ``matrix[i][j] = d outputs[i] / d wrt[j]`` in terms of the new symbols.
    """
    defined = {s for s, _ in assign}
    D: dict[tuple[sp.Symbol, int], sp.Symbol] = {}
    extra: list[tuple[sp.Symbol, sp.Expr]] = []

    def total(e: sp.Expr, j: int) -> sp.Expr:
        w = wrt[j]
        acc = derivative(e, w)
        for a in _sorted_syms(e.free_symbols & defined):
            da = D.get((a, j))
            if da is not None:
                acc += derivative(e, a) * da
        return acc

    for s, e in assign:
        for j in range(len(wrt)):
            d = total(e, j)
            if d != 0:
                ds = sp.Symbol(f"_d{tag}_{s.name}_{j}", real=True)
                extra.append((ds, d))
                D[(s, j)] = ds
    matrix = [[total(f, j) for j in range(len(wrt))] for f in outputs]
    return extra, matrix


def emit(assign: Sequence[tuple[sp.Symbol, sp.Expr]], outputs: Sequence[tuple[str, sp.Expr]],
         indent: str = "    ") -> list[str]:
    """Lines computing ``outputs`` (``target = expr``) from ordered assignments, with cse.

    Assignments not needed by any output are dropped; common subexpressions of
    everything that remains are shared.
    """
    defs = dict(assign)
    needed: set[sp.Symbol] = set()
    stack = [s for _, e in outputs for s in e.free_symbols if s in defs]
    while stack:
        s = stack.pop()
        if s not in needed:
            needed.add(s)
            stack.extend(x for x in defs[s].free_symbols if x in defs)
    kept = [(s, e) for s, e in assign if s in needed]
    exprs = [e for _, e in kept] + [e for _, e in outputs]
    if not exprs:
        return []
    repl, reduced = sp.cse(exprs, symbols=sp.numbered_symbols("_x", real=True), order="canonical")
    items: list[tuple[sp.Symbol, sp.Expr]] = list(repl) + [(s, reduced[i]) for i, (s, _) in enumerate(kept)]
    table = dict(items)
    done: set[sp.Symbol] = set()
    lines: list[str] = []

    def place(sym: sp.Symbol) -> None:
        if sym in done:
            return
        done.add(sym)
        for dep in _sorted_syms(table[sym].free_symbols & table.keys()):
            place(dep)
        lines.append(f"{indent}{sym.name} = {pycode(table[sym])}")

    for s, _ in items:
        place(s)
    for (target, _), e in zip(outputs, reduced[len(kept):]):
        for dep in _sorted_syms(e.free_symbols & table.keys()):
            place(dep)
        lines.append(f"{indent}{target} = {pycode(e)}")
    return lines


def tangent(assign: Sequence[tuple[sp.Symbol, sp.Expr]], outputs: Sequence[sp.Expr],
            states: Sequence[sp.Symbol], params: Sequence[sp.Symbol], indent: str = "    ") -> list[str]:
    """Body of ``_tan``: ``_f[i] = f_i`` and ``_out[i, j] = sum_m J[i, m] _S[m, j] + sum_q (df_i/dp_q) _D[q, j]``.

    The local partials of every assignment and output are computed once (shared
    common subexpressions); the loop over the ``_k`` directions then only
    multiplies and adds (forward-mode differentiation through the assignments,
    never forming the dense Jacobian or every parameter column).
    """
    defined = {s for s, _ in assign}
    seed = {s: f"_S[{m} * _k + _j]" for m, s in enumerate(states)}
    seed.update({q: f"_D[{i} * _k + _j]" for i, q in enumerate(params)})
    partials: list[tuple[str, sp.Expr]] = []
    tan: dict[sp.Symbol, str] = dict(seed)

    def linear(e: sp.Expr) -> str | None:
        terms = []
        for x in _sorted_syms(e.free_symbols & (defined | seed.keys())):
            if x not in tan:
                continue  # an auxiliary with zero tangent (depends on time and inputs only)
            d = derivative(e, x)
            if d == 0:
                continue
            if d.is_Number:
                coef = pycode(d)
            else:
                coef = f"_q{len(partials)}"
                partials.append((coef, d))
            terms.append(f"{coef} * {tan[x]}")
        return " + ".join(terms) if terms else None

    loop: list[str] = []
    for s, e in assign:
        lin = linear(e)
        if lin is not None:
            tan[s] = f"_t_{s.name}"
            loop.append(f"{indent}    _t_{s.name} = {lin}")
    for i, f in enumerate(outputs):
        loop.append(f"{indent}    _out[{i} * _k + _j] = {linear(f) or '0.0'}")
    # the right-hand side shares its subexpressions with the partials
    primal = emit(assign, partials + [(f"_f[{i}]", f) for i, f in enumerate(outputs)], indent)
    return primal + [f"{indent}for _j in range(_k):"] + loop


def _unpack(lines: list[str], names: dict[str, str], indent: str = "    ") -> list[str]:
    """Prepend ``name = y[i]`` etc. for the names the body uses."""
    body = "\n".join(lines)
    used = [f"{indent}{n} = {src}" for n, src in names.items() if _uses(body, n)]
    return used + lines


def _uses(body: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", body) is not None


#: the generated functions, in module order, and whether each has the tangent signature
FUNCTIONS = {"_rhs": False, "_update": False, "_jac": False, "_dfdp": False, "_tan": True, "_obs_tan": True,
             "_observe": False}


class _Parts:
    """Source lines of each generated function of one system (built on demand)."""

    def __init__(self, system):
        reserved = {"math", "np", "numpy", "max", "min", "abs", "float", "int"}
        for n in system.variables:
            if n in reserved or keyword.iskeyword(n):
                raise ModelError(f"symbol name {n!r} is reserved in generated code; rename it "
                                 f"(reserved: {', '.join(sorted(reserved))} and Python keywords)")
        self.system = system
        var = system.variables
        self.states = [var[n].sym for n in system.stocks]
        self.params = [var[n].sym for n in system.parameters]
        self.inputs = [var[n].sym for n in system.inputs]
        self.aux = [(var[n].sym, e) for n, e in system.auxiliaries.items()]
        names = {s.name: f"_y[{i}]" for i, s in enumerate(self.states)}
        names.update({s.name: f"_p[{i}]" for i, s in enumerate(self.params)})
        names.update({s.name: f"_u[{i}]" for i, s in enumerate(self.inputs)})
        self.names = names
        if system.is_discrete:
            self.upd = [system.updates[s.name] for s in self.states]
            dt = sp.Float(system.dt)
            self.f = [(e - s) / dt for e, s in zip(self.upd, self.states)]
        else:
            self.upd = list(self.states)
            self.f = [system.derivatives[s.name] for s in self.states]

    def _func(self, name: str, body: list[str]) -> list[str]:
        body = _unpack(body, self.names)
        return ["@safe", f"def {name}(t, _y, _p, _u, _out):"] + (body or ["    pass"]) + [""]

    def _tan_func(self, name: str, body: list[str]) -> list[str]:
        return ["@safe", f"def {name}(t, _y, _p, _u, _S, _D, _k, _f, _out):"] + (body or ["    pass"]) + [""]

    def _rhs(self) -> list[str]:
        return self._func("_rhs", emit(self.aux, [(f"_out[{i}]", e) for i, e in enumerate(self.f)]))

    def _update(self) -> list[str]:
        return self._func("_update", emit(self.aux, [(f"_out[{i}]", e) for i, e in enumerate(self.upd)]))

    def _jac(self) -> list[str]:
        n = len(self.states)
        extra, J = chain_rule(self.aux, self.f, self.states, "y")
        return self._func("_jac", emit(self.aux + extra, [(f"_out[{i * n + j}]", J[i][j]) for i in range(n)
                                                          for j in range(n) if J[i][j] != 0]))

    def _dfdp(self) -> list[str]:
        ncol = max(len(self.params), 1)
        extra, Fp = chain_rule(self.aux, self.f, self.params, "p")
        return self._func("_dfdp", emit(self.aux + extra, [(f"_out[{i * ncol + j}]", Fp[i][j])
                                                           for i in range(len(self.f))
                                                           for j in range(len(self.params)) if Fp[i][j] != 0]))

    def _tan(self) -> list[str]:
        return self._tan_func("_tan", _unpack(tangent(self.aux, self.f, self.states, self.params), self.names))

    def _obs_tan(self) -> list[str]:
        if not self.aux:
            return self._tan_func("_obs_tan", [])
        body = tangent(self.aux, [s for s, _ in self.aux], self.states, self.params)
        return self._tan_func("_obs_tan", _unpack(body, self.names))

    def _observe(self) -> list[str]:
        out = [(f"_out[{i}]", s) for i, (s, _) in enumerate(self.aux)]
        out += [(f"_out[{len(self.aux) + i}]", identity_residual(e))
                for i, e in enumerate(self.system.identities.values())]
        return self._func("_observe", emit(self.aux, out))

    def source(self, name: str) -> list[str]:
        build: Callable[[], list[str]] = getattr(self, name)
        return build()


def function_source(system: System, name: str) -> str:
    """Source of one generated function (``"rhs"``, ``"jac"``, ... or ``"_rhs"``, ...; see the module
    docstring), with its ``@safe`` decorator line removed."""
    name = name if name.startswith("_") else f"_{name}"
    if name not in FUNCTIONS:
        raise ModelError(f"unknown generated function {name!r}; valid: {', '.join(FUNCTIONS)}")
    return "\n".join(_Parts(system).source(name)[1:])


def generate_source(system: System) -> str:
    """Full source of the generated module for ``system`` (deterministic)."""
    parts = _Parts(system)
    states, params, inputs, aux = parts.states, parts.params, parts.inputs, parts.aux
    src = [line for name in FUNCTIONS for line in parts.source(name)]
    header = [
        # the name is a label: JSON-escaped (quotes, backslashes, control and non-ASCII characters) so that
        # no name can end this docstring and become code
        f'"""Generated by directed-growth for model {json.dumps(str(system.name))} '
        f'(equations hash {system.equations_hash()}).',
        "",
        "Do not edit: regenerate with model.compile(system). Inspect it with compiled.source.",
        '"""',
        "import math",
        "",
        "import numpy as np",
        "",
        "from model.compiler.jit import safe",
        "",
        f"N = {len(states)}",
        f"NP = {len(params)}",
        f"NA = {len(aux) + len(system.identities)}",
        f"NAUX = {len(aux)}",
        f"STATES = {tuple(s.name for s in states)!r}",
        f"PARAMETERS = {tuple(s.name for s in params)!r}",
        f"INPUTS = {tuple(s.name for s in inputs)!r}",
        f"OBSERVED = {tuple([s.name for s, _ in aux] + ['identity_' + k for k in system.identities])!r}",
        "",
    ]
    return "\n".join(header + src)


def source_key(system: System) -> str:
    """Cache key of the generated module: the equations hash, the code (not the comments or
    docstrings) of what writes the module (this code generator and the derivative rules of
    :mod:`model.core.functions` it applies) and the sympy version (whose simplification and
    common-subexpression elimination shape the code). The integrators are not part of it: they
    are compiled once, apart from the models (:func:`model.compiler.compiled.engine`)."""
    h = hashlib.sha256()
    h.update(system.equations_hash().encode())
    h.update(generator_digest().encode())
    return h.hexdigest()[:20]


@functools.lru_cache(maxsize=1)
def generator_digest() -> str:
    """The part of :func:`source_key` common to every model (read once per process): this module's
    code, the code of :mod:`model.core.functions`, ``CODEGEN_VERSION`` and the sympy version."""
    from ..core import functions

    h = hashlib.sha256()
    h.update(CODEGEN_VERSION.encode())
    h.update(sp.__version__.encode())
    for f in (Path(__file__), Path(functions.__file__)):
        h.update(file_digest(f).encode())
    return h.hexdigest()

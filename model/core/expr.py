"""Expressions as text that is parsed, never evaluated.

Feedback rules, exogenous paths and anything else kept in a policy file or a
result's provenance are written with :func:`to_text` and read back with
:func:`from_text`. The text is a Python expression, but it is read by a
whitelisted walk of Python's :mod:`ast`, never by ``eval``, ``exec``,
``sympify`` or ``parse_expr``: a file or a user string can only describe an
expression, never run code.

Grammar of :func:`from_text`
----------------------------
* numbers (``3``, ``0.035``, ``1e-3``; ``True``/``False`` in conditions);
* names: the model's symbols (ASCII identifiers not starting with ``_``),
  ``t`` (time) and the constants ``pi``, ``oo``, ``nan``. When the valid
  names are given (``names=``), a declared name wins over a constant of the
  same spelling and any other name is refused; ``Symbol('pi')`` always means
  the symbol (the writer uses this form for names that collide);
* ``+ - * / **``, unary minus, one comparison (``< <= > >= == !=``),
  ``and``/``or``/``not``;
* calls of the functions in :data:`FUNCTIONS` with positional arguments;
  ``Piecewise((value, condition), ...)``; ``Rational(p, q)`` and
  ``Float('digits', precision_bits)`` for exact numbers.

Anything else (attribute access, subscripts, lambdas, comprehensions, keyword
arguments, strings, other names) is refused with a :class:`ModelError` naming
what was found. Results written before this format stored rules as
``sympy.srepr`` text; :func:`from_srepr` reads that with a strict walk of its
own (only calls of a fixed set of sympy classes), also without evaluating it.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Collection, Sequence
from typing import Any

import sympy as sp
from sympy.functions.elementary.piecewise import ExprCondPair

from ..errors import ModelError
from .functions import NONSMOOTH, SMOOTH

__all__ = ["FUNCTIONS", "to_text", "from_text", "from_srepr", "as_expr", "as_saved"]

#: Longest expression text read [characters].
MAX_CHARS = 100_000
#: Deepest nesting of an expression read.
MAX_DEPTH = 200
#: Largest exact number built while reading [bits] (``2 ** 10 ** 9`` would exhaust memory).
MAX_EXACT_BITS = 100_000
#: Largest binary exponent of a float read or computed while reading (about 1e4932, beyond any
#: double): ``sin(Float('1e100000000'))`` or ``exp(exp(1e10))`` would run for hours.
MAX_FLOAT_EXPONENT = 2 ** 14
#: Most arguments of one ``Max``/``Min`` (sympy compares every pair: 300 arguments take minutes).
MAX_MINMAX_ARGS = 32

_LOGIC: dict[str, Callable[..., sp.Basic]] = {
    "Eq": sp.Eq, "Ne": sp.Ne, "Lt": sp.Lt, "Le": sp.Le, "Gt": sp.Gt, "Ge": sp.Ge,
    "And": sp.And, "Or": sp.Or, "Not": sp.Not, "ITE": sp.ITE,
}
#: Functions a text expression may call, by name: exactly those the compiler accepts
#: (:data:`model.core.functions.SMOOTH` and :data:`~model.core.functions.NONSMOOTH`), ``sqrt``, and
#: the relations and logic of Piecewise conditions.
FUNCTIONS: dict[str, Callable[..., sp.Basic]] = {
    **{f.__name__: f for f in SMOOTH + NONSMOOTH}, "sqrt": sp.sqrt, **_LOGIC,
}
_NUMBERS = ("Rational", "Float", "Symbol")
_CONSTANTS: dict[str, sp.Basic] = {"pi": sp.pi, "oo": sp.oo, "nan": sp.nan}
_RESERVED = set(FUNCTIONS) | set(_CONSTANTS) | set(_NUMBERS) | {"True", "False", "None"}
#: sympy class -> name written by :func:`to_text`
_WRITE = {**{f: f.__name__ for f in SMOOTH + NONSMOOTH if f is not sp.Piecewise},
          sp.Equality: "Eq", sp.Unequality: "Ne", sp.StrictLessThan: "Lt", sp.LessThan: "Le",
          sp.StrictGreaterThan: "Gt", sp.GreaterThan: "Ge", sp.And: "And", sp.Or: "Or", sp.Not: "Not",
          sp.ITE: "ITE"}
_COMPARE = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge, ast.Eq: sp.Eq, ast.NotEq: sp.Ne}
_BINOP = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
          ast.Div: lambda a, b: a / b}
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NODE_NAMES = {ast.Attribute: "attribute access", ast.Subscript: "subscripts", ast.Lambda: "lambdas",
               ast.ListComp: "comprehensions", ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
               ast.GeneratorExp: "comprehensions", ast.NamedExpr: "assignments", ast.Starred: "starred arguments",
               ast.JoinedStr: "strings", ast.List: "lists", ast.Dict: "dicts", ast.Set: "sets",
               ast.IfExp: "conditional expressions (use Piecewise)", ast.Await: "await", ast.Yield: "yield",
               ast.YieldFrom: "yield", ast.Slice: "slices"}


# ---- writing ---------------------------------------------------------------------------------

def _float_text(x: sp.Float) -> str:
    try:
        _exact(x)
    except _Refused as exc:
        raise ModelError(f"cannot write the number: {exc}") from None  # printing it could take hours
    f = float(x)
    if x._prec == 53 and math.isfinite(f) and sp.Float(f) == x:  # a double: its shortest exact repr
        return repr(f)
    m = re.fullmatch(r"Float\('([^']+)', precision=(\d+)\)", sp.srepr(x))
    if m is None:  # pragma: no cover - sympy's srepr of a Float always has this form
        raise ModelError(f"cannot write the number {x!r} as text")
    return f"Float('{m.group(1)}', {m.group(2)})"


def _write(e: sp.Basic) -> str:
    if isinstance(e, sp.Symbol):
        name = e.name
        if not (name.isidentifier() and name.isascii()) or name.startswith("_") or isinstance(e, sp.Dummy):
            raise ModelError(f"cannot write the symbol {name!r}: names must be ASCII identifiers not starting "
                             "with '_'")
        return f"Symbol('{name}')" if name in _RESERVED else name
    if e is sp.true or e is sp.false:
        return "True" if e is sp.true else "False"
    if isinstance(e, sp.Integer):
        return str(int(e))
    if isinstance(e, sp.Rational):
        return f"Rational({e.p}, {e.q})"
    if isinstance(e, sp.Float):
        return _float_text(e)
    if e is sp.pi:
        return "pi"
    if e is sp.E:
        return "exp(1)"
    if e is sp.oo:
        return "oo"
    if e is sp.S.NegativeInfinity:
        return "(-oo)"
    if e is sp.nan:
        return "nan"
    if isinstance(e, sp.Add):
        return "(" + " + ".join(_write(a) for a in e.args) + ")"
    if isinstance(e, sp.Mul):
        args = list(e.args)
        if args[0].is_Number and any(isinstance(a, sp.Add) for a in args[1:]):
            args.append(args.pop(0))  # 2 * (a + b) * c would distribute the 2 when read: write (a + b) * c * 2
        return "(" + " * ".join(_write(a) for a in args) + ")"
    if isinstance(e, sp.Pow):
        return f"({_write(e.base)} ** {_write(e.exp)})"
    if isinstance(e, sp.Piecewise):
        return "Piecewise(" + ", ".join(f"({_write(v)}, {_write(c)})" for v, c in e.args) + ")"
    name = _WRITE.get(e.func)
    if name is not None:
        return f"{name}(" + ", ".join(_write(a) for a in e.args) + ")"
    raise ModelError(f"cannot write {e.func.__name__} in {e} as text; supported: numbers, symbols, + - * / **, "
                     f"{', '.join(FUNCTIONS)}")


def to_text(expr: sp.Basic) -> str:
    """Text of ``expr`` that :func:`from_text` reads back to an equal expression.

    Parameters
    ----------
    expr : sympy.Basic
        An expression of symbols, numbers, ``+ - * / **`` and the functions of
        :data:`FUNCTIONS` (relations and ``And``/``Or``/``Not`` inside ``Piecewise``).

    Returns
    -------
    str
        A Python expression (numbers kept exactly: floats at full precision).

    Raises
    ------
    ModelError
        If ``expr`` holds anything else (the message names it).
    """
    text = _write(as_expr(expr))
    return text[1:-1] if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]) else text


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


# ---- reading ---------------------------------------------------------------------------------

class _Refused(Exception):
    """Internal: the text is not an allowed expression (message says why)."""


def _describe(node: ast.AST) -> str:
    for cls, what in _NODE_NAMES.items():
        if isinstance(node, cls):
            return what
    return type(node).__name__


def _bits(x: sp.Basic) -> int:
    return max(int(x.p).bit_length(), int(x.q).bit_length()) if isinstance(x, sp.Rational) else 0


def _exact(x: Any) -> Any:
    """``x``, refused if it is an exact number too large to build or keep, or a float of
    a magnitude (large or small) no computation with it can afford."""
    if _bits(x) > MAX_EXACT_BITS:
        raise _Refused(f"an exact number in the expression exceeds {MAX_EXACT_BITS} bits (write it as a float)")
    if isinstance(x, sp.Float) and x._mpf_[1] and abs(x._mpf_[2] + x._mpf_[3]) > MAX_FLOAT_EXPONENT:
        raise _Refused(f"a number in the expression is beyond 2**{MAX_FLOAT_EXPONENT} or below "
                       f"2**-{MAX_FLOAT_EXPONENT} in magnitude")
    return x


def _minmax(f: Callable[..., sp.Basic], args: list[Any]) -> sp.Basic:
    """``Max``/``Min`` of ``args``, refused above :data:`MAX_MINMAX_ARGS` arguments (nested
    calls of the same function count as one flat list, as sympy merges them)."""
    n = sum(len(a.args) if getattr(a, "func", None) is f else 1 for a in args)
    if n > MAX_MINMAX_ARGS:
        raise _Refused(f"{f.__name__} of {n} arguments; at most {MAX_MINMAX_ARGS} are allowed")
    return f(*args)


def _pow(base: sp.Basic, ex: sp.Basic) -> sp.Basic:
    if isinstance(base, sp.Rational) and isinstance(ex, sp.Rational) and abs(base) != 1 and base != 0 \
            and _bits(base) * abs(float(ex)) > MAX_EXACT_BITS:
        raise _Refused(f"the exact power {base}**{ex} would exceed {MAX_EXACT_BITS} bits (write the base as a float)")
    return _exact(base ** ex)


def _identifier(value: Any) -> str:
    if not (isinstance(value, str) and value.isidentifier() and value.isascii() and not value.startswith("_")):
        raise _Refused(f"{value!r} is not a symbol name (ASCII identifier not starting with '_')")
    return value


def _int_const(node: ast.AST) -> int:
    """A (possibly negated) integer literal."""
    neg = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
    if neg and isinstance(node, ast.UnaryOp):
        node = node.operand
    if not (isinstance(node, ast.Constant) and type(node.value) is int):
        raise _Refused("expected an integer literal")
    if node.value.bit_length() > MAX_EXACT_BITS:
        raise _Refused(f"an exact number in the expression exceeds {MAX_EXACT_BITS} bits")
    return -node.value if neg else node.value


def _rational(args: list[ast.expr]) -> sp.Rational:
    """``Rational(p, q)`` of two integer constants, refusing a zero denominator."""
    p, q = _int_const(args[0]), _int_const(args[1])
    if q == 0:
        raise _Refused("Rational with a zero denominator")
    return sp.Rational(p, q)


def _float_const(args: Sequence[ast.AST], prec: ast.AST | None) -> sp.Float:
    if not (args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)
            and _DECIMAL.fullmatch(args[0].value)):
        raise _Refused("Float takes a decimal number as text, e.g. Float('0.1', 53)")
    bits = _int_const(prec) if prec is not None else 53
    if not 1 <= bits <= 10_000:
        raise _Refused(f"Float precision must be 1 to 10000 bits, got {bits}")
    return _exact(sp.Float(args[0].value, precision=bits))


class _TextReader:
    def __init__(self, names: Collection[str] | None):
        self.names = None if names is None else frozenset(names)

    def symbol(self, name: str) -> sp.Symbol:
        if self.names is not None and name not in self.names and name != "t":
            raise _Refused(f"unknown name {name!r}; valid names: {', '.join(sorted(self.names)) or '(none)'}")
        return sp.Symbol(name, real=True)

    def visit(self, node: ast.AST, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise _Refused(f"the expression is nested more than {MAX_DEPTH} levels deep")
        d = depth + 1
        if isinstance(node, ast.Constant):
            v = node.value
            if type(v) is bool:
                return sp.true if v else sp.false
            if type(v) is int:
                return _exact(sp.Integer(v))
            if type(v) is float:
                if not math.isfinite(v):
                    raise _Refused(f"the number {node.value!r} is not finite (write oo or nan)")
                return sp.Float(v)
            raise _Refused(f"{type(v).__name__} constants ({v!r:.40}) are not allowed")
        if isinstance(node, ast.Name):
            n = node.id
            if self.names is not None and n in self.names:
                return sp.Symbol(n, real=True)
            if n in _CONSTANTS:
                return _CONSTANTS[n]
            if n in FUNCTIONS or n in _NUMBERS:
                raise _Refused(f"{n!r} is a function: call it, e.g. {n}(x)")
            return self.symbol(_identifier(n))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOP:
            # a + b + c ... is one flat sum (as to_text writes it), not a nesting: walk the chain
            spine = []
            while isinstance(node, ast.BinOp) and type(node.op) in _BINOP:
                spine.append(node)
                node = node.left
            out = self.visit(node, d)
            for link in reversed(spine):
                out = _exact(_BINOP[type(link.op)](out, self.visit(link.right, d)))
            return out
        if isinstance(node, ast.BinOp):
            a, b = self.visit(node.left, d), self.visit(node.right, d)
            if isinstance(node.op, ast.Pow):
                return _pow(a, b)
            raise _Refused(f"the operator {type(node.op).__name__} is not allowed; use + - * / **")
        if isinstance(node, ast.UnaryOp):
            a = self.visit(node.operand, d)
            if isinstance(node.op, ast.USub):
                return _exact(-a)
            if isinstance(node.op, ast.UAdd):
                return a
            if isinstance(node.op, ast.Not):
                return sp.Not(a)
            raise _Refused(f"the operator {type(node.op).__name__} is not allowed")
        if isinstance(node, ast.Compare):
            if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARE:
                raise _Refused("only one comparison (< <= > >= == !=) at a time is allowed; use And(...)")
            return _COMPARE[type(node.ops[0])](self.visit(node.left, d), self.visit(node.comparators[0], d))
        if isinstance(node, ast.BoolOp):
            args = [self.visit(v, d) for v in node.values]
            return sp.And(*args) if isinstance(node.op, ast.And) else sp.Or(*args)
        if isinstance(node, ast.Call):
            return self.call(node, d)
        raise _Refused(f"not allowed in an expression: {_describe(node)}")

    def call(self, node: ast.Call, d: int) -> Any:
        if not isinstance(node.func, ast.Name):
            raise _Refused(f"only calls of named functions are allowed ({', '.join(FUNCTIONS)}), "
                           f"not of {_describe(node.func)}")
        fname = node.func.id
        if fname not in FUNCTIONS and fname not in _NUMBERS:
            raise _Refused(f"function {fname!r} is not allowed; allowed: {', '.join(FUNCTIONS)}")
        if node.keywords:
            raise _Refused(f"keyword arguments are not allowed (in the call of {fname})")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise _Refused(f"starred arguments are not allowed (in the call of {fname})")
        if fname == "Symbol":
            if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant):
                raise _Refused("Symbol takes one name in quotes, e.g. Symbol('pi')")
            return self.symbol(_identifier(node.args[0].value))
        if fname == "Rational":
            if len(node.args) != 2:
                raise _Refused("Rational takes two integers, e.g. Rational(1, 3)")
            return _rational(node.args)
        if fname == "Float":
            if len(node.args) not in (1, 2):
                raise _Refused("Float takes a decimal number as text and a precision, e.g. Float('0.1', 53)")
            return _float_const(node.args[:1], node.args[1] if len(node.args) == 2 else None)
        if fname == "Piecewise":
            pairs = []
            for a in node.args:
                if not (isinstance(a, ast.Tuple) and len(a.elts) == 2):
                    raise _Refused("Piecewise takes (value, condition) pairs")
                pairs.append((self.visit(a.elts[0], d), self.visit(a.elts[1], d)))
            return sp.Piecewise(*pairs)
        args = [self.visit(a, d) for a in node.args]
        if fname in ("Max", "Min"):
            return _exact(_minmax(FUNCTIONS[fname], args))
        return _exact(FUNCTIONS[fname](*args))


#: legacy srepr: sympy class names that may be called, and constant names
_SREPR_CALLS: dict[str, Callable[..., sp.Basic]] = {
    "Add": sp.Add, "Mul": sp.Mul, "Pow": _pow,  # Pow goes through the size guard
    "Piecewise": sp.Piecewise, "ExprCondPair": ExprCondPair,
    **{cls.__name__: cls for cls in _WRITE},  # srepr names classes: exp, Max, ..., StrictLessThan, And, ...
}
_SREPR_CONSTANTS: dict[str, sp.Basic] = {"pi": sp.pi, "E": sp.E, "oo": sp.oo, "zoo": sp.zoo, "nan": sp.nan,
                                         "true": sp.true, "false": sp.false}
_ASSUMPTIONS = frozenset({"real", "positive", "negative", "nonnegative", "nonpositive", "nonzero", "zero",
                          "integer", "finite", "extended_real", "commutative"})


class _SreprReader:
    def visit(self, node: ast.AST, depth: int = 0) -> sp.Basic:
        if depth > MAX_DEPTH:
            raise _Refused(f"the expression is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.Name) and node.id in _SREPR_CONSTANTS:
            return _SREPR_CONSTANTS[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Name) \
                and node.operand.id == "oo":
            return -sp.oo
        if not isinstance(node, ast.Call):
            raise _Refused(f"not allowed in srepr text (only calls of sympy classes): {_describe(node)}")
        if not isinstance(node.func, ast.Name):
            raise _Refused(f"only calls of named sympy classes are allowed, not of {_describe(node.func)}")
        name = node.func.id
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise _Refused(f"starred arguments are not allowed (in the call of {name})")
        if name == "Symbol":
            if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant):
                raise _Refused("Symbol takes one name in quotes")
            kw = {}
            for k in node.keywords:
                if k.arg not in _ASSUMPTIONS or not (isinstance(k.value, ast.Constant)
                                                     and type(k.value.value) is bool):
                    raise _Refused(f"Symbol assumption {k.arg!r} is not allowed")
                kw[k.arg] = k.value.value
            return sp.Symbol(_identifier(node.args[0].value), **kw)
        if name == "Integer":
            if len(node.args) != 1 or node.keywords:
                raise _Refused("Integer takes one integer")
            return sp.Integer(_int_const(node.args[0]))
        if name == "Rational":
            if len(node.args) != 2 or node.keywords:
                raise _Refused("Rational takes two integers")
            return _rational(node.args)
        if name == "Float":
            if len(node.args) != 1 or [k.arg for k in node.keywords] not in ([], ["precision"]):
                raise _Refused("Float takes a decimal number as text and precision=bits")
            return _float_const(node.args, node.keywords[0].value if node.keywords else None)
        if name not in _SREPR_CALLS:
            raise _Refused(f"{name!r} is not allowed in srepr text; allowed: "
                           f"Symbol, Integer, Rational, Float, {', '.join(_SREPR_CALLS)}")
        if node.keywords:
            raise _Refused(f"keyword arguments are not allowed (in the call of {name})")
        args = [self.visit(a, depth + 1) for a in node.args]
        if name == "Pow":
            if len(args) != 2:
                raise _Refused("Pow takes two arguments")
            return _pow(*args)
        if name in ("Max", "Min"):
            return _exact(_minmax(_SREPR_CALLS[name], args))
        return _exact(_SREPR_CALLS[name](*args))


def _read(text: Any, reader: Any, what: str) -> sp.Basic:
    where = f"{what}: " if what else ""
    if not isinstance(text, str):
        raise ModelError(f"{where}expected an expression as text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ModelError(f"{where}the expression is longer than {MAX_CHARS} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        msg = exc.msg if isinstance(exc, SyntaxError) else (str(exc) or type(exc).__name__)
        raise ModelError(f"{where}cannot parse {text[:80]!r}: {msg}") from None
    try:
        out = reader.visit(tree.body)
    except _Refused as exc:
        raise ModelError(f"{where}refused {text[:80]!r}: {exc}") from None
    except (TypeError, ValueError, AttributeError, ArithmeticError, RecursionError, MemoryError,
            sp.SympifyError) as exc:
        raise ModelError(f"{where}cannot build an expression from {text[:80]!r}: {exc or type(exc).__name__}") \
            from None
    if not isinstance(out, sp.Basic):
        raise ModelError(f"{where}{text[:80]!r} is not an expression")
    return out


def from_text(text: str, names: Collection[str] | None = None, *, what: str = "") -> sp.Basic:
    """Read an expression written by :func:`to_text` or typed by a user (see the module grammar).

    Parameters
    ----------
    text : str
        The expression, e.g. ``"0.03 - 0.05*(b - 0.6)"``.
    names : collection of str, optional
        Valid symbol names (``t`` is always valid); any other name is refused.
        Without it, every identifier not starting with ``_`` is a real symbol.
    what : str
        Context for error messages (e.g. ``"policy 'p', lever 'tax'"``).

    Returns
    -------
    sympy.Basic
        The expression; every symbol is ``Symbol(name, real=True)`` as declared by :mod:`model.core.symbols`.

    Raises
    ------
    ModelError
        For text that is not an allowed expression: the message names what was found.
    """
    return _read(text, _TextReader(names), what)


def from_srepr(text: str, *, what: str = "") -> sp.Basic:
    """Read legacy ``sympy.srepr`` text by a strict walk (calls of a fixed set of sympy classes only).

    Raises
    ------
    ModelError
        For anything else (the message names it); the text is never evaluated.
    """
    return _read(text, _SreprReader(), what)


def as_expr(value: Any, names: Collection[str] | None = None, *, what: str = "") -> sp.Basic:
    """A sympy expression from a sympy object, a number or text (text is read by :func:`from_text`).

    Raises
    ------
    ModelError
        For text that is not an allowed expression and for any other type.
    """
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, str):
        return from_text(value, names, what=what)
    try:
        out = sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError, ValueError):
        out = None
    if not isinstance(out, (sp.Expr, sp.logic.boolalg.Boolean)):
        where = f"{what}: " if what else ""
        raise ModelError(f"{where}expected a sympy expression, a number or text, got {type(value).__name__}")
    return out


def as_saved(expr: sp.Basic) -> sp.Basic:
    """The expression as it reads back from its saved text: ``from_text(to_text(expr))``.

    sympy's automatic evaluation can hold a product in a nested form (``(3*sqrt(2))*3**(3/4)*(1/9)``)
    that its text, read back, evaluates to the flat one (``sqrt(2)*3**(3/4)/3``): the same value but a
    different tree, so a model rebuilt from a saved result would get another equations hash. Feedback
    rules, which are saved as text, are held in this form from the start (a fixed point: saving and
    reading it again gives the same tree).

    Raises
    ------
    ModelError
        For an expression the writer refuses (see :func:`to_text`).
    """
    return from_text(to_text(expr))

"""The functions model equations may use, and how non-smooth ones are differentiated.

Supported in equations (checked by :func:`check_functions` when a System is built,
so whatever validates also compiles):

* numbers (finite), declared symbols, ``t``, ``pi``, ``E``; ``+``, ``*``, ``**``
  (so ``-``, ``/`` and ``sqrt``);
* smooth functions: ``exp``, ``log``, ``sin``, ``cos``, ``tan``, ``sinh``, ``cosh``,
  ``tanh``, ``atan``, ``erf``;
* non-smooth functions: ``Max``, ``Min``, ``Abs``, ``sign``, ``Heaviside``,
  ``Piecewise`` (with an otherwise branch, condition ``True``);
* relations (``<``, ``<=``, ``>``, ``>=``, ``Eq``, ``Ne``) and boolean functions
  (``And``, ``Or``, ``Not``, and what sympy makes of them: ``ITE``, ``Xor``...)
  inside ``Piecewise`` conditions only (and ``Eq`` as a whole identity).

``floor``, ``ceiling``, ``Mod``, undefined functions and the like are refused
with the list above.

Derivative convention at kinks and ties
---------------------------------------
The Jacobian, the parameter derivatives ``d rhs/d p`` and the forward-sensitivity
tangents (``_tan``, ``_obs_tan``) all differentiate through :func:`derivative`,
which reads every non-smooth function as the smooth piece it selects at the
point, one piece per point, and differentiates that piece:

* ``Max(f1, ..., fn)`` selects the first argument (in sympy's canonical order,
  ``e.args``, which is also the order of the generated ``max(...)``) that is
  ``>=`` all the others; ``Min`` the first that is ``<=`` all the others. Its
  derivative is the derivative of the selected argument, never a blend.
* ``Abs(u)`` is ``Max(u, -u)``: ``u`` for ``u >= 0``, ``-u`` otherwise (slope
  ``+u'`` at ``u = 0``).
* ``Heaviside(u)`` and ``sign(u)`` are piecewise constant: derivative 0 (the
  Dirac delta at the jump is dropped; their value at 0 is sympy's, 1/2 and 0).
* ``Piecewise``: the derivative of the branch whose condition holds; conditions
  are not differentiated (a jump contributes 0).

So at a tie that persists (arguments equal and moving together, e.g.
``Max(a x, b x, d x)`` with ``a = b = d``) every slope is exact, and in general
the derivative is the exact derivative of the selected piece (a one-sided
derivative at a kink). The old reading (sympy's ``Heaviside(0) = 1/2`` weights)
blended slopes at ties: ``d/dx Max(x/2, x/2, x/2)`` came out 3/4 instead of 1/2.
"""

from __future__ import annotations

import functools

import sympy as sp

from ..errors import ModelError

__all__ = ["SMOOTH", "NONSMOOTH", "check_functions", "derivative", "kink_form"]

#: smooth functions the code generator prints with the math module
SMOOTH = (sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.sinh, sp.cosh, sp.tanh, sp.atan, sp.erf)
#: non-smooth functions, differentiated by the convention of this module
NONSMOOTH = (sp.Max, sp.Min, sp.Abs, sp.sign, sp.Heaviside, sp.Piecewise)
_BOOL = (sp.core.relational.Relational, sp.logic.boolalg.BooleanFunction,  # And, Or, Not, ITE, Xor...
         sp.logic.boolalg.BooleanTrue, sp.logic.boolalg.BooleanFalse)
_NAMES = ("+, -, *, /, **, sqrt, exp, log, sin, cos, tan, sinh, cosh, tanh, atan, erf, "
          "Max, Min, Abs, sign, Heaviside, Piecewise (with a True branch); relations, And, Or, Not "
          "in Piecewise conditions")


def check_functions(e: sp.Expr, where: str, *, identity: bool = False) -> None:
    """Refuse what the code generator cannot compile.

    Parameters
    ----------
    e : sympy.Expr
        One equation's right-hand side.
    where : str
        The equation, for the message (e.g. ``"block 'b': equation for 'x'"``).
    identity : bool
        Allow a top-level ``Eq`` (declared identities).

    Raises
    ------
    ModelError
        Naming the equation, the unsupported part and the supported functions.
    """
    if identity and isinstance(e, sp.Equality):
        check_functions(e.lhs, where)
        check_functions(e.rhs, where)
        return
    if isinstance(e, _BOOL):
        raise ModelError(f"{where}: {e} is a condition, not a value; conditions may appear only "
                         f"in Piecewise, e.g. Piecewise((a, x > 0), (b, True))")
    _walk(e, where, condition=False)


def _walk(e, where: str, condition: bool) -> None:
    if isinstance(e, sp.Symbol):
        return
    if e.is_Number:
        if not e.is_finite:
            raise ModelError(f"{where}: the number {e} is not finite; use a large finite number "
                             f"or a Piecewise")
        return
    if e in (sp.pi, sp.E):
        return
    if isinstance(e, _BOOL):
        if not condition:
            raise ModelError(f"{where}: condition {e} outside a Piecewise condition; supported: {_NAMES}")
        for a in e.args:
            _walk(a, where, condition=isinstance(e, sp.logic.boolalg.BooleanFunction))
        return
    if isinstance(e, sp.Piecewise):
        if e.args[-1].cond != sp.true:
            raise ModelError(f"{where}: {e} has no otherwise branch; end it with (value, True)")
        for val, cond in e.args:
            _walk(val, where, condition=False)
            _walk(cond, where, condition=True)
        return
    if isinstance(e, (sp.Add, sp.Mul, sp.Pow) + SMOOTH + NONSMOOTH):
        for a in e.args:
            _walk(a, where, condition=False)
        return
    name = getattr(e.func, "__name__", type(e).__name__)
    raise ModelError(f"{where}: {name} in {e} is not supported by the compiler; supported: {_NAMES}")


def _select(args, pick) -> sp.Expr:
    """``Piecewise`` choosing the first argument that ``pick``s over all the others."""
    pairs = []
    for i, a in enumerate(args[:-1]):
        cond = sp.And(*[pick(a, b) for b in args[i + 1:]])
        pairs.append((a, cond))
    pairs.append((args[-1], sp.true))
    return sp.Piecewise(*pairs)


@functools.lru_cache(maxsize=4096)
def kink_form(e: sp.Expr) -> sp.Expr:
    """``e`` with ``Max``, ``Min``, ``Abs``, ``Heaviside`` and ``sign`` written as ``Piecewise``
    (same values; the selection the module docstring describes), for differentiation."""
    if not e.has(sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.sign):
        return e
    args = [kink_form(a) for a in e.args]
    if isinstance(e, sp.Max):
        # earlier arguments are only compared with later ones: ties go to the first
        return _select(args, lambda a, b: a >= b)
    if isinstance(e, sp.Min):
        return _select(args, lambda a, b: a <= b)
    if isinstance(e, sp.Abs):
        u = args[0]
        return sp.Piecewise((u, u >= 0), (-u, sp.true))
    if isinstance(e, sp.Heaviside):
        u = args[0]
        h0 = args[1] if len(args) > 1 else sp.S.Half
        return sp.Piecewise((sp.S.Zero, u < 0), (h0, sp.Eq(u, 0)), (sp.S.One, sp.true))
    if isinstance(e, sp.sign):
        u = args[0]
        return sp.Piecewise((sp.S.One, u > 0), (-sp.S.One, u < 0), (sp.S.Zero, sp.true))
    return e.func(*args)


def derivative(e: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """``d e / d x`` under the convention of this module (no ``DiracDelta``, no blended ties).

    Parameters
    ----------
    e : sympy.Expr
    x : sympy.Symbol

    Returns
    -------
    sympy.Expr
        Free of ``DiracDelta``, ``Heaviside`` weights at ties, and of the ``sign``
        that sympy's ``Abs`` derivative would give.
    """
    if x not in e.free_symbols:
        return sp.S.Zero
    d = sp.diff(kink_form(e), x)
    if d.has(sp.DiracDelta):  # cannot happen for the supported functions; the convention anyway
        d = d.replace(lambda a: isinstance(a, sp.DiracDelta), lambda a: sp.S.Zero)
    return d

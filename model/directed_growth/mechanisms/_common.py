"""Helpers shared by the blocks: references to other blocks' symbols and smooth bounds."""

from __future__ import annotations

import sympy as sp


def ref(*names: str):
    """Symbols declared in another block, by name (a tuple, or one symbol)."""
    syms = tuple(sp.Symbol(n, real=True) for n in names)
    return syms[0] if len(syms) == 1 else syms


def logistic(z):
    """Logistic function ``1 / (1 + exp(-z))``."""
    return 1 / (1 + sp.exp(-z))


def soft_cap(x, cap, k):
    r"""The CES smooth minimum of ``x > 0`` and ``cap > 0``:
    :math:`\mathrm{smin}(x, c) = x\,(1 + (x/c)^k)^{-1/k} = (x^{-k} + c^{-k})^{-1/k}`.

    Always below both (so a ceiling is never passed), equal to ``x`` to a relative
    :math:`(x/c)^k/k` far below the cap, tending to ``cap`` as ``x`` grows; ``k`` [dimensionless] is
    the curvature (the ceiling is sharp within about ``1/k`` of the cap). Normalised by the cap (no
    underflow of :math:`x^{-k}` for large magnitudes; finite for ``x < 35 cap`` at ``k = 200``).
    """
    return x * (1 + (x / cap) ** k) ** (-1 / k)


def soft_floor(x, floor, eps):
    r"""A smooth maximum of ``x`` and ``floor`` (softplus):
    :math:`floor + \epsilon\ln(1 + e^{(x - floor)/\epsilon})`, always above both, equal to ``x`` to
    :math:`\epsilon e^{-(x - floor)/\epsilon}` above the floor; ``eps`` has the units of ``x``. The
    exponent is capped at 700 (no overflow), so the result is exact only up to 700 ``eps`` above the floor
    and capped there: use it where that range covers every value the quantity can take (rates and wage
    growth with ``eps`` = 0.002: 1.4 a year), and :func:`smooth_max0` where it does not (issue 13's review
    found the cost of support conditions stuck at 700 x 1e-4). ``x`` appears once, so nested floors stay
    small for sympy's substitutions (forms with ``Abs``, or ``x`` twice, grow with every nesting)."""
    return floor + eps * sp.log(1 + sp.exp(sp.Min((x - floor) / eps, 700)))


def soft_ceiling(x, ceiling, eps):
    r"""A smooth minimum of ``x`` and ``ceiling`` (of any sign):
    :math:`ceiling - \epsilon\ln(1 + e^{(ceiling - x)/\epsilon})`, always below both, equal to ``x`` to
    :math:`\epsilon e^{-(ceiling - x)/\epsilon}` below the ceiling (:func:`soft_floor` mirrored, exact within
    700 ``eps`` of the ceiling)."""
    return ceiling - eps * sp.log(1 + sp.exp(sp.Min((ceiling - x) / eps, 700)))


def smooth_max0(x, eps):
    r"""A smooth maximum of ``x`` and 0 with no cap at any magnitude (hyperbolic):
    :math:`(x + \sqrt{x^2 + \epsilon^2})/2`, always above both, equal to ``x`` to :math:`\epsilon^2/(4x)` above 0
    and to :math:`\epsilon^2/(4|x|)` of 0 below it; ``eps`` has the units of ``x``. For quantities whose range
    is not bounded by a small multiple of ``eps`` (:func:`soft_floor`'s exact range is 700 ``eps``)."""
    return (x + sp.sqrt(x ** 2 + eps ** 2)) / 2


ESSAY = "Mazzucato (2025), The Role of a Mission-Oriented Framework for a Progressive Economy, Roosevelt Institute"
ASSUMED = "modelling assumption (stylised; to be calibrated, issue 4)"
DEFINE = "Dafermos, Nikolaidi & Galanis, DEFINE 1.1 (economics.md 11.4b)"
GEMMES = "Bovari, Giraud & Mc Isaac (2018), Ecol. Econ. 147 (GEMMES; economics.md 11.5)"
GL2007 = "Godley & Lavoie (2007), Monetary Economics, Palgrave Macmillan"

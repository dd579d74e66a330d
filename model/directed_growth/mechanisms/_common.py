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


def _softplus(z):
    r""":math:`\ln(1 + e^z)`, exact and finite at any ``z``: :math:`\ln(1 + e^{\min(z, 700)}) + \max(z, 700) - 700`
    (above 700 the first term is 700 in floating point and the second continues the line :math:`z`). An
    earlier form capped the exponent alone, which capped the result at 700 (issue 13's review found the cost
    of support conditions stuck at 700 eps); ``Abs``-based forms make sympy's substitution of the model's
    auxiliaries crawl (its sign queries expand the argument)."""
    return sp.log(1 + sp.exp(sp.Min(z, 700))) + sp.Max(z, 700) - 700


def soft_floor(x, floor, eps):
    r"""A smooth maximum of ``x`` and ``floor`` (softplus):
    :math:`floor + \epsilon\ln(1 + e^{(x - floor)/\epsilon})`, always above both, equal to ``x`` to
    :math:`\epsilon e^{-(x - floor)/\epsilon}` above the floor; ``eps`` has the units of ``x``. Finite and
    exact at any distance from the floor (:func:`_softplus`)."""
    return floor + eps * _softplus((x - floor) / eps)


def soft_ceiling(x, ceiling, eps):
    r"""A smooth minimum of ``x`` and ``ceiling`` (of any sign):
    :math:`ceiling - \epsilon\ln(1 + e^{(ceiling - x)/\epsilon})`, always below both, equal to ``x`` to
    :math:`\epsilon e^{-(ceiling - x)/\epsilon}` below the ceiling (:func:`soft_floor` mirrored)."""
    return ceiling - eps * _softplus((ceiling - x) / eps)


ESSAY = "Mazzucato (2025), The Role of a Mission-Oriented Framework for a Progressive Economy, Roosevelt Institute"
ASSUMED = "modelling assumption (stylised; to be calibrated, issue 4)"
DEFINE = "Dafermos, Nikolaidi & Galanis, DEFINE 1.1 (economics.md 11.4b)"
GEMMES = "Bovari, Giraud & Mc Isaac (2018), Ecol. Econ. 147 (GEMMES; economics.md 11.5)"
GL2007 = "Godley & Lavoie (2007), Monetary Economics, Palgrave Macmillan"

"""Helpers shared by the blocks."""

from __future__ import annotations

import sympy as sp


def ref(*names: str):
    """Symbols declared in another block, by name (a tuple, or one symbol)."""
    syms = tuple(sp.Symbol(n, real=True) for n in names)
    return syms[0] if len(syms) == 1 else syms


def logistic(z):
    """Logistic function ``1 / (1 + exp(-z))``."""
    return 1 / (1 + sp.exp(-z))


ESSAY = "Mazzucato (2025), The Role of a Mission-Oriented Framework for a Progressive Economy, Roosevelt Institute"
ASSUMED = "modelling assumption (stylised; to be calibrated, issue 4)"

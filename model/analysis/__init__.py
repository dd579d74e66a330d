"""Outcome metrics of simulated paths."""

from .outcomes import OUTCOMES, compare, impulse_response

__all__ = ["OUTCOMES", "compare", "impulse_response"]

"""Exceptions raised by the modelling core.

Every message names the culprit (symbol, block, parameter, solver) and, where
there is a finite set of valid choices, lists them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import xarray as xr


class ModelError(ValueError):
    """A model is ill-defined: undeclared, duplicated or cyclic symbols, bad units,
    missing or invalid parameter values, unknown names."""


class SolverError(RuntimeError):
    """A numerical integration failed.

    Attributes
    ----------
    t_reached : float
        Last time [year] the solver reached with a valid state.
    reason : str
        Short machine-readable reason: the ``flag_meanings`` word of the run's status
        (:class:`model.solve.status.Status`: ``"left_bounds"``, ``"nonfinite"``, ``"stalled"``,
        ``"max_steps"``, ``"stiff"``, ``"solver_error"``, ``"diverged"``).
    partial : xarray.Dataset or None
        The trajectory up to ``t_reached`` (later times are NaN), when available.
    """

    def __init__(self, message: str, *, t_reached: float = float("nan"),
                 reason: str = "solver_error", partial: xr.Dataset | None = None):
        super().__init__(message)
        self.t_reached = t_reached
        self.reason = reason
        self.partial = partial


class CalibrationError(ValueError):
    """Calibration input (data, targets, parameter files) is missing or invalid."""

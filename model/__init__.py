"""directed-growth: symbolic system-dynamics models of directed, mission-oriented growth.

The public API:

* declare: :func:`stock`, :func:`param`, :func:`aux`, :func:`lever`,
  :func:`exogenous`, :class:`Var`, :class:`Block`, :func:`combine`, :class:`System`;
* compile: :func:`compile` -> :class:`CompiledSystem`;
* policies: :class:`Policy`, :func:`constant`, :func:`step`, :func:`ramp`,
  :func:`logistic`, :func:`piecewise`, :class:`Rule`;
* simulate: :func:`simulate` -> ``xarray.Dataset``, :func:`rerun`;
* uncertainty: :func:`ensemble` (draws x policies, local or Dask), :mod:`model.analysis`;
* reference models: :mod:`model.library`;
* errors: :class:`ModelError`, :class:`SolverError`, :class:`CalibrationError`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .declare.blocks import Block, block
from .compiler.compiled import CompiledSystem, compile
from .errors import CalibrationError, ModelError, SolverError
from .declare.levers import Policy, Rule, Schedule, constant, logistic, piecewise, ramp, step
from .solve.results import rerun
from .solve.simulation import METHODS, STATUS, simulate
from .solve.sensitivity import sensitivities
from .declare.symbols import Var, aux, exogenous, lever, param, stock, t
from .declare.system import System, combine
from . import library
from .solve.ensembles import ensemble

__all__ = [
    "__version__", "Block", "block", "CompiledSystem", "compile", "CalibrationError", "ModelError", "SolverError",
    "Policy", "Rule", "Schedule", "constant", "logistic", "piecewise", "ramp", "step", "rerun", "METHODS",
    "STATUS", "simulate", "sensitivities", "Var", "aux", "exogenous", "lever", "param", "stock", "t", "System", "combine", "library",
    "ensemble",
]

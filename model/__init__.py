"""directed-growth: symbolic system-dynamics models of directed, mission-oriented growth.

The public API:

* declare: :func:`stock`, :func:`param`, :func:`aux`, :func:`lever`,
  :func:`exogenous`, :class:`Var`, :class:`Block`, :func:`combine`, :class:`System`, and what a
  model says about its use, :class:`ModelMeta` (span, default inputs, :class:`Outcome`,
  :class:`PolicyPath`);
* compile: :func:`compile` -> :class:`CompiledSystem`;
* policies: :class:`Policy`, :func:`constant`, :func:`step`, :func:`ramp`,
  :func:`logistic`, :func:`piecewise`, :class:`Rule`;
* simulate: :func:`simulate` -> ``xarray.Dataset``, :func:`rerun`;
* uncertainty: :func:`ensemble` (draws x policies, local or Dask), :mod:`model.analysis`;
* reference models: :mod:`model.library`;
* errors: :class:`ModelError`, :class:`SolverError`, :class:`CalibrationError`.
"""

from __future__ import annotations

from .version import __version__
from .core.blocks import Block, block
from .compiler.compiled import CompiledSystem, compile
from .errors import CalibrationError, ModelError, SolverError
from .core.levers import Policy, Rule, Schedule, constant, logistic, piecewise, ramp, step
from .solve.rerun import rerun
from .solve.simulation import METHODS, simulate
from .solve.status import STATUS, Status
from .solve.sensitivity import sensitivities
from .core.symbols import Var, aux, exogenous, lever, param, stock, t
from .core.system import System, combine
from .core.metadata import ModelMeta, Outcome, PolicyPath
from . import library
from .solve.ensembles import ensemble

__all__ = [
    "__version__", "Block", "block", "CompiledSystem", "compile", "CalibrationError", "ModelError", "SolverError",
    "Policy", "Rule", "Schedule", "constant", "logistic", "piecewise", "ramp", "step", "rerun", "METHODS",
    "STATUS", "Status", "ModelMeta", "Outcome", "PolicyPath", "simulate", "sensitivities", "Var", "aux", "exogenous", "lever", "param", "stock", "t", "System", "combine", "library",
    "ensemble",
]

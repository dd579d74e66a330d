"""directed-growth: symbolic system-dynamics models of directed, mission-oriented growth.

The public API:

* declare: :func:`stock`, :func:`param`, :func:`aux`, :func:`lever`,
  :func:`exogenous`, :class:`Var`, :class:`Block`, :func:`combine`, :class:`System`, accounting
  matrices :class:`GodleyTable` of :class:`Row` (``dot(X)``: the change of a stock), and what a
  model says about its use, :class:`ModelMeta` (span, default inputs, :class:`Outcome`,
  :class:`PolicyPath`);
* compile: :func:`compile` -> :class:`CompiledSystem`;
* policies: :class:`Policy`, :func:`constant`, :func:`step`, :func:`ramp`,
  :func:`logistic`, :func:`piecewise`, :class:`Rule`;
* simulate: :func:`simulate` -> ``xarray.Dataset``, :func:`rerun`;
* uncertainty: :func:`ensemble` (draws x policies, local or Dask), :mod:`model.analysis`;
* reference models: :mod:`model.library`;
* errors: :class:`ModelError`, :class:`SolverError`, :class:`CalibrationError`; warnings:
  :class:`IdentityWarning`, :class:`PlausibilityWarning`.
"""

from __future__ import annotations

from .collector import collector_paused

with collector_paused():  # sympy: 40,000 long-lived objects (see model.collector)
    from . import library
    from .compiler.compiled import CompiledSystem, compile
    from .core.accounts import GodleyTable, Row, dot
    from .core.blocks import Block, block
    from .core.levers import Policy, Rule, Schedule, constant, logistic, piecewise, ramp, step
    from .core.metadata import ModelMeta, Outcome, PolicyPath
    from .core.symbols import Var, aux, exogenous, lever, param, stock, t
    from .core.system import System, combine
    from .errors import CalibrationError, ModelError, SolverError
    from .solve.ensembles import ensemble
    from .solve.plausible import PlausibilityWarning
    from .solve.rerun import rerun
    from .solve.results import set_model_rebuilder
    from .solve.sensitivity import sensitivities
    from .solve.simulation import METHODS, IdentityWarning, simulate
    from .solve.status import STATUS, Status
    from .version import __version__


def _rebuild(origin: object) -> System:
    """A saved result's model, through the package's own factories only (:mod:`model.catalogue`)."""
    from .catalogue import rebuild  # the catalogue reaches the application: loaded on first use

    return rebuild(origin)


set_model_rebuilder(_rebuild)

__all__ = [
    "__version__", "Block", "block", "CompiledSystem", "compile", "CalibrationError", "ModelError", "SolverError",
    "Policy", "Rule", "Schedule", "constant", "logistic", "piecewise", "ramp", "step", "rerun", "IdentityWarning",
    "PlausibilityWarning", "METHODS",
    "STATUS", "Status", "ModelMeta", "Outcome", "PolicyPath", "simulate", "sensitivities", "Var", "aux", "exogenous",
    "lever", "param", "stock", "t", "System", "combine", "library", "ensemble", "GodleyTable", "Row", "dot",
]

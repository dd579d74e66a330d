"""Outcome metrics, parameter draws, global sensitivity and scenario discovery
(ensembles themselves are :mod:`model.solve.ensembles`)."""

from . import discovery
from .discovery import beats, flip_regions, report
from .draws import check_draws, from_bounds, from_table
from .global_sensitivity import model_sensitivity, morris_screening, sobol_indices
from .outcomes import OUTCOMES, compare, impulse_response, outcome_metrics

__all__ = ["OUTCOMES", "beats", "check_draws", "compare", "discovery", "flip_regions", "from_bounds", "from_table",
           "impulse_response", "model_sensitivity", "morris_screening", "outcome_metrics", "report", "sobol_indices"]

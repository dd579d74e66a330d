"""Outcome metrics, ensembles, global sensitivity and scenario discovery."""

from . import discovery
from .discovery import beats, flip_regions, report
from .draws import check_draws, from_bounds, from_table
from .ensemble import DEFAULT_VARIABLES, ensemble, open_store
from .global_sensitivity import model_sensitivity, morris_screening, sobol_indices
from .outcomes import OUTCOMES, compare, impulse_response, outcome_metrics

__all__ = ["DEFAULT_VARIABLES", "OUTCOMES", "beats", "check_draws", "compare", "discovery", "ensemble", "flip_regions",
           "from_bounds", "from_table", "impulse_response", "model_sensitivity", "morris_screening", "open_store",
           "outcome_metrics", "report", "sobol_indices"]

"""Outcome metrics, ensembles, global sensitivity and scenario discovery."""

from .draws import check_draws, from_bounds, from_table
from .ensemble import DEFAULT_VARIABLES, ensemble, open_store
from .outcomes import OUTCOMES, compare, impulse_response, outcome_metrics

__all__ = ["DEFAULT_VARIABLES", "OUTCOMES", "check_draws", "compare", "ensemble", "from_bounds", "from_table",
           "impulse_response", "open_store", "outcome_metrics"]

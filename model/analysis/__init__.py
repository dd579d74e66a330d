"""Outcome tables, parameter draws, global sensitivity and scenario discovery
(ensembles themselves are :mod:`model.solve.ensembles`; a model's outcomes are declared in its
:class:`~model.core.metadata.ModelMeta`)."""

from . import discovery
from .discovery import beats, flip_regions, report
from .draws import from_bounds, from_table
from .global_sensitivity import model_sensitivity, morris_screening, sobol_indices
from .outcomes import compare, outcome_metrics

__all__ = ["beats", "compare", "discovery", "flip_regions", "from_bounds", "from_table",
           "model_sensitivity", "morris_screening", "outcome_metrics", "report", "sobol_indices"]

"""The directed-growth application: the model's mechanisms (:mod:`.mechanisms`), its
factory (:func:`directed_growth`), policy paths (:mod:`.policies`) and figures
(:mod:`.figures`, :mod:`.figures_uncertainty`)."""

from .factory import DERIVED, T0, XG0, Y0, consistent_draws, derived_defaults, derived_values, directed_growth

__all__ = ["DERIVED", "T0", "XG0", "Y0", "consistent_draws", "derived_defaults", "derived_values", "directed_growth"]

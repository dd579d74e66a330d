"""Permanent alias of :mod:`model.directed_growth.factory`.

Saved results and parameter files name the model ``model.library.directed_growth:directed_growth``
(see :mod:`model.catalogue`); code written before the application moved to
:mod:`model.directed_growth` imports its names from here. New code imports
:mod:`model.directed_growth`.
"""

from ..directed_growth.factory import (
                                       DERIVED,
                                       T0,
                                       XG0,
                                       Y0,
                                       consistent_draws,
                                       derived_defaults,
                                       derived_values,
                                       directed_growth,
)

__all__ = ["DERIVED", "T0", "XG0", "Y0", "consistent_draws", "derived_defaults", "derived_values", "directed_growth"]

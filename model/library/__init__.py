"""Reference models: test fixtures and tutorial material.

Each factory returns a validated :class:`~model.core.system.System`. The command-line
names of these and of the directed-growth application are in :mod:`model.catalogue`.
"""

from __future__ import annotations

from .aabh import aabh
from .dice2016 import dice2016_climate, dice2016_forcing_path
from .godley_lavoie import bmw, pc, sim
from .goodwin import goodwin
from .keen import keen
from .solow import solow
from .supermultiplier import supermultiplier

__all__ = ["keen", "solow", "goodwin", "supermultiplier", "dice2016_climate",
           "dice2016_forcing_path", "sim", "pc", "bmw", "aabh"]

"""The ``dgm`` command: :func:`main` (:mod:`.commands`), the uncertainty commands
(:mod:`.uncertainty`) and the input checks run before any work (:mod:`.checks`).
The only code importing :mod:`calibration`."""

from .commands import main

__all__ = ["main"]

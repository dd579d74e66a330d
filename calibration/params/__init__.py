"""Committed parameter files (``usa.toml``, ``gbr.toml``) written by ``dgm calibrate``."""

from pathlib import Path

#: folder of the committed parameter files
PARAM_DIR = Path(__file__).parent

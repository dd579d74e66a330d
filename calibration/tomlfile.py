"""Reading TOML files with one-line errors."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from model.errors import CalibrationError


def read_toml(path: str | os.PathLike, what: str) -> dict:
    """Parse ``path``; a missing file or invalid TOML raises CalibrationError naming ``what`` and the file."""
    path = Path(path)
    if not path.is_file():
        raise CalibrationError(f"{what} not found: {path}")
    try:
        return tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CalibrationError(f"{path}: invalid TOML: {exc}") from None

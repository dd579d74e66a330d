"""On-disk cache for compiled models and validation results."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Cache root: ``$DGM_CACHE_DIR`` or ``~/.cache/directed-growth``.

    Entries are keyed by the equations hash, so a stale entry is never used
    for changed equations; deleting the folder is always safe.
    """
    root = os.environ.get("DGM_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "directed-growth")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def atomic_write(path: Path, text: str) -> None:
    """Write text so that concurrent readers never see a partial file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)

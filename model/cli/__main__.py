"""``python -m model.cli``: the ``dgm`` command."""

from .commands import entry

entry()

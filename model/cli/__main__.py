"""``python -m model.cli``: the ``dgm`` command."""

import sys

from .commands import main

sys.exit(main())

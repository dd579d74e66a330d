"""Interpreter exit without the final full garbage collections over long-lived objects.

At exit CPython runs three to four full garbage collections while it tears the modules down.
After ``import model`` and a first simulation the heap holds about 200,000 tracked objects
(sympy, numba, xarray, pandas, matplotlib in the CLI), and those passes took 0.4-0.7 s of a
2-3 s script on a 2-core machine (measured with ``perf``: ``gc_collect_main`` under
``Py_FinalizeEx``). The exit handler registered here moves every live object to the permanent
generation (:func:`gc.freeze`) so that those passes skip them; reference counting still frees
every module's objects as the interpreter clears the modules.

What changes: an object that is garbage only through a reference cycle at exit is not collected,
so its ``__del__`` does not run; Python does not promise that either (the note on
:meth:`object.__del__`: "It is not guaranteed that __del__() methods are called for objects that
still exist when the interpreter exits"). Exit handlers and :class:`weakref.finalize` callbacks
still run. Set ``DGM_GC_AT_EXIT=1`` to keep the collections.
"""

from __future__ import annotations

import atexit
import gc
import os

__all__ = ["freeze_at_exit"]


def freeze_at_exit() -> None:
    """Move every live object to the permanent GC generation (unless ``DGM_GC_AT_EXIT`` is set)."""
    if not os.environ.get("DGM_GC_AT_EXIT"):
        gc.freeze()


atexit.register(freeze_at_exit)

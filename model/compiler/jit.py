"""Decorators used by generated model modules: numba when available, plain Python otherwise.

Set ``DGM_DISABLE_NUMBA=1`` to force the pure-Python/numpy fallback (slow but
identical results up to floating-point rounding).
"""

from __future__ import annotations

import functools
import os

try:  # pragma: no cover - exercised through both paths in tests
    if os.environ.get("DGM_DISABLE_NUMBA"):
        raise ImportError("disabled by DGM_DISABLE_NUMBA")
    import numba

    # The OpenMP layer costs ~8 ms per parallel call on a busy 2-core machine;
    # workqueue does not (design.md section 9).
    if numba.config.THREADING_LAYER == "default":
        numba.config.THREADING_LAYER = "workqueue"
    HAVE_NUMBA = True
    prange = numba.prange

    def jit(func):
        """Serial compiled function, cached on disk, IEEE semantics (1/0 -> inf)."""
        return numba.njit(cache=True, error_model="numpy")(func)

    def ijit(func):
        """Serial compiled function inlined into its callers at numba-IR level (removes call overhead)."""
        return numba.njit(cache=True, error_model="numpy", inline="always")(func)

    def pjit(func):
        """Parallel compiled function (compiled separately from serial ones)."""
        return numba.njit(cache=True, parallel=True, error_model="numpy")(func)

except ImportError:  # pragma: no cover
    HAVE_NUMBA = False
    prange = range

    def jit(func):
        return func

    pjit = ijit = jit


def safe(func):
    """Under the Python fallback, turn math errors in generated code into NaN outputs."""
    if HAVE_NUMBA:
        return jit(func)

    @functools.wraps(func)
    def wrapper(*args):  # (t, y, p, u, ..., out)
        try:
            func(*args)
        except (OverflowError, ZeroDivisionError, ValueError):
            args[-1][...] = float("nan")

    return wrapper

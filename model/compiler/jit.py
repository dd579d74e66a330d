"""Decorators of the compiled engine, and calls into a model's compiled functions.

numba when available, plain Python otherwise: set ``DGM_DISABLE_NUMBA=1`` to force the
pure-Python/numpy fallback (slow but identical results up to floating-point rounding).

A model's generated functions are compiled one by one as C callbacks
(:data:`MODEL_SIGNATURE`, :data:`TANGENT_SIGNATURE`: a time, pointers to
contiguous float64 arrays and, for tangents, a direction count) and reach the
model-independent integrators as int64 addresses; :func:`call_model` and
:func:`call_tangent` call through such an address from compiled code (an
indirect call; nothing is specialised per model, so the integrators are compiled
once and cached). Under the fallback the "addresses" are the Python functions
themselves and the arrays are passed flattened.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import numpy as np

try:  # pragma: no cover - exercised through both paths in tests
    if os.environ.get("DGM_DISABLE_NUMBA"):
        raise ImportError("disabled by DGM_DISABLE_NUMBA")
    import numba
    from llvmlite import ir
    from numba import types
    from numba.core.ccallback import CFunc
    from numba.extending import intrinsic

    from .numba_cache import VerifiedCache

    # The OpenMP layer costs ~8 ms per parallel call on a busy 2-core machine;
    # workqueue does not (design.md section 9).
    if numba.config.THREADING_LAYER == "default":
        numba.config.THREADING_LAYER = "workqueue"
    HAVE_NUMBA = True
    prange = numba.prange

    _PTR = types.CPointer(types.float64)
    #: ``void f(double t, double *y, double *p, double *u, double *out)``
    MODEL_SIGNATURE = types.void(types.float64, _PTR, _PTR, _PTR, _PTR)
    #: ``void f(double t, double *y, double *p, double *u, double *S, double *D, int64 k, double *f, double *out)``
    TANGENT_SIGNATURE = types.void(types.float64, _PTR, _PTR, _PTR, _PTR, _PTR, types.int64, _PTR, _PTR)

    def _cached(dispatcher: Any) -> Any:
        """``dispatcher`` with numba's disk cache (``cache=True``) that checks what it loads
        (:class:`model.compiler.numba_cache.VerifiedCache`)."""
        dispatcher._cache = VerifiedCache(dispatcher.py_func)
        return dispatcher

    def jit(func: Callable[..., Any]) -> Callable[..., Any]:
        """Serial compiled function, cached on disk, IEEE semantics (1/0 -> inf)."""
        return _cached(numba.njit(error_model="numpy")(func))

    def ijit(func: Callable[..., Any]) -> Callable[..., Any]:
        """Serial compiled function inlined into its callers at numba-IR level (removes call overhead)."""
        return _cached(numba.njit(error_model="numpy", inline="always")(func))

    def pjit(func: Callable[..., Any]) -> Callable[..., Any]:
        """Parallel compiled function (compiled separately from serial ones)."""
        return _cached(numba.njit(parallel=True, error_model="numpy")(func))

    def cfunc(func: Callable[..., Any], tangent: bool = False) -> Any:
        """``func`` compiled as a C callback with the model or tangent signature, cached on disk
        (as ``numba.cfunc(sig, cache=True)``, with the cache that checks what it loads)."""
        sig = TANGENT_SIGNATURE if tangent else MODEL_SIGNATURE
        callback: Any = CFunc(func, (sig.args, sig.return_type), locals={}, options={"error_model": "numpy"})
        callback._cache = VerifiedCache(func)
        callback.compile()
        return callback

    def _call_codegen(context, builder, signature, args):
        """``addr(args...)``: floats and integers by value, arrays by their data pointer."""
        values, lltypes = [], []
        for ty, v in zip(signature.args[1:], args[1:]):
            if isinstance(ty, types.Array):
                v = context.make_array(ty)(context, builder, v).data
            values.append(v)
            lltypes.append(v.type)
        fn = builder.inttoptr(args[0], ir.FunctionType(ir.VoidType(), lltypes).as_pointer())
        builder.call(fn, values)
        return context.get_dummy_value()

    def _typed(addr, t, arrays, k=types.int64):
        """Whether the arguments match the C signature: C-contiguous float64 arrays, since only their
        data pointers are passed (else the call is a typing error, never a call with the wrong ABI
        or a strided array read as a contiguous one)."""
        return (isinstance(addr, types.Integer) and t == types.float64 and k == types.int64
                and all(isinstance(a, types.Array) and a.dtype == types.float64 and a.layout == "C"
                        for a in arrays))

    @intrinsic
    def call_model(typingctx, addr, t, y, p, u, out):
        """Call the compiled model function at ``addr`` (:data:`MODEL_SIGNATURE`) on contiguous arrays."""
        if _typed(addr, t, (y, p, u, out)):
            return types.void(addr, t, y, p, u, out), _call_codegen
        return None

    @intrinsic
    def call_tangent(typingctx, addr, t, y, p, u, S, D, k, f, out):
        """Call the compiled tangent function at ``addr`` (:data:`TANGENT_SIGNATURE`) on contiguous arrays."""
        if _typed(addr, t, (y, p, u, S, D, f, out), k):
            return types.void(addr, t, y, p, u, S, D, k, f, out), _call_codegen
        return None

except ImportError:  # pragma: no cover
    HAVE_NUMBA = False
    prange = range

    def jit(func: Callable[..., Any]) -> Callable[..., Any]:
        return func

    pjit = ijit = jit

    def cfunc(func: Callable[..., Any], tangent: bool = False) -> Any:
        return func

    def _flat(a):
        return a.reshape(-1) if isinstance(a, np.ndarray) else a

    def call_model(addr: Callable[..., None], t: float, y: np.ndarray, p: np.ndarray, u: np.ndarray,
                   out: np.ndarray) -> None:
        addr(t, _flat(y), _flat(p), _flat(u), _flat(out))

    def call_tangent(addr: Callable[..., None], t: float, y: np.ndarray, p: np.ndarray, u: np.ndarray,
                     S: np.ndarray, D: np.ndarray, k: int, f: np.ndarray, out: np.ndarray) -> None:
        addr(t, _flat(y), _flat(p), _flat(u), _flat(S), _flat(D), k, _flat(f), _flat(out))


def safe(func: Callable[..., Any]) -> Callable[..., Any]:
    """Under the Python fallback, turn math errors in generated code into NaN outputs."""
    if HAVE_NUMBA:
        return func

    @functools.wraps(func)
    def wrapper(*args: Any) -> None:  # (t, y, p, u, ..., out)
        try:
            func(*args)
        except (OverflowError, ZeroDivisionError, ValueError):
            args[-1][...] = float("nan")

    return wrapper

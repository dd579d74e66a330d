"""numba's on-disk cache, with what it loads checked against what was asked for.

numba finds a function's compiled code through its index file (``.nbi``: signature, target and a
hash of the function's bytecode -> the name of a data file) and loads the data file (``.nbc``)
named there without checking that it holds that function and signature. A data file replaced by
another valid one (two processes compiling overloads of one function at once, files copied from
another checkout or build, one function's file copied over another's) was loaded as it was: a
``TypeError`` at call time (``_discrete expected 13 arguments, got 20``) or, with the same arguments,
another function's machine code (a crash, or wrong numbers). :class:`VerifiedCache` checks the
module, name and argument types of what it loads and otherwise has numba recompile (numba then
rewrites that data file), with a one-line :class:`~model.cache.CacheWarning`.

It also loads without setting up numba's whole CPU target: numba's own ``load_overload`` first
refreshes the target, importing and installing every typing and lowering registry
(``numba.np.arraymath``, which imports ``scipy.linalg``, ...: 0.2 s of CPU, and 38,000 more objects
for the interpreter to collect at exit, in a warm ``model.simulate(keen(), ...)``), which only
*compiling* reads. Loaded machine code needs the runtime (NRT: the arrays it allocates), the symbols
the target context installs when it is created, and, for parallel code, numba's thread pool, which
the cached code's own reload hook starts; a miss returns None and numba compiles, refreshing the
target itself (``CompilerBase``).

Imported by :mod:`model.compiler.jit` only when numba is available.
"""

from __future__ import annotations

import warnings
from typing import Any

from numba.core import sigutils
from numba.core.caching import FunctionCache
from numba.core.runtime import rtsys

from ..cache import CacheWarning

__all__ = ["VerifiedCache", "mismatch"]


def mismatch(func: Any, sig: Any, payload: Any) -> str:
    """Why numba's cached ``payload`` (a reduced ``CompileResult``: library, function descriptor,
    environment, signature, ...) is not ``func`` compiled for the argument types of ``sig``;
    ``""`` when it is."""
    want = (func.__module__, func.__qualname__, tuple(sigutils.normalize_signature(sig)[0]))
    try:
        fndesc, signature = payload[1], payload[3]
        got = (fndesc.modname, fndesc.qualname, tuple(signature.args))
    except (TypeError, IndexError, AttributeError, KeyError):
        return "does not hold a compiled function"
    if got == want:
        return ""
    if got[:2] != want[:2]:
        return f"holds {got[0]}.{got[1]}, not {want[0]}.{want[1]}"
    if len(got[2]) != len(want[2]):
        return f"holds {got[1]} of {len(got[2])} arguments, not {len(want[2])}"
    i = next(i for i, (g, w) in enumerate(zip(got[2], want[2])) if g != w)
    return f"holds {got[1]} compiled for argument {i + 1} of type {got[2][i]}, not {want[2][i]}"


class VerifiedCache(FunctionCache):
    """numba's per-function cache (``cache=True``) that loads only the requested function and
    signature (:func:`mismatch`), and recompiles, with a :class:`~model.cache.CacheWarning`,
    when the data file holds something else or cannot be unpickled; it loads without refreshing
    numba's target (see the module docstring)."""

    def load_overload(self, sig: Any, target_context: Any) -> Any:
        """The compiled result for signature ``sig`` from the cache, or None (numba then compiles)."""
        rtsys.initialize(target_context)  # what loaded code needs of numba's target refresh
        with self._guard_against_spurious_io_errors():
            return self._load_overload(sig, target_context)

    def _load_overload(self, sig, target_context):
        if not self._enabled:
            return None
        key = self._index_key(sig, target_context.codegen())
        try:
            payload = self._cache_file.load(key)
            problem = "" if payload is None else mismatch(self._py_func, sig, payload)
        except Exception as exc:  # any unpickling failure: recompile, as for a missing file
            payload, problem = None, f"cannot be loaded ({type(exc).__name__}: {exc})"
        if problem:
            name = self._cache_file._load_index().get(key)
            path = self._cache_file._data_path(name) if name else self._cache_file._index_path
            warnings.warn(f"model cache: numba cache file {path} {problem}; recompiling it", CacheWarning,
                          stacklevel=1)
            return None
        return None if payload is None else self._impl.rebuild(target_context, payload)

"""Compile a System into fast numerical functions, cached on disk.

Two kinds of compiled code, cached apart:

* the *engine* (:mod:`model.compiler.integrators`: integrators, path observers,
  ensemble drivers) is model-independent; a verified copy of its source is kept
  under a key of its code (not its comments or docstrings) in the package's own
  ``__pycache__/engine`` folder, or the cache's ``engine`` folder where that one is
  not private (:func:`engine_folder`), and numba compiles it there once per
  installation (:func:`engine`);
* each model's generated module (:mod:`model.compiler.codegen`) holds straight-line
  functions only; each is compiled as a C callback when first used
  (:meth:`CompiledSystem.functions`) and reaches the engine by address.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import importlib.util
import io
import os
import pickletools
import re
import shutil
import sys
import threading
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from ..cache import (
    CacheError,
    CacheWarning,
    atomic_write,
    cache_dir,
    cache_sources,
    file_digest,
    folder_problem,
    private_dir,
    readonly_reason,
)
from ..collector import collector_paused
from ..core.levers import Policy, input_table, resolve_inputs
from ..errors import ModelError
from .codegen import FUNCTIONS, generate_source, source_key

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from ..core.system import System

    #: a parameter vector, or values by parameter name (the others take their defaults)
    Params = ArrayLike | Mapping[str, float] | None

__all__ = ["CompiledSystem", "compile", "engine", "engine_folder", "engine_key"]

_MEMO: dict[str, CompiledSystem] = {}
_LOCK = threading.RLock()
#: the engine's source and the module holding its calls into compiled models: the engine's cache key
_ENGINE_FILES = (Path(__file__).with_name("integrators.py"), Path(__file__).with_name("jit.py"))
_ENGINE: list = []
#: the package's bytecode folder (Python's .pyc of this package): the engine is compiled into its
#: ``engine`` subfolder when only this user can write there (:func:`engine_folder`)
_PACKAGE_PYCACHE = Path(__file__).with_name("__pycache__")
_PACKAGE_PROBLEM: list[str] = []  # why the package folder is refused ("" if used), decided once per process
#: numba's workqueue threading layer (the one :mod:`model.compiler.jit` picks) aborts the process when two
#: threads launch parallel kernels at once (a ThreadPoolExecutor, Dask threads): every call into a
#: parallel driver (``@pjit`` in ``integrators.py``) holds this lock (:func:`_parallel`), so such calls queue
_PARALLEL_LOCK = threading.Lock()
#: layers that may be entered from several threads at once (numba's "threading layers" documentation)
_THREADSAFE_LAYERS = ("tbb", "omp", "safe", "threadsafe")


class CompiledSystem:
    """Numerical form of a :class:`~model.core.system.System`.

    The generated module (``self.source``, saved at ``self.path``) holds
    straight-line functions of ``(t, y, p, u)`` where ``y`` is the state in
    ``self.states`` order, ``p`` the parameters in ``self.parameters`` order and
    ``u`` the inputs in ``self.inputs`` order. The Python-facing methods below
    take a parameter vector and an input table ``L`` (see :meth:`inputs_table`);
    with ``L=None`` inputs take their declared defaults.
    """

    def __init__(self, system: System, module: ModuleType, path: Path, key: str):
        # name -> compiled C callback, shared by every CompiledSystem of the module
        module.__dict__.setdefault("__dgm_compiled__", {})
        self.system = system
        self.module = module
        self.path = path
        self.key = key
        self.states: tuple[str, ...] = module.STATES
        self.parameters: tuple[str, ...] = module.PARAMETERS
        self.inputs: tuple[str, ...] = module.INPUTS
        self.observed_names: tuple[str, ...] = module.OBSERVED
        self._default_L: np.ndarray | None = None

    @property
    def is_warm(self) -> bool:
        """Whether numba's on-disk cache already holds the compiled integrator and the model's
        right-hand side (a first call then loads them in about a second instead of compiling)."""
        from .jit import HAVE_NUMBA  # numba is imported when code is first compiled, not with the package

        if not HAVE_NUMBA:
            return True
        folder = engine_folder()[0]
        engine_ready = bool(_ENGINE) or any((folder / "__pycache__").glob(f"dgm_engine_{engine_key()}._dopri5-*.nbi"))
        return engine_ready and any((self.path.parent / "__pycache__").glob(f"{self.path.stem}._rhs-*.nbi"))

    def _engine(self):
        """The engine module these methods call (:func:`engine`)."""
        return engine()

    def _parallel(self):
        """Held around every call into a parallel driver: :data:`_PARALLEL_LOCK`, or no lock under a
        thread-safe threading layer (``NUMBA_THREADING_LAYER=tbb``, ``omp``, ``safe``, ``threadsafe``)."""
        from .jit import HAVE_NUMBA

        if HAVE_NUMBA:
            import numba

            if numba.config.THREADING_LAYER not in _THREADSAFE_LAYERS:
                return _PARALLEL_LOCK
        return contextlib.nullcontext()

    def functions(self, *names: str) -> np.ndarray | list:
        """The model's functions ``names`` (``"_rhs"``, ``"_tan"``, ... see :data:`model.compiler.codegen.FUNCTIONS`)
        as the engine takes them: an int64 array of their compiled addresses in ``FUNCTIONS`` order, 0
        for the others (each function is compiled, or loaded from numba's cache, on first use); under
        ``DGM_DISABLE_NUMBA`` the list of the Python functions."""
        from .jit import HAVE_NUMBA, cfunc

        if not HAVE_NUMBA:
            return [getattr(self.module, n) for n in FUNCTIONS]
        compiled = self.module.__dgm_compiled__
        F = np.zeros(len(FUNCTIONS), dtype=np.int64)
        for i, n in enumerate(FUNCTIONS):
            if n in names:
                if n not in compiled:
                    with _LOCK, collector_paused():
                        if n not in compiled:
                            compiled[n] = cfunc(getattr(self.module, n), tangent=FUNCTIONS[n])
                F[i] = compiled[n].address
        return F

    @property
    def source(self) -> str:
        """The generated Python/numba source (as checked against its sha256 and loaded)."""
        return self.module.__dgm_source__

    @property
    def n_states(self) -> int:
        return len(self.states)

    def inputs_table(self, policy: Policy | None = None, exogenous: Mapping | None = None) -> np.ndarray:
        """Input table for a policy (schedules only) and exogenous paths."""
        return input_table(resolve_inputs(self.system, policy, exogenous))

    def _L(self, L):
        if L is not None:
            L = _c(L, "L", (len(self.inputs), None))
            if L.shape[1] < 6 or L.shape[1] % 2:
                raise ModelError(f"argument L (input table) must have an even number >= 6 of columns, "
                                 f"got shape {L.shape}")
            return L
        if self._default_L is None:
            self._default_L = self.inputs_table()
        return self._default_L

    def _vector(self, names: tuple[str, ...], what: str, values: Mapping[str, float] | None) -> np.ndarray:
        values = dict(values or {})
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise ModelError(f"unknown {what}(s) {', '.join(unknown)} for model {self.system.name!r}; "
                             f"valid: {', '.join(names)}")
        out = []
        for n in names:
            v = values.get(n, self.system.variables[n].default)
            if v is None:
                raise ModelError(f"{what} {n!r} of model {self.system.name!r} has no value and no default")
            out.append(float(v))
        return np.array(out)

    def param_vector(self, values: Mapping[str, float] | None = None) -> np.ndarray:
        """Parameter vector from defaults overridden by ``values`` (no bounds check)."""
        return self._vector(self.parameters, "parameter", values)

    def state_vector(self, values: Mapping[str, float] | None = None) -> np.ndarray:
        """Initial-state vector from declared defaults overridden by ``values``."""
        return self._vector(self.states, "stock", values)

    def _at(self, name: str, out: np.ndarray, t: float, y, p, L) -> np.ndarray:
        self._engine()._point(self.functions(name), list(FUNCTIONS).index(name), float(t),
                               _c(y, "y", (self.n_states,)), self._p(p), self._L(L), out)
        return out

    def rhs(self, t: float, y: ArrayLike, p: Params = None, L: ArrayLike | None = None) -> np.ndarray:
        """Right-hand side ``dy/dt`` [state units per year] at one point."""
        return self._at("_rhs", np.empty(self.n_states), t, y, p, L)

    def jac(self, t: float, y: ArrayLike, p: Params = None, L: ArrayLike | None = None) -> np.ndarray:
        """Analytic Jacobian ``d rhs / d y`` (chain rule through the auxiliaries)."""
        return self._at("_jac", np.zeros((self.n_states, self.n_states)), t, y, p, L)

    def dfdp(self, t: float, y: ArrayLike, p: Params = None, L: ArrayLike | None = None) -> np.ndarray:
        """Analytic ``d rhs / d p`` for every parameter (columns in ``self.parameters`` order)."""
        out = np.zeros((self.n_states, max(len(self.parameters), 1)))
        return self._at("_dfdp", out, t, y, p, L)[:, :len(self.parameters)]

    # ---- the engine's array interface (arrays C-contiguous float64; see model.compiler.integrators)

    def dopri5(self, mode: int, t0: float, y0: np.ndarray, p: np.ndarray, L: np.ndarray, t_eval: np.ndarray,
               rtol: float, atol: np.ndarray, lo: np.ndarray, hi: np.ndarray, lim: np.ndarray, h0: float,
               max_steps: int, stiff_stop: bool, idx: np.ndarray, yout: np.ndarray, info: np.ndarray) -> None:
        """Compiled Dormand-Prince 5(4) into ``yout`` and ``info`` (mode 1: with forward sensitivities
        to the parameters ``idx``); see ``model.compiler.integrators._dopri5``."""
        n, NP = self.n_states, len(self.parameters)
        idx = self._idx(idx) if mode else np.zeros(0, dtype=np.int64)
        nz = n * (1 + idx.size)
        t_eval = _c(t_eval, "t_eval", (None,))
        F = self.functions("_tan" if mode else "_rhs")
        self._engine()._dopri5(F, n, NP, int(mode), float(t0), _c(y0, "y0", (nz,)), self._p(p), self._L(L),
                               t_eval, float(rtol), _c(atol, "atol", (nz,)), _c(lo, "lo", (n,)), _c(hi, "hi", (n,)),
                               _c(lim, "lim", (n,)), float(h0), int(max_steps), bool(stiff_stop), idx,
                               _out(yout, "yout", (t_eval.size, nz)), _out(info, "info", (5,)))

    def radau5(self, t0: float, y0: np.ndarray, p: np.ndarray, L: np.ndarray, t_eval: np.ndarray, rtol: float,
               atol: np.ndarray, lo: np.ndarray, hi: np.ndarray, lim: np.ndarray, h0: float, max_steps: int,
               yout: np.ndarray, info: np.ndarray) -> None:
        """Compiled Radau IIA of order 5 (implicit, for stiff problems; the model's analytic Jacobian) into
        ``yout`` and ``info``, arguments as for :meth:`dopri5`; see ``model.compiler.integrators._radau5``."""
        n = self.n_states
        t_eval = _c(t_eval, "t_eval", (None,))
        self._engine()._radau5(self.functions("_rhs", "_jac"), n, float(t0), _c(y0, "y0", (n,)), self._p(p),
                               self._L(L), t_eval, float(rtol), _c(atol, "atol", (n,)), _c(lo, "lo", (n,)),
                               _c(hi, "hi", (n,)), _c(lim, "lim", (n,)), float(h0), int(max_steps),
                               _out(yout, "yout", (t_eval.size, n)), _out(info, "info", (5,)))

    def discrete(self, euler: bool, tgrid: np.ndarray, y0: np.ndarray, p: np.ndarray, L: np.ndarray, dt: float,
                 lo: np.ndarray, hi: np.ndarray, lim: np.ndarray, yout: np.ndarray, info: np.ndarray) -> None:
        """Iterate the map (``euler``: forward Euler on the right-hand side) over ``tgrid`` into ``yout``."""
        n = self.n_states
        tgrid = _c(tgrid, "tgrid", (None,))
        if tgrid.size < 1:
            raise ModelError("argument tgrid must hold at least one time, got shape (0,)")
        F = self.functions("_rhs" if euler else "_update")
        self._engine()._discrete(F, n, bool(euler), tgrid, _c(y0, "y0", (n,)), self._p(p), self._L(L), float(dt),
                                 _c(lo, "lo", (n,)), _c(hi, "hi", (n,)), _c(lim, "lim", (n,)),
                                 _out(yout, "yout", (tgrid.size, n)), _out(info, "info", (5,)))

    def ensemble_dopri5(self, t0: float, Y0: np.ndarray, P: np.ndarray, L: np.ndarray, t_eval: np.ndarray,
                        rtol: float, atol: np.ndarray, lo: np.ndarray, hi: np.ndarray, LIM: np.ndarray,
                        max_steps: int, stiff_stop: bool, Yout: np.ndarray, INFO: np.ndarray) -> None:
        """Members ``Y0[m], P[m]`` integrated in parallel (compiled Dormand-Prince) into ``Yout[m]``; with
        ``stiff_stop`` a member found stiff stops with status 5 (the caller then switches it to Radau)."""
        n, NP = self.n_states, len(self.parameters)
        Y0 = _c(Y0, "Y0", (None, n))
        m = Y0.shape[0]
        t_eval = _c(t_eval, "t_eval", (None,))
        args = (self.functions("_rhs"), n, NP, float(t0), Y0, _c(P, "P", (m, NP)), self._L(L), t_eval, float(rtol),
                _c(atol, "atol", (n,)), _c(lo, "lo", (n,)), _c(hi, "hi", (n,)), _c(LIM, "LIM", (m, n)),
                int(max_steps), bool(stiff_stop), _out(Yout, "Yout", (m, t_eval.size, n)), _out(INFO, "INFO", (m, 5)))
        with self._parallel():
            self._engine()._ensemble(*args)

    def ensemble_radau5(self, t0: float, Y0: np.ndarray, P: np.ndarray, L: np.ndarray, t_eval: np.ndarray,
                        rtol: float, atol: np.ndarray, lo: np.ndarray, hi: np.ndarray, LIM: np.ndarray,
                        max_steps: int, members: np.ndarray, Yout: np.ndarray, INFO: np.ndarray) -> None:
        """The members ``members`` (indices of rows of ``Y0``, ``P``) integrated in parallel with the compiled
        Radau IIA method (:meth:`radau5`) into their rows of ``Yout`` and ``INFO``; the other rows are left as
        they are (``method="auto"``: the members a Dormand-Prince pass found stiff)."""
        n, NP = self.n_states, len(self.parameters)
        Y0 = _c(Y0, "Y0", (None, n))
        m = Y0.shape[0]
        t_eval = _c(t_eval, "t_eval", (None,))
        members = np.ascontiguousarray(members, dtype=np.int64)
        if members.ndim != 1 or np.any((members < 0) | (members >= m)):
            raise ModelError(f"argument members must be a 1-D array of member indices in [0, {m}), got {members!r}")
        args = (self.functions("_rhs", "_jac"), n, float(t0), Y0, _c(P, "P", (m, NP)), self._L(L), t_eval,
                float(rtol), _c(atol, "atol", (n,)), _c(lo, "lo", (n,)), _c(hi, "hi", (n,)), _c(LIM, "LIM", (m, n)),
                int(max_steps), members, _out(Yout, "Yout", (m, t_eval.size, n)), _out(INFO, "INFO", (m, 5)))
        with self._parallel():
            self._engine()._ensemble_radau(*args)

    def ensemble_discrete(self, euler: bool, tgrid: np.ndarray, Y0: np.ndarray, P: np.ndarray, L: np.ndarray,
                          dt: float, lo: np.ndarray, hi: np.ndarray, LIM: np.ndarray, Yout: np.ndarray,
                          INFO: np.ndarray) -> None:
        """Members of a discrete map (or forward Euler) in parallel into ``Yout[m]``."""
        n, NP = self.n_states, len(self.parameters)
        Y0 = _c(Y0, "Y0", (None, n))
        m = Y0.shape[0]
        tgrid = _c(tgrid, "tgrid", (None,))
        if tgrid.size < 1:
            raise ModelError("argument tgrid must hold at least one time, got shape (0,)")
        args = (self.functions("_rhs" if euler else "_update"), n, bool(euler), tgrid, Y0, _c(P, "P", (m, NP)),
                self._L(L), float(dt), _c(lo, "lo", (n,)), _c(hi, "hi", (n,)), _c(LIM, "LIM", (m, n)),
                _out(Yout, "Yout", (m, tgrid.size, n)), _out(INFO, "INFO", (m, 5)))
        with self._parallel():
            self._engine()._ensemble_discrete(*args)

    def observe_path(self, ts: np.ndarray, Y: np.ndarray, p: np.ndarray, L: np.ndarray, A: np.ndarray) -> None:
        """Auxiliaries and identity residuals ``A[k]`` along a trajectory ``Y[k]`` at times ``ts[k]``."""
        ts = _c(ts, "ts", (None,))
        nt, na = ts.size, len(self.observed_names)
        self._engine()._observe_path(self.functions("_observe"), ts, _c(Y, "Y", (nt, self.n_states)), self._p(p),
                                     self._L(L), _out(A, "A", (nt, (na, max(na, 1)))))

    def ensemble_observe(self, ts: np.ndarray, Y: np.ndarray, P: np.ndarray, L: np.ndarray, A: np.ndarray) -> None:
        """:meth:`observe_path` for every member ``Y[m], P[m]`` in parallel into ``A[m]``."""
        ts = _c(ts, "ts", (None,))
        Y = _c(Y, "Y", (None, ts.size, self.n_states))
        m, nt, na = Y.shape[0], ts.size, len(self.observed_names)
        args = (self.functions("_observe"), ts, Y, _c(P, "P", (m, len(self.parameters))), self._L(L),
                _out(A, "A", (m, nt, (na, max(na, 1)))))
        with self._parallel():
            self._engine()._ensemble_observe(*args)

    def inputs_path(self, ts: np.ndarray, L: np.ndarray, U: np.ndarray) -> None:
        """Input values ``U[k]`` at times ``ts[k]`` from the input table ``L``."""
        ts = _c(ts, "ts", (None,))
        ni = len(self.inputs)
        self._engine()._inputs_path(ts, self._L(L), _out(U, "U", (ts.size, (ni, max(ni, 1)))))

    def breakpoints(self, L: np.ndarray, t0: float, t1: float) -> np.ndarray:
        """Sorted times in ``(t0, t1)`` where an input path has a kink or a jump [year]."""
        return self._engine()._breakpoints(self._L(L), float(t0), float(t1))

    def observed(self, t: ArrayLike, y: ArrayLike, p: Params = None, L: ArrayLike | None = None
                 ) -> dict[str, np.ndarray]:
        """Auxiliaries (and identity residuals) at one time or along a saved trajectory.

        Parameters
        ----------
        t : float or array of shape (nt,)
        y : array of shape (n,) or (nt, n)
        """
        t = np.atleast_1d(np.asarray(t, float))
        y2 = np.atleast_2d(np.asarray(y, float))
        if np.ndim(y) not in (1, 2) or y2.shape != (t.size, self.n_states):
            raise ModelError(f"argument y must have shape ({self.n_states},) or ({t.size}, {self.n_states}), "
                             f"got shape {np.shape(y)}")
        A = np.empty((t.size, max(len(self.observed_names), 1)))
        self.observe_path(t, y2, self._p(p), self._L(L), A)
        scalar = np.ndim(y) == 1
        return {n: (A[0, i] if scalar else A[:, i]) for i, n in enumerate(self.observed_names)}

    def _p(self, p):
        if p is None:
            return self.param_vector()
        if isinstance(p, Mapping):
            return self.param_vector(p)
        return _c(p, "p", (len(self.parameters),))

    def _idx(self, idx) -> np.ndarray:
        """Parameter indices as a C-contiguous int64 array, each in ``range(len(self.parameters))``."""
        idx = np.ascontiguousarray(idx, dtype=np.int64)
        NP = len(self.parameters)
        if idx.ndim != 1 or (idx.size and (idx.min() < 0 or idx.max() >= NP)):
            raise ModelError(f"argument idx must be a 1-d array of parameter indices in [0, {NP}), "
                             f"got shape {idx.shape}")
        return idx

    def sensitivity_rhs(self, t: float, z: ArrayLike, p: Params, params: Sequence[str],
                        L: ArrayLike | None = None) -> np.ndarray:
        """Right-hand side of the state plus forward sensitivities ``S = dy/dp`` for ``params``.

        ``z = [y, vec(S)]`` with ``S`` of shape (n, len(params)) in row-major order;
        ``dS/dt = J S + df/dp``.
        """
        idx = self.param_index(params)
        z = _c(z, "z", (self.n_states * (1 + idx.size),))
        out = np.empty_like(z)
        self._engine()._sensitivity_rhs(self.functions("_tan"), self.n_states, len(self.parameters), float(t), z,
                                         self._p(p), self._L(L), idx, out)
        return out

    def observed_tangents(self, t: ArrayLike, Y: ArrayLike, S: ArrayLike, p: Params, params: Sequence[str],
                          L: ArrayLike | None = None) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Auxiliaries along a trajectory and their exact derivatives to ``params``.

        Parameters
        ----------
        t : array of shape (nt,)
        Y : array of shape (nt, n)
            Stocks.
        S : array of shape (nt, n, len(params))
            Their sensitivities ``dY/dp`` (e.g. from :func:`model.solve.sensitivity.solve_arrays`).
        p : parameter vector or mapping
        params : sequence of str
            The parameters ``S`` is taken with respect to.

        Returns
        -------
        values, derivatives : dict
            ``values[a]`` of shape (nt,) and ``derivatives[a]`` of shape (nt, len(params))
            per auxiliary ``a``, by the chain rule ``da/dq = (da/dy) S_q + da/dq``.
        """
        idx = self.param_index(params)
        t = _c(np.atleast_1d(np.asarray(t, float)), "t", (None,))
        Y = np.ascontiguousarray(Y, dtype=float)
        S = np.ascontiguousarray(S, dtype=float)
        nt, naux = t.size, self.module.NAUX
        if Y.shape != (nt, self.n_states) or S.shape != (nt, self.n_states, idx.size):
            raise ModelError(f"expected Y of shape {(nt, self.n_states)} and S of shape "
                             f"{(nt, self.n_states, idx.size)}, got {Y.shape} and {S.shape}")
        A = np.empty((nt, max(naux, 1)))
        dA = np.empty((nt, max(naux, 1), idx.size))
        self._engine()._observe_tangent_path(self.functions("_obs_tan"), len(self.parameters), t, Y, S, self._p(p),
                                              self._L(L), idx, A, dA)
        names = self.observed_names[:naux]
        return {a: A[:, i] for i, a in enumerate(names)}, {a: dA[:, i, :] for i, a in enumerate(names)}

    def param_index(self, params: Sequence[str]) -> np.ndarray:
        """Indices of ``params`` in the parameter vector (clear error for unknown names)."""
        bad = [q for q in params if q not in self.parameters]
        if bad:
            raise ModelError(f"unknown parameter(s) {', '.join(bad)} for model {self.system.name!r}; "
                             f"valid: {', '.join(self.parameters)}")
        return np.array([self.parameters.index(q) for q in params], dtype=np.int64)

    def __repr__(self) -> str:
        return f"<CompiledSystem {self.system.name!r} key {self.key} at {self.path}>"


Shape = tuple  # of int (exact), None (any) or a tuple of allowed ints, per dimension


def _fits(shape: tuple, want: Shape) -> bool:
    return len(shape) == len(want) and all(
        w is None or (s in w if isinstance(w, tuple) else s == w) for s, w in zip(shape, want))


def _show(want: Shape) -> str:
    dims = ["any" if w is None else ("|".join(map(str, sorted(set(w)))) if isinstance(w, tuple) else str(w))
            for w in want]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _c(a, name: str, want: Shape) -> np.ndarray:
    """``a`` as a C-contiguous float64 array of shape ``want`` (the engine reads raw data pointers,
    so a wrong length would read or write past the buffer); else :class:`ModelError`."""
    try:
        a = np.ascontiguousarray(a, dtype=float)
    except (TypeError, ValueError) as e:
        raise ModelError(f"argument {name} must be a float array of shape {_show(want)}: {e}") from None
    if not _fits(a.shape, want):
        raise ModelError(f"argument {name} must have shape {_show(want)}, got shape {a.shape}")
    return a


def _out(a, name: str, want: Shape) -> np.ndarray:
    """Check an output array (written in place): C-contiguous, writable float64 of shape ``want``."""
    if not (isinstance(a, np.ndarray) and a.dtype == np.float64 and a.flags.c_contiguous and a.flags.writeable):
        raise ModelError(f"argument {name} must be a writable C-contiguous float64 array of shape {_show(want)}, "
                         f"got {type(a).__name__} {getattr(a, 'dtype', '')} {np.shape(a)}")
    if not _fits(a.shape, want):
        raise ModelError(f"argument {name} must have shape {_show(want)}, got shape {a.shape}")
    return a


_HEADER = re.compile(rb"# dgm-module key=([0-9a-f]{1,64}) sha256=([0-9a-f]{64})\n")


def module_stem(name: str, key: str) -> str:
    """File stem of the generated module: ``dgm_<slug>_<key>``.

    The slug keeps only lower-case ASCII letters, digits and ``_`` of the model
    name (at most 32 characters, ``model`` if none remain), so any name is safe
    in a file name; the key (equations hash) identifies the content.
    """
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_")[:32].strip("_")
    return f"dgm_{slug or 'model'}_{key}"


def _module_bytes(source: str, key: str) -> bytes:
    """File content: one header line with the key and the sha256 of the source, then the source."""
    body = source.encode()
    return f"# dgm-module key={key} sha256={hashlib.sha256(body).hexdigest()}\n".encode() + body


def _verified_source(path: Path, key: str) -> tuple[str | None, str]:
    """``(source, "")`` if ``path`` holds the intact module for ``key``, else ``(None, why)``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, "is missing"
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    if not data:
        return None, "is empty"
    m = _HEADER.match(data)
    if m is None:
        return None, "has no valid integrity header (edited, truncated, or written by an older version)"
    if m[1].decode() != key:
        return None, f"was written for key {m[1].decode()}, not {key}"
    body = data[m.end():]
    if hashlib.sha256(body).hexdigest() != m[2].decode():
        return None, "does not match its sha256 (edited or truncated)"
    try:
        return body.decode(), ""
    except UnicodeDecodeError:  # pragma: no cover - a matching sha256 of non-UTF-8 bytes
        return None, "is not UTF-8 text"


def _pickles_ok(data: bytes, count: int) -> bool:
    """Whether ``data`` is exactly ``count`` complete pickles (opcodes are parsed, nothing is loaded)."""
    f = io.BytesIO(data)
    try:
        for _ in range(count):
            for _op in pickletools.genops(f):
                pass
    except Exception:
        return False
    return f.tell() == len(data)


def _numba_files(folder: Path, stem: str) -> list[Path]:
    """numba's index (``.nbi``: two pickles) and data (``.nbc``: one pickle) files of one module."""
    return sorted(f for f in (folder / "__pycache__").glob(f"{stem}.*") if f.suffix in (".nbi", ".nbc"))


def _drop_damaged_numba_files(folder: Path, stem: str) -> None:
    """Delete truncated or garbled numba cache files of the module (numba then recompiles)
    instead of failing with an UnpicklingError on every run."""
    for f in _numba_files(folder, stem):
        try:
            ok = _pickles_ok(f.read_bytes(), 2 if f.suffix == ".nbi" else 1)
        except OSError:
            ok = False
        if not ok:
            warnings.warn(f"model cache: numba cache file {f} is damaged; deleting it (numba recompiles)",
                          CacheWarning, stacklevel=4)
            f.unlink(missing_ok=True)


def _copy_from_readonly(stem: str, key: str, path: Path, sub: str = "models") -> str | None:
    """Copy a verified module and its numba files from a read-only cache into the writable one.

    The module keeps its modification time, so numba's compiled code (keyed by the
    source file's time and size) is reused rather than recompiled.
    """
    for src_root in cache_sources():
        src = src_root / sub / f"{stem}.py"
        source, why = _verified_source(src, key)
        if source is None:
            if src.exists():
                warnings.warn(f"model cache: {src} in the read-only cache {src_root} {why}; not using it",
                              CacheWarning, stacklevel=4)
            continue
        atomic_write(path, _module_bytes(source, key))
        st = src.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        for f in _numba_files(src.parent, stem):
            try:
                shutil.copyfile(f, path.parent / "__pycache__" / f.name)
            except OSError as exc:
                raise CacheError(f"cannot copy {f.name} into the cache directory {path.parent}: {exc.strerror}",
                                 exc.errno) from None
        return source
    return None


def _load(path: Path, modname: str, source: str) -> ModuleType:
    """Execute the checked ``source`` as module ``modname`` with ``path`` as its file (never re-read
    from disk, so the file cannot change between the check and the execution)."""
    spec = importlib.util.spec_from_file_location(modname, path)
    assert spec is not None  # a path ending in .py always has a loader
    module = importlib.util.module_from_spec(spec)
    code = builtins.compile("\n" + source, str(path), "exec")  # line numbers as in the file (after the header)
    module.__dict__["__dgm_source__"] = source
    sys.modules[modname] = module
    exec(code, module.__dict__)  # noqa: S102 - our own generated source, verified against its sha256
    return module


def compile(system: System, *, cache: bool = True) -> CompiledSystem:
    """Generate and load the numerical code of ``system``.

    Parameters
    ----------
    system : System
        The model. Its name only labels the cached file (any name works).
    cache : bool
        Reuse the generated module (and numba's compiled machine code) from the
        on-disk cache when the equations hash matches; a second process start
        then skips all sympy work.

    Returns
    -------
    CompiledSystem

    Raises
    ------
    model.cache.CacheError
        If the cache cannot be written (disk full): names the cache directory.

    Notes
    -----
    A cached module is executed only if its content matches the sha256 in its
    header and its key; an edited, truncated or empty file is regenerated
    (with a :class:`~model.cache.CacheWarning`), together with numba's files of
    that module. Damaged numba files are deleted so numba recompiles. See
    :mod:`model.cache` for which cache directories are trusted.
    """
    key = source_key(system)
    with _LOCK:
        if cache and key in _MEMO:
            cs = _MEMO[key]
            if cs.system is not system:
                cs = CompiledSystem(system, cs.module, cs.path, key)
            return cs
        stem = module_stem(system.name, key)
        path, source = _cached_file("models", stem, key, lambda: generate_source(system), cache,
                                    f"model {system.name!r}")
        with collector_paused():  # the generated module imports numba (30,000 objects) on first use
            module = _load(path, f"dgm_generated_{key}", source)
        cs = CompiledSystem(system, module, path, key)
        _MEMO[key] = cs
        return cs


def _cached_file(sub: str, stem: str, key: str, generate, cache: bool, what: str,
                 root: Path | None = None) -> tuple[Path, str]:
    """Path and verified source of ``<root>/<sub>/<stem>.py`` for ``key`` (``root`` the cache by
    default): the file if intact, else (in the cache) a copy from a read-only cache, else
    ``generate()`` written there. Damaged numba files of the module are deleted."""
    in_cache = root is None
    if root is None:
        root = cache_dir()
    folder = private_dir(root / sub)
    private_dir(folder / "__pycache__")  # numba's pickles: never group-writable, whatever the umask
    path = folder / f"{stem}.py"
    source = None
    if cache:
        source, why = _verified_source(path, key)
        if source is None and path.exists():
            warnings.warn(f"model cache: {path} {why}; regenerating it", CacheWarning, stacklevel=4)
            for f in _numba_files(folder, stem):
                f.unlink(missing_ok=True)
        if source is None and not path.exists() and in_cache:
            source = _copy_from_readonly(stem, key, path, sub)
            for src_root in cache_sources() if source is None else ():
                warnings.warn(f"model cache: {src_root} is read-only ({readonly_reason(src_root)}) and does "
                              f"not hold {what}; compiling it into the temporary cache {root}",
                              CacheWarning, stacklevel=4)
    if source is None:
        source = generate()
        text = _module_bytes(source, key)
        try:
            same = path.read_bytes() == text
        except OSError:
            same = False
        if not same:  # identical: keep the file (and numba's cache) untouched
            atomic_write(path, text)
    _drop_damaged_numba_files(folder, stem)
    return path, source


def engine_key() -> str:
    """Cache key of the engine: the code (not comments or docstrings) of the integrators and of
    the calls into compiled models (``model/compiler/integrators.py``, ``model/compiler/jit.py``)."""
    h = hashlib.sha256()
    for f in _ENGINE_FILES:
        h.update(file_digest(f).encode())
    return h.hexdigest()[:20]


def engine_folder() -> tuple[Path, str]:
    """The folder holding the engine's verified copy (numba's compiled code in its ``__pycache__``),
    and why the package's own folder is not used ("" when it is).

    The package's ``model/compiler/__pycache__/engine`` when it and its parents up to
    ``model/compiler`` are owned by the user, not group- or world-writable, and writable: the
    engine is then compiled once per installation, whatever ``DGM_CACHE_DIR`` says (Python keeps
    the package's own bytecode beside it with the same trust). Otherwise the cache's ``engine``
    folder (:func:`model.cache.cache_dir`): compiled once per cache.
    """
    if not _PACKAGE_PROBLEM:
        with _LOCK:
            if not _PACKAGE_PROBLEM:
                problem = folder_problem(_PACKAGE_PYCACHE.parent, create=False)
                for d in (_PACKAGE_PYCACHE, _PACKAGE_PYCACHE / "engine", _PACKAGE_PYCACHE / "engine" / "__pycache__"):
                    problem = problem or folder_problem(d)
                _PACKAGE_PROBLEM.append(problem or "")
    problem = _PACKAGE_PROBLEM[0]
    return (cache_dir() / "engine" if problem else _PACKAGE_PYCACHE / "engine"), problem


def engine() -> ModuleType:
    """The model-independent integrators, path observers and ensemble drivers (a module).

    Compiled by numba once per installation (not per model or cache) from a verified copy of
    ``model/compiler/integrators.py`` kept in :func:`engine_folder`, like a generated model
    (sha256 header, private folder, damaged numba files deleted); the key is :func:`engine_key`.
    Under ``DGM_DISABLE_NUMBA`` the package module itself.
    """
    if _ENGINE:
        return _ENGINE[0]
    from .jit import HAVE_NUMBA

    with _LOCK:
        if not _ENGINE:
            if not HAVE_NUMBA:
                from . import integrators as module
            else:
                key = engine_key()
                stem = f"dgm_engine_{key}"
                folder, problem = engine_folder()
                path, source = _cached_file("engine", stem, key, _ENGINE_FILES[0].read_text, True,
                                            "the compiled integrators", None if problem else folder.parent)
                with collector_paused():
                    module = _load(path, stem, source)
            _ENGINE.append(module)
    return _ENGINE[0]

"""Compile a System into fast numerical functions, cached on disk."""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from .cache import atomic_write, cache_dir
from .codegen import generate_source, source_key
from .errors import ModelError
from .levers import Policy, input_table, resolve_inputs

__all__ = ["CompiledSystem", "compile"]

_MEMO: dict[str, "CompiledSystem"] = {}
_LOCK = threading.Lock()


class CompiledSystem:
    """Numerical form of a :class:`~model.system.System`.

    The generated module (``self.source``, saved at ``self.path``) holds
    straight-line functions of ``(t, y, p, u)`` where ``y`` is the state in
    ``self.states`` order, ``p`` the parameters in ``self.parameters`` order and
    ``u`` the inputs in ``self.inputs`` order. The Python-facing methods below
    take a parameter vector and an input table ``L`` (see :meth:`inputs_table`);
    with ``L=None`` inputs take their declared defaults.
    """

    def __init__(self, system, module, path: Path, key: str):
        self.system = system
        self.module = module
        self.path = path
        self.key = key
        self.states: tuple[str, ...] = module.STATES
        self.parameters: tuple[str, ...] = module.PARAMETERS
        self.inputs: tuple[str, ...] = module.INPUTS
        self.observed_names: tuple[str, ...] = module.OBSERVED
        self._default_L = None

    @property
    def is_warm(self) -> bool:
        """Whether numba's on-disk cache already holds the compiled integrator (a first
        call then loads it in about a second instead of compiling for a minute)."""
        from ._jit import HAVE_NUMBA

        return not HAVE_NUMBA or any((self.path.parent / "__pycache__").glob(f"{self.path.stem}._dopri5-*.nbi"))

    @property
    def source(self) -> str:
        """The generated Python/numba source."""
        return self.path.read_text()

    @property
    def n_states(self) -> int:
        return len(self.states)

    def inputs_table(self, policy: Policy | None = None, exogenous: Mapping | None = None) -> np.ndarray:
        """Input table for a policy (schedules only) and exogenous paths."""
        return input_table(resolve_inputs(self.system, policy, exogenous))

    def _L(self, L):
        if L is not None:
            return np.ascontiguousarray(L, dtype=float)
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

    def rhs(self, t: float, y, p=None, L=None) -> np.ndarray:
        """Right-hand side ``dy/dt`` [state units per year] at one point."""
        return self.module._rhs_at(float(t), np.asarray(y, float), self._p(p), self._L(L))

    def jac(self, t: float, y, p=None, L=None) -> np.ndarray:
        """Analytic Jacobian ``d rhs / d y`` (chain rule through the auxiliaries)."""
        return self.module._jac_at(float(t), np.asarray(y, float), self._p(p), self._L(L))

    def dfdp(self, t: float, y, p=None, L=None) -> np.ndarray:
        """Analytic ``d rhs / d p`` for every parameter (columns in ``self.parameters`` order)."""
        return self.module._dfdp_at(float(t), np.asarray(y, float), self._p(p), self._L(L))[:, :len(self.parameters)]

    def observed(self, t, y, p=None, L=None) -> dict[str, np.ndarray]:
        """Auxiliaries (and identity residuals) at one time or along a saved trajectory.

        Parameters
        ----------
        t : float or array of shape (nt,)
        y : array of shape (n,) or (nt, n)
        """
        t = np.atleast_1d(np.asarray(t, float))
        y2 = np.atleast_2d(np.asarray(y, float))
        A = np.empty((t.size, max(len(self.observed_names), 1)))
        self.module._observe_path(t, np.ascontiguousarray(y2), self._p(p), self._L(L), A)
        scalar = np.ndim(y) == 1
        return {n: (A[0, i] if scalar else A[:, i]) for i, n in enumerate(self.observed_names)}

    def _p(self, p):
        if p is None:
            return self.param_vector()
        if isinstance(p, Mapping):
            return self.param_vector(p)
        return np.ascontiguousarray(p, dtype=float)

    def sensitivity_rhs(self, t: float, z, p, params: Sequence[str], L=None) -> np.ndarray:
        """Right-hand side of the state plus forward sensitivities ``S = dy/dp`` for ``params``.

        ``z = [y, vec(S)]`` with ``S`` of shape (n, len(params)) in row-major order;
        ``dS/dt = J S + df/dp``.
        """
        idx = self.param_index(params)
        z = np.asarray(z, float)
        out = np.empty_like(z)
        u = np.empty(max(len(self.inputs), 1))
        self.module._f(1, float(t), z, self._p(p), self._L(L), u, out, idx, self.module._directions(idx))
        return out

    def observed_tangents(self, t, Y, S, p, params: Sequence[str], L=None) -> tuple[dict, dict]:
        """Auxiliaries along a trajectory and their exact derivatives to ``params``.

        Parameters
        ----------
        t : array of shape (nt,)
        Y : array of shape (nt, n)
            Stocks.
        S : array of shape (nt, n, len(params))
            Their sensitivities ``dY/dp`` (e.g. from :func:`model.sensitivity.solve_arrays`).
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
        t = np.ascontiguousarray(np.atleast_1d(np.asarray(t, float)))
        Y = np.ascontiguousarray(Y, dtype=float)
        S = np.ascontiguousarray(S, dtype=float)
        nt, naux = t.size, self.module.NAUX
        if Y.shape != (nt, self.n_states) or S.shape != (nt, self.n_states, idx.size):
            raise ModelError(f"expected Y of shape {(nt, self.n_states)} and S of shape "
                             f"{(nt, self.n_states, idx.size)}, got {Y.shape} and {S.shape}")
        A = np.empty((nt, max(naux, 1)))
        dA = np.empty((nt, max(naux, 1), idx.size))
        self.module._observe_tangent_path(t, Y, S, self._p(p), self._L(L), idx, A, dA)
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


def _load(path: Path, modname: str):
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    spec.loader.exec_module(module)
    return module


def compile(system, *, cache: bool = True) -> CompiledSystem:  # noqa: A001 - the natural name
    """Generate and load the numerical code of ``system``.

    Parameters
    ----------
    system : System
        The model.
    cache : bool
        Reuse the generated module (and numba's compiled machine code) from the
        on-disk cache when the equations hash matches; a second process start
        then skips all sympy work.

    Returns
    -------
    CompiledSystem
    """
    key = source_key(system)
    with _LOCK:
        if cache and key in _MEMO:
            cs = _MEMO[key]
            if cs.system is not system:
                cs = CompiledSystem(system, cs.module, cs.path, key)
            return cs
        folder = cache_dir() / "models"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"dgm_{system.name.replace('-', '_')}_{key}.py"
        if not (cache and path.exists()):
            src = generate_source(system)
            if path.exists() and path.read_text() == src:
                pass  # identical: keep the file (and numba's cache) untouched
            else:
                atomic_write(path, src)
        module = _load(path, f"dgm_generated_{key}")
        cs = CompiledSystem(system, module, path, key)
        _MEMO[key] = cs
        return cs

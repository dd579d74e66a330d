"""Local stability of a state on a balanced growth path: eigenvalues of the detrended Jacobian.

On a balanced growth path every stock ``y_i`` grows at its own constant rate ``g_i`` (zero for a ratio at rest).
The detrended stocks ``x_i = y_i exp(-g_i (t - t0))`` then sit at a fixed point, and the linearisation of their
dynamics at ``t0`` is

.. math::

    J_x = \\frac{\\partial f}{\\partial y}(t_0, y_0) - \\operatorname{diag}(g), \\qquad g_i = f_i(t_0, y_0) / y_{0,i}

(``g_i = 0`` for a stock at zero). The same matrix, up to a similarity (``D^{-1} J_x D`` with ``D = diag(y_0)``),
is the Jacobian of the growth rates ``d ln y_i / dt`` with respect to ``ln y_j``: the linearisation of the
growth-rate and ratio system. A point is locally stable when every eigenvalue has a negative real part;
an eigenvalue with a positive real part is a deviation from the path that grows faster than the trend
(Freitas & Serrano 2015's condition for the supermultiplier, economics.md 3, is this test on a 2-by-2 system). A
zero eigenvalue is a neutral direction (a level the model does not pin down, an exogenous trend).

The Jacobian is the compiled analytic one (:meth:`model.compiler.compiled.CompiledSystem.jac`, chain rule
through the auxiliaries), not a finite difference. When the path is not balanced (inputs that depend on
time, stocks growing at different rates, a state on a policy path away from rest), the same matrix is the
frozen-time linearisation at ``t0``: a local indication, not a proof of stability (stated wherever it is used).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError

if TYPE_CHECKING:
    from ..core.levers import Policy
    from ..core.system import System

__all__ = ["STABILITY_TOL", "detrended_jacobian", "growth_eigenvalues", "max_growth_eigenvalue"]

#: a real part above this [1/year] counts as unstable: far above the rounding of a neutral (zero) eigenvalue of
#: a Jacobian of order one (about 1e-14), far below any growth of a deviation that matters in a century
#: (1e-6/yr is 1e-4 over 100 years)
STABILITY_TOL = 1e-6


def detrended_jacobian(jac: np.ndarray, rhs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The Jacobian of the detrended stocks, ``jac - diag(g)`` with ``g_i = rhs_i / y_i`` (0 where ``y_i = 0``).

    Parameters
    ----------
    jac : numpy.ndarray, shape (n, n)
        ``d rhs / d y`` at the point [1/year].
    rhs : numpy.ndarray, shape (n,)
        The right-hand side at the point [stock units per year].
    y : numpy.ndarray, shape (n,)
        The stocks at the point [their units].

    Returns
    -------
    numpy.ndarray, shape (n, n)
        [1/year].
    """
    jac, rhs, y = np.asarray(jac, float), np.asarray(rhs, float), np.asarray(y, float)
    n = y.size
    if jac.shape != (n, n) or rhs.shape != (n,):
        raise ModelError(f"detrended_jacobian: jac must be ({n}, {n}) and rhs ({n},) for {n} stocks, got "
                         f"{jac.shape} and {rhs.shape}")
    g = np.divide(rhs, y, out=np.zeros(n), where=y != 0)
    return jac - np.diag(g)


def growth_eigenvalues(system: System, values: Mapping[str, Any] | None = None, *, t: float | None = None,
                       policy: Policy | None = None, exogenous: Mapping[str, Any] | None = None,
                       states: np.ndarray | None = None, consistent: bool = True,
                       stocks: Sequence[str] | None = None) -> np.ndarray:
    """Eigenvalues of the detrended Jacobian (this module's matrix) for each draw of ``values``.

    Parameters
    ----------
    system : System
        The model.
    values : mapping, optional
        Parameter and start-stock values by name: numbers, or 1-D arrays of equal length (one entry per draw);
        the others take their defaults.
    t : float, optional
        Time of the point [year] (default the start of ``system.meta.t_span``).
    policy : Policy, optional
        Its rules and lever paths apply (default: none, the model as declared).
    exogenous : mapping, optional
        Exogenous input paths (as :func:`model.simulate`).
    states : numpy.ndarray, optional
        The stocks at the point, shape (m, n) in ``compile(system).states`` order (a state read off a path);
        default the start, re-derived per draw by ``system.meta.derive_start`` when ``consistent`` (as
        :func:`model.ensemble` does).
    consistent : bool
        Re-derive the start per draw (ignored with ``states``).
    stocks : sequence of str, optional
        Only these stocks' block of the matrix (the principal submatrix): the linearisation of their dynamics
        with every other stock held on its own path (a subsystem, e.g. an economy without its climate);
        default all stocks.

    Returns
    -------
    numpy.ndarray of complex, shape (m, n)
        The eigenvalues per draw [1/year] (``n`` the number of ``stocks``), sorted by decreasing real part; NaN
        for a draw whose point is not finite (no start).
    """
    from ..compiler.compiled import compile as compile_system
    from ..core.levers import input_table, resolve_inputs
    from ..solve.ensembles import member_vectors

    sysp = system.with_rules(policy.rules) if policy is not None else system
    cs = compile_system(sysp)
    L = input_table(resolve_inputs(sysp, policy, exogenous))
    vals = {str(k): np.atleast_1d(np.asarray(v, float)) for k, v in (values.items() if values is not None else ())}
    m = max([v.size for v in vals.values()] + [1 if states is None else np.shape(states)[0]])
    vals = {k: np.broadcast_to(v, (m,)) for k, v in vals.items()}
    derive = system.meta.derive_start
    if states is None and consistent and derive is not None:
        vals.update({k: np.broadcast_to(np.asarray(v, float), (m,)) for k, v in derive(system, vals).items()})
    P, Y0 = member_vectors(cs, vals, m)
    if states is not None:
        Y0 = np.asarray(states, float)
        if Y0.shape != (m, cs.n_states):
            raise ModelError(f"growth_eigenvalues: states must have shape ({m}, {cs.n_states}) (draws x stocks "
                             f"{', '.join(cs.states)}), got {Y0.shape}")
    if t is None:
        if system.meta.t_span is None:
            raise ModelError(f"growth_eigenvalues: model {system.name!r} declares no t_span; give t")
        t = system.meta.t_span[0]
    names = list(cs.states) if stocks is None else list(stocks)
    unknown = [s for s in names if s not in cs.states]
    if unknown or not names:
        raise ModelError(f"growth_eigenvalues: stocks= names {', '.join(map(repr, unknown)) or 'no stock'}; "
                         f"valid: {', '.join(cs.states)}")
    sub = np.array([cs.states.index(s) for s in names])
    out = np.full((m, sub.size), np.nan, complex)
    for i in range(m):
        if not (np.all(np.isfinite(Y0[i])) and np.all(np.isfinite(P[i]))):
            continue
        Jx = detrended_jacobian(cs.jac(t, Y0[i], P[i], L), cs.rhs(t, Y0[i], P[i], L), Y0[i])[np.ix_(sub, sub)]
        if not np.all(np.isfinite(Jx)):
            continue
        ev = np.linalg.eigvals(Jx)
        out[i] = ev[np.argsort(-ev.real, kind="stable")]
    return out


def max_growth_eigenvalue(eigenvalues: np.ndarray) -> np.ndarray:
    """The largest real part per draw [1/year] (NaN where the eigenvalues are): the point is locally unstable
    where it exceeds :data:`STABILITY_TOL`.

    Parameters
    ----------
    eigenvalues : numpy.ndarray, shape (m, n)
        From :func:`growth_eigenvalues`.
    """
    ev = np.asarray(eigenvalues)
    return ev.real[:, 0] if ev.ndim == 2 and ev.shape[1] else np.full(ev.shape[0], np.nan)

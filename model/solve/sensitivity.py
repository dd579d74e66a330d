"""Forward sensitivities ``dy/dp`` integrated with the state in compiled code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..compiler.compiled import compile
from ..core.levers import Policy, input_table, resolve_inputs
from ..errors import ModelError, SolverError
from .simulation import atol_vector, describe_failure, divergence_limits, resolve_values, state_bounds, time_grid

if TYPE_CHECKING:
    import xarray as xr
    from numpy.typing import ArrayLike

    from ..compiler.compiled import CompiledSystem
    from ..core.system import System

__all__ = ["sensitivities", "solve_arrays"]


def solve_arrays(cs: CompiledSystem, p: np.ndarray, y0: np.ndarray, L: np.ndarray, t0: float,
                 t_eval: np.ndarray, *, wrt: Sequence[int] | np.ndarray = (), S0: np.ndarray | None = None,
                 rtol: float = 1e-8, atol: float = 1e-10, max_steps: int = 200_000, control_sensitivities: bool = True
                 ) -> tuple[np.ndarray, np.ndarray | None]:
    """Trajectory (and forward sensitivities) as plain arrays: the fast path for fitting loops.

    Parameters
    ----------
    cs : CompiledSystem
        The compiled model (with any feedback rules already in it).
    p, y0 : numpy.ndarray
        Parameter vector (``cs.parameters`` order) and initial state (``cs.states`` order).
    L : numpy.ndarray
        Input table (``cs.inputs_table(policy, exogenous)``).
    t0 : float
        Start time [year].
    t_eval : numpy.ndarray
        Increasing output times >= ``t0`` [year].
    wrt : sequence of int
        Indices into ``p`` of the parameters to differentiate by; empty for none.
    S0 : numpy.ndarray, optional
        Initial sensitivities ``dy0/dp`` of shape (n, len(wrt)), for start states
        that depend on the parameters (default zero).
    rtol, atol, max_steps
        Error control of the compiled Dormand-Prince.
    control_sensitivities : bool
        Include the sensitivities in the step-size control (accurate sensitivities,
        about twice the steps); ``False`` controls the states only and the
        sensitivities follow the same steps (CVODES' ``errconS = False``), enough
        for the Jacobian of a least-squares fit.

    Returns
    -------
    Y : numpy.ndarray, shape (nt, n)
    S : numpy.ndarray, shape (nt, n, len(wrt)), or None without ``wrt``

    Raises
    ------
    SolverError
        A failed integration (reason and time reached in the message).
    """
    n, k = cs.n_states, len(wrt)
    lo, hi = state_bounds(cs)
    t_eval = np.asarray(t_eval, float)
    z0 = np.asarray(y0, float)
    if k:
        S0 = np.zeros((n, k)) if S0 is None else np.asarray(S0, float).reshape(n, k)
        z0 = np.concatenate([z0, S0.ravel()])
    Z = np.empty((t_eval.size, n + n * k))
    info = np.zeros(5)
    atol_vec = atol_vector(atol, n + n * k)
    if not control_sensitivities:
        atol_vec[n:] = 1e300  # marks the sensitivities as uncontrolled (see _rms_norm)
    cs.dopri5(1 if k else 0, float(t0), z0, p, L, t_eval, rtol, atol_vec, lo, hi, divergence_limits(cs, z0[:n]), -1.0,
              max_steps, False, np.asarray(wrt, dtype=np.int64), Z, info)
    if int(info[0]) != 0:
        text, reason = describe_failure(cs, info, None, method="sensitivities")  # DOPRI5 only: no radau5 hint
        raise SolverError(text, t_reached=float(info[1]), reason=reason)
    return Z[:, :n], (Z[:, n:].reshape(t_eval.size, n, k) if k else None)


def sensitivities(system: System, wrt: Sequence[str], params: Mapping[str, Any] | None = None,
                  policy: Policy | None = None, *, t_span: tuple[float, float],
                  t_eval: ArrayLike | None = None, initial: Mapping[str, Any] | None = None,
                  exogenous: Mapping[str, Any] | None = None, rtol: float = 1e-8, atol: float = 1e-10,
                  max_steps: int = 200_000) -> xr.Dataset:
    """Trajectory and forward sensitivities of every stock to the parameters ``wrt``.

    Solves ``dy/dt = f(y, p)`` together with ``dS/dt = J S + df/dp`` (``S = dy/dp``,
    with the analytic Jacobian and parameter derivatives from the compiler) by
    compiled Dormand-Prince; the error control covers ``S`` too.

    Parameters
    ----------
    system : System
        A continuous-time model.
    wrt : sequence of str
        Parameter names.
    params, policy, t_span, t_eval, initial, exogenous, rtol, atol, max_steps
        As for :func:`model.simulate` (single run, one policy).

    Returns
    -------
    xarray.Dataset
        Stocks over ``time`` and, for each stock ``x``, ``d_x`` over
        (``time``, ``parameter``) with units ``[x]/[p]`` in the attribute
        ``units_by_parameter``.

    Raises
    ------
    ModelError
        Discrete systems, unknown parameter names, draws.
    SolverError
        A failed integration.
    """
    import xarray as xr

    if system.is_discrete:
        raise ModelError("sensitivities() integrates continuous-time models; model "
                         f"{system.name!r} is a discrete map")
    wrt = list(wrt)
    if not wrt:
        raise ModelError("wrt must name at least one parameter")
    sysp = system.with_rules(policy.rules) if policy is not None else system
    cs = compile(sysp)
    idx = cs.param_index(wrt)
    pvals = resolve_values(system, params, "parameter")
    y0vals = resolve_values(system, initial, "stock")
    if any(v.ndim for v in (*pvals.values(), *y0vals.values())):
        raise ModelError("sensitivities() takes scalar parameter and initial values (no draws)")
    t0, _, t_eval, _ = time_grid(system, t_span, t_eval, "auto", None)
    p = np.array([float(pvals[n]) for n in cs.parameters])
    y0 = np.array([float(y0vals[n]) for n in cs.states])
    L = input_table(resolve_inputs(sysp, policy, exogenous))
    try:  # initial values do not depend on parameters
        Y, S = solve_arrays(cs, p, y0, L, t0, t_eval, wrt=idx, rtol=rtol, atol=atol, max_steps=max_steps)
    except SolverError as exc:
        if policy is None:
            raise
        raise SolverError(f"{exc} (policy {policy.name!r})", t_reached=exc.t_reached, reason=exc.reason) from None
    assert S is not None  # wrt is not empty
    data: dict[str, Any] = {}
    for i, s in enumerate(cs.states):
        var = system.variables[s]
        data[s] = ("time", Y[:, i], {"long_name": var.long_name, "units": var.units, "kind": "stock"})
        data[f"d_{s}"] = (("time", "parameter"), S[:, i, :],
                          {"long_name": f"sensitivity of {var.long_name}", "kind": "sensitivity",
                           "units_by_parameter": "; ".join(f"{q}: ({var.units})/({system.variables[q].units})"
                                                           for q in wrt)})
    return xr.Dataset(data, coords={"time": t_eval, "parameter": wrt},
                      attrs={"model": system.name, "equations_hash": system.equations_hash(),
                             "solver": "dopri5 forward sensitivities", "rtol": rtol})

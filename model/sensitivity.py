"""Forward sensitivities ``dy/dp`` integrated with the state in compiled code."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .compile import compile
from .errors import ModelError, SolverError
from .levers import Policy, input_table, resolve_inputs
from .simulate import _atol_vec, _bounds, _describe_failure, _resolve_values, _time_grid

__all__ = ["sensitivities"]


def sensitivities(system, wrt: Sequence[str], params: Mapping[str, Any] | None = None,
                  policy: Policy | None = None, *, t_span: tuple[float, float],
                  t_eval: Sequence[float] | None = None, initial: Mapping[str, Any] | None = None,
                  exogenous: Mapping[str, Any] | None = None, rtol: float = 1e-8, atol: float = 1e-10,
                  max_steps: int = 200_000):
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
    pvals = _resolve_values(system, params, "parameter")
    y0vals = _resolve_values(system, initial, "stock")
    if any(v.ndim for v in (*pvals.values(), *y0vals.values())):
        raise ModelError("sensitivities() takes scalar parameter and initial values (no draws)")
    t0, _, t_eval, _ = _time_grid(system, t_span, t_eval, "auto", None)
    p = np.array([float(pvals[n]) for n in cs.parameters])
    y0 = np.array([float(y0vals[n]) for n in cs.states])
    n, k = cs.n_states, len(wrt)
    z0 = np.concatenate([y0, np.zeros(n * k)])  # initial values do not depend on parameters
    L = input_table(resolve_inputs(sysp, policy, exogenous))
    lo, hi = _bounds(cs)
    Z = np.empty((t_eval.size, n + n * k))
    info = np.zeros(5)
    cs.module._dopri5(1, t0, z0, p, L, t_eval, rtol, _atol_vec(atol, n + n * k), lo, hi, -1.0, max_steps,
                      False, idx, Z, info)
    if int(info[0]) != 0:
        text, reason = _describe_failure(cs, info, policy.name if policy else None)
        raise SolverError(text, t_reached=float(info[1]), reason=reason)
    S = Z[:, n:].reshape(t_eval.size, n, k)
    data = {}
    for i, s in enumerate(cs.states):
        var = system.variables[s]
        data[s] = ("time", Z[:, i], {"long_name": var.long_name, "units": var.units, "kind": "stock"})
        data[f"d_{s}"] = (("time", "parameter"), S[:, i, :],
                          {"long_name": f"sensitivity of {var.long_name}", "kind": "sensitivity",
                           "units_by_parameter": "; ".join(f"{q}: ({var.units})/({system.variables[q].units})"
                                                           for q in wrt)})
    return xr.Dataset(data, coords={"time": t_eval, "parameter": wrt},
                      attrs={"model": system.name, "equations_hash": system.equations_hash(),
                             "solver": "dopri5 forward sensitivities", "rtol": rtol})

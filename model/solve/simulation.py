"""One entry point for simulation: single runs, policies, parameter draws."""

from __future__ import annotations

import json
import math
import sys
import time as _time
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..compiler.compiled import CompiledSystem, compile
from ..core.levers import Policy, input_table, resolve_inputs, snap_to_switches, switch_tolerance
from ..errors import ModelError, SolverError
from .identities import violated
from .plausible import PlausibilityWarning, flag_implausible, flag_nonfinite, run_name
from .status import STATUS, Status

if TYPE_CHECKING:
    import xarray as xr
    from numpy.typing import ArrayLike

    from ..core.system import System

__all__ = ["simulate", "METHODS", "STATUS", "IdentityWarning", "DIVERGENCE_FACTOR", "DOPRI5_SOLVER", "RADAU5_SOLVER",
           "divergence_limits", "as_policies", "atol_vector", "describe_failure", "ensemble_solver", "fixed_step_grid",
           "resolve_values", "solve_many", "state_bounds", "time_grid"]

#: Solver choices. ``auto``: compiled Dormand-Prince with Hairer's stiffness
#: test; a run found stiff is integrated again from its start with the compiled
#: Radau IIA method (``radau5``); ``dopri5``: compiled Dormand-Prince only;
#: ``radau5``: compiled Radau IIA of order 5 only (implicit, the model's analytic
#: Jacobian; Hairer & Wanner's RADAU5 algorithm); ``Radau``, ``BDF``, ``LSODA``:
#: scipy's implicit solvers with the analytic Jacobian (in Python, about a hundred
#: times slower than ``radau5`` per step); ``RK45``, ``DOP853``: scipy's explicit
#: solvers; ``discrete``: the model's map (discrete systems) or forward Euler with
#: step ``dt`` (continuous ones). Between its steps ``radau5`` (like scipy's ``Radau``)
#: reports the collocation polynomial, which on a very stiff stretch can miss the
#: requested tolerance at the output times by orders of magnitude while the steps
#: themselves meet it (review: y' = -1e4 (y - cos t) at rtol 1e-6, 5e-4 at output
#: times; scipy's Radau 2e-2; dopri5 5e-7): tighten ``rtol`` where outputs between
#: steps matter.
METHODS = ("auto", "dopri5", "radau5", "Radau", "BDF", "LSODA", "RK45", "DOP853", "discrete")
#: what the compiled methods write in a result's ``solver`` attribute
DOPRI5_SOLVER = "dopri5 (compiled Dormand-Prince 5(4))"
RADAU5_SOLVER = "radau5 (compiled Radau IIA of order 5, analytic Jacobian)"
_PARALLEL_DOPRI5 = "dopri5 (compiled Dormand-Prince 5(4), parallel ensemble)"
_STIFF_MEMBERS = f"{RADAU5_SOLVER} for the members found stiff (auto)"


def ensemble_solver(method: str) -> str:
    """The ``solver`` attribute of an ensemble integrated with ``method`` (``"auto"``, ``"dopri5"`` or
    ``"radau5"``; ``"auto"`` names both methods, the second for the members found stiff)."""
    return {"auto": f"{_PARALLEL_DOPRI5}; {_STIFF_MEMBERS}", "dopri5": _PARALLEL_DOPRI5,
            "radau5": f"{RADAU5_SOLVER}, parallel ensemble"}.get(method, method)
_SCIPY = ("Radau", "BDF", "LSODA", "RK45", "DOP853")
_EXPLICIT = ("auto", "dopri5", "RK45", "DOP853")  # methods after which an implicit one may help

class IdentityWarning(UserWarning):
    """A declared accounting identity does not hold along a simulated path."""


#: A stock without a declared ``limit`` has diverged once its magnitude is this many times
#: its start magnitude: twelve orders of magnitude take 920 years of 3 %/year growth (276
#: years at 10 %/year), far past any horizon the reference models describe, while the
#: blow-ups of unstable parameter sets (e.g. Keen's wage share at its Phillips-curve
#: singularity) cross it within years. See :func:`divergence_limits`.
DIVERGENCE_FACTOR = 1e12
_OVERFLOW = 1e100  # the compiled integrators' non-finite threshold (status 2)


def divergence_limits(cs: CompiledSystem, Y0: np.ndarray) -> np.ndarray:
    """Magnitude [stock units] at which each stock of each run counts as diverged.

    The smallest of: the stock's declared ``limit`` (:class:`model.core.symbols.Var`, the
    model's statement of where its equations stop describing anything real);
    :data:`DIVERGENCE_FACTOR` times its scale, the larger of its start magnitude and
    its declared default's magnitude (no such limit for a stock whose start and
    default are both 0); and 1e100. A run whose ``|stock|`` reaches its limit stops
    with status 7 (``"diverged"``), naming the stock and the time.

    Parameters
    ----------
    cs : CompiledSystem
        The compiled model.
    Y0 : numpy.ndarray, shape (n_states,) or (m, n_states)
        Start states (``cs.states`` order) of one run or of ``m`` members.

    Returns
    -------
    numpy.ndarray
        Limits of the same shape as ``Y0``.
    """
    Y0 = np.asarray(Y0, dtype=float)
    declared = np.array([cs.system.variables[n].limit or np.inf for n in cs.states])
    default = np.array([abs(cs.system.variables[n].default or 0.0) for n in cs.states])
    scale = np.maximum(np.abs(Y0[..., :cs.n_states]), default)
    with np.errstate(over="ignore"):
        derived = np.where(scale > 0, DIVERGENCE_FACTOR * scale, np.inf)
    return np.ascontiguousarray(np.minimum(np.minimum(declared, derived), _OVERFLOW))


# ---------------------------------------------------------------- inputs

def resolve_values(system: System, values: Mapping[str, Any] | None, kind: str) -> dict[str, np.ndarray]:
    """Values of every parameter (``kind="parameter"``) or every stock's start value (``kind="stock"``).

    Parameters
    ----------
    system : System
    values : mapping, optional
        Name -> a number or a 1-D array of draws; names not given take their declared default.
    kind : {"parameter", "stock"}

    Returns
    -------
    dict
        Name -> float array (0-D, or 1-D for draws), in the model's declaration order.

    Raises
    ------
    ModelError
        Unknown names (listing the valid ones), a missing value without default, values that
        are not finite numbers, arrays of more than one dimension, or values outside the
        declared bounds (closed for parameters, open for stocks).
    """
    names = system.parameters if kind == "parameter" else system.stocks
    values = dict(values or {})
    unknown = sorted(set(values) - set(names))
    if unknown:
        what = "parameter" if kind == "parameter" else "stock"
        other = [n for n in unknown if n in system.variables]
        hint = "".join(f"; {n!r} is a {system.variables[n].kind}" for n in other)
        raise ModelError(f"unknown {what}(s) {', '.join(map(repr, unknown))} for model {system.name!r}{hint}; "
                         f"valid {what}s: {', '.join(names)}")
    out: dict[str, np.ndarray] = {}
    for n in names:
        var = system.variables[n]
        v = values.get(n, var.default)
        if v is None:
            what = "parameter" if kind == "parameter" else "initial value of stock"
            raise ModelError(f"{what} {n!r} of model {system.name!r} has no value and no default; "
                             f"pass it in {'params' if kind == 'parameter' else 'initial'}")
        try:
            arr = np.asarray(v, dtype=float)
        except (TypeError, ValueError):
            raise ModelError(f"{n!r}: value {v!r} is not a number or an array of numbers") from None
        if arr.ndim > 1:
            raise ModelError(f"{n!r}: values must be a scalar or a 1-D array of draws, got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ModelError(f"{n!r}: value must be finite, got {v!r}")
        lo, hi = var.bounds
        if kind == "parameter":
            bad = (lo is not None and np.any(arr < lo)) or (hi is not None and np.any(arr > hi))
        else:  # stock bounds are open: the run must start strictly inside
            bad = (lo is not None and np.any(arr <= lo)) or (hi is not None and np.any(arr >= hi))
        if bad:
            raise ModelError(f"{n!r} = {v!r} is outside its declared bounds [{lo}, {hi}] "
                             f"({var.long_name}, {var.units})")
        out[n] = arr
    return out


def _n_draws(*groups: Mapping[str, np.ndarray]) -> int | None:
    sizes = {n: a.size for g in groups for n, a in g.items() if a.ndim == 1}
    if not sizes:
        return None
    distinct = set(sizes.values())
    if len(distinct) > 1:
        raise ModelError("parameter/initial draws have different lengths: "
                         + ", ".join(f"{n}={s}" for n, s in sorted(sizes.items())))
    return distinct.pop()


def as_policies(policies: Policy | Sequence[Policy] | None) -> list[Policy | None]:
    """``policies`` as a list: ``None`` -> ``[None]`` (no policy), one Policy -> ``[policy]``.

    Raises
    ------
    ModelError
        Items that are not :class:`~model.core.levers.Policy` values, repeated names, or an empty list.
    """
    if policies is None:
        return [None]
    if isinstance(policies, Policy):
        return [policies]
    out: list[Policy | None] = list(policies)
    for p in out:
        if not isinstance(p, Policy):
            raise ModelError(f"policies must be Policy values, got {type(p).__name__}")
    names = [p.name for p in out if p is not None]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ModelError(f"policy names must be unique; repeated: {', '.join(dup)}")
    if not out:
        raise ModelError("policies is an empty list")
    return out


def time_grid(system: System, t_span: tuple[float, float], t_eval: ArrayLike | None, method: str,
              dt: float | None) -> tuple[float, float, np.ndarray, float | None]:
    """Check the time arguments of a run and return ``(t0, t1, t_eval, dt)``.

    Parameters
    ----------
    system : System
    t_span : (float, float)
        Start and end [year], finite, end after start.
    t_eval : array_like or None
        Output times [year] within ``t_span``, strictly increasing; default: every whole
        year from the start (101 points for spans under two years), ending at ``t1``.
    method : str
        One of ``METHODS``; ``"discrete"`` (or a discrete model) runs on a fixed grid.
    dt : float or None
        Step [year] of a fixed-step run (the model's own step for a discrete map).

    Returns
    -------
    tuple
        ``t0``, ``t1`` [year], the output times [year] and the fixed step [year] (``None``
        for an adaptive run).

    Raises
    ------
    ModelError
        Naming the argument that is invalid and why.
    """
    try:
        t0, t1 = (float(x) for x in t_span)
    except (TypeError, ValueError):
        raise ModelError(f"t_span must be (start, end) in years, got {t_span!r}") from None
    if not (math.isfinite(t0) and math.isfinite(t1) and t1 > t0):
        raise ModelError(f"t_span must be finite with end > start, got {t_span!r}")
    if system.is_discrete or method == "discrete":
        if system.dt is not None:  # system.is_discrete
            if dt is not None and not math.isclose(float(dt), system.dt):
                raise ModelError(f"model {system.name!r} is a discrete map with dt={system.dt}; got dt={dt}")
            dt = system.dt
        elif dt is None or not (math.isfinite(float(dt)) and float(dt) > 0):
            raise ModelError("method='discrete' on a continuous model is forward Euler: pass dt > 0 [year]")
        dt = float(dt)
        grid = _fixed_grid(t0, t1, dt, system.name)
        if t_eval is None:
            return t0, t1, grid, dt
        t_eval = np.asarray(t_eval, float).ravel()
        if t_eval.size == 0 or not np.all(np.isfinite(t_eval)):
            raise ModelError("t_eval must be a non-empty array of finite times [year]")
        k = np.round((t_eval - t0) / dt)
        off_grid = np.abs(t0 + k * dt - t_eval) > switch_tolerance(dt, t0, t1)
        if np.any(off_grid) or np.any(k < 0) or np.any(k > grid.size - 1):
            raise ModelError(f"t_eval must lie on the grid {t0:g} + k*{dt:g} [year] within t_span {t_span!r}")
        if np.any(np.diff(k) <= 0):
            raise ModelError("t_eval must be strictly increasing")
        return t0, t1, grid[k.astype(int)], dt
    if t_eval is None:
        n = int(math.floor(t1 - t0 + 1e-9))
        t_eval = t0 + np.arange(n + 1.0) if n >= 2 else np.linspace(t0, t1, 101)
        if t_eval[-1] < t1 - 1e-9:
            t_eval = np.append(t_eval, t1)
    t_eval = np.asarray(t_eval, dtype=float).ravel()
    if t_eval.size == 0 or not np.all(np.isfinite(t_eval)):
        raise ModelError("t_eval must be a non-empty array of finite times [year]")
    if np.any(np.diff(t_eval) <= 0):
        raise ModelError("t_eval must be strictly increasing")
    tol = 1e-9 * max(1.0, abs(t0), abs(t1))
    if t_eval[0] < t0 - tol or t_eval[-1] > t1 + tol:
        raise ModelError(f"t_eval must lie within t_span {t_span!r}")
    # output times never leave t_span: ends within rounding of it are the ends
    t_eval = np.clip(t_eval, t0, t1)
    if np.any(np.diff(t_eval) <= 0):
        raise ModelError(f"t_eval must be strictly increasing within t_span {t_span!r}")
    return t0, t1, t_eval, None


def _fixed_grid(t0: float, t1: float, dt: float, name: str) -> np.ndarray:
    """The grid ``t0 + k dt`` [year], ``k = 0..n``, of a fixed-step run over ``(t0, t1)``.

    A step that does not divide the span is refused (a map's step cannot be cut short,
    and a forward-Euler run keeps one step size), so a run never returns times past
    ``t_span``. Times are ``t0 + k dt`` with integer ``k``, never accumulated sums; the
    last is ``t1`` itself.
    """
    n_float = (t1 - t0) / dt
    n = int(round(n_float))
    tol = switch_tolerance(dt, t0, t1) / dt  # in steps: rounding of t0 + k dt, not a real difference
    if n < 1 or abs(n_float - n) > tol:
        lo_end = t0 + math.floor(n_float + tol) * dt
        hint = (f"end at {lo_end:g} or {lo_end + dt:g}" if lo_end > t0 else f"end at {t0 + dt:g} or later")
        raise ModelError(f"t_span ({t0:g}, {t1:g}) is not a whole number of steps dt={dt:g} [year] of model "
                         f"{name!r} ({n_float:.4g} steps): {hint}, or choose a step that divides the span")
    grid = t0 + dt * np.arange(n + 1)
    grid[-1] = t1
    return grid


def _snap_grid(grid: np.ndarray, dt: float, paths: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """A fixed-step grid with every time within :func:`~model.core.levers.switch_tolerance` of a
    switch time of an input path (step date, ramp end, knot) set to that switch time, so
    that a switch at 0.9 acts at ``3 * 0.3 = 0.8999999999999999``, not one step late."""
    switches = sorted({c for ps in paths for s in ps.values() for c in s.switch_times()})
    out = snap_to_switches(grid, switches, switch_tolerance(dt, grid[0], grid[-1]))
    out[0], out[-1] = grid[0], grid[-1]
    return out


def fixed_step_grid(system: System, t0: float, t1: float, t_eval: np.ndarray, dt: float,
                    paths: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """The grid of a fixed-step run (a discrete map or forward Euler) shared by every policy.

    Parameters
    ----------
    system : System
    t0, t1 : float
        Start and end [year].
    t_eval : numpy.ndarray
        Output times [year] on the grid (from :func:`time_grid`).
    dt : float
        Step [year].
    paths : sequence of mapping
        The input paths of each policy (``input name -> Schedule``): grid times within
        :func:`~model.core.levers.switch_tolerance` of a switch time are set to it.

    Returns
    -------
    tgrid, t_eval : numpy.ndarray
        The snapped grid and the output times taken from it.
    """
    tgrid = _snap_grid(_fixed_grid(t0, t1, dt, system.name), dt, paths)
    return tgrid, tgrid[np.round((t_eval - t0) / dt).astype(int)]


# ---------------------------------------------------------------- solvers

def state_bounds(cs: CompiledSystem) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper declared bounds of the stocks, in state order (``-inf``/``inf`` where none)."""
    lo = np.array([cs.system.variables[n].bounds[0] if cs.system.variables[n].bounds[0] is not None else -np.inf
                   for n in cs.states])
    hi = np.array([cs.system.variables[n].bounds[1] if cs.system.variables[n].bounds[1] is not None else np.inf
                   for n in cs.states])
    return lo, hi


def atol_vector(atol: float | Sequence[float], n: int) -> np.ndarray:
    """The absolute tolerance per state: ``atol`` (a number or one value per state) as ``n``
    floats; raises :class:`ModelError` unless every value is positive."""
    a = np.broadcast_to(np.asarray(atol, float), (n,)).copy()
    if np.any(a <= 0):
        raise ModelError(f"atol must be positive, got {atol!r}")
    return a


def _run_dopri(cs, t0, y0, p, L, t_eval, rtol, atol, max_steps, stiff_stop):
    n = cs.n_states
    lo, hi = state_bounds(cs)
    Y = np.empty((t_eval.size, n))
    info = np.zeros(5)
    cs.dopri5(0, t0, y0, p, L, t_eval, rtol, atol_vector(atol, n), lo, hi, divergence_limits(cs, y0), -1.0,
              max_steps, stiff_stop, np.zeros(0, dtype=np.int64), Y, info)
    return Y, info


def _run_radau(cs, t0, y0, p, L, t_eval, rtol, atol, max_steps):
    n = cs.n_states
    lo, hi = state_bounds(cs)
    Y = np.empty((t_eval.size, n))
    info = np.zeros(5)
    cs.radau5(t0, y0, p, L, t_eval, rtol, atol_vector(atol, n), lo, hi, divergence_limits(cs, y0), -1.0, max_steps,
              Y, info)
    return Y, info


class _Abort(Exception):
    pass


def _run_scipy(cs, method, t0, y0, p, L, t_eval, rtol, atol, max_steps):
    from scipy.integrate import solve_ivp

    lo, hi = state_bounds(cs)
    lim = divergence_limits(cs, np.asarray(y0, float))
    n = cs.n_states
    counter = [0]
    limit = 20 * max_steps

    def fun(t, y):
        counter[0] += 1
        if counter[0] > limit:
            raise _Abort()
        return cs.rhs(t, y, p, L)

    def jac(t, y):
        return cs.jac(t, y, p, L)

    bounded = np.isfinite(lo) | np.isfinite(hi)
    # solve_ivp evaluates the guard at the end of every accepted step (and, when it
    # fires, at earlier times while locating the root), so the largest time it has
    # seen is the time the solver reached: t_eval points say nothing about a failure
    reached = [float(t0)]

    def guard(t, y):
        reached[0] = max(reached[0], float(t))
        if not np.all(np.isfinite(y)):
            return -1.0
        margin = np.minimum(y - lo, hi - y)[bounded] if bounded.any() else np.array([1.0])
        return float(min(margin.min(), np.min(lim - np.abs(y))))

    guard.terminal = True  # type: ignore[attr-defined]  # solve_ivp reads an event's settings from
    guard.direction = -1  # type: ignore[attr-defined]  # attributes of the function
    info = np.zeros(5)
    info[4] = -1
    Y = np.full((t_eval.size, n), np.nan)
    kw = {} if method in ("RK45", "DOP853") else {"jac": jac}
    # integrate between the kinks and jumps of the input paths, restarting at each
    edges = [t0, *cs.breakpoints(L, t0, t_eval[-1]), t_eval[-1]]
    y = np.asarray(y0, float)
    message = ""
    def keep_passed(a, y):
        """After an aborted segment: integrate it again up to its last output time before the
        time reached, so that the partial path holds every output the solver passed."""
        pts = t_eval[(t_eval > a) & (t_eval < reached[0]) & np.isnan(Y[:, 0])]
        if pts.size == 0:
            return
        counter[0] = 0
        try:
            again = solve_ivp(fun, (a, pts[-1]), y, method=method, t_eval=pts, rtol=rtol, atol=atol_vector(atol, n),
                              **kw)
        except (_Abort, ValueError, ArithmeticError, np.linalg.LinAlgError):
            return
        Y[np.searchsorted(t_eval, again.t)] = again.y.T

    for a, b in zip(edges[:-1], edges[1:]):
        want = (t_eval >= a) & (t_eval <= b) & np.isnan(Y[:, 0])
        seg_t = np.union1d(t_eval[want], [b])
        try:
            sol = solve_ivp(fun, (a, b), y, method=method, t_eval=seg_t, rtol=rtol, atol=atol_vector(atol, n),
                            events=guard, **kw)
        except _Abort:
            info[0] = 4
            info[1] = reached[0]
            keep_passed(a, y)
            return Y, info, "too many right-hand-side evaluations"
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:  # e.g. NaN Jacobian in Radau's LU
            info[0] = 2
            info[1] = reached[0]
            keep_passed(a, y)
            return Y, info, f"{type(exc).__name__}: {exc}"
        message = sol.message
        info[2] += sol.nfev
        info[3] += sol.nfev
        t_sol = np.asarray(sol.t, dtype=float).ravel()  # a list when the solver failed at its first step
        got = t_sol.size
        idx = np.searchsorted(t_eval, t_sol)
        hit = (idx < t_eval.size) & (t_eval[np.minimum(idx, t_eval.size - 1)] == t_sol)
        if got:
            Y[idx[hit]] = np.asarray(sol.y).T[hit]
        info[1] = reached[0]
        if sol.status == 1:  # guard fired
            ye = sol.y_events[0][0]
            info[1] = sol.t_events[0][0]
            Y[t_eval > info[1]] = np.nan
            with np.errstate(invalid="ignore"):
                margin = np.where(bounded, np.minimum(ye - lo, hi - ye), np.inf)
                to_limit = lim - np.abs(ye)
            if not np.all(np.isfinite(ye)) or np.any(np.abs(ye) >= _OVERFLOW):
                info[0] = 2
                info[4] = int(np.argmax(~np.isfinite(ye) | (np.abs(ye) >= _OVERFLOW)))
            elif to_limit.min() <= margin.min():  # the guard's root: the nearer of a limit and a bound
                info[0] = 7
                info[4] = int(np.argmin(to_limit))
            else:
                info[0] = 1
                info[4] = int(np.argmin(margin))
            return Y, info, message
        if sol.status < 0 or got == 0 or reached[0] < b:
            info[0] = 6
            return Y, info, message
        y = sol.y[:, -1]
        if not np.all(np.isfinite(y)):
            info[0] = 2
            return Y, info, message
    return Y, info, message


def describe_failure(cs: CompiledSystem, info: np.ndarray, policy_name: str | None,
                     message: str = "", method: str = "auto") -> tuple[str, str]:
    """The one-line message and the :class:`~model.solve.status.Status` name of a failed run.

    Parameters
    ----------
    cs : CompiledSystem
    info : array_like
        The integrator's status row: code, time of failure [year], ..., index of the culprit state.
    policy_name : str or None
        Named in the message when given.
    message : str
        A solver's own message, appended in parentheses.
    method : str
        The method asked for: a run out of steps is pointed to ``method='radau5'`` only when it
        was not already an implicit method.

    Returns
    -------
    (str, str)
        The message (model, policy, what failed and when) and the status name.
    """
    code = int(info[0])
    status = Status(code) if code in STATUS else Status.SOLVER_ERROR
    reason = status.meaning
    culprit = int(info[4])
    t_r = info[1]
    where = run_name(cs.system.name, policy_name)
    if status == Status.LEFT_BOUNDS and culprit >= 0:
        name = cs.states[culprit]
        lo, hi = cs.system.variables[name].bounds
        text = f"stock {name!r} left its declared bounds ({lo}, {hi}) after t={t_r:g}"
    elif status == Status.NONFINITE:
        text = f"{status.message} after t={t_r:g}" + (
            f" in stock {cs.states[culprit]!r}" if culprit >= 0 else "")
    elif status == Status.DIVERGED and culprit >= 0:
        name = cs.states[culprit]
        var = cs.system.variables[name]
        how = (f"its declared limit {var.limit:g}" if var.limit is not None else
               f"{DIVERGENCE_FACTOR:g} times its start (or default) magnitude")
        text = f"stock {name!r} diverged: |{name}| reached {how} [{var.units}] after t={t_r:g}"
    elif status == Status.STALLED:
        text = f"the step size underflowed at t={t_r:g} (the run stalled)"
    elif status == Status.MAX_STEPS:
        text = f"{status.message} at t={t_r:g}: a long span or a stiff stretch; pass max_steps=..." + (
            " or try method='radau5' (dgm run --method radau5)" if method in _EXPLICIT else "")
    else:
        text = f"{Status.SOLVER_ERROR.message} at t={t_r:g}"
    if message:
        text += f" ({message})"
    return f"{where}: {text}", reason


def _grid_for(t0, t_eval, dt, tgrid):
    """The fixed-step grid (``tgrid`` if given) and the indices of ``t_eval`` on it."""
    if tgrid is None:
        tgrid = t0 + dt * np.arange(int(round((t_eval[-1] - t0) / dt)) + 1)
    return np.ascontiguousarray(tgrid, dtype=float), np.round((t_eval - t0) / dt).astype(int)


def _solve_one(cs, method, t0, y0, p, L, t_eval, rtol, atol, dt, max_steps, tgrid=None):
    """One member. Returns (Y, info, solver description, solver message)."""
    if method == "discrete":
        tgrid, k = _grid_for(t0, t_eval, dt, tgrid)
        grid = np.empty((tgrid.size, cs.n_states))
        info = np.zeros(5)
        lo, hi = state_bounds(cs)
        cs.discrete(not cs.system.is_discrete, tgrid, y0, p, L, dt, lo, hi, divergence_limits(cs, y0), grid, info)
        solver = "discrete map" if cs.system.is_discrete else f"forward Euler, dt={dt}"
        return grid[k], info, solver, ""
    if method in ("auto", "dopri5"):
        Y, info = _run_dopri(cs, t0, y0, p, L, t_eval, rtol, atol, max_steps, method == "auto")
        if int(info[0]) != Status.STIFF:
            return Y, info, DOPRI5_SOLVER, ""
        t_stiff = info[1]
        Y, info = _run_radau(cs, t0, y0, p, L, t_eval, rtol, atol, max_steps)
        return Y, info, f"{RADAU5_SOLVER} (auto: stiffness detected at t={t_stiff:.6g})", ""
    if method == "radau5":
        Y, info = _run_radau(cs, t0, y0, p, L, t_eval, rtol, atol, max_steps)
        return Y, info, RADAU5_SOLVER, ""
    Y, info, msg = _run_scipy(cs, method, t0, y0, p, L, t_eval, rtol, atol, max_steps)
    return Y, info, f"scipy {method}" + (" with analytic Jacobian" if method in ("Radau", "BDF", "LSODA") else ""), msg


# ---------------------------------------------------------------- entry point

def simulate(system: System, params: Mapping[str, Any] | None = None,
             policies: Policy | Sequence[Policy] | None = None, *,
             t_span: tuple[float, float] | None = None, t_eval: ArrayLike | None = None,
             initial: Mapping[str, Any] | None = None, exogenous: Mapping[str, Any] | None = None,
             method: str = "auto", rtol: float = 1e-8, atol: float | Sequence[float] = 1e-10,
             dt: float | None = None, max_steps: int = 200_000, progress: bool = False,
             identity_tol: float = 1e-8) -> xr.Dataset:
    """Simulate a model under one or more policies; return an ``xarray.Dataset``.

    Parameters
    ----------
    system : System
        The model.
    params : mapping, optional
        Parameter values overriding the declared defaults. A 1-D array for
        any parameter makes an ensemble (dimension ``draw``), integrated in
        parallel in compiled code.
    policies : Policy or list of Policy, optional
        Lever paths. Several policies add a ``policy`` dimension. Levers not
        set take their declared defaults.
    t_span : (float, float), optional
        Start and end [year]; default the model's own span (``system.meta.t_span``).
    t_eval : array, optional
        Output times [year]; default every year from start to end (the whole path).
    initial : mapping, optional
        Initial stock values overriding the declared defaults (scalars or draws).
    exogenous : mapping, optional
        Paths of exogenous inputs (number or Schedule), each replacing the model's default path
        (``system.meta.exogenous``, e.g. a model's forcing path of other greenhouse gases) or,
        where it has none, the input's declared constant default.
    method : str
        One of :data:`METHODS`; default ``"auto"``.
    rtol, atol : float
        Relative and absolute tolerances (continuous methods). The defaults are tighter than
        :func:`model.ensemble`'s (1e-6, 1e-9): a single run is a reference path, compared with
        published figures and golden files, while an ensemble member's error of 1e-6 is far below
        the spread across draws and the looser tolerance halves the cost of thousands of members.
    dt : float, optional
        Step [year] for ``method="discrete"`` on a continuous model (forward Euler).
        Fixed-step runs (maps and Euler) must cover ``t_span`` in a whole number of
        steps (else ``ModelError``); their times are ``t0 + k dt`` (integer ``k``), and a
        grid time within :func:`~model.core.levers.switch_tolerance` of an input's switch
        time (step date, ramp end, piecewise knot) is that switch time.
    max_steps : int
        Step limit per run; a run that reaches it is reported, never truncated silently.
    progress : bool
        Print a line per policy to standard error.
    identity_tol : float
        Largest acceptable residual of the declared accounting identities
        (relative for identities declared as ``sympy.Eq(lhs, rhs)``, absolute
        otherwise); larger residuals raise an :class:`IdentityWarning`. The
        largest residual of each identity is saved in the provenance.

    Returns
    -------
    xarray.Dataset
        The schema shared with :func:`model.ensemble` (:mod:`model.solve.results`): dims ``time``,
        plus ``draw`` when values are drawn and ``policy`` when there are several policies; every stock,
        auxiliary and input as a variable with ``long_name``, ``units`` and
        ``kind``; parameters as variables (over ``draw`` when drawn, attribute ``drawn``); a drawn
        start stock's value as ``<stock>_start``; ``status``, ``t_reached``, ``n_steps`` and
        ``failure`` per run (a run that integrated to the end with a path outside the model's
        plausible range, ``system.meta.plausible``, has status ``implausible`` and its failure text
        names the variable, the bound, the value and the time: :mod:`model.solve.plausible`);
        provenance in the attributes.

    Warns
    -----
    PlausibilityWarning
        A single run (no ``draw`` dimension) left the plausible range: the message names the
        variable, the bound, the value and the time. Ensemble members are flagged in ``status`` only.
    IdentityWarning
        A declared accounting identity does not hold to ``identity_tol``.

    Raises
    ------
    ModelError
        Bad input: unknown names, missing or non-finite values, values outside
        bounds, bad times or method.
    SolverError
        A single run (no ``draw`` dimension) that failed: left its bounds,
        diverged (a stock reached its divergence limit, see :func:`divergence_limits`;
        the message names the stock and the time), became non-finite, stalled or
        reached ``max_steps``; ``err.t_reached`` is the time the solver reached. ``err.partial`` holds the
        path up to the failure. Ensemble members are flagged in ``status`` instead.
    """
    from ..core.system import System
    from .results import build_dataset
    if not isinstance(system, System):
        raise ModelError(f"simulate() needs a System (e.g. model.library.keen()), got {type(system).__name__}")
    if method not in METHODS:
        raise ModelError(f"unknown method {method!r}; valid: {', '.join(METHODS)}")
    if system.is_discrete and method not in ("auto", "discrete"):
        raise ModelError(f"model {system.name!r} is a discrete map: use method='discrete' (or 'auto')")
    if system.is_discrete:
        method = "discrete"
    if not (0 < rtol < 1):
        raise ModelError(f"rtol must be in (0, 1), got {rtol}")
    if int(max_steps) < 1:
        raise ModelError(f"max_steps must be positive, got {max_steps}")
    if t_span is None:
        t_span = system.meta.t_span
        if t_span is None:
            raise ModelError(f"model {system.name!r} has no default span: pass t_span=(start, end) [year]")
    exogenous = {**system.meta.exogenous, **(exogenous or {})}
    pol_list = as_policies(policies)
    pvals = resolve_values(system, params, "parameter")
    y0vals = resolve_values(system, initial, "stock")
    m = _n_draws(pvals, y0vals)
    t0, t1, t_eval, dt = time_grid(system, t_span, t_eval, method, dt)
    setups = []
    for pol in pol_list:
        sysp = system.with_rules(pol.rules) if pol is not None else system
        setups.append((pol, sysp, resolve_inputs(sysp, pol, exogenous)))
    tgrid = None
    if method == "discrete":  # one grid for every policy, on every policy's switch times
        assert dt is not None  # time_grid gives discrete maps their step
        tgrid, t_eval = fixed_step_grid(system, t0, t1, t_eval, dt, [paths for _, _, paths in setups])
    runs: list[dict[str, Any]] = []
    for pol, sysp, paths in setups:
        started = _time.perf_counter()
        cs = compile(sysp)
        L = input_table(paths)
        P = np.column_stack([np.broadcast_to(pvals[n], (m or 1,)) for n in cs.parameters]) \
            if cs.parameters else np.zeros((m or 1, 0))
        Y0 = np.column_stack([np.broadcast_to(y0vals[n], (m or 1,)) for n in cs.states])
        P = np.ascontiguousarray(P, dtype=float)
        Y0 = np.ascontiguousarray(Y0, dtype=float)
        if m is None:
            Y, info, solver, msg = _solve_one(cs, method, t0, Y0[0], P[0], L, t_eval, rtol, atol, dt, max_steps,
                                              tgrid)
            Yall, INFO, messages = Y[None], info[None], [msg]
        else:
            Yall, INFO, solver, messages = solve_many(cs, method, t0, Y0, P, L, t_eval, rtol, atol, dt, max_steps,
                                                       tgrid)
        failures = [describe_failure(cs, INFO[i], pol.name if pol else None, messages[i], method)[0]
                    if int(INFO[i, 0]) != Status.SUCCESS else "" for i in range(len(INFO))]
        runs.append(dict(policy=pol, cs=cs, paths=paths, L=L, P=P, Y=Yall, info=INFO, solver=solver,
                         messages=messages, failures=failures))
        if progress:
            ok = int(np.sum(INFO[:, 0] == 0))
            print(f"[dgm] policy {pol.name if pol else 'default'!r}: {ok}/{len(INFO)} runs succeeded "
                  f"({_time.perf_counter() - started:.2f} s, {solver})", file=sys.stderr)
    ds = build_dataset(system, runs, t_eval=t_eval, pvals=pvals, y0vals=y0vals, ensemble=m is not None,
                       options=dict(t_span=[t0, t1], method=method, rtol=rtol, atol=atol, dt=dt,
                                    max_steps=int(max_steps), exogenous=exogenous))
    names = [r["policy"].name if r["policy"] else None for r in runs]
    nonfinite = flag_nonfinite(ds, system, names)
    if nonfinite and m is None:
        raise SolverError("; ".join(nonfinite) + "; the path is in err.partial", t_reached=float(t_eval[-1]),
                          reason="non-finite output", partial=ds)
    implausible = flag_implausible(ds, system, names)
    if implausible and m is None:
        warnings.warn("; ".join(implausible) + " (the model's plausible range, ModelMeta.plausible: the run "
                      "is flagged 'implausible' in its status)", PlausibilityWarning, stacklevel=2)
    worst = json.loads(ds.attrs["provenance"])["identity_max_residual"]
    bad = {k: v for k, v in worst.items() if violated(v, identity_tol)}
    if bad:
        warnings.warn(f"model {system.name!r}: accounting identities violated beyond {identity_tol:g}: "
                      + ", ".join(f"{k} (largest residual {v:.3g})" for k, v in sorted(bad.items())),
                      IdentityWarning, stacklevel=2)
    if m is None:
        for run in runs:
            info = run["info"][0]
            if int(info[0]) != 0:
                name = run["policy"].name if run["policy"] is not None else None
                reason = describe_failure(run["cs"], info, name, run["messages"][0], method)[1]
                raise SolverError(run["failures"][0] + "; the partial path is in err.partial", t_reached=float(info[1]),
                                  reason=reason, partial=ds)
    return ds


def solve_many(cs: CompiledSystem, method: str, t0: float, Y0: np.ndarray, P: np.ndarray, L: np.ndarray,
               t_eval: np.ndarray, rtol: float, atol: float | Sequence[float], dt: float | None, max_steps: int,
               tgrid: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, str, list[str]]:
    """Integrate ``m`` members at once (the compiled parallel ensemble, or scipy member by member).

    Parameters
    ----------
    cs : CompiledSystem
    method : str
        One of ``METHODS``: ``"auto"`` is the compiled Dormand-Prince integrator, a member found stiff
        integrated again from its start with the compiled Radau IIA method (in parallel, as a single
        run does); ``"radau5"`` the compiled Radau IIA method for every member.
    t0 : float
        Start [year].
    Y0, P : numpy.ndarray
        Start states ``(m, n_states)`` and parameters ``(m, n_params)`` per member.
    L : numpy.ndarray
        The compiled input table of the policy.
    t_eval : numpy.ndarray
        Output times [year].
    rtol, atol : float
        Tolerances (``atol`` a number or one per state).
    dt : float or None
        Step [year] of a fixed-step run.
    max_steps : int
    tgrid : numpy.ndarray, optional
        The fixed-step grid (snapped to the inputs' switch times), if already built.

    Returns
    -------
    tuple
        States ``(m, len(t_eval), n_states)``, status rows ``(m, 5)``, the solver's description
        and one solver message per member.
    """
    m, n = Y0.shape
    lo, hi = state_bounds(cs)
    LIM = divergence_limits(cs, Y0)
    INFO = np.zeros((m, 5))
    if method == "discrete":
        assert dt is not None  # time_grid gives discrete runs their step
        tgrid, k = _grid_for(t0, t_eval, dt, tgrid)
        grid = np.empty((m, tgrid.size, n))
        cs.ensemble_discrete(not cs.system.is_discrete, tgrid, Y0, P, L, dt, lo, hi, LIM, grid, INFO)
        return grid[:, k], INFO, "discrete map" if cs.system.is_discrete else f"forward Euler, dt={dt}", [""] * m
    if method in ("auto", "dopri5", "radau5"):
        Yall = np.empty((m, t_eval.size, n))
        atol_v = atol_vector(atol, n)
        if method == "radau5":
            cs.ensemble_radau5(t0, Y0, P, L, t_eval, rtol, atol_v, lo, hi, LIM, max_steps, np.arange(m), Yall, INFO)
            return Yall, INFO, ensemble_solver("radau5"), [""] * m
        cs.ensemble_dopri5(t0, Y0, P, L, t_eval, rtol, atol_v, lo, hi, LIM, max_steps, method == "auto", Yall, INFO)
        solver = _PARALLEL_DOPRI5
        stiff = np.flatnonzero(INFO[:, 0] == Status.STIFF)
        if stiff.size:  # as a single run of method="auto": compiled Radau from the start for a stiff member
            cs.ensemble_radau5(t0, Y0, P, L, t_eval, rtol, atol_v, lo, hi, LIM, max_steps, stiff, Yall, INFO)
            solver = ensemble_solver("auto")
        return Yall, INFO, solver, [""] * m
    Yall = np.empty((m, t_eval.size, n))
    messages = []
    for i in range(m):
        Yall[i], INFO[i], msg = _run_scipy(cs, method, t0, Y0[i], P[i], L, t_eval, rtol, atol, max_steps)
        messages.append(msg)
    return Yall, INFO, f"scipy {method}", messages

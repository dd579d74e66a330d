"""Compiled integrators, path observers and ensemble drivers: model-independent engine code.

Every function takes the model as ``F``, the addresses of its compiled functions
(indexed by :data:`RHS`, :data:`UPDATE`, :data:`JAC`, :data:`DFDP`, :data:`TAN`,
:data:`OBS_TAN`, :data:`OBSERVE`; see :mod:`model.compiler.compiled`), and calls them through
:func:`model.compiler.jit.call_model` and :func:`model.compiler.jit.call_tangent`; nothing here
depends on a model, so the engine is compiled once and cached (keyed by its code,
not its comments; see :func:`model.compiler.compiled.engine`). ``N`` is the number of stocks,
``NP`` of parameters.

Methods
-------
* Dormand-Prince 5(4) with Shampine's 4th-order dense output (the tableau of
  Dormand & Prince 1980; the dense-output matrix as in scipy's ``RK45``),
  Hairer's step-size control and stiffness test (Hairer, Norsett & Wanner,
  *Solving ODEs I*, sec. II.4 and IV.2 of vol. II).
* Radau IIA of order 5 for stiff problems (:func:`_radau5`; Hairer & Wanner, *Solving ODEs II*,
  sec. IV.8, the algorithm of their RADAU5): simplified Newton iterations on the transformed
  stages (one real and one complex LU factorisation, :func:`_lu_factor`, kept while the step size
  and the model's analytic Jacobian are), the embedded error estimate with a predictive step-size
  control, and the collocation polynomial for output times. Compiled only when first called (a
  stiff run), not on the Dormand-Prince path.
* Explicit discrete maps and forward Euler.

Status codes (``info[0]``): the values of :class:`model.solve.status.Status`, the one table of
codes and their meanings (a stock diverges when ``|y_j| >= lim[j]``, its divergence limit; stiffness
is reported only when ``stiff_stop`` asks to stop on it).
``info`` = [status, t_reached, n_steps, n_rhs, culprit stock index or -1]; ``t_reached``
is the time of the last accepted step (grid point for maps), never a later output time.
"""
import math

import numpy as np

from model.compiler.jit import call_model, call_tangent, ijit, jit, pjit, prange

#: positions of the model's functions in ``F``
RHS, UPDATE, JAC, DFDP, TAN, OBS_TAN, OBSERVE = range(7)

#: a state beyond this magnitude counts as non-finite (status 2) whatever its divergence limit
_OVERFLOW = 1e100

# Dormand & Prince (1980) tableau (public: benchmarks reuse it); row 6 of DP_A is the 5th-order solution
DP_C = np.array([0.0, 0.2, 0.3, 0.8, 8.0 / 9.0, 1.0, 1.0])
DP_A = np.array([
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0, 0.0],
    [19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0, 0.0, 0.0, 0.0],
    [9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0, 0.0, 0.0],
    [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0, 0.0],
])
# error estimate: 5th minus embedded 4th-order weights
DP_E = np.array([71.0 / 57600.0, 0.0, -71.0 / 16695.0, 71.0 / 1920.0, -17253.0 / 339200.0, 22.0 / 525.0,
               -1.0 / 40.0])
# dense output: y(t_old + x h) = y_old + h * sum_k K_k * (P[k,0] x + P[k,1] x^2 + P[k,2] x^3 + P[k,3] x^4)
DP_P = np.array([
    [1.0, -8048581381.0 / 2820520608.0, 8663915743.0 / 2820520608.0, -12715105075.0 / 11282082432.0],
    [0.0, 0.0, 0.0, 0.0],
    [0.0, 131558114200.0 / 32700410799.0, -68118460800.0 / 10900136933.0, 87487479700.0 / 32700410799.0],
    [0.0, -1754552775.0 / 470086768.0, 14199869525.0 / 1410260304.0, -10690763975.0 / 1880347072.0],
    [0.0, 127303824393.0 / 49829197408.0, -318862633887.0 / 49829197408.0, 701980252875.0 / 199316789632.0],
    [0.0, -282668133.0 / 205662961.0, 2019193451.0 / 616988883.0, -1453857185.0 / 822651844.0],
    [0.0, 40617522.0 / 29380423.0, -110615467.0 / 29380423.0, 69997945.0 / 29380423.0],
])


@jit
def _inputs(t, L, u):
    """Values of the time-varying inputs at ``t`` from the schedule table ``L``.

    Row layout: [kind, n_points, a, b, c, d, x_1..x_K, v_1..v_K]; kinds
    0 constant(a), 1 step(at a: b -> c), 2 ramp(a..b: c -> d),
    3 logistic(midpoint a, rate b: c -> d), 4 piecewise-linear (x, v), flat outside.
    """
    K = (L.shape[1] - 6) // 2
    for i in range(L.shape[0]):
        kind = int(L[i, 0])
        a = L[i, 2]
        b = L[i, 3]
        c = L[i, 4]
        d = L[i, 5]
        if kind == 0:
            u[i] = a
        elif kind == 1:
            u[i] = b if t < a else c
        elif kind == 2:
            if t <= a:
                u[i] = c
            elif t >= b:
                u[i] = d
            else:
                u[i] = c + (d - c) * (t - a) / (b - a)
        elif kind == 3:
            z = -b * (t - a)
            if z > 700.0:
                u[i] = c
            else:
                u[i] = c + (d - c) / (1.0 + math.exp(z))
        else:
            n = int(L[i, 1])
            if t <= L[i, 6]:
                u[i] = L[i, 6 + K]
            elif t >= L[i, 6 + n - 1]:
                u[i] = L[i, 6 + K + n - 1]
            else:
                j = 1
                while L[i, 6 + j] < t:
                    j += 1
                x0 = L[i, 6 + j - 1]
                x1 = L[i, 6 + j]
                v0 = L[i, 6 + K + j - 1]
                v1 = L[i, 6 + K + j]
                u[i] = v0 + (v1 - v0) * (t - x0) / (x1 - x0)


@jit
def _breakpoints(L, t0, t1):
    """Sorted unique times in (t0, t1) where an input path has a kink or a jump
    (step dates, ramp ends, piecewise-linear knots). Integrators never step across them."""
    K = (L.shape[1] - 6) // 2
    buf = np.empty(L.shape[0] * max(K, 2) + 1)
    n = 0
    for i in range(L.shape[0]):
        kind = int(L[i, 0])
        m = 1 if kind == 1 else (2 if kind == 2 else (int(L[i, 1]) if kind == 4 else 0))
        for j in range(m):
            c = L[i, 2 + j] if kind in (1, 2) else L[i, 6 + j]
            if t0 < c < t1:
                buf[n] = c
                n += 1
    for j in range(1, n):  # insertion sort: few elements, and cheap to compile (np.sort is not)
        v = buf[j]
        q = j - 1
        while q >= 0 and buf[q] > v:
            buf[q + 1] = buf[q]
            q -= 1
        buf[q + 1] = v
    out = np.empty(n)
    k = 0
    for j in range(n):
        if k == 0 or buf[j] > out[k - 1]:
            out[k] = buf[j]
            k += 1
    return out[:k]


@jit
def _directions(NP, idx):
    """Unit parameter directions ``D`` of shape (NP, len(idx)): ``D[idx[j], j] = 1``."""
    D = np.zeros((max(NP, 1), max(idx.shape[0], 1)))
    for j in range(idx.shape[0]):
        D[idx[j], j] = 1.0
    return D


@ijit
def _eval(F, N, mode, t, y, p, L, u, out, idx, D):
    """Right-hand side at ``(t, y)``: mode 0 the model, mode 1 the model plus forward sensitivities
    for the parameters ``idx`` (state ``[y, vec(S)]`` with ``S`` of shape (N, len(idx)),
    ``dS/dt = J S + df/dp``, by the generated tangent sweep; ``D`` of shape
    (NP, len(idx)) holds the unit parameter directions)."""
    _inputs(t, L, u)
    if mode == 0:
        call_model(F[RHS], t, y, p, u, out)
    else:
        call_tangent(F[TAN], t, y[:N], p, u, y[N:], D, idx.shape[0], out[:N], out[N:])


@jit
def _sensitivity_rhs(F, N, NP, t, z, p, L, idx, out):
    """``out = d[y, vec(S)]/dt`` at one point (mode 1 of :func:`_eval`)."""
    u = np.empty(max(L.shape[0], 1))
    _eval(F, N, 1, t, z, p, L, u, out, idx, _directions(NP, idx))


@jit
def _rms_norm(e, y0, y1, rtol, atol):
    """Scaled RMS error over the controlled components (``atol < 1e300``; a larger
    ``atol`` marks a component, e.g. a sensitivity, that follows the steps uncontrolled)."""
    acc = 0.0
    m = 0
    for i in range(e.shape[0]):
        if atol[i] < 1e300:
            sc = atol[i] + rtol * max(abs(y0[i]), abs(y1[i]))
            acc += (e[i] / sc) ** 2
            m += 1
    return math.sqrt(acc / max(m, 1))


@ijit
def _check_state(y, N, lo, hi, lim):
    """``(status, culprit)`` of the first of the ``N`` stocks that is non-finite (2), diverged (7) or
    out of bounds (1); ``(0, -1)`` if all are fine."""
    for j in range(N):
        if not (abs(y[j]) < _OVERFLOW):
            return 2, j
        if abs(y[j]) >= lim[j]:
            return 7, j
        if y[j] <= lo[j] or y[j] >= hi[j]:
            return 1, j
    return 0, -1


@jit
def _first_outputs(t_eval, t0, y, yout):
    """NaN in every row of ``yout``, then the start state ``y`` in the rows of the output times up to
    ``t0``; returns the index of the first output time after ``t0``."""
    nt = t_eval.shape[0]
    for i in range(nt):
        for j in range(y.shape[0]):
            yout[i, j] = np.nan
    k = 0
    while k < nt and t_eval[k] <= t0:
        for j in range(y.shape[0]):
            yout[k, j] = y[j]
        k += 1
    return k


@jit
def _first_nonfinite(v):
    """Index of the last non-finite entry of ``v`` (the culprit of status 2), -1 if all are finite."""
    bad = -1
    for j in range(v.shape[0]):
        if not math.isfinite(v[j]):
            bad = j
    return bad


@jit
def _initial_step(F, N, mode, t0, t_end, y, p, L, u, idx, D, rtol, atol, K, ys, err):
    """Starting step size (Hairer, Norsett & Wanner, vol. I, II.4) from ``K[0] = f(t0, y)``; uses ``K[1]``."""
    # norms over the controlled components, as in the step-size control
    d0 = _rms_norm(y, y, y, rtol, atol)
    d1 = _rms_norm(K[0], y, y, rtol, atol)
    h = 1e-6 if (d0 < 1e-5 or d1 < 1e-5) else 0.01 * d0 / d1
    h = min(h, t_end - t0)
    for j in range(y.shape[0]):
        ys[j] = y[j] + h * K[0, j]
    _eval(F, N, mode, t0 + h, ys, p, L, u, K[1], idx, D)
    for j in range(y.shape[0]):
        err[j] = K[1, j] - K[0, j]
    d2 = _rms_norm(err, y, y, rtol, atol) / h
    if max(d1, d2) <= 1e-15:
        h1 = max(1e-6, h * 1e-3)
    else:
        h1 = (0.01 / max(d1, d2)) ** 0.2
    return min(100.0 * h, h1)


@ijit
def _report(info, status, t, nsteps, nrhs, culprit):
    """``info`` = [status, time reached, steps, right-hand-side evaluations, culprit stock or -1]."""
    info[0] = status
    info[1] = t
    info[2] = nsteps
    info[3] = nrhs
    info[4] = culprit


@ijit
def _next_step(t, h, t_end, nsteps, max_steps, stops, istop):
    """``(status, h, at_stop, tright)`` of the next step from ``t``: status 4 at the step limit, 3 when
    the step has underflowed, else 0; ``h`` cut to end at ``t_end`` or at the next kink or jump of
    an input path (``stops[istop]``; ``at_stop``), where the last stage sees the left limit ``tright``
    (the next step restarts from the right limit)."""
    if nsteps >= max_steps:
        return 4, h, False, t
    if h < 1e-12 * max(1.0, abs(t)):
        return 3, h, False, t
    if t + h > t_end:
        h = t_end - t
    if istop < stops.shape[0] and t + h >= stops[istop] - 1e-12 * max(1.0, abs(stops[istop])):
        return 0, stops[istop] - t, True, stops[istop] - 1e-12 * max(1.0, abs(stops[istop]))
    return 0, h, False, t + h


@jit
def _dopri5(F, N, NP, mode, t0, y0, p, L, t_eval, rtol, atol, lo, hi, lim, h0, max_steps, stiff_stop, idx, yout,
            info):
    """Integrate from ``t0`` with Dormand-Prince 5(4), writing ``yout[k] = y(t_eval[k])``.

    ``mode`` 0 integrates the model, 1 the model with forward sensitivities to the parameters
    ``idx`` (see :func:`_eval`). ``lo``/``hi`` bound the first N states (open interval; +-inf
    for none); ``lim`` holds their divergence limits (magnitudes; status 7 when reached).
    Returns nothing; see the module docstring for ``info``.

    The stage loop stays in this one function, and calls the model directly in mode 0:
    split into helpers, or through :func:`_eval` there, a 300-year Keen run took 2.1-2.2 ms
    instead of 0.75 ms (measured for issue 11).
    """
    n = y0.shape[0]
    nt = t_eval.shape[0]
    u = np.empty(max(L.shape[0], 1))
    D = _directions(NP, idx)
    K = np.empty((7, n))
    ys = np.empty(n)
    y6 = np.empty(n)
    y = y0.copy()
    err = np.empty(n)
    t_end = t_eval[nt - 1]
    t = t0
    nrhs = 0
    nsteps = 0
    k = _first_outputs(t_eval, t0, y, yout)
    _eval(F, N, mode, t, y, p, L, u, K[0], idx, D)
    nrhs += 1
    culprit = _first_nonfinite(K[0])
    status = 2 if culprit >= 0 else 0
    h = h0
    if h <= 0.0 and status == 0:
        h = _initial_step(F, N, mode, t0, t_end, y, p, L, u, idx, D, rtol, atol, K, ys, err)
        nrhs += 1
    h = min(h, t_end - t0) if t_end > t0 else 0.0
    iasti = 0
    nonsti = 0
    fac_old = 1e-4
    reject = False
    stops = _breakpoints(L, t0, t_end)
    istop = 0
    while k < nt and status == 0:
        status, h, at_stop, tright = _next_step(t, h, t_end, nsteps, max_steps, stops, istop)
        if status != 0:
            break
        for s in range(1, 7):
            for j in range(n):
                acc = 0.0
                for q in range(s):
                    acc += DP_A[s, q] * K[q, j]
                ys[j] = y[j] + h * acc
            if s == 5:
                for j in range(n):
                    y6[j] = ys[j]
            ts = tright if s >= 5 else t + DP_C[s] * h
            if mode == 0:
                _inputs(ts, L, u)
                call_model(F[RHS], ts, ys, p, u, K[s])
            else:
                _eval(F, N, mode, ts, ys, p, L, u, K[s], idx, D)
        # ys now holds the 5th-order solution, K[6] = f(t + h, ys)
        nrhs += 6
        nsteps += 1
        for j in range(n):
            acc = 0.0
            for q in range(7):
                acc += DP_E[q] * K[q, j]
            err[j] = h * acc
        en = _rms_norm(err, y, ys, rtol, atol)
        if not math.isfinite(en):
            h *= 0.2
            reject = True
            continue
        if en > 1.0:
            h *= max(0.2, 0.9 * en ** -0.2)
            reject = True
            continue
        # accepted: stiffness test on (K7 - K6) / (y_new - y_stage6)
        if stiff_stop:
            stnum = 0.0
            stden = 0.0
            for j in range(n):
                stnum += (K[6, j] - K[5, j]) ** 2
                stden += (ys[j] - y6[j]) ** 2
            if stden > 0.0 and h * math.sqrt(stnum / stden) > 3.25:
                nonsti = 0
                iasti += 1
                if iasti == 15:
                    status = 5
            else:
                nonsti += 1
                if nonsti == 6:
                    iasti = 0
        bad, j = _check_state(ys, N, lo, hi, lim)
        if bad != 0:
            status = bad
            culprit = j
            break
        # dense output for t_eval in (t, t + h]
        tn = t + h
        while k < nt and t_eval[k] <= tn:
            x = (t_eval[k] - t) / h
            for j in range(n):
                acc = 0.0
                for q in range(7):
                    acc += K[q, j] * x * (DP_P[q, 0] + x * (DP_P[q, 1] + x * (DP_P[q, 2] + x * DP_P[q, 3])))
                yout[k, j] = y[j] + h * acc
            k += 1
        t = tn
        for j in range(n):
            y[j] = ys[j]
            K[0, j] = K[6, j]
        if at_stop:
            t = stops[istop]
            istop += 1
            _eval(F, N, mode, t, y, p, L, u, K[0], idx, D)
            nrhs += 1
        if status == 5:
            break
        # step-size control (Lund stabilisation as in Hairer's DOPRI5)
        fac11 = en ** 0.17
        fac = fac11 / fac_old ** 0.04 / 0.9
        fac = min(5.0, max(0.1, fac))
        hnew = h / fac
        fac_old = max(en, 1e-4)
        if reject:
            hnew = min(hnew, h)
        reject = False
        h = hnew
    _report(info, status, t, nsteps, nrhs, culprit)


@jit
def _discrete(F, N, euler, tgrid, y0, p, L, dt, lo, hi, lim, yout, info):
    """Iterate the map (``euler``: x + dt f(t_k, x)) over the grid ``tgrid`` (``t0 + k dt``, with
    grid times within rounding of a switch time already set to it); ``yout[k] = x(tgrid[k])``."""
    n = y0.shape[0]
    nsteps = tgrid.shape[0] - 1
    u = np.empty(max(L.shape[0], 1))
    y = y0.copy()
    ynew = np.empty(n)
    yout[:, :] = np.nan
    yout[0, :] = y
    status = 0
    culprit = -1
    kdone = 0
    for k in range(nsteps):
        t = tgrid[k]
        _inputs(t, L, u)
        if euler:
            call_model(F[RHS], t, y, p, u, ynew)
            for j in range(n):
                ynew[j] = y[j] + dt * ynew[j]
        else:
            call_model(F[UPDATE], t, y, p, u, ynew)
        status, culprit = _check_state(ynew, N, lo, hi, lim)
        if status != 0:
            break
        y[:] = ynew
        yout[k + 1, :] = y
        kdone = k + 1
    info[0] = status
    info[1] = tgrid[kdone]
    info[2] = kdone
    info[3] = kdone
    info[4] = culprit


@jit
def _observe_tangent_path(F, NP, ts, Y, S, p, L, idx, A, dA):
    """Auxiliaries ``A[k]`` (shape (nt, NAUX)) and their exact derivatives ``dA[k]``
    (shape (nt, NAUX, len(idx))) along a trajectory with sensitivities ``S`` (shape
    (nt, N, len(idx))) to the parameters ``idx``: ``da/dq = (da/dy) S_q + da/dq``."""
    u = np.empty(max(L.shape[0], 1))
    D = _directions(NP, idx)
    for i in range(ts.shape[0]):
        _inputs(ts[i], L, u)
        call_tangent(F[OBS_TAN], ts[i], Y[i], p, u, S[i], D, idx.shape[0], A[i], dA[i])


@jit
def _observe_path(F, ts, Y, p, L, A):
    """Auxiliaries (and identity residuals) ``A[k] = observe(ts[k], Y[k])``; rows with NaN state stay NaN."""
    u = np.empty(max(L.shape[0], 1))
    for k in range(ts.shape[0]):
        ok = True
        for j in range(Y.shape[1]):
            if not math.isfinite(Y[k, j]):
                ok = False
        if ok:
            _inputs(ts[k], L, u)
            call_model(F[OBSERVE], ts[k], Y[k], p, u, A[k])
        else:
            A[k, :] = np.nan


@jit
def _inputs_path(ts, L, U):
    """Input values ``U[k] = inputs(ts[k])``."""
    for k in range(ts.shape[0]):
        _inputs(ts[k], L, U[k])


@jit
def _point(F, which, t, y, p, L, out):
    """One model function (``F[which]``: right-hand side, Jacobian, ...) at one point, into ``out``."""
    u = np.empty(max(L.shape[0], 1))
    _inputs(t, L, u)
    call_model(F[which], t, y, p, u, out)


@pjit
def _ensemble(F, N, NP, t0, Y0, P, L, t_eval, rtol, atol, lo, hi, LIM, max_steps, stiff_stop, Yout, INFO):
    """Members in parallel: ``Yout[m] = solve(Y0[m], P[m])`` (Dormand-Prince); ``LIM[m]``
    the divergence limits of member ``m``; ``stiff_stop``: a member stops with status 5 where
    Hairer's test finds the problem stiff (as a single run of ``method="auto"`` does)."""
    idx = np.zeros(0, dtype=np.int64)
    for m in prange(Y0.shape[0]):
        _dopri5(F, N, NP, 0, t0, Y0[m], P[m], L, t_eval, rtol, atol, lo, hi, LIM[m], -1.0, max_steps, stiff_stop, idx,
                Yout[m], INFO[m])


@pjit
def _ensemble_discrete(F, N, euler, tgrid, Y0, P, L, dt, lo, hi, LIM, Yout, INFO):
    """Members of a discrete map in parallel."""
    for m in prange(Y0.shape[0]):
        _discrete(F, N, euler, tgrid, Y0[m], P[m], L, dt, lo, hi, LIM[m], Yout[m], INFO[m])


@pjit
def _ensemble_observe(F, ts, Y, P, L, A):
    """Auxiliaries for every member in parallel."""
    for m in prange(Y.shape[0]):
        _observe_path(F, ts, Y[m], P[m], L, A[m])


# ---------------------------------------------------------------- Radau IIA, order 5 (stiff problems)
# Hairer & Wanner, *Solving ODEs II*, sec. IV.8 (their RADAU5). Three collocation nodes; the
# simplified Newton iteration runs on the stage increments transformed by ``RADAU_TI`` so that
# one real and one complex linear system of size N replace a real one of size 3N:
# ``RADAU_TI @ inv(A) @ RADAU_T = [[g, 0, 0], [0, a, -b], [0, b, a]]`` (g = RADAU_G, a + ib = RADAU_AB).
_S6 = math.sqrt(6.0)
#: collocation nodes
RADAU_C = np.array([(4.0 - _S6) / 10.0, (4.0 + _S6) / 10.0, 1.0])
#: eigenvector matrix of the inverse Radau IIA matrix, and its inverse (Hairer & Wanner's RADAU5)
RADAU_T = np.array([
    [9.1232394870892942792e-02, -0.14125529502095420843, -3.0029194105147424492e-02],
    [0.24171793270710701896, 0.20412935229379993199, 0.38294211275726193779],
    [0.96604818261509293619, 1.0, 0.0],
])
RADAU_TI = np.array([
    [4.3255798900631553510, 0.33919925181580986954, 0.54177053993587487119],
    [-4.1787185915519047273, -0.32768282076106238708, 0.47662355450055045196],
    [-0.50287263494578687595, 2.5719269498556054292, -0.59603920482822492497],
])
_CBRT81 = 81.0 ** (1.0 / 3.0)
_CBRT9 = 9.0 ** (1.0 / 3.0)
#: real eigenvalue of the inverse Radau IIA matrix
RADAU_G = 30.0 / (6.0 + _CBRT81 - _CBRT9)
_AL = (12.0 - _CBRT81 + _CBRT9) / 60.0
_BE = (_CBRT81 + _CBRT9) * math.sqrt(3.0) / 60.0
#: complex eigenvalue ``a + ib`` of the inverse Radau IIA matrix
RADAU_AB = complex(_AL / (_AL ** 2 + _BE ** 2), _BE / (_AL ** 2 + _BE ** 2))
#: embedded error estimate: ``err = (g/h - J)^-1 (f(t, y) + sum_i RADAU_E[i] Z_i / h)``
RADAU_E = np.array([-(13.0 + 7.0 * _S6) / 3.0, (-13.0 + 7.0 * _S6) / 3.0, -1.0 / 3.0])
#: collocation polynomial ``y(t + x h) = y + sum_k x^(k+1) sum_i RADAU_P[k, i] Z_i`` (through the stages)
RADAU_P = np.linalg.inv(np.array([[c, c * c, c * c * c] for c in RADAU_C]))
#: simplified Newton iterations per step before the step is cut
_NEWTON_MAXITER = 6


@jit
def _lu_factor(A, piv):
    """LU factorisation with partial pivoting of the square ``A`` in place (real or complex);
    ``piv[k]`` the row swapped with row ``k``. False if a pivot is zero or not finite."""
    n = A.shape[0]
    for k in range(n):
        q = k
        big = abs(A[k, k])
        for i in range(k + 1, n):
            if abs(A[i, k]) > big:
                big = abs(A[i, k])
                q = i
        if not (big > 0.0 and big < math.inf):
            return False
        piv[k] = q
        if q != k:
            for j in range(n):
                tmp = A[k, j]
                A[k, j] = A[q, j]
                A[q, j] = tmp
        inv = 1.0 / A[k, k]
        for i in range(k + 1, n):
            A[i, k] *= inv
            f = A[i, k]
            if f != 0.0:
                for j in range(k + 1, n):
                    A[i, j] -= f * A[k, j]
    return True


@jit
def _lu_solve(A, piv, b):
    """Solve ``A x = b`` in place in ``b`` with the factors of :func:`_lu_factor`."""
    n = A.shape[0]
    for k in range(n):
        q = piv[k]
        if q != k:
            tmp = b[k]
            b[k] = b[q]
            b[q] = tmp
    for i in range(n):
        acc = b[i]
        for j in range(i):
            acc -= A[i, j] * b[j]
        b[i] = acc
    for i in range(n - 1, -1, -1):
        acc = b[i]
        for j in range(i + 1, n):
            acc -= A[i, j] * b[j]
        b[i] = acc / A[i, i]


@jit
def _radau_matrices(J, h, ER, EC, pr, pc):
    """Factorise ``g/h I - J`` (into ``ER``) and ``(a + ib)/h I - J`` (into ``EC``); False if singular."""
    n = J.shape[0]
    fr = RADAU_G / h
    fc = RADAU_AB / h
    for i in range(n):
        for j in range(n):
            ER[i, j] = -J[i, j]
            EC[i, j] = -J[i, j]
        ER[i, i] += fr
        EC[i, i] += fc
    return _lu_factor(ER, pr) and _lu_factor(EC, pc)


@jit
def _radau_newton(F, t, h, tright, y, p, L, u, Z, W, Fs, ys, scale, ER, EC, pr, pc, br, bc, tol):
    """Simplified Newton iteration on the collocation equations of one step from ``(t, y)`` of size
    ``h``, from the stage increments ``Z`` (3, n) in place. Returns (converged, iterations, last
    contraction rate); the last stage sees time ``tright`` (the left limit at an input's kink)."""
    n = y.shape[0]
    for i in range(3):
        for j in range(n):
            W[i, j] = RADAU_TI[i, 0] * Z[0, j] + RADAU_TI[i, 1] * Z[1, j] + RADAU_TI[i, 2] * Z[2, j]
    fr = RADAU_G / h
    fc = RADAU_AB / h
    norm_old = -1.0
    rate = -1.0
    for it in range(_NEWTON_MAXITER):
        for s in range(3):
            for j in range(n):
                ys[j] = y[j] + Z[s, j]
            ts = tright if s == 2 else t + RADAU_C[s] * h
            _inputs(ts, L, u)
            call_model(F[RHS], ts, ys, p, u, Fs[s])
        for j in range(n):
            g0 = RADAU_TI[0, 0] * Fs[0, j] + RADAU_TI[0, 1] * Fs[1, j] + RADAU_TI[0, 2] * Fs[2, j]
            g1 = RADAU_TI[1, 0] * Fs[0, j] + RADAU_TI[1, 1] * Fs[1, j] + RADAU_TI[1, 2] * Fs[2, j]
            g2 = RADAU_TI[2, 0] * Fs[0, j] + RADAU_TI[2, 1] * Fs[1, j] + RADAU_TI[2, 2] * Fs[2, j]
            br[j] = g0 - fr * W[0, j]
            bc[j] = complex(g1, g2) - fc * complex(W[1, j], W[2, j])
        _lu_solve(ER, pr, br)
        _lu_solve(EC, pc, bc)
        acc = 0.0
        for j in range(n):
            acc += (br[j] / scale[j]) ** 2 + (bc[j].real / scale[j]) ** 2 + (bc[j].imag / scale[j]) ** 2
        dnorm = math.sqrt(acc / (3 * n))
        if not math.isfinite(dnorm):
            return False, it + 1, rate
        if norm_old > 0.0:
            rate = dnorm / norm_old
            if rate >= 1.0 or rate ** (_NEWTON_MAXITER - it) / (1.0 - rate) * dnorm > tol:
                return False, it + 1, rate
        for j in range(n):
            W[0, j] += br[j]
            W[1, j] += bc[j].real
            W[2, j] += bc[j].imag
        for i in range(3):
            for j in range(n):
                Z[i, j] = RADAU_T[i, 0] * W[0, j] + RADAU_T[i, 1] * W[1, j] + RADAU_T[i, 2] * W[2, j]
        if dnorm == 0.0 or (rate > 0.0 and rate / (1.0 - rate) * dnorm < tol):
            return True, it + 1, rate
        norm_old = dnorm
    return False, _NEWTON_MAXITER, rate


@jit
def _radau5(F, N, t0, y0, p, L, t_eval, rtol, atol, lo, hi, lim, h0, max_steps, yout, info):
    """Integrate from ``t0`` with the implicit Radau IIA method of order 5, writing ``yout[k] = y(t_eval[k])``.

    The model's analytic Jacobian ``F[JAC]`` is evaluated at the start of a step and kept while
    the Newton iteration contracts fast; the LU factors of the two iteration matrices are kept
    while the step size is; ``t_eval`` is served by the collocation polynomial. Arguments and
    ``info`` as for :func:`_dopri5` (no stiffness test: status 5 never occurs; a Newton failure
    halves the step, and the run stalls, status 3, if that does not help).
    """
    n = y0.shape[0]
    nt = t_eval.shape[0]
    u = np.empty(max(L.shape[0], 1))
    J = np.zeros((n, n))
    ER = np.empty((n, n))
    EC = np.empty((n, n), dtype=np.complex128)
    pr = np.zeros(n, dtype=np.int64)
    pc = np.zeros(n, dtype=np.int64)
    br = np.empty(n)
    bc = np.empty(n, dtype=np.complex128)
    Z = np.zeros((3, n))
    W = np.empty((3, n))
    Q = np.zeros((3, n))  # collocation polynomial of the last accepted step (coefficients of x, x^2, x^3)
    Fs = np.empty((3, n))
    ys = np.empty(n)
    f0 = np.empty(n)
    err = np.empty(n)
    scale = np.empty(n)
    y = y0.copy()
    K = np.empty((2, n))
    t_end = t_eval[nt - 1]
    t = t0
    nrhs = 0
    nsteps = 0
    k = _first_outputs(t_eval, t0, y, yout)
    _inputs(t, L, u)
    call_model(F[RHS], t, y, p, u, f0)
    nrhs += 1
    culprit = _first_nonfinite(f0)
    status = 2 if culprit >= 0 else 0
    h = h0
    if h <= 0.0 and status == 0:
        for j in range(n):
            K[0, j] = f0[j]
        idx = np.zeros(0, dtype=np.int64)
        h = _initial_step(F, N, 0, t0, t_end, y, p, L, u, idx, _directions(0, idx), rtol, atol, K, ys, err)
        nrhs += 1
    h = min(h, t_end - t0) if t_end > t0 else 0.0
    newton_tol = max(10.0 * 2.220446049250313e-16 / rtol, min(0.03, math.sqrt(rtol)))
    stops = _breakpoints(L, t0, t_end)
    istop = 0
    jac_current = False
    need_jac = True
    need_lu = True
    have_poly = False  # Q holds a polynomial to extrapolate the next step's starting stages from
    h_poly = 0.0
    h_old = -1.0
    err_old = -1.0
    reject = False
    while k < nt and status == 0:
        h_wanted = h
        status, h, at_stop, tright = _next_step(t, h, t_end, nsteps, max_steps, stops, istop)
        if status != 0:
            break
        if h != h_wanted:  # cut short at the end or at an input's kink: new iteration matrices
            need_lu = True
        if need_jac:
            _inputs(t, L, u)
            J[:, :] = 0.0
            call_model(F[JAC], t, y, p, u, J)
            jac_current = True
            need_jac = False
            need_lu = True
        if need_lu:
            ok = _radau_matrices(J, h, ER, EC, pr, pc)
            need_lu = False
            if not ok:
                nsteps += 1
                h *= 0.5
                need_lu = True
                reject = True
                continue
        # starting stages: the last step's collocation polynomial, extrapolated
        for s in range(3):
            x = 1.0 + RADAU_C[s] * h / h_poly if have_poly else 1.0
            for j in range(n):
                if have_poly:
                    Z[s, j] = (x * (Q[0, j] + x * (Q[1, j] + x * Q[2, j]))) - (Q[0, j] + Q[1, j] + Q[2, j])
                else:
                    Z[s, j] = 0.0
        for j in range(n):
            scale[j] = atol[j] + rtol * abs(y[j])
        nsteps += 1
        conv, nit, rate = _radau_newton(F, t, h, tright, y, p, L, u, Z, W, Fs, ys, scale, ER, EC, pr, pc, br, bc,
                                        newton_tol)
        nrhs += 3 * nit
        if not conv:
            if not jac_current:
                need_jac = True  # first try a fresh Jacobian with the same step
            else:
                h *= 0.5
                need_lu = True
            reject = True
            continue
        # embedded error estimate, solved with the real iteration matrix
        for j in range(n):
            ys[j] = y[j] + Z[2, j]
            err[j] = f0[j] + (RADAU_E[0] * Z[0, j] + RADAU_E[1] * Z[1, j] + RADAU_E[2] * Z[2, j]) / h
        _lu_solve(ER, pr, err)
        for j in range(n):
            scale[j] = atol[j] + rtol * max(abs(y[j]), abs(ys[j]))
        en = _radau_err_norm(err, scale)
        if en > 1.0 and (reject or h_old < 0.0):  # Hairer's improved estimate after a rejection
            for j in range(n):
                Fs[0, j] = y[j] + err[j]
            _inputs(t, L, u)
            call_model(F[RHS], t, Fs[0], p, u, Fs[1])
            nrhs += 1
            for j in range(n):
                err[j] = Fs[1, j] + (RADAU_E[0] * Z[0, j] + RADAU_E[1] * Z[1, j] + RADAU_E[2] * Z[2, j]) / h
            _lu_solve(ER, pr, err)
            en = _radau_err_norm(err, scale)
        safety = 0.9 * (2 * _NEWTON_MAXITER + 1) / (2 * _NEWTON_MAXITER + nit)
        if not math.isfinite(en):
            h *= 0.2
            need_lu = True
            reject = True
            continue
        if en > 1.0:
            h *= max(0.2, safety * en ** -0.25)
            need_lu = True
            reject = True
            continue
        bad, jb = _check_state(ys, N, lo, hi, lim)
        if bad != 0:
            status = bad
            culprit = jb
            break
        # accepted: the collocation polynomial serves t_eval in (t, t + h] and the next starting stages
        for q in range(3):
            for j in range(n):
                Q[q, j] = RADAU_P[q, 0] * Z[0, j] + RADAU_P[q, 1] * Z[1, j] + RADAU_P[q, 2] * Z[2, j]
        tn = t + h
        while k < nt and t_eval[k] <= tn:
            x = (t_eval[k] - t) / h
            for j in range(n):
                yout[k, j] = y[j] + x * (Q[0, j] + x * (Q[1, j] + x * Q[2, j]))
            k += 1
        t = tn
        for j in range(n):
            y[j] = ys[j]
        have_poly = True
        h_poly = h
        if at_stop:  # restart from the right limit of the input paths
            t = stops[istop]
            istop += 1
            have_poly = False
        _inputs(t, L, u)
        call_model(F[RHS], t, y, p, u, f0)
        nrhs += 1
        # predictive step-size control (Gustafsson), as Hairer's RADAU5
        if en == 0.0:
            fac = 10.0
        else:
            fac = en ** -0.25
            if h_old > 0.0 and err_old > 0.0:
                fac *= min(1.0, h / h_old * (err_old / en) ** 0.25)
            fac = min(10.0, safety * fac)
        if reject:
            fac = min(fac, 1.0)
        reject = False
        h_old = h
        err_old = max(en, 1e-10)
        # keep the Jacobian while Newton contracts fast; keep the LU factors while the step is
        need_jac = at_stop or (nit > 2 and rate > 1e-3)
        jac_current = False
        if need_jac or not (1.0 <= fac < 1.2):
            h *= fac
            need_lu = True
    _report(info, status, t, nsteps, nrhs, culprit)


@jit
def _radau_err_norm(e, scale):
    """Root-mean-square of ``e / scale``."""
    acc = 0.0
    for j in range(e.shape[0]):
        acc += (e[j] / scale[j]) ** 2
    return math.sqrt(acc / max(e.shape[0], 1))


@pjit
def _ensemble_radau(F, N, t0, Y0, P, L, t_eval, rtol, atol, lo, hi, LIM, max_steps, members, Yout, INFO):
    """The members ``members`` (indices into ``Y0``, ``P``, ...) in parallel with :func:`_radau5`, over
    their earlier rows of ``Yout`` and ``INFO`` (``method="auto"`` after a Dormand-Prince pass)."""
    for q in prange(members.shape[0]):
        m = members[q]
        _radau5(F, N, t0, Y0[m], P[m], L, t_eval, rtol, atol, lo, hi, LIM[m], -1.0, max_steps, Yout[m], INFO[m])

"""The compiled Radau IIA integrator of order 5 (``method="radau5"``, and ``"auto"`` on stiff problems).

Facts checked: the method's constants (the Radau IIA matrix of Hairer & Wanner, *Solving ODEs II*,
table IV.5.6, and its eigen-decomposition); the engine's LU factorisation against numpy's solver;
stiff problems with known answers (Robertson's kinetics at t = 40 and t = 1e11, a linear stiff system
against its matrix exponential, van der Pol with mu = 1000 against scipy's Radau at a tighter tolerance);
the order 5 of the method (the global error of a smooth problem against the number of steps); agreement
with scipy's Radau and with Dormand-Prince on a non-stiff model (Keen); the status codes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.linalg import expm

from model import Block, SolverError, combine, simulate, stock
from model.compiler.compiled import compile as compile_system, engine
from model.errors import ModelError
from model.library import keen


def declare(name: str, y0, rhs):
    """A dimensionless model of stocks y1..yn with derivatives ``rhs(y)`` (sympy expressions)."""
    ys = [stock(f"y{i + 1}", default=float(v)) for i, v in enumerate(y0)]
    derivs = rhs([y.sym for y in ys])
    return combine(Block(name=name, variables=tuple(ys), derivatives={y.name: d for y, d in zip(ys, derivs)}),
                   name=name, check_units=False)


@pytest.fixture(scope="module")
def robertson():
    """Robertson's chemical kinetics (Hairer & Wanner, vol. II, sec. IV.1, eq. (1.3))."""
    return declare("robertson", [1, 0, 0], lambda y: [-0.04 * y[0] + 1e4 * y[1] * y[2],
                                                      0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] ** 2,
                                                      3e7 * y[1] ** 2])


@pytest.fixture(scope="module")
def vdp():
    """Van der Pol's oscillator x'' - mu (1 - x^2) x' + x = 0 with mu = 1000 (y1 = x, y2 = x')."""
    return declare("vdp1000", [2, 0], lambda y: [y[1], 1000.0 * (1 - y[0] ** 2) * y[1] - y[0]])


def test_radau_iia_constants():
    """Nodes, transformation and error weights as derived from the Radau IIA matrix of order 5."""
    e = engine()
    s6 = math.sqrt(6.0)
    A = np.array([[(88 - 7 * s6) / 360, (296 - 169 * s6) / 1800, (-2 + 3 * s6) / 225],
                  [(296 + 169 * s6) / 1800, (88 + 7 * s6) / 360, (-2 - 3 * s6) / 225],
                  [(16 - s6) / 36, (16 + s6) / 36, 1 / 9]])
    np.testing.assert_allclose(A.sum(axis=1), e.RADAU_C, rtol=1e-14)  # row sums are the nodes
    np.testing.assert_allclose(e.RADAU_TI @ e.RADAU_T, np.eye(3), atol=1e-14)
    g, ab = e.RADAU_G, e.RADAU_AB
    block = np.array([[g, 0, 0], [0, ab.real, -ab.imag], [0, ab.imag, ab.real]])
    np.testing.assert_allclose(e.RADAU_TI @ np.linalg.inv(A) @ e.RADAU_T, block, atol=1e-12)
    np.testing.assert_allclose(sorted(np.linalg.eigvals(np.linalg.inv(A)), key=lambda z: (z.real, z.imag)),
                               [ab.conjugate(), ab, g], rtol=1e-13)
    # the collocation polynomial x -> sum_k x^(k+1) (RADAU_P Z)_k passes through the stages
    Z = np.array([[1.0], [-2.0], [0.5]])
    coef = e.RADAU_P @ Z
    for c, z in zip(e.RADAU_C, Z[:, 0]):
        assert c * coef[0, 0] + c ** 2 * coef[1, 0] + c ** 3 * coef[2, 0] == pytest.approx(z, abs=1e-13)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_lu_with_partial_pivoting_solves_like_numpy(dtype):
    e = engine()
    rng = np.random.default_rng(3)
    for n in (2, 5, 12):
        A = rng.normal(size=(n, n)) + (1j * rng.normal(size=(n, n)) if dtype is np.complex128 else 0)
        A[0, 0] = 0.0  # a zero leading pivot: only partial pivoting gets past it
        b = rng.normal(size=n).astype(dtype)
        LU = np.array(A, dtype=dtype)  # a copy: factorised in place
        piv = np.zeros(n, dtype=np.int64)
        assert e._lu_factor(LU, piv)
        x = b.copy()
        e._lu_solve(LU, piv, x)
        np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=1e-10, atol=1e-12)
    singular = np.array([[1.0, 2.0], [2.0, 4.0]], dtype=dtype)
    assert not e._lu_factor(singular, np.zeros(2, dtype=np.int64))
    assert not e._lu_factor(np.array([[np.nan, 0.0], [0.0, 1.0]], dtype=dtype), np.zeros(2, dtype=np.int64))


def test_robertson_matches_the_published_reference_values(robertson):
    """Reference values at t = 40 (Hairer & Wanner, vol. II, sec. IV.10) and t = 1e11 (the ROBER
    problem of the Bari test set for IVP solvers, Mazzia & Magherini): y2 spans 13 orders of magnitude."""
    ds = simulate(robertson, t_span=(0, 1e11), t_eval=[0, 40, 1e11], method="radau5", rtol=1e-8,
                  atol=[1e-10, 1e-16, 1e-10])
    assert ds.attrs["solver"] == "radau5 (compiled Radau IIA of order 5, analytic Jacobian)"
    at40 = [0.7158270687193, 0.9185534764530e-5, 0.2841637457262]
    at_end = [0.2083340149701255e-7, 0.8333360770334713e-13, 0.9999999791665050]
    for i in range(3):
        y = ds[f"y{i + 1}"].values
        assert y[1] == pytest.approx(at40[i], rel=1e-6)
        assert y[2] == pytest.approx(at_end[i], rel=1e-5)
    assert int(ds.status) == 0 and int(ds.n_steps) < 5000  # an explicit method needs ~1e11 steps


def test_auto_switches_robertson_to_the_compiled_radau(robertson):
    ds = simulate(robertson, t_span=(0, 40), t_eval=[0, 40], rtol=1e-8, atol=1e-14)
    assert ds.attrs["solver"].startswith("radau5 (compiled Radau IIA of order 5, analytic Jacobian) (auto: "
                                         "stiffness detected at t=")
    assert float(ds.y1[-1]) == pytest.approx(0.7158270687193, rel=1e-6)


def test_linear_stiff_system_against_the_matrix_exponential():
    """y' = M y with eigenvalues -1 and -1e4 (a non-normal M): y(t) = expm(M t) y0."""
    V = np.array([[1.0, 1.0], [1.0, 2.0]])
    M = V @ np.diag([-1.0, -1e4]) @ np.linalg.inv(V)
    s = declare("lin_stiff", [1.0, 3.0], lambda y: [M[0, 0] * y[0] + M[0, 1] * y[1], M[1, 0] * y[0] + M[1, 1] * y[1]])
    t_eval = np.concatenate([[0.0], np.geomspace(1e-5, 10.0, 30)])
    ds = simulate(s, t_span=(0, 10), t_eval=t_eval, method="radau5", rtol=1e-9, atol=1e-12)
    exact = np.array([expm(M * t) @ [1.0, 3.0] for t in t_eval])
    np.testing.assert_allclose(ds.y1.values, exact[:, 0], rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(ds.y2.values, exact[:, 1], rtol=1e-6, atol=1e-10)
    assert int(ds.n_steps) < 3000  # an explicit method needs h < 3.3e-4 (10 / 3.3e-4 = 30 000 steps)


def test_order_five_on_a_smooth_problem():
    """Global error at the end of a harmonic oscillation against the number of steps: slope -5 in
    log-log (Radau IIA with three stages has order 2s - 1 = 5 at the step ends)."""
    s = declare("rotation", [1.0, 0.0], lambda y: [y[1], -y[0]])
    steps, errors = [], []
    for tol in (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9):
        ds = simulate(s, t_span=(0, 20), t_eval=[0, 20], method="radau5", rtol=tol, atol=tol)
        steps.append(float(ds.n_steps))
        errors.append(abs(float(ds.y1[-1]) - math.cos(20.0)))
    slope = np.polyfit(np.log(steps), np.log(errors), 1)[0]
    assert -5.5 < slope < -4.5, slope


@pytest.mark.slow
def test_van_der_pol_mu_1000_against_scipy_radau(vdp):
    """Two relaxation cycles (period about (3 - 2 ln 2) mu = 1614): the compiled method at rtol = atol =
    1e-8 agrees with scipy's Radau at 1e-10 (the same equations through sympy's lambdify: no shared code)."""
    import sympy as sp

    t_eval = np.linspace(0, 3000, 61)
    ds = simulate(vdp, t_span=(0, 3000), t_eval=t_eval, method="radau5", rtol=1e-8, atol=1e-8)
    x, v = sp.symbols("x v")
    f = sp.lambdify((x, v), [v, 1000 * (1 - x ** 2) * v - x])
    jac = sp.lambdify((x, v), [[0, 1], [-2000 * x * v - 1, 1000 * (1 - x ** 2)]])
    ref = solve_ivp(lambda t, y: f(*y), (0, 3000), [2.0, 0.0], method="Radau", t_eval=t_eval, rtol=1e-10,
                    atol=1e-10, jac=lambda t, y: np.array(jac(*y), float))
    np.testing.assert_allclose(ds.y1.values, ref.y[0], atol=1e-7)
    assert np.ptp(ds.y1.values) > 3.9  # x swings between about -2 and 2


def test_agrees_with_scipy_radau_and_dopri5_on_keen():
    """A non-stiff model over 100 years at rtol 1e-10: the compiled Radau agrees with scipy's to 1e-8
    and with Dormand-Prince to 1e-5 (whose global error there is 2e-6 against DOP853 at 1e-13, while
    both Radau runs are within 1e-9 of it: measured)."""
    s = keen()
    kw = dict(t_span=(0, 100), rtol=1e-10, atol=1e-12)
    ours = simulate(s, method="radau5", **kw)
    for other, tol in (("Radau", 1e-8), ("dopri5", 1e-5)):
        ref = simulate(s, method=other, **kw)
        for name in s.stocks:
            np.testing.assert_allclose(ours[name].values, ref[name].values, rtol=tol, err_msg=f"{other} {name}")


def test_status_codes_of_the_compiled_radau(robertson):
    with pytest.raises(SolverError, match="maximum number of steps was reached") as exc:
        simulate(robertson, t_span=(0, 1e5), method="radau5", max_steps=20, rtol=1e-8, atol=1e-12)
    assert exc.value.reason == "max_steps" and 0 < exc.value.t_reached < 1e5
    partial = exc.value.partial.y1.values
    assert np.isfinite(partial[0]) and np.isnan(partial[-1])  # outputs after the stop are NaN
    # x' = sqrt(x) - 2 drives x below 0, where the right-hand side and Jacobian are NaN
    sq = declare("sqrt_decay", [1.0], lambda y: [y[0] ** 0.5 - 2])
    with pytest.raises(SolverError) as exc:
        simulate(sq, t_span=(0, 10), method="radau5")
    assert exc.value.reason in ("stalled", "nonfinite") and exc.value.t_reached < 1.0


def test_engine_array_interface_checks_member_indices():
    cs = compile_system(keen())
    n, nt = cs.n_states, 3
    Y0 = np.tile(cs.state_vector(), (2, 1))
    P = np.tile(cs.param_vector(), (2, 1))
    lo, hi = np.full(n, -np.inf), np.full(n, np.inf)
    with pytest.raises(ModelError, match="argument members must be a 1-D array of member indices in \\[0, 2\\)"):
        cs.ensemble_radau5(0.0, Y0, P, cs.inputs_table(), np.linspace(0, 1, nt), 1e-6, np.full(n, 1e-9), lo, hi,
                           np.full((2, n), 1e100), 1000, np.array([2]), np.empty((2, nt, n)), np.zeros((2, 5)))


_NON_STIFF_CHILD = """
import json, sys
import model
from model.compiler.compiled import engine
from model.library import keen
ds = model.simulate(keen(), t_span=(0, 300))
model.simulate(keen(), {"alpha": [0.02, 0.025]}, t_span=(0, 300))
e = engine()
json.dump({"solver": ds.attrs["solver"], "radau": [n for n in ("_radau5", "_ensemble_radau", "_lu_factor")
                                                  if getattr(e, n).signatures]}, sys.stdout)
"""


@pytest.mark.subprocess
def test_non_stiff_runs_never_compile_or_load_the_radau_code(tmp_path):
    """numba compiles lazily: a process whose runs never turn stiff has no machine code of the Radau
    method (neither compiled nor loaded from the cache), so it costs nothing to start."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from model.compiler.jit import HAVE_NUMBA

    if not HAVE_NUMBA:
        pytest.skip("numba disabled: nothing is compiled")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DGM_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", _NON_STIFF_CHILD], cwd=root, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["solver"].startswith("dopri5") and got["radau"] == []

"""Local stability on a balanced growth path (model.analysis.stability) against closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from model.analysis.stability import STABILITY_TOL, detrended_jacobian, growth_eigenvalues, max_growth_eigenvalue
from model.errors import ModelError
from model.library import supermultiplier


@pytest.mark.parametrize("gamma,expected", [(0.05, (-0.024231, 0.047041)), (0.10, (-0.013462, 0.073612)),
                                            (0.20, (0.008077, 0.105521))])
def test_supermultiplier_eigenvalues_are_freitas_serrano_closed_form(gamma, expected):
    """economics.md 3 (test case s = 0.5, v = 2, delta = 0.04, u_n = 0.8, g_Z = 0.03): the (h, u) system's
    eigenvalues -0.024231 +- 0.047041i (gamma 0.05), -0.013462 +- 0.073612i (0.10), +0.008077 +- 0.105521i
    (0.20, unstable: gamma v > s - h*). Detrending Z and K by their common growth g_Z adds one neutral direction
    (the level of autonomous demand): eigenvalue 0."""
    ev = growth_eigenvalues(supermultiplier(), {"gamma": gamma}, t=0.0)
    assert ev.shape == (1, 3)
    ev = ev[0]
    osc = ev[np.abs(ev.imag) > 1e-9]
    assert osc.real == pytest.approx([expected[0]] * 2, abs=1e-6)
    assert sorted(osc.imag) == pytest.approx([-expected[1], expected[1]], abs=1e-6)
    neutral = ev[np.abs(ev.imag) <= 1e-9]
    assert neutral == pytest.approx([0.0], abs=1e-14)
    assert (max_growth_eigenvalue(ev[None, :])[0] > STABILITY_TOL) == (gamma * 2.0 > 0.5 - 0.175)


def test_draws_straddling_the_freitas_serrano_threshold():
    """gamma* = (s - h*) / v = 0.1625: draws just below are stable (the largest real part is the neutral 0),
    just above unstable, one row per draw; the oscillatory pair's real part changes sign."""
    ev = growth_eigenvalues(supermultiplier(), {"gamma": np.array([0.1625 - 1e-3, 0.1625 + 1e-3])}, t=0.0)
    top = max_growth_eigenvalue(ev)
    assert abs(top[0]) < 1e-14 and top[1] > STABILITY_TOL
    pair = [e[np.abs(e.imag) > 1e-9].real.max() for e in ev]
    assert pair[0] < 0 < pair[1]


def test_a_subsystem_is_the_principal_submatrix():
    """With stocks=("K", "h") the eigenvalues are those of the reduced (x = K/Z, h) system of the library test:
    the same two, without the neutral one."""
    ev = growth_eigenvalues(supermultiplier(), {"gamma": 0.05}, t=0.0, stocks=["K", "h"])[0]
    assert sorted(ev.imag) == pytest.approx([-0.047041, 0.047041], abs=1e-6)
    assert ev.real == pytest.approx([-0.024231] * 2, abs=1e-6)
    with pytest.raises(ModelError, match="stocks= names 'Q'; valid: K, Z, h"):
        growth_eigenvalues(supermultiplier(), t=0.0, stocks=["Q"])


def test_detrended_jacobian_of_a_linear_growth_system():
    """dy/dt = A y with y on an eigenvector of A (eigenvalue 0.02) grows at 0.02 in every stock; detrending by
    each stock's growth rate shifts the spectrum of A by -0.02 exactly (the balanced direction becomes
    neutral), and a stock at zero is not detrended."""
    A = np.array([[0.01, 0.01], [0.01, 0.01]])  # eigenvalues 0.02 (direction (1, 1)) and 0
    y = np.array([2.0, 2.0])
    Jx = detrended_jacobian(A, A @ y, y)
    assert np.sort(np.linalg.eigvals(Jx).real) == pytest.approx([-0.02, 0.0], abs=1e-15)
    assert detrended_jacobian(A, np.zeros(2), np.zeros(2)) == pytest.approx(A, abs=0)
    with pytest.raises(ModelError, match="jac must be"):
        detrended_jacobian(A, np.zeros(3), np.zeros(3))


def test_a_state_off_the_start_is_linearised_where_given():
    """states= linearises at the given point: at h = 0 investment stops and the accelerator term h gamma (u - u_n)
    vanishes, so h's row is gamma (u - u_n) on the diagonal: capital decays at delta, detrended by its own
    rate -delta (neutral), and the h direction grows at gamma (u - u_n)."""
    from model.compiler.compiled import compile as compile_system

    system = supermultiplier()
    cs = compile_system(system)
    y = cs.state_vector({"h": 0.0})
    ev = growth_eigenvalues(system, {"gamma": 0.05}, t=0.0, states=y[None, :])[0]
    u = 2.0 * (1.0 / 0.5) / y[cs.states.index("K")]  # v Y / K with Y = Z / s
    assert np.sort(ev.real) == pytest.approx(np.sort([0.0, 0.0, 0.05 * (u - 0.8)]), abs=1e-12)

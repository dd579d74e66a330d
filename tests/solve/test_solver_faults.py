"""Solver faults as classes: divergence is a failure, fixed-step grids stay inside the span and
meet switch times, and a failed run reports the time the solver actually reached (issue 10,
items 4 and 5: "Time grids", "Where a run stopped")."""

import math

import numpy as np
import pytest

from model import (
    METHODS,
    STATUS,
    Block,
    ModelError,
    Policy,
    SolverError,
    combine,
    lever,
    param,
    piecewise,
    ramp,
    simulate,
    step,
    stock,
)
from model.catalogue import get
from model.cli.commands import main
from model.library import keen, solow
from model.solve.simulation import DIVERGENCE_FACTOR

CONTINUOUS = [m for m in METHODS if m != "discrete"]
EULER_DT = 1e-3  # forward Euler step [year] where a test runs every method


def _kw(method):
    return {"dt": EULER_DT} if method == "discrete" else {}


@pytest.fixture(scope="module")
def expo():
    """dz/dt = g z, z(0) = 1: no declared limit, so z diverges at 1e12 (t = 12 ln 10 / g)."""
    z = stock("z", "dimensionless", default=1.0)
    g = param("g", "1/year", default=1.0)
    return combine(Block(name="expo", variables=(z, g), derivatives={"z": g.sym * z.sym}), name="expo")


@pytest.fixture(scope="module")
def singular():
    """dx/dt = -1, dy/dt = 1/x with x(0) = 1: y = -ln(1 - t) is singular at t = 1."""
    x = stock("x", "year", default=1.0)
    y = stock("y", "dimensionless", default=0.0)
    return combine(Block(name="singular", variables=(x, y), derivatives={"x": -1, "y": 1 / x.sym}),
                   name="singular")


@pytest.fixture(scope="module")
def lever_model():
    """dX/dt = k u: forward Euler gives X_{j+1} = X_j + dt k u(t_j)."""
    X = stock("X", "dimensionless", default=0.0)
    u = lever("u", "1/year", default=0.0)
    k = param("k", "dimensionless", default=1.0)
    return combine(Block(name="integrator", variables=(X, u, k), derivatives={"X": k.sym * u.sym}),
                   name="integrator")


# ---------------------------------------------------------------- divergence is a failure

@pytest.mark.parametrize("method", METHODS)
def test_keen_kappa2_50_is_a_failure_naming_the_stock_and_time(method):
    # was: success with omega = 1.1e26 and d = 9e40 (only magnitudes above 1e100 counted)
    with pytest.raises(SolverError) as exc:
        simulate(keen(), {"kappa2": 50.0}, t_span=(0, 300), method=method, **_kw(method))
    err = exc.value
    assert err.reason in ("diverged", "left_bounds")  # omega blows up as lam nears 1
    assert 0 <= err.t_reached < 0.01  # Euler (dt = 1e-3) leaves in its first step
    assert f"t={err.t_reached:g}" in str(err)
    if err.reason == "diverged":
        assert "stock 'omega' diverged" in str(err) and "declared limit 1000" in str(err)
    assert np.all(np.abs(err.partial.omega.values[np.isfinite(err.partial.omega.values)]) < 1e3)


@pytest.mark.parametrize("method", ["auto", "Radau", "discrete"])
def test_keen_ensemble_member_with_kappa2_50_is_flagged(method):
    ds = simulate(keen(), {"kappa2": [20.0, 50.0]}, t_span=(0, 300), method=method, **_kw(method))
    assert STATUS[int(ds.status[0])] == "success"
    assert STATUS[int(ds.status[1])] in ("diverged", "left_bounds")
    assert 0 <= float(ds.t_reached[1]) < 0.01 and float(ds.t_reached[0]) == 300.0


@pytest.mark.slow
@pytest.mark.parametrize("method", METHODS)
def test_undeclared_stock_diverges_at_1e12_times_its_start(expo, method):
    t_div = 12 * math.log(10)  # z = e^t reaches 1e12 at t = 27.631021
    assert DIVERGENCE_FACTOR == 1e12
    with pytest.raises(SolverError, match=r"stock 'z' diverged: \|z\| reached 1e\+12 times its start") as exc:
        simulate(expo, t_span=(0, 30), method=method, **_kw(method))
    err = exc.value
    assert err.reason == "diverged"
    # scipy locates the crossing (terminal event); fixed and compiled steppers stop at the last
    # accepted step before it (dopri5's steps are about 0.07 year long here)
    tol = 1e-5 if method in ("Radau", "BDF", "LSODA", "RK45", "DOP853") else 0.1
    assert abs(err.t_reached - t_div) < tol
    # members: the limit is relative to each member's start (or its default if larger): z(0) = 10
    # diverges at 1e13, again at t = 12 ln 10
    ds = simulate(expo, {"g": [0.5, 1.0, 1.0]}, initial={"z": [1.0, 1.0, 10.0]}, t_span=(0, 30), method=method,
                  **_kw(method))
    assert [STATUS[int(s)] for s in ds.status] == ["success", "diverged", "diverged"]
    assert np.all(np.abs(ds.t_reached.values[1:] - t_div) < tol)


def test_legitimate_exponential_growth_is_not_divergence(expo):
    # 2 %/year for 1000 years is a factor e^20 = 4.85e8: far below the limit
    ds = simulate(expo, {"g": 0.02}, t_span=(0, 1000))
    assert int(ds.status) == 0
    assert float(ds.z[-1]) == pytest.approx(math.exp(20.0), rel=1e-6)


def test_declared_limit_is_checked():
    with pytest.raises(ModelError, match="limit must be a positive finite magnitude"):
        stock("w", limit=-1.0)
    with pytest.raises(ModelError, match="limit must be a positive finite magnitude"):
        stock("w", limit=float("inf"))
    with pytest.raises(ModelError, match="only stocks take a divergence limit"):
        param("w", limit=10.0)
    a, b = stock("w", limit=5.0), stock("w")
    assert a.signature() != b.signature() and b.signature() == "stock:w:dimensionless:(None, None)"


@pytest.mark.slow
@pytest.mark.parametrize("method", METHODS)
def test_declared_limit_stops_a_run_at_its_value(method):
    w = stock("w", "dimensionless", default=1.0, limit=100.0)
    g = param("g", "1/year", default=1.0)
    sys_ = combine(Block(name="w", variables=(w, g), derivatives={"w": g.sym * w.sym}), name="wlim")
    with pytest.raises(SolverError, match=r"\|w\| reached its declared limit 100 \[dimensionless\]") as exc:
        simulate(sys_, t_span=(0, 10), method=method, **_kw(method))
    tol = 1e-5 if method in ("Radau", "BDF", "LSODA", "RK45", "DOP853") else 0.1
    assert abs(exc.value.t_reached - math.log(100.0)) < tol  # w = e^t reaches 100 at t = 4.60517


# ---------------------------------------------------------------- time grids

def test_discrete_step_that_does_not_divide_the_span_is_refused():
    # was: times [0, 0.6, 1.2], past the span
    with pytest.raises(ModelError, match=r"t_span \(0, 1\) is not a whole number of steps dt=0.6 .*"
                                         r"end at 0.6 or 1.2"):
        simulate(solow(), t_span=(0, 1), method="discrete", dt=0.6)
    with pytest.raises(ModelError, match="is not a whole number of steps dt=5"):
        simulate(get("dice2016_discrete"), t_span=(2015, 2101.3))


def test_cli_t_end_off_the_grid_of_a_map_is_refused(tmp_path, capsys):
    out = tmp_path / "d.nc"
    assert main(["run", "dice2016_discrete", "--t-end", "2101.3", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "not a whole number of steps dt=5" in err and "end at 2100 or 2105" in err
    assert "Traceback" not in err and not out.exists()
    assert main(["run", "dice2016_discrete", "--t-end", "2105", "--out", str(out)]) == 0
    import xarray as xr
    with xr.open_dataset(out) as ds:
        assert ds.time.values[-1] == 2105.0 and ds.time.size == 19


def test_grid_times_are_t0_plus_k_dt_and_end_at_t_span():
    ds = simulate(solow(), t_span=(0, 2), method="discrete", dt=0.1)
    t = ds.time.values
    assert t.size == 21 and t[0] == 0.0 and t[-1] == 2.0 and t.max() <= 2.0
    np.testing.assert_array_equal(t[:-1], 0.1 * np.arange(20))  # not accumulated: t[10] is 1.0, not 0.9999999999999999
    assert t[10] == 1.0
    # output times on the grid come back as grid times, inside the span
    ds = simulate(solow(), t_span=(0, 1), t_eval=[0.0, 0.30000000000000004, 1.0 + 1e-13], method="discrete", dt=0.1)
    assert ds.time.values.tolist() == [0.0, 0.1 * 3, 1.0]
    with pytest.raises(ModelError, match="must lie on the grid"):
        simulate(solow(), t_span=(0, 1), t_eval=[0.0, 0.35], method="discrete", dt=0.1)


@pytest.mark.parametrize("method", CONTINUOUS)
def test_continuous_output_times_never_leave_the_span(method):
    ds = simulate(solow(), t_span=(0, 1), t_eval=[0.0, 0.5, 1.0 + 1e-12], method=method)
    assert ds.time.values.tolist() == [0.0, 0.5, 1.0]
    with pytest.raises(ModelError, match="within t_span"):
        simulate(solow(), t_span=(0, 1), t_eval=[0.0, 1.001], method=method)


# every schedule kind with a switch (a step's date, a ramp's ends, a piecewise knot) at
# t = 0.9 = 3 * 0.3 (which is 0.8999999999999999 in floating point); u on the grid
# 0, 0.3, 0.6, 0.9, 1.2 with the switch met exactly
SWITCHES = {
    "step": (step(0.9, 0.0, 1.0), [0.0, 0.0, 0.0, 1.0, 1.0]),
    "ramp_end": (ramp(0.3, 0.9, 0.0, 1.0), [0.0, 0.0, 0.5, 1.0, 1.0]),
    "ramp_start": (ramp(0.9, 1.5, 1.0, 3.0), [1.0, 1.0, 1.0, 1.0, 2.0]),
    "piecewise_knot": (piecewise([0.0, 0.9, 1.5], [1.0, 0.0, 0.6]), [1.0, 2.0 / 3.0, 1.0 / 3.0, 0.0, 0.3]),
}


def _euler(u, dt=0.3, k=1.0):
    X = [0.0]
    for v in u:
        X.append(X[-1] + dt * (k * v))
    return X


@pytest.mark.parametrize("kind", sorted(SWITCHES))
def test_euler_meets_switch_times_on_the_grid(lever_model, kind):
    schedule, u = SWITCHES[kind]
    ds = simulate(lever_model, policies=Policy("p", u=schedule), t_span=(0, 1.5), method="discrete", dt=0.3)
    assert ds.time.values[3] == 0.9  # the grid time at the switch is the switch time
    if kind == "step":  # the case: it switched one step late
        assert ds.X.values.tolist() == [0, 0, 0, 0, 0.3, 0.6]
    used = ds.u.values[:5]
    assert used[3] == u[3]  # exact at the switch (at 0.8999999999999999 a ramp gives 0.9999999999999998)
    np.testing.assert_allclose(used, u, rtol=0, atol=1e-15)
    assert ds.X.values.tolist() == _euler(used)  # the reported input is the one each step used
    # draws (the compiled parallel ensemble) follow the same grid
    ens = simulate(lever_model, {"k": [1.0, 2.0]}, policies=Policy("p", u=schedule), t_span=(0, 1.5),
                   method="discrete", dt=0.3)
    assert ens.X.values[1].tolist() == _euler(used, k=2.0)


@pytest.mark.parametrize("kind", sorted(SWITCHES))
def test_schedule_call_on_a_grid_meets_switch_times(kind):
    schedule, u = SWITCHES[kind]
    grid = 0.3 * np.arange(5)  # grid[3] = 0.8999999999999999
    on_grid = schedule(grid, dt=0.3)
    assert on_grid[3] == u[3] and schedule(0.9) == u[3] and schedule(np.float64(3 * 0.3), dt=0.3) == u[3]
    np.testing.assert_allclose(on_grid, u, rtol=0, atol=1e-15)
    if kind == "step":
        assert schedule(grid)[3] == 0.0  # without a grid step the time is taken literally
    with pytest.raises(ModelError, match="dt must be a positive finite step"):
        schedule(grid, dt=0.0)


def test_switch_between_two_policies_shares_one_grid(lever_model):
    pols = [Policy("a", u=step(0.9, 0.0, 1.0)), Policy("b", u=step(1.2, 0.0, 1.0))]
    ds = simulate(lever_model, policies=pols, t_span=(0, 1.5), method="discrete", dt=0.3)
    assert ds.X.sel(policy="a").values.tolist() == [0, 0, 0, 0, 0.3, 0.6]
    assert ds.X.sel(policy="b").values.tolist() == [0, 0, 0, 0, 0, 0.3]


# ---------------------------------------------------------------- where a run stopped

@pytest.mark.slow
@pytest.mark.parametrize("method", CONTINUOUS)
def test_failed_run_reports_the_time_the_solver_reached(singular, method):
    # was: Radau and BDF reported t_reached = 0.5, the last output time before the failure
    with pytest.raises(SolverError) as exc:
        simulate(singular, t_span=(0, 2), t_eval=[0, 0.5, 1.5, 2], method=method, max_steps=5000)
    err = exc.value
    assert err.t_reached == pytest.approx(1.0, abs=1e-6)
    assert f"t={err.t_reached:g}" in str(err) and f"{err.t_reached:g}" == "1"
    part = err.partial
    assert float(part.y.sel(time=0.5)) == pytest.approx(math.log(2.0), abs=1e-6)
    assert np.isnan(part.y.sel(time=1.5)) and np.isnan(part.y.sel(time=2.0))
    # members report it too
    ds = simulate(singular, initial={"x": [1.0, 3.0]}, t_span=(0, 2), t_eval=[0, 0.5, 1.5, 2], method=method,
                  max_steps=5000)
    assert int(ds.status[0]) != 0 and int(ds.status[1]) == 0
    assert float(ds.t_reached[0]) == pytest.approx(1.0, abs=1e-6) and float(ds.t_reached[1]) == 2.0


def test_euler_failure_reports_the_last_grid_time(singular):
    # forward Euler with dt = 0.25 lands on x = 0 at t = 1: y jumps to inf at the step from t = 1
    with pytest.raises(SolverError) as exc:
        simulate(singular, t_span=(0, 2), method="discrete", dt=0.25)
    assert exc.value.t_reached == 1.0 and exc.value.reason == "nonfinite"


def test_step_limit_failure_says_what_to_try():
    """Review N5: a run stopped by the step limit names the limit's way out (more steps, or Radau)."""
    with pytest.raises(SolverError, match=r"maximum number of steps was reached at t=.*max_steps=.*method='radau5'"):
        simulate(keen(), t_span=(0, 300), max_steps=50)
    # review input: a radau5 run out of steps was told to try radau5; an implicit run is told only the limit
    with pytest.raises(SolverError, match=r"max_steps=\.\.\.; the partial path") as exc:
        simulate(keen(), t_span=(0, 300), method="radau5", max_steps=5)
    assert "radau5" not in str(exc.value) and exc.value.reason == "max_steps"

"""Simulation: accuracy, solver agreement, guards, ensembles, levers, results schema, round trips."""

import numpy as np
import pytest
import sympy as sp
import xarray as xr
from hypothesis import given, settings, strategies as st

import model
from model import (
    Block,
    ModelError,
    Policy,
    Rule,
    SolverError,
    combine,
    constant,
    lever,
    logistic,
    param,
    piecewise,
    ramp,
    simulate,
    step,
    stock,
)
from model.library.keen import keen


def keen_good_equilibrium(p):
    """Good equilibrium of the Keen model in closed form (Grasselli & Costa Lima 2012, section 3; Keen 1995):
    lam1 = 1 - sqrt(phi1 / (alpha + phi0)), pi1 = kappa^-1(nu (alpha + beta + delta)),
    d1 = (kappa(pi1) - pi1) / (alpha + beta), omega1 = 1 - pi1 - r d1,
    with kappa(pi) = kappa0 + kappa1 e^(kappa2 pi)."""
    pi1 = np.log((p["nu"] * (p["alpha"] + p["beta"] + p["delta"]) - p["kappa0"]) / p["kappa1"]) / p["kappa2"]
    d1 = (p["kappa0"] + p["kappa1"] * np.exp(p["kappa2"] * pi1) - pi1) / (p["alpha"] + p["beta"])
    return 1 - pi1 - p["r"] * d1, 1 - np.sqrt(p["phi1"] / (p["alpha"] + p["phi0"])), d1


def keen_by_hand(p, y0, t_eval):
    """The Keen model written out from Keen (1995) / Grasselli & Costa Lima (2012, section 2), integrated by
    scipy's DOP853 at rtol 1e-13: a reference that shares no code with the model's declaration or compiler."""
    from scipy.integrate import solve_ivp

    def rhs(t, y):
        omega, lam, d = y
        pi = 1 - omega - p["r"] * d
        kappa = p["kappa0"] + p["kappa1"] * np.exp(p["kappa2"] * pi)
        g = kappa / p["nu"] - p["delta"]
        return [omega * (p["phi1"] / (1 - lam) ** 2 - p["phi0"] - p["alpha"]), lam * (g - p["alpha"] - p["beta"]),
                kappa - pi - d * g]

    sol = solve_ivp(rhs, (0.0, t_eval[-1]), y0, method="DOP853", rtol=1e-13, atol=1e-14, t_eval=t_eval)
    return sol.y.T


EQ1 = keen_good_equilibrium(keen().defaults())  # (0.836053, 0.968612, 0.070191)


def test_keen_good_basin(keen_system):
    ds = simulate(keen_system, initial={"omega": 0.75, "lam": 0.75, "d": 0.1}, t_span=(0, 300), rtol=1e-10)
    end = ds.isel(time=-1)
    assert abs(float(end.omega) - EQ1[0]) < 2e-3
    assert abs(float(end.lam) - EQ1[1]) < 1e-3
    assert abs(float(end.d) - EQ1[2]) < 5e-3
    # an independent solve of the hand-written equations; measured errors of this rtol 1e-10 run: 1e-6 at
    # t = 100 and 200 (after the spike of omega at t = 108, which amplifies local errors), 9e-9 at t = 300
    ref = keen_by_hand(keen_system.defaults(), [0.75, 0.75, 0.1], [100.0, 200.0, 300.0])
    got = np.column_stack([ds[v].sel(time=[100.0, 200.0, 300.0]) for v in ("omega", "lam", "d")])
    np.testing.assert_allclose(got[:2], ref[:2], rtol=0, atol=1e-5)
    np.testing.assert_allclose(got[2], ref[2], rtol=0, atol=1e-7)
    assert int(ds.status) == 0


def test_keen_closed_form_equilibrium_is_a_rest_point(keen_system):
    """Started at the closed-form good equilibrium the compiled model does not move."""
    ds = simulate(keen_system, initial=dict(zip(("omega", "lam", "d"), EQ1)), t_span=(0, 50), rtol=1e-12, atol=1e-14)
    for v, eq in zip(("omega", "lam", "d"), EQ1):
        np.testing.assert_allclose(ds[v], eq, rtol=0, atol=1e-10)


def test_keen_bad_basin(keen_system):
    ds = simulate(keen_system, initial={"omega": 0.75, "lam": 0.70, "d": 0.1}, t_span=(0, 300), rtol=1e-10)
    end = ds.isel(time=-1)
    assert float(end.d) > 1e5 and float(end.lam) < 1e-3
    p = {v.name: v.default for v in keen_system.variables.values() if v.kind == "parameter"}
    assert p["kappa0"] / p["nu"] - p["delta"] < p["r"]  # bad equilibrium locally stable
    assert float(ds.omega.max()) > 1.0  # the known transient overshoot happened


def test_dopri5_accuracy_against_tight_reference(keen_system):
    t_eval = np.arange(0, 300.01, 0.1)
    ref = simulate(keen_system, t_span=(0, 300), t_eval=t_eval, method="DOP853", rtol=1e-13, atol=1e-14)

    def errors(ds):
        e = sum(np.abs(ds[v] - ref[v]) for v in ("omega", "lam", "d"))
        return float(e.isel(time=-1)), float(e.max())

    fast_end, fast_path = errors(simulate(keen_system, t_span=(0, 300), t_eval=t_eval, method="dopri5", rtol=1e-8))
    scipy_end, scipy_path = errors(simulate(keen_system, t_span=(0, 300), t_eval=t_eval, method="RK45", rtol=1e-8))
    assert fast_end < 1e-6
    # same method as scipy's RK45: same global error (the spike of omega near lam = 0.9926 at
    # t = 108 amplifies local errors; that is the problem's conditioning, not the integrator)
    assert fast_path < 1.5 * scipy_path
    tight_end, tight_path = errors(simulate(keen_system, t_span=(0, 300), t_eval=t_eval, method="dopri5",
                                            rtol=1e-11, atol=1e-13))
    assert tight_path < 1e-6 and tight_end < 1e-9


@pytest.mark.parametrize("method,tol", [("Radau", 2e-6), ("BDF", 2e-4), ("LSODA", 1e-4)])
def test_stiff_solvers_agree_with_dopri5(keen_system, method, tol):
    a = simulate(keen_system, t_span=(0, 100), method="dopri5", rtol=1e-10, atol=1e-12)
    b = simulate(keen_system, t_span=(0, 100), method=method, rtol=1e-10, atol=1e-12)
    for v in ("omega", "lam", "d"):
        np.testing.assert_allclose(b[v], a[v], atol=tol)
    assert "analytic Jacobian" in b.attrs["solver"]


def test_guard_stops_kappa2_plus_10_percent(keen_system):
    with pytest.raises(SolverError) as exc:
        simulate(keen_system, {"kappa2": 22.0}, t_span=(0, 300))
    err = exc.value
    assert err.reason in ("left_bounds", "stiff", "nonfinite", "diverged")
    assert "'lam'" in str(err) or "diverged" in str(err)
    assert 0 < err.t_reached < 300
    part = err.partial
    assert int(part.status) != 0
    reached = part.time <= err.t_reached
    assert np.all(np.isfinite(part.lam.where(reached, drop=True)))
    assert np.all(np.isnan(part.lam.where(part.time > err.t_reached + 1, drop=True)))


@pytest.mark.parametrize("method", ["dopri5", "LSODA", "Radau"])
def test_guard_works_for_every_solver(keen_system, method):
    with pytest.raises(SolverError, match="left its declared bounds|diverged"):
        simulate(keen_system, {"kappa2": 22.0}, t_span=(0, 300), method=method)


def test_ensemble_flags_members_and_matches_single_runs(keen_system):
    rng = np.random.default_rng(7)
    k2 = 20 * rng.uniform(0.9, 1.1, 64)
    ds = simulate(keen_system, {"kappa2": k2}, t_span=(0, 300))
    assert ds.sizes["draw"] == 64
    status = ds.status.values
    assert set(np.unique(status)) <= {0, 1, 2, 3, 4, 7}  # 7: diverged
    assert (status == 0).any() and (status != 0).any()
    for i in np.flatnonzero(status == 0)[:3]:
        single = simulate(keen_system, {"kappa2": float(k2[i])}, t_span=(0, 300))
        np.testing.assert_allclose(ds.lam.isel(draw=i), single.lam, rtol=1e-12)
    failed = np.flatnonzero(status != 0)[0]
    assert np.isnan(ds.lam.isel(draw=failed).values[-1])
    np.testing.assert_array_equal(ds.kappa2.values, k2)


def test_initial_state_draws(keen_system):
    lam0 = np.array([0.70, 0.75])
    ds = simulate(keen_system, initial={"lam": lam0}, t_span=(0, 300), rtol=1e-10)
    assert float(ds.d.isel(draw=0, time=-1)) > 1e5
    assert abs(float(ds.lam.isel(draw=1, time=-1)) - EQ1[1]) < 1e-3


def _lever_model():
    x = stock("x", "USD", "wealth", default=1.0)
    g = lever("g", "1/year", "growth rate", default=0.0)
    return combine(Block("grow", (x, g), derivatives={"x": g.sym * x.sym}), name="grow")


@pytest.mark.slow
def test_policy_dimension_and_lever_paths():
    s = _lever_model()
    pols = [Policy("flat"), Policy("ramp", g=ramp(2030, 2040, 0.0, 0.02)), Policy("step", g=step(2030, 0.0, 0.01))]
    ds = simulate(s, policies=pols, t_span=(2020, 2050))
    assert list(ds.policy.values) == ["flat", "ramp", "step"]
    assert ds.x.dims == ("policy", "time")
    # closed forms: integral of the growth-rate path
    x_ramp = np.exp(0.5 * 0.02 * 10 + 0.02 * 10)
    np.testing.assert_allclose(ds.x.sel(policy="ramp", time=2050), x_ramp, rtol=1e-7)
    np.testing.assert_allclose(ds.x.sel(policy="step", time=2050), np.exp(0.01 * 20), rtol=1e-7)
    np.testing.assert_allclose(ds.g.sel(policy="ramp", time=2035), 0.01)
    assert ds.g.attrs["kind"] == "lever"


def test_feedback_rule_gives_logistic_growth():
    s = _lever_model()
    x = sp.Symbol("x", real=True)
    pol = Policy("brake", g=Rule(0.05 * (1 - x / 10)))
    ds = simulate(s, policies=pol, t_span=(0, 100))
    t = ds.time.values
    exact = 10 / (1 + 9 * np.exp(-0.05 * t))
    np.testing.assert_allclose(ds.x.values, exact, rtol=1e-7)
    np.testing.assert_allclose(ds.g.values, 0.05 * (1 - exact / 10), atol=1e-9)
    assert "brake" in ds.g.attrs["feedback_rules"]
    assert s.levers == ("g",)  # the System itself is unchanged


schedules = st.one_of(
    st.builds(constant, st.floats(-5, 5)),
    st.builds(step, st.floats(2000, 2100), st.floats(-5, 5), st.floats(-5, 5)),
    st.builds(lambda a, w, v0, v1: ramp(a, a + w, v0, v1), st.floats(2000, 2100), st.floats(0.5, 50),
              st.floats(-5, 5), st.floats(-5, 5)),
    st.builds(logistic, st.floats(2000, 2100), st.floats(0.01, 2), st.floats(-5, 5), st.floats(-5, 5)),
    st.builds(lambda xs, vs: piecewise(np.cumsum(xs) + 2000, vs[:len(xs)]),
              st.lists(st.floats(0.5, 20), min_size=2, max_size=6),
              st.lists(st.floats(-5, 5), min_size=6, max_size=6)),
)


@settings(max_examples=60, deadline=None)
@given(schedules, st.lists(st.floats(1990, 2130), min_size=1, max_size=20))
def test_compiled_schedules_match_numpy(schedule, times):
    s = _lever_model()
    cs = model.compile(s)
    L = cs.inputs_table(Policy("p", g=schedule))
    ts = np.array(sorted(times))
    U = np.empty((ts.size, 1))
    cs.inputs_path(ts, L, U)
    np.testing.assert_allclose(U[:, 0], schedule(ts), rtol=1e-12, atol=1e-12)


def test_discrete_euler_matches_recurrence():
    s = _lever_model()
    ds = simulate(s, policies=Policy("g", g=0.1), t_span=(0, 10), method="discrete", dt=0.5)
    k = np.arange(21)
    np.testing.assert_allclose(ds.x.values, (1 + 0.1 * 0.5) ** k, rtol=1e-14)
    with pytest.raises(ModelError, match="pass dt > 0"):
        simulate(s, t_span=(0, 10), method="discrete")


def test_netcdf_round_trip_and_rerun(tmp_path, keen_system):
    ds = simulate(keen_system, {"alpha": 0.024}, t_span=(0, 50))
    path = tmp_path / "keen.nc"
    ds.to_netcdf(path)
    back = xr.open_dataset(path)
    xr.testing.assert_identical(back.load(), ds)
    again = model.rerun(back)
    for v in ds.data_vars:
        np.testing.assert_array_equal(again[v].values, ds[v].values)
    assert again.attrs["equations_hash"] == ds.attrs["equations_hash"]


@pytest.mark.slow
def test_rerun_policies_rules_and_draws(tmp_path):
    s = _lever_model()
    x = sp.Symbol("x", real=True)
    pols = [Policy("ramp", g=ramp(1, 5, 0, 0.03)), Policy("rule", g=Rule(0.02 - 0.001 * x))]
    ds = simulate(s, policies=pols, t_span=(0, 20), initial={"x": np.array([1.0, 2.0])})
    ds.to_netcdf(tmp_path / "r.nc")
    back = xr.open_dataset(tmp_path / "r.nc").load()
    again = model.rerun(back, system=s)
    np.testing.assert_array_equal(again.x.values, ds.x.values)


def test_result_schema(keen_system):
    ds = simulate(keen_system, t_span=(0, 10))
    for name, var in keen_system.variables.items():
        assert name in ds, name
        assert ds[name].attrs["units"] == var.units
        assert ds[name].attrs["long_name"]
        assert ds[name].attrs["kind"] == var.kind
    for key in ("model", "model_version", "equations_hash", "git_revision", "solver", "rtol", "atol", "created",
                "provenance"):
        assert key in ds.attrs
    np.testing.assert_array_equal(ds.time, np.arange(11.0))
    # auxiliaries recomputed on the path equal their definitions
    np.testing.assert_allclose(ds.pi, 1 - ds.omega - ds.r * ds.d, rtol=1e-14)


def test_sensitivities_match_finite_differences(keen_system):
    wrt = ["alpha", "kappa2", "r"]
    sens = model.sensitivities(keen_system, wrt, t_span=(0, 30), rtol=1e-11, atol=1e-13)
    base = {v.name: v.default for v in keen_system.variables.values() if v.kind == "parameter"}
    for q in wrt:
        h = 1e-6 * max(1.0, abs(base[q]))
        up = simulate(keen_system, {q: base[q] + h}, t_span=(0, 30), rtol=1e-12, atol=1e-14)
        dn = simulate(keen_system, {q: base[q] - h}, t_span=(0, 30), rtol=1e-12, atol=1e-14)
        for s in ("omega", "lam", "d"):
            fd = (up[s] - dn[s]).values / (2 * h)
            an = sens[f"d_{s}"].sel(parameter=q).values
            np.testing.assert_allclose(an, fd, rtol=1e-4, atol=1e-6 * max(1, np.abs(fd).max()))


@pytest.mark.slow
def test_auto_switches_to_implicit_solver_on_stiff_problems():
    """Two-stage decay with rates 1e4 and 1 per year: stiff; closed form known."""
    a = stock("a", "tC", default=1.0)
    b = stock("b", "tC", default=0.0)
    k1 = param("k1", "1/year", default=1e4)
    k2 = param("k2", "1/year", default=1.0)
    s = combine(Block("decay", (a, b, k1, k2), derivatives={"a": -k1.sym * a.sym,
                                                             "b": k1.sym * a.sym - k2.sym * b.sym}), name="stiff")
    ds = simulate(s, t_span=(0, 10), rtol=1e-8, atol=1e-12)
    assert ds.attrs["solver"].startswith("radau5 (compiled Radau IIA of order 5, analytic Jacobian) "
                                         "(auto: stiffness detected")
    t = ds.time.values
    exact_b = 1e4 / (1.0 - 1e4) * (np.exp(-1e4 * t) - np.exp(-t))
    np.testing.assert_allclose(ds.b.values, exact_b, rtol=1e-6, atol=1e-10)


def test_nan_jacobian_in_implicit_solver_is_a_solver_error():
    """x' = sqrt(x) - 2 drives x below 0, where the Jacobian is NaN: reported, never a raw ValueError."""
    x = stock("x", "dimensionless", default=1.0)
    k = param("k", "1/year", default=1.0)
    s = combine(Block("sq", (x, k), derivatives={"x": k.sym * (sp.sqrt(x.sym) - 2)}), name="sqrt_decay")
    with pytest.raises(SolverError):
        simulate(s, t_span=(0, 10), method="Radau")

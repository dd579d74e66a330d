"""The directed-growth model: structure, start state, identities, plausible paths, regression goldens."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import model
from model.directed_growth import policies
from model.directed_growth.factory import Y0, directed_growth
from model.directed_growth.mechanisms.climate import STATE_2025
from model.library import dice2016_climate, dice2016_forcing_path


def test_structure_and_units(dg):
    assert 15 <= len(dg.stocks) <= 25
    assert set(dg.identities) == {"demand", "firm_cash_flow", "budget"}
    for v in dg.variables.values():
        if v.kind == "parameter":
            assert v.source, v.name
    dg.check_units()  # every equation dimensionally consistent (raises otherwise)


def test_start_state_is_consistent(dg):
    cs = model.compile(dg)
    obs = cs.observed(2025.0, cs.state_vector(), cs.param_vector(), cs.inputs_table())
    assert obs["Y"] == pytest.approx(Y0, rel=1e-12)
    assert obs["x_g"] == pytest.approx(0.15, rel=1e-12)
    assert obs["h_eff"] == pytest.approx(dg["h"].default, rel=1e-12)  # BAU starts at rest
    assert obs["B_dot"] == pytest.approx(dg["g_Z"].default * dg["B"].default, rel=1e-9)
    assert obs["lam"] == pytest.approx(0.96, rel=1e-9)
    for name in ("identity_demand", "identity_firm_cash_flow", "identity_budget"):
        assert abs(obs[name]) < 1e-14


def test_business_as_usual_starts_at_rest(dg):
    """Distribution, the investment share, the policy rate and capability are stationary in 2025."""
    cs = model.compile(dg)
    y = cs.state_vector()
    dy = cs.rhs(2025.0, y, cs.param_vector(), cs.inputs_table())
    for name in ("omega", "h", "r_cb", "Cap"):
        assert dy[dg.stocks.index(name)] == pytest.approx(0.0, abs=1e-14), name


def test_climate_start_state_reproduces_its_derivation():
    ds = model.simulate(dice2016_climate(), None, model.Policy("hist", E=model.piecewise([2015, 2024], [35.9, 37.4])),
                        t_span=(2015, 2025), exogenous={"F_ex": dice2016_forcing_path()})
    for name, value in STATE_2025.items():
        assert float(ds[name][-1]) == pytest.approx(value, abs=1e-4)


def test_runs_use_the_models_forcing_path_without_being_told(dg):
    """The model carries DICE-2016R's non-CO2 forcing as its default F_ex path (labelled values: 2100
    warming under BAU 3.43 C with it; 3.20 C with the declared constant 0.5 W/m^2, which a caller who
    forgot exogenous= used to get silently)."""
    assert dg.meta.t_span == (2025.0, 2100.0) and set(dg.meta.exogenous) == {"F_ex"}
    ds = model.simulate(dg, None, policies.bau())
    assert ds.time.values[[0, -1]].tolist() == [2025.0, 2100.0]
    assert round(float(ds.T_at.sel(time=2100)), 2) == 3.43
    told = model.simulate(dg, None, policies.bau(), exogenous={"F_ex": dice2016_forcing_path()})
    assert np.array_equal(told.T_at.values, ds.T_at.values)
    constant = model.simulate(dg, None, policies.bau(), exogenous={"F_ex": model.constant(dg["F_ex"].default)})
    assert dg["F_ex"].default == 0.5 and round(float(constant.T_at.sel(time=2100)), 2) == 3.20
    # the path actually used is in the provenance, so the result re-runs identically
    assert json.loads(ds.attrs["provenance"])["options"]["exogenous"]["F_ex"] == dice2016_forcing_path().to_dict()
    assert np.array_equal(model.rerun(constant).T_at.values, constant.T_at.values)


def test_three_paths_run_and_identities_hold(dg):
    ds = model.simulate(dg, None, policies.all_paths(), t_span=(2025, 2100))
    residuals = json.loads(ds.attrs["provenance"])["identity_max_residual"]
    assert set(residuals) == {"demand", "firm_cash_flow", "budget"}
    assert max(residuals.values()) < 1e-8
    assert np.all(ds.status.values == 0)
    assert np.all(ds.T_at.diff("time") > 0)  # rest-of-world emissions keep warming going
    # the carbon price and the conditions lower emission intensity relative to BAU
    e = ds.e_int.sel(time=2100)
    assert e.sel(policy="market_fixing") < e.sel(policy="bau")
    assert e.sel(policy="market_shaping") < e.sel(policy="bau")


def test_compare_table(dg):
    from model.directed_growth.outcomes import OUTCOMES, compare
    ds = model.simulate(dg, None, policies.all_paths(), t_span=(2025, 2100))
    df = compare(ds, system=dg)
    assert list(df.index) == ["bau", "market_fixing", "market_shaping"]
    assert set(df.columns) == set(OUTCOMES)
    # the change of the private investment share versus BAU, in percentage points, from the rate column
    change = 100 * (df["private_investment_rate"] - df.loc["bau", "private_investment_rate"])
    np.testing.assert_allclose(df["private_investment_change_vs_bau"], change, rtol=1e-12, atol=1e-14)
    assert abs(df.loc["market_shaping", "private_investment_change_vs_bau"]) > 0.01  # the policies differ
    assert np.isfinite(df["multiplier_1y"]).all() and np.isfinite(df["multiplier_4y"]).all()


def test_outcomes_of_a_constructed_path():
    """Outcome metrics on hand-made paths over an uneven time grid [year], checked against closed forms:
    a linear emission path is integrated exactly by the trapezoid rule, 10 t - 0.05 t^2 over 75 years = 468.75;
    an exponential one, exp(-0.02 t) on a yearly grid, gives (1 - e^-1.5) / 0.02 = 38.843 (trapezoid error 1e-4
    relative). Investment shares 0.15 (bau) and 0.17 differ by 2 percentage points."""
    from model.directed_growth.outcomes import outcome_metrics

    t = np.array([2025.0, 2026.0, 2028.0, 2031.0, 2035.0, 2050.0, 2070.0, 2100.0])
    yearly = np.arange(2025.0, 2101.0)
    for grid, emissions, total, rel in ((t, 10 - 0.1 * (t - 2025), 468.75, 1e-13),
                                        (yearly, np.exp(-0.02 * (yearly - 2025)), (1 - np.exp(-1.5)) / 0.02, 2e-4)):
        ones = np.ones((2, grid.size))
        ds = xr.Dataset({n: (("policy", "time"), ones) for n in ("omega", "lam", "e_int", "T_at", "b", "d", "F_pub")},
                        coords={"policy": ["bau", "green"], "time": grid})
        ds["Y"] = ("policy", "time"), np.exp(0.02 * (grid - 2025)) * ones
        ds["h_eff"] = ("policy", "time"), np.array([[0.15], [0.17]]) * ones
        ds["E_dom"] = ("policy", "time"), emissions * ones
        out = outcome_metrics(ds)
        np.testing.assert_allclose(out.cum_emissions_domestic, total, rtol=rel)
        np.testing.assert_allclose(out.avg_growth, 0.02, rtol=1e-12)
        np.testing.assert_allclose(out.private_investment_change_vs_bau, [0.0, 2.0], atol=1e-12)


@pytest.mark.slow
def test_identities_hold_for_200_random_parameter_draws(dg):
    """Draws uniform within every tunable parameter's declared bounds; identities must hold
    along every path (up to the failure time for members that leave their domain)."""
    rng = np.random.default_rng(2025)
    draws = {}
    for name in dg.parameters:
        var = dg[name]
        lo, hi = var.bounds
        if var.tunable and lo is not None and hi is not None:
            draws[name] = rng.uniform(lo, hi, 200)
    ds = model.simulate(dg, draws, policies.all_paths(), t_span=(2025, 2100), identity_tol=np.inf)
    assert ds.sizes["draw"] == 200 and ds.sizes["policy"] == 3
    residuals = json.loads(ds.attrs["provenance"])["identity_max_residual"]
    assert max(residuals.values()) < 1e-8
    assert (ds.status == 0).sum() > 0  # some members succeed (others are flagged, not dropped)


PLAUSIBLE = {  # (low, high) over 2025-2100 on every reference path
    "omega": (0.45, 0.70), "lam": (0.90, 1.0), "inflation": (-0.02, 0.06), "u": (0.6, 1.0),
    "b": (-0.5, 2.0), "d": (-1.0, 2.0), "x_g": (0.0, 1.0), "r_cb": (-0.03, 0.12),
}


def test_reference_paths_stay_in_plausible_ranges(dg):
    """Guards the closures (conflicting-claims wage share, labour supply, Taylor rule, fiscal
    reaction) that keep a demand-led model's ratios bounded over 75 years."""
    ds = model.simulate(dg, None, policies.all_paths(), t_span=(2025, 2100))
    for name, (lo, hi) in PLAUSIBLE.items():
        values = ds[name].values
        assert values.min() > lo and values.max() < hi, (name, values.min(), values.max())
    growth = np.log(ds.Y.sel(time=2100) / ds.Y.sel(time=2025)) / 75
    assert np.all((growth > 0.01) & (growth < 0.035))
    assert float(ds.F_pub.min()) >= 0.0


GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden_outcomes.csv"


def test_outcomes_match_the_regression_golden(dg):
    """The outcome table of the three paths at the default parameters, to 1e-6 relative.
    After an intended change of the model, regenerate with ``python tests/make_goldens.py``
    and say why in the commit message."""
    from ..make_goldens import outcome_table
    expected = pd.read_csv(GOLDEN, index_col=0)
    got = outcome_table(dg)
    assert list(got.index) == list(expected.index) and list(got.columns) == list(expected.columns)
    np.testing.assert_allclose(got.to_numpy(float), expected.to_numpy(float), rtol=1e-6, atol=1e-9,
                               equal_nan=True)


@pytest.mark.slow
@pytest.mark.parametrize("year", [2025.0, 2060.0])
def test_analytic_jacobian_and_parameter_derivatives_match_finite_differences(dg, year):
    """The compiled chain-rule derivatives (used by the stiff solvers and by calibration's
    forward sensitivities) against central differences, on a state off the 2025 rest point."""
    cs = model.compile(dg)
    ds = model.simulate(dg, None, policies.market_shaping(), t_span=(2025, year + 0.5), t_eval=[year])
    y = np.array([float(ds[s][0]) for s in cs.states])
    p = cs.param_vector()
    L = cs.inputs_table(policies.market_shaping())
    J, Fp = cs.jac(year, y, p, L), cs.dfdp(year, y, p, L)
    for j in range(y.size):
        h = 1e-6 * max(1.0, abs(y[j]))
        e = np.zeros_like(y)
        e[j] = h
        fd = (cs.rhs(year, y + e, p, L) - cs.rhs(year, y - e, p, L)) / (2 * h)
        np.testing.assert_allclose(J[:, j], fd, rtol=1e-5, atol=1e-7 * max(1.0, np.abs(fd).max()),
                                   err_msg=f"d/d{cs.states[j]}")
    for j in range(p.size):
        h = 1e-6 * max(1.0, abs(p[j]))
        e = np.zeros_like(p)
        e[j] = h
        fd = (cs.rhs(year, y, p + e, L) - cs.rhs(year, y, p - e, L)) / (2 * h)
        np.testing.assert_allclose(Fp[:, j], fd, rtol=1e-5, atol=1e-7 * max(1.0, np.abs(fd).max()),
                                   err_msg=f"d/d{cs.parameters[j]}")


def test_factory_with_another_start_year_output_and_overrides_starts_at_rest():
    from model.directed_growth.factory import directed_growth as factory
    d = factory(t0=1990.0, y0=10.0, overrides={"phi1": 0.8, "omega": 0.62, "B": 5.0, "i_G": 0.045})
    cs = model.compile(d)
    y, p = cs.state_vector(), cs.param_vector()
    obs = cs.observed(1990.0, y, p, cs.inputs_table())
    assert obs["Y"] == pytest.approx(10.0, rel=1e-12)
    assert obs["b"] == pytest.approx(0.5, rel=1e-12)
    assert d["K_b"].default == pytest.approx(dg_default("K_b") * 10.0 / Y0)  # money stocks scale with y0
    dy = cs.rhs(1990.0, y, p, cs.inputs_table())
    for name in ("omega", "h", "r_cb", "Cap"):
        assert dy[d.stocks.index(name)] == pytest.approx(0.0, abs=1e-14), name
    # the origin rebuilds the same model (used by rerun)
    rebuilt = factory(**d.origin["kwargs"])
    assert rebuilt.equations_hash() == d.equations_hash()
    assert {n: v.default for n, v in rebuilt.variables.items()} == {n: v.default for n, v in d.variables.items()}


def dg_default(name):
    return directed_growth()[name].default


@pytest.mark.parametrize("kwargs, text", [
    ({"overrides": {"Z": 1.0}}, "'Z' is derived"),
    ({"overrides": {"phi_1": 1.0}}, "did you mean 'phi1'"),
    ({"overrides": {"Y": 1.0}}, "unknown override 'Y'"),
    ({"overrides": {"phi1": float("nan")}}, "must be finite"),
    ({"y0": -1.0}, "y0 must be a positive output"),
    ({"xg0": 1.0}, "xg0 must be a share"),
])
def test_factory_rejects_bad_overrides(kwargs, text):
    with pytest.raises(model.ModelError, match=text):
        directed_growth(**kwargs)

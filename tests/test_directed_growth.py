"""The directed-growth model (work in progress, issue 3): structure, start state, identities."""

import json

import numpy as np
import pytest

import model
from model import policies
from model.blocks.climate import STATE_2025
from model.library import dice2016_climate, dice2016_forcing_path
from model.library.directed_growth import Y0, directed_growth


@pytest.fixture(scope="module")
def dg():
    return directed_growth()


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


def test_climate_start_state_reproduces_its_derivation():
    ds = model.simulate(dice2016_climate(), None, model.Policy("hist", E=model.piecewise([2015, 2024], [35.9, 37.4])),
                        t_span=(2015, 2025), exogenous={"F_ex": dice2016_forcing_path()})
    for name, value in STATE_2025.items():
        assert float(ds[name][-1]) == pytest.approx(value, abs=1e-4)


def test_three_paths_run_and_identities_hold(dg):
    ds = model.simulate(dg, None, policies.all_paths(), t_span=(2025, 2100), exogenous=policies.default_exogenous())
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
    from model.analysis import OUTCOMES, compare
    ds = model.simulate(dg, None, policies.all_paths(), t_span=(2025, 2100), exogenous=policies.default_exogenous())
    df = compare(ds, system=dg)
    assert list(df.index) == ["bau", "market_fixing", "market_shaping"]
    assert set(df.columns) == set(OUTCOMES)
    assert df.loc["bau", "private_investment_change_vs_bau"] == 0.0
    assert np.isfinite(df["multiplier_1y"]).all() and np.isfinite(df["multiplier_4y"]).all()
    # cumulative emissions equal the integral of the saved path
    e = ds.E_dom.sel(policy="bau").values
    assert df.loc["bau", "cum_emissions_domestic"] == pytest.approx(np.trapezoid(e, ds.time.values))


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
    ds = model.simulate(dg, draws, policies.market_shaping(), t_span=(2025, 2100),
                        exogenous=policies.default_exogenous(), identity_tol=np.inf)
    assert ds.sizes["draw"] == 200
    residuals = json.loads(ds.attrs["provenance"])["identity_max_residual"]
    assert max(residuals.values()) < 1e-8
    assert (ds.status == 0).sum() > 0  # some members succeed (others are flagged, not dropped)

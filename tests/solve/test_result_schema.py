"""One result schema for simulate and ensemble: same variables and attributes, same solver choice,
both with provenance, both re-run by rerun(); one status table."""

import numpy as np
import pandas as pd
import pytest

import model
from model import Block, Policy, Status, combine, param, stock
from model.library import keen

#: the ensemble's defaults, passed to simulate too (the defaults differ for a stated reason)
TOL = dict(rtol=1e-6, atol=1e-9, max_steps=20_000)
DIAGNOSTICS = ("status", "t_reached", "n_steps", "failure")


@pytest.fixture(scope="module")
def keen_sys():
    return keen()


@pytest.fixture(scope="module")
def keen_draws():
    # the third draw leaves the bounds (wage share above its limit) near t = 74: a failed member in both
    return pd.DataFrame({"kappa2": [18.0, 20.0, 22.0], "r": [0.03, 0.035, 0.03]})


def _paths(ds):
    return {n: v for n, v in ds.data_vars.items() if "time" in v.dims}


def test_status_table_is_one_enum():
    assert model.STATUS == {int(s): s.name.lower() for s in Status}
    assert Status(7).meaning == "diverged" and "divergence limit" in Status.DIVERGED.message
    assert Status(8).meaning == "implausible" and "plausible range" in Status.IMPLAUSIBLE.message
    assert Status(9).meaning == "identity_violated" and "accounting identity" in Status.IDENTITY_VIOLATED.message
    attrs = Status.flag_attrs()
    assert list(attrs["flag_values"]) == list(range(10))
    assert attrs["flag_meanings"].split() == [model.STATUS[k] for k in range(10)]


def test_simulate_and_ensemble_give_the_same_paths_and_schema_for_keen(keen_sys, keen_draws):
    pols = [Policy("a"), Policy("b")]
    sim = model.simulate(keen_sys, dict(keen_draws), pols, t_span=(0, 100), **TOL)
    ens = model.ensemble(keen_sys, keen_draws, pols, t_span=(0, 100), progress=False, **TOL)
    assert set(_paths(ens)) == set(keen_sys.stocks) <= set(_paths(sim))
    for n in keen_sys.stocks:
        assert sim[n].dims == ens[n].dims == ("policy", "draw", "time")
        assert np.array_equal(sim[n].values, ens[n].values, equal_nan=True), n
        assert sim[n].attrs == ens[n].attrs, n  # description, valid_min/valid_max too (review: missing in ens)
    assert any("valid_min" in ens[n].attrs for n in keen_sys.stocks)
    assert list(ens.status.values[:, 2]) == [Status.LEFT_BOUNDS] * 2  # the failed member, in both
    for n in DIAGNOSTICS:
        assert sim[n].dims == ens[n].dims == ("policy", "draw")
        assert {k: str(v) for k, v in sim[n].attrs.items()} == {k: str(v) for k, v in ens[n].attrs.items()}
        assert np.array_equal(sim[n].values, ens[n].values), n
    assert ens.failure.values[0, 2].startswith("model 'keen', policy 'a': stock")
    for n in ("kappa2", "r"):  # drawn parameters: the same name, dims and attributes
        assert sim[n].dims == ens[n].dims == ("draw",) and sim[n].attrs["drawn"] == ens[n].attrs["drawn"] == 1
        assert sim[n].attrs == ens[n].attrs
    assert float(sim["nu"]) == float(ens["nu"]) == keen_sys["nu"].default  # the others as scalars in both
    assert "provenance" in sim.attrs and "provenance" in ens.attrs


def test_rerun_reproduces_a_keen_ensemble(keen_sys, keen_draws, tmp_path):
    ens = model.ensemble(keen_sys, keen_draws, None, t_span=(0, 100), progress=False)
    ens.to_netcdf(tmp_path / "ens.nc")
    import xarray as xr

    again = model.rerun(xr.load_dataset(tmp_path / "ens.nc"))
    for n in keen_sys.stocks:
        assert np.array_equal(again[n].values, ens[n].values, equal_nan=True), n
    assert np.array_equal(again.status.values, ens.status.values)


def _two_stage_decay(name: str):
    """a' = -k1 a, b' = k1 a - k2 b from a = 1, b = 0: b = k1 / (1 - k1) (exp(-k1 t) - exp(-t)) for k2 = 1;
    stiff for large k1 [1/year]."""
    a = stock("a", "tC", default=1.0)
    b = stock("b", "tC", default=0.0)
    k1 = param("k1", "1/year", default=1e4, bounds=(0, None))
    k2 = param("k2", "1/year", default=1.0)
    return combine(Block("decay", (a, b, k1, k2), derivatives={"a": -k1.sym * a.sym,
                                                                "b": k1.sym * a.sym - k2.sym * b.sym}), name=name)


def test_ensemble_switches_stiff_members_to_compiled_radau_as_simulate_does():
    """Two-stage decay with rates k1 (drawn: 1 per year, not stiff; 1e4, stiff) and 1 per year."""
    s = _two_stage_decay("stiff2")
    draws = {"k1": [2.0, 1e4]}
    ens = model.ensemble(s, draws, t_span=(0, 10), progress=False, rtol=1e-8, atol=1e-12, max_steps=200_000)
    assert "radau5 (compiled Radau IIA of order 5, analytic Jacobian) for the members found stiff (auto)" \
        in ens.attrs["solver"]
    assert list(ens.status.values[0]) == [0, 0]
    for i, k in enumerate(draws["k1"]):
        single = model.simulate(s, {"k1": k}, t_span=(0, 10), rtol=1e-8, atol=1e-12)
        assert single.attrs["solver"].startswith("radau5" if k > 1e3 else "dopri5")
        assert np.array_equal(ens.b.values[0, i], single.b.values), k
        t = ens.time.values
        exact_b = k / (1.0 - k) * (np.exp(-k * t) - np.exp(-t))
        np.testing.assert_allclose(ens.b.values[0, i], exact_b, rtol=1e-6, atol=1e-10)
    # method="dopri5": no switch (the stiff member takes Dormand-Prince's many small steps)
    fixed = model.ensemble(s, draws, t_span=(0, 10), progress=False, rtol=1e-8, atol=1e-12, max_steps=200_000,
                           method="dopri5")
    assert "radau" not in fixed.attrs["solver"].lower() and np.array_equal(fixed.b.values[0, 0], ens.b.values[0, 0])
    assert fixed.n_steps.values[0, 1] > 10 * ens.n_steps.values[0, 0]


def test_directed_growth_ensemble_matches_simulate_and_reruns(tmp_path):
    """Three draws under the three paths: the ensemble re-derives each draw's start (the model's start
    hook); simulate given the same values gives the same paths, and rerun repeats the ensemble."""
    import xarray as xr

    from model.directed_growth import directed_growth, policies

    dg = directed_growth()
    draws = {"phi1": dg["phi1"].default * np.array([0.9, 1.0, 1.1])}
    ens = model.ensemble(dg, draws, policies.all_paths(), t_span=(2025, 2060), progress=False, method="auto")
    assert ens.T_at.dims == ("policy", "draw", "time") and ens.T_end.dims == ("policy", "draw")
    assert ens.T_end.attrs["better"] == "lower"
    held = {n: ens[n].values for n, v in ens.data_vars.items() if v.dims == ("draw",)}
    assert ens["phi1"].attrs["drawn"] == 1 and ens["phi0"].attrs["drawn"] == 0  # re-derived per draw
    params = {n: v for n, v in held.items() if n in dg.parameters}
    initial = {ens[n].attrs["stock"]: v for n, v in held.items() if "stock" in ens[n].attrs}
    sim = model.simulate(dg, params, policies.all_paths(), initial=initial, t_span=(2025, 2060), **TOL)
    for n in ens.data_vars:
        if "time" in ens[n].dims:
            assert np.array_equal(sim[n].values, ens[n].values, equal_nan=True), n
            assert sim[n].attrs == ens[n].attrs, n
    assert ens.T_at.attrs["description"]
    assert any("valid_min" in ens[n].attrs for n in ens.data_vars if "time" in ens[n].dims)
    ens.to_netcdf(tmp_path / "ens.nc")
    again = model.rerun(xr.load_dataset(tmp_path / "ens.nc"))
    for n in ens.data_vars:
        if ens[n].dims[:2] == ("policy", "draw"):
            assert np.array_equal(again[n].values, ens[n].values, equal_nan=ens[n].dtype.kind == "f"), n


def test_an_ensemble_of_a_discrete_map_runs_the_map_as_simulate_does():
    """Review input: a 1-member ensemble of ``dice2016_climate(discrete=True)`` gave M_at(2020) = 890.085
    (Dormand-Prince integrating the map's ``(x_next - x)/dt``) where simulate gives 891.481."""
    import numpy as np

    from model.library import dice2016_climate

    s = dice2016_climate(discrete=True)
    draws = {"S": np.array([s.variables["S"].default])}
    ens = model.ensemble(s, draws, progress=False)
    sim = model.simulate(s, draws)
    assert "discrete map" in ens.attrs["solver"]
    assert float(sim["M_at"].sel(time=2020).item()) == pytest.approx(891.481, abs=5e-4)
    np.testing.assert_array_equal(ens["M_at"].isel(policy=0).values, sim["M_at"].values)
    again = model.rerun(ens)
    np.testing.assert_array_equal(again["M_at"].values, ens["M_at"].values)


def test_simulate_with_draws_and_ensemble_agree_on_stiff_members(tmp_path):
    """Rates k1 of 1 (not stiff), 1e4 and 1e5 per year (stiff): ``simulate(draws)`` and ``ensemble`` (its
    default method, and from a store) give the same numbers member by member, and both name the compiled
    Radau in their provenance; ``method="radau5"`` runs every member with it, as a single run does."""
    import json

    s = _two_stage_decay("stiff3")
    draws = {"k1": [1.0 + 1e-3, 1e4, 1e5]}  # k1 = 1 exactly is the degenerate case of the closed form
    kw = dict(t_span=(0, 10), rtol=1e-8, atol=1e-12, max_steps=200_000)
    sim = model.simulate(s, draws, **kw)
    ens = model.ensemble(s, draws, progress=False, **kw)
    stored = model.ensemble(s, draws, progress=False, store=tmp_path / "store", chunk_size=2, **kw)
    for ds in (sim, ens, stored):
        assert "radau5 (compiled Radau IIA of order 5, analytic Jacobian) for the members found stiff (auto)" \
            in ds.attrs["solver"]
    assert json.loads(ens.attrs["provenance"])["options"]["method"] == "auto"
    for i, k in enumerate(draws["k1"]):
        assert np.array_equal(sim.b.values[i], ens.b.values[0, i]), k
        assert np.array_equal(stored.b.values[0, i], ens.b.values[0, i]), k
        t = ens.time.values
        np.testing.assert_allclose(ens.b.values[0, i], k / (1.0 - k) * (np.exp(-k * t) - np.exp(-t)), rtol=1e-6,
                                   atol=1e-10)
    every = model.ensemble(s, draws, progress=False, method="radau5", **kw)
    assert every.attrs["solver"] == "radau5 (compiled Radau IIA of order 5, analytic Jacobian), parallel ensemble"
    for i, k in enumerate(draws["k1"]):
        single = model.simulate(s, {"k1": k}, method="radau5", **kw)
        assert np.array_equal(every.b.values[0, i], single.b.values), k
        assert np.array_equal(every.n_steps.values[0, i], single.n_steps.values), k

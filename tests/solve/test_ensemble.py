"""Ensembles: members agree with single runs, failures are flagged, Dask and resumed runs are identical."""

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import model
from model.analysis.draws import from_bounds, from_table
from model.directed_growth import policies
from model.directed_growth.factory import directed_growth
from model.errors import ModelError
from model.solve.ensembles import check_draws, ensemble

ROOT = Path(__file__).resolve().parents[2]
POLS = [policies.bau(), policies.market_shaping()]
NAMES = ["phi1", "alpha0"]


def _draws(dg, n, seed=0):
    return from_bounds(dg, NAMES, n, seed=seed, ranges={k: (0.8 * dg[k].default, 1.2 * dg[k].default) for k in NAMES})


def test_member_equals_a_single_run_of_the_model_rebuilt_at_its_draw(dg):
    draws = _draws(dg, 3)
    ens = ensemble(dg, draws, POLS, t_span=(2025, 2060), rtol=1e-9, atol=1e-11, progress=False)
    for i in range(3):
        over = {k: float(draws[k][i]) for k in NAMES}
        single = model.simulate(directed_growth(overrides=over), None, POLS, t_span=(2025, 2060),
                                rtol=1e-9, atol=1e-11)
        for var in ("Y", "T_at", "omega"):
            np.testing.assert_allclose(ens[var].isel(draw=i).values, single[var].values, rtol=1e-6, err_msg=var)
        # the re-derived start quantities are those of the rebuilt model
        assert float(ens["phi0"][i]) == pytest.approx(directed_growth(overrides=over)["phi0"].default, rel=1e-12)
    assert set(ens.status.values.ravel()) == {0}
    assert ens.avg_growth.dims == ("policy", "draw")


def test_failed_members_are_flagged_with_the_reason_and_the_others_kept(dg):
    draws = _draws(dg, 40, seed=1)
    full = ensemble(dg, draws, POLS[:1], progress=False)
    limit = int(np.median(full.n_steps.values))
    cut = ensemble(dg, draws, POLS[:1], progress=False, max_steps=limit)
    st = cut.status.values[0]
    assert (st == 0).any() and (st == 4).any(), (limit, st)
    np.testing.assert_array_equal(st == 0, full.n_steps.values[0] <= limit)
    failed = st != 0
    assert all("maximum number of steps" in r for r in cut.failure.values[0][failed])
    assert all(r == "" for r in cut.failure.values[0][~failed])
    assert np.isnan(cut.T_end.values[0][failed]).all()
    np.testing.assert_array_equal(cut.Y.values[0][~failed], full.Y.values[0][~failed])
    # the path of a failed member is kept up to where the solver stopped, NaN after
    i = int(np.flatnonzero(failed)[0])
    t_r = float(cut.t_reached[0, i])
    before = cut.time.values <= t_r
    assert np.isfinite(cut.Y.values[0, i, before]).all() and np.isnan(cut.Y.values[0, i, ~before]).all()


def test_re_derived_start_stocks_of_directed_growth_can_be_kept_as_paths(dg):
    draws = _draws(dg, 2)
    ens = ensemble(dg, draws, POLS[:1], variables=("K_g", "K_b", "Z"), t_span=(2025, 2030),
                   outcomes=False, progress=False)
    for s in ("K_g", "K_b", "Z"):
        assert ens[s].dims == ("policy", "draw", "time") and ens[s].sizes["time"] == 6
        np.testing.assert_array_equal(ens[s].isel(policy=0, time=0).values, ens[f"{s}_start"].values)
        assert ens[f"{s}_start"].attrs["drawn"] == 0 and ens[f"{s}_start"].attrs["stock"] == s
    for i in range(2):
        over = {k: float(draws[k][i]) for k in NAMES}
        assert float(ens["K_g_start"][i]) == pytest.approx(directed_growth(overrides=over)["K_g"].default, rel=1e-12)


def test_chunking_does_not_change_results_and_draws_are_reproducible(dg):
    a = ensemble(dg, _draws(dg, 30, seed=4), POLS, chunk_size=7, progress=False)
    b = ensemble(dg, _draws(dg, 30, seed=4), POLS, chunk_size=30, progress=False)
    for v in ("Y", "T_end", "status", "phi0"):
        np.testing.assert_array_equal(a[v].values, b[v].values)
    assert not _draws(dg, 30, seed=5).equals(_draws(dg, 30, seed=4))


def test_dask_local_cluster_gives_results_identical_to_the_local_run(dg, tmp_path):
    distributed = pytest.importorskip("distributed")
    draws = _draws(dg, 60, seed=2)
    local = ensemble(dg, draws, POLS, chunk_size=20, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = ensemble(dg, draws, POLS, chunk_size=20, client=client, store=tmp_path / "s",
                          progress=False)
        in_memory = ensemble(dg, draws, POLS, chunk_size=20, client=client, progress=False)
    assert len(list((tmp_path / "s" / "chunks").glob("chunk_*.nc"))) == 3
    for v in local.data_vars:
        np.testing.assert_array_equal(remote[v].values, local[v].values, err_msg=v)
        np.testing.assert_array_equal(in_memory[v].values, local[v].values, err_msg=v)


_SCRIPT = textwrap.dedent("""
    import sys
    from model.directed_growth import policies
    from model.analysis.draws import from_bounds
    from model.solve.ensembles import ensemble
    from model.directed_growth import directed_growth
    dg = directed_growth()
    names = ["phi1", "alpha0"]
    draws = from_bounds(dg, names, 3000, seed=7, ranges={k: (0.8 * dg[k].default, 1.2 * dg[k].default) for k in names})
    ensemble(dg, draws, [policies.bau(), policies.market_shaping()],
             chunk_size=100, store=sys.argv[1], progress=False)
""")


@pytest.mark.slow
@pytest.mark.subprocess
def test_an_interrupted_run_resumes_with_every_member_once(dg, tmp_path):
    store = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", _SCRIPT, str(store)], env=env, start_new_session=True)
    chunks = store / "chunks"
    deadline = time.time() + 300
    try:
        while time.time() < deadline and len(list(chunks.glob("chunk_*.nc"))) < 3 and proc.poll() is None:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # midway: some chunks written, others not
    finally:
        proc.wait()
    before = sorted(p.name for p in chunks.glob("chunk_*.nc"))
    assert 3 <= len(before) < 30, before
    stamps = {p.name: p.stat().st_mtime_ns for p in chunks.glob("chunk_*.nc")}
    names = ["phi1", "alpha0"]
    draws = from_bounds(dg, names, 3000, seed=7, ranges={k: (0.8 * dg[k].default, 1.2 * dg[k].default) for k in names})
    pols = [policies.bau(), policies.market_shaping()]
    out = ensemble(dg, draws, pols, chunk_size=100, store=store, progress=False)
    assert out.sizes["draw"] == 3000
    np.testing.assert_array_equal(out.draw.values, np.arange(3000))
    log = sorted(tuple(map(int, line.split()[:2])) for line in (store / "computed.log").read_text().splitlines())
    assert len(log) == len(set(log))  # no chunk computed twice
    # every chunk missing at the kill is computed once by the resumed run; one the killed run finished may lack
    # its log line (killed between the chunk's atomic rename and the log append): it is not computed again
    written_before = {tuple(int(x) for x in re.findall(r"\d+", name)[:2]) for name in before}
    assert set(log) | written_before == {(100 * i, 100 * i + 100) for i in range(30)}
    assert len(written_before - set(log)) <= 1
    assert {p.name: p.stat().st_mtime_ns for p in chunks.glob("chunk_*.nc") if p.name in stamps} == stamps
    assert not list(chunks.glob(".*tmp"))  # a chunk being written when killed never counts; its .tmp is removed
    assert not list((store / "claims").iterdir())  # the killed run's claim was recovered
    ref = ensemble(dg, draws.iloc[2900:], pols, progress=False)
    np.testing.assert_array_equal(out.T_end.isel(draw=slice(2900, None)).values, ref.T_end.values)


def test_other_models_get_their_stocks_and_no_outcomes_by_default():
    from model.library import keen

    k = keen()
    draws = from_bounds(k, ["kappa2"], 50, ranges={"kappa2": (18.0, 22.0)})
    ens = ensemble(k, draws, None, t_span=(0, 300), progress=False)
    assert set(k.stocks) <= set(ens.data_vars) and "T_end" not in ens
    failed = ens.status.values[0] != 0
    assert failed.any() and not failed.all()  # some members leave the (0, 1) employment domain (design.md sec. 9)
    # the wage share diverges as employment nears the Phillips curve's singularity at 1
    assert all("left its declared bounds" in r or "diverged" in r for r in ens.failure.values[0][failed])
    with pytest.raises(ModelError, match="pass outcomes=False"):
        ensemble(k, draws, None, t_span=(0, 300), outcomes=True, progress=False)


def test_a_store_refuses_a_different_run(dg, tmp_path):
    ensemble(dg, _draws(dg, 5), POLS, store=tmp_path, progress=False)
    with pytest.raises(ModelError, match="holds a different ensemble"):
        ensemble(dg, _draws(dg, 5, seed=9), POLS, store=tmp_path, progress=False)


def test_bad_draws_and_options_get_clear_errors(dg, tmp_path):
    with pytest.raises(ModelError, match="not a parameter or stock"):
        check_draws(dg, {"nonsense": [1.0]})
    with pytest.raises(ModelError, match="derived from the start state"):
        ensemble(dg, {"phi0": [0.1, 0.2]}, POLS, progress=False)
    with pytest.raises(ModelError, match="outside its declared bounds"):
        check_draws(dg, {"phi1": [-5.0]})
    with pytest.raises(ModelError, match="missing or non-numeric"):
        check_draws(dg, {"phi1": [0.5, np.nan]})
    with pytest.raises(ModelError, match="unknown sampling method"):
        from_bounds(dg, ["phi1"], 4, method="grid")
    with pytest.raises(ModelError, match="unknown variable"):
        ensemble(dg, {"phi1": [0.5]}, POLS, variables=("nope",), progress=False)
    path = tmp_path / "d.csv"
    _draws(dg, 4).to_csv(path)
    assert from_table(path, dg).shape == (4, 2)
    lhs = from_bounds(dg, ["phi1", "alpha0"], 8, method="lhs", seed=0)
    lo, hi = dg["phi1"].bounds
    # a Latin hypercube puts exactly one draw in each of the n equal strata of every range
    strata = np.floor((lhs["phi1"].to_numpy() - lo) / (hi - lo) * 8).astype(int)
    assert sorted(strata) == list(range(8))

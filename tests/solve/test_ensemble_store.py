"""Ensemble stores: chunks named by their draws (any chunk size resumes exactly), whole strings,
concurrent runs sharing one store, recovery of what a dead run left; drawn start stocks keep their paths."""

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas
import pytest
import xarray as xr

from model.errors import ModelError
from model.solve.ensemble_store import Store, chunk_name
from model.solve.ensembles import ensemble, open_store

ROOT = Path(__file__).resolve().parents[2]
SPAN = (0, 50)


def _draws(n):
    return pandas.DataFrame({"kappa2": np.linspace(18.0, 22.0, n)})


def _log(store):
    """Computed chunks as (start, stop) in the order they were logged."""
    return [tuple(map(int, line.split()[:2])) for line in (store / "computed.log").read_text().splitlines()]


def _dead_pid():
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.mark.subprocess
def test_a_store_resumes_exactly_with_another_chunk_size(keen_system, tmp_path):
    store = tmp_path / "s"
    full = ensemble(keen_system, _draws(10), None, t_span=SPAN, progress=False)
    ensemble(keen_system, _draws(10), None, t_span=SPAN, chunk_size=4, store=store, progress=False)
    assert _log(store) == [(0, 4), (4, 8), (8, 10)]
    # as if killed after the first chunk: the others gone, a partial chunk and a claim of the dead run left
    dead = _dead_pid()
    for a, b in ((4, 8), (8, 10)):
        (store / "chunks" / chunk_name(a, b)).unlink()
    (store / "chunks" / f".{chunk_name(4, 8)}.{dead}.tmp").write_bytes(b"partial")
    (store / "claims" / "draws_000000004_000000008.claim").write_text(f"{dead} {socket.gethostname()}\n")
    out = ensemble(keen_system, _draws(10), None, t_span=SPAN, chunk_size=5, store=store, progress=False)
    assert out.sizes["draw"] == 10
    np.testing.assert_array_equal(out.draw.values, np.arange(10))  # member 4 included, each member once
    assert _log(store)[3:] == [(4, 9), (9, 10)]  # only the draws not stored were computed
    for v in ("lam", "omega", "d", "status", "kappa2"):
        np.testing.assert_array_equal(out[v].values, full[v].values, err_msg=v)
    assert not list((store / "chunks").glob(".*.tmp")) and not list((store / "claims").iterdir())
    # a finished store rerun with chunk 2: the same 10 members, nothing recomputed
    again = ensemble(keen_system, _draws(10), None, t_span=SPAN, chunk_size=2, store=store, progress=False)
    assert again.sizes["draw"] == 10
    np.testing.assert_array_equal(again.draw.values, np.arange(10))
    assert len(_log(store)) == 5


def test_failure_reasons_written_through_a_store_are_kept_whole(keen_system, tmp_path):
    # the first chunk only successes (reason '' : one character wide), a later chunk a long reason
    probe = ensemble(keen_system, _draws(40), None, t_span=(0, 300), progress=False)
    ok = np.flatnonzero(probe.status.values[0] == 0)
    bad = np.flatnonzero(probe.status.values[0] != 0)
    assert ok.size >= 4 and bad.size >= 1
    draws = _draws(40).iloc[np.r_[ok[:4], bad[:2]]].reset_index(drop=True)
    ref = ensemble(keen_system, draws, None, t_span=(0, 300), progress=False)
    out = ensemble(keen_system, draws, None, t_span=(0, 300), chunk_size=4, store=tmp_path / "s", progress=False)
    reasons = ref.failure.values[0]
    assert (reasons[:4] == "").all() and all(len(r) > 30 and r.startswith("model 'keen'") for r in reasons[4:])
    np.testing.assert_array_equal(out.failure.values, ref.failure.values)
    out.to_netcdf(tmp_path / "joined.nc")  # the joined store written out: the reasons are not cut to '<U1'
    with xr.open_dataset(tmp_path / "joined.nc") as back:
        np.testing.assert_array_equal(back.failure.values, ref.failure.values)


_WORKER = textwrap.dedent("""
    import pathlib, sys, time
    import numpy as np, pandas
    from model.library import keen
    from model.solve.ensembles import ensemble
    k = keen()
    draws = pandas.DataFrame({"kappa2": np.linspace(18.0, 22.0, 200)})
    ensemble(k, draws.iloc[:2], None, t_span=(0, 50), progress=False)  # load the compiled model first
    pathlib.Path(sys.argv[3]).touch()
    while not pathlib.Path(sys.argv[2]).exists():
        time.sleep(0.002)
    out = ensemble(k, draws, None, t_span=(0, 50), chunk_size=2, store=sys.argv[1], progress=False)
    print(out.sizes["draw"], float(out.lam.sum()))
""")


@pytest.mark.subprocess
def test_two_processes_on_one_store_compute_each_chunk_once(keen_system, tmp_path):
    store, go = tmp_path / "s", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, str(store), str(go), str(tmp_path / f"ready{i}")],
                              env=env, stdout=subprocess.PIPE, text=True) for i in range(2)]
    deadline = time.time() + 300
    while not all((tmp_path / f"ready{i}").exists() for i in range(2)) and time.time() < deadline:
        assert all(p.poll() is None for p in procs), "a worker died before starting"
        time.sleep(0.01)
    go.touch()  # both start on the store at the same moment
    outs = [p.communicate(timeout=300)[0].split() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    ref = ensemble(keen_system, _draws(200), None, t_span=SPAN, progress=False)
    for size, total in outs:  # each process returns the complete ensemble
        assert int(size) == 200 and float(total) == pytest.approx(float(ref.lam.sum()), rel=1e-12)
    lines = (store / "computed.log").read_text().splitlines()
    ranges = sorted(tuple(map(int, line.split()[:2])) for line in lines)
    covered = np.concatenate([np.arange(a, b) for a, b in ranges])
    np.testing.assert_array_equal(np.sort(covered), np.arange(200))  # every draw computed exactly once
    assert len({line.split()[2] for line in lines}) == 2  # and both processes did part of the work


def test_a_chunk_finished_between_the_two_scans_of_a_claim_is_not_claimed_again(tmp_path, monkeypatch):
    # CI input (stop 18): two processes logged 202 computed draws for 200. Another process finishes
    # draws 0-1 (writes its chunk, then drops its claim) while this one plans its next range.
    st = Store(tmp_path / "s")
    other = f"{os.getppid()} {socket.gethostname()}\n"  # a live process that is not this one
    claim = st.claims / "draws_000000000_000000002.claim"
    claim.write_text(other)
    scan = Store.covered

    def covered_then_the_other_finishes(self, n):
        mask = scan(self, n)
        if claim.exists():
            (self.chunks / chunk_name(0, 2)).write_bytes(b"")
            claim.unlink()
        return mask

    monkeypatch.setattr(Store, "covered", covered_then_the_other_finishes)
    assert st.claim(6, 2) == (2, 4)


def test_a_corrupt_manifest_gives_a_one_line_error(keen_system, tmp_path):
    store = tmp_path / "s"
    ensemble(keen_system, _draws(3), None, t_span=SPAN, store=store, progress=False)
    assert json.loads((store / "manifest.json").read_text())["n_draws"] == 3
    (store / "manifest.json").write_text('{"signature": "abc", trunc')
    with pytest.raises(ModelError, match=r"manifest .*manifest.json is unreadable or not valid JSON.*delete the "
                                         r"store directory") as err:
        ensemble(keen_system, _draws(3), None, t_span=SPAN, store=store, progress=False)
    assert "\n" not in str(err.value)
    with pytest.raises(ModelError, match="not valid JSON"):
        open_store(store)
    assert not list(store.glob(".manifest*"))


def test_a_store_with_position_named_chunks_is_renamed_by_draw_range(keen_system, tmp_path):
    store = tmp_path / "s"
    ensemble(keen_system, _draws(6), None, t_span=SPAN, chunk_size=3, store=store, progress=False)
    os.replace(store / "chunks" / chunk_name(3, 6), store / "chunks" / "chunk_000001.nc")  # the old naming
    with pytest.raises(ModelError, match="named by position"):
        open_store(store)
    out = ensemble(keen_system, _draws(6), None, t_span=SPAN, chunk_size=3, store=store, progress=False)
    np.testing.assert_array_equal(out.draw.values, np.arange(6))
    assert sorted(p.name for p in (store / "chunks").glob("chunk_*.nc")) == [chunk_name(0, 3), chunk_name(3, 6)]
    assert len(_log(store)) == 2  # renamed, not recomputed


def test_a_drawn_start_stock_keeps_its_path_and_its_start_value_beside_it(keen_system):
    ds = ensemble(keen_system, pandas.DataFrame({"lam": [0.70, 0.75, 0.80]}), t_span=(0, 50), progress=False)
    assert ds.lam.dims == ("policy", "draw", "time")
    np.testing.assert_array_equal(ds.lam.isel(policy=0, time=0).values, [0.70, 0.75, 0.80])
    assert ds.lam.sizes["time"] == 51 and np.ptp(ds.lam.isel(policy=0, draw=0).values) > 0
    assert ds.lam_start.dims == ("draw",)
    np.testing.assert_array_equal(ds.lam_start.values, [0.70, 0.75, 0.80])
    assert ds.lam_start.attrs["stock"] == "lam" and ds.lam_start.attrs["drawn"] == 1

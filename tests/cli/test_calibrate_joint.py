"""``dgm calibrate --joint``: option errors (one line, exit 2, before any model runs) and a small real run."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model.cli.commands import main

ROOT = Path(__file__).resolve().parents[2]

CASES = [
    (["--joint", "--mcmc", "--out", "c.toml"], "--joint and --mcmc are two calibrations"),
    (["--joint"], "nothing to write"),
    (["--joint", "--start-state", "s.toml"], "--joint writes a parameter file: pass --out"),
    (["--joint", "--out", "c.toml", "--variant", "keynes"],
     "--variant 'keynes' is not a variant; valid: both, mazzucato, boysen_hogrefe"),
    (["--joint", "--out", "c.toml", "--walkers", "10"], "--walkers must be at least 24, got 10"),
    (["--joint", "--out", "c.toml", "--runs", "0"], "--runs must be positive, got 0"),
    (["--joint", "--out", "c.toml", "--steps", "3"], "--steps must be at least 10"),
    (["--joint", "--out", "c.toml", "--figures", "figs"], "--figures does not apply to --joint"),
    (["--out", "c.toml", "--runs", "2"], "--runs applies to --joint only; pass --joint too"),
    (["--out", "c.toml", "--variant", "mazzucato"], "--variant applies to --joint only"),
    (["--joint", "--out", "c.toml", "--sampler", "smc", "--particles", "5"], "--particles must be at least 20, got 5"),
    (["--joint", "--out", "c.toml", "--sampler", "smc", "--smc-runs", "0"], "--smc-runs must be positive, got 0"),
    (["--out", "c.toml", "--particles", "50"], "--particles applies to --joint only"),
    (["--joint", "--out", "c.toml", "--particles", "50"], "--particles and --smc-runs set the tempered SMC: pass "
                                                          "--sampler smc"),
    (["--joint", "--out", "c.toml", "--sampler", "smc", "--nested-runs", "2"], "--nested-runs sets the nautilus"),
    (["--joint", "--out", "c.toml", "--nested-runs", "0"], "--nested-runs must be at least 2, got 0"),
    (["--joint", "--out", "c.toml", "--nested-runs", "1"], "--nested-runs must be at least 2, got 1: R-hat and"),
    (["--out", "c.toml", "--sampler", "smc"], "--sampler applies to --joint only"),
    (["--joint", "--out", "c.toml"], "usa_posterior.csv exists beside --out; pass --force"),
]


@pytest.mark.parametrize(("argv", "message"), CASES)
def test_joint_option_errors_are_one_line(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    if "exists beside" in message:
        (tmp_path / "usa_posterior.csv").write_text("c_w\n0.8\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["calibrate", *argv]) == 2
    err = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert len(err) == 1 and message in err[0], err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.slow
def test_small_joint_run_writes_a_file_an_ensemble_reads(tmp_path):
    """--runs 2 --walkers 24 --steps 40 --sampler smc --particles 24 --smc-runs 2 on the US (the draws mean
    nothing; the file's structure does). The default sampler's (nautilus) runs take minutes each: its pooling and
    diagnostics are tested in tests/calibration/test_nested.py, and the shipped files are its full runs."""
    import tomllib

    from calibration.posterior import posterior_draws

    out = tmp_path / "usa_joint.toml"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = ["calibrate", "--country", "USA", "--joint", "--runs", "2", "--walkers", "24", "--steps", "40",
            "--sampler", "smc", "--particles", "24", "--smc-runs", "2", "--out", str(out)]
    r = subprocess.run([sys.executable, "-m", "model.cli", *argv], capture_output=True, text=True, env=env,
                       timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    doc = tomllib.loads(out.read_text())
    assert (tmp_path / "usa_posterior.csv").is_file() and (tmp_path / "usa_posterior_bh.csv").is_file()
    assert {"chi", "eta_RD", "c_w", "g_Z"} <= set(doc["posterior"])
    assert set(doc["irf"]) == {"mazzucato", "boysen_hogrefe"}
    df = posterior_draws(out, 200, seed=0)
    table = np.loadtxt(tmp_path / "usa_posterior.csv", delimiter=",", skiprows=1)
    header = (tmp_path / "usa_posterior.csv").read_text().splitlines()[0].split(",")
    pairs = {(round(a, 12), round(b, 12)) for a, b in zip(table[:, header.index("c_w")], table[:, header.index("chi")])}
    assert all((round(a, 12), round(b, 12)) in pairs for a, b in zip(df["c_w"], df["chi"]))

"""The dgm command: runs, equations, clean errors."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from model.cli.commands import main

ROOT = Path(__file__).resolve().parents[2]


def test_run_writes_netcdf_with_overrides(tmp_path, capsys):
    out = tmp_path / "keen.nc"
    assert main(["run", "keen", "--param", "alpha=0.024", "--t-end", "50", "--out", str(out)]) == 0
    ds = xr.open_dataset(out)
    assert float(ds.alpha) == 0.024 and float(ds.time[-1]) == 50.0
    assert ds.lam.attrs["long_name"] == "employment rate"
    assert "keen" in capsys.readouterr().err
    # no silent overwrite
    assert main(["run", "keen", "--out", str(out)]) == 2
    assert "exists; pass --force" in capsys.readouterr().err


def test_run_plot_and_discrete_model(tmp_path):
    assert main(["run", "dice2016_discrete", "--out", str(tmp_path / "d.nc"), "--plot", str(tmp_path / "d.png")]) == 0
    ds = xr.open_dataset(tmp_path / "d.nc")
    np.testing.assert_allclose(np.diff(ds.time), 5.0)
    assert (tmp_path / "d.png").stat().st_size > 10_000


@pytest.mark.parametrize("args, code, text", [
    (["run", "keen", "--param", "alfa=1"], 2, "unknown parameter(s) 'alfa'"),
    (["run", "keen", "--param", "alpha=abc"], 2, "is not a number"),
    (["run", "keen", "--param", "nu=100"], 2, "outside its declared bounds"),
    (["run", "keen", "--param", "kappa2=22"], 1, "solver failed"),
    (["run", "nosuchmodel"], 2, "invalid choice"),
    (["equations", "keen", "--format", "html"], 2, "invalid choice"),
])
def test_bad_input_gives_one_line_and_exit_code(tmp_path, capsys, args, code, text):
    if args[0] == "run" and "--out" not in args:
        args = args + ["--out", str(tmp_path / "x.nc")]
    assert main(args) == code
    err = capsys.readouterr().err
    assert text in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.nc").exists()


def test_equations_latex_and_markdown(capsys):
    assert main(["equations", "keen", "--format", "latex"]) == 0
    tex = capsys.readouterr().out
    assert r"\dot{\omega}" in tex and r"\begin{align}" in tex
    assert main(["equations", "keen", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    # the nomenclature row of kappa2: name, LaTeX symbol, kind, units, default
    row = next(line for line in md.splitlines() if line.startswith("| `kappa2` |"))
    assert row.startswith("| `kappa2` | $\\kappa_2$ | parameter | `dimensionless` |") and "| 20 |" in row


COMMANDS = ["run", "equations", "models", "compare", "calibrate", "ensemble", "sensitivity", "figures", "warm"]


def _listed_commands(help_text: str) -> list[str]:
    """The command names of the COMMAND section of ``dgm --help``, in order."""
    lines = help_text.split("  COMMAND\n", 1)[1].split("\n\n", 1)[0].splitlines()
    return [line.split()[0] for line in lines if line.startswith("    ") and not line.startswith("     ")]


def test_help_lists_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert _listed_commands(out) == COMMANDS
    for cmd in COMMANDS:  # each verb with its one-line help
        assert main([cmd, "--help"]) == 0
        assert capsys.readouterr().out.startswith(f"usage: dgm {cmd} ")


@pytest.mark.subprocess
def test_entry_point_runs_as_a_process():
    """``python -m model.cli`` is the real command: its help, and a real process's exit status and stderr."""
    proc = subprocess.run([sys.executable, "-m", "model.cli", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0 and _listed_commands(proc.stdout) == COMMANDS
    proc = subprocess.run([sys.executable, "-m", "model.cli", "run", "keen", "--param", "alfa=1", "--out", "x.nc"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dgm: error: --param: unknown parameter(s) 'alfa'")
    assert "valid: alpha, beta, delta, kappa0, kappa1, kappa2, nu, phi0, phi1, r" in lines[0]

"""Bad input to every dgm verb: exit status 2, one line on stderr, no traceback, no file changed or left behind.

Each case runs in-process (``model.cli.main``) in a directory holding the files a
careless command would overwrite or trip over; the directory's entries (names,
bytes, modification times) must be the same afterwards. Every case fails while the
input is checked, before any model is compiled or integrated.
"""

import errno
import os
import re
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from calibration.params import param_file
from model import files as _files
from model.cli.commands import COMPARE_FILES, main
from model.cli.common import country_files
from model.errors import ModelError

GOOD_TOML = Path(__file__).resolve().parents[2] / "calibration" / "params" / "usa.toml"


def _posterior(se_line: str) -> str:
    return f"[parameters]\nalpha0 = 0.0156\n[uncertainty.alpha0]\nvalue = 0.0156\n{se_line}\n"


#: the workspace every case runs in: name -> content (bytes), or None for a directory
FILES = {
    "existing.nc": b"precious results",
    "mine.png": b"notes, not a figure",
    "notes.tex": b"hand-written notes",
    "mine.toml": b"# hand-written parameters\n",
    "report.txt": b"my report",
    "afile.txt": b"a file, not a directory",
    "adir.nc": None,
    "pdir": None,
    "empty.csv": b"",
    "ragged.csv": b"chi,beta_c\n0.5,10\n0.7,11,3\n",
    "binary.csv": bytes(range(256)) * 4,
    "latin1.csv": b"chi\xe9,beta_c\n0.5,10\n",
    "header.csv": b"chi,beta_c\n",
    "unknown_col.csv": b"nosuch\n1.0\n",
    "text_value.csv": b"chi\nabc\n",
    "garbage.nc": bytes(range(200, 256)) * 40,
    "empty.nc": b"",
    "bad.toml": b"[parameters\nx = ",
    "unknown.toml": b"[parameters]\nnosuch = 1.0\n",
    "nan.toml": b"[parameters]\nchi = nan\n",
    "outside.toml": b"[parameters]\nchi = 100.0\n",
    "plain.toml": b"[parameters]\nalpha0 = 0.0156\n",
    "r_elb.toml": b"[parameters]\nr_elb = -0.01\n",  # a file from before r_elb was derived (issue 14)
    "se_abc.toml": _posterior('se = "abc"').encode(),
    "se_missing.toml": _posterior("").encode(),
    "se_huge.toml": _posterior("se = 1e300").encode(),
    "se_zero.toml": _posterior("se = 0.0").encode(),
    "se_inf.toml": _posterior('se = "inf"').encode(),   # how write_params records a non-identified parameter
    "no_value.toml": b"[parameters]\nalpha0 = 0.0156\n[uncertainty.alpha0]\nse = 0.001\n",
    "store_bad": None,
    "store_bad/manifest.json": b"{not json",
    "store_foreign": None,
    "store_foreign/data.txt": b"someone else's",
    "figs_old": None,
    "figs_old/fan_chart_usa.pdf": b"old figure",
    "calfigs": None,
    "calfigs/fit_usa.pdf": b"old figure",
    "cmp_foreign": None,
    "cmp_foreign/notes.txt": b"my notes beside the results",
}


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    for name, content in FILES.items():
        p = tmp_path / name
        if content is None:
            p.mkdir()
        else:
            p.write_bytes(content)
    xr.Dataset({"lam": ("time", [0.9, 0.91])}, coords={"time": [0.0, 1.0]}).to_netcdf(tmp_path / "run.nc")
    xr.Dataset({"mu_star": ("param", [0.1, 0.2])}, coords={"param": ["a", "b"]}).to_netcdf(tmp_path / "morris.nc")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(root: Path) -> dict:
    return {str(p.relative_to(root)): (None, p.stat().st_mtime_ns) if p.is_dir()
            else (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*"))}


E = ["--out", "e.nc"]  # a new ensemble file
BIG = "9" * 400  # an integer option far beyond any float
#: the block-wise calibrations (the commands' default is the joint one): files without a joint posterior
USA_BLOCK, GBR_BLOCK = str(param_file("usa")), str(param_file("gbr"))
CASES = [
    # ---------------------------------------------------------------- run
    (["run", "keen", "--step", "nan", "--out", "x.nc"], "--step"),
    (["run", "keen", "--step", "inf", "--out", "x.nc"], "--step"),
    (["run", "keen", "--step", "-1", "--out", "x.nc"], "--step"),
    (["run", "keen", "--step", "0", "--out", "x.nc"], "--step"),
    (["run", "keen", "--step", "1e-7", "--out", "x.nc"], "the limit is"),
    (["run", "keen", "--t-end", "1e12", "--out", "x.nc"], "the limit is"),
    (["run", "solow", "--t-end", "1e12", "--out", "x.nc"], "the limit is"),
    (["run", "keen", "--step", "1000", "--out", "x.nc"], "--step 1000 is longer than the span"),
    (["run", "keen", "--t-end", "nan", "--out", "x.nc"], "--t-end"),
    (["run", "keen", "--t-start", "inf", "--out", "x.nc"], "--t-start"),
    (["run", "keen", "--t-end", "-5", "--out", "x.nc"], "--t-end -5 must be after the start 0"),
    (["run", "keen", "--t-end", "abc", "--out", "x.nc"], "--t-end"),
    (["run", "keen", "--out", "a.nc", "--plot", "a.xyz"], "--plot a.xyz: unsupported format '.xyz'"),
    (["run", "keen", "--out", "new.nc", "--plot", "mine.png"], "--plot mine.png exists; pass --force"),
    (["run", "keen", "--out", "existing.nc"], "--out existing.nc exists; pass --force"),
    (["run", "keen", "--out", "adir.nc", "--force"], "--out adir.nc is a directory"),
    (["run", "keen", "--out", "afile.txt/x.nc"], "is not a directory"),
    (["run", "keen", "--out", "x.txt"], "--out x.txt: unsupported format"),
    (["run", "keen", "--out", "x.nc", "--plot", "x.nc"], "unsupported format"),
    (["run", "keen", "--param", "kappa2=1", "--param", "kappa2=2", "--out", "x.nc"], "--param kappa2 given twice"),
    (["run", "keen", "--init", "lam=0.9", "--init", "lam=0.8", "--out", "x.nc"], "--init lam given twice"),
    (["run", "keen", "--rtol", "1e-16", "--out", "x.nc"], "--rtol must be at least 2.22e-14"),
    (["run", "keen", "--rtol", "nan", "--out", "x.nc"], "--rtol"),
    (["run", "keen", "--rtol", "2", "--out", "x.nc"], "--rtol"),
    (["run", "keen", "--param", "alpha=nan", "--out", "x.nc"], "must be finite"),
    (["run", "keen", "--param", "alpha=1e400", "--out", "x.nc"], "must be finite"),
    (["run", "keen", "--init", "lam=inf", "--out", "x.nc"], "must be finite"),
    (["run", "keen", "--param", "alpha", "--out", "x.nc"], "expected NAME=VALUE"),
    (["run", "keen", "--param", "alpha=abc", "--out", "x.nc"], "is not a number"),
    (["run", "keen", "--param", "kappa2=\u0661", "--out", "x.nc"], "is not a number"),  # Arabic-Indic 1
    (["run", "keen", "--param", "kappa2=1_0", "--out", "x.nc"], "is not a number"),
    (["run", "keen", "--param", "alfa=1", "--out", "x.nc"], "unknown parameter(s) 'alfa'"),
    (["run", "keen", "--init", "nosuch=1", "--out", "x.nc"], "unknown stock(s) 'nosuch'"),
    (["run", "keen", "--param", "nu=100", "--out", "x.nc"], "outside its declared bounds"),
    (["run", "keen", "--method", "bogus", "--out", "x.nc"], "invalid choice"),
    (["run", "keen", "--method", "discrete", "--out", "x.nc"], "--method discrete (forward Euler) needs --step"),
    (["run", "dice2016_discrete", "--step", "1", "--out", "x.nc"], "fixed step of 5 years"),
    (["run", "dice2016_discrete", "--t-end", "2017", "--out", "x.nc"], "shorter than one step"),
    (["run", "dice2016_discrete", "--method", "Radau", "--out", "x.nc"], "discrete map"),
    (["run", "nosuchmodel", "--out", "x.nc"], "invalid choice"),
    (["run", "keen"], "required: --out"),
    # numbers beyond any machine: echoed with three significant digits, never hundreds of digits
    (["run", "keen", "--t-end", "1e308", "--out", "x.nc"],
     "keen from 0 to 1e+308: 1e+308 times x 7 series needs more than 1.7e+299 GiB of memory"),
    (["run", "keen", "--step", "1e-308", "--out", "x.nc"], "every 1e-308 years has more than 1.8e+308 output times"),
    (["run", "keen", "--t-start=-1e308", "--t-end", "1e308", "--out", "x.nc"], "the span -1e+308 to 1e+308 has more"),
    (["run", "dice2016_discrete", "--t-end", "1e308", "--out", "x.nc"], "2e+307 times x 17 series"),
    # ---------------------------------------------------------------- equations, models, no command
    (["equations", "keen", "--out", "notes.tex"], "--out notes.tex exists; pass --force"),
    (["equations", "keen", "--out", "pdir"], "--out pdir is a directory"),
    (["equations", "keen", "--out", "afile.txt/eq.tex"], "is not a directory"),
    (["equations", "keen", "--format", "html"], "invalid choice"),
    (["equations", "nosuch"], "invalid choice"),
    (["models", "extra"], "unrecognized arguments"),
    ([], "required: COMMAND"),
    (["nosuchverb"], "invalid choice"),
    # ---------------------------------------------------------------- compare
    (["compare", "--t-end", "nan"], "--t-end"),
    (["compare", "--t-end", "2000"], "--t-end must be after 2025"),
    (["compare", "--t-end", "1e12"], "the limit is"),
    (["compare", "--t-end", "1e308"], "--t-end 1e+308: 1e+308 years x 206 series x 3 policies needs more than"),
    (["compare", "--policies", "bogus"], "--policies: unknown policy 'bogus'"),
    (["compare", "--durable", "--country", "GBR"],
     "--durable: political durability: no vote function for GBR (the model has Hibbs's US equation only"),
    (["ensemble", "--durable", "--country", "gbr", "--out", "e.nc"],
     "--durable: political durability: no vote function for GBR"),
    (["compare", "--policies", ","], "(none given)"),
    (["compare", "--params", "nosuch.toml"], "--params nosuch.toml: no such file"),
    (["compare", "--defaults", "--variant", "mazzucato"], "--variant chooses a joint posterior's medians; --defaults "
                                                          "runs at none"),
    (["compare", "--params", USA_BLOCK, "--variant", "mazzucato"],
     "usa.toml has no mazzucato posterior table ([meta] posterior_csv): variants in the file: none"),
    (["compare", "--params", "pdir"], "--params pdir is a directory"),
    (["compare", "--params", "bad.toml"], "invalid TOML"),
    (["compare", "--params", "unknown.toml"], "unknown parameter(s) 'nosuch'"),
    (["compare", "--params", "nan.toml"], "must be finite numbers"),
    (["compare", "--params", "outside.toml"], "--params outside.toml"),
    (["compare", "--params", "plain.toml", "--defaults"], "exclude each other"),
    (["compare", "--out", "existing.nc"], "--out existing.nc exists and is not a directory"),
    (["compare", "--out", "cmp_foreign"], "holds files dgm compare did not write (notes.txt)"),
    (["compare", "--out", "afile.txt/cmp"], "is not a directory"),
    # ---------------------------------------------------------------- ensemble
    (["ensemble", "--draws", "0", *E], "--draws must be positive"),
    (["ensemble", "--draws", "-5", *E], "--draws must be positive"),
    (["ensemble", "--draws", "abc", *E], "--draws"),
    (["ensemble", "--chunk-size", "0", *E], "--chunk-size must be positive"),
    (["ensemble", "--seed", "-1", *E], "--seed"),
    (["ensemble", "--t-end", "nan", *E], "--t-end"),
    (["ensemble", "--t-end", "2000", *E], "--t-end must be after 2025"),
    (["ensemble", "--t-end", "1e12", *E], "the limit is"),
    (["ensemble", "--draws", "2000000", *E], "the limit is"),
    (["ensemble", "--draws", BIG, *E], "--draws 1e+400 to --t-end 2100: 1e+400 members x 3 policies"),
    (["ensemble", "--draws", f"-{BIG}", *E], "--draws must be positive, got -1e+400"),
    (["ensemble", "--t-end", "1e308", *E], "2,000 members x 3 policies x 7 series x 1e+308 years"),
    (["ensemble", "--out", "e.csv"], "--out e.csv: unsupported format"),
    (["ensemble", "--out", "existing.nc"], "--out existing.nc exists; pass --force"),
    (["ensemble", "--out", "adir.nc"], "--out adir.nc is a directory"),
    (["ensemble", *E, "--report", "report.txt"], "--report report.txt exists; pass --force"),
    (["ensemble", *E, "--report", "pdir"], "--report pdir is a directory"),
    (["ensemble", "--scheduler", "bogus", *E], "--scheduler 'bogus' is not a scheduler address"),
    (["ensemble", "--scheduler", "tcp://host", *E], "--scheduler"),
    (["ensemble", "--method", "bogus", *E], "invalid choice"),
    (["ensemble", "--defaults", "--params", "plain.toml", *E], "exclude each other"),
    (["ensemble", "--defaults", "--names", "chi,chi", *E], "--names: chi given twice"),
    (["ensemble", "--defaults", "--variant", "boysen_hogrefe", *E], "--variant chooses a joint posterior to draw; "
                                                                    "--defaults draws no posterior"),
    (["ensemble", "--names", "chi", "--variant", "mazzucato", *E], "--names draws no posterior"),
    (["ensemble", "--variant", "bh", *E], "invalid choice: 'bh' (choose from 'mazzucato', 'boysen_hogrefe')"),
    (["ensemble", "--params", USA_BLOCK, "--variant", "boysen_hogrefe", *E],
     "usa.toml has no boysen_hogrefe posterior table"),
    (["ensemble", "--params", GBR_BLOCK, "--variant", "boysen_hogrefe", "--country", "GBR", *E],
     "gbr.toml has no boysen_hogrefe posterior table ([meta] posterior_csv_bh): variants in the file: none (not a "
     "joint calibration: dgm calibrate --joint); the shipped joint calibration: --params "),
    (["ensemble", "--params", USA_BLOCK, "--variant", "mazzucato", *E],
     "usa.toml has no mazzucato posterior table ([meta] posterior_csv): variants in the file: none"),
    (["ensemble", "--defaults", "--names", "nosuch", *E], "--names: cannot draw 'nosuch'"),
    # derived names: say what to draw instead (r_elb had declared bounds (None, None): the error asked for ranges)
    (["ensemble", "--defaults", "--names", "chi,r_elb", *E],
     "--names: 'r_elb' derived from the start state, not drawn; for r_elb draw i_elb, the nominal floor"),
    (["ensemble", "--names", "markup", *E],
     "--names: 'markup' derived from the start state, not drawn; for markup draw eta_p and eta_x"),
    (["compare", "--params", "r_elb.toml"], "'r_elb' is derived from the start state (see derived_defaults) and "
                                            "cannot be overridden; override what it is derived from (i_elb, the "
                                            "nominal floor"),
    (["ensemble", "--variables", "nosuch", *E], "--variables: 'nosuch' not a path"),
    (["ensemble", "--table", "empty.csv", *E], "empty.csv is empty"),
    (["ensemble", "--table", "ragged.csv", *E], "ragged.csv is not a regular CSV"),
    (["ensemble", "--table", "binary.csv", *E], "binary.csv is a binary file"),
    (["ensemble", "--table", "latin1.csv", *E], "latin1.csv is not UTF-8 text"),
    (["ensemble", "--table", "header.csv", *E], "the draw table is empty"),
    (["ensemble", "--table", "unknown_col.csv", *E], "'nosuch' is not a parameter or stock"),
    (["ensemble", "--table", "text_value.csv", *E], "non-numeric value"),
    (["ensemble", "--table", "nosuch.csv", *E], "--table nosuch.csv: no such file"),
    (["ensemble", "--table", "pdir", *E], "--table pdir is a directory"),
    (["ensemble", "--store", "store_bad", *E], "manifest.json is corrupt"),
    (["ensemble", "--store", "store_foreign", *E], "not an ensemble store"),
    (["ensemble", "--store", "report.txt", *E], "--store report.txt exists and is not a directory"),
    (["ensemble", "--params", "nosuch.toml", *E], "--params nosuch.toml: no such file"),
    (["ensemble", "--params", "pdir", *E], "--params pdir is a directory"),
    (["ensemble", "--params", "bad.toml", *E], "invalid TOML"),
    (["ensemble", "--params", "plain.toml", *E], "not a calibrated parameter file"),
    (["ensemble", "--params", "se_abc.toml", *E], "[uncertainty.alpha0] se must be a finite number, got 'abc'"),
    (["ensemble", "--params", "se_missing.toml", *E], "[uncertainty.alpha0] has no se"),
    (["ensemble", "--params", "se_huge.toml", *E], "standard error 1e+300 wider than the declared bounds"),
    (["ensemble", "--params", "se_zero.toml", *E], "it must be positive"),
    (["ensemble", "--params", "se_inf.toml", *E], "[uncertainty.alpha0] is not identified by the data (se = inf"),
    (["ensemble", "--params", "no_value.toml", *E], "[uncertainty.alpha0] has no value"),
    # ---------------------------------------------------------------- sensitivity
    (["sensitivity", "--draws", "0", "--out", "s.nc"], "--draws must be positive"),
    (["sensitivity", "--contrast", "a", "--out", "s.nc"], "two policy names"),
    (["sensitivity", "--contrast", "a,b", "--out", "s.nc"], "--contrast: unknown policy 'a', 'b'"),
    (["sensitivity", "--contrast", "bau,bau", "--out", "s.nc"], "two different policies"),
    (["sensitivity", "--contrast", "", "--out", "s.nc"], "name it with --policy"),
    (["sensitivity", "--contrast", "", "--policy", "bogus", "--out", "s.nc"], "--policy: unknown policy 'bogus'"),
    (["sensitivity", "--policy", "bau", "--out", "s.nc"], "pass --contrast ''"),
    (["sensitivity", "--outcome", "nosuch", "--out", "s.nc"], "--outcome: unknown outcome(s) 'nosuch'"),
    (["sensitivity", "--out", "existing.nc"], "--out existing.nc exists; pass --force"),
    (["sensitivity", "--out", "s.txt"], "--out s.txt: unsupported format"),
    (["sensitivity", "--method", "bogus", "--out", "s.nc"], "invalid choice"),
    (["sensitivity", "--t-end", "inf", "--out", "s.nc"], "--t-end"),
    (["sensitivity", "--t-end", "1e12", "--out", "s.nc"], "the limit is"),
    (["sensitivity", "--t-end", "1e308", "--out", "s.nc"], "x 1e+308 years needs more than"),
    (["sensitivity", "--draws", BIG, "--out", "s.nc"], "sobol with --draws 1e+400: at least 4e+400 evaluations"),
    (["sensitivity", "--method", "morris", "--draws", BIG, "--out", "s.nc"], "at least 2e+400 evaluations"),
    (["sensitivity", "--scheduler", "bogus", "--out", "s.nc"], "--scheduler"),
    (["sensitivity", "--seed", "-2", "--out", "s.nc"], "--seed"),
    (["sensitivity", "--params", "se_abc.toml", "--out", "s.nc"], "se must be a finite number"),
    # ---------------------------------------------------------------- figures
    (["figures", "--ensemble", "garbage.nc", "--out", "f"], "--ensemble garbage.nc is not a netCDF file"),
    (["figures", "--ensemble", "empty.nc", "--out", "f"], "--ensemble empty.nc is empty"),
    (["figures", "--ensemble", "nosuch.nc", "--out", "f"], "--ensemble nosuch.nc: no such file"),
    (["figures", "--ensemble", "pdir", "--out", "f"], "--ensemble pdir is a directory"),
    (["figures", "--ensemble", "run.nc", "--out", "f"], "--ensemble run.nc is not an ensemble"),
    (["figures", "--sensitivity", "run.nc", "--out", "f"], "--sensitivity run.nc is not a sensitivity file"),
    (["figures", "--sensitivity", "morris.nc", "--out", "f"], "Morris screening"),
    (["figures", "--sensitivity", "garbage.nc", "--out", "f"], "is not a netCDF file"),
    (["figures", "--sobol-n", "0", "--out", "f"], "--sobol-n must be positive"),
    (["figures", "--sobol-t-end", "nan", "--out", "f"], "--sobol-t-end"),
    (["figures", "--sobol-t-end", "1e308", "--out", "f"], "--sobol-t-end 1e+308: 2,500 members"),
    (["figures", "--sobol-n", BIG, "--out", "f"], "sobol with --sobol-n 1e+400"),
    (["figures", "--draws", BIG, "--out", "f"], "--draws 1e+400 to --t-end 2100"),
    (["figures", "--draws", "0", "--out", "f"], "--draws must be positive"),
    (["figures", "--scheduler", "bogus", "--out", "f"], "--scheduler"),
    (["figures", "--out", "existing.nc"], "--out existing.nc exists and is not a directory"),
    (["figures", "--out", "figs_old"], "--out figs_old already holds fan_chart_usa.pdf; pass --force"),
    # ---------------------------------------------------------------- calibrate
    (["calibrate", "--out", "mine.toml"], "--out mine.toml exists; pass --force"),
    (["calibrate", "--out", "x.txt"], "--out x.txt: unsupported format '.txt'; valid: .toml"),
    (["calibrate", "--out", "pdir"], "unsupported format"),
    (["calibrate", "--out", "c.toml", "--starts", "0"], "--starts must be positive, got 0"),
    (["calibrate", "--out", "c.toml", "--starts", "-3"], "--starts must be positive, got -3"),
    (["calibrate", "--out", "c.toml", "--steps", "5"], "--steps must be at least 10"),
    (["calibrate", "--out", "c.toml", "--steps", f"-{BIG}"], "--steps must be at least 10, got -1e+400"),
    (["calibrate", "--out", "c.toml", "--seed", "-1"], "--seed"),
    (["calibrate", "--out", "c.toml", "--targets", "nosuch.toml"], "--targets nosuch.toml: no such file"),
    (["calibrate", "--out", "c.toml", "--targets", "pdir"], "--targets pdir is a directory"),
    (["calibrate", "--out", "c.toml", "--data-dir", "nosuch"], "--data-dir nosuch: no such directory"),
    (["calibrate", "--out", "c.toml", "--data-dir", "afile.txt"], "--data-dir afile.txt: not a directory"),
    (["calibrate", "--out", "c.toml", "--figures", "afile.txt"], "--figures afile.txt exists and is not a directory"),
    (["calibrate", "--out", "c.toml", "--figures", "calfigs"], "--figures calfigs already holds fit_usa.pdf"),
    (["calibrate", "--out", "c.toml", "--country", "XX"], "invalid choice"),
    (["calibrate"], "nothing to write: pass --out FILE.toml (the calibration), --start-state FILE.toml"),
    (["calibrate", "--start-state", "mine.toml"], "--start-state mine.toml exists; pass --force to overwrite it"),
    (["calibrate", "--start-state", "s.txt"], "--start-state s.txt: unsupported format '.txt'; valid: .toml"),
    (["calibrate", "--out", "c.toml", "--start-state", "c.toml"], "--out and --start-state name the same file"),
    (["calibrate", "--start-state", "s.toml", "--figures", "figs"], "--figures draws the calibration: pass --out"),
]


def _id(case):
    argv, _ = case
    return " ".join(argv)[:70] or "(none)"


@pytest.mark.parametrize("argv, message", CASES, ids=[_id(c) for c in CASES])
def test_bad_input_is_one_line_exit_2_and_touches_no_file(argv, message, workspace, capsys):
    before = snapshot(workspace)
    assert main(list(argv)) == 2
    out, err = capsys.readouterr()
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert message in lines[0], lines[0]
    assert not re.search(r"\d(?:,?\d){15}", lines[0]), f"a number echoed with 16 or more digits: {lines[0]}"
    assert lines[0].startswith("dgm")
    assert snapshot(workspace) == before


def test_every_verb_is_in_the_table():
    verbs = {argv[0] for argv, _ in CASES if argv} - {"nosuchverb"}
    assert verbs == {"run", "equations", "models", "compare", "ensemble", "sensitivity", "figures", "calibrate"}
    ensemble = [" ".join(a) for a, _ in CASES if a and a[0] == "ensemble"]
    for option in ("--table", "--store", "--params", "--scheduler"):
        assert any(option in a for a in ensemble), option


def test_params_prefix_is_not_doubled(workspace, capsys):
    assert main(["ensemble", "--params", "nosuch.toml", "--out", "e.nc"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "dgm: error: --params nosuch.toml: no such file (expected a TOML parameter file)"


# ------------------------------------------------------------------------ writers: --force, atomic, disk full

def test_force_overwrites(workspace, capsys):
    assert main(["run", "keen", "--t-end", "5", "--out", "existing.nc", "--plot", "mine.png", "--force"]) == 0
    assert float(xr.load_dataset("existing.nc").time[-1]) == 5.0
    assert Path("mine.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["equations", "keen", "--out", "notes.tex", "--force"]) == 0
    assert r"\begin{align}" in Path("notes.tex").read_text()
    assert not [p for p in workspace.iterdir() if p.name.endswith(".tmp")]


def test_run_reports_the_real_end_of_a_discrete_grid(workspace, capsys):
    """dice2016_discrete steps 5 years from 2015: --t-end 2101.3 is not on its grid. The run either
    ends inside the span and says where, or is refused in one line; never "to 2101.3"."""
    code = main(["run", "dice2016_discrete", "--t-end", "2101.3", "--out", "d.nc"])
    err = capsys.readouterr().err
    if code == 0:
        last = float(xr.load_dataset("d.nc").time[-1])
        assert 2100.0 <= last <= 2101.3
        assert f"from 2015 to {last:g}," in err
    else:
        assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "to 2101.3," not in err


def test_disk_full_while_writing_a_run_is_one_line_and_leaves_nothing(workspace, capsys, monkeypatch):
    def full(self, path, *a, **k):
        Path(path).write_bytes(b"partial" * 1000)
        raise RuntimeError("NetCDF: HDF error")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", full)
    before = snapshot(workspace)
    assert main(["run", "keen", "--t-end", "5", "--out", "existing.nc", "--force"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dgm: error: cannot write existing.nc: NetCDF: HDF error"), err
    assert snapshot(workspace) == before


@pytest.mark.parametrize("exc, kind", [(OSError(errno.ENOSPC, "No space left on device"), ModelError),
                                       (KeyboardInterrupt(), KeyboardInterrupt)])
def test_write_atomic_removes_its_temporary_file_on_every_error(tmp_path, exc, kind):
    target = tmp_path / "a.txt"
    target.write_text("old")

    def write(tmp):
        tmp.write_bytes(b"x" * 10_000)
        raise exc

    with pytest.raises(kind) as info:
        _files.write_atomic(target, write)
    if kind is ModelError:
        assert str(info.value) == f"cannot write {target}: no space left on the device"
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]


# ------------------------------------------------------------------------ a set swapped in as a unit

#: the files of a US comparison
US_SET = country_files(COMPARE_FILES, "USA")


def _old_set(d: Path) -> dict:
    d.mkdir()
    for name in US_SET:
        (d / name).write_text(f"old {name}")
    return snapshot(d)


def _disk_full(path: Path) -> None:
    path.write_text("part of the file")
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_dirswap_replaces_the_set_whole_or_not_at_all(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(_files, "_exchange", lambda a, b: False)
    d = tmp_path / "results"
    old = _old_set(d)
    with pytest.raises(ModelError, match=r"cannot write .*results/outcomes.csv: no space left on the device"):
        with _files.DirSwap(d) as s:
            s.write("comparison.nc", lambda p: p.write_text("new"))
            s.write("outcomes.csv", _disk_full)
    assert snapshot(d) == old and [p.name for p in tmp_path.iterdir()] == ["results"]
    with pytest.raises(KeyboardInterrupt):
        with _files.DirSwap(d) as s:
            s.write("comparison.nc", lambda p: p.write_text("new"))
            raise KeyboardInterrupt
    assert snapshot(d) == old and [p.name for p in tmp_path.iterdir()] == ["results"]
    with _files.DirSwap(d) as s:
        for name in US_SET:
            s.write(name, lambda p, name=name: p.write_text(f"new {name}"))
    assert {p.name: p.read_text() for p in d.iterdir()} == {n: f"new {n}" for n in US_SET}
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_a_kill_between_the_two_renames_is_repaired_by_the_next_run(tmp_path):
    """Without renameat2 the old folder is renamed away, then the new one in: a kill in
    between leaves the complete old set aside; the next run puts it back."""
    d = tmp_path / "results"
    old = _old_set(d)
    dead = 4_194_304 + 4321  # above Linux's largest pid: no such process
    aside = tmp_path / f".results.{dead}.0123abcd.old"
    os.rename(d, aside)
    (tmp_path / f".results.{dead}.89abcdef.new").mkdir()  # the new set, never renamed in
    _files.recover_dir(d)
    assert snapshot(d) == old and [p.name for p in tmp_path.iterdir()] == ["results"]


def test_dgm_compare_swaps_its_set_in_as_a_unit(tmp_path, monkeypatch, capsys):
    import model.directed_growth.figures

    monkeypatch.chdir(tmp_path)
    argv = ["compare", "--defaults", "--no-impulse", "--policies", "bau", "--out", "cmp"]
    assert main([*argv, "--t-end", "2027"]) == 0
    assert sorted(p.name for p in (tmp_path / "cmp").iterdir()) == sorted(US_SET)
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert main([*argv, "--t-end", "2030"]) == 2  # a previous set is replaced only with --force
    assert capsys.readouterr().err.splitlines() == [
        "dgm: error: --out cmp holds a previous comparison of United States (comparison_usa.nc, lever_paths_usa.pdf, "
        "lever_paths_usa.png, ...); "
        "pass --force to replace the set, or choose a new directory"]
    assert snapshot(tmp_path) == before
    argv.append("--force")
    real = model.directed_growth.figures.lever_paths

    def full(*a, **k):
        real(*a, **k)  # writes its files into the temporary folder, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(model.directed_growth.figures, "lever_paths", full)
    capsys.readouterr()
    assert main([*argv, "--t-end", "2030"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "dgm: error: cannot write cmp/lever_paths_usa: no space left on the device" in err
    assert snapshot(tmp_path) == before  # old set intact, nothing left beside it

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(model.directed_growth.figures, "lever_paths", interrupted)
    assert main([*argv, "--t-end", "2030"]) == 130
    assert snapshot(tmp_path) == before
    monkeypatch.setattr(model.directed_growth.figures, "lever_paths", real)
    assert main([*argv, "--t-end", "2030"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cmp"]
    assert sorted(p.name for p in (tmp_path / "cmp").iterdir()) == sorted(US_SET)
    np.testing.assert_array_equal(xr.load_dataset(tmp_path / "cmp" / "comparison_usa.nc").time[[0, -1]], [2025, 2030])


def test_internal_errors_show_a_traceback_and_ask_for_a_report(workspace, capsys, monkeypatch):
    import model.cli.commands

    def broken(args):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(model.cli.commands, "_models", broken)
    assert main(["models"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "ZeroDivisionError: boom" in err
    assert "this is a bug in dgm" in err and "please report it" in err


def test_write_atomic_removes_the_temporary_file_of_a_killed_writer(tmp_path):
    target = tmp_path / "a.nc"
    dead = 4_194_304 + 4321  # above Linux's largest pid: no such process
    (tmp_path / f".a.nc.{dead}.0123abcd.tmp").write_bytes(b"half a file")
    (tmp_path / f".a.nc.{os.getpid()}.0123abcd.tmp").write_bytes(b"being written by a live process")
    _files.write_atomic(target, lambda tmp: tmp.write_text("new"))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f".a.nc.{os.getpid()}.0123abcd.tmp", "a.nc"])


def test_memory_estimate_counts_the_measured_peak_copies(workspace, capsys, monkeypatch):
    """Review R3: `dgm run solow --t-end 3e7` peaked at 2.7 GB while its values are 0.45 GiB; the
    estimate is PEAK_COPIES (6) times the values, so under a 1 GiB limit it is refused, before work."""
    from model.cli import checks as cli_checks

    monkeypatch.setenv("DGM_MAX_OUTPUT_GIB", "1")
    before = snapshot(workspace)
    assert main(["run", "solow", "--t-end", "3e7", "--out", "r.nc"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "30,000,001 times x 2 series needs about 2.68 GiB of memory; the limit is 1 GiB" in err[0]
    assert snapshot(workspace) == before
    with pytest.raises(ModelError):
        cli_checks.check_size("x", 2**30 / (8 * cli_checks.PEAK_COPIES) + 1, "")
    cli_checks.check_size("x", 2**30 / (8 * cli_checks.PEAK_COPIES) - 1, "")


def test_country_option_takes_the_short_names_the_readme_uses_and_names_every_choice_otherwise():
    import argparse

    from model.cli.common import country_option

    assert country_option("uk") == "GBR" and country_option(" US ") == "USA" and country_option("gbr") == "GBR"
    with pytest.raises(argparse.ArgumentTypeError, match=r"^unknown country 'FRA'; valid: USA, GBR \(or US for USA, "
                                                         r"UK for GBR\)$"):
        country_option("FRA")

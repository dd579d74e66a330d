"""The files a command names itself carry the country (issue 12): ``comparison_usa.nc``,
``fan_chart_gbr.pdf``; a US and a UK result share a directory; inputs of two countries are refused."""

import os

import numpy as np
import pytest
import xarray as xr

from calibration.params import param_file
from model import files as _files
from model.cli.commands import main

from .test_cli_bad_input import snapshot

#: what ``dgm compare`` writes for the United States and for the United Kingdom
US = ["comparison_usa.nc", "lever_paths_usa.pdf", "lever_paths_usa.png", "outcome_table_usa.pdf",
      "outcome_table_usa.png", "outcomes_usa.csv", "scenario_panel_usa.pdf", "scenario_panel_usa.png"]
UK = ["comparison_gbr.nc", "lever_paths_gbr.pdf", "lever_paths_gbr.png", "outcome_table_gbr.pdf",
      "outcome_table_gbr.png", "outcomes_gbr.csv", "scenario_panel_gbr.pdf", "scenario_panel_gbr.png"]
#: files of a comparison written before the names carried the country
EARLIER = {"comparison.nc": b"an earlier comparison", "outcomes.csv": b"policy,avg_growth\n"}
#: what ``dgm figures`` writes for the United Kingdom
UK_FIGURES = ["fan_chart_gbr.pdf", "fan_chart_gbr.png", "outcome_intervals_gbr.tex", "sobol_indices_gbr.pdf",
              "sobol_indices_gbr.png", "tornado_T_end_gbr.pdf", "tornado_T_end_gbr.png",
              "tornado_avg_growth_gbr.pdf", "tornado_avg_growth_gbr.png", "tornado_public_debt_end_gbr.pdf",
              "tornado_public_debt_end_gbr.png", "tornado_wage_share_mean_gbr.pdf",
              "tornado_wage_share_mean_gbr.png"]


def _of(snap: dict, names) -> dict:
    return {k: v for k, v in snap.items() if k in names}


def test_a_us_then_a_uk_comparison_share_one_directory(tmp_path, capsys):
    d = tmp_path / "results"
    d.mkdir()
    for name, content in EARLIER.items():
        (d / name).write_bytes(content)
    argv = ["compare", "--defaults", "--no-impulse", "--policies", "bau", "--out", str(d), "--t-end", "2027"]
    assert main(argv) == 0
    assert sorted(p.name for p in d.iterdir()) == sorted([*US, *EARLIER])
    us = _of(snapshot(d), [*US, *EARLIER])
    assert main([*argv, "--country", "GBR"]) == 0  # another country's set: no --force needed, nothing replaced
    assert sorted(p.name for p in d.iterdir()) == sorted([*US, *UK, *EARLIER])
    assert _of(snapshot(d), [*US, *EARLIER]) == us
    for code, name in (("usa", "United States"), ("gbr", "United Kingdom")):
        with xr.open_dataset(d / f"comparison_{code}.nc") as ds:
            assert ds.attrs["country"] == code.upper() and ds.attrs["country_name"] == name
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert main([*argv, "--country", "GBR"]) == 2  # the same country's set: only with --force
    assert capsys.readouterr().err.splitlines() == [
        f"dgm: error: --out {d} holds a previous comparison of United Kingdom (comparison_gbr.nc, "
        "lever_paths_gbr.pdf, lever_paths_gbr.png, ...); pass --force to replace the set, or choose a new directory"]
    assert snapshot(tmp_path) == before
    assert main([*argv, "--country", "GBR", "--force", "--t-end", "2028"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]  # no temporary folder left beside it
    assert sorted(p.name for p in d.iterdir()) == sorted([*US, *UK, *EARLIER])
    assert _of(snapshot(d), [*US, *EARLIER]) == us
    np.testing.assert_array_equal(xr.load_dataset(d / "comparison_gbr.nc").time[[0, -1]], [2025, 2028])


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_dirswap_keep_replaces_only_the_files_written(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(_files, "_exchange", lambda a, b: False)
    d = tmp_path / "results"
    d.mkdir()
    (d / "a_usa.csv").write_text("US")
    (d / "a_gbr.csv").write_text("old UK")
    os.symlink("a_usa.csv", d / "link")
    inode = (d / "a_usa.csv").stat().st_ino
    with _files.DirSwap(d, keep=True) as s:
        s.write("a_gbr.csv", lambda p: p.write_text("new UK"))
    assert {p.name: p.read_text() for p in d.iterdir()} == {"a_usa.csv": "US", "a_gbr.csv": "new UK", "link": "US"}
    assert (d / "a_usa.csv").stat().st_ino == inode  # carried as a hard link, not copied
    assert os.readlink(d / "link") == "a_usa.csv"
    assert [p.name for p in tmp_path.iterdir()] == ["results"]
    with _files.DirSwap(d) as s:  # without keep the folder is replaced whole
        s.write("a_gbr.csv", lambda p: p.write_text("UK only"))
    assert {p.name: p.read_text() for p in d.iterdir()} == {"a_gbr.csv": "UK only"}


def test_dirswap_through_a_symlinked_destination_swaps_its_target_and_keeps_the_link(tmp_path):
    """``--out link`` where ``link -> o1``: the set lands in o1 and the link stays a link (a broken-run
    review found the link replaced by a real folder and the results missing from o1)."""
    target = tmp_path / "o1"
    target.mkdir()
    (target / "a_usa.csv").write_text("US")
    link = tmp_path / "link"
    os.symlink("o1", link)
    with _files.DirSwap(link, keep=True) as s:
        s.write("a_gbr.csv", lambda p: p.write_text("UK"))
    assert link.is_symlink() and os.readlink(link) == "o1"
    assert {p.name: p.read_text() for p in target.iterdir()} == {"a_usa.csv": "US", "a_gbr.csv": "UK"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "o1"]


def test_dgm_compare_with_a_run_outside_the_plausible_range_writes_the_set_and_fails(tmp_path, monkeypatch,
                                                                                      capsys):
    """A run that integrates to the end but leaves the model's plausible range is not a success: the set is
    written for inspection, the status says so, and dgm exits 1 naming the run."""
    from model.directed_growth import factory

    monkeypatch.setattr(factory, "PLAUSIBLE", {"lam": (0.97, None)})  # the start's 0.960 is outside
    out = tmp_path / "r"
    assert main(["compare", "--out", str(out), "--t-end", "2030", "--no-impulse"]) == 1
    assert sorted(p.name for p in out.iterdir()) == sorted(US)
    with xr.open_dataset(out / "comparison_usa.nc") as ds:
        assert (ds.status.values == 8).all()
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "NOT A SUCCESS: 3 runs left the model's plausible range" in err
    assert "lam (employment rate) below its plausible minimum 0.97 at t=2025" in err


@pytest.fixture(scope="module")
def uk_results(tmp_path_factory):
    """A small UK ensemble and Sobol analysis written by dgm ensemble and dgm sensitivity."""
    root = tmp_path_factory.mktemp("uk")
    common = ["--country", "GBR", "--defaults", "--names", "chi,beta_c", "--t-end", "2035"]
    assert main(["ensemble", *common, "--draws", "8", "--out", str(root / "e.nc")]) == 0
    assert main(["sensitivity", *common, "--draws", "2", "--outcome", "T_end,avg_growth",
                 "--out", str(root / "s.nc")]) == 0
    return root


def test_dgm_ensemble_and_sensitivity_record_the_country(uk_results):
    for name in ("e.nc", "s.nc"):
        with xr.open_dataset(uk_results / name) as ds:
            assert (ds.attrs["country"], ds.attrs["country_name"]) == ("GBR", "United Kingdom"), name


def test_dgm_figures_names_its_files_by_the_country_of_its_inputs(uk_results, tmp_path, capsys):
    figs = tmp_path / "figs"
    figs.mkdir()
    (figs / "fan_chart_usa.pdf").write_bytes(b"a US figure")  # another country's: kept, no --force needed
    argv = ["figures", "--ensemble", str(uk_results / "e.nc"), "--sensitivity", str(uk_results / "s.nc"),
            "--out", str(figs)]
    assert main(argv) == 0
    assert sorted(p.name for p in figs.iterdir()) == sorted([*UK_FIGURES, "fan_chart_usa.pdf"])
    assert (figs / "fan_chart_usa.pdf").read_bytes() == b"a US figure"
    capsys.readouterr()
    assert main(argv) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"dgm: error: --out {figs} already holds fan_chart_gbr.pdf, fan_chart_gbr.png, tornado_avg_growth_gbr.pdf, "
        "...; pass --force to overwrite them"]


def _relabel(src, dst, **attrs):
    ds = xr.load_dataset(src)
    for k, v in attrs.items():
        if v is None:
            del ds.attrs[k]
        else:
            ds.attrs[k] = v
    ds.to_netcdf(dst)


@pytest.mark.parametrize("files, options, line", [
    ({"e.nc": {}, "s_us.nc": {"country": "USA"}}, [],
     "--ensemble e.nc holds results for GBR but --sensitivity s_us.nc holds results for USA; give files of one "
     "country"),
    ({"e.nc": {}}, ["--country", "USA"],
     "--country USA but --ensemble e.nc holds results for GBR; pass --country GBR or omit it"),
    # without the attribute, the country comes from the model's origin in the provenance
    ({"e_old.nc": {"country": None, "country_name": None}}, ["--country", "usa"],
     "--country USA but --ensemble e_old.nc holds results for GBR; pass --country GBR or omit it"),
    ({"s.nc": {}}, ["--params", "USA_TOML"],
     "--sensitivity s.nc holds results for GBR but --params USA_TOML is calibrated for USA; give a parameter file "
     "for GBR"),
    ({"e_bad.nc": {"country": "../x"}}, [], "--ensemble e_bad.nc: unknown country '../x' in the file; valid: USA, GBR"),
])
def test_dgm_figures_refuses_inputs_of_two_countries_in_one_line(uk_results, tmp_path, monkeypatch, capsys,
                                                                  files, options, line):
    monkeypatch.chdir(tmp_path)
    argv = ["figures", "--out", "figs"]
    for name, attrs in files.items():
        _relabel(uk_results / ("s.nc" if name.startswith("s") else "e.nc"), tmp_path / name, **attrs)
        argv += ["--sensitivity" if name.startswith("s") else "--ensemble", name]
    usa = str(param_file("usa"))
    assert main(argv + [usa if o == "USA_TOML" else o for o in options]) == 2
    assert capsys.readouterr().err.splitlines() == [f"dgm: error: {line.replace('USA_TOML', usa)}"]
    assert not (tmp_path / "figs").exists()


def test_the_uncertainty_figures_and_table_name_the_country(uk_results):
    """The fan chart, a tornado and the Sobol bars carry the country of their input as the figure title,
    and the interval table's caption starts with it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from model.directed_growth.figures_uncertainty import fan_chart, outcome_interval_table, sobol_bars, tornado

    ens, si = xr.load_dataset(uk_results / "e.nc"), xr.load_dataset(uk_results / "s.nc")
    for fig in (fan_chart(ens), tornado(ens, "avg_growth"), sobol_bars(si)):
        assert fig.get_suptitle().startswith("United Kingdom"), fig.get_suptitle()
        plt.close(fig)
    assert "\\caption{United Kingdom: Outcomes across" in outcome_interval_table(ens)


def test_a_durable_comparison_sits_beside_the_plain_one(tmp_path, capsys):
    """``dgm compare --durable`` writes its own set (``comparison_usa_durable.nc``...), so it shares a directory
    with the plain comparison without --force and without touching it (the new user's finding, issue 13)."""
    d = tmp_path / "results"
    argv = ["compare", "--defaults", "--no-impulse", "--policies", "bau,market_fixing", "--out", str(d),
            "--t-end", "2027"]
    assert main(argv) == 0
    plain = snapshot(d)
    assert main([*argv, "--durable"]) == 0
    durable = [n.replace("_usa", "_usa_durable") for n in US]
    assert sorted(p.name for p in d.iterdir()) == sorted([*US, *durable])
    assert _of(snapshot(d), US) == plain
    with xr.open_dataset(d / "comparison_usa_durable.nc") as ds:
        assert list(ds.policy.values) == ["bau", "market_fixing_durable"]
    capsys.readouterr()
    assert main([*argv, "--durable"]) == 2  # the same kind of set again: only with --force
    assert "holds a previous durable comparison of United States (comparison_usa_durable.nc" in \
        capsys.readouterr().err

"""Comparison figures (model.directed_growth.figures) and the ``dgm compare`` command."""

import matplotlib

import model.solve.simulation

matplotlib.use("Agg")
import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

from model.cli.commands import main
from model.directed_growth import figures as plots
from model.directed_growth.countries import country_start
from model.directed_growth.outcomes import OUTCOMES, compare
from model.errors import ModelError

POLICIES = ["bau", "market_fixing", "market_shaping"]
#: expected display units of the scenario panel (from the attrs below)
PANEL_UNITS = ["%/yr", "%", "%", "GtCO₂/yr", "°C", "%"]


def _var(values, long_name, units, kind, dims=("policy", "time")):
    return xr.DataArray(values, dims=dims, attrs={"long_name": long_name, "units": units, "kind": kind})


@pytest.fixture()
def synthetic():
    """A hand-made 3-policy result with the directed-growth variable names and metadata."""
    t = np.arange(2025.0, 2101.0)
    g = np.array([0.015, 0.02, 0.025])[:, None]
    s = (t - 2025) / 75
    ramp = np.clip((t - 2025) / 10, 0, 1)
    ds = xr.Dataset(
        {
            "Y": _var(24 * np.exp(g * (t - 2025)), "output (GDP)", "TUSD/year", "auxiliary"),
            "h": _var(0.17 + np.array([0, -0.01, 0.02])[:, None] * s, "private investment share of output",
                      "dimensionless", "stock"),
            "h_eff": _var(0.18 + np.array([0, -0.01, 0.02])[:, None] * s, "private investment share of output",
                          "dimensionless", "auxiliary"),
            "omega": _var(0.58 + np.array([0, -0.03, 0.04])[:, None] * s, "wage share", "dimensionless", "stock"),
            "lam": _var(0.96 + 0 * g * s, "employment rate", "dimensionless", "auxiliary"),
            "inflation": _var(0.02 + 0 * g * s, "price inflation", "1/year", "auxiliary"),
            "E_dom": _var(5.0 * (1 - np.array([0.0, 0.5, 0.97])[:, None] * s), "domestic industrial CO2 emissions",
                          "GtCO2/year", "auxiliary"),
            "e_int": _var(0.2 * (1 - 0.5 * s) + 0 * g, "emission intensity", "GtCO2/TUSD", "auxiliary"),
            "T_at": _var(1.14 + np.array([1.6, 1.2, 1.0])[:, None] * s, "atmospheric warming", "delta_degC", "stock"),
            "b": _var(1.0 + np.array([0.1, -0.3, 0.4])[:, None] * s, "public debt to output ratio", "year",
                      "auxiliary"),
            "d": _var(0.4 + 0 * g * s, "firm debt to output ratio", "year", "auxiliary"),
            "d_H": _var(0.38 + 0 * g * s, "household debt to output ratio", "year", "auxiliary"),
            "F_pub": _var(np.array([0.0, 0.0, 1.0])[:, None] * s + 0 * t, "public equity stake", "TUSD", "auxiliary"),
            "s_sup": _var(np.array([0.0, 0.0, 0.1])[:, None] * ramp, "take-up of support", "dimensionless", "stock"),
            "S_sup": _var(np.array([0.0, 0.0, 0.1])[:, None] * ramp, "public support paid", "TUSD/year",
                          "auxiliary"),
            "y_g": _var(0.1 + np.array([0.0, 0.1, 0.3])[:, None] * s, "green share of output", "dimensionless",
                        "auxiliary"),
            "x_g": _var(0.15 + np.array([0.0, 0.1, 0.3])[:, None] * s, "green share of private investment",
                        "dimensionless", "auxiliary"),
            "S_rd": _var(0.003 * ramp * 24 * np.exp(g * (t - 2025)), "R&D subsidies paid", "TUSD/year", "auxiliary"),
            "T_c": _var(np.array([0.0, 0.2, 0.1])[:, None] * s, "carbon tax paid", "TUSD/year", "auxiliary"),
            "TR": _var(np.zeros((3, t.size)), "carbon dividend", "TUSD/year", "auxiliary"),
            "G_C": _var(3.4 * np.exp(g * (t - 2025)), "government consumption", "TUSD/year", "auxiliary"),
            "G_cap": _var(0.24 * np.exp(g * (t - 2025)), "public capability spending", "TUSD/year", "auxiliary"),
            "YD_w": _var(12 * np.exp(g * (t - 2025)), "disposable wage income", "TUSD/year", "auxiliary"),
            "YD_pi": _var(5 * np.exp(g * (t - 2025)), "disposable capital income", "TUSD/year", "auxiliary"),
            "clean_rd_subsidy": _var(np.zeros((3, t.size)), "clean research subsidy", "dimensionless", "lever"),
            # levers: two differ across policies, one varies over time identically, two are constant
            "i_G": _var(np.array([0.035, 0.03, 0.05])[:, None] + 0 * t, "public investment rate", "dimensionless",
                        "lever"),
            "carbon_price": _var(np.array([0.0, 200.0, 100.0])[:, None] * s, "carbon price", "USD/tCO2", "lever"),
            "rd_subsidy": _var(0.003 * ramp + 0 * g, "untargeted R&D subsidy", "dimensionless", "lever"),
            "procurement": _var(np.zeros((3, t.size)), "green share of public procurement", "dimensionless", "lever"),
            "mission_share": _var(np.full((3, t.size), 0.1), "mission direction", "dimensionless", "lever"),
            "lam_max": xr.DataArray(0.985, attrs={"long_name": "maximum employment rate", "units": "dimensionless",
                                                  "kind": "parameter"}),
            "u_n": xr.DataArray(0.8, attrs={"long_name": "normal utilisation", "units": "dimensionless",
                                            "kind": "parameter"}),
        },
        coords={"policy": POLICIES, "time": ("time", t, {"units": "year"})},
        attrs={"model": "directed_growth"},
    )
    return ds


def _texts(fig):
    return [t for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip() and t.get_visible()]


def test_scenario_panel_six_axes_three_lines_units_and_style(synthetic):
    fig = plots.scenario_panel(synthetic)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 6
    for ax, units in zip(axes, PANEL_UNITS):
        assert len(ax.get_lines()) == 3
        assert units in ax.get_ylabel() + ax.get_title()
    # size, fonts >= 8 pt, Okabe-Ito colours (distinct per policy), one shared legend with every policy
    np.testing.assert_allclose(fig.get_size_inches(), (7.0, 4.5))
    assert min(t.get_fontsize() for t in _texts(fig)) >= 8
    colours = [mcolors.to_hex(line.get_color()).upper() for line in axes[0].get_lines()]
    assert len(set(colours)) == 3 and set(colours) <= set(plots.OKABE_ITO)
    assert len(fig.legends) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Business as usual", "Market fixing",
                                                                  "Market shaping"]
    # panel a is the annual growth of Y in %/yr computed from the path (Y grows at 1.5, 2, 2.5 %/yr)
    for line, g in zip(axes[0].get_lines(), (1.5, 2.0, 2.5)):
        np.testing.assert_allclose(line.get_ydata(), g, rtol=1e-9)
        assert line.get_xdata()[0] == 2026.0
    # shares are drawn in percent; the investment panel shows the realised share h_eff (as compare() does)
    np.testing.assert_allclose(axes[1].get_lines()[0].get_ydata()[0], 18.0)
    assert all(ax.get_title(loc="left") for ax in axes)
    plt.close(fig)


def test_scenario_panel_units_come_from_attrs(synthetic):
    synthetic["E_dom"] = synthetic["E_dom"] * 1000
    synthetic["E_dom"].attrs.update(long_name="domestic emissions", units="MtCO2/year", kind="auxiliary")
    fig = plots.scenario_panel(synthetic)
    assert "MtCO₂/yr" in fig.axes[3].get_ylabel()
    plt.close(fig)


def test_scenario_panel_without_policy_dimension(synthetic):
    one = synthetic.sel(policy="bau", drop=True).drop_vars("h_eff")  # falls back to h
    one.attrs["policy"] = "bau"
    fig = plots.scenario_panel(one)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 6 and all(len(ax.get_lines()) == 1 for ax in axes)
    np.testing.assert_allclose(axes[1].get_lines()[0].get_ydata()[0], 17.0)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Business as usual"]
    plt.close(fig)


def test_figures_are_written_as_pdf_and_png_or_the_given_format(synthetic, tmp_path):
    plt.close(plots.scenario_panel(synthetic, path=tmp_path / "panel"))
    pdf, png = tmp_path / "panel.pdf", tmp_path / "panel.png"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    plt.close(plots.lever_paths(synthetic, path=tmp_path / "sub" / "levers.svg"))
    assert (tmp_path / "sub" / "levers.svg").stat().st_size > 0
    assert not (tmp_path / "sub" / "levers.svg.pdf").exists()
    assert not list(tmp_path.rglob(".*tmp"))  # no temporary files left behind
    with pytest.raises(ModelError, match=r"needs a directed-growth result; missing variables: T_at$"):
        plots.scenario_panel(synthetic.drop_vars("T_at"))


def test_lever_paths_draws_only_levers_that_vary(synthetic):
    assert plots.varying_levers(synthetic) == ["i_G", "carbon_price", "rd_subsidy"]
    fig = plots.lever_paths(synthetic)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 3
    titles = " ".join(ax.get_title(loc="left") for ax in axes)
    assert "Carbon price" in titles and "procurement" not in titles and "ission" not in titles
    assert all(len(ax.get_lines()) == 3 for ax in axes)
    assert "USD/tCO₂" in axes[1].get_ylabel() and "%" in axes[0].get_ylabel()
    assert min(t.get_fontsize() for t in _texts(fig)) >= 8
    plt.close(fig)
    # without a policy dimension: only levers that change over time
    fig = plots.lever_paths(synthetic.sel(policy="market_fixing", drop=True))
    assert [ax.get_ylabel().split()[0] for ax in fig.axes if ax.get_visible()] == ["carbon_price", "rd_subsidy"]
    plt.close(fig)


def test_outcome_table_renders_every_row(synthetic, tmp_path):
    df = compare(synthetic, impulse=False)
    df.loc["market_shaping", "T_2050"] = np.nan
    fig = plots.outcome_table(df, path=tmp_path / "table")
    texts = [t.get_text() for t in _texts(fig)]
    n_experiments = sum(o.experiment for o in OUTCOMES.values())
    assert len(fig._dgm_rows) == len(df.columns) == len(OUTCOMES) - n_experiments  # no multipliers without impulse
    for row in fig._dgm_rows:
        assert row in texts
    for name in ("Business as usual", "Market fixing", "Market shaping"):
        assert name in " ".join(texts).replace("\n", " ")
    assert "–" in texts  # NaN (net-zero year never reached, T_2050 removed)
    assert "2.50" in texts  # avg growth of market shaping, in %/yr, 3 significant digits
    assert "GtCO₂" in texts
    assert fig.get_size_inches()[1] <= 11
    assert (tmp_path / "table.pdf").stat().st_size > 0 and (tmp_path / "table.png").stat().st_size > 0
    plt.close(fig)


@pytest.mark.parametrize("value, text", [
    (0.0123456, "0.0123"), (1.5, "1.50"), (12.345, "12.3"), (2067.0, "2067"), (9.9996, "10.0"),
    (-0.196, "−0.196"), (float("nan"), "–"), (None, "–"), (0.0, "0"), (1.23e-5, "1.23×10⁻⁵"), (-4.5e7, "−4.50×10⁷"),
    (0.99951, "1.00"),
])
def test_format_number(value, text):
    assert plots.format_number(value) == text


# ---------------------------------------------------------------------------- dgm compare


@pytest.mark.parametrize("content, text", [
    (None, "no such file"),
    ("[parameters\nalpha = 1", "invalid TOML"),
    ("[parameters]\nnot_a_parameter = 1.0\n", "unknown parameter(s) 'not_a_parameter'"),
    ("[parameters]\ng_Z = 'fast'\n", "'g_Z' must be finite numbers"),
    ("g_Z = 0.02\n", "expected a [parameters] table"),
    ("[parameters]\nphi0 = -0.4\n", "'phi0' is derived from the start state"),
])
def test_compare_bad_params_file_one_line_exit_2(tmp_path, capsys, content, text):
    params = tmp_path / "params.toml"
    if content is not None:
        params.write_text(content)
    assert main(["compare", "--params", str(params), "--out", str(tmp_path / "out"), "--t-end", "2030",
                 "--no-impulse"]) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("dgm:")]
    assert len(errors) == 1 and errors[0].startswith("dgm: error: --params")
    assert text in errors[0]
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args, text", [
    (["--policies", "bau,green_deal"], "unknown policy 'green_deal'"),
    (["--t-end", "2020"], "--t-end must be after 2025"),
])
def test_compare_bad_options_exit_2(tmp_path, capsys, args, text):
    assert main(["compare", "--out", str(tmp_path), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and text in err


def test_compare_variant_runs_at_the_medians_of_that_posterior(tmp_path, capsys):
    """``dgm compare --variant`` on the shipped joint file runs at the medians of the posterior it names: the
    file's ``[parameters]`` (Mazzucato) or its ``[posterior_bh]`` (Boysen-Hogrefe), as the parameters written to
    the comparison show; on a block-wise file it is refused in one line naming ``--variant`` and the joint file."""
    import tomllib

    from calibration.params import param_file

    joint = param_file("usa", joint=True)
    doc = tomllib.loads(joint.read_text())
    medians = {"mazzucato": doc["parameters"],
               "boysen_hogrefe": {k: r["median"] for k, r in doc["posterior_bh"].items() if k != "g_Z"}}
    assert medians["mazzucato"]["gamma_pi"] != medians["boysen_hogrefe"]["gamma_pi"]  # two posteriors apart
    for variant, values in medians.items():
        out = tmp_path / variant
        assert main(["compare", "--params", str(joint), "--variant", variant, "--policies", "bau", "--no-impulse",
                     "--t-end", "2027", "--out", str(out)]) == 0
        with xr.open_dataset(out / "comparison_usa.nc") as ds:
            ran = {k: float(ds[k]) for k in values}
            # the file says which parameters ran (found by the new-user review: two variants' files looked alike)
            assert ds.attrs["parameters_from"] == f"{joint.resolve()} ({variant} posterior medians)"
        assert ran == pytest.approx(values, rel=1e-12, abs=0), variant
    capsys.readouterr()
    assert main(["compare", "--params", str(param_file("usa")), "--variant", "boysen_hogrefe",
                 "--out", str(tmp_path / "x")]) == 2  # a block-wise file (the default is the joint one)
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("dgm: error: --variant boysen_hogrefe: ") and (
        "usa.toml has no boysen_hogrefe posterior table" in err[0] and err[0].endswith(f"--params {joint}")), err
    assert not (tmp_path / "x").exists()


def test_compare_solver_failure_exit_1_one_line(tmp_path, capsys, monkeypatch):
    from model.errors import SolverError

    def fail(*args, **kwargs):
        raise SolverError("model 'directed_growth', policy 'bau': the state diverged after t=2050")

    monkeypatch.setattr(model.solve.simulation, "simulate", fail)
    assert main(["compare", "--out", str(tmp_path), "--policies", "bau", "--no-impulse"]) == 1
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.startswith("dgm:")] == [
        "dgm: solver failed: model 'directed_growth', policy 'bau': the state diverged after t=2050"]
    assert list(tmp_path.iterdir()) == []


def test_compare_writes_results_and_figures(tmp_path, capsys, monkeypatch):
    """Success path on the real model with BAU only and a parameter file."""
    import model.directed_growth.policies
    from model.directed_growth.factory import directed_growth

    c_w = 0.65  # not the default: the start quantities derived from it must follow
    assert directed_growth()["c_w"].default != c_w
    params = tmp_path / "params.toml"
    params.write_text(f"[parameters]\nc_w = {c_w!r}\n")
    out = tmp_path / "res"
    (out).mkdir()
    (out / "outcomes_usa.csv").write_text("stale\n")  # a previous set: replaced with --force, as documented
    assert main(["compare", "--params", str(params), "--t-end", "2030", "--no-impulse", "--policies", "bau",
                 "--out", str(out)]) == 2
    assert "pass --force to replace the set" in capsys.readouterr().err
    assert (out / "outcomes_usa.csv").read_text() == "stale\n"
    assert main(["compare", "--params", str(params), "--t-end", "2030", "--no-impulse", "--policies", "bau",
                 "--out", str(out), "--force"]) == 0
    err = capsys.readouterr().err
    for i in range(1, 5):  # build, simulate, outcomes, write the set (one unit)
        assert f"[{i}/4]" in err
    assert f"[1/4] building model of United States (parameters: {params}) ..." in err and "Traceback" not in err
    names = ["comparison_usa.nc", "outcomes_usa.csv"] + [
        f"{f}_usa.{ext}" for f in ("scenario_panel", "lever_paths", "outcome_table") for ext in ("pdf", "png")]
    for name in names:
        assert (out / name).stat().st_size > 0, name
    assert sorted(p.name for p in out.iterdir()) == sorted(names)  # no temporary files left
    with xr.open_dataset(out / "comparison_usa.nc") as ds:
        for name in ("Y", "h", "h_eff", "I_p", "omega", "lam", "E_dom", "e_int", "T_at", "b", "d", "F_pub", "x_g",
                     "K_g", "K_b", *model.directed_growth.policies.LEVERS):
            assert name in ds, name
        assert float(ds.time[0]) == 2025.0 and float(ds.time[-1]) == 2030.0
        assert float(ds.c_w) == c_w
        # rebuilt with c_w as a default: 2025 output (the country's 2025 data: the parameter file's country,
        # USA) and the wage share are still at their start values
        assert float(ds.Y[0]) == pytest.approx(country_start("USA").Y, rel=1e-12)
        assert float(ds.omega.sel(time=2026)) == pytest.approx(float(ds.omega[0]), rel=1e-4)
        assert ds.attrs["policy"] == "bau" or list(ds.policy.values) == ["bau"]
    import pandas as pd

    df = pd.read_csv(out / "outcomes_usa.csv", index_col=0)
    assert list(df.index) == ["bau"] and "avg_growth" in df.columns and "multiplier_1y" not in df.columns


@pytest.mark.slow
def test_compare_netcdf_schema_three_policies(tmp_path, capsys):
    """The main job's file: dims policy and time, at least 15 stocks, units and long names
    on every variable and coordinate."""
    out = tmp_path / "res"
    assert main(["compare", "--t-end", "2030", "--no-impulse", "--out", str(out)]) == 0
    capsys.readouterr()
    with xr.open_dataset(out / "comparison_usa.nc") as ds:
        assert list(ds.policy.values) == ["bau", "market_fixing", "market_shaping"]
        assert set(ds.dims) == {"policy", "time"}
        assert ds.Y.dims == ("policy", "time")
        assert sum(ds[v].attrs.get("kind") == "stock" for v in ds.data_vars) >= 15
        for name in ds.variables:
            attrs = ds[name].attrs
            assert attrs.get("long_name") and "units" in attrs, name
        # by default the committed US joint calibration is used
        from calibration.paramfile import read_params
        from calibration.params import default_param_file

        assert default_param_file("usa").name == "usa_joint.toml"
        assert ds.attrs["parameters_from"] == f"{default_param_file('usa').resolve()} (its [parameters])"
        for name, value in read_params(default_param_file("usa")).items():
            assert float(ds[name]) == pytest.approx(value, rel=1e-12), name


def test_compare_defaults_flag_uses_the_literature_defaults(tmp_path, capsys):
    from model.directed_growth.factory import directed_growth

    out = tmp_path / "lit"
    assert main(["compare", "--defaults", "--t-end", "2027", "--no-impulse", "--policies", "bau",
                 "--out", str(out)]) == 0
    assert "(literature defaults)" in capsys.readouterr().err
    with xr.open_dataset(out / "comparison_usa.nc") as ds:
        assert float(ds.g_Z) == directed_growth(country="USA")["g_Z"].default
        assert ds.attrs["parameters_from"] == "literature defaults"
    assert main(["compare", "--defaults", "--params", "x.toml", "--out", str(out)]) == 2
    assert "exclude each other" in capsys.readouterr().err


def test_lever_paths_lines_are_the_policy_paths(synthetic):
    """One panel per varying lever, one line per policy in policy order, holding that policy's path
    (shares in percent, other units as they are) over the run's years."""
    fig = plots.lever_paths(synthetic)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    scale = {"i_G": 100.0, "carbon_price": 1.0, "rd_subsidy": 100.0}  # dimensionless -> %, USD/tCO2 as is
    assert [ax.get_ylabel().split()[0] for ax in axes] == list(scale)
    for ax, (name, k) in zip(axes, scale.items()):
        lines = ax.get_lines()
        assert [line.get_label() for line in lines] == ["Business as usual", "Market fixing", "Market shaping"]
        for line, pol in zip(lines, POLICIES):
            np.testing.assert_array_equal(line.get_xdata(), synthetic.time.values)
            np.testing.assert_allclose(line.get_ydata(), k * synthetic[name].sel(policy=pol).values, rtol=1e-12)
    # hand-checked points: market fixing's carbon price reaches 200 USD/tCO2 in 2100; the R&D subsidy
    # ramps to 0.3 % of output by 2035 under every policy
    assert axes[1].get_lines()[1].get_ydata()[-1] == pytest.approx(200.0)
    assert axes[2].get_lines()[2].get_ydata()[10] == pytest.approx(0.3)
    plt.close(fig)


def test_panel_titles_sit_above_the_axes_and_above_an_offset_text(synthetic):
    """Titles are pinned to the top of their axes, except where the y axis shows an offset text (a power
    of ten): that title is left to matplotlib, which draws it above the offset text."""
    synthetic["carbon_price"] = synthetic["carbon_price"] * 1e-9  # 0 to 2e-7 USD/tCO2: ticks need "1e-7"
    fig = plots.lever_paths(synthetic)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    axes = [ax for ax in fig.axes if ax.get_visible()]
    offsets = [ax.yaxis.offsetText.get_text() for ax in axes]
    assert offsets[0] == offsets[2] == "" and "1e" in offsets[1].replace("−", "-")
    for ax in axes:
        title = next(t for t in ax.get_children() if isinstance(t, matplotlib.text.Text)
                     and t.get_text() == ax.get_title(loc="left"))
        top = ax.get_window_extent(renderer).ymax
        assert title.get_window_extent(renderer).ymin >= top  # never over the plot
        if ax.yaxis.offsetText.get_text():
            assert title.get_window_extent(renderer).ymin >= ax.yaxis.offsetText.get_window_extent(renderer).ymax
        else:
            assert title.get_position()[1] == 1.0
    plt.close(fig)

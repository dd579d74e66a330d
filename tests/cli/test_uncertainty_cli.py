"""dgm ensemble / sensitivity / figures, posterior draws and the uncertainty figures."""

import numpy as np
import pytest
import xarray as xr

from calibration.params import PARAM_DIR
from calibration.posterior import STRUCTURAL_PRIORS, posterior_draws
from model import Status
from model.cli.commands import main
from model.directed_growth.factory import directed_growth
from model.errors import CalibrationError


def test_posterior_draws_follow_the_parameter_file():
    path = PARAM_DIR / "usa.toml"
    a = posterior_draws(path, 4000, seed=3)
    b = posterior_draws(path, 4000, seed=3)
    assert a.equals(b)
    assert "g_Z" not in a  # derived by the model factory from alpha0 + n, draw by draw
    import tomllib
    doc = tomllib.loads(path.read_text())
    dg = directed_growth()
    for name, u in doc["uncertainty"].items():
        lo, hi = dg[name].bounds
        assert a[name].min() >= lo and a[name].max() <= hi
        centre = u.get("posterior_median", u["value"])
        # untruncated or mildly truncated normals: the median sits at the estimate
        assert abs(a[name].median() - centre) < 0.1 * u["se"] + 0.05 * abs(centre), name
    for name, (lo, hi, _) in STRUCTURAL_PRIORS.items():  # every stated prior the file does not estimate
        if name not in doc["uncertainty"]:
            assert lo <= a[name].min() and a[name].max() <= hi, name
    for name in doc["kept_default"]:
        assert name in a and name in a.attrs["sources"]
    assert list(posterior_draws(path, 5, structural=False, kept_defaults=False).columns) == \
        sorted(doc["uncertainty"])
    with pytest.raises(CalibrationError, match="parameter file not found"):
        posterior_draws(path.with_name("nope.toml"), 5)


def test_dgm_ensemble_writes_the_ensemble_and_a_plain_words_report(tmp_path, capsys):
    out, rep = tmp_path / "e.nc", tmp_path / "r.txt"
    assert main(["ensemble", "--draws", "24", "--t-end", "2060", "--out", str(out), "--report", str(rep)]) == 0
    ens = xr.load_dataset(out)
    assert ens.sizes["draw"] == 24 and list(ens.policy.values) == ["bau", "market_fixing", "market_shaping"]
    assert {"T_end", "avg_growth", "status", "failure", "chi", "alpha_KV"} <= set(ens.data_vars)
    text = rep.read_text()
    assert "market_shaping beats market_fixing on avg_growth" in text and "integrate to the end" in text
    assert "- overheating_years: market_shaping beats market_fixing in " in text
    assert text.strip() in capsys.readouterr().out
    # one overheating line per path: the plausible members (outcome defined) with 20 years or more, and the median
    lines = text.splitlines()
    at = lines.index(next(x for x in lines if x.startswith("Overheating (years with annual-mean inflation above 5%/yr "
                                                             "or employment within 0.5 pp of its maximum lam_max")))
    for line, p in zip(lines[at + 1:at + 4], ens.policy.values):
        v = ens.overheating_years.sel(policy=p).values
        v = v[np.isfinite(v)]
        assert line == (f"- {p}: 20 years or more in {int((v >= 20).sum())} of {v.size} members "
                        f"({100 * np.mean(v >= 20):.2f}%); median {np.median(v):g} years."), line


def test_dgm_ensemble_durable_reports_reversals_per_member(tmp_path, capsys):
    out = tmp_path / "e.nc"
    assert main(["ensemble", "--durable", "--draws", "16", "--t-end", "2040", "--variables", "R_el,S_pub",
                 "--out", str(out)]) == 0
    ens = xr.load_dataset(out)
    assert list(ens.policy.values) == ["bau", "market_fixing_durable", "market_shaping_durable"]
    assert all(ens[k].dims == ("draw",) for k in ("s_0", "b_y", "tau_y", "b_lam", "b_c"))  # the vote function drawn
    for p in ("market_fixing_durable", "market_shaping_durable"):
        r, y = ens.reversals.sel(policy=p).values, ens.years_in_force.sel(policy=p).values
        ok = np.isfinite(r)
        assert ok.sum() >= 15 and set(r[ok]) <= {0.0, 1.0, 2.0, 3.0}  # elections 2028.85, 2032.85, 2036.85
        # a reverted member is in force at most until its first reversal's window ends (0.25 years; the yearly
        # grid's trapezoid adds at most 1 year), then for the share 1 - R_el not reverted (R_el's smooth step:
        # about 0.001 when the vote is clear, up to 0.19 measured when support was 50.1% at the election) of the
        # years left; never reverted, at most 15 years (to the solver's tolerance: the in-force share R_el is an
        # integrated stock, measured up to 1 + 3.5e-6)
        first = ens.first_reversal.sel(policy=p).values
        rev = ok & (r > 0)
        R = ens.R_el.sel(policy=p).transpose("draw", "time").values
        after = np.array([R[i, ens.time.values >= f + 1.25].min() if np.isfinite(f) else 1.0
                          for i, f in enumerate(first)])
        bound = first - 2025.0 + 1.25 + (1.0 - after + 0.001) * (2040.0 - first)
        assert np.all(y[rev] < bound[rev]) and np.all(y[ok] <= 15.0 * (1 + 1e-5))
        assert np.all(np.isnan(first[ok & (r == 0)]))
    assert np.all(np.isnan(ens.reversals.sel(policy="bau").values))
    assert "market_shaping_durable beats market_fixing_durable" in capsys.readouterr().out


@pytest.mark.slow
def test_dgm_sensitivity_and_figures_render_the_paper_set(tmp_path):
    ens, si = tmp_path / "e.nc", tmp_path / "s.nc"
    assert main(["ensemble", "--defaults", "--names", "chi,beta_c", "--draws", "30", "--t-end", "2050",
                 "--out", str(ens)]) == 0
    assert main(["sensitivity", "--defaults", "--names", "chi,beta_c", "--draws", "8", "--outcome", "T_end,avg_growth",
                 "--out", str(si)]) == 0
    s = xr.load_dataset(si)
    assert set(s.data_vars) >= {"S1", "ST", "S1_conf", "ST_conf"} and s.attrs["horizon"] == "2025-2050"
    assert main(["sensitivity", "--defaults", "--names", "chi,beta_c", "--draws", "3", "--method", "morris",
                 "--contrast", "", "--policy", "bau", "--outcome", "T_end", "--out", str(tmp_path / "m.nc")]) == 0
    figs = tmp_path / "figs"
    assert main(["figures", "--ensemble", str(ens), "--sensitivity", str(si), "--out", str(figs)]) == 0
    names = {p.name for p in figs.iterdir()}
    for stem in ("fan_chart", "sobol_indices", "tornado_avg_growth", "tornado_T_end"):
        assert {stem + "_usa.pdf", stem + "_usa.png"} <= names
        assert (figs / (stem + "_usa.png")).stat().st_size > 10_000
    tex = (figs / "outcome_intervals_usa.tex").read_text()
    assert r"\begin{tabular}{lccc}" in tex and "Market shaping" in tex and tex.count(r"\\") >= 8


@pytest.mark.parametrize("argv, message", [
    (["ensemble", "--draws", "0", "--out", "x.nc"], "--draws must be positive"),
    (["ensemble", "--defaults", "--params", "x.toml", "--out", "x.nc"], "exclude each other"),
    (["ensemble", "--out", "x.csv"], "--out x.csv: unsupported format"),
    (["sensitivity", "--contrast", "a", "--out", "x.nc"], "two policy names"),
    (["figures", "--ensemble", "missing.nc", "--out", "figs"], "no such file"),
])
def test_uncertainty_commands_reject_bad_input_with_one_line(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("verb", ["ensemble", "sensitivity", "figures", "compare", "calibrate"])
def test_every_variant_option_offers_the_one_list_of_variants(verb, capsys, tmp_path, monkeypatch):
    """The variants are listed once (:data:`calibration.posterior.VARIANTS`, the keys of ``VARIANT_KEYS``): the
    target sets' list and every ``--variant`` option offer exactly it (``dgm calibrate`` adds ``both``)."""
    from calibration.irf import VARIANTS as TARGET_VARIANTS
    from calibration.posterior import VARIANT_KEYS, VARIANTS

    assert TARGET_VARIANTS is VARIANTS and VARIANTS == tuple(VARIANT_KEYS)
    monkeypatch.chdir(tmp_path)
    joint = ["--joint", "--out", "c.toml"] if verb == "calibrate" else ["--out", "x" if verb == "compare" else "x.nc"]
    assert main([verb, "--variant", "keynes", *joint]) == 2
    err = capsys.readouterr().err
    offered = ", ".join(("both", *VARIANTS) if verb == "calibrate" else map(repr, VARIANTS))
    assert offered in err and "keynes" in err, err


def test_dgm_ensemble_names_the_members_that_left_the_plausible_range(tmp_path, capsys):
    """2,000 draws to 2100 from the default calibration, the US joint posterior (calibration/params/usa_joint.toml,
    Mazzucato variant), every other stated prior drawn (pi3 with its stated shape; measured in issue 14, session 13,
    on the file re-made with the price block's eta_p held, 0.428 +- 0.187, and rho_cb 0.221 +- 0.063, each drawn
    from its se): 448 business-as-usual, 444 market-fixing and 369 market-shaping members leave
    model.directed_growth.factory.PLAUSIBLE, none stalls, 1,079 draws without a start at rest and 424 with a locally
    unstable one re-drawn: every flagged member is whole (integrated to 2100) but left out of the outcome
    statistics, and the summary names each path's count and the ranges left; the report then attributes them
    (model.directed_growth.attribution): failed 0 / 0 / 7 (0.35% of market shaping, the rest collapsed under climate
    damages): the report says the 1% bound (issue 14's acceptance) holds (0.53% on 10,000 draws). Session 12's file
    (eta_p drawn from its prior U[0.1, 0.6]): 371 / 351 / 388 flagged, failed 0 / 1 / 44 (2.20%: does NOT hold), 598
    and 329 re-drawn. Session 11's file (rho_cb drawn from its prior): 346 / 327 / 334 flagged, failed 0 / 0 / 32
    (1.60%), 639 and 165 re-drawn. With the tempered-SMC posterior (file made at f74ded4, session 9): 360 / 347 /
    346 flagged, failed 0 / 0 / 17 (0.85%: holds), 557 and 181 re-drawn. Before the recentred block (file made at
    d1e7a0a): 340 / 315 / 335 flagged, failed 0 / 0 / 20 (1.00%: the report said the bound does NOT hold on these
    draws), 494 and 173 re-drawn; with one-pass final sweeps (session 7): 348 / 333 / 336, failed 0 / 1 / 15, 433
    and 172 re-drawn. On the block-wise file (usa.toml, the default before): 270 / 258 / 253 flagged, one business-
    as-usual member stalled at 2099.58 in a collapse, failed 1 / 0 / 0, 496 and 230 re-drawn; before the real lower
    bound followed the start's inflation: 332 / 299 / 290, failed 0 / 0 / 0; before the condition Z_H > 0: 357 / 330
    / 299, failed 0 / 1 / 0; before the stability truncation and the pi3 shape: 832 / 805 / 732, failed 5 / 14 / 16."""
    out = tmp_path / "e.nc"
    assert main(["ensemble", "--draws", "2000", "--out", str(out)]) == 0
    ens = xr.load_dataset(out)
    flagged = ens.status == Status.IMPLAUSIBLE
    stalled = ens.status == Status.STALLED
    assert int(flagged.sum()) >= 1 and bool(((ens.status == 0) | flagged | stalled).all())
    assert int(stalled.sum()) == 0  # regression value, see above
    for policy, draw in zip(*np.nonzero(flagged.values)):
        member = ens.isel(policy=policy, draw=draw)
        assert np.isfinite(member.Y.values).all()  # whole, integrated to 2100
        assert np.isnan(member.avg_growth) and np.isnan(member.T_end)  # left out of the outcome statistics
    lines = capsys.readouterr().out.strip().splitlines()
    counts = {str(p): int(flagged.sel(policy=p).sum()) for p in ens.policy.values}
    line = next(x for x in lines if x.startswith("Members that did not integrate to the end or left the plausible "
                                                 "range (flagged: left out of the outcome statistics, counted as a "
                                                 "loss in the comparisons above; the categories below say which "
                                                 "collapsed and which failed): "))
    cls = ens.member_class
    for p, k in counts.items():  # every flagged or stalled member is attributed: collapsed or failed
        assert int((cls.sel(policy=p) != "plausible").sum()) == k + int(stalled.sel(policy=p).sum())
    assert counts == {"bau": 448, "market_fixing": 444, "market_shaping": 369}  # regression values, see above
    failed = (cls != "plausible") & (cls != "collapsed_under_damages")
    assert {str(p): int(failed.sel(policy=p).sum()) for p in ens.policy.values} == {
        "bau": 0, "market_fixing": 0, "market_shaping": 7}
    assert lines[-3] == "Failed members below 1% on every path: holds (largest share 0.35%, market_shaping)."
    assert lines[-2].startswith("Draws without a start at rest: 1079 of the first 2,000 draws (53.95%) were re-drawn")
    assert lines[-1].startswith("Draws whose start at rest is locally unstable: 424 of the first 2,000 draws "
                                "(21.20%) were re-drawn")
    for p, k in counts.items():
        n = k + int(stalled.sel(policy=p).sum())
        stall = "1 did not integrate to the end; " if n > k else ""
        assert (f"{p} {n} ({stall}{k} left the plausible range: " if n else f"{p} 0") in line, (p, k, line)


def test_dgm_sensitivity_records_which_posterior_its_ranges_come_from(tmp_path):
    """``dgm sensitivity --variant boysen_hogrefe`` on the shipped joint file takes its ranges from the
    Boysen-Hogrefe posterior and says so in the file (``draws_from``), as ``dgm ensemble``'s report does."""
    from calibration.params import param_file

    out = tmp_path / "s.nc"
    assert main(["sensitivity", "--params", str(param_file("usa", joint=True)), "--variant", "boysen_hogrefe",
                 "--draws", "2", "--t-end", "2030", "--outcome", "avg_growth", "--out", str(out)]) == 0
    with xr.open_dataset(out) as ds:
        assert "usa_joint.toml, joint posterior of the boysen_hogrefe variant; held at" in ds.attrs["draws_from"]


def test_dgm_sensitivity_over_the_default_posterior_holds_the_propensities_to_consume(tmp_path):
    """Under the start condition Z_H > 0, the independent 95% ranges of the US file's posterior reach draws without a
    start at rest (786 of a 4,992-member Sobol design, all through c_w, c_pi, c_V), which Sobol estimators cannot
    skip: the decomposition holds the three propensities at the medians of the posterior truncated to a start,
    says so in ``draws_from``, and runs (before the hold it was refused). With the file re-made on the recentred
    productivity block (issue 14, session 9) that hold alone left 76 of 592 members without a start (low
    depreciation, dispersed productivity, low alpha0) and the default command failed; the parameters whose ranges
    still reach the region are now held one at a time until every checked point starts (regression value: delta and
    sigma_N on that file; delta alone on the file re-made by nested sampling, session 11; delta and f_K on the file
    that holds rho_cb at its block estimate, session 12; on the file that also holds the price block's eta_p, session
    13, with the ranges and medians from 2,000 draws whatever --draws, RANGE_DRAWS: delta, r0, alpha0 and alpha_m,
    so alpha0 leaves the decomposition)."""
    import xarray as xr

    out = tmp_path / "s.nc"
    assert main(["sensitivity", "--draws", "8", "--t-end", "2030", "--outcome", "avg_growth", "--out", str(out)]) == 0
    si = xr.load_dataset(out)
    assert "held at the medians of those draws truncated to a start at rest: c_w " in si.attrs["draws_from"]
    lead = "held at the medians of those draws truncated to a start at rest: "
    held = si.attrs["draws_from"].split(lead)[1].split(" (")[0]
    assert [x.split()[0] for x in held.split(", ")] == ["c_w", "c_pi", "c_V", "delta", "r0", "alpha0",
                                                        "alpha_m"]  # regression
    names = set(map(str, si["parameter"].values)) if "parameter" in si.coords else set()
    assert names and not names & {"c_w", "c_pi", "c_V", "delta", "alpha0"} and "chi" in names


def test_sobol_ranges_that_still_reach_no_start_are_refused_with_what_was_held():
    """With nothing left to hold (``max_held=0``) and a propensity to consume out of wages over 0.5-0.99 (its high
    end leaves autonomous household consumption negative at the US start), the check refuses in one line naming
    the held parameters and what to do; with room to hold one, it holds ``c_w`` (the only range) and starts."""
    from model.cli.common import calibrated_model
    from model.cli.uncertainty import _held_until_every_start
    from model.errors import ModelError

    def rebuild(h):
        return calibrated_model(None, "USA", values=h)

    with pytest.raises(ModelError, match=r"of 4000 points of the independent ranges have no start at rest with "
                                         r"c_pi held at their medians: narrow the ranges"):
        _held_until_every_start(rebuild, {"c_w": (0.5, 0.99)}, {"c_w": 0.8}, {"c_pi": 0.2}, seed=0, max_held=0)
    system, ranges, held = _held_until_every_start(rebuild, {"c_w": (0.5, 0.99)}, {"c_w": 0.8}, {}, seed=0)
    assert held == {"c_w": 0.8} and ranges == {}

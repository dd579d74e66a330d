"""Flagged ensemble members attributed to climate damages or counted as failed; draws truncated to the region
where a start at rest exists (issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from model.analysis.draws import from_bounds, has_start, truncate_to_start
from model.directed_growth.attribution import (
    CATEGORIES,
    ECONOMY_STOCKS,
    FAILED,
    HELD_STOCKS,
    attribute,
    attribution_table,
    attribution_text,
    classify,
    rest_eigenvalues,
    stable_at_rest,
)
from model.directed_growth.factory import T0, no_start_reasons
from model.errors import ModelError
from model.solve.ensembles import ensemble
from model.solve.status import Status

S, IM, ST = int(Status.SUCCESS), int(Status.IMPLAUSIBLE), int(Status.STALLED)


def test_classify_follows_the_stated_rule():
    """Implausible with damages and plausible without: collapsed; implausible without damages too (or failing
    there): failed; not integrating with damages: failed whatever the run without; no start: no start."""
    status = np.array([S, IM, IM, IM, ST, ST, IM, Status.IDENTITY_VIOLATED])
    off = np.array([IM, S, IM, ST, S, ST, S, S])  # status with damages off (read only where status is implausible)
    no_start = np.array([False, False, False, False, False, False, True, False])
    got = classify(status, off, no_start).tolist()
    # a member that integrated to the end but broke an accounting identity is named so, not "did not integrate"
    assert got == ["plausible", "collapsed_under_damages", "implausible_without_damages",
                   "implausible_without_damages", "not_integrating", "not_integrating", "no_start",
                   "identity_violated"]
    assert set(FAILED) | {"plausible", "collapsed_under_damages"} == {c for c, _ in CATEGORIES}


@pytest.fixture(scope="module")
def severe(dg):
    """Dietz & Stern's damage term (pi3 = 8.19e-5, GEMMES's 'extreme' term) at the top of the IPCC likely climate
    sensitivity, and two mild draws (no tipping term; Weitzman's pi3 at S = 3)."""
    draws = pd.DataFrame({"pi3": [8.19e-5, 0.0, 5.07e-6], "S": [4.0, 2.5, 3.0]})
    pols = [p.factory() for p in dg.meta.policies]
    ens = ensemble(dg, draws, pols, t_span=(T0, 2100), variables=(), progress=False)
    return ens, draws, pols


@pytest.mark.slow
def test_a_draw_collapsing_only_with_damages_is_attributed_to_them(dg, severe):
    """GEMMES (Bovari, Giraud & Mc Isaac 2018): under severe damages secular stagnation is followed by collapse
    near 2100. The severe draw leaves the plausible range on every path before 2100 with damages, and the same
    draw with damages switched off (d_sw = 0) stays plausible: collapsed under climate damages, not failed."""
    ens, draws, pols = severe
    assert (ens.status.isel(draw=0).values == Status.IMPLAUSIBLE).all()
    off = draws.iloc[[0]].assign(d_sw=0.0)
    assert (ensemble(dg, off, pols, t_span=(T0, 2100), variables=(), progress=False).status.values
            == Status.SUCCESS).all()
    cls = attribute(dg, ens, draws, pols, t_span=(T0, 2100))
    assert cls.dims == ("policy", "draw")
    assert (cls.isel(draw=0).values == "collapsed_under_damages").all()
    assert (cls.isel(draw=[1, 2]).values == "plausible").all()
    table = attribution_table(cls)
    assert (table["collapsed_under_damages"] == 1).all() and (table["failed"] == 0).all()


def _classes(rows: dict[str, list[str]]) -> xr.DataArray:
    pols = list(rows)
    return xr.DataArray(np.array([rows[p] for p in pols]), dims=("policy", "draw"),
                        coords={"policy": pols, "draw": np.arange(len(rows[pols[0]]))})


def test_report_prints_every_category_per_path_and_the_verdict():
    """Every category is printed for every path, zero counts included; failed = the three failed categories;
    the verdict compares the largest failed share with 1%."""
    base = ["plausible"] * 196 + ["collapsed_under_damages"] * 3
    cls = _classes({"bau": base + ["plausible"], "market_shaping": base + ["implausible_without_damages"],
                    "market_fixing": ["plausible"] * 190 + ["not_integrating"] * 4 + ["no_start"] * 6})
    text = attribution_text(cls)
    lines = text.splitlines()
    shaping = next(x for x in lines if x.startswith("- market_shaping:"))
    for _, words in CATEGORIES:
        assert all(words in x for x in lines if x.startswith("- "))
    assert "collapsed under climate damages (plausible with damages off) 3 (1.50%)" in shaping
    assert "Failed in all: 1 of 200 (0.50%)" in shaping
    fixing = next(x for x in lines if x.startswith("- market_fixing:"))
    assert "Failed in all: 10 of 200 (5.00%)" in fixing and "no start at rest 6 (3.00%)" in fixing
    assert lines[-1] == "Failed members below 1% on every path: does NOT hold (largest share 5.00%, market_fixing)."
    ok = attribution_text(cls.sel(policy=["bau", "market_shaping"]))
    assert ok.splitlines()[-1].startswith("Failed members below 1% on every path: holds (largest share 0.50%")
    trunc = attribution_text(cls, truncated={"no_start_share": 0.045, "no_start_redrawn": 9,
                                             "no_start_candidates": 236})
    assert trunc.splitlines()[-1].startswith("Draws without a start at rest: 9 of the first 200 draws (4.50%) "
                                             "were re-drawn")


def _propensities(dg):
    # about half without a start (autonomous household consumption Z_H not positive)
    ranges = {"c_w": (0.65, 0.9), "c_pi": (0.25, 0.55), "c_V": (0.035, 0.07)}
    return lambda m, seed: from_bounds(dg, list(ranges), m, method="random", seed=seed, ranges=ranges)


def test_truncation_redraws_only_the_draws_without_a_start(dg):
    """Consumption propensities high enough leave no start at rest (autonomous household consumption not
    positive): those draws are replaced, the others kept in place, and the truncated share is the share of the
    first draws without a start (An & Schorfheide 2007)."""
    draw = _propensities(dg)
    first = draw(200, 3)
    ok = has_start(dg, first)
    assert 0.05 < 1 - ok.mean() < 0.95  # the test region straddles the boundary
    out = truncate_to_start(dg, draw, 200, seed=3)
    assert has_start(dg, out).all() and len(out) == 200
    assert np.array_equal(out.loc[ok].to_numpy(), first.loc[ok].to_numpy())
    assert out.attrs["no_start_redrawn"] == int((~ok).sum())
    assert out.attrs["no_start_share"] == pytest.approx((~ok).mean(), abs=0)
    assert out.attrs["no_start_candidates"] > 200 and "An & Schorfheide" in out.attrs["truncation"]


def test_truncation_refuses_a_region_without_any_start(dg):
    """A region where no draw has a start raises one line instead of looping."""
    ranges = {"c_w": (0.93, 0.95), "c_pi": (0.55, 0.6), "c_V": (0.075, 0.08)}
    assert not has_start(dg, from_bounds(dg, list(ranges), 50, method="random", seed=0, ranges=ranges)).any()
    with pytest.raises(ModelError, match="no start at rest for 20 of 20 draws after 3 rounds"):
        truncate_to_start(dg, lambda m, s: from_bounds(dg, list(ranges), m, method="random", seed=s, ranges=ranges),
                          20, seed=0, max_rounds=3)


def test_every_stock_is_tested_for_stability_or_held_with_a_reason():
    """A new stock must be placed: in the economy whose start must be locally stable, or held on its own path with
    the reason (the politics model's stocks included)."""
    from model.directed_growth.factory import directed_growth

    stocks = set(directed_growth(politics=True).stocks)
    assert set(ECONOMY_STOCKS) | set(HELD_STOCKS) == stocks
    assert not set(ECONOMY_STOCKS) & set(HELD_STOCKS)
    assert all(len(why) > 20 for why in HELD_STOCKS.values())


@pytest.mark.slow
def test_an_unstable_start_at_rest_diverges_and_a_stable_one_returns(dg):
    """The eigenvalues describe the model's own dynamics. Damages off, business as usual, autonomous demand 0.1%
    above its start: at the defaults every eigenvalue of the economy has a real part at most 0 (the neutral levels)
    and the employment rate's deviation dies out (its largest value in 2070-2100 under a fifth of that in
    2026-2055; measured 0.05); with no investment response to the loan rate (gamma_r = 0) and a weak credit channel
    (psi_Z = 0.2) the largest pair is 0.0224 +- 0.1194i per year (a cycle of 53 years growing 2.2% a year): the
    deviation grows, as exp(0.0224 x 44 years) = 2.7 predicts over the 44 years between the windows' centres
    (measured 2.48; asserted within a factor 1.5)."""
    from model.directed_growth.factory import directed_growth
    from model.solve.simulation import simulate

    ratios, tops = [], []
    for over in ({"d_sw": 0.0}, {"d_sw": 0.0, "gamma_r": 0.0, "psi_Z": 0.2}):
        system = directed_growth(overrides=over)
        ev = rest_eigenvalues(system, {k: np.array([v]) for k, v in over.items()})[0]
        tops.append(ev[0])
        z0 = system.variables["Z"].default
        base = simulate(system, t_span=(T0, 2100))
        moved = simulate(system, t_span=(T0, 2100), initial={"Z": 1.001 * z0})
        dev = np.abs(moved.lam.values.squeeze() - base.lam.values.squeeze())
        t = base.time.values
        ratios.append(dev[(t >= 2070) & (t <= 2100)].max() / dev[(t >= 2026) & (t <= 2055)].max())
    assert tops[0].real <= 1e-12 and ratios[0] < 0.2
    assert tops[1].real == pytest.approx(0.0224, abs=0.0005) and abs(tops[1].imag) == pytest.approx(0.1194, abs=0.0005)
    assert not stable_at_rest(dg, {"gamma_r": np.array([0.0]), "psi_Z": np.array([0.2])})[0]
    predicted = np.exp(tops[1].real * 44.0)
    assert predicted / 1.5 < ratios[1] < 1.5 * predicted


def test_truncation_to_a_stable_start_redraws_and_reports_both_shares(dg):
    """With stable=stable_at_rest, draws without a start and draws whose start is locally unstable are both
    replaced, the admissible first draws kept in place, each share reported apart, and the same seed gives the
    same table. The region (gamma_r in [0, 3], psi_Z in [0.2, 0.4], c_w in [0.65, 0.9], c_pi in [0.25, 0.55],
    c_V in [0.035, 0.07]) straddles both boundaries."""
    ranges = {"c_w": (0.65, 0.9), "c_pi": (0.25, 0.55), "c_V": (0.035, 0.07), "gamma_r": (0.0, 3.0),
              "psi_Z": (0.2, 0.4)}

    def draw(m, seed):
        return from_bounds(dg, list(ranges), m, method="random", seed=seed, ranges=ranges)

    first = draw(120, 5)
    start = has_start(dg, first)
    stable = np.zeros(len(first), bool)
    stable[start] = stable_at_rest(dg, first.loc[start])
    assert 0 < (~start).sum() and 0 < (start & ~stable).sum() and 0 < stable.sum()
    out = truncate_to_start(dg, draw, 120, seed=5, stable=stable_at_rest)
    assert len(out) == 120 and has_start(dg, out).all() and stable_at_rest(dg, out).all()
    assert np.array_equal(out.loc[stable].to_numpy(), first.loc[stable].to_numpy())
    assert out.attrs["no_start_redrawn"] == int((~start).sum())
    assert out.attrs["unstable_redrawn"] == int((start & ~stable).sum())
    assert out.attrs["unstable_share"] == pytest.approx((start & ~stable).mean(), abs=0)
    again = truncate_to_start(dg, draw, 120, seed=5, stable=stable_at_rest)
    assert again.equals(out) and again.attrs["no_start_candidates"] == out.attrs["no_start_candidates"]
    text = attribution_text(_classes({"bau": ["plausible"] * 120}), truncated=out.attrs)
    assert (f"Draws whose start at rest is locally unstable: {out.attrs['unstable_redrawn']} of the first 120 draws "
            f"({100 * out.attrs['unstable_share']:.2f}%) were re-drawn") in text


@pytest.mark.slow
def test_failed_members_below_one_percent_on_every_path_at_2000_draws():
    """Issue 14's acceptance on 2,000 draws (dgm ensemble --country USA --draws 2000 --seed 0): the calibrated
    posterior and every stated prior (pi3 with its stated shape), truncated to a locally stable start at rest;
    failed members (no start, not integrating, implausible with damages off too) below 1% on every path. Measured
    (session 6: a start needs positive autonomous household consumption; the damages-off run starts from the run's
    own start): 0 / 0 / 0% failed (BAU / market fixing / market shaping), collapsed under damages 16.6 / 15.0 /
    14.5%; of the first 2,000 draws 24.85% had no start at rest (nearly all Z_H not positive; 1.05% before that
    condition) and 11.55% an unstable one (19.25% before), all re-drawn. Before the stability truncation and the
    pi3 shape: failed 0.25% / 0.70% / 0.80%, collapsed 41.4% / 39.6% / 35.8%."""
    from calibration.params import param_file
    from calibration.posterior import posterior_draws
    from model.cli.common import calibrated_model

    path = param_file("usa")
    system = calibrated_model(path, "USA")
    draws = truncate_to_start(system, lambda m, s: posterior_draws(path, m, seed=s, system=system), 2000, seed=0,
                              stable=stable_at_rest)
    pols = [p.factory() for p in system.meta.policies]
    ens = ensemble(system, draws, pols, t_span=(T0, 2100), variables=(), progress=False)
    table = attribution_table(attribute(system, ens, draws, pols, t_span=(T0, 2100)))
    assert (table["failed"] / table["members"] < 0.01).all(), table.to_string()
    assert 0.2 < draws.attrs["no_start_share"] < 0.3  # the truncation is reported (a quarter: Z_H not positive)
    assert 0 < draws.attrs["unstable_share"] < 0.3  # reported; about a fifth of the prior mass (see the docstring)


@pytest.mark.heavy
def test_failed_members_below_one_percent_on_every_path_at_10000_draws(tmp_path, capsys):
    """Issue 14's acceptance as stated: `dgm ensemble --country USA --draws 10000 --seed 0 --variables ''`; the
    report's verdict line says the failed share is below 1% on every path, and both truncated shares are
    reported. Measured on the joint file that holds the price block's eta_p (issue 14, session 13): failed 0.00 /
    0.01 / 0.53%, collapsed under damages 20.9 / 20.7 / 16.1%, re-drawn: no start 52.62%, unstable start 21.08%
    (session 12, eta_p drawn from its prior U[0.1, 0.6]: market shaping failed 2.53%, the bound did NOT hold).
    Earlier (issue 14, session 6: Z_H > 0 at the start, the damages-off run from the same start): failed
    0.00 / 0.01 / 0.07% (BAU / market fixing / market shaping), collapsed under damages 16.4 / 15.3 / 14.8%;
    re-drawn: no start 23.26%, unstable start 12.03% (session 3: failed 0.04 / 0.06 / 0.07%, re-drawn 0.94% and
    20.07%; on main before the stability truncation and the pi3 shape: failed 0.22 / 0.52 / 1.19%)."""
    from model.cli.commands import main

    out = tmp_path / "e.nc"
    assert main(["ensemble", "--country", "USA", "--draws", "10000", "--seed", "0", "--variables", "",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Failed members below 1% on every path: holds" in text
    assert "Draws whose start at rest is locally unstable: " in text and "Draws without a start at rest: " in text
    table = attribution_table(xr.load_dataset(out)["member_class"])
    assert (table["failed"] / table["members"] < 0.01).all(), table.to_string()


@pytest.mark.slow
def test_the_damages_off_counterfactual_starts_from_the_run_s_own_start(dg):
    """Severe damages (pi3 8.19e-5, S 4) and c_w 0.829: with damages the start at rest exists (autonomous household
    consumption Z_H just positive); re-derived without damages it does not (Z_H is lower by the start's damage share
    of consumption). Every path collapses before 2100; the same economy spared the damages (the run's own start,
    d_sw = 0) stays plausible, so each member collapsed under damages. The rule before issue 14's session 6
    re-derived the start without damages and counted such members failed for want of a counterfactual: 79 of the
    79 business-as-usual failures of the US joint posterior's 10,000 draws (seed 0)."""
    draws = pd.DataFrame({"pi3": [8.19e-5], "S": [4.0], "c_w": [0.829]})
    assert no_start_reasons(dg, {k: draws[k].to_numpy() for k in draws})[0] == ""
    off = {**{k: draws[k].to_numpy() for k in draws}, "d_sw": np.zeros(1)}
    assert no_start_reasons(dg, off)[0].startswith("autonomous household consumption Z_H is not positive")
    pols = [p.factory() for p in dg.meta.policies]
    ens = ensemble(dg, draws, pols, t_span=(T0, 2100), variables=(), progress=False)
    assert (ens.status.values == Status.IMPLAUSIBLE).all()
    cls = attribute(dg, ens, draws, pols, t_span=(T0, 2100))
    assert (cls.values == "collapsed_under_damages").all()

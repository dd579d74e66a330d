"""The start's inflation is a datum (issue 14): at a projection start the target mark-up is derived so that the
start's inflation, eta_p (markup omega - 1) + eta_x ln(Y_D/Y), is the country's observed inflation ``infl`` for every
draw of eta_p and eta_x; a historical replay passes no datum and keeps the mark-up (its likelihood unchanged)."""

import numpy as np
import pytest

from model.directed_growth.countries import country_start
from model.directed_growth.factory import consistent_draws, derived_of, directed_growth, no_start_reasons
from model.directed_growth.mechanisms.labour import MARKUP_BOUNDS
from model.directed_growth.priors import FIXED, PRIORS
from model.directed_growth.start_state import DERIVED, US_2025
from model.errors import ModelError
from model.solve.simulation import simulate


@pytest.mark.parametrize("country", [None, "USA", "GBR"])
def test_the_start_inflation_is_the_datum_for_every_draw_of_eta_p_and_eta_x(country):
    """Vectorised over 200 draws of eta_p and eta_x over their prior ranges: i_ref (the start's inflation, checked
    equal to the labour block's at the start) is the datum to rounding, and the mark-up is the closed form."""
    system = directed_growth(country=country)
    infl = US_2025["infl"] if country is None else country_start(country).infl
    rng = np.random.default_rng(14)
    (lo_p, hi_p, _), (lo_x, hi_x, _) = PRIORS["eta_p"], PRIORS["eta_x"]
    eta_p, eta_x = rng.uniform(lo_p, hi_p, 200), rng.uniform(lo_x, hi_x, 200)
    out = consistent_draws(system, {"eta_p": eta_p, "eta_x": eta_x})
    ok = np.isfinite(out["i_ref"])
    assert ok.mean() > 0.9
    np.testing.assert_allclose(out["i_ref"][ok], infl, rtol=0, atol=1e-15)
    np.testing.assert_allclose(out["r_elb"][ok], system["i_elb"].default - infl, rtol=0, atol=1e-15)
    assert np.ptp(out["markup"][ok]) > 0.1  # the mark-up moves with the draws, the start's inflation does not
    assert np.all((out["markup"][ok] >= MARKUP_BOUNDS[0]) & (out["markup"][ok] <= MARKUP_BOUNDS[1]))


def test_the_markup_is_the_closed_form_and_a_run_starts_at_the_datum(dg):
    """At the defaults (notional demand equal to output below the soft ceiling up to ln(Y_D/Y)), markup = (1 + (infl
    - eta_x ln(Y_D/Y)) / eta_p) / omega, and the labour block's inflation at a run's first point is the datum."""
    ds = simulate(dg, t_span=(2025.0, 2026.0), t_eval=[2025.0]).isel(time=0)
    gap = dg["eta_x"].default * np.log(float(ds.Y_D) / float(ds.Y))
    closed = (1 + (US_2025["infl"] - gap) / dg["eta_p"].default) / US_2025["omega"]
    assert dg["markup"].default == pytest.approx(closed, abs=1e-12)
    assert float(ds.inflation) == pytest.approx(US_2025["infl"], abs=1e-15)


def test_no_start_where_the_markup_leaves_its_bounds_or_eta_p_is_zero(dg):
    """eta_p = 0 (the mark-up sets no inflation) or small enough to need a mark-up above 3: no start, with why."""
    why = no_start_reasons(dg, {"eta_p": np.array([0.0, 0.01, 0.192])})
    assert "needs a positive price adjustment eta_p" in why[0]
    assert "is outside its bounds [1, 3]" in why[1] and why[2] == ""
    with pytest.raises(ModelError, match=r"is outside its bounds \[1, 3\]"):
        directed_growth(start={"infl": 0.5})


def test_the_markup_is_derived_with_a_datum_and_free_without(dg):
    """With the datum the mark-up is neither an override nor a draw (as DERIVED's names); start={'infl': None}
    removes the datum: the mark-up is GEMMES's 1.875 or an override again, and the origin rebuilds that model."""
    assert "markup" not in DERIVED and "markup" in derived_of(dg)
    with pytest.raises(ModelError, match="'markup' derived from the start state"):
        consistent_draws(dg, {"markup": np.array([1.8, 1.9])})
    free = directed_growth(start={"infl": None}, overrides={"markup": 1.7})
    assert free["markup"].default == 1.7 and "markup" not in derived_of(free)
    assert free.origin["kwargs"]["start"] == {"infl": None}
    rebuilt = directed_growth(**free.origin["kwargs"])
    assert {n: v.default for n, v in rebuilt.variables.items()} == {n: v.default for n, v in free.variables.items()}
    assert directed_growth(start={"infl": None})["markup"].default == 1.875
    with pytest.raises(ModelError, match="may not be None"):
        directed_growth(start={"omega": None})
    assert "derived at a projection start from the start's inflation datum" in FIXED["markup"]


def test_deriving_the_markup_inverts_the_inflation_of_a_start_without_datum():
    """A start without datum (a replay's) has the inflation eta_p (1.875 omega - 1) + eta_x ln(Y_D/Y); given that
    inflation as the datum, the derived mark-up is 1.875 again and every derived quantity the same (to 1e-12)."""
    free = directed_growth(start={"infl": None})
    back = directed_growth(start={"infl": free["i_ref"].default})
    assert back["markup"].default == pytest.approx(1.875, abs=1e-12)
    for name in (n for n in DERIVED if n in free.variables):  # y_m, y_g_ref: the politics blocks
        assert back[name].default == pytest.approx(free[name].default, rel=1e-9, abs=1e-12), name


def test_a_replay_keeps_the_markup_and_its_start_inflation(panel):
    """calibration.replay.country_model passes no datum: the mark-up is GEMMES's 1.875 and the start's inflation
    follows from it (the joint calibration's likelihood is unchanged: measured bit for bit at 7 points)."""
    from calibration.replay import country_model

    system = country_model(panel, "USA", 1970)
    assert system["markup"].default == 1.875 and "markup" not in derived_of(system)
    assert system.origin["kwargs"]["start"]["infl"] is None
    ds = simulate(system, t_span=(1970.0, 1971.0), t_eval=[1970.0]).isel(time=0)
    closed = (system["eta_p"].default * (1.875 * float(ds.omega) - 1)
              + system["eta_x"].default * np.log(float(ds.Y_D) / float(ds.Y)))
    assert system["i_ref"].default == pytest.approx(closed, abs=1e-12)


def test_the_default_start_datum_is_the_us_file_rounded():
    """US_2025's 'infl' is the US start file's (FRED-QD GDP price index, 2024 over 2023, log) to four decimals."""
    assert US_2025["infl"] == round(country_start("USA").infl, 4) == 0.0238

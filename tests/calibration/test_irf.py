"""Impulse responses from a historical start on the compiled path (calibration.irf) and their distance to the
published responses (the [irf] sections of calibration/targets/*.toml)."""

import math

import numpy as np
import pytest

from calibration.irf import (
    SHOCKS,
    Z90,
    IRFMoment,
    IRFProblem,
    IRFResult,
    IRFTargets,
    distance,
    irf_distance,
    irf_distance_many,
    load_irf_targets,
    moment_value,
)
from calibration.replay import country_model, observed_policy
from model.directed_growth.outcomes import cumulative_multiplier, impulse_response, impulse_responses
from model.errors import CalibrationError

H = tuple(range(20))


@pytest.fixture(scope="module")
def us1985(panel):
    """The US replay from 1985 at rest, observed public investment, every available shock, years 0-19."""
    system = country_model(panel, "USA", 1985)
    return IRFProblem(system, observed_policy(panel, "USA", 1985, 2006), horizons=H, wrt=("c_w",))


def test_compiled_irf_equals_simulate_based_public_investment(us1985):
    # outcomes.impulse_response: simulate() with a piecewise i_G path plus the step (the reference); the span is
    # 20 years, so its 201-point grid of the lever passes through every observed yearly knot
    got = us1985.evaluate().responses["public_investment"]["Y"]
    ref = impulse_response(us1985.system, None, us1985.policy, t_shock=1985.0, horizons=H)
    np.testing.assert_allclose(got, [ref[k] for k in H], rtol=0, atol=1e-6)


@pytest.mark.parametrize("normalise", ["outlays", "appropriations"])
def test_compiled_irf_equals_simulate_based_with_a_later_shock(panel, normalise):
    # a shock two years after the start: the outlay normalisation restarts the shocked run from the base state at
    # the shock with the pipeline WIP_G raised (compiled: the base path there; simulate(): both runs restarted)
    system = country_model(panel, "USA", 1985)
    policy = observed_policy(panel, "USA", 1985, 2000)
    got = IRFProblem(system, policy, shocks=["public_investment"], t_shock=1987.0, horizons=tuple(range(10)),
                     normalise=normalise).evaluate().responses["public_investment"]["Y"]
    ref = impulse_response(system, None, policy, t_shock=1987.0, horizons=tuple(range(10)), normalise=normalise)
    np.testing.assert_allclose(got, [ref[k] for k in range(10)], rtol=0, atol=1e-6)


@pytest.mark.parametrize("shock", ["public_investment", "generic", "mission_rd"])
def test_compiled_irf_equals_simulate_based_for_every_shock(us1985, shock):
    # outcomes.impulse_responses and cumulative_multiplier (simulate(), the step on a 201-point piecewise path of
    # the input in both runs) against the compiled path (base + shocks, the input's own knots)
    assert us1985.shocks == ["public_investment", "generic", "mission_rd"]
    res = us1985.evaluate()
    names = ("Y", "I_p", "R_P", "lam", "b")
    ref = impulse_responses(us1985.system, shock, None, us1985.policy, t_shock=1985.0, horizons=H, variables=names)
    for name in names:
        np.testing.assert_allclose(res.responses[shock][name], [ref[name][k] for k in H], rtol=0, atol=1e-6,
                                   err_msg=name)
    for h in (5, 10):  # the default denominator: all government purchases
        m = cumulative_multiplier(us1985.system, shock, h, None, us1985.policy, t_shock=1985.0, spending="total")
        assert res.cumulative[shock][h] == pytest.approx(m, rel=1e-6, abs=1e-6)


def test_cumulative_multipliers_on_own_spending_and_on_total_purchases(us1985):
    """spending="own" divides by the shocked flow, as cumulative_multiplier(spending="own"); the default divides every
    shock by all government purchases. Without knowledge effects (alpha_A = 0: mission R&D is then demand like
    government consumption) mission R&D and generic spending have the same multiplier on total purchases, while on
    own spending the generic one is higher: its own flow, government consumption z_G Z + g_C_shock Y_T, shrinks with
    the loan rate the shock raises (measured +0.05 at 5 years and +0.11 at 10 from 1985)."""
    own = IRFProblem(us1985.system, us1985.policy, horizons=H, spending="own")
    res = own.evaluate()
    for shock in ("generic", "mission_rd"):
        m = cumulative_multiplier(us1985.system, shock, 5, None, us1985.policy, t_shock=1985.0, spending="own")
        assert res.cumulative[shock][5] == pytest.approx(m, rel=1e-6, abs=1e-6)
    p = {"alpha_A": 0.0}
    total, by_own = us1985.evaluate(p).cumulative, own.evaluate(p).cumulative
    for h in (5, 10):
        assert total["mission_rd"][h] == pytest.approx(total["generic"][h], abs=2e-3)
        assert by_own["generic"][h] - by_own["mission_rd"][h] > 0.03
    with pytest.raises(CalibrationError, match="unknown spending 'gdp'; valid: total, own"):
        IRFProblem(us1985.system, us1985.policy, horizons=H, spending="gdp")


def test_compiled_irf_with_a_sampled_start_parameter_equals_the_rebuilt_model(panel, us1985):
    # c_w moves the start at rest (the derived autonomous demand and consumption): the problem re-derives it
    # (consistent_draws); the reference builds the model with the override (the factory's derivation)
    got = us1985.evaluate({"c_w": 0.7}).responses["public_investment"]["Y"]
    system = country_model(panel, "USA", 1985, overrides={"c_w": 0.7})
    ref = impulse_response(system, None, us1985.policy, t_shock=1985.0, horizons=H)
    np.testing.assert_allclose(got, [ref[k] for k in H], rtol=0, atol=1e-6)
    p, y0 = us1985.vectors({"c_w": 0.7})
    other = IRFProblem(system, us1985.policy, horizons=(0,), derive_start=False)
    np.testing.assert_allclose(p, other.p0, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(y0, other.y0, rtol=1e-12, atol=1e-15)


def test_zero_shock_gives_zero(us1985):
    res = us1985.evaluate(size=0.0)
    for shock in us1985.shocks:
        for name, x in res.responses[shock].items():
            assert np.all(x == 0.0), (shock, name)
        assert shock not in res.cumulative  # 0 / 0: undefined, left out


def test_problem_errors_name_the_problem(us1985):
    with pytest.raises(CalibrationError, match="unknown shock.*'tax'.*valid: public_investment"):
        IRFProblem(us1985.system, us1985.policy, shocks=("tax",))
    with pytest.raises(CalibrationError, match="theta has 2 values for 1 names"):
        us1985.vectors([0.7, 0.8])


# ------------------------------------------------------------------------------------------------ targets


@pytest.mark.parametrize("country, start", [("USA", 1985), ("GBR", 1988)])
def test_shipped_irf_targets(country, start):
    t = load_irf_targets(country)
    assert (t.country, t.start, t.size, t.horizons) == (country, start, 0.01, 20)
    imf = {m.name: m for m in t.moments if m.shock == "public_investment"}
    # IMF (2014) [R]: 0.4 % in the year of the shock, 1.5 % after four years; the band of +-0.3
    assert (imf["public_investment_output_y0"].value, imf["public_investment_output_y0"].years) == (0.4, (0,))
    assert (imf["public_investment_output_y4"].value, imf["public_investment_output_y4"].years) == (1.5, (4,))
    assert all(m.tag == "R" and m.sd == pytest.approx(0.3 / 1.6448536269514722) for m in imf.values())
    assert {m.tag for m in t.moments} <= {"V", "R"}
    # Pallante et al. [V]: 0.11-0.14 over 4-5 years
    (el,) = [m for m in t.moments if m.statistic == "log_elasticity"]
    assert (el.low, el.high, el.years, el.variants) == (0.11, 0.14, (4, 5), ("mazzucato",))
    maz, bh = t.select("mazzucato"), t.select("boysen_hogrefe")
    assert {c.name for c in maz.constraints} - {c.name for c in bh.constraints} == {
        "mission_above_generic", "mission_crowds_in_private_rd"}
    assert {c.name for c in bh.constraints} - {c.name for c in maz.constraints} == {
        "bh_private_rd_crowded_out_short_run", "bh_private_rd_about_zero_later", "bh_mission_not_above_generic"}
    assert maz.shocks() == set(SHOCKS)


def _write(tmp_path, body):
    path = tmp_path / "t.toml"
    path.write_text('[meta]\ncountry = "USA"\n[irf]\nstart = 1985\n' + body)
    return path


MOMENT = ('[[irf.moment]]\nname = "m"\nshock = "public_investment"\nresponse = "Y"\nyear = 0\nvalue = 0.4\n'
          'band = 0.3\nsource = "s"\n')


@pytest.mark.parametrize("body, message", [
    (MOMENT + 'tag = "U"\n', r"only \[V\] or \[R\] numbers are targets; 'm' is tagged \[U\]"),
    (MOMENT.replace("public_investment", "tax") + 'tag = "R"\n', "unknown shock 'tax'; valid: public_investment"),
    (MOMENT + 'tag = "R"\nvariants = ["keynes"]\n', "unknown variant"),
    ('[[irf.constraint]]\nname = "c"\nkind = "positive"\nshock = "mission_rd"\nyears = [0]\nscale = 0.1\n'
     'value = 2.0\ntag = "V"\nsource = "s"\n', "a constraint carries no number"),
    ('[[irf.constraint]]\nname = "c"\nkind = "bigger"\nshock = "mission_rd"\nyears = [0]\nscale = 0.1\n'
     'tag = "V"\nsource = "s"\n', "unknown kind 'bigger'; valid: positive"),
    (MOMENT.replace('source = "s"\n', "") + 'tag = "R"\n', "a source is required"),
])
def test_irf_target_file_errors_are_one_line(tmp_path, body, message):
    with pytest.raises(CalibrationError, match=message) as err:
        load_irf_targets(_write(tmp_path, body))
    assert "\n" not in str(err.value)


# ------------------------------------------------------------------------------------------------ distance


def _up(eta):
    """Relative response of private R&D [% per pp] when public R&D doubles (100 % per pp) with log elasticity
    ``eta``: (2^eta - 1) x 100."""
    return (2.0 ** eta - 1.0) * 100


def _on_target(years=21):
    """Responses that meet every shipped target: output 0.4 -> 1.5 linearly over years 0-4, then 1.5; private
    investment and employment up; mission R&D elasticity 0.125; cumulative multipliers (generic below 1 early
    and above 1 at 20; mission above generic)."""
    h = np.arange(years)
    y = np.where(h <= 4, 0.4 + (1.5 - 0.4) * h / 4, 1.5)
    one = np.ones(years)
    pub = {"Y": y, "I_p": one, "lam": 0.2 * one, "b": -one}
    # public R&D doubled (100 % per pp at size 0.01); private R&D up 2^0.125 - 1: a log elasticity of 0.125
    rd = {"Y": y, "R_P": _up(0.125) * one, "R_G": 100 * one}
    gen = np.where(h <= 2, 0.8, 1.2)
    return IRFResult(h, {"public_investment": pub, "mission_rd": rd, "generic": {"Y": y}},
                     {"generic": gen, "mission_rd": gen + 0.5, "public_investment": gen})


def test_distance_is_zero_on_target_and_grows_with_the_gap():
    t = load_irf_targets("USA").select("mazzucato")
    res = _on_target()
    total, parts = distance(res, t)
    assert total == 0.0 and set(parts) == {m.name for m in t.moments} | {c.name for c in t.constraints}
    sd = 0.3 / Z90
    for gap in (0.1, 0.3, -0.5):
        res = _on_target()
        res.responses["public_investment"]["Y"][4:] = 1.5 + gap  # years 4-20 (still rising 0-4 for gap > -0.4)
        total, parts = distance(res, t)
        assert parts["public_investment_output_y4"] == pytest.approx((gap / sd) ** 2, rel=1e-12)
        assert total == pytest.approx((gap / sd) ** 2 + parts["public_investment_output_rising"], rel=1e-12)
    # gap -0.5: year 4 (1.0) falls 0.225 below year 3 (1.225); rising costs (0.225 / 0.18)^2 (scale: the band's sd)
    assert parts["public_investment_output_rising"] == pytest.approx((0.225 / 0.18) ** 2, rel=1e-9)


def test_hinges_and_interval():
    maz = load_irf_targets("USA").select("mazzucato")
    bh = load_irf_targets("USA").select("boysen_hogrefe")
    res = _on_target()
    res.responses["public_investment"]["Y"][7] = -0.18  # one band-sd below zero: a unit penalty
    res.cumulative["mission_rd"] = res.cumulative["generic"] - 0.1  # mission 0.1 below generic at 5, 10, 20
    res.responses["mission_rd"]["R_P"][4:6] = _up(0.07)  # Draca's 0.07: one sd (0.04) below the interval
    _, parts = distance(res, maz)
    assert parts["public_investment_output_positive"] == pytest.approx(1.0, rel=1e-12)
    assert parts["mission_above_generic"] == pytest.approx(3 * (0.1 / 0.18) ** 2, rel=1e-12)
    assert parts["private_rd_elasticity_y4_5"] == pytest.approx(1.0, rel=1e-12)
    # Boysen-Hogrefe: the mission multiplier not above the generic one holds; crowding-in in years 0-2 violates
    # the crowding-out sign by 0.125 (scale 0.04) in each of 3 years; 0.125 at years 8, 10, 15, 20 is 0.095 beyond
    # the 0.03 tolerance
    _, parts = distance(res, bh)
    assert parts["bh_mission_not_above_generic"] == 0.0
    assert parts["bh_private_rd_crowded_out_short_run"] == pytest.approx(3 * (0.125 / 0.04) ** 2, rel=1e-12)
    assert parts["bh_private_rd_about_zero_later"] == pytest.approx(4 * (0.095 / 0.04) ** 2, rel=1e-12)


@pytest.mark.parametrize("size", [0.001, 0.01, 0.02])
def test_log_elasticity_is_the_constant_elasticity_at_any_shock_size(size):
    """R_P = c R_G^eta: the log-change ratio is eta exactly whatever the size of the public R&D rise (here public R&D
    rises by 0.83 of its level per pp, as a 1 pp shock does from the US 1985 share of 1.21 %); the arc elasticity
    (dR_P/R_P) / (dR_G/R_G) = ((1 + g)^eta - 1) / g lies below eta (0.8 eta for g = 0.83 at eta = 0.125)."""
    eta, g = 0.125, 0.83 * size / 0.01
    h = np.arange(6)
    res = IRFResult(h, {"mission_rd": {"R_P": np.full(6, ((1 + g) ** eta - 1) / size),
                                       "R_G": np.full(6, g / size)}}, {}, size=size)

    def measured(statistic):  # a moment of value 0 and sd 1 costs the statistic squared
        m = IRFMoment(name="m", shock="mission_rd", response="R_P", years=(4, 5), value=0.0, sd=1.0, tag="V",
                      source="s", statistic=statistic)
        return math.sqrt(distance(res, IRFTargets("USA", 1985, size, 5, (m,), ()))[0])

    assert measured("log_elasticity") == pytest.approx(eta, rel=1e-12)
    arc = measured("elasticity")
    assert arc == pytest.approx(((1 + g) ** eta - 1) / g, rel=1e-12) and arc < eta


@pytest.mark.parametrize("statistic", ["response", "elasticity", "log_elasticity"])
def test_moment_value_reports_the_statistic_the_distance_compares(statistic):
    """The reported model value of a moment (the param file's ``[irf.VARIANT.moments.NAME] model``) is the
    statistic the distance uses: the constant-elasticity case above gives eta = 0.125 for the log elasticity,
    ((1 + g)^eta - 1) / g for the arc elasticity and the R_P response itself otherwise; and with value 0, sd 1 the
    distance is its square. (The joint run's file had reported the R_P response, 9.2, for the log elasticity.)"""
    eta, g, size = 0.125, 0.83, 0.01
    h = np.arange(6)
    rp = ((1 + g) ** eta - 1) / size
    res = IRFResult(h, {"mission_rd": {"R_P": np.full(6, rp), "R_G": np.full(6, g / size)}}, {}, size=size)
    m = IRFMoment(name="m", shock="mission_rd", response="R_P", years=(4, 5), value=0.0, sd=1.0, tag="V",
                  source="s", statistic=statistic)
    expected = {"response": rp, "elasticity": ((1 + g) ** eta - 1) / g, "log_elasticity": eta}[statistic]
    assert moment_value(res, m) == pytest.approx(expected, rel=1e-12)
    assert distance(res, IRFTargets("USA", 1985, size, 5, (m,), ()))[0] == pytest.approx(expected ** 2, rel=1e-12)


def test_non_finite_response_gives_infinity():
    t = load_irf_targets("USA").select("mazzucato")
    res = _on_target()
    res.responses["public_investment"]["Y"][2] = np.nan
    total, parts = distance(res, t)
    assert total == math.inf and parts["public_investment_output_positive"] == math.inf


def test_irf_distance_of_the_public_investment_targets(us1985):
    t = load_irf_targets("USA")
    pub = IRFTargets(t.country, t.start, t.size, 19, tuple(m for m in t.moments if m.shock == "public_investment"),
                     tuple(c for c in t.constraints if c.shock == "public_investment"))
    total, parts = irf_distance({"c_w": 0.7}, problem=us1985, targets=pub)
    y = us1985.evaluate({"c_w": 0.7}).responses["public_investment"]["Y"]
    assert parts["public_investment_output_y0"] == pytest.approx(((y[0] - 0.4) * Z90 / 0.3) ** 2, rel=1e-12)
    assert parts["public_investment_output_y4"] == pytest.approx(((y[4] - 1.5) * Z90 / 0.3) ** 2, rel=1e-12)
    assert total == pytest.approx(sum(parts.values()), rel=1e-15)
    with pytest.raises(CalibrationError, match="the targets need shock 'mission_rd'"):
        irf_distance(None, problem=IRFProblem(us1985.system, us1985.policy, shocks=("public_investment",),
                                               horizons=range(21)), targets=t)


def test_failed_start_gives_infinity_and_the_batch_equals_single_evaluations(us1985):
    t = load_irf_targets("USA")
    pub = IRFTargets(t.country, t.start, t.size, 19, tuple(m for m in t.moments if m.shock == "public_investment"),
                     tuple(c for c in t.constraints if c.shock == "public_investment"))
    # c_w = 5: consumption out of wages above 1 leaves no finite start at rest (consistent_draws refuses it)
    total, parts = irf_distance({"c_w": 5.0}, problem=us1985, targets=pub)
    assert total == math.inf and "failure" in parts
    rows = np.array([[0.6], [5.0], [0.8]])
    many = irf_distance_many(rows, ["c_w"], problem=us1985, targets=pub)  # one vectorised start derivation
    single = [irf_distance({"c_w": x}, problem=us1985, targets=pub)[0] for x in rows[:, 0]]
    np.testing.assert_allclose(many, single, rtol=1e-12)
    assert many[1] == math.inf and np.isfinite(many[[0, 2]]).all()
    with pytest.raises(CalibrationError, match="'g_Z' derived from the start at rest"):
        irf_distance({"g_Z": 0.02}, problem=us1985, targets=pub)


def test_shocked_schedule_of_a_piecewise_path_is_the_same_path_through_its_own_knots():
    # observed public investment is piecewise-linear through annual knots: the base and shocked schedules go through
    # those knots, the ends and the shock only (the integrator stops at every knot), and are the same paths
    from calibration.irf import _shocked_schedule
    from model.core.levers import piecewise

    years = np.arange(1985.0, 2007.0)
    old = piecewise(years, 0.03 + 0.005 * np.sin(years))
    base, shocked = _shocked_schedule(old, 1985.0, 1985.0, 2006.0)
    assert len(base.years) == len(years) + 1  # the knots and the jump's left end (1e-6 year before the shock)
    t = np.linspace(1985.0, 2006.0, 4001)
    np.testing.assert_allclose(base(t), old(t), rtol=0, atol=1e-15)
    np.testing.assert_allclose(shocked(t), old(t) + 1.0, rtol=0, atol=1e-12)
    later, later_shocked = _shocked_schedule(old, 1990.5, 1985.0, 2006.0)
    np.testing.assert_allclose(later(t), old(t), rtol=0, atol=1e-15)
    away = np.abs(t - 1990.5) > 1e-6
    np.testing.assert_allclose(later_shocked(t)[away], old(t)[away] + (t[away] >= 1990.5), rtol=0, atol=1e-12)


@pytest.mark.parametrize("country", ["USA", "GBR"])
def test_stage_two_irf_setting_reproduces_the_reference_distance(country):
    # calibration.pipeline.STAGE2_IRF (12 points a year, rtol 1e-6) against 20 points a year at rtol 1e-8: within
    # 0.01 of the log-posterior (D/2) at the defaults and three draws of the joint prior, for both variants
    from calibration.irf import default_problem
    from calibration.joint import JointPrior
    from calibration.pipeline import STAGE2_IRF
    from calibration.twostage import STAGE1, STAGE2

    targets = load_irf_targets(country)
    ref = default_problem(country, start=targets.start, horizons=max(targets.horizons, 1))
    cheap = default_problem(country, start=targets.start, horizons=max(targets.horizons, 1), **STAGE2_IRF)
    assert cheap.t_eval.size < 0.7 * ref.t_eval.size
    names = [n for n in STAGE1 + STAGE2 if n != "g_Z"]
    rng = np.random.default_rng(3)
    draws = JointPrior.from_model(ref.system, names).sample(rng, 3)
    defaults = np.array([[ref.system[n].default for n in names]])
    X = np.vstack([defaults, draws])
    for variant in ("mazzucato", "boysen_hogrefe"):
        d_ref = irf_distance_many(X, names, variant, country=country, problem=ref)
        d_cheap = irf_distance_many(X, names, variant, country=country, problem=cheap)
        assert np.isfinite(d_ref).all()
        np.testing.assert_allclose(d_cheap / 2, d_ref / 2, rtol=0, atol=0.01)

"""Nothing fixed silently: every tunable parameter of the directed-growth model is drawn from a stated prior
(:data:`~model.directed_growth.priors.PRIORS`), estimated by the country's parameter file, or listed in
:data:`~model.directed_growth.priors.FIXED` with the reason it is not drawn."""

import pytest

from calibration.params import param_file
from calibration.posterior import file_parameters
from model.directed_growth.factory import directed_growth
from model.directed_growth.priors import FIXED, POLITICS_PRIORS, PRIORS


@pytest.mark.parametrize("country", ["USA", "GBR"])
def test_every_tunable_parameter_is_drawn_estimated_or_fixed_with_a_reason(country):
    dg = directed_growth(country=country, politics=country == "USA")  # the vote function is US only
    estimated = file_parameters(param_file(country.lower()))
    tunable = {n for n in dg.parameters if dg[n].tunable}
    silent = sorted(tunable - set(PRIORS) - set(POLITICS_PRIORS) - set(FIXED) - estimated)
    assert not silent, f"tunable parameters neither drawn, estimated nor in FIXED: {silent}"


def test_fixed_names_are_tunable_parameters_with_reasons_and_never_drawn(dg):
    for name, why in FIXED.items():
        assert name in dg.parameters and dg[name].tunable and len(why) > 20, name
    assert not set(FIXED) & (set(PRIORS) | set(POLITICS_PRIORS))


def test_the_damage_priors_span_the_published_coefficients():
    """pi2 from DICE-2016R's a2 to DICE-2023's (economics.md 11.9 [V]); pi3 from 0 (DICE: no tipping term) to
    Dietz & Stern's 8.19e-5 (GEMMES, economics.md 11.5 [V])."""
    assert PRIORS["pi2"][:2] == (0.00236, 0.003467)
    assert PRIORS["pi3"][:2] == (0.0, 8.19e-5)


def test_the_pi3_prior_weighs_each_published_calibration_family_equally():
    """A quarter of the mass at 0 (DICE-2016R / DICE-2023: no tipping term), three quarters log-uniform from
    Weitzman's 5.07e-6 to Dietz & Stern's 8.19e-5 (economics.md 11.5 [V]): the quantile function's exact values,
    the median sqrt(5.07e-6 x 8.19e-5) = 2.0377e-5 beside DEFINE's 1.75e-5 (economics.md 11.15.5), and the
    probability above DEFINE 0.75 ln(8.19e-5 / 1.75e-5) / ln(8.19e-5 / 5.07e-6) = 0.4160 (a uniform prior over
    [0, 8.19e-5] gave 0.786)."""
    import numpy as np

    from model.directed_growth.priors import PI3_CALIBRATIONS, pi3_quantile

    a, b = 5.07e-6, 8.19e-5
    assert sorted(PI3_CALIBRATIONS.values()) == [0.0, a, 1.75e-5, b]
    assert pi3_quantile(np.array([0.0, 0.2499, 0.25, 1.0])) == pytest.approx([0.0, 0.0, a, b], rel=1e-12)
    assert pi3_quantile(np.array([0.625]))[0] == pytest.approx(np.sqrt(a * b), rel=1e-12)
    assert pi3_quantile(np.array([0.625]))[0] == pytest.approx(2.0377e-5, rel=1e-4)
    u_define = 0.25 + 0.75 * np.log(1.75e-5 / a) / np.log(b / a)  # the share below DEFINE
    assert pi3_quantile(np.array([u_define]))[0] == pytest.approx(1.75e-5, rel=1e-12)
    assert 1 - u_define == pytest.approx(0.4160, abs=1e-4)


def test_calibrated_draws_carry_the_pi3_shape_and_leave_the_rest_uniform():
    """posterior_draws maps the uniform draw of pi3 over [0, 8.19e-5] through the stated quantile function: with
    4,000 draws the share at exactly 0 is 0.25 within 4 binomial standard errors (0.027), and the log of the
    positive draws is uniform over [ln 5.07e-6, ln 8.19e-5] (mean at the centre within 4 standard errors); a
    column not drawn over the stated range is left as it is."""
    import numpy as np

    from calibration.posterior import posterior_draws
    from model.directed_growth.priors import shape_draws

    df = posterior_draws(param_file("usa"), 4000, seed=2)
    zero = (df["pi3"] == 0).mean()
    assert zero == pytest.approx(0.25, abs=4 * np.sqrt(0.25 * 0.75 / 4000))
    x = np.log(df.loc[df["pi3"] > 0, "pi3"].to_numpy())
    lo, hi = np.log(5.07e-6), np.log(8.19e-5)
    assert lo - 1e-12 <= x.min() and x.max() <= hi + 1e-12
    assert x.mean() == pytest.approx((lo + hi) / 2, abs=4 * (hi - lo) / np.sqrt(12 * x.size))
    outside = shape_draws(df[["pi3"]].assign(pi3=1e-4 * np.ones(len(df))))  # not a draw over the stated range
    assert (outside["pi3"] == 1e-4).all()


def test_assumption_only_priors_are_stated_priors_named_once():
    from model.directed_growth.priors import ASSUMPTION_ONLY

    assert len(set(ASSUMPTION_ONLY)) == len(ASSUMPTION_ONLY) and set(ASSUMPTION_ONLY) <= set(PRIORS)
    # the ranges said to be "modelling assumption" in their rationale are among them
    said = {k for k, (_, _, why) in PRIORS.items() if "modelling assumption" in why}
    assert said <= set(ASSUMPTION_ONLY), sorted(said - set(ASSUMPTION_ONLY))

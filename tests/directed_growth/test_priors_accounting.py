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


def test_assumption_only_priors_are_stated_priors_named_once():
    from model.directed_growth.priors import ASSUMPTION_ONLY

    assert len(set(ASSUMPTION_ONLY)) == len(ASSUMPTION_ONLY) and set(ASSUMPTION_ONLY) <= set(PRIORS)
    # the ranges said to be "modelling assumption" in their rationale are among them
    said = {k for k, (_, _, why) in PRIORS.items() if "modelling assumption" in why}
    assert said <= set(ASSUMPTION_ONLY), sorted(said - set(ASSUMPTION_ONLY))

"""Sobol indices and Morris screening against closed forms; on model outcomes."""

import numpy as np
import pytest

from model.analysis.global_sensitivity import model_sensitivity, morris_screening, sobol_indices
from model.directed_growth import policies
from model.directed_growth.factory import directed_growth
from model.errors import ModelError

A, B = 7.0, 0.1
PI = np.pi


def ishigami(df):
    x1, x2, x3 = df["x1"].to_numpy(), df["x2"].to_numpy(), df["x3"].to_numpy()
    return {"y": np.sin(x1) + A * np.sin(x2) ** 2 + B * x3 ** 4 * np.sin(x1)}


def ishigami_exact():
    """Analytic indices (Ishigami & Homma 1990; Sobol' & Levitan 1999)."""
    v1 = 0.5 * (1 + B * PI ** 4 / 5) ** 2
    v2 = A ** 2 / 8
    v13 = B ** 2 * PI ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values():
    s1, st = ishigami_exact()
    assert s1 == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-4)  # published values
    ds = sobol_indices(ishigami, {"x1": (-PI, PI), "x2": (-PI, PI), "x3": (-PI, PI)}, 2 ** 13, seed=1)
    got1, conf1 = ds.S1.sel(outcome="y").values, ds.S1_conf.sel(outcome="y").values
    gott, conft = ds.ST.sel(outcome="y").values, ds.ST_conf.sel(outcome="y").values
    assert np.all(np.abs(got1 - s1) <= conf1), (got1, s1, conf1)
    assert np.all(np.abs(gott - st) <= conft), (gott, st, conft)
    assert np.all(conf1 < 0.05) and ds.attrs["n_evaluations"] == 2 ** 13 * 5


def test_morris_elementary_effects_of_a_linear_function_are_its_slopes_times_the_ranges():
    c = {"a": 2.0, "b": -0.5, "c": 0.0}
    box = {"a": (0.0, 1.0), "b": (-2.0, 2.0), "c": (5.0, 6.0)}
    ds = morris_screening(lambda df: {"y": sum(c[k] * df[k].to_numpy() for k in c)}, box, 20, seed=0)
    expected = [abs(c[k]) * (box[k][1] - box[k][0]) for k in c]
    np.testing.assert_allclose(ds.mu_star.sel(outcome="y").values, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ds.sigma.sel(outcome="y").values, 0.0, atol=1e-12)


def test_bad_sensitivity_input_gets_clear_errors():
    with pytest.raises(ModelError, match="power of two"):
        sobol_indices(ishigami, {"x1": (0, 1), "x2": (0, 1), "x3": (0, 1)}, 100)
    with pytest.raises(ModelError, match="low < high"):
        sobol_indices(ishigami, {"x1": (1, 0), "x2": (0, 1), "x3": (0, 1)}, 64)
    with pytest.raises(ModelError, match="not finite"):
        sobol_indices(lambda df: {"y": np.full(len(df), np.nan)}, {"x1": (0, 1)}, 64)
    with pytest.raises(ModelError, match="unknown outcome"):
        model_sensitivity(directed_growth(), {"alpha0": (0.01, 0.02)}, outcomes=("nope",), policies=[policies.bau()])


def test_model_morris_ranks_the_emission_intensity_trend_first_for_warming_under_bau():
    dg = directed_growth()
    bounds = {"g_sigma": (0.015, 0.025), "phi1": (0.4, 0.6), "n_lam": (0.05, 0.15)}
    ds = model_sensitivity(dg, bounds, method="morris", n=6, policies=[policies.bau(), policies.market_shaping()],
                           outcomes=("T_end", "avg_growth"))
    mu = ds.mu_star.sel(outcome="T_end")
    # the decline of emission intensity drives warming; the Phillips-curve slope barely does
    assert str(mu.idxmax("parameter").values) == "g_sigma"
    assert float(ds.mu.sel(outcome="T_end", parameter="g_sigma")) < 0  # a faster decline, less warming
    again = model_sensitivity(dg, bounds, method="morris", n=6, policies=[policies.bau(), policies.market_shaping()],
                              outcomes=("T_end", "avg_growth"))
    np.testing.assert_array_equal(ds.mu_star.values, again.mu_star.values)


def test_a_design_with_members_without_a_start_is_refused_before_it_is_integrated(monkeypatch):
    """Propensities to consume over wide independent ranges reach combinations without a start at rest (autonomous
    household consumption Z_H not positive): the design is refused in one line naming the reason, before a single
    member is integrated (the estimators need every member; integrating first only ends in the same refusal)."""
    import model.solve.ensembles as ensembles

    def never(*args, **kwargs):
        raise AssertionError("integrated a design with members without a start")

    monkeypatch.setattr(ensembles, "ensemble", never)
    ranges = {"c_w": (0.65, 0.95), "c_pi": (0.25, 0.6), "c_V": (0.035, 0.08)}
    for method in ("sobol", "morris"):
        with pytest.raises(ModelError, match=rf"^\d+ of \d+ members of the {method} design have no start "
                                             r"\(autonomous household consumption Z_H is not positive") as exc:
            model_sensitivity(directed_growth(), ranges, method=method, n=4, outcomes=("avg_growth",),
                              policies=[policies.bau()], t_span=(2025, 2030))
        assert "\n" not in str(exc.value)

"""The declaration layer rejects ill-defined models with errors that name the culprit."""

import numpy as np
import pytest
import sympy as sp

from model import Block, ModelError, Policy, aux, combine, lever, param, ramp, simulate, stock
from model.library.keen import keen


def _growth(rate_units="1/year", x_units="USD"):
    x = stock("x", x_units, default=1.0)
    g = param("g", rate_units, default=0.02)
    return x, g


def test_minimal_model_validates():
    x, g = _growth()
    s = combine(Block("growth", (x, g), derivatives={"x": g.sym * x.sym}), name="growth")
    assert s.stocks == ("x",) and s.parameters == ("g",)


def test_units_mismatch_names_equation_and_block():
    x, g = _growth(rate_units="dimensionless")
    with pytest.raises(ModelError, match=r"derivative of 'x'.*block 'growth'"):
        combine(Block("growth", (x, g), derivatives={"x": g.sym * x.sym}))


def test_dimensionless_and_per_year_are_told_apart():
    x = stock("x", "dimensionless", default=0.5)
    a = param("a", "1/year", default=0.02)
    with pytest.raises(ModelError, match="inconsistent units"):
        combine(Block("b", (x, a), derivatives={"x": a.sym * (x.sym + a.sym)}))


def test_scale_mismatch_is_an_error():
    m = stock("m", "GtC", default=1.0)
    e = param("e", "tC/year", default=1.0)
    k = param("k", "1/year", default=1.0)
    with pytest.raises(ModelError, match="inconsistent scale"):
        combine(Block("b", (m, e, k), derivatives={"m": e.sym - k.sym * m.sym}))


def test_exp_needs_dimensionless_argument():
    x, g = _growth()
    with pytest.raises(ModelError, match="argument .* of exp"):
        combine(Block("b", (x, g), derivatives={"x": g.sym * x.sym * sp.exp(g.sym)}))


def test_undeclared_symbol():
    x, g = _growth()
    h = sp.Symbol("h")
    with pytest.raises(ModelError, match=r"block 'growth'.*undeclared symbol.*'h'"):
        combine(Block("growth", (x, g), derivatives={"x": (g.sym + h) * x.sym}))


def test_declared_twice_names_both_blocks():
    x, g = _growth()
    with pytest.raises(ModelError, match=r"'g' declared twice: in block 'a' and in block 'b'"):
        combine(Block("a", (x, g), derivatives={"x": g.sym * x.sym}), Block("b", (param("g", "1/year"),)))


def test_defined_twice():
    x, g = _growth()
    with pytest.raises(ModelError, match="defined twice"):
        combine(Block("a", (x, g), derivatives={"x": g.sym * x.sym}), Block("b", (), derivatives={"x": g.sym}))


def test_stock_without_equation():
    x, g = _growth()
    y = stock("y", "USD", default=1.0)
    with pytest.raises(ModelError, match="stock 'y' .* has no equation"):
        combine(Block("a", (x, y, g), derivatives={"x": g.sym * x.sym}))


def test_cyclic_auxiliaries_named():
    x, g = _growth()
    a = aux("a", "1/year")
    b = aux("b", "1/year")
    with pytest.raises(ModelError, match=r"cyclic auxiliaries: .*a.*b.*a"):
        combine(Block("c", (x, g, a, b), derivatives={"x": a.sym * x.sym},
                      auxiliaries={"a": b.sym + g.sym, "b": a.sym - g.sym}))


def test_equation_for_a_parameter_is_rejected():
    x, g = _growth()
    with pytest.raises(ModelError, match="'g', which is a parameter"):
        combine(Block("a", (x, g), derivatives={"x": g.sym * x.sym}, auxiliaries={"g": 0.1 * g.sym}))


def test_bad_names():
    with pytest.raises(ModelError, match="invalid symbol name"):
        stock("t")
    with pytest.raises(ModelError, match="invalid symbol name"):
        stock("1x")
    with pytest.raises(ModelError, match="unknown kind"):
        from model.core.symbols import Var
        Var("x", "flow")


@pytest.mark.slow
def test_missing_parameter_value():
    x = stock("x", "USD", default=1.0)
    g = param("g", "1/year")  # no default
    s = combine(Block("a", (x, g), derivatives={"x": g.sym * x.sym}), name="nodefault")
    with pytest.raises(ModelError, match="parameter 'g' .* has no value"):
        simulate(s, t_span=(0, 1))
    ds = simulate(s, {"g": 0.0}, t_span=(0, 1))
    np.testing.assert_allclose(ds["x"].values, 1.0)


def test_nan_parameter():
    with pytest.raises(ModelError, match="'alpha': value must be finite"):
        simulate(keen(), {"alpha": float("nan")}, t_span=(0, 1))


def test_unknown_parameter_lists_valid_ones():
    with pytest.raises(ModelError, match=r"unknown parameter\(s\) 'alfa'.*valid parameters: alpha, beta"):
        simulate(keen(), {"alfa": 0.02}, t_span=(0, 1))


def test_stock_passed_as_parameter_is_explained():
    with pytest.raises(ModelError, match="'lam' is a stock"):
        simulate(keen(), {"lam": 0.9}, t_span=(0, 1))


def test_parameter_outside_bounds():
    with pytest.raises(ModelError, match="'nu' = 100.0 is outside its declared bounds"):
        simulate(keen(), {"nu": 100.0}, t_span=(0, 1))


def test_initial_outside_open_bounds():
    with pytest.raises(ModelError, match="'lam' = 1.0 is outside"):
        simulate(keen(), initial={"lam": 1.0}, t_span=(0, 1))


def test_bad_method_and_times():
    with pytest.raises(ModelError, match="unknown method 'rk4'; valid: auto, dopri5"):
        simulate(keen(), t_span=(0, 1), method="rk4")
    with pytest.raises(ModelError, match="end > start"):
        simulate(keen(), t_span=(1, 0))
    with pytest.raises(ModelError, match="strictly increasing"):
        simulate(keen(), t_span=(0, 2), t_eval=[0, 1, 1])


def test_policy_with_unknown_lever():
    with pytest.raises(ModelError, match="not a lever of model 'keen'; levers: \\(none\\)"):
        simulate(keen(), policies=Policy("p", carbon_price=ramp(2025, 2050, 0, 100)), t_span=(0, 1))


def test_ramp_checks_arguments():
    with pytest.raises(ModelError, match="end .* must be after start"):
        ramp(2050, 2025, 0, 1)


def test_systems_are_immutable():
    import dataclasses
    s = keen()
    with pytest.raises(TypeError):
        s.derivatives["lam"] = 0  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.name = "other"  # type: ignore[misc]


def test_lever_needs_a_path_or_default():
    x = stock("x", "USD", default=1.0)
    g = lever("g", "1/year")
    s = combine(Block("a", (x, g), derivatives={"x": g.sym * x.sym}), name="lev")
    with pytest.raises(ModelError, match="input 'g' .* has no default: give it a path"):
        simulate(s, t_span=(0, 1))
    ds = simulate(s, policies=Policy("grow", g=0.01), t_span=(0, 10))
    np.testing.assert_allclose(ds["x"].values[-1], np.exp(0.1), rtol=1e-7)


@pytest.mark.parametrize("dt", [None, 1.0], ids=["continuous", "discrete"])
def test_a_model_without_stocks_is_refused_in_one_line(dt):
    """Only parameters and auxiliaries (an observer of nothing): no state to integrate or map. It used
    to pass validation and fail in numpy inside simulate ("need at least one array to concatenate")."""
    a = param("a", "dimensionless", "a", default=2.0, source="test")
    y = aux("y", "dimensionless", "twice a")
    with pytest.raises(ModelError, match=r"^model 'nostock' declares no stock \(blocks 'obs'\): a System needs "
                                         r"at least one stock") as err:
        combine(Block("obs", (a, y), auxiliaries={"y": 2 * a.sym}), name="nostock", dt=dt)
    assert "\n" not in str(err.value)

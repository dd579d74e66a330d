"""Units: every units-library error is a ModelError naming the equation; offset temperatures are points.

A difference of offset temperatures (degC, degF and their spellings) is a temperature difference
(delta_degC); a point plus differences is a point; anything else is refused with the suggestion
delta_<unit>.
"""

import math

import pytest
import sympy as sp

import model
from model import Block, ModelError, aux, combine, param, stock
from model.declare.units import check_system_units


def _relax(T_units="degC", Teq_units="degC", rhs=None, **extra):
    T = stock("T", T_units, default=15.0)
    Teq = param("Teq", Teq_units, default=20.0)
    tau = param("tau", "year", default=10.0)
    more = [param(n, u, default=0.1) for n, u in extra.items()]
    syms = {v.name: v.sym for v in (T, Teq, tau, *more)}
    expr = (Teq.sym - T.sym) / tau.sym if rhs is None else rhs(**syms)
    return combine(Block("climate", (T, Teq, tau, *more), derivatives={"T": expr}), name="relax",
                   check_units=False)


@pytest.mark.parametrize("spelling", ["degC", "degree_Celsius", "celsius", "degreeC", "°C", "degF",
                                      "degree_Fahrenheit", "fahrenheit"])
def test_relaxation_of_an_offset_temperature_validates(spelling):
    check_system_units(_relax(spelling, spelling), use_cache=False)


def test_relaxation_in_degC_runs_exactly():
    s = combine(*_relax().blocks, name="relax")  # with the units check
    ds = model.simulate(s, t_span=(0, 10), t_eval=[0.0, 10.0])
    # T(t) = Teq - (Teq - T0) exp(-t/tau): T(10) = 20 - 5/e
    assert float(ds["T"][-1]) == pytest.approx(20 - 5 / math.e, rel=1e-9)


@pytest.mark.parametrize("rate_units", ["delta_degC/year", "degC/year", "kelvin/year", "K/year",
                                        "delta_celsius/year", "delta_degC/day"])
def test_derivative_of_a_degC_stock_is_a_temperature_difference_per_year(rate_units):
    s = _relax(rhs=lambda w, **_: w, w=rate_units)
    if rate_units.endswith("/day"):
        with pytest.raises(ModelError, match=r"derivative of 'T'.*inconsistent scale"):
            check_system_units(s, use_cache=False)
    else:  # pint reads degC/year as delta_degC/year
        check_system_units(s, use_cache=False)


def test_a_point_plus_a_difference_is_a_point_and_an_average_is_a_point():
    T = stock("T", "degC", default=15.0)
    dT = param("dT", "delta_degC", default=1.0)
    Tref = param("Tref", "degC", default=14.0)
    tau = param("tau", "year", default=10.0)
    Tp = aux("Tp", "degC")
    mean = aux("mean", "degC")
    s = combine(Block("b", (T, dT, Tref, tau, Tp, mean),
                      derivatives={"T": (Tp.sym - T.sym) / tau.sym + (mean.sym - Tref.sym) / tau.sym},
                      auxiliaries={"Tp": Tref.sym + dT.sym, "mean": (T.sym + Tref.sym) / 2}), check_units=False)
    check_system_units(s, use_cache=False)


@pytest.mark.parametrize("rhs, match", [
    (lambda T, Teq, tau: T / tau, r"T/tau multiplies or divides a temperature.*delta_degC"),
    (lambda T, Teq, tau: (T + Teq) / tau, r"weighs its temperatures 2.*delta_degC"),
    (lambda T, Teq, tau: sp.exp(T) / tau, r"exp of a temperature.*delta_degC"),
    (lambda T, Teq, tau: T ** 2 / tau, r"power.*delta_degC"),
    (lambda T, Teq, tau: Teq * T / tau, r"multiplies two temperatures|multiplies or divides"),
    (lambda T, Teq, tau: sp.Max(T, Teq) / tau, r"multiplies or divides a temperature.*delta_degC"),
])
def test_misuse_of_an_offset_temperature_is_refused_with_the_suggestion(rhs, match):
    s = _relax(rhs=rhs)
    with pytest.raises(ModelError, match=r"derivative of 'T' \(block 'climate'\)") as err:
        check_system_units(s, use_cache=False)
    assert err.match(match)
    assert "T [degC]" in str(err.value)


def test_kelvin_and_celsius_points_do_not_mix():
    # T in degC, Teq in kelvin: Teq - T would subtract 288 from 15 in the generated code
    with pytest.raises(ModelError, match=r"derivative of 'T'.*T \[degC\], Teq \[kelvin\].*one scale"):
        check_system_units(_relax("degC", "kelvin"), use_cache=False)
    # a kelvin difference added to a Celsius temperature is fine: T + dT is a point
    s = _relax(rhs=lambda T, Teq, tau, dT: (Teq - (T + dT)) / tau, dT="kelvin")
    check_system_units(s, use_cache=False)


def test_celsius_and_fahrenheit_differ_in_scale():
    with pytest.raises(ModelError, match=r"derivative of 'T'.*inconsistent scale.*factor 1.8"):
        check_system_units(_relax("degC", "degF"), use_cache=False)


def test_comparison_of_a_point_with_a_difference_is_refused():
    s = _relax(rhs=lambda T, Teq, tau, w, dT: sp.Piecewise((w, T > dT), (0, True)),
               w="delta_degC/year", dT="delta_degC")
    with pytest.raises(ModelError, match=r"offset scale \[degC\].*delta_degC"):
        check_system_units(s, use_cache=False)
    ok = _relax(rhs=lambda T, Teq, tau, w: sp.Piecewise((w, T > Teq), (0, True)), w="delta_degC/year")
    check_system_units(ok, use_cache=False)


def test_auxiliary_declared_in_degC_must_be_a_point():
    T = stock("T", "degC", default=15.0)
    Teq = param("Teq", "degC", default=20.0)
    tau = param("tau", "year", default=10.0)
    gap = aux("gap", "degC")  # should be delta_degC
    s = combine(Block("b", (T, Teq, tau, gap), derivatives={"T": (Teq.sym - T.sym) / tau.sym},
                      auxiliaries={"gap": Teq.sym - T.sym}), check_units=False)
    with pytest.raises(ModelError, match=r"auxiliary 'gap'.*offset scale \[degC\].*delta_degC"):
        check_system_units(s, use_cache=False)


def test_unparsable_units_name_the_symbol():
    x = stock("x", "furlongs_per_fortnightly", default=1.0)
    with pytest.raises(ModelError, match=r"symbol 'x' \(block 'b'\): cannot parse units"):
        combine(Block("b", (x,), derivatives={"x": 0}))


@pytest.mark.parametrize("exc", ["DimensionalityError('a', 'b')", "OffsetUnitCalculusError('degC')",
                                 "UndefinedUnitError('foo')", "LogarithmicUnitCalculusError('dB')"])
@pytest.mark.parametrize("where", ["in a sum", "at the top"])
def test_any_units_library_error_becomes_a_model_error(monkeypatch, exc, where):
    """A pint error raised anywhere in the check (forced here in the scale comparison, inside the
    walk or in the final left/right comparison) is a ModelError naming the equation and the
    symbols with their units, never a raw pint exception."""
    import pint.errors as pe

    from model.declare import units

    name, arg = exc.split("(", 1)
    args = [a.strip(" ')") for a in arg.split(",")]

    def boom(self, a, b, what_a, what_b):
        raise getattr(pe, name)(*args)

    monkeypatch.setattr(units._Checker, "same", boom)
    x = stock("x", "USD", default=1.0)
    g = param("g", "1/year", default=0.1)
    tau = param("tau", "year", default=10.0)
    rhs = g.sym * x.sym + x.sym / tau.sym if where == "in a sum" else 2 * g.sym * x.sym
    s = combine(Block("b", (x, g, tau), derivatives={"x": rhs}), check_units=False)
    with pytest.raises(ModelError, match=r"derivative of 'x' \(block 'b'\).*units library.*"
                                         rf"g \[1/year\].*x \[USD\]\): {name}"):
        check_system_units(s, use_cache=False)

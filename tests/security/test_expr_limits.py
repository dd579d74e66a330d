"""Resource limits of the expression reader (model.core.expr): text from a file that would run for
hours or exhaust memory while being *read* is refused with a ModelError, and everything
:func:`to_text` writes reads back (long sums are flat, not nested)."""

import pytest
import sympy as sp

from model.core.expr import MAX_MINMAX_ARGS, from_srepr, from_text, to_text
from model.errors import ModelError


@pytest.mark.parametrize("text", [
    "sin(Float('1e100000000'))",   # argument reduction needs pi to 3e8 bits: hours
    "exp(exp(1e10))",              # 1e4342944819, then its exp: hours and gigabytes
    "10**1e300",
    "Float('1e-100000000') + x",
    "-Float('1e20000')",
])
def test_float_beyond_magnitude_limit_is_refused(text):
    with pytest.raises(ModelError, match=r"beyond 2\*\*16384"):
        from_text(text)


def test_srepr_float_beyond_magnitude_limit_is_refused():
    with pytest.raises(ModelError, match=r"beyond 2\*\*16384"):
        from_srepr("Add(Symbol('a'), Float('1e100000000', precision=53))")


def test_large_but_reasonable_floats_still_read():
    assert from_text("Max(1e300, 2)") == sp.Float(1e300)
    assert float(from_text("1e308*10")) == float("inf")  # 1e309: beyond a double but cheap
    assert from_text("exp(700.0)") == sp.exp(sp.Float(700.0))


@pytest.mark.parametrize("fn", ["Max", "Min"])
def test_minmax_with_many_arguments_is_refused(fn):
    many = ", ".join(f"y{i}" for i in range(300))  # sympy compares all pairs: minutes
    with pytest.raises(ModelError, match=rf"{fn} of 300 arguments; at most {MAX_MINMAX_ARGS}"):
        from_text(f"{fn}({many})")
    nested = f"{fn}(y0, y1, y2, y3, y4, {fn}(" + ", ".join(f"y{i}" for i in range(5, 35)) + "))"
    with pytest.raises(ModelError, match=rf"{fn} of 35 arguments"):  # sympy merges the nested call
        from_text(nested)
    with pytest.raises(ModelError, match=rf"{fn} of 300 arguments"):
        from_srepr(f"{fn}(" + ", ".join(f"Symbol('y{i}')" for i in range(300)) + ")")


def test_minmax_at_the_limit_reads():
    ys = sp.symbols(f"y0:{MAX_MINMAX_ARGS}", real=True)
    assert from_text("Max(" + ", ".join(map(str, ys)) + ")") == sp.Max(*ys)


def test_long_sum_and_product_written_by_to_text_read_back():
    xs = sp.symbols("x0:250", real=True)  # 250 terms: more than the nesting limit of 200
    for e in (sp.Add(*xs), sp.Mul(*xs), sp.Add(*xs[:-1]) - 2 * xs[-1] / xs[0]):
        assert from_text(to_text(e)) == e


def test_writer_refuses_what_the_reader_refuses():
    with pytest.raises(ModelError, match=r"cannot write the number: .*beyond 2\*\*16384"):
        to_text(sp.Float("1.9161564934259427e+4932") * sp.Symbol("x"))
    with pytest.raises(ModelError, match=r"cannot write the number: .*beyond 2\*\*16384"):
        to_text(sp.exp(sp.Float(2.30258509299405e+18)))  # 1e(1e18): sympy cannot even print it


def test_product_of_a_number_a_sum_and_a_factor_reads_back_unchanged():
    x = sp.Symbol("x", real=True)
    for e in (-(x + sp.pi) * sp.exp(-1), sp.Mul(2, x + 1, sp.exp(x))):
        assert from_text(to_text(e)) == e

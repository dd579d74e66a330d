"""model/text.py: counts in the right number and docstring markup as plain text."""

import numpy as np
import pytest

from model.text import number, plain, plural


@pytest.mark.parametrize("n, noun, expected", [
    (1, "stock", "1 stock"), (0, "stock", "0 stocks"), (2, "stock", "2 stocks"),
    (1, "policy", "1 policy"), (3, "policy", "3 policies"), (2, "auxiliary", "2 auxiliaries"),
    (1, "series", "1 series"), (7, "series", "7 series"), (2_000, "draw", "2,000 draws"),
    (np.int64(1), "member", "1 member"), (1.0, "year", "1 year"), (5.0, "year", "5 years"),
    (0.5, "year", "0.5 years"), (1e308, "time", "1e+308 times"), (10**400, "draw", "1e+400 draws"),
    (2, "process", "2 processes"), (2, "index", "2 indexes"), (2, "analysis", "2 analyses"),  # review inputs
    (3, "quantity", "3 quantities"), (2, "day", "2 days"), (2, "match", "2 matches"),
])
def test_plural(n, noun, expected):
    assert plural(n, noun) == expected


@pytest.mark.parametrize("x, expected", [
    (999_999_999_999_999, "999,999,999,999,999"), (10**15, "1e+15"), (-(10**400) + 1, "-1e+400"),
    (123_456_789_012_345_678, "1.23e+17"), (2.5, "2.5"), (float("inf"), "inf"), (-1e308, "-1e+308"),
])
def test_number_never_echoes_more_than_15_digits(x, expected):
    assert number(x) == expected


@pytest.mark.parametrize("text, expected", [
    ("The directed-growth model (continuous time, years from ``t0``, US-scale defaults).",
     "The directed-growth model (continuous time, years from t0, US-scale defaults)."),
    ("see :func:`~model.solve.simulation.simulate` and :class:`model.System`",
     "see simulate and model.System"),
    ("the :mod:`command line <model.cli>` and :py:func:`f`", "the command line and f"),
    ("*emphasis*, **strong** and `interpreted`", "emphasis, strong and interpreted"),
    ("a*b*c and 2 * x * y stay", "a*b*c and 2 * x * y stay"),
    ("two\n   lines", "two lines"), (None, ""),
    ("see `x <http://a>`_ and `the data <https://b.org/c>`__", "see x and the data"),  # review input
])
def test_plain(text, expected):
    assert plain(text) == expected

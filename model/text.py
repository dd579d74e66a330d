"""Text for people: counts with the right plural (:func:`plural`) and docstring markup rendered as
plain text (:func:`plain`)."""

from __future__ import annotations

import numbers
import re
from decimal import Decimal

__all__ = ["number", "plain", "plural"]

#: irregular plurals of the nouns the toolkit counts
_IRREGULAR = {"series": "series", "analysis": "analyses"}


def plural(n: float, noun: str, many: str | None = None) -> str:
    """``n`` and the noun in the number that ``n`` asks for: ``1 stock``, ``0 stocks``, ``2,000 draws``.

    Parameters
    ----------
    n : int or float
        The count: a whole number below 10**15 is printed with thousands separators, any other
        with three significant digits (``1e+308``, never three hundred digits).
    noun : str
        The singular noun.
    many : str, optional
        Its plural, when it is not the regular English one (``-s``, ``-es`` after a sibilant,
        ``-ies`` after a consonant and ``y``) or a known irregular one (series).

    Returns
    -------
    str
        ``"1 {noun}"`` when ``n`` is 1, else ``"{n:,} {plural}"`` (``0 stocks``, ``0.5 years``).
    """
    return f"{number(n)} {noun if n == 1 else many or _IRREGULAR.get(noun) or _regular_plural(noun)}"


def _regular_plural(noun: str) -> str:
    """English regular plural: ``-es`` after a sibilant (processes, indexes), ``-ies`` after a
    consonant and ``y`` (quantities), else ``-s``."""
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if len(noun) > 1 and noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def number(x: float) -> str:
    """A number for a message: a whole number below 10**15 with thousands separators (``2,000``),
    any other with three significant digits (``0.5``, ``1e+308``, ``inf``), so that a message never
    echoes hundreds of digits.

    Parameters
    ----------
    x : int or float
        The number (an integer of any size).

    Returns
    -------
    str
        The number as text.
    """
    if isinstance(x, numbers.Integral):
        if abs(x) < 10**15:
            return f"{int(x):,}"
        mantissa, exponent = f"{Decimal(int(x)):.2e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{exponent}"
    x = float(x)
    return f"{int(x):,}" if x.is_integer() and abs(x) < 1e15 else f"{x:.3g}"


#: ``:role:`target``` or ``:domain:role:`text <target>```: a Sphinx cross-reference
_ROLE = re.compile(r":(?:[a-z]+:)?[a-z]+:`([^`]+)`")
#: ```text <target>`_`` (or ``__``): a reST hyperlink shows its text
_LINK = re.compile(r"`([^`<]+?)\s*<[^>`]+>`__?")
#: ````literal````, then ```interpreted```: reST inline literals
_LITERAL = re.compile(r"``(.+?)``|`([^`]+)`")
#: ``*emphasis*`` and ``**strong**`` (not a lone ``*`` of a product)
_EMPHASIS = re.compile(r"(?<![\w*])\*{1,2}(?=\S)([^*]+?)(?<=\S)\*{1,2}(?![\w*])")


def _reference(match: re.Match) -> str:
    text = match.group(1)
    shown = re.fullmatch(r"(.*?)\s*<[^>]+>", text)  # :func:`the solver <model.simulate>`
    if shown:
        return shown.group(1)
    if text.startswith("~"):  # :func:`~model.solve.simulate` shows the last name only
        text = text[1:].rsplit(".", 1)[-1]
    return text.lstrip("!")


def plain(text: str | None) -> str:
    """reST inline markup of a docstring rendered as plain text, on one line.

    Parameters
    ----------
    text : str or None
        Text with reST inline markup: ````literal````, ```interpreted```, ``*emphasis*``,
        ``**strong**`` and Sphinx roles (``:func:`name```, ``:class:`~a.b.Name```,
        ``:mod:`text <target>```).

    Returns
    -------
    str
        The text with the markup removed (a role shows its target, the last name after ``~``, or
        its text), whitespace collapsed to single spaces.

    Examples
    --------
    >>> plain("years from ``t0``; see :func:`~model.solve.simulation.simulate`")
    'years from t0; see simulate'
    """
    if not text:
        return ""
    text = _ROLE.sub(_reference, text)
    text = _LINK.sub(r"\1", text)
    text = _LITERAL.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _EMPHASIS.sub(r"\1", text)
    return " ".join(text.split())

"""Lean font subsets in the PDF figures: the glyphs without the OpenType layout tables.

matplotlib's PDF backend embeds each TrueType font it used (``pdf.fonttype`` 42) as a subset made
with fontTools. The subset keeps the font's layout tables (``GSUB``, ``GPOS``, ``GDEF``, ``kern``):
for DejaVu Sans, fontTools reads and prunes them glyph by glyph, the larger part of each subset's
cost (0.07-0.13 s of 0.1-0.15 s per font, two to four fonts per figure). A PDF viewer never reads
them: the text was laid out (kerning, ligatures) when the figure was drawn, and the PDF places each
glyph itself (ISO 32000-1, 9.9: a TrueType font program in a PDF needs ``glyf``, ``head``, ``hhea``,
``hmtx``, ``loca``, ``maxp`` and, for hinting, ``cvt``, ``fpgm``, ``prep``). Leaving them out gives
the same glyphs and widths, smaller files and the same text (searchable and copyable through the
ToUnicode map matplotlib writes beside the font).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["LAYOUT_TABLES", "lean_font_subsets"]

#: OpenType layout tables a PDF viewer does not read (shaping happened when the figure was drawn)
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "kern", "BASE", "JSTF", "MATH")

_active = threading.local()  # .depth: lean_font_subsets blocks open in this thread


def _lean_options(base: type) -> type:
    """``fontTools.subset.Options`` that also drop :data:`LAYOUT_TABLES` in a thread within
    :func:`lean_font_subsets` (elsewhere, fontTools' own)."""

    class Options(base):  # type: ignore[misc, valid-type]
        lean_pdf_fonts = True

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if getattr(_active, "depth", 0):
                self.drop_tables = [*self.drop_tables, *(t for t in LAYOUT_TABLES if t not in self.drop_tables)]

    Options.__name__ = Options.__qualname__ = base.__name__
    Options.__module__ = base.__module__
    return Options


@contextmanager
def lean_font_subsets() -> Iterator[None]:
    """While active in this thread, the fonts matplotlib embeds in a PDF leave out :data:`LAYOUT_TABLES`.

    matplotlib's PDF backend subsets through ``fontTools.subset`` (``subset.Options``, looked up at
    each save); for the block, that class is a subclass whose options also drop these tables in the
    threads inside such a block, and fontTools' own class is put back after the outermost block.
    Other threads subsetting meanwhile get fontTools' options unchanged.
    """
    from fontTools import subset

    original = subset.Options
    installed = not getattr(original, "lean_pdf_fonts", False)
    if installed:
        subset.Options = _lean_options(original)
    _active.depth = getattr(_active, "depth", 0) + 1
    try:
        yield
    finally:
        _active.depth -= 1
        if installed:
            subset.Options = original

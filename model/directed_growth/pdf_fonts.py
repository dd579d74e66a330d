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

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["LAYOUT_TABLES", "lean_font_subsets"]

#: OpenType layout tables a PDF viewer does not read (shaping happened when the figure was drawn)
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "kern", "BASE", "JSTF", "MATH")


class _LeanSubsetModule:
    """``fontTools.subset`` as matplotlib's PDF backend sees it, with options that drop the layout tables."""

    def __init__(self, module):
        self._module = module

        class Options(module.Options):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.drop_tables = [*self.drop_tables, *(t for t in LAYOUT_TABLES if t not in self.drop_tables)]

        self.Options = Options

    def __getattr__(self, name: str):
        return getattr(self._module, name)


@contextmanager
def lean_font_subsets() -> Iterator[None]:
    """While active, the fonts matplotlib embeds in a PDF leave out :data:`LAYOUT_TABLES`.

    matplotlib's PDF backend subsets fonts through the module ``fontTools.subset`` it imported
    (``matplotlib.backends._backend_pdf_ps.subset``); that name is pointed at a view whose
    ``Options`` add these tables to the ones dropped, and restored on exit. With a matplotlib that
    subsets otherwise, nothing changes (the fonts keep their layout tables); within another
    such block (or another thread's), the view already in place is used.
    """
    from matplotlib.backends import _backend_pdf_ps as pdf_ps

    original = getattr(pdf_ps, "subset", None)
    if original is None or not hasattr(original, "Options") or isinstance(original, _LeanSubsetModule):
        yield
        return
    pdf_ps.subset = _LeanSubsetModule(original)
    try:
        yield
    finally:
        pdf_ps.subset = original

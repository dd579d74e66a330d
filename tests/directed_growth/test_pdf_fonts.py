"""Fonts of the PDF figures (model.directed_growth.pdf_fonts): matplotlib's Type 42 subsets less the
OpenType layout tables, glyph for glyph the same."""

import io
import re
import zlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from fontTools import subset
from fontTools.ttLib import TTFont

from model.directed_growth import figures as plots
from model.directed_growth.pdf_fonts import LAYOUT_TABLES, lean_font_subsets

#: text with a ligature (fi), a subscript, a typographic minus and a degree sign, in two weights
TEXT = ("Market fixing, GtCO₂/yr", "−0.5 °C, profit")


def _figure():
    with plt.rc_context(plots.FONT):
        fig = plt.figure(figsize=(3, 1))
        fig.text(0.05, 0.6, TEXT[0])
        fig.text(0.05, 0.2, TEXT[1], fontweight="bold")
    return fig


def _fonts(pdf: bytes) -> list[TTFont]:
    """The TrueType programs embedded in a PDF (the streams named by /FontFile2)."""
    ids = sorted(set(re.findall(rb"/FontFile2 (\d+) 0 R", pdf)))
    fonts = []
    for i in ids:
        head = re.search(rb"(?:^|\n)" + i + rb" 0 obj\s*<<", pdf).end()
        body = re.compile(rb"stream\r?\n").search(pdf, head).end()
        assert b"/FlateDecode" in pdf[head:body]
        fonts.append(TTFont(io.BytesIO(zlib.decompressobj().decompress(pdf[body:]))))
    assert len(fonts) == len(ids) >= 2
    return fonts


def test_pdf_fonts_are_matplotlibs_subsets_without_layout_tables(tmp_path):
    fig = _figure()
    with plt.rc_context(plots.FONT):  # Type 42, as the figures save within their settings
        fig.savefig(tmp_path / "plain.pdf")  # matplotlib's own subsets
        plots.save_figure(fig, tmp_path / "lean.pdf")
    plt.close(fig)
    assert not hasattr(subset.Options, "lean_pdf_fonts")  # fontTools' own class, restored after the save
    plain, lean = (tmp_path / "plain.pdf").read_bytes(), (tmp_path / "lean.pdf").read_bytes()
    assert b"/CIDFontType2" in lean and b"/ToUnicode" in lean  # Type 42, text searchable and copyable
    plain_fonts, lean_fonts = _fonts(plain), _fonts(lean)
    assert any(set(LAYOUT_TABLES) & set(f.keys()) for f in plain_fonts)  # what matplotlib keeps ...
    assert len(plain_fonts) == len(lean_fonts)
    for a, b in zip(plain_fonts, lean_fonts):
        assert not set(LAYOUT_TABLES) & set(b.keys())  # ... and the lean subsets leave out
        assert a["name"].getDebugName(6) == b["name"].getDebugName(6)  # same face (PostScript name)
        assert a.getGlyphOrder() == b.getGlyphOrder() and len(b.getGlyphOrder()) > 1
        for g in a.getGlyphOrder():  # same outlines and advance widths, glyph for glyph
            assert a["glyf"][g].compile(a["glyf"]) == b["glyf"][g].compile(b["glyf"]), g
            assert a["hmtx"][g] == b["hmtx"][g], g
        assert {"glyf", "loca", "head", "hhea", "hmtx", "maxp", "cmap"} <= set(b.keys())
    assert len(lean) < len(plain)


def test_lean_subsets_nest_restore_fonttools_and_leave_other_threads_alone():
    import threading

    original = subset.Options
    assert "GPOS" not in original().drop_tables
    with lean_font_subsets():
        lean = subset.Options
        assert lean is not original and issubclass(lean, original) and "GPOS" in lean().drop_tables
        other = []
        thread = threading.Thread(target=lambda: other.append(subset.Options().drop_tables))
        thread.start()
        thread.join()
        assert "GPOS" not in other[0]  # a thread outside the block subsets as fontTools does
        with lean_font_subsets():
            assert subset.Options is lean
        assert subset.Options is lean and "GPOS" in subset.Options().drop_tables
    assert subset.Options is original
    with pytest.raises(KeyError), lean_font_subsets():
        raise KeyError("a failed save")
    assert subset.Options is original and "GPOS" not in subset.Options().drop_tables

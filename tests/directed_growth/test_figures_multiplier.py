"""The multiplier-profile figure draws the model's profile beside the published points and the bands."""

import numpy as np
import pytest

from model.directed_growth.figures_multiplier import ACCEPTANCE_BANDS, EVIDENCE, multiplier_profile


def test_profile_evidence_and_bands_are_drawn(tmp_path):
    profile = {y: 0.1 * y for y in range(21)}
    fig = multiplier_profile(profile, tmp_path / "m", title="Profile (USA)")
    ax = fig.axes[0]
    model = next(line for line in ax.lines if line.get_label() == "model")
    np.testing.assert_array_equal(model.get_xdata(), np.arange(21))
    np.testing.assert_allclose(model.get_ydata(), 0.1 * np.arange(21))
    drawn = {(float(line.get_xdata()[0]), float(line.get_ydata()[0])) for line in ax.lines if line is not model
             and len(line.get_xdata()) == 1}
    assert drawn == {(float(e.year), e.value) for e in EVIDENCE}
    # the IMF points are marked as read from memory in the legend
    assert any("IMF (2014)" in t.get_text() and "from memory" in t.get_text() for t in ax.get_legend().get_texts())
    segments = [s for c in ax.collections for s in c.get_segments()]
    assert sorted((float(s[0][0]), float(s[0][1]), float(s[1][1])) for s in segments) == \
        sorted((float(y), lo, hi) for y, (lo, hi) in ACCEPTANCE_BANDS.items())
    assert (tmp_path / "m.pdf").stat().st_size > 0 and (tmp_path / "m.png").stat().st_size > 0


def test_empty_profile_is_refused():
    with pytest.raises(ValueError, match="profile is empty"):
        multiplier_profile({})

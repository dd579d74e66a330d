"""The public-investment multiplier profile beside the published evidence (IMF 2014; World Bank 2024)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .figures import FONT, OKABE_ITO, panel_title, pyplot, save_figure

__all__ = ["Evidence", "EVIDENCE", "ACCEPTANCE_BANDS", "multiplier_profile"]


@dataclass(frozen=True)
class Evidence:
    """One published point of an output response to a +1 pp of GDP public-investment shock.

    Attributes
    ----------
    year : int
        Years after the shock (0 = the year of the shock).
    value : float
        Output response [% of output per pp of GDP].
    label : str
        Study and sample, as the legend shows it.
    tag : str
        How far the number was read: ``"V"`` read in the source, ``"R"`` from memory with high confidence,
        ``"U"`` unverified (economics.md section 11's tags).
    """

    year: int
    value: float
    label: str
    tag: str


#: published responses (economics.md 11.2; the IMF values are tagged [R]: the paper's figure could not be read)
EVIDENCE = (
    Evidence(0, 0.4, "IMF (2014), advanced economies", "R"),
    Evidence(4, 1.5, "IMF (2014), advanced economies", "R"),
    Evidence(1, 0.4, "World Bank (2024), EMDEs", "V"),
    Evidence(5, 1.1, "World Bank (2024), EMDEs", "V"),
)

#: the bands issue 12 accepts for the model's US profile: year -> (lower, upper) [% of output per pp of GDP]
ACCEPTANCE_BANDS = {0: (0.2, 0.8), 4: (1.0, 2.0)}


def multiplier_profile(profile: Mapping[int, float], path: str | Path | None = None, *,
                       title: str = "Output response to a +1 pp of GDP public-investment step",
                       evidence: Sequence[Evidence] = EVIDENCE,
                       bands: Mapping[int, tuple[float, float]] | None = None):
    """The model's multiplier profile by year beside the published points and the acceptance bands.

    Parameters
    ----------
    profile : mapping of int to float
        Years after the shock -> output response [% of output per pp of GDP] (e.g. years 0-20 from
        :func:`model.directed_growth.outcomes.impulse_response`).
    path : str or Path, optional
        Save there (no suffix: PDF and PNG).
    title : str
        Figure title (name the country and the model variant in it).
    evidence : sequence of Evidence
        Published points to draw (default :data:`EVIDENCE`); marked "[R]" where read from memory.
    bands : mapping, optional
        Year -> (lower, upper) drawn as intervals (default :data:`ACCEPTANCE_BANDS`).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        An empty profile.
    """
    if not profile:
        raise ValueError("multiplier_profile: the profile is empty (pass year -> response)")
    bands = ACCEPTANCE_BANDS if bands is None else bands
    plt = pyplot(path)
    years = sorted(profile)
    with plt.rc_context(FONT):
        fig, ax = plt.subplots(figsize=(5.2, 3.2), layout="constrained")
        ax.axhline(0.0, color="0.6", lw=0.6)
        ax.plot(years, [profile[y] for y in years], color=OKABE_ITO[0], lw=1.6, marker="o", ms=2.5,
                label="model", zorder=3)
        for k, (year, (lo, hi)) in enumerate(sorted(bands.items())):
            ax.vlines(year, lo, hi, color="0.45", lw=5, alpha=0.35,
                      label="accepted band (issue 12)" if k == 0 else None)
        styles: dict[str, tuple[str, str]] = {}  # legend label -> (marker, colour)
        for ev in evidence:
            shown = ev.label + (" [from memory]" if ev.tag == "R" else "")
            first = shown not in styles
            if first:
                styles[shown] = (("D", "s", "^", "v")[len(styles) % 4], OKABE_ITO[1 + len(styles) % 6])
            marker, colour = styles[shown]
            ax.plot(ev.year, ev.value, marker, color=colour, ms=5, ls="none", zorder=4,
                    label=shown if first else None)
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("years after the shock")
        ax.set_ylabel("output [% per pp of GDP]")
        ax.grid(alpha=0.25, lw=0.5)
        ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
        panel_title(ax, textwrap.fill(title, 64), fontweight="bold")  # a long title (country, variant) wraps
        ax.legend(fontsize=7, frameon=False, loc="best")
    if path is not None:
        save_figure(fig, path)
    return fig

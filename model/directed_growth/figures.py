"""Figures from results (matplotlib), labelled from the variables' metadata.

Lines are drawn from NumPy arrays (``.values``): a DataArray handed to matplotlib goes through
xarray's array conversion, which imports pint and dask to test for their array types.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from pathlib import Path

__all__ = ["country_title", "plot_stocks", "label", "scenario_panel", "lever_paths", "outcome_table", "growth_rate",
           "varying_levers", "format_number", "policy_name", "OKABE_ITO", "FONT", "PANEL", "for_display",
           "pretty_units", "pyplot", "save_figure", "format_time_axis", "panel_title"]


def label(da) -> str:
    """Axis label ``long name [units]`` from a DataArray's attributes."""
    units = da.attrs.get("units", "")
    units = "" if units in ("", "1", "dimensionless") else f" [{units}]"
    return f"{da.attrs.get('long_name', da.name)}{units}"


def plot_stocks(ds, variables: Sequence[str] | None = None, path: str | Path | None = None, *, ncols: int = 3):
    """Small multiples of stocks (or chosen variables) over time, one line per policy.

    Parameters
    ----------
    ds : xarray.Dataset
        A result of :func:`model.simulate`.
    variables : sequence of str, optional
        Variables to plot; default every stock.
    path : str or Path, optional
        Save the figure there (format from the suffix: ``.png``, ``.pdf``, ``.svg``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    names = list(variables) if variables else [n for n, v in ds.data_vars.items()
                                              if v.attrs.get("kind") == "stock" and "time" in v.dims]
    ncols = max(1, min(ncols, len(names)))
    nrows = math.ceil(len(names) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 2.6 * nrows), squeeze=False, layout="constrained")
    for ax, name in zip(axes.flat, names):
        da = ds[name]
        if "policy" in da.dims:
            for pol in da.policy.values:
                ax.plot(ds.time.values, da.sel(policy=pol).values, label=str(pol))
        elif "draw" in da.dims:
            ax.plot(ds.time.values, da.transpose("time", "draw").values, color="0.3", alpha=0.2, lw=0.6)
        else:
            ax.plot(ds.time.values, da.values, color="C0")
        ax.set_title(label(da), fontsize=9)
        ax.set_xlabel("year" if ds.time.attrs.get("units") == "year" else "time")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    if "policy" in ds.dims:
        axes.flat[0].legend(fontsize=8)
    fig.suptitle(f"{ds.attrs.get('model', '')}", fontsize=10)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=150)
    return fig


# ---------------------------------------------------------------------------
# publication figures of the policy comparison (directed-growth model)
# ---------------------------------------------------------------------------

#: Okabe & Ito (2008) colour-blind-safe palette, in the order used for policies
OKABE_ITO = ("#000000", "#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
_LINESTYLES = ("-", (0, (5, 1.5)), (0, (5, 1.5, 1, 1.5)), (0, (1, 1.2)))
#: pint unit strings -> compact display
_UNIT_TEXT = {"delta_degC": "°C", "degC": "°C", "year": "yr", "1/year": "1/yr", "GtCO2/year": "GtCO₂/yr",
              "GtCO2": "GtCO₂", "TUSD/year": "TUSD/yr", "USD/tCO2": "USD/tCO₂", "GtCO2/TUSD": "GtCO₂/TUSD",
              "delta_degC/year": "°C/yr"}
#: matplotlib settings of every figure (8 pt text, no top or right spines, fonts embedded)
FONT = {"font.size": 8, "axes.titlesize": 8.5, "axes.labelsize": 8, "xtick.labelsize": 8, "ytick.labelsize": 8,
         "legend.fontsize": 8, "axes.spines.top": False, "axes.spines.right": False, "axes.linewidth": 0.6,
         "xtick.major.width": 0.6, "ytick.major.width": 0.6, "lines.linewidth": 1.4, "pdf.fonttype": 42,
         "svg.fonttype": "none", "axes.titlelocation": "left"}

#: (variable, short title, scale, display units); units None: from attrs
PANEL = (("growth", "Output growth", 100.0, "%/yr"),
          ("h", "Private investment share", 100.0, "% of output"),
          ("omega", "Wage share", 100.0, "% of output"),
          ("E_dom", "Domestic emissions", 1.0, None),
          ("T_at", "Warming", 1.0, None),
          ("b", "Public debt ratio", 100.0, "% of output"))


def pretty_units(units: str) -> str:
    """Compact display of a pint unit string: ``GtCO2/year`` -> ``GtCO₂/yr``, ``delta_degC`` -> ``°C``."""
    import re

    if units in _UNIT_TEXT:
        return _UNIT_TEXT[units]
    units = re.sub(r"\bdelta_degC\b|\bdegC\b", "°C", units)
    units = re.sub(r"\byears?\b", "yr", units)
    return units.replace("CO2", "CO₂").replace(" ** ", "^").replace("**", "^").replace(" * ", "·")


def policy_name(pol) -> str:
    """Display name of a policy: its entry in :data:`model.directed_growth.policies.PATHS`, else the name
    in words (``my_path`` -> ``My path``)."""
    from .policies import PATHS

    pol = str(pol)
    return next((p.display for p in PATHS if p.name == pol), pol.replace("_", " ").capitalize())


def _policies(ds) -> list:
    return list(ds.policy.values) if "policy" in ds.dims else [ds.attrs.get("policy", "default")]


def _series(da, pol):
    return da.sel(policy=pol) if "policy" in da.dims else da


def _style(i: int) -> dict:
    return {"color": OKABE_ITO[i % len(OKABE_ITO)], "linestyle": _LINESTYLES[i % len(_LINESTYLES)]}


def for_display(da, scale: float = 1.0, units: str | None = None):
    """A copy of ``da`` scaled for display, with units (display form) in its attrs."""
    out = da * scale
    out.attrs = dict(da.attrs)
    raw = da.attrs.get("units", "")
    if units is None:
        if raw in ("", "1", "dimensionless") and scale == 100.0:
            units = "%"
        else:
            units = pretty_units(raw)
    out.attrs["units"] = units
    out.name = da.name
    return out


def growth_rate(Y, time=None):
    """Annual growth of ``Y`` [1/year]: :math:`\\Delta \\ln Y / \\Delta t`, at the end of each interval.

    Works along ``time`` for any other dimensions; the first time is dropped.
    """
    import numpy as np

    t = Y["time"] if time is None else time
    dlog = np.log(Y).diff("time")
    g = dlog / t.diff("time")
    g.name = "growth"
    g.attrs = {"long_name": "output growth", "units": "1/year", "kind": "derived",
               "description": f"annual growth of {Y.attrs.get('long_name', Y.name)} computed from the path"}
    return g


def save_figure(fig, path) -> list[Path]:
    """Save ``fig`` and return the files written: ``path`` without suffix -> ``.pdf`` and ``.png``;
    otherwise the given format.

    Each file is written atomically (a temporary file in the same directory,
    then :func:`os.replace`), so a reader never sees a half-written figure.
    The figure is laid out once: the PNG is written first, and the PDF keeps its layout
    (the layout engine is paused for the second file and restored afterwards). The PDF's
    fonts are embedded without their layout tables (:mod:`model.directed_growth.pdf_fonts`).
    """
    from ..files import write_atomic
    from .pdf_fonts import lean_font_subsets

    path = Path(path)
    targets = [path] if path.suffix else [path.with_name(path.name + ".pdf"), path.with_name(path.name + ".png")]
    engine = fig.get_layout_engine()
    try:
        for i, target in enumerate(sorted(targets, key=lambda p: p.suffix != ".png")):
            if i == 1 and engine is not None:
                fig.set_layout_engine("none")  # keep the layout computed for the first file
            fmt = target.suffix.lstrip(".").lower()
            dpi = 300 if fmt in ("png", "jpg", "jpeg", "tif", "tiff") else None
            if fmt == "pdf":
                with lean_font_subsets():
                    write_atomic(target, lambda tmp: fig.savefig(tmp, format="pdf"))
            else:
                write_atomic(target, lambda tmp, fmt=fmt, dpi=dpi: fig.savefig(tmp, format=fmt, dpi=dpi))
    finally:
        if engine is not None and fig.get_layout_engine() is not engine:
            fig.set_layout_engine(engine)
    return targets


def pyplot(path):
    """``matplotlib.pyplot``, with the non-interactive Agg backend when the figure goes to a file (``path``)."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _shared_legend(fig, ds, handles=None):
    pols = _policies(ds)
    if handles is None:
        handles = [fig.axes[0].lines[i] for i in range(len(pols))]
    fig.legend(handles, [policy_name(p) for p in pols], loc="outside lower center", ncols=min(len(pols), 4),
               frameon=False, handlelength=2.6)


def format_time_axis(ax, ds):
    """The time axis of a panel: the run's span [year], a light grid, ticks every 10 or 25 years on long spans."""
    t = ds["time"]
    ax.set_xlim(float(t[0]), float(t[-1]))
    ax.grid(alpha=0.25, lw=0.5)
    ax.margins(y=0.08)
    span = float(t[-1] - t[0])
    if span >= 40:
        import matplotlib.ticker as mticker
        ax.xaxis.set_major_locator(mticker.MultipleLocator(25 if span > 60 else 10))


def panel_title(ax, text: str, **kwargs) -> None:
    """Set the (left) title of a panel, pinned to the top of the axes when nothing else is there.

    matplotlib moves a title above whatever sits on top of its axes (x ticks on top, the y axis's
    offset or power of ten such as ``1e-5``), and to know, it measures the whole y axis on every draw
    and layout pass (about a fifth of drawing the small multiples). The panels here have their x axis
    at the bottom, so only an offset text can be on top: the title is pinned unless the y axis, as
    limited now, would show one (then matplotlib places it as before). Call it after the panel's
    lines and limits are set.
    """
    formatter = ax.yaxis.get_major_formatter()
    formatter.set_locs(ax.yaxis.get_majorticklocs())
    ax.set_title(text, **kwargs, **({} if formatter.get_offset() else {"y": 1.0}))


def scenario_panel(ds, path: str | Path | None = None):
    """The comparison at a glance: output growth, private investment share, wage share,
    domestic emissions, warming and public debt over time, one line per policy.

    Parameters
    ----------
    ds : xarray.Dataset
        A directed-growth result (variables ``Y``, ``h`` or ``h_eff``, ``omega``,
        ``E_dom``, ``T_at``, ``b``), with or without a ``policy`` dimension. The
        investment panel shows ``h_eff`` (the realised share, as in
        :func:`model.analysis.compare`) when present, else ``h``.
    path : str or Path, optional
        Where to save: without suffix, both ``path.pdf`` (vector) and
        ``path.png`` are written; with a suffix, that format.

    Returns
    -------
    matplotlib.figure.Figure
        7 x 4.5 in, 2 x 3 panels, fonts >= 8 pt, Okabe-Ito colours, shared legend.
    """
    from ..errors import ModelError

    # the realised private investment share: h_eff where the model has it (the share that enters
    # demand and compare()), else the stock h
    inv = "h_eff" if "h_eff" in ds else "h"
    missing = [n for n in ("Y", inv, "omega", "E_dom", "T_at", "b") if n not in ds]
    if missing:
        raise ModelError(f"scenario_panel() needs a directed-growth result; missing variables: {', '.join(missing)}")
    plt = pyplot(path)
    with plt.rc_context(FONT):
        fig, axes = plt.subplots(2, 3, figsize=(7.0, 4.5), layout="constrained", sharex=True)
        for k, (ax, (name, title, scale, units)) in enumerate(zip(axes.flat, PANEL)):
            da = growth_rate(ds["Y"]) if name == "growth" else ds[inv if name == "h" else name]
            da = for_display(da, scale, units)
            for i, pol in enumerate(_policies(ds)):
                y = _series(da, pol)
                ax.plot(y["time"].values, y.values, label=policy_name(pol), **_style(i))
            # the short title names the quantity; the axis carries its units (from the attrs)
            ax.set_ylabel(da.attrs.get("units") or "")
            ax.set_gid(label(da))  # full label (long name [units]) kept on the axes for reference
            format_time_axis(ax, ds)
            panel_title(ax, f"{chr(ord('a') + k)}  {title}", fontweight="bold")
            if k >= 3:
                ax.set_xlabel("year")
        _shared_legend(fig, ds)
        country_title(fig, ds)
        if path is not None:
            save_figure(fig, path)
    return fig


def country_title(fig, ds, text: str = "") -> None:
    """Name the country of a result (``attrs['country_name']``, set by ``dgm compare``, ``dgm ensemble`` and
    ``dgm sensitivity``) above the panels, with ``text`` (wrapped) below it if given; without a country,
    ``text`` alone."""
    import textwrap

    name = ds.attrs.get("country_name")
    lines = [str(name)] if name else []
    if text:
        lines.append(textwrap.fill(text, 100))
    if lines:
        fig.suptitle("\n".join(lines), fontsize=8.5 if text else 9, fontweight="normal" if text else "bold")


def _varies(da, rtol: float = 1e-9) -> bool:
    import numpy as np

    v = np.asarray(da.values, dtype=float)
    ref = np.nanmax(np.abs(v)) if v.size and np.isfinite(v).any() else 0.0
    return bool(np.nanmax(v) - np.nanmin(v) > rtol * max(ref, 1e-12)) if v.size else False


def varying_levers(ds) -> list[str]:
    """Levers (attrs ``kind == "lever"``) whose path differs across policies or over time."""
    from .policies import LEVERS

    names = [n for n, v in ds.data_vars.items()
             if v.attrs.get("kind") == "lever" and "time" in v.dims and _varies(v)]
    order = {n: i for i, n in enumerate(LEVERS)}  # thematic order of model.directed_growth.policies.LEVERS
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))


def lever_paths(ds, path: str | Path | None = None, *, ncols: int = 3):
    """Small multiples of the lever paths that differ across policies or over time.

    Levers held at one constant value by every policy are left out. Same style as :func:`scenario_panel`;
    ``path`` as there.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import math as _math

    plt = pyplot(path)
    names = varying_levers(ds)
    with plt.rc_context(FONT):
        if not names:
            fig = plt.figure(figsize=(7.0, 1.5), layout="constrained")
            fig.text(0.5, 0.5, "No lever differs across policies or over time.", ha="center", va="center")
        else:
            ncols = max(1, min(ncols, len(names)))
            nrows = _math.ceil(len(names) / ncols)
            fig, axes = plt.subplots(nrows, ncols, figsize=(7.0, 0.4 + 1.75 * nrows + 0.35), squeeze=False,
                                     layout="constrained", sharex=True)
            for k, (ax, name) in enumerate(zip(axes.flat, names)):
                da = ds[name]
                raw = da.attrs.get("units", "")
                scale = 100.0 if raw in ("", "1", "dimensionless", "1/year") else 1.0
                da = for_display(da, scale, "%/yr" if raw == "1/year" else None)
                for i, pol in enumerate(_policies(ds)):
                    y = _series(da, pol)
                    y = y.broadcast_like(ds["time"]) if "time" not in y.dims else y
                    ax.plot(ds["time"].values, y.values, label=policy_name(pol), **_style(i))
                long = da.attrs.get("long_name", name)
                long = textwrap.fill(long[0].upper() + long[1:], 27)
                ax.set_ylabel(f"{name} [{da.attrs['units']}]" if da.attrs.get("units") else name)
                format_time_axis(ax, ds)
                panel_title(ax, f"{chr(ord('a') + k)}  {long}", fontweight="bold", fontsize=8)
            for j, ax in enumerate(axes.flat):
                if j >= len(names):
                    ax.set_visible(False)
                elif j + ncols >= len(names):  # lowest panel of its column: year axis
                    ax.xaxis.set_tick_params(labelbottom=True)
                    ax.set_xlabel("year")
            _shared_legend(fig, ds)
        country_title(fig, ds)
        fig._dgm_levers = names  # drawn levers, in panel order (for tests and captions)
        if path is not None:
            save_figure(fig, path)
    return fig


def format_number(v, digits: int = 3) -> str:
    """``v`` to ``digits`` significant digits for display: no exponent for 1e-3 <= |v| < 1e6
    (whole numbers from ``10**(digits-1)`` up, so years stay years), ``1.23×10⁻⁵`` otherwise;
    a typographic minus; NaN, inf and None as an en dash."""
    import numpy as np

    if v is None:
        return "–"
    try:
        v = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not np.isfinite(v):
        return "–"
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e6 or a < 1e-3:
        mant, exp = f"{v:.{digits - 1}e}".split("e")
        sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
        s = f"{mant}×10{str(int(exp)).translate(sup)}"
    elif a >= 10 ** (digits - 1):
        s = f"{v:.0f}"
    else:
        exp = int(np.floor(np.log10(a)))
        dec = max(digits - 1 - exp, 0)
        s = f"{v:.{dec}f}"
        if abs(float(s)) >= 10 ** (exp + 1):  # rounding carried a digit (9.996 -> 10.0)
            s = f"{v:.{max(dec - 1, 0)}f}"
    return s.replace("-", "−")


def outcome_table(df, path: str | Path | None = None):
    """Render the outcome table of :func:`model.analysis.compare` as a one-page figure.

    Rows are outcomes (label and units, shares shown in percent), columns are
    policies; numbers to 3 significant digits, NaN as "–".

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .outcomes import DURABILITY, OUTCOMES, display

    plt = pyplot(path)
    units = dict(df.attrs.get("units", {}))
    pols = [str(p) for p in df.index]
    rows = []
    for col in df.columns:
        known = OUTCOMES.get(col) or DURABILITY.get(col)
        raw = units.get(col, known.units if known is not None else "")
        short, scale, disp = display(col, raw)
        u = disp if disp is not None else pretty_units(raw)
        u = "" if u in ("1", "dimensionless") else u
        rows.append((short[0].upper() + short[1:], u, [format_number(scale * df.at[p, col]) for p in df.index]))
    n = len(rows)
    row_h = 0.24
    height = min(10.5, 1.25 + row_h * (n + 1))
    with plt.rc_context(FONT):
        fig = plt.figure(figsize=(7.0, height))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(0, 7.0)
        ax.set_ylim(height, 0)
        x_label, x_units, x_right = 0.15, 2.75, 6.85
        width_pol = (x_right - 3.85) / max(len(pols), 1)
        x_pols = [3.85 + width_pol * (j + 1) for j in range(len(pols))]  # right edges of the number columns
        y0 = 0.55
        title = df.attrs.get("title", "Policy comparison: outcomes")
        ax.text(x_label, 0.2, title, fontsize=9.5, fontweight="bold", va="center")
        ax.text(x_label, y0 + 0.12, "Outcome", fontweight="bold", va="center")
        ax.text(x_units, y0 + 0.12, "Units", fontweight="bold", va="center")
        wrap = max(8, int(width_pol / 0.075))  # characters per header line at 8 pt bold
        for x, p in zip(x_pols, pols):
            ax.text(x, y0 + 0.12, textwrap.fill(policy_name(p), wrap), fontweight="bold", va="center", ha="right",
                    multialignment="right", linespacing=1.1)
        ax.plot([x_label - 0.05, x_right + 0.05], [y0 + 0.27, y0 + 0.27], color="black", lw=0.8)
        for i, (lab, u, vals) in enumerate(rows):
            y = y0 + 0.27 + row_h * (i + 0.5)
            if i % 2 == 0:
                ax.add_patch(plt.Rectangle((x_label - 0.05, y - row_h / 2), x_right - x_label + 0.1, row_h,
                                           color="0.94", lw=0, zorder=0))
            ax.text(x_label, y, lab, va="center")
            ax.text(x_units, y, u, va="center", color="0.25")
            for x, v in zip(x_pols, vals):
                ax.text(x, y, v, va="center", ha="right")
        y_end = y0 + 0.27 + row_h * n
        ax.plot([x_label - 0.05, x_right + 0.05], [y_end, y_end], color="black", lw=0.8)
        foot = df.attrs.get("note", "Shares in percent; averages over the simulated period; "
                                    "multipliers: output effect of a +1 pp of GDP public investment step.")
        ax.text(x_label, y_end + 0.12, textwrap.fill(foot, 110), fontsize=8, color="0.3", va="top")
        fig._dgm_rows = [r[0] for r in rows]
        if path is not None:
            save_figure(fig, path)
    return fig

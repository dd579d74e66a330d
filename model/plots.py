"""Figures from results (matplotlib), labelled from the variables' metadata."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

__all__ = ["plot_stocks", "label"]


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
                ax.plot(ds.time, da.sel(policy=pol), label=str(pol))
        elif "draw" in da.dims:
            ax.plot(ds.time, da.transpose("time", "draw"), color="0.3", alpha=0.2, lw=0.6)
        else:
            ax.plot(ds.time, da, color="C0")
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

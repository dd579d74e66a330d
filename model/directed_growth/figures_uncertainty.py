"""Paper figures of uncertainty: fan charts, tornado and Sobol bars, and a LaTeX table of outcome intervals."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..solve.status import FLAGGED_WHOLE
from ..text import plural
from .figures import (
    FONT,
    OKABE_ITO,
    PANEL,
    country_title,
    for_display,
    format_time_axis,
    growth_rate,
    panel_title,
    policy_name,
    pretty_units,
    pyplot,
    save_figure,
)
from .outcomes import OUTCOMES, display

__all__ = ["fan_chart", "outcome_interval_table", "sobol_bars", "tornado"]

def _label(ens, outcome: str) -> tuple[str, float, str]:
    """(label, scale, display units) of an outcome, as in the deterministic outcome table."""
    if outcome in OUTCOMES:
        name, scale, units = display(outcome)
    else:
        name, scale, units = ens[outcome].attrs.get("long_name", outcome), 1.0, None
    return name, scale, units if units is not None else pretty_units(ens[outcome].attrs.get("units", ""))


def _latex(text: str) -> str:
    return (text.replace("%", r"\%").replace("CO₂", "CO$_2$").replace("°C", r"$^\circ$C")
            .replace("<", r"$<$"))


def _ok(ens):
    if "draw" not in ens.dims:
        raise ModelError("an ensemble (with a 'draw' dimension) is needed; see model.ensemble")
    return ens


def fan_chart(ens, variables: Sequence[str] | None = None, path: str | Path | None = None):
    """Median and 50% / 90% bands across draws, per policy, for each variable over time (members flagged
    ``implausible``, outside the model's plausible range, left out).

    Parameters
    ----------
    ens : xarray.Dataset
        An ensemble (:func:`model.ensemble`) with ``policy``, ``draw`` and ``time``.
    variables : sequence of str, optional
        Default: the scenario panel's six (growth from ``Y``, investment share,
        wage share, emissions, warming, public debt) where present.
    path : str or Path, optional
        Without suffix: ``.pdf`` and ``.png``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _ok(ens)
    panel = [p for p in PANEL if (p[0] == "growth" and "Y" in ens) or (p[0] == "h" and "h_eff" in ens)
             or p[0] in ens] if variables is None else [(v, ens[v].attrs.get("long_name", v), 1.0, None)
                                                        for v in variables]
    if not panel:
        raise ModelError("no variable to draw: the ensemble kept no paths (variables=())")
    for v, *_ in panel:
        if v not in ("growth", "h") and v not in ens:
            raise ModelError(f"{v!r} is not among the ensemble's kept paths: {', '.join(map(str, ens.data_vars))}")
    plt = pyplot(path)
    pols = [str(p) for p in ens.policy.values]
    n = len(panel)
    ncols = min(3, n)
    nrows = -(-n // ncols)
    with plt.rc_context(FONT):
        fig, axes = plt.subplots(nrows, ncols, figsize=(7.0, 2.3 * nrows), layout="constrained", sharex=True,
                                 squeeze=False)
        for k, (ax, (name, title, scale, units)) in enumerate(zip(axes.flat, panel)):
            da = growth_rate(ens["Y"]) if name == "growth" else ens["h_eff" if name == "h" else name]
            if "status" in ens:  # a member flagged with its path whole (left the plausible range, broke an
                # accounting identity) is left out, as from the outcomes
                da = da.where(~ens["status"].isin(FLAGGED_WHOLE))
            da = for_display(da, scale, units)
            q = da.quantile([0.05, 0.25, 0.5, 0.75, 0.95], dim="draw", skipna=True)
            for i, pol in enumerate(pols):
                c = OKABE_ITO[i % len(OKABE_ITO)]
                qq = q.sel(policy=pol)
                t = qq["time"].values
                ax.fill_between(t, qq.sel(quantile=0.05), qq.sel(quantile=0.95), color=c, alpha=0.12, lw=0)
                ax.fill_between(t, qq.sel(quantile=0.25), qq.sel(quantile=0.75), color=c, alpha=0.28, lw=0)
                ax.plot(t, qq.sel(quantile=0.5), color=c, label=policy_name(pol))
            ax.set_ylabel(da.attrs.get("units") or "")
            format_time_axis(ax, ens)
            panel_title(ax, f"{chr(ord('a') + k)}  {title}", fontweight="bold")
            if k >= n - ncols:
                ax.set_xlabel("year")
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        handles = axes.flat[0].lines[:len(pols)]
        fig.legend(handles, [policy_name(p) for p in pols], loc="outside lower center", ncols=len(pols),
                   frameon=False, title=f"median, 50% and 90% of {plural(ens.sizes['draw'], 'draw')}", title_fontsize=8)
        country_title(fig, ens)
        if path is not None:
            save_figure(fig, path)
    return fig


def tornado(ens, outcome: str, a: str = "market_shaping", b: str = "market_fixing", *, top: int = 10,
            path: str | Path | None = None):
    """Tornado of the difference ``a - b`` of ``outcome``: its median among the draws in the lowest
    and in the highest fifth of each drawn parameter, against the overall median.

    Parameters sorted by the spread (a conditional, model-free view across the ensemble).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..analysis.discovery import check_ensemble, drawn_parameters

    _ok(ens)
    check_ensemble(ens, a, b, outcome)
    label, scale, units = _label(ens, outcome)
    d = ((ens[outcome].sel(policy=a) - ens[outcome].sel(policy=b)) * scale).values
    ok = np.isfinite(d)
    mid = float(np.median(d[ok]))
    rows = []
    for p in drawn_parameters(ens):
        x = ens[p].values[ok]
        lo_q, hi_q = np.quantile(x, [0.2, 0.8])
        low, high = float(np.median(d[ok][x <= lo_q])), float(np.median(d[ok][x >= hi_q]))
        rows.append((p, low, high))
    rows.sort(key=lambda r: abs(r[2] - r[1]), reverse=True)
    rows = rows[:top][::-1]
    plt = pyplot(path)
    with plt.rc_context(FONT):
        fig, ax = plt.subplots(figsize=(5.0, 0.3 * len(rows) + 1.3), layout="constrained")
        for i, (_, low, high) in enumerate(rows):
            ax.barh(i, low - mid, left=mid, color=OKABE_ITO[1], height=0.6, label="lowest fifth" if i == 0 else None)
            ax.barh(i, high - mid, left=mid, color=OKABE_ITO[2], height=0.6,
                    label="highest fifth" if i == 0 else None)
        ax.axvline(mid, color="0.3", lw=0.8)
        ax.axvline(0.0, color="0.6", lw=0.6, ls=":")
        ax.set_yticks(range(len(rows)), [r[0] for r in rows])
        ax.set_xlabel(f"{policy_name(a)} minus {policy_name(b)}: {label} [{units}]")
        ax.set_title(f"What decides the difference in {label.lower()}", fontweight="bold")
        country_title(fig, ens)
        fig.legend(*ax.get_legend_handles_labels(), frameon=False, loc="outside lower center", ncols=2,
                   title="median of the difference where the parameter is in its", title_fontsize=8)
        if path is not None:
            save_figure(fig, path)
    return fig


def sobol_bars(si, outcome: str | None = None, path: str | Path | None = None):
    """First- and total-order Sobol indices with their confidence intervals, per parameter.

    Parameters
    ----------
    si : xarray.Dataset
        From :func:`model.analysis.sobol_indices` or :func:`model.analysis.model_sensitivity`.
    outcome : str, optional
        Default: every outcome, one panel each.
    """
    if not {"S1", "ST"} <= set(si.data_vars):
        raise ModelError("sobol_bars() needs Sobol indices (S1, ST); Morris results have mu_star instead")
    outs = [outcome] if outcome else [str(o) for o in si.outcome.values]
    plt = pyplot(path)
    with plt.rc_context(FONT):
        ncols = min(3, len(outs))
        nrows = -(-len(outs) // ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(7.0, 0.25 * si.sizes["parameter"] * nrows + 1.2 * nrows),
                                 layout="constrained", squeeze=False)
        for k, (ax, o) in enumerate(zip(axes.flat, outs)):
            s = si.sel(outcome=o)
            order = np.argsort(s.ST.values)
            y = np.arange(order.size)
            names = s.parameter.values[order]
            ax.barh(y + 0.2, s.ST.values[order], xerr=s.ST_conf.values[order], height=0.38, color=OKABE_ITO[0],
                    label="total order", error_kw={"lw": 0.6})
            ax.barh(y - 0.2, s.S1.values[order], xerr=s.S1_conf.values[order], height=0.38, color=OKABE_ITO[1],
                    label="first order", error_kw={"lw": 0.6})
            ax.set_yticks(y, names)
            ax.set_xlim(left=min(0.0, float(np.nanmin(s.S1.values - s.S1_conf.values))))
            ax.set_title(f"{chr(ord('a') + k)}  {display(o)[0]}", fontweight="bold")
            ax.set_xlabel("Sobol index")
        for ax in list(axes.flat)[len(outs):]:
            ax.set_visible(False)
        axes.flat[0].legend(frameon=False, loc="lower right")
        target = si.attrs.get("target")
        if target:
            horizon = f", outcomes over {si.attrs['horizon']}" if "horizon" in si.attrs else ""
            country_title(fig, si, f"Sobol indices: {target.replace('_', ' ')}{horizon} "
                                   f"({si.attrs.get('n_evaluations', '?')} runs, "
                                   f"{int(100 * si.attrs.get('conf_level', 0.95))}% intervals)")
        else:
            country_title(fig, si)
        if path is not None:
            save_figure(fig, path)
    return fig


def outcome_interval_table(ens, outcomes: Sequence[str] | None = None, *, caption: str | None = None,
                           label: str = "tab:outcome-intervals") -> str:
    """LaTeX table (booktabs): per outcome and policy, the median and the 90% interval across draws.

    Failed members (not integrated to the end, or outside the plausible range) are left out; the number
    of valid draws per policy is in the caption.
    """
    _ok(ens)
    outcomes = [o for o in (outcomes or [o.name for o in OUTCOMES.values() if o.summary]) if o in ens]
    if not outcomes:
        raise ModelError("the ensemble has no outcome variables (run it with outcomes=True)")
    pols = [str(p) for p in ens.policy.values]
    lines = [r"\begin{table}[t]", r"\centering", r"\small",
             r"\begin{tabular}{l" + "c" * len(pols) + "}", r"\toprule",
             "Outcome & " + " & ".join(policy_name(p) for p in pols) + r" \\", r"\midrule"]
    for o in outcomes:
        name, scale, units = _label(ens, o)
        cells = []
        for p in pols:
            v = ens[o].sel(policy=p).values * scale
            v = v[np.isfinite(v)]
            if v.size == 0:
                cells.append("--")
                continue
            q05, q50, q95 = np.quantile(v, [0.05, 0.5, 0.95])
            cells.append(f"{q50:.2f} [{q05:.2f}, {q95:.2f}]")
        lines.append(f"{_latex(name)} ({_latex(units)}) & " + " & ".join(cells) + r" \\")
    valid = ", ".join(f"{policy_name(p)} {int((ens.status.sel(policy=p) == 0).sum())}" for p in pols) \
        if "status" in ens else ""
    where = f"{ens.attrs['country_name']}: " if ens.attrs.get("country_name") else ""
    cap = caption or (f"{where}Outcomes across {plural(ens.sizes['draw'], 'parameter draw')}: "
                      "median [5th, 95th percentile]. "
                      + (f"Members that integrated to the end within the plausible range: {valid}." if valid
                         else ""))
    lines += [r"\bottomrule", r"\end{tabular}", f"\\caption{{{cap}}}", f"\\label{{{label}}}", r"\end{table}"]
    return "\n".join(lines) + "\n"

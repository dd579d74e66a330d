"""Scenario discovery: how likely one policy path beats another, and where the ranking flips.

For each outcome, the probability across draws that path ``a`` beats path
``b`` (with the direction in which the outcome is better), and a shallow
decision tree (scikit-learn) on the drawn parameters that separates the draws
where ``a`` wins from those where it loses, reported as plain sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError
from ..solve.status import Status, failure_reason
from ..text import plural

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = ["beats", "better", "rankable", "check_ensemble", "deciding_parameters", "drawn_parameters",
           "failure_regions", "flip_regions", "report"]

def better(ens: xr.Dataset, outcome: str) -> str:
    """The direction in which ``outcome`` is better, ``"higher"`` or ``"lower"``: the attribute
    ``better`` of the ensemble's outcome variable (from the model's outcome registry)."""
    way = ens[outcome].attrs.get("better") if outcome in ens else None
    if way not in ("higher", "lower"):
        raise ModelError(f"outcome {outcome!r} has no 'better' attribute ('higher' or 'lower'); rankable outcomes: "
                         f"{', '.join(rankable(ens)) or '(none)'}")
    return way


def rankable(ens: xr.Dataset) -> list[str]:
    """Outcome variables of ``ens`` with a direction (attribute ``better``), in order."""
    return [str(n) for n, v in ens.data_vars.items() if v.attrs.get("better") in ("higher", "lower")]


def check_ensemble(ens: xr.Dataset, a: str, b: str, outcome: str | None = None) -> None:
    """Check that ``ens`` is an ensemble over ``policy`` and ``draw`` holding policies ``a`` and ``b``
    (and ``outcome``, one with a direction (:func:`better`), when given); raise :class:`ModelError` naming
    what is missing and the valid choices."""
    if "draw" not in ens.dims or "policy" not in ens.dims:
        raise ModelError("scenario discovery needs an ensemble with 'policy' and 'draw' dimensions")
    pols = [str(p) for p in ens.policy.values]
    for p in (a, b):
        if p not in pols:
            raise ModelError(f"policy {p!r} is not in the ensemble; policies: {', '.join(pols)}")
    if outcome is not None and outcome not in rankable(ens):
        raise ModelError(f"unknown outcome {outcome!r}; valid: {', '.join(rankable(ens))}")


def _wins(ens, outcome: str, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
    """Difference ``a - b`` and a boolean 'a beats b' per draw (NaN where either member failed)."""
    d = (ens[outcome].sel(policy=a) - ens[outcome].sel(policy=b)).values.astype(float)
    sign = 1.0 if better(ens, outcome) == "higher" else -1.0
    return d, sign * d > 0


def beats(ens: xr.Dataset, a: str, b: str, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Probability that path ``a`` beats path ``b`` on each outcome, with the distribution of the difference.

    A draw counts where the outcome is defined for both paths; a tie is not a win.
    ``p_beats_failures_count`` also counts the draws where exactly one path's member
    failed (did not integrate to the end, e.g. exploded, or left the model's plausible range:
    any ``status`` but 0) as a loss for that path, so that a path is not flattered by dropping
    its failures.

    Returns
    -------
    pandas.DataFrame
        Index outcome; columns ``better`` (direction), ``p_beats``, ``n`` (valid
        draws), ``ties`` (valid draws with equal outcomes: no win), ``p_beats_failures_count``,
        ``a_fails_only``, ``b_fails_only`` (draws),
        ``diff_median``, ``diff_q05``, ``diff_q95`` (``a - b``, outcome units).
    """
    import pandas as pd

    check_ensemble(ens, a, b)
    outcomes = [o for o in (outcomes or rankable(ens)) if o in ens]
    if "status" in ens:
        fa, fb = (ens.status.sel(policy=a).values != 0), (ens.status.sel(policy=b).values != 0)
    else:
        fa = fb = np.zeros(ens.sizes["draw"], bool)
    a_only, b_only = int(np.sum(fa & ~fb)), int(np.sum(fb & ~fa))
    rows = {}
    for o in outcomes:
        check_ensemble(ens, a, b, o)
        d, win = _wins(ens, o, a, b)
        ok = np.isfinite(d)
        n = int(ok.sum())
        wins = int(win[ok].sum())
        both = ok & ~fa & ~fb  # both members integrated to the end
        n_both, wins_both = int(both.sum()), int(win[both].sum())
        total = n_both + a_only + b_only
        rows[o] = {"better": better(ens, o), "p_beats": wins / n if n else np.nan, "n": n,
                   "ties": int(np.sum(d[ok] == 0.0)),
                   "p_beats_failures_count": (wins_both + b_only) / total if n and total else np.nan,
                   "a_fails_only": a_only, "b_fails_only": b_only,
                   "diff_median": float(np.median(d[ok])) if n else np.nan,
                   "diff_q05": float(np.quantile(d[ok], 0.05)) if n else np.nan,
                   "diff_q95": float(np.quantile(d[ok], 0.95)) if n else np.nan}
    df = pd.DataFrame.from_dict(rows, orient="index")
    df.index.name = "outcome"
    df.attrs.update(a=a, b=b)
    return df


def drawn_parameters(ens: xr.Dataset) -> list[str]:
    """Names of the parameters drawn in ``ens`` (variables over ``draw`` with attribute ``drawn=1``);
    raises :class:`ModelError` if there are none."""
    names = [str(n) for n in ens.data_vars if ens[n].dims == ("draw",) and ens[n].attrs.get("drawn") == 1]
    if not names:
        raise ModelError("the ensemble records no drawn parameters (variables over 'draw' with attribute drawn=1)")
    return names


def deciding_parameters(ens: xr.Dataset, outcome: str, a: str, b: str) -> pd.Series:
    """Spearman rank correlation of each drawn parameter with the difference ``a - b`` of ``outcome``.

    Returns
    -------
    pandas.Series
        Sorted by absolute correlation, largest first.
    """
    import pandas as pd
    from scipy.stats import spearmanr

    check_ensemble(ens, a, b, outcome)
    d, _ = _wins(ens, outcome, a, b)
    ok = np.isfinite(d)
    out = {}
    for p in drawn_parameters(ens):
        x = ens[p].values[ok]
        out[p] = float(spearmanr(x, d[ok]).statistic) if np.ptp(x) > 0 and np.ptp(d[ok]) > 0 else 0.0
    s = pd.Series(out, name=f"spearman({outcome}: {a} - {b})")
    return s.reindex(s.abs().sort_values(ascending=False).index)


def flip_regions(ens: xr.Dataset, outcome: str, a: str, b: str, *, max_depth: int = 2,
                 min_leaf: float = 0.05, params: Sequence[str] | None = None) -> dict:
    """Parameter regions where the ranking of ``a`` and ``b`` on ``outcome`` flips (a decision tree).

    Parameters
    ----------
    ens : xarray.Dataset
        An ensemble (:func:`model.ensemble`) with both policies.
    outcome : str
        Outcome name (direction from :func:`better`).
    a, b : str
        The two policy paths compared.
    max_depth : int
        Depth of the tree (2 gives boxes of at most two conditions: readable).
    min_leaf : float
        Smallest share of the draws in a region.
    params : sequence of str, optional
        Drawn parameters to split on (default all drawn).

    Returns
    -------
    dict
        ``p_beats``, ``n``, ``regions`` (list of dicts: ``conditions`` (list of
        (name, "<=" or ">", threshold)), ``share`` of draws, ``p_beats`` in the
        region), ``importance`` (the tree's impurity importance per parameter) and
        ``text`` (plain words).
    """
    check_ensemble(ens, a, b, outcome)
    d, win = _wins(ens, outcome, a, b)
    ok = np.isfinite(d)
    names = list(params or drawn_parameters(ens))
    X = np.column_stack([ens[p].values[ok] for p in names])
    y = win[ok]
    n = int(ok.sum())
    p_all = float(y.mean()) if n else np.nan
    ties = int(np.sum(d[ok] == 0.0))
    result = {"outcome": outcome, "a": a, "b": b, "p_beats": p_all, "n": n, "ties": ties, "regions": [],
              "importance": {}}
    tied = f" ({_pct(ties / n)} of them tie, counted as no win)" if n and ties else ""
    if n == 0:
        result["text"] = (f"{outcome} is not defined for both {a} and {b} in any draw (failed members, or an "
                          "outcome never reached, such as a net-zero year): nothing to compare.")
        return result
    if y.all() or not y.any():
        where = _every(n, 'draw') if y.all() else f"any of {plural(n, 'draw')}"
        result["text"] = (f"{a} {'beats' if y.all() else 'never beats'} {b} on {outcome} ({better(ens, outcome)} is "
                          f"better) in {where}{tied}: the ranking does not flip anywhere in the drawn "
                          "parameter space.")
        return result
    result["regions"], result["importance"] = _tree(X, y, names, max_depth, min_leaf)
    result["text"] = _words(result, better(ens, outcome))
    return result


def _tree(X: np.ndarray, y: np.ndarray, names: list[str], max_depth: int, min_leaf: float):
    """Leaves of a shallow decision tree as boxes (sorted by the share of ``y``), and its importances."""
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=max(1, int(min_leaf * len(y))),
                                  random_state=0)
    tree.fit(X, y)
    t = tree.tree_
    leaves = tree.apply(X)
    regions: list[dict[str, Any]] = []

    def walk(node: int, conds: list) -> None:
        if t.children_left[node] == -1:
            leaf = leaves == node
            regions.append({"conditions": conds, "share": float(leaf.mean()), "p_beats": float(y[leaf].mean())})
            return
        name, thr = names[t.feature[node]], float(t.threshold[node])
        walk(t.children_left[node], conds + [(name, "<=", thr)])
        walk(t.children_right[node], conds + [(name, ">", thr)])

    walk(0, [])
    regions.sort(key=lambda r: r["p_beats"])
    importance = dict(sorted(zip(names, map(float, tree.feature_importances_)), key=lambda kv: -kv[1]))
    return regions, importance


def failure_regions(ens: xr.Dataset, policy: str, *, max_depth: int = 2, min_leaf: float = 0.05) -> dict:
    """Where members fail under ``policy``: share and regions of the members that do not integrate to the end
    (e.g. explosive paths) or leave the model's plausible range (status ``implausible``).

    Returns
    -------
    dict
        ``p_fail``, ``n``, ``regions`` (as :func:`flip_regions`, with ``p_fail`` per region),
        ``importance`` and ``text``.
    """
    pols = [str(p) for p in ens.policy.values]
    if policy not in pols:
        raise ModelError(f"policy {policy!r} is not in the ensemble; policies: {', '.join(pols)}")
    failed = ens.status.sel(policy=policy).values != 0
    names = drawn_parameters(ens)
    res: dict[str, Any] = {"policy": policy, "p_fail": float(failed.mean()), "n": int(failed.size), "regions": [],
                           "importance": {}}
    if not failed.any():
        res["text"] = f"Under {policy} {_every(failed.size, 'member')} integrates to the end."
        return res
    X = np.column_stack([ens[p].values for p in names])
    regions, res["importance"] = _tree(X, failed, names, max_depth, min_leaf)
    for r in regions:
        r["p_fail"] = r.pop("p_beats")
    res["regions"] = regions
    reasons: dict[str, int] = {}
    for r in ens.failure.sel(policy=policy).values[failed]:
        reasons[failure_reason(r)] = reasons.get(failure_reason(r), 0) + 1
    worst = regions[-1]
    top = [k for k, v in res["importance"].items() if v > 0]
    # a member flagged implausible integrated to the end: the first failure is that of the others
    implausible = ens.status.sel(policy=policy).values == Status.IMPLAUSIBLE
    broke = failed & ~implausible
    what = " or ".join(w for w, any_ in (("do not integrate to the end", broke.any()),
                                          ("leave the plausible range", implausible.any())) if any_)
    first = f"first failure at {float(ens.t_reached.sel(policy=policy).values[broke].min()):.0f}; " \
        if broke.any() else ""
    res["text"] = (f"Under {policy}, {_pct(res['p_fail'])} of {plural(failed.size, 'member')} {what} "
                   f"({first}" + "; ".join(f"{v} {k}" for k, v in reasons.items())
                   + f"); they fail most where {_fmt(worst['conditions'])} ({100 * worst['share']:.0f}% of draws, "
                   f"{100 * worst['p_fail']:.0f}% fail there). Deciding parameters: {', '.join(top)}.")
    return res


def _every(n: int, noun: str) -> str:
    """``every one of 12 draws``, or ``the one draw``."""
    return f"the one {noun}" if n == 1 else f"every one of {plural(n, noun)}"


def _pct(x: float) -> str:
    """A share in percent: one decimal near 0 and 100 %, so 99.7 % is never shown as 100 %."""
    v = 100 * x
    return f"{v:.1f}%" if (0 < v < 1 or 99 < v < 100) else f"{v:.0f}%"


def _fmt(conds) -> str:
    merged: dict[tuple[str, str], float] = {}
    for name, op, thr in conds:  # keep the tightest bound per name and side
        key = (name, op)
        merged[key] = min(thr, merged.get(key, np.inf)) if op == "<=" else max(thr, merged.get(key, -np.inf))
    return " and ".join(f"{name} {op} {thr:.4g}" for (name, op), thr in merged.items()) or "everywhere"


def _words(res: dict, way: str) -> str:
    a, b, o = res["a"], res["b"], res["outcome"]
    tied = f" ({_pct(res['ties'] / res['n'])} of them tie, counted as no win)" if res.get("ties") else ""
    head = (f"{a} beats {b} on {o} ({way} is better) in {_pct(res['p_beats'])} of {plural(res['n'], 'draw')}"
            f"{tied}.")
    lose = [r for r in res["regions"] if r["p_beats"] < 0.5]
    win = [r for r in res["regions"] if r["p_beats"] >= 0.5]
    parts = [head]
    if lose:
        parts.append("It loses mainly where " + "; or where ".join(
            f"{_fmt(r['conditions'])} ({_pct(r['share'])} of draws, wins there {_pct(r['p_beats'])})"
            for r in lose) + ".")
    else:
        worst = res["regions"][0]
        parts.append(f"No region of the drawn parameters reverses the ranking; it is weakest where "
                     f"{_fmt(worst['conditions'])} ({_pct(worst['share'])} of draws, wins there "
                     f"{_pct(worst['p_beats'])}).")
    if win and lose:
        best = win[-1]
        parts.append(f"It wins most clearly where {_fmt(best['conditions'])} ({_pct(best['share'])} of draws, "
                     f"{_pct(best['p_beats'])}).")
    top = [k for k, v in res["importance"].items() if v > 0]
    if top:
        parts.append("Deciding parameters: " + ", ".join(top) + ".")
    return " ".join(parts)


def report(ens: xr.Dataset, a: str, b: str, outcomes: Sequence[str] | None = None,
           max_depth: int = 2) -> str:
    """Plain-words report: for each outcome, how often ``a`` beats ``b`` and where that flips."""
    table = beats(ens, a, b, outcomes)
    lines = [f"Scenario discovery: {a} against {b} across {plural(ens.sizes['draw'], 'draw')} "
             f"(drawn: {', '.join(drawn_parameters(ens))})."]
    for o in table.index:
        res = flip_regions(ens, o, a, b, max_depth=max_depth)
        if res["n"] == 0:
            lines.append("- " + res["text"])
            continue
        counted = table.loc[o, "p_beats_failures_count"]
        also = (f" Counting a draw where only one path fails (to integrate, or to stay plausible) as a loss for it "
                f"({plural(table.loc[o, 'a_fails_only'], 'draw')} {a} only, {table.loc[o, 'b_fails_only']} {b} only): "
                f"{_pct(counted)}." if table.loc[o, "a_fails_only"] + table.loc[o, "b_fails_only"] else "")
        lines.append("- " + res["text"] + also
                     + f" Median difference {table.loc[o, 'diff_median']:.4g} (90% of draws between "
                     f"{table.loc[o, 'diff_q05']:.4g} and {table.loc[o, 'diff_q95']:.4g}).")
    if "status" in ens:
        for p in ens.policy.values:
            lines.append("- " + failure_regions(ens, str(p), max_depth=max_depth)["text"])
    return "\n".join(lines)

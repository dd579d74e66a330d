"""Scenario discovery: how likely one policy path beats another, and where the ranking flips.

For each outcome, the probability across draws that path ``a`` beats path
``b`` (with the direction in which the outcome is better), and a shallow
decision tree (scikit-learn) on the drawn parameters that separates the draws
where ``a`` wins from those where it loses, reported as plain sentences. A failed member (not
integrated to the end, or out of the plausible range) counts as a loss for its path in the probability
the report leads with. :func:`prior_sensitivity` shows how that probability moves when stated prior
ranges (those the application marks as assumptions) are narrowed or widened.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError
from ..solve.status import Status, failure_reason
from ..text import plural

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = ["beats", "better", "rankable", "check_ensemble", "deciding_parameters", "drawn_parameters",
           "failure_regions", "flip_regions", "prior_sensitivity", "scaled_range", "report", "sensitivity_summary",
           "sensitivity_text"]

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
    # a member flagged implausible, or for an accounting identity, integrated to the end: the first failure is
    # that of the others
    status = ens.status.sel(policy=policy).values
    implausible = status == Status.IMPLAUSIBLE
    unbalanced = status == Status.IDENTITY_VIOLATED
    broke = failed & ~implausible & ~unbalanced
    what = " or ".join(w for w, any_ in (("do not integrate to the end", broke.any()),
                                          ("leave the plausible range", implausible.any()),
                                          ("break an accounting identity", unbalanced.any())) if any_)
    first = f"first failure at {float(ens.t_reached.sel(policy=policy).values[broke].min()):.0f}; " \
        if broke.any() else ""
    res["text"] = (f"Under {policy}, {_pct(res['p_fail'])} of {plural(failed.size, 'member')} {what} "
                   f"({first}" + "; ".join(f"{v} {k}" for k, v in reasons.items())
                   + f"); such members are most frequent where {_fmt(worst['conditions'])} ({100 * worst['share']:.0f}%"
                   f" of draws, {100 * worst['p_fail']:.0f}% of them there; whether each is a failure of the model or "
                   "an outcome such as a collapse is the model's attribution). Deciding parameters: "
                   f"{', '.join(top)}.")
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
    """Plain-words report: for each outcome, the probability that ``a`` beats ``b`` with a failed member counted
    as a loss for its path (first, with its Monte Carlo standard error), then among the draws where both paths
    integrate, and where the ranking flips."""
    table = beats(ens, a, b, outcomes)
    lines = [f"Scenario discovery: {a} against {b} across {plural(ens.sizes['draw'], 'draw')} "
             f"(drawn: {', '.join(drawn_parameters(ens))})."]
    named: dict[str, None] = {}  # parameters the text names, in order (a dict as an ordered set)
    for o in table.index:
        res = flip_regions(ens, o, a, b, max_depth=max_depth)
        _name_parameters(res, named)
        if res["n"] == 0:
            lines.append("- " + res["text"])
            continue
        counted = table.loc[o, "p_beats_failures_count"]
        fails = int(table.loc[o, "a_fails_only"] + table.loc[o, "b_fails_only"])
        m = int(np.sum(np.isfinite(_scores(ens, o, a, b))))
        se = float(np.sqrt(counted * (1 - counted) / m)) if m else np.nan
        lead = (f"{o}: {a} beats {b} in {_pct(counted)} of {plural(m, 'draw')} (+- {100 * se:.1f} pp, Monte Carlo "
                f"s.e.), a draw where only one path does not integrate or leaves the plausible range (for any reason) "
                f"counted as a loss for it ({plural(int(table.loc[o, 'a_fails_only']), 'draw')} {a} only, "
                f"{int(table.loc[o, 'b_fails_only'])} {b} only)." if fails else
                f"{o}: {a} beats {b} in {_pct(counted)} of {plural(m, 'draw')} (+- {100 * se:.1f} pp, Monte Carlo "
                "s.e.; no draw where only one path does not integrate or leaves the plausible range).")
        lines.append("- " + lead + " Among the draws where both integrate: " + res["text"]
                     + f" Median difference {table.loc[o, 'diff_median']:.4g} (90% of draws between "
                     f"{table.loc[o, 'diff_q05']:.4g} and {table.loc[o, 'diff_q95']:.4g}).")
    if "status" in ens:
        for p in ens.policy.values:
            res = failure_regions(ens, str(p), max_depth=max_depth)
            _name_parameters(res, named)
            lines.append("- " + res["text"])
    if named:
        lines.append("Parameters named above, in words: " + "; ".join(_in_words(ens, k) for k in named) + ".")
    return "\n".join(lines)


def _name_parameters(res: dict, named: dict[str, None]) -> None:
    """Add (in order) the parameters a flip or failure result names: in its regions' conditions and among its
    deciding parameters."""
    for r in res.get("regions", []):
        for name, _, _ in r.get("conditions", ()):
            named.setdefault(str(name), None)
    for k, v in res.get("importance", {}).items():
        if v > 0:
            named.setdefault(str(k), None)


def _in_words(ens: xr.Dataset, name: str) -> str:
    """``chi: crowding-in by mission public capital [dimensionless]`` from the variable's attributes (its name
    alone when it has none)."""
    attrs = ens[name].attrs if name in ens else {}
    what, units = attrs.get("long_name"), attrs.get("units")
    return name + (f": {what}" if what else "") + (f" [{units}]" if units else "")


def _scores(ens: xr.Dataset, outcome: str, a: str, b: str) -> np.ndarray:
    """Per draw, 1 where ``a`` beats ``b`` on ``outcome`` with failures counted as losses, 0 where it does not,
    NaN where the draw does not count (both members failed, or the outcome undefined for both integrated
    members): the mean is :func:`beats`' ``p_beats_failures_count``."""
    d, win = _wins(ens, outcome, a, b)
    if "status" in ens:
        fa, fb = (ens.status.sel(policy=a).values != 0), (ens.status.sel(policy=b).values != 0)
    else:
        fa = fb = np.zeros(ens.sizes["draw"], bool)
    s = np.full(d.shape, np.nan)
    both = np.isfinite(d) & ~fa & ~fb
    s[both] = win[both]
    s[fa & ~fb] = 0.0
    s[fb & ~fa] = 1.0
    return s


def scaled_range(low: float, high: float, scale: float, bounds: tuple[float | None, float | None] = (None, None)
                 ) -> tuple[float, float]:
    """A prior range scaled about its centre: width ``scale`` times the original [parameter units], clipped to the
    declared ``bounds``, and kept containing zero where the original range contains it (a mechanism that could
    be absent stays possibly absent when the range narrows).

    Examples
    --------
    >>> scaled_range(0.0, 1.0, 0.5)
    (0.0, 0.75)
    >>> scaled_range(2.0, 4.0, 1.5, bounds=(1.0, 4.5))
    (1.5, 4.5)
    """
    if not (np.isfinite(low) and np.isfinite(high) and low < high and scale > 0):
        raise ModelError(f"scaled_range needs finite low < high and a positive scale, got ({low}, {high}), {scale}")
    centre, half = 0.5 * (low + high), 0.5 * scale * (high - low)
    lo, hi = centre - half, centre + half
    if low <= 0.0 <= high:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    b_lo, b_hi = bounds
    lo, hi = (lo if b_lo is None else max(lo, b_lo)), (hi if b_hi is None else min(hi, b_hi))
    return float(lo), float(hi)


def prior_sensitivity(run: Callable[[pd.DataFrame], xr.Dataset], draws: pd.DataFrame,
                      priors: Mapping[str, tuple[float, float]], a: str, b: str, *,
                      base: xr.Dataset | None = None, outcomes: Sequence[str] | None = None,
                      scales: Sequence[float] = (0.5, 1.5),
                      bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
                      progress: bool = False) -> pd.DataFrame:
    """How the verdict moves with the assumption-only priors: p(``a`` beats ``b``, failures counted as losses) per
    outcome when each prior range is scaled about its centre.

    Method: for each parameter and scale, the base draws are reused and only that parameter's column is
    re-mapped onto the scaled range by its quantile in the original range, ``x' = lo' + (x - lo) (hi' - lo') /
    (hi - lo)`` (common random numbers: every other parameter, and the rank of this one, are those of the base
    ensemble, so the change of p is the effect of the range, not of new noise). The column must have been drawn
    uniformly over ``priors[name]``; one ensemble per setting, of ``len(draws)`` members.

    Parameters
    ----------
    run : callable
        ``run(draws) -> ensemble`` (``policy`` x ``draw``, outcomes with a ``better`` attribute, optional
        ``status``), e.g. a closure over :func:`model.ensemble`.
    draws : pandas.DataFrame
        The base draws (one column per drawn parameter).
    priors : mapping
        ``name -> (low, high)``: the assumption-only parameters to vary and their stated prior ranges
        [parameter units] (the application says which they are; each must be a column of ``draws``).
    a, b : str
        The two policy paths compared.
    base : xarray.Dataset, optional
        ``run(draws)`` when already computed (else computed here).
    outcomes : sequence of str, optional
        Outcomes (default every rankable outcome).
    scales : sequence of float
        Width factors (default x0.5 and x1.5).
    bounds : mapping, optional
        Declared bounds per name, to clip the scaled ranges.
    progress : bool
        A progress bar with the time left (tqdm) over the settings.

    Returns
    -------
    pandas.DataFrame
        One row per (``parameter``, ``scale``, ``outcome``), the base first as parameter ``"(base)"``, scale 1;
        columns ``low``, ``high`` (the range drawn), ``p`` (p beats, failures as losses), ``se`` (its
        binomial Monte Carlo standard error), ``n`` (draws counted), ``dp`` (p minus the base p) and
        ``se_dp`` (paired Monte Carlo standard error of ``dp`` over the draws counted in both).

    Raises
    ------
    ModelError
        A name of ``priors`` not among the columns of ``draws``, or a column outside its stated range.
    """
    import pandas as pd

    missing = [k for k in priors if k not in draws.columns]
    if missing:
        raise ModelError(f"prior_sensitivity: {', '.join(map(repr, missing))} not among the drawn columns; drawn: "
                         f"{', '.join(map(str, draws.columns))}")
    for k, (lo, hi) in priors.items():
        x = draws[k].to_numpy(float)
        if x.min() < lo - 1e-12 * abs(hi - lo) or x.max() > hi + 1e-12 * abs(hi - lo):
            raise ModelError(f"prior_sensitivity: draws of {k!r} span [{x.min():.4g}, {x.max():.4g}], outside its "
                             f"stated prior [{lo:.4g}, {hi:.4g}]")
    base = run(draws) if base is None else base
    check_ensemble(base, a, b)
    outs = [o for o in (outcomes or rankable(base)) if o in base]
    base_scores = {o: _scores(base, o, a, b) for o in outs}
    rows: list[dict[str, Any]] = []

    def add(name: str, scale: float, lo: float, hi: float, scores: Mapping[str, np.ndarray]) -> None:
        for o in outs:
            s, s0 = scores[o], base_scores[o]
            ok = np.isfinite(s)
            m = int(ok.sum())
            p = float(s[ok].mean()) if m else np.nan
            both = ok & np.isfinite(s0)
            k = int(both.sum())
            diff = s[both] - s0[both]
            rows.append({"parameter": name, "scale": scale, "outcome": o, "low": lo, "high": hi, "p": p,
                         "se": float(np.sqrt(p * (1 - p) / m)) if m else np.nan, "n": m,
                         "dp": p - float(np.nanmean(s0)) if m else np.nan,
                         "se_dp": float(diff.std(ddof=1) / np.sqrt(k)) if k > 1 else np.nan})

    add("(base)", 1.0, np.nan, np.nan, base_scores)
    settings = [(k, float(sc)) for k in priors for sc in scales]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(settings), desc="prior sensitivity", unit="ensemble")
    try:
        for name, sc in settings:
            lo, hi = map(float, priors[name])
            lo2, hi2 = scaled_range(lo, hi, sc, (bounds or {}).get(name, (None, None)))
            new = draws.copy()
            new[name] = lo2 + (draws[name].to_numpy(float) - lo) * (hi2 - lo2) / (hi - lo)
            ens = run(new)
            add(name, sc, lo2, hi2, {o: _scores(ens, o, a, b) for o in outs})
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    df = pd.DataFrame(rows).set_index(["parameter", "scale", "outcome"])
    df.attrs.update(a=a, b=b, method="base draws reused; the parameter's column re-mapped by its quantile onto the "
                                     "scaled range (common random numbers)")
    return df


def sensitivity_summary(table: pd.DataFrame) -> pd.DataFrame:
    """The prior-sensitivity table of :func:`prior_sensitivity` in one row per outcome: the base p and the
    setting that moves it most.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`prior_sensitivity`'s result.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``outcome`` (in the table's order); columns ``p`` and ``se`` (the base p and its Monte Carlo
        s.e.), ``n`` (draws counted), ``parameter`` and ``scale`` (the setting with the largest ``|dp|``; ties:
        the first), ``dp`` and ``se_dp`` (its change and paired s.e.), ``significant`` (``|dp|`` beyond two
        paired s.e. and at least 0.05 pp, as the text's ``*``: :func:`_moves`) and ``moved`` (the number of settings
        so marked) [probabilities as shares, not percent].

    Raises
    ------
    ModelError
        A table without the base rows.
    """
    import pandas as pd

    rows = []
    for o in dict.fromkeys(table.index.get_level_values("outcome")):
        sub = table.xs(o, level="outcome").reset_index()
        base = sub[sub["parameter"] == "(base)"]
        if base.empty:
            raise ModelError(f"sensitivity_summary: no base row for {o!r}; pass prior_sensitivity's table")
        b0, rest = base.iloc[0], sub[sub["parameter"] != "(base)"]
        sig = _moves(rest["dp"].to_numpy(float), rest["se_dp"].to_numpy(float))
        row = {"outcome": o, "p": b0["p"], "se": b0["se"], "n": int(b0["n"]), "parameter": None,
               "scale": np.nan, "dp": np.nan, "se_dp": np.nan, "significant": False, "moved": int(sig.sum())}
        if len(rest) and rest["dp"].notna().any():
            i = int(np.nanargmax(rest["dp"].abs().to_numpy(float)))
            top = rest.iloc[i]
            row.update(parameter=str(top["parameter"]), scale=float(top["scale"]), dp=float(top["dp"]),
                       se_dp=float(top["se_dp"]), significant=bool(sig[i]))
        rows.append(row)
    return pd.DataFrame(rows).set_index("outcome")


def _moves(dp: np.ndarray, se_dp: np.ndarray) -> np.ndarray:
    """Where a change of p is marked: beyond two paired standard errors and at least 0.05 pp (the table's
    resolution) [shares]."""
    with np.errstate(invalid="ignore"):
        return np.isfinite(se_dp) & (np.abs(dp) > np.maximum(2 * se_dp, 0.0005))


def sensitivity_text(table: pd.DataFrame, outcomes: Sequence[str] | None = None) -> str:
    """The prior-sensitivity table of :func:`prior_sensitivity` as plain text: first a summary line per outcome
    (:func:`sensitivity_summary`: the base p and the setting that moves it most), then per outcome the base p and,
    per parameter and scale, the range drawn, p with its Monte Carlo s.e. and the change from the base with its
    paired s.e.; changes beyond two paired standard errors (and at least 0.05 pp, the table's resolution) are
    marked ``*``."""
    a, b = table.attrs.get("a", "a"), table.attrs.get("b", "b")
    outs = list(outcomes or dict.fromkeys(table.index.get_level_values("outcome")))
    lines = [f"Prior sensitivity: p({a} beats {b}, failures counted as losses) with each assumption-only prior "
             f"range scaled about its centre (clipped to the bounds, zero kept where the range holds it); "
             f"{table.attrs.get('method', '')}. '*': change beyond 2 paired s.e. Draws where both paths fail are "
             "not counted."]
    summary = sensitivity_summary(table)
    lines.append(f"  {'outcome':<34} {'base p %':>8} {'largest move':<18} {'dp pp':>7} {'s.e.':>5} "
                 f"{'settings moved':>14}")
    for o in outs:
        r = summary.loc[o]
        move = f"{r['parameter']} x{r['scale']:g}" if r["parameter"] is not None else "-"
        lines.append(f"  {o:<34} {100 * r['p']:>8.1f} {move:<18} {100 * r['dp']:>+7.1f} {100 * r['se_dp']:>5.1f}"
                     f"{'*' if r['significant'] else ' '} {r['moved']:>13}")
    for o in outs:
        sub = table.xs(o, level="outcome").reset_index()
        p0 = sub[sub["parameter"] == "(base)"].iloc[0]
        lines.append(f"{o}: base p = {100 * p0['p']:.1f}% +- {100 * p0['se']:.1f} pp ({int(p0['n'])} draws)")
        lines.append(f"  {'parameter':<12} {'scale':>5} {'low':>11} {'high':>11} {'p %':>6} {'s.e.':>5} "
                     f"{'dp pp':>7} {'s.e.':>5}")
        for _, r in sub.iterrows():
            name, sc = str(r["parameter"]), float(r["scale"])
            if name == "(base)":
                continue
            mark = "*" if _moves(np.array([r["dp"]], float), np.array([r["se_dp"]], float))[0] else ""
            lines.append(f"  {name:<12} {sc:>5.2g} {r['low']:>11.4g} {r['high']:>11.4g} {100 * r['p']:>6.1f} "
                         f"{100 * r['se']:>5.1f} {100 * r['dp']:>+7.1f} {100 * r['se_dp']:>5.1f}{mark}")
    return "\n".join(lines)

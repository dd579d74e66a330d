r"""Electoral reversal: a policy's levers revert towards an alternative when its supporters lose an election.

Any policy can opt in, on any model that supplies a public-support stock :math:`S` (the incumbents'
expected vote share, or any index the model names with a threshold):

1. :func:`reversal_block` adds a *reversal stock* :math:`R \in [0, 1)`, a *vote stock* :math:`V` and their
   election calendar to the model: elections at :math:`t_k = t_1 + k\,\Delta` (:math:`k = 0, 1, \dots`); in a
   short window before each date the vote :math:`V` is cast (it moves to the verdict on support :math:`S`:
   1 lost, :math:`S < S^*`; 0 won), and in a window after the date a lost vote moves :math:`R` towards 1;
2. :func:`reversible` rewrites a :class:`~model.core.levers.Policy` so that each opted-in lever follows
   :math:`x = (1 - R)\,x_{policy}(t) + R\,x_{alt}(t)`, a feedback :class:`~model.core.levers.Rule`
   (the alternative is, e.g., business as usual; levers the alternative does not set keep the model's
   declared defaults).

Design choice (elections are discrete events, the integrators continuous): the engine has no event
mechanism (its integrators restart only at the kinks of scheduled inputs), so the vote and its consequence
act through smooth pulses of unit area, :math:`p_-` zero outside :math:`[t_k - w, t_k)` and :math:`p` zero
outside :math:`[t_k, t_k + w]`:

.. math::

    \dot V = k_V\,p_-(t)\,(v(S) - V), \qquad \dot R = k\,p(t)\,V\,(1 - R), \qquad
    p(t) = \tfrac{2}{w}\sin^2\!\big(\pi s/w\big)\ \text{for}\ 0 \le s < w,\ 0 \text{ otherwise},
    \qquad s = t - t_k,

(:math:`p_-` the same with :math:`s = t - t_k + w`), with both pulses 0 before the first window and after the
calendar's last, and the verdict :math:`v(S)` a smooth step, 1 for :math:`S \le S^* - \epsilon`, 0 for
:math:`S \ge S^* + \epsilon`, :math:`3z^2 - 2z^3` with :math:`z = (S^* + \epsilon - S)/(2\epsilon)` between
(continuous with its derivative; exactly 0 when support is clearly above the threshold, so nothing moves at
all). The vote is cast before the date, while the policy is fully in force, and held after it (its rate is 0
outside the windows before elections): the reversal cannot feed back on the vote that caused it. (An earlier
version read the verdict during the window after the date; a reversal that raised support within the window
then stopped itself half-way, at the support that sits on the threshold.) With :math:`k_V = \ln 10^9` a
window of unchanged verdict moves :math:`V` all but :math:`10^{-9}` of the way. The pulses are continuous
with a continuous first derivative, so the adaptive integrators step through the windows without restarts,
and where the verdict equals the vote (every election a policy wins by a clear margin) nothing moves.
Nothing moves :math:`R` before an election date: the reversal happens in the window after it. A window after
a lost vote multiplies :math:`1 - R` by exactly :math:`e^{-k}` (the pulse has unit area): with the default
:math:`k = \ln 1000` a lost election reverts 99.9% of the way. The rule is *sticky*: a reverted policy stays
reverted (its supporters lost office; a later reinstatement would be a new policy). With
``reinstate=True`` each election instead moves :math:`R` towards the vote, :math:`\dot R = k\,p\,(V - R)`,
so a policy reverted after a lost election is reinstated when support is above the threshold at a later one.

Lever paths become sympy expressions of ``t`` (:func:`path_expr`, exact for every
:class:`~model.core.levers.Schedule`); their kinks are not integrator restart points, unlike scheduled
inputs, and the adaptive step control resolves them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from ..errors import ModelError
from .blocks import Block
from .expr import as_expr
from .levers import LeverPath, Policy, Rule, Schedule, constant
from .symbols import param, stock, t

if TYPE_CHECKING:
    from .system import System

__all__ = ["DEFAULT_STRENGTH", "VOTE_STRENGTH", "election_pulse", "election_dates", "path_expr", "reversal_block",
           "reversible", "reversals"]

#: default strength ``k`` of a lost election: ``1 - R`` falls by the factor ``exp(-k) = 1/1000`` in its window
DEFAULT_STRENGTH = math.log(1000.0)
#: strength ``k_V`` of the vote: a window before the date with an unchanged verdict moves the vote all but
#: ``exp(-k_V) = 1e-9`` of the way to it
VOTE_STRENGTH = math.log(1e9)


def election_pulse(first: sp.Expr | float, interval: sp.Expr | float, window: sp.Expr | float,
                   n: int) -> sp.Expr:
    r"""The pulse :math:`p(t)` [1/year] of unit area in the window after each of ``n`` election dates.

    Parameters
    ----------
    first : float or sympy expression
        Date of the first election [year].
    interval : float or sympy expression
        Years between elections [year].
    window : float or sympy expression
        Length of the window after each election date in which the vote acts [year]; shorter than
        ``interval``.
    n : int
        Number of elections (the calendar ends after the last).

    Returns
    -------
    sympy.Expr
        :math:`\tfrac{2}{w}\sin^2(\pi s / w)` for :math:`0 \le s < w`, with :math:`s = t - t_k` the time
        since election :math:`k`, else 0 (a ``Piecewise``: the compiler has no ``floor``); its integral
        over each window is 1.
    """
    # numbers or expressions only, through the project's one conversion path (text goes to the safe reader)
    first, interval, window = (as_expr(x, what="election_pulse") for x in (first, interval, window))
    pieces = []
    for k in range(int(n)):
        s = t - first - k * interval
        pieces.append((2 / window * sp.sin(sp.pi * s / window) ** 2, sp.And(s >= 0, s < window)))
    return sp.Piecewise(*pieces, (0, True))


def election_dates(first: float, interval: float, t0: float, t1: float) -> np.ndarray:
    """Election dates [year] in ``[t0, t1]``: ``first + k interval``, ``k = 0, 1, ...``."""
    if not (interval > 0 and math.isfinite(interval) and math.isfinite(first)):
        raise ModelError(f"elections: interval must be positive and dates finite, got first={first}, "
                         f"interval={interval}")
    k = np.arange(0, max(0, math.floor((t1 - first) / interval)) + 1)
    d = first + k * interval
    return d[(d >= t0) & (d <= t1)]


def path_expr(path: LeverPath) -> sp.Expr:
    """A lever path as an exact sympy expression of time ``t``.

    A constant is its number; a ramp and a piecewise-linear path sums of clipped linear pieces
    (``Min``/``Max``); a step a ``Piecewise``; a logistic path its ``tanh`` form (no overflow for calendar
    years); a :class:`~model.core.levers.Rule` its expression.
    """
    if isinstance(path, Rule):
        return path.expr
    if not isinstance(path, Schedule):
        raise ModelError(f"path_expr: expected a Schedule or a Rule, got {type(path).__name__}")
    a = [sp.Float(x) for x in path.args]

    def unit(x0: sp.Expr, x1: sp.Expr) -> sp.Expr:
        return sp.Min(sp.Max((t - x0) / (x1 - x0), 0), 1)

    if path.kind == "constant":
        return a[0]
    if path.kind == "step":
        return sp.Piecewise((a[1], t < a[0]), (a[2], True))
    if path.kind == "ramp":
        return a[2] + (a[3] - a[2]) * unit(a[0], a[1])
    if path.kind == "logistic":
        return a[2] + (a[3] - a[2]) * (1 + sp.tanh(a[1] * (t - a[0]) / 2)) / 2
    xs, vs = [sp.Float(x) for x in path.years], [sp.Float(v) for v in path.values]
    return vs[0] + sp.Add(*[(vs[j] - vs[j - 1]) * unit(xs[j - 1], xs[j]) for j in range(1, len(xs))])


def reversal_block(support: str, *, name: str = "R", threshold: float = 0.5, first: float, interval: float,
                   last: float | None = None, window: float = 0.25, width: float = 0.005,
                   strength: float = DEFAULT_STRENGTH, reinstate: bool = False, source: str = "") -> Block:
    r"""A block with the reversal stock ``name`` driven by elections on the support variable ``support``.

    Declares the stocks ``name`` (start 0: the policy in force) and ``<name>_vote`` (the vote cast in the
    window before each election: 1 lost, 0 won; start 0) and the parameters ``<name>_threshold``,
    ``<name>_first``, ``<name>_interval``, ``<name>_window``, ``<name>_width``, ``<name>_strength``,
    ``<name>_vote_strength`` (see the module docstring for the equations and the design choice).

    Parameters
    ----------
    support : str
        Name of the model's public-support variable (a stock or auxiliary) [the threshold's units].
    name : str
        Name of the reversal stock [dimensionless].
    threshold : float
        Support below which the election is lost [units of ``support``].
    first : float
        Date of the first election [year].
    interval : float
        Years between elections [year].
    last : float, optional
        No election after this date [year] (default ``first + 100`` years).
    window : float
        Window before an election date in which the vote is cast, and after it in which it acts [year],
        shorter than ``interval``.
    width : float
        Half-width of the verdict's smooth step [units of ``support``].
    strength : float
        ``k``: a window lost in full multiplies ``1 - R`` by ``exp(-k)`` [dimensionless].
    reinstate : bool
        ``False`` (default): a reverted policy stays reverted. ``True``: each election moves ``R``
        towards its verdict, so support above the threshold at a later election reinstates the policy.
    source : str
        Where the calendar and threshold come from (kept with the parameters).

    Raises
    ------
    ModelError
        A window not shorter than the interval, or non-positive interval, window, width or strength.
    """
    if not (interval > 0 and 0 < window < interval and width > 0 and strength > 0):
        raise ModelError(f"reversal_block: need interval > window > 0, width > 0 and strength > 0; got "
                         f"interval={interval}, window={window}, width={width}, strength={strength}")
    last = first + 100.0 if last is None else float(last)
    src = source or "electoral calendar and threshold of the model (see its block)"
    R = stock(name, "dimensionless", "electoral reversal of the policy in force (0 in force, 1 reverted)",
              default=0.0, source="start: the policy in force")
    V = stock(f"{name}_vote", "dimensionless", "the last election's vote, cast before its date (1 lost, 0 won)",
              default=0.0, source="start: no election lost")
    thr = param(f"{name}_threshold", "dimensionless", "support below which an election is lost", default=threshold,
                source=src, tunable=False)
    t1 = param(f"{name}_first", "year", "date of the first election", default=first, source=src, tunable=False)
    dt = param(f"{name}_interval", "year", "years between elections", default=interval, bounds=(window, None),
               source=src, tunable=False)
    w = param(f"{name}_window", "year", "window after an election date in which the vote acts", default=window,
              bounds=(1e-3, None), source="modelling assumption: a new government's first months", tunable=False)
    eps = param(f"{name}_width", "dimensionless", "half-width of the verdict's smooth step", default=width,
                bounds=(1e-6, None), source="numerical smoothing of the vote (engine default)", tunable=False)
    k = param(f"{name}_strength", "dimensionless", "strength of a lost election (1 - R falls by exp(-k))",
              default=strength, bounds=(1e-3, None),
              source="engine default ln 1000: a lost election reverts 99.9% of the way", tunable=False)
    kV = param(f"{name}_vote_strength", "dimensionless", "strength of the vote (V moves all but exp(-k_V) of the way)",
               default=VOTE_STRENGTH, bounds=(1e-3, None),
               source="engine default ln 1e9: the vote is the verdict in the window before the date", tunable=False)
    S = sp.Symbol(support, real=True)
    z = (thr.sym + eps.sym - S) / (2 * eps.sym)
    verdict = sp.Piecewise((1, S <= thr.sym - eps.sym), (0, S >= thr.sym + eps.sym), (z * z * (3 - 2 * z), True))
    n = math.floor((last - first) / interval) + 1
    pulse, before = election_pulse(t1.sym, dt.sym, w.sym, n), election_pulse(t1.sym - w.sym, dt.sym, w.sym, n)
    rate = k.sym * pulse * ((V.sym - R.sym) if reinstate else V.sym * (1 - R.sym))
    return Block(name=f"elections ({name})", variables=(R, V, thr, t1, dt, w, eps, k, kV),
                 derivatives={name: rate, V.name: kV.sym * before * (verdict - V.sym)},
                 description=f"Electoral reversal stock {name!r}: elections every {interval:g} years from "
                             f"{first:g}; an election with {support} below {threshold:g} in the window before it "
                             "reverts the policy "
                             f"({'reinstated when support recovers' if reinstate else 'sticky'}).")


def reversible(system: System, policy: Policy, alternative: Policy | None = None, *, reversal: str = "R",
               levers: Iterable[str] | None = None, name: str | None = None) -> Policy:
    r"""``policy`` with its levers opted into electoral reversal towards ``alternative``.

    Each opted-in lever becomes the rule :math:`x = (1 - R)\,x_{policy} + R\,x_{alt}` with :math:`R` the
    model's reversal stock (:func:`reversal_block`); a lever a policy does not set takes the model's
    declared default.

    Parameters
    ----------
    system : System
        The model (it must declare the stock ``reversal``).
    policy : Policy
        The policy that may be reversed.
    alternative : Policy, optional
        What a lost election reverts to (default: no levers set, the model's defaults).
    reversal : str
        Name of the reversal stock.
    levers : iterable of str, optional
        The levers that opt in (default: every lever whose path differs between the two policies).
    name : str, optional
        Name of the new policy (default ``<policy>_durable``).

    Raises
    ------
    ModelError
        The model has no stock ``reversal``, or a named lever is not a lever of the model.
    """
    alternative = alternative or Policy("alternative")
    if reversal not in system.stocks:
        raise ModelError(f"reversible: model {system.name!r} has no reversal stock {reversal!r} (add "
                         f"reversal_block); stocks: {', '.join(system.stocks)}")

    def path(p: Policy, k: str) -> LeverPath:
        default = system.variables[k].default
        return p.levers.get(k) or constant(default if default is not None else 0.0)

    chosen = sorted(set(policy.levers) | set(alternative.levers)) if levers is None else list(levers)
    bad = [k for k in chosen if k not in system.levers]
    if bad:
        raise ModelError(f"reversible: {', '.join(map(repr, bad))} not levers of model {system.name!r}; "
                         f"levers: {', '.join(system.levers)}")
    R = sp.Symbol(reversal, real=True)
    blended = {}
    for k in chosen:
        mine, alt = path_expr(path(policy, k)), path_expr(path(alternative, k))
        if levers is None and sp.simplify(mine - alt) == 0:
            continue
        # R clipped to [0, 1]: an integrator stage may overshoot R past 1 by rounding, and a policy weight
        # below 0 would take the lever outside the segment between the two paths (a negative carbon price)
        Rc = sp.Min(sp.Max(R, 0), 1)
        blended[k] = Rule((1 - Rc) * mine + Rc * alt)
    return policy.with_levers(name or f"{policy.name}_durable", **blended)


def reversals(R: np.ndarray, times: np.ndarray, first: float, interval: float,
              window: float) -> dict[str, float | np.ndarray]:
    """Summary of a reversal path: elections lost and years the policy was in force.

    Parameters
    ----------
    R : numpy.ndarray
        Path of the reversal stock at ``times`` [dimensionless]: one path (1-D), or many with time on the
        last axis (e.g. ``(policy, draw, time)``, an ensemble's members).
    times : numpy.ndarray
        Output times [year], increasing.
    first, interval, window : float
        The election calendar [year].

    Returns
    -------
    dict
        ``reversals``: elections after whose window ``R`` rose by more than one half (from the last output
        time before the date to the first after its window);
        ``years_in_force``: the integral of ``1 - R`` over ``times`` [year];
        ``first_reversal``: date of the first such election [year] (NaN if none).
        Floats for one path; arrays of ``R``'s shape without its last axis for many, NaN for a path with
        a NaN (a failed or flagged member).
    """
    R, times = np.asarray(R, float), np.asarray(times, float)
    dates = election_dates(first, interval, times[0], times[-1] - window)
    # R at the last output time before each election and at the first after its window
    before = R[..., np.maximum(np.searchsorted(times, dates, side="right") - 1, 0)]
    after = R[..., np.minimum(np.searchsorted(times, dates + window, side="left"), times.size - 1)]
    lost = after - before > 0.5
    bad = np.isnan(R).any(axis=-1)
    n_lost = np.where(bad, np.nan, lost.sum(axis=-1).astype(float))
    first_lost = np.where(lost.any(axis=-1) & ~bad, dates[np.argmax(lost, axis=-1)] if dates.size else np.nan,
                          np.nan)
    years = np.where(bad, np.nan, np.trapezoid(1 - R, times, axis=-1))
    if R.ndim == 1:
        return {"reversals": float(n_lost), "years_in_force": float(years), "first_reversal": float(first_lost)}
    return {"reversals": n_lost, "years_in_force": years, "first_reversal": first_lost}

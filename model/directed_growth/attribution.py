"""Which flagged ensemble members collapsed under climate damages, and which failed for other reasons.

A member of an ensemble is flagged on a policy path when it has no start at rest, did not integrate to the end,
or left the plausible range (:mod:`model.solve.plausible`). Under severe damages a collapse is an outcome of the
economy, not a failure of the model: GEMMES (Bovari, Giraud & Mc Isaac 2018, Ecological Economics 147,
383-398; economics.md 7.1) finds "secular stagnation followed by collapse" near 2100 under severe damages. The
rule, stated plainly:

* ``no_start``: the draw has no start at rest (never integrated);
* ``not_integrating``: the run with damages did not integrate to the end (a stock left its bounds, the step
  size underflowed, the solver failed): a failure, whatever the run without damages does;
* ``collapsed_under_damages``: the run left the plausible range, and the same draw with climate damages switched
  off (``d_sw = 0`` from the start year on, everything else equal: the same start, the one derived at rest with
  damages for the run) integrates to the end and stays plausible on that path;
* ``implausible_without_damages``: the run left the plausible range, and so does (or fails) the same draw without
  damages: the model left its domain for other reasons;
* ``identity_violated``: the run integrated to the end but broke a declared accounting identity beyond
  ``identity_tol`` (:mod:`model.solve.identities`): a failure of the model, whatever damages do;
* ``plausible``: not flagged.

A member is *failed* when it is ``no_start``, ``not_integrating``, ``identity_violated`` or
``implausible_without_damages``. The last is
an outcome of the model's equations beyond the range where they are trusted, not a numerical failure, and it is
counted as failed so that a policy is never credited for it. Measured (issue 14, session 10; the 2,000-draw US
ensemble, seed 0, where 17 market-shaping members and none on the other paths fall in it; the same 17 with
damages off, three solver settings agreeing to 4 digits): each is a boom and bust that market shaping sets off in
draws with slow price adjustment (``eta_p`` median 0.15 against 0.36 over all members) and a weak credit brake on
autonomous demand (``psi_Z`` 0.39 against 0.61). Productive credit and the conditional support package push demand
to the labour ceiling by about 2030; at the ceiling wages outrun sluggish prices and the wage share climbs (to
0.62-0.80), the profit squeeze draws firms into the support package, and the loan rate brakes demand only through
autonomous demand; when demand falls off the ceiling, nominal wages fall at their floor faster than prices and
wage-led demand collapses (employment below 0.70 in 2068-2095). Switching off the support package or productive
credit leaves 5 of the 17, both together 1; no lever of market fixing or business as usual does this.
Collapsed members stay flagged: their outcomes are left out of the statistics as every flagged member's are,
and a collapse on one path only is a loss for that path in p(market shaping beats market fixing)
(:func:`model.analysis.discovery.beats`).

The run with damages off starts from the run's own start, not from a start re-derived without damages: the
question is whether this economy, spared the damages, stays plausible. A start re-derived at rest without damages
is another economy (a higher natural growth rate; autonomous household consumption lower by the start's damage
share of consumption, so that near the bound of ``Z_H > 0`` it may have no start at all, and a draw without a
counterfactual would be counted failed for want of one). Measured on the US joint posterior (10,000 draws, seed 0,
issue 14, session 6): the re-derived rule counted 79 business-as-usual members failed, every one because its
damages-off start did not exist. The same-start counterfactual is not at rest in the start year: every stock
equals the damaged run's (checked to 1e-12 relative), but labour productivity steps up by the start's damage share
(the employment rate falls from 0.9600 to 0.9582 in the severe test draw) and its growth by the start's damage
drag, while autonomous demand keeps the damaged path's growth; the policy rule closes the gap. The step is a
disturbance the damaged run does not have, so the rule errs towards counting a member failed, not collapsed.

Draws whose start at rest is locally unstable (:func:`stable_at_rest`) are not members: ``dgm ensemble``
truncates the prior to the region where a *stable* start at rest exists and reports the share re-drawn next to
the share without a start (:func:`model.analysis.draws.truncate_to_start`). The rule and its reason: the start
is the observed economy on its balanced path (business as usual at rest in 2025, ``start_state``); a parameter
draw under which that path repels every small deviation cannot have produced an economy observed on it, and its
comparative dynamics (the policy comparison) are meaningless: Samuelson's correspondence principle (Foundations
of Economic Analysis, 1947, ch. 9: comparative statics presuppose a stable equilibrium), applied as An &
Schorfheide (2007, Econometric Reviews 26(2-4), section 4) apply determinacy: the prior is truncated to the
region where it holds, and the truncated mass is reported. Measured on 10,000 US draws (seed 0, before this
rule): 106 of the 114 market-shaping members that failed with damages off had an unstable start (93%), against
822 of the 5,459 draws plausible on every path (15%); unstable starts have a weak investment response to the
loan rate (``gamma_r`` 3.7 against 5.3), a small autonomous-demand share (``z_T`` 0.14 against 0.19), strong
Kaldor-Verdoorn feedback (``alpha_KV`` 0.70 against 0.61), high propensities to consume (``c_w`` 0.76 against
0.71) and a weak credit channel (``psi_Z`` 0.53 against 0.62): the supermultiplier's demand feedback outruns
the monetary brake (Freitas & Serrano 2015's condition, economics.md 3, in the whole economy). Under business
as usual an unstable start is rarely left (nothing pushes the economy off its path); the policy paths push it
off, and the deviation grows. Checked by simulation (business as usual, damages off, autonomous demand 0.1%
above its start): the employment rate's deviation is larger in 2070-2100 than in 2026-2055 in 2 of 200 stable
draws, in 117 of 200 unstable ones (91 of the 109 with a largest real part above 0.01/yr). The same test at a
later date of the market-shaping path (its state in 2035, 2050 or 2070, frozen in time) does not separate the
failed draws (77-86% of plausible draws test unstable there: off the balanced path the detrending is not exact).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..solve.status import Status
from ..text import plural

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from ..core.system import System

__all__ = ["CATEGORIES", "ECONOMY_STOCKS", "FAILED", "HELD_STOCKS", "attribute", "attribution_table",
           "attribution_text", "classify", "rest_eigenvalues", "stable_at_rest"]

#: member categories, in report order: (name, words)
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("plausible", "plausible"),
    ("collapsed_under_damages", "collapsed under climate damages (plausible with damages off)"),
    ("implausible_without_damages", "failed: left the plausible range with damages off too"),
    ("not_integrating", "failed: did not integrate to the end"),
    ("identity_violated", "failed: broke an accounting identity (a Godley-table check beyond identity_tol)"),
    ("no_start", "failed: no start at rest"),
)
#: the categories counted as failed members
FAILED = ("implausible_without_damages", "not_integrating", "identity_violated", "no_start")

#: the stocks whose joint dynamics must be locally stable at the start (:func:`stable_at_rest`): the economy,
#: every stock of the model at rest in the start year (growing with output or constant; ``start_state._verify``)
#: and the policy stocks at zero under business as usual
ECONOMY_STOCKS = ("B", "C", "Cap", "INV", "K_Gm", "K_Go", "K_b", "K_g", "L_F", "L_H", "M", "N", "NW_B", "S_e",
                  "WIP_G", "Z", "a", "h", "m_RD", "omega", "phi_G", "r_cb", "s_sup")
#: stocks held on their own paths in that test, with the reason: not at rest at the start by construction
HELD_STOCKS: dict[str, str] = {
    **{x: "climate: carbon and temperature are not at rest in 2025 (they rise under business as usual); their "
          "feedback on the economy, damages, is slow and is what the collapse category attributes"
       for x in ("M_at", "M_up", "M_lo", "T_at", "T_lo")},
    **{x: "technology: knowledge, the learning curve and emission intensity move along the transition; the "
          "learning curve (Wright's law) is a positive feedback by design, a diffusion, not a departure from rest"
       for x in ("A_b", "A_g", "Q_g", "sigma_b")},
    "p_back": "exogenous: the backstop price falls on its DICE schedule",
    "N_demo": "exogenous: the demographic labour force follows its projection",
    **{x: "politics: the vote function's memory and the policies' years in force (directed_growth(politics=True))"
       for x in ("R_el", "R_el_vote", "y_m")},
}


def classify(status: np.ndarray, status_off: np.ndarray, no_start: np.ndarray) -> np.ndarray:
    """The category of each member from its status with damages and with damages off.

    Parameters
    ----------
    status : array of int
        :class:`~model.solve.status.Status` code of each member with damages (any shape).
    status_off : array of int
        Code of the same member with damages switched off (same shape; read only where ``status`` is
        :attr:`~model.solve.status.Status.IMPLAUSIBLE`).
    no_start : array of bool
        True where the draw has no start at rest (broadcast to ``status``'s shape).

    Returns
    -------
    numpy.ndarray of str
        One of the names of :data:`CATEGORIES` per member (the module's rule).
    """
    status = np.asarray(status)
    out = np.full(status.shape, "not_integrating", dtype=object)
    out[status == Status.SUCCESS] = "plausible"
    implausible = status == Status.IMPLAUSIBLE
    out[implausible & (np.asarray(status_off) == Status.SUCCESS)] = "collapsed_under_damages"
    out[implausible & (np.asarray(status_off) != Status.SUCCESS)] = "implausible_without_damages"
    out[status == Status.IDENTITY_VIOLATED] = "identity_violated"  # integrated to the end: not "not_integrating"
    out[np.broadcast_to(np.asarray(no_start, bool), status.shape)] = "no_start"
    return out.astype(str)


def rest_eigenvalues(system: System, draws: pd.DataFrame | Mapping[str, np.ndarray]) -> np.ndarray:
    """Eigenvalues of the economy's detrended Jacobian at the start at rest, per draw (business as usual).

    The compiled analytic Jacobian of :data:`ECONOMY_STOCKS` with every stock detrended by its own growth rate
    at the start and the :data:`HELD_STOCKS` held on their paths (:func:`model.analysis.stability.growth_eigenvalues`,
    its principal submatrix); the start re-derived per draw as :func:`model.ensemble` derives it.

    Parameters
    ----------
    system : System
        The directed-growth model.
    draws : DataFrame or mapping
        Drawn values by name [their units], one row per draw.

    Returns
    -------
    numpy.ndarray of complex, shape (draws, len(ECONOMY_STOCKS))
        [1/year], sorted by decreasing real part; NaN rows for draws without a start.
    """
    from ..analysis.stability import growth_eigenvalues

    stocks = [x for x in ECONOMY_STOCKS if x in system.stocks]
    return growth_eigenvalues(system, {str(k): np.asarray(v, float) for k, v in draws.items()}, stocks=stocks)


def stable_at_rest(system: System, draws: pd.DataFrame | Mapping[str, np.ndarray]) -> np.ndarray:
    """Whether each draw's start at rest is locally stable: every eigenvalue of :func:`rest_eigenvalues` has a
    real part at most :data:`model.analysis.stability.STABILITY_TOL` (1e-6/yr; the neutral directions, levels
    the model does not pin down, sit at zero to rounding). The rule for truncating the prior and its source:
    this module's docstring.

    Parameters
    ----------
    system : System
        The directed-growth model.
    draws : DataFrame or mapping
        Drawn values by name, one row per draw.

    Returns
    -------
    numpy.ndarray of bool
        False for an unstable start and for a draw without one.
    """
    from ..analysis.stability import STABILITY_TOL, max_growth_eigenvalue

    top = max_growth_eigenvalue(rest_eigenvalues(system, draws))
    return np.isfinite(top) & (top <= STABILITY_TOL)


def attribute(system: System, ens: xr.Dataset, draws: pd.DataFrame, policies: Sequence, *,
              t_span: tuple[float, float], chunk_size: int = 2500, client=None) -> xr.DataArray:
    """Classify every member of ``ens`` (this module's rule), integrating its flagged draws again with damages off.

    Parameters
    ----------
    system : System
        The directed-growth model of the ensemble.
    ens : xarray.Dataset
        The ensemble of :func:`model.ensemble` over ``policy`` and ``draw`` (its ``status``).
    draws : pandas.DataFrame
        The draws it integrated, row ``i`` for ``draw`` ``i``.
    policies : sequence of Policy
        The policies it integrated, in the order of ``ens.policy``.
    t_span : (float, float)
        Its span [year].
    chunk_size, client
        As :func:`model.ensemble`.

    Returns
    -------
    xarray.DataArray
        ``member_class`` over (``policy``, ``draw``): a name of :data:`CATEGORIES` per member.
    """
    import xarray as xr

    from ..analysis.draws import has_start
    from ..solve.ensembles import ensemble

    status = ens["status"].transpose("policy", "draw").values
    starts = has_start(system, draws)
    flagged = np.flatnonzero((status != Status.SUCCESS).any(axis=0) & starts)
    status_off = np.full(status.shape, int(Status.SUCCESS))
    if flagged.size:
        off = draws.iloc[flagged].reset_index(drop=True)
        derive = system.meta.derive_start
        if derive is not None:  # the start of the run with damages: one economy, two futures
            start = derive(system, {k: off[k].to_numpy(float) for k in off.columns})
            off = off.assign(**{k: np.broadcast_to(np.asarray(v, float), len(off)) for k, v in start.items()})
        off["d_sw"] = 0.0
        run = ensemble(system, off, list(policies), t_span=t_span, variables=(), outcomes=False,
                       consistent=False, chunk_size=chunk_size, client=client, progress=False)
        status_off[:, flagged] = run["status"].transpose("policy", "draw").values
    cls = classify(status, status_off, ~starts[None, :])
    return xr.DataArray(cls, dims=("policy", "draw"), coords={"policy": ens.policy.values, "draw": ens.draw.values},
                        name="member_class", attrs={"long_name": "member category (model.directed_growth."
                                                                 "attribution)"})


def attribution_table(member_class: xr.DataArray) -> pd.DataFrame:
    """Counts per policy (rows) of each category (columns, :data:`CATEGORIES` order), plus ``failed`` (the sum
    of :data:`FAILED`) and ``members``."""
    import pandas as pd

    rows = {}
    for p in member_class.policy.values:
        v = np.asarray(member_class.sel(policy=p).values)
        row = {name: int((v == name).sum()) for name, _ in CATEGORIES}
        row["failed"] = sum(row[k] for k in FAILED)
        row["members"] = int(v.size)
        rows[str(p)] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def attribution_text(member_class: xr.DataArray, *, limit: float = 0.01, truncated: dict | None = None) -> str:
    """Plain-text report of the categories per path, and whether failed members stay below ``limit``.

    Parameters
    ----------
    member_class : xarray.DataArray
        From :func:`attribute`.
    limit : float
        Share of failed members accepted on any path [dimensionless] (the issue's 1%).
    truncated : dict, optional
        The draw table's ``attrs`` with ``no_start_share``, ``no_start_redrawn`` and ``no_start_candidates``,
        and ``unstable_share`` and ``unstable_redrawn`` when the draws were truncated to a stable start
        (:func:`model.analysis.draws.truncate_to_start`): reported when given.
    """
    table = attribution_table(member_class)
    lines = ["Members by category (a flagged member 'collapsed under climate damages' if the same draw with damages "
             "switched off, d_sw = 0, from the same start stays plausible on that path; GEMMES, Bovari, Giraud & "
             "Mc Isaac 2018: collapse under severe damages is an outcome; every other flagged member is failed):"]
    for p, row in table.iterrows():
        n = row["members"]
        parts = [f"{words} {row[name]} ({100 * row[name] / n:.2f}%)" for name, words in CATEGORIES]
        lines.append(f"- {p}: " + "; ".join(parts) + f". Failed in all: {row['failed']} of {n} "
                     f"({100 * row['failed'] / n:.2f}%).")
    worst = float((table["failed"] / table["members"]).max())
    verdict = "holds" if worst < limit else "does NOT hold"
    lines.append(f"Failed members below {100 * limit:g}% on every path: {verdict} (largest share "
                 f"{100 * worst:.2f}%, {table['failed'].idxmax()}).")
    n = int(table["members"].iloc[0])
    if truncated and "no_start_share" in truncated:
        lines.append(f"Draws without a start at rest: {int(truncated['no_start_redrawn'])} of the first "
                     f"{plural(n, 'draw')} ({100 * truncated['no_start_share']:.2f}%) were re-drawn: the prior is "
                     "truncated to the region where a start at rest exists (An & Schorfheide 2007; "
                     f"{plural(int(truncated['no_start_candidates']), 'candidate')} drawn in all).")
    if truncated and "unstable_share" in truncated:
        lines.append(f"Draws whose start at rest is locally unstable: {int(truncated['unstable_redrawn'])} of the "
                     f"first {plural(n, 'draw')} ({100 * truncated['unstable_share']:.2f}%) were re-drawn: the "
                     "prior is truncated to the region where the start at rest is locally stable (every eigenvalue "
                     "of the economy's detrended Jacobian with a real part at most 1e-6/yr; Samuelson's "
                     "correspondence principle, applied as An & Schorfheide 2007 apply determinacy; "
                     "model.directed_growth.attribution). These draws are not members; without this truncation "
                     "most failed members would be among them.")
    return "\n".join(lines)

"""The free shifters left in the directed-growth model, and the policy comparison with them at zero.

A *free shifter* is a parameter whose size is a modelling assumption (no estimate behind it) and that
moves one policy path's instruments directly: a referee who doubts it can set it to zero. Issue 13's
referee found that three such shifters (procurement, standards and mission capital in the green-share
logit) decided the emissions ranking; they are gone, and the instruments now act through booked flows,
quantities and costs. The shifters that remain are listed in :data:`FREE_SHIFTERS`, each with a prior
that includes zero (:data:`~model.directed_growth.priors.PRIORS`). :func:`compare_both_ways` runs the
policy paths with them as given and at zero, and reports which path each outcome ranks first both ways.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["FREE_SHIFTERS", "INSTRUMENTS", "SHIFTER_OUTCOMES", "at_zero", "compare_both_ways",
           "instrument_contributions"]

#: parameter -> the channel it shifts (the instrument it belongs to)
FREE_SHIFTERS: dict[str, str] = {
    "chi": "crowding-in of private investment by mission public capital (market shaping's mission investment; "
           "sign from Deleidi & Mazzucato 2021, size assumed)",
    "kappa_M": "clean knowledge per unit of mission R&D (market shaping's mission R&D; size assumed)",
    "d_P": "cut of the green financing rate by guaranteed public demand (market shaping's procurement; size "
           "assumed)",
    "alpha_A": "labour productivity per unit of knowledge growth (every research instrument; size assumed)",
    "eps_S": "private research per unit of the untargeted R&D subsidy (the untargeted subsidy; size assumed)",
    "xi": "share of private investment by credit-constrained firms, which the productive credit share f_prod "
          "allocates credit to (market shaping's credit policy; size assumed)",
}

#: instrument -> the levers that make it (the reference paths' instruments, :mod:`~model.directed_growth.policies`)
INSTRUMENTS: dict[str, tuple[str, ...]] = {
    "carbon price": ("carbon_price",),
    "carbon dividend": ("carbon_dividend",),
    "clean research subsidy": ("clean_rd_subsidy",),
    "untargeted R&D subsidy": ("rd_subsidy",),
    "fiscal rule / public investment": ("i_G",),
    "mission direction": ("mission_share",),
    "capability": ("i_cap",),
    "green procurement": ("procurement",),
    "conditional support": ("support_rate", "payout_cap", "reinvest_floor", "emission_std", "wage_floor",
                            "equity_stake"),
    "productive credit": ("f_prod",),
}

#: outcomes the comparison reports (names of :data:`~model.directed_growth.outcomes.OUTCOMES`)
SHIFTER_OUTCOMES = ("avg_growth", "cum_emissions_domestic", "T_end", "employment_mean", "wage_share_mean",
                    "public_debt_end")


def at_zero(names: Sequence[str] | None = None) -> dict[str, float]:
    """Overrides setting the free shifters ``names`` (all of :data:`FREE_SHIFTERS` by default) to zero.

    Raises
    ------
    ValueError
        If a name is not a free shifter (the message lists them).
    """
    names = tuple(FREE_SHIFTERS) if names is None else tuple(names)
    unknown = [n for n in names if n not in FREE_SHIFTERS]
    if unknown:
        raise ValueError(f"not a free shifter: {', '.join(unknown)} (choose from {', '.join(FREE_SHIFTERS)})")
    return {n: 0.0 for n in names}


def compare_both_ways(*, country: str | None = None, params: Mapping[str, float] | None = None,
                      outcomes: Sequence[str] = SHIFTER_OUTCOMES, t_end: float = 2100.0,
                      first: str = "market_shaping", second: str = "market_fixing"):
    """The reference paths' outcomes with the free shifters as given and all at zero, and the ranking.

    Each way rebuilds the model (``directed_growth(country=..., overrides=...)``) so that the start is
    at rest under its own values, and runs business as usual, market fixing and market shaping to
    ``t_end`` [year].

    Parameters
    ----------
    country : str, optional
        ``"USA"`` or ``"GBR"`` (the factory's default when None).
    params : mapping, optional
        Parameter values [their declared units] (e.g. a calibration file's), applied both ways; the
        shifters' own values here are the "as given" way's.
    outcomes : sequence of str
        Outcome names of :data:`~model.directed_growth.outcomes.OUTCOMES`.
    t_end : float
        End year [year].
    first, second : str
        The two paths whose ranking is reported.

    Returns
    -------
    pandas.DataFrame
        One row per (``shifters`` in {"as given", "at zero"}, ``outcome``), with a column per policy
        (the outcome in its units), ``better`` (the name of ``first`` or ``second``, whichever the outcome
        ranks better by its declared direction; "tie" if equal) and ``flipped`` (True on the "at zero"
        rows whose ranking differs from the "as given" one).

    Raises
    ------
    ValueError
        If an outcome is unknown or has no better direction.
    """
    import numpy as np
    import pandas as pd

    from ..solve.simulation import simulate
    from .factory import directed_growth
    from .outcomes import OUTCOMES, outcome_metrics

    for name in outcomes:
        if name not in OUTCOMES or OUTCOMES[name].better not in ("higher", "lower"):
            raise ValueError(f"outcome {name!r} is not a ranked outcome (choose from "
                             f"{', '.join(k for k, o in OUTCOMES.items() if o.better and not o.experiment)})")
    rows = []
    for way, extra in (("as given", {}), ("at zero", at_zero())):
        system = directed_growth(country=country, overrides={**dict(params or {}), **extra})
        names = ("bau", first, second) if "bau" not in (first, second) else (first, second)
        paths = [system.meta.policy_path(n).factory() for n in names]
        start = system.meta.t_span[0]
        ds = simulate(system, None, paths, t_span=(start, t_end), t_eval=np.arange(start, t_end + 0.5, 1.0))
        metrics = outcome_metrics(ds)
        for name in outcomes:
            values = {p: float(metrics[name].sel(policy=p)) for p in names}
            a, b = values[first], values[second]
            sign = 1.0 if OUTCOMES[name].better == "higher" else -1.0
            better = "tie" if a == b else (first if sign * (a - b) > 0 else second)
            rows.append({"shifters": way, "outcome": name, **values, "better": better})
    table = pd.DataFrame(rows)
    given = table[table.shifters == "as given"].set_index("outcome").better
    table["flipped"] = [r.shifters == "at zero" and r.better != given[r.outcome] for r in table.itertuples()]
    return table


def instrument_contributions(system, policy, *, outcomes: Sequence[str] = SHIFTER_OUTCOMES,
                             instruments: Mapping[str, Sequence[str]] | None = None, t_end: float = 2100.0):
    """Each instrument's contribution to a policy's outcomes: the outcome under ``policy`` less the outcome
    under ``policy`` without that instrument (its levers back at business as usual's values, the model's
    lever defaults).

    With the free shifters at zero (build ``system`` with :func:`at_zero` overrides) the contributions are
    the instruments' modelled strength: what each does through booked flows, quantities and costs.

    Parameters
    ----------
    system : model.core.system.System
        The directed-growth model (its lever defaults are business as usual).
    policy : model.core.levers.Policy
        The policy path; instruments it does not set are skipped.
    outcomes : sequence of str
        Outcome names of :data:`~model.directed_growth.outcomes.OUTCOMES`.
    instruments : mapping, optional
        Instrument name -> lever names (default :data:`INSTRUMENTS`).
    t_end : float
        End year [year].

    Returns
    -------
    pandas.DataFrame
        One row per instrument the policy sets (index ``instrument``), one column per outcome [the outcome's
        units], plus a row ``total`` (the policy less business as usual). Contributions need not add up to the
        total: the instruments interact.

    Raises
    ------
    ValueError
        If an outcome or an instrument's lever is unknown.
    """
    import numpy as np
    import pandas as pd

    from ..core.levers import Policy
    from ..solve.simulation import simulate
    from .outcomes import OUTCOMES, outcome_metrics

    instruments = dict(INSTRUMENTS if instruments is None else instruments)
    unknown = [n for n in outcomes if n not in OUTCOMES] + [lv for levers in instruments.values() for lv in levers
                                                            if lv not in system.levers]
    if unknown:
        raise ValueError(f"unknown outcome or lever: {', '.join(unknown)}")
    used = {k: tuple(lv for lv in v if lv in policy.levers) for k, v in instruments.items()}
    used = {k: v for k, v in used.items() if v}
    variants = [Policy("bau"), policy.with_levers(name="with all")] + [
        Policy(f"without {k}", policy.description, **{lv: p for lv, p in policy.levers.items() if lv not in v})
        for k, v in used.items()]
    start = system.meta.t_span[0] if system.meta.t_span else 0.0
    ds = simulate(system, None, variants, t_span=(start, t_end), t_eval=np.arange(start, t_end + 0.5, 1.0))
    metrics = outcome_metrics(ds)
    rows = {}
    for k in used:
        rows[k] = {o: float(metrics[o].sel(policy="with all") - metrics[o].sel(policy=f"without {k}"))
                   for o in outcomes}
    rows["total"] = {o: float(metrics[o].sel(policy="with all") - metrics[o].sel(policy="bau")) for o in outcomes}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("instrument")

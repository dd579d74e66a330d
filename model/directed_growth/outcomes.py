"""The outcomes of the directed-growth model: one registry (:data:`OUTCOMES`) holding each
outcome's description, units, better direction, display label and scale, needed paths and
computation; the public-investment impulse response behind the multipliers.

Adding an outcome is one :class:`~model.core.metadata.Outcome` entry here: ensembles compute it
per member, :func:`compare` tabulates it, scenario discovery ranks it, and the outcome table and
uncertainty figures label it from this entry.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.levers import Policy, Rule, constant, piecewise
from ..core.metadata import Outcome, OutcomeContext
from ..errors import ModelError

__all__ = ["OUTCOMES", "DURABILITY", "NEEDED", "durable_policies", "MULTIPLIER_HORIZONS", "compare",
           "compare_policies", "cumulative_multiplier", "display", "impulse_response", "impulse_responses", "in_force",
           "PURCHASES", "SHOCKS", "NORMALISE", "shock_runs",
           "label_outcomes", "OVERHEAT_INFLATION", "OVERHEAT_LAM_GAP", "OVERHEAT_LONG", "overheating_text",
           "outcome_metrics", "yearly_means"]

_END, _START = {"time": -1}, {"time": 0}


def _years(ds) -> float:
    t = ds.time.values
    return float(t[-1] - t[0])


def _avg_growth(ds, ctx):
    return np.log(ds["Y"].isel(_END) / ds["Y"].isel(_START)) / _years(ds)


def _private_investment_rate(ds, ctx):
    return ds["h_eff"].mean("time", skipna=False)


def _private_investment_change(ds, ctx):
    import xarray as xr

    pir = _private_investment_rate(ds, ctx)
    if "policy" in pir.dims and ctx.baseline in pir.policy.values:
        return 100 * (pir - pir.sel(policy=ctx.baseline, drop=True))
    return xr.full_like(pir, np.nan)


def _wage_share_mean(ds, ctx):
    return ds["omega"].mean("time", skipna=False)


def _wage_share_end(ds, ctx):
    return ds["omega"].isel(_END)


def _employment_mean(ds, ctx):
    return ds["lam"].mean("time", skipna=False)


def _cum_emissions(ds, ctx):
    import xarray as xr

    return xr.apply_ufunc(np.trapezoid, ds["E_dom"], input_core_dims=[["time"]], kwargs={"x": ds.time.values})


def _emission_intensity_end(ds, ctx):
    return ds["e_int"].isel(_END)


def _in_2050(name: str, ds, ctx):
    """``ds[name]`` in 2050 (NaN when the run does not reach it)."""
    import xarray as xr

    t = ds.time.values
    return ds[name].sel(time=2050) if t[0] <= 2050 <= t[-1] else xr.full_like(ds[name].isel(_END), np.nan)


def _time_mean(da, ds):
    """The time average of ``da`` over the run, the trapezoid integral over the saved times divided by the span
    (exact for paths linear between saved times, on any grid; NaN where a member's path is NaN)."""
    import xarray as xr

    return xr.apply_ufunc(np.trapezoid, da, input_core_dims=[["time"]], kwargs={"x": ds.time.values}) / _years(ds)


def _share_mean(flow: str, ds, ctx):
    """Mean over the period of the flow ``flow`` per unit of output [share of output]."""
    return _time_mean(ds[flow] / ds["Y"], ds)


def _mean_of(name: str, ds, ctx):
    """Mean of ``ds[name]`` over the period (:func:`_time_mean`)."""
    return _time_mean(ds[name], ds)


def _rd_clean_cost_mean(ds, ctx):
    import xarray as xr

    # the R&D subsidies paid, S_rd = (rd_subsidy + q r_RD rho_R s_g) Y, less the untargeted part (technology block);
    # exactly zero where no clean research subsidy q is offered (not the difference's rounding)
    clean = xr.where(ds["clean_rd_subsidy"] != 0, ds["S_rd"] / ds["Y"] - ds["rd_subsidy"], 0.0 * ds["Y"])
    return _time_mean(clean, ds)


def _green_procurement_mean(ds, ctx):
    return _time_mean(ds["procurement"] * ds["G_C"] / ds["Y"], ds)


def _green_share_end(name: str, ds, ctx):
    return ds[name].isel(_END)


def _income_growth(name: str, ds, ctx):
    """Average growth of the income ``ds[name]`` [1/year] over the run (NaN where it is not positive at both ends:
    a log growth rate needs positive levels)."""
    import xarray as xr

    ratio = ds[name].isel(_END) / ds[name].isel(_START)
    with np.errstate(invalid="ignore", divide="ignore"):
        return xr.where(ratio > 0, np.log(ratio.where(ratio > 0)), np.nan) / _years(ds)


def _T_end(ds, ctx):
    return ds["T_at"].isel(_END)


def _net_zero_year(ds, ctx):
    import xarray as xr

    E = ds["E_dom"]
    below = E < 0.05 * E.isel(_START)
    first = below.argmax("time")
    return xr.where(below.any("time"), xr.DataArray(ds.time.values, dims="time").isel(time=first), np.nan)


def _public_debt_end(ds, ctx):
    return ds["b"].isel(_END)


def _private_debt_end(ds, ctx):
    return ds["d"].isel(_END)


def _household_debt_end(ds, ctx):
    return ds["d_H"].isel(_END)


def _public_fund_end(ds, ctx):
    return (ds["F_pub"] / ds["Y"]).isel(_END)


#: annual-mean price inflation above which a year counts as overheated [1/year]: a modelling choice, 2.5 times a
#: 2%/yr inflation target (the model's monetary rule is neutral at the start's inflation ``i_ref``)
OVERHEAT_INFLATION = 0.05
#: distance below the maximum employment rate ``lam_max`` within which a year's mean employment rate counts as
#: overheated [dimensionless, 0.005 = 0.5 pp]: a modelling choice; there the supply ceiling
#: :math:`Y_L = \lambda_{max} a N` (supply block) binds and the demand it leaves unmet raises inflation (labour block)
OVERHEAT_LAM_GAP = 0.005
#: years of overheating the ensemble report counts as a long spell [year] (:func:`overheating_text`)
OVERHEAT_LONG = 20


def yearly_means(da, ds):
    r"""Means of ``da`` over each whole year of the run, :math:`[t_0 + k, t_0 + k + 1)` for every ``k`` with
    :math:`t_0 + k + 1 \le t_{end}`, on a new dimension ``year`` (coordinate :math:`t_0 + k` [year]).

    The path is taken as linear between the saved times (the trapezoid rule, exact for such paths on any grid;
    on a yearly grid year *k*'s mean is :math:`(x_k + x_{k+1})/2`). A year with a NaN anywhere in it (a failed
    member's path after its failure) has a NaN mean.
    """
    import xarray as xr

    t = np.asarray(ds.time.values, float)
    edges = t[0] + np.arange(int(np.floor(t[-1] - t[0] + 1e-9)) + 1)
    # the saved time before each edge (an edge on a saved time: the one before it, so that a year's integral reads
    # no value after its end, which may be NaN: a failure)
    j = np.clip(np.searchsorted(t, edges, side="left") - 1, 0, max(t.size - 2, 0))

    def means(x):
        if t.size < 2 or edges.size < 2:
            return np.empty(x.shape[:-1] + (0,))
        step = np.diff(t)
        cum = np.concatenate([np.zeros(x.shape[:-1] + (1,)), np.cumsum(0.5 * step * (x[..., 1:] + x[..., :-1]),
                                                                        axis=-1)], axis=-1)
        h = edges - t[j]  # from the saved time before each edge: the linear path's integral up to the edge
        slope = (x[..., j + 1] - x[..., j]) / step[j]
        at = np.where(h > 0, cum[..., j] + h * (x[..., j] + 0.5 * slope * h), cum[..., j])
        return np.diff(at, axis=-1) / np.diff(edges)

    out = xr.apply_ufunc(means, da, input_core_dims=[["time"]], output_core_dims=[["year"]],
                         exclude_dims={"time"})
    return out.assign_coords(year=edges[:-1])


def _overheating_years(ds, ctx):
    """Years of the run overheated [year]: whole years (:func:`yearly_means`) with annual-mean inflation above
    :data:`OVERHEAT_INFLATION` (5%/yr) or annual-mean employment rate at least ``lam_max`` -
    :data:`OVERHEAT_LAM_GAP` (within 0.5 pp of the run's, each member's, ``lam_max``); a year meeting both counts
    once; NaN where a year's mean is undefined (a failed member) or the run holds no whole year.

    Both thresholds are modelling choices, not estimates: 5%/yr is 2.5 times a 2%/yr inflation target; within
    0.5 pp of ``lam_max`` the employment rate is pinned at the supply ceiling (supply block), where unmet demand
    shows in inflation instead (labour block). The plausible ranges (``factory.PLAUSIBLE``) flag neither.
    """
    infl, lam = yearly_means(ds["inflation"], ds), yearly_means(ds["lam"], ds)
    hot = (infl > OVERHEAT_INFLATION) | (lam >= ds["lam_max"] - OVERHEAT_LAM_GAP)
    whole = (infl.notnull() & lam.notnull()).all("year") & (infl.sizes["year"] > 0)
    return hot.sum("year").astype(float).where(whole)


def overheating_text(ens, long: int = OVERHEAT_LONG) -> str:
    """Plain-text lines of an ensemble's overheating, one per path: the share of the plausible members
    (``overheating_years`` defined: integrated to the end, not flagged) with ``long`` [year] or more overheated
    years, and the median of their overheated years."""
    from ..text import plural

    o = OUTCOMES["overheating_years"]
    lines = [f"Overheating (years with annual-mean inflation above {100 * OVERHEAT_INFLATION:g}%/yr or employment "
             f"within {100 * OVERHEAT_LAM_GAP:g} pp of its maximum lam_max; {o.name}, among the plausible members):"]
    for p in ens.policy.values:
        v = np.asarray(ens[o.name].sel(policy=p).values, float)
        v = v[np.isfinite(v)]
        if not v.size:
            lines.append(f"- {p}: no plausible member.")
            continue
        lines.append(f"- {p}: {long} years or more in {int((v >= long).sum())} of {plural(v.size, 'member')} "
                     f"({100 * float(np.mean(v >= long)):.2f}%); median {float(np.median(v)):g} years.")
    return "\n".join(lines)


def in_force(policy: Policy, t_span: tuple[float, float], step: float = 0.05) -> Policy:
    """``policy`` as enacted: a durable policy's levers (:func:`model.directed_growth.policies.durable`) with
    the reversal stock at 0, as schedules where they depend on time only.

    A lever rule naming the reversal stock ``R_el`` is :math:`(1 - R) x_{policy}(t) + R x_{alt}(t)`; at
    :math:`R = 0` it is the policy's own path. A path of time only becomes a piecewise-linear schedule through
    its values every ``step`` years over ``t_span`` [year] (every kink of a ramp or piecewise-linear path on
    whole years is a node, so those are exact; a logistic path is within ``step**2`` of its curvature);
    points on a straight line are dropped. A path that still depends on the state (a fiscal rule) stays a
    rule. Schedules are inputs of the compiled model, rules are equations: the impulse responses of a
    durable policy then reuse the model's compiled functions instead of compiling one set per policy.
    """
    import sympy as sp

    from ..core.symbols import t
    from .mechanisms.politics import REVERSAL

    R = sp.Symbol(REVERSAL, real=True)
    a, b = map(float, t_span)
    grid = np.union1d(np.linspace(a, b, int(round((b - a) / step)) + 1), np.arange(np.ceil(a), np.floor(b) + 1))
    levers: dict[str, object] = {}
    for name, expr in policy.rules.items():
        if R not in expr.free_symbols:
            continue
        path = expr.subs(R, 0)
        if path.free_symbols - {t}:
            levers[name] = Rule(path)
        elif t not in path.free_symbols:
            levers[name] = constant(float(path))
        else:
            y = np.broadcast_to(np.asarray(sp.lambdify(t, path, modules="numpy")(grid), float), grid.shape)
            keep = np.ones(grid.size, bool)  # drop the interior points on the line through their neighbours
            x0, x1, x2, y0, y1, y2 = grid[:-2], grid[1:-1], grid[2:], y[:-2], y[1:-1], y[2:]
            keep[1:-1] = np.abs(y0 + (y2 - y0) * (x1 - x0) / (x2 - x0) - y1) > 1e-12 * (1 + np.abs(y1))
            levers[name] = piecewise(grid[keep], y[keep])
    return policy.with_levers(**levers) if levers else policy


def _multiplier(horizon: int, ds, ctx: OutcomeContext):
    """The impulse response at ``horizon`` years per policy of ``ds`` (one response per policy,
    shared by the horizons through ``ctx.cache``). A durable policy's response is that of the policy as
    enacted (:func:`in_force`): the multiplier is the economy's, electoral reversal is reported apart."""
    import xarray as xr

    pols = _policy_names(ds)
    t0 = float(ds.time.values[0])
    values = []
    for name, policy in zip(pols, ctx.policies or [None] * len(pols)):
        if policy is not None:
            policy = in_force(policy, (t0, t0 + 22.0))
        if policy is not None and isinstance(policy.levers.get("i_G"), Rule):
            policy = policy.with_levers(i_G=ctx.system["i_G"].default)  # the rule is not a schedule: hold it
        key = ("impulse_response", name)
        if key not in ctx.cache:
            ctx.cache[key] = impulse_response(ctx.system, ctx.params, policy, t_span=(t0, t0 + 22.0),
                                              horizons=MULTIPLIER_HORIZONS, exogenous=ctx.exogenous)
        values.append(ctx.cache[key][horizon])
    return xr.DataArray(values, dims="policy", coords={"policy": pols})


def durable_policies(ds) -> list[str]:
    """Policies of a result whose levers opted into electoral reversal (a feedback rule naming the reversal
    stock ``R_el``, :func:`model.directed_growth.policies.durable`)."""
    import json
    import re

    from .mechanisms.politics import REVERSAL

    found: set[str] = set()
    pattern = re.compile(rf"\b{REVERSAL}\b")
    for var in ds.data_vars.values():
        if var.attrs.get("kind") == "lever" and "feedback_rules" in var.attrs:
            found.update(p for p, text in json.loads(var.attrs["feedback_rules"]).items() if pattern.search(text))
    return [p for p in _policy_names(ds) if p in found]


def _opted_in(ds, ctx) -> set[str]:
    """Names of the policies whose levers follow a rule naming the reversal stock: from the policies of
    ``ctx`` when it has them (an ensemble's chunk), else from the result's lever attributes."""
    from .mechanisms.politics import REVERSAL

    if ctx is not None and ctx.policies:
        return {p.name for p in ctx.policies if p is not None
                and any(REVERSAL in {s.name for s in e.free_symbols} for e in p.rules.values())}
    return set(durable_policies(ds))


def _durability(key: str, ds, ctx):
    """Reversal summary (:func:`model.core.elections.reversals`) per policy (and per member of an ensemble);
    NaN for policies not opted in and for failed or flagged members. The calendar comes from ``ds`` (a run's
    parameters) or else from the model of ``ctx`` (an ensemble's paths carry no parameters)."""
    import xarray as xr

    from ..core.elections import reversals
    from .mechanisms.politics import REVERSAL

    names = [f"{REVERSAL}_{k}" for k in ("first", "interval", "window")]
    calendar = [float(ds[n]) if n in ds else float(ctx.system.variables[n].default) for n in names]
    R = ds[REVERSAL]
    value = xr.DataArray(reversals(R.values, R["time"].values, *calendar)[key],
                         dims=[d for d in R.dims if d != "time"],
                         coords={d: R[d] for d in R.dims if d != "time" and d in R.coords})
    if "policy" not in R.dims:
        return value if _policy_names(ds)[0] in _opted_in(ds, ctx) else xr.full_like(value, np.nan)
    opted = xr.DataArray([p in _opted_in(ds, ctx) for p in _policy_names(ds)], dims="policy",
                         coords={"policy": _policy_names(ds)})
    return value.where(opted)


#: outcomes of policies that opted into electoral reversal (:func:`compare_policies` adds them when a result
#: has such a policy; NaN for the others)
DURABILITY: dict[str, Outcome] = {o.name: o for o in (
    Outcome("years_in_force", "years the policy was in force (integral of 1 - R_el)", "year", "higher",
            "Years in force", 1.0, ("R_el",), functools.partial(_durability, "years_in_force")),
    Outcome("reversals", "elections lost with the policy reverted (R_el rising by more than one half)", "1", "lower",
            "Electoral reversals", 1.0, ("R_el",), functools.partial(_durability, "reversals"),
            display_units="elections"),
    Outcome("first_reversal", "date of the first electoral reversal (NaN: none)", "year", None,
            "First reversal", 1.0, ("R_el",), functools.partial(_durability, "first_reversal")),
)}


#: the horizons [years after the shock] of the multiplier outcomes
MULTIPLIER_HORIZONS = (0, 1, 4, 10, 20)

#: the outcome registry, in table order
OUTCOMES: dict[str, Outcome] = {o.name: o for o in (
    Outcome("avg_growth", "average output growth over the period", "1/year", "higher", "Average output growth",
            100.0, ("Y",), _avg_growth, display_units="%/yr", summary=True),
    Outcome("private_investment_rate", "average private investment share of output", "1", "higher",
            "Private investment share (mean)", 100.0, ("h_eff",), _private_investment_rate,
            display_units="% of output", summary=True),
    Outcome("private_investment_change_vs_bau", "change of the average private investment share versus BAU "
            "(crowding in > 0)", "percentage points", "higher", "Private investment share vs BAU", 1.0, ("h_eff",),
            _private_investment_change, display_units="pp"),
    *(Outcome(f"multiplier_{k}y", f"output effect of a +1 pp of GDP public investment step, year {k} after the shock "
              "(mean over the year)", "% of output per pp", None, f"Public investment multiplier, year {k}", 1.0, (),
              functools.partial(_multiplier, k), display_units="% per pp", experiment=True)
      for k in MULTIPLIER_HORIZONS),
    Outcome("wage_share_mean", "average wage share", "1", "higher", "Wage share (mean)", 100.0, ("omega",),
            _wage_share_mean, display_units="% of output", summary=True),
    Outcome("wage_share_end", "wage share at the end", "1", "higher", "Wage share (end)", 100.0, ("omega",),
            _wage_share_end, display_units="% of output"),
    Outcome("employment_mean", "average employment rate", "1", "higher", "Employment rate (mean)", 100.0,
            ("lam",), _employment_mean, display_units="%", summary=True),
    Outcome("overheating_years", f"years of the run with annual-mean inflation above {OVERHEAT_INFLATION:g}/yr or "
            f"annual-mean employment rate within {OVERHEAT_LAM_GAP:g} of its maximum lam_max (thresholds: modelling "
            "choices; outcomes.OVERHEAT_INFLATION, OVERHEAT_LAM_GAP)", "year", "lower", "Overheated years", 1.0,
            ("inflation", "lam"), _overheating_years, display_units="years", parameters=("lam_max",)),
    Outcome("cum_emissions_domestic", "cumulative domestic industrial CO2 emissions", "GtCO2", "lower",
            "Cumulative domestic emissions", 1.0, ("E_dom",), _cum_emissions, summary=True),
    Outcome("emission_intensity_end", "emission intensity of output at the end", "GtCO2/TUSD", "lower",
            "Emission intensity (end)", 1.0, ("e_int",), _emission_intensity_end),
    Outcome("T_2050", "warming in 2050", "delta_degC", "lower", "Warming in 2050", 1.0, ("T_at",),
            functools.partial(_in_2050, "T_at"), summary=True),
    Outcome("T_end", "warming at the end", "delta_degC", "lower", "Warming (end)", 1.0, ("T_at",), _T_end,
            summary=True),
    Outcome("net_zero_year", "first year domestic emissions fall below 5% of their start value", "year", "lower",
            "Year emissions < 5% of 2025", 1.0, ("E_dom",), _net_zero_year, display_units="year"),
    Outcome("public_debt_end", "public debt to output at the end", "year", "lower", "Public debt (end)", 100.0,
            ("b",), _public_debt_end, display_units="% of output", summary=True),
    Outcome("private_debt_end", "firm debt (bank loans) to output at the end; negative: firms are net lenders",
            "year", "lower", "Firm debt (end)", 100.0, ("d",), _private_debt_end, display_units="% of output",
            summary=True),
    Outcome("household_debt_end", "household debt (bank loans) to output at the end", "year", "lower",
            "Household debt (end)", 100.0, ("d_H",), _household_debt_end, display_units="% of output"),
    Outcome("public_fund_end", "public equity fund to output at the end", "year", None, "Public equity fund (end)",
            100.0, ("F_pub", "Y"), _public_fund_end, display_units="% of output"),
    Outcome("green_output_share_2050", "green (clean) sector's share of output in 2050 (emissions block: installed "
            "capital x AABH's relative output per unit of capital)", "1", "higher", "Green share of output (2050)",
            100.0, ("y_g",), functools.partial(_in_2050, "y_g"), display_units="%", summary=True),
    Outcome("green_output_share_end", "green (clean) sector's share of output at the end", "1", "higher",
            "Green share of output (end)", 100.0, ("y_g",), functools.partial(_green_share_end, "y_g"),
            display_units="%"),
    Outcome("green_investment_share_2050", "green share of new private capacity (investment) in 2050", "1", "higher",
            "Green share of investment (2050)", 100.0, ("x_g",), functools.partial(_in_2050, "x_g"),
            display_units="%", summary=True),
    # public cost of each instrument: the flows booked in the government's account, time averages over the period
    Outcome("support_cost_mean", "public cost of conditional support (subsidy paid to firms), mean over the "
            "period", "1", None, "Public cost: conditional support (mean)", 100.0, ("S_sup", "Y"),
            functools.partial(_share_mean, "S_sup"), display_units="% of output"),
    Outcome("rd_untargeted_cost_mean", "public cost of the untargeted R&D subsidy (paid as a share rd_subsidy of "
            "output), mean over the period", "1", None, "Public cost: untargeted R&D subsidy (mean)", 100.0,
            ("rd_subsidy",), functools.partial(_mean_of, "rd_subsidy"),
            display_units="% of output"),
    Outcome("rd_clean_cost_mean", "public cost of the clean research subsidy (paid on clean research spending), "
            "mean over the period", "1", None, "Public cost: clean research subsidy (mean)", 100.0,
            ("S_rd", "rd_subsidy", "clean_rd_subsidy", "Y"), _rd_clean_cost_mean, display_units="% of output"),
    Outcome("carbon_revenue_mean", "carbon tax revenue (a negative public cost), mean over the period", "1", None,
            "Carbon tax revenue (mean)", 100.0, ("T_c", "Y"), functools.partial(_share_mean, "T_c"),
            display_units="% of output"),
    Outcome("carbon_dividend_mean", "public cost of the carbon dividend (revenue returned to households), mean over "
            "the period", "1", None, "Public cost: carbon dividend (mean)", 100.0, ("TR", "Y"),
            functools.partial(_share_mean, "TR"), display_units="% of output"),
    Outcome("green_procurement_mean", "green public procurement: the green share of government consumption, "
            "purchases redirected within the budget (no spending on top of it), mean over the period", "1", None,
            "Green procurement, within budget (mean)", 100.0, ("procurement", "G_C", "Y"), _green_procurement_mean,
            display_units="% of output"),
    Outcome("capability_cost_mean", "public capability spending (its 2025 rate keeps capability constant), mean "
            "over the period", "1", None, "Public cost: capability (mean)", 100.0, ("G_cap", "Y"),
            functools.partial(_share_mean, "G_cap"), display_units="% of output"),
    Outcome("take_up_mean", "share of firms taking conditional public support, mean over the period", "1", None,
            "Take-up of support (mean)", 100.0, ("s_sup",), functools.partial(_mean_of, "s_sup"),
            display_units="%"),
    Outcome("take_up_2050", "share of firms taking conditional public support in 2050", "1", None,
            "Take-up of support (2050)", 100.0, ("s_sup",), functools.partial(_in_2050, "s_sup"), display_units="%"),
    Outcome("wage_income_growth", "average growth of households' real disposable wage income (wages less taxes, plus "
            "the carbon dividend) over the period", "1/year", "higher", "Disposable wage income growth", 100.0,
            ("YD_w",), functools.partial(_income_growth, "YD_w"), display_units="%/yr", summary=True),
    Outcome("capital_income_growth", "average growth of households' real disposable capital income (dividends, "
            "interest on deposits less interest on loans) over the period", "1/year", "higher",
            "Disposable capital income growth", 100.0, ("YD_pi",), functools.partial(_income_growth, "YD_pi"),
            display_units="%/yr"),
)}

#: variables the outcomes computed from paths read
NEEDED = tuple(dict.fromkeys(n for o in OUTCOMES.values() if not o.experiment for n in o.needs))


def display(name: str, units: str = "") -> tuple[str, float, str | None]:
    """(label, scale, display units) of an outcome for tables and figures; an unregistered name
    is its own label, a share (``units`` 1) shown in percent."""
    o = OUTCOMES.get(name) or DURABILITY.get(name)
    if o is not None:
        return o.label, o.scale, o.display_units
    return (name, 100.0, "%") if units in ("1", "dimensionless") else (name, 1.0, None)


def label_outcomes(ens):
    """``ens`` with each registered outcome's attributes (``better`` among them) where they are missing
    (ensembles written before the outcomes carried them)."""
    for name, o in OUTCOMES.items():
        if name in ens.data_vars and "better" not in ens[name].attrs and o.better:
            ens[name].attrs.update(o.attrs())
    return ens


def outcome_metrics(ds, *, baseline: str = "bau"):
    """The outcomes of :data:`OUTCOMES` computed from paths (all but the multipliers) as an ``xarray.Dataset``.

    Parameters
    ----------
    ds : xarray.Dataset
        Directed-growth paths holding at least :data:`NEEDED`, over ``time`` [year], and the maximum employment
        rate ``lam_max`` (a result of :func:`model.simulate` carries its parameters).
    baseline : str
        Policy against which ``private_investment_change_vs_bau`` is computed (NaN when ``ds`` has no such policy).
    """
    from ..core.metadata import outcome_metrics as metrics

    return metrics(ds, tuple(OUTCOMES.values()), OutcomeContext(baseline=baseline))


def _policy_names(ds) -> list[str]:
    return [str(p) for p in ds.policy.values] if "policy" in ds.dims else [ds.attrs.get("policy", "default")]


#: impulse-response experiments: shock name -> (the input stepped, the spending flow it raises)
SHOCKS: dict[str, tuple[str, str]] = {"public_investment": ("i_G", "I_G"), "generic": ("g_C_shock", "G_C"),
                                      "mission_rd": ("rd_G_shock", "G_RD")}


def _is_level(system, name: str) -> bool:
    """Whether ``name`` is a level (a money flow or stock, units in TUSD: relative responses) or a ratio or
    rate (differences)."""
    return "TUSD" in str(system[name].units)


#: normalisations of the public-investment shock (:func:`impulse_responses`)
NORMALISE = ("outlays", "appropriations")


def shock_runs(system, shock: str, params: Mapping[str, Any] | None = None, policy: Policy | None = None, *,
               t_span: tuple[float, float] | None = None, t_shock: float | None = None, size: float = 0.01,
               last: int = 20, exogenous=None, per_year: int = 20, normalise: str = "outlays"):
    """Base and shocked runs of an impulse-response experiment.

    Parameters
    ----------
    system, shock, params, policy, t_span, t_shock, size, exogenous, per_year, normalise
        As for :func:`impulse_responses`.
    last : int
        The last horizon [year]: the runs reach its year's end.

    Returns
    -------
    base, shocked : xarray.Dataset
        The runs (:func:`~model.solve.simulation.simulate`). With the outlay normalisation of
        ``"public_investment"`` both start at the shock, restarted from the base state there.
    t_eval : numpy.ndarray
        Their output times [year].
    t_shock : float
        The shock time [year].

    Raises
    ------
    ModelError
        As :func:`impulse_responses`.
    """
    from ..solve.simulation import simulate

    if shock not in SHOCKS:
        raise ModelError(f"impulse_responses: unknown shock {shock!r}; valid: {', '.join(SHOCKS)}")
    if normalise not in NORMALISE:
        raise ModelError(f"impulse_responses: unknown normalise {normalise!r}; valid: {', '.join(NORMALISE)}")
    if not (np.isfinite(size) and size != 0):
        raise ModelError(f"impulse_responses: size must be a non-zero share of output, got {size!r}")
    name, _ = SHOCKS[shock]
    start = (system.meta.t_span or (0.0, 0.0))[0] if t_span is None else float(t_span[0])
    t_shock = start + 1.0 if t_shock is None else float(t_shock)
    end = t_shock + last + 1.0 if t_span is None else float(t_span[1])
    if not start <= t_shock < t_shock + last + 1.0 <= end:
        raise ModelError(f"impulse_response: the shock at {t_shock} and its last horizon must lie in the span "
                         f"({start}, {end})")
    policy = policy or Policy("base")
    if isinstance(policy.levers.get("i_G"), Rule):
        raise ModelError("impulse_response: the policy sets i_G by a feedback rule; give a schedule")
    t_eval = np.union1d(np.linspace(start, end, int(round((end - start) * per_year)) + 1), [t_shock])
    # the stepped input's base path, sampled finely, with the step from t_shock on; the base run gets the same path
    # with a zero step, so that both runs share the input's knots (the solver's grid): a zero step is then zero
    # (every 0.11 years or finer, and on whole years, where the kinks of in_force's schedules and of ramps lie)
    fine = np.union1d(np.union1d(np.linspace(start, end, 201), np.arange(np.ceil(start), np.floor(end) + 1)),
                      [t_shock - 1e-6, t_shock])
    if shock == "public_investment":
        old = policy.levers.get("i_G", constant(system["i_G"].default))
    else:
        old = {**system.meta.exogenous, **(exogenous or {})}.get(name, system[name].default)
        old = old if callable(old) else constant(float(old))
    path = np.broadcast_to(np.asarray(old(fine), float), fine.shape)

    def run(step: float, tag: str, initial=None, t0: float = start, t_ev=t_eval):
        sched = piecewise(fine, path + np.where(fine >= t_shock, step, 0.0))
        if shock == "public_investment":
            return simulate(system, params, policy.with_levers(name=policy.name + tag, i_G=sched),
                            t_span=(t0, end), t_eval=t_ev, exogenous=exogenous, initial=initial)
        return simulate(system, params, policy, t_span=(t0, end), t_eval=t_ev,
                        exogenous={**(exogenous or {}), name: sched}, initial=initial)

    base = run(0.0, "")
    Y_s = float(base.Y.sel(time=t_shock))
    ratio = Y_s / float(base.Y_T.sel(time=t_shock))
    if shock != "public_investment" or normalise == "appropriations":
        return base, run(size * ratio, "+shock"), t_eval, t_shock
    # outlays rise by size x Y at the shock: the pipeline WIP_G (I_G = WIP_G/tau_B) gains tau_B x the
    # appropriation step [TUSD], a pipeline already filled; both runs restart from the base state at the shock
    tau_B = float((params or {}).get("tau_B", system["tau_B"].default))
    state = {n: float(base[n].sel(time=t_shock)) for n in system.stocks}
    after = t_eval[t_eval >= t_shock]
    base = base.sel(time=after) if t_shock == start else run(0.0, "", state, t_shock, after)
    shocked = run(size * ratio, "+shock", {**state, "WIP_G": state["WIP_G"] + tau_B * size * Y_s}, t_shock, after)
    return base, shocked, after, t_shock


def _annual_means(x: np.ndarray, t_eval: np.ndarray, t_shock: float, horizons) -> dict[int, float]:
    """Means of ``x`` over the years :math:`[t_s + k, t_s + k + 1)` (trapezoid rule on ``t_eval``)."""
    out = {}
    for k in horizons:
        a, b = t_shock + k, t_shock + k + 1.0
        sel = (t_eval >= a - 1e-9) & (t_eval <= b + 1e-9)
        out[k] = float(np.trapezoid(x[sel], t_eval[sel]) / (b - a))
    return out


def _horizons(horizons, who: str) -> tuple[int, ...]:
    horizons = tuple(int(k) for k in horizons)
    if not horizons or min(horizons) < 0:
        raise ModelError(f"{who}: horizons must be non-negative whole years, got {horizons!r}")
    return horizons


def impulse_responses(system, shock: str, params: Mapping[str, Any] | None = None, policy: Policy | None = None,
                      *, size: float = 0.01, t_shock: float | None = None, horizons=range(21),
                      variables: tuple[str, ...] = ("Y",), per_year: int = 20, exogenous=None,
                      t_span: tuple[float, float] | None = None, normalise: str = "outlays"
                      ) -> dict[str, dict[int, float]]:
    r"""Responses of ``variables`` to a permanent step of public spending of ``size`` x output.

    Parameters
    ----------
    system : System
        The directed-growth model (:func:`model.directed_growth.directed_growth`).
    shock : {"public_investment", "generic", "mission_rd"}
        ``"public_investment"`` raises the public investment rate ``i_G`` (appropriations, which outlays
        follow with the time to build ``tau_B``; see ``normalise``); ``"generic"`` raises the generic
        government consumption input ``g_C_shock``; ``"mission_rd"`` the extra mission-oriented public R&D
        input ``rd_G_shock``
        (government demand that adds clean knowledge, technology block). Each input is a share of trend output
        :math:`Y_T` and is stepped at ``t_shock`` by ``size`` x Y/Y_T there, so that the spending rises by
        ``size`` of output at the shock (the three are then per percentage point of GDP alike; Y = Y_T at a
        start at rest).
    params, policy, exogenous
        As for :func:`~model.solve.simulation.simulate` (``exogenous`` paths, numbers or schedules, also give
        the base path the step is added to).
    size : float
        The step [share of output], 0.01 by default.
    t_shock : float, optional
        Time of the shock [year]; one year after the start by default.
    horizons : iterable of int
        Years after the shock [year]; year *k* is the mean over :math:`[t_s + k, t_s + k + 1)` (k = 0 the year
        of the shock), as annual data count it (IMF 2014, WEO ch. 3).
    variables : tuple of str
        Model variables. Levels (units in TUSD: ``Y``, ``I_p``, ``R_P``, ``C_act``...) respond
        relatively, :math:`(x_{shock} - x_{base})/x_{base}/size` (percent per percentage point of GDP); ratios
        and rates (``lam``, ``b``, ``rd_G``...) in differences, :math:`(x_{shock} - x_{base})/size`
        (percentage points per percentage point of GDP).
    per_year : int
        Output points a year feeding the annual means (trapezoid rule).
    t_span : (float, float), optional
        Span of the runs [year]; the model's start to the last horizon's end by default.
    normalise : {"outlays", "appropriations"}
        For ``"public_investment"``: ``"outlays"`` (default) is the IMF (2014, WEO Oct. 2014 ch. 3) and Abiad,
        Furceri & Topalova (2016, J. Macroecon. 50: 224-240) shock, public investment *spending* up by ``size``
        of output in the year of the shock: besides the appropriation step, the pipeline ``WIP_G`` gains
        ``tau_B`` x the step [TUSD] at the shock (a pipeline already filled), so that outlays
        :math:`I_G = WIP_G/\tau_B` jump by ``size`` x Y at the shock and stay at the step (the runs restart
        from the base state at the shock). ``"appropriations"``: the appropriation step alone, outlays rising
        gradually (in year 0 only :math:`1 - \tau_B(1 - e^{-1/\tau_B})` of the step). Ignored by other shocks.

    Returns
    -------
    dict
        Variable -> {horizon: response}.

    Raises
    ------
    ModelError
        An unknown shock or variable, negative horizons, a shock outside the span, or a policy setting ``i_G``
        by a feedback rule (``public_investment``).
    """
    horizons = _horizons(horizons, "impulse_responses")
    unknown = [v for v in variables if v not in system.variables]
    if unknown:
        raise ModelError(f"impulse_responses: unknown variables {unknown}; e.g. Y, I_p, R_P, C_act, lam, b, rd_G")
    base, run, t_eval, t_shock = shock_runs(system, shock, params, policy, t_span=t_span, t_shock=t_shock, size=size,
                                             last=max(horizons), exogenous=exogenous, per_year=per_year,
                                             normalise=normalise)
    out = {}
    for v in variables:
        xb, xs = np.asarray(base[v].values, float), np.asarray(run[v].values, float)
        rel = (xs - xb) / xb / size if _is_level(system, v) else (xs - xb) / size
        out[v] = _annual_means(rel, t_eval, t_shock, horizons)
    return out


#: government purchases in notional demand (demand block): the spending of ``cumulative_multiplier(spending="total")``
PURCHASES = ("G_C", "G_cap", "I_G", "G_RD")


def cumulative_multiplier(system, shock: str, horizon: int, params: Mapping[str, Any] | None = None,
                          policy: Policy | None = None, *, size: float = 0.01, t_shock: float | None = None,
                          per_year: int = 20, exogenous=None, spending: str = "own", normalise: str = "outlays"
                          ) -> float:
    r"""Cumulative output multiplier of a spending shock: :math:`\sum_{k=0}^{h}\Delta Y_k /
    \sum_{k=0}^{h}\Delta G_k`, the extra output over the extra spending, each summed over the years 0 to
    ``horizon`` [dimensionless: TUSD of output per TUSD of spending].

    :math:`\Delta Y_k` and :math:`\Delta G_k` are annual means (year *k* as in :func:`impulse_responses`) of
    the shocked less the base run. With ``spending="own"`` (the default) the spending is the flow the shock raises,
    including its induced change, as an SVAR's multiplier divides by the response of the shocked spending variable
    itself: public investment outlays ``I_G`` (``"public_investment"``), government consumption ``G_C``
    (``"generic"``; its induced change is the response of :math:`z_G Z` to the loan rate) and extra public R&D
    ``G_RD`` (``"mission_rd"``); with ``spending="total"`` it is all government purchases in demand,
    :data:`PURCHASES` (Ramey & Zubairy 2018, JPE 126(2): total government spending), which counts the induced
    change of government consumption alike for every shock. The ratio :math:`\sum\Delta Y/\sum\Delta G` is the
    cumulative multiplier of Ramey & Zubairy that the SVAR literature on mission R&D reports (Deleidi & Mazzucato
    2021 compare mission-oriented and generic spending by cumulative multipliers; economics.md 4 holds no formula
    from their paper: its text was not read, [U]). Other arguments as in :func:`impulse_responses`.

    Raises
    ------
    ModelError
        An unknown shock or spending, a negative horizon, or no extra spending over the horizon.
    """
    (horizon,) = _horizons((horizon,), "cumulative_multiplier")
    if spending not in ("own", "total"):
        raise ModelError(f"cumulative_multiplier: unknown spending {spending!r}; valid: own, total")
    base, run, t_eval, t_shock = shock_runs(system, shock, params, policy, t_span=None, t_shock=t_shock, size=size,
                                             last=horizon, exogenous=exogenous, per_year=per_year,
                                             normalise=normalise)
    flows = (SHOCKS[shock][1],) if spending == "own" else PURCHASES
    years = range(horizon + 1)
    dY = _annual_means(run.Y.values - base.Y.values, t_eval, t_shock, years)
    dG = _annual_means(sum(run[f].values - base[f].values for f in flows), t_eval, t_shock, years)
    spent = sum(dG.values())
    if not abs(spent) > 0:
        raise ModelError(f"cumulative_multiplier: the {shock!r} shock adds no spending ({', '.join(flows)}) over "
                         f"years 0-{horizon}")
    return float(sum(dY.values()) / spent)


def impulse_response(system, params: Mapping[str, Any] | None = None, policy: Policy | None = None, *,
                     t_span: tuple[float, float] | None = None, t_shock: float | None = None,
                     size: float = 0.01, horizons: tuple[int, ...] = tuple(range(21)), exogenous=None,
                     per_year: int = 20, normalise: str = "outlays") -> dict[int, float]:
    r"""Output response to a permanent step of public investment spending of ``size`` x output.

    The public investment rate ``i_G`` (appropriations, which outlays follow with the time to
    build ``tau_B``) is raised from ``t_shock`` on by ``size`` x Y/Y_T (so that appropriations rise
    by ``size`` of output at the shock) and, with ``normalise="outlays"`` (the default, the IMF
    definition: see :func:`impulse_responses`), the pipeline ``WIP_G`` by ``tau_B`` x that step, so
    that outlays too rise by ``size`` of output at the shock; everything else as in ``policy``. Returns, for each
    horizon *k* [years], the mean over :math:`[t_s + k, t_s + k + 1)` of
    :math:`(Y_{shock}-Y_{base})/Y_{base}` divided by ``size``: percent of output per percentage point
    of GDP, year *k* as annual data count it (k = 0 the year of the shock), the IMF (2014, WEO
    ch. 3) convention: about 0.4 in the year of the shock and 1.5 after four years in advanced
    economies (economics.md 11.2). ``t_span`` [year] defaults to the model's start to the last
    horizon's end; ``t_shock`` to one year after the start; ``per_year`` output points a year feed
    the means (trapezoid rule); ``exogenous`` paths override the model's defaults per name.
    The ``"public_investment"`` case of :func:`impulse_responses` (output only).
    """
    horizons = _horizons(horizons, "impulse_response")
    return impulse_responses(system, "public_investment", params, policy, size=size, t_shock=t_shock,
                             horizons=horizons, variables=("Y",), per_year=per_year, exogenous=exogenous,
                             t_span=t_span, normalise=normalise)["Y"]


def compare_policies(ds, *, system=None, impulse: bool = True, baseline: str = "bau"):
    """Outcome table per policy of a directed-growth result: the engine's
    :func:`model.analysis.compare` (any model, its own outcome registry) with this model's
    :data:`OUTCOMES`, the public-investment multipliers as its ``experiments`` (``impulse``)
    and business as usual as the baseline. See there for the parameters and the table. When a policy
    of ``ds`` opted into electoral reversal (:func:`durable_policies`), the :data:`DURABILITY` outcomes
    (years in force, reversals, first reversal) are added.

    ``compare`` is the same function under its former name (kept for existing code).
    """
    from ..analysis.outcomes import compare

    extra = tuple(DURABILITY.values()) if durable_policies(ds) else ()
    return compare(ds, tuple(OUTCOMES.values()) + extra, system=system, experiments=impulse, baseline=baseline)


#: the former name of :func:`compare_policies` (kept: code and notebooks import it)
compare = compare_policies

"""Scenario outcomes of the directed-growth model: a tidy table per policy."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..errors import ModelError
from ..declare.levers import Policy, Rule, constant, piecewise

__all__ = ["OUTCOMES", "NEEDED", "compare", "impulse_response", "outcome_metrics"]

#: outcome column -> (description, units)
OUTCOMES: dict[str, tuple[str, str]] = {
    "avg_growth": ("average output growth over the period", "1/year"),
    "private_investment_rate": ("average private investment share of output", "1"),
    "private_investment_change_vs_bau": ("change of the average private investment share versus BAU "
                                         "(crowding in > 0)", "percentage points"),
    "multiplier_1y": ("output effect of a +1 pp of GDP public investment step, after 1 year", "% of output per pp"),
    "multiplier_4y": ("output effect of a +1 pp of GDP public investment step, after 4 years", "% of output per pp"),
    "wage_share_mean": ("average wage share", "1"),
    "wage_share_end": ("wage share at the end", "1"),
    "employment_mean": ("average employment rate", "1"),
    "cum_emissions_domestic": ("cumulative domestic industrial CO2 emissions", "GtCO2"),
    "emission_intensity_end": ("emission intensity of output at the end", "GtCO2/TUSD"),
    "T_2050": ("warming in 2050", "delta_degC"),
    "T_end": ("warming at the end", "delta_degC"),
    "net_zero_year": ("first year domestic emissions fall below 5% of their start value", "year"),
    "public_debt_end": ("public debt to output at the end", "year"),
    "private_debt_end": ("private (firm) net debt to output at the end; negative: firms are net lenders", "year"),
    "public_fund_end": ("public equity fund to output at the end", "year"),
}


#: variables the outcome metrics are computed from
NEEDED = ("Y", "h_eff", "omega", "lam", "E_dom", "e_int", "T_at", "b", "d", "F_pub")


def outcome_metrics(ds, *, baseline: str = "bau"):
    """Outcome metrics of :data:`OUTCOMES` (all but the multipliers) as an ``xarray.Dataset``.

    Vectorised over every dimension but ``time`` (``policy``, ``draw``): a member
    whose path failed (NaN after the failure) gets NaN outcomes.

    Parameters
    ----------
    ds : xarray.Dataset
        Directed-growth paths holding at least :data:`NEEDED`, over ``time`` [year].
    baseline : str
        Policy against which ``private_investment_change_vs_bau`` is computed
        (NaN when ``ds`` has no such policy).

    Returns
    -------
    xarray.Dataset
        One variable per outcome with ``long_name``, ``units`` and ``kind = "outcome"``.
    """
    import xarray as xr

    missing = [n for n in NEEDED if n not in ds]
    if missing:
        raise ModelError(f"outcome metrics need a directed-growth result; missing variables: {', '.join(missing)}")
    t = ds.time.values
    end, start = {"time": -1}, {"time": 0}
    E = ds["E_dom"]
    below = E < 0.05 * E.isel(start)
    first = below.argmax("time")
    out = {
        "avg_growth": np.log(ds["Y"].isel(end) / ds["Y"].isel(start)) / (t[-1] - t[0]),
        "private_investment_rate": ds["h_eff"].mean("time", skipna=False),
        "wage_share_mean": ds["omega"].mean("time", skipna=False),
        "wage_share_end": ds["omega"].isel(end),
        "employment_mean": ds["lam"].mean("time", skipna=False),
        "cum_emissions_domestic": xr.apply_ufunc(np.trapezoid, E, input_core_dims=[["time"]], kwargs={"x": t}),
        "emission_intensity_end": ds["e_int"].isel(end),
        "T_2050": ds["T_at"].sel(time=2050) if t[0] <= 2050 <= t[-1] else xr.full_like(ds["T_at"].isel(end), np.nan),
        "T_end": ds["T_at"].isel(end),
        "net_zero_year": xr.where(below.any("time"), xr.DataArray(t, dims="time").isel(time=first), np.nan),
        "public_debt_end": ds["b"].isel(end),
        "private_debt_end": ds["d"].isel(end),
        "public_fund_end": (ds["F_pub"] / ds["Y"]).isel(end),
    }
    pir = out["private_investment_rate"]
    if "policy" in pir.dims and baseline in pir.policy.values:
        out["private_investment_change_vs_bau"] = 100 * (pir - pir.sel(policy=baseline, drop=True))
    else:
        out["private_investment_change_vs_bau"] = xr.full_like(pir, np.nan)
    res = xr.Dataset({k: out[k].drop_vars("time", errors="ignore") for k in OUTCOMES if k in out})
    for k in res.data_vars:
        res[k].attrs = {"long_name": OUTCOMES[k][0], "units": OUTCOMES[k][1], "kind": "outcome"}
    return res


def _policies(ds) -> list[str]:
    return [str(p) for p in ds.policy.values] if "policy" in ds.dims else [ds.attrs.get("policy", "default")]


def impulse_response(system, params: Mapping[str, Any] | None = None, policy: Policy | None = None, *,
                     t_span: tuple[float, float] = (2025.0, 2035.0), t_shock: float | None = None,
                     size: float = 0.01, horizons: tuple[int, ...] = (1, 4), exogenous=None) -> dict[int, float]:
    r"""Output response to a step of public investment of ``size`` x output.

    The public investment rate ``i_G`` is raised from ``t_shock`` on by
    ``size`` x Y/Y_T (so that public investment rises by ``size`` of output
    at the shock), everything else as in ``policy``. Returns, for each horizon
    *k* [years], :math:`100\,(Y_{shock}-Y_{base})/Y_{base}` at ``t_shock + k``
    divided by ``100 size`` (percent of output per percentage point of GDP,
    the IMF 2014 convention: about 0.4 after one year and 1.5 after four in
    advanced economies).
    """
    from ..solve.simulation import simulate

    t_shock = t_span[0] + 1.0 if t_shock is None else float(t_shock)
    policy = policy or Policy("base")
    if isinstance(policy.levers.get("i_G"), Rule):
        raise ModelError("impulse_response: the policy sets i_G by a feedback rule; give a schedule")
    t_eval = np.array(sorted({t_span[0], t_shock, *(t_shock + k for k in horizons)}))
    base = simulate(system, params, policy, t_span=(t_span[0], max(t_eval)), t_eval=t_eval, exogenous=exogenous)
    y_s = float(base.Y.sel(time=t_shock))
    ratio = y_s / float(base.Y_T.sel(time=t_shock))
    old = policy.levers.get("i_G", constant(system["i_G"].default))
    # the policy's own i_G path, sampled finely, plus the step from t_shock on
    fine = np.union1d(np.linspace(t_span[0], max(t_eval), 201), [t_shock - 1e-6, t_shock])
    vals = old(fine) + np.where(fine >= t_shock, size * ratio, 0.0)
    shocked = policy.with_levers(name=policy.name + "+shock", i_G=piecewise(fine, vals))
    shock = simulate(system, params, shocked, t_span=(t_span[0], max(t_eval)), t_eval=t_eval, exogenous=exogenous)
    out = {}
    for k in horizons:
        yb = float(base.Y.sel(time=t_shock + k))
        ys = float(shock.Y.sel(time=t_shock + k))
        out[k] = (ys - yb) / yb / size
    return out


def compare(ds, *, system=None, impulse: bool = True, baseline: str = "bau"):
    """Outcome table per policy (a ``pandas.DataFrame`` indexed by policy).

    Parameters
    ----------
    ds : xarray.Dataset
        Result of :func:`model.simulate` for the directed-growth model
        (several policies, or one).
    system : System, optional
        The model, for the public-investment impulse response; rebuilt from the
        result's provenance when omitted (only from the package's own factories,
        see :func:`model.library.registry.rebuild`; pass it for any other model).
    impulse : bool
        Compute the public-investment multipliers (two extra short runs per policy).
    baseline : str
        Policy against which the crowding-in measure is computed.

    Returns
    -------
    pandas.DataFrame
        Columns as in :data:`OUTCOMES`; units in ``df.attrs["units"]``.

    Raises
    ------
    ModelError
        For an ensemble result, or (with ``impulse``) provenance naming a model outside the
        package's registry, or a saved policy or path that is not an allowed expression
        (nothing read from the file is evaluated).
    """
    import pandas as pd

    if "draw" in ds.dims:
        raise ModelError("compare() tabulates single runs; for an ensemble use model.solve.ensembles "
                         "(outcomes per draw) or outcome_metrics(ds)")
    metrics = outcome_metrics(ds, baseline=baseline)
    if "policy" not in metrics.dims:
        metrics = metrics.expand_dims(policy=_policies(ds))
    t = ds.time.values
    rows = {pol: {k: float(metrics[k].sel(policy=pol)) for k in metrics.data_vars} for pol in _policies(ds)}
    if impulse:
        from ..solve.results import read_provenance, rebuild_system, saved_exogenous, saved_policies

        prov = read_provenance(ds)
        saved = saved_policies(prov)  # parsed, never evaluated; refused before any model is built
        exo = saved_exogenous(prov) or None
        if system is None:
            system = rebuild_system(prov)
        params = {k: v for k, v in prov["parameters"].items() if v != "draw"}
        if len(saved) != len(_policies(ds)):
            raise ModelError(f"the result has {len(_policies(ds))} policies but its provenance {len(saved)}")
        for i, pol in enumerate(_policies(ds)):
            policy = saved[i]
            if policy is not None and isinstance(policy.levers.get("i_G"), Rule):
                policy = policy.with_levers(i_G=system["i_G"].default)  # the rule is not a schedule: hold it
            irf = impulse_response(system, params, policy, t_span=(float(t[0]), float(t[0]) + 6.0), exogenous=exo)
            rows[pol]["multiplier_1y"] = irf[1]
            rows[pol]["multiplier_4y"] = irf[4]
    df = pd.DataFrame.from_dict(rows, orient="index")
    df.index.name = "policy"
    df = df[[c for c in OUTCOMES if c in df.columns]]
    df.attrs["units"] = {k: OUTCOMES[k][1] for k in df.columns}
    return df

"""A historical replay: the directed-growth model started from a country's data in a given year."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from model import Policy, piecewise
from model.directed_growth.factory import directed_growth
from model.errors import CalibrationError, ModelError

__all__ = ["START_FROM_DATA", "INSTRUMENTS", "DRIVERS", "country_model", "observed_policy", "observed_exogenous"]

#: observed policy instruments a replay can be conditioned on: name -> what is fed. Only instruments, never an
#: outcome the model explains (output, employment, the wage share, revenue, deficits, debts, credit, emissions):
#: the replay is then a forecast conditional on policy, the standard object of policy evaluation (what the
#: economy does given the policy actually set), not a fit to the outcomes
INSTRUMENTS: dict[str, str] = {
    "i_G": "public investment rate (ICSD igov / PWT rgdpo): the lever i_G, piecewise linear between years",
    "r_cb": "real policy rate = JST stir / 100 - diff(log(cpi)) (the panel's ex-post real short rate, the stance "
            "measure of the monetary-rule block) as the exogenous input r_cb_obs with the switch cb_obs = 1 (the "
            "Taylor rule off); r0 is the start year's observed rate, so that the start is at rest at it. Realised "
            "CPI inflation deflates the nominal instrument (inflation is not a scored series): the nominal rate "
            "deflated by the model's own inflation is a cumulative process in the model (banks block)",
    "g_C": "government consumption share of output (PWT csh_g, current PPPs): the start share sets G_C / Y in "
           "the start year and the exogenous input g_C_shock is its change since the start year (a share of "
           "trend output)",
    "g_C_real": "government consumption as a real level (in place of 'g_C'): real government consumption G = PWT "
                "csh_g x output (nominal government consumption over the output deflator), its deviation from its "
                "own log-linear trend over the replay window at its start-year share of output, less the start "
                "year's: the exogenous input g_C_shock (a share of trend output, as the model's budgets are set). "
                "The share 'g_C' divides by actual output, an outcome: it rises when output falls (UK 2009: +1.8 pp "
                "with real G +5%), so the model's spending, set on trend output, rose in the recession; here the "
                "level's trend is the model's (autonomous demand), its departures the observed ones",
    "i_G_real": "public investment as a real level (with 'i_G'): the public investment rate fed as the start year's "
                "rate times real public investment (ICSD igov_rppp) relative to its own log-linear trend over the "
                "replay window, relative to the start year's: the lever i_G, a share of trend output, follows the "
                "level's departures from its trend, not the share of actual output (which rises when output falls)",
    "lf": "the labour force as a demographic input: the exogenous input n_shift (the departure of demographic "
          "labour-force growth from the replay's rate n) follows the observed labour force's growth (the panel's "
          "g_N: PWT emp over the employment rate), g_N(t) - n after the start year (0 in it, so the start is at "
          "rest). The observed labour force holds participation's response to the cycle as well as demography",
    "pop": "population as the demographic input: the exogenous input n_shift follows the observed population's "
           "growth (PWT pop) less its mean growth over the years the replay's n was measured on (so the demographic "
           "labour force grows at n plus population growth's departure from its rate then; 0 in the start year). "
           "Demography only: no participation or employment in it (the labour force, 'lf', holds both)",
    "res": "autonomous household demand (US only): real residential investment (FRED-QD PRFIx, annual mean), its "
           "deviation from its own log-linear trend over the replay window, as a share of output at its start-year "
           "share (PRFIx / GDPC1), less that deviation in the start year: the exogenous input z_H_shock",
    "hh_credit": "autonomous household demand: net new real household borrowing (JST thh / cpi): the change of its "
                 "growth rate since the start year times the start year's household debt ratio (thh / gdp), a "
                 "share of output: the exogenous input z_H_shock. Household credit is partly endogenous (it "
                 "responds to income and the loan rate): the less exogenous driver, for the UK, which has no "
                 "residential investment series here",
    "mortgage": "autonomous household demand: net new real mortgage borrowing (JST tmort / cpi), the form of "
                "'hh_credit' on mortgage loans: the change of its growth rate since the start year times the start "
                "year's mortgage debt ratio (tmort / gdp), a share of output: the exogenous input z_H_shock. The UK "
                "driver: JST's UK household credit (thh) has breaks its mortgage loans do not: 1975 thh +38% while "
                "business loans (tbus) fell 12% and tmort rose 15%, 2005 thh +4.5% while tbus rose 22% and total "
                "loans a smooth 8.6% (reclassifications between household and business loans), 2010 thh -9.8% while "
                "tmort rose 1.3% (non-mortgage household loans -40% in one year): each a one-year swing of the driver "
                "of about 3-7% of output. Mortgages finance housing: the counterpart of the US driver (residential "
                "investment)",
    "x": "exports as autonomous demand (closed-economy approximation): real exports (JST exports / cpi), their "
         "deviation from their own log-linear trend over the replay window at their start-year share of output "
         "(exports / gdp), less the start year's, added to z_H_shock",
}

#: the observed drivers of autonomous household demand among INSTRUMENTS (at most one: each feeds z_H_shock)
DRIVERS = ("res", "hh_credit", "mortgage")


def _csh_g(panel: xr.Dataset, country: str, years: np.ndarray) -> np.ndarray:
    """PWT ``csh_g`` (government consumption share of GDP at current PPPs) of ``country`` at ``years``."""
    from .data.pwt import load_pwt

    df = load_pwt(panel.attrs.get("data_dir") or None, countries=[country])
    series = df[df["iso"] == country].set_index("year")["csh_g"].astype(float)
    return series.reindex(np.asarray(years, int)).to_numpy()


_DRIVER_NAMES = {"res": "real residential investment (FRED-QD PRFIx)",
                 "hh_credit": "real household credit (JST thh / cpi)",
                 "mortgage": "real mortgage credit (JST tmort / cpi)"}


def _household_driver(panel: xr.Dataset, country: str, years: np.ndarray, key: str) -> np.ndarray:
    """The input ``z_H_shock`` [share of trend output] at ``years`` from the observed driver ``key`` (:data:`DRIVERS`).

    ``"res"``: ``s0 (R / R_hat - R(t0) / R_hat(t0))``, with ``R`` real residential investment (FRED-QD PRFIx),
    ``R_hat`` its OLS log-linear trend over ``years``, ``s0 = R(t0) / GDPC1(t0)``: the dollar deviation of
    residential investment from its own trend relative to output (taken to grow as that trend), less the start
    year's (the start is at rest). ``"hh_credit"``: ``d0 (g_L - g_L(t0))`` with ``g_L`` the log growth of real
    household credit ``thh / cpi`` (JST) and ``d0 = thh(t0) / gdp(t0)``: the change of net new borrowing
    (``g_L L``) as a share of output at the start's debt ratio, dollar for dollar (credit-financed autonomous
    demand, Pariboni 2016). ``"mortgage"``: the same with mortgage loans ``tmort`` (JST) in place of ``thh``.
    Only the driver's own data and its start-year ratio to output enter, never the replayed output, employment
    or debt paths.
    """
    years = np.asarray(years, int)
    if key == "res":
        if country != "USA":
            raise CalibrationError(f"residential investment (FRED-QD) exists for USA only, not {country!r}; "
                                   "use 'hh_credit'")
        from .data.fred import load_fred

        f = load_fred(panel.attrs.get("data_dir") or None)
        R = f["PRFIx"].reindex(years).to_numpy(float)
        s0 = R[0] / float(f["GDPC1"].reindex(years).to_numpy(float)[0])
        ok = np.isfinite(R)
        if ok.sum() < 3 or not ok[0]:
            raise CalibrationError(f"PRFIx misses {years[0]} or has fewer than three years in {years[0]}-{years[-1]}")
        trend = np.exp(np.polyval(np.polyfit(years[ok], np.log(R[ok]), 1), years))
        return s0 * (R / trend - R[0] / trend[0])
    if key == "x":
        import pandas as pd

        from .data.files import locate

        raw = pd.read_csv(locate("jst", panel.attrs.get("data_dir") or None))
        j = raw[raw["iso"] == country].set_index("year")
        X = (j["exports"] / j["cpi"]).reindex(years).to_numpy(float)
        s0 = float(j.loc[years[0], "exports"] / j.loc[years[0], "gdp"])
        if not np.all(np.isfinite(X)):
            raise CalibrationError(f"JST exports or cpi of {country} miss a year in {years[0]}-{years[-1]}")
        trend = np.exp(np.polyval(np.polyfit(years, np.log(X), 1), years))
        return s0 * (X / trend - X[0] / trend[0])
    from .data.jst import load_jst

    j = load_jst(panel.attrs.get("data_dir") or None, countries=[country]).set_index("year")
    col = "tmort" if key == "mortgage" else "thh"
    prev = np.r_[years[0] - 1, years]
    L = (j[col] / j["cpi"]).reindex(prev).to_numpy(float)
    d0 = float((j[col] / j["gdp"]).reindex([years[0]]).iloc[0])
    g = np.diff(np.log(L))
    return d0 * (g - g[0])


def _check_instruments(instruments) -> tuple[str, ...]:
    out = tuple(instruments)
    bad = [k for k in out if k not in INSTRUMENTS]
    if sum(k in DRIVERS for k in out) > 1:
        raise CalibrationError(f"instruments may include at most one of {', '.join(DRIVERS)} (each feeds z_H_shock); "
                               f"got {', '.join(map(repr, out))}")
    if "g_C" in out and "g_C_real" in out:
        raise CalibrationError("instruments may include one of 'g_C', 'g_C_real' (each feeds g_C_shock); got both")
    if bad or "i_G" not in out:
        raise CalibrationError(f"instruments must include 'i_G' and be among {', '.join(INSTRUMENTS)}; got "
                               f"{', '.join(map(repr, out))}")
    return out

#: start data (model.directed_growth.start_state.START_KEYS) and overrides set from the panel in the start
#: year: name -> how (the factory derives the rest: capital, the payout ratio, emission intensity ...)
START_FROM_DATA = {
    "omega": "wage share (PWT labsh)",
    "h": "normal private investment share: the mean over the normal years (JST iy - i_G); a start year can "
         "be a cyclical peak (UK 1990: 0.219 against a 1990-2019 mean of 0.155); private capital follows",
    "i_G": "public investment rate (ICSD / PWT), the lever's value in the start year",
    "b": "public debt to output (JST debtgdp)",
    "l_F": "business debt to output (JST bank loans to business)",
    "lam": "employment rate in the start year (a = Y / (lam N))",
    "N": "labour force = Y / (a lam), a output per person engaged (PWT)",
    "E_dom": "fossil CO2 = e_int x Y (GCB / PWT): the factory sets the emission intensity of brown output",
    "lam_ref": "normal employment rate: the mean over the normal years",
    "rd_G0": "public (federally funded) R&D share of output in the start year (NCSES), where the panel has it",
    "r_P": "business-funded R&D share of output in the start year (NCSES), where the panel has it",
}


def _value(panel: xr.Dataset, name: str, country: str, year: int) -> float:
    v = float(panel[name].sel(country=country, year=year))
    if not np.isfinite(v):
        raise CalibrationError(f"{name} for {country} {year} is missing in the panel; choose another start year")
    return v


def country_model(panel: xr.Dataset, country: str, start: int, overrides: Mapping[str, float] | None = None,
                  normal_years: tuple[int, int] | None = None, start_values: Mapping[str, float] | None = None,
                  instruments: tuple[str, ...] = ("i_G",)):
    """The directed-growth model started from ``country``'s data in ``start``.

    Stocks and lever values set from the panel are listed in
    :data:`START_FROM_DATA`; everything else keeps its default or ``overrides``
    (for example block-wise estimates), and the factory derives the reference
    quantities so that the start year is at rest. Over ``normal_years`` (default:
    the start year to the panel's last year) the mean employment rate is the
    normal rate ``lam_ref`` and the mean private investment share the start's
    (normal) investment share ``h``. The factory derives private capital, the
    payout ratio, the emission intensity and the rest of the start so that it is at
    rest, with autonomous demand growing at the natural rate ``alpha0 + n``. The demographic labour force
    grows at the constant rate ``n`` (no country projection: ``n_shift`` is 0; :func:`calibration.calibrate`
    passes the historical block estimate, which the parameter file does not carry). Climate damages are switched
    off (``d_sw = 0``): the model's climate state is not replayed before 2025, and
    DICE damages at historical warming are below 0.3% of output. The start-year public and business R&D
    shares of output come from the panel where it has them (NCSES, US); otherwise the model's defaults stay.
    The replay passes no start inflation datum (``infl``: None): the target mark-up keeps its default or
    ``overrides`` and sets the start's inflation, as before the projection's start derived the mark-up from the
    datum (:data:`model.directed_growth.start_state.DERIVED_FROM_DATA`).

    ``start_values`` (only the start wage share ``"omega"``) replaces a start value the panel lacks by a value
    the caller treats as an unknown initial condition (the UK wage share of 1970, which PWT does not have:
    :mod:`calibration.outofsample` estimates it as a parameter with a prior); it is never an imputed series.

    ``instruments`` (:data:`INSTRUMENTS`; default the public investment rate only) names the observed policy
    instruments the replay is conditioned on; with ``"r_cb"`` the policy rate follows the observed rate
    (``cb_obs = 1``, ``r0`` the start year's rate), with ``"g_C"`` the start's government consumption share is
    the data's. Their paths come from :func:`observed_exogenous`.

    Returns
    -------
    System
    """
    if country not in panel["country"].values:
        raise CalibrationError(f"country {country!r} is not in the panel; it has "
                               f"{', '.join(map(str, panel['country'].values))}")
    if start not in panel["year"].values:
        raise CalibrationError(f"start year {start} is outside the panel's years "
                               f"{int(panel['year'][0])}-{int(panel['year'][-1])}")
    y0 = _value(panel, "Y", country, start)
    lam = _value(panel, "lam", country, start)
    a = _value(panel, "a", country, start)
    given = dict(start_values or {})
    if set(given) - {"omega"}:
        raise CalibrationError(f"start_values may set only 'omega', got {', '.join(map(repr, sorted(given)))}")
    omega = float(given["omega"]) if "omega" in given else _value(panel, "omega", country, start)
    first, last = normal_years or (start, int(panel["year"][-1]))
    window = panel.sel(country=country, year=slice(first, last))
    data = {
        "Y": y0, "omega": omega, "h": float(window["h"].mean()),
        "i_G": _value(panel, "i_G", country, start), "b": _value(panel, "b", country, start),
        "l_F": _value(panel, "d", country, start), "lam": lam, "N": y0 / (a * lam),
        "E_dom": _value(panel, "e_int", country, start) * y0,
        "infl": None,  # no start inflation datum: the mark-up keeps its default or override (see the docstring)
    }
    values = {"d_sw": 0.0, "lam_ref": float(window["lam"].mean())}
    for name, column in (("rd_G0", "rd_federal"), ("r_P", "rd_business")):
        v = float(panel[column].sel(country=country, year=start)) if column in panel else float("nan")
        if np.isfinite(v) and v > 0:  # the UK panel has no R&D series: the model's defaults stay (stated there)
            values[name] = v
    instruments = _check_instruments(instruments)
    if "r_cb" in instruments:
        values.update(cb_obs=1.0, r0=_value(panel, "r", country, start))
    if "g_C" in instruments or "g_C_real" in instruments:
        g = float(_csh_g(panel, country, np.array([start]))[0])
        if not np.isfinite(g):
            raise CalibrationError(f"csh_g for {country} {start} is missing in PWT; choose another start year")
        data["g_C"] = g
    values.update(overrides or {})
    try:
        return directed_growth(t0=float(start), start=data, overrides=values)
    except ModelError as exc:
        raise CalibrationError(f"{country} {start}: {exc}") from None


def _detrended(years: np.ndarray, level: np.ndarray) -> np.ndarray:
    """``level / trend``, the trend the OLS log-linear fit of ``level`` over the years where it is finite and
    positive (NaN elsewhere)."""
    ok = np.isfinite(level) & (level > 0)
    if ok.sum() < 3:
        return np.full(level.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        return level / np.exp(np.polyval(np.polyfit(years[ok], np.log(level[ok]), 1), years))


def observed_policy(panel: xr.Dataset, country: str, start: int, end: int,
                    instruments: tuple[str, ...] = ("i_G",)) -> Policy:
    """Business as usual with the observed public investment rate (piecewise linear between years).

    With ``"i_G_real"`` among ``instruments`` (:data:`INSTRUMENTS`) the rate is the start year's times real public
    investment's departure from its own log-linear trend over ``start``-``end`` relative to the start year's
    (``i_G(t0) (I / I_hat) / (I(t0) / I_hat(t0))``, ``I`` real public investment, ICSD igov_rppp): no output in the
    denominator.
    """
    years = np.arange(start, end + 1)
    i_G = panel["i_G"].sel(country=country, year=years).values.astype(float)
    if "i_G_real" in _check_instruments(instruments):
        from .data.icsd import load_icsd

        df = load_icsd(panel.attrs.get("data_dir") or None, countries=[country])
        level = df[df["iso"] == country].set_index("year")["igov_rppp"].astype(float).reindex(years).to_numpy()
        dev = _detrended(years.astype(float), level)
        i_G = i_G[0] * dev / dev[0]
    ok = np.isfinite(i_G)
    if ok.sum() < 2:
        raise CalibrationError(f"public investment rate of {country} has fewer than two years in {start}-{end}")
    return Policy(f"{country} {start}-{end} (observed public investment)",
                  "Historical replay: observed public investment rate, other levers at their defaults",
                  i_G=piecewise(years[ok].astype(float), i_G[ok]))


def observed_exogenous(panel: xr.Dataset, country: str, start: int, end: int,
                       instruments: tuple[str, ...] = ("i_G",), n: float | None = None,
                       n_years: tuple[int, int] | None = None) -> dict:
    """Paths of the exogenous inputs that condition a replay on observed policy (:data:`INSTRUMENTS`; the
    public investment rate is a lever: :func:`observed_policy`).

    Returns
    -------
    dict
        ``"r_cb_obs"`` (the observed real policy rate [1/year]) with ``"r_cb"``, ``"g_C_shock"`` (the change of
        the government consumption share since ``start`` [dimensionless]) with ``"g_C"``, ``"z_H_shock"``
        [share of trend output] with ``"res"``, ``"hh_credit"`` or ``"mortgage"`` (:func:`_household_driver`);
        piecewise linear between the years where the data exist (at least two); empty for ``("i_G",)``.
    """
    instruments = _check_instruments(instruments)
    years = np.arange(start, end + 1)
    out = {}
    series = {}
    if "r_cb" in instruments:
        series["r_cb_obs"] = ("real policy rate", panel["r"].sel(country=country, year=years).values.astype(float))
    if "g_C" in instruments:
        g = _csh_g(panel, country, years)
        series["g_C_shock"] = ("government consumption share (PWT csh_g)", g - g[0])
    if "g_C_real" in instruments:
        g = _csh_g(panel, country, years)
        dev = _detrended(years.astype(float), g * panel["Y"].sel(country=country, year=years).values.astype(float))
        series["g_C_shock"] = ("real government consumption (PWT csh_g x output)", g[0] * (dev - dev[0]))
    if "lf" in instruments:
        if n is None:
            raise CalibrationError("the labour-force input 'lf' needs the replay's demographic growth n")
        g = panel["g_N"].sel(country=country, year=years).values.astype(float) - float(n)
        series["n_shift"] = ("labour force growth (PWT emp / employment rate)", np.r_[0.0, g[1:]])
    if "pop" in instruments:
        if "lf" in instruments:
            raise CalibrationError("instruments may include one of 'lf', 'pop' (each feeds n_shift); got both")
        from .data.pwt import load_pwt

        df = load_pwt(panel.attrs.get("data_dir") or None, countries=[country])
        pop = df[df["iso"] == country].set_index("year")["pop"].astype(float)
        first, last = n_years or (start, end)
        ref = float(np.log(pop[last] / pop[first]) / (last - first))
        g = np.diff(np.log(pop.reindex(np.r_[start - 1, years]).to_numpy()))
        series["n_shift"] = ("population growth (PWT pop)", np.r_[0.0, g[1:] - ref])
    for key in DRIVERS:
        if key in instruments:
            series["z_H_shock"] = (_DRIVER_NAMES[key], _household_driver(panel, country, years, key))
    if "x" in instruments:
        x = _household_driver(panel, country, years, "x")
        series["z_H_shock"] = ("real exports (JST)", x + series["z_H_shock"][1] if "z_H_shock" in series else x)
    for name, (what, v) in series.items():
        ok = np.isfinite(v)
        if ok.sum() < 2 or not ok[0]:
            raise CalibrationError(f"{what} of {country} is missing in {start} or has fewer than two years in "
                                   f"{start}-{end}")
        out[name] = piecewise(years[ok].astype(float), v[ok])
    return out

"""The historical replay: the model started from a country's data (needs DGM_DATA_DIR; fails without)."""

import numpy as np
import pytest

import model
from calibration.replay import country_model, observed_policy
from model.errors import CalibrationError


@pytest.mark.parametrize("country, start", [("USA", 1960), ("GBR", 1990)])
def test_replay_starts_from_the_data(panel, country, start):
    m = country_model(panel, country, start)
    pol = observed_policy(panel, country, start, 2019)
    ds = model.simulate(m, None, pol, t_span=(start, start + 2), t_eval=[start, start + 1])
    row = panel.sel(country=country, year=start)
    for name, data in (("Y", "Y"), ("omega", "omega"), ("b", "b"), ("d", "d"), ("lam", "lam"),
                       ("e_int", "e_int"), ("i_G", "i_G")):
        assert float(ds[name].sel(time=start)) == pytest.approx(float(row[data]), rel=1e-9), name
    # normal (mean) values for the cyclical investment share and employment rate
    window = panel.sel(country=country, year=slice(start, 2019))
    assert float(ds.h_eff.sel(time=start)) == pytest.approx(float(window.h.mean()), rel=1e-9)
    assert m["lam_ref"].default == pytest.approx(float(window.lam.mean()), rel=1e-12)
    # the lever follows the observed public investment rate
    assert float(ds.i_G.sel(time=start + 1)) == pytest.approx(float(panel.i_G.sel(country=country,
                                                                               year=start + 1)), rel=1e-12)
    assert m["d_sw"].default == 0.0  # no climate damages in the replay


def test_replay_errors_name_the_problem(panel):
    with pytest.raises(CalibrationError, match="country 'FRA' is not in the panel"):
        country_model(panel, "FRA", 1990)
    with pytest.raises(CalibrationError, match="outside the panel's years"):
        country_model(panel, "USA", 1950)
    with pytest.raises(CalibrationError, match="omega for GBR 1960 is missing"):
        country_model(panel, "GBR", 1960)  # PWT's imputed UK labour share is NaN before 1988
    assert np.isfinite(panel.i_G.sel(country="USA")).all()


def test_replay_takes_the_start_year_rd_shares_from_the_panel(panel):
    """NCSES (in the panel): US federally funded R&D 1.21% and business-funded 1.34% of GDP in 1985; the UK
    panel has no R&D series, so the model's (US 2019) defaults stay."""
    us = country_model(panel, "USA", 1985)
    assert us["rd_G0"].default == pytest.approx(float(panel["rd_federal"].sel(country="USA", year=1985)))
    assert us["rd_G0"].default == pytest.approx(0.0121, abs=5e-5)
    assert us["r_P"].default == pytest.approx(0.0134, abs=5e-5)
    uk = country_model(panel, "GBR", 1988)
    assert (uk["rd_G0"].default, uk["r_P"].default) == (0.0063, 0.0224)


@pytest.mark.parametrize("country, start", [("USA", 1970), ("GBR", 2000)])
def test_replay_conditioned_on_observed_policy_follows_the_instruments(panel, country, start):
    """With the policy rate and government consumption as observed instruments (calibration.replay.INSTRUMENTS)
    the start is the data's (the real policy rate JST stir/100 - diff(log cpi), the PWT csh_g share of output)
    and the policy rate and government consumption follow the observed paths: r_cb tracks r_cb_obs within the
    first-order lag (rho_cb + rho_obs, about a month) of a linear path, and G_C exceeds its start share by
    g_C_shock Y_T."""
    from calibration.data.pwt import load_pwt
    from calibration.replay import observed_exogenous

    end = start + 10
    m = country_model(panel, country, start, instruments=("i_G", "r_cb", "g_C"))
    exo = observed_exogenous(panel, country, start, end, ("i_G", "r_cb", "g_C"))
    years = np.arange(start, end + 1)
    ds = model.simulate(m, None, observed_policy(panel, country, start, end), t_span=(start, end), t_eval=years,
                        exogenous=exo)
    r = panel.r.sel(country=country, year=years).values
    pwt = load_pwt(countries=[country]).set_index("year")["csh_g"]
    g = pwt.reindex(years).to_numpy()
    assert m["cb_obs"].default == 1.0 and m["r0"].default == pytest.approx(r[0], rel=1e-12)
    assert float(ds.r_cb[0]) == pytest.approx(r[0], abs=1e-6)  # the start at rest at the observed rate
    assert float(ds.G_C[0] / ds.Y[0]) == pytest.approx(g[0], rel=1e-9)
    np.testing.assert_allclose(ds.g_C_shock.values, g - g[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(ds.r_cb_obs.values, r, rtol=0, atol=1e-12)
    # a linear target path x(t) = x_i + s (t - t_i) is tracked with the lag s / k (first-order ODE, k the speed)
    k = m["rho_cb"].default + m["rho_obs"].default
    slope = np.r_[0.0, np.diff(r)][1:]
    np.testing.assert_allclose(ds.r_cb.values[1:], r[1:] - slope / k, rtol=0, atol=1e-4)
    with pytest.raises(CalibrationError,
                       match="instruments must include 'i_G' and be among i_G, r_cb, g_C, g_C_real, i_G_real, lf, "
                             "pop, res, hh_credit, mortgage, x"):
        country_model(panel, country, start, instruments=("r_cb",))
    with pytest.raises(CalibrationError, match="instruments must include 'i_G'"):
        observed_exogenous(panel, country, start, end, ("i_G", "taxes"))
    assert observed_exogenous(panel, country, start, end) == {}


def test_replay_conditioned_on_autonomous_household_demand(panel):
    """The observed drivers of autonomous household demand (calibration.replay.DRIVERS) feed z_H_shock, zero in
    the start year (the start at rest); the model adds it to autonomous household demand as a share of trend
    output, Z_H = (1 - z_G) Z + z_H_shock Y_T, at every time. US real residential investment peaked in 2005 and
    bottomed in 2009-11 (BEA; the housing bust): its deviation from trend does too. UK household credit: the
    closed form d0 (g_L(t) - g_L(t0)) from the JST file (thh / cpi, thh / gdp)."""
    import pandas as pd

    from calibration.data.files import locate
    from calibration.replay import observed_exogenous

    years = np.arange(2000, 2020)
    res = observed_exogenous(panel, "USA", 2000, 2019, ("i_G", "g_C", "res"))["z_H_shock"]
    z = np.array([res(float(t)) for t in years])
    assert z[0] == 0.0 and years[np.argmax(z)] == 2005 and years[np.argmin(z)] in (2009, 2010, 2011)
    m = country_model(panel, "USA", 2000, instruments=("i_G", "g_C", "res"))
    ds = model.simulate(m, None, observed_policy(panel, "USA", 2000, 2019), t_span=(2000, 2019), t_eval=years,
                        exogenous={"z_H_shock": res})
    assert float(ds.Y[0]) == pytest.approx(float(panel.Y.sel(country="USA", year=2000)), rel=1e-9)
    np.testing.assert_allclose(ds.z_H_shock.values, z, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ds.Z_H.values, (1 - m["z_G"].default) * ds.Z.values + z * ds.Y_T.values,
                               rtol=1e-12)
    j = pd.read_csv(locate("jst")).set_index(["iso", "year"]).loc["GBR"]
    L = j["thh"] / j["cpi"]
    credit = observed_exogenous(panel, "GBR", 2000, 2019, ("i_G", "hh_credit"))["z_H_shock"]
    d0 = j.loc[2000, "thh"] / j.loc[2000, "gdp"]
    assert credit(2009.0) == pytest.approx(d0 * (np.log(L[2009] / L[2008]) - np.log(L[2000] / L[1999])), rel=1e-12)
    # mortgage credit: the same closed form on JST tmort
    M = j["tmort"] / j["cpi"]
    mortgage = observed_exogenous(panel, "GBR", 2000, 2019, ("i_G", "mortgage"))["z_H_shock"]
    m0 = j.loc[2000, "tmort"] / j.loc[2000, "gdp"]
    assert mortgage(2000.0) == 0.0
    assert mortgage(2009.0) == pytest.approx(m0 * (np.log(M[2009] / M[2008]) - np.log(M[2000] / M[1999])),
                                             rel=1e-12)
    # exports add to the household driver: the same detrended form, zero in the start year
    both = observed_exogenous(panel, "USA", 2000, 2019, ("i_G", "res", "x"))["z_H_shock"]
    x = observed_exogenous(panel, "USA", 2000, 2019, ("i_G", "x"))["z_H_shock"]
    assert x(2000.0) == 0.0 and both(2009.0) == pytest.approx(res(2009.0) + x(2009.0), rel=1e-12)
    with pytest.raises(CalibrationError, match="residential investment .* USA only, not 'GBR'"):
        observed_exogenous(panel, "GBR", 2000, 2019, ("i_G", "res"))
    with pytest.raises(CalibrationError, match="at most one of res, hh_credit"):
        country_model(panel, "USA", 2000, instruments=("i_G", "res", "hh_credit"))


@pytest.mark.data
def test_uk_household_credit_has_the_breaks_that_make_mortgage_credit_the_uk_driver():
    """The breaks of JST's UK household credit (thh) that calibration.replay.INSTRUMENTS["mortgage"] states, read
    from the raw file (log growth): 1975 and 2005 reclassifications between household and business loans (thh and
    tbus move apart, mortgage or total loans do not), 2010 thh -9.8% while mortgages grow; mortgage loans (tmort)
    grow by 1-21% a year over 1970-2019, without such a jump."""
    import pandas as pd

    from calibration.data.files import locate

    j = pd.read_csv(locate("jst")).set_index(["iso", "year"]).loc["GBR"]
    g = np.log(j[["thh", "tbus", "tmort", "tloans"]]).diff()
    def at(year, col):
        return float(g.loc[year, col])

    assert at(1975, "thh") == pytest.approx(0.376, abs=5e-4) and at(1975, "tbus") == pytest.approx(-0.124, abs=5e-4)
    assert at(1975, "tmort") == pytest.approx(0.151, abs=5e-4)
    assert at(2005, "thh") == pytest.approx(0.045, abs=5e-4) and at(2005, "tbus") == pytest.approx(0.216, abs=5e-4)
    assert at(2005, "tloans") == pytest.approx(0.086, abs=5e-4)
    assert at(2010, "thh") == pytest.approx(-0.098, abs=5e-4) and at(2010, "tmort") == pytest.approx(0.013, abs=5e-4)
    mort = g.loc[1970:2019, "tmort"]
    assert mort.min() > 0.010 and mort.max() < 0.22


def test_real_level_instruments_are_departures_from_their_own_trends(panel):
    """'g_C_real' and 'i_G_real' (calibration.replay.INSTRUMENTS) from the raw files in closed form: real government
    consumption G = PWT csh_g x output and real public investment (ICSD igov_rppp) divided by their OLS log-linear
    trends over the window; g_C_shock = csh_g(t0) (G/G_hat - G0/G0_hat), the lever i_G = i_G(t0) (I/I_hat) /
    (I0/I0_hat). No output growth in either beyond the output deflator of G: in UK 2009 (output -4.2%) the share
    g_C_shock rises 1.8 pp against the real level's +0.5 pp."""
    from calibration.data.icsd import load_icsd
    from calibration.data.pwt import load_pwt
    from calibration.replay import observed_exogenous

    years = np.arange(2000, 2020)
    w = load_pwt(countries=["GBR"]).set_index("year")
    G = (w["csh_g"] * w["rgdpna"]).reindex(years).to_numpy(float)
    dev = G / np.exp(np.polyval(np.polyfit(years, np.log(G), 1), years))
    real = observed_exogenous(panel, "GBR", 2000, 2019, ("i_G", "g_C_real"))["g_C_shock"]
    share = observed_exogenous(panel, "GBR", 2000, 2019, ("i_G", "g_C"))["g_C_shock"]
    g0 = float(w.loc[2000, "csh_g"])
    assert real(2000.0) == 0.0
    np.testing.assert_allclose([real(float(t)) for t in years], g0 * (dev - dev[0]), rtol=1e-9, atol=1e-15)
    assert share(2009.0) - share(2008.0) == pytest.approx(0.018, abs=1e-3)
    assert real(2009.0) - real(2008.0) == pytest.approx(0.005, abs=1e-3)
    i = load_icsd(countries=["GBR"]).set_index("year")["igov_rppp"].reindex(years).to_numpy(float)
    idev = i / np.exp(np.polyval(np.polyfit(years, np.log(i), 1), years))
    pol = observed_policy(panel, "GBR", 2000, 2019, ("i_G", "i_G_real"))
    i0 = float(panel.i_G.sel(country="GBR", year=2000))
    got = np.array([pol.levers["i_G"](float(t)) for t in years])
    np.testing.assert_allclose(got, i0 * idev / idev[0], rtol=1e-9)
    assert observed_policy(panel, "GBR", 2000, 2019).levers["i_G"](2009.0) == pytest.approx(
        float(panel.i_G.sel(country="GBR", year=2009)), rel=1e-12)  # the share, without 'i_G_real'
    with pytest.raises(CalibrationError, match="one of 'g_C', 'g_C_real'"):
        country_model(panel, "GBR", 2000, instruments=("i_G", "g_C", "g_C_real"))


def test_demographic_inputs_follow_the_observed_labour_force_or_population(panel):
    """'lf': n_shift = g_N - n after the start year; 'pop': n_shift = PWT population growth less its mean growth
    over n_years; both 0 in the start year (the start at rest)."""
    from calibration.data.pwt import load_pwt
    from calibration.replay import observed_exogenous

    lf = observed_exogenous(panel, "GBR", 2000, 2019, ("i_G", "lf"), n=0.0004)["n_shift"]
    assert lf(2000.0) == 0.0
    assert lf(2009.0) == pytest.approx(float(panel.g_N.sel(country="GBR", year=2009)) - 0.0004, rel=1e-12)
    pop = load_pwt(countries=["GBR"]).set_index("year")["pop"].astype(float)
    p = observed_exogenous(panel, "GBR", 2000, 2019, ("i_G", "pop"), n_years=(1990, 1999))["n_shift"]
    assert p(2000.0) == 0.0
    assert p(2009.0) == pytest.approx(np.log(pop[2009] / pop[2008]) - np.log(pop[1999] / pop[1990]) / 9, rel=1e-9)
    with pytest.raises(CalibrationError, match="needs the replay's demographic growth n"):
        observed_exogenous(panel, "GBR", 2000, 2019, ("i_G", "lf"))
    with pytest.raises(CalibrationError, match="one of 'lf', 'pop'"):
        observed_exogenous(panel, "GBR", 2000, 2019, ("i_G", "lf", "pop"), n=0.0)

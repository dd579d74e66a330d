"""Market fixing at its best (issue 13, item 4): a carbon tax with its revenue returned, a clean research subsidy
paid on clean energy research, a fiscal rule; no untargeted R&D subsidy, no capability cuts
(Acemoglu, Aghion, Bursztyn & Hemous 2012)."""

import json

import numpy as np
import pytest

import model
from calibration.params import param_file
from model import ramp
from model.cli.common import calibrated_model
from model.directed_growth import policies

SPAN = (2025, 2060)


@pytest.fixture(scope="module")
def runs(dg):
    """Market fixing, the same without the clean research subsidy, the same without the carbon dividend, with an
    untargeted R&D subsidy added, and business as usual (one simulation, literature defaults)."""
    mf = policies.market_fixing()
    pols = [mf, mf.with_levers("no_q", clean_rd_subsidy=0.0), mf.with_levers("no_dividend", carbon_dividend=0.0),
            mf.with_levers("with_S", rd_subsidy=ramp(2025, 2030, 0.0, 0.002)), policies.bau()]
    return model.simulate(dg, None, pols, t_span=SPAN)


def test_clean_subsidy_paid_is_q_times_clean_energy_research(runs, dg):
    """The R&D subsidies the government pays, less the untargeted one (a share S of output), are q times clean energy
    research spending R_cE, with and without an untargeted subsidy; R_cE is the clean share s_g of energy-related
    research, r_ERD of output raised by the untargeted subsidy as all research is (1 + eps_S S) and by public R&D
    intensity (crowding-in, exp(eta_RD m_RD) with the default eta_RDs = 0)."""
    for name in ("market_fixing", "with_S"):
        d = runs.sel(policy=name)
        clean_paid = d.S_rd - d.rd_subsidy * d.Y
        np.testing.assert_allclose(clean_paid.values, (d.clean_rd_subsidy * d.R_cE).values, rtol=1e-10, atol=1e-14)
        crowd_in = np.exp(dg["eta_RD"].default * d.m_RD)
        energy_research = dg["r_ERD"].default * (1 + dg["eps_S"].default * d.rd_subsidy) * crowd_in * d.Y
        np.testing.assert_allclose(d.R_cE.values, (d.s_g * energy_research).values, rtol=1e-10, atol=1e-14)
    assert float(runs.sel(policy="with_S").R_cE.sel(time=2050)) > float(runs.sel(policy="market_fixing").R_cE
                                                                         .sel(time=2050))


def test_clean_subsidy_cost_is_a_share_of_energy_research_not_of_all_research(runs):
    """Research all clean (s_g = 1), no untargeted subsidy: the clean subsidy costs q r_ERD = 4 x 0.1% = 0.4% of
    output (times private research intensity rho_R, within 0.5% of 1 here: public R&D intensity barely moves), not q
    times all business R&D (4 x 2.5% = 10%), the cost before the base was energy research."""
    d = runs.sel(policy="market_fixing", time=2050)
    assert float(d.s_g) > 0.999 and float(d.rd_subsidy) == 0.0 and float(d.clean_rd_subsidy) == 4.0
    assert abs(float(d.rho_R) - 1) < 5e-3
    assert float(d.S_rd / d.Y) == pytest.approx(0.004 * float(d.rho_R), rel=1e-3)


def test_clean_subsidy_is_booked_in_the_public_deficit(runs):
    """The deficit less every other flow of the government's budget is the R&D subsidies paid (from the paths)."""
    d = runs.sel(policy="market_fixing")
    other = (d.G_C + d.G_cap + d.I_G + d.S_sup + d.TR + d.r_B * d.B - d.T_W - d.T_B - d.T_pi - d.T_c - d.Div_G
             - d.Pi_CB)
    np.testing.assert_allclose((d.B_dot - other).values, d.S_rd.values, rtol=1e-9, atol=1e-12)
    assert float(d.S_rd.sel(time=2050)) > 0


def test_clean_subsidy_moves_research_to_clean_and_slows_dirty_knowledge(runs):
    """AABH's direction: with q > 0 the green share of research is higher and dirty knowledge grows more slowly than
    under the same carbon price and dividend with q = 0; clean knowledge grows faster."""
    with_q, no_q = runs.sel(policy="market_fixing"), runs.sel(policy="no_q")
    for year in (2035, 2045, 2055):
        assert float(with_q.s_g.sel(time=year)) > float(no_q.s_g.sel(time=year))
        assert float(with_q.g_Ab.sel(time=year)) < float(no_q.g_Ab.sel(time=year))
        assert float(with_q.g_Ag.sel(time=year)) > float(no_q.g_Ag.sel(time=year))
    assert float(with_q.A_b.sel(time=2060)) < float(no_q.A_b.sel(time=2060))
    assert float(with_q.s_g.sel(time=2035)) > 0.5 > float(no_q.s_g.sel(time=2035))


def test_carbon_dividend_returns_its_share_and_raises_disposable_income(runs):
    """Market fixing returns 90% of carbon revenue to households (TR / T_c from the paths wherever there is
    revenue); with the same carbon price and no dividend (the revenue reduces the deficit) household disposable
    income is lower by more than the dividend while the debt brake phases in. (Later the deficit-financed dividend
    raises the debt-stabilising tax on households and the brake cuts public investment, which can reverse the
    ranking: under the literature defaults in the 2040s.)"""
    d = runs.sel(policy="market_fixing")
    priced = d.T_c > 1e-9
    assert int(priced.sum()) > 20
    np.testing.assert_allclose((d.TR / d.T_c).where(priced, drop=True).values, 0.9, rtol=1e-12)
    none = runs.sel(policy="no_dividend")
    assert float(abs(none.TR).max()) == 0.0
    for year in (2030, 2035):
        assert float((d.YD - none.YD).sel(time=year)) > float(d.TR.sel(time=year)) > 0


def test_market_fixing_has_no_untargeted_subsidy_and_no_capability_cut(runs):
    """The path sets neither the untargeted R&D subsidy nor capability spending: they stay at business as usual's
    values; it sets the carbon price, the dividend, the clean research subsidy and the debt brake."""
    mf = policies.market_fixing()
    assert set(mf.levers) == {"carbon_price", "carbon_dividend", "clean_rd_subsidy", "i_G"}
    d, bau = runs.sel(policy="market_fixing"), runs.sel(policy="bau")
    assert float(abs(d.rd_subsidy).max()) == 0.0
    np.testing.assert_array_equal(d.i_cap.values, bau.i_cap.values)
    assert float(d.clean_rd_subsidy.sel(time=2030)) == 4.0 and float(d.carbon_price.sel(time=2050)) == 100.0


def test_market_fixing_starts_from_business_as_usual_and_tables_close(runs):
    """Every path starts from the same 2025 state (BAU at rest: q = 0, no carbon price at the start), and the Godley
    tables close on every path to 1e-10 of output."""
    start = runs.isel(time=0)
    for name in ("Y", "B", "A_g", "A_b", "K_g", "K_b", "C", "YD"):
        np.testing.assert_allclose(start[name].values, start[name].sel(policy="bau").values, rtol=1e-12, err_msg=name)
    assert float(abs(start.clean_rd_subsidy).max()) == 0.0 and float(abs(start.S_rd).max()) == 0.0
    assert max(json.loads(runs.attrs["provenance"])["identity_max_residual"].values()) < 1e-10


@pytest.mark.parametrize("code", ["USA", "GBR"])
def test_clean_subsidy_is_sized_to_switch_research_as_it_comes_into_force(code):
    """The size of q (policies.market_fixing): under each country's calibration (what ``dgm compare`` runs) q = 4
    with the carbon price moves research to clean by 2030, when both are in force, and research stays clean; q = 3
    does not in the UK, where the same carbon price is a smaller tax on the dirty input (tau_d) than in the US."""
    system = calibrated_model(param_file(code.lower()), code)
    mf = policies.market_fixing()
    ds = model.simulate(system, None, [mf, mf.with_levers("q3", clean_rd_subsidy=ramp(2025, 2030, 0.0, 3.0))],
                        t_span=(2025, 2100))
    d = ds.sel(policy="market_fixing")
    assert float(d.s_g.sel(time=slice(2030, None)).min()) > 0.5
    if code == "GBR":
        assert float(ds.sel(policy="q3").s_g.max()) < 0.5

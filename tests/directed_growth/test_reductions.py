"""The directed-growth model reduces to Godley & Lavoie's model SIM (economics.md 11.15, case 1).

SIM (Godley & Lavoie 2007, ch. 3): Y = C + G, T = theta Y, YD = Y - T, C = alpha1 YD + alpha2 H,
dH/dt = YD - C = G - T; steady state Y* = G/theta = 100, YD* = C* = H* = 80 at G = 20, theta = 0.2,
alpha1 = 0.6, alpha2 = 0.4 (economics.md 11.15; the library's continuous-time ``sim`` reaches them).

Mapping onto the directed-growth model (everything else switched off):

* G = government consumption G_C = z_G Z with z_G = 1 and Z = G constant (g_Z = psi_Z = 0), so
  autonomous household consumption Z_H = (1 - z_G) Z = 0 and no household credit (L_H = 0, chi_H = 0);
  no public investment or capability spending (levers i_G = i_cap = 0, WIP_G = K_G = Cap = 0).
* theta = t_w = t_pi (a flat tax on wages and profits) and no debt-stabilising tax (beta_B = 0, b_ref = 0).
* alpha1 = c_w = c_pi (one propensity out of disposable income), alpha2 = c_V (out of household wealth);
  consumption adjusts to its target with the model's lag (kappa_C = 1/yr), which does not move the
  steady state (C = C* there, SIM's consumption function).
* H = deposits M = government bonds B = household wealth V_H: interest is zero (policy rate held at
  r0 = 0 by accommodation = 1; premia sp_F0 = sp_G0 = psi_F = psi_B = 0, deposit margin
  m_M = 0) and the smooth floors of rates and premia are at their sharp limit (eps_r = 1e-15: at a zero
  argument a floor's residue is eps_r ln 2, which at the default 0.002 would pay 0.14%/yr on bonds and
  move Y* to 100.39).
* Firms neither invest nor depreciate (h = 0, delta = 0, no damages d_sw = 0), pay out all profits
  and do not target a leverage (theta0 = 1, lam_F = 0; with equal propensities and tax rates
  distribution does not matter, so the wage share keeps its default); their capital K is financed
  by loans L_F = K backed by bank equity NW_B = K, so
  firm equity is zero and households' only asset is deposits.
* No growth, wage or price dynamics (alpha0 = alpha_KV = alpha_A = n = n_lam = gamma_A = kappa_M =
  g_sigma = d_back = 0; phi0 = phi1 = phi2 = eta_p = eta_x = 0; no floor on nominal wage growth, w_min = -1) and
  no supply ceiling (supply_sw = 0) and no inventories (inv_sw = 0: output equals demand at once, as in SIM;
  no stock of inventories, and expected sales, which then feed nothing, equal to sales); the
  climate keeps running but feeds nothing back (d_sw = 0).

SIM's alpha2 = 0.4 lies outside c_V's declared bounds [0, 0.08] (an admissible range for the US and UK
economies), eps_r = 1e-15 outside [1e-4, 0.01], and the switched-off stocks sit on their open lower bound
0, so :func:`model.simulate` refuses this parameter set: as the supermultiplier reduction
(test_economy.py), the test evaluates the compiled model's right-hand side, observed quantities and
table checks directly, and integrates it with SciPy's DOP853.
"""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import model
from model import Policy

G, THETA, ALPHA1, ALPHA2 = 20.0, 0.2, 0.6, 0.4  # economics.md 11.15, case 1
Y_STAR = G / THETA  # 100
YD_STAR = (1 - THETA) * Y_STAR  # 80 = C*
H_STAR = (1 - ALPHA1) * YD_STAR / ALPHA2  # 80: C* = alpha1 YD* + alpha2 H* with C* = YD*
K = 3.0 * Y_STAR  # private capital (any positive value: nothing depends on it)
CLIMATE = ("M_at", "M_up", "M_lo", "T_at", "T_lo")
#: voters' income memory and public support: fed back to nothing unless a policy opts into electoral reversal
POLITICS = ("y_m", "S_pub")
T0 = 2025.0

SIM_PARAMS = {
    "z_G": 1.0, "g_Z": 0.0, "psi_Z": 0.0, "chi_H": 0.0,
    "z_T": G / Y_STAR,  # trend output Z / z_T = Y* (immaterial: no budget is set on it here)
    "t_w": THETA, "t_pi": THETA, "beta_B": 0.0, "b_ref": 0.0,
    "c_w": ALPHA1, "c_pi": ALPHA1, "c_V": ALPHA2,
    "r0": 0.0, "accommodation": 1.0, "sp_F0": 0.0, "sp_G0": 0.0, "psi_F": 0.0, "psi_B": 0.0,
    "m_M": 0.0, "theta_B": 1.0, "eps_r": 1e-15,
    "delta": 0.0, "d_sw": 0.0, "theta0": 1.0, "lam_F": 0.0, "theta_G": 0.0, "gamma_pi": 0.0, "gamma_r": 0.0, "chi": 0.0,
    "alpha0": 0.0, "alpha_KV": 0.0, "alpha_A": 0.0, "n": 0.0, "n_lam": 0.0, "gamma_A": 0.0, "kappa_M": 0.0,
    "g_sigma": 0.0, "d_back": 0.0, "phi0": 0.0, "phi1": 0.0, "phi2": 0.0, "eta_p": 0.0, "eta_x": 0.0, "w_min": -1.0,
    "supply_sw": 0.0, "v": 0.8 * K / Y_STAR,  # utilisation 0.8 at rest (immaterial without the ceiling)
    "inv_sw": 0.0,  # SIM has no inventories: output equals demand at once (GL ch. 3; inventories block switched off)
    "rd_m_ref": 0.0,  # no mission R&D at the start (no public investment): public R&D intensity at its start value
}


def _sim_case(dg, H: float, C: float):
    """The compiled model with SIM's parameters, a state with household wealth ``H`` (deposits = bonds)
    and consumption ``C``, and the inputs (public investment and capability spending off)."""
    cs = model.compile(dg)
    start = {"Z": G, "C": C, "M": H, "B": H, "L_H": 0.0, "h": 0.0, "K_g": 0.1 * K, "K_b": 0.9 * K, "L_F": K,
             "NW_B": K, "WIP_G": 0.0, "S_e": Y_STAR, "INV": 0.0, "K_Gm": 0.0, "K_Go": 0.0, "Cap": 0.0, "r_cb": 0.0,
             "a": Y_STAR / (0.96 * dg["N"].default)}  # employment 0.96 at rest (immaterial)
    L = cs.inputs_table(Policy("sim", i_G=0.0, i_cap=0.0))
    return cs, cs.state_vector(start), cs.param_vector(SIM_PARAMS), L


def _table_checks(dg, cs):
    names = ["identity_" + c.name for c in dg.table_checks()]
    assert names and set(names) <= set(cs.observed_names)
    return names


def test_sim_steady_state_is_a_rest_point_of_the_economy(dg):
    """At Y* = G/theta = 100, YD* = C* = 80 and household wealth H* = (1 - alpha1) YD*/alpha2 = 80 every
    stock of the economy is at rest (the climate and public support, fed nothing back, are the only things moving): the
    government's budget balances (taxes = G), households, firms and banks do not lend, and both Godley
    tables close."""
    cs, y, p, L = _sim_case(dg, H_STAR, YD_STAR)
    obs = cs.observed(T0, y, p, L)
    assert obs["Y"] == pytest.approx(Y_STAR, rel=1e-12)
    for name in ("YD", "C_star", "C_act", "V_H"):
        assert obs[name] == pytest.approx(80.0, rel=1e-12), name
    assert obs["T_W"] + obs["T_pi"] + obs["T_B"] == pytest.approx(G, rel=1e-12)
    assert obs["I_p"] == 0.0 and obs["I_G"] == 0.0 and obs["G_C"] == G
    f = cs.rhs(T0, y, p, L)
    moving = {s: f[i] for i, s in enumerate(cs.states) if s not in CLIMATE + POLITICS
              and abs(f[i]) > 1e-12 * Y_STAR}
    assert not moving
    assert max(abs(obs[n]) for n in _table_checks(dg, cs)) < 1e-12


def test_reaches_the_sim_steady_state_from_an_empty_economy(dg):
    """From SIM's start H0 = 0 with consumption at its target, output starts at G/(1 - alpha1 (1 - theta)) =
    38.46 (the book's first period, economics.md 11.15) and after 200 years is Y* = G/theta = 100 with
    YD* = C* = V_H* = M* = B* = 80, to 1e-8 relative (measured 5e-14); every row and column of both Godley
    tables closes along the way to 1e-10 (measured 3e-14)."""
    c0 = ALPHA1 * (1 - THETA) * G / (1 - ALPHA1 * (1 - THETA))
    cs, y0, p, L = _sim_case(dg, 0.0, c0)
    t = np.linspace(T0, T0 + 200.0, 201)
    sol = solve_ivp(lambda s, y: cs.rhs(s, y, p, L), (t[0], t[-1]), y0, method="DOP853", t_eval=t, rtol=1e-12,
                    atol=1e-12)
    assert sol.status == 0, sol.message
    obs = cs.observed(sol.t, sol.y.T, p, L)
    assert obs["Y"][0] == pytest.approx(G / (1 - ALPHA1 * (1 - THETA)), rel=1e-12)
    assert obs["Y"][0] == pytest.approx(38.46, abs=5e-3)
    assert obs["Y"][-1] == pytest.approx(Y_STAR, rel=1e-8)
    for name in ("YD", "C_star", "C_act", "V_H"):
        assert obs[name][-1] == pytest.approx(YD_STAR, rel=1e-8), name
    for name in ("C", "M", "B"):
        assert sol.y[cs.states.index(name), -1] == pytest.approx(H_STAR if name != "C" else YD_STAR, rel=1e-8)
    assert max(np.max(np.abs(obs[n])) for n in _table_checks(dg, cs)) < 1e-10

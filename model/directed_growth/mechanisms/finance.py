"""Finance: profits, dividends and buybacks, conditions on supported firms, private debt."""

from __future__ import annotations

import sympy as sp

from ...core.blocks import Block
from ...core.symbols import aux, lever, param, stock
from ._common import ASSUMED, ESSAY, ref

KEEN = "Keen (1995); Grasselli & Costa Lima (2012); Bovari, Giraud & Mc Isaac (2018), Ecol. Econ. 147"


def finance() -> Block:
    r"""Firms' profits, payouts, the cost of productive credit and private debt.

    Notes
    -----
    Pre-tax profits net of wages, carbon tax, abatement, interest and
    depreciation, plus untargeted R&D subsidies (GEMMES accounting, Bovari et
    al. 2018):

    .. math::

        \Pi^{pre} = Y - W - T_c - A_c + S_{R\&D} - r_f D - \delta_K K, \quad
        \Pi = (1 - t_\pi)\Pi^{pre}, \quad Div = \theta\,\Pi, \quad \Pi_r = \Pi - Div

    The payout ratio (dividends plus buybacks) is :math:`\theta_0` for
    unsupported firms; a share :math:`s_{sup}` of firms receives public support
    with conditions: payouts capped at :math:`c_p\theta_0` and a reinvestment
    floor :math:`f_r` (at least :math:`f_r` of profits retained):
    :math:`\theta = (1-s_{sup})\theta_0 + s_{sup}\min(c_p\theta_0, 1 - f_r)` (smoothly:
    :math:`c_p\theta_0(1-f_r)`). Debt finances the gap between investment and
    internal funds (Keen 1995): :math:`\dot D = I_p - \Pi_r - \delta_K K`.

    The cost of productive credit rises with the public debt ratio (the
    crowding-out channel; Laubach 2009, about 3-4 basis points per percentage
    point of debt to GDP) and falls with the share of credit going to
    productive uses :math:`f` (about 20% in the US and UK per the essay):
    :math:`r_f = r_{cb} + \psi_B (b_n - \bar b) - \kappa_f (f - \bar f)`, where the
    policy rate follows a smoothed Taylor rule on the employment gap,
    :math:`\dot r_{cb} = \rho_{cb}(r_0 + \psi_i(i - \bar\imath) + \psi_L(\lambda - \bar\lambda) - r_{cb})`
    on inflation (labour block) and employment (demand cannot push employment past
    the labour force unopposed), with the debt
    ratio measured on trend output, :math:`b_n = B/Y_T`. The normal
    retained profit rate :math:`\rho_n` (profits at normal utilisation, after
    tax and payouts, per unit of capital) drives investment.

    Climate damages destroy capital: :math:`\delta_K = \delta + f_K a_2 T^2 d_{sw}`
    (DICE-2016R quadratic damages, a third on capital as in GEMMES).
    """
    D = stock("D", "TUSD", "private (firm) net debt", default=18.0, bounds=(None, None),
              description="Firms' debt net of their financial assets; negative when firms are net lenders "
                          "(retained profits exceed investment)",
              source="economics.md sec. 10: US NFC debt about 75% of GDP (BIS)")
    r_cb = stock("r_cb", "1/year", "real policy interest rate", default=0.02, bounds=(None, None),
                 source="equal to the base rate r0 in 2025", latex=r"r_{cb}")
    psi_L = param("psi_L", "1/year", "policy-rate response to the employment gap", default=1.0, bounds=(0.0, 5.0),
                  source="Taylor (1993): 0.5 on the output gap; an employment gap is about half the output gap "
                         "(Okun's law), hence 1.0", latex=r"\psi_L")
    rho_cb = param("rho_cb", "1/year", "speed of policy-rate adjustment", default=0.5, bounds=(0.01, 10.0),
                   source="interest-rate smoothing in estimated Taylor rules (Clarida, Gali & Gertler 2000) [R]",
                   latex=r"\rho_{cb}")
    psi_i = param("psi_i", "dimensionless", "real policy-rate response to the inflation gap", default=0.5,
                  bounds=(0.0, 3.0), source="Taylor (1993): nominal response 1.5, i.e. real response 0.5",
                  latex=r"\psi_i")
    i_ref = param("i_ref", "1/year", "inflation at which policy is neutral", default=0.017, bounds=(-0.05, 0.2),
                  source="2025 value (set by the model factory)", latex=r"\bar\imath")
    lam_ref = param("lam_ref", "dimensionless", "employment rate targeted by monetary policy", default=0.96,
                    bounds=(0.5, 1.0), source="US employment rate 2025 (unemployment about 4%) [R]",
                    latex=r"\bar\lambda")
    omega, Y, I_p, K, T_c, A_c, S_rd, T_at, lam = ref("omega", "Y", "I_p", "K", "T_c", "A_c", "S_rd", "T_at", "lam")
    inflation = ref("inflation")
    B, Y_T, u_n, Y_cap, tc_share, ac_share, rd_subsidy = ref("B", "Y_T", "u_n", "Y_cap", "tc_share", "ac_share",
                                                             "rd_subsidy")
    theta0 = param("theta0", "dimensionless", "payout ratio (dividends and buybacks)", default=0.8,
                   bounds=(0.0, 1.0), source="Lazonick (2014): 91% for the S&P 500 (2003-12); 0.8 for all firms so "
                                             "that the 2025 debt ratio is roughly stable, " + ASSUMED,
                   latex=r"\theta_0")
    t_pi = param("t_pi", "dimensionless", "profit tax rate", default=0.21, bounds=(0.0, 0.6),
                 source="US federal corporate rate since 2018", latex=r"t_\pi")
    delta = param("delta", "1/year", "depreciation of private capital", default=0.05, bounds=(0.0, 0.2),
                  source="BEA private fixed assets, about 5%/yr [R]", latex=r"\delta")
    r0 = param("r0", "1/year", "neutral real policy rate", default=0.02, bounds=(-0.05, 0.2),
               source=ASSUMED, latex=r"r_0")
    psi_B = param("psi_B", "1/year**2", "interest response to the public debt ratio", default=0.035,
                  bounds=(0.0, 0.5), source="Laubach (2009), JEEA 7(4): 3-4 bp per pp of debt/GDP",
                  latex=r"\psi_B")
    b_ref = param("b_ref", "year", "reference public debt ratio (on trend output)", default=1.0, bounds=(0.0, 5.0),
                  source="2025 value (set by the model factory)", latex=r"\bar b")
    kappa_f = param("kappa_f", "1/year", "cost of credit response to its productive share", default=0.02,
                    bounds=(0.0, 0.5), source=ESSAY + "; size " + ASSUMED, latex=r"\kappa_f")
    f_ref = param("f_ref", "dimensionless", "reference productive share of credit", default=0.2, bounds=(0.0, 1.0),
                  source=ESSAY + ": about 20% of finance goes to the productive economy", latex=r"\bar f")
    f_K = param("f_K", "dimensionless", "share of damages falling on capital", default=1 / 3, bounds=(0.0, 1.0),
                source="Bovari et al. (2018), GEMMES", latex=r"f_K")
    a2 = param("a2", "1/delta_degC**2/year", "damage coefficient", default=0.00236, bounds=(0.0, 0.1),
               source="DICE-2016R a2 (economics.md 6.1), read as an annual capital loss rate", latex=r"a_2")
    d_sw = param("d_sw", "dimensionless", "climate damages switch", default=1.0, bounds=(0.0, 1.0),
                 tunable=False, source="1 = damages on, 0 = off", latex=r"d_{sw}")
    s_sup = lever("s_sup", "dimensionless", "share of firms receiving conditional public support", default=0.0,
                  bounds=(0.0, 1.0), source=ESSAY + ": conditions on public support", latex=r"s_{sup}")
    payout_cap = lever("payout_cap", "dimensionless", "payout cap on supported firms (1, shown as 100%, = none)",
                       default=1.0, bounds=(0.0, 1.0), source=ESSAY, latex=r"c_p")
    reinvest_floor = lever("reinvest_floor", "dimensionless", "reinvestment floor on supported firms",
                           default=0.0, bounds=(0.0, 1.0), source=ESSAY, latex=r"f_r")
    f_prod = lever("f_prod", "dimensionless", "share of credit to productive uses", default=0.2, bounds=(0.01, 1.0),
                   source=ESSAY, latex="f")
    W = aux("W", "TUSD/year", "wages")
    Pi_pre = aux("Pi_pre", "TUSD/year", "pre-tax profits", latex=r"\Pi^{pre}")
    Pi = aux("Pi", "TUSD/year", "profits after tax", latex=r"\Pi")
    theta = aux("theta", "dimensionless", "payout ratio", latex=r"\theta")
    Div = aux("Div", "TUSD/year", "dividends and buybacks", latex="Div")
    Pi_r = aux("Pi_r", "TUSD/year", "retained profits", latex=r"\Pi_r")
    pi_r = aux("pi_r", "dimensionless", "retained profit share of output", latex=r"\pi_r")
    r_f = aux("r_f", "1/year", "cost of productive credit", latex=r"r_f")
    delta_K = aux("delta_K", "1/year", "depreciation including climate damages", latex=r"\delta_K")
    D_dot = aux("D_dot", "TUSD/year", "firms' new borrowing (financing gap)", latex=r"\dot D")
    T_pi = aux("T_pi", "TUSD/year", "profit tax", latex=r"T_\pi")
    d = aux("d", "year", "private net debt to output ratio")
    b_n = aux("b_n", "year", "public debt to trend output", latex=r"b_n")
    rho_n = aux("rho_n", "1/year", "retained profit rate at normal utilisation", latex=r"\rho_n")
    return Block(
        name="finance",
        variables=(D, r_cb, psi_L, psi_i, i_ref, rho_cb, lam_ref, theta0, t_pi, delta, r0, psi_B, b_ref, kappa_f, f_ref,
                   f_K, a2, d_sw, s_sup, payout_cap, reinvest_floor, f_prod, W, Pi_pre, Pi, theta, Div, Pi_r, pi_r, r_f,
                   delta_K, D_dot, T_pi, d, b_n, rho_n),
        auxiliaries={
            "W": omega * Y,
            "b_n": B / Y_T,
            "r_f": r_cb.sym + psi_B.sym * (b_n.sym - b_ref.sym) - kappa_f.sym * (f_prod.sym - f_ref.sym),
            "rho_n": (1 - theta.sym) * (1 - t_pi.sym) * ((1 - omega - tc_share - ac_share + rd_subsidy) * u_n * Y_cap
                                                         - r_f.sym * D.sym - delta_K.sym * K) / K,
            "delta_K": delta.sym + f_K.sym * a2.sym * T_at ** 2 * d_sw.sym,
            "Pi_pre": Y - W.sym - T_c - A_c + S_rd - r_f.sym * D.sym - delta_K.sym * K,
            "T_pi": t_pi.sym * Pi_pre.sym,
            "Pi": Pi_pre.sym - T_pi.sym,
            "theta": (1 - s_sup.sym) * theta0.sym
            + s_sup.sym * payout_cap.sym * theta0.sym * (1 - reinvest_floor.sym),
            "Div": theta.sym * Pi.sym,
            "Pi_r": Pi.sym - Div.sym,
            "pi_r": Pi_r.sym / Y,
            "D_dot": I_p - Pi_r.sym - delta_K.sym * K,
            "d": D.sym / Y,
        },
        derivatives={"D": D_dot.sym,
                     "r_cb": rho_cb.sym * (r0.sym + psi_i.sym * (inflation - i_ref.sym)
                                           + psi_L.sym * (lam - lam_ref.sym) - r_cb.sym)},
        identities={
            # firms' uses of funds equal their sources
            "firm_cash_flow": sp.Eq(Y + S_rd + D_dot.sym,
                                    W.sym + T_c + A_c + r_f.sym * D.sym + T_pi.sym + Div.sym + I_p),
        },
        description="Profits, payouts (dividends and buybacks), conditions on supported firms, the cost of "
                    "productive credit and private debt.",
    )

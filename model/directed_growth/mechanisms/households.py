"""Households: disposable income, error-correction consumption, deposits and household debt."""

from __future__ import annotations

import sympy as sp

from ...core.blocks import Block
from ...core.symbols import aux, param, stock
from ._common import ASSUMED, DEFINE, GL2007, ref, smooth_max0

DHSY = "Davidson, Hendry, Srba & Yeo (1978), Econ. J. 88(352): error-correction consumption"
OG = "Onaran & Galanis (2012, 2014): US and UK demand is wage-led (economics.md 11.6; sign [V], magnitudes [U])"


def households() -> Block:
    r"""Households' income, consumption, wealth and debt.

    Notes
    -----
    .. math::

        YD_w &= W - T_W - T_B + TR, \qquad
        YD_\pi = (1-\phi_G)Div + Div_B + r_M M - r_{LH} L_H, \qquad YD = YD_w + YD_\pi, \\
        V_H &= M - L_H + (1-\phi_G)E, \qquad
        C^* = \mathrm{smax}\big((1 - D)\,(c_w YD_w + c_\pi YD_\pi + c_V V_H + Z_H^{eff}),\ 0\big), \\
        \dot C &= g_Z^{eff} C + \kappa_C (C^* - C), \qquad
        C_{act} = S - I_p - I_G - G_C - G_{cap} - G_{RD}, \\
        q_H &= \frac{1 - f}{1 - \bar f}, \qquad Z_H^{eff} = (Z_H - Z_{H,x})\,\big(1 - \min(\chi_H, 1)(1 - q_H)\big), \\
        \dot L_H &= \big(\chi_H (Z_H - Z_{H,x}) + \min(\chi_H, 1) Z_{H,x}\big) q_H - \rho_H L_H, \qquad
        \dot M = YD - C_{act} + \dot L_H

    Consumption out of wage income, capital income and wealth with different propensities (Godley
    & Lavoie 2007; wage-led when :math:`c_w > c_\pi`, Onaran & Galanis), adjusting to its target
    with an error-correction lag (Davidson et al. 1978; DEFINE's one-year lags, economics.md 11.13):
    on a balanced path :math:`C = C^*`. Autonomous consumption :math:`Z_H` is credit-financed
    (Pariboni 2016): new household loans are a share :math:`\chi_H` of it (set so that the household
    debt ratio is at rest at the start) and a share :math:`\rho_H` of the debt is repaid each year.
    The productive-credit share :math:`f` (finance block) allocates new bank credit as a quantity:
    household credit, the unproductive use (mortgages and consumer credit), gets :math:`q_H` times its
    reference flow, :math:`1 - f` of new credit against :math:`1 - \bar f` (economics.md 8, item 4). The
    autonomous consumption the withheld loans would have financed is not made: the loan-financed part
    :math:`\min(\chi_H, 1) Z_H` shrinks by :math:`1 - q_H` (dollar for dollar while :math:`\chi_H \le 1`; when
    new loans exceed autonomous consumption the excess finances no demand, e.g. purchases of existing homes,
    so at most all of :math:`Z_H` is lost). For the same reason the exogenous autonomous spending
    :math:`Z_{H,x}` (demand block; 0 except in the historical replays) is financed by new loans at
    :math:`\min(\chi_H, 1)`, at most dollar for dollar: :math:`\chi_H = (g + \rho_H) L_H / Z_H` is set by the
    start's debt at rest, and the loans above :math:`Z_H` it implies finance existing assets, a flow tied to the
    debt, not to new spending. At the edge of the start region (:math:`Z_H \to 0^+`) :math:`\chi_H` is unbounded:
    the US 1970-99 out-of-sample fit's mode has :math:`\chi_H = 48{,}076` at its 2000 start, and the observed
    residential-investment deviation financed at it took household debt to 19,816 times output by 2008 and
    employment to 0.15 (issue 14). At :math:`f = \bar f`, :math:`q_H = 1` exactly. Damages scale
    consumption demand by :math:`1-D` (DEFINE 1.1). Target consumption is floored at zero (a smooth
    maximum, :func:`smooth_max0`): consumption cannot be negative, and when taxes exceed wage income (a
    debt-stabilising tax under severe damages, issue 14) the target would be; households then dissave
    (deposits fall). Realised consumption :math:`C_{act}` is what
    supply leaves after investment and government purchases (DEFINE rations consumption); the
    difference from :math:`C` is forced saving, held as deposits :math:`M`, so the household
    budget closes. ``leakage`` is one minus the marginal propensity to consume out of output
    (the supermultiplier's :math:`s`; the investment share stays below it).
    """
    C = stock("C", "TUSD/year", "consumption demand", default=15.0, bounds=(0.0, None),
              source="start value: the target C* (set by the model factory)")
    M = stock("M", "TUSD", "deposits", default=48.0, bounds=(None, None),
              source="start value from the bank balance sheet M = L_F + L_H + B - NW_B (set by the model factory)")
    L_H = stock("L_H", "TUSD", "household loans", default=9.1, bounds=(None, None),
                source="economics.md 11.12: US bank loans to households 38% of GDP (JST thh, 2019) [V]",
                latex=r"L_H")
    c_w = param("c_w", "dimensionless", "propensity to consume out of wage income", default=0.7,
                bounds=(0.4, 0.95), source=OG + "; c_w > c_pi, size " + ASSUMED + " (imports absorbed)",
                latex=r"c_w")
    c_pi = param("c_pi", "dimensionless", "propensity to consume out of capital income", default=0.35,
                 bounds=(0.0, 0.6), source=OG + "; size " + ASSUMED, latex=r"c_\pi")
    c_V = param("c_V", "1/year", "propensity to consume out of wealth", default=0.048, bounds=(0.0, 0.08),
                source=DEFINE + ": c2 = 0.048, econometric [V]; DEFINE-SIMPLE 0.0498", latex=r"c_V")
    kappa_C = param("kappa_C", "1/year", "speed of consumption adjustment", default=1.0, bounds=(0.1, 10.0),
                    source=DHSY + "; DEFINE's one-year lag (economics.md 11.13) gives 1/yr; prior [0.25, 4] "
                           + ASSUMED, latex=r"\kappa_C")
    rho_H = param("rho_H", "1/year", "repayment rate of household loans", default=0.1, bounds=(0.02, 0.3),
                  source="about one over the average maturity of household debt (mortgages amortise over 15-30 "
                         "years, consumer credit within a few): " + ASSUMED, latex=r"\rho_H")
    chi_H = param("chi_H", "dimensionless", "loan-financed share of autonomous household consumption", default=0.7,
                  bounds=(None, None), tunable=False,
                  source="set by the model factory so that the household debt ratio is at rest at the start",
                  latex=r"\chi_H")
    YD_w = aux("YD_w", "TUSD/year", "disposable wage income", latex=r"YD_w")
    YD_pi = aux("YD_pi", "TUSD/year", "disposable capital income", latex=r"YD_\pi")
    YD = aux("YD", "TUSD/year", "household disposable income", latex=r"YD")
    V_H = aux("V_H", "TUSD", "household net wealth", latex=r"V_H")
    eps_C = param("eps_C", "TUSD/year", "width of the smooth zero floor of target consumption", default=1e-6,
                  bounds=(1e-9, 1e-3), tunable=False,
                  source="numerical: 1 million USD a year, so the floor leaves any target above 0.1 TUSD a year exact "
                         "in double precision (a hyperbolic smooth maximum, uncapped)", latex=r"\epsilon_C")
    C_star = aux("C_star", "TUSD/year", "target consumption", latex=r"C^*")
    C_act = aux("C_act", "TUSD/year", "realised consumption", latex=r"C_{act}")
    L_H_dot = aux("L_H_dot", "TUSD/year", "new household borrowing, net", latex=r"\dot L_H")
    q_H = aux("q_H", "dimensionless", "allocation factor of new household credit, (1 - f) / (1 - f_ref)",
              latex=r"q_H")
    Z_H_eff = aux("Z_H_eff", "TUSD/year", "autonomous household consumption after the credit allocation",
                  latex=r"Z_H^{eff}")
    M_dot = aux("M_dot", "TUSD/year", "household saving in deposits", latex=r"\dot M")
    leakage = aux("leakage", "dimensionless", "leakage out of output (one minus the propensity to consume)",
                  latex="s")
    d_H = aux("d_H", "year", "household debt to output", latex=r"d_H")
    (W, T_W, T_B, TR, Div, Div_B, r_M, r_LH, phi_G, E, Z_H, D, g_Z_eff, Y, I_p, I_G, G_C, G_cap, t_w, omega,
     tc_share, rd_share, theta, t_pi, sup_share) = ref(
        "W", "T_W", "T_B", "TR", "Div", "Div_B", "r_M", "r_LH", "phi_G", "E_F", "Z_H", "D_dmg", "g_Z_eff", "Y", "I_p",
        "I_G", "G_C", "G_cap", "t_w", "omega", "tc_share", "rd_share", "theta", "t_pi", "sup_share")
    rho_TR, G_RD, S_fin = ref("carbon_dividend", "G_RD", "S_fin")
    f_prod, f_ref, Z_Hx = ref("f_prod", "f_ref", "Z_Hx")
    mpc_Y = c_w.sym * ((1 - t_w) * omega + rho_TR * tc_share) \
        + c_pi.sym * (1 - phi_G) * theta * (1 - t_pi) * (1 - omega - tc_share + rd_share + sup_share)
    return Block(
        name="households",
        variables=(C, M, L_H, c_w, c_pi, c_V, kappa_C, rho_H, chi_H, YD_w, YD_pi, YD, V_H, C_star, eps_C, C_act,
                   L_H_dot, q_H, Z_H_eff, M_dot,
                   leakage, d_H),
        auxiliaries={
            "YD_w": W - T_W - T_B + TR,
            "YD_pi": (1 - phi_G) * Div + Div_B + r_M * M.sym - r_LH * L_H.sym,
            "YD": YD_w.sym + YD_pi.sym,
            "V_H": M.sym - L_H.sym + (1 - phi_G) * E,
            "q_H": (1 - f_prod) / (1 - f_ref),
            "Z_H_eff": (Z_H - Z_Hx) * (1 - sp.Min(chi_H.sym, 1) * (1 - q_H.sym)),
            "C_star": smooth_max0((1 - D) * (c_w.sym * YD_w.sym + c_pi.sym * YD_pi.sym + c_V.sym * V_H.sym
                                         + Z_H_eff.sym), eps_C.sym),
            "C_act": S_fin - I_p - I_G - G_C - G_cap - G_RD,
            "L_H_dot": (chi_H.sym * (Z_H - Z_Hx) + sp.Min(chi_H.sym, 1) * Z_Hx) * q_H.sym - rho_H.sym * L_H.sym,
            "M_dot": YD.sym - C_act.sym + L_H_dot.sym,
            "leakage": 1 - (1 - D) * mpc_Y,
            "d_H": L_H.sym / Y,
        },
        derivatives={
            "C": g_Z_eff * C.sym + kappa_C.sym * (C_star.sym - C.sym),
            "M": M_dot.sym,
            "L_H": L_H_dot.sym,
        },
        description="Households: disposable income by source, error-correction consumption out of wage income, "
                    "capital income and wealth, deposits and household debt (" + GL2007 + "; " + DHSY + ").",
    )

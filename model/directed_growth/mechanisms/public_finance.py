"""Public finances: taxes, transfers, the carbon-revenue use, the public stake, debt and its premium."""

from __future__ import annotations

import sympy as sp

from ...core.blocks import Block
from ...core.symbols import aux, exogenous, lever, param, stock
from ._common import ESSAY, ref, soft_cap, soft_floor

CBO = "CBO WP 2019-01: 2-3 bp per pp of federal debt/GDP [V]; Laubach (2009) 3-4 [R] (economics.md 11.11)"


def public_finance() -> Block:
    r"""Government budget, public debt, the sovereign premium and the public equity stake.

    Notes
    -----
    .. math::

        \dot B &= G_C + G_{cap} + I_G + G_{RD} + S_{R\&D} + S_{sup} + TR + r_B B - T_W - T_B - T_\pi - T_c
        - \phi_G Div - \Pi_{CB}, \\
        T_W &= t_w W, \quad T_B = \big(\beta_B + \mathrm{smax}(r_B - g_Z^{eff}, 0)\big)(B - \bar b\,u_n Y_{cap}),
        \quad TR = \rho_{TR} T_c, \quad
        G_C = z_G Z + g_{C,shock} Y_T, \quad \dot\phi_G = e\,(1 - \phi_G)\max(\dot s_{sup}, 0), \\
        sp_G &= \mathrm{smin}\big(\mathrm{smax}(sp_{G0} + \psi_B (b_p - \bar b), 0), sp_{max}\big), \qquad
        b_p = \frac{B}{u_n Y_{cap}}

    Taxes respond to the debt ratio (Bohn 1998: the US primary surplus rises by 0.054 of GDP per
    unit of debt to GDP), more strongly when the interest rate on debt exceeds the growth of
    autonomous demand (the response then exceeds :math:`r - g`, so that the debt ratio converges
    whatever the interest rate: Freitas & Christianes 2020, economics.md 3); the debt-stabilising
    tax :math:`T_B` is paid by households. The reaction is on the debt ratio to potential output
    :math:`u_n Y_{cap}` (output at normal utilisation of capacity net of climate damages and abatement,
    supply block; equal to output at the start), not to actual output: Bohn (1998) estimates the debt response
    with the cyclical components of output and spending as separate regressors (Barro's YVAR and GVAR), so
    his 0.054 is the response net of the business cycle, and the model's cyclical response is the wage tax
    :math:`t_w W`. On actual output a recession raised the debt ratio and with it the tax, a pro-cyclical
    contraction that took employment below 0.7 in 0.3-1% of draws without climate damages (issue 14). On
    potential output the debt that damages add is still seen (damages lower capacity), unlike on trend output
    :math:`Y_T`, on which spending shares are set and which damages do not lower. Carbon-tax
    revenue is returned to households as a lump sum (share :math:`\rho_{TR}`), spent on green
    public investment (share :math:`\rho_{GI}` of the rest, public investment block) or reduces
    the deficit (the remainder). The state takes an equity stake :math:`e` in the firms that take its
    support as a condition of support (Mazzucato 2025): firms entering support (take-up :math:`s_{sup}` rising,
    public support block) issue a share :math:`e` of their privately held equity to the government, so the
    public share of firm equity :math:`\phi_G` is a stock that rises by :math:`e(1-\phi_G)\dot s_{sup}` while
    take-up rises. The stake is the consideration for the support subsidy :math:`S_{sup}` the government
    pays (an equity-for-support swap, like the US stake in Intel for CHIPS grants: the subsidy is its price,
    booked each year as a transaction; the new shares move no money and dilute the private owners, whose
    dividends given up are part of the cost of conditions that decides take-up). Shares once held are
    kept when take-up falls or a policy reverts (selling them would be a privatisation, a transaction the
    model does not have), and the stake :math:`\phi_G E` receives its share of dividends, diverted from
    households to the public fund. The
    sovereign premium rises with public debt over potential output (CBO 2019; Laubach 2009, JEEA 7(4), regresses
    forward rates on CBO's projected debt to GDP, projections that return output to its potential), floored at
    zero (never extrapolated below zero debt) and capped. Potential output is output at normal utilisation of
    capacity, :math:`u_n Y_{cap}` (capacity net of climate damages and abatement, supply block), equal to output
    at the start: a state of the economy, not actual output, because the loan rate the premium enters sets
    investment and so output in the same instant (debt over actual output would make output depend on itself).
    It was debt over trend output :math:`Y_T = Z/z_T` before issue 14; in a boom under tight money, autonomous
    demand stalls and trend output fell to 60% of output and of capacity, so the premium rose by 4-8 pp on a
    debt ratio to output of 1.9, the debt-stabilising tax with it (its :math:`r_B - g` term), and the bust that
    followed took employment below 0.7 (2% of market-shaping draws without damages, issue 14).

    Government consumption is the autonomous share :math:`z_G Z` plus a generic spending shock, a share
    ``g_C_shock`` of trend output (an exogenous input, 0 by default: the impulse-response experiments step
    it, issue 14); extra public R&D spending :math:`G_{RD}` (technology block) adds to the deficit.
    """
    B = stock("B", "TUSD", "public debt", default=24.0, bounds=(None, None),
              source="economics.md 11.12: US general government debt 1.068 of GDP (JST, 2019); CBO: debt held by "
                     "the public 99% of GDP (2024) [V]")
    t_w = param("t_w", "dimensionless", "tax rate on wages", default=0.25, bounds=(None, None), tunable=False,
                source="set by the model factory so that the start deficit keeps the public debt ratio constant",
                latex=r"t_w")
    z_G = param("z_G", "dimensionless", "government consumption share of autonomous demand", default=0.8,
                bounds=(None, None), tunable=False,
                source="set by the model factory: G_C / Z at the start (data: government "
                                          "consumption share of output)", latex=r"z_G")
    beta_B = param("beta_B", "1/year", "tax response to the public debt ratio", default=0.054, bounds=(0.0, 0.5),
                   source="Bohn (1998), QJE 113(3): US primary surplus response 0.054 to debt/GDP",
                   latex=r"\beta_B")
    b_ref = param("b_ref", "year", "reference public debt ratio (on trend output)", default=1.0, bounds=(None, None),
                  tunable=False,
                  source="start value (set by the model factory)", latex=r"\bar b")
    sp_G0 = param("sp_G0", "1/year", "sovereign premium at the reference debt ratio", default=0.005,
                  bounds=(0.0, 0.03), source="term premium of public debt over the policy rate, about 0.5 pp [R]",
                  latex=r"sp_{G0}")
    psi_B = param("psi_B", "1/year**2", "sovereign premium response to the public debt ratio", default=0.025,
                  bounds=(0.0, 0.1), source=CBO, latex=r"\psi_B")
    equity_stake = lever("equity_stake", "dimensionless", "public equity stake in supported firms", default=0.0,
                         bounds=(0.0, 1.0), source=ESSAY + ": public stakes socialise rewards", latex="e")
    rho_TR = lever("carbon_dividend", "dimensionless", "share of carbon-tax revenue returned to households",
                   default=0.0, bounds=(0.0, 1.0), source="issue 12: the carbon-tax revenue use is a lever",
                   latex=r"\rho_{TR}")
    rho_GI = lever("carbon_green", "dimensionless", "share of the remaining carbon-tax revenue spent on green "
                   "public investment", default=0.0, bounds=(0.0, 1.0),
                   source="issue 12: the carbon-tax revenue use is a lever (the rest reduces the deficit)",
                   latex=r"\rho_{GI}")
    g_C_shock = exogenous("g_C_shock", "dimensionless", "generic government consumption shock (share of trend output)",
                          default=0.0,
                          description="Government consumption beyond z_G Z, as a share of trend output Y_T; 0 in "
                                      "every reference path (the impulse-response experiments step it)",
                          source="issue 14: the generic-spending shock of the impulse-response calibration "
                                 "(Antolin-Diaz & Surico, economics.md 11)", latex=r"g_{C,shock}")
    G_C = aux("G_C", "TUSD/year", "government consumption", latex=r"G_C")
    T_W = aux("T_W", "TUSD/year", "tax on wages", latex=r"T_W")
    T_B = aux("T_B", "TUSD/year", "debt-stabilising tax (negative: tax cut)", latex=r"T_B")
    TR = aux("TR", "TUSD/year", "carbon dividend to households", latex="TR")
    CI_G = aux("CI_G", "TUSD/year", "carbon revenue appropriated for green public investment", latex=r"CI_G")
    phi_G = stock("phi_G", "dimensionless", "public share of firm equity", default=0.0, bounds=(None, None),
                  description="Stays in [0, 1): it rises only by the equity issued to the government by firms "
                              "entering conditional support, e (1 - phi_G) per unit of take-up",
                  source="none held in 2025 (business as usual has no stake)", latex=r"\phi_G")
    Div_G = aux("Div_G", "TUSD/year", "dividends received by the government", latex=r"Div_G")
    F_pub = aux("F_pub", "TUSD", "public equity stake (book value)", latex=r"F_{pub}")
    sp_G = aux("sp_G", "1/year", "sovereign premium", latex=r"sp_G")
    B_dot = aux("B_dot", "TUSD/year", "public deficit", latex=r"\dot B")
    b = aux("b", "year", "public debt to output ratio")
    b_n = aux("b_n", "year", "public debt to trend output", latex=r"b_n")
    b_p = aux("b_p", "year", "public debt to potential output", latex=r"b_p",
              description="Public debt over output at normal utilisation of capacity, u_n Y_cap (capacity net of "
                          "climate damages and abatement): the debt ratio the sovereign premium responds to")
    W, T_pi, T_c, I_G, G_cap, Z, S_rd, Y, Div, Y_T, E, r_B, Pi_CB, sp_max, eps_r = ref(
        "W", "T_pi", "T_c", "I_G", "G_cap", "Z", "S_rd", "Y", "Div", "Y_T", "E_F", "r_B", "Pi_CB", "sp_max",
        "eps_r")
    g_Z_eff, S_sup, s_rate, G_RD = ref("g_Z_eff", "S_sup", "s_sup_rate", "G_RD")
    Y_cap, u_n = ref("Y_cap", "u_n")
    tb_due = (beta_B.sym + soft_floor(r_B - g_Z_eff, 0, eps_r)) * (B.sym - b_ref.sym * u_n * Y_cap)
    premium = sp_G0.sym + psi_B.sym * (b_p.sym - b_ref.sym)
    return Block(
        name="public finance",
        variables=(B, t_w, z_G, beta_B, b_ref, sp_G0, psi_B, equity_stake, rho_TR, rho_GI, G_C, T_W, T_B, TR, CI_G,
                   phi_G, Div_G, F_pub, sp_G, B_dot, b, b_n, b_p, g_C_shock),
        auxiliaries={
            "b": B.sym / Y,
            "b_n": B.sym / Y_T,
            "b_p": B.sym / (u_n * Y_cap),
            "G_C": z_G.sym * Z + g_C_shock.sym * Y_T,
            "T_W": t_w.sym * W,
            "T_B": tb_due,
            "TR": rho_TR.sym * T_c,
            "CI_G": rho_GI.sym * (1 - rho_TR.sym) * T_c,
            "Div_G": phi_G.sym * Div,
            "F_pub": phi_G.sym * E,
            "sp_G": soft_cap(soft_floor(premium, 0, eps_r), sp_max, 20),
            "B_dot": G_C.sym + G_cap + I_G + G_RD + S_rd + S_sup + TR.sym + r_B * B.sym - T_W.sym - T_B.sym - T_pi - T_c
            - Div_G.sym - Pi_CB,
        },
        derivatives={"B": B_dot.sym,
                     "phi_G": equity_stake.sym * (1 - phi_G.sym) * sp.Max(s_rate, 0)},
        description="Revenues (wage, profit, debt-stabilising and carbon taxes), spending, transfers, the carbon "
                    "revenue use, the public equity stake, public debt and the sovereign premium.",
    )

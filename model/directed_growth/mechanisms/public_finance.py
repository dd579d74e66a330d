"""Public finances: revenues, spending, public debt and a public equity fund."""

from __future__ import annotations

import sympy as sp

from ...core.blocks import Block
from ...core.symbols import aux, lever, param, stock
from ._common import ASSUMED, ESSAY, ref


def public_finance() -> Block:
    r"""Government budget, public debt and the public equity fund (socialised rewards).

    Notes
    -----
    .. math::

        R &= t_w W + T_B + T_\pi + T_c + \phi_F F_{pub}, \qquad T_B = \beta_B (B - \bar b Y_T), \\
        G = I_G + G_{cap} + z_G Z + S_{R\&D} + r_G B \\
        \dot B &= G - R, \qquad
        \dot F_{pub} = e\,s_{sup}\,Div + r_G F_{pub} - \phi_F F_{pub}, \qquad b = B/Y

    The state takes an equity stake :math:`e` in the firms it supports, as the
    price of support (no purchase outlay: the stake is a condition of support,
    Mazzucato 2025, "socialising rewards as well as risks"); the stake's
    dividends accumulate in a fund that earns interest and pays a share
    :math:`\phi_F` a year to the budget. Government consumption is a share
    :math:`z_G` of autonomous demand. The state borrows at the base rate
    :math:`r_G = r_0` (a monetarily sovereign issuer); the debt ratio raises
    the cost of *private* credit instead (the crowding-out channel, finance block).

    Taxes respond to the debt ratio (a fiscal reaction function: Bohn 1998
    estimates that the US primary surplus rises by about 0.054 of GDP per unit
    of debt to GDP): the debt-stabilising tax :math:`T_B` (negative when debt
    is below its reference, a tax cut) is paid by households and lowers their
    consumption (demand block). Spending paths are therefore financed in the
    long run, with the fiscal cost visible in :math:`T_B`.
    """
    B = stock("B", "TUSD", "public debt", default=24.0, bounds=(None, None),
              source="economics.md sec. 10: US federal debt held by the public about 97% of GDP (2024)")
    F = stock("F_pub", "TUSD", "public equity fund", default=0.0, bounds=(None, None), source="none in 2025")
    t_w = param("t_w", "dimensionless", "tax rate on wages", default=0.2, bounds=(0.0, 0.6),
                source="set by the model factory so that the 2025 deficit keeps the public debt ratio constant "
                       "(deficit = g_Z B)", latex=r"t_w")
    z_G = param("z_G", "dimensionless", "government consumption share of autonomous demand", default=0.6,
                bounds=(0.0, 1.0), source=ASSUMED, latex=r"z_G")
    phi_F = param("phi_F", "1/year", "payout rate of the public fund to the budget", default=0.04,
                  bounds=(0.0, 0.5), source="Norway's fiscal rule: about 3% of the fund a year; " + ASSUMED,
                  latex=r"\phi_F")
    beta_B = param("beta_B", "1/year", "tax response to the public debt ratio", default=0.054, bounds=(0.0, 0.5),
                   source="Bohn (1998), QJE 113(3): US primary surplus response 0.054 to debt/GDP",
                   latex=r"\beta_B")
    equity_stake = lever("equity_stake", "dimensionless", "public equity stake in supported firms", default=0.0,
                         bounds=(0.0, 1.0), source=ESSAY + ": public stakes socialise rewards", latex="e")
    T_B = aux("T_B", "TUSD/year", "debt-stabilising tax (negative: tax cut)", latex=r"T_B")
    revenue = aux("revenue", "TUSD/year", "government revenue", latex="R")
    spending = aux("spending", "TUSD/year", "government spending including interest", latex="G")
    r_G = aux("r_G", "1/year", "interest rate on public debt", latex=r"r_G")
    Div_G = aux("Div_G", "TUSD/year", "dividends received by the public fund", latex=r"Div_G")
    B_dot = aux("B_dot", "TUSD/year", "public deficit", latex=r"\dot B")
    b = aux("b", "year", "public debt to output ratio")
    W, T_pi, T_c, I_G, G_cap, Z, S_rd, Y, Div, s_sup, r0, Y_T, b_ref = ref(
        "W", "T_pi", "T_c", "I_G", "G_cap", "Z", "S_rd", "Y", "Div", "s_sup", "r0", "Y_T", "b_ref")
    return Block(
        name="public finance",
        variables=(B, F, t_w, z_G, phi_F, beta_B, equity_stake, T_B, revenue, spending, r_G, Div_G, B_dot, b),
        auxiliaries={
            "b": B.sym / Y,
            "r_G": r0,
            "T_B": beta_B.sym * (B.sym - b_ref * Y_T),
            "revenue": t_w.sym * W + T_B.sym + T_pi + T_c + phi_F.sym * F.sym,
            "spending": I_G + G_cap + z_G.sym * Z + S_rd + r_G.sym * B.sym,
            "Div_G": equity_stake.sym * s_sup * Div,
            "B_dot": spending.sym - revenue.sym,
        },
        derivatives={
            "B": B_dot.sym,
            "F_pub": Div_G.sym + r_G.sym * F.sym - phi_F.sym * F.sym,
        },
        identities={"budget": sp.Eq(B_dot.sym + t_w.sym * W + T_B.sym + T_pi + T_c + phi_F.sym * F.sym,
                                    I_G + G_cap + z_G.sym * Z + S_rd + r_G.sym * B.sym)},
        description="Revenues (including the carbon tax), spending, interest, public debt and a public equity "
                    "fund receiving the state's share of profits.",
    )

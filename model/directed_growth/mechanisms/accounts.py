"""The model's balance sheet and transactions-flow matrix (Godley tables), checked on every run."""

from __future__ import annotations

from ...core.accounts import GodleyTable, Row, dot
from ...core.blocks import Block
from ._common import GL2007, ref

#: balance-sheet sectors (columns)
BS_SECTORS = ("households", "firms", "banks", "government", "central bank")
#: transactions-flow sectors (columns): current and capital accounts of firms and banks
TFM_SECTORS = ("households", "firms current", "firms capital", "banks current", "banks capital", "government",
               "central bank")


def balance_sheet() -> GodleyTable:
    r"""The balance sheet: assets +, liabilities -; financial rows sum to zero; each sector's net worth
    balances its column. The bank column is the redundant equation :math:`M = L_F + L_H + B - NW_B`
    (deposits come from the household budget, loans from firms' and households' budgets, bonds
    from the government's): checked, not imposed. Firm equity is at book value, so firms' net worth
    is zero; the public stake :math:`\phi_G E` is the government's: the consideration for the support subsidy that
    supported firms take (public support block), its dividends the public fund's."""
    M, R, L_F, L_H, B_B, B, B_CB, E, phi_G, K, K_G, V_H, NW_B, Y, INV = ref(
        "M", "R", "L_F", "L_H", "B_B", "B", "B_CB", "E_F", "phi_G", "K", "K_G", "V_H", "NW_B", "Y", "INV")
    return GodleyTable(
        "bs", "Balance sheet", "balance_sheet", BS_SECTORS, (
            Row("Deposits", {"households": M, "banks": -M}),
            Row("Reserves", {"banks": R, "central bank": -R}),
            Row("Loans to firms", {"firms": -L_F, "banks": L_F}),
            Row("Loans to households", {"households": -L_H, "banks": L_H}),
            Row("Government bonds", {"banks": B_B, "government": -B, "central bank": B_CB}),
            Row("Equity", {"households": (1 - phi_G) * E, "firms": -E, "government": phi_G * E}),
            Row("Private capital", {"firms": K}, kind="tangible"),
            Row("Inventories", {"firms": INV}, kind="tangible"),
            Row("Public capital", {"government": K_G}, kind="tangible"),
            Row("Net worth", {"households": -V_H, "banks": -NW_B, "government": -(K_G + phi_G * E - B)},
                kind="net_worth"),
        ), scale=Y, source=GL2007 + ", ch. 2, 10-11; economics.md 11.4a (five-sector layout)")


def transactions_flow() -> GodleyTable:
    r"""The transactions-flow matrix: sources +, uses -; every row and every column sums to zero, and
    the sectors' net lending (their flow rows) adds up to zero. Scaled by output."""
    (C_act, G_C, G_cap, I_G, I_p, delta_K, K, W, T_W, T_B, TR, T_pi, T_c, S_rd, S_sup, r_L, L_F, r_LH, L_H, r_M, M,
     r_B, B, B_B, B_CB, r_cb, R, Div, phi_G, Pi_r, Div_B, Pi_Br, Pi_CB, rho_R, Y) = ref(
        "C_act", "G_C", "G_cap", "I_G", "I_p", "delta_K", "K", "W", "T_W", "T_B", "TR", "T_pi", "T_c", "S_rd", "S_sup",
        "r_L", "L_F", "r_LH", "L_H", "r_M", "M", "r_B", "B", "B_B", "B_CB", "r_cb", "R", "Div", "phi_G", "Pi_r",
        "Div_B", "Pi_Br", "Pi_CB", "rho_res", "Y")
    G_RD, INV = ref("G_RD", "INV")
    Fc, Fk, Bc, Bk = "firms current", "firms capital", "banks current", "banks capital"
    H, G, CB = "households", "government", "central bank"
    return GodleyTable(
        "tfm", "Transactions-flow matrix", "transactions_flow", TFM_SECTORS, (
            Row("Consumption", {H: -C_act, Fc: C_act}),
            Row("Government consumption", {Fc: G_C, G: -G_C}),
            Row("Capability spending", {Fc: G_cap, G: -G_cap}),
            Row("Public investment", {Fc: I_G, G: -I_G}),
            Row("Public R&D", {Fc: G_RD, G: -G_RD}),
            Row("Private investment", {Fc: I_p, Fk: -I_p}),
            Row("Change in inventories", {Fc: dot(INV), Fk: -dot(INV)}),
            Row("Depreciation incl. damages", {Fc: -delta_K * K, Fk: delta_K * K}),
            Row("Wages", {H: W, Fc: -W}),
            Row("Wage tax", {H: -T_W, G: T_W}),
            Row("Debt-stabilising tax", {H: -T_B, G: T_B}),
            Row("Carbon dividend", {H: TR, G: -TR}),
            Row("Profit tax", {Fc: -T_pi, G: T_pi}),
            Row("Carbon tax", {Fc: -T_c, G: T_c}),
            Row("R&D subsidy", {Fc: S_rd, G: -S_rd}),
            Row("Public support to firms", {Fc: S_sup, G: -S_sup}),
            Row("Interest on firm loans", {Fc: -r_L * L_F, Bc: r_L * L_F}),
            Row("Interest on household loans", {H: -r_LH * L_H, Bc: r_LH * L_H}),
            Row("Interest on deposits", {H: r_M * M, Bc: -r_M * M}),
            Row("Interest on bonds", {Bc: r_B * B_B, G: -r_B * B, CB: r_B * B_CB}),
            Row("Interest on reserves", {Bc: r_cb * R, CB: -r_cb * R}),
            Row("Dividends", {H: (1 - phi_G) * Div, Fc: -Div, G: phi_G * Div}),
            Row("Retained profits", {Fc: -Pi_r, Fk: Pi_r}),
            Row("Bank dividends", {H: Div_B, Bc: -Div_B}),
            Row("Retained bank profits", {Bc: -Pi_Br, Bk: Pi_Br}),
            Row("Central bank profits", {G: Pi_CB, CB: -Pi_CB}),
            Row("Change in deposits", {H: -dot(M), Bk: dot(M)}, kind="change"),
            Row("Change in reserves", {Bk: -rho_R * dot(M), CB: rho_R * dot(M)}, kind="change"),
            Row("Change in firm loans", {Fk: dot(L_F), Bk: -dot(L_F)}, kind="change"),
            Row("Change in household loans", {H: dot(L_H), Bk: -dot(L_H)}, kind="change"),
            Row("Change in government bonds", {Bk: -(dot(B) - rho_R * dot(M)), G: dot(B), CB: -rho_R * dot(M)},
                kind="change"),
        ), scale=Y, source=GL2007 + ", ch. 2, 10-11; economics.md 11.4a (rows), 11.15.4 (checks)")


def accounts() -> Block:
    """The model's two Godley tables (no equations: every entry is a flow or stock of another block, so a
    failing row or column points to a wrong equation)."""
    return Block(name="accounts", tables=(balance_sheet(), transactions_flow()),
                 description="Balance sheet and transactions-flow matrix of households, firms, banks, government "
                             "and central bank (" + GL2007 + ").")

"""Inventories: production to expected sales plus an inventory correction; sales surprises met from stocks."""

from __future__ import annotations

from ...core.blocks import Block
from ...core.symbols import aux, param, stock
from ._common import GL2007, ref, soft_cap

GL_DIS = (GL2007 + ", ch. 9 (model DIS): y = s_e + (in_e - in_-1), in_T = sigma_T s_e, "
          "in_e = in_-1 + gamma (in_T - in_-1), s_e = beta s_-1 + (1 - beta) s_e,-1 (economics.md 11.4a, 11.13)")
#: the conversion of Godley & Lavoie's per-period partial adjustment into a continuous-time rate
PERIOD = ("a share x of the gap closed per period of one year is the continuous rate -ln(1 - x) [1/year] (the same "
          "gap left after one year)")


def inventories() -> Block:
    r"""Expected sales, inventories, production and realised sales.

    Notes
    -----
    Firms produce to the sales they expect plus an inventory correction, and meet sales surprises from
    inventories (Godley & Lavoie 2007, ch. 9, model DIS, in continuous time):

    .. math::

        Y_D &= (1 - s_{inv})\frac{C + I_G + G_C + G_{cap} + G_{RD} + Z_{H,x}}{1 - h_{eff}}
              + s_{inv}\,Y^{pl}, \qquad
        Y^{pl} = S^e (1 + g_Z^{eff}\sigma_N) + \gamma_N(\sigma_N S^e - IN), \\
        S_D &= C + I_p + I_G + G_C + G_{cap} + G_{RD} + Z_{H,x}, \qquad
        S = (1 - s_{inv})\,Y + s_{inv}\,\mathrm{smin}\Big(S_D,\ Y + \frac{IN}{\tau_N}\,
            \frac{IN}{IN + \sigma_N S^e}\Big), \\
        \dot S^e &= g_Z^{eff} S^e + \beta_S (S - S^e), \qquad \dot{IN} = Y - S

    :math:`Y_D` is the output firms want to produce (the supply block makes output
    :math:`Y = \mathrm{smin}(Y_D, Y_S)`): expected sales, the growth of the inventory target
    :math:`\sigma_N S^e` on the trend (GL's :math:`in^e - in_{-1}` at rest) and the correction of a share
    :math:`\gamma_N` a year of the gap between target and actual inventories :math:`IN`. Output (GDP) is
    production, final sales plus the change in inventories. Final sales demand :math:`S_D` (consumption,
    private investment :math:`I_p = h_{eff} Y` and government purchases) is met from production and
    inventories: realised sales :math:`S` equal demand while inventories last and are capped smoothly
    (:func:`~model.directed_growth.mechanisms._common.soft_cap`) at production plus the stock drawn
    down within :math:`\tau_N`, so inventories stay positive and, once they run low, demand is rationed
    (consumption first, households block). The drawable stock is scaled by :math:`IN/(IN + \sigma_N S^e)`
    (modelling assumption: firms draw down stocks more reluctantly the further they fall below their target;
    half the stock at the target): with a cap linear in :math:`IN` an exhausted stock decays exponentially
    at :math:`1/\tau_N` and, after decades of rationing under severe climate damages, reaches zero within the
    solver's tolerance (7.5% of 2,000 calibrated draws stopped there); with the quadratic scaling the stock
    decays at most algebraically, :math:`IN \ge \sigma_N S^e \tau_N / t`. Expected sales adapt to realised
    sales at the rate
    :math:`\beta_S` on the trend (as consumption, households block), so that on a balanced path
    :math:`S^e = S`, :math:`IN = \sigma_N S` and :math:`Y = (1 + g\sigma_N)S` (up to the soft supply ceiling's
    gap between planned and realised production, start state). A step of final sales
    demand is met at first from inventories, so output lags it: with the ceiling off, private investment
    and consumption held at fixed levels, no growth and :math:`\gamma_N \to 0`, the year-0 mean output response
    to a unit step is :math:`1 - (1 - e^{-\beta_S})/\beta_S` (0.28 at the default; with the investment share
    held instead, tests/directed_growth/test_inventories.py gives the closed form).

    Godley & Lavoie's per-period shares (DIS: :math:`\beta = 0.75`, :math:`\gamma = 0.25`,
    :math:`\sigma_T = 0.15`; GROWTH: 0.5, 0.15) are converted to continuous-time rates taking a period
    as one year (GROWTH is calibrated on annual data): a share :math:`x` of a gap closed per year is the
    rate :math:`-\ln(1 - x)`. Inventories are the firms' tangible asset, financed by loans as in DIS
    (firms' financing gap, finance block), valued at the price of output. :math:`s_{inv} = 0` switches
    the mechanism off (output equals demand at once: the supermultiplier and SIM reductions).
    """
    S_e = stock("S_e", "TUSD/year", "expected final sales", default=23.6, bounds=(0.0, None),
                source="start value: realised sales (set by the model factory)", latex=r"S^e")
    INV = stock("INV", "TUSD", "inventories", default=3.5, bounds=(0.0, None),
                source="start value: the target sigma_N S at rest (set by the model factory)", latex=r"IN")
    beta_S = param("beta_S", "1/year", "speed of adjustment of sales expectations", default=0.693,
                   bounds=(0.05, 20.0),
                   source=GL_DIS + "; GROWTH (ch. 11) beta = 0.5 per annual period, " + PERIOD + ": ln 2 = 0.693 "
                          "(DIS's 0.75: 1.386)", latex=r"\beta_S")
    gamma_N = param("gamma_N", "1/year", "speed of adjustment of inventories to their target", default=0.163,
                    bounds=(0.01, 5.0),
                    source=GL_DIS + "; GROWTH (ch. 11) gamma = 0.15 per annual period, " + PERIOD + ": 0.163 "
                           "(DIS's 0.25: 0.288)", latex=r"\gamma_N")
    sigma_N = param("sigma_N", "year", "target ratio of inventories to final sales", default=0.15,
                    bounds=(0.02, 0.5),
                    source=GL_DIS + ": sigma_T = 0.15 of a period's sales, a period taken as one year; US private "
                           "inventories are about a tenth of annual GDP (BEA NIPA table 5.8.5, recalled, not read) "
                           "[R]", latex=r"\sigma_N")
    tau_N = param("tau_N", "year", "shortest time in which inventories can be drawn down", default=0.25,
                  bounds=(0.05, 1.0), tunable=False,
                  source="modelling assumption (a bound, not a behaviour): sales can exceed production by at most "
                         "the stock over a quarter, so inventories stay positive and demand is rationed once they "
                         "run low; at rest the cap is (1 + sigma_N/(2 tau_N)) = 1.3 times sales, immaterial under the "
                         "smooth cap", latex=r"\tau_N")
    inv_sw = param("inv_sw", "dimensionless", "inventory switch", default=1.0, bounds=(0.0, 1.0), tunable=False,
                   source="1 = production lags sales with inventories (" + GL2007 + ", ch. 9), 0 = output equals "
                          "demand at once (the supermultiplier and SIM reductions)", latex=r"s_{inv}")
    Y_plan = aux("Y_plan", "TUSD/year", "planned production", latex=r"Y^{pl}",
                 description="expected sales, the trend growth of the inventory target and the inventory correction")
    S_D = aux("S_D", "TUSD/year", "final sales demand", latex=r"S_D")
    S = aux("S_fin", "TUSD/year", "final sales", latex="S",
            description="demand met from production and inventories (capped once inventories run low)")
    INV_dot = aux("INV_dot", "TUSD/year", "change in inventories", latex=r"\dot{IN}")
    Y_D = aux("Y_D", "TUSD/year", "notional output demand (output firms want to produce)", latex=r"Y_D")
    inv_ratio = aux("inv_ratio", "year", "inventories to final sales", latex=r"IN/S")
    C, I_p, I_G, G_C, G_cap, G_RD, h_eff, g_Z_eff, Y, k_Y = ref(
        "C", "I_p", "I_G", "G_C", "G_cap", "G_RD", "h_eff", "g_Z_eff", "Y", "k_Y")
    Z_Hx = ref("Z_Hx")
    purchases = C + I_G + G_C + G_cap + G_RD + Z_Hx  # Z_Hx: exogenous autonomous household spending (demand block)
    drawable = INV.sym / tau_N.sym * INV.sym / (INV.sym + sigma_N.sym * S_e.sym)  # stock that can be sold a year
    return Block(
        name="inventories",
        variables=(S_e, INV, beta_S, gamma_N, sigma_N, tau_N, inv_sw, Y_plan, S_D, S, INV_dot, Y_D, inv_ratio),
        auxiliaries={
            "Y_plan": S_e.sym * (1 + g_Z_eff * sigma_N.sym) + gamma_N.sym * (sigma_N.sym * S_e.sym - INV.sym),
            "Y_D": (1 - inv_sw.sym) * purchases / (1 - h_eff) + inv_sw.sym * Y_plan.sym,
            "S_D": purchases + I_p,
            "S_fin": (1 - inv_sw.sym) * Y + inv_sw.sym * soft_cap(S_D.sym, Y + drawable, k_Y),
            "INV_dot": Y - S.sym,
            "inv_ratio": INV.sym / S.sym,
        },
        derivatives={
            "S_e": g_Z_eff * S_e.sym + beta_S.sym * (S.sym - S_e.sym),
            "INV": INV_dot.sym,
        },
        description="Production to expected sales plus an inventory correction, sales surprises met from "
                    "inventories, inventories financed by loans (" + GL_DIS + ").",
    )


"""Supply: capacity and labour ceilings, public capital in production, output as the smooth minimum
of demand and supply."""

from __future__ import annotations

from ...core.blocks import Block
from ...core.symbols import aux, param
from ._common import ASSUMED, DEFINE, GEMMES, ref, soft_cap

BOM = ("Bom & Ligthart (2014), J. Econ. Surveys 28(5): 0.083 short run, 0.122 long run, average 0.106 "
       "(economics.md 11.3)")


def supply() -> Block:
    r"""Capacity output, the labour ceiling and realised output.

    Notes
    -----
    .. math::

        P_G &= \Big(\frac{K_G}{\bar k_G K}\Big)^{\theta_G}, \qquad
        a_{eff} = a\,P_G\,(1 - A_{sh})(1 - D_Y), \qquad
        Y_{cap} = \frac{K}{v} P_G (1 - A_{sh})(1 - D_Y), \\
        Y_K &= u_{max} Y_{cap}, \qquad Y_L = \lambda_{max} a_{eff} N, \qquad
        Y_S = \mathrm{smin}(Y_L, Y_K), \qquad Y = (1 - s_{sw}) Y_D + s_{sw}\,\mathrm{smin}(Y_D, Y_S), \\
        \mathrm{smin}(x, c) &= (x^{-k_Y} + c^{-k_Y})^{-1/k_Y}

    Capacity is capital over the capital-capacity ratio (GEMMES :math:`Y_0 = K/\nu`), raised by
    productive public capital with the output elasticity :math:`\theta_G` (Bom & Ligthart 2014),
    lowered by abatement (a share :math:`A_{sh}` of capacity, GEMMES :math:`Y = (1-A)(1-D_Y)Y_0`) and
    by climate damages. Public capital raises labour productivity by the same factor. Output is the
    smooth minimum (:func:`~model.directed_growth.mechanisms._common.soft_cap`) of notional output demand
    :math:`Y_D` (planned production: expected sales and the inventory correction, inventories block) and of the
    lower of the capacity and labour ceilings (DEFINE 1.1: :math:`Y^* = \min(Y^*_K, Y^*_N)`):
    equal to demand below :math:`(1-\epsilon_Y)` of the ceiling, always below the ceiling, so that
    utilisation :math:`u = Y/Y_{cap} < u_{max}` and employment :math:`\lambda < \lambda_{max}` hold
    by construction. Unmet demand is rationed (consumption first, households block) and shows in
    inflation (labour block). :math:`s_{sw} = 0` gives a purely demand-led economy (reductions).
    """
    v = param("v", "year", "capital to capacity ratio", default=3.0, bounds=(None, None), tunable=False,
              source="set by the model factory so that utilisation is normal at the start (v = u_n K (1 - D_Y) / Y)",
              latex="v")
    theta_G = param("theta_G", "dimensionless", "output elasticity of public capital", default=0.106,
                    bounds=(0.0, 0.25), source=BOM, latex=r"\theta_G")
    k_G_ref = param("k_G_ref", "dimensionless", "reference public to private capital ratio", default=0.2,
                    bounds=(None, None), tunable=False,
                    source="start value (set by the model factory): P_G = 1 at the start",
                    latex=r"\bar k_G")
    u_max = param("u_max", "dimensionless", "maximum capacity utilisation", default=0.95, bounds=(0.86, 1.0),
                  source="US Fed capacity utilisation peaked at 0.89 (1966) [R]; 0.95 leaves room above it, "
                         + ASSUMED, latex=r"u_{max}")
    lam_max = param("lam_max", "dimensionless", "maximum employment rate", default=0.985, bounds=(0.97, 1.0),
                    source="frictional unemployment floor of 1.5%: US unemployment never fell below 2.5% after "
                           "1953 [R]; GEMMES uses 1 (L = min(N, Y0/a)); " + ASSUMED, latex=r"\lambda_{max}")
    k_Y = param("k_Y", "dimensionless", "curvature of the smooth supply ceiling", default=200.0,
                bounds=(30.0, 1000.0), tunable=False,
                source="modelling assumption (curvature of the ceiling, not a behavioural parameter): with 200 "
                       "output is within 3e-5 of demand and the marginal multiplier 0.994 at the US start "
                       "(employment 0.96 against 0.985); 30 would ration 1.3% of output there", latex=r"k_Y")
    supply_sw = param("supply_sw", "dimensionless", "supply ceiling switch", default=1.0, bounds=(0.0, 1.0),
                      tunable=False, source="1 = supply-constrained (DEFINE, GEMMES), 0 = purely demand-led "
                                            "(the supermultiplier reduction)", latex=r"s_{sw}")
    P_G = aux("P_G", "dimensionless", "productivity effect of public capital", latex=r"P_G")
    a_eff = aux("a_eff", "TUSD/year/Mworker", "effective labour productivity", latex=r"a_{eff}")
    Y_cap = aux("Y_cap", "TUSD/year", "capacity output", latex=r"Y_{cap}")
    Y_K = aux("Y_K", "TUSD/year", "capacity ceiling", latex=r"Y_K")
    Y_L = aux("Y_L", "TUSD/year", "labour ceiling", latex=r"Y_L")
    Y_S = aux("Y_S", "TUSD/year", "supply ceiling", latex=r"Y_S")
    Y = aux("Y", "TUSD/year", "output (GDP)")
    u = aux("u", "dimensionless", "capacity utilisation")
    K, K_G, a, N, A_sh, D_Y, Y_D = ref("K", "K_G", "a", "N", "ac_share", "D_Y", "Y_D")
    return Block(
        name="supply",
        variables=(v, theta_G, k_G_ref, u_max, lam_max, k_Y, supply_sw, P_G, a_eff, Y_cap, Y_K, Y_L, Y_S, Y, u),
        auxiliaries={
            "P_G": (K_G / (k_G_ref.sym * K)) ** theta_G.sym,
            "a_eff": a * P_G.sym * (1 - A_sh) * (1 - D_Y),
            "Y_cap": K / v.sym * P_G.sym * (1 - A_sh) * (1 - D_Y),
            "Y_K": u_max.sym * Y_cap.sym,
            "Y_L": lam_max.sym * a_eff.sym * N,
            "Y_S": soft_cap(Y_L.sym, Y_K.sym, k_Y.sym),
            "Y": (1 - supply_sw.sym) * Y_D + supply_sw.sym * soft_cap(Y_D, Y_S.sym, k_Y.sym),
            "u": Y.sym / Y_cap.sym,
        },
        description="Capacity and labour ceilings (with productive public capital, abatement and damages) and "
                    "output as the smooth minimum of demand and supply (" + DEFINE + "; " + GEMMES + ").",
    )

"""Demand: autonomous demand (the supermultiplier's Z) and trend output."""

from __future__ import annotations

from ...core.blocks import Block
from ...core.symbols import aux, exogenous, param, stock
from ._common import ASSUMED, ref

FS = "Freitas & Serrano (2015), Rev. Political Econ. 27(3); Serrano (1995), Contrib. Political Econ. 14"


def demand() -> Block:
    r"""Autonomous demand, trend output and notional demand.

    Notes
    -----
    Autonomous, non-capacity-creating demand :math:`Z` (Serrano 1995) is government consumption
    :math:`G_C = z_G Z` and credit-financed autonomous household consumption :math:`Z_H = (1-z_G)Z`
    (Pariboni 2016, CJE 40(1)); it grows at :math:`g_Z`, less when credit is dear, and with the
    demographic path: :math:`\dot Z = [g_Z + n_{shift} - \psi_Z (r_L - \bar r)]Z`, where
    :math:`n_{shift}` is the departure of demographic labour-force growth from its start-year rate
    (labour block). Rationale (modelling assumption): government consumption and autonomous household
    consumption are per head of a population that grows as the labour force does; without the term a
    fading labour force would leave demand growing at the start's natural rate and only the
    monetary closure (:math:`\psi_Z`) would bring it down. Public budgets are set on trend output
    :math:`Y_T = Z/z_T`. An exogenous input ``z_H_shock`` (0 by default, so every reference path is unchanged)
    adds autonomous household spending :math:`Z_{H,x} = z_{H,shock} Y_T`, a share of trend output, to autonomous
    household demand, :math:`Z_H = (1-z_G)Z + Z_{H,x}`: the historical replays condition it on the observed
    deviation of autonomous household demand's counterpart (residential investment, net new household credit)
    from its own trend (:mod:`calibration.replay`), as they condition government consumption on the observed
    share (``g_C_shock``, public finance block). Like government consumption it is spending in the year it is
    made (a purchase in notional demand and sales, inventories block), not a shift of the consumption target
    that consumption approaches at :math:`\kappa_C` (households block, which takes :math:`Z_H - Z_{H,x}` into
    the target); it is credit-financed as the rest of :math:`Z_H` is, at most dollar for dollar (household borrowing
    :math:`\min(\chi_H, 1) Z_{H,x}`, households block).
    The Sraffian supermultiplier's empirical studies treat residential investment and credit-financed
    consumption as observed autonomous demand (Girardi & Pariboni 2016, Rev. Political Econ. 28(4); Fiebiger &
    Lavoie 2019, Metroeconomica 70(2)). Private investment is a share :math:`h_{eff}` of output (private
    investment block), so notional demand, the output that would meet demand at once (the inventories
    block's :math:`Y_D` with its switch off; with inventories output follows expected sales), is

    .. math:: Y_D = \frac{C + I_G + G_C + G_{cap} + G_{RD} + Z_{H,x}}{1 - h_{eff}}

    with :math:`C` consumption (a lagged state, households block), :math:`I_G` public investment
    outlays, :math:`G_{cap}` capability spending and :math:`G_{RD}` extra public R&D spending (technology
    block; 0 unless the mission-R&D shock is stepped). With consumption at its target
    :math:`C = (1-s)Y + Z_H` this is the supermultiplier :math:`Y = Z/(s - h)` (economics.md 3).
    """
    Z = stock("Z", "TUSD/year", "autonomous demand", default=4.0, bounds=(0.0, None),
              description="Government consumption and credit-financed autonomous household consumption (start "
                          "value set by the model factory)", source=FS)
    g_Z = param("g_Z", "1/year", "growth of autonomous demand", default=0.0186, bounds=(None, None), tunable=False,
                source="set by the model factory to the natural rate at the start, alpha + n (labour productivity "
                       "plus labour-force growth), so that the employment rate is at rest", latex="g_Z")
    psi_Z = param("psi_Z", "dimensionless", "response of autonomous demand growth to the cost of credit",
                  default=0.5, bounds=(0.0, 3.0),
                  source="credit-financed autonomous consumption and residential investment are interest-sensitive "
                         "(Pariboni 2016, CJE 40(1); Fagundes & Freitas 2017); size " + ASSUMED, latex=r"\psi_Z")
    z_T = param("z_T", "dimensionless", "autonomous demand share of trend output", default=0.17, bounds=(None, None),
                tunable=False,
                source="start value (set by the model factory: Z / Y at the start)", latex=r"z_T")
    g_Z_eff = aux("g_Z_eff", "1/year", "growth of autonomous demand", latex=r"g_{Z}^{eff}")
    Y_T = aux("Y_T", "TUSD/year", "trend output", latex=r"Y_T",
              description="Output on the trend set by autonomous demand, Z / z_T (budgets are set on it)")
    Z_H = aux("Z_H", "TUSD/year", "autonomous household consumption", latex=r"Z_H")
    Z_Hx = aux("Z_Hx", "TUSD/year", "autonomous household spending from the exogenous input z_H_shock",
               latex=r"Z_{H,x}", description="z_H_shock Y_T: spent in the year it is made (0 by default)")
    z_H_shock = exogenous("z_H_shock", "dimensionless", "autonomous household demand shock (share of trend output)",
                          default=0.0,
                          description="Autonomous household demand beyond (1 - z_G) Z, as a share of trend output "
                                      "Y_T; 0 in every reference path (the historical replays feed the observed "
                                      "deviation of residential investment or household borrowing from its trend)",
                          source="issue 14: out-of-sample replays conditioned on observed autonomous demand "
                                 "(Girardi & Pariboni 2016; Fiebiger & Lavoie 2019)", latex=r"z_{H,shock}")
    r_L, r_ref, z_G, n_shift = ref("r_L", "r_ref", "z_G", "n_shift")
    return Block(
        name="demand",
        variables=(Z, g_Z, psi_Z, z_T, g_Z_eff, Y_T, Z_H, Z_Hx, z_H_shock),
        derivatives={"Z": g_Z_eff.sym * Z.sym},
        auxiliaries={
            "g_Z_eff": g_Z.sym + n_shift - psi_Z.sym * (r_L - r_ref),
            "Y_T": Z.sym / z_T.sym,
            "Z_Hx": z_H_shock.sym * Z.sym / z_T.sym,
            "Z_H": (1 - z_G) * Z.sym + Z_Hx.sym,
        },
        description="Autonomous demand (Sraffian supermultiplier) and trend output.",
    )

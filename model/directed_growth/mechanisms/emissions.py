"""Emissions: intensity from the green share of capital, abatement, carbon price and standards."""

from __future__ import annotations

from ...core.blocks import Block
from ...core.symbols import aux, exogenous, lever, param, stock
from ._common import ASSUMED, ESSAY, ref

CONV_SRC = "unit conversion: 1 USD/tCO2 x 1 GtCO2 = 1e-3 TUSD"


def emissions() -> Block:
    r"""Industrial CO2 emissions of the modelled economy and of the rest of the world.

    Notes
    -----
    Brown capital emits :math:`\sigma_b` per unit of output, green capital
    :math:`\sigma_g = \phi_g\sigma_b`; brown firms abate a share
    :math:`\mu = \tau/(\tau + \tau_{1/2})` of emissions in response to the
    carbon price :math:`\tau` (a smooth, saturating stand-in for DICE's capped
    power law), and supported firms under an emissions standard abate a further
    share :math:`std`:

    .. math::

        \mu_{eff} = 1 - (1-\mu)(1 - s_{sup}\,std), \quad
        E_{dom} = Y\Big[\frac{K_b}{K}\sigma_b(1-\mu_{eff}) + \frac{K_g}{K}\sigma_g\Big], \quad
        \dot\sigma_b = -g_\sigma\sigma_b

    Abatement takes a share :math:`A_{sh} = c_{ab}\mu_{eff}^{2.6} K_b/K` of capacity and labour
    productivity (DICE's exponent; GEMMES :math:`Y = (1-A)(1-D_Y)Y_0`, supply block), worth
    :math:`A_c = A_{sh} Y`;
    carbon tax paid :math:`T_c = \tau E_{dom}` and the carbon cost per unit of
    brown output :math:`cc = \tau\sigma_b`, which steers the green share of
    investment. World emissions add the rest of the world's, an exogenous path.
    """
    sigma_b = stock("sigma_b", "GtCO2/TUSD", "emission intensity of brown output", default=0.21,
                    bounds=(0.0, None),
                    source="set by the model factory from the start-year emissions (US 4.9 Gt, 2023, "
                                              "OWID/GCP) with 90% brown capital and green intensity 10% of brown",
                                              latex=r"\sigma_b")
    g_sigma = param("g_sigma", "1/year", "efficiency gains within brown technology", default=0.02,
                    bounds=(0.0, 0.05), source="economics.md sec. 10: US CO2/GDP -2.32%/yr 1970-2019, mostly "
                                               "efficiency and structural change within fossil-based production; "
                                               "2%/yr " + ASSUMED, latex=r"g_\sigma")
    phi_g = param("phi_g", "dimensionless", "green to brown emission intensity", default=0.1, bounds=(0.0, 1.0),
                  source=ASSUMED, latex=r"\phi_g")
    tau_half = param("tau_half", "USD/tCO2", "carbon price abating half of brown emissions", default=150.0,
                     bounds=(10.0, 1000.0), source="DICE-2016R backstop price 550 USD/tCO2 falling; " + ASSUMED,
                     latex=r"\tau_{1/2}")
    c_ab = param("c_ab", "dimensionless", "abatement cost at full abatement (share of brown output)",
                 default=0.04, bounds=(0.0, 0.3), source="DICE-2016R theta1 = p_back sigma / 2.6 / 1000, "
                                                        "about 4% of output", latex=r"c_{ab}")
    conv = param("conv", "TUSD*tCO2/USD/GtCO2", "unit conversion", default=1e-3, bounds=(0.0, 1.0),
                 tunable=False, source=CONV_SRC, latex=r"\iota")
    carbon_price = lever("carbon_price", "USD/tCO2", "carbon price", default=0.0, bounds=(0.0, 2000.0),
                         source="no federal US carbon price (2025)", latex=r"\tau")
    emission_std = lever("emission_std", "dimensionless", "emissions standard on supported firms", default=0.0,
                         bounds=(0.0, 1.0), source=ESSAY + ": conditions on emissions", latex="std")
    procurement = lever("procurement", "dimensionless", "green share of public procurement", default=0.0,
                        bounds=(0.0, 1.0), source=ESSAY + ": outcome-oriented procurement", latex="proc")
    E_row = exogenous("E_row", "GtCO2/year", "rest-of-world industrial CO2 emissions", default=32.5,
                      source="global fossil CO2 37.4 Gt (2024, GCP) minus US 4.9 Gt; constant unless a path is "
                             "given", latex=r"E_{row}")
    mu = aux("mu", "dimensionless", "abatement share (brown firms)", latex=r"\mu")
    mu_eff = aux("mu_eff", "dimensionless", "abatement share with standards", latex=r"\mu_{eff}")
    E_dom = aux("E_dom", "GtCO2/year", "domestic industrial CO2 emissions", latex=r"E_{dom}")
    e_int = aux("e_int", "GtCO2/TUSD", "emission intensity of output", latex=r"e")
    carbon_cost = aux("carbon_cost", "dimensionless", "carbon cost per unit of brown output", latex="cc")
    T_c = aux("T_c", "TUSD/year", "carbon tax paid", latex=r"T_c")
    A_c = aux("A_c", "TUSD/year", "abatement cost", latex=r"A_c")
    tc_share = aux("tc_share", "dimensionless", "carbon tax paid per unit of output", latex=r"t_c")
    ac_share = aux("ac_share", "dimensionless", "share of capacity used for abatement", latex=r"A_{sh}")
    E = aux("E", "GtCO2/year", "world industrial CO2 emissions")
    Y, K_g, K_b, s_sup = ref("Y", "K_g", "K_b", "s_sup")
    brown = K_b / (K_g + K_b)
    return Block(
        name="emissions",
        variables=(sigma_b, g_sigma, phi_g, tau_half, c_ab, conv, carbon_price, emission_std, procurement, E_row, mu,
                   mu_eff, E_dom, e_int, carbon_cost, T_c, A_c, tc_share, ac_share, E),
        auxiliaries={
            "mu": carbon_price.sym / (carbon_price.sym + tau_half.sym),
            "mu_eff": 1 - (1 - mu.sym) * (1 - s_sup * emission_std.sym),
            "e_int": brown * sigma_b.sym * (1 - mu_eff.sym) + (1 - brown) * phi_g.sym * sigma_b.sym,
            "E_dom": Y * e_int.sym,
            "carbon_cost": carbon_price.sym * sigma_b.sym * conv.sym,
            "tc_share": carbon_price.sym * e_int.sym * conv.sym,
            "T_c": tc_share.sym * Y,
            "ac_share": c_ab.sym * mu_eff.sym ** 2.6 * brown,
            "A_c": ac_share.sym * Y,
            "E": E_dom.sym + E_row.sym,
        },
        derivatives={"sigma_b": -g_sigma.sym * sigma_b.sym},
        description="Emission intensity from the green share of capital, abatement under a carbon price and "
                    "standards; world emissions.",
    )

"""Emissions: clean and dirty sector outputs, their intensities, abatement, carbon price and standards."""

from __future__ import annotations

import sympy as sp

from ...core.blocks import Block
from ...core.symbols import aux, exogenous, lever, param, stock
from ._common import ASSUMED, ESSAY, ref

CONV_SRC = "unit conversion: 1 USD/tCO2 x 1 GtCO2 = 1e-3 TUSD"
DICE16 = "DICE-2016R (Nordhaus 2017; economics.md 11.9, validation case 6)"
#: DICE-2016R's exponent of the abatement cost function, expcost2 [dimensionless] (economics.md 11.9 [V])
THETA2 = 2.6
#: year of DICE-2016R's first period, in which the backstop price is p_back0 [year] (economics.md 11.9 [V])
BACKSTOP_YEAR = 2015.0


def emissions() -> Block:
    r"""Sector outputs and industrial CO2 emissions of the modelled economy; the rest of the world's.

    Notes
    -----
    *Sector outputs.* Output :math:`Y` (supply block) is made by the clean (green) and dirty (brown)
    sectors, each with its installed capital. A sector's output per unit of its capital is AABH's
    inverse relative price of its input: in Acemoglu, Aghion, Bursztyn & Hemous (2012, eqs. 10-11),
    a sector's output per machine is :math:`\psi/(\alpha p_j)` and the relative price of the clean
    input is :math:`p_c/p_d = (A_g/A_b)^{-(1-\alpha)}`, so clean output per unit of capital relative to
    dirty is :math:`(A_g/A_b)^{1-\alpha}`. It is normalised to one in the start year (a common
    capital-output ratio :math:`v` then, supply block; the start's level difference is absorbed there,
    as the intercept :math:`z_0` absorbs it in the choice of new capacity, private-investment block,
    whose relative cost per unit of output carries the same factor). With common utilisation the
    sectors share output in proportion to their effective capacity:

    .. math::

        y_g = \frac{K_g\,q}{K_g\,q + K_b}, \quad q = \Big(\frac{A_g/A_b}{\bar x}\Big)^{1-\alpha}, \quad
        Y_c = y_g Y, \quad Y_d = (1 - y_g)\,Y

    with :math:`\bar x` the start year's :math:`A_g/A_b`. In the start year :math:`y_g = K_g/K`, the share
    that AABH's laissez-faire output ratio :math:`(A_g/A_b)^{\varepsilon(1-\alpha)}` equals there (the
    calibration of :math:`A_b`, technology block), so the start and its emissions calibration are those
    of capacity-proportional outputs; afterwards research moves output between the sectors at given
    capital (dirty-biased research raises the dirty share, clean research lowers it). Aggregate capacity
    is the supply block's :math:`K/v` (a simplification: the split attributes output, it does not change
    capacity).

    *Emissions.* Dirty output emits :math:`\sigma_b` per unit, clean output
    :math:`\sigma_g = \phi_g\sigma_b`; brown firms abate a share
    :math:`\mu = \tau/(\tau + \tau_{1/2}\,p_{back}/\bar p_{back})` of emissions in response to the
    carbon price :math:`\tau` (a smooth, saturating stand-in for DICE's power law
    :math:`\tau = p_{back}\mu^{1.6}`, whose price for a given abatement share falls with the backstop
    price), and supported firms under an emissions standard abate a further share :math:`std`:

    .. math::

        \mu_{eff} = 1 - (1-\mu)(1 - s_{sup}\,std), \quad
        E_{dom} = Y_d\,\sigma_b(1-\mu_{eff}) + Y_c\,\sigma_g, \quad
        \dot\sigma_b = -g_\sigma\sigma_b

    The backstop price falls as in DICE-2016R, 2.5% per five years from 550 USD/tCO2 in 2015:
    :math:`\dot p_{back} = \ln(1 - d_b)/5\;p_{back}`, whose solution from the start value
    :math:`p_{b0}(1 - d_b)^{(t_0 - 2015)/5}` is DICE's path (509.8 in 2030, 460.7 in 2050, 357.6 in 2100).
    Abatement takes a share :math:`A_{sh} = \theta_1\mu_{eff}^{\theta_2}(1 - y_g)` of capacity and labour
    productivity with DICE's :math:`\theta_1 = p_{back}\sigma_b/\theta_2` (per unit of brown output) and
    :math:`\theta_2 = 2.6` (GEMMES :math:`Y = (1-A)(1-D_Y)Y_0`, supply block), worth :math:`A_c = A_{sh} Y`;
    carbon tax paid :math:`T_c = \tau E_{dom}`. The carbon cost that steers new capacity
    (private-investment block) is the price times the brown technology's emissions per unit of its own
    output at the start-year technology, :math:`cc = \tau\bar\sigma_b`: efficiency gains within brown
    production (:math:`g_\sigma`) save fuel and emissions alike, so they leave the technologies' relative
    costs unchanged, and the carbon price's bite does not shrink as average intensity falls (the referee's
    finding against :math:`\tau e` per unit of average output). World emissions add the rest of the
    world's, an exogenous path.
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
    tau_half = param("tau_half", "USD/tCO2", "carbon price abating half of brown emissions in the start year",
                     default=150.0, bounds=(10.0, 1000.0),
                     source="DICE-2016R backstop price 550 USD/tCO2 in 2015, falling (the price for a given abatement "
                            "share falls with it); " + ASSUMED, latex=r"\tau_{1/2}")
    p_back0 = param("p_back0", "USD/tCO2", "backstop price in 2015", default=550.0, bounds=(100.0, 2000.0),
                    source=DICE16 + ": pback = 550 US$2010/tCO2 [V]", latex=r"p_{b0}")
    d_back = param("d_back", "dimensionless", "decline of the backstop price per five years", default=0.025,
                   bounds=(0.0, 0.2), source=DICE16 + ": gback = 0.025 per 5-year period [V]", latex=r"d_b")
    period = param("dice_period", "year", "length of DICE's period", default=5.0, bounds=(None, None),
                   tunable=False, source=DICE16 + ": tstep = 5 [V]", latex=r"\Delta_D")
    p_back = stock("p_back", "USD/tCO2", "backstop price", default=522.84375, bounds=(0.0, None),
                   source="set by the model factory: p_back0 (1 - d_back)^((t0 - 2015)/5) in the start year t0 "
                          "(DICE-2016R)", latex=r"p_{back}")
    p_back_ref = param("p_back_ref", "USD/tCO2", "backstop price in the start year", default=522.84375,
                       bounds=(None, None), tunable=False, source="start value (set by the model factory)",
                       latex=r"\bar p_{back}")
    sigma_b_ref = param("sigma_b_ref", "GtCO2/TUSD", "brown technology's emissions per unit of its own output",
                        default=0.21, bounds=(None, None), tunable=False,
                        source="start value of sigma_b (set by the model factory)", latex=r"\bar\sigma_b")
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
    x_ref = param("x_ref", "dimensionless", "clean over dirty knowledge A_g/A_b in the start year", default=1.0 / 3.0,
                  bounds=(None, None), tunable=False,
                  source="start value of A_g/A_b (set by the model factory)", latex=r"\bar x")
    y_g = aux("y_g", "dimensionless", "green (clean) share of output", latex=r"y_g")
    Y_c = aux("Y_c", "TUSD/year", "clean (green) sector output", latex=r"Y_c")
    Y_d = aux("Y_d", "TUSD/year", "dirty (brown) sector output", latex=r"Y_d")
    mu = aux("mu", "dimensionless", "abatement share (brown firms)", latex=r"\mu")
    mu_eff = aux("mu_eff", "dimensionless", "abatement share with standards", latex=r"\mu_{eff}")
    E_dom = aux("E_dom", "GtCO2/year", "domestic industrial CO2 emissions", latex=r"E_{dom}")
    e_int = aux("e_int", "GtCO2/TUSD", "emission intensity of output", latex=r"e")
    carbon_cost = aux("carbon_cost", "dimensionless", "carbon cost per unit of the brown technology's own output",
                      latex="cc")
    T_c = aux("T_c", "TUSD/year", "carbon tax paid", latex=r"T_c")
    A_c = aux("A_c", "TUSD/year", "abatement cost", latex=r"A_c")
    tc_share = aux("tc_share", "dimensionless", "carbon tax paid per unit of output", latex=r"t_c")
    ac_share = aux("ac_share", "dimensionless", "share of capacity used for abatement", latex=r"A_{sh}")
    E = aux("E", "GtCO2/year", "world industrial CO2 emissions")
    Y, K_g, K_b, s_sup, A_g, A_b, alpha_m = ref("Y", "K_g", "K_b", "s_sup", "A_g", "A_b", "alpha_m")
    q = (A_g / A_b / x_ref.sym) ** (1 - alpha_m)  # clean output per unit of capital relative to dirty (AABH)
    return Block(
        name="emissions",
        variables=(sigma_b, p_back, g_sigma, phi_g, tau_half, p_back0, d_back, period, p_back_ref, sigma_b_ref, conv,
                   x_ref, carbon_price, emission_std, procurement, E_row, y_g, Y_c, Y_d, mu, mu_eff, E_dom, e_int,
                   carbon_cost, T_c, A_c, tc_share, ac_share, E),
        auxiliaries={
            "y_g": K_g * q / (K_g * q + K_b),
            "Y_c": y_g.sym * Y,
            "Y_d": (1 - y_g.sym) * Y,
            "mu": carbon_price.sym / (carbon_price.sym + tau_half.sym * p_back.sym / p_back_ref.sym),
            "mu_eff": 1 - (1 - mu.sym) * (1 - s_sup * emission_std.sym),
            "e_int": (1 - y_g.sym) * sigma_b.sym * (1 - mu_eff.sym) + y_g.sym * phi_g.sym * sigma_b.sym,
            "E_dom": Y_d.sym * sigma_b.sym * (1 - mu_eff.sym) + Y_c.sym * phi_g.sym * sigma_b.sym,
            "carbon_cost": carbon_price.sym * sigma_b_ref.sym * conv.sym,
            "tc_share": carbon_price.sym * e_int.sym * conv.sym,
            "T_c": tc_share.sym * Y,
            "ac_share": p_back.sym * sigma_b.sym * conv.sym / THETA2 * mu_eff.sym ** THETA2 * (1 - y_g.sym),
            "A_c": ac_share.sym * Y,
            "E": E_dom.sym + E_row.sym,
        },
        derivatives={"sigma_b": -g_sigma.sym * sigma_b.sym,
                     "p_back": sp.log(1 - d_back.sym) / period.sym * p_back.sym},
        description="Clean and dirty sector outputs (installed capital, AABH's relative productivity); "
                    "emissions from dirty output and its intensity after abatement under a carbon price and "
                    "standards, and from clean output; world emissions.",
    )

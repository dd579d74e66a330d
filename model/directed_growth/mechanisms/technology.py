"""Directed technical change: green and brown knowledge (after Acemoglu et al. 2012)."""

from __future__ import annotations

import sympy as sp

from ...core.blocks import Block
from ...core.symbols import aux, lever, param, stock
from ._common import ASSUMED, logistic, ref

AABH = "Acemoglu, Aghion, Bursztyn & Hemous (2012), AER 102(1):131-166"


def technology() -> Block:
    r"""Green and brown knowledge stocks with research directed by market size and public missions.

    Notes
    -----
    Continuous-time version of AABH (economics.md sec. 5):
    :math:`\dot A_j/A_j = \gamma_A \rho_R s_j`. Private research intensity
    :math:`\rho_R = 1 + \epsilon_S S` rises with the untargeted R&D subsidy
    :math:`S` (share of output) but not its direction; the green share of
    scientists :math:`s_g` follows market size (the green share of investment)
    and relative knowledge (path dependence, the AABH market-size effect),

    .. math::

        s_g = \mathrm{logistic}\big(\zeta_0 + \zeta_x\,\mathrm{logit}(x_g) + \zeta_A\ln(A_g/A_b)\big),

    and public mission R&D (a share :math:`r_m` of mission investment, made
    effective by capability) adds to green knowledge:
    :math:`\dot A_g = A_g[\gamma_A\rho_R s_g + \kappa_M\,Cap\,r_m I_{Gm}/Y]`.
    """
    A_g = stock("A_g", "dimensionless", "green knowledge", default=1.0, bounds=(0.0, None),
                source="normalised", latex=r"A_g")
    A_b = stock("A_b", "dimensionless", "brown knowledge", default=2.0, bounds=(0.0, None),
                source="brown technology ahead (AABH calibrate A_c/A_d from energy shares); " + ASSUMED,
                latex=r"A_b")
    gamma_A = param("gamma_A", "1/year", "knowledge growth per unit of research", default=0.02, bounds=(0.0, 0.1),
                    source=AABH + ": eta = 0.02 (about 2%/yr long-run growth), per year here", latex=r"\gamma_A")
    eps_S = param("eps_S", "dimensionless", "research response to the R&D subsidy", default=50.0,
                  bounds=(0.0, 500.0), source=ASSUMED + " (a subsidy of 1% of output doubles research)",
                  latex=r"\epsilon_S")
    zeta0 = param("zeta0", "dimensionless", "green research intercept", default=0.0, bounds=(-10.0, 10.0),
                  source=ASSUMED, latex=r"\zeta_0")
    zeta_x = param("zeta_x", "dimensionless", "research response to green market size", default=1.0,
                   bounds=(0.0, 5.0), source=AABH + ": market-size effect", latex=r"\zeta_x")
    zeta_A = param("zeta_A", "dimensionless", "research response to relative knowledge", default=0.5,
                   bounds=(0.0, 5.0), source=AABH + ": path dependence (direct productivity effect)",
                   latex=r"\zeta_A")
    kappa_M = param("kappa_M", "1/year", "green knowledge per unit of mission R&D intensity", default=2.0,
                    bounds=(0.0, 50.0), source=ASSUMED, latex=r"\kappa_M")
    r_m = param("r_m", "dimensionless", "R&D share of mission investment", default=0.2, bounds=(0.0, 1.0),
                source=ASSUMED, latex=r"r_m")
    rd_subsidy = lever("rd_subsidy", "dimensionless", "untargeted R&D subsidy (share of output)", default=0.0,
                       bounds=(0.0, 0.05), source="market-fixing instrument (AABH's research subsidy, undirected "
                                                  "here)", latex="S")
    s_g = aux("s_g", "dimensionless", "green share of research", latex=r"s_g")
    rho_R = aux("rho_R", "dimensionless", "private research intensity", latex=r"\rho_R")
    S_rd = aux("S_rd", "TUSD/year", "R&D subsidy paid", latex=r"S_{R\&D}")
    g_Ag = aux("g_Ag", "1/year", "green knowledge growth")
    g_Ab = aux("g_Ab", "1/year", "brown knowledge growth")
    g_A = aux("g_A", "1/year", "knowledge growth (capital-weighted)")
    Y, x_g, Cap, I_Gm, K_g, K_b = ref("Y", "x_g", "Cap", "I_Gm", "K_g", "K_b")
    return Block(
        name="technology",
        variables=(A_g, A_b, gamma_A, eps_S, zeta0, zeta_x, zeta_A, kappa_M, r_m, rd_subsidy, s_g, rho_R, S_rd,
                   g_Ag, g_Ab, g_A),
        auxiliaries={
            "S_rd": rd_subsidy.sym * Y,
            "rho_R": 1 + eps_S.sym * rd_subsidy.sym,
            "s_g": logistic(zeta0.sym + zeta_x.sym * sp.log(x_g / (1 - x_g)) + zeta_A.sym * sp.log(A_g.sym / A_b.sym)),
            "g_Ag": gamma_A.sym * rho_R.sym * s_g.sym + kappa_M.sym * Cap * r_m.sym * I_Gm / Y,
            "g_Ab": gamma_A.sym * rho_R.sym * (1 - s_g.sym),
            "g_A": (K_g * g_Ag.sym + K_b * g_Ab.sym) / (K_g + K_b),
        },
        derivatives={"A_g": g_Ag.sym * A_g.sym, "A_b": g_Ab.sym * A_b.sym},
        description="Directed technical change: research follows market size, relative knowledge and public "
                    "mission R&D.",
    )

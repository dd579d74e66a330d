"""Private investment: how much (accelerator, profits, crowding in and out) and in which direction."""

from __future__ import annotations

import sympy as sp

from ...core.blocks import Block
from ...core.symbols import aux, param, stock
from ._common import ASSUMED, logistic, ref

FS = "Freitas & Serrano (2015), Rev. Political Econ. 27(3)"


def private_investment() -> Block:
    r"""The private investment share, its green/brown direction and private capital.

    Notes
    -----
    The trend investment share :math:`h` adjusts as in the supermultiplier's
    flexible accelerator (Freitas & Serrano 2015), :math:`\dot h = h\gamma_u(u - u_n)`,
    so that in the long run utilisation is normal and growth follows
    autonomous demand. The actual share :math:`h_{eff} = I_p/Y` shifts with
    profitability, finance costs and public capital (level effects):

    .. math::

        h_{eff} = h\,\exp\big(\gamma_\pi(\rho_n - \bar\rho) - \gamma_r (r_f - \bar r)
            + \chi\,Cap\,(k_{Gm} - \bar k_{Gm})\big)

    * accelerator: utilisation above normal raises investment;
    * retained profits finance investment (Stockhammer 2004: payouts lower
      accumulation); :math:`\rho_n` is the retained profit rate on capital at
      normal utilisation (finance block), so that investment does not depend
      on current output through itself;
    * crowding out: the cost of productive credit :math:`r_f` (which rises with
      public debt, finance block) lowers it;
    * crowding in: mission public capital relative to private capital raises it,
      scaled by public capability (Deleidi & Mazzucato 2021; Deleidi, Mazzucato &
      Semieniuk 2020). With :math:`\chi = 0` there is no crowding in.

    Reference values (barred) are the 2025 state, so that BAU starts at rest.
    The green share of new private investment is a logistic function of
    relative profitability and policy (as DEFINE's green investment share;
    Dafermos, Nikolaidi & Galanis 2017):

    .. math::

        x_g = \mathrm{logistic}\big(z_0 + \eta_A\ln(A_g/A_b) + \eta_\tau\,cc
              + \eta_P\,proc + \eta_S\,s_{sup}\,std + \eta_M\,Cap\,(k_{Gm}-\bar k_{Gm})\big)

    with :math:`cc` the carbon cost per unit of brown output. Capital:
    :math:`\dot K_g = x_g I_p - \delta_K K_g`, :math:`\dot K_b = (1-x_g)I_p - \delta_K K_b`.
    """
    h = stock("h", "dimensionless", "private investment share of output", default=0.17, bounds=(0.0, 1.0),
              source="economics.md sec. 10: US gross private domestic investment about 16-18% of GDP")
    K_g = stock("K_g", "TUSD", "green private capital", default=5.7, bounds=(0.0, None),
                source="K = Y v / u_n = 57 TUSD with Y = 24 TUSD/yr (2025); green share 10%, " + ASSUMED,
                latex=r"K_g")
    K_b = stock("K_b", "TUSD", "brown private capital", default=51.3, bounds=(0.0, None),
                source="K = Y v / u_n = 57 TUSD with Y = 24 TUSD/yr (2025); brown share 90%, " + ASSUMED,
                latex=r"K_b")
    gamma_u = param("gamma_u", "1/year", "accelerator speed", default=0.05, bounds=(0.0, 0.2),
                    source=FS + ": stable iff gamma_u v < s - h*, here gamma_u < 0.12; 0.05 as in the test case of "
                                "economics.md sec. 3, leaving room for policy to raise h", latex=r"\gamma_u")
    u_n = param("u_n", "dimensionless", "normal capacity utilisation", default=0.8, bounds=(0.5, 1.0),
                source="economics.md sec. 3", latex=r"u_n")
    gamma_pi = param("gamma_pi", "year", "investment response to the normal retained profit rate", default=5.0,
                     bounds=(0.0, 50.0), source="Stockhammer (2004), CJE 28(5), sign; size " + ASSUMED,
                     latex=r"\gamma_\pi")
    gamma_r = param("gamma_r", "year", "investment response to the cost of credit", default=5.0,
                    bounds=(0.0, 50.0), source=ASSUMED, latex=r"\gamma_r")
    chi = param("chi", "dimensionless", "crowding-in by mission public capital", default=0.5, bounds=(0.0, 50.0),
                source="Deleidi & Mazzucato (2021), Res. Policy 50(2): crowding-in (sign); Pallante, Russo & "
                       "Roventini (2023): private R&D elasticity 0.11-0.14; size " + ASSUMED, latex=r"\chi")
    pi_r_ref = param("pi_r_ref", "1/year", "reference normal retained profit rate", default=0.02,
                     bounds=(-0.5, 0.5), source="2025 value (set by the model factory)", latex=r"\bar\pi_r")
    r_ref = param("r_ref", "1/year", "reference cost of productive credit", default=0.02, bounds=(-0.05, 0.2),
                  source="2025 value (set by the model factory)", latex=r"\bar r")
    k_Gm_ref = param("k_Gm_ref", "dimensionless", "reference mission public capital ratio", default=0.02,
                     bounds=(1e-4, 1.0), source="2025 value (set by the model factory)", latex=r"\bar k_{Gm}")
    z0 = param("z0", "dimensionless", "green investment propensity intercept", default=-1.7, bounds=(-10.0, 10.0),
               source="set by the model factory so that 15% of 2025 private investment is green; " + ASSUMED,
               latex=r"z_0")
    eta_A = param("eta_A", "dimensionless", "green investment response to relative knowledge", default=1.0,
                  bounds=(0.0, 10.0), source="Acemoglu et al. (2012), AER 102(1): relative productivity drives "
                                             "sector choice; size " + ASSUMED, latex=r"\eta_A")
    eta_tau = param("eta_tau", "dimensionless", "green investment response to carbon cost", default=8.0,
                    bounds=(0.0, 50.0), source=ASSUMED, latex=r"\eta_\tau")
    eta_P = param("eta_P", "dimensionless", "green investment response to green procurement", default=3.0,
                  bounds=(0.0, 20.0), source="Mazzucato (2025): outcome-oriented procurement creates markets; "
                                             "size " + ASSUMED, latex=r"\eta_P")
    eta_S = param("eta_S", "dimensionless", "green investment response to emissions conditions", default=4.0,
                  bounds=(0.0, 20.0), source=ASSUMED, latex=r"\eta_S")
    eta_M = param("eta_M", "dimensionless", "mobilisation of green investment by mission capital", default=10.0,
                  bounds=(0.0, 100.0), source="Deleidi, Mazzucato & Semieniuk (2020), Energy Policy: public direct "
                                            "investment mobilises private renewable investment (sign); size "
                                            + ASSUMED, latex=r"\eta_M")
    I_p = aux("I_p", "TUSD/year", "private investment", latex=r"I_p")
    x_g = aux("x_g", "dimensionless", "green share of private investment", latex=r"x_g")
    crowd_in = aux("crowd_in", "dimensionless", "crowding-in term of the investment share",
                   description="chi Cap (k_Gm - k_Gm_ref)")
    h_eff = aux("h_eff", "dimensionless", "private investment share of output", latex=r"h_{eff}")
    K = aux("K", "TUSD", "private capital")
    Y, u, rho_n, r_f, Cap, k_Gm, A_g, A_b, cc, procurement, s_sup, emission_std, delta_K = ref(
        "Y", "u", "rho_n", "r_f", "Cap", "k_Gm", "A_g", "A_b", "carbon_cost", "procurement", "s_sup",
        "emission_std", "delta_K")
    mission = Cap * (k_Gm - k_Gm_ref.sym)
    return Block(
        name="private investment",
        variables=(h, K_g, K_b, gamma_u, u_n, gamma_pi, gamma_r, chi, pi_r_ref, r_ref, k_Gm_ref, z0, eta_A,
                   eta_tau, eta_P, eta_S, eta_M, I_p, x_g, crowd_in, h_eff, K),
        auxiliaries={
            "K": K_g.sym + K_b.sym,
            "crowd_in": chi.sym * mission,
            "h_eff": h.sym * sp.exp(gamma_pi.sym * (rho_n - pi_r_ref.sym) - gamma_r.sym * (r_f - r_ref.sym)
                                    + crowd_in.sym),
            "I_p": h_eff.sym * Y,
            "x_g": logistic(z0.sym + eta_A.sym * sp.log(A_g / A_b) + eta_tau.sym * cc + eta_P.sym * procurement
                            + eta_S.sym * s_sup * emission_std + eta_M.sym * mission),
        },
        derivatives={
            "h": h.sym * gamma_u.sym * (u - u_n.sym),
            "K_g": x_g.sym * I_p.sym - delta_K * K_g.sym,
            "K_b": (1 - x_g.sym) * I_p.sym - delta_K * K_b.sym,
        },
        description="Private investment share (accelerator, profits, crowding in and out) and its green/brown "
                    "direction.",
    )

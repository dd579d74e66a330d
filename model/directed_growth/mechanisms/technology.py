"""Directed technical change: clean and dirty knowledge after Acemoglu, Aghion, Bursztyn & Hemous (2012)."""

from __future__ import annotations

import sympy as sp

from ...core.blocks import Block
from ...core.symbols import aux, exogenous, lever, param, stock
from ._common import ASSUMED, ref

AABH = "Acemoglu, Aghion, Bursztyn & Hemous (2012), AER 102(1):131-166"
PSS = "Papageorgiou, Saam & Schulte (2017), REStat 99(2):281-290"
#: source of the base of the clean research subsidy (private energy-related research, share of output)
R_ERD_SOURCE = (
    "IEA (2020), Clean Energy Innovation, 'Global status of clean energy innovation in 2020': corporate energy R&D "
    "reported USD 90 billion in 2019 (the automobile sector typically the largest spender) [V] "
    "(iea.org/reports/clean-energy-innovation/global-status-of-clean-energy-innovation-in-2020); IEA (2019), "
    "Technology Innovation to Accelerate Energy Transitions: global energy R&D about USD 115 billion in 2017, more "
    "than three quarters private [V] (copy at studfile.net/preview/17162945/page:8). Over world GDP of about USD 88 "
    "trillion in 2019 (World Bank WDI, current USD, read in a secondary copy [V2]) that is about 0.10% of output. "
    "No US-only figure was read: the US share is taken equal to the world's (modelling assumption); prior 0.05% to "
    "0.3% (half to three times the world ratio: the US business R&D intensity is above the world's)")
#: the R&D shares of output by source of funding (the data file, economics.md 11.12)
NCSES = ("NSF NCSES National Patterns of R&D Resources, table 10473 (the data file "
         "rd/ncses_10473_us_rd_gdp_1953_2022.csv; calibration.data.rd.rd_gdp_shares; economics.md 11.12) [V]")
PALLANTE = ("Pallante, Russo & Roventini (2023), Research Policy (LEM WP 2020/32): a 1% rise in military R&D "
            "obligations raises privately financed R&D by 0.11-0.14% over 4-5 years, US states 1968-2017, IV [V] "
            "(economics.md 4)")
BH2025 = ("Boysen-Hogrefe (2025), Research Policy 54(3) 105176: with data after 1985 mission R&D temporarily crowds "
          "out private R&D [V, sign only] (economics.md 4, 11)")


def technology() -> Block:
    r"""Clean and dirty knowledge with research directed by expected profits (AABH 2012) and mission R&D.

    Notes
    -----
    The stocks ``A_g`` and ``A_b`` are AABH's clean and dirty knowledge :math:`A_c`, :math:`A_d`
    (the library model :func:`model.library.aabh.aabh`, continuous time). With
    :math:`x = A_g/A_b` and :math:`\varphi' = (1-\alpha)(\varepsilon-1)` (minus AABH's
    :math:`\varphi`), a scientist's expected profit in clean over dirty research is (AABH eq. 18
    in continuous time, with the policy wedges of the library model)

    .. math::

        \ln\frac{\Pi_c}{\Pi_d} = \ln(1+q) + \varepsilon\ln(1+\tau_d) + \varphi'\ln x, \qquad
        s_g = \tfrac12\big(1 + \tanh(\tfrac{\kappa_R}{2}\ln\Pi_c/\Pi_d)\big),

    where :math:`\tau_d = cc/f_b = \tau\bar\sigma_b\iota/f_b` is the carbon price as an ad-valorem tax
    on the dirty input: AABH's dirty input is fossil energy (their calibration uses fossil primary
    energy), so the rate is the carbon cost per unit of the brown technology's own output (emissions
    block) over the fuel cost per unit of brown output :math:`f_b` (private-investment block; about
    0.35 at 100 USD/tCO2 and the US defaults), :math:`q` the clean research subsidy (lever
    ``clean_rd_subsidy``: clean research profits are multiplied by :math:`1+q`) and :math:`\kappa_R`
    the Roy/Frechet sensitivity of scientists (AABH's corner allocation as :math:`\kappa_R\to\infty`). With substitutes
    (:math:`\varepsilon > 1`) research follows the more advanced sector (path dependence).
    Private research intensity :math:`\rho_R = 1 + \epsilon_S S` rises with the untargeted R&D
    subsidy :math:`S` but not its direction; public mission R&D (a share :math:`r_m` of mission
    investment, made effective by capability) adds to clean knowledge as a quantity:

    .. math::

        \dot A_g = A_g\,[\gamma_A\rho_R s_g + \kappa_M\,Cap\,r_m I_{Gm}/Y], \qquad
        \dot A_b = A_b\,\gamma_A\rho_R (1 - s_g).

    Aggregate productivity: AABH's laissez-faire final output at unit labour is the CES index
    :math:`\hat A = (A_g^{\varphi'} + A_b^{\varphi'})^{1/\varphi'}` (AABH eq. 17 with
    :math:`Y_c/Y_d = x^{\varepsilon(1-\alpha)}`; derived from the library model's closed forms). Its
    growth, the knowledge growth that drives labour productivity (labour block), weights each
    sector's knowledge growth by its share :math:`w_g = x^{\varphi'}/(1 + x^{\varphi'})` (the clean
    sector's labour share under laissez-faire), a function of knowledge levels:
    :math:`g_A = w_g g_{Ag} + (1-w_g) g_{Ab}`. Unlike a capital-weighted mean of knowledge growth,
    it does not fall as the green share of capital rises.

    The clean research subsidy is paid on clean *energy* research: AABH's clean and dirty research is
    research on energy technologies (their clean and dirty inputs are non-fossil and fossil energy), so
    the subsidy's base is private energy-related research spending, a share :math:`r_{ERD}` of output
    (about 0.1%, IEA corporate energy R&D; not all business R&D, about 2.5%), raised by the untargeted
    subsidy as all research is (:math:`\rho_R`). Clean energy research spending is
    :math:`R_{cE} = r_{ERD}\rho_R s_g Y`, the clean subsidy paid :math:`q R_{cE}`, and the R&D
    subsidies paid :math:`S_{R\&D} = (S + q\,r_{ERD}\rho_R s_g)\,Y` (the untargeted one on all
    research, a share :math:`S` of output). The subsidy is paid to firms (R&D subsidy row of the
    transactions table) and financed by public debt like other spending (public finance block).

    **Public R&D and private R&D.** Extra mission-oriented public R&D spending, a share ``rd_G_shock``
    of trend output (an exogenous input, 0 by default: the impulse-response experiments step it), is
    government demand :math:`G_{RD} = rd_{G,shock} Y_T` (its own row of the transactions table, in notional
    demand and in the deficit) and adds to clean knowledge as mission R&D does:

    .. math::

        g_{Ag} = \gamma_A\rho_R s_g + \kappa_M\,Cap\,(r_m I_{Gm} + G_{RD})/Y .

    Public R&D intensity is the start year's public (federal) R&D share of output :math:`rd_{G0}` plus the
    model's mission R&D beyond its start share :math:`\bar r_m` (derived at the start) and the extra spending:
    :math:`rd_G = rd_{G0} + (r_m I_{Gm} + G_{RD})/Y_T - \bar r_m`, so that :math:`rd_G = rd_{G0}` at the start. It
    is on trend output :math:`Y_T` (equal to output at the start), as public budgets are: on actual output,
    private research, hence profits net of R&D subsidies and investment, would depend on output in the same
    instant, and the business cycle alone would move measured public R&D intensity.
    Private research responds to it (crowding-in, Pallante et al. 2023; temporary crowding-out after 1985,
    Boysen-Hogrefe 2025) through the smoothed log intensity :math:`m_{RD}`:

    .. math::

        \dot m_{RD} = (\ln(rd_G/rd_{G0}) - m_{RD})/\tau_{RD}, \qquad
        \rho_R = (1 + \epsilon_S S)\exp\big(\eta_{RD} m_{RD} - \eta_{RDs}(\ln(rd_G/rd_{G0}) - m_{RD})\big),

    a long-run elasticity :math:`\eta_{RD}` of private research intensity to public R&D intensity,
    and on impact :math:`-\eta_{RDs}` (crowding-out that fades with the mean lag :math:`\tau_{RD}`). After a
    step :math:`\Delta = \Delta\ln rd_G`, :math:`\ln\rho_R` moves by
    :math:`\eta_{RD}\Delta - (\eta_{RD} + \eta_{RDs})\Delta e^{-t/\tau_{RD}}`. Private R&D spending is
    :math:`R_P = r_P\rho_R Y` (:math:`r_P` the business R&D share of output at the start, NCSES). It is a
    reported flow *inside* private investment :math:`I_p = h_{eff}Y` (BEA has counted R&D as private investment
    in intellectual property products since the 2013 comprehensive revision, so business R&D is part of the
    investment share :math:`h` the model starts from): its change is a reallocation within firms' investment,
    not extra demand (modelling assumption: adding it as demand would need a separate financing path for R&D
    in the firms' capital account; the demand effect of crowding-in then runs only through knowledge and
    productivity, not through spending).
    """
    A_g = stock("A_g", "dimensionless", "green (clean) knowledge, AABH's A_c", default=1.0, bounds=(0.0, None),
                source="normalised", latex=r"A_g")
    A_b = stock("A_b", "dimensionless", "brown (dirty) knowledge, AABH's A_d", default=3.0, bounds=(0.0, None),
                source="set by the model factory: AABH's laissez-faire clean/dirty output ratio "
                       "(A_g/A_b)^(eps (1 - alpha)) equals the green/brown capital ratio (as AABH calibrate A_c/A_d "
                       "from energy shares)", latex=r"A_b")
    gamma_A = param("gamma_A", "1/year", "knowledge growth per unit of research", default=0.02, bounds=(0.0, 0.1),
                    source=AABH + ": gamma eta = 0.02 per year (0.1 per 5-year period)", latex=r"\gamma_A")
    eps_cd = param("eps_cd", "dimensionless", "elasticity of substitution between clean and dirty inputs",
                   default=3.0, bounds=(0.5, 20.0),
                   source=AABH + ": 3 (baseline) and 10 [R]; " + PSS + ": about 1.8 in electricity generation [V], "
                          "about 3 in non-energy industries [R]; prior 1.2 to 10", latex=r"\varepsilon")
    alpha_m = param("alpha_m", "dimensionless", "share of machines in sector production", default=1.0 / 3.0,
                    bounds=(0.1, 0.6), source=AABH + ": alpha = 1/3 (economics.md 11.7 [R])", latex=r"\alpha")
    kappa_R = param("kappa_R", "dimensionless", "sensitivity of scientists to relative research profits",
                    default=50.0, bounds=(1.0, 500.0),
                    source="modelling assumption: Frechet shape of research talent (library model aabh); AABH's "
                           "corner allocation is the limit kappa -> infinity; prior 5 to 100", latex=r"\kappa_R")
    eps_S = param("eps_S", "dimensionless", "research response to the R&D subsidy", default=50.0,
                  bounds=(0.0, 500.0), source=ASSUMED + " (a subsidy of 1% of output doubles research)",
                  latex=r"\epsilon_S")
    kappa_M = param("kappa_M", "1/year", "green knowledge per unit of mission R&D intensity", default=2.0,
                    bounds=(0.0, 50.0), source=ASSUMED, latex=r"\kappa_M")
    r_m = param("r_m", "dimensionless", "R&D share of mission investment", default=0.2, bounds=(0.0, 1.0),
                source=ASSUMED, latex=r"r_m")
    r_ERD = param("r_ERD", "dimensionless", "private energy-related research spending per unit of output",
                  default=0.001, bounds=(0.0, 0.01), source=R_ERD_SOURCE, latex=r"r_{ERD}")
    rd_subsidy = lever("rd_subsidy", "dimensionless", "untargeted R&D subsidy (share of output)", default=0.0,
                       bounds=(0.0, 0.05), source="a separate lever, in no reference path: an undirected "
                       "research subsidy raises dirty research as much as clean (market fixing at its best uses the "
                       "clean one, clean_rd_subsidy); none in 2025", latex="S")
    q = lever("clean_rd_subsidy", "dimensionless", "clean research subsidy (rate on clean research profits)",
              default=0.0, bounds=(0.0, 10.0),
              source=AABH + ": subsidy to the profits of clean research (market fixing at its best); none in 2025",
              latex="q")
    rd_G_shock = exogenous("rd_G_shock", "dimensionless", "extra mission-oriented public R&D spending (share of trend "
                           "output)", default=0.0,
                           description="Government demand G_RD = rd_G_shock Y_T that adds to clean knowledge as "
                                       "mission R&D does; 0 in every reference path (the impulse-response "
                                       "experiments step it)",
                           source="issue 14: the mission-R&D shock of the impulse-response calibration "
                                  "(Deleidi & Mazzucato 2021, economics.md 4)", latex=r"rd_{G,shock}")
    rd_G0 = param("rd_G0", "dimensionless", "public (federal) R&D share of output at the start", default=0.0063,
                  bounds=(0.0005, 0.05), tunable=False,
                  source=NCSES + ": federally funded R&D 0.63% of US GDP in 2019 (0.62% in 2022); no other country's "
                         "series is in the data file, so other countries keep the US value (stated at the country)",
                  latex=r"rd_{G0}")
    r_P = param("r_P", "dimensionless", "business R&D share of output at the start", default=0.0224,
                bounds=(0.0, 0.1), tunable=False,
                source=NCSES + ": business-funded R&D 2.24% of US GDP in 2019 (2.61% in 2022)", latex=r"r_P")
    rd_m_ref = param("rd_m_ref", "dimensionless", "mission R&D share of output at the start", default=0.0007,
                     bounds=(None, None), tunable=False,
                     source="set by the model factory: r_m I_Gm / Y_T at the start (part of the start's public R&D "
                            "rd_G0)", latex=r"\bar r_m")
    eta_RD = param("eta_RD", "dimensionless", "long-run elasticity of private to public R&D intensity",
                   default=0.12, bounds=(-1.0, 2.0),
                   source=PALLANTE + ": 0.12 in that range (with tau_RD = 2 years, 89% of the long-run response is "
                          "reached within 4.5 years, the window of the estimate); Draca (2013) 0.07 [V]; Moretti, "
                          "Steinwender & Van Reenen 0.4-0.5 [R]; negative values allowed (" + BH2025 + ")",
                   latex=r"\eta_{RD}")
    eta_RDs = param("eta_RDs", "dimensionless", "short-run crowding-out of private R&D by public R&D (on impact)",
                    default=0.0, bounds=(0.0, 2.0),
                    source="0: the crowding-in evidence (D&M 2021, Pallante et al. 2023) has no impact fall; "
                           + BH2025 + "; its size is not published (modelling assumption, prior 0 to 0.5)",
                    latex=r"\eta_{RDs}")
    tau_RD = param("tau_RD", "year", "adjustment time of private R&D to public R&D intensity", default=2.0,
                   bounds=(0.1, 10.0),
                   source="modelling assumption: " + PALLANTE + " measure the response over 4-5 years, which an "
                          "exponential lag of 2 years reaches to 86-92%; Boysen-Hogrefe's crowding-out is "
                          "temporary (first years); prior 1 to 4 years", latex=r"\tau_{RD}")
    m_RD = stock("m_RD", "dimensionless", "smoothed log public R&D intensity, relative to the start",
                 default=0.0, bounds=(None, None),
                 description="Exponential smoothing of ln(rd_G / rd_G0) with mean lag tau_RD; 0 at the start",
                 source="0 at the start (public R&D intensity at its start value)", latex=r"m_{RD}")
    G_RD = aux("G_RD", "TUSD/year", "extra mission-oriented public R&D spending", latex=r"G_{RD}")
    rd_G = aux("rd_G", "dimensionless", "public R&D intensity (share of trend output)", latex=r"rd_G")
    R_P = aux("R_P", "TUSD/year", "private R&D spending (within private investment)", latex=r"R_P")
    tau_d = aux("tau_d", "dimensionless", "carbon price as an ad-valorem tax on the dirty input", latex=r"\tau_d")
    lpr = aux("lpr", "dimensionless", "log of clean over dirty expected research profits",
              latex=r"\ln(\Pi_c/\Pi_d)")
    s_g = aux("s_g", "dimensionless", "green share of research", latex=r"s_g")
    rho_R = aux("rho_R", "dimensionless", "private research intensity", latex=r"\rho_R")
    R_cE = aux("R_cE", "TUSD/year", "private clean energy research spending (base of the clean research subsidy)",
               latex=r"R_{cE}")
    rd_share = aux("rd_share", "dimensionless", "R&D subsidies paid per unit of output", latex=r"s_{R\&D}")
    S_rd = aux("S_rd", "TUSD/year", "R&D subsidies paid (untargeted and clean)", latex=r"S_{R\&D}")
    w_g = aux("w_g", "dimensionless", "clean sector's weight in aggregate knowledge", latex=r"w_g")
    g_Ag = aux("g_Ag", "1/year", "green knowledge growth")
    g_Ab = aux("g_Ab", "1/year", "brown knowledge growth")
    g_A = aux("g_A", "1/year", "aggregate knowledge growth (AABH's CES index of knowledge levels)")
    Y, Cap, I_Gm, cc, f_b, Y_T = ref("Y", "Cap", "I_Gm", "carbon_cost", "f_b", "Y_T")
    e, a = eps_cd.sym, alpha_m.sym
    log_rd = sp.log(rd_G.sym / rd_G0.sym)
    phi_p = (1 - a) * (e - 1)
    x = A_g.sym / A_b.sym
    return Block(
        name="technology",
        variables=(A_g, A_b, gamma_A, eps_cd, alpha_m, kappa_R, eps_S, kappa_M, r_m, r_ERD, rd_subsidy, q, tau_d,
                   lpr, s_g, rho_R, R_cE, rd_share, S_rd, w_g, g_Ag, g_Ab, g_A,
                   rd_G_shock, rd_G0, r_P, rd_m_ref, eta_RD, eta_RDs, tau_RD, m_RD, G_RD, rd_G, R_P),
        auxiliaries={
            "G_RD": rd_G_shock.sym * Y_T,
            "rd_G": rd_G0.sym + (r_m.sym * I_Gm + G_RD.sym) / Y_T - rd_m_ref.sym,
            "tau_d": cc / f_b,
            "lpr": sp.log(1 + q.sym) + e * sp.log(1 + tau_d.sym) + phi_p * sp.log(x),
            "s_g": (1 + sp.tanh(kappa_R.sym / 2 * lpr.sym)) / 2,
            "rho_R": (1 + eps_S.sym * rd_subsidy.sym)
            * sp.exp(eta_RD.sym * m_RD.sym - eta_RDs.sym * (log_rd - m_RD.sym)),
            "R_P": r_P.sym * rho_R.sym * Y,
            "R_cE": r_ERD.sym * rho_R.sym * s_g.sym * Y,
            "rd_share": rd_subsidy.sym + q.sym * r_ERD.sym * rho_R.sym * s_g.sym,
            "S_rd": rd_share.sym * Y,
            "w_g": 1 / (1 + x ** (-phi_p)),
            "g_Ag": gamma_A.sym * rho_R.sym * s_g.sym
            + kappa_M.sym * Cap * (r_m.sym * I_Gm + G_RD.sym) / Y,
            "g_Ab": gamma_A.sym * rho_R.sym * (1 - s_g.sym),
            "g_A": w_g.sym * g_Ag.sym + (1 - w_g.sym) * g_Ab.sym,
        },
        derivatives={"A_g": g_Ag.sym * A_g.sym, "A_b": g_Ab.sym * A_b.sym,
                     "m_RD": (log_rd - m_RD.sym) / tau_RD.sym},
        description="Directed technical change (AABH 2012): research follows expected profits (relative knowledge, "
                    "the carbon price as a dirty-input tax, the clean research subsidy); mission R&D adds to clean "
                    "knowledge; aggregate knowledge is AABH's CES index of knowledge levels; private research "
                    "responds to public R&D intensity (crowding-in over tau_RD, crowding-out on impact).",
    )

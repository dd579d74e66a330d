"""Labour: wage share (Phillips curve steepening near full employment, productivity indexation,
conflicting-claims inflation with excess demand), productivity, labour force."""

from __future__ import annotations

import sympy as sp

from ...core.blocks import Block
from ...core.symbols import aux, exogenous, lever, param, stock
from ._common import ASSUMED, ESSAY, GEMMES, ref, soft_floor

GCL = "Grasselli & Costa Lima (2012), Math. Financ. Econ. 6: Phillips curve diverging at full employment"
#: declared bounds of the target mark-up [dimensionless]: a start whose inflation datum needs a mark-up outside
#: them has no start at rest (:func:`model.directed_growth.start_state.derived_values`)
MARKUP_BOUNDS = (1.0, 3.0)


def labour() -> Block:
    r"""Wage share, labour productivity (Kaldor-Verdoorn) and the labour force.

    Notes
    -----
    .. math::

        \lambda &= \frac{Y}{a_{eff} N}, \qquad
        \Phi(\lambda) = \phi_0 + \phi_1\lambda + \frac{\phi_2}{\lambda_{max} + \epsilon_\lambda - \lambda}
        + b_w^{eff}, \qquad
        i = \eta_p(m\,\omega - 1) + \eta_x \ln(Y_D/Y), \\
        w &= \Phi(\lambda) + \gamma_p\,i + \psi_a\,\alpha_{eff}, \qquad
        w_{eff} = \mathrm{smax}(w, \underline w), \qquad
        \dot\omega = \omega\,[w_{eff} - i - \alpha_{eff}], \\
        \alpha &= \max\big(\alpha_0 + \alpha_{KV}(g_K - \bar g) + \alpha_A (g_A - \bar g_A), 0\big), \quad
        \alpha_{eff} = \alpha - D_P/\tau_D, \quad \dot a = \alpha_{eff} a, \\
        \dot N_{demo} &= (n + n_s(t))\, N_{demo}, \qquad
        \dot N = N\,\big[n + n_s(t) + n_\lambda(\lambda - \bar\lambda)(1 - x^2)\big], \quad
        x = \frac{N/N_{demo} - 1}{p_{max}}

    * Real wages grow with the employment rate along a Phillips curve that steepens as employment
      nears its maximum (Grasselli & Costa Lima 2012; here hyperbolic in the distance to
      :math:`\lambda_{max}`, finite at it: the supply ceiling holds employment just below
      :math:`\lambda_{max}` when demand outruns supply, and a wage share exploding there would make a
      supply-constrained economy fail instead of inflating),
      with a share :math:`\gamma_p` of inflation recovered and a share
      :math:`\psi_a` of productivity growth indexed (G&L GROWTH :math:`\Omega_1 = 1`; economics.md
      11.10), shifted by the wage floor :math:`b_w` (bargaining power, the essay's conditions).
      Nominal wage growth :math:`w` does not fall below :math:`\underline w` (downward nominal wage
      rigidity: nominal wage cuts are rare and wage changes bunch at zero, Akerlof, Dickens & Perry
      1996; Dickens et al. 2007; Daly & Hobijn 2014), smoothly
      (:func:`~model.directed_growth.mechanisms._common.soft_floor`). Without the floor a deep
      slump with the policy rate at its lower bound deflates prices faster than the Phillips curve
      cuts wages only while the wage share falls towards zero (measured: 4.5% of calibrated
      market-shaping members fell below a wage share of 0.3 or an employment rate of 0.7, with
      deflation of 11-19% a year).
    * Conflicting-claims inflation (GEMMES :math:`i = \eta(\mu\omega - 1)`) plus excess demand:
      demand the supply ceiling leaves unmet, :math:`Y_D > Y`, raises inflation.
    * Productivity growth follows capital accumulation (Kaldor-Verdoorn) and knowledge growth, less the damage
      to productivity growth (damages block). Before damages it does not fall below zero (exactly: a smooth
      floor would move the start's natural rate, :math:`\alpha_0 > 0`): what is learned is not forgotten. In
      Arrow's (1962, REStud 29(3)) learning by doing, productivity is a function of cumulative gross investment,
      which never falls, and Kaldor's technical progress function describes how fast productivity rises with
      accumulation, not a regress when net capital shrinks; slower accumulation slows learning down to none.
      Without the floor, capital destroyed by climate damages (:math:`D_K`) and the investment slump after it
      made trend productivity fall by up to 6% a year on top of the damage to productivity growth :math:`f_P D`
      (issue 14: most of the calibrated ensemble's members that left the plausible range did so this way, and
      public debt then rose above 5 x output). Damages still lower productivity growth below zero through
      :math:`D_P`, the channel the damage split gives them. Knowledge growth :math:`g_A` is the growth of AABH's
      aggregate knowledge, the CES index of the clean and dirty knowledge levels
      :math:`(A_g^{\varphi'} + A_b^{\varphi'})^{1/\varphi'}` (technology block): each sector's knowledge growth
      weighted by its share in the index, so that greening the capital stock does not by itself lower
      productivity growth; :math:`\bar g_A` is its start value (at rest).
    * The labour force follows an exogenous demographic path with a participation response to the
      employment rate (Blanchard & Katz 1992) that is bounded: the labour force stays within
      :math:`\pm p_{max}` of the demographic path. The path's growth is the start-year rate :math:`n`
      (from which the start state derives autonomous-demand growth) plus the exogenous input
      :math:`n_s(t)`, the country schedule's departure from its start-year value (US: CBO's +0.3%/yr
      to 2050, then fading to 0 by 2100; UK: the 2010-2019 trend fading to 0 by 2100;
      :meth:`~model.directed_growth.countries.CountryStart.labour_force_shift`), zero at the start, so
      the start stays at rest. Without a country the input is 0 (a constant rate :math:`n`). A value of
      :math:`n` set by an override, a parameter file or an ensemble draw moves the whole schedule in
      parallel (:math:`n + n_s(t)`).
    """
    omega = stock("omega", "dimensionless", "wage share", default=0.597, bounds=(0.0, None),
                  source="economics.md 11.12: PWT labsh 0.597 (US 2019) [V]", latex=r"\omega")
    a = stock("a", "TUSD/year/Mworker", "trend labour productivity", default=0.147, bounds=(0.0, None),
              source="set by the model factory from output, the labour force and the employment rate")
    N = stock("N", "Mworker", "labour force", default=170.0, bounds=(0.0, None),
              source="economics.md 11.12: US labour force 168.1 M (2024, FRED-QD) [V], carried to 2025")
    N_demo = stock("N_demo", "Mworker", "demographic labour force path", default=170.0, bounds=(0.0, None),
                   source="equal to the labour force at the start (set by the model factory)", latex=r"N_{demo}")
    phi1 = param("phi1", "1/year", "Phillips curve slope", default=0.5, bounds=(0.0, 5.0),
                 source=GEMMES + ": 0.4688", latex=r"\phi_1")
    phi2 = param("phi2", "1/year", "Phillips curve steepening near the maximum employment rate", default=1e-4,
                 bounds=(0.0, 1e-3), source=GCL + " (phi1 = 6.41e-5 on 1/(1-lambda)^2); hyperbolic form here, "
                 "0.3 pp/yr at lambda = 0.96 and 2 pp/yr at lambda_max: " + ASSUMED, latex=r"\phi_2")
    eps_lam = param("eps_lam", "dimensionless", "distance beyond lambda_max of the Phillips curve's pole",
                    default=0.005, bounds=(0.001, 0.05), tunable=False,
                    source="modelling assumption: wage growth at the maximum employment rate is phi2 / eps_lam "
                           "(2 pp/yr at the defaults) instead of infinite", latex=r"\epsilon_\lambda")
    phi0 = param("phi0", "1/year", "Phillips curve intercept", default=-0.46, bounds=(None, None), tunable=False,
                 source="set by the model factory so that the start wage share is stationary at lam_ref",
                 latex=r"\phi_0")
    eta_p = param("eta_p", "1/year", "speed of price adjustment", default=0.192, bounds=(0.0, 2.0),
                  source=GEMMES + ": 0.192", latex=r"\eta_p")
    mu = param("markup", "dimensionless", "firms' target mark-up on unit labour costs", default=1.875,
               bounds=MARKUP_BOUNDS,
               source="set by the model factory so that the start's inflation is the start's inflation datum "
                      "(start data 'infl'); without a datum (historical replays) " + GEMMES + ": 1.875",
               latex="m")
    eta_x = param("eta_x", "1/year", "inflation response to excess demand", default=0.5, bounds=(0.0, 3.0),
                  source="excess demand shows in inflation (issue 12, DEFINE rationing); size " + ASSUMED,
                  latex=r"\eta_x")
    gamma_p = param("gamma_p", "dimensionless", "share of inflation recovered in wage bargaining",
                    default=0.5, bounds=(0.0, 1.0),
                    source="GEMMES versions use 0.5 and 0.9 (Grasselli's estimate); 0.5 " + ASSUMED,
                    latex=r"\gamma_p")
    psi_a = param("psi_a", "dimensionless", "productivity indexation of real wages", default=1.0, bounds=(0.0, 1.0),
                  source="economics.md 11.10: G&L GROWTH Omega1 = 1 [V]; GEMMES 0", latex=r"\psi_a")
    alpha0 = param("alpha0", "1/year", "trend labour productivity growth", default=0.0156, bounds=(0.0, 0.03),
                   source="US labour productivity growth 1.56%/yr (calibration/params/usa.toml, block-wise)",
                   latex=r"\alpha_0")
    alpha_KV = param("alpha_KV", "dimensionless", "Kaldor-Verdoorn coefficient", default=0.5, bounds=(0.0, 1.0),
                     source="Kaldor-Verdoorn coefficients about 0.5 in the literature [R]; " + ASSUMED,
                     latex=r"\alpha_{KV}")
    alpha_A = param("alpha_A", "dimensionless", "productivity response to aggregate knowledge growth", default=0.06,
                    bounds=(0.0, 1.0),
                    source="Hulten (1978), REStud 45(3): aggregate productivity growth is the Domar-weighted sum of "
                           "sector productivity growth; the clean and dirty knowledge is energy-technology knowledge "
                           "(its research is energy research, r_ERD), whose Domar weight is the energy expenditure "
                           "share of output, about 6% (US, EIA 2019 [R]; the fuel cost f_b); 1 would be AABH's "
                           "two-sector economy in which all knowledge is clean or dirty", latex=r"\alpha_A")
    g_ref = param("g_ref", "1/year", "reference capital growth", default=0.0186, bounds=(None, None), tunable=False,
                  source="start value (set by the model factory)", latex=r"\bar g")
    gA_ref = param("gA_ref", "1/year", "reference aggregate knowledge growth", default=0.02, bounds=(None, None),
                   tunable=False,
                   source="start value (set by the model factory)", latex=r"\bar g_A")
    n = param("n", "1/year", "growth of the demographic labour force in the start year", default=0.003,
              bounds=(-0.01, 0.015),
              source="CBO LTBO 2020: potential labour force +0.3%/yr 2020-2050 [V] (economics.md 11.12); LTBO 2024 "
                     "about 0.4 [R]; a country's model: its schedule's start-year rate (later years: n_shift)")
    n_shift = exogenous("n_shift", "1/year", "departure of demographic labour-force growth from its start-year rate",
                        default=0.0, description="The country's labour-force growth schedule less its value in the "
                                                 "start year (n): zero at the start; 0 throughout without a country",
                        source="country schedules, model/directed_growth/countries/{usa,gbr}.toml [n_path] "
                               "(CountryStart.labour_force_shift)", latex=r"n_s")
    n_lam = param("n_lam", "1/year", "participation response to the employment rate", default=0.1,
                  bounds=(0.0, 1.0), source="Blanchard & Katz (1992), BPEA: employment shocks absorbed by "
                                            "migration and participation within about a decade; " + ASSUMED,
                  latex=r"n_\lambda")
    p_max = param("p_max", "dimensionless", "largest participation deviation from the demographic path",
                  default=0.05, bounds=(0.01, 0.2), source="US participation rate 62-67% since 1980 (about +-4% of "
                                                           "its mean) [R]; " + ASSUMED, latex=r"p_{max}")
    wage_floor = lever("wage_floor", "1/year", "wage-floor shift of wage growth", default=0.0, bounds=(-0.05, 0.05),
                       description="Bargaining-power shift of real wage growth from wage conditions on supported "
                                   "firms and procurement", source=ESSAY, latex=r"b_w")
    w_min = param("w_min", "1/year", "floor of nominal wage growth", default=0.0, bounds=(-0.05, 0.02),
                  source="downward nominal wage rigidity: Akerlof, Dickens & Perry (1996), BPEA 1996(1); Dickens "
                         "et al. (2007), JEP 21(2) (International Wage Flexibility Project); Daly & Hobijn (2014), "
                         "JMCB 46(S2): US nominal wage changes bunch at zero [R]", latex=r"\underline w")
    eps_w = param("eps_w", "1/year", "width of the smooth floor of nominal wage growth", default=0.002,
                  bounds=(1e-3, 0.01), tunable=False,
                  source="modelling assumption: the floor is exact beyond about 1 pp above it", latex=r"\epsilon_w")
    w_n = aux("w_n", "1/year", "bargained nominal wage growth", latex="w")
    w_eff = aux("w_eff", "1/year", "nominal wage growth", latex=r"w_{eff}")
    lam = aux("lam", "dimensionless", "employment rate", latex=r"\lambda")
    phillips = aux("phillips", "1/year", "real wage growth (Phillips curve)", latex=r"\Phi")
    inflation = aux("inflation", "1/year", "price inflation", latex="i")
    alpha = aux("alpha", "1/year", "labour productivity growth before damages", latex=r"\alpha",
                description="Kaldor-Verdoorn and knowledge growth, floored at 0 (learning is not forgotten: "
                            "Arrow 1962)")
    alpha_eff = aux("alpha_eff", "1/year", "labour productivity growth", latex=r"\alpha_{eff}")
    g_K = aux("g_K", "1/year", "private capital growth", latex=r"g_K")
    g_N = aux("g_N", "1/year", "labour force growth", latex=r"g_N")
    Y, Y_D, K, I_p, delta_K, g_A, a_eff, lam_ref, lam_max, D_P, tau_D, b_w_eff = ref(
        "Y", "Y_D", "K", "I_p", "delta_K", "g_A", "a_eff", "lam_ref", "lam_max", "D_P", "tau_D", "b_w_eff")
    x = (N.sym / N_demo.sym - 1) / p_max.sym
    return Block(
        name="labour",
        variables=(omega, a, N, N_demo, eps_lam, phi0, phi1, phi2, eta_p, mu, eta_x, gamma_p, psi_a, alpha0, alpha_KV,
                   alpha_A,
                   g_ref, gA_ref, n, n_shift, n_lam, p_max, wage_floor, w_min, eps_w, w_n, w_eff, lam, phillips,
                   inflation, alpha, alpha_eff,
                   g_K, g_N),
        auxiliaries={
            "lam": Y / (a_eff * N.sym),
            "w_n": phillips.sym + gamma_p.sym * inflation.sym + psi_a.sym * alpha_eff.sym,
            "w_eff": soft_floor(w_n.sym, w_min.sym, eps_w.sym),
            "phillips": phi0.sym + phi1.sym * lam.sym + phi2.sym / (lam_max + eps_lam.sym - lam.sym) + b_w_eff,
            "inflation": eta_p.sym * (mu.sym * omega.sym - 1) + eta_x.sym * sp.log(Y_D / Y),
            "g_K": I_p / K - delta_K,
            "alpha": sp.Max(alpha0.sym + alpha_KV.sym * (g_K.sym - g_ref.sym) + alpha_A.sym * (g_A - gA_ref.sym), 0),
            "alpha_eff": alpha.sym - D_P / tau_D,
            "g_N": n.sym + n_shift.sym + n_lam.sym * (lam.sym - lam_ref) * (1 - x ** 2),
        },
        derivatives={
            "omega": omega.sym * (w_eff.sym - inflation.sym - alpha_eff.sym),
            "a": alpha_eff.sym * a.sym,
            "N": g_N.sym * N.sym,
            "N_demo": (n.sym + n_shift.sym) * N_demo.sym,
        },
        description="Wage share with a Phillips curve steepening near full employment, productivity indexation, "
                    "bargaining power and conflicting-claims inflation with excess demand; employment, "
                    "Kaldor-Verdoorn productivity; the labour force with bounded participation.",
    )

"""Private investment: how much (accelerator, profits, crowding in and out, bounded below the leakage)
and in which direction."""

from __future__ import annotations

import sympy as sp

from ...core.blocks import Block
from ...core.symbols import aux, param, stock
from ._common import ASSUMED, DEFINE, logistic, ref, soft_cap, soft_floor

FS = "Freitas & Serrano (2015), Rev. Political Econ. 27(3)"
#: the source of xi, the share of private investment by credit-constrained firms (read in these pages)
XI_SOURCE = (
    "modelling assumption (a free shifter, prior [0, 0.3]). SMEs make 52% of UK business turnover and 60% of "
    "private employment (UK government, Backing your business: evidence annex, 2026, https://www.gov.uk/government/"
    "publications/backing-your-business-our-plan-for-small-and-medium-sized-businesses/"
    "backing-your-business-evidence-annex-web-version) [V]; of US small firms that applied for credit 33% got all "
    "they sought and 44% none, against 70% and 20% for firms with revenues above $10M (Federal Reserve Banks of New "
    "York, Atlanta, Cleveland and Philadelphia, Joint Small Business Credit Survey 2014, "
    "https://www.newyorkfed.org/smallbusiness/joint-small-business-credit-survey-2014) [V]. Most small firms do not "
    "apply and SMEs invest less per unit of turnover than large firms, so constrained firms make well under half "
    "of private investment: 0.1 (assumed). The constraint may bind little: the investment gap of Irish SMEs was "
    "just over 30% in 2016, financing frictions 10-20% of it (ESRI working paper, 2018, https://www.esri.ie/"
    "publications/estimating-an-sme-investment-gap-and-the-contribution-of-financing-frictions) [V]; hence 0 in "
    "the prior"
)


def private_investment() -> Block:
    r"""The private investment share, its green/brown direction and private capital.

    Notes
    -----
    The trend investment share :math:`h` adjusts as in the supermultiplier's flexible accelerator
    (Freitas & Serrano 2015), :math:`\dot h = h\gamma_u(u - u_n)\,w_h`, so that in the long run
    utilisation is normal and growth follows autonomous demand; :math:`w_h = 1` except within
    :math:`\epsilon_Y h_{max}` of the cap :math:`h_{max}` while utilisation is above normal, where it
    falls smoothly to zero (the share cannot be pushed through its cap). The actual share shifts
    with profitability, the cost of credit, mission public capital (level effects) and the productive
    credit available to bank-dependent firms, is capped
    smoothly below :math:`h_{max}` (the CES minimum of the supply block) and scaled by damages (DEFINE 1.1
    scales investment demand by
    :math:`1-D`):

    .. math::

        h_{eff} = (1-D)\,\mathrm{smin}\big(h\,q_F\,e^{\gamma_\pi(\rho_n - \bar\rho) - \gamma_r(r_L - \bar r)
            + \chi\,Cap\,(k_{Gm} - \bar k_{Gm})},\ h_{max}\big), \qquad I_p = h_{eff} Y, \qquad
        q_F = 1 + \xi\,\tanh(f/\bar f - 1)

    The productive-credit share :math:`f` (finance block) allocates new bank credit as a quantity. A share
    :math:`\xi` of private investment is made by credit-constrained, bank-dependent firms (small and young
    firms), whose investment is limited by the credit banks allocate to them and so scales with the
    productive credit available, :math:`f/\bar f` of its reference at a given total; the rest is made by
    firms that are not constrained (their investment follows demand, profits and the loan rate; their
    loans are demand-determined, finance block). The response is linear near the reference (elasticity
    one) and saturates: :math:`\tanh` bounds the constrained firms' investment between none and twice its
    reference, since once their constraint no longer binds, more credit on offer is not borrowed
    (modelling assumption; :math:`f/\bar f - 1` reaches 4 at :math:`f = 1`). With :math:`\xi = 0` the
    quantity channel is shut; :math:`q_F = 1` exactly at :math:`f = \bar f`. The extra investment is
    financed by firm loans (the financing gap, finance block), so productive credit rises with it.

    :math:`h_{max}` lies below the leakage (households block) at every admissible draw, so that the
    supermultiplier's singularity :math:`h \to s` cannot be reached (the referee's exploding members
    reached :math:`h = 0.393` against :math:`s = 0.40`). Retained profits at normal utilisation
    :math:`\rho_n` finance investment (Stockhammer 2004), the loan rate :math:`r_L` (which carries the
    sovereign premium, public finance block) crowds it out, mission public capital scaled by
    capability crowds it in (Deleidi & Mazzucato 2021; :math:`\chi < 0` allowed: Boysen-Hogrefe 2025).
    Reference values (barred) are the start state, so that business as usual starts at rest.

    The green share of new private capacity is a discrete choice between the technologies' levelised
    costs per unit of their own output (the logit of FTT, Mercure et al. 2014, in DEFINE's relative-cost
    form): capital cost per unit of output :math:`v` annualised with the financing rate and depreciation,
    fuel, and the carbon cost :math:`cc` (the price times the brown technology's emissions per unit of its
    own output, emissions block),

    .. math::

        LC_b = (r_L + \delta)\,v + f_b + cc, \qquad LC_g = (r_g + \delta)\,v\,c_g, \qquad
        r_g = r_L - d_P\,proc,

        x_c = \mathrm{logistic}\big(z_0 - \beta_c\big[\ln(LC_g/LC_b) - (1-\alpha)\ln(A_g/A_b)\big]\big),
        \qquad x_P = proc\,G_C/Y, \qquad x_g = x_P + (1 - x_P)\,x_c

    where :math:`\beta_c` is the cost sensitivity (the inverse spread of perceived costs); relative
    knowledge scales the relative cost as AABH's relative price of the clean input,
    :math:`p_c/p_d = (A_g/A_b)^{-(1-\alpha)}` (technology block), so that the green share of capital
    follows the clean sector's knowledge as well as the learning curve. Green procurement acts through
    quantities and costs. Its quantity: the government buys a share :math:`proc` of its purchases
    :math:`G_C` with the outcome specified (zero-emission supply: Mazzucato's outcome-oriented
    procurement; the EU's and US federal green public procurement criteria), a guaranteed demand of
    :math:`x_P = proc\,G_C/Y` of output; capacity built to supply it is green whatever the relative costs,
    so a share :math:`x_P` of new capacity is green by contract and the rest, :math:`x_c`, is chosen by
    cost (no free shifter: the size is the procurement budget). Its cost: guaranteed demand
    lowers the green financing rate by :math:`d_P` at full procurement (a free shifter, prior from 0),
    and the green unit capital cost falls along a learning curve (Wright's law) with cumulative green
    investment :math:`Q_g`, private and mission public capacity alike:

    .. math::

        c_g = c_{g0}(Q_g/\bar Q_g)^{-b}, \quad b = -\log_2(1 - LR), \qquad
        \dot Q_g = x_g I_p + (1 - r_m) I_{Gm}

    (each doubling of cumulative capacity cuts the unit cost by the learning rate :math:`LR`). The
    intercept :math:`z_0` is set so that the start's green share (``XG0``, model factory) of private
    investment is green.
    Capital: :math:`\dot K_g = x_g I_p - \delta_K K_g`, :math:`\dot K_b = (1-x_g)I_p - \delta_K K_b`,
    :math:`\delta_K = \delta + D_K/\tau_D` (damaged depreciation, GEMMES).
    """
    h = stock("h", "dimensionless", "trend private investment share", default=0.18, bounds=(0.0, 1.0),
              source="set by the model factory from the private capital-output ratio: (g_Z + delta_K) K / Y")
    K_g = stock("K_g", "TUSD", "green private capital", default=6.6, bounds=(0.0, None),
                source="private capital K/Y = 2.77 (PWT 3.36 less ICSD public 0.59, economics.md 11.12); green share "
                       "10%, " + ASSUMED, latex=r"K_g")
    K_b = stock("K_b", "TUSD", "brown private capital", default=59.8, bounds=(0.0, None),
                source="private capital K/Y = 2.77 (economics.md 11.12); brown share 90%, " + ASSUMED, latex=r"K_b")
    gamma_u = param("gamma_u", "1/year", "accelerator speed", default=0.05, bounds=(0.0, 0.2),
                    source=FS + ": stable iff gamma_u v < s - h*; 0.05 as in the test case of economics.md sec. 3",
                    latex=r"\gamma_u")
    u_n = param("u_n", "dimensionless", "normal capacity utilisation", default=0.8, bounds=(0.6, 0.85),
                source="economics.md sec. 3", latex=r"u_n")
    h_max = param("h_max", "dimensionless", "cap of the private investment share", default=0.3, bounds=(0.25, 0.35),
                  source="modelling assumption: above every observed US/UK private investment share (<= 0.22) and "
                         "below the leakage at every admissible draw (Freitas & Serrano 2015 stability bound)",
                  latex=r"h_{max}")
    gamma_pi = param("gamma_pi", "year", "investment response to the normal retained profit rate", default=5.0,
                     bounds=(0.0, 50.0), source="Stockhammer (2004), CJE 28(5), sign; size " + ASSUMED,
                     latex=r"\gamma_\pi")
    gamma_r = param("gamma_r", "year", "investment response to the cost of credit", default=5.0,
                    bounds=(0.0, 50.0), source=DEFINE + ": maximum slope dI/dr 0.15 of capital; " + ASSUMED,
                    latex=r"\gamma_r")
    chi = param("chi", "dimensionless", "crowding-in by mission public capital", default=0.5, bounds=(-5.0, 50.0),
                source="Deleidi & Mazzucato (2021), Res. Policy 50(2): crowding-in (sign); Boysen-Hogrefe (2025): "
                       "temporary crowding-out after 1985 (negative allowed); size " + ASSUMED, latex=r"\chi")
    pi_r_ref = param("pi_r_ref", "1/year", "reference normal retained profit rate", default=0.02,
                     bounds=(None, None), tunable=False, source="start value (set by the model factory)",
                     latex=r"\bar\rho")
    xi = param("xi", "dimensionless", "share of private investment by credit-constrained firms",
               default=0.1, bounds=(0.0, 0.5),
               source=XI_SOURCE,
               latex=r"\xi")
    r_ref = param("r_ref", "1/year", "reference cost of productive credit", default=0.045, bounds=(None, None),
                  tunable=False,
                  source="start value (set by the model factory)", latex=r"\bar r")
    k_Gm_ref = param("k_Gm_ref", "dimensionless", "reference mission public capital ratio", default=0.02,
                     bounds=(None, None), tunable=False, source="start value (set by the model factory)",
                     latex=r"\bar k_{Gm}")
    delta = param("delta", "1/year", "depreciation of private capital", default=0.046, bounds=(0.02, 0.08),
                  source="economics.md 11.12: PWT delta 0.046 (US 2019) [V]", latex=r"\delta")
    Q_g = stock("Q_g", "TUSD", "cumulative green investment", default=7.2, bounds=(0.0, None),
                source="set by the model factory: start-year green investment over g_Q0", latex=r"Q_g")
    Q_ref = param("Q_ref", "TUSD", "cumulative green investment in the start year", default=7.2,
                  bounds=(None, None), tunable=False, source="start value (set by the model factory)",
                  latex=r"\bar Q_g")
    g_Q0 = param("g_Q0", "1/year", "growth of cumulative green investment before the start", default=0.1,
                 bounds=(0.02, 0.5), source="modelling assumption: cumulative green investment about ten years of "
                 "the start year's (a stock built by green investment growing 10%/yr); sets the start of the "
                 "learning curve", latex=r"g_{Q0}")
    learn_rate = param("learn_rate", "dimensionless", "learning rate of green capital (cost cut per doubling)",
                       default=0.15, bounds=(0.0, 0.5),
                       source="economics.md 11.8: US utility-scale wind 15%, solar 24% per doubling on LCOE "
                              "(iScience 2022) [V]; Rubin et al. (2015), Energy Policy 86: wind ~12%, PV ~23% [R]; "
                              "Way, Ives, Mealy & Farmer (2022), Joule 6: Wright's law; 15% (wind) for a composite "
                              "of green capital, part of which learns slowly (modelling assumption)",
                       latex=r"LR")
    c_g0 = param("c_g0", "dimensionless", "green unit capital cost in the start year", default=1.0,
                 bounds=(None, None), tunable=False, source="normalised (the start-year level is absorbed by "
                 "z0, which sets the start's green share)", latex=r"c_{g0}")
    beta_c = param("beta_c", "dimensionless", "cost sensitivity of the technology choice", default=3.0,
                   bounds=(0.0, 20.0), source="Mercure et al. (2014), Energy Policy 73 (FTT:Power: choice from "
                   "distributions of perceived levelised costs); 3 = a spread of log costs of pi/(sqrt(3) 3) = 0.6, "
                   + ASSUMED, latex=r"\beta_c")
    f_b = param("f_b", "dimensionless", "fuel cost per unit of brown output", default=0.06, bounds=(0.005, 0.3),
                source="US energy expenditure about 6% of GDP (EIA, 2019) [R, not in economics.md]; "
                       + ASSUMED, latex=r"f_b")
    d_P = param("d_P", "1/year", "cut of the green financing rate by guaranteed demand (full procurement)",
                default=0.01, bounds=(0.0, 0.05),
                source="guaranteed offtake lowers the cost of capital of green projects (Mazzucato 2025: "
                       "outcome-oriented procurement creates markets); size " + ASSUMED, latex=r"d_P")
    z0 = param("z0", "dimensionless", "green investment propensity intercept", default=-1.7, bounds=(None, None),
               tunable=False,
               source="set by the model factory so that XG0 of start-year private investment is green",
               latex=r"z_0")
    rec_min = param("rec_min", "1/year", "lowest capital recovery rate in the levelised costs", default=0.01,
                    bounds=(0.001, 0.05), tunable=False,
                    source="modelling assumption: capital recovered over at most 100 years, so that a levelised "
                           "cost stays positive when a drawn loan rate falls far below minus depreciation",
                    latex=r"\underline{r}_K")
    I_p = aux("I_p", "TUSD/year", "private investment", latex=r"I_p")
    x_g = aux("x_g", "dimensionless", "green share of private investment", latex=r"x_g")
    x_c = aux("x_c", "dimensionless", "green share of new capacity chosen by cost (logit)", latex=r"x_c")
    x_P = aux("x_P", "dimensionless", "green share of new capacity contracted by green procurement", latex=r"x_P")
    c_g = aux("c_g", "dimensionless", "green unit capital cost (learning curve)", latex=r"c_g")
    r_g = aux("r_g", "1/year", "financing rate of green capacity", latex=r"r_g")
    lc_g = aux("lc_g", "dimensionless", "levelised cost of green capacity per unit of its output", latex=r"LC_g")
    lc_b = aux("lc_b", "dimensionless", "levelised cost of brown capacity per unit of its output", latex=r"LC_b")
    crowd_in = aux("crowd_in", "dimensionless", "crowding-in term of the investment share",
                   description="chi Cap (k_Gm - k_Gm_ref)")
    h_eff = aux("h_eff", "dimensionless", "private investment share of output", latex=r"h_{eff}")
    q_F = aux("q_F", "dimensionless", "investment factor of credit-constrained firms, 1 + xi tanh(f / f_ref - 1)",
              latex=r"q_F")
    K = aux("K", "TUSD", "private capital")
    delta_K = aux("delta_K", "1/year", "depreciation including climate damages", latex=r"\delta_K")
    Y, u, rho_n, r_L, Cap, k_Gm, A_g, A_b, cc, procurement, D, D_K, tau_D, k_Y, v, I_Gm, r_m, alpha_m = ref(
        "Y", "u", "rho_n", "r_L", "Cap", "k_Gm", "A_g", "A_b", "carbon_cost", "procurement", "D_dmg", "D_K",
        "tau_D", "k_Y", "v", "I_Gm", "r_m", "alpha_m")
    eps_r, G_C = ref("eps_r", "G_C")
    f_prod, f_ref = ref("f_prod", "f_ref")
    mission = Cap * (k_Gm - k_Gm_ref.sym)
    brake = 1 - (h.sym / h_max.sym) ** 50
    level = gamma_pi.sym * (rho_n - pi_r_ref.sym) - gamma_r.sym * (r_L - r_ref.sym) + crowd_in.sym
    return Block(
        name="private investment",
        variables=(h, K_g, K_b, Q_g, gamma_u, u_n, h_max, gamma_pi, gamma_r, chi, xi, pi_r_ref, r_ref, k_Gm_ref, delta,
                   Q_ref, g_Q0, learn_rate, c_g0, beta_c, f_b, d_P, z0, rec_min, I_p, x_g, x_c, x_P, c_g, r_g, lc_g,
                   lc_b, crowd_in, q_F, h_eff, K, delta_K),
        auxiliaries={
            "K": K_g.sym + K_b.sym,
            "delta_K": delta.sym + D_K / tau_D,
            "crowd_in": chi.sym * mission,
            "q_F": 1 + xi.sym * sp.tanh(f_prod / f_ref - 1),
            "h_eff": (1 - D) * soft_cap(h.sym * q_F.sym * sp.exp(level), h_max.sym, k_Y),
            "I_p": h_eff.sym * Y,
            "c_g": c_g0.sym * (Q_g.sym / Q_ref.sym) ** sp.log(1 - learn_rate.sym, 2),
            "r_g": r_L - d_P.sym * procurement,
            # the capital recovery rate floored at 1%/yr (a 100-year recovery): a drawn loan rate far below
            # minus depreciation would make a levelised cost negative and the choice undefined
            "lc_g": soft_floor(r_g.sym + delta.sym, rec_min.sym, eps_r) * v * c_g.sym,
            "lc_b": soft_floor(r_L + delta.sym, rec_min.sym, eps_r) * v + f_b.sym + cc,
            "x_c": logistic(z0.sym - beta_c.sym * (sp.log(lc_g.sym / lc_b.sym)
                                                    - (1 - alpha_m) * sp.log(A_g / A_b))),
            "x_P": procurement * G_C / Y,
            "x_g": x_P.sym + (1 - x_P.sym) * x_c.sym,
        },
        derivatives={
            "h": h.sym * gamma_u.sym * (u - u_n.sym) * brake,
            "K_g": x_g.sym * I_p.sym - delta_K.sym * K_g.sym,
            "K_b": (1 - x_g.sym) * I_p.sym - delta_K.sym * K_b.sym,
            "Q_g": x_g.sym * I_p.sym + (1 - r_m) * I_Gm,
        },
        description="Private investment share (accelerator, profits, crowding in and out, productive credit to "
                    "constrained firms, capped below the leakage) and its green/brown direction from levelised "
                    "costs with learning.",
    )

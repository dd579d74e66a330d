"""Firms' finance: profits, payouts and conditions on supported firms, loans, the cost of credit, and the
allocation of new bank credit between productive and household uses."""

from __future__ import annotations

from ...core.blocks import Block
from ...core.symbols import aux, lever, param, stock
from ._common import ASSUMED, ESSAY, GEMMES, ref, soft_cap, soft_floor

KEEN = "Keen (1995); Grasselli & Costa Lima (2012); " + GEMMES


def finance() -> Block:
    r"""Firms' profits, payouts, loans, the cost of credit and the allocation of new bank credit.

    Notes
    -----
    .. math::

        \Pi^{pre} &= Y - W - T_c + S_{R\&D} + S_{sup} - r_L L_F - \delta_K K, \quad T_\pi = t_\pi \Pi^{pre}, \quad
        \Pi = \Pi^{pre} - T_\pi, \quad Div = \theta\Pi + (1 - s_{sup})\lambda_F(\bar\ell K - L_F),
        \quad \Pi_r = \Pi - Div, \\
        \dot L_F &= I_p + \dot{IN} - \Pi_r - \delta_K K, \qquad E = K + IN - L_F, \\
        r_L &= r_{cb} + \zeta_G sp_G + sp_F, \qquad
        sp_F = \mathrm{smin}\big(\mathrm{smax}(sp_{F0} + \psi_F (L_F/K - \bar\ell), 0), sp_{max}\big)

    GEMMES accounting (Bovari et al. 2018): depreciation includes the climate capital loss, so lost
    profits raise firm debt (Keen 1995). Firms are financed by bank loans, which also finance the change in
    inventories :math:`IN` (Godley & Lavoie 2007, ch. 9, model DIS; inventories block); profits are on
    production, sales plus the change in inventories. Their equity, at book
    value :math:`E = K + IN - L_F` (firms' net worth zero), is held by households and, through the
    public stake :math:`\phi_G`, the government. The payout ratio (dividends and buybacks) is
    :math:`\theta_0` for unsupported firms; supported firms (share :math:`s_{sup}`, the take-up of support,
    public support block) receive the support subsidy :math:`S_{sup}` and face a payout cap
    :math:`c_p` and a reinvestment floor :math:`f_r`:
    :math:`\theta = (1-s_{sup})\theta_0 + s_{sup}c_p\theta_0(1-f_r)`. Unsupported firms also close a
    share :math:`\lambda_F` a year of the gap between their leverage and its reference through net
    payouts (buybacks when under-levered, equity issuance when over-levered: the trade-off theory's
    target leverage, Huang & Ritter 2009), so that retained profits beyond investment do not turn
    firms into ever larger net lenders; at the start leverage is at its reference and the term is 0.
    The loan rate is the policy rate plus the pass-through :math:`\zeta_G` of the sovereign premium
    (crowding-out through rates) plus a firm premium rising with leverage, floored at zero and capped (smooth bounds,
    :mod:`~model.directed_growth.mechanisms._common`). The retained profit rate at normal
    utilisation :math:`\rho_n` drives investment (private investment block).

    The productive-credit share :math:`f` (lever ``f_prod``) allocates new bank credit as a quantity
    (economics.md 8, item 4: :math:`\dot D_{prod} = f\,\dot D_{tot}`), not as a price: of the two uses of
    bank credit in the model, household credit (mostly mortgages and consumer credit, the essay's credit
    to property and consumption) is rationed to :math:`(1-f)/(1-\bar f)` of its reference flow (households
    block), and productive credit relaxes the constraint of bank-dependent firms' investment in
    proportion :math:`f/\bar f` (private investment block). At :math:`f = \bar f = 0.2` (the essay's "about
    20% of finance goes to the productive economy") both factors are exactly one: business as usual.
    """
    L_F = stock("L_F", "TUSD", "firm loans", default=18.0, bounds=(None, None),
                description="Firms' bank debt net of their deposits (negative when firms are net lenders)",
                source="economics.md sec. 10: US non-financial corporate debt about 75% of GDP (BIS) [R]",
                latex=r"L_F")
    theta0 = param("theta0", "dimensionless", "payout ratio (dividends and buybacks)", default=0.85,
                   bounds=(None, None), tunable=False,
                   source="set by the model factory so that the firm debt ratio is at rest at "
                   "the start; Lazonick (2014): 91% for the S&P 500 (2003-12)", latex=r"\theta_0")
    t_pi = param("t_pi", "dimensionless", "profit tax rate", default=0.21, bounds=(0.0, 0.6),
                 source="US federal corporate rate since 2018", latex=r"t_\pi")
    sp_F0 = param("sp_F0", "1/year", "firm loan premium at the reference leverage", default=0.02,
                  bounds=(0.0, 0.06), source="US commercial and industrial loan spreads over the policy rate about "
                                             "2% [R]; " + ASSUMED, latex=r"sp_{F0}")
    psi_F = param("psi_F", "1/year", "firm premium response to leverage", default=0.05, bounds=(0.0, 0.2),
                  source="DEFINE spreads fall with bank capital (spr1 = 0.0479, economics.md 11.4b); response to "
                         "firm leverage (+0.5 pp per 0.1 of L_F/K) " + ASSUMED, latex=r"\psi_F")
    lev_ref = param("lev_ref", "dimensionless", "reference firm leverage", default=0.3, bounds=(None, None),
                    tunable=False,
                    source="start value of L_F / K (set by the model factory)", latex=r"\bar\ell")
    sp_max = param("sp_max", "1/year", "cap of the loan and sovereign premia", default=0.1, bounds=(0.02, 0.3),
                   source="modelling assumption: premia saturate (no default or bailout in the model)",
                   latex=r"sp_{max}")
    eps_r = param("eps_r", "1/year", "width of the smooth floor of rates and premia", default=0.002,
                  bounds=(1e-4, 0.01), tunable=False, source="modelling assumption: premia are exact above 0.2 pp",
                  latex=r"\epsilon_r")
    zeta_G = param("zeta_G", "dimensionless", "pass-through of the sovereign premium to loan rates", default=1.0,
                   bounds=(0.0, 1.0), source="government bond yields are the benchmark of private rates; "
                                             "full pass-through " + ASSUMED, latex=r"\zeta_G")
    f_ref = param("f_ref", "dimensionless", "reference productive share of new bank credit", default=0.2,
                  bounds=(0.05, 0.95), tunable=False,
                  source=ESSAY + ": about 20% of finance goes to the productive economy (economics.md 8)",
                  latex=r"\bar f")
    payout_cap = lever("payout_cap", "dimensionless", "payout cap on supported firms (1, shown as 100%, = none)",
                       default=1.0, bounds=(0.0, 1.0), source=ESSAY, latex=r"c_p")
    reinvest_floor = lever("reinvest_floor", "dimensionless", "reinvestment floor on supported firms",
                           default=0.0, bounds=(0.0, 1.0), source=ESSAY, latex=r"f_r")
    lam_F = param("lam_F", "1/year", "speed at which net payouts close the gap to the reference leverage",
                  default=0.17, bounds=(0.0, 0.5),
                  source="firms' leverage reverts to a target: Huang & Ritter (2009), JFQA 44(2): about 17% of the "
                         "gap a year [R]; Fama & French (2002), RFS 15(1): 7-18% [R]; Flannery & Rangan (2006), "
                         "JFE 79(3): about one third [R]", latex=r"\lambda_F")
    f_prod = lever("f_prod", "dimensionless", "share of new bank credit to productive uses", default=0.2,
                   bounds=(0.01, 1.0), source=ESSAY + " (business as usual at its reference f_ref)", latex="f")
    W = aux("W", "TUSD/year", "wages")
    Pi_pre = aux("Pi_pre", "TUSD/year", "pre-tax profits", latex=r"\Pi^{pre}")
    T_pi = aux("T_pi", "TUSD/year", "profit tax", latex=r"T_\pi")
    Pi = aux("Pi", "TUSD/year", "profits after tax", latex=r"\Pi")
    theta = aux("theta", "dimensionless", "payout ratio", latex=r"\theta")
    Div = aux("Div", "TUSD/year", "dividends and buybacks", latex="Div")
    Pi_r = aux("Pi_r", "TUSD/year", "retained profits", latex=r"\Pi_r")
    L_F_dot = aux("L_F_dot", "TUSD/year", "firms' new borrowing (financing gap)", latex=r"\dot L_F")
    E = aux("E_F", "TUSD", "firm equity (book value)", latex="E")
    lev = aux("lev", "dimensionless", "firm leverage L_F / K", latex=r"\ell")
    sp_F = aux("sp_F", "1/year", "firm loan premium", latex=r"sp_F")
    r_L = aux("r_L", "1/year", "loan rate (cost of firms' credit)", latex=r"r_L")
    rho_n = aux("rho_n", "1/year", "retained profit rate at normal utilisation", latex=r"\rho_n")
    d = aux("d", "year", "firm debt to output ratio")
    (omega, Y, I_p, K, T_c, S_rd, delta_K, r_cb, sp_G, u_n, Y_cap, tc_share, rd_share, s_sup, S_sup,
     sup_share) = ref("omega", "Y", "I_p", "K", "T_c", "S_rd", "delta_K", "r_cb", "sp_G", "u_n", "Y_cap", "tc_share",
                      "rd_share", "s_sup", "S_sup", "sup_share")
    INV, INV_dot = ref("INV", "INV_dot")
    premium = sp_F0.sym + psi_F.sym * (lev.sym - lev_ref.sym)
    return Block(
        name="finance",
        variables=(L_F, theta0, t_pi, sp_F0, psi_F, lev_ref, lam_F, sp_max, eps_r, zeta_G, f_ref,
                   payout_cap, reinvest_floor, f_prod, W, Pi_pre, T_pi, Pi, theta, Div, Pi_r, L_F_dot, E, lev, sp_F,
                   r_L, rho_n, d),
        auxiliaries={
            "W": omega * Y,
            "lev": L_F.sym / K,
            "sp_F": soft_cap(soft_floor(premium, 0, eps_r.sym), sp_max.sym, 20),
            "r_L": r_cb + zeta_G.sym * sp_G + sp_F.sym,
            "Pi_pre": Y - W.sym - T_c + S_rd + S_sup - r_L.sym * L_F.sym - delta_K * K,
            "T_pi": t_pi.sym * Pi_pre.sym,
            "Pi": Pi_pre.sym - T_pi.sym,
            "theta": (1 - s_sup) * theta0.sym
            + s_sup * payout_cap.sym * theta0.sym * (1 - reinvest_floor.sym),
            "Div": theta.sym * Pi.sym + (1 - s_sup) * lam_F.sym * (lev_ref.sym * K - L_F.sym),
            "Pi_r": Pi.sym - Div.sym,
            "L_F_dot": I_p + INV_dot - Pi_r.sym - delta_K * K,
            "E_F": K + INV - L_F.sym,
            "rho_n": (1 - theta.sym) * (1 - t_pi.sym) * ((1 - omega - tc_share + rd_share + sup_share) * u_n * Y_cap
                                                         - r_L.sym * L_F.sym - delta_K * K) / K,
            "d": L_F.sym / Y,
        },
        derivatives={"L_F": L_F_dot.sym},
        description="Firms' profits, payouts (dividends and buybacks), conditions on supported firms, bank loans, "
                    "the cost of credit and the productive share of new bank credit (" + KEEN + ").",
    )

"""Banks and the central bank: interest rates, bank profits and equity, reserves, the policy rule."""

from __future__ import annotations

from ...core.blocks import Block
from ...core.symbols import aux, exogenous, param, stock
from ._common import ASSUMED, DEFINE, GL2007, ref, soft_ceiling, soft_floor


def banks() -> Block:
    r"""Banks' and the central bank's accounts and the policy rate.

    Notes
    -----
    .. math::

        r_B &= r_{cb} + sp_G, \quad r_M = r_{cb} - m_M, \quad r_{LH} = r_L, \quad
        R = \rho_R M, \quad B_{CB} = R, \quad B_B = B - B_{CB}, \\
        \Pi_B &= r_L L_F + r_{LH} L_H + r_B B_B + r_{cb} R - r_M M, \quad Div_B = \theta_B \Pi_B, \quad
        \dot{NW}_B = (1-\theta_B)\Pi_B, \quad \Pi_{CB} = r_B B_{CB} - r_{cb} R, \\
        \dot r_{cb} &= \rho_{cb}\big[(1-a_{cb})\,\mathrm{smin}\big(\mathrm{smax}\big(r_0 + \psi_i(i - \bar\imath)
        + \psi_L(\lambda - \bar\lambda),\ r_{elb}\big), r_{max}\big) + a_{cb} r_0 - r_{cb}\big]
        \quad (o_{cb} = 0)

    Banks hold firm and household loans, government bonds and reserves against deposits and their
    equity (Godley & Lavoie 2007, ch. 10-11); they keep reserves :math:`\rho_R M` at the central
    bank (DEFINE: high-powered money 0.2 of deposits), which holds government bonds against them
    and remits its profits to the government. Deposits :math:`M` are integrated from the household
    budget, so the bank balance sheet :math:`M = L_F + L_H + B - NW_B` is Godley & Lavoie's
    redundant equation, checked on every run (accounts block). The real policy rate follows a
    smoothed rule on inflation and employment between an effective lower bound and a highest rate
    (smooth bounds; real rates far above the historical peak would make interest income, in an
    economy whose households are net creditors, feed the demand the rule fights);
    monetary accommodation :math:`a_{cb} = 1` holds it at :math:`r_0`.

    The real lower bound is the nominal one less the start's inflation, :math:`r_{elb} = i_{elb} - \bar\imath`
    (set by the model factory with :math:`\bar\imath`): a nominal floor :math:`i_{elb}` with inflation expectations
    anchored at the start's inflation. A limitation: the real floor does not move with realised inflation, so in a
    deflation the nominal rate implied at the floor, :math:`r_{elb} + i`, falls below :math:`i_{elb}` (and in an
    inflation rises above it); before, a real floor drawn independently of the start's inflation left a real floor
    of -0.6% on average in the failed members of the US joint posterior, whose start inflation was low (issue 14).

    A historical replay conditioned on observed policy (:mod:`calibration.outofsample`) sets the switch
    :math:`o_{cb} = 1`: the target is then the observed real policy rate :math:`r_{cb}^{obs}` (an exogenous input:
    the nominal short rate less realised CPI inflation) instead of the rule, and the policy rate tracks it at the
    speed :math:`\rho_{cb} + o_{cb}\rho_{obs}` (:math:`\rho_{obs}` fast: a lag of about a month). A nominal rate
    deflated by the model's own inflation is not used: a pegged nominal path makes the model's real rate rise
    as its inflation falls, a cumulative process (Wicksell; a 1 pp ramp of the nominal rate from the 2025 start
    takes employment from 0.96 to 0.87 in nine years). The default :math:`o_{cb} = 0` leaves the rule, and every
    other run, unchanged.
    """
    NW_B = stock("NW_B", "TUSD", "bank equity", default=2.5, bounds=(None, None),
                 source="start value: 10% of bank loans (US bank equity to assets about 10% [R]; set by the model "
                        "factory)", latex=r"NW_B")
    r_cb = stock("r_cb", "1/year", "real policy interest rate", default=0.02, bounds=(None, None),
                 source="equal to the neutral rate r0 at the start", latex=r"r_{cb}")
    m_M = param("m_M", "1/year", "deposit rate margin below the policy rate", default=0.01, bounds=(0.0, 0.03),
                source=ASSUMED, latex=r"m_M")
    rho_R = param("rho_res", "dimensionless", "reserve ratio of banks", default=0.2, bounds=(0.0, 0.5),
                  source=DEFINE + ": high-powered money 0.2 of deposits [V]", latex=r"\rho_R")
    theta_B = param("theta_B", "dimensionless", "payout ratio of banks", default=0.9, bounds=(None, None),
                    tunable=False,
                    source="set by the model factory so that bank equity grows with the economy at the start",
                    latex=r"\theta_B")
    r0 = param("r0", "1/year", "neutral real policy rate", default=0.02, bounds=(-0.05, 0.2), source=ASSUMED,
               latex=r"r_0")
    psi_L = param("psi_L", "1/year", "policy-rate response to the employment gap", default=1.096, bounds=(0.0, 5.0),
                  source="calibration/params/usa.toml: block-wise estimate 1.096 +- 0.33 (monetary rule, 29 obs); "
                         "Taylor (1993) 0.5 on the output gap, about 1 on the employment gap (Okun's law)",
                  latex=r"\psi_L")
    rho_cb = param("rho_cb", "1/year", "speed of policy-rate adjustment", default=0.304, bounds=(0.01, 10.0),
                   source="calibration/params/usa.toml: block-wise estimate 0.304 +- 0.14 (monetary rule, 29 obs, "
                          "1990-2019; the annual share of the gap closed, 0.262, as a continuous rate); "
                          "interest-rate smoothing (Clarida, Gali & Gertler 2000) [R]", latex=r"\rho_{cb}")
    psi_i = param("psi_i", "dimensionless", "real policy-rate response to the inflation gap", default=0.5,
                  bounds=(0.0, 3.0), source="Taylor (1993): nominal response 1.5, i.e. real response 0.5",
                  latex=r"\psi_i")
    i_ref = param("i_ref", "1/year", "inflation at which policy is neutral", default=0.02, bounds=(None, None),
                  tunable=False,
                  source="start value (set by the model factory)", latex=r"\bar\imath")
    lam_ref = param("lam_ref", "dimensionless", "employment rate targeted by monetary policy", default=0.96,
                    bounds=(0.5, 1.0), tunable=False,
                    source="the start data's employment rate (US 2025: unemployment about 4%) unless given (a "
                           "historical replay uses the mean over normal years)",
                    latex=r"\bar\lambda")
    i_elb = param("i_elb", "1/year", "effective lower bound of the nominal policy rate", default=0.0,
                  bounds=(-0.02, 0.02),
                  source="Fed funds target range 0-0.25% at its floor (2008-2015, 2020-2022) [R]; the lowest "
                         "policy rates set, ECB deposit rate -0.5% (2019-2022) and SNB -0.75% (2015-2022) [R]",
                  latex=r"i_{elb}")
    r_elb = param("r_elb", "1/year", "effective lower bound of the real policy rate", default=-0.02,
                  bounds=(None, None), tunable=False,
                  source="start value (set by the model factory): i_elb less the start's inflation",
                  latex=r"r_{elb}")
    r_max = param("r_max", "1/year", "highest real policy rate", default=0.08, bounds=(0.04, 0.2),
                  source="US real policy rate peaked near 8% (1981) [R]; " + ASSUMED + " (the rule saturates)",
                  latex=r"r_{max}")
    acc = param("accommodation", "dimensionless", "monetary accommodation switch", default=0.0, bounds=(0.0, 1.0),
                tunable=False, source="0 = the policy rule, 1 = the policy rate held at r0 (IMF 2014; Abiad, "
                                      "Furceri & Topalova 2016: larger effects with monetary accommodation)",
                latex=r"a_{cb}")
    cb_obs = param("cb_obs", "dimensionless", "switch: the policy rate follows the observed rate input",
                   default=0.0, bounds=(0.0, 1.0), tunable=False,
                   source="0 = the policy rule (every projection); 1 = a replay conditioned on the observed "
                          "policy rate (calibration.outofsample, issue 14): a modelling switch, not behaviour",
                   latex=r"o_{cb}")
    rho_obs = param("rho_obs", "1/year", "speed at which the policy rate tracks the observed rate", default=12.0,
                    bounds=(1.0, 100.0), tunable=False,
                    source="numerical: a lag of about one month behind the annual observed path (used only with "
                           "cb_obs = 1); not behaviour", latex=r"\rho_{obs}")
    r_cb_obs = exogenous("r_cb_obs", "1/year", "observed real policy rate (replays conditioned on policy)",
                         default=0.02, description="The observed short-term rate less realised CPI inflation (JST "
                                                   "stir and cpi), piecewise linear between years; read only "
                                                   "when cb_obs = 1",
                         source="calibration.replay.observed_exogenous (JST R6: stir / 100 - diff(log(cpi)))",
                         latex=r"r_{cb}^{obs}")
    r_B = aux("r_B", "1/year", "interest rate on government bonds", latex=r"r_B")
    r_M = aux("r_M", "1/year", "interest rate on deposits", latex=r"r_M")
    r_LH = aux("r_LH", "1/year", "interest rate on household loans", latex=r"r_{LH}")
    R = aux("R", "TUSD", "bank reserves", latex="R")
    B_CB = aux("B_CB", "TUSD", "government bonds held by the central bank", latex=r"B_{CB}")
    B_B = aux("B_B", "TUSD", "government bonds held by banks", latex=r"B_B")
    Pi_B = aux("Pi_B", "TUSD/year", "bank profits", latex=r"\Pi_B")
    Div_B = aux("Div_B", "TUSD/year", "bank dividends", latex=r"Div_B")
    Pi_Br = aux("Pi_Br", "TUSD/year", "retained bank profits", latex=r"\Pi_{Br}")
    Pi_CB = aux("Pi_CB", "TUSD/year", "central bank profits (remitted)", latex=r"\Pi_{CB}")
    r_target = aux("r_target", "1/year", "policy-rate target", latex=r"r^*")
    L_F, L_H, M, B, r_L, sp_G, inflation, lam, eps_r = ref("L_F", "L_H", "M", "B", "r_L", "sp_G", "inflation", "lam",
                                                           "eps_r")
    rule = r0.sym + psi_i.sym * (inflation - i_ref.sym) + psi_L.sym * (lam - lam_ref.sym)
    return Block(
        name="banks",
        variables=(NW_B, r_cb, m_M, rho_R, theta_B, r0, psi_L, rho_cb, psi_i, i_ref, lam_ref, i_elb, r_elb, r_max, acc,
                   r_B, r_M, cb_obs, rho_obs, r_cb_obs,
                   r_LH, R, B_CB, B_B, Pi_B, Div_B, Pi_Br, Pi_CB, r_target),
        auxiliaries={
            "r_B": r_cb.sym + sp_G,
            "r_M": r_cb.sym - m_M.sym,
            "r_LH": r_L,
            "R": rho_R.sym * M,
            "B_CB": R.sym,
            "B_B": B - B_CB.sym,
            "Pi_B": r_L * L_F + r_LH.sym * L_H + r_B.sym * B_B.sym + r_cb.sym * R.sym - r_M.sym * M,
            "Div_B": theta_B.sym * Pi_B.sym,
            "Pi_Br": Pi_B.sym - Div_B.sym,
            "Pi_CB": r_B.sym * B_CB.sym - r_cb.sym * R.sym,
            "r_target": (1 - cb_obs.sym) * ((1 - acc.sym) * soft_ceiling(soft_floor(rule, r_elb.sym, eps_r),
                                                                         r_max.sym, eps_r) + acc.sym * r0.sym)
            + cb_obs.sym * r_cb_obs.sym,
        },
        derivatives={"NW_B": Pi_Br.sym, "r_cb": (rho_cb.sym + cb_obs.sym * rho_obs.sym) * (r_target.sym - r_cb.sym)},
        description="Banks (loans, bonds, reserves, deposits, equity) and the central bank (policy rule with an "
                    "effective lower bound, accommodation switch, remitted profits) (" + GL2007 + ").",
    )

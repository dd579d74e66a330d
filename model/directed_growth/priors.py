"""Prior ranges of the directed-growth model's behavioural parameters, for ensembles.

Uniform ranges within each parameter's declared bounds: the literature range where economics.md
gives one, zero included where a mechanism could be absent (the referee's request: an ensemble
that can show crowding-out, no crowding-in, no mission effect), otherwise the stated assumption's
range. Tunable parameters without a prior are listed in :data:`FIXED` with the reason they are not drawn
(constants of published models, start data, accounting, tax law, projection inputs); the rest are estimated
by a country's parameter file (``calibration/params``), whose draws replace the prior.

Demographic labour-force growth ``n`` is not drawn: it is a projection input, the country's schedule
(its start-year rate, then the exogenous path ``n_shift``). The schedule's prior range, the country
file's ``low`` and ``high`` schedules, differs from the central one in shape, not by a constant, so it
is run as scenarios (``overrides={"n": cs.labour_force_growth(t0, "low")}`` with
``exogenous={"n_shift": cs.labour_force_shift(t0, "low")}``, ``cs`` the
:class:`~model.directed_growth.countries.CountryStart`). An ensemble that draws ``n`` anyway (a
draw table, ``--names n``, or a parameter file with ``[uncertainty.n]``) moves the whole schedule in
parallel, and each draw starts at rest (:func:`~model.directed_growth.factory.consistent_draws`
derives ``g_Z`` from the drawn ``n``).

The priors are truncated to the region where a start at rest exists and is locally stable (An & Schorfheide
2007, Econometric Reviews 26(2-4): priors truncated to the region where the model's steady state exists and is
determinate): ``dgm ensemble`` re-draws every draw without one (consumption propensities ``c_w``, ``c_pi`` and
``c_V`` jointly so high that autonomous household consumption ``Z_H`` would not be positive, say) and every draw
whose start at rest is locally unstable (:func:`model.directed_growth.attribution.stable_at_rest`, the rule and its
source there), and reports both shares re-drawn (:func:`model.analysis.draws.truncate_to_start`; of 10,000
calibrated US draws, seed 0, issue 14 session 6: 23.26% without a start, 12.03% with an unstable one).

A prior that is not uniform over its range has its shape in :data:`SHAPES` (``pi3``: see :func:`pi3_quantile`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ASSUMPTION_ONLY", "FIXED", "PI3_CALIBRATIONS", "PRIORS", "POLITICS_PRIORS", "SHAPES", "pi3_quantile",
           "shape_draws"]

#: name -> (low, high, rationale)
PRIORS: dict[str, tuple[float, float, str]] = {
    "c_w": (0.55, 0.9, "propensity out of wages: wage-led sign (Onaran & Galanis), magnitude assumed"),
    "c_pi": (0.1, 0.55, "propensity out of capital income, below c_w (wage-led)"),
    "c_V": (0.02, 0.07, "wealth propensity: DEFINE 0.048-0.050, G&L GROWTH 0.064 (economics.md 11.4b, 11.13)"),
    "rho_H": (0.05, 0.2, "repayment rate of household debt (maturities of 5-20 years)"),
    "kappa_C": (0.25, 4.0, "consumption adjustment speed: DEFINE one-year lags, spec prior"),
    "beta_S": (0.3, 6.0, "speed of sales expectations [1/yr]: Godley & Lavoie's DIS 0.75 and GROWTH 0.5 per period "
                         "(economics.md 11.13) are 1.39 and 0.69 a year with annual periods, 5.5 and 2.8 with "
                         "quarterly ones (-ln(1 - x) per period); from half the slowest to above the fastest"),
    "gamma_N": (0.05, 1.2, "inventory adjustment speed [1/yr]: G&L DIS 0.25 and GROWTH 0.15 per period (economics.md "
                           "11.13) are 0.29 and 0.16 a year with annual periods, 1.15 and 0.65 with quarterly ones"),
    "sigma_N": (0.03, 0.3, "target inventories to final sales [year]: G&L DIS sigma_T = 0.15 of a period's sales "
                           "(0.15 year with annual periods, 0.0375 with quarterly ones); US private inventories "
                           "about a tenth of annual GDP (recalled, not read)"),
    "gamma_u": (0.0, 0.1, "accelerator: 0 (absent) to twice the Freitas-Serrano test value"),
    "gamma_pi": (0.0, 10.0, "investment response to retained profits: 0 (absent) to twice the default"),
    "gamma_r": (0.0, 10.0, "investment response to the loan rate: 0 (absent) to twice the default"),
    "chi": (-0.5, 1.0, "crowding-in by mission capital: negative allowed (Boysen-Hogrefe 2025), economics.md 4"),
    "eta_RD": (-0.1, 0.5, "long-run elasticity of private to public R&D intensity: Pallante et al. (2023) 0.11-0.14 "
                          "over 4-5 years [V], Draca (2013) 0.07 [V], Moretti, Steinwender & Van Reenen 0.4-0.5 [R] "
                          "as the top; zero and negative included (Boysen-Hogrefe 2025: the evidence is split)"),
    "eta_RDs": (0.0, 0.5, "crowding-out of private R&D on impact: 0 (none, D&M 2021) to 0.5 (Boysen-Hogrefe 2025's "
                          "temporary crowding-out after 1985 [V sign]; its size is a modelling assumption)"),
    "tau_RD": (1.0, 4.0, "adjustment time of private R&D to public R&D: Pallante et al.'s response builds over 4-5 "
                         "years; Boysen-Hogrefe's crowding-out lasts the first years (modelling assumption)"),
    "psi_B": (0.0, 0.05, "sovereign premium: 0 to twice CBO's 2-3 bp per pp (economics.md 11.11)"),
    "psi_F": (0.0, 0.1, "firm premium response to leverage: 0 to twice the default"),
    "lam_F": (0.0, 0.35, "leverage targeting by net payouts: 0 (absent) to Flannery & Rangan's one third a year"),
    "zeta_G": (0.0, 1.0, "pass-through of the sovereign premium"),
    "psi_Z": (0.2, 1.0, "autonomous demand response to the loan rate: the credit channel through which "
                        "monetary policy anchors employment (0.4 to twice the default; not 0: the closure)"),
    "psi_L": (0.5, 2.0, "policy response to employment: half to twice Taylor-Okun (a central bank exists)"),
    "psi_i": (0.25, 1.0, "real policy response to inflation: half to twice Taylor (the Taylor principle)"),
    "rho_cb": (0.1, 2.0, "policy-rate smoothing"),
    "phi1": (0.1, 0.6, "wage Phillips slope per unit of the employment rate (= pp per pp of unemployment): "
                       "post-1985 US and UK estimates are flatter (Hooper, Mishkin & Sufi 2019, NBER w25792: the "
                       "wage curve flattened less than the price curve; Hazell et al. 2022, QJE 137(3)); the top "
                       "allows 1960s-70s steepness; the US block estimate 0.08 +- 0.17 is weakly identified; "
                       "GEMMES's 0.469 is calibrated on a world employment rate of 0.675, not 1 - u"),
    "phi2": (0.0, 1e-4, "Phillips steepening near full employment: 0 (linear) to the default, which makes the "
                       "slope at an employment rate of 0.965 about 2.5 times a linear 0.3 (non-linearity: Hooper, "
                       "Mishkin & Sufi 2019; its size is not published)"),
    "w_min": (-0.05, 0.0, "floor of nominal wage growth: from cuts of 5% a year (nearly absent) to none (US wage "
                          "changes bunch at zero: Daly & Hobijn 2014)"),
    "gamma_p": (0.3, 0.8, "inflation recovered in wages with anchored expectations: Smets & Wouters (2007), "
                          "AER 97(3): US wage indexation 0.58 (posterior mode, 1966-2004); weights on lagged "
                          "inflation fell after the 1980s (Blanchard 2016, AER 106(5); Gali & Gambetti 2019); US "
                          "cost-of-living clauses covered 22% of major-contract workers in 1995 against 61% in 1976 "
                          "(Ragan & Bratsberg 2000). Values near 1 describe the de-anchored 1970s (GEMMES's 0.9 has "
                          "no publication behind it): a scenario, not this prior"),
    "psi_a": (0.5, 1.0, "productivity pass-through to real compensation: Stansbury & Summers (2017), NBER "
                        "w24165: 0.7-1.0 for average and median compensation, 1973-2016; Feldstein (2008), J. Policy "
                        "Modeling 30: compensation grew 1.7%/yr against productivity 1.9%/yr, 1970-2006; G&L "
                        "GROWTH 1 (economics.md 11.10); GEMMES's 0 is a modelling choice, not an estimate"),
    "eta_p": (0.1, 0.6, "speed of price adjustment to the target mark-up: the median firm changes prices once a "
                        "year, 3-4 months after a cost shock (Blinder 1991, NBER w3646); 68-78% of US non-sale "
                        "prices reset within a year (Nakamura & Steinsson 2008, QJE); aggregate inflation "
                        "responds slowly to labour costs (Gali & Gertler 1999, JME 44; Peneva & Rudd 2017, "
                        "JMCB); GEMMES 0.192 (half-life 3.6 years) kept as the default. The price block "
                        "(calibration.block_estimates.fit_price_adjustment, inflation on the wage share, AR(1) "
                        "errors) identifies 0.43 +- 0.19 over US 1970-2019 (held in the US joint file) but not "
                        "over US 1990-2019 (0.15 +- 0.10) or UK 1988-2019 (0.10 +- 0.12)"),
    "eta_x": (0.0, 1.0, "inflation response to excess demand: 0 to twice the default"),
    "alpha_KV": (0.0, 1.0, "Kaldor-Verdoorn coefficient (referee: failures concentrated above 0.8)"),
    "alpha_A": (0.0, 0.15, "productivity response to energy-technology knowledge growth (its Domar weight, "
                           "Hulten 1978): 0 (no effect beyond the energy sector's own costs) to the US energy "
                           "expenditure share's peak of about 14% of GDP (1981; EIA Annual Energy Review [R]); the "
                           "default 6% is its 2019 value"),
    "n_lam": (0.0, 0.3, "participation response: 0 to three times the default"),
    "p_max": (0.02, 0.1, "largest participation deviation"),
    "theta_G": (0.0, 0.16, "output elasticity of public capital: 0 to core infrastructure (Bom & Ligthart 2014)"),
    "tau_B": (0.25, 4.0, "time to build public capital (Leeper, Walker & Yang 2010: multi-year)"),
    "beta_B": (0.03, 0.1, "fiscal reaction: around Bohn's 0.054 (a sustainable fiscal policy exists)"),
    "f_K": (0.0, 0.5, "share of damages on capital: around GEMMES 1/3"),
    "f_P": (0.0, 0.2, "share of damages on productivity growth: 0 to twice DEFINE's p"),
    "S": (2.5, 4.0, "equilibrium climate sensitivity: IPCC AR6 likely range"),
    "learn_rate": (0.0, 0.24, "learning rate of green capital per doubling of cumulative capacity: 0 (no learning) "
                              "to US utility-scale solar's 24% on LCOE (economics.md 11.8 [V]; wind 15%; Rubin et al. "
                              "2015: wind ~12%, PV ~23%)"),
    "beta_c": (1.0, 8.0, "cost sensitivity of the choice of new capacity: a spread of perceived log levelised costs "
                         "of 1.8 to 0.23 (FTT's cost distributions, Mercure et al. 2014; modelling assumption)"),
    "f_b": (0.03, 0.1, "fuel cost per unit of brown output: around US energy expenditure of about 6% of GDP"),
    "d_P": (0.0, 0.02, "cut of the green financing rate by guaranteed demand at full procurement: 0 (absent) to "
                       "2 pp"),
    "g_Q0": (0.05, 0.2, "growth of cumulative green investment before the start (where the learning curve starts)"),
    "kappa_M": (0.0, 4.0, "green knowledge per mission R&D (referee's widened prior)"),
    "eps_S": (0.0, 100.0, "private research per unit of the untargeted R&D subsidy: 0 (the subsidy buys no extra "
                          "research) to twice the default (a free shifter: no estimate; modelling assumption)"),
    "eps_cd": (1.2, 10.0, "clean/dirty elasticity of substitution: Papageorgiou, Saam & Schulte (2017) about 1.8 "
                          "(electricity) and 3 (non-energy); AABH 3 and 10"),
    "alpha_m": (0.2, 0.5, "share of machines in sector production around AABH's 1/3"),
    "kappa_R": (5.0, 100.0, "sensitivity of scientists to relative research profits (Frechet shape)"),
    "r_ERD": (0.0005, 0.003, "private energy-related research per unit of output, the base of the clean research "
                             "subsidy: half to three times the world ratio of corporate energy R&D to output (IEA "
                             "2020: USD 90 billion in 2019, about 0.1% of world output)"),
    "tau_half": (75.0, 225.0, "carbon price abating half of brown emissions: default +-50%"),
    "rho_cap": (0.05, 0.15, "capability build-up speed: default +-50%"),
    "h_max": (0.25, 0.35, "cap of the private investment share"),
    "u_max": (0.9, 1.0, "maximum utilisation"),
    "lam_max": (0.975, 1.0, "maximum employment rate"),
    "k_sup": (0.5, 10.0, "take-up sensitivity (log-logistic shape of firms' cost of conditions): very dispersed "
                         "costs (ln-cost s.d. 3.6) to nearly identical firms (0.18); no estimate exists"),
    "c_app": (0.0, 0.01, "cost of applying for and complying with support: 0 (absent) to 1% of output"),
    "h_pay": (0.0, 1.0, "share of a forgone payout's value lost to owners, 1 - r_K / r_E: 0 (Modigliani-Miller) "
                        "to 1 (retained profits worth nothing to owners)"),
    "H_w": (0.0, 10.0, "years of wage-floor growth in the extra wage bill: 0 (a floor that does not bind) to a "
                       "whole 10-year contract"),
    "tau_sup": (0.5, 3.0, "take-up adjustment time: support contracts signed within half a year to three years"),
    # last, so that adding it left the random draws of the parameters above unchanged for a given seed
    "xi": (0.0, 0.3, "share of private investment by credit-constrained firms, whose investment scales with the "
                     "productive credit allocated (f_prod): 0 (the quantity channel absent: no firm is constrained) "
                     "to 0.3 (UK SMEs make 52% of business turnover, and a third of US small-firm credit applicants "
                     "got all they sought; sources at the parameter); a free shifter, modelling assumption"),
    "r_m": (0.0, 0.4, "R&D share of mission investment: 0 (missions buy capacity only) to twice the default "
                      "(modelling assumption; mission budgets such as ARPA-E's are all R&D, the IRA's mostly "
                      "capacity)"),
    # issue 14: stated priors for the behavioural parameters that had none (appended: the draws above unchanged)
    "pi2": (0.00236, 0.003467, "quadratic damage coefficient: DICE-2016R a2 = 0.00236 to DICE-2023 0.003467 "
                               "(economics.md 11.9, 11.15.5 [V]; DEFINE 0.00284 inside)"),
    "pi3": (0.0, 8.19e-5, "damage term in T^6.754: 0 (no tipping term: DICE) to Dietz & Stern's 8.19e-5 (GEMMES, "
                          "economics.md 11.5 [V]; Weitzman's 5.07e-6 and DEFINE's 1.75e-5 inside); not uniform "
                          "over the range: a quarter of the mass at 0, the rest log-uniform from Weitzman to Dietz "
                          "& Stern (SHAPES)"),
    "delta": (0.040, 0.048, "depreciation rate: PWT 10.01 UK 0.040 and US 0.046 (2019), DEFINE 0.048 (economics.md "
                            "11.12, 11.4b [V])"),
    "gamma_A": (0.01, 0.03, "knowledge growth per unit of research: AABH's 0.02 per year +-50% (no range is "
                            "published; modelling assumption; not 0: research that yields no knowledge is not a "
                            "mechanism that could be absent here, the sectors' productivity would freeze)"),
    "u_n": (0.75, 0.85, "normal capacity utilisation: US industrial utilisation averaged about 0.80 since 1972 "
                        "(Federal Reserve G.17 [R]: recalled, not read; the series is not in the data "
                        "directory); +-5 pp, top at the declared bound (modelling assumption)"),
    "m_M": (0.0, 0.02, "deposit rate margin below the policy rate: 0 (deposits paid the policy rate) to twice the "
                       "default (modelling assumption)"),
    "phi_g": (0.0, 0.2, "green to brown emission intensity: 0 (green output emits nothing) to twice the default "
                        "(modelling assumption)"),
    "i_elb": (-0.0075, 0.0025, "effective lower bound of the nominal policy rate: from the lowest policy rates set, "
                               "SNB -0.75% (2015-2022) and ECB deposit rate -0.5% (2019-2022), to the top of the Fed "
                               "funds floor range 0-0.25% [R: recalled, not read] (modelling assumption; the real "
                               "floor is i_elb less the start's inflation, derived at the start; it replaces the real "
                               "floor r_elb, drawn from -4% to 0 before, in its place in this mapping)"),
    "r_max": (0.06, 0.12, "highest real policy rate: around the US peak near 8% (1981 [R]) to 1.5 times it "
                          "(modelling assumption)"),
    "sp_max": (0.05, 0.3, "cap of the loan and sovereign premia (the model has no default or bailout): 5 pp to the "
                          "declared bound 30 pp (modelling assumption)"),
}

#: name -> (low, high, rationale) of the public-support parameters, which only the model built with the politics
#: blocks has (``directed_growth(politics=True)``, :mod:`.mechanisms.politics`); draw them with :data:`PRIORS`
#: for an ensemble of durable policies
POLITICS_PRIORS: dict[str, tuple[float, float, str]] = {
    "s_0": (0.435, 0.479, "incumbents' vote share at zero income growth: Hibbs's 45.7% +- 2 s.e. (1.1 pp)"),
    "b_y": (0.0, 4.7, "vote share per unit of weighted income growth: 0 (no economic voting; the link weakened with "
                      "rising inequality, Hibbs 2014) to Hibbs's 3.6 + 2 s.e. (0.56)"),
    "tau_y": (1.12, 4.87, "mean lag of voters' income memory: Hibbs's quarterly weight 0.9 from 0.8 (-2 s.e.) to "
                          "0.95 (+1 s.e.; 1 would be no forgetting)"),
    "b_lam": (0.0, 1.0, "vote share per unit of employment rate: 0 (Hibbs) to one for one (modelling assumption)"),
    "b_c": (0.0, 3.0, "salience of the carbon tax paid beyond its income effect: 0 (none) to three times its "
                      "income share (Douenne & Fabre 2022: losses overestimated; modelling assumption)"),
    "b_g": (0.0, 0.5, "vote share per unit of the green share of output (visible green jobs): 0 (none) to 0.5 "
                      "(modelling assumption; no published coefficient)"),
}

_DICE = ("DICE-2016R (Nordhaus 2017, economics.md 11.9) [V]: the carbon cycle and temperature coefficients are "
         "calibrated jointly to the CMIP runs; drawn independently they would break that fit. Climate uncertainty is "
         "drawn through the equilibrium climate sensitivity S")

#: name -> reason of the tunable parameters that ensembles never draw (kept at their defaults or at the country's
#: start value): constants of published models, start data, accounting, tax law and projection inputs. Every tunable
#: parameter of the model is in :data:`PRIORS`, here, or estimated by the country's parameter file
#: (tests/directed_growth/test_priors_accounting.py)
FIXED: dict[str, str] = {
    **{name: _DICE for name in ("M_at_eq", "M_up_eq", "M_lo_eq", "b12", "b23", "c1", "c3", "c4", "F2x")},
    "E_land0": "DICE-2016R [V]: world land-use emissions in the base year, a datum (declining at d_land)",
    "d_land": "DICE-2016R [V]: decline of land-use emissions per period, a projection input",
    "p_back0": ("DICE-2016R [V]: backstop price in 2015; the uncertainty of abatement costs is drawn through "
                "tau_half, the carbon price that abates half of brown emissions"),
    "d_back": "DICE-2016R [V]: decline of the backstop price per 5 years (with p_back0, see there)",
    "pi1": ("linear damage term: 0 in all three sources (DICE-2016R a1, GEMMES pi1, DEFINE eta1; economics.md 11.5, "
            "11.9 [V]); damage uncertainty is drawn through pi2 and pi3"),
    "n": ("projection input: the country's labour-force schedule, run as scenarios (the country file's low and "
          "high schedules), see this module's docstring"),
    "markup": ("derived at a projection start from the start's inflation datum (the country file's infl: US GDP price "
               "index 2024, 2.38%/yr; UK consumer prices 2019, 1.78%/yr): inflation at rest, eta_p (markup omega - 1) "
               "+ eta_x ln(Y_D/Y), is the datum for every draw of eta_p and eta_x (start_state.DERIVED_FROM_DATA); "
               "drawing it, or holding it while eta_p and eta_x are drawn, would draw the start's inflation rate, a "
               "datum. A historical replay has no datum and keeps GEMMES's 1.875"),
    "sp_F0": "start datum: the observed firm loan spread over the policy rate at the reference leverage (about 2% [R])",
    "sp_G0": "start datum: the observed term premium of public debt over the policy rate (about 0.5 pp [R])",
    "rho_res": ("accounting: the share of deposits banks hold as reserves (DEFINE 0.2 [V]) sets which part of the "
                "public debt the central bank holds, whose profits return to the government"),
    "t_pi": "tax law, a policy setting changed by scenarios: the US federal corporate rate since 2018 (21%)",
}

#: the parameters of :data:`PRIORS` whose range is a modelling assumption (no published estimate or range bounds
#: it: "twice the default", "+-50%", a sign with an assumed size, a referee's widened range), so that the verdict
#: resting on them is shown by the prior-sensitivity table (:func:`model.analysis.discovery.prior_sensitivity`,
#: ``dgm ensemble --prior-sensitivity``); parameters a country's parameter file estimates are left out there
ASSUMPTION_ONLY: tuple[str, ...] = (
    "c_w", "c_pi", "rho_H", "kappa_C", "gamma_u", "gamma_pi", "gamma_r", "chi", "psi_F", "zeta_G", "psi_Z", "rho_cb",
    "phi2", "eta_x", "n_lam", "p_max", "tau_B", "f_K", "f_P", "beta_c", "d_P", "g_Q0", "kappa_M", "eps_S", "kappa_R",
    "tau_half", "rho_cap", "h_max", "u_max", "lam_max", "k_sup", "c_app", "h_pay", "H_w", "tau_sup", "xi", "r_m",
    "gamma_A", "u_n", "m_M", "phi_g", "i_elb", "r_max", "sp_max",
    "eta_RDs", "tau_RD", "beta_S", "gamma_N", "sigma_N")


#: the published calibrations of the tipping term pi3 of D = 1 - 1/(1 + pi2 T^2 + pi3 T^6.754) that economics.md
#: gives (11.5 [V code], 11.15.5): name -> pi3 [1/K^6.754]. DICE-2016R and DICE-2023 have no such term (a2 T^2
#: only, 11.9 [V]). Howard & Sterner (2017) and Burke et al. (2015) are not given there as a pi3: not used
PI3_CALIBRATIONS: dict[str, float] = {
    "DICE-2016R / DICE-2023 (no tipping term)": 0.0,
    "Weitzman (GEMMES's variant)": 5.07e-6,
    "DEFINE 1.1": 1.75e-5,
    "Dietz & Stern (GEMMES's variant)": 8.19e-5,
}


def pi3_quantile(u: np.ndarray) -> np.ndarray:
    """The prior of ``pi3`` as a quantile function of a uniform share ``u`` in [0, 1].

    A mixture with equal weight on each published calibration family of :data:`PI3_CALIBRATIONS`: the one
    without a tipping term (DICE) gets a quarter of the mass at ``pi3 = 0``; the three with one (Weitzman,
    DEFINE, Dietz & Stern) get the other three quarters, log-uniform from Weitzman's 5.07e-6 to Dietz & Stern's
    8.19e-5. Log-uniform, because the published values differ by a factor of 16 (a spread of orders of
    magnitude: a scale parameter, Jeffreys's prior), and its median, 2.04e-5, falls next to DEFINE's 1.75e-5,
    the intermediate calibration, where a uniform prior over [0, 8.19e-5] put 79% of the mass above DEFINE and
    94% above Weitzman (the choice of this prior is a modelling assumption, stated; its effect on the ensemble is
    measured in the closing note of issue 14).

    Parameters
    ----------
    u : array
        Uniform shares in [0, 1] [dimensionless].

    Returns
    -------
    numpy.ndarray
        ``pi3`` [1/K^6.754]: 0 for ``u < 1/4``, else ``a (b/a)^((u - 1/4) / (3/4))`` with ``a = 5.07e-6``,
        ``b = 8.19e-5``.
    """
    u = np.clip(np.asarray(u, float), 0.0, 1.0)
    a, b = PI3_CALIBRATIONS["Weitzman (GEMMES's variant)"], PI3_CALIBRATIONS["Dietz & Stern (GEMMES's variant)"]
    w0 = 0.25
    return np.where(u < w0, 0.0, a * (b / a) ** ((u - w0) / (1.0 - w0)))


#: name -> quantile function of a prior that is not uniform over its :data:`PRIORS` range: a uniform draw ``x``
#: over the range ``(low, high)`` is mapped to ``q((x - low) / (high - low))`` (:func:`shape_draws`)
SHAPES: dict[str, Callable[[np.ndarray], np.ndarray]] = {"pi3": pi3_quantile}


def shape_draws(df: pd.DataFrame, names: Iterable[str] | None = None) -> pd.DataFrame:
    """``df`` with every column of :data:`SHAPES` (among ``names``, default all) mapped from a uniform draw over
    its :data:`PRIORS` range to its stated prior (in place, and returned). A column outside its stated range
    (drawn over other ranges) is left as it is.

    Parameters
    ----------
    df : pandas.DataFrame
        Draws, one column per parameter.
    names : iterable of str, optional
        The columns drawn uniformly over their stated prior range.
    """
    for name, q in SHAPES.items():
        if name not in df.columns or (names is not None and name not in set(names)):
            continue
        lo, hi = PRIORS[name][:2]
        x = df[name].to_numpy(float)
        if np.all((x >= lo) & (x <= hi)):
            df[name] = q((x - lo) / (hi - lo))
    return df

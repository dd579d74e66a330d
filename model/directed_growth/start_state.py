"""The start state of the directed-growth model: business as usual at rest in the start year.

:func:`derived_values` turns a country's start data (:data:`US_2025` by default; the mapping a
country module provides) and the model's parameters into the stocks and reference parameters of
:data:`DERIVED` (and the mark-up, :data:`DERIVED_FROM_DATA`, from a start inflation datum), in closed form
(each condition is linear in the quantity it sets), vectorised over parameter draws.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np
import sympy as sp

from ..errors import ModelError
from .mechanisms.emissions import BACKSTOP_YEAR
from .mechanisms.labour import MARKUP_BOUNDS

__all__ = ["US_2025", "START_KEYS", "UNUSED_KEYS", "OPTIONAL_DATA", "DERIVED", "DERIVED_FROM_DATA", "FROM_DATA",
           "INSTEAD", "derived_names", "derived_values"]

#: US start data for 2025 (economics.md 11.12 unless said; the country module replaces them):
#: output [TUSD/year, 2017 PPP], labour force [Mworker], employment rate, wage share, private and public
#: capital over output [year], depreciation [1/year], public investment and government consumption
#: shares, public, firm and household debt over output [year], fossil CO2 [GtCO2/year], demographic
#: labour-force growth and trend productivity growth [1/year], price inflation [1/year]
US_2025: dict[str, float] = {
    "Y": 24.0,          # real GDP 23.30 T chained 2017 USD in 2024 (FRED-QD) [V], grown to 2025 [R]
    "N": 168.6,         # labour force 168.1 M in 2024 (FRED-QD) [V] grown 0.3% [R]
    "lam": 0.96,        # unemployment 4.03% in 2024 (FRED-QD) [V]
    "omega": 0.597,     # PWT labsh 2019 [V]
    "K_priv_Y": 2.77,   # PWT K/Y 3.36 less ICSD public capital 0.59 (2019) [V]
    "K_G_Y": 0.59,      # ICSD public capital / GDP (2019) [V]
    "delta": 0.046,     # PWT depreciation (2019) [V]
    "i_G": 0.035,       # ICSD public investment / GDP (2019) [V]
    "g_C": 0.14,        # government consumption / GDP (PWT csh_g) [R]
    "b": 0.99,          # CBO: debt held by the public 99% of GDP (end-2024) [V]
    "l_F": 0.75,        # non-financial corporate debt about 75% of GDP (BIS) [R]
    "l_H": 0.38,        # bank loans to households 38% of GDP (JST thh, 2019) [V]
    "E_dom": 4.9,       # fossil CO2 (2023, OWID/GCP) [R]; 5.007 Gt in 2021 (GCB) [V]
    "n": 0.003,         # CBO LTBO 2020: potential labour force +0.3%/yr 2020-2050 [V]
    "alpha0": 0.0156,   # labour productivity growth (calibration/params/usa.toml, block-wise)
    "infl": 0.0238,     # GDP price index (FRED-QD GDPCTPI), 2024 annual mean over 2023's, log: 2.383% [V], held
}
#: start-data keys the model reads (those of :data:`US_2025`; ``h``, the private investment share, sets private
#: capital when ``K_priv_Y`` is not given; bank equity over bank loans, green share of private capital, mission
#: share of public capital) and keys a country's data may carry that the model does not use
START_KEYS = tuple(US_2025) + ("h", "nw_B", "green_K", "mission_KG")
UNUSED_KEYS = ("g_Y_hist", "g_N_hist")
#: start-data keys that may be absent (``start={key: None}`` removes the default's): without the inflation datum
#: ``infl`` the mark-up keeps its default or override, and the start's inflation follows from it (historical
#: replays, :func:`calibration.replay.country_model`)
OPTIONAL_DATA = ("infl",)
_OPTIONAL = {"nw_B": 0.1, "green_K": 0.1, "mission_KG": 0.1}

#: names set by :func:`derived_values` (not overridable: they follow from the start data and the rest)
DERIVED = ("g_Z", "v", "K_g", "K_b", "A_b", "h", "k_G_ref", "K_Gm", "K_Go", "delta_G", "k_Gm_ref", "WIP_G", "Z", "z_T",
           "z_G", "C", "NW_B", "M", "a", "N_demo", "r_elb", "r_cb", "t_w", "theta0", "theta_B", "chi_H", "phi0",
           "i_ref", "r_ref", "lev_ref", "b_ref", "pi_r_ref", "g_ref", "gA_ref", "z0", "sigma_b", "sigma_b_ref",
           "i_cap_ref", "Q_g", "Q_ref", "p_back", "p_back_ref", "y_m", "x_ref",
           "y_g_ref", "rd_m_ref", "S_e", "INV")
#: start-data key -> names :func:`derived_values` also sets when the start data hold it: the target mark-up from
#: the start's inflation datum (inflation at rest is ``eta_p (markup omega - 1) + eta_x ln(Y_D/Y)``)
DERIVED_FROM_DATA = {"infl": ("markup",)}
#: every name :func:`derived_values` may set from the start data (the values of :data:`DERIVED_FROM_DATA`)
FROM_DATA: tuple[str, ...] = tuple(n for names in DERIVED_FROM_DATA.values() for n in names)
#: what to set or draw instead of a derived name, where the derived name was once a parameter of its own (the error
#: messages of overrides and draws name it)
INSTEAD = {"r_elb": "i_elb, the nominal floor: r_elb is i_elb less the start's inflation",
           "markup": "eta_p and eta_x: the mark-up gives the start its observed inflation, start data 'infl'"}


def derived_names(start: Mapping[str, object]) -> tuple[str, ...]:
    """The names :func:`derived_values` sets for these start data: :data:`DERIVED`, and those of
    :data:`DERIVED_FROM_DATA` whose datum ``start`` holds (not None).

    Parameters
    ----------
    start : mapping
        Start data by key (:data:`START_KEYS`).

    Returns
    -------
    tuple of str
    """
    extra = tuple(n for key, names in DERIVED_FROM_DATA.items() if start.get(key) is not None for n in names)
    return DERIVED + extra


@functools.lru_cache(maxsize=2)
def _aux_program(politics: bool = False) -> tuple[tuple[str, tuple[str, ...], object], ...]:
    """The auxiliaries in dependency order as numpy functions of their arguments' names, of the model
    without or with the politics blocks (the equations do not depend on the defaults, so one program
    serves every call)."""
    from ..core.system import combine
    from .mechanisms import all_blocks

    system = combine(*all_blocks(politics), name="directed_growth", check_units=False)
    prog = []
    for name, expr in system.auxiliaries.items():
        args = sorted(expr.free_symbols, key=lambda s: s.name)
        prog.append((name, tuple(a.name for a in args), sp.lambdify(args, expr, modules="numpy")))
    rates = []
    for name, expr in system.derivatives.items():
        args = sorted(expr.free_symbols, key=lambda s: s.name)
        rates.append(("d_" + name, tuple(a.name for a in args), sp.lambdify(args, expr, modules="numpy")))
    return tuple(prog + rates)


def _evaluate(values: Mapping[str, object], t0: float) -> dict[str, object]:
    """Every auxiliary, and every stock's rate as ``d_<stock>``, at time ``t0`` (inputs broadcast to the
    number of draws: numpy's ``select`` behind a Piecewise needs equally shaped conditions)."""
    m = max((np.size(x) for x in values.values()), default=1)
    env: dict[str, object] = {k: (np.broadcast_to(x, (m,)) if m > 1 else x) for k, x in values.items()}
    env["t"] = t0
    with np.errstate(all="ignore"):
        for name, args, func in _aux_program("tau_y" in values):
            env[name] = func(*(env[a] for a in args))
    return env


def _supply_inverse(y, y_s, k):
    """Notional demand giving output ``y < y_s`` under the CES supply ceiling ``y_s`` (supply block)."""
    return y * (1 - (y / y_s) ** k) ** (-1 / k)


def derived_values(vals: Mapping[str, np.ndarray | float], *, t0: float, start: Mapping[str, float],
                   xg0: float, failures: list | None = None,
                   g_Z: np.ndarray | float | None = None) -> dict[str, np.ndarray | float]:
    """The quantities of :data:`DERIVED` from the start data and all other values (scalars, or arrays
    of parameter draws), such that business as usual is at rest in the start year ``t0``.

    Every macro stock grows at the natural rate ``g_Z = alpha0 - D_P/tau_D + n`` (productivity
    growth after damages plus demographic labour-force growth): private capital from the data's
    private capital-output ratio (``h`` the investment share that keeps it constant with the
    damaged depreciation ``delta_K(T_0)``; or capital from ``start['h']``), ``v`` such that
    utilisation is normal, public capital from the data with ``delta_G`` keeping its ratio, the
    pipeline of a steady appropriation path; the wage tax ``t_w``, the payout ratios ``theta0`` and
    ``theta_B`` and the loan-financed share ``chi_H`` keep the public, firm, bank-equity and household
    debt ratios constant; deposits close the bank balance sheet; consumption is at its target,
    which fixes autonomous household consumption ``Z_H = Z - G_C``; expected sales equal sales and inventories
    grow at ``g_Z`` (their target ratio ``sigma_N`` of sales up to the soft ceiling's gap between planned and
    realised production); the Phillips-curve intercept keeps the wage share constant; the target mark-up
    ``markup`` (only when the start data hold the inflation datum ``infl`` [1/year]: :data:`DERIVED_FROM_DATA`)
    makes the start's inflation ``eta_p (markup omega - 1) + eta_x ln(Y_D/Y)`` the datum,
    ``markup = (1 + (infl - eta_x ln(Y_D/Y)) / eta_p) / omega`` for every draw (no start where it falls outside its
    declared bounds or ``eta_p`` is 0; without the datum the mark-up keeps its value and sets the start's
    inflation); the real lower bound of the policy rate ``r_elb`` is the nominal one ``i_elb`` less the start's
    inflation (``i_ref``: expectations anchored at the start), computed before the start's
    policy rate, which it floors; reference values of the investment, premium, productivity and
    green-share functions are the start values; the learning curve starts from the cumulative green
    investment ``Q_g = (x_g I_p + (1 - r_m) I_Gm) / g_Q0`` (start-year green investment growing at ``g_Q0``);
    the backstop price is DICE-2016R's in the start year; dirty knowledge ``A_b`` makes AABH's laissez-faire
    clean/dirty output ratio the green/brown capital ratio, and ``x_ref`` is the start's ``A_g/A_b`` (the
    green share of output is then the green share of capital); ``rd_m_ref`` is the start's mission R&D share of
    output, ``r_m m I_G / Y`` (public R&D intensity is then ``rd_G0`` at the start and private R&D at rest).

    ``g_Z`` [1/year], when given (a scalar or one value per draw), replaces the natural rate as the growth of
    the balanced path: every quantity above is derived from it (the investment share, public depreciation,
    the payout ratios, the wage tax, ``chi_H`` ...; ``g_ref = g_Z``, so productivity growth is still
    ``alpha0`` less damages), and every stock still grows at ``g_Z`` at the start. Productivity and labour
    force still grow at the natural rate, so the employment rate then drifts at ``g_Z`` less the natural rate
    from the start on: a historical replay's free growth of autonomous demand (:mod:`calibration.joint`).

    A draw of an ensemble (arrays of values) for which no start at rest exists gets NaN for every
    derived quantity, so that its member fails at the start and the others run; ``failures``, when
    given a list, receives one array holding per draw why no start at rest exists ('' where it does).

    Raises
    ------
    ModelError
        A start that is not finite, or beyond the supply ceiling (scalar values: no start at rest, and
        the message says why).
    """
    s = {**_OPTIONAL, **start}
    v = {k: (np.asarray(x, float) if np.ndim(x) else float(x)) for k, x in vals.items()}
    Y = float(s["Y"])
    out: dict[str, object] = {}

    def put(**kw):
        out.update(kw)
        v.update(kw)

    # Y_T = Y and G_C = g_C Y whatever Z is (Z is set below, with z_T and z_G)
    put(Z=v["z_T"] * Y, z_G=s["g_C"] / v["z_T"], i_cap_ref=v["i_cap"])
    # DICE-2016R's backstop price in the start year (the stock then falls 2.5% per five years)
    p_back = v["p_back0"] * (1 - v["d_back"]) ** ((t0 - BACKSTOP_YEAR) / v["dice_period"])
    put(p_back=p_back, p_back_ref=p_back)
    env = _evaluate(v, t0)
    # damages at the start climate; natural growth rate
    D, D_Y, delta_K = env["D_dmg"], env["D_Y"], env["delta_K"]
    g_n = v["alpha0"] - env["D_P"] / v["tau_D"] + v["n"]
    g = g_n if g_Z is None else (np.asarray(g_Z, float) if np.ndim(g_Z) else float(g_Z))
    put(g_Z=g, g_ref=g)
    # private capital and the investment share that keeps K/Y constant
    if "K_priv_Y" in s:
        k = s["K_priv_Y"]
        h_eff = (g + delta_K) * k
    else:
        h_eff = s["h"]
        k = h_eff / (g + delta_K)
    K = k * Y
    green = s["green_K"]
    h_cap = h_eff / (1 - D) < v["h_max"]
    put(K_g=green * K, K_b=(1 - green) * K,
        h=_supply_inverse(np.where(h_cap, h_eff / (1 - D), np.nan), v["h_max"], v["k_Y"]))
    # dirty knowledge such that AABH's laissez-faire clean/dirty output ratio, (A_g/A_b)^(eps (1 - alpha)),
    # is the green/brown capital ratio (technology block; the library model's aabh_start)
    put(A_b=v["A_g"] * ((1 - green) / green) ** (1 / (v["eps_cd"] * (1 - v["alpha_m"]))))
    # the start's clean/dirty knowledge ratio normalises the sectors' output per unit of capital (emissions block)
    put(x_ref=v["A_g"] / v["A_b"])
    K_G = s["K_G_Y"] * Y
    put(K_Gm=s["mission_KG"] * K_G, K_Go=(1 - s["mission_KG"]) * K_G, k_G_ref=K_G / K,
        k_Gm_ref=s["mission_KG"] * K_G / K, lev_ref=v["L_F"] / K, b_ref=v["B"] / Y,
        NW_B=s["nw_B"] * (v["L_F"] + v["L_H"]))
    put(M=v["L_F"] + v["L_H"] + v["B"] - v["NW_B"])
    env = _evaluate(v, t0)
    # emission intensity from the start-year emissions (e_int is proportional to sigma_b)
    sigma_b = v["sigma_b"] * s["E_dom"] / (Y * env["e_int"])
    put(sigma_b=sigma_b, sigma_b_ref=sigma_b)
    env = _evaluate(v, t0)
    A_sh = env["ac_share"]
    put(v=v["u_n"] * K * (1 - D_Y) * (1 - A_sh) / Y, a=Y / (s["lam"] * v["N"] * (1 - A_sh) * (1 - D_Y)),
        N_demo=v["N"])
    # public investment pipeline and public capital at rest
    A_G = (v["i_G"] + v["carbon_green"] * (1 - v["carbon_dividend"]) * env["tc_share"]) * Y
    I_G = A_G / (1 + g * v["tau_B"])
    put(WIP_G=I_G * v["tau_B"], delta_G=I_G / K_G - g)
    # the start's mission R&D share of output, part of the start's public R&D rd_G0 (technology block)
    put(rd_m_ref=v["r_m"] * v["mission_share"] * I_G / Y)
    env = _evaluate(v, t0)
    # notional demand behind the start output (equal to it below the soft ceiling)
    Y_S = env["Y_S"]
    y_cap = Y < Y_S
    Y_D = _supply_inverse(np.where(y_cap, Y, np.nan), Y_S, v["k_Y"])
    G_C = s["g_C"] * Y
    # inventories at rest (inventories block): expected sales equal to sales S, inventories IN growing at g,
    # Y - S = g IN, and planned production Y_D = S (1 + g sigma_N) + gamma_N (sigma_N S - IN); linear in S and IN
    # (IN = sigma_N S up to the soft ceiling's Y_D - Y)
    sig, gam, on = v["sigma_N"], v["gamma_N"], v["inv_sw"]
    S = (gam * Y + g * Y_D) / (gam + g * (1 + g * sig + gam * sig))
    INV = (S * (1 + g * sig + gam * sig) - Y_D) / gam
    # sales demand behind the sales (equal to them below the soft cap of production plus the drawable stock)
    S_D = _supply_inverse(S, Y + INV / v["tau_N"] * INV / (INV + sig * S), v["k_Y"])
    C_inv = S_D - h_eff * Y - I_G - G_C - env["G_cap"]
    C_now = Y_D * (1 - h_eff) - I_G - G_C - env["G_cap"]

    def either(with_inv, without):  # the start with the inventories switch on or off
        x = np.where(on > 0, with_inv, without)
        return float(x) if np.ndim(x) == 0 else x

    put(S_e=either(S, Y), INV=either(INV, sig * Y), C=either(C_inv, C_now))
    # the target mark-up from the start's inflation datum (labour block): inflation at rest, eta_p (markup omega - 1)
    # + eta_x ln(Y_D/Y), is the datum for every draw of eta_p and eta_x (drawing the mark-up, or holding it while
    # they are drawn, would draw the start's inflation rate, a datum); within its declared bounds, eta_p positive
    mk_ok = True
    if s.get("infl") is not None:
        eta_p = np.asarray(v["eta_p"], float)
        with np.errstate(divide="ignore", invalid="ignore"):
            markup = (1 + np.divide(s["infl"] - v["eta_x"] * np.log(Y_D / Y), eta_p)) / v["omega"]
        mk_ok = (eta_p > 0) & (markup >= MARKUP_BOUNDS[0]) & (markup <= MARKUP_BOUNDS[1])
        put(markup=float(markup) if np.ndim(markup) == 0 else markup)
    # the real lower bound: the nominal one less the start's inflation (labour block, with the notional demand Y_D
    # behind the start output), inflation expectations anchored at the start (it does not move with realised
    # inflation: a stated limitation, banks block); the start's inflation is i_ref, set below and checked equal
    # (the datum infl when the start data hold it)
    with np.errstate(invalid="ignore"):  # eta_p = 0 with a datum: no mark-up (an infinite one), no start
        i_start = v["eta_p"] * (v["markup"] * v["omega"] - 1) + v["eta_x"] * np.log(Y_D / Y)
    put(r_elb=v["i_elb"] - i_start)
    # the policy rate at its target with inflation and employment at their references (r0 up to the
    # smooth lower bound's exp(-(r0 - r_elb)/eps_r) eps_r)
    floor = v["r_elb"] + v["eps_r"] * np.log1p(np.exp(np.minimum((v["r0"] - v["r_elb"]) / v["eps_r"], 700)))
    ceiling = v["r_max"] - v["eps_r"] * np.log1p(np.exp(np.minimum((v["r_max"] - floor) / v["eps_r"], 700)))
    put(r_cb=(1 - v["accommodation"]) * ceiling + v["accommodation"] * v["r0"])
    env = _evaluate(v, t0)
    put(r_ref=env["r_L"])
    env = _evaluate({**v, "gamma_pi": 0.0 * v["gamma_pi"]}, t0)  # the profit reference is set below
    # payout ratio keeping the firm debt ratio constant: L_F_dot = I_p + IN_dot - (1 - theta) Pi - delta_K K = g L_F
    theta = 1 - (h_eff * Y + env["INV_dot"] - delta_K * K - g * v["L_F"]) / env["Pi"]
    put(theta0=theta * v["theta0"] / env["theta"])
    env = _evaluate(v, t0)
    put(pi_r_ref=env["rho_n"], theta_B=1 - g * v["NW_B"] / env["Pi_B"])
    env = _evaluate(v, t0)
    put(t_w=v["t_w"] + (env["B_dot"] - g * v["B"]) / env["W"])
    env = _evaluate(v, t0)
    # consumption at its target fixes autonomous household consumption Z_H = Z - G_C
    Z_H = v["C"] / (1 - D) - (v["c_w"] * env["YD_w"] + v["c_pi"] * env["YD_pi"] + v["c_V"] * env["V_H"])
    Z = G_C + Z_H
    put(Z=Z, z_T=Z / Y, z_G=G_C / Z, chi_H=(g + v["rho_H"]) * v["L_H"] / Z_H)
    env = _evaluate(v, t0)
    put(i_ref=env["inflation"])
    # the intercept of the green-share logit that gives xg0: x_g is logistic in z0 + (the rest), so one exact step
    # (log odds of xg0 less those of x_g) does, unless x_g is saturated at 0 or 1 in floating point (a steep cost
    # response, beta_c large): steps of 30 in the log odds bring it back first
    for _ in range(40):
        x = np.asarray(env["x_g"], float)
        with np.errstate(divide="ignore", invalid="ignore"):
            exact = np.log(xg0 / (1 - xg0) * (1 - x) / x)
        step = np.where(x >= 1 - 1e-12, -30.0, np.where(x <= 1e-12, 30.0, exact))
        put(z0=v["z0"] + (float(step) if np.ndim(step) == 0 else step))
        env = _evaluate(v, t0)
        if np.all(np.abs(step) < 1e-12):
            break
    env = _evaluate(v, t0)
    # the learning curve starts at the cumulative green investment that start-year green investment (private
    # and mission capacity) growing at g_Q0 has built
    Q = env["d_Q_g"] / v["g_Q0"]
    put(Q_g=Q, Q_ref=Q)
    env = _evaluate(v, t0)
    put(gA_ref=env["g_A"])  # knowledge growth depends on the green share of research, hence on z0
    env = _evaluate(v, t0)
    lam = env["lam"]  # the Phillips-curve intercept keeping the wage share constant:
    # nominal wage growth w_eff = inflation + productivity growth, w_n its inverse through the smooth floor
    w_eff = env["inflation"] + env["alpha_eff"]
    x = np.maximum((w_eff - v["w_min"]) / v["eps_w"], 1e-300)
    with np.errstate(divide="ignore"):  # np.where evaluates both branches; each is used where it is exact
        w_n = v["w_min"] + v["eps_w"] * np.where(x > 30, x + np.log1p(-np.exp(-np.minimum(x, 700))),
                                                 np.log(np.expm1(np.minimum(x, 30))))
    put(phi0=w_n - (v["phi1"] * lam + v["phi2"] / (v["lam_max"] + v["eps_lam"] - lam) + env["b_w_eff"]
                    + v["gamma_p"] * env["inflation"] + v["psi_a"] * env["alpha_eff"]))
    env = _evaluate(v, t0)
    if "tau_y" in v:  # the politics blocks: voters' income memory at rest grows with income per head, g - growth of N
        g_h = g - env["d_N"] / v["N"]
        put(y_m=env["y_h"] / (1 + g_h * v["tau_y"]), y_g_ref=env["y_g"])
        env = _evaluate(v, t0)
    # nominal wage growth at rest above its floor, and within the smooth floor's exact range (700 eps_w)
    w_ok = (w_eff > v["w_min"]) & (w_eff - v["w_min"] < 690 * v["eps_w"])
    rd_ok = v["rd_m_ref"] < v["rd_G0"]
    # autonomous household consumption is credit-financed spending (the block's definition; Pariboni 2016,
    # Structural Change and Economic Dynamics; Brochier & Macedo e Silva 2019, Cambridge Journal of Economics):
    # positive, so that its loan-financed share chi_H is positive. A negative Z_H (propensities to consume that
    # explain more than the start's consumption) turns the credit channel round: cheaper credit then lowers
    # demand (g_Z_eff scales a negative term), and the monetary brake becomes an accelerator. Measured on the
    # US joint posterior (10,000 draws, seed 0): 33% of draws had Z_H < 0; they were 193 of the 259 market-
    # shaping members that left the plausible range with damages off (failure rate 5.9% against 1.0%)
    # (positive by more than a millionth of output: the blocks see Z_H as Z - G_C, whose rounding, about 1e-16
    # G_C, is then below 1e-10 of Z_H; closer to 0 the rest check of chi_H Z_H = (g + rho_H) L_H fails on
    # rounding alone, with chi_H near 1e7: found at the truncation boundary of the joint calibration)
    zh_ok = Z_H > 1e-6 * Y
    feasible = (h_cap & y_cap & mk_ok & zh_ok & w_ok & rd_ok
                & np.isfinite(np.asarray(env["Y"], float) + v["t_w"] + v["theta0"]))
    reasons = _no_start_reasons(h_cap, y_cap, mk_ok, zh_ok, w_ok, rd_ok, feasible, w_eff, v, s)
    if np.ndim(feasible) == 0 and not feasible:
        raise ModelError("directed_growth: no start at rest for these values: " + str(reasons))
    if failures is not None:
        failures.append(np.broadcast_to(np.asarray(reasons, dtype=object), np.shape(feasible)).copy())
    # a start off its normal employment rate (a historical replay's lam_ref) is not at rest in the policy
    # rate and the labour force, by construction
    normal = bool(np.all(np.abs(np.asarray(v["lam_ref"]) - s["lam"]) < 1e-12))
    _verify(env, v, Y, g, g_n, feasible, normal, s.get("infl"))
    # an infeasible draw of an ensemble starts from NaN: the member is reported failed, the others run
    return {k: (float(x) if np.ndim(x) == 0 else np.where(feasible, np.asarray(x, float), np.nan))
            for k, x in out.items()}


def _no_start_reasons(h_cap, y_cap, mk_ok, zh_ok, w_ok, rd_ok, feasible, w_eff, v, s):
    """Why no start at rest exists, per draw ('' where one does; a str for scalar values): the first of
    the conditions of :func:`derived_values` that fails."""
    shape = np.shape(feasible)
    out = np.full(shape, "", dtype=object)
    checks = (
        (h_cap, lambda i: "the investment share that keeps capital in line with output, (g_Z + delta_K) K/Y, "
                          "exceeds h_max"),
        (y_cap, lambda i: "the start output is at or above the supply ceiling (raise lam_max or u_max above the "
                          "start's employment rate and normal utilisation)"),
        (mk_ok, lambda i: _markup_message(s.get("infl"), *(_pick(v[x], i, shape) for x in ("markup", "eta_p")))),
        (zh_ok, lambda i: "autonomous household consumption Z_H is not positive (not above 1e-6 of output; "
                          "consumption propensities c_w, c_pi, c_V too high for the start's consumption share; Z_H "
                          "is credit-financed spending and its loan-financed share chi_H would be negative)"),
        (w_ok, lambda i: _wage_floor_message(*(_pick(x, i, shape) for x in (w_eff, v["w_min"], v["eps_w"])))),
        (rd_ok, lambda i: "the start's mission R&D, r_m x mission_share x I_G / Y, is not below the start's public "
                          "R&D share rd_G0 (lower r_m or raise rd_G0)"),
    )
    for idx in np.ndindex(shape):
        if np.asarray(feasible)[idx]:
            continue
        out[idx] = next((say(idx) for ok, say in checks if not np.broadcast_to(ok, shape)[idx]),
                        "the start state is not finite")
    return out[()] if shape == () else out


def _pick(x, idx, shape) -> float:
    """Element ``idx`` of ``x`` broadcast to ``shape`` (a scalar is every element)."""
    return float(np.broadcast_to(np.asarray(x, float), shape)[idx])


def _markup_message(infl, markup, eta_p) -> str:
    lo, hi = MARKUP_BOUNDS
    if not eta_p > 0:
        return (f"the start's inflation datum infl = {infl:.4g}/yr needs a positive price adjustment eta_p to set the "
                f"target mark-up (eta_p = {eta_p:.4g}/yr)")
    return (f"the target mark-up giving the start's inflation datum infl = {infl:.4g}/yr, (1 + (infl - eta_x "
            f"ln(Y_D/Y)) / eta_p) / omega = {markup:.4g}, is outside its bounds [{lo:g}, {hi:g}] (raise eta_p, or "
            "check the datum)")


def _wage_floor_message(w_eff, w_min, eps_w) -> str:
    w, lo, eps = (float(np.ravel(x)[0]) for x in (w_eff, w_min, eps_w))
    if w <= lo:
        return (f"nominal wage growth at rest, inflation plus productivity growth {w:.4g}/yr, is not above its floor "
                f"w_min = {lo:.4g}/yr (lower w_min, or raise alpha0 or the start's inflation)")
    return (f"nominal wage growth at rest ({w:.4g}/yr) is more than 690 eps_w = {690 * eps:.4g}/yr above its floor "
            f"w_min = {lo:.4g}/yr, beyond the smooth floor's exact range (raise eps_w or w_min)")


#: stocks that grow with the economy on a balanced path
_GROWING = ("Z", "C", "L_F", "L_H", "M", "B", "NW_B", "WIP_G", "K_Gm", "K_Go", "S_e")


def _verify(env, v, Y, g, g_n, feasible, normal, infl=None) -> None:
    """Assert that the feasible starts are at rest (a block changed without this module otherwise): every stock
    grows at ``g`` (or is constant), productivity and labour force at the natural rate ``g_n``; the start's
    inflation is the datum ``infl`` [1/year] when given."""
    checks = {"Y": env["Y"] / Y - 1, "u": env["u"] - v["u_n"], "K": (env["d_K_g"] + env["d_K_b"]) / env["K"] - g}
    if normal:
        checks.update(aN=env["d_a"] / v["a"] + env["d_N"] / v["N"] - g_n, r_cb=env["d_r_cb"])
    checks.update({x: env["d_" + x] / v[x] - g for x in _GROWING})
    # the real lower bound used for the start's policy rate is the nominal one less the start's inflation
    checks.update(r_elb=v["r_elb"] - (v["i_elb"] - env["inflation"]), i_ref=v["i_ref"] - env["inflation"])
    if infl is not None:
        checks.update(infl=env["inflation"] - infl)
    checks.update(INV=env["d_INV"] / v["INV"] - g * (np.asarray(v["inv_sw"]) > 0))  # constant with the switch off
    checks.update({x: env["d_" + x] for x in ("omega", "h", "Cap", "R_el", "R_el_vote", "m_RD") if "d_" + x in env})
    if "d_y_m" in env:  # the politics blocks (support, an auxiliary, is then at rest with y_m)
        checks.update(y_m=env["d_y_m"] / v["y_m"] - (g - env["d_N"] / v["N"]))
    worst = {k: float(np.nanmax(np.where(feasible, np.abs(x), 0.0))) for k, x in checks.items()}
    if any(w > 1e-9 for w in worst.values()):
        raise RuntimeError(f"directed_growth: inconsistent start state {worst} (a block changed without "
                           "model.directed_growth.start_state)")

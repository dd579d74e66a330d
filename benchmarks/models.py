"""Benchmark models: the Keen model written by hand, and a 14-state coupled model.

Two kinds of code live here:

* *hand-written references*: the right-hand sides written directly in plain
  Python with ``math`` (the way one would write them for ``scipy.integrate.solve_ivp``);
  they never touch the ``model`` package, so they check its compiled code
  independently;
* :func:`bench14`, the 14-state, 25-auxiliary benchmark model declared with the
  ``model`` package's API (stock/param/aux/Block/combine), and
  :func:`bench14_rhs`, the same equations written again by hand (algebraically
  simplified where natural, e.g. ``C_lo`` folded into ``c4/tstep``);
* :func:`keen_numba_solver`, a minimal numba Dormand-Prince for Keen (the floor).

The parameter values are shared (``KEEN_PARAMS``, ``BENCH14_PARAMS``); the
equations are written twice.
"""

from __future__ import annotations

import math

import numpy as np

# ======================================================================== Keen
# economics.md section 2 (Grasselli & Costa Lima 2012, base case)

KEEN_STATES = ("omega", "lam", "d")
KEEN_Y0 = {"omega": 0.75, "lam": 0.75, "d": 0.1}
KEEN_PARAM_ORDER = ("alpha", "beta", "delta", "nu", "r", "phi0", "phi1", "kappa0", "kappa1", "kappa2")
KEEN_PARAMS = {
    "alpha": 0.025,
    "beta": 0.02,
    "delta": 0.01,
    "nu": 3.0,
    "r": 0.03,
    "phi0": 0.04 / (1 - 0.04 ** 2),
    "phi1": 0.04 ** 3 / (1 - 0.04 ** 2),
    "kappa0": -0.0065,
    "kappa1": math.exp(-5.0),
    "kappa2": 20.0,
}


def keen_args(**overrides) -> tuple:
    """Parameter tuple in ``KEEN_PARAM_ORDER`` (defaults overridden by keyword)."""
    p = {**KEEN_PARAMS, **overrides}
    return tuple(float(p[n]) for n in KEEN_PARAM_ORDER)


def keen_rhs(t, y, alpha, beta, delta, nu, r, phi0, phi1, kappa0, kappa1, kappa2):
    r"""Keen (1995) in intensive form, state ``(omega, lam, d)``.

    .. math::
        \pi = 1-\omega-rd,\ \kappa = \kappa_0+\kappa_1 e^{\kappa_2\pi},\ g = \kappa/\nu-\delta,\
        \Phi = \phi_1/(1-\lambda)^2-\phi_0 \\
        \dot\omega = \omega(\Phi-\alpha),\ \dot\lambda = \lambda(g-\alpha-\beta),\ \dot d = \kappa-\pi-dg

    ``math.exp`` raises on overflow where compiled code returns inf; its
    argument is clipped at 709 (e^709 ~ 8e307), far beyond the divergence guard.
    """
    omega, lam, d = y
    pi = 1.0 - omega - r * d
    kappa = kappa0 + kappa1 * math.exp(min(kappa2 * pi, 709.0))
    g = kappa / nu - delta
    phillips = phi1 / ((1.0 - lam) * (1.0 - lam)) - phi0
    return np.array([omega * (phillips - alpha), lam * (g - alpha - beta), kappa - pi - d * g])


def keen_guard(t, y, *args):
    """Terminal event: zero when omega <= 0, lam leaves (0, 1) or |y| > 1e100 (or NaN)."""
    omega, lam, d = y
    if not (math.isfinite(omega) and math.isfinite(lam) and math.isfinite(d)):
        return -1.0
    return min(omega, lam, 1.0 - lam, 1e100 - max(abs(omega), abs(lam), abs(d)))


keen_guard.terminal = True
keen_guard.direction = -1


def keen_lam1(alpha, phi0=KEEN_PARAMS["phi0"], phi1=KEEN_PARAMS["phi1"]):
    """Employment rate of the good equilibrium, 1 - sqrt(phi1/(alpha+phi0))."""
    return 1.0 - np.sqrt(phi1 / (np.asarray(alpha) + phi0))


def classify(sol, finite_bound: float = 1e100) -> str:
    """Outcome of a guarded ``solve_ivp`` run, in the names of ``model.STATUS``."""
    if sol.status == 0:
        return "success"
    if sol.status == 1:
        ye = sol.y_events[0][0] if sol.y_events and len(sol.y_events[0]) else sol.y[:, -1]
        if not np.all(np.isfinite(ye)) or np.max(np.abs(ye)) >= 0.999 * finite_bound:
            return "nonfinite"
        return "left_bounds"
    return "solver_error"


# ======================================================================== 14-state model
# A Keen core with GEMMES-style linear Phillips curve and investment function
# (Bovari, Giraud & Mc Isaac 2018; economics.md section 7.1), an investment lag,
# autonomous (public) demand that sustains profits and follows a fiscal rule
# (Costa Lima, Grasselli, Wang & Wu 2014; the supermultiplier's autonomous demand,
# economics.md section 3), public debt, a logistic labour force, productivity,
# an emission intensity declining exponentially, and the continuous DICE-2016R
# carbon cycle and two-box temperature model (economics.md section 6.1).

ILLUS = "illustrative benchmark value"
GEMMES = "GEMMES (Bovari, Giraud & Mc Isaac 2018), F90 port defaults (economics.md 7.1)"
DICE = "DICE-2016R (economics.md 6.1)"

BENCH14_STATES = ("omega", "lam", "d", "h", "Z", "B", "N_lab", "a_prod", "sigma",
                  "M_at", "M_up", "M_lo", "T_at", "T_lo")

#: (units, default, bounds, long name, source)
BENCH14_PARAM_SPEC = {
    # Keen/GEMMES core
    "alpha": ("1/year", 0.02, (0.0, 0.1), "labour productivity growth", GEMMES),
    "phi0": ("1/year", -0.2915, (-1.0, 1.0), "Phillips curve intercept", GEMMES),
    "phi1": ("1/year", 0.4688, (0.0, 2.0), "Phillips curve slope", GEMMES),
    "kappa0": ("dimensionless", 0.031774, (-0.1, 0.3), "investment function intercept", GEMMES),
    "kappa1": ("dimensionless", 0.575318, (0.0, 2.0), "investment function slope", GEMMES),
    "nu": ("year", 2.7, (0.5, 10.0), "capital to output ratio", GEMMES),
    "delta": ("1/year", 0.04, (0.0, 0.2), "depreciation rate", GEMMES),
    "r": ("1/year", 0.03, (0.0, 0.2), "interest rate on private debt", ILLUS),
    "payout": ("dimensionless", 0.85, (0.0, 1.0), "dividend payout ratio", ILLUS + " (private debt near GEMMES's 1.5)"),
    "tau_I": ("year", 1.0, (0.01, 5.0), "investment adjustment time", ILLUS),
    # labour
    "beta": ("1/year", 0.0305, (0.0, 0.1), "labour force growth at low population", GEMMES + ": q"),
    "N_max": ("Gworker", 7.056, (1.0, 20.0), "labour force ceiling", GEMMES),
    # autonomous demand and public sector
    "theta": ("1/year", 0.5, (0.0, 5.0), "reaction of autonomous demand growth to unemployment", ILLUS),
    "tau": ("dimensionless", 0.2, (0.0, 1.0), "tax share of output", ILLUS),
    "r_g": ("1/year", 0.02, (0.0, 0.2), "interest rate on public debt", ILLUS),
    # emissions and damages
    "g_sigma": ("1/year", 0.0152, (0.0, 0.1), "autonomous decline of emission intensity", DICE + ": gsigma1"),
    "chi": ("1/year", 0.05, (0.0, 1.0), "extra decarbonisation per unit of autonomous-demand share", ILLUS),
    "a2": ("1/delta_degC**2", 0.00236, (0.0, 0.1), "damage coefficient", DICE + ": a2"),
    "E_land0": ("GtCO2/year", 2.6, (0.0, 10.0), "land-use emissions at t=0", DICE + ": eland0"),
    "d_land": ("dimensionless", 0.115, (0.0, 1.0), "decline of land-use emissions per period", DICE + ": deland"),
    # carbon cycle and temperature (DICE-2016R, continuous)
    "tstep": ("year", 5.0, (0.1, 10.0), "DICE period length", DICE),
    "b12": ("dimensionless", 0.12, (0.0, 1.0), "carbon flow atmosphere to upper ocean per period", DICE),
    "b23": ("dimensionless", 0.007, (0.0, 1.0), "carbon flow upper to deep ocean per period", DICE),
    "M_at_eq": ("GtC", 588.0, (100.0, 2000.0), "equilibrium atmospheric carbon", DICE),
    "M_up_eq": ("GtC", 360.0, (50.0, 5000.0), "equilibrium upper ocean carbon", DICE),
    "M_lo_eq": ("GtC", 1720.0, (100.0, 50000.0), "equilibrium deep ocean carbon", DICE),
    "co2_per_c": ("GtCO2/GtC", 3.666, (3.6, 3.7), "CO2 mass per carbon mass", DICE),
    "F2x": ("W/m^2", 3.6813, (2.0, 6.0), "forcing of a CO2 doubling", DICE),
    "S": ("delta_degC", 3.1, (1.0, 10.0), "equilibrium climate sensitivity", DICE),
    "c1": ("delta_degC*m^2/W", 0.1005, (0.01, 1.0), "atmospheric temperature response per period", DICE),
    "c3": ("W/m^2/delta_degC", 0.088, (0.0, 1.0), "heat exchange atmosphere to deep ocean", DICE),
    "c4": ("dimensionless", 0.025, (0.0, 1.0), "deep ocean temperature response per period", DICE),
    "F_ex": ("W/m^2", 0.5, (0.0, 5.0), "non-CO2 forcing", DICE + ": fex0"),
}
BENCH14_PARAMS = {n: spec[1] for n, spec in BENCH14_PARAM_SPEC.items()}
BENCH14_PARAM_ORDER = tuple(BENCH14_PARAM_SPEC)

_Y0_OUT, _LAM0, _N0 = 59.74, 0.675, 4.83      # GEMMES initial output [TUSD/year], employment, labour force
#: (units, default, bounds, long name)
BENCH14_STATE_SPEC = {
    "omega": ("dimensionless", 0.578, (0.0, None), "wage share"),
    "lam": ("dimensionless", _LAM0, (0.0, 1.0), "employment rate"),
    "d": ("year", 1.53, (None, None), "private debt to output ratio"),
    "h": ("dimensionless", 0.19, (0.0, 1.0), "investment share of output"),
    "Z": ("TUSD/year", 0.2 * _Y0_OUT, (0.0, None), "autonomous (public) demand"),
    "B": ("TUSD", 0.9 * _Y0_OUT, (None, None), "public debt"),
    "N_lab": ("Gworker", _N0, (0.0, None), "labour force"),
    "a_prod": ("TUSD/year/Gworker", _Y0_OUT / (_LAM0 * _N0), (0.0, None), "labour productivity"),
    "sigma": ("GtCO2/TUSD", 35.85 / _Y0_OUT, (0.0, None), "emission intensity of output"),
    "M_at": ("GtC", 851.0, (0.0, None), "atmospheric carbon"),
    "M_up": ("GtC", 460.0, (0.0, None), "upper ocean and biosphere carbon"),
    "M_lo": ("GtC", 1740.0, (0.0, None), "deep ocean carbon"),
    "T_at": ("delta_degC", 0.85, (None, None), "atmospheric warming"),
    "T_lo": ("delta_degC", 0.0068, (None, None), "deep ocean warming"),
}
BENCH14_Y0 = {n: spec[1] for n, spec in BENCH14_STATE_SPEC.items()}

#: parameters drawn +-5% in the 10,000-member ensemble
BENCH14_DRAWN = ("alpha", "kappa1", "S", "g_sigma")

_AUX_SPEC = {
    "Y": ("TUSD/year", "output"),
    "z": ("dimensionless", "autonomous demand share of output"),
    "b": ("year", "public debt to output ratio"),
    "damage": ("dimensionless", "climate damage share of output"),
    "pi": ("dimensionless", "profit share net of interest, depreciation, damages and taxes"),
    "div": ("dimensionless", "dividends share of output"),
    "kappa": ("dimensionless", "desired investment share"),
    "g": ("1/year", "output growth rate"),
    "phillips": ("1/year", "real wage growth (Phillips curve)"),
    "lam_star": ("dimensionless", "employment rate where real wages grow with productivity"),
    "g_N": ("1/year", "labour force growth rate"),
    "g_Z": ("1/year", "autonomous demand growth (fiscal rule)"),
    "pdef": ("TUSD/year", "primary public deficit"),
    "g_sig": ("1/year", "decline rate of emission intensity"),
    "E_ind": ("GtCO2/year", "industrial CO2 emissions"),
    "E_land": ("GtCO2/year", "land-use CO2 emissions"),
    "E_tot": ("GtCO2/year", "total CO2 emissions"),
    "b11": ("dimensionless", "carbon retained in the atmosphere per period"),
    "b21": ("dimensionless", "carbon flow upper ocean to atmosphere per period"),
    "b22": ("dimensionless", "carbon retained in the upper ocean per period"),
    "b32": ("dimensionless", "carbon flow deep to upper ocean per period"),
    "b33": ("dimensionless", "carbon retained in the deep ocean per period"),
    "F": ("W/m^2", "radiative forcing"),
    "C_at": ("W*year/m^2/delta_degC", "heat capacity of atmosphere and upper ocean"),
    "C_lo": ("W*year/m^2/delta_degC", "heat capacity of the deep ocean"),
}


def bench14():
    r"""The 14-state, 25-auxiliary benchmark model, declared with the ``model`` API.

    Notes
    -----
    Output :math:`Y = \lambda a N` grows at :math:`g = h/\nu - \delta`. The
    investment share :math:`h` follows the desired share
    :math:`\kappa = \kappa_0 + \kappa_1\pi` with lag :math:`\tau_I`; the profit
    share net of damages, interest, depreciation and taxes is
    :math:`\pi = 1 - D - \omega - rd - \delta\nu + z - \tau`, where
    :math:`z = Z/Y` is autonomous (public) demand; dividends are
    :math:`p\pi`. Then :math:`\dot\omega = \omega(\phi_0 + \phi_1\lambda - \alpha)`,
    :math:`\dot\lambda = \lambda(g - \alpha - g_N)`,
    :math:`\dot d = h - \delta\nu - (1-p)\pi - dg`. Autonomous demand grows at
    :math:`g_Z = \alpha + g_N + \theta(\lambda^* - \lambda)` (a fiscal rule
    leaning against unemployment, :math:`\lambda^* = (\alpha-\phi_0)/\phi_1`);
    public debt :math:`\dot B = Z - \tau Y + r_g B`. Emissions
    :math:`\sigma Y + E^{land}` feed the continuous DICE-2016R carbon cycle and
    two-box temperature model; damages :math:`D = a_2 T_{AT}^2` reduce profits;
    emission intensity declines at :math:`g_\sigma + \chi z`. Illustrative,
    for speed measurements only.
    """
    import sympy as sp

    from model import Block, aux, combine, param, stock
    from model.declare.symbols import t

    V = {}
    for n, (u, dflt, bnds, ln, src) in BENCH14_PARAM_SPEC.items():
        V[n] = param(n, u, ln, default=dflt, bounds=bnds, source=src)
    for n, (u, dflt, bnds, ln) in BENCH14_STATE_SPEC.items():
        V[n] = stock(n, u, ln, default=dflt, bounds=bnds, source=GEMMES if n in ("omega", "lam", "d") else ILLUS)
    for n, (u, ln) in _AUX_SPEC.items():
        V[n] = aux(n, u, ln)
    s = {n: v.sym for n, v in V.items()}

    def blk(name, names, auxiliaries, derivatives, description):
        return Block(name, tuple(V[n] for n in names), auxiliaries=auxiliaries, derivatives=derivatives,
                     description=description)

    keen = blk(
        "keen core",
        ("omega", "lam", "d", "alpha", "phi0", "phi1", "kappa0", "kappa1", "nu", "delta", "r", "payout",
         "Y", "pi", "div", "kappa", "g", "phillips", "lam_star"),
        {
            "Y": s["lam"] * s["a_prod"] * s["N_lab"],
            "pi": 1 - s["damage"] - s["omega"] - s["r"] * s["d"] - s["delta"] * s["nu"] + s["z"] - s["tau"],
            "div": s["payout"] * s["pi"],
            "kappa": s["kappa0"] + s["kappa1"] * s["pi"],
            "g": s["h"] / s["nu"] - s["delta"],
            "phillips": s["phi0"] + s["phi1"] * s["lam"],
            "lam_star": (s["alpha"] - s["phi0"]) / s["phi1"],
        },
        {
            "omega": s["omega"] * (s["phillips"] - s["alpha"]),
            "lam": s["lam"] * (s["g"] - s["alpha"] - s["g_N"]),
            "d": s["h"] - s["delta"] * s["nu"] - s["pi"] + s["div"] - s["d"] * s["g"],
        },
        "Keen (1995) wage share, employment and private debt with GEMMES's linear behavioural functions.",
    )
    demand = blk(
        "demand and public sector",
        ("h", "Z", "B", "tau_I", "theta", "tau", "r_g", "z", "b", "g_Z", "pdef"),
        {
            "z": s["Z"] / s["Y"],
            "b": s["B"] / s["Y"],
            "g_Z": s["alpha"] + s["g_N"] + s["theta"] * (s["lam_star"] - s["lam"]),
            "pdef": s["Z"] - s["tau"] * s["Y"],
        },
        {
            "h": (s["kappa"] - s["h"]) / s["tau_I"],
            "Z": s["g_Z"] * s["Z"],
            "B": s["pdef"] + s["r_g"] * s["B"],
        },
        "Investment share adjusting to the desired share; autonomous public demand with a fiscal rule.",
    )
    labour = blk(
        "labour",
        ("N_lab", "a_prod", "beta", "N_max", "g_N"),
        {"g_N": s["beta"] * (1 - s["N_lab"] / s["N_max"])},
        {"N_lab": s["g_N"] * s["N_lab"], "a_prod": s["alpha"] * s["a_prod"]},
        "Logistic labour force and exponential productivity.",
    )
    emissions = blk(
        "emissions and damages",
        ("sigma", "g_sigma", "chi", "a2", "E_land0", "d_land", "g_sig", "E_ind", "E_land", "E_tot", "damage"),
        {
            "g_sig": s["g_sigma"] + s["chi"] * s["z"],
            "E_ind": s["sigma"] * s["Y"],
            "E_land": s["E_land0"] * (1 - s["d_land"]) ** (t / s["tstep"]),
            "E_tot": s["E_ind"] + s["E_land"],
            "damage": s["a2"] * s["T_at"] ** 2,
        },
        {"sigma": -s["g_sig"] * s["sigma"]},
        "Emission intensity declining exponentially (faster with more public demand); DICE damages.",
    )
    carbon = blk(
        "carbon cycle",
        ("M_at", "M_up", "M_lo", "tstep", "b12", "b23", "M_at_eq", "M_up_eq", "M_lo_eq", "co2_per_c",
         "b11", "b21", "b22", "b32", "b33"),
        {
            "b11": 1 - s["b12"],
            "b21": s["b12"] * s["M_at_eq"] / s["M_up_eq"],
            "b22": 1 - s["b21"] - s["b23"],
            "b32": s["b23"] * s["M_up_eq"] / s["M_lo_eq"],
            "b33": 1 - s["b32"],
        },
        {
            "M_at": ((s["b11"] - 1) * s["M_at"] + s["b21"] * s["M_up"]) / s["tstep"]
                    + s["E_tot"] / s["co2_per_c"],
            "M_up": (s["b12"] * s["M_at"] + (s["b22"] - 1) * s["M_up"] + s["b32"] * s["M_lo"]) / s["tstep"],
            "M_lo": (s["b23"] * s["M_up"] + (s["b33"] - 1) * s["M_lo"]) / s["tstep"],
        },
        "DICE-2016R three-reservoir carbon cycle, continuous time.",
    )
    temperature = blk(
        "temperature",
        ("T_at", "T_lo", "F2x", "S", "c1", "c3", "c4", "F_ex", "F", "C_at", "C_lo"),
        {
            "F": s["F2x"] * sp.log(s["M_at"] / s["M_at_eq"]) / sp.log(2) + s["F_ex"],
            "C_at": s["tstep"] / s["c1"],
            "C_lo": s["c3"] * s["tstep"] / s["c4"],
        },
        {
            "T_at": (s["F"] - s["F2x"] / s["S"] * s["T_at"] - s["c3"] * (s["T_at"] - s["T_lo"])) / s["C_at"],
            "T_lo": s["c3"] * (s["T_at"] - s["T_lo"]) / s["C_lo"],
        },
        "DICE-2016R two-box temperature model, continuous time.",
    )
    return combine(keen, demand, labour, emissions, carbon, temperature, name="bench14",
                   description="14-state benchmark: Keen/GEMMES core, autonomous demand, public debt, DICE-2016R "
                               "climate",
                   origin={"factory": "benchmarks.models:bench14", "kwargs": {}})


def bench14_args(**overrides) -> tuple:
    """Parameter tuple in ``BENCH14_PARAM_ORDER`` (defaults overridden by keyword)."""
    p = {**BENCH14_PARAMS, **overrides}
    return tuple(float(p[n]) for n in BENCH14_PARAM_ORDER)


_LOG2 = math.log(2.0)


def bench14_rhs(t, y, alpha, phi0, phi1, kappa0, kappa1, nu, delta, r, payout, tau_I, beta, N_max, theta, tau,
                r_g, g_sigma, chi, a2, E_land0, d_land, tstep, b12, b23, M_at_eq, M_up_eq, M_lo_eq, co2_per_c, F2x,
                S, c1, c3, c4, F_ex):
    """The equations of :func:`bench14`, written again by hand (state in ``BENCH14_STATES`` order)."""
    omega, lam, d, h, Z, B, N_lab, a_prod, sigma, M_at, M_up, M_lo, T_at, T_lo = y
    # economy
    Y = lam * a_prod * N_lab
    z = Z / Y
    pi = 1.0 - a2 * T_at * T_at - omega - r * d - delta * nu + z - tau
    g = h / nu - delta
    g_N = beta * (1.0 - N_lab / N_max)
    g_Z = alpha + g_N + theta * ((alpha - phi0) / phi1 - lam)
    # emissions, carbon cycle, forcing
    E_tot = sigma * Y + E_land0 * (1.0 - d_land) ** (t / tstep)
    b21 = b12 * M_at_eq / M_up_eq
    b32 = b23 * M_up_eq / M_lo_eq
    F = F2x * math.log(M_at / M_at_eq) / _LOG2 + F_ex
    return np.array([
        omega * (phi0 + phi1 * lam - alpha),
        lam * (g - alpha - g_N),
        h - delta * nu - (1.0 - payout) * pi - d * g,
        (kappa0 + kappa1 * pi - h) / tau_I,
        g_Z * Z,
        Z - tau * Y + r_g * B,
        g_N * N_lab,
        alpha * a_prod,
        -(g_sigma + chi * z) * sigma,
        (-b12 * M_at + b21 * M_up) / tstep + E_tot / co2_per_c,
        (b12 * M_at - (b21 + b23) * M_up + b32 * M_lo) / tstep,
        (b23 * M_up - b32 * M_lo) / tstep,
        (F - F2x / S * T_at - c3 * (T_at - T_lo)) * c1 / tstep,
        c4 * (T_at - T_lo) / tstep,
    ])


_B14_BOUNDED = tuple((i, spec[2]) for i, spec in enumerate(BENCH14_STATE_SPEC.values())
                     if spec[2] != (None, None))


def bench14_guard(t, y, *args):
    """Terminal event: zero when a stock leaves its declared bounds or |y| > 1e100 (or NaN)."""
    if not np.all(np.isfinite(y)):
        return -1.0
    m = 1e100 - float(np.max(np.abs(y)))
    for i, (lo, hi) in _B14_BOUNDED:
        if lo is not None:
            m = min(m, y[i] - lo)
        if hi is not None:
            m = min(m, hi - y[i])
    return m


bench14_guard.terminal = True
bench14_guard.direction = -1


# ======================================================================== numba floor (Keen)
# A minimal hand-written Dormand-Prince 5(4) for the Keen model in numba: the same
# tableau, error norm, step-size controller and dense output as the compiled
# integrator of the model package, without its generic machinery (input schedules,
# sensitivity mode, domain guards, stiffness test). It measures what a
# compiled 300-year Keen run costs at the floor; see benchmarks/README.md.

_DP_C = np.array([0.0, 0.2, 0.3, 0.8, 8.0 / 9.0, 1.0, 1.0])
_DP_A = np.array([
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.2, 0.0, 0.0, 0.0, 0.0, 0.0],
    [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0],
    [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0],
    [19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0, 0.0, 0.0],
    [9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0, 0.0],
    [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0],
])
_DP_E = np.array([71.0 / 57600.0, 0.0, -71.0 / 16695.0, 71.0 / 1920.0, -17253.0 / 339200.0, 22.0 / 525.0,
                  -1.0 / 40.0])
_DP_P = np.array([
    [1.0, -8048581381.0 / 2820520608.0, 8663915743.0 / 2820520608.0, -12715105075.0 / 11282082432.0],
    [0.0, 0.0, 0.0, 0.0],
    [0.0, 131558114200.0 / 32700410799.0, -68118460800.0 / 10900136933.0, 87487479700.0 / 32700410799.0],
    [0.0, -1754552775.0 / 470086768.0, 14199869525.0 / 1410260304.0, -10690763975.0 / 1880347072.0],
    [0.0, 127303824393.0 / 49829197408.0, -318862633887.0 / 49829197408.0, 701980252875.0 / 199316789632.0],
    [0.0, -282668133.0 / 205662961.0, 2019193451.0 / 616988883.0, -1453857185.0 / 822651844.0],
    [0.0, 40617522.0 / 29380423.0, -110615467.0 / 29380423.0, 69997945.0 / 29380423.0],
])


def _keen_f(y, p, out):
    omega = y[0]
    lam = y[1]
    d = y[2]
    pi = 1.0 - omega - p[4] * d
    kappa = p[7] + p[8] * math.exp(p[9] * pi)
    g = kappa / p[3] - p[2]
    phillips = p[6] / ((1.0 - lam) * (1.0 - lam)) - p[5]
    out[0] = omega * (phillips - p[0])
    out[1] = lam * (g - p[0] - p[1])
    out[2] = kappa - pi - d * g


def _keen_dopri5(y0, p, t_eval, rtol, atol, yout):
    n = 3
    K = np.empty((7, n))
    ys = np.empty(n)
    y = y0.copy()
    t = t_eval[0]
    t_end = t_eval[-1]
    nt = t_eval.shape[0]
    for j in range(n):
        yout[0, j] = y[j]
    k = 1
    _keen_f_nb(y, p, K[0])
    # initial step (Hairer, Norsett & Wanner, as in the compiled integrator)
    d0 = 0.0
    d1 = 0.0
    for j in range(n):
        sc = atol + rtol * abs(y[j])
        d0 += (y[j] / sc) ** 2
        d1 += (K[0, j] / sc) ** 2
    d0 = math.sqrt(d0 / n)
    d1 = math.sqrt(d1 / n)
    h = 1e-6 if (d0 < 1e-5 or d1 < 1e-5) else 0.01 * d0 / d1
    for j in range(n):
        ys[j] = y[j] + h * K[0, j]
    _keen_f_nb(ys, p, K[1])
    d2 = 0.0
    for j in range(n):
        sc = atol + rtol * abs(y[j])
        d2 += ((K[1, j] - K[0, j]) / sc) ** 2
    d2 = math.sqrt(d2 / n) / h
    h1 = max(1e-6, h * 1e-3) if max(d1, d2) <= 1e-15 else (0.01 / max(d1, d2)) ** 0.2
    h = min(100.0 * h, h1, t_end - t)
    fac_old = 1e-4
    reject = False
    nsteps = 0
    while k < nt:
        if t + h > t_end:
            h = t_end - t
        for s in range(1, 7):
            for j in range(n):
                acc = 0.0
                for q in range(s):
                    acc += _DP_A[s, q] * K[q, j]
                ys[j] = y[j] + h * acc
            _keen_f_nb(ys, p, K[s])
        nsteps += 1
        en = 0.0
        for j in range(n):
            acc = 0.0
            for q in range(7):
                acc += _DP_E[q] * K[q, j]
            sc = atol + rtol * max(abs(y[j]), abs(ys[j]))
            en += (h * acc / sc) ** 2
        en = math.sqrt(en / n)
        if not en <= 1.0:
            h *= 0.2 if not math.isfinite(en) else max(0.2, 0.9 * en ** -0.2)
            reject = True
            continue
        tn = t + h
        while k < nt and t_eval[k] <= tn:
            x = (t_eval[k] - t) / h
            for j in range(n):
                acc = 0.0
                for q in range(7):
                    acc += K[q, j] * x * (_DP_P[q, 0] + x * (_DP_P[q, 1] + x * (_DP_P[q, 2] + x * _DP_P[q, 3])))
                yout[k, j] = y[j] + h * acc
            k += 1
        t = tn
        for j in range(n):
            y[j] = ys[j]
            K[0, j] = K[6, j]
        fac = min(5.0, max(0.1, en ** 0.17 / fac_old ** 0.04 / 0.9))
        fac_old = max(en, 1e-4)
        hnew = h / fac
        if reject:
            hnew = min(hnew, h)
        reject = False
        h = hnew
    return nsteps


_keen_f_nb = None
_KEEN_NB = None


def keen_numba_solver():
    """The hand-written numba Dormand-Prince for Keen: ``f(y0, p, t_eval, rtol, atol, yout) -> n_steps``.

    ``y0`` in ``KEEN_STATES`` order, ``p`` from :func:`keen_args`, ``yout`` of shape
    (len(t_eval), 3); ``t_eval[0]`` is the start time. Compiled (and cached by numba
    in ``benchmarks/__pycache__``) on first use.
    """
    global _keen_f_nb, _KEEN_NB
    if _KEEN_NB is None:
        import numba

        _keen_f_nb = numba.njit(cache=True)(_keen_f)
        _KEEN_NB = numba.njit(cache=True)(_keen_dopri5)
    return _KEEN_NB

"""Benchmark models: the Keen model written by hand, and a 14-state coupled model.

Two kinds of code live here:

* *hand-written references*: the right-hand sides written directly in plain
  Python with ``math`` (the way one would write them for ``scipy.integrate.solve_ivp``);
  they never touch the ``model`` package, so they check its compiled code
  independently;
* :func:`bench14`, the 14-state, 25-auxiliary benchmark model declared with the
  ``model`` package's API (stock/param/aux/Block/combine), and
  :func:`bench14_rhs`, the same equations written again by hand.

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
# Keen's wage share, employment rate and private debt, with an investment lag
# and autonomous (public) demand that sustains profits (Costa Lima, Grasselli,
# Wang & Wu 2014), public debt, labour force and productivity, an emission
# intensity declining exponentially, and the continuous DICE-2016R carbon cycle
# and two-box temperature model (economics.md sections 2, 3 and 6.1).

ILLUS = "illustrative benchmark value"
GCL = "Grasselli & Costa Lima (2012) base case"
DICE = "DICE-2016R (economics.md 6.1)"

BENCH14_STATES = ("omega", "lam", "d", "h", "Z", "B", "N_lab", "a_prod", "sigma",
                  "M_at", "M_up", "M_lo", "T_at", "T_lo")

#: (units, default, bounds, long name, source)
BENCH14_PARAM_SPEC = {
    # Keen core
    "alpha": ("1/year", 0.015, (0.0, 0.1), "labour productivity growth", ILLUS),
    "phi0": ("1/year", 0.04 / (1 - 0.04 ** 2), (0.0, 1.0), "Phillips curve intercept", GCL),
    "phi1": ("1/year", 0.04 ** 3 / (1 - 0.04 ** 2), (0.0, 1.0), "Phillips curve slope", GCL),
    "kappa0": ("dimensionless", -0.0065, (-0.1, 0.1), "investment function intercept", GCL),
    "kappa1": ("dimensionless", math.exp(-5.0), (0.0, 0.1), "investment function scale", GCL),
    "kappa2": ("dimensionless", 20.0, (1.0, 50.0), "investment function curvature", GCL),
    "nu": ("year", 3.0, (0.5, 10.0), "capital to output ratio", GCL),
    "delta": ("1/year", 0.04, (0.0, 0.2), "depreciation rate", ILLUS),
    "r": ("1/year", 0.03, (0.0, 0.2), "interest rate on private debt", GCL),
    "tau_I": ("year", 0.25, (0.01, 5.0), "investment adjustment time", ILLUS),
    # labour
    "beta": ("1/year", 0.012, (0.0, 0.1), "labour force growth at low population", ILLUS),
    "N_max": ("Gworker", 7.0, (1.0, 20.0), "labour force ceiling", ILLUS),
    # autonomous demand and public sector
    "theta": ("1/year", 0.5, (0.0, 5.0), "reaction of autonomous demand growth to unemployment", ILLUS),
    "lam_n": ("dimensionless", 0.966, (0.5, 1.0), "employment target of the fiscal rule", ILLUS),
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

_Y0_OUT = 105.5                   # TUSD/year, DICE's q0 (2015)
_LAM0, _N0 = 0.95, 3.5
#: (units, default, bounds, long name)
BENCH14_STATE_SPEC = {
    "omega": ("dimensionless", 0.80, (0.0, None), "wage share"),
    "lam": ("dimensionless", _LAM0, (0.0, 1.0), "employment rate"),
    "d": ("year", 0.7, (None, None), "private debt to output ratio"),
    "h": ("dimensionless", 0.18, (0.0, 1.0), "investment share of output"),
    "Z": ("TUSD/year", 0.2 * _Y0_OUT, (0.0, None), "autonomous (public) demand"),
    "B": ("TUSD", 0.9 * _Y0_OUT, (None, None), "public debt"),
    "N_lab": ("Gworker", _N0, (0.0, None), "labour force"),
    "a_prod": ("TUSD/year/Gworker", _Y0_OUT / (_LAM0 * _N0), (0.0, None), "labour productivity"),
    "sigma": ("GtCO2/TUSD", 35.85 / 105.5, (0.0, None), "emission intensity of output"),
    "M_at": ("GtC", 851.0, (0.0, None), "atmospheric carbon"),
    "M_up": ("GtC", 460.0, (0.0, None), "upper ocean and biosphere carbon"),
    "M_lo": ("GtC", 1740.0, (0.0, None), "deep ocean carbon"),
    "T_at": ("delta_degC", 0.85, (None, None), "atmospheric warming"),
    "T_lo": ("delta_degC", 0.0068, (None, None), "deep ocean warming"),
}
BENCH14_Y0 = {n: spec[1] for n, spec in BENCH14_STATE_SPEC.items()}

#: parameters drawn +-5% in the 10,000-member ensemble
BENCH14_DRAWN = ("alpha", "kappa2", "S", "g_sigma")

_AUX_SPEC = {
    "Y": ("TUSD/year", "output"),
    "K": ("TUSD", "capital stock"),
    "inv": ("TUSD/year", "investment"),
    "z": ("dimensionless", "autonomous demand share of output"),
    "b": ("year", "public debt to output ratio"),
    "damage": ("dimensionless", "climate damage share of output"),
    "pi": ("dimensionless", "profit share net of interest, damages and taxes"),
    "kappa": ("dimensionless", "desired investment share"),
    "g": ("1/year", "output growth rate"),
    "phillips": ("1/year", "real wage growth (Phillips curve)"),
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
    Output is :math:`Y = \lambda a N` and grows at :math:`g = h/\nu - \delta`
    (capital :math:`K = \nu Y`). The investment share :math:`h` follows
    Keen's desired share :math:`\kappa(\pi)` with lag :math:`\tau_I`.
    Autonomous (public) demand :math:`Z` adds to profits,
    :math:`\pi = 1 - D - \omega - rd + z - \tau` with :math:`z = Z/Y`, and
    grows at :math:`g_Z = \alpha + g_N + \theta(\lambda_n - \lambda)` (a fiscal rule
    leaning against unemployment). Public debt: :math:`\dot B = Z - \tau Y + r_g B`.
    Emissions :math:`E = \sigma Y + E^{land}` feed the continuous DICE-2016R
    carbon cycle and two-box temperature model; damages
    :math:`D = a_2 T_{AT}^2` reduce profits. Emission intensity declines at
    :math:`g_\sigma + \chi z` (public demand directs technical change).
    Illustrative, for speed measurements only.
    """
    import sympy as sp

    from model import Block, aux, combine, param, stock
    from model.symbols import t

    V = {}
    for n, (u, dflt, bnds, ln, src) in BENCH14_PARAM_SPEC.items():
        V[n] = param(n, u, ln, default=dflt, bounds=bnds, source=src)
    for n, (u, dflt, bnds, ln) in BENCH14_STATE_SPEC.items():
        V[n] = stock(n, u, ln, default=dflt, bounds=bnds, source=ILLUS)
    for n, (u, ln) in _AUX_SPEC.items():
        V[n] = aux(n, u, ln)
    s = {n: v.sym for n, v in V.items()}

    def blk(name, names, auxiliaries, derivatives, description):
        return Block(name, tuple(V[n] for n in names), auxiliaries=auxiliaries, derivatives=derivatives,
                     description=description)

    keen = blk(
        "keen core",
        ("omega", "lam", "d", "alpha", "phi0", "phi1", "kappa0", "kappa1", "kappa2", "nu", "delta", "r",
         "Y", "K", "pi", "kappa", "g", "phillips"),
        {
            "Y": s["lam"] * s["a_prod"] * s["N_lab"],
            "K": s["nu"] * s["Y"],
            "pi": 1 - s["damage"] - s["omega"] - s["r"] * s["d"] + s["z"] - s["tau"],
            "kappa": s["kappa0"] + s["kappa1"] * sp.exp(s["kappa2"] * s["pi"]),
            "g": s["h"] / s["nu"] - s["delta"],
            "phillips": s["phi1"] / (1 - s["lam"]) ** 2 - s["phi0"],
        },
        {
            "omega": s["omega"] * (s["phillips"] - s["alpha"]),
            "lam": s["lam"] * (s["g"] - s["alpha"] - s["g_N"]),
            "d": s["h"] - s["pi"] - s["d"] * s["g"],
        },
        "Keen (1995) wage share, employment and private debt; output grows with capital.",
    )
    demand = blk(
        "demand and public sector",
        ("h", "Z", "B", "tau_I", "theta", "lam_n", "tau", "r_g", "inv", "z", "b", "g_Z", "pdef"),
        {
            "inv": s["h"] * s["Y"],
            "z": s["Z"] / s["Y"],
            "b": s["B"] / s["Y"],
            "g_Z": s["alpha"] + s["g_N"] + s["theta"] * (s["lam_n"] - s["lam"]),
            "pdef": s["Z"] - s["tau"] * s["Y"],
        },
        {
            "h": (s["kappa"] - s["h"]) / s["tau_I"],
            "Z": s["g_Z"] * s["Z"],
            "B": s["pdef"] + s["r_g"] * s["B"],
        },
        "Investment share adjusting to Keen's desired share; autonomous public demand with a fiscal rule.",
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
                   description="14-state benchmark: Keen + autonomous demand + public debt + DICE-2016R climate",
                   origin={"factory": "benchmarks.models:bench14", "kwargs": {}})


def bench14_args(**overrides) -> tuple:
    """Parameter tuple in ``BENCH14_PARAM_ORDER`` (defaults overridden by keyword)."""
    p = {**BENCH14_PARAMS, **overrides}
    return tuple(float(p[n]) for n in BENCH14_PARAM_ORDER)


_LOG2 = math.log(2.0)


def bench14_rhs(t, y, alpha, phi0, phi1, kappa0, kappa1, kappa2, nu, delta, r, tau_I, beta, N_max, theta, lam_n,
                tau, r_g, g_sigma, chi, a2, E_land0, d_land, tstep, b12, b23, M_at_eq, M_up_eq, M_lo_eq,
                co2_per_c, F2x, S, c1, c3, c4, F_ex):
    """The equations of :func:`bench14`, written again by hand (state in ``BENCH14_STATES`` order)."""
    omega, lam, d, h, Z, B, N_lab, a_prod, sigma, M_at, M_up, M_lo, T_at, T_lo = y
    # economy
    Y = lam * a_prod * N_lab
    z = Z / Y
    damage = a2 * T_at * T_at
    pi = 1.0 - damage - omega - r * d + z - tau
    kappa = kappa0 + kappa1 * math.exp(min(kappa2 * pi, 709.0))
    g = h / nu - delta
    phillips = phi1 / ((1.0 - lam) * (1.0 - lam)) - phi0
    g_N = beta * (1.0 - N_lab / N_max)
    g_Z = alpha + g_N + theta * (lam_n - lam)
    # emissions
    g_sig = g_sigma + chi * z
    E_tot = sigma * Y + E_land0 * (1.0 - d_land) ** (t / tstep)
    # carbon cycle
    b21 = b12 * M_at_eq / M_up_eq
    b32 = b23 * M_up_eq / M_lo_eq
    F = F2x * math.log(M_at / M_at_eq) / _LOG2 + F_ex
    C_at = tstep / c1
    C_lo = c3 * tstep / c4
    return np.array([
        omega * (phillips - alpha),
        lam * (g - alpha - g_N),
        h - pi - d * g,
        (kappa - h) / tau_I,
        g_Z * Z,
        Z - tau * Y + r_g * B,
        g_N * N_lab,
        alpha * a_prod,
        -g_sig * sigma,
        (-b12 * M_at + b21 * M_up) / tstep + E_tot / co2_per_c,
        (b12 * M_at - (b21 + b23) * M_up + b32 * M_lo) / tstep,
        (b23 * M_up - b32 * M_lo) / tstep,
        (F - F2x / S * T_at - c3 * (T_at - T_lo)) / C_at,
        c3 * (T_at - T_lo) / C_lo,
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

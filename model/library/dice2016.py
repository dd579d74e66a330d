"""DICE-2016R carbon cycle and two-box temperature model (Nordhaus 2017), discrete or continuous."""

from __future__ import annotations

import sympy as sp

from ..core.blocks import Block
from ..core.levers import Schedule, piecewise
from ..core.metadata import ModelMeta
from ..core.symbols import aux, exogenous, lever, param, stock, t
from ..core.system import System, combine

GAMS = "DICE2016R3-112018-v8.gms (Nordhaus 2018; public copy in chrisroadmap/loaded-dice)"
PNAS = "Nordhaus (2017) PNAS 114(7):1518-1523"
SRC = f"{GAMS}; {PNAS}"

#: Years and values [W/m^2] of DICE-2016R's non-CO2 forcing path (fex0 in 2015, fex1 in 2100).
FORCING_YEARS = (2015.0, 2100.0)
FORCING_VALUES = (0.5, 1.0)


def dice2016_forcing_path(lead: float = 0.0) -> Schedule:
    r"""DICE-2016R exogenous (non-CO2) forcing path for the input ``F_ex`` [W/m^2].

    Linear from 0.5 W/m^2 in 2015 to 1.0 W/m^2 in 2100, constant afterwards
    (GAMS: ``forcoth(t) = fex0 + (1/17)(fex1-fex0)(t-1)`` for periods before 18).

    Parameters
    ----------
    lead : float
        Shift the path earlier by ``lead`` years [year]. With the discrete map
        (:func:`dice2016_climate` with ``discrete=True``) ``lead=5`` makes the
        temperature update use GAMS's :math:`F^{EX}_{t+1}` exactly (see the Notes
        there); the default 0 gives the forcing at the model's own time.

    Returns
    -------
    Schedule
        ``piecewise([2015 - lead, 2100 - lead], [0.5, 1.0])``; pass it as
        ``exogenous={"F_ex": dice2016_forcing_path()}``.
    """
    return piecewise([y - lead for y in FORCING_YEARS], list(FORCING_VALUES))


def dice2016_climate(discrete: bool = False) -> System:
    r"""DICE-2016R carbon cycle (three reservoirs) and two-box temperature model.

    Parameters
    ----------
    discrete : bool
        ``True``: the original 5-year map (``System.dt = 5``), stepping from
        2015. ``False``: the continuous-time equivalent (an ODE).

    Returns
    -------
    System
        Stocks ``M_at``, ``M_up``, ``M_lo`` [GtC] (carbon in atmosphere, upper
        ocean and biosphere, deep ocean) and ``T_at``, ``T_lo`` [delta_degC]
        (warming of atmosphere and deep ocean); lever ``E`` (industrial
        emissions, GtCO2/year); exogenous input ``F_ex`` (non-CO2 forcing,
        W/m^2, default constant 0.5: pass
        ``exogenous={"F_ex": dice2016_forcing_path()}`` for DICE's path).

    Notes
    -----
    Flow coefficients (per 5-year period), from mass balance at the
    equilibrium stocks :math:`M_{eq} = (588, 360, 1720)` GtC:
    :math:`b_{11} = 1-b_{12}`, :math:`b_{21} = b_{12}M^{AT}_{eq}/M^{UP}_{eq}`,
    :math:`b_{22} = 1-b_{21}-b_{23}`, :math:`b_{32} = b_{23}M^{UP}_{eq}/M^{LO}_{eq}`,
    :math:`b_{33} = 1-b_{32}`. Every column of the transfer matrix :math:`B`
    sums to one (carbon is conserved) and :math:`M_{eq}` is its fixed point;
    its eigenvalues are 0.679602, 0.995933 and 1.

    Emissions :math:`E^{tot} = E + E^{land}`, with land-use emissions
    :math:`E^{land} = E^{land}_0 (1-d_{land})^{(t-t_0)/\Delta}` (2.6 GtCO2/year
    in 2015, falling 11.5% per period :math:`\Delta` = 5 years). Forcing
    :math:`F = F_{2x}\log_2(M^{AT}/M^{AT}_{eq}) + F^{EX}` (GAMS hard-codes 588 =
    :math:`M^{AT}_{eq}`).

    *Discrete map* (:math:`\Delta = 5` years, :math:`\kappa = 3.666` GtCO2/GtC):

    .. math::

        M_{t+1} &= B M_t + e_1\,\frac{\Delta}{\kappa} E^{tot}_t \\
        F_{t+1} &= F_{2x}\log_2(M^{AT}_{t+1}/M^{AT}_{eq}) + F^{EX} \\
        T^{AT}_{t+1} &= T^{AT}_t + c_1\big[F_{t+1} - \tfrac{F_{2x}}{S}T^{AT}_t
                                      - c_3(T^{AT}_t - T^{LO}_t)\big] \\
        T^{LO}_{t+1} &= T^{LO}_t + c_4(T^{AT}_t - T^{LO}_t)

    DICE's temperature equation uses the *new* forcing :math:`F_{t+1}`. Its
    CO2 part is computed here from :math:`M^{AT}_{t+1}` (auxiliary
    ``M_at_next``) exactly as in GAMS. Inputs are evaluated at the start of
    the step, so the non-CO2 part is :math:`F^{EX}(t)`, not GAMS's
    :math:`F^{EX}(t+\Delta)`; the two agree for a constant :math:`F^{EX}`. To
    reproduce GAMS exactly with DICE's rising path, pass
    ``dice2016_forcing_path(lead=5)`` (then the auxiliary ``F``, the forcing
    at :math:`t`, carries next period's non-CO2 part; ``F_next`` is exact).

    *Continuous time* (economics.md section 6.1):

    .. math::

        \dot M &= \tfrac{1}{\Delta}(B - I)M + e_1\,E^{tot}/\kappa \\
        C\,\dot T^{AT} &= F - \tfrac{F_{2x}}{S}T^{AT} - c_3(T^{AT} - T^{LO}), \qquad
        C_0\,\dot T^{LO} = c_3(T^{AT} - T^{LO}),

    with :math:`C = \Delta/c_1 = 49.7512` and :math:`C_0 = c_3\Delta/c_4 = 17.6`
    [W year m^-2 K^-1]. It does not reproduce the discrete map exactly
    (about 0.2 degC lower warming in 2100 on DICE's base emissions), because
    of DICE's 5-year timing.

    Defaults: 2015 initial stocks (851, 460, 1740) GtC, :math:`T^{AT} = 0.85`,
    :math:`T^{LO} = 0.0068`; :math:`F_{2x} = 3.6813` W/m^2, :math:`S = 3.1`,
    :math:`c_1 = 0.1005`, :math:`c_3 = 0.088`, :math:`c_4 = 0.025`,
    :math:`b_{12} = 0.12`, :math:`b_{23} = 0.007`, :math:`E = 35.85` GtCO2/year
    (DICE's ``e0``, 2015 industrial emissions). The parameter ``tstep``
    (:math:`\Delta`) must equal ``System.dt`` in the discrete map; it is not
    tunable.

    References
    ----------
    Nordhaus, W. D. (2017) "Revisiting the social cost of carbon", PNAS
    114(7):1518-1523.
    Nordhaus, W. D. (2018) DICE2016R3-112018-v8.gms (GAMS source of DICE-2016R3).
    """
    M_at = stock("M_at", "GtC", "atmospheric carbon", default=851.0, bounds=(0.0, None),
                 description="Carbon in the atmosphere", source=SRC + ": mat0 (2015)", latex=r"M^{AT}")
    M_up = stock("M_up", "GtC", "upper ocean and biosphere carbon", default=460.0, bounds=(0.0, None),
                 description="Carbon in the upper ocean and biosphere", source=SRC + ": mu0 (2015)", latex=r"M^{UP}")
    M_lo = stock("M_lo", "GtC", "deep ocean carbon", default=1740.0, bounds=(0.0, None),
                 description="Carbon in the deep ocean", source=SRC + ": ml0 (2015)", latex=r"M^{LO}")
    T_at = stock("T_at", "delta_degC", "atmospheric warming", default=0.85,
                 description="Atmosphere and upper ocean temperature above preindustrial",
                 source=SRC + ": tatm0 (2015)", latex=r"T^{AT}")
    T_lo = stock("T_lo", "delta_degC", "deep ocean warming", default=0.0068,
                 description="Deep ocean temperature above preindustrial", source=SRC + ": tocean0 (2015)",
                 latex=r"T^{LO}")
    E = lever("E", "GtCO2/year", "industrial CO2 emissions", default=35.85, bounds=(None, None),
              description="Industrial CO2 emissions (set by a policy or an emissions block)",
              source=SRC + ": e0, industrial emissions 2015")
    F_ex = exogenous("F_ex", "W/m^2", "non-CO2 forcing", default=0.5,
                     description="Exogenous forcing of other greenhouse gases; DICE's path is "
                                 "dice2016_forcing_path() (0.5 in 2015 to 1.0 in 2100)",
                     source=SRC + ": fex0 (2015 value)", latex=r"F^{EX}")
    b12 = param("b12", "dimensionless", "carbon flow atmosphere to upper ocean per period", default=0.12,
                bounds=(0.0, 1.0), source=SRC, latex=r"b_{12}")
    b23 = param("b23", "dimensionless", "carbon flow upper to deep ocean per period", default=0.007,
                bounds=(0.0, 1.0), source=SRC, latex=r"b_{23}")
    M_at_eq = param("M_at_eq", "GtC", "equilibrium (preindustrial) atmospheric carbon", default=588.0,
                    bounds=(100.0, 2000.0), source=SRC + ": mateq; also the forcing reference",
                    latex=r"M^{AT}_{eq}")
    M_up_eq = param("M_up_eq", "GtC", "equilibrium upper ocean carbon", default=360.0, bounds=(50.0, 5000.0),
                    source=SRC + ": mueq", latex=r"M^{UP}_{eq}")
    M_lo_eq = param("M_lo_eq", "GtC", "equilibrium deep ocean carbon", default=1720.0, bounds=(100.0, 50000.0),
                    source=SRC + ": mleq", latex=r"M^{LO}_{eq}")
    co2_per_c = param("co2_per_c", "GtCO2/GtC", "CO2 mass per carbon mass", default=3.666, bounds=(3.6, 3.7),
                      source=SRC + ": the 3.666 in mmat(t+1) (molar mass ratio 44/12)", tunable=False,
                      latex=r"\kappa")
    tstep = param("tstep", "year", "DICE period length", default=5.0, bounds=(0.1, 10.0), tunable=False,
                  description="Length of a DICE period, the unit of the per-period coefficients; must equal "
                              "System.dt in the discrete map", source=SRC + ": tstep", latex=r"\Delta")
    E_land0 = param("E_land0", "GtCO2/year", "land-use emissions in the base year", default=2.6,
                    bounds=(0.0, 10.0), source=SRC + ": eland0", latex=r"E^{land}_0")
    d_land = param("d_land", "dimensionless", "decline of land-use emissions per period", default=0.115,
                   bounds=(0.0, 1.0), source=SRC + ": deland", latex=r"d_{land}")
    t0 = param("t0", "year", "base year", default=2015.0, bounds=(1900.0, 2100.0), tunable=False,
               source=SRC + ": period 1 is 2015", latex=r"t_0")
    F2x = param("F2x", "W/m^2", "forcing of a CO2 doubling", default=3.6813, bounds=(2.0, 6.0),
                source=SRC + ": fco22x", latex=r"F_{2x}")
    S = param("S", "delta_degC", "equilibrium climate sensitivity", default=3.1, bounds=(1.0, 10.0),
              source=SRC + ": t2xco2", latex="S")
    c1 = param("c1", "delta_degC*m^2/W", "atmospheric temperature response per period", default=0.1005,
               bounds=(0.01, 1.0), source=SRC + ": c1", latex=r"c_1")
    c3 = param("c3", "W/m^2/delta_degC", "heat exchange atmosphere to deep ocean", default=0.088,
               bounds=(0.0, 1.0), source=SRC + ": c3", latex=r"c_3")
    c4 = param("c4", "dimensionless", "deep ocean temperature response per period", default=0.025,
               bounds=(0.0, 1.0), source=SRC + ": c4", latex=r"c_4")

    b11 = aux("b11", "dimensionless", "carbon retained in the atmosphere per period", latex=r"b_{11}")
    b21 = aux("b21", "dimensionless", "carbon flow upper ocean to atmosphere per period", latex=r"b_{21}")
    b22 = aux("b22", "dimensionless", "carbon retained in the upper ocean per period", latex=r"b_{22}")
    b32 = aux("b32", "dimensionless", "carbon flow deep to upper ocean per period", latex=r"b_{32}")
    b33 = aux("b33", "dimensionless", "carbon retained in the deep ocean per period", latex=r"b_{33}")
    E_land = aux("E_land", "GtCO2/year", "land-use CO2 emissions", latex=r"E^{land}")
    E_tot = aux("E_tot", "GtCO2/year", "total CO2 emissions", latex=r"E^{tot}")
    F = aux("F", "W/m^2", "radiative forcing", description="Forcing above preindustrial at t")

    log2 = sp.log(2)
    coeffs = {
        "b11": 1 - b12.sym,
        "b21": b12.sym * M_at_eq.sym / M_up_eq.sym,
        "b22": 1 - b21.sym - b23.sym,
        "b32": b23.sym * M_up_eq.sym / M_lo_eq.sym,
        "b33": 1 - b32.sym,
    }
    common = {
        **coeffs,
        "E_land": E_land0.sym * (1 - d_land.sym) ** ((t - t0.sym) / tstep.sym),
        "E_tot": E.sym + E_land.sym,
        "F": F2x.sym * sp.log(M_at.sym / M_at_eq.sym) / log2 + F_ex.sym,
    }
    variables = (M_at, M_up, M_lo, T_at, T_lo, E, F_ex, b12, b23, M_at_eq, M_up_eq, M_lo_eq, co2_per_c, tstep,
                 E_land0, d_land, t0, F2x, S, c1, c3, c4, b11, b21, b22, b32, b33, E_land, E_tot, F)
    # carbon flows per period (next value minus current value), shared by both forms
    dM_at = (b11.sym - 1) * M_at.sym + b21.sym * M_up.sym
    dM_up = b12.sym * M_at.sym + (b22.sym - 1) * M_up.sym + b32.sym * M_lo.sym
    dM_lo = b23.sym * M_up.sym + (b33.sym - 1) * M_lo.sym
    emis = E_tot.sym / co2_per_c.sym  # GtC/year
    lam_T = F2x.sym / S.sym
    if discrete:
        M_at_next = aux("M_at_next", "GtC", "atmospheric carbon next period", latex=r"M^{AT}_{t+1}")
        F_next = aux("F_next", "W/m^2", "radiative forcing next period",
                     description="Forcing entering the temperature update (DICE's F_{t+1})", latex=r"F_{t+1}")
        blk = Block(
            name="dice2016 climate (discrete)",
            variables=variables + (M_at_next, F_next),
            auxiliaries={
                **common,
                "M_at_next": b11.sym * M_at.sym + b21.sym * M_up.sym + tstep.sym * emis,
                "F_next": F2x.sym * sp.log(M_at_next.sym / M_at_eq.sym) / log2 + F_ex.sym,
            },
            updates={
                "M_at": M_at_next.sym,
                "M_up": b12.sym * M_at.sym + b22.sym * M_up.sym + b32.sym * M_lo.sym,
                "M_lo": b23.sym * M_up.sym + b33.sym * M_lo.sym,
                "T_at": T_at.sym + c1.sym * (F_next.sym - lam_T * T_at.sym - c3.sym * (T_at.sym - T_lo.sym)),
                "T_lo": T_lo.sym + c4.sym * (T_at.sym - T_lo.sym),
            },
            description="DICE-2016R carbon cycle and temperature, 5-year map (GAMS timing: T uses F_{t+1}).",
        )
        return combine(blk, name="dice2016_discrete", dt=5.0, description=dice2016_climate.__doc__.splitlines()[0],
                       origin={"factory": "model.library.dice2016:dice2016_climate", "kwargs": {"discrete": True}},
                   meta=ModelMeta(t_span=(2015.0, 2100.0)))
    C_at = aux("C_at", "W*year/m^2/delta_degC", "heat capacity of atmosphere and upper ocean", latex="C")
    C_lo = aux("C_lo", "W*year/m^2/delta_degC", "heat capacity of the deep ocean", latex=r"C_0")
    blk = Block(
        name="dice2016 climate (continuous)",
        variables=variables + (C_at, C_lo),
        auxiliaries={**common, "C_at": tstep.sym / c1.sym, "C_lo": c3.sym * tstep.sym / c4.sym},
        derivatives={
            "M_at": dM_at / tstep.sym + emis,
            "M_up": dM_up / tstep.sym,
            "M_lo": dM_lo / tstep.sym,
            "T_at": (F.sym - lam_T * T_at.sym - c3.sym * (T_at.sym - T_lo.sym)) / C_at.sym,
            "T_lo": c3.sym * (T_at.sym - T_lo.sym) / C_lo.sym,
        },
        description="Continuous-time equivalent of the DICE-2016R carbon cycle and two-box temperature model.",
    )
    return combine(blk, name="dice2016", description=dice2016_climate.__doc__.splitlines()[0],
                   origin={"factory": "model.library.dice2016:dice2016_climate", "kwargs": {"discrete": False}},
                   meta=ModelMeta(t_span=(2015.0, 2100.0)))

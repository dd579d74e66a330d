"""Climate damages: the DICE damage function with the Weitzman term, split between capital,
productivity growth and the level of capacity and labour productivity."""

from __future__ import annotations

from ...core.blocks import Block
from ...core.symbols import aux, param
from ._common import ASSUMED, DEFINE, GEMMES, ref

TABLE = "economics.md 11.15.5 (damage at 2/3/4/6 C for DICE-2016R, DICE-2023, Weitzman, DEFINE, Dietz-Stern)"


def damages() -> Block:
    r"""The damage share of output and its split.

    Notes
    -----
    .. math::

        D &= d_{sw}\Big(1 - \frac{1}{1 + \pi_1 x + \pi_2 x^2 + \pi_3 x^{\zeta_3}}\Big), \qquad x = T_{at}/T_1, \\
        D_K &= f_K D, \qquad D_P = f_P D, \qquad
        D_Y = 1 - \frac{1 - D}{(1 - D_K)(1 - D_P)}

    (GEMMES, DEFINE 1.1: the DICE quadratic with the Weitzman term, economics.md 7.1, 11.4b, 11.5).
    A share :math:`f_K` destroys capital: extra depreciation :math:`D_K/\tau_D` a year (GEMMES,
    :math:`\delta_D = \delta + D_K`); a share :math:`f_P` slows productivity growth by
    :math:`D_P/\tau_D` a year (the Dietz & Stern 2015 growth channel); the rest, :math:`D_Y`, lowers
    capacity and labour productivity (supply block). Demand is scaled by :math:`1 - D` (DEFINE 1.1
    scales consumption and investment demand; households and investment blocks), so that damages
    lower demand-led output too. :math:`\tau_D` = 1 year: damage shares are annual losses.
    """
    pi1 = param("pi1", "dimensionless", "linear damage coefficient", default=0.0, bounds=(0.0, 0.05),
                source="DICE-2016R a1 = 0; GEMMES pi1 = 0; DEFINE eta1 = 0 (economics.md 11.5, 11.9)", latex=r"\pi_1")
    pi2 = param("pi2", "dimensionless", "quadratic damage coefficient", default=0.00236, bounds=(0.0, 0.01),
                source="DICE-2016R a2 = 0.00236 [V] (economics.md 11.9); DICE-2023 0.003467, DEFINE 0.00284; "
                       "test grid up to 0.01 (" + TABLE + ")", latex=r"\pi_2")
    pi3 = param("pi3", "dimensionless", "Weitzman damage coefficient", default=5.07e-6, bounds=(0.0, 1e-4),
                source=GEMMES + ": pi3 = 5.07e-6 (Weitzman) or 8.19e-5 (called Dietz-Stern in 11.5 and "
                       "Weitzman in 7.1: both cited); DEFINE 1.75e-5", latex=r"\pi_3")
    zeta3 = param("zeta3", "dimensionless", "exponent of the Weitzman term", default=6.754, bounds=(2.0, 10.0),
                  tunable=False, source=GEMMES + "; Weitzman (2012): 6.754", latex=r"\zeta_3")
    T_1 = param("T_1", "delta_degC", "unit of warming in the damage function", default=1.0, bounds=(0.5, 2.0),
                tunable=False, source="normalisation: the coefficients are per degree C", latex="T_1")
    f_K = param("f_K", "dimensionless", "share of damages destroying capital", default=1 / 3, bounds=(0.0, 1.0),
                source=GEMMES + ": f_K = 1/3", latex=r"f_K")
    f_P = param("f_P", "dimensionless", "share of damages slowing productivity growth", default=0.1,
                bounds=(0.0, 0.5), source=DEFINE + ": productivity share p = 0.1 [V], applied to growth as Dietz & "
                "Stern (2015) do (their shares are not in economics.md: " + ASSUMED + ")", latex=r"f_P")
    tau_D = param("tau_D", "year", "period of an annual damage", default=1.0, bounds=(0.5, 5.0), tunable=False,
                  source="GEMMES applies D_K as a depreciation rate per year", latex=r"\tau_D")
    d_sw = param("d_sw", "dimensionless", "climate damages switch", default=1.0, bounds=(0.0, 1.0),
                 tunable=False, source="1 = damages on, 0 = off", latex=r"d_{sw}")
    D = aux("D_dmg", "dimensionless", "damage share of output", latex="D")
    D_K = aux("D_K", "dimensionless", "damage to capital (share of the stock a year)", latex=r"D_K")
    D_P = aux("D_P", "dimensionless", "damage to productivity growth (share a year)", latex=r"D_P")
    D_Y = aux("D_Y", "dimensionless", "damage to capacity and labour productivity", latex=r"D_Y")
    T_at = ref("T_at")
    x = T_at / T_1.sym
    return Block(
        name="damages",
        variables=(pi1, pi2, pi3, zeta3, T_1, f_K, f_P, tau_D, d_sw, D, D_K, D_P, D_Y),
        auxiliaries={
            "D_dmg": d_sw.sym * (1 - 1 / (1 + pi1.sym * x + pi2.sym * x ** 2 + pi3.sym * x ** zeta3.sym)),
            "D_K": f_K.sym * D.sym,
            "D_P": f_P.sym * D.sym,
            "D_Y": 1 - (1 - D.sym) / ((1 - D_K.sym) * (1 - D_P.sym)),
        },
        description="Climate damages (DICE with the Weitzman term) split between capital, productivity growth "
                    "and the level of capacity and labour productivity.",
    )

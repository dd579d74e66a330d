"""Labour: wage share (Phillips curve with bargaining power), employment, productivity."""

from __future__ import annotations

from ..block import Block
from ..symbols import aux, lever, param, stock
from ._common import ASSUMED, ESSAY, ref


def labour() -> Block:
    r"""Wage share, labour productivity (Kaldor-Verdoorn) and labour force.

    Notes
    -----
    .. math::

        \lambda = \frac{Y}{aN}, \quad
        \dot\omega = \omega\,[\phi_0 + \phi_1\lambda + b_w - \alpha], \quad
        \alpha = \alpha_0 + \alpha_{KV}(g_K - \bar g) + \alpha_A (g_A - \bar g_A), \quad
        \dot a = \alpha a, \quad \dot N = nN

    A linear real-wage Phillips curve (Goodwin 1967; GEMMES, Bovari et al.
    2018) shifted by the wage floor :math:`b_w` attached to public support and
    procurement (a bargaining-power shift, economics.md sec. 9). Productivity
    growth follows capital accumulation (Kaldor-Verdoorn) and knowledge growth.
    """
    omega = stock("omega", "dimensionless", "wage share", default=0.58, bounds=(0.0, None),
                  source="economics.md sec. 9: PWT labsh 0.597, BEA comp/GDI 0.533 (US 2019)", latex=r"\omega")
    a = stock("a", "TUSD/year/Mworker", "labour productivity", default=24.0 / (0.96 * 170.0), bounds=(0.0, None),
              source="Y = 24 TUSD/yr, employment 0.96 x 170 M (US 2025) [R]")
    N = stock("N", "Mworker", "labour force", default=170.0, bounds=(0.0, None),
              source="US civilian labour force about 170 million (BLS, 2025) [R]")
    phi1 = param("phi1", "1/year", "Phillips curve slope", default=0.5, bounds=(0.0, 5.0),
                 source="GEMMES (Bovari et al. 2018): 0.4688", latex=r"\phi_1")
    phi0 = param("phi0", "1/year", "Phillips curve intercept", default=0.015 - 0.5 * 0.96, bounds=(-2.0, 1.0),
                 source="set so that the wage share is stationary at 96% employment with 1.5%/yr productivity "
                        "growth", latex=r"\phi_0")
    alpha0 = param("alpha0", "1/year", "trend labour productivity growth", default=0.015, bounds=(0.0, 0.05),
                   source="US labour productivity growth about 1.5%/yr since 2005 (BLS) [R]", latex=r"\alpha_0")
    alpha_KV = param("alpha_KV", "dimensionless", "Kaldor-Verdoorn coefficient", default=0.5, bounds=(0.0, 1.0),
                     source="Kaldor-Verdoorn coefficients about 0.5 in the literature [R]; " + ASSUMED,
                     latex=r"\alpha_{KV}")
    alpha_A = param("alpha_A", "dimensionless", "productivity response to knowledge growth", default=0.3,
                    bounds=(0.0, 1.0), source=ASSUMED, latex=r"\alpha_A")
    g_ref = param("g_ref", "1/year", "reference capital growth", default=0.02, bounds=(-0.05, 0.1),
                  source="2025 value (set by the model factory)", latex=r"\bar g")
    gA_ref = param("gA_ref", "1/year", "reference knowledge growth", default=0.02, bounds=(-0.05, 0.2),
                   source="2025 value (set by the model factory)", latex=r"\bar g_A")
    n = param("n", "1/year", "labour force growth", default=0.005, bounds=(-0.02, 0.05),
              source="US labour force growth about 0.5%/yr (CBO projection) [R]")
    wage_floor = lever("wage_floor", "1/year", "wage-floor shift of wage growth", default=0.0, bounds=(-0.05, 0.05),
                       description="Bargaining-power shift of real wage growth from wage conditions on supported "
                                   "firms and procurement", source=ESSAY, latex=r"b_w")
    lam = aux("lam", "dimensionless", "employment rate", latex=r"\lambda")
    phillips = aux("phillips", "1/year", "real wage growth (Phillips curve)", latex=r"\Phi")
    alpha = aux("alpha", "1/year", "labour productivity growth", latex=r"\alpha")
    g_K = aux("g_K", "1/year", "private capital growth", latex=r"g_K")
    Y, K, I_p, delta_K, g_A = ref("Y", "K", "I_p", "delta_K", "g_A")
    return Block(
        name="labour",
        variables=(omega, a, N, phi0, phi1, alpha0, alpha_KV, alpha_A, g_ref, gA_ref, n, wage_floor, lam, phillips,
                   alpha, g_K),
        auxiliaries={
            "lam": Y / (a.sym * N.sym),
            "phillips": phi0.sym + phi1.sym * lam.sym + wage_floor.sym,
            "g_K": I_p / K - delta_K,
            "alpha": alpha0.sym + alpha_KV.sym * (g_K.sym - g_ref.sym) + alpha_A.sym * (g_A - gA_ref.sym),
        },
        derivatives={
            "omega": omega.sym * (phillips.sym - alpha.sym),
            "a": alpha.sym * a.sym,
            "N": n.sym * N.sym,
        },
        description="Wage share with a Phillips curve and bargaining power, employment, Kaldor-Verdoorn "
                    "productivity, labour force.",
    )

"""Labour: wage share (Phillips curve with bargaining power), employment, productivity."""

from __future__ import annotations

from ...core.blocks import Block
from ...core.symbols import aux, lever, param, stock
from ._common import ASSUMED, ESSAY, ref

GEMMES = "Bovari, Giraud & Mc Isaac (2018), Ecol. Econ. 147 (GEMMES)"


def labour() -> Block:
    r"""Wage share, labour productivity (Kaldor-Verdoorn) and labour force.

    Notes
    -----
    .. math::

        \lambda &= \frac{Y}{aN}, \qquad i = \eta_p(m\,\omega - 1), \\
        \dot\omega &= \omega\,[\phi_0 + \phi_1\lambda + b_w - \alpha - (1-\gamma_p)\,i], \\
        \alpha &= \alpha_0 + \alpha_{KV}(g_K - \bar g) + \alpha_A (g_A - \bar g_A), \qquad \dot a = \alpha a, \\
        \dot N &= N\,[n + n_\lambda(\lambda - \bar\lambda)]

    * Wage bargaining: a linear real-wage Phillips curve (Goodwin 1967;
      GEMMES) shifted by the wage floor :math:`b_w` attached to public support
      and procurement (a bargaining-power shift, economics.md sec. 9).
    * Price setting (conflicting claims): firms raise prices when unit labour
      costs exceed the level their mark-up :math:`m` targets,
      :math:`i = \eta_p(m\omega - 1)`, and workers recover a share
      :math:`\gamma_p` of inflation (money illusion), so the wage share
      obeys :math:`\hat\omega = \Phi(\lambda) + b_w - \alpha - (1-\gamma_p)i`
      (Grasselli & Nguyen Huu 2015; GEMMES; economics.md sec. 9). This is
      what keeps the wage share bounded in a demand-led model, where
      distribution does not feed back on long-run growth (Rowthorn 1977;
      Lavoie 2014, ch. 8).
    * Productivity growth follows capital accumulation (Kaldor-Verdoorn) and
      knowledge growth.
    * Labour supply responds to labour demand (participation and migration;
      Blanchard & Katz 1992 find regional employment shocks absorbed by
      migration within about a decade), so that in a demand-led model the
      employment rate is pinned in the long run (Dutt 2006; Nah & Lavoie 2019).
    """
    omega = stock("omega", "dimensionless", "wage share", default=0.58, bounds=(0.0, None),
                  source="economics.md sec. 9: PWT labsh 0.597, BEA comp/GDI 0.533 (US 2019)", latex=r"\omega")
    a = stock("a", "TUSD/year/Mworker", "labour productivity", default=24.0 / (0.96 * 170.0), bounds=(0.0, None),
              source="Y = 24 TUSD/yr, employment 0.96 x 170 M (US 2025) [R]")
    N = stock("N", "Mworker", "labour force", default=170.0, bounds=(0.0, None),
              source="US civilian labour force about 170 million (BLS, 2025) [R]")
    phi1 = param("phi1", "1/year", "Phillips curve slope", default=0.5, bounds=(0.0, 5.0),
                 source="GEMMES (Bovari et al. 2018): 0.4688", latex=r"\phi_1")
    phi0 = param("phi0", "1/year", "Phillips curve intercept", default=-0.46, bounds=(-2.0, 1.0),
                 source="set by the model factory so that the start wage share is stationary at lam_ref",
                 latex=r"\phi_0")
    eta_p = param("eta_p", "1/year", "speed of price adjustment", default=0.192, bounds=(0.0, 2.0),
                  source=GEMMES + ": 0.192", latex=r"\eta_p")
    mu = param("markup", "dimensionless", "firms' target mark-up on unit labour costs", default=1.875,
               bounds=(1.0, 3.0), source=GEMMES + ": 1.875 (target wage share 1/m = 0.533, US comp/GDI 2019)",
               latex="m")
    gamma_p = param("gamma_p", "dimensionless", "share of inflation recovered in wage bargaining",
                    default=0.5, bounds=(0.0, 1.0),
                    source="GEMMES versions use 0.5 and 0.9 (Grasselli's estimate); 0.5 " + ASSUMED,
                    latex=r"\gamma_p")
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
    n = param("n", "1/year", "trend labour force growth", default=0.005, bounds=(-0.02, 0.05),
              source="US labour force growth about 0.5%/yr (CBO projection) [R]")
    n_lam = param("n_lam", "1/year", "labour supply response to the employment rate", default=0.1,
                  bounds=(0.0, 1.0), source="Blanchard & Katz (1992), BPEA: employment shocks absorbed by "
                                            "migration and participation within about a decade; " + ASSUMED,
                  latex=r"n_\lambda")
    lam_ref = ref("lam_ref")
    wage_floor = lever("wage_floor", "1/year", "wage-floor shift of wage growth", default=0.0, bounds=(-0.05, 0.05),
                       description="Bargaining-power shift of real wage growth from wage conditions on supported "
                                   "firms and procurement", source=ESSAY, latex=r"b_w")
    lam = aux("lam", "dimensionless", "employment rate", latex=r"\lambda")
    phillips = aux("phillips", "1/year", "real wage growth (Phillips curve)", latex=r"\Phi")
    inflation = aux("inflation", "1/year", "price inflation", latex="i")
    alpha = aux("alpha", "1/year", "labour productivity growth", latex=r"\alpha")
    g_K = aux("g_K", "1/year", "private capital growth", latex=r"g_K")
    g_N = aux("g_N", "1/year", "labour force growth", latex=r"g_N")
    Y, K, I_p, delta_K, g_A = ref("Y", "K", "I_p", "delta_K", "g_A")
    return Block(
        name="labour",
        variables=(omega, a, N, phi0, phi1, eta_p, mu, gamma_p, alpha0, alpha_KV, alpha_A, g_ref, gA_ref, n, n_lam,
                   wage_floor, lam, phillips, inflation, alpha, g_K, g_N),
        auxiliaries={
            "lam": Y / (a.sym * N.sym),
            "phillips": phi0.sym + phi1.sym * lam.sym + wage_floor.sym,
            "inflation": eta_p.sym * (mu.sym * omega.sym - 1),
            "g_K": I_p / K - delta_K,
            "alpha": alpha0.sym + alpha_KV.sym * (g_K.sym - g_ref.sym) + alpha_A.sym * (g_A - gA_ref.sym),
            "g_N": n.sym + n_lam.sym * (lam.sym - lam_ref),
        },
        derivatives={
            "omega": omega.sym * (phillips.sym - alpha.sym - (1 - gamma_p.sym) * inflation.sym),
            "a": alpha.sym * a.sym,
            "N": g_N.sym * N.sym,
        },
        description="Wage share with a Phillips curve, bargaining power and mark-up pricing, employment, "
                    "Kaldor-Verdoorn productivity, labour supply.",
    )

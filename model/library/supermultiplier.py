"""Sraffian supermultiplier (Serrano 1995; Freitas & Serrano 2015)."""

from __future__ import annotations

from ..core.blocks import Block
from ..core.metadata import ModelMeta
from ..core.symbols import aux, param, stock
from ..core.system import System, combine

TEST_CASE = "economics.md section 3, test case (illustrative, not a calibration)"
STEADY = "near the steady state of the default parameters (h* = 0.175, K = v Y / u_n); Z normalised to 1"


def supermultiplier() -> System:
    r"""The Sraffian supermultiplier: growth led by autonomous demand, induced investment.

    Returns
    -------
    System
        Stocks ``Z`` [USD/year], ``K`` [USD] and ``h`` [dimensionless];
        auxiliaries for output, utilisation, growth rates and the demand
        components; the demand identity :math:`Y = C + I + Z`.

    Notes
    -----
    .. math::

        Y &= \frac{Z}{s-h}, \qquad u = \frac{vY}{K}, \qquad
        C = (1-s)Y, \qquad I = hY \\
        \dot Z &= g_Z Z, \qquad \dot K = hY - \delta K, \qquad
        \dot h = h\,\gamma\,(u - u_n)

    Identities: :math:`g_K = hu/v - \delta`, :math:`g_Y = g_Z + \dot h/(s-h)`
    and :math:`\dot u/u = g_Y - g_K`.

    Steady state: :math:`u^* = u_n`, :math:`g_Y = g_K = g_Z` and
    :math:`h^* = v(g_Z+\delta)/u_n`; the level multiplier is
    :math:`Y/Z = 1/(s-h^*)`. Linearising the :math:`(h, u)` subsystem gives
    determinant :math:`h^*\gamma u_n^2/v > 0` and trace
    :math:`u_n h^*[\gamma/(s-h^*) - 1/v]`, so the steady state is stable iff
    :math:`\gamma v < s - h^*`. With the defaults (:math:`s=0.5, v=2,
    \delta=0.04, u_n=0.8, g_Z=0.03, \gamma=0.05`): :math:`h^* = 0.175`,
    :math:`Y/Z = 3.076923`, threshold :math:`\gamma^* = 0.1625`, eigenvalues
    :math:`-0.024231 \pm 0.047041i`.

    References
    ----------
    Serrano, F. (1995) "Long period effective demand and the Sraffian
    supermultiplier", Contributions to Political Economy 14:67-90.
    Freitas, F. & Serrano, F. (2015) "Growth rate and level effects, the
    stability of the adjustment of capacity to demand and the Sraffian
    supermultiplier", Review of Political Economy 27(3).
    """
    Z = stock("Z", "USD/year", "autonomous demand", default=1.0, bounds=(0.0, None),
              description="Autonomous, non-capacity-creating demand (government, exports, autonomous "
                          "consumption, mission spending); normalised", source=STEADY)
    s = param("s", "dimensionless", "marginal propensity to leak (save, tax, import)", default=0.5,
              bounds=(0.0, 1.0), source=TEST_CASE)
    v = param("v", "year", "normal capital to capacity ratio", default=2.0, bounds=(0.5, 10.0), source=TEST_CASE)
    u_n = param("u_n", "dimensionless", "normal rate of capacity utilisation", default=0.8, bounds=(0.1, 1.0),
                source=TEST_CASE, latex=r"u_n")
    h_star_default = 2.0 * (0.03 + 0.04) / 0.8
    K = stock("K", "USD", "capital stock", default=2.0 * 1.0 / ((0.5 - h_star_default) * 0.8), bounds=(0.0, None),
              description="Productive capital", source=STEADY)
    h = stock("h", "dimensionless", "marginal propensity to invest", default=h_star_default, bounds=(0.0, 1.0),
              description="Induced investment share of output", source=STEADY)
    delta = param("delta", "1/year", "depreciation rate", default=0.04, bounds=(0.0, 0.2), source=TEST_CASE,
                  latex=r"\delta")
    g_Z = param("g_Z", "1/year", "autonomous demand growth", default=0.03, bounds=(-0.05, 0.1), source=TEST_CASE,
                latex=r"g_Z")
    gamma = param("gamma", "1/year", "accelerator reaction speed", default=0.05, bounds=(0.0, 1.0),
                  source=TEST_CASE, latex=r"\gamma")
    Y = aux("Y", "USD/year", "output", description="Demand-determined output, Z/(s-h) (supermultiplier)")
    C = aux("C", "USD/year", "induced consumption")
    I_ = aux("I_ind", "USD/year", "induced investment", latex="I")
    u = aux("u", "dimensionless", "capacity utilisation", latex="u")
    h_dot = aux("h_dot", "1/year", "change in the propensity to invest", latex=r"\dot h")
    g_K = aux("g_K", "1/year", "capital growth rate", latex=r"g_K")
    g_Y = aux("g_Y", "1/year", "output growth rate", latex=r"g_Y")
    h_star = aux("h_star", "dimensionless", "steady-state propensity to invest", latex=r"h^*")
    b = Block(
        name="supermultiplier",
        variables=(Z, K, h, s, v, u_n, delta, g_Z, gamma, Y, C, I_, u, h_dot, g_K, g_Y, h_star),
        auxiliaries={
            "Y": Z.sym / (s.sym - h.sym),
            "C": (1 - s.sym) * Y.sym,
            "I_ind": h.sym * Y.sym,
            "u": v.sym * Y.sym / K.sym,
            "h_dot": h.sym * gamma.sym * (u.sym - u_n.sym),
            "g_K": h.sym * u.sym / v.sym - delta.sym,
            "g_Y": g_Z.sym + h_dot.sym / (s.sym - h.sym),
            "h_star": v.sym * (g_Z.sym + delta.sym) / u_n.sym,
        },
        derivatives={
            "Z": g_Z.sym * Z.sym,
            "K": I_.sym - delta.sym * K.sym,
            "h": h_dot.sym,
        },
        identities={"demand": Y.sym - (C.sym + I_.sym + Z.sym)},
        description="Autonomous demand, flexible accelerator and capacity (Sraffian supermultiplier).",
    )
    return combine(b, name="supermultiplier", description=supermultiplier.__doc__.splitlines()[0],
                   origin={"factory": "model.library.supermultiplier:supermultiplier", "kwargs": {}},
                   meta=ModelMeta(t_span=(0.0, 400.0)))

"""Demand-led output: the Sraffian supermultiplier with public spending as autonomous demand."""

from __future__ import annotations

import sympy as sp

from ...core.blocks import Block
from ...core.symbols import aux, param, stock
from ._common import ASSUMED, ref

FS = "Freitas & Serrano (2015), Rev. Political Econ. 27(3); Serrano (1995), Contrib. Political Econ. 14"


def demand() -> Block:
    r"""Output, capacity and utilisation.

    Notes
    -----
    Autonomous, non-capacity-creating demand :math:`Z` (autonomous consumption,
    exports and government consumption) grows at :math:`g_Z` [Serrano 1995],
    less when monetary policy is tight: its credit-financed part is
    interest-sensitive, :math:`\dot Z = [g_Z - \psi_Z(r_{cb} - r_0)]Z`. This is the
    channel through which monetary policy anchors employment in the long run
    (in the supermultiplier, level effects on the investment share are undone
    by the accelerator).
    Public investment :math:`I_G` and public capability spending :math:`G_{cap}`
    are autonomous too: policy sets them as shares of trend output
    :math:`Y_T = Z/z_T`, the output path autonomous demand traces (budgets are
    set in proportion to potential output; tying them to capacity or current
    output would make them induced demand and, with the accelerator, break the
    supermultiplier's stability condition :math:`s - h - \gamma_u v > 0`). Consumption
    leaks a share :math:`s` of income, larger out of profits than out of wages
    (Bhaduri & Marglin 1990), and firms spend a share :math:`h` of output on
    investment (``h_eff``, private investment block), so

    .. math::

        Y = \frac{Z + I_G + G_{cap} - (1-s_w)T_B}{s - h_{eff}}, \qquad s = s_w\omega + s_\pi(1-\omega),
        \qquad Y_{cap} = K/v, \qquad u = Y/Y_{cap},

    with the demand identity :math:`Y = C + I_p + I_G + G_{cap} + Z`,
    :math:`C = (1-s)Y - (1-s_w)T_B`, :math:`I_p = h_{eff}Y` (checked on every run). :math:`T_B` is the
    debt-stabilising tax (public finance block), paid out of wages.
    """
    Z = stock("Z", "TUSD/year", "autonomous demand", default=4.5, bounds=(0.0, None),
              description="Autonomous consumption, exports and government consumption (2025 value set by the "
                          "model factory from the supermultiplier)", source=FS)
    g_Z = param("g_Z", "1/year", "growth of autonomous demand", default=0.02, bounds=(-0.02, 0.06),
                source="economics.md sec. 10: US real GDP growth 2.40%/yr 1990-2019; 2.0%/yr chosen to equal "
                       "productivity plus labour-force growth at the defaults", latex="g_Z")
    psi_Z = param("psi_Z", "dimensionless", "response of autonomous demand growth to the real policy rate",
                  default=0.5, bounds=(0.0, 3.0),
                  source="credit-financed autonomous consumption and residential investment are interest-sensitive "
                         "(Pariboni 2016, CJE 40(1); Fagundes & Freitas 2017); size " + ASSUMED, latex=r"\psi_Z")
    s_w = param("s_w", "dimensionless", "leakage out of wage income", default=0.4, bounds=(0.0, 1.0),
                source=ASSUMED + "; equal to s_pi by default (distribution-neutral consumption). Onaran & "
                                 "Galanis (2014) find US demand wage-led (s_w < s_pi); with the steep Phillips "
                                 "curve and no monetary reaction that regime is explosive here", latex=r"s_w")
    s_pi = param("s_pi", "dimensionless", "leakage out of profit income", default=0.4, bounds=(0.0, 1.0),
                 source=ASSUMED + "; Z/Y = 0.19 in 2025 with h = 0.17", latex=r"s_\pi")
    v = param("v", "year", "capital to capacity ratio", default=1.9, bounds=(0.5, 6.0),
              source="set by the model factory so that the start-year investment share, depreciation and "
                     "autonomous-demand growth are a steady state at normal utilisation, v = u_n h / (g_Z + "
                     "delta): 1.94 with h = 0.17, delta = 0.05, g_Z = 0.02, u_n = 0.8 (K/Y = 2.4)", latex="v")
    g_Z_eff = aux("g_Z_eff", "1/year", "growth of autonomous demand", latex=r"g_{Z}^{eff}")
    s = aux("s", "dimensionless", "leakage rate out of income")
    Y = aux("Y", "TUSD/year", "output (GDP)")
    C = aux("C", "TUSD/year", "consumption")
    z_T = param("z_T", "dimensionless", "autonomous demand share of trend output", default=0.19, bounds=(0.01, 1.0),
                source="2025 value (set by the model factory: Z / Y in 2025)", latex=r"z_T")
    Y_T = aux("Y_T", "TUSD/year", "trend output", latex=r"Y_T",
              description="Output on the trend set by autonomous demand, Z / z_T (the 'potential output' in which "
                          "budgets are set)")
    Y_cap = aux("Y_cap", "TUSD/year", "capacity output", latex=r"Y_{cap}")
    u = aux("u", "dimensionless", "capacity utilisation")
    omega, h_eff, K_g, K_b, I_G, G_cap, I_p, T_B = ref("omega", "h_eff", "K_g", "K_b", "I_G", "G_cap", "I_p", "T_B")
    r_cb, r0 = ref("r_cb", "r0")
    return Block(
        name="demand",
        variables=(Z, g_Z, psi_Z, g_Z_eff, s_w, s_pi, v, z_T, s, Y, C, Y_T, Y_cap, u),
        derivatives={"Z": g_Z_eff.sym * Z.sym},
        auxiliaries={
            "g_Z_eff": g_Z.sym - psi_Z.sym * (r_cb - r0),
            "s": s_w.sym * omega + s_pi.sym * (1 - omega),
            "Y": (Z.sym + I_G + G_cap - (1 - s_w.sym) * T_B) / (s.sym - h_eff),
            "C": (1 - s.sym) * Y.sym - (1 - s_w.sym) * T_B,
            "Y_T": Z.sym / z_T.sym,
            "Y_cap": (K_g + K_b) / v.sym,
            "u": Y.sym / Y_cap.sym,
        },
        identities={"demand": sp.Eq(Y.sym, C.sym + I_p + I_G + G_cap + Z.sym)},
        description="Demand-led output (Sraffian supermultiplier) with public investment and capability "
                    "spending as autonomous demand.",
    )

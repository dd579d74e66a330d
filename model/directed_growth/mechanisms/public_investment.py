"""Public investment: appropriations, time to build, outlays, mission direction, public capital."""

from __future__ import annotations

from ...core.blocks import Block
from ...core.symbols import aux, lever, param, stock
from ._common import ASSUMED, ref

LWY = ("Leeper, Walker & Yang (2010), JME 57(8): implementation delays of public capital (length [U], "
       "economics.md 11.13)")


def public_investment() -> Block:
    r"""Public investment through a time-to-build pipeline into public capital.

    Notes
    -----
    .. math::

        A_G = i_G Y_T + CI_G, \quad \dot{WIP}_G = A_G - I_G, \quad I_G = WIP_G/\tau_B, \quad
        \dot K_{Gm} = m I_G - \delta_G K_{Gm}, \quad \dot K_{Go} = (1-m) I_G - \delta_G K_{Go}

    Policy sets appropriations :math:`A_G`, a share :math:`i_G` of trend output plus the carbon
    revenue assigned to green investment; outlays follow with a mean delay :math:`\tau_B` (projects
    take years to plan and build: Leeper, Walker & Yang 2010), and public capital is built from
    outlays. :math:`m` is the mission direction, the share of public investment directed at
    missions. :math:`WIP_G` (appropriated, not yet spent) is a commitment, not a balance-sheet item.
    """
    WIP_G = stock("WIP_G", "TUSD", "public investment pipeline (appropriated, not yet spent)", default=1.6,
                  bounds=(0.0, None), source="start value: the pipeline of a steady appropriation path (set by the "
                                              "model factory)", latex=r"WIP_G")
    K_Gm = stock("K_Gm", "TUSD", "mission public capital", default=1.4, bounds=(0.0, None),
                 source="10% of public capital assumed mission-directed at the start; " + ASSUMED, latex=r"K_{Gm}")
    K_Go = stock("K_Go", "TUSD", "other public capital", default=12.8, bounds=(0.0, None),
                 source="economics.md 11.12: US public capital 0.59 of GDP (ICSD, 2019) [V]", latex=r"K_{Go}")
    i_G = lever("i_G", "dimensionless", "public investment rate", default=0.035, bounds=(0.0, 0.2),
                description="Public investment appropriations as a share of trend output",
                source="economics.md 11.12: US public investment 3.5% of GDP (ICSD, 2019) [V]", latex=r"i_G")
    m = lever("mission_share", "dimensionless", "mission direction of public investment", default=0.10,
              bounds=(0.0, 1.0), source=ASSUMED, latex="m")
    tau_B = param("tau_B", "year", "mean time to build public capital", default=2.0, bounds=(0.1, 6.0),
                  source=LWY + "; 2 years " + ASSUMED + ", prior [0.25, 4]", latex=r"\tau_B")
    delta_G = param("delta_G", "1/year", "depreciation of public capital", default=0.04, bounds=(None, None),
                    tunable=False,
                    source="set by the model factory so that public capital grows with the economy at the start "
                           "(BEA government fixed assets about 4%/yr [R])", latex=r"\delta_G")
    A_G = aux("A_G", "TUSD/year", "public investment appropriations", latex=r"A_G")
    I_G = aux("I_G", "TUSD/year", "public investment outlays", latex="I_G")
    I_Gm = aux("I_Gm", "TUSD/year", "mission public investment", latex=r"I_{Gm}")
    K_G = aux("K_G", "TUSD", "public capital", latex=r"K_G")
    k_Gm = aux("k_Gm", "dimensionless", "mission public capital per unit of private capital", latex=r"k_{Gm}")
    Y_T, K, CI_G = ref("Y_T", "K", "CI_G")
    return Block(
        name="public investment",
        variables=(WIP_G, K_Gm, K_Go, i_G, m, tau_B, delta_G, A_G, I_G, I_Gm, K_G, k_Gm),
        auxiliaries={"A_G": i_G.sym * Y_T + CI_G, "I_G": WIP_G.sym / tau_B.sym, "I_Gm": m.sym * I_G.sym,
                     "K_G": K_Gm.sym + K_Go.sym, "k_Gm": K_Gm.sym / K},
        derivatives={"WIP_G": A_G.sym - I_G.sym,
                     "K_Gm": I_Gm.sym - delta_G.sym * K_Gm.sym,
                     "K_Go": I_G.sym - I_Gm.sym - delta_G.sym * K_Go.sym},
        description="Public investment appropriations, time to build, outlays and mission direction; public "
                    "capital stocks.",
    )

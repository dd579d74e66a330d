"""Public investment and its mission direction."""

from __future__ import annotations

from ...core.blocks import Block
from ...core.symbols import aux, lever, param, stock
from ._common import ASSUMED, ref


def public_investment() -> Block:
    r"""Public capital, split into mission-directed (green) and other public capital.

    Notes
    -----
    .. math::

        I_G = i_G Y_T,\quad \dot K_{Gm} = m I_G - \delta_G K_{Gm},\quad
        \dot K_{Go} = (1-m) I_G - \delta_G K_{Go},\quad k_{Gm} = K_{Gm}/K

    Public investment is set as a share :math:`i_G` of trend output (demand
    block; not of current or capacity output, which would make it induced demand); :math:`m` is the
    mission direction, the share of public investment directed at missions.
    """
    K_Gm = stock("K_Gm", "TUSD", "mission public capital", default=1.4, bounds=(0.0, None),
                 source="10% of public capital (0.6 x GDP) assumed mission-directed in 2025; " + ASSUMED,
                 latex=r"K_{Gm}")
    K_Go = stock("K_Go", "TUSD", "other public capital", default=13.0, bounds=(0.0, None),
                 source="public capital about 0.6 x GDP (BEA fixed assets, government, net) [R]", latex=r"K_{Go}")
    i_G = lever("i_G", "dimensionless", "public investment rate", default=0.035, bounds=(0.0, 0.2),
                description="Public investment as a share of trend output",
                source="economics.md sec. 10: US government gross investment about 3.5-4% of GDP in the 2010s",
                latex=r"i_G")
    m = lever("mission_share", "dimensionless", "mission direction of public investment", default=0.10,
              bounds=(0.0, 1.0), source=ASSUMED, latex="m")
    delta_G = param("delta_G", "1/year", "depreciation of public capital", default=0.04, bounds=(0.0, 0.2),
                    source="BEA government fixed assets, about 4%/yr [R]", latex=r"\delta_G")
    I_G = aux("I_G", "TUSD/year", "public investment", latex="I_G")
    I_Gm = aux("I_Gm", "TUSD/year", "mission public investment", latex=r"I_{Gm}")
    k_Gm = aux("k_Gm", "dimensionless", "mission public capital per unit of private capital", latex=r"k_{Gm}")
    Y_T, K_g, K_b = ref("Y_T", "K_g", "K_b")
    return Block(
        name="public investment",
        variables=(K_Gm, K_Go, i_G, m, delta_G, I_G, I_Gm, k_Gm),
        auxiliaries={"I_G": i_G.sym * Y_T, "I_Gm": m.sym * I_G.sym, "k_Gm": K_Gm.sym / (K_g + K_b)},
        derivatives={"K_Gm": I_Gm.sym - delta_G.sym * K_Gm.sym,
                     "K_Go": I_G.sym - I_Gm.sym - delta_G.sym * K_Go.sym},
        description="Public investment rate and mission direction; public capital stocks.",
    )

"""Public capability: the state's capacity to direct investment."""

from __future__ import annotations

from ...core.blocks import Block
from ...core.symbols import aux, lever, param, stock
from ._common import ASSUMED, ESSAY, ref


def public_capability() -> Block:
    r"""Capability built by investment in the public sector and eroded by cuts.

    Notes
    -----
    .. math::

        G_{cap} = i_{cap} Y_{cap}, \qquad \dot{Cap} = \rho_{cap}\,(i_{cap}/\bar i_{cap} - Cap)

    :math:`Cap = 1` is the 2025 capability, sustained by spending
    :math:`\bar i_{cap}`; it moves towards the level that spending sustains
    with speed :math:`\rho_{cap}` (capability takes a decade to build or lose).
    Capability scales how strongly public investment crowds in private
    investment (:math:`\chi_{eff} = \chi\,Cap` in the private-investment block).
    Rationale: the essay's argument that outsourcing and cuts hollow out the
    state's ability to shape markets (Mazzucato 2025; Kattel & Mazzucato 2018).
    """
    Cap = stock("Cap", "dimensionless", "public capability index", default=1.0, bounds=(0.0, None),
                source="normalised to 1 in 2025", latex=r"\mathit{Cap}")
    i_cap = lever("i_cap", "dimensionless", "capability investment rate", default=0.01, bounds=(0.0, 0.1),
                  description="Spending on public-sector capacity (skills, agencies, in-house expertise) as a "
                              "share of trend output", source=ASSUMED, latex=r"i_{cap}")
    i_cap_ref = param("i_cap_ref", "dimensionless", "capability spending that sustains Cap = 1", default=0.01,
                      bounds=(None, None), tunable=False,
                      source="set by the model factory: the start-year lever value (Cap = 1 at rest)",
                      latex=r"\bar i_{cap}")
    rho_cap = param("rho_cap", "1/year", "speed of capability build-up and erosion", default=0.1,
                    bounds=(0.01, 1.0), source=ESSAY + "; about a decade, " + ASSUMED, latex=r"\rho_{cap}")
    G_cap = aux("G_cap", "TUSD/year", "public capability spending", latex=r"G_{cap}")
    Y_T = ref("Y_T")
    return Block(
        name="public capability",
        variables=(Cap, i_cap, i_cap_ref, rho_cap, G_cap),
        auxiliaries={"G_cap": i_cap.sym * Y_T},
        derivatives={"Cap": rho_cap.sym * (i_cap.sym / i_cap_ref.sym - Cap.sym)},
        description="Public capability built by investment in the public sector, eroded by cuts.",
    )

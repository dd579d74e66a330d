"""Climate: the DICE-2016R carbon cycle and two-box temperature model (continuous time)."""

from __future__ import annotations

import dataclasses

from ...declare.blocks import Block

#: 2025 state of the DICE-2016R ODE run from its 2015 state with industrial
#: emissions rising linearly from 35.9 (2015) to 37.4 GtCO2/year (2024, GCP) and
#: DICE's forcing path; reproduced by tests/test_directed_growth.py.
STATE_2025 = {"M_at": 929.0849, "M_up": 486.8664, "M_lo": 1741.5182, "T_at": 1.1446, "T_lo": 0.0550}


def climate() -> Block:
    """The continuous DICE-2016R climate block of :func:`model.library.dice2016_climate`,
    with emissions ``E`` supplied by the emissions block and 2025 initial stocks
    (:data:`STATE_2025`). See that function for the equations and sources."""
    from ...library.dice2016 import dice2016_climate

    src = dice2016_climate().blocks[0]
    variables = []
    for v in src.variables:
        if v.name == "E":
            continue  # an auxiliary of the emissions block here
        if v.name in STATE_2025:
            v = dataclasses.replace(v, default=STATE_2025[v.name],
                                    source=v.source + "; 2025 value from the DICE ODE run 2015-2025 "
                                                      "(model.directed_growth.mechanisms.climate.STATE_2025)")
        variables.append(v)
    return Block(name="climate", variables=tuple(variables), derivatives=src.derivatives,
                 auxiliaries=src.auxiliaries, description=src.description)

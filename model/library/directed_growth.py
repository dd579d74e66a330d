"""The directed-growth model: demand-led growth, distribution and debt, directed technical
change, public capability and finance, and the DICE-2016R climate.

Defaults are literature-based or stated modelling assumptions (each parameter's
``source`` says which), not yet calibrated (issue 4).
"""

from __future__ import annotations

import dataclasses
import math

import sympy as sp

from ..block import Block
from ..blocks import (climate, demand, emissions, finance, labour, private_investment, public_capability,
                      public_finance, public_investment, technology)
from ..system import System, combine

#: start year of the model [year]
T0 = 2025.0
#: output in the start year [TUSD/year] (US real GDP about 24 trillion USD, 2025) [R]
Y0 = 24.0
#: green share of private investment in the start year (modelling assumption)
XG0 = 0.15


def _blocks() -> list[Block]:
    return [demand(), public_investment(), public_capability(), private_investment(), finance(), labour(),
            technology(), emissions(), public_finance(), climate()]


def _with_defaults(block: Block, values: dict[str, float]) -> Block:
    variables = tuple(dataclasses.replace(v, default=values[v.name]) if v.name in values else v
                      for v in block.variables)
    return dataclasses.replace(block, variables=variables)


def _aux_values(blocks: list[Block], values: dict[str, float], names: list[str]) -> dict[str, float]:
    system = combine(*blocks, name="directed_growth", check_units=False)
    sub = system.substituted_auxiliaries()
    num = {system.variables[n].sym: v for n, v in values.items() if n in system.variables}
    num[sp.Symbol("t", real=True)] = T0
    return {n: float(sub[system.variables[n].sym].xreplace(num)) for n in names}


def derived_defaults(blocks: list[Block]) -> dict[str, float]:
    """Start values and reference parameters that make 2025 consistent.

    * autonomous demand ``Z`` such that the supermultiplier gives ``Y = Y0``:
      :math:`Z = (s-h)Y_0 - I_G - G_{cap}`, and ``z_T = Z/Y_0`` so that trend output
      starts at ``Y0``;
    * the wage tax ``t_w`` such that the 2025 deficit keeps the public debt
      ratio constant;
    * ``z0`` such that a share ``XG0`` of private investment is green;
    * reference values of the investment and productivity functions equal to
      their 2025 values (``b_ref``, ``r_ref``, ``pi_r_ref`` (the normal retained profit rate), ``k_Gm_ref``,
      ``g_ref``, ``gA_ref``), so that business as usual starts at rest.
    """
    vals = {v.name: v.default for b in blocks for v in b.variables if v.default is not None}
    s = vals["s_w"] * vals["omega"] + vals["s_pi"] * (1 - vals["omega"])
    z_share = s - vals["h"] - vals["i_G"] - vals["i_cap"]  # Y_T = Y0 in 2025
    out = {"Z": z_share * Y0, "z_T": z_share,
           "z0": math.log(XG0 / (1 - XG0)) - vals["eta_A"] * math.log(vals["A_g"] / vals["A_b"]),
           "b_ref": vals["B"] / Y0}
    vals.update(out)
    step1 = _aux_values([_with_defaults(b, vals) for b in blocks], vals, ["r_f", "k_Gm"])
    out.update(r_ref=step1["r_f"], k_Gm_ref=step1["k_Gm"])
    vals.update(out)
    step2 = _aux_values([_with_defaults(b, vals) for b in blocks], vals, ["rho_n"])
    out["pi_r_ref"] = step2["rho_n"]
    vals.update(out)
    # the wage tax that makes the 2025 deficit equal g_Z B (a constant public debt ratio)
    step3 = _aux_values([_with_defaults(b, vals) for b in blocks], vals, ["B_dot", "W"])
    out["t_w"] = vals["t_w"] + (step3["B_dot"] - vals["g_Z"] * vals["B"]) / step3["W"]
    vals.update(out)
    step4 = _aux_values([_with_defaults(b, vals) for b in blocks], vals, ["g_K", "g_A", "Y", "B_dot"])
    out.update(g_ref=step4["g_K"], gA_ref=step4["g_A"])
    vals.update(out)
    # the Phillips-curve intercept that makes the 2025 wage share stationary
    step5 = _aux_values([_with_defaults(b, vals) for b in blocks], vals, ["lam", "alpha", "inflation"])
    out["i_ref"] = step5["inflation"]
    out["phi0"] = step5["alpha"] + (1 - vals["gamma_p"]) * step5["inflation"] - vals["phi1"] * step5["lam"]
    if abs(step4["Y"] - Y0) > 1e-9 * Y0 or abs(step4["B_dot"] - vals["g_Z"] * vals["B"]) > 1e-9:
        raise RuntimeError("directed_growth: inconsistent 2025 state (a block changed without derived_defaults)")
    return out


def directed_growth() -> System:
    r"""The directed-growth model (continuous time, years from 2025, US-scale defaults).

    Blocks (``model.blocks``), each with its equations and sources in its
    docstring: demand (supermultiplier), public investment (rate and mission
    direction), public capability, private investment (accelerator, profits,
    crowding in and out, green/brown direction), finance (payouts, conditions,
    cost of credit, private debt), labour (Phillips curve, Kaldor-Verdoorn),
    technology (directed technical change), emissions, public finance (debt,
    equity fund) and the DICE-2016R climate.

    Accounting identities checked on every run: the demand identity, firms'
    cash flow and the government budget.

    Defaults are literature-based or stated assumptions (each parameter's
    ``source`` says which); 2025 start values and reference parameters are
    made consistent by :func:`derived_defaults`. They are not yet calibrated.

    Notes
    -----
    Money in trillions of (2025) US dollars (``TUSD``), time in years.
    """
    blocks = _blocks()
    derived = derived_defaults(blocks)
    blocks = [_with_defaults(b, derived) for b in blocks]
    return combine(*blocks, name="directed_growth", description=directed_growth.__doc__.splitlines()[0],
                   origin={"factory": "model.library.directed_growth:directed_growth", "kwargs": {}})

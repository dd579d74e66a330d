"""The directed-growth model: demand-led growth, distribution and debt, directed technical
change, public capability and finance, and the DICE-2016R climate.

Defaults are literature-based or stated modelling assumptions (each parameter's
``source`` says which), not yet calibrated (issue 4).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
from collections.abc import Mapping

import numpy as np
import sympy as sp

from ..core.blocks import Block
from ..core.metadata import ModelMeta
from ..core.system import System, combine
from ..errors import ModelError
from .mechanisms import (
    climate,
    demand,
    emissions,
    finance,
    labour,
    private_investment,
    public_capability,
    public_finance,
    public_investment,
    technology,
)

#: start year of the model [year]
T0 = 2025.0
#: end year of the model's default span [year]
T_END = 2100.0
#: paths kept per ensemble member by default (the outcomes' paths are kept while they are computed)
KEEP = ("Y", "T_at", "E_dom", "omega", "lam", "b", "h_eff")
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


#: stocks measured in money (or money per worker), scaled with the start output ``y0``
_MONEY_STOCKS = ("K_g", "K_b", "K_Gm", "K_Go", "B", "D", "a")


@functools.lru_cache(maxsize=1)
def _aux_program() -> tuple[tuple[str, tuple[str, ...], object], ...]:
    """The auxiliaries in dependency order as numpy functions of their arguments' names
    (the equations do not depend on the defaults, so one program serves every call)."""
    system = combine(*_blocks(), name="directed_growth", check_units=False)
    prog = []
    for name, expr in system.auxiliaries.items():
        args = sorted(expr.free_symbols, key=lambda s: s.name)
        prog.append((name, tuple(a.name for a in args), sp.lambdify(args, expr, modules="numpy")))
    return tuple(prog)


def _aux_values(values: Mapping[str, np.ndarray | float], names: list[str], t0: float) -> dict[str, np.ndarray]:
    """Auxiliaries ``names`` at time ``t0`` from stock, parameter and lever values
    (scalars or equally long arrays of draws)."""
    env: dict[str, object] = dict(values)
    env["t"] = t0
    for name, args, func in _aux_program():
        env[name] = func(*(env[a] for a in args))
    return {n: env[n] for n in names}


def derived_values(vals: Mapping[str, np.ndarray | float], *, t0: float = T0, y0: float = Y0,
                   xg0: float = XG0) -> dict[str, np.ndarray | float]:
    """The quantities of :data:`DERIVED` from all other defaults (scalars, or arrays of draws).

    See :func:`derived_defaults` for what each one makes consistent. Vectorised:
    with arrays of parameter draws it gives each draw its own consistent start.
    """
    vals = dict(vals)
    # balanced growth at normal utilisation: capital grows with autonomous demand
    v_cap = vals["u_n"] * vals["h"] / (vals["g_Z"] + vals["delta"])
    k_total = v_cap * y0 / vals["u_n"]
    green = vals["K_g"] / (vals["K_g"] + vals["K_b"])
    vals.update(v=v_cap, K_g=green * k_total, K_b=(1 - green) * k_total)
    s = vals["s_w"] * vals["omega"] + vals["s_pi"] * (1 - vals["omega"])
    z_share = s - vals["h"] - vals["i_G"] - vals["i_cap"]  # Y_T = y0 in 2025
    out = {"v": v_cap, "K_g": vals["K_g"], "K_b": vals["K_b"], "Z": z_share * y0, "z_T": z_share,
           "z0": np.log(xg0 / (1 - xg0)) - vals["eta_A"] * np.log(vals["A_g"] / vals["A_b"]),
           "b_ref": vals["B"] / y0}
    vals.update(out)
    step1 = _aux_values(vals, ["r_f", "k_Gm"], t0)
    out.update(r_ref=step1["r_f"], k_Gm_ref=step1["k_Gm"])
    vals.update(out)
    out["pi_r_ref"] = _aux_values(vals, ["rho_n"], t0)["rho_n"]
    vals.update(out)
    # the wage tax that makes the 2025 deficit equal g_Z B (a constant public debt ratio)
    step3 = _aux_values(vals, ["B_dot", "W"], t0)
    out["t_w"] = vals["t_w"] + (step3["B_dot"] - vals["g_Z"] * vals["B"]) / step3["W"]
    vals.update(out)
    step4 = _aux_values(vals, ["g_K", "g_A", "Y", "B_dot"], t0)
    out.update(g_ref=step4["g_K"], gA_ref=step4["g_A"])
    vals.update(out)
    # the Phillips-curve intercept that makes the start wage share stationary at the normal employment
    # rate lam_ref (the start year's own rate in 2025; a historical start year may be off its normal rate)
    step5 = _aux_values(vals, ["alpha", "inflation"], t0)
    out["i_ref"] = step5["inflation"]
    out["phi0"] = step5["alpha"] + (1 - vals["gamma_p"]) * step5["inflation"] - vals["phi1"] * vals["lam_ref"]
    bad = ~np.isfinite(np.asarray(step4["Y"], float)) | ~np.isfinite(np.asarray(out["t_w"], float))
    if np.any(bad):
        raise ModelError("directed_growth: the start state is not finite for these values (e.g. g_Z + delta <= 0 "
                         "or a share outside (0, 1))")
    if np.any(np.abs(step4["Y"] - y0) > 1e-9 * y0) or np.any(np.abs(step4["B_dot"] - vals["g_Z"] * vals["B"]) > 1e-9):
        raise RuntimeError("directed_growth: inconsistent 2025 state (a block changed without derived_values)")
    return {k: (float(v) if np.ndim(v) == 0 else np.asarray(v, float)) for k, v in out.items()}


def derived_defaults(blocks: list[Block], *, t0: float = T0, y0: float = Y0, xg0: float = XG0) -> dict[str, float]:
    """Start values and reference parameters that make the start year consistent.

    * autonomous demand ``Z`` such that the supermultiplier gives ``Y = y0``:
      :math:`Z = (s-h)Y_0 - I_G - G_{cap}`, and ``z_T = Z/Y_0`` so that trend output
      starts at ``y0``;
    * the capital-capacity ratio ``v = u_n h / (g_Z + delta)`` and private capital
      ``K = v y0 / u_n`` (green share kept), so that capital grows with autonomous
      demand at normal utilisation (balanced growth);
    * the wage tax ``t_w`` such that the 2025 deficit keeps the public debt
      ratio constant;
    * ``z0`` such that a share ``xg0`` of private investment is green;
    * reference values of the investment and productivity functions equal to
      their 2025 values (``b_ref``, ``r_ref``, ``pi_r_ref`` (the normal retained profit rate), ``k_Gm_ref``,
      ``g_ref``, ``gA_ref``), so that business as usual starts at rest;
    * the Phillips-curve intercept ``phi0`` and the inflation reference ``i_ref``
      that make the start wage share stationary at ``lam_ref``.
    """
    vals = {v.name: v.default for b in blocks for v in b.variables if v.default is not None}
    return derived_values(vals, t0=t0, y0=y0, xg0=xg0)


#: names set by :func:`derived_defaults` (not overridable: they follow from the others)
DERIVED = ("v", "K_g", "K_b", "Z", "z_T", "z0", "b_ref", "r_ref", "k_Gm_ref", "pi_r_ref", "t_w", "g_ref", "gA_ref",
           "i_ref", "phi0")


def directed_growth(*, t0: float = T0, y0: float = Y0, xg0: float = XG0,
                    overrides: Mapping[str, float] | None = None) -> System:
    r"""The directed-growth model (continuous time, years from ``t0``, US-scale defaults).

    Blocks (``model.directed_growth.mechanisms``), each with its equations and sources in its
    docstring: demand (supermultiplier), public investment (rate and mission
    direction), public capability, private investment (accelerator, profits,
    crowding in and out, green/brown direction), finance (payouts, conditions,
    cost of credit, private debt), labour (Phillips curve, Kaldor-Verdoorn),
    technology (directed technical change), emissions, public finance (debt,
    equity fund) and the DICE-2016R climate.

    Accounting identities checked on every run: the demand identity, firms'
    cash flow and the government budget.

    Parameters
    ----------
    t0 : float
        Start year [year] (2025).
    y0 : float
        Output in the start year [TUSD/year] (24, US 2025). Stocks measured in
        money (private and public capital, public and private debt, labour
        productivity) scale with it unless given in ``overrides``.
    xg0 : float
        Green share of private investment in the start year [dimensionless].
    overrides : mapping, optional
        New defaults (start values of stocks, parameters, lever values in the
        start year) by name, e.g. calibrated parameters or a historical start
        state. Quantities in :data:`DERIVED` are then recomputed from them by
        :func:`derived_defaults`, so that the start is consistent (business as
        usual at rest); they cannot be overridden themselves.

    Notes
    -----
    Defaults are literature-based or stated assumptions (each parameter's
    ``source`` says which). Money in trillions of US dollars (``TUSD``), time in years.
    Passing parameters to :func:`model.simulate` instead of ``overrides`` changes
    them without recomputing the derived start quantities.

    Raises
    ------
    ModelError
        Unknown or derived names in ``overrides``, non-finite values, or
        ``y0``/``xg0`` out of range.
    """
    if not (math.isfinite(y0) and y0 > 0):
        raise ModelError(f"directed_growth: y0 must be a positive output [TUSD/year], got {y0!r}")
    if not 0 < xg0 < 1:
        raise ModelError(f"directed_growth: xg0 must be a share strictly between 0 and 1, got {xg0!r}")
    overrides = dict(overrides or {})
    blocks = _blocks()
    known = {v.name: v for b in blocks for v in b.variables}
    for name, value in overrides.items():
        if name in DERIVED:
            raise ModelError(f"directed_growth: {name!r} is derived from the start state (see derived_defaults) "
                             "and cannot be overridden; override what it is derived from, or pass it to "
                             "simulate() as a parameter")
        if name not in known or known[name].kind == "auxiliary":
            close = difflib.get_close_matches(name, [n for n, v in known.items() if v.kind != "auxiliary"], n=3)
            raise ModelError(f"directed_growth: unknown override {name!r}"
                             + (f"; did you mean {', '.join(map(repr, close))}?" if close else ""))
        if not math.isfinite(float(value)):
            raise ModelError(f"directed_growth: override {name!r} must be finite, got {value!r}")
    scaled = {n: known[n].default * y0 / Y0 for n in _MONEY_STOCKS if n not in overrides}
    blocks = [_with_defaults(b, {**scaled, **{k: float(v) for k, v in overrides.items()}}) for b in blocks]
    derived = derived_defaults(blocks, t0=t0, y0=y0, xg0=xg0)
    blocks = [_with_defaults(b, derived) for b in blocks]
    kwargs = {k: v for k, v in (("t0", t0), ("y0", y0), ("xg0", xg0)) if v != {"t0": T0, "y0": Y0, "xg0": XG0}[k]}
    if overrides:
        kwargs["overrides"] = {k: float(v) for k, v in overrides.items()}
    return combine(*blocks, name="directed_growth", description=directed_growth.__doc__.splitlines()[0],
                   origin={"factory": "model.library.directed_growth:directed_growth", "kwargs": kwargs},
                   meta=model_meta(t0))


def model_meta(t0: float = T0) -> ModelMeta:
    """What the model says about its use: the span ``t0``-2100 [year], DICE-2016R's non-CO2 forcing
    as the default ``F_ex`` path, the paths kept in ensembles, :func:`consistent_draws` as the start
    hook, the outcome registry (:data:`model.directed_growth.outcomes.OUTCOMES`) and the policy paths
    (:data:`model.directed_growth.policies.PATHS`, baseline ``bau``)."""
    from .outcomes import OUTCOMES
    from .policies import PATHS, default_exogenous

    return ModelMeta(t_span=(float(t0), T_END), exogenous=default_exogenous(), keep=KEEP,
                     derive_start=consistent_draws, outcomes=tuple(OUTCOMES.values()), policies=PATHS,
                     baseline="bau")


def consistent_draws(system: System, values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The :data:`DERIVED` quantities for each parameter draw of an ensemble.

    Parameters
    ----------
    system : System
        A directed-growth model (from :func:`directed_growth`, possibly with overrides).
    values : mapping
        Drawn values by name: arrays of equal length (parameters, start stocks or
        start-year lever values; never a derived name).

    Returns
    -------
    dict
        ``name -> array`` for every name of :data:`DERIVED`: each draw starts
        consistently (business as usual at rest, as the defaults do), so a draw of
        ``g_Z`` or ``phi1`` changes the dynamics, not the start.

    Raises
    ------
    ModelError
        A derived name among the draws, an unknown name, or draws whose start is not finite.
    """
    derived = sorted(set(values) & set(DERIVED))
    if derived:
        raise ModelError(f"directed_growth: {', '.join(map(repr, derived))} derived from the start state "
                         "(see derived_defaults); draw what they are derived from instead")
    unknown = sorted(set(values) - set(system.variables))
    if unknown:
        raise ModelError(f"directed_growth: unknown name(s) among the draws: {', '.join(map(repr, unknown))}")
    kw = {"t0": T0, "y0": Y0, "xg0": XG0, **{k: v for k, v in system.origin.get("kwargs", {}).items()
                                            if k in ("t0", "y0", "xg0")}}
    vals = {n: v.default for n, v in system.variables.items() if v.default is not None}
    vals.update({n: np.asarray(v, float) for n, v in values.items()})
    m = max((np.size(v) for v in values.values()), default=1)
    return {k: np.broadcast_to(v, (m,)).copy() for k, v in derived_values(vals, **kw).items()}

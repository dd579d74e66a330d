"""Impulse responses from a historical start on the compiled fast path, and their distance to published ones.

A shock (:data:`SHOCKS`: which lever or exogenous input is stepped, by how much) is applied from a year at
rest of a country's historical replay (:func:`calibration.replay.country_model`: the US from 1985, the start
of the IMF / Abiad, Furceri & Topalova (2016) sample; the UK from 1988, the first year with a PWT labour
share). The base and the shocked paths are integrated by the compiled Dormand-Prince integrator
(:func:`model.solve.sensitivity.solve_arrays`, as :class:`calibration.least_squares.Problem` does), and the
responses are annual means of the relative (output, investment, R&D) or absolute (employment rate, debt
ratio) differences per unit of the shock's size: year 0 is the year of the shock, the convention of annual
data (IMF 2014, WEO Oct. 2014 ch. 3). :func:`irf_distance` measures the gap to the ``[irf]`` targets of
``calibration/targets/<country>.toml`` (:func:`load_irf_targets`): standardised squared gaps for the
published numbers ([V] or [R] only; a [U]-tagged number is refused) and smooth hinge penalties for signs,
shapes and orderings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model.compiler.compiled import compile as compile_system
from model.core.levers import Policy, Rule, input_table, piecewise, resolve_inputs, step
from model.directed_growth.factory import DERIVED
from model.directed_growth.outcomes import NORMALISE, PURCHASES, SHOCKS as OUTCOME_SHOCKS
from model.errors import CalibrationError, ModelError, SolverError
from model.solve.sensitivity import solve_arrays

from .posterior import VARIANTS  # the variants of the target set (load_irf_targets): one list, kept there
from .tomlfile import read_toml

__all__ = ["Shock", "SHOCKS", "RESPONSES", "START_YEAR", "IRFProblem", "IRFResult", "IRFMoment", "IRFConstraint",
           "IRFTargets", "VARIANTS", "load_irf_targets", "distance", "irf_distance", "irf_distance_many",
           "default_problem", "moment_value"]


@dataclass(frozen=True)
class Shock:
    """One experiment: a permanent step of an input from the shock year on.

    Attributes
    ----------
    name : str
    input : str
        The lever or exogenous input stepped.
    share_of_trend : bool
        The input is a share of trend output ``Y_T``: the step is ``size x Y/Y_T`` at the shock, so that the
        spending rises by ``size`` of output in the year of the shock (the IMF convention).
    spending : str
        The auxiliary (a flow [TUSD/year]) whose change is the shock's spending: the denominator of the
        cumulative multiplier.
    description, source : str
    """

    name: str
    input: str
    share_of_trend: bool
    spending: str
    description: str
    source: str


_ABOUT = {
    "public_investment": (
        "public investment spending: outlays I_G up by the step at the shock (appropriations, lever i_G, a share "
        "of trend output, and the pipeline WIP_G by tau_B x the step: the IMF definition); with "
        "normalise='appropriations' the appropriation step alone, outlays following with the time to build tau_B",
        "IMF (2014), WEO Oct. 2014 ch. 3; Abiad, Furceri & Topalova (2016), J. Macroecon. 50: 224-240"),
    "generic": (
        "generic government consumption (exogenous g_C_shock, a share of trend output)",
        "Deleidi & Mazzucato (2021), Res. Policy 50(2) 104151: 'other government spending'; Antolin-Diaz & "
        "Surico, CEPR DP17433"),
    "mission_rd": (
        "mission-oriented public R&D spending G_RD (exogenous rd_G_shock, a share of trend output)",
        "Deleidi & Mazzucato (2021); Ciaffi, Deleidi & Mazzucato (2024), ICC 33(2): 363-382"),
}

#: the shocks: name -> what is stepped (the inputs and spending flows of
#: :data:`model.directed_growth.outcomes.SHOCKS`). Shocks whose input the model lacks are left out of a problem.
SHOCKS: dict[str, Shock] = {name: Shock(name, inp, True, flow, *_ABOUT[name])
                            for name, (inp, flow) in OUTCOME_SHOCKS.items()}

#: responses: variable -> how the difference is measured ("relative": (x_s - x_b)/x_b per unit of size,
#: [% per pp of output], for flows in TUSD; "level": (x_s - x_b) per unit of size [pp per pp of output] for
#: ratios), as :func:`model.directed_growth.outcomes.impulse_responses` measures them. ``R_G`` is public R&D
#: spending, the intensity ``rd_G`` times trend output ``Y_T`` [TUSD/year] (the denominator of the elasticity of
#: private R&D to public R&D)
RESPONSES: dict[str, str] = {"Y": "relative", "I_p": "relative", "R_P": "relative", "R_G": "relative",
                             "lam": "level", "b": "level"}

#: first year of the historical start by country: the US at the start of the AFT (2016) sample (post-1985);
#: the UK in 1988, the first year with a PWT labour share (the replay cannot start earlier)
START_YEAR: dict[str, int] = {"USA": 1985, "GBR": 1988}

#: half-width of a 90 % band in standard deviations of a normal
Z90 = 1.6448536269514722


#: schedule kinds that are linear between their switch times (:meth:`model.core.levers.Schedule.switch_times`)
_LINEAR = ("piecewise", "ramp")


def _shocked_schedule(old, t_shock: float, start: float, end: float):
    """Two schedules of the same form (so their table rows are linear in the step): the path ``old`` with a step of
    0 and of 1 from ``t_shock`` on. Constant paths become steps; piecewise-linear paths and ramps piecewise-linear
    paths through their own knots, the ends ``start`` and ``end`` and the shock (a jump within 1e-6 year), the same
    path; other paths through their knots, a grid of 200 intervals and the shock. The integrator never steps across
    a knot (:func:`model.solve.sensitivity.solve_arrays`), so a grid it does not need costs steps: measured on the
    US and UK problems (observed public investment, piecewise through 22 annual knots), the 200-interval grid made
    a point's four runs cost about twice as much for the same responses."""
    if old.kind == "constant":
        c = old.args[0]
        return step(t_shock, c, c), step(t_shock, c, c + 1.0)
    if old.kind in _LINEAR:  # linear between its own switch times: through them, the same path exactly
        fine = np.array([start, end])
    else:
        fine = np.linspace(start, end, 201) if old.kind != "logistic" else np.linspace(start, end, 4001)
    grid = np.union1d(np.union1d(fine, np.asarray(old.switch_times(), float)), [t_shock - 1e-6, t_shock])
    vals = old(grid)
    return piecewise(grid, vals), piecewise(grid, vals + (grid >= t_shock))


def _year_weights(t: np.ndarray, t_shock: float, horizons: Sequence[int]) -> np.ndarray:
    """Matrix ``W`` with ``W @ x`` the trapezoid mean of ``x(t)`` over ``[t_shock + k, t_shock + k + 1)`` per
    horizon ``k`` (the grid holds every year boundary)."""
    W = np.zeros((len(horizons), t.size))
    for i, k in enumerate(horizons):
        a, b = t_shock + k, t_shock + k + 1.0
        sel = np.flatnonzero((t >= a - 1e-9) & (t <= b + 1e-9))
        dt = np.diff(t[sel])
        W[i, sel[:-1]] += dt / 2
        W[i, sel[1:]] += dt / 2
    return W


@dataclass
class IRFResult:
    """Responses of one evaluation.

    Attributes
    ----------
    horizons : numpy.ndarray
        Years after the shock (0: the year of the shock) [year].
    responses : dict
        ``shock -> variable -> array over horizons``: annual means per unit of the shock's size, relative
        differences for :data:`RESPONSES` marked "relative" [% per pp of output], differences otherwise [pp per
        pp of output].
    cumulative : dict
        ``shock -> array over horizons``: cumulative multiplier, the integral of the output difference from the
        shock to the end of year ``k`` over that of the spending difference (``sum dY / sum dG``) [1]; the
        spending is all government purchases or the shock's own flow (:class:`IRFProblem` ``spending``).
    step : dict
        ``shock -> step of the input`` (share of trend output) at the shock.
    size : float
        The size the responses are divided by [share of output] (0.01: per percentage point): a relative
        response ``x`` is the fraction ``x * size``.
    """

    horizons: np.ndarray
    responses: dict[str, dict[str, np.ndarray]]
    cumulative: dict[str, np.ndarray]
    step: dict[str, float] = field(default_factory=dict)
    size: float = 0.01


class IRFProblem:
    """Impulse responses of ``system`` under ``policy`` on the compiled path, for parameter vectors.

    Parameters
    ----------
    system : System
        A directed-growth model, normally a historical start (:func:`calibration.replay.country_model`).
    policy : Policy, optional
        Lever paths of the base run (e.g. :func:`calibration.replay.observed_policy`); the shocked lever must
        be a schedule, not a feedback rule.
    shocks : sequence of str, optional
        Names in :data:`SHOCKS` (default: every shock whose input the model has).
    t_shock : float, optional
        Shock time [year] (default: the model's start, which is at rest).
    horizons : sequence of int
        Years after the shock [year].
    size : float
        Size of the shock [share of output] (0.01: one percentage point).
    wrt : sequence of str
        Names set by ``theta`` (parameters, or start stocks); default none.
    derive_start : bool
        Re-derive the start at rest (the model's ``meta.derive_start``, :func:`model.directed_growth.consistent_draws`)
        for every ``theta``, so that sampled parameters change the dynamics, not the start.
    per_year : int
        Output points a year for the annual means (trapezoid rule) [1/year].
    exogenous : mapping, optional
        Exogenous paths of the base run.
    rtol, atol : float
        Integration tolerances (those of :func:`model.simulate`).
    normalise : {"outlays", "appropriations"}
        The public-investment shock: ``"outlays"`` (default) raises public investment spending (outlays
        ``I_G``) by ``size`` of output at the shock, the IMF (2014, WEO Oct. 2014 ch. 3) and Abiad, Furceri &
        Topalova (2016) definition: the appropriation step plus ``tau_B`` x that step [TUSD] in the pipeline
        ``WIP_G`` at the shock; ``"appropriations"`` the appropriation step alone (outlays rise gradually).
        As :func:`model.directed_growth.outcomes.impulse_responses`.
    spending : {"total", "own"}
        The denominator of the cumulative multipliers, as in
        :func:`model.directed_growth.outcomes.cumulative_multiplier`: ``"total"`` (default) all government
        purchases in demand (:data:`model.directed_growth.outcomes.PURCHASES`; Ramey & Zubairy 2018, JPE 126(2):
        cumulative output over cumulative total government spending), the same aggregate for every shock, so that
        the mission-R&D and generic multipliers are compared on one denominator; ``"own"`` the shocked flow
        (:attr:`Shock.spending`). With ``"own"`` the generic shock divides by government consumption
        :math:`z_G Z + g_{C,shock} Y_T`, whose autonomous part falls with the loan rate the shock raises (demand
        block), while mission R&D spending does not: at the US defaults (2025 start) that alone puts the generic
        multiplier 0.05 / 0.12 above a mission shock without knowledge effects (alpha_A = 0) at 5 / 10 years, where
        on total purchases the two are equal (issue 14, helper E's channel decomposition).
    """

    def __init__(self, system, policy: Policy | None = None, *, shocks: Sequence[str] | None = None,
                 t_shock: float | None = None, horizons: Sequence[int] = tuple(range(21)), size: float = 0.01,
                 wrt: Sequence[str] = (), derive_start: bool = True, per_year: int = 20,
                 exogenous: Mapping[str, Any] | None = None, rtol: float = 1e-8, atol: float = 1e-10,
                 normalise: str = "outlays", spending: str = "total"):
        unknown = [s for s in (shocks or ()) if s not in SHOCKS]
        if unknown:
            raise CalibrationError(f"unknown shock(s) {', '.join(map(repr, unknown))}; valid: {', '.join(SHOCKS)}")
        inputs = set(system.inputs)
        names = [s for s in (shocks or SHOCKS) if shocks is not None or SHOCKS[s].input in inputs]
        missing = [s for s in names if SHOCKS[s].input not in inputs]
        if missing:
            raise CalibrationError(f"model {system.name!r} has no input for shock(s) {', '.join(missing)} "
                                   f"({', '.join(SHOCKS[s].input for s in missing)}); available: "
                                   f"{', '.join(s for s in SHOCKS if SHOCKS[s].input in inputs) or '(none)'}")
        if not (math.isfinite(size) and size != 0):
            raise CalibrationError(f"size must be a non-zero share of output, got {size!r}")
        if normalise not in NORMALISE:
            raise CalibrationError(f"unknown normalise {normalise!r}; valid: {', '.join(NORMALISE)}")
        self.normalise = normalise
        if spending not in ("total", "own"):
            raise CalibrationError(f"unknown spending {spending!r}; valid: total, own")
        self.spending = spending
        horizons = tuple(int(k) for k in horizons)
        if not horizons or min(horizons) < 0:
            raise CalibrationError(f"horizons must be non-negative whole years, got {horizons!r}")
        self.system, self.policy, self.shocks = system, policy or Policy("base"), names
        self.size, self.horizons = float(size), np.array(horizons)
        start = float((system.meta.t_span or (0.0, 0.0))[0])
        self.t0 = start
        self.t_shock = start if t_shock is None else float(t_shock)
        if self.t_shock < start:
            raise CalibrationError(f"the shock ({self.t_shock:g}) is before the start ({start:g})")
        self.t_end = self.t_shock + max(horizons) + 1.0
        sysp = system.with_rules(self.policy.rules)
        self.cs = compile_system(sysp)
        paths = resolve_inputs(sysp, self.policy, exogenous)
        self.t_eval = np.union1d(np.linspace(start, self.t_end, int(round((self.t_end - start) * per_year)) + 1),
                                 [self.t_shock])
        self.W = _year_weights(self.t_eval, self.t_shock, horizons)
        # cumulative integrals to the end of each horizon's year: the sum of the annual means over 0..k
        self.C = np.cumsum(self.W, axis=0)
        # the base table carries every shocked input in the form of its shocked path with a zero step (the same
        # path, through the same knots), so the shocked tables differ from it in one row and a zero shock
        # reproduces the base run exactly
        forms, rows = {}, list(paths)
        for s in names:
            spec = SHOCKS[s]
            if isinstance(self.policy.levers.get(spec.input), Rule):
                raise CalibrationError(f"the policy sets {spec.input} by a feedback rule; give a schedule")
            forms[s] = _shocked_schedule(paths[spec.input], self.t_shock, start, self.t_end)
        self.L = input_table(dict(paths, **{SHOCKS[s].input: forms[s][0] for s in names}))
        self._dL = {}
        for s in names:
            dL = np.zeros_like(self.L)
            i = rows.index(SHOCKS[s].input)
            dL[i] = forms[s][1].row(self.L.shape[1]) - forms[s][0].row(self.L.shape[1])
            self._dL[s] = dL
        self.wrt = list(wrt)
        self.p0 = self.cs.param_vector()
        self.y0 = self.cs.state_vector()
        bad = [n for n in self.wrt if n not in self.cs.parameters and n not in self.cs.states]
        if bad:
            raise CalibrationError(f"{', '.join(map(repr, bad))} neither parameters nor stocks of {system.name!r}")
        self.derive = system.meta.derive_start if derive_start else None
        self._pidx = {n: i for i, n in enumerate(self.cs.parameters)}
        self._sidx = {n: i for i, n in enumerate(self.cs.states)}
        self._obs = {n: self.cs.observed_names.index(n) for n in self.cs.observed_names}
        want = set(RESPONSES) | {"Y_T", "rd_G"} | {SHOCKS[s].spending for s in names} | set(PURCHASES)
        self.responses = [n for n in RESPONSES if n in self._obs or n in self.cs.states
                          or (n == "R_G" and "rd_G" in self._obs)]
        self._cols = {n: self._obs[n] for n in want if n in self._obs}
        self.rtol, self.atol = rtol, atol
        self.evaluations = 0

    # ---------------------------------------------------------------------------------------- parameters
    def vectors(self, theta: Mapping[str, float] | Sequence[float] | np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
        """Parameter vector and start state for ``theta`` (a mapping of names, or values in :attr:`wrt`
        order), with the start re-derived at rest when ``derive_start``."""
        values = self._named(theta)
        P, Y0 = self.vectors_many({n: np.array([v]) for n, v in values.items()})
        return P[0], Y0[0]

    def vectors_many(self, values: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Parameter vectors ``(m, n_params)`` and start states ``(m, n_states)`` for ``m`` draws ``name ->
        array of m values``, the start re-derived at rest for all of them in one vectorised call."""
        values = {str(n): np.atleast_1d(np.asarray(v, float)) for n, v in values.items()}
        bad = [n for n in values if n not in self._pidx and n not in self._sidx]
        if bad:
            raise CalibrationError(f"{', '.join(map(repr, bad))} neither parameters nor stocks of {self.system.name!r}")
        derived = [n for n in values if n in DERIVED] if self.derive is not None else []
        if derived:
            raise CalibrationError(f"{', '.join(map(repr, derived))} derived from the start at rest; give what they "
                                   "are derived from (model.directed_growth.start_state.DERIVED)")
        m = max((v.size for v in values.values()), default=1)
        if self.derive is not None and values:
            values = {**values, **self.derive(self.system, values)}
        P, Y0 = np.tile(self.p0, (m, 1)), np.tile(self.y0, (m, 1))
        for n, v in values.items():
            if n in self._pidx:
                P[:, self._pidx[n]] = v
            elif n in self._sidx:
                Y0[:, self._sidx[n]] = v
        return P, Y0

    def _named(self, theta) -> dict[str, float]:
        if theta is None:
            return {}
        if isinstance(theta, Mapping):
            return {str(k): float(v) for k, v in theta.items()}
        arr = np.asarray(theta, float).ravel()
        if arr.size != len(self.wrt):
            raise CalibrationError(f"theta has {arr.size} values for {len(self.wrt)} names ({', '.join(self.wrt)})")
        return dict(zip(self.wrt, arr.tolist(), strict=True))

    # ---------------------------------------------------------------------------------------- paths
    def _run(self, p: np.ndarray, y0: np.ndarray, L: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Y, _ = solve_arrays(self.cs, p, y0, L, self.t0, self.t_eval, rtol=self.rtol, atol=self.atol)
        A = np.empty((self.t_eval.size, max(len(self.cs.observed_names), 1)))
        self.cs.observe_path(self.t_eval, Y, p, L, A)
        return Y, A

    def _run_jump(self, p: np.ndarray, Yb: np.ndarray, L: np.ndarray, k: int, name: str, jump: float
                  ) -> tuple[np.ndarray, np.ndarray]:
        """The run with input table ``L`` whose stock ``name`` jumps by ``jump`` at the shock (``t_eval[k]``):
        from the start with the raised start state when the shock is at the start, else restarted from the base
        path ``Yb`` at the shock (the base path before it)."""
        y = Yb[k].copy()
        y[self._sidx[name]] += jump
        Yseg, _ = solve_arrays(self.cs, p, y, L, float(self.t_eval[k]), self.t_eval[k:], rtol=self.rtol,
                               atol=self.atol)
        Y = np.vstack([Yb[:k], Yseg])
        A = np.empty((self.t_eval.size, max(len(self.cs.observed_names), 1)))
        self.cs.observe_path(self.t_eval, Y, p, L, A)
        return Y, A

    def _series(self, Y: np.ndarray, A: np.ndarray, name: str) -> np.ndarray:
        if name == "R_G" and "R_G" not in self._cols:  # public R&D spending: its intensity times trend output
            return A[:, self._cols["rd_G"]] * A[:, self._cols["Y_T"]]
        if name in self._cols:
            return A[:, self._cols[name]]
        return Y[:, self.cs.states.index(name)]

    def evaluate(self, theta=None, *, size: float | None = None) -> IRFResult:
        """Responses to every shock for ``theta`` (see :class:`IRFResult`).

        Parameters
        ----------
        theta : mapping or array, optional
            Values of :attr:`wrt` (or any parameter or start stock, by name).
        size : float, optional
            Shock size [share of output] (default the problem's). A zero size runs the shocked path with a zero
            step: the responses (divided by the problem's size) are then exactly zero and the cumulative
            multipliers undefined (left out).

        Returns
        -------
        IRFResult

        Raises
        ------
        SolverError
            A failed integration.
        """
        p, y0 = self.vectors(theta)
        return self.evaluate_vectors(p, y0, size=size)

    def evaluate_vectors(self, p: np.ndarray, y0: np.ndarray, *, size: float | None = None) -> IRFResult:
        """:meth:`evaluate` for a parameter vector and start state (from :meth:`vectors` or
        :meth:`vectors_many`)."""
        self.evaluations += 1
        size = self.size if size is None else float(size)
        Yb, Ab = self._run(p, y0, self.L)
        k = int(np.searchsorted(self.t_eval, self.t_shock))
        ratio = float(self._series(Yb, Ab, "Y")[k] / self._series(Yb, Ab, "Y_T")[k])
        denom = size if size != 0 else self.size
        responses, cumulative, steps = {}, {}, {}
        for s in self.shocks:
            spec = SHOCKS[s]
            amount = size * ratio if spec.share_of_trend else size
            if s == "public_investment" and self.normalise == "outlays":
                # outlays I_G = WIP_G/tau_B up by the appropriation step amount x Y_T = size x Y at the shock
                jump = p[self._pidx["tau_B"]] * amount * self._series(Yb, Ab, "Y_T")[k]
                Ys, As = self._run_jump(p, Yb, self.L + amount * self._dL[s], k, "WIP_G", jump)
            else:
                Ys, As = self._run(p, y0, self.L + amount * self._dL[s])
            out = {}
            for n in self.responses:
                xb, xs = self._series(Yb, Ab, n), self._series(Ys, As, n)
                d = (xs - xb) / xb if RESPONSES[n] == "relative" else xs - xb
                out[n] = self.W @ d / denom
            responses[s] = out
            yb, ys = self._series(Yb, Ab, "Y"), self._series(Ys, As, "Y")
            flows = (spec.spending,) if self.spending == "own" else tuple(f for f in PURCHASES if f in self._cols)
            if size != 0 and flows and all(f in self._cols or f in self.responses for f in flows):
                dG = self.C @ sum(self._series(Ys, As, f) - self._series(Yb, Ab, f) for f in flows)
                with np.errstate(divide="ignore", invalid="ignore"):
                    cumulative[s] = np.where(dG != 0, (self.C @ (ys - yb)) / dG, np.nan)
            steps[s] = amount
        return IRFResult(self.horizons.copy(), responses, cumulative, steps, denom)


# ------------------------------------------------------------------------------------------------ targets


@dataclass(frozen=True)
class IRFMoment:
    """A published number: response ``response`` to ``shock`` in year ``year`` (or a ``statistic`` of
    :data:`STATISTICS`, such as the elasticity of private R&D to public R&D, averaged over ``years``).

    ``band`` is the half-width of a 90 % interval (``sd = band / 1.645``) unless ``sd`` is given.
    """

    name: str
    shock: str
    response: str
    years: tuple[int, ...]
    value: float
    sd: float
    tag: str
    source: str
    statistic: str = "response"
    variants: tuple[str, ...] = VARIANTS
    weight: float = 1.0
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class IRFConstraint:
    """A sign, shape or ordering (no number from the source): a smooth squared hinge ``(gap / scale)^2``.

    ``kind``: "positive" / "negative" (the response in every one of ``years``), "rising" (year-on-year
    increases over ``years``), "near_zero" (``|response| <= tol``), "cumulative_above" / "cumulative_not_above"
    (the cumulative multiplier of ``shock`` against that of ``other``, or against ``level`` (a threshold the
    source states, such as 1), at the ``years`` horizons).
    """

    name: str
    kind: str
    shock: str
    response: str
    years: tuple[int, ...]
    scale: float
    tag: str
    source: str
    other: str = ""
    level: float = 0.0
    tol: float = 0.0
    statistic: str = "response"
    variants: tuple[str, ...] = VARIANTS
    weight: float = 1.0


#: what a moment or constraint measures: "response" (the response itself); "elasticity" (the relative
#: response over that of public R&D ``R_G``, an arc elasticity); "log_elasticity" (the ratio of the log changes,
#: ``ln(1 + x size) / ln(1 + x_G size)``: the constant elasticity of a log-log relation whatever the shock's size,
#: the statistic a log-log regression estimates)
STATISTICS = ("response", "elasticity", "log_elasticity")

KINDS = ("positive", "negative", "rising", "near_zero", "cumulative_above", "cumulative_not_above")
TAGS = ("V", "R", "U", "C", "A")


@dataclass(frozen=True)
class IRFTargets:
    """The ``[irf]`` section of a target file.

    Attributes
    ----------
    country : str
    start : int
        Historical start year of the replay the shocks are applied from [calendar year].
    size : float
        Shock size [share of output].
    horizons : int
        Last horizon the targets need [year].
    moments : tuple of IRFMoment
    constraints : tuple of IRFConstraint
    path : Path
    """

    country: str
    start: int
    size: float
    horizons: int
    moments: tuple[IRFMoment, ...]
    constraints: tuple[IRFConstraint, ...]
    path: Path | None = None

    def select(self, variant: str) -> IRFTargets:
        """The moments and constraints of ``variant`` (see :data:`VARIANTS`)."""
        if variant not in VARIANTS:
            raise CalibrationError(f"unknown variant {variant!r}; valid: {', '.join(VARIANTS)}")
        return IRFTargets(self.country, self.start, self.size, self.horizons,
                          tuple(m for m in self.moments if variant in m.variants),
                          tuple(c for c in self.constraints if variant in c.variants), self.path)

    def shocks(self) -> set[str]:
        """Shocks the targets need."""
        return ({m.shock for m in self.moments} | {c.shock for c in self.constraints}
                | {c.other for c in self.constraints if c.other})


def _years(d: Mapping[str, Any], where: str) -> tuple[int, ...]:
    if "year" in d:
        return (int(d["year"]),)
    ys = d.get("years")
    if not (isinstance(ys, list) and ys and all(isinstance(y, int) and y >= 0 for y in ys)):
        raise CalibrationError(f"{where}: give 'year' or 'years' (a list of whole years >= 0)")
    return tuple(ys)


def _common(d: Mapping[str, Any], where: str) -> dict[str, Any]:
    tag = str(d.get("tag", ""))
    if tag not in TAGS:
        raise CalibrationError(f"{where}: tag must be one of {', '.join(TAGS)}, got {tag!r}")
    if not d.get("source"):
        raise CalibrationError(f"{where}: a source is required")
    shock = d.get("shock")
    if shock not in SHOCKS:
        raise CalibrationError(f"{where}: unknown shock {shock!r}; valid: {', '.join(SHOCKS)}")
    response = d.get("response", "Y")
    if response not in RESPONSES:
        raise CalibrationError(f"{where}: unknown response {response!r}; valid: {', '.join(RESPONSES)}")
    variants = tuple(d.get("variants", VARIANTS))
    bad = [v for v in variants if v not in VARIANTS]
    if bad:
        raise CalibrationError(f"{where}: unknown variant(s) {', '.join(bad)}; valid: {', '.join(VARIANTS)}")
    weight = float(d.get("weight", 1.0))
    if not (math.isfinite(weight) and weight > 0):
        raise CalibrationError(f"{where}: weight must be positive, got {weight!r}")
    return dict(name=str(d.get("name", where)), shock=shock, response=response, years=_years(d, where),
                tag=tag, source=str(d["source"]), variants=variants, weight=weight)


def _statistic(d: Mapping[str, Any], where: str) -> str:
    statistic = str(d.get("statistic", "response"))
    if statistic not in STATISTICS:
        raise CalibrationError(f"{where}: statistic must be one of {', '.join(STATISTICS)}, got {statistic!r}")
    return statistic


def _moment(d: Mapping[str, Any], where: str) -> IRFMoment:
    c = _common(d, where)
    if c["tag"] not in ("V", "R"):
        raise CalibrationError(f"{where}: only [V] or [R] numbers are targets; {c['name']!r} is tagged "
                               f"[{c['tag']}] (make it a constraint without a number)")
    statistic = _statistic(d, where)
    low, high = d.get("low"), d.get("high")
    if (low is None) != (high is None):
        raise CalibrationError(f"{where}: give both 'low' and 'high' for an interval, or neither")
    if low is not None:
        low, high = float(low), float(high)
        if not low <= high:
            raise CalibrationError(f"{where}: low ({low}) must not exceed high ({high})")
        value = 0.5 * (low + high)
    else:
        if "value" not in d:
            raise CalibrationError(f"{where}: a moment needs 'value' (or 'low' and 'high')")
        value = float(d["value"])
    if "sd" in d:
        sd = float(d["sd"])
    elif "band" in d:
        sd = float(d["band"]) / Z90
    else:
        raise CalibrationError(f"{where}: give 'band' (half-width of a 90 % interval) or 'sd'")
    if not (math.isfinite(sd) and sd > 0 and math.isfinite(value)):
        raise CalibrationError(f"{where}: value and a positive sd/band must be finite numbers")
    return IRFMoment(value=value, sd=sd, statistic=statistic, low=low, high=high, **c)


def _constraint(d: Mapping[str, Any], where: str) -> IRFConstraint:
    for key in ("value", "band", "sd", "low", "high"):
        if key in d:
            raise CalibrationError(f"{where}: a constraint carries no number ({key!r}); sign and shape only")
    c = _common(d, where)
    kind = d.get("kind")
    if kind not in KINDS:
        raise CalibrationError(f"{where}: unknown kind {kind!r}; valid: {', '.join(KINDS)}")
    other = str(d.get("other", ""))
    if kind.startswith("cumulative") and other not in SHOCKS and "level" not in d:
        raise CalibrationError(f"{where}: kind {kind!r} needs 'other' (a shock: {', '.join(SHOCKS)}) or 'level'")
    if "level" in d and not kind.startswith("cumulative"):
        raise CalibrationError(f"{where}: 'level' belongs to the cumulative kinds only")
    level = float(d.get("level", 0.0))
    scale = float(d.get("scale", 0))
    tol = float(d.get("tol", 0.0))
    if not (math.isfinite(scale) and scale > 0 and math.isfinite(tol) and tol >= 0):
        raise CalibrationError(f"{where}: 'scale' must be positive and 'tol' non-negative")
    if kind == "rising" and len(c["years"]) < 2:
        raise CalibrationError(f"{where}: 'rising' needs at least two years")
    return IRFConstraint(kind=kind, scale=scale, other=other, level=level, tol=tol, statistic=_statistic(d, where),
                         **c)


def load_irf_targets(path_or_country: str | Path) -> IRFTargets:
    """Read the ``[irf]`` section of a target file (a path, or a country code for the shipped files).

    Numbers (``[[irf.moment]]``) must be tagged [V] or [R]; signs and shapes (``[[irf.constraint]]``) carry no
    number. A [U] number, an unknown shock, response, kind or variant raises a one-line
    :class:`~model.errors.CalibrationError`.
    """
    from .targets import TARGET_DIR

    p = Path(path_or_country)
    if not p.suffix:
        p = TARGET_DIR / f"{str(path_or_country).lower()}.toml"
    d = read_toml(p, "target file")
    irf = d.get("irf")
    if not isinstance(irf, Mapping):
        raise CalibrationError(f"{p}: no [irf] section")
    country = str(d.get("meta", {}).get("country", irf.get("country", "")))
    start = int(irf.get("start", START_YEAR.get(country, 0)))
    moments = tuple(_moment(m, f"{p.name} [[irf.moment]] {i + 1}") for i, m in enumerate(irf.get("moment", [])))
    constraints = tuple(_constraint(c, f"{p.name} [[irf.constraint]] {i + 1}")
                        for i, c in enumerate(irf.get("constraint", [])))
    last = max([max(m.years) for m in moments] + [max(c.years) for c in constraints] + [0])
    return IRFTargets(country, start, float(irf.get("size", 0.01)), int(irf.get("horizons", last)), moments,
                      constraints, p)


# ------------------------------------------------------------------------------------------------ distance


def _hinge(gap: np.ndarray, scale: float) -> float:
    """Squared hinge: sum of ``(max(gap, 0) / scale)^2`` (continuously differentiable in the gap)."""
    g = np.maximum(np.asarray(gap, float), 0.0) / scale
    return float(np.sum(g * g))


def _pick(result: IRFResult, shock: str, response: str, years: Sequence[int], statistic: str = "response"
          ) -> np.ndarray:
    """The response in ``years``; for ``statistic="elasticity"`` the response over the public R&D response
    ``R_G`` (both relative: an arc elasticity); for ``"log_elasticity"`` the ratio of the log changes
    ``ln(1 + x size) / ln(1 + x_G size)`` (:data:`STATISTICS`)."""
    x = _pick1(result, shock, response, years)
    if statistic == "elasticity":
        return x / _pick1(result, shock, "R_G", years)
    if statistic == "log_elasticity":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log1p(x * result.size) / np.log1p(_pick1(result, shock, "R_G", years) * result.size)
    return x


def _pick1(result: IRFResult, shock: str, response: str, years: Sequence[int]) -> np.ndarray:
    if shock not in result.responses:
        raise CalibrationError(f"the targets need shock {shock!r}, which was not computed; computed: "
                               f"{', '.join(result.responses)}")
    if response not in result.responses[shock]:
        raise CalibrationError(f"the targets need response {response!r} to {shock!r}, which the model lacks")
    idx = [int(np.flatnonzero(result.horizons == y)[0]) if y in result.horizons else -1 for y in years]
    if min(idx) < 0:
        raise CalibrationError(f"the targets need years {list(years)}; computed horizons 0-{result.horizons.max()}")
    return result.responses[shock][response][idx]


def moment_value(result: IRFResult, moment) -> float:
    """The model's value of one published ``moment`` (an :class:`IRFTargets` moment): the mean over its years of
    the response, arc elasticity or log elasticity its ``statistic`` names, as :func:`distance` compares it
    with the target [response per unit of the shock, or dimensionless for an elasticity]."""
    return float(np.mean(_pick(result, moment.shock, moment.response, moment.years, moment.statistic)))


def distance(result: IRFResult, targets: IRFTargets) -> tuple[float, dict[str, float]]:
    """Distance of computed responses to targets: ``sum w ((m - value)/sd)^2`` over the moments (an interval
    moment counts only its distance to the nearer end) plus ``sum w (gap/scale)^2`` over the constraints.

    Returns
    -------
    float
        The distance [1] (``+inf`` if any response is not finite).
    dict
        Each moment's and constraint's term by name.
    """
    parts: dict[str, float] = {}
    for m in targets.moments:
        x = moment_value(result, m)
        if m.low is not None:
            gap = max(m.low - x, 0.0, x - m.high)
        else:
            gap = x - m.value
        parts[m.name] = m.weight * (gap / m.sd) ** 2 if math.isfinite(x) else math.inf
    for c in targets.constraints:
        if c.kind.startswith("cumulative"):
            for s in (c.shock, c.other or c.shock):
                if s not in result.cumulative:
                    raise CalibrationError(f"the targets need the cumulative multiplier of {s!r}, not computed")
            idx = [int(np.flatnonzero(result.horizons == y)[0]) for y in c.years]
            ref = result.cumulative[c.other][idx] if c.other else c.level
            d = result.cumulative[c.shock][idx] - ref
            gap = (c.tol - d) if c.kind == "cumulative_above" else (d - c.tol)
        else:
            x = _pick(result, c.shock, c.response, c.years, c.statistic)
            if c.kind == "positive":
                gap = c.tol - x
            elif c.kind == "negative":
                gap = x + c.tol
            elif c.kind == "rising":
                gap = -np.diff(x)
            else:  # near_zero
                gap = np.abs(x) - c.tol
        parts[c.name] = c.weight * _hinge(gap, c.scale) if np.all(np.isfinite(gap)) else math.inf
    total = float(sum(parts.values()))
    return (total if math.isfinite(total) else math.inf), parts


_PROBLEMS: dict[tuple, IRFProblem] = {}


def default_problem(country: str = "USA", *, start: int | None = None, wrt: Sequence[str] = (),
                    horizons: int = 20, panel=None, overrides: Mapping[str, float] | None = None,
                    per_year: int = 20, rtol: float = 1e-8, atol: float = 1e-10) -> IRFProblem:
    """The :class:`IRFProblem` of ``country``'s historical start (default :data:`START_YEAR`), observed public
    investment as the base path, every available shock, horizons 0..``horizons``, ``per_year`` output points a year
    and tolerances ``rtol``/``atol`` (:class:`IRFProblem`); memoised per process by (country, start, wrt, horizons,
    per_year, rtol, atol) when ``panel`` and ``overrides`` are not given."""
    from .replay import country_model, observed_policy

    start = START_YEAR.get(country, 1985) if start is None else int(start)
    key = (country, start, tuple(wrt), int(horizons), int(per_year), float(rtol), float(atol))
    if panel is None and overrides is None and key in _PROBLEMS:
        return _PROBLEMS[key]
    if panel is None:
        from .data import data_dir, load_panel

        panel = load_panel(data_dir())
    system = country_model(panel, country, start, overrides)
    last = int(panel["year"][-1])
    policy = observed_policy(panel, country, start, min(last, start + horizons + 1))
    prob = IRFProblem(system, policy, horizons=tuple(range(horizons + 1)), wrt=wrt, per_year=per_year, rtol=rtol,
                      atol=atol)
    if overrides is None:
        _PROBLEMS[key] = prob
    return prob


def irf_distance(theta: Mapping[str, float] | Sequence[float] | np.ndarray | None = None,
                 variant: str = "mazzucato", *, country: str = "USA", names: Sequence[str] | None = None,
                 problem: IRFProblem | None = None, targets: IRFTargets | None = None
                 ) -> tuple[float, dict[str, float]]:
    """Distance of the model's impulse responses at ``theta`` to the published ones.

    Parameters
    ----------
    theta : mapping or array, optional
        Parameter (or start-stock) values by name, or an array in the order of ``names`` (else the problem's
        ``wrt``); None: the defaults. The start at rest is re-derived for them.
    variant : {"mazzucato", "boysen_hogrefe"}
        Which mission-R&D evidence the constraints follow (:func:`load_irf_targets`).
    country : str
        Target file and historical start (:data:`START_YEAR`) when ``problem``/``targets`` are not given.
    names : sequence of str, optional
        Names of an array ``theta``.
    problem : IRFProblem, optional
        Default: :func:`default_problem` of ``country`` (memoised).
    targets : IRFTargets, optional
        Default: :func:`load_irf_targets` of ``country``.

    Returns
    -------
    float
        ``sum w ((x - value)/sd)^2`` over the published numbers plus the squared-hinge penalties of the
        constraints [1]; ``+inf`` when the integration fails or a response is not finite.
    dict
        The terms by target name (``"failure"`` holds the solver's message when the run fails).
    """
    targets = (targets or load_irf_targets(country)).select(variant)
    if problem is None:
        problem = default_problem(country, start=targets.start, horizons=max(targets.horizons, 1))
    if isinstance(theta, Mapping):
        theta = {str(k): float(v) for k, v in theta.items()}
    if names is not None and not isinstance(theta, Mapping):
        theta = dict(zip(names, np.asarray(theta, float).ravel().tolist(), strict=True))
    try:
        result = problem.evaluate(theta)
    except (SolverError, ModelError, FloatingPointError) as exc:
        return math.inf, {"failure": str(exc)}
    return distance(result, targets)


def irf_distance_many(thetas: np.ndarray, names: Sequence[str], variant: str = "mazzucato", *,
                      country: str = "USA", problem: IRFProblem | None = None,
                      targets: IRFTargets | None = None) -> np.ndarray:
    """:func:`irf_distance` for each row of ``thetas`` (shape ``(m, len(names))``) [1], the starts at rest
    derived for all rows in one vectorised call; rows that fail give +inf."""
    thetas = np.atleast_2d(np.asarray(thetas, float))
    if thetas.shape[1] != len(names):
        raise CalibrationError(f"thetas has {thetas.shape[1]} columns for {len(names)} names")
    targets = (targets or load_irf_targets(country)).select(variant)
    if problem is None:
        problem = default_problem(country, start=targets.start, horizons=max(targets.horizons, 1))
    out = np.full(thetas.shape[0], math.inf)
    try:
        P, Y0 = problem.vectors_many({n: thetas[:, j] for j, n in enumerate(names)})
    except ModelError:  # a start that cannot be derived for some row: row by row
        return np.array([irf_distance(row, variant, names=names, problem=problem, targets=targets)[0]
                         for row in thetas])
    for i in range(thetas.shape[0]):
        if not (np.all(np.isfinite(P[i])) and np.all(np.isfinite(Y0[i]))):
            continue
        try:
            out[i] = distance(problem.evaluate_vectors(P[i], Y0[i]), targets)[0]
        except (SolverError, ModelError, FloatingPointError):
            pass
    return out

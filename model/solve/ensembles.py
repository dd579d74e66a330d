"""Ensembles: many parameter draws x policies through the compiled parallel integrator.

One chunk of draws is integrated per policy by the compiled Dormand-Prince
ensemble (numba ``prange`` over members, all local cores). Chunks run in this
process by default, or on Dask (``dask.distributed``) when a client or
scheduler address is given; with a ``store`` directory every finished chunk is
written to disk as it arrives (netCDF, atomically, named by the draws it holds:
:mod:`model.solve.ensemble_store`) and a rerun with the same inputs, whatever its
chunk size, computes only the draws no chunk holds; processes running on one
store at once share the work. A member's result does not depend on the
chunking, so local, Dask and resumed runs agree bit for bit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.levers import Policy, input_table, resolve_inputs
from ..errors import ModelError
from .ensemble_store import Store, open_store
from .results import drawable, start_name

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr
    from distributed import Client
    from numpy.typing import ArrayLike

    from ..compiler.compiled import CompiledSystem
    from ..core.system import System

__all__ = ["check_draws", "drawable", "ensemble", "member_vectors", "open_store", "start_name"]

#: the version of the chunk layout, part of a store's signature: a store written with another
#: layout is refused rather than resumed with chunks of two layouts (2: the schema of model.simulate,
#: with provenance; 3: members checked against the accounting identities, status 9 and the chunk attribute
#: of model.solve.identities)
_LAYOUT = 3


@dataclasses.dataclass
class _Spec:
    """Everything a worker needs to integrate a chunk (picklable)."""

    system: Any
    policies: list
    exogenous: Any
    t0: float
    t_eval: np.ndarray
    variables: tuple
    outcomes: bool
    consistent: bool
    baseline: str | None
    method: str
    rtol: float
    atol: float
    max_steps: int
    dt: float | None = None  # step [year] of a discrete map (its own step), None otherwise
    tgrid: np.ndarray | None = None  # the map's grid, snapped to every policy's switch times
    identity_tol: float = 1e-8  # largest acceptable residual of an accounting identity (model.solve.identities)


def _default(system: System, name: str) -> float:
    """The declared default of an undrawn parameter or start stock (a one-line error without one)."""
    value = system.variables[name].default
    if value is None:
        raise ModelError(f"{name!r} of model {system.name!r} has no default and is not drawn: draw it")
    return float(value)


def check_draws(system: System, draws: Any) -> pd.DataFrame:
    """Validate a draw table (DataFrame, mapping of arrays) and return it as a DataFrame.

    Raises
    ------
    ModelError
        Unknown or non-drawable names, non-numeric or non-finite values, unequal lengths,
        values outside declared bounds.
    """
    import pandas as pd

    if isinstance(draws, pd.DataFrame):
        df = draws.reset_index(drop=True)
    elif isinstance(draws, Mapping):
        lens = {k: np.size(v) for k, v in draws.items()}
        if len(set(lens.values())) > 1:
            raise ModelError(f"draws of unequal length: {lens}")
        df = pd.DataFrame({k: np.atleast_1d(np.asarray(v, float)) for k, v in draws.items()})
    else:
        raise ModelError(f"draws must be a pandas.DataFrame or a mapping name -> array, got {type(draws).__name__}")
    if df.shape[0] == 0 or df.shape[1] == 0:
        raise ModelError("the draw table is empty")
    for name in df.columns:
        v = drawable(system, name, "draw column")
        col = pd.to_numeric(df[name], errors="coerce").to_numpy(float)
        if not np.all(np.isfinite(col)):
            bad = int(np.flatnonzero(~np.isfinite(col))[0])
            raise ModelError(f"draw column {name!r} has a missing or non-numeric value at row {bad}")
        lo, hi = v.bounds
        if (lo is not None and np.any(col < lo)) or (hi is not None and np.any(col > hi)):
            raise ModelError(f"draws of {name!r} span [{col.min():.6g}, {col.max():.6g}], outside its declared "
                             f"bounds ({lo}, {hi})")
        df[name] = col
    df.index = pd.RangeIndex(len(df), name="draw")
    return df


def member_vectors(cs: CompiledSystem, values: Mapping[str, ArrayLike], m: int) -> tuple[np.ndarray, np.ndarray]:
    """Parameter and start-state vectors of ``m`` members: the compiled model's defaults, with ``values``.

    Parameters
    ----------
    cs : CompiledSystem
        The compiled model (:func:`model.compiler.compiled.compile`).
    values : mapping
        Parameter and stock values by name [their units]: numbers or arrays of length ``m``; other names are
        ignored (derived auxiliaries, inputs).
    m : int
        Number of members.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``P`` of shape (m, number of parameters) and ``Y0`` of shape (m, number of stocks).
    """
    P = np.tile(cs.param_vector(), (m, 1))
    Y0 = np.tile(cs.state_vector(), (m, 1))
    for name, v in values.items():
        if name in cs.parameters:
            P[:, cs.parameters.index(name)] = v
        elif name in cs.states:
            Y0[:, cs.states.index(name)] = v
    return P, Y0


def _run_chunk(spec: _Spec, start: int, table: dict[str, np.ndarray]):
    """Integrate draws ``start .. start + m`` under every policy; an ``xarray.Dataset`` over ``draw``
    in the schema of :func:`model.simulate` (:mod:`model.solve.results`)."""
    import xarray as xr

    from ..compiler.compiled import compile as compile_system
    from ..core.metadata import OutcomeContext, outcome_metrics
    from .identities import CHUNK_ATTR, IDENTITY_PREFIX, flag_violations, identity_residuals, worst_members
    from .plausible import flag_implausible, flag_nonfinite, run_name
    from .results import diagnostics, value_attrs, variable_attrs
    from .simulation import describe_failure, solve_many
    from .status import FLAGGED_WHOLE, Status

    system = spec.system
    m = len(next(iter(table.values())))
    values = {k: np.asarray(v, float) for k, v in table.items()}
    derive = system.meta.derive_start if spec.consistent else None
    no_start = np.full(m, "", dtype=object)  # per draw: why no consistent start exists ('' where one does)
    if derive is not None:
        derived = derive(system, values)
        bad = ~np.all([np.isfinite(np.broadcast_to(np.asarray(v, float), (m,))) for v in derived.values()], axis=0)
        if bad.any():
            no_start[bad] = "its derived start is not finite"
            if system.meta.no_start is not None:
                said = np.asarray(system.meta.no_start(system, {k: v[bad] for k, v in values.items()}), dtype=object)
                no_start[bad] = np.where(said != "", said, no_start[bad])
        values.update(derived)
    needed = system.meta.needed() if spec.outcomes else ()
    # the declared plausible ranges are checked whether or not their paths are kept (model.solve.plausible)
    keep = list(dict.fromkeys([*spec.variables, *needed, *system.meta.plausible]))
    nt = spec.t_eval.size
    npol = len(spec.policies)
    fields = {n: np.empty((npol, m, nt)) for n in keep}
    info = np.empty((npol, m, 5))
    failures = np.full((npol, m), "", dtype=object)
    solvers = []
    residuals = []  # per policy: identity -> largest residual of each member (model.solve.identities)
    for k, pol in enumerate(spec.policies):
        sysp = system.with_rules(pol.rules) if pol is not None else system
        cs = compile_system(sysp)  # memoised per process by the equations hash
        L = input_table(resolve_inputs(sysp, pol, spec.exogenous))
        P, Y0 = member_vectors(cs, values, m)
        Y, INFO, solver, messages = solve_many(cs, spec.method, spec.t0, Y0, P, L, spec.t_eval, spec.rtol, spec.atol,
                                               spec.dt, spec.max_steps, spec.tgrid)
        solvers.append(solver)
        info[k] = INFO
        for i in np.flatnonzero(INFO[:, 0] != 0):
            failures[k, i] = describe_failure(cs, INFO[i], pol.name if pol else None, messages[i], spec.method)[0]
        for i in np.flatnonzero(no_start != ""):  # never integrated from a start that does not exist
            INFO[i, 0], INFO[i, 1] = Status.NONFINITE, spec.t0
            info[k, i] = INFO[i]
            failures[k, i] = (f"{run_name(system.name, pol.name if pol else None)}: no start at rest for the drawn "
                              f"values: {no_start[i]} at t={spec.t0:g}")
        aux = [n for n in keep if n in cs.observed_names]
        identities = any(n.startswith(IDENTITY_PREFIX) for n in cs.observed_names)
        if aux or identities:
            A = np.empty((m, nt, len(cs.observed_names)))
            cs.ensemble_observe(spec.t_eval, Y, P, L, A)
        if identities:  # the check of model.simulate, member by member: up to where each integrated
            until = np.where(INFO[:, 0] == Status.SUCCESS, np.inf, INFO[:, 1])
            until[no_start != ""] = -np.inf  # never integrated
            residuals.append(identity_residuals(cs, A, spec.t_eval, until))
            flag_violations(cs, A, spec.t_eval, residuals[-1], spec.identity_tol, INFO, failures[k], system.name,
                            pol.name if pol else None)
            info[k] = INFO
        U = np.empty((nt, max(len(cs.inputs), 1)))
        cs.inputs_path(spec.t_eval, L, U)
        for n in keep:
            if n in cs.states:
                fields[n][k] = Y[:, :, cs.states.index(n)]
            elif n in cs.observed_names:
                fields[n][k] = A[:, :, cs.observed_names.index(n)]
            elif n in cs.inputs:
                fields[n][k] = U[None, :, cs.inputs.index(n)]
            else:
                raise ModelError(f"{n!r} is not a stock, auxiliary or input of model {system.name!r}")
        # a failed member's path is NaN from the failure on (the integrator leaves its states NaN;
        # this masks the lever paths too): never a silently truncated path
        for i in np.flatnonzero(INFO[:, 0] != 0):
            late = spec.t_eval > INFO[i, 1]
            for n in keep:
                fields[n][k, i, late] = np.nan
    coords = {"policy": [p.name if p else "default" for p in spec.policies],
              "draw": np.arange(start, start + m), "time": spec.t_eval}
    data: dict[str, Any] = {}
    for n in keep:
        var = system.variables[n]
        data[n] = (("policy", "draw", "time"), fields[n], variable_attrs(var))
    data.update(diagnostics(("policy", "draw"), info, failures))
    for name in system.parameters:
        if name not in values:
            data[name] = ((), float(system.variables[name].default), value_attrs(system, name, None))
    for name, v in values.items():
        data[start_name(system, name)] = (("draw",), np.broadcast_to(v, (m,)).astype(float),
                                          value_attrs(system, name, name in table))
    ds = xr.Dataset(data, coords=coords)
    ds.attrs["solver"] = "; ".join(sorted(set(solvers)))
    ds.attrs[CHUNK_ATTR] = json.dumps(worst_members(residuals, [p.name if p else "default" for p in spec.policies],
                                                    np.arange(start, start + m)))
    names = [p.name if p else None for p in spec.policies]
    flag_nonfinite(ds, system, names)
    flag_implausible(ds, system, names)
    if spec.outcomes:
        ctx = OutcomeContext(baseline=spec.baseline, system=system, policies=spec.policies)
        # from the plausible members' paths only: a flagged member's outcomes (and relative outcomes
        # measured against its baseline) are NaN, left out of every statistic as a failed member's are
        paths = ds[list(needed)].where(~ds["status"].isin(FLAGGED_WHOLE))
        # the parameters they read, each member's value (drawn) or the model's (held)
        paths = paths.assign({n: ds[n] for n in system.meta.needed_parameters() if n in ds})
        ds = ds.merge(outcome_metrics(paths, system.meta.outcomes, ctx))
    return ds.drop_vars([n for n in keep if n not in spec.variables])


# ------------------------------------------------------------------ store

def _signature(spec: _Spec, draws) -> str:
    h = hashlib.sha256()
    h.update(f"layout {_LAYOUT}".encode())
    h.update(spec.system.equations_hash().encode())
    h.update(json.dumps([p.to_dict() if p else None for p in spec.policies], sort_keys=True, default=str).encode())
    h.update(json.dumps({k: getattr(spec, k) for k in ("t0", "variables", "outcomes", "consistent", "baseline",
                                                       "method", "rtol", "atol", "max_steps", "identity_tol")},
                        default=str).encode())
    h.update(np.asarray(spec.t_eval).tobytes())
    h.update(repr(spec.exogenous).encode())
    defaults = {n: v.default for n, v in sorted(spec.system.variables.items()) if v.default is not None}
    h.update(json.dumps(defaults, sort_keys=True, default=str).encode())
    if spec.system.meta.plausible:  # the flags the chunks hold (model.solve.plausible)
        h.update(json.dumps(dict(spec.system.meta.plausible), sort_keys=True).encode())
    h.update(json.dumps(list(draws.columns)).encode())
    h.update(np.ascontiguousarray(draws.to_numpy(float)).tobytes())
    return h.hexdigest()[:24]


# ------------------------------------------------------------------ entry point

def ensemble(system: System, draws: pd.DataFrame | Mapping[str, ArrayLike],
             policies: Policy | Sequence[Policy] | None = None, *,
             t_span: tuple[float, float] | None = None, t_eval: ArrayLike | None = None,
             exogenous: Mapping[str, Any] | None = None, variables: Sequence[str] | None = None,
             outcomes: bool | None = None, consistent: bool = True, baseline: str | None = None, chunk_size: int = 2500,
             store: str | Path | None = None, client: Client | str | None = None, progress: bool = True,
             method: str = "auto", rtol: float = 1e-6, atol: float = 1e-9, max_steps: int = 20_000,
             identity_tol: float = 1e-8) -> xr.Dataset:
    """Integrate every parameter draw under every policy; an ``xarray.Dataset`` over ``draw``.

    Parameters
    ----------
    system : System
        The model (one of :mod:`model.library`, an application's, or a calibrated rebuild).
    draws : pandas.DataFrame or mapping
        One row per member, one column per parameter or start stock
        (:mod:`model.analysis.draws`, or :func:`calibration.posterior_draws`).
    policies : Policy or list of Policy
        Lever paths; default the model's defaults.
    t_span : (float, float), optional
        Start and end [year]; default the model's span (``system.meta.t_span``).
    t_eval : sequence of float, optional
        Output times [year]; default every year.
    exogenous : mapping, optional
        Exogenous input paths, each replacing the model's default path (as for :func:`model.simulate`).
    variables : sequence of str, optional
        Paths kept per member (stocks, auxiliaries, inputs). Default the model's
        ``meta.keep``, else every stock. Fewer variables, less memory and disk.
    outcomes : bool, optional
        Compute the model's outcomes (``system.meta.outcomes``) per member; default: when the
        model has an outcome registry.
    consistent : bool
        Re-derive start quantities per draw with the model's start hook (``system.meta.derive_start``,
        e.g. a start at rest for each draw, as for the defaults); ``False`` keeps the base model's start.
    baseline : str, optional
        Policy of the relative outcomes; default the model's (``system.meta.baseline``).
    chunk_size : int
        Members per chunk (the unit of parallel work, progress and storage).
    store : str or Path, optional
        Directory for finished chunks (netCDF, named by draw range); the result is
        then opened lazily from it. A rerun with the same inputs (any
        ``chunk_size``) computes only the draws not yet stored, and several
        processes on one store share the chunks (see :mod:`model.solve.ensemble_store`).
    client : distributed.Client or str, optional
        Run the chunks on Dask (a client, or a scheduler address ``tcp://...``);
        default: this process, all local cores.
    progress : bool
        A progress bar (tqdm) over members.
    method : {"auto", "dopri5", "radau5"}
        ``"auto"`` (default): the choice of :func:`model.simulate`: compiled Dormand-Prince for every
        member, in parallel, and a member that Hairer's test finds stiff integrated again from its
        start with the compiled Radau IIA method of order 5 (milliseconds per member; the members
        found stiff run in parallel too), so a member's path is the one ``simulate`` gives for its
        values. ``"dopri5"``: Dormand-Prince for every member (a stiff member takes many small
        steps). ``"radau5"``: the compiled Radau IIA method for every member.
    rtol, atol, max_steps
        Error control and step limit per member (a member that hits the limit is
        flagged, not truncated). Looser than :func:`model.simulate`'s defaults (1e-8, 1e-10,
        200 000): a member's error of 1e-6 is far below the spread across draws, and thousands of
        members cost half as much; pass the same values to both for identical paths.
    identity_tol : float
        Largest acceptable residual of the declared accounting identities (relative for identities
        declared as ``sympy.Eq(lhs, rhs)`` and for the Godley-table checks, absolute otherwise), as for
        :func:`model.simulate` (same default): every member on every policy path is checked, and one
        that integrated to the end with a larger residual is flagged (status ``identity_violated``, its
        ``failure`` naming the identity; :mod:`model.solve.identities`).

    Returns
    -------
    xarray.Dataset
        The schema of :func:`model.simulate` with draws (:mod:`model.solve.results`): dims
        ``policy``, ``draw``, ``time``; the kept paths, one variable per outcome over
        (``policy``, ``draw``), ``status`` (0 success; see its ``flag_meanings``: 8, ``implausible``, a
        member that integrated to the end with a path outside the model's plausible range,
        ``system.meta.plausible``, whose outcomes are then NaN: :mod:`model.solve.plausible`), ``t_reached``,
        ``n_steps`` and ``failure``; every parameter (over ``draw`` when drawn or re-derived,
        attribute ``drawn``), a drawn start stock's value as ``<stock>_start`` (see
        :func:`start_name`); provenance in the attributes, so :func:`model.rerun` repeats it, with
        ``identity_max_residual`` (identity -> largest residual over every member and policy path [the
        identity's units; dimensionless for relative residuals]), ``identity_worst_member`` (identity ->
        its ``policy`` and ``draw``) and ``identity_tol``.

    Raises
    ------
    ModelError
        Bad draws, names or options; a store holding a different run.
    """
    import xarray as xr

    from .identities import CHUNK_ATTR, merge_worst, record_residuals
    from .results import dataset_attrs, provenance
    from .simulation import as_policies, ensemble_solver, fixed_step_grid, time_grid

    df = check_draws(system, draws)
    pols = as_policies(policies)
    if int(chunk_size) < 1:
        raise ModelError(f"chunk_size must be positive, got {chunk_size}")
    if not (0 < rtol < 1):
        raise ModelError(f"rtol must be in (0, 1), got {rtol}")
    if not identity_tol >= 0:
        raise ModelError(f"identity_tol must be a number >= 0, got {identity_tol}")
    if method not in ("auto", "dopri5", "radau5") and not (method == "discrete" and system.is_discrete):
        raise ModelError(f"ensemble method must be 'auto', 'dopri5' or 'radau5', got {method!r}")
    names = [p.name if p else "default" for p in pols]
    if len(set(names)) != len(names):
        raise ModelError(f"policy names must be unique, got {names}")
    meta = system.meta
    if outcomes is None:
        outcomes = bool(meta.outcomes)
    elif outcomes and not meta.outcomes:
        raise ModelError(f"model {system.name!r} has no outcome registry (system.meta.outcomes): pass outcomes=False")
    if variables is None:
        variables = meta.keep if meta.keep is not None else tuple(system.stocks)
    bad = [n for n in variables if n not in system.variables or system.variables[n].kind == "parameter"]
    if bad:
        raise ModelError(f"unknown variable(s) {', '.join(map(repr, bad))} for model {system.name!r}: kept paths "
                         "are stocks, auxiliaries or inputs")
    if t_span is None:
        t_span = meta.t_span
        if t_span is None:
            raise ModelError(f"model {system.name!r} has no default span: pass t_span=(start, end) [year]")
    if baseline is None:
        baseline = meta.baseline
    exogenous = {**meta.exogenous, **(exogenous or {})}
    if system.is_discrete:  # as simulate: a discrete map runs on its own grid whatever the method
        method = "discrete"
    t0, t1, t_eval_arr, dt = time_grid(system, t_span, t_eval, method, None)
    tgrid = None
    if method == "discrete":
        assert dt is not None  # time_grid gives a discrete map its step
        tgrid, t_eval_arr = fixed_step_grid(
            system, t0, t1, t_eval_arr, dt,
            [resolve_inputs(system.with_rules(p.rules) if p else system, p, exogenous) for p in pols])
    spec = _Spec(system=system, policies=pols, exogenous=exogenous, t0=t0, t_eval=t_eval_arr,
                 variables=tuple(variables), outcomes=outcomes, consistent=consistent, baseline=baseline,
                 method=method, rtol=float(rtol), atol=float(atol), max_steps=int(max_steps), dt=dt, tgrid=tgrid,
                 identity_tol=float(identity_tol))
    n = len(df)
    chunk_size = int(chunk_size)
    cols = {c: df[c].to_numpy(float) for c in df.columns}

    def table(a: int, b: int) -> dict[str, np.ndarray]:
        return {c: v[a:b] for c, v in cols.items()}

    held = set(df.columns) | (set(meta.derive_start(system, table(0, 1))) if consistent and meta.derive_start
                              else set())
    options = dict(t_span=[t0, t1], method=method, rtol=float(rtol), atol=float(atol), dt=dt,
                   max_steps=int(max_steps), exogenous=exogenous)
    prov = provenance(
        system, parameters={p: ("draw" if p in held else _default(system, p)) for p in system.parameters},
        initial={s_: ("draw" if s_ in held else _default(system, s_)) for s_ in system.stocks},
        policies=pols, inputs={nm: resolve_inputs(system.with_rules(p.rules) if p else system, p, exogenous)
                               for nm, p in zip(names, pols)},
        options=options,
        ensemble=dict(drawn=list(df.columns), variables=list(variables), outcomes=bool(outcomes),
                      consistent=bool(consistent), baseline=baseline),
        identity_tol=float(identity_tol))
    sig = _signature(spec, df)
    info = {"model": system.name, "equations_hash": system.equations_hash(), "signature": sig, "n_draws": n,
            "chunk_size": chunk_size, "policies": names,
            "drawn": list(df.columns), "draw_method": str(df.attrs.get("method", "user table")),
            **dataset_attrs(system, title=f"{system.name} ensemble", solvers=[ensemble_solver(method)],
                            options=options, prov=prov)}
    info["rtol"], info["atol"] = rtol, atol
    started = time.perf_counter()
    if store is None:
        results: dict[int, Any] = {}
        bar = _progress(n, 0, progress)

        def keep(a: int, b: int, ds) -> None:
            results[a] = ds
            bar.update(ds.sizes["draw"])

        _compute(spec, [(a, min(a + chunk_size, n)) for a in range(0, n, chunk_size)], table, keep, client)
        bar.close()
        solvers = {part for ds in results.values() for part in ds.attrs.get("solver", "").split("; ") if part}
        worst = merge_worst(json.loads(results[i].attrs[CHUNK_ATTR]) for i in sorted(results))
        out = xr.concat([results[i] for i in sorted(results)], dim="draw", data_vars="minimal", coords="minimal",
                        compat="override", join="override") if len(results) > 1 else results[0]
        out.attrs = {k: (v if isinstance(v, (str, int, float)) else json.dumps(v)) for k, v in info.items()}
        out.attrs["solver"] = "; ".join(sorted(solvers))
        record_residuals(out.attrs, worst)
    else:
        _fill_store(Store(store), spec, info, n, chunk_size, table, client, progress)
        out = open_store(store)
    out.attrs["seconds"] = time.perf_counter() - started
    return out


def _compute(spec: _Spec, ranges: list[tuple[int, int]], table, finished, client) -> None:
    """Integrate the chunks ``ranges`` (here, or on Dask); hand each to ``finished(start, stop, ds)``."""
    if client is None:
        for a, b in ranges:
            finished(a, b, _run_chunk(spec, a, table(a, b)))
    else:
        _run_on_dask(client, spec, ranges, table, finished)


def _fill_store(st: Store, spec: _Spec, meta: dict, n: int, chunk_size: int, table, client, progress: bool) -> None:
    """Compute every draw the store does not hold yet, sharing the work with other processes on it.

    Draws are claimed in ranges of at most ``chunk_size`` (one at a time here, all
    that are free on Dask); a range claimed by another live process is left to it,
    and this call returns once every draw is in a finished chunk.
    """
    with st.lock():
        st.check_manifest(meta)
        st.clean()
    bar = _progress(n, int(st.covered(n).sum()), progress)

    released: set[tuple[int, int]] = set()

    def finished(a: int, b: int, ds) -> None:
        st.write(a, b, ds)
        st.release(a, b)
        released.add((a, b))
        bar.update(b - a)

    while True:
        mine: list[tuple[int, int]] = []
        while (r := st.claim(n, chunk_size)) is not None:
            mine.append(r)
            if client is None:
                break
        if mine:
            try:
                _compute(spec, mine, table, finished, client)
            finally:  # claims of chunks not finished (an error, an interruption): each released once
                for a, b in mine:
                    if (a, b) not in released:
                        st.release(a, b)
            continue
        done = int(st.covered(n).sum())
        bar.update(done - bar.n)
        if done == n:
            break
        if st.others_working():
            time.sleep(0.05)  # another process computes the rest; a dead one's claims are freed by claim()
    bar.close()


def _run_on_dask(client, spec: _Spec, ranges: list[tuple[int, int]], table, finished) -> None:
    """Submit the chunks ``ranges`` to Dask; hand each result to ``finished(start, stop, ds)`` as it completes."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ModelError(f"the Dask path needs dask.distributed: {exc}") from None
    own = isinstance(client, str)
    if own:
        client = Client(client)
    try:
        spec_f = client.scatter(spec, broadcast=True)
        futures = {client.submit(_run_chunk, spec_f, a, table(a, b), pure=False): (a, b) for a, b in ranges}
        for fut in as_completed(futures):
            if fut.status == "error":
                raise ModelError(f"chunk of draws {futures[fut][0]}-{futures[fut][1] - 1} failed on Dask: "
                                 f"{fut.exception()!r}")
            finished(*futures[fut], fut.result())
            fut.release()
    finally:
        if own:
            client.close()


def _progress(total: int, initial: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, unit="member", desc="ensemble", file=sys.stderr, disable=not enabled)

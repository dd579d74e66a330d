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
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import ModelError
from ..declare.levers import Policy, input_table, resolve_inputs
from ..analysis.draws import check_draws
from ..analysis.outcomes import NEEDED, outcome_metrics
from .ensemble_store import Store, open_store

__all__ = ["DEFAULT_VARIABLES", "ensemble", "open_store"]

#: paths kept per member by default (outcomes are always kept)
DEFAULT_VARIABLES = ("Y", "T_at", "E_dom", "omega", "lam", "b", "h_eff")


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
    baseline: str
    rtol: float
    atol: float
    max_steps: int


def _consistent_fn(system) -> Callable | None:
    """The model factory's registered ``consistent_draws`` (re-derives start quantities per draw), if any.

    Looked up in :data:`model.library.registry.CONSISTENT_DRAWS`: no module named by a
    model's origin is ever imported.
    """
    from ..library.registry import consistent_draws_for

    return consistent_draws_for(system)


def start_name(system, name: str) -> str:
    """Name of a drawn (or re-derived) value in the ensemble: a parameter keeps its name, a stock's
    start value is ``<stock>_start`` (its path keeps the stock's name); ``_`` is prepended while that
    clashes with a model variable."""
    if system.variables[name].kind != "stock":
        return name
    out = f"{name}_start"
    while out in system.variables:
        out = "_" + out
    return out


def _run_chunk(spec: _Spec, start: int, table: dict[str, np.ndarray]):
    """Integrate draws ``start .. start + m`` under every policy; an ``xarray.Dataset`` over ``draw``."""
    import xarray as xr

    from ..compiler.compiled import compile as compile_system
    from .simulation import STATUS, _describe_failure, _solve_many

    system = spec.system
    m = len(next(iter(table.values())))
    values = {k: np.asarray(v, float) for k, v in table.items()}
    derive = _consistent_fn(system) if spec.consistent else None
    if derive is not None:
        values.update(derive(system, values))
    keep = list(dict.fromkeys([*spec.variables, *(NEEDED if spec.outcomes else ())]))
    nt = spec.t_eval.size
    fields = {n: np.empty((len(spec.policies), m, nt)) for n in keep}
    status = np.empty((len(spec.policies), m), dtype=np.int8)
    t_reached = np.empty((len(spec.policies), m))
    n_steps = np.empty((len(spec.policies), m), dtype=np.int32)
    reason = np.full((len(spec.policies), m), "", dtype=object)
    for k, pol in enumerate(spec.policies):
        sysp = system.with_rules(pol.rules) if pol is not None else system
        cs = compile_system(sysp)  # memoised per process by the equations hash
        L = input_table(resolve_inputs(sysp, pol, spec.exogenous))
        P = np.tile(cs.param_vector(), (m, 1))
        Y0 = np.tile(cs.state_vector(), (m, 1))
        for name, v in values.items():
            if name in cs.parameters:
                P[:, cs.parameters.index(name)] = v
            elif name in cs.states:
                Y0[:, cs.states.index(name)] = v
        Y, INFO, _, _ = _solve_many(cs, "auto", spec.t0, Y0, P, L, spec.t_eval, spec.rtol, spec.atol, None,
                                    spec.max_steps)
        status[k] = INFO[:, 0].astype(np.int8)
        t_reached[k] = INFO[:, 1]
        n_steps[k] = INFO[:, 2]
        for i in np.flatnonzero(INFO[:, 0] != 0):
            reason[k, i] = _describe_failure(cs, INFO[i], pol.name if pol else None)[0]
        aux = [n for n in keep if n in cs.observed_names]
        if aux:
            A = np.empty((m, nt, len(cs.observed_names)))
            cs.ensemble_observe(spec.t_eval, Y, P, L, A)
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
    data = {}
    for n in keep:
        var = system.variables.get(n)
        attrs = {"long_name": var.long_name, "units": var.units, "kind": var.kind} if var else {}
        data[n] = (("policy", "draw", "time"), fields[n], attrs)
    data["status"] = (("policy", "draw"), status,
                      {"long_name": "solver status per member", "flag_values": sorted(STATUS),
                       "flag_meanings": " ".join(STATUS[k] for k in sorted(STATUS))})
    data["t_reached"] = (("policy", "draw"), t_reached, {"long_name": "time reached by the solver", "units": "year"})
    data["n_steps"] = (("policy", "draw"), n_steps, {"long_name": "accepted solver steps per member"})
    data["failure"] = (("policy", "draw"), reason.astype(str), {"long_name": "solver's reason for a failed member"})
    for name, v in values.items():
        var = system.variables[name]
        attrs = {"long_name": var.long_name, "units": var.units, "kind": var.kind, "drawn": int(name in table)}
        if var.kind == "stock":  # its path keeps the name; the start value goes beside it
            attrs.update(long_name=f"start value of {name} ({var.long_name})", stock=name)
        data[start_name(system, name)] = (("draw",), np.broadcast_to(v, (m,)).astype(float), attrs)
    ds = xr.Dataset(data, coords=coords)
    if spec.outcomes:
        ds = ds.merge(outcome_metrics(ds[list(NEEDED)], baseline=spec.baseline))
        ds = ds.drop_vars([n for n in NEEDED if n not in spec.variables])
    return ds


# ------------------------------------------------------------------ store

def _signature(spec: _Spec, draws) -> str:
    h = hashlib.sha256()
    h.update(spec.system.equations_hash().encode())
    h.update(json.dumps([p.to_dict() if p else None for p in spec.policies], sort_keys=True, default=str).encode())
    h.update(json.dumps({k: getattr(spec, k) for k in ("t0", "variables", "outcomes", "consistent", "baseline",
                                                       "rtol", "atol", "max_steps")}, default=str).encode())
    h.update(np.asarray(spec.t_eval).tobytes())
    h.update(repr(spec.exogenous).encode())
    defaults = {n: v.default for n, v in sorted(spec.system.variables.items()) if v.default is not None}
    h.update(json.dumps(defaults, sort_keys=True, default=str).encode())
    h.update(json.dumps(list(draws.columns)).encode())
    h.update(np.ascontiguousarray(draws.to_numpy(float)).tobytes())
    return h.hexdigest()[:24]


# ------------------------------------------------------------------ entry point

def ensemble(system, draws, policies: Policy | Sequence[Policy] | None = None, *,
             t_span: tuple[float, float] = (2025.0, 2100.0), t_eval: Sequence[float] | None = None,
             exogenous=None, variables: Sequence[str] | None = None, outcomes: bool | None = None,
             consistent: bool = True, baseline: str = "bau", chunk_size: int = 2500,
             store: str | Path | None = None, client=None, progress: bool = True,
             rtol: float = 1e-6, atol: float = 1e-9, max_steps: int = 20_000):
    """Integrate every parameter draw under every policy; an ``xarray.Dataset`` over ``draw``.

    Parameters
    ----------
    system : System
        The model (e.g. ``directed_growth()`` or a calibrated rebuild).
    draws : pandas.DataFrame or mapping
        One row per member, one column per parameter or start stock
        (:mod:`model.analysis.draws`, or :func:`calibration.posterior_draws`).
    policies : Policy or list of Policy
        Lever paths; default the model's defaults.
    t_span : (float, float)
        Start and end [year].
    t_eval : sequence of float, optional
        Output times [year]; default every year.
    exogenous : mapping, optional
        Exogenous input paths (as for :func:`model.simulate`).
    variables : sequence of str, optional
        Paths kept per member (stocks, auxiliaries, inputs). Default
        :data:`DEFAULT_VARIABLES` for the directed-growth model, every stock for
        other models. Fewer variables, less memory and disk.
    outcomes : bool, optional
        Compute :func:`model.analysis.outcome_metrics` per member (needs a
        directed-growth model); default: when the model has what they need.
    consistent : bool
        Re-derive start quantities per draw when the model's factory provides
        ``consistent_draws`` (directed growth: each draw starts at rest, as the
        defaults do); ``False`` keeps the base model's start.
    baseline : str
        Policy for the crowding-in outcome.
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
    rtol, atol, max_steps
        Error control and step limit per member (a member that hits the limit is
        flagged, not truncated).

    Returns
    -------
    xarray.Dataset
        Dims ``policy``, ``draw``, ``time``: the kept paths, one variable per
        outcome over (``policy``, ``draw``), ``status`` (0 success; see its
        ``flag_meanings``), ``t_reached``, ``n_steps`` and ``failure`` (the solver's reason),
        and every drawn or re-derived parameter over ``draw``. A drawn (or re-derived)
        start stock keeps its path under its own name and its start value as
        ``<stock>_start`` over ``draw`` (attribute ``stock``; see :func:`start_name`).

    Raises
    ------
    ModelError
        Bad draws, names or options; a store holding a different run.
    """
    import xarray as xr

    from .simulation import _policies, _time_grid

    df = check_draws(system, draws)
    pols = _policies(policies)
    if int(chunk_size) < 1:
        raise ModelError(f"chunk_size must be positive, got {chunk_size}")
    if not (0 < rtol < 1):
        raise ModelError(f"rtol must be in (0, 1), got {rtol}")
    names = [p.name if p else "default" for p in pols]
    if len(set(names)) != len(names):
        raise ModelError(f"policy names must be unique, got {names}")
    has_needed = all(n in system.variables for n in NEEDED)
    if outcomes is None:
        outcomes = has_needed
    elif outcomes and not has_needed:
        raise ModelError(f"outcome metrics need a directed-growth model; model {system.name!r} lacks "
                         f"{', '.join(n for n in NEEDED if n not in system.variables)}: pass outcomes=False")
    if variables is None:
        variables = DEFAULT_VARIABLES if has_needed else tuple(system.stocks)
    bad = [n for n in variables if n not in system.variables]
    if bad:
        raise ModelError(f"unknown variable(s) {', '.join(map(repr, bad))} for model {system.name!r}")
    t0, _, t_eval_arr, _ = _time_grid(system, t_span, t_eval, "auto", None)
    spec = _Spec(system=system, policies=pols, exogenous=exogenous, t0=t0, t_eval=t_eval_arr,
                 variables=tuple(variables), outcomes=outcomes, consistent=consistent, baseline=baseline,
                 rtol=float(rtol), atol=float(atol), max_steps=int(max_steps))
    n = len(df)
    chunk_size = int(chunk_size)
    cols = {c: df[c].to_numpy(float) for c in df.columns}

    def table(a: int, b: int) -> dict[str, np.ndarray]:
        return {c: v[a:b] for c, v in cols.items()}

    sig = _signature(spec, df)
    meta = {"model": system.name, "equations_hash": system.equations_hash(), "signature": sig, "n_draws": n,
            "chunk_size": chunk_size, "policies": names,
            "drawn": list(df.columns), "draw_method": str(df.attrs.get("method", "user table")),
            "solver": "dopri5 (compiled Dormand-Prince 5(4), parallel ensemble)", "rtol": rtol, "atol": atol}
    started = time.perf_counter()
    if store is None:
        results: dict[int, Any] = {}
        bar = _progress(n, 0, progress)

        def keep(a: int, b: int, ds) -> None:
            results[a] = ds
            bar.update(ds.sizes["draw"])

        _compute(spec, [(a, min(a + chunk_size, n)) for a in range(0, n, chunk_size)], table, keep, client)
        bar.close()
        out = xr.concat([results[i] for i in sorted(results)], dim="draw", data_vars="minimal", coords="minimal",
                        compat="override", join="override") if len(results) > 1 else results[0]
        out.attrs.update({k: (v if isinstance(v, (str, int, float)) else json.dumps(v)) for k, v in meta.items()})
    else:
        _fill_store(Store(store), spec, meta, n, chunk_size, table, client, progress)
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

    def finished(a: int, b: int, ds) -> None:
        st.write(a, b, ds)
        st.release(a, b)
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
            finally:
                for a, b in mine:
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

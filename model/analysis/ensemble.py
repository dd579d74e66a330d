"""Ensembles: many parameter draws x policies through the compiled parallel integrator.

One chunk of draws is integrated per policy by the compiled Dormand-Prince
ensemble (numba ``prange`` over members, all local cores). Chunks run in this
process by default, or on Dask (``dask.distributed``) when a client or
scheduler address is given; with a ``store`` directory every finished chunk is
written to disk as it arrives (netCDF, atomically) and a rerun with the same
inputs resumes, computing only the missing chunks. A member's result does not
depend on the chunking, so local, Dask and resumed runs agree bit for bit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import ModelError
from ..levers import Policy, input_table, resolve_inputs
from .draws import check_draws
from .outcomes import NEEDED, outcome_metrics

__all__ = ["DEFAULT_VARIABLES", "ensemble", "open_store"]

#: paths kept per member by default (outcomes are always kept)
DEFAULT_VARIABLES = ("Y", "T_at", "E_dom", "omega", "lam", "b", "h_eff")

_STATUS_MEANINGS = "success left_bounds nonfinite stalled max_steps stiff solver_error diverged"


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
    """The model factory's ``consistent_draws`` (re-derives start quantities per draw), if any."""
    spec = (system.origin or {}).get("factory", "")
    mod = spec.partition(":")[0]
    if not mod:
        return None
    try:
        return getattr(importlib.import_module(mod), "consistent_draws", None)
    except ImportError:
        return None


def _run_chunk(spec: _Spec, start: int, table: dict[str, np.ndarray]):
    """Integrate draws ``start .. start + m`` under every policy; an ``xarray.Dataset`` over ``draw``."""
    import xarray as xr

    from ..compile import compile as compile_system
    from ..simulate import STATUS, _describe_failure, _solve_many

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
            cs.module._ensemble_observe(spec.t_eval, Y, P, L, A)
        U = np.empty((nt, max(len(cs.inputs), 1)))
        cs.module._inputs_path(spec.t_eval, L, U)
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
                      {"long_name": "solver status per member", "flag_values": list(STATUS),
                       "flag_meanings": _STATUS_MEANINGS})
    data["t_reached"] = (("policy", "draw"), t_reached, {"long_name": "time reached by the solver", "units": "year"})
    data["n_steps"] = (("policy", "draw"), n_steps, {"long_name": "accepted solver steps per member"})
    data["failure"] = (("policy", "draw"), reason.astype(str), {"long_name": "solver's reason for a failed member"})
    for name, v in values.items():
        var = system.variables[name]
        data[name] = (("draw",), np.broadcast_to(v, (m,)).astype(float),
                      {"long_name": var.long_name, "units": var.units, "kind": var.kind,
                       "drawn": int(name in table)})
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


def _chunk_path(store: Path, i: int) -> Path:
    return store / "chunks" / f"chunk_{i:06d}.nc"


def _write_chunk(store: Path, i: int, ds) -> None:
    path = _chunk_path(store, i)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    ds.to_netcdf(tmp)
    os.replace(tmp, path)  # atomic: a chunk file is complete or absent
    with open(store / "computed.log", "a") as log:
        log.write(f"{i}\n")
        log.flush()
        os.fsync(log.fileno())


def open_store(store: str | Path):
    """Open a finished (or partial) ensemble store lazily (dask arrays), chunks in draw order."""
    import xarray as xr

    store = Path(store)
    files = sorted((store / "chunks").glob("chunk_*.nc"))
    if not files:
        raise ModelError(f"no finished chunks in {store}")
    ds = xr.open_mfdataset(files, combine="nested", concat_dim="draw", data_vars="minimal", coords="minimal",
                           compat="override", join="override", parallel=False)
    manifest = store / "manifest.json"
    if manifest.is_file():
        ds.attrs.update({k: (v if isinstance(v, (str, int, float)) else json.dumps(v))
                         for k, v in json.loads(manifest.read_text()).items()})
    return ds


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
        Directory for finished chunks (netCDF); the result is then opened lazily
        from it, and a rerun with the same inputs resumes where it stopped.
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
        and every drawn or re-derived parameter over ``draw``.

    Raises
    ------
    ModelError
        Bad draws, names or options; a store holding a different run.
    """
    import xarray as xr

    from ..simulate import _policies, _time_grid

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
    starts = list(range(0, n, chunk_size))
    cols = {c: df[c].to_numpy(float) for c in df.columns}

    def table(i: int) -> dict[str, np.ndarray]:
        s = starts[i]
        return {c: v[s:s + chunk_size] for c, v in cols.items()}

    sig = _signature(spec, df)
    meta = {"model": system.name, "equations_hash": system.equations_hash(), "signature": sig, "n_draws": n,
            "chunk_size": chunk_size, "n_chunks": len(starts), "policies": names,
            "drawn": list(df.columns), "draw_method": str(df.attrs.get("method", "user table")),
            "solver": "dopri5 (compiled Dormand-Prince 5(4), parallel ensemble)", "rtol": rtol, "atol": atol}
    done: set[int] = set()
    if store is not None:
        store = Path(store)
        (store / "chunks").mkdir(parents=True, exist_ok=True)
        manifest = store / "manifest.json"
        if manifest.is_file():
            old = json.loads(manifest.read_text())
            if old.get("signature") != sig:
                raise ModelError(f"store {store} holds a different ensemble (signature {old.get('signature')}, "
                                 f"this run {sig}: other draws, policies or options); use another directory "
                                 "or delete it")
        else:
            manifest.write_text(json.dumps(meta, indent=1))
        done = {i for i in range(len(starts)) if _chunk_path(store, i).is_file()}
    pending = [i for i in range(len(starts)) if i not in done]
    results: dict[int, Any] = {}
    bar = _progress(n, sum(min(chunk_size, n - starts[i]) for i in done), progress)

    def finished(i: int, ds) -> None:
        if store is not None:
            _write_chunk(store, i, ds)
        else:
            results[i] = ds
        bar.update(ds.sizes["draw"])

    started = time.perf_counter()
    if client is None:
        for i in pending:
            finished(i, _run_chunk(spec, starts[i], table(i)))
    else:
        _run_on_dask(client, spec, pending, starts, table, finished)
    bar.close()
    if store is not None:
        out = open_store(store)
    else:
        out = xr.concat([results[i] for i in sorted(results)], dim="draw", data_vars="minimal", coords="minimal",
                        compat="override", join="override") if len(results) > 1 else results[0]
        out.attrs.update({k: (v if isinstance(v, (str, int, float)) else json.dumps(v)) for k, v in meta.items()})
    out.attrs["seconds"] = time.perf_counter() - started
    return out


def _run_on_dask(client, spec: _Spec, pending: list[int], starts: list[int], table, finished) -> None:
    """Submit the pending chunks to Dask; hand each result to ``finished`` as it completes."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ModelError(f"the Dask path needs dask.distributed: {exc}") from None
    own = isinstance(client, str)
    if own:
        client = Client(client)
    try:
        spec_f = client.scatter(spec, broadcast=True)
        futures = {client.submit(_run_chunk, spec_f, starts[i], table(i), pure=False): i for i in pending}
        for fut in as_completed(futures):
            if fut.status == "error":
                raise ModelError(f"chunk {futures[fut]} failed on Dask: {fut.exception()!r}")
            finished(futures[fut], fut.result())
            fut.release()
    finally:
        if own:
            client.close()


def _progress(total: int, initial: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, unit="member", desc="ensemble", file=sys.stderr, disable=not enabled)

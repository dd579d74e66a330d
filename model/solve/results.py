"""Results as ``xarray.Dataset`` with one schema and full provenance, for :func:`model.simulate`
and :func:`model.ensemble` alike.

Schema
------
* dims ``time`` [year]; ``draw`` when values are drawn; ``policy`` when there are several
  policies. An ensemble always has both (``policy``, ``draw``, ``time``): its chunks are stacked
  and stored along ``draw``, and discovery compares policies, so a single policy keeps its
  dimension there; ``simulate`` with several policies and draws gives the same dims;
* one variable per stock, auxiliary and input (lever or exogenous) kept, with
  attrs ``long_name``, ``units``, ``kind`` (and ``description``);
* parameters as variables: scalars, or over ``draw`` when drawn (attribute ``drawn``: 1 for a
  value of the draw table, 0 for one re-derived from it by the model's start hook); a drawn start
  value of a stock over ``draw`` as ``<stock>_start`` (:func:`start_name`; attribute ``stock``);
* ``status`` (int8, CF ``flag_values``/``flag_meanings`` from :class:`~model.solve.status.Status`),
  ``t_reached`` [year], ``n_steps`` and ``failure`` (the one-line reason, empty on success) per run;
* an ensemble's outcomes (from the model's registry) over (``policy``, ``draw``);
* dataset attrs: ``model``, ``model_version``, ``equations_hash``,
  ``git_revision``, ``solver``, ``rtol``, ``atol``, ``created`` and
  ``provenance`` (JSON: model origin, parameter values and sources, initial
  values, policies, the input paths used, solver options, identity residuals).

:func:`model.solve.rerun.rerun` rebuilds the model from the saved origin and reproduces the run.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..collector import collector_paused
from ..core.levers import Policy, Schedule, as_path, path_from_dict
from ..errors import ModelError
from .identities import IDENTITY_PREFIX, identity_residuals

if TYPE_CHECKING:
    import xarray as xr

    from ..core.symbols import Var
    from ..core.system import System

__all__ = ["build_dataset", "dataset_attrs", "diagnostics", "drawable", "git_revision", "numpy_dataset", "provenance",
           "read_provenance", "rebuild_system", "saved_exogenous", "saved_inputs", "saved_policies",
           "set_model_rebuilder", "start_name", "value_attrs", "variable_attrs"]


@functools.lru_cache(maxsize=1)
def git_revision() -> str:
    """Git revision of this package's checkout (``-dirty`` if modified), or ``"unknown"``."""
    root = Path(__file__).resolve().parents[2]
    try:
        proc = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=5)
        rev = proc.stdout.strip()
        if proc.returncode != 0 or not rev:
            return "unknown"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def variable_attrs(var: Var, kind: str | None = None) -> dict[str, Any]:
    """netCDF attributes of a model variable: ``long_name``, ``units``, ``kind``, and ``description``,
    ``valid_min``, ``valid_max`` where the model declares them (the same in every result schema)."""
    attrs: dict[str, Any] = {"long_name": var.long_name, "units": var.units, "kind": kind or var.kind}
    if var.description:
        attrs["description"] = var.description
    lo, hi = var.bounds
    if lo is not None:
        attrs["valid_min"] = lo
    if hi is not None:
        attrs["valid_max"] = hi
    return attrs


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    if isinstance(v, Schedule):
        return v.to_dict()
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


def drawable(system: System, name: str, what: str) -> Var:
    """The variable ``name`` if it can be drawn (a parameter or a start stock).

    Raises
    ------
    ModelError
        Naming ``what`` and the valid names otherwise.
    """
    v = system.variables.get(name)
    if v is None or v.kind not in ("parameter", "stock"):
        valid = [n for n, x in system.variables.items() if x.kind in ("parameter", "stock")]
        raise ModelError(f"{what} {name!r} is not a parameter or stock of model {system.name!r}; "
                         f"valid: {', '.join(sorted(valid))}")
    return v


def start_name(system: System, name: str) -> str:
    """Name of a drawn (or re-derived) value in a result: a parameter keeps its name, a stock's
    start value is ``<stock>_start`` (its path keeps the stock's name); ``_`` is prepended while that
    clashes with a model variable."""
    if system.variables[name].kind != "stock":
        return name
    out = f"{name}_start"
    while out in system.variables:
        out = "_" + out
    return out


def value_attrs(system: System, name: str, drawn: bool | None) -> dict[str, Any]:
    """Attributes of a parameter or start-value variable: metadata, ``source``, and (over ``draw``)
    ``drawn`` (1 drawn, 0 re-derived) and, for a stock's start value, ``stock``."""
    var = system.variables[name]
    attrs: dict[str, Any] = variable_attrs(var)
    if var.source:
        attrs["source"] = var.source
    if drawn is not None:
        attrs["drawn"] = int(drawn)
    if var.kind == "stock":  # its path keeps the name; the start value goes beside it
        attrs.update(long_name=f"start value of {name} ({var.long_name})", stock=name)
    return attrs


def diagnostics(dims: tuple[str, ...], info: np.ndarray, failures: np.ndarray) -> dict[str, tuple]:
    """The per-run variables ``status``, ``t_reached``, ``n_steps`` and ``failure`` over ``dims``.

    Parameters
    ----------
    dims : tuple of str
        Dimensions of one run's entry (``()``, ``("draw",)``, ``("policy", "draw")``, ...).
    info : numpy.ndarray, shape dims + (5,)
        The integrators' status rows (code, time reached [year], steps, evaluations, culprit).
    failures : numpy.ndarray of str, shape dims
        The one-line reason of each failed run, ``""`` for a success.
    """
    from .status import Status

    return {
        "status": (dims, info[..., 0].astype(np.int8), {"long_name": "run status", "units": "1", "kind": "diagnostic",
                                                       **Status.flag_attrs()}),
        "t_reached": (dims, info[..., 1].astype(float), {"long_name": "last time reached by the solver",
                                                         "units": "year", "kind": "diagnostic"}),
        "n_steps": (dims, info[..., 2].astype(np.int32), {"long_name": "accepted solver steps", "units": "1",
                                                          "kind": "diagnostic"}),
        "failure": (dims, np.asarray(failures, dtype=str), {"long_name": "solver's reason for a failed run",
                                                            "units": "1", "kind": "diagnostic"}),
    }


def provenance(system: System, *, parameters: dict, initial: dict, policies: list, inputs: dict, options: dict,
               residuals: dict | None = None, **extra: Any) -> dict:
    """The provenance record of a result (saved as JSON in ``attrs["provenance"]``).

    Parameters
    ----------
    system : System
    parameters, initial : dict
        Name -> value, or ``"draw"`` for a value held over ``draw`` in the result.
    policies : list
        The Policy (or ``None``) of each ``policy`` entry.
    inputs : dict
        Policy name -> input name -> the path used (Schedule).
    options : dict
        Solver options (``t_span``, ``method``, ``rtol``, ``atol``, ``dt``, ``max_steps``, ``exogenous``).
    residuals : dict, optional
        Largest residual of each accounting identity.
    **extra
        Further entries (e.g. an ensemble's ``ensemble`` options).
    """
    return {
        "model": system.name,
        "origin": _jsonable(dict(system.origin)),
        "equations_hash": system.equations_hash(),
        "parameters": parameters,
        "initial": initial,
        "policies": [p.to_dict() if p is not None else None for p in policies],
        "inputs": {name: {k: s.to_dict() for k, s in paths.items()} for name, paths in inputs.items()},
        "options": _jsonable({**options, "exogenous": {k: as_path(k, v).to_dict()
                                                        for k, v in (options.get("exogenous") or {}).items()}}),
        "identity_max_residual": residuals or {},
        **_jsonable(extra),
    }


def dataset_attrs(system: System, *, title: str, solvers: list[str], options: dict, prov: dict) -> dict[str, Any]:
    """The dataset attributes of a result (model, version, hash, revision, solver, tolerances, provenance)."""
    from ..version import __version__

    return {
        "title": title,
        "model": system.name,
        "model_version": __version__,
        "equations_hash": system.equations_hash(),
        "git_revision": git_revision(),
        "solver": "; ".join(sorted(set(solvers))),
        "rtol": float(options["rtol"]),
        "atol": json.dumps(_jsonable(options["atol"])),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "provenance": json.dumps(prov, sort_keys=True),
    }


def build_dataset(system: System, runs: list[dict], *, t_eval: np.ndarray, pvals: dict, y0vals: dict,
                  ensemble: bool, options: dict) -> xr.Dataset:
    """Assemble the Dataset of :func:`model.simulate` from raw runs (one entry per policy, each with
    ``policy``, ``cs``, ``paths``, ``L``, ``P``, ``Y``, ``info``, ``solver`` and ``failures``); see the
    module docstring."""

    multi = len(runs) > 1
    pdim = ("policy",) if multi else ()
    ddim = ("draw",) if ensemble else ()
    data: dict[str, Any] = {}
    # stocks, auxiliaries, inputs: stack over policies
    per_policy: list[dict[str, np.ndarray]] = []
    residuals: dict[str, float] = {}
    for run in runs:
        cs = run["cs"]
        Y = run["Y"]  # (m, nt, n)
        m = Y.shape[0]
        fields: dict[str, np.ndarray] = {n: Y[:, :, i] for i, n in enumerate(cs.states)}
        A = np.empty((m, t_eval.size, max(len(cs.observed_names), 1)))
        if m > 1:
            cs.ensemble_observe(t_eval, np.ascontiguousarray(Y), run["P"], run["L"], A)
        else:
            cs.observe_path(t_eval, np.ascontiguousarray(Y[0]), run["P"][0], run["L"], A[0])
        for name, r in identity_residuals(cs, A).items():
            residuals[name] = max(residuals.get(name, 0.0), float(np.fmax.reduce(r)))
        for i, n in enumerate(cs.observed_names):
            if not n.startswith(IDENTITY_PREFIX):
                fields[n] = A[:, :, i]
        U = np.empty((t_eval.size, max(len(cs.inputs), 1)))
        cs.inputs_path(t_eval, run["L"], U)
        for i, n in enumerate(cs.inputs):
            fields[n] = np.broadcast_to(U[:, i], (m, t_eval.size))
        per_policy.append(fields)

    def stacked(arrs: list[np.ndarray]) -> np.ndarray:
        arrs = [a if ensemble else a[0] for a in arrs]
        return np.stack(arrs) if multi else arrs[0]

    names = [n for n in system.variables if system.variables[n].kind != "parameter"]
    for n in names:
        arr = stacked([f[n] for f in per_policy])
        var = system.variables[n]
        attrs = variable_attrs(var)
        rules = {r["policy"].name: str(r["policy"].rules[n]) for r in runs
                 if r["policy"] is not None and n in r["policy"].rules}
        if rules:
            attrs["feedback_rules"] = json.dumps(rules, sort_keys=True)
        data[n] = (pdim + ddim + ("time",), arr, attrs)
    info = stacked([r["info"] for r in runs])
    failures = stacked([np.asarray(r["failures"], dtype=object) for r in runs])
    data.update(diagnostics(pdim + ddim, info, failures))
    for n, v in pvals.items():
        data[n] = (ddim if v.ndim else (), v if v.ndim else float(v), value_attrs(system, n, True if v.ndim else None))
    for n, v in y0vals.items():
        if v.ndim:
            data[start_name(system, n)] = (ddim, v, value_attrs(system, n, True))
    coords: dict[str, Any] = {"time": ("time", t_eval, {"long_name": "time", "units": "year"})}
    if multi:
        coords["policy"] = ("policy", [r["policy"].name if r["policy"] else "default" for r in runs],
                            {"long_name": "policy path", "units": "1",
                             "description": "name of the Policy (lever paths in the provenance)"})
    if ensemble:
        coords["draw"] = ("draw", np.arange(len(runs[0]["P"])), {"long_name": "parameter draw", "units": "1"})
    prov = provenance(system, parameters={n: ("draw" if v.ndim else float(v)) for n, v in pvals.items()},
                      initial={n: ("draw" if v.ndim else float(v)) for n, v in y0vals.items()},
                      policies=[r["policy"] for r in runs],
                      inputs={(r["policy"].name if r["policy"] else "default"): r["paths"] for r in runs},
                      options=options, residuals=residuals)
    attrs = dataset_attrs(system, title=f"{system.name} simulation", solvers=[r["solver"] for r in runs],
                          options=options, prov=prov)
    if not multi and runs[0]["policy"] is not None:
        attrs["policy"] = runs[0]["policy"].name
    return numpy_dataset(data, coords, attrs)


def numpy_dataset(data: dict[str, tuple], coords: dict[str, tuple], attrs: dict[str, Any]) -> xr.Dataset:
    """An ``xarray.Dataset`` of NumPy arrays, built without asking for dask's and pint's array types.

    xarray's general constructors check every array against the array types of dask and pint, which
    imports both where they are installed (0.3-0.6 s and 20,000 objects more for the interpreter to
    collect at exit). Here the arrays are made NumPy arrays first and handed to xarray's fast path,
    and each coordinate is indexed by a ``pandas.Index``; the result is identical
    (``Dataset.identical``) to ``xr.Dataset({k: xr.Variable(*v) ...}, coords=coords, attrs=attrs)``.

    Parameters
    ----------
    data : dict
        ``name -> (dims, values, attrs)``.
    coords : dict
        ``name -> (dim, 1-D values, attrs)``, one per dimension, in display order.
    attrs : dict
        Dataset attributes.

    Returns
    -------
    xarray.Dataset
    """
    with collector_paused():  # xarray and pandas: 38,000 objects on first import
        import pandas as pd
        import xarray as xr
        from xarray.indexes import PandasIndex

    variables, indexes = {}, {}
    for name, (dim, values, cattrs) in coords.items():
        arr = np.asarray(values)
        index = PandasIndex(pd.Index(arr), dim, coord_dtype=arr.dtype)
        var = index.create_variables()[dim]
        var.attrs.update(cattrs)
        variables[name], indexes[name] = var, index
    return xr.Dataset({k: xr.Variable(dims, np.asarray(values), vattrs, fastpath=True)
                       for k, (dims, values, vattrs) in data.items()},
                      coords=xr.Coordinates(variables, indexes), attrs=attrs)


def read_provenance(ds: xr.Dataset) -> dict:
    """The provenance of a result as a dict (raises :class:`ModelError` if missing or not JSON)."""
    try:
        prov = json.loads(ds.attrs["provenance"])
    except KeyError:
        raise ModelError("this dataset has no 'provenance' attribute: it is not a result of model.simulate") \
            from None
    except (TypeError, ValueError) as exc:
        raise ModelError(f"the result's 'provenance' attribute is not valid JSON: {exc}") from None
    if not isinstance(prov, dict):
        raise ModelError("the result's 'provenance' attribute is not a JSON object")
    return prov


#: how a saved ``origin`` becomes a model: set once by the package root (``model/__init__``) to
#: :func:`model.catalogue.rebuild`, so that the engine never imports the model catalogue (which
#: reaches the application, which runs on the engine: a cycle)
_REBUILD: list[Callable[[Any], System]] = []


def set_model_rebuilder(rebuild: Callable[[Any], System]) -> None:
    """Name the function that rebuilds a model from a result's ``origin`` (used by :func:`rebuild_system`).

    The package root sets it to :func:`model.catalogue.rebuild` (the package's own factories
    only); it is not meant to be changed by users.
    """
    _REBUILD[:] = [rebuild]


def rebuild_system(prov: dict) -> System:
    """The model named by a result's provenance, from the package's own factories only.

    Raises
    ------
    ModelError
        If the provenance names anything else (see :func:`model.catalogue.rebuild`).
    """
    if not _REBUILD:  # pragma: no cover - the package root always sets it
        raise ModelError("no model catalogue to rebuild the saved model from: pass the model (system=...)")
    return _REBUILD[0](prov.get("origin"))


def saved_exogenous(prov: dict) -> dict[str, Schedule]:
    """Exogenous paths saved in a result's provenance (schedules only; rules are refused)."""
    exo = (prov.get("options") or {}).get("exogenous") or {}
    if not isinstance(exo, dict):
        raise ModelError("the result's saved exogenous paths are not a mapping")
    out = {}
    for k, v in exo.items():
        path = path_from_dict(v, what=f"saved exogenous path {k!r}")
        if not isinstance(path, Schedule):
            raise ModelError(f"saved exogenous path {k!r}: exogenous inputs take a schedule, not a feedback rule")
        out[k] = path
    return out


def saved_inputs(prov: dict, names: Sequence[str]) -> dict[str, Schedule]:
    """The paths of the inputs ``names`` that a result used, from its provenance's ``inputs`` (the
    first policy's; exogenous inputs are the same under every policy). Results saved before models
    carried default exogenous paths record here the constant an input then took."""
    inputs = prov.get("inputs") or {}
    if not isinstance(inputs, dict):
        raise ModelError("the result's saved input paths are not a mapping")
    first: Any = next(iter(inputs.values()), {}) if inputs else {}
    if not isinstance(first, dict):
        raise ModelError("the result's saved input paths are not a mapping")
    out = {}
    for k in names:
        if k in first:
            path = path_from_dict(first[k], what=f"saved input path {k!r}")
            if not isinstance(path, Schedule):
                raise ModelError(f"saved input path {k!r}: an exogenous input takes a schedule, not a feedback rule")
            out[k] = path
    return out


def saved_policies(prov: dict) -> list[Policy | None]:
    """Policies saved in a result's provenance (rules parsed, never evaluated)."""
    pols = prov.get("policies")
    if not isinstance(pols, list):
        raise ModelError("the result's provenance has no list of policies")
    return [None if p is None else Policy.from_dict(p) for p in pols]

"""Results as ``xarray.Dataset`` with a fixed schema and full provenance.

Schema (design.md section 5)
----------------------------
* dims ``time`` [year]; ``policy`` when several policies were run; ``draw``
  for parameter/initial-value ensembles;
* one variable per stock, auxiliary and input (lever or exogenous), with
  attrs ``long_name``, ``units``, ``kind`` (and ``description``);
* one variable per parameter (scalar, or over ``draw``), ``kind="parameter"``;
* ``status`` (int, see ``flag_meanings``) and ``t_reached`` per run;
* dataset attrs: ``model``, ``model_version``, ``equations_hash``,
  ``git_revision``, ``solver``, ``rtol``, ``atol``, ``created`` and
  ``provenance`` (JSON: model origin, parameter values and sources, initial
  values, policies, exogenous paths, solver options, identity residuals).

:func:`rerun` rebuilds the model from the saved origin and reproduces the run.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..declare.levers import Policy, Schedule, as_path, path_from_dict

__all__ = ["build_dataset", "rerun", "git_revision"]


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


def _var_attrs(var, kind: str | None = None) -> dict[str, str]:
    attrs = {"long_name": var.long_name, "units": var.units, "kind": kind or var.kind}
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


def build_dataset(system, runs: list[dict], *, t_eval: np.ndarray, pvals: dict, y0vals: dict,
                  ensemble: bool, options: dict):
    """Assemble the Dataset from raw runs (one entry per policy); see the module docstring."""
    import xarray as xr

    from .. import __version__
    from .simulation import STATUS

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
        for i, n in enumerate(cs.observed_names):
            if n.startswith("identity_"):
                with np.errstate(invalid="ignore"):
                    r = np.nanmax(np.abs(A[:, :, i])) if np.isfinite(A[:, :, i]).any() else np.nan
                residuals[n[len("identity_"):]] = max(residuals.get(n[len("identity_"):], 0.0), float(r))
            else:
                fields[n] = A[:, :, i]
        U = np.empty((t_eval.size, max(len(cs.inputs), 1)))
        cs.inputs_path(t_eval, run["L"], U)
        for i, n in enumerate(cs.inputs):
            fields[n] = np.broadcast_to(U[:, i], (m, t_eval.size))
        fields["status"] = run["info"][:, 0].astype(np.int8)
        fields["t_reached"] = run["info"][:, 1].copy()
        per_policy.append(fields)

    def squeeze(a: np.ndarray) -> np.ndarray:
        return a if ensemble else a[0]

    names = [n for n in system.variables if system.variables[n].kind != "parameter"]
    for n in names:
        arrs = [squeeze(f[n]) for f in per_policy]
        arr = np.stack(arrs) if multi else arrs[0]
        var = system.variables[n]
        attrs = _var_attrs(var)
        rules = {r["policy"].name: str(r["policy"].rules[n]) for r in runs
                 if r["policy"] is not None and n in r["policy"].rules}
        if rules:
            attrs["feedback_rules"] = json.dumps(rules, sort_keys=True)
        data[n] = (pdim + ddim + ("time",), arr, attrs)
    for n in ("status", "t_reached"):
        arrs = [squeeze(f[n]) for f in per_policy]
        arr = np.stack(arrs) if multi else arrs[0]
        attrs = ({"long_name": "run status", "units": "1", "kind": "diagnostic",
                  "flag_values": np.array(sorted(STATUS), dtype=np.int8),
                  "flag_meanings": " ".join(STATUS[k] for k in sorted(STATUS))}
                 if n == "status" else
                 {"long_name": "last time reached by the solver", "units": "year", "kind": "diagnostic"})
        data[n] = (pdim + ddim, arr, attrs)
    for n, v in pvals.items():
        var = system.variables[n]
        attrs = _var_attrs(var)
        if var.source:
            attrs["source"] = var.source
        data[n] = (ddim if v.ndim else (), v if v.ndim else float(v), attrs)
    for n, v in y0vals.items():
        if v.ndim:
            var = system.variables[n]
            data[f"{n}__initial"] = (ddim, v, {**_var_attrs(var, "initial"),
                                              "long_name": f"initial {var.long_name}"})
    coords: dict[str, Any] = {"time": ("time", t_eval, {"long_name": "time", "units": "year"})}
    if multi:
        coords["policy"] = ("policy", [r["policy"].name for r in runs],
                              {"long_name": "policy path", "units": "1",
                               "description": "name of the Policy (lever paths in the provenance)"})
    if ensemble:
        coords["draw"] = ("draw", np.arange(len(runs[0]["P"])),
                            {"long_name": "parameter draw", "units": "1"})
    prov = {
        "model": system.name,
        "origin": _jsonable(dict(system.origin)),
        "equations_hash": system.equations_hash(),
        "parameters": {n: ("draw" if v.ndim else float(v)) for n, v in pvals.items()},
        "initial": {n: ("draw" if v.ndim else float(v)) for n, v in y0vals.items()},
        "policies": [r["policy"].to_dict() if r["policy"] is not None else None for r in runs],
        "inputs": {(r["policy"].name if r["policy"] else "default"): {k: s.to_dict() for k, s in r["paths"].items()}
                   for r in runs},
        "options": _jsonable({**options, "exogenous": {k: as_path(k, v).to_dict()
                                                        for k, v in (options.get("exogenous") or {}).items()}}),
        "identity_max_residual": residuals,
    }
    solvers = sorted({r["solver"] for r in runs})
    attrs = {
        "title": f"{system.name} simulation",
        "model": system.name,
        "model_version": __version__,
        "equations_hash": system.equations_hash(),
        "git_revision": git_revision(),
        "solver": "; ".join(solvers),
        "rtol": float(options["rtol"]),
        "atol": json.dumps(_jsonable(options["atol"])),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "provenance": json.dumps(prov, sort_keys=True),
    }
    if not multi and runs[0]["policy"] is not None:
        attrs["policy"] = runs[0]["policy"].name
    return xr.Dataset({k: xr.Variable(*v) for k, v in data.items()}, coords=coords, attrs=attrs)


def read_provenance(ds) -> dict:
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


def rebuild_system(prov: dict):
    """The model named by a result's provenance, from the package's own factories only.

    Raises
    ------
    ModelError
        If the provenance names anything else (see :func:`model.library.registry.rebuild`).
    """
    from ..library.registry import rebuild

    return rebuild(prov.get("origin"))


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


def saved_policies(prov: dict) -> list[Policy | None]:
    """Policies saved in a result's provenance (rules parsed, never evaluated)."""
    pols = prov.get("policies")
    if not isinstance(pols, list):
        raise ModelError("the result's provenance has no list of policies")
    return [None if p is None else Policy.from_dict(p) for p in pols]


def rerun(ds, system=None, **overrides):
    """Re-run a saved result with the same model, values, policies and solver options.

    Parameters
    ----------
    ds : xarray.Dataset
        A result of :func:`model.simulate` (possibly reloaded from netCDF).
    system : System, optional
        The model; by default rebuilt from the provenance, which may only name one
        of the package's own factories (:data:`model.library.registry.FACTORIES`)
        with plain keyword arguments. Pass it for any other model.
    **overrides
        Keyword arguments passed on to :func:`model.simulate` instead of the saved ones.

    Raises
    ------
    ModelError
        If the provenance names a factory outside the package's registry or arguments it
        does not accept, holds a rule or path that is not an allowed expression (nothing
        in the file is evaluated), or if the model's equations hash differs from the saved one.
    """
    from .simulation import simulate

    prov = read_provenance(ds)
    for key, kind in (("equations_hash", str), ("parameters", dict), ("initial", dict), ("options", dict)):
        if not isinstance(prov.get(key), kind):
            raise ModelError(f"the result's provenance has no valid {key!r} ({'text' if kind is str else 'a mapping'} "
                             "expected): it cannot be re-run")
    opts = prov["options"]
    for key in ("t_span", "method", "rtol", "atol", "dt", "max_steps"):
        if key not in opts:
            raise ModelError(f"the result's provenance has no solver option {key!r}: it cannot be re-run")
    for key in ("rtol", "max_steps"):
        if isinstance(opts[key], bool) or not isinstance(opts[key], (int, float)):
            raise ModelError(f"the result's saved solver option {key!r} is not a number: {opts[key]!r:.40}")
    if not (isinstance(opts["t_span"], list) and len(opts["t_span"]) == 2):
        raise ModelError("the result's saved t_span is not a pair [start, end]")
    for key, value in (*prov["parameters"].items(), *prov["initial"].items()):
        if value == "draw" and key not in ds and f"{key}__initial" not in ds:
            raise ModelError(f"the result's provenance says {key!r} was drawn, but the dataset holds no such variable")
    policies = saved_policies(prov)
    if not policies:
        raise ModelError("the result's provenance has an empty list of policies")
    exo = saved_exogenous(prov)
    if system is None:
        system = rebuild_system(prov)
    if system.equations_hash() != prov["equations_hash"]:
        raise ModelError(f"model {system.name!r} has changed since this result was made: equations hash "
                         f"{system.equations_hash()} != saved {prov['equations_hash']}")
    params = {n: (ds[n].values if v == "draw" else v) for n, v in prov["parameters"].items()}
    initial = {n: (ds[f"{n}__initial"].values if v == "draw" else v) for n, v in prov["initial"].items()}
    kwargs = dict(params=params, initial=initial,
                  policies=None if policies == [None] else (policies if len(policies) > 1 else policies[0]),
                  t_span=tuple(opts["t_span"]), t_eval=ds["time"].values, exogenous=exo or None,
                  method=opts["method"], rtol=opts["rtol"], atol=opts["atol"], dt=opts["dt"],
                  max_steps=opts["max_steps"])
    kwargs.update(overrides)
    return simulate(system, **kwargs)


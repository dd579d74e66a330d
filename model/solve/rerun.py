"""Re-run a saved result: the same model, values, policies and solver options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError
from .results import read_provenance, rebuild_system, saved_exogenous, saved_inputs, saved_policies, start_name
from .simulation import simulate

if TYPE_CHECKING:
    import xarray as xr

    from ..core.system import System

__all__ = ["rerun"]


def rerun(ds: xr.Dataset, system: System | None = None, **overrides: Any) -> xr.Dataset:
    """Re-run a saved result with the same model, values, policies and solver options.

    Parameters
    ----------
    ds : xarray.Dataset
        A result of :func:`model.simulate` or :func:`model.ensemble` (possibly reloaded from netCDF);
        an ensemble is repeated with :func:`model.ensemble` from its drawn values.
    system : System, optional
        The model; by default rebuilt from the provenance, which may only name one
        of the package's own factories (:data:`model.catalogue.FACTORIES`)
        with plain keyword arguments. Pass it for any other model.
    **overrides
        Keyword arguments passed on to :func:`model.simulate` (:func:`model.ensemble`) instead of the
        saved ones.

    Raises
    ------
    ModelError
        If the provenance names a factory outside the package's registry or arguments it
        does not accept, holds a rule or path that is not an allowed expression (nothing
        in the file is evaluated), or if the model's equations hash differs from the saved one.
    """
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
    def held(key: str) -> str | None:
        """The variable holding the drawn value of ``key``: a parameter's own name, a stock's
        ``<stock>_start`` (:func:`start_name`; ``<stock>__initial`` in results saved before)."""
        stock = key in prov["initial"]
        names = ([start_name(system, key)] if system is not None and key in system.variables else [f"{key}_start"]) \
            + [f"{key}__initial"] if stock else [key]
        return next((n for n in names if n in ds and ds[n].dims == ("draw",)), None)

    for key, value in (*prov["parameters"].items(), *prov["initial"].items()):
        if value == "draw" and held(key) is None:
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
    # every exogenous input as it was: results saved before a model carried its default paths name
    # only the paths that were passed; the others then took the constant recorded under 'inputs'
    exo = {**saved_inputs(prov, [k for k in system.exogenous if k not in exo]), **exo}
    pols = None if policies == [None] else policies
    if isinstance(prov.get("ensemble"), dict):
        return _rerun_ensemble(ds, system, prov, pols, exo, opts, overrides)
    params = {n: (ds[held(n)].values if v == "draw" else v) for n, v in prov["parameters"].items()}
    initial = {n: (ds[held(n)].values if v == "draw" else v) for n, v in prov["initial"].items()}
    kwargs = dict(params=params, initial=initial,
                  policies=pols if pols is None or len(pols) > 1 else pols[0],
                  t_span=tuple(opts["t_span"]), t_eval=ds["time"].values, exogenous=exo or None,
                  method=opts["method"], rtol=opts["rtol"], atol=opts["atol"], dt=opts["dt"],
                  max_steps=opts["max_steps"])
    kwargs.update(overrides)
    return simulate(system, **kwargs)


def _rerun_ensemble(ds, system, prov: dict, policies, exo: dict, opts: dict, overrides: dict):
    """Repeat an ensemble: the same draws (the variables ``drawn=1``), policies, span, kept paths,
    outcomes, start hook, solver options and identity tolerance."""
    import pandas as pd

    from .ensembles import ensemble

    spec = prov["ensemble"]
    drawn = spec.get("drawn")
    if not isinstance(drawn, list) or not drawn or not all(isinstance(n, str) for n in drawn):
        raise ModelError("the ensemble's provenance has no list of drawn names: it cannot be re-run")
    missing = [n for n in drawn if n not in system.variables or start_name(system, n) not in ds]
    if missing:
        raise ModelError(f"the ensemble's provenance says {missing[0]!r} was drawn, but the dataset holds no such "
                         "variable")
    draws = pd.DataFrame({n: np.asarray(ds[start_name(system, n)].values, float) for n in drawn})
    kwargs = dict(policies=policies, t_span=tuple(opts["t_span"]), t_eval=ds["time"].values, exogenous=exo or None,
                  variables=tuple(spec.get("variables") or ()), outcomes=bool(spec.get("outcomes")),
                  consistent=bool(spec.get("consistent", True)), baseline=spec.get("baseline"),
                  method=opts["method"], rtol=opts["rtol"], atol=opts["atol"], max_steps=opts["max_steps"],
                  progress=False)
    if isinstance(prov.get("identity_tol"), (int, float)) and not isinstance(prov["identity_tol"], bool):
        kwargs["identity_tol"] = float(prov["identity_tol"])  # ensembles saved before it was recorded: the default
    kwargs.update(overrides)
    return ensemble(system, draws, **kwargs)


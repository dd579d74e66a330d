"""Re-run a saved result: the same model, values, policies and solver options."""

from __future__ import annotations

from ..errors import ModelError
from .results import read_provenance, rebuild_system, saved_exogenous, saved_policies
from .simulation import simulate

__all__ = ["rerun"]


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


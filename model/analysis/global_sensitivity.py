"""Global sensitivity: Sobol first- and total-order indices and Morris screening (SALib).

The generic functions take any vectorised function of a table of parameter
values; :func:`model_sensitivity` applies them to the outcomes of an ensemble of
a model with an outcome registry (one policy, or the contrast between two).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError
from .draws import check_range

if TYPE_CHECKING:
    import xarray as xr

    from ..core.system import System

__all__ = ["model_sensitivity", "morris_screening", "sobol_indices"]


def _problem(bounds: Mapping[str, tuple[float, float]]) -> dict:
    if not bounds:
        raise ModelError("give at least one parameter range")
    names = list(bounds)
    return {"num_vars": len(names), "names": names, "bounds": [list(check_range(k, *bounds[k])) for k in names]}


def _evaluate(func: Callable, X: np.ndarray, names: list[str]) -> dict[str, np.ndarray]:
    import pandas as pd

    out = func(pd.DataFrame(X, columns=names))
    if isinstance(out, Mapping):
        res = {k: np.asarray(v, float).ravel() for k, v in out.items()}
    elif hasattr(out, "columns"):
        res = {str(k): out[k].to_numpy(float) for k in out.columns}
    else:
        res = {"y": np.asarray(out, float).ravel()}
    for k, v in res.items():
        if v.shape != (X.shape[0],):
            raise ModelError(f"the function returned {v.shape} values of {k!r} for {X.shape[0]} samples")
        bad = int(np.sum(~np.isfinite(v)))
        if bad:
            raise ModelError(f"{bad} of {v.size} evaluations of {k!r} are not finite (members that failed or left "
                             "the model's plausible range?); Sobol and "
                             "Morris estimators need every sample: narrow the ranges, or check the ensemble's "
                             "status and failure variables")
    return res


def _check_starts(system: System, table, method: str) -> None:
    """Refuse a design with members for which the model has no start (its ``meta.derive_start`` gives NaN): the
    estimators need every member, and integrating the design first would only end in the same refusal.

    Raises
    ------
    ModelError
        One line: how many members lack a start, the first one's reason and what to do.
    """
    from .draws import has_start

    ok = has_start(system, table)
    if ok.all():
        return
    reason = "its derived start is not finite"
    if system.meta.no_start is not None:
        said = system.meta.no_start(system, {str(k): table[k].to_numpy(float)[~ok][:1] for k in table.columns})[0]
        reason = said or reason
    raise ModelError(f"{int((~ok).sum())} of {ok.size} members of the {method} design have no start ({reason}); "
                     f"{method} estimators need every member: narrow the ranges to a region where every combination "
                     "starts, or hold the parameters the reason names")


def sobol_indices(func: Callable, bounds: Mapping[str, tuple[float, float]], n: int, *, seed: int = 0,
                  conf_level: float = 0.95, num_resamples: int = 200) -> xr.Dataset:
    """Sobol first-order (S1) and total-order (ST) indices with bootstrap confidence intervals.

    Saltelli's scheme with a scrambled Sobol sequence (SALib): ``n (d + 2)``
    evaluations for ``d`` parameters; Jansen's total-order and Saltelli 2010
    first-order estimators.

    Parameters
    ----------
    func : callable
        ``func(table) -> mapping outcome -> array`` (or a DataFrame, or one array),
        vectorised over the rows of ``table`` (a DataFrame, one column per parameter).
    bounds : mapping
        ``name -> (low, high)``: independent uniform inputs.
    n : int
        Base sample size (a power of two).
    seed : int
        Seed of the sequence's scrambling and of the bootstrap.
    conf_level : float
        Confidence level of the intervals.
    num_resamples : int
        Bootstrap resamples.

    Returns
    -------
    xarray.Dataset
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` over (``outcome``, ``parameter``);
        ``*_conf`` is the half-width of the interval.
    """
    import xarray as xr
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    problem = _problem(bounds)
    n = int(n)
    if n < 2 or n & (n - 1):
        raise ModelError(f"n must be a power of two (>= 2) for the Sobol sequence, got {n}")
    X = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    Y = _evaluate(func, X, problem["names"])
    rows = {k: sobol_analyze.analyze(problem, v, calc_second_order=False, num_resamples=num_resamples,
                                     conf_level=conf_level, seed=seed) for k, v in Y.items()}
    data = {key: (("outcome", "parameter"), np.array([rows[k][key] for k in Y]))
            for key in ("S1", "S1_conf", "ST", "ST_conf")}
    ds = xr.Dataset(data, coords={"outcome": list(Y), "parameter": problem["names"]})
    ds.attrs.update(method="Sobol (Saltelli sampling, Jansen ST, Saltelli 2010 S1; SALib)", n_base=n,
                    n_evaluations=int(X.shape[0]), conf_level=conf_level, seed=seed)
    return ds


def morris_screening(func: Callable, bounds: Mapping[str, tuple[float, float]], trajectories: int, *,
                     levels: int = 4, seed: int = 0, conf_level: float = 0.95, num_resamples: int = 200
                     ) -> xr.Dataset:
    """Morris elementary-effects screening: ``mu_star`` (importance), ``sigma`` (interactions or nonlinearity).

    ``trajectories (d + 1)`` evaluations. Elementary effects are changes of the
    outcome per change of the parameter as a fraction of its range, so
    ``mu_star`` is in the outcome's units (the effect of moving across the range).

    Returns
    -------
    xarray.Dataset
        ``mu``, ``mu_star``, ``mu_star_conf``, ``sigma`` over (``outcome``, ``parameter``).
    """
    import xarray as xr
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    problem = _problem(bounds)
    if int(trajectories) < 2:
        raise ModelError(f"Morris screening needs at least 2 trajectories, got {trajectories}")
    X = morris_sample.sample(problem, int(trajectories), num_levels=levels, seed=seed)
    Y = _evaluate(func, X, problem["names"])
    rows = {k: morris_analyze.analyze(problem, X, v, num_levels=levels, conf_level=conf_level,
                                      num_resamples=num_resamples, seed=seed) for k, v in Y.items()}
    data = {key: (("outcome", "parameter"), np.array([np.asarray(rows[k][key], float) for k in Y]))
            for key in ("mu", "mu_star", "mu_star_conf", "sigma")}
    ds = xr.Dataset(data, coords={"outcome": list(Y), "parameter": problem["names"]})
    ds.attrs.update(method="Morris elementary effects (SALib)", trajectories=int(trajectories), levels=levels,
                    n_evaluations=int(X.shape[0]), conf_level=conf_level, seed=seed)
    return ds


def model_sensitivity(system: System, bounds: Mapping[str, tuple[float, float]], *, method: str = "sobol",
                      n: int = 256, policies: Sequence[Any] | None = None, policy: str | None = None,
                      contrast: tuple[str, str] | None = None, outcomes: Sequence[str] | None = None,
                      seed: int = 0, **ensemble_options: Any) -> xr.Dataset:
    """Sobol indices or Morris screening of ensemble outcomes.

    Parameters
    ----------
    system : System
        The model.
    bounds : mapping
        ``name -> (low, high)`` of the parameters varied (uniform).
    method : {"sobol", "morris"}
    n : int
        Sobol base sample (power of two) or Morris trajectories.
    policies : list of Policy
        The policies simulated.
    policy : str, optional
        Analyse the outcomes under this policy (default the first).
    contrast : (str, str), optional
        Analyse ``outcome[a] - outcome[b]`` instead (two policy names): which parameters
        decide the difference between paths.
    outcomes : sequence of str, optional
        Outcome names (``system.meta.outcomes``); default the model's summary outcomes.
    seed : int
    **ensemble_options
        Passed to :func:`model.ensemble` (``t_span``, ``exogenous``, ``client``, ...; the span
        defaults to the model's).

    Returns
    -------
    xarray.Dataset
        As :func:`sobol_indices` or :func:`morris_screening`, with the policy or contrast in the attributes.
    """
    from ..solve.ensembles import ensemble

    if method not in ("sobol", "morris"):
        raise ModelError(f"unknown sensitivity method {method!r}; valid: sobol, morris")
    valid = [o.name for o in system.meta.outcomes if not o.experiment]
    if outcomes is None:
        outcomes = [o.name for o in system.meta.outcomes if o.summary and not o.experiment]
    bad = [o for o in outcomes if o not in valid]
    if bad or not outcomes:
        raise ModelError(f"unknown outcome(s) {', '.join(bad) or '(none given)'}; "
                         f"valid: {', '.join(valid) or '(none)'}")
    names_pol = [p.name for p in (policies or [])]
    for name in ([policy] if policy else []) + list(contrast or []):
        if name not in names_pol:
            raise ModelError(f"policy {name!r} is not among the policies simulated ({', '.join(names_pol)})")

    def func(table):
        _check_starts(system, table, method)  # before integrating the design: every member needs a start
        ens = ensemble(system, table, policies, variables=(), progress=False, **ensemble_options)
        if contrast:
            a, b = contrast
            return {o: (ens[o].sel(policy=a) - ens[o].sel(policy=b)).values for o in outcomes}
        pol = policy or names_pol[0]
        return {o: ens[o].sel(policy=pol).values for o in outcomes}

    if method == "sobol":
        ds = sobol_indices(func, bounds, n, seed=seed)
    else:
        ds = morris_screening(func, bounds, n, seed=seed)
    ds.attrs["target"] = f"{contrast[0]} minus {contrast[1]}" if contrast else (policy or names_pol[0])
    ds.attrs["model"] = system.name
    span = ensemble_options.get("t_span") or system.meta.t_span
    assert span is not None  # ensemble() has refused a model without a span
    ds.attrs["horizon"] = f"{span[0]:g}-{span[1]:g}"
    return ds

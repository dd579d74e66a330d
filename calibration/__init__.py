"""Calibration of the directed-growth model on real US and UK data.

Data (:mod:`calibration.data`), block-wise regressions (:mod:`calibration.block_estimates`), the
historical replay (:mod:`calibration.replay`), whole-model least squares with exact
sensitivities (:mod:`calibration.least_squares`), posterior sampling and profiles
(:mod:`calibration.bayes`), the end-to-end :func:`calibrate`, and the committed parameter
files, named by country wherever the package is installed (:func:`param_file`).
"""

import importlib

#: public name -> the submodule defining it; imported on first access (PEP 562), so that
#: ``import calibration`` (the CLI's parser, its error types) does not load xarray, scipy or emcee
_EXPORTS = {
    "Posterior": "bayes", "Prior": "bayes", "profile_likelihood": "bayes", "sample_posterior": "bayes",
    "Fit": "fit",
    "Problem": "least_squares", "Target": "least_squares", "fit_least_squares": "least_squares",
    "read_params": "paramfile", "write_params": "paramfile",
    "Calibration": "pipeline", "calibrate": "pipeline",
    "STRUCTURAL_PRIORS": "posterior", "file_parameters": "posterior", "posterior_draws": "posterior",
    "read_posterior_csv": "posterior", "write_posterior_csv": "posterior",
    "country_model": "replay", "observed_policy": "replay",
    "load_targets": "targets",
    "COUNTRIES": "params", "param_file": "params",
}


def __getattr__(name: str):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__all__ = list(_EXPORTS)

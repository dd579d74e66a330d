"""Calibration of the directed-growth model on real US and UK data.

Data (:mod:`calibration.data`), block-wise regressions (:mod:`calibration.block_estimates`), the
historical replay (:mod:`calibration.replay`), whole-model least squares with exact
sensitivities (:mod:`calibration.least_squares`), posterior sampling and profiles
(:mod:`calibration.bayes`), and the end-to-end :func:`calibrate`.
"""

from .bayes import Posterior, Prior, profile_likelihood, sample_posterior
from .fit import Fit
from .least_squares import Problem, Target, fit_least_squares
from .paramfile import read_params, write_params
from .pipeline import Calibration, calibrate
from .posterior import STRUCTURAL_PRIORS, posterior_draws
from .replay import country_model, observed_policy
from .targets import load_targets

__all__ = ["calibrate", "Calibration", "Fit", "Problem", "Target", "fit_least_squares", "Prior", "Posterior",
           "sample_posterior", "profile_likelihood", "country_model", "observed_policy", "load_targets",
           "read_params", "write_params", "posterior_draws", "STRUCTURAL_PRIORS"]

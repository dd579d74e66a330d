"""Committed parameter files written by ``dgm calibrate``: the joint Bayesian calibrations (``usa_joint.toml``,
``gbr_joint.toml``, each with its posterior tables ``<country>_posterior.csv`` and ``<country>_posterior_bh.csv``;
``dgm calibrate --country USA --joint``), the default of every command, and the block-wise calibrations
(``usa.toml``, ``gbr.toml``: block estimates with their own MCMC posterior; ``dgm calibrate --country USA``).

:func:`param_file` names one of them by country, so code run from any directory finds the
installed file: ``read_params(param_file("usa"))``, ``param_file("usa", joint=True)``;
:func:`default_param_file` is the one the commands use when no ``--params`` is given.
"""

from pathlib import Path

from model.errors import CalibrationError

__all__ = ["COUNTRIES", "PARAM_DIR", "default_param_file", "param_file"]

#: folder of the committed parameter files
PARAM_DIR = Path(__file__).parent

#: the countries with a committed calibration (the file is ``<country>.toml``)
COUNTRIES = ("usa", "gbr")


def param_file(country: str = "usa", *, joint: bool = False) -> Path:
    """Path of the committed (installed) parameter file of a country.

    Parameters
    ----------
    country : str
        ``"usa"`` or ``"gbr"``;
        ISO 3166 alpha-3 code, any case.
    joint : bool
        The joint Bayesian calibration (``<country>_joint.toml``, the commands' default:
        :func:`default_param_file`) instead of the block-wise one (``<country>.toml``).

    Returns
    -------
    pathlib.Path
        Absolute path of ``calibration/params/<country>.toml`` (``<country>_joint.toml``) where the package is
        installed, for :func:`calibration.read_params` and :func:`calibration.posterior_draws`.

    Raises
    ------
    CalibrationError
        An unknown country (the message lists the valid ones).
    """
    key = str(country).strip().lower()
    if key not in COUNTRIES:
        raise CalibrationError(f"no committed calibration for country {country!r}; choose from "
                               f"{', '.join(COUNTRIES)}")
    return PARAM_DIR / f"{key}{'_joint' if joint else ''}.toml"


def default_param_file(country: str = "usa") -> Path:
    """The parameter file the commands (``dgm compare``, ``dgm ensemble``, ``dgm sensitivity``, ``dgm figures``)
    use when no ``--params`` is given: the joint Bayesian calibration of ``country``.

    Issue 14 asks the verdict to be drawn from the joint posterior (every estimated parameter in one posterior:
    block likelihoods, the whole-model replay and the impulse-response distance) and from stated priors for the
    rest; the block-wise file (``param_file(country)``) treats the block estimates as independent.

    Parameters
    ----------
    country : str
        ``"usa"`` or ``"gbr"`` (any case).

    Returns
    -------
    pathlib.Path
        ``param_file(country, joint=True)``.

    Raises
    ------
    CalibrationError
        An unknown country (the message lists the valid ones).
    """
    return param_file(country, joint=True)

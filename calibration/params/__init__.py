"""Committed parameter files written by ``dgm calibrate``: the default calibrations (``usa.toml``, ``gbr.toml``)
and the joint Bayesian calibrations (``usa_joint.toml``, ``gbr_joint.toml``, each with its posterior tables
``<country>_posterior.csv`` and ``<country>_posterior_bh.csv``; ``dgm calibrate --country USA --joint``).

:func:`param_file` names one of them by country, so code run from any directory finds the
installed file: ``read_params(param_file("usa"))``, ``param_file("usa", joint=True)``.
"""

from pathlib import Path

from model.errors import CalibrationError

__all__ = ["COUNTRIES", "PARAM_DIR", "param_file"]

#: folder of the committed parameter files
PARAM_DIR = Path(__file__).parent

#: the countries with a committed calibration (the file is ``<country>.toml``)
COUNTRIES = ("usa", "gbr")


def param_file(country: str = "usa", *, joint: bool = False) -> Path:
    """Path of the committed (installed) parameter file of a country.

    Parameters
    ----------
    country : str
        ``"usa"`` (the default calibration of ``dgm compare`` and ``dgm ensemble``) or ``"gbr"``;
        ISO 3166 alpha-3 code, any case.
    joint : bool
        The joint Bayesian calibration (``<country>_joint.toml``) instead of the default one.

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

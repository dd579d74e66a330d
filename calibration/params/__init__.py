"""Committed parameter files (``usa.toml``, ``gbr.toml``) written by ``dgm calibrate``.

:func:`param_file` names one of them by country, so code run from any directory finds the
installed file: ``read_params(param_file("usa"))``.
"""

from pathlib import Path

from model.errors import CalibrationError

__all__ = ["COUNTRIES", "PARAM_DIR", "param_file"]

#: folder of the committed parameter files
PARAM_DIR = Path(__file__).parent

#: the countries with a committed calibration (the file is ``<country>.toml``)
COUNTRIES = ("usa", "gbr")


def param_file(country: str = "usa") -> Path:
    """Path of the committed (installed) parameter file of a country.

    Parameters
    ----------
    country : str
        ``"usa"`` (the default calibration of ``dgm compare`` and ``dgm ensemble``) or ``"gbr"``;
        ISO 3166 alpha-3 code, any case.

    Returns
    -------
    pathlib.Path
        Absolute path of ``calibration/params/<country>.toml`` where the package is installed,
        for :func:`calibration.read_params` and :func:`calibration.posterior_draws`.

    Raises
    ------
    CalibrationError
        An unknown country (the message lists the valid ones).
    """
    key = str(country).strip().lower()
    if key not in COUNTRIES:
        raise CalibrationError(f"no committed calibration for country {country!r}; choose from "
                               f"{', '.join(COUNTRIES)}")
    return PARAM_DIR / f"{key}.toml"

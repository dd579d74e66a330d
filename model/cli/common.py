"""What the ``dgm`` commands share: the compared policy paths and the calibrated model."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ModelError

if TYPE_CHECKING:
    from calibration.posterior import MissingVariantError

__all__ = ["POLICY_PATHS", "calibrated_model", "read_params", "COUNTRY_HELP", "country_option", "model_country",
           "country_file", "country_files", "file_country", "missing_variant"]

def _policy_paths() -> tuple[str, ...]:
    from ..directed_growth.policies import PATHS

    return tuple(p.name for p in PATHS)


#: policy paths of ``dgm compare`` (:data:`model.directed_growth.policies.PATHS`), in comparison order
POLICY_PATHS = _policy_paths()


def _read_toml(path: Path) -> dict:
    """A ``--params`` file as a dict (checked readable, parsed as TOML: data, never code).

    Raises
    ------
    ModelError
        One line naming ``--params``: missing, a directory, unreadable or invalid TOML.
    """
    import tomllib

    from ..files import check_input

    check_input(path, "--params", "TOML parameter file")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"--params {path}: invalid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"--params {path}: cannot read: {exc}") from None


def read_params(path: Path, system) -> dict[str, float]:
    """Parameter overrides from the ``[parameters]`` table of a TOML file.

    Parameters
    ----------
    path : pathlib.Path
        The ``--params`` file.
    system : System
        The model whose parameters the file sets.

    Returns
    -------
    dict
        Parameter name -> value (finite, within the declared bounds).

    Raises
    ------
    ModelError
        One line naming ``--params`` and the problem: unreadable or invalid TOML, no
        ``[parameters]`` table, unknown names, values that are not finite numbers or lie
        outside their bounds.
    """
    doc = _read_toml(path)
    table = doc.get("parameters")
    if not isinstance(table, dict):
        raise ModelError(f"--params {path}: expected a [parameters] table of name = value")
    return _checked(path, table, system)


def _checked(path: Path, table: dict, system) -> dict[str, float]:
    """``table`` (name -> value, from ``--params``) checked against ``system``: :func:`read_params`' checks."""
    import math

    unknown = sorted(k for k in table if k not in system.parameters)
    if unknown:
        raise ModelError(f"--params {path}: unknown parameter(s) {', '.join(map(repr, unknown))} for model "
                         f"{system.name!r}")
    bad = sorted(k for k, v in table.items()
                 if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v))
    if bad:
        raise ModelError(f"--params {path}: value(s) of {', '.join(map(repr, bad))} must be finite numbers")
    for k, v in table.items():
        lo, hi = system[k].bounds
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise ModelError(f"--params {path}: {k!r} = {v:g} is outside its declared bounds [{lo}, {hi}]")
    return {k: float(v) for k, v in table.items()}


#: help text of ``--country`` (the commands that build the directed-growth model)
COUNTRY_HELP = ("start from this country's 2025 data and use its calibration (USA or GBR, case-insensitive; "
                "default: the --params file's country, else USA)")


#: the names the README and the figures use for the countries, accepted by ``--country`` for their ISO codes
COUNTRY_ALIASES = {"US": "USA", "UK": "GBR"}


def country_option(text: str) -> str:
    """``--country`` value: an ISO code of :data:`model.directed_growth.countries.COUNTRIES` (case-insensitive),
    or the short name of :data:`COUNTRY_ALIASES` (``UK`` for ``GBR``, ``US`` for ``USA``).

    Raises
    ------
    argparse.ArgumentTypeError
        Another code (argparse prints it as a one-line usage error naming the valid codes).
    """
    import argparse

    from ..directed_growth.countries import COUNTRIES

    code = text.strip().upper()
    code = COUNTRY_ALIASES.get(code, code)
    if code not in COUNTRIES:
        raise argparse.ArgumentTypeError(f"unknown country {text!r}; valid: {', '.join(COUNTRIES)} "
                                         f"(or {', '.join(f'{k} for {v}' for k, v in COUNTRY_ALIASES.items())})")
    return code


def country_file(name: str, country: str) -> str:
    """The file name of a country's result: ``name`` with the lower-case ISO code before its extension.

    Every file a command names itself (not a name the user gave) carries the country, so results of
    two countries can sit in one directory: ``country_file("comparison.nc", "GBR")`` is
    ``comparison_gbr.nc``, ``country_file("fan_chart", "USA")`` is ``fan_chart_usa`` (the figure
    writers add ``.pdf`` and ``.png``); ``dgm calibrate``'s figures follow the same scheme (``fit_usa``).

    Parameters
    ----------
    name : str
        The file name without the country (``"outcomes.csv"``), with or without an extension.
    country : str
        ISO 3166 alpha-3 code (``"USA"``, ``"GBR"``; any case).

    Returns
    -------
    str
    """
    stem, dot, ext = name.partition(".")
    return f"{stem}_{country.lower()}{dot}{ext}"


def country_files(names: Iterable[str], country: str) -> tuple[str, ...]:
    """:func:`country_file` of each of ``names``: the set of files a command writes for ``country``
    (``country_files(COMPARE_FILES, "USA")`` is ``dgm compare``'s US set)."""
    return tuple(country_file(n, country) for n in names)


def file_country(path: Path) -> str | None:
    """The ``[meta] country`` of a parameter file (an ISO code), or None when the file names none.

    Raises
    ------
    ModelError
        The file is unreadable, not TOML, or names another country (one line naming ``--params``).
    """
    from ..directed_growth.countries import COUNTRIES

    meta = _read_toml(path).get("meta", {})
    code = meta.get("country") if isinstance(meta, dict) else None
    if code is None:
        return None
    if not isinstance(code, str) or code.upper() not in COUNTRIES:
        raise ModelError(f"--params {path}: [meta] country must be one of {', '.join(COUNTRIES)}, got {code!r}")
    return code.upper()


def _variant_params(path: Path, variant: str, system, country: str | None) -> dict[str, float]:
    """The medians of ``variant``'s posterior in the joint parameter file ``path``, checked as ``[parameters]``."""
    from calibration.posterior import MissingVariantError, variant_medians

    _read_toml(path)  # the file's problems named with --params, as without --variant
    try:
        table = variant_medians(path, variant)
    except MissingVariantError as exc:
        raise missing_variant(exc, country) from None
    return _checked(path, table, system)


def missing_variant(exc: MissingVariantError, country: str | None) -> ModelError:
    """The one-line error of ``--variant`` on a parameter file without that variant's posterior table:
    ``exc``'s message after the option, and the shipped joint calibration of the country (``--country``, else the
    file's) when it is another file.

    Parameters
    ----------
    exc : calibration.posterior.MissingVariantError
        What :func:`calibration.posterior.posterior_draws` or :func:`~calibration.posterior.variant_medians`
        raised.
    country : str or None
        ``--country``.

    Returns
    -------
    ModelError
        To raise (``from None``).
    """
    from calibration.params import param_file

    shipped = param_file((country or file_country(Path(exc.path)) or "USA").lower(), joint=True)
    hint = (f"; the shipped joint calibration: --params {shipped}"
            if shipped.exists() and shipped.resolve() != Path(exc.path).resolve() else "")
    return ModelError(f"--variant {exc.variant}: {exc}{hint}")


def model_country(country: str | None, path: Path | None) -> str:
    """The country a command runs: ``--country``, else the parameter file's ``[meta] country``, else USA.

    Raises
    ------
    ModelError
        ``--country`` differs from the parameter file's country (one line naming both).
    """
    from_file = None if path is None else file_country(path)
    if country is not None and from_file is not None and country != from_file:
        raise ModelError(f"--country {country} but --params {path} is calibrated for {from_file}; pass "
                         f"--country {from_file}, or a parameter file for {country}")
    return country or from_file or "USA"


def calibrated_model(path: Path | None, country: str | None = None, politics: bool = False,
                     variant: str | None = None, values: Mapping[str, float] | None = None):
    """``directed_growth(country=...)`` rebuilt with the file's values as defaults (so the derived start
    quantities follow them), or with the literature defaults when ``path`` is None.

    Parameters
    ----------
    path : pathlib.Path or None
        The parameter file (``--params``), or None for the literature defaults.
    country : str, optional
        ``--country`` (checked against the file's ``[meta] country``; default: the file's, else USA).
    politics : bool
        Build the model with its politics blocks (``--durable``; US only).
    variant : {"mazzucato", "boysen_hogrefe"}, optional
        ``--variant``: the medians of this posterior of a joint parameter file
        (:func:`calibration.posterior.variant_medians`) instead of its ``[parameters]`` (the file's own variant's
        medians, Mazzucato's in the shipped files).
    values : mapping, optional
        Parameter values laid over the file's (name -> value), e.g. parameters a design holds fixed.

    Raises
    ------
    ModelError
        As :func:`read_params` and :func:`model_country`; a ``variant`` the file has no posterior of (one line
        naming ``--variant``, :func:`missing_variant`); or when the factory refuses the values (named with
        ``--params``).
    """
    from ..directed_growth.factory import directed_growth

    code = model_country(country, path)
    if politics:
        from ..directed_growth.mechanisms.politics import check_vote_function

        try:
            check_vote_function(code)
        except ModelError as exc:
            raise ModelError(f"--durable: {exc}") from None
    system = directed_growth(country=code, politics=politics)
    if path is None:
        return system
    params = read_params(path, system) if variant is None else _variant_params(path, variant, system, country)
    try:
        return directed_growth(country=code, overrides={**params, **(values or {})}, politics=politics)
    except ModelError as exc:
        raise ModelError(f"--params {path}: {exc}") from None

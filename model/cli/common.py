"""What the ``dgm`` commands share: the compared policy paths and the calibrated model."""

from __future__ import annotations

from pathlib import Path

from ..errors import ModelError

__all__ = ["POLICY_PATHS", "calibrated_model", "read_params"]

def _policy_paths() -> tuple[str, ...]:
    from ..directed_growth.policies import PATHS

    return tuple(p.name for p in PATHS)


#: policy paths of ``dgm compare`` (:data:`model.directed_growth.policies.PATHS`), in comparison order
POLICY_PATHS = _policy_paths()


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
    import math
    import tomllib

    from ..files import check_input

    check_input(path, "--params", "TOML parameter file")
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"--params {path}: invalid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"--params {path}: cannot read: {exc}") from None
    table = doc.get("parameters")
    if not isinstance(table, dict):
        raise ModelError(f"--params {path}: expected a [parameters] table of name = value")
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


def calibrated_model(path: Path | None):
    """``directed_growth()`` rebuilt with the file's values as defaults (so the derived start
    quantities follow them), or the literature defaults when ``path`` is None.

    Raises
    ------
    ModelError
        As :func:`read_params`, or when the factory refuses the values (named with ``--params``).
    """
    from ..directed_growth.factory import directed_growth

    system = directed_growth()
    if path is None:
        return system
    params = read_params(path, system)
    try:
        return directed_growth(overrides=params)
    except ModelError as exc:
        raise ModelError(f"--params {path}: {exc}") from None

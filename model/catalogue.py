"""The package's catalogue of models: the command-line names and the factories a saved result may name.

``MODELS`` maps the command-line names (``dgm run NAME``) to zero-argument factories and
:func:`get` builds one by name. A result's provenance says how its model was built
(``origin``: a factory name such as ``"model.library.keen:keen"`` and keyword arguments);
:func:`rebuild` looks the name up in :data:`FACTORIES` and never imports a module named in a
file. Keyword arguments must be names the factory accepts, with plain JSON values (numbers,
text, booleans, ``null``, lists and mappings of those). Any other model is rebuilt by passing
it explicitly (``rerun(ds, system=...)``).

The catalogue sits above the reference models (:mod:`model.library`) and the application
(:mod:`model.directed_growth`), which uses the library's DICE-2016R climate; the engine reaches it
only through the function the package root hands to
:func:`model.solve.results.set_model_rebuilder`.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any

from .core.system import System
from .directed_growth.factory import directed_growth
from .errors import ModelError
from .library import aabh, bmw, dice2016_climate, goodwin, keen, pc, sim, solow, supermultiplier

__all__ = ["FACTORIES", "MODELS", "get", "rebuild"]

#: Command-line name -> zero-argument factory.
MODELS: dict[str, Callable[[], System]] = {
    "solow": solow,
    "goodwin": goodwin,
    "keen": keen,
    "supermultiplier": supermultiplier,
    "dice2016": dice2016_climate,
    "dice2016_discrete": lambda: dice2016_climate(discrete=True),
    "sim": sim,
    "sim_discrete": lambda: sim(discrete=True),
    "pc": pc,
    "bmw": bmw,
    "aabh": aabh,
    "directed_growth": directed_growth,
}


def get(name: str, **kwargs) -> System:
    """Build a reference model by its command-line name.

    Parameters
    ----------
    name : str
        One of the keys of :data:`MODELS`.
    **kwargs
        Passed to the factory (e.g. ``get("goodwin", phillips="gcl")``).

    Raises
    ------
    ModelError
        For an unknown name (the message lists the valid names).
    """
    try:
        factory = MODELS[name]
    except (KeyError, TypeError):
        raise ModelError(f"unknown model {name!r}; valid names: {', '.join(MODELS)}") from None
    return factory(**kwargs)


#: ``origin["factory"]`` -> the factory it names.
FACTORIES: dict[str, Callable[..., System]] = {
    "model.library.solow:solow": solow,
    "model.library.goodwin:goodwin": goodwin,
    "model.library.keen:keen": keen,
    "model.library.supermultiplier:supermultiplier": supermultiplier,
    "model.library.dice2016:dice2016_climate": dice2016_climate,
    "model.library.godley_lavoie:sim": sim,
    "model.library.godley_lavoie:pc": pc,
    "model.library.godley_lavoie:bmw": bmw,
    "model.library.aabh:aabh": aabh,
    "model.library.directed_growth:directed_growth": directed_growth,  # the saved name (a permanent alias)
}

_MAX_TEXT = 1000
_MAX_DEPTH = 4


def _plain(value: Any, where: str, depth: int = 0) -> Any:
    """``value`` if it is plain JSON data (finite numbers, short text, lists/mappings of them)."""
    if depth > _MAX_DEPTH:
        raise ModelError(f"{where}: nested more than {_MAX_DEPTH} levels")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ModelError(f"{where}: {value!r} is not a finite number")
        return value
    if isinstance(value, str):
        if len(value) > _MAX_TEXT:
            raise ModelError(f"{where}: text longer than {_MAX_TEXT} characters")
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v, where, depth + 1) for v in value]
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise ModelError(f"{where}: mapping keys must be text")
        return {k: _plain(v, f"{where}[{k!r}]", depth + 1) for k, v in value.items()}
    raise ModelError(f"{where}: {type(value).__name__} is not plain data (numbers, text, lists, mappings)")


def _refuse(why: str) -> ModelError:
    return ModelError(f"cannot rebuild the model from this file: {why}; pass the model instead, "
                      "e.g. rerun(ds, system=...) or compare(ds, system=...)")


def rebuild(origin: Any) -> System:
    """Rebuild a model from a result's ``origin`` through :data:`FACTORIES` only.

    Parameters
    ----------
    origin : mapping
        ``{"factory": "model.library.<module>:<function>", "kwargs": {...}}``, and
        ``"rules"`` (``lever -> expression text``) when the model had feedback rules
        built in (:meth:`System.with_rules`); the text is parsed, never evaluated.

    Returns
    -------
    System

    Raises
    ------
    ModelError
        For a factory not in :data:`FACTORIES`, keyword arguments it does not accept or
        that are not plain data, or rules that are not allowed expressions; the message
        says to pass the model explicitly.
    """
    if not isinstance(origin, Mapping) or not origin.get("factory"):
        raise _refuse("its provenance does not say how the model was built (no 'factory')")
    spec = origin["factory"]
    if not isinstance(spec, str) or spec not in FACTORIES:
        raise _refuse(f"factory {spec!r:.120} is not one of this package's models (valid: {', '.join(FACTORIES)})")
    factory = FACTORIES[spec]
    kwargs = origin.get("kwargs") or {}
    if not isinstance(kwargs, Mapping):
        raise _refuse(f"the keyword arguments of {spec} are not a mapping")
    params = inspect.signature(factory).parameters
    accepted = [n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    unknown = [k for k in kwargs if k not in accepted]
    if unknown:
        raise _refuse(f"{spec} takes no argument {unknown[0]!r:.80} (valid: {', '.join(accepted) or 'none'})")
    try:
        kwargs = {k: _plain(v, f"argument {k!r} of {spec}") for k, v in kwargs.items()}
    except ModelError as exc:
        raise _refuse(str(exc)) from None
    try:
        system = factory(**kwargs)
    except (TypeError, ValueError) as exc:
        raise _refuse(f"{spec} refused its saved arguments: {exc}") from None
    rules = origin.get("rules")
    if rules:
        if not isinstance(rules, Mapping) or not all(isinstance(v, str) for v in rules.values()):
            raise _refuse("its feedback rules are not a mapping of lever -> expression text")
        system = system.with_rules({k: _rule_expr(k, v, system) for k, v in rules.items()})
    return system


def _rule_expr(lever: str, text: str, system: System):
    from .core.expr import from_srepr, from_text

    try:
        return from_text(text, tuple(system.variables), what=f"feedback rule for {lever!r}")
    except ModelError as first:
        try:  # written before the text format: legacy srepr, read by its strict walk
            return from_srepr(text, what=f"feedback rule for {lever!r}")
        except ModelError:
            raise first from None

"""Reference models: test fixtures and tutorial material.

Each factory returns a validated :class:`~model.core.system.System`. ``MODELS`` maps
the command-line names to zero-argument factories; :func:`get` builds one by
name.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.system import System
from ..errors import ModelError
from .dice2016 import dice2016_climate, dice2016_forcing_path
from .goodwin import goodwin
from .keen import keen
from .solow import solow
from .supermultiplier import supermultiplier

__all__ = ["MODELS", "get", "keen", "solow", "goodwin", "supermultiplier", "dice2016_climate",
           "dice2016_forcing_path"]


def _directed_growth(**kwargs) -> System:
    """The directed-growth application's model (:mod:`model.directed_growth`), imported when first
    built through the permanent alias :mod:`model.library.directed_growth` (the application uses
    this package's DICE-2016R climate, so the library reaches it only through the alias)."""
    from .directed_growth import directed_growth

    return directed_growth(**kwargs)


#: Command-line name -> zero-argument factory.
MODELS: dict[str, Callable[[], System]] = {
    "solow": solow,
    "goodwin": goodwin,
    "keen": keen,
    "supermultiplier": supermultiplier,
    "dice2016": dice2016_climate,
    "dice2016_discrete": lambda: dice2016_climate(discrete=True),
    "directed_growth": _directed_growth,
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

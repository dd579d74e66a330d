"""Blocks of the directed-growth model, one mechanism per module.

Each module has a function returning a :class:`~model.core.blocks.Block`; symbols
declared in other blocks are referenced by name with :func:`ref`. The
assembled model is :func:`model.directed_growth`.
"""

from .accounts import accounts
from .banks import banks
from .climate import climate
from .damages import damages
from .demand import demand
from .emissions import emissions
from .finance import finance
from .households import households
from .inventories import inventories
from .labour import labour
from .politics import elections, politics
from .private_investment import private_investment
from .public_capability import public_capability
from .public_finance import public_finance
from .public_investment import public_investment
from .supply import supply
from .support import support
from .technology import technology


def all_blocks(with_politics: bool = False) -> list:
    """The model's blocks in order (fresh :class:`~model.core.blocks.Block` objects, defaults as declared);
    with ``with_politics`` also public support and the electoral calendar (:mod:`.politics`), which act on nothing
    unless a policy opts into electoral reversal, so the model is built without them unless asked."""
    blocks = [demand(), inventories(), households(), supply(), finance(), banks(), public_finance(), support(),
              public_investment(), public_capability(), private_investment(), labour(), damages(), technology(),
              emissions(), climate(), accounts()]
    return blocks + ([politics(), elections()] if with_politics else [])


__all__ = ["all_blocks", "accounts", "banks", "climate", "damages", "demand", "emissions", "finance", "households",
           "inventories", "labour", "elections", "politics", "private_investment", "public_capability",
           "public_finance", "public_investment", "supply", "support", "technology"]

"""Real US and UK data for calibrating the directed-growth model.

The data files are not shipped with the package (their licences differ); they
are read from a data directory passed as ``data_dir`` or named by the
environment variable ``DGM_DATA_DIR``, and every file is checked against the
sha256 in :data:`FILES`.

* :func:`load_panel` -- the harmonised (country, year) panel of model observables.
* :func:`load_fallback_panel` -- a small US panel from statsmodels' bundled
  macrodata, for machines without the data directory.
* One loader per source, returning tidy frames in documented units:
  :func:`load_pwt`, :func:`load_icsd`, :func:`load_jst`, :func:`load_gcb`,
  :func:`load_owid_co2`, :func:`load_owid_energy`, :func:`load_fred`
  (annual), :func:`load_fred_quarterly`, :func:`load_ncses_rd` with
  :func:`rd_gdp_shares`.
"""

from __future__ import annotations

from .co2 import load_gcb, load_owid_co2
from .energy import load_owid_energy
from .errors import DataError
from .fallback import load_fallback_panel
from .files import FILES, DataFile, data_dir, verify
from .fred import load_fred, load_fred_quarterly, load_fred_tcodes
from .icsd import load_icsd
from .jst import load_jst
from .panel import load_panel
from .pwt import load_pwt
from .rd import load_ncses_rd, rd_gdp_shares
from .variables import VARIABLES

__all__ = [
    "DataError", "DataFile", "FILES", "VARIABLES", "data_dir", "verify",
    "load_panel", "load_fallback_panel",
    "load_pwt", "load_icsd", "load_jst", "load_gcb", "load_owid_co2", "load_owid_energy",
    "load_fred", "load_fred_quarterly", "load_fred_tcodes", "load_ncses_rd", "rd_gdp_shares",
]

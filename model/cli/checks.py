"""Checks of command-line input, run before any work starts (one-line :class:`ModelError` messages).

Numbers are finite and in range, names are not repeated, grids are small enough
for memory (an estimate is compared with :data:`MAX_OUTPUT_BYTES`), scheduler
addresses are well formed, and netCDF inputs are netCDF files of the expected kind.
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import ModelError
from ..text import number

__all__ = ["MAX_OUTPUT_BYTES", "RTOL_MIN", "check_rtol", "check_scheduler", "check_size", "finite",
           "at_least", "load_nc", "no_duplicates", "positive"]



def _half_of_memory() -> float:
    """Half of this machine's physical memory [byte] (4 GiB where it cannot be read)."""
    try:
        return 0.5 * os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 4.0 * 2**30


#: largest estimated peak memory of a command [byte]: half of the machine's physical
#: memory; the environment variable ``DGM_MAX_OUTPUT_GIB`` (a number of GiB) overrides it
MAX_OUTPUT_BYTES = _half_of_memory()
#: peak resident memory per float64 value of output, in values: measured at 4 to 6
#: (``dgm run solow --t-end 4e6`` holds 2 series x 4e6 times = 64 MB of values and peaks
#: 272 MB above ``--t-end 1e6``; ``dgm ensemble --draws 20000`` peaks at 1.02 GB for
#: 0.24 GiB of values): copies in the integrator, the dataset and the netCDF writer
PEAK_COPIES = 6.0
#: smallest relative tolerance accepted: 100 machine epsilons (below it the step-size
#: control works on rounding noise; scipy clamps to the same value)
RTOL_MIN = 100 * 2.220446049250313e-16


def finite(option: str, value: float | None) -> float | None:
    """``value`` if finite (or None), else an error naming ``option``."""
    if value is not None and not math.isfinite(value):
        raise ModelError(f"{option} must be a finite number, got {value:g}")
    return value


def positive(option: str, value: float | None) -> float | None:
    """``value`` if finite and > 0 (or None), else an error naming ``option``."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise ModelError(f"{option} must be a finite number > 0, got {value:g}")
    return value


def at_least(option: str, value: int, low: int) -> int:
    """``value`` if >= ``low``; ``low == 1`` gives the message "OPTION must be positive"."""
    if value < low:
        raise ModelError(f"{option} must be positive, got {number(value)}" if low == 1 else
                         f"{option} must be at least {low}, got {number(value)}")
    return value


def check_rtol(value: float) -> float:
    """A relative tolerance in [:data:`RTOL_MIN`, 1)."""
    if not (math.isfinite(value) and RTOL_MIN <= value < 1):
        raise ModelError(f"--rtol must be at least {RTOL_MIN:.3g} (100 machine epsilons) and below 1, got {value:g}")
    return value


def no_duplicates(option: str, pairs: Iterable[tuple[str, float]]) -> dict[str, float]:
    """``NAME=VALUE`` pairs as a dict; a name given twice is an error."""
    out: dict[str, float] = {}
    for name, value in pairs:
        if name in out:
            raise ModelError(f"{option} {name} given twice ({out[name]:g} and {value:g}); give each name once")
        out[name] = value
    return out


def _limit() -> float:
    text = os.environ.get("DGM_MAX_OUTPUT_GIB")
    if text:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not (math.isfinite(value) and value > 0):
            raise ModelError(f"DGM_MAX_OUTPUT_GIB must be a positive number of GiB, got {text!r}")
        return value * 2**30
    return MAX_OUTPUT_BYTES


def _gib(n: float) -> str:
    """``about 2.68 GiB``; a request too large for a float: ``more than 1.7e+299 GiB``."""
    if not math.isfinite(n):
        return f"more than {sys.float_info.max / 2**30:.2g} GiB"
    return f"about {n / 2**30:.3g} GiB" if n >= 2**28 else f"about {n / 2**20:.3g} MiB"


def check_size(what: str, n_values: float, hint: str) -> None:
    """Refuse a run whose estimated peak memory is above the limit.

    Parameters
    ----------
    what : str
        The request in words (``"--step 1e-07 over 0-300: 3e+09 times x 7 series"``).
    n_values : int or float
        Number of float64 values the request would hold (an integer too large for a float is
        refused as such).
    hint : str
        How to make it smaller.

    Raises
    ------
    ModelError
        Estimated peak memory (:data:`PEAK_COPIES` times the output's float64
        values) above :data:`MAX_OUTPUT_BYTES` (or ``DGM_MAX_OUTPUT_GIB``).
    """
    try:
        values = float(n_values)
    except OverflowError:
        values = math.inf
    need, limit = PEAK_COPIES * 8.0 * values, _limit()
    if not need <= limit:
        raise ModelError(f"{what} needs {_gib(need)} of memory; the limit is {_gib(limit).removeprefix('about ')} "
                         f"(DGM_MAX_OUTPUT_GIB raises it): {hint}")


_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})$")


def check_scheduler(address: str | None) -> str | None:
    """A Dask scheduler address ``tcp://HOST:PORT`` (or ``inproc://...``), else an error."""
    if address is None:
        return None
    m = _ADDRESS.match(address)
    if not ((m and 0 < int(m.group(1)) < 65536) or re.match(r"^inproc://\S+$", address)):
        raise ModelError(f"--scheduler {address!r} is not a scheduler address; expected tcp://HOST:PORT "
                         "(e.g. tcp://127.0.0.1:8786)")
    return address


def load_nc(path: Path, option: str, kind: str, check: Callable[[object], str | None]):
    """Load a netCDF file given by ``option`` and check it is a ``kind``.

    Parameters
    ----------
    path : Path
        The file.
    option : str
        The option that named it, for the message.
    kind : str
        What it should be (``"an ensemble written by dgm ensemble"``).
    check : callable
        ``check(ds)`` returns None if the dataset is of that kind, else what is wrong.

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    ModelError
        No such file, a directory, not a netCDF file (garbage, empty, truncated), or another kind of file.
    """
    import xarray as xr

    from ..files import check_input

    check_input(path, option, f"netCDF file ({kind})")
    if path.stat().st_size == 0:
        raise ModelError(f"{option} {path} is empty; expected {kind}")
    with path.open("rb") as fh:
        magic = fh.read(8)
    if not (magic[:3] == b"CDF" or magic == b"\x89HDF\r\n\x1a\n"):
        raise ModelError(f"{option} {path} is not a netCDF file (no netCDF or HDF5 signature); expected {kind}")
    try:
        ds = xr.load_dataset(path)
    except (ValueError, OSError, RuntimeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        reason = " ".join(str(exc).split())[:160]
        raise ModelError(f"{option} {path} is not a readable netCDF file ({reason}); expected {kind}") from None
    problem = check(ds)
    if problem:
        raise ModelError(f"{option} {path} is not {kind}: {problem}")
    return ds

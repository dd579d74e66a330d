"""The on-disk store of an ensemble: chunks named by the draws they hold, claims, lock and manifest.

Layout of a store directory::

    manifest.json                      what run the store holds (its signature), written atomically
    chunks/chunk_<start>_<stop>.nc     members start .. stop-1 (nine digits each), complete or absent
    claims/draws_<start>_<stop>.claim  draws a running process is computing (its pid and host)
    computed.log                       one line "start stop pid" per chunk computed
    .lock                              held for a moment while a process plans its next chunk

A chunk is identified by the draws it holds, never by its position, so a run
resumes exactly whatever its ``chunk_size``: it computes only the draws no
finished chunk covers. Several processes may work on one store at once: a
process claims the next uncovered, unclaimed range under the lock (created with
``O_CREAT | O_EXCL``) and the others skip it. A claim, the lock or a partial
``.tmp`` chunk left by a process that died (same host, pid no longer alive) is
removed by the next run, which then computes those draws itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ModelError
from ..files import pid_alive, write_atomic
from .identities import CHUNK_ATTR, merge_worst, record_residuals

if TYPE_CHECKING:
    import numpy as np
    import xarray as xr

__all__ = ["Store", "open_store"]

_CHUNK = re.compile(r"^chunk_(\d{9})_(\d{9})\.nc$")
_LEGACY = re.compile(r"^chunk_(\d{6})\.nc$")  # chunks named by position (stores before draw-range naming)
_CLAIM = re.compile(r"^draws_(\d{9})_(\d{9})\.claim$")
_TMP = re.compile(r"^\..+\.(\d+)(?:\.[0-9a-f]{8})?\.tmp$")  # .<name>.<pid>[.<id>].tmp (model.files)
#: seconds to wait for the store lock before giving up
LOCK_TIMEOUT = 120.0


def _alive(pid: int, host: str) -> bool:
    """Whether process ``pid`` on ``host`` may still be running (another host: assumed so)."""
    return host != socket.gethostname() or pid == os.getpid() or pid_alive(pid)


def _owner(path: Path) -> tuple[int, str] | None:
    """``(pid, host)`` recorded in a claim or lock file; None if unreadable (being written, or garbage)."""
    try:
        pid, host = path.read_text().split(None, 1)
        return int(pid), host.strip()
    except (OSError, ValueError):
        return None


def _create_exclusive(path: Path) -> bool:
    """Create ``path`` holding this process's pid and host, atomically; False if it exists."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as f:
        f.write(f"{os.getpid()} {socket.gethostname()}\n")
    return True


def chunk_name(start: int, stop: int) -> str:
    """File name of the chunk holding members ``start .. stop - 1``."""
    return f"chunk_{start:09d}_{stop:09d}.nc"


def chunk_ranges(chunks: Path) -> list[tuple[int, int, Path]]:
    """``(start, stop, path)`` of every finished chunk in ``chunks``, by start."""
    out = []
    for p in chunks.glob("chunk_*.nc"):
        m = _CHUNK.match(p.name)
        if m:
            out.append((int(m.group(1)), int(m.group(2)), p))
    return sorted(out)


class Store:
    """An ensemble store directory (see the module docstring for its layout).

    Parameters
    ----------
    path : str or Path
        The directory (created if missing).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.chunks = self.path / "chunks"
        self.claims = self.path / "claims"
        self.chunks.mkdir(parents=True, exist_ok=True)
        self.claims.mkdir(exist_ok=True)

    # -------------------------------------------------------------- lock

    @contextlib.contextmanager
    def lock(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        """Hold the store lock (a file created with ``O_EXCL``); a lock of a dead process is broken.

        Raises
        ------
        ModelError
            The lock is held by a live process for longer than ``timeout`` [s].
        """
        path = self.path / ".lock"
        deadline = time.monotonic() + timeout
        while not _create_exclusive(path):
            owner = _owner(path)
            if owner is not None and not _alive(*owner):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                continue
            if owner is None:  # being written this instant, or garbage: break it once it is old
                with contextlib.suppress(FileNotFoundError):
                    if time.time() - path.stat().st_mtime > 10:
                        path.unlink()
                        continue
            if time.monotonic() > deadline:
                raise ModelError(f"store {self.path} is locked by {owner} for over {timeout:g} s; if no ensemble "
                                 f"is running on it, delete {path}")
            time.sleep(0.01)
        try:
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    # -------------------------------------------------------------- manifest

    def check_manifest(self, meta: dict) -> None:
        """Write ``meta`` as the manifest (atomically) or check that the store holds the same run.

        Call under :meth:`lock`.

        Raises
        ------
        ModelError
            A manifest that is not valid JSON, or one with another signature.
        """
        manifest = self.path / "manifest.json"
        if manifest.is_file():
            old = read_manifest(manifest)
            if old.get("signature") != meta["signature"]:
                raise ModelError(f"store {self.path} holds a different ensemble (signature {old.get('signature')}, "
                                 f"this run {meta['signature']}: other draws, policies or options); use another "
                                 "directory or delete it")
            return
        write_atomic(manifest, lambda tmp: tmp.write_text(json.dumps(meta, indent=1)))

    # -------------------------------------------------------------- recovery

    def clean(self) -> None:
        """Remove what dead processes left (claims, partial ``.tmp`` files); rename position-named chunks.

        Call under :meth:`lock`.
        """
        host = socket.gethostname()
        for folder in (self.path, self.chunks):
            for p in folder.glob(".*.tmp"):
                m = _TMP.match(p.name)
                if m and not _alive(int(m.group(1)), host):
                    with contextlib.suppress(FileNotFoundError):
                        p.unlink()
        for p in self.claims.glob("*.claim"):
            owner = _owner(p)
            if owner is not None and not _alive(*owner):
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
        self._migrate()

    def _migrate(self) -> None:
        """Rename chunks named by position (``chunk_000003.nc``) to the draws they hold; drop overlaps."""
        legacy = sorted(p for p in self.chunks.glob("chunk_*.nc") if _LEGACY.match(p.name))
        if not legacy:
            return
        import numpy as np
        import xarray as xr

        held = [(a, b) for a, b, _ in chunk_ranges(self.chunks)]
        for p in legacy:
            with xr.open_dataset(p) as ds:
                draws = np.asarray(ds["draw"].values, dtype=int)
            a, b = int(draws[0]), int(draws[-1]) + 1
            contiguous = np.array_equal(draws, np.arange(a, b))
            if contiguous and all(b <= x or a >= y for x, y in held):
                os.replace(p, self.chunks / chunk_name(a, b))
                held.append((a, b))
            else:  # overlaps another chunk (a resume with another chunk size): its draws are recomputed if needed
                p.unlink()

    # -------------------------------------------------------------- claims

    def _live_claims(self) -> list[tuple[int, int]]:
        out = []
        for p in self.claims.glob("*.claim"):
            m = _CLAIM.match(p.name)
            if not m:
                continue
            owner = _owner(p)
            if owner is not None and not _alive(*owner):
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
                continue
            out.append((int(m.group(1)), int(m.group(2))))
        return out

    def covered(self, n: int) -> np.ndarray:
        """Boolean mask over the ``n`` draws: held by a finished chunk."""
        import numpy as np

        mask = np.zeros(n, bool)
        for a, b, _ in chunk_ranges(self.chunks):
            mask[a:min(b, n)] = True
        return mask

    def claim(self, n: int, size: int) -> tuple[int, int] | None:
        """Claim the next range of at most ``size`` draws that no chunk covers and no live process claimed.

        Returns ``(start, stop)``, or None when nothing is left to claim (other
        processes may still be computing their claims).
        """
        import numpy as np

        with self.lock():
            # claims before chunks: a process writes its chunk, then drops its claim, so a range finished
            # between the two scans is seen as a chunk (chunks first could miss both and compute it twice)
            claims = self._live_claims()
            busy = self.covered(n)
            for a, b in claims:
                busy[a:min(b, n)] = True
            free = np.flatnonzero(~busy)
            if free.size == 0:
                return None
            start = int(free[0])
            taken = np.flatnonzero(busy[start:])
            stop = min(start + size, n, start + int(taken[0]) if taken.size else n)
            if not _create_exclusive(self.claims / f"draws_{start:09d}_{stop:09d}.claim"):
                return None  # cannot happen under the lock; be safe
            return start, stop

    def release(self, start: int, stop: int) -> None:
        """Drop this process's claim on ``start .. stop - 1`` (under the lock, so no scan sees half a change)."""
        with self.lock(), contextlib.suppress(FileNotFoundError):
            (self.claims / f"draws_{start:09d}_{stop:09d}.claim").unlink()

    def others_working(self) -> bool:
        """Whether a live process holds a claim (under the lock: stale claims are dropped)."""
        with self.lock():
            return bool(self._live_claims())

    # -------------------------------------------------------------- chunks

    def write(self, start: int, stop: int, ds: xr.Dataset) -> None:
        """Write a finished chunk atomically (complete or absent) and log it."""
        write_atomic(self.chunks / chunk_name(start, stop), ds.to_netcdf)
        with open(self.path / "computed.log", "a") as log:
            log.write(f"{start} {stop} {os.getpid()}\n")
            log.flush()
            os.fsync(log.fileno())


def read_manifest(path: Path) -> dict:
    """The manifest of a store as a dict.

    Raises
    ------
    ModelError
        The file is not a JSON object (a one-line message naming it and the fix).
    """
    try:
        doc = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"store manifest {path} is unreadable or not valid JSON ({exc}); delete the store "
                         f"directory {path.parent} and run the ensemble again") from None
    if not isinstance(doc, dict):
        raise ModelError(f"store manifest {path} is not a JSON object; delete the store directory {path.parent} "
                         "and run the ensemble again")
    return doc


def open_store(store: str | Path) -> xr.Dataset:
    """Open a finished (or partial) ensemble store lazily (dask arrays), chunks in draw order.

    Parameters
    ----------
    store : str or Path
        A store directory written by :func:`model.ensemble`.

    Returns
    -------
    xarray.Dataset
        Members over ``draw`` in order, the manifest's entries as attributes; the provenance's
        ``identity_max_residual`` and ``identity_worst_member`` over the finished chunks
        (:mod:`model.solve.identities`).

    Raises
    ------
    ModelError
        No finished chunks, chunks that overlap, chunks named by position (rerun
        the ensemble on the store to rename them) or an unreadable manifest.
    """
    import xarray as xr

    store = Path(store)
    chunks = store / "chunks"
    if any(_LEGACY.match(p.name) for p in chunks.glob("chunk_*.nc")):
        raise ModelError(f"store {store} has chunks named by position (an older store): run the same ensemble "
                         "on it again to rename them by draw range")
    ranges = chunk_ranges(chunks)
    if not ranges:
        raise ModelError(f"no finished chunks in {store}")
    for (_, b0, p0), (a1, _, p1) in zip(ranges, ranges[1:]):
        if a1 < b0:
            raise ModelError(f"store {store}: chunks {p0.name} and {p1.name} overlap; delete one of them")
    checked: list[dict] = []  # each chunk's worst member per accounting identity (model.solve.identities)

    def read_checks(chunk: xr.Dataset) -> xr.Dataset:
        checked.append(json.loads(chunk.attrs.get(CHUNK_ATTR, "{}")))
        return chunk

    ds = xr.open_mfdataset([p for _, _, p in ranges], combine="nested", concat_dim="draw", data_vars="minimal",
                           coords="minimal", compat="override", join="override", parallel=False,
                           preprocess=read_checks)
    ds.attrs.pop(CHUNK_ATTR, None)
    for v in ds.variables.values():
        # a string variable's encoding keeps the first chunk's width (e.g. '<U1'): writing the joined
        # dataset would cut every longer string to it; let the writer size them
        if v.dtype.kind in "OUS":
            v.encoding.pop("dtype", None)
    manifest = store / "manifest.json"
    if manifest.is_file():
        ds.attrs.update({k: (v if isinstance(v, (str, int, float)) else json.dumps(v))
                         for k, v in read_manifest(manifest).items()})
        if "provenance" in ds.attrs:
            record_residuals(ds.attrs, merge_worst(checked))
    return ds

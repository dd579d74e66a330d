"""On-disk cache for compiled models and validation results.

The cache holds code that runs (generated modules and numba's pickled index and
data files), so it is only used when nobody else can write to it:

* it is created private to the user (mode 0700);
* a cache directory (or its ``models``, ``engine`` or their ``__pycache__`` folders) that is
  owned by someone else or is group- or world-writable is refused, with a
  warning, and a private temporary cache is used for the process instead;
* a read-only cache is read but never written: its entries are copied into a
  private temporary cache that the process writes to (see :func:`cache_sources`);
* a write that fails (disk full, read-only file system) leaves no temporary file
  and raises :class:`CacheError` naming the cache directory.

Each generated module, and the copy of the model-independent integrators (``engine``),
carries the sha256 of its source, checked before it is loaded (:mod:`model.compiler.compiled`).
"""

from __future__ import annotations

import ast
import atexit
import hashlib
import os
import re
import shutil
import stat
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CacheError", "CacheWarning", "atomic_write", "cache_dir", "cache_sources", "code_digest",
           "configured_cache_dir", "file_digest", "folder_problem", "private_dir"]


class CacheError(OSError):
    """A cache entry could not be written (disk full, read-only or vanished directory).

    ``str(err)`` is the one-line message; ``err.errno`` the operating system's error number.
    """

    def __init__(self, message: str, errno: int | None = None):
        super().__init__(message)
        self.errno = errno


class CacheWarning(UserWarning):
    """The cache was refused, is read-only, or held a damaged entry that was replaced."""


@dataclass(frozen=True)
class _Layout:
    root: Path  # private, writable cache root in use
    sources: tuple[Path, ...] = ()  # read-only caches to copy entries from


#: configured root -> the layout in use, decided once per process (checks and write probes are not repeated)
_LAYOUTS: dict[str, _Layout] = {}
_READONLY_REASON: dict[str, str] = {}
_LOCK = threading.Lock()


def configured_cache_dir() -> Path:
    """The cache root asked for: ``$DGM_CACHE_DIR`` or ``$XDG_CACHE_HOME/directed-growth``
    (default ``~/.cache/directed-growth``), whether or not it is usable."""
    root = os.environ.get("DGM_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "directed-growth")
    return Path(os.path.abspath(os.path.expanduser(root)))


def cache_dir() -> Path:
    """Private, writable cache root for this process.

    Normally :func:`configured_cache_dir`, created with mode 0700 if missing.
    Entries are keyed by the equations hash, so a stale entry is never used for
    changed equations; deleting the folder is always safe.

    Returns
    -------
    pathlib.Path
        The configured directory, or a private temporary directory (deleted at
        exit) when the configured one is refused or read-only; a
        :class:`CacheWarning` then names the directory and the reason.
    """
    return _layout().root


def cache_sources() -> tuple[Path, ...]:
    """Read-only caches whose entries may be copied into :func:`cache_dir` (empty unless the
    configured cache is read-only)."""
    return _layout().sources


def private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700) if missing and check that only the user can write to it.

    Raises
    ------
    CacheError
        If it cannot be created, or is owned by someone else or group/world-writable.
    """
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheError(f"cannot create cache directory {path}: {exc.strerror}", exc.errno) from None
    problem = _insecure(path)
    if problem:
        raise CacheError(f"cache directory {path} {problem}; refusing to use it")
    return path


def folder_problem(path: Path, create: bool = True) -> str | None:
    """Why ``path`` cannot hold code that runs (created with mode 0700 if missing and ``create``):
    it cannot be created or written, or is owned by someone else or group/world-writable; None if
    it is private to the user and writable (the checks of :func:`private_dir` and of the cache itself)."""
    try:
        if create:
            private_dir(path)
        problem = _insecure(path)
        if problem is None and create:
            _probe_write(path)
    except CacheError as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot be written ({exc.strerror or exc})"
    return None if problem is None else f"{path} {problem}"


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write ``path`` so that concurrent readers never see a partial file.

    Raises
    ------
    CacheError
        If the write fails (e.g. no space left on device); the temporary file is removed.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    data = text.encode() if isinstance(text, str) else text
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise CacheError(f"cannot write {path.name} in the cache directory {path.parent}: {exc.strerror}; "
                         "free space there, or set DGM_CACHE_DIR to another directory", exc.errno) from None


def code_digest(source: str) -> str:
    """sha256 of the code of a Python source: its syntax tree without docstrings, so comments,
    docstrings and formatting do not change it (a cache keyed by it survives such edits)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest()


def file_digest(path: Path) -> str:
    """:func:`code_digest` of the Python file ``path``, kept in the cache as ``digests/<sha256 of the
    text>`` so that a process does not parse the same text again (parsing and dumping the syntax
    tree of ``model/compiler/integrators.py`` takes 12 ms; hashing its text 0.05 ms).

    The entry is named by the text's own sha256, so it can only belong to that text; one that is
    not a sha256 is ignored and rewritten. A cache that cannot be written only costs the parse.
    """
    source = path.read_text()
    name = hashlib.sha256(source.encode()).hexdigest()
    if name in _DIGESTS:
        return _DIGESTS[name]
    entry = cache_dir() / "digests" / name
    try:
        private_dir(entry.parent)  # 0700; refused if anyone else can write it
        digest = entry.read_text() if entry.exists() else ""
        usable = True
    except OSError:  # CacheError included
        digest, usable = "", False
    if not _SHA256.fullmatch(digest):
        digest = code_digest(source)
        if usable:
            try:
                atomic_write(entry, digest)
            except CacheError:
                pass
    _DIGESTS[name] = digest
    return digest


_DIGESTS: dict[str, str] = {}  # sha256 of a text -> its code_digest, in this process
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _insecure(path: Path) -> str | None:
    """Why ``path`` must not be trusted (owner, mode), or None."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows: ACLs, not modes
        return None
    try:
        st = path.stat()
    except OSError as exc:
        return f"cannot be inspected ({exc.strerror})"
    if not stat.S_ISDIR(st.st_mode):
        return "is not a directory"
    if st.st_uid != os.getuid():
        return f"is owned by uid {st.st_uid}, not by you (uid {os.getuid()})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"is group- or world-writable (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def _probe_write(directory: Path) -> None:
    """Raise OSError if a file cannot be created in ``directory`` (what numba itself tries)."""
    tempfile.TemporaryFile(dir=directory).close()


def _layout() -> _Layout:
    root = configured_cache_dir()
    with _LOCK:
        known = _LAYOUTS.get(str(root))
        if known is not None:
            return known
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            tmp = _temporary_cache()
            warnings.warn(f"model cache: cannot create {root} ({exc.strerror}); using a private temporary cache "
                          f"{tmp} for this process (set DGM_CACHE_DIR to a writable directory)",
                          CacheWarning, stacklevel=3)
            layout = _LAYOUTS[str(root)] = _Layout(tmp)
            return layout
        folders = [root, *(root / d / sub for d in ("models", "engine") for sub in ("", "__pycache__"))]
        problem = next((f"{d}, which {p}" for d in folders if d.exists() and (p := _insecure(d))), None)
        if problem is not None:
            tmp = _temporary_cache()
            warnings.warn(f"model cache: refusing {problem}, since cached files run as code; using a private "
                          f"temporary cache {tmp} for this process (take write access from others, e.g. "
                          "chmod go-w, or set DGM_CACHE_DIR to a directory only you can write)",
                          CacheWarning, stacklevel=3)
            layout = _LAYOUTS[str(root)] = _Layout(tmp)
            return layout
        try:
            for d in folders:
                if d.exists():
                    _probe_write(d)
        except OSError as exc:  # read-only: read from it, write to a private temporary cache
            tmp = _temporary_cache()
            for marker in root.glob("units-*.ok"):
                shutil.copyfile(marker, tmp / marker.name)
            _READONLY_REASON[str(root)] = exc.strerror or str(exc)
            layout = _LAYOUTS[str(root)] = _Layout(tmp, (root,))
            return layout
        layout = _LAYOUTS[str(root)] = _Layout(root)
        return layout


def readonly_reason(root: Path) -> str:
    """Why the read-only cache ``root`` cannot be written (e.g. "Read-only file system")."""
    return _READONLY_REASON.get(str(root), "not writable")


def _temporary_cache() -> Path:
    try:
        tmp = Path(tempfile.mkdtemp(prefix="dgm-cache-"))  # mode 0700, owned by the user
    except OSError as exc:
        raise CacheError(f"the model cache {configured_cache_dir()} cannot be used and no temporary cache can be "
                         f"created in {tempfile.gettempdir()} ({exc.strerror}); set DGM_CACHE_DIR to a private, "
                         "writable directory", exc.errno) from None
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    return tmp

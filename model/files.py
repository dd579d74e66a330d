"""Safe output writing for the command line: no silent overwrite, no half-written file, no leftovers.

* :func:`check_output` refuses, before any work starts, an output path that exists
  (without ``--force``), is a directory, has an unsupported format, or lies under a
  file or an unwritable directory.
* :func:`write_atomic` writes one file through a uniquely named temporary file in
  the same directory and :func:`os.replace` (atomic on POSIX): a reader sees the old
  file or the new one, never a part. The temporary file is removed on every error
  path, including ``KeyboardInterrupt``; a full disk becomes a one-line
  :class:`~model.errors.ModelError` naming the file. A temporary file left by a
  writer killed outright (``kill -9``: no error path runs) is removed by the next
  write of the same file, once its process id is no longer alive.
* :class:`DirSwap` writes a set of files (``dgm compare``'s netCDF, CSV and figures)
  into a temporary folder beside the destination and swaps it in as a unit. With
  ``keep=True`` the destination's other files (another country's set) are carried into
  the folder (hard links, or copies) just before the swap, so only the files written
  are replaced.

  On Linux the swap is one ``renameat2(RENAME_EXCHANGE)`` system call: at every
  instant the destination holds the complete old set or the complete new set.
  Elsewhere (or on file systems without it) the old folder is renamed away, the new
  one renamed in, then the old deleted; a kill between those two renames leaves the
  destination absent and the complete old set in ``.<name>.<pid>.<id>.old``, which
  :func:`recover_dir` (called by the next ``dgm compare``) puts back. A kill while the
  set is being written leaves the old set untouched; the partial ``.new`` folder of a
  dead process is removed by the next run.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
from collections.abc import Callable, Collection
from pathlib import Path

from .errors import ModelError

__all__ = ["DirSwap", "FileSet", "check_output", "check_input", "recover_dir", "write_atomic"]


def _first_existing(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_input(path: Path, option: str, what: str = "file") -> Path:
    """``path`` if it is an existing readable file, else a one-line :class:`ModelError`.

    Parameters
    ----------
    path : Path
        The file given on the command line.
    option : str
        The option that named it (``"--table"``), for the message.
    what : str
        What the file should be (``"draw table (CSV)"``), for the message.

    Raises
    ------
    ModelError
        No such file, a directory, or not readable.
    """
    path = Path(path)
    if path.is_dir():
        raise ModelError(f"{option} {path} is a directory; expected a {what}")
    if not path.is_file():
        raise ModelError(f"{option} {path}: no such file (expected a {what})")
    if not os.access(path, os.R_OK):
        raise ModelError(f"{option} {path}: permission denied (cannot read the {what})")
    return path


def check_output(path: Path, option: str, *, force: bool, suffixes: Collection[str] | None = None,
                 directory: bool = False) -> Path:
    """Check an output path before any work starts.

    Parameters
    ----------
    path : Path
        The output file (or directory, with ``directory=True``).
    option : str
        The option that named it (``"--out"``), for the message.
    force : bool
        Whether an existing file may be replaced (``--force``).
    suffixes : collection of str, optional
        Valid file name endings (``(".png", ".pdf", ".svg")``); the message lists them.
    directory : bool
        The output is a directory (an existing directory is fine, an existing file is not).

    Returns
    -------
    Path

    Raises
    ------
    ModelError
        Wrong format, an existing file without ``force``, a directory where a file is
        expected (or the reverse), a parent that is a file, or no write permission.
    """
    path = Path(path)
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise ModelError(f"{option} {path}: unsupported format {path.suffix or '(none)'!r}; "
                         f"valid: {', '.join(suffixes)}")
    if directory:
        if path.exists() and not path.is_dir():
            raise ModelError(f"{option} {path} exists and is not a directory")
    elif path.is_dir():
        raise ModelError(f"{option} {path} is a directory; expected a file name")
    elif path.exists() and not force:
        raise ModelError(f"{option} {path} exists; pass --force to overwrite it")
    base = _first_existing(path if directory else path.parent)
    if not base.is_dir():
        raise ModelError(f"{option} {path}: {base} is not a directory")
    if not os.access(base, os.W_OK | os.X_OK):
        raise ModelError(f"{option} {path}: permission denied (cannot write in {base})")
    return path


def _describe(exc: BaseException) -> str | None:
    """A one-line reason for a failed write, or None if ``exc`` is not a write failure."""
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "no space left on the device"
        return exc.strerror or str(exc)
    if isinstance(exc, RuntimeError) and str(exc).startswith("NetCDF:"):  # netCDF4/HDF5 write errors
        return " ".join(str(exc).split())
    return None


def _free_space_note(path: Path) -> str:
    try:
        free = shutil.disk_usage(_first_existing(path.parent)).free
    except OSError:
        return ""
    return f" ({free / 2**20:.1f} MiB free on the device)" if free < 64 * 2**20 else ""


def _write_failed(path: Path, exc: BaseException) -> BaseException:
    reason = _describe(exc)
    if reason is None:
        return exc
    note = "" if "space" in reason else _free_space_note(path)
    return ModelError(f"cannot write {path}: {reason}{note}")


def _unique(path: Path, tag: str) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.{tag}")


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` through a temporary file in its directory, then :func:`os.replace`.

    Parameters
    ----------
    path : Path
        The final file; its parent directories are created.
    write : callable
        ``write(tmp)`` writes the whole content to the temporary path ``tmp``.

    Raises
    ------
    ModelError
        The write failed for lack of space or another operating-system error; the
        message names ``path``. The temporary file is removed on every error path
        (including ``KeyboardInterrupt``) and an existing ``path`` is left as it was.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_failed(path, exc) from None
    _remove_stale(path, "tmp")
    tmp = _unique(path, "tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        _remove(tmp)
        err = _write_failed(path, exc)
        if err is exc:
            raise
        raise err from None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux ``renameat2(RENAME_EXCHANGE)``; False if unavailable."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` may still be running on this machine (one owned by someone else: yes)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _remove_stale(path: Path, tag: str) -> None:
    """Remove ``.<name>.<pid>.<id>.<tag>`` beside ``path`` left by killed processes (dead pids only)."""
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.(\d+)\.[0-9a-f]{{8}}\.{tag}$")
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return
    for p in entries:
        m = pattern.match(p.name)
        if m and not pid_alive(int(m.group(1))):
            _remove(p)


def recover_dir(dest: Path) -> None:
    """Repair what a killed :class:`DirSwap` left beside ``dest``.

    If ``dest`` is missing and the complete old set of a dead process waits in
    ``.<name>.<pid>.<id>.old``, it is renamed back; other ``.new``/``.old`` folders of
    dead processes are removed.
    """
    dest = Path(dest)
    parent = dest.parent if dest.parent.exists() else None
    if parent is None:
        return
    pattern = re.compile(rf"^\.{re.escape(dest.name)}\.(\d+)\.[0-9a-f]{{8}}\.(new|old)$")
    stale = []
    for p in parent.iterdir():
        m = pattern.match(p.name)
        if m and p.is_dir() and not pid_alive(int(m.group(1))):
            stale.append((m.group(2), p))
    olds = sorted((p for kind, p in stale if kind == "old"), key=lambda p: p.stat().st_mtime)
    if not dest.exists() and olds:
        os.rename(olds.pop(), dest)
    for _, p in stale:
        if p.exists():
            _remove(p)


def _carry(src: Path, dst: Path) -> None:
    """Put every entry of folder ``src`` that ``dst`` lacks into ``dst``: a hard link (a copy across
    devices or where links are refused), a symbolic link as itself, a folder copied whole."""
    for p in src.iterdir():
        target = dst / p.name
        if target.exists() or target.is_symlink():
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.copytree(p, target, symlinks=True)
            continue
        try:
            os.link(p, target, follow_symlinks=False)
        except OSError:
            shutil.copy2(p, target, follow_symlinks=False)


class DirSwap:
    """Write a set of files into a temporary folder beside ``dest`` and swap it in as a unit.

    Use as a context manager: ``with DirSwap(out) as d: d.write("a.csv", df.to_csv)``.
    On a normal exit the folder replaces ``dest`` (see the module docstring for the
    guarantees at every kill point); on any exception (``KeyboardInterrupt`` too) the
    temporary folder is removed and ``dest`` is left as it was.

    Parameters
    ----------
    dest : Path
        The destination directory (created if missing; an existing one is replaced whole).
    keep : bool
        Carry the entries of ``dest`` that the new set does not write into it just before the swap
        (hard links, else copies; symbolic links as links), so only the files written are replaced
        and the rest of ``dest`` stays as it was. An entry created in ``dest`` between that and the
        swap is lost: two runs into one ``dest`` go one at a time.
    """

    def __init__(self, dest: Path, *, keep: bool = False):
        dest = Path(dest)
        # a symbolic link to a directory is the user's way of naming it: swap the directory it points to,
        # never the link itself
        self.dest = dest.resolve() if dest.is_symlink() else dest
        self.keep = keep
        self.tmp: Path | None = None

    def __enter__(self) -> DirSwap:
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = _unique(self.dest, "new")
        self.tmp.mkdir()
        return self

    def write(self, name: str, write: Callable[[Path], object]) -> None:
        """Write member ``name`` with ``write(path)``; a failure names ``dest / name``."""
        assert self.tmp is not None, "DirSwap.write outside its with-block"
        try:
            write(self.tmp / name)
        except BaseException as exc:
            err = _write_failed(self.dest / name, exc)
            if err is exc:
                raise
            raise err from None

    def __exit__(self, kind, exc, tb) -> None:
        tmp, self.tmp = self.tmp, None
        assert tmp is not None, "DirSwap.__exit__ without __enter__"
        if kind is not None:
            _remove(tmp)
            return
        try:
            self._swap(tmp)
        except BaseException as err:
            _remove(tmp)
            new = _write_failed(self.dest, err)
            if new is err:
                raise
            raise new from None

    def _swap(self, tmp: Path) -> None:
        dest = self.dest
        if not dest.exists():
            os.rename(tmp, dest)
            return
        if self.keep:
            _carry(dest, tmp)
        if _exchange(tmp, dest):  # tmp now holds the old set
            _remove(tmp)
            return
        old = _unique(dest, "old")
        os.rename(dest, old)
        try:
            os.rename(tmp, dest)
        except BaseException:
            os.rename(old, dest)
            raise
        _remove(old)


class FileSet(DirSwap):
    """Like :class:`DirSwap`, but the files written are moved into ``dest`` one by one
    (:func:`os.replace` each; other files in ``dest`` are kept). Nothing reaches ``dest``
    unless every file was written; on any error the temporary folder is removed.
    """

    def _swap(self, tmp: Path) -> None:
        self.dest.mkdir(parents=True, exist_ok=True)
        for p in sorted(tmp.iterdir()):
            os.replace(p, self.dest / p.name)
        _remove(tmp)

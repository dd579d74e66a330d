"""Work done in a second process while the command goes on (``dgm compare`` draws its figures there).

On Linux with two or more usable cores the work runs in a child made with :func:`os.fork`: the child
shares the parent's memory as it was at the fork (the simulated result, the imported modules), so
nothing is sent to it, and it leaves with :func:`os._exit` (no interpreter shutdown). Elsewhere, or
on one core, the work runs in the process itself when it is waited for. Either way its errors reach
the caller: a :class:`~model.errors.ModelError` (a write that failed, with the file named) as one, an
interruption as :class:`KeyboardInterrupt`, any other error as a :class:`RuntimeError` after the child
printed its traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..errors import ModelError

__all__ = ["Background", "in_background", "can_fork"]


def can_fork() -> bool:
    """True where a forked child can run beside this process: Linux (``os.fork`` without the
    platform's restrictions on forked threads) and at least two usable cores."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and len(os.sched_getaffinity(0)) >= 2


class Background:
    """``work()`` run beside the caller (see the module); :meth:`wait` returns when it is done."""

    def __init__(self, work: Callable[[], object], fork: bool | None = None):
        self.work, self.pid, self.done = work, 0, False
        self._read = -1
        if fork if fork is not None else can_fork():
            try:
                self._start()
            except BaseException:  # interrupted as the child started: stop it before going on
                self.cancel()
                raise

    def _start(self) -> None:
        import gc
        import signal

        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        frozen = gc.get_freeze_count()
        gc.freeze()  # the parent's objects stay out of the child's collections (fewer copied pages)
        # Ctrl-C (or a TERM) held back until the parent holds the child's pid: an interruption
        # right after the fork would otherwise leave a child that nobody stops
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            pid = os.fork()
        except OSError:  # no process to be had (limits, memory): the work runs here when waited for
            pid = -1
        if pid == 0:  # the child: do the work, report its error on the pipe, leave without shutdown
            status = 1
            try:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                os.close(read)
                self.work()
                status = 0
            except BaseException as exc:  # every error is reported to the parent
                if not isinstance(exc, (ModelError, KeyboardInterrupt)):
                    import traceback

                    traceback.print_exc()
                kind = "ModelError" if isinstance(exc, ModelError) else type(exc).__name__
                os.write(write, f"{kind}\n{' '.join(str(exc).split())}".encode())
            finally:
                for stream in (sys.stdout, sys.stderr):
                    try:
                        stream.flush()
                    except BaseException:  # leaving is all that is left to do
                        pass
                os._exit(status)
        if pid > 0:
            self.pid, self._read = pid, read
        try:
            if not frozen:  # the parent's collector as it was (a caller's own freeze is kept)
                gc.unfreeze()
            os.close(write)
            if pid < 0:
                os.close(read)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a held-back Ctrl-C is raised here,
            # with the pid known: in_background's caller stops the child (see __init__)

    def wait(self) -> None:
        """Wait for the work; raise its error (see the module). Interrupted (Ctrl-C), it stops the child
        before the interruption goes on."""
        if self.done:
            return
        if not self.pid:
            self.done = True
            self.work()
            return
        chunks = []
        try:
            while chunk := os.read(self._read, 65536):
                chunks.append(chunk)
            _, status = os.waitpid(self.pid, 0)
        except BaseException:
            self.cancel()
            raise
        self.done = True
        os.close(self._read)
        if os.waitstatus_to_exitcode(status) == 0:
            return
        kind, _, message = b"".join(chunks).decode(errors="replace").partition("\n")
        if kind == "ModelError":
            raise ModelError(message)
        if kind == "KeyboardInterrupt":  # the child was interrupted (Ctrl-C reaches both processes)
            raise KeyboardInterrupt
        raise RuntimeError(f"the background process failed: {kind or 'killed'}{': ' + message if message else ''}")

    def cancel(self) -> None:
        """Stop the work (kill the child and wait for it); nothing is raised."""
        if self.done:
            return
        self.done = True
        if self.pid:
            import signal

            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):  # already reaped
                pass
            os.close(self._read)


@contextmanager
def in_background(work: Callable[[], object], fork: bool | None = None) -> Iterator[Background]:
    """``with in_background(work) as job: ...``: ``work`` runs beside the block and is waited for at its
    end (:meth:`Background.wait`, errors raised); if the block raises, the work is stopped first
    (:meth:`Background.cancel`), so nothing of it runs on after the block.

    Parameters
    ----------
    work : callable
        Called without arguments; its return value is not used.
    fork : bool, optional
        Force a child process (True) or none (False); default :func:`can_fork`.
    """
    job = Background(work, fork)
    try:
        yield job
    except BaseException:
        job.cancel()
        raise
    job.wait()

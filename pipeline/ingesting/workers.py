"""Run untrusted-input work (feed parsing, page extraction) in a child process with a wall clock.

feedparser has a quadratic regex on author fields and trafilatura has no timeout at all: either
can spin for minutes on one hostile document. A ``Worker`` owns one child process; a call that
passes its deadline kills the child (SIGKILL) and the next call starts a fresh one. The child also
runs under an address-space limit so a decompression or DOM blow-up fails there, not here.

A ``WorkerPool`` hands out workers to threads, one each, so parsing and extraction use every core
(the poll cycle's network threads, see ``dispatch``, take one for each body they fetched).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

from ..errors import ClaimwatchError

log = logging.getLogger(__name__)

# Generous: trafilatura + lxml on a 5 MiB page stay far below this; a blow-up does not.
MEMORY_LIMIT_BYTES = 3 * 2**30


class WorkerTimeout(Exception):
    """The call passed its wall-clock limit; the child was killed."""


class WorkerCrashed(Exception):
    """The child died (killed by the memory limit, a segfault) or could not be started."""


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (they arrive right after) while a child is started.

    The CLI's handler raises during start-up to stop it; raised in the middle of
    ``Process.start()`` it cut the child's start-up data short, and the child printed an
    EOFError traceback on the terminal it shares with us. Only the main thread runs signal
    handlers, so only there is anything held (a signal sent to the process could still be taken
    by another thread that does not hold it; start-up, where the handler raises, has none).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _child_main(conn: Connection, memory_limit: int | None) -> None:
    # Ctrl-C reaches the whole process group: the parent decides what stops, and kills us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The mask is inherited from a parent that started us inside _signals_held(); unblocked
    # only now, so a Ctrl-C that arrived while we booted is ignored, not raised here.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        _serve(conn, memory_limit)
    except (BrokenPipeError, EOFError, OSError, KeyboardInterrupt):
        # The parent is gone (killed, or exited mid-call): nobody is left to tell. Leave
        # quietly instead of printing a traceback on the terminal we share with it.
        return


def _serve(conn: Connection, memory_limit: int | None) -> None:
    if memory_limit:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        except (ImportError, ValueError, OSError):  # not on this platform: run without it
            pass
    while True:
        message = conn.recv()
        if message is None:
            return
        fn, args = message
        try:
            conn.send(("ok", fn(*args)))
        except MemoryError:
            conn.send(("remote", ("MemoryError", "out of memory", "")))
        except Exception as e:  # reported to the parent as a value; the child lives on
            conn.send(_portable(e))


def _portable(error: Exception) -> tuple[str, Any]:
    """What the parent needs to raise ``error`` again: the project's errors whole (they pickle
    with every attribute), anything else as its type name and message; both with the child's
    traceback text, which the parent cannot see otherwise."""
    trace = "".join(traceback.format_exception(error))
    if isinstance(error, ClaimwatchError):
        try:
            # Pickled here, not by send(): an error that fails to pickle there would end the
            # child instead of reaching the parent.
            return ("error", (pickle.dumps(error), trace))
        except Exception:  # an attribute that does not pickle: sent as text below
            pass
    name = f"{type(error).__module__}.{type(error).__qualname__}"
    return ("remote", (name.removeprefix("builtins."), str(error)[:500], trace))


class Worker:
    """One child process. Not thread-safe: one thread uses a worker at a time."""

    def __init__(self, *, memory_limit: int | None = MEMORY_LIMIT_BYTES):
        self._ctx = multiprocessing.get_context("spawn")
        self._memory_limit = memory_limit
        self._proc: Any = None
        self._conn: Connection | None = None

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_child_main, args=(child, self._memory_limit), daemon=True,
            name="claimwatch-worker",
        )
        with _signals_held():
            proc.start()
        child.close()
        self._proc, self._conn = proc, parent

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float) -> Any:
        """Run ``fn(*args)`` in the child. Raises WorkerTimeout, WorkerCrashed, or what ``fn``
        raised (the child survives that): one of the project's errors as itself, with the
        child's traceback text as ``remote_traceback`` and as a note; any other exception as
        ``RemoteError``."""
        if self._proc is None or not self._proc.is_alive():
            self._start()
        assert self._conn is not None
        try:
            self._conn.send((fn, args))
            # The first call of a fresh child includes interpreter start-up and imports.
            if not self._conn.poll(timeout):
                self.kill()
                raise WorkerTimeout(f"no result within {timeout:.0f}s")
            status, payload = self._conn.recv()
        except (EOFError, OSError, BrokenPipeError) as e:
            self.kill()
            raise WorkerCrashed(f"worker died: {e or type(e).__name__}") from e
        if status == "ok":
            return payload
        if status == "error":
            pickled, trace = payload
            error = pickle.loads(pickled)
            error.remote_traceback = trace
            error.add_note(f"Raised in the worker process:\n{trace.rstrip()}")
            raise error
        raise RemoteError(*payload)

    def kill(self) -> None:
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(timeout=5)
        if self._conn is not None:
            self._conn.close()
        self._proc, self._conn = None, None

    def close(self) -> None:
        if self._proc is not None and self._proc.is_alive() and self._conn is not None:
            try:
                self._conn.send(None)
                self._proc.join(timeout=2)
            except (OSError, BrokenPipeError):
                pass
        self.kill()

    def warm_up(self, fn: Callable[..., Any], *args: Any, timeout: float = 60) -> None:
        """Start the child and import what ``fn`` needs, outside any item's time limit."""
        self.call(fn, *args, timeout=timeout)


class RemoteError(Exception):
    """``fn`` raised something other than a ClaimwatchError in the child (a bug, most likely):
    its type name (``module.Name``, bare for builtins), message and the child's traceback text."""

    def __init__(self, type_name: str, message: str, remote_traceback: str = ""):
        self.type_name = type_name
        self.message = message
        self.remote_traceback = remote_traceback
        super().__init__(f"{type_name}: {message}")
        if remote_traceback:
            self.add_note(f"Raised in the worker process:\n{remote_traceback.rstrip()}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.type_name, self.message, self.remote_traceback))


class WorkerPool:
    """A fixed set of workers shared by threads."""

    def __init__(self, size: int | None = None, *, memory_limit: int | None = MEMORY_LIMIT_BYTES):
        self.size = size or default_pool_size()
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all = [Worker(memory_limit=memory_limit) for _ in range(self.size)]
        for w in self._all:
            self._idle.put(w)
        self._closed = threading.Event()

    @contextmanager
    def worker(self) -> Iterator[Worker]:
        w = self._idle.get()
        try:
            yield w
        finally:
            self._idle.put(w)

    def warm_up(self, fn: Callable[..., Any], *args: Any) -> None:
        for w in self._all:
            w.warm_up(fn, *args)

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        for w in self._all:
            w.close()

    def kill(self) -> None:
        """Stop every worker now, whatever it is doing."""
        self._closed.set()
        for w in self._all:
            w.kill()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_pool_size() -> int:
    return max(1, min(4, os.cpu_count() or 1))

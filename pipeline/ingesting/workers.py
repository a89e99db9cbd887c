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
import signal
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

from ..entry import STOP_SIGNALS
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
    """Hold SIGINT and SIGTERM back while a child is started; they take effect right after.

    The CLI's start-up handler raises to stop start-up. Raised inside ``Process.start()``,
    after the child was spawned but before its start-up data was written, it left a child that
    nobody knew of reading a cut-short pipe: an EOFError traceback from ``spawn_main`` in the
    log of a clean stop. Two things are held, for two reasons:

    - in the main thread, the Python-level handlers: a signal that arrives is noted, and sent
      again once the child is started. Blocking it in this thread's mask is not enough: the
      kernel gives a signal sent to the process to any thread that does not block it (numpy's
      OpenBLAS and LightGBM's OpenMP start such threads), and Python runs the handler in the
      main thread all the same;
    - this thread's signal mask, which the child inherits: a Ctrl-C sent to the process group
      while it boots waits until ``_child_main`` has set it to be ignored.

    multiprocessing's resource tracker is started first, before the mask: the first start in a
    process starts it, and doing so unblocks SIGINT and SIGTERM in this thread instead of
    restoring the mask it found (CPython gh-110844, fixed by gh-127586 after 3.11's last bug-fix
    release).
    """
    held = STOP_SIGNALS
    in_main = threading.current_thread() is threading.main_thread()
    with _handlers_deferred(held) if in_main else nullcontext():
        resource_tracker.ensure_running()
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def _handlers_deferred(signals: tuple[signal.Signals, ...]) -> Iterator[None]:
    """Main thread only: each of ``signals`` that arrives is noted instead of handled, and
    raised again once the handlers are back (the first whose handler raises ends that)."""
    arrived: list[int] = []

    def note(signum: int, frame: object) -> None:
        arrived.append(signum)

    previous: dict[int, Any] = {}
    try:
        for sig in signals:
            handler = signal.getsignal(sig)
            if handler is None:  # installed from C: could not be put back, so left alone
                continue
            signal.signal(sig, note)
            previous[sig] = handler
        yield
    finally:
        failure: BaseException | None = None
        for signum, handler in previous.items():
            while True:
                try:
                    signal.signal(signum, handler)
                    break
                except BaseException as e:  # raised below, once all are back
                    # A signal that came meanwhile, run by a handler put back before this one
                    # (signal() runs what is pending first): this one is put back all the same.
                    failure = failure or e
        if failure is not None:
            raise failure
        for again in dict.fromkeys(arrived):
            signal.raise_signal(again)


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


class _Job:
    """One call waiting in a worker: its message, and its result once it came back."""

    __slots__ = ("message", "outcome", "error")

    def __init__(self, message: bytes):
        self.message = message  # pickled (fn, args), as the child's ``recv()`` reads it
        self.outcome: tuple[str, Any] | None = None
        self.error: Exception | None = None


class Worker:
    """One child process, shared by threads: calls are pipelined.

    Up to ``MAX_CALLS`` calls wait in the child's pipe while it works on one, so the child
    starts the next document the moment it has sent a result, instead of waiting for a thread
    to wake up, pickle and send it (that gap was several percent of a busy cycle). Calls run
    one at a time, in the order they were sent; each one's deadline starts when the call before
    it has finished (or when it was sent, to an idle child). On a timeout or a crash, the child
    is killed, the call at fault gets the error, and the call queued behind it is sent again to
    a fresh child: it did nothing wrong. A call its thread gives up (KeyboardInterrupt, say)
    takes the child down the same way, so that no result is left unread in the pipe.

    Invariant: the live child has been sent exactly the calls of ``_pending``, in order; every
    change that breaks it (a failure, a call given up) kills that child and sends what is left
    to a fresh one. Locks: ``_send_lock`` keeps the order of sends and of ``_pending`` the same
    (taken first), ``_state`` guards ``_pending``, the child and ``_stopped``; the thread whose
    call is at the head of ``_pending`` reads the pipe without either.
    """

    # Two calls at most: a fresh child reads the one call re-sent to it at once, so a re-send
    # never blocks on a full pipe while the locks are held (with more, it could).
    MAX_CALLS = 2

    def __init__(self, *, memory_limit: int | None = MEMORY_LIMIT_BYTES):
        self._ctx = multiprocessing.get_context("spawn")
        self._memory_limit = memory_limit
        self._proc: Any = None
        self._conn: Connection | None = None
        self._calls = threading.BoundedSemaphore(self.MAX_CALLS)
        self._send_lock = threading.Lock()
        self._state = threading.Condition()
        self._pending: deque[_Job] = deque()
        self._stopped = False  # kill()/close() from outside: no fresh child until a new call

    @property
    def pending(self) -> int:
        """Calls sent to this worker and not yet answered."""
        return len(self._pending)

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_child_main, args=(child, self._memory_limit), daemon=True,
            name="claimwatch-worker",
        )
        with _signals_held():
            proc.start()
            # Recorded before a held signal can raise, so whoever cleans up can kill it.
            self._proc, self._conn = proc, parent
        child.close()

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float) -> Any:
        """Run ``fn(*args)`` in the child. Raises WorkerTimeout, WorkerCrashed, or what ``fn``
        raised (the child survives that): one of the project's errors as itself, with the
        child's traceback text as ``remote_traceback`` and as a note; any other exception as
        ``RemoteError``. Thread-safe: calls from several threads queue in the child (a third
        waits until one of two is answered)."""
        # Pickled here, outside the locks: a call that does not pickle fails alone, and the
        # next document is copied while the child works.
        job = _Job(bytes(ForkingPickler.dumps((fn, args))))
        with self._calls:
            try:
                self._send(job)
                self._wait_for_turn_and_read(job, timeout)
            except BaseException:
                if job.outcome is None and job.error is None:
                    # Given up part-way (a KeyboardInterrupt in this thread): its message may
                    # be half sent, its result would be read as the next call's.
                    self._drop(job, WorkerCrashed("call given up by its caller"))
                raise
        assert job.outcome is not None
        status, payload = job.outcome
        if status == "ok":
            return payload
        if status == "error":
            pickled, trace = payload
            error = pickle.loads(pickled)
            error.remote_traceback = trace
            error.add_note(f"Raised in the worker process:\n{trace.rstrip()}")
            raise error
        raise RemoteError(*payload)

    def _send(self, job: _Job) -> None:
        with self._send_lock:
            with self._state:
                if not self._pending:
                    if self._proc is None or not self._proc.is_alive():
                        self._discard_child()
                        self._start()
                    self._stopped = False
                elif self._stopped:
                    job.error = WorkerCrashed("worker stopped")
                    raise job.error
                conn = self._conn
                self._pending.append(job)
            assert conn is not None
            # If the child died under us (killed for the call ahead of ours, or crashed),
            # whoever saw it die sends our call again to a fresh child, or fails it.
            with suppress(OSError, ValueError):
                conn.send_bytes(job.message)

    def _wait_for_turn_and_read(self, job: _Job, timeout: float) -> None:
        with self._state:
            while job.outcome is None and job.error is None and self._pending[0] is not job:
                self._state.wait(1.0)
            if job.error is not None:
                raise job.error
            conn = self._conn
        # At the head: the child is working on this call now (or will, once it has read it).
        try:
            if conn is None:
                raise EOFError("no child")
            if not conn.poll(timeout):  # a fresh child's first call includes its start-up
                self._drop(job, WorkerTimeout(f"no result within {timeout:.0f}s"))
            else:
                job.outcome = conn.recv()
        except Exception as e:  # EOF, a closed pipe, a result that does not unpickle
            self._drop(job, WorkerCrashed(f"worker died: {str(e) or type(e).__name__}"))
        with self._state:
            if self._pending and self._pending[0] is job:
                self._pending.popleft()
            self._state.notify_all()
        if job.error is not None:
            raise job.error

    def _drop(self, job: _Job, error: Exception) -> None:
        """Fail ``job`` and kill the child; send the calls left to a fresh child, in order."""
        job.error = error
        self._kill_process()  # first, without a lock: it unblocks a send stuck on the pipe
        with self._send_lock, self._state:
            with suppress(ValueError):
                self._pending.remove(job)
            self._discard_child()
            try:
                if not self._pending:
                    return
                if self._stopped:
                    self._fail_all_pending(WorkerCrashed("worker stopped"))
                    return
                try:
                    self._start()
                    assert self._conn is not None
                    for queued in self._pending:
                        self._conn.send_bytes(queued.message)
                except Exception as e:  # could not start or feed a child: fail them all
                    log.warning("could not restart a worker: %s", e)
                    self._kill_process()
                    self._discard_child()
                    self._fail_all_pending(WorkerCrashed(f"worker could not be restarted: {e}"))
            finally:
                self._state.notify_all()

    def _fail_all_pending(self, error: Exception) -> None:
        while self._pending:
            self._pending.popleft().error = error

    def _kill_process(self) -> None:
        proc = self._proc
        if proc is not None and proc.is_alive():
            proc.kill()

    def _discard_child(self) -> None:
        if self._proc is not None:
            self._proc.join(timeout=5)
        if self._conn is not None:
            self._conn.close()
        self._proc, self._conn = None, None

    def kill(self) -> None:
        """Kill the child now; every call waiting in it fails with WorkerCrashed."""
        self._kill_process()  # at once, without a lock: it unblocks a sender stuck on the pipe
        with self._state:
            self._stopped = True
            self._kill_process()  # one a restart started meanwhile
            if not self._pending:
                self._discard_child()
            self._state.notify_all()
        # A thread reading the pipe sees the child die, fails its call and the calls behind it
        # (no fresh child while stopped) and cleans up.

    def close(self) -> None:
        """Stop the child: politely when it is idle, at once when calls are in flight (the
        document in hand is not waited for)."""
        with self._state:
            busy = bool(self._pending)
        if not busy and self._send_lock.acquire(blocking=False):
            try:
                with self._state:
                    proc, conn = self._proc, self._conn
                    if (not self._pending and proc is not None and proc.is_alive()
                            and conn is not None):
                        try:
                            conn.send(None)
                            proc.join(timeout=2)
                        except (OSError, BrokenPipeError):
                            pass
            finally:
                self._send_lock.release()
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
    """A fixed set of workers shared by threads, each taking up to ``depth`` calls at once.

    ``worker()`` lends the worker with the fewest calls out; with ``depth`` 2 a worker always
    has its next document waiting while it works (``Worker`` runs them in order).
    """

    def __init__(self, size: int | None = None, *, depth: int = 2,
                 memory_limit: int | None = MEMORY_LIMIT_BYTES):
        self.size = size or default_pool_size()
        self.depth = max(1, min(depth, Worker.MAX_CALLS))
        self._all = [Worker(memory_limit=memory_limit) for _ in range(self.size)]
        self._lent = dict.fromkeys(range(self.size), 0)
        self._slots = threading.Semaphore(self.size * self.depth)
        self._lock = threading.Lock()
        self._closed = threading.Event()

    @contextmanager
    def worker(self) -> Iterator[Worker]:
        """Lend a worker; WorkerCrashed once the pool is closed or killed (no child is started
        again for a thread still at work after a stop)."""
        if self._closed.is_set():
            raise WorkerCrashed("worker pool closed")
        self._slots.acquire()
        with self._lock:
            index = min(self._lent, key=self._lent.__getitem__)
            self._lent[index] += 1
        try:
            yield self._all[index]
        finally:
            with self._lock:
                self._lent[index] -= 1
            self._slots.release()

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

"""Worker processes: starting them, and calls pipelined into one child from several threads."""

from __future__ import annotations

import os
import pickle
import select
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from pipeline.ingesting import workers
from tests import worker_faults


def _blocked_signals(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigBlk:"):
            return int(line.split()[1], 16)
    raise AssertionError("no SigBlk line")


def test_a_stop_signal_waits_until_the_child_is_started() -> None:
    """A handler that raises (the CLI's, during start-up) must not run in the middle of
    Process.start(): the child would get half its start-up data and print a traceback."""
    seen: list[bool] = []

    def handler(signum: int, frame: object) -> None:
        seen.append(True)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with workers._signals_held():
            # To this thread: a signal sent to the process goes to any thread not holding it.
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)
            assert seen == []  # held back
        assert seen == [True]  # and delivered once released
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Stop(BaseException):
    """What the CLI's start-up handler raises (``_StopRequested``)."""


def _thread_that_takes_signals() -> tuple[threading.Thread, threading.Event]:
    """A thread started before anything is held, as numpy's OpenBLAS starts one at import: the
    kernel hands a signal sent to the process to it while the main thread holds the signal."""
    done = threading.Event()
    other = threading.Thread(target=done.wait, daemon=True)
    other.start()
    return other, done


@contextmanager
def _signal_taken() -> Iterator[Callable[[], None]]:
    """A function that returns once a signal has reached the C-level handler, in whichever
    thread took it (``set_wakeup_fd``): the Python-level handler is then pending, and runs at
    the main thread's next bytecode unless something holds it."""
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)

    def wait() -> None:
        assert select.select([reader], [], [], 30)[0], "no signal reached the handler"
        reader.recv(64)

    try:
        yield wait
    finally:
        signal.set_wakeup_fd(previous)
        reader.close()
        writer.close()


def test_a_stop_signal_taken_by_another_thread_still_waits_until_the_child_is_started() -> None:
    """Python runs every handler in the main thread, whichever thread the signal came to: the
    main thread's mask alone did not hold back a SIGTERM that the kernel gave to OpenBLAS's
    thread, and the CLI's handler raised in the middle of Process.start()."""
    seen: list[int] = []
    other, done = _thread_that_takes_signals()

    def handler(signum: int, frame: object) -> None:
        seen.append(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with _signal_taken() as wait_until_taken, workers._signals_held():
            signal.pthread_kill(other.ident or 0, signal.SIGTERM)
            wait_until_taken()
            for _ in range(1000):  # bytecodes: where a pending handler runs
                time.monotonic()
            assert seen == []  # held back
        assert seen == [signal.SIGTERM]  # and delivered once released, once
    finally:
        signal.signal(signal.SIGTERM, previous)
        done.set()


@pytest.mark.timeout(60)
def test_a_stop_signal_during_a_childs_start_leaves_no_child_and_no_traceback(
        monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """SIGTERM right after the child was spawned, before its start-up data was written,
    taken by another thread: the handler raised inside Process.start(), the child (never
    recorded, so never killed) read a cut-short pipe and printed an EOFError traceback from
    spawn_main into the daemon's log (a CI run of test_audit's SIGTERM test under load)."""
    import multiprocessing.util

    other, done = _thread_that_takes_signals()
    spawned: list[int] = []
    spawn = multiprocessing.util.spawnv_passfds

    def spawn_then_signal(path: str, args: list[str], passfds: object) -> int:
        pid = spawn(path, args, passfds)  # type: ignore[arg-type]
        if "--multiprocessing-fork" not in args:  # the resource tracker, started first
            return pid
        spawned.append(pid)
        signal.pthread_kill(other.ident or 0, signal.SIGTERM)
        wait_until_taken()  # the Python-level handler is pending: it runs on return, if not held
        return pid

    def handler(signum: int, frame: object) -> None:
        raise _Stop

    monkeypatch.setattr(multiprocessing.util, "spawnv_passfds", spawn_then_signal)
    previous = signal.signal(signal.SIGTERM, handler)
    worker = workers.Worker()
    try:
        with _signal_taken() as wait_until_taken, pytest.raises(_Stop):
            worker.call(os.getpid, timeout=30)
    finally:
        signal.signal(signal.SIGTERM, previous)
        monkeypatch.undo()
        worker.kill()
        done.set()
    assert len(spawned) == 1
    assert worker._proc is None  # the child was killed and reaped, not left behind
    # Had it been left behind, it is ours to reap: wait for what it prints before it exits.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if os.waitpid(spawned[0], os.WNOHANG)[0]:
                break
        except ChildProcessError:  # reaped already, by the worker
            break
        time.sleep(0.05)
    err = capfd.readouterr().err
    assert "Traceback" not in err and "EOFError" not in err, err


_FIRST_START = """
import multiprocessing.util, os, signal
from pipeline.ingesting import workers
masks = []
spawn = multiprocessing.util.spawnv_passfds
def spy(path, args, passfds):
    if "--multiprocessing-fork" in args:
        masks.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))
    return spawn(path, args, passfds)
multiprocessing.util.spawnv_passfds = spy
worker = workers.Worker()
worker._start()
worker.kill()
print(sorted(int(s) for s in masks[0]))
"""


@pytest.mark.timeout(60)
def test_the_first_child_of_a_process_is_started_with_the_signals_still_held() -> None:
    """The first start in a process starts multiprocessing's resource tracker, which unblocked
    SIGINT and SIGTERM (CPython 3.11): the rest of that start, spawning the child and writing
    its start-up data, ran with nothing held, and the child inherited no mask."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _FIRST_START], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, timeout=60)
    assert done.returncode == 0, done.stderr
    held = {int(s) for s in done.stdout.strip().strip("[]").split(",") if s.strip()}
    assert {int(signal.SIGINT), int(signal.SIGTERM)} <= held, done.stdout


@pytest.mark.timeout(60)
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_a_worker_does_not_inherit_the_held_signals() -> None:
    worker = workers.Worker()
    try:
        pid = worker.call(os.getpid, timeout=30)
        sigterm_bit = 1 << (signal.SIGTERM - 1)
        assert _blocked_signals(pid) & sigterm_bit == 0
        assert _blocked_signals(os.getpid()) & sigterm_bit == 0  # the parent's mask restored
    finally:
        worker.close()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2])
@pytest.mark.parametrize("from_thread", [False, True], ids=["main-thread", "poll-thread"])
def test_a_ctrl_c_while_a_worker_boots_neither_kills_it_nor_prints(
        delay: float, from_thread: bool, capfd: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C reaches the whole process group; a child still booting with the held mask must
    ignore it, not raise KeyboardInterrupt where it unblocks. The daemon's poll threads start
    fresh children too (after a timeout or a crash): a child started there once inherited no
    held mask, and a Ctrl-C while it booted was a traceback in the daemon's log."""
    worker = workers.Worker()
    try:
        if from_thread:
            starter = threading.Thread(target=worker._start)
            starter.start()
            starter.join(30)
        else:
            worker._start()
        time.sleep(delay)
        os.kill(worker._proc.pid, signal.SIGINT)
        assert worker.call(os.getpid, timeout=30) == worker._proc.pid
    finally:
        worker.close()
    assert "Traceback" not in capfd.readouterr().err


# Pipelined calls: several threads share one child; calls run in order, each with its own
# deadline from the moment the call before it ended.

def _in_threads(*calls: Callable[[], object], stagger: float = 0.05) -> list[object]:
    """Run each call in a thread of its own, started ``stagger`` s apart (so they queue in that
    order); return what each returned or raised."""
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            results[i] = calls[i]()
        except Exception as e:
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
        time.sleep(stagger)
    for t in threads:
        t.join(30)
        assert not t.is_alive()
    return results


@pytest.mark.timeout(60)
def test_calls_from_two_threads_queue_in_one_child_and_each_gets_its_own_result(
        worker: workers.Worker) -> None:
    worker.warm_up(worker_faults.nap, 0, "warm")
    first, second = _in_threads(lambda: worker.call(worker_faults.nap, 0.4, "a", timeout=10),
                                lambda: worker.call(worker_faults.nap, 0.0, "b", timeout=10))
    assert isinstance(first, tuple) and isinstance(second, tuple)
    assert (first[0], second[0]) == ("a", "b")
    assert first[1] == second[1]  # the same child
    # The second waited in the pipe and ran right after the first, in the same child (a
    # generous bound: a loaded CI machine may deschedule the child for a moment).
    assert 0.4 <= second[2] - first[2] < 1.0
    assert worker.pending == 0


@pytest.mark.timeout(60)
def test_a_queued_call_has_its_own_deadline_from_when_its_turn_came(
        worker: workers.Worker) -> None:
    worker.warm_up(worker_faults.nap, 0, "warm")
    # 1 s in the queue behind a slow call, then 0.1 s of work under a 0.6 s deadline: fine.
    first, second = _in_threads(lambda: worker.call(worker_faults.nap, 1.0, "slow", timeout=10),
                                lambda: worker.call(worker_faults.nap, 0.1, "b", timeout=0.6))
    assert isinstance(second, tuple) and second[0] == "b"


@pytest.mark.timeout(60)
def test_the_call_behind_a_timed_out_one_runs_again_in_a_fresh_child(
        worker: workers.Worker) -> None:
    pid = worker.call(os.getpid, timeout=30)
    stuck, behind, later = _in_threads(
        lambda: worker.call(worker_faults.nap, 30, "stuck", timeout=1),
        lambda: worker.call(worker_faults.nap, 0, "behind", timeout=30),
        lambda: worker.call(worker_faults.nap, 0, "later", timeout=30))
    assert isinstance(stuck, workers.WorkerTimeout)
    assert isinstance(behind, tuple) and isinstance(later, tuple)
    assert (behind[0], later[0]) == ("behind", "later")
    assert behind[1] == later[1] != pid  # both in the fresh child
    assert worker.pending == 0


@pytest.mark.timeout(60)
def test_the_call_behind_one_that_crashed_the_child_still_succeeds(
        worker: workers.Worker) -> None:
    worker.warm_up(worker_faults.nap, 0, "warm")
    slow, crash, behind = _in_threads(
        lambda: worker.call(worker_faults.nap, 0.5, "slow", timeout=30),
        lambda: worker.call(worker_faults.die, timeout=30),
        lambda: worker.call(worker_faults.nap, 0, "behind", timeout=30))
    assert isinstance(slow, tuple) and slow[0] == "slow"
    assert isinstance(crash, workers.WorkerCrashed)
    assert isinstance(behind, tuple) and behind[0] == "behind" and behind[1] != slow[1]


@pytest.mark.timeout(60)
def test_killing_a_worker_fails_every_queued_call_and_starts_no_child(
        worker: workers.Worker) -> None:
    worker.warm_up(worker_faults.nap, 0, "warm")
    killer = threading.Timer(0.5, worker.kill)
    killer.start()
    # As many calls as a worker holds at once (a later one would start a fresh child).
    results = _in_threads(*[lambda: worker.call(worker_faults.nap, 5, "x", timeout=30)]
                          * workers.Worker.MAX_CALLS)
    killer.join()
    assert all(isinstance(r, workers.WorkerCrashed) for r in results), results
    assert worker.pending == 0
    assert worker._proc is None  # no fresh child was started for the queued calls
    # The worker is still usable afterwards.
    assert worker.call(worker_faults.nap, 0, "again", timeout=30)[0] == "again"


@pytest.mark.timeout(60)
def test_a_call_that_does_not_pickle_fails_alone(worker: workers.Worker) -> None:
    with pytest.raises((TypeError, AttributeError, pickle.PicklingError)):
        worker.call(worker_faults.nap, lambda: None, "x", timeout=30)
    assert worker.pending == 0
    assert worker.call(worker_faults.nap, 0, "next", timeout=30)[0] == "next"


def test_the_pool_lends_the_least_busy_worker_and_at_most_depth_calls_each() -> None:
    pool = workers.WorkerPool(2, depth=2)  # no child is started: nothing is called
    lent: list[workers.Worker] = []
    with ExitStack() as stack:
        for _ in range(4):
            lent.append(stack.enter_context(pool.worker()))
        assert lent[0] is not lent[1] and {id(w) for w in lent} == {id(w) for w in pool._all}
        def borrow() -> None:
            with pool.worker():
                pass

        fifth = threading.Thread(target=borrow)
        fifth.start()
        fifth.join(0.3)
        assert fifth.is_alive()  # all four slots are out
    fifth.join(5)
    assert not fifth.is_alive()  # a slot came back


@pytest.mark.timeout(60)
def test_a_call_given_up_by_its_thread_leaves_no_result_in_the_pipe(
        worker: workers.Worker) -> None:
    """A KeyboardInterrupt in the caller (here raised by a signal handler in the main thread)
    must not leave its call queued: the call behind it still gets its own result, and the
    worker serves later calls."""
    worker.warm_up(worker_faults.nap, 0, "warm")

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGUSR1, interrupt)
    results: dict[str, object] = {}

    def follower() -> None:
        try:
            results["b"] = worker.call(worker_faults.nap, 0.1, "b", timeout=5)
        except Exception as e:
            results["b"] = e

    main = threading.main_thread().ident or 0
    try:
        behind = threading.Timer(0.3, follower)
        behind.start()
        threading.Timer(0.8, signal.pthread_kill, (main, signal.SIGUSR1)).start()
        with pytest.raises(KeyboardInterrupt):
            worker.call(worker_faults.nap, 5, "a", timeout=10)
        behind.join(10)
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert not behind.is_alive()
    answer = results["b"]
    assert isinstance(answer, tuple) and answer[0] == "b", answer
    assert worker.pending == 0
    assert worker.call(worker_faults.nap, 0, "later", timeout=30)[0] == "later"


@pytest.mark.timeout(60)
def test_a_third_caller_waits_its_turn_and_large_results_never_deadlock_a_restart(
        worker: workers.Worker) -> None:
    worker.warm_up(worker_faults.nap, 0, "warm")
    big = b"x" * (4 * 2**20)
    started = time.monotonic()
    stuck, first, second = _in_threads(
        lambda: worker.call(worker_faults.nap, 30, "stuck", timeout=1),
        lambda: worker.call(worker_faults.echo, big, timeout=10),
        lambda: worker.call(worker_faults.echo, big, timeout=10))
    assert isinstance(stuck, workers.WorkerTimeout)
    assert first == big and second == big
    assert time.monotonic() - started < 20


@pytest.mark.timeout(60)
def test_closing_a_busy_worker_does_not_wait_for_the_document_in_hand(
        worker: workers.Worker) -> None:
    worker.warm_up(worker_faults.nap, 0, "warm")
    big = b"x" * (4 * 2**20)  # its send blocks while the child is busy
    results: list[object] = []

    def call(fn: Callable[..., object], *args: object) -> None:
        try:
            results.append(worker.call(fn, *args, timeout=30))
        except Exception as e:
            results.append(e)

    threads = [threading.Thread(target=call, args=(worker_faults.nap, 8, "a")),
               threading.Thread(target=call, args=(worker_faults.echo, big))]
    for t in threads:
        t.start()
        time.sleep(0.3)
    started = time.monotonic()
    worker.close()
    assert time.monotonic() - started < 3
    for t in threads:
        t.join(10)
        assert not t.is_alive()
    assert all(isinstance(r, workers.WorkerCrashed) for r in results), results


def test_a_closed_pool_lends_no_worker() -> None:
    pool = workers.WorkerPool(1)
    pool.close()
    with pytest.raises(workers.WorkerCrashed, match="closed"), pool.worker():
        pass

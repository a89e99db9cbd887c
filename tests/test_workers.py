"""Starting worker processes."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from pipeline.ingesting import workers


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
@pytest.mark.parametrize("delay", [0.0, 0.02, 0.1])
def test_a_ctrl_c_while_a_worker_boots_neither_kills_it_nor_prints(delay: float,
                                                                  capfd: pytest.CaptureFixture[str]
                                                                  ) -> None:
    """Ctrl-C reaches the whole process group; a child still booting with the held mask must
    ignore it, not raise KeyboardInterrupt where it unblocks."""
    import time

    worker = workers.Worker()
    try:
        worker._start()
        time.sleep(delay)
        os.kill(worker._proc.pid, signal.SIGINT)
        assert worker.call(os.getpid, timeout=30) == worker._proc.pid
    finally:
        worker.close()
    assert "Traceback" not in capfd.readouterr().err

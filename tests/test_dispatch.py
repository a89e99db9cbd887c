"""The host-paced dispatcher: many requests in flight, politeness and connection limits per host,
and a host waiting for its turn holds no thread."""

from __future__ import annotations

import contextlib
import threading
import time

from pipeline.fetching.dispatch import HostDispatcher, Task
from pipeline.fetching.fetcher import Fetcher, NetworkSettings


def run_all(tasks: list[tuple[str, float]], *, threads: int, per_host: int,
            interval: float) -> list[tuple[str, float, float]]:
    """Run (host, seconds) tasks; return (host, start, end) for each."""
    stop = threading.Event()
    done = threading.Semaphore(0)
    spans: list[tuple[str, float, float]] = []
    lock = threading.Lock()
    t0 = time.monotonic()

    def make(host: str, seconds: float) -> Task:
        def fetch() -> tuple[float, float]:
            start = time.monotonic() - t0
            time.sleep(seconds)
            return start, time.monotonic() - t0

        def after(span) -> None:
            with lock:
                spans.append((host, *span))
            done.release()

        return Task(host=host, fetch=fetch, after=after)

    with Fetcher(NetworkSettings(min_host_interval=interval)) as fetcher, \
            contextlib.closing(HostDispatcher(threads=threads, per_host=per_host,
                                              turn=fetcher.try_turn, stop=stop)) as dispatcher:
        for host, seconds in tasks:
            dispatcher.submit(make(host, seconds))
        for _ in tasks:
            assert done.acquire(timeout=20)
    return spans


def test_politeness_delays_only_the_same_host() -> None:
    tasks = [(f"h{h}", 0.0) for h in range(10) for _ in range(3)]
    spans = run_all(tasks, threads=8, per_host=2, interval=0.3)
    for h in range(10):
        starts = sorted(s for host, s, _ in spans if host == f"h{h}")
        assert all(b - a >= 0.29 for a, b in zip(starts, starts[1:], strict=False)), starts
    # Ten hosts in parallel: three turns each take about 0.6 s, not 30 x 0.3 s.
    assert max(e for _, _, e in spans) < 2.0


def test_connection_limit_per_host_and_requests_in_flight() -> None:
    tasks = [("slow", 0.3)] * 6 + [(f"h{h}", 0.3) for h in range(6)]
    spans = run_all(tasks, threads=8, per_host=2, interval=0.0)

    def most_at_once(host: str | None) -> int:
        chosen = [(s, e) for h, s, e in spans if host is None or h == host]
        return max(sum(1 for s2, e2 in chosen if s2 <= s < e2) for s, _ in chosen)

    assert most_at_once("slow") <= 2
    assert most_at_once(None) >= 6  # other hosts are not held up by the slow one


def test_a_waiting_host_holds_no_thread() -> None:
    """One thread, a host in its politeness wait: another host's task runs meanwhile."""
    tasks = [("a", 0.0), ("a", 0.0), ("b", 0.0)]
    spans = run_all(tasks, threads=1, per_host=1, interval=0.5)
    b_start = next(s for h, s, _ in spans if h == "b")
    a_second = max(s for h, s, _ in spans if h == "a")
    assert b_start < a_second


def test_finishing_work_goes_before_new_work_on_the_same_host() -> None:
    """A feed's pages, submitted after another feed of the same host was queued, are fetched
    before it: begun work is finished first. Other hosts keep their own order."""
    stop = threading.Event()
    order: list[str] = []
    done = threading.Semaphore(0)

    def task(host: str, name: str, *, finishing: bool = False) -> Task:
        def after(_: object) -> None:
            order.append(name)
            done.release()

        return Task(host=host, fetch=lambda: None, after=after, finishing=finishing)

    with Fetcher(NetworkSettings(min_host_interval=0.2)) as fetcher, \
            contextlib.closing(HostDispatcher(threads=1, per_host=1, turn=fetcher.try_turn,
                                              stop=stop)) as dispatcher:
        dispatcher.submit(task("a", "feed 1"))
        assert done.acquire(timeout=5)  # feed 1 read: a's turn is now 0.2 s away
        dispatcher.submit(task("a", "feed 2"))
        dispatcher.submit(task("a", "page 1.1", finishing=True))
        dispatcher.submit(task("a", "page 1.2", finishing=True))
        for _ in range(3):
            assert done.acquire(timeout=5)
    assert order == ["feed 1", "page 1.1", "page 1.2", "feed 2"]

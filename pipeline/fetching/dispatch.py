"""Run many network tasks at once, paced by host: the poll cycle's scheduler.

A poll cycle waits on the network, not on the CPU: a feed's articles all live on one host, and
politeness spaces requests to one host a second apart. So the cycle keeps many requests in
flight (``max_in_flight``, default 32) over all hosts, while each host gets at most
``max_host_connections`` open requests and one new request per ``min_host_interval``. A host
that is waiting for its turn holds no thread: threads only ever take a task whose host may be
contacted now.

Threads, not asyncio. The guarded fetcher (``fetcher``) is synchronous: its address guard sits in
an httpcore sync network backend and every socket operation is bounded by one deadline per
fetch. An asyncio version would need a second implementation of exactly the code that keeps us
safe (guard, deadline, bounded inflate), for a concurrency of tens, where threads cost a few
megabytes. Parsing and extraction happen in worker processes anyway, so the GIL is not what
limits a cycle.

Each task has two steps: ``fetch()`` runs while it counts against its host's connections, then
``after(result)`` (parse or extract in a worker process) runs with the host's slot released, so
a host is not held up by our CPU. On one host, a task that finishes begun work (the pages of a
feed already read) goes before tasks that begin more (another feed), so open feeds close soon
and their articles reach the store early in a cycle instead of after every feed was read.

Threads are daemons: on a stop the dispatcher stops handing out tasks at once, and a request
in flight (bounded by the fetcher's deadline) is abandoned.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class Task:
    host: str
    fetch: Callable[[], Any]
    after: Callable[[Any], None]  # gets fetch()'s result or the exception it raised
    # Work that finishes something already begun (the pages of a feed that was read) goes
    # before work that begins more (another feed) on the same host: begun work holds memory
    # until it is done, and its articles can be stored at once.
    finishing: bool = False


@dataclass
class _Host:
    finishing: deque[Task] = field(default_factory=deque)
    tasks: deque[Task] = field(default_factory=deque)
    active: int = 0
    queued: bool = False  # in the ready heap

    def waiting(self) -> int:
        return len(self.finishing) + len(self.tasks)

    def next_task(self) -> Task:
        return self.finishing.popleft() if self.finishing else self.tasks.popleft()


class HostDispatcher:
    """A fixed set of threads taking tasks host by host.

    ``turn(host)`` is the politeness clock (``Fetcher.try_turn``): it takes the host's turn and
    returns 0, or returns how long until the host may be contacted. A host ``given_up`` for
    this cycle gets its tasks run at once and without a turn: their ``fetch`` fails fast
    without contacting it.
    """

    def __init__(
        self,
        *,
        threads: int,
        per_host: int,
        turn: Callable[[str], float],
        stop: threading.Event,
        given_up: Callable[[str], bool] = lambda host: False,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self._per_host = max(1, per_host)
        self._turn = turn
        self._given_up = given_up
        self._stop = stop
        self._monotonic = monotonic
        self._hosts: dict[str, _Host] = {}
        self._ready: list[tuple[float, int, str]] = []  # (not before, seq, host)
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._run, daemon=True, name=f"claimwatch-net-{n}")
            for n in range(max(1, threads))
        ]
        for t in self._threads:
            t.start()

    def submit(self, task: Task) -> None:
        with self._cond:
            host = self._hosts.setdefault(task.host, _Host())
            (host.finishing if task.finishing else host.tasks).append(task)
            self._schedule(task.host, host, self._monotonic())
            self._cond.notify()

    def pending(self) -> int:
        with self._cond:
            return sum(h.waiting() + h.active for h in self._hosts.values())

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # -- inside the lock

    def _schedule(self, name: str, host: _Host, at: float) -> None:
        if host.waiting() and not host.queued and host.active < self._per_host:
            host.queued = True
            heapq.heappush(self._ready, (at, next(self._seq), name))

    def _take(self) -> tuple[str, Task] | None:
        """The next task whose host may be contacted now, or None after waiting a little."""
        while self._ready:
            at, _, name = self._ready[0]
            now = self._monotonic()
            if at > now:
                self._cond.wait(min(at - now, 0.2))
                return None
            heapq.heappop(self._ready)
            host = self._hosts[name]
            host.queued = False
            if not host.waiting() or host.active >= self._per_host:
                continue
            wait = 0.0 if self._given_up(name) else self._turn(name)
            if wait > 0:
                host.queued = True
                heapq.heappush(self._ready, (now + wait, next(self._seq), name))
                continue
            task = host.next_task()
            host.active += 1
            self._schedule(name, host, now)  # its next turn is checked when it comes up
            return name, task
        self._cond.wait(0.2)
        return None

    # -- the threads

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._closed or self._stop.is_set():
                    return
                taken = self._take()
            if taken is None:
                continue
            name, task = taken
            try:
                result: Any = task.fetch()
            except BaseException as e:  # handed to the task's own continuation
                result = e
            finally:
                with self._cond:
                    host = self._hosts[name]
                    host.active -= 1
                    self._schedule(name, host, self._monotonic())
                    if not host.waiting() and not host.active:
                        del self._hosts[name]  # memory stays bounded by hosts in use
                    self._cond.notify()
            if self._stop.is_set():
                return
            try:
                task.after(result)
            except Exception:  # a bug in a continuation must not kill the thread
                log.exception("event=task_failed_unexpectedly host=%s", name)

"""A poll cycle: fetch the due feeds, parse them, and send every new entry through ingestion.

``run_cycle`` is what ``claimwatch poll`` runs once and what the daemon runs on its schedule. A
failing feed or page is recorded on its row and the cycle carries on; nothing here raises for a
feed's sake.

The cycle is paced by hosts, not by cores. Every fetch of the cycle (feeds and their articles'
pages alike) goes through one :class:`~pipeline.fetching.dispatch.HostDispatcher`: many
requests in flight, politeness that delays only requests to the same host, a connection limit
per host. Work is streamed: a feed's entries are queued for fetching as soon as its body is
parsed, and each page is extracted as soon as it arrives. Parsing and extraction run in the
worker processes; judging and storing run here, in the calling thread, one article per
transaction, so a stop lands between two articles. Memory is bounded by the number of feeds
open at once (``8 x max_in_flight``), not by the number of feeds.

One host cannot stall the rest: each request is bounded by the fetcher's deadline, a host that
timed out ``HOST_TIMEOUT_BUDGET`` times in a cycle gets no more requests in that cycle, a feed
gets ``FEED_TIME_BUDGET`` seconds of a cycle (the pages left are recorded for a retry later,
with backoff), and nothing waits for a slow host but that host's own work.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from ..clock import Clock, iso
from ..clock import parse_optional as parse_iso
from ..config import NetworkConfig
from ..errors import FetchError, FetchTimeoutError, ParseError
from ..fetching.dispatch import HostDispatcher, Task
from ..fetching.feeds import FeedEntry, ParsedFeed, parse_feed
from ..fetching.fetcher import Fetcher, FetchResult
from ..ingesting.ingest import Ingestor, IngestReport, Prepared, prepare_entry, prepare_fetched
from ..ingesting.workers import RemoteError, WorkerCrashed, WorkerPool, WorkerTimeout
from ..store import FeedRow, PollRecord, Store
from .scheduling import (
    OUTAGE_WINDOW,
    IntervalBounds,
    adaptive_interval,
    after_failure,
    after_success,
    cache_max_age,
    is_outage,
    use_validators,
)

log = logging.getLogger(__name__)

# Timeouts one host may cost a cycle before its remaining requests wait for a later one.
HOST_TIMEOUT_BUDGET = 2
# Seconds one feed may take in a cycle (from its fetch to its last page): pages not started by
# then wait for a retry, with backoff, so a slow site with many entries cannot hold a cycle.
FEED_TIME_BUDGET = 300.0
# Feeds open at once (fetched or being fetched, entries not all stored), per request in flight.
OPEN_FEEDS_PER_REQUEST = 8


@dataclass
class FeedOutcome:
    feed: FeedRow
    conditional: bool
    result: FetchResult | None = None
    parsed: ParsedFeed | None = None
    error: BaseException | None = None
    unchanged: bool = False
    started: float = 0.0


@dataclass
class CycleReport:
    feeds_polled: int = 0
    feeds_failed: int = 0
    feeds_due: int = 0
    feeds_done: int = 0  # live, for progress: finished or failed so far
    feeds_failing: int = 0  # live, for progress: failed so far (recorded at the end)
    new_entries: int = 0
    articles: IngestReport = field(default_factory=IngestReport)
    errors: list[tuple[str, str]] = field(default_factory=list)  # feed name, error
    interrupted: bool = False


# Called after each article stored and each feed finished, with the report so far and what just
# happened: what ``claimwatch poll`` draws its progress from.
Progress = Callable[[CycleReport, str], None]


def _fetch_feed_body(feed: FeedRow, fetcher: Fetcher, conditional: bool, *,
                     turn_taken: bool = False) -> FetchResult:
    return fetcher.fetch(
        feed.url,
        kind="feed",
        etag=feed.etag if conditional else None,
        last_modified=feed.last_modified if conditional else None,
        turn_taken=turn_taken,
    )


def _parse_fetched(outcome: FeedOutcome, fetched: FetchResult | BaseException, *,
                   pool: WorkerPool, network: NetworkConfig) -> FeedOutcome:
    """Parse a fetched feed body in a worker; every failure comes back as ``outcome.error``."""
    feed = outcome.feed
    try:
        if isinstance(fetched, BaseException):
            raise fetched
        result = fetched
        outcome.result = result
        if result.status == 304:
            return outcome
        if hashlib.sha256(result.body).hexdigest() == feed.body_sha256:
            outcome.unchanged = True  # a server that ignores validators: no parse needed
            return outcome
        with pool.worker() as worker:
            try:
                outcome.parsed = worker.call(
                    parse_feed, result.body, dict(result.headers), result.final_url,
                    timeout=network.parse_timeout,
                )
            except WorkerTimeout as e:
                raise ParseError(f"parsing passed {network.parse_timeout:.0f}s",
                                 url=feed.url, kind="parse_timeout") from e
            except WorkerCrashed as e:
                raise ParseError(str(e), url=feed.url, kind="parse_crashed") from e
            except RemoteError as e:  # not a ParseError (that arrives as itself): a bug
                raise ParseError(e.message, url=feed.url, kind="parse_failed") from e
    except (FetchError, ParseError) as e:
        outcome.error = e
    except Exception as e:  # a bug or an input nobody foresaw: it costs this feed, not the cycle
        log.exception("event=feed_failed_unexpectedly feed=%s url=%s", feed.name, feed.url)
        outcome.error = e
    return outcome


def fetch_feed(
    feed: FeedRow,
    *,
    fetcher: Fetcher,
    pool: WorkerPool,
    network: NetworkConfig,
    now: datetime,
) -> FeedOutcome:
    """Fetch and parse one feed; every failure comes back as ``outcome.error``."""
    conditional = use_validators(feed, now)
    outcome = FeedOutcome(feed=feed, conditional=conditional, started=time.monotonic())
    fetched: FetchResult | BaseException
    try:
        fetched = _fetch_feed_body(feed, fetcher, conditional)
    except Exception as e:  # judged in _parse_fetched, like a parse failure
        fetched = e
    return _parse_fetched(outcome, fetched, pool=pool, network=network)


# scheme://[userinfo@]host[:port][/?#rest] with a plain host name (an IPv6 address goes to
# httpx), printable ASCII throughout: the host is what httpx would read, as written.
_PLAIN_URL = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#\s]*@)?([A-Za-z0-9._-]+)"
    r"(?::[0-9]*)?(?:[/?#][!-~]*)?"
)


def host_of(url: str | None) -> str:
    """The politeness key of a URL: its host name ("" when it has none, and will fail).

    The same key the fetcher spaces requests by (httpx's host, lower-cased). Most URLs are
    plain ASCII with a plain host, read here by one regex in a tenth of httpx's time; anything
    else (a Unicode or punycode host, an escape, an odd port) goes through httpx itself.
    """
    if not url:
        return ""
    plain = _PLAIN_URL.fullmatch(url)
    if plain and "xn--" not in plain[1].lower():
        return plain[1].lower()
    try:
        return httpx.URL(url).host.lower()
    except (httpx.InvalidURL, TypeError, ValueError):
        return ""


def interleave_by_host(feeds: Sequence[FeedRow]) -> list[FeedRow]:
    """Feeds in due order, but one per host in turn, so the first feeds open touch many hosts."""
    by_host: dict[str, deque[FeedRow]] = {}
    for feed in feeds:
        by_host.setdefault(host_of(feed.url), deque()).append(feed)
    ordered: list[FeedRow] = []
    queues = list(by_host.values())
    while queues:
        for q in queues:
            ordered.append(q.popleft())
        queues = [q for q in queues if q]
    return ordered


def _asked_wait(result: FetchResult, parsed: ParsedFeed | None) -> timedelta | None:
    """The longest of the feed's ``ttl`` and its response's ``Cache-Control: max-age``."""
    waits = [w for w in (
        cache_max_age(result.headers.get("cache-control")),
        timedelta(minutes=parsed.ttl_minutes) if parsed and parsed.ttl_minutes else None,
    ) if w is not None]
    return max(waits) if waits else None


class _NotTried(FetchTimeoutError):
    """A request left for a later cycle by a time budget: retried like a timeout, never
    counted as one against its host."""


class _HostBudget:
    """Timeouts per host in this cycle; past the budget a host gets no more requests."""

    def __init__(self, limit: int):
        self.limit = limit
        self._timeouts: dict[str, int] = {}
        self._lock = threading.Lock()

    def given_up(self, host: str) -> bool:
        with self._lock:
            return self._timeouts.get(host, 0) >= self.limit

    def check(self, host: str, url: str) -> None:
        with self._lock:
            spent = self._timeouts.get(host, 0)
        if spent >= self.limit:
            raise _NotTried(
                f"not tried: {host} timed out {spent} times this cycle", url=url)

    def record(self, host: str, error: BaseException) -> None:
        if isinstance(error, FetchTimeoutError) and not isinstance(error, _NotTried):
            with self._lock:
                self._timeouts[host] = self._timeouts.get(host, 0) + 1


@dataclass
class _OpenFeed:
    outcome: FeedOutcome
    now: datetime
    entries: int = 0
    done: int = 0
    processed: int = 0
    capped: bool = False
    report: IngestReport = field(default_factory=IngestReport)


class Poller:
    """Owns nothing but references: the store, fetcher, worker pool and ingestor are passed in."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        pool: WorkerPool,
        ingestor: Ingestor,
        network: NetworkConfig,
        *,
        jitter: float = 0.2,
        clock: Clock,
        rng: random.Random | None = None,
        stop: threading.Event | None = None,
        max_in_flight: int | None = None,
        bounds: IntervalBounds | None = None,
        feed_budget: float = FEED_TIME_BUDGET,
    ):
        self.store = store
        self.fetcher = fetcher
        self.pool = pool
        self.ingestor = ingestor
        self.network = network
        self.jitter = jitter
        self.clock = clock
        self.rng = rng or random.Random()
        self.stop = stop or threading.Event()
        self.max_in_flight = max_in_flight or network.max_in_flight
        self.bounds = bounds or IntervalBounds()
        self.feed_budget = feed_budget

    def run_cycle(
        self,
        feeds: Sequence[FeedRow],
        *,
        progress: Progress | None = None,
    ) -> CycleReport:
        """Poll ``feeds`` and ingest their new entries. Safe to interrupt with ``self.stop``:
        the article in hand is finished (or rolled back) and the rest wait for the next cycle."""
        report = CycleReport(feeds_due=len(feeds))
        if not feeds:
            return report
        return _Cycle(self, feeds, report, progress).run()


class _Cycle:
    """One run of :meth:`Poller.run_cycle`: network threads feed a queue, this thread stores."""

    def __init__(self, poller: Poller, feeds: Sequence[FeedRow], report: CycleReport,
                 progress: Progress | None):
        self.p = poller
        self.report = report
        self.progress = progress
        self.waiting = deque(interleave_by_host(feeds))
        self.open: dict[int, _OpenFeed] = {}
        self.submitted = 0  # feeds handed to the dispatcher and not finished
        self.max_open = OPEN_FEEDS_PER_REQUEST * poller.max_in_flight
        self.failures: list[FeedOutcome] = []  # recorded at the end (the outage rule)
        self.results: queue.Queue[tuple[str, Any]] = queue.Queue(
            maxsize=2 * poller.max_in_flight)
        self.budget = _HostBudget(HOST_TIMEOUT_BUDGET)
        self.now = poller.clock()
        self.dispatcher = HostDispatcher(
            threads=poller.max_in_flight,
            per_host=poller.network.max_host_connections,
            turn=poller.fetcher.try_turn,
            stop=poller.stop,
            given_up=self.budget.given_up,
        )

    # -- the writer loop, in the calling thread

    def run(self) -> CycleReport:
        p, report = self.p, self.report
        # Before this cycle writes its own rows: the outage rule weighs this cycle's failures
        # against the polls of the last minutes.
        recent_polled, recent_network = p.store.recent_polls(iso(self.now - OUTAGE_WINDOW))
        try:
            self._admit()
            while self.submitted:
                if p.stop.is_set():
                    report.interrupted = True
                    break
                try:
                    kind, payload = self.results.get(timeout=0.2)
                except queue.Empty:
                    continue
                if kind == "feed":
                    self._feed_fetched(payload)
                else:
                    self._page_ready(*payload)
                self._admit()
        finally:
            self.dispatcher.close()
        if self.open:
            # Stopped part-way: what is left of these feeds is due at once (after a restart).
            p.store.mark_due(list(self.open), iso(p.clock()))
        self._finish_failures(recent_polled, recent_network)
        if p.stop.is_set():
            report.interrupted = True
        return report

    def _admit(self) -> None:
        while self.waiting and self.submitted < self.max_open:
            feed = self.waiting.popleft()
            self.submitted += 1
            self._submit_feed(feed)

    def _put(self, kind: str, payload: Any) -> None:
        """From a network thread: hand a result to the writer, waiting while it is behind
        (bounded memory) unless the cycle is stopping."""
        while not self.p.stop.is_set():
            try:
                self.results.put((kind, payload), timeout=0.2)
                return
            except queue.Full:
                continue

    # -- feeds

    def _submit_feed(self, feed: FeedRow) -> None:
        p = self.p
        conditional = use_validators(feed, self.now)
        outcome = FeedOutcome(feed=feed, conditional=conditional, started=time.monotonic())
        host = host_of(feed.url)

        def fetch() -> FetchResult:
            self.budget.check(host, feed.url)
            return _fetch_feed_body(feed, p.fetcher, conditional, turn_taken=True)

        def after(fetched: FetchResult | BaseException) -> None:
            if isinstance(fetched, BaseException):
                self.budget.record(host, fetched)
            self._put("feed", _parse_fetched(outcome, fetched, pool=p.pool, network=p.network))

        self.dispatcher.submit(Task(host=host, fetch=fetch, after=after))

    def _feed_fetched(self, outcome: FeedOutcome) -> None:
        p = self.p
        feed = outcome.feed
        if outcome.error is not None:
            # Recorded at the end of the cycle, when it is known whether nearly every feed
            # failed at the network (our outage, not theirs).
            self.failures.append(outcome)
            self.submitted -= 1
            self.report.feeds_done += 1
            self.report.feeds_failing += 1
            if self.progress:
                self.progress(self.report, f"{feed.name}: failed")
            return
        state = _OpenFeed(outcome=outcome, now=p.clock())
        entries: list[FeedEntry] = []
        if outcome.parsed is not None:
            all_entries = outcome.parsed.entries
            unseen = p.store.unseen_entries(feed.id, [e.guid_key for e in all_entries])
            entries = [e for e in all_entries if e.guid_key in unseen]
            # Oldest first, so a crash part-way leaves the newest for the next cycle.
            entries.sort(key=lambda e: e.published_at or "")
            cap = p.network.max_entries_per_poll
            if len(entries) > cap:
                log.warning("event=entries_capped feed=%s new=%d processed=%d", feed.name,
                            len(entries), cap)
                entries = entries[:cap]
                state.capped = True
        self.report.new_entries += len(entries)
        # Pages that failed for a transient reason and whose retry is due, whatever the feed
        # says today (a 304 included).
        taken = {e.guid_key for e in entries}
        room = max(0, p.network.max_entries_per_poll - len(entries))
        for row in p.store.due_retries(feed.id, iso(state.now), room):
            if row.guid_key not in taken:
                entries.append(FeedEntry(
                    guid_key=row.guid_key, url=row.url, title=row.title or "",
                    summary="", published_at=None, author=None,
                    attempts=row.attempts or 0))
        # An article another feed already delivered is linked, not fetched again.
        entries = p.ingestor.link_known(feed.id, entries)
        state.entries = len(entries)
        self.open[feed.id] = state
        if not entries:
            self._finish_feed(state)
            return
        for entry in entries:
            if entry.url is None:
                self._page_ready(feed.id, entry,
                                 prepare_entry(entry, fetcher=p.fetcher, pool=p.pool,
                                               extract_timeout=p.network.extract_timeout))
            else:
                self._submit_page(feed.id, entry)

    # -- pages

    def _submit_page(self, feed_id: int, entry: FeedEntry) -> None:
        p = self.p
        assert entry.url is not None
        url = entry.url
        host = host_of(url)

        started = self.open[feed_id].outcome.started

        def fetch() -> FetchResult:
            self.budget.check(host, url)
            spent = time.monotonic() - started
            if spent > p.feed_budget:
                raise _NotTried(
                    f"not tried: its feed passed its {p.feed_budget:g}s budget this cycle",
                    url=url)
            return p.fetcher.fetch(url, kind="page", turn_taken=True)

        def after(fetched: FetchResult | BaseException) -> None:
            if isinstance(fetched, BaseException):
                self.budget.record(host, fetched)
            prepared = prepare_fetched(entry, fetched, pool=p.pool,
                                       extract_timeout=p.network.extract_timeout)
            self._put("page", (feed_id, entry, prepared))

        self.dispatcher.submit(Task(host=host, fetch=fetch, after=after, finishing=True))

    def _page_ready(self, feed_id: int, entry: FeedEntry, prepared: Prepared) -> None:
        p = self.p
        state = self.open[feed_id]
        # Each article is one transaction: a stop lands between two articles.
        article_report = p.ingestor.store_prepared(prepared, feed_id=feed_id, entry=entry)
        self.report.articles.merge(article_report)
        state.report.merge(article_report)
        state.done += 1
        state.processed += 1
        if self.progress:
            self.progress(self.report, f"{state.outcome.feed.name}: {state.done}/{state.entries} "
                                       f"{entry.url or ''}")
        if state.done == state.entries:
            self._finish_feed(state)

    # -- feed rows

    def _finish_feed(self, state: _OpenFeed) -> None:
        p = self.p
        outcome = state.outcome
        feed = outcome.feed
        del self.open[feed.id]
        self.submitted -= 1
        self.report.feeds_polled += 1
        self.report.feeds_done += 1
        result = outcome.result
        assert result is not None
        now = p.clock()
        duration = int((time.monotonic() - outcome.started) * 1000)
        # Every entry handled (stored, linked, refused or waiting for its retry): the body
        # counts as done, unless entries over the per-poll cap are still to come.
        complete = not state.capped
        body_hash = hashlib.sha256(result.body).hexdigest() if result.status == 200 else None
        current = timedelta(minutes=feed.poll_interval_minutes or feed.interval_minutes)
        published = [d for d in (parse_iso(e.published_at) for e in (
            outcome.parsed.entries if outcome.parsed else ())) if d is not None]
        interval = adaptive_interval(current, published=published, new_entries=state.processed,
                                     bounds=p.bounds)
        decision = after_success(
            feed,
            now=now,
            rng=p.rng,
            jitter=p.jitter,
            status=result.status,
            etag=result.headers.get("etag"),
            last_modified=result.headers.get("last-modified"),
            body_sha256=body_hash if complete else None,
            permanent_redirect=result.permanent_redirect,
            conditional=outcome.conditional,
            new_entries=state.processed,
            warning=outcome.parsed.warning if outcome.parsed else None,
            min_wait=_asked_wait(result, outcome.parsed),
            interval=interval,
        )
        decision.changes["poll_interval_minutes"] = round(interval.total_seconds() / 60, 1)
        if not complete:
            # More entries than one poll takes: the rest are due at once.
            decision.changes.update(etag=None, last_modified=None, next_poll_at=iso(now))
        decision.changes.update(self._page_health(feed, state, now))
        p.store.update_feed(
            feed.id,
            decision.changes,
            PollRecord(started_at=iso(self.now), duration_ms=duration, outcome=decision.outcome,
                       status=result.status, new_entries=state.processed, error=None),
        )
        log.info("event=poll feed=%s outcome=%s status=%s new_entries=%d next_poll_at=%s",
                 feed.name, decision.outcome, result.status, state.processed,
                 decision.changes.get("next_poll_at"))
        if self.progress:
            self.progress(self.report, f"{feed.name}: {decision.outcome}")

    def _page_health(self, feed: FeedRow, state: _OpenFeed, now: datetime) -> dict[str, Any]:
        """A feed whose pages keep failing shows in feed health, though the feed itself is
        fine: how many of its pages failed in this poll or still wait for a retry."""
        failed = state.report.failed_pages
        waiting = self.p.store.waiting_retries(feed.id)
        failing = max(len(failed), waiting)
        if not failing:
            return {"failing_pages": 0, "page_error": None, "page_error_at": None}
        changes: dict[str, Any] = {"failing_pages": failing}
        if failed:
            changes.update(page_error=f"pages failing: {failing} ({failed[-1]})"[:1000],
                           page_error_at=iso(now))
        return changes

    def _finish_failures(self, recent_polled: int, recent_network: int) -> None:
        p, report = self.p, self.report
        if not self.failures:
            return
        errors = [o.error for o in self.failures if o.error is not None]
        polled = report.feeds_polled + len(self.failures)
        outage = is_outage(errors, polled, recent_polled=recent_polled,
                           recent_network_failures=recent_network)
        if outage:
            log.warning("event=outage_suspected failed=%d polled=%d: failures not counted "
                        "against feeds", len(errors), polled)
        for outcome in self.failures:
            feed = outcome.feed
            assert outcome.error is not None
            now = p.clock()
            duration = int((time.monotonic() - outcome.started) * 1000)
            decision = after_failure(feed, outcome.error, now=now, rng=p.rng,
                                     jitter=p.jitter, outage=outage)
            status = getattr(outcome.error, "status", None)
            p.store.update_feed(
                feed.id,
                decision.changes,
                PollRecord(started_at=iso(self.now), duration_ms=duration,
                           outcome=decision.outcome, status=status, new_entries=0,
                           error=decision.changes["last_error"]),
            )
            report.feeds_polled += 1
            report.feeds_failed += 1
            report.errors.append((feed.name, decision.changes["last_error"]))
            log.warning("event=poll feed=%s outcome=%s error=%r next_poll_at=%s", feed.name,
                        decision.outcome, decision.changes["last_error"],
                        decision.changes.get("next_poll_at"))

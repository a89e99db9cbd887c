"""A poll cycle: fetch the due feeds, parse them, and send every new entry through ingestion.

``run_cycle`` is what ``claimwatch poll`` runs once and what the daemon runs on its schedule. A
failing feed or page is recorded on its row and the cycle carries on; nothing here raises for a
feed's sake.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .config import NetworkConfig
from .errors import FetchError, ParseError
from .feeds import FeedEntry, ParsedFeed, parse_feed
from .http import Fetcher, FetchResult
from .ingest import Ingestor, IngestReport, prepare_entry
from .scheduling import (
    OUTAGE_WINDOW,
    after_failure,
    after_success,
    is_outage,
    iso,
    use_validators,
)
from .store import FeedRow, Store
from .workers import RemoteError, Stopped, WorkerCrashed, WorkerPool, WorkerTimeout, ordered_map

log = logging.getLogger(__name__)


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
    new_entries: int = 0
    articles: IngestReport = field(default_factory=IngestReport)
    errors: list[tuple[str, str]] = field(default_factory=list)  # feed name, error
    interrupted: bool = False


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
    try:
        result = fetcher.fetch(
            feed.url,
            kind="feed",
            etag=feed.etag if conditional else None,
            last_modified=feed.last_modified if conditional else None,
        )
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
            except RemoteError as e:
                raise ParseError(e.message, url=feed.url,
                                 kind="not_a_feed" if e.type_name == "ParseError" else
                                 "parse_failed") from e
    except (FetchError, ParseError) as e:
        outcome.error = e
    except Exception as e:  # a bug or an input nobody foresaw: it costs this feed, not the cycle
        log.exception("event=feed_failed_unexpectedly feed=%s url=%s", feed.name, feed.url)
        outcome.error = e
    return outcome


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
        clock: Callable[[], datetime],
        rng: random.Random | None = None,
        stop: threading.Event | None = None,
        fetch_threads: int | None = None,
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
        self.fetch_threads = fetch_threads or max(2, pool.size)

    def run_cycle(
        self,
        feeds: Sequence[FeedRow],
        *,
        progress: Callable[[str], None] | None = None,
    ) -> CycleReport:
        """Poll ``feeds`` and ingest their new entries. Safe to interrupt with ``self.stop``:
        the article in hand is finished (or rolled back) and the rest wait for the next cycle."""
        report = CycleReport()
        if not feeds:
            return report
        now = self.clock()
        try:
            outcomes = list(
                ordered_map(
                    lambda f: fetch_feed(f, fetcher=self.fetcher, pool=self.pool,
                                         network=self.network, now=now),
                    list(feeds),
                    threads=self.fetch_threads,
                    stop=self.stop,
                )
            )
        except Stopped:
            report.interrupted = True
            return report
        failures = [o.error for o in outcomes if o.error is not None]
        recent_polled, recent_network = self.store.recent_polls(iso(now - OUTAGE_WINDOW))
        outage = is_outage(failures, len(outcomes), recent_polled=recent_polled,
                           recent_network_failures=recent_network)
        if outage:
            log.warning("event=outage_suspected failed=%d polled=%d: failures not counted "
                        "against feeds", len(failures), len(outcomes))
        for outcome in outcomes:
            if self.stop.is_set():
                report.interrupted = True
                break
            report.feeds_polled += 1
            self._finish_feed(outcome, outage, report, progress)
        return report

    def _finish_feed(self, outcome: FeedOutcome, outage: bool, report: CycleReport,
                     progress: Callable[[str], None] | None) -> None:
        feed = outcome.feed
        now = self.clock()
        duration = int((time.monotonic() - outcome.started) * 1000)
        if outcome.error is not None:
            decision = after_failure(feed, outcome.error, now=now, rng=self.rng,
                                     jitter=self.jitter, outage=outage)
            status = getattr(outcome.error, "status", None)
            self.store.update_feed(
                feed.id,
                decision.changes,
                {"started_at": iso(now), "duration_ms": duration, "outcome": decision.outcome,
                 "status": status, "new_entries": 0, "error": decision.changes["last_error"]},
            )
            report.feeds_failed += 1
            report.errors.append((feed.name, decision.changes["last_error"]))
            log.warning("event=poll feed=%s outcome=%s error=%r next_poll_at=%s", feed.name,
                        decision.outcome, decision.changes["last_error"],
                        decision.changes.get("next_poll_at"))
            return
        result = outcome.result
        assert result is not None
        entries: list[FeedEntry] = []
        capped = False
        if outcome.parsed is not None:
            all_entries = outcome.parsed.entries
            unseen = self.store.unseen_entries(feed.id, [e.guid_key for e in all_entries])
            entries = [e for e in all_entries if e.guid_key in unseen]
            # Oldest first, so a crash part-way leaves the newest for the next cycle.
            entries.sort(key=lambda e: e.published_at or "")
            cap = self.network.max_entries_per_poll
            if len(entries) > cap:
                log.warning("event=entries_capped feed=%s new=%d processed=%d", feed.name,
                            len(entries), cap)
                entries = entries[:cap]
                capped = True
        report.new_entries += len(entries)
        # An article another feed already delivered is linked, not fetched again.
        entries = self.ingestor.link_known(feed.id, entries)
        deferred_before = report.articles.deferred
        processed, interrupted = self._ingest(feed, entries, report, progress)
        deferred = report.articles.deferred - deferred_before
        # The body counts as handled only once every entry in it was handled: otherwise the
        # next poll must parse it again (no validators, no body hash) to pick up the rest.
        complete = not (interrupted or capped or deferred)
        body_hash = hashlib.sha256(result.body).hexdigest() if result.status == 200 else None
        decision = after_success(
            feed,
            now=self.clock(),
            rng=self.rng,
            jitter=self.jitter,
            status=result.status,
            etag=result.headers.get("etag"),
            last_modified=result.headers.get("last-modified"),
            body_sha256=body_hash if complete else None,
            permanent_redirect=result.permanent_redirect,
            conditional=outcome.conditional,
            new_entries=processed,
            warning=outcome.parsed.warning if outcome.parsed else None,
        )
        if not complete:
            decision.changes.update(etag=None, last_modified=None)
        if interrupted or capped:
            # Stopped part-way, or more entries than one poll takes: the rest are due at once
            # (after a restart, or on the next tick). Deferred pages wait for the usual interval.
            report.interrupted = report.interrupted or interrupted
            decision.changes["next_poll_at"] = iso(now)
        self.store.update_feed(
            feed.id,
            decision.changes,
            {"started_at": iso(now), "duration_ms": duration, "outcome": decision.outcome,
             "status": result.status, "new_entries": processed, "error": None},
        )
        log.info("event=poll feed=%s outcome=%s status=%s new_entries=%d next_poll_at=%s",
                 feed.name, decision.outcome, result.status, processed,
                 decision.changes.get("next_poll_at"))

    def _ingest(self, feed: FeedRow, entries: list[FeedEntry], report: CycleReport,
                progress: Callable[[str], None] | None) -> tuple[int, bool]:
        """Fetch+extract in parallel threads; judge+store here, in order, one at a time."""
        if not entries:
            return 0, False
        done = 0
        prepared_in_order = ordered_map(
            lambda e: prepare_entry(e, fetcher=self.fetcher, pool=self.pool,
                                    extract_timeout=self.network.extract_timeout),
            entries,
            # One more fetcher than extractors per worker, so the next page downloads while
            # the last one is being extracted.
            threads=2 * self.pool.size,
            stop=self.stop,
        )
        try:
            for entry, prepared in zip(entries, prepared_in_order, strict=False):
                # Each article is one transaction: a stop lands between two articles.
                article_report = self.ingestor.store_prepared(
                    prepared, feed_id=feed.id, entry=entry
                )
                report.articles.merge(article_report)
                done += 1
                if progress:
                    progress(f"{feed.name}: {done}/{len(entries)} {entry.url or ''}")
                if self.stop.is_set() and done < len(entries):
                    return done, True
        except Stopped:
            return done, True
        return done, False

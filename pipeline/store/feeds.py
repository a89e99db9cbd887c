"""Feeds in the store: the configured list, when each is polled next, how it fares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import CONNECTION_KINDS, StoreError
from .base import StoreBase
from .rows import (
    FEED_POLL_COLUMNS,
    ConfiguredFeed,
    FeedHealthRow,
    FeedProblemRow,
    FeedRow,
    PollRecord,
    _plain,
    _typed,
)


class FeedsStore(StoreBase):
    """Feeds: the configured list, poll state, health."""

    def sync_feeds(self, feeds: Sequence[ConfiguredFeed], *, now: str) -> None:
        """Insert feeds new to the config, adopt changed URLs (resetting their state), and mark
        feeds no longer configured inactive (their rows and articles stay)."""
        with self.transaction() as db:
            names = set()
            for feed in feeds:
                names.add(feed.name)
                rows = list(db.table("feeds").rows_where("name = ?", [feed.name]))
                if not rows:
                    db.table("feeds").insert(
                        {
                            "name": feed.name,
                            "url": feed.url,
                            "configured_url": feed.url,
                            "interval_minutes": feed.interval_minutes,
                            "active": 1,
                            "next_poll_at": now,
                            "consecutive_errors": 0,
                        }
                    )
                    continue
                row = rows[0]
                changes: dict[str, Any] = {"interval_minutes": feed.interval_minutes, "active": 1}
                if row["interval_minutes"] != feed.interval_minutes:
                    changes["poll_interval_minutes"] = None  # start again from the new one
                if row["configured_url"] != feed.url:
                    changes.update(
                        url=feed.url,
                        configured_url=feed.url,
                        etag=None,
                        last_modified=None,
                        body_sha256=None,
                        consecutive_errors=0,
                        last_error=None,
                        disabled_reason=None,
                        redirect_target=None,
                        redirect_count=0,
                        redirect_first_seen=None,
                        failing_since=None,
                        next_poll_at=now,
                    )
                db.table("feeds").update(row["id"], changes)
            for row in db.table("feeds").rows_where("active = 1"):
                if row["name"] not in names:
                    db.table("feeds").update(row["id"], {"active": 0})

    def feeds(self, *, name: str | None = None, due_before: str | None = None) -> list[FeedRow]:
        where = ["active = 1", "disabled_reason IS NULL"]
        args: list[Any] = []
        if name is not None:
            where.append("name = ?")
            args.append(name)
        if due_before is not None:
            where.append("(next_poll_at IS NULL OR next_poll_at <= ?)")
            args.append(due_before)
        rows = self.db.table("feeds").rows_where(" AND ".join(where), args,
                                                 order_by="next_poll_at, id")
        return [FeedRow.from_row(r) for r in rows]

    def feed_by_name(self, name: str) -> FeedRow | None:
        rows = list(self.db.table("feeds").rows_where("name = ?", [name]))
        return FeedRow.from_row(rows[0]) if rows else None

    def update_feed(self, feed_id: int, changes: Mapping[str, Any], poll: PollRecord) -> None:
        """After a poll: change the feed's poll state and health and log the poll, together.

        ``changes`` is a scheduling decision (``orchestration/scheduling.py``): the columns of
        :data:`~pipeline.store.rows.FEED_POLL_COLUMNS` it sets, each to a value or to None
        (NULL); the others stay. StoreError, before any write, for any other column."""
        unknown = sorted(set(changes) - FEED_POLL_COLUMNS)
        if unknown:
            raise StoreError(f"update_feed: not a feed column a poll may change: {unknown}")
        with self.transaction() as db:
            db.table("feeds").update(feed_id, dict(changes))
            db.table("poll_log").insert({"feed_id": feed_id, **_plain(poll)})

    def mark_due(self, feed_ids: Sequence[int], now: str) -> None:
        with self.transaction() as db:
            for feed_id in feed_ids:
                db.table("feeds").update(feed_id, {"next_poll_at": now})

    def recent_polls(self, since: str) -> tuple[int, int]:
        """(polls since ``since``, how many of them failed at the network): the daemon polls a
        few feeds a tick, so an outage shows over minutes, not within one cycle."""
        # A failed poll's error is "kind: message" (scheduling.after_failure); which kinds are
        # network failures is decided in Python alone (errors.CONNECTION_KINDS).
        kinds = " OR ".join("error LIKE ?" for _ in CONNECTION_KINDS)
        polled, network = self.db.execute(
            f"""SELECT count(*), coalesce(sum(outcome = 'outage' OR (outcome = 'error' AND
                       ({kinds}))), 0)
                FROM poll_log WHERE started_at >= ?""",
            [*(f"{kind}:%" for kind in CONNECTION_KINDS), since],
        ).fetchone()
        return int(polled), int(network)

    def next_due_at(self) -> str | None:
        row = self.db.execute(
            "SELECT min(next_poll_at) FROM feeds WHERE active = 1 AND disabled_reason IS NULL"
        ).fetchone()
        return row[0] if row else None

    def feed_problems(self) -> list[FeedProblemRow]:
        return _typed(FeedProblemRow, self.query(
            """SELECT name, url, consecutive_errors,
                      coalesce(last_error, page_error) AS last_error,
                      coalesce(last_error_at, page_error_at) AS last_error_at, last_success_at,
                      next_poll_at, disabled_reason, failing_pages
               FROM feeds
               WHERE active = 1 AND (consecutive_errors > 0 OR disabled_reason IS NOT NULL
                     OR failing_pages > 0
                     OR (last_error IS NOT NULL AND last_error_at > coalesce(last_success_at, '')))
               ORDER BY disabled_reason IS NULL, consecutive_errors DESC, failing_pages DESC,
                        name"""
        ))

    def feed_health(self) -> list[FeedHealthRow]:
        """Every feed row the store knows (configured or not any more), by name."""
        return _typed(FeedHealthRow, self.query(
            """SELECT id, name, url, configured_url, interval_minutes, active, last_polled_at,
                      last_success_at, next_poll_at, consecutive_errors, last_error,
                      last_error_at, disabled_reason, failing_pages, page_error
               FROM feeds ORDER BY name"""
        ))

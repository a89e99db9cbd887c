"""What ``claimwatch status`` and ``claimwatch feeds list`` show: the watcher's health at a glance.

Read-only: the store is opened without a write lock, so both answer at once while the daemon
works. The clock is an argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..clock import iso
from ..config import Config
from ..errors import StoreError
from ..store import FeedHealthRow, Store
from .digest import day_bounds

_DIGEST_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}\.md$")


@dataclass(frozen=True)
class FeedHealth:
    name: str
    url: str
    interval_minutes: int
    # ok | failing | pages failing (the feed is fine, its article pages are not) | disabled |
    # never polled (configured, not polled yet)
    state: str
    due: bool
    consecutive_errors: int = 0
    last_success_at: str | None = None
    next_poll_at: str | None = None
    last_error: str | None = None
    disabled_reason: str | None = None
    failing_pages: int = 0


@dataclass(frozen=True)
class Status:
    now: str
    heartbeat_age: float | None  # seconds since the daemon's last tick; None: never ran
    max_age: int
    feeds: tuple[FeedHealth, ...]
    today: dict[str, int]
    week: dict[str, int]
    last_digest: Path | None
    database: Path
    store_bytes: int | None  # None: no store yet
    store_error: str | None = None
    alerts: dict[str, int] | None = None  # deliveries by status; None: no [alerts] urls
    atom: Path | None = None

    @property
    def alive(self) -> bool:
        return self.heartbeat_age is not None and self.heartbeat_age <= self.max_age

    def count(self, state: str) -> int:
        return sum(1 for f in self.feeds if f.state == state)


def _state(row: FeedHealthRow | None) -> str:
    if row is None or not row.last_polled_at:
        return "never polled"
    if row.disabled_reason:
        return "disabled"
    if (row.consecutive_errors or 0) > 0:
        return "failing"
    if (row.failing_pages or 0) > 0:
        return "pages failing"
    return "ok"


def feed_health(config: Config, store: Store | None, now: datetime) -> list[FeedHealth]:
    """Every configured feed with its state in the store (a feed added to the config since the
    daemon last started is "never polled")."""
    rows = {r.name: r for r in store.feed_health()} if store is not None else {}
    stamp = iso(now)
    result = []
    for feed in config.feeds:
        row = rows.get(feed.name)
        state = _state(row)
        next_poll = row.next_poll_at if row else None
        # The store's URL may differ from the config's after an adopted permanent redirect.
        url = row.url if row and row.configured_url == feed.url else feed.url
        due = state != "disabled" and (next_poll is None or next_poll <= stamp)
        result.append(FeedHealth(
            name=feed.name, url=url, interval_minutes=feed.interval_minutes, state=state,
            due=due,
            consecutive_errors=(row.consecutive_errors or 0) if row else 0,
            last_success_at=row.last_success_at if row else None,
            next_poll_at=next_poll,
            last_error=(None if row is None
                        else row.page_error if state == "pages failing" else row.last_error),
            disabled_reason=row.disabled_reason if row else None,
            failing_pages=(row.failing_pages or 0) if row else 0,
        ))
    return result


def last_digest(directory: Path) -> Path | None:
    try:
        names = sorted(p.name for p in directory.iterdir() if _DIGEST_NAME.match(p.name))
    except OSError:
        return None
    return directory / names[-1] if names else None


def store_size(database: Path) -> int | None:
    if not database.is_file():
        return None
    return sum(Path(f"{database}{suffix}").stat().st_size
               for suffix in ("", "-wal", "-shm") if Path(f"{database}{suffix}").exists())


def build_status(config: Config, *, now: datetime, heartbeat_age: float | None,
                 max_age: int) -> Status:
    tz = config.schedule.timezone
    today: date = now.astimezone(ZoneInfo(tz)).date()
    start, end = day_bounds(today, tz)
    week_start, _ = day_bounds(today - timedelta(days=6), tz)
    empty = {"articles": 0, "confirmation": 0, "contradiction": 0, "development": 0}
    counts_today, counts_week = dict(empty), dict(empty)
    store: Store | None = None
    store_error = None
    database = config.storage.database
    if database.is_file():
        try:
            store = Store.open_readonly(database)
        except StoreError as e:
            store_error = str(e)
    try:
        feeds = feed_health(config, store, now)
        alerts = None
        if store is not None:
            counts_today = store.activity_counts(start, end)
            counts_week = store.activity_counts(week_start, end)
            if config.alerts.enabled:
                alerts = store.delivery_counts()
    finally:
        if store is not None:
            store.close()
    return Status(
        now=iso(now),
        heartbeat_age=heartbeat_age,
        max_age=max_age,
        feeds=tuple(feeds),
        today=counts_today,
        week=counts_week,
        last_digest=last_digest(config.storage.digests),
        database=database,
        store_bytes=store_size(database),
        store_error=store_error,
        alerts=alerts,
        atom=config.storage.atom_file if config.storage.atom_file.is_file() else None,
    )


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


def _activity(c: dict[str, int]) -> str:
    flags = c["confirmation"] + c["contradiction"] + c["development"]
    return (f"{c['articles']} articles, {flags} flags ({c['contradiction']} contradictions, "
            f"{c['development']} developments, {c['confirmation']} confirmations)")


def render_status(s: Status) -> str:
    if s.heartbeat_age is None:
        daemon = "NOT RUNNING (no heartbeat yet: start it with `claimwatch run`)"
    elif s.alive:
        daemon = f"alive (last tick {_age(s.heartbeat_age)} ago)"
    else:
        daemon = (f"STALE (last tick {_age(s.heartbeat_age)} ago, more than {s.max_age}s): "
                  f"is `claimwatch run` still running?")
    due = sum(1 for f in s.feeds if f.due)
    lines = [
        f"claimwatch status at {s.now}",
        f"  daemon       {daemon}",
        f"  feeds        {len(s.feeds)} total, {due} due, {s.count('failing')} failing, "
        f"{s.count('disabled')} disabled, {s.count('never polled')} never polled"
        + (f", {s.count('pages failing')} with failing pages" if s.count("pages failing")
           else ""),
        f"  today        {_activity(s.today)}",
        f"  last 7 days  {_activity(s.week)}",
        f"  last digest  {s.last_digest or 'none yet'}",
        f"  store        {s.database} "
        + (f"({_size(s.store_bytes)})" if s.store_bytes is not None else "(not created yet)"),
    ]
    lines.append(f"  atom feed    {s.atom or 'not written yet'}")
    if s.alerts is not None:
        lines.append(f"  alerts       {s.alerts['sent']} sent, {s.alerts['pending']} waiting, "
                     f"{s.alerts['failed']} given up")
    if s.store_error:
        lines.append(f"  store error  {s.store_error}")
    problems = [f for f in s.feeds if f.state in ("failing", "pages failing", "disabled")]
    if problems:
        lines.append("  feeds needing attention (`claimwatch feeds list` shows all):")
        for f in problems[:5]:
            why = f.disabled_reason if f.state == "disabled" else f.last_error
            lines.append(f"    {f.name}: {f.state}, {why or '?'}")
        if len(problems) > 5:
            lines.append(f"    ... and {len(problems) - 5} more")
    return "\n".join(lines) + "\n"


def render_feeds(feeds: list[FeedHealth]) -> str:
    if not feeds:
        return "no feeds in the config: add [[feeds]] tables, or `claimwatch feeds import`\n"
    width = max(4, *(len(f.name) for f in feeds))
    lines = [f"{'NAME':<{width}}  {'STATE':<13}  {'ERRORS':>6}  {'LAST SUCCESS':<20}  "
             f"{'NEXT POLL':<20}  URL"]
    for f in feeds:
        lines.append(
            f"{f.name:<{width}}  {f.state:<13}  {f.consecutive_errors:>6}  "
            f"{f.last_success_at or '-':<20}  {f.next_poll_at or '-':<20}  {f.url}"
        )
        if f.state == "disabled":
            lines.append(f"{'':<{width}}  disabled: {f.disabled_reason}")
        elif f.state in ("failing", "pages failing") and f.last_error:
            lines.append(f"{'':<{width}}  last error: {f.last_error}")
    return "\n".join(lines) + "\n"

"""When to poll a feed next, and what to remember about it, after each poll.

Pure functions: the current time and the random source are arguments, so every rule here is
tested without a clock. The rules come from what went wrong for users of other feed readers:

- transient errors back off exponentially (capped, jittered) and never stop polling;
- ``410 Gone`` disables a feed, and so do 30 days of failures with no success in between
  (with a reason shown in Datasette and the digest);
- the feed's ``ttl`` and ``Cache-Control: max-age`` are lower bounds on its interval;
- 429/503 honour ``Retry-After`` (clamped) and are not counted as failures;
- a cycle where nearly every feed fails with network errors is our outage, not theirs;
- a 301/308 is adopted as the feed's URL only after it persisted; 302/307 never are.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..clock import iso
from ..clock import parse_optional as parse_iso
from ..errors import ClaimwatchError, HTTPStatusError, is_connection_failure

MAX_BACKOFF = timedelta(days=1)
MAX_RETRY_AFTER = timedelta(days=30)
DEFAULT_THROTTLE = timedelta(hours=1)
OUTAGE_RETRY = timedelta(minutes=10)
# Drop validators this often: a server can answer 304 forever although the feed changed.
UNCONDITIONAL_EVERY = timedelta(hours=12)
# A permanent redirect becomes the stored URL once seen this many times over this long.
REDIRECT_MIN_COUNT = 5
REDIRECT_MIN_AGE = timedelta(days=7)
# Our outage: at least this many feeds polled and this share of them failed at the network.
OUTAGE_MIN_FEEDS = 3
OUTAGE_SHARE = 0.8
OUTAGE_WINDOW = timedelta(minutes=15)
# A feed's own ttl or Cache-Control max-age is a lower bound on its interval up to this long:
# beyond that a typo would freeze the feed.
MAX_SERVER_HINT = timedelta(days=1)
# A feed failing (not throttled, not our outage) for this long is disabled, with a reason.
DISABLE_AFTER_FAILING = timedelta(days=30)


# A page that failed for a transient reason (timeout, 5xx, connection) is tried again after
# 30 min, 1 h, 2 h, 4 h, 8 h, then given up: the entry is recorded as failed.
ENTRY_RETRY_FIRST = timedelta(minutes=30)
ENTRY_RETRY_ATTEMPTS = 6


def entry_retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to fetch an entry's page again after ``attempts`` transient failures; None once
    it is not worth trying any more."""
    if attempts >= ENTRY_RETRY_ATTEMPTS:
        return None
    return now + ENTRY_RETRY_FIRST * 2 ** max(attempts - 1, 0)


def jittered(interval: timedelta, rng: random.Random, jitter: float) -> timedelta:
    """Stretch by a random 0..jitter share, so feeds on one host drift apart."""
    return interval * (1 + rng.uniform(0, jitter))


def backoff(interval: timedelta, consecutive_errors: int) -> timedelta:
    """interval * 2^errors, capped: 30 min, 1 h, 2 h, ... 1 day, and then daily for ever."""
    exponent = min(consecutive_errors, 16)
    return min(interval * (2**exponent), max(MAX_BACKOFF, interval))


def is_network_failure(error: BaseException) -> bool:
    """Failures that say nothing about the feed itself when everything fails at once (the
    rule, and why TLS failures are not among them, is ``errors.CONNECTION_KINDS``)."""
    return is_connection_failure(error)


def use_validators(feed: Any, now: datetime) -> bool:
    """Send ETag/Last-Modified unless an unconditional fetch is due."""
    last = parse_iso(feed.last_unconditional_at)
    return last is not None and now - last < UNCONDITIONAL_EVERY


@dataclass(frozen=True)
class Decision:
    changes: dict[str, Any]  # columns of the feed row to update
    outcome: str  # new | unchanged | not_modified | error | throttled | gone | outage | disabled


def after_success(
    feed: Any,
    *,
    now: datetime,
    rng: random.Random,
    jitter: float,
    status: int,
    etag: str | None,
    last_modified: str | None,
    body_sha256: str | None,
    permanent_redirect: str | None,
    conditional: bool,
    new_entries: int,
    warning: str | None = None,
    min_wait: timedelta | None = None,
    interval: timedelta | None = None,
) -> Decision:
    """``min_wait``: what the feed asks for (``ttl``, ``Cache-Control: max-age``), a lower
    bound on the interval, clamped to ``MAX_SERVER_HINT``. ``interval``: the feed's adaptive
    interval (default: its configured one)."""
    if interval is None:
        interval = timedelta(minutes=feed.interval_minutes)
    if min_wait is not None:
        interval = max(interval, min(min_wait, MAX_SERVER_HINT))
    changes: dict[str, Any] = {
        "last_polled_at": iso(now),
        "last_success_at": iso(now),
        "next_poll_at": iso(now + jittered(interval, rng, jitter)),
        "consecutive_errors": 0,
        "failing_since": None,
        "last_error": warning,
        "last_error_at": iso(now) if warning else None,
    }
    if not conditional:
        changes["last_unconditional_at"] = iso(now)
    if status == 304:
        # A 304 may carry a fresher Last-Modified; the ETag stays as it was.
        if last_modified:
            changes["last_modified"] = last_modified
        outcome = "not_modified"
    else:
        # Validators are stored verbatim from the last 200, and dropped when absent.
        changes.update(etag=etag, last_modified=last_modified, body_sha256=body_sha256)
        outcome = "new" if new_entries else "unchanged"
    changes.update(_redirect_changes(feed, permanent_redirect, now))
    return Decision(changes=changes, outcome=outcome)


def _redirect_changes(feed: Any, target: str | None, now: datetime) -> dict[str, Any]:
    if not target or target == feed.url:
        if feed.redirect_target:
            return {"redirect_target": None, "redirect_count": 0, "redirect_first_seen": None}
        return {}
    if target != feed.redirect_target:
        return {"redirect_target": target, "redirect_count": 1, "redirect_first_seen": iso(now)}
    count = (feed.redirect_count or 0) + 1
    first = parse_iso(feed.redirect_first_seen) or now
    if count >= REDIRECT_MIN_COUNT and now - first >= REDIRECT_MIN_AGE:
        return {
            "url": target,
            "redirect_target": None,
            "redirect_count": 0,
            "redirect_first_seen": None,
        }
    return {"redirect_count": count}


def after_failure(
    feed: Any,
    error: BaseException,
    *,
    now: datetime,
    rng: random.Random,
    jitter: float,
    outage: bool = False,
) -> Decision:
    interval = timedelta(minutes=feed.interval_minutes)
    message = f"{error_kind(error)}: {error}"[:1000]
    changes: dict[str, Any] = {
        "last_polled_at": iso(now),
        "last_error": message,
        "last_error_at": iso(now),
    }
    if outage and is_network_failure(error):
        # Most feeds failed at the network at once: our connection, not theirs.
        changes["next_poll_at"] = iso(now + jittered(OUTAGE_RETRY, rng, jitter))
        return Decision(changes=changes, outcome="outage")
    if isinstance(error, HTTPStatusError) and error.status == 410:
        changes.update(disabled_reason=f"gone: the server answered 410 Gone at {iso(now)}",
                       next_poll_at=None)
        return Decision(changes=changes, outcome="gone")
    if isinstance(error, HTTPStatusError) and error.status in (429, 503):
        if error.retry_after is not None:
            wait = min(max(timedelta(seconds=error.retry_after), interval), MAX_RETRY_AFTER)
        else:
            wait = max(DEFAULT_THROTTLE, interval)
        changes["next_poll_at"] = iso(now + jittered(wait, rng, jitter))
        return Decision(changes=changes, outcome="throttled")
    errors = (feed.consecutive_errors or 0) + 1
    changes["consecutive_errors"] = errors
    since = parse_iso(getattr(feed, "failing_since", None)) or now
    changes["failing_since"] = iso(since)
    if now - since >= DISABLE_AFTER_FAILING:
        changes.update(disabled_reason=f"failing since {iso(since)} ({errors} failures, no "
                                       f"success for 30 days); last: {message}"[:1000],
                       next_poll_at=None)
        return Decision(changes=changes, outcome="disabled")
    wait = backoff(interval, errors)
    changes["next_poll_at"] = iso(now + jittered(wait, rng, jitter))
    return Decision(changes=changes, outcome="error")


@dataclass(frozen=True)
class IntervalBounds:
    """``[schedule] min_interval_minutes`` / ``max_interval_minutes``: how far a feed's
    interval may follow its publishing rate."""

    low: timedelta = timedelta(minutes=5)
    high: timedelta = timedelta(days=1)


def adaptive_interval(
    current: timedelta,
    *,
    published: list[datetime],
    new_entries: int,
    bounds: IntervalBounds,
) -> timedelta:
    """The next interval of a feed, following how often it publishes.

    From the entries' dates: poll about twice per typical gap between the latest entries
    (median of up to 10 gaps), so a new article waits half a gap on average. From what the
    poll found: nothing new stretches the interval by half; something new never lets it grow.
    Always within ``bounds``.
    """
    dates = sorted(set(published), reverse=True)[:11]
    estimate = None
    if len(dates) >= 3:
        gaps = sorted(a - b for a, b in zip(dates, dates[1:], strict=False))
        estimate = gaps[len(gaps) // 2] / 2
    if new_entries:
        target = min(estimate, current) if estimate is not None else current
    else:
        target = max(estimate or timedelta(0), current * 1.5)
    return min(max(target, bounds.low), bounds.high)


def cache_max_age(cache_control: str | None) -> timedelta | None:
    """``max-age`` of a Cache-Control header, None when absent or unreadable."""
    for part in (cache_control or "").split(","):
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "max-age":
            try:
                seconds = int(value.strip().strip('"'))
            except ValueError:
                return None
            return timedelta(seconds=seconds) if seconds > 0 else None
    return None


def error_kind(error: BaseException) -> str:
    if isinstance(error, ClaimwatchError):
        return error.kind
    kind = getattr(error, "kind", None)
    return str(kind) if kind else type(error).__name__


def is_outage(failures: Sequence[BaseException], polled: int, *, recent_polled: int = 0,
              recent_network_failures: int = 0) -> bool:
    """Most polls failing at the network, in this cycle plus the last ``OUTAGE_WINDOW``:
    our connection is down, not every feed at once."""
    network = sum(1 for e in failures if is_network_failure(e)) + recent_network_failures
    total = polled + recent_polled
    return (total >= OUTAGE_MIN_FEEDS and network >= OUTAGE_SHARE * total
            and any(is_network_failure(e) for e in failures))

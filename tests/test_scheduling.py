from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pipeline.clock import iso, parse_optional
from pipeline.errors import FetchTimeoutError, HTTPStatusError, NetworkError, ParseError
from pipeline.orchestration import scheduling as s

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class Feed:
    url: str = "https://a.example/feed"
    interval_minutes: int = 30
    consecutive_errors: int = 0
    redirect_target: str | None = None
    redirect_count: int = 0
    redirect_first_seen: str | None = None
    last_unconditional_at: str | None = None


def rng() -> random.Random:
    return random.Random(7)


def next_at(decision: s.Decision) -> datetime:
    value = parse_optional(decision.changes["next_poll_at"])
    assert value is not None
    return value


def success(feed: Feed, **kw: Any) -> s.Decision:
    args: dict[str, Any] = dict(status=200, etag='W/"x"', last_modified=None, body_sha256="h",
                                permanent_redirect=None, conditional=True, new_entries=1)
    args.update(kw)
    return s.after_success(feed, now=NOW, rng=rng(), jitter=0.2, **args)


def test_success_resets_errors_and_stores_validators_verbatim() -> None:
    d = success(Feed(consecutive_errors=4), etag='W/"abc"', last_modified="Sun, 01 Mar 2026")
    assert d.changes["consecutive_errors"] == 0
    assert d.changes["etag"] == 'W/"abc"'
    assert d.changes["last_modified"] == "Sun, 01 Mar 2026"
    assert timedelta(minutes=30) <= next_at(d) - NOW <= timedelta(minutes=36)


def test_not_modified_keeps_etag_and_takes_fresher_last_modified() -> None:
    d = success(Feed(), status=304, etag=None, last_modified="Mon, 02 Mar 2026")
    assert d.outcome == "not_modified"
    assert "etag" not in d.changes and "body_sha256" not in d.changes
    assert d.changes["last_modified"] == "Mon, 02 Mar 2026"


def test_transient_errors_back_off_exponentially_capped_and_never_stop() -> None:
    waits = []
    feed = Feed()
    for _ in range(12):
        d = s.after_failure(feed, NetworkError("refused", url=feed.url), now=NOW, rng=rng(),
                            jitter=0.0)
        feed.consecutive_errors = d.changes["consecutive_errors"]
        waits.append(next_at(d) - NOW)
        assert "disabled_reason" not in d.changes
    assert waits[0] == timedelta(hours=1)
    assert waits == sorted(waits)
    assert waits[-1] == s.MAX_BACKOFF
    assert feed.consecutive_errors == 12


def test_410_disables_with_a_reason() -> None:
    d = s.after_failure(Feed(), HTTPStatusError("gone", url="u", status=410), now=NOW,
                        rng=rng(), jitter=0.2)
    assert d.outcome == "gone"
    assert d.changes["disabled_reason"].startswith("gone")


def test_429_honours_retry_after_clamped_and_is_not_a_failure() -> None:
    feed = Feed(consecutive_errors=2)
    long = s.after_failure(feed, HTTPStatusError("slow down", url="u", status=429,
                           retry_after=7200), now=NOW, rng=rng(), jitter=0.0)
    assert next_at(long) - NOW == timedelta(hours=2)
    assert "consecutive_errors" not in long.changes
    short = s.after_failure(feed, HTTPStatusError("busy", url="u", status=503, retry_after=5),
                            now=NOW, rng=rng(), jitter=0.0)
    assert next_at(short) - NOW == timedelta(minutes=30)  # never sooner than the interval
    huge = s.after_failure(feed, HTTPStatusError("x", url="u", status=429, retry_after=10**9),
                           now=NOW, rng=rng(), jitter=0.0)
    assert next_at(huge) - NOW == s.MAX_RETRY_AFTER


def test_our_outage_does_not_count_against_feeds() -> None:
    errors = [NetworkError("dns", url="u")] * 4 + [ParseError("x", url="u")]
    assert s.is_outage(errors, polled=5)
    assert not s.is_outage(errors[:1], polled=5)
    d = s.after_failure(Feed(consecutive_errors=1), errors[0], now=NOW, rng=rng(), jitter=0.2,
                        outage=True)
    assert d.outcome == "outage" and "consecutive_errors" not in d.changes
    # A feed that is simply broken still counts during an outage.
    d = s.after_failure(Feed(), errors[-1], now=NOW, rng=rng(), jitter=0.2, outage=True)
    assert d.changes["consecutive_errors"] == 1
    assert s.is_network_failure(FetchTimeoutError("slow", url="u"))


def test_permanent_redirect_is_adopted_only_after_it_persisted() -> None:
    feed = Feed()
    target = "https://b.example/feed"
    d = success(feed, permanent_redirect=target)
    assert "url" not in d.changes and d.changes["redirect_count"] == 1
    feed.redirect_target, feed.redirect_count = target, 1
    feed.redirect_first_seen = iso(NOW - timedelta(days=8))
    for _count in range(2, s.REDIRECT_MIN_COUNT):
        d = success(feed, permanent_redirect=target)
        assert "url" not in d.changes
        feed.redirect_count = d.changes["redirect_count"]
    d = success(feed, permanent_redirect=target)
    assert d.changes["url"] == target


def test_a_redirect_that_stops_resets_the_count() -> None:
    feed = Feed(redirect_target="https://b.example/feed", redirect_count=4,
                redirect_first_seen=iso(NOW - timedelta(days=30)))
    d = success(feed, permanent_redirect=None)
    assert d.changes["redirect_count"] == 0 and "url" not in d.changes


def test_unconditional_fetch_is_forced_every_12_hours() -> None:
    assert not s.use_validators(Feed(), NOW)
    assert s.use_validators(Feed(last_unconditional_at=iso(NOW - timedelta(hours=1))), NOW)
    assert not s.use_validators(Feed(last_unconditional_at=iso(NOW - timedelta(hours=13))),
                                NOW)


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_backoff_is_bounded_and_monotonic(interval: int, errors: int) -> None:
    base = timedelta(minutes=interval)
    b = s.backoff(base, errors)
    assert base <= b <= max(s.MAX_BACKOFF, base)
    assert s.backoff(base, errors + 1) >= b


def test_an_outage_shows_over_the_recent_window_not_one_cycle() -> None:
    one = [NetworkError("dns", url="u")]
    assert not s.is_outage(one, polled=1)  # one feed failing is that feed's problem
    assert s.is_outage(one, polled=1, recent_polled=5, recent_network_failures=5)
    assert not s.is_outage(one, polled=1, recent_polled=5, recent_network_failures=1)
    # Recent failures alone do not make this cycle's HTTP errors an outage.
    assert not s.is_outage([ParseError("x", url="u")], polled=1, recent_polled=5,
                           recent_network_failures=5)


# --- issue 8, section 3: server hints as lower bounds, disabling after 30 days of failures ------


def test_ttl_and_max_age_are_lower_bounds_on_the_interval_clamped_to_a_day() -> None:
    d = success(Feed(interval_minutes=30), min_wait=timedelta(hours=2))
    assert timedelta(hours=2) <= next_at(d) - NOW <= timedelta(hours=2.4)
    shorter = success(Feed(interval_minutes=30), min_wait=timedelta(minutes=5))
    assert timedelta(minutes=30) <= next_at(shorter) - NOW <= timedelta(minutes=36)
    joke = success(Feed(interval_minutes=30), min_wait=timedelta(days=365))
    assert next_at(joke) - NOW <= timedelta(days=1.2)


def test_cache_control_max_age_is_read() -> None:
    assert s.cache_max_age("public, max-age=3600") == timedelta(hours=1)
    assert s.cache_max_age('max-age="600", must-revalidate') == timedelta(minutes=10)
    assert s.cache_max_age("no-cache") is None
    assert s.cache_max_age("max-age=soon") is None
    assert s.cache_max_age(None) is None
    assert s.cache_max_age("max-age=0") is None


@dataclass
class FailingFeed(Feed):
    failing_since: str | None = None


def test_a_feed_failing_for_30_days_is_disabled_with_a_reason() -> None:
    error = NetworkError("connection refused", url="https://a.example/feed")
    first = s.after_failure(FailingFeed(), error, now=NOW, rng=rng(), jitter=0.2)
    assert first.changes["failing_since"] == iso(NOW) and first.outcome == "error"
    later = FailingFeed(consecutive_errors=40, failing_since=iso(NOW))
    d = s.after_failure(later, error, now=NOW + timedelta(days=29), rng=rng(), jitter=0.2)
    assert d.outcome == "error" and "disabled_reason" not in d.changes
    d = s.after_failure(later, error, now=NOW + timedelta(days=30), rng=rng(), jitter=0.2)
    assert d.outcome == "disabled" and d.changes["next_poll_at"] is None
    assert "no success for 30 days" in d.changes["disabled_reason"]
    assert "network" in d.changes["disabled_reason"]
    # A success in between starts the count again.
    assert success(later).changes["failing_since"] is None


def test_throttling_and_our_outage_do_not_count_towards_disabling() -> None:
    feed = FailingFeed(consecutive_errors=40, failing_since=iso(NOW - timedelta(days=40)))
    busy = HTTPStatusError("busy", url=feed.url, status=503, retry_after=60)
    assert s.after_failure(feed, busy, now=NOW, rng=rng(), jitter=0.2).outcome == "throttled"
    down = NetworkError("unreachable", url=feed.url)
    d = s.after_failure(feed, down, now=NOW, rng=rng(), jitter=0.2, outage=True)
    assert d.outcome == "outage"


BOUNDS = s.IntervalBounds(low=timedelta(minutes=5), high=timedelta(hours=24))


def hourly(n: int, every: timedelta = timedelta(hours=1)) -> list[datetime]:
    return [NOW - every * i for i in range(n)]


def test_the_interval_follows_the_publishing_rate_within_bounds() -> None:
    thirty = timedelta(minutes=30)
    # A feed publishing every 4 hours: polled about every 2 hours once it is seen.
    quiet = s.adaptive_interval(thirty, published=hourly(10, timedelta(hours=4)),
                                new_entries=0, bounds=BOUNDS)
    assert quiet == timedelta(hours=2)
    # A busy feed (every 4 minutes) is polled at the lower bound.
    busy = s.adaptive_interval(thirty, published=hourly(10, timedelta(minutes=4)),
                               new_entries=3, bounds=BOUNDS)
    assert busy == BOUNDS.low
    # Nothing new and no dates (a 304): the interval stretches by half, up to the upper bound.
    interval = thirty
    for _ in range(20):
        interval = s.adaptive_interval(interval, published=[], new_entries=0, bounds=BOUNDS)
    assert interval == BOUNDS.high
    # Something new never lets it grow.
    assert s.adaptive_interval(thirty, published=hourly(10, timedelta(hours=8)),
                               new_entries=1, bounds=BOUNDS) == thirty


@given(st.integers(1, 10_000), st.integers(0, 50), st.integers(0, 30),
       st.integers(1, 100_000))
def test_the_adaptive_interval_is_always_within_bounds(current: int, new: int, n: int,
                                                       gap: int) -> None:
    interval = s.adaptive_interval(timedelta(minutes=current),
                                   published=hourly(n, timedelta(seconds=gap)),
                                   new_entries=new, bounds=BOUNDS)
    assert BOUNDS.low <= interval <= BOUNDS.high

"""The store's feeds domain (``store/feeds.py``): the configured list, poll state, health."""

from __future__ import annotations

import sqlite3

import pytest

from pipeline.config import FeedConfig
from pipeline.errors import StoreError
from pipeline.store import FEED_POLL_COLUMNS, PollRecord, Store

NOW = "2026-03-02T00:00:00Z"
LATER = "2026-03-02T06:00:00Z"
A = FeedConfig(name="a", url="https://a.example/rss")
B = FeedConfig(name="b", url="https://b.example/rss", interval_minutes=60)


def row(store: Store, name: str) -> dict:
    (found,) = store.query("SELECT * FROM feeds WHERE name = ?", [name])
    return found


def test_a_new_feed_is_due_at_once_with_a_clean_state(store: Store) -> None:
    store.sync_feeds([A, B], now=NOW)
    feed = store.feed_by_name("b")
    assert feed is not None
    assert (feed.url, feed.interval_minutes, feed.next_poll_at, feed.consecutive_errors) == (
        "https://b.example/rss", 60, NOW, 0)
    assert store.feed_by_name("nope") is None


def test_a_changed_url_resets_the_feeds_state_and_makes_it_due(store: Store) -> None:
    store.sync_feeds([A], now=NOW)
    feed_id = row(store, "a")["id"]
    store.update_feed(feed_id, {"etag": '"x"', "consecutive_errors": 3, "last_error": "http_500",
                                "next_poll_at": LATER, "disabled_reason": "gone"},
                      PollRecord(started_at=NOW, outcome="error"))
    moved = FeedConfig(name="a", url="https://a.example/new-rss")
    store.sync_feeds([moved], now="2026-03-02T01:00:00Z")
    after = row(store, "a")
    assert after["id"] == feed_id
    assert (after["url"], after["configured_url"]) == (moved.url, moved.url)
    assert (after["etag"], after["consecutive_errors"], after["last_error"],
            after["disabled_reason"], after["next_poll_at"]) == (
        None, 0, None, None, "2026-03-02T01:00:00Z")


def test_a_changed_interval_restarts_the_adaptive_interval_and_keeps_the_rest(
        store: Store) -> None:
    store.sync_feeds([A], now=NOW)
    feed_id = row(store, "a")["id"]
    store.update_feed(feed_id, {"poll_interval_minutes": 45.0, "etag": '"x"',
                                "next_poll_at": LATER}, PollRecord(started_at=NOW, outcome="ok"))
    store.sync_feeds([A], now=NOW)  # unchanged: nothing reset
    assert row(store, "a")["poll_interval_minutes"] == 45.0
    store.sync_feeds([FeedConfig(name="a", url=A.url, interval_minutes=10)], now=NOW)
    after = row(store, "a")
    assert (after["interval_minutes"], after["poll_interval_minutes"]) == (10, None)
    assert (after["etag"], after["next_poll_at"]) == ('"x"', LATER)


def test_a_feed_left_out_of_the_config_is_inactive_but_kept(store: Store) -> None:
    store.sync_feeds([A, B], now=NOW)
    store.sync_feeds([A], now=NOW)
    assert [f.name for f in store.feeds()] == ["a"]
    assert [(h.name, h.active) for h in store.feed_health()] == [("a", 1), ("b", 0)]
    store.sync_feeds([A, B], now=NOW)  # back in the config: active again
    assert [f.name for f in store.feeds()] == ["a", "b"]


def test_feeds_leaves_out_disabled_ones_and_filters_by_name_and_due_time(store: Store) -> None:
    c = FeedConfig(name="c", url="https://c.example/rss")
    store.sync_feeds([A, B, c], now=NOW)
    ids = {name: row(store, name)["id"] for name in "abc"}
    store.update_feed(ids["a"], {"next_poll_at": LATER}, PollRecord(started_at=NOW, outcome="ok"))
    store.update_feed(ids["c"], {"disabled_reason": "gone"},
                      PollRecord(started_at=NOW, outcome="error"))
    # Earliest due first.
    assert [f.name for f in store.feeds()] == ["b", "a"]
    assert [f.name for f in store.feeds(due_before=NOW)] == ["b"]
    assert [f.name for f in store.feeds(name="a")] == ["a"]
    assert store.feeds(name="c") == []
    assert store.next_due_at() == NOW


def test_mark_due_and_next_due_at(store: Store) -> None:
    assert store.next_due_at() is None  # no feeds
    store.sync_feeds([A, B], now=LATER)
    ids = [row(store, name)["id"] for name in "ab"]
    store.mark_due(ids[1:], NOW)
    assert (row(store, "a")["next_poll_at"], row(store, "b")["next_poll_at"]) == (LATER, NOW)
    assert store.next_due_at() == NOW


def test_update_feed_logs_the_poll_and_is_all_or_nothing(store: Store) -> None:
    store.sync_feeds([A], now=NOW)
    feed_id = row(store, "a")["id"]
    store.update_feed(feed_id, {"last_success_at": NOW}, PollRecord(started_at=NOW, outcome="ok"))
    assert store.query("SELECT feed_id, started_at, outcome FROM poll_log") == [
        {"feed_id": feed_id, "started_at": NOW, "outcome": "ok"}]
    # The log row is written after the feed's change: make writing it fail.
    store.db.execute("CREATE TEMP TRIGGER refuse_log BEFORE INSERT ON poll_log "
                     "BEGIN SELECT RAISE(ABORT, 'refused'); END")
    with pytest.raises(StoreError) as caught:
        store.update_feed(feed_id, {"last_success_at": LATER},
                          PollRecord(started_at=LATER, outcome="ok"))
    assert isinstance(caught.value.__cause__, sqlite3.Error)
    # The feed's change was rolled back with the failed log row.
    assert row(store, "a")["last_success_at"] == NOW
    assert store.query("SELECT count(*) AS n FROM poll_log")[0]["n"] == 1


def test_update_feed_changes_only_a_feeds_poll_state(store: Store) -> None:
    store.sync_feeds([A], now=NOW)
    feed_id = row(store, "a")["id"]
    for column in ("no_such_column", "name", "configured_url", "active", "interval_minutes"):
        with pytest.raises(StoreError, match=f"not a feed column a poll may change.*{column}"):
            store.update_feed(feed_id, {"last_success_at": LATER, column: 1},
                              PollRecord(started_at=LATER, outcome="ok"))
    # Refused before any write: neither the feed nor the log changed.
    assert row(store, "a")["last_success_at"] is None
    assert store.query("SELECT count(*) AS n FROM poll_log")[0]["n"] == 0
    # Every column of a feed is either its configuration or its poll state (a new column
    # must be put on one side).
    columns = {r["name"] for r in store.query("SELECT name FROM pragma_table_info('feeds')")}
    configured = {"id", "name", "configured_url", "active", "interval_minutes"}
    assert columns - configured == FEED_POLL_COLUMNS


def test_feed_problems_lists_failing_and_disabled_feeds_disabled_first(store: Store) -> None:
    c = FeedConfig(name="c", url="https://c.example/rss")
    store.sync_feeds([A, B, c], now=NOW)
    ids = {name: row(store, name)["id"] for name in "abc"}
    store.update_feed(ids["a"], {"consecutive_errors": 2, "last_error": "http_500: boom",
                                 "last_error_at": NOW}, PollRecord(started_at=NOW, outcome="error"))
    store.update_feed(ids["b"], {"disabled_reason": "gone"},
                      PollRecord(started_at=NOW, outcome="error"))
    problems = store.feed_problems()
    assert [(p.name, p.consecutive_errors, p.last_error, p.disabled_reason)
            for p in problems] == [("b", 0, None, "gone"), ("a", 2, "http_500: boom", None)]

"""The store's articles domain (``store/articles.py``): feed entries and the articles they lead
to, read by URL and by text, and the entries waiting for a retry."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from pipeline.config import FeedConfig
from pipeline.errors import StoreError
from pipeline.store import ArticleText, EntryRecord, NewArticle, Store

NOW = "2026-03-02T00:00:00Z"


@pytest.fixture
def feed_id(store: Store) -> int:
    store.sync_feeds([FeedConfig(name="f", url="https://f.example/rss"),
                      FeedConfig(name="g", url="https://g.example/rss")], now=NOW)
    found = store.feed_by_name("f")
    assert found is not None
    return found.id


def add(store: Store, url: str, **columns: Any) -> int:
    with store.transaction():
        return store.insert_article(NewArticle(url=url, fetched_at=NOW, text="t", **columns))


def test_an_article_is_read_back_by_url_hash_and_id(store: Store) -> None:
    article_id = add(store, "https://a.example/1", content_hash="h1", text_source="page",
                     relevant_stories=("s", "t"))
    assert store.article_id_by_url("https://a.example/1") == article_id
    assert store.article_by_url("https://a.example/1") == (article_id, "h1", "page")
    assert store.article_hash(article_id) == "h1"
    assert store.article_source(article_id) == "page"
    assert store.relevant_stories(article_id) == ["s", "t"]
    assert store.article_id_by_url("https://a.example/2") is None
    assert store.article_by_url("https://a.example/2") is None
    assert (store.article_hash(999), store.article_source(999)) == (None, None)
    assert store.relevant_stories(999) == []


def test_an_article_relevant_to_no_story_has_an_empty_list(store: Store) -> None:
    article_id = add(store, "https://a.example/1")
    assert store.relevant_stories(article_id) == []


def test_article_by_hash_is_the_earliest_with_that_text_and_its_groups_root(
        store: Store) -> None:
    root = add(store, "https://wire.example/1", content_hash="r")
    first_copy = add(store, "https://a.example/1", content_hash="h", duplicate_of=root)
    add(store, "https://b.example/1", content_hash="h", duplicate_of=root)
    plain = add(store, "https://c.example/1", content_hash="p")
    assert store.article_by_hash("h") == (first_copy, root)
    assert store.article_by_hash("p") == (plain, plain)
    assert store.article_by_hash("none") is None


def test_a_second_article_under_one_url_is_a_store_error_and_rolled_back(store: Store) -> None:
    add(store, "https://a.example/1")
    with pytest.raises(StoreError, match="in insert_article") as caught, store.transaction():
        add_in_open = store.insert_article(NewArticle(url="https://a.example/2",
                                                      fetched_at=NOW))
        assert add_in_open > 0
        store.insert_article(NewArticle(url="https://a.example/1", fetched_at=NOW))
    assert isinstance(caught.value.__cause__, sqlite3.IntegrityError)
    assert [r["url"] for r in store.query("SELECT url FROM articles")] == ["https://a.example/1"]


def test_article_writes_need_the_callers_transaction(store: Store, feed_id: int) -> None:
    article_id = add(store, "https://a.example/1", site="a.example",
                     text_source="feed_summary", fetch_error="http_503")
    page = ArticleText(title="changed", author="A", published_at=None, text="page text",
                       content_hash="h2", duplicate_of=None, text_source="page",
                       relevant_stories=("s",))
    with pytest.raises(StoreError, match="outside a transaction"):
        store.update_article(article_id, page)
    with pytest.raises(StoreError, match="outside a transaction"):
        store.record_entry(feed_id, EntryRecord(guid_key="g", url="u", title=None,
                                                first_seen_at=NOW))
    with store.transaction():
        store.update_article(article_id, page)
    # The new text and what follows from it; the URL, site and fetch time stay.
    assert store.query("SELECT url, site, fetched_at, title, author, text, content_hash, "
                       "text_source, fetch_error, relevant_stories FROM articles") == [
        {"url": "https://a.example/1", "site": "a.example", "fetched_at": NOW,
         "title": "changed", "author": "A", "text": "page text", "content_hash": "h2",
         "text_source": "page", "fetch_error": None, "relevant_stories": "s"}]
    assert store.query("SELECT count(*) AS n FROM entries")[0]["n"] == 0


def test_an_entry_seen_again_gets_its_new_state_but_keeps_its_article_and_first_sight(
        store: Store, feed_id: int) -> None:
    article_id = add(store, "https://a.example/1", text_source="feed_summary")
    with store.transaction():
        store.record_entry(feed_id, EntryRecord(guid_key="g1", url="https://a.example/1",
                                                title="T", first_seen_at=NOW,
                                                article_id=article_id, status="retry",
                                                error="http_503", attempts=1,
                                                retry_at="2026-03-02T00:30:00Z"))
    with store.transaction():  # the retry failed again: no article of its own this time
        store.record_entry(feed_id, EntryRecord(guid_key="g1", url="https://a.example/1",
                                                title="T2",
                                                first_seen_at="2026-03-02T00:31:00Z",
                                                status="retry", error="http_503", attempts=2,
                                                retry_at="2026-03-02T01:31:00Z"))
    assert store.query("SELECT title, article_id, first_seen_at, attempts, retry_at "
                       "FROM entries") == [
        {"title": "T2", "article_id": article_id, "first_seen_at": NOW, "attempts": 2,
         "retry_at": "2026-03-02T01:31:00Z"}]


def test_unseen_entries_are_the_keys_this_feed_never_recorded(store: Store,
                                                              feed_id: int) -> None:
    other = store.feed_by_name("g")
    assert other is not None
    keys = [f"k{i}" for i in range(1200)]  # more than one query's chunk of 500
    with store.transaction():
        for key in ("k3", "k600", "k1199"):
            store.record_entry(feed_id, EntryRecord(guid_key=key, url=None, title=None,
                                                    first_seen_at=NOW))
        store.record_entry(other.id, EntryRecord(guid_key="k4", url=None, title=None,
                                                 first_seen_at=NOW))
    assert store.unseen_entries(feed_id, keys) == set(keys) - {"k3", "k600", "k1199"}
    assert store.unseen_entries(other.id, ["k3", "k4"]) == {"k3"}
    assert store.unseen_entries(feed_id, []) == set()


def test_due_retries_are_the_waiting_entries_whose_time_came_oldest_first(
        store: Store, feed_id: int) -> None:
    def entry(key: str, status: str | None, retry_at: str | None) -> EntryRecord:
        return EntryRecord(guid_key=key, url=f"https://a.example/{key}", title=key,
                           first_seen_at=NOW, status=status, attempts=1, retry_at=retry_at)

    with store.transaction():
        store.record_entry(feed_id, entry("late", "retry", "2026-03-02T05:00:00Z"))
        store.record_entry(feed_id, entry("due2", "retry", "2026-03-02T02:00:00Z"))
        store.record_entry(feed_id, entry("due1", "retry", "2026-03-02T01:00:00Z"))
        store.record_entry(feed_id, entry("done", None, None))
        store.record_entry(feed_id, entry("failed", "failed", "2026-03-02T01:00:00Z"))
    now = "2026-03-02T03:00:00Z"
    assert [(r.guid_key, r.url, r.attempts) for r in store.due_retries(feed_id, now, 10)] == [
        ("due1", "https://a.example/due1", 1), ("due2", "https://a.example/due2", 1)]
    assert [r.guid_key for r in store.due_retries(feed_id, now, 1)] == ["due1"]
    assert store.waiting_retries(feed_id) == 3

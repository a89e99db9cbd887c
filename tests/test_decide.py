"""The article decision as a pure function: plain data in, one typed intent out (no store)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from pipeline.ingesting.decide import (
    Content,
    EntryState,
    KnownArticle,
    NeedsContent,
    Prepared,
    RecordFailure,
    SkipExisting,
    Snapshot,
    StoreCopy,
    StoreNew,
    Upgrade,
    decide,
)
from pipeline.ingesting.dedupe import Fingerprint
from pipeline.orchestration.scheduling import ENTRY_RETRY_ATTEMPTS
from pipeline.records import Article, Judgment, Story

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://news.example/story"
ENTRY_URL = "https://news.example/feed-link?id=7"
OWN_URL = "https://news.example/feed-link?id=7"
HASH = "h-new"
STORY = Story(slug="s", title="S", seed_text="", published=None, keywords=("k",), claims=())
JUDGED = ((STORY, Judgment(story_slug="s", relevant=True, relevance=0.9)),)


def article(url: str = URL) -> Article:
    return Article(url=url, title="T", text="the text", site="news.example")


def prepared(url: str = URL, *, entry_url: str | None = ENTRY_URL, source: str = "page",
             error: str | None = None, retryable: bool = False) -> Prepared:
    return Prepared(entry_url=entry_url, article=article(url), text_source=source,
                    fetch_error=error, retryable=retryable)


def snapshot(by_url: dict[str, KnownArticle] | None = None,
             same_text: tuple[int, int] | None = None) -> Snapshot:
    return Snapshot(content_hash=HASH, by_url=by_url or {}, same_text=same_text)


def content(root: int | None) -> Content:
    fingerprint = Fingerprint(shingles=np.empty(0, dtype=np.uint64), band_keys=(), root=root)
    return Content(fingerprint=fingerprint, judgments=JUDGED)


def test_a_new_article_asks_for_its_content_then_is_stored() -> None:
    first = decide(prepared(), snapshot(), attempts=0, now=NOW)
    assert first == NeedsContent(article())
    found = content(None)
    intent = decide(prepared(), snapshot(), attempts=0, now=NOW, content=found)
    assert intent == StoreNew(article(), duplicate_of=None, content=found, content_hash=HASH,
                              entry=EntryState())


def test_an_article_without_a_feed_entry_is_stored_too() -> None:
    intent = decide(prepared(entry_url=None), snapshot(), attempts=None, now=NOW,
                    content=content(None))
    assert isinstance(intent, StoreNew) and intent.article == article()


def test_a_url_already_stored_is_skipped() -> None:
    known = {URL: KnownArticle(5, HASH, "page")}
    assert decide(prepared(entry_url=URL), snapshot(known), attempts=0, now=NOW) == SkipExisting(
        5, EntryState(article_id=5))


def test_the_entrys_own_url_already_stored_is_skipped() -> None:
    known = {OWN_URL: KnownArticle(6, "h-other", "page")}
    assert decide(prepared(), snapshot(known), attempts=0, now=NOW) == SkipExisting(
        6, EntryState(article_id=6))


def test_same_canonical_url_same_text_is_skipped() -> None:
    known = {URL: KnownArticle(5, HASH, "page")}
    assert decide(prepared(), snapshot(known), attempts=0, now=NOW) == SkipExisting(
        5, EntryState(article_id=5))


def test_a_canonical_url_held_by_another_text_keeps_the_article_under_its_own_url() -> None:
    known = {URL: KnownArticle(5, "h-other", "page")}
    own = article(OWN_URL)
    assert decide(prepared(), snapshot(known), attempts=0, now=NOW) == NeedsContent(own)
    intent = decide(prepared(), snapshot(known), attempts=0, now=NOW, content=content(None))
    assert isinstance(intent, StoreNew)
    assert intent.article.url == OWN_URL and intent.article.site == "news.example"
    # ... and when something is stored under its own URL too, that one is the article.
    known[OWN_URL] = KnownArticle(8, "h-third", "page")
    assert decide(prepared(), snapshot(known), attempts=0, now=NOW) == SkipExisting(
        8, EntryState(article_id=8))


def test_an_exact_copy_points_at_the_root_and_needs_no_content() -> None:
    intent = decide(prepared(), snapshot(same_text=(4, 2)), attempts=0, now=NOW)
    assert intent == StoreCopy(article(), of=4, root=2, content_hash=HASH, entry=EntryState())


def test_a_syndicated_copy_is_stored_with_its_group_root() -> None:
    found = content(3)
    intent = decide(prepared(), snapshot(), attempts=0, now=NOW, content=found)
    assert isinstance(intent, StoreNew) and intent.duplicate_of == 3
    assert intent.content is found


def test_a_refused_link_records_only_the_entry() -> None:
    refused = Prepared(entry_url=ENTRY_URL, article=None, text_source="none",
                       fetch_error="blocked: private address", refused=True, retryable=True)
    assert decide(refused, None, attempts=0, now=NOW) == RecordFailure(
        "refused", EntryState(status="refused", error="blocked: private address"))


def test_a_retryable_failure_waits_with_backoff_then_gives_up() -> None:
    failed = Prepared(entry_url=ENTRY_URL, article=None, text_source="none",
                      fetch_error="timeout: slow", retryable=True)
    assert decide(failed, None, attempts=1, now=NOW) == RecordFailure("retry", EntryState(
        status="retry", error="timeout: slow", attempts=2, retry_at="2026-03-01T13:00:00Z"))
    last = decide(failed, None, attempts=ENTRY_RETRY_ATTEMPTS - 1, now=NOW)
    assert last == RecordFailure("retry", EntryState(
        status="failed", error="timeout: slow", attempts=ENTRY_RETRY_ATTEMPTS))
    # Without a feed entry there is nothing to retry.
    assert decide(failed, None, attempts=None, now=NOW) == RecordFailure(
        "failed", EntryState(status="failed", error="timeout: slow"))


def test_a_permanent_failure_is_recorded_as_failed() -> None:
    failed = Prepared(entry_url=ENTRY_URL, article=None, text_source="none",
                      fetch_error="http_404: gone")
    assert decide(failed, None, attempts=0, now=NOW) == RecordFailure(
        "failed", EntryState(status="failed", error="http_404: gone"))


def test_a_summary_stored_after_a_transient_failure_waits_for_its_page() -> None:
    summary = prepared(source="feed_summary", error="timeout: slow", retryable=True)
    intent = decide(summary, snapshot(), attempts=0, now=NOW, content=content(None))
    assert isinstance(intent, StoreNew)
    assert intent.entry == EntryState(status="retry", error="timeout: slow", attempts=1,
                                      retry_at="2026-03-01T12:30:00Z")


@pytest.mark.parametrize("root, duplicate_of", [(None, None), (2, 2), (5, None), (9, None)])
def test_a_summary_only_article_is_upgraded_when_its_page_arrives(
    root: int | None, duplicate_of: int | None
) -> None:
    known = {URL: KnownArticle(5, "h-summary", "feed_summary")}
    page = prepared(entry_url=URL)
    # The page's syndication lookup must not find the article's own (summary) text.
    assert decide(page, snapshot(known), attempts=1, now=NOW) == NeedsContent(article(),
                                                                              upgrading=5)
    found = content(root)
    intent = decide(page, snapshot(known), attempts=1, now=NOW, content=found)
    # A root at or after the article itself means it is the earliest of its group.
    assert intent == Upgrade(5, article(), duplicate_of, found, HASH, EntryState(article_id=5))


def test_no_upgrade_on_a_first_attempt_or_from_a_summary() -> None:
    known = {URL: KnownArticle(5, "h-summary", "feed_summary")}
    assert isinstance(decide(prepared(entry_url=URL), snapshot(known), attempts=0, now=NOW),
                      SkipExisting)
    summary = prepared(entry_url=URL, source="feed_summary")
    assert isinstance(decide(summary, snapshot(known), attempts=1, now=NOW), SkipExisting)

"""The store's reads for the outputs (``store/reports.py``): a day's flags, reviews, new
developments and counts, each over the half-open window [start, end). (``recent_flags`` and
``claim_flag_times`` are read through the Atom feed and the digest's timelines.)"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.store import NewArticle, NewMatch, Store
from tests.conftest import DIGEST_STORY

YESTERDAY = "2026-03-01T23:59:59Z"
START, END = "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z"
MORNING, EVENING = "2026-03-02T08:00:00Z", "2026-03-02T20:00:00Z"


def claim_id(store: Store, key: str) -> int:
    found = next(c.id for c in store.story_with_claims(DIGEST_STORY).claims if c.key == key)
    assert found is not None
    return found


def article(store: Store, url: str, fetched_at: str, site: str | None = None,
            **columns: Any) -> int:
    with store.transaction():
        return store.insert_article(NewArticle(url=url, title=url, fetched_at=fetched_at,
                                               site=site or url.split("/")[2], text="t",
                                               **columns))


def match(store: Store, article_id: int, key: str, stance: str, score: float,
          band: str = "flag") -> None:
    with store.transaction():
        store.insert_match(NewMatch(article_id=article_id, claim_id=claim_id(store, key),
                                    stance=stance, score=score, band=band,
                                    evidence=f"{key} {stance}", created_at=START))


@pytest.fixture
def day(store: Store) -> Store:
    """Yesterday: one contradiction. Today: two contradictions (one marked wrong by a person),
    one confirmation, one contradiction below the flag threshold, a copy confirming too.
    Tomorrow, from the first instant on: one more contradiction."""
    old = article(store, "https://old.example/1", YESTERDAY)
    match(store, old, "value", "contradicts", 0.99)
    weak = article(store, "https://weak.example/1", MORNING)
    match(store, weak, "value", "contradicts", 0.8)
    strong = article(store, "https://strong.example/1", EVENING)
    match(store, strong, "value", "contradicts", 0.95)
    match(store, strong, "first", "confirms", 0.9)
    copy = article(store, "https://copy.example/1", EVENING, duplicate_of=strong)
    match(store, copy, "first", "confirms", 0.9)
    wrong = article(store, "https://wrong.example/1", MORNING)
    match(store, wrong, "value", "contradicts", 0.97)
    store.record_review(target="match", verdict="wrong", reviewer="ed", now=EVENING,
                        article_id=wrong, claim_key="value")
    review = article(store, "https://review.example/1", MORNING)
    match(store, review, "first", "contradicts", 0.6, band="review")
    match(store, review, "value", "discusses", 0.6, band="review")
    late = article(store, "https://late.example/1", END)  # tomorrow: outside the day
    match(store, late, "value", "contradicts", 0.99)
    return store


def test_a_days_flags_of_a_kind_strongest_first_without_those_marked_wrong(day: Store) -> None:
    contradictions = day.day_flags("contradiction", START, END)
    assert [(f.article_url, f.claim_key, f.score, f.story_title) for f in contradictions] == [
        ("https://strong.example/1", "value", 0.95, "Story"),
        ("https://weak.example/1", "value", 0.8, "Story")]
    assert [f.article_url for f in day.day_flags("confirmation", START, END)] == [
        "https://strong.example/1", "https://copy.example/1"]
    assert [f.article_url for f in day.day_flags("contradiction", "2026-03-01T00:00:00Z",
                                                 START)] == ["https://old.example/1"]


def test_a_days_reviews_are_the_stances_below_the_flag_threshold(day: Store) -> None:
    reviews = day.day_reviews(START, END)
    assert [(r.article_url, r.claim_key, r.stance, r.score) for r in reviews] == [
        ("https://review.example/1", "first", "contradicts", 0.6)]
    assert day.day_reviews("2026-03-01T00:00:00Z", START) == []


def test_a_claim_is_first_confirmed_on_the_day_of_its_earliest_confirmation(
        day: Store) -> None:
    (first,) = day.claims_first_confirmed(START, END)
    # The copy's site is its original's: one independent site.
    assert (first.claim_key, first.first_at, first.sites) == ("first", EVENING, 1)
    assert day.claims_first_confirmed("2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z") == []


def test_activity_counts_and_articles_of_a_day(day: Store) -> None:
    assert day.day_article_count(START, END) == 5
    assert day.activity_counts(START, END) == {
        "articles": 5, "confirmation": 2, "contradiction": 2, "development": 0}
    assert day.activity_counts("2026-03-01T00:00:00Z", START) == {
        "articles": 1, "confirmation": 0, "contradiction": 1, "development": 0}


def test_a_development_is_new_only_on_the_day_it_was_first_seen(store: Store) -> None:
    first = article(store, "https://a.example/1", YESTERDAY)
    again = article(store, "https://b.example/1", MORNING)
    fresh = article(store, "https://c.example/1", EVENING)
    with store.transaction():
        old = store.add_development_evidence(story="s", development_id=None, summary="Old news.",
                                             article_id=first, evidence="Old news.", score=0.5,
                                             now=YESTERDAY)
        store.add_development_evidence(story="s", development_id=old, summary="Old news.",
                                       article_id=again, evidence="Old news again.", score=0.5,
                                       now=MORNING)
        new = store.add_development_evidence(story="s", development_id=None,
                                             summary="New news.", article_id=fresh,
                                             evidence="New news.", score=0.5, now=EVENING)
    assert [(d.id, d.summary, d.story_title) for d in store.new_developments(START, END)] == [
        (new, "New news.", "Story")]
    assert [(a.url, a.evidence) for a in store.development_articles(old)] == [
        ("https://a.example/1", "Old news."), ("https://b.example/1", "Old news again.")]
    assert store.activity_counts(START, END)["development"] == 2  # evidence found today

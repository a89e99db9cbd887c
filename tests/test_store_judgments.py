"""The store's judgments domain (``store/judgments.py``): an article's matches and development
evidence, written, copied to an exact copy, and cleared before the article is judged again."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from pipeline.errors import StoreError
from pipeline.store import NewArticle, NewMatch, Store
from tests.conftest import DIGEST_STORY

NOW = "2026-03-02T00:00:00Z"
LATER = "2026-03-02T05:00:00Z"


def add(store: Store, url: str, site: str, **columns: Any) -> int:
    with store.transaction():
        return store.insert_article(NewArticle(url=url, site=site, fetched_at=NOW, text="t",
                                               **columns))


def match(article_id: int, claim_id: int, stance: str = "confirms") -> NewMatch:
    return NewMatch(article_id=article_id, claim_id=claim_id, stance=stance, score=0.9,
                    band="flag", evidence=f"{stance} evidence", created_at=NOW)


def claim_id(store: Store, key: str) -> int:
    found = next(c.id for c in store.story_with_claims(DIGEST_STORY).claims if c.key == key)
    assert found is not None
    return found


def evidence(store: Store, article_id: int, development_id: int | None, text: str,
             now: str = NOW) -> int:
    with store.transaction():
        return store.add_development_evidence(
            story="s", development_id=development_id, summary=text, article_id=article_id,
            evidence=text, score=0.5, now=now)


def development(store: Store, development_id: int) -> tuple[int, int, str, str]:
    """A development's counts and times (``Store.development`` is what claims read of it)."""
    (row,) = store.query("SELECT article_count, site_count, first_seen_at, last_seen_at "
                         "FROM developments WHERE id = ?", [development_id])
    return row["article_count"], row["site_count"], row["first_seen_at"], row["last_seen_at"]


def test_an_article_has_one_match_per_claim_the_latest_written(store: Store) -> None:
    article_id = add(store, "https://a.example/1", "a.example")
    value = claim_id(store, "value")
    with store.transaction():
        store.insert_match(match(article_id, value, "confirms"))
        store.insert_match(match(article_id, value, "contradicts"))
    assert store.query("SELECT claim_id, stance FROM matches") == [
        {"claim_id": value, "stance": "contradicts"}]


def test_a_match_for_an_unknown_claim_is_a_store_error(store: Store) -> None:
    article_id = add(store, "https://a.example/1", "a.example")
    with pytest.raises(StoreError, match="in insert_match") as caught, store.transaction():
        store.insert_match(match(article_id, 999))
    assert isinstance(caught.value.__cause__, sqlite3.IntegrityError)
    assert store.query("SELECT count(*) AS n FROM matches")[0]["n"] == 0
    with pytest.raises(StoreError, match="outside a transaction"):
        store.insert_match(match(article_id, claim_id(store, "value")))


def test_a_development_counts_a_syndicated_group_as_one_site(store: Store) -> None:
    wire = add(store, "https://wire.example/1", "wire.example")
    copy = add(store, "https://copy.example/1", "copy.example", duplicate_of=wire)
    other = add(store, "https://other.example/1", "other.example")
    dev = evidence(store, wire, None, "Acme opened a plant.")
    assert development(store, dev) == (1, 1, NOW, NOW)
    assert evidence(store, copy, dev, "Acme opened a plant.", LATER) == dev
    assert development(store, dev) == (2, 1, NOW, LATER)
    evidence(store, other, dev, "A plant was opened by Acme.", LATER)
    assert development(store, dev) == (3, 2, NOW, LATER)
    row = store.development(dev)
    assert row is not None
    assert (row.id, row.story, row.summary) == (dev, "s", "Acme opened a plant.")  # the first's


def test_development_evidence_leaves_out_one_article_and_other_stories(store: Store) -> None:
    first = add(store, "https://a.example/1", "a.example")
    second = add(store, "https://b.example/1", "b.example")
    dev = evidence(store, first, None, "One.")
    evidence(store, second, dev, "Two.")
    later = evidence(store, second, None, "Three.")
    assert [(r.development_id, r.evidence) for r in store.development_evidence("s")] == [
        (dev, "One."), (dev, "Two."), (later, "Three.")]
    assert [(r.development_id, r.evidence)
            for r in store.development_evidence("s", except_article=second)] == [(dev, "One.")]
    assert store.development_evidence("other-story") == []


def test_clearing_an_articles_judgments_drops_a_development_only_it_and_no_person_holds(
        store: Store) -> None:
    article_id = add(store, "https://a.example/1", "a.example")
    other = add(store, "https://b.example/1", "b.example")
    with store.transaction():
        store.insert_match(match(article_id, claim_id(store, "value")))
        store.insert_match(match(other, claim_id(store, "value")))
    alone = evidence(store, article_id, None, "Only this article says so.")
    shared = evidence(store, article_id, None, "Both say so.")
    evidence(store, other, shared, "Both say so, too.")
    reviewed = evidence(store, article_id, None, "A person looked at this.")
    store.record_review(target="development", verdict="right", reviewer="ed", now=NOW,
                        development_id=reviewed)
    with store.transaction():
        store.clear_judgments(article_id, LATER)
    assert store.query("SELECT article_id FROM matches") == [{"article_id": other}]
    assert store.query("SELECT article_id FROM article_developments") == [{"article_id": other}]
    assert store.development(alone) is None
    assert development(store, shared) == (1, 1, NOW, LATER)
    assert development(store, reviewed) == (0, 0, NOW, LATER)


def test_an_exact_copy_carries_its_originals_judgments(store: Store) -> None:
    original = add(store, "https://a.example/1", "a.example", relevant_stories=("s",))
    copy = add(store, "https://b.example/1", "b.example", duplicate_of=original)
    value, first = claim_id(store, "value"), claim_id(store, "first")
    with store.transaction():
        store.insert_match(match(original, value, "confirms"))
        store.insert_match(match(original, first, "contradicts"))
    dev = evidence(store, original, None, "Acme opened a plant.")
    with store.transaction():
        store.copy_judgments(original, copy, LATER)
    assert store.query("SELECT claim_id, stance, evidence, created_at FROM matches "
                       "WHERE article_id = ? ORDER BY claim_id", [copy]) == [
        {"claim_id": value, "stance": "confirms", "evidence": "confirms evidence",
         "created_at": LATER},
        {"claim_id": first, "stance": "contradicts", "evidence": "contradicts evidence",
         "created_at": LATER}]
    assert store.relevant_stories(copy) == ["s"]
    assert store.query("SELECT development_id, evidence FROM article_developments "
                       "WHERE article_id = ?", [copy]) == [
        {"development_id": dev, "evidence": "Acme opened a plant."}]
    # Two articles now, one site: the copy is of the same group.
    assert development(store, dev) == (2, 1, NOW, LATER)


def test_a_waiting_sentence_is_copied_adopted_once_and_forgotten_when_old(
        store: Store) -> None:
    original = add(store, "https://a.example/1", "a.example", relevant_stories=("s",))
    copy = add(store, "https://b.example/1", "b.example", duplicate_of=original)
    with store.transaction():
        store.add_pending_development(story="s", article_id=original, score=0.4, now=NOW,
                                      evidence="Officers detained two directors.")
        store.copy_judgments(original, copy, NOW)
    assert [(p.article_id, p.evidence) for p in store.pending_developments("s")] == [
        (original, "Officers detained two directors."),
        (copy, "Officers detained two directors.")]
    assert store.pending_developments("s", original) == store.pending_developments("s")[1:]
    assert store.pending_developments("other") == []
    assert store.pending_developments("s", since=LATER) == []
    opener = add(store, "https://c.example/1", "c.example")
    dev = evidence(store, opener, None, "Police arrested two directors.", LATER)
    with store.transaction():
        for _ in range(2):  # a second adoption of the same sentence finds it gone
            store.adopt_pending_development(story="s", article_id=original, development_id=dev,
                                            evidence="Officers detained two directors.",
                                            now=LATER)
    assert store.query("SELECT article_id, evidence, score FROM article_developments "
                       "WHERE development_id = ? ORDER BY article_id", [dev]) == [
        {"article_id": original, "evidence": "Officers detained two directors.", "score": 0.4},
        {"article_id": opener, "evidence": "Police arrested two directors.", "score": 0.5}]
    assert development(store, dev)[:2] == (2, 2)
    assert [p.article_id for p in store.pending_developments("s")] == [copy]
    # Storing another waiting sentence forgets those stored before ``forget_before``.
    with store.transaction():
        store.add_pending_development(story="s", article_id=opener, score=0.4, now=LATER,
                                      evidence="Another.", forget_before=LATER)
    assert [p.article_id for p in store.pending_developments("s")] == [opener]

"""The store's stories domain (``store/stories.py``): stories and claims kept in step with the
story files, claims added by people, reviews."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from pipeline.errors import StoreError
from pipeline.records import Claim, Story
from pipeline.store import LedgerRow, NewArticle, NewMatch, Store
from tests.conftest import DIGEST_STORY

NOW = "2026-03-02T00:00:00Z"


def claims(store: Store, story: Story = DIGEST_STORY) -> list[tuple[int | None, str, str]]:
    return [(c.id, c.key, c.text) for c in store.story_with_claims(story).claims]


def test_a_changed_seed_claim_keeps_its_id_and_a_returning_one_is_tracked_again(
        store: Store) -> None:
    (value_id, _, _), (first_id, _, _) = claims(store)
    edited = replace(DIGEST_STORY, claims=(Claim("value", "The deal is worth $300 million."),))
    (synced,) = store.sync_stories([edited], now=NOW)
    assert [(c.id, c.key, c.text) for c in synced.claims] == [
        (value_id, "value", "The deal is worth $300 million.")]
    # "first" left the file: not tracked, but its key stays taken.
    assert store.claim_keys("s") == {"value", "first"}
    (back,) = store.sync_stories([DIGEST_STORY], now=NOW)
    assert [(c.id, c.key, c.text) for c in back.claims] == [
        (value_id, "value", "The deal is worth $200 million."),
        (first_id, "first", "Acme was first.")]


def test_a_story_file_with_no_claims_left_stops_tracking_every_seed_claim(store: Store) -> None:
    (synced,) = store.sync_stories([replace(DIGEST_STORY, claims=())], now=NOW)
    assert synced.claims == ()
    assert claims(store) == []


def test_an_added_claim_is_tracked_after_the_seed_claims_and_survives_a_sync(
        store: Store) -> None:
    claim_id = store.add_claim("s", "later", "Acme later denied it.", source="manual", now=NOW)
    (synced,) = store.sync_stories([DIGEST_STORY], now=NOW)
    assert [c.key for c in synced.claims] == ["value", "first", "later"]
    assert synced.claims[-1].id == claim_id


def test_add_claim_refuses_an_unknown_story_and_a_taken_key(store: Store) -> None:
    with pytest.raises(StoreError, match="no story 'nope' in the store"):
        store.add_claim("nope", "k", "Some claim text here.", source="manual", now=NOW)
    with pytest.raises(StoreError, match="already has a claim with key 'value'"):
        store.add_claim("s", "value", "Another text under a taken key.", source="manual",
                        now=NOW)
    assert store.claim_keys("s") == {"value", "first"}
    assert store.query("SELECT count(*) AS n FROM claims")[0]["n"] == 2


def test_stories_are_listed_in_the_order_first_stored(store: Store) -> None:
    other = Story(slug="b", title="B", seed_text="", published="2026-01-01", keywords=(),
                  claims=())
    store.sync_stories([other, DIGEST_STORY], now=NOW)
    assert [(s.slug, s.title, s.published) for s in store.stories()] == [
        ("s", "Story", None), ("b", "B", "2026-01-01")]


def claim_id(store: Store, key: str, story: Story = DIGEST_STORY) -> int:
    found = next(c.id for c in store.story_with_claims(story).claims if c.key == key)
    assert found is not None
    return found


def _article_matching(store: Store, claim_ids: list[int]) -> int:
    with store.transaction():
        article_id = store.insert_article(NewArticle(url="https://a.example/1",
                                                     fetched_at=NOW, text="t"))
        for claim_id in claim_ids:
            store.insert_match(NewMatch(article_id=article_id, claim_id=claim_id,
                                        stance="confirms", score=0.9, band="flag",
                                        evidence="e", created_at=NOW))
    return article_id


def test_a_review_of_a_match_names_its_claim_and_the_latest_is_kept_with_its_history(
        store: Store) -> None:
    value_id = claim_id(store, "value")
    article_id = _article_matching(store, [value_id])
    first = store.record_review(target="match", verdict="wrong", reviewer="ed", now=NOW,
                                article_id=article_id, claim_key="value")
    second = store.record_review(target="match", verdict="right", reviewer="ed",
                                 now="2026-03-02T01:00:00Z", article_id=article_id,
                                 claim_key="value", note="checked")
    assert second > first
    rows = store.query("SELECT claim_id, verdict, note FROM reviews ORDER BY id")
    assert rows == [{"claim_id": value_id, "verdict": "wrong", "note": None},
                    {"claim_id": value_id, "verdict": "right", "note": "checked"}]


def test_a_review_needs_a_match_or_a_development_and_an_unambiguous_key(store: Store) -> None:
    value_id = claim_id(store, "value")
    article_id = _article_matching(store, [value_id])
    with pytest.raises(StoreError, match="has no match for claim 'first'"):
        store.record_review(target="match", verdict="wrong", reviewer="ed", now=NOW,
                            article_id=article_id, claim_key="first")
    with pytest.raises(StoreError, match="no development 42"):
        store.record_review(target="development", verdict="wrong", reviewer="ed", now=NOW,
                            development_id=42)
    assert store.development(42) is None
    # The same key in two stories, both matched by one article: which one is meant?
    twin = replace(DIGEST_STORY, slug="t", claims=(Claim("value", "Twin claim text here."),))
    store.sync_stories([twin], now=NOW)
    store.db.execute("UPDATE articles SET url = 'https://a.example/old'")
    both = _article_matching(store, [value_id, claim_id(store, "value", twin)])
    with pytest.raises(StoreError, match="ambiguous across stories"):
        store.record_review(target="match", verdict="wrong", reviewer="ed", now=NOW,
                            article_id=both, claim_key="value")
    assert store.query("SELECT count(*) AS n FROM reviews")[0]["n"] == 0


def test_the_ledger_is_every_tracked_claim_with_every_column_of_its_view(store: Store) -> None:
    value, first = claim_id(store, "value"), claim_id(store, "first")
    _article_matching(store, [value])
    by_key = {r.claim_key: r for r in store.claim_ledger()}
    assert (by_key["value"].claim_id, by_key["value"].state,
            by_key["value"].confirmations) == (value, "confirmed", 1)
    assert (by_key["first"].claim_id, by_key["first"].state,
            by_key["first"].first_evidence_at) == (first, "unconfirmed", None)
    view = {r["name"] for r in store.query("SELECT name FROM pragma_table_info('claim_ledger')")}
    assert {f.name for f in fields(LedgerRow)} == view

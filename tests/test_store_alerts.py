"""The store's alert outbox (``store/alerts.py``): an alert queued once per flag with one
delivery per target, deliveries claimed by one sender, finished, released and dropped.
(``due_deliveries`` is read through ``AlertSender`` in test_alerts.py.)"""

from __future__ import annotations

import json
import sqlite3

import pytest

from pipeline.errors import StoreError
from pipeline.store import NewAlert, NewArticle, Store

NOW = "2026-03-02T09:00:00Z"
EMPTY = {"pending": 0, "sending": 0, "sent": 0, "failed": 0}


def queue(store: Store, targets: list[str], *, claim_key: str | None = "value",
          development_id: int | None = None, article_id: int | None = None) -> int | None:
    with store.transaction():
        if article_id is None:
            article_id = store.insert_article(NewArticle(url="https://a.example/1",
                                                         fetched_at=NOW))
        return store.queue_alert(NewAlert(
            kind="contradiction" if claim_key else "development", band="flag",
            story="s", claim_key=claim_key, development_id=development_id,
            article_id=article_id, created_at=NOW, payload=json.dumps({})),
            targets, NOW)


def deliveries(store: Store) -> list[dict]:
    return store.query("SELECT target, status, attempts, claimed_by, last_error "
                       "FROM alert_deliveries ORDER BY target")


def test_an_alert_is_queued_once_per_flag_with_a_delivery_per_target(store: Store) -> None:
    assert store.delivery_counts() == EMPTY
    alert_id = queue(store, ["t1", "t2"])
    assert alert_id is not None
    assert store.delivery_counts() == {**EMPTY, "pending": 2}
    article_id = store.query("SELECT id FROM articles")[0]["id"]
    # The same flag of the same article again (a re-ingest): nothing new.
    assert queue(store, ["t1", "t2"], article_id=article_id) is None
    # Another flag of it is another alert.
    assert queue(store, ["t1"], claim_key=None, development_id=7,
                 article_id=article_id) == alert_id + 1
    assert [r["key"] for r in store.query("SELECT key FROM alerts ORDER BY id")] == [
        f"contradiction/{article_id}/value", f"development/{article_id}/7"]
    assert store.delivery_counts() == {**EMPTY, "pending": 3}


def test_an_alert_is_queued_only_in_the_articles_transaction(store: Store) -> None:
    with pytest.raises(StoreError, match="outside a transaction"):
        store.queue_alert(NewAlert(kind="contradiction", band="flag", story="s",
                                   claim_key="value", article_id=1, created_at=NOW,
                                   payload="{}"), ["t1"], NOW)
    with pytest.raises(StoreError, match="in queue_alert") as caught, store.transaction():
        # No such article: the outbox refuses an alert about nothing.
        store.queue_alert(NewAlert(kind="contradiction", band="flag", story="s",
                                   claim_key="value", article_id=999, created_at=NOW,
                                   payload="{}"), ["t1"], NOW)
    assert isinstance(caught.value.__cause__, sqlite3.IntegrityError)
    assert store.query("SELECT count(*) AS n FROM alerts")[0]["n"] == 0


def test_one_sender_claims_a_delivery_and_finishes_it(store: Store) -> None:
    alert_id = queue(store, ["t1"])
    assert alert_id is not None
    assert store.claim_delivery(alert_id, "t1", claimer="host:1", now=NOW)
    assert not store.claim_delivery(alert_id, "t1", claimer="host:2", now=NOW)
    assert deliveries(store) == [{"target": "t1", "status": "sending", "attempts": 0,
                                  "claimed_by": "host:1", "last_error": None}]
    store.finish_delivery(alert_id, "t1", status="pending", now=NOW,
                          next_attempt_at="2026-03-02T09:00:30Z", error="http 500")
    assert deliveries(store) == [{"target": "t1", "status": "pending", "attempts": 1,
                                  "claimed_by": None, "last_error": "http 500"}]
    assert store.claim_delivery(alert_id, "t1", claimer="host:2", now=NOW)
    store.finish_delivery(alert_id, "t1", status="sent", now="2026-03-02T09:01:00Z")
    assert store.query("SELECT status, attempts, sent_at, last_error FROM alert_deliveries"
                       ) == [{"status": "sent", "attempts": 2,
                              "sent_at": "2026-03-02T09:01:00Z", "last_error": None}]
    assert store.delivery_counts() == {**EMPTY, "sent": 1}


def test_only_the_dead_claimers_own_claim_is_released(store: Store) -> None:
    alert_id = queue(store, ["t1"])
    assert alert_id is not None
    store.claim_delivery(alert_id, "t1", claimer="host:1", now=NOW)
    store.release_delivery(alert_id, "t1", "host:2")  # not its claim: nothing happens
    assert store.delivery_counts() == {**EMPTY, "sending": 1}
    store.release_delivery(alert_id, "t1", "host:1")
    assert deliveries(store) == [{"target": "t1", "status": "pending", "attempts": 0,
                                  "claimed_by": None, "last_error": None}]


def test_deliveries_to_a_target_no_longer_configured_are_given_up(store: Store) -> None:
    alert_id = queue(store, ["kept", "gone", "also-gone"])
    assert alert_id is not None
    store.claim_delivery(alert_id, "also-gone", claimer="host:1", now=NOW)
    assert store.drop_deliveries(["kept"]) == 2
    assert [(r["target"], r["status"], r["last_error"]) for r in deliveries(store)] == [
        ("also-gone", "failed", "target no longer configured"),
        ("gone", "failed", "target no longer configured"),
        ("kept", "pending", None)]
    assert store.drop_deliveries([]) == 1  # no target left: every open delivery goes
    assert store.delivery_counts() == {**EMPTY, "failed": 3}

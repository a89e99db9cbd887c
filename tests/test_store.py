"""The store's boundary: sqlite errors leave it as the project's StoreError."""

from __future__ import annotations

import contextlib
import inspect
import sqlite3
from pathlib import Path

import pytest

from pipeline.errors import StoreError
from pipeline.records import Story
from pipeline.store import NewArticle, Store, StoryRow

NOW = "2026-01-02T03:04:05Z"


def _story(slug: str, published: str | None = None) -> Story:
    return Story(slug=slug, title=slug.upper(), seed_text="", published=published,
                 keywords=(), claims=())


def test_every_public_method_is_guarded() -> None:
    public = [name for name, member in vars(Store).items()
              if not name.startswith("_") and name != "transaction"
              and (inspect.isfunction(member) or isinstance(member, classmethod))]
    assert "query" in public and "open" in public and "queue_alert" in public
    for name in public:
        member = vars(Store)[name]
        func = member.__func__ if isinstance(member, classmethod) else member
        assert hasattr(func, "__wrapped__"), name


def test_a_failing_read_raises_store_error_with_the_cause(store: Store) -> None:
    with pytest.raises(StoreError, match="in query") as caught:
        store.query("SELECT * FROM no_such_table")
    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
    assert caught.value.kind == "store" and not caught.value.transient


def test_a_failing_write_in_a_transaction_is_rolled_back_and_wrapped(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    store.sync_stories([_story("s")], now=NOW)
    with pytest.raises(StoreError) as caught, store.transaction() as db:
        db.execute("UPDATE stories SET title = 'changed'")
        db.execute("INSERT INTO stories (slug, title) VALUES ('s', 'again')")  # pk taken
    assert isinstance(caught.value.__cause__, sqlite3.IntegrityError)
    assert store.stories() == [StoryRow(slug="s", title="S", published=None)]
    assert not store.db.conn.in_transaction
    store.close()


def test_a_write_to_a_read_only_store_raises_store_error(tmp_path: Path) -> None:
    Store.open(tmp_path / "s.db").close()
    with Store.open_readonly(tmp_path / "s.db") as reader, pytest.raises(StoreError) as caught:
        reader.sync_stories([_story("r")], now=NOW)
    assert isinstance(caught.value.__cause__, sqlite3.Error)


def test_claim_keys_and_stories(tmp_path: Path) -> None:
    with Store.open(tmp_path / "c.db") as store:
        store.sync_stories([_story("b", "2026-01-01"), _story("a")], now=NOW)
        store.add_claim("b", "k-one", "One claim of story b here.", source="manual", now=NOW)
        assert store.claim_keys("b") == {"k-one"} and store.claim_keys("a") == set()
        assert store.stories() == [StoryRow("b", "B", "2026-01-01"),  # as first stored
                                   StoryRow("a", "A", None)]


def test_an_article_write_outside_a_transaction_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="outside a transaction"):
        store.insert_article(NewArticle(url="https://a.example/1", fetched_at=NOW))
    assert store.query("SELECT count(*) AS n FROM articles")[0]["n"] == 0


def test_a_failing_syndication_lookup_raises_store_error(store: Store) -> None:
    from pipeline.ingesting import dedupe

    text = " ".join(f"word{i}" for i in range(200))
    assert store.syndication_fingerprint(text) is not None
    store.db.execute(f"DROP TABLE [{dedupe.BANDS_TABLE}]")
    with pytest.raises(StoreError, match="in syndication_fingerprint") as caught:
        store.syndication_fingerprint(text)
    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)


def test_a_nested_transaction_is_refused_and_the_outer_one_still_commits(store: Store) -> None:
    with store.transaction():
        store.db.execute("UPDATE stories SET title = 'changed'")
        with pytest.raises(StoreError, match="nested write transaction"), store.transaction():
            pass
    assert store.stories() == [StoryRow(slug="s", title="changed", published=None)]


def test_an_interrupt_in_a_transaction_rolls_it_back_and_passes_through(store: Store) -> None:
    with pytest.raises(KeyboardInterrupt), store.transaction():
        store.db.execute("UPDATE stories SET title = 'changed'")
        raise KeyboardInterrupt
    assert [s.title for s in store.stories()] == ["Story"]
    assert not store.db.conn.in_transaction


def test_another_programs_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(StoreError, match="some other program"):
        Store.open(path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
    assert tables == ["notes"]


def test_a_store_that_is_not_there_cannot_be_opened_for_reading(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        Store.open_readonly(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()

"""The connection and its discipline: opening, checking and migrating the store, the write
transaction, and the few helpers every domain of the store uses."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import sqlite_utils

from ..errors import StoreError
from .schema import APPLICATION_ID, BUSY_TIMEOUT_S, migrations

if TYPE_CHECKING:
    from ..ingesting.dedupe import Fingerprint, SyndicationIndex, TextKeys


def _insert_row(db: sqlite_utils.Database, table: str, row: dict[str, Any], *,
                replace: bool = False) -> int:
    """Insert one row of plain values with a plain INSERT and return its rowid.

    For the per-article write path: sqlite-utils' ``Table.insert`` reads the schema (table and
    view names, columns) on every call, which costs more than the write itself there.
    """
    columns = ", ".join(f"[{column}]" for column in row)
    marks = ", ".join("?" for _ in row)
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    cursor = db.conn.execute(f"{verb} INTO [{table}] ({columns}) VALUES ({marks})",
                             list(row.values()))
    return int(cursor.lastrowid or 0)


class StoreBase:
    """One connection to the store, without the queries (the domain classes add those)."""

    def __init__(self, path: Path | str, *, db: sqlite_utils.Database):
        self.path = Path(path)
        self.db = db
        self._index: SyndicationIndex | None = None

    @classmethod
    def open(cls, path: Path | str) -> Self:
        """Open (creating if needed), check and migrate the store. StoreError on any problem."""
        path = Path(path)
        if str(path) != ":memory:":
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(f"cannot create the store's directory {path.parent}: {e}") from e
        try:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
            db = sqlite_utils.Database(conn)
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            has_tables = bool(db.table_names())
            if has_tables and app_id not in (0, APPLICATION_ID):
                raise StoreError(f"{path} is not a claimwatch database (application_id {app_id})")
            if has_tables and "_sqlite_migrations" not in db.table_names():
                raise StoreError(f"{path} is a database of some other program; refusing to use it")
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise StoreError(f"{path} failed its integrity check: {check}")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            store = cls(path, db=db)
            with store.transaction():
                db.execute(f"PRAGMA application_id={APPLICATION_ID}")
                migrations.apply(db)
            return store
        except sqlite3.DatabaseError as e:
            raise StoreError(f"cannot open the store {path}: {e}") from e

    @classmethod
    def open_readonly(cls, path: Path | str) -> Self:
        """Open an existing store for reading only (no migration, no lock taken): for
        ``status`` and ``feeds list``, which must answer at once while the daemon writes."""
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"no store at {path} yet (the daemon or `poll` creates it)")
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                   timeout=BUSY_TIMEOUT_S, check_same_thread=False)
            db = sqlite_utils.Database(conn)
            if "_sqlite_migrations" not in db.table_names():
                conn.close()
                raise StoreError(f"{path} is not a claimwatch store (or was never migrated)")
            return cls(path, db=db)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"cannot open the store {path}: {e}") from e

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any exception (including
        KeyboardInterrupt), so each unit of work is all-or-nothing."""
        conn = self.db.conn
        if conn.in_transaction:
            raise StoreError("nested write transaction: a bug in the caller")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise StoreError(f"the store is locked by another writer: {e}") from e
        try:
            yield self.db
        except sqlite3.Error as e:
            conn.rollback()
            raise StoreError(f"the store failed in a write transaction: {e}") from e
        except BaseException:
            conn.rollback()
            raise
        else:
            try:
                conn.commit()
            except sqlite3.Error as e:
                raise StoreError(f"the store could not commit: {e}") from e

    def _writing(self) -> sqlite_utils.Database:
        """The connection, for a write that belongs to the caller's open transaction (the
        article's): a bug in the caller if there is none."""
        if not self.db.conn.in_transaction:
            raise StoreError("a write outside a transaction: a bug in the caller")
        return self.db

    # The syndication index: its tables and queries are its own (``ingesting/dedupe.py``); it
    # is reached through the two methods below, so its sqlite errors are StoreErrors too.

    def _syndication(self) -> SyndicationIndex:
        if self._index is None:
            from ..ingesting.dedupe import SyndicationIndex  # numpy: only when ingesting

            self._index = SyndicationIndex(self.db)
        return self._index

    def syndication_fingerprint(self, text: str | TextKeys, *,
                                exclude: int | None = None) -> Fingerprint | None:
        """``text`` (or its keys) looked up in the syndication index (read before the write
        transaction), never matching the stored article ``exclude`` (the one whose text it
        replaces)."""
        return self._syndication().fingerprint(text, exclude=exclude)

    def index_syndicated(self, article_id: int, fingerprint: Fingerprint | None) -> None:
        """Index an article by its fingerprint, inside the caller's (the article's)
        transaction."""
        self._writing()
        self._syndication().add(article_id, fingerprint)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """Rows of a ``SELECT`` as dicts: what the domain classes build their typed rows from,
        and a way to inspect the store for tests, benchmarks and a person at a Python prompt.

        For reading only. Public for inspection, not for pipeline code: outside
        ``pipeline/store/`` the store is used through its named methods, and
        ``tests/test_import_rules.py`` fails when a module there calls ``.query()``.
        """
        cursor = self.db.execute(sql, params)
        cols = [d[0] for d in cursor.description]
        return [dict(zip(cols, row, strict=True)) for row in cursor.fetchall()]

    def counts(self) -> dict[str, int]:
        return {
            name: self.db.table(name).count
            for name in ("feeds", "articles", "matches", "developments", "article_developments")
        }

"""The SQLite store: schema (via sqlite-utils migrations), connection discipline, and every query.

Discipline, for a daemon that writes while Datasette reads the same file:

- WAL journal, ``synchronous=NORMAL`` (a power cut may lose the last commits, never consistency),
  a busy timeout, foreign keys on.
- One writer. Every write goes through :meth:`Store.transaction`, which opens ``BEGIN IMMEDIATE``:
  a deferred ``BEGIN`` that reads and then writes fails at once with "database is locked" when
  another connection committed in between, whatever the busy timeout.
- One transaction per article, so a crash never leaves half an article.

No other module contains SQL, but the syndication index (``ingesting/dedupe.py``), which owns
its own two tables (see ``ARCHITECTURE.md``).

Every ``sqlite3.Error`` leaving a public method, or the body of :meth:`Store.transaction`, leaves
as a :class:`~pipeline.errors.StoreError` (the original chained as its cause): callers catch the
project's errors, never the driver's.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import sqlite_utils
from sqlite_utils.migrations import Migrations

from .errors import CONNECTION_KINDS, StoreError
from .records import Claim, Story

if TYPE_CHECKING:
    from .ingesting.dedupe import Fingerprint, SyndicationIndex

APPLICATION_ID = 0x636C6177  # "claw": refuse to write into some other program's database
BUSY_TIMEOUT_S = 30.0

migrations = Migrations("claimwatch")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("stories").create(
        {"slug": str, "title": str, "published": str, "keywords": str, "seed_text": str},
        pk="slug",
    )
    db.table("claims").create(
        {
            "id": int,
            "story": str,
            "key": str,
            "text": str,
            "source": str,  # seed | manual | development
            "created_at": str,
            "active": int,
        },
        pk="id",
        foreign_keys=[("story", "stories", "slug")],
        not_null={"story", "key", "text"},
        defaults={"source": "seed", "active": 1},
    )
    db.table("claims").create_index(["story", "key"], unique=True)
    db.table("feeds").create(
        {
            "id": int,
            "name": str,
            "url": str,
            "configured_url": str,
            "interval_minutes": int,
            "active": int,
            "etag": str,
            "last_modified": str,
            "body_sha256": str,
            "last_polled_at": str,
            "last_success_at": str,
            "last_unconditional_at": str,
            "next_poll_at": str,
            "consecutive_errors": int,
            "last_error": str,
            "last_error_at": str,
            "disabled_reason": str,
            "redirect_target": str,
            "redirect_count": int,
            "redirect_first_seen": str,
        },
        pk="id",
        not_null={"name", "url"},
        defaults={"consecutive_errors": 0, "active": 1, "redirect_count": 0},
    )
    db.table("feeds").create_index(["name"], unique=True)
    db.table("articles").create(
        {
            "id": int,
            "url": str,
            "feed_id": int,
            "title": str,
            "site": str,
            "author": str,
            "published_at": str,
            "fetched_at": str,
            "text": str,
            "content_hash": str,
            "duplicate_of": int,
            "text_source": str,  # page | feed_summary | file
            "fetch_error": str,
            # Slugs of the stories the article was judged relevant to, comma-joined ("a,b");
            # null when none.
            "relevant_stories": str,
        },
        pk="id",
        foreign_keys=[("feed_id", "feeds", "id"), ("duplicate_of", "articles", "id")],
        not_null={"url", "fetched_at"},
    )
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").create_index(["content_hash"])
    db.table("articles").create_index(["fetched_at"])
    db.table("articles").enable_fts(["title", "text"], create_triggers=True, tokenize="porter")
    db.table("entries").create(
        {
            "feed_id": int,
            "guid_key": str,
            "url": str,
            "title": str,
            "article_id": int,
            "first_seen_at": str,
        },
        pk=("feed_id", "guid_key"),
        foreign_keys=[("feed_id", "feeds", "id"), ("article_id", "articles", "id")],
    )
    db.table("matches").create(
        {
            "article_id": int,
            "claim_id": int,
            "stance": str,
            "score": float,
            "band": str,  # flag | review
            "evidence": str,
            "created_at": str,
        },
        pk=("article_id", "claim_id"),
        foreign_keys=[("article_id", "articles", "id"), ("claim_id", "claims", "id")],
    )
    db.table("matches").create_index(["claim_id"])
    db.table("developments").create(
        {
            "id": int,
            "story": str,
            "summary": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "article_count": int,
            "site_count": int,
        },
        pk="id",
        foreign_keys=[("story", "stories", "slug")],
        defaults={"article_count": 0, "site_count": 0},
    )
    db.table("article_developments").create(
        {"article_id": int, "development_id": int, "evidence": str, "score": float},
        pk=("article_id", "development_id"),
        foreign_keys=[("article_id", "articles", "id"), ("development_id", "developments", "id")],
    )
    db.table("article_developments").create_index(["development_id"])
    db.table("poll_log").create(
        {
            "id": int,
            "feed_id": int,
            "started_at": str,
            "duration_ms": int,
            "outcome": str,  # new | unchanged | not_modified | error | throttled | gone
            "status": int,
            "new_entries": int,
            "error": str,
        },
        pk="id",
        foreign_keys=[("feed_id", "feeds", "id")],
    )
    db.table("poll_log").create_index(["feed_id", "started_at"])


@migrations()
def m002_syndication_reviews_ledger(db: sqlite_utils.Database) -> None:
    """Syndicated-copy index, human reviews, and the views (``flags``, ``claim_ledger``) that
    leave out what a person marked wrong."""
    from .ingesting.dedupe import SyndicationIndex

    SyndicationIndex(db).ensure_tables()
    db.table("reviews").create(
        {
            "id": int,
            "target": str,  # match | development
            "article_id": int,  # the match's article (null for a development)
            "claim_id": int,  # the match's claim (null for a development)
            "development_id": int,
            "verdict": str,  # wrong | right
            "reviewer": str,
            "reviewed_at": str,
            "note": str,
        },
        pk="id",
    )
    db.table("reviews").create_index(["target", "article_id", "claim_id"])
    db.table("reviews").create_index(["target", "development_id"])
    # The views are created by m004, in their current form.


@migrations()
def m003_live_developments(db: sqlite_utils.Database) -> None:
    """Developments nobody marked wrong: what the digest and the timeline show."""
    db.execute(
        """
        CREATE VIEW live_developments AS
        SELECT d.* FROM developments d
        WHERE coalesce((SELECT r.verdict FROM reviews r WHERE r.target = 'development'
                        AND r.development_id = d.id ORDER BY r.id DESC LIMIT 1), '') != 'wrong'
        """
    )


@migrations()
def m004_alert_outbox(db: sqlite_utils.Database) -> None:
    """The alert outbox: an alert is written in its article's transaction, and each of its
    deliveries (one per target URL, known by a hash: the URLs carry secrets) is sent after
    commit and marked sent once the target accepted it."""
    db.table("alerts").create(
        {
            "id": int,
            "key": str,  # kind/article/claim key or development id: one alert per flag
            "kind": str,  # contradiction | development | confirmation
            "band": str,  # flag | review
            "story": str,
            "claim_key": str,
            "development_id": int,
            "article_id": int,
            "created_at": str,
            "payload": str,  # JSON: the claim, evidence, link, title, site, confidence
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("alerts").create_index(["key"], unique=True)
    db.table("alert_deliveries").create(
        {
            "alert_id": int,
            "target": str,  # sha256 of the Apprise URL, first 16 hex digits
            "status": str,  # pending | sending | sent | failed
            "attempts": int,
            "next_attempt_at": str,
            "claimed_by": str,  # host:pid of the sender while status = sending
            "claimed_at": str,
            "sent_at": str,
            "last_error": str,
        },
        pk=("alert_id", "target"),
        foreign_keys=[("alert_id", "alerts", "id")],
        defaults={"status": "pending", "attempts": 0},
    )
    db.table("alert_deliveries").create_index(["status", "next_attempt_at"])


@migrations()
def m005_sources(db: sqlite_utils.Database) -> None:
    """Whom each confirmation or contradiction is attributed to, and counts of independent
    sources beside independent sites in the views."""
    matches = db.table("matches")
    matches.add_column("source", str)  # named outlet or person, "official", "" own voice
    matches.add_column("rule", str)  # what decided it: aligned, figure, denial, ...
    for view in ("claim_ledger", "flags"):
        db.execute(f"DROP VIEW IF EXISTS {view}")
    db.execute(_FLAGS_VIEW)
    db.execute(_LEDGER_VIEW)


@migrations()
def m006_entry_states_and_page_health(db: sqlite_utils.Database) -> None:
    """An entry whose page could not be had is recorded with why (refused by the address guard,
    waiting for a retry with backoff, given up), and a feed whose pages keep failing shows it."""
    entries = db.table("entries")
    entries.add_column("status", str)  # null: handled | refused | retry | failed
    entries.add_column("error", str)
    entries.add_column("attempts", int)
    entries.add_column("retry_at", str)
    db.execute("CREATE INDEX idx_entries_retry ON entries (feed_id, retry_at) "
               "WHERE status = 'retry'")
    db.table("feeds").add_column("failing_pages", int, not_null_default=0)
    db.table("feeds").add_column("page_error", str)
    db.table("feeds").add_column("page_error_at", str)
    db.table("feeds").add_column("failing_since", str)  # first failure of the current streak
    db.table("feeds").add_column("poll_interval_minutes", float)  # adaptive; null: interval_minutes


@migrations()
def m007_syndication_fingerprint_v2(db: sqlite_utils.Database) -> None:
    """The syndication index's second fingerprint (``dedupe.FINGERPRINT_VERSION`` 2): shingle
    hashes combined from word hashes and 32 one-value bands, about four times cheaper per
    article. Every indexed article is fingerprinted again from its stored text and keeps its
    copy group; on a large store this takes a while (about 1 ms an article) and logs progress."""
    from .ingesting.dedupe import SyndicationIndex

    index = SyndicationIndex(db)
    index.ensure_tables()
    texts = db.execute("SELECT id, text FROM articles ORDER BY id")
    index.rebuild((article_id, text or "") for article_id, text in texts)


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


# The latest review of a match or development decides; "wrong" hides it from flags and counts.
_FLAGS_VIEW = """
CREATE VIEW flags AS
SELECT
    CASE m.stance WHEN 'confirms' THEN 'confirmation' ELSE 'contradiction' END AS kind,
    c.story AS story,
    c.key AS claim_key,
    c.text AS claim_text,
    NULL AS development_id,
    a.id AS article_id,
    a.url AS article_url,
    a.title AS article_title,
    a.site AS site,
    a.published_at AS published_at,
    m.evidence AS evidence,
    m.score AS score,
    a.fetched_at AS found_at,
    a.duplicate_of AS duplicate_of,
    coalesce(root.site, a.site) AS independent_site,
    m.source AS source,
    -- An echo of one outlet's report is one source however many sites carry it; a statement
    -- in an article's own voice is its site's.
    coalesce(nullif(m.source, ''), coalesce(root.site, a.site)) AS independent_source
FROM matches m
JOIN claims c ON c.id = m.claim_id
JOIN articles a ON a.id = m.article_id
LEFT JOIN articles root ON root.id = a.duplicate_of
WHERE m.band = 'flag' AND m.stance IN ('confirms', 'contradicts')
  AND coalesce((SELECT r.verdict FROM reviews r WHERE r.target = 'match'
                AND r.article_id = m.article_id AND r.claim_id = m.claim_id
                ORDER BY r.id DESC LIMIT 1), '') != 'wrong'
UNION ALL
SELECT
    'development', d.story, NULL, NULL, d.id, a.id, a.url, a.title, a.site,
    a.published_at, ad.evidence, ad.score, a.fetched_at, a.duplicate_of,
    coalesce(root.site, a.site), NULL, coalesce(root.site, a.site)
FROM article_developments ad
JOIN developments d ON d.id = ad.development_id
JOIN articles a ON a.id = ad.article_id
LEFT JOIN articles root ON root.id = a.duplicate_of
WHERE coalesce((SELECT r.verdict FROM reviews r WHERE r.target = 'development'
                AND r.development_id = d.id ORDER BY r.id DESC LIMIT 1), '') != 'wrong'
"""

# Per claim: its state, counts of independent sites (a syndicated group counts once), and the
# first and last evidence.
_LEDGER_VIEW = """
CREATE VIEW claim_ledger AS
SELECT
    c.story,
    c.key AS claim_key,
    c.text AS claim_text,
    CASE
        WHEN count(DISTINCT CASE WHEN f.kind = 'contradiction' THEN f.article_id END) > 0
            THEN 'contested'
        WHEN count(DISTINCT CASE WHEN f.kind = 'confirmation' THEN f.article_id END) > 0
            THEN 'confirmed'
        ELSE 'unconfirmed'
    END AS state,
    count(DISTINCT CASE WHEN f.kind = 'confirmation' THEN f.independent_site END)
        AS confirming_sites,
    count(DISTINCT CASE WHEN f.kind = 'contradiction' THEN f.independent_site END)
        AS contradicting_sites,
    count(DISTINCT CASE WHEN f.kind = 'confirmation' THEN f.article_id END) AS confirmations,
    count(DISTINCT CASE WHEN f.kind = 'contradiction' THEN f.article_id END) AS contradictions,
    min(f.found_at) AS first_evidence_at,
    max(f.found_at) AS last_evidence_at,
    c.source AS claim_source,
    c.id AS claim_id,
    count(DISTINCT CASE WHEN f.kind = 'confirmation' THEN lower(f.independent_source) END)
        AS confirming_sources,
    count(DISTINCT CASE WHEN f.kind = 'contradiction' THEN lower(f.independent_source) END)
        AS contradicting_sources
FROM claims c
LEFT JOIN flags f ON f.story = c.story AND f.claim_key = c.key
WHERE c.active = 1
GROUP BY c.id
"""


# --- records the store hands out --------------------------------------------------------------


@dataclass(frozen=True)
class FeedRow:
    id: int
    name: str
    url: str
    interval_minutes: int
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    next_poll_at: str | None
    consecutive_errors: int
    last_error: str | None
    last_success_at: str | None
    last_unconditional_at: str | None
    disabled_reason: str | None
    redirect_target: str | None
    redirect_count: int
    redirect_first_seen: str | None
    failing_since: str | None = None
    poll_interval_minutes: float | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> FeedRow:
        names = cls.__dataclass_fields__
        return cls(**{k: row[k] for k in names})


@dataclass(frozen=True)
class StoryRow:
    """A story as stored: what the digest names and dates it by."""

    slug: str
    title: str
    published: str | None


@dataclass(frozen=True)
class FlagRow:
    """A row of the ``flags`` view with its story's title: what the digest reports."""

    kind: str  # confirmation | contradiction | development
    story: str
    claim_key: str | None
    claim_text: str | None
    development_id: int | None
    article_id: int
    article_url: str
    article_title: str | None
    site: str | None
    published_at: str | None
    evidence: str | None
    score: float | None
    found_at: str
    duplicate_of: int | None
    independent_site: str | None
    source: str | None
    independent_source: str | None
    story_title: str


@dataclass(frozen=True)
class ReviewRow:
    """A confirmation or contradiction below the flag threshold, for a person to check."""

    stance: str  # confirms | contradicts
    score: float | None
    evidence: str | None
    story: str
    claim_key: str
    claim_text: str
    article_id: int
    article_url: str
    article_title: str | None
    site: str | None


@dataclass(frozen=True)
class DevelopmentRow:
    """A row of the ``live_developments`` view with its story's title."""

    id: int
    story: str
    summary: str
    first_seen_at: str
    last_seen_at: str
    article_count: int
    site_count: int
    story_title: str


@dataclass(frozen=True)
class DevelopmentArticleRow:
    id: int
    url: str
    title: str | None
    site: str | None
    evidence: str | None
    duplicate_of: int | None


@dataclass(frozen=True)
class FirstConfirmedRow:
    """A claim whose first confirmation fell in the digest's day."""

    story: str
    claim_key: str
    claim_text: str
    first_at: str
    sites: int


@dataclass(frozen=True)
class FeedProblemRow:
    """A configured feed that fails, is disabled, or whose pages fail: the digest's last part."""

    name: str
    url: str
    consecutive_errors: int | None
    last_error: str | None  # the feed's error, else its pages'
    last_error_at: str | None
    last_success_at: str | None
    next_poll_at: str | None
    disabled_reason: str | None
    failing_pages: int | None


@dataclass(frozen=True)
class FeedHealthRow:
    """A feed as ``status`` and ``feeds list`` show it."""

    id: int
    name: str
    url: str
    configured_url: str | None
    interval_minutes: int | None
    active: int
    last_polled_at: str | None
    last_success_at: str | None
    next_poll_at: str | None
    consecutive_errors: int | None
    last_error: str | None
    last_error_at: str | None
    disabled_reason: str | None
    failing_pages: int | None
    page_error: str | None


_R = TypeVar("_R")


def _typed(cls: type[_R], rows: list[dict[str, Any]]) -> list[_R]:
    """Rows as ``cls`` (a dataclass whose fields name the query's columns)."""
    names = cls.__dataclass_fields__  # type: ignore[attr-defined]
    return [cls(**{name: row[name] for name in names}) for row in rows]


class Store:
    """One connection to the store. Use one ``Store`` per process that writes."""

    def __init__(self, path: Path | str, *, db: sqlite_utils.Database):
        self.path = Path(path)
        self.db = db
        self._index: SyndicationIndex | None = None

    # -- lifecycle --

    @classmethod
    def open(cls, path: Path | str) -> Store:
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
    def open_readonly(cls, path: Path | str) -> Store:
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

    def __enter__(self) -> Store:
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

    # -- the syndication index: its tables and queries are its own (``ingesting/dedupe.py``);
    # -- it is reached through these two methods, so its sqlite errors are StoreErrors too.

    def _syndication(self) -> SyndicationIndex:
        if self._index is None:
            from .ingesting.dedupe import SyndicationIndex  # numpy: only when ingesting

            self._index = SyndicationIndex(self.db)
        return self._index

    def syndication_fingerprint(self, text: str) -> Fingerprint | None:
        """``text`` looked up in the syndication index (read before the write transaction)."""
        return self._syndication().fingerprint(text)

    def index_syndicated(self, article_id: int, fingerprint: Fingerprint | None) -> None:
        """Index an article by its fingerprint, inside the caller's (the article's)
        transaction."""
        self._writing()
        self._syndication().add(article_id, fingerprint)

    # -- stories and claims --

    def sync_stories(self, stories: Sequence[Story], *, now: str) -> list[Story]:
        """Upsert stories and their seed claims from the config; return the stories with every
        active claim (seed and added ones) carrying store ids. A seed claim no longer in its
        story file stops being tracked (its matches stay); one that comes back is tracked
        again. Claims added with `claims add` are the store's own and stay."""
        with self.transaction() as db:
            for story in stories:
                db.table("stories").upsert(
                    {
                        "slug": story.slug,
                        "title": story.title,
                        "published": story.published,
                        "keywords": json.dumps(list(story.keywords)),
                        "seed_text": story.seed_text,
                    },
                    pk="slug",
                )
                for claim in story.claims:
                    existing = self._claim_row(story.slug, claim.key)
                    if existing is None:
                        db.table("claims").insert(
                            {
                                "story": story.slug,
                                "key": claim.key,
                                "text": claim.text,
                                "source": "seed",
                                "created_at": now,
                                "active": 1,
                            }
                        )
                    elif existing["text"] != claim.text or not existing["active"]:
                        db.table("claims").update(existing["id"], {"text": claim.text, "active": 1})
                keys = [c.key for c in story.claims]
                marks = ",".join("?" * len(keys)) or "''"
                db.execute(
                    f"UPDATE claims SET active = 0 WHERE story = ? AND source = 'seed' "
                    f"AND active = 1 AND key NOT IN ({marks})",
                    [story.slug, *keys],
                )
        return [self.story_with_claims(s) for s in stories]

    def _claim_row(self, story: str, key: str) -> dict[str, Any] | None:
        rows = list(self.db.table("claims").rows_where("story = ? AND key = ?", [story, key]))
        return rows[0] if rows else None

    def stories(self) -> list[StoryRow]:
        """Every story the store knows, in the order they were first stored."""
        return [StoryRow(slug=slug, title=title, published=published)
                for slug, title, published in self.db.execute(
                    "SELECT slug, title, published FROM stories ORDER BY rowid")]

    def claim_keys(self, story: str) -> set[str]:
        """The keys of every claim of ``story``, active or not (a key is never reused)."""
        return {key for (key,) in self.db.execute("SELECT key FROM claims WHERE story = ?",
                                                   [story])}

    def story_with_claims(self, story: Story) -> Story:
        rows = self.db.table("claims").rows_where(
            "story = ? AND active = 1", [story.slug], order_by="id"
        )
        claims = tuple(Claim(key=r["key"], text=r["text"], id=r["id"]) for r in rows)
        return Story(
            slug=story.slug,
            title=story.title,
            seed_text=story.seed_text,
            published=story.published,
            keywords=story.keywords,
            claims=claims,
        )

    # -- feeds --

    def sync_feeds(self, feeds: Sequence[Any], *, now: str) -> None:
        """Insert feeds new to the config, adopt changed URLs (resetting their state), and mark
        feeds no longer configured inactive (their rows and articles stay)."""
        with self.transaction() as db:
            names = set()
            for feed in feeds:
                names.add(feed.name)
                rows = list(db.table("feeds").rows_where("name = ?", [feed.name]))
                if not rows:
                    db.table("feeds").insert(
                        {
                            "name": feed.name,
                            "url": feed.url,
                            "configured_url": feed.url,
                            "interval_minutes": feed.interval_minutes,
                            "active": 1,
                            "next_poll_at": now,
                            "consecutive_errors": 0,
                        }
                    )
                    continue
                row = rows[0]
                changes: dict[str, Any] = {"interval_minutes": feed.interval_minutes, "active": 1}
                if row["interval_minutes"] != feed.interval_minutes:
                    changes["poll_interval_minutes"] = None  # start again from the new one
                if row["configured_url"] != feed.url:
                    changes.update(
                        url=feed.url,
                        configured_url=feed.url,
                        etag=None,
                        last_modified=None,
                        body_sha256=None,
                        consecutive_errors=0,
                        last_error=None,
                        disabled_reason=None,
                        redirect_target=None,
                        redirect_count=0,
                        redirect_first_seen=None,
                        failing_since=None,
                        next_poll_at=now,
                    )
                db.table("feeds").update(row["id"], changes)
            for row in db.table("feeds").rows_where("active = 1"):
                if row["name"] not in names:
                    db.table("feeds").update(row["id"], {"active": 0})

    def feeds(self, *, name: str | None = None, due_before: str | None = None) -> list[FeedRow]:
        where = ["active = 1", "disabled_reason IS NULL"]
        args: list[Any] = []
        if name is not None:
            where.append("name = ?")
            args.append(name)
        if due_before is not None:
            where.append("(next_poll_at IS NULL OR next_poll_at <= ?)")
            args.append(due_before)
        rows = self.db.table("feeds").rows_where(" AND ".join(where), args,
                                                 order_by="next_poll_at, id")
        return [FeedRow.from_row(r) for r in rows]

    def feed_by_name(self, name: str) -> FeedRow | None:
        rows = list(self.db.table("feeds").rows_where("name = ?", [name]))
        return FeedRow.from_row(rows[0]) if rows else None

    def update_feed(self, feed_id: int, changes: dict[str, Any], log: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.table("feeds").update(feed_id, changes)
            db.table("poll_log").insert({"feed_id": feed_id, **log})

    def mark_due(self, feed_ids: Sequence[int], now: str) -> None:
        with self.transaction() as db:
            for feed_id in feed_ids:
                db.table("feeds").update(feed_id, {"next_poll_at": now})

    def recent_polls(self, since: str) -> tuple[int, int]:
        """(polls since ``since``, how many of them failed at the network): the daemon polls a
        few feeds a tick, so an outage shows over minutes, not within one cycle."""
        # A failed poll's error is "kind: message" (scheduling.after_failure); which kinds are
        # network failures is decided in Python alone (errors.CONNECTION_KINDS).
        kinds = " OR ".join("error LIKE ?" for _ in CONNECTION_KINDS)
        polled, network = self.db.execute(
            f"""SELECT count(*), coalesce(sum(outcome = 'outage' OR (outcome = 'error' AND
                       ({kinds}))), 0)
                FROM poll_log WHERE started_at >= ?""",
            [*(f"{kind}:%" for kind in CONNECTION_KINDS), since],
        ).fetchone()
        return int(polled), int(network)

    def next_due_at(self) -> str | None:
        row = self.db.execute(
            "SELECT min(next_poll_at) FROM feeds WHERE active = 1 AND disabled_reason IS NULL"
        ).fetchone()
        return row[0] if row else None

    # -- entries and articles --

    def unseen_entries(self, feed_id: int, guid_keys: Sequence[str]) -> set[str]:
        if not guid_keys:
            return set()
        seen: set[str] = set()
        for chunk_start in range(0, len(guid_keys), 500):
            chunk = list(guid_keys[chunk_start : chunk_start + 500])
            marks = ",".join("?" * len(chunk))
            seen.update(
                r[0]
                for r in self.db.execute(
                    f"SELECT guid_key FROM entries WHERE feed_id = ? AND guid_key IN ({marks})",
                    [feed_id, *chunk],
                )
            )
        return set(guid_keys) - seen

    def article_id_by_url(self, url: str) -> int | None:
        row = self.db.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def article_by_url(self, url: str) -> tuple[int, str | None, str | None] | None:
        """(id, content hash, text source) of the article stored under ``url``."""
        row = self.db.execute("SELECT id, content_hash, text_source FROM articles WHERE url = ?",
                              [url]).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def relevant_stories(self, article_id: int) -> list[str]:
        """The slugs an article's ``relevant_stories`` holds comma-joined; [] when none."""
        row = self.db.execute("SELECT relevant_stories FROM articles WHERE id = ?",
                              [article_id]).fetchone()
        return row[0].split(",") if row and row[0] else []

    def article_hash(self, article_id: int) -> str | None:
        row = self.db.execute("SELECT content_hash FROM articles WHERE id = ?",
                              [article_id]).fetchone()
        return row[0] if row else None

    def article_by_hash(self, content_hash: str) -> tuple[int, int] | None:
        """(id of the earliest article with this content hash, the root of its copy group)."""
        row = self.db.execute(
            "SELECT id, coalesce(duplicate_of, id) FROM articles WHERE content_hash = ? "
            "ORDER BY id LIMIT 1",
            [content_hash],
        ).fetchone()
        return (row[0], row[1]) if row else None

    def record_entry(self, feed_id: int, entry: dict[str, Any]) -> None:
        """Remember an entry (inside the caller's transaction) so it is never processed twice.

        An entry seen before (one waiting for a retry) gets its new state; its
        ``first_seen_at`` stays."""
        db = self._writing()
        row = {"article_id": None, "status": None, "error": None, "attempts": None,
               "retry_at": None, **entry, "feed_id": feed_id}
        columns = ("feed_id", "guid_key", "url", "title", "article_id", "first_seen_at",
                   "status", "error", "attempts", "retry_at")
        updated = [c for c in columns
                   if c not in ("feed_id", "guid_key", "first_seen_at", "article_id")]
        # An entry's article, once it has one, stays linked (a failed retry of its page
        # does not unlink the summary-only article).
        db.execute(
            f"INSERT INTO entries ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT (feed_id, guid_key) DO UPDATE SET "
            "article_id = coalesce(excluded.article_id, entries.article_id), "
            + ", ".join(f"{c} = excluded.{c}" for c in updated),
            [row.get(c) for c in columns],
        )

    def due_retries(self, feed_id: int, now: str, limit: int) -> list[dict[str, Any]]:
        """Entries of a feed whose page failed for a transient reason and whose retry is due."""
        return self.query(
            """SELECT guid_key, url, title, attempts FROM entries
               WHERE feed_id = ? AND status = 'retry' AND retry_at <= ?
               ORDER BY retry_at LIMIT ?""",
            [feed_id, now, limit],
        )

    def waiting_retries(self, feed_id: int) -> int:
        row = self.db.execute(
            "SELECT count(*) FROM entries WHERE feed_id = ? AND status = 'retry'", [feed_id]
        ).fetchone()
        return int(row[0])

    def article_source(self, article_id: int) -> str | None:
        row = self.db.execute("SELECT text_source FROM articles WHERE id = ?",
                              [article_id]).fetchone()
        return row[0] if row else None

    def update_article(self, article_id: int, changes: dict[str, Any]) -> None:
        db = self._writing()
        db.table("articles").update(article_id, changes)

    def clear_judgments(self, article_id: int, now: str) -> None:
        """Forget an article's matches and development evidence (it is about to be judged
        again). A development left with no evidence and no review goes too."""
        db = self._writing()
        developments = [r[0] for r in db.execute(
            "SELECT development_id FROM article_developments WHERE article_id = ?",
            [article_id])]
        db.execute("DELETE FROM matches WHERE article_id = ?", [article_id])
        db.execute("DELETE FROM article_developments WHERE article_id = ?", [article_id])
        for development_id in developments:
            self._refresh_development_counts(development_id, now)
            db.execute(
                """DELETE FROM developments WHERE id = ? AND article_count = 0
                   AND NOT EXISTS (SELECT 1 FROM reviews WHERE development_id = ?)""",
                [development_id, development_id])

    def insert_article(self, row: dict[str, Any]) -> int:
        return _insert_row(self._writing(), "articles", row)

    def copy_judgments(self, source_id: int, target_id: int, now: str) -> None:
        """An exact copy (same content hash) carries its original's judgments and development
        evidence: it is not judged twice, and still counts as an article reporting them."""
        db = self._writing()
        db.execute(
            """INSERT OR IGNORE INTO matches
               (article_id, claim_id, stance, score, band, evidence, source, rule, created_at)
               SELECT ?, claim_id, stance, score, band, evidence, source, rule, ? FROM matches
               WHERE article_id = ?""",
            [target_id, now, source_id],
        )
        db.execute(
            """UPDATE articles SET relevant_stories =
                   (SELECT relevant_stories FROM articles WHERE id = ?) WHERE id = ?""",
            [source_id, target_id],
        )
        developments = [r[0] for r in db.execute(
            "SELECT development_id FROM article_developments WHERE article_id = ?", [source_id])]
        db.execute(
            """INSERT OR IGNORE INTO article_developments
               (article_id, development_id, evidence, score)
               SELECT ?, development_id, evidence, score FROM article_developments
               WHERE article_id = ?""",
            [target_id, source_id],
        )
        for development_id in developments:
            self._refresh_development_counts(development_id, now)

    def insert_match(self, row: dict[str, Any]) -> None:
        _insert_row(self._writing(), "matches", row, replace=True)  # one match per (article, claim)

    def development_evidence(self, story: str,
                             except_article: int | None = None) -> list[dict[str, Any]]:
        """Every sentence filed under the story's developments: what new reports are
        clustered against. ``except_article``'s own sentences are left out (an article about
        to be judged again: its evidence is cleared before the new is written)."""
        return self.query(
            """SELECT ad.development_id, ad.evidence FROM article_developments ad
               JOIN developments d ON d.id = ad.development_id
               WHERE d.story = ? AND ad.article_id IS NOT ? ORDER BY ad.development_id""",
            [story, except_article],
        )

    def add_development_evidence(
        self, *,
        story: str,
        development_id: int | None,
        summary: str,
        article_id: int,
        evidence: str,
        score: float,
        now: str,
    ) -> int:
        """Attach a sentence to a development (creating it when ``development_id`` is None) and
        refresh its counts. Sites are counted once per syndicated group."""
        db = self._writing()
        if development_id is None:
            db.table("developments").insert(
                {
                    "story": story,
                    "summary": summary,
                    "first_seen_at": now,
                    "last_seen_at": now,
                    "article_count": 0,
                    "site_count": 0,
                }
            )
            development_id = int(db.execute("SELECT last_insert_rowid()").fetchone()[0])
        db.table("article_developments").insert(
            {
                "article_id": article_id,
                "development_id": development_id,
                "evidence": evidence,
                "score": score,
            },
            pk=("article_id", "development_id"),
            ignore=True,
        )
        self._refresh_development_counts(development_id, now)
        return development_id

    def _refresh_development_counts(self, development_id: int, now: str) -> None:
        db = self._writing()
        articles, sites = db.execute(
            """SELECT count(DISTINCT a.id),
                      count(DISTINCT coalesce(root.site, a.site, a.url))
               FROM article_developments ad
               JOIN articles a ON a.id = ad.article_id
               LEFT JOIN articles root ON root.id = a.duplicate_of
               WHERE ad.development_id = ?""",
            [development_id],
        ).fetchone()
        db.table("developments").update(
            development_id,
            {"article_count": articles, "site_count": sites, "last_seen_at": now},
        )

    # -- reads for the digest and the CLI --

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        cursor = self.db.execute(sql, params)
        cols = [d[0] for d in cursor.description]
        return [dict(zip(cols, row, strict=True)) for row in cursor.fetchall()]

    def counts(self) -> dict[str, int]:
        return {
            name: self.db.table(name).count
            for name in ("feeds", "articles", "matches", "developments", "article_developments")
        }

    # -- the digest's reads ------------------------------------------------------------------

    def day_flags(self, kind: str, start: str, end: str) -> list[FlagRow]:
        """Flags of ``kind`` found in [start, end), strongest first."""
        return _typed(FlagRow, self.query(
            """SELECT f.*, s.title AS story_title FROM flags f
               JOIN stories s ON s.slug = f.story
               WHERE f.kind = ? AND f.found_at >= ? AND f.found_at < ?
               ORDER BY f.score DESC, f.article_id""",
            [kind, start, end],
        ))

    def day_reviews(self, start: str, end: str) -> list[ReviewRow]:
        """Confirmations and contradictions below the flag threshold: for a person to check."""
        return _typed(ReviewRow, self.query(
            """SELECT m.stance, m.score, m.evidence, c.story, c.key AS claim_key,
                      c.text AS claim_text, a.id AS article_id, a.url AS article_url,
                      a.title AS article_title, a.site
               FROM matches m JOIN claims c ON c.id = m.claim_id
               JOIN articles a ON a.id = m.article_id
               WHERE m.band = 'review' AND m.stance IN ('confirms', 'contradicts')
                 AND a.fetched_at >= ? AND a.fetched_at < ?
               ORDER BY m.stance DESC, m.score DESC""",
            [start, end],
        ))

    def new_developments(self, start: str, end: str) -> list[DevelopmentRow]:
        """Developments first seen in [start, end): one seen days ago and repeated today is not
        new today."""
        return _typed(DevelopmentRow, self.query(
            """SELECT d.*, s.title AS story_title FROM live_developments d
               JOIN stories s ON s.slug = d.story
               WHERE d.first_seen_at >= ? AND d.first_seen_at < ?
               ORDER BY d.site_count DESC, d.article_count DESC, d.id""",
            [start, end],
        ))

    def claims_first_confirmed(self, start: str, end: str) -> list[FirstConfirmedRow]:
        """Claims whose first confirmation was found in [start, end)."""
        return _typed(FirstConfirmedRow, self.query(
            """SELECT story, claim_key, claim_text, min(found_at) AS first_at,
                      count(DISTINCT independent_site) AS sites
               FROM flags WHERE kind = 'confirmation'
               GROUP BY story, claim_key HAVING first_at >= ? AND first_at < ?
               ORDER BY sites DESC, claim_key""",
            [start, end],
        ))

    def development_articles(self, development_id: int) -> list[DevelopmentArticleRow]:
        return _typed(DevelopmentArticleRow, self.query(
            """SELECT a.id, a.url, a.title, a.site, ad.evidence, a.duplicate_of
               FROM article_developments ad JOIN articles a ON a.id = ad.article_id
               WHERE ad.development_id = ? ORDER BY a.fetched_at, a.id""",
            [development_id],
        ))

    def feed_problems(self) -> list[FeedProblemRow]:
        return _typed(FeedProblemRow, self.query(
            """SELECT name, url, consecutive_errors,
                      coalesce(last_error, page_error) AS last_error,
                      coalesce(last_error_at, page_error_at) AS last_error_at, last_success_at,
                      next_poll_at, disabled_reason, failing_pages
               FROM feeds
               WHERE active = 1 AND (consecutive_errors > 0 OR disabled_reason IS NOT NULL
                     OR failing_pages > 0
                     OR (last_error IS NOT NULL AND last_error_at > coalesce(last_success_at, '')))
               ORDER BY disabled_reason IS NULL, consecutive_errors DESC, failing_pages DESC,
                        name"""
        ))

    # -- the status screen and `feeds list` ----------------------------------------------------

    def feed_health(self) -> list[FeedHealthRow]:
        """Every feed row the store knows (configured or not any more), by name."""
        return _typed(FeedHealthRow, self.query(
            """SELECT id, name, url, configured_url, interval_minutes, active, last_polled_at,
                      last_success_at, next_poll_at, consecutive_errors, last_error,
                      last_error_at, disabled_reason, failing_pages, page_error
               FROM feeds ORDER BY name"""
        ))

    def activity_counts(self, start: str, end: str) -> dict[str, int]:
        """Articles found and flags (by kind) found in [start, end)."""
        articles = self.day_article_count(start, end)
        counts = {"articles": articles, "confirmation": 0, "contradiction": 0, "development": 0}
        for kind, n in self.db.execute(
            "SELECT kind, count(*) FROM flags WHERE found_at >= ? AND found_at < ? GROUP BY kind",
            [start, end],
        ):
            counts[kind] = int(n)
        return counts

    def recent_flags(self, limit: int) -> list[dict[str, Any]]:
        """The newest ``limit`` flags (by when they were found), with their story's title and,
        for a development, its summary: what the Atom feed carries."""
        return self.query(
            """SELECT f.*, s.title AS story_title, d.summary AS development_summary
               FROM flags f JOIN stories s ON s.slug = f.story
               LEFT JOIN developments d ON d.id = f.development_id
               ORDER BY f.found_at DESC, f.article_id DESC, f.kind, f.claim_key
               LIMIT ?""",
            [limit],
        )

    def claim_flag_times(self, claims: Sequence[tuple[str, str]],
                         end: str) -> list[dict[str, Any]]:
        """When each of ``claims`` ((story, claim key) pairs) was confirmed or contradicted,
        before ``end``: the digest's timelines bucket these into days."""
        if not claims:
            return []
        pairs = " OR ".join("(story = ? AND claim_key = ?)" for _ in claims)
        return self.query(
            f"""SELECT story, claim_key, kind, found_at FROM flags
                WHERE kind IN ('confirmation', 'contradiction') AND found_at < ?
                  AND ({pairs})""",
            [end, *(v for pair in claims for v in pair)],
        )

    def day_article_count(self, start: str, end: str) -> int:
        row = self.db.execute(
            "SELECT count(*) FROM articles WHERE fetched_at >= ? AND fetched_at < ?", [start, end]
        ).fetchone()
        return int(row[0])

    # -- the alert outbox ---------------------------------------------------------------------

    def queue_alert(self, alert: dict[str, Any], targets: Sequence[str],
                    now: str) -> int | None:
        """Record an alert and one pending delivery per target, inside the caller's (the
        article's) transaction. None if this flag was queued before."""
        db = self._writing()
        row = {"claim_key": None, "development_id": None, **alert}
        subject = row["claim_key"] if row["claim_key"] is not None else row["development_id"]
        row["key"] = f"{row['kind']}/{row['article_id']}/{subject}"
        cursor = db.execute(
            """INSERT OR IGNORE INTO alerts (key, kind, band, story, claim_key, development_id,
                      article_id, created_at, payload)
               VALUES (:key, :kind, :band, :story, :claim_key, :development_id, :article_id,
                       :created_at, :payload)""",
            row,
        )
        if cursor.rowcount != 1:
            return None
        alert_id = int(cursor.lastrowid or 0)
        for target in targets:
            db.execute(
                """INSERT INTO alert_deliveries (alert_id, target, status, attempts,
                          next_attempt_at) VALUES (?, ?, 'pending', 0, ?)""",
                [alert_id, target, now],
            )
        return alert_id

    def due_deliveries(self, now: str, limit: int = 50) -> list[dict[str, Any]]:
        return self.query(
            """SELECT d.alert_id, d.target, d.attempts, a.kind, a.band, a.story, a.claim_key,
                      a.development_id, a.article_id, a.created_at, a.payload
               FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id
               WHERE d.status = 'pending' AND d.next_attempt_at <= ?
               ORDER BY d.next_attempt_at, d.alert_id LIMIT ?""",
            [now, limit],
        )

    def claim_delivery(self, alert_id: int, target: str, *, claimer: str, now: str) -> bool:
        """Mark a delivery as being sent by ``claimer``; False if another sender took it."""
        with self.transaction() as db:
            cursor = db.execute(
                """UPDATE alert_deliveries SET status = 'sending', claimed_by = ?,
                          claimed_at = ?
                   WHERE alert_id = ? AND target = ? AND status = 'pending'""",
                [claimer, now, alert_id, target],
            )
            return cursor.rowcount == 1

    def finish_delivery(self, alert_id: int, target: str, *, status: str, now: str,
                        next_attempt_at: str | None = None, error: str | None = None) -> None:
        """``sent``, ``failed`` (given up), or back to ``pending`` for a retry later."""
        with self.transaction() as db:
            db.execute(
                """UPDATE alert_deliveries SET status = ?, attempts = attempts + 1,
                          sent_at = CASE WHEN ? = 'sent' THEN ? END,
                          next_attempt_at = coalesce(?, next_attempt_at), last_error = ?,
                          claimed_by = NULL, claimed_at = NULL
                   WHERE alert_id = ? AND target = ?""",
                [status, status, now, next_attempt_at, error, alert_id, target],
            )

    def sending_deliveries(self) -> list[dict[str, Any]]:
        return self.query(
            """SELECT alert_id, target, claimed_by, claimed_at FROM alert_deliveries
               WHERE status = 'sending'"""
        )

    def release_delivery(self, alert_id: int, target: str, claimed_by: str) -> None:
        """A claim whose sender died: pending again (it may have reached the target)."""
        with self.transaction() as db:
            db.execute(
                """UPDATE alert_deliveries SET status = 'pending', claimed_by = NULL,
                          claimed_at = NULL
                   WHERE alert_id = ? AND target = ? AND status = 'sending'
                     AND claimed_by = ?""",
                [alert_id, target, claimed_by],
            )

    def drop_deliveries(self, targets_kept: Sequence[str]) -> int:
        """Deliveries to targets no longer configured: never sent (marked failed)."""
        marks = ",".join("?" * len(targets_kept)) or "''"
        with self.transaction() as db:
            cursor = db.execute(
                f"""UPDATE alert_deliveries SET status = 'failed',
                           last_error = 'target no longer configured'
                    WHERE status IN ('pending', 'sending') AND target NOT IN ({marks})""",
                list(targets_kept),
            )
            return cursor.rowcount

    def delivery_counts(self) -> dict[str, int]:
        counts = {"pending": 0, "sending": 0, "sent": 0, "failed": 0}
        if "alert_deliveries" not in self.db.table_names():
            return counts
        for status, n in self.db.execute(
            "SELECT status, count(*) FROM alert_deliveries GROUP BY status"
        ):
            counts[status] = int(n)
        return counts

    # -- people's decisions ------------------------------------------------------------------

    def add_claim(self, story: str, key: str, text: str, *, source: str, now: str) -> int:
        """Track a new claim from now on. StoreError if the story is unknown or the key taken."""
        with self.transaction() as db:
            if not list(db.table("stories").rows_where("slug = ?", [story])):
                raise StoreError(f"no story {story!r} in the store (run a poll once first?)")
            if self._claim_row(story, key) is not None:
                raise StoreError(f"story {story!r} already has a claim with key {key!r}")
            db.table("claims").insert({"story": story, "key": key, "text": text, "source": source,
                                 "created_at": now, "active": 1})
            return int(db.execute("SELECT last_insert_rowid()").fetchone()[0])

    def development(self, development_id: int) -> dict[str, Any] | None:
        rows = list(self.db.table("developments").rows_where("id = ?", [development_id]))
        return rows[0] if rows else None

    def record_review(self, *, target: str, verdict: str, reviewer: str, now: str,
                      note: str | None = None, article_id: int | None = None,
                      claim_key: str | None = None, development_id: int | None = None) -> int:
        """Record a person's verdict on a match (article + claim) or a development. The latest
        verdict wins; nothing is deleted, so the decision and its history are kept."""
        with self.transaction() as db:
            claim_id = None
            if target == "match":
                found = db.execute(
                    """SELECT m.claim_id FROM matches m JOIN claims c ON c.id = m.claim_id
                       WHERE m.article_id = ? AND c.key = ?""", [article_id, claim_key]
                ).fetchall()
                if not found:
                    raise StoreError(f"article {article_id} has no match for claim {claim_key!r}")
                if len(found) > 1:
                    raise StoreError(f"claim key {claim_key!r} is ambiguous across stories")
                claim_id = found[0][0]
            elif self.development(development_id or -1) is None:
                raise StoreError(f"no development {development_id}")
            db.table("reviews").insert({
                "target": target, "article_id": article_id, "claim_id": claim_id,
                "development_id": development_id, "verdict": verdict, "reviewer": reviewer,
                "reviewed_at": now, "note": note,
            })
            return int(db.execute("SELECT last_insert_rowid()").fetchone()[0])

    def claim_ledger(self) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM claim_ledger ORDER BY story, claim_id")


_F = TypeVar("_F", bound=Callable[..., Any])


def _wrapping_sqlite_errors(method: _F) -> _F:
    """``method`` with every ``sqlite3.Error`` it raises turned into a StoreError."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as e:
            raise StoreError(f"the store failed in {method.__name__}: {e}") from e

    return wrapper  # type: ignore[return-value]


def _guard_store_boundary(cls: type[Store]) -> None:
    """Wrap every public method of ``cls`` (the boundary): ``transaction`` wraps its own."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or name == "transaction":
            continue
        if isinstance(member, classmethod):
            setattr(cls, name, classmethod(_wrapping_sqlite_errors(member.__func__)))
        elif inspect.isfunction(member):
            setattr(cls, name, _wrapping_sqlite_errors(member))


_guard_store_boundary(Store)

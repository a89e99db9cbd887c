"""The store's schema: sqlite-utils migrations, applied in order and recorded by name
(the names and their order never change: existing stores know them), and the views."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

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
    from ..ingesting.dedupe import SyndicationIndex

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
    from ..ingesting.dedupe import SyndicationIndex

    index = SyndicationIndex(db)
    index.ensure_tables()
    texts = db.execute("SELECT id, text FROM articles ORDER BY id")
    index.rebuild((article_id, text or "") for article_id, text in texts)


@migrations()
def m008_pending_developments(db: sqlite_utils.Database) -> None:
    """Sentences of on-story articles that do not name the story and joined no development
    when they came (``joins_only``): kept, to join a development that others open later."""
    db.table("pending_developments").create(
        {"article_id": int, "story": str, "evidence": str, "score": float,
         "created_at": str},
        pk=("article_id", "story", "evidence"),
        foreign_keys=[("article_id", "articles", "id"), ("story", "stories", "slug")],
    )
    db.table("pending_developments").create_index(["story"])


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

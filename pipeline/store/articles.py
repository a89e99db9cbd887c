"""Entries and articles in the store: what was seen, what was stored, what waits for a retry."""

from __future__ import annotations

from collections.abc import Sequence

from .base import StoreBase, _insert_row
from .rows import ArticleText, EntryRecord, NewArticle, RetryEntryRow, _plain, _typed

# An entry's columns, in the order ``record_entry`` writes them.
_ENTRY_COLUMNS = ("feed_id", "guid_key", "url", "title", "article_id", "first_seen_at",
                  "status", "error", "attempts", "retry_at")
# What a later record of the same entry changes: its link and when it was first seen stay.
_ENTRY_UPDATED = tuple(c for c in _ENTRY_COLUMNS
                       if c not in ("feed_id", "guid_key", "first_seen_at", "article_id"))


def _joined(slugs: tuple[str, ...]) -> str | None:
    """Story slugs as the ``relevant_stories`` column holds them: comma-joined (a slug has
    no comma: ``config._SLUG``), NULL for none."""
    return ",".join(slugs) or None


class ArticlesStore(StoreBase):
    """Feed entries and the articles they lead to."""

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

    def record_entry(self, feed_id: int, entry: EntryRecord) -> None:
        """Remember an entry (inside the caller's transaction) so it is never processed twice.

        An entry seen before (one waiting for a retry) gets its new state; its
        ``first_seen_at`` stays."""
        db = self._writing()
        row = {**_plain(entry), "feed_id": feed_id}
        # An entry's article, once it has one, stays linked (a failed retry of its page
        # does not unlink the summary-only article).
        db.execute(
            f"INSERT INTO entries ({', '.join(_ENTRY_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(_ENTRY_COLUMNS))}) "
            f"ON CONFLICT (feed_id, guid_key) DO UPDATE SET "
            "article_id = coalesce(excluded.article_id, entries.article_id), "
            + ", ".join(f"{c} = excluded.{c}" for c in _ENTRY_UPDATED),
            [row[c] for c in _ENTRY_COLUMNS],
        )

    def due_retries(self, feed_id: int, now: str, limit: int) -> list[RetryEntryRow]:
        """Entries of a feed whose page failed for a transient reason and whose retry is due."""
        return _typed(RetryEntryRow, self.query(
            """SELECT guid_key, url, title, attempts FROM entries
               WHERE feed_id = ? AND status = 'retry' AND retry_at <= ?
               ORDER BY retry_at LIMIT ?""",
            [feed_id, now, limit],
        ))

    def waiting_retries(self, feed_id: int) -> int:
        row = self.db.execute(
            "SELECT count(*) FROM entries WHERE feed_id = ? AND status = 'retry'", [feed_id]
        ).fetchone()
        return int(row[0])

    def article_source(self, article_id: int) -> str | None:
        row = self.db.execute("SELECT text_source FROM articles WHERE id = ?",
                              [article_id]).fetchone()
        return row[0] if row else None

    def update_article(self, article_id: int, text: ArticleText) -> None:
        """Give a stored article its new text, inside the caller's (the article's)
        transaction; its URL, site, feed and when it was fetched stay."""
        db = self._writing()
        db.table("articles").update(article_id, {
            **_plain(text), "relevant_stories": _joined(text.relevant_stories)})

    def insert_article(self, article: NewArticle) -> int:
        """Store an article, inside the caller's transaction; its id."""
        return _insert_row(self._writing(), "articles", {
            **_plain(article), "relevant_stories": _joined(article.relevant_stories)})

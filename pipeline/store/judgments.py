"""Judgments in the store: an article's matches against claims and its development evidence."""

from __future__ import annotations

from .base import StoreBase, _insert_row
from .rows import EvidenceRow, NewMatch, PendingRow, _plain, _typed


class JudgmentsStore(StoreBase):
    """Matches and developments written for an article."""

    def clear_judgments(self, article_id: int, now: str) -> None:
        """Forget an article's matches and development evidence (it is about to be judged
        again). A development left with no evidence and no review goes too."""
        db = self._writing()
        developments = [r[0] for r in db.execute(
            "SELECT development_id FROM article_developments WHERE article_id = ?",
            [article_id])]
        db.execute("DELETE FROM matches WHERE article_id = ?", [article_id])
        db.execute("DELETE FROM article_developments WHERE article_id = ?", [article_id])
        db.execute("DELETE FROM pending_developments WHERE article_id = ?", [article_id])
        for development_id in developments:
            self._refresh_development_counts(development_id, now)
            db.execute(
                """DELETE FROM developments WHERE id = ? AND article_count = 0
                   AND NOT EXISTS (SELECT 1 FROM reviews WHERE development_id = ?)""",
                [development_id, development_id])

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
        db.execute(
            """INSERT OR IGNORE INTO pending_developments
               (article_id, story, evidence, score, created_at)
               SELECT ?, story, evidence, score, ? FROM pending_developments
               WHERE article_id = ?""",
            [target_id, now, source_id],
        )

    def insert_match(self, match: NewMatch) -> None:
        """Store an article's judgment on a claim, inside the caller's transaction."""
        # One match per (article, claim): a new judgment replaces the old.
        _insert_row(self._writing(), "matches", _plain(match), replace=True)

    def development_evidence(self, story: str,
                             except_article: int | None = None) -> list[EvidenceRow]:
        """Every sentence filed under the story's developments: what new reports are
        clustered against. ``except_article``'s own sentences are left out (an article about
        to be judged again: its evidence is cleared before the new is written)."""
        return _typed(EvidenceRow, self.query(
            """SELECT ad.development_id, ad.evidence FROM article_developments ad
               JOIN developments d ON d.id = ad.development_id
               WHERE d.story = ? AND ad.article_id IS NOT ? ORDER BY ad.development_id""",
            [story, except_article],
        ))

    def pending_developments(self, story: str, except_article: int | None = None, *,
                             since: str = "") -> list[PendingRow]:
        """The story's sentences waiting for a development to join (oldest first), stored
        ``since`` then, but ``except_article``'s own (an article about to be judged again)."""
        return _typed(PendingRow, self.query(
            """SELECT article_id, evidence, score FROM pending_developments
               WHERE story = ? AND article_id IS NOT ? AND created_at >= ?
               ORDER BY article_id, rowid""",
            [story, except_article, since],
        ))

    def add_pending_development(self, *, story: str, article_id: int, evidence: str,
                                score: float, now: str, forget_before: str = "") -> None:
        """Keep a sentence that joined no development and may not open one, for later; the
        story's sentences stored before ``forget_before`` have waited long enough and go."""
        db = self._writing()
        db.execute("DELETE FROM pending_developments WHERE story = ? AND created_at < ?",
                   [story, forget_before])
        db.table("pending_developments").insert(
            {"article_id": article_id, "story": story, "evidence": evidence, "score": score,
             "created_at": now},
            pk=("article_id", "story", "evidence"),
            ignore=True,
        )

    def adopt_pending_development(self, *, story: str, article_id: int, evidence: str,
                                  development_id: int, now: str) -> None:
        """File a waiting sentence under the development it reports, opened since."""
        db = self._writing()
        key = [article_id, story, evidence]
        row = db.execute(
            """SELECT score FROM pending_developments WHERE article_id = ? AND story = ?
               AND evidence = ?""", key).fetchone()
        if row is None:
            return
        db.execute("""DELETE FROM pending_developments WHERE article_id = ? AND story = ?
                      AND evidence = ?""", key)
        db.table("article_developments").insert(
            {"article_id": article_id, "development_id": development_id,
             "evidence": evidence, "score": row[0]},
            pk=("article_id", "development_id"),
            ignore=True,
        )
        self._refresh_development_counts(development_id, now)

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

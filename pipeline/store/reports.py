"""What the outputs read: the digest's day, the Atom feed's flags, the status counts."""

from __future__ import annotations

from collections.abc import Sequence

from .base import StoreBase
from .rows import (
    DevelopmentArticleRow,
    DevelopmentRow,
    FirstConfirmedRow,
    FlagRow,
    FlagTimeRow,
    RecentFlagRow,
    ReviewRow,
    _typed,
)


class ReportsStore(StoreBase):
    """Reads for the digest, the Atom feed and the status screen."""

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

    def recent_flags(self, limit: int) -> list[RecentFlagRow]:
        """The newest ``limit`` flags (by when they were found), with their story's title and,
        for a development, its summary: what the Atom feed carries."""
        return _typed(RecentFlagRow, self.query(
            """SELECT f.*, s.title AS story_title, d.summary AS development_summary
               FROM flags f JOIN stories s ON s.slug = f.story
               LEFT JOIN developments d ON d.id = f.development_id
               ORDER BY f.found_at DESC, f.article_id DESC, f.kind, f.claim_key
               LIMIT ?""",
            [limit],
        ))

    def claim_flag_times(self, claims: Sequence[tuple[str, str]],
                         end: str) -> list[FlagTimeRow]:
        """When each of ``claims`` ((story, claim key) pairs) was confirmed or contradicted,
        before ``end``: the digest's timelines bucket these into days."""
        if not claims:
            return []
        pairs = " OR ".join("(story = ? AND claim_key = ?)" for _ in claims)
        return _typed(FlagTimeRow, self.query(
            f"""SELECT story, claim_key, kind, found_at FROM flags
                WHERE kind IN ('confirmation', 'contradiction') AND found_at < ?
                  AND ({pairs})""",
            [end, *(v for pair in claims for v in pair)],
        ))

    def day_article_count(self, start: str, end: str) -> int:
        row = self.db.execute(
            "SELECT count(*) FROM articles WHERE fetched_at >= ? AND fetched_at < ?", [start, end]
        ).fetchone()
        return int(row[0])

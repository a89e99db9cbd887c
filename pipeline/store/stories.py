"""Stories and claims in the store, and people's decisions about them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..errors import StoreError
from ..records import Claim, Story
from .base import StoreBase
from .rows import LedgerRow, StoredDevelopmentRow, StoryRow, _typed


class StoriesStore(StoreBase):
    """Stories, their claims, and people's decisions (claims added, reviews)."""

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

    def development(self, development_id: int) -> StoredDevelopmentRow | None:
        rows = _typed(StoredDevelopmentRow, self.query(
            "SELECT id, story, summary FROM developments WHERE id = ?", [development_id]))
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

    def claim_ledger(self) -> list[LedgerRow]:
        """Every tracked claim's state, as Datasette's ``claim_ledger`` view shows it."""
        return _typed(LedgerRow, self.query(
            "SELECT * FROM claim_ledger ORDER BY story, claim_id"))

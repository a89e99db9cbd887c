"""The digest renders untrusted titles and links safely, in the promised order."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

from pipeline.outputs.digest import (
    build_digest,
    md_escape,
    render_html,
    render_json,
    render_markdown,
    write_digest,
)
from pipeline.store import NewArticle, NewMatch, Store
from tests.conftest import DIGEST_STORY

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DAY = date(2026, 3, 2)
STORY = DIGEST_STORY


def add_article(store: Store, url: str, title: str, site: str, *, found: str,
                duplicate_of: int | None = None) -> int:
    with store.transaction():
        return store.insert_article(NewArticle(url=url, title=title, site=site,
                                               fetched_at=found, text="t", content_hash=url,
                                               duplicate_of=duplicate_of))


def add_match(store: Store, article: int, key: str, stance: str, band: str = "flag",
              evidence: str = "e") -> None:
    claim_id = {c.key: c.id for c in store.story_with_claims(STORY).claims}[key]
    assert claim_id is not None
    with store.transaction():
        store.insert_match(NewMatch(article_id=article, claim_id=claim_id, stance=stance,
                                    score=0.9, band=band, evidence=evidence, created_at="x"))


def test_order_escaping_and_counts(store: Store, tmp_path: Path) -> None:
    evil = '<img src=x onerror=alert(1)> [click](javascript:alert(1))'
    a1 = add_article(store, "javascript:alert(1)", evil, "evil.example",
                     found="2026-03-02T09:00:00Z")
    a2 = add_article(store, "https://b.example/x", "B story", "b.example",
                     found="2026-03-02T10:00:00Z")
    a3 = add_article(store, "https://c.example/x", "C copy", "c.example",
                     found="2026-03-02T11:00:00Z", duplicate_of=a2)
    a4 = add_article(store, "https://d.example/x", "Yesterday", "d.example",
                     found="2026-03-01T10:00:00Z")
    add_match(store, a1, "value", "contradicts", evidence="It is worth $450 million.")
    add_match(store, a2, "first", "confirms")
    add_match(store, a3, "first", "confirms")
    add_match(store, a4, "value", "confirms")
    add_match(store, a2, "value", "contradicts", band="review")
    with store.transaction():
        store.add_development_evidence(story="s", development_id=None,
                                       summary="Acme was designated a risk.", article_id=a2,
                                       evidence="Acme was designated a risk.", score=0.5,
                                       now="2026-03-02T10:00:00Z")
    digest = build_digest(store, DAY, "UTC", now=NOW)
    assert [c.claim_key for c in digest.contradictions] == ["value"]
    (group,) = digest.confirmations
    assert group.claim_key == "first" and group.sites == 1  # the copy is not another site
    assert len(digest.reviews) == 1 and digest.developments[0].site_count == 1
    assert [g.claim_key for g in digest.newly_confirmed] == ["first"]

    md = render_markdown(digest)
    assert md.index("## What changed") < md.index("## Contradictions") < md.index(
        "## New developments") < md.index("## Confirmations") < md.index("## Needs review")
    assert "](<javascript" not in md  # never a link
    assert re.search(r"(?<!\\)<img", md) is None  # only ever escaped

    html = render_html(digest)
    assert "<img" not in html and "&lt;img" in html
    assert 'href="javascript' not in html
    assert 'href="https://b.example/x"' in html

    data = json.loads(render_json(digest))
    assert data["contradictions"][0]["article"]["url"] is None
    paths = write_digest(digest, tmp_path / "digests")
    assert sorted(p.name for p in paths) == ["2026-03-02.html", "2026-03-02.json",
                                             "2026-03-02.md"]
    assert not list((tmp_path / "digests").glob("*.tmp"))


def test_empty_day_says_so(store: Store) -> None:
    digest = build_digest(store, DAY, "UTC", now=NOW)
    assert digest.empty
    assert "Nothing new today" in render_markdown(digest)
    assert "Nothing new today" in render_html(digest)


def test_review_marks_hide_flags(store: Store) -> None:
    a = add_article(store, "https://b.example/y", "B", "b.example", found="2026-03-02T09:00:00Z")
    add_match(store, a, "value", "contradicts")
    assert len(build_digest(store, DAY, "UTC", now=NOW).contradictions) == 1
    store.record_review(target="match", verdict="wrong", reviewer="ed", now="n", article_id=a,
                        claim_key="value")
    assert build_digest(store, DAY, "UTC", now=NOW).contradictions == ()
    ledger = {r.claim_key: r for r in store.claim_ledger()}
    assert ledger["value"].state == "unconfirmed"
    store.record_review(target="match", verdict="right", reviewer="ed", now="n", article_id=a,
                        claim_key="value")
    assert len(build_digest(store, DAY, "UTC", now=NOW).contradictions) == 1
    assert {r.claim_key: r for r in store.claim_ledger()}["value"].state == "contested"


def test_markdown_escape() -> None:
    assert md_escape("[x](y) *b* <i>") == r"\[x\]\(y\) \*b\* \<i\>"


def test_a_development_first_seen_yesterday_is_not_new_today(store: Store) -> None:
    old = add_article(store, "https://a.example/1", "A", "a.example", found="2026-03-01T09:00:00Z")
    new = add_article(store, "https://b.example/1", "B", "b.example", found="2026-03-02T09:00:00Z")
    with store.transaction():
        dev = store.add_development_evidence(story="s", development_id=None,
                                             summary="Acme was sued.", article_id=old,
                                             evidence="Acme was sued.", score=0.5,
                                             now="2026-03-01T09:00:00Z")
        store.add_development_evidence(story="s", development_id=dev, summary="",
                                       article_id=new, evidence="A suit hit Acme.", score=0.5,
                                       now="2026-03-02T09:00:00Z")
    assert build_digest(store, DAY, "UTC", now=NOW).developments == ()
    (row,) = store.query("SELECT * FROM developments")
    assert row["site_count"] == 2 and row["last_seen_at"] == "2026-03-02T09:00:00Z"
    yesterday = build_digest(store, date(2026, 3, 1), "UTC", now=NOW)
    assert [d.id for d in yesterday.developments] == [dev]


def test_a_development_marked_wrong_leaves_the_digest(store: Store) -> None:
    a = add_article(store, "https://a.example/2", "A", "a.example", found="2026-03-02T09:00:00Z")
    with store.transaction():
        dev = store.add_development_evidence(story="s", development_id=None,
                                             summary="Acme moved.", article_id=a,
                                             evidence="Acme moved.", score=0.5,
                                             now="2026-03-02T09:00:00Z")
    store.record_review(target="development", verdict="wrong", reviewer="ed", now="n",
                        development_id=dev)
    assert build_digest(store, DAY, "UTC", now=NOW).developments == ()
    assert store.query("SELECT count(*) AS n FROM flags WHERE kind = 'development'")[0]["n"] == 0

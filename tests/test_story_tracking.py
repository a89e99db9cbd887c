"""Story tracking through the real ingestion path (extraction, de-duplication, judgment, store):
syndicated copies are linked and counted once, one development reported in different words is
one development on two sites, background is not news, and the digest leads with what changed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.config import FeedConfig, load_story
from pipeline.fetching.feeds import FeedEntry
from pipeline.fetching.urls import site_of
from pipeline.ingesting.dedupe import is_copy
from pipeline.ingesting.extract import extract_page
from pipeline.ingesting.ingest import Ingestor, Prepared
from pipeline.judging.stance import StanceModel
from pipeline.outputs.digest import build_digest, render_markdown
from pipeline.records import Article
from pipeline.store import Store

REPO = Path(__file__).resolve().parent.parent
STORY_DATA = REPO / "tests" / "data" / "story"
SYNDICATION = REPO / "tests" / "data" / "syndication"
NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


@pytest.fixture
def tracked(tmp_path: Path, model: StanceModel):
    story = load_story(REPO / "config" / "stories" / "pentagon-anthropic.toml")
    store = Store.open(tmp_path / "s.db")
    stories = store.sync_stories([story], now="2026-03-01T00:00:00Z")
    ingestor = Ingestor(store, stories, model, clock=lambda: NOW)
    yield store, ingestor
    store.close()


def page(name: str) -> Article:
    manifest = {m["file"]: m for m in json.loads((STORY_DATA / "manifest.json").read_text())}
    url = manifest[name]["canonical"]
    extracted = extract_page((STORY_DATA / name).read_bytes(), url)
    return Article(url=url, title=extracted.title or name, text=extracted.text,
                   site=site_of(url))


def text(name: str, url: str) -> Article:
    body = (SYNDICATION / name).read_text(encoding="utf-8")
    return Article(url=url, title=body.split("\n", 1)[0], text=body, site=site_of(url))


def put(ingestor: Ingestor, article: Article):
    return ingestor.store_prepared(Prepared(entry_url=article.url, article=article,
                                            text_source="page"), feed_id=None, entry=None)


def test_syndicated_copies_link_to_the_original_and_nothing_else(tracked) -> None:
    store, ingestor = tracked
    put(ingestor, text("wire.txt", "https://wire.example/transit-budget"))
    for i, name in enumerate(["copy_trimmed.txt", "copy_extra.txt", "copy_new_lede.txt",
                              "different_harbor_city_drivers.txt",
                              "different_port_ellis_budget.txt"]):
        put(ingestor, text(name, f"https://site{i}.example/story"))
    rows = {r["url"]: r["duplicate_of"] for r in store.query("SELECT url, duplicate_of FROM "
                                                              "articles")}
    wire = store.article_id_by_url("https://wire.example/transit-budget")
    assert rows["https://wire.example/transit-budget"] is None
    assert [rows[f"https://site{i}.example/story"] for i in range(3)] == [wire] * 3
    assert rows["https://site3.example/story"] is None
    assert rows["https://site4.example/story"] is None


def test_an_upgraded_article_is_no_copy_through_its_own_summary(tracked) -> None:
    """A feed summary that copies most of a wire story is stored as its copy; when the page
    arrives (at a retry) and is its own report that only quotes that summary, the lookup must
    not match the article's own indexed summary and inherit the wire story as its root."""
    store, ingestor = tracked
    wire = (SYNDICATION / "wire.txt").read_text(encoding="utf-8")
    put(ingestor, Article(url="https://wire.example/w", title="Wire", text=wire,
                          site="wire.example"))
    wire_id = store.article_id_by_url("https://wire.example/w")
    summary = " ".join(wire.split()[:80] + (SYNDICATION / "different_port_ellis_budget.txt")
                       .read_text(encoding="utf-8").split()[:40])
    own = "\n\n".join((SYNDICATION / name).read_text(encoding="utf-8") for name in
                       ("different_harbor_city_drivers.txt", "different_port_ellis_budget.txt"))
    page_text = summary + "\n\n" + own
    assert is_copy(summary, wire) and is_copy(page_text, summary)
    assert not is_copy(page_text, wire)  # the page is no copy of the wire story

    url = "https://local.example/report"
    store.sync_feeds([FeedConfig(name="local", url="https://local.example/feed")],
                     now="2026-03-01T00:00:00Z")
    feed_id = store.feeds()[0].id

    def ingest(text: str, source: str, attempts: int) -> None:
        entry = FeedEntry(guid_key="r", url=url, title="Report", summary=summary,
                          published_at=None, author=None, attempts=attempts)
        article = Article(url=url, title="Report", text=text, site="local.example")
        failed = source == "feed_summary"
        ingestor.store_prepared(
            Prepared(entry_url=url, article=article, text_source=source,
                     fetch_error="http_503: busy" if failed else None, retryable=failed),
            feed_id=feed_id, entry=entry)

    ingest(summary, "feed_summary", 0)
    report_id = store.article_id_by_url(url)
    assert store.query("SELECT duplicate_of FROM articles WHERE id = ?",
                       [report_id]) == [{"duplicate_of": wire_id}]
    ingest(page_text, "page", 1)
    (row,) = store.query("SELECT text_source, duplicate_of FROM articles WHERE id = ?",
                         [report_id])
    assert row == {"text_source": "page", "duplicate_of": None}
    # The syndication index agrees: the article is the root of its own group.
    assert store.query("SELECT root_id FROM dedupe_shingles WHERE article_id = ?",
                       [report_id]) == [{"root_id": report_id}]


def test_same_development_in_other_words_is_one_development_on_two_sites(tracked) -> None:
    store, ingestor = tracked
    first = page("development-supply-chain-a.html")
    put(ingestor, first)
    put(ingestor, page("development-supply-chain-b.html"))
    shared = store.query(
        "SELECT d.id, d.site_count, d.article_count, d.summary FROM developments d "
        "WHERE (SELECT count(*) FROM article_developments ad "
        "       WHERE ad.development_id = d.id) = 2")
    assert len(shared) == 1, store.query("SELECT * FROM article_developments")
    (dev,) = shared
    assert dev["site_count"] == 2 and dev["article_count"] == 2
    # Summed up by the sentence of the first report (both pages spell it with a hyphen).
    assert "“supply-chain risk,”" in dev["summary"] and dev["summary"] in first.text


def test_background_only_article_reports_no_development(tracked) -> None:
    store, ingestor = tracked
    report = put(ingestor, page("background-only.html"))
    assert report.relevant == 1
    assert store.query("SELECT count(*) AS n FROM article_developments")[0]["n"] == 0


def test_off_topic_article_sharing_keywords_is_not_judged(tracked) -> None:
    store, ingestor = tracked
    report = put(ingestor, page("offtopic-keywords.html"))
    assert report.stored == 1 and report.relevant == 0 and report.flags == 0
    assert store.query("SELECT count(*) AS n FROM matches")[0]["n"] == 0


def test_a_syndicated_copy_does_not_add_a_confirming_site(tracked) -> None:
    store, ingestor = tracked
    original = page("confirmation.html")
    put(ingestor, original)
    copy = Article(url="https://reprints.example/pentagon-anthropic",
                   title="Reprinted: " + original.title,
                   text=original.text + "\n\nThis story was first published by Harbor Wire.",
                   site="reprints.example")
    put(ingestor, copy)
    copy_row = store.query("SELECT duplicate_of FROM articles WHERE url = ?", [copy.url])[0]
    assert copy_row["duplicate_of"] == store.article_id_by_url(original.url)
    ledger = {r.claim_key: r for r in store.claim_ledger()}
    confirmed = [r for r in ledger.values() if r.confirmations]
    assert confirmed, "the confirmation article confirms at least one claim"
    for row in confirmed:
        assert row.confirming_sites == 1, row  # two articles, one independent site


def test_digest_leads_with_what_changed(tracked) -> None:
    store, ingestor = tracked
    for name in ("contradiction-contract.html", "development-supply-chain-a.html",
                 "development-supply-chain-b.html", "confirmation.html"):
        put(ingestor, page(name))
    md = render_markdown(build_digest(store, NOW.date(), "UTC", now=NOW))
    assert md.index("## What changed") < md.index("## Contradictions")
    what_changed = md.split("## What changed")[1].split("## Contradictions")[0]
    assert "`contract-value`" in what_changed
    assert "new development" in what_changed

"""The Atom feed of flags: valid for feedparser whatever the titles hold, newest 200, stable ids,
hostile text inert."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import lxml.html

from pipeline.outputs.atom import ATOM_NS, LIMIT, write_feed
from pipeline.store import Store
from tests.test_digest import add_article, add_match

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HOSTILE = ('<script>alert(1)</script><img src=x onerror=alert(2)> ]]> &amp; &nbsp; '
           '\x00\x08\x1b\ufffe "quoted" \u202eevil')


def add_development(store: Store, article: int, sentence: str) -> None:
    with store.transaction():
        store.add_development_evidence(story="s", development_id=None, summary=sentence,
                                       article_id=article, evidence=sentence, score=0.8,
                                       now="2026-03-02T10:00:00Z")


def parse(path: Path):
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_hostile_titles_are_inert_and_the_feed_stays_valid(store: Store, tmp_path: Path) -> None:
    evil = add_article(store, "javascript:alert(1)", HOSTILE, HOSTILE,
                       found="2026-03-02T09:00:00Z")
    good = add_article(store, "https://news.example/a?x=1&y=<2>", "Plain title", "news.example",
                       found="2026-03-02T10:00:00Z")
    add_match(store, evil, "value", "contradicts", evidence=HOSTILE)
    add_match(store, good, "first", "confirms", evidence="Acme was first, it said.")
    add_development(store, good, "Acme said on Monday it would appeal " + HOSTILE)
    add_match(store, good, "value", "contradicts", band="review")  # not a flag: not in feed

    path = write_feed(store, tmp_path / "flags.atom", now=NOW, title="claimwatch flags: Story")
    parsed = parse(path)
    assert parsed.version == "atom10"
    assert len(parsed.entries) == 3
    kinds = sorted(t.term for e in parsed.entries for t in e.tags if t.term != "s")
    assert kinds == ["confirmation", "contradiction", "development"]

    root = ET.parse(path).getroot()
    for entry in root.iter(f"{{{ATOM_NS}}}entry"):
        title = entry.find(f"{{{ATOM_NS}}}title")
        # Markup in it is shown as text, never rendered.
        assert title is not None and title.get("type") == "text"
        content = entry.find(f"{{{ATOM_NS}}}content")
        assert content is not None and content.get("type") == "html"
        body = lxml.html.fragment_fromstring(content.text, create_parent="div")
        assert not body.xpath("//script | //img"), content.text
        assert all(not attr.startswith("on") for el in body.iter() for attr in el.attrib)
        assert all(a.get("href", "").startswith("https://") for a in body.iter("a"))
    by_kind = {t.term: e for e in parsed.entries for t in e.tags}
    hostile = by_kind["contradiction"]
    assert "<script>alert(1)</script>" in hostile.title  # kept, as text
    assert "link" not in hostile or not hostile.link.startswith("javascript")
    assert by_kind["confirmation"].link == "https://news.example/a?x=1&y=<2>"
    assert "Acme was first" in by_kind["confirmation"].summary


def test_newest_200_with_stable_ids(store: Store, tmp_path: Path) -> None:
    for i in range(LIMIT + 30):
        article = add_article(store, f"https://s{i}.example/a", f"T{i}", f"s{i}.example",
                              found=f"2026-03-02T{i // 60:02d}:{i % 60:02d}:00Z")
        add_match(store, article, "value", "contradicts", evidence=f"worth ${i} million")
    path = write_feed(store, tmp_path / "flags.atom", now=NOW, title="t")
    first = parse(path)
    assert len(first.entries) == LIMIT
    assert first.entries[0].title.endswith("(T229)")  # newest first
    assert first.entries[-1].title.endswith("(T30)")
    assert first.feed.updated == "2026-03-02T03:49:00Z"
    again = parse(write_feed(store, path, now=NOW, title="t"))
    assert [e.id for e in again.entries] == [e.id for e in first.entries]
    assert len({e.id for e in first.entries}) == LIMIT


def test_an_empty_store_gives_a_valid_empty_feed(store: Store, tmp_path: Path) -> None:
    parsed = parse(write_feed(store, tmp_path / "sub" / "flags.atom", now=NOW, title="t"))
    assert parsed.entries == [] and parsed.feed.updated == "2026-03-02T12:00:00Z"

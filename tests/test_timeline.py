"""The digest's per-claim timelines: days bucketed in the digest's time zone, a month at most,
an inline SVG that requests nothing, and a text strip for Markdown."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import lxml.html

from pipeline.outputs.digest import build_digest, render_html, render_markdown
from pipeline.outputs.timeline import MAX_DAYS, SVG_NS, build_timelines, svg, text_strip
from pipeline.store import FlagTimeRow, Store
from tests.test_digest import NOW, add_article, add_match

DAY = date(2026, 3, 2)


def row(kind: str, found_at: str, key: str = "value") -> FlagTimeRow:
    return FlagTimeRow(story="s", claim_key=key, kind=kind, found_at=found_at)


def test_days_are_local_and_counted_per_kind() -> None:
    rows = [row("confirmation", "2026-02-27T10:00:00Z"),
            row("confirmation", "2026-02-27T23:30:00Z"),  # 28 Feb in Berlin
            row("contradiction", "2026-03-02T08:00:00Z"),
            row("confirmation", "2026-03-02T09:00:00Z")]
    (t,) = build_timelines(rows, [("s", "value")], day=DAY, tz="Europe/Berlin",
                           story_start={"s": date(2026, 2, 26)})
    assert t.first_day == "2026-02-26" and t.days == 5
    assert t.confirmations == (0, 1, 1, 0, 1) and t.contradictions == (0, 0, 0, 0, 1)
    assert text_strip(t) == ".++.#"
    assert t.summary == "3 confirmations, 1 contradiction over 5 days (since 26 Feb)"


def test_an_old_story_shows_its_last_month() -> None:
    rows = [row("confirmation", "2025-01-01T00:00:00Z"), row("contradiction",
                                                             "2026-03-01T12:00:00Z")]
    (t,) = build_timelines(rows, [("s", "value")], day=DAY, tz="UTC",
                           story_start={"s": date(2024, 1, 1)})
    assert t.clipped and t.days == MAX_DAYS and t.total_confirmations == 0
    assert text_strip(t).endswith("x.") and "in the last 31 days" in t.summary


def test_svg_is_self_contained() -> None:
    key = 'k"><script>x</script>'
    (t,) = build_timelines([row("confirmation", "2026-03-01T12:00:00Z", key),
                            row("contradiction", "2026-03-02T12:00:00Z", key)],
                           [("s", key)], day=DAY, tz="UTC",
                           story_start={"s": date(2026, 2, 20)})
    root = ET.fromstring(svg(t))
    assert root.tag == f"{{{SVG_NS}}}svg" and root.get("role") == "img"
    bars = [r for r in root.iter(f"{{{SVG_NS}}}rect") if r.get("fill") != "#f2f2f2"]
    assert [b.get("fill") for b in bars] == ["#1e8449", "#c0392b"]
    assert not list(root.iter(f"{{{SVG_NS}}}script"))
    assert not any(k.startswith("on") or k.endswith("href") for el in root.iter()
                   for k in el.attrib)


def test_digest_draws_a_timeline_per_claim_flagged_today(store: Store) -> None:
    old = add_article(store, "https://a.example/1", "Old", "a.example",
                      found="2026-02-28T10:00:00Z")
    add_match(store, old, "value", "confirms")
    evil = "\u202eEVIL <img src=x onerror=alert(1)>"
    today = add_article(store, "https://b.example/2", evil, evil, found="2026-03-02T10:00:00Z")
    add_match(store, today, "value", "contradicts")
    add_match(store, today, "first", "confirms")
    digest = build_digest(store, DAY, "UTC", now=NOW)
    assert [t.claim_key for t in digest.timelines] == ["value", "first"]

    page = render_html(digest)
    tree = lxml.html.document_fromstring(page)
    assert len(tree.xpath("//table[@class='timelines']//svg")) == 2
    assert not tree.xpath("//img | //script | //*[@src] | //*[@onerror]")
    assert "\u202e" not in page
    markdown = render_markdown(digest)
    assert "- `value` `+.x`" in markdown and "\u202e" not in markdown

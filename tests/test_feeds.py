from __future__ import annotations

import random
import re
import time

import pytest

from pipeline.errors import ParseError
from pipeline.fetching.feeds import parse_feed
from pipeline.ingesting.workers import WorkerTimeout
from tests.feed_faults import FAULTS, ITEM_TITLES, faulty_feed

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title>
<item><title>One &lt;script&gt;alert(1)&lt;/script&gt;</title>
 <link>https://www.bing.com/news/apiclick.aspx?ref=FexRss&amp;aid=&amp;url=https%3a%2f%2fnews.example%2fa%3futm_source%3drss&amp;c=1</link>
 <guid>g1</guid><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate>
 <description>&lt;p&gt;Summary &lt;b&gt;one&lt;/b&gt;&lt;/p&gt;</description></item>
<item><title>Dup</title><link>https://news.example/b</link><guid>g1</guid></item>
<item><title>No guid</title><link>https://news.example/c#frag</link></item>
<item><title>JS link</title><link>javascript:alert(1)</link><guid>g4</guid></item>
<item></item>
</channel></rss>"""


def test_entries_are_plain_typed_records() -> None:
    feed = parse_feed(RSS, {"content-type": "application/rss+xml"}, "https://f.example/rss")
    assert feed.version == "rss20"
    keys = [e.guid_key for e in feed.entries]
    assert keys == ["g1", "https://news.example/c", "g4"]  # duplicate guid collapsed, empty dropped
    first = feed.entries[0]
    assert first.url == "https://news.example/a"  # aggregator unwrapped, tracking removed
    assert first.summary == "Summary one"
    assert first.title.startswith("One") and "<script" not in first.title  # reduced to text
    assert first.published_at == "2026-03-02T10:00:00Z"
    assert feed.entries[2].url is None  # javascript: is never a link


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", b"<html><body><h1>Login</h1></body></html>", b"/dev/zero", b"/etc/passwd",
     b"file:///etc/hosts", b"\x00\xff\xfe garbage"],
)
def test_not_a_feed_is_an_error_never_an_empty_feed(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_feed(body, {}, "https://f.example/rss")


def test_entity_expansion_is_not_performed() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
            b'<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<rss version="2.0"><channel><title>&c;&x;</title><item><title>t</title>'
            b'<guid>1</guid></item></channel></rss>')
    start = time.process_time()  # the parser's own work: other load on the machine is not it
    try:
        feed = parse_feed(bomb, {}, "https://f.example/rss")
        assert "root:" not in feed.title and len(feed.title) < 10_000
    except ParseError:
        pass  # refusing the document is as good
    assert time.process_time() - start < 2


def test_latin1_feed_declared_utf8_is_read() -> None:
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>'
            '<item><title>Caf\xe9 Nicol\xe1s</title><guid>1</guid></item></channel></rss>'
            ).encode("latin-1")
    feed = parse_feed(body, {}, "https://f.example/rss")
    assert len(feed.entries) == 1 and feed.entries[0].title.startswith("Caf")


@pytest.mark.timeout(60)
def test_pathological_feed_costs_one_worker_not_the_process(worker) -> None:
    """feedparser's author regex is quadratic: the worker's wall clock cuts it off."""
    evil = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
            + b"".join(b"<item><guid>%d</guid><author>a@" % i + b"a." * 30_000
                       + b"!</author></item>" for i in range(8))
            + b"</channel></rss>")
    worker.warm_up(parse_feed, RSS, {}, "https://f.example/rss")
    start = time.monotonic()
    with pytest.raises(WorkerTimeout):
        worker.call(parse_feed, evil, {}, "https://f.example/rss", timeout=1.0)
    assert time.monotonic() - start < 5
    # The next call gets a fresh child and works.
    feed = worker.call(parse_feed, RSS, {}, "https://f.example/rss", timeout=30)
    assert len(feed.entries) == 3
    with pytest.raises(ParseError) as info:
        worker.call(parse_feed, b"<html></html>", {}, "https://f.example/rss", timeout=30)
    assert info.value.kind == "not_a_feed"


# --- ill-formed but readable feeds (issue 8): read what feedparser reads ------------------------

FAULT_CLASSES = sorted(FAULTS)


@pytest.mark.parametrize("fault", FAULT_CLASSES)
def test_an_ill_formed_feed_feedparser_reads_is_read(fault: str) -> None:
    """Undefined HTML entities, stray ampersands, unclosed tags, wrong encodings: a feed that
    feedparser reads (a version, a title or entries) was marked not_a_feed when none of its
    entries had a link, or when it had no version."""
    feed = faulty_feed(fault, random.Random(3), n=4)
    parsed = parse_feed(feed.body, feed.headers, "https://f.example/rss")
    assert len(parsed.entries) == feed.entries
    assert parsed.title
    for entry in parsed.entries:
        assert entry.title and entry.guid_key


@pytest.mark.parametrize("fault", ["html_entities_rss", "html_entities_atom",
                                   "entities_items_without_links", "rdf_rss10_entities"])
def test_html_entities_become_their_characters(fault: str) -> None:
    feed = faulty_feed(fault, random.Random(3), n=6)
    parsed = parse_feed(feed.body, feed.headers, "https://f.example/rss")
    text = " ".join(e.title + " " + e.summary for e in parsed.entries)
    assert "\u2019" in text and "\u2026" in text and "\u00a9" in text
    assert not re.search(r"&[a-z]+;", text), text
    assert "warning: ill-formed feed" in (parsed.warning or "")


# The faults whose bytes were written in an encoding that lacks some of the titles' characters.
LOSSY_ENCODINGS = {"latin1_declared_utf8": "latin-1", "cp1252_declared_utf8": "cp1252"}


@pytest.mark.parametrize("fault", ["latin1_declared_utf8", "cp1252_declared_utf8",
                                   "utf8_declared_latin1", "bom_and_wrong_declaration",
                                   "utf16", "no_declaration"])
def test_wrong_declared_encodings_are_decoded(fault: str) -> None:
    feed = faulty_feed(fault, random.Random(5), n=12)
    parsed = parse_feed(feed.body, feed.headers, "https://f.example/rss")
    # Every title comes out as written, but for what its encoding could not carry at all
    # (written as "?"): no mojibake in any of them.
    encoding = LOSSY_ENCODINGS.get(fault, "utf-8")
    written = {t.encode(encoding, "replace").decode(encoding) for t in ITEM_TITLES}
    assert len(parsed.entries) == 12
    assert {e.title for e in parsed.entries} <= written
    titles = " ".join(e.title for e in parsed.entries)
    assert "Caf\u00e9" in titles or "Se\u00f1or" in titles or "S\u00e3o" in titles, titles


def test_a_bigger_entity_expansion_bomb_is_refused_or_defused_fast() -> None:
    levels = "".join('<!ENTITY e{} "{}">'.format(i, f"&e{i - 1};" * 10) for i in range(1, 12))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e0 "lol">{levels}]>'
            f'<rss version="2.0"><channel><title>&e11;</title><item><title>&e11;</title>'
            f"<guid>1</guid></item></channel></rss>").encode()
    start = time.process_time()  # the parser's own work: other load on the machine is not it
    try:
        feed = parse_feed(bomb, {}, "https://f.example/rss")
        assert len(feed.title) < 10_000
        assert all(len(e.title) < 10_000 for e in feed.entries)
    except ParseError:
        pass
    assert time.process_time() - start < 2


@pytest.mark.parametrize("body", [
    b"<!DOCTYPE html><html><head><title>News</title></head><body><article>x</article></body>"
    b"</html>",
    b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title>'
    b"</head><body/></html>",
    b'{"version": "https://jsonfeed.org/version/1", "title": "x", "items": []}',
])
def test_pages_that_are_not_feeds_are_still_refused(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_feed(body, {"content-type": "text/html"}, "https://f.example/rss")

"""Readable but ill-formed feeds, one builder per fault class that feedparser copes with.

Used by the tests (one document per fault class) and by ``benchmarks/bench_feed_acceptance.py``
(a mixed corpus of many such feeds, for the share claimwatch rejects). Every document here is
one that feedparser reads (a version, a title or entries); the faults are those that real news
feeds carry: HTML entities undefined in XML, stray ampersands, unclosed tags, wrong declared
encodings, missing declarations, undeclared namespace prefixes, truncation.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

ITEM_TITLES = [
    "Pentagon and Anthropic at odds over Claude",
    "S\u00e3o Paulo officials react \u2014 again",
    "Caf\u00e9 owners in M\u00fcnchen cite \u201crising costs\u201d",
    "Se\u00f1or Nicol\u00e1s wins \u00a3200 prize",
    "Markets close higher; AT&T and P&G lead",
]


@dataclass(frozen=True)
class FaultyFeed:
    fault: str
    body: bytes
    headers: dict[str, str]
    entries: int  # how many entries feedparser reads from it


def _items(rng: random.Random, n: int, base: str, *, entity_text: bool = False,
           raw_amp: bool = False, raw_html: bool = False, tag: str = "item",
           link_style: str = "rss") -> list[str]:
    items = []
    for i in range(n):
        title = rng.choice(ITEM_TITLES)
        uid = f"{rng.getrandbits(48):x}"
        if entity_text:
            title = (title.replace("&", "&amp;").replace("\u2014", "&mdash;")
                     .replace("\u00e9", "&eacute;").replace("\u00e1", "&aacute;")
                     .replace("\u00e3", "&atilde;")
                     .replace("\u00fc", "&uuml;").replace("\u00f1", "&ntilde;")
                     .replace("\u201c", "&ldquo;").replace("\u201d", "&rdquo;")
                     .replace("\u00a3", "&pound;"))
            title += "&nbsp;&ndash;&nbsp;report"
            summary = "Officials&rsquo; statement&hellip; &copy; 2026 &laquo;News&raquo;"
        else:
            title = title.replace("&", "&amp;") if not raw_amp else title
            summary = "A summary of the story." if not raw_amp else "Q&A: what we know & don't"
        if raw_html:
            summary = f"<p>Read <b>more</b> about it<br> here</p><img src=x>{summary}"
        link = f"{base}/news/{uid}?id={i}" + ("&ref=rss" if raw_amp else "&amp;ref=rss")
        if tag == "entry":
            items.append(f"<entry><title>{title}</title><link href=\"{link}\"/>"
                         f"<id>urn:x:{uid}</id><updated>2026-03-0{1 + i % 9}T10:00:00Z</updated>"
                         f"<summary>{summary}</summary></entry>")
        else:
            items.append(f"<item><title>{title}</title><link>{link}</link>"
                         f"<guid>{base}/g/{uid}</guid>"
                         f"<pubDate>Mon, 0{2 + i % 7} Mar 2026 10:00:00 GMT</pubDate>"
                         f"<description>{summary}</description></item>")
    return items


def _rss(items: list[str], *, decl: str = '<?xml version="1.0" encoding="utf-8"?>',
         title: str = "News", extra_ns: str = "") -> str:
    return (f'{decl}<rss version="2.0"{extra_ns}><channel><title>{title}</title>'
            f"<link>https://news.example/</link><description>d</description>"
            + "".join(items) + "</channel></rss>")


def _atom(items: list[str], *, decl: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return (f'{decl}<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>'
            f"<id>urn:x:feed</id><updated>2026-03-01T00:00:00Z</updated>"
            + "".join(items) + "</feed>")


Builder = Callable[[random.Random, int, str], tuple[bytes, dict[str, str]]]
XML = {"content-type": "application/rss+xml"}


def html_entities_rss(rng, n, base):
    return _rss(_items(rng, n, base, entity_text=True)).encode("utf-8"), XML


def html_entities_atom(rng, n, base):
    body = _atom(_items(rng, n, base, entity_text=True, tag="entry"))
    return body.encode("utf-8"), {"content-type": "application/atom+xml"}


def stray_ampersands(rng, n, base):
    return _rss(_items(rng, n, base, raw_amp=True)).encode("utf-8"), XML


def raw_html_in_description(rng, n, base):
    return _rss(_items(rng, n, base, raw_html=True)).encode("utf-8"), XML


def latin1_declared_utf8(rng, n, base):
    return _rss(_items(rng, n, base)).encode("latin-1", "replace"), XML


def cp1252_declared_utf8(rng, n, base):
    return _rss(_items(rng, n, base)).encode("cp1252", "replace"), XML


def utf8_declared_latin1(rng, n, base):
    body = _rss(_items(rng, n, base), decl='<?xml version="1.0" encoding="iso-8859-1"?>')
    return body.encode("utf-8"), XML


def header_charset_contradicts(rng, n, base):
    return (_rss(_items(rng, n, base)).encode("utf-8"),
            {"content-type": "text/xml; charset=iso-8859-1"})


def no_declaration(rng, n, base):
    return _rss(_items(rng, n, base), decl="").encode("utf-8"), XML


def bom_and_wrong_declaration(rng, n, base):
    body = _rss(_items(rng, n, base), decl='<?xml version="1.0" encoding="windows-1252"?>')
    return b"\xef\xbb\xbf" + body.encode("utf-8"), XML


def utf16(rng, n, base):
    body = _rss(_items(rng, n, base), decl='<?xml version="1.0" encoding="utf-16"?>')
    return body.encode("utf-16"), XML


def served_as_html(rng, n, base):
    return _rss(_items(rng, n, base)).encode("utf-8"), {"content-type": "text/html"}


def whitespace_before_declaration(rng, n, base):
    return b"\n\n  " + _rss(_items(rng, n, base)).encode("utf-8"), XML


def undeclared_namespace_prefix(rng, n, base):
    items = [i.replace("</item>", "<dc:creator>Staff</dc:creator><media:thumbnail url=\"x\"/>"
                       "</item>") for i in _items(rng, n, base)]
    return _rss(items).encode("utf-8"), XML


def control_characters(rng, n, base):
    items = [i.replace("A summary", "A\x0csummary\x1b") for i in _items(rng, n, base)]
    return _rss(items).encode("utf-8"), XML


def truncated(rng, n, base):
    body = _rss(_items(rng, n + 1, base)).encode("utf-8")
    return body[: body.rindex(b"<item>") + 12], XML


def unclosed_item(rng, n, base):
    items = _items(rng, n, base)
    items[-1] = items[-1].replace("</item>", "")
    return _rss(items).encode("utf-8"), XML


def rss091_netscape_doctype(rng, n, base):
    decl = ('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE rss PUBLIC "-//Netscape '
            'Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/'
            'rss-0.91.dtd">')
    body = _rss(_items(rng, n, base, entity_text=True), decl=decl).replace(
        'version="2.0"', 'version="0.91"')
    return body.encode("utf-8"), XML


def rdf_rss10_entities(rng, n, base):
    items = [i.replace("<item>", f'<item rdf:about="{base}/{k}">')
             for k, i in enumerate(_items(rng, n, base, entity_text=True))]
    body = ('<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
            '02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x">'
            "<title>News</title><link>https://news.example/</link><description>d</description>"
            "</channel>" + "".join(items) + "</rdf:RDF>")
    return body.encode("utf-8"), XML


def mixed_faults(rng, n, base):
    items = _items(rng, n, base, entity_text=True, raw_html=True)
    items = [i.replace("<guid>", "<dc:creator>A&B</dc:creator><guid>") for i in items]
    return _rss(items, decl="").encode("cp1252", "replace"), {"content-type": "text/plain"}


def entities_items_without_links(rng, n, base):
    items = [re.sub(r"<link>[^<]*</link>", "", i).replace("<guid>", "<guid isPermaLink=\"false\">")
             for i in _items(rng, n, base, entity_text=True)]
    return _rss(items).encode("utf-8"), XML


def entities_channel_only(rng, n, base):
    return _rss([], title="Caf&eacute; &mdash; News&nbsp;Desk").encode("utf-8"), XML


def channel_without_rss_root(rng, n, base):
    body = ('<?xml version="1.0" encoding="utf-8"?><channel><title>News</title>'
            + "".join(_items(rng, n, base)) + "</channel>")
    return body.encode("utf-8"), XML


FAULTS: dict[str, Builder] = {
    f.__name__: f for f in (
        html_entities_rss, html_entities_atom, stray_ampersands, raw_html_in_description,
        latin1_declared_utf8, cp1252_declared_utf8, utf8_declared_latin1,
        header_charset_contradicts, no_declaration, bom_and_wrong_declaration, utf16,
        served_as_html, whitespace_before_declaration, undeclared_namespace_prefix,
        control_characters, truncated, unclosed_item, rss091_netscape_doctype,
        rdf_rss10_entities, mixed_faults, entities_items_without_links,
        entities_channel_only, channel_without_rss_root,
    )
}


def faulty_feed(fault: str, rng: random.Random, n: int = 3,
                base: str = "https://news.example") -> FaultyFeed:
    body, headers = FAULTS[fault](rng, n, base)
    return FaultyFeed(fault=fault, body=body, headers=headers,
                      entries=0 if fault == "entities_channel_only" else n)


def corpus(size: int, seed: int = 8, clean_share: float = 0.5) -> list[FaultyFeed]:
    """``size`` readable feeds: ``clean_share`` of them well-formed, the rest one fault class
    each (round-robin over the classes), with 1-12 entries."""
    rng = random.Random(seed)
    names = list(FAULTS)
    feeds = []
    for k in range(size):
        n = rng.randint(1, 12)
        base = f"https://site{k % 97}.example"
        if rng.random() < clean_share:
            feeds.append(FaultyFeed("clean", _rss(_items(rng, n, base)).encode("utf-8"), XML, n))
        else:
            feeds.append(faulty_feed(names[k % len(names)], rng, n, base))
    return feeds

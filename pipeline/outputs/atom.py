"""The Atom feed of flags: the newest contradictions, developments and confirmations, for the
feed reader a person already uses.

Built with ``xml.etree.ElementTree`` (never by pasting strings): every title, sentence and URL
comes from untrusted feeds and pages, and the serializer escapes them. What it cannot escape,
characters XML 1.0 forbids (NUL, most C0 controls, lone surrogates), is removed first, or one
hostile title would make the whole feed unparseable. Titles and summaries are ``type="text"``,
so markup in them stays visible text in every reader; the HTML ``content`` is made here from
escaped parts, and links are only ever http(s).
"""

from __future__ import annotations

import html
import os
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from .. import __version__
from ..clock import iso, parse
from ..fetching.urls import is_http_url
from ..store import RecentFlagRow, Store

ATOM_NS = "http://www.w3.org/2005/Atom"
LIMIT = 200
# A fixed namespace for uuid5 ids: an entry's id never changes between rewrites of the file.
_ID_NS = uuid.UUID("0d3c1b1e-6a8f-5c55-9b7e-2f4c8a1d9e10")
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_KIND_TITLE = {"contradiction": "Contradiction", "confirmation": "Confirmation",
               "development": "New development"}


def xml_safe(text: str | None, limit: int | None = None) -> str:
    """Text that any XML 1.0 serializer writes and any parser reads back: forbidden characters
    removed, whitespace runs collapsed, optionally cut to ``limit`` characters."""
    clean = " ".join(_XML_ILLEGAL.sub("", text or "").split())
    if limit is not None and len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "\u2026"
    return clean


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def entry_id(row: RecentFlagRow) -> str:
    subject = row.claim_key if row.kind != "development" else row.development_id
    key = f"{row.kind}/{row.story}/{row.article_id}/{subject}"
    return f"urn:uuid:{uuid.uuid5(_ID_NS, key)}"


def _title(row: RecentFlagRow) -> str:
    kind = _KIND_TITLE.get(row.kind, row.kind)
    if row.kind == "development":
        about = xml_safe(row.development_summary or row.evidence, 120)
    else:
        about = xml_safe(row.claim_key)
    article = xml_safe(row.article_title or row.site or "untitled", 120)
    return f"{kind}: {about} ({article})"


def _content_html(row: RecentFlagRow) -> str:
    """The entry's body as HTML, every untrusted part escaped."""
    esc = html.escape
    parts = []
    if row.kind == "development":
        summary = row.development_summary or row.evidence
        parts.append(f"<p><strong>New development</strong> in {esc(xml_safe(row.story_title))}"
                     f": {esc(xml_safe(summary))}</p>")
    else:
        parts.append(f"<p><strong>{esc(_KIND_TITLE[row.kind])}</strong> of the claim "
                     f"<code>{esc(xml_safe(row.claim_key))}</code>: "
                     f"{esc(xml_safe(row.claim_text))}</p>")
    parts.append(f"<blockquote>{esc(xml_safe(row.evidence))}</blockquote>")
    title = esc(xml_safe(row.article_title or row.article_url, 300))
    url = row.article_url
    link = (f'<a href="{esc(url, quote=True)}">{title}</a>' if url and is_http_url(url)
            else title)
    site = esc(xml_safe(row.site or ""))
    copy = " (syndicated copy)" if row.duplicate_of is not None else ""
    parts.append(f"<p>{link}, {site}{copy}. Confidence {float(row.score or 0):.2f}.</p>")
    return xml_safe("".join(parts))


def build_feed(rows: Sequence[RecentFlagRow], *, now: datetime, title: str) -> bytes:
    """An Atom 1.0 document of ``rows`` (from :meth:`Store.recent_flags`), newest first."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "title", xml_safe(title), type="text")
    _sub(feed, "id", f"urn:uuid:{uuid.uuid5(_ID_NS, 'feed/' + xml_safe(title))}")
    updated = max((r.found_at for r in rows if r.found_at), default=None) or iso(now)
    _sub(feed, "updated", updated)
    author = _sub(feed, "author")
    _sub(author, "name", "claimwatch")
    _sub(feed, "generator", "claimwatch", version=__version__)
    _sub(feed, "subtitle", f"The newest {LIMIT} contradictions, new developments and "
                           f"confirmations found by claimwatch.", type="text")
    for row in rows:
        entry = _sub(feed, "entry")
        _sub(entry, "title", _title(row), type="text")
        _sub(entry, "id", entry_id(row))
        _sub(entry, "updated", row.found_at or updated)
        if row.published_at:
            published = _rfc3339(row.published_at)
            if published:
                _sub(entry, "published", published)
        if row.article_url and is_http_url(row.article_url):
            _sub(entry, "link", rel="alternate", type="text/html",
                 href=xml_safe(row.article_url))
        who = _sub(entry, "author")
        _sub(who, "name", xml_safe(row.site or "unknown site"))
        _sub(entry, "category", term=row.kind, label=_KIND_TITLE.get(row.kind, ""))
        _sub(entry, "category", term=xml_safe(row.story), label=xml_safe(row.story_title))
        _sub(entry, "summary", xml_safe(row.evidence, 1000), type="text")
        _sub(entry, "content", _content_html(row), type="html")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def _rfc3339(value: str) -> str | None:
    """A stored publication date as RFC 3339, or None when it is not one we can vouch for (a
    reader rejects a feed with a malformed date)."""
    value = value.strip()
    if not _DATE.match(value):
        return None
    try:
        parsed = parse(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return iso(parsed)
    return parsed.isoformat()


def write_feed(store: Store, path: Path, *, now: datetime, title: str) -> Path:
    """Write the feed of the newest flags to ``path`` atomically (temp file + rename): a reader
    polling it never sees half a document."""
    data = build_feed(store.recent_flags(LIMIT), now=now, title=title)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def feed_title(story_titles: Sequence[str]) -> str:
    return "claimwatch flags: " + "; ".join(story_titles) if story_titles else "claimwatch flags"

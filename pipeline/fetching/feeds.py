"""Feed bytes in, plain typed entries out. feedparser is wrapped here and nowhere else.

feedparser is handed ``io.BytesIO(body)``, never a ``str`` or ``bytes``: given those it treats the
value as a file name or URL and reads it (a body of ``/dev/zero`` exhausts memory). It never
fetches anything: the guarded fetcher did that. ``parse_feed`` runs inside a worker process (see
``workers``) because feedparser has a quadratic regex on author fields.
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..clock import iso
from ..errors import ParseError
from .urls import canonicalize, is_http_url, unwrap_redirect

# feedparser reports these for feeds that are fine to read (declared encoding wrong, served as
# text/plain): not a reason to reject the feed.
_BENIGN_BOZO = {"CharacterEncodingOverride", "NonXMLContentType"}


@dataclass(frozen=True)
class FeedEntry:
    guid_key: str  # identity within the feed: guid, else link, else a hash of title+summary
    url: str | None  # canonical publisher URL (aggregator wrappers removed), None if unusable
    title: str
    summary: str  # plain text
    published_at: str | None  # ISO 8601 UTC
    author: str | None
    attempts: int = 0  # earlier transient failures of its page (a retried entry)


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    version: str
    entries: tuple[FeedEntry, ...]
    warning: str | None = None  # a recovered problem worth showing on the feed's row
    ttl_minutes: int | None = None  # RSS <ttl>: how long the feed asks to be left alone


def parse_feed(body: bytes, headers: dict[str, str], url: str) -> ParsedFeed:
    """Parse one fetched feed body. Raises ParseError when the body is not a feed: an HTML page
    or an empty body parses "successfully" to zero entries, and must be an error, never an
    empty feed."""
    import feedparser  # imported in the worker, where the parse runs

    if not body.strip():
        raise ParseError("empty body", url=url)
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={k.lower(): v for k, v in headers.items()},
        resolve_relative_uris=False,
        sanitize_html=False,  # we never render feed HTML; summaries are reduced to text below
    )
    problem = type(parsed.get("bozo_exception")).__name__ if parsed.get("bozo") else None
    title = _text(parsed.feed.get("title", ""))
    # Read what feedparser reads: a version, or (from its lenient parser, for a document that
    # is not well-formed XML) a title or entries. An HTML page, JSON or garbage gives none.
    if not (parsed.get("version") or title or parsed.entries):
        detail = f" ({problem})" if problem else ""
        raise ParseError(f"not an RSS or Atom feed{detail}", url=url)
    entries: dict[str, FeedEntry] = {}
    for raw in parsed.entries:
        entry = _entry(raw, base=url)
        if entry is not None and entry.guid_key not in entries:  # duplicate guids collapse
            entries[entry.guid_key] = entry
    warning = None
    if problem and problem not in _BENIGN_BOZO:
        # Undefined HTML entities (&nbsp; &mdash;), a stray "&", an unclosed tag: real news
        # feeds carry them every day and feedparser's lenient parser reads them. The fault
        # is recorded on the feed's row as a warning, never as an error.
        detail = str(parsed.get("bozo_exception"))[:200]
        warning = (f"warning: ill-formed feed read leniently ({len(entries)} entries): "
                   f"{problem}: {detail}")
    return ParsedFeed(
        title=title,
        version=parsed.version or "unknown",
        ttl_minutes=_ttl(parsed.feed.get("ttl")),
        entries=tuple(entries.values()),
        warning=warning,
    )


def _entry(raw: Any, *, base: str) -> FeedEntry | None:
    link = raw.get("link") or ""
    url = None
    if link:
        unwrapped = unwrap_redirect(link.strip())
        if is_http_url(unwrapped):
            url = canonicalize(unwrapped)
    title = _text(raw.get("title", ""))
    summary = _text(raw.get("summary", "") or _first_content(raw))
    guid = (raw.get("id") or "").strip()
    if guid:
        key = guid
    elif url:
        key = url
    elif title or summary:
        key = "sha256:" + hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()
    else:
        return None  # no identity at all: nothing to de-duplicate on, nothing to show
    return FeedEntry(
        guid_key=key[:2000],
        url=url,
        title=title[:1000],
        summary=summary[:20000],
        published_at=_iso(raw.get("published_parsed") or raw.get("updated_parsed")),
        author=_text(raw.get("author", ""))[:300] or None,
    )


def _ttl(value: Any) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes if minutes > 0 else None


def _first_content(raw: Any) -> str:
    content = raw.get("content") or []
    return content[0].get("value", "") if content else ""


def _text(value: str) -> str:
    """Feed fields may hold HTML; keep only their text, whitespace collapsed."""
    if not value:
        return ""
    if "<" in value or "&" in value:
        import lxml.html

        with contextlib.suppress(ValueError, TypeError, lxml.etree.ParserError):
            value = lxml.html.fromstring(f"<div>{value}</div>").text_content()
    return " ".join(value.split())


def _iso(parsed_time: Any) -> str | None:
    if not parsed_time:
        return None
    try:
        ts = calendar.timegm(parsed_time)
        return iso(datetime.fromtimestamp(ts, UTC))
    except (TypeError, ValueError, OverflowError):
        return None

"""Page bytes in, article text and metadata out (trafilatura). Runs inside a worker process.

trafilatura never fetches anything here (the guarded fetcher did), and has no timeout of its own:
the worker's wall clock bounds it.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from ..errors import ExtractError
from ..fetching.urls import canonicalize, is_http_url, site_of

if TYPE_CHECKING:
    from trafilatura.settings import Document

    from .dedupe import TextKeys

# A page whose main text is shorter than this is a teaser, a paywall or an index page.
MIN_TEXT_CHARS = 200
_ELEMENT_LIMIT = 400_000  # more tags than this is a DOM bomb, not an article


@dataclass(frozen=True)
class ExtractedPage:
    text: str
    title: str | None
    site: str | None
    author: str | None
    published_at: str | None  # ISO date (trafilatura gives YYYY-MM-DD)
    canonical_url: str | None


def extract_page(html: bytes, url: str, charset: str | None = None) -> ExtractedPage:
    """Extract the main text and metadata. Reader comments are left out: matching claims against
    readers' remarks would make flags out of opinions. Raises ExtractError."""
    import trafilatura

    if html.count(b"<") > _ELEMENT_LIMIT:
        raise ExtractError("page has too many elements to be an article", url=url)
    document: bytes | str = html
    if charset:
        try:
            document = html.decode(codecs.lookup(charset).name, errors="replace")
        except LookupError:
            document = html  # unknown charset name: let trafilatura detect it
    result = trafilatura.bare_extraction(
        document,
        url=url,
        with_metadata=True,
        # No fallback extractors: on the 181 benchmark pages this is both faster than
        # extract()'s defaults and no less accurate (benchmarks/eval_extraction.py).
        fast=True,
        include_comments=False,
        include_tables=True,
        include_images=False,  # images make trafilatura slow on some pages and add nothing here
    )
    if result is None:
        raise ExtractError("no article text found", url=url)
    # A dict comes back only with as_dict=True; the annotation has no overload that says so.
    page = cast("Document", result)
    text = (page.text or "").strip()
    if not text:
        raise ExtractError("no article text found", url=url)
    if len(text) < MIN_TEXT_CHARS:
        raise ExtractError(f"article text too short ({len(text)} characters)", url=url)
    return ExtractedPage(
        text=text,
        title=_clean(page.title),
        site=_clean(page.sitename) or site_of(url),
        author=_clean(page.author),
        published_at=_clean(page.date),
        canonical_url=_canonical(page.url, url),
    )


def _canonical(declared: str | None, fetched: str) -> str | None:
    """Honour ``rel=canonical`` only within the same site: a page must not be able to file
    itself under another publisher's URL."""
    if not declared or not is_http_url(declared):
        return None
    a, b = site_of(declared), site_of(fetched)
    if a == b or a.endswith("." + b) or b.endswith("." + a):
        return canonicalize(declared)
    return None


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(value.split())
    return value[:500] or None


def text_from_plain(text: str) -> str:
    """Normalise a plain-text article (local .txt files, feed summaries)."""
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").split("\n")).strip()


_HEADER = re.compile(r"^(URL|DATE|TITLE):[ \t]*(\S.*)$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def split_text_headers(text: str) -> tuple[dict[str, str], str]:
    """A plain-text article may start with ``URL:``, ``DATE: YYYY-MM-DD`` and ``TITLE:`` lines
    and a blank line (the form saved pages and evaluation sets use). Returns the headers (keys
    lower-case) and the text after them; a text without such a block comes back whole."""
    lines = text.split("\n")
    headers: dict[str, str] = {}
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if m:
            headers[m.group(1).lower()] = m.group(2).strip()
            continue
        if headers and not line.strip():
            if "date" in headers and not _DATE.match(headers["date"]):
                del headers["date"]
            return headers, "\n".join(lines[i + 1 :]).strip()
        break
    return {}, text


def content_hash(text: str) -> str:
    """Hash of the normalised text: the same article served twice (other URL, other whitespace,
    other quotes) hashes the same, so it is not judged twice."""
    norm = unicodedata.normalize("NFKC", text).casefold()
    # Runs of whitespace as one space, ends stripped: str.split() and the regex \s+ agree on
    # every code point (tests/test_content_hash.py checks), and split() is several times faster.
    norm = " ".join(norm.split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def extract_and_key(body: bytes, url: str, charset: str | None) -> tuple[ExtractedPage, TextKeys]:
    """In a worker: the page, and the keys of its text that storing it will need.

    Here rather than in ``ingest`` so that a worker imports the extraction stack and the
    syndication keys only, not the judge and the store (28 MB more per worker).
    """
    from .dedupe import TextKeys  # not at the top: dedupe uses this module's content_hash

    page = extract_page(body, url, charset)
    return page, TextKeys.of(page.text)


def warm_up() -> None:
    """Import the extraction stack in a fresh worker, outside any item's time limit."""
    import feedparser  # noqa: F401
    import trafilatura  # noqa: F401

    from . import dedupe  # noqa: F401  (extract_and_key's keys)

"""What to do with one prepared article: a pure function of data that returns typed intents.

The ingestor reads what the store knows of the article first (:class:`Snapshot`), asks
:func:`decide`, and applies the intent it gets in one transaction. :func:`decide` touches no
store, index, model or clock: every branch is a plain-data test (tests/test_decide.py).

Judging and the syndication lookup are the expensive inputs, and most articles that are skipped
or are exact copies never need them, so :func:`decide` asks for them: without ``content`` it
returns :class:`NeedsContent` where it would need them, and the caller decides again with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from ..clock import iso
from ..fetching.urls import canonicalize, site_of
from ..orchestration.scheduling import entry_retry_at
from ..records import Article, Judgment, Story
from .dedupe import Fingerprint, TextKeys

__all__ = [
    "Content",
    "EntryState",
    "Intent",
    "KnownArticle",
    "NeedsContent",
    "Prepared",
    "RecordFailure",
    "SkipExisting",
    "Snapshot",
    "StoreCopy",
    "StoreNew",
    "Upgrade",
    "decide",
    "own_url",
]


@dataclass(frozen=True)
class Prepared:
    """An article ready to be judged and stored (or the reason it is only an entry)."""

    entry_url: str | None
    article: Article | None
    text_source: str  # page | feed_summary | file
    fetch_error: str | None = None
    # Nothing usable now, but the page may work later: the entry is recorded as waiting for a
    # retry, with backoff (``scheduling.entry_retry``).
    retryable: bool = False
    # The address guard refused the link (a private or metadata address, a downgrade): the
    # entry is recorded as refused and nothing of it, not even the feed's summary, becomes
    # content, is judged or is linked from any output.
    refused: bool = False
    # The article text's hash, shingles and band keys when the worker that extracted the page
    # computed them beside it; None: computed from ``article.text`` when needed.
    keys: TextKeys | None = None


@dataclass(frozen=True)
class EntryState:
    """The state an entry is recorded with (a field left None is stored as NULL; a None
    ``article_id`` keeps the article the entry already links to)."""

    article_id: int | None = None
    status: str | None = None  # retry | failed | refused, None once it has its article
    error: str | None = None
    attempts: int | None = None
    retry_at: str | None = None


@dataclass(frozen=True)
class KnownArticle:
    """A stored article, as much of it as the decision needs."""

    id: int
    content_hash: str | None
    text_source: str | None


@dataclass(frozen=True)
class Snapshot:
    """What the store knows of a prepared article, read before deciding.

    ``by_url`` holds the stored article under the article's canonical URL and under the entry's
    own canonicalised URL (a URL with nothing stored is absent); ``same_text`` is the earliest
    article with the same content hash and the root of its copy group.
    """

    content_hash: str
    by_url: Mapping[str, KnownArticle]
    same_text: tuple[int, int] | None = None


@dataclass(frozen=True)
class Content:
    """The expensive inputs: the syndication lookup and the judgment against each story."""

    fingerprint: Fingerprint | None  # None: a text too short to match or index
    judgments: tuple[tuple[Story, Judgment], ...]


@dataclass(frozen=True)
class RecordFailure:
    """No article: only the entry is recorded, with why (refused, waiting for a retry, failed)."""

    outcome: Literal["refused", "retry", "failed"]
    entry: EntryState


@dataclass(frozen=True)
class SkipExisting:
    """The article is already stored: the entry links to it."""

    article_id: int
    entry: EntryState


@dataclass(frozen=True)
class NeedsContent:
    """Decide again with :class:`Content` for ``article`` (judged and looked up as it is).

    ``upgrading`` is the stored article whose text ``article``'s replaces: the syndication
    lookup must not find it, or the new text would match its own old one (the feed summary it
    contains) and take that text's group root as its own.
    """

    article: Article
    upgrading: int | None = None


@dataclass(frozen=True)
class StoreCopy:
    """Store an exact copy (same content hash) of article ``of``; it carries of's judgments."""

    article: Article
    of: int
    root: int
    content_hash: str
    entry: EntryState


@dataclass(frozen=True)
class StoreNew:
    """Store a new article, index it and write its judgments."""

    article: Article
    duplicate_of: int | None  # the root of the syndicated group it copies
    content: Content
    content_hash: str
    entry: EntryState


@dataclass(frozen=True)
class Upgrade:
    """A summary-only article gets its page's text and is judged again."""

    article_id: int
    article: Article
    duplicate_of: int | None
    content: Content
    content_hash: str
    entry: EntryState


Intent = RecordFailure | SkipExisting | NeedsContent | StoreCopy | StoreNew | Upgrade


def own_url(entry_url: str | None) -> str | None:
    """The entry's own link, canonicalised (None without a link)."""
    return canonicalize(entry_url) if entry_url else None


def decide(
    prepared: Prepared,
    snapshot: Snapshot | None,
    *,
    attempts: int | None,
    now: datetime,
    content: Content | None = None,
) -> Intent:
    """The intent for a prepared article.

    ``snapshot`` is needed whenever there is an article; ``attempts`` is the entry's count of
    earlier page failures, None when the article comes without a feed entry; ``now`` dates a
    retry.
    """
    article, entry_url, text_source = prepared.article, prepared.entry_url, prepared.text_source
    fetch_error, retryable = prepared.fetch_error, prepared.retryable
    if article is None:
        return _failure(fetch_error, retryable=retryable, refused=prepared.refused,
                        attempts=attempts, now=now)
    assert snapshot is not None, "an article is decided against a snapshot of the store"
    digest = snapshot.content_hash
    own = own_url(entry_url)
    existing = snapshot.by_url.get(article.url)
    if existing is not None and own and own != article.url:
        if existing.content_hash != digest:
            # Another text already holds this canonical URL: a CMS that points every page
            # at one canonical, or redirects to a consent page. Keep it under its own URL.
            article = replace(article, url=own, site=site_of(own))
            existing = snapshot.by_url.get(own)
    elif existing is None and own and own != article.url:
        existing = snapshot.by_url.get(own)

    if existing is not None:
        if attempts and text_source == "page" and existing.text_source == "feed_summary":
            # The page of an article stored from its feed summary (its page had failed for a
            # transient reason) arrived at a retry: the article gets its full text.
            if content is None:
                return NeedsContent(article, upgrading=existing.id)
            root = content.fingerprint.root if content.fingerprint is not None else None
            if root is not None and root >= existing.id:
                root = None  # it is the earliest of its group
            return Upgrade(existing.id, article, root, content, digest,
                           EntryState(article_id=existing.id))
        return SkipExisting(existing.id, EntryState(article_id=existing.id))

    entry = _summary_retry(fetch_error, retryable=retryable, text_source=text_source,
                           attempts=attempts, now=now)
    if snapshot.same_text is not None:
        # A copy always points at its group's root, never at another copy.
        of, root = snapshot.same_text
        return StoreCopy(article, of=of, root=root, content_hash=digest, entry=entry)
    if content is None:
        return NeedsContent(article)
    root = content.fingerprint.root if content.fingerprint is not None else None
    return StoreNew(article, duplicate_of=root, content=content, content_hash=digest,
                    entry=entry)


def _failure(fetch_error: str | None, *, retryable: bool, refused: bool, attempts: int | None,
             now: datetime) -> RecordFailure:
    if refused:
        return RecordFailure("refused", EntryState(status="refused", error=fetch_error))
    if retryable and attempts is not None:
        tried = attempts + 1
        retry_at = entry_retry_at(tried, now)
        return RecordFailure("retry", EntryState(
            status="retry" if retry_at else "failed", error=fetch_error, attempts=tried,
            retry_at=iso(retry_at) if retry_at else None))
    return RecordFailure("failed", EntryState(status="failed", error=fetch_error))


def _summary_retry(fetch_error: str | None, *, retryable: bool, text_source: str,
                   attempts: int | None, now: datetime) -> EntryState:
    """An article stored from its feed summary because its page failed for a transient
    reason: its entry waits for a retry of the page, with backoff."""
    if not (retryable and text_source == "feed_summary" and attempts is not None):
        return EntryState()
    tried = attempts + 1
    retry_at = entry_retry_at(tried, now)
    if retry_at is None:
        return EntryState(status="failed", attempts=tried, error=fetch_error)
    return EntryState(status="retry", attempts=tried, retry_at=iso(retry_at), error=fetch_error)

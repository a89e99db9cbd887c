"""The typed rows the store hands out and takes in: frozen dataclasses whose fields name the
columns. Rows in (what a write takes) come first; rows out (what a read returns) after them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


# -- rows in: what the store's writes take


@dataclass(frozen=True)
class NewArticle:
    """An article to store. ``relevant_stories``: slugs of the stories it was judged relevant
    to (the store keeps them comma-joined, see ``schema.m001_initial``)."""

    url: str
    fetched_at: str
    title: str | None = None
    feed_id: int | None = None
    site: str | None = None
    author: str | None = None
    published_at: str | None = None
    text: str | None = None
    content_hash: str | None = None
    duplicate_of: int | None = None
    text_source: str | None = None  # page | feed_summary | file
    fetch_error: str | None = None
    relevant_stories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArticleText:
    """A stored article's new text (its page, replacing its feed summary) and what follows
    from it: what :meth:`~pipeline.store.Store.update_article` writes."""

    title: str | None
    author: str | None
    published_at: str | None
    text: str
    content_hash: str
    duplicate_of: int | None
    text_source: str
    fetch_error: str | None = None
    relevant_stories: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntryRecord:
    """A feed entry as recorded: seen once, never processed twice. A None ``article_id``
    keeps the article an entry recorded before links to; the other state fields left None
    are stored as NULL."""

    guid_key: str
    url: str | None
    title: str | None
    first_seen_at: str
    article_id: int | None = None
    status: str | None = None  # retry | failed | refused; None once it has its article
    error: str | None = None
    attempts: int | None = None
    retry_at: str | None = None


@dataclass(frozen=True)
class NewMatch:
    """An article's judgment on one claim (one per article and claim: a new one replaces)."""

    article_id: int
    claim_id: int
    stance: str  # confirms | contradicts | discusses
    score: float
    band: str  # flag | review | none
    evidence: str
    created_at: str
    source: str | None = None  # whom the article attributes it to; "" its own voice
    rule: str | None = None  # what decided it: aligned, figure, denial, ...


@dataclass(frozen=True)
class NewAlert:
    """An alert to queue with its article: about a claim (``claim_key``) or a development
    (``development_id``)."""

    kind: str  # contradiction | development | confirmation
    band: str  # flag | review
    story: str
    article_id: int
    created_at: str
    payload: str  # JSON: the claim, evidence, link, title, site, confidence
    claim_key: str | None = None
    development_id: int | None = None


@dataclass(frozen=True)
class PollRecord:
    """One poll of a feed, for the ``poll_log``."""

    started_at: str
    outcome: str  # new | unchanged | not_modified | error | throttled | gone | outage | disabled
    duration_ms: int | None = None
    status: int | None = None  # the HTTP status, when there was an answer
    new_entries: int | None = None
    error: str | None = None


class ConfiguredFeed(Protocol):
    """A feed as the config names it (``config.FeedConfig``; the store does not import the
    config, which imports the fetcher): what ``sync_feeds`` takes."""

    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def interval_minutes(self) -> int: ...


# The columns of a feed's row a poll may change (``update_feed``): its poll state and health.
# Its name, configured URL, interval and whether it is configured belong to ``sync_feeds``.
FEED_POLL_COLUMNS = frozenset({
    "url", "etag", "last_modified", "body_sha256", "last_polled_at", "last_success_at",
    "last_unconditional_at", "next_poll_at", "consecutive_errors", "last_error",
    "last_error_at", "disabled_reason", "redirect_target", "redirect_count",
    "redirect_first_seen", "failing_pages", "page_error", "page_error_at", "failing_since",
    "poll_interval_minutes",
})


# -- rows out: what the store's reads return


@dataclass(frozen=True)
class FeedRow:
    id: int
    name: str
    url: str
    interval_minutes: int
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    next_poll_at: str | None
    consecutive_errors: int
    last_error: str | None
    last_success_at: str | None
    last_unconditional_at: str | None
    disabled_reason: str | None
    redirect_target: str | None
    redirect_count: int
    redirect_first_seen: str | None
    failing_since: str | None = None
    poll_interval_minutes: float | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> FeedRow:
        return cls(**{f.name: row[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class StoryRow:
    """A story as stored: what the digest names and dates it by."""

    slug: str
    title: str
    published: str | None


@dataclass(frozen=True)
class FlagRow:
    """A row of the ``flags`` view with its story's title: what the digest reports."""

    kind: str  # confirmation | contradiction | development
    story: str
    claim_key: str | None
    claim_text: str | None
    development_id: int | None
    article_id: int
    article_url: str
    article_title: str | None
    site: str | None
    published_at: str | None
    evidence: str | None
    score: float | None
    found_at: str
    duplicate_of: int | None
    independent_site: str | None
    source: str | None
    independent_source: str | None
    story_title: str


@dataclass(frozen=True)
class RecentFlagRow(FlagRow):
    """A flag with, for a development, the development's summary: what the Atom feed carries."""

    development_summary: str | None


@dataclass(frozen=True)
class LedgerRow:
    """A row of the ``claim_ledger`` view: a tracked claim's state and evidence counts (a
    syndicated group counts as one site)."""

    story: str
    claim_key: str
    claim_text: str
    claim_id: int
    claim_source: str | None  # seed | manual | development
    state: str  # unconfirmed | confirmed | contested
    confirming_sites: int
    contradicting_sites: int
    confirmations: int
    contradictions: int
    confirming_sources: int
    contradicting_sources: int
    first_evidence_at: str | None
    last_evidence_at: str | None


@dataclass(frozen=True)
class FlagTimeRow:
    """When a claim was confirmed or contradicted: what a timeline buckets into days."""

    story: str
    claim_key: str
    kind: str  # confirmation | contradiction
    found_at: str


@dataclass(frozen=True)
class ReviewRow:
    """A confirmation or contradiction below the flag threshold, for a person to check."""

    stance: str  # confirms | contradicts
    score: float | None
    evidence: str | None
    story: str
    claim_key: str
    claim_text: str
    article_id: int
    article_url: str
    article_title: str | None
    site: str | None


@dataclass(frozen=True)
class DevelopmentRow:
    """A row of the ``live_developments`` view with its story's title."""

    id: int
    story: str
    summary: str
    first_seen_at: str
    last_seen_at: str
    article_count: int
    site_count: int
    story_title: str


@dataclass(frozen=True)
class StoredDevelopmentRow:
    """A development as stored: what a claim promoted from it is made of."""

    id: int
    story: str
    summary: str


@dataclass(frozen=True)
class EvidenceRow:
    """A sentence filed under a development: what new reports are clustered against."""

    development_id: int
    evidence: str


@dataclass(frozen=True)
class PendingRow:
    """A sentence that may report a development not opened yet: it joins one opened later."""

    article_id: int
    evidence: str
    score: float


@dataclass(frozen=True)
class RetryEntryRow:
    """A feed entry whose page failed for a transient reason, due for another try."""

    guid_key: str
    url: str | None
    title: str | None
    attempts: int | None


@dataclass(frozen=True)
class DevelopmentArticleRow:
    id: int
    url: str
    title: str | None
    site: str | None
    evidence: str | None
    duplicate_of: int | None


@dataclass(frozen=True)
class FirstConfirmedRow:
    """A claim whose first confirmation fell in the digest's day."""

    story: str
    claim_key: str
    claim_text: str
    first_at: str
    sites: int


@dataclass(frozen=True)
class FeedProblemRow:
    """A configured feed that fails, is disabled, or whose pages fail: the digest's last part."""

    name: str
    url: str
    consecutive_errors: int | None
    last_error: str | None  # the feed's error, else its pages'
    last_error_at: str | None
    last_success_at: str | None
    next_poll_at: str | None
    disabled_reason: str | None
    failing_pages: int | None


@dataclass(frozen=True)
class FeedHealthRow:
    """A feed as ``status`` and ``feeds list`` show it."""

    id: int
    name: str
    url: str
    configured_url: str | None
    interval_minutes: int | None
    active: int
    last_polled_at: str | None
    last_success_at: str | None
    next_poll_at: str | None
    consecutive_errors: int | None
    last_error: str | None
    last_error_at: str | None
    disabled_reason: str | None
    failing_pages: int | None
    page_error: str | None


@dataclass(frozen=True)
class AlertRow:
    """A queued alert: what its message is made of."""

    alert_id: int
    kind: str  # contradiction | development | confirmation
    band: str  # flag | review
    story: str
    claim_key: str | None
    payload: str  # JSON: the claim, evidence, link, title, site, confidence


@dataclass(frozen=True)
class DueDeliveryRow(AlertRow):
    """A pending delivery of an alert to one target, due now."""

    target: str  # sha256 of the Apprise URL, first 16 hex digits
    attempts: int


@dataclass(frozen=True)
class SendingDeliveryRow:
    """A delivery some sender has claimed and not finished."""

    alert_id: int
    target: str
    claimed_by: str | None  # host:pid
    claimed_at: str | None


_R = TypeVar("_R", bound="DataclassInstance")


def _typed(cls: type[_R], rows: list[dict[str, Any]]) -> list[_R]:
    """Rows as ``cls`` (a dataclass whose fields name the query's columns)."""
    names = cls.__dataclass_fields__
    return [cls(**{name: row[name] for name in names}) for row in rows]


def _plain(row: DataclassInstance) -> dict[str, Any]:
    """A row in as ``{column: value}``, one level deep. Its values are plain already, so
    ``dataclasses.asdict``'s recursive deep copy is not needed; on the per-article write path
    it cost more than the inserts it fed."""
    return {name: getattr(row, name) for name in row.__dataclass_fields__}

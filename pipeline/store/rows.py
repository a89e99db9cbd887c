"""The typed rows the store hands out: frozen dataclasses whose fields name the columns."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, TypeVar


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


_R = TypeVar("_R")


def _typed(cls: type[_R], rows: list[dict[str, Any]]) -> list[_R]:
    """Rows as ``cls`` (a dataclass whose fields name the query's columns)."""
    names = cls.__dataclass_fields__  # type: ignore[attr-defined]
    return [cls(**{name: row[name] for name in names}) for row in rows]

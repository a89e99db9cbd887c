"""Time: the clock every component is given, and the one way a UTC instant is written down.

Components take a :data:`Clock` argument instead of calling ``datetime.now`` (tests pass a
fixed or stepping clock); :func:`utcnow` is the real one. Timestamps are stored and shown as
``2026-03-05T14:02:00Z`` (:func:`iso`), which sorts as text in SQLite; :func:`parse` reads them
back (and any other ISO 8601 instant).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["ISO_FORMAT", "Clock", "iso", "parse", "parse_optional", "utcnow"]

Clock = Callable[[], datetime]

# Second precision and a literal Z: every stored timestamp has this one spelling, so that
# comparing two of them as strings (in SQL) compares the instants.
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """``dt`` written as stored. It must already be in UTC: it is not converted."""
    return dt.strftime(ISO_FORMAT)


def parse(value: str) -> datetime:
    """An ISO 8601 instant; a trailing ``Z`` is read as UTC."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def parse_optional(value: str | None) -> datetime | None:
    """:func:`parse`, with no value (None or empty) read as None."""
    if not value:
        return None
    return parse(value)

"""The SQLite store: schema (via sqlite-utils migrations), connection discipline, and every query.

Split by domain: ``schema`` (migrations and views), ``base`` (the connection, the transaction),
``stories``, ``feeds``, ``articles``, ``judgments``, ``reports`` (what the outputs read) and
``alerts``; ``rows`` holds the typed rows, in and out. :class:`Store` is all of them in one
object.

Discipline, for a daemon that writes while Datasette reads the same file:

- WAL journal, ``synchronous=NORMAL`` (a power cut may lose the last commits, never consistency),
  a busy timeout, foreign keys on.
- One writer. Every write goes through :meth:`Store.transaction`, which opens ``BEGIN IMMEDIATE``:
  a deferred ``BEGIN`` that reads and then writes fails at once with "database is locked" when
  another connection committed in between, whatever the busy timeout.
- One transaction per article, so a crash never leaves half an article.

No other module contains SQL, but the syndication index (``ingesting/dedupe.py``), which owns
its own two tables (see ``ARCHITECTURE.md``); ``tests/test_import_rules.py`` checks it.
:meth:`Store.query` is public for inspecting the store (tests, benchmarks), not for pipeline
code.

Every ``sqlite3.Error`` leaving a public method, or the body of :meth:`Store.transaction`, leaves
as a :class:`~pipeline.errors.StoreError` (the original chained as its cause): callers catch the
project's errors, never the driver's.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import StoreError
from .alerts import AlertsStore
from .articles import ArticlesStore
from .base import StoreBase
from .feeds import FeedsStore
from .judgments import JudgmentsStore
from .reports import ReportsStore
from .rows import (
    FEED_POLL_COLUMNS,
    AlertRow,
    ArticleText,
    DevelopmentArticleRow,
    DevelopmentRow,
    DueDeliveryRow,
    EntryRecord,
    EvidenceRow,
    FeedHealthRow,
    FeedProblemRow,
    FeedRow,
    FirstConfirmedRow,
    FlagRow,
    FlagTimeRow,
    LedgerRow,
    NewAlert,
    NewArticle,
    NewMatch,
    PendingRow,
    PollRecord,
    RecentFlagRow,
    RetryEntryRow,
    ReviewRow,
    SendingDeliveryRow,
    StoredDevelopmentRow,
    StoryRow,
)
from .schema import APPLICATION_ID, BUSY_TIMEOUT_S, migrations
from .stories import StoriesStore

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_S",
    "FEED_POLL_COLUMNS",
    "AlertRow",
    "ArticleText",
    "DevelopmentArticleRow",
    "DevelopmentRow",
    "DueDeliveryRow",
    "EntryRecord",
    "EvidenceRow",
    "FeedHealthRow",
    "FeedProblemRow",
    "FeedRow",
    "FirstConfirmedRow",
    "FlagRow",
    "FlagTimeRow",
    "LedgerRow",
    "NewAlert",
    "NewArticle",
    "NewMatch",
    "PendingRow",
    "PollRecord",
    "RecentFlagRow",
    "RetryEntryRow",
    "ReviewRow",
    "SendingDeliveryRow",
    "Store",
    "StoreBase",
    "StoredDevelopmentRow",
    "StoryRow",
    "migrations",
]


class Store(StoriesStore, FeedsStore, ArticlesStore, JudgmentsStore, ReportsStore, AlertsStore):
    """One connection to the store. Use one ``Store`` per process that writes."""


_F = TypeVar("_F", bound=Callable[..., Any])


def _wrapping_sqlite_errors(method: _F) -> _F:
    """``method`` with every ``sqlite3.Error`` it raises turned into a StoreError."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as e:
            raise StoreError(f"the store failed in {method.__name__}: {e}") from e

    return wrapper  # type: ignore[return-value]


def _guard_store_boundary(cls: type[Store]) -> None:
    """Wrap every public method of ``cls`` and its domain classes (the boundary), set on
    ``cls`` itself: ``transaction`` wraps its own."""
    members: dict[str, Any] = {}
    for klass in reversed(cls.__mro__[:-1]):  # the most derived definition wins
        members.update(vars(klass))
    for name, member in members.items():
        if name.startswith("_") or name == "transaction":
            continue
        if isinstance(member, classmethod):
            setattr(cls, name, classmethod(_wrapping_sqlite_errors(member.__func__)))
        elif inspect.isfunction(member):
            setattr(cls, name, _wrapping_sqlite_errors(member))


_guard_store_boundary(Store)

"""The one exception hierarchy of claimwatch.

::

    ClaimwatchError
    ├── ConfigError            bad configuration (file, dotted key, what is wrong); CLI exit 2
    ├── StoreError             the SQLite store cannot be opened, migrated or written
    ├── ModelError             the stance model file is missing, corrupt or of the wrong version
    ├── InputError             a file or argument given on the command line is unusable; CLI exit 2
    ├── AlertError             one alert could not be delivered to one target (retried later)
    └── FetchError             one HTTP fetch failed (carries url and a stable ``kind`` code)
        ├── BlockedURLError        scheme not http/https, userinfo, or an address the guard refuses
        ├── FetchTimeoutError      connect/read timeout or the total deadline passed
        ├── TooLargeError          the decoded body passed the byte cap
        ├── TooManyRedirectsError  more than the allowed hops, or a loop
        ├── HTTPStatusError        a non-success status (carries ``status`` and ``retry_after``)
        ├── ContentError           undecodable body (corrupt gzip), wrong content type
        └── NetworkError           DNS, connection refused/reset, TLS
    ParseError                 a feed body is not a feed (HTML, empty, garbage)
    ExtractError               a page gave no article text, or the worker timed out

``kind`` codes are what ends up in ``feeds.last_error`` and ``articles.fetch_error``, so they are
part of the store's vocabulary: ``blocked``, ``timeout``, ``too_large``, ``redirects``, ``http_404``
(``http_`` + status), ``content``, ``network``, ``tls``, ``not_a_feed``, ``parse_timeout``,
``extract_failed``, ``extract_timeout``; the errors outside fetching have ``config``, ``store``,
``model``, ``input`` and ``alert``.

Every error carries ``kind``, ``url`` (None where there is none) and ``transient`` (a retry later
may succeed), decided by :func:`is_transient` alone. Every error pickles whole, so one raised in a
worker process arrives in the parent with its class and attributes (``workers``).

Library code raises these; only the CLI turns them into messages and exit codes.
"""

from __future__ import annotations

from typing import Any

# Failures at the connection itself, before the publisher said anything: when most feeds fail
# this way at once the fault is our network (scheduling's outage rule, and its SQL twin in
# ``Store.recent_polls``), and a retry later may succeed.
#
# ``tls`` is not among them. A certificate that is expired, self-signed or for another name,
# or a protocol the server refuses, does not fix itself within the minutes or hours of our
# retries; retrying only hides a real fault. A TLS handshake that merely stalls is a timeout
# (``http._translate`` checks timeouts first), so it is ``timeout`` and transient.
CONNECTION_KINDS: tuple[str, ...] = ("network", "timeout")

# Delivery of an alert is retried by the outbox whatever the reason: Apprise does not tell a
# dead target from one that is down for a while.
_RETRIED_KINDS = frozenset({"alert"})


def is_transient(kind: str) -> bool:
    """Whether a failure of this ``kind`` may go away if tried again later: a connection that
    failed (:data:`CONNECTION_KINDS`), or a server that said "not now" (5xx, 429). The one
    place that decides it; a page that failed transiently is fetched again later."""
    if kind in CONNECTION_KINDS or kind in _RETRIED_KINDS:
        return True
    status = _http_status(kind)
    return status is not None and (status >= 500 or status == 429)


def is_connection_failure(error: BaseException) -> bool:
    """A failure that says nothing about the feed when most feeds fail this way at once."""
    return isinstance(error, ClaimwatchError) and error.kind in CONNECTION_KINDS


def _http_status(kind: str) -> int | None:
    """The status of an ``http_NNN`` kind, else None."""
    prefix, _, digits = kind.partition("_")
    return int(digits) if prefix == "http" and digits.isdigit() else None


def _rebuild(cls: type[ClaimwatchError], args: tuple[Any, ...],
             state: dict[str, Any]) -> ClaimwatchError:
    # Not through __init__: its signature differs per class, and the state holds its result.
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class ClaimwatchError(Exception):
    """Base class of every error claimwatch raises on purpose.

    ``kind`` defaults to the class's own; ``url`` is None where the error is about no URL.
    """

    kind: str = "error"
    # Set on an error raised in a worker process (``workers``): the traceback there.
    remote_traceback: str | None = None

    def __init__(self, message: str = "", *, url: str | None = None, kind: str | None = None):
        self.url = url
        if kind is not None:
            self.kind = kind
        super().__init__(message)

    @property
    def transient(self) -> bool:
        return is_transient(self.kind)

    def __reduce__(self) -> tuple[Any, ...]:
        # The default rebuilds through __init__ with ``args`` alone, which fails for every
        # class whose __init__ takes keywords (``url``) or reshapes its message.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class ConfigError(ClaimwatchError):
    """One or more configuration problems, each ``(file, dotted_key, message)``."""

    kind = "config"

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(
            f"{path}: {key}: {msg}" if key else f"{path}: {msg}" for path, key, msg in self.problems
        )


class StoreError(ClaimwatchError):
    """The store could not be opened, checked or migrated."""

    kind = "store"


class ModelError(ClaimwatchError):
    """The stance model could not be loaded."""

    kind = "model"


class InputError(ClaimwatchError):
    """A user-supplied file or argument cannot be used."""

    kind = "input"


class AlertError(ClaimwatchError):
    """An alert target refused a message or did not answer; the outbox retries it."""

    kind = "alert"


class FetchError(ClaimwatchError):
    """A fetch failed. ``kind`` is a short stable code stored on the feed or article row."""

    kind = "fetch"

    def __init__(self, message: str, *, url: str, kind: str | None = None):
        super().__init__(f"{message} ({url})", url=url, kind=kind)


class BlockedURLError(FetchError):
    kind = "blocked"


class FetchTimeoutError(FetchError):
    kind = "timeout"


class TooLargeError(FetchError):
    kind = "too_large"


class TooManyRedirectsError(FetchError):
    kind = "redirects"


class ContentError(FetchError):
    kind = "content"


class NetworkError(FetchError):
    kind = "network"


class TLSError(NetworkError):
    kind = "tls"


class HTTPStatusError(FetchError):
    """A status the caller must act on. ``retry_after`` is seconds (already clamped) or None."""

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status: int,
        retry_after: float | None = None,
    ):
        self.status = status
        self.retry_after = retry_after
        super().__init__(message, url=url, kind=f"http_{status}")


class ParseError(ClaimwatchError):
    """A feed body could not be parsed as a feed."""

    kind = "not_a_feed"

    def __init__(self, message: str, *, url: str, kind: str = "not_a_feed"):
        super().__init__(f"{message} ({url})", url=url, kind=kind)


class ExtractError(ClaimwatchError):
    """No article text could be extracted from a page."""

    kind = "extract_failed"

    def __init__(self, message: str, *, url: str, kind: str = "extract_failed"):
        super().__init__(f"{message} ({url})", url=url, kind=kind)

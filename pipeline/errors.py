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
``extract_failed``, ``extract_timeout``.

Library code raises these; only the CLI turns them into messages and exit codes.
"""

from __future__ import annotations


class ClaimwatchError(Exception):
    """Base class of every error claimwatch raises on purpose."""


class ConfigError(ClaimwatchError):
    """One or more configuration problems, each ``(file, dotted_key, message)``."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(
            f"{path}: {key}: {msg}" if key else f"{path}: {msg}" for path, key, msg in self.problems
        )


class StoreError(ClaimwatchError):
    """The store could not be opened, checked or migrated."""


class ModelError(ClaimwatchError):
    """The stance model could not be loaded."""


class InputError(ClaimwatchError):
    """A user-supplied file or argument cannot be used."""


class AlertError(ClaimwatchError):
    """An alert target refused a message or did not answer; the outbox retries it."""


class FetchError(ClaimwatchError):
    """A fetch failed. ``kind`` is a short stable code stored on the feed or article row."""

    kind = "fetch"

    def __init__(self, message: str, *, url: str):
        self.url = url
        super().__init__(f"{message} ({url})")


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
        super().__init__(message, url=url)

    @property
    def kind(self) -> str:  # type: ignore[override]
        return f"http_{self.status}"


class ParseError(ClaimwatchError):
    """A feed body could not be parsed as a feed."""

    def __init__(self, message: str, *, url: str, kind: str = "not_a_feed"):
        self.url = url
        self.kind = kind
        super().__init__(f"{message} ({url})")


class ExtractError(ClaimwatchError):
    """No article text could be extracted from a page."""

    def __init__(self, message: str, *, url: str, kind: str = "extract_failed"):
        self.url = url
        self.kind = kind
        super().__init__(f"{message} ({url})")

"""Functions a test runs in a real worker process (spawned: they must be importable by name)."""

from __future__ import annotations

from pipeline.errors import HTTPStatusError, ParseError, StoreError
from pipeline.ingesting.extract import ExtractedPage

URL = "https://a.example/feed"


def fail(how: str) -> None:
    if how == "http":
        raise HTTPStatusError("service unavailable", url=URL, status=503, retry_after=60.0)
    if how == "parse":
        raise ParseError("not an RSS or Atom feed", url=URL, kind="not_a_feed")
    if how == "unpicklable":
        error = StoreError("holds a lambda")
        # An attribute no error has, holding what pickle refuses: the test is that it fails.
        error.hook = lambda: None  # type: ignore[attr-defined]
        raise error
    _bug()


def _bug() -> ExtractedPage:
    """A bug: a KeyError from a lookup that was never going to work."""
    table: dict[str, ExtractedPage] = {}
    return table["missing"]


def buggy_extract(html: bytes, url: str, charset: str | None = None) -> ExtractedPage:
    """Stands in for ``extract.extract_page`` with a bug in it."""
    return _bug()


def nap(seconds: float, tag: str) -> tuple[str, int, float]:
    """Sleep, then say who did it, in which process, and when it started (monotonic)."""
    import os
    import time

    started = time.monotonic()
    time.sleep(seconds)
    return tag, os.getpid(), started


def die() -> None:
    """The child ends at once, as if the memory limit or a segfault took it."""
    import os

    os._exit(9)


def echo(data: bytes) -> bytes:
    """Send the data back (a large result fills the pipe until the parent reads it)."""
    return data

"""The guarded fetcher: unit tests over httpx.MockTransport, end-to-end tests over LocalServer.

The end-to-end half is the hostile-server list of the reliability checklist (section 2.1):
each test plays one misbehaving server and checks the error kind and that time and memory
stayed bounded.
"""

from __future__ import annotations

import gzip
import resource
import shutil
import socket
import ssl
import subprocess
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpcore
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import (
    BlockedURLError,
    ContentError,
    FetchTimeoutError,
    HTTPStatusError,
    NetworkError,
    TLSError,
    TooLargeError,
    TooManyRedirectsError,
)
from pipeline.fetching.fetcher import (
    RETRY_AFTER_CAP,
    Fetcher,
    FetchResult,
    ForbiddenAddressError,
    GuardedBackend,
    GuardedTransport,
    NetworkSettings,
    is_forbidden_address,
    parse_retry_after,
)
from tests.localserver import LocalServer, gzip_bomb

# ``local_server`` comes from tests/localserver.py through tests/conftest.py.

MiB = 2**20


class FakeClock:
    """Monotonic time that only moves when someone sleeps, so politeness tests never wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def mock_fetcher(clock: FakeClock) -> Iterator[Callable[..., Fetcher]]:
    """Build Fetchers over a MockTransport handler; all closed at teardown."""
    made: list[Fetcher] = []

    def make(handler: Handler, **overrides: Any) -> Fetcher:
        fetcher = Fetcher(
            NetworkSettings(**overrides),
            transport=httpx.MockTransport(handler),
            sleep=clock.sleep,
            monotonic=clock.monotonic,
        )
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()


def ok(body: bytes = b"<html></html>", **headers: str) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=body)

    return handler


class Untouchable(httpx.SyncByteStream):
    """A body that fails the test if anyone reads it, and remembers being closed."""

    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        raise AssertionError("this body must never be read")

    def close(self) -> None:
        self.closed = True


def chunks_of(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


# --------------------------------------------------------------------------- request shape


def test_request_headers_name_us_and_ask_only_for_gzip_and_deflate(mock_fetcher):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"x")

    fetcher = mock_fetcher(handler, user_agent="claimwatch-test/1")
    fetcher.fetch("https://news.example/a", kind="page")
    fetcher.fetch("https://news.example/feed", kind="feed")
    page, feed = seen
    assert page.headers["user-agent"] == "claimwatch-test/1"
    assert page.headers["accept-encoding"] == "gzip, deflate"
    assert "text/html" in page.headers["accept"]
    assert "application/rss+xml" in feed.headers["accept"]
    for request in seen:
        assert "referer" not in request.headers
        assert "cookie" not in request.headers
        assert "if-none-match" not in request.headers
        assert "if-modified-since" not in request.headers


def test_result_fields(mock_fetcher):
    handler = ok(b"<rss/>", **{"Content-Type": "Application/RSS+XML; charset=UTF-8", "ETag": '"1"'})
    result = mock_fetcher(handler).fetch("https://news.example/feed#frag", kind="feed")
    assert result == FetchResult(
        url="https://news.example/feed#frag",
        final_url="https://news.example/feed",
        status=200,
        headers=result.headers,
        body=b"<rss/>",
        redirects=(),
        permanent_redirect=None,
        content_type="application/rss+xml",
    )
    assert result.headers["etag"] == '"1"'
    assert all(key == key.lower() for key in result.headers)
    with pytest.raises(TypeError):
        # The test is that this fails: the headers are read-only, also to the type checker.
        result.headers["etag"] = "changed"  # type: ignore[index]


def test_missing_content_type_is_empty_string(mock_fetcher):
    result = mock_fetcher(ok(b"x")).fetch("https://news.example/", kind="page")
    assert result.content_type == ""


def test_cookies_are_never_sent_back(mock_fetcher):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Set-Cookie": "sid=secret; Path=/"}, content=b"x")

    fetcher = mock_fetcher(handler)
    fetcher.fetch("https://news.example/a", kind="page")
    fetcher.fetch("https://news.example/b", kind="page")
    assert "cookie" not in seen[1].headers


def test_unknown_kind_is_a_programming_error(mock_fetcher):
    with pytest.raises(ValueError):
        # The test is a kind the type forbids, as a caller without a type checker passes it.
        mock_fetcher(ok()).fetch("https://news.example/", kind="image")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- URL checks


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://news.example/feed.xml",
        "gopher://news.example/",
        "data:text/html,<h1>hi</h1>",
        "javascript:alert(1)",
        "http://user:secret@news.example/feed",
        "https://user@news.example/feed",
        "news.example/feed",
        "",
        "http://",
    ],
)
def test_unfetchable_urls_are_refused_before_any_io(mock_fetcher, url):
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200)

    with pytest.raises(BlockedURLError) as info:
        mock_fetcher(handler).fetch(url, kind="feed")
    assert info.value.url == url
    assert info.value.kind == "blocked"
    assert calls == []


# --------------------------------------------------------------------------- status handling


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 418, 500, 502])
def test_error_statuses_raise_with_status_and_no_retry_after(mock_fetcher, status):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"Retry-After": "60"}, content=b"nope")

    with pytest.raises(HTTPStatusError) as info:
        mock_fetcher(handler).fetch("https://news.example/feed", kind="feed")
    assert info.value.status == status
    assert info.value.kind == f"http_{status}"
    assert info.value.retry_after is None  # only 429 and 503 carry a back-off
    assert info.value.url == "https://news.example/feed"


def test_429_carries_retry_after_seconds(mock_fetcher):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "120"})

    with pytest.raises(HTTPStatusError) as info:
        mock_fetcher(handler).fetch("https://news.example/feed", kind="feed")
    assert info.value.retry_after == 120.0


def test_503_retry_after_date_is_measured_from_the_servers_date(mock_fetcher):
    # The server's clock is a day behind ours; the delay it means is still 5 minutes.
    server_now = datetime.now(UTC) - timedelta(days=1)
    headers = {
        "Date": format_datetime(server_now, usegmt=True),
        "Retry-After": format_datetime(server_now + timedelta(minutes=5), usegmt=True),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers=headers)

    with pytest.raises(HTTPStatusError) as info:
        mock_fetcher(handler).fetch("https://news.example/feed", kind="feed")
    assert info.value.retry_after == pytest.approx(300, abs=1)


def test_other_2xx_is_success(mock_fetcher):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(204)

    result = mock_fetcher(handler).fetch("https://news.example/ping", kind="page")
    assert (result.status, result.body) == (204, b"")


# --------------------------------------------------------------------------- conditional GET


@pytest.mark.parametrize(
    "etag",
    ['"abc"', 'W/"abc"', 'W/"33a64df551425fcc55e4d42a148795d9f25f89d4"', '"a b"', "unquoted"],
)
def test_validators_are_echoed_byte_for_byte(mock_fetcher, etag):
    last_modified = "Wed, 21 Oct 2015 07:28:00 GMT"
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(304, headers={"ETag": etag})

    result = mock_fetcher(handler).fetch(
        "https://news.example/feed", kind="feed", etag=etag, last_modified=last_modified
    )
    assert seen[0].headers.get_list("if-none-match") == [etag]
    assert seen[0].headers["if-modified-since"] == last_modified
    assert result.status == 304
    assert result.body == b""
    assert result.headers["etag"] == etag


def test_304_body_is_never_read(mock_fetcher):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(304, stream=Untouchable())

    result = mock_fetcher(handler).fetch("https://news.example/feed", kind="feed", etag='"x"')
    assert result.status == 304


# --------------------------------------------------------------------------- redirects


def redirecting(hops: dict[str, tuple[int, str]], final: bytes = b"done") -> Handler:
    """Answer each path in ``hops`` with (status, Location); anything else with 200."""

    def handler(request: httpx.Request) -> httpx.Response:
        hop = hops.get(str(request.url)) or hops.get(request.url.path)
        if hop is None:
            return httpx.Response(200, content=final)
        status, location = hop
        return httpx.Response(status, headers={"Location": location}, stream=Untouchable())

    return handler


def test_permanent_redirect_reported_only_when_every_hop_is_permanent(mock_fetcher):
    fetcher = mock_fetcher(
        redirecting({"/old": (301, "/newer"), "/newer": (308, "https://cdn.example/feed")})
    )
    result = fetcher.fetch("https://news.example/old", kind="feed")
    assert result.final_url == "https://cdn.example/feed"
    assert result.redirects == (
        (301, "https://news.example/newer"),
        (308, "https://cdn.example/feed"),
    )
    assert result.permanent_redirect == "https://cdn.example/feed"
    assert result.body == b"done"

    fetcher = mock_fetcher(redirecting({"/old": (301, "/temp"), "/temp": (302, "/final")}))
    result = fetcher.fetch("https://news.example/old", kind="feed")
    assert result.final_url == "https://news.example/final"
    assert result.permanent_redirect is None


@pytest.mark.parametrize("status", [302, 303, 307])
def test_temporary_redirects_are_followed_but_not_permanent(mock_fetcher, status):
    result = mock_fetcher(redirecting({"/dir/a": (status, "b?x=1#frag")})).fetch(
        "https://news.example/dir/a", kind="page"
    )
    assert result.final_url == "https://news.example/dir/b?x=1"
    assert result.permanent_redirect is None


def test_redirect_bodies_are_closed_unread(mock_fetcher):
    bodies: list[Untouchable] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/final":
            return httpx.Response(200, content=b"ok")
        body = Untouchable()
        bodies.append(body)
        return httpx.Response(302, headers={"Location": "/final"}, stream=body)

    assert mock_fetcher(handler).fetch("https://news.example/", kind="page").body == b"ok"
    assert [b.closed for b in bodies] == [True]


def test_max_redirects_is_the_limit(mock_fetcher):
    chain = {f"/{i}": (302, f"/{i + 1}") for i in range(6)}
    result = mock_fetcher(redirecting(chain), max_redirects=6).fetch(
        "https://news.example/0", kind="page"
    )
    assert len(result.redirects) == 6
    with pytest.raises(TooManyRedirectsError) as info:
        mock_fetcher(redirecting(chain), max_redirects=5).fetch(
            "https://news.example/0", kind="page"
        )
    assert info.value.kind == "redirects"
    assert info.value.url == "https://news.example/0"


@pytest.mark.parametrize(
    "hops",
    [
        {"/a": (301, "/a")},
        {"/a": (302, "/b"), "/b": (302, "/a")},
        {"/a": (302, "https://news.example/a#elsewhere")},
    ],
)
def test_redirect_loops_are_detected(mock_fetcher, hops):
    with pytest.raises(TooManyRedirectsError, match="loop"):
        mock_fetcher(redirecting(hops)).fetch("https://news.example/a", kind="page")


@pytest.mark.parametrize(
    "target",
    [
        "file:///etc/passwd",
        "ftp://news.example/feed",
        "gopher://news.example:70/",
        "data:text/html,hi",
        "javascript:alert(1)",
        "http://admin:admin@news.example/",
        "http://[::1",  # unparseable
    ],
)
def test_redirect_targets_are_checked_before_following(mock_fetcher, target):
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(302, headers={"Location": target}, stream=Untouchable())

    with pytest.raises(BlockedURLError) as info:
        mock_fetcher(handler).fetch("https://news.example/a", kind="page")
    assert info.value.url == "https://news.example/a"
    assert calls == ["https://news.example/a"]


def test_https_to_http_downgrade_is_refused(mock_fetcher):
    handler = redirecting({"/a": (301, "http://news.example/a")})
    with pytest.raises(BlockedURLError, match="downgrade"):
        mock_fetcher(handler).fetch("https://news.example/a", kind="page")
    # The upgrade is fine.
    handler = redirecting({"http://news.example/a": (301, "https://news.example/a")})
    result = mock_fetcher(handler).fetch("http://news.example/a", kind="page")
    assert result.final_url == "https://news.example/a"


def test_3xx_without_location_is_a_status_error(mock_fetcher):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302)

    with pytest.raises(HTTPStatusError) as info:
        mock_fetcher(handler).fetch("https://news.example/a", kind="page")
    assert info.value.status == 302


# --------------------------------------------------------------------------- decoding and caps


def test_gzip_and_deflate_are_undone(mock_fetcher):
    text = b"<rss>" + b"caf\xc3\xa9 " * 5000 + b"</rss>"
    zlib_wrapped = zlib.compress(text)
    raw = zlib.compressobj(wbits=-15)
    raw_deflate = raw.compress(text) + raw.flush()
    cases = [
        ("gzip", gzip.compress(text)),
        ("x-gzip", gzip.compress(text)),
        ("deflate", zlib_wrapped),
        ("deflate", raw_deflate),  # not RFC, but sent by real servers
        ("gzip", gzip.compress(text[:100]) + gzip.compress(text[100:])),  # two members
        ("gzip", gzip.compress(text) + b"\x00" * 7),  # padding after the stream
        ("deflate, gzip", gzip.compress(zlib.compress(text))),
        ("identity", text),
    ]
    for encoding, body in cases:
        result = mock_fetcher(ok(body, **{"Content-Encoding": encoding})).fetch(
            "https://news.example/feed", kind="feed"
        )
        assert result.body == text, encoding


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=4000),
    encoding=st.sampled_from(["gzip", "deflate", "identity"]),
    chunk=st.integers(min_value=1, max_value=700),
)
def test_decoding_does_not_depend_on_how_the_bytes_arrive(data, encoding, chunk):
    wire = {"gzip": gzip.compress, "deflate": zlib.compress, "identity": bytes}[encoding](data)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"Content-Encoding": encoding}, content=chunks_of(wire, chunk)
        )

    with Fetcher(NetworkSettings(min_host_interval=0), transport=httpx.MockTransport(handler)) as f:
        assert f.fetch("https://news.example/feed", kind="feed").body == data


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", b"this is not gzip at all"),
        ("gzip", gzip.compress(b"x" * 10000)[:-30]),  # truncated
        ("gzip", gzip.compress(b"x" * 10000)[:20] + b"\xff" * 40),  # corrupt
        ("deflate", b"\xff\xfe\xfd\xfc garbage"),
        ("br", b"whatever"),
        ("zstd", b"whatever"),
        ("gzip, gzip, gzip, gzip", b"stacked to multiply a bomb"),
    ],
)
def test_undecodable_bodies_are_content_errors(mock_fetcher, encoding, body):
    def handler(request: httpx.Request) -> httpx.Response:
        # A streamed body, as from a socket: httpx would decode ``content=`` bytes eagerly.
        return httpx.Response(200, headers={"Content-Encoding": encoding}, content=iter([body]))

    with pytest.raises(ContentError) as info:
        mock_fetcher(handler).fetch("https://news.example/feed", kind="feed")
    assert info.value.kind == "content"


def test_cap_is_on_decoded_bytes_and_exact(mock_fetcher):
    cap = 100_000
    just_fits = gzip.compress(b"a" * cap)
    result = mock_fetcher(ok(just_fits, **{"Content-Encoding": "gzip"}), max_page_bytes=cap).fetch(
        "https://news.example/", kind="page"
    )
    assert len(result.body) == cap
    one_over = gzip.compress(b"a" * (cap + 1))
    with pytest.raises(TooLargeError) as info:
        mock_fetcher(ok(one_over, **{"Content-Encoding": "gzip"}), max_page_bytes=cap).fetch(
            "https://news.example/", kind="page"
        )
    assert info.value.kind == "too_large"


def test_feed_and_page_have_their_own_caps(mock_fetcher):
    body = b"x" * 2000
    fetcher = mock_fetcher(ok(body), max_feed_bytes=1000, max_page_bytes=5000)
    assert fetcher.fetch("https://news.example/a", kind="page").body == body
    with pytest.raises(TooLargeError):
        fetcher.fetch("https://news.example/f", kind="feed")


def test_honest_content_length_over_cap_is_refused_unread(mock_fetcher):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(10**9)}, stream=Untouchable())

    with pytest.raises(TooLargeError, match="Content-Length"):
        mock_fetcher(handler).fetch("https://news.example/video.mp4", kind="page")


def test_body_without_length_is_cut_at_the_cap(mock_fetcher):
    produced: list[int] = []

    def endless() -> Iterator[bytes]:
        while True:
            produced.append(1)
            yield b"z" * 4096

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless())

    with pytest.raises(TooLargeError):
        mock_fetcher(handler, max_page_bytes=100_000).fetch("https://news.example/", kind="page")
    assert len(produced) == 100_000 // 4096 + 1  # stopped at the first chunk past the cap


def test_total_deadline_is_checked_between_body_chunks(mock_fetcher, clock):
    def slow() -> Iterator[bytes]:
        while True:
            clock.now += 10  # each chunk arrives just inside any per-read timeout
            yield b"."

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=slow())

    with pytest.raises(FetchTimeoutError) as info:
        mock_fetcher(handler, total_timeout=45).fetch("https://news.example/", kind="page")
    assert info.value.kind == "timeout"


# --------------------------------------------------------------------------- error mapping


def _tls_failure() -> httpx.ConnectError:
    try:
        raise ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed")
    except ssl.SSLError as e:
        try:
            raise httpcore.ConnectError(str(e)) from e
        except httpcore.ConnectError as core:
            error = httpx.ConnectError(str(core))
            error.__cause__ = core
            return error


@pytest.mark.parametrize(
    ("make_error", "expected", "kind"),
    [
        (lambda: httpx.ConnectError("connection refused"), NetworkError, "network"),
        (lambda: httpx.ReadError("connection reset"), NetworkError, "network"),
        (lambda: httpx.RemoteProtocolError("illegal status line"), NetworkError, "network"),
        (lambda: httpx.ConnectTimeout("timed out"), FetchTimeoutError, "timeout"),
        (lambda: httpx.ReadTimeout("timed out"), FetchTimeoutError, "timeout"),
        (_tls_failure, TLSError, "tls"),
        (lambda: httpx.DecodingError("bad gzip"), ContentError, "content"),
    ],
)
def test_transport_errors_are_translated_and_chained(mock_fetcher, make_error, expected, kind):
    raised: list[Exception] = []

    def handler(request: httpx.Request) -> httpx.Response:
        raised.append(make_error())
        raise raised[0]

    with pytest.raises(expected) as info:
        mock_fetcher(handler).fetch("https://news.example/feed", kind="feed")
    assert type(info.value) is expected
    assert info.value.kind == kind
    assert info.value.url == "https://news.example/feed"
    assert info.value.__cause__ is raised[0]


def test_errors_on_a_later_hop_carry_the_url_asked_for(mock_fetcher):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "cdn.example":
            raise httpx.ConnectError("refused")
        return httpx.Response(301, headers={"Location": "https://cdn.example/feed"})

    with pytest.raises(NetworkError) as info:
        mock_fetcher(handler).fetch("https://news.example/feed", kind="feed")
    assert info.value.url == "https://news.example/feed"
    assert "cdn.example" in str(info.value)


# --------------------------------------------------------------------------- politeness


def test_requests_to_one_host_are_spaced(mock_fetcher, clock):
    fetcher = mock_fetcher(ok(), min_host_interval=1.0)
    fetcher.fetch("https://a.example/1", kind="page")
    fetcher.fetch("https://a.example/2", kind="page")
    assert clock.sleeps == [pytest.approx(1.0)]
    fetcher.fetch("https://b.example/1", kind="page")  # another host: no wait
    assert len(clock.sleeps) == 1
    clock.now += 5
    fetcher.fetch("https://a.example/3", kind="page")  # long enough ago: no wait
    assert len(clock.sleeps) == 1


def test_politeness_waits_do_not_use_up_the_deadline(mock_fetcher, clock):
    fetcher = mock_fetcher(
        redirecting({"/a": (301, "/b"), "/b": (301, "/c")}),
        min_host_interval=2.0,
        total_timeout=1.0,
    )
    result = fetcher.fetch("https://a.example/a", kind="page")
    assert result.final_url == "https://a.example/c"
    assert clock.sleeps == [pytest.approx(2.0), pytest.approx(2.0)]


def test_politeness_holds_across_threads():
    interval = 0.1
    starts: list[float] = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            starts.append(time.monotonic())
        return httpx.Response(200, content=b"x")

    settings_ = NetworkSettings(min_host_interval=interval)
    with Fetcher(settings_, transport=httpx.MockTransport(handler)) as fetcher:
        threads = [
            threading.Thread(
                target=fetcher.fetch, args=(f"https://a.example/{i}",), kwargs={"kind": "page"}
            )
            for i in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    starts.sort()
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 6
    assert min(gaps) >= interval * 0.8


# --------------------------------------------------------------------------- Retry-After

NOW = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)


def http_date(when: datetime) -> str:
    return format_datetime(when, usegmt=True)


@pytest.mark.parametrize(
    ("value", "date_header", "expected"),
    [
        ("120", None, 120.0),
        (" 120 ", None, 120.0),
        ("0", None, 0.0),
        ("-5", None, 0.0),
        ("abc", None, None),
        ("12.5", None, None),
        ("", None, None),
        (None, None, None),
        ("999999999", None, RETRY_AFTER_CAP),
        ("9" * 400, None, RETRY_AFTER_CAP),
        (http_date(NOW + timedelta(minutes=2)), None, 120.0),  # relative to now
        (http_date(NOW - timedelta(hours=1)), None, 0.0),  # in the past
        # Relative to the response's Date, not to our clock (theirs is an hour behind).
        (http_date(NOW - timedelta(minutes=58)), http_date(NOW - timedelta(hours=1)), 120.0),
        (http_date(NOW + timedelta(minutes=2)), "not a date", 120.0),  # bad Date: use now
        (http_date(NOW + timedelta(days=400)), None, RETRY_AFTER_CAP),
        ("Mon, 99 Foo 2026 99:99:99 GMT", None, None),
    ],
)
def test_parse_retry_after_table(value, date_header, expected):
    assert parse_retry_after(value, date_header=date_header, now=NOW) == expected


def test_parse_retry_after_treats_naive_now_as_utc():
    value = http_date(NOW + timedelta(seconds=30))
    assert parse_retry_after(value, date_header=None, now=NOW.replace(tzinfo=None)) == 30.0


@given(
    st.one_of(
        st.text(),
        st.integers().map(str),
        st.datetimes().map(lambda d: http_date(d.replace(tzinfo=UTC))),
    )
)
def test_parse_retry_after_is_none_or_within_bounds(value):
    result = parse_retry_after(value, date_header=None, now=NOW)
    assert result is None or 0.0 <= result <= RETRY_AFTER_CAP


@given(st.integers())
def test_parse_retry_after_delta_seconds_is_clamped_integer(seconds):
    expected = float(min(max(seconds, 0), RETRY_AFTER_CAP))
    assert parse_retry_after(str(seconds), date_header=None, now=NOW) == expected


# --------------------------------------------------------------------------- address guard

DENIED = [
    "127.0.0.1",
    "127.255.255.254",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.255",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.0.8",
    "192.0.2.1",
    "198.18.0.1",
    "198.51.100.7",
    "203.0.113.9",
    "::",
    "::1",
    "::127.0.0.1",
    "fe80::1",
    "fe80::1%eth0",
    "febf::1",
    "fc00::1",
    "fd12:3456:789a::1",
    "ff02::1",
    "fec0::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "64:ff9b::7f00:1",
    "64:ff9b::10.0.0.1",
    "64:ff9b:1::8.8.8.8",
    "2002:7f00:1::1",
    "2002:a9fe:a9fe::",
    "2001::1",
    "2001:db8::1",
    "100::1",
    "not an address",
    "",
]
ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "100.63.255.255",
    "100.128.0.0",
    "172.32.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::8.8.8.8",
    "2002:808:808::1",
]


@pytest.mark.parametrize("address", DENIED)
def test_denied_addresses(address):
    assert is_forbidden_address(address)


@pytest.mark.parametrize("address", ALLOWED)
def test_allowed_addresses(address):
    assert not is_forbidden_address(address)


DENIED_V4_NETS = [
    (0x00000000, 8),
    (0x0A000000, 8),
    (0x64400000, 10),
    (0x7F000000, 8),
    (0xA9FE0000, 16),
    (0xAC100000, 12),
    (0xC0A80000, 16),
    (0xE0000000, 4),
    (0xF0000000, 4),
]
denied_v4 = st.sampled_from(DENIED_V4_NETS).flatmap(
    lambda net: st.integers(0, 2 ** (32 - net[1]) - 1).map(lambda offset: net[0] | offset)
)


def ipv4_spellings(n: int) -> list[str]:
    """Every way inet_aton (and so getaddrinfo) will read as the IPv4 address ``n``."""
    a, b, c, d = n.to_bytes(4, "big")
    parts = [a, b, c, d]
    return [
        ".".join(map(str, parts)),
        ".".join(f"0{p:o}" for p in parts),
        ".".join(f"0x{p:x}" for p in parts),
        ".".join([f"0x{a:x}", f"0{b:o}", str(c), f"0x{d:X}"]),
        str(n),
        f"0x{n:x}",
        f"0{n:o}",
        f"{a}.{b}.{(c << 8) | d}",
        f"{a}.{(b << 16) | (c << 8) | d}",
        f"0x{a:x}.0x{(b << 16) | (c << 8) | d:x}",
        f"::ffff:{a}.{b}.{c}.{d}",
        f"::ffff:{n >> 16:x}:{n & 0xFFFF:x}",
        f"0:0:0:0:0:ffff:{a}.{b}.{c}.{d}",
        f"64:ff9b::{a}.{b}.{c}.{d}",
        f"2002:{n >> 16:x}:{n & 0xFFFF:x}::1",
    ]


def numeric_resolve(host: str, port: int):
    # AI_NUMERICHOST: the test must never send a DNS query, whatever the spelling.
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)


class NoConnect(httpcore.NetworkBackend):
    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        raise AssertionError(f"the guard let a connection to {host}:{port} through")


@settings(max_examples=150, deadline=None)
@given(denied_v4)
def test_every_spelling_of_a_denied_ipv4_is_refused_after_resolution(n):
    backend = GuardedBackend(resolve=numeric_resolve, inner=NoConnect())
    for spelling in ipv4_spellings(n):
        assert is_forbidden_address(
            socket.getaddrinfo(spelling, 80, flags=socket.AI_NUMERICHOST)[0][4][0]
        ), spelling
        with pytest.raises(ForbiddenAddressError):
            backend.connect_tcp(spelling, 80, timeout=5)


@given(st.integers(0, 2**32 - 1))
def test_embedded_ipv4_is_judged_like_the_plain_address(n):
    import ipaddress

    plain = is_forbidden_address(ipaddress.IPv4Address(n))
    for embedded in (
        ipaddress.IPv6Address((0xFFFF << 32) | n),  # IPv4-mapped
        ipaddress.IPv6Address((0x64FF9B << 96) | n),  # NAT64
        ipaddress.IPv6Address((0x2002 << 112) | (n << 80) | 1),  # 6to4
    ):
        assert is_forbidden_address(embedded) == plain, embedded


@given(
    st.sampled_from(
        [(0xFE80 << 112, 10), (0xFC00 << 112, 7), (0xFF00 << 112, 8), (1, 128)]
    ).flatmap(
        lambda net: st.integers(0, 2 ** (128 - net[1]) - 1).map(lambda offset: net[0] | offset)
    )
)
def test_local_and_multicast_ipv6_are_denied(n):
    import ipaddress

    address = ipaddress.IPv6Address(n)
    assert is_forbidden_address(address)
    assert is_forbidden_address(address.exploded)
    assert is_forbidden_address(address.compressed.upper())


class Recorder(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.connects.append((host, port))
        return httpcore.MockStream([])


def test_backend_refuses_if_any_answer_is_private():
    recorder = Recorder()

    def resolve(host: str, port: int):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    backend = GuardedBackend(resolve=resolve, inner=recorder)
    with pytest.raises(ForbiddenAddressError, match="10.0.0.5"):
        backend.connect_tcp("mixed.example", 443, timeout=5)
    assert recorder.connects == []


def test_backend_connects_to_the_ip_it_checked_resolving_once():
    recorder = Recorder()
    answers = iter(["93.184.216.34", "127.0.0.1"])  # a rebinding server's two answers
    lookups: list[str] = []

    def resolve(host: str, port: int):
        lookups.append(host)
        return [
            (
                socket.AF_INET6 if ":" in (ip := next(answers)) else socket.AF_INET,
                1,
                6,
                "",
                (ip, port),
            )
        ]

    backend = GuardedBackend(resolve=resolve, inner=recorder)
    stream = backend.connect_tcp("rebind.example", 443, timeout=5)
    assert recorder.connects == [("93.184.216.34", 443)]
    assert lookups == ["rebind.example"]
    stream.close()
    with pytest.raises(ForbiddenAddressError):
        backend.connect_tcp("rebind.example", 443, timeout=5)  # second connection re-checks
    assert recorder.connects == [("93.184.216.34", 443)]


def test_backend_without_guard_allows_private_addresses():
    recorder = Recorder()
    backend = GuardedBackend(guard=False, resolve=numeric_resolve, inner=recorder)
    backend.connect_tcp("10.0.0.1", 80, timeout=5).close()
    assert recorder.connects == [("10.0.0.1", 80)]


def test_backend_refuses_unix_sockets():
    with pytest.raises(ForbiddenAddressError):
        GuardedBackend(guard=False).connect_unix_socket("/var/run/docker.sock")


def test_dns_lookup_is_bounded_by_the_timeout():
    release = threading.Event()

    def stuck(host: str, port: int):
        release.wait(10)
        raise socket.gaierror("gave up")

    backend = GuardedBackend(resolve=stuck, inner=NoConnect())
    started = time.monotonic()
    try:
        with pytest.raises(httpcore.ConnectTimeout):
            backend.connect_tcp("slow-dns.example", 80, timeout=0.2)
    finally:
        release.set()
    assert time.monotonic() - started < 1.0


def test_dns_failure_is_a_connect_error():
    def fail(host: str, port: int):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    backend = GuardedBackend(resolve=fail, inner=NoConnect())
    with pytest.raises(httpcore.ConnectError, match="no-such-host.example"):
        backend.connect_tcp("no-such-host.example", 80, timeout=1)


def test_backend_respects_the_fetch_deadline():
    recorder = Recorder()
    backend = GuardedBackend(resolve=numeric_resolve, inner=recorder)
    with backend.deadline(time.monotonic() - 1), pytest.raises(httpcore.ConnectTimeout):
        backend.connect_tcp("93.184.216.34", 80, timeout=5)
    assert recorder.connects == []


# =========================================================================== end to end

LOCAL = NetworkSettings(
    allow_private_addresses=True,
    min_host_interval=0.0,
    connect_timeout=2.0,
    read_timeout=2.0,
    total_timeout=5.0,
)


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(LOCAL) as f:
        yield f


def max_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def test_e2e_plain_fetch_returns_raw_bytes_untouched(local_server, fetcher):
    body = b"<p>caf\xe9 \x80\x81 \xff\xfe not utf-8</p>"
    local_server.route("/latin1", body=body, content_type="text/html; charset=iso-8859-1")
    result = fetcher.fetch(local_server.url("/latin1"), kind="page")
    assert result.body == body
    assert result.content_type == "text/html"
    request = local_server.requests[0]
    assert request.headers["User-Agent"] == LOCAL.user_agent
    assert request.headers["accept-encoding"] == "gzip, deflate"
    assert "referer" not in request.headers


def test_e2e_unknown_path_is_404(local_server, fetcher):
    with pytest.raises(HTTPStatusError) as info:
        fetcher.fetch(local_server.url("/nothing-here"), kind="page")
    assert info.value.status == 404


def test_e2e_gzip_is_decoded(local_server, fetcher):
    text = b"<rss>" + b"<item/>" * 10000 + b"</rss>"
    local_server.route("/feed", body=gzip.compress(text), headers={"Content-Encoding": "gzip"})
    assert fetcher.fetch(local_server.url("/feed"), kind="feed").body == text


def test_e2e_conditional_get_and_304(local_server, fetcher):
    etag = 'W/"5e1f-ab\\"c"'
    last_modified = "Tue, 03 Mar 2026 10:00:00 GMT"

    def handler(info):
        if info.headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"ETag": etag, "Last-Modified": last_modified}, b"<rss/>"

    local_server.route("/feed", handler=handler, content_type="application/rss+xml")
    first = fetcher.fetch(local_server.url("/feed"), kind="feed")
    assert (first.status, first.body, first.headers["etag"]) == (200, b"<rss/>", etag)

    second = fetcher.fetch(
        local_server.url("/feed"),
        kind="feed",
        etag=first.headers["etag"],
        last_modified=first.headers["last-modified"],
    )
    assert (second.status, second.body) == (304, b"")
    sent = local_server.requests[-1].headers
    assert sent["if-none-match"] == etag
    assert sent["if-modified-since"] == last_modified


def test_e2e_permanent_redirect_follows_the_server(local_server, fetcher):
    local_server.route("/new", body=b"<rss/>")
    local_server.route("/old", status=301, headers={"Location": "/new"})
    result = fetcher.fetch(local_server.url("/old"), kind="feed")
    assert result.permanent_redirect == local_server.url("/new")
    assert result.redirects == ((301, local_server.url("/new")),)

    local_server.route("/old", status=302, headers={"Location": "/new"})  # changed its mind
    result = fetcher.fetch(local_server.url("/old"), kind="feed")
    assert result.permanent_redirect is None
    assert result.final_url == local_server.url("/new")


def test_e2e_redirect_loop(local_server, fetcher):
    local_server.route("/a", status=302, headers={"Location": "/b"})
    local_server.route("/b", status=302, headers={"Location": "/a"})
    with pytest.raises(TooManyRedirectsError, match="loop"):
        fetcher.fetch(local_server.url("/a"), kind="page")
    assert [r.path for r in local_server.requests] == ["/a", "/b"]


def test_e2e_429_retry_after(local_server, fetcher):
    local_server.route("/feed", status=429, headers={"Retry-After": "120"})
    with pytest.raises(HTTPStatusError) as info:
        fetcher.fetch(local_server.url("/feed"), kind="feed")
    assert (info.value.status, info.value.retry_after) == (429, 120.0)


def test_e2e_slow_drip_is_cut_at_the_total_deadline(local_server):
    # Every byte arrives well inside read_timeout; only the total deadline can stop this.
    local_server.route("/drip", body=b"x" * 10_000, drip=(1, 0.25))
    settings_ = NetworkSettings(
        allow_private_addresses=True, min_host_interval=0, read_timeout=1.0, total_timeout=1.5
    )
    started = time.monotonic()
    with Fetcher(settings_) as f, pytest.raises(FetchTimeoutError, match="total deadline"):
        f.fetch(local_server.url("/drip"), kind="page")
    assert 1.4 < time.monotonic() - started < 2.5


def test_e2e_stalled_headers_are_cut_at_the_total_deadline(local_server):
    local_server.route("/stall", body=b"late", delay=4.0)
    settings_ = NetworkSettings(
        allow_private_addresses=True, min_host_interval=0, read_timeout=10.0, total_timeout=1.0
    )
    started = time.monotonic()
    with Fetcher(settings_) as f, pytest.raises(FetchTimeoutError):
        f.fetch(local_server.url("/stall"), kind="page")
    assert time.monotonic() - started < 2.0


def test_e2e_trickled_headers_are_cut_at_the_total_deadline(local_server):
    # Slowloris on the response headers: each byte is quick, the header block never ends.
    local_server.route(
        "/trickle",
        body=b"x",
        headers={f"X-Filler-{i}": "y" * 40 for i in range(50)},
        drip=(1, 0.05),
        drip_headers=True,
    )
    settings_ = NetworkSettings(
        allow_private_addresses=True, min_host_interval=0, read_timeout=0.5, total_timeout=1.0
    )
    started = time.monotonic()
    with Fetcher(settings_) as f, pytest.raises(FetchTimeoutError, match="total deadline"):
        f.fetch(local_server.url("/trickle"), kind="page")
    assert time.monotonic() - started < 2.0


def test_e2e_gzip_bomb_stops_at_the_cap_in_little_memory(local_server, fetcher):
    bomb = gzip_bomb(2**30)  # 1 MiB on the wire, 1 GiB decoded
    local_server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    before = max_rss_bytes()
    started = time.monotonic()
    with pytest.raises(TooLargeError):
        fetcher.fetch(local_server.url("/bomb"), kind="page")
    assert max_rss_bytes() - before < 100 * MiB
    assert time.monotonic() - started < 3.0


def test_e2e_honest_content_length_is_refused_before_the_body(local_server, fetcher):
    def endless() -> Iterator[bytes]:
        while True:
            yield b"\0" * 65536

    local_server.route(
        "/video", body=endless, headers={"Content-Length": str(2 * 10**9)}, drip=(65536, 0.1)
    )
    started = time.monotonic()
    with pytest.raises(TooLargeError, match="Content-Length"):
        fetcher.fetch(local_server.url("/video"), kind="page")
    assert time.monotonic() - started < 1.0


def test_e2e_chunked_body_past_the_cap(local_server, fetcher):
    def endless() -> Iterator[bytes]:
        while True:
            yield b"a" * 65536

    local_server.route("/endless", body=endless, headers={"Transfer-Encoding": "chunked"})
    with pytest.raises(TooLargeError):
        fetcher.fetch(local_server.url("/endless"), kind="page")


def test_e2e_redirect_with_huge_body_is_not_read(local_server, fetcher):
    size = 300 * MiB

    def huge() -> Iterator[bytes]:
        block = b"r" * MiB
        for _ in range(size // MiB):
            yield block

    local_server.route(
        "/moved",
        status=302,
        body=huge,
        headers={"Location": "/final", "Content-Length": str(size)},
    )
    local_server.route("/final", body=b"here")
    before = max_rss_bytes()
    started = time.monotonic()
    result = fetcher.fetch(local_server.url("/moved"), kind="page")
    assert result.body == b"here"
    assert time.monotonic() - started < 2.0
    assert max_rss_bytes() - before < 100 * MiB


def test_e2e_connection_refused_is_a_network_error(fetcher):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError) as info:
        fetcher.fetch(f"http://127.0.0.1:{port}/", kind="page")
    assert type(info.value) is NetworkError
    assert isinstance(info.value.__cause__, httpx.ConnectError)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "0x7f000001",
        "2130706433",
        "127.1",
        "0x7f.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "0177.0.0.1",  # httpx itself rejects this spelling; still must not get through
    ],
)
def test_e2e_guard_refuses_loopback_in_any_spelling(local_server, host):
    # The server really is listening on 127.0.0.1, so anything but a refusal is a leak.
    local_server.route("/feed", body=b"<rss/>")
    with Fetcher(NetworkSettings(min_host_interval=0)) as f, pytest.raises(BlockedURLError):
        f.fetch(f"http://{host}:{local_server.port}/feed", kind="feed")
    assert local_server.requests == []


class LoopbackOnly(httpcore.NetworkBackend):
    """Inner backend for guard tests: a guard bug must fail the test, never leave the machine."""

    def __init__(self) -> None:
        self._real = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        if host != "127.0.0.1":
            raise AssertionError(f"guard let through a connection to {host}")
        return self._real.connect_tcp(host, port, timeout, local_address, socket_options)


class ByHost(httpx.BaseTransport):
    """Serve some hosts from a mock, everything else through the real guarded transport."""

    def __init__(self, mocks: dict[str, httpx.BaseTransport], real: httpx.BaseTransport):
        self.mocks = mocks
        self.real = real

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.mocks.get(request.url.host, self.real).handle_request(request)

    def close(self) -> None:
        self.real.close()


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/feed",
        "http://localhost:{port}/feed",
        "http://0x7f000001:{port}/feed",
        "http://2130706433:{port}/feed",
        "http://[::1]:{port}/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://100.64.0.1/",
    ],
)
def test_e2e_guard_checks_every_redirect_hop(local_server, target):
    local_server.route("/feed", body=b"<rss/>")
    location = target.format(port=local_server.port)

    def public_site(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": location})

    real = GuardedTransport(GuardedBackend(guard=True, inner=LoopbackOnly()))
    transport = ByHost({"public.example": httpx.MockTransport(public_site)}, real)
    settings_ = NetworkSettings(min_host_interval=0)
    with Fetcher(settings_, transport=transport) as f, pytest.raises(BlockedURLError) as info:
        f.fetch("http://public.example/feed", kind="feed")
    assert info.value.url == "http://public.example/feed"
    assert isinstance(info.value.__cause__, ForbiddenAddressError)
    assert local_server.requests == []


@pytest.fixture
def self_signed(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_e2e_untrusted_certificate_is_a_tls_error(self_signed, fetcher):
    cert, key = self_signed
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def serve_one() -> None:
            conn, _ = listener.accept()
            with conn:
                try:
                    with context.wrap_socket(conn, server_side=True):
                        pass
                except (ssl.SSLError, OSError):
                    pass  # the client hangs up on our certificate: expected

        server = threading.Thread(target=serve_one, daemon=True)
        server.start()
        with pytest.raises(TLSError) as info:
            fetcher.fetch(f"https://127.0.0.1:{port}/", kind="page")
        server.join(timeout=5)
    assert info.value.kind == "tls"


def test_local_server_closes_promptly_mid_drip():
    baseline = {t.ident for t in threading.enumerate()}
    server = LocalServer()
    server.route("/forever", body=b"x" * 10**6, drip=(1, 0.5))
    with socket.create_connection(("127.0.0.1", server.port)) as client:
        client.sendall(b"GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
        assert client.recv(5) == b"HTTP/"
        started = time.monotonic()
        server.close()
        assert time.monotonic() - started < 2.0
    leftover = [t for t in threading.enumerate() if t.ident not in baseline and t.is_alive()]
    assert leftover == []


def test_local_server_routes_can_change_while_running(local_server):
    local_server.route("/v", body=b"one")
    with Fetcher(LOCAL) as f:
        assert f.fetch(local_server.url("/v"), kind="page").body == b"one"
        local_server.route("/v", body=b"two")
        assert f.fetch(local_server.url("/v"), kind="page").body == b"two"


def test_hosts_are_spread_over_pools_and_each_host_keeps_its_own(local_server):
    """httpcore walks every connection of a pool under one lock for each request: hosts are
    spread over several pools (one host always in the same one, so its keep-alive connection is
    found again), and fetching through them works whatever the pool."""
    transport = GuardedTransport(GuardedBackend(guard=False), max_connections=8, shards=4)
    hosts = [f"host-{i}.example".encode() for i in range(40)]
    pools = [transport._pool_for(h) for h in hosts]
    assert len({id(p) for p in pools}) == 4
    assert all(transport._pool_for(h) is p for h, p in zip(hosts, pools, strict=True))
    local_server.route("/a", body=b"<html>a</html>", content_type="text/html")
    settings_ = NetworkSettings(min_host_interval=0, allow_private_addresses=True)
    with Fetcher(settings_, transport=transport) as f:
        for host in ("127.0.0.1", "localhost"):
            result = f.fetch(f"http://{host}:{local_server.port}/a", kind="page")
            assert result.body == b"<html>a</html>"
    assert len(local_server.requests) == 2


def test_idle_connections_kept_by_all_pools_are_capped() -> None:
    """Each pool keeps its share of idle connections: a large max_in_flight must not keep more
    idle sockets than a process may usually open (1,024)."""
    from pipeline.fetching.fetcher import MAX_IDLE_CONNECTIONS

    for in_flight in (1, 32, 512):
        transport = GuardedTransport(GuardedBackend(guard=False), max_connections=in_flight + 8)
        kept = sum(pool._max_keepalive_connections for pool in transport._pools)
        assert kept <= max(MAX_IDLE_CONNECTIONS, 2 * len(transport._pools))
        transport.close()

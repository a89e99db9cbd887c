"""The one guarded fetcher that every network read (feeds and article pages) goes through.

Feed URLs and the links inside feeds are chosen by strangers, so each fetch is treated as hostile:

* **SSRF.** The address check happens when the socket is opened, on the IP we actually connect
  to, for every hop (:class:`GuardedBackend`). Checking the URL up front is not enough: names
  resolve differently a second later (DNS rebinding) and redirects go anywhere.
* **Time.** httpx timeouts bound each read, not the fetch; a server dripping one byte per
  second never trips them. Every socket operation here is bounded by what is left of one
  deadline for the whole fetch, headers included.
* **Memory.** We advertise only gzip/deflate and inflate ourselves in bounded steps, so a
  1 KiB -> 1 GiB bomb costs no more than the byte cap.
* **Redirects** are followed by hand so that each target is checked and no redirect body is
  read (httpx reads them in full).

Errors are the :mod:`pipeline.errors` ``FetchError`` family; each carries the URL the caller
asked for and chains the underlying exception.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import MappingProxyType
from typing import Any, Literal

import httpcore
import httpx

from pipeline.clock import utcnow
from pipeline.errors import (
    BlockedURLError,
    ContentError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    NetworkError,
    TLSError,
    TooLargeError,
    TooManyRedirectsError,
)

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

RETRY_AFTER_CAP = 30 * 24 * 3600.0
"""Longest back-off a server may impose; beyond that a typo or a joke would freeze a feed."""

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_PERMANENT_STATUSES = frozenset({301, 308})
_ACCEPT = {
    "feed": (
        "application/atom+xml, application/rss+xml, application/feed+json, "
        "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
    ),
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.8",
}
# Inflate output is produced in pieces of at most this size, so memory stays at cap + one piece.
_PIECE = 64 * 1024
# More stacked encodings than this is not a real server, only a way to multiply a bomb.
_MAX_ENCODINGS = 3


@dataclass(frozen=True)
class NetworkSettings:
    user_agent: str = "claimwatch/0.1 (+https://github.com/claimwatch/claimwatch)"
    allow_private_addresses: bool = False
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 45.0  # whole fetch: connect + all redirect hops + headers + body
    max_feed_bytes: int = 16 * 2**20  # cap on DECODED bytes
    max_page_bytes: int = 5 * 2**20
    max_redirects: int = 5
    min_host_interval: float = 1.0  # politeness: min seconds between requests to one host
    max_in_flight: int = 32  # requests open at once over all hosts (a poll cycle's threads)
    max_host_connections: int = 2  # requests open at once to one host


@dataclass(frozen=True)
class FetchResult:
    url: str  # URL asked for
    final_url: str  # after redirects
    status: int  # 200 (any 2xx) or 304
    headers: Mapping[str, str]  # final response's headers, lower-case keys, read-only
    body: bytes  # decoded body (gzip/deflate undone by us), b"" for 304
    redirects: tuple[tuple[int, str], ...]  # (status, target) for each hop, in order
    permanent_redirect: str | None  # final target if EVERY hop was 301/308, else None
    content_type: str  # media type only, lower-case, e.g. "text/html"; "" when absent


# --------------------------------------------------------------------------- address guard

_FORBIDDEN_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, including the cloud metadata service
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, including broadcast
    )
)
_FORBIDDEN_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "::/96",  # unspecified, loopback and the deprecated IPv4-compatible form
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments: Teredo, benchmarking, ORCHID
        "2001:db8::/32",
        "3fff::/20",  # documentation
        "5f00::/16",  # SRv6 SIDs
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")


def is_forbidden_address(ip: IPAddress | str) -> bool:
    """True unless ``ip`` is a plain public unicast address we may connect to.

    The lists are explicit rather than left to ``ipaddress.is_global`` alone, because what that
    property says has changed between Python patch releases; ``is_global`` is still consulted
    as a second opinion. Addresses that embed an IPv4 address (mapped, NAT64, 6to4) are judged
    by the embedded one, since that is where the packets end up. Text that is not an address is
    forbidden: a guard that cannot read its input must say no.
    """
    if isinstance(ip, str):
        try:
            ip = ipaddress.ip_address(ip)
        except ValueError:
            return True
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_forbidden_address(embedded)
        if any(ip in net for net in _FORBIDDEN_V6):
            return True
    elif any(ip in net for net in _FORBIDDEN_V4):
        return True
    return not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified


class ForbiddenAddressError(Exception):
    """Raised inside the connection pool; :class:`Fetcher` turns it into ``BlockedURLError``.

    Deliberately not an ``OSError`` or httpcore error, so nothing on the way up mistakes it for
    a network failure worth retrying.
    """

    def __init__(self, host: str, address: str):
        self.host = host
        self.address = address
        where = address if host == address else f"{host} resolves to {address}, which"
        super().__init__(f"{where} is not a public address")


Resolver = Callable[[str, int], Sequence[tuple[Any, ...]]]


def _system_resolve(host: str, port: int) -> Sequence[tuple[Any, ...]]:
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore network backend: resolve once, refuse private answers, connect to what was checked.

    Connecting by IP literal means the name is never resolved a second time, so a rebinding
    server cannot swap in a private address between check and connect. TLS still verifies the
    hostname, because httpcore passes the URL's host as ``server_hostname`` to ``start_tls``.

    Every stream it hands out is bounded by the current fetch's deadline (see :meth:`deadline`),
    which is how slow headers are cut off: httpcore reads the status line and headers through
    these streams, where no loop of ours could check a clock.
    """

    def __init__(
        self,
        *,
        guard: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
        resolve: Resolver = _system_resolve,
        inner: httpcore.NetworkBackend | None = None,
    ):
        self._guard = guard
        self._monotonic = monotonic
        self._resolve = resolve
        self._inner = inner if inner is not None else httpcore.SyncBackend()
        self._local = threading.local()

    @contextmanager
    def deadline(self, at: float | None) -> Iterator[None]:
        """Bound every socket operation of this thread by monotonic time ``at`` while inside."""
        previous = getattr(self._local, "deadline", None)
        self._local.deadline = at
        try:
            yield
        finally:
            self._local.deadline = previous

    def _bound(self, timeout: float | None, exc: type[Exception]) -> float | None:
        at = getattr(self._local, "deadline", None)
        if at is None:
            return timeout
        remaining = at - self._monotonic()
        if remaining <= 0:
            raise exc("total deadline passed")
        return remaining if timeout is None else min(timeout, remaining)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._addresses(host, port, self._bound(timeout, httpcore.ConnectTimeout))
        if self._guard:
            for address in addresses:
                if is_forbidden_address(address):
                    raise ForbiddenAddressError(host, str(address))
        last_error: Exception | None = None
        # Try each checked address in turn, as socket.create_connection would with the name.
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=self._bound(timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as e:
                last_error = e
                continue
            return _DeadlineStream(stream, self)
        assert last_error is not None
        raise last_error

    def _addresses(self, host: str, port: int, timeout: float | None) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        infos = self._lookup(host, port, timeout)
        addresses: list[IPAddress] = []
        for family, *_rest, sockaddr in infos:
            if family not in (socket.AF_INET, socket.AF_INET6):
                continue
            address = ipaddress.ip_address(sockaddr[0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no IPv4 or IPv6 address")
        return addresses

    def _lookup(self, host: str, port: int, timeout: float | None) -> Sequence[tuple[Any, ...]]:
        """getaddrinfo cannot be interrupted, so it runs in a helper thread we can stop waiting on.

        A stuck resolver would otherwise hold a fetch far past its deadline. The abandoned
        thread finishes on its own when the system resolver gives up.
        """
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["infos"] = self._resolve(host, port)
            except BaseException as e:  # handed to the waiting thread below
                box["error"] = e

        worker = threading.Thread(target=work, name=f"claimwatch-dns-{host}", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            raise httpcore.ConnectTimeout(f"DNS lookup of {host} timed out")
        if "error" in box:
            error = box["error"]
            if isinstance(error, OSError):
                raise httpcore.ConnectError(f"DNS lookup of {host} failed: {error}") from error
            raise error
        return box["infos"]

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise ForbiddenAddressError(path, "a unix socket")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation gets at most the time left before the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, backend: GuardedBackend):
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend._bound(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend._bound(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(
            ssl_context,
            server_hostname=server_hostname,
            timeout=self._backend._bound(timeout, httpcore.ConnectTimeout),
        )
        return _DeadlineStream(tls, self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


# httpcore -> httpx exception classes, most specific first.
_HTTPCORE_TO_HTTPX: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProxyError, httpx.ProxyError),
)


@contextmanager
def _httpx_errors() -> Iterator[None]:
    """Give callers httpx exceptions, as httpx's own transport would, so that the fetcher's
    error handling is the same for this transport and for ``httpx.MockTransport``."""
    try:
        yield
    except Exception as e:
        for core, mapped in _HTTPCORE_TO_HTTPX:
            if isinstance(e, core):
                raise mapped(str(e)) from e
        raise


_DEADLINE_EXTENSION = "claimwatch.deadline"

# How long an idle connection is kept for the host's next request (politeness spaces a host's
# requests by ``min_host_interval``, 1 s by default).
KEEPALIVE_SECONDS = 5.0
# Idle connections kept by all pools together (each pool keeps an equal share).
MAX_IDLE_CONNECTIONS = 256


class GuardedTransport(httpx.BaseTransport):
    """httpx transport over httpcore pools that use :class:`GuardedBackend`.

    ``httpx.HTTPTransport`` does not let us choose the network backend except by replacing its
    private ``_pool``; building the pools here uses only public httpcore API. The fetch deadline
    travels in the request's extensions and is installed around every call into the pool,
    including each body read, since httpx reads the body after ``handle_request`` returns.

    Hosts are spread over ``shards`` pools by a hash of the host name. httpcore assigns every
    request by walking all of its pool's connections under one lock (and asks each idle one
    whether its socket is readable); with many hosts in one pool that walk, and the wait for the
    lock, cost more CPU than the request itself. Each pool may still hold every connection in
    flight (they could all be to hosts of one shard).

    Idle connections are kept for ``KEEPALIVE_SECONDS``, long enough to serve a host's next
    request after the politeness interval, and each pool keeps up to half of
    ``max_connections`` of them, all pools together at most ``MAX_IDLE_CONNECTIONS``: a poll
    cycle touches many hosts in turn, and with fewer kept most requests opened a new
    connection (a TLS handshake on a real site; on the loopback benchmark, twice the benchmark
    server's CPU per page), while with no overall cap a large ``max_in_flight`` could keep
    more idle sockets than the usual limit of 1,024 open files.
    """

    def __init__(self, backend: GuardedBackend, *, ssl_context: ssl.SSLContext | None = None,
                 max_connections: int = 20, shards: int = 16):
        self.backend = backend
        context = ssl_context or httpx.create_ssl_context(trust_env=False)
        shards = max(1, shards)
        keepalive = max(2, min(max_connections // 2, MAX_IDLE_CONNECTIONS // shards))
        self._pools = [
            httpcore.ConnectionPool(
                ssl_context=context,
                max_connections=max_connections,
                max_keepalive_connections=keepalive,
                keepalive_expiry=KEEPALIVE_SECONDS,
                http1=True,
                http2=False,
                retries=0,
                network_backend=backend,
            )
            for _ in range(shards)
        ]

    def _pool_for(self, host: bytes) -> httpcore.ConnectionPool:
        return self._pools[zlib.crc32(host) % len(self._pools)]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        deadline = request.extensions.get(_DEADLINE_EXTENSION)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions={k: v for k, v in request.extensions.items() if k != _DEADLINE_EXTENSION},
        )
        pool = self._pool_for(request.url.raw_host)
        with self.backend.deadline(deadline), _httpx_errors():
            core_response = pool.handle_request(core_request)
        assert isinstance(core_response.stream, Iterable)
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_BoundedResponseStream(core_response.stream, self.backend, deadline),
            extensions=core_response.extensions,
        )

    def close(self) -> None:
        for pool in self._pools:
            pool.close()


class _BoundedResponseStream(httpx.SyncByteStream):
    def __init__(self, inner: Iterable[bytes], backend: GuardedBackend, deadline: float | None):
        self._inner = inner
        self._backend = backend
        self._deadline = deadline

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._inner)
        while True:
            # The deadline must not stay installed while we are suspended at ``yield``.
            with self._backend.deadline(self._deadline), _httpx_errors():
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield chunk

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            with self._backend.deadline(self._deadline), _httpx_errors():
                close()


# --------------------------------------------------------------------------- decoding


class _Inflater:
    """One gzip or deflate layer that never produces more than ``_PIECE`` bytes per step.

    ``zlib.decompress`` and httpx's decoders inflate a whole network read at once, which is how
    a 1 MiB read becomes a 64 MiB allocation. ``max_length`` keeps each step small.
    """

    def __init__(self, encoding: str):
        self._gzip = encoding in ("gzip", "x-gzip")
        self._obj: Any = None  # zlib decompressor of the current gzip member / deflate stream
        self._head = b""  # bytes held back until we can tell what format follows
        self._members = 0
        self._trailing = False  # past the end of the data; whatever follows is ignored

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data and not self._trailing:
            if self._obj is None:
                self._head += data
                if len(self._head) < 2:
                    return
                data, self._head = self._head, b""
                if self._gzip:
                    if data[:2] != b"\x1f\x8b":
                        if self._members == 0:
                            raise zlib.error("not a gzip stream")
                        self._trailing = True  # padding after the last member, seen in the wild
                        return
                    self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
                else:
                    # "deflate" is zlib-wrapped per RFC 9110, but some servers send it raw.
                    cmf, flg = data[0], data[1]
                    wrapped = cmf & 0x0F == 8 and (cmf * 256 + flg) % 31 == 0
                    self._obj = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            yield from self._inflate(data)
            data = b""
            if self._obj.eof:
                self._members += 1
                data = self._obj.unused_data
                self._obj = None
                if not self._gzip:  # deflate has a single stream; gzip may have more members
                    self._trailing = True

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        while True:
            out = self._obj.decompress(data, _PIECE)
            if out:
                yield out
            data = self._obj.unconsumed_tail
            if self._obj.eof or (not data and len(out) < _PIECE):
                return

    def finish(self) -> None:
        # A stray byte after a complete gzip member is padding, not truncation.
        if self._obj is not None or (self._head and self._members == 0):
            raise zlib.error("compressed stream is truncated")


class _Decoder:
    """The response's Content-Encoding stack, undone layer by layer in bounded pieces."""

    def __init__(self, content_encoding: str):
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > _MAX_ENCODINGS:
            raise ValueError(f"{len(codings)} stacked content-encodings")
        for coding in codings:
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise ValueError(f"unsupported content-encoding {coding!r}")
        # The last coding listed was applied last, so it is undone first.
        self._layers = [_Inflater(c) for c in reversed(codings)]
        self.identity = not self._layers

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(data, 0)

    def _through(self, data: bytes, index: int) -> Iterator[bytes]:
        if index == len(self._layers):
            yield data
            return
        for piece in self._layers[index].feed(data):
            yield from self._through(piece, index + 1)

    def finish(self) -> None:
        for layer in self._layers:
            layer.finish()


# --------------------------------------------------------------------------- Retry-After


# RFC 9110 allows only digits; a sign is tolerated so that "-5" means "now" instead of garbage.
_DELTA_SECONDS = re.compile(r"[+-]?[0-9]+")


def parse_retry_after(value: str | None, *, date_header: str | None, now: datetime) -> float | None:
    """Seconds to wait, from a Retry-After header; None when absent or unreadable.

    An HTTP-date is measured from the response's own ``Date`` when that is readable, so a server
    whose clock is off by an hour still gets the delay it meant. Negative values mean "now"
    (0) and anything past 30 days is clamped: both are server mistakes we should survive.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if _DELTA_SECONDS.fullmatch(text):
        if text.startswith("-"):
            return 0.0
        digits = text.lstrip("+").lstrip("0")
        # Past 12 digits the answer is the cap anyway; int() of thousands of digits would raise.
        return RETRY_AFTER_CAP if len(digits) > 12 else _clamp_delay(float(int(digits or "0")))
    when = _http_date(text)
    if when is None:
        return None
    reference = _http_date(date_header) if date_header else None
    if reference is None:
        reference = now if now.tzinfo else now.replace(tzinfo=UTC)
    return _clamp_delay((when - reference).total_seconds())


def _http_date(text: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _clamp_delay(seconds: float) -> float:
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


# --------------------------------------------------------------------------- fetcher


class _Budget:
    """The one deadline of a fetch. Waiting for politeness pushes it back: that wait is our
    choice, not the server's slowness."""

    def __init__(self, total: float, monotonic: Callable[[], float]):
        self.total = total
        self._monotonic = monotonic
        self.deadline = monotonic() + total

    def remaining(self) -> float:
        return self.deadline - self._monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def extend(self, seconds: float) -> None:
        self.deadline += seconds


class Fetcher:
    """Fetches one URL at a time per call, safely; share one instance across threads.

    Requests go straight to the transport, with no ``httpx.Client`` in between: a Client parses
    every Location header itself even with ``follow_redirects=False`` (and raises on junk ones),
    keeps a cookie jar and reads proxy settings from the environment. A feed poller wants none
    of that, so there is nothing to switch off and no cookie can cross from one feed to another.

    ``transport`` replaces the whole guarded network layer (the SSRF guard and the socket-level
    deadline go with it); it exists for ``httpx.MockTransport`` in tests. ``sleep`` and
    ``monotonic`` drive politeness spacing and the total deadline; with a real network they must
    be real clocks, because socket timeouts are derived from them.
    """

    def __init__(
        self,
        settings: NetworkSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.settings = settings
        self._sleep = sleep
        self._monotonic = monotonic
        if transport is None:
            backend = GuardedBackend(
                guard=not settings.allow_private_addresses, monotonic=monotonic
            )
            # Room for every request a cycle keeps in flight, plus redirect hops.
            transport = GuardedTransport(backend, max_connections=settings.max_in_flight + 8)
        self._transport = transport
        self._host_lock = threading.Lock()
        self._last_start: dict[str, float] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    def fetch(
        self,
        url: str,
        *,
        kind: Literal["feed", "page"],
        etag: str | None = None,
        last_modified: str | None = None,
        turn_taken: bool = False,
    ) -> FetchResult:
        """GET ``url`` following up to ``max_redirects`` checked redirects.

        ``turn_taken``: the caller already got this host's politeness turn from
        :meth:`try_turn` (a scheduler that keeps threads free while hosts wait).

        Returns 2xx and 304 responses; raises a ``FetchError`` for everything else. ``etag`` and
        ``last_modified`` are sent back exactly as stored: servers compare them as opaque
        strings, and "fixing" a ``W/`` prefix or quotes turns every poll into a full download.
        """
        if kind == "feed":
            cap = self.settings.max_feed_bytes
        elif kind == "page":
            cap = self.settings.max_page_bytes
        else:
            raise ValueError(f"kind must be 'feed' or 'page', not {kind!r}")
        headers = {"Accept": _ACCEPT[kind]}
        if etag is not None:
            headers["If-None-Match"] = etag
        if last_modified is not None:
            headers["If-Modified-Since"] = last_modified

        current = _checked_url(url, asked=url)
        budget = _Budget(self.settings.total_timeout, self._monotonic)
        redirects: list[tuple[int, str]] = []
        seen = {str(current)}
        first = True
        while True:
            if not (first and turn_taken):
                budget.extend(self._wait_turn(current.host))
            first = False
            response = self._send(current, headers, budget, asked=url)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECT_STATUSES and location:
                    target = self._redirect_target(current, location, asked=url)
                    redirects.append((response.status_code, str(target)))
                    if str(target) in seen:
                        raise TooManyRedirectsError(f"redirect loop back to {target}", url=url)
                    if len(redirects) > self.settings.max_redirects:
                        raise TooManyRedirectsError(
                            f"more than {self.settings.max_redirects} redirects", url=url
                        )
                    seen.add(str(target))
                    current = target
                    continue
                if response.status_code == 304:
                    body = b""
                elif 200 <= response.status_code < 300:
                    body = self._read_body(response, cap, budget, asked=url)
                else:
                    raise self._status_error(response, asked=url)
                logger.debug(
                    "fetched url=%s status=%d bytes=%d hops=%d",
                    url,
                    response.status_code,
                    len(body),
                    len(redirects),
                )
                return self._result(url, current, response, body, redirects)
            finally:
                # Unread bodies (redirects, errors) are dropped with their connection, not read.
                response.close()

    # -- steps of a fetch

    def try_turn(self, host: str) -> float:
        """Take ``host``'s politeness turn now and return 0, or return the seconds until it is
        free (taking nothing). Never sleeps.

        The start is recorded under the lock at the moment we go, not reserved in advance: a
        thread that oversleeps must not shrink the gap to the next one.
        """
        interval = self.settings.min_host_interval
        if interval <= 0:
            return 0.0
        with self._host_lock:
            now = self._monotonic()
            wait = self._last_start.get(host, now - interval) + interval - now
            if wait > 0:
                return wait
            self._last_start[host] = now
            if len(self._last_start) > 4096:  # forget hosts whose spacing has elapsed
                self._last_start = {
                    h: t for h, t in self._last_start.items() if t > now - interval
                }
            return 0.0

    def _wait_turn(self, host: str) -> float:
        """Sleep until ``host`` was last contacted ``min_host_interval`` ago; returns seconds
        slept."""
        waited = 0.0
        while (wait := self.try_turn(host)) > 0:
            self._sleep(wait)
            waited += wait
        return waited

    def _send(
        self, current: httpx.URL, headers: dict[str, str], budget: _Budget, *, asked: str
    ) -> httpx.Response:
        remaining = budget.remaining()
        if remaining <= 0:
            raise FetchTimeoutError(
                f"total deadline of {budget.total:g}s passed before {current}", url=asked
            )
        settings = self.settings
        timeout = httpx.Timeout(
            connect=min(settings.connect_timeout, remaining),
            read=min(settings.read_timeout, remaining),
            write=min(settings.read_timeout, remaining),
            pool=min(settings.connect_timeout, remaining),
        )
        request = httpx.Request(
            "GET",
            current,
            headers={
                "User-Agent": settings.user_agent,
                "Accept-Encoding": "gzip, deflate",
                **headers,
            },
            extensions={"timeout": timeout.as_dict(), _DEADLINE_EXTENSION: budget.deadline},
        )
        try:
            response = self._transport.handle_request(request)
        except ForbiddenAddressError as e:
            logger.warning("fetch_blocked url=%s host=%s address=%s", asked, e.host, e.address)
            raise BlockedURLError(f"refused to connect to {current}: {e}", url=asked) from e
        except httpx.HTTPError as e:
            raise _translate(e, current, budget, asked=asked) from e
        response.request = request
        return response

    def _redirect_target(self, current: httpx.URL, location: str, *, asked: str) -> httpx.URL:
        try:
            joined = current.join(location.strip())
        except (httpx.InvalidURL, ValueError) as e:
            raise BlockedURLError(f"unusable redirect target {location!r}", url=asked) from e
        target = _checked_url(str(joined.copy_with(fragment=None)), asked=asked)
        if current.scheme == "https" and target.scheme == "http":
            raise BlockedURLError(f"refused https -> http downgrade to {target}", url=asked)
        return target

    def _read_body(
        self, response: httpx.Response, cap: int, budget: _Budget, *, asked: str
    ) -> bytes:
        try:
            decoder = _Decoder(response.headers.get("content-encoding", ""))
        except ValueError as e:
            raise ContentError(str(e), url=asked) from e
        declared = _content_length(response)
        if decoder.identity and declared is not None and declared > cap:
            raise TooLargeError(f"Content-Length {declared} is over the {cap}-byte cap", url=asked)
        # Compressed input is bounded too, or a stream of empty deflate blocks could run forever
        # while producing nothing; real compressed data is never much larger than its output.
        raw_cap = 2 * cap + _PIECE
        body = bytearray()
        raw_total = 0
        if response.is_stream_consumed:
            # httpx reads in-memory bodies eagerly (``httpx.Response(content=...)`` in a
            # MockTransport); such a stream can be iterated again and still yields raw bytes.
            raw_chunks: Iterable[bytes] = response.stream  # type: ignore[assignment]
        else:
            raw_chunks = response.iter_raw()
        try:
            for raw in raw_chunks:
                if budget.expired():
                    raise FetchTimeoutError(
                        f"total deadline of {budget.total:g}s passed reading the body", url=asked
                    )
                raw_total += len(raw)
                if raw_total > raw_cap:
                    raise TooLargeError(f"over {raw_cap} bytes on the wire", url=asked)
                for piece in decoder.feed(raw):
                    if len(body) + len(piece) > cap:
                        raise TooLargeError(f"body is over the {cap}-byte cap", url=asked)
                    body += piece
            decoder.finish()
        except zlib.error as e:
            raise ContentError(f"cannot decode body: {e}", url=asked) from e
        except httpx.HTTPError as e:
            raise _translate(e, response.url, budget, asked=asked) from e
        return bytes(body)

    def _status_error(self, response: httpx.Response, *, asked: str) -> HTTPStatusError:
        retry_after = None
        if response.status_code in (429, 503):
            retry_after = parse_retry_after(
                response.headers.get("retry-after"),
                date_header=response.headers.get("date"),
                now=utcnow(),
            )
        where = "" if str(response.url) == asked else f" from {response.url}"
        return HTTPStatusError(
            f"HTTP {response.status_code}{where}",
            url=asked,
            status=response.status_code,
            retry_after=retry_after,
        )

    @staticmethod
    def _result(
        asked: str,
        final: httpx.URL,
        response: httpx.Response,
        body: bytes,
        redirects: list[tuple[int, str]],
    ) -> FetchResult:
        permanent = bool(redirects) and all(s in _PERMANENT_STATUSES for s, _ in redirects)
        content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        return FetchResult(
            url=asked,
            final_url=str(final),
            status=response.status_code,
            headers=MappingProxyType({k.lower(): v for k, v in response.headers.items()}),
            body=body,
            redirects=tuple(redirects),
            permanent_redirect=str(final) if permanent else None,
            content_type=content_type,
        )


def _checked_url(url: str, *, asked: str) -> httpx.URL:
    """Refuse, before any I/O, what no feed or article link may be: non-http(s), credentials."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as e:
        raise BlockedURLError(f"not a valid URL: {url!r}", url=asked) from e
    if parsed.scheme not in ("http", "https"):
        raise BlockedURLError(f"scheme {parsed.scheme!r} is not allowed in {url!r}", url=asked)
    if parsed.userinfo:
        raise BlockedURLError("URLs with user credentials are not fetched", url=asked)
    if not parsed.host:
        raise BlockedURLError(f"no host in {url!r}", url=asked)
    return parsed.copy_with(fragment=None)


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None:
        return None
    try:
        return int(value.split(",")[0].strip())
    except ValueError:
        return None


def _translate(
    error: httpx.HTTPError, where: httpx.URL, budget: _Budget, *, asked: str
) -> FetchError:
    """Map an httpx failure to our vocabulary. The caller chains it with ``from``."""
    if isinstance(error, httpx.TimeoutException):
        if budget.expired():
            return FetchTimeoutError(
                f"total deadline of {budget.total:g}s passed at {where}", url=asked
            )
        return FetchTimeoutError(f"{type(error).__name__} at {where}: {error}", url=asked)
    if isinstance(error, httpx.DecodingError):  # only from transports that decode for us
        return ContentError(f"cannot decode body from {where}: {error}", url=asked)
    if _caused_by(error, ssl.SSLError) or _caused_by(error, ssl.CertificateError):
        return TLSError(f"TLS failure at {where}: {error}", url=asked)
    if isinstance(error, httpx.UnsupportedProtocol):
        return BlockedURLError(f"unsupported protocol at {where}", url=asked)
    return NetworkError(f"{type(error).__name__} at {where}: {error}", url=asked)


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False

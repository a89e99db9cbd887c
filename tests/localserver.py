"""A scriptable HTTP server on 127.0.0.1 for end-to-end tests of fetching.

Hostile behaviour (slow drips, stalled headers, bombs, lying lengths, redirect games) needs a
real socket: ``httpx.MockTransport`` never exercises timeouts, the connection pool or the
address guard. Routes can be changed while the server runs, so a test can play a server whose
feed changes, starts answering 304, or moves.

Every wait inside a handler is on one event that :meth:`LocalServer.close` sets, so closing
never hangs on a handler that is still dripping bytes to a client that went away.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Body = bytes | str | Callable[[], Iterable[bytes]]


class _Headers(dict):
    """Request headers with lower-case keys that also answer to any other case."""

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


@dataclass(frozen=True)
class RequestInfo:
    method: str
    path: str  # the request target as sent: path plus query
    headers: dict[str, str] = field(default_factory=_Headers)  # lower-case keys, any-case lookup


@dataclass(frozen=True)
class _Route:
    status: int
    body: Body
    headers: dict[str, str]
    content_type: str
    delay: float
    drip: tuple[int, float] | None
    drip_headers: bool
    handler: Callable[[RequestInfo], tuple[int, dict, bytes]] | None


class LocalServer:
    """ThreadingHTTPServer on an ephemeral 127.0.0.1 port, serving in a daemon thread.

    Responses always carry ``Connection: close``: one request per connection keeps handler
    threads short-lived, so :meth:`close` can join them all.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()
        self.requests: list[RequestInfo] = []
        self.closing = threading.Event()
        # Any 127.0.0.0/8 address: several "hosts" for per-host politeness, all on loopback.
        if not host.startswith("127."):
            raise ValueError("tests only serve on loopback")
        self._httpd = ThreadingHTTPServer((host, 0), _make_handler(self))
        self._httpd.daemon_threads = False  # so server_close() joins every handler thread
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"localserver-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(
        self,
        path: str,
        *,
        status: int = 200,
        body: Body = b"",
        headers: dict[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
        delay: float = 0.0,
        drip: tuple[int, float] | None = None,
        drip_headers: bool = False,
        handler: Callable[[RequestInfo], tuple[int, dict, bytes]] | None = None,
    ) -> None:
        """Serve ``path`` (matched with its query first, then without).

        ``body`` may be a callable returning an iterable of chunks, for bodies too large to
        hold (a 300 MB redirect body); it is then sent without Content-Length unless
        ``headers`` gives one. ``headers`` override the defaults, including Content-Length
        (lie as you like) and Date; ``"Transfer-Encoding": "chunked"`` makes the server chunk.
        ``drip`` sends the body (and with ``drip_headers`` the status line and headers too)
        ``n`` bytes at a time with a pause between. ``handler`` computes status, headers and
        body per request; delay and drip still apply.
        """
        with self._lock:
            self._routes[path] = _Route(
                status=status,
                body=body,
                headers=dict(headers or {}),
                content_type=content_type,
                delay=delay,
                drip=drip,
                drip_headers=drip_headers,
                handler=handler,
            )

    def _find(self, target: str) -> _Route | None:
        with self._lock:
            return self._routes.get(target) or self._routes.get(target.split("?", 1)[0])

    def _record(self, info: RequestInfo) -> None:
        with self._lock:
            self.requests.append(info)

    def close(self) -> None:
        self.closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _make_handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10  # a client that connects and never sends a request cannot pin a thread

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            headers = _Headers({k.lower(): v for k, v in self.headers.items()})
            info = RequestInfo(method=self.command, path=self.path, headers=headers)
            server._record(info)
            self.close_connection = True
            route = server._find(self.path)
            try:
                if route is None:
                    self._send(404, {"Content-Type": "text/plain"}, b"not found", None, False)
                    return
                if route.delay and server.closing.wait(route.delay):
                    return
                if route.handler is not None:
                    status, extra, body = route.handler(info)
                    headers_out = {"Content-Type": route.content_type, **extra}
                    self._send(status, headers_out, body, route.drip, route.drip_headers)
                    return
                content = route.body.encode() if isinstance(route.body, str) else route.body
                headers_out = {"Content-Type": route.content_type, **route.headers}
                self._send(route.status, headers_out, content, route.drip, route.drip_headers)
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
                pass  # the client gave up, which is what most hostile-server tests want

        def _send(
            self,
            status: int,
            headers: dict[str, str],
            body: bytes | Callable[[], Iterable[bytes]],
            drip: tuple[int, float] | None,
            drip_headers: bool,
        ) -> None:
            names = {k.lower() for k in headers}
            chunked = headers.get("Transfer-Encoding", "").lower() == "chunked"
            if "date" not in names:
                headers["Date"] = formatdate(usegmt=True)
            bodiless = 100 <= status < 200 or status in (204, 304)
            sized = not chunked and not bodiless
            if isinstance(body, bytes) and sized and "content-length" not in names:
                headers["Content-Length"] = str(len(body))
            headers["Connection"] = "close"
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = "Whatever"
            head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(
                f"{k}: {v}\r\n" for k, v in headers.items()
            )
            self._write((head + "\r\n").encode("latin-1"), drip if drip_headers else None)
            chunks: Iterable[bytes] = [body] if isinstance(body, bytes) else body()
            for chunk in chunks:
                if server.closing.is_set():
                    return
                if chunked and chunk:
                    chunk = b"%x\r\n%s\r\n" % (len(chunk), chunk)
                self._write(chunk, drip)
            if chunked:
                self._write(b"0\r\n\r\n", None)

        def _write(self, data: bytes, drip: tuple[int, float] | None) -> None:
            if drip is None:
                self.wfile.write(data)
                return
            size, pause = drip
            for start in range(0, len(data), size):
                self.wfile.write(data[start : start + size])
                if server.closing.wait(pause):
                    raise ConnectionAbortedError("server closing")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # tests read server.requests instead of stderr noise

    return Handler


def gzip_bomb(decoded_size: int) -> bytes:
    """A valid gzip stream of ``decoded_size`` zero bytes, built without holding them.

    One MiB of zeros is deflated once and ended with a full flush, which makes that block
    independent of what came before; repeating it is then still a valid deflate stream.
    """
    block_size = 1 << 20
    zeros = bytes(block_size)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    full, rest = divmod(decoded_size, block_size)
    crc = 0
    for _ in range(full):
        crc = zlib.crc32(zeros, crc)
    tail_deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    tail = tail_deflater.compress(bytes(rest)) + tail_deflater.flush()
    crc = zlib.crc32(bytes(rest), crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = crc.to_bytes(4, "little") + (decoded_size & 0xFFFFFFFF).to_bytes(4, "little")
    return header + block * full + tail + trailer


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server

"""``claimwatch demo``: the whole pipeline, offline, against a bundled sample site on 127.0.0.1.

The sample site (``pipeline/demo_site/``: a feed and six articles written for the project) is
served by a throw-away HTTP server bound to loopback; the default story is judged; everything
goes into a separate demo store, and the digest is printed. Nothing leaves the machine.
"""

from __future__ import annotations

import http.server
import json
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .clock import utcnow
from .config import (
    AlertSettings,
    Config,
    FeedConfig,
    NetworkConfig,
    ScheduleSettings,
    StorageSettings,
    load_story,
)
from .outputs.digest import build_digest, render_markdown, write_digest
from .outputs.serve import metadata_for

SITE = Path(__file__).resolve().parent / "demo_site"


class _SiteHandler(http.server.BaseHTTPRequestHandler):
    def __init__(self, *args, base: str, **kwargs):
        self.base = base
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        target = (SITE / path.lstrip("/")).resolve()
        if SITE not in target.parents or not target.is_file():
            self.send_error(404)
            return
        body = target.read_bytes()
        if target.suffix == ".xml":
            body = body.replace(b"{base}", self.base.encode())
            ctype = "application/rss+xml; charset=utf-8"
        else:
            ctype = "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the pipeline logs every fetch already


class AlertReceiver:
    """A webhook on 127.0.0.1 that keeps what Apprise's ``json://`` posts to it: the demo's
    stand-in for a chat or e-mail service. ``status`` and ``delay`` make it a failing or a
    slow one (the tests use those)."""

    def __init__(self, *, status: int = 200, delay: float = 0.0):
        self.messages: list[dict] = []
        self.status = status
        self.delay = delay
        self.received = threading.Event()
        self.closing = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, 1_000_000))
                try:
                    receiver.messages.append(json.loads(body))
                except ValueError:
                    receiver.messages.append({"raw": body.decode("utf-8", "replace")})
                receiver.received.set()
                if receiver.delay:
                    receiver.closing.wait(receiver.delay)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"json://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="alert-receiver")
        self.thread.start()

    def close(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> AlertReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class DemoResult:
    database: Path
    metadata: Path
    digest_markdown: str
    digest_files: list[Path]
    atom: Path | None = None  # the Atom feed of the demo's flags
    alert_target: str = ""  # where the alerts went (a receiver on 127.0.0.1 by default)
    alerts_sent: int = 0
    alerts: tuple[dict, ...] = ()  # what the local receiver got (empty for --alert-url)


def run_demo(*, story_file: Path, database: Path, metadata: Path, port: int = 0,
             alert_url: str | None = None) -> DemoResult:
    """Serve the sample site, poll it into a fresh ``database``, send its alerts (to a
    receiver on 127.0.0.1, or to ``alert_url``), and return the digest."""
    from .orchestration.app import App

    database = database.resolve()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)  # a fresh demo every time
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), None)  # type: ignore[arg-type]
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.RequestHandlerClass = partial(_SiteHandler, base=base)  # type: ignore[assignment]
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="demo-site")
    thread.start()
    receiver = AlertReceiver() if alert_url is None else None
    try:
        story = load_story(story_file)
        digests = database.parent / "demo-digests"
        config = Config(
            path=story_file,
            stories=(story,),
            storage=StorageSettings(database=database, digests=digests,
                                    atom=database.with_name(f"{database.stem}-flags.atom")),
            schedule=ScheduleSettings(),
            # The sample site is on loopback, which the address guard refuses by default.
            network=NetworkConfig(allow_private_addresses=True, min_host_interval=0.0),
            feeds=(FeedConfig(name="demo-newsroom", url=f"{base}/feed.xml"),),
            alerts=AlertSettings(urls=(alert_url or receiver.url,),  # type: ignore[union-attr]
                                 timeout=5.0, max_attempts=1),
        )
        with App(config) as app:
            app.poll()
            atom = app.write_atom()
            sent = app.send_alerts(max_seconds=30)
            now = utcnow()
            digest = build_digest(app.store, now.date(), "UTC", now=now)
            files = write_digest(digest, digests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        if receiver is not None:
            receiver.close()
    return DemoResult(
        database=database,
        metadata=metadata_for(database, source=metadata),
        digest_markdown=render_markdown(digest),
        digest_files=files,
        atom=atom,
        alert_target=alert_url or (receiver.url if receiver else ""),
        alerts_sent=sent.sent if sent else 0,
        alerts=tuple(receiver.messages) if receiver else (),
    )

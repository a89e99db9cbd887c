"""Alerts: tell people about new flags through Apprise (e-mail, ntfy, Slack, Matrix, Telegram,
webhooks and ~100 more, one URL scheme).

Delivery uses an outbox in the store:

1. The ingestor queues an alert (and one delivery per target URL) *inside the article's
   transaction* (:meth:`Store.queue_alert`): the flag and its alert are committed together or
   not at all, so a crash can neither lose an alert nor invent one.
2. An :class:`AlertSender` sends what is due *after* commit, on its own store connection and
   its own thread (the daemon's ``alerts`` job; ``poll``/``ingest`` at their end; ``alerts
   send``), never on the ingest path: a slow or failing target costs the sender's time only.
3. A delivery is claimed (``sending``, with the sender's host:pid) before it is sent and marked
   ``sent`` once the target accepted it; a failure goes back to ``pending`` with exponential
   backoff, and after ``max_attempts`` it is ``failed`` (visible in Datasette and ``status``).

So each flag is sent once per target across restarts and ``kill -9`` anywhere between commit
and send. The one window no outbox can close is a crash after the target accepted a message
and before ``sent`` was committed (milliseconds): that delivery is sent again when its dead
sender's claim is released. Every message carries its alert number, so a receiver can drop
the repeat.

Titles and text come from untrusted pages: each target gets the message in its own format
(plain text, Markdown or HTML), escaped for that format, with mass mentions defused, control
and bidi characters removed, and links only when they are http(s).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from ..clock import Clock, iso
from ..clock import parse_optional as parse_iso
from ..config import AlertSettings
from ..errors import AlertError
from ..fetching.urls import is_http_url
from ..store import AlertRow, DueDeliveryRow, Store
from .digest import Link, md_escape, md_link

log = logging.getLogger(__name__)

TEXT, MARKDOWN, HTML = "text", "markdown", "html"
MAX_BACKOFF = timedelta(hours=1)
FIRST_BACKOFF = timedelta(seconds=30)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_KIND = {"contradiction": "Contradiction", "confirmation": "Confirmation",
         "development": "New development"}


def target_id(url: str) -> str:
    """How the store knows a target: a hash, since Apprise URLs carry tokens and passwords."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def _apprise():
    import apprise  # imported late: ~0.2 s, and only alerting needs it

    return apprise


def _instantiate(url: str, timeout: float):
    apprise = _apprise()
    # Memory-only persistent store: Apprise writes no cache files of its own.
    asset = apprise.AppriseAsset(storage_mode="memory")
    plugin = apprise.Apprise.instantiate(url, asset=asset, suppress_exceptions=True)
    if plugin is not None:
        plugin.socket_connect_timeout = timeout
        plugin.socket_read_timeout = timeout
    return plugin


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Apprise logs every URL it cannot parse as an error; when checking a config we say it
    ourselves, once, with the key."""
    logger = logging.getLogger("apprise")
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def url_problem(url: str) -> str | None:
    """Why Apprise cannot use ``url``, or None. Says nothing of the URL's secrets."""
    if not isinstance(url, str) or "://" not in url:
        return "not an Apprise URL (scheme://...)"
    with _quiet():
        plugin = _instantiate(url, 1.0)
    if plugin is None:
        scheme = url.split("://", 1)[0]
        return f"Apprise does not accept this {scheme}:// URL (unknown service or bad form)"
    return None


def masked(url: str) -> str:
    """The URL as logs and messages may show it: Apprise's privacy form (secrets hidden)."""
    with _quiet():
        plugin = _instantiate(url, 1.0)
    return plugin.url(privacy=True) if plugin is not None else url.split("://", 1)[0] + "://..."


# --- what an alert says -----------------------------------------------------------------------


def wants(settings: AlertSettings, kind: str, band: str) -> bool:
    if not settings.enabled or kind not in settings.kinds:
        return False
    return band == "flag" or settings.min_band == "review"


def payload(*, claim_text: str | None, evidence: str, url: str, title: str | None,
            site: str | None, score: float, story_title: str,
            summary: str | None = None) -> str:
    return json.dumps({"claim_text": claim_text, "evidence": evidence, "url": url,
                       "title": title, "site": site, "score": round(float(score), 2),
                       "story_title": story_title, "summary": summary}, ensure_ascii=False)


def _plain(text: Any, limit: int = 500) -> str:
    """Untrusted text as one safe line: no control or direction-override characters, no
    mass mentions (@everyone, @channel, @here), at most ``limit`` characters."""
    clean = " ".join(_CONTROL.sub("", str(text or "")).split())
    clean = clean.replace("@", "@\u200b")
    if len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "\u2026"
    return clean


@dataclass(frozen=True)
class Message:
    title: str
    bodies: dict[str, str]  # format -> body


def render(alert: AlertRow) -> Message:
    """The message of one queued alert (a row of :meth:`Store.due_deliveries`), per format."""
    data = json.loads(alert.payload)
    kind = alert.kind
    band = "" if alert.band == "flag" else " (needs review)"
    key = _plain(alert.claim_key or "", 80)
    story = _plain(alert.story, 80)
    if kind == "development":
        title = f"claimwatch: new development in {story}"
    else:
        title = f"claimwatch: {kind} of {key}{band}"
    number = f"claimwatch alert #{alert.alert_id}"
    score = f"{float(data['score']):.2f}"
    url = data["url"] if data.get("url") and is_http_url(data["url"]) else None
    article = _plain(data.get("title") or data.get("url") or "untitled", 200)
    site = _plain(data.get("site") or "", 80)
    if kind == "development":
        headline_text = f"New development in {_plain(data['story_title'], 120)}"
        subject = _plain(data.get("summary") or data["evidence"])
    else:
        headline_text = f"{_KIND[kind]}{band} of claim {key}"
        subject = _plain(data.get("claim_text"))
    evidence = _plain(data["evidence"])

    text = "\n".join([
        f"{headline_text}:", subject,
        f"Evidence: \"{evidence}\"",
        f"Article: {article} ({site})", url or "(no web link)",
        f"Confidence {score}. {number}",
    ])
    link = Link(title=data.get("title") or data.get("url") or "untitled", url=url,
                site=data.get("site") or "")
    markdown = "\n\n".join([
        f"**{md_escape(headline_text)}**: {md_escape(subject)}",
        f"> {md_escape(evidence)}",
        f"{md_link(Link(title=article, url=link.url, site=site))}, {md_escape(site)}. "
        f"Confidence {score}. {md_escape(number)}",
    ])
    esc = html.escape
    anchor = (f'<a href="{esc(url, quote=True)}">{esc(article)}</a>' if url
              else esc(article))
    html_body = (f"<p><b>{esc(headline_text)}</b>: {esc(subject)}</p>"
                 f"<blockquote>{esc(evidence)}</blockquote>"
                 f"<p>{anchor}, {esc(site)}. Confidence {score}. {esc(number)}</p>")
    return Message(title=title, bodies={TEXT: text, MARKDOWN: markdown, HTML: html_body})


# --- sending ----------------------------------------------------------------------------------


class Notifier(Protocol):
    def __call__(self, url: str, message: Message) -> None:
        """Deliver or raise AlertError."""


class _Capture(logging.Handler):
    """Apprise reports why a send failed only in its log: keep the last warning per thread."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self.local, "active", False):
            self.local.last = record.getMessage()


_capture = _Capture()


def apprise_notify(url: str, message: Message, *, timeout: float) -> None:
    """Send ``message`` to one Apprise URL in the body format that target renders."""
    apprise = _apprise()
    plugin = _instantiate(url, timeout)
    if plugin is None:
        raise AlertError("Apprise does not accept this URL")
    fmt = plugin.notify_format
    if isinstance(fmt, tuple | list | set | frozenset):  # pass-through targets (json://)
        fmt = apprise.NotifyFormat.TEXT
    fmt_name = str(getattr(fmt, "value", fmt))
    body = message.bodies.get(fmt_name, message.bodies[TEXT])
    logger = logging.getLogger("apprise")
    if _capture not in logger.handlers:
        logger.addHandler(_capture)
    _capture.local.active, _capture.local.last = True, None
    try:
        ok = plugin.notify(body=body, title=message.title, body_format=fmt)
    except Exception as e:  # a plugin bug must cost one attempt, not the sender
        raise AlertError(f"{type(e).__name__}: {e}") from e
    finally:
        _capture.local.active = False
    if not ok:
        raise AlertError(_capture.local.last or "the target did not accept the message")


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0
    errors: list[str] = field(default_factory=list)


def _claimer() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class AlertSender:
    """Sends the outbox's due deliveries. Give it its own :class:`Store` (connection): it runs
    beside the ingest writer, in another thread or process."""

    def __init__(
        self,
        store: Store,
        settings: AlertSettings,
        *,
        clock: Clock,
        notifier: Notifier | None = None,
    ):
        self.store = store
        self.settings = settings
        self.clock = clock
        self.notify = notifier or (lambda url, msg: apprise_notify(url, msg,
                                                                   timeout=settings.timeout))
        self.targets = {target_id(u): u for u in settings.urls}
        self.claimer = _claimer()
        # A claim older than this is released even if its sender may live (another host).
        self.lease = timedelta(seconds=max(120.0, 4 * settings.timeout))

    def _release_dead_claims(self, report: SendReport) -> None:
        host = socket.gethostname()
        now = self.clock()
        for row in self.store.sending_deliveries():
            claimer = row.claimed_by or ""
            claimed_host, _, pid = claimer.rpartition(":")
            claimed_at = parse_iso(row.claimed_at)
            dead = claimed_host == host and pid.isdigit() and (
                int(pid) != os.getpid() and not _pid_alive(int(pid)))
            expired = claimed_at is None or now - claimed_at > self.lease
            if dead or expired:
                self.store.release_delivery(row.alert_id, row.target, claimer)
                report.released += 1
                log.warning("event=alert_claim_released alert=%s claimed_by=%s: it may have "
                            "been delivered already; sending again", row.alert_id, claimer)

    def run_once(self, *, max_seconds: float | None = None,
                 stop: threading.Event | None = None) -> SendReport:
        """Send every due delivery (until ``max_seconds`` passed or ``stop`` is set)."""
        report = SendReport()
        if not self.targets:
            return report
        started = time.monotonic()
        self._release_dead_claims(report)
        dropped = self.store.drop_deliveries(list(self.targets))
        if dropped:
            log.warning("event=alerts_dropped count=%d reason=target_no_longer_configured",
                        dropped)
        while True:
            due = self.store.due_deliveries(iso(self.clock()))
            if not due:
                return report
            for row in due:
                if stop is not None and stop.is_set():
                    return report
                if max_seconds is not None and time.monotonic() - started > max_seconds:
                    return report
                self._deliver(row, report)

    def _deliver(self, row: DueDeliveryRow, report: SendReport) -> None:
        alert_id, target = row.alert_id, row.target
        if not self.store.claim_delivery(alert_id, target, claimer=self.claimer,
                                         now=iso(self.clock())):
            return  # another sender has it
        url = self.targets[target]
        try:
            self.notify(url, render(row))
        except AlertError as e:
            attempts = row.attempts + 1
            error = str(e)[:500]
            now = self.clock()
            if attempts >= self.settings.max_attempts:
                self.store.finish_delivery(alert_id, target, status="failed", now=iso(now),
                                           error=error)
                report.failed += 1
                log.error("event=alert_failed alert=%s target=%s attempts=%d error=%r",
                          alert_id, target, attempts, error)
            else:
                delay = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (attempts - 1))
                self.store.finish_delivery(alert_id, target, status="pending", now=iso(now),
                                           next_attempt_at=iso(now + delay), error=error)
                report.retrying += 1
                log.warning("event=alert_retry alert=%s target=%s attempts=%d next_in=%ds "
                            "error=%r", alert_id, target, attempts, delay.total_seconds(), error)
            report.errors.append(error)
            return
        self.store.finish_delivery(alert_id, target, status="sent", now=iso(self.clock()))
        report.sent += 1
        log.info("event=alert_sent alert=%s kind=%s target=%s", alert_id, row.kind, target)


def send_test(settings: AlertSettings, *, urls: Sequence[str] | None = None,
              notifier: Notifier | None = None) -> list[tuple[str, str | None]]:
    """Send a test message to each URL; (masked URL, error or None) per URL."""
    message = render(AlertRow(
        alert_id=0, kind="contradiction", band="flag", story="test", claim_key="test-claim",
        payload=payload(claim_text="This is a test of claimwatch alerts.",
                        evidence="If you read this, alerts reach you.",
                        url="https://example.org/", title="claimwatch alert test",
                        site="example.org", score=1.0, story_title="test"),
    ))
    send = notifier or (lambda url, msg: apprise_notify(url, msg, timeout=settings.timeout))
    results: list[tuple[str, str | None]] = []
    for url in urls if urls is not None else settings.urls:
        try:
            send(url, message)
            results.append((masked(url), None))
        except AlertError as e:
            results.append((masked(url), str(e)))
    return results

"""Alerts: queued with the article, sent after commit by a sender of their own, once per flag
and target (also across kill -9), retried with backoff, made safe per format, and never on
the poll cycle's time. Every endpoint is an Apprise json:// webhook on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import AlertSettings, load_config
from pipeline.demo import AlertReceiver
from pipeline.orchestration.app import App
from pipeline.outputs.alerts import AlertSender, render, target_id
from pipeline.store import AlertRow, NewAlert, NewArticle, Store
from tests.conftest import ManualClock
from tests.e2e_site import build_site
from tests.localserver import LocalServer
from tests.test_cli import FIXTURES, config

REPO = Path(__file__).resolve().parent.parent
HOSTILE = ("@everyone <script>alert(1)</script> **bold** [x](javascript:alert(1)) <!channel> "
           "\x1b[31m\u202eevil\x00")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch):
    """Apprise (through requests) may reach nothing but the test's own 127.0.0.1 endpoints:
    no proxy from the environment, and every connection is checked."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    connect = socket.socket.connect
    seen: list[object] = []

    def guarded(self, address):
        seen.append(address)
        if self.family in (socket.AF_INET, socket.AF_INET6):
            assert address[0] in ("127.0.0.1", "::1", "localhost"), address
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return seen


def alerts_config(tmp_path: Path, *urls: str, extra: str = "") -> Path:
    quoted = ", ".join(json.dumps(u) for u in urls)
    return config(tmp_path, f"[alerts]\nurls = [{quoted}]\ntimeout = 3.0\n{extra}")


def queue(store: Store, n: int, targets: list[str], *, evidence: str = "It is $450 million.",
          title: str = "A title", url: str = "https://news.example/a") -> None:
    now = "2026-03-02T09:00:00Z"
    with store.transaction():
        for i in range(n):
            article = store.insert_article(NewArticle(url=f"{url}{i}", title=title,
                                                      site="news.example", fetched_at=now,
                                                      text="t", content_hash=f"h{i}"))
            store.queue_alert(NewAlert(
                kind="contradiction", band="flag", story="s",
                claim_key="contract-value", article_id=article, created_at=now,
                payload=json.dumps({"claim_text": "The contract is worth $200 million.",
                                    "evidence": evidence, "url": f"{url}{i}",
                                    "title": title, "site": "news.example", "score": 0.97,
                                    "story_title": "Story", "summary": None}),
            ), targets, now)


START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_ingest_queues_in_the_article_transaction_and_sends_once(tmp_path: Path) -> None:
    with AlertReceiver() as receiver:
        cfg = alerts_config(tmp_path, receiver.url)
        result = CliRunner().invoke(cli, ["--config", str(cfg), "-q", "ingest",
                                          str(FIXTURES / "contradiction-contract.html")])
        assert result.exit_code == 0, result.output
        assert "alerts: 2 sent, 0 to retry" in result.output  # a contradiction, a development
        titles = sorted(m["title"] for m in receiver.messages)
        assert titles == ["claimwatch: contradiction of contract-value",
                          "claimwatch: new development in pentagon-anthropic"]
        message = next(m for m in receiver.messages if "contradiction" in m["title"])
        body = message["message"]
        assert "Anthropic's contract with the Pentagon is worth around $200 million." in body
        # The stored match's own score, as the digest shows it.
        with Store.open(tmp_path / "s.db") as store:
            rows = store.query("SELECT score FROM matches WHERE stance = 'contradicts'")
        score = rows[0]["score"]
        assert "Evidence: \"" in body and f"Confidence {score:.2f}" in body
        assert "(The Capitol Ledger)" in body and "(no web link)" in body  # a file: URL
        assert "claimwatch alert #" in body
        # Nothing is sent twice: not by another flush, nor by a re-ingest.
        again = CliRunner().invoke(cli, ["--config", str(cfg), "-q", "alerts", "send"])
        assert again.output.strip() == "alerts: 0 sent, 0 to retry, 0 given up"
        CliRunner().invoke(cli, ["--config", str(cfg), "-q", "ingest",
                                 str(FIXTURES / "contradiction-contract.html")])
        assert len(receiver.messages) == 2


def test_kinds_and_band_choose_what_is_queued(tmp_path: Path) -> None:
    cfg = alerts_config(tmp_path, "json://127.0.0.1:9/none", extra='kinds = ["confirmations"]')
    conf = load_config(cfg)
    assert conf.alerts.kinds == ("confirmation",) and conf.alerts.min_band == "flag"
    with App(conf) as app:
        app.ingest(str(FIXTURES / "contradiction-contract.html"))
        app.ingest(str(FIXTURES / "confirmation.html"))
        rows = app.store.query("SELECT kind, band FROM alerts")
    assert rows and {r["kind"] for r in rows} == {"confirmation"}
    assert {r["band"] for r in rows} == {"flag"}


def test_failing_target_backs_off_then_gives_up(tmp_path: Path) -> None:
    clock = ManualClock(START)
    with AlertReceiver(status=500) as failing, AlertReceiver() as good, \
            Store.open(tmp_path / "s.db") as store:
        settings = AlertSettings(urls=(failing.url, good.url), timeout=3.0, max_attempts=3)
        queue(store, 1, [target_id(failing.url), target_id(good.url)])
        sender = AlertSender(store, settings, clock=clock)
        report = sender.run_once()
        assert (report.sent, report.retrying) == (1, 1)
        assert "500" in report.errors[0]
        assert sender.run_once().sent == 0  # not due yet: 30 s backoff
        clock.now += timedelta(seconds=31)
        assert sender.run_once().retrying == 1  # second failure: next in 60 s
        clock.now += timedelta(seconds=45)
        assert sender.run_once().retrying == 0
        clock.now += timedelta(seconds=20)
        assert sender.run_once().failed == 1  # third attempt: given up
        clock.now += timedelta(days=1)
        sender.run_once()
        assert len(failing.messages) == 3 and len(good.messages) == 1  # good got it once
        assert store.delivery_counts() == {"pending": 0, "sending": 0, "sent": 1, "failed": 1}


def test_untrusted_text_is_made_safe_for_each_format() -> None:
    message = render(AlertRow(alert_id=7, kind="contradiction", band="flag", story="s",
                              claim_key="contract-value", payload=json.dumps({
                                  "claim_text": "The deal is worth $200 million.",
                                  "evidence": HOSTILE, "url": "javascript:alert(1)",
                                  "title": HOSTILE, "site": HOSTILE, "score": 0.9,
                                  "story_title": "Story", "summary": None})))
    text, markdown, html = (message.bodies[k] for k in ("text", "markdown", "html"))
    for body in (text, markdown, html):
        assert "@everyone" not in body and "\x1b" not in body and "\u202e" not in body
        assert "\x00" not in body
    assert "(no web link)" in text
    assert "](javascript" not in markdown and "<script>" not in markdown
    assert "\\*\\*bold\\*\\*" in markdown and "\\<\\!channel\\>" in markdown
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert not tree.xpath("//script | //a")  # no element from the text, no link to javascript:
    assert "<script>alert(1)</script>" in tree.text_content()
    assert message.title == "claimwatch: contradiction of contract-value"


def run_cycle(tmp_path: Path, server: LocalServer, site, settings_url: str) -> float:
    cfg = site.config(tmp_path)
    with cfg.open("a") as fh:
        fh.write(f'[alerts]\nurls = ["{settings_url}"]\ntimeout = 8.0\n')
    with App(load_config(cfg)) as app:
        started = time.monotonic()
        report = app.poll()
        elapsed = time.monotonic() - started
        # Every story page of the site, in a fresh store each time.
        assert report.articles.stored == len(site.story_urls) and report.articles.flags > 0
    return elapsed


@contextlib.contextmanager
def sending_in_background(db: Path, target: AlertReceiver) -> Iterator[None]:
    """A sender on its own store connection and thread, as the daemon's alerts job runs it
    (again and again, on a timer), sending to ``target`` until the block ends; then stopped,
    ``target`` told to let go of a request it holds, the thread joined, the store closed."""
    stop = threading.Event()
    settings = AlertSettings(urls=(target.url,), timeout=8.0, max_attempts=100)
    with Store.open(db) as sender_store:
        sender = AlertSender(sender_store, settings, clock=lambda: datetime.now(UTC))

        def daemon_job() -> None:
            while not stop.is_set():
                sender.run_once(stop=stop)
                stop.wait(0.5)

        thread = threading.Thread(target=daemon_job)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            target.closing.set()
            thread.join(timeout=20)


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", ["slow", "failing"])
def test_a_bad_target_never_slows_a_poll_cycle(tmp_path: Path, mode: str) -> None:
    """The daemon's sender runs beside the cycle: while it is stuck on (or failing against)
    a target, a poll cycle takes what it takes without alerts, within 1 s."""
    with LocalServer() as server, AlertReceiver() as idle, \
            AlertReceiver(delay=6.0 if mode == "slow" else 0.0,
                          status=200 if mode == "slow" else 500) as bad:
        site = build_site(server, benchmark=0, hostile=False)
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        run_cycle(tmp_path / "a", server, site, idle.url)  # warm caches for both runs
        (tmp_path / "a2").mkdir()
        baseline = run_cycle(tmp_path / "a2", server, site, idle.url)

        # Store b: a backlog for the bad target, and a sender busy with it on its own thread.
        db = tmp_path / "b" / "store.db"
        with Store.open(db) as store:
            queue(store, 40, [target_id(bad.url)])
        with sending_in_background(db, bad):
            assert bad.received.wait(10)
            with_bad_target = run_cycle(tmp_path / "b", server, site, bad.url)
        assert with_bad_target < baseline + 1.0, (with_bad_target, baseline)
        if mode == "slow":
            assert len(bad.messages) <= 3  # the sender really was stuck meanwhile


KILL_AFTER_COMMIT = """
import os, signal, sys
from pipeline.orchestration.app import App
from pipeline.config import load_config
with App(load_config(sys.argv[1])) as app:
    report = app.ingest(sys.argv[2])
    assert report.flags, report
    # Committed, not sent: die the hard way before any sender runs.
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_exactly_once_across_kill_9_between_commit_and_send(tmp_path: Path,
                                                            claimwatch_process) -> None:
    with AlertReceiver() as receiver:
        cfg = alerts_config(tmp_path, receiver.url)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("CLAIMWATCH_") and "proxy" not in k.lower()}
        for fixture in ("contradiction-contract.html", "development-contractor.html"):
            proc = subprocess.run([sys.executable, "-c", KILL_AFTER_COMMIT, str(cfg),
                                   str(FIXTURES / fixture)], cwd=REPO, env=env,
                                  capture_output=True, timeout=90)
            assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
        with Store.open(tmp_path / "s.db") as store:
            queued = store.delivery_counts()
            alerts = store.query("SELECT count(*) AS n FROM alerts")[0]["n"]
        # Every alert of both articles (one target) waits; none was sent or even claimed.
        assert queued == {"pending": alerts, "sending": 0, "sent": 0, "failed": 0}
        assert alerts >= 2
        assert receiver.messages == []

        # The daemon starts again and sends each exactly once.
        daemon = claimwatch_process(cfg, "run", env=env)
        deadline = time.monotonic() + 60
        while len(receiver.messages) < queued["pending"] and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # time for a (wrong) second send to show up
        daemon.send_signal(signal.SIGTERM)
        out, _ = daemon.communicate(timeout=30)
        assert daemon.returncode == 0, out.decode()
        ids = [m["message"].rsplit("#", 1)[1] for m in receiver.messages]
        assert len(ids) == queued["pending"] == len(set(ids)), ids
        with Store.open(tmp_path / "s.db") as store:
            assert store.delivery_counts()["sent"] == queued["pending"]
        result = CliRunner().invoke(cli, ["--config", str(cfg), "-q", "alerts", "send"])
        assert result.output.strip() == "alerts: 0 sent, 0 to retry, 0 given up"
        assert len(receiver.messages) == queued["pending"]


def test_a_dead_senders_claim_is_released(tmp_path: Path) -> None:
    """A sender killed mid-send leaves its claim: the next sender on this host sees the pid
    is gone and sends it again (the one window where a message can arrive twice)."""
    with AlertReceiver() as receiver, Store.open(tmp_path / "s.db") as store:
        queue(store, 1, [target_id(receiver.url)])
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        assert store.claim_delivery(1, target_id(receiver.url),
                                    claimer=f"{socket.gethostname()}:{dead.pid}",
                                    now="2026-03-02T09:00:00Z")
        settings = AlertSettings(urls=(receiver.url,), timeout=3.0)
        report = AlertSender(store, settings, clock=ManualClock(START)).run_once()
        assert (report.released, report.sent) == (1, 1)
        assert len(receiver.messages) == 1


def test_alerts_test_command(tmp_path: Path) -> None:
    with AlertReceiver() as good, AlertReceiver(status=503) as bad:
        cfg = alerts_config(tmp_path, good.url)
        result = CliRunner().invoke(cli, ["--config", str(cfg), "alerts", "test"])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("ok     json://127.0.0.1:")
        assert good.messages[0]["title"] == "claimwatch: contradiction of test-claim"
        result = CliRunner().invoke(cli, ["--config", str(cfg), "alerts", "test",
                                          "--url", bad.url])
        assert result.exit_code == 1 and "FAILED" in result.output and "503" in result.output
        result = CliRunner().invoke(cli, ["--config", str(cfg), "alerts", "test",
                                          "--url", "nosuchservice://x"])
        assert result.exit_code == 2 and "Apprise does not accept" in result.output
    (tmp_path / "bare").mkdir()
    bare = config(tmp_path / "bare")
    result = CliRunner().invoke(cli, ["--config", str(bare), "alerts", "test"])
    assert result.exit_code == 2 and "no alert URLs" in result.output


def test_bad_alert_config_is_reported_with_keys(tmp_path: Path) -> None:
    cfg = config(tmp_path, '[alerts]\nurls = ["nosuchservice://x"]\nkinds = ["rumours"]\n'
                           'min_band = "maybe"\n')
    result = CliRunner().invoke(cli, ["--config", str(cfg), "status"])
    assert result.exit_code == 2
    for key in ("alerts.urls[0]", "alerts.kinds[0]", "alerts.min_band"):
        assert f"{cfg}: {key}:" in result.output

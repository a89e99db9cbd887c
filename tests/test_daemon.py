"""The daemon as a process: killed with SIGKILL mid-cycle it loses nothing and duplicates
nothing; stopped with SIGTERM it exits cleanly within seconds; it writes the digest."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from pipeline.ingesting.dedupe import SHINGLES_TABLE
from tests.e2e_site import build_site
from tests.localserver import LocalServer

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent


def count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
        try:
            return conn.execute(sql).fetchone()[0]
        except sqlite3.OperationalError:
            return 0  # not migrated yet


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def check_consistent(db: Path) -> None:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Every article came with its entry, its index row and its judgments in one
        # transaction: none is there without the others.
        orphans = conn.execute(
            "SELECT count(*) FROM articles a WHERE a.feed_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM entries e WHERE e.article_id = a.id)").fetchone()[0]
        assert orphans == 0
        unindexed = conn.execute(
            f"SELECT count(*) FROM articles a WHERE length(a.text) > 2000 AND NOT EXISTS "
            f"(SELECT 1 FROM [{SHINGLES_TABLE}] s WHERE s.article_id = a.id)").fetchone()[0]
        assert unindexed == 0
        dangling = conn.execute(
            "SELECT count(*) FROM matches m WHERE NOT EXISTS "
            "(SELECT 1 FROM articles a WHERE a.id = m.article_id)").fetchone()[0]
        assert dangling == 0
        assert conn.execute("SELECT count(*) - count(DISTINCT url) FROM articles"
                            ).fetchone()[0] == 0


@pytest.mark.timeout(180)
def test_sigkill_mid_cycle_then_restart(tmp_path: Path, claimwatch_process) -> None:
    with LocalServer() as server:
        site = build_site(server, benchmark=12, hostile=False, page_delay=0.25)
        config = site.config(tmp_path)
        db = tmp_path / "store.db"
        expected = len(site.story_urls) + len(site.benchmark_urls)

        proc = claimwatch_process(config, "poll")
        assert wait_for(lambda: count(db, "SELECT count(*) FROM articles") >= 4, 90), \
            proc.stdout.read().decode() if proc.poll() is not None else "no progress"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        stored_before = count(db, "SELECT count(*) FROM articles")
        assert 4 <= stored_before < expected  # killed mid-cycle
        check_consistent(db)

        proc = claimwatch_process(config, "poll")
        out, _ = proc.communicate(timeout=150)
        assert proc.returncode == 0, out.decode()
        check_consistent(db)
        assert count(db, "SELECT count(*) FROM articles") == expected
        assert count(db, "SELECT count(*) FROM entries") == expected


@pytest.mark.timeout(120)
def test_sigterm_stops_within_seconds_and_resumes_schedule(tmp_path: Path,
                                                           claimwatch_process) -> None:
    with LocalServer() as server:
        site = build_site(server, benchmark=0, hostile=False, page_delay=1.5)
        config = site.config(tmp_path)
        db = tmp_path / "store.db"
        yesterday = datetime.now(UTC).date() - timedelta(days=1)  # the config's time zone
        proc = claimwatch_process(config, "run")
        # Stopped once a flag is stored (not merely an article: the first articles stored may
        # all be unflagged, and the Atom feed checked below would then rightly be empty).
        assert wait_for(lambda: count(db, "SELECT count(*) FROM flags") >= 1, 60)
        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        out, _ = proc.communicate(timeout=20)
        stopped_in = time.monotonic() - started
        log = out.decode()
        assert proc.returncode == 0, log
        assert stopped_in < 8, (stopped_in, log)
        assert "event=daemon_stopped" in log
        # The cycle stopped between two articles, and said so.
        assert "interrupted=True" in log.split("event=daemon_stopping")[1]
        check_consistent(db)
        # The digest for yesterday was written at start-up (the catch-up).
        assert [p.name for p in (tmp_path / "digests").glob("*.md")] == [f"{yesterday}.md"]
        # The Atom feed of flags was kept current after the cycle that stored articles.
        feed = feedparser.parse((tmp_path / "flags.atom").read_bytes())
        assert not feed.bozo and feed.entries
        # The interrupted feed is due again at once; nothing else was marked done.
        assert count(db, "SELECT count(*) FROM articles") < len(site.story_urls)

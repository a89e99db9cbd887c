"""`claimwatch status` and `claimwatch feeds list`: one screen, exit codes for scripts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.clock import iso as stamp
from pipeline.config import load_config
from pipeline.orchestration.daemon import heartbeat_path
from pipeline.store import NewArticle, NewMatch, PollRecord, Store
from tests.test_cli import config

FEEDS = """
[[feeds]]
name = "healthy"
url = "https://healthy.example/feed.xml"

[[feeds]]
name = "broken"
url = "https://broken.example/feed.xml"

[[feeds]]
name = "gone"
url = "https://gone.example/feed.xml"

[[feeds]]
name = "brand-new"
url = "https://new.example/feed.xml"
"""


def make_store(cfg: Path) -> None:
    conf = load_config(cfg)
    now = datetime.now(UTC)
    with Store.open(conf.storage.database) as store:
        store.sync_stories(conf.stories, now=stamp(now))
        store.sync_feeds(conf.feeds[:3], now=stamp(now))
        ids = {f.name: f.id for f in store.feeds()}
        log = PollRecord(started_at=stamp(now), duration_ms=1, outcome="new", status=200,
                         new_entries=0, error=None)
        later = stamp(now + timedelta(hours=1))
        store.update_feed(ids["healthy"], {"last_polled_at": stamp(now), "next_poll_at": later,
                                           "last_success_at": stamp(now)}, log)
        store.update_feed(ids["broken"], {"last_polled_at": stamp(now), "next_poll_at": later,
                                          "consecutive_errors": 3,
                                          "last_error": "http_500: server error"}, log)
        store.update_feed(ids["gone"], {"last_polled_at": stamp(now),
                                        "disabled_reason": "410 Gone"}, log)
        with store.transaction():
            article = store.insert_article(NewArticle(url="https://a.example/1", title="t",
                                                      site="a.example", fetched_at=stamp(now),
                                                      text="t", content_hash="h"))
            claim_id = store.story_with_claims(conf.stories[0]).claims[0].id
            assert claim_id is not None
            store.insert_match(NewMatch(article_id=article, claim_id=claim_id,
                                        stance="contradicts", score=0.9, band="flag",
                                        evidence="e", created_at=stamp(now)))


def invoke(cfg: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(cfg), *args])


def test_status_exit_code_follows_the_heartbeat(tmp_path: Path) -> None:
    cfg = config(tmp_path, FEEDS)
    result = invoke(cfg, "status")
    assert result.exit_code == 1
    assert "NOT RUNNING" in result.output and "not created yet" in result.output

    make_store(cfg)
    beat = heartbeat_path(load_config(cfg))
    beat.write_text(stamp(datetime.now(UTC) - timedelta(seconds=20)) + "\n")
    result = invoke(cfg, "status")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "alive (last tick" in out
    assert "4 total, 1 due, 1 failing, 1 disabled, 1 never polled" in out
    assert "today        1 articles, 1 flags (1 contradictions" in out
    assert "broken: failing, http_500: server error" in out
    assert "gone: disabled, 410 Gone" in out
    assert "KiB" in out

    beat.write_text(stamp(datetime.now(UTC) - timedelta(minutes=10)) + "\n")
    result = invoke(cfg, "status")
    assert result.exit_code == 1 and "STALE (last tick 10 min ago" in result.output
    assert invoke(cfg, "status", "--max-age", "3600").exit_code == 0


def test_status_names_the_last_digest(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    digests = tmp_path / "digests"
    digests.mkdir()
    for name in ("2026-03-01.md", "2026-03-02.md", "2026-03-02.html", "notes.md"):
        (digests / name).write_text("x")
    assert f"last digest  {digests / '2026-03-02.md'}" in invoke(cfg, "status").output


def test_feeds_list_shows_every_feed_with_its_health(tmp_path: Path) -> None:
    cfg = config(tmp_path, FEEDS)
    result = invoke(cfg, "feeds", "list")
    assert result.exit_code == 0 and result.output.count("never polled") == 4
    make_store(cfg)
    result = invoke(cfg, "feeds", "list")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[1:]
             if not line.startswith(" ")}
    assert " ok " in lines["healthy"] and " failing " in lines["broken"]
    assert " disabled " in lines["gone"] and "never polled" in lines["brand-new"]
    assert "last error: http_500: server error" in result.output
    assert "disabled: 410 Gone" in result.output
    output = invoke(cfg, "feeds", "list", "--json").output
    rows = [json.loads(line) for line in output.splitlines()]
    assert [r["state"] for r in rows] == ["ok", "failing", "disabled", "never polled"]
    assert rows[1]["consecutive_errors"] == 3


def test_a_feed_whose_pages_keep_failing_needs_attention(tmp_path: Path) -> None:
    """Issue 8: the feed itself answers, its article pages time out: status and feeds list
    say so (they showed it as ok)."""
    cfg = config(tmp_path, FEEDS)
    make_store(cfg)
    conf = load_config(cfg)
    now = datetime.now(UTC)
    with Store.open(conf.storage.database) as store:
        feed = store.feed_by_name("healthy")
        assert feed is not None
        store.update_feed(feed.id, {"failing_pages": 16,
                                    "page_error": "pages failing: 16 (timeout: total deadline)",
                                    "page_error_at": stamp(now)},
                          PollRecord(started_at=stamp(now), duration_ms=1, outcome="new",
                                     status=200, new_entries=16, error=None))
    out = invoke(cfg, "status").output
    assert "1 with failing pages" in out
    assert "healthy: pages failing, pages failing: 16 (timeout" in out
    listing = invoke(cfg, "feeds", "list").output
    assert "pages failing" in listing and "last error: pages failing: 16" in listing
    rows = [json.loads(line) for line in invoke(cfg, "feeds", "list", "--json").output
            .splitlines()]
    assert rows[0]["state"] == "pages failing" and rows[0]["failing_pages"] == 16

"""End to end: `claimwatch poll` against a local site of story articles, real benchmark pages
and hostile feeds; then the digest, a second poll (nothing twice), and the CLI's errors."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.e2e_site import BENCHMARK, build_site
from tests.localserver import LocalServer

pytestmark = pytest.mark.slow


def rows(db: Path, sql: str, *args: object) -> list[sqlite3.Row]:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, args).fetchall()


def poll(config: Path) -> str:
    result = CliRunner().invoke(cli, ["--config", str(config), "-q", "poll"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def polled(tmp_path_factory: pytest.TempPathFactory):
    """One poll over the whole site, shared by the assertions below (it is the slow part)."""
    tmp = tmp_path_factory.mktemp("e2e")
    with LocalServer() as server:
        site = build_site(server, benchmark=6)
        config = site.config(tmp)
        output = poll(config)
        yield site, tmp / "store.db", output, config


def test_every_article_is_stored(polled) -> None:
    site, db, output, _ = polled
    urls = {r["url"] for r in rows(db, "SELECT url FROM articles")}
    for name, url in site.story_urls.items():
        assert url in urls, name
    for url in site.benchmark_urls:
        assert url in urls
    assert "polled" in output


def test_contradiction_confirmation_and_nothing_for_off_topic(polled) -> None:
    site, db, _, _ = polled
    flags = rows(db, "SELECT kind, claim_key, article_url, evidence FROM flags")
    by_url: dict[str, set[tuple[str, str | None]]] = {}
    for f in flags:
        by_url.setdefault(f["article_url"], set()).add((f["kind"], f["claim_key"]))
    contradiction = by_url.get(site.story_urls["contradiction-contract.html"], set())
    assert ("contradiction", "contract-value") in contradiction
    confirmation = by_url.get(site.story_urls["confirmation.html"], set())
    assert ("confirmation", "contract-value") in confirmation
    for off in ("offtopic.html", "offtopic-keywords.html"):
        assert not by_url.get(site.story_urls[off]), off
    for url in site.benchmark_urls:
        assert not by_url.get(url), url
    evidence = [f["evidence"] for f in flags
                if f["article_url"] == site.story_urls["contradiction-contract.html"]
                and f["claim_key"] == "contract-value"]
    (evidence_text,) = evidence  # one match per article and claim
    assert "450" in evidence_text or "448" in evidence_text  # the page gives both figures


def test_each_story_page_gets_the_flags_its_manifest_lists(polled) -> None:
    site, db, _, _ = polled
    manifest = json.loads((Path(__file__).parent / "data" / "story" / "manifest.json")
                          .read_text(encoding="utf-8"))
    flags: dict[str, dict[str, set[str]]] = {}
    for f in rows(db, "SELECT kind, claim_key, article_url FROM flags"):
        kinds = flags.setdefault(f["article_url"], {})
        kinds.setdefault(f["kind"], set()).add(f["claim_key"])
    checked = 0
    for page in manifest:
        url = site.story_urls.get(page["file"])
        if url is None:
            continue
        got = flags.get(url, {})
        expect = page.get("expect", {})
        if expect.get("relevant", True) is False:
            assert not got, page["file"]
        # Every listed flag, and nothing outside what the page speaks of ("also_mentions"
        # lists claims it touches, which may be flagged or not); contradictions exactly.
        confirms = got.get("confirmation", set())
        assert set(expect.get("confirms", [])) <= confirms, (page["file"], got)
        assert confirms <= set(expect.get("confirms", [])) | set(page.get("also_mentions", [])), (
            page["file"], got)
        if "contradicts" in expect:
            assert got.get("contradiction", set()) == set(expect["contradicts"]), (
                page["file"], got)
        checked += 1
    assert checked == len(manifest) == 10


def test_failing_feeds_are_recorded_on_their_rows(polled) -> None:
    site, db, _, _ = polled
    feeds = {r["name"]: r for r in rows(db, "SELECT * FROM feeds")}
    assert feeds["story"]["consecutive_errors"] == 0 and feeds["story"]["last_success_at"]
    # Truncated, but feedparser reads it (a version and one entry): read, with a warning.
    assert feeds["malformed"]["consecutive_errors"] == 0
    assert feeds["malformed"]["last_error"].startswith("warning: ill-formed feed")
    for name, kind in [("html-feed", "not_a_feed"),
                       ("missing", "http_404"), ("loop", "redirects"), ("slow", "timeout")]:
        assert feeds[name]["consecutive_errors"] == 1, name
        assert feeds[name]["last_error"].startswith(kind), (name, feeds[name]["last_error"])
        assert feeds[name]["next_poll_at"] > feeds[name]["last_polled_at"]
    assert feeds["gone"]["disabled_reason"].startswith("gone")
    assert feeds["throttled"]["consecutive_errors"] == 0
    assert feeds["throttled"]["last_error"].startswith("http_429")
    log = rows(db, "SELECT outcome FROM poll_log")
    assert len(log) == len(feeds)


def test_dead_and_oversized_pages_fall_back_and_say_why(polled) -> None:
    site, db, _, _ = polled
    entries = {r["url"]: r for r in rows(
        db, "SELECT e.url, e.article_id, a.text_source, a.fetch_error FROM entries e "
            "LEFT JOIN articles a ON a.id = e.article_id")}
    dead = entries[site.server.url("/articles/dead.html")]
    huge = entries[site.server.url("/articles/huge.html")]
    assert dead["text_source"] == "feed_summary" and dead["fetch_error"].startswith("http_404")
    assert huge["text_source"] == "feed_summary" and huge["fetch_error"].startswith("too_large")


def test_non_utf8_page_is_decoded(polled) -> None:
    site, db, _, _ = polled
    (row,) = rows(db, "SELECT text FROM articles WHERE url = ?",
                  site.story_urls["nonutf8-latin1.html"])
    assert "Nicolás" in row["text"] and "café" in row["text"]


def test_full_text_search_and_a_second_poll_adds_nothing(polled) -> None:
    site, db, _, config = polled
    before = {t: rows(db, f"SELECT count(*) AS n FROM {t}")[0]["n"]
              for t in ("articles", "entries", "matches", "developments", "article_developments")}
    poll(config)  # the failing feeds are not due, the healthy ones are re-fetched
    result = CliRunner().invoke(cli, ["--config", str(config), "-q", "poll", "--feed", "story"])
    assert result.exit_code == 0, result.output
    after = {t: rows(db, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in before}
    assert after == before
    hits = rows(db, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'Anthropic'")
    # Every article that mentions the word, and only those.
    mentions = rows(db, "SELECT id FROM articles WHERE title LIKE '%anthropic%' "
                        "OR text LIKE '%anthropic%'")
    assert sorted(h["rowid"] for h in hits) == sorted(m["id"] for m in mentions)
    assert len(hits) >= 5


def test_digest_formats(polled) -> None:
    site, db, _, config = polled
    runner = CliRunner()
    md = runner.invoke(cli, ["--config", str(config), "-q", "digest"])
    assert md.exit_code == 0, md.output
    text = md.output
    assert text.index("## Contradictions") < text.index("## Confirmations")
    assert "## Feed health" in text and "gone" in text
    html = runner.invoke(cli, ["--config", str(config), "-q", "digest", "--format", "html"])
    assert html.exit_code == 0 and "<script" not in html.output.lower()
    data = json.loads(runner.invoke(cli, ["--config", str(config), "-q", "digest",
                                          "--format", "json"]).output)
    # Every contradiction was found today, by the module's poll.
    contradictions = rows(db, "SELECT count(*) AS n FROM flags WHERE kind = 'contradiction'")
    assert len(data["contradictions"]) == contradictions[0]["n"] > 0 and not data["empty"]
    empty = runner.invoke(cli, ["--config", str(config), "-q", "digest", "--date", "2020-01-01"])
    assert "Nothing new today" in empty.output


@pytest.mark.skipif(not BENCHMARK.is_dir(), reason="../shared is absent: no benchmark pages")
def test_benchmark_pages_were_part_of_the_run(polled) -> None:
    site, _, _, _ = polled
    assert len(site.benchmark_urls) == 6


def test_conditional_get_unchanged_body_and_exact_copies(tmp_path: Path) -> None:
    """A 304 and an unchanged body cost no parse; the same page under two URLs is stored twice
    but judged once (the copy carries its original's judgments and points at it)."""
    from tests.e2e_site import STORY, Site, rss

    with LocalServer() as server:
        page = (STORY / "contradiction-contract.html").read_bytes()
        server.route("/a.html", body=page)
        server.route("/mirror/a.html", body=page)
        feed = rss([("A", server.url("/a.html")), ("A again", server.url("/mirror/a.html"))])
        server.route("/feed.xml", body=feed, content_type="application/rss+xml",
                     headers={"ETag": 'W/"v1"', "Last-Modified": "Mon, 02 Mar 2026 10:00:00 GMT"})
        server.route("/plain.xml", body=feed, content_type="application/rss+xml")
        site = Site(server=server, feeds={"etag": server.url("/feed.xml"),
                                          "plain": server.url("/plain.xml")})
        config = site.config(tmp_path)
        poll(config)
        db = tmp_path / "store.db"
        (original, copy) = rows(db, "SELECT id, duplicate_of FROM articles ORDER BY id")
        assert copy["duplicate_of"] == original["id"]
        judged = rows(db, "SELECT article_id, count(*) AS n FROM matches GROUP BY article_id "
                          "ORDER BY article_id")
        assert [r["n"] for r in judged][0] == [r["n"] for r in judged][1] > 0

        # Second poll: the ETag feed answers 304 to the echoed validators; the other feed
        # sends the same body again, which is not parsed.
        server.route("/feed.xml", handler=lambda req: (
            (304, {}, b"") if req.headers.get("if-none-match") == 'W/"v1"'
            else (200, {"Content-Type": "application/rss+xml"}, feed)))
        before = len(server.requests)
        runner = CliRunner()
        for name in ("etag", "plain"):
            result = runner.invoke(cli, ["--config", str(config), "-q", "poll", "--feed", name])
            assert result.exit_code == 0, result.output
        sent = [r for r in server.requests[before:] if r.path == "/feed.xml"]
        assert sent and sent[-1].headers.get("if-none-match") == 'W/"v1"'
        assert sent[-1].headers.get("if-modified-since") == "Mon, 02 Mar 2026 10:00:00 GMT"
        outcomes = [r["outcome"] for r in rows(db, "SELECT outcome FROM poll_log ORDER BY id")]
        assert outcomes[-2:] == ["not_modified", "unchanged"]
        assert len(rows(db, "SELECT id FROM articles")) == 2

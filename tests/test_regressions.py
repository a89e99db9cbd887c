"""Regression tests for the findings of a hostile review of the pipeline's wiring (polling,
ingest, store, daemon, digest, config, Datasette metadata). Each failed on the code as reviewed;
the docstrings describe the bug as it was. Only servers started here on 127.0.0.1 are
contacted."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.clock import iso
from pipeline.config import load_config, load_story
from pipeline.orchestration.polling import CycleReport
from pipeline.records import Claim, Story
from pipeline.store import NewArticle, NewMatch, Store
from tests.conftest import STORY_FILE, T0
from tests.e2e_site import rss
from tests.localserver import LocalServer

REPO = Path(__file__).resolve().parent.parent
STORY_PAGES = REPO / "tests" / "data" / "story"


def story_page(name: str) -> bytes:
    return (STORY_PAGES / name).read_bytes()


# --- 1. one un-encodable host aborts the whole cycle, for ever -----------------------------------


def test_an_unencodable_host_costs_one_item_not_the_cycle(make_poller) -> None:
    """polling.py fetch_feed / ingest.py prepare_entry catch only FetchError/ExtractError; the
    fetcher raises a bare UnicodeError for a host with an over-long (or empty: ``www..x.com``)
    label. The exception escapes run_cycle, no feed row is updated, so every feed stays due and
    the daemon re-polls all of them every tick, crashing on the same entry each time."""
    bad_host = "a" * 64 + ".example"
    with LocalServer() as server:
        server.route("/a/confirmation.html", body=story_page("confirmation.html"))
        server.route("/good.xml", content_type="application/rss+xml", body=rss([
            ("Typo in the link", f"http://{bad_host}/story"),
            ("Good article", server.url("/a/confirmation.html")),
        ]))
        store, poller, clock, _ = make_poller({
            "bad-url": f"http://{bad_host}/feed.xml",
            "good": server.url("/good.xml"),
        })
        report = poller.run_cycle(store.feeds())  # raises UnicodeError today
        assert report.feeds_polled == 2
        feeds = {f["name"]: f for f in store.query("SELECT * FROM feeds")}
        for name in ("bad-url", "good"):
            assert feeds[name]["last_polled_at"] is not None, name
            assert feeds[name]["next_poll_at"] > iso(clock()), name
        assert feeds["bad-url"]["last_error"].startswith("UnicodeError: ")
        urls = {r["url"] for r in store.query("SELECT url FROM articles")}
        assert server.url("/a/confirmation.html") in urls


# --- 2. entries over max_entries_per_poll are never processed ------------------------------------


def test_entries_over_the_per_poll_cap_are_processed_by_the_next_poll(make_poller) -> None:
    """polling.py _finish_feed stores body_sha256 as "complete" although entries were cut off by
    max_entries_per_poll. The next poll sees the same body, skips parsing ("unchanged"), and the
    newest entries are never ingested while the feed stays the same (a 304 does the same)."""
    pages = ["confirmation.html", "denial.html", "contradiction-contract.html",
             "development-contractor.html"]
    with LocalServer() as server:
        for name in pages:
            server.route(f"/a/{name}", body=story_page(name))
        server.route("/f.xml", content_type="application/rss+xml",
                     body=rss([(name, server.url(f"/a/{name}")) for name in pages]))
        store, poller, clock, _ = make_poller(
            {"f": server.url("/f.xml")}, max_entries_per_poll=2)
        first = poller.run_cycle(store.feeds())
        assert first.articles.stored == 2
        clock.now += timedelta(hours=1)
        poller.run_cycle(store.feeds(due_before=iso(clock())))
        n = store.query("SELECT count(*) AS n FROM articles")[0]["n"]
        assert n == 4, "the 2 entries over the cap were never processed"


# --- 3. two different articles sharing a rel=canonical: the second is dropped --------------------


def test_different_articles_declaring_one_canonical_url_are_both_kept(make_poller) -> None:
    """ingest.py store_prepared: ``url = page.canonical_url`` then "existing" by URL -> skipped.
    A CMS that points every article's rel=canonical/og:url at a section page (a common
    misconfiguration) makes every article after the first vanish, its entry linked to the
    wrong article."""
    with LocalServer() as server:
        section = server.url("/news/")
        for name in ("confirmation.html", "denial.html"):
            html = story_page(name).decode("utf-8")
            html = re.sub(r'https://[a-z.]+example/[^"]*', section, html)
            server.route(f"/a/{name}", body=html.encode("utf-8"))
        server.route("/f.xml", content_type="application/rss+xml", body=rss([
            ("one", server.url("/a/confirmation.html")), ("two", server.url("/a/denial.html"))]))
        store, poller, clock, _ = make_poller({"f": server.url("/f.xml")})
        poller.run_cycle(store.feeds())
        titles = {r["title"] for r in store.query("SELECT title FROM articles")}
        assert titles == {
            "Pentagon denies Anthropic's Claude was used in Maduro capture",
            "Pentagon and Anthropic remain at odds as military weighs dropping AI supplier"}
        linked = store.query("SELECT DISTINCT article_id FROM entries")
        assert len(linked) == 2


# --- 4. a transient page failure is recorded as done for ever ------------------------------------


def test_an_entry_whose_page_failed_transiently_is_tried_again(make_poller) -> None:
    """ingest.py store_prepared records the entry (article_id NULL) after a 503/timeout when the
    feed has no summary; unseen_entries then never returns it again. A publisher's short outage
    loses its articles permanently."""
    with LocalServer() as server:
        server.route("/a/x.html", status=503, body=b"busy, try later")
        no_summary = re.compile(rb"<description>[^<]*</description>")
        server.route("/f.xml", content_type="application/rss+xml",
                     body=no_summary.sub(b"", rss([("x", server.url("/a/x.html"))])))
        store, poller, clock, _ = make_poller({"f": server.url("/f.xml")})
        poller.run_cycle(store.feeds())
        # The publisher is back, and the feed moved on (so it is parsed again).
        server.route("/a/x.html", body=story_page("confirmation.html"))
        server.route("/a/y.html", body=story_page("denial.html"))
        server.route("/f.xml", content_type="application/rss+xml", body=no_summary.sub(
            b"", rss([("y", server.url("/a/y.html")), ("x", server.url("/a/x.html"))])))
        clock.now += timedelta(hours=2)
        poller.run_cycle(store.feeds(due_before=iso(clock())))
        urls = {r["url"] for r in store.query("SELECT url FROM articles")}
        assert urls == {server.url("/a/x.html"), server.url("/a/y.html")}


# --- 5. claims removed from the story file are judged for ever -----------------------------------


def test_a_seed_claim_removed_from_the_story_file_stops_being_tracked(tmp_path: Path) -> None:
    """Store.sync_stories only inserts/updates seed claims, never deactivates one that left the
    story file; story_with_claims returns every active row. Renaming a key (or deleting a bad
    claim) keeps the old claim in every judgment, the digest and the ledger."""
    story = Story(slug="s", title="S", seed_text="seed", published=None, keywords=("x",),
                  claims=(Claim(key="keep", text="Keep this claim text."),
                          Claim(key="dropped", text="A claim the editor removed later.")))
    with Store.open(tmp_path / "store.db") as store:
        store.sync_stories([story], now=iso(T0))
        store.add_claim("s", "manual-one", "A manually added claim stays.", source="manual",
                        now=iso(T0))
        edited = Story(slug="s", title="S", seed_text="seed", published=None, keywords=("x",),
                       claims=(Claim(key="keep", text="Keep this claim text."),))
        (synced,) = store.sync_stories([edited], now=iso(T0))
        keys = {c.key for c in synced.claims}
        assert keys == {"keep", "manual-one"}  # "dropped" is not tracked any more
        ledger = {r.claim_key for r in store.claim_ledger()}
        assert ledger == {"keep", "manual-one"}


# --- 6. Datasette: developments timeline shows developments a person marked wrong ----------------


def test_developments_timeline_leaves_out_developments_marked_wrong(tmp_path: Path) -> None:
    """config/datasette.yml developments_timeline selects straight from ``developments``; the
    reviews table's own description promises "wrong" hides the item everywhere, as the digest
    and the flags view do."""
    db = tmp_path / "store.db"
    with Store.open(db) as store:
        store.sync_stories([load_story(STORY_FILE)], now=iso(T0))
        with store.transaction():
            article_id = store.insert_article(NewArticle(url="https://a.example/1", title="t",
                                                         site="a.example", fetched_at=iso(T0),
                                                         text="text"))
            dev_id = store.add_development_evidence(
                story="pentagon-anthropic", development_id=None, summary="A false lead.",
                article_id=article_id, evidence="A false lead.", score=0.5, now=iso(T0))
        store.record_review(target="development", verdict="wrong", reviewer="ed", now=iso(T0),
                            development_id=dev_id)
    meta = yaml.safe_load((REPO / "config" / "datasette.yml").read_text(encoding="utf-8"))
    sql = meta["databases"]["claimwatch"]["queries"]["developments_timeline"]["sql"]
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        ids = [r["id"] for r in conn.execute(sql)]
    assert dev_id not in ids


# --- 7. the healthcheck's heartbeat stops during a long cycle ------------------------------------


class _SlowApp:
    """What Daemon uses of App, with a first poll cycle that takes a while."""

    def __init__(self, config, store: Store, cycle_seconds: float):
        self.config = config
        self.store = store
        self.stop = threading.Event()
        self.clock = lambda: datetime.now(UTC)
        self.cycle_seconds = cycle_seconds
        self.polls = 0

    def reload_stories(self) -> None:
        pass

    def poll(self, **_: object) -> CycleReport:
        self.polls += 1
        if self.polls == 1:
            self.stop.wait(self.cycle_seconds)
        return CycleReport()


def test_heartbeat_keeps_ticking_while_a_long_cycle_runs(tmp_path: Path) -> None:
    """daemon.py: the heartbeat is touched only at the start of poll_due, and APScheduler
    (max_instances=1) skips every tick while a cycle runs. A first cycle longer than
    ``health --max-age`` (300 s: 100 entries x a few seconds) marks a working daemon
    unhealthy, and an orchestrator restarts it mid-cycle."""
    from pipeline.orchestration.daemon import Daemon, heartbeat_age

    cfg = tmp_path / "claimwatch.toml"
    cfg.write_text("\n".join([
        f'stories = ["{STORY_FILE}"]', "[storage]", f'database = "{tmp_path / "store.db"}"',
        f'digests = "{tmp_path / "digests"}"', "[schedule]", "check_seconds = 1"]) + "\n",
        encoding="utf-8")
    config = load_config(cfg)
    with Store.open(config.storage.database) as store:
        store.sync_stories(config.stories, now=iso(T0))
        app = _SlowApp(config, store, cycle_seconds=4.0)
        # A stand-in for App with only what the daemon calls (an App would poll for real).
        daemon = Daemon(app)  # type: ignore[arg-type]
        runner = threading.Thread(target=daemon.run, daemon=True)
        runner.start()
        worst = 0.0
        try:
            deadline = time.monotonic() + 4.0
            time.sleep(0.5)
            while time.monotonic() < deadline:
                age = heartbeat_age(config, datetime.now(UTC))
                if age is not None:
                    worst = max(worst, age)
                time.sleep(0.1)
        finally:
            app.stop.set()
            runner.join(timeout=15)
        assert not runner.is_alive()
        assert worst < 2.5, f"heartbeat went {worst:.1f}s without a touch with check_seconds=1"


# --- 8. config accepts a user_agent that makes every fetch fail ----------------------------------


@pytest.mark.parametrize("agent", ["claimwatch (contact: josé@example.org)",
                                   "claimwatch\nX-Injected: 1"])
def test_config_rejects_a_user_agent_no_request_can_carry(tmp_path: Path, agent: str) -> None:
    """config.py accepts any string. A non-ASCII user_agent makes httpx raise a bare
    UnicodeEncodeError on every fetch (the cycle aborts, see finding 1); a newline makes every
    fetch a NetworkError, which the outage rule then hides. Invalid configuration must be
    exit 2 at start-up, naming the key."""
    import json

    cfg = tmp_path / "claimwatch.toml"
    cfg.write_text("\n".join([
        f'stories = ["{STORY_FILE}"]', "[storage]", f'database = "{tmp_path / "store.db"}"',
        f'digests = "{tmp_path / "digests"}"', "[network]",
        f"user_agent = {json.dumps(agent)}"]) + "\n", encoding="utf-8")
    from pipeline.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        load_config(cfg)
    assert "network.user_agent" in info.value.render()


# --- 9. a missing judge.model is a runtime failure (exit 1), not a config error (exit 2) ---------


def test_missing_judge_model_is_reported_as_invalid_configuration(tmp_path: Path) -> None:
    """config.py resolves [judge] model but never checks it; StanceModel.load raises ModelError
    later, which the CLI maps to exit 1. DESIGN: invalid configuration is exit 2 with the file
    and key named."""
    from pipeline.cli import cli

    cfg = tmp_path / "claimwatch.toml"
    cfg.write_text("\n".join([
        f'stories = ["{STORY_FILE}"]', "[storage]", f'database = "{tmp_path / "store.db"}"',
        f'digests = "{tmp_path / "digests"}"', "[judge]", 'model = "no-such-model"']) + "\n",
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(cfg), "-q", "poll"])
    assert result.exit_code == 2, result.output
    assert "judge.model" in result.output


# --- 10. digest: syndicated copies of one wire service counted as several sites ------------------


def test_digest_counts_a_wire_service_once_across_its_republished_stories(tmp_path: Path) -> None:
    """digest.py build_digest counts ``len(sites) + len(copies_only)``: each copy group whose
    root was found on an earlier day adds one "independent site", even when all roots are the
    same wire service. The ledger (flags.independent_site) says 1 for the same rows."""
    from pipeline.outputs.digest import build_digest

    yesterday, today = iso(T0 - timedelta(days=1)), iso(T0)
    with Store.open(tmp_path / "store.db") as store:
        (story,) = store.sync_stories([load_story(STORY_FILE)], now=yesterday)
        claim_id = story.claims[0].id
        assert claim_id is not None
        with store.transaction():
            roots = [store.insert_article(NewArticle(url=f"https://wire.example/{i}",
                                                     title="w", site="wire.example",
                                                     fetched_at=yesterday, text=f"wire {i}"))
                     for i in (1, 2)]
            copies = [store.insert_article(NewArticle(url=f"https://{host}/c", title="c",
                                                      site=host, fetched_at=today,
                                                      text=f"copy {host}", duplicate_of=root))
                      for host, root in (("yahoo.example", roots[0]),
                                         ("msn.example", roots[1]))]
            for article_id in copies:
                store.insert_match(NewMatch(article_id=article_id, claim_id=claim_id,
                                            stance="confirms", score=0.9, band="flag",
                                            evidence="e", created_at=today))
        digest = build_digest(store, date(2026, 3, 5), "UTC", now=T0)
        (group,) = digest.confirmations
        ledger = {r.claim_id: r for r in store.claim_ledger()}
        assert ledger[claim_id].confirming_sites == 1
        assert group.sites == 1


# --- 11. Markdown digest: a '<' in an article URL breaks out of the link -------------------------


def test_markdown_digest_link_cannot_carry_raw_html(tmp_path: Path) -> None:
    """digest.py md_link only refuses URLs containing '>'. A feed link with '<' (stored as is
    when the page fetch fails and the feed summary is used) is not a valid <...> destination,
    and md_link's own closing '>' then ends an injected tag: raw HTML in the .md digest."""
    from pipeline.outputs.digest import Digest, FlagItem, Link, render_markdown

    url = "http://evil.example/<svg/onload=location=name//"
    flag = FlagItem(claim_key="contract-value", claim_text="c", story="s", evidence="e",
                    score=0.9, article=Link(title="t", url=url, site="evil.example"),
                    duplicate=False)
    text = render_markdown(Digest(day="2026-03-05", timezone="UTC",
                                  generated_at="2026-03-05T12:00:00Z", articles_seen=1,
                                  contradictions=(flag,)))
    assert "<svg" not in text

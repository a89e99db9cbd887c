"""`claimwatch serve` runs Datasette on the store with working canned queries."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from pathlib import Path

import feedparser
import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.store import Store
from tests.test_cli import FIXTURES, config

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
QUERIES = ("todays_contradictions", "claim_ledger", "developments_timeline", "feed_health")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:  # 127.0.0.1 only
        return json.load(response)


def test_metadata_documents_every_table_and_has_the_canned_queries() -> None:
    meta = yaml.safe_load((REPO / "config" / "datasette.yml").read_text())
    db = meta["databases"]["claimwatch"]
    assert set(QUERIES) <= set(db["queries"])
    for table in ("stories", "claims", "feeds", "articles", "matches", "developments",
                  "article_developments", "flags"):
        assert db["tables"][table]["description"], table


def test_every_table_of_the_store_is_described_or_hidden(tmp_path: Path) -> None:
    """Someone exploring the store in Datasette meets no table nobody explained: each table
    and view a migrated store holds is described in the metadata, or hidden as machinery."""
    from pipeline.store import Store

    meta = yaml.safe_load((REPO / "config" / "datasette.yml").read_text())
    tables = meta["databases"]["claimwatch"]["tables"]
    with Store.open(tmp_path / "s.db") as store:
        names = [row["name"] for row in store.query(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'articles_fts%'")]
    unexplained = [n for n in names
                   if not (tables.get(n, {}).get("hidden") or tables.get(n, {}).get("description"))]
    assert unexplained == []


@pytest.mark.timeout(90)
def test_serve_answers_canned_queries(tmp_path: Path, claimwatch_process) -> None:
    cfg = config(tmp_path)
    for name in ("contradiction-contract.html", "confirmation.html"):
        result = CliRunner().invoke(cli, ["--config", str(cfg), "-q", "ingest",
                                          str(FIXTURES / name)])
        assert result.exit_code == 0, result.output
    port = free_port()
    proc = claimwatch_process(cfg, "serve", "--port", str(port))
    base = f"http://127.0.0.1:{port}/s"  # the database is named after its file, s.db
    deadline = time.monotonic() + 45
    while True:
        try:
            get_json(f"{base}.json")
            break
        except OSError as e:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise AssertionError(proc.stdout.read().decode() if proc.poll() is not None
                                     else "datasette did not start") from e
            time.sleep(0.3)
    results = {q: get_json(f"{base}/{q}.json?_shape=objects") for q in QUERIES}
    ledger = {r["key"]: r for r in results["claim_ledger"]["rows"]}
    with Store.open_readonly(tmp_path / "s.db") as store:
        stored = {r.claim_key: r for r in store.claim_ledger()}
        flags = store.query("SELECT kind, story FROM flags")
    assert ledger["contract-value"]["state"] == "contested"
    assert ledger["contract-value"]["contradictions"] == (
        stored["contract-value"].contradictions) >= 1
    assert len(ledger) == 16
    # Every flag was found today: today's contradictions are all of them.
    assert len(results["todays_contradictions"]["rows"]) == sum(
        f["kind"] == "contradiction" for f in flags) >= 1
    table = get_json(f"{base}/flags.json?_shape=objects")
    assert len(table["rows"]) == len(flags)
    search = get_json(f"{base}/articles.json?_search=Anthropic&_shape=objects")
    assert len(search["rows"]) == 2
    # The Atom feed of flags, served by the project's Datasette plugin.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/flags.atom",
                                timeout=10) as response:  # 127.0.0.1 only
        assert response.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(response.read())
    assert not feed.bozo and len(feed.entries) == len(flags)
    # Each entry is filed under its kind and its story.
    assert {t.term for e in feed.entries for t in e.tags} == (
        {f["kind"] for f in flags} | {f["story"] for f in flags})
    assert "contradiction" in {f["kind"] for f in flags}

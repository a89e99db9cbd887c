"""OPML: import as feed readers write it (into a config whose comments survive), export OPML 2.0,
and round trips."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import load_config
from pipeline.opml import parse_opml
from tests.test_cli import config

DATA = Path(__file__).resolve().parent / "data" / "opml"
EXISTING = """
# --- Feeds (hand-written; this comment must survive an import) ---
[[feeds]]
name = "defence-weekly-old"   # the same feed as the OPML's, without the trailing slash
url = "https://defence-weekly.example/feed"
interval_minutes = 45

[[feeds]]
name = "world-wire"
url = "https://other.example/feed"
"""


def invoke(cfg: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(cfg), *args])


def feeds_of(cfg: Path) -> list[tuple[str, str]]:
    return [(f.name, f.url) for f in load_config(cfg).feeds]


def test_import_nested_categories_keeps_comments_and_skips_duplicates(tmp_path: Path) -> None:
    cfg = config(tmp_path, EXISTING)
    before = cfg.read_text()
    result = invoke(cfg, "feeds", "import", str(DATA / "nested-categories.opml"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"added 3 feed(s) to {cfg}; 2 duplicate(s)")
    assert "+ procurement-desk  https://procurement.example.net/rss.xml  [News / Defence]" \
        in result.output
    assert "+ world-wire-2  https://wire.example.org/world/atom  [News]" in result.output
    assert "= Defence Weekly  https://defence-weekly.example/feed/: already there as " \
           "'defence-weekly-old'" in result.output
    assert "= World Wire (tech)  https://wire.example.org/world/atom: already there as " \
           "'world-wire-2'" in result.output
    after = cfg.read_text()
    assert after.startswith(before)  # comments, spacing and order untouched
    assert "[[feeds]] # from OPML: Tech\nname = \"ai-ledger\"" in after
    assert feeds_of(cfg) == [
        ("defence-weekly-old", "https://defence-weekly.example/feed"),
        ("world-wire", "https://other.example/feed"),
        ("procurement-desk", "https://procurement.example.net/rss.xml"),
        ("world-wire-2", "https://wire.example.org/world/atom"),
        ("ai-ledger", "https://ai-ledger.example/index.xml"),
    ]
    assert load_config(cfg).feeds[0].interval_minutes == 45

    # Importing again adds nothing.
    again = invoke(cfg, "feeds", "import", str(DATA / "nested-categories.opml"))
    assert again.output.startswith(f"added 0 feed(s) to {cfg}; 5 duplicate(s)")
    assert cfg.read_text() == after


def test_import_flat_export_without_types_or_titles(tmp_path: Path) -> None:
    cfg = config(tmp_path, EXISTING)
    invoke(cfg, "feeds", "import", str(DATA / "nested-categories.opml"))
    result = invoke(cfg, "feeds", "import", str(DATA / "flat-missing-type.opml"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "added 2 feed(s)" in out and "1 duplicate(s) and 2 other outline(s) skipped" in out
    assert "= Procurement Desk  http://www.procurement.example.net/rss.xml/: already there as " \
           "'procurement-desk'" in out
    assert "- Ministry press office: website only, no feed URL (https://ministry.example/press)" \
        in out
    assert "- Local gopher: gopher://old.example/feed: must be an http:// or https:// URL" in out
    names = dict(feeds_of(cfg))
    assert names["newsletter-notes"] == "https://notes.example.com/feed.xml"
    assert names["unicode-blog"] == "https://unicode.example/atom.xml"


def test_category_attribute_and_nameless_titles(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    result = invoke(cfg, "feeds", "import", str(DATA / "category-attribute.opml"))
    assert result.exit_code == 0, result.output
    assert "+ briefing  https://briefing.example/rss  [Politics/Security]" in result.output
    assert dict(feeds_of(cfg))["symbols-example"] == "https://symbols.example/feed"


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    cfg = config(tmp_path, EXISTING)
    before = cfg.read_text()
    result = invoke(cfg, "feeds", "import", "--dry-run", str(DATA / "nested-categories.opml"))
    assert result.exit_code == 0 and result.output.startswith("would add 3 feed(s)")
    assert cfg.read_text() == before


def test_export_is_opml_2_and_round_trips(tmp_path: Path) -> None:
    source = config(tmp_path, EXISTING)
    invoke(source, "feeds", "import", str(DATA / "nested-categories.opml"))
    out = tmp_path / "export.opml"
    result = invoke(source, "feeds", "export", "--output", str(out))
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "claimwatch feeds"
    assert (root.findtext("head/dateCreated") or "").endswith("+0000")
    outlines = root.findall("body/outline")
    assert all(o.get("type") == "rss" and o.get("text") and o.get("xmlUrl") for o in outlines)

    # Into an empty config and back out: the same feeds, names included.
    target_dir = tmp_path / "other"
    target_dir.mkdir()
    target = config(target_dir)
    result = invoke(target, "feeds", "import", str(out))
    assert result.exit_code == 0, result.output
    assert feeds_of(target) == feeds_of(source)
    again = invoke(target, "feeds", "export").output.encode()
    assert parse_opml(again)[0] == parse_opml(out.read_bytes())[0]


@pytest.mark.parametrize("body, message", [
    (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
     b'<opml><body><outline text="&b;" xmlUrl="https://x.example/f"/></body></opml>',
     "refusing OPML with DTD or entity declarations"),
    (b"<rss><channel/></rss>", "not an OPML document"),
    (b"<opml><body><outline", "not valid XML"),
])
def test_hostile_or_wrong_files_are_usage_errors(tmp_path: Path, body: bytes,
                                                 message: str) -> None:
    cfg = config(tmp_path)
    before = cfg.read_text()
    (tmp_path / "bad.opml").write_bytes(body)
    result = invoke(cfg, "feeds", "import", str(tmp_path / "bad.opml"))
    assert result.exit_code == 2 and message in result.output, result.output
    assert cfg.read_text() == before


def test_help_has_examples() -> None:
    for args in (("status",), ("feeds", "list"), ("feeds", "import"), ("feeds", "export"),
                 ("alerts", "test"), ("alerts", "send")):
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, args

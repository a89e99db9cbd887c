"""The command line through CliRunner: exit codes, messages, and the commands that need no
network."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

REPO = Path(__file__).resolve().parent.parent
STORY = REPO / "config" / "stories" / "pentagon-anthropic.toml"
FIXTURES = REPO / "tests" / "data" / "story"


def config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "claimwatch.toml"
    path.write_text(
        f'stories = ["{STORY}"]\n[storage]\ndatabase = "{tmp_path / "s.db"}"\n'
        f'digests = "{tmp_path / "digests"}"\n{extra}',
        encoding="utf-8",
    )
    return path


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env)


def test_help_has_examples_for_every_command() -> None:
    for command in ("run", "poll", "ingest", "digest", "serve", "demo", "health", "review"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Example" in result.output, command
    for group, command in (("claims", "extract"), ("claims", "add"), ("eval", "fnc1"),
                           ("train", "fnc1")):
        result = invoke(group, command, "--help")
        assert result.exit_code == 0 and "Example" in result.output, (group, command)


def test_invalid_config_exits_2_with_file_and_key(tmp_path: Path) -> None:
    bad = config(tmp_path, '[[feeds]]\nname = "x"\nurl = "gopher://x"\ninterval_minutes = 0\n')
    result = invoke("--config", str(bad), "poll")
    assert result.exit_code == 2
    assert f"{bad}: feeds[0].url:" in result.output
    assert f"{bad}: feeds[0].interval_minutes: must be between 1 and" in result.output


def test_missing_config_named_by_environment(tmp_path: Path) -> None:
    result = invoke("poll", env={"CLAIMWATCH_CONFIG": str(tmp_path / "none.toml")})
    assert result.exit_code == 2 and "none.toml: file not found" in result.output


def test_unknown_feed_and_bad_date_are_usage_errors(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    result = invoke("--config", str(cfg), "-q", "poll", "--feed", "nope")
    assert result.exit_code == 2 and "no feed named 'nope'" in result.output
    result = invoke("--config", str(cfg), "digest", "--date", "yesterday")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_ingest_local_files_flags_and_refuses_bad_input(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    result = invoke("--config", str(cfg), "-q", "ingest",
                    str(FIXTURES / "contradiction-contract.html"))
    assert result.exit_code == 0, result.output
    assert "contradiction: contract-value" in result.output
    again = invoke("--config", str(cfg), "-q", "ingest",
                   str(FIXTURES / "contradiction-contract.html"))
    assert "already in the store" in again.output
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    result = invoke("--config", str(cfg), "-q", "ingest", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2 and "expected an http(s) URL" in result.output
    result = invoke("--config", str(cfg), "-q", "ingest", str(tmp_path / "missing.txt"))
    assert result.exit_code == 2 and "cannot read" in result.output


def test_ingest_a_file_with_no_article_is_a_usage_error_but_a_bug_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bad content exits 2 with a message; a bug while extracting it shows as itself."""
    cfg = config(tmp_path)
    page = tmp_path / "short.html"
    page.write_text("<html><body><p>Too short to be an article.</p></body></html>")
    result = invoke("--config", str(cfg), "-q", "ingest", str(page))
    assert result.exit_code == 2 and "cannot extract an article" in result.output
    assert "article text too short" in result.output

    import pipeline.ingesting.extract
    from pipeline.ingesting.workers import RemoteError
    from tests.worker_faults import buggy_extract

    monkeypatch.setattr(pipeline.ingesting.extract, "extract_page", buggy_extract)
    result = invoke("--config", str(cfg), "-q", "ingest", str(page))
    assert result.exit_code == 1
    assert isinstance(result.exception, RemoteError)
    assert result.exception.type_name == "KeyError"
    assert "buggy_extract" in result.exception.remote_traceback


def test_claims_extract_prints_story_format(tmp_path: Path) -> None:
    result = invoke("claims", "extract", str(REPO / "config" / "stories" /
                                              "pentagon-anthropic.txt"))
    assert result.exit_code == 0
    assert result.output.count("[[claims]]") >= 8
    assert "$200 million" in result.output
    import tomllib

    parsed = tomllib.loads(result.output)
    assert all(c["key"] and c["text"] for c in parsed["claims"])


def test_claims_add_and_review(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    assert invoke("--config", str(cfg), "-q", "ingest",
                  str(FIXTURES / "contradiction-contract.html")).exit_code == 0
    result = invoke("--config", str(cfg), "claims", "add", "--story", "pentagon-anthropic",
                    "--text", "Anthropic has threatened to sue the Pentagon.", "--key", "lawsuit")
    assert result.exit_code == 0, result.output
    dup = invoke("--config", str(cfg), "claims", "add", "--story", "pentagon-anthropic",
                 "--text", "Anthropic has threatened to sue the Pentagon.", "--key", "lawsuit")
    assert dup.exit_code == 2 and "already has a claim" in dup.output
    both = invoke("--config", str(cfg), "claims", "add", "--story", "pentagon-anthropic")
    assert both.exit_code == 2
    result = invoke("--config", str(cfg), "review", "--article", "1", "--claim",
                    "contract-value", "--by", "editor", "--note", "checked")
    assert result.exit_code == 0 and "marked wrong by editor" in result.output
    missing = invoke("--config", str(cfg), "review", "--development", "999")
    assert missing.exit_code == 1 and "no development 999" in missing.output


def test_health_without_a_daemon_is_unhealthy(tmp_path: Path) -> None:
    result = invoke("--config", str(config(tmp_path)), "health")
    assert result.exit_code == 1 and "has not run" in result.output


def test_python_dash_m_works() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True,
                         text=True, cwd=REPO, check=True)
    assert "claimwatch" in out.stdout


@pytest.mark.parametrize("content", [b"\xff\xfe\x00bad", b""])
def test_ingest_unusable_text_files(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "a.txt").write_bytes(content)
    result = invoke("--config", str(config(tmp_path)), "-q", "ingest", str(tmp_path / "a.txt"))
    assert result.exit_code == 2


def test_promote_a_development_to_a_claim(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    assert invoke("--config", str(cfg), "-q", "ingest",
                  str(FIXTURES / "development-contractor.html")).exit_code == 0
    from pipeline.store import Store

    with Store.open(tmp_path / "s.db") as store:
        dev = store.query("SELECT id, summary FROM developments ORDER BY id LIMIT 1")[0]
    result = invoke("--config", str(cfg), "claims", "add", "--story", "pentagon-anthropic",
                    "--from-development", str(dev["id"]))
    assert result.exit_code == 0, result.output
    with Store.open(tmp_path / "s.db") as store:
        (claim,) = store.query("SELECT * FROM claims WHERE source = 'development'")
    assert claim["text"] == dev["summary"]
    # Later articles are judged against it too: the pipeline's stories carry it.
    from pipeline.config import load_config
    from pipeline.orchestration.app import App

    with App(load_config(cfg)) as app:
        assert claim["key"] in {c.key for c in app.stories[0].claims}
    missing = invoke("--config", str(cfg), "claims", "add", "--story", "pentagon-anthropic",
                     "--from-development", "999")
    assert missing.exit_code == 2 and "no development 999" in missing.output


def test_poll_due_only_leaves_feeds_that_are_not_due(tmp_path: Path, local_server) -> None:
    local_server.route("/feed.xml", body=b"<html>not a feed</html>")
    cfg = config(tmp_path, "[network]\nallow_private_addresses = true\nmin_host_interval = 0.0\n"
                           f'[[feeds]]\nname = "f"\nurl = "{local_server.url("/feed.xml")}"\n')
    assert invoke("--config", str(cfg), "-q", "poll").exit_code == 0
    assert len(local_server.requests) == 1  # failed: backed off
    assert invoke("--config", str(cfg), "-q", "poll", "--due-only").exit_code == 0
    assert len(local_server.requests) == 1  # not due: not fetched
    assert invoke("--config", str(cfg), "-q", "poll").exit_code == 0
    assert len(local_server.requests) == 2  # a plain poll is "now"

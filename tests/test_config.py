from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config, load_story, resolve_config_path
from pipeline.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def story_dir(tmp_path: Path) -> Path:
    write(tmp_path / "stories" / "s.txt", "Seed text about Acme.")
    write(
        tmp_path / "stories" / "s.toml",
        '[story]\nslug = "s"\ntitle = "S"\nseed = "s.txt"\nkeywords = ["Acme"]\n'
        '[[claims]]\nkey = "a"\ntext = "Acme did a thing."\n',
    )
    return tmp_path


def test_default_config_loads_with_the_seed_story() -> None:
    config = load_config(REPO / "config" / "claimwatch.toml")
    story = config.story("pentagon-anthropic")
    assert 12 <= len(story.claims) <= 20
    assert "Pentagon" in story.seed_text and "$200 million" in story.seed_text
    assert len(config.feeds) >= 5
    assert all(f.url.startswith("https://") for f in config.feeds)
    assert config.storage.database == (REPO / "storage" / "claimwatch.db").resolve()
    assert config.network.allow_private_addresses is False


def test_relative_paths_resolve_against_the_file(story_dir: Path) -> None:
    cfg = write(
        story_dir / "claimwatch.toml",
        'stories = ["stories/s.toml"]\n[storage]\ndatabase = "db/x.db"\ndigests = "d"\n',
    )
    config = load_config(cfg)
    assert config.storage.database == (story_dir / "db" / "x.db").resolve()
    assert config.stories[0].seed_text == "Seed text about Acme."
    assert config.feeds == ()


def test_every_problem_is_reported_together_with_its_dotted_path(story_dir: Path) -> None:
    cfg = write(
        story_dir / "claimwatch.toml",
        'stories = ["stories/s.toml"]\nbogus = 1\n'
        '[storage]\ndatabase = 3\n'
        '[schedule]\ndigest_time = "7am"\ntimezone = "Mars/Olympus"\n'
        '[network]\nallow_private_addresses = "yes"\n'
        '[[feeds]]\nname = "a"\nurl = "ftp://x"\n'
        '[[feeds]]\nname = "a"\nurl = "https://x.example/f"\ninterval_minutes = "often"\n'
        '[[feeds]]\nurl = "https://y.example/f"\nextra = true\n',
    )
    with pytest.raises(ConfigError) as info:
        load_config(cfg)
    keys = {key: msg for _, key, msg in info.value.problems}
    assert keys["bogus"] == "unknown key"
    assert "expected a path" in keys["storage.database"]
    assert keys["storage.digests"] == "missing required key"
    assert "HH:MM" in keys["schedule.digest_time"]
    assert "Mars/Olympus" in keys["schedule.timezone"]
    assert "boolean" in keys["network.allow_private_addresses"]
    assert "http" in keys["feeds[0].url"]
    assert "integer" in keys["feeds[1].interval_minutes"]
    assert keys["feeds[2].name"] == "missing required key"
    assert keys["feeds[2].extra"] == "unknown key"
    assert all(file == str(cfg) for file, _, _ in info.value.problems)


def test_story_problems_name_the_story_file(story_dir: Path) -> None:
    story = write(
        story_dir / "stories" / "bad.toml",
        '[story]\nslug = "Bad Slug"\ntitle = 5\nseed = "missing.txt"\nkeywords = []\n'
        '[[claims]]\nkey = "a"\ntext = "x"\n[[claims]]\nkey = "a"\ntext = ""\n',
    )
    with pytest.raises(ConfigError) as info:
        load_story(story)
    keys = {key for _, key, _ in info.value.problems}
    assert {"story.title", "claims[1].key", "claims[1].text"} <= keys
    assert all(file == str(story) for file, _, _ in info.value.problems)


def test_not_toml_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path / "c.toml", "stories = [\n"))
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_config_path_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAIMWATCH_CONFIG", "/env/c.toml")
    assert resolve_config_path("/flag/c.toml") == Path("/flag/c.toml")
    assert resolve_config_path(None) == Path("/env/c.toml")
    monkeypatch.delenv("CLAIMWATCH_CONFIG")
    write(tmp_path / "config" / "claimwatch.toml", "")
    assert resolve_config_path(None) == tmp_path / "config" / "claimwatch.toml"

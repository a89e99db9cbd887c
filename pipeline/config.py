"""Load and validate the configuration into frozen dataclasses, once, at start-up.

Every problem in a file is collected before anything is raised, so a user fixes a config in one
pass: unknown keys, missing keys and wrong types are each reported with the file and the dotted
path (``feeds[2].interval_minutes``). Relative paths are resolved against the directory of the
file they appear in.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError
from .fetching.fetcher import NetworkSettings
from .records import Claim, Story

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config" / "claimwatch.toml"
ENV_VAR = "CLAIMWATCH_CONFIG"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]+$")
MAX_INTERVAL_MINUTES = 7 * 24 * 60
_HOUR = 3600.0
# [network] numbers: (lowest, highest, lowest excluded). A value outside breaks every fetch
# (a zero timeout, a negative redirect count) or makes no sense for a feed poller.
NETWORK_RANGES: dict[str, tuple[float, float, bool]] = {
    "connect_timeout": (0, _HOUR, True),
    "read_timeout": (0, _HOUR, True),
    "total_timeout": (0, _HOUR, True),
    "parse_timeout": (0, _HOUR, True),
    "extract_timeout": (0, _HOUR, True),
    "max_feed_bytes": (0, 2**30, True),
    "max_page_bytes": (0, 2**30, True),
    "max_entries_per_poll": (1, 100_000, False),
    "max_redirects": (0, 20, False),
    "min_host_interval": (0, _HOUR, False),
    "max_in_flight": (1, 512, False),
    "max_host_connections": (1, 16, False),
}


def _url_problem(url: str) -> str | None:
    """Why ``url`` can never be fetched, or None."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError as e:
        return f"not a valid URL: {e}"
    if parts.scheme not in ("http", "https") or not host:
        return "must be an http:// or https:// URL"
    if parts.username or parts.password:
        return "must not carry a user name or password"
    try:
        host.encode("idna")
    except UnicodeError:
        return f"the host name {host!r} is not valid (empty or over-long label)"
    return None


@dataclass(frozen=True)
class StorageSettings:
    database: Path
    digests: Path
    # The Atom feed of flags the daemon keeps current; default: flags.atom beside the database.
    atom: Path | None = None

    @property
    def atom_file(self) -> Path:
        return self.atom or self.database.with_name("flags.atom")


@dataclass(frozen=True)
class ScheduleSettings:
    digest_time: str = "07:00"
    timezone: str = "UTC"
    # Jitter added to every feed interval, as a fraction: spreads polls so hosts are not hit in
    # lockstep after a restart.
    jitter: float = 0.2
    # How often the daemon looks for due feeds; each feed's own interval is in the config.
    check_seconds: float = 30.0
    # Bounds of the adaptive interval: each feed starts at its interval_minutes and then
    # follows how often it publishes, within these.
    min_interval_minutes: int = 5
    max_interval_minutes: int = 1440


@dataclass(frozen=True)
class NetworkConfig(NetworkSettings):
    """``[network]``: the fetcher's own settings (timeouts, caps, address guard, politeness;
    see ``http.NetworkSettings``) plus the limits of the work done on what it fetched."""

    # Parse/extract worker wall-clock limits: a pathological feed or page costs one item.
    parse_timeout: float = 20.0
    extract_timeout: float = 30.0
    # Most entries processed from one feed fetch; the rest wait for the next poll.
    max_entries_per_poll: int = 100


@dataclass(frozen=True)
class JudgeSettings:
    # A stance model directory written by `claimwatch train fnc1`; default: the shipped model.
    model: Path | None = None


ALERT_KINDS = ("contradiction", "development", "confirmation")
ALERT_BANDS = ("flag", "review")


@dataclass(frozen=True)
class AlertSettings:
    """``[alerts]``: Apprise URLs told about new flags (each flag once, after its article's
    transaction committed, never on the ingest path)."""

    urls: tuple[str, ...] = ()
    # Which flags trigger an alert: contradiction, development, confirmation (plurals accepted).
    kinds: tuple[str, ...] = ("contradiction", "development")
    # "flag": only flags; "review": also confirmations/contradictions below the flag threshold.
    min_band: str = "flag"
    # Seconds a target may take to connect, and to answer, per attempt.
    timeout: float = 10.0
    # A delivery failing this many times in a row is given up (status "failed" in the store).
    max_attempts: int = 12

    @property
    def enabled(self) -> bool:
        return bool(self.urls)


@dataclass(frozen=True)
class FeedConfig:
    name: str
    url: str
    interval_minutes: int = 30


@dataclass(frozen=True)
class Config:
    path: Path
    stories: tuple[Story, ...]
    storage: StorageSettings
    schedule: ScheduleSettings
    network: NetworkConfig
    feeds: tuple[FeedConfig, ...]
    judge: JudgeSettings = JudgeSettings()
    alerts: AlertSettings = AlertSettings()

    def story(self, slug: str) -> Story:
        for story in self.stories:
            if story.slug == slug:
                return story
        raise KeyError(slug)


# --- generic validation -----------------------------------------------------------------------


class _Problems:
    def __init__(self, file: Path):
        self.file = str(file)
        self.items: list[tuple[str, str, str]] = []

    def add(self, key: str, message: str) -> None:
        self.items.append((self.file, key, message))


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in typing.get_args(tp) if a is not type(None))
    if origin in (list, tuple):
        return f"list of {_type_name(typing.get_args(tp)[0])}"
    return {str: "string", int: "integer", float: "number", bool: "boolean", Path: "path"}.get(
        tp, getattr(tp, "__name__", str(tp))
    )


def _coerce(value: Any, tp: Any, key: str, problems: _Problems, base: Path) -> Any:
    """Check ``value`` against ``tp``; return the converted value or None after recording why."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _coerce(value, inner[0], key, problems, base)
    if origin in (list, tuple):
        (item_tp,) = typing.get_args(tp)[:1]
        if not isinstance(value, list):
            problems.add(key, f"expected {_type_name(tp)}, got {type(value).__name__}")
            return None
        return tuple(
            _coerce(v, item_tp, f"{key}[{i}]", problems, base) for i, v in enumerate(value)
        )
    if tp is Path:
        if not isinstance(value, str) or not value:
            problems.add(key, f"expected a path string, got {type(value).__name__}")
            return None
        return (base / value).resolve()
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.add(key, f"expected a number, got {type(value).__name__}")
            return None
        if not math.isfinite(value):
            # TOML has nan and inf literals; no setting of ours means anything with them.
            problems.add(key, f"expected a finite number, got {value}")
            return None
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.add(key, f"expected an integer, got {type(value).__name__}")
            return None
        return value
    if tp in (str, bool):
        if not isinstance(value, tp):
            problems.add(key, f"expected a {_type_name(tp)}, got {type(value).__name__}")
            return None
        return value
    raise TypeError(f"unsupported config type {tp!r}")  # a bug in this module, not in the file


def _section(cls: type, data: Any, prefix: str, problems: _Problems, base: Path) -> Any:
    """Build dataclass ``cls`` from a TOML table, recording every problem under ``prefix``."""
    if not isinstance(data, dict):
        problems.add(prefix, f"expected a table, got {type(data).__name__}")
        return None
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if f.name != "path"}
    for unknown in sorted(set(data) - set(known)):
        problems.add(f"{prefix}.{unknown}" if prefix else unknown, "unknown key")
    kwargs: dict[str, Any] = {}
    ok = True
    for name, f in known.items():
        key = f"{prefix}.{name}" if prefix else name
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                problems.add(key, "missing required key")
                ok = False
            continue
        converted = _coerce(data[name], hints[name], key, problems, base)
        if converted is None:
            ok = False
        else:
            kwargs[name] = converted
    return cls(**kwargs) if ok else None


def _table_array(cls: type, data: dict[str, Any], key: str, problems: _Problems,
                 base: Path) -> list[tuple[int, Any]]:
    """``[[key]]`` tables built into ``cls``, with their index; the invalid ones are left out
    after their problems are recorded."""
    raw = data.get(key, [])
    if not isinstance(raw, list):
        problems.add(key, f"expected an array of tables ([[{key}]])")
        return []
    built = ((i, _section(cls, item, f"{key}[{i}]", problems, base)) for i, item in enumerate(raw))
    return [(i, item) for i, item in built if item is not None]


# --- the two file kinds -----------------------------------------------------------------------


def _read_toml(path: Path, problems: _Problems) -> dict[str, Any] | None:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        problems.add("", "file not found")
    except IsADirectoryError:
        problems.add("", "is a directory, not a TOML file")
    except PermissionError:
        problems.add("", "permission denied")
    except UnicodeDecodeError as e:
        # tomllib decodes before parsing and lets this escape, outside TOMLDecodeError.
        problems.add("", f"not UTF-8 text (byte {e.start}): TOML files must be UTF-8")
    except tomllib.TOMLDecodeError as e:
        problems.add("", f"not valid TOML: {e}")
    except OSError as e:
        problems.add("", f"cannot read the file: {e.strerror or e}")
    return None


@dataclass(frozen=True)
class _StoryHeader:
    slug: str
    title: str
    seed: Path
    keywords: list[str]
    published: str | None = None


@dataclass(frozen=True)
class _ClaimEntry:
    key: str
    text: str


def load_story(path: Path) -> Story:
    """Read one story file; raise ConfigError listing every problem."""
    path = Path(path)
    problems = _Problems(path)
    data = _read_toml(path, problems)
    story = _story_from(data, path, problems) if data is not None else None
    if problems.items or story is None:
        raise ConfigError(problems.items)
    return story


def _story_from(data: dict[str, Any], path: Path, problems: _Problems) -> Story | None:
    base = path.parent
    for unknown in sorted(set(data) - {"story", "claims"}):
        problems.add(unknown, "unknown key")
    if "story" not in data:
        problems.add("story", "missing required table")
        return None
    header = _section(_StoryHeader, data["story"], "story", problems, base)
    claims: list[Claim] = []
    seen: set[str] = set()
    for i, entry in _table_array(_ClaimEntry, data, "claims", problems, base):
        if not _SLUG.match(entry.key):
            problems.add(f"claims[{i}].key", "use lower-case letters, digits and hyphens")
        if entry.key in seen:
            problems.add(f"claims[{i}].key", f"duplicate claim key {entry.key!r}")
        if not entry.text.strip():
            problems.add(f"claims[{i}].text", "must not be empty")
        seen.add(entry.key)
        claims.append(Claim(key=entry.key, text=entry.text.strip()))
    if header is None:
        return None
    if not _SLUG.match(header.slug):
        problems.add("story.slug", "use lower-case letters, digits and hyphens")
    if not header.keywords:
        problems.add("story.keywords", "list at least one keyword")
    try:
        seed_text = header.seed.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add("story.seed", f"seed file not found: {header.seed}")
        return None
    except (OSError, UnicodeDecodeError) as e:
        problems.add("story.seed", f"cannot read seed file {header.seed}: {e}")
        return None
    return Story(
        slug=header.slug,
        title=header.title,
        seed_text=seed_text,
        published=header.published,
        keywords=tuple(header.keywords),
        claims=tuple(claims),
    )


@dataclass(frozen=True)
class _Top:
    stories: list[Path]
    storage: StorageSettings
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    network: NetworkConfig = field(default_factory=NetworkConfig)


def resolve_config_path(explicit: str | os.PathLike[str] | None) -> Path:
    """``--config`` beats ``$CLAIMWATCH_CONFIG`` beats ``./config/claimwatch.toml`` beats the
    checkout's default (for an editable install run from elsewhere)."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    local = Path.cwd() / "config" / "claimwatch.toml"
    return local if local.is_file() else DEFAULT_CONFIG


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate the main file and every story it names; raise ConfigError with all
    problems from all files together."""
    path = Path(path)
    problems = _Problems(path)
    data = _read_toml(path, problems)
    if data is None:
        raise ConfigError(problems.items)
    base = path.resolve().parent

    feeds_raw = data.pop("feeds", [])
    sections: dict[str, Any] = {}
    for name, cls in (
        ("storage", StorageSettings),
        ("schedule", ScheduleSettings),
        ("network", NetworkConfig),
        ("judge", JudgeSettings),
        ("alerts", AlertSettings),
    ):
        if name in data:
            sections[name] = _section(cls, data[name], name, problems, base)
    for unknown in sorted(set(data) - {"stories", "storage", "schedule", "network", "judge",
                                       "alerts"}):
        problems.add(unknown, "unknown key")
    if "storage" not in data:
        problems.add("storage", "missing required table")
    story_paths = _coerce(data["stories"], list[Path], "stories", problems, base) if (
        "stories" in data
    ) else None
    if "stories" not in data:
        problems.add("stories", "missing required key (a list of story files)")

    feeds: list[FeedConfig] = []
    names: set[str] = set()
    for i, feed in _table_array(FeedConfig, {"feeds": feeds_raw}, "feeds", problems, base):
        if feed.name in names:
            problems.add(f"feeds[{i}].name", f"duplicate feed name {feed.name!r}")
        names.add(feed.name)
        url_problem = _url_problem(feed.url)
        if url_problem:
            problems.add(f"feeds[{i}].url", url_problem)
        if not 1 <= feed.interval_minutes <= MAX_INTERVAL_MINUTES:
            problems.add(f"feeds[{i}].interval_minutes",
                         f"must be between 1 and {MAX_INTERVAL_MINUTES} (a week)")
        feeds.append(feed)

    schedule = sections.get("schedule") or ScheduleSettings()
    if "schedule" in data and sections.get("schedule") is not None:
        if not _TIME.match(schedule.digest_time):
            problems.add("schedule.digest_time", "expected HH:MM (24-hour)")
        try:
            ZoneInfo(schedule.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.add("schedule.timezone", f"unknown time zone {schedule.timezone!r}")
        if not 0 <= schedule.jitter <= 1:
            problems.add("schedule.jitter", "must be between 0 and 1")
        if not 1 <= schedule.check_seconds <= 86400:
            problems.add("schedule.check_seconds", "must be between 1 and 86400 (a day)")
        if not 1 <= schedule.min_interval_minutes <= schedule.max_interval_minutes:
            problems.add("schedule.min_interval_minutes",
                         "must be at least 1 and at most max_interval_minutes")
        if not 1 <= schedule.max_interval_minutes <= MAX_INTERVAL_MINUTES:
            problems.add("schedule.max_interval_minutes",
                         f"must be between 1 and {MAX_INTERVAL_MINUTES} (a week)")
    network = sections.get("network") or NetworkConfig()
    if not _PRINTABLE_ASCII.match(network.user_agent):
        # httpx cannot send anything else in a header: every fetch would fail.
        problems.add("network.user_agent", "use printable ASCII only (no accents, no newlines)")
    for name, (low, high, low_open) in NETWORK_RANGES.items():
        value = getattr(network, name)
        if value < low or (low_open and value == low) or value > high:
            bound = "above" if low_open else "at least"
            problems.add(f"network.{name}", f"must be {bound} {low:g} and at most {high:g}, "
                                            f"got {value:g}")

    alerts = sections.get("alerts") or AlertSettings()
    if sections.get("alerts") is not None:
        alerts = _check_alerts(alerts, problems)
    stories: list[Story] = []
    all_problems = list(problems.items)
    for story_path in story_paths or ():
        if story_path is None:
            continue
        try:
            stories.append(load_story(story_path))
        except ConfigError as e:
            all_problems.extend(e.problems)
    slugs = [s.slug for s in stories]
    for slug in {s for s in slugs if slugs.count(s) > 1}:
        all_problems.append((str(path), "stories", f"two story files use the slug {slug!r}"))
    if story_paths is not None and not story_paths:
        all_problems.append((str(path), "stories", "list at least one story file"))

    judge = sections.get("judge") or JudgeSettings()
    if judge.model is not None and not (judge.model / "stance-model.json").is_file():
        all_problems.append((str(path), "judge.model",
                             f"no stance model in {judge.model} (expected stance-model.json "
                             f"there, as written by `claimwatch train fnc1`)"))
    if all_problems or sections.get("storage") is None:
        raise ConfigError(all_problems)
    return Config(
        path=path.resolve(),
        stories=tuple(stories),
        storage=sections["storage"],
        schedule=schedule,
        network=network,
        feeds=tuple(feeds),
        judge=judge,
        alerts=alerts,
    )


def _check_alerts(alerts: AlertSettings, problems: _Problems) -> AlertSettings:
    kinds = []
    for i, kind in enumerate(alerts.kinds):
        singular = kind.lower().removesuffix("s")
        if singular not in ALERT_KINDS:
            problems.add(f"alerts.kinds[{i}]", f"unknown kind {kind!r}: use "
                         + ", ".join(f"{k!r}" for k in ALERT_KINDS))
        kinds.append(singular)
    if alerts.min_band not in ALERT_BANDS:
        problems.add("alerts.min_band", "use 'flag' or 'review'")
    if alerts.timeout <= 0:
        problems.add("alerts.timeout", "must be positive")
    if alerts.max_attempts < 1:
        problems.add("alerts.max_attempts", "must be at least 1")
    if alerts.urls:
        from .outputs.alerts import url_problem  # imports apprise: only when alerts are configured

        for i, url in enumerate(alerts.urls):
            problem = url_problem(url)
            if problem:
                problems.add(f"alerts.urls[{i}]", problem)
    return dataclasses.replace(alerts, kinds=tuple(dict.fromkeys(kinds)))

"""Shared fixtures: every test gets a clean environment and its own paths."""

from __future__ import annotations

import contextlib
import functools
import os
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from pipeline.clock import iso
from pipeline.config import FeedConfig, NetworkConfig, load_story
from pipeline.fetching.fetcher import Fetcher, NetworkSettings
from pipeline.ingesting.extract import warm_up
from pipeline.ingesting.ingest import Ingestor
from pipeline.ingesting.workers import Worker, WorkerPool
from pipeline.judging.stance import StanceModel
from pipeline.orchestration.polling import Poller
from pipeline.records import Claim, Story
from pipeline.store import Store
from tests.localserver import local_server  # noqa: F401 (a fixture, used by name)

# Property tests check invariants, not speed: a loaded 2-core CI machine must not turn a slow
# example into a failure (benchmarks/ measure speed).
settings.register_profile("claimwatch", deadline=None)
settings.load_profile("claimwatch")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
STORY_DATA = REPO / "tests" / "data" / "story"
STORY_FILE = REPO / "config" / "stories" / "pentagon-anthropic.toml"
BENCHMARK_PAGES = SHARED / "data" / "article-extraction-benchmark"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our variables from the developer's shell must not leak into tests."""
    for name in list(os.environ):
        if name.startswith("CLAIMWATCH_"):
            monkeypatch.delenv(name)


def needs_shared(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not path.exists(), reason=f"{path} is absent: ../shared is not beside the repository"
    )


# A small story for the output tests (digest, Atom feed, timelines).
DIGEST_STORY = Story(slug="s", title="Story", seed_text="seed", published=None,
                     keywords=("Acme",),
                     claims=(Claim("value", "The deal is worth $200 million."),
                             Claim("first", "Acme was first.")))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store holding ``DIGEST_STORY``."""
    with Store.open(tmp_path / "s.db") as store:
        store.sync_stories([DIGEST_STORY], now="2026-03-01T00:00:00Z")
        yield store


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    """One warmed-up extraction worker, shared by a module's poll-cycle tests."""
    with WorkerPool(1) as workers:
        workers.warm_up(warm_up)
        yield workers


@pytest.fixture
def worker() -> Iterator[Worker]:
    """One worker process of its own, closed after the test."""
    child = Worker()
    yield child
    child.close()


class ManualClock:
    """A clock the test moves by hand: ``clock()`` returns ``clock.now``."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@functools.cache
def shipped_model() -> StanceModel:
    """The shipped stance model, loaded once per test run (it is never modified)."""
    return StanceModel.load()


@pytest.fixture
def model() -> StanceModel:
    return shipped_model()


# The poll-cycle tests' start time (the regression and audit tests move their clock from it).
T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)

PollerParts = tuple[Store, Poller, ManualClock, Fetcher]


@pytest.fixture
def clock() -> ManualClock:
    """A clock standing at ``T0`` until the test moves it."""
    return ManualClock(T0)


@pytest.fixture
def ingestor(tmp_path: Path, model: StanceModel, clock: ManualClock) -> Iterator[Ingestor]:
    """An ingestor on a fresh store holding the default story, with the shipped model and
    ``clock``: the write path without the network or worker processes."""
    with Store.open(tmp_path / "ingest.db") as store:
        stories = store.sync_stories([load_story(STORY_FILE)], now=iso(clock()))
        yield Ingestor(store, stories, model, clock=clock)


@pytest.fixture
def make_poller(tmp_path: Path, pool: WorkerPool) -> Iterator[Callable[..., PollerParts]]:
    """Makes the objects App wires for a poll cycle: ``make_poller(feeds, **network)`` returns
    (store, poller, clock, fetcher) on a store in ``tmp_path`` holding the default story and
    ``feeds`` (name -> URL), with a clock standing at ``T0``. With ``fetcher_class``, the
    fetcher is that class on the poller's network settings; otherwise a plain fetcher allowed
    private addresses (the tests' servers are on 127.0.0.1). Everything made is closed after
    the test, whatever happened in it."""
    with contextlib.ExitStack() as opened:

        def make(feeds: dict[str, str], *, fetcher_class: type[Fetcher] | None = None,
                 **network: object) -> PollerParts:
            settings: dict[str, Any] = dict(
                allow_private_addresses=True, min_host_interval=0.0, total_timeout=3.0,
                read_timeout=2.0, connect_timeout=2.0)
            settings.update(network)
            net = NetworkConfig(**settings)
            store = opened.enter_context(Store.open(tmp_path / "store.db"))
            clock = ManualClock(T0)
            stories = store.sync_stories([load_story(STORY_FILE)], now=iso(clock()))
            store.sync_feeds([FeedConfig(name=k, url=v) for k, v in feeds.items()],
                             now=iso(clock()))
            fetcher = opened.enter_context(fetcher_class(net) if fetcher_class else Fetcher(
                NetworkSettings(user_agent="claimwatch-test", allow_private_addresses=True,
                                connect_timeout=2.0, read_timeout=2.0, total_timeout=3.0,
                                max_feed_bytes=10**7, max_page_bytes=10**7,
                                min_host_interval=0.0)))
            ingestor = Ingestor(store, stories, shipped_model(), clock=clock)
            poller = Poller(store, fetcher, pool, ingestor, net, clock=clock,
                            rng=random.Random(7))
            return store, poller, clock, fetcher

        yield make


@pytest.fixture
def claimwatch_process() -> Iterator[Callable[..., subprocess.Popen]]:
    """Starts ``python -m pipeline --config CONFIG ARGS...`` as a child process, with our
    variables left out of its environment (or ``env``) and its output on one pipe. After the
    test, a child still running is killed, and every child is waited for, its pipes closed."""
    started: list[subprocess.Popen] = []

    def start(config: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        if env is None:
            env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMWATCH_")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--config", str(config), *args],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        with proc:  # closes its pipes and waits for it
            pass

"""Shared fixtures: every test gets a clean environment and its own paths."""

from __future__ import annotations

import functools
import os
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings

from pipeline.ingesting.extract import warm_up
from pipeline.ingesting.workers import WorkerPool
from pipeline.judging.stance import StanceModel
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
def store(tmp_path: Path):
    """A fresh store holding ``DIGEST_STORY``."""
    store = Store.open(tmp_path / "s.db")
    store.sync_stories([DIGEST_STORY], now="2026-03-01T00:00:00Z")
    yield store
    store.close()


@pytest.fixture(scope="module")
def pool():
    """One warmed-up extraction worker, shared by a module's poll-cycle tests."""
    workers = WorkerPool(1)
    workers.warm_up(warm_up)
    try:
        yield workers
    finally:
        workers.close()


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

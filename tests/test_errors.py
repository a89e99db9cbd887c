"""The error tree: every error pickles whole, and one rule decides what is transient."""

from __future__ import annotations

import importlib
import pickle
import pkgutil
from typing import Any

import pytest

import pipeline
from pipeline import errors
from pipeline.errors import (
    CONNECTION_KINDS,
    ClaimwatchError,
    ConfigError,
    ExtractError,
    FetchError,
    HTTPStatusError,
    ParseError,
    is_transient,
)

URL = "https://a.example/page"


def _all_subclasses(cls: type[BaseException]) -> set[type[BaseException]]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def _project_error_classes() -> list[type[ClaimwatchError]]:
    """Every ClaimwatchError subclass anywhere in the package, wherever it is defined."""
    for module in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        if module.name == "pipeline.__main__" or ".datasette_plugins" in module.name:
            continue
        importlib.import_module(module.name)
    classes: set[type[BaseException]] = {ClaimwatchError, *_all_subclasses(ClaimwatchError)}
    return sorted(
        (c for c in classes
         if issubclass(c, ClaimwatchError) and c.__module__.startswith("pipeline.")),
        key=lambda c: (c.__module__, c.__qualname__),
    )


def _sample(cls: type[ClaimwatchError]) -> ClaimwatchError:
    if issubclass(cls, ConfigError):
        return cls([("claimwatch.toml", "feeds[0].url", "not a URL")])
    if issubclass(cls, HTTPStatusError):
        return cls("server error", url=URL, status=503, retry_after=120.0)
    if issubclass(cls, ParseError | ExtractError):
        return cls("gave up", url=URL, kind="parse_timeout")
    if issubclass(cls, FetchError):
        return cls("failed", url=URL)
    return cls("something is wrong")


def _state(error: BaseException) -> dict[str, Any]:
    return {
        "class": type(error),
        "str": str(error),
        "args": error.args,
        "dict": dict(error.__dict__),
        "kind": getattr(error, "kind", None),
        "url": getattr(error, "url", None),
        "transient": getattr(error, "transient", None),
    }


@pytest.mark.parametrize("cls", _project_error_classes(), ids=lambda c: c.__qualname__)
def test_every_error_pickles_whole(cls: type[ClaimwatchError]) -> None:
    error = _sample(cls)
    error.add_note("a note travels too")
    copy = pickle.loads(pickle.dumps(error))
    assert _state(copy) == _state(error)
    assert copy.__notes__ == ["a note travels too"]


def test_the_tree_is_found_whole() -> None:
    """The parametrisation above covers the tree (a class defined outside errors.py too)."""
    names = {c.__qualname__ for c in _project_error_classes()}
    assert {"ClaimwatchError", "ConfigError", "HTTPStatusError", "TLSError", "ParseError",
            "ExtractError", "AlertError", "_NotTried"} <= names


@pytest.mark.parametrize(
    "error",
    [
        HTTPStatusError("gone", url=URL, status=410),
        ParseError("not a feed", url=URL),
        ExtractError("too short", url=URL, kind="not_html"),
        ConfigError([("a.toml", "", "unreadable"), ("b.toml", "x.y", "wrong type")]),
        errors.StoreError("locked"),
    ],
    ids=repr,
)
def test_errors_carry_kind_url_and_transient(error: ClaimwatchError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.kind, copy.url, copy.transient) == (error.kind, error.url, error.transient)
    assert copy.transient is is_transient(error.kind)


def test_other_pipeline_errors_pickle() -> None:
    """The worker's own exceptions pickle too."""
    from pipeline.ingesting.workers import RemoteError, WorkerCrashed, WorkerTimeout

    for error in (WorkerTimeout("late"), WorkerCrashed("died"),
                  RemoteError("KeyError", "'x'", "Traceback ...\nKeyError: 'x'\n")):
        copy = pickle.loads(pickle.dumps(error))
        assert _state(copy) == _state(error)


# --- one rule for transient failures ---------------------------------------------------------

# Every kind the code raises, and whether a retry later may succeed. Pinned: changing one is a
# decision about what the daemon retries and what counts as our outage, not a refactoring.
TRANSIENT = {
    "network": True,
    "timeout": True,  # a TLS handshake that stalls is a timeout too: retried
    "http_500": True,
    "http_502": True,
    "http_503": True,
    "http_504": True,
    "http_429": True,
    "alert": True,  # the outbox retries every delivery failure
    "tls": False,  # a bad certificate does not mend itself in the hours we retry
    "blocked": False,
    "too_large": False,
    "redirects": False,
    "content": False,
    "http_404": False,
    "http_410": False,
    "http_403": False,
    "http_400": False,
    "not_a_feed": False,
    "parse_timeout": False,
    "parse_crashed": False,
    "parse_failed": False,
    "extract_failed": False,
    "extract_timeout": False,
    "extract_crashed": False,
    "not_html": False,
    "fetch": False,
    "config": False,
    "store": False,
    "model": False,
    "input": False,
    "error": False,
}
CONNECTION = {"network", "timeout"}


@pytest.mark.parametrize("kind", sorted(TRANSIENT))
def test_what_is_transient_is_pinned_per_kind(kind: str) -> None:
    assert is_transient(kind) is TRANSIENT[kind]
    assert (kind in CONNECTION_KINDS) is (kind in CONNECTION)


def test_every_error_class_kind_is_pinned() -> None:
    for cls in _project_error_classes():
        assert _sample(cls).kind in TRANSIENT, cls


def test_scheduling_and_ingest_follow_the_one_rule() -> None:
    """The outage rule (network failures) and the entry retry rule (transient) agree on TLS."""
    from pipeline.errors import NetworkError, TLSError
    from pipeline.fetching.feeds import FeedEntry
    from pipeline.ingesting.ingest import prepare_fetched
    from pipeline.orchestration.scheduling import is_network_failure

    assert is_network_failure(NetworkError("refused", url=URL))
    assert not is_network_failure(TLSError("bad certificate", url=URL))
    assert not TLSError("bad certificate", url=URL).transient
    entry = FeedEntry(guid_key="g", url=URL, title="t", summary="A summary long enough. " * 5,
                      author=None, published_at=None)
    for error, retried in [(TLSError("bad certificate", url=URL), False),
                           (NetworkError("refused", url=URL), True),
                           (HTTPStatusError("down", url=URL, status=502), True),
                           (HTTPStatusError("gone", url=URL, status=404), False)]:
        # No worker pool: a failed fetch is never extracted (the test is that it is not).
        prepared = prepare_fetched(entry, error, pool=None, extract_timeout=1)  # type: ignore[arg-type]
        assert prepared.retryable is retried, error


def test_the_store_counts_network_failures_by_the_same_rule(tmp_path) -> None:
    """``Store.recent_polls`` counts in SQL what ``is_network_failure`` counts in Python."""
    from pipeline.orchestration.scheduling import error_kind, is_network_failure
    from pipeline.store import Store

    samples = [_sample(cls) for cls in _project_error_classes()]
    samples += [errors.TLSError("bad certificate", url=URL), errors.NetworkError("x", url=URL)]
    with Store.open(tmp_path / "s.db") as store:
        store.db.table("feeds").insert({"id": 1, "name": "f", "url": URL})
        for error in samples:
            store.db.table("poll_log").insert(
                {"feed_id": 1, "started_at": "2026-03-01T00:00:00Z", "outcome": "error",
                 "error": f"{error_kind(error)}: {error}"}
            )
        polled, network = store.recent_polls("2026-01-01T00:00:00Z")
    assert polled == len(samples)
    assert network == sum(1 for e in samples if is_network_failure(e)) == 4


# --- errors cross the worker process boundary whole ------------------------------------------


@pytest.mark.timeout(60)
def test_an_error_raised_in_a_worker_arrives_whole(worker) -> None:
    from pipeline.ingesting.workers import RemoteError
    from tests.worker_faults import URL, fail

    with pytest.raises(HTTPStatusError) as http:
        worker.call(fail, "http", timeout=30)
    error = http.value
    assert type(error) is HTTPStatusError
    assert (error.kind, error.url, error.transient) == ("http_503", URL, True)
    assert (error.status, error.retry_after) == (503, 60.0)
    assert "worker_faults.py" in (error.remote_traceback or "")
    assert "in fail" in (error.remote_traceback or "")
    assert any("Raised in the worker process" in n for n in error.__notes__)

    with pytest.raises(ParseError) as parse:
        worker.call(fail, "parse", timeout=30)
    assert (parse.value.kind, parse.value.url, parse.value.transient) == (
        "not_a_feed", URL, False)

    # Anything else keeps its type name and the child's traceback; the child lives on.
    with pytest.raises(RemoteError) as bug:
        worker.call(fail, "bug", timeout=30)
    assert bug.value.type_name == "KeyError"
    assert "KeyError: 'missing'" in bug.value.remote_traceback
    assert "worker_faults.py" in bug.value.remote_traceback

    with pytest.raises(RemoteError) as odd:
        worker.call(fail, "unpicklable", timeout=30)
    assert odd.value.type_name == "pipeline.errors.StoreError"
    assert "holds a lambda" in odd.value.message
    assert worker.call(len, "abc", timeout=30) == 3

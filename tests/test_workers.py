"""The extraction worker processes."""

from __future__ import annotations

import os

import pytest

from pipeline.ingesting import workers


@pytest.mark.timeout(60)
def test_workers_run_below_the_parents_priority() -> None:
    """The writer thread in the parent must get a core when it has an article to store."""
    worker = workers.Worker()
    try:
        child = worker.call(os.nice, 0, timeout=30)
    finally:
        worker.close()
    assert child == min(19, os.nice(0) + workers.WORKER_NICENESS)
    assert workers.WORKER_NICENESS > 0

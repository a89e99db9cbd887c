"""Articles per second through poll -> fetch -> extract -> judge -> store, against trafilatura's
extraction alone on the same pages, in the same run.

The pages are the 181 real news pages of the extraction benchmark (../shared), served by a local
HTTP server on 127.0.0.1 behind one RSS feed. The pipeline run is the real one (`Poller` over
the real fetcher, worker processes, stance model and SQLite store, in a fresh database). The
reference is `trafilatura.extract(html)` with its defaults, sequentially in this process, timed
over the same pages (median of 3 passes after a warm-up pass).

Usage:
    python benchmarks/bench_pipeline.py [--pages N] [--workers 1,2]

Prints, for each worker count: seconds, articles/s, and the ratio of the pipeline's time per
article to extraction's time per article (lower is better; 1.5 is the bar). With several worker
processes the pipeline uses more than one core while the reference uses one, so the one-worker
line is the like-for-like cost and the others are the throughput a user gets on this machine.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BENCH = REPO.parent / "shared" / "data" / "article-extraction-benchmark" / "html"


def load_pages(limit: int | None) -> list[tuple[str, bytes]]:
    files = sorted(BENCH.glob("*.html.gz"))[:limit]
    return [(f.name.split(".")[0], gzip.decompress(f.read_bytes())) for f in files]


def time_extraction(pages: list[tuple[str, bytes]]) -> float:
    import trafilatura

    for _, html in pages:  # warm-up
        trafilatura.extract(html)
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        for _, html in pages:
            trafilatura.extract(html)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def time_pipeline(pages: list[tuple[str, bytes]], workers: int) -> tuple[float, int, int]:
    from pipeline.config import FeedConfig, NetworkConfig, load_story
    from pipeline.fetching.fetcher import Fetcher, NetworkSettings
    from pipeline.ingesting.extract import warm_up
    from pipeline.ingesting.ingest import Ingestor
    from pipeline.ingesting.workers import WorkerPool
    from pipeline.judging.stance import StanceModel
    from pipeline.orchestration.polling import Poller
    from pipeline.store import Store
    from tests.e2e_site import rss
    from tests.localserver import LocalServer

    story = load_story(REPO / "config" / "stories" / "pentagon-anthropic.toml")
    model = StanceModel.load()
    with tempfile.TemporaryDirectory() as tmp, LocalServer() as server:
        urls = []
        for page_id, html in pages:
            server.route(f"/p/{page_id}.html", body=html)
            urls.append(server.url(f"/p/{page_id}.html"))
        server.route("/feed.xml", body=rss([(f"page {i}", u) for i, u in enumerate(urls)]),
                     content_type="application/rss+xml")
        # A warm-up feed of three copies under other URLs: lazy imports and first-use caches
        # are paid before the clock starts, as they are once per daemon, not per article.
        warm = []
        for page_id, html in pages[:3]:
            server.route(f"/warm/{page_id}.html", body=html)
            warm.append(server.url(f"/warm/{page_id}.html"))
        server.route("/warm.xml", body=rss([(f"warm {i}", u) for i, u in enumerate(warm)]),
                     content_type="application/rss+xml")
        network = NetworkConfig(allow_private_addresses=True, min_host_interval=0.0,
                                max_entries_per_poll=10_000)
        store = Store.open(Path(tmp) / "bench.db")
        stories = store.sync_stories([story], now="2026-01-01T00:00:00Z")

        store.sync_feeds([FeedConfig(name="bench", url=server.url("/feed.xml")),
                          FeedConfig(name="warm", url=server.url("/warm.xml"))],
                         now="2026-01-01T00:00:00Z")
        fetcher = Fetcher(NetworkSettings(allow_private_addresses=True, min_host_interval=0.0))
        pool = WorkerPool(workers)
        pool.warm_up(warm_up)  # process start-up and imports are not per article
        clock = lambda: datetime.now(UTC)  # noqa: E731
        ingestor = Ingestor(store, stories, model, clock=clock)
        poller = Poller(store, fetcher, pool, ingestor, network, clock=clock)
        try:
            poller.run_cycle(store.feeds(name="warm"))
            start = time.perf_counter()
            report = poller.run_cycle(store.feeds(name="bench"))
            elapsed = time.perf_counter() - start
        finally:
            pool.close()
            fetcher.close()
        stored = report.articles.stored
        relevant = report.articles.relevant
        store.close()
    return elapsed, stored, relevant


def time_judge_on_story_articles(repeats: int = 20) -> tuple[int, float]:
    """Judging cost of an on-story article (all claims, numbers, developments): most benchmark
    pages are off-story, so the pipeline run above rarely pays it."""
    from pipeline.config import load_story
    from pipeline.ingesting.extract import extract_page
    from pipeline.judging import judge, relevance
    from pipeline.judging.stance import StanceModel
    from pipeline.records import Article

    story = load_story(REPO / "config" / "stories" / "pentagon-anthropic.toml")
    model = StanceModel.load()
    articles = []
    for path in sorted((REPO / "tests" / "data" / "story").glob("*.html")):
        page = extract_page(path.read_bytes(), "https://example.org/a")
        article = Article(url="https://example.org/a", title=page.title or "", text=page.text)
        if relevance(article, story) >= 0.5:
            articles.append(article)
    for article in articles:
        judge(article, story, model=model)  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        for article in articles:
            judge(article, story, model=model)
    return len(articles), (time.perf_counter() - start) / (repeats * len(articles))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=None, help="use the first N pages")
    parser.add_argument("--workers", default="1,2", help="worker process counts to run")
    args = parser.parse_args()
    if not BENCH.is_dir():
        print(f"skipped: {BENCH} is absent (../shared beside the repository)")
        return 0
    pages = load_pages(args.pages)
    n = len(pages)
    ref = time_extraction(pages)
    print(f"pages: {n}")
    print(f"reference trafilatura.extract (1 core): {ref:.2f}s, {n / ref:.1f} articles/s, "
          f"{1000 * ref / n:.1f} ms/article")
    for workers in (int(w) for w in args.workers.split(",")):
        elapsed, stored, relevant = time_pipeline(pages, workers)
        print(f"pipeline, {workers} worker process(es): {elapsed:.2f}s, {stored} stored "
              f"({relevant} relevant to the story), {stored / elapsed:.1f} articles/s, "
              f"{1000 * elapsed / max(stored, 1):.1f} ms/article, "
              f"ratio to extraction alone {elapsed / ref * n / max(stored, 1):.2f}x")
    n_story, per_article = time_judge_on_story_articles()
    print(f"judge on an on-story article ({n_story} fixture articles x 16 claims): "
          f"{1000 * per_article:.1f} ms/article, {per_article / (ref / n):.2f}x extraction's "
          f"time per article")
    return 0


if __name__ == "__main__":
    sys.exit(main())

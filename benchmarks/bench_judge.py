"""Cost of judging one relevant article against every claim of its story, on one core, against
trafilatura's extraction of a news page measured in the same run.

    python benchmarks/bench_judge.py                      # the project's story fixtures
    python benchmarks/bench_judge.py --coverage benchmarks/coverage/pentagon-anthropic

The budget is 100 ms per relevant article for 16 claims. The reference is ``trafilatura.extract``
over the extraction benchmark's pages (../shared); without them the reference is skipped.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "data" / "article-extraction-benchmark" / "html"


def articles_from_fixtures() -> list:
    from pipeline.ingesting.extract import extract_page
    from pipeline.records import Article

    out = []
    for path in sorted((REPO / "tests" / "data" / "story").glob("*.html")):
        page = extract_page(path.read_bytes(), f"http://fixture/{path.name}", None)
        out.append(Article(url=f"http://fixture/{path.name}", title=page.title or "",
                           text=page.text))
    return out


def articles_from_coverage(folder: Path) -> list:
    from pipeline.ingesting.extract import split_text_headers, text_from_plain
    from pipeline.records import Article

    out = []
    for path in sorted((folder / "pages").glob("[0-9]*.txt")):
        headers, text = split_text_headers(text_from_plain(path.read_text(encoding="utf-8")))
        out.append(Article(url=headers.get("url", path.name), title=text.split("\n", 1)[0],
                           text=text, published_at=headers.get("date")))
    return out


def time_extraction(limit: int) -> float | None:
    import trafilatura

    pages = [gzip.decompress(p.read_bytes()) for p in sorted(SHARED.glob("*.html.gz"))[:limit]]
    if not pages:
        return None
    trafilatura.extract(pages[0])  # warm-up
    started = time.perf_counter()
    for html in pages:
        trafilatura.extract(html, include_comments=False)
    return (time.perf_counter() - started) / len(pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--coverage", type=Path, help="a story folder of real pages")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pages", type=int, default=60, help="benchmark pages to extract")
    args = parser.parse_args()

    from pipeline.config import load_story
    from pipeline.judging import is_relevant, judge, relevance
    from pipeline.judging.stance import StanceModel

    if args.coverage:
        own = args.coverage / "story.toml"
        story_path = own if own.exists() else (
            REPO / "config" / "stories" / f"{args.coverage.name}.toml")
        articles = articles_from_coverage(args.coverage)
    else:
        story_path = REPO / "config" / "stories" / "pentagon-anthropic.toml"
        articles = articles_from_fixtures()
    story = load_story(story_path)
    model = StanceModel.load()
    relevant = [a for a in articles if is_relevant(relevance(a, story))]
    if not relevant:
        print("no relevant article to judge", file=sys.stderr)
        return 1
    for a in relevant:
        judge(a, story, model=model)  # warm-up: the story's reader is built once
    times = []
    for a in relevant:
        best = float("inf")
        for _ in range(args.repeats):
            started = time.perf_counter()
            judge(a, story, model=model)
            best = min(best, time.perf_counter() - started)
        times.append(best)
    median = statistics.median(times) * 1000
    p95 = sorted(times)[int(0.95 * (len(times) - 1))] * 1000
    print(f"judge: {len(relevant)} relevant articles x {len(story.claims)} claims "
          f"({story.slug}); per article median {median:.2f} ms, p95 {p95:.2f} ms, "
          f"max {max(times) * 1000:.2f} ms (budget 100 ms)")
    reference = time_extraction(args.pages)
    if reference is None:
        print("extraction reference skipped: ../shared is absent")
    else:
        print(f"trafilatura.extract in the same run: {reference * 1000:.2f} ms per page; "
              f"judging costs {median / (reference * 1000):.2f}x an extraction")
    return 0


if __name__ == "__main__":
    sys.exit(main())

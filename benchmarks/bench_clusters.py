"""Cost of clustering one article's development sentences as a story's store grows.

Each relevant article's sentences (up to two that may open a development, six that may join
one, and since session 8 up to twenty told in passing) are matched against every stored
development report of its story (:func:`pipeline.judging.developments.assign_clusters`). A
daemon that runs for months on one story stores thousands of reports. This times
``assign_clusters`` per article on stores of 1,000, 4,000 and 16,000 reports, against a
reference measured in the same run on the same stores: the same article without its sentences
told in passing (the work before session 8, which counts no common words either). Each article
fills every slot (2 + 6 + 20 candidates), the most one sends; a real article sends fewer.

The synthetic reports draw 4 to 14 terms from a 5,000-term vocabulary with Zipf-like weights
(a story's reports share a few words, "arrested", "designation", far more than the rest), in
developments of 1 to 12 reports.

Run: ``.venv/bin/python benchmarks/bench_clusters.py`` (about a minute on 2 cores).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.judging import developments as dv  # noqa: E402

VOCABULARY = 5_000
OPENING, JOINING, PASSING = 2, 6, 20


def report(rng: random.Random, weights: list[float]) -> dv.NovelTerms:
    n = rng.randint(4, 14)
    picked: set[str] = set()
    while len(picked) < n:
        picked.update(f"t{i}" for i in rng.choices(range(VOCABULARY), weights, k=n))
    return dv.NovelTerms(rng.sample(sorted(picked), n))


def store(rng: random.Random, weights: list[float], reports: int
          ) -> list[tuple[int, list[frozenset[str]]]]:
    clusters: list[tuple[int, list[frozenset[str]]]] = []
    made = 0
    while made < reports:
        size = min(rng.randint(1, 12), reports - made)
        clusters.append((len(clusters), [report(rng, weights) for _ in range(size)]))
        made += size
    return clusters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=30, help="articles timed per size")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 4_000, 16_000])
    args = parser.parse_args(argv)
    rng = random.Random(7)
    weights = [1 / (i + 1) for i in range(VOCABULARY)]
    joins_only = [False] * OPENING + [True] * (JOINING + PASSING)
    passing = [False] * (OPENING + JOINING) + [True] * PASSING
    for size in args.sizes:
        clusters = store(rng, weights, size)
        full: list[float] = []
        without: list[float] = []
        for _ in range(args.articles):
            candidates = [report(rng, weights) for _ in joins_only]
            started = time.perf_counter()
            dv.assign_clusters(candidates, clusters, joins_only, passing)
            full.append(time.perf_counter() - started)
            started = time.perf_counter()
            dv.assign_clusters(candidates[:OPENING + JOINING], clusters,
                               joins_only[:OPENING + JOINING])
            without.append(time.perf_counter() - started)
        a, b = statistics.median(full), statistics.median(without)
        print(f"{size:>6} stored reports ({len(clusters)} developments): per article "
              f"{a * 1000:.1f} ms, {b * 1000:.1f} ms without the sentences told in passing; "
              f"{a / b:.2f}x the reference")
    return 0


if __name__ == "__main__":
    sys.exit(main())

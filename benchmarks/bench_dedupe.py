"""Cost of syndication detection per article as the store grows.

Fills a WAL-mode SQLite file with 1,000, then 10,000, then 100,000 indexed articles and, at each
size, times what the pipeline does per new article: ``fingerprint`` then ``add`` inside one
``db.atomic()`` (the commit, which the store pays for the article anyway, is timed apart).
A naive reference (containment against every stored article, read from the same
table) is timed at 1,000 and 10,000 in the same run.

The synthetic articles are 250 words drawn uniformly from a 20,000-word vocabulary, so they do
not collide by chance; 20 % end with the same 40-word wire footer, so some band buckets are
shared by thousands of articles as a real wire service's boilerplate would be; one probe in ten
is a trimmed copy of a stored article, so the verification path is exercised. The store is filled
in bulk (signatures computed in worker processes, rows inserted sorted) through the module's own
hashing helpers; only the probes go through the public API.

Run: ``.venv/bin/python benchmarks/bench_dedupe.py`` (about two minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sqlite_utils

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.ingesting import dedupe  # noqa: E402

VOCABULARY = 20_000
WORDS = 250
FOOTER_SHARE = 0.2
FOOTER = (
    "This story was distributed by the Example Wire Service. Copyright Example Wire Service. "
    "All rights reserved. This material may not be published, broadcast, rewritten or "
    "redistributed without permission. Staff writers at member newspapers contributed reporting."
)
PROBE_ID_BASE = 10_000_000


def text_for(article_id: int) -> str:
    """The synthetic article with this id (deterministic, so nothing is kept in memory)."""
    rng = np.random.default_rng(article_id)
    words = " ".join(f"w{i}" for i in rng.integers(0, VOCABULARY, WORDS))
    return f"{words} {FOOTER}" if rng.random() < FOOTER_SHARE else words


def index_rows(id_range: tuple[int, int]) -> tuple[list[tuple[int, int, bytes]], np.ndarray]:
    """Shingle rows and (band_key, article_id) pairs for ids in [start, stop)."""
    shingle_rows, bands = [], []
    for article_id in range(*id_range):
        words = dedupe.normalise(text_for(article_id)).split()
        array = dedupe._shingle_array(words, dedupe.SHINGLE_WORDS)
        keys = dedupe._band_keys(dedupe.signature(array))
        shingle_rows.append((article_id, article_id, array.astype("<u8").tobytes()))
        bands.append(np.array([keys, [article_id] * len(keys)], dtype=np.int64).T)
    return shingle_rows, np.concatenate(bands)


def fill(db: sqlite_utils.Database, start: int, stop: int, pool) -> float:
    """Index articles [start, stop) in bulk; returns seconds taken."""
    started = time.perf_counter()
    step = 2_000
    chunks = pool.map(index_rows, [(i, min(i + step, stop)) for i in range(start, stop, step)])
    bands = np.concatenate([b for _, b in chunks])
    bands = bands[np.lexsort((bands[:, 1], bands[:, 0]))]  # primary-key order: fast inserts
    insert_shingles = f"INSERT INTO [{dedupe.SHINGLES_TABLE}] VALUES (?, ?, ?)"
    insert_bands = f"INSERT OR IGNORE INTO [{dedupe.BANDS_TABLE}] VALUES (?, ?)"
    with db.atomic():
        for rows, _ in chunks:
            db.conn.executemany(insert_shingles, rows)
        for i in range(0, len(bands), 1_000_000):
            db.conn.executemany(insert_bands, bands[i : i + 1_000_000].tolist())
    return time.perf_counter() - started


def probes(count: int, stored: int, offset: int) -> list[tuple[str, int | None]]:
    """(text, expected original) pairs: fresh articles, and every tenth a trimmed copy."""
    out: list[tuple[str, int | None]] = []
    rng = np.random.default_rng(offset)
    for i in range(count):
        if i % 10 == 9:
            original = int(rng.integers(0, stored))
            words = text_for(original).split()
            out.append((" ".join(words[: int(len(words) * 0.6)]), original))
        else:
            out.append((text_for(PROBE_ID_BASE * 2 + offset + i), None))
    return out


def time_index(db, index, batch, next_id: int) -> tuple[list[float], list[float], int]:
    """Microseconds per article for fingerprint + add, and for the commit; wrong answers."""
    times, commits, wrong = [], [], 0
    for n, (text, expected) in enumerate(batch):
        with db.atomic():
            started = time.perf_counter()
            fingerprint = index.fingerprint(text)
            found = None if fingerprint is None else fingerprint.root
            index.add(next_id + n, fingerprint)
            done = time.perf_counter()
        commits.append((time.perf_counter() - done) * 1e6)
        times.append((done - started) * 1e6)
        wrong += found != expected
    return times, commits, wrong


def time_naive(db, batch) -> list[float]:
    """Microseconds per article to compare against every stored article (no index)."""
    times = []
    for text, _ in batch:
        started = time.perf_counter()
        array = dedupe._shingle_array(dedupe.normalise(text).split(), dedupe.SHINGLE_WORDS)
        for (blob,) in db.execute(
            f"SELECT shingles FROM [{dedupe.SHINGLES_TABLE}] ORDER BY article_id"
        ):
            if dedupe._containment(array, np.frombuffer(blob, dtype="<u8")) >= dedupe.THRESHOLD:
                break  # the earliest copy: ids are in insertion order
        times.append((time.perf_counter() - started) * 1e6)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--naive-probes", type=int, default=30)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    print(
        f"{dedupe.NUM_PERM} permutations, {dedupe.BANDS} bands x {dedupe.ROWS} rows; "
        f"{WORDS}-word articles, {FOOTER_SHARE:.0%} with a shared footer; "
        f"{args.probes} probes per size (fingerprint + add in one transaction)"
    )
    results: dict[int, float] = {}
    naive: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp, multiprocessing.Pool(2) as pool:
        db = sqlite_utils.Database(Path(tmp) / "bench.db")
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")  # the usual WAL setting: no fsync per commit
        index = dedupe.SyndicationIndex(db)
        index.ensure_tables()
        stored = 0
        next_probe_id = PROBE_ID_BASE
        for size in sizes:
            seconds = fill(db, stored, size, pool)
            stored = size
            batch = probes(args.probes, stored, offset=size)
            times, commits, wrong = time_index(db, index, batch, next_probe_id)
            next_probe_id += len(batch)
            results[size] = statistics.mean(times)
            line = (
                f"{size:>7,d} stored (filled in {seconds:5.1f} s): "
                f"mean {statistics.mean(times):7.0f} us  median {statistics.median(times):7.0f} us"
                f"  p95 {np.quantile(times, 0.95):7.0f} us"
                f"  (commit {statistics.mean(commits):5.0f} us)  wrong answers {wrong}"
            )
            if size <= 10_000:
                naive_times = time_naive(db, batch[: args.naive_probes])
                naive[size] = statistics.mean(naive_times)
                line += f" | naive scan: mean {naive[size]:9.0f} us"
            print(line, flush=True)
        db.close()

    first, last = sizes[0], sizes[-1]
    print(
        f"\nindexed cost ratio {last:,d}/{first:,d}: {results[last] / results[first]:.2f}x "
        f"(store {last // first}x larger)"
    )
    for size, cost in naive.items():
        print(f"naive/indexed at {size:,d}: {cost / results[size]:.1f}x")
    if len(naive) >= 2:
        a, b = sorted(naive)
        print(f"naive cost ratio {b:,d}/{a:,d}: {naive[b] / naive[a]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

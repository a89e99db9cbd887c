"""Throughput of the stance model on ONE core, against the simplest baseline in the same run.

    .venv/bin/python benchmarks/bench_stance.py [--pairs 10000] [--model DIR]

Pins the process to one CPU and every math library to one thread before numpy loads. Times
``StanceModel.predict_pairs`` over FNC-1 (headline, body) pairs in file order (a body text shared
by several pairs is prepared once per call, as the judge does for one article's claims), then the
baseline: TF-IDF cosine of claim and body with the same IDF table, thresholded (unrelated below
it, "discuss" above). Prints pairs/s of both and the ratio.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import argparse  # noqa: E402
import csv  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.judging.features import TextStats, content_tokens, tokenize  # noqa: E402
from pipeline.judging.stance import StanceModel  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "fnc1-train"


def load_pairs(data: Path, n: int) -> list[tuple[str, str]]:
    csv.field_size_limit(2**31 - 1)
    with open(data / "train_bodies.csv", encoding="utf-8", newline="") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    with open(data / "train_stances.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [(r["Headline"], bodies[r["Body ID"]]) for r in rows[:n]]


def tfidf_cosine_baseline(pairs: list[tuple[str, str]], stats: TextStats) -> list[str]:
    """Claim-body TF-IDF cosine only, bodies vectorised once: the floor any model must beat."""
    cache: dict[str, dict[str, float]] = {}

    def vector(text: str) -> dict[str, float]:
        counts = Counter(content_tokens(tokenize(text)))
        vec = {
            w: (1 + math.log(c)) * stats.idf.get(w, stats.default_idf) for w, c in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    labels = []
    for claim, body in pairs:
        b = cache.get(body)
        if b is None:
            b = cache[body] = vector(body)
        c = vector(claim)
        cos = sum(v * b.get(w, 0.0) for w, v in c.items())
        labels.append("discuss" if cos >= 0.1 else "unrelated")
    return labels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args()

    model = StanceModel.load(args.model)
    pairs = load_pairs(args.data, args.pairs)
    n_bodies = len({b for _, b in pairs})
    model.predict_pairs(pairs[:200])  # warm-up: imports, regex compilation

    def best_of(fn) -> float:  # type: ignore[no-untyped-def]
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        return min(times)

    t_model = best_of(lambda: model.predict_pairs(pairs))
    stats = model._stats  # the same IDF table, so the baseline does the same tokenising work
    t_base = best_of(lambda: tfidf_cosine_baseline(pairs, stats))
    model_rate = len(pairs) / t_model
    base_rate = len(pairs) / t_base
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "-"
    print(f"cpu affinity: {cpus}   pairs: {len(pairs)}   distinct bodies: {n_bodies}")
    print(
        f"stance model     : {model_rate:8.0f} pairs/s  ({1e3 * t_model / len(pairs):.3f} ms/pair)"
    )
    print(f"tf-idf cosine    : {base_rate:8.0f} pairs/s  ({1e3 * t_base / len(pairs):.3f} ms/pair)")
    print(
        f"ratio model/baseline throughput: {model_rate / base_rate:.2f}"
        f"  (baseline is {base_rate / model_rate:.1f}x faster)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

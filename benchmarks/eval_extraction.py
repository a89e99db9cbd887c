"""Extraction quality and speed on the 181 real news pages of the extraction benchmark.

Scores each configuration with a shingle F1 (word 4-grams of predicted vs true article body,
the benchmark's own kind of measure) and times it on the same pages in the same run. The last
line is the configuration claimwatch uses (``pipeline.ingesting.extract.extract_page``).

Usage: python benchmarks/eval_extraction.py
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BENCH = REPO.parent / "shared" / "data" / "article-extraction-benchmark"


def _shingles(text: str | None, k: int = 4) -> Counter:
    words = re.findall(r"\w+", (text or "").lower())
    return Counter(tuple(words[i : i + k]) for i in range(max(1, len(words) - k + 1)))


def shingle_f1(predicted: str | None, true: str) -> float:
    p, t = _shingles(predicted), _shingles(true)
    common = sum((p & t).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(t.values())
    return 2 * precision * recall / (precision + recall)


def main() -> int:
    if not BENCH.is_dir():
        print(f"skipped: {BENCH} is absent (../shared beside the repository)")
        return 0
    import gzip

    import trafilatura

    from pipeline.errors import ExtractError
    from pipeline.ingesting.extract import extract_page

    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [(p.name.split(".")[0], gzip.decompress(p.read_bytes()))
             for p in sorted((BENCH / "html").glob("*.html.gz"))]

    def ours(html: bytes) -> str | None:
        try:
            return extract_page(html, "https://example.org/article").text
        except ExtractError:
            return None

    configs = [
        ("trafilatura.extract() defaults", lambda h: trafilatura.extract(h)),
        ("bare_extraction(with_metadata=True)", lambda h: getattr(
            trafilatura.bare_extraction(h, with_metadata=True, include_comments=False),
            "text", None)),
        ("claimwatch extract_page (metadata, fast)", ours),
    ]
    print(f"{len(pages)} pages")
    reference = None
    for label, fn in configs:
        for _, html in pages[:5]:
            fn(html)  # warm-up
        start = time.perf_counter()
        outputs = [(pid, fn(html)) for pid, html in pages]
        seconds = time.perf_counter() - start
        f1 = sum(shingle_f1(text, truth[pid]["articleBody"]) for pid, text in outputs) / len(pages)
        reference = reference or seconds
        print(f"{label:42s} F1 {f1:.3f}  {1000 * seconds / len(pages):5.1f} ms/page  "
              f"{seconds / reference:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

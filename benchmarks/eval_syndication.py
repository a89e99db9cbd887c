"""Justify the syndication threshold on real news pages.

The 181 pages of the article-extraction benchmark (``../shared/data/article-extraction-benchmark``
beside the repository) are 181 different stories. From each ground-truth body this script makes
the kinds of copy a syndicating site publishes, with a fixed random seed:

- ``trimmed``: the first 50-70 % of the paragraphs;
- ``headline+extra``: a new headline line and one or two extra paragraphs;
- ``new-lede``: the first paragraph rewritten (its words reordered: same facts, new phrasing);
- ``house-style``: spelling, number and honorific changes plus ~3 % of words dropped or changed;
- ``trim+lede+style``: all three at once (the hard case);
- ``extracted``: trafilatura's extraction of the page's HTML (another tool's view of the same text).

It prints the containment distribution of each kind against its original, the distribution over
all pairs of *different* stories (originals and extractions), the maximum of the latter (the
margin the threshold must clear), the same figures for a few shingle lengths, and then runs the
real :class:`~pipeline.ingesting.dedupe.SyndicationIndex` (LSH + verification) over the
originals, the variants and the ``tests/data/syndication`` fixtures, counting copies linked
correctly, missed and wrongly linked.

Run: ``.venv/bin/python benchmarks/eval_syndication.py`` (about a minute; ``--no-extract`` skips
trafilatura).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np
import sqlite_utils

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.ingesting import dedupe  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
BENCHMARK = SHARED / "data" / "article-extraction-benchmark"
FIXTURES = REPO / "tests" / "data" / "syndication"
SEED = 4

HOUSE_STYLE = [
    (r"\bpercent\b", "per cent"),
    (r"\bMr\. ", ""),
    (r"\bMs\. ", ""),
    (r"\bDr\. ", "Doctor "),
    (r"(\w)ize\b", r"\1ise"),
    (r"(\w)izes\b", r"\1ises"),
    (r"(\w)ized\b", r"\1ised"),
    (r"\bcolor", "colour"),
    (r"\bcenter\b", "centre"),
    (r"\bU\.S\.", "US"),
    (r"\b2\b", "two"),
    (r"\b3\b", "three"),
    (r"\b5\b", "five"),
    (r"\bSaturday\b", "Sat."),
    (r"\bsaid\b", "says"),
    (r"\btold\b", "said to"),
]
FILLER = ["also", "still", "now", "reportedly", "however"]


def paragraphs(body: str) -> list[str]:
    """Paragraphs of a body; bodies with fewer than four get pseudo-paragraphs of 2 sentences."""
    paras = [p.strip() for p in body.split("\n") if p.strip()]
    if len(paras) >= 4:
        return paras
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(paras))
    return [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]


def trimmed(paras: list[str], rng: random.Random) -> list[str]:
    keep = max(1, round(len(paras) * rng.uniform(0.5, 0.7)))
    return paras[:keep]


def reworded(para: str, rng: random.Random) -> str:
    """The same words in another order: a rewrite that keeps the vocabulary, not the phrasing.

    Added text is made this way (rather than copied from another benchmark story) so a variant
    never really contains a second story, which would make linking it there correct.
    """
    words = para.split()
    rng.shuffle(words)
    return " ".join(words)


def with_new_lede(paras: list[str], rng: random.Random) -> list[str]:
    return [reworded(paras[0], rng), *paras[1:]]


def house_style(paras: list[str], rng: random.Random) -> list[str]:
    out = []
    for para in paras:
        for pattern, repl in HOUSE_STYLE:
            para = re.sub(pattern, repl, para)
        words = para.split()
        for i in range(len(words)):
            roll = rng.random()
            if roll < 0.015:
                words[i] = ""
            elif roll < 0.03:
                words[i] = f"{words[i]} {rng.choice(FILLER)}"
        out.append(" ".join(w for w in words if w))
    return out


def variants(bodies: list[str], rng: random.Random) -> dict[str, list[str]]:
    """{kind: [variant of bodies[i] for each i]}."""
    paras = [paragraphs(b) for b in bodies]
    out: dict[str, list[str]] = {
        k: [] for k in ("trimmed", "headline+extra", "new-lede", "house-style", "trim+lede+style")
    }
    for i, ps in enumerate(paras):
        donor = paras[rng.choice([j for j in range(len(paras)) if j != i])]
        extra = [reworded(p, rng) for p in rng.sample(donor, k=min(rng.randint(1, 2), len(donor)))]
        headline = " ".join(reworded(donor[0], rng).split()[:9])
        out["trimmed"].append("\n".join(trimmed(ps, rng)))
        out["headline+extra"].append("\n".join([headline, *ps, *extra]))
        out["new-lede"].append("\n".join(with_new_lede(ps, rng)))
        out["house-style"].append("\n".join(house_style(ps, rng)))
        hard = house_style(with_new_lede(trimmed(ps, rng), rng), rng)
        out["trim+lede+style"].append("\n".join(hard))
    return out


def extract_all(ids: list[str]) -> list[str | None]:
    import trafilatura

    texts: list[str | None] = []
    for page_id in ids:
        html = gzip.decompress((BENCHMARK / "html" / f"{page_id}.html.gz").read_bytes())
        texts.append(trafilatura.extract(html.decode("utf-8", "replace")))
    return texts


def arrays(texts: list[str], k: int = dedupe.SHINGLE_WORDS) -> list[np.ndarray]:
    return [dedupe._shingle_array(dedupe.normalise(t).split(), k) for t in texts]


def long_enough(text: str) -> bool:
    return len(dedupe.normalise(text).split()) >= dedupe.MIN_WORDS


def paired(base: list[np.ndarray], texts: list[str], k: int = dedupe.SHINGLE_WORDS) -> list[float]:
    """Containment of each text with the original of the same index."""
    return [dedupe._containment(a, b) for a, b in zip(base, arrays(texts, k), strict=True)]


def pairwise(sets: list[np.ndarray]) -> list[float]:
    return [dedupe._containment(a, b) for a, b in itertools.combinations(sets, 2)]


def crosswise(base: list[np.ndarray], others: list[np.ndarray]) -> list[float]:
    """Containment of others[j] with base[i] for every i != j (a copy against other stories)."""
    return [
        dedupe._containment(other, original)
        for i, original in enumerate(base)
        for j, other in enumerate(others)
        if i != j and other.size
    ]


def describe(scores: list[float]) -> str:
    q = np.quantile(scores, [0.0, 0.05, 0.5])
    below = sum(s < dedupe.THRESHOLD for s in scores)
    return (
        f"n={len(scores):5d}  min={q[0]:.3f}  p5={q[1]:.3f}  median={q[2]:.3f}  "
        f"below threshold: {below}"
    )


def describe_different(scores: list[float]) -> str:
    above = sum(s >= dedupe.THRESHOLD for s in scores)
    return (
        f"pairs={len(scores):6d}  max={max(scores):.3f}  p99.9={np.quantile(scores, 0.999):.3f}"
        f"  at/above threshold: {above}"
    )


def run_index(originals: list[str], copies: list[tuple[int, str]]) -> dict[str, int]:
    """Add originals (ids 1..n) to a fresh index, then look each copy up. Counts outcomes."""
    db = sqlite_utils.Database(memory=True)
    index = dedupe.SyndicationIndex(db)
    index.ensure_tables()
    counts = {"originals linked": 0, "correct": 0, "missed": 0, "wrong": 0, "lsh_missed": 0}
    for article_id, text in enumerate(originals, start=1):
        if index.find_original(text) is not None:
            counts["originals linked"] += 1
        with db.atomic():
            index.add(article_id, text)
    for expected, text in copies:
        found = index.find_original(text)
        if found == expected:
            counts["correct"] += 1
        elif found is None:
            counts["missed"] += 1
            # A copy the exact measure accepts but LSH never proposed: a recall loss of the index.
            counts["lsh_missed"] += dedupe.is_copy(text, originals[expected - 1])
        else:
            counts["wrong"] += 1
    return counts


def fixtures() -> tuple[list[str], list[tuple[int, str]]]:
    """Fixture originals (wire story first, then the different stories) and their copies."""
    read = {p.stem: p.read_text() for p in FIXTURES.glob("*.txt")}
    originals = [read["wire"]] + [v for k, v in sorted(read.items()) if k.startswith("different")]
    copies = [(1, v) for k, v in sorted(read.items()) if k.startswith("copy")]
    return originals, copies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-extract", action="store_true", help="skip trafilatura extraction")
    args = parser.parse_args()
    if not BENCHMARK.is_dir():
        print(f"skipped: {BENCHMARK} not found (the shared data sits beside the repository)")
        return 0

    truth = json.loads((BENCHMARK / "ground-truth.json").read_text())
    ids = [i for i in sorted(truth) if long_enough(truth[i]["articleBody"])]
    bodies = [truth[i]["articleBody"] for i in ids]
    print(
        f"{len(truth)} benchmark pages, {len(bodies)} with >= {dedupe.MIN_WORDS} words; "
        f"shingles of {dedupe.SHINGLE_WORDS} words, containment threshold {dedupe.THRESHOLD}, "
        f"LSH {dedupe.BANDS} bands x {dedupe.ROWS} rows"
    )
    kinds = variants(bodies, random.Random(SEED))
    if not args.no_extract:
        started = time.perf_counter()
        kinds["extracted"] = [e or "" for e in extract_all(ids)]
        print(f"trafilatura extracted the pages in {time.perf_counter() - started:.0f} s")

    print("\n== containment of each copy with its original (same story) ==")
    base = arrays(bodies)
    copy_scores = {kind: paired(base, texts) for kind, texts in kinds.items()}
    for kind, scores in copy_scores.items():
        print(f"{kind:16s} {describe(scores)}")

    print("\n== containment between different stories (must all be below the threshold) ==")
    different = pairwise(base)
    print(f"ground-truth bodies:    {describe_different(different)}")
    if "extracted" in kinds:
        extracted = [a for a in arrays(kinds["extracted"]) if a.size]
        print(f"trafilatura texts:      {describe_different(pairwise(extracted))}")
        cross = crosswise(base, arrays(kinds["extracted"]))
        print(f"extraction vs others:   {describe_different(cross)}")
    cross = crosswise(base, arrays(kinds["trim+lede+style"]))
    print(f"hard copies vs others:  {describe_different(cross)}")

    print("\n== threshold sweep (exact containment, 5-word shingles) ==")
    print("threshold  different pairs >=  " + "  ".join(f"{k:>15s}" for k in kinds))
    for t in (0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        cells = "  ".join(f"{np.mean([c >= t for c in cs]):15.3f}" for cs in copy_scores.values())
        print(f"{t:9.2f}  {sum(x >= t for x in different):18d}  {cells}")

    print("\n== shingle length (exact containment, recall at the threshold) ==")
    for k in (3, 4, 5, 6, 8):
        base_k = arrays(bodies, k)
        recall = {
            kind: np.mean([c >= dedupe.THRESHOLD for c in paired(base_k, kinds[kind], k)])
            for kind in ("new-lede", "house-style", "trim+lede+style")
        }
        cells = "  ".join(f"{kind}={r:.3f}" for kind, r in recall.items())
        print(f"k={k}: max different-story score {max(pairwise(base_k)):.3f}; recall {cells}")

    print("\n== the index (LSH candidates + exact verification) ==")
    started = time.perf_counter()
    copies = [(i + 1, t) for texts in kinds.values() for i, t in enumerate(texts) if long_enough(t)]
    counts = run_index(bodies, copies)
    print(
        f"benchmark: {len(bodies)} originals, {len(copies)} copies -> {counts} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    for kind, texts in kinds.items():
        kind_copies = [(i + 1, t) for i, t in enumerate(texts) if long_enough(t)]
        print(f"  {kind:16s} {run_index(bodies, kind_copies)}")
    if FIXTURES.is_dir():
        originals, fixture_copies = fixtures()
        print(
            f"fixtures:  {len(originals)} originals, {len(fixture_copies)} copies -> "
            f"{run_index(originals, fixture_copies)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

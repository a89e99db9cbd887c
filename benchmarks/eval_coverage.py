"""Score the judge on real coverage: hand-labelled articles of a story, run through the real
pipeline (``claimwatch ingest`` of each page into a fresh store), then compared with the labels.

    python benchmarks/eval_coverage.py benchmarks/coverage/pentagon-anthropic --split test
    python benchmarks/eval_coverage.py benchmarks/coverage/<slug> --split dev --errors

A story folder holds:
- ``labels*.json``: the labels (committed): for each article its id, URL, date, site, whether
  it is on the story, the syndicated original it copies, the non-unrelated stance of each
  claim (with the source it is attributed to), and the development events it reports;
- ``pages/NNN.txt``: the article texts (git-ignored, collected locally), each ``URL: ...``,
  ``DATE: YYYY-MM-DD``, a blank line, then the text;
- ``story.toml`` (optional): the story file; ``pentagon-anthropic`` uses the shipped
  ``config/stories/pentagon-anthropic.toml``.

Articles are split once, by a hash of their URL (a syndicated copy goes with its original),
into ``dev`` (about 60 %, for tuning) and ``test`` (about 40 %, held back). A labels file may
instead name its split for all its articles (``"split": "holdout"``, or ``"holdout2"`` to
``"holdout4"`` for the batches after it): a batch collected later and kept apart from every
change, scored only to report. ``"dev4"`` names a development batch no rule has met yet: scored
once as a first-contact check, then folded into ``dev`` by changing its split (as
``labels-dev4.json`` was, after session 6). Each split is ingested on its own,
in date order, so development clustering sees only that split.

Scores: confirmation and contradiction precision / recall / F1 over (article, claim) pairs,
counting what a reader sees as a flag (band ``flag``); flags on off-story articles (any
confirmation, contradiction or development); developments, two ways (below); syndicated
copies linked; and the attributed source's agreement with the label.

Developments are scored on the split's on-story articles. Pair-F1: pairs of articles put in
one development, against pairs sharing a labelled event. Articles carry several events each,
so most pairs share one: a single catch-all development scores well on pairs. Per event
(B-cubed over (article, event) memberships): precision averages, over each article put in
each development, the share of that development's members reporting an event the article
reports (its best one); recall averages, over each article labelled with each event, the
share of the event's articles that the article's best development holds. A catch-all
development has low precision for each of its members. Both measures are printed with two
trivial baselines, every article in one development and every article alone, on the split
that is run: a clustering is worth something only where it beats both.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TEST_SHARE = 4  # of 10 hash buckets
SPLITS = ("dev", "test", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "dev4")


@dataclass
class Labelled:
    id: str
    url: str
    date: str
    site: str
    on_story: bool
    syndicated_of: str | None
    labels: dict[str, dict[str, str]]
    developments: list[str]
    split: str = ""
    path: Path | None = None
    batch: str = ""  # the labels file it came from, e.g. "labels-dev3"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def load_labels(folder: Path) -> list[Labelled]:
    files = sorted(folder.glob("labels*.json"))
    if not files:
        raise SystemExit(f"no labels*.json in {folder}")
    out: dict[str, Labelled] = {}
    named: dict[str, str] = {}
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        file_split = data.get("split")
        if file_split is not None and file_split not in SPLITS:
            raise SystemExit(f"{f}: split {file_split!r} is not one of {', '.join(SPLITS)}")
        for a in data["articles"]:
            item = Labelled(
                id=a["id"], url=a["url"], date=a["date"], site=a.get("site", ""),
                on_story=bool(a.get("on_story", True)), syndicated_of=a.get("syndicated_of"),
                labels=a.get("labels", {}), developments=list(a.get("developments", [])),
                batch=f.stem,
            )
            if item.id in out:
                raise SystemExit(f"{f}: article id {item.id} labelled twice")
            out[item.id] = item
            if file_split:
                named[item.id] = file_split
    by_id = out
    for item in by_id.values():
        root = item
        seen = set()
        while root.syndicated_of and root.syndicated_of in by_id and root.id not in seen:
            seen.add(root.id)
            root = by_id[root.syndicated_of]
        bucket = int(hashlib.sha1(root.url.encode()).hexdigest()[:8], 16) % 10
        item.split = named.get(root.id) or ("test" if bucket < TEST_SHARE else "dev")
        item.path = folder / "pages" / f"{item.id}.txt"
    return sorted(by_id.values(), key=lambda a: (a.date, a.id))


_UNNAMED_OFFICIAL = re.compile(r"\b(?:officials?|authorities|sources?)\b")


def same_source(want: str, got: str) -> bool:
    """Whether the source the pipeline recorded is the one the label names. "own voice" is no
    source at all; an unnamed official, "officials", "authorities" and "official sources" are
    one kind; otherwise one name holds the other ("Wall Street Journal" and "The Wall Street
    Journal", "police" and "Hong Kong police")."""
    want = re.sub(r"^the\s+", "", want.strip().lower())
    got = re.sub(r"^the\s+", "", got.strip().lower())
    if want == "own voice":
        return got in ("", "own voice")
    if not got or got == "own voice":
        return False
    if want in got or got in want:
        return True
    return bool(_UNNAMED_OFFICIAL.search(want) and _UNNAMED_OFFICIAL.search(got))


def story_file(folder: Path) -> Path:
    own = folder / "story.toml"
    if own.exists():
        return own
    shipped = REPO / "config" / "stories" / f"{folder.name}.toml"
    if shipped.exists():
        return shipped
    raise SystemExit(f"no story.toml in {folder} and no shipped story {folder.name}")


def run_pipeline(articles: list[Labelled], story: Path, workdir: Path) -> dict[str, object]:
    """Ingest every article (in date order) into a fresh store; return what was stored."""
    from pipeline.config import load_config
    from pipeline.orchestration.app import App

    config_path = workdir / "claimwatch.toml"
    config_path.write_text(
        f'stories = ["{story.resolve().as_posix()}"]\n'
        f'[storage]\ndatabase = "{(workdir / "eval.db").as_posix()}"\n'
        f'digests = "{(workdir / "digests").as_posix()}"\n',
        encoding="utf-8",
    )
    config = load_config(config_path)
    started = time.perf_counter()
    with App(config) as app:
        for a in articles:
            assert a.path is not None
            app.ingest(str(a.path))
    elapsed = time.perf_counter() - started
    db = sqlite3.connect(workdir / "eval.db")
    db.row_factory = sqlite3.Row
    ids = {r["url"]: r["id"] for r in db.execute("SELECT id, url FROM articles")}
    roots = {r["id"]: r["root"] for r in db.execute(
        "SELECT id, coalesce(duplicate_of, id) AS root FROM articles")}
    matches = {
        (r["article_id"], r["key"]): dict(r)
        for r in db.execute(
            "SELECT m.*, c.key FROM matches m JOIN claims c ON c.id = m.claim_id")
    }
    match_cols = {r[1] for r in db.execute("PRAGMA table_info(matches)")}
    devs: dict[int, set[int]] = {}
    dev_evidence: dict[tuple[int, int], str] = {}
    for r in db.execute(
        "SELECT ad.article_id, ad.development_id, ad.evidence FROM article_developments ad "
        "JOIN developments d ON d.id = ad.development_id"
    ):
        devs.setdefault(r["article_id"], set()).add(r["development_id"])
        dev_evidence[(r["article_id"], r["development_id"])] = r["evidence"] or ""
    summaries = {r["id"]: r["summary"] for r in db.execute("SELECT id, summary FROM developments")}
    db.close()
    return {"ids": ids, "roots": roots, "matches": matches, "devs": devs, "seconds": elapsed,
            "summaries": summaries, "dev_evidence": dev_evidence,
            "has_source": "source" in match_cols}


def score(articles: list[Labelled], stored: dict, claim_keys: list[str]) -> dict[str, object]:
    from pipeline.fetching.urls import canonicalize

    ids: dict[str, int] = stored["ids"]  # type: ignore[assignment]
    matches: dict = stored["matches"]  # type: ignore[assignment]
    devs: dict[int, set[int]] = stored["devs"]  # type: ignore[assignment]
    roots: dict[int, int] = stored["roots"]  # type: ignore[assignment]
    stance_counts = {"confirms": Counts(), "contradicts": Counts()}
    review = {"confirms": Counts(), "contradicts": Counts()}
    off_story_flags: list[str] = []
    source_agree = source_total = 0
    article_id: dict[str, int] = {}
    for a in articles:
        aid = ids.get(canonicalize(a.url))
        if aid is None:
            raise SystemExit(f"article {a.id} ({a.url}) was not stored")
        article_id[a.id] = aid
        for key in claim_keys:
            gold = a.labels.get(key, {}).get("stance", "unrelated") if a.on_story else "unrelated"
            m = matches.get((aid, key))
            flagged = m["stance"] if m and m["band"] == "flag" else None
            seen = m["stance"] if m and m["band"] in ("flag", "review") else None
            if not a.on_story and flagged in ("confirms", "contradicts"):
                off_story_flags.append(f"{a.id} {key} {flagged}")
            tag = f"{a.id} {key}: gold={gold} got={m['stance'] + '/' + m['band'] if m else '-'}"
            if m and m.get("evidence"):
                tag += f"\n      evidence: {m['evidence'][:220]}"
            for stance, counts in stance_counts.items():
                if gold == stance and flagged == stance:
                    counts.tp += 1
                elif gold == stance:
                    counts.fn += 1
                    counts.misses.append(tag)
                elif flagged == stance:
                    counts.fp += 1
                    counts.false.append(tag)
            for stance, counts in review.items():
                if gold == stance and seen == stance:
                    counts.tp += 1
                elif gold == stance:
                    counts.fn += 1
                elif seen == stance:
                    counts.fp += 1
            want = a.labels.get(key, {}).get("source", "")
            if (gold in ("confirms", "contradicts") and flagged == gold and m
                    and stored.get("has_source") and want):
                source_total += 1
                source_agree += same_source(want, str(m.get("source") or ""))
        if not a.on_story and devs.get(aid):
            off_story_flags.append(f"{a.id} development")
    # Developments: on-story articles of this split only.
    on = [a for a in articles if a.on_story]
    gold_events = {a.id: set(a.developments) for a in on}
    predicted = {a.id: set(devs.get(article_id[a.id], set())) for a in on}
    pairs = pair_scores(gold_events, predicted)
    events = event_scores(gold_events, predicted)
    baselines = {name: (pair_scores(gold_events, clusters), event_scores(gold_events, clusters))
                 for name, clusters in trivial_clusterings(gold_events).items()}
    # Syndicated copies.
    by_id = {a.id: a for a in articles}
    syn_total = syn_linked = 0
    for a in articles:
        if a.syndicated_of and a.syndicated_of in by_id:
            syn_total += 1
            if roots[article_id[a.id]] == roots[article_id[a.syndicated_of]]:
                syn_linked += 1
    wrong_links = sum(
        1 for x, y in itertools.combinations(articles, 2)
        if roots[article_id[x.id]] == roots[article_id[y.id]]
        and not _same_wire(x, y, by_id)
    )
    return {
        "stances": stance_counts,
        "review": review,
        "off_story_flags": off_story_flags,
        "dev": pairs,
        "dev_events": events,
        "dev_baselines": baselines,
        "syndication": (syn_linked, syn_total, wrong_links),
        "sources": (source_agree, source_total),
    }


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    gold: int  # labelled pairs, or labelled (article, event) memberships
    predicted: int  # predicted pairs, or predicted (article, development) memberships


def _scores(p: float, r: float, gold: int, predicted: int) -> Scores:
    return Scores(p, r, 2 * p * r / (p + r) if p + r else 0.0, gold, predicted)


def pair_scores(gold: dict[str, set[str]], predicted: dict[str, set[object]]) -> Scores:
    """Pair-F1: pairs of articles put in one development, against pairs that share a
    labelled event. ``gold`` maps each article to its events, ``predicted`` to its clusters."""
    ids = sorted(gold)
    gold_pairs = {(x, y) for x, y in itertools.combinations(ids, 2) if gold[x] & gold[y]}
    pred_pairs = {(x, y) for x, y in itertools.combinations(ids, 2)
                  if predicted.get(x, set()) & predicted.get(y, set())}
    tp = len(gold_pairs & pred_pairs)
    return _scores(tp / len(pred_pairs) if pred_pairs else 0.0,
                   tp / len(gold_pairs) if gold_pairs else 0.0,
                   len(gold_pairs), len(pred_pairs))


def event_scores(gold: dict[str, set[str]], predicted: dict[str, set[object]]) -> Scores:
    """B-cubed over (article, event) memberships: per event, not per pair.

    Precision: each predicted membership (article a in development C) scores the share of
    C's members that report an event a reports, its best such event: |C & E| / |C|. An
    article in no labelled event scores 0 for each development it is put in. A catch-all
    development of n articles scores about (largest event it holds) / n for every member.
    Recall: each labelled membership (a reports event E) scores the share of E's articles
    that a's best development holds: |C & E| / |E|, 0 when a is in no development.
    Both are averaged over memberships; F1 is their harmonic mean."""
    event_members: dict[str, set[str]] = {}
    for article, events in gold.items():
        for event in events:
            event_members.setdefault(event, set()).add(article)
    cluster_members: dict[object, set[str]] = {}
    for article, clusters in predicted.items():
        if article in gold:
            for cluster in clusters:
                cluster_members.setdefault(cluster, set()).add(article)
    precisions = [
        max((len(members & event_members[e]) / len(members) for e in gold[a]), default=0.0)
        for c, members in cluster_members.items() for a in members
    ]
    recalls = [
        max((len(cluster_members[c] & members) / len(members)
             for c in predicted.get(a, set())), default=0.0)
        for e, members in event_members.items() for a in members
    ]
    return _scores(sum(precisions) / len(precisions) if precisions else 0.0,
                   sum(recalls) / len(recalls) if recalls else 0.0,
                   len(recalls), len(precisions))


def trivial_clusterings(gold: dict[str, set[str]]) -> dict[str, dict[str, set[object]]]:
    """The two clusterings any measure must rank below a useful one: every article in one
    development, and every article alone in its own."""
    return {"one cluster": {a: {0} for a in gold},
            "each alone": {a: {a} for a in gold}}


def cluster_lines(articles: list[Labelled], stored: dict) -> list[str]:
    """What the pipeline clustered, for reading its errors: each development with its
    articles (their labelled events, the sentence filed), then each labelled event held by
    more than one development or by none. Off-story articles are marked ``OFF``."""
    from pipeline.fetching.urls import canonicalize

    ids: dict[str, int] = stored["ids"]
    devs: dict[int, set[int]] = stored["devs"]
    evidence: dict[tuple[int, int], str] = stored.get("dev_evidence", {})
    by_store = {ids[canonicalize(a.url)]: a for a in articles if canonicalize(a.url) in ids}
    members: dict[int, list[int]] = {}
    for aid in sorted(by_store):
        for dev in sorted(devs.get(aid, set())):
            members.setdefault(dev, []).append(aid)
    lines: list[str] = []
    for dev, aids in sorted(members.items()):
        lines.append(f"D{dev} ({len(aids)} articles)")
        for aid in aids:
            a = by_store[aid]
            events = ",".join(sorted(a.developments)) if a.on_story else "OFF"
            lines.append(f"    {a.id} [{events or '-'}] {evidence.get((aid, dev), '')[:160]}")
    held: dict[str, dict[str, set[int]]] = {}
    for aid, a in by_store.items():
        for event in a.developments if a.on_story else ():
            held.setdefault(event, {})[a.id] = devs.get(aid, set())
    split = []
    for event, where in sorted(held.items()):
        found = {d for ds in where.values() for d in ds}
        if len(where) > 1 and len(found) != 1:
            parts = " ".join(f"{a}:{','.join(f'D{d}' for d in sorted(ds)) or '-'}"
                             for a, ds in sorted(where.items()))
            split.append(f"    {event}: {parts}")
    if split:
        lines.append("events not held by one development:")
        lines.extend(split)
    return lines


def _same_wire(x: Labelled, y: Labelled, by_id: dict[str, Labelled]) -> bool:
    def root(a: Labelled) -> str:
        while a.syndicated_of and a.syndicated_of in by_id:
            a = by_id[a.syndicated_of]
        return a.id
    return root(x) == root(y)


def main(argv: list[str] | None = None) -> int:
    doc = (__doc__ or "").split("\n\n")
    parser = argparse.ArgumentParser(description=doc[0], epilog="\n\n".join(doc[-2:]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a story folder under benchmarks/coverage/")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="dev")
    parser.add_argument("--batch", metavar="FILE",
                        help="only the split's articles from this labels file (e.g. labels-dev3), "
                             "ingested alone: a batch of about 30 articles over months, the size "
                             "a held-back batch or a new user's first weeks have")
    parser.add_argument("--errors", action="store_true", help="list every miss and false flag")
    parser.add_argument("--clusters", action="store_true",
                        help="print each development with its articles and their labelled events")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)

    from pipeline.config import load_story

    folder = args.folder
    articles = load_labels(folder)
    chosen = [a for a in articles if args.split == "all" or a.split == args.split]
    if args.batch:
        batches = sorted({a.batch for a in articles})
        if args.batch not in batches:
            raise SystemExit(f"no labels file {args.batch!r} in {folder}: {', '.join(batches)}")
        chosen = [a for a in chosen if a.batch == args.batch]
        if not chosen:
            raise SystemExit(f"{args.batch} has no article in split {args.split}")
    missing = [a.id for a in chosen if a.path is None or not a.path.exists()]
    if missing:
        raise SystemExit(
            f"{len(missing)} page files missing in {folder / 'pages'} (e.g. {missing[:3]}): "
            "the texts are collected locally and never committed; see the story folder's README"
        )
    story_path = story_file(folder)
    story = load_story(story_path)
    claim_keys = [c.key for c in story.claims]
    with tempfile.TemporaryDirectory() as tmp:
        stored = run_pipeline(chosen, story_path, Path(tmp))
    result = score(chosen, stored, claim_keys)

    on = sum(a.on_story for a in chosen)
    sites = len({a.site for a in chosen})
    label = f"{args.split}, {args.batch}" if args.batch else args.split
    print(f"{folder.name} [{label}]: {len(chosen)} articles ({on} on-story, "
          f"{len(chosen) - on} off-story) from {sites} sites; "
          f"{stored['seconds']:.1f} s through the pipeline")
    figures: dict[str, object] = {"story": folder.name, "split": args.split, "batch": args.batch,
                                  "articles": len(chosen), "sites": sites}
    for stance, counts in result["stances"].items():  # type: ignore[union-attr]
        p, r, f = counts.prf()
        rp, rr, rf = result["review"][stance].prf()  # type: ignore[index]
        print(f"  {stance:<12} flags P {p:.2f} R {r:.2f} F1 {f:.2f}  "
              f"(tp {counts.tp}, fp {counts.fp}, fn {counts.fn}; "
              f"with needs-review: F1 {rf:.2f})")
        figures[stance] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
                           "tp": counts.tp, "fp": counts.fp, "fn": counts.fn,
                           "f1_with_review": round(rf, 3)}
    pairs: Scores = result["dev"]  # type: ignore[assignment]
    events: Scores = result["dev_events"]  # type: ignore[assignment]
    print(f"  developments pair P {pairs.precision:.2f} R {pairs.recall:.2f} F1 {pairs.f1:.2f} "
          f"({pairs.gold} labelled pairs, {pairs.predicted} predicted)")
    print(f"  developments per event (B-cubed) P {events.precision:.2f} R {events.recall:.2f} "
          f"F1 {events.f1:.2f} ({events.gold} labelled memberships, {events.predicted} "
          f"predicted)")
    baselines: dict[str, tuple[Scores, Scores]] = result["dev_baselines"]  # type: ignore[assignment]
    for name, (bp, be) in baselines.items():
        print(f"    baseline {name:<11}: pair P {bp.precision:.2f} R {bp.recall:.2f} "
              f"F1 {bp.f1:.2f}; per event P {be.precision:.2f} R {be.recall:.2f} F1 {be.f1:.2f}")
    off = result["off_story_flags"]
    print(f"  flags on off-story articles: {len(off)} {off if off else ''}")
    linked, total, wrong = result["syndication"]  # type: ignore[misc]
    print(f"  syndicated copies linked: {linked} of {total}; wrong links: {wrong}")
    agree, seen = result["sources"]  # type: ignore[misc]
    if seen:
        print(f"  attributed source agrees with the label on {agree} of {seen} true flags "
              "(own voice included)")
    def rounded(x: Scores) -> dict[str, float]:
        return {"precision": round(x.precision, 3), "recall": round(x.recall, 3),
                "f1": round(x.f1, 3)}

    figures.update(developments=rounded(pairs), developments_per_event=rounded(events),
                   development_baselines={
                       name: {"pairs": rounded(bp), "per_event": rounded(be)}
                       for name, (bp, be) in baselines.items()},
                   off_story_flags=len(off), syndicated=[linked, total], wrong_links=wrong,
                   sources=[agree, seen])
    if args.errors:
        for stance, counts in result["stances"].items():  # type: ignore[union-attr]
            print(f"\n--- {stance}: missed ({len(counts.misses)})")
            print("\n".join(counts.misses))
            print(f"\n--- {stance}: false flags ({len(counts.false)})")
            print("\n".join(counts.false))
    if args.clusters:
        print("\n--- developments")
        print("\n".join(cluster_lines(chosen, stored)))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

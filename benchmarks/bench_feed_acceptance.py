"""How many readable feeds claimwatch rejects, on a mixed corpus of ill-formed feeds.

The corpus is generated (``tests/feed_faults.py``): half well-formed RSS, half one fault class
each that feedparser reads (undefined HTML entities in RSS/Atom/RDF, stray ampersands, raw
HTML, unclosed and truncated documents, wrong or missing declared encodings, UTF-16, BOMs,
undeclared namespace prefixes, control characters, RSS 0.91 with its DTD, a channel without an
rss root, entries without links, a channel without entries), 1-12 entries each. Every document
is first checked to be readable by feedparser itself; claimwatch's ``parse_feed`` must then
read it with all its entries. As a control, the real news pages of the extraction benchmark
(../shared) must all still be refused as "not a feed".

Usage:
    python benchmarks/bench_feed_acceptance.py [--feeds 2000] [--seed 8]

Prints the rejection rate (target <= 1%), the entry-count mismatches, per fault class, and the
share of HTML pages wrongly accepted (target 0).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import io
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BENCH = REPO.parent / "shared" / "data" / "article-extraction-benchmark" / "html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    import feedparser

    from pipeline.errors import ParseError
    from pipeline.fetching.feeds import parse_feed
    from tests.feed_faults import corpus

    feeds = corpus(args.feeds, seed=args.seed)
    readable = []
    for f in feeds:
        fp = feedparser.parse(io.BytesIO(f.body), response_headers=f.headers)
        if fp.get("version") or fp.feed.get("title") or fp.entries:
            readable.append(f)
    rejected: collections.Counter[str] = collections.Counter()
    short: collections.Counter[str] = collections.Counter()
    per_class: collections.Counter[str] = collections.Counter()
    start = time.perf_counter()
    for f in readable:
        per_class[f.fault] += 1
        try:
            parsed = parse_feed(f.body, f.headers, "https://f.example/feed")
        except ParseError:
            rejected[f.fault] += 1
            continue
        if len(parsed.entries) < f.entries:
            short[f.fault] += 1
    took = time.perf_counter() - start
    n = len(readable)
    print(f"corpus: {len(feeds)} feeds generated, {n} readable by feedparser "
          f"({len(per_class) - 1} fault classes + clean), parsed in {took:.1f}s")
    print(f"rejected: {sum(rejected.values())} = {100 * sum(rejected.values()) / n:.2f}% "
          f"(target <= 1%)")
    print(f"read with fewer entries than feedparser: {sum(short.values())} = "
          f"{100 * sum(short.values()) / n:.2f}%")
    for fault in sorted(per_class):
        if rejected[fault] or short[fault]:
            print(f"  {fault}: {rejected[fault]} rejected, {short[fault]} short "
                  f"of {per_class[fault]}")

    pages = sorted(BENCH.glob("*.html.gz"))
    if pages:
        accepted = 0
        for page in pages:
            try:
                parse_feed(gzip.decompress(page.read_bytes()), {"content-type": "text/html"},
                           "https://f.example/feed")
                accepted += 1
            except ParseError:
                pass
        print(f"control: {accepted} of {len(pages)} real HTML news pages accepted as a feed "
              f"(target 0)")
    else:
        print(f"control skipped: {BENCH} is absent")


if __name__ == "__main__":
    main()

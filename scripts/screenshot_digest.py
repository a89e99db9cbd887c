#!/usr/bin/env python3
"""Render the HTML digest for five kinds of day and screenshot each in headless Chromium, so a
person can look at what a reader gets: a normal day, very long titles, hostile titles, an
empty day, and a day with 200 flags.

    .venv/bin/python scripts/screenshot_digest.py [--out storage/screenshots] [--chromium PATH]

Needs Debian's `chromium` (apt-get install -y chromium). Chromium runs with a fresh profile,
no sandbox (we are root in a container), and its background networking off; the pages make
no request (the script checks: no src=, no url(), no script), so nothing leaves the machine.
Exit 0 when every page rendered to a PNG; the PNGs and HTML files are left in --out.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.clock import iso  # noqa: E402 (after the path set-up)
from pipeline.config import load_story  # noqa: E402
from pipeline.outputs.digest import build_digest, render_html  # noqa: E402
from pipeline.store import NewArticle, NewMatch, PollRecord, Store  # noqa: E402

DAY = date(2026, 3, 2)
STORY_FILE = ROOT / "config" / "stories" / "pentagon-anthropic.toml"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--no-default-browser-check", "--hide-scrollbars", "--force-device-scale-factor=1",
]
HOSTILE = ('<script>alert(1)</script><img src=x onerror=alert(2)> '
           '"><svg onload=alert(3)> \u202eOVERRIDE [x](javascript:alert(4)) &amp;&lt; @everyone')
LONG = (("Pentagon-Anthropic-contract-dispute-" * 6) + "X" * 150
        + " and a long headline that keeps going" * 6)


class Builder:
    """A store for one scenario, with the default story's claims."""

    def __init__(self, path: Path):
        self.store = Store.open(path)
        story = load_story(STORY_FILE)
        self.story = self.store.sync_stories([story], now="2026-02-16T00:00:00Z")[0]
        self.claims = {c.key: c.id for c in self.story.claims if c.id is not None}
        self.n = 0

    def article(self, when: datetime, *, title: str, site: str, url: str | None = None) -> int:
        self.n += 1
        with self.store.transaction():
            return self.store.insert_article(NewArticle(
                url=url or f"https://{site}/news/{self.n}", title=title, site=site,
                fetched_at=iso(when), text="t", content_hash=f"h{self.n}"))

    def match(self, article: int, key: str, stance: str, evidence: str, *, band: str = "flag",
              score: float = 0.93) -> None:
        with self.store.transaction():
            self.store.insert_match(NewMatch(article_id=article, claim_id=self.claims[key],
                                             stance=stance, score=score, band=band,
                                             evidence=evidence, created_at="x"))

    def development(self, article: int, sentence: str, when: datetime) -> None:
        with self.store.transaction():
            self.store.add_development_evidence(
                story=self.story.slug, development_id=None, summary=sentence,
                article_id=article, evidence=sentence, score=0.8,
                now=iso(when))

    def failing_feed(self, name: str, error: str) -> None:
        from pipeline.config import FeedConfig

        self.store.sync_feeds([FeedConfig(name=name, url=f"https://{name}.example/feed")],
                              now="2026-03-02T00:00:00Z")
        feed = self.store.feed_by_name(name)
        assert feed is not None
        self.store.update_feed(feed.id, {"consecutive_errors": 4, "last_error": error,
                                         "last_error_at": "2026-03-02T06:00:00Z",
                                         "next_poll_at": "2026-03-02T10:00:00Z"},
                               PollRecord(started_at="2026-03-02T06:00:00Z", outcome="error"))


def at(days_before: int, hour: int = 9) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, tzinfo=UTC) - timedelta(days=days_before)


def normal_day(b: Builder, *, title: str = "", site: str = "") -> None:
    t = title or "Pentagon's Anthropic contract smaller than reported, records show"
    s = site or "capitol-ledger.example"
    history = [(14, "contract-value", "confirms"), (12, "contract-value", "confirms"),
               (9, "contract-value", "contradicts"), (6, "contract-value", "confirms"),
               (11, "first-on-classified-networks", "confirms"), (4, "first-on-classified-networks",
                                                          "confirms")]
    for days, key, stance in history:
        a = b.article(at(days), title=f"Earlier report {days}", site=f"wire{days}.example")
        b.match(a, key, stance, "The contract is worth about $200 million, officials said.")
    a = b.article(at(0, 8), title=t, site=s)
    b.match(a, "contract-value", "contradicts",
            "The contract is worth about $120 million, according to federal records, well "
            "below the $200 million figure widely reported.")
    a2 = b.article(at(0, 10), title=title or "Claude was first on classified networks",
                   site=site or "defense-daily.example")
    b.match(a2, "first-on-classified-networks", "confirms",
            "Claude was the first AI model cleared for use on classified networks.")
    b.match(a2, "contract-value", "confirms", "The deal is worth roughly $200 million.",
            band="review", score=0.55)
    b.development(a2, "Anthropic said on Monday it had hired outside counsel to prepare a "
                      "challenge to the designation.", at(0, 10))
    b.failing_feed("slow-wire", "timeout: the fetch passed its 45 s deadline")


def long_titles(b: Builder) -> None:
    normal_day(b, title=LONG, site="a-very-long-subdomain-name-for-testing-layout." * 3
               + "example")


def hostile_titles(b: Builder) -> None:
    normal_day(b, title=HOSTILE, site=HOSTILE)
    a = b.article(at(0, 11), title=HOSTILE, site="evil.example", url="javascript:alert(5)")
    b.match(a, "contract-value", "contradicts", HOSTILE + " worth $450 million")
    b.development(a, HOSTILE + " new lawsuit filed", at(0, 11))


def empty_day(b: Builder) -> None:
    a = b.article(at(5), title="Old news", site="old.example")
    b.match(a, "contract-value", "confirms", "It is worth $200 million.")


def two_hundred_flags(b: Builder) -> None:
    keys = list(b.claims)
    for i in range(200):
        a = b.article(at(i % 10, 8 + i % 12), title=f"Report number {i} on the Pentagon and "
                      f"Anthropic", site=f"site{i % 37}.example")
        stance = "contradicts" if i % 7 == 0 else "confirms"
        b.match(a, keys[i % len(keys)], stance, f"Sentence {i}: the contract is worth about "
                                                f"${200 + (i % 7 == 0) * 250} million.")
    for i in range(200):
        a = b.article(at(0, 8 + i % 12), title=f"Today's report {i}", site=f"t{i % 41}.example")
        b.match(a, keys[i % len(keys)], "contradicts" if i % 9 == 0 else "confirms",
                f"Today's sentence {i} about the claim.")


SCENARIOS = {
    "normal-day": (normal_day, 1800),
    "long-titles": (long_titles, 1800),
    "hostile-titles": (hostile_titles, 1800),
    "empty-day": (empty_day, 700),
    "200-flags": (two_hundred_flags, 4000),
}
def requests_made(page: str) -> list[str]:
    """What in the parsed page would make the browser fetch something (or run code)."""
    import lxml.html

    tree = lxml.html.document_fromstring(page)
    found = [f"<{el.tag}>" for el in tree.iter("script", "link", "iframe", "img", "object",
                                               "embed", "video", "audio", "source")]
    found += [f"{el.tag}@{attr}" for el in tree.iter() if isinstance(el.tag, str)
              for attr in el.attrib if attr in ("src", "srcset", "poster", "background")
              or attr.startswith("on")]
    found += ["url() in a style" for el in tree.iter("style") if "url(" in (el.text or "")]
    return found


def find_chromium(explicit: str | None) -> str:
    for name in ([explicit] if explicit else []) + ["chromium", "chromium-browser"]:
        path = shutil.which(name) if name else None
        if path:
            return path
    sys.exit("screenshot_digest: no chromium; install it with `apt-get install -y chromium`")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "storage" / "screenshots")
    parser.add_argument("--chromium")
    parser.add_argument("--width", type=int, default=1000)
    args = parser.parse_args(argv)
    chromium = find_chromium(args.chromium)
    args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, (fill, height) in SCENARIOS.items():
            builder = Builder(Path(tmp) / f"{name}.db")
            fill(builder)
            digest = build_digest(builder.store, DAY, "UTC", now=at(-1, 7))
            builder.store.close()
            page = render_html(digest)
            requesting = requests_made(page)
            if requesting:
                print(f"{name}: the page would make a request or run code: {requesting}")
                failures += 1
            html_path = args.out / f"{name}.html"
            html_path.write_text(page, encoding="utf-8")
            png = args.out / f"{name}.png"
            png.unlink(missing_ok=True)
            profile = Path(tmp) / f"profile-{name}"
            cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                   f"--window-size={args.width},{height}", f"--screenshot={png}",
                   html_path.resolve().as_uri()]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            ok = png.is_file() and png.stat().st_size > 1000
            failures += not ok
            print(f"{name}: {'ok' if ok else 'FAILED'} {png} ({len(digest.timelines)} "
                  f"timelines, {len(digest.contradictions)} contradictions, "
                  f"{sum(len(g.items) for g in digest.confirmations)} confirmations)")
            if not ok:
                print(proc.stderr[-2000:])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

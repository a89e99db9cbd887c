"""A local news site for end-to-end tests: story articles written for the project, real pages
from the extraction benchmark (when ../shared is there), and a set of hostile feeds."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from tests.localserver import LocalServer

REPO = Path(__file__).resolve().parent.parent
STORY = REPO / "tests" / "data" / "story"
BENCHMARK = REPO.parent / "shared" / "data" / "article-extraction-benchmark"


def rss(items: list[tuple[str, str]], title: str = "Test feed") -> bytes:
    """``items``: (title, link). pubDates count back from 1 March 2026."""
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    parts = [f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
             f"<title>{escape(title)}</title>"]
    for i, (t, link) in enumerate(items):
        when = format_datetime(start - timedelta(hours=i), usegmt=True)
        parts.append(f"<item><title>{escape(t)}</title><link>{escape(link)}</link>"
                     f"<guid>{escape(link)}</guid><pubDate>{when}</pubDate>"
                     f"<description>{escape(t)}</description></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def benchmark_pages(n: int) -> list[tuple[str, bytes]]:
    """The first ``n`` benchmark pages (id, html bytes), or [] without ../shared."""
    html_dir = BENCHMARK / "html"
    if not html_dir.is_dir():
        return []
    return [(p.name.split(".")[0], gzip.decompress(p.read_bytes()))
            for p in sorted(html_dir.glob("*.html.gz"))[:n]]


@dataclass
class Site:
    server: LocalServer
    feeds: dict[str, str] = field(default_factory=dict)  # name -> url
    story_urls: dict[str, str] = field(default_factory=dict)  # fixture file -> url
    benchmark_urls: list[str] = field(default_factory=list)
    manifest: list[dict] = field(default_factory=list)

    def config(self, tmp_path: Path, **network: object) -> Path:
        """A config on this site: the seed story, these feeds, loopback allowed."""
        net: dict[str, object] = {"allow_private_addresses": True, "min_host_interval": 0.0,
               "total_timeout": 3.0, "read_timeout": 2.0, "connect_timeout": 2.0,
               "max_page_bytes": 1_048_576, "parse_timeout": 20.0, "extract_timeout": 30.0}
        net.update(network)
        lines = [f'stories = ["{REPO / "config" / "stories" / "pentagon-anthropic.toml"}"]',
                 "[storage]", f'database = "{tmp_path / "store.db"}"',
                 f'digests = "{tmp_path / "digests"}"', "[schedule]", "check_seconds = 1",
                 "[network]"]
        lines += [f"{k} = {json.dumps(v)}" for k, v in net.items()]
        for name, url in self.feeds.items():
            lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', "interval_minutes = 30"]
        path = tmp_path / "claimwatch.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


def build_site(server: LocalServer, *, benchmark: int = 6, hostile: bool = True,
               page_delay: float = 0.0) -> Site:
    site = Site(server=server)
    site.manifest = json.loads((STORY / "manifest.json").read_text(encoding="utf-8"))
    for item in site.manifest:
        path = f"/articles/{item['file']}"
        ctype = ("text/html; charset=iso-8859-1" if item.get("encoding", "utf-8") != "utf-8"
                 else "text/html; charset=utf-8")
        server.route(path, body=(STORY / item["file"]).read_bytes(), content_type=ctype,
                     delay=page_delay)
        site.story_urls[item["file"]] = server.url(path)
    story_items = [(i["title"], site.story_urls[i["file"]]) for i in site.manifest]
    server.route("/story.xml", body=rss(story_items, "Story wire"),
                 content_type="application/rss+xml")
    site.feeds["story"] = server.url("/story.xml")

    pages = benchmark_pages(benchmark)
    for page_id, html in pages:
        path = f"/bench/{page_id}.html"
        server.route(path, body=html, delay=page_delay)
        site.benchmark_urls.append(server.url(path))
    if pages:
        server.route("/bench.xml", body=rss([(f"Page {i}", u) for i, u in
                                             enumerate(site.benchmark_urls)], "Benchmark"),
                     content_type="application/rss+xml")
        site.feeds["bench"] = server.url("/bench.xml")

    if hostile:
        server.route("/malformed.xml", body=b"<rss version='2.0'><channel><item><title>x",
                     content_type="application/rss+xml")
        server.route("/html-feed.xml", body=b"<html><body><h1>Please log in</h1></body></html>")
        server.route("/missing.xml", status=404, body=b"not here")
        server.route("/gone.xml", status=410, body=b"gone")
        server.route("/throttled.xml", status=429, headers={"Retry-After": "120"})
        server.route("/loop.xml", status=302, headers={"Location": "/loop.xml"})
        server.route("/slow.xml", body=b"x" * 400, drip=(10, 0.5),
                     content_type="application/rss+xml")
        big = (b"<html><body><article>" + b"<p>filler text</p>" * 200_000
               + b"</article></body></html>")
        server.route("/articles/huge.html", body=big)
        server.route("/articles/dead.html", status=404, body=b"no such article")
        server.route("/hostile-articles.xml", body=rss([
            ("Huge page", server.url("/articles/huge.html")),
            ("Dead link", server.url("/articles/dead.html")),
        ], "Hostile articles"), content_type="application/rss+xml")
        for name in ("malformed", "html-feed", "missing", "gone", "throttled", "loop", "slow",
                     "hostile-articles"):
            site.feeds[name] = server.url(f"/{name}.xml")
    return site

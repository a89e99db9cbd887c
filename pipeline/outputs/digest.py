"""The daily digest: what the pipeline found on one day, most important first.

Order: contradictions (the story may be wrong), new developments (the story moved on),
confirmations grouped by claim with the number of independent sites, claims that need a person's
review, then feed-health problems. Rendered as Markdown, HTML (autoescaped Jinja2: every title
comes from untrusted feeds and pages; only http/https links are ever made clickable) and JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from ..clock import iso
from ..fetching.urls import is_http_url
from ..store import FlagRow, Store
from .timeline import Timeline, build_timelines, svg, text_strip

# The digest is read in a few minutes: the review queue shows its strongest items, and says
# how many more wait in Datasette.
REVIEW_LIMIT = 10

# C0/C1 controls (but tab and newline) and the bidi embeddings, overrides and isolates: a title
# with U+202E would otherwise turn the rest of its line (the site, the confidence) backwards.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _finalize(value: Any) -> Any:
    """Every value a template prints passes here: untrusted text loses its control and
    direction-override characters (markup we made, such as the SVG, is left alone)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _INVISIBLE.sub("", value)
    return value


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("pipeline", "templates"),
    autoescape=jinja2.select_autoescape(["html", "html.j2"], default_for_string=False),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    finalize=_finalize,
)


@dataclass(frozen=True)
class Link:
    title: str
    url: str | None  # None when the stored URL is not http/https: shown as text only
    site: str


@dataclass(frozen=True)
class FlagItem:
    claim_key: str
    claim_text: str
    story: str
    evidence: str
    score: float
    article: Link
    duplicate: bool
    source: str = ""  # whom the article attributes it to ("" its own voice)


@dataclass(frozen=True)
class ClaimGroup:
    claim_key: str
    claim_text: str
    story: str
    sites: int  # distinct independent sites: a syndicated group counts once
    items: tuple[FlagItem, ...]
    # Distinct sources: an outlet's report echoed by five sites is one source; a statement in
    # an article's own voice is its site's.
    sources: int = 0


@dataclass(frozen=True)
class DevelopmentItem:
    id: int
    story: str
    summary: str
    site_count: int
    article_count: int
    articles: tuple[Link, ...]


@dataclass(frozen=True)
class FeedProblem:
    name: str
    error: str
    consecutive_errors: int
    disabled_reason: str | None
    last_success_at: str | None
    next_poll_at: str | None


@dataclass(frozen=True)
class Digest:
    day: str
    timezone: str
    generated_at: str
    articles_seen: int
    contradictions: tuple[FlagItem, ...] = ()
    developments: tuple[DevelopmentItem, ...] = ()
    confirmations: tuple[ClaimGroup, ...] = ()
    reviews: tuple[FlagItem, ...] = ()
    feed_problems: tuple[FeedProblem, ...] = ()
    stories: dict[str, str] = field(default_factory=dict)
    newly_confirmed: tuple[ClaimGroup, ...] = ()  # claims whose first confirmation is today
    reviews_total: int = 0  # reviews holds the strongest REVIEW_LIMIT of these
    # Per claim confirmed or contradicted today: its flags per day over the story's days.
    timelines: tuple[Timeline, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.contradictions or self.developments or self.confirmations
                    or self.reviews)


def day_bounds(day: date, tz: str) -> tuple[str, str]:
    """The local day as a UTC [start, end) pair of ISO strings, as stored."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), zone).astimezone(ZoneInfo("UTC"))
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(ZoneInfo("UTC"))
    return iso(start), iso(end)


def _link(title: str | None, url: str | None, site: str | None) -> Link:
    return Link(title=(title or url or "untitled").strip(),
                url=url if url and is_http_url(url) else None, site=site or "")


def _flag(row: FlagRow) -> FlagItem:
    # A confirmation or contradiction: its claim key and text are set.
    return FlagItem(
        claim_key=row.claim_key or "",
        claim_text=row.claim_text or "",
        story=row.story,
        evidence=row.evidence or "",
        score=round(float(row.score or 0), 2),
        article=_link(row.article_title, row.article_url, row.site),
        duplicate=row.duplicate_of is not None,
        source=row.source or "",
    )


def build_digest(store: Store, day: date, tz: str, *, now: datetime) -> Digest:
    start, end = day_bounds(day, tz)
    contradictions = tuple(_flag(r) for r in store.day_flags("contradiction", start, end))
    groups: dict[tuple[str, str], list[FlagRow]] = {}
    for row in store.day_flags("confirmation", start, end):
        groups.setdefault((row.story, row.claim_key or ""), []).append(row)
    confirmations = []
    for (story, key), rows in groups.items():
        confirmations.append(
            ClaimGroup(
                claim_key=key,
                claim_text=rows[0].claim_text or "",
                story=story,
                # A syndicated copy counts as its original's site, as in the claim ledger.
                sites=len({r.independent_site for r in rows}),
                sources=len({(r.independent_source or "").lower() for r in rows}),
                items=tuple(_flag(r) for r in rows),
            )
        )
    confirmations.sort(key=lambda g: (-g.sites, g.claim_key))
    developments = []
    for dev in store.new_developments(start, end):
        articles = store.development_articles(dev.id)
        developments.append(
            DevelopmentItem(
                id=dev.id,
                story=dev.story,
                summary=dev.summary,
                site_count=dev.site_count,
                article_count=dev.article_count,
                articles=tuple(_link(a.title, a.url, a.site) for a in articles),
            )
        )
    review_rows = store.day_reviews(start, end)
    reviews = tuple(
        FlagItem(
            claim_key=r.claim_key,
            claim_text=r.claim_text,
            story=r.story,
            evidence=(("contradicts: " if r.stance == "contradicts" else "confirms: ")
                      + (r.evidence or "")),
            score=round(float(r.score or 0), 2),
            article=_link(r.article_title, r.article_url, r.site),
            duplicate=False,
        )
        for r in sorted(review_rows, key=lambda r: -float(r.score or 0))[:REVIEW_LIMIT]
    )
    problems = tuple(
        FeedProblem(
            name=p.name,
            error=p.last_error or "",
            consecutive_errors=p.consecutive_errors or 0,
            disabled_reason=p.disabled_reason,
            last_success_at=p.last_success_at,
            next_poll_at=p.next_poll_at,
        )
        for p in store.feed_problems()
    )
    story_rows = store.stories()
    stories = {r.slug: r.title for r in story_rows}
    touched = list(dict.fromkeys([(f.story, f.claim_key) for f in contradictions]
                                 + [(g.story, g.claim_key) for g in confirmations]))
    timelines = build_timelines(
        store.claim_flag_times(touched, end), touched, day=day, tz=tz,
        story_start={r.slug: _date_or_none(r.published) for r in story_rows},
    )
    newly = tuple(
        ClaimGroup(claim_key=r.claim_key, claim_text=r.claim_text, story=r.story,
                   sites=r.sites, items=())
        for r in store.claims_first_confirmed(start, end)
    )
    return Digest(
        day=day.isoformat(),
        timezone=tz,
        generated_at=iso(now),
        articles_seen=store.day_article_count(start, end),
        contradictions=contradictions,
        developments=tuple(developments),
        confirmations=tuple(confirmations),
        reviews=reviews,
        feed_problems=problems,
        stories=stories,
        newly_confirmed=newly,
        reviews_total=len(review_rows),
        timelines=timelines,
    )


def _date_or_none(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#|!])")


def md_escape(text: str) -> str:
    """Untrusted text inside Markdown: no links, images, HTML or emphasis can be injected."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(_INVISIBLE.sub("", str(text)).split()))


def md_link(link: Link) -> str:
    """A Markdown link to an http(s) URL whose every character outside RFC 3986 (and the
    brackets Markdown cares about) is percent-encoded: nothing in it can end the link or open
    an HTML tag."""
    title = md_escape(link.title)
    if link.url is None:
        return title
    url = quote(link.url, safe=_URL_SAFE)
    return f"[{title}](<{url}>)"


# RFC 3986 unreserved and reserved characters, plus "%", minus the ones Markdown reads.
_URL_SAFE = "-._~:/?#@!$&'*+,;=%"


# Kinds of source that read as they are after "citing": "citing police", "citing residents".
_BARE_KINDS = frozenset({"police", "media", "reports"})


def cited(source: str) -> str:
    """A recorded source as it reads after "citing": "an official", "the company", "police",
    "Axios". The store keeps the bare kind ("official", "company") for counting."""
    if source == "official":
        return "an official"
    if source == "reports":
        return "unnamed reports"
    last = source.split()[-1] if source.split() else ""
    if last.islower() and not last.endswith("s") and last not in _BARE_KINDS:
        return "the " + source  # "the company", "the AI company", "the department"
    return source


def render_markdown(digest: Digest) -> str:
    env = _TEMPLATES.overlay(autoescape=False)
    env.filters["cited"] = cited
    env.filters["md"] = md_escape
    env.filters["mdlink"] = md_link
    env.filters["strip"] = text_strip
    return env.get_template("digest.md.j2").render(d=digest)


def _svg(timeline: Timeline) -> Markup:
    # Made by ElementTree from numbers, dates and an escaped claim key: safe to inline.
    return Markup(svg(timeline))


def render_html(digest: Digest) -> str:
    env = _TEMPLATES.overlay()
    env.filters["cited"] = cited
    env.filters["svg"] = _svg
    return env.get_template("digest.html.j2").render(d=digest)


def render_json(digest: Digest) -> str:
    data = asdict(digest)
    data["empty"] = digest.empty
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"md": render_markdown, "html": render_html, "json": render_json}


def write_digest(digest: Digest, directory: Path) -> list[Path]:
    """Write ``YYYY-MM-DD.md``, ``.html`` and ``.json`` atomically (temp file + rename): a
    reader never sees half a digest."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for ext, render in RENDERERS.items():
        target = directory / f"{digest.day}.{ext}"
        tmp = target.with_suffix(f".{ext}.tmp")
        tmp.write_text(render(digest), encoding="utf-8")
        tmp.replace(target)
        written.append(target)
    return written

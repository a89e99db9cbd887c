"""A claim's story in one picture: confirmations and contradictions per day, from the story's
start (or its first evidence) to the digest's day.

Pure: rows in, a :class:`Timeline` out; the HTML digest draws it as inline SVG (made here with
ElementTree: no JavaScript, no external request, nothing from the text of an article in it but
the escaped claim key), and the Markdown digest as one line of symbols.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from ..clock import parse
from ..store import FlagTimeRow

# A month fits a mail client's width; an older story shows its last month.
MAX_DAYS = 31
SVG_NS = "http://www.w3.org/2000/svg"
CONFIRM_COLOUR = "#1e8449"
CONTRADICT_COLOUR = "#c0392b"


@dataclass(frozen=True)
class Timeline:
    story: str
    claim_key: str
    first_day: str  # ISO date of the first column
    confirmations: tuple[int, ...]  # one count per day, first_day onwards
    contradictions: tuple[int, ...]
    clipped: bool = False  # True when older days were left out (MAX_DAYS)

    @property
    def days(self) -> int:
        return len(self.confirmations)

    @property
    def total_confirmations(self) -> int:
        return sum(self.confirmations)

    @property
    def total_contradictions(self) -> int:
        return sum(self.contradictions)

    def day(self, i: int) -> date:
        return date.fromisoformat(self.first_day) + timedelta(days=i)

    @property
    def summary(self) -> str:
        c, x = self.total_confirmations, self.total_contradictions
        since = _short(self.day(0))
        return (f"{c} confirmation{'' if c == 1 else 's'}, {x} contradiction"
                f"{'' if x == 1 else 's'} {'in the last' if self.clipped else 'over'} "
                f"{self.days} day{'' if self.days == 1 else 's'} (since {since})")


def _short(d: date) -> str:
    return f"{d.day} {d.strftime('%b')}"


def build_timelines(rows: Iterable[FlagTimeRow], claims: Iterable[tuple[str, str]], *,
                    day: date, tz: str,
                    story_start: dict[str, date | None]) -> tuple[Timeline, ...]:
    """One timeline per (story, claim key) in ``claims``, in that order. ``rows`` are flags
    (:meth:`Store.claim_flag_times`) found before the end of ``day``."""
    zone = ZoneInfo(tz)
    buckets: dict[tuple[str, str], list[tuple[date, str]]] = {}
    for row in rows:
        found = parse(row.found_at).astimezone(zone)
        buckets.setdefault((row.story, row.claim_key), []).append((found.date(), row.kind))
    timelines = []
    for story, key in claims:
        events = buckets.get((story, key), [])
        starts = [d for d, _ in events]
        begin = story_start.get(story)
        first = min([*starts, *([begin] if begin else []), day])
        clipped = (day - first).days + 1 > MAX_DAYS
        if clipped:
            first = day - timedelta(days=MAX_DAYS - 1)
        n = (day - first).days + 1
        confirmations, contradictions = [0] * n, [0] * n
        for d, kind in events:
            i = (d - first).days
            if 0 <= i < n:
                (confirmations if kind == "confirmation" else contradictions)[i] += 1
        timelines.append(Timeline(story=story, claim_key=key, first_day=first.isoformat(),
                                  confirmations=tuple(confirmations),
                                  contradictions=tuple(contradictions), clipped=clipped))
    return tuple(timelines)


def text_strip(t: Timeline) -> str:
    """One character a day: ``.`` nothing, ``+`` confirmed, ``x`` contradicted, ``#`` both."""
    marks = []
    for c, x in zip(t.confirmations, t.contradictions, strict=True):
        marks.append("#" if c and x else "+" if c else "x" if x else ".")
    return "".join(marks)


def svg(t: Timeline) -> str:
    """The timeline as an inline SVG element: confirmations as green bars above the line,
    contradictions as red bars below it, one column a day, the digest's day shaded."""
    bar, gap, half, pad = 7, 2, 22, 2
    width = t.days * (bar + gap) + pad * 2
    height = half * 2 + 14
    peak = max(1, *t.confirmations, *t.contradictions)
    label = f"{t.claim_key}: {t.summary}"
    root = ET.Element(f"{{{SVG_NS}}}svg", {
        "width": str(width), "height": str(height), "viewBox": f"0 0 {width} {height}",
        "role": "img", "aria-label": label,
    })
    ET.SubElement(root, f"{{{SVG_NS}}}title").text = label
    last_x = pad + (t.days - 1) * (bar + gap)
    ET.SubElement(root, f"{{{SVG_NS}}}rect", {
        "x": str(last_x - 1), "y": "0", "width": str(bar + 2), "height": str(half * 2),
        "fill": "#f2f2f2"})
    ET.SubElement(root, f"{{{SVG_NS}}}line", {
        "x1": "0", "x2": str(width), "y1": str(half), "y2": str(half), "stroke": "#999",
        "stroke-width": "1"})
    def bar_height(n: int) -> int:
        # Square-root scale: one report stays visible beside a day with dozens.
        return max(3, round((half - 2) * math.sqrt(n / peak)))

    for i, (c, x) in enumerate(zip(t.confirmations, t.contradictions, strict=True)):
        left = pad + i * (bar + gap)
        if c:
            h = bar_height(c)
            ET.SubElement(root, f"{{{SVG_NS}}}rect", {
                "x": str(left), "y": str(half - h), "width": str(bar), "height": str(h),
                "fill": CONFIRM_COLOUR})
        if x:
            h = bar_height(x)
            ET.SubElement(root, f"{{{SVG_NS}}}rect", {
                "x": str(left), "y": str(half + 1), "width": str(bar), "height": str(h),
                "fill": CONTRADICT_COLOUR})
    for i, anchor in ((0, "start"), (t.days - 1, "end")):
        x_text = pad if anchor == "start" else width - pad
        text = ET.SubElement(root, f"{{{SVG_NS}}}text", {
            "x": str(x_text), "y": str(height - 2), "font-size": "10",
            "font-family": "sans-serif", "fill": "#666", "text-anchor": anchor})
        text.text = _short(t.day(i))
        if t.days == 1:
            break
    ET.register_namespace("", SVG_NS)
    return ET.tostring(root, encoding="unicode")

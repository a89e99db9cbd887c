"""OPML in and out: move a feed list between claimwatch and a feed reader.

Import reads OPML the way readers actually write it: feeds nested in category outlines (any
depth), ``type`` missing or odd, ``xmlUrl`` in unusual case, website-only outlines (``htmlUrl``
and no feed), the same feed listed under two categories. It adds ``[[feeds]]`` tables to the
config file with tomlkit, so the file's comments and layout stay as the user wrote them, and it
says what it did with every outline. The file is parsed with defusedxml: an OPML file comes
from elsewhere and must not expand entities or fetch a DTD.

Export writes OPML 2.0 (http://opml.org/spec2.opml) from the config's feeds.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, SubElement, indent, tostring

import defusedxml.ElementTree as SafeET
import tomlkit
from defusedxml import DefusedXmlException

from .config import Config, _url_problem, load_config
from .errors import ConfigError, InputError

_NAME_CHARS = re.compile(r"[^a-z0-9]+")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\s]")


@dataclass(frozen=True)
class OpmlFeed:
    title: str
    url: str
    category: str  # "News / Tech" for nested categories, "" at the top level


@dataclass
class ImportReport:
    added: list[tuple[str, str, str]] = field(default_factory=list)  # name, url, category
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # title, url, why
    skipped: list[tuple[str, str]] = field(default_factory=list)  # title, why

    def render(self, config_path: Path, *, dry_run: bool) -> str:
        verb = "would add" if dry_run else "added"
        lines = [f"{verb} {len(self.added)} feed(s) to {config_path}; "
                 f"{len(self.duplicates)} duplicate(s) and {len(self.skipped)} other outline(s) "
                 f"skipped"]
        lines += [f"  + {name}  {url}" + (f"  [{cat}]" if cat else "")
                  for name, url, cat in self.added]
        lines += [f"  = {title or '(untitled)'}  {url}: {why}"
                  for title, url, why in self.duplicates]
        lines += [f"  - {title or '(untitled)'}: {why}" for title, why in self.skipped]
        return "\n".join(lines) + "\n"


def _attr(element: Any, name: str) -> str:
    """An attribute by name in any case (``xmlUrl``, ``xmlurl``, ``XMLURL`` are all seen)."""
    wanted = name.lower()
    for key, value in element.attrib.items():
        if key.lower() == wanted:
            return " ".join(str(value).split())
    return ""


def parse_opml(data: bytes) -> tuple[list[OpmlFeed], list[tuple[str, str]]]:
    """The feeds in an OPML document, in document order, with the outlines that are not feeds
    and why. InputError when it is not OPML at all."""
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as e:
        raise InputError(f"refusing OPML with DTD or entity declarations ({e})") from e
    except SafeET.ParseError as e:
        raise InputError(f"not valid XML: {e}") from e
    if root.tag.lower() != "opml":
        raise InputError(f"not an OPML document (its root element is <{root.tag}>)")
    body = next((child for child in root if child.tag.lower() == "body"), None)
    if body is None:
        raise InputError("an OPML document without a <body>")
    feeds: list[OpmlFeed] = []
    skipped: list[tuple[str, str]] = []

    def walk(parent: Any, path: list[str]) -> None:
        for outline in parent:
            if outline.tag.lower() != "outline":
                continue
            title = _attr(outline, "title") or _attr(outline, "text")
            url = _attr(outline, "xmlUrl")
            children = [c for c in outline if c.tag.lower() == "outline"]
            if url:
                category = " / ".join(path) or _attr(outline, "category").strip("/")
                feeds.append(OpmlFeed(title=title, url=url, category=category))
            elif not children:
                html_url = _attr(outline, "htmlUrl")
                skipped.append((title, f"website only, no feed URL ({html_url})" if html_url
                                else "no feed URL (xmlUrl)"))
            if children:
                walk(outline, [*path, title] if not url and title else path)

    walk(body, [])
    return feeds, skipped


def _same_feed_key(url: str) -> str:
    """Two URLs for one feed: scheme, ``www.``, default port, case of the host and a trailing
    slash do not make another feed."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = parts.path.rstrip("/") or ""
    return f"{host}{port}{path}" + (f"?{parts.query}" if parts.query else "")


def _name_for(feed: OpmlFeed, taken: set[str]) -> str:
    """A config name from the outline's title: "Ünïcode Blog" becomes "unicode-blog"."""
    ascii_title = unicodedata.normalize("NFKD", feed.title).encode("ascii", "ignore").decode()
    base = _NAME_CHARS.sub("-", ascii_title.lower()).strip("-")[:50].strip("-")
    if not base:
        base = _NAME_CHARS.sub("-", (urlsplit(feed.url).hostname or "feed").lower()).strip("-")
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def plan_import(config: Config, feeds: list[OpmlFeed],
                skipped: list[tuple[str, str]]) -> ImportReport:
    """What importing ``feeds`` into ``config`` adds and skips (pure: nothing is written)."""
    report = ImportReport(skipped=list(skipped))
    known = {_same_feed_key(f.url): f.name for f in config.feeds}
    taken = {f.name for f in config.feeds}
    for feed in feeds:
        problem = "contains whitespace or control characters" if _UNSAFE.search(feed.url) \
            else _url_problem(feed.url)
        if problem:
            report.skipped.append((feed.title, f"{feed.url}: {problem}"))
            continue
        key = _same_feed_key(feed.url)
        if key in known:
            report.duplicates.append((feed.title, feed.url, f"already there as {known[key]!r}"))
            continue
        name = _name_for(feed, taken)
        taken.add(name)
        known[key] = name
        report.added.append((name, feed.url, feed.category))
    return report


def _comment(text: str) -> str:
    return " ".join(_UNSAFE.sub(" ", text).split())[:120]


def import_opml(config: Config, data: bytes, *, dry_run: bool = False) -> ImportReport:
    """Add the OPML document's new feeds to the config file, in place, keeping its comments
    and layout. The edited file is validated before it replaces the old one (atomically)."""
    feeds, skipped = parse_opml(data)
    report = plan_import(config, feeds, skipped)
    if dry_run or not report.added:
        return report
    path = config.path
    original = path.read_text(encoding="utf-8")
    doc = tomlkit.parse(original)
    if "feeds" not in doc:
        doc.append("feeds", tomlkit.aot())
    aot = doc["feeds"]
    if not isinstance(aot, tomlkit.items.AoT):
        raise InputError(f"{path}: `feeds` is not written as [[feeds]] tables; cannot add to it")
    if len(aot) and not tomlkit.dumps(doc).endswith("\n\n"):
        aot[-1].add(tomlkit.nl())  # a blank line between the last table and the new ones
    for name, url, category in report.added:
        table = tomlkit.table()
        table.add("name", name)
        table.add("url", url)
        if category:
            table.comment(f"from OPML: {_comment(category)}")
        table.add(tomlkit.nl())
        aot.append(table)
    text = tomlkit.dumps(doc)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            load_config(tmp)
        except ConfigError as e:  # a bug here, not in the user's file: keep their file
            raise InputError(f"the imported config would be invalid, left unchanged: {e}") from e
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return report


def export_opml(config: Config, *, now: datetime) -> bytes:
    """OPML 2.0 of the configured feeds, which feed readers import."""
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = "claimwatch feeds"
    SubElement(head, "dateCreated").text = format_datetime(now)
    SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = SubElement(root, "body")
    for feed in config.feeds:
        SubElement(body, "outline", type="rss", text=feed.name, title=feed.name,
                   xmlUrl=feed.url)
    indent(root)
    return tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

"""Pure URL helpers: one spelling per article, and the publisher's URL behind aggregator links.

The same article reaches us through several feeds with different tracking parameters, port
spellings and fragments; de-duplication needs them to compare equal. Nothing here does I/O.
"""

from __future__ import annotations

import functools
from urllib.parse import parse_qsl, unquote_plus, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameters that identify a campaign or a click, never the document.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "ref_src",
        "ref_url",
        "cmpid",
        "ocid",
        "ncid",
        "s_cid",
        "smid",
        "smtyp",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "xtor",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wt.mc_id",
        "sr_share",
        "spm",
        "__twitter_impression",
        "pk_campaign",
        "pk_kwd",
        "pk_source",
        "pk_medium",
        "pk_content",
        "pk_cid",
    }
)
_TRACKING_PREFIXES = ("utm_", "mtm_")

# Aggregator hosts (without "www.") and the query parameters that carry the real URL.
# Hosts that hide the target in the path or in an opaque token (Feedburner's feedproxy,
# news.google.com/rss/articles/...) are absent on purpose: only a fetch can resolve those.
_WRAPPERS: dict[str, tuple[str, ...]] = {
    "bing.com": ("url",),
    "google.com": ("q", "url"),
    "news.url.google.com": ("url", "q"),
    "l.facebook.com": ("u",),
    "lm.facebook.com": ("u",),
    "l.instagram.com": ("u",),
    "out.reddit.com": ("url",),
    "youtube.com": ("q",),
    "slack-redir.net": ("url",),
    "duckduckgo.com": ("uddg",),
    "flipboard.com": ("url",),
    "t.umblr.com": ("z",),
}
# Paths that make a wrapper host a redirect rather than a normal page with a ``q``.
_WRAPPER_PATHS: dict[str, tuple[str, ...]] = {
    "bing.com": ("/news/apiclick.aspx",),
    "google.com": ("/url",),
    "news.url.google.com": ("/url",),
    "youtube.com": ("/redirect",),
    "duckduckgo.com": ("/l/",),
    "flipboard.com": ("/redirect",),
    "t.umblr.com": ("/redirect",),
}
# Wrappers have been seen wrapped in wrappers (Google around Bing); three levels is plenty.
_MAX_UNWRAP = 3


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host: the only kind we fetch or store as a link."""
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)
    except (ValueError, AttributeError):
        return False


def site_of(url: str) -> str:
    """The host people would call "the site", e.g. ``nytimes.com``; "" when there is no host."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


@functools.lru_cache(maxsize=4096)  # pure; an article's URLs are asked for several times
def canonicalize(url: str) -> str:
    """One spelling per document, so the same article from two feeds compares equal.

    Lower-cases scheme and host, drops the default port, the fragment and tracking parameters,
    and sorts the remaining parameters. The path keeps its case (servers may treat it as
    significant) and parameters keep their original encoding, so applying this twice changes
    nothing. Text that does not parse as a URL is returned unchanged.
    """
    text = _trim(url)
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        netloc = _canonical_netloc(scheme, parts.netloc, parts.hostname, parts.port)
    except ValueError:
        return text
    path = parts.path
    if not path and netloc and scheme in _DEFAULT_PORTS:
        path = "/"
    query = _canonical_query(parts.query)
    # Dropping a fragment or an empty query can leave whitespace at the end.
    return _trim(urlunsplit((scheme, netloc, path, query, "")))


# urlsplit drops leading C0 controls and spaces; str.strip() drops Unicode whitespace. Doing
# only one of them lets the other change the result on a second pass.
_C0_OR_SPACE = "".join(chr(i) for i in range(0x21))


def _trim(text: str) -> str:
    previous = None
    while text != previous:
        previous = text
        text = text.strip().strip(_C0_OR_SPACE)
    return text


def _canonical_netloc(scheme: str, netloc: str, hostname: str | None, port: int | None) -> str:
    if not netloc or hostname is None:
        return netloc
    userinfo, _, _hostport = netloc.rpartition("@")
    host = hostname.rstrip(".") if hostname.rstrip(".") else hostname
    if ":" in host:  # IPv6 literal; urlsplit strips the brackets
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return f"{userinfo}@{host}" if userinfo else host


def _canonical_query(query: str) -> str:
    kept = []
    for part in query.split("&"):
        if not part:
            continue
        name = unquote_plus(part.split("=", 1)[0]).strip().lower()
        if name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES):
            continue
        kept.append((name, part))
    kept.sort()
    return "&".join(part for _, part in kept)


def unwrap_redirect(url: str) -> str:
    """The publisher's URL behind an aggregator's click-tracking link; else ``url`` unchanged.

    Fetching the wrapper would work too, but costs a request to the aggregator, tells it what
    we read, and makes the article's identity depend on the aggregator's redirect staying up.
    Only http(s) targets are returned: a wrapped ``javascript:`` must not become our link.
    """
    current = url
    for _ in range(_MAX_UNWRAP):
        target = _unwrap_once(current)
        if target is None:
            break
        current = target
    return current


def _unwrap_once(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        return None
    host = host[4:] if host.startswith("www.") else host
    key = _wrapper_key(host)
    if key is None:
        return None
    paths = _WRAPPER_PATHS.get(key)
    if paths and not any(parts.path.lower().startswith(p) for p in paths):
        return None
    params = dict(parse_qsl(parts.query, keep_blank_values=False))
    lowered = {k.lower(): v for k, v in params.items()}
    for name in _WRAPPERS[key]:
        value = lowered.get(name, "").strip()
        if value and is_http_url(value):
            return value
    return None


def _wrapper_key(host: str) -> str | None:
    if host in _WRAPPERS:
        return host
    # Google and Bing serve the same redirector under every country domain.
    labels = host.split(".")
    if len(labels) >= 2 and labels[0] in ("google", "bing"):
        return f"{labels[0]}.com"
    return None

"""URL canonicalisation and aggregator unwrapping: tables for intent, properties for invariants."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.fetching.urls import canonicalize, is_http_url, site_of, unwrap_redirect

# --------------------------------------------------------------------------- canonicalize


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Example.COM/Path/To?b=2&a=1", "https://www.example.com/Path/To?a=1&b=2"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        (
            "https://example.com/story?utm_source=rss&utm_medium=feed&id=7&UTM_Campaign=x",
            "https://example.com/story?id=7",
        ),
        (
            "https://example.com/s?fbclid=abc&gclid=def&mc_cid=1&mc_eid=2&igshid=3&ref_src=twsrc"
            "&cmpid=4&ocid=5&at_medium=6&at_campaign=7&_ga=8&page=2",
            "https://example.com/s?page=2",
        ),
        ("https://example.com/s?utm_source=rss", "https://example.com/s"),
        ("https://example.com/s?q=a%20b&q=c+d", "https://example.com/s?q=a%20b&q=c+d"),
        ("https://example.com/s?flag&b=1", "https://example.com/s?b=1&flag"),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://user@Example.com/a", "https://user@example.com/a"),
    ],
)
def test_canonicalize_table(url, expected):
    assert canonicalize(url) == expected


@pytest.mark.parametrize("text", ["", "not a url", "mailto:Someone@Example.com", "http://[::1"])
def test_canonicalize_leaves_non_urls_alone(text):
    assert canonicalize(text) == text


TRACKING = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "UTM_CONTENT", "fbclid",
            "gclid", "mc_cid", "mc_eid", "igshid", "ref_src", "cmpid", "ocid", "at_medium",
            "at_campaign", "_ga"]  # fmt: skip

safe_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12
)
param_name = st.one_of(
    st.sampled_from(TRACKING), st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_.\-]{0,8}", fullmatch=True)
)
query_pair = st.tuples(param_name, safe_text).map(
    lambda kv: f"{quote(kv[0], safe='')}={quote(kv[1], safe='')}"
)
host = st.from_regex(
    r"(www\.)?[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?\.[a-zA-Z]{2,6}", fullmatch=True
)


@st.composite
def http_urls(draw) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    segments = draw(st.lists(safe_text.map(lambda s: quote(s, safe="")), max_size=4))
    path = "/" + "/".join(segments) if segments or draw(st.booleans()) else ""
    pairs = draw(st.lists(query_pair, max_size=6))
    query = ("?" + "&".join(pairs)) if pairs or draw(st.booleans()) else ""
    fragment = draw(st.one_of(st.just(""), safe_text.map(lambda s: "#" + quote(s, safe="/?"))))
    return f"{scheme}://{draw(host)}{port}{path}{query}{fragment}"


@given(http_urls())
def test_canonicalize_is_idempotent(url):
    once = canonicalize(url)
    assert canonicalize(once) == once


@given(st.text(max_size=80))
def test_canonicalize_is_idempotent_on_any_text(text):
    once = canonicalize(text)
    assert canonicalize(once) == once


@given(http_urls())
def test_canonical_urls_have_no_fragment_or_tracking(url):
    result = canonicalize(url)
    parts = urlsplit(result)
    assert "#" not in result
    assert parts.fragment == ""
    names = [name.lower() for name, _ in parse_qsl(parts.query, keep_blank_values=True)]
    assert not any(name.startswith("utm_") for name in names)
    assert not set(names) & {t.lower() for t in TRACKING}


@given(http_urls())
def test_canonical_urls_stay_http(url):
    assert is_http_url(url)
    result = canonicalize(url)
    assert is_http_url(result)
    assert urlsplit(result).scheme in ("http", "https")
    assert urlsplit(result).scheme == urlsplit(url).scheme.lower()


@given(http_urls(), st.randoms())
def test_parameter_order_does_not_matter(url, random):
    parts = urlsplit(url)
    pairs = [p for p in parts.query.split("&") if p]
    random.shuffle(pairs)
    shuffled = parts._replace(query="&".join(pairs)).geturl()
    assert canonicalize(shuffled) == canonicalize(url)


# --------------------------------------------------------------------------- unwrap_redirect

PUBLISHER = "https://www.publisher.example/2026/03/story.html?id=12"


@pytest.mark.parametrize(
    "wrapped",
    [
        "https://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=abc&url="
        "https%3a%2f%2fwww.publisher.example%2f2026%2f03%2fstory.html%3fid%3d12&c=123&mkt=en-us",
        "http://www.bing.com/news/apiclick.aspx?url=" + quote(PUBLISHER, safe=""),
        "https://www.google.com/url?rct=j&sa=t&url=" + quote(PUBLISHER, safe="") + "&ct=ga",
        "https://www.google.com/url?q=" + quote(PUBLISHER, safe="") + "&sa=D",
        "https://www.google.co.uk/url?q=" + quote(PUBLISHER, safe=""),
        "https://l.facebook.com/l.php?u=" + quote(PUBLISHER, safe="") + "&h=AT0",
        "https://out.reddit.com/t3_abc?url=" + quote(PUBLISHER, safe="") + "&token=x",
        "https://duckduckgo.com/l/?uddg=" + quote(PUBLISHER, safe=""),
        "https://www.youtube.com/redirect?event=video_description&q=" + quote(PUBLISHER, safe=""),
        # Google wrapping Bing wrapping the publisher.
        "https://www.google.com/url?q="
        + quote(
            "https://www.bing.com/news/apiclick.aspx?url=" + quote(PUBLISHER, safe=""), safe=""
        ),
    ],
)
def test_unwrap_redirect_finds_the_publisher(wrapped):
    assert unwrap_redirect(wrapped) == PUBLISHER


@pytest.mark.parametrize(
    "url",
    [
        PUBLISHER,
        "http://feedproxy.google.com/~r/Example/~3/AbCdEf/story.html",  # path-coded: needs a fetch
        "https://news.google.com/rss/articles/CBMiK2h0dHBzOi8vZXhhbXBsZS5jb20vc3Rvcnk?oc=5",
        "https://www.google.com/search?q=" + quote(PUBLISHER, safe=""),  # a search, not a redirect
        "https://www.bing.com/search?q=" + quote(PUBLISHER, safe=""),
        "https://www.google.com/url?q=javascript%3Aalert(1)",  # never hand back a non-http URL
        "https://www.google.com/url?q=file%3A%2F%2F%2Fetc%2Fpasswd",
        "https://www.bing.com/news/apiclick.aspx?url=",
        "https://www.google.com/url?q=not-a-url",
        "https://example.com/out?url=" + quote(PUBLISHER, safe=""),  # unknown host: leave it
        "javascript:alert(1)",
        "",
    ],
)
def test_unwrap_redirect_leaves_everything_else_unchanged(url):
    assert unwrap_redirect(url) == url


@given(st.text(max_size=60))
def test_unwrap_redirect_never_raises_and_returns_http_or_input(text):
    result = unwrap_redirect(text)
    assert result == text or is_http_url(result)


# --------------------------------------------------------------------------- small helpers


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a", True),
        ("HTTP://example.com", True),
        ("http://[::1]:8080/", True),
        ("ftp://example.com/f", False),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("//example.com/a", False),
        ("/relative/path", False),
        ("https://", False),
        ("http://[::1", False),
        ("", False),
    ],
)
def test_is_http_url(url, expected):
    assert is_http_url(url) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.Example.com/a", "example.com"),
        ("https://news.example.co.uk/a", "news.example.co.uk"),
        ("https://www.example.com.:8080/", "example.com"),
        ("https://wwwexample.com/", "wwwexample.com"),
        ("https://www.www.example.com/", "www.example.com"),
        ("not a url", ""),
        ("http://[::1", ""),
    ],
)
def test_site_of(url, expected):
    assert site_of(url) == expected

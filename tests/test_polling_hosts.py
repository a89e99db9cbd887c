"""The politeness key of a URL: the poll cycle's and the fetcher's must agree."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.orchestration.polling import host_of


def httpx_host(url: str) -> str:
    """The host the fetcher spaces its requests by."""
    try:
        return httpx.URL(url).host.lower()
    except (httpx.InvalidURL, TypeError, ValueError):
        return ""


@pytest.mark.parametrize("url", [
    "http://Example.COM/a", "https://example.com:8443/x?y#z", "http://[::1]:8080/",
    "http://[2001:DB8::1]/a", "http://user:pw@Host.example/", "http://host.example./",
    "http://127.0.0.1:5/", "http://xn--bcher-kva.example/", "http://XN--BCHER-KVA.example/",
    "http://bücher.example/", "http://", "http:///path", "mailto:someone@example.com",
    "http://a b/", "http://[::1/", "ftp://files.example/x", "http://exa_mple.com/",
    "HTTP://WWW.EXAMPLE.COM", "http://example.com:99999/", "http://example.com:abc/",
    "//example.com/x", "example.com/x", "http://host:/", "http://h.example:080/",
    "http://[::1]:abc/", "http://u@[::1]:8/", "http://ex%41mple.com/",
])
def test_host_of_is_the_fetchers_host(url: str) -> None:
    assert host_of(url) == httpx_host(url)


@given(st.sampled_from(["http", "https", "HTTP"]),
       st.text(alphabet="abcXYZ09-._:@[]%", min_size=0, max_size=20),
       st.sampled_from(["", "/", "/a?b=c", "#f"]))
def test_host_of_agrees_with_httpx_on_odd_netlocs(scheme: str, netloc: str, rest: str) -> None:
    url = f"{scheme}://{netloc}{rest}"
    assert host_of(url) == httpx_host(url)

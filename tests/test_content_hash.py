"""The content hash: stored for every article, so its value must never change by accident."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingesting.extract import content_hash


def _by_the_definition(text: str) -> str:
    # What content_hash promises: NFKC, casefold, whitespace runs as one space, ends stripped.
    norm = unicodedata.normalize("NFKC", text).casefold()
    norm = re.sub(r"\s+", " ", norm).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def test_content_hash_is_pinned() -> None:
    text = "  The Mayor’s “plan”\u00a0—\tCAFÉ\n\nok  "
    assert content_hash(text) == (
        "a5639fc5e6f5467cd19d4a0e0ea3ed665865dd0acac02d68c1ced46a392b0a8e")
    assert content_hash(text) == content_hash("the mayor’s “plan” — café ok")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=80)
       | st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u3000ab",
                 max_size=40))
def test_content_hash_is_the_definition_however_it_is_computed(text: str) -> None:
    assert content_hash(text) == _by_the_definition(text)

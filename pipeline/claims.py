"""Propose baseline claims from a seed article, for a person to review.

A careful editor writes the final claims (see ``config/stories/``); this gives them a start:
the seed's factual sentences (numbers, names, reported actions), with attributions and
connectives trimmed, questions and pure quotes left out, each under a readable key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .clock import iso
from .errors import InputError, StoreError
from .judging.text import CLAIM_KEY_STOP_WORDS, plain_words, split_sentences

if TYPE_CHECKING:
    from .store import Store

_LEAD_INS = re.compile(
    r"^(?:notably|further(?:more)?|also|however|meanwhile|additionally|in addition),\s*"
    r"|^(?:according to (?:a|the) [^,]{0,80}?report(?: by [^,]{0,60})?,\s*)"
    r"|^(?:it said that\s+)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\$?\d[\d,.]*\s*(?:million|billion|per ?cent|%)?", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(?:\s+[A-Z][a-zA-Z]+)*")
_FACT_VERBS = re.compile(
    r"\b(?:is|are|was|were|has|have|had|threatened|used|worth|said|says|agreed|refus\w*|"
    r"reported|designated|signed|brought|contract\w*|prohibit\w*|require\w*|clash\w*)\b",
    re.IGNORECASE,
)
@dataclass(frozen=True)
class CandidateClaim:
    key: str
    text: str
    score: float


_TRAILING_ATTRIBUTION = re.compile(
    r",\s*(?:according to|as per|citing|it added|the report added|he said|she said|"
    r"officials said|sources said)\b[^.]*(?=\.$)",
    re.IGNORECASE,
)


def _clean(sentence: str) -> str:
    s = _TRAILING_ATTRIBUTION.sub("", sentence.strip())
    for _ in range(3):
        s2 = _LEAD_INS.sub("", s)
        if s2 == s:
            break
        s = s2
    return s[:1].upper() + s[1:] if s else s


def _score(sentence: str) -> float:
    names = len(_NAME.findall(sentence[1:]))  # the first word is capitalised anyway
    numbers = len(_NUMBER.findall(sentence))
    verbs = 1 if _FACT_VERBS.search(sentence) else 0
    length = len(sentence.split())
    if length < 7 or length > 45 or not verbs:
        return 0.0
    return 1.5 * numbers + names + verbs


def _key(text: str, used: set[str]) -> str:
    words = [w for w in plain_words(text) if w not in CLAIM_KEY_STOP_WORDS]
    base = "-".join(words[:4]) or "claim"
    key, n = base, 2
    while key in used:
        key, n = f"{base}-{n}", n + 1
    used.add(key)
    return key


def candidate_claims(seed_text: str, *, limit: int = 16) -> list[CandidateClaim]:
    """The ``limit`` most fact-like sentences of the seed, in the seed's order."""
    scored = []
    for index, raw in enumerate(split_sentences(seed_text)):
        if raw.endswith("?"):
            continue  # sub-headings phrased as questions
        stripped = raw.strip("“”\"' ")
        if raw[:1] in "“\"" and stripped.count(" ") > 3 and raw.rstrip()[-1:] in "”\"":
            continue  # a quote on its own is not a claim we can check
        text = _clean(raw)
        score = _score(text)
        if score > 0:
            scored.append((score, index, text))
    best = sorted(scored, key=lambda t: (-t[0], t[1]))[:limit]
    used: set[str] = set()
    return [
        CandidateClaim(key=_key(text, used), text=text, score=score)
        for score, _, text in sorted(best, key=lambda t: t[1])
    ]


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render_story_claims(claims: list[CandidateClaim]) -> str:
    lines = [
        "# Candidate baseline claims. Review each: keep one checkable statement per claim,",
        "# reword so a report agreeing or disagreeing with it can be recognised, and paste the",
        "# ones you keep into your story file under [story].",
        "",
    ]
    for claim in claims:
        lines += ["[[claims]]", f"key = {_toml_string(claim.key)}",
                  f"text = {_toml_string(claim.text)}", ""]
    return "\n".join(lines)


def add_claim(store: Store, story: str, *, text: str | None, development_id: int | None,
              key: str | None, now: datetime) -> tuple[int, str]:
    """Add a claim to ``story`` from text or by promoting a development; return (id, key)."""
    source = "manual"
    if development_id is not None:
        development = store.development(development_id)
        if development is None or development.story != story:
            raise InputError(f"--from-development: no development {development_id} in {story}")
        text, source = development.summary, "development"
    assert text is not None
    text = " ".join(text.split())
    if len(text.split()) < 4:
        raise InputError("--text: a claim needs a full sentence")
    key = key or _key(text, store.claim_keys(story))
    if not re.match(r"^[a-z0-9][a-z0-9-]{0,62}$", key):
        raise InputError("--key: use lower-case letters, digits and hyphens")
    try:
        claim_id = store.add_claim(story, key, text, source=source,
                                   now=iso(now))
    except StoreError as e:
        raise InputError(str(e)) from e
    return claim_id, key

"""Numeric contradictions: a report that states a different figure for the same fact.

The stance model learned "disagree" from FNC-1, where disagreement is refutation ("the story
is a hoax"); it rarely sees "the contract is worth $450 million" against "$200 million". This
rule covers that case. For a claim with a figure (money, percentage, a count of days/months/
people...), it looks for article sentences about the same thing (most of the claim's content
words present) that state a figure of the same kind:

- a sentence giving the claim's figure (within 10 %) supports it;
- a sentence giving only other figures of that kind, or the claim's figure beside another one
  with a correction or comparison cue ("$450 million, not $200 million", "$120 million, well
  below the $200 million figure"), contradicts it.

The verdict rests on the sentence closest to the claim; ties go to support, so an article that
quotes both figures without correcting one is never called a contradiction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "m": 1e6, "billion": 1e9,
          "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}
_NUM = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_MONEY = re.compile(
    rf"(?:\$|US\$|USD\s?)\s?{_NUM}(?:\s*(thousand|million|billion|trillion|mln|bn|tn|[mbk])\b)?"
    rf"|{_NUM}\s*(thousand|million|billion|trillion)?\s*(?:dollars|USD)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"{_NUM}\s*(?:%|per\s?cent\b)", re.IGNORECASE)
_COUNT = re.compile(
    rf"\b{_NUM}\s*(days?|weeks?|months?|years?|people|employees|jobs|troops|models?|companies)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z][a-z']+")
_STOP = frozenset(
    """the a an of to in on for and or with by from that this its it is are was were be been has
    have had as at their his her about around roughly nearly almost some over under more than
    less worth valued value said says according report reported""".split()
)
_CORRECTION = re.compile(
    r"\b(?:not|rather than|instead of|wrong|incorrect|inaccurate|false|mistaken|overstated|"
    r"understated|misreported|erroneous|contrary to|below|above|short of|lower than|"
    r"higher than|less than|more than|smaller than|larger than|double|half)\b",
    re.IGNORECASE,
)
MIN_CONTEXT = 0.6  # share of the claim's content words a sentence must contain
TOLERANCE = 0.1  # "about $200 million" matches $190-220 million


@dataclass(frozen=True)
class Quantity:
    kind: str  # money | percent | days | months | ...
    value: float


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in _MONEY.finditer(text):
        if m.group(1) is not None:
            scale = _SCALE.get((m.group(2) or "").lower(), 1.0)
            out.append(Quantity("money", _number(m.group(1)) * scale))
        else:
            scale = _SCALE.get((m.group(4) or "").lower(), 1.0)
            out.append(Quantity("money", _number(m.group(3)) * scale))
    out += [Quantity("percent", _number(m.group(1))) for m in _PERCENT.finditer(text)]
    for m in _COUNT.finditer(text):
        unit = m.group(2).lower().rstrip("s")
        out.append(Quantity(unit, _number(m.group(1))))
    return out


def same_value(a: float, b: float) -> bool:
    """Two figures state the same value (within ``TOLERANCE``: "about $200 million")."""
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b), 1e-9)


def _content(text: str) -> set[str]:
    return {w.removesuffix("'s") for w in _WORD.findall(text.lower()) if w not in _STOP}


@dataclass(frozen=True)
class NumericFinding:
    verdict: str  # supports | contradicts
    sentence: str
    context: float  # share of the claim's content words in the sentence
    confidence: float


def figure_verdict(claimed: list[Quantity], stated: list[Quantity],
                   sentence: str) -> str | None:
    """``supports`` when the sentence gives the claim's figure, ``contradicts`` when it gives
    only another figure of that kind (or the claim's beside another with a correction cue:
    "$450 million, not $200 million"), None when it gives no figure of the claim's kinds.
    The caller decides whether the sentence speaks of the same fact."""
    verdicts = []
    for q in claimed:
        same_kind = [s.value for s in stated if s.kind == q.kind]
        if not same_kind:
            continue
        has_claimed = any(same_value(v, q.value) for v in same_kind)
        has_other = any(not same_value(v, q.value) for v in same_kind)
        if has_claimed and not (has_other and _CORRECTION.search(sentence)):
            verdicts.append("supports")
        else:
            verdicts.append("contradicts")
    if not verdicts:
        return None
    return "contradicts" if "contradicts" in verdicts else "supports"


def numeric_check(claim: str, sentences: list[str]) -> NumericFinding | None:
    """Support or contradiction of the claim's figures by the article's sentences, or None
    when the claim has no figure or no sentence speaks of the same thing with a figure."""
    claimed = quantities(claim)
    if not claimed:
        return None
    words = _content(re.sub(r"[\d$.,%]+", " ", claim))
    if not words:
        return None
    findings: list[NumericFinding] = []
    for sentence in sentences:
        stated = quantities(sentence)
        if not stated:
            continue
        context = len(words & _content(sentence)) / len(words)
        if context < MIN_CONTEXT:
            continue
        verdict = figure_verdict(claimed, stated, sentence)
        if verdict is not None:
            findings.append(NumericFinding(verdict, sentence, round(context, 3),
                                           round(min(0.99, 0.5 + 0.5 * context), 3)))
    if not findings:
        return None
    best = max(f.context for f in findings)
    closest = [f for f in findings if f.context == best]
    supports = [f for f in closest if f.verdict == "supports"]
    return supports[0] if supports else closest[0]

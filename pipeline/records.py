"""Plain typed records passed between the stages.

Every stage takes and returns these; none of them knows about HTTP, SQLite or feedparser.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Stance(StrEnum):
    """How an article stands to a claim. Values map 1:1 to FNC-1 labels (see ``FNC1_LABELS``)."""

    CONFIRMS = "confirms"
    CONTRADICTS = "contradicts"
    DISCUSSES = "discusses"
    UNRELATED = "unrelated"


# FNC-1 label <-> our stance, in the column order the stance model predicts.
FNC1_LABELS: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
STANCE_BY_FNC1: dict[str, Stance] = {
    "agree": Stance.CONFIRMS,
    "disagree": Stance.CONTRADICTS,
    "discuss": Stance.DISCUSSES,
    "unrelated": Stance.UNRELATED,
}


@dataclass(frozen=True)
class Claim:
    key: str
    text: str
    id: int | None = None  # the store's id, once stored


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    seed_text: str
    published: str | None
    keywords: tuple[str, ...]
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Article:
    """An article as the judge sees it: text plus the metadata the digest shows."""

    url: str
    title: str
    text: str
    site: str | None = None
    author: str | None = None
    published_at: str | None = None  # ISO 8601


@dataclass(frozen=True)
class ClaimJudgment:
    """The judge's decision on one claim. ``band`` is ``flag``, ``review`` or ``none``."""

    claim_key: str
    stance: Stance
    score: float  # calibrated confidence of ``stance``, 0..1
    evidence: str  # the sentence the decision rests on ("" when unrelated)
    band: str = "none"
    # Whom the article attributes the statement to: a named outlet or person, "official", or
    # "" for its own voice.
    source: str = ""
    rule: str = ""  # what decided it: aligned, figure, denial, negation, antonym, hedge


@dataclass(frozen=True)
class DevelopmentCandidate:
    """A sentence about the story that no claim covers."""

    sentence: str
    score: float
    terms: frozenset[str] = frozenset()  # its novel terms: what clusters it with other reports
    # A sentence that does not name the story may join a development other reports opened
    # (reported in other words), never open one.
    joins_only: bool = False
    # A sentence of the article that tells an event in passing (deep in a piece on something
    # else, or in a clause of a claim's evidence): it joins a development only on a strong link
    # to one of its reports (see ``developments.PASSING_MIN_OVERLAP``), and never waits.
    passing: bool = False


@dataclass(frozen=True)
class Judgment:
    story_slug: str
    relevant: bool
    relevance: float
    claims: tuple[ClaimJudgment, ...] = ()
    developments: tuple[DevelopmentCandidate, ...] = ()

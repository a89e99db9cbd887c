"""New developments: what an article reports about the story that the seed did not say.

A sentence's *novel terms* are its content-word stems that appear neither in the seed article
nor in the story's claims or keywords. Background that repeats the seed ("the contract is worth
about $200 million") has almost none; news ("Hegseth designated Anthropic a supply-chain risk in
a memo dated March 5") has several. Two reports of one development share their novel terms
even when worded differently ("designated ... a supply-chain risk" / "labeled ... a
supply-chain risk"), so clustering compares those sets (overlap coefficient), not raw strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K")

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_STOP = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your said says say told according reported report reports reportedly
    week weeks day days year years month months monday tuesday wednesday thursday friday
    saturday sunday today yesterday new one two three first last people company companies
    official officials statement may might must shall since still yet however though
    although unless us mr ms mrs
    """.split()
)
# Suffixes stripped so "designated"/"designation"/"designates" meet. Crude, but it only has to
# make two reports of one event agree, not be a linguist.
_SUFFIXES = ("ations", "ation", "ated", "ates", "ating", "ings", "ing", "ions", "ion", "edly", "ed",
             "es", "s", "ly")

MIN_NOVEL_TERMS = 4  # a sentence with fewer new stems is background, not news
MIN_SHARED_TERMS = 2  # two reports of one development share at least this many
MIN_OVERLAP = 0.2  # ... and this share of the smaller set


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> set[str]:
    """Content-word stems of ``text`` (hyphenated words also count as their parts)."""
    out: set[str] = set()
    for word in _WORD.findall(text.lower().replace("’", "'")):
        parts = [word, *word.split("-")] if "-" in word else [word]
        for part in parts:
            if part in _STOP or len(part) < 3 or part.isdigit() and len(part) < 3:
                continue
            out.add(stem(part))
    return out


@dataclass(frozen=True)
class Background:
    """The story's known vocabulary: what is not news."""

    known: frozenset[str]

    @classmethod
    def of(cls, texts: Iterable[str]) -> Background:
        known: set[str] = set()
        for text in texts:
            known |= terms(text)
        return cls(frozenset(known))

    def novel_terms(self, sentence: str) -> frozenset[str]:
        return frozenset(terms(sentence) - self.known)


def overlap(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """Overlap coefficient, 0 when fewer than ``MIN_SHARED_TERMS`` terms are shared."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    if shared < MIN_SHARED_TERMS:
        return 0.0
    return shared / min(len(a), len(b))


def same_development(a: frozenset[str], b: frozenset[str]) -> bool:
    return overlap(a, b) >= MIN_OVERLAP


def best_cluster(novel: frozenset[str],
                 clusters: Sequence[tuple[K, Sequence[frozenset[str]]]]) -> K | None:
    """The id of the cluster whose closest member is most similar to ``novel``, if any
    member is close enough (the first such cluster on a tie)."""
    best_id: K | None = None
    best = 0.0
    for cluster_id, members in clusters:
        score = max((overlap(novel, m) for m in members), default=0.0)
        if score >= MIN_OVERLAP and score > best:
            best_id, best = cluster_id, score
    return best_id


@dataclass(frozen=True)
class NewCluster:
    """The ``n``-th development (from 0) that the article being written opens."""

    n: int


def assign_clusters(
    candidates: Sequence[frozenset[str]],
    clusters: Sequence[tuple[int, Sequence[frozenset[str]]]],
) -> list[int | NewCluster]:
    """For each of an article's development candidates (their novel terms, in order), the
    stored development it joins, or the :class:`NewCluster` it opens or joins: a candidate
    that joins nothing opens one, and a later candidate of the same article may join it.

    ``clusters`` are the story's stored developments with their members' novel terms, in the
    order :func:`best_cluster` prefers them on a tie (the store's, by id); a new development
    comes after them, as its id will.
    """
    members: dict[int | NewCluster, list[frozenset[str]]] = {
        cluster_id: list(terms) for cluster_id, terms in clusters}
    choices: list[int | NewCluster] = []
    opened = 0
    for terms in candidates:
        choice = best_cluster(terms, list(members.items()))
        if choice is None:
            choice = NewCluster(opened)
            opened += 1
        members.setdefault(choice, []).append(terms)
        choices.append(choice)
    return choices

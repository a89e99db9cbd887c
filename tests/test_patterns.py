"""Regression articles: one short article, written for the project, per way the judge was found
wrong on real coverage (see tests/data/patterns/manifest.json). Each states which claims it
must flag, and how; nothing else may be flagged (and, where it says so, which lines go to
review). A pattern the judge does not yet get right
carries its reason under "xfail": the test then fails until it is fixed (strict)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import load_story
from pipeline.judging import judge, story_background
from pipeline.judging.attribution import attributed_source
from pipeline.judging.developments import NewCluster, assign_clusters
from pipeline.judging.stance import StanceModel
from pipeline.records import Article

REPO = Path(__file__).resolve().parent.parent
PATTERNS = REPO / "tests" / "data" / "patterns"
MANIFEST = json.loads((PATTERNS / "manifest.json").read_text(encoding="utf-8"))
STORIES = {
    "pentagon-anthropic": REPO / "config" / "stories" / "pentagon-anthropic.toml",
    "harbour-fire": PATTERNS / "harbour-fire.toml",
    "city-fire": PATTERNS / "city-fire.toml",
    "lake-ferry": PATTERNS / "lake-ferry.toml",
    "coast-train": PATTERNS / "coast-train.toml",
    "airline-crash": PATTERNS / "airline-crash.toml",
    "border-quake": PATTERNS / "border-quake.toml",
    "bridge-collapse": PATTERNS / "bridge-collapse.toml",
}


@pytest.mark.parametrize("name", [
    pytest.param(k, marks=pytest.mark.xfail(reason=v["xfail"], strict=True)) if "xfail" in v
    else k
    for k, v in sorted(MANIFEST.items()) if not k.startswith("_") and "reports" not in v
])
def test_pattern(name: str, model: StanceModel) -> None:
    case = MANIFEST[name]
    story = load_story(STORIES[case["story"]])
    title, _, text = (PATTERNS / name).read_text(encoding="utf-8").partition("\n")
    if case.get("no_headline"):  # a page saved without one: its first line is its title
        text = f"{title}\n{text}".strip()
        title = title[:200]
    article = Article(url=case.get("url", f"https://example.org/{name}"), title=title,
                      text=text, published_at=case["published"])
    judgment = judge(article, story, model=model)
    assert judgment.relevant == case.get("relevant", True)
    got = {c.claim_key: (c.stance.value, c.band) for c in judgment.claims
           if c.band == "flag"}
    assert got == {k: tuple(v) for k, v in case["expect"].items()}
    if "review" in case:  # the lines sent to review, when the case names them: stance by claim
        review = {c.claim_key: c.stance.value for c in judgment.claims if c.band == "review"}
        assert review == case["review"]
    for key, source in case.get("source", {}).items():
        assert next(c.source for c in judgment.claims if c.claim_key == key) == source
    for key, rule in case.get("rule", {}).items():  # what decided it, when the case names it
        assert next(c.rule for c in judgment.claims if c.claim_key == key) == rule
    # Developments listed as [words of the sentence, whether it may only join a known one].
    found = [(d.sentence, d.joins_only) for d in judgment.developments]
    for words, joins_only in case.get("developments", []):
        assert any(words in sentence and joins == joins_only for sentence, joins in found), found
    for words in case.get("not_developments", []):
        assert not any(words in sentence for sentence, _ in found), found


@pytest.mark.parametrize("name", [k for k, v in sorted(MANIFEST.items()) if "reports" in v])
def test_cluster_pattern(name: str, model: StanceModel) -> None:
    """Several reports in one file (separated by a line "==="), judged in order and
    clustered as the ingestor does: the pairs of reports that must share a development,
    and those that must not."""
    case = MANIFEST[name]
    story = load_story(STORIES[case["story"]])
    background = story_background(story)
    reports = (PATTERNS / name).read_text(encoding="utf-8").split("\n===\n")
    assert len(reports) == case["reports"]
    stored: dict[int, list[frozenset[str]]] = {}  # development id -> its evidence's terms
    held: list[set[int]] = []  # each report's developments
    for i, report in enumerate(reports):
        title, _, text = report.strip().partition("\n")
        judgment = judge(Article(url=f"https://example.org/{name}/{i}", title=title,
                                 text=text, published_at=case["published"]),
                         story, model=model)
        assert judgment.relevant, title
        devs = judgment.developments
        choices = assign_clusters([d.terms for d in devs], list(stored.items()),
                                  [d.joins_only for d in devs], [d.passing for d in devs])
        opened: dict[int, int] = {}
        mine: set[int] = set()
        for dev, choice in zip(devs, choices, strict=True):
            if choice is None:
                continue
            development = (opened.setdefault(choice.n, max(stored, default=-1) + 1)
                           if isinstance(choice, NewCluster) else choice)
            stored.setdefault(development, []).append(background.novel_terms(dev.sentence))
            mine.add(development)
        held.append(mine)
    for a, b in case["same_development"]:
        assert held[a] & held[b], (a, b, held)
    for a, b in case["apart"]:
        assert not held[a] & held[b], (a, b, held)


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        ("According to Axios, the Pentagon has threatened to cut ties.", "Axios"),
        ("The Wall Street Journal reported that Claude was used in the raid.",
         "Wall Street Journal"),
        ("A senior defense official said the department is fed up.", "official"),
        ("The Pentagon has threatened to cut ties with Anthropic.", ""),
        ("Anthropic said it remains committed to national security work.", "Anthropic"),
    ],
)
def test_attributed_source(sentence: str, source: str) -> None:
    assert attributed_source(sentence) == source


def test_the_report_said_takes_the_source_of_the_sentence_before() -> None:
    assert attributed_source("It said the contract was worth $200 million.",
                             "Reuters reported on Monday that talks had stalled.") == "Reuters"

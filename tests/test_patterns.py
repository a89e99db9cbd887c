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
from pipeline.judging import judge
from pipeline.judging.attribution import attributed_source
from pipeline.judging.stance import StanceModel
from pipeline.records import Article

REPO = Path(__file__).resolve().parent.parent
PATTERNS = REPO / "tests" / "data" / "patterns"
MANIFEST = json.loads((PATTERNS / "manifest.json").read_text(encoding="utf-8"))
STORIES = {
    "pentagon-anthropic": REPO / "config" / "stories" / "pentagon-anthropic.toml",
    "harbour-fire": PATTERNS / "harbour-fire.toml",
    "city-fire": PATTERNS / "city-fire.toml",
    "airline-crash": PATTERNS / "airline-crash.toml",
}


@pytest.mark.parametrize("name", [
    pytest.param(k, marks=pytest.mark.xfail(reason=v["xfail"], strict=True)) if "xfail" in v
    else k
    for k, v in sorted(MANIFEST.items()) if not k.startswith("_")
])
def test_pattern(name: str, model: StanceModel) -> None:
    case = MANIFEST[name]
    story = load_story(STORIES[case["story"]])
    title, _, text = (PATTERNS / name).read_text(encoding="utf-8").partition("\n")
    article = Article(url=f"https://example.org/{name}", title=title, text=text,
                      published_at=case["published"])
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
    # Developments listed as [words of the sentence, whether it may only join a known one].
    found = [(d.sentence, d.joins_only) for d in judgment.developments]
    for words, joins_only in case.get("developments", []):
        assert any(words in sentence and joins == joins_only for sentence, joins in found), found
    for words in case.get("not_developments", []):
        assert not any(words in sentence for sentence, _ in found), found


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

"""What the claim reader does not call a statement of a claim, sentence by sentence: the
false flags and the lines for review that were not worth a reader's look (issue 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_story

REPO = Path(__file__).resolve().parent.parent
STORY = load_story(REPO / "config" / "stories" / "pentagon-anthropic.toml")
REFUSAL = "Anthropic refuses to allow its AI to be used for mass surveillance of Americans."


def _read(claim: str, sentence: str) -> tuple[str, str, float]:
    from pipeline.judging.reading import ClaimReader
    from tests.conftest import shipped_model

    reader = ClaimReader([claim], STORY.keywords, shipped_model().text_stats)
    reading = reader.read("", [sentence])[0]
    return reading.stance, reading.band, reading.score


@pytest.mark.parametrize(
    ("sentence", "band"),
    [
        ("Anthropic will not let its models be used for the mass surveillance of Americans.",
         "flag"),
        ("Anthropic sought restrictions around the mass surveillance of Americans.", "flag"),
        # what is at stake, not who refuses
        ("The standoff turns on the use of AI for the mass surveillance of Americans.", "none"),
        # a refusal that reaches only the claim's actor
        ("Officials discussed the mass surveillance of Americans, days after barring Anthropic.",
         "none"),
        # the concerns the refusal rests on, named; not a worry felt by someone else
        ("Anthropic walked away, citing concerns that Claude could be used for the mass "
         "surveillance of Americans.", "flag"),
        ("I am deeply concerned that officials want tools for the mass surveillance of "
         "Americans.", "none"),
    ],
)
def test_a_refusal_claim_needs_a_refusal(sentence: str, band: str) -> None:
    assert _read(REFUSAL, sentence)[1] == band


def test_a_negative_claim_needs_its_negation() -> None:
    claim = "Firefighters were unable to safely enter the burning buildings."
    assert _read(claim, "Firefighters were unable to safely enter the burning buildings "
                        "on Wednesday.")[:2] == ("confirms", "flag")
    assert _read(claim, "The firefighters were the first to enter the burning buildings "
                        "safely.")[1] == "none"


def test_a_condition_reverses_nothing() -> None:
    claim = "The Pentagon wants AI companies to allow military use of their tools for all " \
            "lawful purposes."
    stance, _, _ = _read(claim, "Hegseth said that if Anthropic does not allow its AI to be "
                                "used for all lawful purposes, the Pentagon will end the deal.")
    assert stance != "contradicts"


def test_the_claims_only_must_be_repeated() -> None:
    claim = "OpenAI, Google and xAI models are used by the Pentagon only in unclassified settings."
    assert _read(claim, "Google's models are used by the Pentagon only in unclassified "
                        "settings.")[:2] == ("confirms", "flag")
    assert _read(claim, "Google's models were the first used by the Pentagon in unclassified "
                        "settings.")[1] == "none"


def test_a_deed_begun_is_no_threat() -> None:
    claim = "The Pentagon has threatened to cut ties with Anthropic."
    assert _read(claim, "The Pentagon began cutting ties with Anthropic after officials said "
                        "the company could not be trusted.")[1] == "none"
    # A deed held out as a possibility is the threat itself, stated.
    assert _read(claim, "The Pentagon could cut ties with Anthropic.")[:2] == (
        "confirms", "flag")
    assert _read(claim, "The Pentagon has been considering cutting ties with Anthropic.")[:2] == (
        "confirms", "flag")
    assert _read(claim, "Hegseth said that if Anthropic does not budge, the Pentagon would "
                        "cancel its contract.")[:2] == ("confirms", "flag")
    # ... not one that might have been done instead.
    assert _read(claim, "Critics said the Pentagon could simply have terminated its contract "
                        "with Anthropic.")[1] != "flag"


def test_a_line_for_review_is_scored_below_every_flag() -> None:
    claim = "The Pentagon has threatened to cut ties with Anthropic."
    stance, band, score = _read(claim, "The Pentagon is seeking to cut ties with Anthropic.")
    assert (stance, band) == ("confirms", "review")
    from pipeline.judging.reading import FLAG_COVER
    assert round(score, 2) < FLAG_COVER  # as the digest shows it


def _read_in_story(key: str, sentence: str) -> tuple[str, str]:
    """As the judge reads it: with all the story's claims and its seed (their shared words
    weigh less)."""
    from pipeline.judging import _reader
    from tests.conftest import shipped_model

    reader = _reader(STORY, shipped_model())
    reading = reader.read("", [sentence])[[c.key for c in STORY.claims].index(key)]
    return reading.stance, reading.band


def test_a_phrase_carrying_the_claim_must_be_there() -> None:
    assert _read_in_story("committed-to-national-security", (
        "Anthropic has said it was the first frontier AI company to serve national security "
        "customers."))[1] == "none"
    dropped = "OpenAI, Google and xAI agreed to drop their usual safeguards for work with the " \
              "Pentagon."
    # "safety measures" are safeguards: the phrase is there
    assert _read(dropped, "OpenAI, Google and xAI have agreed to remove their safety measures "
                          "for Pentagon work.")[:2] == ("confirms", "flag")



def test_a_part_counted_of_them_is_no_count_of_the_whole() -> None:
    # "241 of them" counts a part of those the sentence named before: it does not gainsay a
    # claim of the whole ("242 on board"), as "seven of which" still states a claim of a part.
    from pipeline.judging import _reader
    from tests.conftest import shipped_model

    story = load_story(REPO / "tests" / "data" / "patterns" / "airline-crash.toml")
    reading = _reader(story, shipped_model()).read("", [
        "The doomed Skyline Air flight carried 188 people - 176 passengers, two pilots and ten "
        "crew - and killed 187 of them, leaving one survivor."])
    assert reading[[c.key for c in story.claims].index("on-board-188")].stance != "contradicts"


@pytest.mark.parametrize(("sentence", "stance"), [
    ("None of the 178 passengers and 10 crew on the plane survived.", "confirms"),
    ("The jet carried 176 passengers, ten cabin crew and two pilots.", "confirms"),
    ("The jet carried 176 passengers and ten crew.", "contradicts"),
])
def test_a_total_given_by_its_parts(sentence: str, stance: str) -> None:
    # "178 passengers and 10 crew" is the claim's "188 passengers and crew", counted in parts.
    from pipeline.judging import _reader
    from tests.conftest import shipped_model

    story = load_story(REPO / "tests" / "data" / "patterns" / "airline-crash.toml")
    reading = _reader(story, shipped_model()).read("", [f"Skyline Air: {sentence}"])
    assert reading[[c.key for c in story.claims].index("on-board-188")].stance == stance

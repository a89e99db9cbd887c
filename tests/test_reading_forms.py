"""Forms of words the claim reader reads as one: spellings, and refusals said after what they
refuse."""

from __future__ import annotations

import pytest

from pipeline.judging.reading import _analyse, _canonical
from pipeline.judging.text import tokenize


@pytest.mark.parametrize(("british", "american"), [
    ("specialised", "specialized"), ("organisation", "organization"), ("analysed", "analyzed"),
    ("labour", "labor"), ("honours", "honors"),
])
def test_british_and_american_spellings_read_as_one_word(british: str, american: str) -> None:
    assert _canonical(tokenize(british)[0]) == _canonical(tokenize(american)[0])


@pytest.mark.parametrize("word", ["four", "hour", "your", "size", "tour"])
def test_short_words_keep_their_spelling(word: str) -> None:
    assert _canonical(tokenize(word)[0]) == tokenize(word)[0]


def test_a_station_is_a_place_not_a_statement() -> None:
    """"station" stems as "state" does, and "state" is "say": a claim about a railway
    station was read as one about something said."""
    assert _analyse("the railway stations").stems == ("railway", "station")
    assert _analyse("officials stated").stems[-1] == "say"


@pytest.mark.parametrize("sentence", [
    "Mass surveillance of Americans is unacceptable, the company said.",
    "Mass surveillance of Americans is also off-limits.",
    "Mass surveillance of Americans was not allowed under the contract.",
])
def test_a_refusal_after_its_object_reaches_back(sentence: str) -> None:
    terms = _analyse(sentence)
    assert terms.has_refusal
    assert {"mass", "surveillance"} <= terms.refused


def test_a_refusal_before_a_copula_does_not_reach_back() -> None:
    terms = _analyse("Mass surveillance of Americans worries the company, which is a target.")
    assert not terms.refused


def test_a_negated_removal_keeps_what_it_would_remove() -> None:
    terms = _analyse("It won't remove the safety guardrails on its models.")
    assert "drop" in terms.negated
    assert "limit" not in terms.negated


def test_the_seed_tells_which_names_are_companies() -> None:
    from pipeline.judging.reading import _companies
    seed = ("The regulator threatened chip maker Acme. Globex, a rival firm, said nothing. "
            "Initech's minister spoke.")
    assert _companies(seed, ["Acme", "Globex", "Initech"]) == {"acme", "globex"}


@pytest.mark.parametrize(("sentence", "insists"), [
    ("The restrictions Anthropic sought to impose were dropped.", True),
    ("It collapsed over the company's attempt to prevent such use.", True),
    ("A judge suspended measures that sought to restrict its use.", False),
])
def test_a_party_pressing_for_a_limit_insists_on_it(sentence: str, insists: bool) -> None:
    from pipeline.judging.reading import _as_read
    assert ("insist" in _analyse(_as_read(sentence)).stems) == insists


def test_a_negated_agreement_does_not_reach_its_object() -> None:
    terms = _analyse("It would not agree to their demands today.")
    assert "agree" in terms.negated
    assert "insist" not in terms.negated


@pytest.mark.parametrize(("word", "family"), [
    ("partner", "partnership"), ("alert", "alarm"), ("consumed", "affected"),
    ("skyscrapers", "buildings"), ("competitors", "rivals"), ("dispatched", "deployed"),
    ("reluctant", "refuses"), ("autonomously", "autonomous"),
])
def test_a_word_of_the_same_family_reads_as_the_claims(word: str, family: str) -> None:
    assert _canonical(tokenize(word)[0]) == _canonical(tokenize(family)[0])


@pytest.mark.parametrize(("text", "read"), [
    ("the 31-floor towers", "the 31-storey towers"),
    ("a 31-story tower", "a 31-storey tower"),
    ("towers of 31 stories", "towers of 31 storeys"),
    ("smoke filled three floors", "smoke filled three floors"),
    ("the story of 31 families", "the story of 31 families"),
])
def test_a_height_is_read_in_storeys_only_after_its_figure(text: str, read: str) -> None:
    from pipeline.judging.reading import _as_read
    assert _as_read(text) == read


def test_a_demand_is_an_insistence_and_a_want() -> None:
    assert {"insist", "want"} <= set(_analyse("The department is demanding it.").stems)
    assert "want" not in _analyse("The company insists on it.").stems



@pytest.mark.parametrize(("text", "read"), [
    ("the jet was carrying 169 Indian nationals", "the jet was had on board 169 Indian nationals"),
    ("it carried about 240 people", "it had on board about 240 people"),
    ("crews carried out searches", "crews carried out searches"),
])
def test_carrying_a_count_is_having_it_on_board(text: str, read: str) -> None:
    from pipeline.judging.reading import _as_read
    assert _as_read(text) == read


@pytest.mark.parametrize(("text", "read"), [
    ("169 Indians and 53 Britons", "169 Indian nationals and 53 British nationals"),
    ("seven Portuguese were on board", "seven Portuguese nationals were on board"),
    ("On 12 March, the airline said", "On 12 March, the airline said"),
    # a place before a noun is no demonym, though it ends like one ("Indians", "Israelis")
    ("Police searched 3 Paris suburbs", "Police searched 3 Paris suburbs"),
    ("53 Americans were on board", "53 American nationals were on board"),
])
def test_a_demonym_after_a_count_is_nationals_a_month_is_not(text: str, read: str) -> None:
    from pipeline.judging.reading import _as_read
    assert _as_read(text) == read

"""The judge's own rules: relevance, numeric contradictions and development candidates."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_story
from pipeline.judging import (
    _developments,
    _named_as_titled,
    _parties,
    _profile,
    _units,
    _words,
    relevance,
)
from pipeline.judging.developments import Background, overlap, same_development, terms
from pipeline.judging.numbers import Quantity, quantities
from pipeline.records import Article, Claim, Story

REPO = Path(__file__).resolve().parent.parent
STORY = load_story(REPO / "config" / "stories" / "pentagon-anthropic.toml")
CLAIM = "Anthropic's contract with the Pentagon is worth around $200 million."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("worth $200 million", [Quantity("money", 200e6)]),
        ("a $1.5 billion deal", [Quantity("money", 1.5e9)]),
        ("US$ 450m", [Quantity("money", 450e6)]),
        ("$119.8 million and 30 %", [Quantity("money", 119.8e6), Quantity("percent", 30)]),
        ("450 million dollars", [Quantity("money", 450e6)]),
        ("within 180 days", [Quantity("day", 180)]),
        ("more than 24 hours after", [Quantity("hour", 24)]),
        ("killed 168 people on Nov. 26, 2025", [Quantity("count", 168)]),
        ("killed 36 people in May", [Quantity("count", 36)]),
        ("for 30 minutes", [Quantity("minute", 30)]),
        ("$1,250,000", [Quantity("money", 1.25e6)]),
        ("no figures here", []),
        ("at 2:51 pm on Nov 26, 2025", [Quantity("time", 14 * 60 + 51)]),
        ("took off at 1339 hrs", [Quantity("time", 13 * 60 + 39)]),
        ("at 13.39 hrs", [Quantity("time", 13 * 60 + 39)]),
        ("at 1339 hours", [Quantity("time", 13 * 60 + 39)]),
        ("At 1.39 pm", [Quantity("time", 13 * 60 + 39)]),
        ("seven of the eight blocks", [Quantity("count", 7), Quantity("count", 8)]),
    ],
)
def test_quantities(text: str, expected: list[Quantity]) -> None:
    assert quantities(text) == expected


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("the 31-storey towers", [("count", 31.0, "storey")]),
        ("a 48-page filing and 3 judges", [("count", 48.0, "page"), ("count", 3.0, "")]),
        ("a 200-strong crew", [("count", 200.0, "")]),  # how it is rounded, not a measure
        ("a 37-year-old firefighter", [("year", 37.0, "")]),
        ("COVID-19 and F-35 jets", []),  # names, not figures
        ("sixty-five dead, forty-Two hurt", [("count", 65.0, ""), ("count", 42.0, "")]),
    ],
)
def test_a_number_hyphenated_to_a_word_measures_that_word(
        text: str, units: list[tuple[str, float, str]]) -> None:
    assert [(q.kind, q.value, q.unit) for q in quantities(text)] == units


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("pentagon's", "pentagon"),
        ("pentagon’s", "pentagon"),
        ("business", "business"),
        ("boss's", "boss"),
        ("its", "its"),
        ("says", "says"),
        ("s", "s"),
    ],
)
def test_strip_possessive_removes_the_suffix_not_its_letters(word: str, expected: str) -> None:
    from pipeline.judging.reading import strip_possessive

    assert strip_possessive(word) == expected


def _read(claim: str, sentences: list[str]) -> tuple[str, str]:
    from pipeline.judging.reading import ClaimReader
    from tests.conftest import shipped_model

    reader = ClaimReader([claim], STORY.keywords, shipped_model().text_stats)
    reading = reader.read("", sentences)[0]
    return reading.stance, reading.evidence


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        ("Anthropic's contract with the Defense Department is worth about $450 million.",
         "contradicts"),
        ("The Pentagon deal with Anthropic is worth $450 million, not $200 million.",
         "contradicts"),
        ("Anthropic's contract is worth $120 million, well below the $200 million reported.",
         "contradicts"),
        ("The Pentagon's contract with Anthropic is worth roughly $205 million.", "confirms"),
        ("Anthropic's contract with the Pentagon is valued at $200 million.", "confirms"),
    ],
)
def test_figures_compared_as_values(sentence: str, verdict: str) -> None:
    assert _read(CLAIM, ["Unrelated opening sentence.", sentence]) == (verdict, sentence)


def test_figures_need_the_same_fact_and_kind() -> None:
    assert _read(CLAIM, ["The parade cost $450 million."])[0] == "unrelated"  # other subject
    assert _read(CLAIM, ["Anthropic's Pentagon contract runs 180 days."])[0] != "contradicts"
    assert _read("The Pentagon threatened Anthropic.", ["It is worth $9."])[0] == "unrelated"


def test_a_quote_of_both_figures_without_correction_is_not_a_contradiction() -> None:
    sentences = ["Anthropic's contract with the Pentagon is worth around $200 million.",
                 "Anthropic's contract with the Pentagon, some said, is worth $450 million."]
    assert _read(CLAIM, sentences)[0] == "confirms"


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        ("The death toll in the tower fire rose to 94 on Friday.", "contradicts"),
        ("The tower fire killed at least 151 people, with 39 still missing.", "contradicts"),
        ("At least 36 people died in the tower fire, officials said.", "confirms"),
        ("Some 4,000 people live in the estate, a resident said.", "unrelated"),
    ],
)
def test_revised_counts(sentence: str, verdict: str) -> None:
    claim = "At least 36 people were killed in the tower fire."
    assert _read(claim, [sentence])[0] == verdict


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        # A bound close below the claim's figure keeps it; a bound far from it does not.
        ("The estate is home to over 4,000 residents.", "discusses"),
        ("Some 4,000 residents live in the estate.", "contradicts"),
        ("The estate is home to more than 5,000 residents.", "contradicts"),
        ("The estate's 4,600 residents were told to leave.", "confirms"),
    ],
)
def test_bounds_and_compound_words(sentence: str, verdict: str) -> None:
    claim = "About 4,600 people live in the estate."
    assert _read(claim, [sentence])[0] == verdict


@pytest.mark.parametrize("sentence", [
    "The fire at the residential complex killed 151 people.",
    "Flames spread across all eight blocks of the estate, with other residents trapped inside.",
])
def test_a_count_of_something_else_near_the_claims_words(sentence: str) -> None:
    assert _read("About 4,600 people live in the estate.", [sentence])[0] != "contradicts"


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        ("The fire started at 2.51pm on Wednesday.", "confirms"),
        ("The fire was first reported at 2.51pm on Wednesday.", "confirms"),
        ("The blaze erupted around midday on Wednesday.", "contradicts"),
        ("The fire broke out late on Tuesday night.", "contradicts"),
        ("The predawn blaze began on the 20th floor.", "contradicts"),
        ("The fire broke out on Wednesday afternoon.", "discusses"),
        ("The fire broke out at 4.10pm.", "contradicts"),
    ],
)
def test_parts_of_the_day_against_a_clock_time(sentence: str, verdict: str) -> None:
    claim = "The fire broke out at about 2:51 pm local time."
    assert _read(claim, [sentence])[0] == verdict


def test_a_part_restated_without_its_whole() -> None:
    claim = "Seven of the estate's eight blocks were affected by the fire."
    assert _read(claim, ["Teams continue to search the seven affected blocks for remains."]
                 )[0] == "confirms"
    assert _read(claim, ["Teams continue to search the six affected blocks for remains."]
                 )[0] == "contradicts"
    assert _read(claim, ["The fire affected all eight blocks of the estate."]
                 )[0] == "contradicts"
    assert _read(claim, ["The fire affected seven of the eight blocks of the estate."]
                 )[0] == "confirms"
    assert _read(claim, ["The fire gutted seven of the complex's eight 32-storey blocks."]
                 )[0] == "confirms"
    assert _read(claim, ["By morning, seven of the estate's eight towers were burning."]
                 )[0] == "confirms"


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        ("There are 29 people hospitalised after the fire.", "confirms"),
        ("The fire left 65 people dead and 76 injured in hospital.", "contradicts"),
        ("The fire sent 40 people to hospital.", "contradicts"),
        ("The fire killed nine people at the scene, and four died in hospital.", "discusses"),
    ],
)
def test_in_hospital_reads_as_treated(sentence: str, verdict: str) -> None:
    claim = "29 people were being treated in hospital after the fire."
    assert _read(claim, [sentence])[0] == verdict


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        ("The fire broke out on Wednesday afternoon.", "confirms"),
        ("The fire broke out at 2:51 pm on Wednesday.", "confirms"),
        ("The fire broke out late on Wednesday night.", "contradicts"),
        ("The fire broke out on Wednesday.", "confirms"),
    ],
)
def test_a_claimed_part_of_the_day(sentence: str, verdict: str) -> None:
    claim = "The fire broke out on Wednesday afternoon."
    assert _read(claim, [sentence])[0] == verdict


def test_a_figure_another_claim_gives_gainsays_no_claim() -> None:
    from pipeline.judging.reading import ClaimReader
    from tests.conftest import shipped_model

    reader = ClaimReader(["The estate is made up of eight tower blocks.",
                          "Seven of the estate's eight blocks were affected by the fire."],
                         STORY.keywords, shipped_model().text_stats)
    whole, part = reader.read("", ["Fires swept through seven high-rise towers in the "
                                   "residential complex."])
    assert (whole.stance, part.stance) == ("discusses", "confirms")
    whole, part = reader.read("", ["The fire swept across all eight blocks of the estate."])
    assert (whole.stance, part.stance) == ("confirms", "contradicts")


def test_a_bound_is_read_near_its_value() -> None:
    from pipeline.judging.numbers import within_bound

    over = quantities("over 4,000 people")[0]
    assert over.bound == "above" and within_bound(over, 4600) and not within_bound(over, 5600)
    under = quantities("fewer than 30 people")[0]
    assert under.bound == "below" and within_bound(under, 25) and not within_bound(under, 31)
    assert quantities("about 4,000 people")[0].bound == ""


def test_relevance_needs_a_keyword_and_the_story_vocabulary() -> None:
    on = Article(url="u", title="Pentagon and Anthropic", text=STORY.seed_text)
    assert relevance(on, STORY) >= 0.5
    keyword_only = Article(url="u", title="Claude app update",
                           text="Anthropic released a new Claude app with offline drafts and "
                                "shared projects for families planning holidays.")
    assert relevance(keyword_only, STORY) < 0.5
    no_keyword = Article(url="u", title="x", text=STORY.seed_text.replace("Anthropic", "X")
                         .replace("Pentagon", "Y").replace("Claude", "Z")
                         .replace("Department of Defense", "W"))
    assert relevance(no_keyword, STORY) == 0.0


def test_keywords_one_of_which_the_story_writes_as_the_others_name_one_party() -> None:
    story = Story(
        slug="s", title="Regulator fines Acme", published=None,
        keywords=("Acme", "Widget", "Regulator", "Jones", "Jane Doe"),
        seed_text="The Regulator's case against Acme ended in a fine. Acme's chatbot Widget "
                  "broke the rules, the regulator's chief Sam Jones said. Acme chief executive "
                  "Jane Doe said the company would appeal. A Regulator spokesperson said Acme "
                  "had been warned.",
        claims=(Claim(key="fine", text="The Regulator fined Acme."),),
    )
    named = {tuple(story.keywords[i] for i in party) for party in _parties(story)}
    assert named == {("Acme", "Widget", "Jane Doe"), ("Regulator", "Jones")}


def test_the_title_words_for_the_event_leave_out_what_its_names_are() -> None:
    # "housing estate" says what Linden Court is: news of the city's housing estates is not
    # news of the fire. A verb after a name ("Acme fines ...") is no such word.
    def event_terms(title: str, keywords: tuple[str, ...]) -> frozenset[str]:
        story = Story(slug="s", title=title, published=None, keywords=keywords,
                      seed_text="x", claims=())
        return _profile(story).title_event_terms

    assert event_terms("Deadly fire at Linden Court housing estate in Elm Bay, Port Marlow",
                       ("Port Marlow",)) == {"deadly", "fire"}
    assert event_terms("Fire at the Harbour View towers", ("Harbour View",)) == {"fire"}
    assert event_terms("Regulator fines Acme over chatbot", ("Acme", "Regulator")) == {
        "fine", "chatbot"}


def test_a_follow_up_names_the_story_as_its_title_does_and_comes_back_to_it() -> None:
    story = Story(slug="s", title="Regulator fines Acme over chatbot", published=None,
                  keywords=("Acme", "Regulator"), seed_text="The Regulator fined Acme.",
                  claims=())

    def named(title: str, *sentences: str) -> bool:
        units = _units(title, list(sentences))
        return _named_as_titled(units, [frozenset(_words(u)) for u in units], _profile(story))

    # Both parties in the title, and the company again below: a follow-up.
    assert named("Acme appeals the Regulator's fine", "Acme filed its appeal on Monday.",
                 "Its lawyers said Acme would win.")
    # One party with the title's verb is that party's other news.
    assert not named("Acme fines its own staff", "Acme said staff who were late paid a fine.",
                     "Acme has 200 staff.")
    # Named so in the lede but not come back to: a feature on something else.
    assert not named("Acme and the Regulator", "Acme met the Regulator on Monday.",
                     *(["The weather in Lyon was mild and sunny all week."] * 12))


def test_background_is_not_a_development_and_news_is() -> None:
    background = Article(url="u", title="t", text=(
        "The Pentagon has threatened to cut ties with Anthropic over limits on military use. "
        "Anthropic's contract with the Pentagon is worth around $200 million, the Wall Street "
        "Journal reported."))
    assert _developments(background, STORY, []) == []
    news = Article(url="u", title="t", text=(
        "Defense Secretary Pete Hegseth signed a memo on Thursday designating Anthropic a "
        "supply-chain risk and ordering a 180-day wind-down of Claude across the department."))
    (dev,) = _developments(news, STORY, [])
    assert {"memo", "chain", "wind"} <= dev.terms  # "Hegseth" is a story keyword: known


def test_a_sentence_of_thousands_of_words_is_no_development() -> None:
    # A page glued into one "sentence" (a list, a hostile page) holds every word: filed under
    # a development it would link every later report to it, and it costs each comparison.
    glued = "Anthropic said " + " ".join(
        f"officials{i} signed memo{i} ordering wind-down{i} of contracts{i}" for i in range(400))
    news = Article(url="u", title="t", text=(
        "Defense Secretary Pete Hegseth signed a memo on Thursday designating Anthropic a "
        f"supply-chain risk and ordering a 180-day wind-down of Claude. {glued}."))
    found = _developments(news, STORY, [])
    assert found and all(len(d.sentence.split()) < 200 for d in found)


def test_an_article_opens_at_most_two_developments() -> None:
    # Three sentences of news, each naming the story and new to it: the third is the
    # article's detail, and on real coverage such details opened developments of their own.
    # It may still report a development others opened: it only joins.
    news = Article(url="u", title="t", text=(
        "Defense Secretary Pete Hegseth signed a memo on Thursday designating Anthropic a "
        "supply-chain risk and ordering a 180-day wind-down of Claude across the department. "
        "Anthropic filed a lawsuit in federal court in San Francisco on Monday seeking an "
        "injunction against the Pentagon's designation. "
        "Lockheed Martin told suppliers in a letter that it would remove Claude from its "
        "engineering workstations by the end of the quarter, the Pentagon said."))
    found = _developments(news, STORY, [])
    assert [d.joins_only for d in found] == [False, False, True]


def test_development_terms_cluster_paraphrases_not_different_events() -> None:
    bg = Background.of([STORY.seed_text, *(c.text for c in STORY.claims)])
    a = bg.novel_terms("Hegseth formally designated Anthropic a supply-chain risk in a memo "
                       "dated March 5.")
    b = bg.novel_terms("In a memo signed by Pete Hegseth on March 5, the department labeled "
                       "Anthropic a supply-chain risk.")
    c = bg.novel_terms("Halvorsen Systems said it would stop using Claude by June 30, its chief "
                       "executive wrote in a memo.")
    assert same_development(a, b)
    assert not same_development(a, c) and not same_development(b, c)
    assert overlap(frozenset(), a) == 0.0
    assert "design" in terms("designation") and "design" in terms("designated")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("NEW YORK, Feb 20 (Continental Newswire) — Even if the Pentagon acts, it waits.",
         "Even if the Pentagon acts, it waits."),
        ("ARLINGTON, Va. — Halvorsen Systems said it would stop.",
         "Halvorsen Systems said it would stop."),
        ("The US — and its allies — agreed to more.", "The US — and its allies — agreed to more."),
    ],
)
def test_strip_dateline(sentence: str, expected: str) -> None:
    from pipeline.judging.text import strip_dateline

    assert strip_dateline(sentence) == expected


def test_a_stance_needs_evidence_that_speaks_of_the_claim() -> None:
    from pipeline.judging.reading import ClaimReader
    from tests.conftest import shipped_model

    claim = "The Pentagon is not willing to negotiate case-by-case exceptions with Anthropic."
    reader = ClaimReader([claim], ["Anthropic", "Pentagon"], shipped_model().text_stats)

    def stance(sentence: str) -> str:
        return reader.read("", [sentence])[0].stance

    assert stance("Anthropic declined to comment on its rivals.") == "unrelated"
    assert stance("The Pentagon refuses to negotiate exceptions with Anthropic case by "
                  "case.") == "confirms"
    assert stance("The Pentagon said talks with Anthropic continue.") == "discusses"


@pytest.mark.timeout(10)
def test_a_long_run_of_digits_is_read_in_linear_time() -> None:
    """A hostile page's 20,000-digit run: the money and percent patterns retried from every
    digit and backtracked over the rest (10 s for 10,000 digits; judging runs in the writer
    thread, so the whole daemon waited)."""
    for text in ("worth " + "9" * 20000 + " million dollars", "$" + "9" * 20000 + " million",
                 "9" * 20000 + " per cent"):
        found = quantities(text)
        assert len(found) == 1, text[:20]
    assert [q.value for q in quantities("$1,234 and 12.5% and 40 per cent")] == [1234, 12.5, 40]


@pytest.mark.timeout(20)
def test_a_sentence_listing_a_thousand_figures_is_read_in_bounded_time(model) -> None:
    """Each figure was read against the whole sentence (its clause, its neighbours): a hostile
    page's 50 kB sentence of figures took 16 s of the writer thread."""
    from pipeline.judging import judge
    from pipeline.records import Claim, Story

    story = Story(slug="s", title="Acme deal", published=None, keywords=("Acme",),
                  seed_text="Acme agreed a deal worth $200 million with Beta Corp.",
                  claims=(Claim("value", "The deal is worth $200 million."),))
    text = "Acme deal. " + "Acme deal worth $200 million, half of ten people, " * 2000 + "end."
    article = Article(url="http://x.example/a", title="Acme deal", text=text,
                      site="x.example", author=None, published_at=None)
    judgment = judge(article, story, model=model)
    assert judgment.relevance > 0  # judged, not skipped as off-story


@pytest.mark.timeout(20)
def test_hostile_runs_of_one_word_time_or_disclaimer_are_read_in_bounded_time() -> None:
    """Three spots retried their work from every position of a hostile sentence: the word
    before a period (a 200,000-letter word, minutes), the figures already read (20,000 clock
    times) and a disclaimer of a link ("not linked to", 20,000 times)."""
    from pipeline.judging.text import split_sentences

    assert len(split_sentences("Acme " + "a" * 200_000 + " x. Then more.")) == 2
    assert len(quantities("At 1.39 pm, " * 20_000)) == 20_000
    story = Story(slug="s", title="Acme fire", published=None, keywords=("Acme",),
                  seed_text="A fire broke out at Acme's plant.",
                  claims=(Claim("fire", "A fire broke out at the Acme plant."),))
    text = "Acme fire news. The outage was " + "not linked to " * 20_000 + "it."
    relevance(Article(url="http://x.example/a", title="Acme fire", text=text,
                      site="x.example", author=None, published_at=None), story)


def test_a_wire_brief_is_never_a_passing_mention_a_longer_piece_of_one_party_is() -> None:
    lines = [
        "Anthropic adds a voice mode to Claude",
        "Anthropic on Monday added a voice mode to its Claude assistant for paying users.",
        "Users can speak to Claude and hear its answers read aloud in several voices.",
        "Anthropic said the feature would reach phones first and computers later.",
        "Reviewers said Claude understood accents well but paused too long between turns.",
        "Anthropic did not say what the feature cost to build.",
        "Claude was used by the US military in the operation to capture Nicolas Maduro, the "
        "Wall Street Journal reported.",
    ]
    extra = ["Anthropic said it would add more languages to Claude over the coming months, "
             "starting with Spanish, French and German for users in Europe and Latin America."] * 3
    brief = Article(url="u", title=lines[0], text="\n".join(lines[1:]))
    longer = Article(url="u", title=lines[0], text="\n".join([*lines[1:], *extra]))
    assert len(f"{brief.title} {brief.text}".split()) <= 150 < len(longer.text.split())
    assert relevance(brief, STORY) >= 0.5
    assert relevance(longer, STORY) == 0.0


def test_a_second_sentence_of_the_same_event_opens_no_development_of_its_own() -> None:
    news = Article(url="u", title="t", text=(
        "A federal judge granted Anthropic a preliminary injunction on Thursday against the "
        "Pentagon's designation, in a ruling from San Francisco. "
        "Legal experts cautioned that the injunction only restores the position of late "
        "February, and the Pentagon said it would appeal."))
    found = _developments(news, STORY, [])
    assert [d.joins_only for d in found] == [False, True]


def test_commentary_on_what_would_follow_is_no_development() -> None:
    news = Article(url="u", title="t", text=(
        "Even if the Pentagon carries out its threat to drop Anthropic, procurement officers "
        "would struggle for months to find a substitute for Claude on secret systems."))
    assert _developments(news, STORY, []) == []


def test_a_second_sentence_reporting_no_event_opens_no_development() -> None:
    news = Article(url="u", title="t", text=(
        "Lockheed Martin told its suppliers on Tuesday to remove Claude from engineering "
        "workstations within a month, citing the Pentagon's designation. "
        "Analysts described the Anthropic episode as a template for how every frontier "
        "laboratory negotiates secret deployments, procurement language and liability clauses "
        "from now on."))
    found = _developments(news, STORY, [])
    assert [(d.joins_only, d.sentence[:8]) for d in found] == [
        (False, "Lockheed"), (True, "Analysts")]


CITY_FIRE = load_story(REPO / "tests" / "data" / "patterns" / "city-fire.toml")


def test_another_event_in_the_same_city_is_not_coverage_the_story_unnamed_in_its_lede_is() -> None:
    other = [
        "Flat fire at Port Marlow housing block kills one",
        "A fire at Cedar House in Birch Hill Estate killed one man on Sunday, the Port Marlow "
        "fire service said.",
        "About 100 residents left the tower as 40 firefighters fought the blaze.",
        "The flat was full of old boxes, an officer said.",
        "Neighbours said the smoke filled the corridors within minutes.",
        "The cause of the fire is under investigation.",
        "The Linden Court fire in June killed at least 150 people.",
    ]
    # A wire brief of the story that names neither its estate nor another place in its lede.
    brief = [
        "Port Marlow fire toll rises to 150",
        "The death toll from the housing estate fire in Port Marlow has risen to 150, officials "
        "said on Friday, after search teams found more bodies in the burnt towers.",
        "About 30 people are still missing, and 60 remain in hospital.",
        "Officials said the fire spread along the scaffolding that covered the towers.",
        "Police have arrested eight people over the repair work on the estate.",
        "The search of the towers is expected to end next week.",
        "Residents of Linden Court have been moved to hotels and hostels across the city.",
    ]
    assert relevance(Article(url="u", title=other[0], text="\n".join(other[1:]),
                             published_at="2026-01-04"), CITY_FIRE) == 0.0
    article = Article(url="u", title=brief[0], text="\n".join(brief[1:]),
                      published_at="2025-06-06")
    assert 60 <= len(f"{article.title} {article.text}".split()) <= 150
    assert relevance(article, CITY_FIRE) >= 0.5
    # The same other-event piece that names the story's estate in its lede is judged as usual.
    named = [other[0], other[1].replace("Cedar House in Birch Hill Estate",
                                        "Cedar House next to Linden Court"), *other[2:]]
    assert relevance(Article(url="u", title=named[0], text="\n".join(named[1:]),
                             published_at="2026-01-04"), CITY_FIRE) > 0.0


@pytest.mark.parametrize(
    ("text", "ranks"),
    [
        ("a No. 5 alarm fire", [(5.0, "alarm")]),
        ("the No.5 Alarm Fire", [(5.0, "alarm")]),
        ("a five-alarm fire and a 3-alarm blaze", [(5.0, "alarm"), (3.0, "alarm")]),
        ("raised to a level five alarm", [(5.0, "alarm")]),
        ("a category 4 hurricane", [(4.0, "hurricane")]),
        ("a No 1 alarm fire, then No 4 by 3.34pm", [(1.0, "alarm"), (4.0, "alarm")]),
        ("to the highest level, five, at dusk", [(5.0, "")]),
        ("No one was hurt", []),  # "No" takes digits only
        ("at that stage 30 people were trapped", []),  # ranks run low: a count
    ],
)
def test_ranks_on_a_scale(text: str, ranks: list[tuple[float, str]]) -> None:
    assert [(q.value, q.unit) for q in quantities(text) if q.kind == "level"] == ranks


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        ("Ten people died in the top-level No 5 alarm fire.", "confirms"),
        ("The five-alarm fire gutted the tower.", "confirms"),
        ("The blaze was a No 1 alarm fire at first but was raised to No 4 by 3.34pm and to "
         "No 5 at 6.22pm.", "confirms"),
        ("Crews upgraded the incident to a level 5 alarm, the city's highest.", "confirms"),
        ("The fire was upgraded to a No. 4 alarm at 3.34pm.", "contradicts"),
        ("A category 4 hurricane struck the coast.", "unrelated"),  # another scale
        ("Typhoon signal No. 8 was hoisted.", "unrelated"),
        ("It was raised again, to the highest level, five, at dusk.", "confirms"),
        ("Typhoon signal No. 8 was raised at dusk.", "unrelated"),
    ],
)
def test_a_rank_is_compared_as_a_value_of_its_scale(sentence: str, verdict: str) -> None:
    claim = "The fire was raised to a level five alarm, the highest level in the city."
    assert _read(claim, ["Unrelated opening sentence.", sentence])[0] == verdict


def test_a_rank_between_a_tally_and_its_figure_is_no_count() -> None:
    claim = "At least 36 people were killed in the fire."
    assert _read(claim, ["The death toll in the No. 5 alarm fire rose to 44."]
                 )[0] == "contradicts"


def test_a_lede_saying_a_detail_is_not_tied_to_a_party_is_still_coverage() -> None:
    """Only a lede that disowns the story's event ("not linked to that fire") turns a piece
    away; coverage says a detail is not tied to a party's name just as well."""
    story = load_story(REPO / "config" / "stories" / "pentagon-anthropic.toml")
    text = ("The Pentagon has threatened to cut ties with Anthropic, officials said on Monday. "
            "A defence official said the move was not tied to Anthropic's politics but to its "
            "limits on military use. Anthropic insists on limits on how the US military can use "
            "its AI models.")
    article = Article(url="http://x.example/a", title="Pentagon threatens to cut ties with "
                      "Anthropic over AI limits", text=text, site="x.example", author=None,
                      published_at=None)
    assert relevance(article, story) > 0


def test_an_article_is_judged_on_its_first_sixty_thousand_characters(model) -> None:
    """Judging reads every sentence against every claim in the ingesting process: a page of
    megabytes would hold it for minutes. What stands past the cap is not read."""
    from pipeline.judging import MAX_JUDGED_CHARS, judge

    lede = ("The Pentagon has threatened to cut ties with Anthropic over the limits it places "
            "on military use of Claude, officials said. ")
    filler = "The dispute between Anthropic and the Pentagon went on through the week. "
    padding = filler * (MAX_JUDGED_CHARS // len(filler) + 1)
    late = "Anthropic's contract with the Pentagon is worth about $120 million, records show."
    article = Article(url="http://x.example/a", title="Anthropic and the Pentagon",
                      text=lede + late + " " + padding, site="x.example")
    found = {c.claim_key: c.stance.value for c in judge(article, STORY, model=model).claims}
    assert found.get("contract-value") == "contradicts"  # read while within the cap
    past = Article(url="http://x.example/b", title="Anthropic and the Pentagon",
                   text=lede + padding + late, site="x.example")
    judged = judge(past, STORY, model=model)
    assert judged.relevant
    assert {c.claim_key: c.stance.value for c in judged.claims}.get("contract-value") in (
        None, "unrelated")

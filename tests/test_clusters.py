"""Development clustering decided before the write: assign_clusters is pure."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from pipeline.judging import developments
from pipeline.judging.developments import (
    Background,
    NewCluster,
    adopt_pending,
    assign_clusters,
    common_terms,
    linkage,
    name_terms,
    overlap,
    same_development,
)

MEMO = frozenset({"hegseth", "memo", "designat", "supply", "chain", "risk"})
MEMO_AGAIN = frozenset({"memo", "designat", "supply", "chain", "sign"})
CONTRACT = frozenset({"halvorsen", "contract", "cancel", "june", "stop"})
CONTRACT_AGAIN = frozenset({"halvorsen", "contract", "cancel", "deadline"})


def test_a_candidate_joins_the_stored_development_it_shares_terms_with() -> None:
    assert assign_clusters([MEMO_AGAIN], [(3, [CONTRACT]), (7, [MEMO])]) == [7]


def test_a_candidate_close_to_nothing_opens_a_development() -> None:
    assert assign_clusters([CONTRACT], [(7, [MEMO])]) == [NewCluster(0)]
    assert assign_clusters([MEMO, CONTRACT], []) == [NewCluster(0), NewCluster(1)]


def test_a_later_candidate_joins_one_the_same_article_opened() -> None:
    assert assign_clusters([CONTRACT, MEMO_AGAIN, CONTRACT_AGAIN], [(7, [MEMO])]) == [
        NewCluster(0), 7, NewCluster(0)]


def test_a_tie_goes_to_the_first_cluster() -> None:
    assert assign_clusters([MEMO], [(2, [MEMO]), (5, [MEMO])]) == [2]


ARREST = frozenset({"police", "arrest", "director", "contractor", "manslaughter"})
ARREST_NAME_DROPPED = frozenset({"officer", "detain", "director", "contractor", "manslaughter"})
TITLE_ONLY = frozenset({"chief", "secretary", "briefing", "rescue"})


def test_a_sentence_not_naming_the_story_joins_on_more_shared_terms() -> None:
    assert assign_clusters([ARREST_NAME_DROPPED], [(4, [ARREST])], [True]) == [4]


def test_a_sentence_not_naming_the_story_opens_nothing() -> None:
    assert assign_clusters([TITLE_ONLY], [(4, [ARREST])], [True]) == [None]
    assert assign_clusters([ARREST_NAME_DROPPED], [], [True]) == [None]
    two_shared = frozenset({"chief", "secretary", "arrest", "director"})
    assert assign_clusters([two_shared], [(4, [ARREST])], [True]) == [None]


def test_two_shared_terms_link_no_two_reports() -> None:
    # A verb and a title ("arrested", "director") come up in many events of one story: a
    # report naming the story that shares only those opens its own development.
    two_shared = frozenset({"chief", "secretary", "arrest", "director"})
    assert assign_clusters([two_shared], [(4, [ARREST])]) == [NewCluster(0)]
    three_shared = two_shared | {"contractor"}
    assert assign_clusters([three_shared], [(4, [ARREST])]) == [4]


def test_a_sentence_not_naming_the_story_joins_one_the_article_opens() -> None:
    assert assign_clusters([ARREST, ARREST_NAME_DROPPED], [], [False, True]) == [
        NewCluster(0), NewCluster(0)]


def test_a_sentence_told_in_passing_joins_only_on_a_strong_link() -> None:
    # ARREST_NAME_DROPPED shares three of its five terms with ARREST: enough for a sentence
    # not naming the story, not for one told in passing (four terms, half the smaller set).
    assert assign_clusters([ARREST_NAME_DROPPED], [(4, [ARREST])], [True], [True]) == [None]
    recalled = frozenset({"police", "arrest", "director", "contractor", "bail"})
    assert assign_clusters([recalled], [(4, [ARREST])], [True], [True]) == [4]
    # It never opens a development, and never joins one that none of its terms reach.
    assert assign_clusters([recalled], [], [True], [True]) == [None]
    assert assign_clusters([recalled], [(7, [MEMO])], [True], [True]) == [None]


def test_a_sentence_told_in_passing_adds_no_development_the_article_already_joins() -> None:
    recalled = frozenset({"police", "arrest", "director", "contractor", "bail"})
    assert assign_clusters([ARREST, recalled], [(4, [ARREST])], [False, True],
                           [False, True]) == [4, None]
    assert assign_clusters([ARREST, recalled], [], [False, True], [False, True]) == [
        NewCluster(0), None]


def test_the_commonest_words_of_a_storys_reports_link_no_sentence_told_in_passing() -> None:
    designation = frozenset({"supply", "chain", "designat", "memo", "sign"})
    others = [frozenset({"supply", "chain", "designat", f"word{i}", f"other{i}"})
              for i in range(30)]
    assert common_terms(others) == {"supply", "chain", "designat"}
    assert common_terms(others[:19]) == frozenset()  # too few reports to tell
    stored = [(1, [designation]), *((i + 2, [o]) for i, o in enumerate(others))]
    # Four terms in common with the memo's report, three of them the story's commonest.
    recalled = frozenset({"supply", "chain", "designat", "memo", "court"})
    assert assign_clusters([recalled], stored, [True], [True]) == [None]
    recalled_memo = recalled | {"sign", "dated"}
    assert assign_clusters([recalled_memo], stored[:10], [True], [True]) == [1]


def test_an_article_without_sentences_told_in_passing_does_not_count_common_words(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Counting the story's commonest words reads every stored report: only an article with a
    # sentence told in passing pays for it.
    counted: list[int] = []
    real = developments.common_terms

    def counting(reports: Sequence[frozenset[str]]) -> frozenset[str]:
        counted.append(len(reports))
        return real(reports)

    monkeypatch.setattr(developments, "common_terms", counting)
    assert assign_clusters([ARREST], [(4, [ARREST])], [True]) == [4]
    assert counted == []
    recalled = frozenset({"police", "arrest", "director", "contractor", "bail"})
    assert assign_clusters([ARREST, recalled, recalled], [(4, [ARREST])], [False, True, True],
                           [False, True, True]) == [4, None, None]
    assert counted == [1]


def test_a_hyphenated_word_and_its_part_are_one_shared_word() -> None:
    # "a high-rise estate" and "high-rise flats" share one word, not two.
    lede = frozenset({"catastroph", "tore", "high-rise", "rise", "complex", "loss", "injur"})
    election = frozenset({"vot", "turnout", "high-rise", "rise", "griev", "election", "focus"})
    assert assign_clusters([election], [(1, [lede])]) == [NewCluster(0)]
    # Two other words besides still link them.
    assert assign_clusters([election | {"injur", "loss"}], [(1, [lede])]) == [1]


def test_a_waiting_sentence_joins_a_development_opened_later() -> None:
    # The name-dropped report of the arrests came first and waited; a report naming the story
    # opens the development now.
    choices = assign_clusters([CONTRACT, ARREST], [(7, [MEMO])])
    assert choices == [NewCluster(0), NewCluster(1)]
    assert adopt_pending([ARREST_NAME_DROPPED, TITLE_ONLY], [CONTRACT, ARREST], choices) == [
        NewCluster(1), None]


def test_a_waiting_sentence_joins_on_the_terms_of_a_joining_sentence() -> None:
    two_shared = frozenset({"chief", "secretary", "arrest", "director"})
    assert adopt_pending([two_shared], [ARREST], [NewCluster(0)]) == [None]


def test_a_waiting_sentence_joins_a_stored_development_a_later_report_shows_it_to_be() -> None:
    # It joined none of the stored developments when it came ("two directors and a
    # consultant were arrested", sharing one word with "police arrested three men"); a later
    # report joins development 4 in words it shares ("police arrested two directors and a
    # consultant"): the waiting sentence goes with it.
    assert adopt_pending([ARREST_NAME_DROPPED], [ARREST], [4]) == [4]
    assert adopt_pending([TITLE_ONLY], [ARREST], [4]) == [None]


def test_a_waiting_sentence_joins_nothing_through_a_sentence_told_in_passing() -> None:
    # A later article recalls the arrests in passing (a strong link to development 4) but
    # reports nothing of them: the waiting sentence is not taken in on three words shared with
    # that recall, a weaker link than the recall's own.
    recalled = frozenset({"police", "arrest", "director", "contractor", "manslaughter", "bail"})
    choices = assign_clusters([CONTRACT, recalled], [(4, [ARREST])], [False, True],
                              [False, True])
    assert choices == [NewCluster(0), 4]
    assert adopt_pending([ARREST_NAME_DROPPED], [CONTRACT, recalled], choices,
                         [False, True]) == [None]
    # Reported, not recalled in passing, the arrests take it in.
    assert adopt_pending([ARREST_NAME_DROPPED], [CONTRACT, recalled], choices) == [4]


def test_a_waiting_sentence_joins_nothing_when_the_article_reports_nothing() -> None:
    assert adopt_pending([ARREST_NAME_DROPPED], [ARREST], [None]) == [None]
    assert adopt_pending([], [ARREST], [NewCluster(0)]) == []


def test_an_officials_name_and_title_shared_are_two_terms_shared() -> None:
    bg = Background.of(["A fire broke out at the Harbour View estate."])
    search = bg.novel_terms("Security Secretary Alan Mok said the search of the towers "
                            "had ended.")
    arrests = bg.novel_terms("Security Secretary Alan Mok said three men had been arrested "
                             "for manslaughter.")
    arrests_again = bg.novel_terms("Police arrested three men on suspicion of manslaughter, "
                                   "Alan Mok said.")
    assert search.names == {"security", "secretary", "alan", "mok"}
    # The same official speaking of two events does not make them one development ...
    assert not same_development(search, arrests)
    assert assign_clusters([arrests], [(1, [search])]) == [NewCluster(0)]
    # ... but what he speaks of does, with his name or without it.
    assert assign_clusters([arrests_again], [(1, [search]), (2, [arrests])]) == [2]


def test_a_name_and_a_word_of_the_act_shared_are_one_development() -> None:
    bg = Background.of(["A fire broke out at the Harbour View estate."])
    condolences = bg.novel_terms("Chinese President Xi Jinping expressed condolences to the "
                                 "families of the victims.")
    again = bg.novel_terms("President Xi Jinping sent his condolences on Wednesday night and "
                           "urged rescuers on.")
    assert assign_clusters([again], [(1, [condolences])]) == [1]


def test_a_name_is_a_capitalised_word_not_the_sentence_opening() -> None:
    assert name_terms("Police arrested Alan Mok.") == {"alan", "mok"}
    assert name_terms("“Security Chief Alan Mok said so") == {
        "security", "chief", "alan", "mok"}
    assert name_terms("Two men were held by the ICAC.") == {"icac"}


def test_a_possessive_is_its_noun() -> None:
    bg = Background.of(["A fire broke out at the Harbour View estate."])
    unit = bg.novel_terms("The coroner's office said the firm's foreman had been questioned.")
    assert {"coroner", "office", "firm", "foreman"} <= unit
    assert not any("'" in t for t in unit)
    plural = bg.novel_terms("The cleaners' union asked for the workers' wages to be paid.")
    assert {"cleaner", "worker", "union"} <= plural


def test_a_people_and_its_country_and_a_short_stem_meet() -> None:
    bg = Background.of(["A fire broke out at the Harbour View estate."])
    consulate = bg.novel_terms("The consulate said 140 Malaysian domestic workers lived in the "
                               "towers.")
    charity = bg.novel_terms("Some 200 domestic workers from Malaysia were living in the estate, "
                             "a charity said.")
    assert {"malaysia", "liv", "domestic", "worker"} <= consulate & charity
    assert same_development(consulate, charity)


def test_a_two_letter_name_is_a_term() -> None:
    assert name_terms("Police said Li Qiang had resigned.") == {"li", "qiang"}
    assert name_terms("In the end, He said it was US policy.") == set()
    bg = Background.of(["A fire broke out at the Harbour View estate."])
    first = bg.novel_terms("Premier Li Qiang expressed condolences to the families.")
    second = bg.novel_terms("Li Qiang sent condolences and urged rescuers on.")
    assert {"li", "qiang", "condolenc"} <= first & second
    assert assign_clusters([second], [(1, [first])]) == [1]


def test_two_long_reports_of_one_event_need_not_share_a_quarter_of_all_their_words() -> None:
    long_a = frozenset({"arrest", "manslaughter", "director", "scaffold",
                        *(f"detail{i}" for i in range(16))})
    long_b = frozenset({"arrest", "manslaughter", "director", "scaffold",
                        *(f"other{i}" for i in range(16))})
    # Four words of the act shared of twenty each: a quarter of sixteen, not of twenty.
    assert same_development(long_a, long_b)
    # Three of them are still too few.
    assert not same_development(long_a, long_b - {"scaffold"})


# A development of the contractor's arrests, eight reports: five of the arrests, and three
# that came in by a side (a headline adding the people still missing, then two on the
# search for them). Eight terms each, so three shared are a weak link (3/8), four a strong one.
ARRESTS = [
    frozenset({"police", "arrest", "director", "contractor", "manslaughter", "engineer",
               "consultant", "suspic"}),
    frozenset({"police", "arrest", "director", "contractor", "manslaughter", "aged", "men",
               "held"}),
    frozenset({"arrest", "director", "engineer", "consultant", "renovation", "firm",
               "offices", "search"}),
    frozenset({"police", "detain", "contractor", "manslaughter", "bosses", "construct",
               "negligence", "gross"}),
    frozenset({"arrest", "construct", "bosses", "police", "miss", "200", "remain", "firm"}),
]
MISSING = [
    frozenset({"police", "hotline", "miss", "construct", "worker", "report", "enquiry",
               "unit"}),
    frozenset({"miss", "safe", "found", "casualty", "status", "clarifi", "unit", "relative"}),
    frozenset({"safe", "found", "relative", "shelter", "hospital", "famili", "miss", "case"}),
]
# Petitioner arrested for sedition: "police", "arrest", "suspicion" with the first report.
SEDITION = frozenset({"national", "security", "police", "arrest", "sedit", "petition",
                      "student", "suspic"})


def test_a_small_development_is_joined_on_one_weak_link() -> None:
    assert linkage(SEDITION, ARRESTS[:4]) == 3 / 8
    assert assign_clusters([SEDITION], [(9, ARRESTS[:4])]) == [9]


def test_a_large_development_is_joined_on_weak_links_to_a_quarter_of_its_reports() -> None:
    development = ARRESTS + MISSING
    # One weak link of eight: the report does not chain another event in.
    assert linkage(SEDITION, development) == 0.0
    assert assign_clusters([SEDITION], [(9, development)]) == [NewCluster(0)]
    # Weak links to two of eight (a quarter): it reports what they have in common.
    safe_again = frozenset({"miss", "found", "safe", "twelve", "unaccount", "remain", "six",
                            "people"})
    assert sorted(overlap(safe_again, m) for m in development)[-3:] == [0.0, 3 / 8, 3 / 8]
    assert linkage(safe_again, development) == 3 / 8
    assert assign_clusters([safe_again], [(9, development)]) == [9]


def test_a_strong_link_to_one_report_joins_a_large_development() -> None:
    # Half the terms of one report: the same event told again, however large it has grown.
    again = frozenset({"police", "arrest", "director", "contractor", "court", "bail",
                       "granted", "pending"})
    assert [overlap(again, m) for m in ARRESTS + MISSING].count(0.0) == 6
    assert linkage(again, ARRESTS + MISSING) == 4 / 8
    assert assign_clusters([again], [(9, ARRESTS + MISSING)]) == [9]


def test_a_report_that_came_in_by_a_side_chains_no_other_event_in() -> None:
    # The headline adding the people missing joins the arrests (a weak link to one of four
    # reports is enough); a report of the missing people's hotline shares three words with
    # that headline alone ("police", "missing", "construction"): with one link enough at
    # any size, it joined too, and every later report of the search would have followed.
    development = ARRESTS[:4]
    assert assign_clusters([ARRESTS[4], MISSING[0]], [(9, development)]) == [9, NewCluster(0)]

"""The development measures of the real-coverage scorer, on small hand-made clusterings."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCORER = Path(__file__).resolve().parent.parent / "benchmarks" / "eval_coverage.py"


@pytest.fixture(scope="module")
def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_coverage", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_coverage", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# Six articles, two events of three, each article reporting one: the clean case.
TWO_EVENTS = {"a": {"ban"}, "b": {"ban"}, "c": {"ban"},
              "d": {"suit"}, "e": {"suit"}, "f": {"suit"}}


def test_the_right_clustering_scores_one(scorer: ModuleType) -> None:
    right = {"a": {1}, "b": {1}, "c": {1}, "d": {2}, "e": {2}, "f": {2}}
    events = scorer.event_scores(TWO_EVENTS, right)
    pairs = scorer.pair_scores(TWO_EVENTS, right)
    assert (events.precision, events.recall, events.f1) == (1.0, 1.0, 1.0)
    assert (pairs.precision, pairs.recall, pairs.f1) == (1.0, 1.0, 1.0)
    assert (events.gold, events.predicted) == (6, 6)


def test_b_cubed_by_hand(scorer: ModuleType) -> None:
    # {a, b} right, {c, d} mixed, e and f alone; f's event split three ways.
    got = {"a": {1}, "b": {1}, "c": {2}, "d": {2}, "e": {3}, "f": {4}}
    events = scorer.event_scores(TWO_EVENTS, got)
    # Precision: a, b 1; c, d 1/2; e, f alone 1.
    assert events.precision == pytest.approx((1 + 1 + 0.5 + 0.5 + 1 + 1) / 6)
    # Recall: a, b hold 2 of 3 of "ban", c 1 of 3; d, e, f 1 of 3 of "suit".
    assert events.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 / 3 + 1 / 3 + 1 / 3) / 6)


def test_an_article_in_no_development_has_no_recall_and_costs_no_precision(
        scorer: ModuleType) -> None:
    got: dict[str, set[object]] = {"a": {1}, "b": {1}, "c": {1}, "d": {2}, "e": {2}}
    events = scorer.event_scores(TWO_EVENTS, got)
    assert events.precision == 1.0
    assert events.recall == pytest.approx((1 + 1 + 1 + 2 / 3 + 2 / 3 + 0) / 6)


def test_a_development_for_an_article_with_no_event_is_wrong(scorer: ModuleType) -> None:
    gold = {**TWO_EVENTS, "g": set()}
    got = {"a": {1}, "b": {1}, "c": {1}, "d": {2}, "e": {2}, "f": {2}, "g": {2}}
    events = scorer.event_scores(gold, got)
    assert events.precision == pytest.approx((3 * 1 + 3 * 3 / 4 + 0) / 7)
    assert events.recall == 1.0


def test_an_article_of_two_events_scores_its_best_match(scorer: ModuleType) -> None:
    gold = {"a": {"ban", "suit"}, "b": {"ban"}, "c": {"suit"}}
    got = {"a": {1, 2}, "b": {1}, "c": {2}}
    events = scorer.event_scores(gold, got)
    assert (events.precision, events.recall) == (1.0, 1.0)
    assert (events.gold, events.predicted) == (4, 4)


# Eight articles, each reporting many events: most pairs share one, as on real coverage.
MANY_LABELS = {
    "a": {"ban", "memo", "suit"}, "b": {"ban", "memo"}, "c": {"memo", "ruling"},
    "d": {"ruling", "suit"}, "e": {"deal", "ban"}, "f": {"deal", "ruling"},
    "g": {"meeting", "memo"}, "h": {"meeting", "suit"},
}


def test_one_catch_all_cluster_wins_pairs_but_not_events(scorer: ModuleType) -> None:
    clusterings = scorer.trivial_clusterings(MANY_LABELS)
    one = clusterings["one cluster"]
    assert {frozenset(c) for c in one.values()} == {frozenset({0})}
    pairs = scorer.pair_scores(MANY_LABELS, one)
    events = scorer.event_scores(MANY_LABELS, one)
    assert pairs.recall == 1.0 and pairs.f1 > 0.7  # pairs reward the catch-all
    # Per event, every member scores its largest event (4 of 8 at best).
    assert events.precision <= 0.5
    assert events.f1 < pairs.f1 - 0.1
    # A clustering by event beats the catch-all per event.
    by_event = {a: set(evs) for a, evs in MANY_LABELS.items()}
    assert scorer.event_scores(MANY_LABELS, by_event).f1 == 1.0


def test_each_article_alone(scorer: ModuleType) -> None:
    alone = scorer.trivial_clusterings(TWO_EVENTS)["each alone"]
    pairs = scorer.pair_scores(TWO_EVENTS, alone)
    events = scorer.event_scores(TWO_EVENTS, alone)
    assert (pairs.predicted, pairs.f1) == (0, 0.0)
    assert events.precision == 1.0
    assert events.recall == pytest.approx(1 / 3)


def test_nothing_labelled_nothing_predicted(scorer: ModuleType) -> None:
    events = scorer.event_scores({"a": set()}, {"a": set()})
    assert (events.precision, events.recall, events.f1) == (0.0, 0.0, 0.0)


def test_a_labels_file_can_keep_its_articles_apart_as_a_holdout(
        scorer: ModuleType, tmp_path: Path) -> None:
    import json

    def article(id_: str, url: str, **extra: object) -> dict[str, object]:
        return {"id": id_, "url": url, "date": "2026-03-01", "labels": {}, **extra}

    first = [article(f"{n:03}", f"https://example.org/{n}") for n in range(20)]
    (tmp_path / "labels.json").write_text(json.dumps({"articles": first}))
    later = [article("h01", "https://example.net/a"),
             article("h02", "https://example.net/b", syndicated_of="h01")]
    (tmp_path / "labels-holdout.json").write_text(
        json.dumps({"split": "holdout", "articles": later}))
    splits = {a.id: a.split for a in scorer.load_labels(tmp_path)}
    assert splits["h01"] == splits["h02"] == "holdout"
    hashed = {splits[f"{n:03}"] for n in range(20)}
    assert hashed == {"dev", "test"}


def test_each_article_knows_its_labels_file_and_a_batch_is_scored_alone(
        scorer: ModuleType, tmp_path: Path) -> None:
    import json

    def batch(name: str, ids: list[str]) -> None:
        articles = [{"id": i, "url": f"https://example.org/{i}", "date": "2026-03-01",
                     "labels": {}} for i in ids]
        (tmp_path / f"{name}.json").write_text(json.dumps({"split": "dev", "articles": articles}))

    batch("labels-dev2", ["d01", "d02"])
    batch("labels-dev3", ["e01"])
    assert {a.id: a.batch for a in scorer.load_labels(tmp_path)} == {
        "d01": "labels-dev2", "d02": "labels-dev2", "e01": "labels-dev3"}
    # A file that is not there is named, with the ones that are, before anything is ingested.
    with pytest.raises(SystemExit, match="no labels file 'labels-dev9'.*labels-dev2, labels-dev3"):
        scorer.main([str(tmp_path), "--batch", "labels-dev9"])


def test_a_labels_file_naming_an_unknown_split_is_refused(
        scorer: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "labels.json").write_text('{"split": "train", "articles": []}')
    with pytest.raises(SystemExit, match="split 'train'"):
        scorer.load_labels(tmp_path)


def test_the_clusters_are_listed_with_their_articles_events_and_sentences(
        scorer: ModuleType) -> None:
    def labelled(id_: str, events: list[str], on_story: bool = True) -> object:
        return scorer.Labelled(id=id_, url=f"https://example.org/{id_}", date="2026-03-01",
                               site="example.org", on_story=on_story, syndicated_of=None,
                               labels={}, developments=events)

    articles = [labelled("a", ["ban"]), labelled("b", ["ban"]), labelled("c", ["suit"]),
                labelled("d", [], on_story=False)]
    stored = {"ids": {f"https://example.org/{x}": n for n, x in enumerate("abcd", 1)},
              "devs": {1: {7}, 2: {8}, 3: {7}, 4: {8}},
              "dev_evidence": {(1, 7): "The agency banned it.", (2, 8): "It was barred.",
                               (3, 7): "They sued.", (4, 8): "A camp opened."}}
    lines = scorer.cluster_lines(articles, stored)
    assert lines[:3] == ["D7 (2 articles)", "    a [ban] The agency banned it.",
                         "    c [suit] They sued."]
    assert "    d [OFF] A camp opened." in lines
    # "ban" is reported by a and b, held by two developments: listed as split.
    assert lines[-2:] == ["events not held by one development:", "    ban: a:D7 b:D8"]


def test_a_source_agrees_with_its_label_by_kind_and_by_name(scorer: ModuleType) -> None:
    same = scorer.same_source
    assert same("own voice", "")
    assert not same("own voice", "Axios")
    assert not same("Axios", "")
    assert same("The Wall Street Journal", "Wall Street Journal")
    assert same("police", "Hong Kong police")
    assert same("authorities", "official") and same("official sources", "official")
    assert not same("police", "official")
    assert not same("Axios", "Reuters")

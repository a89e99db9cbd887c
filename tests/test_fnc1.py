"""FNC-1 scoring on hand-made examples with known answers, and the CSV round trip."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.judging.training import fnc1
from pipeline.judging.training.fnc1 import Pair


def test_fnc_score_weights_related_decision_and_exact_stance():
    gold = ["agree", "disagree", "discuss", "unrelated"]
    # agree right (1.0), disagree called discuss (0.25), discuss called unrelated (0),
    # unrelated right (0.25); best = 1 + 1 + 1 + 0.25
    got, best = fnc1.fnc_score(gold, ["agree", "discuss", "unrelated", "unrelated"])
    assert (got, best) == (1.5, 3.25)
    assert fnc1.score(gold, gold).fnc == 100.0


def test_confusion_and_per_class_f1():
    gold = ["agree", "agree", "disagree", "unrelated"]
    pred = ["agree", "disagree", "disagree", "unrelated"]
    scores = fnc1.score(gold, pred)
    assert scores.confusion == [[1, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]]
    assert scores.f1["agree"] == pytest.approx(2 / 3)  # p=1, r=1/2
    assert scores.f1["disagree"] == pytest.approx(2 / 3)  # p=1/2, r=1
    assert scores.f1["discuss"] == 0.0  # never gold nor predicted
    assert scores.f1["unrelated"] == 1.0
    assert scores.macro_f1 == pytest.approx((2 / 3 + 2 / 3 + 0 + 1) / 4)
    assert scores.accuracy == 0.75
    assert "macro-F1" in scores.render()


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError):
        fnc1.score(["agree"], [])


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_read_without_stance_column_and_round_trip(tmp_path):
    stances = _write(
        tmp_path / "s.csv",
        ["Headline", "Body ID"],
        [['Man bites dog, says "ouch"', "7"], ["Second, with comma", "3"]],
    )
    pairs = fnc1.read_stances(stances)
    assert pairs == [Pair('Man bites dog, says "ouch"', "7"), Pair("Second, with comma", "3")]
    out = tmp_path / "pred.csv"
    fnc1.write_predictions(out, pairs, ["agree", "unrelated"])
    again = fnc1.read_stances(out, require_stance=True)
    assert [(p.headline, p.body_id, p.stance) for p in again] == [
        ('Man bites dog, says "ouch"', "7", "agree"),
        ("Second, with comma", "3", "unrelated"),
    ]


def test_bad_inputs_name_the_file_and_column(tmp_path):
    bad = _write(tmp_path / "bad.csv", ["Title", "Body ID"], [["x", "1"]])
    with pytest.raises(InputError, match=r"bad\.csv.*'Headline'"):
        fnc1.read_stances(bad)
    labels = _write(
        tmp_path / "labels.csv", ["Headline", "Body ID", "Stance"], [["x", "1", "maybe"]]
    )
    with pytest.raises(InputError, match=r"labels\.csv: line 2: column 'Stance'"):
        fnc1.read_stances(labels)
    with pytest.raises(InputError, match="missing.csv"):
        fnc1.read_bodies(tmp_path / "missing.csv")
    bodies = _write(tmp_path / "b.csv", ["Body ID", "articleBody"], [["1", "text"]])
    with pytest.raises(InputError, match=r"b\.csv: column 'Body ID'.*2"):
        fnc1.check_bodies([Pair("h", "2")], fnc1.read_bodies(bodies), bodies)


class _FixedModel:
    """Stands in for StanceModel: 'agree' when the headline's first word is in the body."""

    def predict_pairs(self, pairs):
        from pipeline.judging.stance import StancePrediction

        out = []
        for headline, body in pairs:
            label = "agree" if headline.split()[0] in body else "unrelated"
            out.append(StancePrediction({label: 1.0}, label, "", -1))
        return out


def test_evaluate_keeps_input_order_and_scores_only_with_gold(tmp_path):
    bodies = _write(
        tmp_path / "b.csv", ["Body ID", "articleBody"], [["1", "alpha beta"], ["2", "gamma"]]
    )
    rows = [
        ["gamma x", "2", "agree"],
        ["alpha y", "1", "agree"],
        ["zeta", "1", "unrelated"],
        ["gamma z", "1", "discuss"],
    ]
    stances = _write(tmp_path / "s.csv", ["Headline", "Body ID", "Stance"], rows)
    calls = []
    out = tmp_path / "pred.csv"
    report = fnc1.evaluate(
        stances, bodies, out, _FixedModel(), progress=lambda d, t: calls.append((d, t))
    )
    assert report is not None
    assert [p.stance for p in fnc1.read_stances(out)] == [
        "agree",
        "agree",
        "unrelated",
        "unrelated",
    ]
    assert [p.headline for p in fnc1.read_stances(out)] == [r[0] for r in rows]
    assert report.scores.n == 4 and calls[-1] == (4, 4)
    no_gold = _write(tmp_path / "ng.csv", ["Headline", "Body ID"], [r[:2] for r in rows])
    assert fnc1.evaluate(no_gold, bodies, None, _FixedModel()) is None

"""Unit tests of the stance model's parts: sentences, features, loading, prediction."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from pipeline.errors import ModelError
from pipeline.judging.features import (
    CUE_GROUPS,
    FEATURE_NAMES,
    TextStats,
    claim_numbers,
    cue_counts,
    pair_features,
    prepare_body,
    tokenize,
)
from pipeline.judging.stance import SHIPPED_MODEL_DIR, StanceModel
from pipeline.judging.text import split_sentences
from pipeline.records import FNC1_LABELS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith paid $1.5 billion. It was late.",
            ["Mr. Smith paid $1.5 billion.", "It was late."],
        ),
        (
            "The U.S. Army said no. J. K. Rowling agreed.",
            ["The U.S. Army said no.", "J. K. Rowling agreed."],
        ),
        (
            "He lives in the U.S. He left on Jan. 5. Then it rained.",
            ["He lives in the U.S.", "He left on Jan. 5.", "Then it rained."],
        ),
        (
            '"It is fake," she said. "Totally." Really?! Yes.',
            ['"It is fake," she said.', '"Totally."', "Really?!", "Yes."],
        ),
        (
            "First paragraph without a stop\n\nSecond one",
            ["First paragraph without a stop", "Second one"],
        ),
        ("See No. 5 at 3 p.m. today. Pi is 3.14.", ["See No. 5 at 3 p.m. today.", "Pi is 3.14."]),
        ("", []),
        ("   \n ", []),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def _stats() -> TextStats:
    return TextStats.fit(["the mayor denied the report", "a hoax about a shark", "the mayor spoke"])


def _feature(X: np.ndarray, name: str) -> np.ndarray:
    return X[:, FEATURE_NAMES.index(name)]


def test_number_mismatch_feature():
    stats = _stats()
    view = prepare_body("The storm killed 12 people on Monday. Officials said more may die.", stats)
    X, best = pair_features(["Storm killed 40 people", "Storm killed 12 people"], view, stats)
    assert best.tolist() == [0, 0]
    assert _feature(X, "num_mismatch_best").tolist() == [1.0, 0.0]
    assert _feature(X, "num_missing").tolist() == [1.0, 0.0]
    assert claim_numbers("It cost $1,500.00, or 2.50 each in 2014") == {"1500", "2.5", "2014"}


def test_negation_and_refutation_cues():
    counts = dict(
        zip(
            CUE_GROUPS,
            cue_counts(tokenize("The video is not true, officials denied it")),
            strict=True,
        )
    )
    assert counts["negation"] == 1 and counts["refute"] == 2  # "denied" + "not true"
    stats = _stats()
    view = prepare_body("The mayor denied the shark report. He called it a hoax. Rain fell.", stats)
    X, _ = pair_features(["A shark ate the mayor", "Rain fell today"], view, stats)
    top3 = _feature(X, "cue_refute_best")
    assert top3[0] >= 1.0 and top3[1] == 0.0


def test_cues_near_claim_terms_stay_inside_their_sentence():
    stats = _stats()
    body = "The shark was never seen. Fake news spread. The mayor denied the shark story."
    view = prepare_body(body, stats)
    X, _ = pair_features(["Shark seen in river"], view, stats)
    # "never" right before "seen", and 1 token after "shark": a negated claim term
    assert _feature(X, "negated_claim_terms").tolist() == [1.0]
    assert _feature(X, "near3_negation_top3").tolist() == [1.0]
    # "Fake" sits in a sentence without claim terms, "denied" is 2 tokens from "shark"
    assert _feature(X, "near5_refute_body").tolist() == [1.0]
    assert _feature(X, "near5_refute_sents").tolist() == [1.0]
    assert _feature(X, "lead5_refute").tolist() == [2.0]
    assert _feature(X, "rank3_position").tolist() == [1 / 3]


def test_pair_features_shape_and_empty_body():
    stats = _stats()
    X, best = pair_features(["a claim", "another"], prepare_body("", stats), stats)
    assert X.shape == (2, len(FEATURE_NAMES)) and best.tolist() == [-1, -1]
    assert np.isfinite(X).all()


BODY = (
    "Reports that a giant shark was seen in the Thames are a hoax, the port authority said on "
    'Tuesday. The photo, shared 20,000 times, was edited. "There is no shark," a spokesman '
    "said. Bridges stayed open."
)


def test_predict_one_per_claim_in_order(model):
    claims = ["Giant shark spotted in the Thames", "Bridges stayed open", "Mars has two moons"]
    preds = model.predict(claims, BODY)
    assert len(preds) == 3
    for p in preds:
        assert set(p.probabilities) == set(FNC1_LABELS)
        assert sum(p.probabilities.values()) == pytest.approx(1.0)
        assert p.label in FNC1_LABELS
        sentences = split_sentences(BODY)
        assert (p.evidence_index == -1 and p.evidence == "") or (
            sentences[p.evidence_index] == p.evidence
        )
    assert preds[0].evidence_index == 0
    assert preds[2].label == "unrelated"
    assert model.predict([], BODY) == []
    # predict_pairs agrees with predict, in order
    pairs = [(c, BODY) for c in claims] + [("Bridges stayed open", "Bridges stayed open.")]
    by_pairs = model.predict_pairs(pairs)
    assert by_pairs[:3] == preds and len(by_pairs) == 4


def test_prediction_is_deterministic(model):
    again = StanceModel.load()
    claims = ["Giant shark spotted in the Thames", "The photo was edited"]
    assert model.predict(claims, BODY) == again.predict(claims, BODY)
    assert set(model.flag_threshold) == set(model.review_threshold) == {"agree", "disagree"}


def test_load_errors(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        StanceModel.load(tmp_path / "nowhere")
    copy = tmp_path / "m"
    shutil.copytree(SHIPPED_MODEL_DIR, copy, ignore=shutil.ignore_patterns("*.md"))
    meta_path = copy / "stance-model.json"
    meta = json.loads(meta_path.read_text())
    assert StanceModel.load(copy).path == copy

    meta_path.write_text(json.dumps({**meta, "format": 99}))
    with pytest.raises(ModelError, match="format 99"):
        StanceModel.load(copy)
    meta_path.write_text(json.dumps({**meta, "text": {"variant": "model", "version": 0}}))
    with pytest.raises(ModelError, match="trained on text cut by .*'version': 0"):
        StanceModel.load(copy)
    meta_path.write_text(json.dumps({k: v for k, v in meta.items() if k != "text"}))
    with pytest.raises(ModelError, match="trained on text cut by None"):
        StanceModel.load(copy)
    meta_path.write_text(json.dumps({**meta, "feature_names": ["x"]}))
    with pytest.raises(ModelError, match="other features"):
        StanceModel.load(copy)
    meta_path.write_text("{not json")
    with pytest.raises(ModelError, match="cannot read"):
        StanceModel.load(copy)
    meta_path.write_text(json.dumps(meta))
    (copy / meta["booster"]).write_text("tree\ngarbage")
    with pytest.raises(ModelError, match="corrupt|shape"):
        StanceModel.load(copy)
    (copy / meta["booster"]).unlink()
    with pytest.raises(ModelError, match="booster file"):
        StanceModel.load(copy)

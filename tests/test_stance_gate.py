"""Quality gate: the shipped stance model on a fixed FNC-1 slice it was never trained on.

The slice is a set of whole topic components listed by Body ID in ``pipeline/models/fnc1-gate.json``
(rule in that file); the text is read from ``../shared`` beside the repository. The minimum
scores pinned there sit a little below what the shipped model measured; CI refuses to go lower.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.judging.stance import StanceModel
from pipeline.judging.training import fnc1
from pipeline.judging.training.train import GATE_FILE as GATE
from pipeline.judging.training.train import gate_mask

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "fnc1-train"


def test_shipped_model_meets_pinned_scores_on_gate_slice():
    if not (DATA / "train_stances.csv").exists():
        pytest.skip(f"FNC-1 training data not found at {DATA} (the ../shared checkout)")
    gate = json.loads(GATE.read_text(encoding="utf-8"))
    pairs = fnc1.read_stances(DATA / "train_stances.csv", require_stance=True)
    bodies = fnc1.read_bodies(DATA / "train_bodies.csv")
    in_gate, _ = gate_mask(pairs, gate["body_ids"])
    slice_ = [p for p, keep in zip(pairs, in_gate, strict=True) if keep]
    assert len(slice_) == gate["pairs"]

    model = StanceModel.load()
    labels = fnc1.predict_labels(model, slice_, bodies)
    scores = fnc1.score([p.stance for p in slice_], labels)
    minimum = gate["minimum"]
    print(scores.render())
    assert scores.fnc >= minimum["fnc"]
    assert scores.macro_f1 >= minimum["macro_f1"]
    for label, floor in minimum["f1"].items():
        assert scores.f1[label] >= floor, label

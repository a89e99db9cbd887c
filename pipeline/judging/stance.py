"""The stance model at run time: (claim, article body) -> calibrated FNC-1 label probabilities.

A LightGBM booster over the features of :mod:`pipeline.judging.features`, loaded from LightGBM's
text model format plus one JSON file (IDF table, calibration, thresholds): no pickle, so a model
directory is data, never code. ``StanceModel.load()`` with no path loads the one shipped in
``pipeline/models/``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.errors import ModelError
from pipeline.judging.features import (
    FEATURE_NAMES,
    BodyView,
    TextStats,
    pair_features,
    prepare_body,
)
from pipeline.judging.text import MODEL_TEXT_VARIANT, MODEL_TEXT_VERSION
from pipeline.records import FNC1_LABELS

__all__ = [
    "MODEL_FORMAT",
    "MODEL_JSON",
    "SHIPPED_MODEL_DIR",
    "StanceModel",
    "StancePrediction",
    "calibrate",
    "model_text",
]

# 2: the model records the text variant it was trained with ("text").
MODEL_FORMAT = 2
MODEL_JSON = "stance-model.json"
# ``pipeline/models/``: the shipped model's files (package data, no ``__init__.py``).
SHIPPED_MODEL_DIR = Path(__file__).resolve().parent.parent / "models"


def model_text() -> dict[str, str | int]:
    """The text variant this code computes the features with, as a model's ``text`` records
    it (:data:`pipeline.judging.text.MODEL_TEXT_VERSION`)."""
    return {"variant": MODEL_TEXT_VARIANT, "version": MODEL_TEXT_VERSION}


def calibrate(probabilities: np.ndarray, temperature: float,
              bias: Sequence[float] | np.ndarray) -> np.ndarray:
    """``softmax(log(p) / temperature + bias)``, row by row: keeps the ranking within a class,
    fixes the priors. The one formula for training (which fits ``temperature`` and ``bias``) and
    for prediction."""
    logits = np.log(np.clip(probabilities, 1e-12, 1.0)) / temperature + np.asarray(bias)
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class StancePrediction:
    probabilities: dict[str, float]  # "agree","disagree","discuss","unrelated"; calibrated, sum 1
    label: str  # FNC-1 label: argmax of probabilities x the model's decision weights
    evidence: str  # best evidence sentence for this claim ("" if none)
    evidence_index: int  # index into split_sentences(body), -1 if none


class StanceModel:
    """Load with :meth:`load`; then :meth:`predict` (claims vs one body) or :meth:`predict_pairs`.

    Probabilities are calibrated (temperature and per-class bias fitted on out-of-fold
    predictions). The label is the argmax of the probabilities times ``decision_weights``, chosen
    on the same predictions for macro-F1: plain argmax would almost never say "disagree".

    ``flag_threshold`` and ``review_threshold`` map "agree"/"disagree" to the calibrated
    probability at or above which the judge flags the stance, or asks for a human review.
    """

    def __init__(
        self,
        booster: object,
        stats: TextStats,
        *,
        temperature: float,
        bias: Sequence[float],
        decision_weights: Sequence[float],
        flag_threshold: dict[str, float],
        review_threshold: dict[str, float],
        path: Path,
    ):
        self._booster = booster
        self._stats = stats
        self._temperature = temperature
        self._bias = np.asarray(bias, dtype=np.float64)
        self.decision_weights = dict(
            zip(FNC1_LABELS, (float(w) for w in decision_weights), strict=True)
        )
        self._weights = np.asarray(decision_weights, dtype=np.float64)
        self.flag_threshold = dict(flag_threshold)
        self.review_threshold = dict(review_threshold)
        self.path = path

    @property
    def text_stats(self) -> TextStats:
        """The IDF table fitted on news bodies (the claim reader weighs terms with it)."""
        return self._stats

    @classmethod
    def load(cls, path: Path | str | None = None) -> StanceModel:
        """Load a model directory (or its JSON file). ModelError if missing, corrupt, or of
        another format version, text variant or feature set than this code computes."""
        directory = Path(path) if path is not None else SHIPPED_MODEL_DIR
        meta_path = directory if directory.suffix == ".json" else directory / MODEL_JSON
        directory = meta_path.parent
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError as e:
            raise ModelError(f"{meta_path}: stance model not found") from e
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ModelError(f"{meta_path}: cannot read the stance model: {e}") from e
        if not isinstance(meta, dict):
            raise ModelError(f"{meta_path}: not a stance model (expected a JSON object)")
        if meta.get("format") != MODEL_FORMAT:
            raise ModelError(
                f"{meta_path}: model format {meta.get('format')!r}, this claimwatch reads"
                f" format {MODEL_FORMAT}; retrain with `claimwatch train fnc1`"
            )
        if meta.get("text") != model_text():
            raise ModelError(
                f"{meta_path}: the model was trained on text cut by {meta.get('text')!r}, this"
                f" claimwatch cuts text with {model_text()!r}; its features would be wrong."
                " Retrain with `claimwatch train fnc1`"
            )
        if meta.get("feature_names") != list(FEATURE_NAMES):
            raise ModelError(
                f"{meta_path}: the model was trained on other features than this claimwatch"
                " computes; retrain with `claimwatch train fnc1`"
            )
        if meta.get("labels") != list(FNC1_LABELS):
            raise ModelError(f"{meta_path}: labels {meta.get('labels')!r} are not FNC-1's")
        try:
            stats = TextStats.from_json(meta["text_stats"])
            calibration = meta["calibration"]
            temperature = float(calibration["temperature"])
            bias = [float(b) for b in calibration["bias"]]
            weights = [float(w) for w in meta["decision_weights"]]
            flag = {str(k): float(v) for k, v in meta["flag_threshold"].items()}
            review = {str(k): float(v) for k, v in meta["review_threshold"].items()}
            booster_path = directory / str(meta["booster"])
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise ModelError(f"{meta_path}: incomplete or malformed model metadata: {e!r}") from e
        if len(bias) != len(FNC1_LABELS) or not temperature > 0 or not math.isfinite(temperature):
            raise ModelError(f"{meta_path}: malformed calibration")
        if len(weights) != len(FNC1_LABELS) or not all(w > 0 for w in weights):
            raise ModelError(f"{meta_path}: malformed decision weights")
        try:
            booster_text = booster_path.read_text(encoding="utf-8")
        except FileNotFoundError as e:
            raise ModelError(f"{booster_path}: booster file of the stance model not found") from e
        except (OSError, UnicodeDecodeError) as e:
            raise ModelError(f"{booster_path}: cannot read: {e}") from e
        try:
            import lightgbm as lgb
        except OSError as e:  # the wheel's shared library needs the system's OpenMP runtime
            raise ModelError(
                f"cannot load LightGBM ({e}); install the OpenMP runtime, e.g. "
                f"`apt-get install libgomp1` on Debian/Ubuntu"
            ) from e

        try:
            booster = lgb.Booster(model_str=booster_text)
        except lgb.basic.LightGBMError as e:
            raise ModelError(f"{booster_path}: corrupt LightGBM model: {e}") from e
        if booster.num_feature() != len(FEATURE_NAMES) or booster.num_model_per_iteration() != len(
            FNC1_LABELS
        ):
            raise ModelError(f"{booster_path}: booster shape does not match the model metadata")
        return cls(
            booster,
            stats,
            temperature=temperature,
            bias=bias,
            decision_weights=weights,
            flag_threshold=flag,
            review_threshold=review,
            path=directory,
        )

    # -- prediction --------------------------------------------------------------------------

    def _probabilities(self, X: np.ndarray) -> np.ndarray:
        if len(X) == 0:
            return np.zeros((0, len(FNC1_LABELS)))
        raw = self._booster.predict(X, num_threads=1)  # type: ignore[attr-defined]
        return calibrate(raw, self._temperature, self._bias)

    def _prepare(self, body: str) -> BodyView:
        return prepare_body(body, self._stats)

    def _to_predictions(
        self, probabilities: np.ndarray, best: Sequence[int], views: Sequence[BodyView]
    ) -> list[StancePrediction]:
        out = []
        for row, b, view in zip(probabilities, best, views, strict=True):
            k = int(np.argmax(row * self._weights))
            out.append(
                StancePrediction(
                    probabilities={
                        label: float(p) for label, p in zip(FNC1_LABELS, row, strict=True)
                    },
                    label=FNC1_LABELS[k],
                    evidence=view.sentences[b] if b >= 0 else "",
                    evidence_index=int(b),
                )
            )
        return out

    def predict(self, claims: Sequence[str], body: str) -> list[StancePrediction]:
        """One prediction per claim, in order, against one article body. The body only, no
        title: the model was trained on FNC-1 bodies, which have none, and evidence must index
        the body's sentences."""
        if not claims:
            return []
        view = self._prepare(body)
        X, best = pair_features(list(claims), view, self._stats)
        return self._to_predictions(self._probabilities(X), list(best), [view] * len(claims))

    def predict_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[StancePrediction]:
        """One prediction per ``(headline, body)`` pair, in order; a body text shared by several
        pairs is prepared once, and the booster runs once over all pairs."""
        if not pairs:
            return []
        by_body: dict[str, list[int]] = {}
        for i, (_, body) in enumerate(pairs):
            by_body.setdefault(body, []).append(i)
        X = np.zeros((len(pairs), len(FEATURE_NAMES)), dtype=np.float64)
        best = [-1] * len(pairs)
        views: list[BodyView | None] = [None] * len(pairs)
        for body, rows in by_body.items():
            view = self._prepare(body)
            feats, b = pair_features([pairs[i][0] for i in rows], view, self._stats)
            X[rows] = feats
            for r, bi in zip(rows, b, strict=True):
                best[r] = int(bi)
                views[r] = view
        return self._to_predictions(
            self._probabilities(X), best, [v for v in views if v is not None]
        )

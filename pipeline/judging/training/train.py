"""Train and cross-validate the stance model on FNC-1-format data.

Protocol (topic-disjoint, issue 3): headlines and bodies are the nodes of a graph whose edges are
the related (agree/disagree/discuss) pairs; each connected component (a "topic") stays whole in
one fold; unrelated pairs whose headline and body fall in different folds are dropped, since
they would let a model see a test topic's text while training. Text statistics (IDF) are fitted
inside each training fold, on its bodies only.

The shipped model is trained on exactly the pairs this protocol keeps, so its class balance is
the one its calibration and thresholds were fitted on: calibration (temperature plus per-class
bias on the log-probabilities, fitted by maximum likelihood) and the flag/review thresholds come
from the out-of-fold predictions of the same 5-fold cross-validation, and so do the decision
weights: the label is the argmax of the calibrated probabilities times a per-class weight chosen
for macro-F1 (rare "disagree" needs a push that plain argmax, the rule for accuracy, never gives).

Everything is deterministic: fold assignment is a greedy fill in a fixed order, LightGBM runs with
``deterministic=True`` and fixed seeds.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from pipeline.errors import InputError
from pipeline.judging.features import FEATURE_NAMES, TextStats, pair_features, prepare_body
from pipeline.judging.stance import MODEL_FORMAT, MODEL_JSON, calibrate, model_text
from pipeline.judging.training import fnc1
from pipeline.judging.training.fnc1 import Pair, Scores
from pipeline.records import FNC1_LABELS

__all__ = [
    "CVReport",
    "ModelConfig",
    "TrainReport",
    "cross_validate",
    "topic_folds",
    "train",
]

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
LABEL_INDEX = {label: i for i, label in enumerate(FNC1_LABELS)}
FLAG_PRECISION = 0.7
REVIEW_PRECISION = 0.4
MIN_FLAGS = 20  # out-of-fold predictions a threshold must rest on


@dataclass(frozen=True)
class ModelConfig:
    """LightGBM settings. Chosen by topic-disjoint CV (see pipeline/models/README.md)."""

    n_rounds: int = 200
    learning_rate: float = 0.05
    num_leaves: int = 15
    min_data_in_leaf: int = 20
    feature_fraction: float = 0.5
    bagging_fraction: float = 0.8
    lambda_l2: float = 1.0
    class_weight: dict[str, float] = field(
        default_factory=lambda: {"agree": 1.0, "disagree": 1.0, "discuss": 1.0, "unrelated": 1.0}
    )
    seed: int = 13
    n_folds: int = 5
    num_threads: int = 2

    def lightgbm_params(self) -> dict[str, object]:
        return {
            "objective": "multiclass",
            "num_class": len(FNC1_LABELS),
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "feature_fraction": self.feature_fraction,
            "bagging_fraction": self.bagging_fraction,
            "bagging_freq": 1,
            "lambda_l2": self.lambda_l2,
            "seed": self.seed,
            "bagging_seed": self.seed,
            "feature_fraction_seed": self.seed,
            "data_random_seed": self.seed,
            "deterministic": True,
            "force_col_wise": True,
            "num_threads": self.num_threads,
            "verbosity": -1,
        }


# -- data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    pairs: list[Pair]
    bodies: dict[str, str]


def load_corpus(stances_csv: Path | str, bodies_csv: Path | str) -> Corpus:
    pairs = fnc1.read_stances(stances_csv, require_stance=True)
    if not pairs:
        raise InputError(f"{stances_csv}: no rows")
    bodies = fnc1.read_bodies(bodies_csv)
    fnc1.check_bodies(pairs, bodies, bodies_csv)
    return Corpus(pairs=pairs, bodies=bodies)


def node_components(pairs: Sequence[Pair]) -> tuple[dict[str, int], dict[str, int]]:
    """Component id of every headline and every body."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        root = parent.setdefault(x, x)
        while root != parent[root]:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for p in pairs:
        h, b = find(("h", p.headline)), find(("b", p.body_id))
        if p.stance != "unrelated" and h != b:
            parent[max(h, b)] = min(h, b)
    roots = sorted({find(n) for n in list(parent)})
    ids = {r: i for i, r in enumerate(roots)}
    headlines = {n[1]: ids[find(n)] for n in list(parent) if n[0] == "h"}
    bodies = {n[1]: ids[find(n)] for n in list(parent) if n[0] == "b"}
    return headlines, bodies


def topic_folds(pairs: Sequence[Pair], n_folds: int = 5) -> list[int]:
    """Fold of each pair under the topic-disjoint protocol; -1 for a dropped unrelated pair.

    Components are placed largest first (by related pairs, then nodes, then id) into the fold
    with the fewest related pairs so far (ties: fewest nodes, lowest fold), which balances the
    folds and is deterministic for a given file.
    """
    head_comp, body_comp = node_components(pairs)
    related: dict[int, int] = defaultdict(int)
    nodes: dict[int, int] = defaultdict(int)
    for comp in head_comp.values():
        nodes[comp] += 1
    for comp in body_comp.values():
        nodes[comp] += 1
    for p in pairs:
        if p.stance != "unrelated":
            related[body_comp[p.body_id]] += 1
    order = sorted(nodes, key=lambda c: (-related[c], -nodes[c], c))
    load = [(0, 0)] * n_folds
    fold_of: dict[int, int] = {}
    for comp in order:
        k = min(range(n_folds), key=lambda f: (load[f], f))
        fold_of[comp] = k
        load[k] = (load[k][0] + related[comp], load[k][1] + nodes[comp])
    out = []
    for p in pairs:
        fh, fb = fold_of[head_comp[p.headline]], fold_of[body_comp[p.body_id]]
        out.append(fb if fh == fb else -1)
    return out


def gate_mask(
    pairs: Sequence[Pair], gate_body_ids: Collection[str]
) -> tuple[list[bool], list[bool]]:
    """``(in_gate, touches_gate)`` per pair for a gate slice given by whole components' bodies.

    The gate's headlines are those with a related pair to a gate body. A pair is in the gate when
    both its body and headline are; it touches the gate (and is kept out of training) when either
    is.
    """
    gate_bodies = set(gate_body_ids)
    gate_headlines = {
        p.headline for p in pairs if p.body_id in gate_bodies and p.stance != "unrelated"
    }
    in_gate = [p.body_id in gate_bodies and p.headline in gate_headlines for p in pairs]
    touches = [p.body_id in gate_bodies or p.headline in gate_headlines for p in pairs]
    return in_gate, touches


# -- features --------------------------------------------------------------------------------


def featurize(
    pairs: Sequence[Pair],
    bodies: dict[str, str],
    stats: TextStats,
    *,
    progress: Progress | None = None,
) -> np.ndarray:
    """Feature matrix, one row per pair in order; each body is prepared once."""
    by_body: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pairs):
        by_body[p.body_id].append(i)
    X = np.zeros((len(pairs), len(FEATURE_NAMES)), dtype=np.float32)
    done = 0
    for body_id in sorted(by_body):
        rows = by_body[body_id]
        view = prepare_body(bodies[body_id], stats)
        feats, _ = pair_features([pairs[i].headline for i in rows], view, stats)
        X[rows] = feats
        done += len(rows)
        if progress is not None:
            progress(done, len(pairs))
    return X


def labels_of(pairs: Sequence[Pair]) -> np.ndarray:
    return np.array([LABEL_INDEX[p.stance] for p in pairs], dtype=np.int64)  # type: ignore[index]


# -- fitting ---------------------------------------------------------------------------------


def fit_booster(X: np.ndarray, y: np.ndarray, config: ModelConfig):  # -> lightgbm.Booster
    import lightgbm as lgb

    weights = np.array([config.class_weight.get(label, 1.0) for label in FNC1_LABELS])[y]
    data = lgb.Dataset(
        X,
        label=y,
        weight=weights,
        feature_name=list(FEATURE_NAMES),
        free_raw_data=True,
        params={"verbosity": -1},
    )
    return lgb.train(config.lightgbm_params(), data, num_boost_round=config.n_rounds)


@dataclass(frozen=True)
class Calibration:
    """``softmax(log(p) / temperature + bias)``: keeps the ranking within a class, fixes priors."""

    temperature: float
    bias: tuple[float, ...]

    def apply(self, probabilities: np.ndarray) -> np.ndarray:
        return calibrate(probabilities, self.temperature, self.bias)

    @classmethod
    def identity(cls) -> Calibration:
        return cls(temperature=1.0, bias=(0.0,) * len(FNC1_LABELS))

    @classmethod
    def fit(cls, probabilities: np.ndarray, y: np.ndarray, *, steps: int = 500) -> Calibration:
        """Maximum likelihood by gradient descent (5 parameters; deterministic, no scipy)."""
        log_p = np.log(np.clip(probabilities, 1e-12, 1.0))
        n, k = log_p.shape
        onehot = np.eye(k)[y]
        inv_t = 1.0
        bias = np.zeros(k)
        lr = 0.5
        for _ in range(steps):
            z = log_p * inv_t + bias
            z -= z.max(axis=1, keepdims=True)
            q = np.exp(z)
            q /= q.sum(axis=1, keepdims=True)
            g = (q - onehot) / n  # d loss / d z
            grad_inv_t = float((g * log_p).sum())
            grad_bias = g.sum(axis=0)
            inv_t -= lr * grad_inv_t
            bias -= lr * grad_bias
            bias -= bias.mean()
        inv_t = max(inv_t, 1e-3)
        return cls(temperature=float(1.0 / inv_t), bias=tuple(float(b) for b in bias))


# Decision weights multiply the calibrated probabilities before the argmax. Macro-F1 rewards
# recall on the rare classes far more than plain argmax (the Bayes rule for accuracy) gives them.
_DECISION_GRID = [
    (a, d, 1.0, 1.0) for a in (1.0, 1.25, 1.5, 1.75, 2.0) for d in (1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
]


def choose_decision_weights(probabilities: np.ndarray, y: np.ndarray) -> tuple[float, ...]:
    """The grid point maximising macro-F1 of ``argmax(p * w)``; ties keep the earlier point."""
    gold = [FNC1_LABELS[i] for i in y]
    best, best_f1 = _DECISION_GRID[0], -1.0
    for w in _DECISION_GRID:
        pred = (probabilities * np.asarray(w)).argmax(axis=1)
        f1 = fnc1.score(gold, [FNC1_LABELS[i] for i in pred]).macro_f1
        if f1 > best_f1 + 1e-12:
            best, best_f1 = w, f1
    return best


def decide(probabilities: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    return (probabilities * np.asarray(weights)).argmax(axis=1)


def choose_thresholds(
    probabilities: np.ndarray, y: np.ndarray, weights: Sequence[float]
) -> tuple[dict[str, float], dict[str, float]]:
    """Per flagged label: the lowest calibrated probability at which the pairs *labelled* so
    reach an out-of-fold precision of 0.7 (flag) and 0.4 (review), each resting on at least
    ``MIN_FLAGS`` predictions; 1.0 (never) if none does.
    """
    flag: dict[str, float] = {}
    review: dict[str, float] = {}
    grid = np.round(np.arange(0.05, 0.995, 0.01), 2)
    labelled = decide(probabilities, weights)
    for label in ("agree", "disagree"):
        k = LABEL_INDEX[label]
        p = np.where(labelled == k, probabilities[:, k], -1.0)
        is_k = y == k

        def lowest(target: float, p: np.ndarray = p, is_k: np.ndarray = is_k) -> float:
            for t in grid:
                chosen = p >= t
                n = int(chosen.sum())
                if n >= MIN_FLAGS and is_k[chosen].mean() >= target:
                    return float(t)
            return 1.0

        flag[label] = lowest(FLAG_PRECISION)
        review[label] = min(lowest(REVIEW_PRECISION), flag[label])
    return flag, review


# -- cross-validation ------------------------------------------------------------------------


@dataclass(frozen=True)
class FoldResult:
    fold: int
    n_train: int
    n_test: int
    scores: Scores


@dataclass(frozen=True)
class CVReport:
    config: ModelConfig
    folds: list[FoldResult]
    pooled: Scores  # all out-of-fold predictions together
    oof_probabilities: np.ndarray = field(repr=False)  # raw model output, rows of ``kept``
    oof_labels: np.ndarray = field(repr=False)
    kept: np.ndarray = field(repr=False)  # indices into the corpus' pairs
    calibrated_probabilities: np.ndarray = field(repr=False)  # cross-fitted calibration
    seconds: float = 0.0

    def mean(self) -> dict[str, float]:
        keys = {
            "fnc": [f.scores.fnc for f in self.folds],
            "macro_f1": [f.scores.macro_f1 for f in self.folds],
        }
        for label in FNC1_LABELS:
            keys[f"f1_{label}"] = [f.scores.f1[label] for f in self.folds]
        return {k: float(np.mean(v)) for k, v in keys.items()}

    def render(self) -> str:
        lines = [f"topic-disjoint {len(self.folds)}-fold cross-validation ({self.seconds:.0f} s)"]
        lines.append(
            "fold   train   test    FNC   macroF1  "
            + "  ".join(f"{label[:8]:>8}" for label in FNC1_LABELS)
        )
        for f in self.folds:
            s = f.scores
            lines.append(
                f"{f.fold:>4} {f.n_train:>7} {f.n_test:>6} {s.fnc:6.1f}   {s.macro_f1:.3f}   "
                + "  ".join(f"{s.f1[label]:8.3f}" for label in FNC1_LABELS)
            )
        m = self.mean()
        lines.append(
            f"mean {'':>14} {m['fnc']:6.1f}   {m['macro_f1']:.3f}   "
            + "  ".join(f"{m['f1_' + label]:8.3f}" for label in FNC1_LABELS)
        )
        lines.append("pooled out-of-fold predictions:")
        lines.append(self.pooled.render())
        return "\n".join(lines)


def _fold_matrices(
    corpus: Corpus, folds: Sequence[int], k: int, progress: Progress | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    train_idx = np.array([i for i, f in enumerate(folds) if f >= 0 and f != k])
    test_idx = np.array([i for i, f in enumerate(folds) if f == k])
    train_bodies = sorted({corpus.pairs[i].body_id for i in train_idx})
    stats = TextStats.fit(corpus.bodies[b] for b in train_bodies)
    X_train = featurize([corpus.pairs[i] for i in train_idx], corpus.bodies, stats)
    X_test = featurize([corpus.pairs[i] for i in test_idx], corpus.bodies, stats)
    return train_idx, test_idx, X_train, X_test


def cross_validate(
    stances_csv: Path | str | Corpus,
    bodies_csv: Path | str | None = None,
    *,
    config: ModelConfig | None = None,
    exclude_body_ids: Collection[str] = (),
    progress: Progress | None = None,
) -> CVReport:
    """Topic-disjoint k-fold CV; fold labels come from the calibrated, decision-weighted argmax,
    as the shipped model decides, with calibration and weights fitted on the other folds."""
    config = config or ModelConfig()
    started = time.perf_counter()
    if isinstance(stances_csv, Corpus):
        corpus = stances_csv
    else:
        if bodies_csv is None:
            raise TypeError("bodies_csv is required with a stances path")
        corpus = load_corpus(stances_csv, bodies_csv)
    if exclude_body_ids:
        _, touches = gate_mask(corpus.pairs, exclude_body_ids)
        corpus = Corpus(
            [p for p, t in zip(corpus.pairs, touches, strict=True) if not t], corpus.bodies
        )
    folds = topic_folds(corpus.pairs, config.n_folds)
    y_all = labels_of(corpus.pairs)
    kept = np.array([i for i, f in enumerate(folds) if f >= 0])
    fold_arr = np.array(folds)
    oof = np.zeros((len(corpus.pairs), len(FNC1_LABELS)))
    for k in range(config.n_folds):
        train_idx, test_idx, X_train, X_test = _fold_matrices(corpus, folds, k)
        booster = fit_booster(X_train, y_all[train_idx], config)
        oof[test_idx] = booster.predict(X_test, num_threads=config.num_threads)
        log.info("cv fold=%d train=%d test=%d", k, len(train_idx), len(test_idx))
        if progress is not None:
            progress(k + 1, config.n_folds)
    # Calibrate each fold, and choose its decision weights, on the other folds' out-of-fold
    # output only, so the reported figures never see their own labels twice.
    calibrated = np.zeros_like(oof)
    predicted = np.zeros(len(oof), dtype=np.int64)
    for k in range(config.n_folds):
        fit_idx = np.where((fold_arr >= 0) & (fold_arr != k))[0]
        test_idx = np.where(fold_arr == k)[0]
        cal = Calibration.fit(oof[fit_idx], y_all[fit_idx])
        weights = choose_decision_weights(cal.apply(oof[fit_idx]), y_all[fit_idx])
        calibrated[test_idx] = cal.apply(oof[test_idx])
        predicted[test_idx] = decide(calibrated[test_idx], weights)
        log.info("cv fold=%d decision_weights=%s", k, weights)
    results = []
    for k in range(config.n_folds):
        idx = np.where(fold_arr == k)[0]
        pred = predicted[idx]
        results.append(
            FoldResult(
                fold=k,
                n_train=int(((fold_arr >= 0) & (fold_arr != k)).sum()),
                n_test=len(idx),
                scores=fnc1.score(
                    [FNC1_LABELS[i] for i in y_all[idx]], [FNC1_LABELS[i] for i in pred]
                ),
            )
        )
    pooled = fnc1.score(
        [FNC1_LABELS[i] for i in y_all[kept]], [FNC1_LABELS[i] for i in predicted[kept]]
    )
    return CVReport(
        config=config,
        folds=results,
        pooled=pooled,
        oof_probabilities=oof[kept],
        oof_labels=y_all[kept],
        kept=kept,
        calibrated_probabilities=calibrated[kept],
        seconds=time.perf_counter() - started,
    )


# -- the shipped model -----------------------------------------------------------------------


@dataclass(frozen=True)
class TrainReport:
    output_dir: Path
    cv: CVReport
    n_train: int
    flag_threshold: dict[str, float]
    review_threshold: dict[str, float]
    calibration: Calibration
    decision_weights: tuple[float, ...]
    size_bytes: int
    seconds: float

    def render(self) -> str:
        return "\n".join(
            [
                f"stance model written to {self.output_dir} ({self.size_bytes / 1e6:.1f} MB,"
                f" trained on {self.n_train} pairs in {self.seconds:.0f} s)",
                f"flag thresholds: {self.flag_threshold}"
                f"   review thresholds: {self.review_threshold}",
                f"calibration: temperature {self.calibration.temperature:.3f},"
                f" bias {[round(b, 3) for b in self.calibration.bias]};"
                f" decision weights {dict(zip(FNC1_LABELS, self.decision_weights, strict=True))}",
                self.cv.render(),
            ]
        )


# The quality-gate slice (Body IDs of whole topic components): never trained on, so that
# `claimwatch train fnc1` reproduces the shipped model and the gate test stays honest.
GATE_FILE = Path(__file__).resolve().parents[2] / "models" / "fnc1-gate.json"


def gate_body_ids() -> list[str]:
    return [str(b) for b in json.loads(GATE_FILE.read_text(encoding="utf-8"))["body_ids"]]
BOOSTER_FILE = "stance-booster.txt"


def train(
    stances_csv: Path | str,
    bodies_csv: Path | str,
    output_dir: Path | str,
    *,
    config: ModelConfig | None = None,
    exclude_body_ids: Collection[str] = (),
    progress: Progress | None = None,
) -> TrainReport:
    """Cross-validate (for calibration and thresholds), fit on every kept pair, write the model.

    ``exclude_body_ids`` names the bodies of a held-out slice (the quality gate): pairs touching
    them are used for nothing. ``progress`` gets ``(step, total)`` over the CV folds and the fit.
    """
    config = config or ModelConfig()
    started = time.perf_counter()
    corpus = load_corpus(stances_csv, bodies_csv)
    if exclude_body_ids:
        _, touches = gate_mask(corpus.pairs, exclude_body_ids)
        corpus = Corpus(
            [p for p, t in zip(corpus.pairs, touches, strict=True) if not t], corpus.bodies
        )
    total = config.n_folds + 1

    def fold_progress(done: int, _total: int) -> None:
        if progress is not None:
            progress(done, total)

    cv = cross_validate(corpus, config=config, progress=fold_progress)
    calibration = Calibration.fit(cv.oof_probabilities, cv.oof_labels)
    calibrated = calibration.apply(cv.oof_probabilities)
    weights = choose_decision_weights(calibrated, cv.oof_labels)
    flag, review = choose_thresholds(calibrated, cv.oof_labels, weights)

    pairs = [corpus.pairs[i] for i in cv.kept]
    bodies = sorted({p.body_id for p in pairs})
    stats = TextStats.fit(corpus.bodies[b] for b in bodies)
    X = featurize(pairs, corpus.bodies, stats)
    booster = fit_booster(X, labels_of(pairs), config)
    if progress is not None:
        progress(total, total)

    out = Path(output_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        booster_text = booster.model_to_string(num_iteration=-1)
        (out / BOOSTER_FILE).write_text(booster_text, encoding="utf-8")
        meta = {
            "format": MODEL_FORMAT,
            "labels": list(FNC1_LABELS),
            "text": model_text(),
            "feature_names": list(FEATURE_NAMES),
            "booster": BOOSTER_FILE,
            "calibration": {"temperature": calibration.temperature, "bias": list(calibration.bias)},
            "decision_weights": list(weights),
            "flag_threshold": flag,
            "review_threshold": review,
            "threshold_rule": {
                "flag_precision": FLAG_PRECISION,
                "review_precision": REVIEW_PRECISION,
                "min_predictions": MIN_FLAGS,
            },
            "training": {
                "pairs": len(pairs),
                "config": {k: v for k, v in asdict(config).items() if k != "num_threads"},
                "cv_mean": {k: round(v, 4) for k, v in cv.mean().items()},
                "excluded_gate_bodies": len(exclude_body_ids),
            },
            "text_stats": stats.to_json(),
        }
        (out / MODEL_JSON).write_text(json.dumps(meta, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as e:
        raise InputError(f"{out}: cannot write the model: {e.strerror or e}") from e
    size = sum(f.stat().st_size for f in (out / BOOSTER_FILE, out / MODEL_JSON))
    return TrainReport(
        output_dir=out,
        cv=cv,
        n_train=len(pairs),
        flag_threshold=flag,
        review_threshold=review,
        calibration=calibration,
        decision_weights=tuple(weights),
        size_bytes=size,
        seconds=time.perf_counter() - started,
    )


def with_config(config: ModelConfig, **changes: object) -> ModelConfig:
    return replace(config, **changes)  # type: ignore[arg-type]

"""FNC-1 files and scores: read stances/bodies CSVs, write predictions, score them.

The scoring functions are pure (lists of labels in, numbers out). :func:`evaluate` is the one
entry point of ``claimwatch eval fnc1``: it labels every row of a stances CSV with the stance
model, optionally writes ``Headline,Body ID,Stance`` predictions (one row per input row, input
order), and scores them when the CSV carries gold labels.

FNC score (the challenge's own metric): per pair, +0.25 when the related/unrelated decision is
right, and for a gold-related pair +0.75 more when the predicted stance is exactly right; reported
as a percentage of the best possible score.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import InputError
from pipeline.records import FNC1_LABELS

if TYPE_CHECKING:
    from pipeline.judging.stance import StanceModel

__all__ = [
    "EvalReport",
    "Pair",
    "Scores",
    "confusion_matrix",
    "evaluate",
    "fnc_score",
    "per_class_f1",
    "read_bodies",
    "read_stances",
    "score",
    "write_predictions",
]

Progress = Callable[[int, int], None]
RELATED = frozenset({"agree", "disagree", "discuss"})


@dataclass(frozen=True)
class Pair:
    """One row of a stances CSV. ``stance`` is None when the file has no Stance column."""

    headline: str
    body_id: str
    stance: str | None = None


def _open_csv(path: Path, required: Sequence[str]) -> tuple[list[dict[str, str]], list[str]]:
    # FNC-1 bodies hold very long fields; the csv module's 128 KiB default is too small for some.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            columns = list(reader.fieldnames or [])
            missing = [c for c in required if c not in columns]
            if missing:
                raise InputError(
                    f"{path}: missing column(s) {', '.join(repr(c) for c in missing)}"
                    f" (found {', '.join(repr(c) for c in columns) or 'no header'})"
                )
            rows = list(reader)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{path}: not a readable UTF-8 CSV file: {e}") from e
    return rows, columns


def read_stances(path: Path | str, *, require_stance: bool = False) -> list[Pair]:
    """Read ``Headline,Body ID[,Stance]`` rows in file order.

    Raises InputError naming the file (and column, line) when a column is missing or a label is
    not one of ``FNC1_LABELS``.
    """
    path = Path(path)
    required = ["Headline", "Body ID"] + (["Stance"] if require_stance else [])
    rows, columns = _open_csv(path, required)
    has_stance = "Stance" in columns
    pairs = []
    for line, row in enumerate(rows, start=2):
        headline, body_id = row.get("Headline"), row.get("Body ID")
        if headline is None or body_id is None:
            raise InputError(f"{path}: line {line}: too few fields")
        stance = None
        if has_stance:
            stance = (row.get("Stance") or "").strip().lower()
            if stance not in FNC1_LABELS:
                raise InputError(
                    f"{path}: line {line}: column 'Stance': {row.get('Stance')!r} is not one of"
                    f" {', '.join(FNC1_LABELS)}"
                )
        pairs.append(Pair(headline=headline, body_id=body_id.strip(), stance=stance))
    return pairs


def read_bodies(path: Path | str) -> dict[str, str]:
    """Read ``Body ID,articleBody`` rows into ``{body_id: text}``."""
    path = Path(path)
    rows, _ = _open_csv(path, ["Body ID", "articleBody"])
    bodies: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        body_id, text = row.get("Body ID"), row.get("articleBody")
        if body_id is None or text is None:
            raise InputError(f"{path}: line {line}: too few fields")
        bodies[body_id.strip()] = text
    return bodies


def check_bodies(pairs: Iterable[Pair], bodies: dict[str, str], bodies_path: Path | str) -> None:
    missing = sorted({p.body_id for p in pairs if p.body_id not in bodies})
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise InputError(
            f"{bodies_path}: column 'Body ID': {len(missing)} id(s) used by the stances file are"
            f" missing: {shown}"
        )


def write_predictions(path: Path | str, pairs: Sequence[Pair], labels: Sequence[str]) -> None:
    """Write ``Headline,Body ID,Stance``: one row per input pair, in input order."""
    if len(pairs) != len(labels):
        raise ValueError("one label per pair")
    path = Path(path)
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["Headline", "Body ID", "Stance"])
            for pair, label in zip(pairs, labels, strict=True):
                writer.writerow([pair.headline, pair.body_id, label])
    except OSError as e:
        raise InputError(f"{path}: cannot write predictions: {e.strerror or e}") from e


# -- scoring ---------------------------------------------------------------------------------


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str]) -> list[list[int]]:
    """Rows gold, columns predicted, both in ``FNC1_LABELS`` order."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    index = {label: i for i, label in enumerate(FNC1_LABELS)}
    matrix = [[0] * len(FNC1_LABELS) for _ in FNC1_LABELS]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def per_class_f1(matrix: Sequence[Sequence[int]]) -> dict[str, float]:
    """F1 per label from a confusion matrix; 0.0 for a label never gold nor predicted."""
    out = {}
    for i, label in enumerate(FNC1_LABELS):
        tp = matrix[i][i]
        gold = sum(matrix[i])
        pred = sum(row[i] for row in matrix)
        out[label] = 2 * tp / (gold + pred) if gold + pred else 0.0
    return out


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    """``(score, best possible score)`` under the FNC-1 weighting."""
    score = best = 0.0
    for g, p in zip(gold, predicted, strict=True):
        g_related, p_related = g in RELATED, p in RELATED
        best += 1.0 if g_related else 0.25
        if g_related == p_related:
            score += 0.25
        if g_related and g == p:
            score += 0.75
    return score, best


@dataclass(frozen=True)
class Scores:
    n: int
    fnc: float  # percent of the best possible
    macro_f1: float
    f1: dict[str, float]
    confusion: list[list[int]]
    accuracy: float

    def render(self) -> str:
        width = max(len(label) for label in FNC1_LABELS) + 2
        lines = [
            f"pairs: {self.n}",
            f"FNC score: {self.fnc:.1f}%   macro-F1: {self.macro_f1:.3f}"
            f"   accuracy: {self.accuracy:.3f}",
            "F1: " + "  ".join(f"{k} {v:.3f}" for k, v in self.f1.items()),
            "confusion (rows gold, columns predicted):",
            " " * width + "".join(f"{label:>10}" for label in FNC1_LABELS),
        ]
        for label, row in zip(FNC1_LABELS, self.confusion, strict=True):
            lines.append(f"{label:<{width}}" + "".join(f"{v:>10}" for v in row))
        return "\n".join(lines)


def score(gold: Sequence[str], predicted: Sequence[str]) -> Scores:
    matrix = confusion_matrix(gold, predicted)
    f1 = per_class_f1(matrix)
    got, best = fnc_score(gold, predicted)
    n = len(gold)
    return Scores(
        n=n,
        fnc=100.0 * got / best if best else 0.0,
        macro_f1=sum(f1.values()) / len(f1),
        f1=f1,
        confusion=matrix,
        accuracy=sum(matrix[i][i] for i in range(len(FNC1_LABELS))) / n if n else 0.0,
    )


# -- evaluation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalReport:
    stances_csv: Path
    predictions_path: Path | None
    scores: Scores
    label_counts: dict[str, int] = field(default_factory=dict)

    def render(self) -> str:
        head = f"FNC-1 evaluation of {self.stances_csv}"
        if self.predictions_path:
            head += f" (predictions written to {self.predictions_path})"
        return head + "\n" + self.scores.render()


def predict_labels(
    model: StanceModel,
    pairs: Sequence[Pair],
    bodies: dict[str, str],
    *,
    progress: Progress | None = None,
    batch: int = 2000,
) -> list[str]:
    """Label each pair, in order. Batches keep memory flat and drive ``progress``."""
    labels: list[str] = []
    total = len(pairs)
    # Group a batch by body so each body is prepared once; keep the input order in the output.
    for start in range(0, total, batch):
        chunk = pairs[start : start + batch]
        predictions = model.predict_pairs([(p.headline, bodies[p.body_id]) for p in chunk])
        labels.extend(pred.label for pred in predictions)
        if progress is not None:
            progress(len(labels), total)
    return labels


def evaluate(
    stances_csv: Path | str,
    bodies_csv: Path | str,
    predictions_path: Path | str | None,
    model: StanceModel,
    *,
    progress: Progress | None = None,
) -> EvalReport | None:
    """Label every pair; write predictions if asked; return scores, or None without gold labels."""
    stances_csv = Path(stances_csv)
    pairs = read_stances(stances_csv)
    bodies = read_bodies(bodies_csv)
    check_bodies(pairs, bodies, bodies_csv)
    # Sort by body so a body's pairs land in the same batch (its sentences are processed once),
    # then restore the input order.
    order = sorted(range(len(pairs)), key=lambda i: (pairs[i].body_id, i))
    sorted_labels = predict_labels(model, [pairs[i] for i in order], bodies, progress=progress)
    labels = [""] * len(pairs)
    for i, label in zip(order, sorted_labels, strict=True):
        labels[i] = label
    out = Path(predictions_path) if predictions_path is not None else None
    if out is not None:
        write_predictions(out, pairs, labels)
    if not pairs or any(p.stance is None for p in pairs):
        return None
    gold = [p.stance for p in pairs if p.stance is not None]
    counts = {label: labels.count(label) for label in FNC1_LABELS}
    return EvalReport(
        stances_csv=stances_csv,
        predictions_path=out,
        scores=score(gold, labels),
        label_counts=counts,
    )

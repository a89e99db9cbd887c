"""Features of (claim, article body) pairs for the stance model.

The expensive part of a pair is the body (sentences, tokens, TF-IDF rows, cue counts), so a body
is prepared once into a :class:`BodyView` and every claim against it is scored in one vectorised
pass (:func:`pair_features`). Per claim the features are:

- relatedness: TF-IDF cosine of the claim with the whole body and with each sentence (best,
  second best, top-3 mean, how many sentences pass 0.1 / 0.3), n-gram and capitalised-word
  overlap, fuzzy (rapidfuzz) similarity to the best evidence sentence;
- where the evidence is: position of the best sentence, similarity of the opening sentences;
- numbers: claim numbers present in / missing from the body, and a mismatch flag when the best
  evidence sentence has numbers but none of the claim's;
- stance cues: refutation ("fake", "hoax", "denied", "not true", "no evidence"), hedging
  ("reportedly", "allegedly", "unconfirmed"), negation and support ("confirmed", "official")
  word counts in the claim, in the evidence sentences and in the whole body, per lexicon and per
  cue word;
- cues in context (:func:`_context_features`): cue words within 3 / 5 / 8 tokens of a claim term,
  cues of the sentences ranked 1-3 and weighted by cosine, in the opening sentences, in sentences
  naming the claim's entities or repeating its terms, negation polarity of claim vs evidence,
  and claim terms negated in the body. The body's tokens are laid out once in the
  :class:`BodyView` (padded between sentences) so these windows are array operations.

Text statistics (the IDF table) come from :class:`TextStats`, fitted on article bodies only: it
is unsupervised, bodies are what the model sees at run time, and in cross-validation it is
refitted on the training folds' bodies so no test-fold text shapes the features.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from pipeline.judging.text import MODEL_STOP_WORDS, fold, split_sentences, tokenize
from pipeline.judging.text import stem as _stem

__all__ = [
    "FEATURE_NAMES",
    "BodyView",
    "TextStats",
    "claim_numbers",
    "cue_counts",
    "pair_features",
    "prepare_body",
    "tokenize",
]

_NUMBER = re.compile(r"(?<![\w.])\$?(\d[\d,]*(?:\.\d+)?)")
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z'’-]+")

# Cue lexicons, as surface words; they are stemmed the same way as the text at import time.
_CUE_LEXICONS: dict[str, tuple[str, ...]] = {
    "refute": (
        "fake",
        "fakes",
        "fraud",
        "hoax",
        "hoaxes",
        "false",
        "falsely",
        "deny",
        "denies",
        "denied",
        "denial",
        "debunk",
        "debunked",
        "debunks",
        "bogus",
        "myth",
        "untrue",
        "incorrect",
        "fabricated",
        "fabrication",
        "satire",
        "satirical",
        "prank",
        "retract",
        "retracted",
        "refute",
        "refuted",
        "refutes",
        "dismissed",
        "dismisses",
        "rejected",
        "baseless",
        "unfounded",
        "misleading",
        "nonsense",
        "lie",
        "lies",
        "lying",
        "doubt",
        "doubts",
        "skeptical",
        "sceptical",
        "parody",
        "joke",
        "spoof",
        "wrong",
        "mistaken",
        "disputed",
        "disputes",
        "insists",
        "insisted",
        "contrary",
        "rubbish",
        "scam",
    ),
    "hedge": (
        "reportedly",
        "allegedly",
        "alleged",
        "claim",
        "claims",
        "claimed",
        "purportedly",
        "supposedly",
        "apparently",
        "rumor",
        "rumors",
        "rumour",
        "rumours",
        "rumored",
        "unconfirmed",
        "unverified",
        "may",
        "might",
        "could",
        "possibly",
        "perhaps",
        "appears",
        "appear",
        "seems",
        "suggests",
        "suggest",
        "believed",
        "reports",
        "report",
        "according",
        "sources",
        "speculation",
        "unclear",
        "whether",
        "if",
        "would",
        "likely",
    ),
    "negation": (
        "not",
        "no",
        "never",
        "none",
        "nothing",
        "nobody",
        "neither",
        "nor",
        "cannot",
        "without",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "don't",
        "doesn't",
        "didn't",
        "hasn't",
        "haven't",
        "won't",
        "can't",
        "couldn't",
        "wouldn't",
    ),
    "support": (
        "confirmed",
        "confirms",
        "confirm",
        "official",
        "officially",
        "announced",
        "revealed",
        "reveals",
        "proves",
        "proved",
        "proof",
        "verified",
        "true",
        "actually",
        "real",
        "genuine",
        "evidence",
        "footage",
        "video",
        "photos",
        "indeed",
        "finally",
    ),
}
# Two-word cues: counted as refutations when both words follow each other.
_REFUTE_BIGRAMS = (
    ("not", "true"),
    ("no", "evidence"),
    ("isn't", "true"),
    ("never", "happened"),
    ("turned", "out"),
    ("no", "truth"),
    ("not", "real"),
    ("no", "proof"),
    ("not", "confirmed"),
)


# The model's stop list without the cue words: the features count those.
_STOP_STEMS = frozenset(_stem(w) for w in MODEL_STOP_WORDS) - {
    _stem(w) for words in _CUE_LEXICONS.values() for w in words
}
CUE_GROUPS: tuple[str, ...] = tuple(_CUE_LEXICONS)
# Every distinct stemmed cue word gets its own column; a word in two lexicons counts for both.
CUE_WORDS: tuple[str, ...] = tuple(
    sorted({_stem(w) for words in _CUE_LEXICONS.values() for w in words})
)
_CUE_INDEX = {w: i for i, w in enumerate(CUE_WORDS)}
_GROUP_OF_CUE = np.zeros((len(CUE_WORDS), len(CUE_GROUPS)), dtype=np.float64)
for _g, _name in enumerate(CUE_GROUPS):
    for _w in _CUE_LEXICONS[_name]:
        _GROUP_OF_CUE[_CUE_INDEX[_stem(_w)], _g] = 1.0
_REFUTE_BIGRAM_STEMS = frozenset((_stem(a), _stem(b)) for a, b in _REFUTE_BIGRAMS)


# Public for the claim reader, which keeps a few of these words back (see reading._KEEP).
STOP_STEMS = _STOP_STEMS


def content_tokens(tokens: Iterable[str]) -> list[str]:
    return [t for t in tokens if t not in _STOP_STEMS and len(t) > 1]


def cue_counts(tokens: Sequence[str]) -> np.ndarray:
    """Counts per cue group (``CUE_GROUPS``: refute, hedge, negation, support) in ``tokens``.

    Two-word refutations ("not true", "no evidence") add one to ``refute``.
    """
    vec = _cue_vector(tokens)
    groups = vec @ _GROUP_OF_CUE
    groups[0] += _refute_bigrams(tokens)
    return groups


def _cue_vector(tokens: Sequence[str]) -> np.ndarray:
    vec = np.zeros(len(CUE_WORDS), dtype=np.float64)
    for t in tokens:
        i = _CUE_INDEX.get(t)
        if i is not None:
            vec[i] += 1.0
    return vec


def _refute_bigrams(tokens: Sequence[str]) -> int:
    return sum(1 for pair in zip(tokens, tokens[1:], strict=False) if pair in _REFUTE_BIGRAM_STEMS)


def claim_numbers(text: str) -> set[str]:
    """Numbers in ``text``, normalised ("1,500" -> "1500", "2.0" -> "2"); years and money too."""
    out = set()
    for raw in _NUMBER.findall(text):
        n = raw.replace(",", "").rstrip(".")
        if "." in n:
            n = n.rstrip("0").rstrip(".")
        if n:
            out.add(n)
    return out


def _capitalised(text: str, *, skip_first: bool) -> set[str]:
    """Stemmed capitalised words (names, places), minus stop words; optionally not the first."""
    words = _CAPITALISED.findall(text)
    if skip_first and words and text.lstrip().startswith(words[0]):
        words = words[1:]
    return {s for w in words if (s := _stem(fold(w))) not in _STOP_STEMS}


@dataclass(frozen=True)
class TextStats:
    """Inverse document frequencies fitted on article bodies (words seen in >= 2 bodies)."""

    idf: dict[str, float]
    default_idf: float  # for words not in the table: rarer than anything in it
    n_documents: int

    @classmethod
    def fit(cls, bodies: Iterable[str], *, min_df: int = 2) -> TextStats:
        df: Counter[str] = Counter()
        n = 0
        for body in bodies:
            n += 1
            df.update(set(content_tokens(tokenize(body))))
        idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in sorted(df.items()) if c >= min_df}
        return cls(idf=idf, default_idf=math.log((1 + n) / 1) + 1.0, n_documents=n)

    def to_json(self) -> dict[str, object]:
        return {
            "n_documents": self.n_documents,
            "default_idf": self.default_idf,
            "idf": {w: round(v, 5) for w, v in self.idf.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> TextStats:
        idf = data["idf"]
        if not isinstance(idf, dict):
            raise TypeError("idf must be an object")
        return cls(
            idf={str(k): float(v) for k, v in idf.items()},
            default_idf=float(data["default_idf"]),  # type: ignore[arg-type]
            n_documents=int(data["n_documents"]),  # type: ignore[call-overload]
        )


@dataclass(frozen=True)
class BodyView:
    """One article body, prepared once for scoring any number of claims against it."""

    sentences: list[str]
    columns: dict[str, int]  # content word -> column of ``sentence_tfidf``
    idf: np.ndarray  # per column
    sentence_tfidf: np.ndarray  # (n_sentences, n_columns), rows L2-normalised
    body_tfidf: np.ndarray  # (n_columns,), L2-normalised
    sentence_cues: np.ndarray  # (n_sentences, len(CUE_WORDS)) counts
    sentence_refute_bigrams: np.ndarray  # (n_sentences,)
    sentence_lengths: np.ndarray  # tokens per sentence
    sentence_numbers: list[set[str]]
    sentence_tokens: list[list[str]]  # tokenize() of each sentence
    # All sentences' tokens laid end to end, with _PAD empty slots before, between and after
    # them, so a window of up to _PAD tokens around a position never crosses a sentence:
    token_column: np.ndarray  # (n_slots,) column of a content token, else -1
    token_cues: np.ndarray  # (n_slots, 4) cue-group membership: refute, negation, hedge, support
    token_after_negation: np.ndarray  # (n_slots,) bool: one of the 2 tokens before is a negation
    segment_starts: np.ndarray  # (n_sentences,) slot where sentence i's padding + tokens begin
    bigrams: frozenset[tuple[str, str]]
    trigrams: frozenset[tuple[str, str, str]]
    capitalised: frozenset[str]
    numbers: frozenset[str]
    n_tokens: int
    question_marks: int


def prepare_body(body: str, stats: TextStats) -> BodyView:
    sentences = split_sentences(body)
    columns: dict[str, int] = {}
    rows: list[Counter[int]] = []
    cues = np.zeros((len(sentences), len(CUE_WORDS)), dtype=np.float64)
    refute_bigrams = np.zeros(len(sentences), dtype=np.float64)
    lengths = np.zeros(len(sentences), dtype=np.float64)
    bigrams: set[tuple[str, str]] = set()
    trigrams: set[tuple[str, str, str]] = set()
    capitalised: set[str] = set()
    sentence_numbers: list[set[str]] = []
    sentence_tokens: list[list[str]] = []
    for i, sentence in enumerate(sentences):
        tokens = tokenize(sentence)
        sentence_tokens.append(tokens)
        lengths[i] = len(tokens)
        for t in tokens:
            j = _CUE_INDEX.get(t)
            if j is not None:
                cues[i, j] += 1.0
        refute_bigrams[i] = _refute_bigrams(tokens)
        content = content_tokens(tokens)
        row: Counter[int] = Counter()
        for t in content:
            col = columns.setdefault(t, len(columns))
            row[col] += 1
        rows.append(row)
        bigrams.update(zip(content, content[1:], strict=False))
        trigrams.update(zip(content, content[1:], content[2:], strict=False))
        capitalised |= _capitalised(sentence, skip_first=True)
        sentence_numbers.append(claim_numbers(sentence))
    idf = np.array(
        [stats.idf.get(w, stats.default_idf) for w in columns], dtype=np.float64
    ).reshape(-1)
    tf = np.zeros((len(sentences), len(columns)), dtype=np.float64)
    for i, row in enumerate(rows):
        if row:
            tf[i, list(row.keys())] = list(row.values())
    body_tf = tf.sum(axis=0)
    sentence_tfidf = _l2_rows(np.where(tf > 0, 1.0 + np.log(np.maximum(tf, 1.0)), 0.0) * idf)
    body_tfidf = np.where(body_tf > 0, 1.0 + np.log(np.maximum(body_tf, 1.0)), 0.0) * idf
    norm = float(np.linalg.norm(body_tfidf))
    if norm > 0:
        body_tfidf = body_tfidf / norm
    flat = _flat_tokens(sentence_tokens, columns)
    return BodyView(
        sentences=sentences,
        columns=columns,
        idf=idf,
        sentence_tfidf=sentence_tfidf,
        body_tfidf=body_tfidf,
        sentence_cues=cues,
        sentence_refute_bigrams=refute_bigrams,
        sentence_lengths=lengths,
        sentence_numbers=sentence_numbers,
        sentence_tokens=sentence_tokens,
        token_column=flat[0],
        token_cues=flat[1],
        token_after_negation=flat[2],
        segment_starts=flat[3],
        bigrams=frozenset(bigrams),
        trigrams=frozenset(trigrams),
        capitalised=frozenset(capitalised),
        numbers=frozenset(set().union(*sentence_numbers) if sentence_numbers else set()),
        n_tokens=int(lengths.sum()),
        question_marks=body.count("?"),
    )


_PAD = 8  # widest cue window (tokens either side of a claim term)
_NEAR_WINDOWS = (3, 5, 8)
# Cue-group columns of the proximity features, in this order: refute, negation, hedge, support.
_NEAR_ORDER = [CUE_GROUPS.index(g) for g in ("refute", "negation", "hedge", "support")]
_NEGATION = CUE_GROUPS.index("negation")


def _flat_tokens(
    sentence_tokens: list[list[str]], columns: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The padded token layout of :class:`BodyView` (``token_column`` ... ``segment_starts``)."""
    column = [-1] * _PAD
    cue = [-1] * _PAD
    starts = []
    for tokens in sentence_tokens:
        starts.append(len(column) - _PAD)
        column.extend([columns.get(t, -1) for t in tokens])
        cue.extend([_CUE_INDEX.get(t, -1) for t in tokens])
        column.extend([-1] * _PAD)
        cue.extend([-1] * _PAD)
    cue_index = np.asarray(cue, dtype=np.int64)
    groups = np.vstack([_GROUP_OF_CUE, np.zeros((1, len(CUE_GROUPS)))])[cue_index]
    negation = groups[:, _NEGATION] > 0
    after_negation = np.zeros(len(cue_index), dtype=bool)
    after_negation[1:] |= negation[:-1]
    after_negation[2:] |= negation[:-2]
    return (
        np.asarray(column, dtype=np.int64),
        groups[:, _NEAR_ORDER],
        after_negation,
        np.asarray(starts, dtype=np.int64),
    )


def _l2_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)


_BASE_NAMES: tuple[str, ...] = (
    "cos_body",
    "cos_best",
    "cos_second",
    "cos_top3",
    "cos_mean",
    "n_sent_cos_01",
    "n_sent_cos_03",
    "frac_sent_cos_01",
    "best_position",
    "best_index",
    "cos_first",
    "cos_first3",
    "unigram_overlap",
    "idf_overlap",
    "bigram_overlap",
    "trigram_overlap",
    "best_overlap",
    "fuzz_token_set",
    "fuzz_partial",
    "fuzz_token_sort",
    "fuzz_best3",
    "caps_claim",
    "caps_in_body",
    "caps_in_best",
    "num_claim",
    "num_in_body",
    "num_missing",
    "num_mismatch_best",
    "claim_tokens",
    "claim_content_tokens",
    "body_tokens_log",
    "n_sentences",
    "best_length",
    "claim_question",
    "claim_quote",
    "body_question_rate",
    "top3_relevance_gap",
)
_GROUP_SCOPES = ("claim", "best", "top3", "related", "body_rate", "lead3")
_WORD_SCOPES = ("claim", "top3", "body_rate")
_NEAR_GROUPS = ("refute", "negation", "hedge", "support")
# Cues in the claim's context (see _context_features); "refute" counts include the two-word
# refutations except in near*_ (single words near a claim term) and match2_ (as measured).
_CONTEXT_NAMES: tuple[str, ...] = (
    tuple(f"near{w}_{g}_top3" for w in (3, 8) for g in _NEAR_GROUPS)
    + tuple(f"rank{r}_{x}" for r in (1, 2, 3) for x in ("cos",) + _NEAR_GROUPS + ("position",))
    + tuple(f"cosw_{g}" for g in _NEAR_GROUPS)
    + (
        "lead1_refute",
        "lead5_refute",
        "lead1_negation",
        "lead5_negation",
        "lead5_hedge",
        "lead5_support",
    )
    + ("entity_refute", "entity_negation", "entity_sents", "entity_refute_frac")
    + (
        "claim_negation_words",
        "claim_refute_words",
        "polarity_neg_neg",
        "polarity_neg_none",
        "polarity_pos_neg",
        "claim_refute_x_body_refute",
    )
    + ("related_refute_frac", "related_negation_frac")
    + ("near5_refute_body", "near5_negation_body", "near5_refute_sents")
    + ("match2_refute", "match2_negation", "match2_sents", "match2_refute_frac")
    + ("negated_claim_terms",)
)
FEATURE_NAMES: tuple[str, ...] = (
    _BASE_NAMES
    + tuple(f"cue_{g}_{s}" for s in _GROUP_SCOPES for g in CUE_GROUPS)
    + tuple(f"word_{w}_{s}" for s in _WORD_SCOPES for w in CUE_WORDS)
    + _CONTEXT_NAMES
)


def _context_features(
    view: BodyView,
    stats: TextStats,
    sent_cos: np.ndarray,
    order: np.ndarray,
    claim_content: list[list[str]],
    claim_words: np.ndarray,
    claim_caps: list[set[str]],
) -> np.ndarray:
    """The ``_CONTEXT_NAMES`` features of every claim against one body, ``(n_claims, n)``.

    Per claim: refutation / negation / hedge / support cue words within 3 and 8 tokens of a claim
    term in the 3 best evidence sentences (and within 5 in the whole body); the cues, cosine and
    position of the sentences ranked 1-3; cue counts weighted by sentence cosine; cues in the
    first 1 and 5 sentences; cues in the sentences naming the claim's entities (capitalised or
    rare words) and in those with >= 2 claim-term occurrences; the share of related sentences
    (cosine > 0.1) with a refutation / negation; negation polarity of the claim against its
    evidence; and claim terms right after a negation ("not", "never" up to 2 tokens before).
    """
    n = len(claim_content)
    n_sent = len(view.sentences)
    out = np.zeros((n, len(_CONTEXT_NAMES)), dtype=np.float64)
    if n == 0 or n_sent == 0:
        return out
    raw = view.sentence_cues @ _GROUP_OF_CUE  # per sentence, CUE_GROUPS order
    raw_refute = raw[:, 0]
    G = raw[:, _NEAR_ORDER]  # refute (+ two-word refutations), negation, hedge, support
    G[:, 0] += view.sentence_refute_bigrams
    refuting = (G[:, 0] > 0).astype(np.float64)

    n_cols = len(view.columns)
    present = np.zeros((n, n_cols + 1), dtype=bool)  # last column: no column (-1)
    entity = np.zeros((n, n_cols + 1), dtype=bool)
    columns = view.columns
    for i, content in enumerate(claim_content):
        present[i, [c for w in content if (c := columns.get(w)) is not None]] = True
        names = claim_caps[i] | {t for t in content if stats.idf.get(t, stats.default_idf) > 5}
        entity[i, [c for w in names if (c := columns.get(w)) is not None]] = True
    starts = view.segment_starts
    match = present[:, view.token_column]  # (n, n_slots)
    slots = match.shape[1]
    cumulative = np.zeros((n, slots + 1), dtype=np.int64)
    np.cumsum(match, axis=1, out=cumulative[:, 1:])
    near_cues = {}  # window -> (n, n_sent, 4) cue words within the window of a claim term
    for w in _NEAR_WINDOWS:
        near = np.zeros((n, slots), dtype=np.float64)
        near[:, w : slots - w] = cumulative[:, 2 * w + 1 :] > cumulative[:, : slots - 2 * w]
        near_cues[w] = np.add.reduceat(near[:, :, None] * view.token_cues, starts, axis=1)

    rows = np.arange(n)[:, None]
    top = order[:, :3]
    k = 0
    for w in (3, 8):
        out[:, k : k + 4] = near_cues[w][rows, top].sum(axis=1)
        k += 4
    for r in range(3):
        if r < n_sent:
            s = order[:, r]
            out[:, k] = sent_cos[rows[:, 0], s]
            out[:, k + 1 : k + 5] = G[s]
            out[:, k + 5] = s / n_sent
        else:
            out[:, k + 5] = 1.0
        k += 6
    weight = sent_cos.sum(axis=1)
    out[:, k : k + 4] = np.divide(
        sent_cos @ G, weight[:, None], out=np.zeros((n, 4)), where=weight[:, None] > 0
    )
    k += 4
    lead1, lead5 = G[:1].sum(axis=0), G[:5].sum(axis=0)
    out[:, k : k + 6] = (lead1[0], lead5[0], lead1[1], lead5[1], lead5[2], lead5[3])
    k += 6
    in_entity = np.add.reduceat(entity[:, view.token_column].astype(np.int64), starts, axis=1)
    in_entity = (in_entity > 0).astype(np.float64)
    n_entity = in_entity.sum(axis=1)
    out[:, k] = in_entity @ G[:, 0]
    out[:, k + 1] = in_entity @ G[:, 1]
    out[:, k + 2] = n_entity
    out[:, k + 3] = np.divide(in_entity @ refuting, n_entity, out=np.zeros(n), where=n_entity > 0)
    k += 4
    claim_groups = claim_words @ _GROUP_OF_CUE[:, _NEAR_ORDER]  # single words, no bigrams
    evidence_negative = G[top, 0].sum(axis=1) + G[top, 1].sum(axis=1) > 0
    claim_negative = claim_groups[:, 0] + claim_groups[:, 1] > 0
    out[:, k] = claim_groups[:, 1]
    out[:, k + 1] = claim_groups[:, 0]
    out[:, k + 2] = claim_negative & evidence_negative
    out[:, k + 3] = claim_negative & ~evidence_negative
    out[:, k + 4] = ~claim_negative & evidence_negative
    out[:, k + 5] = (claim_groups[:, 0] > 0) * G[:, 0].sum()
    k += 6
    related = (sent_cos > 0.1).astype(np.float64)
    n_related = related.sum(axis=1)
    out[:, k] = np.divide(related @ refuting, n_related, out=np.zeros(n), where=n_related > 0)
    out[:, k + 1] = np.divide(
        related @ (G[:, 1] > 0), n_related, out=np.zeros(n), where=n_related > 0
    )
    k += 2
    near5 = near_cues[5]
    out[:, k] = near5[:, :, 0].sum(axis=1)
    out[:, k + 1] = near5[:, :, 1].sum(axis=1)
    out[:, k + 2] = (near5[:, :, 0] > 0).sum(axis=1)
    k += 3
    matches = np.add.reduceat(match.astype(np.int64), starts, axis=1)
    two = (matches >= 2).astype(np.float64)
    n_two = two.sum(axis=1)
    out[:, k] = two @ raw_refute
    out[:, k + 1] = two @ raw[:, _NEGATION]
    out[:, k + 2] = n_two
    out[:, k + 3] = np.divide(two @ (raw_refute > 0), n_two, out=np.zeros(n), where=n_two > 0)
    k += 4
    out[:, k] = (match & view.token_after_negation).sum(axis=1)
    return out


def pair_features(
    claims: Sequence[str], view: BodyView, stats: TextStats
) -> tuple[np.ndarray, np.ndarray]:
    """Features of each claim against one prepared body.

    Returns ``(X, best)``: ``X`` of shape ``(len(claims), len(FEATURE_NAMES))`` and ``best``,
    the index into ``view.sentences`` of each claim's best evidence sentence (-1 if none).
    """
    n_claims = len(claims)
    n_sent = len(view.sentences)
    X = np.zeros((n_claims, len(FEATURE_NAMES)), dtype=np.float64)
    best = np.full(n_claims, -1, dtype=np.int64)
    if n_claims == 0:
        return X, best

    claim_tokens = [tokenize(c) for c in claims]
    claim_content = [content_tokens(t) for t in claim_tokens]
    n_cols = len(view.columns)
    # Claim TF-IDF restricted to the body's columns, normalised by the claim's full norm so a
    # claim with many words the body lacks scores low.
    C = np.zeros((n_claims, n_cols), dtype=np.float64)
    idf_overlap = np.zeros(n_claims)
    for i, content in enumerate(claim_content):
        counts = Counter(content)
        total = 0.0
        shared = 0.0
        idf_sum = 0.0
        for w, c in counts.items():
            col = view.columns.get(w)
            weight = 1.0 + math.log(c)
            if col is not None:
                wi = weight * view.idf[col]
                C[i, col] = wi
                shared += view.idf[col]
            else:
                idf = stats.idf.get(w, stats.default_idf)
                wi = weight * idf
                idf_sum += idf
            total += wi * wi
        if total > 0:
            C[i] /= math.sqrt(total)
        idf_sum += shared
        idf_overlap[i] = shared / idf_sum if idf_sum > 0 else 0.0

    cos_body = C @ view.body_tfidf if n_cols else np.zeros(n_claims)
    sent_cos = C @ view.sentence_tfidf.T if n_sent and n_cols else np.zeros((n_claims, n_sent))

    cue_groups = _GROUP_OF_CUE
    body_cue_words = view.sentence_cues.sum(axis=0) if n_sent else np.zeros(len(CUE_WORDS))
    body_rate_scale = 100.0 / max(view.n_tokens, 1)
    body_groups = body_cue_words @ cue_groups
    body_groups[0] += view.sentence_refute_bigrams.sum()
    lead = min(3, n_sent)
    lead_groups = view.sentence_cues[:lead].sum(axis=0) @ cue_groups if n_sent else body_groups * 0
    if n_sent:
        lead_groups[0] += view.sentence_refute_bigrams[:lead].sum()

    base = len(_BASE_NAMES)
    n_groups = len(CUE_GROUPS)
    n_words = len(CUE_WORDS)
    group_offset = base
    word_offset = base + n_groups * len(_GROUP_SCOPES)
    context_offset = word_offset + 3 * n_words
    orders = (
        np.argsort(-sent_cos, axis=1, kind="stable")
        if n_sent
        else np.zeros((n_claims, 0), dtype=np.int64)
    )
    claim_cue_words = np.zeros((n_claims, n_words))
    claim_caps: list[set[str]] = []

    for i in range(n_claims):
        tokens = claim_tokens[i]
        content = claim_content[i]
        content_set = set(content)
        f = X[i]
        f[0] = cos_body[i]
        if n_sent:
            row = sent_cos[i]
            order = orders[i]
            b = int(order[0]) if row[order[0]] > 0 else -1
            top = order[:3]
            f[1] = row[order[0]]
            f[2] = row[order[1]] if n_sent > 1 else 0.0
            f[3] = float(row[top].mean())
            f[4] = float(row.mean())
            f[5] = float((row > 0.1).sum())
            f[6] = float((row > 0.3).sum())
            f[7] = f[5] / n_sent
            f[8] = b / n_sent if b >= 0 else 1.0
            f[9] = min(b, 50) if b >= 0 else 50
            f[10] = row[0]
            f[11] = float(row[:3].max())
            f[36] = f[1] - f[2]
            best[i] = b
        else:
            top = np.zeros(0, dtype=np.int64)
            b = -1
            f[8] = 1.0
            f[9] = 50
        # n-gram overlap with the whole body
        if content:
            f[12] = sum(1 for t in content_set if t in view.columns) / len(content_set)
            f[13] = idf_overlap[i]
            grams2 = set(zip(content, content[1:], strict=False))
            grams3 = set(zip(content, content[1:], content[2:], strict=False))
            f[14] = len(grams2 & view.bigrams) / max(len(grams2), 1)
            f[15] = float(len(grams3 & view.trigrams))
        best_sentence = view.sentences[b] if b >= 0 else ""
        if b >= 0:
            best_tokens = set(view.sentence_tokens[b])
            f[16] = len(content_set & best_tokens) / max(len(content_set), 1)
            claim_text = claims[i]
            f[17] = fuzz.token_set_ratio(claim_text, best_sentence) / 100.0
            f[18] = fuzz.partial_ratio(claim_text, best_sentence) / 100.0
            f[19] = fuzz.token_sort_ratio(claim_text, best_sentence) / 100.0
            f[20] = (
                max(fuzz.token_set_ratio(claim_text, view.sentences[int(j)]) for j in top) / 100.0
            )
            f[32] = view.sentence_lengths[b]
        caps = _capitalised(claims[i], skip_first=True)
        claim_caps.append(caps)
        f[21] = len(caps)
        if caps:
            f[22] = len(caps & view.capitalised) / len(caps)
            if b >= 0:
                f[23] = len(caps & _capitalised(best_sentence, skip_first=False)) / len(caps)
        numbers = claim_numbers(claims[i])
        f[24] = len(numbers)
        if numbers:
            present = len(numbers & view.numbers)
            f[25] = present / len(numbers)
            f[26] = len(numbers) - present
            if b >= 0 and view.sentence_numbers[b] and not numbers & view.sentence_numbers[b]:
                f[27] = 1.0
        f[28] = len(tokens)
        f[29] = len(content)
        f[30] = math.log1p(view.n_tokens)
        f[31] = n_sent
        f[33] = 1.0 if "?" in claims[i] else 0.0
        f[34] = 1.0 if any(q in claims[i] for q in "\"“”'‘") else 0.0
        f[35] = view.question_marks * body_rate_scale

        # cue groups per scope: claim, best, top3, related (cos > 0.1), body rate, lead 3
        claim_words = _cue_vector(tokens)
        claim_cue_words[i] = claim_words
        claim_groups = claim_words @ cue_groups
        claim_groups[0] += _refute_bigrams(tokens)
        if n_sent:
            best_words = view.sentence_cues[b] if b >= 0 else np.zeros(n_words)
            best_groups = best_words @ cue_groups
            best_groups[0] += view.sentence_refute_bigrams[b] if b >= 0 else 0.0
            top_words = view.sentence_cues[top].sum(axis=0)
            top_groups = top_words @ cue_groups
            top_groups[0] += view.sentence_refute_bigrams[top].sum()
            related = sent_cos[i] > 0.1
            rel_groups = view.sentence_cues[related].sum(axis=0) @ cue_groups
            rel_groups[0] += view.sentence_refute_bigrams[related].sum()
        else:
            best_groups = top_groups = rel_groups = np.zeros(n_groups)
            top_words = np.zeros(n_words)
        scopes = (
            claim_groups,
            best_groups,
            top_groups,
            rel_groups,
            body_groups * body_rate_scale,
            lead_groups,
        )
        for s, values in enumerate(scopes):
            f[group_offset + s * n_groups : group_offset + (s + 1) * n_groups] = values
        f[word_offset : word_offset + n_words] = np.minimum(claim_words, 1.0)
        f[word_offset + n_words : word_offset + 2 * n_words] = top_words
        f[word_offset + 2 * n_words : word_offset + 3 * n_words] = body_cue_words * body_rate_scale
    X[:, context_offset:] = _context_features(
        view, stats, sent_cos, orders, claim_content, claim_cue_words, claim_caps
    )
    return X, best

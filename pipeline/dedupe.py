"""Detect syndicated copies: the same wire story republished by another site.

A copy keeps most of the original's word sequences even when it is trimmed, re-headlined, given
a new lede or lightly edited, while two different stories on the same topic share words but
hardly any runs of five words. So an article is reduced to the set of its hashed word 5-shingles
(after :func:`normalise`), and two articles are copies when their *containment*

    |A ∩ B| / min(|A|, |B|)

reaches :data:`THRESHOLD`. Containment rather than Jaccard because a copy trimmed to its first
half, or padded with a local paragraph, has a low Jaccard but still a high containment.

Finding the candidates must not cost a scan of the store, so :class:`SyndicationIndex` keeps a
MinHash LSH index in SQLite: each article's MinHash signature is cut into :data:`BANDS` bands of
:data:`ROWS` rows, each band hashed to one integer key, and the keys stored in an indexed table.
A lookup is one indexed query for the band keys, then the exact containment is computed on the
few candidates that share a band (their shingle hashes are stored too). The bands are tuned for
recall at the Jaccard a copy at the threshold can have: a copy at least half as long as its
original with containment 0.5 has Jaccard >= 0.2, and 128 bands of 2 rows propose a pair at
Jaccard 0.2 with probability 1 - (1 - 0.2**2)**128 = 0.995.

Why 0.5 (``benchmarks/eval_syndication.py``, 181 real news pages): the highest containment
between two different stories is 0.268 (two press releases of one company sharing an "about us"
paragraph; the same earnings report written up by two outlets scores 0.236), 99.9 % of pairs are
under 0.04; synthetic copies of those pages (trimmed, re-headlined, new lede, house-style edits,
trafilatura's own extraction) are all found except 14 of 1,083, 12 of them the hardest kind
(trimmed + new lede + edits). Lowering the threshold to 0.4 would win 6 of those back but halve
the margin over the 0.268, and a wrong link costs more than a missed one.

Texts shorter than :data:`MIN_WORDS` words are never matched and never indexed: a headline or a
two-line brief is too little evidence that two articles are the same story.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterable

import numpy as np
import sqlite_utils
from datasketch import MinHash

__all__ = [
    "BANDS",
    "MIN_WORDS",
    "NUM_PERM",
    "ROWS",
    "SHINGLE_WORDS",
    "THRESHOLD",
    "SyndicationIndex",
    "is_copy",
    "normalise",
    "resemblance",
    "shingles",
    "signature",
]

#: Words per shingle. Five keeps shared phrasing between different stories (names, titles,
#: "said in a statement") rare, while a house-style word change costs only five shingles.
SHINGLE_WORDS = 5
#: Containment at or above which two texts are copies; justified in benchmarks/eval_syndication.py.
THRESHOLD = 0.5
#: Fewer words than this and a text is never matched or indexed.
MIN_WORDS = 40
#: MinHash permutations, cut into BANDS bands of ROWS rows for the LSH index.
NUM_PERM = 256
ROWS = 2
BANDS = NUM_PERM // ROWS
#: Fixed so signatures (and the band keys stored in SQLite) are the same in every process.
MINHASH_SEED = 20240531
#: At most this many LSH candidates (the ones sharing most bands) are verified per lookup, so a
#: pathological bucket (boilerplate shared by a whole site) cannot make a lookup scan the store.
MAX_CANDIDATES = 50
#: At most this many articles are read from one band bucket (see SyndicationIndex._find).
BUCKET_CAP = 100

BANDS_TABLE = "dedupe_bands"
SHINGLES_TABLE = "dedupe_shingles"

# Typographic variants that house styles and CMSes swap freely.
_APOSTROPHES = dict.fromkeys(map(ord, "'`´‘’‛′ʼ"), None)
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Casefold, strip accents, drop apostrophes, turn other punctuation into spaces.

    The result is the words of ``text`` joined by single spaces, so the decision does not depend
    on whitespace, case, curly versus straight quotes, dashes or accents.
    """
    # Case first, accents second: upper() turns some combining marks into letters (the Greek
    # iota subscript), and upper() then casefold() makes e.g. dotless "ı" and "I" agree.
    text = unicodedata.normalize("NFKC", text).upper().casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_APOSTROPHES)
    return " ".join(_NON_WORD.sub(" ", text).split())


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def _shingle_array(words: list[str], k: int) -> np.ndarray:
    """Sorted, unique uint64 hashes of the word k-shingles (one shingle if shorter than k)."""
    n = max(len(words) - k + 1, 1) if words else 0
    hashes = {_hash64(" ".join(words[i : i + k]).encode()) for i in range(n)}
    return np.array(sorted(hashes), dtype=np.uint64)


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[int]:
    """Hashes (64-bit, blake2b: stable across processes) of the word k-shingles of ``text``."""
    return {int(h) for h in _shingle_array(normalise(text).split(), k)}


def _as_array(shingle_set: Iterable[int] | np.ndarray) -> np.ndarray:
    if isinstance(shingle_set, np.ndarray):
        return shingle_set.astype(np.uint64, copy=False)
    return np.fromiter(shingle_set, dtype=np.uint64)


@functools.cache
def _permutations() -> np.ndarray:
    """The fixed MinHash permutations (drawing them costs more than a whole signature)."""
    perms = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme="affine64").permutations
    perms.setflags(write=False)
    return perms


def signature(shingle_set: Iterable[int] | np.ndarray) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` uint64 values, fixed seed) of a set of shingle hashes."""
    values = _as_array(shingle_set)
    minhash = MinHash(
        num_perm=NUM_PERM,
        scheme="affine64",
        hashfunc=int,  # the shingles are already uniform 64-bit hashes
        permutations=_permutations(),
    )
    if values.size:
        minhash.update_batch(values.tolist())
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


def _containment(a: np.ndarray, b: np.ndarray) -> float:
    """Containment of two sorted unique uint64 arrays."""
    smaller = min(a.size, b.size)
    if smaller == 0:
        return 0.0
    shared = np.intersect1d(a, b, assume_unique=True).size
    return shared / smaller


def resemblance(a: Collection[int], b: Collection[int]) -> float:
    """Containment ``|a ∩ b| / min(|a|, |b|)`` of two shingle sets: symmetric, in [0, 1].

    High when one text is (nearly) contained in the other, however long the other is.
    """
    if not a or not b:
        return 0.0
    a_set = a if isinstance(a, set | frozenset) else set(a)
    b_set = b if isinstance(b, set | frozenset) else set(b)
    return len(a_set & b_set) / min(len(a_set), len(b_set))


def _long_enough(words: list[str]) -> bool:
    return len(words) >= MIN_WORDS


def is_copy(text_a: str, text_b: str) -> bool:
    """Whether one text is a syndicated copy of the other (symmetric).

    False whenever either text has fewer than ``MIN_WORDS`` words.
    """
    words_a, words_b = normalise(text_a).split(), normalise(text_b).split()
    if not (_long_enough(words_a) and _long_enough(words_b)):
        return False
    a = _shingle_array(words_a, SHINGLE_WORDS)
    b = _shingle_array(words_b, SHINGLE_WORDS)
    return _containment(a, b) >= THRESHOLD


def _band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band; the band number is hashed in so bands never collide."""
    rows = sig[: BANDS * ROWS].astype("<u8").reshape(BANDS, ROWS)
    keys = []
    for band, values in enumerate(rows):
        person = band.to_bytes(16, "little")
        digest = hashlib.blake2b(values.tobytes(), digest_size=8, person=person).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


class SyndicationIndex:
    """MinHash LSH index of stored articles, kept in the SQLite store.

    Tables (both created by :meth:`ensure_tables`)::

        dedupe_bands(band_key INTEGER, article_id INTEGER, PRIMARY KEY (band_key, article_id))
            WITHOUT ROWID: one row per band of each article's signature; the primary key is
            the index a lookup searches.
        dedupe_shingles(article_id INTEGER PRIMARY KEY, root_id INTEGER, shingles BLOB)
            the article's sorted uint64 shingle hashes (for exact verification) and the
            earliest article of its copy group (itself when it is an original).

    Articles are expected to be added in increasing ``article_id`` order (the store's ids), so
    the first copy indexed is the earliest. Texts shorter than ``MIN_WORDS`` words are never
    indexed and never matched. The index neither begins nor commits transactions: the caller
    wraps :meth:`add` in its own ``db.atomic()`` with the article's other writes.
    """

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        # The last find_original() lookup, reused by an add() of the same text that follows it
        # (the pipeline's order), so an article costs one lookup, not two. Any add() clears it.
        self._last: tuple[str, np.ndarray, int | None, list[int]] | None = None

    def ensure_tables(self) -> None:
        """Create the index tables if missing (idempotent)."""
        self.db.execute(
            f"CREATE TABLE IF NOT EXISTS [{BANDS_TABLE}] ("
            " band_key INTEGER NOT NULL, article_id INTEGER NOT NULL,"
            " PRIMARY KEY (band_key, article_id)) WITHOUT ROWID"
        )
        self.db.execute(
            f"CREATE TABLE IF NOT EXISTS [{SHINGLES_TABLE}] ("
            " article_id INTEGER PRIMARY KEY, root_id INTEGER NOT NULL, shingles BLOB NOT NULL)"
        )

    def find_original(self, text: str) -> int | None:
        """Id of the earliest stored article ``text`` is a copy of, else None.

        "Earliest" is the root of the copy group: if B was stored as a copy of A, a text that
        matches only B still returns A. Always None for texts under ``MIN_WORDS`` words.
        """
        words = normalise(text).split()
        if not _long_enough(words):
            return None
        array = _shingle_array(words, SHINGLE_WORDS)
        root, keys = self._find(array)
        self._last = (text, array, root, keys)
        return root

    def add(self, article_id: int, text: str) -> None:
        """Index ``article_id`` (idempotent: re-adding replaces its previous entry).

        Call it inside the transaction that stores the article; it opens only a savepoint and
        never commits. Called right after :meth:`find_original` with the same text, it reuses
        that lookup. Does nothing for texts under ``MIN_WORDS`` words (never matched anyway).
        """
        last, self._last = self._last, None
        # Inside the caller's transaction atomic() is a savepoint: all of this or none of it,
        # and the caller's transaction is neither committed nor ended.
        with self.db.atomic():
            removed = self._remove(article_id)
            if last is not None and last[0] == text and not removed:
                _, array, root, keys = last
            else:
                words = normalise(text).split()
                if not _long_enough(words):
                    return
                array = _shingle_array(words, SHINGLE_WORDS)
                root, keys = self._find(array, exclude=article_id)
            if root is not None and root > article_id:
                # Added out of order: this article is older than the group's root, so it is the
                # earliest copy; the existing members keep pointing at the old root.
                root = article_id
            self.db.execute(
                f"INSERT INTO [{SHINGLES_TABLE}] (article_id, root_id, shingles) VALUES (?, ?, ?)",
                [article_id, article_id if root is None else root, array.astype("<u8").tobytes()],
            )
            self.db.conn.executemany(
                f"INSERT OR IGNORE INTO [{BANDS_TABLE}] (band_key, article_id) VALUES (?, ?)",
                [(key, article_id) for key in keys],
            )

    def _find(self, array: np.ndarray, exclude: int | None = None) -> tuple[int | None, list[int]]:
        """(root of the matching group or None, the band keys of ``array``)."""
        keys = _band_keys(signature(array))
        # Each bucket is read through the primary key and cut at BUCKET_CAP rows (the earliest
        # articles, so a group's root is kept): a bucket shared by a whole site's boilerplate
        # then costs a bounded amount, whatever the size of the store.
        buckets = " UNION ALL ".join(
            f"SELECT * FROM (SELECT article_id FROM [{BANDS_TABLE}] WHERE band_key = ?"
            f" ORDER BY article_id LIMIT {BUCKET_CAP})"
            for _ in keys
        )
        candidates = self.db.execute(
            f"SELECT b.article_id, s.root_id, s.shingles FROM ("
            f"  SELECT article_id, count(*) AS hits FROM ({buckets})"
            f"  WHERE article_id IS NOT ?"
            f"  GROUP BY article_id ORDER BY hits DESC, article_id LIMIT {MAX_CANDIDATES}"
            f") AS b JOIN [{SHINGLES_TABLE}] AS s ON s.article_id = b.article_id",
            [*keys, exclude],
        ).fetchall()
        roots = [
            root_id
            for _, root_id, blob in candidates
            if _containment(array, np.frombuffer(blob, dtype="<u8")) >= THRESHOLD
        ]
        return (min(roots) if roots else None), keys

    def _remove(self, article_id: int) -> bool:
        """Drop ``article_id`` from the index; whether it was there."""
        row = self.db.execute(
            f"SELECT shingles FROM [{SHINGLES_TABLE}] WHERE article_id = ?", [article_id]
        ).fetchone()
        if row is None:
            return False
        old_keys = _band_keys(signature(np.frombuffer(row[0], dtype="<u8")))
        self.db.conn.executemany(
            f"DELETE FROM [{BANDS_TABLE}] WHERE band_key = ? AND article_id = ?",
            [(key, article_id) for key in old_keys],
        )
        self.db.execute(f"DELETE FROM [{SHINGLES_TABLE}] WHERE article_id = ?", [article_id])
        return True

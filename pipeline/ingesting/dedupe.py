"""Detect syndicated copies: the same wire story republished by another site.

A copy keeps most of the original's word sequences even when it is trimmed, re-headlined, given
a new lede or lightly edited, while two different stories on the same topic share words but
hardly any runs of five words. So an article is reduced to the set of its hashed word 5-shingles
(after :func:`normalise`), and two articles are copies when their *containment*

    |A ∩ B| / min(|A|, |B|)

reaches :data:`THRESHOLD`. Containment rather than Jaccard because a copy trimmed to its first
half, or padded with a local paragraph, has a low Jaccard but still a high containment.

Finding the candidates must not cost a scan of the store, so :class:`SyndicationIndex` keeps a
MinHash LSH index in SQLite: each of the :data:`BANDS` values of an article's MinHash signature
is hashed with its position to one integer key, and the keys are stored in an indexed table. A
lookup is one indexed query for the keys, then the exact containment is computed on the few
candidates that share most keys (their shingle hashes are stored too). One value per band
proposes a pair with probability ``1 - (1 - J)**BANDS`` at Jaccard ``J``: a copy at least half as
long as its original with containment 0.5 has Jaccard >= 0.2, proposed with probability
1 - 0.8**32 = 0.9993, and even a 40-word brief inside an 800-word article (Jaccard 0.045) with
probability 0.77. Few keys per article matter as much as recall: each key lands on a random page
of the index, and every page an article dirties is written at its commit, so the index costs
about 0.5 ms an article with 32 keys against 2 ms with the 128 of the first version
(``benchmarks/bench_poll_scale.py`` is where that shows).

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
import logging
import re
import sys
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .extract import content_hash

if TYPE_CHECKING:  # a worker computing TextKeys never needs it
    import sqlite_utils

__all__ = [
    "BANDS",
    "Fingerprint",
    "MIN_WORDS",
    "NUM_PERM",
    "ROWS",
    "SHINGLE_WORDS",
    "THRESHOLD",
    "SyndicationIndex",
    "TextKeys",
    "is_copy",
    "FINGERPRINT_VERSION",
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
#: MinHash permutations; each is one band (one key) of the LSH index (see the module docstring).
NUM_PERM = 32
ROWS = 1
BANDS = NUM_PERM // ROWS
#: Fixed so signatures (and the band keys stored in SQLite) are the same in every process.
MINHASH_SEED = 20240531
#: At most this many LSH candidates (the ones sharing most bands) are considered per lookup, so
#: a pathological bucket (boilerplate shared by a whole site) cannot make a lookup scan the store.
MAX_CANDIDATES = 50
#: At most this many articles are read from one band bucket (see SyndicationIndex._find).
BUCKET_CAP = 100
#: The shingle hashing and banding scheme of the stored index. Version 1 hashed each shingle's
#: text with blake2b and cut 256 permutations into 128 bands of 2; version 2 (migration m007)
#: combines per-word hashes and keeps 32 bands of 1.
FINGERPRINT_VERSION = 2

log = logging.getLogger(__name__)

BANDS_TABLE = "dedupe_bands"
SHINGLES_TABLE = "dedupe_shingles"

# Typographic variants that house styles and CMSes swap freely.
_APOSTROPHES = re.compile("['`´‘’‛′ʼ]")
_WORD_RUN = re.compile(r"[^\W_]+")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")  # beyond the Basic Multilingual Plane


def normalise(text: str) -> str:
    """Casefold, strip accents, drop apostrophes, turn other punctuation into spaces.

    The result is the words of ``text`` joined by single spaces, so the decision does not depend
    on whitespace, case, curly versus straight quotes, dashes or accents.
    """
    # Case first, accents second: upper() turns some combining marks into letters (the Greek
    # iota subscript), and upper() then casefold() makes e.g. dotless "ı" and "I" agree.
    text = unicodedata.normalize("NFKC", text).upper().casefold()
    if not text.isascii():
        text = _strip_combining(unicodedata.normalize("NFKD", text))
    return " ".join(_WORD_RUN.findall(_APOSTROPHES.sub("", text)))


def _strip_combining(text: str) -> str:
    """``text`` without the code points ``unicodedata.combining`` calls combining marks.

    Two regex classes built once, because one pass of a regex is several times cheaper than a
    Python test per character; the class of marks beyond the Basic Multilingual Plane is only
    tried on a text that has such characters (a class that spans them is matched range by
    range, which is slow).
    """
    basic, astral = _combining_classes()
    text = basic.sub("", text)
    if _ASTRAL.search(text):  # a regex scan: several times cheaper than max(text)
        text = astral.sub("", text)
    return text


@functools.cache
def _combining_classes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    def char_class(low: int, high: int) -> re.Pattern[str]:
        ranges: list[str] = []
        start = None
        for code in range(low, high + 2):
            mark = code <= high and unicodedata.combining(chr(code)) != 0
            if mark and start is None:
                start = code
            elif not mark and start is not None:
                ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
                start = None
        return re.compile(f"[{''.join(ranges)}]")

    return char_class(0, 0xFFFF), char_class(0x10000, sys.maxunicode)


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


# Odd 64-bit multipliers, one per word position of a shingle (so word order counts), and the
# constants of MurmurHash3's 64-bit finaliser, which spreads a combined value over all bits.
_POSITION = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                      0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53,
                      0x27D4EB2F165667C5, 0x94D049BB133111EB], dtype=np.uint64)
_FMIX_1 = np.uint64(0xFF51AFD7ED558CCD)
_FMIX_2 = np.uint64(0xC4CEB9FE1A85EC53)
_SHIFT = np.uint64(33)
# Base of the polynomial hash of a word's bytes (odd, so it has an inverse modulo 2**64).
_BASE = 0x100000001B3
_BASE_INVERSE = pow(_BASE, -1, 2**64)
_LENGTH = np.uint64(0x9FB21C651E98DF25)
_SPACE = ord(" ") + 1


def _fmix(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser, in place on a uint64 array (a bijection)."""
    values ^= values >> _SHIFT
    values *= _FMIX_1
    values ^= values >> _SHIFT
    values *= _FMIX_2
    values ^= values >> _SHIFT
    return values


def _powers(base: int, n: int) -> np.ndarray:
    """base**0 .. base**(n-1) modulo 2**64 (uint64 products wrap around, as intended)."""
    powers = np.full(n, base, dtype=np.uint64)
    powers[0] = 1
    return np.cumprod(powers, dtype=np.uint64)


def _word_hashes(words: list[str]) -> np.ndarray:
    """A stable 64-bit hash of each word, all at once.

    Each word's UTF-8 bytes are read as a polynomial in :data:`_BASE` (a prefix sum over the
    whole text, shifted back to the word's start by the inverse base), mixed with the word's
    length and finalised: the same word hashes the same anywhere, in any process, and the
    whole text costs a few numpy passes instead of one hash call per word.
    """
    data = np.frombuffer(" ".join(words).encode(), dtype=np.uint8).astype(np.uint64) + 1
    n = data.size
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(data * _powers(_BASE, n), dtype=np.uint64, out=prefix[1:])
    spaces = np.flatnonzero(data == _SPACE)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [n]))
    hashes = (prefix[ends] - prefix[starts]) * _powers(_BASE_INVERSE, n)[starts]
    hashes ^= (ends - starts).astype(np.uint64) * _LENGTH
    return _fmix(hashes)


def _shingle_array(words: list[str], k: int) -> np.ndarray:
    """Sorted, unique uint64 hashes of the word k-shingles (one shingle if shorter than k).

    A shingle's hash is its words' hashes, each times the multiplier of its position, summed
    modulo 2**64 and then finalised: the same for the same k words in the same order in every
    process, and as unlikely to collide for different ones as any 64-bit hash.
    """
    if not words:
        return np.empty(0, dtype=np.uint64)
    if k > len(_POSITION):
        raise ValueError(f"shingles of at most {len(_POSITION)} words")
    hashes = _word_hashes(words)
    width = min(k, hashes.size)
    n = hashes.size - width + 1
    combined = np.zeros(n, dtype=np.uint64)
    for position in range(width):
        combined += hashes[position : position + n] * _POSITION[position]
    return np.unique(_fmix(combined))


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[int]:
    """Hashes (64-bit, stable across processes) of the word k-shingles of ``text``."""
    return {int(h) for h in _shingle_array(normalise(text).split(), k)}


def _as_array(shingle_set: Iterable[int] | np.ndarray) -> np.ndarray:
    if isinstance(shingle_set, np.ndarray):
        return shingle_set.astype(np.uint64, copy=False)
    return np.fromiter(shingle_set, dtype=np.uint64)


@functools.cache
def _seeds() -> np.ndarray:
    """One fixed 64-bit seed per MinHash function, derived from :data:`MINHASH_SEED`."""
    seeds = np.array([_hash64(f"{MINHASH_SEED}:{i}".encode()) for i in range(NUM_PERM)],
                     dtype=np.uint64)
    seeds.setflags(write=False)
    return seeds


def signature(shingle_set: Iterable[int] | np.ndarray) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` uint64 values, fixed seeds) of a set of shingle hashes.

    The i-th value is the least of ``fmix(h XOR seed_i)`` over the shingles ``h``: the
    finaliser is a bijection, so each seed gives its own random order of the 64-bit values,
    and two sets share a value with probability equal to their Jaccard resemblance. An empty
    set has all values at the maximum.
    """
    values = _as_array(shingle_set)
    if not values.size:
        return np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    mixed = _fmix(values[np.newaxis, :] ^ _seeds()[:, np.newaxis])
    return mixed.min(axis=1)


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


def _indexable(text: str | None) -> np.ndarray | None:
    """The shingle array of ``text``, or None when it has fewer than ``MIN_WORDS`` words (too
    little to match or index)."""
    words = normalise(text or "").split()
    return _shingle_array(words, SHINGLE_WORDS) if len(words) >= MIN_WORDS else None


def is_copy(text_a: str, text_b: str) -> bool:
    """Whether one text is a syndicated copy of the other (symmetric).

    False whenever either text has fewer than ``MIN_WORDS`` words.
    """
    a, b = _indexable(text_a), _indexable(text_b)
    return a is not None and b is not None and _containment(a, b) >= THRESHOLD


def _band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band; the band number is hashed in so bands never collide."""
    rows = sig[: BANDS * ROWS].astype("<u8").reshape(BANDS, ROWS)
    keys = []
    for band, values in enumerate(rows):
        person = band.to_bytes(16, "little")
        digest = hashlib.blake2b(values.tobytes(), digest_size=8, person=person).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


@dataclass(frozen=True, eq=False)
class TextKeys:
    """What storing an article needs of its text, apart from the text: its content hash and,
    for a text of at least ``MIN_WORDS`` words, its shingles and their band keys (else None).

    Pure functions of the text, and the dearest part of storing an article after the writes:
    the worker process that extracted a page computes them beside it (:meth:`of`), so the
    writer thread, the one stage of a poll cycle that cannot use another core, does not.
    """

    content_hash: str
    shingles: np.ndarray | None
    band_keys: tuple[int, ...] | None

    @classmethod
    def of(cls, text: str) -> TextKeys:
        array = _indexable(text)
        keys = None if array is None else tuple(_band_keys(signature(array)))
        return cls(content_hash=content_hash(text), shingles=array, band_keys=keys)


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """One text's place in the index, as :meth:`SyndicationIndex.fingerprint` found it.

    ``shingles`` are the text's sorted unique uint64 shingle hashes, ``band_keys`` the LSH keys
    of their signature and ``root`` the earliest stored article the text is a copy of (None for
    an original). A plain value: the lookup's result travels from the lookup to
    :meth:`SyndicationIndex.add` in the caller's hands, so an article costs one lookup, not two.
    """

    shingles: np.ndarray
    band_keys: tuple[int, ...]
    root: int | None


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

    def fingerprint(self, text: str | TextKeys, *,
                    exclude: int | None = None) -> Fingerprint | None:
        """Look ``text`` up: its shingles, band keys and the root of the group it copies.

        ``text`` is the text itself or its :class:`TextKeys` (computed where the text was
        made). None for texts under ``MIN_WORDS`` words (never matched, never indexed). Pass
        the result to :meth:`add` to index the article without a second lookup. ``exclude`` is
        an indexed article the lookup must not match: the one whose text ``text`` is about to
        replace.
        """
        if isinstance(text, TextKeys):
            array, band_keys = text.shingles, text.band_keys
        else:
            array, band_keys = _indexable(text), None
        if array is None:
            return None
        root, keys = self._find(array, exclude=exclude, band_keys=band_keys)
        return Fingerprint(shingles=array, band_keys=tuple(keys), root=root)

    def find_original(self, text: str) -> int | None:
        """Id of the earliest stored article ``text`` is a copy of, else None.

        "Earliest" is the root of the copy group: if B was stored as a copy of A, a text that
        matches only B still returns A. Always None for texts under ``MIN_WORDS`` words.
        """
        found = self.fingerprint(text)
        return None if found is None else found.root

    def add(self, article_id: int, text: str | Fingerprint | None) -> None:
        """Index ``article_id`` (idempotent: re-adding replaces its previous entry).

        ``text`` is the article's text, or its :meth:`fingerprint` taken before (the pipeline's
        way: the lookup is then not repeated), or None (a text too short to index). Call it
        inside the transaction that stores the article; it opens only a savepoint and never
        commits. Does nothing for texts under ``MIN_WORDS`` words (never matched anyway).
        """
        # Inside the caller's transaction atomic() is a savepoint: all of this or none of it,
        # and the caller's transaction is neither committed nor ended.
        with self.db.atomic():
            removed = self._remove(article_id)
            if isinstance(text, Fingerprint):
                array = text.shingles
                if removed:  # the lookup may have matched the entry just removed: look again
                    root, keys = self._find(array, exclude=article_id, band_keys=text.band_keys)
                else:
                    root, keys = text.root, list(text.band_keys)
            else:
                found = _indexable(text)
                if found is None:
                    return
                array = found
                root, keys = self._find(array, exclude=article_id)
            if root is not None and root > article_id:
                # Added out of order: this article is older than the group's root, so it is the
                # earliest copy; the existing members keep pointing at the old root.
                root = article_id
            self._write(article_id, article_id if root is None else root, array, keys)

    def _write(self, article_id: int, root: int, array: np.ndarray, keys: Sequence[int]) -> None:
        """One article's rows: its shingles with its group's root, and one row per band key."""
        self.db.execute(
            f"INSERT INTO [{SHINGLES_TABLE}] (article_id, root_id, shingles) VALUES (?, ?, ?)",
            [article_id, root, array.astype("<u8").tobytes()],
        )
        self.db.conn.executemany(
            f"INSERT OR IGNORE INTO [{BANDS_TABLE}] (band_key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in keys],
        )

    def _find(self, array: np.ndarray, exclude: int | None = None,
              band_keys: Sequence[int] | None = None) -> tuple[int | None, list[int]]:
        """(root of the matching group or None, the band keys of ``array``, which the caller
        may pass when it has them)."""
        keys = list(band_keys) if band_keys is not None else _band_keys(signature(array))
        # Each bucket is read through the primary key and cut at BUCKET_CAP rows (the earliest
        # articles, so a group's root is kept): a bucket shared by a whole site's boilerplate
        # then costs a bounded amount, whatever the size of the store.
        # A shared band counts for less the more articles share it: a disclaimer or footer a
        # site adds to everything it publishes puts all of its articles in the same few
        # buckets, and counted plainly they would outrank (and, past MAX_CANDIDATES, push out)
        # the one article that shares the copy's own text.
        buckets = " UNION ALL ".join(
            f"SELECT {band} AS band, article_id FROM (SELECT article_id FROM [{BANDS_TABLE}]"
            f" WHERE band_key = ? ORDER BY article_id LIMIT {BUCKET_CAP})"
            for band in range(len(keys))
        )
        candidates = self.db.execute(
            f"SELECT b.article_id, s.root_id FROM ("
            f"  SELECT article_id, sum(1.0 / size) AS weight FROM ("
            f"    SELECT article_id, count(*) OVER (PARTITION BY band) AS size FROM ({buckets}))"
            f"  WHERE article_id IS NOT ?"
            f"  GROUP BY article_id ORDER BY weight DESC, article_id LIMIT {MAX_CANDIDATES}"
            f") AS b JOIN [{SHINGLES_TABLE}] AS s ON s.article_id = b.article_id"
            f" ORDER BY b.weight DESC, b.article_id",
            [*keys, exclude],
        ).fetchall()
        # Most likely first; a candidate whose group root is not earlier than a root already
        # found cannot change the answer, so the rest of a copy group is never read.
        root = None
        for article_id, root_id in candidates:
            if root is not None and root_id >= root:
                continue
            (blob,) = self.db.execute(
                f"SELECT shingles FROM [{SHINGLES_TABLE}] WHERE article_id = ?", [article_id]
            ).fetchone()
            if _containment(array, np.frombuffer(blob, dtype="<u8")) >= THRESHOLD:
                root = root_id
        return root, keys

    def rebuild(self, texts: Iterable[tuple[int, str]]) -> int:
        """Index again, with this version's fingerprint, the articles already in the index,
        keeping each one's group root; ``texts`` gives ``(article_id, text)``. Articles that
        are not in the index are ignored. Returns how many were re-indexed.

        For the migration that changes the fingerprint: the stored shingle hashes of the old
        version can never match a new article's, so they are computed again from the text.
        """
        roots = dict(self.db.execute(f"SELECT article_id, root_id FROM [{SHINGLES_TABLE}]"))
        self.db.execute(f"DELETE FROM [{BANDS_TABLE}]")
        self.db.execute(f"DELETE FROM [{SHINGLES_TABLE}]")
        done = 0
        for article_id, text in texts:
            array = _indexable(text) if article_id in roots else None
            if array is None:
                continue  # not indexed before, or (as add() decides) too short to match
            self._write(article_id, roots[article_id], array, _band_keys(signature(array)))
            done += 1
            if done % 5000 == 0:
                log.info("event=reindex syndicated_copies done=%d of=%d", done, len(roots))
        return done

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

"""Syndicated-copy detection: the measure, the fixtures and the SQLite LSH index."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingesting import dedupe, extract

FIXTURES = Path(__file__).parent / "data" / "syndication"
COPIES = ["copy_trimmed", "copy_extra", "copy_new_lede"]
DIFFERENT = ["different_port_ellis_budget", "different_harbor_city_drivers"]


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def filler(words: int, seed: int) -> str:
    """Unique prose-shaped text that shares no 5-word run with the fixtures."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(5000)]
    return " ".join(rng.choice(vocabulary) for _ in range(words))


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    database = sqlite_utils.Database(tmp_path / "store.db")
    database.enable_wal()
    return database


@pytest.fixture
def index(db: sqlite_utils.Database) -> dedupe.SyndicationIndex:
    syndication = dedupe.SyndicationIndex(db)
    syndication.ensure_tables()
    return syndication


def row_counts(db: sqlite_utils.Database) -> tuple[int, int]:
    return db.table(dedupe.BANDS_TABLE).count, db.table(dedupe.SHINGLES_TABLE).count


# --- the measure, on the fixtures -------------------------------------------------------------


@pytest.mark.parametrize("name", COPIES)
def test_every_republication_is_a_copy_of_the_wire_story(name: str) -> None:
    assert dedupe.is_copy(fixture("wire"), fixture(name))


@pytest.mark.parametrize("name", DIFFERENT)
def test_same_topic_stories_with_the_same_footer_are_not_copies(name: str) -> None:
    for other in ["wire", *COPIES, *DIFFERENT]:
        if other != name:
            assert not dedupe.is_copy(fixture(name), fixture(other)), other


def test_different_stories_stay_far_below_the_threshold() -> None:
    # A margin, not just the right side of the line: same topic, names and footer still score
    # under a quarter of the threshold.
    for name in DIFFERENT:
        score = dedupe.resemblance(dedupe.shingles(fixture("wire")), dedupe.shingles(fixture(name)))
        assert score < dedupe.THRESHOLD / 4


def test_trimmed_copy_has_low_jaccard_but_full_containment() -> None:
    wire, trimmed = dedupe.shingles(fixture("wire")), dedupe.shingles(fixture("copy_trimmed"))
    jaccard = len(wire & trimmed) / len(wire | trimmed)
    assert jaccard < 0.6
    assert dedupe.resemblance(wire, trimmed) > 0.9


def test_short_texts_are_never_copies() -> None:
    brief = " ".join(fixture("wire").split()[: dedupe.MIN_WORDS - 1])
    assert not dedupe.is_copy(brief, brief)
    assert not dedupe.is_copy(brief, fixture("wire"))


def test_normalise_folds_case_quotes_dashes_and_accents() -> None:
    assert dedupe.normalise("  The Mayor’s “plan” — Café\tOK!  ") == "the mayors plan cafe ok"
    assert dedupe.normalise('The mayor\'s "plan" - cafe ok') == "the mayors plan cafe ok"


def _normalise_by_the_definition(text: str) -> str:
    # What normalise() promises, one character at a time (slow, obviously right).
    import unicodedata

    text = unicodedata.normalize("NFKC", text).upper().casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = "".join(ch for ch in text if ch not in "'`´‘’‛′ʼ")
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60)
       | st.text(alphabet="aeiouAÉ ’'_-\u0301\u0308\U0001d167\u05b0\u0e31ß", max_size=40))
def test_normalise_is_the_definition_however_it_is_computed(text: str) -> None:
    assert dedupe.normalise(text) == _normalise_by_the_definition(text)


def test_normalise_strips_combining_marks_beyond_the_basic_plane() -> None:
    # U+1D167 is a combining mark of the musical symbols block.
    assert dedupe.normalise("note\U0001d167s and cafe\u0301s") == "notes and cafes"


def test_shingle_hashes_are_pinned() -> None:
    # These hashes are stored in SQLite: if they change, every stored index silently stops
    # matching. A change here needs a migration that re-indexes the articles (as m007 did for
    # FINGERPRINT_VERSION 2).
    assert dedupe.FINGERPRINT_VERSION == 2
    assert dedupe.shingles("One two three four five") == {17544769701626163380}
    assert dedupe.shingles("one two three four five six") == {
        17544769701626163380,
        7712281129834259105,
    }
    # The band keys are stored too: pin the seeds and the key derivation with them.
    keys = dedupe._band_keys(dedupe.signature(dedupe.shingles("one two three four five six")))
    assert keys[:3] == [2037288292618508869, -5330599128219452933, -6748302479025759851]
    sig = dedupe.signature(dedupe.shingles(fixture("wire")))
    assert sig.shape == (dedupe.NUM_PERM,)
    assert np.array_equal(sig, dedupe.signature(dedupe.shingles(fixture("wire"))))


def test_shingles_depend_on_word_order_and_every_word() -> None:
    base = dedupe.shingles("alpha beta gamma delta epsilon")
    assert dedupe.shingles("beta alpha gamma delta epsilon") != base
    assert dedupe.shingles("alpha beta gamma delta epsilons") != base
    # A text shorter than a shingle is one shingle of all its words.
    assert len(dedupe.shingles("alpha beta")) == 1
    assert dedupe.shingles("alpha beta") != dedupe.shingles("beta alpha")
    # Overlapping windows of a longer text: one hash per distinct window.
    assert len(dedupe.shingles("a b c d e f g h a b c d e")) == 8


# --- the SQLite index -------------------------------------------------------------------------


def test_ensure_tables_is_idempotent(db: sqlite_utils.Database) -> None:
    syndication = dedupe.SyndicationIndex(db)
    syndication.ensure_tables()
    syndication.ensure_tables()
    assert {dedupe.BANDS_TABLE, dedupe.SHINGLES_TABLE} <= set(db.table_names())


def test_index_links_every_copy_to_the_original_and_nothing_else(
    index: dedupe.SyndicationIndex,
) -> None:
    stored = {1: "wire", 2: DIFFERENT[0], 3: DIFFERENT[1]}
    for article_id, name in stored.items():
        assert index.find_original(fixture(name)) is None, name
        index.add(article_id, fixture(name))
    for article_id, name in enumerate(COPIES, start=4):
        assert index.find_original(fixture(name)) == 1, name
        index.add(article_id, fixture(name))
    # Each stored article finds the group root, itself included.
    assert index.find_original(fixture("wire")) == 1
    assert index.find_original(fixture(DIFFERENT[0])) == 2
    assert index.find_original(fixture(DIFFERENT[1])) == 3


def test_keys_computed_apart_find_what_the_text_finds(index: dedupe.SyndicationIndex) -> None:
    """A worker process computes a page's TextKeys beside its extraction: looking them up (and
    indexing by them) must be the same as looking up the text itself."""
    index.add(1, fixture("wire"))
    for name in (*COPIES, *DIFFERENT):
        keys = dedupe.TextKeys.of(fixture(name))
        by_keys, by_text = index.fingerprint(keys), index.fingerprint(fixture(name))
        assert by_keys is not None and by_text is not None
        assert (by_keys.root, by_keys.band_keys) == (by_text.root, by_text.band_keys), name
        assert np.array_equal(by_keys.shingles, by_text.shingles)
        assert by_keys.root == (1 if name in COPIES else None), name
    short = dedupe.TextKeys.of("too short to index")
    assert (short.shingles, short.band_keys) == (None, None)
    assert index.fingerprint(short) is None
    assert short.content_hash == extract.content_hash("too short to index")


def test_find_original_returns_the_root_of_a_chain(index: dedupe.SyndicationIndex) -> None:
    wire = fixture("wire")
    local = filler(200, seed=1)
    # B: the trimmed wire story plus a long local section (a copy of A by containment).
    b = fixture("copy_trimmed") + "\n\n" + local
    # C: B's local section plus its last wire paragraph: a copy of B, not of A.
    c = local + "\n\n" + fixture("copy_trimmed").split("\n\n")[-1]
    assert dedupe.is_copy(b, wire) and dedupe.is_copy(c, b) and not dedupe.is_copy(c, wire)

    index.add(1, wire)
    assert index.find_original(b) == 1
    index.add(2, b)
    assert index.find_original(c) == 1


def test_add_is_idempotent(db: sqlite_utils.Database, index: dedupe.SyndicationIndex) -> None:
    index.add(1, fixture("wire"))
    counts = row_counts(db)
    assert counts == (dedupe.BANDS, 1)
    index.add(1, fixture("wire"))
    assert row_counts(db) == counts
    assert index.find_original(fixture("copy_trimmed")) == 1


def test_re_adding_with_new_text_replaces_the_entry(
    db: sqlite_utils.Database, index: dedupe.SyndicationIndex
) -> None:
    index.add(1, fixture("wire"))
    index.add(1, fixture(DIFFERENT[0]))
    assert row_counts(db) == (dedupe.BANDS, 1)
    assert index.find_original(fixture("copy_trimmed")) is None
    assert index.find_original(fixture(DIFFERENT[0])) == 1


def test_short_texts_are_not_indexed(
    db: sqlite_utils.Database, index: dedupe.SyndicationIndex
) -> None:
    brief = " ".join(fixture("wire").split()[:20])
    index.add(1, brief)
    assert row_counts(db) == (0, 0)
    assert index.find_original(brief) is None


def test_add_joins_the_callers_transaction(
    db: sqlite_utils.Database, index: dedupe.SyndicationIndex
) -> None:
    with pytest.raises(RuntimeError), db.atomic():
        index.add(1, fixture("wire"))
        raise RuntimeError("the article's other writes failed")
    assert row_counts(db) == (0, 0)
    assert index.find_original(fixture("copy_trimmed")) is None


# --- properties -------------------------------------------------------------------------------

# A small vocabulary, so that generated texts share 5-word runs and both answers occur.
VOCABULARY = ["council", "budget", "transit", "fare", "ferry", "rail", "mayor", "vote", "bus"]
VOCABULARY += [f"w{i}" for i in range(40)]
word_lists = st.lists(st.sampled_from(VOCABULARY), min_size=0, max_size=120)


@settings(max_examples=150, deadline=None)
@given(word_lists, st.integers(0, 120), st.integers(0, 120), word_lists)
def test_is_copy_is_symmetric(words: list[str], start: int, stop: int, extra: list[str]) -> None:
    a = " ".join(words)
    # b overlaps a (a slice of it plus other words) so both answers occur.
    b = " ".join(words[start:stop] + extra)
    assert dedupe.is_copy(a, b) == dedupe.is_copy(b, a)
    sa, sb = dedupe.shingles(a), dedupe.shingles(b)
    assert dedupe.resemblance(sa, sb) == dedupe.resemblance(sb, sa)


text_chars = st.characters(
    whitelist_categories=("Lu", "Ll", "Nd", "Po", "Pd", "Pi", "Pf"), whitelist_characters=" "
)
whitespace = st.text(alphabet=" \t\n\r\u00a0", min_size=1, max_size=4)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(text_chars, min_size=1, max_size=12), min_size=1, max_size=40),
    st.lists(whitespace, min_size=1, max_size=8),
    st.sampled_from([str.upper, str.lower, str.swapcase, str.title]),
)
def test_resemblance_is_stable_under_whitespace_and_case(
    tokens: list[str], gaps: list[str], recase
) -> None:
    text = " ".join(tokens)
    # Every gap between tokens replaced by a run of other whitespace, leading and trailing too.
    respaced = gaps[-1] + "".join(t + g for t, g in zip(tokens, itertools.cycle(gaps)))
    original = dedupe.shingles(text)
    changed = dedupe.shingles(recase(respaced))
    assert changed == original
    if original:
        assert dedupe.resemblance(original, changed) == 1.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), min_size=dedupe.MIN_WORDS, max_size=200))
def test_a_long_enough_text_is_a_copy_of_itself(words: list[str]) -> None:
    text = " ".join(words)
    assert dedupe.is_copy(text, text)
    assert dedupe.is_copy(text, "  " + text.upper().replace(" ", "\n"))


def test_pairwise_fixture_scores_are_symmetric() -> None:
    names = ["wire", *COPIES, *DIFFERENT]
    sets = {n: dedupe.shingles(fixture(n)) for n in names}
    for x, y in itertools.combinations(names, 2):
        assert dedupe.resemblance(sets[x], sets[y]) == dedupe.resemblance(sets[y], sets[x])


def test_rebuild_fingerprints_again_from_the_text_and_keeps_each_group(
    db: sqlite_utils.Database, index: dedupe.SyndicationIndex
) -> None:
    wire, trimmed, other = fixture("wire"), fixture("copy_trimmed"), fixture(DIFFERENT[0])
    index.add(1, wire)
    index.add(2, trimmed)
    index.add(3, other)
    # A stale fingerprint (as an older version stored it): nothing new can match it.
    db.execute(f"UPDATE [{dedupe.SHINGLES_TABLE}] SET shingles = ?",
               [np.arange(60, dtype="<u8").tobytes()])
    db.execute(f"DELETE FROM [{dedupe.BANDS_TABLE}]")
    assert index.find_original(fixture("copy_extra")) is None

    # Article 4 was never indexed, so it is left out; a text that became too short to match
    # (article 3's, emptied) leaves the index, as add() would never have indexed it.
    texts = [(1, wire), (2, trimmed), (3, other), (4, fixture("copy_new_lede"))]
    assert index.rebuild([*texts[:2], (3, ""), texts[3]]) == 2
    assert row_counts(db) == (2 * dedupe.BANDS, 2)
    index.add(3, other)
    db.execute(f"UPDATE [{dedupe.SHINGLES_TABLE}] SET shingles = ?",
               [np.arange(60, dtype="<u8").tobytes()])
    db.execute(f"DELETE FROM [{dedupe.BANDS_TABLE}]")
    assert index.rebuild(texts) == 3
    assert row_counts(db) == (3 * dedupe.BANDS, 3)
    roots = dict(db.execute(f"SELECT article_id, root_id FROM [{dedupe.SHINGLES_TABLE}]"))
    assert roots == {1: 1, 2: 1, 3: 3}
    assert index.find_original(fixture("copy_extra")) == 1
    assert index.find_original(other) == 3


def test_migration_m007_reindexes_a_store_of_the_first_fingerprint(tmp_path: Path) -> None:
    from pipeline.store import Store, migrations

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m007_syndication_fingerprint_v2")
    wire, trimmed = fixture("wire"), fixture("copy_trimmed")
    for article_id, text in ((1, wire), (2, trimmed)):
        old.table("articles").insert({"id": article_id, "url": f"https://example.org/{article_id}",
                                "fetched_at": "2026-03-01T00:00:00Z", "text": text})
        # What version 1 stored: other shingle hashes and 128 keys of other bands.
        old.table(dedupe.SHINGLES_TABLE).insert({"article_id": article_id, "root_id": 1,
                                           "shingles": np.arange(90, dtype="<u8").tobytes()})
        old.table(dedupe.BANDS_TABLE).insert_all(
            {"band_key": article_id * 1000 + band, "article_id": article_id}
            for band in range(128))
    old.conn.close()

    with Store.open(path) as store:
        index = dedupe.SyndicationIndex(store.db)
        assert index.find_original(fixture("copy_extra")) == 1
        assert store.db.table(dedupe.BANDS_TABLE).count == 2 * dedupe.BANDS
        roots = dict(store.db.execute(
            f"SELECT article_id, root_id FROM [{dedupe.SHINGLES_TABLE}]"))
        assert roots == {1: 1, 2: 1}


def test_a_fingerprint_carries_the_lookup_to_add(index: dedupe.SyndicationIndex) -> None:
    wire = index.fingerprint(fixture("wire"))
    assert wire is not None and wire.root is None and len(wire.band_keys) == dedupe.BANDS
    index.add(1, wire)
    copy = index.fingerprint(fixture("copy_trimmed"))
    assert copy is not None and copy.root == 1
    index.add(2, copy)
    assert index.find_original(fixture("copy_extra")) == 1
    # Nothing is kept between calls: a fingerprint taken before another add still applies.
    other = index.fingerprint(fixture(DIFFERENT[0]))
    index.add(3, fixture(DIFFERENT[1]))
    assert other is not None
    index.add(4, other)
    assert index.find_original(fixture(DIFFERENT[0])) == 4
    assert index.fingerprint("too short") is None
    index.add(5, None)  # nothing to index


def test_a_lookup_for_a_new_text_of_an_article_does_not_match_its_old_one(
    index: dedupe.SyndicationIndex,
) -> None:
    """An article whose text is replaced (a feed summary upgraded to its page) is looked up
    without itself: its old text is in the index under its group's root."""
    wire = fixture("wire")
    # Its feed summary, stored first: the wire story's lede and a line of its own (a copy).
    summary = " ".join(wire.split()[:80]) + "\n\n" + filler(40, seed=6)
    page = summary + "\n\n" + filler(600, seed=5)  # its page: its own, longer report
    assert dedupe.is_copy(summary, wire)
    assert dedupe.is_copy(page, summary) and not dedupe.is_copy(page, wire)
    index.add(1, wire)
    index.add(2, summary)
    through_old = index.fingerprint(page)
    assert through_old is not None and through_old.root == 1  # through the article's old text
    found = index.fingerprint(page, exclude=2)
    assert found is not None and found.root is None
    index.add(2, found)
    assert index.find_original(page) == 2


@pytest.mark.parametrize("seed", range(4))
def test_a_site_wide_footer_does_not_push_the_original_out_of_the_candidates(
        index: dedupe.SyndicationIndex, seed: int) -> None:
    # A site adds the same disclaimer to everything it publishes. Its 200 earlier articles then
    # share the disclaimer's bands with its copy of a wire story; the wire original, stored
    # last, shares the copy's own text and must still be found.
    footer = filler(60, seed=10_000 + seed)
    for article_id in range(1, 201):
        index.add(article_id, filler(100, seed=seed * 1000 + article_id) + " " + footer)
    original = filler(600, seed=50_000 + seed)
    index.add(201, original)
    copy = " ".join(original.split()[:150]) + " " + footer
    assert dedupe.is_copy(copy, original)
    assert index.find_original(copy) == 201


def test_a_page_extracted_in_a_worker_comes_with_the_keys_of_its_text(pool) -> None:
    from types import MappingProxyType

    from pipeline.fetching.feeds import FeedEntry
    from pipeline.fetching.fetcher import FetchResult
    from pipeline.ingesting.ingest import prepare_fetched

    body = ("<html><head><title>Wire story</title></head><body><article><h1>Wire story</h1>"
            + "".join(f"<p>{line}</p>" for line in fixture("wire").split("\n") if line.strip())
            + "</article></body></html>").encode()
    url = "http://news.example/a/1"
    fetched = FetchResult(url=url, final_url=url, status=200,
                          headers=MappingProxyType({"content-type": "text/html; charset=utf-8"}),
                          body=body, redirects=(), permanent_redirect=None,
                          content_type="text/html")
    entry = FeedEntry(guid_key="g1", url=url, title="Wire story", summary="", published_at=None,
                      author=None)
    prepared = prepare_fetched(entry, fetched, pool=pool, extract_timeout=30)
    assert prepared.article is not None and prepared.keys is not None
    expected = dedupe.TextKeys.of(prepared.article.text)
    assert prepared.keys.content_hash == expected.content_hash
    assert prepared.keys.band_keys == expected.band_keys and expected.band_keys is not None
    assert prepared.keys.shingles is not None and expected.shingles is not None
    assert np.array_equal(prepared.keys.shingles, expected.shingles)

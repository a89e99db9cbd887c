"""The ingestor's write path (``ingesting/ingest.py``) apart from the poll cycle: a prepared
article, a real store and the shipped model, no network and no worker processes. The decisions
themselves are tested as data in test_decide.py; these check that each intent is written as it
says, in the store and in the report."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from pipeline.clock import iso
from pipeline.config import AlertSettings, FeedConfig
from pipeline.fetching.feeds import FeedEntry
from pipeline.ingesting import ingest as ingest_module
from pipeline.ingesting.ingest import Ingestor, IngestReport, Prepared
from pipeline.judging.developments import Background, NewCluster, NovelTerms
from pipeline.records import Article
from pipeline.store import Store
from tests.conftest import T0, ManualClock
from tests.test_story_tracking import page

SUMMARY = ("The Pentagon threatened to cut ties with Anthropic over Claude; the contract is "
           "worth about $200 million.")


@pytest.fixture
def feed_id(ingestor: Ingestor) -> int:
    ingestor.store.sync_feeds([FeedConfig(name="f", url="https://f.example/rss")], now=iso(T0))
    feed = ingestor.store.feed_by_name("f")
    assert feed is not None
    return feed.id


def entry(url: str | None, guid: str = "g1", *, attempts: int = 0) -> FeedEntry:
    return FeedEntry(guid_key=guid, url=url, title="An entry", summary=SUMMARY,
                     published_at=None, author=None, attempts=attempts)


def from_page(article: Article) -> Prepared:
    return Prepared(entry_url=article.url, article=article, text_source="page")


def put(ingestor: Ingestor, prepared: Prepared, feed_id: int | None = None,
        feed_entry: FeedEntry | None = None) -> IngestReport:
    return ingestor.store_prepared(prepared, feed_id=feed_id, entry=feed_entry)


def one(store: Store, sql: str, *args: object) -> dict:
    (row,) = store.query(sql, list(args))
    return row


def flag_count(store: Store, article_id: int | None) -> int:
    """What the report counts as flags: flagged confirmations and contradictions, and
    development evidence."""
    return len(stored_flags(store, article_id))


def stored_flags(store: Store, article_id: int | None) -> list[tuple[str, str]]:
    """The article's flags as the report lists them (kind, claim key or development id), read
    back from the store: flagged matches in claim order, then its developments."""
    matches = store.query(
        "SELECT m.stance, c.key FROM matches m JOIN claims c ON c.id = m.claim_id "
        "WHERE m.article_id = ? AND m.band = 'flag' AND m.stance IN ('confirms', 'contradicts') "
        "ORDER BY c.id", [article_id])
    developments = store.query("SELECT development_id FROM article_developments "
                               "WHERE article_id = ? ORDER BY development_id", [article_id])
    kind = {"confirms": "confirmation", "contradicts": "contradiction"}
    return ([(kind[r["stance"]], r["key"]) for r in matches]
            + [("development", str(r["development_id"])) for r in developments])


def test_a_new_article_is_stored_judged_and_its_entry_linked(ingestor: Ingestor,
                                                             feed_id: int) -> None:
    article = page("contradiction-contract.html")
    report = put(ingestor, from_page(article), feed_id, entry(article.url))
    store = ingestor.store
    stored = one(store, "SELECT * FROM articles")
    assert (report.stored, report.relevant, report.duplicates, report.skipped,
            report.fetch_errors) == (1, 1, 0, 0, 0)
    assert (stored["url"], stored["feed_id"], stored["text_source"], stored["fetch_error"],
            stored["relevant_stories"], stored["fetched_at"]) == (
        article.url, feed_id, "page", None, "pentagon-anthropic", iso(T0))
    assert one(store, "SELECT article_id, status, attempts, first_seen_at FROM entries") == {
        "article_id": stored["id"], "status": None, "attempts": None, "first_seen_at": iso(T0)}
    contradictions = store.query(
        "SELECT c.key FROM matches m JOIN claims c ON c.id = m.claim_id "
        "WHERE m.stance = 'contradicts' AND m.band = 'flag'")
    assert [r["key"] for r in contradictions] == ["contract-value"]
    flags = stored_flags(store, stored["id"])
    assert [(kind, key) for kind, key, *_ in report.flagged] == flags
    assert report.flags == len(flags)
    assert all(url == article.url for _, _, url, _ in report.flagged)
    # Indexed for syndication in the same transaction.
    assert store.query("SELECT count(*) AS n FROM dedupe_shingles WHERE article_id = ?",
                       [stored["id"]])[0]["n"] == 1


def test_an_article_without_a_feed_entry_is_stored_without_one(ingestor: Ingestor) -> None:
    report = put(ingestor, from_page(page("confirmation.html")))
    assert (report.stored, report.relevant) == (1, 1)
    assert ingestor.store.query("SELECT feed_id FROM articles") == [{"feed_id": None}]
    assert ingestor.store.query("SELECT count(*) AS n FROM entries")[0]["n"] == 0


def test_a_url_already_stored_is_skipped_and_the_new_entry_links_to_it(
        ingestor: Ingestor, feed_id: int) -> None:
    article = page("confirmation.html")
    put(ingestor, from_page(article), feed_id, entry(article.url, "g1"))
    store = ingestor.store
    before = store.counts()
    report = put(ingestor, from_page(article), feed_id, entry(article.url, "g2"))
    assert (report.stored, report.skipped, report.relevant, report.flags) == (0, 1, 0, 0)
    assert store.counts() == before
    article_id = store.article_id_by_url(article.url)
    assert store.query("SELECT guid_key, article_id FROM entries ORDER BY guid_key") == [
        {"guid_key": "g1", "article_id": article_id},
        {"guid_key": "g2", "article_id": article_id}]


def test_an_exact_copy_under_another_url_carries_the_originals_judgments(
        ingestor: Ingestor) -> None:
    original = page("confirmation.html")
    put(ingestor, from_page(original))
    copy = replace(original, url="https://reprints.example/copy", site="reprints.example")
    report = put(ingestor, from_page(copy))
    store = ingestor.store
    original_id = store.article_id_by_url(original.url)
    copy_id = store.article_id_by_url(copy.url)
    assert (report.stored, report.duplicates, report.relevant) == (1, 1, 1)
    assert one(store, "SELECT duplicate_of, relevant_stories FROM articles WHERE id = ?",
               copy_id) == {"duplicate_of": original_id, "relevant_stories": "pentagon-anthropic"}

    def judged(article_id: int | None) -> list[tuple[int, str, str]]:
        return [(r["claim_id"], r["stance"], r["evidence"]) for r in store.query(
            "SELECT claim_id, stance, evidence FROM matches WHERE article_id = ? "
            "ORDER BY claim_id", [article_id])]

    assert judged(copy_id) == judged(original_id) != []
    # A copy is not judged again, so it raises no flag of its own.
    assert (report.flags, report.flagged) == (0, [])


def test_a_syndicated_copy_with_other_words_is_judged_and_points_at_its_original(
        ingestor: Ingestor) -> None:
    original = page("confirmation.html")
    put(ingestor, from_page(original))
    copy = Article(url="https://reprints.example/pentagon-anthropic",
                   title="Reprinted: " + original.title,
                   text=original.text + "\n\nThis story was first published by Harbor Wire.",
                   site="reprints.example")
    report = put(ingestor, from_page(copy))
    store = ingestor.store
    copy_id = store.article_id_by_url(copy.url)
    assert (report.stored, report.duplicates, report.relevant) == (1, 1, 1)
    assert one(store, "SELECT duplicate_of FROM articles WHERE id = ?", copy_id) == {
        "duplicate_of": store.article_id_by_url(original.url)}
    assert report.flags == flag_count(store, copy_id) > 0


def test_an_off_story_article_is_stored_with_no_judgments_and_no_alerts(
        ingestor: Ingestor) -> None:
    ingestor = Ingestor(ingestor.store, ingestor.stories, ingestor.model, clock=ingestor.clock,
                        alerts=AlertSettings(urls=("json://127.0.0.1:9/none",),
                                             kinds=("contradiction", "development",
                                                    "confirmation"), min_band="review"))
    report = put(ingestor, from_page(page("offtopic-keywords.html")))
    store = ingestor.store
    assert (report.stored, report.relevant, report.flags, report.flagged) == (1, 0, 0, [])
    assert store.query("SELECT relevant_stories FROM articles") == [{"relevant_stories": None}]
    assert store.counts()["matches"] == 0 and store.counts()["article_developments"] == 0
    assert store.delivery_counts()["pending"] == 0


def test_flags_wanted_as_alerts_are_queued_with_the_article(ingestor: Ingestor) -> None:
    target = "json://127.0.0.1:9/none"
    ingestor = Ingestor(ingestor.store, ingestor.stories, ingestor.model, clock=ingestor.clock,
                        alerts=AlertSettings(urls=(target,)))
    report = put(ingestor, from_page(page("contradiction-contract.html")))
    store = ingestor.store
    article_id = store.article_id_by_url(page("contradiction-contract.html").url)
    # The default kinds: contradictions and developments, flags only (no confirmation).
    wanted = [(kind, key) for kind, key in stored_flags(store, article_id)
              if kind != "confirmation"]
    assert ("contradiction", "contract-value") in wanted
    assert [(r["kind"], r["claim_key"] or str(r["development_id"])) for r in store.query(
        "SELECT kind, claim_key, development_id FROM alerts WHERE article_id = ? ORDER BY id",
        [article_id])] == wanted
    assert report.flags == flag_count(store, article_id)
    assert store.delivery_counts()["pending"] == len(wanted)


def test_a_summary_stored_after_a_transient_failure_is_upgraded_when_its_page_arrives(
        ingestor: Ingestor, feed_id: int, clock: ManualClock) -> None:
    article = page("confirmation.html")
    summary = Article(url=article.url, title="An entry", text=SUMMARY, site=article.site)
    report = put(ingestor, Prepared(entry_url=article.url, article=summary,
                                    text_source="feed_summary", fetch_error="http_503: busy",
                                    retryable=True), feed_id, entry(article.url))
    store = ingestor.store
    stored = one(store, "SELECT id, text_source, fetch_error FROM articles")
    assert stored["text_source"] == "feed_summary" and stored["fetch_error"] == "http_503: busy"
    assert (report.stored, report.fetch_errors, report.failed_pages, report.deferred) == (
        1, 1, ["http_503: busy"], 0)
    assert one(store, "SELECT article_id, status, attempts, retry_at, error FROM entries") == {
        "article_id": stored["id"], "status": "retry", "attempts": 1,
        "retry_at": iso(T0 + timedelta(minutes=30)), "error": "http_503: busy"}

    clock.now += timedelta(minutes=31)
    report = put(ingestor, from_page(article), feed_id, entry(article.url, attempts=1))
    assert (report.stored, report.upgraded, report.relevant, report.fetch_errors) == (
        0, 1, 1, 0)
    upgraded = one(store, "SELECT id, text, text_source, fetch_error FROM articles")
    assert (upgraded["id"], upgraded["text"], upgraded["text_source"],
            upgraded["fetch_error"]) == (stored["id"], article.text, "page", None)
    assert one(store, "SELECT article_id, status, attempts, retry_at FROM entries") == {
        "article_id": stored["id"], "status": None, "attempts": None, "retry_at": None}
    assert report.flags == flag_count(store, stored["id"])
    assert store.query("SELECT DISTINCT created_at FROM matches") == [
        {"created_at": iso(clock.now)}]


@pytest.mark.parametrize(("prepared", "status", "counts"), [
    (Prepared(entry_url="https://a.example/x", article=None, text_source="none",
              fetch_error="blocked: refused", refused=True),
     "refused", {"refused": 1, "deferred": 0, "fetch_errors": 1}),
    (Prepared(entry_url="https://a.example/x", article=None, text_source="none",
              fetch_error="http_503: busy", retryable=True),
     "retry", {"refused": 0, "deferred": 1, "fetch_errors": 1}),
    (Prepared(entry_url="https://a.example/x", article=None, text_source="none",
              fetch_error="http_404: gone"),
     "failed", {"refused": 0, "deferred": 0, "fetch_errors": 1}),
])
def test_an_entry_without_an_article_is_recorded_with_why(
        ingestor: Ingestor, feed_id: int, prepared: Prepared, status: str,
        counts: dict[str, int]) -> None:
    report = put(ingestor, prepared, feed_id, entry(prepared.entry_url))
    assert {name: getattr(report, name) for name in counts} == counts
    assert (report.stored, report.failed_pages) == (0, [prepared.fetch_error])
    store = ingestor.store
    assert store.counts()["articles"] == 0
    row = one(store, "SELECT article_id, status, error, retry_at FROM entries")
    assert (row["article_id"], row["status"], row["error"]) == (
        None, status, prepared.fetch_error)
    assert row["retry_at"] == (iso(T0 + timedelta(minutes=30)) if status == "retry" else None)


def test_link_known_records_entries_of_stored_urls_and_returns_the_rest(
        ingestor: Ingestor, feed_id: int) -> None:
    article = page("confirmation.html")
    put(ingestor, from_page(article))
    store = ingestor.store
    known, new, retry, linkless = (entry(article.url, "known"), entry("https://b.example/new",
                                   "new"), entry(article.url, "retry", attempts=1),
                                   entry(None, "linkless"))
    assert ingestor.link_known(feed_id, [known, new, retry, linkless]) == [new, retry, linkless]
    assert store.query("SELECT guid_key, article_id FROM entries") == [
        {"guid_key": "known", "article_id": store.article_id_by_url(article.url)}]


def test_a_canonical_url_held_by_another_text_keeps_the_article_under_its_own_url(
        ingestor: Ingestor, feed_id: int) -> None:
    section = "https://news.example/section/"
    first = replace(page("confirmation.html"), url=section, site="news.example")
    put(ingestor, Prepared(entry_url="https://news.example/a/1", article=first,
                           text_source="page"), feed_id, entry("https://news.example/a/1", "g1"))
    second = replace(page("denial.html"), url=section)
    report = put(ingestor, Prepared(entry_url="https://news.example/a/2", article=second,
                                    text_source="page"), feed_id,
                 entry("https://news.example/a/2", "g2"))
    store = ingestor.store
    assert (report.stored, report.skipped) == (1, 0)
    assert store.query("SELECT url, site FROM articles ORDER BY id") == [
        {"url": section, "site": "news.example"},
        {"url": "https://news.example/a/2", "site": "news.example"}]
    assert store.query("SELECT guid_key, article_id FROM entries ORDER BY guid_key") == [
        {"guid_key": "g1", "article_id": store.article_id_by_url(section)},
        {"guid_key": "g2", "article_id": store.article_id_by_url("https://news.example/a/2")}]


SUIT_NAMED = Article(
    url="https://a.example/sues", title="Anthropic sues the Pentagon", published_at="2026-03-09",
    text=("Anthropic sued the Trump administration in federal court in San Francisco on Monday, "
          "asking a judge to overturn the supply-chain risk designation and block the ban on "
          "Claude. The Pentagon had threatened to cut ties with Anthropic over limits on military "
          "use of its AI models. The company refused to allow Claude to be used for mass "
          "surveillance of Americans or fully autonomous weapons."))
SUIT_NAME_DROPPED = Article(
    url="https://b.example/suit", title="AI firm takes the Pentagon to court",
    published_at="2026-03-10",
    text=("The Pentagon threatened to cut ties with Anthropic over limits on military use of "
          "Claude, and Anthropic refused. Anthropic says it remains committed to national "
          "security work. The lawsuit, filed in federal court in San Francisco, asks a judge to "
          "overturn the designation and block the ban."))


def developments_of(store: Store, url: str) -> list[int]:
    return [r["development_id"] for r in store.query(
        "SELECT development_id FROM article_developments WHERE article_id = ?",
        [store.article_id_by_url(url)])]


def test_a_report_not_naming_the_story_opens_no_development(ingestor: Ingestor) -> None:
    report = put(ingestor, from_page(SUIT_NAME_DROPPED))
    assert developments_of(ingestor.store, SUIT_NAME_DROPPED.url) == []
    assert not [f for f in report.flagged if f[0] == "development"]
    assert report.flags == flag_count(ingestor.store, ingestor.store.article_id_by_url(
        SUIT_NAME_DROPPED.url))


def test_a_report_not_naming_the_story_joins_the_development_it_reports(
        ingestor: Ingestor) -> None:
    put(ingestor, from_page(SUIT_NAMED))
    (opened,) = developments_of(ingestor.store, SUIT_NAMED.url)
    report = put(ingestor, from_page(SUIT_NAME_DROPPED))
    assert developments_of(ingestor.store, SUIT_NAME_DROPPED.url) == [opened]
    assert report.flags == flag_count(ingestor.store, ingestor.store.article_id_by_url(
        SUIT_NAME_DROPPED.url))


def test_a_report_not_naming_the_story_waits_for_the_development_it_reports(
        ingestor: Ingestor, clock: ManualClock) -> None:
    # It came a day before any report naming the story: it waits, and joins when one opens.
    put(ingestor, from_page(SUIT_NAME_DROPPED))
    assert developments_of(ingestor.store, SUIT_NAME_DROPPED.url) == []
    assert len(ingestor.store.pending_developments("pentagon-anthropic")) == 1
    clock.now += timedelta(days=1)
    report = put(ingestor, from_page(SUIT_NAMED))
    (opened,) = developments_of(ingestor.store, SUIT_NAMED.url)
    assert developments_of(ingestor.store, SUIT_NAME_DROPPED.url) == [opened]
    assert ingestor.store.pending_developments("pentagon-anthropic") == []
    (dev,) = ingestor.store.query(
        "SELECT article_count, site_count, summary FROM developments WHERE id = ?", [opened])
    assert (dev["article_count"], dev["site_count"]) == (2, 2)
    assert dev["summary"] in SUIT_NAMED.text  # summed up by the report that names the story
    # One development flag and its alert, for the article that opened it.
    assert [f[2] for f in report.flagged if f[0] == "development"] == [SUIT_NAMED.url]


HEARING_RECALLS_SUIT = Article(
    url="https://e.example/hearing", title="Anthropic and the Pentagon meet again in court",
    published_at="2026-03-20",
    text=("A hearing in the dispute between Anthropic and the Pentagon was set for next week, "
          "the court clerk said on Friday. The Pentagon had threatened to cut ties with "
          "Anthropic over limits on military use of Claude. The company refused to allow Claude "
          "to be used for mass surveillance of Americans or fully autonomous weapons. Reporters "
          "expect a crowded public gallery and a long morning of legal argument. Its lawyers "
          "want a judge in San Francisco to overturn the Trump administration's decision."))


def test_a_sentence_told_in_passing_joins_a_known_development_and_never_waits(
        ingestor: Ingestor, clock: ManualClock) -> None:
    # A piece on the hearing recalls the suit in its last sentence, in the suit's words but with
    # no verb of an event: too thin to join as a report of it, it joins as a sentence told in
    # passing. Its other sentences of several new words join nothing, and none of them waits.
    put(ingestor, from_page(SUIT_NAMED))
    (opened,) = developments_of(ingestor.store, SUIT_NAMED.url)
    clock.now += timedelta(days=11)
    put(ingestor, from_page(HEARING_RECALLS_SUIT))
    assert opened in developments_of(ingestor.store, HEARING_RECALLS_SUIT.url)
    (row,) = ingestor.store.query(
        "SELECT evidence FROM article_developments WHERE article_id = ? AND development_id = ?",
        [ingestor.store.article_id_by_url(HEARING_RECALLS_SUIT.url), opened])
    assert row["evidence"].startswith("Its lawyers want a judge")
    assert ingestor.store.pending_developments("pentagon-anthropic") == []


def test_two_sentences_of_one_development_are_one_flag(
        ingestor: Ingestor, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two sentences of one article often fall in one development (a later one joins what the
    # first opens): the article holds it once, and the report counts it once, as the store does.
    real = ingest_module.assign_clusters

    def one_development(*args: object, **kwargs: object) -> list[object]:
        choices = real(*args, **kwargs)  # type: ignore[arg-type]
        assert len(choices) >= 2
        return [NewCluster(0)] * len(choices)

    monkeypatch.setattr(ingest_module, "assign_clusters", one_development)
    report = put(ingestor, from_page(HEARING_RECALLS_SUIT))
    article_id = ingestor.store.article_id_by_url(HEARING_RECALLS_SUIT.url)
    assert len(developments_of(ingestor.store, HEARING_RECALLS_SUIT.url)) == 1
    assert report.flags == flag_count(ingestor.store, article_id)


COMPLAINT_NAME_DROPPED = Article(
    url="https://c.example/complaint", title="What the complaint says", published_at="2026-03-10",
    text=("The Pentagon threatened to cut ties with Anthropic over limits on military use of "
          "Claude, and Anthropic refused. Its lawyers argued in a long complaint that the "
          "blacklisting punished protected speech and violated due process rights."))
SUIT_RETOLD = Article(
    url="https://d.example/suit-retold", title="Inside the case", published_at="2026-03-11",
    text=("Anthropic's lawsuit in federal court in San Francisco says the blacklisting punished "
          "protected speech, and asks a judge to overturn the designation. The Pentagon had "
          "threatened to cut ties with Anthropic over limits on military use of its AI models."))


def test_a_waiting_sentence_joins_a_known_development_a_later_report_shows_it_to_be(
        ingestor: Ingestor, clock: ManualClock) -> None:
    # The lawsuit is known; a report of its arguments, not naming the story, shares too little
    # with it and waits; a later report of the suit in the waiting report's words joins the
    # suit's development, and takes the waiting sentence with it.
    put(ingestor, from_page(SUIT_NAMED))
    (opened,) = developments_of(ingestor.store, SUIT_NAMED.url)
    clock.now += timedelta(days=1)
    put(ingestor, from_page(COMPLAINT_NAME_DROPPED))
    assert developments_of(ingestor.store, COMPLAINT_NAME_DROPPED.url) == []
    assert len(ingestor.store.pending_developments("pentagon-anthropic")) == 1
    clock.now += timedelta(days=1)
    report = put(ingestor, from_page(SUIT_RETOLD))
    assert developments_of(ingestor.store, SUIT_RETOLD.url) == [opened]
    assert developments_of(ingestor.store, COMPLAINT_NAME_DROPPED.url) == [opened]
    assert ingestor.store.pending_developments("pentagon-anthropic") == []
    assert not [f for f in report.flagged if f[0] == "development"]  # it opened nothing


def test_a_report_not_naming_the_story_waits_a_week_at_most(
        ingestor: Ingestor, clock: ManualClock) -> None:
    put(ingestor, from_page(SUIT_NAME_DROPPED))
    clock.now += timedelta(days=8)
    put(ingestor, from_page(SUIT_NAMED))
    assert developments_of(ingestor.store, SUIT_NAME_DROPPED.url) == []
    assert developments_of(ingestor.store, SUIT_NAMED.url) != []


def test_an_article_judged_again_forgets_its_waiting_sentences(ingestor: Ingestor) -> None:
    put(ingestor, from_page(SUIT_NAME_DROPPED))
    article_id = ingestor.store.article_id_by_url(SUIT_NAME_DROPPED.url)
    assert article_id is not None
    with ingestor.store.transaction():
        ingestor.store.clear_judgments(article_id, iso(T0))
    assert ingestor.store.pending_developments("pentagon-anthropic") == []


def test_stored_development_sentences_are_read_once_however_many_articles_follow(
        ingestor: Ingestor, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every article with a development candidate is clustered against every stored sentence
    # of the story: over months they are tens of thousands, read once, not again per article.
    read: list[str] = []
    novel_terms = Background.novel_terms

    def counting(self: Background, sentence: str) -> NovelTerms:
        read.append(sentence)
        return novel_terms(self, sentence)

    monkeypatch.setattr(Background, "novel_terms", counting)
    put(ingestor, from_page(SUIT_NAMED))
    put(ingestor, from_page(SUIT_RETOLD))  # clustered against the first: its sentence read
    stored = [r["evidence"] for r in ingestor.store.query(
        "SELECT evidence FROM article_developments")]
    put(ingestor, from_page(COMPLAINT_NAME_DROPPED))  # against both: the second's read
    before = {s: read.count(s) for s in stored}
    put(ingestor, from_page(SUIT_NAME_DROPPED))  # against both again: neither read again
    assert developments_of(ingestor.store, SUIT_NAME_DROPPED.url)  # it was clustered
    assert len(stored) == 2 and {s: read.count(s) for s in stored} == before

"""One article through the pipeline: fetch page -> extract -> de-duplicate -> judge -> store.

Work is split so that the slow, parallel part (fetch + extract, in threads and worker processes)
holds no database state, and the write (one ``BEGIN IMMEDIATE`` transaction per article, in the
one writer thread) holds no network state. A crash between the two loses nothing: the entry is
not recorded, so the next poll fetches it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from ..clock import Clock, iso, parse
from ..config import AlertSettings
from ..errors import BlockedURLError, ExtractError, FetchError
from ..fetching.feeds import FeedEntry
from ..fetching.fetcher import Fetcher, FetchResult
from ..fetching.urls import canonicalize, site_of
from ..judging import judge, story_background
from ..judging.developments import (
    PENDING_DAYS,
    Background,
    NewCluster,
    NovelTerms,
    adopt_pending,
    assign_clusters,
)
from ..judging.stance import StanceModel
from ..outputs.alerts import payload as alert_payload
from ..outputs.alerts import target_id, wants
from ..records import Article, Judgment, Stance, Story
from ..store import (
    ArticleText,
    EntryRecord,
    NewAlert,
    NewArticle,
    NewMatch,
    PendingRow,
    Store,
)
from .decide import (
    Content,
    EntryState,
    Intent,
    KnownArticle,
    NeedsContent,
    Prepared,
    RecordFailure,
    SkipExisting,
    Snapshot,
    StoreCopy,
    StoreNew,
    Upgrade,
    decide,
    own_url,
)
from .dedupe import TextKeys
from .extract import ExtractedPage, content_hash, extract_and_key, text_from_plain
from .workers import RemoteError, WorkerCrashed, WorkerPool, WorkerTimeout

__all__ = ["IngestReport", "Ingestor", "Prepared", "extract_fetched", "fetch_and_extract",
           "prepare_entry", "prepare_fetched"]

log = logging.getLogger(__name__)

_HTML_TYPES = {"text/html", "application/xhtml+xml", ""}


@dataclass
class IngestReport:
    stored: int = 0
    duplicates: int = 0
    relevant: int = 0
    flags: int = 0
    fetch_errors: int = 0
    skipped: int = 0
    deferred: int = 0  # entries waiting for a retry (their page failed transiently)
    refused: int = 0  # entries whose link the address guard refused
    upgraded: int = 0  # summary-only articles that got their page's text at a retry
    failed_pages: list[str] = field(default_factory=list)  # why pages failed, this report
    flagged: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, key, url, ev

    def merge(self, other: IngestReport) -> None:
        for name in ("stored", "duplicates", "relevant", "flags", "fetch_errors", "skipped",
                     "deferred", "refused", "upgraded"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.flagged.extend(other.flagged)
        self.failed_pages.extend(other.failed_pages)


def fetch_and_extract(
    url: str,
    *,
    fetcher: Fetcher,
    pool: WorkerPool,
    extract_timeout: float,
) -> tuple[ExtractedPage, TextKeys]:
    """Fetch a page through the guarded fetcher and extract it in a worker, with its text's
    keys. Raises FetchError or ExtractError (with a ``kind``), never returns a half result."""
    result = fetcher.fetch(url, kind="page")
    return extract_fetched(url, result, pool=pool, extract_timeout=extract_timeout)


def extract_fetched(url: str, result: FetchResult, *, pool: WorkerPool,
                    extract_timeout: float) -> tuple[ExtractedPage, TextKeys]:
    """Extract a fetched page in a worker process, with the keys of its text (computed there,
    beside it). Raises ExtractError (with a ``kind``)."""
    if result.content_type not in _HTML_TYPES:
        raise ExtractError(f"not an HTML page ({result.content_type})", url=url,
                           kind="not_html")
    charset = _charset(result.headers.get("content-type", ""))
    with pool.worker() as worker:
        try:
            page, keys = worker.call(extract_and_key, result.body, result.final_url, charset,
                                     timeout=extract_timeout)
        except WorkerTimeout as e:
            raise ExtractError(f"extraction passed {extract_timeout:.0f}s", url=url,
                               kind="extract_timeout") from e
        except WorkerCrashed as e:
            raise ExtractError(str(e), url=url, kind="extract_crashed") from e
        except RemoteError as e:  # not an ExtractError (that arrives as itself): a bug
            raise ExtractError(e.message, url=url, kind="extract_failed") from e
    if page.canonical_url is None and result.final_url != url:
        page = replace(page, canonical_url=canonicalize(result.final_url))
    return page, keys


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def prepare_entry(
    entry: FeedEntry,
    *,
    fetcher: Fetcher,
    pool: WorkerPool,
    extract_timeout: float,
) -> Prepared:
    """Fetch and extract a feed entry's page; fall back to the feed's own summary (and say why)
    when the page cannot be fetched or extracted."""
    if entry.url is None:
        return _from_summary(entry, None, "no usable link")
    fetched: FetchResult | BaseException
    try:
        fetched = fetcher.fetch(entry.url, kind="page")
    except Exception as e:  # judged below, with the extraction's failures
        fetched = e
    return prepare_fetched(entry, fetched, pool=pool, extract_timeout=extract_timeout)


def prepare_fetched(
    entry: FeedEntry,
    fetched: FetchResult | BaseException,
    *,
    pool: WorkerPool,
    extract_timeout: float,
) -> Prepared:
    """The second half of :func:`prepare_entry`: ``fetched`` is the page, or the exception its
    fetch raised (the poll cycle fetches in one thread pool and extracts in another step)."""
    assert entry.url is not None
    try:
        if isinstance(fetched, BaseException):
            raise fetched
        page, keys = extract_fetched(entry.url, fetched, pool=pool,
                                     extract_timeout=extract_timeout)
    except BlockedURLError as e:
        return Prepared(entry_url=entry.url, article=None, text_source="none",
                        fetch_error=f"{e.kind}: {e}"[:500], refused=True)
    except (FetchError, ExtractError) as e:
        return _from_summary(entry, entry.url, f"{e.kind}: {e}"[:500], retryable=e.transient)
    except Exception as e:  # a bug or an input nobody foresaw: it costs this entry only
        log.exception("event=entry_failed_unexpectedly url=%s", entry.url)
        return _from_summary(entry, entry.url, f"internal: {type(e).__name__}: {e}"[:500])
    url = page.canonical_url or entry.url
    article = Article(
        url=url,
        title=page.title or entry.title,
        text=page.text,
        site=site_of(url),
        author=page.author or entry.author,
        published_at=page.published_at or entry.published_at,
    )
    return Prepared(entry_url=entry.url, article=article, text_source="page", keys=keys)


def _from_summary(entry: FeedEntry, url: str | None, why: str, *,
                  retryable: bool = False) -> Prepared:
    text = text_from_plain(entry.summary)
    if not url or not text:
        return Prepared(entry_url=url, article=None, text_source="none", fetch_error=why,
                        retryable=retryable)
    article = Article(
        url=url,
        title=entry.title,
        text=text,
        site=site_of(url),
        author=entry.author,
        published_at=entry.published_at,
    )
    return Prepared(entry_url=url, article=article, text_source="feed_summary", fetch_error=why,
                    retryable=retryable)


def pending_since(now: str) -> str:
    """The oldest time a waiting development sentence may have been stored and still join."""
    return iso(parse(now) - timedelta(days=PENDING_DAYS))


@dataclass(frozen=True)
class ClusterPlan:
    """Where an article's development candidates go, for one story: per candidate the stored
    development it joins, the one it opens (:class:`NewCluster`) or None (it waits); and the
    earlier articles' waiting sentences that a development it reports takes in (a stored id,
    or the one it opens)."""

    choices: list[int | NewCluster | None]
    adopted: list[tuple[PendingRow, int | NewCluster]]


class Ingestor:
    """Judges prepared articles against every story and writes each in one transaction."""

    def __init__(
        self,
        store: Store,
        stories: Sequence[Story],
        model: StanceModel,
        *,
        clock: Clock,
        alerts: AlertSettings | None = None,
    ):
        self.store = store
        self.stories = list(stories)
        self.model = model
        self.clock = clock
        # Flags to alert on are queued in the article's own transaction (the outbox).
        self.alerts = alerts if alerts is not None and alerts.enabled else None
        self.alert_targets = [target_id(u) for u in self.alerts.urls] if self.alerts else []
        # The novel terms of each stored development or waiting sentence, read once per
        # background (a story as configured): every article with a development candidate is
        # clustered against all of them, and over months of running they number in the tens
        # of thousands (72 us each to read again). Grows with those rows of the store.
        self._novel: dict[Background, dict[str, NovelTerms]] = {}

    def link_known(self, feed_id: int, entries: Sequence[FeedEntry]) -> list[FeedEntry]:
        """Record entries whose article is already stored (same canonical URL, from another
        feed or an earlier GUID); return the entries that still need fetching."""
        known: list[tuple[FeedEntry, int]] = []
        rest: list[FeedEntry] = []
        for entry in entries:
            if entry.attempts:  # a retry of its page: its summary-only article is its own
                rest.append(entry)
                continue
            article_id = self.store.article_id_by_url(entry.url) if entry.url else None
            if article_id is None:
                rest.append(entry)
            else:
                known.append((entry, article_id))
        if known:
            now = iso(self.clock())
            with self.store.transaction():
                for entry, article_id in known:
                    self.store.record_entry(feed_id, EntryRecord(
                        guid_key=entry.guid_key, url=entry.url, title=entry.title,
                        first_seen_at=now, article_id=article_id,
                    ))
        return rest

    def store_prepared(
        self, prepared: Prepared, *, feed_id: int | None, entry: FeedEntry | None
    ) -> IngestReport:
        """Decide what ``prepared`` is (:func:`decide.decide`, pure) from the store's answers
        read first, then apply the intent in one transaction."""
        clock_now = self.clock()
        attempts = entry.attempts if entry is not None else None
        snapshot = self._snapshot(prepared)
        intent = decide(prepared, snapshot, attempts=attempts, now=clock_now)
        if isinstance(intent, NeedsContent):
            intent = decide(prepared, snapshot, attempts=attempts, now=clock_now,
                            content=self._content(intent.article, prepared.keys,
                                                  exclude=intent.upgrading))
        return self._apply(intent, prepared, feed_id=feed_id, entry=entry, now=iso(clock_now))

    def _snapshot(self, prepared: Prepared) -> Snapshot | None:
        """The store's answers about an article, all read before deciding."""
        article = prepared.article
        if article is None:
            return None
        digest = prepared.keys.content_hash if prepared.keys else content_hash(article.text)
        by_url: dict[str, KnownArticle] = {}
        for url in {article.url, own_url(prepared.entry_url)}:
            row = self.store.article_by_url(url) if url else None
            if url and row is not None:
                by_url[url] = KnownArticle(*row)
        return Snapshot(content_hash=digest, by_url=by_url,
                        same_text=self.store.article_by_hash(digest))

    def _content(self, article: Article, keys: TextKeys | None, *,
                 exclude: int | None) -> Content:
        """The syndication lookup (never matching the stored article ``exclude``) and the
        judgments: only for an article that needs them. ``keys``: the text's, when the worker
        computed them."""
        fingerprint = self.store.syndication_fingerprint(keys or article.text, exclude=exclude)
        judgments = tuple((story, judge(article, story, model=self.model))
                          for story in self.stories)
        return Content(fingerprint, judgments)

    def _apply(self, intent: Intent, prepared: Prepared, *, feed_id: int | None,
               entry: FeedEntry | None, now: str) -> IngestReport:
        """Write what ``intent`` says in one transaction, and count it in a report."""
        report = IngestReport()
        recorded = feed_id is not None and entry is not None

        def record(state: EntryState) -> None:
            if feed_id is not None and entry is not None:
                self.store.record_entry(feed_id, EntryRecord(
                    guid_key=entry.guid_key, url=prepared.entry_url, title=entry.title,
                    first_seen_at=now, article_id=state.article_id, status=state.status,
                    error=state.error, attempts=state.attempts, retry_at=state.retry_at))

        if prepared.fetch_error or prepared.article is None:
            report.fetch_errors += 1
            if prepared.entry_url:  # an entry without a link has no page to fail
                report.failed_pages.append(prepared.fetch_error or "no text")
        if isinstance(intent, RecordFailure):
            if intent.outcome == "refused":
                report.refused += 1
                log.warning("event=link_refused url=%s reason=%r", prepared.entry_url,
                            prepared.fetch_error)
            elif intent.outcome == "retry":
                if intent.entry.retry_at:
                    report.deferred += 1
                log.info("event=article_deferred url=%s attempts=%d retry_at=%s reason=%r",
                         prepared.entry_url, intent.entry.attempts, intent.entry.retry_at,
                         prepared.fetch_error)
            else:
                log.info("event=article_skipped url=%s reason=%r", prepared.entry_url,
                         prepared.fetch_error)
            if recorded:
                with self.store.transaction():
                    record(intent.entry)
            return report
        if isinstance(intent, SkipExisting):
            report.skipped += 1
            if recorded:
                with self.store.transaction():
                    record(intent.entry)
            return report
        if isinstance(intent, Upgrade):
            return self._upgrade(intent, record, now, report)
        assert isinstance(intent, StoreCopy | StoreNew), intent
        article = intent.article
        digest = intent.content_hash
        original = intent.root if isinstance(intent, StoreCopy) else intent.duplicate_of
        judgments = intent.content.judgments if isinstance(intent, StoreNew) else ()
        relevant_slugs = [s.slug for s, j in judgments if j.relevant]
        plans = self._cluster_developments(judgments, except_article=None, now=now)
        with self.store.transaction():
            article_id = self.store.insert_article(NewArticle(
                url=article.url,
                feed_id=feed_id,
                title=article.title,
                site=article.site,
                author=article.author,
                published_at=article.published_at,
                fetched_at=now,
                text=article.text,
                content_hash=digest,
                duplicate_of=original,
                text_source=prepared.text_source,
                fetch_error=prepared.fetch_error,
                relevant_stories=tuple(relevant_slugs),
            ))
            record(replace(intent.entry, article_id=article_id))
            if isinstance(intent, StoreCopy):
                self.store.copy_judgments(intent.of, article_id, now)
                report.duplicates += 1
            else:
                self.store.index_syndicated(article_id, intent.content.fingerprint)
                if original is not None:
                    report.duplicates += 1
                for story, judgment in judgments:
                    self._write_judgment(story, judgment, article_id, article, now, report,
                                         plans.get(story.slug))
        report.stored += 1
        if isinstance(intent, StoreCopy):
            relevant_slugs = self.store.relevant_stories(article_id)
        report.relevant += 1 if relevant_slugs else 0
        log.info(
            "event=article_stored id=%s url=%s source=%s relevant=%s duplicate_of=%s",
            article_id, article.url, prepared.text_source, ",".join(relevant_slugs) or "-",
            original or "-",
        )
        return report

    def _upgrade(self, intent: Upgrade, record: Callable[[EntryState], None], now: str,
                 report: IngestReport) -> IngestReport:
        """Replace a summary-only article's text by its page's, and judge it again, in one
        transaction: its earlier matches and development evidence go, the new ones come."""
        article_id, article = intent.article_id, intent.article
        judgments = intent.content.judgments
        relevant_slugs = [s.slug for s, j in judgments if j.relevant]
        # Its own evidence is cleared in the transaction, so it is no cluster to join.
        plans = self._cluster_developments(judgments, except_article=article_id,
                                            now=now)
        with self.store.transaction():
            self.store.clear_judgments(article_id, now)
            self.store.update_article(article_id, ArticleText(
                title=article.title, author=article.author,
                published_at=article.published_at, text=article.text,
                content_hash=intent.content_hash, duplicate_of=intent.duplicate_of,
                text_source="page", fetch_error=None, relevant_stories=tuple(relevant_slugs),
            ))
            record(intent.entry)
            self.store.index_syndicated(article_id, intent.content.fingerprint)
            for story, judgment in judgments:
                self._write_judgment(story, judgment, article_id, article, now, report,
                                     plans.get(story.slug))
        report.upgraded += 1
        report.relevant += 1 if relevant_slugs else 0
        log.info("event=article_upgraded id=%s url=%s relevant=%s", article_id, article.url,
                 ",".join(relevant_slugs) or "-")
        return report

    def _cluster_developments(
        self, judgments: Sequence[tuple[Story, Judgment]], *, except_article: int | None,
        now: str,
    ) -> dict[str, ClusterPlan]:
        """Per story, the development each of the article's candidates joins or opens
        (:func:`assign_clusters`, pure), and the waiting sentences of earlier articles that a
        development it reports takes in (:func:`adopt_pending`, pure), from the evidence read
        before the write transaction. ``except_article``: an article judged again, whose old
        evidence does not count. A sentence waits ``PENDING_DAYS``."""
        plans: dict[str, ClusterPlan] = {}
        waited_since = pending_since(now)
        for story, judgment in judgments:
            if not (judgment.relevant and judgment.developments):
                continue
            background = story_background(story)
            known = self._novel.setdefault(background, {})

            def novel(sentence: str, known: dict[str, NovelTerms] = known,
                      background: Background = background) -> NovelTerms:
                terms = known.get(sentence)
                if terms is None:
                    terms = known[sentence] = background.novel_terms(sentence)
                return terms

            clusters: dict[int, list[frozenset[str]]] = {}
            for row in self.store.development_evidence(story.slug, except_article):
                clusters.setdefault(row.development_id, []).append(novel(row.evidence))
            candidates = [d.terms for d in judgment.developments]
            passing = [d.passing for d in judgment.developments]
            choices = assign_clusters(candidates, list(clusters.items()),
                                      [d.joins_only for d in judgment.developments], passing)
            adopted: list[tuple[PendingRow, int | NewCluster]] = []
            if any(c is not None and not told for c, told in zip(choices, passing, strict=True)):
                pending = self.store.pending_developments(story.slug, except_article,
                                                          since=waited_since)
                joins = adopt_pending([novel(p.evidence) for p in pending],
                                      candidates, choices, passing)
                adopted = [(p, n) for p, n in zip(pending, joins, strict=True) if n is not None]
            plans[story.slug] = ClusterPlan(choices, adopted)
        return plans

    def _write_judgment(self, story: Story, judgment: Judgment, article_id: int,
                        article: Article, now: str, report: IngestReport,
                        plan: ClusterPlan | None) -> None:
        if not judgment.relevant:
            return
        claim_ids = {c.key: c.id for c in story.claims}
        for cj in judgment.claims:
            if cj.stance is Stance.UNRELATED:
                continue
            claim_id = claim_ids[cj.claim_key]
            assert claim_id is not None, "a story's claims carry store ids once synced"
            self.store.insert_match(NewMatch(
                article_id=article_id,
                claim_id=claim_id,
                stance=cj.stance.value,
                score=cj.score,
                band=cj.band,
                evidence=cj.evidence,
                created_at=now,
                source=cj.source,
                rule=cj.rule,
            ))
            if cj.stance in (Stance.CONFIRMS, Stance.CONTRADICTS):
                kind = "contradiction" if cj.stance is Stance.CONTRADICTS else "confirmation"
                claim = next(c for c in story.claims if c.key == cj.claim_key)
                self._queue_alert(kind=kind, band=cj.band, story=story,
                                  claim_key=cj.claim_key, claim_text=claim.text,
                                  article_id=article_id, article=article,
                                  evidence=cj.evidence, score=cj.score, now=now)
            if cj.band == "flag" and cj.stance in (Stance.CONFIRMS, Stance.CONTRADICTS):
                kind = "contradiction" if cj.stance is Stance.CONTRADICTS else "confirmation"
                report.flags += 1
                report.flagged.append((kind, cj.claim_key, article.url, cj.evidence))
                log.info(
                    "event=flag kind=%s story=%s claim=%s score=%.2f url=%s evidence=%r",
                    kind, story.slug, cj.claim_key, cj.score, article.url, cj.evidence[:200],
                )
        if not judgment.developments or plan is None:
            return
        opened: list[int] = []  # ids of the developments this article opens, in order
        held: set[int] = set()  # ids of the developments it holds (its evidence is the first)
        for dev, choice in zip(judgment.developments, plan.choices, strict=True):
            if choice is None and dev.passing:
                continue  # told in passing: it joins a development others report, or nothing
            if choice is None:
                # It joins no known development and may not open one: it waits for one.
                self.store.add_pending_development(story=story.slug, article_id=article_id,
                                                   evidence=dev.sentence, score=dev.score,
                                                   now=now, forget_before=pending_since(now))
                continue
            if not isinstance(choice, NewCluster):
                match_id: int | None = choice
            elif choice.n < len(opened):
                match_id = opened[choice.n]
            else:
                match_id = None
            if match_id is not None and match_id in held:
                continue  # another of its sentences already files it there: one flag, one row
            dev_id = self.store.add_development_evidence(
                story=story.slug,
                development_id=match_id,
                summary=dev.sentence,
                article_id=article_id,
                evidence=dev.sentence,
                score=dev.score,
                now=now,
            )
            held.add(dev_id)
            if match_id is None:
                opened.append(dev_id)
                self._queue_alert(kind="development", band="flag", story=story,
                                  development_id=dev_id, article_id=article_id,
                                  article=article, evidence=dev.sentence, score=dev.score,
                                  now=now, summary=dev.sentence)
                report.flagged.append(("development", str(dev_id), article.url, dev.sentence))
                log.info("event=flag kind=development story=%s development=%s url=%s "
                         "evidence=%r", story.slug, dev_id, article.url, dev.sentence[:200])
            report.flags += 1
        for pending, joined in plan.adopted:
            development_id = opened[joined.n] if isinstance(joined, NewCluster) else joined
            self.store.adopt_pending_development(story=story.slug, article_id=pending.article_id,
                                                 evidence=pending.evidence,
                                                 development_id=development_id, now=now)
            log.info("event=development_adopted story=%s development=%s article=%s",
                     story.slug, development_id, pending.article_id)

    def _queue_alert(self, *, kind: str, band: str, story: Story, article_id: int,
                     article: Article, evidence: str, score: float, now: str,
                     claim_key: str | None = None, claim_text: str | None = None,
                     development_id: int | None = None, summary: str | None = None) -> None:
        if self.alerts is None or not wants(self.alerts, kind, band):
            return
        self.store.queue_alert(
            NewAlert(kind=kind, band=band, story=story.slug, claim_key=claim_key,
                     development_id=development_id, article_id=article_id, created_at=now,
                     payload=alert_payload(claim_text=claim_text, evidence=evidence,
                                           url=article.url, title=article.title,
                                           site=article.site, score=score,
                                           story_title=story.title, summary=summary)),
            self.alert_targets,
            now,
        )


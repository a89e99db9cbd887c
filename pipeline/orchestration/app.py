"""Wiring: build the pipeline's objects from a Config. The CLI and the daemon use this; tests
build the same objects directly with their own fakes."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path

from ..clock import Clock, iso, utcnow
from ..config import Config
from ..errors import ExtractError, FetchError, InputError
from ..fetching.fetcher import Fetcher
from ..fetching.urls import canonicalize, is_http_url, site_of
from ..ingesting.extract import split_text_headers, text_from_plain, warm_up
from ..ingesting.ingest import Ingestor, IngestReport, Prepared, fetch_and_extract
from ..ingesting.workers import WorkerCrashed, WorkerPool, WorkerTimeout
from ..judging.stance import StanceModel
from ..outputs.alerts import SendReport
from ..records import Article, Story
from ..store import Store
from .polling import CycleReport, Poller, Progress
from .scheduling import IntervalBounds

log = logging.getLogger(__name__)


class App:
    """Everything one process needs, opened in order and closed in reverse."""

    def __init__(
        self,
        config: Config,
        *,
        clock: Clock = utcnow,
        model: StanceModel | None = None,
        database: Path | None = None,
        stop: threading.Event | None = None,
    ):
        self.config = config
        self.clock = clock
        self.stop = stop or threading.Event()
        self.store = Store.open(database or config.storage.database)
        pool: WorkerPool | None = None
        try:
            now = self._now()
            self.stories: list[Story] = self.store.sync_stories(config.stories, now=now)
            self.store.sync_feeds(config.feeds, now=now)
            self.model = model or StanceModel.load(config.judge.model)
            self.fetcher = Fetcher(config.network)
            self.pool = pool = WorkerPool()
            pool.warm_up(warm_up)
            self.ingestor = Ingestor(self.store, self.stories, self.model, clock=clock,
                                     alerts=config.alerts)
            self.poller = Poller(
                self.store,
                self.fetcher,
                self.pool,
                self.ingestor,
                config.network,
                jitter=config.schedule.jitter,
                clock=clock,
                stop=self.stop,
                bounds=IntervalBounds(
                    low=timedelta(minutes=config.schedule.min_interval_minutes),
                    high=timedelta(minutes=config.schedule.max_interval_minutes),
                ),
            )
        except BaseException:
            # Start-up abandoned (a bad model file, SIGTERM while workers start): no worker
            # may outlive it, and none is worth a graceful goodbye.
            if pool is not None:
                pool.kill()
            self.store.close()
            raise

    def _now(self) -> str:
        return iso(self.clock())

    def reload_stories(self) -> None:
        """Pick up claims added since start-up (``claimwatch claims add``)."""
        self.stories = [self.store.story_with_claims(s) for s in self.config.stories]
        self.ingestor.stories = self.stories

    def poll(self, *, feed: str | None = None, due_only: bool = False,
             progress: Progress | None = None) -> CycleReport:
        if feed is not None and self.store.feed_by_name(feed) is None:
            raise InputError(f"no feed named {feed!r} in {self.config.path}")
        due = self._now() if due_only else None
        feeds = self.store.feeds(name=feed, due_before=due)
        report = self.poller.run_cycle(feeds, progress=progress)
        if report.articles.stored:
            self.write_atom()
        return report

    def send_alerts(self, *, max_seconds: float | None = None) -> SendReport | None:
        """Send the alerts the outbox holds (after the articles' commits), on a connection of
        their own. None when no alert URL is configured."""
        if not self.config.alerts.enabled:
            return None
        from ..outputs.alerts import AlertSender

        with Store.open(self.store.path) as store:
            sender = AlertSender(store, self.config.alerts, clock=self.clock)
            return sender.run_once(max_seconds=max_seconds, stop=self.stop)

    def write_atom(self) -> Path | None:
        """Rewrite the Atom feed of the newest flags. A failure to write it is logged, never
        raised: the feed is a view of the store, and the next cycle writes it again."""
        from ..outputs.atom import feed_title, write_feed

        path = self.config.storage.atom_file
        try:
            write_feed(self.store, path, now=self.clock(),
                       title=feed_title([s.title for s in self.config.stories]))
        except OSError as e:
            log.warning("event=atom_failed path=%s error=%r", path, str(e))
            return None
        return path

    def ingest(self, target: str) -> IngestReport:
        """Judge one article given as a URL or a local .html/.htm/.txt file."""
        if is_http_url(target):
            try:
                page, keys = fetch_and_extract(
                    target, fetcher=self.fetcher, pool=self.pool,
                    extract_timeout=self.config.network.extract_timeout)
            except (FetchError, ExtractError) as e:
                raise InputError(f"cannot ingest {target}: {e}") from e
            url = page.canonical_url or canonicalize(target)
            article = Article(url=url, title=page.title or url, text=page.text,
                              site=site_of(url), author=page.author,
                              published_at=page.published_at)
            prepared = Prepared(entry_url=target, article=article, text_source="page",
                                keys=keys)
        else:
            prepared = self._prepare_file(Path(target))
        report = self.ingestor.store_prepared(prepared, feed_id=None, entry=None)
        if report.stored:
            self.write_atom()
        return report

    def _prepare_file(self, path: Path) -> Prepared:
        from ..ingesting.extract import extract_page

        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputError(f"cannot read {path}: {e.strerror or e}") from e
        url = path.resolve().as_uri()
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm"):
            with self.pool.worker() as worker:
                try:
                    page = worker.call(extract_page, data, url, None,
                                       timeout=self.config.network.extract_timeout)
                except (ExtractError, WorkerTimeout, WorkerCrashed) as e:
                    # The file's content: no article in it, or one the extractor cannot read
                    # within the worker's time and memory limits. Anything else (RemoteError:
                    # a bug in the child) is not the user's to fix, and shows its traceback.
                    raise InputError(f"cannot extract an article from {path}: {e}") from e
            article = Article(url=url, title=page.title or path.stem, text=page.text,
                              site=page.site if page.site != site_of(url) else "local file",
                              author=page.author, published_at=page.published_at)
        elif suffix == ".txt":
            try:
                text = text_from_plain(data.decode("utf-8"))
            except UnicodeDecodeError as e:
                raise InputError(f"{path} is not UTF-8 text") from e
            headers, text = split_text_headers(text)
            if not text:
                raise InputError(f"{path} is empty")
            title = headers.get("title") or text.split("\n", 1)[0][:200]
            site = "local file"
            if "url" in headers:
                if not is_http_url(headers["url"]):
                    raise InputError(f"{path}: URL header is not an http(s) URL")
                url = canonicalize(headers["url"])
                site = site_of(url)
            article = Article(url=url, title=title, text=text, site=site,
                              published_at=headers.get("date"))
        else:
            raise InputError(f"{path}: expected an http(s) URL or a .html, .htm or .txt file")
        return Prepared(entry_url=None, article=article, text_source="file")

    def close(self) -> None:
        self.stop.set()
        for closer in (self.pool.close, self.fetcher.close, self.store.close):
            try:
                closer()
            except Exception:  # closing must not hide the error that got us here
                log.exception("event=close_failed")

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

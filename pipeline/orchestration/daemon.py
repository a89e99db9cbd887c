"""``claimwatch run``: the background daemon.

APScheduler runs two jobs:

- ``poll``: every ``schedule.check_seconds`` (30 s), polls the feeds whose ``next_poll_at``
  has passed. Each feed's own interval, jitter, backoff and Retry-After live in its row's
  ``next_poll_at``, so the schedule is in the database: a restart resumes it instead of
  re-polling everything, and Datasette shows it. ``max_instances=1`` and ``coalesce=True``:
  one cycle at a time, missed ticks merged.
- ``digest``: daily at ``digest_time`` in ``timezone``, writes the previous day's digest (the
  day that just ended); at start-up, a missing digest for yesterday is written too.

SIGINT/SIGTERM set a stop event: the cycle finishes the article in hand (or rolls it back) and
returns; the process exits within a few seconds even while a slow server is mid-response.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from ..clock import iso, parse, utcnow
from ..outputs.digest import build_digest, write_digest
from ..store import Store
from .app import App

log = logging.getLogger(__name__)

# How often the daemon looks for alerts to send (also woken at once by a cycle that flagged).
ALERT_CHECK_SECONDS = 5.0

def heartbeat_path(config) -> Path:
    db = config.storage.database
    return db.with_name(db.stem + ".heartbeat")


def touch_heartbeat(config) -> None:
    """The scheduler is alive: ``claimwatch health`` (the container healthcheck) reads this."""
    path = heartbeat_path(config)
    try:
        path.write_text(iso(utcnow()) + "\n")
    except OSError:
        log.warning("event=heartbeat_failed path=%s", path)


def heartbeat_age(config, now: datetime) -> float | None:
    """Seconds since the daemon last ticked, None if it never did."""
    try:
        stamp = heartbeat_path(config).read_text().strip()
    except OSError:
        return None
    try:
        then = parse(stamp)
    except ValueError:
        return None
    return (now - then).total_seconds()


class Daemon:
    def __init__(self, app: App):
        self.app = app
        self.tick_seconds = app.config.schedule.check_seconds
        self.stop = app.stop
        tz = ZoneInfo(app.config.schedule.timezone)
        self.scheduler = BackgroundScheduler(timezone=tz)
        self._cycle_lock = threading.Lock()
        self._alert_store: Store | None = None

    def poll_due(self) -> None:
        if self.stop.is_set() or not self._cycle_lock.acquire(blocking=False):
            return
        try:
            self.app.reload_stories()
            report = self.app.poll(due_only=True)
            if report.articles.flags and self.app.config.alerts.enabled:
                self._wake_alerts()
            if report.feeds_due:
                log.info(
                    "event=cycle due=%d feeds=%d failed=%d new_entries=%d stored=%d flags=%d "
                    "interrupted=%s",
                    report.feeds_due, report.feeds_polled, report.feeds_failed,
                    report.new_entries,
                    report.articles.stored, report.articles.flags, report.interrupted,
                )
        except Exception:
            # A bug or a locked store must not kill the scheduler thread: log, retry next tick.
            log.exception("event=cycle_failed")
        finally:
            self._cycle_lock.release()

    def send_alerts(self) -> None:
        """The ``alerts`` job: its own thread and store connection, so a slow or failing
        target never holds up a poll cycle (the outbox rows were committed with their
        articles; see ``alerts``)."""
        from ..outputs.alerts import AlertSender

        try:
            if self._alert_store is None:
                self._alert_store = Store.open(self.app.config.storage.database)
            sender = AlertSender(self._alert_store, self.app.config.alerts,
                                 clock=self.app.clock)
            report = sender.run_once(stop=self.stop)
            if report.sent or report.retrying or report.failed:
                log.info("event=alerts sent=%d retrying=%d failed=%d", report.sent,
                         report.retrying, report.failed)
        except Exception:
            log.exception("event=alerts_failed")

    def _write_atom(self) -> None:
        """The Atom feed exists, and is current, from the start; a failure to write it must
        not keep the daemon from running."""
        try:
            self.app.write_atom()
        except Exception:
            log.exception("event=atom_failed")

    def _wake_alerts(self) -> None:
        # Not scheduled (alerts off) or the scheduler is stopping: the next tick will do.
        with contextlib.suppress(Exception):
            self.scheduler.modify_job("alerts", next_run_time=utcnow())

    def write_digest(self, day: date | None = None) -> None:
        tz = self.app.config.schedule.timezone
        if day is None:
            day = datetime.now(ZoneInfo(tz)).date() - timedelta(days=1)
        try:
            # Its own connection: the poll job writes through the app's in another thread,
            # and a digest must not read a half-written article's rows.
            with Store.open(self.app.config.storage.database) as store:
                digest = build_digest(store, day, tz, now=self.app.clock())
            paths = write_digest(digest, self.app.config.storage.digests)
            log.info("event=digest day=%s files=%s contradictions=%d developments=%d",
                     day, ",".join(str(p) for p in paths), len(digest.contradictions),
                     len(digest.developments))
        except Exception:
            log.exception("event=digest_failed day=%s", day)

    def run(self) -> None:
        """Block until SIGINT/SIGTERM (or ``stop`` is set by the caller)."""
        schedule = self.app.config.schedule
        hour, minute = (int(x) for x in schedule.digest_time.split(":"))
        self.scheduler.add_job(
            self.poll_due,
            IntervalTrigger(seconds=self.tick_seconds, jitter=min(5, self.tick_seconds / 4)),
            id="poll",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=datetime.now(ZoneInfo(schedule.timezone)),
        )
        # Its own job, so a long poll cycle (which makes the scheduler skip poll ticks) does not
        # look like a dead daemon to the healthcheck.
        self.scheduler.add_job(
            touch_heartbeat,
            IntervalTrigger(seconds=self.tick_seconds),
            args=[self.app.config],
            id="heartbeat",
            max_instances=1,
            coalesce=True,
        )
        if self.app.config.alerts.enabled:
            self.scheduler.add_job(
                self.send_alerts,
                IntervalTrigger(seconds=ALERT_CHECK_SECONDS),
                id="alerts",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                next_run_time=datetime.now(ZoneInfo(schedule.timezone)),
            )
        self.scheduler.add_job(
            self.write_digest,
            CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(schedule.timezone)),
            id="digest",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=6 * 3600,
        )
        previous = self._install_signals()
        touch_heartbeat(self.app.config)
        self._write_atom()
        self._catch_up_digest()
        log.info("event=daemon_started feeds=%d next_poll_at=%s digest_time=%s timezone=%s",
                 len(self.app.store.feeds()), self.app.store.next_due_at(),
                 schedule.digest_time, schedule.timezone)
        self.scheduler.start()
        try:
            while not self.stop.wait(0.5):
                pass
        finally:
            log.info("event=daemon_stopping")
            self.scheduler.shutdown(wait=False)
            # The cycle notices the stop between articles; give it a moment to roll back.
            if self._cycle_lock.acquire(timeout=10):
                self._cycle_lock.release()
            # The alerts job's connection is left to the process's exit: a send still in
            # flight keeps its claim, which the next start releases and sends again.
            self._restore_signals(previous)
            log.info("event=daemon_stopped")

    def _catch_up_digest(self) -> None:
        tz = self.app.config.schedule.timezone
        yesterday = datetime.now(ZoneInfo(tz)).date() - timedelta(days=1)
        if not (self.app.config.storage.digests / f"{yesterday}.md").exists():
            self.write_digest(yesterday)

    def _install_signals(self) -> dict[int, object]:
        previous: dict[int, object] = {}
        if threading.current_thread() is not threading.main_thread():
            return previous

        def handler(signum: int, frame: object) -> None:
            log.info("event=signal signal=%s", signal.Signals(signum).name)
            self.stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, handler)
        return previous

    def _restore_signals(self, previous: dict[int, object]) -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)  # type: ignore[arg-type]

"""The command line. Each command builds its objects from the config, calls one library function
and prints the result. Errors become messages here and only here: exit 1 for a runtime failure,
2 for bad usage or configuration."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

from . import __version__
from .clock import iso, utcnow
from .config import Config, load_config, resolve_config_path
from .entry import STOP_SIGNALS
from .errors import ClaimwatchError, ConfigError, InputError

if TYPE_CHECKING:
    # click names progressbar()'s return type only in this private module (as click does).
    from click._termui_impl import ProgressBar

    from .orchestration.polling import CycleReport

log = logging.getLogger("pipeline")


class _KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created).astimezone().strftime("%Y-%m-%dT%H:%M:%S%z")
        level = record.levelname.lower()
        line = f"{stamp} level={level} logger={record.name} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_KeyValueFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    noisy_loggers = ("httpx", "httpcore", "apscheduler", "trafilatura", "htmldate",
                     "charset_normalizer", "apprise", "urllib3", "requests")
    for noisy in noisy_loggers:
        logging.getLogger(noisy).setLevel(logging.WARNING if verbose < 2 else logging.INFO)


class _Context:
    def __init__(self, config_path: str | None):
        self.config_path = config_path
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(resolve_config_path(self.config_path))
        return self._config


class _StopRequested(BaseException):  # noqa: N818 (a signal, not an error)
    """SIGINT/SIGTERM arrived before the command could stop on its own (during start-up)."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


class _Signals:
    """SIGINT/SIGTERM for the whole life of the process, from ``main()`` on.

    Until a command says it can stop on its own (``stoppable``), a signal raises
    ``_StopRequested``: start-up (opening the store, loading the model, starting workers) is
    abandoned, everything opened is closed by the ``with`` blocks, and ``run``/``poll`` exit 0
    (a ``docker stop`` right after ``docker run`` is a normal stop). Afterwards a signal only
    sets ``stop``, which the daemon and the poll cycle check between two articles.

    A signal that came while this module was still being imported was noted by ``entry``'s
    handler (``noted``); it is acted on like one that comes now, once logging is set up.
    """

    def __init__(self) -> None:
        self.noted: list[int] = []
        self.reset()

    def reset(self) -> None:
        """A fresh stop event for one command (tests invoke many in one process)."""
        self.stop = threading.Event()
        self._stoppable = False

    def install(self) -> None:
        if threading.current_thread() is threading.main_thread():
            for sig in STOP_SIGNALS:
                signal.signal(sig, self._handle)

    def stoppable(self) -> None:
        self._stoppable = True

    def act_on_noted(self) -> None:
        """A signal ``entry`` noted before ``install()`` is handled now (and only once)."""
        if self.noted:
            signum = self.noted[0]
            self.noted = []
            self._handle(signum, None)

    def _handle(self, signum: int, frame: object) -> None:
        log.info("event=signal signal=%s", signal.Signals(signum).name)
        self.stop.set()
        if not self._stoppable:
            self._stoppable = True  # a second signal during the clean-up must not cut it short
            raise _StopRequested(signum)


_signals = _Signals()
# Commands for which a stop is a normal end (exit 0) rather than an interruption.
_STOP_IS_SUCCESS = {"run", "poll"}


def _stopped_during_start_up(command: str, stop: _StopRequested) -> int:
    """Say so on stderr; the exit code: 0 for a daemon-like command, 128 + the signal else."""
    click.echo(f"stopped by {signal.Signals(stop.signum).name} during start-up", err=True)
    return 0 if command in _STOP_IS_SUCCESS else 128 + stop.signum


class _Group(click.Group):
    """Turn claimwatch's own errors into a one-line message and the documented exit code."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except _StopRequested as e:
            ctx.exit(_stopped_during_start_up(ctx.invoked_subcommand or "", e))
        except ConfigError as e:
            for line in e.render().splitlines():
                click.echo(f"error: {line}", err=True)
            ctx.exit(2)
        except InputError as e:
            click.echo(f"error: {e}", err=True)
            ctx.exit(2)
        except ClaimwatchError as e:
            click.echo(f"error: {e}", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar="PATH", envvar="CLAIMWATCH_CONFIG",
              help="Config file (default: config/claimwatch.toml, or $CLAIMWATCH_CONFIG).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors in the log.")
@click.version_option(__version__, prog_name="claimwatch")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: int, quiet: bool) -> None:
    """Watch how the news covers a story: poll feeds, extract articles, and flag confirmations,
    contradictions and new developments against the story's baseline claims.

    \b
    Example:
      claimwatch poll            # one poll cycle over every feed
      claimwatch digest          # today's digest as Markdown
      claimwatch serve           # explore the store in Datasette
    """
    _setup_logging(verbose, quiet)
    _signals.reset()
    ctx.obj = _Context(config_path)
    # A stop asked for while the modules were imported (by now ``invoked_subcommand`` is known,
    # so the exit code follows the command's rule).
    _signals.act_on_noted()


def _app(ctx: click.Context, **kwargs):
    from .orchestration.app import App

    return App(ctx.obj.config, **kwargs)


@cli.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Run the daemon in the foreground: poll feeds on their intervals, write the digest daily.

    Stops cleanly on Ctrl-C or SIGTERM.

    \b
    Example:
      claimwatch --config config/claimwatch.toml run
    """
    from .orchestration.daemon import Daemon

    with _app(ctx, stop=_signals.stop) as app:
        _signals.stoppable()
        Daemon(app).run()


@cli.command()
@click.option("--feed", metavar="NAME", help="Poll only this feed (by its name in the config).")
@click.option("--due-only", is_flag=True,
              help="Only feeds whose next poll time has passed (backoff, Retry-After and the "
                   "interval respected): for running `poll` from cron instead of `run`.")
@click.pass_context
def poll(ctx: click.Context, feed: str | None, due_only: bool) -> None:
    """Run one poll cycle now over all (or one) feeds, then exit.

    A failing feed is reported and recorded on its row; it does not fail the command.

    \b
    Examples:
      claimwatch poll --feed defensescoop
      claimwatch poll --due-only        # from cron, every few minutes
    """
    with _app(ctx, stop=_signals.stop) as app:
        _signals.stoppable()
        with _CycleProgress(sys.stderr.isatty()) as progress:
            report = app.poll(feed=feed, due_only=due_only, progress=progress)
        # After the cycle's commits, never inside it; bounded, the rest waits in the outbox.
        sent = app.send_alerts(max_seconds=ALERT_FLUSH_SECONDS)
    a = report.articles
    click.echo(
        f"polled {report.feeds_polled} feed(s), {report.feeds_failed} failed; "
        f"{report.new_entries} new entries: {a.stored} articles stored, {a.relevant} relevant, "
        f"{a.duplicates} duplicates, {a.fetch_errors} fetch/extract problems; {a.flags} flags"
    )
    for kind, key, url, evidence in a.flagged:
        click.echo(f"  {kind}: {key}  {url}\n    \"{evidence[:160]}\"")
    for name, error in report.errors:
        click.echo(f"  feed {name}: {error}")
    _echo_alerts(sent)


@cli.command()
@click.argument("targets", nargs=-1, required=True, metavar="URL_OR_FILE...")
@click.pass_context
def ingest(ctx: click.Context, targets: tuple[str, ...]) -> None:
    """Judge articles given directly: http(s) URLs or local .html/.txt files.

    \b
    Example:
      claimwatch ingest https://example.org/news/pentagon-anthropic.html saved-page.html
    """
    with _app(ctx) as app:
        for target in targets:
            report = app.ingest(target)
            if report.stored == 0:
                click.echo(f"{target}: already in the store")
                continue
            click.echo(f"{target}: stored, {report.flags} flag(s)")
            for kind, key, _url, evidence in report.flagged:
                click.echo(f"  {kind}: {key}\n    \"{evidence[:160]}\"")
        _echo_alerts(app.send_alerts(max_seconds=ALERT_FLUSH_SECONDS))


# `poll` and `ingest` send what their flags queued before they exit, for at most this long;
# what is left waits in the store's outbox for the daemon or `alerts send`.
ALERT_FLUSH_SECONDS = 30.0


def _echo_alerts(report) -> None:
    if report is not None and (report.sent or report.retrying or report.failed):
        click.echo(f"alerts: {report.sent} sent, {report.retrying} to retry, "
                   f"{report.failed} given up")


@cli.command()
@click.option("--date", "day", metavar="YYYY-MM-DD", help="The day (default: today).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file instead of printing.")
@click.pass_context
def digest(ctx: click.Context, day: str | None, fmt: str, output: Path | None) -> None:
    """Write (or print) the digest of what the pipeline found on a day.

    \b
    Example:
      claimwatch digest --date 2026-03-03 --format html --output digest.html
    """
    from .outputs.digest import RENDERERS, build_digest
    from .store import Store

    config: Config = ctx.obj.config
    tz = config.schedule.timezone
    if day is None:
        the_day = datetime.now(ZoneInfo(tz)).date()
    else:
        try:
            the_day = date.fromisoformat(day)
        except ValueError as e:
            raise InputError(f"--date: expected YYYY-MM-DD, got {day!r}") from e
    with Store.open(config.storage.database) as store:
        text = RENDERERS[fmt](build_digest(store, the_day, tz, now=utcnow()))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@cli.group()
def claims() -> None:
    """Baseline claims: extract candidates from a seed, add new ones."""


@claims.command("extract")
@click.argument("seed_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--max", "limit", default=16, show_default=True, help="At most this many claims.")
def claims_extract(seed_file: Path, limit: int) -> None:
    """Print candidate baseline claims from a seed article, in the story-file format, for a
    person to review and edit.

    \b
    Example:
      claimwatch claims extract config/stories/pentagon-anthropic.txt > candidates.toml
    """
    from .claims import candidate_claims, render_story_claims

    try:
        text = seed_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{seed_file} is not UTF-8 text") from e
    candidates = candidate_claims(text, limit=limit)
    if not candidates:
        raise InputError(f"{seed_file}: found no factual sentences to propose as claims")
    click.echo(render_story_claims(candidates), nl=False)


@claims.command("add")
@click.option("--story", "story_slug", required=True, metavar="SLUG", help="The story's slug.")
@click.option("--text", help="The claim, as one checkable sentence.")
@click.option("--from-development", "development_id", type=int, metavar="ID",
              help="Promote this development (its summary becomes the claim's text).")
@click.option("--key", help="Stable key for the claim (default: made from its words).")
@click.pass_context
def claims_add(ctx: click.Context, story_slug: str, text: str | None,
               development_id: int | None, key: str | None) -> None:
    """Start tracking a new claim: later articles are judged against it.

    \b
    Examples:
      claimwatch claims add --story pentagon-anthropic --from-development 12
      claimwatch claims add --story pentagon-anthropic --key lawsuit \\
          --text "Anthropic has threatened to sue the Pentagon."
    """
    from .claims import add_claim

    if (text is None) == (development_id is None):
        raise InputError("give exactly one of --text or --from-development")
    config: Config = ctx.obj.config
    if story_slug not in {s.slug for s in config.stories}:
        raise InputError(f"--story: no story {story_slug!r} in {config.path}")
    from .store import Store

    with Store.open(config.storage.database) as store:
        claim_id, key = add_claim(store, story_slug, text=text, development_id=development_id,
                                  key=key, now=utcnow())
    click.echo(f"added claim {claim_id} ({key}) to {story_slug}; the daemon picks it up on "
               f"its next cycle")


@cli.command()
@click.option("--article", "article_id", type=int, metavar="ID",
              help="The article of a flag (with --claim).")
@click.option("--claim", "claim_key", metavar="KEY", help="The claim key of a flag.")
@click.option("--development", "development_id", type=int, metavar="ID",
              help="A development.")
@click.option("--verdict", type=click.Choice(["wrong", "right"]), default="wrong",
              show_default=True, help="wrong hides it from the digest and all counts.")
@click.option("--by", "reviewer", default=lambda: os.environ.get("USER", "unknown"),
              show_default="$USER", help="Who reviewed it.")
@click.option("--note", help="Why, for the record.")
@click.pass_context
def review(ctx: click.Context, article_id: int | None, claim_key: str | None,
           development_id: int | None, verdict: str, reviewer: str, note: str | None) -> None:
    """Mark a flag or a development as wrong (or right again). The decision is kept, with who
    and when, in the `reviews` table.

    \b
    Examples:
      claimwatch review --article 42 --claim contract-value --note "quotes the seed"
      claimwatch review --development 7 --verdict wrong
    """
    from .store import Store

    is_match = article_id is not None or claim_key is not None
    if is_match == (development_id is not None) or (is_match and not (article_id and claim_key)):
        raise InputError("give either --article ID --claim KEY, or --development ID")
    config: Config = ctx.obj.config
    with Store.open(config.storage.database) as store:
        review_id = store.record_review(
            target="match" if is_match else "development", verdict=verdict, reviewer=reviewer,
            note=note, article_id=article_id, claim_key=claim_key,
            development_id=development_id,
            now=iso(utcnow()),
        )
    what = f"article {article_id} / {claim_key}" if is_match else f"development {development_id}"
    click.echo(f"review {review_id}: {what} marked {verdict} by {reviewer}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Explore the store in Datasette, with the project's metadata and canned queries.

    The database is opened read-only while the daemon keeps writing.

    \b
    Example:
      claimwatch serve --port 8001   # then open http://127.0.0.1:8001
      # subscribe a feed reader to http://127.0.0.1:8001/-/flags.atom
    """
    from .outputs.atom import feed_title, write_feed
    from .outputs.serve import ATOM_ENV, datasette_command, find_metadata

    config: Config = ctx.obj.config
    from .store import Store

    with Store.open(config.storage.database) as store:  # create and migrate it if new
        atom = write_feed(store, config.storage.atom_file, now=utcnow(),
                          title=feed_title([s.title for s in config.stories]))
    argv = datasette_command(config.storage.database, host=host, port=port,
                             metadata=find_metadata(config.path))
    os.environ[ATOM_ENV] = str(atom)
    click.echo(f"serving {config.storage.database} at http://{host}:{port}/ "
               f"(Atom feed of flags: http://{host}:{port}/-/flags.atom)", err=True)
    os.execvp(argv[0], argv)


@cli.command()
@click.option("--max-age", default=300, show_default=True, type=int,
              help="Seconds since the daemon's last tick that still count as healthy.")
@click.pass_context
def health(ctx: click.Context, max_age: int) -> None:
    """Exit 0 if the daemon is alive (ticked within --max-age seconds), else 1.

    This is the container's HEALTHCHECK.

    \b
    Example:
      claimwatch health --max-age 300
    """
    from .orchestration.daemon import heartbeat_age

    age = heartbeat_age(ctx.obj.config, utcnow())
    if age is None:
        click.echo("unhealthy: the daemon has not run yet", err=True)
        ctx.exit(1)
    if age > max_age:
        click.echo(f"unhealthy: last tick {age:.0f}s ago", err=True)
        ctx.exit(1)
    click.echo(f"healthy: last tick {age:.0f}s ago")


@cli.command()
@click.option("--max-age", default=300, show_default=True, type=int,
              help="Seconds since the daemon's last tick that still count as alive.")
@click.pass_context
def status(ctx: click.Context, max_age: int) -> None:
    """One screen: is the daemon alive, how are the feeds, what was found today and this
    week, the last digest, the store's size.

    Exits 1 when the daemon's heartbeat is older than --max-age seconds (or it never ran), so
    scripts and monitors can use it too.

    \b
    Example:
      claimwatch status || echo "claimwatch needs attention"
    """
    from .orchestration.daemon import heartbeat_age
    from .outputs.status import build_status, render_status

    config: Config = ctx.obj.config
    now = utcnow()
    report = build_status(config, now=now, heartbeat_age=heartbeat_age(config, now),
                          max_age=max_age)
    click.echo(render_status(report), nl=False)
    if not report.alive:
        ctx.exit(1)


@cli.group()
def feeds() -> None:
    """The feeds: list them with their health, import and export OPML."""


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per feed, for scripts.")
@click.pass_context
def feeds_list(ctx: click.Context, as_json: bool) -> None:
    """Every configured feed with its health: ok, failing (with the last error), disabled (with
    the reason) or never polled; errors in a row, last success and next poll.

    \b
    Example:
      claimwatch feeds list
    """
    import dataclasses
    import json

    from .outputs.status import feed_health, render_feeds
    from .store import Store

    config: Config = ctx.obj.config
    now = utcnow()
    store = Store.open_readonly(config.storage.database) if (
        config.storage.database.is_file()) else None
    try:
        rows = feed_health(config, store, now)
    finally:
        if store is not None:
            store.close()
    if as_json:
        for row in rows:
            click.echo(json.dumps(dataclasses.asdict(row), ensure_ascii=False))
    else:
        click.echo(render_feeds(rows), nl=False)


@feeds.command("import")
@click.argument("opml_file", metavar="FILE.opml",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would be added; change nothing.")
@click.pass_context
def feeds_import(ctx: click.Context, opml_file: Path, dry_run: bool) -> None:
    """Add the feeds of an OPML file (a feed reader's export) to the config file.

    Comments and layout of the config stay as they are; feeds already there (same URL, give or
    take scheme, www. and a trailing slash) and outlines without a feed URL are skipped, and
    each is reported. The daemon picks the new feeds up when it next starts.

    \b
    Example:
      claimwatch feeds import --dry-run ~/Downloads/feedly.opml
      claimwatch feeds import ~/Downloads/feedly.opml
    """
    from .opml import import_opml

    config: Config = ctx.obj.config
    report = import_opml(config, opml_file.read_bytes(), dry_run=dry_run)
    click.echo(report.render(config.path, dry_run=dry_run), nl=False)


@feeds.command("export")
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file instead of printing.")
@click.pass_context
def feeds_export(ctx: click.Context, output: Path | None) -> None:
    """Write the configured feeds as OPML 2.0, for a feed reader to import.

    \b
    Example:
      claimwatch feeds export --output claimwatch-feeds.opml
    """
    from .opml import export_opml

    data = export_opml(ctx.obj.config, now=utcnow())
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"wrote {output}", err=True)


@cli.group()
def alerts() -> None:
    """Alerts through Apprise: test the configured URLs, send what waits in the outbox."""


@alerts.command("test")
@click.option("--url", "urls", multiple=True, metavar="APPRISE_URL",
              help="Send to this URL instead of the configured ones (repeatable).")
@click.pass_context
def alerts_test(ctx: click.Context, urls: tuple[str, ...]) -> None:
    """Send a test message to every alert URL in [alerts] (or to --url); exit 1 if any
    failed.

    \b
    Examples:
      claimwatch alerts test
      claimwatch alerts test --url "ntfy://ntfy.sh/my-claimwatch-topic"
    """
    from .outputs.alerts import send_test, url_problem

    config: Config = ctx.obj.config
    for url in urls:
        problem = url_problem(url)
        if problem:
            raise InputError(f"--url: {problem}")
    if not urls and not config.alerts.urls:
        raise InputError(f"no alert URLs: add `urls = [...]` under [alerts] in {config.path}, "
                         f"or give --url")
    results = send_test(config.alerts, urls=list(urls) or None)
    for url, error in results:
        click.echo(f"{'ok    ' if error is None else 'FAILED'} {url}"
                   + (f": {error}" if error else ""))
    if any(error for _, error in results):
        ctx.exit(1)


@alerts.command("send")
@click.pass_context
def alerts_send(ctx: click.Context) -> None:
    """Send now every alert that waits in the outbox and is due (the daemon does this by
    itself; this is for setups that run `poll` from cron).

    \b
    Example:
      claimwatch alerts send
    """
    from .outputs.alerts import AlertSender
    from .store import Store

    config: Config = ctx.obj.config
    if not config.alerts.enabled:
        raise InputError(f"no alert URLs under [alerts] in {config.path}")
    with Store.open(config.storage.database) as store:
        report = AlertSender(store, config.alerts,
                             clock=utcnow).run_once()
    click.echo(f"alerts: {report.sent} sent, {report.retrying} to retry, "
               f"{report.failed} given up")


@cli.command()
@click.option("--port", default=0, type=int, help="Port for the sample site (default: any free).")
@click.option("--database", type=click.Path(dir_okay=False, path_type=Path),
              help="Demo store (default: demo.db beside the configured store).")
@click.option("--alert-url", metavar="APPRISE_URL",
              help="Send the demo's alerts here (default: a webhook the demo runs on "
                   "127.0.0.1, whose first message is printed).")
@click.pass_context
def demo(ctx: click.Context, port: int, database: Path | None,
         alert_url: str | None) -> None:
    """Run the whole pipeline offline against a bundled sample site on 127.0.0.1, into a
    separate demo store, then print the digest.

    \b
    Examples:
      claimwatch demo
      claimwatch demo --alert-url "ntfy://ntfy.sh/my-claimwatch-test"
    """
    from .demo import run_demo
    from .outputs.serve import find_metadata

    config: Config = ctx.obj.config
    result = run_demo(
        story_file=config.path.parent / "stories" / "pentagon-anthropic.toml",
        database=database or config.storage.database.with_name("demo.db"),
        metadata=find_metadata(config.path),
        port=port,
        alert_url=alert_url,
    )
    click.echo(result.digest_markdown)
    click.echo(f"Demo store: {result.database}")
    click.echo(f"Explore it:  datasette {result.database} --metadata {result.metadata}")
    click.echo(f"Digest files: {', '.join(str(p) for p in result.digest_files)}")
    if result.atom is not None:
        click.echo(f"Atom feed of flags: {result.atom}  (`claimwatch serve` also serves it at "
                   f"/-/flags.atom)")
    click.echo(f"Alerts: {result.alerts_sent} sent to {result.alert_target}")
    if result.alerts:
        first = result.alerts[0]
        click.echo(f"First alert, as the webhook received it:\n  title: {first.get('title')}")
        for line in str(first.get("message", "")).splitlines():
            click.echo(f"  | {line}")


@cli.group(name="eval")
def eval_group() -> None:
    """Evaluate the stance model."""


def _fnc1_inputs(fn):
    """--stances and --bodies, as both FNC-1 commands take them."""
    fn = click.option("--bodies", required=True, help="CSV with Body ID,articleBody.",
                      type=click.Path(exists=True, dir_okay=False, path_type=Path))(fn)
    return click.option("--stances", required=True, help="CSV with Headline,Body ID[,Stance].",
                        type=click.Path(exists=True, dir_okay=False, path_type=Path))(fn)


@eval_group.command("fnc1")
@_fnc1_inputs
@click.option("--predictions", type=click.Path(dir_okay=False, path_type=Path),
              help="Write predictions here as Headline,Body ID,Stance.")
@click.option("--model", "model_dir", type=click.Path(exists=True, file_okay=False,
              path_type=Path), help="Model directory (default: the shipped model).")
def eval_fnc1(stances: Path, bodies: Path, predictions: Path | None,
              model_dir: Path | None) -> None:
    """Label FNC-1-format pairs with the stance model; print scores when the stances CSV has
    gold labels.

    \b
    Example:
      claimwatch eval fnc1 --stances test_stances.csv --bodies test_bodies.csv \\
          --predictions predictions.csv
    """
    from .judging.stance import StanceModel
    from .judging.training.fnc1 import evaluate

    model = StanceModel.load(model_dir)
    with _progress_bar("judging pairs") as progress:
        report = evaluate(stances, bodies, predictions, model, progress=progress)
    if predictions is not None:
        click.echo(f"wrote {predictions}", err=True)
    if report is not None:
        click.echo(report.render())


@cli.group(name="train")
def train_group() -> None:
    """Rebuild the stance model."""


@train_group.command("fnc1")
@_fnc1_inputs
@click.option("--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the model into.")
@click.option("--include-gate", is_flag=True,
              help="Train on the quality-gate slice too (by default it is held out, as for the "
                   "shipped model, so the result reproduces it).")
def train_fnc1(stances: Path, bodies: Path, output: Path, include_gate: bool) -> None:
    """Train the stance model from FNC-1-format data (deterministic). On the FNC-1 training
    set this reproduces the shipped model byte for byte.

    \b
    Example:
      claimwatch train fnc1 --stances ../shared/data/fnc1-train/train_stances.csv \\
          --bodies ../shared/data/fnc1-train/train_bodies.csv --output /tmp/model
    """
    from .judging.training.train import gate_body_ids, train

    exclude = () if include_gate else gate_body_ids()
    with _progress_bar("training") as progress:
        report = train(stances, bodies, output, exclude_body_ids=exclude, progress=progress)
    click.echo(report.render())


class _CycleProgress:
    """``poll``'s progress: feeds done / due, articles stored, errors. A bar on a terminal, a log
    line every ``every`` seconds otherwise (cron, Docker logs)."""

    def __init__(self, terminal: bool, *, every: float = 10.0):
        self.terminal = terminal
        self.every = every
        self.bar: ProgressBar[int] | None = None
        self._last = time.monotonic()

    def __enter__(self) -> _CycleProgress:
        return self

    def __call__(self, report: CycleReport, message: str) -> None:
        a = report.articles
        errors = report.feeds_failing + a.fetch_errors
        if self.terminal:
            if self.bar is None:
                self.bar = click.progressbar(length=report.feeds_due, label="feeds",
                                             file=sys.stderr, show_pos=True)
                self.bar.__enter__()
            self.bar.label = f"stored {a.stored}, errors {errors}; feeds"
            self.bar.update(report.feeds_done - self.bar.pos)
            return
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            log.info("event=progress feeds_done=%d feeds_due=%d stored=%d errors=%d",
                     report.feeds_done, report.feeds_due, a.stored, errors)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


class _progress_bar:
    """A ``progress(done, total)`` callback drawing a click progress bar on stderr."""

    def __init__(self, label: str):
        self.label = label
        self.bar: ProgressBar[int] | None = None

    def __enter__(self) -> Callable[[int, int], None]:
        def progress(done: int, total: int) -> None:
            if self.bar is None:
                self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
                self.bar.__enter__()
            self.bar.update(done - self.bar.pos)

        return progress

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def main(noted: list[int] | None = None) -> None:
    """``noted``: the stop signals ``entry`` caught while this module was imported (a list it
    may still append to until ``install()`` has replaced its handler)."""
    try:
        _signals.install()
        if noted is not None:
            _signals.noted = noted
        cli(prog_name="claimwatch")
    except _StopRequested as e:
        # The signal came while click was still reading the command line, before _Group.invoke
        # could catch it: the same rule, with the command taken from the arguments.
        command = next((arg for arg in sys.argv[1:] if arg in cli.commands), "")
        sys.exit(_stopped_during_start_up(command, e))


if __name__ == "__main__":
    main()

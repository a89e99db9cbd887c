"""A poll cycle at scale: many feeds on many hosts, with network latency and default politeness.

Phase 1: N feeds of E new entries each, on H loopback hosts (127.0.0.2 and up), every response
delayed by a round trip (default 100 ms), politeness at its default (1 s per host). The pages
are the real news pages of the extraction benchmark (../shared), each made unique (a sentence
with its own number in its first paragraph), so every article is a different article. The
cycle is the real one (``App.poll``: guarded fetcher, worker processes, stance model, SQLite
store). Reports:

- the first cycle's time, against the reference: extracting the same N x E pages alone with
  trafilatura (``extract_page``, as the workers do) on all cores, in this run;
- every article stored exactly once;
- the second, unchanged cycle's time (feeds answer 304);
- peak RSS of the claimwatch process, and with its worker processes.

Phase 2: F feeds (default 10,000) on 500 hosts, a first cycle to learn their validators, then
one unchanged cycle, timed, with peak RSS.

The server runs in its own process (asyncio, one listening socket per address). Only loopback
addresses are used.

Usage:
    python benchmarks/bench_poll_scale.py [--feeds 300] [--entries 10] [--hosts 150]
        [--latency 0.1] [--big-feeds 10000] [--big-hosts 500] [--skip-big] [--skip-small]
        [--kill-after SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import multiprocessing
import os
import re
import resource
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BENCH = REPO.parent / "shared" / "data" / "article-extraction-benchmark" / "html"
STORY = REPO / "config" / "stories" / "pentagon-anthropic.toml"


def loopback_hosts(n: int) -> list[str]:
    """127.0.0.2, 127.0.0.3, ... skipping .0 and .255 in the last octet."""
    hosts: list[str] = []
    k = 2
    while len(hosts) < n:
        a, b = divmod(k, 256)
        if b not in (0, 255):
            hosts.append(f"127.0.{a}.{b}")
        k += 1
    return hosts


def load_pages() -> list[bytes]:
    return [gzip.decompress(p.read_bytes()) for p in sorted(BENCH.glob("*.html.gz"))]


_PARAGRAPH = re.compile(rb"<p(?:\s[^>]*)?>(.*?)</p>", re.I | re.S)


def _split_at_paragraphs(html: bytes) -> tuple[bytes, ...]:
    """``html`` cut at the start of each of its longer paragraphs (the article's body, which
    extraction keeps); a page without paragraphs is cut just inside its <body>."""
    paragraphs = list(_PARAGRAPH.finditer(html))
    if not paragraphs:
        head, body, tail = html.partition(b"<body")
        return (head + body + b"><p>", b"</p" + tail) if body else (html,)
    longest = max(len(m.group(1)) for m in paragraphs)
    starts = [m.start(1) for m in paragraphs if len(m.group(1)) >= min(200, longest)]
    return tuple(html[a:b] for a, b in zip([0, *starts], [*starts, len(html)], strict=True))


# Cut points per benchmark page, found once: the server builds thousands of pages on the same
# cores as the cycle it measures, so it must cost next to nothing per request.
_SPLITS: dict[int, tuple[bytes, tuple[bytes, ...]]] = {}


def unique_page(pages: list[bytes], feed: int, entry: int, entries: int) -> bytes:
    """Benchmark page number (feed * entries + entry) mod len(pages), with a sentence of its own
    at the start of each of its longer paragraphs, so its extracted text differs from every
    other page's."""
    n = feed * entries + entry
    index = n % len(pages)
    html = pages[index]
    cached = _SPLITS.get(index)
    if cached is None or cached[0] is not html:
        cached = _SPLITS[index] = (html, _split_at_paragraphs(html))
    marker = (f" Dispatch {n} from desk {feed}-{entry}: reference code "
              f"{n * 7919 % 1000003} filed. ").encode()
    return marker.join(cached[1])


# --------------------------------------------------------------------------- the server


def _feed_xml(base: str, feed: int, entries: int) -> bytes:
    items = "".join(
        f"<item><title>Story {feed}-{k}</title><link>{base}/a/{feed}/{k}.html</link>"
        f"<guid>{base}/a/{feed}/{k}.html</guid>"
        f"<pubDate>Mon, 02 Mar 2026 {k % 24:02d}:00:00 GMT</pubDate></item>"
        for k in range(entries))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {feed}</title><link>{base}/</link><description>d</description>"
            f"{items}</channel></rss>").encode()


def serve(hosts: list[str], port: int, latency: float, entries: int, ready) -> None:
    """Run in a child process: answer on every host until killed."""
    pages = load_pages()

    def respond(target: str, headers: dict[str, str], host: str) -> tuple[int, str, bytes, str]:
        base = f"http://{host}:{port}"
        m = re.fullmatch(r"/f/(\d+)\.xml", target)
        if m:
            etag = f'"f{m.group(1)}-v1"'
            if headers.get("if-none-match") == etag:
                return 304, "", b"", etag
            return 200, "application/rss+xml", _feed_xml(base, int(m.group(1)), entries), etag
        m = re.fullmatch(r"/e/(\d+)\.xml", target)
        if m:
            etag = f'"e{m.group(1)}-v1"'
            if headers.get("if-none-match") == etag:
                return 304, "", b"", etag
            return 200, "application/rss+xml", _feed_xml(base, int(m.group(1)), 0), etag
        m = re.fullmatch(r"/a/(\d+)/(\d+)\.html", target)
        if m:
            page = unique_page(pages, int(m.group(1)), int(m.group(2)), entries)
            return 200, "text/html; charset=utf-8", page, ""
        return 404, "text/plain", b"not found", ""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                parts = line.decode("latin-1").split(" ")
                target = parts[1] if len(parts) > 1 else "/"
                headers: dict[str, str] = {}
                while True:
                    h = await reader.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                await asyncio.sleep(latency)
                status, ctype, body, etag = respond(target, headers, host)
                head = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}"]
                if ctype:
                    head.append(f"Content-Type: {ctype}")
                if etag:
                    head.append(f"ETag: {etag}")
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        servers = [await asyncio.start_server(handle, h, port, backlog=256) for h in hosts]
        ready.set()
        await asyncio.gather(*(s.serve_forever() for s in servers))

    asyncio.run(main())


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, hosts: list[str], latency: float, entries: int):
        self.hosts = hosts
        self.port = free_port(hosts[0])
        ctx = multiprocessing.get_context("spawn")
        ready = ctx.Event()
        self.proc = ctx.Process(target=serve, args=(hosts, self.port, latency, entries, ready),
                                daemon=True)
        self.proc.start()
        if not ready.wait(60):
            raise RuntimeError("server did not start")

    def close(self) -> None:
        self.proc.kill()
        self.proc.join()


# --------------------------------------------------------------------------- measuring


def two_cycles(config, server_pid: int | None = None):
    """Two poll cycles in one App, each timed, under a peak-RSS watch: (report, seconds) of
    the first and of the second, the watch, and where the first cycle's CPU went."""
    from pipeline.orchestration.app import App

    rss = PeakRSS()
    cycles = []
    with App(config) as app:
        print(f"  extraction workers {app.pool.size}", flush=True)
        cpu = CpuSplit(server_pid)
        for n in range(2):
            start = time.perf_counter()
            report = app.poll()
            cycles.append((report, time.perf_counter() - start))
            if n == 0:
                cpu.stop()
    rss.stop()
    return cycles[0], cycles[1], rss, cpu


def worker_pids() -> list[int]:
    """The claimwatch extraction workers among this process's children."""
    return [p.pid for p in multiprocessing.active_children()
            if p.name == "claimwatch-worker" and p.pid is not None]


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a live process, from /proc (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuSplit:
    """CPU seconds spent during a cycle by the calling thread (judging and storing), the
    process's other threads (fetching), the worker processes (parsing, extraction) and the
    benchmark's server, which runs on the same cores."""

    def __init__(self, server_pid: int | None) -> None:
        self.server_pid = server_pid
        self._start = self._now()

    def _workers(self) -> dict[int, float]:
        return {pid: _process_cpu(pid) for pid in worker_pids()}

    def _now(self) -> tuple[float, float, dict[int, float], float]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        server = _process_cpu(self.server_pid) if self.server_pid else 0.0
        return (time.thread_time(), usage.ru_utime + usage.ru_stime, self._workers(), server)

    def stop(self) -> None:
        thread0, process0, workers0, server0 = self._start
        thread1, process1, workers1, server1 = self._now()
        self.main = thread1 - thread0
        self.fetching = (process1 - process0) - self.main
        self.workers = sum(cpu - workers0.get(pid, 0.0) for pid, cpu in workers1.items())
        self.server = server1 - server0

    def report(self, articles: int, wall: float) -> str:
        per = 1000 / max(articles, 1)
        total = self.main + self.fetching + self.workers + self.server
        busy = 100 * total / (wall * (os.cpu_count() or 1))
        return (f"CPU per article: main thread {self.main * per:.1f} ms, fetching threads "
                f"{self.fetching * per:.1f} ms, workers {self.workers * per:.1f} ms, server "
                f"{self.server * per:.1f} ms; cores busy {busy:.0f}% of the cycle")


class PeakRSS:
    """Samples VmRSS of this process and of its children (the workers) every 0.2 s."""

    def __init__(self) -> None:
        self.main = 0
        self.total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _children(self) -> list[int]:
        return worker_pids()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            main = self._rss(os.getpid())
            self.main = max(self.main, main)
            self.total = max(self.total, main + sum(self._rss(p) for p in self._children()))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def write_config(tmp: Path, feeds: list[tuple[str, str]]) -> Path:
    lines = [f'stories = ["{STORY}"]', "[storage]", f'database = "{tmp / "store.db"}"',
             f'digests = "{tmp / "digests"}"', "[network]", "allow_private_addresses = true"]
    for name, url in feeds:
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"']
    path = tmp / "claimwatch.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _extract_one(args: tuple[bytes, str]):
    from pipeline.ingesting.extract import extract_page

    html, url = args
    return len(extract_page(html, url, "utf-8").text)


# Above this difference between the reference before and after the cycle, the ratio is
# reported as unreliable: on a shared machine the same extraction has taken 26 s and 39 s
# within minutes.
DRIFT_WARNING = 0.10
# Below this share of the cores for the reference's processes, other work was running.
SHARED_WARNING = 0.9


def extraction_reference(args: argparse.Namespace) -> tuple[float, float]:
    """Seconds to extract phase 1's pages with a process per core (warm-up excluded), in a
    process of its own, so the pages it holds are not counted in the cycle's RSS; and the share
    of the cores its processes had meanwhile (below 1 when other work ran on the machine)."""
    import subprocess

    out = subprocess.run([sys.executable, __file__, *sys.argv[1:], "--phase", "reference"],
                         check=True, capture_output=True, text=True).stdout
    seconds, share = out.strip().splitlines()[-1].split()
    return float(seconds), float(share)


def run_reference(args: argparse.Namespace) -> None:
    hosts = loopback_hosts(args.hosts)
    corpus = load_pages()
    pages = [(unique_page(corpus, i, k, args.entries), f"http://{hosts[i % len(hosts)]}/a/{i}/{k}")
             for i in range(args.feeds) for k in range(args.entries)]
    seconds, share = _extract_all(pages)
    print(f"{seconds:.3f} {share:.3f}")


def _extract_all(pages: list[tuple[bytes, str]]) -> tuple[float, float]:
    """Wall seconds, and the CPU its workers had over that time as a share of all cores."""
    ctx = multiprocessing.get_context("spawn")
    cores = os.cpu_count() or 1
    with ctx.Pool(cores) as pool:
        pool.map(_extract_one, pages[: 2 * cores])  # imports, warm caches
        pids = [p.pid for p in multiprocessing.active_children() if p.pid]
        cpu0 = sum(_process_cpu(pid) for pid in pids)
        start = time.perf_counter()
        pool.map(_extract_one, pages, chunksize=4)
        seconds = time.perf_counter() - start
        cpu = sum(_process_cpu(pid) for pid in pids) - cpu0
    return seconds, cpu / (seconds * cores)


def run_small(args: argparse.Namespace) -> None:
    from pipeline.config import load_config

    hosts = loopback_hosts(args.hosts)
    server = Server(hosts, args.latency, args.entries)
    try:
        feeds = []
        for i in range(args.feeds):
            host = hosts[i % len(hosts)]
            feeds.append((f"feed-{i}", f"http://{host}:{server.port}/f/{i}.xml"))
        n_pages = args.feeds * args.entries
        reference, share_before = extraction_reference(args)
        print(f"phase 1: {args.feeds} feeds x {args.entries} entries = {n_pages} pages on "
              f"{len(hosts)} hosts ({hosts[0]}..{hosts[-1]}), latency {args.latency * 1000:.0f} ms,"
              f" politeness 1 s/host, cores {os.cpu_count()}", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            config = load_config(write_config(Path(tmp), feeds))
            print(f"  in flight {config.network.max_in_flight}, per host "
                  f"{config.network.max_host_connections}", flush=True)
            (first, first_s), (second, second_s), rss, cpu = two_cycles(
                config, server.proc.pid)
            db = sqlite3.connect(Path(tmp) / "store.db")
            articles = db.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone()
            texts = db.execute("SELECT count(DISTINCT content_hash) FROM articles").fetchone()[0]
            sources = dict(db.execute("SELECT text_source, count(*) FROM articles "
                                      "GROUP BY text_source").fetchall())
            entries = db.execute("SELECT count(*) FROM entries").fetchone()[0]
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            db.close()
        print(f"  first cycle: {first_s:.1f} s; second {second_s:.1f} s", flush=True)
        # Measured again after the cycle: other work on a shared machine moves both figures.
        after, share_after = extraction_reference(args)
        print(f"  extraction alone, before the cycle {reference:.1f} s (its processes had "
              f"{100 * share_before:.0f}% of the cores), after it {after:.1f} s "
              f"({100 * share_after:.0f}%)", flush=True)
        shared = min(share_before, share_after) < SHARED_WARNING
        drift = abs(reference - after) / min(reference, after)
        reference = (reference + after) / 2
    finally:
        server.close()
    print(f"  first cycle: {first_s:.1f} s, stored {first.articles.stored} "
          f"(articles {articles[0]}, distinct urls {articles[1]}, entries {entries}, "
          f"sources {sources}), fetch problems {first.articles.fetch_errors}, "
          f"feeds failed {first.feeds_failed}")
    print(f"  distinct extracted texts: {texts} of {articles[0]}")
    print(f"  extraction alone on {os.cpu_count()} cores, same {n_pages} pages: "
          f"{reference:.1f} s (mean of before and after)")
    print(f"  ratio first cycle / extraction alone: {first_s / reference:.2f} (target <= 1.5)")
    if shared:
        print("  WARNING: other work had part of the cores while the reference ran (see its "
              "share above): the ratio is not reliable; run it again when the machine is quiet")
    if drift > DRIFT_WARNING:
        print(f"  WARNING: the machine's speed moved during this run (the two references differ "
              f"by {100 * drift:.0f}%): the ratio is not reliable; run it again when the "
              f"machine is quiet")
    print(f"  {cpu.report(first.articles.stored, first_s)}")
    print(f"  second (unchanged) cycle: {second_s:.1f} s = {100 * second_s / first_s:.1f}% "
          f"of the first (target <= 10%), stored {second.articles.stored}")
    print(f"  every article stored once: {articles[0] == articles[1] == n_pages}; "
          f"integrity {integrity}")
    print(f"  peak RSS: main process {rss.main / 2**20:.0f} MB, with workers "
          f"{rss.total / 2**20:.0f} MB (target <= 500 MB)", flush=True)


def run_kill(args: argparse.Namespace) -> None:
    """``claimwatch poll`` on phase 1's setup, SIGKILLed after ``--kill-after`` seconds, then
    run again to the end: nothing lost, nothing twice, no half article."""
    import signal
    import subprocess

    hosts = loopback_hosts(args.hosts)
    server = Server(hosts, args.latency, args.entries)
    try:
        feeds = [(f"feed-{i}", f"http://{hosts[i % len(hosts)]}:{server.port}/f/{i}.xml")
                 for i in range(args.feeds)]
        n_pages = args.feeds * args.entries
        with tempfile.TemporaryDirectory() as tmp:
            config = write_config(Path(tmp), feeds)
            command = [sys.executable, "-m", "pipeline", "--config", str(config), "-q", "poll"]
            proc = subprocess.Popen(command, cwd=REPO, start_new_session=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(args.kill_after)
            os.killpg(proc.pid, signal.SIGKILL)  # the poll and its workers, as a crash would
            proc.wait()
            db = sqlite3.connect(Path(tmp) / "store.db")
            before = db.execute("SELECT count(*) FROM articles").fetchone()[0]
            db.close()
            start = time.perf_counter()
            subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            rerun_s = time.perf_counter() - start
            db = sqlite3.connect(Path(tmp) / "store.db")
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            articles, urls = db.execute(
                "SELECT count(*), count(DISTINCT url) FROM articles").fetchone()
            unlinked = db.execute(
                "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                "(SELECT 1 FROM entries e WHERE e.article_id = a.id)").fetchone()[0]
            entries_without = db.execute(
                "SELECT count(*) FROM entries WHERE article_id IS NULL").fetchone()[0]
            empty = db.execute(
                "SELECT count(*) FROM articles WHERE text IS NULL OR text = ''").fetchone()[0]
            db.close()
    finally:
        server.close()
    print(f"kill -9 after {args.kill_after:.0f} s of a {args.feeds} x {args.entries} cycle: "
          f"{before} articles stored before the kill; the rerun took {rerun_s:.1f} s")
    print(f"  after the rerun: integrity {integrity}, articles {articles} of {n_pages}, "
          f"distinct urls {urls}, articles without their entry {unlinked}, entries without "
          f"their article {entries_without}, empty articles {empty}", flush=True)


def run_big(args: argparse.Namespace) -> None:
    from pipeline.config import load_config

    hosts = loopback_hosts(args.big_hosts)
    server = Server(hosts, args.latency, 0)
    try:
        feeds = [(f"feed-{i}", f"http://{hosts[i % len(hosts)]}:{server.port}/e/{i}.xml")
                 for i in range(args.big_feeds)]
        print(f"phase 2: {args.big_feeds} feeds on {len(hosts)} hosts, latency "
              f"{args.latency * 1000:.0f} ms, politeness 1 s/host", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            config = load_config(write_config(Path(tmp), feeds))
            (first, first_s), (second, second_s), rss, _ = two_cycles(
                config, server.proc.pid)
            db = sqlite3.connect(Path(tmp) / "store.db")
            outcomes = dict(db.execute(
                "SELECT outcome, count(*) FROM poll_log GROUP BY outcome").fetchall())
            db.close()
    finally:
        server.close()
    print(f"  first cycle (learning validators): {first_s:.1f} s, failed {first.feeds_failed}")
    print(f"  unchanged cycle: {second_s:.1f} s (target < 120 s), polled "
          f"{second.feeds_polled}, failed {second.feeds_failed}; poll_log outcomes {outcomes}")
    print(f"  peak RSS: main process {rss.main / 2**20:.0f} MB, with workers "
          f"{rss.total / 2**20:.0f} MB (target <= 500 MB)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--entries", type=int, default=10)
    parser.add_argument("--hosts", type=int, default=150)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--big-feeds", type=int, default=10_000)
    parser.add_argument("--big-hosts", type=int, default=500)
    parser.add_argument("--skip-small", action="store_true")
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--phase", choices=["small", "big", "kill", "reference"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--kill-after", type=float, default=0.0,
                        help="also: SIGKILL a `claimwatch poll` of phase 1 after this many "
                             "seconds, rerun it, and check the store")
    args = parser.parse_args()
    if not BENCH.is_dir():
        sys.exit(f"{BENCH} is absent: the benchmark needs ../shared")
    if args.phase:
        {"small": run_small, "big": run_big, "kill": run_kill,
         "reference": run_reference}[args.phase](args)
        return
    # Each phase in a process of its own: its peak RSS is its own, not what an earlier phase
    # left behind.
    import subprocess

    phases = [p for p, skip in (("small", args.skip_small), ("big", args.skip_big),
                                ("kill", not args.kill_after)) if not skip]
    for phase in phases:
        subprocess.run([sys.executable, __file__, *sys.argv[1:], "--phase", phase], check=True)


if __name__ == "__main__":
    main()

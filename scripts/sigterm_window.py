#!/usr/bin/env python3
"""How early can ``claimwatch run`` be stopped with SIGTERM? Measures the window after launch in
which a SIGTERM still kills the process (exit 143, or -15 as Python reports it) instead of a
clean stop (exit 0).

For each delay d (0, 25, ... 600 ms by default) it launches the daemon on a throw-away store
with no feeds (no network), sends SIGTERM d ms after ``Popen`` returned, and records the exit
code, how long the stop took and whether a traceback was printed. Then, ``--probe`` times, it
launches the daemon and watches ``/proc/PID/status`` (SigCgt) for the moment a SIGTERM handler
is installed: before that moment the kernel's default action applies (death; for PID 1 in a
container, the signal is dropped), and no code of ours can change that.

Usage (from the repository root, after ``python3 scripts/dev.py test -k nothing`` built .venv):
    .venv/bin/python scripts/sigterm_window.py [--entry script|module] [--max-ms 600]
        [--step-ms 25] [--repeat 1] [--probe 10]

``--entry script`` runs ``.venv/bin/claimwatch`` (the console script, as users and the Docker
image do), ``--entry module`` runs ``python -m pipeline``. Timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "config" / "stories" / "pentagon-anthropic.toml"


def _command(entry: str, config: Path) -> list[str]:
    if entry == "script":
        script = Path(sys.executable).parent / "claimwatch"
        return [str(script), "--config", str(config), "run"]
    return [sys.executable, "-m", "pipeline", "--config", str(config), "run"]


def _write_config(directory: Path) -> Path:
    path = directory / "claimwatch.toml"
    path.write_text(f'stories = ["{STORY}"]\n[storage]\ndatabase = "{directory / "s.db"}"\n'
                    f'digests = "{directory / "digests"}"\n', encoding="utf-8")
    return path


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CLAIMWATCH_")}


def catches_sigterm(pid: int) -> bool:
    """Whether the process has a SIGTERM handler installed yet (its SigCgt mask in /proc); the
    audit tests read it from here too."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) >> (signal.SIGTERM - 1) & 1)
    except OSError:
        pass
    return False


def one_run(entry: str, delay: float) -> tuple[int | None, float, bool, str]:
    """(exit code or None if it hung, seconds from the signal to the exit, traceback?, last
    line of output)."""
    with tempfile.TemporaryDirectory() as tmp:
        config = _write_config(Path(tmp))
        log = Path(tmp) / "out.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(_command(entry, config), cwd=ROOT, env=_env(), stdout=out,
                                    stderr=subprocess.STDOUT)
            time.sleep(delay)
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            try:
                code: int | None = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                code = None
            took = time.monotonic() - sent
        text = log.read_text(errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    return code, took, "Traceback" in text, lines[-1] if lines else ""


def handler_installed_after(entry: str) -> float | None:
    """Seconds from launch until the process catches SIGTERM (None: not within 30 s)."""
    with tempfile.TemporaryDirectory() as tmp:
        config = _write_config(Path(tmp))
        start = time.monotonic()
        proc = subprocess.Popen(_command(entry, config), cwd=ROOT, env=_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seen: float | None = None
        while time.monotonic() - start < 30 and proc.poll() is None:
            if catches_sigterm(proc.pid):
                seen = time.monotonic() - start
                break
            time.sleep(0.0005)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return seen


def _show(code: int | None) -> str:
    if code is None:
        return "hung"
    return f"{code} ({128 - code} by signal)" if code < 0 else str(code)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entry", choices=["script", "module"], default="script")
    parser.add_argument("--max-ms", type=int, default=600)
    parser.add_argument("--step-ms", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=1, help="runs per delay")
    parser.add_argument("--probe", type=int, default=10,
                        help="launches to time the handler's installation (0: skip)")
    args = parser.parse_args()

    print(f"entry: {' '.join(_command(args.entry, Path('CONFIG')))}")
    print(f"{'delay ms':>8}  {'exit':<20} {'stop s':>6}  traceback  last line")
    killed: list[int] = []
    for delay_ms in range(0, args.max_ms + 1, args.step_ms):
        for _ in range(args.repeat):
            code, took, traceback, last = one_run(args.entry, delay_ms / 1000)
            if code != 0:
                killed.append(delay_ms)
            shown = "yes" if traceback else "no"
            print(f"{delay_ms:>8}  {_show(code):<20} {took:>6.2f}  {shown:<9}  {last[:70]}",
                  flush=True)
    if killed:
        print(f"not a clean stop at {len(killed)} delay(s); the latest: {max(killed)} ms")
    else:
        print("every delay stopped cleanly (exit 0)")
    if args.probe:
        seen = [handler_installed_after(args.entry) for _ in range(args.probe)]
        times = sorted(s * 1000 for s in seen if s is not None)
        if times:
            print(f"SIGTERM handler installed after (ms, {len(times)} launches): "
                  f"min {times[0]:.0f}, median {statistics.median(times):.0f}, "
                  f"max {times[-1]:.0f}")
        if len(times) < len(seen):
            print(f"{len(seen) - len(times)} launch(es) showed no handler within 30 s")
    return 1 if killed else 0


if __name__ == "__main__":
    sys.exit(main())

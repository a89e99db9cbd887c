#!/usr/bin/env python3
"""The project's one task runner, for people and CI alike. Needs only Python 3.11+.

    python3 scripts/dev.py run      # create .venv if needed, start the daemon (default config)
    python3 scripts/dev.py test     # create .venv if needed, run the whole test suite
    python3 scripts/dev.py demo | serve | lint | bench | docker-check | screenshot

Extra arguments go to the underlying command (`test -k digest`, `run --help`, `lint --fix` to
ruff). `lint` is ruff, then mypy over the package and its tests. The virtual environment is
(re)installed when pyproject.toml is newer than the last install.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def ensure_venv() -> None:
    # This script runs under whatever python3 the machine has, maybe an old one.
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit(f"claimwatch needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    pyproject = ROOT / "pyproject.toml"
    if STAMP.exists() and STAMP.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    print(f"setting up {VENV} ...", file=sys.stderr, flush=True)
    if not (BIN / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[test,dev]"], check=True)
    STAMP.touch()


COMMANDS = {
    "run": lambda args: [str(BIN / "claimwatch"), "run", *args],
    "demo": lambda args: [str(BIN / "claimwatch"), "demo", *args],
    "serve": lambda args: [str(BIN / "claimwatch"), "serve", *args],
    "test": lambda args: [str(BIN / "python"), "-m", "pytest", *args],
    "lint": lambda args: [str(BIN / "mypy"), "pipeline", "tests"],
    # Needs Debian's chromium: renders five kinds of day and screenshots them.
    "screenshot": lambda args: [str(BIN / "python"), str(ROOT / "scripts" / "screenshot_digest.py"),
                                *args],
    "bench": lambda args: [str(BIN / "python"), str(ROOT / "benchmarks" / "bench_pipeline.py"),
                           *args],
    "docker-check": lambda args: ["bash", str(ROOT / "scripts" / "docker-check.sh"), *args],
}

# A step that must pass before the command itself runs; it takes the extra arguments.
FIRST = {
    "lint": lambda args: [str(BIN / "ruff"), "check", "pipeline", "tests", "benchmarks",
                          "scripts", *args],
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    ensure_venv()
    command = COMMANDS[argv[0]](argv[1:])
    os.chdir(ROOT)
    if argv[0] in FIRST:
        status = subprocess.run(FIRST[argv[0]](argv[1:])).returncode
        if status != 0:
            return status
    # exec, so Ctrl-C and SIGTERM reach the daemon itself and its exit status is ours.
    os.execvp(command[0], command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The process's entry point: the ``claimwatch`` script and ``python -m pipeline`` start here.

Importing the command line takes a while (click, httpx and the config's dependencies: 0.2 s on
a busy two-core machine). A SIGTERM in that time found no handler and killed the process with
exit 143: a ``docker stop`` or ``systemctl stop`` right after a start, or PID 1 in a container
dropping it altogether. So this module imports nothing of ours and nothing heavy: its first act
is a handler that only notes SIGINT and SIGTERM; the CLI takes over from it and acts on what it
noted once logging is set up, as on any signal during start-up (``run`` and ``poll`` exit 0).

Before this module runs, no code of ours does: a signal during the interpreter's own start-up
(tens of milliseconds) meets the kernel's default action, whatever the program.
"""

from __future__ import annotations

import signal

# The signals that ask the process to stop, here and wherever they are handled or held (the
# CLI's handlers, the worker start-up that holds them back).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def main() -> None:
    noted: list[int] = []

    def note(signum: int, frame: object) -> None:
        noted.append(signum)

    for sig in STOP_SIGNALS:
        signal.signal(sig, note)
    from .cli import main as cli_main

    cli_main(noted)

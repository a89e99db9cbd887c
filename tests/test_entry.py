"""A stop signal is caught from the entry point's first statement: a SIGTERM while the command
line's modules were imported (0.2 s on a busy machine) killed ``claimwatch run`` with exit 143.
These tests send the signal at a fixed point of start-up instead of after a delay, so they do
not depend on the machine's speed (``scripts/sigterm_window.py`` measures the timing)."""

from __future__ import annotations

import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pipeline import cli as cli_module
from tests.conftest import REPO
from tests.test_cli import config as write_config

# Runs the real entry point in a fresh interpreter, with a hook that sends the signal to the
# process at the moment `pipeline.cli` (which imports click, httpx and the rest) is looked for:
# after `entry` has run, before any heavy module exists.
_SIGNAL_DURING_IMPORT = """
import importlib.abc, os, signal, sys

class SignalDuringImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "pipeline.cli":
            sys.meta_path.remove(self)
            heavy = [m for m in ("click", "httpx", "pipeline.config") if m in sys.modules]
            caught = signal.getsignal(signal.{sig}) not in (signal.SIG_DFL, None)
            print(f"heavy={{heavy}} caught={{caught}}", flush=True)
            os.kill(os.getpid(), signal.{sig})
        return None

sys.meta_path.insert(0, SignalDuringImport())
sys.argv = ["claimwatch", "--config", {config!r}, {command!r}]
from pipeline.entry import main
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize(("command", "sig", "code"), [
    ("run", "SIGTERM", 0),
    ("run", "SIGINT", 0),
    ("status", "SIGTERM", 128 + signal.SIGTERM),
])
def test_a_signal_while_the_cli_is_imported_stops_cleanly(tmp_path: Path, command: str, sig: str,
                                                          code: int) -> None:
    config = write_config(tmp_path)
    script = _SIGNAL_DURING_IMPORT.format(sig=sig, config=str(config), command=command)
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    output = proc.stdout + proc.stderr
    # The handler was there before the heavy imports began...
    assert "heavy=[] caught=True" in proc.stdout, output
    # ... and the stop is a logged start-up stop, with the command's exit code.
    assert proc.returncode == code, output
    assert f"event=signal signal={sig}" in proc.stderr, output
    assert f"stopped by {sig} during start-up" in proc.stderr, output
    assert "Traceback" not in output, output
    # Acted on before the command opened anything.
    assert not (tmp_path / "s.db").exists()


def test_a_noted_signal_is_acted_on_once_logging_is_set_up(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli_module._signals, "install", lambda: None)
    monkeypatch.setattr(sys, "argv", ["claimwatch", "--config", "x.toml", "run"])
    noted: list[int] = [signal.SIGTERM, signal.SIGTERM]
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main(noted)
    assert exit_info.value.code == 0
    err = capsys.readouterr().err
    assert "event=signal signal=SIGTERM" in err and "stopped by SIGTERM during start-up" in err
    assert err.count("event=signal") == 1  # acted on once, however often it came
    assert cli_module._signals.noted == []


def test_the_claimwatch_script_and_python_m_start_at_the_entry_point() -> None:
    # Pointing the script back at pipeline.cli:main would import everything before any handler.
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["claimwatch"] == "pipeline.entry:main"
    main_module = (REPO / "pipeline" / "__main__.py").read_text(encoding="utf-8")
    assert "from .entry import main" in main_module

"""Start Datasette on the store with the project's metadata and canned queries."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

from ..config import DEFAULT_CONFIG
from ..errors import InputError

_TEMPLATE_DB = "claimwatch"


def find_metadata(config_path: Path) -> Path:
    """``datasette.yml`` beside the config in use, else the one shipped beside the default
    config (a config directory of one's own need not copy it)."""
    for candidate in (config_path.parent / "datasette.yml",
                      DEFAULT_CONFIG.parent / "datasette.yml"):
        if candidate.is_file():
            return candidate
    raise InputError(f"no datasette.yml beside {config_path} or {DEFAULT_CONFIG}")


def metadata_for(database: Path, *, source: Path) -> Path:
    """Datasette names a database after its file; the metadata is written for
    ``claimwatch.db``. For another file name, write a copy keyed by that name beside it."""
    if database.stem == _TEMPLATE_DB:
        return source
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["databases"] = {database.stem: data["databases"][_TEMPLATE_DB]}
    target = database.with_name(f"{database.stem}.datasette.yml")
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return target


PLUGINS = Path(__file__).resolve().parents[1] / "datasette_plugins"
# How `serve` tells the plugin which file is the Atom feed (see datasette_plugins/).
ATOM_ENV = "CLAIMWATCH_ATOM_FILE"


def datasette_command(database: Path, *, host: str, port: int, metadata: Path) -> list[str]:
    """The argv that serves ``database``. Never ``-i`` (immutable): the daemon writes it.
    The project's plugin adds ``/-/flags.atom`` (the file named by ``$CLAIMWATCH_ATOM_FILE``)."""
    exe = shutil.which("datasette") or str(Path(sys.executable).with_name("datasette"))
    return [
        exe, "serve", str(database),
        "--metadata", str(metadata_for(database, source=metadata)),
        "--plugins-dir", str(PLUGINS),
        "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", "3000",
        "--setting", "facet_time_limit_ms", "500",
    ]

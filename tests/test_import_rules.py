"""Which module may import which, and that only the store runs SQL: the rules of
ARCHITECTURE.md, checked on the source.

Every ``import`` and ``from ... import`` in ``pipeline/`` counts, also those inside functions and
under ``TYPE_CHECKING``: a lazy import is still a dependency. ``RULES`` is the one table; the
test at the bottom checks that ARCHITECTURE.md shows the same rows.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"


class Rule(NamedTuple):
    importer: str  # a module or package: it and everything below it
    imported: str  # must not import this module or package (or anything below it)
    allowed: tuple[str, ...]  # ... except these importers (and everything below them)
    why: str


JUDGING_NEVER = "judging takes records in and gives a judgment out"
RULES = [
    Rule("pipeline.judging", "pipeline.fetching", (), JUDGING_NEVER + " (no HTTP)"),
    Rule("pipeline.judging", "pipeline.ingesting", (), JUDGING_NEVER),
    Rule("pipeline.judging", "pipeline.store", (), JUDGING_NEVER + " (no SQL)"),
    Rule("pipeline.judging", "pipeline.orchestration", (), JUDGING_NEVER),
    Rule("pipeline.judging", "pipeline.outputs", (), JUDGING_NEVER),
    Rule("pipeline.judging", "pipeline.config", (), "judging takes records, not the config"),
    Rule("pipeline.judging", "pipeline.judging.training", ("pipeline.judging.training",),
         "the run-time judge never loads the training code"),
    Rule("pipeline.fetching", "pipeline.judging", (), "the HTTP stage knows nothing of claims"),
    Rule("pipeline.fetching", "pipeline.ingesting", (), "fetching returns bytes, nothing more"),
    Rule("pipeline.fetching", "pipeline.store", (), "fetching returns bytes, nothing more"),
    Rule("pipeline.fetching", "pipeline.orchestration", (), "fetching returns bytes, nothing more"),
    Rule("pipeline.fetching", "pipeline.outputs", (), "fetching returns bytes, nothing more"),
    Rule("pipeline.store", "pipeline.fetching", (), "the store holds data; it does no network"),
    Rule("pipeline.store", "pipeline.judging", (), "the store holds data; it decides nothing"),
    Rule("pipeline.store", "pipeline.orchestration", (), "the store is below everything that runs"),
    Rule("pipeline.store", "pipeline.outputs", (), "the store is below everything that reads it"),
    Rule("pipeline.outputs", "pipeline.ingesting", (), "outputs read the store, never ingest"),
    Rule("pipeline.outputs", "pipeline.judging", (), "outputs read the store, never judge"),
    Rule("pipeline.outputs", "pipeline.fetching.fetcher", (), "outputs read the store, not HTTP"),
    Rule("pipeline.records", "pipeline", (), "records are plain data: no project imports"),
    Rule("pipeline.errors", "pipeline", (), "every module imports errors: it imports none"),
    Rule("pipeline.clock", "pipeline", (), "every stage tells time: the clock imports nothing"),
    Rule("pipeline", "pipeline.orchestration.app",
         ("pipeline.cli", "pipeline.orchestration.daemon", "pipeline.demo"),
         "only the CLI, the daemon and the demo wire the app"),
    Rule("pipeline", "pipeline.orchestration.daemon", ("pipeline.cli",),
         "only the CLI starts the daemon"),
    Rule("pipeline", "pipeline.cli", ("pipeline.entry",),
         "nothing imports the CLI but the entry point (the script and `python -m` start there)"),
]


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str], root: Path = ROOT) -> set[str]:
    """The project modules (and packages) ``path`` imports, as absolute names."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from pipeline.judging.training import fnc1` imports the module fnc1 too
            found.update(f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known)
    return {name for name in found if _under(name, "pipeline")}


def test_rules_name_modules_that_exist() -> None:
    """A rule about a renamed module would hold for ever without checking anything."""
    known = set(_modules())
    for rule in RULES:
        for name in (rule.importer, rule.imported, *rule.allowed):
            assert name in known, f"{rule}: no module or package {name}"


def test_import_rules_hold() -> None:
    modules = _modules()
    known = set(modules)
    broken = []
    for module, path in modules.items():
        for imported in sorted(imports_of(path, known)):
            for rule in RULES:
                if (_under(module, rule.importer) and _under(imported, rule.imported)
                        and not any(_under(module, a) for a in rule.allowed)):
                    broken.append(f"{module} imports {imported}: {rule.why}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("source, forbidden", [
    ("from pipeline.fetching.fetcher import Fetcher\n", "pipeline.fetching.fetcher"),
    ("def f():\n    from ..store import Store\n", "pipeline.store"),
    ("from pipeline.judging.training import fnc1\n", "pipeline.judging.training.fnc1"),
])
def test_imports_of_sees_every_kind_of_import(tmp_path: Path, source: str, forbidden: str) -> None:
    """The checker itself: absolute, relative, lazy and `from package import module` imports."""
    path = tmp_path / "pipeline" / "judging" / "example.py"
    path.parent.mkdir(parents=True)
    path.write_text(source)
    known = {"pipeline.judging.training.fnc1"}
    assert forbidden in imports_of(path, known, root=tmp_path)


# --- SQL only in the store ----------------------------------------------------------------------
# ARCHITECTURE.md, "The store's boundary": outside pipeline/store/ no module runs SQL; the one
# exception is the syndication index, whose two tables and lookup queries are its own.
SQL_OWNERS = ("pipeline.store", "pipeline.ingesting.dedupe")
SQL_DRIVERS = frozenset({"sqlite3", "sqlite_utils"})
SQL_CALLS = frozenset({"query", "execute", "executemany", "executescript"})
CONNECTION_ATTRIBUTES = frozenset({"db", "conn"})  # Store.db (sqlite-utils), Database.conn


def sql_uses(path: Path) -> list[str]:
    """Where ``path`` runs SQL or reaches a connection itself: imports of a database driver,
    calls of ``.query()`` / ``.execute()`` (``Store.query`` included), ``.db`` / ``.conn``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [f"line {node.lineno}: imports {alias.name}" for alias in node.names
                      if alias.name.split(".")[0] in SQL_DRIVERS]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            if (node.module or "").split(".")[0] in SQL_DRIVERS:
                found.append(f"line {node.lineno}: imports from {node.module}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SQL_CALLS:
                found.append(f"line {node.lineno}: calls .{node.func.attr}()")
        elif isinstance(node, ast.Attribute) and node.attr in CONNECTION_ATTRIBUTES:
            found.append(f"line {node.lineno}: reaches a connection (.{node.attr})")
    return found


def test_only_the_store_runs_sql() -> None:
    broken = []
    for module, path in _modules().items():
        if any(_under(module, owner) for owner in SQL_OWNERS):
            continue
        broken += [f"{module} {use}: SQL belongs in pipeline/store/ (a named method that "
                   f"returns typed rows)" for use in sql_uses(path)]
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("source", [
    "import sqlite3\n",
    "from sqlite_utils import Database\n",
    "def f(store):\n    return store.query('SELECT 1')\n",
    "def f(store):\n    store.db.execute('DELETE FROM articles')\n",
    "def f(store):\n    store.db.table('feeds').insert({})\n",
    "def f(conn):\n    conn.executemany('INSERT INTO t VALUES (?)', [])\n",
])
def test_sql_uses_sees_every_way_to_run_sql(tmp_path: Path, source: str) -> None:
    path = tmp_path / "example.py"
    path.write_text(source)
    assert sql_uses(path)


def test_sql_owners_exist() -> None:
    """An exception for a renamed module would hold for ever without excepting anything."""
    modules = _modules()
    assert all(owner in modules for owner in SQL_OWNERS)


def rules_table() -> list[str]:
    """RULES as the Markdown rows ARCHITECTURE.md shows."""
    rows = ["| module | may not import | except from | why |", "|---|---|---|---|"]
    for rule in RULES:
        allowed = ", ".join(f"`{a}`" for a in rule.allowed) or "-"
        rows.append(f"| `{rule.importer}` | `{rule.imported}` | {allowed} | {rule.why} |")
    return rows


def test_architecture_doc_shows_the_same_rules() -> None:
    doc = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8").splitlines()
    table = rules_table()
    start = doc.index(table[0]) if table[0] in doc else -1
    assert start >= 0, "ARCHITECTURE.md lacks the import-rules table"
    shown = doc[start:start + len(table)]
    assert shown == table, "ARCHITECTURE.md's import rules differ from tests/test_import_rules.py"

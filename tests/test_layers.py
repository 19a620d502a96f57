"""The layers hold: the desktop reaches the engine only through ``engine``'s public API, and
holds no SQL. Read from the sources' syntax trees, so a new page is checked as it is added."""

import ast
import re
from pathlib import Path

import engine

DESKTOP = Path(__file__).parents[1] / "desktop"
#: The packaged executable's entry point starts the CLI (the engine's other front end).
ALLOWED = {"packaging/entry.py": {"engine.cli"}}
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA|WITH)\b")


def engine_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import of an engine module other than ``engine`` itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "engine":  # ``from engine import x``: x must be public
                found += [
                    (node.lineno, f"engine.{a.name}")
                    for a in node.names
                    if a.name not in engine.__all__
                ]
                continue
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [(node.lineno, n) for n in names if n.startswith("engine.")]
    return found


def sql_in(source: str) -> list[tuple[int, str]]:
    """(line, what) of each SQL text or ``execute`` call in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL.match(node.value):
                found.append((node.lineno, node.value[:40]))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("execute", "executemany", "executescript"):
                found.append((node.lineno, f".{node.func.attr}(…)"))
    return found


def desktop_sources() -> dict[str, str]:
    return {
        path.relative_to(DESKTOP).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(DESKTOP.rglob("*.py"))
    }


def test_the_desktop_imports_only_the_engines_public_api():
    sources = desktop_sources()
    assert "pages/findings.py" in sources and "context.py" in sources
    wrong = {
        name: [
            (line, module)
            for line, module in engine_imports(text)
            if module not in ALLOWED.get(name, ())
        ]
        for name, text in sources.items()
    }
    assert {name: found for name, found in wrong.items() if found} == {}


def test_the_check_finds_an_engine_module_imported_by_a_page():
    page = (DESKTOP / "pages" / "findings.py").read_text(encoding="utf-8")
    assert engine_imports(page) == []
    for line in (
        "from engine.findings import findings_query",
        "import engine.findings",
        "from engine import _HOMES",
        "def f():\n    from engine.rules.catalogue import DISABLED_SETTING",
    ):
        assert engine_imports(page + "\n" + line + "\n"), line


def test_no_sql_anywhere_in_the_desktop():
    found = {name: sql_in(text) for name, text in desktop_sources().items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_sql_check_finds_a_query_and_an_execute():
    assert sql_in("rows = conn.execute(q)\n") == [(1, ".execute(…)")]
    assert sql_in('Q = """\n  SELECT claim_id FROM claims"""\n')
    assert sql_in('note = "Select a row"\n') == []  # English words are not SQL


def positional_rows(source: str) -> list[int]:
    """Lines reading a table row's field by position: ``row[7]``, ``model.row(n)[0]``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Subscript) or not isinstance(node.slice, ast.Constant):
            continue
        if not isinstance(node.slice.value, int):
            continue
        target = node.value
        if isinstance(target, ast.Call):
            target = target.func
        name = getattr(target, "id", None) or getattr(target, "attr", None)
        if name in ("row", "rows", "record", "current"):
            found.append(node.lineno)
    return found


def test_desktop_tables_read_fields_by_name_and_one_module_loads_the_plugins():
    sources = desktop_sources()
    by_position = {name: positional_rows(text) for name, text in sources.items()}
    assert {name: lines for name, lines in by_position.items() if lines} == {}
    assert positional_rows("x = self.model.row(3)[0]\ny = row[7]\n") == [1, 2]
    loaders = [name for name, text in sources.items() if "load_plugins" in text]
    assert loaders == ["context.py"]  # the window's one PluginSet

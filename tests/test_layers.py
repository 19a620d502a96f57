"""The layers hold: the desktop and the CLI reach the engine only through ``engine``'s public
API, and the desktop holds no SQL; no engine module imports a front end, and the engine's
imports have no circle. Read from the sources' syntax trees, so a new page or module is checked
as it is added."""

import ast
import re
from pathlib import Path

import engine

ROOT = Path(__file__).parents[1]
DESKTOP = ROOT / "desktop"
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


CLI = ROOT / "engine" / "cli"
#: What the CLI may import besides ``engine``'s public API: its own modules (``engine.cli.*``,
#: its command groups and what they share), and ``engine.__version__``, which ``engine``
#: defines itself (``yibao --version``) rather than export from a module.
CLI_OWN = ("engine.cli", "engine.__version__")


def cli_sources() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(CLI.glob("*.py"))}


def cli_engine_imports(source: str) -> list[tuple[int, str]]:
    """``engine_imports`` of a CLI module, less the CLI's own modules and ``__version__``."""
    return [
        (line, module)
        for line, module in engine_imports(source)
        if not any(module == own or module.startswith(own + ".") for own in CLI_OWN)
    ]


def test_the_cli_imports_only_the_engines_public_api():
    """The CLI, the engine's other front end, is held to the desktop's rule: everything it
    does goes through ``from engine import …``."""
    sources = cli_sources()
    assert "audit.py" in sources and "common.py" in sources
    found = {name: cli_engine_imports(text) for name, text in sources.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_cli_check_finds_a_planted_engine_import():
    rules = (CLI / "rules.py").read_text(encoding="utf-8")
    assert cli_engine_imports(rules) == []
    for line, module in (
        ("from engine.rules.kit import check", "engine.rules.kit"),
        ("import engine.signing", "engine.signing"),
        ("from engine import audit_log", "engine.audit_log"),  # a module engine does not export
        ("def f():\n    from engine.parameters import overview", "engine.parameters"),
    ):
        planted = rules + "\n" + line + "\n"
        assert [m for _, m in cli_engine_imports(planted)] == [module], line
    own = "from engine.cli.common import emit_json\nfrom engine import __version__, signing\n"
    assert cli_engine_imports(own) == []
    # an exported name taken from the module it lives in, not from engine
    assert cli_engine_imports("from engine.dip import special\n") == [(1, "engine.dip")]


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


# --- the engine's import graph ------------------------------------------------------------
FRONT_ENDS = ("desktop", "PySide6", "shiboken6", "PyQt5", "PyQt6")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path, package: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(at load, ever) edges between the modules of ``package`` under ``root``: what a
    module's imports run (not those under ``if TYPE_CHECKING``), packages included
    (``import a.b.c`` runs ``a.b``). ``at load``: its module-level imports; ``ever``: those
    and the imports inside its functions."""
    paths = {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}

    def home(name: str) -> str | None:  # the module, or the package a name is taken from
        while name and name not in paths:
            name = name.rpartition(".")[0]
        return name or None

    at_load: dict[str, set[str]] = {m: set() for m in paths}
    ever: dict[str, set[str]] = {m: set() for m in paths}
    for module, path in paths.items():
        package_of = module if path.name == "__init__.py" else module.rpartition(".")[0]

        def visit(node: ast.AST, lazy: bool, module=module, package_of=package_of) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                    continue
                if isinstance(child, ast.Import):
                    targets = [a.name for a in child.names]
                elif isinstance(child, ast.ImportFrom):
                    base = child.module or ""
                    if child.level:
                        up = package_of.split(".")[: len(package_of.split(".")) - child.level + 1]
                        base = ".".join([*up, base] if base else up)
                    targets = [f"{base}.{a.name}" for a in child.names]
                else:
                    targets = []
                for target in filter(None, map(home, targets)):
                    parts = target.split(".")
                    for n in range(1, len(parts) + 1):
                        runs = ".".join(parts[:n])
                        if runs in paths and not (module + ".").startswith(runs + "."):
                            ever[module].add(runs)
                            if not lazy:
                                at_load[module].add(runs)
                nested = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                visit(child, lazy or nested)

        visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return at_load, ever


def a_circle(edges: dict[str, set[str]]) -> list[str]:
    """One circle of ``edges`` (its modules, the first again at the end), or []."""
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    path: list[str] = []

    def walk(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state and (found := walk(target)):
                return found
        state[module] = 2
        path.pop()
        return []

    for module in sorted(edges):
        if module not in state and (found := walk(module)):
            return found
    return []


def front_end_imports(root: Path, package: str) -> list[tuple[str, int, str, bool]]:
    """(file, line, module, at load?) of every import of a front end (the desktop, Qt)."""
    found = []
    for path in sorted((root / package).rglob("*.py")):

        def visit(node: ast.AST, lazy: bool, path=path) -> None:
            for child in ast.iter_child_nodes(node):
                names = []
                if isinstance(child, ast.Import):
                    names = [a.name for a in child.names]
                elif isinstance(child, ast.ImportFrom) and not child.level and child.module:
                    names = [child.module]
                for name in names:
                    if name.split(".")[0] in FRONT_ENDS:
                        where = path.relative_to(root).as_posix()
                        found.append((where, child.lineno, name, not lazy))
                nested = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                visit(child, lazy or nested)

        visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def test_no_engine_module_imports_a_front_end():
    """Only the CLI (a front end itself) starts the desktop, and only when asked to: never
    at load, so ``yibao`` runs where PySide6 is missing."""
    found = front_end_imports(ROOT, "engine")
    assert [f for f in found if not f[0].startswith("engine/cli/")] == []
    assert [f for f in found if f[3]] == []
    assert {name for _, _, name, _ in found} <= {"desktop.app", "desktop.options"}


def test_the_engines_import_graph_has_no_circle():
    """Neither at load nor through a function's own import: a lazy import may save the
    cost of loading a module, never hide a circle."""
    at_load, ever = import_graph(ROOT, "engine")
    assert "engine.rules.audit" in at_load["engine.rules"]  # the package's own imports count
    assert "engine.rules" in ever["engine.accountability.ledger"]  # and a function's
    assert a_circle(at_load) == []
    assert a_circle(ever) == []


def test_the_checks_find_a_planted_circle_and_a_front_end(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from pkg.sub.c import C\n")
    (pkg / "sub" / "c.py").write_text("from pkg import a\nC = 1\n")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("def f():\n    from pkg.a import x\n")
    at_load, ever = import_graph(tmp_path, "pkg")
    assert a_circle(at_load) == []  # b imports a only when f runs
    assert a_circle(ever) == ["pkg.a", "pkg.b", "pkg.a"]
    (pkg / "b.py").write_text("import pkg.sub.d\n")  # runs pkg.sub, which imports c, then a
    (pkg / "sub" / "d.py").write_text("")
    at_load, _ = import_graph(tmp_path, "pkg")
    assert a_circle(at_load) == ["pkg.a", "pkg.b", "pkg.sub", "pkg.sub.c", "pkg.a"]
    (pkg / "b.py").write_text("def f():\n    from pkg.sub.d import y\n")  # runs pkg.sub too
    at_load, ever = import_graph(tmp_path, "pkg")
    assert a_circle(at_load) == []
    assert a_circle(ever) == ["pkg.a", "pkg.b", "pkg.sub", "pkg.sub.c", "pkg.a"]
    (pkg / "b.py").write_text("from PySide6.QtCore import QObject\ndef f():\n    import desktop\n")
    assert front_end_imports(tmp_path, "pkg") == [
        ("pkg/b.py", 1, "PySide6.QtCore", True),
        ("pkg/b.py", 3, "desktop", False),
    ]

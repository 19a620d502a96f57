"""Hostile input is a clear error naming the file (and line or rule), with memory bounded:
zip bombs, YAML aliases and nesting, huge conditions, huge CSV cells, NUL characters."""

import sqlite3
import zipfile

import pytest
from openpyxl import Workbook

from engine.errors import UserError
from engine.ingest import import_package, readers
from engine.rules import expr
from engine.rules.ruleset import RuleFileError, load_file
from engine.workspace import Workspace


def _import(tmp_path, package):
    ws = Workspace.open(tmp_path / "w.yibao")
    try:
        with pytest.raises(UserError) as caught:
            import_package(ws, package)
        assert ws.count("claims") == 0 and ws.count("lines") == 0
    finally:
        ws.close()
    return str(caught.value)


def _lines_as_xlsx(package, extra_part=None):
    """lines.csv rewritten as lines.xlsx, with ``extra_part`` (name, bytes) added."""
    csv_path = package / "lines.csv"
    book = Workbook()
    for row in csv_path.read_text(encoding="utf-8").splitlines():
        book.active.append(row.split(","))
    path = package / "lines.xlsx"
    book.save(path)
    csv_path.unlink()
    if extra_part:
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(*extra_part)
    return path


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, package):
    _lines_as_xlsx(package, ("xl/media/padding.bin", b"\0" * (40 << 20)))
    message = _import(tmp_path, package)
    assert "lines.xlsx" in message and "zip bomb" in message


def test_an_xlsx_unpacking_beyond_the_limit_is_refused(tmp_path, package, monkeypatch):
    _lines_as_xlsx(package)
    monkeypatch.setattr(readers, "XLSX_MAX_BYTES", 10_000)
    message = _import(tmp_path, package)
    assert "lines.xlsx" in message and "more than 10,000" in message


def test_a_quoted_csv_cell_over_the_limit_names_file_and_line(tmp_path, package):
    lines = package / "lines.csv"
    text = lines.read_text(encoding="utf-8").splitlines()
    fields = text[2].split(",")
    fields[3] = '"' + "很长" * 70_000 + '"'  # 140,000 characters, quoted
    text[2] = ",".join(fields)
    lines.write_text("\n".join(text) + "\n", encoding="utf-8")
    message = _import(tmp_path, package)
    assert "lines.csv:3" in message and "field larger than field limit" in message


def test_a_nul_in_an_id_is_refused_naming_the_line(tmp_path, package):
    lines = package / "lines.csv"
    text = lines.read_text(encoding="utf-8").splitlines()
    text[4] = "S\0" + text[4]  # the claim id of the fifth line
    lines.write_text("\n".join(text) + "\n", encoding="utf-8")
    message = _import(tmp_path, package)
    assert "lines.csv" in message and "line 5" in message and "NUL" in message


RULES = """
id: t
version: "1"
title: t
rules:
  - id: r1
    code: T1
    severity: violation
    scope: line
    when: {when}
    message: m
"""


def test_yaml_aliases_are_refused(tmp_path):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    path = tmp_path / "laughs.yaml"
    path.write_text(laughs, encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"aliases \(\*name\) are not allowed"):
        load_file(path, "test")


def test_deep_yaml_nesting_is_refused(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="nested more than"):
        load_file(path, "test")


def test_a_condition_with_thousands_of_terms_is_a_clear_error(tmp_path):
    codes = ", ".join(f"'C{i}'" for i in range(5000))
    path = tmp_path / "wide.yaml"
    path.write_text(RULES.format(when=f'"item_code in ({codes})"'), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"rule r1: when: .*5,000 comparisons"):
        load_file(path, "test")


def test_the_largest_condition_allowed_runs_in_sqlite():
    cond = expr.parse_condition(
        " or ".join(f"item_code == 'C{i}'" for i in range(expr.MAX_COMPARISONS))
    )
    sql = expr.to_sql(cond, {}, {"item_code"})
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE f (item_code TEXT)")
    conn.execute("INSERT INTO f VALUES ('C999'), ('X')")
    assert conn.execute(f"SELECT item_code FROM f WHERE {sql}").fetchall() == [("C999",)]
    deep = expr.any_sql([cond, cond], {}, {"item_code"}, frozenset())
    assert conn.execute(f"SELECT count(*) FROM f WHERE {deep}").fetchone()[0] == 1


def test_a_deeply_nested_condition_is_a_clear_error():
    with pytest.raises(expr.ExprError):
        expr.parse_condition("not " * 50_000 + "is_refund")

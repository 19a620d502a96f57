"""Import: encodings, header languages, rejections, --replace, round trip, migration, a kill."""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from engine import contract, models
from engine.errors import ImportRejected, UserError
from engine.ingest import export_package, import_package
from engine.plugins import load_plugins
from engine.rules import run_audit
from engine.workspace import Workspace


def _rows(conn, table):
    return sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def _to_chinese_gbk(path: Path, table) -> None:
    labels = {c.name: c.label.split("/")[0] for c in table.columns}
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[0] = [labels.get(h, h) for h in rows[0]]
    with open(path, "w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_gbk_with_chinese_headers_imports_the_same_rows(tmp_path, package):
    a = Workspace.open(tmp_path / "a.yibao")
    import_package(a, package)
    _to_chinese_gbk(package / "claims.csv", contract.CLAIMS)
    _to_chinese_gbk(package / "lines.csv", contract.LINES)
    _to_chinese_gbk(package / "reference" / "catalogue.csv", contract.ITEM_CATALOGUE)
    b = Workspace.open(tmp_path / "b.yibao")
    result = import_package(b, package)
    assert result.encodings["claims.csv"] == "gbk"
    for table in ("claims", "lines", "catalogue", "claim_codes"):
        assert _rows(a.conn, table) == _rows(b.conn, table)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_other_encodings(tmp_path, package, encoding):
    path = package / "lines.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    ws = Workspace.open(tmp_path / "w.yibao")
    result = import_package(ws, package)
    assert result.lines == 133
    assert result.encodings["lines.csv"] == ("gbk" if encoding == "gb18030" else encoding)


def test_xlsx_table(tmp_path, package):
    src = package / "lines.csv"
    book = openpyxl.Workbook()
    sheet = book.active
    with open(src, encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    book.save(package / "lines.xlsx")
    src.unlink()
    ws = Workspace.open(tmp_path / "w.yibao")
    assert import_package(ws, package).lines == 133


def test_typed_xlsx_cells_read_as_a_person_sees_them(tmp_path, package):
    """Spreadsheet numbers are binary floats and times are fractions of a day."""
    (package / "lines.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([c.name for c in contract.LINES.columns])
    charged = datetime(2025, 1, 6, 9, 0, 59, 996000)  # 09:01 as Excel may store it
    row = ["S-OK", 1, "003101000300030", "诊查费", charged, None, 3.0, 0.1 + 0.2, 0.9]
    sheet.append(row + [None] * 4)
    book.save(package / "lines.xlsx")
    ws = Workspace.open(tmp_path / "w.yibao")
    import_package(ws, package)
    assert ws.conn.execute(
        "SELECT charge_time, quantity, unit_price, amount FROM lines"
    ).fetchall() == [("2025-01-06 09:01:00", 30000, 3000, 9000)]


def test_bad_date_and_duplicate_claim_rejected_and_nothing_written(tmp_path, package):
    ws = Workspace.open(tmp_path / "w.yibao")
    text = (package / "claims.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[1] = lines[1].replace("2025-01-06,,J06", "2025-13-45,,J06")
    lines.append(lines[2])  # S-CHILD again
    (package / "claims.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_package(ws, package)
    messages = "\n".join(info.value.errors)
    assert "claims.csv:2:admission_date:" in messages
    assert "claims.csv:10:claim_id: duplicate claim id 'S-CHILD'" in messages
    assert ws.count("claims") == 0 and ws.count("lines") == 0 and ws.count("catalogue") == 0


def test_error_classes_are_named(tmp_path, package):
    ws = Workspace.open(tmp_path / "w.yibao")
    with open(package / "lines.csv", "a", encoding="utf-8") as handle:
        handle.write("S-NOPE,1,003101000300030,x,2025-01-06 09:01,,1,10,10,,,,\n")
        handle.write("S-OK,1,003101000300030,x,2025-01-06 09:01,,1,10,10,,,,\n")
        handle.write("S-OK,9,003101000300030,x,2025-01-06 09:01,,abc,10,10,,,,\n")
        handle.write("S-OK,10,,x,2025-01-06 09:01,,1,10,10,,,,\n")
    with open(package / "claims.csv", "a", encoding="utf-8") as handle:
        handle.write(
            "S-X,P1,1,1980-01-01,employee,outpatient,H999,IM,D,2025-01-01,,J06.900,,,,,1,1,0,,\n"
        )
    with pytest.raises(ImportRejected) as info:
        import_package(ws, package)
    text = "\n".join(info.value.errors)
    assert "unknown claim 'S-NOPE'" in text
    assert "duplicate line 1 of claim 'S-OK'" in text
    assert "lines.csv:137:quantity: not a decimal number" in text
    assert "lines.csv:138:item_code: required value is empty" in text
    assert "unknown institution 'H999'" in text
    assert ws.count("claims") == 0


def test_existing_claims_need_replace(tmp_path, package):
    ws = Workspace.open(tmp_path / "w.yibao")
    import_package(ws, package)
    with pytest.raises(ImportRejected, match="already in the workspace"):
        import_package(ws, package)
    text = (
        (package / "lines.csv")
        .read_text(encoding="utf-8")
        .replace(
            "S-OK,1,003101000300030,门诊诊查费,2025-01-06 09:01,,1,10.0,10.0",
            "S-OK,1,003101000300030,门诊诊查费,2025-01-06 09:01,,2,10.0,20.0",
        )
    )
    (package / "lines.csv").write_text(text, encoding="utf-8")
    import_package(ws, package, replace=True)
    assert ws.count("claims") == 8
    qty = ws.conn.execute(
        "SELECT quantity FROM lines WHERE claim_id='S-OK' AND line_no=1"
    ).fetchone()[0]
    assert qty == 20000


def test_round_trip(tmp_path, package):
    a = Workspace.open(tmp_path / "a.yibao")
    import_package(a, package)
    export_package(a, tmp_path / "out")
    b = Workspace.open(tmp_path / "b.yibao")
    import_package(b, tmp_path / "out")
    for table in [t.name for t in contract.ALL_TABLES] + ["claim_codes", "dip_params"]:
        strip = (
            (lambda rows: [r[1:] for r in rows])
            if table in ("procurement", "procurement_volumes", "item_pairs", "code_limits")
            else (lambda rows: rows)
        )
        assert sorted(strip(_rows(a.conn, table)), key=repr) == sorted(
            strip(_rows(b.conn, table)), key=repr
        ), table


def test_migration_from_version_1(tmp_path):
    path = tmp_path / "old.yibao"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE dip_groups (group_code VARCHAR PRIMARY KEY, group_type VARCHAR NOT NULL,"
        " diagnosis VARCHAR NOT NULL, main_procedure VARCHAR, related_procedures VARCHAR,"
        " treatment VARCHAR, rw INTEGER NOT NULL, avg_cost INTEGER NOT NULL, avg_los INTEGER,"
        " extra VARCHAR);"
        "INSERT INTO dip_groups VALUES ('K80.1-CONS','core','K80.1',NULL,NULL,NULL,2800000,56000000,50000,NULL);"
        "PRAGMA user_version=1;"
    )
    conn.close()
    ws = Workspace.open(path)
    assert ws.schema_version() == models.SCHEMA_VERSION
    assert ws.conn.execute("SELECT source, group_code FROM dip_groups").fetchall() == [
        ("official", "K80.1-CONS")
    ]
    assert ws.count("claims") == 0


def test_newer_workspace_is_refused(tmp_path):
    path = tmp_path / "new.yibao"
    sqlite3.connect(path).execute("PRAGMA user_version=99").connection.close()
    with pytest.raises(UserError, match="newer yibao"):
        Workspace.open(path)


def test_cli_exit_codes(tmp_path, package):
    yibao = [sys.executable, "-m", "engine.cli"]
    ok = subprocess.run(
        yibao + ["import", str(package), "-w", str(tmp_path / "w.yibao"), "--json"],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and '"claims": 8' in ok.stdout
    again = subprocess.run(
        yibao + ["import", str(package), "-w", str(tmp_path / "w.yibao")],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 2 and "Traceback" not in again.stderr
    assert "claims.csv:2:claim_id" in again.stderr


#: The child imports with a progress callback that, once lines are written inside the import's
#: transaction, leaves a marker and waits to be killed: the kill always lands mid-import.
KILLED_CHILD = """
import sys, time
from pathlib import Path
from engine.ingest import import_package
from engine.workspace import Workspace

package, ws_path, marker = sys.argv[1:]

def progress(stage, done, total):
    if stage == "lines" and done and not total:
        Path(marker).write_text(ws.conn.execute("PRAGMA main.journal_mode").fetchone()[0])
        time.sleep(600)

with Workspace.open(ws_path) as ws:
    ws.conn.execute("PRAGMA cache_size=20")  # pages reach the file long before the commit
    import_package(ws, package, progress=progress)
"""


def test_kill_during_import_leaves_workspace_unchanged(tmp_path, package, monkeypatch):
    from engine.demo.generator import write_package

    ws_path = tmp_path / "w.yibao"
    ws = Workspace.open(ws_path)
    import_package(ws, package)
    before = {t: ws.count(t) for t in ("claims", "lines", "log")}
    ws.close()
    write_package(tmp_path / "big", 3, 60_000)
    marker = tmp_path / "lines-written"
    monkeypatch.setenv("YIBAO_IMPORT_WORKER", "1")  # its worker processes must end with it
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_CHILD, str(tmp_path / "big"), str(ws_path), str(marker)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 120
        while not marker.exists() and proc.poll() is None and time.time() < deadline:
            time.sleep(0.02)
        assert marker.exists(), proc.stderr.read().decode() if proc.poll() is not None else ""
        assert proc.poll() is None  # still importing
        # alone on the file, the import writes it directly, with a rollback journal
        # (Workspace.bulk_journal): the kill must be undone from that journal
        deadline = time.time() + 10
        while not marker.read_text() and time.time() < deadline:
            time.sleep(0.02)
        assert marker.read_text() == "delete"
        probe = sqlite3.connect(ws_path, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            probe.execute("BEGIN IMMEDIATE")  # the child holds the import's write transaction
        probe.close()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    ws = Workspace.open(ws_path)
    assert {t: ws.count(t) for t in before} == before
    assert ws.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # and its worker processes (forked, so with the same command line) end with it
    deadline = time.time() + 10
    while _processes_running(str(ws_path)) and time.time() < deadline:
        time.sleep(0.1)
    assert not _processes_running(str(ws_path))


def _processes_running(text: str) -> list[int]:
    """Processes whose command line holds ``text`` (Linux; elsewhere none are seen)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if text.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_describe_package_before_import(package):
    from engine.ingest.inspect import describe_package

    _to_chinese_gbk(package / "claims.csv", contract.CLAIMS)
    (package / "reference" / "procurement.csv").unlink()
    described = {e["table"]: e for e in describe_package(package)}
    claims = described["claims"]
    assert claims["encoding"] == "gbk" and claims["mapping"]["结算ID"] == "claim_id"
    assert claims["missing"] == [] and claims["error"] is None
    assert described["lines"]["encoding"] == "utf-8"
    assert described["procurement"]["file"] is None and described["procurement"]["error"] is None


def test_describe_package_says_a_whole_file_problem_once(package):
    from engine.ingest.inspect import describe_package

    (package / "lines.csv").write_text("claim_id\tline_no\n", encoding="utf-8")
    (package / "reference" / "catalogue.csv").write_text("")
    (package / "claims.csv").rename(package / "claims.xlsx")  # a CSV text named .xlsx
    described = {e["table"]: e for e in describe_package(package)}
    assert described["lines"]["error"] == (
        "lines.csv：只读出 1 列；文件是否用制表符分隔？ | "
        "lines.csv: 1 column read; is it separated by tabs?"
    )
    assert described["catalogue"]["error"].endswith("| reference/catalogue.csv is empty")
    assert "not a readable .xlsx workbook" in described["claims"]["error"]
    (package / "claims.xlsx").unlink()
    assert describe_package(package)[0]["error"].endswith("claims.csv: required file is missing")


def test_memoized_converters_keep_raising_on_bad_text():
    from engine import contract
    from engine.ingest.convert import converter_for

    quantity = converter_for(contract.LINES.columns[contract.LINES.column_names.index("quantity")])
    assert quantity("1.5") == quantity(" 1.5 ") == 15000
    for _ in range(2):
        with pytest.raises(ValueError, match="not a decimal"):
            quantity("1,5")


@pytest.mark.parametrize(
    "line, message",
    [
        # too big for SQLite's 64-bit integers: stored, they would crash the writer or a sum
        ("S-OK,90,X,x,2025-01-06 09:01,,1,10,9999999999999999999999,,,,", "out of range"),
        ("S-OK,90,X,x,2025-01-06 09:01,,1,10,10,99999999999999999999,,,", "out of range"),
        ("S-OK,90,X,x,2025-01-06 09:01,,1,10,10,1_000,,,", "not a whole number: '1_000'"),
        ("S-OK,90,X,x,2025-01-06 09:01,,²,10,10,,,,", "not a decimal number: '²'"),
    ],
)
@pytest.mark.parametrize("path", ["columns", "rows"])
def test_numbers_that_cannot_be_stored_are_named(tmp_path, package, row_path, line, message, path):
    if path == "rows":
        row_path()
    with open(package / "lines.csv", "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    ws = Workspace.open(tmp_path / "w.yibao")
    with pytest.raises(ImportRejected) as info:
        import_package(ws, package)
    assert "lines.csv:135:" in info.value.errors[0] and message in info.value.errors[0]
    assert ws.count("claims") == ws.count("lines") == 0


def test_the_largest_storable_numbers_import_and_audit(tmp_path, package):
    """Values just under the limits are stored exactly and summed without overflow."""
    with open(package / "lines.csv", "a", encoding="utf-8") as handle:
        for no in (90, 91):
            handle.write(
                f"S-OK,{no},X,x,2025-01-06 09:01,,1,999999999999.9999,999999999999.9999,"
                "999999999999999,,,\n"
            )
    ws = Workspace.open(tmp_path / "w.yibao")
    import_package(ws, package)
    assert ws.conn.execute("SELECT sum(amount) FROM lines WHERE line_no >= 90").fetchone() == (
        2 * 9999999999999999,
    )
    run_audit(ws, plugins=load_plugins())


def test_a_workspace_another_process_is_writing_is_reported_as_busy(tmp_path, package):
    ws = Workspace.open(tmp_path / "w.yibao")
    other = sqlite3.connect(tmp_path / "w.yibao", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ws.conn.execute("PRAGMA busy_timeout=100")
    with pytest.raises(UserError, match="is in use"):
        import_package(ws, package)
    other.execute("ROLLBACK")
    import_package(ws, package)
    assert ws.count("claims") == 8

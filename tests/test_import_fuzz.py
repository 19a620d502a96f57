"""Seeded mutations of the sample's claims and lines: the column path, with and without worker
processes, must end exactly as the row path does, storing the same rows or naming the same
errors, and a rejected package must leave the workspace as it was.

This found a crash on a line of an unknown claim in a worker segment, and on numbers too
large for SQLite."""

import csv
import io
import random
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from engine.errors import ImportRejected
from engine.ingest import bulk, import_package, parsing, staged
from engine.workspace import Workspace

SAMPLE = Path(__file__).parent / "data" / "sample"

CELLS = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1e400",
    "NaN",
    "inf",
    "-0",
    "0.00001",
    "12.345678",
    "2025-02-30",
    "2025-1-1",
    "2025/01/06",
    "20250106",
    " 1",
    "1.",
    ".5",
    "+1",
    "1,5",
    "１２",
    "99999999999999999999999",
    "2025-01-06 25:00",
    "2025-01-06T09:01",
    "S-OK",
    "S-NONE",
    "H001",
    "H999",
    "中文",
    "1_000",
    "²",
    "3",
    "9",
    "00012",
    "2025-01-06 9:01",
    "职工",
    "职工基本医疗保险",
    "住院",
    "门特",
    "男",
    "未知",
    "是",
    "否",
    "商业保险",
    "a\tb",
    "1;2",
    "3.101E+12",
]
TABLES = ("claims", "lines", "claim_codes")
MUTATIONS = 40


def _mutate(package, rnd: random.Random) -> None:
    path = package / rnd.choice(["claims.csv", "lines.csv", "lines.csv"])
    text = path.read_text(encoding="utf-8")
    if rnd.random() < 0.1:  # a whole-file problem: empty, or another separator
        path.write_text(rnd.choice(["", "\n", text.replace(",", rnd.choice("\t;"))]))
        return
    rows = list(csv.reader(io.StringIO(text)))
    for _ in range(rnd.choice([1, 1, 2, 3])):
        row, column = rnd.randrange(1, len(rows)), rnd.randrange(len(rows[0]))
        if rnd.random() < 0.85:
            rows[row][column] = rnd.choice(CELLS)
        else:
            rows.append(list(rows[row]))  # a duplicate key
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _rows(ws):
    return {t: sorted(ws.conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def _outcome(ws_path, package, preload: bool):
    with Workspace.open(ws_path) as ws:
        if preload:
            import_package(ws, SAMPLE)
        before = _rows(ws)
        try:
            import_package(ws, package, replace=preload)
        except ImportRejected as exc:
            assert _rows(ws) == before, "a rejected package changed the workspace"
            return "rejected", exc.errors
        return "stored", _rows(ws)


@pytest.mark.parametrize("seed", range(MUTATIONS))
def test_the_paths_agree_on_a_mutated_package(tmp_path, package, monkeypatch, row_path, seed):
    rnd = random.Random(seed)
    _mutate(package, rnd)
    preload = rnd.random() < 0.3  # a --replace over the original claims
    monkeypatch.setattr(parsing, "BATCH", 3)
    monkeypatch.setattr(staged, "SEGMENT_BYTES", 560)
    monkeypatch.setattr(staged, "CLAIM_SPAN_BYTES", 250)
    outcomes = {}
    for path in ("columns", "workers"):
        monkeypatch.setenv(bulk.WORKER_VAR, "1" if path == "workers" else "0")
        outcomes[path] = _outcome(tmp_path / f"{path}.yibao", package, preload)
    row_path()
    expected = _outcome(tmp_path / "rows.yibao", package, preload)
    assert outcomes["columns"] == expected
    assert outcomes["workers"] == expected


def _workbook(path, rows) -> None:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def _not_a_zip(package):
    (package / "claims.csv").rename(package / "claims.xlsx")


def _cut_sheet(package):
    """A workbook whose sheet's XML ends half-way, after some rows read well."""
    text = (package / "lines.csv").read_text(encoding="utf-8")
    _workbook(package / "whole.xlsx", list(csv.reader(io.StringIO(text))))
    (package / "lines.csv").unlink()
    with (
        zipfile.ZipFile(package / "whole.xlsx") as whole,
        zipfile.ZipFile(package / "lines.xlsx", "w") as cut,
    ):
        for item in whole.infolist():
            data = whole.read(item.filename)
            cut.writestr(item, data[: len(data) // 2] if "sheet1" in item.filename else data)
    (package / "whole.xlsx").unlink()


def _utf16(package):
    path = package / "claims.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def _folder_named_like_the_file(package):
    (package / "lines.csv").unlink()
    (package / "lines.csv").mkdir()


def _deeply_nested_params(package):
    (package / "reference" / "dip_params.json").write_text("[" * 100_000)


@pytest.mark.parametrize(
    "damage, message",
    [
        (_not_a_zip, "claims.xlsx: cannot read the file: not a readable .xlsx workbook"),
        (_cut_sheet, "lines.xlsx: cannot read the file: the workbook is damaged"),
        (_utf16, "claims.csv: not text in UTF-8, GBK or GB18030 (byte 0)"),
        (_folder_named_like_the_file, "lines.csv: required file is missing"),
        (_deeply_nested_params, "reference/dip_params.json: maximum recursion depth"),
    ],
)
def test_a_damaged_file_is_one_named_error_not_a_traceback(
    tmp_path, package, row_path, damage, message
):
    damage(package)
    outcomes = [_outcome(tmp_path / "columns.yibao", package, preload=False)]
    row_path()
    outcomes.append(_outcome(tmp_path / "rows.yibao", package, preload=False))
    for outcome, errors in outcomes:
        assert outcome == "rejected" and len(errors) == 1
        assert errors[0].startswith(message)


BYTES = [
    b'"',
    b"\x00",
    b"\r",
    b"\n",
    b",",
    b"\t",
    b";",
    b"\xff",
    b"\xe4\xb8",
    b" ",
    b"\xef\xbb\xbf",
]


def _mutate_bytes(package, rnd: random.Random) -> None:
    """Bytes inserted, replaced or cut anywhere, quotes and line ends included."""
    path = package / rnd.choice(["claims.csv", "lines.csv"])
    data = bytearray(path.read_bytes())
    for _ in range(rnd.choice([1, 2, 5])):
        at = rnd.randrange(len(data))
        choice = rnd.random()
        if choice < 0.5:
            data[at:at] = rnd.choice(BYTES)
        elif choice < 0.8:
            data[at : at + 1] = rnd.choice(BYTES)
        else:
            del data[at : at + rnd.randrange(1, 40)]
    path.write_bytes(bytes(data))


def _ending(ws_path, package):
    """What an import ends in: stored rows, or the problems; anything else fails the test."""
    with Workspace.open(ws_path) as ws:
        try:
            import_package(ws, package)
        except ImportRejected as exc:
            assert ws.count("claims") == ws.count("lines") == 0
            return "rejected", exc.errors
        return "stored", _rows(ws)


@pytest.mark.parametrize("seed", range(24))
def test_damaged_bytes_end_alike_on_both_paths_never_in_a_traceback(
    tmp_path, package, monkeypatch, row_path, seed
):
    _mutate_bytes(package, random.Random(seed))
    monkeypatch.setattr(parsing, "BATCH", 3)
    monkeypatch.setattr(staged, "SEGMENT_BYTES", 560)
    monkeypatch.setattr(staged, "CLAIM_SPAN_BYTES", 250)
    endings = []
    for workers in ("0", "1"):
        monkeypatch.setenv(bulk.WORKER_VAR, workers)
        endings.append(_ending(tmp_path / f"columns{workers}.yibao", package))
    row_path()
    rows = _ending(tmp_path / "rows.yibao", package)
    assert endings == [rows, rows]


TYPED = [None, 0, 1, -1, 3.0, 0.1 + 0.2, 1e300, 3101000300030, True, False, "", " ", "=1/0", "#N/A"]
TYPED += [datetime(2025, 1, 6, 9, 1), datetime(2025, 1, 6), date(2025, 1, 6), time(9, 1)]


@pytest.mark.parametrize("seed", range(12))
def test_typed_spreadsheet_cells_end_alike_on_both_paths(tmp_path, package, row_path, seed):
    """An .xlsx whose cells hold numbers, dates, times and booleans where text belongs."""
    rnd = random.Random(seed)
    name = rnd.choice(["claims", "lines"])
    rows = list(csv.reader(io.StringIO((package / f"{name}.csv").read_text(encoding="utf-8"))))
    for _ in range(rnd.choice([1, 3, 8])):
        rows[rnd.randrange(1, len(rows))][rnd.randrange(len(rows[0]))] = rnd.choice(TYPED)
    (package / f"{name}.csv").unlink()
    _workbook(package / f"{name}.xlsx", rows)
    columns = _ending(tmp_path / "columns.yibao", package)
    row_path()
    assert columns == _ending(tmp_path / "rows.yibao", package)

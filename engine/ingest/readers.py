"""Finding and reading one table of a data package: CSV in UTF-8/GBK/GB18030, or XLSX."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from engine.contract import Table


@dataclass
class TableSource:
    path: Path
    encoding: str  # "utf-8", "utf-8-sig", "gbk", "gb18030" or "xlsx"
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number in the file, cells)


def find_file(package: Path, table: Table) -> Path | None:
    folder = package / table.folder if table.folder else package
    for suffix in (".csv", ".xlsx"):
        candidate = folder / f"{table.name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; otherwise GBK, or its superset GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gbk")
        return "gbk"
    except UnicodeDecodeError:
        data.decode("gb18030")  # raises for text in no supported encoding
        return "gb18030"


def open_table(path: Path) -> TableSource:
    if path.suffix.lower() == ".xlsx":
        return _open_xlsx(path)
    data = path.read_bytes()
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    del data
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])

    def rows() -> Iterator[tuple[int, list[str]]]:
        for cells in reader:
            if cells:
                yield reader.line_num, cells

    return TableSource(path, encoding, [h.strip() for h in header], rows())


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _open_xlsx(path: Path) -> TableSource:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header = [_cell_text(v).strip() for v in next(iterator, ())]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, values in enumerate(iterator, start=2):
            cells = [_cell_text(v) for v in values]
            if any(cells):
                yield number, cells
        workbook.close()

    return TableSource(path, "xlsx", header, rows())

"""Finding and reading one table of a data package: CSV in UTF-8/GBK/GB18030, or XLSX."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import TypeVar

from engine.contract import Table
from engine.errors import UserError

T = TypeVar("T")


@dataclass
class TableSource:
    """One table's header and rows; read either ``rows`` or ``column_batches``, once."""

    path: Path
    encoding: str  # "utf-8", "utf-8-sig", "gbk", "gb18030" or "xlsx"
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number in the file, cells)
    plain_lines: list[str] | None = None  # the data lines of a CSV text without quotes

    def column_batches(self, size: int) -> Iterator[list[Sequence[str]]]:
        """The cells of ``size`` rows at a time as columns, each row cut or padded with ""
        to the header's width."""
        width = len(self.header)
        if self.plain_lines is not None:
            for batch in plain_batches(self.plain_lines, size):
                yield plain_columns(batch, width)
            return
        cells = (c for _, c in self.rows)
        while batch := list(islice(cells, size)):
            yield _columns(batch, width)


def _columns(rows: list[list[str]], width: int) -> list[Sequence[str]]:
    if min(map(len, rows)) < width:
        rows = [r + [""] * (width - len(r)) for r in rows]
    return list(zip(*rows, strict=False))[:width]  # cells past the header are dropped


#: Joins a batch's lines: its cells then sit at every (width + 1)-th place after each line,
#: which proves every line has the header's width. NUL never occurs in a plain text.
_LINE_END = ",\x00,"


def plain_batches(lines: list[str], size: int) -> Iterator[list[str]]:
    """The non-blank lines, ``size`` at a time (a blank line is not a row)."""
    for start in range(0, len(lines), size):
        batch = lines[start : start + size]
        if "" in batch:
            batch = [line for line in batch if line]
        if batch:
            yield batch


def plain_columns(batch: list[str], width: int) -> list[Sequence[str]]:
    """Split a batch of lines in one call: with the lines joined by ``_LINE_END``, column j
    is every (width + 1)-th cell from j."""
    cells = _LINE_END.join(batch).split(",")
    step = width + 1
    if len(cells) == len(batch) * step - 1 and cells[width::step].count("\x00") == len(batch) - 1:
        return [cells[j::step] for j in range(width)]
    return _columns([line.split(",") for line in batch], width)


def find_file(package: Path, table: Table) -> Path | None:
    folder = package / table.folder if table.folder else package
    for suffix in (".csv", ".xlsx"):
        candidate = folder / f"{table.name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def decode(data: bytes) -> tuple[str, str]:
    """(encoding, text): UTF-8 (with or without BOM) first; otherwise GBK, or its superset
    GB18030."""
    return _first_reading(data, lambda encoding, begin: str(memoryview(data)[begin:], encoding))


def _first_reading(data: bytes, read: Callable[[str, int], T]) -> tuple[str, T]:
    """(encoding, ``read(codec, first byte)``) for the first encoding ``read`` does not raise
    UnicodeDecodeError for, in ``decode``'s order; the last one's error is raised."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", read("utf-8", len(codecs.BOM_UTF8))
    for encoding in ("utf-8", "gbk"):
        try:
            return encoding, read(encoding, 0)
        except UnicodeDecodeError:
            pass
    return "gb18030", read("gb18030", 0)  # raises for text in no supported encoding


def open_table(path: Path) -> TableSource:
    if path.suffix.lower() == ".xlsx":
        return _open_xlsx(path)
    data = path.read_bytes()
    plain = _plain_lines(data)
    if plain is None:
        encoding, text = decode(data)
        _refuse_nul(data)  # after decoding, which names a UTF-16 file as such
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(_csv_rows(reader, path), [])
        rows = ((reader.line_num, cells) for cells in _csv_rows(reader, path) if cells)
    else:
        encoding, plain = plain
        header = plain[0].split(",") if plain[0] else []
        del plain[0]
        rows = ((n, line.split(",")) for n, line in enumerate(plain, start=2) if line)
    return TableSource(path, encoding, [h.strip() for h in header], rows, plain)


def _refuse_nul(data: bytes) -> None:
    """A NUL is never data (an id with one broke the audit later): refuse the file, saying
    where."""
    at = data.find(b"\x00")
    if at >= 0:
        line = data.count(b"\n", 0, at) + 1
        raise ValueError(f"line {line}: a NUL character (\\0), which is never data; remove it")


def _csv_rows(reader, path: Path) -> Iterator[list[str]]:
    """The rows of ``reader``; a quoted cell over ``csv.field_size_limit()`` characters
    (131,072) is an error naming the file and line, not a traceback."""
    try:
        yield from reader
    except csv.Error as exc:
        raise UserError(f"{path.name}:{reader.line_num}: {exc}") from None


def _plain_lines(data: bytes) -> tuple[str, list[str]] | None:
    """(encoding, lines) of a CSV text without quotes, which ``csv`` would split at commas
    and nothing else; None when it has quotes, a NUL or a CR without its LF. The bytes tell:
    in UTF-8, GBK and GB18030 these ASCII bytes are never part of another character."""
    if b'"' in data or b"\x00" in data:
        return None
    crlf = b"\r" in data
    if crlf and data.count(b"\r") != data.count(b"\r\n"):
        return None
    return _first_reading(data, lambda encoding, begin: _split_lines(data, begin, encoding, crlf))


#: Bytes decoded at a time. A table's text takes two to four times its bytes, and its list of
#: lines as much again; decoding a piece at a time never holds the whole text besides.
PIECE = 1 << 23


def _split_lines(data: bytes, begin: int, encoding: str, crlf: bool) -> list[str]:
    """``data[begin:]`` decoded and split at LF (CRLF too when ``crlf``), a piece at a time;
    each piece ends with a LF, which no character of these encodings contains."""
    view, lines, start = memoryview(data), [], begin
    while True:
        cut = data.find(b"\n", start + PIECE)
        end = len(data) if cut < 0 else cut + 1
        try:
            text = str(view[start:end], encoding)
        except UnicodeDecodeError as exc:  # placed in the whole file, as decoding it would
            raise UnicodeDecodeError(
                exc.encoding, data, start + exc.start, start + exc.end, exc.reason
            ) from None
        part = (text.replace("\r\n", "\n") if crlf else text).split("\n")
        if end < len(data):
            part.pop()  # the empty text after the piece's final LF
        lines += part
        if end == len(data):
            return lines
        start = end


class NumberCell(str):
    """The text of a spreadsheet cell that holds a number or a date, not text (a code column
    refuses it: the spreadsheet has already dropped the code's leading zeros, or read it as
    a date)."""


def _cell_text(value) -> str:
    """A typed spreadsheet cell as the text a person sees in it: numbers to Excel's 15
    significant digits (a formula's 0.1+0.2 is 0.3, not 0.30000000000000004), times to the
    second (a time typed as 09:01 may be stored as 09:00:59.996)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return NumberCell(format(Decimal(format(value, ".15g")).normalize(), "f"))
    if isinstance(value, int):
        return NumberCell(value)
    if isinstance(value, datetime):
        value = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
        if value.hour == value.minute == value.second == 0:
            return NumberCell(value.date().isoformat())
        return NumberCell(value.isoformat(sep=" "))
    if isinstance(value, date):
        return NumberCell(value.isoformat())
    return str(value)


class UnreadableTable(ValueError):
    """A file that is not a table this reader can read (a damaged or foreign workbook)."""


#: What an .xlsx may unpack to: all its parts together, and one part packed more than
#: ``XLSX_MAX_RATIO`` times (a "zip bomb": a 1 MB file reached 3.2 GB of memory).
XLSX_MAX_BYTES = 1 << 30
XLSX_MAX_RATIO = 200
XLSX_RATIO_FROM = 16 << 20  # parts smaller than this may compress as well as they like
XLSX_MAX_COLUMNS = 1000


def _check_xlsx(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableTable(f"not a readable .xlsx workbook ({exc})") from None
    total = sum(p.file_size for p in parts)
    if total > XLSX_MAX_BYTES:
        raise UnreadableTable(
            f"unpacks to {total:,} bytes, more than {XLSX_MAX_BYTES:,}; save it as CSV instead"
        )
    for part in parts:
        if part.file_size > XLSX_RATIO_FROM and part.file_size > XLSX_MAX_RATIO * max(
            part.compress_size, 1
        ):
            raise UnreadableTable(
                f"part {part.filename} unpacks {part.file_size // max(part.compress_size, 1):,}"
                f" times its size (at most {XLSX_MAX_RATIO}); refused as a zip bomb"
            )


def _open_xlsx(path: Path) -> TableSource:
    from openpyxl import load_workbook

    _check_xlsx(path)
    try:  # a damaged workbook fails in zipfile, XML or openpyxl, each its own way
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # its stated size is not believed: rows are not padded to it
        first = next(sheet.iter_rows(max_row=1, max_col=XLSX_MAX_COLUMNS, values_only=True), ())
        header = [_cell_text(v).strip() for v in first]
        while header and not header[-1]:
            header.pop()  # the padding up to XLSX_MAX_COLUMNS
        iterator = sheet.iter_rows(min_row=2, max_col=max(len(header), 1), values_only=True)
    except Exception as exc:  # noqa: BLE001
        raise UnreadableTable(f"not a readable .xlsx workbook ({exc})") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(iterator, start=2):
                cells = [_cell_text(v) for v in values]
                if any(cells):
                    if any("\x00" in c for c in cells):
                        raise UserError(f"{path.name}:{number}: a NUL character (\\0) in a cell")
                    yield number, cells
        except UserError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise UnreadableTable(f"the workbook is damaged ({exc})") from None
        workbook.close()

    return TableSource(path, "xlsx", header, rows())

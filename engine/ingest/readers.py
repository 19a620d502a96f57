"""Finding and reading one table of a data package: CSV in UTF-8/GBK/GB18030, or XLSX."""

from __future__ import annotations

import codecs
import csv
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    plain_lines: PlainText | None = None  # the data lines of a CSV text without quotes

    def column_batches(self, size: int) -> Iterator[list[Sequence[str]]]:
        """The cells of ``size`` rows at a time as columns, each row cut or padded with ""
        to the header's width."""
        width = len(self.header)
        if self.plain_lines is not None:
            for batch in plain_batches(iter(self.plain_lines), size):
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


def plain_batches(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    """The non-blank lines, ``size`` at a time (a blank line is not a row)."""
    lines = iter(lines)
    while batch := list(islice(lines, size)):
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
    """The table in ``path``. A CSV file is read in pieces, twice (once to learn its encoding
    and whether it is plain, once as its rows are taken): memory does not grow with it."""
    if path.suffix.lower() == ".xlsx":
        return _open_xlsx(path)
    scan = _scan(path)
    if not scan.plain:
        if scan.nul_line:
            raise ValueError(
                f"line {scan.nul_line}: a NUL character (\\0), which is never data; remove it"
            )
        handle = open(path, encoding=scan.encoding, newline="")  # noqa: SIM115
        reader = csv.reader(handle)
        header = next(_csv_rows(reader, path), [])
        rows = _closing(
            ((reader.line_num, cells) for cells in _csv_rows(reader, path) if cells), handle
        )
        return TableSource(path, scan.encoding, [h.strip() for h in header], rows)
    codec = "utf-8" if scan.encoding == "utf-8-sig" else scan.encoding  # after the BOM
    plain = PlainText(path, codec, scan.begin, scan.crlf, scan.lines)
    header = plain.header.split(",") if plain.header else []
    rows = ((n, line.split(",")) for n, line in enumerate(plain, start=2) if line)
    return TableSource(path, scan.encoding, [h.strip() for h in header], rows, plain)


def _closing(rows: Iterator[T], handle) -> Iterator[T]:
    with handle:
        yield from rows


def _csv_rows(reader, path: Path) -> Iterator[list[str]]:
    """The rows of ``reader``; a quoted cell over ``csv.field_size_limit()`` characters
    (131,072) is an error naming the file and line, not a traceback."""
    try:
        yield from reader
    except csv.Error as exc:
        raise UserError(f"{path.name}:{reader.line_num}: {exc}") from None


#: Bytes decoded at a time (then up to the next LF, which no character of these encodings
#: contains). A table's text takes two to four times its bytes: a piece at a time never holds
#: the whole text.
PIECE = 1 << 23


def _pieces(path: Path, begin: int = 0) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) of ``path`` from ``begin``, each piece ending with a LF (or the end)."""
    with open(path, "rb") as handle:
        handle.seek(begin)
        offset = begin
        while piece := handle.read(PIECE) + handle.readline():
            yield offset, piece
            offset += len(piece)


def _decoded(piece: bytes, offset: int, codec: str) -> str:
    """``piece`` decoded; an error placed in the whole file, as decoding it whole would."""
    try:
        return str(piece, codec)
    except UnicodeDecodeError as exc:
        raise _PlacedError(exc, offset) from None


class _PlacedError(UnicodeDecodeError):
    """A piece's decoding error at its place in the whole file, said as Python says it."""

    def __init__(self, exc: UnicodeDecodeError, offset: int):
        super().__init__(exc.encoding, exc.object, exc.start, exc.end, exc.reason)
        self.first = exc.object[exc.start]
        self.start, self.end = offset + exc.start, offset + exc.end

    def __str__(self) -> str:
        if self.end - self.start == 1:
            where = f"byte 0x{self.first:02x} in position {self.start}"
        else:
            where = f"bytes in position {self.start}-{self.end - 1}"
        return f"'{self.encoding}' codec can't decode {where}: {self.reason}"


@dataclass
class _Scan:
    encoding: str
    begin: int  # the first byte after a BOM
    plain: bool  # no quote, no NUL, no CR without its LF: ``csv`` would split at commas only
    crlf: bool
    lines: int  # data lines (blank ones too) after the header
    nul_line: int = 0  # the line of the first NUL, if any


def _scan(path: Path) -> _Scan:
    """Read the file once, a piece at a time: the first encoding of UTF-8 (with or without
    BOM), GBK, GB18030 that decodes all of it, and how it can be split. The bytes tell
    whether it is plain: in these encodings these ASCII bytes are never part of another
    character."""
    with open(path, "rb") as handle:
        bom = handle.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
    names = ("utf-8-sig",) if bom else ("utf-8", "gbk", "gb18030")
    begin = len(codecs.BOM_UTF8) if bom else 0
    for n, name in enumerate(names):
        try:
            return _scan_as(path, name, begin)
        except UnicodeDecodeError:
            if n == len(names) - 1:
                raise


def _scan_as(path: Path, name: str, begin: int) -> _Scan:
    codec = "utf-8" if name == "utf-8-sig" else name
    quote = crlf = lone_cr = False
    newlines, nul_line = 0, 0
    for offset, piece in _pieces(path, begin):
        _decoded(piece, offset, codec)
        quote = quote or b'"' in piece
        if not nul_line and b"\x00" in piece:
            nul_line = newlines + piece.count(b"\n", 0, piece.find(b"\x00")) + 1
        if b"\r" in piece:
            crlf = True
            lone_cr = lone_cr or piece.count(b"\r") != piece.count(b"\r\n")
        newlines += piece.count(b"\n")
    plain = not (quote or nul_line or lone_cr)
    return _Scan(name, begin, plain, crlf, newlines, nul_line)


@dataclass(frozen=True)
class Span:
    """Whole lines of a plain text, by their bytes: what an import's worker reads for itself,
    so this process neither reads nor sends them."""

    path: Path
    codec: str
    crlf: bool
    begin: int
    end: int  # just after a LF, or the end of the file

    def lines(self) -> list[str]:
        """The lines, blank ones too (as empty strings)."""
        with open(self.path, "rb") as handle:
            handle.seek(self.begin)
            data = handle.read(self.end - self.begin)
        return _split(data, self.begin, self.codec, self.crlf)


@dataclass
class PlainText:
    """The data lines of a CSV text without quotes, read a piece at a time each time they
    are iterated (blank lines too, as empty strings); ``header`` is its first line."""

    path: Path
    codec: str
    begin: int
    crlf: bool
    newlines: int  # LFs in the text: the data lines number this, or one more

    def __post_init__(self) -> None:
        self.header = next(self._lines(), "")

    def __len__(self) -> int:
        """The data lines, blank ones included (an upper bound of the rows)."""
        return self.newlines

    def __iter__(self) -> Iterator[str]:
        lines = self._lines()
        next(lines, None)  # the header
        return lines

    def spans(self, size: int) -> Iterator[Span]:
        """The data lines in spans of about ``size`` bytes, each ending at a LF or the end."""
        with open(self.path, "rb") as handle:
            handle.seek(self.begin)
            handle.readline()  # the header
            begin, total = handle.tell(), os.fstat(handle.fileno()).st_size
            while begin < total:
                handle.seek(min(begin + size, total))
                handle.readline()
                yield Span(self.path, self.codec, self.crlf, begin, handle.tell())
                begin = handle.tell()

    def _lines(self) -> Iterator[str]:
        for offset, piece in _pieces(self.path, self.begin):
            yield from _split(piece, offset, self.codec, self.crlf)


def _split(piece: bytes, offset: int, codec: str, crlf: bool) -> list[str]:
    """The lines of ``piece`` (bytes from ``offset`` of a plain text, ending at a LF or the
    end), blank ones too; bytes that do not decode are placed in the whole file (a file
    changed since its scan, too)."""
    text = _decoded(piece, offset, codec)
    lines = (text.replace("\r\n", "\n") if crlf else text).split("\n")
    if piece.endswith(b"\n"):
        lines.pop()  # the empty text after the piece's final LF
    return lines


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

"""One table of a data package, parsed: header mapped to the contract, cells converted.

Two ways through the rows. ``rows()`` judges each row and records every error with its file,
row and column. ``column_batches()`` converts a batch of rows column by column, which is
several times faster, and gives up with ``NeedsRowCheck`` at the first thing it cannot pass;
the import then reads the file again through ``rows()`` to name every error.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from functools import lru_cache, partial
from pathlib import Path

from engine import contract
from engine.contract import Table
from engine.errors import ImportRejected
from engine.ingest.convert import converter_for
from engine.ingest.problems import CellError, Problem, separator_params
from engine.ingest.readers import TableSource, UnreadableTable
from engine.pseudonym import pseudonym

MAX_SHOWN_ERRORS = 100
BATCH = 5_000  # rows converted and written at a time; cancel and progress are checked between

_QUANTITY, _PRICE, _REFUND = (
    contract.LINES.column_names.index(name) for name in ("quantity", "unit_price", "refund_of")
)


class NeedsRowCheck(Exception):
    """A batch holds something only the row-by-row path judges and reports."""


class Errors:
    """The problems of one import: the first ``MAX_SHOWN_ERRORS`` kept, all counted."""

    def __init__(self) -> None:
        self.shown: list[Problem] = []
        self.total = 0

    def add(self, file: str, row: int | str, column: str, code: str, **params: object) -> None:
        """A problem at file:row:column (row 0: the whole file); ``code`` is a key of
        ``problems.MESSAGES``, ``params`` its values."""
        self.total += 1
        if len(self.shown) < MAX_SHOWN_ERRORS:
            self.shown.append(Problem(file, row, column, code, params))

    def rejected(self) -> ImportRejected:
        return ImportRejected(self.shown, self.total)

    def __bool__(self) -> bool:
        return self.total > 0


def whole_file_problem(header: list[str]) -> tuple[str, dict] | None:
    """(code, values) when a header shows the file cannot be read as a table at all: it is
    empty, or one column holding tabs or semicolons (another separator than the comma)."""
    if not any(cell.strip() for cell in header):
        return "file_empty", {}
    if len(header) == 1:
        for separator in ("\t", ";"):
            if separator in header[0]:
                return "one_column", separator_params(separator)
    return None


class TableParser:
    """Maps a file's header to the contract's columns and converts its rows."""

    def __init__(
        self,
        source: TableSource,
        table: Table,
        name: str,
        errors: Errors,
        key: bytes | None = None,
    ):
        """``key``: pseudonymise ``patient_id`` with it and drop the extra columns that name
        or identify a person (``contract.IDENTIFYING_COLUMNS``)."""
        self.table, self.name, self.errors = table, name, errors
        self.source, self.key = source, key
        #: False when the header already shows the file unusable (one error said so): its
        #: rows are not judged, which would repeat that error on every row.
        self.usable = True
        #: The first cell of each row that failed (for claims: their claim ids).
        self.failed_keys: set[str] = set()
        problem = whole_file_problem(source.header)
        if problem is not None:
            errors.add(name, 0, "-", problem[0], **problem[1])
            self.usable = False
        by_label: dict[str, str] = {}
        for col in table.columns:
            by_label[col.name.lower()] = col.name
            for label in col.labels:
                by_label[label] = col.name
        positions: dict[str, int] = {}
        self.extra: list[tuple[int, str]] = []
        self.mapping: dict[str, str] = {}
        for index, header in enumerate(source.header):
            text = header.strip().lstrip("\ufeff")
            name_ = by_label.get(text) or by_label.get(text.lower())
            if name_ is None:
                if text and not (key and text.lower() in contract.IDENTIFYING_COLUMNS):
                    self.extra.append((index, text))
                continue
            if name_ in positions:
                errors.add(self.name, 1, text, "column_twice", name=name_)
            positions[name_] = index
            self.mapping[text] = name_
        for col in table.columns:
            if col.required and col.name not in positions and self.usable:
                errors.add(self.name, 1, col.name, "column_missing")
        self.usable = self.usable and all(
            col.name in positions for col in table.columns if col.required
        )
        spreadsheet = source.encoding == "xlsx"
        pseudonymise = partial(pseudonym, self.key) if self.key else None
        self.plan = [
            (
                positions.get(col.name),
                converter_for(col, spreadsheet, pseudonymise if col.name == "patient_id" else None),
                col,
            )
            for col in table.columns
        ]
        self.required = [i for i, col in enumerate(table.columns) if col.required]
        self.width = len(source.header)

    def rows(self) -> Iterator[tuple[int, list, str | None]]:
        """Yield (row number, converted values, extra JSON) for rows without errors."""
        plan, width, required = self.plan, self.width, self.required
        if not self.usable:
            return
        try:
            for number, cells in self.source.rows:
                if len(cells) < width:
                    cells = cells + [""] * (width - len(cells))
                try:
                    values = [conv(cells[i]) if i is not None else None for i, conv, _ in plan]
                except ValueError:
                    self._report_cells(number, cells)
                    self._failed(cells)
                    continue
                bad = False
                for j in required:
                    if values[j] is None:
                        self.errors.add(self.name, number, plan[j][2].name, "value_empty")
                        bad = True
                if bad:
                    self._failed(cells)
                    continue
                yield number, values, self._extra(cells)
        except (UnreadableTable, csv.Error) as exc:  # the rest of the file cannot be read
            self.errors.add(self.name, 0, "-", "file_unreadable", detail=str(exc))

    def column_batches(self, size: int) -> Iterator[tuple[list[list], list]]:
        """Yield (converted columns, extra JSON per row) for batches of ``size`` rows.

        Raises ``NeedsRowCheck`` on a cell that does not convert or a required cell that is
        empty, so only clean batches come out."""
        try:
            for by_column in self.source.column_batches(size):
                yield self.convert(by_column)
        except (UnreadableTable, csv.Error):
            raise NeedsRowCheck from None

    def convert(self, by_column: list[Sequence[str]]) -> tuple[list[list], list]:
        """A batch's cells, column by column, as stored values plus each row's extra JSON."""
        rows = len(by_column[0])
        columns = []
        for position, convert, col in self.plan:
            if position is None:
                columns.append([None] * rows)
                continue
            try:
                values = list(map(convert, by_column[position]))  # memo hits stay in C
            except ValueError:
                raise NeedsRowCheck from None
            if col.required and None in values:
                raise NeedsRowCheck
            columns.append(values)
        if self.extra:
            unknown = zip(*(by_column[i] for i, _ in self.extra), strict=True)
            extras = [self._extra_json(cells) for cells in unknown]
        else:
            extras = [None] * rows
        return columns, extras

    def _extra(self, cells: list[str]) -> str | None:
        if not self.extra:
            return None
        return self._extra_json([cells[i] if i < len(cells) else "" for i, _ in self.extra])

    def _extra_json(self, cells) -> str | None:
        """A row's unknown columns as JSON (their cells in ``self.extra`` order); None when
        all are empty."""
        kept = {key: cell for (_, key), cell in zip(self.extra, cells, strict=True) if cell != ""}
        return json.dumps(kept, ensure_ascii=False) if kept else None

    def _report_cells(self, number: int, cells: list[str]) -> None:
        for i, conv, col in self.plan:
            if i is None:
                continue
            try:
                conv(cells[i])
            except CellError as exc:
                self.errors.add(self.name, number, col.name, exc.code, **exc.params)
            except ValueError as exc:  # not expected of a converter; still named, never lost
                self.errors.add(self.name, number, col.name, "bad_cell", detail=str(exc))

    def _failed(self, cells: list[str]) -> None:
        first = self.plan[0][0]
        if first is not None:
            self.failed_keys.add(cells[first].strip())


def check_lines(columns: list[list]) -> None:
    """What a batch of converted lines must pass beyond its cells: no negative unit price,
    and a negative quantity only on a refund."""
    quantity, refund_of = columns[_QUANTITY], columns[_REFUND]
    if min(columns[_PRICE]) < 0 or (
        min(quantity) < 0
        and any(q < 0 and r is None for q, r in zip(quantity, refund_of, strict=True))
    ):
        raise NeedsRowCheck


@lru_cache(maxsize=8)
def worker_parser(table: str, header: tuple[str, ...], key: bytes | None = None) -> TableParser:
    """A parser for a worker process's batches; its converters' memos last across batches.
    The header was checked when the file was opened, so its errors are not kept."""
    source = TableSource(Path(table), "", list(header), iter(()))
    return TableParser(source, contract.BY_NAME[table], table, Errors(), key)

"""A table model over an SQL query that fetches rows a page at a time as the view scrolls.

A workspace of a million lines opens its tables at once: only the first page is read, and
``fetchMore`` reads the next when the view needs it.

Each page is its own statement, read to the end (``LIMIT``/``OFFSET``): no statement stays open
across event-loop turns. A half-read cursor on the shared reader connection would pin that
connection's WAL snapshot, so every later query on it (other pages, the log, the settlement
charts) would keep seeing the data as it was when the cursor opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from desktop.columns import Column, Row, headers, is_number, position, units
from engine import claim_lines_query, read_page

PAGE = 500
ROOT = QModelIndex()  # the parent of every row of a flat table


class LazyTableModel(QAbstractTableModel):
    """The rows of a query (or of an engine result) shown through ``columns``: each row is
    read by field name (``row(n)["claim_id"]``), whatever the query's order of columns; the
    query may select more fields than are shown (what the page reads but does not show)."""

    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.headers = headers(self.columns)
        self.rows: list[tuple] = []
        self.at: dict[str, int] = {}  # field name → its place in ``rows``' tuples
        self._query: tuple[sqlite3.Connection, str, object] | None = None
        self._done = True
        #: the background of a row (a ``Row``), or None
        self.colour: Callable[[Row], object] | None = None

    def set_query(self, conn: sqlite3.Connection | None, sql: str = "", args=()) -> bool:
        """Show ``sql`` (with ``args``, a sequence or a dict): its first page at once.

        The query already shown is read again in place instead (``refresh``); returns whether
        the rows were replaced by another query's."""
        if conn is not None and self._query == (conn, sql, args):
            self.refresh()
            return False
        self.beginResetModel()
        self._query = (conn, sql, args) if conn is not None else None
        self.rows = self._read(0, PAGE)  # the first page arrives with the reset, as in Qt's models
        self._done = len(self.rows) < PAGE
        self.endResetModel()
        return True

    def refresh(self) -> None:
        """Read the query again, as many rows as are shown (the data changed): when the count is
        the same the rows are updated in place, so the selection and scroll position stay."""
        if self._query is None:
            return
        wanted = max(PAGE, -(-len(self.rows) // PAGE) * PAGE)
        rows = self._read(0, wanted)
        if len(rows) == len(self.rows):
            self.rows = rows
            if rows:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(rows) - 1, len(self.columns) - 1)
                )
        else:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
        self._done = len(rows) < wanted

    def _read(self, offset: int, count: int) -> list[tuple]:
        """``count`` rows from ``offset``, one statement read to its end."""
        if self._query is None:
            return []
        conn, sql, args = self._query
        names, rows = read_page(conn, (sql, args), offset, count)
        self._name(names)
        return rows

    def _name(self, names: Sequence[str]) -> None:
        self.at = {name: number for number, name in enumerate(names)}
        missing = [c.name for c in self.columns if c.value is None and c.name not in self.at]
        if missing:
            raise LookupError(f"the rows have no field {', '.join(missing)}")

    def clear(self) -> None:
        self.set_query(None)

    def set_rows(self, rows: Sequence[Mapping]) -> None:
        """Show rows computed elsewhere (an engine result, no query behind them): mappings
        with a field for each column (more are kept, to be read by name)."""
        names = list(next(iter(rows))) if rows else [c.name for c in self.columns]
        self.beginResetModel()
        self._query = None
        self._name(names)
        self.rows = [tuple(row.get(name) for name in names) for row in rows]
        self._done = True
        self.endResetModel()

    def rowCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent=ROOT) -> bool:
        return not parent.isValid() and not self._done

    def fetchMore(self, parent=ROOT) -> None:
        if parent.isValid() or self._done:
            return
        page = self._read(len(self.rows), PAGE)
        self._done = len(page) < PAGE
        if page:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row = self.row(index.row())
        if role == Qt.ItemDataRole.BackgroundRole:
            return None if self.colour is None else self.colour(row)
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(column.get(row))
        if role == Qt.ItemDataRole.TextAlignmentRole and is_number(column.get(row)):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def row(self, number: int) -> Row:
        """Row ``number``, its fields by name."""
        return Row(self.rows[number], self.at)

    def position(self, name: str) -> int:
        """Where the column ``name`` is shown."""
        return position(self.columns, name)


class ClaimLinesModel(LazyTableModel):
    """A claim's lines, with the lines that have findings marked (claims and findings pages)."""

    FLAGGED = QColor("#ffe0e0")

    def __init__(self, parent=None):
        super().__init__([], parent)
        self.columns = [
            Column("line_no", self.tr("序号")),
            Column("item_code", self.tr("项目编码")),
            Column("item_name", self.tr("项目名称")),
            Column("charge_time", self.tr("时间")),
            Column("quantity", self.tr("数量"), units),
            Column("unit_price", self.tr("单价"), units),
            Column("amount", self.tr("金额"), units),
        ]
        self.headers = headers(self.columns)
        self.flagged: set[int] = set()
        self.colour = lambda row: self.FLAGGED if row["line_no"] in self.flagged else None

    def show(self, conn: sqlite3.Connection, claim_id: str | None, flagged=()) -> None:
        """The lines of ``claim_id`` (none when it is None), marking the ``flagged`` lines."""
        self.flagged = set(flagged)
        if claim_id:
            self.set_query(conn, *claim_lines_query(claim_id))
        else:
            self.clear()

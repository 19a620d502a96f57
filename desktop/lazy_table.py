"""A table model over an SQL query that fetches rows a page at a time as the view scrolls.

A workspace of a million lines opens its tables at once: only the first page is read, and
``fetchMore`` reads the next when the view needs it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from engine.claims import LINES_QUERY

PAGE = 500
ROOT = QModelIndex()  # the parent of every row of a flat table


def money(units) -> str:
    return "" if units is None else f"{Decimal(units).scaleb(-4):,.2f}"


class LazyTableModel(QAbstractTableModel):
    def __init__(
        self,
        headers: Sequence[str],
        formatters: dict[int, Callable[[object], str]] | None = None,
        parent=None,
    ):
        super().__init__(parent)
        self.headers = list(headers)
        self.formatters = formatters or {}
        self.rows: list[tuple] = []
        self._cursor: sqlite3.Cursor | None = None
        self._done = True
        self.colour: Callable[[tuple], object] | None = None

    def set_query(self, conn: sqlite3.Connection | None, sql: str = "", args=()) -> None:
        self.beginResetModel()
        self.rows = []
        self._cursor = conn.execute(sql, args) if conn is not None else None
        self._done = conn is None
        if self._cursor is not None:  # the first page arrives with the reset, as in Qt's models
            self.rows = self._next_page()
        self.endResetModel()

    def _next_page(self) -> list[tuple]:
        page = self._cursor.fetchmany(PAGE)
        if len(page) < PAGE:
            self._done = True
            self._cursor = None
        return page

    def clear(self) -> None:
        self.set_query(None)

    def rowCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def canFetchMore(self, parent=ROOT) -> bool:
        return not parent.isValid() and not self._done

    def fetchMore(self, parent=ROOT) -> None:
        if parent.isValid() or self._done or self._cursor is None:
            return
        page = self._next_page()
        if page:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() in self.formatters:
                return self.formatters[index.column()](value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, (int, float)):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self.colour is not None:
            return self.colour(self.rows[index.row()])
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def row(self, number: int) -> tuple:
        return self.rows[number]


class ClaimLinesModel(LazyTableModel):
    """A claim's lines, with the lines that have findings marked (claims and findings pages)."""

    FLAGGED = QColor("#ffe0e0")

    def __init__(self, parent=None):
        super().__init__([], {4: money, 5: money, 6: money}, parent)
        self.headers = [
            self.tr("序号"),
            self.tr("项目编码"),
            self.tr("项目名称"),
            self.tr("时间"),
            self.tr("数量"),
            self.tr("单价"),
            self.tr("金额"),
        ]
        self.flagged: set[int] = set()
        self.colour = lambda row: self.FLAGGED if row[0] in self.flagged else None

    def show(self, conn: sqlite3.Connection, claim_id: str | None, flagged=()) -> None:
        """The lines of ``claim_id`` (none when it is None), marking the ``flagged`` lines."""
        self.flagged = set(flagged)
        if claim_id:
            self.set_query(conn, LINES_QUERY, (claim_id,))
        else:
            self.clear()

"""Charts drawn with QPainter: a line per series over months, and stacked columns.

PySide6-Essentials has no QtCharts (it is in PySide6-Addons, which would add well over a
hundred megabytes of Qt modules to the packaged app for three charts), so these draw
themselves, like ``widgets.BarChart``."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

PALETTE = ("#4a7fb5", "#e08a3c", "#5aa469", "#b5524a", "#8a6bb5", "#6b8a8a")

Series = tuple[str, list[float | None]]  # name, one value per category (None: no point)


class _Chart(QWidget):
    LEFT, RIGHT, TOP, BOTTOM = 80, 12, 26, 40

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.categories: list[str] = []
        self.series: list[Series] = []
        self.setMinimumHeight(220)
        self.setMinimumWidth(320)

    def set_data(self, categories: list[str], series: list[Series]) -> None:
        self.categories, self.series = list(categories), list(series)
        self.update()

    def _top(self) -> float:
        return 1.0

    def _frame(self, painter: QPainter) -> QRectF | None:
        """Title, legend, axis and the plot area; None when there is nothing to plot."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(QRectF(0, 0, self.width(), 20), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(self.font())
        if not self.categories or not self.series:
            painter.drawText(QRectF(0, 24, self.width(), 20), self.tr("（无数据）"))
            return None
        x = self.width() - self.RIGHT
        for index, (name, _values) in reversed(list(enumerate(self.series))):
            width = painter.fontMetrics().horizontalAdvance(name) + 26
            x -= width
            painter.fillRect(QRectF(x, 5, 12, 10), QColor(PALETTE[index % len(PALETTE)]))
            painter.drawText(QRectF(x + 16, 0, width, 20), Qt.AlignmentFlag.AlignLeft, name)
        area = QRectF(
            self.LEFT,
            self.TOP,
            max(10, self.width() - self.LEFT - self.RIGHT),
            max(10, self.height() - self.TOP - self.BOTTOM),
        )
        top = self._top()
        painter.setPen(QPen(QColor("#999")))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        painter.drawLine(area.bottomLeft(), area.topLeft())
        for step in range(5):
            value = top * step / 4
            y = area.bottom() - area.height() * step / 4
            painter.drawText(
                QRectF(0, y - 9, self.LEFT - 6, 18), Qt.AlignmentFlag.AlignRight, f"{value:,.0f}"
            )
        slot = area.width() / len(self.categories)
        for index, name in enumerate(self.categories):
            painter.drawText(
                QRectF(area.left() + slot * index, area.bottom() + 4, slot, 18),
                Qt.AlignmentFlag.AlignHCenter,
                name,
            )
        painter.setPen(QPen(Qt.GlobalColor.black))
        return area


class LineChart(_Chart):
    """One line per series (e.g. this year and last year, month by month)."""

    def _top(self) -> float:
        values = [v for _n, vs in self.series for v in vs if v is not None]
        return max(values, default=0) or 1.0

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        area = self._frame(painter)
        if area is None:
            return
        top, slot = self._top(), area.width() / len(self.categories)
        for index, (_name, values) in enumerate(self.series):
            pen = QPen(QColor(PALETTE[index % len(PALETTE)]))
            pen.setWidth(2)
            painter.setPen(pen)
            points = [
                QPointF(area.left() + slot * (i + 0.5), area.bottom() - area.height() * v / top)
                for i, v in enumerate(values)
                if v is not None
            ]
            for a, b in zip(points, points[1:], strict=False):
                painter.drawLine(a, b)
            for p in points:
                painter.drawEllipse(p, 2.5, 2.5)


class StackedColumns(_Chart):
    """A column per category, stacked by series (e.g. each month's spending by visit type)."""

    def _top(self) -> float:
        totals = [sum(vs[i] or 0 for _n, vs in self.series) for i in range(len(self.categories))]
        return max(totals, default=0) or 1.0

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        area = self._frame(painter)
        if area is None:
            return
        top, slot = self._top(), area.width() / len(self.categories)
        for i in range(len(self.categories)):
            base = area.bottom()
            for index, (_name, values) in enumerate(self.series):
                height = area.height() * (values[i] or 0) / top
                painter.fillRect(
                    QRectF(area.left() + slot * i + slot * 0.15, base - height, slot * 0.7, height),
                    QColor(PALETTE[index % len(PALETTE)]),
                )
                base -= height

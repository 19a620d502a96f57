"""Small widgets the pages share: a page header, a progress row with cancel, an empty-state
note, a table view, a simple bar chart."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QWidget,
)

from desktop.columns import Column, headers, is_number, position
from desktop.context import WhenShown
from engine import institution_choices, label


def fill_institutions(combo, conn, all_label: str) -> None:
    """The workspace's institutions as filter choices ("code name"; data: the code, or "" for
    all), keeping the choice made, without firing the combo's change signal while refilled."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(all_label, "")
    if conn is not None:
        for code, name in institution_choices(conn):
            combo.addItem(f"{code} {name}".strip(), code)
    combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen else 0)
    combo.blockSignals(False)


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSize(font.pointSize() + 5)
    font.setBold(True)
    label.setFont(font)
    return label


def note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label


def table(model, stretch_last: bool = True) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    view.horizontalHeader().setResizeContentsPrecision(100)  # the first rows decide, quickly
    # a hidden table (another page) fits its columns when it is next shown
    fit = WhenShown(view, lambda: fit_columns(view))
    grow = WhenShown(view, lambda: fit_columns(view, grow_only=True))
    model.modelReset.connect(lambda: fit())
    model.dataChanged.connect(lambda *_: grow())
    fit_columns(view)
    return view


def fit_columns(view, widest: int = 320, grow_only: bool = False) -> None:
    """Columns as wide as their content (the rows loaded), none wider than ``widest`` pixels:
    a long text is elided and shown whole in the detail, not given half the table.
    ``grow_only``: widen the columns whose new content needs it (a decision shown), no more."""
    header = view.horizontalHeader()
    for column in range(view.model().columnCount()):
        wanted = min(widest, max(view.sizeHintForColumn(column), header.sectionSizeHint(column)))
        if not grow_only or wanted > view.columnWidth(column):
            view.setColumnWidth(column, wanted)


class ProgressRow(QWidget):
    """A progress bar with a stage label and a cancel button, hidden when idle."""

    def __init__(self, parent=None, lang: str = "zh"):
        super().__init__(parent)
        self.lang = lang
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.cancel = QPushButton(self.tr("取消"))
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel)
        self.job = None
        self.on_cancel = None
        self.cancel.clicked.connect(lambda: self.job is not None and self.on_cancel(self.job))
        self.hide()

    def attach(self, job, waiting: bool = False, cancel=None) -> None:
        """Follow ``job``; ``waiting``: it is queued behind another job; ``cancel(job)``
        cancels it (default: the job's own ``cancel``)."""
        self.job = job
        self.on_cancel = cancel or (lambda j: j.cancel())
        job.progressed.connect(self.update_progress)
        job.started.connect(lambda: self.label.setText(self.tr("处理中…")))
        job.ended.connect(lambda: self.job is job and self.hide())
        self.bar.setRange(0, 0)
        self.label.setText(self.tr("排队等待其他任务结束…") if waiting else self.tr("处理中…"))
        self.show()

    def update_progress(self, stage: str, done: int, total: int) -> None:
        self.label.setText(label("progress_stage", stage, self.lang))
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        else:
            self.bar.setRange(0, 0)


class BarChart(QWidget):
    """Horizontal bars with labels and values: enough for points, payments and mixes."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.items: list[tuple[str, float]] = []
        self.setMinimumHeight(160)

    def set_items(self, items: list[tuple[str, float]]) -> None:
        self.items = items
        self.setMinimumHeight(40 + 22 * max(1, len(items)))
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(QRectF(0, 0, self.width(), 22), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(self.font())
        if not self.items:
            painter.drawText(QRectF(0, 24, self.width(), 22), self.tr("（无数据）"))
            return
        top = max(abs(v) for _, v in self.items) or 1.0
        label_w, value_w = 110, 110
        bar_w = max(10, self.width() - label_w - value_w - 10)
        for i, (name, value) in enumerate(self.items):
            y = 26 + i * 22
            painter.drawText(QRectF(0, y, label_w - 6, 20), Qt.AlignmentFlag.AlignRight, name)
            painter.fillRect(
                QRectF(label_w, y + 3, bar_w * abs(value) / top, 14), QColor("#4a7fb5")
            )
            painter.drawText(
                QRectF(label_w + bar_w + 6, y, value_w, 20),
                Qt.AlignmentFlag.AlignLeft,
                f"{value:,.2f}",
            )


class QueueButton(QToolButton):
    """The writing jobs, running and waiting, in the status bar; its menu cancels one."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        ctx.queue_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        jobs = self.ctx.queued()
        menu = self.menu()
        menu.clear()
        for number, job in enumerate(jobs):
            state = self.tr("运行中") if number == 0 and job.isRunning() else self.tr("排队中")
            action = menu.addAction(self.tr("取消：{0}（{1}）").format(job.title or "-", state))
            action.triggered.connect(lambda _=False, j=job: self.ctx.cancel(j))
        if not jobs:
            self.setText(self.tr("无后台任务"))
        else:
            self.setText(self.tr("后台任务 {0} 个").format(len(jobs)))
        self.setEnabled(bool(jobs))


class ParamsForm(QScrollArea):
    """Parameters as a read-only form: each a label in words (its key as tooltip) and its value;
    ``kind`` names the table of ``engine.labels`` with the words."""

    #: parameter → the coded kind of its dict's keys (engine.labels)
    NESTED_KINDS = {
        "level_coefficients": "level",
        "bed_day_rates": "level",
        "fund_budget": "fund",
        "fund_payment_ratio": "fund",
        "budget_point_value": "fund",
        "capitation_rates": "visit_type",
    }

    def __init__(self, kind: str, lang: str = "zh", parent=None):
        super().__init__(parent)
        self.kind, self.lang = kind, lang
        self.setWidgetResizable(True)
        self.message = note()
        self.show_message("")

    def _fresh(self) -> QFormLayout:
        body = QWidget()
        form = QFormLayout(body)
        self.setWidget(body)
        return form

    def show_message(self, text: str) -> None:
        self.message = note(text)
        self._fresh().addRow(self.message)

    def show_params(self, params: dict) -> None:
        form = self._fresh()
        for key, value in params.items():
            name = QLabel(label(self.kind, key, self.lang))
            name.setToolTip(key)
            shown = QLabel(self.value_text(key, value))
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(name, shown)

    def value_text(self, key: str, value) -> str:
        sep = ", " if self.lang == "en" else "、"
        if value is None:
            return self.tr("未设置")
        if isinstance(value, bool):
            return label("flag", value, self.lang)
        if isinstance(value, dict):
            kind = self.NESTED_KINDS.get(key, "")
            return sep.join(f"{label(kind, k, self.lang)} {v}" for k, v in value.items()) or (
                self.tr("（无）")
            )
        if isinstance(value, (list, tuple)):
            return (
                " : ".join(str(v) for v in value)
                if key == "year_weights"
                else sep.join(str(v) for v in value)
            )
        return str(value)


class ColumnTable(QTableWidget):
    """A table of whole rows declared by its ``columns`` (``desktop.columns``): ``fill`` shows
    records (dicts or objects with the columns' fields), numbers right-aligned."""

    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(0, len(columns), parent)
        self.columns = list(columns)
        self.setHorizontalHeaderLabels(headers(self.columns))
        self.horizontalHeader().setStretchLastSection(True)

    def position(self, name: str) -> int:
        """Where the column ``name`` is shown."""
        return position(self.columns, name)

    def fill(self, records: Sequence, colours: Sequence | None = None) -> None:
        """Show ``records``, each row in its colour when ``colours`` are given."""
        self.setRowCount(len(records))
        for r, record in enumerate(records):
            for c, column in enumerate(self.columns):
                value = column.get(record)
                item = QTableWidgetItem(column.text(value))
                if is_number(value):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if colours and colours[r] is not None:
                    item.setBackground(colours[r])
                self.setItem(r, c, item)


def read_only_table(columns: Sequence[Column]) -> ColumnTable:
    """A ``ColumnTable`` of whole rows, read only, one row selected at a time."""
    widget = ColumnTable(columns)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return widget

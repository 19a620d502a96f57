"""异常排名: the anomaly ranking of the latest audit run — a bar chart of the top 20, the
ranking, the parts of the chosen subject and the cases behind the chosen part."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.columns import Column, yuan
from desktop.widgets import BarChart, heading, note, read_only_table
from engine import RANK_BY, UserError, label, part_cases, rank

TOP = 20


def _select(widget: QTableWidget, row: int) -> None:
    """Select a row without the change signal (the caller shows what follows from it)."""
    widget.blockSignals(True)
    widget.selectRow(row)
    widget.blockSignals(False)


class RankingPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.result: dict | None = None
        self.stale = True
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("异常排名")))
        row = QHBoxLayout()
        self.by = QComboBox()
        for by in RANK_BY:
            self.by.addItem(label("rank_by", by, ctx.lang), by)
        row.addWidget(self.by)
        row.addStretch(1)
        layout.addLayout(row)
        self.headline = note()
        layout.addWidget(self.headline)
        self.chart = BarChart(self.tr("综合异常得分（前 20）"))
        chart_area = QScrollArea()
        chart_area.setWidgetResizable(True)
        chart_area.setWidget(self.chart)
        self.table = read_only_table(  # a subject of rank()'s ranking
            [
                Column("rank", self.tr("名次")),
                Column(
                    "subject",
                    self.tr("对象"),
                    value=lambda r: f"{r['subject']} {r['name'] or ''}".strip(),
                ),
                Column(
                    "institution_names",
                    self.tr("机构"),
                    value=lambda r: ", ".join(r["institution_names"]),
                ),
                Column("score", self.tr("综合得分")),
                Column("outliers", self.tr("超阈值项")),
            ]
        )
        self.parts = read_only_table(  # a part of a subject's score
            [
                Column("code", self.tr("指标"), lambda code: ctx.label("peer_code", code)),
                Column("group_code", self.tr("病种/级别")),
                Column("value", self.tr("数值")),
                Column("median", self.tr("同组中位数")),
                Column("threshold", self.tr("阈值")),
                Column("score", self.tr("稳健得分")),
                Column("cases", self.tr("例数")),
                Column("peers", self.tr("比较对象数")),
                Column("amount", self.tr("金额"), yuan),
            ]
        )
        self.cases = read_only_table(  # a case of part_cases()
            [
                Column("claim_id", self.tr("结算ID")),
                Column("institution_code", self.tr("机构")),
                Column("doctor_id", self.tr("医师")),
                Column("dept_code", self.tr("科室")),
                Column("admission_date", self.tr("入院")),
                Column("discharge_date", self.tr("出院")),
                Column("los", self.tr("住院日")),
                Column("cost", self.tr("费用"), yuan),
                Column("fund_paid", self.tr("统筹支付"), yuan),
                Column("group_code", self.tr("病种")),
            ]
        )
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(chart_area)
        top.addWidget(self.table)
        chart_area.setMinimumWidth(360)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        split = QSplitter(Qt.Orientation.Vertical)
        for widget in (top, self.parts, self.cases):
            split.addWidget(widget)
        split.setSizes([320, 160, 200])
        layout.addWidget(split, 1)
        self.by.currentIndexChanged.connect(self.refresh)
        self.table.currentCellChanged.connect(lambda r, *_: self.show_subject(r))
        self.parts.currentCellChanged.connect(lambda r, *_: self.show_part(r))
        ctx.workspace_changed.connect(self.changed)

    def changed(self) -> None:
        self.stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        self.stale = False
        self.result = None
        if self.ctx.path is None:
            self.headline.setText(self.tr("请先打开工作区。"))
        else:
            try:
                with self.ctx.workspace() as ws:
                    self.result = rank(ws, self.by.currentData())
            except UserError as exc:
                self.headline.setText(str(exc))
        self.show_ranking()

    def show_ranking(self) -> None:
        rows = self.result["ranking"] if self.result else []
        if self.result:
            self.headline.setText(
                self.tr("审核批次 {0}：{1} 个对象有同组比较得分，按正向稳健得分之和排序。").format(
                    self.result["run_id"], self.result["subjects"]
                )
            )
        self.chart.set_items([(r["subject"], r["score"]) for r in rows[:TOP]])
        self.table.fill(rows)
        self.parts.setRowCount(0)
        self.cases.setRowCount(0)
        if rows:
            _select(self.table, 0)
            self.show_subject(0)

    def subject(self, row: int) -> dict | None:
        rows = self.result["ranking"] if self.result else []
        return rows[row] if 0 <= row < len(rows) else None

    def show_subject(self, row: int) -> None:
        subject = self.subject(row)
        parts = subject["parts"] if subject else []
        self.parts.fill(parts)
        self.cases.setRowCount(0)
        if parts:
            _select(self.parts, 0)
            self.show_part(0)

    def show_part(self, row: int) -> None:
        subject = self.subject(max(0, self.table.currentRow()))
        if subject is None or not 0 <= row < len(subject["parts"]):
            self.cases.setRowCount(0)
            return
        part = subject["parts"][row]
        plugins = self.ctx.plugins()
        with self.ctx.workspace() as ws:
            cases = part_cases(
                ws,
                self.result["by"],
                subject["subject"],
                part["code"],
                part["group_code"],
                plugins=plugins,
            )
        self.cases.fill(cases)

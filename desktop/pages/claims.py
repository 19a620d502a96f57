"""结算: a filterable table of claims; a claim's header, lines and the findings on them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.columns import Column, units
from desktop.lazy_table import ClaimLinesModel, LazyTableModel
from desktop.widgets import fill_institutions, heading, note, table
from engine import claim_fields, claims_query, flagged_lines, known_values


class ClaimsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("结算数据")))
        filters = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("结算ID或诊断编码的开头，或人员编号"))
        self.institution = QComboBox()
        self.visit = QComboBox()
        self.visit.addItem(self.tr("全部就诊类型"), "")
        for value in known_values("visit_type"):
            self.visit.addItem(ctx.label("visit_type", value), value)
        self.date_from = QLineEdit()
        self.date_from.setPlaceholderText(self.tr("起始日期"))
        self.date_from.setToolTip("YYYY-MM-DD")
        self.date_to = QLineEdit()
        self.date_to.setPlaceholderText(self.tr("截止日期"))
        self.date_to.setToolTip("YYYY-MM-DD")
        self.min_amount = QLineEdit()
        self.min_amount.setPlaceholderText(self.tr("最低金额"))
        apply = QPushButton(self.tr("筛选"))
        filters.addWidget(self.filter, 3)
        for w in (self.institution, self.visit, self.date_from, self.date_to, self.min_amount):
            filters.addWidget(w, 1)
        filters.addWidget(apply)
        layout.addLayout(filters)
        self.model = LazyTableModel(
            [  # each a claims_query field
                Column("claim_id", self.tr("结算ID")),
                Column("patient_id", self.tr("人员编号")),
                Column("institution_code", self.tr("机构")),
                Column("visit_type", self.tr("就诊类型"), lambda v: ctx.label("visit_type", v)),
                Column("admission_date", self.tr("入院/就诊日期")),
                Column("discharge_date", self.tr("出院日期")),
                Column("main_diagnosis", self.tr("主要诊断")),
                Column("total_amount", self.tr("医疗费总额"), units),
            ]
        )
        self.view = table(self.model)
        self.lines = ClaimLinesModel()
        self.header = QPlainTextEdit()
        self.header.setReadOnly(True)
        self.header.setPlaceholderText(
            self.tr("选择一条结算，查看其结算信息和明细；审核发现疑点的明细标为红色。")
        )
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        detail = QWidget()
        d = QVBoxLayout(detail)
        d.setContentsMargins(0, 0, 0, 0)
        d.addWidget(self.header, 1)
        d.addWidget(table(self.lines), 2)
        split.addWidget(detail)
        layout.addWidget(split, 1)
        self.empty = note()
        layout.addWidget(self.empty)
        for edit in (self.filter, self.date_from, self.date_to, self.min_amount):
            edit.returnPressed.connect(self.refresh)
        apply.clicked.connect(self.refresh)
        self.institution.currentIndexChanged.connect(self.refresh)
        self.visit.currentIndexChanged.connect(self.refresh)
        self.view.selectionModel().currentRowChanged.connect(self.show_claim)
        ctx.workspace_changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        """The workspace changed: its institutions in the filter, then the table."""
        fill_institutions(self.institution, self.ctx.reader, self.tr("全部机构"))
        self.refresh()

    def refresh(self) -> None:
        conn = self.ctx.reader
        if conn is None:
            self.model.clear()
            self.empty.setText(self.tr("打开工作区后显示结算数据。"))
            return
        try:
            sql, args = claims_query(
                text=self.filter.text().strip(),
                institution=self.institution.currentData() or None,
                visit_type=self.visit.currentData(),
                date_from=self.date_from.text().strip(),
                date_to=self.date_to.text().strip(),
                min_amount=self.min_amount.text().strip(),
            )
        except (ArithmeticError, ValueError):
            self.empty.setText(self.tr("最低金额不是数字。"))
            return
        self.model.set_query(conn, sql, args)
        self.empty.setText("" if self.model.rowCount() else self.tr("没有符合条件的结算。"))

    def show_claim(self, current, _previous=None) -> None:
        if not current.isValid() or self.ctx.reader is None:
            return
        self.select_claim(self.model.row(current.row())["claim_id"])

    def select_claim(self, claim_id: str) -> None:
        conn = self.ctx.reader
        fields = claim_fields(conn, claim_id, self.ctx.lang)
        self.header.setPlainText("\n".join(f"{name}：{text}" for name, text in fields))
        self.lines.show(conn, claim_id, flagged_lines(conn, claim_id))

"""结算: a filterable table of claims; a claim's header, lines and the findings on them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QSplitter, QVBoxLayout, QWidget

from desktop.lazy_table import LazyTableModel, money
from desktop.widgets import heading, note, table
from engine.rules.audit import latest_run

FLAGGED = QColor("#ffe0e0")


class ClaimsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("结算数据")))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(
            self.tr("筛选：结算ID、人员编号、机构编码、就诊类型或诊断编码的开头")
        )
        layout.addWidget(self.filter)
        self.model = LazyTableModel(
            [
                self.tr("结算ID"),
                self.tr("人员编号"),
                self.tr("机构"),
                self.tr("就诊类型"),
                self.tr("入院/就诊日期"),
                self.tr("出院日期"),
                self.tr("主要诊断"),
                self.tr("医疗费总额"),
            ],
            {7: money},
        )
        self.view = table(self.model)
        self.lines = LazyTableModel(
            [
                self.tr("序号"),
                self.tr("项目编码"),
                self.tr("项目名称"),
                self.tr("时间"),
                self.tr("数量"),
                self.tr("单价"),
                self.tr("金额"),
            ],
            {4: money, 5: money, 6: money},
        )
        self.flagged: set[int] = set()
        self.lines.colour = lambda row: FLAGGED if row[0] in self.flagged else None
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
        self.filter.returnPressed.connect(self.refresh)
        self.view.selectionModel().currentRowChanged.connect(self.show_claim)
        ctx.workspace_changed.connect(self.refresh)
        ctx.data_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        conn = self.ctx.reader
        if conn is None:
            self.model.clear()
            self.empty.setText(self.tr("打开工作区后显示结算数据。"))
            return
        text = self.filter.text().strip()
        where, args = "", ()
        if text:
            where = (
                " WHERE claim_id >= ?1 AND claim_id < ?1 || char(1114111)"
                " OR patient_id = ?1 OR institution_code = ?1 OR visit_type = ?1"
                " OR main_diagnosis LIKE ?1 || '%'"
            )
            args = (text,)
        self.model.set_query(
            conn,
            "SELECT claim_id, patient_id, institution_code, visit_type, admission_date,"
            f" discharge_date, main_diagnosis, total_amount FROM claims{where} ORDER BY claim_id",
            args,
        )
        self.empty.setText("" if self.model.rowCount() else self.tr("没有符合条件的结算。"))

    def show_claim(self, current, _previous=None) -> None:
        if not current.isValid() or self.ctx.reader is None:
            return
        self.select_claim(self.model.row(current.row())[0])

    def select_claim(self, claim_id: str, flagged_line: int | None = None) -> None:
        conn = self.ctx.reader
        row = conn.execute("SELECT * FROM claims WHERE claim_id = ?", (claim_id,)).fetchone()
        names = [d[1] for d in conn.execute("PRAGMA table_info(claims)")]
        self.header.setPlainText(
            "\n".join(f"{n}: {v}" for n, v in zip(names, row or (), strict=False) if v is not None)
        )
        run = latest_run(conn)
        self.flagged = {
            r[0]
            for r in conn.execute(
                "SELECT line_no FROM findings WHERE claim_id = ? AND run_id = ?"
                " AND line_no IS NOT NULL",
                (claim_id, run),
            )
        }
        if flagged_line is not None:
            self.flagged.add(flagged_line)
        self.lines.set_query(
            conn,
            "SELECT line_no, item_code, item_name, charge_time, quantity, unit_price, amount"
            " FROM lines WHERE claim_id = ? ORDER BY line_no",
            (claim_id,),
        )

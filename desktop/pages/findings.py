"""疑点审核: filter a run's findings, see each with its evidence and policy basis, and
confirm, dismiss or ask for information — one finding or a whole selection at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.columns import Column, Row, units
from desktop.lazy_table import ClaimLinesModel, LazyTableModel
from desktop.widgets import fill_institutions, heading, note, table
from engine import UserError, decide, findings_query, known_values, latest_run

#: Fields of a finding the page reads (to show its evidence, to decide it) but does not show.
HIDDEN_FIELDS = ["finding_id", "rule_id", "doctor_id", "dept_code"]


def _decide_in(path, ids: list[str], decision: str, options: dict) -> list[dict]:
    """Record a decision in the workspace at ``path`` (any thread: its own connection)."""
    from engine import Workspace

    with Workspace.open(path, create=False) as ws:
        return decide(ws, ids, decision, **options)


DECISION_COLOURS = {
    "confirm": QColor("#fde2e2"),
    "dismiss": QColor("#e6f4e6"),
    "info": QColor("#fff4d6"),
}


class FindingsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("疑点审核")))
        filters = QHBoxLayout()
        self.family = QComboBox()
        for label, value in (
            (self.tr("全部规则"), ""),
            (self.tr("GZ 规则"), "GZ"),
            (self.tr("ZB 指标"), "ZB"),
            (self.tr("JC 集采"), "JC"),
            (self.tr("ZF 支付方式"), "ZF"),
        ):
            self.family.addItem(label, value)
        self.severity = QComboBox()
        self.severity.addItem(self.tr("全部严重程度"), "")
        for value in known_values("severity"):
            self.severity.addItem(ctx.label("severity", value), value)
        self.institution = QComboBox()
        self.decision = QComboBox()
        self.decision.addItem(self.tr("全部结论"), "")
        self.decision.addItem(self.tr("未审核"), "none")
        for value in known_values("decision"):
            self.decision.addItem(ctx.label("decision", value), value)
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("搜索结算ID、规则或说明"))
        for w in (self.family, self.severity, self.institution, self.decision, self.text):
            filters.addWidget(w)
        layout.addLayout(filters)
        # the table's columns, each a findings_query field; the query selects HIDDEN_FIELDS too
        self.model = LazyTableModel(
            [
                Column("claim_id", self.tr("结算ID")),
                Column("line_no", self.tr("行")),
                Column("institution_code", self.tr("机构")),
                Column("code", self.tr("规则"), ctx.coded_rule),
                Column("severity", self.tr("严重程度"), lambda v: ctx.label("severity", v)),
                Column("amount", self.tr("涉及金额"), units),
                Column(
                    "decision",
                    self.tr("结论"),
                    lambda d: ctx.label("decision", d) if d else self.tr("未审核"),
                ),
                Column("deduction", self.tr("扣款"), units),
                Column("message", self.tr("说明")),
            ]
        )
        self.fields = [c.name for c in self.model.columns] + HIDDEN_FIELDS
        self.model.colour = lambda row: DECISION_COLOURS.get(row["decision"])
        self.view = table(self.model)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        detail = QWidget()
        d = QVBoxLayout(detail)
        d.setContentsMargins(0, 0, 0, 0)
        self.evidence = QPlainTextEdit()
        self.evidence.setReadOnly(True)
        d.addWidget(self.evidence, 1)
        self.lines = ClaimLinesModel()
        d.addWidget(table(self.lines), 1)
        form = QFormLayout()
        self.deduction = QLineEdit()
        self.deduction.setPlaceholderText(self.tr("默认为疑点金额"))
        self.comment = QLineEdit()
        form.addRow(self.tr("扣款金额（元）"), self.deduction)
        form.addRow(self.tr("审核意见"), self.comment)
        d.addLayout(form)
        buttons = QHBoxLayout()
        self.confirm_button = QPushButton(self.tr("确认违规 (C)"))
        self.dismiss_button = QPushButton(self.tr("不予认定 (D)"))
        self.info_button = QPushButton(self.tr("待补充材料 (I)"))
        for b in (self.confirm_button, self.dismiss_button, self.info_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        d.addLayout(buttons)
        self.status = note()
        d.addWidget(self.status)
        split.addWidget(detail)
        split.setSizes([420, 380])
        layout.addWidget(split, 1)
        for combo in (self.family, self.severity, self.institution, self.decision):
            combo.currentIndexChanged.connect(self.refresh)
        self.text.returnPressed.connect(self.refresh)
        self.view.selectionModel().currentRowChanged.connect(self.show_finding)
        self.confirm_button.clicked.connect(lambda: self.decide("confirm"))
        self.dismiss_button.clicked.connect(lambda: self.decide("dismiss"))
        self.info_button.clicked.connect(lambda: self.decide("info"))
        ctx.workspace_changed.connect(self.reload)
        self.reload()

    # --- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        """The workspace changed: the institution filter, then the table."""
        fill_institutions(self.institution, self.ctx.reader, self.tr("全部机构"))
        self.refresh()

    def refresh(self) -> None:
        """The table for the filters; the same query again is read in place (a decision made
        here or anywhere), keeping the selection and the rows already scrolled to."""
        conn = self.ctx.reader
        run = latest_run(conn) if conn is not None else None
        if run is None:
            self.model.clear()
            self.lines.clear()
            self.evidence.setPlainText(
                self.tr("还没有审核结果：在“审核”页运行审核后，疑点显示在这里。")
                if conn is not None
                else self.tr("请先打开工作区。")
            )
            return
        sql, args = findings_query(
            run,
            self.fields,
            code_prefix=self.family.currentData() or None,
            severity=self.severity.currentData() or None,
            institution=self.institution.currentData() or None,
            decision=self.decision.currentData() or None,
            text=self.text.text().strip() or None,
        )
        replaced = self.model.set_query(conn, sql, args)
        if not replaced:
            return
        self.view.resizeColumnToContents(self.model.position("code"))
        self.lines.clear()
        self.evidence.setPlainText(self.tr("选择一个疑点，查看其证据、说明和政策依据。"))
        self.status.setText(
            self.tr("{0} 个疑点已载入（滚动载入更多）").format(self.model.rowCount())
        )

    # --- one finding ---------------------------------------------------------------------
    def current(self) -> Row | None:
        index = self.view.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def finding(self, row: int) -> Row:
        """A row of the table, its fields by name."""
        return self.model.row(row)

    def show_finding(self, current, _previous=None) -> None:
        if not current.isValid():
            return
        f = self.finding(current.row())
        claim, line, inst, code, fid = (
            f["claim_id"],
            f["line_no"],
            f["institution_code"],
            f["code"],
            f["finding_id"],
        )
        rule_id, doctor, dept, message = f["rule_id"], f["doctor_id"], f["dept_code"], f["message"]
        rule = self.ctx.rulebook().rule(rule_id)
        basis = rule.basis if rule else ""
        name = (rule.name.get(self.ctx.lang) or rule.name.get("zh", rule_id)) if rule else rule_id
        self.evidence.setPlainText(
            f"{code}  {name}\n{message}\n\n"
            + self.tr("政策依据：")
            + f"{basis}\n"
            + self.tr("结算：")
            + f"{claim or '-'}   "
            + self.tr("机构：")
            + f"{inst or '-'}   "
            + self.tr("疑点：")
            + fid
            + (
                "\n"
                + self.tr("责任医师：")
                + f"{doctor or '-'}   "
                + self.tr("科室：")
                + (dept or "-")
                if claim
                else ""
            )
        )
        self.lines.show(self.ctx.reader, claim, () if line is None else (line,))

    def selected_ids(self) -> list[str]:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        if not rows and self.view.currentIndex().isValid():
            rows = {self.view.currentIndex().row()}
        return [self.finding(r)["finding_id"] for r in sorted(rows)]

    def decide(self, decision: str) -> bool:
        """Record ``decision`` on every selected finding (one action, one transaction)."""
        ids = self.selected_ids()
        if not ids or self.ctx.path is None:
            self.status.setText(self.tr("请先选择疑点。"))
            return False
        deduction = self.deduction.text().strip() or None
        path, options = (
            self.ctx.path,
            {
                "reviewer": self.ctx.reviewer,
                "deduction": deduction if decision == "confirm" else None,
                "comment": self.comment.text().strip() or None,
            },
        )
        row = self.view.currentIndex().row()
        if self.ctx.busy():  # an import, audit or settlement is writing: wait its turn
            self.queued = self.ctx.start(
                lambda _p, _c: _decide_in(path, ids, decision, options),
                None,
                succeeded=lambda _out: self.decided(len(ids)),
                failed=lambda message, _e: self.status.setText(message),
                title=self.tr("审核结论"),
            )
            self.status.setText(
                self.tr("另一任务正在写入工作区：{0} 条审核结论已排队，随后保存。").format(len(ids))
            )
        else:
            try:
                _decide_in(path, ids, decision, options)
            except UserError as exc:
                self.status.setText(str(exc))
                return False
            self.decided(len(ids))
        self.deduction.clear()
        self.comment.clear()
        self.move(row + 1 if len(ids) == 1 else row)
        return True

    def decided(self, count: int) -> None:
        self.ctx.changed()
        self.status.setText(self.tr("已记录 {0} 条审核结论。").format(count))

    def select_finding(self, finding_id: str, claim_id: str, rule_id: str, line_no=None) -> bool:
        """Show one finding (the doctors' ledger jumps here): the filters cleared but for its
        claim, then its row, or the row of the same rule and line found by the latest run."""
        for combo in (self.family, self.severity, self.institution, self.decision):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.text.setText(claim_id)
        self.refresh()
        while self.model.canFetchMore():
            self.model.fetchMore()
        rows = [self.finding(r) for r in range(self.model.rowCount())]
        for wanted in (
            lambda f: f["finding_id"] == finding_id,
            lambda f: (f["claim_id"], f["line_no"], f["rule_id"]) == (claim_id, line_no, rule_id),
        ):
            for number, row in enumerate(rows):
                if wanted(row):
                    self.view.selectRow(number)
                    return True
        self.status.setText(self.tr("最新一次审核中没有这个疑点：{0}").format(finding_id))
        return False

    def move(self, row: int) -> None:
        while row >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()
        if 0 <= row < self.model.rowCount():
            self.view.selectRow(row)

    def next(self) -> None:
        self.move(self.view.currentIndex().row() + 1)

    def previous(self) -> None:
        self.move(max(0, self.view.currentIndex().row() - 1))

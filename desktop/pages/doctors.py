"""医师记分: the doctors' ledger — each doctor's points and status this year (coloured), filters,
the selected doctor's scoring events with a jump to each finding, and the departments.

The ledger is computed by the engine from the current decisions, on a worker thread, so a
decision made on the review page shows here as soon as ``workspace_changed`` fires (a hidden
page catches up when it is shown)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.columns import Column, yuan
from desktop.widgets import ProgressRow, fill_institutions, heading, note, read_only_table
from engine import DOCTOR_STATUSES, Ledger, UserError, Workspace, consequence, for_workspace


def _or_dash(code: str | None) -> str:
    return code or "-"


STATUS_COLOURS = {
    "warning": QColor("#fff4d6"),
    "suspended": QColor("#fde2c8"),
    "terminated": QColor("#f8c9c9"),
}


class DoctorsPage(QWidget):
    #: The user asked to see a finding on the review page: (finding_id, claim_id, rule_id,
    #: line_no or -1).
    open_finding = Signal(str, str, str, int)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.ledger: Ledger | None = None
        self.shown: list = []  # the doctors in the table, in order
        self.stale = True
        self.job = None
        self.generation = 0  # of the latest refresh: only its result is shown
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("医师记分")))
        filters = QHBoxLayout()
        self.year = QComboBox()
        self.institution = QComboBox()
        self.dept = QComboBox()
        self.status = QComboBox()
        self.status.addItem(self.tr("全部状态"), "")
        for status in DOCTOR_STATUSES:
            self.status.addItem(ctx.label("doctor_status", status), status)
        for w in (self.year, self.institution, self.dept, self.status):
            filters.addWidget(w)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.progress = ProgressRow()
        layout.addWidget(self.progress)
        self.headline = note()
        layout.addWidget(self.headline)
        tabs = QTabWidget()
        self.doctors = read_only_table(  # a doctor of the ledger
            [
                Column("doctor_id", self.tr("医师代码")),
                Column("name", self.tr("姓名")),
                Column("institution_code", self.tr("机构"), _or_dash),
                Column("dept_code", self.tr("科室"), _or_dash),
                Column("points", self.tr("记分")),
                Column("status", self.tr("状态"), lambda s: ctx.label("doctor_status", s)),
                Column("suspend_months", self.tr("暂停月数"), lambda m: str(m or "")),
                Column("findings", self.tr("疑点数")),
                Column("confirmed", self.tr("确认违规")),
                Column("amount", self.tr("确认扣款"), yuan),
            ]
        )
        self.events = read_only_table(  # a scoring event of the chosen doctor
            [
                Column("decided_at", self.tr("认定时间"), lambda at: at[:19].replace("T", " ")),
                Column("claim_id", self.tr("结算ID")),
                Column("code", self.tr("规则编码")),
                Column("rule_id", self.tr("规则名称"), self.rule_name),
                Column("points", self.tr("记分")),
                Column("finding_id", self.tr("疑点ID")),
            ]
        )
        self.consequence = note()
        actions = QHBoxLayout()
        self.jump_button = QPushButton(self.tr("在疑点审核中查看"))
        self.notice_button = QPushButton(self.tr("生成记分告知书…"))
        actions.addWidget(self.jump_button)
        actions.addWidget(self.notice_button)
        actions.addStretch(1)
        detail = QWidget()
        d = QVBoxLayout(detail)
        d.setContentsMargins(0, 0, 0, 0)
        d.addWidget(self.consequence)
        d.addWidget(self.events, 1)
        d.addLayout(actions)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.doctors)
        split.addWidget(detail)
        split.setSizes([420, 300])
        tabs.addTab(split, self.tr("医师"))
        self.departments = read_only_table(  # a department of the ledger
            [
                Column("institution_code", self.tr("机构"), _or_dash),
                Column("dept_code", self.tr("科室"), _or_dash),
                Column("doctors", self.tr("医师数")),
            ]
            + [
                Column(
                    status,
                    ctx.label("doctor_status", status),
                    value=lambda d, status=status: d.by_status[status],
                )
                for status in STATUS_COLOURS  # each status but normal, the worse the later
            ]
            + [
                Column("points", self.tr("记分")),
                Column("findings", self.tr("疑点数")),
                Column("confirmed", self.tr("确认违规")),
                Column("amount", self.tr("确认扣款"), yuan),
            ]
        )
        tabs.addTab(self.departments, self.tr("科室汇总"))
        self.tabs = tabs
        layout.addWidget(tabs, 1)
        self.year.currentIndexChanged.connect(self.refresh)
        for combo in (self.institution, self.dept, self.status):
            combo.currentIndexChanged.connect(self.show_ledger)
        self.doctors.currentCellChanged.connect(lambda row, *_: self.show_doctor(row))
        self.events.cellDoubleClicked.connect(lambda row, _c: self.jump(row))
        self.jump_button.clicked.connect(lambda: self.jump(self.events.currentRow()))
        self.notice_button.clicked.connect(self.choose_notice)
        ctx.workspace_changed.connect(self.changed)
        self.changed()

    # --- loading ---------------------------------------------------------------------------
    def changed(self) -> None:
        """The workspace changed: recompute now if the page is seen, else when it is shown."""
        self.stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale:
            self.refresh()

    def refresh(self):
        """Compute the ledger of the chosen year from the current decisions, on a worker
        thread (a large workspace takes seconds); a later refresh supersedes an earlier one."""
        self.stale = False
        self.generation += 1
        if self.ctx.path is None or self.ctx.reader is None:
            self.ledger = None
            self.headline.setText(self.tr("请先打开工作区。"))
            self.show_ledger()
            return None
        plugins, rulebook = self.ctx.plugins(), self.ctx.rulebook()
        path, year, generation = self.ctx.path, self.year.currentData(), self.generation

        def work(_progress, _cancel):
            with Workspace.open(path, create=False) as ws:
                return for_workspace(ws, plugins=plugins, year=year, rulebook=rulebook)

        self.job = self.ctx.start(
            work,
            self.progress,
            succeeded=lambda ledger: self.show_result(ledger, generation),
            failed=lambda message, _errors: self.headline.setText(message),
            title=self.tr("医师记分"),
            writes=False,
        )
        return self.job

    def show_result(self, ledger: Ledger, generation: int) -> None:
        if generation != self.generation:
            return  # a later refresh is on its way
        self.ledger = ledger
        self._fill_choices()
        self.show_ledger()

    def _fill_choices(self) -> None:
        ledger = self.ledger
        self.year.blockSignals(True)
        self.year.clear()
        for y in sorted({ledger.year, *ledger.years}, reverse=True):
            self.year.addItem(self.tr("{0} 年度").format(y), y)
        self.year.setCurrentIndex(self.year.findData(ledger.year))
        self.year.blockSignals(False)
        fill_institutions(self.institution, self.ctx.reader, self.tr("全部机构"))
        chosen = self.dept.currentData()
        self.dept.blockSignals(True)
        self.dept.clear()
        self.dept.addItem(self.tr("全部科室"), "")
        for dept in sorted({d.dept_code for d in ledger.doctors if d.dept_code}):
            self.dept.addItem(dept, dept)
        self.dept.setCurrentIndex(max(0, self.dept.findData(chosen)) if chosen else 0)
        self.dept.blockSignals(False)

    # --- showing ---------------------------------------------------------------------------
    def show_ledger(self) -> None:
        ledger = self.ledger
        if ledger is None:
            self.shown = []
            for widget in (self.doctors, self.events, self.departments):
                widget.setRowCount(0)
            return
        institution = self.institution.currentData() or None
        self.shown = ledger.select(
            institution=institution,
            dept=self.dept.currentData() or None,
            status=self.status.currentData() or None,
        )
        t = ledger.thresholds
        self.headline.setText(
            self.tr("{0} 年度：{1} 名医师；约谈提醒 {2} 分，暂停 {3} 分，终止 {4} 分。").format(
                ledger.year, len(self.shown), t.warn_points, t.suspend_points, t.terminate_points
            )
        )
        self.doctors.fill(self.shown, colours=[STATUS_COLOURS.get(d.status) for d in self.shown])
        self.doctors.resizeColumnsToContents()
        departments = ledger.departments(institution)
        self.departments.fill(departments)
        self.departments.resizeColumnsToContents()
        self.events.setRowCount(0)
        self.consequence.setText(self.tr("选择一名医师，查看其记分事项。"))
        if self.shown:
            self.doctors.selectRow(0)
            self.show_doctor(0)

    def doctor(self):
        row = self.doctors.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def show_doctor(self, row: int) -> None:
        if not 0 <= row < len(self.shown) or self.ledger is None:
            return
        d = self.shown[row]
        lang = self.ctx.lang
        self.events.fill(d.events)
        self.events.resizeColumnsToContents()
        who = f"{d.name}（{d.doctor_id}）" if d.name else d.doctor_id
        text = consequence(self.ledger.thresholds, d.points, lang)
        self.consequence.setText(f"{who}{'：' if lang == 'zh' else ': '}{text}")

    def rule_name(self, rule_id: str) -> str:
        """The name of the rule a scoring event names, in the UI's language."""
        rule = self.ctx.rulebook().rule(rule_id)
        return rule.name.get(self.ctx.lang, rule_id) if rule else ""

    # --- actions ---------------------------------------------------------------------------
    def jump(self, row: int) -> None:
        d = self.doctor()
        if d is None or not 0 <= row < len(d.events):
            return
        e = d.events[row]
        self.open_finding.emit(
            e.finding_id, e.claim_id, e.rule_id, -1 if e.line_no is None else e.line_no
        )

    def choose_notice(self) -> None:
        d = self.doctor()
        if d is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("保存记分告知书"), f"{d.doctor_id}.pdf", "PDF (*.pdf)"
        )
        if path:
            self.write_notice(path)

    def write_notice(self, path: str) -> bool:
        """The selected doctor's 记分告知书 for the shown year."""
        from engine import write_doctor_notice

        d = self.doctor()
        if d is None or self.ledger is None:
            return False
        try:
            with self.ctx.workspace() as ws:
                write_doctor_notice(
                    ws, path, d.doctor_id, plugins=self.ctx.plugins(), year=self.ledger.year
                )
        except UserError as exc:
            self.consequence.setText(str(exc))
            return False
        self.consequence.setText(self.tr("已生成 {0}").format(path))
        return True

"""审核: choose rule sets, run the audit in the background, then its figures and problems and
a table of the findings by rule."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.columns import Column
from desktop.jobs import Job
from desktop.widgets import ProgressRow, heading, note, read_only_table
from engine import disabled_rulesets, yuan_text


class AuditPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("运行审核")))
        layout.addWidget(note(self.tr("选择要运行的规则集：")))
        self.sets = QListWidget()
        layout.addWidget(self.sets, 1)
        row = QHBoxLayout()
        self.run_button = QPushButton(self.tr("运行审核"))
        row.addWidget(self.run_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = ProgressRow(lang=ctx.lang)
        layout.addWidget(self.progress)
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setPlaceholderText(self.tr("审核结果的汇总显示在这里。"))
        layout.addWidget(self.summary, 1)
        self.by_rule = read_only_table(  # a Summary of engine.summarise_run, by rule code
            [
                Column("key", self.tr("规则"), ctx.coded_rule),
                Column("findings", self.tr("疑点数"), lambda n: f"{n:,}"),
                Column("amount", self.tr("涉及金额（元）"), yuan_text),
            ]
        )
        layout.addWidget(self.by_rule, 3)
        self.run_button.clicked.connect(self.run)
        ctx.workspace_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.sets.clear()
        disabled = set()
        if self.ctx.path is not None:
            with self.ctx.workspace() as ws:
                disabled = set(disabled_rulesets(ws))
        for rs in self.ctx.rulebook().rulesets:
            title = rs.title.get(self.ctx.lang) or rs.title.get("zh", rs.id)
            item = QListWidgetItem(f"{title}  ({rs.id} {rs.version})")
            item.setData(Qt.ItemDataRole.UserRole, rs.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Unchecked if rs.id in disabled else Qt.CheckState.Checked
            )
            self.sets.addItem(item)

    def chosen(self) -> list[str]:
        return [
            self.sets.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.sets.count())
            if self.sets.item(i).checkState() == Qt.CheckState.Checked
        ]

    def run(self) -> Job | None:
        from engine import Workspace, run_audit, summarise_run

        if self.ctx.path is None:
            self.summary.setPlainText(self.tr("请先打开工作区。"))
            return None
        chosen = self.chosen()
        if not chosen:
            self.summary.setPlainText(self.tr("请至少选择一个规则集。"))
            return None
        path = self.ctx.path

        plugins = self.ctx.plugins()

        def work(progress, cancel):
            with Workspace.open(path, create=False) as ws:
                result = run_audit(
                    ws, plugins=plugins, rulesets=chosen, progress=progress, cancel=cancel
                )
                return result, summarise_run(ws, result.run_id)  # by rule, in SQL

        self.job = self.ctx.start(
            work,
            self.progress,
            succeeded=self.done,
            failed=lambda msg, _e: self.summary.setPlainText(msg),
            cancelled=lambda: self.summary.setPlainText(self.tr("审核已取消，未保存。")),
            button=self.run_button,
            title=self.tr("审核"),
        )
        return self.job

    def done(self, outcome) -> None:
        result, by_rule = outcome
        lines = [result.sentence(self.ctx.lang), *(f"! {p}" for p in result.problems)]
        self.summary.setPlainText("\n".join(lines))
        self.by_rule.fill(by_rule)
        self.by_rule.resizeColumnsToContents()
        self.ctx.changed()

"""编写规则: an analyst's rule loop on the desktop — edit a rule set's YAML in place, see what is
wrong as it is typed, 试算 (a dry run on the open workspace: how many findings, the money, the
first ones), then keep it in the workspace or export it to a plug-in's rule folder. Every step
is the engine's (``engine.rules.local``, ``engine.rules.listing``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.columns import Column, yuan
from desktop.widgets import ProgressRow, heading, note, read_only_table
from engine import (
    UserError,
    check_rulesets,
    export_local,
    local_rulesets,
    save_local,
    validate_local,
)

TEMPLATE = """id: workspace.draft
version: "0.1"
title: {zh: 本工作区规则, en: Rules of this workspace}
basis: 《地方审核规则》
rules:
  - id: example
    code: DF0001
    name: {zh: 示例规则, en: Example rule}
    severity: suspicious
    scope: line
    when: item_type == 'drug' and age_years >= 65 and elderly_caution == 1
    message:
      zh: "{item_name}老年慎用，患者{age_years}岁"
      en: "{item_name}: caution for the elderly, patient {age_years}"
"""


def _where(finding: dict) -> str:
    """A finding's claim (and line) or institution."""
    where = finding["claim_id"] or finding["institution_code"] or ""
    return where if finding["line_no"] is None else f"{where}:{finding['line_no']}"


class RuleEditor(QWidget):
    """The editor of one workspace rule set (a tab of the rules page)."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.job = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("编写与试算规则")))
        layout.addWidget(
            note(
                self.tr(
                    "在此编写规则集（YAML），校验结果随输入更新；试算在当前工作区运行而不保存批次。"
                    "保存后规则集随工作区参与审核，也可导出到插件的规则文件夹。"
                )
            )
        )
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("规则集文件名：")))
        self.name = QComboBox()
        self.name.setEditable(True)
        top.addWidget(self.name, 1)
        layout.addLayout(top)
        self.text = QPlainTextEdit()
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText(TEMPLATE)
        self.text.setProperty("source", True)  # YAML, shown as written (codes and all)
        layout.addWidget(self.text, 3)
        self.verdict = note()
        layout.addWidget(self.verdict)
        buttons = QHBoxLayout()
        self.try_button = QPushButton(self.tr("试算"))
        self.save_button = QPushButton(self.tr("保存到工作区"))
        self.export_button = QPushButton(self.tr("导出到插件文件夹…"))
        for b in (self.try_button, self.save_button, self.export_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.progress = ProgressRow(lang=ctx.lang)
        layout.addWidget(self.progress)
        self.result = note()
        layout.addWidget(self.result)
        self.samples = read_only_table(  # a finding of try_rules()'s sample
            [
                Column("code", self.tr("编码")),
                Column("claim_id", self.tr("结算/机构"), value=_where),
                Column("amount", self.tr("金额"), yuan),
                Column("message", self.tr("说明")),
            ]
        )
        layout.addWidget(self.samples, 2)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(300)
        self.timer.timeout.connect(self.check)
        self.text.textChanged.connect(self.timer.start)
        self.name.activated.connect(self.load)
        self.try_button.clicked.connect(self.try_rules)
        self.save_button.clicked.connect(self.save)
        self.export_button.clicked.connect(self.export)
        ctx.workspace_changed.connect(self.refresh)
        self.refresh()
        self.check()

    def stored(self) -> dict:
        if self.ctx.path is None:
            return {}
        with self.ctx.workspace() as ws:
            return local_rulesets(ws)

    def refresh(self) -> None:
        current = self.name.currentText() or "local.yaml"
        self.name.clear()
        self.name.addItems(sorted(self.stored()) or ["local.yaml"])
        self.name.setCurrentText(current)

    def load(self) -> None:
        text = self.stored().get(self.name.currentText())
        if text is not None:
            self.text.setPlainText(text)

    def check(self):
        """Validate the text; the rule set, or None with the problem shown."""
        try:
            ruleset = validate_local(
                self.text.toPlainText(), self.name.currentText() or "local.yaml"
            )
        except UserError as exc:
            self.verdict.setText(self.tr("✗ {0}").format(exc))
            return None
        problems = check_rulesets([ruleset], self.ctx.plugins())
        if problems:
            self.verdict.setText("\n".join(self.tr("✗ {0}").format(p) for p in problems[:5]))
            return None
        self.verdict.setText(
            self.tr("✓ 规则集 {0}，{1} 条规则").format(ruleset.ref, len(ruleset.rules))
        )
        return ruleset

    def try_rules(self):
        from engine import Workspace, try_rules

        ruleset = self.check()
        if ruleset is None:
            return None
        if self.ctx.path is None:
            self.result.setText(self.tr("请先打开工作区。"))
            return None
        path = self.ctx.path

        plugins = self.ctx.plugins()

        def work(progress, cancel):
            with Workspace.open(path, create=False) as ws:
                return try_rules(
                    ws, ruleset.rules, plugins=plugins, progress=progress, cancel=cancel
                )

        self.job = self.ctx.start(
            work,
            self.progress,
            succeeded=self.show_result,
            failed=lambda msg, _e: self.result.setText(msg),
            button=self.try_button,
            title=self.tr("试算"),
            writes=False,
        )
        return self.job

    def show_result(self, out: dict) -> None:
        self.result.setText(
            self.tr("试算：{0} 个疑点，涉及金额 {1:,.2f} 元（未保存）").format(
                out["findings"], out["amount"]
            )
            + "".join(f"\n! {p}" for p in out["problems"])
        )
        self.samples.fill(out["sample"])
        self.samples.resizeColumnsToContents()

    def save(self) -> None:
        if self.ctx.path is None:
            self.verdict.setText(self.tr("请先打开工作区。"))
            return
        try:
            with self.ctx.workspace() as ws:
                name = save_local(ws, self.name.currentText(), self.text.toPlainText())
        except UserError as exc:
            self.verdict.setText(self.tr("✗ {0}").format(exc))
            return
        self.verdict.setText(self.tr("已保存到工作区：{0}").format(name))
        self.ctx.plugins_changed()

    def export(self, folder: str | None = None) -> Path | None:
        folder = folder or QFileDialog.getExistingDirectory(self, self.tr("插件的规则文件夹"))
        if not folder:
            return None
        try:
            target = export_local(
                self.text.toPlainText(), Path(folder), self.name.currentText() or "local.yaml"
            )
        except UserError as exc:
            self.verdict.setText(self.tr("✗ {0}").format(exc))
            return None
        self.verdict.setText(self.tr("已导出：{0}").format(target))
        return target

"""规则: rule sets by plug-in with versions; enable or disable them; each rule's condition and
policy basis; rule parameters with per-workspace overrides."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.columns import Column
from desktop.widgets import ColumnTable, heading, note
from engine import UserError, parameter_definitions, rule_choices, save_rule_choices


def _json_or_blank(value) -> str:
    return "" if value is None else json.dumps(value)


class RulesPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("规则集")))
        layout.addWidget(note(self.tr("勾选的规则集参与审核。参数的覆盖值只保存在当前工作区。")))
        split = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("规则集 / 规则"), self.tr("编码"), self.tr("版本")])
        self.tree.setColumnWidth(0, 320)
        split.addWidget(self.tree)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(self.tr("选择一条规则，查看其条件、参数和政策依据。"))
        split.addWidget(self.detail)
        layout.addWidget(split, 2)
        layout.addWidget(QLabel(self.tr("规则参数")))
        # a rule parameter: only the workspace's own value is edited here
        self.params = ColumnTable(
            [
                Column("label", self.tr("参数")),
                Column("value", self.tr("全国/插件值"), json.dumps),
                Column("override", self.tr("本工作区覆盖值"), _json_or_blank),
                Column("help", self.tr("说明")),
            ]
        )
        self.param_names: list[str] = []  # of the rows, in order
        layout.addWidget(self.params, 1)
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("保存"))
        self.status = note()
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        self.tree.currentItemChanged.connect(self.show_rule)
        self.save_button.clicked.connect(self.save)
        ctx.workspace_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        self.params.setRowCount(0)
        plugins, rulebook = self.ctx.plugins(), self.ctx.rulebook()
        disabled, overrides = set(), {}
        if self.ctx.path is not None:
            with self.ctx.workspace() as ws:
                disabled, overrides = rule_choices(ws)
        by_plugin: dict[str, QTreeWidgetItem] = {}
        for rs in rulebook.rulesets:
            top = by_plugin.get(rs.plugin)
            if top is None:
                top = by_plugin[rs.plugin] = QTreeWidgetItem([rs.plugin, "", ""])
                self.tree.addTopLevelItem(top)
            title = rs.title.get(self.ctx.lang) or rs.title.get("zh", rs.id)
            item = QTreeWidgetItem([title, rs.id, rs.version])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                0, Qt.CheckState.Unchecked if rs.id in disabled else Qt.CheckState.Checked
            )
            item.setData(0, Qt.ItemDataRole.UserRole, rs)
            for rule in rs.rules:
                name = rule.name.get(self.ctx.lang) or rule.name.get("zh", rule.id)
                child = QTreeWidgetItem([name, rule.code, ""])
                child.setData(0, Qt.ItemDataRole.UserRole, rule)
                item.addChild(child)
            top.addChild(item)
        self.tree.expandToDepth(0)
        base = plugins.rule_parameters({})
        defs, en = parameter_definitions(plugins), self.ctx.lang == "en"
        rows = []
        for name, value in sorted(base.items()):
            d = defs.get(name)
            rows.append(
                {
                    "name": name,
                    "label": ((d.label_en if en else d.label_zh) or name) if d else name,
                    "value": value,
                    "override": overrides.get(name),
                    "help": ((d.help_en if en else d.help_zh) or "") if d else "",
                }
            )
        self.params.fill(rows)
        self.param_names = [row["name"] for row in rows]
        editable = self.params.position("override")
        for r, row in enumerate(rows):
            for c in range(self.params.columnCount()):
                item = self.params.item(r, c)
                if c != editable:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.params.item(r, self.params.position("label")).setToolTip(
                f"{row['name']}\n{row['help']}".strip()
            )
            self.params.item(r, self.params.position("help")).setToolTip(row["help"])
        self.params.resizeColumnsToContents()
        self.params.setColumnWidth(0, min(self.params.columnWidth(0), 260))
        for problem in rulebook.problems:
            self.status.setText(problem)

    def show_rule(self, item, _previous=None) -> None:
        if item is None:
            return
        obj = item.data(0, Qt.ItemDataRole.UserRole)
        if obj is None:
            self.detail.clear()
        elif hasattr(obj, "when_text"):
            ctx = self.ctx
            self.detail.setPlainText(
                f"{obj.id}\n{ctx.coded_rule(obj.code)}\n"
                + self.tr("严重程度：")
                + f"{ctx.label('severity', obj.severity)}   "
                + self.tr("对象：")
                + f"{ctx.label('scope', obj.scope)}\n\n"
                + self.tr("条件：")
                + f"\n{obj.when_text}\n\n"
                + self.tr("政策依据：")
                + f"\n{obj.basis}\n\n{obj.file}"
            )
        else:
            self.detail.setPlainText(f"{obj.id} {obj.version}\n{obj.basis}\n{obj.file}")

    def choices(self) -> tuple[list[str], dict]:
        """(disabled rule-set ids, parameter overrides) as the page shows them."""
        disabled = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                item = top.child(j)
                if item.checkState(0) != Qt.CheckState.Checked:
                    disabled.append(item.text(1))
        overrides = {}
        column = self.params.position("override")
        for r, name in enumerate(self.param_names):
            text = self.params.item(r, column).text().strip()
            if text:
                overrides[name] = json.loads(text)
        return disabled, overrides

    def save(self) -> None:
        if self.ctx.path is None:
            self.status.setText(self.tr("请先打开工作区。"))
            return
        try:
            disabled, overrides = self.choices()
            with self.ctx.workspace() as ws:
                save_rule_choices(
                    ws, disabled, overrides, plugins=self.ctx.plugins(), where=self.tr("参数")
                )
        except json.JSONDecodeError as exc:
            self.status.setText(self.tr("参数值不是数字或 JSON：{0}").format(exc))
            return
        except UserError as exc:  # a value of the wrong type or out of range
            self.status.setText(str(exc))
            return
        self.status.setText(self.tr("已保存。"))
        self.ctx.changed()

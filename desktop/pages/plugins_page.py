"""插件: installed plug-ins with source, version, contributions and errors; install one."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.widgets import heading, note
from engine import plugins as plugin_api
from engine.errors import UserError


class PluginsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("插件")))
        self.folders = note()
        layout.addWidget(self.folders)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [self.tr("名称"), self.tr("版本"), self.tr("来源"), self.tr("贡献"), self.tr("错误")]
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.install_folder = QPushButton(self.tr("安装插件文件夹…"))
        self.install_file = QPushButton(self.tr("安装插件文件…"))
        row.addWidget(self.install_folder)
        row.addWidget(self.install_file)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = note()
        layout.addWidget(self.status)
        self.install_folder.clicked.connect(self.choose_folder)
        self.install_file.clicked.connect(self.choose_file)
        self.refresh()

    def refresh(self) -> None:
        loaded = plugin_api.load_plugins()
        loaded.describe()
        self.folders.setText(
            self.tr("插件文件夹：") + "; ".join(str(d) for d in plugin_api.plugin_dirs())
        )
        self.table.setRowCount(len(loaded.infos))
        for r, info in enumerate(loaded.infos):
            label = self.ctx.label
            contributes = "、".join(
                f"{label('contribution', k)} {v}" for k, v in info.contributes.items()
            )
            source = label("plugin_source", info.source)
            for c, text in enumerate(
                (info.name, info.version, source, contributes, info.error or "")
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def install(self, path: str) -> bool:
        try:
            target = plugin_api.install(path)
        except (UserError, OSError) as exc:
            self.status.setText(str(exc))
            return False
        self.status.setText(self.tr("已安装到 {0}").format(target))
        self.refresh()
        self.ctx.plugins_changed()
        return True

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("选择插件文件夹"))
        if path:
            self.install(path)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择插件"), "", self.tr("插件 (*.py *.whl *.zip)")
        )
        if path:
            self.install(path)

"""插件: installed plug-ins with source, version, contributions and errors; install one."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.columns import Column
from desktop.widgets import heading, note, read_only_table
from engine import UserError, install_plugin, plugin_dirs


class PluginsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("插件")))
        self.folders = note()
        layout.addWidget(self.folders)
        sep = ", " if ctx.lang == "en" else "、"
        self.table = read_only_table(  # a PluginInfo
            [
                Column("name", self.tr("名称")),
                Column("version", self.tr("版本")),
                Column("source", self.tr("来源"), lambda s: ctx.label("plugin_source", s)),
                Column(
                    "contributes",
                    self.tr("贡献"),
                    lambda made: sep.join(
                        f"{ctx.label('contribution', k)} {v}" for k, v in made.items()
                    ),
                ),
                Column("error", self.tr("错误")),
            ]
        )
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.install_folder = QPushButton(self.tr("安装插件文件夹…"))
        self.install_file = QPushButton(self.tr("安装插件文件…"))
        self.reload_button = QPushButton(self.tr("重新加载插件"))
        row.addWidget(self.install_folder)
        row.addWidget(self.install_file)
        row.addWidget(self.reload_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = note()
        layout.addWidget(self.status)
        self.install_folder.clicked.connect(self.choose_folder)
        self.install_file.clicked.connect(self.choose_file)
        self.reload_button.clicked.connect(self.reload)
        ctx.plugins_reloaded.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        loaded = self.ctx.plugins()  # the window's one set: not loaded again here
        loaded.describe()
        self.folders.setText(self.tr("插件文件夹：") + "; ".join(str(d) for d in plugin_dirs()))
        self.table.fill(loaded.infos)
        self.table.resizeColumnsToContents()

    def install(self, path: str) -> bool:
        try:
            target = install_plugin(path)
        except (UserError, OSError) as exc:
            self.status.setText(str(exc))
            return False
        self.status.setText(self.tr("已安装到 {0}").format(target))
        self.reload()

        return True

    def reload(self) -> None:
        """Load the plug-ins again (a file changed in a plug-in folder): the window's one
        set is replaced, and this page shows the new one."""
        self.ctx.plugins_changed()

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

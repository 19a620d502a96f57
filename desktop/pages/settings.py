"""设置: the reviewer's name, the language, the plug-in folder."""

from __future__ import annotations

import os

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.widgets import heading, note
from engine.plugins import DIR_ENV, user_plugin_dir

LANGUAGES = (("简体中文", "zh_CN"), ("English", "en"))


class SettingsPage(QWidget):
    language_changed = Signal(str)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("设置")))
        form = QFormLayout()
        self.reviewer = QLineEdit(ctx.reviewer)
        self.language = QComboBox()
        for label, code in LANGUAGES:
            self.language.addItem(label, code)
        current = str(ctx.settings.value("language", "zh_CN"))
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        self.plugin_dir = QLineEdit(str(user_plugin_dir()))
        form.addRow(self.tr("审核人"), self.reviewer)
        form.addRow(self.tr("界面语言"), self.language)
        form.addRow(self.tr("插件文件夹"), self.plugin_dir)
        layout.addLayout(form)
        self.save_button = QPushButton(self.tr("保存设置"))
        layout.addWidget(self.save_button)
        self.status = note()
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)

    def save(self) -> None:
        self.ctx.settings.setValue("reviewer", self.reviewer.text().strip())
        folder = self.plugin_dir.text().strip()
        if folder and folder != str(user_plugin_dir()):
            self.ctx.settings.setValue("plugin_dir", folder)
            os.environ[DIR_ENV] = folder
        self.status.setText(self.tr("已保存。"))
        code = self.language.currentData()
        if code != str(self.ctx.settings.value("language", "zh_CN")):
            self.ctx.settings.setValue("language", code)
            self.language_changed.emit(code)

"""设置: the reviewer's name, the language, the plug-in folder (this user's); the notice's
issuer, document number and days to object (the open workspace's)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.widgets import heading, note
from engine import (
    NOTICE_SETTINGS,
    UserError,
    notice_settings,
    set_notice_setting,
    use_plugin_dir,
    user_plugin_dir,
)

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
        self.notice_box = QGroupBox(self.tr("告知书（当前工作区）"))
        notice_form = QFormLayout(self.notice_box)
        self.notice: dict[str, QLineEdit] = {}
        for setting in NOTICE_SETTINGS:
            edit = self.notice[setting.key] = QLineEdit()
            edit.setToolTip(setting.key)
            words = setting.label_en if ctx.lang == "en" else setting.label_zh
            notice_form.addRow(words, edit)
        self.notice["notice.issuer"].setPlaceholderText(self.tr("例如：某市医疗保障局"))
        self.notice["notice.number"].setPlaceholderText(self.tr("例如：某医保稽〔2025〕1号"))
        layout.addWidget(self.notice_box)
        self.save_button = QPushButton(self.tr("保存设置"))
        layout.addWidget(self.save_button)
        self.status = note()
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        ctx.workspace_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """The open workspace's notice settings (none open: nothing to set)."""
        self.notice_box.setEnabled(self.ctx.path is not None)
        values = {}
        if self.ctx.path is not None:
            with self.ctx.workspace() as ws:
                values = notice_settings(ws)
        for key, edit in self.notice.items():
            edit.setText(str(values.get(key, "")))

    def save_notice(self) -> bool:
        if self.ctx.path is None:
            return True
        try:
            with self.ctx.workspace() as ws:
                for key, edit in self.notice.items():
                    set_notice_setting(ws, key, edit.text().strip() or None)
        except UserError as exc:
            self.status.setText(str(exc))
            return False
        return True

    def save(self) -> None:
        self.ctx.settings.setValue("reviewer", self.reviewer.text().strip())
        folder = self.plugin_dir.text().strip()
        if folder and folder != str(user_plugin_dir()):
            self.ctx.settings.setValue("plugin_dir", folder)
            use_plugin_dir(folder)
            self.ctx.plugins_changed()  # the plug-ins of the new folder, from now on
        if not self.save_notice():
            return
        self.status.setText(self.tr("已保存。"))
        code = self.language.currentData()
        if code != str(self.ctx.settings.value("language", "zh_CN")):
            self.ctx.settings.setValue("language", code)
            self.language_changed.emit(code)

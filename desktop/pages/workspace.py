"""工作区: create or open a workspace, recent ones, the demo region; drop a package to import."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.jobs import Job
from desktop.pages.import_page import in_language
from desktop.widgets import ProgressRow, heading, note
from engine import UserError, Workspace, finding_count, latest_run, pseudonym


def count_rows(path) -> dict:
    """Claims, lines and runs; findings: those of the latest audit (what the findings page shows)."""
    with Workspace.open(path, create=False) as ws:
        counts = {t: ws.count(t) for t in ("claims", "lines", "runs")}
        counts["findings"] = finding_count(ws, latest_run(ws))
        counts["pseudonym"] = pseudonym.describe(ws)
        return counts


class WorkspacePage(QWidget):
    import_requested = Signal(str)  # a package folder dropped on the page

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("工作区")))
        layout.addWidget(
            note(
                self.tr(
                    "一个工作区是一个审核案卷（一个 SQLite 文件），保存导入的结算数据、审核结果、"
                    "审核结论和 DIP 结算。把数据包文件夹拖到此页即可导入。"
                )
            )
        )
        buttons = QHBoxLayout()
        self.open_button = QPushButton(self.tr("打开工作区…"))
        self.new_button = QPushButton(self.tr("新建工作区…"))
        self.demo_button = QPushButton(self.tr("打开演示区域"))
        self.export_key_button = QPushButton(self.tr("导出假名化密钥…"))
        self.import_key_button = QPushButton(self.tr("导入假名化密钥…"))
        for b in (
            self.open_button,
            self.new_button,
            self.demo_button,
            self.export_key_button,
            self.import_key_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.progress = ProgressRow(lang=ctx.lang)
        layout.addWidget(self.progress)
        self.summary = note()
        layout.addWidget(self.summary)
        layout.addWidget(note(self.tr("最近打开：")))
        self.recent = QListWidget()
        layout.addWidget(self.recent, 1)
        self.open_button.clicked.connect(self.choose_open)
        self.new_button.clicked.connect(self.choose_new)
        self.demo_button.clicked.connect(self.open_demo)
        self.export_key_button.clicked.connect(self.choose_key_export)
        self.import_key_button.clicked.connect(self.choose_key_import)
        self.recent.itemActivated.connect(lambda item: self.open(item.text()))
        ctx.workspace_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.recent.clear()
        self.recent.addItems(self.ctx.recent())
        if self.ctx.path is None:
            self.summary.setText(self.tr("尚未打开工作区。"))
            return
        path = self.ctx.path
        self.summary.setText(self.tr("当前：{0}").format(path))
        self.counting = Job(lambda _p, _c: count_rows(path))  # a million lines take a moment
        self.counting.succeeded.connect(lambda counts: self.show_counts(path, counts))
        self.ctx.track(self.counting)
        self.counting.start()

    def show_counts(self, path, counts: dict) -> None:
        if path != self.ctx.path:
            return
        text = self.tr(
            "当前：{path}\n结算 {claims:,} 条，明细 {lines:,} 条，"
            "最近一次审核疑点 {findings:,} 条，批次 {runs}"
        ).format(path=self.ctx.path, **counts)
        info = counts["pseudonym"]
        if info["pseudonymised"]:
            text += "\n" + (
                self.tr("人员编号已假名化，密钥在本机。")
                if info["key_present"]
                else self.tr("人员编号已假名化，但本机没有密钥：导入前请先导入密钥。")
            )
        self.summary.setText(text)
        # one line became two or three: lay the page out again, also when it is not shown now
        self.summary.setMinimumHeight(self.summary.heightForWidth(max(self.summary.width(), 400)))
        self.layout().activate()

    def export_key(self, target: str) -> str:
        """Write the workspace's pseudonym key to ``target``; the message shown."""
        return self._key_action(lambda ws: pseudonym.export_key(ws, target), self.tr("密钥已导出"))

    def import_key(self, source: str) -> str:
        """Keep the key in ``source`` for this workspace; the message shown."""
        return self._key_action(lambda ws: pseudonym.import_key(ws, source), self.tr("密钥已导入"))

    def _key_action(self, action, done: str) -> str:
        if self.ctx.path is None:
            message = self.tr("请先打开或新建工作区。")
        else:
            try:
                with Workspace.open(self.ctx.path, create=False) as ws:
                    message = f"{done}：{action(ws)}"
            except UserError as exc:
                message = in_language(str(exc), self.ctx.lang)
        self.refresh()
        return message

    def choose_key_export(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出假名化密钥"), "yibao.key", self.tr("密钥 (*.key)")
        )
        if target:
            QMessageBox.information(self, self.tr("假名化密钥"), self.export_key(target))

    def choose_key_import(self) -> None:
        source, _ = QFileDialog.getOpenFileName(
            self, self.tr("导入假名化密钥"), "", self.tr("密钥 (*.key);;所有文件 (*)")
        )
        if source:
            QMessageBox.information(self, self.tr("假名化密钥"), self.import_key(source))

    def open(self, path: str, create: bool = False, encrypt: bool = False) -> None:
        try:
            self.ctx.open_workspace(path, create=create, encrypt=encrypt)
        except Exception as exc:  # noqa: BLE001 — shown, not raised into the event loop
            QMessageBox.warning(self, self.tr("无法打开工作区"), str(exc))

    def choose_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("打开工作区"), "", self.tr("工作区 (*.yibao);;所有文件 (*)")
        )
        if path:
            self.open(path)

    def choose_new(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("新建工作区"), "audit.yibao", self.tr("工作区 (*.yibao)")
        )
        if path:
            self.open(path, create=True)

    def choose_new_encrypted(self) -> None:
        """A new workspace encrypted with a passphrase asked for twice (SQLCipher)."""
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("新建加密工作区"), "audit.yibao", self.tr("工作区 (*.yibao)")
        )
        if path:
            self.open(path, create=True, encrypt=True)

    def open_demo(self, path: str | None = None) -> Job:
        from engine import run_demo

        target = path or str(platformdirs.user_data_path("yibao") / "demo.yibao")
        platformdirs.user_data_path("yibao").mkdir(parents=True, exist_ok=True)
        return self.ctx.start(
            lambda progress, _cancel: run_demo(target, progress=progress),
            self.progress,
            succeeded=lambda _r: self.open(target),
            failed=lambda msg, _e: QMessageBox.warning(self, self.tr("演示区域"), msg),
            button=self.demo_button,
            title=self.tr("生成演示区域"),
            writes=Path(target),
        )

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.import_requested.emit(url.toLocalFile())
                break

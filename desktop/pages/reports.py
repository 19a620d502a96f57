"""报告与日志: export the xlsx workbook or an institution's PDF; the log, and verify it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.columns import Column
from desktop.jobs import Job
from desktop.lazy_table import LazyTableModel
from desktop.widgets import ProgressRow, fill_institutions, heading, note, table
from engine import log_query, log_sentence, verify_log


class ReportsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("报告与日志")))
        row = QHBoxLayout()
        self.institution = QComboBox()
        self.xlsx_button = QPushButton(self.tr("导出 Excel…"))
        self.pdf_button = QPushButton(self.tr("导出 PDF 告知书…"))
        for w in (self.institution, self.xlsx_button, self.pdf_button):
            row.addWidget(w)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = ProgressRow(lang=ctx.lang)
        layout.addWidget(self.progress)
        self.status = note()
        layout.addWidget(self.status)
        log_row = QHBoxLayout()
        log_row.addWidget(heading(self.tr("操作日志")))
        self.verify_button = QPushButton(self.tr("校验日志"))
        log_row.addStretch(1)
        log_row.addWidget(self.verify_button)
        layout.addLayout(log_row)
        self.log = LazyTableModel(
            [  # each a log_query field
                Column("seq", self.tr("序号")),
                Column("at", self.tr("时间"), lambda at: str(at or "")[:19].replace("T", " ")),
                Column("action", self.tr("操作"), lambda action: ctx.label("log_action", action)),
                Column("hash", self.tr("哈希"), lambda digest: str(digest or "")[:12]),
                Column(
                    "detail",
                    self.tr("内容"),
                    value=lambda row: log_sentence(row["action"], row["detail"], ctx.lang),
                ),
            ]
        )
        layout.addWidget(table(self.log), 1)
        self.verified = note()
        layout.addWidget(self.verified)
        self.xlsx_button.clicked.connect(lambda: self.choose(".xlsx"))
        self.pdf_button.clicked.connect(lambda: self.choose(".pdf"))
        self.verify_button.clicked.connect(self.verify)
        ctx.workspace_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        conn = self.ctx.reader
        fill_institutions(self.institution, conn, self.tr("全部机构"))
        if conn is None:
            self.log.clear()
            return
        self.log.set_query(conn, *log_query())

    def choose(self, suffix: str) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出报告"), f"report{suffix}", f"*{suffix}"
        )
        if path:
            self.export(path)

    def export(self, path: str) -> Job | None:
        from engine import Workspace, write_report

        if self.ctx.path is None:
            self.status.setText(self.tr("请先打开工作区。"))
            return None
        ws_path, institution = self.ctx.path, self.institution.currentData() or None

        plugins = self.ctx.plugins()

        def work(_progress, _cancel):
            with Workspace.open(ws_path, create=False) as ws:
                return write_report(ws, path, institution=institution, plugins=plugins)

        self.job = self.ctx.start(
            work,
            self.progress,
            succeeded=lambda _d: self.status.setText(self.tr("已导出 {0}").format(path)),
            failed=lambda msg, _e: self.status.setText(msg),
            title=self.tr("导出报告"),
            writes=False,
        )
        return self.job

    def verify(self) -> bool:
        if self.ctx.path is None:
            return False
        with self.ctx.workspace() as ws:
            result = verify_log(ws.conn)
        if result.ok:
            self.verified.setText(
                self.tr("日志完整：{0} 条记录，哈希链未被改动。").format(result.entries)
            )
        else:
            self.verified.setText(
                self.tr("日志被改动：第 {0} 条（{1}）").format(result.bad_seq, result.reason)
            )
        return result.ok

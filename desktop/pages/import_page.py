"""导入: choose a data package, import it with progress and cancel, see what was detected or
why the package was rejected (file / row / column / reason)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.columns import Column
from desktop.jobs import Job
from desktop.widgets import ProgressRow, heading, note, read_only_table

PROBLEM_FIELDS = ("file", "row", "column", "reason")


def split_error(line: str) -> list[str]:
    """``file:row:column: reason`` → its four parts (the reason may hold colons)."""
    head, _, reason = line.partition(": ")
    parts = head.rsplit(":", 2)
    while len(parts) < 3:
        parts.append("")
    return [*parts, reason]


def problem_cells(problem, lang: str) -> dict[str, str]:
    """An import problem's file, row, column and reason in ``lang`` (a plug-in adapter's
    problems are plain ``file:row:column: reason`` texts)."""
    if isinstance(problem, str):
        return dict(zip(PROBLEM_FIELDS, split_error(problem), strict=True))
    whole_file = problem.row == 0
    return {
        "file": problem.file,
        "row": "" if whole_file else str(problem.row),
        "column": "" if whole_file else problem.column,
        "reason": problem.reason(lang),
    }


def in_language(message: str, lang: str) -> str:
    """The part of an engine message written ``中文 | English`` in ``lang``."""
    zh, bar, en = message.partition(" | ")
    return (en if lang == "en" else zh) if bar else message


def _is_pseudonymised(path) -> bool:
    from engine import Workspace, pseudonym

    with Workspace.open(path, create=False) as ws:
        return pseudonym.is_pseudonymised(ws)


class ImportPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("导入数据包")))
        layout.addWidget(
            note(
                self.tr(
                    "数据包是一个文件夹：claims.csv（结算）、lines.csv（明细）及 reference/ 下的参考数据，CSV（UTF-8、GBK、"
                    "GB18030）或 XLSX，中英文表头均可。有任何无法保存的数据，整个数据包不写入。"
                )
            )
        )
        row = QHBoxLayout()
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(self.tr("数据包文件夹"))
        browse = QPushButton(self.tr("浏览…"))
        self.replace = QCheckBox(self.tr("替换已有结算"))
        self.pseudonymise = QCheckBox(self.tr("人员编号假名化"))
        self.pseudonymise.setToolTip(
            self.tr(
                "用本工作区的密钥把人员编号换成假名（P+16位），并丢弃姓名、身份证号等列；"
                "密钥保存在本机用户数据目录，不在工作区文件中。已假名化的工作区总是假名化导入。"
            )
        )
        self.start_button = QPushButton(self.tr("导入"))
        for w in (self.folder, browse, self.replace, self.pseudonymise, self.start_button):
            row.addWidget(w)
        layout.addLayout(row)
        self.progress = ProgressRow(lang=ctx.lang)
        layout.addWidget(self.progress)
        self.result = note()
        layout.addWidget(self.result)
        self.errors = read_only_table(  # a problem_cells() of the import's problems
            [
                Column("file", self.tr("文件")),
                Column("row", self.tr("行")),
                Column("column", self.tr("列")),
                Column("reason", self.tr("原因")),
            ]
        )
        self.errors.hide()
        layout.addWidget(self.errors, 1)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.hide()
        layout.addWidget(self.details, 1)
        ctx.workspace_changed.connect(self.show_pseudonymised)
        self.show_pseudonymised()
        browse.clicked.connect(self.browse)
        self.start_button.clicked.connect(lambda: self.start(self.folder.text()))

    def show_pseudonymised(self) -> None:
        """A pseudonymised workspace always imports pseudonymised: say so on the checkbox."""
        path = self.ctx.path
        if path is None:
            self.pseudonymise.setEnabled(True)
            return
        self.checking = Job(lambda _p, _c: _is_pseudonymised(path))
        self.checking.succeeded.connect(lambda marked: self._pseudonymised(path, marked))
        self.ctx.track(self.checking)
        self.checking.start()

    def _pseudonymised(self, path, marked: bool) -> None:
        if path != self.ctx.path:
            return
        if marked:
            self.pseudonymise.setChecked(True)
        self.pseudonymise.setEnabled(not marked)

    def browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择数据包文件夹"))
        if folder:
            self.folder.setText(folder)
            self.preview(folder)

    def preview(self, folder: str) -> None:
        """Each file's encoding and header mapping, before anything is imported."""
        from engine import describe_package

        lines = [self.tr("数据包预览：")]
        for entry in describe_package(folder):
            if entry["error"]:  # the whole file: missing, unreadable, empty, another separator
                lines.append("  " + in_language(entry["error"], self.ctx.lang))
                continue
            if entry["file"] is None:
                continue
            renamed = ", ".join(f"{k}→{v}" for k, v in entry["mapping"].items() if k != v)
            lines.append(f"  {entry['file']}: {entry['encoding']}  {renamed}")
            if entry["missing"]:
                lines.append("    " + self.tr("缺少必填列：") + ", ".join(entry["missing"]))
            if entry["extra"]:
                lines.append("    " + self.tr("其他列（原样保留）：") + ", ".join(entry["extra"]))
        self.details.setPlainText("\n".join(lines))
        self.details.show()

    def start(self, folder: str) -> Job | None:
        from engine import Workspace, import_any

        if self.ctx.path is None:
            self.result.setText(self.tr("请先打开或新建工作区。"))
            return None
        if not folder:
            self.result.setText(self.tr("请选择数据包文件夹。"))
            return None
        self.folder.setText(folder)
        path, replace = self.ctx.path, self.replace.isChecked()
        pseudonymise = self.pseudonymise.isChecked()

        plugins = self.ctx.plugins()

        def work(progress, cancel):
            with Workspace.open(path, create=False) as ws:
                return import_any(
                    ws,
                    folder,
                    plugins=plugins,
                    replace=replace,
                    pseudonymise=pseudonymise,
                    progress=progress,
                    cancel=cancel,
                )

        self.errors.hide()
        self.details.hide()
        self.result.setText("")
        self.job = self.ctx.start(
            work,
            self.progress,
            succeeded=self.done,
            failed=self.rejected,
            cancelled=lambda: self.result.setText(self.tr("已取消，工作区未改变。")),
            button=self.start_button,
            title=self.tr("导入 {0}").format(folder),
        )
        return self.job

    def done(self, result) -> None:
        self.result.setText(
            self.tr("已导入 {claims:,} 条结算、{lines:,} 条明细，用时 {seconds:.1f} 秒。").format(
                claims=result.claims, lines=result.lines, seconds=result.seconds
            )
        )
        text = [self.tr("人员编号已假名化。")] if result.pseudonymised else []
        text.append(self.tr("检测到的编码："))
        text += [f"  {name}: {enc}" for name, enc in result.encodings.items()]
        text.append(self.tr("表头对应："))
        for name, mapping in result.headers.items():
            pairs = ", ".join(f"{k}→{v}" for k, v in mapping.items() if k != v)
            text.append(f"  {name}: {pairs or self.tr('（英文表头）')}")
        self.details.setPlainText("\n".join(text))
        self.details.show()
        self.ctx.changed()

    def rejected(self, message: str, errors: list) -> None:
        """``errors``: the import's problems, shown in the UI's language."""
        self.result.setText(in_language(message, self.ctx.lang))
        if errors:
            self.errors.fill([problem_cells(p, self.ctx.lang) for p in errors])
            self.errors.show()

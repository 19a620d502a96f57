"""考核: the institutions' appraisal of a year — the four parts, the score, the band's
coefficient (coloured) and a chart of the scores; one button writes the coefficients into
the next year's DIP parameters (a writing job, logged)."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop.columns import Column
from desktop.widgets import BarChart, ProgressRow, heading, note, read_only_table
from desktop.year_job import fill_years, start_year_job
from engine import APPRAISAL_PARTS, Workspace, apply_appraisal, appraise, label

BAND_COLOURS = {
    band: QColor(colour)
    for band, colour in {0.99: "#fff4d6", 0.98: "#fde2c8", 0.97: "#f8d4c0", 0.95: "#f8c9c9"}.items()
}


def _two(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


class AppraisalPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.result: dict | None = None
        self.job = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("定点机构考核")))
        row = QHBoxLayout()
        self.year = QComboBox()
        self.run_button = QPushButton(self.tr("计算考核得分"))
        self.apply_button = QPushButton(self.tr("写入下一年度考核系数"))
        self.apply_button.setEnabled(False)
        for widget in (self.year, self.run_button, self.apply_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = ProgressRow(lang=ctx.lang)
        layout.addWidget(self.progress)
        self.headline = note(self.tr("选择年度后计算；计算不写入任何数据。"))
        layout.addWidget(self.headline)
        self.chart = BarChart(self.tr("考核得分"))
        layout.addWidget(self.chart)
        self.table = read_only_table(  # an institution of appraise()'s result
            [Column("institution_code", self.tr("机构")), Column("name", self.tr("名称"))]
            + [
                Column(
                    part,
                    label("appraisal_part", part, ctx.lang),
                    value=lambda i, part=part: _two(i["parts"][part]["score"]),
                )
                for part in APPRAISAL_PARTS
            ]
            + [
                Column("score", self.tr("得分"), value=lambda i: _two(i["score"])),
                Column("coefficient", self.tr("考核系数")),
            ]
        )
        layout.addWidget(self.table, 1)
        self.run_button.clicked.connect(self.run)
        self.apply_button.clicked.connect(self.apply_next_year)
        ctx.on_change(self, self.fill_years, holds_rows=False)
        self.fill_years()

    def fill_years(self) -> None:
        fill_years(self.year, self.ctx.reader, self.tr("{0} 年度"))

    def run(self):
        self.job = start_year_job(
            self, appraise, self.tr("考核"), self.tr("请先打开有结算数据的工作区。")
        )
        return self.job

    def show_result(self, result: dict) -> None:
        self.result = result
        rows = result["institutions"]
        self.headline.setText(
            self.tr("{0} 年度考核：{1} 家机构；数据质量取自审核批次 {2}。").format(
                result["year"], len(rows), result["audit_run"] or "-"
            )
        )
        self.chart.set_items([(i["institution_code"], i["score"] or 0.0) for i in rows])
        self.table.fill(rows, colours=[BAND_COLOURS.get(i["coefficient"]) for i in rows])
        self.apply_button.setText(self.tr("写入 {0} 年度考核系数").format(result["year"] + 1))
        self.apply_button.setEnabled(True)

    def apply_next_year(self):
        if self.result is None:
            return None
        path, result = self.ctx.path, self.result
        target = result["year"] + 1

        def work(_progress, _cancel):
            with Workspace.open(path, create=False) as ws:
                return apply_appraisal(ws, result, target)

        def done(out: dict) -> None:
            copied = out["copied_params_from"]
            self.headline.setText(
                self.tr("已写入 {0} 年度 DIP 参数的考核系数（{1} 家机构），并记入日志。").format(
                    out["applied_to"], len(out["coefficients"])
                )
                + (self.tr("该年度参数复制自 {0} 年度。").format(copied) if copied else "")
            )
            self.ctx.changed()

        self.job = self.ctx.start(
            work,
            self.progress,
            succeeded=done,
            failed=lambda msg, _e: self.headline.setText(msg),
            button=self.apply_button,
            title=self.tr("写入考核系数"),
        )
        return self.job

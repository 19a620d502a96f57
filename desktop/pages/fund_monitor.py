"""基金监测: a year's monthly fund expenditure (a line per year, columns by visit type) with
year-on-year growth and its warning, and the DIP budget execution with the forecast point
value (预算点值) and its warning."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.charts import LineChart, StackedColumns
from desktop.columns import Column, yuan
from desktop.widgets import ProgressRow, heading, note, read_only_table
from desktop.year_job import fill_years, start_year_job
from engine import label, monitor

MONTHS = [str(m) for m in range(1, 13)]


def _pct(value) -> str:
    return "-" if value is None else f"{value:+.1%}"


class FundMonitorPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.result: dict | None = None
        self.job = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("基金监测")))
        row = QHBoxLayout()
        self.year = QComboBox()
        self.run_button = QPushButton(self.tr("计算"))
        row.addWidget(self.year)
        row.addWidget(self.run_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = ProgressRow(lang=ctx.lang)
        layout.addWidget(self.progress)
        self.warnings = QLabel()
        self.warnings.setStyleSheet("color: #b00020; font-weight: bold;")
        self.warnings.setWordWrap(True)
        layout.addWidget(self.warnings)
        self.headline = note()
        self.budget = note()
        layout.addWidget(self.headline)
        layout.addWidget(self.budget)
        charts = QGridLayout()
        self.spending = LineChart(self.tr("月度统筹基金支出（元）"))
        self.by_type = StackedColumns(self.tr("按就诊类型（元）"))
        self.points = LineChart(self.tr("DIP 累计分值"))
        charts.addWidget(self.spending, 0, 0)
        charts.addWidget(self.by_type, 0, 1)
        charts.addWidget(self.points, 1, 0)
        self.table = read_only_table(  # a month of monitor()'s expenditure
            [
                Column("month", self.tr("月份")),
                Column("fund_paid", self.tr("统筹支出"), yuan),
                Column("claims", self.tr("结算人次")),
                Column("patients", self.tr("人数")),
                Column("per_claim", self.tr("次均统筹"), yuan),
                Column("last_year_fund_paid", self.tr("上年同月"), yuan),
                Column("growth", self.tr("同比"), _pct),
            ]
        )
        charts.addWidget(self.table, 1, 1)
        charts.setColumnStretch(0, 1)
        charts.setColumnStretch(1, 1)
        layout.addLayout(charts, 1)
        self.run_button.clicked.connect(self.run)
        ctx.on_change(self, self.fill_years, holds_rows=False)
        self.fill_years()

    def fill_years(self) -> None:
        fill_years(self.year, self.ctx.reader, self.tr("{0} 年度"))

    def run(self):
        self.job = start_year_job(
            self, monitor, self.tr("基金监测"), self.tr("请先打开有结算数据的工作区。")
        )
        return self.job

    def show_result(self, result: dict) -> None:
        self.result = result
        year, e, b = result["year"], result["expenditure"], result["budget"]
        months = e["months"]
        lang = self.ctx.lang
        this = [None] * 12
        last: list = [None] * 12
        for m in months:
            this[m["month"] - 1] = m["fund_paid"]
            last[m["month"] - 1] = m["last_year_fund_paid"]
        self.spending.set_data(
            MONTHS,
            [(self.tr("{0} 年").format(year), this), (self.tr("{0} 年").format(year - 1), last)],
        )
        types = sorted({vt for m in months for vt in m["by_visit_type"]})
        self.by_type.set_data(
            [str(m["month"]) for m in months],
            [
                (
                    label("visit_type", vt, lang),
                    [m["by_visit_type"].get(vt, {}).get("fund_paid") for m in months],
                )
                for vt in types
            ],
        )
        self.table.fill(months)
        ytd = e["year_to_date"]
        self.headline.setText(
            self.tr("截至 {0} 月累计统筹支出 {1:,.2f} 元，上年同期 {2:,.2f} 元，同比 {3}。").format(
                e["through_month"],
                ytd["fund_paid"],
                ytd["last_year_fund_paid"],
                _pct(ytd["growth"]),
            )
        )
        limit = result["thresholds"]["expenditure_growth_warn"]
        warnings = []
        if e["warning"]:
            warnings.append(self.tr("预警：基金支出同比增长超过 {0:.0%}").format(limit))
        for vt in e["visit_type_warnings"]:
            warnings.append(
                self.tr("预警：{0}支出同比增长超过 {1:.0%}").format(
                    label("visit_type", vt, lang), limit
                )
            )
        if b["available"]:
            self.points.set_data(
                MONTHS,
                [
                    (
                        self.tr("{0} 年").format(year),
                        b["cumulative_points"]["this_year"][: b["through_month"]],
                    ),
                    (self.tr("{0} 年").format(year - 1), b["cumulative_points"]["last_year"]),
                ],
            )
            last_value = b["last_year_point_value"]
            self.budget.setText(
                self.tr(
                    "DIP 预算执行：截至 {0} 月累计分值 {1:,.1f}，预测全年分值 {2:,.1f}；"
                    "预算点值 {3}，上年结算点值 {4}（{5}）。"
                ).format(
                    b["through_month"],
                    b["points_to_date"],
                    b["forecast_points"] or 0,
                    b["forecast_point_value"],
                    "-" if last_value is None else last_value,
                    _pct(b["change"]),
                )
            )
            if b["warning"]:
                ratio = result["thresholds"]["point_value_warn_ratio"]
                warnings.append(self.tr("预警：预算点值低于上年结算点值的 {0:.0%}").format(ratio))
        else:
            self.points.set_data([], [])
            self.budget.setText(self.tr("DIP 预算执行：{0}").format(b["reason"]))
        self.warnings.setText("\n".join(warnings))

"""DIP 结算: the parameters in use, run the settlement, the institution table (with the rest
of the annual clearing), each institution's cases coloured by case type, a case's
explanation, charts, and the special-case review (特例单议) with its cap."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.columns import Column, four, yuan
from desktop.jobs import Job
from desktop.lazy_table import LazyTableModel
from desktop.widgets import BarChart, ParamsForm, ProgressRow, heading, note, read_only_table, table
from engine import (
    UserError,
    Workspace,
    case_mix,
    institution_cases_query,
    points_text,
    ratio_buckets,
    stored_settlement,
)

CASE_COLOURS = {
    "low": QColor("#dbe9f7"),
    "high": QColor("#fde2c8"),
    "special": QColor("#f8c9c9"),
    "excluded": QColor("#eeeeee"),
    "ungrouped": QColor("#f0e6f6"),
    "disallowed": QColor("#d9d9d9"),
    "special_approved": QColor("#d8f0d2"),
}


class SettlementPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.result: dict | None = None
        self.job: Job | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("DIP 结算")))
        row = QHBoxLayout()
        self.catalogue = QComboBox()
        self.catalogue.addItem(self.tr("官方目录（默认）"), None)
        self.catalogue.addItem(self.tr("历史数据生成目录"), "built")
        self.run_button = QPushButton(self.tr("结算"))
        row.addWidget(self.catalogue)
        row.addWidget(self.run_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = ProgressRow(lang=ctx.lang)
        layout.addWidget(self.progress)
        self.headline = note(self.tr("尚未结算。"))
        layout.addWidget(self.headline)
        tabs = QTabWidget()
        # a settlement's institutions (money in yuan); a run before revision 2 lacks the rest
        # of the annual clearing (blank), its final payment is its payment
        self.institutions = read_only_table(
            [
                Column("institution_code", self.tr("机构")),
                Column("cases", self.tr("病例数")),
                Column("points", self.tr("总分值"), four),
                Column("payment", self.tr("应支付"), yuan),
                Column("deductions", self.tr("确认扣款"), yuan),
                Column("fund_paid", self.tr("已支付"), yuan),
                Column("balance", self.tr("差额"), yuan),
                Column(
                    "final_payment",
                    self.tr("清算支付"),
                    yuan,
                    value=lambda i: i.get("final_payment", i["payment"]),
                ),
                Column("bed_day_payment", self.tr("床日付费"), yuan),
                Column("by_disease_payment", self.tr("按病种付费"), yuan),
                Column("fee_for_service_payment", self.tr("按项目付费"), yuan),
                Column("capitation_payment", self.tr("按人头付费"), yuan),
                Column("other_deductions", self.tr("非DIP扣款"), yuan),
                Column("total_payment", self.tr("合计支付"), yuan),
                Column("total_clearing", self.tr("年终清算"), yuan),
            ]
        )
        self.cases = LazyTableModel(  # institution_cases_query's fields
            self._case_columns("claim_id group_code case_type payment_method ratio points")
        )
        self.cases.colour = lambda row: CASE_COLOURS.get(row["case_type"])
        self.case_view = table(self.cases)
        self.explain = QPlainTextEdit()
        self.explain.setReadOnly(True)
        self.explain.setPlaceholderText(self.tr("选择一个病例，显示入组与计分的每一步。"))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.institutions)
        split.addWidget(self.case_view)
        split.addWidget(self.explain)
        tabs.addTab(split, self.tr("机构与病例"))
        charts = QWidget()
        grid = QGridLayout(charts)
        self.points_chart = BarChart(self.tr("机构总分值"))
        self.payment_chart = BarChart(self.tr("机构应支付（元）"))
        self.mix_chart = BarChart(self.tr("病例类型构成"))
        self.ratio_chart = BarChart(self.tr("费用倍率分布"))
        for i, chart in enumerate(
            (self.points_chart, self.payment_chart, self.mix_chart, self.ratio_chart)
        ):
            grid.addWidget(chart, i // 2, i % 2)
        tabs.addTab(charts, self.tr("图表"))
        tabs.addTab(self._special_tab(), self.tr("特例单议"))
        self.params = ParamsForm("dip_parameter", ctx.lang)
        tabs.addTab(self.params, self.tr("参数"))
        layout.addWidget(tabs, 1)
        self.run_button.clicked.connect(self.run)
        self.institutions.currentCellChanged.connect(lambda r, *_: self.show_institution(r))
        self.case_view.selectionModel().currentRowChanged.connect(self.explain_case)
        ctx.workspace_changed.connect(self.show_params)
        self.show_params()

    def _case_columns(self, names: str) -> list[Column]:
        """The columns ``names`` of a table of settled cases."""
        ctx = self.ctx
        every = [
            Column("claim_id", self.tr("结算ID")),
            Column("institution", self.tr("机构")),
            Column("group_code", self.tr("病种组")),
            Column("case_type", self.tr("病例类型"), lambda v: ctx.label("case_type", v)),
            Column("payment_method", self.tr("支付方式"), lambda v: ctx.label("payment_method", v)),
            Column("ratio", self.tr("费用倍率"), four),
            Column("points", self.tr("分值"), points_text),
        ]
        return [next(c for c in every if c.name == name) for name in names.split()]

    def _special_tab(self) -> QWidget:
        """特例单议: the year's special cases, the cap and how many are used, approve/revoke."""
        tab = QWidget()
        box = QVBoxLayout(tab)
        self.special_status = note(self.tr("结算后显示本年度的特例病例与批准上限。"))
        box.addWidget(self.special_status)
        self.specials = LazyTableModel(  # the fields of special.status's cases
            self._case_columns("claim_id institution group_code case_type ratio points")
        )
        self.specials.colour = lambda row: CASE_COLOURS.get(row["case_type"])
        self.special_view = table(self.specials)
        box.addWidget(self.special_view, 1)
        row = QHBoxLayout()
        self.special_comment = QLineEdit()
        self.special_comment.setPlaceholderText(self.tr("理由（必填，记入日志）"))
        self.approve_button = QPushButton(self.tr("批准（按实际费用计分）"))
        self.revoke_button = QPushButton(self.tr("撤销批准"))
        row.addWidget(self.special_comment, 1)
        row.addWidget(self.approve_button)
        row.addWidget(self.revoke_button)
        box.addLayout(row)
        self.approve_button.clicked.connect(lambda: self.decide_special("approve"))
        self.revoke_button.clicked.connect(lambda: self.decide_special("revoke"))
        return tab

    def show_special(self) -> Job | None:
        """Read the year's special cases and the cap (a year's scoring: off the UI thread)."""
        from engine import special

        if self.ctx.path is None or self.result is None:
            return None
        path, year = self.ctx.path, self.result["year"]

        plugins = self.ctx.plugins()

        def work(_progress, _cancel):
            with Workspace.open(path, create=False) as ws:
                return special.status(ws, year, plugins=plugins)

        self.special_job = self.ctx.start(
            work,
            self.progress,
            succeeded=self.special_shown,
            failed=lambda msg, _e: self.special_status.setText(msg),
            title=self.tr("特例单议"),
            writes=False,
        )
        return self.special_job

    def special_shown(self, state: dict) -> None:
        self.special_state = state
        self.special_status.setText(
            self.tr(
                "{year} 年度特例单议：已批准 {used} 例，上限 {cap} 例"
                "（{share} × {n} 例 DIP 病例，向下取整，至少 1 例）"
            ).format(
                year=state["year"],
                used=state["used"],
                cap=state["cap"],
                share=state["special_case_cap"],
                n=state["dip_cases"],
            )
        )
        self.specials.set_rows(state["cases"])
        self.approve_button.setEnabled(state["used"] < state["cap"])

    def decide_special(self, decision: str) -> Job | None:
        """Approve or revoke the selected special case; the settlement is then run again."""
        from engine import special

        current = self.special_view.currentIndex()
        if self.ctx.path is None or not current.isValid():
            self.special_status.setText(self.tr("请先选择一个特例病例。"))
            return None
        claim = self.specials.row(current.row())["claim_id"]
        path, reviewer = self.ctx.path, self.ctx.reviewer
        comment = self.special_comment.text().strip()

        plugins = self.ctx.plugins()

        def work(_progress, _cancel):
            with Workspace.open(path, create=False) as ws:
                return special.decide(
                    ws, claim, decision, reviewer=reviewer, comment=comment, plugins=plugins
                )

        def decided(_out: dict) -> None:
            self.special_comment.clear()
            self.ctx.changed()
            self.run()

        self.special_job = self.ctx.start(
            work,
            self.progress,
            succeeded=decided,
            failed=lambda msg, _e: self.special_status.setText(msg),
            title=self.tr("特例单议"),
        )
        return self.special_job

    def show_params(self) -> None:
        from engine import resolve_params

        self.result = None
        self.institutions.setRowCount(0)
        self.cases.clear()
        if self.ctx.path is None:
            self.params.show_message(self.tr("请先打开工作区。"))
            return
        try:
            with self.ctx.workspace() as ws:
                params = resolve_params(ws, None, plugins=self.ctx.plugins())
            self.params.show_params(params)
        except UserError as exc:
            self.params.show_message(str(exc))
        self.show_latest()

    def show_latest(self) -> None:
        """The workspace's latest stored settlement, as it was run."""
        stored = stored_settlement(self.ctx.reader)
        if stored is None:
            self.headline.setText(self.tr("尚未结算：点击“结算”计算本年度的分值与支付。"))
            return
        self.show_result(stored)

    def run(self) -> Job | None:
        from engine import settle

        if self.ctx.path is None:
            self.headline.setText(self.tr("请先打开工作区。"))
            return None
        path, catalogue = self.ctx.path, self.catalogue.currentData()

        plugins = self.ctx.plugins()

        def work(progress, cancel):
            with Workspace.open(path, create=False) as ws:
                return settle(
                    ws,
                    plugins=plugins,
                    catalogue=catalogue,
                    cases=False,
                    progress=progress,
                    cancel=cancel,
                )

        self.job = self.ctx.start(
            work,
            self.progress,
            succeeded=self.done,
            failed=lambda msg, _e: self.headline.setText(msg),
            button=self.run_button,
            title=self.tr("DIP 结算"),
        )
        return self.job

    def done(self, out: dict) -> None:
        self.show_result(out)
        self.ctx.changed()

    def show_result(self, out: dict) -> None:
        self.result = out
        funds = out.get("funds") or {}
        if len(funds) > 1:  # funds settle apart: a point value for each
            pv = "；".join(
                f"{self.ctx.label('fund', name)} {fund['point_value']}"
                for name, fund in funds.items()
            )
            phi = "；".join(str(fund["fund_payment_ratio"]) for fund in funds.values())
        else:
            pv, phi = out["point_value"], out["fund_payment_ratio"]
        self.headline.setText(
            self.tr("{year} 年度，点值 {pv}，基金支付比例 {phi}，总分值 {tp}（{cat}）").format(
                year=out["year"],
                pv=pv,
                phi=phi,
                tp=points_text(out["total_points"]),
                cat=self.ctx.label("catalogue_source", out["catalogue"]),
            )
        )
        rows = out["institutions"]
        self.institutions.fill(rows)
        self.points_chart.set_items([(i["institution_code"], i["points"]) for i in rows])
        self.payment_chart.set_items([(i["institution_code"], i["payment"]) for i in rows])
        conn = self.ctx.reader  # autocommit: it reads the run just stored
        mix = case_mix(conn, out["run_id"])
        self.mix_chart.set_items([(self.ctx.label("case_type", k), float(n)) for k, n in mix])
        self.ratio_chart.set_items(
            [
                (f"{low:.1f}–{high:.1f}" if high is not None else f"≥{low:g}", float(n))
                for low, high, n in ratio_buckets(conn, out["run_id"])
            ]
        )
        if rows:
            self.institutions.setCurrentCell(0, 0)
        self.show_special()

    def show_institution(self, row: int) -> None:
        if self.result is None or not (0 <= row < len(self.result["institutions"])):
            return
        code = self.result["institutions"][row]["institution_code"]
        self.cases.set_query(self.ctx.reader, *institution_cases_query(self.result["run_id"], code))

    def _steps(self, out: dict) -> list[str]:
        """The explanation's steps in the UI's language."""
        return out["steps_zh"] if self.ctx.lang == "zh" else out["steps"]

    def explain_case(self, current, _previous=None) -> None:
        from engine import explain_case

        if not current.isValid():
            return
        claim = self.cases.row(current.row())["claim_id"]
        with self.ctx.workspace() as ws:
            out = explain_case(
                ws, claim, plugins=self.ctx.plugins(), catalogue=self.catalogue.currentData()
            )
        self.explain.setPlainText(
            "\n".join(f"{n}. {s}" for n, s in enumerate(self._steps(out), start=1))
            + "\n→ "
            + self.tr("{method}，{case}，病种组 {group}，{points} 分").format(
                method=self.ctx.label("payment_method", out["payment_method"]),
                case=self.ctx.label("case_type", out["case_type"]),
                group=out["group_code"] or "-",
                points=points_text(out["points"]),
            )
        )

"""The analysts' workbook: summary, findings and DIP settlement sheets (openpyxl, streamed)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from engine.cells import xlsx_text
from engine.findings import Summary
from engine.labels import label
from engine.reports import labels
from engine.reports.data import ReportData

MONEY = "#,##0.00"
POINTS = "#,##0.0000"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
_BOLD = Font(bold=True)


class _Sheet:
    """A write-only sheet with typed cells: money and points get their number formats."""

    def __init__(self, book: Workbook, title: str, widths: list[int] = ()):
        self.ws = book.create_sheet(title[:31])
        self.rows = 0
        self.table_at: int | None = None  # the header row of the sheet's table
        for i, width in enumerate(widths):
            self.ws.column_dimensions[chr(ord("A") + i)].width = width

    def row(self, *values, bold: bool = False, formats: dict[int, str] | None = None) -> None:
        cells = []
        for i, value in enumerate(values):
            text = isinstance(value, str)
            cell = WriteOnlyCell(self.ws, value=xlsx_text(value) if text else value)
            if text:
                cell.data_type = "s"  # text, never a formula, whatever it starts with
            if bold:
                cell.font = _BOLD
            if formats and i in formats:
                cell.number_format = formats[i]
            elif isinstance(value, Decimal):
                cell.number_format = MONEY
            elif isinstance(value, datetime):
                cell.number_format = DATETIME
            elif isinstance(value, date):
                cell.number_format = DATE
            cells.append(cell)
        self.ws.append(cells)
        self.rows += 1

    def header(self, *titles) -> None:
        """The header row of the sheet's table: frozen, and filterable (``close``)."""
        if self.rows == 0:  # a write-only sheet takes its view only before its first row
            self.ws.freeze_panes = "A2"
        self.row(*titles, bold=True)
        self.table_at = self.rows
        self.columns = len(titles)

    def close(self) -> None:
        """Put an autofilter over the table, header to last row."""
        if self.table_at is not None and self.rows > self.table_at:
            last = get_column_letter(self.columns)
            self.ws.auto_filter.ref = f"A{self.table_at}:{last}{self.rows}"


def when(text) -> datetime | date | None:
    """A stored ISO date or timestamp as a cell Excel sorts and filters as a date (local time:
    Excel has no time zones); text that is not one stays as it is."""
    if not text:
        return None
    try:
        if len(str(text)) == 10:
            return date.fromisoformat(str(text))
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return text
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def _summary_table(sheet: _Sheet, title: str, headers: tuple, rows: list[Summary]) -> None:
    sheet.row(title, bold=True)
    sheet.row(*headers, "疑点数", "涉及金额", "确认违规数", "确认扣款", bold=True)
    for s in rows:
        sheet.row(s.key, s.name, s.findings, s.amount, s.confirmed, s.deductions)
    sheet.row(
        "合计",
        "",
        sum(s.findings for s in rows),
        sum((s.amount for s in rows), Decimal(0)),
        sum(s.confirmed for s in rows),
        sum((s.deductions for s in rows), Decimal(0)),
        bold=True,
    )
    sheet.row()


def _summary(book: Workbook, data: ReportData) -> None:
    sheet = _Sheet(book, "汇总", [16, 34, 10, 16, 12, 16])
    sheet.row("医保基金审核结果汇总", bold=True)
    sheet.row("工作区", data.workspace)
    sheet.row("审核批次", data.run_id or "（尚未审核）", when(data.run_at))
    sheet.row("数据期间", when(data.period[0]), when(data.period[1]))
    if data.institution:
        sheet.row("机构", data.institution, data.institution_names.get(data.institution, ""))
    sheet.row("生成时间", when(data.generated_at))
    sheet.row("日志头", data.log_head)
    sheet.row()
    _summary_table(sheet, "按机构", ("机构编码", "机构名称"), data.by_institution)
    _summary_table(sheet, "按规则", ("规则编码", "规则名称"), data.by_rule)


FINDING_COLUMNS = (
    ("疑点ID", "finding_id", 14),
    ("机构编码", "institution_code", 12),
    ("结算ID", "claim_id", 14),
    ("人员编号", "patient_id", 14),
    ("行号", "line_no", 6),
    ("医师", "doctor_id", 10),
    ("科室", "dept_code", 8),
    ("项目编码", "item_code", 26),
    ("项目名称", "item_name", 24),
    ("对象", "subject", 14),
    ("规则ID", "rule_id", 24),
    ("规则编码", "code", 18),
    ("规则名称", None, 28),
    ("严重程度", "severity", 8),
    ("涉及金额", "amount", 12),
    ("疑点说明", "message", 60),
    ("审核结论", "decision", 10),
    ("扣款金额", "deduction", 12),
    ("审核人", "reviewer", 10),
    ("审核意见", "comment", 30),
    ("审核时间", "decided_at", 20),
)


def _findings(book: Workbook, data: ReportData) -> None:
    sheet = _Sheet(book, "疑点明细", [w for _, _, w in FINDING_COLUMNS])
    sheet.header(*(h for h, _, _ in FINDING_COLUMNS))
    for f in data.findings:
        info = data.rules.get(f["rule_id"])
        values = []
        for _, key, _ in FINDING_COLUMNS:
            if key is None:
                values.append(info.name_zh if info else "")
            elif key == "decision":
                values.append(labels.decision(f[key]))
            elif key == "severity":
                values.append(labels.severity(f[key]))
            elif key == "decided_at":
                values.append(when(f[key]))
            else:
                values.append(f[key])
        sheet.row(*values)
    sheet.close()


# The rest of the annual clearing (dip_spec.md §4c), after the DIP columns.
CLEARING_KEYS = (
    "bed_day_payment",
    "by_disease_payment",
    "fee_for_service_payment",
    "capitation_payment",
    "other_deductions",
    "total_payment",
    "advances",
    "total_clearing",
)
CLEARING_HEADERS = (
    "床日付费",
    "按病种付费",
    "按项目付费",
    "按人头付费（门诊慢特病）",
    "非DIP确认扣款",
    "合计支付",
    "月度预付合计",
    "年终清算（合计−预付）",
)


def _dip_clearing(row: dict) -> float | None:
    """DIP's own clearing: its final payment less the monthly advances (when there are)."""
    advanced = _clearing_value(row, "advances")
    if advanced is None:
        if row.get("clearing") is not None:
            return row["clearing"]  # a run before revision 2 stored it
        advanced = 0  # nothing was advanced: the clearing pays the whole final payment
    final = row.get("final_payment", row["payment"])
    return float(Decimal(str(final)) - Decimal(str(advanced)))


def _clearing_value(row: dict, key: str):
    if key == "advances":
        if "advances" not in row:
            return None
        return float(sum(Decimal(str(v)) for v in row["advances"].values()))
    return row.get(key)


def _settlement(book: Workbook, data: ReportData) -> None:
    sheet = _Sheet(book, "DIP结算", [14, 30, 10, 16, 16, 14, 16, 16, 16, 16] + [16] * 8)
    s = data.settlement
    if s is None:
        sheet.row("尚未进行 DIP 结算（yibao settle）")
        return
    sheet.row("DIP 结算", bold=True)
    sheet.row("结算批次", s["run_id"], when(s["at"]))
    sheet.row("年度", s.get("year"))
    sheet.row("目录", "官方目录" if s.get("catalogue") == "official" else "历史数据生成目录")
    funds = s.get("funds") or {}
    if len(funds) <= 1:  # one budget; split funds have no one point value (blank rows)
        sheet.row("点值", s.get("point_value"), formats={1: POINTS})
        sheet.row("基金支付比例", s.get("fund_payment_ratio"), formats={1: POINTS})
    sheet.row("总分值", s.get("total_points"), formats={1: POINTS})
    if len(funds) > 1:  # funds settle apart: each its own point value
        sheet.row("基金", "点值", "基金支付比例", "总分值", bold=True)
        for name, fund in funds.items():
            sheet.row(
                label("fund", name),
                fund["point_value"],
                fund["fund_payment_ratio"],
                fund["total_points"],
                formats={1: POINTS, 2: POINTS, 3: POINTS},
            )
    sheet.row()
    sheet.header(
        "机构编码",
        "机构名称",
        "病例数",
        "总分值",
        "应支付",
        "确认扣款",
        "已支付",
        "差额",
        "清算支付",
        "清算（扣除预付）",
        *CLEARING_HEADERS,
    )
    money = {i: MONEY for i in range(4, 10 + len(CLEARING_KEYS))}
    for row in s["institutions"]:
        sheet.row(
            row["institution_code"],
            data.institution_names.get(row["institution_code"], ""),
            row["cases"],
            row["points"],
            row["payment"],
            row["deductions"],
            row["fund_paid"],
            row["balance"],
            row.get("final_payment", row["payment"]),
            _dip_clearing(row),
            *(_clearing_value(row, key) for key in CLEARING_KEYS),
            formats={3: POINTS, **money},
        )
    sheet.close()
    cases = _Sheet(book, "DIP病例", [14, 12, 16, 12, 12, 10, 10, 10, 12, 16, 18, 18])
    cases.header(
        "结算ID",
        "机构编码",
        "病种组",
        "病例类型",
        "支付方式",
        "病种分值",
        "机构系数",
        "费用倍率",
        "分值",
        "基金",
        "调整",
        "调整依据",
    )
    for claim, inst, group, ctype, method, rw, coef, ratio, points, *r2 in s["cases"]:
        fund, effect, source = (r2 + [None] * 3)[:3]  # runs before revision 2 lack them
        cases.row(
            claim,
            inst,
            group,
            labels.CASE_TYPES.get(ctype, ctype),
            labels.PAYMENT_METHODS.get(method, method),
            rw,
            coef,
            ratio,
            points,
            label("fund", fund) if fund else None,
            label("points_effect", effect) if effect else None,
            source,
            formats={5: POINTS, 6: POINTS, 7: POINTS, 8: POINTS},
        )
    cases.close()


def _doctors(book: Workbook, data: ReportData) -> None:
    """医师记分: each doctor's points and status, the departments, then every event."""
    ledger = data.doctors
    if ledger is None:
        return
    sheet = _Sheet(book, "医师记分", [14, 12, 12, 24, 10, 8, 16, 10, 8, 10, 14, 20])
    t = ledger.thresholds
    sheet.row(f"{ledger.year} 年度医保医师记分", bold=True)
    sheet.row(
        f"约谈提醒 {t.warn_points} 分，暂停医保支付资格 {t.suspend_points} 分，"
        f"终止医保支付资格 {t.terminate_points} 分"
    )
    sheet.row()
    doctors = ledger.select(institution=data.institution)
    sheet.row(
        "医师代码", "姓名", "职称", "机构", "科室", "记分", "状态", "暂停月数", "疑点数",
        "确认违规数", "确认扣款", bold=True,
    )  # fmt: skip
    for d in doctors:
        sheet.row(
            d.doctor_id,
            d.name,
            d.title,
            f"{d.institution_code or ''} {data.institution_names.get(d.institution_code, '')}",
            d.dept_code,
            d.points,
            label("doctor_status", d.status),
            d.suspend_months or None,
            d.findings,
            d.confirmed,
            d.amount,
        )
    sheet.row()
    sheet.row("按科室", bold=True)
    sheet.row(
        "机构", "科室", "医师数", "约谈提醒", "暂停", "终止", "记分", "疑点数", "确认违规数",
        "确认扣款", bold=True,
    )  # fmt: skip
    for r in ledger.departments(data.institution):
        sheet.row(
            f"{r.institution_code or ''} {data.institution_names.get(r.institution_code, '')}",
            r.dept_code,
            r.doctors,
            r.by_status["warning"],
            r.by_status["suspended"],
            r.by_status["terminated"],
            r.points,
            r.findings,
            r.confirmed,
            r.amount,
        )
    sheet.row()
    sheet.row("记分明细", bold=True)
    sheet.row(
        "医师代码", "姓名", "结算ID", "规则编码", "规则名称", "记分", "认定时间", "疑点ID",
        "政策依据", bold=True,
    )  # fmt: skip
    for d in doctors:
        for e in d.events:
            info = data.rules.get(e.rule_id)
            sheet.row(
                d.doctor_id,
                d.name,
                e.claim_id,
                e.code,
                info.name_zh if info else e.rule_id,
                e.points,
                when(e.decided_at),
                e.finding_id,
                info.basis if info else "",
            )


def _appraisal(book: Workbook, data: ReportData) -> None:
    """考核: each institution's four parts, score and appraisal coefficient (analytics.md §4)."""
    from engine.analytics.appraise import PARTS

    a = data.appraisal
    if a is None:
        return
    sheet = _Sheet(book, "考核", [14, 30] + [12] * 6 + [10, 10])
    sheet.row(f"{a['year']} 年度定点机构考核", bold=True)
    sheet.row("数据质量取自审核批次", a["audit_run"] or "（尚未审核）")
    sheet.row("权重", *(f"{label('appraisal_part', p)} {a['weights'][p]}" for p in PARTS))
    sheet.row("分档", *(f"≥{low} → {coef}" for low, coef in a["bands"]))
    sheet.row("缺项的权重按比例分给其余各项。")
    sheet.row()
    sheet.row(
        "机构编码", "机构名称", *(label("appraisal_part", p) for p in PARTS),
        "费用指数", "时间指数", "得分", "考核系数", bold=True,
    )  # fmt: skip
    for i in a["institutions"]:
        parts = i["parts"]
        sheet.row(
            i["institution_code"],
            i["name"],
            *(parts[p]["score"] for p in PARTS),
            parts["cost_control"]["cost_index"],
            parts["length_of_stay"]["time_index"],
            i["score"],
            i["coefficient"],
        )


def write_xlsx(data: ReportData, path: Path) -> None:
    book = Workbook(write_only=True)
    _summary(book, data)
    _findings(book, data)
    _settlement(book, data)
    _doctors(book, data)
    _appraisal(book, data)
    for title, table in data.sections:
        sheet = _Sheet(book, title)
        for i, row in enumerate(table):
            sheet.row(*row, bold=i == 0)
    book.save(path)


def write_table(path: Path, title: str, rows: list[list]) -> None:
    """One sheet holding a table whose first row is its header (e.g. ``yibao rules list``)."""
    book = Workbook(write_only=True)
    sheet = _Sheet(book, title)
    for number, row in enumerate(rows):
        sheet.row(*row, bold=number == 0)
    book.save(path)

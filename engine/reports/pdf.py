"""The document handed to an inspected institution: one section per institution (reportlab).

Chinese needs a TrueType CJK font embedded in the file; the product ships one
(``fonts/DroidSansFallbackFull.ttf``) and ``YIBAO_CJK_FONT`` may name another.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from engine.errors import UserError
from engine.labels import label
from engine.reports import labels
from engine.reports.data import ReportData, findings_by_rule

FONT = "YibaoCJK"
LATIN = "Helvetica"  # a PDF standard font: every viewer has it, nothing to embed
BUNDLED_FONT = Path(__file__).with_name("fonts") / "DroidSansFallbackFull.ttf"


def register_font() -> str:
    """Register the CJK font once; a font that cannot be embedded is a clear error."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    path = Path(os.environ.get("YIBAO_CJK_FONT") or BUNDLED_FONT)
    try:
        pdfmetrics.registerFont(TTFont(FONT, str(path)))
    except (TTFError, OSError) as exc:
        raise UserError(
            f"cannot use the font {path} for the PDF report ({exc}); "
            "set YIBAO_CJK_FONT to a TrueType font with Chinese glyphs"
        ) from None
    return FONT


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", base, fontSize=17, leading=24, alignment=1),
        "h2": ParagraphStyle("h2", base, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4),
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=8, leading=11),
        "basis": ParagraphStyle("basis", base, fontSize=8.5, leading=12, textColor=colors.grey),
        "num": ParagraphStyle("num", base, fontSize=8, leading=11, alignment=2),
    }


def _runs(text: str) -> list[tuple[str, str]]:
    """Split text into (font, run): characters the CJK font lacks (often Latin) use LATIN."""
    covered = pdfmetrics.getFont(FONT).face.charToGlyph
    runs: list[tuple[str, str]] = []
    for char in text:
        font = FONT if ord(char) in covered or char.isspace() else LATIN
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


def _markup(text) -> str:
    """Escaped paragraph markup with each run in a font that has its glyphs."""
    return "".join(
        escape(run) if font == FONT else f'<font face="{font}">{escape(run)}</font>'
        for font, run in _runs(str(text))
    )


def _p(text, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_markup(text), style)


#: A table row cannot break across pages, so a cell's text is cut to what fits on one.
CELL_CHARS = 600


def _cell(text, style: ParagraphStyle) -> Paragraph:
    """A table cell's paragraph; text too long for a page is cut, saying how long it was."""
    text = str(text)
    if len(text) > CELL_CHARS:
        text = f"{text[:CELL_CHARS]}…（共 {len(text):,} 字）"
    return _p(text, style)


def _draw_right(canvas, x: float, y: float, text: str, size: float) -> None:
    """Draw mixed-script text right-aligned at x, run by run."""
    runs = _runs(text)
    x -= sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs)
    for font, run in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)


def _money(value) -> str:
    return f"{Decimal(value or 0):,.2f}"


def _table(rows: list[list], widths: list[float], st: dict, numeric_from: int) -> Table:
    """A table with a repeated header; text cells wrap, columns from numeric_from align right."""
    cells = [
        [
            cell
            if isinstance(cell, Paragraph)
            else _cell(cell, st["num"] if r and c >= numeric_from else st["small"])
            for c, cell in enumerate(row)
        ]
        for r, row in enumerate(rows)
    ]
    table = LongTable(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa7b4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _institution_section(data: ReportData, code: str, st: dict) -> list:
    findings = [f for f in data.findings if (f["institution_code"] or "-") == code]
    name = data.institution_names.get(code, "")
    start, end = data.period
    story = [
        _p("医疗保障基金使用审核结果告知书", st["title"]),
        Spacer(1, 4 * mm),
        _p(f"被检查机构：{name}（{code}）", st["body"]),
        _p(f"检查期间：{start or '-'} 至 {end or '-'}", st["body"]),
        _p(
            f"审核批次：{data.run_id or '-'}（{data.run_at or '-'}）"
            f"　生成时间：{data.generated_at}",
            st["body"],
        ),
        _p(f"审核日志头：{data.log_head}", st["body"]),
        Spacer(1, 3 * mm),
        _p("一、审核结果汇总", st["h2"]),
    ]
    rows = [["规则编码", "规则名称", "疑点数", "涉及金额（元）", "确认违规", "确认扣款（元）"]]
    grouped = findings_by_rule(findings)
    total = Decimal(0)
    for rule_id, items in grouped.items():
        info = data.rules.get(rule_id)
        confirmed = [f for f in items if f["decision"] == "confirm"]
        deducted = sum((f["deduction"] or Decimal(0) for f in confirmed), Decimal(0))
        total += deducted
        rows.append(
            [
                items[0]["code"],
                _cell(info.name_zh if info else rule_id, st["small"]),
                str(len(items)),
                _money(sum((f["amount"] for f in items), Decimal(0))),
                str(len(confirmed)),
                _money(deducted),
            ]
        )
    widths = [34 * mm, 58 * mm, 16 * mm, 26 * mm, 16 * mm, 26 * mm]
    story.append(_table(rows, widths, st, 2))
    story.append(Spacer(1, 2 * mm))
    story.append(_p(f"确认扣款合计：{_money(total)} 元", st["h2"]))
    story.append(_p("二、疑点明细（按规则）", st["h2"]))
    for number, (rule_id, items) in enumerate(grouped.items(), start=1):
        info = data.rules.get(rule_id)
        head = [
            _p(
                f"{number}. {items[0]['code']} {info.name_zh if info else rule_id}"
                f"（{len(items)} 条）",
                st["body"],
            )
        ]
        if info and info.basis:
            head.append(_p(f"政策依据：{info.basis}", st["basis"]))
        rows = [["结算ID", "项目 / 对象", "说明", "金额", "结论", "扣款"]]
        for f in items:
            item = f["item_name"] or f["item_code"] or f["subject"] or ""
            rows.append(
                [
                    _cell(f["claim_id"] or "-", st["small"]),
                    _cell(item, st["small"]),
                    _cell(f["message"], st["small"]),
                    _money(f["amount"]),
                    labels.decision(f["decision"]),
                    _money(f["deduction"]) if f["decision"] == "confirm" else "",
                ]
            )
        widths = [24 * mm, 30 * mm, 70 * mm, 18 * mm, 17 * mm, 17 * mm]
        story.append(KeepTogether(head))
        story.append(_table(rows, widths, st, 3))
        story.append(Spacer(1, 3 * mm))
    if not findings:
        story.append(_p("本次审核未发现疑点。", st["body"]))
    story += _settlement_rows(data, code, st)
    story += [
        Spacer(1, 10 * mm),
        _p("检查组（签字）：____________________　　日期：__________", st["body"]),
        Spacer(1, 8 * mm),
        _p("被检查机构负责人（签字、盖章）：____________________　　日期：__________", st["body"]),
    ]
    return story


def _settlement_rows(data: ReportData, code: str, st: dict) -> list:
    s = data.settlement
    rows = (s or {}).get("institutions", [])
    row = next((r for r in rows if r["institution_code"] == code), None)
    if row is None:
        return []
    funds = s.get("funds") or {}
    if len(funds) > 1:
        value = "；".join(
            f"{label('fund', name)}点值 {fund['point_value']}" for name, fund in funds.items()
        )
    else:
        value = f"点值 {s.get('point_value')}"
    text = (
        f"{s.get('year')} 年度 DIP 结算：病例 {row['cases']} 例，总分值 {row['points']:,.4f}，"
        f"{value}；应支付 {_money(row['payment'])} 元，已支付 {_money(row['fund_paid'])} 元；"
        f"经结余留用、超支分担后，确认违规扣款 {_money(row['deductions'])} 元全额追回，"
        f"DIP 清算支付 {_money(row.get('final_payment', row['payment']))} 元。"
    )
    if "total_payment" in row:  # revision 2: the whole annual clearing
        text += (
            f"另按床日付费 {_money(row['bed_day_payment'])} 元，按病种付费"
            f" {_money(row['by_disease_payment'])} 元，按项目付费"
            f" {_money(row['fee_for_service_payment'])} 元，门诊慢特病按人头付费"
            f" {_money(row['capitation_payment'])} 元，追回非 DIP 结算确认扣款"
            f" {_money(row['other_deductions'])} 元；本年度合计支付"
            f" {_money(row['total_payment'])} 元。"
        )
    if "total_clearing" in row:
        advanced = sum(Decimal(str(v)) for v in row["advances"].values())
        text += (
            f"已按月预付 {_money(advanced)} 元，年终清算应付"
            f" {_money(row['total_clearing'])} 元（负数为应退回）。"
        )
    return [_p("三、DIP 结算", st["h2"]), _p(text, st["body"])]


def write_pdf(data: ReportData, path: Path) -> None:
    font = register_font()
    st = _styles(font)
    codes = (
        [data.institution]
        if data.institution
        else [s.key for s in data.by_institution]
        or [r["institution_code"] for r in (data.settlement or {}).get("institutions", [])]
    )
    story: list = []
    for i, code in enumerate(codes):
        if i:
            story.append(PageBreak())
        story += _institution_section(data, code, st)
    if not story:
        story = [_p("医疗保障基金使用审核结果告知书", st["title"])]
        story.append(_p("工作区中尚无审核结果（yibao audit）。", st["body"]))

    build_document(path, story, "医疗保障基金使用审核结果告知书")


def build_document(path: Path, story: list, title: str) -> None:
    """Lay out an A4 document with the page number in the footer."""

    def footer(canvas, doc) -> None:
        canvas.saveState()
        _draw_right(canvas, A4[0] - 15 * mm, 10 * mm, f"第 {doc.page} 页", 8)
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="yibao",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)

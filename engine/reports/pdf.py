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
from engine.labels import date_words, label
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


def styles_for(font: str) -> dict[str, ParagraphStyle]:
    """The reports' paragraph styles (CJK wrapping) in ``font``, by name."""
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", base, fontSize=17, leading=24, alignment=1),
        "h2": ParagraphStyle("h2", base, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4),
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=8, leading=11),
        "basis": ParagraphStyle("basis", base, fontSize=8.5, leading=12, textColor=colors.grey),
        "num": ParagraphStyle("num", base, fontSize=8, leading=11, alignment=2),
        "number": ParagraphStyle("number", base, alignment=1),
        "right": ParagraphStyle("right", base, alignment=2),
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


def paragraph(text: object, style: ParagraphStyle) -> Paragraph:
    """``text`` as a paragraph, each run in a font that has its glyphs."""
    return Paragraph(_markup(text), style)


#: A table row cannot break across pages, so a cell's text is cut to what fits on one.
CELL_CHARS = 600


def _cell(text, style: ParagraphStyle) -> Paragraph:
    """A table cell's paragraph; text too long for a page is cut, saying how long it was."""
    text = str(text)
    if len(text) > CELL_CHARS:
        text = f"{text[:CELL_CHARS]}…（共 {len(text):,} 字）"
    return paragraph(text, style)


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


def table_of(rows: list[list], widths: list[float], st: dict, numeric_from: int) -> Table:
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


BLANK = "________________"  # a setting not made: a blank the issuer fills by hand

#: Rows of a rule's table kept on the page of its heading (a heading never ends a page alone).
ROWS_WITH_HEADING = 3


def _period(findings: list[dict], fallback: tuple) -> tuple[str | None, str | None]:
    """The date range of the claims the notice is about; the institution's claims if none."""
    starts = [f["admission_date"] for f in findings if f.get("admission_date")]
    ends = [f["discharge_date"] or f["admission_date"] for f in findings if f.get("admission_date")]
    return (min(starts), max(ends)) if starts else tuple(fallback)


def _rule_block(number: int, info, items: list[dict], rows: list[list], widths, st) -> list:
    """A rule's heading, basis and table; the heading stays with the table's first rows."""
    head = [
        paragraph(
            f"{number}. {items[0]['code']} {info.name_zh if info else items[0]['rule_id']}"
            f"（{len(items)} 条）",
            st["body"],
        )
    ]
    if info and info.basis:
        head.append(paragraph(f"政策依据：{info.basis}", st["basis"]))
    first = rows[: 1 + ROWS_WITH_HEADING]
    story = [KeepTogether([*head, table_of(first, widths, st, 3)])]
    if len(rows) > len(first):
        story.append(table_of([rows[0], *rows[len(first) :]], widths, st, 3))
    story.append(Spacer(1, 3 * mm))
    return story


def _finding_rows(items: list[dict], st: dict, with_deduction: bool) -> list[list]:
    """A rule's findings as table rows (the deduction column only for confirmed ones)."""
    rows = [["结算ID", "项目 / 对象", "说明", "金额", "结论", "扣款"][: 6 if with_deduction else 5]]
    for f in items:
        item = f["item_name"] or f["item_code"] or f["subject"] or ""
        rows.append(
            [
                _cell(f["claim_id"] or "-", st["small"]),
                _cell(item, st["small"]),
                _cell(f["message"], st["small"]),
                _money(f["amount"]),
                labels.decision(f["decision"]),
                _money(f["deduction"]),
            ][: 6 if with_deduction else 5]
        )
    return rows


FINDING_WIDTHS = [24 * mm, 30 * mm, 70 * mm, 18 * mm, 17 * mm, 17 * mm]
PENDING_WIDTHS = [24 * mm, 30 * mm, 87 * mm, 18 * mm, 17 * mm]


def institution_section(data: ReportData, code: str, st: dict) -> list:
    """The notice to one institution: its confirmed findings only; findings not yet decided
    follow in a separately titled appendix, dismissed ones not at all."""
    mine = [f for f in data.findings if (f["institution_code"] or "-") == code]
    confirmed = [f for f in mine if f["decision"] == "confirm"]
    pending = [f for f in mine if f["decision"] in (None, "info")]
    name = data.institution_names.get(code, "")
    notice = data.notice
    issuer = notice.get("notice.issuer") or BLANK
    days = notice.get("notice.objection_days") or 7
    start, end = _period(confirmed or mine, data.period)
    period = f"{date_words(start) or '-'}至{date_words(end) or '-'}"
    story = [paragraph("医疗保障基金使用审核结果告知书", st["title"])]
    story.append(paragraph(notice.get("notice.number") or "", st["number"]))
    story += [
        Spacer(1, 3 * mm),
        paragraph(f"{name or code}（机构编码 {code}）：", st["body"]),
        paragraph(
            f"　　{issuer}依据《医疗保障基金使用监督管理条例》等规定，对你单位{period}"
            f"的医疗保障基金使用情况进行了审核。经审核，认定以下问题，现将结果告知如下。",
            st["body"],
        ),
        Spacer(1, 3 * mm),
        paragraph("一、认定违规情况汇总", st["h2"]),
    ]
    grouped = findings_by_rule(confirmed)
    rows = [["规则编码", "规则名称", "违规数", "涉及金额（元）", "扣款金额（元）"]]
    total = Decimal(0)
    for rule_id, items in grouped.items():
        info = data.rules.get(rule_id)
        deducted = sum((f["deduction"] or Decimal(0) for f in items), Decimal(0))
        total += deducted
        rows.append(
            [
                items[0]["code"],
                _cell(info.name_zh if info else rule_id, st["small"]),
                str(len(items)),
                _money(sum((f["amount"] for f in items), Decimal(0))),
                _money(deducted),
            ]
        )
    if grouped:
        story.append(table_of(rows, [34 * mm, 66 * mm, 18 * mm, 30 * mm, 30 * mm], st, 2))
        story.append(Spacer(1, 2 * mm))
        story.append(paragraph(f"确认扣款合计：{_money(total)} 元", st["h2"]))
        story.append(paragraph("二、违规明细（按规则）", st["h2"]))
        for number, (rule_id, items) in enumerate(grouped.items(), start=1):
            rows = _finding_rows(items, st, with_deduction=True)
            story += _rule_block(number, data.rules.get(rule_id), items, rows, FINDING_WIDTHS, st)
    else:
        story.append(paragraph("本次审核未认定违规问题。", st["body"]))
    story += _settlement_rows(data, code, st, "三" if grouped else "二")  # sections count on
    story.append(
        KeepTogether(
            [
                paragraph("陈述与申辩", st["h2"]),
                paragraph(
                    f"　　如对上述认定有异议，请自收到本告知书之日起 {days} 日内向{issuer}"
                    "提出书面陈述、申辩，并提供相关证明材料；逾期未提出的，视为无异议。",
                    st["body"],
                ),
                Spacer(1, 10 * mm),
                paragraph(f"{issuer}（盖章）", st["right"]),
                paragraph(date_words(data.generated_at), st["right"]),
                Spacer(1, 8 * mm),
                paragraph(
                    "被检查机构负责人（签字、盖章）：____________________　　签收日期：__________",
                    st["body"],
                ),
                Spacer(1, 4 * mm),
                paragraph(f"审核日志校验码：{data.log_head}", st["basis"]),
            ]
        )
    )
    if pending:
        story += [
            PageBreak(),
            paragraph("附件：待审核疑点清单（尚未认定，不作为本告知书的处理依据）", st["h2"]),
            paragraph(
                "　　以下疑点尚在审核中，列出供你单位核对并提供说明材料；认定结果将另行告知。",
                st["body"],
            ),
            Spacer(1, 2 * mm),
        ]
        for number, (rule_id, items) in enumerate(findings_by_rule(pending).items(), start=1):
            rows = _finding_rows(items, st, with_deduction=False)
            story += _rule_block(number, data.rules.get(rule_id), items, rows, PENDING_WIDTHS, st)
    return story


def _settlement_rows(data: ReportData, code: str, st: dict, number: str) -> list:
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
    return [paragraph(f"{number}、DIP 结算", st["h2"]), paragraph(text, st["body"])]


def write_pdf(data: ReportData, path: Path) -> None:
    font = register_font()
    st = styles_for(font)
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
        story += institution_section(data, code, st)
    if not story:
        story = [paragraph("医疗保障基金使用审核结果告知书", st["title"])]
        story.append(paragraph("工作区中尚无审核结果（yibao audit）。", st["body"]))

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

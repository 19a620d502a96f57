"""The analysts' workbook is a working table: filters on each table, dates as dates, money
and points with their formats, and the DIP clearing less advances filled in."""

from datetime import datetime

from openpyxl import load_workbook

from engine.dip.settlement import settle
from engine.findings import list_findings
from engine.reports import write_report
from engine.review import decide
from engine.rules import run_audit


def test_tables_filter_dates_are_dates_and_amounts_have_formats(sample_ws, plugins, tmp_path):
    run_audit(sample_ws, plugins=plugins)
    first = next(f for f in list_findings(sample_ws) if f["amount"] > 20)
    decide(sample_ws, [first["finding_id"]], "confirm", reviewer="张审核", deduction="12.5")
    settle(sample_ws, plugins=plugins)
    out = tmp_path / "book.xlsx"
    write_report(sample_ws, out, plugins=plugins)
    book = load_workbook(out)

    findings = book["疑点明细"]
    assert findings.auto_filter.ref == f"A1:U{findings.max_row}"
    assert findings.freeze_panes == "A2"  # the header stays in view over a thousand rows
    header = [c.value for c in findings[1]]
    row = next(
        r
        for r in range(2, findings.max_row + 1)
        if findings.cell(r, 1).value == first["finding_id"]
    )
    decided = findings.cell(row, header.index("审核时间") + 1)
    assert isinstance(decided.value, datetime) and decided.number_format == "yyyy-mm-dd hh:mm"
    amount = findings.cell(2, header.index("涉及金额") + 1)
    assert amount.number_format == "#,##0.00"

    dip = book["DIP结算"]
    head_row = next(r for r in range(1, dip.max_row + 1) if dip.cell(r, 1).value == "机构编码")
    assert dip.auto_filter.ref.startswith(f"A{head_row}:")
    headers = [c.value for c in dip[head_row]]
    clearing = headers.index("清算（扣除预付）") + 1
    for r in range(head_row + 1, dip.max_row + 1):
        assert isinstance(dip.cell(r, clearing).value, (int, float))
        assert dip.cell(r, clearing).number_format == "#,##0.00"
        assert dip.cell(r, headers.index("总分值") + 1).number_format == "#,##0.0000"
    assert book["DIP病例"].auto_filter.ref.startswith("A1:")
    # the cases are read from the workspace as the sheet is written (not held): every one
    stored = sample_ws.conn.execute(
        "SELECT claim_id FROM settlement_cases ORDER BY institution_code, claim_id"
    ).fetchall()
    sheet = [r[0] for r in book["DIP病例"].iter_rows(min_row=2, values_only=True)]
    assert len(stored) > 1 and sheet == [r[0] for r in stored]
    summary = book["汇总"]
    generated = next(r for r in summary.iter_rows(values_only=True) if r[0] == "生成时间")
    assert isinstance(generated[1], datetime)

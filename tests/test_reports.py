"""Reports: the analysts' workbook and the institution's PDF show the latest decisions."""

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from engine.dip.settlement import settle
from engine.errors import UserError
from engine.findings import list_findings
from engine.reports import write_report
from engine.review import decide
from engine.rules import run_audit


@pytest.fixture
def reviewed(r2_ws, plugins):
    """The revision-2 sample audited and settled; its split stay (S-STAY3, H002) confirmed at
    500, the child drug revised."""
    sample_ws = r2_ws
    run_audit(sample_ws, plugins=plugins)
    findings = {f["code"]: f for f in list_findings(sample_ws)}
    split = findings["GZ10000204001000"]["finding_id"]
    decide(sample_ws, [split], "confirm", reviewer="张审核", deduction="500")
    child = findings["GZ10000101007000"]["finding_id"]
    decide(sample_ws, [child], "confirm", reviewer="张审核")
    decide(sample_ws, [child], "dismiss", reviewer="李复核", comment="病历证实为儿童处方")
    settle(sample_ws, plugins=plugins)
    return sample_ws


def _rows(sheet):
    return [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]


def test_workbook_has_summary_findings_and_settlement(reviewed, plugins, tmp_path):
    out = tmp_path / "审核.xlsx"
    write_report(reviewed, out, plugins=plugins)
    book = load_workbook(out)
    assert book.sheetnames[:3] == ["汇总", "疑点明细", "DIP结算"]

    summary = _rows(book["汇总"])
    # H002: the CT above its cap (30.00) and the split stay (its fund_paid 2,598.75)
    h002 = next(r for r in summary if r[0] == "H002")
    assert h002[1:] == ("市中医院", 2, 2628.75, 1, 500)
    split = next(r for r in summary if r[0] == "GZ10000204001000")
    assert split[1] == "分解住院" and split[5] == 500

    header, *findings = _rows(book["疑点明细"])
    assert len(findings) == len(list_findings(reviewed))
    col = {name: i for i, name in enumerate(header)}
    child = next(r for r in findings if r[col["规则编码"]] == "GZ10000101007000")
    assert child[col["审核结论"]] == "不予认定"  # the latest decision, not the first
    assert child[col["审核人"]] == "李复核"
    assert child[col["人员编号"]] and child[col["项目名称"]] == "小儿氨酚黄那敏颗粒"

    settlement = _rows(book["DIP结算"])
    assert any("点值" in r for r in settlement)  # a row of its own, or each fund's
    labelled = {r[0]: r[1] for r in settlement if r[0] in ("点值", "基金支付比例", "总分值")}
    assert None not in labelled.values()  # no label left blank (split funds: per-fund rows)
    h002_dip = next(r for r in settlement if r[0] == "H002")
    # the split stay's rule takes its points away (points_effect zero): its 500 is not also
    # deducted (dip_spec r2)
    assert h002_dip[5] == 0


def test_pdf_for_one_institution_embeds_a_cjk_font(reviewed, plugins, tmp_path):
    out = tmp_path / "H002.pdf"
    write_report(reviewed, out, institution="H002", plugins=plugins)
    reader = PdfReader(out)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "医疗保障基金使用审核结果告知书" in text
    assert "市中医院" in text and "H002" in text
    assert "分解住院" in text and "政策依据" in text
    assert "确认扣款合计：500.00" in text.replace(" ", "")
    assert "市第一人民医院" not in text  # only the named institution
    assert b"/FontFile2" in out.read_bytes()  # the TrueType CJK font is embedded


def test_report_errors_are_clear_and_leave_no_file(reviewed, plugins, tmp_path):
    with pytest.raises(UserError, match="xlsx or .pdf"):
        write_report(reviewed, tmp_path / "r.docx", plugins=plugins)
    with pytest.raises(UserError, match="no institution H999"):
        write_report(reviewed, tmp_path / "r.pdf", institution="H999", plugins=plugins)
    assert list(tmp_path.glob("r.*")) == [] and list(tmp_path.glob(".yibao-partial-*")) == []


def test_report_command_writes_the_workbook(reviewed, tmp_path, capsys):
    from engine.cli import main

    path = str(reviewed.path)
    reviewed.close()
    out = tmp_path / "r.xlsx"
    assert main(["report", "-w", path, "--out", str(out), "--json"]) == 0
    printed = capsys.readouterr().out
    assert '"confirmed_deductions": 500.0' in printed and out.is_file()
    assert main(["report", "-w", path, "--out", str(tmp_path / "r.txt")]) == 2
    assert "xlsx or .pdf" in capsys.readouterr().err

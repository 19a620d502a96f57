"""The 告知书 a hospital receives: confirmed findings only (pending ones in a titled appendix,
dismissed ones nowhere), the period of its claims, dates in words, the issuer, document number
and days to object from the workspace's settings, and no rule heading left alone on a page."""

import re

import pytest
from pypdf import PdfReader
from reportlab.platypus import KeepTogether, Paragraph, Table

from engine.cli import main
from engine.errors import UserError
from engine.findings import list_findings
from engine.labels import date_words
from engine.reports import write_report
from engine.reports.data import gather
from engine.reports.notice_settings import notice_settings, set_notice_setting
from engine.reports.pdf import institution_section, register_font, styles_for
from engine.review import decide
from engine.rules import run_audit

APPENDIX = "附件：待审核疑点清单"


@pytest.fixture
def decided(r2_ws, plugins):
    """The revision-2 sample: H002's split stay (S-STAY3) confirmed at 500, the child drug
    dismissed, the rest pending."""
    sample_ws = r2_ws
    run_audit(sample_ws, plugins=plugins)
    found = {f["code"]: f for f in list_findings(sample_ws)}
    decide(
        sample_ws,
        [found["GZ10000204001000"]["finding_id"]],
        "confirm",
        reviewer="张审核",
        deduction="500",
    )
    decide(
        sample_ws,
        [found["GZ10000101007000"]["finding_id"]],
        "dismiss",
        reviewer="张审核",
        comment="x",
    )
    return sample_ws


def data_date(ws) -> str:
    return gather(ws).generated_at


def _text(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages).replace(" ", "")


def test_the_notice_states_confirmed_findings_and_lists_pending_ones_apart(
    decided, plugins, tmp_path
):
    set_notice_setting(decided, "notice.issuer", "某市医疗保障局")
    set_notice_setting(decided, "notice.number", "某医保稽〔2025〕12号")
    set_notice_setting(decided, "notice.objection_days", "15")
    out = tmp_path / "H002.pdf"
    write_report(decided, out, institution="H002", plugins=plugins)
    text = _text(out)
    body, _, appendix = text.partition(APPENDIX)
    assert "某医保稽〔2025〕12号" in body and "15日内向某市医疗保障局" in body
    assert "分解住院" in body and "确认扣款合计：500.00" in body
    assert "药品限儿童使用" not in text  # dismissed: in neither part
    pending = [
        f for f in list_findings(decided) if f["institution_code"] == "H002" and not f["decision"]
    ]
    assert bool(appendix) == bool(pending)
    for f in pending:
        assert f["code"] in appendix and f["code"] not in body
    # the period is that of the confirmed findings' claims, written in words
    claim = next(f for f in list_findings(decided) if f["code"] == "GZ10000204001000")
    dates = decided.conn.execute(
        "SELECT admission_date, discharge_date FROM claims WHERE claim_id = ?",
        (claim["claim_id"],),
    ).fetchone()
    assert f"对你单位{date_words(dates[0])}至{date_words(dates[1])}" in body
    head, _, rest = body.partition("一、")
    tail = rest.partition("陈述与申辩")[2]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", head + tail)  # dates in words (not messages')
    assert date_words(data_date(decided)) in tail
    assert not re.search(r"A[0-9a-f]{12}", body)  # no internal run ids


def test_a_notice_without_settings_leaves_blanks_to_fill_in(decided, plugins, tmp_path):
    assert notice_settings(decided)["notice.objection_days"] == 7
    out = tmp_path / "n.pdf"
    write_report(decided, out, institution="H002", plugins=plugins)
    assert "7日内向________________提出" in _text(out)


def test_bad_notice_settings_are_refused(decided):
    with pytest.raises(UserError, match="whole number of days"):
        set_notice_setting(decided, "notice.objection_days", "soon")
    with pytest.raises(UserError, match="no notice setting"):
        set_notice_setting(decided, "notice.colour", "red")


def test_every_rule_heading_is_kept_with_its_table(decided, plugins):
    for f in list_findings(decided):
        decide(decided, [f["finding_id"]], "confirm", reviewer="张审核")
    data = gather(decided, plugins=plugins)
    story = institution_section(data, "H002", styles_for(register_font()))
    headings = [
        i for i, x in enumerate(story) if isinstance(x, Paragraph) and re.match(r"\d+\. ", x.text)
    ]
    assert headings == []  # no heading stands alone in the story
    blocks = [x for x in story if isinstance(x, KeepTogether)]
    kept = [b for b in blocks if isinstance(b._content[0], Paragraph)]
    rules = {f["rule_id"] for f in list_findings(decided) if f["institution_code"] == "H002"}
    with_table = [b for b in kept if any(isinstance(x, Table) for x in b._content)]
    assert len(with_table) == len(rules)


def test_settings_command_sets_the_notice(decided, capsys):
    path = str(decided.path)
    assert main(["settings", "set", "-w", path, "notice.issuer", "某市医疗保障局"]) == 0
    assert main(["settings", "set", "-w", path, "notice.objection_days", "x"]) == 2
    assert main(["settings", "list", "-w", path]) == 0
    assert "某市医疗保障局" in capsys.readouterr().out


def test_sections_count_on_when_nothing_was_confirmed(decided, plugins):
    """An institution with nothing confirmed has no 违规明细: its DIP section is 二, not 三."""
    from engine.dip.settlement import settle

    settle(decided, plugins=plugins)
    data = gather(decided, plugins=plugins)
    clean = next(
        i["institution_code"]
        for i in data.settlement["institutions"]
        if i["institution_code"] != "H002"
    )
    story = institution_section(data, clean, styles_for(register_font()))
    headings = [
        re.sub("<[^>]+>", "", x.text)  # the Latin letters' font tags
        for x in story
        if isinstance(x, Paragraph) and re.match(r"[一二三四]、", x.text)
    ]
    assert headings == ["一、认定违规情况汇总", "二、DIP 结算"]
    story = institution_section(data, "H002", styles_for(register_font()))
    headings = [
        re.sub("<[^>]+>", "", x.text)  # the Latin letters' font tags
        for x in story
        if isinstance(x, Paragraph) and re.match(r"[一二三四]、", x.text)
    ]
    assert headings == ["一、认定违规情况汇总", "二、违规明细（按规则）", "三、DIP 结算"]

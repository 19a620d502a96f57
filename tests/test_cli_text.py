"""The command line speaks the auditor's language: Chinese text when the locale is zh or with
``--lang zh``, table headers and rule names, ``findings`` filters with a count."""

import json

import pytest

from engine.cli import main
from engine.cli.common import locale_lang, take_lang, text_width
from engine.findings import list_findings


@pytest.fixture
def audited(sample_ws, capsys):
    path = str(sample_ws.path)
    assert main(["audit", "-w", path, "--lang", "zh"]) == 0
    return path


def test_audit_summary_in_chinese_with_rule_names(audited, capsys):
    out = capsys.readouterr().out
    assert out.startswith("批次 A") and "4 个疑点" in out
    assert "规则编码" in out and "GZ10000102001000  医疗服务项目超限定单价收费" in out


def test_findings_filter_and_count(audited, sample_ws, capsys):
    capsys.readouterr()
    every = list_findings(sample_ws)
    split = next(f for f in every if f["code"] == "GZ10000102001000")
    assert main(["--lang", "zh", "findings", "-w", audited, "--rule", split["code"]]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["疑点ID", "机构", "结算ID"]
    assert "S-CT" in out[1] and "未审核" in out[1] and out[-1] == "共 1 个疑点"
    main(["review", "-w", audited, split["finding_id"], "--decision", "confirm", "--lang", "zh"])
    assert "确认违规，扣款" in capsys.readouterr().out
    main(["findings", "-w", audited, "--status", "pending", "--lang", "en"])
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:2] == ["finding", "inst."] and out[-1] == f"{len(every) - 1} findings"
    h001 = [f for f in every if f["institution_code"] == "H001" and f["severity"] == "violation"]
    main(["findings", "-w", audited, "--institution", "H001", "--severity", "violation", "--json"])
    assert json.loads(capsys.readouterr().out)["count"] == len(h001)


def test_the_language_follows_the_locale_unless_told():
    assert locale_lang({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert locale_lang({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert locale_lang({}) == "en"
    assert take_lang(["findings", "--lang=zh", "-w", "x"]) == (["findings", "-w", "x"], "zh")
    assert text_width("分解住院 ab") == 11


def test_exports_carry_a_bom_for_excel_unless_told_not_to(sample_ws, tmp_path, capsys):
    path = str(sample_ws.path)
    assert main(["export", path, "--out", str(tmp_path / "with")]) == 0
    assert main(["export", path, "--out", str(tmp_path / "without"), "--no-bom"]) == 0
    assert (tmp_path / "with" / "claims.csv").read_bytes().startswith(b"\xef\xbb\xbfclaim_id")
    assert (tmp_path / "without" / "claims.csv").read_bytes().startswith(b"claim_id")
    again = tmp_path / "again.yibao"
    assert main(["import", str(tmp_path / "with"), "-w", str(again)]) == 0  # reads back
    assert "8" in capsys.readouterr().out


def test_the_readme_review_example_works_on_the_demo(tmp_path, capsys):
    from pathlib import Path

    from engine.workspace import Workspace

    lines = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "review" in line and "--deduction" in line)
    findings, review = (lines[i].split("#")[0].split()[1:] for i in (at - 1, at))
    assert findings[0] == "findings" and review[0] == "review"
    demo = tmp_path / "demo.yibao"
    assert main(["demo", "-w", str(demo)]) == 0
    capsys.readouterr()
    local = [str(demo) if w == "demo.yibao" else w for w in findings]
    assert main([*local, "--json"]) == 0
    chosen = json.loads(capsys.readouterr().out)["findings"][0]
    local = [str(demo) if w == "demo.yibao" else w for w in review]
    assert main([chosen["finding_id"] if w == "FINDING_ID" else w for w in local]) == 0
    with Workspace.open(demo) as ws:
        done = next(f for f in list_findings(ws) if f["finding_id"] == chosen["finding_id"])
    deduction = float(review[review.index("--deduction") + 1])
    assert (done["decision"], done["deduction"]) == ("confirm", deduction)


def test_a_wrong_argument_on_a_json_line_is_one_json_object(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["findings", "-w", "x.yibao", "--status", "foo", "--json"])
    assert stop.value.code == 2
    out = json.loads(capsys.readouterr().out)
    assert "invalid choice: 'foo'" in out["error"] and out["error"].startswith("yibao findings")
    with pytest.raises(SystemExit):
        main(["findings", "-w", "x.yibao", "--status", "foo"])  # without --json: usage only
    assert capsys.readouterr().out == ""


def test_findings_of_a_rule_that_does_not_exist_is_refused(audited, capsys):
    capsys.readouterr()
    assert main(["findings", "-w", audited, "--rule", "GZ9999", "--lang", "zh"]) == 2
    assert "没有规则 GZ9999" in capsys.readouterr().err  # a typo, not "0 findings"
    # a rule in force that found nothing is an answer, not an error
    assert main(["findings", "-w", audited, "--rule", "GZ10000101002000", "--lang", "zh"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "共 0 个疑点"

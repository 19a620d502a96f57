"""The command line speaks the auditor's language: Chinese text when the locale is zh or with
``--lang zh``, table headers and rule names, ``findings`` filters with a count."""

import json

import pytest

from engine.cli import main
from engine.cli.common import locale_lang, take_lang, text_width
from engine.rules import list_findings


@pytest.fixture
def audited(sample_ws, capsys):
    path = str(sample_ws.path)
    assert main(["audit", "-w", path, "--lang", "zh"]) == 0
    return path


def test_audit_summary_in_chinese_with_rule_names(audited, capsys):
    out = capsys.readouterr().out
    assert out.startswith("批次 A") and "疑点 5 个" in out
    assert "规则编码" in out and "GZ10000204001000  分解住院" in out


def test_findings_filter_and_count(audited, sample_ws, capsys):
    capsys.readouterr()
    every = list_findings(sample_ws)
    split = next(f for f in every if f["code"] == "GZ10000204001000")
    assert main(["--lang", "zh", "findings", "-w", audited, "--rule", split["code"]]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["疑点ID", "机构", "结算ID"]
    assert "分解住院" in out[1] and "未审核" in out[1] and out[-1] == "共 1 个疑点"
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

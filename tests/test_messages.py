"""Findings a hospital can read (issue 16 item 6): coded values are words in the message's
language, never an English enum word or a bare ``=0/1`` flag in a Chinese message."""

import re
from pathlib import Path

import pytest

from engine.demo.generator import write_package
from engine.ingest import import_package
from engine.labels import TABLES
from engine.rules import run_audit
from engine.workspace import Workspace

DATA = Path(__file__).parent / "data"
SAMPLE, R2_SAMPLE = DATA / "sample", DATA / "dip_sample" / "package"
ENUM_WORDS = {code for words in TABLES.values() for code in words if code.isalpha()}
ENGLISH_ENUM = re.compile(r"(?<![A-Za-z_])(" + "|".join(sorted(ENUM_WORDS)) + r")(?![A-Za-z_])")
BARE_FLAG = re.compile(r"[=＝]\s*[01](?!\d)|（[01]）")


def _problems(findings) -> list[str]:
    return [
        f.message for f in findings if ENGLISH_ENUM.search(f.message) or BARE_FLAG.search(f.message)
    ]


def test_the_patterns_catch_what_revision_1_wrote():
    assert ENGLISH_ENUM.search("本次险种为employee") and ENGLISH_ENUM.search("就诊类型为inpatient")
    assert BARE_FLAG.search("目录内=1") and BARE_FLAG.search("患者性别（1）")
    assert not ENGLISH_ENUM.search("CT检查占比") and not BARE_FLAG.search("单价10元")


@pytest.mark.parametrize("package", [SAMPLE, R2_SAMPLE], ids=["sample", "r2-sample"])
def test_no_chinese_message_of_the_samples_shows_a_code(tmp_path, plugins, package):
    ws = Workspace.open(tmp_path / "s.yibao")
    import_package(ws, package)
    findings = run_audit(ws, plugins=plugins).findings
    ws.close()
    assert findings and _problems(findings) == []


@pytest.fixture
def demo_ws(tmp_path):
    write_package(tmp_path / "region", seed=3, lines_target=4000)
    ws = Workspace.open(tmp_path / "demo.yibao")
    import_package(ws, tmp_path / "region")
    yield ws
    ws.close()


def test_no_chinese_message_of_the_demo_shows_a_code(demo_ws, plugins):
    findings = run_audit(demo_ws, plugins=plugins).findings
    assert len({f.code for f in findings}) >= 20  # the planted kinds, old and new
    assert _problems(findings) == []
    xw02 = next(f for f in findings if f.code == "XW02")
    assert "门诊结算" in xw02.message and "outpatient" in xw02.message_en

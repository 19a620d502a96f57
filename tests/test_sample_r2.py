"""The revision-2 public sample (spec/sample, copied to tests/data/dip_sample): its expected
findings, institution findings and clean claims (expected.json), exactly. The settlement
part of expected.json is checked in test_dip.py."""

import json
from pathlib import Path

import pytest

from engine.ingest import import_package
from engine.rules import run_audit
from engine.workspace import Workspace

R2 = Path(__file__).parent / "data" / "dip_sample"


@pytest.fixture
def r2_ws(tmp_path):
    ws = Workspace.open(tmp_path / "r2.yibao")
    import_package(ws, R2 / "package")
    yield ws
    ws.close()


def test_r2_sample_findings_exactly(r2_ws, plugins):
    expected = json.loads((R2 / "expected_findings.json").read_text(encoding="utf-8"))
    result = run_audit(r2_ws, plugins=plugins)
    claim_findings = {
        (f.claim_id, f.line_no, f.code): f.to_json()["amount"]
        for f in result.findings
        if f.claim_id
    }
    want = {(c, line, code): amount for c, line, code, amount in expected["findings"]}
    assert claim_findings == want
    institutions = {(f.institution_code, f.code) for f in result.findings if not f.claim_id}
    assert institutions == {tuple(x) for x in expected["institution_findings"]}
    assert not {f.claim_id for f in result.findings} & set(expected["clean_claims"])


def test_r2_sample_severities_and_words(r2_ws, plugins):
    by_key = {(f.claim_id, f.code): f for f in run_audit(r2_ws, plugins=plugins).findings}
    jc03 = by_key[("S-JC03", "JC03")]
    assert jc03.severity == "violation" and "自费2元" in jc03.message
    split = by_key[("S-STAY3", "GZ10000204001000")]
    assert split.severity == "suspicious" and "同类疾病（J18）" in split.message
    assert ("S-JC03-PAID", "JC03") not in by_key  # the patient paid the whole excess

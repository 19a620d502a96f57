"""The tamper-evident log, review rules, and a broken drop-in plug-in."""

from pathlib import Path

import pytest

from engine import audit_log
from engine.dip.settlement import settle
from engine.errors import UserError
from engine.findings import list_findings
from engine.ingest import import_any
from engine.plugins import load_plugins
from engine.review import decide
from engine.rules import run_audit
from engine.workspace import Workspace


def test_editing_a_log_row_breaks_verification(sample_ws, plugins):
    run_audit(sample_ws, plugins=plugins)
    assert audit_log.verify(sample_ws.conn).ok
    sample_ws.conn.execute("UPDATE log SET detail = replace(detail, '8', '9') WHERE seq = 1")
    result = audit_log.verify(sample_ws.conn)
    assert not result.ok and result.bad_seq == 1


def test_deduction_cannot_exceed_the_line(sample_ws, plugins):
    run_audit(sample_ws, plugins=plugins)
    child = next(f for f in list_findings(sample_ws) if f["code"] == "GZ10000101007000")
    with pytest.raises(UserError, match="超过涉及金额 .*above the amount"):  # Chinese first
        decide(sample_ws, [child["finding_id"]], "confirm", reviewer="r", deduction="5.41")
    with pytest.raises(UserError, match="不予认定须填写理由 .*reason"):
        decide(sample_ws, [child["finding_id"]], "dismiss", reviewer="r")
    decide(sample_ws, [child["finding_id"]], "confirm", reviewer="r")
    decide(sample_ws, [child["finding_id"]], "dismiss", reviewer="r", comment="处方合理")
    latest = next(f for f in list_findings(sample_ws) if f["finding_id"] == child["finding_id"])
    assert latest["decision"] == "dismiss"
    assert sample_ws.count("reviews") == 2


@pytest.mark.parametrize("deduction", ["abc", "NaN", "Infinity", "1e30", "-1"])
def test_a_deduction_that_is_not_an_amount_is_refused(sample_ws, plugins, deduction):
    run_audit(sample_ws, plugins=plugins)
    finding = list_findings(sample_ws)[0]["finding_id"]
    with pytest.raises(UserError, match="deduction"):
        decide(sample_ws, [finding], "confirm", reviewer="r", deduction=deduction)
    assert sample_ws.count("reviews") == 0


def test_broken_dropin_is_listed_with_its_error_and_work_goes_on(_isolated_plugins, tmp_path):
    (_isolated_plugins / "broken_city.py").write_text(
        "raise RuntimeError('boom')\n", encoding="utf-8"
    )
    (_isolated_plugins / "old_city.py").write_text(
        "PLUGIN_NAME = 'old_city'\nPLUGIN_API = 0\n", encoding="utf-8"
    )
    plugins = load_plugins()
    errors = {i.name: i.error for i in plugins.infos}
    assert "boom" in errors["broken_city"]
    assert "plug-in API 0" in errors["old_city"]
    sample_ws = Workspace.open(tmp_path / "w.yibao")
    sample = Path(__file__).parent / "data" / "sample"
    assert import_any(sample_ws, sample, plugins=plugins).claims == 8
    assert run_audit(sample_ws, plugins=plugins).findings
    assert settle(sample_ws, 2025, plugins=plugins, store=False)["point_value"] == 23.8287

"""Institution appraisal (analytics.md §4) on a hand-computed institution, its band, the
re-weighting of missing parts, and end to end: appraise 2025, apply to 2026, settle 2026."""

import json

import pytest

from engine import audit_log
from engine.analytics.appraise import apply, appraise, band
from engine.dip.settlement import settle
from engine.errors import UserError
from engine.findings import list_findings
from engine.plugins import load_plugins
from engine.review import decide
from engine.rules import run_audit
from tests.analytics_region import claim, make_workspace

EXTRA = [
    # H6: an outpatient claim whose lines (190) do not add up to its total (200)
    claim("X1", "H6", "outpatient", "2025-05-01", "", "J06.900", 200, 160, 190),
    # H9: its only claim, with the same data-quality problem
    claim("X2", "H9", "outpatient", "2025-06-01", "", "J06.900", 50, 40, 40),
    # 2026: one DIP case at H6 and one at H1 (A01.0-CONS, rw 100, avg_cost 1000)
    claim("Y1", "H6", "inpatient", "2026-03-01", "2026-03-06", "A01.000", 1000, 800, 1000),
    claim("Y2", "H1", "inpatient", "2026-03-01", "2026-03-06", "A01.000", 1000, 800, 1000),
]


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    plugins = load_plugins()
    ws = make_workspace(tmp_path_factory.mktemp("appraise"), extra_claims=EXTRA)
    run_audit(ws, plugins=plugins)
    x1 = [f for f in list_findings(ws) if f["claim_id"] == "X1"]
    assert [f["code"] for f in x1] == ["GZ10000201001000"]
    decide(ws, [x1[0]["finding_id"]], "confirm", reviewer="张三", deduction="121.60")
    yield ws, plugins
    ws.close()


def test_hand_computed_institution_and_band(region):
    ws, plugins = region
    out = {i["institution_code"]: i for i in appraise(ws, 2025, plugins=plugins)["institutions"]}
    h6 = out["H6"]
    # H6 in 2025: five DIP cases (cost 3000, fund 2400, LOS 5; A01.0-CONS avg_cost 1000,
    # avg_los 5, c = 1.0) and X1 (fund 160). Σ fund_paid = 5 × 2400 + 160 = 12160.
    # compliance: 100 × (1 − 121.60 / 12160 × 10) = 100 × (1 − 0.1) = 90
    # cost control: cost index = 15000 / (5 × 1000 × 1.0) = 3 → 100 / 3 = 33.3333
    # length of stay: time index = 25 / 25 = 1 → 100
    # data quality: 1 of its 6 claims (X1) has a GZ10000201001000 finding → 100 × 5/6 = 83.3333
    # score = 0.4 × 90 + 0.3 × 33.3333 + 0.1 × 100 + 0.2 × 83.3333 = 72.67 → band ≥ 70 → 0.98
    assert h6["parts"]["compliance"]["score"] == pytest.approx(90)
    assert h6["parts"]["cost_control"]["cost_index"] == pytest.approx(3)
    assert h6["parts"]["cost_control"]["score"] == pytest.approx(100 / 3, abs=1e-5)
    assert h6["parts"]["length_of_stay"]["score"] == pytest.approx(100)
    assert h6["parts"]["data_quality"]["score"] == pytest.approx(500 / 6, abs=1e-5)
    assert h6["score"] == pytest.approx(72.67)
    assert h6["coefficient"] == 0.98


def test_missing_parts_spread_their_weight(region):
    ws, plugins = region
    out = {i["institution_code"]: i for i in appraise(ws, 2025, plugins=plugins)["institutions"]}
    h9 = out["H9"]
    # H9 has no DIP case: cost control and length of stay are missing; compliance (40) and
    # data quality (20) share 100: 40/60 and 20/60. Compliance 100, data quality 0 (its one
    # claim is flagged): score = 66.67 → band ≥ 60 → 0.97
    assert h9["parts"]["cost_control"]["score"] is None
    assert h9["weights"] == {
        "compliance": pytest.approx(66.6667),
        "data_quality": pytest.approx(33.3333),
    }
    assert h9["score"] == pytest.approx(66.67)
    assert h9["coefficient"] == 0.97


def test_bands():
    bands = [[90, 1.0], [80, 0.99], [70, 0.98], [60, 0.97], [0, 0.95]]
    assert [band(s, bands) for s in (100, 90, 89.99, 80, 70, 60, 59.9, 0)] == [
        1.0, 1.0, 0.99, 0.99, 0.98, 0.97, 0.95, 0.95,
    ]  # fmt: skip


def test_nothing_is_written_without_apply(region):
    ws, plugins = region
    before = ws.conn.execute("SELECT count(*) FROM log").fetchone()[0]
    appraise(ws, 2025, plugins=plugins)
    assert ws.conn.execute("SELECT year FROM dip_params").fetchall() == [(2025,)]
    assert ws.conn.execute("SELECT count(*) FROM log").fetchone()[0] == before


def test_apply_to_next_year_then_settle_uses_the_coefficients(region):
    ws, plugins = region
    result = appraise(ws, 2025, plugins=plugins)
    applied = apply(ws, result, 2026)
    assert applied["copied_params_from"] == 2025
    params = json.loads(
        ws.conn.execute("SELECT params FROM dip_params WHERE year = 2026").fetchone()[0]
    )
    assert params["year"] == 2026 and params["appraisal_coefficients"]["H6"] == 0.98
    entry = audit_log.entries(ws.conn)[-1]
    assert entry["action"] == "appraisal_apply" and entry["detail"]["applied_to"] == 2026
    assert audit_log.verify(ws.conn).ok
    out = settle(ws, 2026, plugins=plugins, cases=False)
    payments = {i["institution_code"]: i["payment"] for i in out["institutions"]}
    # 2026: Y1 (H6) and Y2 (H1), each 100 points; φ = 1600 / 2000 = 0.8;
    # PV = (60000 / 0.8) / 200 = 375; H6: 100 × 375 × 0.8 × 0.98 = 29400.
    # H1 in 2025: compliance 100; cost index (5 × 1000 + 5 × 1000 + 5 × 10000) /
    # (10 × 1000 + 5 × 2000) = 3 → 33.33; time index (25 + 75) / 50 = 2 → 50 (B01.0 has no
    # avg_los); data quality 100: 40 + 10 + 5 + 20 = 75 → 0.98: 29400 as well.
    assert float(payments["H6"]) == pytest.approx(29400)
    assert float(payments["H1"]) == pytest.approx(29400)


def test_apply_needs_parameters_to_copy(region):
    ws, plugins = region
    result = appraise(ws, 2025, plugins=plugins) | {"year": 2019}
    with pytest.raises(UserError, match="no DIP parameters for 2030"):
        apply(ws, result, 2030)


def test_xlsx_has_the_appraisal_sheet(region, tmp_path):
    from openpyxl import load_workbook

    from engine.reports import write_report

    ws, plugins = region
    path = tmp_path / "report.xlsx"
    write_report(ws, path, plugins=plugins)
    sheet = load_workbook(path)["考核"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    # the latest year with claims is 2026 here: H6's one case costs the group average
    assert rows[0][0] == "2026 年度定点机构考核"
    header = rows.index(next(r for r in rows if r[0] == "机构编码"))
    assert rows[header][:4] == ["机构编码", "机构名称", "合规", "费用控制"]
    h6 = next(r for r in rows[header + 1 :] if r[0] == "H6")
    assert h6[-2:] == [100, 1.0]


def test_the_cli_commands(region, capsys):
    from engine.cli import main

    ws, _plugins = region
    path = str(ws.path)
    assert main(["rank", "-w", path, "--by", "institution", "--json"]) == 0
    ranking = json.loads(capsys.readouterr().out)
    assert ranking["ranking"][0]["subject"] == "H6"
    assert main(["rank", "-w", path, "--top", "0", "--json"]) == 2
    assert "--top" in json.loads(capsys.readouterr().out)["error"]
    assert main(["rank", "-w", path, "--run", "A-none", "--json"]) == 2
    assert "A-none" in json.loads(capsys.readouterr().out)["error"]
    assert main(["appraise", "-w", path, "--year", "2025"]) == 0
    text = capsys.readouterr().out
    assert "H6" in text and "72.67" in text and "nothing written" in text
    assert main(["monitor", "-w", path, "--year", "2025", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["expenditure"]["through_month"] == 6
    # under a Chinese locale every heading and message is Chinese
    assert main(["appraise", "-w", path, "--year", "2025", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "考核系数" in text and "未写入任何数据" in text and "institution" not in text
    assert main(["monitor", "-w", path, "--year", "2025", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "本年累计" in text and "year to date" not in text and "fund paid" not in text
    assert main(["rank", "-w", path, "--by", "institution", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "综合得分" in text and "H6" in text and "subjects" not in text


def test_after_apply_to_a_year_without_claims_settle_defaults_to_the_year_with_them(tmp_path):
    """apply-to writes next year's parameters before next year's claims exist: a settlement
    (or special-case list) without --year is of the latest year that has discharges, not an
    empty one."""
    from engine.dip.params import resolve_params

    plugins = load_plugins()
    ws = make_workspace(tmp_path)  # claims of 2025 only
    try:
        run_audit(ws, plugins=plugins)
        apply(ws, appraise(ws, 2025, plugins=plugins), 2026)
        assert resolve_params(ws, None, plugins=plugins)["year"] == 2025
        assert settle(ws, plugins=plugins, cases=False)["year"] == 2025
        assert resolve_params(ws, 2026, plugins=plugins)["year"] == 2026  # asked for, it is used
    finally:
        ws.close()

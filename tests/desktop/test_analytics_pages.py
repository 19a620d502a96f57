"""异常排名, 考核 and 基金监测 under pytest-qt, on the analytics test region (audited)."""

import json

import pytest

from engine.plugins import load_plugins
from engine.rules import run_audit
from tests.analytics_region import claim, make_workspace
from tests.desktop.qt_helpers import run_job

PRIOR = [claim("O1", "H9", "outpatient", "2024-03-10", "", "J06.900", 100, 80, 100)]


@pytest.fixture
def region_path(tmp_path):
    ws = make_workspace(tmp_path, extra_claims=PRIOR)
    run_audit(ws, plugins=load_plugins())
    path = ws.path
    ws.close()
    return path


def _cells(widget, column):
    return [widget.item(r, column).text() for r in range(widget.rowCount())]


def test_ranking_page_charts_the_top_and_drills_down(window, region_path):
    window.show()
    window.ctx.open_workspace(region_path)
    page = window.ranking_page
    window.show_page(page)
    assert _cells(page.table, 1)[:4] == ["D6", "D7", "D8", "D9"]
    assert page.chart.items[0] == ("D6", 40.0)
    assert len(page.chart.items) <= 20
    # the first subject's first part (TJ01 in A01.0-CONS) and the five cases behind it
    assert page.parts.item(0, 0).text() == "同病组费用"
    assert sorted(_cells(page.cases, 2)) == ["D6"] * 5
    page.by.setCurrentIndex(page.by.findData("institution"))
    assert _cells(page.table, 1)[0] == "H6 医院6"
    assert len(_cells(page.cases, 0)) == 5


def test_appraisal_page_scores_and_writes_next_year(window, qtbot, region_path):
    window.show()
    window.ctx.open_workspace(region_path)
    page = window.appraisal_page
    window.show_page(page)
    page.year.setCurrentIndex(page.year.findData(2025))
    run_job(qtbot, page.run())
    codes = _cells(page.table, 0)
    h6 = codes.index("H6")
    # H6: compliance 100, cost index 3 → 33.33, LOS 100, data quality 100:
    # 40 + 10 + 10 + 20 = 80 → 0.99
    assert page.table.item(h6, 6).text() == "80"
    assert page.table.item(h6, 7).text() == "0.99"
    assert page.apply_button.isEnabled()
    run_job(qtbot, page.apply_next_year())
    assert "2026" in page.headline.text()
    with window.ctx.workspace() as ws:
        row = ws.conn.execute("SELECT params FROM dip_params WHERE year = 2026").fetchone()
    assert json.loads(row[0])["appraisal_coefficients"]["H6"] == 0.99


def test_fund_monitor_page_draws_both_years(window, qtbot, region_path):
    window.show()
    window.ctx.open_workspace(region_path)
    page = window.monitor_page
    window.show_page(page)
    page.year.setCurrentIndex(page.year.findData(2025))
    run_job(qtbot, page.run())
    # March 2025: 49 A01 and 19 B01 stays; fund 80 % of cost. March 2024: O1 (80).
    march = page.result["expenditure"]["months"][2]
    assert march["last_year_fund_paid"] == 80
    assert page.spending.series[1][1][2] == 80
    assert "预警" in page.warnings.text()
    assert page.table.rowCount() == 3
    assert page.table.item(2, 5).text() == "80.00"  # yuan with two decimals, as everywhere
    assert "预算点值" in page.budget.text()
    page.grab()  # every chart paints


def test_the_pages_speak_english(qtbot, settings):
    from desktop.app import build

    win = build(settings, language="en")
    qtbot.addWidget(win)
    titles = [win.sidebar.item(i).text() for i in range(win.sidebar.count())]
    assert {"Anomaly ranking", "Appraisal", "Fund monitor"} <= set(titles)
    assert win.appraisal_page.run_button.text() == "Compute the appraisal"
    assert win.monitor_page.run_button.text() == "Compute"
    win.ctx.close()


def test_opening_a_workspace_leaves_the_year_pages_until_they_are_shown(window, region_path):
    """The years a workspace has claims in are a scan of every claim: opening a city's year
    does not wait for it while another page is in front."""
    window.show()
    window.show_page(window.claims_page)
    window.ctx.open_workspace(region_path)
    for page in (window.appraisal_page, window.monitor_page):
        assert page.year.count() == 0
        window.show_page(page)
        assert page.year.currentData() == 2025 and page.year.count() == 2

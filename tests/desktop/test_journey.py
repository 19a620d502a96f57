"""The desktop's whole journey, as an auditor walks it: import → audit → confirm and dismiss on
page 3 of the findings → settle → report, checking at each step what the pages show; then no
Chinese page shows a coded value in English."""

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTreeWidget,
)
from qt_helpers import column_texts, run_job

from desktop import lazy_table
from desktop.widgets import BarChart


def model_texts(model):
    texts = [
        str(model.headerData(c, Qt.Orientation.Horizontal) or "")
        for c in range(model.columnCount())
    ]
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            texts.append(str(model.data(model.index(r, c)) or ""))
    return texts


def page_texts(page):
    """Every text a page shows: labels, fields, lists, tables, trees, charts."""
    texts = []
    for w in page.findChildren(QLabel):
        texts.append(w.text())
    for w in page.findChildren(QPlainTextEdit):
        if not w.property("source"):  # a rule file being edited is code, shown as written
            texts.append(w.toPlainText())
    for w in page.findChildren(QLineEdit):
        texts.append(w.text())
    for w in page.findChildren(QPushButton):
        texts.append(w.text())
    for w in page.findChildren(QComboBox):
        texts += [w.itemText(i) for i in range(w.count())]
    for w in page.findChildren(QListWidget):
        texts += [w.item(i).text() for i in range(w.count())]
    for w in page.findChildren(QTreeWidget):
        stack = [w.topLevelItem(i) for i in range(w.topLevelItemCount())]
        while stack:
            item = stack.pop()
            texts += [item.text(c) for c in range(w.columnCount())]
            stack += [item.child(i) for i in range(item.childCount())]
    for w in page.findChildren(QTableWidget):
        texts += [w.horizontalHeaderItem(c).text() for c in range(w.columnCount())]
        texts += [
            w.item(r, c).text()
            for r in range(w.rowCount())
            for c in range(w.columnCount())
            if w.item(r, c) is not None
        ]
    for w in page.findChildren(QAbstractItemView):
        if not isinstance(w, (QTableWidget, QTreeWidget, QListWidget)) and w.model():
            texts += model_texts(w.model())
    for w in page.findChildren(BarChart):
        texts += [w.title] + [name for name, _ in w.items]
    return texts


def english_enums(window, pattern):
    found = {}
    for title, page in window.pages:
        for text in page_texts(page):
            for match in pattern.finditer(text):
                found.setdefault(title, set()).add((match.group(1), text[:80]))
    return found


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(lazy_table, "PAGE", 2)  # the sample's five findings fill three pages


def test_import_audit_review_settle_report(
    window, qtbot, tmp_path, package, small_pages, english_codes
):
    ctx = window.ctx
    ctx.open_workspace(tmp_path / "journey.yibao")

    # import: the page reports it, the claims page lists the claims in words
    run_job(qtbot, window.import_page.start(str(package)))
    assert "已导入 8 条结算" in window.import_page.result.text()
    claims = window.claims_page.model
    assert claims.rowCount() == 2 and claims.canFetchMore()  # paged, like the findings
    shown_visits = {claims.data(claims.index(r, 3)) for r in range(claims.rowCount())}
    assert shown_visits <= {"住院", "门诊", "门诊慢特病", "药店购药"}
    qtbot.waitUntil(lambda: "结算 8 条" in window.workspace_page.summary.text())

    # audit: a summary by rule with each rule's name
    run_job(qtbot, window.audit_page.run())
    summary = window.audit_page.summary.toPlainText()
    # (revision 2: S-STAY2, a J18 stay after a K80 one, is no split stay)
    assert "4 个疑点" in summary
    rules = column_texts(window.audit_page.by_rule, "key")
    assert "GZ10000102001000 医疗服务项目超限定单价收费" in rules

    # review on page 3: the rows show the decisions at once
    page = window.findings_page
    assert page.model.rowCount() == 2
    page.move(3)
    assert page.model.rowCount() == 4
    confirmed = page.model.row(3)
    page.deduction.setText("20")
    assert page.decide("confirm")
    page.move(2)
    page.comment.setText("病历已补充")
    assert page.decide("dismiss")
    shown = page.model.data
    assert shown(page.model.index(3, 6)) == "确认违规"
    assert shown(page.model.index(3, 7)) == "20.00"
    assert shown(page.model.index(2, 6)) == "不予认定"
    assert shown(page.model.index(0, 3)).startswith(page.model.row(0)["code"] + " ")  # code + name
    qtbot.waitUntil(lambda: "最近一次审核疑点 4 条" in window.workspace_page.summary.text())

    # settle: the headline, the institutions with the confirmed deduction, charts in words
    settlement = window.settlement_page
    run_job(qtbot, settlement.run())
    assert "年度，点值" in settlement.headline.text()
    # the confirmed finding is on an outpatient claim: a deduction outside DIP (非DIP扣款)
    deductions = {
        settlement.institutions.item(r, 0).text(): settlement.institutions.item(r, 12).text()
        for r in range(settlement.institutions.rowCount())
    }
    assert deductions.get(confirmed["institution_code"]) == "20.00"
    mix = [name for name, _ in settlement.mix_chart.items]
    assert mix and all(re.search(r"[\u4e00-\u9fff]", name) for name in mix)

    # report: both documents, and the log says what happened in sentences
    reports = window.reports_page
    run_job(qtbot, reports.export(str(tmp_path / "report.xlsx")))
    run_job(qtbot, reports.export(str(tmp_path / "notice.pdf")))
    assert (tmp_path / "report.xlsx").stat().st_size and (tmp_path / "notice.pdf").stat().st_size
    assert "已导出" in reports.status.text()
    log = reports.log
    while log.canFetchMore():  # two rows a page here
        log.fetchMore()
    actions = [log.data(log.index(r, 2)) for r in range(log.rowCount())]
    assert actions[:4] == ["DIP 结算", "审核结论", "审核结论", "运行审核"]
    assert log.data(log.index(1, 4)).endswith("对 1 个疑点作出结论：不予认定：病历已补充")

    # every page in Chinese: no coded value left in English
    for _title, p in window.pages:
        window.show_page(p)
    assert english_enums(window, english_codes) == {}


def test_no_page_of_the_demo_shows_a_coded_value_in_english(window, qtbot, tmp_path, english_codes):
    from engine.demo.run import run_demo

    run_demo(tmp_path / "demo.yibao")
    window.ctx.open_workspace(tmp_path / "demo.yibao")
    window.findings_page.view.selectRow(0)
    window.claims_page.view.selectRow(0)
    for _title, page in window.pages:
        window.show_page(page)
    assert window.settlement_page.cases.rowCount()
    assert english_enums(window, english_codes) == {}


def test_screenshots_walk_the_demo_then_render_every_page(window, tmp_path):
    from desktop import tour

    before = window.ctx.recent()
    shots = tour.screenshots(window, tmp_path / "shots")
    assert window.ctx.recent() == before  # the temporary demo is not remembered
    assert len(shots) == len(window.pages) and all(p.stat().st_size for p in shots)
    assert "已记录 1 条审核结论" in window.findings_page.status.text()


def test_the_settings_page_sets_the_workspaces_notice(window, sample_path):
    from engine.reports.notice_settings import notice_settings
    from engine.workspace import Workspace

    page = window.settings_page
    assert not page.notice_box.isEnabled()  # no workspace open
    window.ctx.open_workspace(sample_path)
    page.notice["notice.issuer"].setText("某市医疗保障局")
    page.notice["notice.objection_days"].setText("十天")
    page.save()
    assert "whole number of days" in page.status.text()
    page.notice["notice.objection_days"].setText("10")
    page.save()
    assert page.status.text() == "已保存。"
    with Workspace.open(sample_path) as ws:
        assert notice_settings(ws) == {
            "notice.issuer": "某市医疗保障局",
            "notice.number": "",
            "notice.objection_days": 10,
        }

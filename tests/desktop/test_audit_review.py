"""Rule sets, audits and the review of findings, driven as an auditor would."""

from PySide6.QtCore import QItemSelectionModel, Qt
from qt_helpers import column_texts, run_job

from engine import audit_log
from engine.findings import list_findings
from engine.rules.catalogue import DISABLED_SETTING, PARAMS_SETTING
from engine.workspace import Workspace


def audited(window, qtbot, path):
    window.ctx.open_workspace(path)
    run_job(qtbot, window.audit_page.run())
    return window.findings_page


def test_rules_page_lists_rule_sets_and_shows_a_rule(window, sample_path):
    window.ctx.open_workspace(sample_path)
    tree = window.rules_page.tree
    national = tree.topLevelItem(0)
    assert national.text(0) == "national" and national.childCount() >= 5
    catalogue = national.child(0)
    rule = catalogue.child(0)
    tree.setCurrentItem(rule)
    detail = window.rules_page.detail.toPlainText()
    assert "条件：" in detail and "政策依据：" in detail


def test_disable_a_rule_set_and_override_a_parameter(window, sample_path):
    window.ctx.open_workspace(sample_path)
    page = window.rules_page
    page.tree.topLevelItem(0).child(0).setCheckState(0, Qt.CheckState.Unchecked)
    for r in range(page.params.rowCount()):
        if page.params.item(r, 0).text() == "分解住院间隔（天）":
            assert "再次入院" in page.params.item(r, 3).text()
            page.params.item(r, 2).setText("30")
    page.save()
    assert page.status.text() == "已保存。"
    with Workspace.open(sample_path) as ws:
        assert ws.get_setting(DISABLED_SETTING) == ["national.catalogue"]
        assert ws.get_setting(PARAMS_SETTING) == {"split_stay_days": 30}
    assert "national.catalogue" not in window.audit_page.chosen()


def test_bad_parameter_value_is_explained(window, sample_path):
    window.ctx.open_workspace(sample_path)
    page = window.rules_page
    page.params.item(0, 2).setText("three")
    page.save()
    assert "不是数字或 JSON" in page.status.text()


def test_audit_runs_in_the_background_and_summarises(window, qtbot, sample_path):
    audited(window, qtbot, sample_path)
    summary = window.audit_page.summary.toPlainText()
    # revision 2: S-STAY2 (J18 after K80) is no split stay; four findings
    assert "4 个疑点" in summary
    by_rule = window.audit_page.by_rule
    rules = column_texts(by_rule, "key")
    assert any(rule.startswith("GZ10000102001000 ") for rule in rules)  # code and name
    assert sum(int(n) for n in column_texts(by_rule, "findings")) == 4
    assert window.findings_page.model.rowCount() == 4


def test_audit_needs_a_rule_set(window, sample_path):
    window.ctx.open_workspace(sample_path)
    for i in range(window.audit_page.sets.count()):
        window.audit_page.sets.item(i).setCheckState(Qt.CheckState.Unchecked)
    assert window.audit_page.run() is None
    assert "至少选择一个规则集" in window.audit_page.summary.toPlainText()


def test_findings_page_explains_when_there_is_no_audit(window, sample_path):
    window.ctx.open_workspace(sample_path)
    assert window.findings_page.model.rowCount() == 0
    assert "还没有审核结果" in window.findings_page.evidence.toPlainText()


def test_filter_findings_by_family_severity_and_text(window, qtbot, sample_path):
    page = audited(window, qtbot, sample_path)
    page.family.setCurrentIndex(page.family.findData("JC"))
    assert page.model.rowCount() == 2
    page.family.setCurrentIndex(0)
    page.severity.setCurrentIndex(page.severity.findData("violation"))
    assert page.model.rowCount() == 2
    page.severity.setCurrentIndex(0)
    page.text.setText("S-CT")
    qtbot.keyClick(page.text, Qt.Key.Key_Return)
    assert page.model.rowCount() == 1


def _select(page, claim_id):
    for r in range(page.model.rowCount()):
        if page.model.row(r)["claim_id"] == claim_id:
            page.view.selectRow(r)
            return r
    raise AssertionError(claim_id)


def test_finding_detail_marks_the_flagged_line(window, qtbot, sample_path):
    page = audited(window, qtbot, sample_path)
    _select(page, "S-CHILD")
    assert "政策依据" in page.evidence.toPlainText()
    flagged = [
        r
        for r in range(page.lines.rowCount())
        if page.lines.data(page.lines.index(r, 0), Qt.ItemDataRole.BackgroundRole)
    ]
    assert [page.lines.row(r)["line_no"] for r in flagged] == [3]


def test_confirm_with_a_deduction_records_the_decision(window, qtbot, sample_path, settings):
    settings.setValue("reviewer", "张审核")
    page = audited(window, qtbot, sample_path)
    _select(page, "S-CT")
    page.deduction.setText("20")
    page.confirm_button.click()
    assert "已记录 1 条审核结论" in page.status.text()
    with Workspace.open(sample_path) as ws:
        split = next(f for f in list_findings(ws) if f["claim_id"] == "S-CT")
    assert (split["decision"], split["deduction"], split["reviewer"]) == (
        "confirm",
        20.0,
        "张审核",
    )


def test_dismiss_without_a_reason_is_refused(window, qtbot, sample_path):
    page = audited(window, qtbot, sample_path)
    _select(page, "S-CT")
    page.dismiss_button.click()
    assert "reason" in page.status.text()
    with Workspace.open(sample_path) as ws:
        assert all(f["decision"] is None for f in list_findings(ws))


def test_bulk_decision_on_a_selection_is_one_action(window, qtbot, sample_path):
    page = audited(window, qtbot, sample_path)
    page.family.setCurrentIndex(page.family.findData("JC"))
    selection = page.view.selectionModel()
    for r in range(page.model.rowCount()):
        selection.select(
            page.model.index(r, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    page.comment.setText("约定量按季度考核")
    page.info_button.click()
    with Workspace.open(sample_path) as ws:
        decided = [f for f in list_findings(ws) if f["decision"] == "info"]
        actions = [e["action"] for e in audit_log.entries(ws.conn)]
    assert len(decided) == 2
    assert actions.count("review") == 1


def test_keyboard_actions_move_and_decide(window, qtbot, sample_path):
    page = audited(window, qtbot, sample_path)
    window.show_page(page)
    page.view.selectRow(0)
    review_menu = window.menuBar().actions()[1].menu()
    actions = {a.text(): a for a in review_menu.actions()}
    assert actions["下一条疑点"].shortcut().toString() == "J"
    actions["下一条疑点"].trigger()
    assert page.view.currentIndex().row() == 1
    actions["上一条疑点"].trigger()
    assert page.view.currentIndex().row() == 0
    actions["确认违规"].trigger()
    assert page.view.currentIndex().row() == 1  # moved on to the next finding
    with Workspace.open(sample_path) as ws:
        assert sum(f["decision"] == "confirm" for f in list_findings(ws)) == 1


FAILING_PLUGIN = """
from engine.hookspecs import hookimpl

PLUGIN_NAME = "failing_city"
PLUGIN_API = 1


@hookimpl
def yibao_fact_fields(register):
    raise RuntimeError("szlib is missing")
"""


def test_a_plugin_failing_in_an_audit_is_named_and_the_audit_completes(
    _isolated_plugins, window, qtbot, sample_path
):
    (_isolated_plugins / "failing_city.py").write_text(FAILING_PLUGIN, encoding="utf-8")
    window.ctx.plugins_changed()
    audited(window, qtbot, sample_path)
    summary = window.audit_page.summary.toPlainText()
    assert "4 个疑点" in summary  # the sample under revision 2
    assert "failing_city" in summary and "szlib is missing" in summary
    assert "failing_city" in window.plugin_warning.text()
    assert "szlib is missing" in window.plugin_warning.toolTip()

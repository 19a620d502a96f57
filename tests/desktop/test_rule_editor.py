"""编写规则: edit a rule set, see it checked, try it on the workspace, keep it, export it."""

from engine.rules.catalogue import load_rulebook
from engine.workspace import Workspace
from tests.desktop.qt_helpers import run_job

RULE = """id: workspace.city
version: "1"
title: {zh: 本地规则, en: local}
rules:
  - id: any_drug
    code: DF9001
    severity: suspicious
    scope: line
    when: item_type == 'drug'
    message: {zh: "药品{item_name}", en: "drug {item_name}"}
"""


def test_a_rule_is_checked_tried_saved_and_exported(window, qtbot, sample_path, plugins, tmp_path):
    window.ctx.open_workspace(sample_path, create=False)
    editor = window.rule_editor
    editor.text.setPlainText(RULE.replace("item_type", "item_typ"))
    assert editor.check() is None
    assert "item_typ: unknown line field (did you mean item_type?)" in editor.verdict.text()
    editor.text.setPlainText("id: x\nrules: [")
    assert editor.check() is None and editor.verdict.text().startswith("✗")
    editor.text.setPlainText(RULE)
    assert editor.check() is not None and "1 条规则" in editor.verdict.text()

    run_job(qtbot, editor.try_rules())
    with Workspace.open(sample_path, create=False) as ws:
        drugs = ws.conn.execute(
            "SELECT count(*) FROM lines l JOIN catalogue k USING (item_code)"
            " WHERE k.item_type = 'drug'"
        ).fetchone()[0]
        runs = ws.count("runs")
    assert f"试算：{drugs} 个疑点" in editor.result.text() and editor.samples.rowCount() > 0
    assert editor.samples.item(0, 0).text() == "DF9001"
    assert runs == 0  # a trial stores no run

    editor.name.setCurrentText("city.yaml")
    editor.save()
    with Workspace.open(sample_path, create=False) as ws:
        ids = {r.id for r in load_rulebook(plugins, ws).rules()}
    assert "workspace.city.any_drug" in ids and drugs > 0

    target = editor.export(str(tmp_path))
    assert target == tmp_path / "city.yaml" and target.read_text(encoding="utf-8") == RULE

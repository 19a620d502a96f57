"""Opening workspaces and importing packages from the desktop."""

from PySide6.QtCore import Qt
from qt_helpers import run_job

from engine.workspace import Workspace


def test_window_has_every_page_and_chinese_titles(window):
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == [
        "工作区",
        "导入",
        "结算数据",
        "规则集",
        "编写规则",
        "审核",
        "疑点审核",
        "DIP 结算",
        "医师记分",
        "异常排名",
        "考核",
        "基金监测",
        "插件",
        "报告与日志",
        "设置",
    ]
    assert "未打开工作区" in window.windowTitle()


def test_sidebar_and_page_shortcuts_switch_pages(window, qtbot):
    window.sidebar.setCurrentRow(6)
    assert window.stack.currentWidget() is window.findings_page
    view_menu = window.menuBar().actions()[2].menu()
    view_menu.actions()[7].trigger()  # DIP 结算, Ctrl+8
    assert window.stack.currentWidget() is window.settlement_page


def test_open_workspace_shows_counts_and_remembers_it(window, qtbot, sample_path, settings):
    window.workspace_page.open(str(sample_path))
    qtbot.waitUntil(lambda: "结算 8 条" in window.workspace_page.summary.text())
    assert sample_path.name in window.windowTitle()
    assert settings.value("recent")[0] == str(sample_path)
    assert window.workspace_page.recent.item(0).text() == str(sample_path)


def test_import_page_imports_a_package_with_progress(window, qtbot, tmp_path, package):
    window.ctx.open_workspace(tmp_path / "new.yibao")
    job = window.import_page.start(str(package))
    assert not window.import_page.progress.isHidden() or job.isFinished()
    run_job(qtbot, job)
    assert "已导入 8 条结算" in window.import_page.result.text()
    assert "claims.csv: utf-8" in window.import_page.details.toPlainText()
    assert window.claims_page.model.rowCount() == 8  # the claims page refreshed


def test_rejected_package_lists_file_row_column_reason_and_writes_nothing(
    window, qtbot, tmp_path, package
):
    lines = (package / "claims.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("2025-", "2025/", 1)
    lines.append(lines[2])
    (package / "claims.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    window.ctx.open_workspace(tmp_path / "new.yibao")
    run_job(qtbot, window.import_page.start(str(package)))
    table = window.import_page.errors
    assert not table.isHidden() and table.rowCount() >= 2
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    # in the UI's language: Chinese here
    assert any(r[:3] == ["claims.csv", "2", "admission_date"] and "日期" in r[3] for r in rows)
    assert any(r[2] == "claim_id" and "重复的结算ID 'S-CHILD'" in r[3] for r in rows)
    assert window.import_page.result.text().startswith("导入被拒绝，未写入任何数据")
    with Workspace.open(tmp_path / "new.yibao") as ws:
        assert ws.count("claims") == 0


def test_import_problems_are_shown_in_english_in_the_english_ui(qtbot, settings, tmp_path, package):
    from desktop.app import build

    window = build(settings, language="en")
    qtbot.addWidget(window)
    (package / "lines.csv").write_text("claim_id;line_no\n", encoding="utf-8")
    window.ctx.open_workspace(tmp_path / "new.yibao")
    run_job(qtbot, window.import_page.start(str(package)))
    table = window.import_page.errors
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert rows == [
        ["lines.csv", "", "", "lines.csv: 1 column read; is it separated by semicolons?"]
    ]
    assert window.import_page.result.text().startswith("import rejected, nothing written")
    window.ctx.close()


def test_pseudonymised_import_and_moving_its_key(window, qtbot, tmp_path, package, monkeypatch):
    path = tmp_path / "new.yibao"
    window.ctx.open_workspace(path)
    window.import_page.pseudonymise.setChecked(True)
    run_job(qtbot, window.import_page.start(str(package)))
    assert "人员编号已假名化" in window.import_page.details.toPlainText()
    qtbot.waitUntil(lambda: not window.import_page.pseudonymise.isEnabled())
    assert window.import_page.pseudonymise.isChecked()  # it always is, in this workspace
    page = window.workspace_page
    qtbot.waitUntil(lambda: "人员编号已假名化，密钥在本机" in page.summary.text())
    with Workspace.open(path) as ws:
        patients = [p for (p,) in ws.conn.execute("SELECT patient_id FROM claims")]
    assert all(p.startswith("P") and len(p) == 17 for p in patients)
    assert page.export_key(str(tmp_path / "w.key")).startswith("密钥已导出")
    monkeypatch.setenv("YIBAO_KEYS_DIR", str(tmp_path / "other-machine"))
    page.refresh()
    qtbot.waitUntil(lambda: "本机没有密钥" in page.summary.text())
    window.import_page.pseudonymise.setChecked(False)
    window.import_page.replace.setChecked(True)
    run_job(qtbot, window.import_page.start(str(package)))
    assert "本机没有它的密钥" in window.import_page.result.text()
    assert "|" not in window.import_page.result.text()  # Chinese only
    assert page.import_key(str(tmp_path / "nothing.key")).startswith("找不到密钥文件")
    assert page.import_key(str(tmp_path / "w.key")).startswith("密钥已导入")
    run_job(qtbot, window.import_page.start(str(package)))
    assert "已导入 8 条结算" in window.import_page.result.text()


def test_dropping_a_folder_on_the_workspace_page_imports_it(window, qtbot, tmp_path, package):
    window.ctx.open_workspace(tmp_path / "new.yibao")
    window.workspace_page.import_requested.emit(str(package))
    assert window.stack.currentWidget() is window.import_page
    run_job(qtbot, window.import_page.job)
    assert "已导入 8 条结算" in window.import_page.result.text()


def test_import_without_a_workspace_explains(window):
    assert window.import_page.start("/nowhere") is None
    assert "请先打开或新建工作区" in window.import_page.result.text()


def test_claims_filter_and_claim_detail(window, qtbot, sample_path):
    window.ctx.open_workspace(sample_path)
    page = window.claims_page
    page.filter.setText("S-CHILD")
    qtbot.keyClick(page.filter, Qt.Key.Key_Return)
    assert page.model.rowCount() == 1
    page.view.selectRow(0)
    assert "S-CHILD" in page.header.toPlainText()
    assert page.lines.rowCount() >= 3


def test_choosing_a_package_previews_encodings_and_headers(window, package):
    window.import_page.preview(str(package))
    text = window.import_page.details.toPlainText()
    assert "claims.csv: utf-8" in text and "reference/institutions.csv" in text


def test_cancelled_import_leaves_the_workspace_unchanged(window, qtbot, tmp_path, package):
    window.ctx.open_workspace(tmp_path / "w.yibao")
    job = window.import_page.start(str(package))

    def cancel_once_claims_are_written(stage, _done, _total):
        if stage == "claims":  # on the worker thread, before the lines: the cancel must count
            job.cancel()

    # A queued job starts on a later turn of the event loop: this is connected before it runs.
    job.progressed.connect(cancel_once_claims_are_written, Qt.ConnectionType.DirectConnection)
    run_job(qtbot, job)
    assert "已取消" in window.import_page.result.text()
    with Workspace.open(tmp_path / "w.yibao") as ws:
        assert ws.count("claims") == 0 and ws.count("lines") == 0


def test_claims_filters_by_institution_visit_type_dates_and_amount(window, qtbot, sample_path):
    window.ctx.open_workspace(sample_path)
    page = window.claims_page
    page.visit.setCurrentIndex(page.visit.findData("inpatient"))
    inpatient = page.model.rowCount()
    assert inpatient and all(
        page.model.row(r)["visit_type"] == "inpatient" for r in range(inpatient)
    )
    page.institution.setCurrentIndex(page.institution.findData("H002"))
    assert {page.model.row(r)["institution_code"] for r in range(page.model.rowCount())} == {"H002"}
    page.institution.setCurrentIndex(0)
    page.min_amount.setText("10000")
    qtbot.keyClick(page.min_amount, Qt.Key.Key_Return)
    assert all(
        page.model.row(r)["total_amount"] >= 10000 * 10_000 for r in range(page.model.rowCount())
    )
    page.date_from.setText("2025-03-01")
    page.date_to.setText("2025-03-31")
    qtbot.keyClick(page.date_to, Qt.Key.Key_Return)
    assert all(
        "2025-03-01" <= page.model.row(r)["admission_date"] <= "2025-03-31"
        for r in range(page.model.rowCount())
    )
    page.min_amount.setText("lots")
    qtbot.keyClick(page.min_amount, Qt.Key.Key_Return)
    assert "不是数字" in page.empty.text()

"""Settlement and explanations, plug-ins, reports and the log, settings and language."""

import shutil
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from qt_helpers import run_job

from desktop.app import main as desktop_main
from engine import load_plugins

EXAMPLE_CITY = Path(__file__).parents[2] / "plugins" / "example_city"


def test_settle_fills_institutions_and_explains_a_case(window, qtbot, sample_path):
    window.ctx.open_workspace(sample_path)
    page = window.settlement_page
    assert "尚未结算" in page.headline.text()
    run_job(qtbot, page.run())
    assert "点值 23.8287" in page.headline.text()
    # every institution with claims in the year (r2: the whole clearing), DIP ones first
    assert page.institutions.rowCount() == len(page.result["institutions"]) >= 2
    assert page.institutions.item(0, 0).text() == "H001"
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert page.institutions.item(0, 3).textAlignment() == right  # money lines up
    assert page.cases.rowCount() == 2  # H001's cases
    page.case_view.selectRow(0)
    steps = page.explain.toPlainText()
    assert "1. 住院 " in steps and "费用倍率 r = " in steps and " 分" in steps  # the UI is Chinese
    assert "length of stay" not in steps


def test_case_types_are_coloured_and_charts_filled(window, qtbot, sample_path):
    window.ctx.open_workspace(sample_path)
    page = window.settlement_page
    run_job(qtbot, page.run())
    page.institutions.setCurrentCell(1, 0)  # H002: its one case is high
    assert page.cases.row(0)["case_type"] == "high"
    assert page.cases.data(page.cases.index(0, 0), 8) is not None  # BackgroundRole
    assert [label for label, _ in page.points_chart.items][:2] == ["H001", "H002"]
    assert page.mix_chart.items and page.ratio_chart.items


def test_latest_settlement_is_shown_when_a_workspace_opens(window, qtbot, sample_path):
    window.ctx.open_workspace(sample_path)
    run_job(qtbot, window.settlement_page.run())
    window.ctx.open_workspace(sample_path)  # reopen: the stored run is read back
    page = window.settlement_page
    assert page.institutions.rowCount() == len(page.result["institutions"]) >= 2
    assert "23.8287" in window.settlement_page.headline.text()


def test_plugins_page_installs_a_folder_and_lists_it(window, _isolated_plugins):
    page = window.plugins_page
    assert page.install(str(EXAMPLE_CITY))
    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    assert "example_city" in names
    assert (_isolated_plugins / "example_city").is_dir()


def test_plugins_page_shows_a_broken_plugin_error(window, _isolated_plugins):
    (_isolated_plugins / "broken.py").write_text("raise RuntimeError('坏了')\n", encoding="utf-8")
    window.plugins_page.reload()  # the window's plug-ins are loaded once, until reloaded
    table = window.plugins_page.table
    errors = {table.item(r, 0).text(): table.item(r, 4).text() for r in range(table.rowCount())}
    assert "坏了" in errors["broken"]


def test_install_of_a_missing_path_is_explained(window):
    assert not window.plugins_page.install("/no/such/plugin")
    assert window.plugins_page.status.text()


def test_export_the_workbook(window, qtbot, sample_path, tmp_path):
    window.ctx.open_workspace(sample_path)
    run_job(qtbot, window.audit_page.run())
    out = tmp_path / "审核.xlsx"
    run_job(qtbot, window.reports_page.export(str(out)))
    assert "已导出" in window.reports_page.status.text()
    assert load_workbook(out).sheetnames[:3] == ["汇总", "疑点明细", "DIP结算"]


def test_log_is_listed_and_verified_and_tampering_is_named(window, qtbot, sample_path):
    import sqlite3

    window.ctx.open_workspace(sample_path)
    page = window.reports_page
    assert page.log.rowCount() >= 1
    assert page.verify() and "日志完整" in page.verified.text()
    with sqlite3.connect(sample_path) as conn:
        conn.execute("UPDATE log SET detail = replace(detail, '8', '9') WHERE seq = 1")
    assert not page.verify()
    assert "第 1 条" in page.verified.text()


def test_switch_language_to_english_and_back(window, settings):
    window.set_language("en")
    assert window.sidebar.item(0).text() == "Workspace"
    assert window.findings_page.confirm_button.text() == "Confirm (C)"
    assert settings.value("language") == "en"
    window.set_language("zh_CN")
    assert window.sidebar.item(0).text() == "工作区"


def test_settings_page_saves_reviewer_and_language(window, settings):
    page = window.settings_page
    page.reviewer.setText("李复核")
    page.language.setCurrentIndex(page.language.findData("en"))
    page.save()
    assert settings.value("reviewer") == "李复核"
    assert window.ctx.reviewer == "李复核"
    assert window.sidebar.item(0).text() == "Workspace"


def test_screenshots_render_every_page(qapp, sample_path, tmp_path):
    shots = tmp_path / "shots"
    assert desktop_main(["--workspace", str(sample_path), "--screenshots", str(shots)]) == 0
    files = sorted(p.name for p in shots.glob("*.png"))
    assert len(files) == 15 and files[0] == "01-workspace.png"
    assert all((shots / f).stat().st_size > 5000 for f in files)


def test_closing_the_window_cancels_and_waits_for_work(window, qtbot, tmp_path):
    big = tmp_path / "big"
    shutil.copytree(Path(__file__).parents[1] / "data" / "sample", big)
    window.ctx.open_workspace(tmp_path / "w.yibao")
    job = window.import_page.start(str(big))
    window.close()
    assert job.isFinished() and not window.ctx.jobs


def test_special_case_review_on_the_settlement_page(window, qtbot, tmp_path):
    """The settlement page lists the special cases with the cap and how many are used, and
    approves (then revokes) one; the settlement is run again after each decision."""
    from test_dip import make_region

    ws = make_region(tmp_path)  # C07 is special: 5,400 / (1,000 × 0.9) = 6 > 5
    path = ws.path
    ws.close()
    window.ctx.open_workspace(path)
    page = window.settlement_page
    run_job(qtbot, page.run())
    run_job(qtbot, page.special_job)
    # 11 DIP cases: floor(0.005 × 11) = 0, at least 1
    assert "已批准 0 例，上限 1 例" in page.special_status.text()
    assert [page.specials.row(r)["claim_id"] for r in range(page.specials.rowCount())] == ["C07"]
    page.special_view.selectRow(0)
    page.special_comment.setText("罕见并发症，专家组同意")
    run_job(qtbot, page.decide_special("approve"))
    run_job(qtbot, page.job)
    run_job(qtbot, page.special_job)
    assert "已批准 1 例，上限 1 例" in page.special_status.text()
    assert page.specials.row(0)["case_type"] == "special_approved"
    assert not page.approve_button.isEnabled()  # the cap is reached
    page.special_view.selectRow(0)
    page.special_comment.setText("复核撤销")
    run_job(qtbot, page.decide_special("revoke"))
    run_job(qtbot, page.job)
    run_job(qtbot, page.special_job)
    assert page.specials.row(0)["case_type"] == "special"


def test_screenshots_of_a_workspace_wait_for_pages_that_load_on_a_worker(
    window, sample_path, tmp_path
):
    """The doctors' page computes its ledger on a worker when first shown: its picture is
    taken once the ledger is there, not of the progress bar."""
    from desktop import tour

    page, seen = window.doctors_page, []
    grab = window.grab

    def grab_and_look():
        if window.stack.currentWidget() is page:
            seen.append(page.ledger is not None)
        return grab()

    window.grab = grab_and_look
    tour.screenshots(window, tmp_path / "shots", workspace=str(sample_path))
    assert seen == [True]


def test_the_workspace_summary_gets_room_for_its_lines(window, sample_path, tmp_path):
    """The counts arrive from a worker, two lines where there was one: the summary is laid
    out again, not squeezed into one line's height (the screenshots showed it cut)."""
    from desktop import tour

    tour.screenshots(window, tmp_path / "shots", workspace=str(sample_path))
    summary = window.workspace_page.summary
    assert "\n" in summary.text() and summary.height() >= summary.heightForWidth(summary.width())


def test_the_window_loads_its_plugins_once_until_they_change(window, tmp_path, monkeypatch):
    import desktop.context

    loads = []

    def counted():
        loads.append(1)
        return load_plugins()

    monkeypatch.setattr(desktop.context, "load_plugins", counted)
    window.ctx.plugins_changed()  # from now on, counted
    for page in (window.plugins_page, window.rules_page, window.audit_page):
        page.refresh()
    window.settlement_page.show_params()
    assert len(loads) == 1  # every page used the window's one set
    folder = tmp_path / "other_plugins"
    folder.mkdir()
    (folder / "newcity.py").write_text("raise RuntimeError('新的插件文件夹')\n", encoding="utf-8")
    window.settings_page.plugin_dir.setText(str(folder))
    window.settings_page.save()  # another folder: the plug-ins are loaded again, from it
    assert len(loads) == 2
    table = window.plugins_page.table
    errors = {table.item(r, 0).text(): table.item(r, 4).text() for r in range(table.rowCount())}
    assert "新的插件文件夹" in errors["newcity"]

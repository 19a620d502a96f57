"""医师记分: the doctors' ledger page follows the review page's decisions."""

import pytest
from qt_helpers import run_job
from sample_edits import same_disease_readmission

from engine.ingest import import_package
from engine.plugins import load_plugins
from engine.rules import run_audit
from engine.rules.catalogue import PARAMS_SETTING
from engine.workspace import Workspace


@pytest.fixture
def audited_path(tmp_path, package):
    """The sample with the doctors' registry and S-STAY2 a readmission for S-STAY1's disease
    (a split stay under revision 2), audited; warnings from 3 points (the workspace's own
    parameter) so that one confirmed split stay colours a row."""
    same_disease_readmission(package)
    (package / "reference" / "doctors.csv").write_text(
        "医保医师代码,姓名,定点机构编码,科室编码\nDR001,张三,H001,IM\n", encoding="utf-8"
    )
    path = tmp_path / "doctors.yibao"
    with Workspace.open(path) as ws:
        import_package(ws, package)
        run_audit(ws, plugins=load_plugins())
        with ws.transaction():
            ws.set_setting(PARAMS_SETTING, {"warn_points": 3})
    return path


def _rows(widget) -> list[list[str]]:
    return [
        [widget.item(r, c).text() for c in range(widget.columnCount())]
        for r in range(widget.rowCount())
    ]


def _show(qtbot, window):
    """Show the ledger page and wait for the ledger it computes on a worker thread."""
    page = window.doctors_page
    window.show_page(page)
    if page.job is not None:
        run_job(qtbot, page.job)
    return page


def _confirm_on_review_page(window, claim_id):
    page = window.findings_page
    window.show_page(page)
    row = next(r for r in range(page.model.rowCount()) if page.model.row(r)["claim_id"] == claim_id)
    page.view.selectRow(row)
    page.confirm_button.click()
    assert "已记录 1 条审核结论" in page.status.text()


def test_a_confirmation_on_the_review_page_scores_the_doctor(window, qtbot, audited_path):
    window.show()
    window.ctx.open_workspace(audited_path)
    page = _show(qtbot, window)
    assert [r[0] for r in _rows(page.doctors)] == ["DR001", "DR002", "DR003"]
    assert {r[5] for r in _rows(page.doctors)} == {"正常"}

    _confirm_on_review_page(window, "S-STAY2")
    _show(qtbot, window)
    first = _rows(page.doctors)[0]
    assert (first[0], first[1], first[4], first[5]) == ("DR001", "张三", "3", "约谈提醒")
    colour = page.doctors.item(0, 0).background().color().name()
    assert colour == "#fff4d6"
    page.doctors.selectRow(0)
    events = _rows(page.events)
    assert [(e[1], e[2], e[3], e[4]) for e in events] == [
        ("S-STAY2", "GZ10000204001000", "分解住院", "3")
    ]
    assert "约谈提醒" in page.consequence.text()

    # the jump: the review page shows that finding
    page.events.selectRow(0)
    page.jump_button.click()
    assert window.stack.currentWidget() is window.findings_page
    current = window.findings_page.current()
    assert (current["claim_id"], current["code"]) == ("S-STAY2", "GZ10000204001000")
    assert "责任医师：DR001   科室：IM" in window.findings_page.evidence.toPlainText()

    # while the ledger is on screen, a dismissal takes the points away at once
    _show(qtbot, window)
    with window.ctx.workspace() as ws:
        from engine.review import decide

        decide(ws, [current["finding_id"]], "dismiss", reviewer="r", comment="转院")
    window.ctx.changed()
    run_job(qtbot, page.job)
    assert _rows(page.doctors)[0][4] == "0"


def test_filters_and_the_department_roll_up(window, qtbot, audited_path, tmp_path):
    window.show()
    window.ctx.open_workspace(audited_path)
    _confirm_on_review_page(window, "S-STAY2")
    _confirm_on_review_page(window, "S-CT")
    page = _show(qtbot, window)
    page.status.setCurrentIndex(page.status.findData("warning"))
    assert [r[0] for r in _rows(page.doctors)] == ["DR001"]
    page.status.setCurrentIndex(0)
    page.institution.setCurrentIndex(page.institution.findData("H002"))
    assert [r[0] for r in _rows(page.doctors)] == ["DR002"]
    page.institution.setCurrentIndex(0)
    assert page.year.count() >= 1 and page.year.currentData() == page.ledger.year
    departments = _rows(page.departments)
    assert [(d[0], d[1], d[6]) for d in departments] == [
        ("H001", "IM", "3"),
        ("H002", "IM", "1"),
        ("H003", "IM", "0"),
    ]
    assert sum(int(d[2]) for d in departments) == page.doctors.rowCount()
    page.doctors.selectRow(0)
    out = tmp_path / "DR001.pdf"
    assert page.write_notice(str(out)) and out.stat().st_size > 0


def test_without_a_workspace_the_page_says_so(window):
    window.show()
    window.show_page(window.doctors_page)
    assert "请先打开工作区" in window.doctors_page.headline.text()
    assert window.doctors_page.doctors.rowCount() == 0
    assert window.doctors_page.departments.rowCount() == 0


def test_the_page_in_english(qtbot, settings, audited_path):
    from desktop.app import build

    window = build(settings, language="en")
    qtbot.addWidget(window)
    window.show()
    window.ctx.open_workspace(audited_path)
    page = _show(qtbot, window)
    assert window.sidebar.item(window.stack.indexOf(page)).text() == "Doctors' points"
    assert {r[5] for r in _rows(page.doctors)} == {"normal"}
    assert "below the warning threshold (3)" in page.consequence.text()
    window.ctx.close()

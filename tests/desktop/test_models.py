"""The lazy table model: pages of rows on demand, and Qt's model checks."""

import sqlite3

from desktop.lazy_table import PAGE, LazyTableModel, money


def _conn(rows):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER, amount INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, i * 10_000) for i in range(rows)])
    return conn


def test_rows_arrive_a_page_at_a_time(qtmodeltester):
    model = LazyTableModel(["id", "金额"], {1: money})
    model.set_query(_conn(PAGE * 2 + 7), "SELECT id, amount FROM t ORDER BY id")
    assert model.rowCount() == PAGE and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE * 2 + 7 and not model.canFetchMore()
    assert model.data(model.index(3, 1)) == "3.00"
    qtmodeltester.check(model)


def test_empty_and_cleared_models_pass_the_checks(qtmodeltester):
    model = LazyTableModel(["id"])
    qtmodeltester.check(model)
    model.set_query(_conn(3), "SELECT id FROM t")
    assert model.rowCount() == 3
    model.clear()
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_findings_model_passes_the_checks(window, qtbot, qtmodeltester, sample_path):
    from qt_helpers import run_job

    window.ctx.open_workspace(sample_path)
    run_job(qtbot, window.audit_page.run())
    assert window.findings_page.model.rowCount() == 4  # the sample's findings (revision 2)
    qtmodeltester.check(window.findings_page.model)
    qtmodeltester.check(window.claims_page.model)

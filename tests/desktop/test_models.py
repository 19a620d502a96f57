"""The lazy table model: pages of rows on demand, and Qt's model checks."""

import sqlite3
from dataclasses import dataclass
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from desktop.columns import Column, units, yuan
from desktop.lazy_table import PAGE, LazyTableModel
from desktop.widgets import read_only_table


def _conn(rows):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER, amount INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, i * 10_000) for i in range(rows)])
    return conn


def test_rows_arrive_a_page_at_a_time(qtmodeltester):
    model = LazyTableModel([Column("id", "id"), Column("amount", "金额", units)])
    model.set_query(_conn(PAGE * 2 + 7), "SELECT id, amount FROM t ORDER BY id")
    assert model.rowCount() == PAGE and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE * 2 + 7 and not model.canFetchMore()
    assert model.data(model.index(3, 1)) == "3.00"
    qtmodeltester.check(model)


def test_empty_and_cleared_models_pass_the_checks(qtmodeltester):
    model = LazyTableModel([Column("id", "id")])
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


def test_rows_are_read_by_name_whatever_the_querys_order():
    model = LazyTableModel([Column("amount", "金额", units), Column("id", "id")])
    model.set_query(_conn(3), "SELECT id, amount FROM t ORDER BY id")
    assert model.row(2)["amount"] == 20_000 and model.data(model.index(2, 0)) == "2.00"
    assert model.position("id") == 1 and model.headers == ["金额", "id"]
    other = LazyTableModel([Column("amount", "金额")])
    with pytest.raises(LookupError, match="amount"):  # a column the query does not select
        other.set_query(_conn(1), "SELECT id FROM t")


def test_a_column_table_shows_records_through_its_columns(qtbot):
    @dataclass
    class Doctor:
        doctor_id: str
        amount: Decimal
        parts: dict

    table = read_only_table(
        [
            Column("doctor_id", "医师"),
            Column("amount", "金额", yuan),
            Column("score", "得分", value=lambda d: d.parts["score"]),
        ]
    )
    qtbot.addWidget(table)
    table.fill([Doctor("D1", Decimal("14737.5"), {"score": 0.5})])
    cells = [table.item(0, c).text() for c in range(table.columnCount())]
    assert cells == ["D1", "14,737.50", "0.5"]
    assert table.horizontalHeaderItem(1).text() == "金额" and table.position("score") == 2
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert table.item(0, 1).textAlignment() == right and table.item(0, 0).textAlignment() != right
    plain = read_only_table(table.columns[:2])
    qtbot.addWidget(plain)
    plain.fill([{"doctor_id": "D2", "amount": None}])  # dicts too; nothing for None
    assert [plain.item(0, c).text() for c in range(2)] == ["D2", ""]
    with pytest.raises(AttributeError):  # a column naming no field of the records
        read_only_table([Column("doctor", "医师")]).fill([Doctor("D3", Decimal(0), {})])

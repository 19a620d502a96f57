"""The SQL prefilter of a scope's facts selects exactly the rows some rule's condition holds on."""

import itertools
import sqlite3

from engine.rules import expr

CONDITIONS = [
    "is_refund == 0 and item_type == 'drug' and age_days > 28",
    "is_refund == 0 and item_type == 'drug' and restrict_newborn == 1",
    "is_refund == 0 and item_type == 'service' and (age_days < 10 or restrict_newborn == 1)",
    "item_type == 'drug' and restrict_newborn is null",
    "is_refund == 1",
]
COLUMNS = {"is_refund", "item_type", "age_days", "restrict_newborn"}


def _rows():
    return list(
        itertools.product((0, 1), ("drug", "service", None), (5, 28, 29, None), (0, 1, None))
    )


def _selected(where: str) -> list[tuple]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE f (is_refund, item_type, age_days, restrict_newborn)")
    conn.executemany("INSERT INTO f VALUES (?, ?, ?, ?)", _rows())
    return conn.execute(f"SELECT * FROM f WHERE {where} ORDER BY rowid").fetchall()


def test_factored_prefilter_selects_what_the_plain_or_selects():
    conds = [expr.parse_condition(text) for text in CONDITIONS]
    plain = " OR ".join(expr.to_sql(c, {}, COLUMNS) for c in conds)
    factored = expr.any_sql(conds, {}, COLUMNS, frozenset({"age_days"}))
    assert factored != plain
    assert factored.count('"is_refund" = 0') == 1  # the shared leading part is tested once
    assert _selected(factored) == _selected(plain)
    assert 0 < len(_selected(plain)) < len(_rows())


def test_costly_parts_are_tested_last():
    cond = expr.parse_condition("age_days > 28 and item_type == 'drug'")
    sql = expr.to_sql(cond, {}, COLUMNS, frozenset({"age_days"}))
    assert sql.index("item_type") < sql.index("age_days")


def test_a_condition_on_python_fields_only_keeps_every_row():
    conds = [expr.parse_condition("custom_field == 1"), expr.parse_condition("is_refund == 1")]
    assert len(_selected(expr.any_sql(conds, {}, COLUMNS, frozenset()))) == len(_rows())

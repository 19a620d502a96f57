"""Reading claims back: the filtered claim list and a claim's lines (what the desktop shows)."""

from __future__ import annotations

import sqlite3

from engine.money import decimal_to_units, units_text

CLAIM_LIST_COLUMNS = (
    "claim_id patient_id institution_code visit_type admission_date discharge_date"
    " main_diagnosis total_amount"
).split()


def claims_query(
    *,
    text: str | None = None,
    institution: str | None = None,
    visit_type: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    min_amount: str | None = None,
) -> tuple[str, dict]:
    """The SELECT of claims (CLAIM_LIST_COLUMNS, amounts in 1/10000 units) by claim id.

    ``text`` matches the start of a claim id or diagnosis, or a whole patient id; dates bound
    the admission (or visit) date; ``min_amount`` is in yuan."""
    where, args = [], {}
    if text:
        where.append(
            "((claim_id >= :text AND claim_id < :text || char(1114111))"
            " OR patient_id = :text OR main_diagnosis LIKE :text || '%')"
        )
        args["text"] = text
    for key, clause, value in (
        ("inst", "institution_code = :inst", institution),
        ("visit", "visit_type = :visit", visit_type),
        ("from", "admission_date >= :from", date_from),
        ("to", "admission_date <= :to", date_to),
    ):
        if value:
            where.append(clause)
            args[key] = value
    if min_amount:
        where.append("total_amount >= :amount")
        args["amount"] = decimal_to_units(min_amount)
    sql = f"SELECT {', '.join(CLAIM_LIST_COLUMNS)} FROM claims"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + " ORDER BY claim_id", args


LINES_QUERY = (
    "SELECT line_no, item_code, item_name, charge_time, quantity, unit_price, amount"
    " FROM lines WHERE claim_id = ? ORDER BY line_no"
)


def claim_lines_query(claim_id: str) -> tuple[str, tuple]:
    """The SELECT of a claim's lines by line number (amounts in 1/10000 units)."""
    return LINES_QUERY, (claim_id,)


def claim_fields(
    conn: sqlite3.Connection, claim_id: str, lang: str = "zh"
) -> list[tuple[str, str]]:
    """A claim's filled fields as (contract label, shown value): coded values as words,
    amounts in yuan. Empty when there is no such claim."""
    from engine import contract
    from engine.labels import TABLES, label

    names = [d[1] for d in conn.execute("PRAGMA table_info(claims)")]
    row = conn.execute("SELECT * FROM claims WHERE claim_id = ?", (claim_id,)).fetchone()
    if row is None:
        return []
    values = dict(zip(names, row, strict=True))
    out = []
    for column in contract.CLAIMS.columns:
        value = values.get(column.name)
        if value is None or value == "":
            continue
        if column.type == contract.DEC:
            text = units_text(value)
        elif column.name in TABLES:
            text = label(column.name, value, lang)
        else:
            text = str(value)
        out.append((column.label.split("/")[0] if lang != "en" else column.name, text))
    return out

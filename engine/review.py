"""Review decisions on findings: confirm (with a deduction), dismiss (with a reason), or
needs-information. Each decision is a new row, so revisions keep their history, and each is
appended to the tamper-evident log."""

from __future__ import annotations

import csv
import sqlite3
from decimal import Decimal
from pathlib import Path

from engine import audit_log
from engine.errors import UserError
from engine.ingest.readers import decode
from engine.labels import TABLES
from engine.money import decimal_to_units, money_json, units_to_decimal
from engine.workspace import Workspace

DECISIONS = ("confirm", "dismiss", "info")


def _ceiling(
    conn: sqlite3.Connection, claim_id: str | None, line_no: int | None, amount: int
) -> int:
    """A deduction can never exceed the money of the line (or claim) a finding of ``amount``
    (all in 1/10000 units) is about."""
    if claim_id is None:
        return amount
    if line_no is not None:
        row = conn.execute(
            "SELECT amount FROM lines WHERE claim_id = ? AND line_no = ?", (claim_id, line_no)
        ).fetchone()
    else:
        row = conn.execute(
            "SELECT total_amount FROM claims WHERE claim_id = ?", (claim_id,)
        ).fetchone()
    return max(row[0], 0) if row else amount


def decide(
    ws: Workspace,
    finding_ids: list[str],
    decision: str,
    *,
    reviewer: str,
    deduction: str | Decimal | None = None,
    comment: str | None = None,
) -> list[dict]:
    """Record one decision for each finding, in one transaction (a bulk decision is one action)."""
    with ws.transaction() as conn:
        return _record(conn, finding_ids, decision, reviewer, deduction, comment)


def _record(conn, finding_ids, decision, reviewer, deduction, comment) -> list[dict]:
    """``decide`` inside the caller's transaction."""
    if decision not in DECISIONS:
        raise UserError(
            f"审核结论须为 确认违规/不予认定/待补充材料 | decision must be one of"
            f" {', '.join(DECISIONS)}"
        )
    if not reviewer:
        raise UserError("审核结论须注明审核人 | a decision needs the reviewer's name (--reviewer)")
    if decision == "dismiss" and not comment:
        raise UserError("不予认定须填写理由 | dismissing a finding needs a reason (--comment)")
    wanted = None  # the deduction asked for, in units
    if deduction is not None and deduction != "":
        try:
            wanted = decimal_to_units(deduction)
        except ValueError:
            raise UserError(
                f"扣款金额须为元数 | deduction must be an amount in yuan, not {deduction!r}"
            ) from None
        if wanted < 0:
            raise UserError("扣款金额不能为负数 | a deduction cannot be negative")
    now = audit_log.now_text()
    out = []
    review_ids = []
    for fid in finding_ids:
        row = conn.execute(
            "SELECT claim_id, line_no, amount FROM findings WHERE finding_id = ?", (fid,)
        ).fetchone()
        if row is None:
            raise UserError(f"工作区中没有疑点 {fid} | no finding {fid} in this workspace")
        claim_id, line_no, amount = row
        units = None
        if decision == "confirm":
            units = wanted if wanted is not None else amount
            ceiling = _ceiling(conn, claim_id, line_no, amount)
            if units > ceiling:
                asked = money_json(units_to_decimal(units))
                most = money_json(units_to_decimal(ceiling))
                raise UserError(
                    f"疑点 {fid} 的扣款 {asked} 元超过涉及金额 {most} 元 | deduction {asked} for"
                    f" {fid} is above the amount it concerns ({most})"
                )
        cursor = conn.execute(
            "INSERT INTO reviews (finding_id, decision, deduction, reviewer, comment, decided_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (fid, decision, units, reviewer, comment, now),
        )
        review_ids.append(cursor.lastrowid)
        out.append(
            {
                "finding_id": fid,
                "decision": decision,
                "deduction": None if units is None else money_json(units_to_decimal(units)),
            }
        )
    audit_log.append(
        conn,
        "review",
        {"decision": decision, "reviewer": reviewer, "comment": comment, "findings": out},
        [("reviews", {"id": [min(review_ids), max(review_ids)]})] if review_ids else [],
    )
    return out


def decide_from_csv(ws: Workspace, path: str | Path, reviewer: str | None = None) -> list[dict]:
    """A batch: a CSV with finding_id, decision and optional deduction, reviewer, comment,
    recorded all together or, if any row is wrong, not at all."""
    path = Path(path)
    try:
        _encoding, text = decode(path.read_bytes())  # Excel on Chinese Windows saves GBK
        rows = list(csv.DictReader(text.splitlines()))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"cannot read {path}: {exc}") from None
    if text.strip() and "finding_id" not in text.splitlines()[0]:
        raise UserError(
            f"{path}:1: no finding_id column (the first line names the columns:"
            " finding_id,decision,deduction,reviewer,comment)"
        )
    out = []
    with ws.transaction() as conn:  # every row or none
        for number, row in enumerate(rows, start=2):
            try:
                out += _record(
                    conn,
                    [row["finding_id"]],
                    _decision_code(row.get("decision") or ""),
                    row.get("reviewer") or reviewer or "",
                    row.get("deduction") or None,
                    row.get("comment") or None,
                )
            except (UserError, KeyError) as exc:
                raise UserError(
                    f"{path}:{number}: {exc}; 文件中的结论均未记录 | no decision of the file"
                    " recorded"
                ) from None
    return out


def _decision_code(text: str) -> str:
    """A decision as a file may give it: its code (confirm) or its word (确认违规, confirmed)."""
    text = text.strip()
    for code, words in TABLES["decision"].items():
        if text.lower() in (code, *(w.lower() for w in words)):
            return code
    return text


def bulk_ids(
    ws: Workspace, run_id: str, rule_id: str | None = None, institution: str | None = None
) -> list[str]:
    """Finding ids of one run, narrowed to a rule and/or an institution (for bulk decisions)."""
    sql, args = "SELECT finding_id FROM findings WHERE run_id = ?", [run_id]
    if rule_id:
        sql += " AND (rule_id = ? OR code = ?)"
        args += [rule_id, rule_id]
    if institution:
        sql += " AND institution_code = ?"
        args.append(institution)
    return [r[0] for r in ws.conn.execute(sql, args)]

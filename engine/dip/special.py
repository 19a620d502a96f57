"""Special-case review (特例单议, dip_spec.md section 4b): approve or revoke, within the cap.

An approved case of case_type ``special`` is paid on its actual cost (points = rw × c × r).
At most ``floor(special_case_cap × N)`` cases (at least 1) of a region-year may be approved,
N = its DIP cases. Each decision is a new row of ``special_reviews`` (the latest per claim
counts) and an entry of the tamper-evident log.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import ROUND_FLOOR, Decimal

from engine import audit_log
from engine.dip.params import catalogue_source, resolve_params
from engine.dip.settlement import CASE_COLUMNS, case_json, confirmed_findings, year_scoring
from engine.errors import UserError
from engine.findings import special_approvals
from engine.overlay import reference_overlay
from engine.plugins import PluginSet, or_installed
from engine.workspace import Workspace

DECISIONS = ("approve", "revoke")


def cap_of(share: float, dip_cases: int) -> int:
    """``floor(share × N)``, at least 1 (computed in decimal: 0.005 × 1400 is exactly 7)."""
    return max(1, int((Decimal(str(share)) * dip_cases).to_integral_value(ROUND_FLOOR)))


def status(ws: Workspace, year: int | None = None, *, plugins: PluginSet | None = None) -> dict:
    """The special cases of a year and the cap: ``{"year", "dip_cases", "cap", "used",
    "cases": [{"claim_id", "institution", "group_code", "case_type", "ratio", "points",
    "decision_id"}]}`` — cases of type special or special_approved, as settlement sees them."""
    plugins = or_installed(plugins)
    params = resolve_params(ws, year, plugins=plugins)
    conn = ws.conn
    with (
        reference_overlay(conn, plugins.reference_data() if plugins else []),
        year_scoring(
            conn, params, catalogue_source(ws), confirmed_findings(conn), plugins
        ) as scoring,
    ):
        dip_cases = sum(
            n
            for rows in scoring.map(
                f"SELECT count(*) FROM ({scoring.cases_sql()}) WHERE payment_method = 'dip'"
            )
            for (n,) in rows
        )
        cases = [
            case_json(row)
            for row in conn.execute(
                f"SELECT {CASE_COLUMNS} FROM ({scoring.cases_sql()})"
                " WHERE case_type IN ('special', 'special_approved') ORDER BY claim_id",
                scoring.args,
            )
        ]
        used = _approved_in_year(conn, scoring.args)
    return {
        "year": int(params["year"]),
        "dip_cases": dip_cases,
        "special_case_cap": params["special_case_cap"],
        "cap": cap_of(params["special_case_cap"], dip_cases),
        "used": len(used),
        "cases": cases,
    }


def _approved_in_year(conn: sqlite3.Connection, args: dict) -> list[str]:
    approved = special_approvals(conn)
    return [
        claim_id
        for (claim_id,) in conn.execute(
            "SELECT claim_id FROM claims WHERE discharge_date >= :year_from"
            " AND discharge_date < :year_to AND claim_id IN (SELECT value FROM json_each(:ids))",
            {**args, "ids": json.dumps(list(approved))},
        )
    ]


def decide(
    ws: Workspace,
    claim_id: str,
    decision: str,
    *,
    reviewer: str,
    comment: str,
    plugins: PluginSet | None = None,
) -> dict:
    """Approve a special case (refused past the cap, or for a case that is not special) or
    revoke an approval; returns the decision with the cap and how many are used."""
    if decision not in DECISIONS:
        raise UserError("特例单议的决定为 approve 或 revoke / the decision is approve or revoke")
    if not reviewer:
        raise UserError("需要审核人 / a special-case decision needs the reviewer (--reviewer)")
    if not comment:
        raise UserError("需要理由 / a special-case decision needs a reason (--comment)")
    row = ws.conn.execute(
        "SELECT discharge_date FROM claims WHERE claim_id = ? AND visit_type = 'inpatient'",
        (claim_id,),
    ).fetchone()
    if row is None or not row[0]:
        raise UserError(f"{claim_id}: 不是已出院的住院病例 / not a discharged inpatient case")
    state = status(ws, int(row[0][:4]), plugins=plugins)
    case = next((c for c in state["cases"] if c["claim_id"] == claim_id), None)
    current = case["case_type"] if case else None
    if decision == "approve":
        if current == "special_approved":
            raise UserError(f"{claim_id}: 已批准 / already approved")
        if current != "special":
            raise UserError(
                f"{claim_id}: 不是特例病例（费用倍率未超过特例单议倍率）/ not a special case"
                " (its cost ratio is not above special_review_ratio)"
            )
        if state["used"] >= state["cap"]:
            raise UserError(
                f"特例单议已达上限 {state['used']}/{state['cap']}"
                f"（{state['special_case_cap']} × {state['dip_cases']} 例 DIP 病例）/ the"
                f" special-case cap is reached: {state['used']} of {state['cap']} approved"
                f" (floor({state['special_case_cap']} × {state['dip_cases']} DIP cases))"
            )
    elif current != "special_approved":
        raise UserError(f"{claim_id}: 没有可撤销的批准 / has no approval to revoke")
    now = audit_log.now_text()
    with ws.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO special_reviews (claim_id, decision, reviewer, comment, decided_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (claim_id, decision, reviewer, comment, now),
        )
        decision_id = cursor.lastrowid
        audit_log.append(
            conn,
            "special_case",
            {
                "id": decision_id,
                "claim_id": claim_id,
                "decision": decision,
                "reviewer": reviewer,
                "comment": comment,
            },
        )
    used = state["used"] + (1 if decision == "approve" else -1)
    return {
        "id": decision_id,
        "claim_id": claim_id,
        "decision": decision,
        "reviewer": reviewer,
        "comment": comment,
        "decided_at": now,
        "year": state["year"],
        "cap": state["cap"],
        "used": used,
    }

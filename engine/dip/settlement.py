"""DIP settlement of a region's year (dip_spec.md section 4), stored as a run.

Points and ratios are floats, as the spec's formulas are; money is rounded half-up to the
fen only in outputs, and deductions come from the review decisions as exact decimals.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections import defaultdict
from decimal import Decimal

from engine import audit_log
from engine.dip import params as dip_params
from engine.dip.grouping import CaseResult, Catalogue, load_cases, score_case
from engine.errors import UserError
from engine.money import money_json, points_json
from engine.overlay import reference_overlay
from engine.progress import NEVER, CancelToken, Progress, no_progress
from engine.workspace import Workspace

CATALOGUE_SETTING = "dip_catalogue"


def catalogue_source(ws: Workspace, requested: str | None = None) -> str:
    """The DIP catalogue that settles: the user's choice, else official, else built."""
    choice = requested or ws.get_setting(CATALOGUE_SETTING)
    if choice:
        if choice not in ("official", "built"):
            raise UserError("the DIP catalogue is 'official' or 'built'")
        return choice
    has = {r[0] for r in ws.conn.execute("SELECT DISTINCT source FROM dip_groups")}
    return "official" if "official" in has or not has else "built"


def resolve_params(ws: Workspace, year: int | None, plugins=None) -> dict:
    """National defaults ← the workspace's dip_params.json ← regional plug-ins."""
    conn = ws.conn
    row = None
    if year is not None:
        row = conn.execute("SELECT params FROM dip_params WHERE year = ?", (year,)).fetchone()
    if row is None:
        row = conn.execute("SELECT params FROM dip_params ORDER BY year DESC LIMIT 1").fetchone()
    base = json.loads(row[0]) if row else {}
    if year is not None:
        base["year"] = year
    merged = {**dip_params.DEFAULTS, **base}
    if plugins is not None:
        merged = plugins.dip_parameters(merged)
    if merged.get("year") is None:
        raise UserError("no settlement year: pass --year or import a dip_params.json")
    merged.setdefault("region_code", "")
    merged["region_code"] = merged.get("region_code") or ""
    unknown = set(merged) - dip_params.KNOWN
    if unknown:
        raise UserError(f"unknown DIP parameter(s) from a plug-in: {', '.join(sorted(unknown))}")
    return merged


def confirmed_deductions(conn: sqlite3.Connection) -> dict[str, Decimal]:
    """Confirmed deductions by claim: each finding's latest decision, one per rule and line."""
    rows = conn.execute(
        """
        SELECT f.claim_id, f.rule_id, f.line_no, r.deduction, r.decision
        FROM reviews r JOIN findings f ON f.finding_id = r.finding_id
        WHERE r.id = (SELECT max(r2.id) FROM reviews r2 WHERE r2.finding_id = r.finding_id)
          AND f.claim_id IS NOT NULL
        ORDER BY r.id
        """
    ).fetchall()
    latest: dict[tuple, tuple] = {}
    for claim_id, rule_id, line_no, deduction, decision in rows:
        latest[(claim_id, rule_id, line_no)] = (decision, deduction)
    out: dict[str, Decimal] = defaultdict(Decimal)
    for (claim_id, _, _), (decision, deduction) in latest.items():
        if decision == "confirm" and deduction:
            out[claim_id] += Decimal(deduction).scaleb(-4)
    return out


def score_year(
    ws: Workspace,
    params: dict,
    source: str,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER,
) -> list[CaseResult]:
    cat = Catalogue.load(ws.conn, source)
    year = int(params["year"])
    cases = load_cases(ws.conn, " AND substr(c.discharge_date, 1, 4) = ?", (str(year),))
    results = []
    for index, case in enumerate(cases):
        if index % 50_000 == 0:
            cancel.check()
            progress("settle", index, len(cases))
        results.append(score_case(case, cat, params))
    progress("settle", len(cases), len(cases))
    return results


def compute(
    results: list[CaseResult],
    fund_paid: dict[str, float],
    costs: dict[str, float],
    months: dict[str, int],
    params: dict,
    deductions: dict[str, Decimal],
    plugins=None,
) -> dict:
    """Section 4 over scored cases: φ, point value, payments, sharing, advances."""
    dip = [r for r in results if r.payment_method == "dip"]
    total_points = sum(r.points for r in dip)
    sum_cost = sum(costs[r.claim_id] for r in dip)
    sum_paid = sum(fund_paid[r.claim_id] for r in dip)
    phi = params.get("fund_payment_ratio")
    if phi is None:
        phi = sum_paid / sum_cost if sum_cost else 0.0
    budget = params.get("fund_budget")
    if budget is None:
        raise UserError("the DIP parameters have no fund_budget for this year")
    point_value = None
    if plugins is not None:
        point_value = plugins.dip_point_value(total_points, budget, phi, params)
    if point_value is None:
        point_value = (budget / phi) / total_points if total_points and phi else 0.0
    sharing = params["surplus_retention_share"] != 1.0 or params["overspend_share"] != 0.0
    bpv = params.get("budget_point_value")
    by_inst: dict[str, list[CaseResult]] = defaultdict(list)
    for r in dip:
        by_inst[r.institution_code].append(r)
    institutions = []
    for code in sorted(by_inst):
        cases = by_inst[code]
        points = sum(r.points for r in cases)
        paid = sum(fund_paid[r.claim_id] for r in cases)
        deduction = sum((deductions.get(r.claim_id, Decimal(0)) for r in cases), Decimal(0))
        appraisal = float(params["appraisal_coefficients"].get(code, 1.0))
        payment = points * point_value * phi * appraisal - float(deduction)
        balance = payment - paid
        row = {
            "institution_code": code,
            "cases": len(cases),
            "points": points_json(points),
            "payment": money_json(payment),
            "deductions": float(money_json(deduction)),
            "fund_paid": money_json(paid),
            "balance": money_json(balance),
        }
        if balance >= 0:
            final = paid + balance * params["surplus_retention_share"]
        else:
            final = payment - balance * params["overspend_share"]
        if sharing:
            row["final_payment"] = money_json(final)
        if bpv is not None:
            monthly: dict[int, float] = defaultdict(float)
            for r in cases:
                monthly[months[r.claim_id]] += r.points
            advances = {
                m: p * bpv * phi * params["advance_ratio"] for m, p in sorted(monthly.items())
            }
            row["advances"] = {str(m): money_json(v) for m, v in advances.items()}
            row["clearing"] = money_json(final - sum(advances.values()))
        institutions.append(row)
    return {
        "year": int(params["year"]),
        "region_code": params["region_code"],
        "point_value": points_json(point_value),
        "fund_payment_ratio": points_json(phi),
        "total_points": points_json(total_points),
        "institutions": institutions,
    }


def case_json(r: CaseResult) -> dict:
    group = r.group
    return {
        "claim_id": r.claim_id,
        "group_code": r.group_code,
        "case_type": r.case_type,
        "payment_method": r.payment_method,
        "rw": float(r.rw),
        "coefficient": r.coefficient,
        "points": points_json(r.points),
        "ratio": points_json(r.ratio),
        "los": r.los,
        "avg_los": group.avg_los if group and group.avg_los is not None else None,
        "institution": r.institution_code,
    }


def settle(
    ws: Workspace,
    year: int | None = None,
    *,
    plugins=None,
    catalogue: str | None = None,
    store: bool = True,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER,
) -> dict:
    """Settle the year; store the run (parameters, catalogue, cases, institutions) and log it."""
    params = resolve_params(ws, year, plugins)
    source = catalogue_source(ws, catalogue)
    with reference_overlay(ws.conn, plugins.reference_data() if plugins else []):
        results = score_year(ws, params, source, progress, cancel)
    ids = {r.claim_id for r in results}
    fund_paid, costs, months = {}, {}, {}
    for claim_id, paid, cost, discharge in ws.conn.execute(
        "SELECT claim_id, coalesce(fund_paid, 0), total_amount, discharge_date FROM claims"
        " WHERE visit_type = 'inpatient' AND substr(discharge_date, 1, 4) = ?",
        (str(params["year"]),),
    ):
        if claim_id in ids:
            fund_paid[claim_id], costs[claim_id] = paid / 1e4, cost / 1e4
            months[claim_id] = int(discharge[5:7])
    deductions = confirmed_deductions(ws.conn)
    out = compute(results, fund_paid, costs, months, params, deductions, plugins)
    out["catalogue"] = source
    dip_claims = {r.claim_id for r in results if r.payment_method == "dip"}
    recoveries: dict[str, Decimal] = defaultdict(Decimal)
    others = {c: a for c, a in deductions.items() if c not in dip_claims}
    if others:
        marks = ", ".join("?" * len(others))
        for claim_id, inst in ws.conn.execute(
            f"SELECT claim_id, institution_code FROM claims WHERE claim_id IN ({marks})",
            list(others),
        ):
            recoveries[inst] += others[claim_id]
    out["recoveries"] = {k: money_json(v) for k, v in sorted(recoveries.items())}
    out["cases"] = [case_json(r) for r in results]
    if store:
        out["run_id"] = _store(ws, params, source, results, out, plugins)
    return out


def _store(ws: Workspace, params, source, results, out, plugins) -> str:
    run_id = "S" + uuid.uuid4().hex[:12]
    now = audit_log.now_text()
    with ws.transaction() as conn:
        conn.execute(
            "INSERT INTO runs (run_id, kind, started_at, finished_at, parameters, plugins, summary,"
            " rulesets) VALUES (?, 'settle', ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                now,
                now,
                json.dumps(params, ensure_ascii=False),
                json.dumps(plugins.versions() if plugins else []),
                json.dumps(
                    {
                        k: out[k]
                        for k in ("year", "point_value", "total_points", "fund_payment_ratio")
                    }
                ),
                json.dumps({"catalogue": source}),
            ),
        )
        conn.executemany(
            "INSERT INTO settlement_cases (run_id, claim_id, institution_code, group_code,"
            " case_type, payment_method, rw, coefficient, ratio, points)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    run_id,
                    r.claim_id,
                    r.institution_code,
                    r.group_code,
                    r.case_type,
                    r.payment_method,
                    r.rw,
                    r.coefficient,
                    r.ratio,
                    r.points,
                )
                for r in results
            ],
        )
        conn.executemany(
            "INSERT INTO settlement_institutions (run_id, institution_code, result) VALUES (?, ?, ?)",
            [(run_id, i["institution_code"], json.dumps(i)) for i in out["institutions"]],
        )
        audit_log.append(
            conn,
            "settle",
            {
                "run_id": run_id,
                "year": out["year"],
                "catalogue": source,
                "point_value": out["point_value"],
                "total_points": out["total_points"],
            },
        )
    return run_id

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
from math import fsum

from engine import audit_log, processes
from engine.dip import params as dip_params
from engine.dip.grouping import Catalogue
from engine.dip.scoring import Scoring
from engine.errors import UserError
from engine.money import SCALE, money_json, points_json
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


def year_scoring(conn, params: dict, source: str) -> Scoring:
    """The scoring of every inpatient case discharged in the settlement year; aggregates run
    over one part of the year per core."""
    year = int(params["year"])
    cores = min(4, processes.cores())
    bounds = [f"{year}-{1 + 12 * i // cores:02d}-01" for i in range(cores)] + [f"{year + 1}-01-01"]
    return Scoring(
        conn,
        Catalogue.load(conn, source),
        params,
        " AND cl.discharge_date >= :year_from AND cl.discharge_date < :year_to",
        {"year_from": bounds[0], "year_to": bounds[-1]},
        [{"year_from": a, "year_to": b} for a, b in zip(bounds, bounds[1:], strict=False)],
    )


def _deductions_by_institution(
    scoring: Scoring, deductions: dict[str, Decimal]
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Confirmed deductions split into DIP cases' (by institution) and other claims'."""
    dip: dict[str, Decimal] = defaultdict(Decimal)
    other: dict[str, Decimal] = defaultdict(Decimal)
    if not deductions:
        return dip, other
    conn = scoring.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS x_deducted (claim_id TEXT PRIMARY KEY)")
    try:
        conn.executemany("INSERT INTO x_deducted VALUES (?)", [(c,) for c in deductions])
        in_year = dict(
            conn.execute(
                f"SELECT claim_id, payment_method FROM ({scoring.cases_sql(_DEDUCTED)})",
                scoring.args,
            )
        )
        for claim_id, inst in conn.execute(
            "SELECT claim_id, institution_code FROM claims"
            " WHERE claim_id IN (SELECT claim_id FROM x_deducted)"
        ):
            (dip if in_year.get(claim_id) == "dip" else other)[inst] += deductions[claim_id]
    finally:
        conn.execute("DROP TABLE temp.x_deducted")
    return dip, other


_DEDUCTED = " AND cl.claim_id IN (SELECT claim_id FROM x_deducted)"


def _monthly_points(scoring: Scoring) -> dict[str, dict[int, float]]:
    """DIP points by institution and discharge month (for the monthly advances)."""
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for rows in scoring.map(
        "SELECT institution_code, CAST(substr(discharge_date, 6, 2) AS INTEGER), sum(points)"
        f" FROM ({scoring.cases_sql()}) WHERE payment_method = 'dip' GROUP BY 1, 2"
    ):
        for code, month, points in rows:
            out[code][month] = points  # the parts are whole months
    return out


def compute(scoring: Scoring, params: dict, deductions: dict[str, Decimal], plugins=None) -> dict:
    """Section 4 over the scored cases: φ, point value, payments, sharing, advances.

    One pass sums each institution's DIP cases in SQL. Money sums are integer sums, so
    exact; the institutions' points are added with ``math.fsum``."""
    parts: dict[str, list[tuple]] = defaultdict(list)
    for rows in scoring.map(
        f"SELECT institution_code, count(*), sum(points), sum(paid_units), sum(cost_units)"
        f" FROM ({scoring.cases_sql()}) WHERE payment_method = 'dip' GROUP BY 1"
    ):
        for code, *sums in rows:
            parts[code].append(sums)
    totals = {
        code: (
            sum(p[0] for p in sums),
            fsum(p[1] for p in sums),
            sum(p[2] for p in sums),
            sum(p[3] for p in sums),
        )
        for code, sums in parts.items()
    }
    total_points = fsum(p[1] for sums in parts.values() for p in sums)
    sum_paid = sum(t[2] for t in totals.values())
    sum_cost = sum(t[3] for t in totals.values())
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
    monthly = _monthly_points(scoring) if bpv is not None else {}
    dip_deductions, recoveries = _deductions_by_institution(scoring, deductions)
    institutions = []
    for code in sorted(totals):
        count, inst_total, paid_units, _ = totals[code]
        paid = paid_units / SCALE
        deduction = dip_deductions.get(code, Decimal(0))
        appraisal = float(params["appraisal_coefficients"].get(code, 1.0))
        payment = inst_total * point_value * phi * appraisal - float(deduction)
        balance = payment - paid
        row = {
            "institution_code": code,
            "cases": count,
            "points": points_json(inst_total),
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
            advances = {
                m: p * bpv * phi * params["advance_ratio"] for m, p in sorted(monthly[code].items())
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
        "recoveries": {k: money_json(v) for k, v in sorted(recoveries.items())},
    }


CASE_COLUMNS = (
    "claim_id, group_code, case_type, payment_method, rw, coefficient, points, ratio, los,"
    " avg_los, institution_code"
)


def case_json(row: tuple) -> dict:
    """One scored case (a row of ``Scoring.cases_sql`` selected as CASE_COLUMNS) as JSON."""
    claim_id, group, ctype, method, rw, c, points, ratio, los, avg_los, inst = row
    return {
        "claim_id": claim_id,
        "group_code": group,
        "case_type": ctype,
        "payment_method": method,
        "rw": float(rw),
        "coefficient": c,
        "points": points_json(points),
        "ratio": points_json(ratio),
        "los": los,
        "avg_los": avg_los,
        "institution": inst,
    }


def settle(
    ws: Workspace,
    year: int | None = None,
    *,
    plugins=None,
    catalogue: str | None = None,
    store: bool = True,
    cases: bool = True,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER,
) -> dict:
    """Settle the year; store the run (parameters, catalogue, cases, institutions) and log it.
    ``cases`` adds every case to the returned dict (the JSON output of ``yibao settle``)."""
    params = resolve_params(ws, year, plugins)
    source = catalogue_source(ws, catalogue)
    conn = ws.conn
    cancel.check()
    progress("settle", 0, 0)
    with (
        reference_overlay(conn, plugins.reference_data() if plugins else []),
        year_scoring(conn, params, source) as scoring,
    ):
        out = compute(scoring, params, confirmed_deductions(conn), plugins)
        out["catalogue"] = source
        cancel.check()
        if store:
            out["run_id"] = _store(ws, scoring, params, source, out, plugins)
        if cases:
            out["cases"] = [
                case_json(r)
                for r in conn.execute(
                    f"SELECT {CASE_COLUMNS} FROM ({scoring.cases_sql()})"
                    " ORDER BY discharge_date, claim_id",
                    scoring.args,
                )
            ]
    progress("settle", 1, 1)
    return out


def _store(ws: Workspace, scoring: Scoring, params, source, out, plugins) -> str:
    run_id = "S" + uuid.uuid4().hex[:12]
    now = audit_log.now_text()
    summary = {k: out[k] for k in ("year", "point_value", "total_points", "fund_payment_ratio")}
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
                json.dumps(summary),
                json.dumps({"catalogue": source}),
            ),
        )
        conn.execute(
            "INSERT INTO settlement_cases (run_id, claim_id, institution_code, group_code,"
            " case_type, payment_method, rw, coefficient, ratio, points)"
            " SELECT :run_id, claim_id, institution_code, group_code, case_type, payment_method,"
            f" rw, coefficient, ratio, points FROM ({scoring.cases_sql()})",
            {**scoring.args, "run_id": run_id},
        )
        conn.executemany(
            "INSERT INTO settlement_institutions (run_id, institution_code, result)"
            " VALUES (?, ?, ?)",
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

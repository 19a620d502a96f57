"""DIP settlement of a region's year (dip_spec.md section 4), stored as a run.

Points and ratios are floats, as the spec's formulas are; money is rounded half-up to the
fen only in outputs, and deductions come from the review decisions as exact decimals.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from math import fsum

from engine import audit_log, processes
from engine.dip.grouping import Catalogue
from engine.dip.params import catalogue_source, resolve_params
from engine.dip.scoring import REGROUP, Scoring
from engine.errors import UserError
from engine.findings import decided_findings, special_approvals, store_run
from engine.money import SCALE, money_json, points_json, units_to_decimal
from engine.overlay import reference_overlay
from engine.plugins import PluginSet, or_installed
from engine.progress import NEVER, CancelToken, Progress, no_progress
from engine.workspace import Workspace, check_snapshot, data_version


@dataclass(frozen=True)
class Confirmed:
    """A confirmed finding on a claim: its deduction and its rule's points effect."""

    finding_id: str
    claim_id: str
    deduction: Decimal
    points_effect: str | None


def confirmed_findings(conn: sqlite3.Connection) -> list[Confirmed]:
    """The confirmed findings on claims: each finding's latest decision, one per rule and line
    (a later audit run's finding of the same thing replaces an earlier one's)."""
    latest = {(d.claim_id, d.rule_id, d.line_no): d for d in decided_findings(conn) if d.claim_id}
    return [
        Confirmed(d.finding_id, d.claim_id, units_to_decimal(d.deduction or 0), d.points_effect)
        for d in latest.values()
        if d.decision == "confirm"
    ]


def confirmed_deductions(conn: sqlite3.Connection) -> dict[str, Decimal]:
    """Confirmed deductions by claim (every confirmed finding's, effects or not)."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for f in confirmed_findings(conn):
        if f.deduction:
            out[f.claim_id] += f.deduction
    return out


def points_effects(confirmed: list[Confirmed]) -> dict[str, tuple[str, str]]:
    """Claim → (points effect, finding id): ``zero`` wins over ``regroup_conservative``, and
    among equals the lowest finding id, so the choice does not depend on decision order."""
    out: dict[str, tuple[str, str]] = {}
    rank = {"zero": 0, REGROUP: 1}
    for f in sorted(confirmed, key=lambda f: (rank.get(f.points_effect, 2), f.finding_id)):
        if f.points_effect in rank:
            out.setdefault(f.claim_id, (f.points_effect, f.finding_id))
    return out


def year_scoring(
    conn, params: dict, source: str, confirmed: list[Confirmed] | None = None, plugins=None
) -> Scoring:
    """The scoring of every inpatient case discharged in the settlement year, with the
    confirmed findings' points effects, the approved special cases and the plug-ins' case
    factors; aggregates run over one part of the year per core."""
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
        effects=points_effects(confirmed or []),
        approvals=special_approvals(conn),
        case_factor=plugins.case_factor
        if plugins is not None and plugins.has_case_factor()
        else None,
    )


def _deductions_by_institution(
    scoring: Scoring, confirmed: list[Confirmed]
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Confirmed deductions of the year, split into DIP cases' and other claims' (by
    institution). A finding whose points effect changed its case is not also deducted."""
    deductions: dict[str, Decimal] = defaultdict(Decimal)
    for f in confirmed:
        if f.deduction and not (f.points_effect and f.claim_id in scoring.applied):
            deductions[f.claim_id] += f.deduction
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
            " AND coalesce(discharge_date, admission_date) >= :year_from"
            " AND coalesce(discharge_date, admission_date) < :year_to",
            scoring.args,
        ):
            (dip if in_year.get(claim_id) == "dip" else other)[inst] += deductions[claim_id]
    finally:
        conn.execute("DROP TABLE temp.x_deducted")
    return dip, other


_DEDUCTED = " AND cl.claim_id IN (SELECT claim_id FROM x_deducted)"


def _merge(parts: list[list[tuple]], keys: int) -> dict[tuple, list]:
    """Add up the parts' rows by their first ``keys`` columns (counts and money are
    integers, so exact; points with ``fsum``)."""
    rows: dict[tuple, list[tuple]] = defaultdict(list)
    for part in parts:
        for row in part:
            rows[row[:keys]].append(row[keys:])
    return {key: [_add(col) for col in zip(*sums, strict=True)] for key, sums in rows.items()}


def _add(column: tuple) -> float | int:
    values = [v for v in column if v is not None]
    return fsum(values) if any(isinstance(v, float) for v in values) else sum(values)


@dataclass
class CaseSums:
    """DIP cases summed as their rows come (of an institution in a fund, of a fund, of a
    month): how many, their points (with ``fsum``), fund paid and cost (1/10000 units)."""

    cases: int = 0
    points: float = 0.0
    paid_units: int = 0
    cost_units: int = 0

    def add(self, cases: int, points: float, paid_units: int, cost_units: int) -> None:
        self.cases += cases
        self.points = fsum([self.points, points])
        self.paid_units += paid_units
        self.cost_units += cost_units


@dataclass
class Fund:
    """One fund's account of the year (section 4a): φ, Σ points and the point value."""

    name: str
    budget: float
    points: float = 0.0
    paid_units: int = 0
    cost_units: int = 0
    phi: float = 0.0
    point_value: float = 0.0

    def json(self) -> dict:
        return {
            "point_value": points_json(self.point_value),
            "fund_payment_ratio": points_json(self.phi),
            "total_points": points_json(self.points),
        }


def _funds(by_fund: dict[str, CaseSums], params: dict, plugins) -> dict[str, Fund]:
    budget = params.get("fund_budget")
    if budget is None:
        raise UserError("the DIP parameters have no fund_budget for this year")
    budgets = budget if isinstance(budget, dict) else {"all": budget}
    missing = sorted(set(by_fund) - set(budgets))
    if missing:
        raise UserError(
            f"fund_budget has no budget for the {', '.join(missing)} fund, which has DIP cases"
        )
    funds = {}
    for name, amount in budgets.items():
        fund = Fund(name, float(amount))
        if name in by_fund:
            account = by_fund[name]
            fund.points, fund.paid_units = account.points, account.paid_units
            fund.cost_units = account.cost_units
        phi = params.get("fund_payment_ratio")
        fund.phi = (
            phi
            if phi is not None
            else (fund.paid_units / fund.cost_units if fund.cost_units else 0.0)
        )
        value = None
        if plugins is not None:
            value = plugins.dip_point_value(fund.points, fund.budget, fund.phi, params)
        if value is None:
            value = (fund.budget / fund.phi) / fund.points if fund.points and fund.phi else 0.0
        fund.point_value = value
        funds[name] = fund
    return funds


def _shared(payment: float, paid: float, params: dict) -> float:
    """Surplus retention and overspend sharing of one institution's account in one fund."""
    balance = payment - paid
    if balance >= 0:
        return paid + balance * params["surplus_retention_share"]
    return payment - balance * params["overspend_share"]


def _longest_prefix(code: str | None, rates: dict) -> str | None:
    matches = [p for p in rates if code and code.startswith(p)]
    return max(matches, key=len) if matches else None


def _other_payments(
    rows: dict[tuple, list],
    levels: dict[str, int],
    patients: set[tuple[str, str]],
    params: dict,
    warnings: list[str],
) -> dict[str, dict]:
    """Section 4c: bed-day, by-disease, fee-for-service (from the cases' sums ``rows``) and
    capitation payments (``patients``: the year's chronic-outpatient (institution, patient)
    pairs) by institution."""
    out: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    bed_rates, disease_rates = params["bed_day_rates"], params["by_disease_rates"]
    for (code, _fund, method, dx, _month), sums in sorted(rows.items(), key=str):
        count, _points, paid_units, _cost, days = sums
        if method == "bed_day":
            level = levels.get(code)
            rate = bed_rates.get(str(level))
            if rate is None:
                warnings.append(
                    f"{code}: no bed_day_rates for level {level}; its {count} bed-day case(s)"
                    " are paid 0"
                )
            out[code]["bed_day_payment"] += days * (rate or 0)
        elif method == "by_disease":
            prefix = _longest_prefix(dx, disease_rates)
            if prefix is None:
                warnings.append(
                    f"{code}: no by_disease_rates for {dx}; its {count} case(s) are paid 0"
                )
            out[code]["by_disease_payment"] += count * (disease_rates[prefix] if prefix else 0)
        elif method == "fee_for_service":
            out[code]["fee_for_service_payment"] += paid_units / SCALE
    rate = params["capitation_rates"].get("chronic_outpatient")
    if rate is not None:
        for code, _patient in patients:
            out[code]["capitation_payment"] += rate
    return out


def capitation_patients(scoring: Scoring, params: dict) -> set[tuple[str, str]]:
    """The year's distinct (institution, patient) pairs of chronic-outpatient claims; none
    read when the region pays no capitation."""
    if params["capitation_rates"].get("chronic_outpatient") is None:
        return set()
    return {
        pair
        for part in scoring.map(
            "SELECT DISTINCT institution_code, patient_id FROM claims NOT INDEXED"
            " WHERE visit_type = 'chronic_outpatient'"
            " AND admission_date >= :year_from AND admission_date < :year_to"
        )
        for pair in part
    }


# One pass over the year's cases sums all that settlement needs, by institution, fund,
# payment method, main diagnosis (by-disease cases, else '') and month (DIP cases, for the
# advances, else 0). Each case is added into a small keyed table as it is read (an upsert):
# a GROUP BY would first sort every case of the year, which took as long as scoring them.
_SUMS_TABLE = """
CREATE TEMP TABLE x_sums (institution_code TEXT, fund TEXT, payment_method TEXT, dx TEXT,
  month INTEGER, n INTEGER, points REAL, paid INTEGER, cost INTEGER, days INTEGER,
  PRIMARY KEY (institution_code, fund, payment_method, dx, month)) WITHOUT ROWID
"""
_SUMS = """
INSERT INTO x_sums
SELECT institution_code, fund, payment_method,
       CASE WHEN payment_method = 'by_disease' THEN coalesce(main_diagnosis, '') ELSE '' END,
       {month}, 1, points, paid_units, cost_units,
       CASE WHEN payment_method = 'bed_day' THEN los ELSE 0 END
FROM ({cases}) WHERE payment_method != 'other_fund'
ON CONFLICT DO UPDATE SET n = n + 1, points = points + excluded.points,
  paid = paid + excluded.paid, cost = cost + excluded.cost, days = days + excluded.days
"""
_MONTH = (
    "CASE WHEN payment_method = 'dip' THEN CAST(substr(discharge_date, 6, 2) AS INTEGER) ELSE 0 END"
)


def sum_parts(scoring: Scoring, months: bool) -> list[list[tuple]]:
    """The year's sums (see ``_SUMS``), one list of rows a part of the scoring."""
    sql = _SUMS.replace("{cases}", scoring.cases_sql()).replace(
        "{month}", _MONTH if months else "0"
    )

    def run(conn: sqlite3.Connection, args: dict) -> list[tuple]:
        conn.execute("DROP TABLE IF EXISTS temp.x_sums")
        conn.execute(_SUMS_TABLE)
        try:
            conn.execute(sql, args)
            return conn.execute("SELECT * FROM x_sums").fetchall()
        finally:
            conn.execute("DROP TABLE temp.x_sums")

    return scoring.each(run)


def keyed_sums(parts: list[list[tuple]]) -> dict[tuple, list]:
    """Parts' sums added up and keyed (institution, fund, method, dx, month), dx and month
    None where they do not apply. Parts may be a local scoring's, or a Spark run's buckets."""
    return {
        (code, fund, method, dx or None, month or None): sums
        for (code, fund, method, dx, month), sums in _merge(parts, 5).items()
    }


def compute(scoring: Scoring, params: dict, confirmed: list[Confirmed], plugins=None) -> dict:
    """Sections 4, 4a and 4c over the scored cases (see ``clear``)."""
    return clear(
        keyed_sums(sum_parts(scoring, months=params.get("budget_point_value") is not None)),
        dict(scoring.conn.execute("SELECT institution_code, level FROM institutions")),
        capitation_patients(scoring, params),
        params,
        _deductions_by_institution(scoring, confirmed),
        plugins,
    )


def clear(
    rows: dict[tuple, list],
    levels: dict[str, int],
    patients: set[tuple[str, str]],
    params: dict,
    deductions: tuple[dict[str, Decimal], dict[str, Decimal]],
    plugins=None,
) -> dict:
    """The annual clearing from the year's summed cases (``keyed_sums``): φ and the point
    value of each fund, payments, sharing per fund, deductions (DIP cases', other claims')
    recovered in full after sharing, the other payment methods, advances and the clearing."""
    bpv = params.get("budget_point_value")
    dip: dict[tuple[str, str], CaseSums] = {}
    monthly: dict[tuple, float] = defaultdict(float)
    by_fund: dict[str, CaseSums] = {}
    for (code, fund, method, _dx, month), (count, points, paid, cost, _) in rows.items():
        if method != "dip":
            continue
        dip.setdefault((code, fund), CaseSums()).add(count, points, paid, cost)
        by_fund.setdefault(fund, CaseSums()).add(count, points, paid, cost)
        if month is not None:
            monthly[(code, fund, month)] += points
    funds = _funds(by_fund, params, plugins)
    warnings: list[str] = []
    others = _other_payments(rows, levels, patients, params, warnings)
    dip_deductions, other_deductions = deductions
    codes = sorted({code for code, _ in dip} | set(others) | set(other_deductions))
    institutions = []
    for code in codes:
        accounts = [(funds[f], acc) for (c, f), acc in sorted(dip.items()) if c == code]
        appraisal = float(params["appraisal_coefficients"].get(code, 1.0))
        payments = [f.point_value * f.phi * appraisal * acc.points for f, acc in accounts]
        paid = [acc.paid_units / SCALE for _, acc in accounts]
        payment, fund_paid = fsum(payments), fsum(paid)
        deduction = dip_deductions.get(code, Decimal(0))
        final = fsum(_shared(a, b, params) for a, b in zip(payments, paid, strict=True))
        final -= float(deduction)
        extra = others.get(code, {})
        row = {
            "institution_code": code,
            "cases": sum(acc.cases for _, acc in accounts),
            "points": points_json(fsum(acc.points for _, acc in accounts)),
            "payment": money_json(payment),
            "deductions": money_json(deduction),
            "fund_paid": money_json(fund_paid),
            "balance": money_json(payment - fund_paid),
            "final_payment": money_json(final),
        }
        for key in OTHER_PAYMENTS:
            row[key] = money_json(extra.get(key, 0.0))
        recovered = other_deductions.get(code, Decimal(0))
        row["other_deductions"] = money_json(recovered)
        total = fsum([final, *(extra.get(k, 0.0) for k in OTHER_PAYMENTS)]) - float(recovered)
        row["total_payment"] = money_json(total)
        if bpv is not None:
            advances: dict[int, float] = defaultdict(float)
            for (c, fund, month), points in sorted(monthly.items()):
                if c == code:
                    advances[month] += points * bpv * funds[fund].phi * params["advance_ratio"]
            advanced = fsum(advances.values())
            row["advances"] = {str(m): money_json(v) for m, v in sorted(advances.items())}
            row["total_clearing"] = money_json(total - advanced)
        institutions.append(row)
    single = len(funds) == 1
    only = next(iter(funds.values()))
    out = {
        "year": int(params["year"]),
        "region_code": params["region_code"],
        "point_value": points_json(only.point_value) if single else None,
        "fund_payment_ratio": points_json(only.phi) if single else None,
        "total_points": points_json(fsum(f.points for f in funds.values())),
        "funds": {name: f.json() for name, f in funds.items()},
        "institutions": institutions,
    }
    if warnings:
        out["warnings"] = warnings
    return out


OTHER_PAYMENTS = (
    "bed_day_payment",
    "by_disease_payment",
    "fee_for_service_payment",
    "capitation_payment",
)

CASE_COLUMNS = (
    "claim_id, group_code, case_type, payment_method, rw, coefficient, points, fund, ratio, los,"
    " avg_los, institution_code, effect, effect_source, factor"
)


def case_json(row: tuple) -> dict:
    """One scored case (a row of ``Scoring.cases_sql`` selected as CASE_COLUMNS) as JSON."""
    claim_id, group, ctype, method, rw, c, points, fund, ratio, los, avg_los, inst = row[:12]
    effect, source, factor = row[12:]
    out = {
        "claim_id": claim_id,
        "group_code": group,
        "case_type": ctype,
        "payment_method": method,
        "rw": float(rw),
        "coefficient": c,
        "points": points_json(points),
        "fund": fund,
        "ratio": points_json(ratio),
        "los": los,
        "avg_los": avg_los,
        "institution": inst,
    }
    if factor != 1.0:
        out["factor"] = factor
    if effect:
        out["effect"], out["effect_source"] = effect, source
    return out


def settle(
    ws: Workspace,
    year: int | None = None,
    *,
    plugins: PluginSet | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER,
    catalogue: str | None = None,
    store: bool = True,
    cases: bool | Callable[[dict], object] = True,
) -> dict:
    """Settle the year; store the run (parameters, catalogue, cases, institutions) and log it.
    ``cases`` adds every case to the returned dict (the JSON output of ``yibao settle``); a
    function instead is given each case as it is read, and the dict holds none (a city's
    year has millions). ``plugins``: default the installed ones."""
    plugins = or_installed(plugins)
    snapshot = data_version(ws.conn)  # before anything is read; _store checks it
    params = resolve_params(ws, year, plugins=plugins)
    source = catalogue_source(ws, catalogue)
    conn = ws.conn
    cancel.check()
    progress("settle", 0, 0)
    confirmed = confirmed_findings(conn)
    with (
        reference_overlay(conn, plugins.reference_data() if plugins else []),
        year_scoring(conn, params, source, confirmed, plugins) as scoring,
    ):
        out = compute(scoring, params, confirmed, plugins)
        out["catalogue"] = source
        out["problems"] = plugins.problems() if plugins else []
        cancel.check()
        if store:
            out["run_id"] = _store(ws, scoring, params, source, out, plugins, snapshot)
        if cases:
            each = (
                case_json(r)
                for r in conn.execute(
                    f"SELECT {CASE_COLUMNS} FROM ({scoring.cases_sql()})"
                    " ORDER BY discharge_date, claim_id",
                    scoring.args,
                )
            )
            if callable(cases):
                for case in each:
                    cases(case)
            else:
                out["cases"] = list(each)
    progress("settle", 1, 1)
    return out


def _store(ws: Workspace, scoring: Scoring, params, source, out, plugins, snapshot: int) -> str:
    run_id = "S" + uuid.uuid4().hex[:12]
    now = audit_log.now_text()
    summary = {
        k: out[k] for k in ("year", "point_value", "total_points", "fund_payment_ratio", "funds")
    }
    summary["plugin_failures"] = plugins.failures() if plugins else []
    with ws.transaction() as conn:
        check_snapshot(conn, snapshot, "settlement")
        store_run(
            conn,
            run_id,
            "settle",
            now,
            parameters=params,
            plugins=plugins.versions() if plugins else [],
            summary=summary,
            catalogue=source,
        )
        conn.execute(
            "INSERT INTO settlement_cases (run_id, claim_id, institution_code, group_code,"
            " case_type, payment_method, rw, coefficient, ratio, points, fund, factor, effect,"
            " effect_source)"
            " SELECT :run_id, claim_id, institution_code, group_code, case_type, payment_method,"
            " rw, coefficient, ratio, points, fund, factor, effect, effect_source"
            f" FROM ({scoring.cases_sql()})",
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

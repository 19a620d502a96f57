"""Fund risk and the point-value forecast (analytics.md §5).

Expenditure: per month of the year, Σ fund_paid by visit type, claims, patients and fund per
claim, each against the same month of the year before; a warning when the year-to-date
growth (the months of the year that have claims, against the same months of the year
before) exceeds ``expenditure_growth_warn`` (and the visit types whose own growth does).

DIP budget execution: the points of the cases discharged so far; the forecast of the year's
points = points to date ÷ the share of last year's points earned by the same month (linear,
× 12 ÷ months, when last year has no DIP case); the forecast point value (预算点值)
``fund_budget / φ / forecast points``, and its change against last year's settled point
value (the latest stored settlement of last year, else last year settled now, not stored),
with a warning below ``point_value_warn_ratio`` × that value.

(The spec writes "to-date points × the share"; multiplying by a share ≤ 1 would forecast
fewer points than already earned, so the share divides, which is what it means.)
"""

from __future__ import annotations

import json
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from math import fsum

from engine.analytics.params import CLAIM_DAY, analytics_params
from engine.dip.params import catalogue_source, resolve_params
from engine.dip.settlement import (
    CaseSums,
    confirmed_findings,
    settle,
    year_scoring,
)
from engine.errors import UserError
from engine.money import SCALE, money_json, points_json
from engine.overlay import reference_overlay
from engine.plugins import PluginSet, or_installed
from engine.workspace import Workspace, open_reader, reader_path

_MONTHLY = f"""
SELECT CAST(substr(day, 1, 4) AS INTEGER), CAST(substr(day, 6, 2) AS INTEGER), visit_type,
       count(*), count(DISTINCT patient_id), sum(coalesce(fund_paid, 0))
FROM (SELECT {CLAIM_DAY} AS day, visit_type, patient_id, fund_paid FROM claims)
WHERE day >= :start AND day < :end
GROUP BY 1, 2, 3
"""

_PATIENTS = f"""
SELECT CAST(substr(day, 1, 4) AS INTEGER), CAST(substr(day, 6, 2) AS INTEGER),
       count(DISTINCT patient_id)
FROM (SELECT {CLAIM_DAY} AS day, patient_id FROM claims)
WHERE day >= :start AND day < :end
GROUP BY 1, 2
"""


def _year_rows(conn, year: int) -> tuple[list, list]:
    """The claims of ``year`` by month and visit type, and the month's patients."""
    args = {"start": f"{year}-01-01", "end": f"{year + 1}-01-01"}
    return conn.execute(_MONTHLY, args).fetchall(), conn.execute(_PATIENTS, args).fetchall()


def _both_years(conn, year: int) -> list[tuple[list, list]]:
    """``_year_rows`` of the year before and of the year, at once on two read-only
    connections when the file can be opened again (SQLite releases the GIL)."""
    path = reader_path(conn)
    if path is None:
        return [_year_rows(conn, y) for y in (year - 1, year)]

    def run(y: int):
        reader = open_reader(path)
        try:
            return _year_rows(reader, y)
        finally:
            reader.close()

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(run, (year - 1, year)))


def _growth(now: float, before: float | None) -> float | None:
    return None if not before else round(now / before - 1, 6)


@dataclass
class Spend:
    """Claims, patients and fund paid (1/10000 units): of a month's visit type, or summed."""

    claims: int = 0
    patients: int = 0
    fund: int = 0


def expenditure(conn, year: int, warn: float) -> dict:
    """The monthly expenditure of ``year`` beside ``year − 1`` and the year-to-date warning."""
    cells: dict[tuple, Spend] = {}
    patients: dict[tuple, int] = {}
    for monthly, people in _both_years(conn, year):
        for y, m, vt, claims, pats, fund in monthly:
            cells[(y, m, vt)] = Spend(claims, pats, fund)
        patients.update({(y, m): n for y, m, n in people})
    months_now = sorted({m for y, m, _ in cells if y == year})
    through = months_now[-1] if months_now else 0
    types = sorted({vt for _, _, vt in cells})
    months = []
    for m in range(1, through + 1):
        row = {"month": m, "by_visit_type": {}}
        totals = {y: Spend() for y in (year, year - 1)}
        for vt in types:
            now = cells.get((year, m, vt))
            before = cells.get((year - 1, m, vt))
            if now is None and before is None:
                continue
            spend = now or Spend()
            last = before.fund if before else None
            row["by_visit_type"][vt] = {
                "fund_paid": money_json(spend.fund / SCALE),
                "claims": spend.claims,
                "patients": spend.patients,
                "per_claim": money_json(spend.fund / SCALE / spend.claims)
                if spend.claims
                else None,
                "last_year_fund_paid": None if last is None else money_json(last / SCALE),
                "growth": _growth(spend.fund, last),
            }
            for y, cell in ((year, now), (year - 1, before)):
                if cell:
                    totals[y].claims += cell.claims
                    totals[y].fund += cell.fund
        claims, fund = totals[year].claims, totals[year].fund
        last = totals[year - 1].fund if patients.get((year - 1, m)) else None
        row.update(
            fund_paid=money_json(fund / SCALE),
            claims=claims,
            patients=patients.get((year, m), 0),
            per_claim=money_json(fund / SCALE / claims) if claims else None,
            last_year_fund_paid=None if last is None else money_json(last / SCALE),
            growth=_growth(fund, last),
        )
        months.append(row)
    ytd = sum(v.fund for (y, m, _), v in cells.items() if y == year and m <= through)
    ytd_before = sum(v.fund for (y, m, _), v in cells.items() if y == year - 1 and m <= through)
    growth = _growth(ytd, ytd_before)
    by_type = {}
    for vt in types:
        now = sum(
            v.fund for (y, m, t), v in cells.items() if t == vt and y == year and m <= through
        )
        before = sum(
            v.fund for (y, m, t), v in cells.items() if t == vt and y == year - 1 and m <= through
        )
        by_type[vt] = {
            "fund_paid": money_json(now / SCALE),
            "last_year_fund_paid": money_json(before / SCALE),
            "growth": _growth(now, before),
        }
    return {
        "through_month": through,
        "months": months,
        "year_to_date": {
            "fund_paid": money_json(ytd / SCALE),
            "last_year_fund_paid": money_json(ytd_before / SCALE),
            "growth": growth,
            "by_visit_type": by_type,
        },
        "warning": growth is not None and growth > warn,
        # the visit types growing past the threshold, though the total may not
        "visit_type_warnings": [
            vt for vt, v in by_type.items() if v["growth"] is not None and v["growth"] > warn
        ],
    }


def _monthly_points(ws: Workspace, params: dict, source: str, plugins) -> dict[int, CaseSums]:
    """Month → the DIP cases discharged in it, summed, scored as the settlement scores them
    (confirmed findings' effects, plug-ins' factors)."""
    out: dict[int, CaseSums] = defaultdict(CaseSums)
    confirmed = confirmed_findings(ws.conn)
    with year_scoring(ws.conn, params, source, confirmed, plugins) as scoring:
        if scoring.cat.empty:
            return {}
        sql = (
            "SELECT CAST(substr(discharge_date, 6, 2) AS INTEGER), count(*), sum(points),"
            f" sum(paid_units), sum(cost_units) FROM ({scoring.cases_sql()})"
            " WHERE payment_method = 'dip'"
            " GROUP BY 1"
        )
        for rows in scoring.map(sql):
            for month, cases, points, paid, cost in rows:
                out[month].add(cases, points or 0.0, paid or 0, cost or 0)
    return dict(out)


def _settled_point_value(ws: Workspace, year: int, plugins) -> float | None:
    """The point value of the latest stored settlement of ``year`` (one fund), else of its
    settlement now (not stored) when the year has its parameters; None without either."""
    for (summary,) in ws.conn.execute(
        "SELECT summary FROM runs WHERE kind = 'settle' ORDER BY started_at DESC, rowid DESC"
    ):
        data = json.loads(summary or "{}")
        if data.get("year") == year and data.get("point_value") is not None:
            return float(data["point_value"])
    if year not in dict(ws.conn.execute("SELECT year, 1 FROM dip_params")):
        return None
    try:
        value = settle(ws, year, plugins=plugins, store=False, cases=False).get("point_value")
    except UserError:
        return None
    return None if value is None else float(value)


def budget_execution(ws: Workspace, year: int, plugins, warn_ratio: float) -> dict:
    """The DIP budget execution and forecast point value of ``year``."""
    try:
        params = resolve_params(ws, year, plugins=plugins)
    except UserError as exc:
        return {"available": False, "reason": str(exc)}
    source = catalogue_source(ws)
    conn = ws.conn
    with reference_overlay(conn, plugins.reference_data() if plugins else []):
        now = _monthly_points(ws, params, source, plugins)
        before = _monthly_points(ws, {**params, "year": year - 1}, source, plugins)
    if not now:
        return {"available": False, "reason": f"no DIP case discharged in {year}"}
    through = max(now)
    to_date = fsum(now[m].points for m in now if m <= through)
    last_total = fsum(v.points for v in before.values())
    if last_total > 0:
        share = fsum(before[m].points for m in before if m <= through) / last_total
        method = "last_year_share"
    else:
        share, method = through / 12, "linear"
    forecast = to_date / share if share else None
    paid = sum(v.paid_units for v in now.values())
    cost = sum(v.cost_units for v in now.values())
    phi = params.get("fund_payment_ratio") or (paid / cost if cost else None)
    budget = params.get("fund_budget")
    if isinstance(budget, dict):
        budget = fsum(float(v) for v in budget.values())
    value = budget / phi / forecast if budget and phi and forecast else None
    last_value = _settled_point_value(ws, year - 1, plugins)
    change = value / last_value - 1 if value is not None and last_value else None
    cumulative = {}
    for label, series in (("this_year", now), ("last_year", before)):
        running, points = 0.0, []
        for m in range(1, 13):
            running += series[m].points if m in series else 0.0
            points.append(points_json(running))
        cumulative[label] = points
    return {
        "available": True,
        "through_month": through,
        "points_to_date": points_json(to_date),
        "last_year_share_to_date": None if method == "linear" else round(share, 6),
        "method": method,
        "forecast_points": None if forecast is None else points_json(forecast),
        "fund_budget": budget,
        "fund_payment_ratio": None if phi is None else points_json(phi),
        "forecast_point_value": None if value is None else points_json(value),
        "last_year_point_value": last_value,
        "change": None if change is None else round(change, 6),
        "warning": bool(value is not None and last_value and value < warn_ratio * last_value),
        "cumulative_points": cumulative,
    }


def monitor(ws: Workspace, year: int, *, plugins: PluginSet | None = None) -> dict:
    """Both parts for ``year`` (nothing is written); ``plugins``: default the installed ones."""
    plugins = or_installed(plugins)
    p = analytics_params(ws, plugins)
    return {
        "year": year,
        "expenditure": expenditure(ws.conn, year, float(p["expenditure_growth_warn"])),
        "budget": budget_execution(ws, year, plugins, float(p["point_value_warn_ratio"])),
        "thresholds": {
            "expenditure_growth_warn": p["expenditure_growth_warn"],
            "point_value_warn_ratio": p["point_value_warn_ratio"],
        },
    }

"""Institution appraisal (定点机构考核, analytics.md §4) → next year's appraisal coefficient.

Each institution with claims in the year is scored 0–100 from four parts:

- compliance: 100 × (1 − min(1, confirmed deductions / Σ fund_paid × compliance_scale));
- cost control: 100 × min(1, 1 / cost index), cost index = Σ cost / Σ (group avg_cost × c)
  over its DIP cases discharged in the year;
- length of stay: 100 × min(1, 1 / time index), time index = Σ LOS / Σ group avg_los over
  those of its DIP cases whose group has an avg_los;
- data quality: 100 × (1 − share of its claims with a finding of ``data_quality_codes`` in
  the latest audit run).

A part that cannot be computed (no fund paid, no DIP case, no avg_los, no audit run) leaves
its weight to the others, in proportion. The score's band gives the coefficient.
``apply`` writes the coefficients into another year's DIP parameters, and logs it; nothing
else here writes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from math import fsum

from engine import audit_log
from engine.analytics.params import CLAIM_DAY, analytics_params
from engine.dip import params as dip_params
from engine.dip.params import catalogue_source, resolve_params
from engine.dip.settlement import confirmed_deductions, year_scoring
from engine.errors import UserError
from engine.findings import latest_run
from engine.money import SCALE, money_json
from engine.overlay import reference_overlay
from engine.plugins import PluginSet, or_installed
from engine.workspace import Workspace

PARTS = ("compliance", "cost_control", "length_of_stay", "data_quality")

# Per institution over the year's DIP cases: Σ cost (units), Σ avg_cost × c, Σ LOS and
# Σ avg_los over cases whose group has one. x_place is the Scoring's placements.
_DIP_SUMS = """
SELECT s.institution_code, sum(s.cost_units), sum(p.avg_cost * s.coefficient),
       sum(CASE WHEN s.avg_los > 0 THEN s.los END), sum(CASE WHEN s.avg_los > 0 THEN s.avg_los END)
FROM ({cases}) s
JOIN (SELECT DISTINCT group_code, avg_cost FROM x_place WHERE group_code IS NOT NULL) p
  ON p.group_code = s.group_code
WHERE s.payment_method = 'dip'
GROUP BY s.institution_code
"""


def band(score: float, bands: list) -> float:
    """The coefficient of the first band whose lowest score the score reaches."""
    for lowest, coefficient in sorted(bands, key=lambda b: -b[0]):
        if score >= lowest:
            return float(coefficient)
    return float(min(bands, key=lambda b: b[0])[1])


def _year_claims(conn, year: int) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for code, name, level, claims, fund in conn.execute(
        f"""SELECT c.institution_code, i.name, i.level, count(*), sum(coalesce(c.fund_paid, 0))
            FROM claims c LEFT JOIN institutions i ON i.institution_code = c.institution_code
            WHERE substr({CLAIM_DAY}, 1, 4) = :year GROUP BY c.institution_code""",
        {"year": str(year)},
    ):
        out[code] = {"name": name, "level": level, "claims": claims, "fund_units": fund}
    return out


def _deductions(conn, year: int) -> dict[str, Decimal]:
    by_claim = confirmed_deductions(conn)
    out: dict[str, Decimal] = defaultdict(Decimal)
    if not by_claim:
        return out
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS x_appraise_ded (claim_id TEXT PRIMARY KEY)")
    try:
        conn.executemany("INSERT INTO x_appraise_ded VALUES (?)", [(c,) for c in by_claim])
        for claim_id, inst in conn.execute(
            f"""SELECT claim_id, institution_code FROM claims
                WHERE claim_id IN (SELECT claim_id FROM x_appraise_ded)
                  AND substr({CLAIM_DAY}, 1, 4) = ?""",
            (str(year),),
        ):
            out[inst] += by_claim[claim_id]
    finally:
        conn.execute("DROP TABLE temp.x_appraise_ded")
    return out


def _flagged(conn, year: int, run_id: str | None, codes: list[str]) -> dict[str, int]:
    if run_id is None or not codes:
        return {}
    marks = ", ".join("?" * len(codes))
    return dict(
        conn.execute(
            f"""SELECT c.institution_code, count(*) FROM claims c
                WHERE substr({CLAIM_DAY}, 1, 4) = ? AND c.claim_id IN (
                  SELECT claim_id FROM findings WHERE run_id = ? AND code IN ({marks}))
                GROUP BY c.institution_code""",
            (str(year), run_id, *codes),
        )
    )


def _dip_sums(ws: Workspace, year: int, plugins) -> dict[str, tuple]:
    try:
        params = resolve_params(ws, year, plugins=plugins)
    except UserError:
        return {}
    conn = ws.conn
    with (
        reference_overlay(conn, plugins.reference_data() if plugins else []),
        year_scoring(conn, params, catalogue_source(ws)) as scoring,
    ):
        if scoring.cat.empty:
            return {}
        sums: dict[str, list] = {}
        for rows in scoring.map(_DIP_SUMS.format(cases=scoring.cases_sql())):
            for code, *values in rows:
                seen = sums.setdefault(code, [0, 0.0, 0, 0.0])
                sums[code] = [(a or 0) + (b or 0) for a, b in zip(seen, values, strict=True)]
    return {code: tuple(v) for code, v in sums.items()}


def appraise(ws: Workspace, year: int, *, plugins: PluginSet | None = None) -> dict:
    """Every institution's parts, score and coefficient for ``year`` (nothing is written);
    ``plugins``: default the installed ones."""
    plugins = or_installed(plugins)
    p = analytics_params(ws, plugins)
    conn = ws.conn
    run_id = latest_run(ws)
    institutions = _year_claims(conn, year)
    deductions = _deductions(conn, year)
    flagged = _flagged(conn, year, run_id, p["data_quality_codes"])
    dip = _dip_sums(ws, year, plugins)
    weights = p["appraisal_weights"]
    out = []
    for code in sorted(institutions):
        info = institutions[code]
        parts = _parts(
            info, deductions.get(code, Decimal(0)), dip.get(code), flagged.get(code, 0), run_id, p
        )
        present = {k: float(weights[k]) for k in PARTS if parts[k]["score"] is not None}
        total = fsum(present.values())
        used = {k: (w / total * 100 if total else 0.0) for k, w in present.items()}
        score = fsum(parts[k]["score"] * used[k] / 100 for k in present) if total else None
        if score is not None:
            score = round(score, 6)  # 79.99999999 from 100 / 3 is the hand-computed 80
        for part in parts.values():
            part["score"] = _round(part["score"])
        out.append(
            {
                "institution_code": code,
                "name": info["name"],
                "level": info["level"],
                "claims": info["claims"],
                "parts": parts,
                "weights": {k: round(v, 4) for k, v in used.items()},
                "score": None if score is None else round(score, 2),
                "coefficient": None if score is None else band(score, p["appraisal_bands"]),
            }
        )
    return {
        "year": year,
        "audit_run": run_id,
        "weights": weights,
        "bands": p["appraisal_bands"],
        "institutions": out,
    }


def _parts(info: dict, deduction: Decimal, dip: tuple | None, flagged: int, run_id, p) -> dict:
    fund = Decimal(info["fund_units"] or 0) / SCALE
    compliance = None
    if fund > 0:
        share = float(deduction / fund) * float(p["compliance_scale"])
        compliance = 100 * (1 - min(1.0, share))
    cost_index = time_index = None
    if dip:
        cost_units, expected, los, avg_los = dip
        if expected:
            cost_index = (cost_units / SCALE) / expected
        if avg_los:
            time_index = los / avg_los
    quality = None
    if run_id is not None and info["claims"]:
        quality = 100 * (1 - flagged / info["claims"])
    return {
        "compliance": {
            "score": compliance,
            "deductions": money_json(deduction),
            "fund_paid": money_json(fund),
        },
        "cost_control": {
            "score": None if cost_index is None else 100 * min(1.0, 1 / cost_index),
            "cost_index": _round(cost_index, 4),
        },
        "length_of_stay": {
            "score": None if time_index is None else 100 * min(1.0, 1 / time_index),
            "time_index": _round(time_index, 4),
        },
        "data_quality": {
            "score": quality,
            "claims": info["claims"],
            "flagged_claims": flagged,
        },
    }


def _round(value: float | None, digits: int = 6) -> float | None:
    """Outputs keep 6 digits of a part (the score is computed from the full values)."""
    return None if value is None else round(value, digits)


def apply(ws: Workspace, result: dict, target_year: int) -> dict:
    """Write the coefficients of ``result`` into ``target_year``'s DIP parameters (a copy of
    the appraised year's when that year has none) and log it, in one transaction."""
    coefficients = {
        i["institution_code"]: i["coefficient"]
        for i in result["institutions"]
        if i["coefficient"] is not None
    }
    with ws.transaction() as conn:
        row = conn.execute(
            "SELECT params FROM dip_params WHERE year = ?", (target_year,)
        ).fetchone()
        copied_from = None
        if row is None:
            source = conn.execute(
                "SELECT params FROM dip_params WHERE year = ?", (result["year"],)
            ).fetchone()
            if source is None:
                raise UserError(
                    f"no DIP parameters for {target_year} and none for {result['year']} to copy"
                )
            row, copied_from = source, result["year"]
        params = json.loads(row[0])
        params["year"] = target_year
        params["appraisal_coefficients"] = {
            **params.get("appraisal_coefficients", {}),
            **coefficients,
        }
        dip_params.check(params)
        conn.execute(
            "INSERT OR REPLACE INTO dip_params (year, params) VALUES (?, ?)",
            (target_year, json.dumps(params, ensure_ascii=False)),
        )
        audit_log.append(
            conn,
            "appraisal_apply",
            {
                "year": result["year"],
                "applied_to": target_year,
                "copied_params_from": copied_from,
                "audit_run": result["audit_run"],
                "coefficients": coefficients,
            },
            parts=[("dip_params", {})],  # supersedes the import's record of the table
        )
    return {
        "applied_to": target_year,
        "copied_params_from": copied_from,
        "coefficients": coefficients,
    }

"""The anomaly ranking (analytics.md §3) and its drill-down.

Reads the peer comparisons an audit run stored (``engine.analytics.scores``): every subject
with a robust score in at least one comparison, its composite score = the sum of its positive
robust scores (one per indicator and group), ranked descending with the parts that make it
up. By doctor and by department the parts are TJ01–TJ03; by institution, TJ04 and the
institution indicators (ZB10000205…).
"""

from __future__ import annotations

from collections import defaultdict
from math import fsum

from engine.analytics.scores import Score, load
from engine.dip.grouping import Catalogue
from engine.dip.params import catalogue_source, resolve_params
from engine.dip.scoring import Scoring
from engine.errors import UserError
from engine.findings import latest_run
from engine.money import money_json, units_to_decimal
from engine.overlay import reference_overlay
from engine.plugins import PluginSet, or_installed
from engine.workspace import Workspace

BY = ("doctor", "department", "institution")


def _part(s: Score) -> dict:
    return {
        "code": s.code,
        "group_code": s.group_code,
        "institution_code": s.institution_code,
        "value": s.value,
        "median": s.median,
        "threshold": s.threshold,
        "score": None if s.score is None else round(s.score, 4),
        "outlier": s.value > s.threshold,
        "cases": s.cases,
        "peers": s.peers,
        "amount": None if s.amount is None else money_json(units_to_decimal(s.amount)),
    }


def rank(ws: Workspace, by: str, top: int | None = None, run_id: str | None = None) -> dict:
    """The ranking of the latest audit run (or ``run_id``) by ``by``."""
    if by not in BY:
        raise UserError(f"--by must be one of {', '.join(BY)}, not {by!r}")
    if top is not None and top < 1:
        raise UserError("--top must be at least 1")
    run_id = run_id or latest_run(ws)
    if run_id is None:
        raise UserError("no audit run in this workspace: run yibao audit first")
    if not ws.conn.execute(
        "SELECT 1 FROM runs WHERE run_id = ? AND kind = 'audit'", (run_id,)
    ).fetchone():
        raise UserError(f"no audit run {run_id} in this workspace")
    stored = [s for s in load(ws.conn, run_id, by) if s.score is not None]
    subjects: dict[str, list[Score]] = defaultdict(list)
    for s in stored:
        subjects[s.subject].append(s)
    names = dict(ws.conn.execute("SELECT institution_code, name FROM institutions"))
    subject_names = names if by == "institution" else {}
    if by == "doctor":
        subject_names = dict(ws.conn.execute("SELECT doctor_id, name FROM doctors"))
    rows = []
    for subject, parts in subjects.items():
        composite = fsum(s.score for s in parts if s.score > 0)
        homes = sorted({s.institution_code for s in parts if s.institution_code})
        rows.append(
            {
                "subject": subject,
                "name": subject_names.get(subject),
                "institution_codes": homes,
                "institution_names": [names.get(h) or h for h in homes],
                "score": round(composite, 4),
                "outliers": sum(1 for s in parts if s.value > s.threshold),
                "parts": [_part(s) for s in sorted(parts, key=lambda s: -(s.score or 0))],
            }
        )
    rows.sort(key=lambda r: (-r["score"], r["subject"]))
    for index, row in enumerate(rows, start=1):
        row["rank"] = index
    return {
        "run_id": run_id,
        "by": by,
        "subjects": len(rows),
        "ranking": rows[:top] if top else rows,
    }


_SUBJECT_COLUMN = {
    "doctor": "doctor_id",
    "department": "dept_code",
    "institution": "institution_code",
}

_PART_CASES = """
SELECT s.claim_id, s.institution_code, c.doctor_id, c.dept_code, c.admission_date,
       c.discharge_date, s.los, s.cost_units, s.paid_units, s.group_code, s.case_type
FROM ({cases}) s JOIN claims c ON c.claim_id = s.claim_id
WHERE s.payment_method = 'dip' AND s.group_code = :group
ORDER BY s.cost_units DESC, s.claim_id
"""

_INSTITUTION_CLAIMS = """
SELECT claim_id, institution_code, doctor_id, dept_code, admission_date, discharge_date,
       CASE WHEN discharge_date IS NOT NULL
            THEN max(1, CAST(julianday(discharge_date) - julianday(admission_date) AS INTEGER))
       END, total_amount, coalesce(fund_paid, 0), NULL, visit_type
FROM claims WHERE institution_code = :subject
ORDER BY total_amount DESC, claim_id LIMIT :limit
"""

CASE_FIELDS = (
    "claim_id institution_code doctor_id dept_code admission_date discharge_date los cost"
    " fund_paid group_code case_type"
).split()


def part_cases(
    ws: Workspace,
    by: str,
    subject: str,
    code: str,
    group_code: str | None,
    *,
    plugins: PluginSet | None = None,
    limit: int = 500,
) -> list[dict]:
    """The cases behind one part of a subject's ranking: its DIP cases in the group (TJ, the
    grouping the audit used), or the institution's largest claims (an indicator).
    ``plugins``: default the installed ones."""
    plugins = or_installed(plugins)
    if by not in _SUBJECT_COLUMN:
        raise UserError(f"--by must be one of {', '.join(BY)}, not {by!r}")
    conn = ws.conn
    if not code.startswith("TJ"):
        rows = conn.execute(_INSTITUTION_CLAIMS, {"subject": subject, "limit": limit}).fetchall()
    else:
        params = resolve_params(ws, None, plugins=plugins)
        column = _SUBJECT_COLUMN["institution" if code == "TJ04" else by]
        with reference_overlay(conn, plugins.reference_data() if plugins else []):
            cat = Catalogue.load(conn, catalogue_source(ws))
            with Scoring(
                conn, cat, params, f" AND cl.{column} = :subject", {"subject": subject}
            ) as sc:
                rows = conn.execute(
                    _PART_CASES.format(cases=sc.cases_sql()) + " LIMIT :limit",
                    {**sc.args, "group": group_code, "limit": limit},
                ).fetchall()
    out = []
    for row in rows:
        case = dict(zip(CASE_FIELDS, row, strict=True))
        case["cost"] = money_json(units_to_decimal(case["cost"]))
        case["fund_paid"] = money_json(units_to_decimal(case["fund_paid"]))
        out.append(case)
    return out

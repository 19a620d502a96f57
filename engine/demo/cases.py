"""Synthetic inpatient cases for the settle stage of ``yibao bench``.

Settlement reads only the claim header (diagnoses, procedures, dates, cost, fund paid), so
the cases are written straight into a workspace that already holds a region's reference
data, drawn from its DIP catalogue: core groups with and without related procedures,
comprehensive groups, ungrouped, bed-day and maternity cases, and low, high and special costs.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from engine.workspace import Workspace

# A procedure code of each treatment kind (by the ICD-9-CM-3 chapter default).
KIND_PROCEDURE = {"surgical": "51.2200", "diagnostic": "88.0100", "therapeutic": "99.2100"}


def _templates(ws: Workspace) -> list[tuple[str, str | None, str | None, float]]:
    """(main diagnosis, main procedure, other procedures, average cost) per kind of case."""
    out = []
    for diagnosis, group_type, procedure, related, treatment, avg_cost in ws.conn.execute(
        "SELECT diagnosis, group_type, main_procedure, related_procedures, treatment, avg_cost"
        " FROM dip_groups ORDER BY group_code"
    ):
        cost = avg_cost / 1e4
        if group_type == "core":
            others = related.replace("+", ";").replace("/", ";") if related else None
            out.append((diagnosis + "00", procedure, others, cost))
        else:
            out.append((diagnosis + ".900", KIND_PROCEDURE.get(treatment or ""), None, cost))
    out.append(("R10.400", None, None, 3000.0))  # ungrouped
    return out


def _cost_factor(rng: random.Random) -> float:
    roll = rng.random()
    if roll < 0.08:
        return rng.uniform(0.2, 0.5)  # low
    if roll < 0.14:
        return rng.uniform(2.0, 4.5)  # high
    if roll < 0.15:
        return rng.uniform(5.0, 8.0)  # special review
    return rng.uniform(0.6, 1.6)


def add_cases(ws: Workspace, count: int, year: int, seed: int = 1) -> int:
    """Insert ``count`` inpatient claims discharged in ``year``; return how many."""
    rng = random.Random(seed)
    templates = _templates(ws)
    institutions = [
        r[0]
        for r in ws.conn.execute(
            "SELECT institution_code FROM institutions WHERE level > 0 ORDER BY institution_code"
        )
    ]
    if not templates or not institutions:
        raise ValueError("the workspace needs institutions and a DIP catalogue first")
    start = date(year, 1, 1)
    claims, codes = [], []
    for n in range(count):
        dx, px, others, avg_cost = templates[rng.randrange(len(templates))]
        if rng.random() < 0.01:
            dx, px, others = "F20.000", None, None  # long psychiatric stay: bed-day
        elif rng.random() < 0.01:
            dx, px, others = "O80.000", None, None  # delivery: by disease
        los = rng.randint(62, 90) if dx.startswith("F20") else rng.randint(1, 14)
        discharge = start + timedelta(days=rng.randrange(365))
        admission = discharge - timedelta(days=los)
        cost = round(avg_cost * _cost_factor(rng), 2)
        fund = round(cost * 0.75, 2)
        claim_id = f"B{n:08d}"
        claims.append(
            (
                claim_id,
                f"BP{rng.randrange(count):08d}",
                rng.choice((1, 2)),
                "1960-01-01",
                "employee",
                "inpatient",
                institutions[rng.randrange(len(institutions))],
                admission.isoformat(),
                discharge.isoformat(),
                dx,
                px,
                others,
                1,
                round(cost * 1e4),
                round(fund * 1e4),
                round((cost - fund) * 1e4),
                discharge.isoformat(),
            )
        )
        codes.append((claim_id, "dx", 0, dx))
        if px:
            codes.append((claim_id, "px", 0, px))
        for seq, code in enumerate((others or "").split(";") if others else (), start=1):
            codes.append((claim_id, "px", seq, code))
    with ws.transaction() as conn:
        conn.executemany(
            "INSERT INTO claims (claim_id, patient_id, gender, birth_date, insurance_type,"
            " visit_type, institution_code, admission_date, discharge_date, main_diagnosis,"
            " main_procedure, other_procedures, discharge_status, total_amount, fund_paid,"
            " personal_paid, settle_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?)",
            claims,
        )
        conn.executemany(
            "INSERT INTO claim_codes (claim_id, kind, seq, code) VALUES (?, ?, ?, ?)", codes
        )
    return count

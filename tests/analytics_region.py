"""A small region for the analytics tests: every TJ code planted with a trigger and a clean twin.

Group A01.0-CONS (avg_cost 1000, avg_los 5), 49 cases; fund_paid = 80 % of cost:

| doctor | institution (level) | cases | cost | LOS | drug share | role |
|---|---|---|---|---|---|---|
| D1–D5 | H1–H5 (3) | 5 each | 1000 | 5 | 0.30 | peers |
| D6 | H6 (3) | 5 | 3000 | 5 | 0.30 | TJ01 and (as H6) TJ04 trigger |
| D7 | H1 (3) | 5 | 1000 | 15 | 0.30 | TJ02 trigger |
| D8 | H2 (3) | 5 | 1000 | 5 | 0.90 | TJ03 trigger |
| D9 | H7 (3) | 5 | 1040 | 5,5,5,6,6 | 0.33 | clean twin of TJ01–TJ04 (just under) |
| D10 | H8 (2) | 4 | 5000 | 5 | 0.30 | fewer than subject_min_cases: not judged |

H9 (level 1) has no DIP case: the appraisal tests give it an outpatient claim.

Group B01.0-CONS (avg_cost 2000) has 19 cases (fewer than group_min_cases): D11's five at
10,000 are not judged. Departments: each doctor its own (K1…), but D6 and D7 share "SUR".
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from engine.ingest import import_package
from engine.workspace import Workspace

DRUG, SERVICE = "XA01AAA0001000000000001", "003101000300030"

INSTITUTIONS = [(f"H{i}", f"医院{i}", 3) for i in range(1, 8)] + [
    ("H8", "医院8", 2),
    ("H9", "诊所9", 1),
]

GROUPS = [
    ("A01.0-CONS", "core", "A01.0", "", "", "", 100, 1000, 5),
    ("B01.0-CONS", "core", "B01.0", "", "", "", 200, 2000, ""),
]

# doctor, institution, dept, group dx, [(cost, los, drug share), …]
DOCTORS = [
    *((f"D{i}", f"H{i}", f"K{i}", "A01.000", [(1000, 5, 0.3)] * 5) for i in range(1, 6)),
    ("D6", "H6", "SUR", "A01.000", [(3000, 5, 0.3)] * 5),
    ("D7", "H1", "SUR", "A01.000", [(1000, 15, 0.3)] * 5),
    ("D8", "H2", "K8", "A01.000", [(1000, 5, 0.9)] * 5),
    ("D9", "H7", "K9", "A01.000", [(1040, los, 0.33) for los in (5, 5, 5, 6, 6)]),
    ("D10", "H8", "K10", "A01.000", [(5000, 5, 0.3)] * 4),
    ("D11", "H1", "K11", "B01.000", [(10000, 5, 0.3)] * 5),
    *((f"D{i}", f"H{i - 10}", f"K{i}", "B01.000", [(2000, 5, 0.3)] * 5) for i in (12, 13)),
    ("D14", "H4", "K14", "B01.000", [(2000, 5, 0.3)] * 4),
]

PARAMS = {"region_code": "999999", "year": 2025, "fund_budget": 60000}


def _write(path: Path, header, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_package(folder: Path, doctors=DOCTORS, extra_claims=()) -> Path:
    """The package; ``extra_claims``: more (claim row, lines) pairs (other tests' cases)."""
    ref = folder / "reference"
    _write(ref / "institutions.csv", ["institution_code", "name", "level"], INSTITUTIONS)
    _write(
        ref / "dip_groups.csv",
        ["group_code", "group_type", "diagnosis", "main_procedure", "related_procedures"]
        + ["treatment", "rw", "avg_cost", "avg_los"],
        GROUPS,
    )
    _write(
        ref / "catalogue.csv",
        ["item_code", "item_name", "item_type", "service_class", "payment_class"],
        [(DRUG, "测试药品", "drug", "", "A"), (SERVICE, "诊查费", "service", "treatment", "A")],
    )
    (ref / "dip_params.json").write_text(json.dumps(PARAMS), encoding="utf-8")
    claims, lines = [], []
    serial = 0
    for doctor, inst, dept, dx, cases in doctors:
        for cost, los, share in cases:
            serial += 1
            cid = f"C{serial:03d}"
            day = 1 + serial % 20
            admit, discharge = f"2025-03-{day:02d}", f"2025-03-{day + los:02d}"
            claims.append(
                (cid, f"P{serial:03d}", 1, "1970-01-01", "employee", "inpatient", inst, dept)
                + (doctor, admit, discharge, dx, cost, cost * 0.8, cost * 0.2, discharge)
            )
            drug = round(cost * share, 2)
            when = f"{admit} 10:00"
            lines.append((cid, 1, DRUG, when, 1, drug, drug))
            lines.append((cid, 2, SERVICE, when, 1, round(cost - drug, 2), round(cost - drug, 2)))
    for claim, claim_lines in extra_claims:
        claims.append(claim)
        lines.extend(claim_lines)
    _write(
        folder / "claims.csv",
        "claim_id,patient_id,gender,birth_date,insurance_type,visit_type,institution_code,"
        "dept_code,doctor_id,admission_date,discharge_date,main_diagnosis,total_amount,"
        "fund_paid,personal_paid,settle_date".split(","),
        claims,
    )
    _write(
        folder / "lines.csv",
        ["claim_id", "line_no", "item_code", "charge_time", "quantity", "unit_price", "amount"],
        lines,
    )
    return folder


def make_workspace(tmp_path: Path, **kw) -> Workspace:
    ws = Workspace.open(tmp_path / "analytics.yibao")
    import_package(ws, write_package(tmp_path / "package", **kw))
    return ws


def claim(cid, inst, visit, admit, discharge, dx, total, fund, lines_total, doctor="E1"):
    """An extra (claim row, lines) pair: one service line of ``lines_total`` (≠ total makes a
    GZ10000201001000 data-quality finding)."""
    row = (cid, "P" + cid, 1, "1970-01-01", "employee", visit, inst, "K0", doctor, admit)
    row += (discharge, dx, total, fund, round(total - fund, 2), discharge or admit)
    return row, [(cid, 1, SERVICE, f"{admit} 10:00", 1, lines_total, lines_total)]

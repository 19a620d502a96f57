"""DIP settlement against numbers worked out by hand from dip_spec.md, one branch at a time.

The region: H1 (level 3), H2 (level 2 with its own coefficient 0.9), H3 (level 1). Costs are
chosen so every ratio and point is a round number; fund_paid is 80% of cost on DIP cases,
so φ = 0.8, and the budget 29,664 makes the point value (29,664 / 0.8) / 3,090 = 12.
"""

import csv
import json

import pytest

from engine.dip.catalogue_builder import build_catalogue
from engine.dip.explain import explain_case
from engine.dip.settlement import resolve_params, settle
from engine.ingest import import_package
from engine.review import decide
from engine.workspace import Workspace

CLAIM_COLUMNS = (
    "claim_id,patient_id,gender,birth_date,insurance_type,visit_type,institution_code,"
    "admission_date,discharge_date,main_diagnosis,main_procedure,other_procedures,"
    "total_amount,fund_paid"
).split(",")

GROUPS = [
    # group_code, type, diagnosis, main_procedure, related, treatment, rw, avg_cost
    ("A01.0-CONS", "core", "A01.0", "", "", "", 100, 1000),
    ("A01.0-01.0100", "core", "A01.0", "01.0100", "", "", 200, 2000),
    ("A01.0-01.0100+P", "core", "A01.0", "01.0100", "02.0100+03.0100", "", 400, 4000),
    ("A01.0-01.0100/S", "core", "A01.0", "01.0100", "04.0100/05.0100", "", 300, 3000),
    ("A01.0-X1", "core", "A01.0", "01.0100", "06.0100/07.0100", "", 500, 5000),
    ("A01.0-X2", "core", "A01.0", "01.0100", "07.0100/08.0100", "", 520, 5200),
    ("A01-conservative", "comprehensive", "A01", "", "", "conservative", 80, 800),
    ("A01-surgical", "comprehensive", "A01", "", "", "surgical", 150, 1500),
    ("A01-therapeutic", "comprehensive", "A01", "", "", "therapeutic", 120, 1200),
    ("F20-conservative", "comprehensive", "F20", "", "", "conservative", 500, 10000),
]

CASES = [
    # id, institution, admission, discharge, dx, px, others, cost, fund paid
    ("C01", "H1", "2025-01-01", "2025-01-05", "A01.000", "", "", 1000, 800),
    ("C02", "H1", "2025-01-01", "2025-01-05", "A01.000", "01.0100", "", 2000, 1600),
    (
        "C03",
        "H1",
        "2025-01-01",
        "2025-01-05",
        "A01.000",
        "01.0100",
        "02.0100;03.0100;04.0100",
        1000,
        800,
    ),
    ("C04", "H1", "2025-01-01", "2025-01-05", "A01.000", "01.0100", "05.0100", 9000, 7200),
    ("C05", "H1", "2025-01-01", "2025-01-05", "A01.000", "01.0100", "07.0100", 5000, 4000),
    ("C06", "H2", "2025-02-01", "2025-02-05", "A01.000", "", "", 4500, 3600),
    ("C07", "H2", "2025-02-01", "2025-02-05", "A01.000", "", "", 5400, 4320),
    ("C08", "H3", "2025-01-01", "2025-01-05", "A01.900", "", "", 640, 512),
    ("C09", "H3", "2025-01-01", "2025-01-05", "A01.900", "39.9500", "", 960, 768),
    ("C10", "H3", "2025-02-01", "2025-02-05", "A01.900", "45.1300", "", 1200, 960),
    ("C11", "H1", "2025-01-01", "2025-03-12", "F20.000", "", "", 20000, 10000),
    ("C12", "H1", "2025-03-01", "2025-03-11", "F20.000", "", "", 10000, 8000),
    ("C13", "H1", "2025-04-01", "2025-04-03", "O80.000", "", "", 3000, 1500),
    ("C14", "H1", "2025-04-01", "2025-04-03", "R10.400", "", "", 500, 250),
    ("C15", "H1", "2024-12-01", "2024-12-05", "A01.000", "", "", 1000, 800),
    ("C16", "H3", "2025-04-01", "2025-04-03", "A01.900", "88.0100", "", 700, 350),
]

PARAMS = {
    "region_code": "999999",
    "year": 2025,
    "level_coefficients": {"1": 0.8, "2": 0.95, "3": 1.0},
    "fund_budget": 29664,
    "appraisal_coefficients": {"H1": 0.95},
    "surplus_retention_share": 0.6,
    "overspend_share": 0.5,
    "budget_point_value": 10,
    "advance_ratio": 0.9,
}


def _write(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def make_region(tmp_path, cases=CASES, params=PARAMS, groups=GROUPS) -> Workspace:
    package = tmp_path / "region"
    ref = package / "reference"
    _write(
        ref / "institutions.csv",
        ["institution_code", "name", "level", "dip_coefficient"],
        [("H1", "一院", 3, ""), ("H2", "二院", 2, 0.9), ("H3", "社区", 1, "")],
    )
    _write(
        ref / "dip_groups.csv",
        ["group_code", "group_type", "diagnosis", "main_procedure", "related_procedures"]
        + ["treatment", "rw", "avg_cost"],
        groups,
    )
    _write(
        ref / "code_limits.csv",
        ["code_system", "code_prefix", "disease_list", "procedure_kind"],
        [("icd10", "F20", "bed_day", ""), ("icd10", "O80", "maternity", "")]
        + [("icd9cm3", "39.95", "", "therapeutic")],
    )
    (ref / "dip_params.json").write_text(json.dumps(params), encoding="utf-8")
    _write(
        package / "claims.csv",
        CLAIM_COLUMNS,
        [
            (cid, "P" + cid, 1, "1970-01-01", "employee", "inpatient", inst, adm, dis, dx, px)
            + (others, cost, paid)
            for cid, inst, adm, dis, dx, px, others, cost, paid in cases
        ],
    )
    _write(
        package / "lines.csv",
        ["claim_id", "line_no", "item_code", "charge_time", "quantity", "unit_price", "amount"],
        [],
    )
    ws = Workspace.open(tmp_path / "dip.yibao")
    import_package(ws, package)
    return ws


@pytest.fixture
def region(tmp_path):
    ws = make_region(tmp_path)
    yield ws
    ws.close()


def _cases(out):
    return {c["claim_id"]: c for c in out["cases"]}


def test_payment_methods_and_groups(region):
    cases = _cases(settle(region, store=False))
    assert "C15" not in cases  # discharged in 2024
    expect = {
        "C01": ("dip", "A01.0-CONS"),  # no procedure: the conservative core group
        "C02": ("dip", "A01.0-01.0100"),  # no related procedure matched: the plain group
        "C03": ("dip", "A01.0-01.0100+P"),  # "+" (2 codes) beats "/" (1 code)
        "C04": ("dip", "A01.0-01.0100/S"),  # one of the "/" codes
        "C05": ("dip", "A01.0-X1"),  # X1 and X2 both match with 1 code: the lower code
        "C08": ("dip", "A01-conservative"),  # no core group for A01.9
        "C09": ("dip", "A01-therapeutic"),  # 39.95 is therapeutic by code_limits, not surgical
        "C10": ("dip", "A01-surgical"),  # chapter 45: surgical
        "C11": ("bed_day", None),  # F20 for 70 days
        "C12": ("dip", "F20-conservative"),  # F20 for 10 days is not bed-day
        "C13": ("by_disease", None),  # maternity
        "C14": ("fee_for_service", None),  # no group
        "C16": ("fee_for_service", None),  # chapter 88: diagnostic, no such A01 group
    }
    got = {cid: (cases[cid]["payment_method"], cases[cid]["group_code"]) for cid in expect}
    assert got == expect
    assert [cases[c]["case_type"] for c in ("C11", "C13", "C14")] == [
        "excluded",
        "excluded",
        "ungrouped",
    ]
    assert cases["C11"]["los"] == 70 and cases["C01"]["los"] == 4


def test_case_types_coefficients_and_points(region):
    cases = _cases(settle(region, store=False))
    expect = {
        # claim: (case type, coefficient, ratio, points)
        "C01": ("normal", 1.0, 1.0, 100.0),  # 1000 / (1000 × 1)
        "C03": ("low", 1.0, 0.25, 100.0),  # 1000 / 4000 < 0.5: 400 × 1 × 0.25
        "C04": ("high", 1.0, 3.0, 600.0),  # 9000 / 3000 > 2: 300 × (3 − 2 + 1)
        "C06": ("high", 0.9, 5.0, 360.0),  # own coefficient 0.9: 4500 / 900 = 5, not > 5
        "C07": ("special", 0.9, 6.0, 450.0),  # 5400 / 900 = 6 > 5: 100 × 0.9 × 5
        "C08": ("normal", 0.8, 1.0, 64.0),  # level 1: 640 / (800 × 0.8)
        "C09": ("normal", 0.8, 1.0, 96.0),
        "C10": ("normal", 0.8, 1.0, 120.0),
        "C12": ("normal", 1.0, 1.0, 500.0),
    }
    got = {
        cid: tuple(cases[cid][k] for k in ("case_type", "coefficient", "ratio", "points"))
        for cid in expect
    }
    assert got == expect
    assert cases["C11"]["points"] == cases["C14"]["points"] == 0.0


def _confirm(ws, claim_id, deduction):
    """A confirmed review deduction on a claim (a finding made for the test)."""
    with ws.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO runs (run_id, kind, started_at) VALUES ('A-test', 'audit', 'x')"
        )
        conn.execute(
            "INSERT INTO findings (finding_id, run_id, rule_id, code, severity, scope, claim_id,"
            " institution_code, amount, message_zh, message_en)"
            " SELECT ?, 'A-test', 'r', 'GZ', 'violation', 'claim', claim_id, institution_code,"
            " total_amount, 'm', 'm' FROM claims WHERE claim_id = ?",
            ("F" + claim_id, claim_id),
        )
    decide(ws, ["F" + claim_id], "confirm", reviewer="t", deduction=deduction)


def test_point_value_payments_sharing_advances_and_clearing(region):
    _confirm(region, "C02", "150")  # a DIP case of H1
    _confirm(region, "C14", "50")  # ungrouped: recovered, not deducted from DIP
    out = settle(region, store=False)
    assert out["fund_payment_ratio"] == 0.8  # 32,560 / 40,700
    assert out["total_points"] == 3090  # H1 2000 + H2 810 + H3 280
    assert out["point_value"] == 12.0  # (29,664 / 0.8) / 3,090
    inst = {i["institution_code"]: i for i in out["institutions"]}
    # H1: 2000 × 12 × 0.8 × appraisal 0.95 − 150 = 18,090; paid 22,400 → overspend −4,310,
    # half of it shared: 18,090 + 4,310 × 0.5
    h1 = inst["H1"]
    assert (h1["cases"], h1["points"], h1["deductions"]) == (6, 2000.0, 150.0)
    assert (h1["payment"], h1["fund_paid"], h1["balance"]) == (18090.0, 22400.0, -4310.0)
    assert h1["final_payment"] == 20245.0
    # H2: 810 × 9.6 = 7,776; paid 7,920 → −144 → 7,776 + 72
    assert (inst["H2"]["payment"], inst["H2"]["final_payment"]) == (7776.0, 7848.0)
    # H3: 280 × 9.6 = 2,688; paid 2,240 → surplus 448, 60% kept: 2,240 + 268.8
    h3 = inst["H3"]
    assert (h3["payment"], h3["balance"], h3["final_payment"]) == (2688.0, 448.0, 2508.8)
    # advances: points of the month × 10 × 0.8 × 0.9 = × 7.2; January 160, February 120
    assert h3["advances"] == {"1": 1152.0, "2": 864.0}
    assert h3["clearing"] == 492.8  # 2,508.8 − 2,016
    assert out["recoveries"] == {"H1": 50.0}


def test_pure_dip_without_sharing_or_advances(tmp_path):
    params = {k: v for k, v in PARAMS.items() if k not in ("budget_point_value",)}
    params |= {"surplus_retention_share": 1.0, "overspend_share": 0.0, "fund_payment_ratio": 0.75}
    ws = make_region(tmp_path, params=params)
    out = settle(ws, store=False)
    inst = {i["institution_code"]: i for i in out["institutions"]}
    assert out["fund_payment_ratio"] == 0.75  # given, not computed
    # PV = (29,664 / 0.75) / 3,090 = 12.8; H3: 280 × 12.8 × 0.75
    assert out["point_value"] == 12.8
    assert inst["H3"]["payment"] == 2688.0
    assert "final_payment" not in inst["H3"] and "advances" not in inst["H3"]
    ws.close()


def test_stored_run_and_explain_agree(region):
    out = settle(region)
    stored = dict(
        region.conn.execute(
            "SELECT claim_id, points FROM settlement_cases WHERE run_id = ?", (out["run_id"],)
        ).fetchall()
    )
    assert stored["C04"] == 600.0 and len(stored) == 15
    explained = explain_case(region, "C04")
    assert (explained["case_type"], explained["points"]) == ("high", 600.0)
    assert "related procedures matched: A01.0-01.0100/S (1 related codes)" in explained["steps"]
    assert explained["steps"][-1].endswith("= 600.0000")


def test_catalogue_from_three_years_of_history(tmp_path):
    history = [
        # K80.1 × 51.2300: one case a year → 3 cases, a core group (threshold 3)
        ("K1", "H1", "2022-03-01", "2022-03-06", "K80.100", "51.2300", "", 10000, 8000),
        ("K2", "H1", "2023-03-01", "2023-03-07", "K80.100", "51.2300", "", 12000, 9000),
        ("K3", "H1", "2024-03-01", "2024-03-08", "K80.100", "51.2300", "", 14000, 10000),
        # J18.9 without procedure: 2 cases → comprehensive J18 × conservative
        ("J1", "H1", "2023-05-01", "2023-05-05", "J18.900", "", "", 3000, 2000),
        ("J2", "H1", "2024-05-01", "2024-05-06", "J18.900", "", "", 4000, 3000),
        ("J3", "H1", "2021-05-01", "2021-05-06", "J18.900", "", "", 99999, 1),  # too old
    ]
    ws = make_region(tmp_path, cases=history, params={**PARAMS, "core_case_threshold": 3})
    groups = {g["group_code"]: g for g in build_catalogue(ws, 2025, resolve_params(ws, 2025))}
    assert set(groups) == {"K80.1-51.2300", "J18-conservative"}
    k80, j18 = groups["K80.1-51.2300"], groups["J18-conservative"]
    # m = (1 × 10,000 + 2 × 12,000 + 7 × 14,000) / 10; LOS (5 + 2 × 6 + 7 × 7) / 10
    assert (k80["group_type"], k80["avg_cost"], k80["avg_los"]) == ("core", 13200.0, 6.6)
    # only 2023 and 2024 have J18 cases: (2 × 3,000 + 7 × 4,000) / 9
    assert j18["group_type"] == "comprehensive" and j18["treatment"] == "conservative"
    assert j18["avg_cost"] == pytest.approx(34000 / 9)
    # all cases: M = (1 × 10,000 + 2 × 7,500 + 7 × 9,000) / 10 = 8,800
    assert k80["rw"] == pytest.approx(1500.0)  # 13,200 / 8,800 × 1000
    assert j18["rw"] == pytest.approx(34000 / 9 / 8800 * 1000)
    stored = ws.conn.execute(
        "SELECT rw FROM dip_groups WHERE source = 'built' AND group_code = 'K80.1-51.2300'"
    ).fetchone()
    assert stored == (15_000_000,)  # 1500.0000 in 1/10000 units, beside the official groups
    assert ws.conn.execute("SELECT count(*) FROM dip_groups WHERE source = 'official'").fetchone()
    ws.close()

"""DIP settlement against numbers worked out by hand from dip_spec.md, one branch at a time.

The region: H1 (level 3), H2 (level 2 with its own coefficient 0.9), H3 (level 1). Costs are
chosen so every ratio and point is a round number; fund_paid is 80% of cost on DIP cases,
so φ = 0.8, and the budget 29,664 makes the point value (29,664 / 0.8) / 3,090 = 12.
"""

import csv
import json
from pathlib import Path

import pytest

from engine.dip.catalogue_builder import build_catalogue
from engine.dip.explain import explain_case
from engine.dip.params import resolve_params
from engine.dip.settlement import settle
from engine.errors import UserError
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

# Claims beyond the employee inpatients above: (id, patient, insurance, visit, institution,
# admission, discharge, dx, cost, fund paid).
OTHER_CLAIMS = [
    # work injury: paid by the work-injury fund, no points, not in φ
    ("C17", "PC17", "work_injury", "inpatient", "H2", "2025-02-01", "2025-02-05", "A01.000")
    + (1000, 800),
    # chronic outpatients at H3: two patients in 2025 (one of them twice), one in 2024
    ("M1", "PA", "employee", "chronic_outpatient", "H3", "2025-03-01", "", "I10.x00", 100, 80),
    ("M2", "PA", "employee", "chronic_outpatient", "H3", "2025-06-01", "", "I10.x00", 100, 80),
    ("M3", "PB", "resident", "chronic_outpatient", "H3", "2025-06-01", "", "I10.x00", 100, 80),
    ("M4", "PC", "resident", "chronic_outpatient", "H3", "2024-06-01", "", "I10.x00", 100, 80),
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
    "bed_day_rates": {"3": 200},
    "by_disease_rates": {"O80": 2500, "O80.0": 2800},
    "capitation_rates": {"chronic_outpatient": 600},
}


def _write(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def make_region(
    tmp_path, cases=CASES, params=PARAMS, groups=GROUPS, other_claims=OTHER_CLAIMS
) -> Workspace:
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
        ]
        + [
            (cid, patient, 1, "1970-01-01", insurance, visit, inst, adm, dis, dx, "", "", cost)
            + (paid,)
            for cid, patient, insurance, visit, inst, adm, dis, dx, cost, paid in other_claims
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


def _confirm(ws, claim_id, deduction, effect=None):
    """A confirmed review deduction on a claim (a finding made for the test, whose rule
    declared ``effect`` as its points_effect); returns the finding id."""
    fid = f"F{claim_id}-{effect or 'plain'}"
    with ws.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO runs (run_id, kind, started_at) VALUES ('A-test', 'audit', 'x')"
        )
        conn.execute(
            "INSERT INTO findings (finding_id, run_id, rule_id, code, severity, scope, claim_id,"
            " institution_code, amount, message_zh, message_en, points_effect)"
            " SELECT ?, 'A-test', ?, 'GZ', 'violation', 'claim', claim_id, institution_code,"
            " total_amount, 'm', 'm', ? FROM claims WHERE claim_id = ?",
            (fid, "r-" + (effect or "plain"), effect, claim_id),
        )
    decide(ws, [fid], "confirm", reviewer="t", deduction=deduction)
    return fid


def _inst(out):
    return {i["institution_code"]: i for i in out["institutions"]}


def test_point_value_payments_sharing_advances_and_clearing(region):
    _confirm(region, "C02", "150")  # a DIP case of H1
    _confirm(region, "C14", "50")  # ungrouped: recovered among H1's other deductions
    out = settle(region, store=False)
    assert out["fund_payment_ratio"] == 0.8  # 32,560 / 40,700 (the work-injury C17 is not in it)
    assert out["total_points"] == 3090  # H1 2000 + H2 810 + H3 280
    assert out["point_value"] == 12.0  # (29,664 / 0.8) / 3,090
    assert out["funds"] == {
        "all": {"point_value": 12.0, "fund_payment_ratio": 0.8, "total_points": 3090.0}
    }
    inst = _inst(out)
    # H1: 2000 × 12 × 0.8 × appraisal 0.95 = 18,240; paid 22,400 → overspend −4,160, half of it
    # shared: 18,240 + 2,080 = 20,320; then the deduction in full (r2): 20,320 − 150 = 20,170
    h1 = inst["H1"]
    assert (h1["cases"], h1["points"], h1["deductions"]) == (6, 2000.0, 150.0)
    assert (h1["payment"], h1["fund_paid"], h1["balance"]) == (18240.0, 22400.0, -4160.0)
    assert h1["final_payment"] == 20170.0
    # the rest of H1's clearing: C11 70 bed-days × 200 (level 3); C13 O80.000 by the longest
    # prefix O80.0: 2,800; C14 fee-for-service: its fund_paid 250; C14's 50 recovered
    assert (h1["bed_day_payment"], h1["by_disease_payment"]) == (14000.0, 2800.0)
    assert (h1["fee_for_service_payment"], h1["capitation_payment"]) == (250.0, 0.0)
    assert h1["other_deductions"] == 50.0
    assert h1["total_payment"] == 37170.0  # 20,170 + 14,000 + 2,800 + 250 − 50
    # advances: points of the month × 10 × 0.8 × 0.9 = × 7.2; January 1,500, March 500
    assert h1["advances"] == {"1": 10800.0, "3": 3600.0}
    assert h1["total_clearing"] == 22770.0  # 37,170 − 14,400 (DIP alone: 20,170 − 14,400)
    # H2: 810 × 9.6 = 7,776; paid 7,920 → −144 → 7,776 + 72; the work-injury case pays nothing
    assert (inst["H2"]["payment"], inst["H2"]["final_payment"]) == (7776.0, 7848.0)
    assert inst["H2"]["total_payment"] == 7848.0
    # H3: 280 × 9.6 = 2,688; paid 2,240 → surplus 448, 60% kept: 2,240 + 268.8
    h3 = inst["H3"]
    assert (h3["payment"], h3["balance"], h3["final_payment"]) == (2688.0, 448.0, 2508.8)
    # capitation: patients PA and PB in 2025 (PC's visit is 2024) × 600; C16 fee-for-service 350
    assert (h3["capitation_payment"], h3["fee_for_service_payment"]) == (1200.0, 350.0)
    assert h3["total_payment"] == 4058.8  # 2,508.8 + 1,200 + 350
    assert h3["advances"] == {"1": 1152.0, "2": 864.0}  # 160 × 7.2, 120 × 7.2
    assert h3["total_clearing"] == 2042.8  # 4,058.8 − 2,016
    assert set(h3) == {
        "institution_code",
        "cases",
        "points",
        "payment",
        "deductions",
        "fund_paid",
        "balance",
        "final_payment",
        "bed_day_payment",
        "by_disease_payment",
        "fee_for_service_payment",
        "capitation_payment",
        "other_deductions",
        "total_payment",
        "advances",
        "total_clearing",
    }  # exactly the keys of interchange.md (r2)
    cases = _cases(out)
    assert {k: cases["C17"][k] for k in ("payment_method", "case_type", "points", "fund")} == {
        "payment_method": "other_fund",
        "case_type": "excluded",
        "points": 0.0,
        "fund": "work_injury",
    }
    assert "warnings" not in out


def test_pure_dip_without_sharing_or_advances(tmp_path):
    params = {k: v for k, v in PARAMS.items() if k not in ("budget_point_value",)}
    params |= {"surplus_retention_share": 1.0, "overspend_share": 0.0, "fund_payment_ratio": 0.75}
    params |= {"bed_day_rates": {"1": 100}}
    ws = make_region(tmp_path, params=params)
    out = settle(ws, store=False)
    inst = _inst(out)
    assert out["fund_payment_ratio"] == 0.75  # given, not computed
    # PV = (29,664 / 0.75) / 3,090 = 12.8; H3: 280 × 12.8 × 0.75; pure DIP: final = payment
    assert out["point_value"] == 12.8
    assert inst["H3"]["payment"] == inst["H3"]["final_payment"] == 2688.0
    assert "advances" not in inst["H3"] and "total_clearing" not in inst["H3"]
    # no rate for H1's level 3: its 70 bed-days are paid 0, with a warning
    assert inst["H1"]["bed_day_payment"] == 0.0
    assert out["warnings"] == ["H1: no bed_day_rates for level 3; its 1 bed-day case(s) are paid 0"]
    ws.close()


def test_refuses_a_year_without_its_parameters(region):
    with pytest.raises(
        UserError, match=r"no DIP parameters for 2024 \(years with parameters: 2025\)"
    ):
        settle(region, 2024, store=False)


def _finals(out):
    return {code: i["final_payment"] for code, i in _inst(out).items()}


def test_zero_effect_takes_the_points_and_not_the_money(region):
    before = settle(region, store=False)
    assert (before["total_points"], before["point_value"]) == (3090.0, 12.0)
    assert _finals(before) == {"H1": 20320.0, "H2": 7848.0, "H3": 2508.8}
    fid = _confirm(region, "C04", "300", effect="zero")  # H1's high case of 600 points
    after = settle(region, store=False)
    # Σ points 3,090 − 600 = 2,490; PV = (29,664 / 0.8) / 2,490 = 14.891566…
    assert (after["total_points"], after["point_value"]) == (2490.0, 14.8916)
    c04 = _cases(after)["C04"]
    assert (c04["case_type"], c04["points"], c04["group_code"]) == (
        "disallowed",
        0.0,
        "A01.0-01.0100/S",
    )
    assert (c04["effect"], c04["effect_source"]) == ("zero", fid)
    inst = _inst(after)
    # H1 keeps its 6 cases; 1,400 × 14.891566 × 0.8 × 0.95 = 15,844.6265; overspend against
    # 22,400 shared half: (15,844.6265 + 22,400) / 2 = 19,122.3133; the 300 is not also taken
    assert (inst["H1"]["cases"], inst["H1"]["points"], inst["H1"]["deductions"]) == (6, 1400.0, 0)
    assert inst["H1"]["payment"] == 15844.63
    # H2: 810 × 14.891566 × 0.8 = 9,649.7349; surplus 1,729.7349 × 0.6 + 7,920 = 8,957.8410
    # H3: 280 × 14.891566 × 0.8 = 3,335.7108; surplus 1,095.7108 × 0.6 + 2,240 = 2,897.4265
    assert _finals(after) == {"H1": 19122.31, "H2": 8957.84, "H3": 2897.43}


def test_regroup_effect_scores_the_case_as_conservative(region):
    fid = _confirm(region, "C10", "100", effect="regroup_conservative")
    after = settle(region, store=False)
    c10 = _cases(after)["C10"]
    # C10 (A01.900 with surgery 45.13, 120 points) again without a procedure: A01-conservative,
    # rw 80, c 0.8, r = 1,200 / (800 × 0.8) = 1.875 → normal, 80 × 0.8 = 64 points
    assert (c10["group_code"], c10["case_type"], c10["points"]) == (
        "A01-conservative",
        "normal",
        64,
    )
    assert (c10["effect"], c10["effect_source"]) == ("regroup_conservative", fid)
    # Σ 3,090 − 120 + 64 = 3,034; PV = 37,080 / 3,034 = 12.221490
    assert (after["total_points"], after["point_value"]) == (3034.0, 12.2215)
    inst = _inst(after)
    assert (inst["H3"]["points"], inst["H3"]["deductions"]) == (224.0, 0)
    # H1: 2,000 × 12.221490 × 0.76 = 18,576.6645, overspend: (18,576.6645 + 22,400) / 2
    # H2: 810 × 12.221490 × 0.8 = 7,919.5254, overspend 0.4746: 7,919.5254 + 0.2373
    # H3: 224 × 12.221490 × 0.8 = 2,190.0910, overspend 49.9090: 2,190.0910 + 24.9545
    assert _finals(after) == {"H1": 20488.33, "H2": 7919.76, "H3": 2215.05}


def test_plain_deduction_is_recovered_in_full_after_sharing(region):
    _confirm(region, "C08", "40")  # H3: a surplus of 448 of which 60% is kept
    inst = _inst(settle(region, store=False))["H3"]
    # r2: 2,240 + 448 × 0.6 − 40 = 2,468.8 (revision 1 took it before sharing:
    # 2,240 + (2,688 − 40 − 2,240) × 0.6 = 2,484.8, handing 16 of the 40 back)
    assert (inst["payment"], inst["deductions"], inst["final_payment"]) == (2688.0, 40.0, 2468.8)


def test_effect_on_a_case_outside_dip_is_a_plain_deduction(region):
    _confirm(region, "C14", "50", effect="zero")  # fee-for-service: no points to take
    out = settle(region, store=False)
    assert "effect" not in _cases(out)["C14"]
    assert _inst(out)["H1"]["other_deductions"] == 50.0


def test_stored_run_and_explain_agree(region):
    out = settle(region)
    stored = dict(
        region.conn.execute(
            "SELECT claim_id, points FROM settlement_cases WHERE run_id = ?", (out["run_id"],)
        ).fetchall()
    )
    assert stored["C04"] == 600.0 and len(stored) == 16
    explained = explain_case(region, "C04")
    assert (explained["case_type"], explained["points"]) == ("high", 600.0)
    assert "related procedures matched: A01.0-01.0100/S (1 related codes)" in explained["steps"]
    assert explained["steps"][-1].endswith("= 600.0000")
    # the same steps in Chinese, one for one, for the Chinese CLI and desktop
    assert len(explained["steps_zh"]) == len(explained["steps"])
    assert "匹配相关手术操作：A01.0-01.0100/S（1 个相关编码）" in explained["steps_zh"]
    assert explained["steps_zh"][-1].startswith("r > 2：高倍率病例，分值 = ")
    assert explained["steps_zh"][-1].endswith("= 600.0000")


def test_explain_and_settle_print_chinese_under_lang_zh(region, capsys):
    from engine.cli import main

    path = str(region.path)
    region.close()
    assert main(["dip", "explain", "-w", path, "NO-SUCH", "--lang", "zh"]) == 2
    assert "工作区中没有已出院的住院结算 NO-SUCH" in capsys.readouterr().err
    assert main(["dip", "explain", "-w", path, "C04", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "费用倍率 r = " in text and "高倍率病例" in text and "cost ratio" not in text
    assert main(["settle", "-w", path, "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "清算支付" in text and "institution" not in text and "point value" not in text


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
    groups = {
        g["group_code"]: g for g in build_catalogue(ws, 2025, params=resolve_params(ws, 2025))
    }
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


DIP_SAMPLE = Path(__file__).parent / "data" / "dip_sample"


def test_public_sample_settlement_funds_apart(tmp_path):
    """spec/sample/expected.json's settlement (copied to tests/data/dip_sample), exactly.

    Employee fund (S-STAY1..3): φ = 6,544.25 / 8,725.5 = 0.75 (costs 22,059, paid 16,544.25);
    Σ points 820 + 330 + 294.5 = 1,444.5; PV = (16,000 / 0.75) / 1,444.5 = 14.7687.
    Resident (S-HIGH): φ = 10,105.8 / 16,843 = 0.6; 528.65 points; PV = (11,000 / 0.6) /
    528.65 = 34.6795. H002 per fund: employee 294.5 × 14.7687 × 0.75 × 0.98 = 3,196.79
    against 2,598.75 paid → surplus × 0.6 → 2,957.57; resident 528.65 × 34.6795 × 0.6 × 0.98
    = 10,780 against 10,105.8 → 10,510.32; final 13,467.89. H003's fee-for-service case pays
    its fund_paid 375.75; H004: 2 chronic patients × 600."""
    want = json.loads((DIP_SAMPLE / "settlement.json").read_text(encoding="utf-8"))
    ws = Workspace.open(tmp_path / "s.yibao")
    import_package(ws, DIP_SAMPLE / "package")
    out = settle(ws, 2025, store=False)
    for key in ("year", "region_code", "point_value", "fund_payment_ratio", "total_points"):
        assert out[key] == want[key], key
    assert out["funds"] == want["funds"]
    assert out["institutions"] == want["institutions"]
    assert out["cases"] == want["cases"]
    ws.close()


SPECIAL_GROUPS = [
    ("A01.0-CONS", "core", "A01.0", "", "", "", 100, 1000),
    ("J20.9-CONS", "basic", "J20.9", "", "", "", 300, 3000),
]
SPECIAL_CASES = [
    # three special cases (r = 6,000 / 1,000 = 6 > 5) and seven normal ones at H1: N = 10
    (f"S{i}", "H1", "2025-05-01", "2025-05-05", "A01.000", "", "", 6000, 4800)
    for i in (1, 2, 3)
] + [(f"N{i}", "H1", "2025-05-01", "2025-05-05", "A01.000", "", "", 1000, 800) for i in range(7)]
BASIC_CASES = [
    # a 基层病种 case at level 3 (c 1.0) and at level 1 (c 0.8): both paid with c = 1.0
    ("B1", "H1", "2025-05-01", "2025-05-05", "J20.900", "", "", 3000, 2400),
    ("B3", "H3", "2025-05-01", "2025-05-05", "J20.900", "", "", 3000, 2400),
]


@pytest.fixture
def specials(tmp_path):
    params = {**PARAMS, "special_case_cap": 0.25}  # floor(0.25 × 12 DIP cases) = 3
    ws = make_region(tmp_path, SPECIAL_CASES + BASIC_CASES, params, SPECIAL_GROUPS, [])
    yield ws
    ws.close()


def test_basic_group_pays_every_level_alike(specials):
    cases = _cases(settle(specials, store=False))
    # r = 3,000 / (3,000 × 1.0) = 1: points 300 × 1.0 at H1 and at H3 (not 300 × 0.8)
    assert [(cases[c]["coefficient"], cases[c]["points"]) for c in ("B1", "B3")] == [
        (1.0, 300.0),
        (1.0, 300.0),
    ]


def test_special_case_approval_cap_and_revocation(specials):
    from engine.dip import special

    assert (special.cap_of(0.005, 199), special.cap_of(0.005, 400)) == (1, 2)  # at least 1
    assert special.cap_of(0.005, 1400) == 7  # 0.005 × 1,400 is exactly 7, not 6.999…
    params = {**PARAMS, "special_case_cap": 0.2}  # floor(0.2 × 12) = 2
    specials.conn.execute("UPDATE dip_params SET params = ?", (json.dumps(params),))
    state = special.status(specials, 2025)
    assert (state["dip_cases"], state["cap"], state["used"]) == (12, 2, 0)
    assert [c["claim_id"] for c in state["cases"]] == ["S1", "S2", "S3"]
    with pytest.raises(UserError, match="not a special case"):
        special.decide(specials, "N1", "approve", reviewer="专家", comment="x")
    first = special.decide(specials, "S1", "approve", reviewer="专家", comment="罕见并发症")
    special.decide(specials, "S2", "approve", reviewer="专家", comment="罕见并发症")
    with pytest.raises(UserError, match=r"cap is reached: 2 of 2 approved"):
        special.decide(specials, "S3", "approve", reviewer="专家", comment="罕见并发症")
    cases = _cases(settle(specials, store=False))
    # approved: paid on actual cost, 100 × 1.0 × 6 = 600; S3 stays 100 × (6 − 2 + 1) = 500
    assert (cases["S1"]["case_type"], cases["S1"]["points"]) == ("special_approved", 600.0)
    assert (cases["S1"]["effect"], cases["S1"]["effect_source"]) == (
        "special_approved",
        first["id"],
    )
    assert (cases["S3"]["case_type"], cases["S3"]["points"]) == ("special", 500.0)
    special.decide(specials, "S2", "revoke", reviewer="专家", comment="复核不符")
    special.decide(specials, "S3", "approve", reviewer="专家", comment="罕见并发症")
    cases = _cases(settle(specials, store=False))
    assert [cases[c]["case_type"] for c in ("S1", "S2", "S3")] == [
        "special_approved",
        "special",
        "special_approved",
    ]
    logged = [
        json.loads(d)["decision"]
        for (d,) in specials.conn.execute(
            "SELECT detail FROM log WHERE action = 'special_case' ORDER BY seq"
        )
    ]
    assert logged == ["approve", "approve", "revoke", "approve"]


def test_cli_dip_special_decides_and_refuses_past_the_cap(specials, capsys):
    from engine.cli import main as cli

    path = str(specials.path)
    specials.close()
    base = ["dip", "special", "-w", path, "--reviewer", "专家", "--comment", "罕见并发症"]
    assert cli([*base, "S1", "--approve", "--json"]) == 0
    decided = json.loads(capsys.readouterr().out)
    # floor(0.25 × 12) = 3
    assert (decided["decision"], decided["used"], decided["cap"]) == ("approve", 1, 3)
    assert cli([*base, "S2", "--approve"]) == 0
    assert cli([*base, "S3", "--approve", "--lang", "en"]) == 0
    assert "3 of 3 approved" in capsys.readouterr().out
    assert cli([*base, "S3", "--revoke", "--lang", "zh"]) == 0
    assert "S3：特例单议已撤销" in capsys.readouterr().out
    assert cli([*base, "S3", "--approve"]) == 0
    capsys.readouterr()
    assert cli(["dip", "special", "-w", path, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert (listed["used"], listed["cap"]) == (3, 3)
    assert cli([*base, "N1", "--approve"]) == 2  # not special
    assert "not a special case" in capsys.readouterr().err
    assert cli([*base, "S1", "--revoke"]) == 0
    assert cli([*base, "S1", "--approve"]) == 0
    capsys.readouterr()
    assert cli(["dip", "explain", "-w", path, "S1", "--json"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert (explained["case_type"], explained["effect"], explained["points"]) == (
        "special_approved",
        "special_approved",
        600.0,
    )


def test_workbook_and_notice_carry_the_whole_clearing(region, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from engine.reports import write_report

    _confirm(region, "C02", "150")
    _confirm(region, "C14", "50")
    fid = _confirm(region, "C04", "300", effect="zero")
    settle(region)
    write_report(region, tmp_path / "r.xlsx")
    rows = [r for r in load_workbook(tmp_path / "r.xlsx")["DIP结算"].iter_rows(values_only=True)]
    header = next(r for r in rows if r[0] == "机构编码")
    h1 = dict(zip(header, next(r for r in rows if r[0] == "H1"), strict=True))
    # as in test_zero_effect…: Σ 2,490, PV 14.891566; H1 final (15,844.6265 + 22,400) / 2
    # − 150 = 18,972.31; + 14,000 bed-days + 2,800 by disease + 250 fee-for-service − 50
    assert (h1["清算支付"], h1["合计支付"]) == (18972.31, 35972.31)
    assert (h1["床日付费"], h1["按病种付费"], h1["非DIP确认扣款"]) == (14000, 2800, 50)
    # advances: January without the disallowed C04, (900 + 500) × 10 × 0.8 × 0.9
    assert h1["月度预付合计"] == 10080
    assert h1["年终清算（合计−预付）"] == 25892.31  # 35,972.31 − 10,080
    assert h1["清算（扣除预付）"] == 8892.31  # DIP alone: 18,972.31 − 10,080
    cases = [r for r in load_workbook(tmp_path / "r.xlsx")["DIP病例"].iter_rows(values_only=True)]
    c04 = next(r for r in cases if r[0] == "C04")
    assert c04[-3:] == ("统筹基金", "不予计分", fid)
    write_report(region, tmp_path / "H1.pdf", institution="H1")
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "H1.pdf").pages)
    text = text.replace("\n", "")
    assert "本年度合计支付 35,972.31 元" in text and "年终清算应付 25,892.31 元" in text


def test_demo_region_shows_every_case_type_payment_method_and_fund(tmp_path):
    from engine.demo.run import run_demo

    out = run_demo(tmp_path / "demo.yibao", lines=1000)
    assert set(out["settlement"]["funds"]) == {"employee", "resident"}
    with Workspace.open(tmp_path / "demo.yibao", create=False) as ws:
        run = ws.conn.execute("SELECT max(run_id) FROM settlement_cases").fetchone()[0]
        kinds = set(
            ws.conn.execute(
                "SELECT case_type, payment_method, fund FROM settlement_cases WHERE run_id = ?",
                (run,),
            ).fetchall()
        )
        basic = ws.conn.execute(
            "SELECT DISTINCT i.level, s.coefficient FROM settlement_cases s"
            " JOIN institutions i USING (institution_code) WHERE s.group_code = 'J20.9-CONS'"
        ).fetchall()
    assert {m for _, m, _ in kinds} == {"dip", "bed_day", "by_disease", "fee_for_service"} | {
        "other_fund"
    }
    assert {t for t, _, _ in kinds} >= {"normal", "low", "high", "special", "special_approved"}
    assert {t for t, _, _ in kinds} >= {"excluded", "ungrouped"}
    assert {f for _, _, f in kinds} == {"employee", "resident", "work_injury"}
    # 基层病种 at levels 1, 2 and 3, every one with the basic coefficient 1.0
    assert {level for level, _ in basic} == {1, 2, 3} and {c for _, c in basic} == {1.0}
    assert any("special case" in d and "approved" in d for d in out["decisions"])
    # the same seed, the same settlement: the demo's decisions do not hang on random finding
    # ids; and its summary in Chinese
    again = run_demo(tmp_path / "demo.yibao", lines=1000, lang="zh")
    assert again["settlement"] == out["settlement"]
    assert "演示统筹区已写入" in again["text"] and "召回率" in again["text"]
    assert "demo decision" not in again["text"] and "演示决定：批准特例单议" in again["text"]


EFFECT_PLUGIN = """
from pathlib import Path

from engine.hookspecs import hookimpl

PLUGIN_NAME = "effects_test"
PLUGIN_API = 1


@hookimpl
def yibao_rulesets(register):
    register(Path(__file__).parent / "rules.yaml")
"""
EFFECT_RULES = """
id: effects_test.dip
version: "1.0"
title: {zh: 测试, en: test}
basis: test
rules:
  - id: readmission_scores_nothing
    code: T-ZERO
    name: {zh: 再入院不计分, en: readmission scores nothing}
    severity: suspicious
    scope: claim
    when: visit_type == 'inpatient' and claim_id == 'S-STAY2'
    amount: fund_paid
    points_effect: zero
    message: {zh: 再入院, en: readmission}
"""


def test_a_rule_files_points_effect_reaches_the_settlement(sample_ws, _isolated_plugins):
    """From the rule file through the audit's finding to the settlement: the effect is kept
    on the finding, so the case loses its points and its deduction is not also taken."""
    from engine.findings import list_findings
    from engine.plugins import load_plugins
    from engine.rules import run_audit

    folder = _isolated_plugins / "effects_test"
    folder.mkdir()
    (folder / "__init__.py").write_text(EFFECT_PLUGIN, encoding="utf-8")
    (folder / "rules.yaml").write_text(EFFECT_RULES, encoding="utf-8")
    plugins = load_plugins()
    run_audit(sample_ws, plugins=plugins)
    finding = next(f for f in list_findings(sample_ws) if f["code"] == "T-ZERO")
    before = settle(sample_ws, 2025, plugins=plugins, store=False)
    decide(sample_ws, [finding["finding_id"]], "confirm", reviewer="t", deduction="100")
    after = settle(sample_ws, 2025, plugins=plugins, store=False)
    case = _cases(after)[finding["claim_id"]]
    assert (case["case_type"], case["points"]) == ("disallowed", 0.0)
    assert (case["effect"], case["effect_source"]) == ("zero", finding["finding_id"])
    assert after["total_points"] < before["total_points"]
    assert all(i["deductions"] == 0 for i in after["institutions"])
    # a rule file edited later does not change the decision already taken
    (folder / "rules.yaml").write_text(EFFECT_RULES.replace("points_effect: zero\n", ""))
    again = settle(sample_ws, 2025, plugins=load_plugins(), store=False)
    assert _cases(again)[finding["claim_id"]]["case_type"] == "disallowed"


def test_an_older_workspaces_national_findings_get_their_points_effect(r2_ws, plugins):
    from engine.findings import list_findings
    from engine.rules import run_audit
    from engine.workspace import NATIONAL_POINTS_EFFECTS

    run_audit(r2_ws, plugins=plugins)
    split = next(f for f in list_findings(r2_ws) if f["code"] == "GZ10000204001000")
    dropped = "ALTER TABLE findings DROP COLUMN points_effect"  # as version 2 stored it
    with _reopened_as_version_2(r2_ws, dropped) as reopened:
        effect = reopened.conn.execute(
            "SELECT points_effect FROM findings WHERE finding_id = ?", (split["finding_id"],)
        ).fetchone()
        effects = set(
            reopened.conn.execute("SELECT DISTINCT code, points_effect FROM findings").fetchall()
        )
    assert effect == ("zero",)
    # only the codes the national rules give an effect to, each with its own
    assert {(c, e) for c, e in effects if e} <= set(NATIONAL_POINTS_EFFECTS.items())


def test_a_settlements_catalogue_has_its_own_column_and_older_ones_move_there(sample_ws, plugins):
    from engine.findings import stored_settlement

    out = settle(sample_ws, 2025, plugins=plugins)
    stored = sample_ws.conn.execute(
        "SELECT catalogue, rulesets FROM runs WHERE run_id = ?", (out["run_id"],)
    ).fetchone()
    assert stored == (out["catalogue"], None)
    assert stored_settlement(sample_ws)["catalogue"] == out["catalogue"]
    # as an older file stored it: the choice in the rulesets column
    sample_ws.conn.execute(
        "UPDATE runs SET rulesets = json_object('catalogue', catalogue) WHERE run_id = ?",
        (out["run_id"],),
    )
    with _reopened_as_version_2(sample_ws, "ALTER TABLE runs DROP COLUMN catalogue") as reopened:
        moved = reopened.conn.execute(
            "SELECT catalogue, rulesets FROM runs WHERE run_id = ?", (out["run_id"],)
        ).fetchone()
        assert stored_settlement(reopened)["point_value"] == out["point_value"]
    assert moved == (out["catalogue"], None)


def _reopened_as_version_2(ws: Workspace, change: str) -> Workspace:
    """``ws`` after ``change``, marked version 2 and opened again (so upgraded to 3)."""
    ws.conn.execute(change)
    ws.conn.execute("PRAGMA user_version=2")
    ws.close()
    return Workspace.open(ws.path)


def test_settle_json_prints_the_cases_read_in_a_stream(tmp_path, capsys):
    """``yibao settle --json`` spools each case as it is read instead of holding the list:
    its one JSON object has the same cases, in the same order, as settle() returns."""
    from engine.cli import main

    path = tmp_path / "s.yibao"
    with Workspace.open(path) as ws:
        import_package(ws, DIP_SAMPLE / "package")
        want = settle(ws, 2025, store=False)
    assert main(["settle", "-w", str(path), "--year", "2025", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert len(want["cases"]) > 1
    assert got["cases"] == want["cases"]
    assert got["institutions"] == want["institutions"]

"""The example city changes audit and settlement as its README says; without it, national."""

import csv
import json
import subprocess
import sys

import pytest
from city_helpers import PLUGIN, add_claim

from engine.dip.settlement import settle
from engine.errors import ImportRejected
from engine.rules import run_audit

AMLODIPINE = ("XC08CAA0002000000000002", 1, 20)
SACUBITRIL = ("XC09DXS0901000000000901", 1, 150)


def _found(ws, plugins, claim_id):
    return {f.code for f in run_audit(ws, plugins=plugins).findings if f.claim_id == claim_id}


def test_split_stay_window_is_30_days(package, workspace, city, national):
    # discharged 2025-02-19 (S-STAY2); back at the same hospital 20 days later
    add_claim(
        package,
        "C-STAY3",
        [("003101000010001", 5, 50)],
        patient="P00139",
        visit="inpatient",
        admission="2025-03-11",
        discharge="2025-03-16",
        dx="J18.900",
        status=1,
    )
    add_claim(
        package,
        "C-STAY4",
        [("003101000010001", 5, 50)],
        patient="P00139",
        visit="inpatient",
        admission="2025-04-16",
        discharge="2025-04-20",
        dx="J18.900",
        status=1,
    )
    ws = workspace(package)
    assert "GZ10000204001000" in _found(ws, city, "C-STAY3")
    assert "GZ10000204001000" not in _found(ws, city, "C-STAY4")  # 31 days after C-STAY3
    assert "GZ10000204001000" not in _found(ws, national, "C-STAY3")


def test_two_disease_rule_uses_the_python_field(package, workspace, city, national):
    add_claim(package, "C-LB1", [AMLODIPINE], dx="J06.900")
    add_claim(package, "C-LB2", [AMLODIPINE], dx="I10.x00")
    add_claim(package, "C-LB3", [AMLODIPINE], dx="J06.900", visit="chronic_outpatient")
    ws = workspace(package)
    findings = [f for f in run_audit(ws, plugins=city).findings if f.code == "ST-LB01"]
    assert [f.claim_id for f in findings] == ["C-LB1"]
    assert "高血压" in findings[0].message and "J06.900" in findings[0].message
    assert not [f for f in run_audit(ws, plugins=national).findings if f.code == "ST-LB01"]


def test_chronic_outpatient_additions(package, workspace, city, national):
    add_claim(package, "C-MT1", [SACUBITRIL], visit="chronic_outpatient", dx="I50.900")
    add_claim(package, "C-MT2", [SACUBITRIL], visit="chronic_outpatient", dx="J06.900")
    ws = workspace(package)
    assert _found(ws, national, "C-MT1") == {"GZ10000201002000"}  # not in the catalogue
    assert _found(ws, city, "C-MT1") == set()  # city drug, city chronic disease list
    assert _found(ws, city, "C-MT2") == {"GZ10000101011000"}  # outside the disease list


def test_settlement_by_the_city_catalogue_and_coefficients(package, workspace, city, national):
    ws = workspace(package)
    out = settle(ws, 2025, plugins=city, store=False)
    cases = {c["claim_id"]: c for c in out["cases"]}
    # S-STAY2: 3465 / (7000 × 1.0) = 0.495 < 0.5 → low case, 350 × 1.0 × 0.495 points
    assert (cases["S-STAY2"]["case_type"], cases["S-STAY2"]["points"]) == ("low", 173.25)
    # S-HIGH (level 2 → 0.9): r = 16843 / 6300 = 2.6735 > 2 → 350 × 0.9 × (r − 2 + 1)
    assert cases["S-HIGH"]["coefficient"] == 0.9 and cases["S-HIGH"]["points"] == 527.15
    assert out["total_points"] == 820 + 173.25 + 527.15 == 1520.4
    # φ = 26577.75 / 35437 = 0.75; point value = (30000 / 0.75) / 1520.4
    assert out["point_value"] == round(40000 / 1520.4, 4)
    inst = {i["institution_code"]: i for i in out["institutions"]}
    assert inst["H001"]["payment"] == 19598.46  # 993.25 × 30000 / 1520.4
    assert inst["H002"]["payment"] == 10193.51  # 527.15 × 30000 / 1520.4 × 0.98
    back = settle(ws, 2025, plugins=national, store=False)
    assert (back["point_value"], back["total_points"]) == (23.8287, 1678.65)


def _to_city_format(package, target, encoding="gbk"):
    """Rewrite a contract package as the city's export (the reverse of the adapter)."""
    from example_city.adapter import CLAIM_COLUMNS, GENDER, INSURANCE, LINE_COLUMNS, VISIT

    back = {
        "gender": {v: k for k, v in GENDER.items()},
        "insurance_type": {v: k for k, v in INSURANCE.items()},
        "visit_type": {v: k for k, v in VISIT.items()},
    }

    def city_value(name, text):
        if name in back:
            return back[name].get(text, text)
        if name.endswith("_date") and text:
            y, m, d = text.split("-")
            return f"{y}/{int(m)}/{int(d)}"
        if name in ("charge_time", "upload_time") and text:
            day, clock = text.split(" ")
            y, m, d = day.split("-")
            return f"{y}/{int(m)}/{int(d)} {clock[:5]}"
        if name in ("secondary_diagnoses", "other_procedures"):
            return text.replace(";", "|")
        return text

    target.mkdir()
    for source, name, columns in (
        ("claims.csv", "jsxx.csv", CLAIM_COLUMNS),
        ("lines.csv", "fymx.csv", LINE_COLUMNS),
    ):
        with open(package / source, encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        with open(target / name, "w", encoding=encoding, newline="") as out:
            writer = csv.writer(out)
            writer.writerow([city for city, _, _ in columns])
            for row in rows:
                writer.writerow([city_value(field, row[field]) for _, field, _ in columns])


def _rows(ws, table):
    return sorted(ws.conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def test_city_export_imports_to_the_same_rows(package, tmp_path, workspace, city):
    import shutil

    sys.path.insert(0, str(PLUGIN))
    try:
        _to_city_format(package, tmp_path / "export")
    finally:
        sys.path.remove(str(PLUGIN))
    shutil.copytree(package / "reference", tmp_path / "export" / "reference")
    direct = workspace(package, "direct.yibao")
    via = workspace(tmp_path / "export", "via.yibao")
    for table in ("claims", "lines", "claim_codes"):
        assert _rows(via, table) == _rows(direct, table)
    entry = json.loads(via.conn.execute("SELECT detail FROM log").fetchone()[0])
    assert "汕头市医保结算导出" in entry["package"]


def test_city_export_errors_name_file_row_and_city_column(tmp_path, package, workspace):
    sys.path.insert(0, str(PLUGIN))
    try:
        _to_city_format(package, tmp_path / "export")
    finally:
        sys.path.remove(str(PLUGIN))
    path = tmp_path / "export" / "jsxx.csv"
    text = path.read_text(encoding="gbk").splitlines()
    text[3] = text[3].replace(",男,", ",M,", 1)
    path.write_text("\n".join(text) + "\n", encoding="gbk")
    with pytest.raises(ImportRejected) as rejected:
        workspace(tmp_path / "export")
    assert rejected.value.errors == ["jsxx.csv:4:性别: 'M' is not one of 男, 女, 未知"]


def test_install_and_list_with_the_cli(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("YIBAO_PLUGINS_DIR", str(empty))
    yibao = [sys.executable, "-m", "engine.cli"]
    installed = subprocess.run(
        yibao + ["plugins", "install", str(PLUGIN)], capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    listed = subprocess.run(yibao + ["plugins", "list", "--json"], capture_output=True, text=True)
    city = next(p for p in json.loads(listed.stdout)["plugins"] if p["name"] == "example_city")
    assert city["error"] is None and city["version"] == "1.0.0"
    assert city["contributes"] == {
        "rule files": 1,
        "reference tables": 3,
        "fact fields": 1,
        "import adapters": 1,
        "report sections": 1,
        "rule parameters": 1,
        "DIP parameters": 2,
    }


def test_report_gets_the_city_sheet(package, workspace, city, tmp_path):
    from openpyxl import load_workbook

    from engine.reports import write_report

    add_claim(package, "C-LB1", [AMLODIPINE], dx="J06.900")
    ws = workspace(package)
    run_audit(ws, plugins=city)
    write_report(ws, tmp_path / "r.xlsx", plugins=city)
    sheet = load_workbook(tmp_path / "r.xlsx")["汕头两病用药"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("机构编码", "两病用药明细数", "金额")
    assert ("H001", 1, 20.0) in rows


def test_tcm_hospital_earns_the_bonus_on_tcm_advantage_groups(package, workspace, city, national):
    from engine.dip.explain import explain_case

    spine = [("003101000010001", 1, 5400)]
    # H002 is the city's TCM hospital (level 2 → 0.9): r = 5,400 / (6,000 × 0.9) = 1 → normal,
    # 300 × 0.9 = 270 points × the TCM bonus 1.1 = 297
    stay = dict(visit="inpatient", discharge="2025-06-12", status=1, dx="M51.200")
    add_claim(package, "C-TCM", spine, inst="H002", **stay)
    # the same group at the general hospital H001 (level 3): 300 × 1.0, no bonus
    add_claim(package, "C-GEN", [("003101000010001", 1, 6000)], **stay)
    ws = workspace(package)
    cases = {c["claim_id"]: c for c in settle(ws, 2025, plugins=city, store=False)["cases"]}
    assert (cases["C-TCM"]["points"], cases["C-TCM"]["factor"]) == (297.0, 1.1)
    assert cases["C-GEN"]["points"] == 300.0 and "factor" not in cases["C-GEN"]
    explained = explain_case(ws, "C-TCM", plugins=city)
    assert explained["factors"] == [{"plugin": "example_city", "factor": 1.1}]
    assert "plug-in example_city: case factor 1.1" in explained["steps"]

"""Doctors and departments answer for their findings (accountability.md)."""

import json
import textwrap
from types import SimpleNamespace

import pytest
from sample_edits import same_disease_readmission

from engine.accountability.ledger import compute, for_workspace
from engine.accountability.points import Thresholds, rule_points
from engine.cli import main as cli
from engine.errors import ImportRejected
from engine.ingest import export_package, import_package
from engine.national import RULE_PARAMETERS
from engine.review import decide
from engine.rules import run_audit
from engine.workspace import Workspace

DOCTORS_CSV = "医保医师代码,姓名,定点机构编码,科室编码,职称,备案日期\n" + (
    "DR001,张三,H001,IM,主治医师,2020-03-01\nDR009,李四,H001,PED,副主任医师,2021-06-15\n"
)


def _edit_line(package, claim_id: str, line_no: int, dept: str, doctor: str) -> None:
    path = package / "lines.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    for i, row in enumerate(rows):
        cells = row.split(",")
        if cells[0] == claim_id and cells[1] == str(line_no):
            cells[10], cells[11] = dept, doctor
            rows[i] = ",".join(cells)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.fixture
def attributed_ws(tmp_path, package, plugins):
    """The sample with S-CHILD line 3 ordered by DR009 in PED, S-CT line 3 by the claim's
    doctor in RAD, S-STAY2 a readmission for S-STAY1's disease, and the doctors' registry;
    audited once."""
    same_disease_readmission(package)
    _edit_line(package, "S-CHILD", 3, "PED", "DR009")
    _edit_line(package, "S-CT", 3, "RAD", "")
    (package / "reference" / "doctors.csv").write_text(DOCTORS_CSV, encoding="utf-8")
    ws = Workspace.open(tmp_path / "doctors.yibao")
    import_package(ws, package)
    run_audit(ws, plugins=plugins)
    yield ws
    ws.close()


def _attribution(ws) -> dict:
    return {
        (code, claim): (doctor, dept)
        for code, claim, doctor, dept in ws.conn.execute(
            "SELECT code, claim_id, doctor_id, dept_code FROM findings"
        )
    }


EXPECTED_ATTRIBUTION = {
    # a line finding: the line's own doctor and department
    ("GZ10000101007000", "S-CHILD"): ("DR009", "PED"),
    # a line without its own doctor: the claim's doctor, the line's department
    ("GZ10000102001000", "S-CT"): ("DR002", "RAD"),
    # a claim finding: the claim's
    ("GZ10000204001000", "S-STAY2"): ("DR001", "IM"),
    # an institution finding: nobody
    ("JC04", None): (None, None),
}


def test_line_claim_and_institution_findings_are_attributed(attributed_ws, capsys):
    assert _attribution(attributed_ws) == EXPECTED_ATTRIBUTION
    code, out = run_cli(capsys, "findings", "-w", str(attributed_ws.path), "--json")
    shown = {
        (f["code"], f["claim_id"]): (f["doctor_id"], f["dept_code"])
        for f in json.loads(out)["findings"]
    }
    assert shown == EXPECTED_ATTRIBUTION


def test_an_older_workspace_has_its_findings_attributed_on_opening(attributed_ws):
    conn = attributed_ws.conn
    conn.execute("DROP INDEX ix_findings_doctor_id")
    conn.execute("ALTER TABLE findings DROP COLUMN doctor_id")
    conn.execute("ALTER TABLE findings DROP COLUMN dept_code")
    conn.execute("PRAGMA user_version=2")
    with Workspace.open(attributed_ws.path) as reopened:
        assert reopened.schema_version() == 3
        assert _attribution(reopened) == EXPECTED_ATTRIBUTION


def test_the_doctors_registry_is_imported_and_exported(attributed_ws, tmp_path, plugins):
    rows = attributed_ws.conn.execute(
        "SELECT doctor_id, name, institution_code, dept_code, title, registered_on FROM doctors"
        " ORDER BY doctor_id"
    ).fetchall()
    assert rows == [
        ("DR001", "张三", "H001", "IM", "主治医师", "2020-03-01"),
        ("DR009", "李四", "H001", "PED", "副主任医师", "2021-06-15"),
    ]
    export_package(attributed_ws, tmp_path / "out")
    exported = (tmp_path / "out" / "reference" / "doctors.csv").read_text(encoding="utf-8")
    assert exported.splitlines()[1] == "DR001,张三,H001,IM,主治医师,2020-03-01"
    ledger = for_workspace(attributed_ws, plugins=plugins)
    assert ledger.doctor("DR009").name == "李四"
    # a doctor the registry does not know is still listed, at the place of their claims
    assert (ledger.doctor("DR002").institution_code, ledger.doctor("DR002").name) == ("H002", None)


def test_a_doctor_listed_twice_rejects_the_package(tmp_path, package):
    (package / "reference" / "doctors.csv").write_text(
        DOCTORS_CSV + "DR001,王五,H001,IM,,\n", encoding="utf-8"
    )
    with Workspace.open(tmp_path / "w.yibao") as ws:
        with pytest.raises(ImportRejected, match=r"doctors\.csv.*4.*doctor_id"):
            import_package(ws, package)
        assert ws.count("claims") == 0


def _ids(ws) -> dict:
    return dict(ws.conn.execute("SELECT code, finding_id FROM findings"))


def test_points_follow_the_current_decision(attributed_ws, plugins):
    ids = _ids(attributed_ws)
    decide(attributed_ws, [ids["GZ10000204001000"]], "confirm", reviewer="审核员")
    decide(attributed_ws, [ids["GZ10000101007000"]], "confirm", reviewer="审核员")
    ledger = for_workspace(attributed_ws, plugins=plugins)
    # split stay: 3 points (national default of its code); a line rule: 1
    assert (ledger.doctor("DR001").points, ledger.doctor("DR009").points) == (3, 1)
    decide(attributed_ws, [ids["GZ10000204001000"]], "dismiss", reviewer="审核员", comment="转院")
    ledger = for_workspace(attributed_ws, plugins=plugins)
    assert (ledger.doctor("DR001").points, ledger.doctor("DR001").events) == (0, [])
    # a later run finds it again; dismissing the new copy outweighs an earlier confirmation
    decide(attributed_ws, [ids["GZ10000204001000"]], "confirm", reviewer="审核员")
    run_audit(attributed_ws, plugins=plugins)
    assert for_workspace(attributed_ws, plugins=plugins).doctor("DR001").points == 3
    newest = attributed_ws.conn.execute(
        "SELECT finding_id FROM findings WHERE code = 'GZ10000204001000' ORDER BY rowid DESC"
    ).fetchone()[0]
    decide(attributed_ws, [newest], "dismiss", reviewer="审核员", comment="复核不认定")
    ledger = for_workspace(attributed_ws, plugins=plugins)
    assert ledger.doctor("DR001").points == 0
    assert ledger.doctor("DR001").findings == 1  # one finding, found by two runs


# --- the ledger over planted findings -------------------------------------------------------

RULES = [
    SimpleNamespace(id="r.line", doctor_points=None),
    SimpleNamespace(id="r.line2", doctor_points=None),
    SimpleNamespace(id="r.claim", doctor_points=None),
    SimpleNamespace(id="r.heavy", doctor_points=5),
]
SCOPE = {"r.line": "line", "r.line2": "line", "r.claim": "claim", "r.heavy": "claim"}


def plant(ws, findings: list[tuple]) -> None:
    """Findings (rule, claim, line, doctor, dept, decision, decided_at[, deduction]) of one run,
    each with its decision."""
    conn = ws.conn
    conn.execute("INSERT INTO runs (run_id, kind, started_at) VALUES ('R1', 'audit', '2026')")
    for number, (rule, claim, line, doctor, dept, decision, at, *deduction) in enumerate(findings):
        fid = f"F{number}"
        conn.execute(
            "INSERT INTO findings (finding_id, run_id, rule_id, code, severity, scope, claim_id,"
            " line_no, institution_code, amount, message_zh, message_en, doctor_id, dept_code)"
            " VALUES (?, 'R1', ?, ?, 'violation', ?, ?, ?, 'H1', 100000, '', '', ?, ?)",
            (fid, rule, rule.upper(), SCOPE[rule], claim, line, doctor, dept),
        )
        if decision:
            conn.execute(
                "INSERT INTO reviews (finding_id, decision, deduction, reviewer, decided_at)"
                " VALUES (?, ?, ?, 'r', ?)",
                (fid, decision, (deduction or [100000])[0], at),
            )


@pytest.fixture
def ws(tmp_path):
    with Workspace.open(tmp_path / "ledger.yibao") as ws:
        yield ws


AT = "2026-03-01T10:00:00+08:00"


def test_one_event_per_doctor_claim_and_rule(ws):
    plant(
        ws,
        [
            ("r.line", "C1", 1, "D1", "IM", "confirm", AT),
            ("r.line", "C1", 2, "D1", "IM", "confirm", AT),
            ("r.line", "C1", 3, "D1", "IM", "confirm", AT),  # same claim, same rule: once
            ("r.line2", "C1", 3, "D1", "IM", "confirm", AT),  # another rule: +1
            ("r.line", "C2", 1, "D1", "IM", "confirm", AT),  # another claim: +1
            ("r.line", "C1", 4, "D2", "IM", "confirm", AT),  # another doctor of the claim
            ("r.claim", "C3", None, "D1", "IM", "confirm", AT),  # a claim rule: 2
            ("r.heavy", "C3", None, "D1", "IM", "confirm", AT),  # the rule's own 5
            ("r.line", "C4", 1, "D1", "IM", "info", AT),
            ("r.line", "C5", 1, "D1", "IM", None, AT),
        ],
    )
    ledger = compute(ws.conn, RULES, {})
    d1 = ledger.doctor("D1")
    assert d1.points == 1 + 1 + 1 + 2 + 5
    assert [(e.claim_id, e.rule_id) for e in d1.events if e.rule_id == "r.line"] == [
        ("C1", "r.line"),
        ("C2", "r.line"),
    ]
    assert (d1.findings, d1.confirmed, d1.amount) == (9, 7, 70)
    assert ledger.doctor("D2").points == 1
    assert (d1.status, d1.suspend_months) == ("suspended", 2)  # 10 points


def test_the_highest_points_of_a_claim_and_rule_count(ws):
    """A rule's points changed between runs of one claim: the event keeps the highest."""
    plant(
        ws,
        [
            ("r.heavy", "C1", None, "D1", "IM", "confirm", AT),
            ("r.heavy", "C1", None, "D1", "IM", "confirm", "2026-04-01T10:00:00+08:00"),
        ],
    )
    ws.conn.execute("UPDATE findings SET line_no = 1, scope = 'line' WHERE finding_id = 'F1'")
    ledger = compute(ws.conn, RULES, {})
    assert [(e.finding_id, e.points) for e in ledger.doctor("D1").events] == [("F0", 5)]


@pytest.mark.parametrize(
    ("points", "status", "months"),
    [
        (3, "normal", 0),
        (4, "warning", 0),
        (8, "warning", 0),
        (9, "suspended", 1),
        (10, "suspended", 2),
        (11, "suspended", 3),
        (12, "terminated", 0),
    ],
)
def test_status_at_each_threshold(ws, points, status, months):
    # one 2-point claim event per claim, plus a 1-point line event when the total is odd
    findings = [("r.claim", f"C{i}", None, "D1", "IM", "confirm", AT) for i in range(points // 2)]
    if points % 2:
        findings.append(("r.line", "C99", 1, "D1", "IM", "confirm", AT))
    plant(ws, findings)
    d1 = compute(ws.conn, RULES, {}).doctor("D1")
    assert (d1.points, d1.status, d1.suspend_months) == (points, status, months)


def test_suspension_is_capped_and_thresholds_are_parameters():
    t = Thresholds.from_parameters({"terminate_points": 30})
    # 9 → 1 month, one more a point over 8, at most 6: 14 → 6, 20 → 6
    assert [t.suspend_months(p) for p in (8, 9, 13, 14, 20)] == [0, 1, 5, 6, 6]
    assert Thresholds.from_parameters(RULE_PARAMETERS) == Thresholds()
    assert rule_points(None, "institution", "XW01") == 0
    assert [rule_points(None, "claim", c) for c in ("XW01", "XW02", "GZ10000204005000")] == [3] * 3


def test_points_count_in_the_year_of_the_decision(ws):
    plant(
        ws,
        [
            ("r.claim", "C1", None, "D1", "IM", "confirm", "2025-12-31T23:59:00+08:00"),
            ("r.claim", "C2", None, "D1", "IM", "confirm", "2026-01-01T00:01:00+08:00"),
            ("r.line", "C3", 1, "D1", "IM", "confirm", "2026-01-02T00:01:00+08:00"),
        ],
    )
    assert compute(ws.conn, RULES, {}).year == 2026
    assert compute(ws.conn, RULES, {}).doctor("D1").points == 3
    assert compute(ws.conn, RULES, {}, year=2025).doctor("D1").points == 2


def test_the_department_roll_up_adds_up(ws):
    plant(
        ws,
        [
            ("r.heavy", "C1", None, "D1", "IM", "confirm", AT),
            ("r.heavy", "C2", None, "D1", "IM", "confirm", AT),
            ("r.claim", "C3", None, "D2", "IM", "confirm", AT),
            ("r.claim", "C4", None, "D3", "SURG", "confirm", AT, 25000),
            ("r.claim", "C5", None, None, "SURG", "confirm", AT),  # no doctor: the department's
            ("r.line", "C5", 1, None, "SURG", None, AT),
        ],
    )
    ledger = compute(ws.conn, RULES, {})
    out = ledger.departments_json()["departments"]
    assert [(d["dept_code"], d["points"], d["doctors"]) for d in out] == [
        ("IM", 12, 2),
        ("SURG", 2, 1),
    ]
    im, surg = out
    assert im["doctors_by_status"] == {"normal": 1, "warning": 0, "suspended": 1, "terminated": 0}
    assert (surg["findings"], surg["confirmed"], surg["amount"]) == (3, 2, 12.5)
    assert sum(d["points"] for d in out) == sum(d.points for d in ledger.doctors)


# --- the command line ---------------------------------------------------------------------


def run_cli(capsys, *argv) -> tuple[int, str]:
    code = cli(list(argv))
    return code, capsys.readouterr().out


def test_doctors_and_departments_commands(attributed_ws, capsys):
    ids = _ids(attributed_ws)
    decide(attributed_ws, list(ids.values()), "confirm", reviewer="审核员")
    path = str(attributed_ws.path)
    code, out = run_cli(capsys, "doctors", "-w", path, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["thresholds"] == {"warn_points": 4, "suspend_points": 9, "terminate_points": 12}
    points = {d["doctor_id"]: (d["points"], d["status"]) for d in result["doctors"]}
    assert points == {
        "DR001": (3, "normal"),
        "DR002": (1, "normal"),
        "DR003": (0, "normal"),
        "DR009": (1, "normal"),
    }
    assert list(result["doctors"][0]) == [
        "doctor_id",
        "name",
        "institution_code",
        "dept_code",
        "points",
        "status",
        "suspend_months",
        "events",
        "findings",
        "confirmed",
        "amount",
    ]
    assert list(result["doctors"][0]["events"][0]) == [
        "finding_id",
        "claim_id",
        "rule_id",
        "code",
        "points",
        "decided_at",
    ]
    code, out = run_cli(capsys, "doctors", "-w", path, "--dept", "PED", "--json")
    assert [d["doctor_id"] for d in json.loads(out)["doctors"]] == ["DR009"]
    code, out = run_cli(capsys, "doctors", "-w", path, "--lang", "zh")
    assert "医师代码" in out and "张三" in out and "市第一人民医院" in out
    code, out = run_cli(capsys, "doctors", "-w", path, "--lang", "en")
    assert "doctor  name" in out and "张三" in out and "医师代码" not in out
    code, out = run_cli(capsys, "departments", "-w", path, "--json")
    departments = json.loads(out)["departments"]
    assert sum(d["points"] for d in departments) == 5
    assert sum(d["doctors"] for d in departments) == 4
    code, out = run_cli(capsys, "departments", "-w", path, "--lang", "zh")
    assert "科室" in out and "约谈提醒" in out
    code, out = run_cli(capsys, "departments", "-w", path, "--lang", "en")
    assert "warning (talk)" in out and "科室" not in out
    assert run_cli(capsys, "doctors", "-w", path, "--status", "banned")[0] == 2


def test_a_region_changes_a_threshold(attributed_ws, capsys, _isolated_plugins):
    (_isolated_plugins / "strict_city.py").write_text(
        textwrap.dedent(
            """
            from engine.hookspecs import hookimpl

            PLUGIN_NAME = "strict_city"
            PLUGIN_API = 1
            __version__ = "1.0"

            @hookimpl
            def yibao_rule_parameters(params):
                return {"warn_points": 3}
            """
        ),
        encoding="utf-8",
    )
    decide(attributed_ws, [_ids(attributed_ws)["GZ10000204001000"]], "confirm", reviewer="r")
    code, out = run_cli(capsys, "doctors", "-w", str(attributed_ws.path), "--json")
    result = json.loads(out)
    assert result["thresholds"]["warn_points"] == 3
    assert result["doctors"][0]["doctor_id"] == "DR001"
    assert (result["doctors"][0]["points"], result["doctors"][0]["status"]) == (3, "warning")
    code, out = run_cli(
        capsys, "doctors", "-w", str(attributed_ws.path), "--no-plugin", "strict_city", "--json"
    )
    assert json.loads(out)["doctors"][0]["status"] == "normal"


# --- reports ----------------------------------------------------------------------------


def test_the_doctors_notice_names_the_doctor_points_and_status(attributed_ws, tmp_path, capsys):
    from pypdf import PdfReader

    ids = _ids(attributed_ws)
    decide(attributed_ws, [ids["GZ10000204001000"]], "confirm", reviewer="审核员")
    with attributed_ws.transaction():
        attributed_ws.set_setting("rule_parameters", {"warn_points": 3})  # the workspace's own
        attributed_ws.set_setting("notice.issuer", "某市医疗保障局")
        attributed_ws.set_setting("notice.objection_days", 10)
    out = tmp_path / "DR001.pdf"
    code, printed = run_cli(
        capsys, "report", "-w", str(attributed_ws.path), "--doctor", "DR001", "--out", str(out)
    )
    assert code == 0, printed
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    for expected in (
        "医保支付资格记分告知书",
        "张三（DR001）",
        "市第一人民医院",
        "S-STAY2",
        "GZ10000204001000",
        "分解住院",
        "本年度累计记分：3 分",
        "状态：约谈提醒",
        "医保医师（签字）",
        "10 日内向某市医疗保障局",
        "2025年2月14日",  # the visit of the claim, in words
    ):
        assert expected in text, expected
    from engine.audit_log import head  # the log's head, to check the log against later

    assert str(head(attributed_ws.conn))[:24] in text.replace("\n", "")
    assert (
        run_cli(
            capsys, "report", "-w", str(attributed_ws.path), "--doctor", "DRX", "--out", str(out)
        )[0]
        == 2
    )
    assert (
        run_cli(
            capsys, "report", "-w", str(attributed_ws.path), "--doctor", "DR001", "--out", "x.xlsx"
        )[0]
        == 2
    )


def test_the_workbook_has_a_doctors_sheet(attributed_ws, tmp_path, plugins):
    from openpyxl import load_workbook

    from engine.reports import write_report

    ids = _ids(attributed_ws)
    decide(
        attributed_ws, [ids["GZ10000204001000"], ids["GZ10000101007000"]], "confirm", reviewer="r"
    )
    write_report(attributed_ws, tmp_path / "r.xlsx", plugins=plugins)
    rows = list(load_workbook(tmp_path / "r.xlsx")["医师记分"].values)
    header = rows.index(next(r for r in rows if r[0] == "医师代码"))
    doctors = {r[0]: (r[1], r[5], r[6]) for r in rows[header + 1 : header + 5]}
    assert doctors["DR001"] == ("张三", 3, "正常")
    assert doctors["DR009"] == ("李四", 1, "正常")
    findings = list(load_workbook(tmp_path / "r.xlsx")["疑点明细"].values)
    col = {name: i for i, name in enumerate(findings[0])}
    child = next(r for r in findings if r[col["结算ID"]] == "S-CHILD")
    assert (child[col["医师"]], child[col["科室"]]) == ("DR009", "PED")
    events = rows[rows.index(next(r for r in rows if r[0] == "记分明细")) + 2 :]
    assert sorted((r[0], r[2], r[3], r[5]) for r in events) == [
        ("DR001", "S-STAY2", "GZ10000204001000", 3),
        ("DR009", "S-CHILD", "GZ10000101007000", 1),
    ]


def test_a_regions_doctors_registry_names_its_doctors(attributed_ws, _isolated_plugins):
    (_isolated_plugins / "registry_city.py").write_text(
        textwrap.dedent(
            """
            from engine.hookspecs import hookimpl

            PLUGIN_NAME = "registry_city"
            PLUGIN_API = 1
            __version__ = "1.0"

            @hookimpl
            def yibao_reference_data(register):
                register("doctors", [{"doctor_id": "DR002", "name": "赵六", "dept_code": "RAD"}])
            """
        ),
        encoding="utf-8",
    )
    from engine.plugins import load_plugins

    dr002 = for_workspace(attributed_ws, plugins=load_plugins()).doctor("DR002")
    assert (dr002.name, dr002.dept_code) == ("赵六", "RAD")
    assert attributed_ws.count("doctors") == 2  # nothing written


def test_a_generated_region_scores_every_doctor_as_the_spec_says(tmp_path, capsys):
    """Every finding of a small demo region confirmed; the ledger against the spec's words,
    worked out here from the findings themselves: one event per (doctor, claim, rule), 1 point
    a line rule, 2 a claim rule, 3 for the heavy codes, none for institution rules."""
    from engine.demo.generator import write_package

    write_package(tmp_path / "region", seed=11, lines_target=3000)
    path = str(tmp_path / "region.yibao")
    assert cli(["import", str(tmp_path / "region"), "-w", path, "--json"]) == 0
    assert cli(["audit", "-w", path, "--json"]) == 0
    capsys.readouterr()
    findings = json.loads(run_cli(capsys, "findings", "-w", path, "--json")[1])["findings"]
    with Workspace.open(path) as ws:
        decide(ws, [f["finding_id"] for f in findings], "confirm", reviewer="r", deduction="0")
    heavy = {"GZ10000204001000", "GZ10000204005000", "XW01", "XW02"}
    events: dict = {}
    for f in findings:
        if f["doctor_id"] and f["scope"] != "institution":
            points = 3 if f["code"] in heavy else {"line": 1, "claim": 2}[f["scope"]]
            key = (f["doctor_id"], f["claim_id"], f["rule_id"])
            events[key] = max(events.get(key, 0), points)
    expected: dict = {}
    for (doctor, _claim, _rule), points in events.items():
        expected[doctor] = expected.get(doctor, 0) + points
    assert len(expected) >= 5 and max(expected.values()) >= 12  # statuses of every kind below

    result = json.loads(run_cli(capsys, "doctors", "-w", path, "--json")[1])
    got = {d["doctor_id"]: (d["points"], d["status"]) for d in result["doctors"]}
    t = Thresholds()
    for doctor, points in expected.items():
        assert got[doctor] == (points, t.status(points)), doctor
    assert all(points == 0 for d, (points, _) in got.items() if d not in expected)
    departments = json.loads(run_cli(capsys, "departments", "-w", path, "--json")[1])
    rows = departments["departments"]
    assert sum(r["points"] for r in rows) == sum(expected.values())
    assert sum(r["doctors"] for r in rows) == len(result["doctors"])
    assert sum(sum(r["doctors_by_status"].values()) for r in rows) == len(result["doctors"])
    attributed = {
        (f["rule_id"], f["claim_id"], f["line_no"]) for f in findings if f["scope"] != "institution"
    }
    assert sum(r["findings"] for r in rows) == len(attributed)

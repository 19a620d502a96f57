"""Each rule: a case that triggers it, a clean case and the boundary that must not.

Every case adds one claim (T1, patient PT1 unless given) to the sample package and audits.
"""

from datetime import date, timedelta

import pytest

from engine.errors import UserError
from engine.ingest import import_package
from engine.rules import run_audit
from engine.rules.catalogue import load_rulebook
from engine.workspace import Workspace

CLAIM = (
    "{id},{patient},{gender},{birth},{insurance},{visit},{inst},{dept},D1,{admission},{discharge},"
    "{dx},,{px},,{status},{total},{fund},{personal},{admission},\n"
)


def write_claim(package, claim_id, lines, **claim):
    """Append one claim and its lines (item, quantity, price[, time[, days[, upload]]])."""
    fields = dict(
        id=claim_id,
        patient="PT1",
        gender=1,
        birth="1980-01-01",
        insurance="employee",
        visit="outpatient",
        inst="H001",
        dept="IM",
        admission="2025-06-02",
        discharge="",
        dx="J06.900",
        px="",
        status="",
        total=None,
        fund=None,
    )
    fields.update(claim)
    total = round(sum(q * p for _, q, p, *_ in lines), 4)
    fields["total"] = fields["total"] if fields["total"] is not None else total
    fields["fund"] = fields["fund"] if fields["fund"] is not None else round(total * 0.75, 4)
    fields["personal"] = round(fields["total"] - fields["fund"], 4)
    with open(package / "claims.csv", "a", encoding="utf-8") as handle:
        handle.write(CLAIM.format(**fields))
    with open(package / "lines.csv", "a", encoding="utf-8") as handle:
        for no, (code, qty, price, *rest) in enumerate(lines, start=1):
            when = rest[0] if rest else f"{fields['admission']} 10:00"
            days = rest[1] if len(rest) > 1 else ""
            upload = rest[2] if len(rest) > 2 else ""
            handle.write(
                f"{claim_id},{no},{code},,{when},{upload},{qty},{price},{round(qty * price, 4)},"
                f"{days},,,\n"
            )


def audit_with(tmp_path, package, plugins, lines, extra=(), **claim):
    """Add claim T1 (and ``extra`` claims: (id, lines, fields)), audit with one lane per
    claim (so what spans claims spans lanes), return T1's findings as (line, code)."""
    write_claim(package, "T1", lines, **claim)
    for claim_id, extra_lines, fields in extra:
        write_claim(package, claim_id, extra_lines, **fields)
    tmp_path.mkdir(parents=True, exist_ok=True)
    ws = Workspace.open(tmp_path / "t.yibao")
    import_package(ws, package)
    result = run_audit(ws, plugins, lanes=ws.count("claims"))
    found = {(f["line_no"], f["code"]) for f in result.findings if f["claim_id"] == "T1"}
    ws.close()
    return found


VISIT = ("003101000300030", 1, 10)
BED = ("003101000010001", 1, 50)
DRUG_COURSE = ("XJ05AHA0027000000000027", 1, 5)
ACUPUNCTURE = ("003101000280028", 1, 30)
PHARMACY_DRUG = ("XC08CAN0021000000000021", 1, 30)
AT_PHARMACY = {"visit": "pharmacy", "inst": "P001"}
STAY = {"visit": "inpatient", "discharge": "2025-06-08", "status": 1}
EXAMS = [BED, ("003101000090009", 4, 25)]  # exams 100 of 150: two thirds


def STAY_AT(day: str) -> dict:  # noqa: N802 — reads like the constant STAY
    return {"visit": "inpatient", "admission": day, "discharge": "2025-06-20", "status": 1}


def visits(prefix, count, first, step, fields=None):
    """``count`` earlier visits of patient PT1, ``step`` days apart from ``first``."""
    start = date.fromisoformat(first)
    line = PHARMACY_DRUG if fields else VISIT
    return [
        (f"{prefix}{n}", [line], {**(fields or {}), "admission": str(start + timedelta(n * step))})
        for n in range(count)
    ]


def admissions(first):
    """Four earlier stays of PT1 (at H002), the first on ``first``, 60 days apart."""
    start = date.fromisoformat(first)
    out = []
    for n in range(4):
        day = start + timedelta(n * 60)
        fields = {"visit": "inpatient", "inst": "H002", "status": 1}
        fields |= {"admission": str(day), "discharge": str(day + timedelta(3))}
        out.append((f"E{n}", [BED], fields))
    return out


CASES = [
    # code, flagged line (None for claim rules), triggering lines + claim fields, clean variant
    (
        "GZ10000101007000",
        2,
        ([VISIT, ("XR05XAX0005000000000005", 1, 1.8)], {"birth": "2007-06-01"}),
        ([VISIT, ("XR05XAX0005000000000005", 1, 1.8)], {"birth": "2007-06-03"}),
    ),
    (
        "GZ10000102001000",
        2,
        ([VISIT, ("003101000040004", 1, 200.5)], {}),
        ([VISIT, ("003101000040004", 1, 200)], {}),
    ),
    (
        "GZ10000101001000",
        2,
        ([VISIT, ("XN07XXS0011000000000011", 1, 60)], {}),
        ([VISIT, ("XN07XXS0011000000000011", 1, 60)], {"insurance": "work_injury"}),
    ),
    (
        "GZ10000101002000",
        2,
        ([VISIT, ("XG02ADD0012000000000012", 1, 60)], {"gender": 2}),
        ([VISIT, ("XG02ADD0012000000000012", 1, 60)], {"gender": 2, "insurance": "maternity"}),
    ),
    (
        "GZ10000101003000",
        2,
        ([VISIT, ("T0000010031000000000031", 1, 30)], {}),
        ([VISIT, ("T0000030033000000000033", 1, 30)], {}),
    ),
    (
        "GZ10000101004000",
        2,
        ([VISIT, ("T0000020032000000000032", 1, 30)], {}),
        ([VISIT, ("T0000020032000000000032", 1, 30), ("T0000030033000000000033", 1, 3)], {}),
    ),
    (
        "GZ10000101009000",
        2,
        ([VISIT, ("XA10BAE0014000000000014", 2, 30, "2025-06-02 10:00", 31)], {}),
        ([VISIT, ("XA10BAE0014000000000014", 2, 30, "2025-06-02 10:00", 30)], {}),
    ),
    (
        "GZ10000101008000",
        2,
        ([VISIT, ("XA10BJL0010000000000010", 1, 300)], {}),
        ([VISIT, ("XA10BJL0010000000000010", 1, 300)], {"dx": "E11.900"}),
    ),
    (
        "GZ10000101011000",
        2,
        ([VISIT, ("XJ05AFE0015000000000015", 1, 20)], {}),
        ([VISIT, ("XJ05AFE0015000000000015", 1, 20)], {"dx": "B18.100"}),
    ),
    (
        "GZ10000101012000",
        2,
        ([VISIT, ("XJ01DDT0024000000000024", 1, 20)], {"inst": "H003"}),
        ([VISIT, ("XJ01DDT0024000000000024", 1, 20)], {"inst": "H002"}),
    ),
    (
        "GZ10000102014000",
        2,
        ([VISIT, ("003101000080008", 4, 20)], {}),
        ([VISIT, ("003101000080008", 3, 20)], {}),
    ),
    (
        "GZ10000102015000",
        2,
        ([VISIT, ("003101000220022", 1, 300.5)], {}),
        ([VISIT, ("003101000220022", 1, 300)], {}),
    ),
    (
        "GZ10000102012000",
        3,
        ([VISIT, ("003101000060006", 1, 60), ("003101000070007", 1, 8)], {}),
        ([VISIT, ("003101000060006", 1, 60), ("003101000070007", 1, 8, "2025-06-03 10:00")], {}),
    ),
    (
        "GZ10000102013000",
        3,
        ([VISIT, ("003101000240024", 1, 60), ("003101000250025", 1, 8)], {}),
        ([VISIT, ("003101000250025", 1, 8)], {}),
    ),
    (
        "GZ10000102009000",
        2,
        ([VISIT, ("003101000020002", 1, 20)], {}),
        (
            [("003101000020002", 1, 20)],
            {"visit": "inpatient", "discharge": "2025-06-08", "status": 1},
        ),
    ),
    (
        "GZ10000301004000",
        2,
        ([VISIT, ("XG03DAH0016000000000016", 1, 12)], {"gender": 1}),
        ([VISIT, ("XG03DAH0016000000000016", 1, 12)], {"gender": 2}),
    ),
    (
        "GZ10000301009000",
        2,
        ([VISIT, ("XC01AAD0018000000000018", 1, 3)], {"birth": "1960-06-02"}),
        ([VISIT, ("XC01AAD0018000000000018", 1, 3)], {"birth": "1960-06-03"}),
    ),
    (
        "GZ10000301011000",
        3,
        ([VISIT, ("XB01AAW0019000000000019", 1, 2), ("XB01ACA0020000000000020", 1, 2)], {}),
        (
            [
                VISIT,
                ("XB01AAW0019000000000019", 1, 2),
                ("XB01ACA0020000000000020", 1, 2, "2025-06-03 10:00"),
            ],
            {},
        ),
    ),
    (
        "GZ10000301006000",
        3,
        ([VISIT, ("XJ01DHM0007000000000007", 1, 2), ("XJ01DHY0009000000000009", 1, 2)], {}),
        ([VISIT, ("XJ01DHY0009000000000009", 1, 2)], {}),
    ),
    (
        "GZ10000101005000",
        2,
        ([VISIT, ("XJ01DHM0007000000000007", 1, 2)], {}),
        ([VISIT, ("XJ01DHY0009000000000009", 1, 2), ("XJ01DHM0007000000000007", 1, 2)], {}),
    ),
    (
        "GZ10000301001000",
        2,
        ([VISIT, ("XV08ABD0026000000000026", 1, 50)], {}),
        ([VISIT, ("XV08ABD0026000000000026", 1, 50), ("003101000040004", 1, 200)], {}),
    ),
    (
        "GZ10000303002000",
        2,
        ([VISIT, ("C1403010070000700007", 1, 5)], {}),
        ([VISIT, ("003101000090009", 1, 25)], {}),
    ),
    (
        "GZ10000303003000",
        2,
        ([VISIT, ("C1403010050000500005", 3, 5)], {}),
        ([VISIT, ("C1403010050000500005", 2, 5)], {}),
    ),
    (
        "JC02",
        2,
        ([VISIT, ("XC08CAA0001000000000001", 10, 0.16)], {}),
        ([VISIT, ("XC08CAA0001000000000001", 10, 0.155)], {}),
    ),
    (
        "JC03",
        2,
        ([VISIT, ("XC08CAA0002000000000002", 10, 0.31)], {"inst": "H004"}),
        ([VISIT, ("XC08CAA0002000000000002", 10, 0.3)], {"inst": "H004"}),
    ),
    (
        "JC01",
        2,
        ([VISIT, ("XC08CAA0002000000000002", 10, 0.3)], {}),
        ([VISIT, ("XC08CAA0002000000000002", 10, 0.3)], {"inst": "H004"}),
    ),
    (
        "GZ10000204006000",
        None,
        ([VISIT], {"dx": "N40.x00", "gender": 2}),
        ([VISIT], {"dx": "N40.x00", "gender": 1}),
    ),
    (
        "GZ10000204007000",
        None,
        ([VISIT], {"dx": "P07.300", "birth": "2024-06-01"}),
        ([VISIT], {"dx": "P07.300", "birth": "2024-06-03"}),
    ),
    (
        "GZ10000101006000",
        2,
        ([VISIT, ("XR07AAF0013000000000013", 1, 100)], {"birth": "2025-05-04"}),
        ([VISIT, ("XR07AAF0013000000000013", 1, 100)], {"birth": "2025-05-05"}),
    ),
    (
        "GZ10000101010000",
        3,
        ([VISIT, DRUG_COURSE, ("XJ05AHA0027000000000027", 1, 5, "2025-06-07 10:00")], {}),
        ([VISIT, DRUG_COURSE, ("XJ05AHA0027000000000027", 1, 5, "2025-06-06 10:00")], {}),
    ),
    (  # the course began on an earlier claim of the patient
        "GZ10000101010000",
        1,
        ([DRUG_COURSE], {"admission": "2025-06-07", "extra": [("E1", [DRUG_COURSE], {})]}),
        (
            [DRUG_COURSE],
            {
                "admission": "2025-06-07",
                "extra": [("E1", [DRUG_COURSE], {"admission": "2025-06-03"})],
            },
        ),
    ),
    (
        "GZ10000102002000",
        3,
        ([VISIT, ("003101000100010", 1, 3000), ("003101000110011", 1, 1400.02)], {}),
        ([VISIT, ("003101000100010", 1, 3000), ("003101000110011", 1, 1400)], {}),
    ),
    (
        "GZ10000102003000",
        2,
        ([VISIT, ("003101000170017", 1, 50)], {}),
        ([VISIT, ("003101000170017", 1, 50)], {"insurance": "work_injury"}),
    ),
    (
        "GZ10000102004000",
        2,
        ([VISIT, ("003101000180018", 1, 50)], {}),
        ([VISIT, ("003101000180018", 1, 50)], {"insurance": "maternity", "gender": 2}),
    ),
    (
        "GZ10000102005000",
        2,
        ([VISIT, ("003101000140014", 1, 50)], {"birth": "2025-05-04"}),
        ([VISIT, ("003101000140014", 1, 50)], {"birth": "2025-05-05"}),
    ),
    (
        "GZ10000102006000",
        2,
        ([VISIT, ("003101000150015", 1, 50)], {"birth": "2007-06-01"}),
        ([VISIT, ("003101000150015", 1, 50)], {"birth": "2007-06-03"}),
    ),
    (
        "GZ10000102007000",
        2,
        ([VISIT, ("003101000270027", 1, 400)], {}),
        ([VISIT, ("003101000270027", 1, 400)], {"dx": "N18.900"}),
    ),
    (
        "GZ10000102008000",
        2,
        ([VISIT, ("003101000130013", 1, 40)], {}),
        ([VISIT, ("003101000130013", 1, 40)], {"dept": "REH"}),
    ),
    (
        "GZ10000102010000",
        3,
        ([VISIT, ACUPUNCTURE, ("003101000280028", 1, 30, "2025-06-12 10:00")], {}),
        ([VISIT, ACUPUNCTURE, ("003101000280028", 1, 30, "2025-06-11 10:00")], {}),
    ),
    (
        "GZ10000102011000",
        2,
        ([VISIT, ("003101000160016", 1, 200)], {"inst": "H003"}),
        ([VISIT, ("003101000160016", 1, 200)], {"inst": "H002"}),
    ),
    (
        "GZ10000103001000",
        2,
        ([VISIT, ("C1403010020000200002", 1, 20)], {"birth": "2025-05-04"}),
        ([VISIT, ("C1403010020000200002", 1, 20)], {"birth": "2025-05-05"}),
    ),
    (
        "GZ10000103002000",
        2,
        ([VISIT, ("C1403010030000300003", 1, 20)], {"birth": "2007-06-01"}),
        ([VISIT, ("C1403010030000300003", 1, 20)], {"birth": "2007-06-03"}),
    ),
    (
        "GZ10000103003000",
        2,
        ([VISIT, ("C1403010040000400004", 1, 2000.5)], {}),
        ([VISIT, ("C1403010040000400004", 1, 2000)], {}),
    ),
    (
        "GZ10000201004000",
        None,
        ([VISIT, ("003101000100010", 1, 3000)], {}),
        ([VISIT, ("003101000100010", 1, 3000)], {"px": "51.2300"}),
    ),
    (
        "GZ10000201005000",
        None,
        ([VISIT], {"px": "68.4100", "gender": 1}),
        ([VISIT], {"px": "68.4100", "gender": 2}),
    ),
    (
        "GZ10000201007000",
        2,
        ([VISIT, ("003101000090009", 1, 25, "2025-06-02 10:00", "", "2025-06-03 10:01")], {}),
        ([VISIT, ("003101000090009", 1, 25, "2025-06-02 10:00", "", "2025-06-03 10:00")], {}),
    ),
    (
        "GZ10000201008000",
        2,
        ([BED, ("003101000010001", 1, 50, "2025-06-09 09:00")], STAY),
        ([BED, ("003101000010001", 1, 50, "2025-06-08 09:00")], STAY),
    ),
    (
        "GZ10000204002000",
        None,
        ([VISIT], {"extra": visits("E", 8, "2025-05-04", 3)}),
        ([VISIT], {"extra": visits("E", 8, "2025-05-03", 3)}),
    ),
    (
        "GZ10000204003000",
        None,
        ([PHARMACY_DRUG], {**AT_PHARMACY, "extra": visits("E", 6, "2025-05-04", 3, AT_PHARMACY)}),
        ([PHARMACY_DRUG], {**AT_PHARMACY, "extra": visits("E", 6, "2025-05-03", 3, AT_PHARMACY)}),
    ),
    (
        "GZ10000204004000",
        None,
        ([BED], {**STAY, "extra": admissions("2024-06-03")}),
        ([BED], {**STAY, "extra": admissions("2024-06-02")}),
    ),
    (
        "GZ10000204005000",
        None,
        (EXAMS, {**STAY, "discharge": "2025-06-05"}),
        (EXAMS, {**STAY, "discharge": "2025-06-06"}),
    ),
    (
        "GZ10000301002000",
        2,
        ([VISIT, ("ZA04AAX0028000000000028", 1, 15)], {}),
        ([VISIT, ("ZA04AAX0028000000000028", 1, 15)], {"birth": "2007-06-03"}),
    ),
    (
        "GZ10000301003000",
        2,
        ([VISIT, ("XJ01MAL0017000000000017", 1, 15)], {"birth": "2007-06-03"}),
        ([VISIT, ("XJ01MAL0017000000000017", 1, 15)], {"birth": "2007-06-02"}),
    ),
    (
        "GZ10000302003000",
        2,
        ([VISIT, ("003101000210021", 1, 40)], {}),
        ([VISIT, ("003101000210021", 1, 40)], {"birth": "2007-06-03"}),
    ),
    (
        "GZ10000302004000",
        2,
        ([VISIT, ("003101000200020", 1, 60)], {"gender": 2}),
        ([VISIT, ("003101000200020", 1, 60)], {"gender": 1}),
    ),
    (
        "GZ10000303001000",
        2,
        ([VISIT, ("C1403010060000600006", 1, 300)], {}),
        ([VISIT, ("C1403010060000600006", 1, 300), ("003101000100010", 1, 3000)], {}),
    ),
    (
        "ZF02",
        None,
        ([BED], {**STAY, "dx": "K80.100", "px": "51.2300"}),
        ([BED, ("003101000100010", 1, 3000)], {**STAY, "dx": "K80.100", "px": "51.2300"}),
    ),
    (
        "ZF03",
        None,
        (
            [VISIT, ("003101000090009", 1, 25)],
            {"extra": [("E1", [BED], {**STAY_AT("2025-06-09")})]},
        ),
        (
            [VISIT, ("003101000090009", 1, 25)],
            {"extra": [("E1", [BED], {**STAY_AT("2025-06-10")})]},
        ),
    ),
    (
        "ZF04",
        None,
        ([("003101000010001", 1, 33001)], {**STAY, "dx": "J18.900"}),
        ([("003101000010001", 1, 33000)], {**STAY, "dx": "J18.900"}),
    ),
    ("GZ10000201001000", None, ([VISIT], {"total": 11}), ([VISIT], {})),
    ("GZ10000201002000", 2, ([VISIT, ("X0000000000000000000999", 1, 1)], {}), ([VISIT], {})),
]


@pytest.mark.parametrize("code,line,trigger,clean", CASES, ids=[c[0] for c in CASES])
def test_rule_triggers_and_clean_case_does_not(
    tmp_path, package, plugins, code, line, trigger, clean
):
    lines, fields = trigger
    assert (line, code) in audit_with(tmp_path / "a", package, plugins, lines, **fields)


@pytest.mark.parametrize("code,line,trigger,clean", CASES, ids=[c[0] for c in CASES])
def test_rule_clean_and_boundary(tmp_path, package, plugins, code, line, trigger, clean):
    lines, fields = clean
    found = audit_with(tmp_path / "b", package, plugins, lines, **fields)
    assert code not in {c for _, c in found}


def test_every_national_code_of_rules_spec_is_present(plugins):
    codes = {r.code for r in load_rulebook(plugins).rules()}
    assert len(codes) >= 60
    assert {"JC01", "JC05", "ZF01", "ZF06", "ZB10000205008000", "GZ10000303003000"} <= codes


def _with_extra_rules(monkeypatch, folder):
    """Plug-ins whose national baseline also registers the rule files in ``folder``."""
    from engine import national
    from engine.hookspecs import hookimpl
    from engine.plugins import load_plugins

    original = national.yibao_rulesets

    @hookimpl
    def yibao_rulesets(register):
        original(register)
        register(folder)

    monkeypatch.setattr(national, "yibao_rulesets", yibao_rulesets)
    return load_plugins()


def test_malformed_rule_file_is_reported_and_others_run(tmp_path, sample_ws, monkeypatch):
    extra = tmp_path / "rules"
    extra.mkdir()
    (extra / "broken.yaml").write_text("id: x\nversion: 1\ntitle: t\nrules: [\n", encoding="utf-8")
    (extra / "unknown_field.yaml").write_text(
        "id: local.x\nversion: '1'\ntitle: t\nrules:\n  - id: r\n    code: L1\n    severity: violation\n"
        "    scope: line\n    when: no_such_field > 1\n    message: m\n",
        encoding="utf-8",
    )
    result = run_audit(sample_ws, _with_extra_rules(monkeypatch, extra))
    text = "\n".join(result.problems)
    assert "broken.yaml" in text and "not valid YAML" in text
    assert "rule local.x.r: when: unknown field no_such_field" in text
    assert any(f["code"] == "GZ10000204001000" for f in result.findings)


def test_action_error_is_raised_not_swallowed(tmp_path, sample_ws, monkeypatch):
    from engine.rules.runner import RuleActionError

    extra = tmp_path / "rules"
    extra.mkdir()
    (extra / "divide.yaml").write_text(
        "id: local.y\nversion: '1'\ntitle: t\nrules:\n  - id: r\n    code: L2\n    severity: violation\n"
        "    scope: line\n    when: quantity > 0\n    amount: amount / (quantity - quantity)\n    message: m\n",
        encoding="utf-8",
    )
    plugins = _with_extra_rules(monkeypatch, extra)
    with pytest.raises(RuleActionError, match="local.y.r"):
        run_audit(sample_ws, plugins)


def test_unknown_ruleset_name_is_a_user_error(sample_ws, plugins):
    with pytest.raises(UserError):
        run_audit(sample_ws, plugins, ["nope"])


def _institution_findings(tmp_path, package, plugins):
    tmp_path.mkdir(parents=True, exist_ok=True)
    ws = Workspace.open(tmp_path / "i.yibao")
    import_package(ws, package)
    found = {
        (f["institution_code"], f["code"])
        for f in run_audit(ws, plugins).findings
        if f["claim_id"] is None
    }
    ws.close()
    return found


INDICATOR_ITEMS = {
    "ZB10000205001000": ("XC08CAN0021000000000021",),  # drug
    "ZB10000205002000": ("003101000090009",),  # exam
    "ZB10000205003000": ("C1403010010000100001",),  # consumable
    "ZB10000205004000": ("003101000190019",),  # treatment
    "ZB10000205005000": ("003101000040004",),  # CT
    "ZB10000205006000": ("003101000050005",),  # MRI
}


def _peers(package, outlier_code):
    """Nine more level-2 hospitals with one visit each spending 20 on every kind of item; Z09
    spends 200 on ``outlier_code``'s kind of item only (or like the others when None)."""
    mix = [VISIT] + [(code, 1, 20) for (code,) in INDICATOR_ITEMS.values()]
    with open(package / "reference" / "institutions.csv", "a", encoding="utf-8") as handle:
        for n in range(1, 10):
            handle.write(f"Z0{n},同级医院{n},2,general,1,440500,\n")
    for n in range(1, 10):
        lines = mix
        if n == 9 and outlier_code:
            lines = [VISIT, (INDICATOR_ITEMS[outlier_code][0], 10, 20)]
        write_claim(package, f"Z{n}", lines, inst=f"Z0{n}", patient=f"PZ{n}")


@pytest.mark.parametrize("code", INDICATOR_ITEMS)
def test_institution_indicator_outlier(tmp_path, package, plugins, code):
    _peers(package, code)
    assert ("Z09", code) in _institution_findings(tmp_path, package, plugins)


def test_institution_indicators_clean_among_alike_peers(tmp_path, package, plugins):
    _peers(package, None)
    found = _institution_findings(tmp_path, package, plugins)
    assert not {c for inst, c in found if inst.startswith("Z")} & set(INDICATOR_ITEMS)


def _year_of_stays(package, december: int):
    """H004: three stays a month January to November and ``december`` in December."""
    months = [(m, n) for m in range(1, 12) for n in range(3)] + [(12, n) for n in range(december)]
    for m, n in months:
        day = f"2025-{m:02d}-{10 + n * 5:02d}"
        end = f"2025-{m:02d}-{12 + n * 5:02d}"
        fields = {"visit": "inpatient", "inst": "H004", "admission": day, "discharge": end}
        write_claim(package, f"Y{m:02d}{n}", [BED], patient=f"PY{m}{n}", status=1, **fields)


def test_year_end_refusal(tmp_path, package, plugins):
    # Jan–Nov: 33 discharges, 3 a month; December 1 < 3 × 0.6
    _year_of_stays(package, december=1)
    assert ("H004", "ZF05") in _institution_findings(tmp_path, package, plugins)


def test_year_end_refusal_clean(tmp_path, package, plugins):
    _year_of_stays(package, december=2)  # 2 ≥ 1.8: not a drop
    assert ("H004", "ZF05") not in _institution_findings(tmp_path, package, plugins)


def test_volume_shortfall_clean_when_the_agreed_volume_is_used(tmp_path, package, plugins):
    assert ("H001", "JC04") in _institution_findings(tmp_path / "a", package, plugins)
    write_claim(package, "T1", [VISIT, ("XC08CAA0001000000000001", 78, 0.15)])
    assert ("H001", "JC04") not in _institution_findings(tmp_path / "b", package, plugins)

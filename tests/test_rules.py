"""Each rule: a case that triggers it, a clean case and the boundary that must not.

Every case adds one claim (T1, patient PT1 unless given) to the sample package and audits.
"""

import pytest

from engine.errors import UserError
from engine.ingest import import_package
from engine.rules import run_audit
from engine.rules.audit import load_catalog
from engine.workspace import Workspace

CLAIM = "T1,{patient},{gender},{birth},{insurance},{visit},{inst},IM,D1,2025-06-02,{discharge},{dx},,{px},,{status},{total},{fund},{personal},2025-06-02,\n"


def audit_with(tmp_path, package, plugins, lines, **claim):
    fields = dict(
        patient="PT1",
        gender=1,
        birth="1980-01-01",
        insurance="employee",
        visit="outpatient",
        inst="H001",
        discharge="",
        dx="J06.900",
        px="",
        status="",
        total=None,
        fund=None,
        personal=None,
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
            when = rest[0] if rest else "2025-06-02 10:00"
            days = rest[1] if len(rest) > 1 else ""
            handle.write(
                f"T1,{no},{code},,{when},,{qty},{price},{round(qty * price, 4)},{days},,,\n"
            )
    tmp_path.mkdir(parents=True, exist_ok=True)
    ws = Workspace.open(tmp_path / "t.yibao")
    import_package(ws, package)
    found = {
        (f["line_no"], f["code"]) for f in run_audit(ws, plugins).findings if f["claim_id"] == "T1"
    }
    ws.close()
    return found


VISIT = ("003101000300030", 1, 10)
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
    codes = {r.code for r in load_catalog(plugins).rules()}
    assert len(codes) >= 60
    assert {"JC01", "JC05", "ZF01", "ZF06", "ZB10000205008000", "GZ10000303003000"} <= codes


def _with_extra_rules(monkeypatch, folder):
    """Plug-ins whose national baseline also registers the rule files in ``folder``."""
    from engine import national
    from engine.plugins import load_plugins

    original = national.yibao_rulesets
    monkeypatch.setattr(
        national, "yibao_rulesets", lambda register: (original(register), register(folder))
    )
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

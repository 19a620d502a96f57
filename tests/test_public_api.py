"""The engine's public API: what ``engine``'s docstring lists is importable from ``engine``."""

import subprocess
import sys

import engine


def test_every_listed_name_is_exported_and_every_export_listed():
    for name in engine.__all__:
        assert getattr(engine, name) is not None, name
        assert f"``{name}``" in engine.__doc__, name
    assert sorted(engine._HOMES) == sorted(engine.__all__)
    assert engine.special.decide and engine.Workspace.open and engine.pseudonym.describe
    # a function named like its module is the function, not the module
    functions = (engine.monitor, engine.rank, engine.appraise, engine.notice_settings)
    assert all(callable(f) for f in functions)
    assert engine.APPRAISAL_PARTS[0] == "compliance" and "doctor" in engine.RANK_BY


def test_the_api_imports_no_front_end():
    code = (
        "import sys, engine\n"
        "for name in engine.__all__: getattr(engine, name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('desktop', 'PySide6')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_finding_holds_its_amount_once_and_derives_what_is_stored_and_printed():
    from dataclasses import FrozenInstanceError
    from decimal import Decimal

    import pytest

    from engine.findings import Finding, finding_id

    finding = Finding(
        finding_id=finding_id("A1", "r.x", "C1", 3, "H001", None),
        run_id="A1",
        rule_id="r.x",
        code="X1",
        severity="violation",
        scope="line",
        claim_id="C1",
        line_no=3,
        institution_code="H001",
        subject=None,
        amount=Decimal("35.20"),
        message="超限",
        message_en="over",
        points_effect=None,
    )
    assert finding.amount_units == 352_000
    stored = finding.stored()
    assert stored[0] == finding.finding_id and 352_000 in stored and "超限" in stored
    # audit --json (spec interchange.md): these keys, in this order, the amount a number
    assert list(finding.to_json()) == [
        "claim_id",
        "line_no",
        "rule_id",
        "code",
        "severity",
        "amount",
        "institution_code",
        "message",
        "finding_id",
    ]
    assert finding.to_json()["amount"] == 35.2
    with pytest.raises(FrozenInstanceError):
        finding.amount = Decimal(1)  # type: ignore[misc]
    assert not hasattr(finding, "__dict__")  # slots

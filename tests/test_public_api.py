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


#: The entry points of one calling convention: ``fn(ws, <subject>, *, plugins, progress,
#: cancel, <options>)``. Each: (the positional subject after ws, takes plugins, takes
#: progress and cancel).
ENTRY_POINTS = {
    "import_package": (["package"], False, True),
    "import_any": (["path"], True, True),
    "export_package": (["out"], False, False),
    "run_audit": ([], True, True),
    "import_findings": (["folder"], True, False),
    "try_rules": (["rules"], True, True),
    "decide": (["finding_ids", "decision"], False, False),
    "settle": (["year"], True, True),
    "explain_case": (["claim_id"], True, False),
    "build_catalogue": (["year"], True, False),
    "use_catalogue": (["source"], False, False),
    "write_report": (["out"], True, False),
    "write_doctor_notice": (["out", "doctor_id"], True, False),
    "for_workspace": ([], True, False),
    "appraise": (["year"], True, False),
    "monitor": (["year"], True, False),
    "part_cases": (["by", "subject", "code", "group_code"], True, False),
    "special.status": (["year"], True, False),
    "special.decide": (["claim_id", "decision"], True, False),
    "resolve_params": (["year"], True, False),
    "save_rule_choices": (["disabled", "overrides"], True, False),
}


def _entry_point(name: str):
    value = engine
    for part in name.split("."):
        value = getattr(value, part)
    return value


def test_every_entry_point_takes_ws_its_subject_then_keywords_only():
    import inspect

    from engine.progress import NEVER, no_progress

    keyword, empty = inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.empty
    for name, (subject, takes_plugins, takes_progress) in ENTRY_POINTS.items():
        signature = inspect.signature(_entry_point(name))  # annotations as written (text)
        params = signature.parameters
        positional = [p.name for p in params.values() if p.kind is not keyword]
        assert positional == ["ws", *subject], name
        assert signature.return_annotation is not empty, name
        assert all(p.annotation is not empty for p in params.values()), name
        assert ("plugins" in params) == takes_plugins, name
        assert ("progress" in params and "cancel" in params) == takes_progress, name
        if takes_plugins:
            plugins = params["plugins"]
            assert (plugins.kind, plugins.default) == (keyword, None), name
            assert plugins.annotation == "PluginSet | None", name
        if takes_progress:
            progress, cancel = params["progress"], params["cancel"]
            assert (progress.kind, progress.default, progress.annotation) == (
                keyword,
                no_progress,
                "Progress",
            ), name
            assert (cancel.kind, cancel.default, cancel.annotation) == (
                keyword,
                NEVER,
                "CancelToken",
            ), name


def test_no_exported_function_takes_progress_or_cancel_positionally_nor_plugins_after_ws():
    """(``load_rulebook(plugins, …)`` and the like take plug-ins as their subject.)"""
    import inspect

    for name in engine.__all__:
        fn = _entry_point(name)
        if not inspect.isfunction(fn):
            continue
        params = inspect.signature(fn).parameters
        keyword_only = ("progress", "cancel") + (("plugins",) if list(params)[:1] == ["ws"] else ())
        for special in keyword_only:
            if special in params:
                assert params[special].kind is inspect.Parameter.KEYWORD_ONLY, (name, special)


def test_every_exported_function_is_typed():
    """Each parameter and the return of every function ``engine`` exports is annotated."""
    import inspect

    untyped = {}
    for name in [*engine.__all__, "special.status", "special.decide"]:
        fn = _entry_point(name)
        if not inspect.isfunction(fn):
            continue
        signature = inspect.signature(fn)
        missing = [p for p, v in signature.parameters.items() if v.annotation is v.empty]
        if signature.return_annotation is signature.empty:
            missing.append("return")
        if missing:
            untyped[name] = missing
    assert untyped == {}


def test_no_plugins_means_the_installed_ones(sample_ws):
    from engine.plugins import load_plugins

    installed = load_plugins()
    without = engine.run_audit(sample_ws, store=False)
    given = engine.run_audit(sample_ws, plugins=installed, store=False)
    assert without.findings and [f.to_json() | {"finding_id": ""} for f in without.findings] == [
        f.to_json() | {"finding_id": ""} for f in given.findings
    ]
    assert engine.settle(sample_ws, 2025, store=False) == engine.settle(
        sample_ws, 2025, plugins=installed, store=False
    )

"""Every rule carries examples (issue 25 item 2), and they pass through the audit's own path.

The examples live in the rule files (``examples:``); ``yibao rules test`` runs them through the
SQL prefilter compiled from the condition, durable-rules, the amount and the message. Here: every
national rule has a finding and a clean twin, every rule whose money at stake is a formula says
what the formula must give, and the examples of the national and plug-in rule files all pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import cli
from engine.plugins import load_plugins
from engine.rules.kit import rules_of, run_examples
from engine.rules.ruleset import load_file, rule_files

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "rulesets" / "national"
RULE_FOLDERS = [ROOT / "rulesets", ROOT / "plugins"]


def _national_rules():
    return [rule for file in rule_files(NATIONAL) for rule in load_file(file, "national").rules]


def test_every_national_rule_has_a_finding_and_a_clean_example():
    rules = _national_rules()
    assert len(rules) >= 80  # the catalogue, management, medical, payment, procurement, TJ sets
    missing = {
        rule.id: kind
        for rule in rules
        for kind in ("finding", "none")
        if not any(e.get("expect") == kind for e in rule.examples)
    }
    assert missing == {}
    assert {r.code for r in rules} >= {"TJ01", "TJ02", "TJ03", "TJ04", "XW01", "XW02", "JC03"}


def test_a_rule_with_an_amount_formula_states_the_expected_amount():
    """Where the money at stake is computed (not the line's amount, not zero), a finding
    example says what it must come to, so a wrong formula fails."""
    unstated = [
        rule.id
        for rule in _national_rules()
        if rule.amount is not None
        and str(rule.amount).strip() not in ("0", "amount")
        and not any(e.get("expect") == "finding" and "amount" in e for e in rule.examples)
    ]
    assert unstated == []


@pytest.fixture
def no_installed_plugins(tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_PLUGINS_DIR", str(tmp_path / "installed"))
    monkeypatch.setenv("YIBAO_TRUSTED_KEYS", str(tmp_path / "keys"))


def test_the_examples_of_the_national_and_plugin_rules_all_pass(no_installed_plugins):
    plugins = load_plugins()
    rules, problems = rules_of(RULE_FOLDERS, plugins)
    assert problems == []
    assert any(r.id.startswith("example_city.") for r in rules)
    results = run_examples(rules, plugins.rule_parameters({}))
    assert [str(r) for r in results if r.failure] == []
    assert {r.rule.id for r in results} == {r.id for r in rules}
    assert sum(1 for r in results if r.findings) >= len(rules)


def test_rules_test_over_rulesets_and_plugins_exits_clean(no_installed_plugins, capsys):
    code = cli.main(["rules", "test", *map(str, RULE_FOLDERS), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["failed"]
    assert report["failed"] == [] and report["rules_without_examples"] == []
    assert report["examples"] >= 2 * 85

"""The region's kit: a plug-in skeleton, rule checks and examples, signed plug-ins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine import cli
from engine.plugins import load_plugins

ROOT = Path(__file__).resolve().parents[1]

BAD_RULES = """id: city.local
version: "1"
title: {zh: 地方规则, en: local rules}
rules:
  - id: misspelt
    code: DF01
    severity: violation
    scope: line
    when: item_typ == 'drug' and age_years > param.split_stay_dayz
    message: {zh: "x", en: "x"}
  - id: child_drug
    code: DF02
    severity: violation
    scope: line
    when: item_type == 'drug' and age_years > 17
    amount: amount / 2
    message: {zh: "{item_name}限儿童，患者{age_years}岁", en: "{item_name}: patient {age_years}"}
    examples:
      - {expect: finding, fact: {item_type: drug, age_years: 20, amount: 3.5, item_name: 药},
         amount: 1.75}
      - {expect: none, fact: {item_type: drug, age_years: 17}}
      - {expect: none, fact: {item_type: drug, age_years: 30, amount: 2}}
      - {expect: finding, fact: {item_type: drug, age_years: 40, amount: 8}, amount: 8}
"""


@pytest.fixture
def kit_env(tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_PLUGINS_DIR", str(tmp_path / "installed"))
    monkeypatch.setenv("YIBAO_TRUSTED_KEYS", str(tmp_path / "keys"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys, *argv) -> tuple[int, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_rules_check_names_a_misspelt_field_and_parameter_and_suggests(kit_env, capsys):
    (kit_env / "bad.yaml").write_text(BAD_RULES, encoding="utf-8")
    code, out = _run(capsys, "rules", "check", "bad.yaml")
    assert code == 2
    assert "rule city.local.misspelt: item_typ: unknown line field (did you mean item_type?)" in out
    assert "param.split_stay_dayz: unknown parameter (did you mean split_stay_days?)" in out


def test_rules_check_explains_a_duplicate_of_a_national_rule(kit_env, capsys):
    (kit_env / "dup.yaml").write_text(
        "id: national.catalogue\nversion: '9'\ntitle: t\nrules:\n"
        "  - {id: drug_child_only, code: X, severity: violation, scope: line,"
        " when: age_years > 1, message: m}\n",
        encoding="utf-8",
    )
    code, out = _run(capsys, "rules", "check", "dup.yaml")
    assert code == 2
    assert "add 'overrides: national.catalogue.drug_child_only'" in out


def test_rules_test_reports_the_wrong_examples_and_passes_the_right_ones(kit_env, capsys):
    (kit_env / "bad.yaml").write_text(BAD_RULES, encoding="utf-8")
    code, out = _run(capsys, "rules", "test", "bad.yaml", "--json")
    assert code == 2
    report = json.loads(out)
    failed = {(f["rule"], f["example"]): f for f in report["failed"]}
    # example 3 expects none but age 30 > 17 fires; example 4's amount is 8 / 2 = 4, not 8
    assert set(failed) == {("city.local.child_drug", 3), ("city.local.child_drug", 4)}
    assert failed[("city.local.child_drug", 3)]["failure"].startswith("got a finding")
    assert failed[("city.local.child_drug", 4)]["failure"] == "amount 4.0, expected 8"
    assert report["examples"] == 4 and report["rules_without_examples"] == ["city.local.misspelt"]


def test_an_example_the_sql_prefilter_drops_is_not_a_finding(kit_env):
    """The prefilter is exact: a null field never matches, in SQL as in durable-rules."""
    from engine.rules.kit import evaluate
    from engine.rules.ruleset import load_file

    (kit_env / "r.yaml").write_text(BAD_RULES, encoding="utf-8")
    rule = load_file(kit_env / "r.yaml", "t").rules[1]
    assert evaluate(rule, {"item_type": "drug", "age_years": None, "amount": 1}, {}) == []
    assert len(evaluate(rule, {"item_type": "drug", "age_years": 18, "amount": 1}, {})) == 1


@pytest.mark.slow
def test_the_skeleton_installs_and_passes_its_own_test(kit_env, capsys):
    code, out = _run(capsys, "plugins", "new", "shantou", "--region", "440500")
    assert code == 0, out
    folder = kit_env / "shantou"
    assert (folder / "shantou" / "data" / "catalogue.csv").read_text().startswith("item_code,")
    code, out = _run(capsys, "plugins", "install", "shantou")
    assert code == 0, out
    infos = {i.name: i for i in load_plugins().infos}
    assert infos["shantou"].error is None
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    test = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder / "tests")],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
    )
    assert test.returncode == 0, test.stdout + test.stderr
    assert "2 passed" in test.stdout


def test_plugins_new_refuses_a_name_that_is_not_a_package(kit_env, capsys):
    code, out = _run(capsys, "plugins", "new", "Shan-tou")
    assert code == 2 and "lower-case" in out


def _signed_plugin(kit_env, capsys) -> Path:
    plugin = kit_env / "src" / "city"
    plugin.mkdir(parents=True)
    (plugin / "__init__.py").write_text(
        "PLUGIN_NAME = 'city'\nPLUGIN_API = 1\n__version__ = '1.0'\n", encoding="utf-8"
    )
    assert _run(capsys, "plugins", "keygen", "--out", "region")[0] == 0
    assert _run(capsys, "plugins", "sign", str(plugin), "--key", "region.key")[0] == 0
    assert _run(capsys, "plugins", "install", str(plugin))[0] == 0
    return kit_env / "installed" / "city"


def _city():
    return next(i for i in load_plugins().infos if i.location.endswith("city"))


def test_a_signed_plugin_loads_and_an_altered_one_is_refused(kit_env, capsys):
    installed = _signed_plugin(kit_env, capsys)
    assert _city().warning is None and _city().error is None  # signed: no warning
    assert _run(capsys, "plugins", "trust", "region.pub")[0] == 0
    assert _city().error is None and _city().signer == "region (region)"

    init = installed / "__init__.py"
    original = init.read_bytes()
    init.write_bytes(original.replace(b"1.0", b"1.1"))  # one byte changed
    assert "was changed after signing" in _city().error
    init.write_bytes(original)
    assert _city().error is None

    (installed / "extra.py").write_text("import os\n", encoding="utf-8")  # one file added
    assert "extra.py is not covered by the signature" in _city().error


def test_with_trusted_keys_an_unsigned_plugin_is_refused_without_running(kit_env, capsys):
    folder = kit_env / "installed"
    folder.mkdir()
    marker = kit_env / "ran"
    (folder / "rogue.py").write_text(
        f"open({str(marker)!r}, 'w').close()\nPLUGIN_NAME = 'rogue'\nPLUGIN_API = 1\n",
        encoding="utf-8",
    )
    assert "unsigned drop-in" in next(i for i in load_plugins().infos if i.name == "rogue").warning
    marker.unlink()
    assert _run(capsys, "plugins", "keygen", "--out", "region")[0] == 0
    assert _run(capsys, "plugins", "trust", "region.pub")[0] == 0
    info = next(i for i in load_plugins().infos if i.location.endswith("rogue.py"))
    assert "it is not signed" in info.error
    assert not marker.exists()  # refused before its code ran


def test_keygen_refuses_to_overwrite_and_keeps_the_private_key_private(kit_env, capsys):
    assert _run(capsys, "plugins", "keygen", "--out", "region")[0] == 0
    if os.name == "posix":
        assert (kit_env / "region.key").stat().st_mode & 0o077 == 0
    code, out = _run(capsys, "plugins", "keygen", "--out", "region")
    assert code == 2 and "exists" in out


def test_rules_try_counts_what_a_stored_audit_finds_and_stores_nothing(sample_ws, plugins):
    from engine.rules import run_audit
    from engine.rules.listing import rules_for, try_rules

    stored = run_audit(sample_ws, plugins=plugins)
    by_code: dict[str, list] = {}
    for f in stored.findings:
        by_code.setdefault(f.code, []).append(f)
    code = max(by_code, key=lambda c: len(by_code[c]))  # the rule that finds the most
    runs = sample_ws.count("runs")
    tried = try_rules(sample_ws, rules_for(code, plugins), plugins=plugins)
    assert tried["findings"] == len(by_code[code]) > 0
    assert tried["amount"] == pytest.approx(float(sum(f.amount for f in by_code[code])))
    assert sample_ws.count("runs") == runs  # a dry run stores nothing


def test_rules_list_gives_every_rule_with_its_parameters_and_who_set_them(tmp_path, capsys):
    from openpyxl import load_workbook

    code, out = _run(capsys, "rules", "list", "--json")
    listing = json.loads(out)
    split = next(r for r in listing["rules"] if r["code"] == "GZ10000204001000")
    assert {"name": "split_stay_days", "set_by": "national"}.items() <= split["parameters"][
        0
    ].items()
    assert split["condition"]["zh"] and split["basis"]
    assert _run(capsys, "rules", "list", "--xlsx", str(tmp_path / "rules.xlsx"))[0] == 0
    sheet = load_workbook(tmp_path / "rules.xlsx").active
    assert sheet.max_row == len(listing["rules"]) + 1


def test_the_field_reference_in_the_rules_readme_is_the_code_s():
    """rulesets/README.md carries the generated field reference (yibao rules fields --update
    rulesets/README.md); every field of every scope has a meaning."""
    from engine.rules.fields import reference_markdown, with_reference

    readme = (ROOT / "rulesets" / "README.md").read_text(encoding="utf-8")
    assert "| ? |" not in reference_markdown(), "a field has no description in rules/fields.py"
    assert with_reference(readme) == readme, "run: yibao rules fields --update rulesets/README.md"


def test_rules_list_under_a_chinese_locale_says_severity_and_scope_in_words(capsys):
    code, out = _run(capsys, "rules", "list", "--lang", "zh")
    assert code == 0
    assert "GZ10000204001000   分解住院  [可疑, 结算]" in out and "现行规则" in out
    assert "[violation" not in out and "[suspicious" not in out
    code, out = _run(capsys, "rules", "list", "--lang", "en")
    assert "GZ10000204001000   Split stay  [suspicious, claim]" in out


def test_rules_check_of_the_national_files_by_a_relative_path_finds_no_duplicate(
    capsys, monkeypatch
):
    """The files checked are the installed ones: named relative or absolute, the same files."""
    monkeypatch.chdir(ROOT)
    code, out = _run(capsys, "rules", "check", "rulesets/national")
    assert code == 0, out

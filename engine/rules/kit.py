"""The region's rule kit: check rule files, run their examples, list the rules in force.

``check`` finds what an audit would only report at run time (an unknown field or parameter, a
parameter of the wrong type, a duplicate id, an override of nothing). ``run_examples`` puts each
example fact through the audit's own path — the SQL prefilter compiled from the condition, then
durable-rules, then the amount and message — without a workspace.
"""

from __future__ import annotations

import difflib
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from engine.findings import Finding
from engine.money import money_json
from engine.rules import expr, wording
from engine.rules.found import make_finding
from engine.rules.ruleset import SCOPES, Rule, RuleFileError, RuleSet, load_file, rule_files
from engine.rules.runner import ScopeRunner

if TYPE_CHECKING:
    from engine.plugins import PluginSet

EXPECTS = ("finding", "none")
EXAMPLE_KEYS = {"expect", "fact", "amount", "params", "note"}


@cache
def scope_fields() -> dict[str, tuple[str, ...]]:
    """The fields enrichment gives each scope, read from the enrichment SQL itself (an empty
    in-memory workspace), so the list cannot drift from the code."""
    from engine.rules.enrich import Enricher
    from engine.workspace import create_tables

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        create_tables(conn)
        enricher = Enricher(conn, None, "official")
        enricher.prepare()
        return {scope: tuple(enricher.columns(scope)) for scope in SCOPES}
    finally:
        conn.close()


@dataclass
class Problem:
    file: str
    rule: str
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: rule {self.rule}: {self.key}: {self.reason}"


def _suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _load(paths: list[Path]) -> tuple[list[RuleSet], list[Problem]]:
    sets, problems = [], []
    for path in paths:
        if not path.exists():
            problems.append(Problem(str(path), "-", "-", "no such file or folder"))
            continue
        for file in rule_files(path):
            try:
                sets.append(load_file(file, "checked"))
            except RuleFileError as exc:
                problems.append(Problem(exc.file, exc.rule, exc.field, exc.reason))
    return sets, problems


def check(paths: list[Path], plugins: PluginSet) -> list[Problem]:
    """Every problem of the rule files under ``paths``, against the rules and parameters the
    plug-ins in use provide (national + regional)."""
    sets, problems = _load(paths)
    return problems + check_rulesets(sets, plugins)


def check_rulesets(sets: list[RuleSet], plugins: PluginSet) -> list[Problem]:
    """The problems of rule sets already parsed (see ``check``)."""
    from engine.national import RULE_PARAMETERS
    from engine.rules.catalogue import load_rulebook

    problems: list[Problem] = []
    params = plugins.rule_parameters({})
    custom = {
        scope: {f.name for f in plugins.fact_fields() if f.scope == scope} for scope in SCOPES
    }
    fields = scope_fields()
    for name, value in params.items():
        default = RULE_PARAMETERS.get(name)
        if default is not None and not _same_kind(default, value):
            problems.append(
                Problem(
                    "(parameters)",
                    "-",
                    name,
                    f"{value!r} is a {type(value).__name__}; the national default "
                    f"{default!r} is a {type(default).__name__}",
                )
            )
    checked_files = {_same_file(rs.file) for rs in sets}
    installed = {
        r.id: r
        for rs in load_rulebook(plugins).rulesets
        if _same_file(rs.file) not in checked_files
        for r in rs.rules
    }
    seen: dict[str, Rule] = {}
    for ruleset in sets:
        for rule in ruleset.rules:
            known = set(fields[rule.scope]) | custom[rule.scope]
            known |= wording.derived(known)
            for name in sorted(rule.fields() - known):
                problems.append(
                    Problem(
                        rule.file,
                        rule.id,
                        name,
                        f"unknown {rule.scope} field{_suggest(name, known)}",
                    )
                )
            for name in sorted(rule.params() - params.keys()):
                problems.append(
                    Problem(
                        rule.file,
                        rule.id,
                        f"param.{name}",
                        f"unknown parameter{_suggest(name, params)}",
                    )
                )
            problems += _check_examples(rule)
            if rule.id in seen:
                problems.append(
                    Problem(rule.file, rule.id, "id", f"also defined in {seen[rule.id].file}")
                )
            seen[rule.id] = rule
            other = installed.get(rule.id)
            if other is not None and rule.overrides != rule.id:
                problems.append(
                    Problem(
                        rule.file,
                        rule.id,
                        "id",
                        f"{other.file} already defines it; to replace it, add 'overrides: {rule.id}'",
                    )
                )
            if rule.overrides and rule.overrides not in installed and rule.overrides not in seen:
                problems.append(
                    Problem(
                        rule.file,
                        rule.id,
                        "overrides",
                        f"no rule {rule.overrides} to override"
                        f"{_suggest(rule.overrides, installed)}",
                    )
                )
    return problems


def _same_file(file: str) -> str:
    """A rule file's path as one text whether it was named relative or absolute."""
    return file if file.startswith("workspace:") else str(Path(file).resolve())


def _same_kind(default, value) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float) and (
            isinstance(default, float) or isinstance(value, int)
        )
    return isinstance(value, type(default))


def _check_examples(rule: Rule) -> list[Problem]:
    out = []
    for number, example in enumerate(rule.examples, start=1):
        key = f"examples[{number}]"
        if not isinstance(example, dict):
            out.append(Problem(rule.file, rule.id, key, "an example is a mapping"))
            continue
        unknown = set(example) - EXAMPLE_KEYS
        if unknown:
            out.append(Problem(rule.file, rule.id, f"{key}.{sorted(unknown)[0]}", "unknown key"))
        if example.get("expect") not in EXPECTS:
            out.append(Problem(rule.file, rule.id, f"{key}.expect", "finding or none"))
        if not isinstance(example.get("fact"), dict):
            out.append(Problem(rule.file, rule.id, f"{key}.fact", "a mapping of field: value"))
    return out


# --- examples --------------------------------------------------------------------------------
@dataclass
class ExampleResult:
    rule: Rule
    number: int
    example: dict
    findings: list[Finding] = field(default_factory=list)
    failure: str | None = None

    def __str__(self) -> str:
        return (
            f"{self.rule.file}: rule {self.rule.id}: example {self.number} "
            f"(expect {self.example.get('expect')}): {self.failure}"
        )


def _prefiltered(rule: Rule, fact: dict, params: dict) -> bool:
    """Whether the audit's SQL prefilter lets ``fact`` through to durable-rules."""
    columns = sorted(set(fact) | rule.fields())
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE TABLE f (" + ", ".join(f'"{c}"' for c in columns) + ")")
        conn.execute(
            f"INSERT INTO f VALUES ({', '.join('?' * len(columns))})",
            [fact.get(c) for c in columns],
        )
        where = expr.any_sql([rule.condition], params, set(columns), frozenset())
        return conn.execute(f"SELECT count(*) FROM f WHERE {where}").fetchone()[0] == 1
    finally:
        conn.close()


def evaluate(rule: Rule, fact: dict, params: dict) -> list[Finding]:
    """The findings ``rule`` makes on one fact, by the audit's path."""
    fact = {k: v for k, v in fact.items() if v is not None}
    if rule.scope != "institution" and not _prefiltered(rule, fact, params):
        return []
    found: list[Finding] = []
    runner = ScopeRunner(
        rule.scope, [rule], params, lambda r, f: found.append(make_finding("EXAMPLE", r, f, params))
    )
    try:
        runner.post([dict(fact)])
    finally:
        runner.close()
    return found


def run_examples(rules: list[Rule], params: dict) -> list[ExampleResult]:
    results = []
    for rule in rules:
        for number, example in enumerate(rule.examples, start=1):
            result = ExampleResult(rule, number, example)
            results.append(result)
            if not isinstance(example, dict) or not isinstance(example.get("fact"), dict):
                result.failure = "the example has no fact"
                continue
            merged = {**params, **(example.get("params") or {})}
            try:
                result.findings = evaluate(rule, example["fact"], merged)
            except Exception as exc:  # noqa: BLE001 — a broken example is a failure to report
                result.failure = f"evaluation failed: {exc}"
                continue
            result.failure = _compare(example, result.findings)
    return results


def _compare(example: dict, findings: list[Finding]) -> str | None:
    if example.get("expect") == "none":
        return f"got a finding: {findings[0].message}" if findings else None
    if not findings:
        return "got no finding"
    want = example.get("amount")
    if want is not None and findings[0].amount != Decimal(str(want)):
        return f"amount {money_json(findings[0].amount)}, expected {want}"
    return None


def rules_of(paths: list[Path], plugins: PluginSet) -> tuple[list[Rule], list[Problem]]:
    """The rules of ``paths``, or of every rule set in use when none are given."""
    if paths:
        sets, problems = _load(paths)
        return [r for rs in sets for r in rs.rules], problems
    from engine.rules.catalogue import load_rulebook

    rulebook = load_rulebook(plugins)
    return rulebook.rules(), [Problem("-", "-", "-", p) for p in rulebook.problems]

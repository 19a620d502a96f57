"""Rule-set files: loading and validation (the format is documented in rulesets/README.md).

A file that cannot be read, or a rule with a bad field, is reported as
``file: rule: field: reason`` and the file is skipped; the other rule sets still run.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from engine.rules import expr
from engine.rules.template import check_template

SCOPES = ("line", "claim", "institution")
SEVERITIES = ("violation", "suspicious")
SET_KEYS = {"id", "version", "title", "description", "basis", "enabled", "rules"}
RULE_KEYS = {
    "id",
    "code",
    "name",
    "severity",
    "scope",
    "when",
    "amount",
    "message",
    "basis",
    "enabled",
    "overrides",
    "subject",
    "points_effect",
    "doctor_points",
    "examples",
}
# What a confirmed finding of a claim rule does to its DIP case before the point value
# (dip_spec.md §4): ``zero`` takes the points away, ``regroup_conservative`` groups the case
# again as if it had no main procedure.
POINTS_EFFECTS = ("zero", "regroup_conservative")


MAX_FILE_BYTES = 10_000_000
MAX_DEPTH = 32  # nesting of mappings and lists in a rule file


class _Loader(yaml.SafeLoader):
    """YAML without aliases (``*name``: a few lines of them expand to gigabytes, the
    "billion laughs") and nested at most ``MAX_DEPTH`` deep (deeper overflowed the stack)."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not allowed in rule files; write the value out",
                self.peek_event().start_mark,
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class RuleFileError(ValueError):
    def __init__(self, file: str, rule: str, field_: str, reason: str):
        self.file, self.rule, self.field, self.reason = file, rule, field_, reason
        super().__init__(f"{file}: rule {rule}: {field_}: {reason}")


@dataclass
class Rule:
    id: str
    code: str
    name: dict
    severity: str
    scope: str
    when_text: str
    condition: object
    amount: object | None
    message: dict
    basis: str
    ruleset_id: str
    file: str
    overrides: str | None = None
    subject: str | None = None  # field naming an institution finding's subject
    points_effect: str | None = None  # one of POINTS_EFFECTS, claim rules only
    doctor_points: int | None = None  # accountability.md: None = the national default
    examples: list = field(default_factory=list)  # rule examples (facts with `expect`)

    def fields(self) -> set[str]:
        used = expr.fields_of(self.condition) | (
            expr.fields_of(self.amount) if self.amount else set()
        )
        for template in self.message.values():
            for _, name, _, _ in string.Formatter().parse(template):
                if name:
                    used.add(re.split(r"[.\[]", name)[0])
        used.discard("param")
        if self.subject:
            used.add(self.subject)
        return used

    def params(self) -> set[str]:
        return expr.params_of(self.condition) | (
            expr.params_of(self.amount) if self.amount else set()
        )


@dataclass
class RuleSet:
    id: str
    version: str
    title: dict
    file: str
    plugin: str
    rules: list[Rule] = field(default_factory=list)
    basis: str = ""
    enabled: bool = True

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


def _text_pair(value, file: str, rule: str, name: str) -> dict:
    if isinstance(value, str):
        return {"zh": value, "en": value}
    if not isinstance(value, dict) or not {"zh", "en"} <= set(value):
        raise RuleFileError(file, rule, name, "needs both zh and en text")
    for lang in ("zh", "en"):
        if not isinstance(value[lang], str):
            raise RuleFileError(file, rule, name, f"{lang} must be text")
    return {"zh": value["zh"], "en": value["en"]}


def _rule(raw: dict, set_id: str, set_basis: str, file: str) -> Rule:
    short = str(raw.get("id", "?"))
    if not isinstance(raw, dict):
        raise RuleFileError(file, "?", "rules", "each rule must be a mapping")
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise RuleFileError(file, short, sorted(unknown)[0], "unknown key")
    for key in ("id", "code", "severity", "scope", "when", "message"):
        if raw.get(key) in (None, ""):
            raise RuleFileError(file, short, key, "is required")
    rule_id = short if short.startswith(set_id + ".") else f"{set_id}.{short}"
    if raw["severity"] not in SEVERITIES:
        raise RuleFileError(file, short, "severity", f"must be one of {', '.join(SEVERITIES)}")
    if raw["scope"] not in SCOPES:
        raise RuleFileError(file, short, "scope", f"must be one of {', '.join(SCOPES)}")
    try:
        condition = expr.parse_condition(str(raw["when"]))
    except expr.ExprError as exc:
        raise RuleFileError(file, short, "when", str(exc)) from None
    amount = None
    if raw.get("amount") not in (None, ""):
        try:
            amount = expr.parse_value(raw["amount"])
        except expr.ExprError as exc:
            raise RuleFileError(file, short, "amount", str(exc)) from None
    message = _text_pair(raw["message"], file, short, "message")
    for lang, template in message.items():
        try:
            check_template(template)
        except ValueError as exc:
            raise RuleFileError(file, short, f"message.{lang}", str(exc)) from None
    name = _text_pair(raw.get("name", short), file, short, "name")
    points_effect = raw.get("points_effect")
    if points_effect is not None:
        if points_effect not in POINTS_EFFECTS:
            raise RuleFileError(
                file, short, "points_effect", f"must be one of {', '.join(POINTS_EFFECTS)}"
            )
        if raw["scope"] != "claim":
            raise RuleFileError(file, short, "points_effect", "only a claim rule may declare it")
    doctor_points = raw.get("doctor_points")
    if doctor_points is not None and (
        isinstance(doctor_points, bool) or not isinstance(doctor_points, int) or doctor_points < 0
    ):
        raise RuleFileError(file, short, "doctor_points", "must be a whole number ≥ 0")
    examples = raw.get("examples") or []
    if not isinstance(examples, list):
        raise RuleFileError(file, short, "examples", "must be a list")
    return (
        Rule(
            id=rule_id,
            code=str(raw["code"]),
            name=name,
            severity=raw["severity"],
            scope=raw["scope"],
            when_text=" ".join(str(raw["when"]).split()),
            condition=condition,
            amount=amount,
            message=message,
            basis=str(raw.get("basis") or set_basis),
            ruleset_id=set_id,
            file=file,
            overrides=raw.get("overrides"),
            subject=raw.get("subject"),
            points_effect=points_effect,
            doctor_points=doctor_points,
            examples=examples,
        )
        if raw.get("enabled", True)
        else None
    )


def load_file(path: Path, plugin: str, text: str | None = None) -> RuleSet:
    """A rule file; ``text`` instead of the file's own (a rule set kept in a workspace)."""
    file = str(path)
    try:
        if text is None and path.stat().st_size > MAX_FILE_BYTES:
            raise RuleFileError(
                file, "-", "-", f"larger than {MAX_FILE_BYTES // 1_000_000} MB; split it"
            )
        raw = yaml.load(path.read_text(encoding="utf-8") if text is None else text, _Loader)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(file, "-", "-", f"cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f"line {where.line + 1} column {where.column + 1}" if where else "-"
        raise RuleFileError(
            file, "-", at, f"not valid YAML: {getattr(exc, 'problem', exc)}"
        ) from None
    if not isinstance(raw, dict):
        raise RuleFileError(file, "-", "-", "a rule file is a mapping with id, version, rules")
    unknown = set(raw) - SET_KEYS
    if unknown:
        raise RuleFileError(file, "-", sorted(unknown)[0], "unknown key")
    for key in ("id", "version", "title", "rules"):
        if raw.get(key) in (None, ""):
            raise RuleFileError(file, "-", key, "is required")
    if not isinstance(raw["rules"], list):
        raise RuleFileError(file, "-", "rules", "must be a list")
    set_id = str(raw["id"])
    ruleset = RuleSet(
        id=set_id,
        version=str(raw["version"]),
        title=_text_pair(raw["title"], file, "-", "title"),
        file=file,
        plugin=plugin,
        basis=str(raw.get("basis", "")),
        enabled=bool(raw.get("enabled", True)),
    )
    seen: set[str] = set()
    for item in raw["rules"]:
        if not isinstance(item, dict):
            raise RuleFileError(file, "?", "rules", "each rule must be a mapping")
        rule = _rule(item, set_id, ruleset.basis, file)
        if rule is None:
            continue
        if rule.id in seen:
            raise RuleFileError(file, rule.id, "id", "appears twice in this file")
        seen.add(rule.id)
        ruleset.rules.append(rule)
    return ruleset


def rule_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
    return [path]

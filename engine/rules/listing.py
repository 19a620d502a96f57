"""The rules in force, as a bureau publishes them (规则说明), and a dry run of a rule.

``rules_in_force`` lists every rule the plug-ins in use (and a workspace's own settings) put in
force: code, name, severity, scope, the condition in words, the parameters it reads with their
values and who set them, and the policy basis. ``try_rules`` runs rules over a workspace the
way an audit does and stores nothing.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import UserError
from engine.findings import summarise
from engine.money import money_json
from engine.progress import NEVER, CancelToken, Progress, no_progress
from engine.rules import expr
from engine.rules.ruleset import Rule

if TYPE_CHECKING:
    from engine.plugins import PluginSet
    from engine.workspace import Workspace

_WORDS = {
    "zh": {
        "==": "等于",
        "!=": "不等于",
        "<": "小于",
        "<=": "不大于",
        ">": "大于",
        ">=": "不小于",
        "and": "且",
        "or": "或",
        "null": "为空",
        "not null": "不为空",
        "+": "加",
        "-": "减",
        "*": "乘",
        "/": "除以",
        "param": "参数",
    },
    "en": {
        "==": "is",
        "!=": "is not",
        "<": "is below",
        "<=": "is at most",
        ">": "is above",
        ">=": "is at least",
        "and": "and",
        "or": "or",
        "null": "is empty",
        "not null": "is set",
        "+": "plus",
        "-": "minus",
        "*": "times",
        "/": "divided by",
        "param": "parameter",
    },
}


def _coded_kind(name: str) -> str | None:
    from engine.labels import FIELD_KINDS, TABLES

    return FIELD_KINDS.get(name, name if name in TABLES else None)


def _label(name: str, lang: str) -> str:
    from engine.rules.fields import field_label

    return field_label(name, lang)


def _value_words(node, lang: str, params: dict, kind: str | None = None) -> str:
    words = _WORDS[lang]
    if kind is not None and isinstance(node, expr.Const):
        from engine.labels import label

        return label(kind, node.value, lang)
    if isinstance(node, expr.Field):
        return _label(node.name, lang)
    if isinstance(node, expr.Param):
        value = params.get(node.name, "?")
        return (
            f"{words['param']} {node.name}（{value}）"
            if lang == "zh"
            else (f"{words['param']} {node.name} ({value})")
        )
    if isinstance(node, expr.Const):
        return repr(node.value) if isinstance(node.value, str) else str(node.value)
    return (
        f"{_value_words(node.left, lang, params)} {words[node.op]} "
        f"{_value_words(node.right, lang, params)}"
    )


def in_words(cond, lang: str = "zh", params: dict | None = None) -> str:
    """A condition read aloud: field names become their labels, operators words."""
    params = params or {}
    words = _WORDS[lang]
    if isinstance(cond, expr.BoolOp):
        inner = f" {words[cond.op]} ".join(
            f"（{in_words(i, lang, params)}）"
            if isinstance(i, expr.BoolOp)
            else in_words(i, lang, params)
            for i in cond.items
        )
        return inner
    if isinstance(cond, expr.IsNull):
        return f"{_label(cond.field.name, lang)}{'' if lang == 'zh' else ' '}" + (
            words["not null"] if cond.negated else words["null"]
        )
    sep = "" if lang == "zh" else " "
    return (
        f"{_label(cond.left.name, lang)}{sep}{words[cond.op]}{sep}"
        f"{_value_words(cond.right, lang, params, _coded_kind(cond.left.name))}"
    )


def rules_in_force(plugins: PluginSet, ws: Workspace | None = None) -> dict:
    """The catalogue of rules in force, with parameters and who set each one."""
    from engine.national import RULE_PARAMETERS
    from engine.parameters import workspace_values
    from engine.rules.catalogue import DISABLED_SETTING, load_rulebook

    rulebook = load_rulebook(plugins, ws)
    sources: dict[str, str] = {}
    params = plugins.rule_parameters({}, sources)
    disabled = set()
    if ws is not None:
        own = workspace_values(ws, plugins)
        params.update(own)
        sources.update(dict.fromkeys(own, "workspace"))
        disabled = set(ws.get_setting(DISABLED_SETTING, []))
    rules = []
    for ruleset in rulebook.rulesets:
        for rule in ruleset.rules:
            rules.append(
                {
                    "rule_id": rule.id,
                    "code": rule.code,
                    "name": rule.name,
                    "severity": rule.severity,
                    "scope": rule.scope,
                    "ruleset": ruleset.ref,
                    "plugin": ruleset.plugin,
                    "enabled": ruleset.enabled and ruleset.id not in disabled,
                    "when": rule.when_text,
                    "condition": {
                        lang: in_words(rule.condition, lang, params) for lang in ("zh", "en")
                    },
                    "parameters": [
                        {
                            "name": n,
                            "value": params.get(n),
                            "set_by": sources.get(n, "national"),
                            "national_default": RULE_PARAMETERS.get(n),
                        }
                        for n in sorted(rule.params())
                    ],
                    "points_effect": rule.points_effect,
                    "basis": rule.basis,
                }
            )
    rules.sort(key=lambda r: (r["code"], r["rule_id"]))
    return {"rules": rules, "problems": rulebook.problems}


def markdown(listing: dict) -> str:
    """The listing as a Markdown document (规则说明), Chinese first."""
    from engine.labels import label

    out = ["# 审核规则说明 / Rules in force", ""]
    for r in listing["rules"]:
        out.append(f"## {r['code']} {r['name']['zh']} / {r['name']['en']}")
        out.append("")
        out.append(
            f"- 性质 / severity: {label('severity', r['severity'])}；范围 / scope: {r['scope']}"
            f"；规则集 / rule set: {r['ruleset']}（{r['plugin']}）"
            + ("" if r["enabled"] else "；**未启用 / disabled**")
        )
        out.append(f"- 条件 / condition: {r['condition']['zh']}")
        out.append(f"  ({r['condition']['en']})")
        for p in r["parameters"]:
            out.append(f"- 参数 / parameter `{p['name']}` = {p['value']}（{p['set_by']}）")
        if r["points_effect"]:
            out.append(f"- DIP 分值影响 / points effect: {r['points_effect']}")
        out.append(f"- 政策依据 / basis: {r['basis']}")
        out.append("")
    return "\n".join(out)


def xlsx_rows(listing: dict) -> list[list]:
    header = [
        "编码 code",
        "名称",
        "name",
        "性质 severity",
        "范围 scope",
        "规则集 rule set",
        "启用 enabled",
        "条件",
        "condition",
        "参数 parameters",
        "政策依据 basis",
    ]
    rows = [header]
    for r in listing["rules"]:
        rows.append(
            [
                r["code"],
                r["name"]["zh"],
                r["name"]["en"],
                r["severity"],
                r["scope"],
                r["ruleset"],
                "是" if r["enabled"] else "否",
                r["condition"]["zh"],
                r["condition"]["en"],
                "; ".join(f"{p['name']}={p['value']} ({p['set_by']})" for p in r["parameters"]),
                r["basis"],
            ]
        )
    return rows


def rules_for(target: str, plugins: PluginSet) -> list[Rule]:
    """The rules a dry run tries: those of a rule file, or the catalogue's rule with this id
    or code."""
    from engine.rules.catalogue import load_rulebook
    from engine.rules.kit import rules_of

    path = Path(target)
    if path.suffix in (".yaml", ".yml") or path.is_dir():
        rules, problems = rules_of([path], plugins)
        if problems:
            raise UserError("; ".join(str(p) for p in problems))
        return rules
    rules = [r for r in load_rulebook(plugins).rules() if target in (r.id, r.code)]
    if not rules:
        raise UserError(f"no rule file or rule with id or code {target!r} (see: yibao rules list)")
    return rules


def try_rules(
    ws: Workspace,
    rules: list[Rule],
    *,
    plugins: PluginSet | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER,
    sample: int = 20,
) -> dict:
    """How many findings ``rules`` make on the workspace, the money at stake by institution,
    and the first ``sample`` of them — an audit that stores nothing."""
    from engine.rules.audit import run_audit

    result = run_audit(
        ws, plugins=plugins, progress=progress, cancel=cancel, only=rules, store=False
    )
    by_inst = summarise(result.findings, lambda f: f.institution_code or "-")
    return {
        "rules": [r.id for r in rules],
        "findings": len(result.findings),
        "amount": float(sum((s.amount for s in by_inst), Decimal(0))),
        "by_institution": [
            {"institution_code": s.key, "findings": s.findings, "amount": float(s.amount)}
            for s in by_inst
        ],
        "sample": [
            {
                "claim_id": f.claim_id,
                "line_no": f.line_no,
                "institution_code": f.institution_code,
                "code": f.code,
                "amount": money_json(f.amount),
                "message": f.message,
                "message_en": f.message_en,
            }
            for f in result.findings[:sample]
        ],
        "problems": result.problems,
    }

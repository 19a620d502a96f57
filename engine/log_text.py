"""The workspace log, entry by entry, as a sentence a reviewer reads (not its JSON)."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

from engine.labels import label, labels
from engine.money import points_text, yuan_text

Fields = Callable[[dict, str], dict]


def _review(d: dict, lang: str) -> dict:
    findings = d.get("findings") or []
    total = sum(Decimal(str(f["deduction"])) for f in findings if f.get("deduction") is not None)
    sep = ", " if lang == "en" else "，"
    extra = ""
    if total:
        extra += sep + ("deduction {0} yuan" if lang == "en" else "扣款 {0} 元").format(
            yuan_text(total)
        )
    if d.get("comment"):
        extra += (": " if lang == "en" else "：") + str(d["comment"])
    return {
        "reviewer": d.get("reviewer") or "-",
        "n": len(findings),
        "decision": label("decision", d.get("decision"), lang),
        "extra": extra,
    }


def _settle(d: dict, lang: str) -> dict:
    value = d.get("point_value")  # none when the funds settle apart, each its own (r2)
    if value is None:
        point_value = ""
    else:
        point_value = f"point value {value}, " if lang == "en" else f"点值 {value}，"
    return {
        "year": d.get("year", ""),
        "catalogue": label("catalogue_source", d.get("catalogue"), lang),
        "point_value": point_value,
        "points": points_text(d.get("total_points")),
        "run": d.get("run_id", ""),
    }


#: action → (fields from the detail, Chinese sentence, English sentence)
SENTENCES: dict[str, tuple[Fields, str, str]] = {
    "import": (
        lambda d, lang: {
            "package": d.get("package", ""),
            "claims": d.get("claims", 0),
            "lines": d.get("lines", 0),
            "how": ("，替换已有结算" if lang != "en" else ", replacing claims")
            if d.get("replace")
            else "",
        },
        "导入数据包 {package}：结算 {claims:,} 条，明细 {lines:,} 条{how}",
        "Imported {package}: {claims:,} claims, {lines:,} lines{how}",
    ),
    "audit": (
        lambda d, lang: {
            "run": d.get("run_id", ""),
            "sets": "、".join(d.get("rulesets") or [])
            if lang != "en"
            else ", ".join(d.get("rulesets") or []),
            "findings": d.get("findings", 0),
        },
        "运行审核（批次 {run}，规则集 {sets}）：疑点 {findings:,} 个",
        "Audit {run} with {sets}: {findings:,} findings",
    ),
    "review": (
        _review,
        "{reviewer} 对 {n} 个疑点作出结论：{decision}{extra}",
        "{reviewer} decided {n} finding(s): {decision}{extra}",
    ),
    "settle": (
        _settle,
        "DIP 结算 {year} 年度（{catalogue}）：{point_value}总分值 {points}",
        "DIP settlement {year} ({catalogue}): {point_value}{points} points",
    ),
    "special_case": (
        lambda d, lang: {
            "reviewer": d.get("reviewer") or "-",
            "claim": d.get("claim_id", ""),
            "what": ("approved" if lang == "en" else "批准")
            if d.get("decision") == "approve"
            else ("revoked" if lang == "en" else "撤销"),
            "why": f"：{d['comment']}"
            if d.get("comment") and lang != "en"
            else (f": {d['comment']}" if d.get("comment") else ""),
        },
        "{reviewer} {what}结算 {claim} 的特例单议{why}",
        "{reviewer} {what} claim {claim} as a special case{why}",
    ),
    "appraisal_apply": (
        lambda d, lang: {
            "year": d.get("year", ""),
            "to": d.get("applied_to", ""),
            "n": len(d.get("coefficients") or {}),
        },
        "按 {year} 年度考核结果写入 {to} 年度考核系数（{n} 家机构）",
        "Appraisal {year} applied to {to}: coefficients of {n} institutions",
    ),
    "local_ruleset": (
        lambda d, lang: {"name": d.get("name", ""), "n": len(d.get("rules") or [])},
        "保存本工作区规则集 {name}（{n} 条规则）",
        "Saved the workspace's rule set {name} ({n} rules)",
    ),
    "local_ruleset_removed": (
        lambda d, lang: {"name": d.get("name", "")},
        "删除本工作区规则集 {name}",
        "Removed the workspace's rule set {name}",
    ),
    "dip-build-catalogue": (
        lambda d, lang: {
            "year": d.get("year", ""),
            "groups": d.get("groups", 0),
            "cases": d.get("cases", 0),
        },
        "由历史数据生成 {year} 年度 DIP 目录：病种组 {groups:,} 个，病例 {cases:,} 例",
        "DIP catalogue {year} built from history: {groups:,} groups, {cases:,} cases",
    ),
}


def sentence(action: str, detail: dict | str | None, lang: str = "zh") -> str:
    """One log entry as a sentence; an action without a sentence of its own is named in words
    and its details listed (coded values as words where they have them)."""
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError:
            detail = {"detail": detail}
    detail = detail if isinstance(detail, dict) else {}
    known = SENTENCES.get(action)
    if known is not None:
        fields, zh, en = known
        try:
            return (en if lang == "en" else zh).format(**fields(detail, lang))
        except (KeyError, TypeError, ValueError, ArithmeticError):
            pass  # a detail of another shape: listed below
    sep = ", " if lang == "en" else "，"
    parts = []
    for key, value in detail.items():
        if isinstance(value, (list, tuple)):
            value = labels(key, [str(v) for v in value], lang)
        elif isinstance(value, dict):
            value = json.dumps(value, ensure_ascii=False)
        else:
            value = label(key, value, lang)
        parts.append(f"{key}={value}")
    head = label("log_action", action, lang)
    return head + ((": " if lang == "en" else "：") + sep.join(parts) if parts else "")

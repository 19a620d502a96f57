"""Chinese labels shared by the xlsx and PDF reports (the documents are Chinese first)."""

from __future__ import annotations

DECISIONS = {"confirm": "确认违规", "dismiss": "不予认定", "info": "待补充材料", None: "未审核"}
SEVERITIES = {"violation": "违规", "suspicious": "可疑"}
CASE_TYPES = {
    "normal": "正常病例",
    "low": "低倍率病例",
    "high": "高倍率病例",
    "special": "特殊病例",
    "ungrouped": "未入组",
    "excluded": "除外病例",
}
PAYMENT_METHODS = {
    "dip": "按病种分值",
    "bed_day": "按床日",
    "by_disease": "按病种",
    "fee_for_service": "按项目",
}


def decision(value: str | None) -> str:
    return DECISIONS.get(value, value or "")


def severity(value: str) -> str:
    return SEVERITIES.get(value, value)

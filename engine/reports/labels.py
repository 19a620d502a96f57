"""Chinese labels for the xlsx and PDF reports, read from the one table in ``engine.labels``."""

from __future__ import annotations

from engine.labels import TABLES, label

DECISIONS = {k: v[0] for k, v in TABLES["decision"].items()} | {None: "未审核"}
SEVERITIES = {k: v[0] for k, v in TABLES["severity"].items()}
CASE_TYPES = {k: v[0] for k, v in TABLES["case_type"].items()}
PAYMENT_METHODS = {k: v[0] for k, v in TABLES["payment_method"].items()}


def decision(value: str | None) -> str:
    return DECISIONS.get(value, value or "")


def severity(value: str) -> str:
    return label("severity", value)

"""The analytics parameters (analytics.md §4–5): national defaults ← a regional plug-in's rule
parameters of the same names ← the workspace setting ``analytics``.

Also the one definition of the day a claim counts on (``CLAIM_DAY``), shared by the appraisal
and the fund monitor: its settlement date, else its discharge, else its admission date.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from engine.errors import UserError

SETTING = "analytics"

DEFAULTS: dict[str, Any] = {
    "appraisal_weights": {
        "compliance": 40,
        "cost_control": 30,
        "length_of_stay": 10,
        "data_quality": 20,
    },
    "compliance_scale": 10,
    # [lowest score, coefficient], best first; the last band takes every score below
    "appraisal_bands": [[90, 1.0], [80, 0.99], [70, 0.98], [60, 0.97], [0, 0.95]],
    "data_quality_codes": ["GZ10000201001000", "GZ10000201002000", "GZ10000201003000"],
    "expenditure_growth_warn": 0.10,
    "point_value_warn_ratio": 0.9,
}

CLAIM_DAY = "coalesce(settle_date, discharge_date, admission_date)"


def analytics_params(ws, plugins=None) -> dict[str, Any]:
    """The merged parameters, checked."""
    merged = dict(DEFAULTS)
    if plugins is not None:
        regional = plugins.rule_parameters({})
        merged.update({k: v for k, v in regional.items() if k in DEFAULTS})
    own = ws.get_setting(SETTING, {}) or {}
    if not isinstance(own, dict):
        raise UserError(f"the workspace setting {SETTING!r} must be an object")
    unknown = sorted(set(own) - set(DEFAULTS))
    if unknown:
        raise UserError(f"unknown analytics parameter(s): {', '.join(unknown)}")
    merged.update(own)
    return check(merged)


def check(params: dict[str, Any]) -> dict[str, Any]:
    weights = params["appraisal_weights"]
    if not isinstance(weights, dict) or set(weights) != set(DEFAULTS["appraisal_weights"]):
        raise UserError(
            "appraisal_weights must give a weight to each of "
            + ", ".join(DEFAULTS["appraisal_weights"])
        )
    if not all(_number(w) and w >= 0 for w in weights.values()) or not sum(weights.values()):
        raise UserError("appraisal_weights must be numbers ≥ 0, not all 0")
    bands = params["appraisal_bands"]
    if (
        not isinstance(bands, list)
        or not bands
        or not all(
            isinstance(b, list | tuple) and len(b) == 2 and all(map(_number, b)) for b in bands
        )
    ):
        raise UserError("appraisal_bands must be a list of [lowest score, coefficient]")
    for key in ("compliance_scale", "expenditure_growth_warn", "point_value_warn_ratio"):
        if not _number(params[key]):
            raise UserError(f"analytics parameter {key} must be a number")
    return params


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def claim_years(conn: sqlite3.Connection) -> list[int]:
    """The years that have claims (by ``CLAIM_DAY``), latest first."""
    return [
        int(y)
        for (y,) in conn.execute(
            f"SELECT DISTINCT substr({CLAIM_DAY}, 1, 4) FROM claims ORDER BY 1 DESC"
        )
        if y and y.isdigit()
    ]

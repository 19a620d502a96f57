"""A region's DIP parameters: the national defaults of dip_spec.md, checked and merged."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from engine.errors import UserError

if TYPE_CHECKING:
    from engine.plugins import PluginSet
    from engine.workspace import Workspace

DEFAULTS: dict[str, Any] = {
    "multiplier": 1000,
    "year_weights": [1, 2, 7],
    "core_case_threshold": 15,
    "level_coefficients": {"1": 1.0, "2": 1.0, "3": 1.0},
    "low_ratio": 0.5,
    "high_ratio": 2.0,
    "special_review_ratio": 5.0,
    "bed_day_min_los": 60,
    "fund_budget": None,
    "fund_payment_ratio": None,
    "appraisal_coefficients": {},
    "surplus_retention_share": 1.0,
    "overspend_share": 0.0,
    "budget_point_value": None,
    "advance_ratio": 0.9,
    "basic_coefficient": 1.0,
    "special_case_cap": 0.005,
    "bed_day_rates": {},
    "by_disease_rates": {},
    "capitation_rates": {},
}
FUNDS = ("employee", "resident")
REQUIRED = ("region_code", "year")
NUMBER_KEYS = {
    "multiplier",
    "low_ratio",
    "high_ratio",
    "special_review_ratio",
    "bed_day_min_los",
    "fund_payment_ratio",
    "surplus_retention_share",
    "overspend_share",
    "budget_point_value",
    "advance_ratio",
    "core_case_threshold",
    "basic_coefficient",
    "special_case_cap",
}
CODE_MAPS = (
    "level_coefficients",
    "appraisal_coefficients",
    "bed_day_rates",
    "by_disease_rates",
    "capitation_rates",
)
KNOWN = set(DEFAULTS) | set(REQUIRED)


def check(params: dict[str, Any]) -> dict[str, Any]:
    """Reject unknown keys and wrong types; return the parameters with defaults filled in."""
    if not isinstance(params, dict):
        raise UserError("DIP parameters must be a JSON object")
    unknown = sorted(set(params) - KNOWN)
    if unknown:
        raise UserError(f"unknown DIP parameter(s): {', '.join(unknown)}")
    for key in REQUIRED:
        if params.get(key) in (None, ""):
            raise UserError(f"DIP parameter {key} is required")
    for key in NUMBER_KEYS:
        value = params.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise UserError(f"DIP parameter {key} must be a number, not {value!r}")
    for key in CODE_MAPS:
        if not _numbers(params.get(key, {})):
            raise UserError(f"DIP parameter {key} must map codes to numbers")
    budget = params.get("fund_budget")
    if not (budget is None or _number(budget) or (_numbers(budget) and budget)):
        raise UserError(
            "DIP parameter fund_budget must be a number, or an object of numbers by fund"
            f" ({', '.join(FUNDS)})"
        )
    if isinstance(budget, dict) and set(budget) - set(FUNDS):
        raise UserError(
            f"DIP parameter fund_budget: unknown fund(s) {', '.join(sorted(set(budget) - set(FUNDS)))};"
            f" the funds are {', '.join(FUNDS)}"
        )
    weights = params.get("year_weights", DEFAULTS["year_weights"])
    if (
        not isinstance(weights, list)
        or not weights
        or not all(isinstance(w, int | float) and w >= 0 for w in weights)
    ):
        raise UserError("DIP parameter year_weights must be a list of numbers, oldest first")
    if not isinstance(params["year"], int):
        raise UserError("DIP parameter year must be a whole number")
    merged = {**DEFAULTS, **params}
    merged["region_code"] = str(merged["region_code"])
    return merged


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _numbers(value: Any) -> bool:
    return isinstance(value, dict) and all(_number(v) for v in value.values())


def validate_params_json(text: str) -> dict[str, Any]:
    """Parse and check a dip_params.json; keep the file's own keys (defaults apply at use)."""
    try:
        params = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    check(params)
    return params


def latest_year_with_cases(ws: Workspace, years) -> int:
    """The latest of ``years`` in which some claim was discharged, else the latest."""
    for year in sorted(years, reverse=True):
        if ws.conn.execute(
            "SELECT 1 FROM claims WHERE discharge_date >= ? AND discharge_date < ? LIMIT 1",
            (f"{year}-01-01", f"{year + 1}-01-01"),
        ).fetchone():
            return year
    return max(years)


CATALOGUE_SETTING = "dip_catalogue"
CATALOGUES = ("official", "built")


def _known(source: str) -> str:
    if source not in CATALOGUES:
        raise UserError("the DIP catalogue is 'official' or 'built'")
    return source


def use_catalogue(ws: Workspace, source: str) -> None:
    """Make ``source`` (official or built) the DIP catalogue that settles from now on."""
    with ws.transaction():
        ws.set_setting(CATALOGUE_SETTING, _known(source))


def catalogue_source(ws: Workspace, requested: str | None = None) -> str:
    """The DIP catalogue that settles: the user's choice, else official, else built."""
    choice = requested or ws.get_setting(CATALOGUE_SETTING)
    if choice:
        return _known(choice)
    has = {r[0] for r in ws.conn.execute("SELECT DISTINCT source FROM dip_groups")}
    return "official" if "official" in has or not has else "built"


def resolve_params(
    ws: Workspace, year: int | None = None, *, plugins: PluginSet | None = None
) -> dict[str, Any]:
    """National defaults ← the workspace's dip_params.json of the year ← regional plug-ins
    (``plugins``: default the installed ones).

    A year is settled with its own parameters only: without a dip_params.json of that year
    (and no plug-in giving its budget) this refuses, naming the years there are, rather than
    borrow another year's budget. No year: the latest the workspace has that has discharges
    (``appraise --apply-to`` writes next year's parameters before next year's claims)."""
    stored = dict(ws.conn.execute("SELECT year, params FROM dip_params"))
    if year is None and stored:
        year = latest_year_with_cases(ws, stored)
    base = ws.stored_json(stored[year], f"DIP parameters of {year}") if year in stored else {}
    if year is not None:
        base["year"] = year
    from engine.plugins import or_installed  # not at import: the importer reads this module

    merged = or_installed(plugins).dip_parameters({**DEFAULTS, **base})
    if merged.get("year") is None:
        raise UserError("no settlement year: pass --year or import a dip_params.json")
    if year not in stored and merged.get("fund_budget") is None:
        have = ", ".join(str(y) for y in sorted(stored)) or "none"
        raise UserError(
            f"no DIP parameters for {merged['year']} (years with parameters: {have}); import"
            f" the dip_params.json of {merged['year']} — another year's budget is never used"
        )
    merged.setdefault("region_code", "")
    merged["region_code"] = merged.get("region_code") or ""
    unknown = set(merged) - KNOWN
    if unknown:
        raise UserError(f"unknown DIP parameter(s) from a plug-in: {', '.join(sorted(unknown))}")
    return merged

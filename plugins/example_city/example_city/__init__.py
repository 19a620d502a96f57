"""汕头市 (Shantou, pooling region 440500): the example regional plug-in, the template a region copies.

What it changes, and why, is in this plug-in's README. Each hook below is one kind of local
difference; all of them go through ``engine.hookspecs``, nothing in the product knows the city.
"""

from __future__ import annotations

import csv
from pathlib import Path

from engine.hookspecs import hookimpl

from . import adapter, fields

PLUGIN_NAME = "example_city"
PLUGIN_API = 1
__version__ = "1.0.0"

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

RULE_PARAMETERS = {
    # Readmission to the same institution within 30 days of discharge is reviewed as a
    # possible split stay (national default: 15 days).
    "split_stay_days": 30,
}

DIP_PARAMETERS = {
    "region_code": "440500",
    # The city pays level-1 and level-2 hospitals slightly less per point than the sample's
    # national-style defaults.
    "level_coefficients": {"1": 0.8, "2": 0.9, "3": 1.0},
}


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# 中医优势病种: the city's TCM-advantage groups and the bonus a TCM hospital earns on them.
TCM_GROUPS = {row["group_code"]: float(row["factor"]) for row in _rows("tcm_groups.csv")}


@hookimpl
def yibao_rulesets(register):
    register(HERE / "rules")


@hookimpl
def yibao_reference_data(register):
    register("catalogue", _rows("catalogue.csv"))
    register("code_limits", _rows("code_limits.csv"))
    register("dip_groups", _rows("dip_groups.csv"))


@hookimpl
def yibao_rule_parameters(params):
    return RULE_PARAMETERS


@hookimpl
def yibao_dip_parameters(params):
    return DIP_PARAMETERS


@hookimpl
def yibao_case_factor(case):
    """A case of a TCM hospital (kind ``tcm``) in a TCM-advantage group earns its bonus."""
    if case["kind"] == "tcm":
        return TCM_GROUPS.get(case["group_code"])
    return None


@hookimpl
def yibao_fact_fields(register):
    register(
        "line",
        "two_disease_gap",
        fields.two_disease_gap,
        "高血压/糖尿病用药而本次门诊无相应诊断时为该病种名称，否则为空",
    )


@hookimpl
def yibao_import_adapters(register):
    register("汕头市医保结算导出 (jsxx.csv + fymx.csv, GBK)", adapter.detect, adapter.convert)


@hookimpl
def yibao_report_sections(register):
    register("汕头两病用药", two_disease_lines)


def two_disease_lines(ws) -> list[list]:
    """Outpatient two-disease drug lines and amounts by institution (a report sheet)."""
    atc = " OR ".join(
        f"k.atc_code LIKE '{prefix}%'"
        for prefixes, _ in fields.TWO_DISEASES.values()
        for prefix in prefixes
    )
    rows = ws.conn.execute(
        f"""SELECT c.institution_code, count(*), sum(l.amount) / 1e4
            FROM lines l JOIN claims c ON c.claim_id = l.claim_id
            JOIN catalogue k ON k.item_code = l.item_code
            WHERE c.visit_type IN ('outpatient', 'chronic_outpatient') AND ({atc})
            GROUP BY c.institution_code ORDER BY c.institution_code"""
    ).fetchall()
    return [["机构编码", "两病用药明细数", "金额"], *[list(r) for r in rows]]

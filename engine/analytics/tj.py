"""Peer comparison inside DIP groups (analytics.md §2, codes TJ01–TJ04).

Enrichment gives, once per run and per part of the workspace, one row per DIP case
(``case_rows``, over the part's ``x_dip`` and ``x_claim_agg``); ``compare_groups`` then
compares, group by group, the subjects with enough cases against each other with the one
robust peer test (``engine.analytics.peer``). Each comparison becomes an institution fact
(``facts``) that the rules of ``rulesets/national/statistics.yaml`` judge, and a stored peer
score (``engine.analytics.scores``) that the ranking reads.

| code | subject | value |
|---|---|---|
| TJ01 | doctor | mean cost / group avg_cost |
| TJ02 | doctor | mean LOS / group avg_los (groups with one) |
| TJ03 | doctor | mean drug amount / cost |
| TJ04 | institution, among those of its level | mean cost / group avg_cost |

The department comparisons (kind ``department``, TJ01–TJ03 with the department as the
subject) feed only the ranking by department.
"""

from __future__ import annotations

import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from math import fsum

from engine.analytics.peer import PeerResult, compare

DEFAULTS = {"peer_k": 3.0, "peer_min": 5, "group_min_cases": 20, "subject_min_cases": 5}

# One row per DIP case of the part: group, doctor, department, institution, level, cost and
# fund paid (units of 1/10000), LOS, the group's avg_los and avg_cost (yuan), drug amount
# (units). Needs the enrichment's x_dip, x_claims and x_claim_agg.
CASES_SQL = """
SELECT d.group_code, c.doctor_id, c.dept_code, c.institution_code, i.level,
       c.total_amount, coalesce(c.fund_paid, 0),
       max(1, CAST(julianday(c.discharge_date) - julianday(c.admission_date) AS INTEGER)),
       d.avg_los, g.avg_cost / 1e4, coalesce(a.drug, 0)
FROM x_dip d
JOIN x_claims c ON c.claim_id = d.claim_id
JOIN dip_groups g ON g.source = :source AND g.group_code = d.group_code
LEFT JOIN x_claim_agg a ON a.claim_id = d.claim_id
LEFT JOIN institutions i ON i.institution_code = c.institution_code
WHERE d.payment_method = 'dip' AND d.group_code IS NOT NULL
"""


@dataclass(frozen=True)
class Case:
    group: str
    doctor: str | None
    dept: str | None
    institution: str
    level: int | None
    cost: float  # yuan
    paid: float
    los: int
    avg_los: float | None
    avg_cost: float | None
    drug: float

    @classmethod
    def of(cls, row: tuple) -> Case:
        group, doctor, dept, inst, level, cost, paid, los, avg_los, avg_cost, drug = row
        return cls(
            group, doctor, dept, inst, level, cost / 1e4, paid / 1e4, los, avg_los, avg_cost,
            drug / 1e4,
        )  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    """One subject × group × code against its peers."""

    code: str
    kind: str  # doctor, department or institution
    subject: str
    institution_code: str
    group_code: str
    result: PeerResult
    cases: int
    amount: float  # yuan: Σ max(0, cost − m_cost) × fund share over the subject's cases
    m_cost: float

    @property
    def outlier(self) -> bool:
        return self.result.outlier


def case_rows(conn: sqlite3.Connection, source: str) -> list[tuple]:
    """The part's DIP cases (``CASES_SQL``); [] before DIP grouping ran."""
    return conn.execute(CASES_SQL, {"source": source}).fetchall()


def params_of(params: dict) -> dict:
    return {k: params.get(k, v) for k, v in DEFAULTS.items()}


def compare_groups(rows: Iterable[tuple], params: dict) -> list[Comparison]:
    """Every comparison of every group with at least ``group_min_cases`` cases."""
    p = params_of(params)
    groups: dict[str, list[Case]] = defaultdict(list)
    for row in rows:
        case = Case.of(row)
        groups[case.group].append(case)
    out: list[Comparison] = []
    for group in sorted(groups):
        cases = groups[group]
        if len(cases) < p["group_min_cases"]:
            continue
        for kind, key in (("doctor", _doctor), ("department", _dept)):
            subjects = _subjects(cases, key, p["subject_min_cases"])
            out.extend(_compare(group, kind, "TJ01", subjects, _cost_ratio, p))
            if cases[0].avg_los:
                out.extend(_compare(group, kind, "TJ02", subjects, _los_ratio, p))
            out.extend(_compare(group, kind, "TJ03", subjects, _drug_share, p))
        by_level: dict = defaultdict(list)
        for case in cases:
            by_level[case.level].append(case)
        for level in sorted(by_level, key=str):
            subjects = _subjects(by_level[level], _inst, p["subject_min_cases"])
            out.extend(_compare(group, "institution", "TJ04", subjects, _cost_ratio, p))
    return out


def _doctor(case: Case) -> str | None:
    return case.doctor


def _dept(case: Case) -> str | None:
    return case.dept


def _inst(case: Case) -> str | None:
    return case.institution


def _subjects(cases: list[Case], key, minimum: int) -> dict[str, list[Case]]:
    by: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        subject = key(case)
        if subject:
            by[subject].append(case)
    return {s: c for s, c in sorted(by.items()) if len(c) >= minimum}


def _mean(values: list[float]) -> float:
    return fsum(values) / len(values)


def _cost_ratio(cases: list[Case]) -> float:
    return _mean([c.cost / c.avg_cost if c.avg_cost else 0.0 for c in cases])


def _los_ratio(cases: list[Case]) -> float:
    return _mean([float(c.los) for c in cases]) / cases[0].avg_los


def _drug_share(cases: list[Case]) -> float:
    return _mean([c.drug / c.cost if c.cost else 0.0 for c in cases])


def _compare(group, kind, code, subjects: dict[str, list[Case]], value, p) -> list[Comparison]:
    results = compare({s: value(c) for s, c in subjects.items()}, p["peer_k"], p["peer_min"])
    if not results:
        return []
    m_cost = statistics.median(_mean([c.cost for c in cases]) for cases in subjects.values())
    out = []
    for subject, result in results.items():
        cases = subjects[subject]
        amount = fsum(max(0.0, c.cost - m_cost) * c.paid / c.cost for c in cases if c.cost)
        home = Counter(c.institution for c in cases).most_common()
        institution = min(i for i, n in home if n == home[0][1])
        out.append(
            Comparison(code, kind, subject, institution, group, result, len(cases), amount, m_cost)
        )
    return out


def facts(comparisons: list[Comparison], info: dict[str, dict]) -> list[dict]:
    """One institution fact per doctor and institution comparison (the rules judge them)."""
    out = []
    for c in comparisons:
        if c.kind == "department":
            continue
        i = info.get(c.institution_code, {})
        fact = {
            "institution_code": c.institution_code,
            "institution_name": i.get("name"),
            "institution_level": i.get("level"),
            "level": i.get("level"),
            "tj_code": c.code,
            "tj_kind": c.kind,
            "tj_subject": c.subject if c.kind == "doctor" else c.group_code,
            "peer_group": c.group_code,
            "tj_value": c.result.value,
            "tj_median": c.result.stats.median,
            "tj_threshold": c.result.stats.threshold,
            "tj_cases": c.cases,
            "tj_peers": c.result.stats.peers,
            "tj_amount": c.amount,
            "tj_median_cost": c.m_cost,
        }
        if c.result.score is not None:
            fact["tj_score"] = c.result.score
        out.append({k: v for k, v in fact.items() if v is not None})
    return out


FIELDS = (
    "tj_code",
    "tj_kind",
    "tj_subject",
    "peer_group",
    "tj_value",
    "tj_median",
    "tj_threshold",
    "tj_score",
    "tj_cases",
    "tj_peers",
    "tj_amount",
    "tj_median_cost",
)


def enrich(
    conn: sqlite3.Connection, parts: list[dict[str, list[tuple]]], params: dict
) -> tuple[list[dict], list[Comparison]]:
    """The TJ facts and comparisons of a run, from every part's ``tj_cases``."""
    comparisons = compare_groups(
        (row for part in parts for row in part.get("tj_cases", ())), params
    )
    info = {
        code: {"level": level, "name": name}
        for code, level, name in conn.execute(
            "SELECT institution_code, level, name FROM institutions"
        )
    }
    return facts(comparisons, info), comparisons

"""The peer comparisons of an audit run, stored beside its findings (table ``peer_scores``).

The audit stores every comparison it judged (TJ and the institution indicators), outliers or
not; the ranking reads them back, so a ranking always agrees with the findings of its run.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from engine.money import decimal_to_units, round_money
from engine.workspace import create_tables


@dataclass(frozen=True)
class Score:
    code: str
    kind: str
    subject: str
    institution_code: str | None
    group_code: str | None
    value: float
    median: float
    threshold: float
    score: float | None
    cases: int | None
    peers: int
    amount: int | None = None  # units


COLUMNS = (
    "code kind subject institution_code group_code value median threshold score cases peers amount"
).split()


def from_comparisons(comparisons) -> list[Score]:
    """Scores of ``engine.analytics.tj`` comparisons."""
    return [
        Score(
            c.code,
            c.kind,
            c.subject,
            c.institution_code,
            c.group_code,
            c.result.value,
            c.result.stats.median,
            c.result.stats.threshold,
            c.result.score,
            c.cases,
            c.result.stats.peers,
            decimal_to_units(round_money(Decimal(repr(c.amount)))),
        )
        for c in comparisons
    ]


def store(conn: sqlite3.Connection, run_id: str, scores: list[Score]) -> None:
    """Write a run's scores (inside the caller's transaction)."""
    if not scores:
        return
    create_tables(conn, ["peer_scores"])  # a version-3 file made before the table existed
    conn.executemany(
        f"INSERT INTO peer_scores (run_id, {', '.join(COLUMNS)}) VALUES (?{', ?' * len(COLUMNS)})",
        [(run_id, *(getattr(s, c) for c in COLUMNS)) for s in scores],
    )


def load(conn: sqlite3.Connection, run_id: str, kind: str | None = None) -> list[Score]:
    """A run's scores (of one kind of subject), [] when none were stored."""
    if not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'peer_scores'"
    ).fetchone():
        return []
    sql = f"SELECT {', '.join(COLUMNS)} FROM peer_scores WHERE run_id = ?"
    args: list = [run_id]
    if kind:
        sql += " AND kind = ?"
        args.append(kind)
    return [Score(*row) for row in conn.execute(sql + " ORDER BY id", args)]


# The institution indicators of the rules (rules_spec.md, ZB10000205…): enrichment's fact
# field prefix → code. Each fact carries ``<prefix>_share`` and, where the robust peer test
# judged it, ``<prefix>_median``, ``_threshold`` and ``_score`` (``PeerResult.fields``).
INDICATOR_CODES = {
    "drug": "ZB10000205001000",
    "exam": "ZB10000205002000",
    "consumable": "ZB10000205003000",
    "treatment": "ZB10000205004000",
    "ct": "ZB10000205005000",
    "mri": "ZB10000205006000",
    "readmission": "ZB10000205008000",
}


def from_indicator_facts(facts: list[dict]) -> list[Score]:
    """Scores of the institution facts' indicators that the peer test judged."""
    out = []
    for fact in facts:
        if "generic_name" in fact or "tj_code" in fact or "institution_code" not in fact:
            continue
        for prefix, code in INDICATOR_CODES.items():
            value, median = fact.get(f"{prefix}_share"), fact.get(f"{prefix}_median")
            threshold = fact.get(f"{prefix}_threshold")
            if value is None or median is None or threshold is None:
                continue
            level = fact.get("institution_level", fact.get("level"))
            out.append(
                Score(
                    code,
                    "institution",
                    fact["institution_code"],
                    fact["institution_code"],
                    None if level is None else f"level {level}",
                    float(value),
                    float(median),
                    float(threshold),
                    fact.get(f"{prefix}_score"),
                    fact.get("claims"),
                    int(fact.get("peers") or 0),
                )
            )
    return out

"""Enrichment: build the facts of a run from the workspace, once, mostly in SQL.

``Enricher.prepare`` scores DIP cases and builds the TEMP tables of ``enrich_sql`` for one
part of the workspace (a range of claim ids, or all of it); ``facts(scope, where)`` then
returns the part's flat fact dicts of a scope, already filtered in SQL to those that can
match some rule. Institution facts need every part: each part's ``institution_parts``
returns its sums, and ``institution_facts`` adds them up. Plug-ins' computed fields are
added afterwards, by ``add_custom``, where the plug-ins are loaded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from engine.analytics import tj
from engine.analytics.peer import DEFAULT_K, DEFAULT_MIN, compare
from engine.contributions import FactField
from engine.dip.grouping import Catalogue
from engine.dip.scoring import Scoring
from engine.rules import enrich_sql as q

Bounds = tuple[str | None, str | None]

INDICATORS = ("drug", "exam", "consumable", "treatment", "ct", "mri", "readmission")
INDICATOR_FIELDS = ("share", "median", "threshold", "outlier", "score")


def _columns(conn: sqlite3.Connection, sql: str) -> list[str]:
    cursor = conn.execute(f"SELECT * FROM ({sql}) LIMIT 0")
    return [d[0] for d in cursor.description]


class Enricher:
    def __init__(
        self,
        conn: sqlite3.Connection,
        dip_params: dict | None,
        dip_source: str,
        bounds: Bounds = (None, None),
        params: dict | None = None,
    ):
        """``bounds``: the part's claim ids, from the first (or the start) up to the second
        (or the end), excluded. ``params``: the rule parameters that bound a step (the drug
        kinds a day) or name prefixes (the split-stay exemptions)."""
        self.conn = conn
        self.params = params or {}
        self.claim_sql = q.claim_facts(self.params)
        self.bounds = bounds
        self.dip_params = dip_params
        self.dip_source = dip_source

    # --- set-up ----------------------------------------------------------------------------
    def prepare(self) -> None:
        conn = self.conn
        part = self._in_part("claim_id")
        for table in q.PART_VIEWS:
            conn.execute(f"DROP VIEW IF EXISTS temp.x_{table}")
            conn.execute(f"CREATE TEMP VIEW x_{table} AS SELECT * FROM main.{table} WHERE {part}")
        for table, key in q.PART_COPIES.items():
            conn.execute(f"DROP TABLE IF EXISTS temp.x_{table}")
            conn.execute(
                f"CREATE TEMP TABLE x_{table} AS SELECT * FROM main.{table} WHERE {part}"
                " ORDER BY claim_id"
            )
            for column in key:
                conn.execute(f"CREATE INDEX temp.x_{table}_{column} ON x_{table} ({column})")
        conn.executescript("".join(q.SETUP))
        self._restriction_prefixes()
        for sql in q.features(self.params):
            conn.execute(sql)
        conn.executescript("".join(q.FINISH))
        self._score_dip()

    def _in_part(self, column: str) -> str:
        """SQL true for a claim id of this part (literals: views take no parameters)."""
        lo, hi = self.bounds
        tests = [f"{column} >= {_quote(lo)}" if lo is not None else "1"]
        if hi is not None:
            tests.append(f"{column} < {_quote(hi)}")
        return " AND ".join(tests)

    def _restriction_prefixes(self) -> None:
        conn = self.conn
        rows = conn.execute(
            "SELECT item_code, restrict_diagnoses FROM catalogue WHERE restrict_diagnoses IS NOT NULL"
        ).fetchall()
        conn.executemany(
            "INSERT INTO x_item_dx VALUES (?, ?)",
            [(item, p) for item, text in rows for p in text.split(";") if p],
        )
        conn.execute(
            "INSERT INTO x_list_dx SELECT DISTINCT disease_list, code_prefix FROM code_limits"
            " WHERE code_system = 'icd10' AND disease_list IS NOT NULL"
        )
        conn.execute(
            """INSERT OR IGNORE INTO x_dx_of_item
               SELECT DISTINCT cc.claim_id, p.item_code FROM x_claim_codes cc
               JOIN x_item_dx p ON substr(cc.code, 1, length(p.prefix)) = p.prefix
               WHERE cc.kind = 'dx'"""
        )
        conn.execute(
            """INSERT OR IGNORE INTO x_list_of_claim
               SELECT DISTINCT cc.claim_id, p.list FROM x_claim_codes cc
               JOIN x_list_dx p ON substr(cc.code, 1, length(p.prefix)) = p.prefix
               WHERE cc.kind = 'dx'"""
        )

    def _score_dip(self) -> None:
        """DIP grouping of every inpatient case, for the payment-method rules (ZF…)."""
        if self.dip_params is None:
            return
        cat = Catalogue.load(self.conn, self.dip_source)
        if cat.empty:
            return
        with Scoring(self.conn, cat, self.dip_params, claims="x_claims cl") as scoring:
            self.conn.execute(
                "INSERT INTO x_dip SELECT claim_id, payment_method, group_code, case_type,"
                " avg_los, ratio, procedure_kind, institution_code, discharge_date"
                f" FROM ({scoring.cases_sql()})",
                scoring.args,
            )

    def cleanup(self) -> None:
        for table in q.TEMP_TABLES:
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
        for table in q.PART_VIEWS:
            self.conn.execute(f"DROP VIEW IF EXISTS temp.x_{table}")

    # --- facts -----------------------------------------------------------------------------
    def columns(self, scope: str) -> list[str]:
        if scope == "line":
            cols = _columns(self.conn, q.LINE_FACTS)
        elif scope == "claim":
            cols = _columns(self.conn, self.claim_sql)
        else:
            cols = [*INSTITUTION_FIELDS, *tj.FIELDS]
        return cols

    def costly(self, scope: str) -> frozenset[str]:
        """The scope's fields computed per row (see ``expr.to_sql``)."""
        return {"line": q.LINE_COSTLY, "claim": q.CLAIM_COSTLY}.get(scope, frozenset())

    def facts(self, scope: str, where: str) -> list[dict]:
        """The part's line or claim facts that satisfy ``where``, without custom fields."""
        sql = q.LINE_FACTS if scope == "line" else self.claim_sql
        cursor = self.conn.execute(f"SELECT * FROM ({sql}) WHERE {where}")
        names = [d[0] for d in cursor.description]
        return [{k: v for k, v in zip(names, row, strict=True) if v is not None} for row in cursor]

    def institution_parts(self) -> dict[str, list[tuple]]:
        """The part's sums behind the institution facts (amounts and quantities in units,
        so parts add up exactly)."""
        conn = self.conn
        return {
            "shares": conn.execute(q.INSTITUTION_SHARES).fetchall(),
            "readmissions": conn.execute(q.READMISSIONS).fetchall(),
            "stays": conn.execute(
                "SELECT institution_code, discharge_date, case_type, payment_method FROM x_dip"
            ).fetchall(),
            "generic": conn.execute(q.GENERIC_USE).fetchall(),
            "volumes": conn.execute(q.VOLUME_PROGRESS).fetchall(),
            "tj_cases": tj.case_rows(conn, self.dip_source),
        }


def institution_facts(
    conn: sqlite3.Connection,
    dip_params: dict | None,
    parts: list[dict[str, list[tuple]]],
    params: dict | None = None,
) -> list[dict]:
    """One fact per institution (indicators, year-end, low cases) and per institution ×
    generic name (procurement volumes and shares), from every part's sums."""
    info = {
        code: {"level": level, "public": public, "name": name}
        for code, level, public, name in conn.execute(
            "SELECT institution_code, level, public, name FROM institutions"
        )
    }
    facts: dict[str, dict] = {}
    for (code,), (claims, total, *amounts) in _summed(parts, "shares", 1).items():
        fact = {"institution_code": code, **_inst(info, code), "claims": claims}
        for name, value in zip(INDICATORS[:6], amounts, strict=True):
            fact[f"{name}_share"] = (value / total) if total and value else 0.0
        facts[code] = fact
    for (code,), (stays, readmissions) in _summed(parts, "readmissions", 1).items():
        if code in facts:
            facts[code]["readmission_share"] = readmissions / stays if stays else 0.0
    _indicators(facts, params or {})
    _year_end(facts, info, dip_params, [row for part in parts for row in part["stays"]])
    out = [{k: v for k, v in f.items() if v is not None} for f in facts.values()]
    out.extend(_generic_facts(info, parts))
    return out


def _indicators(facts: dict[str, dict], params: dict) -> None:
    """The robust peer test of each indicator (rules_spec r2): peers are the institutions of
    one level with at least ``indicator_min_claims`` claims, at least
    ``indicator_min_peers`` of them; each peer gets ``<name>_median``, ``_threshold`` and
    ``_outlier`` (1 above the threshold)."""
    k = float(params.get("indicator_k", DEFAULT_K))
    min_peers = int(params.get("indicator_min_peers", DEFAULT_MIN))
    min_claims = int(params.get("indicator_min_claims", 30))
    by_level: dict[object, list[dict]] = {}
    for fact in facts.values():
        if fact["claims"] >= min_claims:
            by_level.setdefault(fact.get("level"), []).append(fact)
    for group in by_level.values():
        for name in INDICATORS:
            key = f"{name}_share"
            results = compare({f["institution_code"]: f.get(key, 0.0) for f in group}, k, min_peers)
            for fact in group:
                result = results.get(fact["institution_code"])
                if result is None:
                    continue
                fact["peers"] = result.stats.peers
                fact.setdefault(key, 0.0)
                fact.update(result.fields(name))


def _year_end(
    facts: dict[str, dict], info: dict, dip_params: dict | None, stays: list[tuple]
) -> None:
    if not stays:
        return
    year = str(dip_params["year"]) if dip_params else max(r[1] for r in stays)[:4]
    for code, discharge, case_type, method in stays:
        if not discharge or discharge[:4] != year:
            continue
        fact = facts.setdefault(code, {"institution_code": code, **_inst(info, code)})
        month = int(discharge[5:7])
        if month == 12:
            fact["december_discharges"] = fact.get("december_discharges", 0) + 1
        else:
            fact["jan_nov_discharges"] = fact.get("jan_nov_discharges", 0) + 1
        if method == "dip":
            fact["dip_cases"] = fact.get("dip_cases", 0) + 1
            fact["low_cases"] = fact.get("low_cases", 0) + (case_type == "low")
    for fact in facts.values():
        if "jan_nov_discharges" in fact or "december_discharges" in fact:
            fact.setdefault("december_discharges", 0)
            fact.setdefault("jan_nov_discharges", 0)
            fact["jan_nov_monthly_mean"] = fact["jan_nov_discharges"] / 11
        if fact.get("dip_cases"):
            fact["low_case_share"] = fact.get("low_cases", 0) / fact["dip_cases"]


def add_custom(custom_fields: list[FactField], scope: str, facts: Iterable[dict]) -> Iterator[dict]:
    """The facts with the plug-ins' computed fields of the scope (``fact_fields``) added."""
    custom = [(f.name, f.func) for f in custom_fields if f.scope == scope]
    for fact in facts:
        for name, func in custom:
            value = func(dict(fact))
            if value is not None:
                fact[name] = value
        yield fact


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _summed(parts: list[dict[str, list[tuple]]], name: str, keys: int) -> dict[tuple, list]:
    """The rows ``name`` of every part, the columns after the first ``keys`` added up by
    key, in key order."""
    out: dict[tuple, list] = {}
    for part in parts:
        for row in part[name]:
            key, values = row[:keys], row[keys:]
            sums = out.get(key)
            out[key] = (
                list(values)
                if sums is None
                else [(a or 0) + (b or 0) for a, b in zip(sums, values, strict=True)]
            )
    return dict(sorted(out.items(), key=lambda item: tuple(str(k) for k in item[0])))


@dataclass
class VolumeUse:
    """A volume-purchase agreement's use summed over the parts: the quantity (1/10000 units)
    and the last day it was used (ISO text; None: not used)."""

    used: int = 0
    last: str | None = None

    def add(self, used: int, last: str | None) -> None:
        self.used += used
        self.last = max(filter(None, (self.last, last)), default=None)


def _generic_facts(info: dict, parts: list[dict[str, list[tuple]]]) -> list[dict]:
    out: dict[tuple, dict] = {}
    for (code, generic), units in _summed(parts, "generic", 2).items():
        selected, nonselected, total = (u / 1e4 for u in units)
        out[(code, generic, None)] = {
            "institution_code": code,
            "generic_name": generic,
            **_inst(info, code),
            "selected_qty": selected,
            "nonselected_qty": nonselected,
            "generic_qty": total,
            "nonselected_share": nonselected / total if total else 0.0,
        }
    volumes: dict[tuple, VolumeUse] = {}
    for part in parts:
        for *key, used, last in part["volumes"]:
            volumes.setdefault(tuple(key), VolumeUse()).add(used, last)
    for (code, generic, start, end, agreed), volume in volumes.items():
        used, last = volume.used, volume.last
        fact = out.pop((code, generic, None), None) or {
            "institution_code": code,
            "generic_name": generic,
            **_inst(info, code),
        }
        fact.update(
            period_start=start,
            period_end=end,
            agreed_quantity=agreed,
            used_selected_qty=used / 1e4,
        )
        if last:
            elapsed = (date.fromisoformat(last) - date.fromisoformat(start)).days + 1
            days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
            fact["elapsed_share"] = elapsed / days
            target = agreed * fact["elapsed_share"]
            fact["volume_completion"] = fact["used_selected_qty"] / target if target else None
        out[(code, generic, start)] = fact
    return [{k: v for k, v in f.items() if v is not None} for f in out.values()]


def _inst(info: dict, code: str) -> dict:
    i = info.get(code, {})
    return {
        "institution_level": i.get("level"),
        "institution_public": i.get("public"),
        "institution_name": i.get("name"),
        "level": i.get("level"),
    }


INSTITUTION_FIELDS = (
    "institution_code",
    "institution_name",
    "institution_level",
    "institution_public",
    "level",
    "claims",
    "peers",
    *(f"{n}_{field}" for n in INDICATORS for field in INDICATOR_FIELDS),
    "december_discharges",
    "jan_nov_discharges",
    "jan_nov_monthly_mean",
    "dip_cases",
    "low_cases",
    "low_case_share",
    "generic_name",
    "selected_qty",
    "nonselected_qty",
    "generic_qty",
    "nonselected_share",
    "period_start",
    "period_end",
    "agreed_quantity",
    "used_selected_qty",
    "elapsed_share",
    "volume_completion",
)

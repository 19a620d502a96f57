"""Runs, findings and decisions as the workspace stores them: the one place that writes a run
(audit and settlement alike), finds the latest, pages a run's findings with each finding's
latest decision, lists the decided findings and the approved special cases, sums findings by
rule or institution, and reads a stored settlement. Qt-free: the CLI, the reports and the
desktop pages all come here.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from engine import audit_log
from engine.analytics import scores as peer_scores
from engine.attribution import attribute_run
from engine.errors import UserError
from engine.money import decimal_to_units, money_json, round_money, units_to_decimal
from engine.workspace import Workspace, check_snapshot, open_reader, reader_path

if TYPE_CHECKING:
    from engine.plugins import PluginSet

ZERO = Decimal(0)

#: Joins each finding ``f`` to its latest decision ``r`` (NULLs when it has none): a decision
#: is never changed, a new one is added, so the latest is the one with the highest id.
# A finding's latest decision. A claim's finding is the same thing found again when a later
# audit finds it (same claim, rule and line): it shows the decision made on it in any run, as
# the settlement and the doctors' ledger count it, so re-auditing never hides a decision. An
# institution's finding keeps its own (its peer group is not part of what the row stores).
LATEST_DECISION = """
LEFT JOIN reviews r ON r.id = (CASE WHEN f.claim_id IS NULL
  THEN (SELECT max(id) FROM reviews WHERE finding_id = f.finding_id)
  ELSE (SELECT max(rv.id) FROM findings g JOIN reviews rv ON rv.finding_id = g.finding_id
        WHERE g.claim_id = f.claim_id AND g.rule_id = f.rule_id AND g.line_no IS f.line_no)
  END)
"""


def _conn(ws: Workspace | sqlite3.Connection) -> sqlite3.Connection:
    return ws.conn if isinstance(ws, Workspace) else ws


# --- a finding as a run makes it ----------------------------------------------------------
def finding_id(
    run_id: str,
    rule_id: str,
    claim_id: str | None,
    line_no: int | None,
    institution: str | None,
    subject: str | None,
) -> str:
    """A finding's id: stable within its run, for the same thing found by the same rule."""
    key = f"{run_id}|{rule_id}|{claim_id}|{line_no}|{institution}|{subject}"
    return "F" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:15]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule found in a run. ``amount`` is the money at stake in yuan, to the fen
    (≥ 0); what is stored (1/10000 units) and what ``audit --json`` prints derive from it.
    ``message`` is Chinese, ``message_en`` English."""

    finding_id: str
    run_id: str
    rule_id: str
    code: str
    severity: str
    scope: str
    claim_id: str | None
    line_no: int | None
    institution_code: str | None
    subject: str | None
    amount: Decimal
    message: str
    message_en: str
    points_effect: str | None

    @property
    def amount_units(self) -> int:
        return decimal_to_units(self.amount)

    def to_json(self) -> dict:
        """The finding as ``audit --json`` prints it (spec interchange.md)."""
        return {
            "claim_id": self.claim_id,
            "line_no": self.line_no,
            "rule_id": self.rule_id,
            "code": self.code,
            "severity": self.severity,
            "amount": money_json(self.amount),
            "institution_code": self.institution_code,
            "message": self.message,
            "finding_id": self.finding_id,
        }

    def stored(self) -> tuple:
        """The finding's row of ``findings`` (the columns of ``_STORED``)."""
        return tuple(getattr(self, key) for key in _STORED.values())

    @classmethod
    def from_stored(cls, row: Sequence) -> Finding:
        """The finding of a row of ``findings`` (the columns of ``_STORED``)."""
        at = _AMOUNT_AT
        return cls(*row[:at], round_money(units_to_decimal(row[at])), *row[at + 1 :])


@dataclass
class AuditResult:
    """An audit run as ``run_audit`` returns it (``audit --json`` is ``to_json()``)."""

    run_id: str
    rulesets: list[str]
    lines_checked: int
    claims_checked: int
    findings: Sequence[Finding] | FindingSpool  # a spool until ``store_audit`` stores it
    problems: list[str]
    seconds: float

    def sentence(self, lang: str = "zh") -> str:
        """What the run did, in one line (the CLI's and the desktop's summary)."""
        return (
            "批次 {run}：{n:,} 个疑点，检查结算 {claims:,} 条、明细 {lines:,} 条，用时 {s:.2f} 秒"
            if lang == "zh"
            else "run {run}: {n:,} findings over {claims:,} claims and {lines:,} lines in {s:.2f}s"
        ).format(
            run=self.run_id,
            n=len(self.findings),
            claims=self.claims_checked,
            lines=self.lines_checked,
            s=self.seconds,
        )

    def to_json(self) -> dict:
        return {
            "run_id": self.run_id,
            "rulesets": self.rulesets,
            "lines_checked": self.lines_checked,
            "claims_checked": self.claims_checked,
            "findings": [f.to_json() for f in self.findings],
            "problems": self.problems,
        }


# --- runs ---------------------------------------------------------------------------------
def store_run(
    conn: sqlite3.Connection,
    run_id: str,
    kind: str,
    at: str,
    *,
    parameters: dict,
    plugins: list[str],
    summary: dict,
    rulesets: list[str] | None = None,
    catalogue: str | None = None,
) -> None:
    """Record a run (``kind`` audit or settle) inside the caller's transaction.
    ``catalogue``: which DIP catalogue a settlement used (``dip.params.catalogue_source``)."""
    conn.execute(
        "INSERT INTO runs (run_id, kind, started_at, finished_at, rulesets, parameters, plugins,"
        " summary, catalogue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            run_id,
            kind,
            at,
            at,
            None if rulesets is None else json.dumps(rulesets),
            json.dumps(parameters, ensure_ascii=False),
            json.dumps(plugins),
            json.dumps(summary),
            catalogue,
        ),
    )


#: Stored column ← attribute of a ``Finding``: amounts are stored in 1/10000 yuan, the
#: message in Chinese and English.
_STORED = {
    **{
        key: key
        for key in (
            "finding_id run_id rule_id code severity scope claim_id line_no institution_code"
            " subject"
        ).split()
    },
    "amount": "amount_units",
    "message_zh": "message",
    "message_en": "message_en",
    "points_effect": "points_effect",
}
_AMOUNT_AT = list(_STORED).index("amount")
_COLUMNS = ", ".join(_STORED)
#: The order a run's findings are stored in, and so read back in: by claim, line, code,
#: institution and subject, then as they were made.
_ORDER = (
    "coalesce(claim_id, ''), coalesce(line_no, 0), code, coalesce(institution_code, ''),"
    " coalesce(subject, ''), rowid"
)


def finding_order(f: Finding) -> tuple:
    """``_ORDER`` for findings held in memory (a dry run's), with a stable sort."""
    return (f.claim_id or "", f.line_no or 0, f.code, f.institution_code or "", f.subject or "")


class FindingSpool:
    """A run's findings as they are made, written to a TEMP table of the run's connection
    (a file behind SQLite's bounded page cache, for a plain workspace) rather than held: a
    city's year finds hundreds of thousands. ``store`` copies them into ``findings`` in
    their order (``_ORDER``); ``close`` drops the table."""

    BATCH = 5_000

    def __init__(self, conn: sqlite3.Connection, run_id: str):
        self.conn = conn
        self.table = f"x_found_{run_id}"
        self.count = 0
        self._batch: list[tuple] = []
        conn.execute(f"CREATE TEMP TABLE {self.table} ({_COLUMNS})")

    def add(self, finding: Finding) -> None:
        self._batch.append(finding.stored())
        self.count += 1
        if len(self._batch) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        marks = ", ".join("?" * len(_STORED))
        self.conn.executemany(f"INSERT INTO temp.{self.table} VALUES ({marks})", self._batch)
        self._batch.clear()

    def by_code(self) -> Counter:
        self._flush()
        sql = f"SELECT code, count(*) FROM temp.{self.table} GROUP BY code"
        return Counter(dict(self.conn.execute(sql).fetchall()))

    def store(self, conn: sqlite3.Connection) -> None:
        """Copy the findings into ``findings``, inside the caller's transaction."""
        self._flush()
        conn.execute(
            f"INSERT INTO findings ({_COLUMNS}) SELECT {_COLUMNS} FROM temp.{self.table}"
            f" ORDER BY {_ORDER}"
        )

    def close(self) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS temp.{self.table}")


class StoredFindings(Sequence[Finding]):
    """A stored run's findings in their order, read from the workspace when first asked
    for (``AuditResult.findings`` of a stored run: a run that only stores them never holds
    them all). They are read on a connection of their own, so they can be asked for after
    the workspace is closed; a workspace with no file is read at once."""

    def __init__(self, conn: sqlite3.Connection, run_id: str, count: int):
        self.run_id, self.count = run_id, count
        self.path = reader_path(conn)
        self._findings = None if self.path else self._read(conn)

    def _read(self, conn: sqlite3.Connection) -> list[Finding]:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM findings WHERE run_id = ? ORDER BY rowid", (self.run_id,)
        )
        return [Finding.from_stored(row) for row in rows]

    def _all(self) -> list[Finding]:
        if self._findings is None:
            reader = open_reader(self.path)
            try:
                self._findings = self._read(reader)
            finally:
                reader.close()
        return self._findings

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._all())


def store_findings(conn: sqlite3.Connection, findings: Iterable[Finding] | FindingSpool) -> None:
    """Store a run's findings inside the caller's transaction, in the order given (a
    spool's: ``_ORDER``): the order ``findings_query`` reads them back in."""
    if isinstance(findings, FindingSpool):
        findings.store(conn)
        return
    conn.executemany(
        f"INSERT INTO findings ({', '.join(_STORED)}) VALUES ({', '.join('?' * len(_STORED))})",
        (f.stored() for f in findings),
    )


def store_audit(
    ws: Workspace,
    result: AuditResult,
    *,
    parameters: dict,
    plugins: PluginSet,
    snapshot: int,
    scores: list[peer_scores.Score],
) -> None:
    """Store an audit run (made here or elsewhere: ``import-findings``) in one transaction:
    the run, its findings, their doctors, the peer scores and the log's entry. Nothing when
    another writer changed the data since ``snapshot`` (``workspace.data_version``)."""
    now = audit_log.now_text()
    found = result.findings
    if isinstance(found, FindingSpool):
        by_code, count = found.by_code(), found.count
    else:
        by_code, count = Counter(f.code for f in found), len(found)
    with ws.transaction() as conn:
        check_snapshot(conn, snapshot, "audit")  # no writer can commit once this transaction holds
        store_run(
            conn,
            result.run_id,
            "audit",
            now,
            parameters=parameters,
            plugins=plugins.versions(),
            summary={
                "findings": count,
                "lines": result.lines_checked,
                "claims": result.claims_checked,
                "by_code": by_code,
                "seconds": round(result.seconds, 3),
                "plugin_failures": plugins.failures(),
            },
            rulesets=result.rulesets,
        )
        store_findings(conn, result.findings)
        attribute_run(conn, result.run_id)
        peer_scores.store(conn, result.run_id, scores)
        audit_log.append(
            conn,
            "audit",
            {
                "run_id": result.run_id,
                "rulesets": result.rulesets,
                "findings": count,
            },
        )


def latest_run(ws: Workspace | sqlite3.Connection, kind: str = "audit") -> str | None:
    """The latest run of a kind, through a workspace or a plain connection (the desktop's)."""
    row = (
        _conn(ws)
        .execute(
            "SELECT run_id FROM runs WHERE kind = ? ORDER BY started_at DESC, rowid DESC LIMIT 1",
            (kind,),
        )
        .fetchone()
    )
    return row[0] if row else None


def run_started(ws: Workspace | sqlite3.Connection, run_id: str) -> str:
    """When a stored run started; a UserError when the workspace has no such run."""
    row = _conn(ws).execute("SELECT started_at FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    if row is None:
        raise UserError(f"no run {run_id} in this workspace")
    return row[0]


def finding_count(ws: Workspace | sqlite3.Connection, run_id: str | None) -> int:
    """How many findings a run stored (0 for no run)."""
    if run_id is None:
        return 0
    sql = "SELECT count(*) FROM findings WHERE run_id = ?"
    return _conn(ws).execute(sql, (run_id,)).fetchone()[0]


def flagged_lines(conn: sqlite3.Connection, claim_id: str) -> list[int]:
    """The lines of a claim the latest audit found something on."""
    rows = conn.execute(
        "SELECT line_no FROM findings WHERE claim_id = ? AND run_id = ? AND line_no IS NOT NULL",
        (claim_id, latest_run(conn)),
    )
    return [r[0] for r in rows]


# --- a run's findings ---------------------------------------------------------------------
#: What ``findings_query`` can select: a finding (``f``) and its latest decision (``r``).
_SELECTS = {
    **{
        name: f"f.{name}"
        for name in (
            "finding_id run_id rule_id code severity scope claim_id line_no institution_code"
            " subject amount"
        ).split()
    },
    "message": "f.message_zh",
    "message_en": "f.message_en",
    **{
        name: f"r.{name}" for name in ("decision", "deduction", "reviewer", "comment", "decided_at")
    },
    "doctor_id": "f.doctor_id",
    "dept_code": "f.dept_code",
}
FINDING_COLUMNS = list(_SELECTS)
#: What ``findings_query`` can add of a finding's claim (``c``) and line (``l``), joined only
#: when asked for (a report's 患者, dates and item).
_CONTEXT = {
    **{name: f"c.{name}" for name in ("patient_id", "admission_date", "discharge_date")},
    **{name: f"l.{name}" for name in ("item_code", "item_name")},
}
_CONTEXT_JOINS = """
LEFT JOIN claims c ON c.claim_id = f.claim_id
LEFT JOIN lines l ON l.claim_id = f.claim_id AND l.line_no = f.line_no
"""
#: The orders of ``findings_query``: as stored, or by institution then rule (a report's).
_ORDERS = {
    "stored": "f.rowid",
    "institution": "f.institution_code, f.code, coalesce(f.claim_id, ''),"
    " coalesce(f.line_no, 0), coalesce(f.subject, '')",
}


def findings_query(
    run_id: str,
    columns: list[str] = FINDING_COLUMNS,
    *,
    code_prefix: str | None = None,
    severity: str | None = None,
    institution: str | None = None,
    decision: str | None = None,
    text: str | None = None,
    order: str = "stored",
) -> tuple[str, dict]:
    """The SELECT of a run's findings (``columns`` of FINDING_COLUMNS, or of their claim and
    line: ``_CONTEXT``; amounts in 1/10000 units) with each finding's latest decision,
    filtered; ``decision`` "none" means not yet reviewed.

    A run stores its findings sorted (claim, line, code, institution, subject), so the
    ``stored`` order is rowid order and needs no sort: the first page of a large run is at
    once. ``institution`` sorts by institution, rule code, claim, line and subject."""
    selects = {**_SELECTS, **_CONTEXT}
    unknown = set(columns) - set(selects)
    if unknown:
        raise ValueError(f"not a column of findings_query: {', '.join(sorted(unknown))}")
    where = ["f.run_id = :run"]
    args: dict = {"run": run_id}
    if code_prefix:
        where.append("f.code LIKE :code || '%'")
        args["code"] = code_prefix
    if severity:
        where.append("f.severity = :severity")
        args["severity"] = severity
    if institution:
        where.append("f.institution_code = :inst")
        args["inst"] = institution
    if decision == "none":
        where.append("r.decision IS NULL")
    elif decision:
        where.append("r.decision = :decision")
        args["decision"] = decision
    if text:
        where.append(
            "(f.claim_id LIKE :text OR f.message_zh LIKE :text OR f.subject LIKE :text"
            " OR f.rule_id LIKE :text)"
        )
        args["text"] = f"%{text}%"
    joins = _CONTEXT_JOINS if set(columns) & set(_CONTEXT) else ""
    sql = f"""
        SELECT {", ".join(f"{selects[c]} AS {c}" for c in columns)}
        FROM findings f
        {joins}
        {LATEST_DECISION}
        WHERE {" AND ".join(where)}
        ORDER BY {_ORDERS[order]}
        """
    return sql, args


def list_findings(ws: Workspace, run_id: str | None = None) -> list[dict]:
    """Stored findings of a run (default: the latest), each with its latest decision."""
    run_id = run_id or latest_run(ws)
    if run_id is None:
        return []
    run_started(ws, run_id)
    out = []
    for row in ws.conn.execute(*findings_query(run_id)):
        finding = dict(zip(FINDING_COLUMNS, row, strict=True))
        finding["amount"] = money_json(units_to_decimal(finding["amount"]))
        if finding["deduction"] is not None:
            finding["deduction"] = money_json(units_to_decimal(finding["deduction"]))
        out.append(finding)
    return out


# --- decisions across runs ----------------------------------------------------------------
class Decided(NamedTuple):
    """A finding (of any run) and its latest decision."""

    finding_id: str
    rule_id: str
    code: str
    scope: str
    claim_id: str | None
    line_no: int | None
    institution_code: str | None
    subject: str | None
    doctor_id: str | None
    dept_code: str | None
    review_id: int
    decision: str
    deduction: int | None  # 1/10000 yuan
    decided_at: str
    points_effect: str | None


def decided_findings(conn: sqlite3.Connection) -> list[Decided]:
    """Every finding that has a decision, with its latest one, in the order decided. Who
    reads them across runs (the settlement, the doctors' ledger) keeps the latest per thing
    found, by its own key."""
    rows = conn.execute(
        """
        SELECT f.finding_id, f.rule_id, f.code, f.scope, f.claim_id, f.line_no,
               f.institution_code, f.subject, f.doctor_id, f.dept_code,
               r.id, r.decision, r.deduction, r.decided_at, f.points_effect
        FROM findings f JOIN reviews r ON r.finding_id = f.finding_id
        WHERE r.id = (SELECT max(id) FROM reviews WHERE finding_id = f.finding_id)
        ORDER BY r.id
        """
    )
    return [Decided(*row) for row in rows]


def special_approvals(conn: sqlite3.Connection) -> dict[str, int]:
    """Claim → the id of the decision approving it as a special case (特例单议), for claims
    whose latest special-case decision is an approval: what the settlement applies."""
    return {
        claim_id: decision_id
        for claim_id, decision_id in conn.execute(
            "SELECT claim_id, id FROM special_reviews s"
            " WHERE decision = 'approve'"
            " AND id = (SELECT max(id) FROM special_reviews t WHERE t.claim_id = s.claim_id)"
        )
    }


# --- sums ---------------------------------------------------------------------------------
@dataclass
class Summary:
    """Findings of one rule (or institution): how many, their amount, what was confirmed."""

    key: str
    name: str
    findings: int = 0
    amount: Decimal = ZERO
    confirmed: int = 0
    deductions: Decimal = ZERO

    def add(self, finding: Finding | dict) -> None:
        """Count a run's ``Finding`` (not yet decided) or a stored one with its decision, as
        ``list_findings`` gives it."""
        self.findings += 1
        if isinstance(finding, Finding):
            self.amount += finding.amount
            return
        self.amount += Decimal(str(finding["amount"]))
        if finding.get("decision") == "confirm":
            self.confirmed += 1
            self.deductions += Decimal(str(finding["deduction"] or 0))


def summarise(
    findings: Iterable[Finding] | Iterable[dict],
    group: Callable,
    key: Callable | None = None,
    name: Callable = lambda f: "",
) -> list[Summary]:
    """The findings (a run's ``Finding``s, or stored ones as ``list_findings`` gives them)
    summed by ``group(finding)``, each sum shown as ``key`` (default: the group) and ``name``
    of its first finding, sorted by key then name."""
    sums: dict[str, Summary] = {}
    for f in findings:
        g = group(f)
        if g not in sums:
            sums[g] = Summary((key or group)(f), name(f))
        sums[g].add(f)
    return sorted(sums.values(), key=lambda s: (s.key, s.name))


#: What ``summarise_run`` can sum a stored run's findings by.
_RUN_GROUPS = {"code": "code", "institution": "coalesce(institution_code, '-')"}


def summarise_run(
    ws: Workspace | sqlite3.Connection, run_id: str, by: str = "code"
) -> list[Summary]:
    """A stored run's findings summed by rule code or by institution (``-`` for none) in
    SQL, sorted by key: what ``summarise`` gives of the run's findings, without reading them
    (a city's year has hundreds of thousands)."""
    group = _RUN_GROUPS[by]
    rows = _conn(ws).execute(
        f"SELECT {group} AS k, count(*), sum(amount) FROM findings WHERE run_id = ?"
        " GROUP BY k ORDER BY k",
        (run_id,),
    )
    return [Summary(k, "", n, round_money(units_to_decimal(units))) for k, n, units in rows]


# --- a stored settlement ------------------------------------------------------------------
_CASE_COLUMNS = (
    "claim_id, institution_code, group_code, case_type, payment_method, rw, coefficient, ratio,"
    " points, fund, effect, effect_source"
)


def stored_settlement(
    ws: Workspace | sqlite3.Connection,
    run_id: str | None = None,
    *,
    institution: str | None = None,
    cases: bool = False,
) -> dict | None:
    """A stored settlement (default: the latest) as ``settle`` returned it: its summary, the
    catalogue it used, its institutions' results (one institution's, when given) and, with
    ``cases``, its cases as rows (``_CASE_COLUMNS``). None when there is none."""
    conn = _conn(ws)
    run_id = run_id or latest_run(conn, "settle")
    if run_id is None:
        return None
    started, parameters, summary, catalogue = conn.execute(
        "SELECT started_at, parameters, summary, catalogue FROM runs WHERE run_id = ?", (run_id,)
    ).fetchone()
    out = {
        "run_id": run_id,
        "at": started,
        "parameters": json.loads(parameters or "{}"),
        **json.loads(summary or "{}"),
        "catalogue": catalogue,
        "institutions": [
            json.loads(r[0])
            for r in conn.execute(
                "SELECT result FROM settlement_institutions WHERE run_id = ?"
                " AND (? IS NULL OR institution_code = ?) ORDER BY institution_code",
                (run_id, institution, institution),
            )
        ],
    }
    if cases:
        out["cases"] = QueryRows(
            conn,
            f"SELECT {_CASE_COLUMNS} FROM settlement_cases WHERE run_id = ?"
            " AND (? IS NULL OR institution_code = ?) ORDER BY institution_code, claim_id",
            (run_id, institution, institution),
        )
    return out


def case_mix(conn: sqlite3.Connection, run_id: str) -> list[tuple[str, int]]:
    """A stored settlement's cases by case type: (case_type, count)."""
    return conn.execute(
        "SELECT case_type, count(*) FROM settlement_cases WHERE run_id = ? GROUP BY 1", (run_id,)
    ).fetchall()


def ratio_buckets(conn: sqlite3.Connection, run_id: str) -> list[tuple[float, float | None, int]]:
    """A stored settlement's DIP cases by cost ratio in steps of 0.5, the last open
    (ratio ≥ 5): (from, to or None, count)."""
    rows = conn.execute(
        "SELECT min(CAST(ratio * 2 AS INTEGER), 10), count(*) FROM settlement_cases"
        " WHERE run_id = ? AND payment_method = 'dip' GROUP BY 1 ORDER BY 1",
        (run_id,),
    )
    return [(b / 2, (b + 1) / 2 if b < 10 else None, n) for b, n in rows]


#: The columns of ``institution_cases_query``.
INSTITUTION_CASE_COLUMNS = (
    "claim_id",
    "group_code",
    "case_type",
    "payment_method",
    "ratio",
    "points",
)


def institution_cases_query(run_id: str, institution: str) -> tuple[str, tuple]:
    """The SELECT of one institution's cases in a stored settlement, by claim."""
    return (
        f"SELECT {', '.join(INSTITUTION_CASE_COLUMNS)} FROM settlement_cases"
        " WHERE run_id = ? AND institution_code = ? ORDER BY claim_id",
        (run_id, institution),
    )


@dataclass(frozen=True)
class QueryRows:
    """A query's rows, read as they are iterated (each time anew) on its connection: a
    settlement's cases (over a million in a city's year) reach a report's sheet without
    being held in memory."""

    conn: sqlite3.Connection
    sql: str
    args: tuple

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.conn.execute(self.sql, self.args))

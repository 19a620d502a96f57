"""The doctors' ledger (医保支付资格记分): points, status and evidence per doctor and year,
and the same rolled up by institution × department.

Always computed from the current decisions, never stored: dismissing a finding after
confirming it takes its points away at once. Findings of every audit run count; a finding
found again by a later run is one finding (same rule, claim, line, institution, subject), and
its latest decision, in whichever run it was made, is the one that counts.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from engine.accountability.points import STATUSES, Thresholds, rule_points
from engine.findings import Decided, decided_findings
from engine.money import money_json, units_to_decimal
from engine.plugins import PluginSet, or_installed

if TYPE_CHECKING:
    from engine.rules.catalogue import RuleBook
    from engine.workspace import Workspace

ZERO = Decimal(0)


@dataclass
class Event:
    """One scoring event: a (doctor, claim, rule) with at least one confirmed finding."""

    finding_id: str
    claim_id: str
    line_no: int | None
    rule_id: str
    code: str
    points: int
    decided_at: str
    institution_code: str | None
    dept_code: str | None

    @property
    def year(self) -> int:
        return int(self.decided_at[:4])

    def to_json(self) -> dict:
        return {
            "finding_id": self.finding_id,
            "claim_id": self.claim_id,
            "rule_id": self.rule_id,
            "code": self.code,
            "points": self.points,
            "decided_at": self.decided_at,
        }


@dataclass
class Doctor:
    """One doctor's year. ``institution_code``/``dept_code``: the registry's, else where the
    doctor's findings (else claims, else lines) most often are — the department the doctor
    rolls up to. ``findings``: every finding attributed to the doctor (any decision, one
    across runs); ``confirmed``: those whose current decision is a confirmation made in the
    year; ``amount``: their confirmed deductions, in yuan."""

    doctor_id: str
    name: str | None
    institution_code: str | None
    dept_code: str | None
    title: str | None = None
    registered_on: str | None = None
    points: int = 0
    status: str = "normal"
    suspend_months: int = 0
    events: list[Event] = field(default_factory=list)
    findings: int = 0
    confirmed: int = 0
    amount: Decimal = ZERO

    def to_json(self) -> dict:
        return {
            "doctor_id": self.doctor_id,
            "name": self.name,
            "institution_code": self.institution_code,
            "dept_code": self.dept_code,
            "points": self.points,
            "status": self.status,
            "suspend_months": self.suspend_months,
            "events": [e.to_json() for e in self.events],
            "findings": self.findings,
            "confirmed": self.confirmed,
            "amount": money_json(self.amount),
        }


@dataclass
class Department:
    """Doctors roll up by their own institution and department; findings without a doctor
    by the finding's."""

    institution_code: str | None
    dept_code: str | None
    doctors: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    points: int = 0
    findings: int = 0
    confirmed: int = 0
    amount: Decimal = ZERO

    def to_json(self) -> dict:
        return {
            "institution_code": self.institution_code,
            "dept_code": self.dept_code,
            "doctors": self.doctors,
            "doctors_by_status": dict(self.by_status),
            "points": self.points,
            "findings": self.findings,
            "confirmed": self.confirmed,
            "amount": money_json(self.amount),
        }


@dataclass
class _Unattributed:
    """The findings of one institution × department that name no doctor."""

    findings: int = 0
    confirmed: int = 0
    amount: Decimal = ZERO


@dataclass
class Ledger:
    year: int
    thresholds: Thresholds
    doctors: list[Doctor]
    unattributed: dict[tuple, _Unattributed] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)  # the years with a confirmation, latest first

    def select(
        self,
        *,
        institution: str | None = None,
        dept: str | None = None,
        status: str | None = None,
    ) -> list[Doctor]:
        """The doctors of an institution / department / status (None: any)."""
        return [
            d
            for d in self.doctors
            if (institution is None or d.institution_code == institution)
            and (dept is None or d.dept_code == dept)
            and (status is None or d.status == status)
        ]

    def doctor(self, doctor_id: str) -> Doctor | None:
        return next((d for d in self.doctors if d.doctor_id == doctor_id), None)

    def departments(self, institution: str | None = None) -> list[Department]:
        """Institution × department, sorted by points, then amount, descending."""
        rows: dict[tuple, Department] = {}

        def row(key: tuple) -> Department:
            if key not in rows:
                rows[key] = Department(*key)
            return rows[key]

        for d in self.select(institution=institution):
            dept = row((d.institution_code, d.dept_code))
            dept.doctors += 1
            dept.by_status[d.status] += 1
            dept.points += d.points
            dept.findings += d.findings
            dept.confirmed += d.confirmed
            dept.amount += d.amount
        for key, extra in self.unattributed.items():
            if institution is None or key[0] == institution:
                dept = row(key)
                dept.findings += extra.findings
                dept.confirmed += extra.confirmed
                dept.amount += extra.amount
        return sorted(
            rows.values(),
            key=lambda r: (-r.points, -r.amount, r.institution_code or "", r.dept_code or ""),
        )

    def to_json(self, doctors: list[Doctor] | None = None) -> dict:
        return {
            "year": self.year,
            "thresholds": self.thresholds.to_json(),
            "doctors": [d.to_json() for d in (self.doctors if doctors is None else doctors)],
        }

    def departments_json(self, institution: str | None = None) -> dict:
        return {
            "year": self.year,
            "thresholds": self.thresholds.to_json(),
            "departments": [d.to_json() for d in self.departments(institution)],
        }


# One finding across runs: the same rule, claim, line, institution and subject.
_KEY = (
    "f.rule_id || '|' || coalesce(f.claim_id, '') || '|' || coalesce(f.line_no, '') || '|'"
    " || coalesce(f.institution_code, '') || '|' || coalesce(f.subject, '')"
)

# Where each doctor works, when the registry does not say: most often in their findings,
# else their claims, else the lines they ordered.
_HOMES = (
    "SELECT doctor_id, institution_code, dept_code, count(*) FROM findings"
    " WHERE doctor_id IS NOT NULL GROUP BY 1, 2, 3",
    "SELECT doctor_id, institution_code, nullif(dept_code, ''), count(*) FROM claims"
    " WHERE nullif(doctor_id, '') IS NOT NULL GROUP BY 1, 2, 3",
    "SELECT l.doctor_id, c.institution_code,"
    " coalesce(nullif(l.dept_code, ''), nullif(c.dept_code, '')), count(*)"
    " FROM lines l JOIN claims c ON c.claim_id = l.claim_id"
    " WHERE nullif(l.doctor_id, '') IS NOT NULL GROUP BY 1, 2, 3",
)


def _current_decisions(conn: sqlite3.Connection) -> list[Decided]:
    """Per finding (across runs: the same rule, claim, line, institution and subject), its
    latest decision."""
    latest: dict[tuple, Decided] = {}
    for d in decided_findings(conn):  # in the order decided: a later one replaces
        latest[(d.rule_id, d.claim_id, d.line_no, d.institution_code, d.subject)] = d
    return list(latest.values())


#: The fields of a ``Doctor`` the registry (the ``doctors`` table) gives, as its columns.
_REGISTRY = ("doctor_id", "name", "institution_code", "dept_code", "title", "registered_on")


def _doctors(conn: sqlite3.Connection) -> dict[str, Doctor]:
    """The registry, then every other doctor the workspace names, at their usual place."""
    doctors = {
        values[0]: Doctor(**dict(zip(_REGISTRY, values, strict=True)))
        for values in conn.execute(f"SELECT {', '.join(_REGISTRY)} FROM doctors")
    }
    for sql in _HOMES:
        best: dict[str, tuple] = {}
        for doctor_id, inst, dept, count in conn.execute(sql):
            if doctor_id in doctors:
                continue
            rank = (-count, inst or "", dept or "")
            if doctor_id not in best or rank < best[doctor_id][0]:
                best[doctor_id] = (rank, inst, dept)
        for doctor_id, (_, inst, dept) in best.items():
            doctors[doctor_id] = Doctor(doctor_id, None, inst, dept)
    return doctors


def compute(
    conn: sqlite3.Connection,
    rules: Iterable,
    params: dict,
    *,
    year: int | None = None,
) -> Ledger:
    """The ledger of ``year`` (default: the latest year with a confirmation, else this one).

    ``rules``: the loaded rules (their ``doctor_points``); ``params``: the merged rule
    parameters (the thresholds)."""
    thresholds = Thresholds.from_parameters(params)
    declared = {r.id: r.doctor_points for r in rules}
    confirmed = [d for d in _current_decisions(conn) if d.decision == "confirm"]
    years = sorted({int(d.decided_at[:4]) for d in confirmed}, reverse=True)
    if year is None:
        year = years[0] if years else date.today().year
    doctors = _doctors(conn)
    unattributed: dict[tuple, _Unattributed] = defaultdict(_Unattributed)

    # One event per (doctor, claim, rule): its highest points, then its earliest decision.
    best: dict[tuple, Event] = {}
    for (
        finding_id,
        rule_id,
        code,
        scope,
        claim_id,
        line_no,
        inst,
        _subject,
        doctor_id,
        dept,
        _review,
        _decision,
        deduction,
        decided_at,
        _effect,
    ) in confirmed:
        in_year = int(decided_at[:4]) == year
        if in_year:
            amount = units_to_decimal(deduction) or ZERO
            if doctor_id is not None:
                doctors[doctor_id].confirmed += 1
                doctors[doctor_id].amount += amount
            elif scope != "institution":
                unattributed[(inst, dept)].confirmed += 1
                unattributed[(inst, dept)].amount += amount
        points = rule_points(declared.get(rule_id), scope, code)
        if doctor_id is None or points <= 0:
            continue
        event = Event(finding_id, claim_id, line_no, rule_id, code, points, decided_at, inst, dept)
        key = (doctor_id, claim_id, rule_id)
        held = best.get(key)
        if held is None or (-points, decided_at, finding_id) < (
            -held.points,
            held.decided_at,
            held.finding_id,
        ):
            best[key] = event
    for (doctor_id, _claim, _rule), event in best.items():
        if event.year == year:
            doctors[doctor_id].events.append(event)

    for doctor_id, count in conn.execute(
        f"SELECT f.doctor_id, count(DISTINCT {_KEY}) FROM findings f"
        " WHERE f.doctor_id IS NOT NULL GROUP BY 1"
    ):
        doctors[doctor_id].findings = count
    for inst, dept, count in conn.execute(
        f"SELECT f.institution_code, f.dept_code, count(DISTINCT {_KEY}) FROM findings f"
        " WHERE f.doctor_id IS NULL AND f.scope != 'institution' GROUP BY 1, 2"
    ):
        unattributed[(inst, dept)].findings = count

    for d in doctors.values():
        d.events.sort(key=lambda e: (e.decided_at, e.claim_id, e.code))
        d.points = sum(e.points for e in d.events)
        d.status = thresholds.status(d.points)
        d.suspend_months = thresholds.suspend_months(d.points)
    ordered = sorted(doctors.values(), key=lambda d: (-d.points, -d.amount, d.doctor_id))
    return Ledger(year, thresholds, ordered, dict(unattributed), years)


def for_workspace(
    ws: Workspace,
    *,
    plugins: PluginSet | None = None,
    year: int | None = None,
    rulebook: RuleBook | None = None,
) -> Ledger:
    """The ledger of a workspace with the plug-ins' (default: the installed ones) rules
    (``rulebook``: already loaded), parameters and doctors (a region's registry laid over the
    workspace's own), and its own parameter overrides."""
    from engine.overlay import reference_overlay
    from engine.rules.catalogue import load_rulebook, rule_parameters

    plugins = or_installed(plugins)
    rulebook = rulebook or load_rulebook(plugins)
    params = rule_parameters(ws, plugins)
    registry = [c for c in plugins.reference_data() if c.table == "doctors"]
    with reference_overlay(ws.conn, registry):
        return compute(ws.conn, rulebook.rules(), params, year=year)

"""DIP payment method, grouping and scoring of one case (dip_spec.md sections 1–3).

``Catalogue.load`` reads the groups and code knowledge once; ``score_case`` is then a few
dictionary look-ups per case, which is what lets a region's year settle in seconds. Every
decision is recorded in ``steps`` so ``dip explain`` can show it to a disputing hospital.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date

from engine.money import SCALE


def sub_code(code: str) -> str:
    """``K80.100`` → ``K80.1``: up to and including the first character after the dot."""
    dot = code.find(".")
    return code[: dot + 2] if dot >= 0 else code


def cat_code(code: str) -> str:
    return code[:3]


@dataclass(frozen=True)
class Group:
    group_code: str
    group_type: str
    diagnosis: str
    main_procedure: str | None
    related: tuple[str, ...]
    related_all: bool  # True for "+" (all must be present), False for "/" (one of)
    treatment: str | None
    rw: float
    avg_cost: float
    avg_los: float | None

    @property
    def related_count(self) -> int:
        if not self.related:
            return 0
        return len(self.related) if self.related_all else 1

    def related_match(self, others: frozenset[str]) -> bool:
        if not self.related:
            return False
        if self.related_all:
            return all(code in others for code in self.related)
        return any(code in others for code in self.related)


def _related(text: str | None) -> tuple[tuple[str, ...], bool]:
    if not text:
        return (), True
    if "/" in text:
        return tuple(p.strip() for p in text.split("/") if p.strip()), False
    return tuple(p.strip() for p in text.split("+") if p.strip()), True


@dataclass
class Catalogue:
    source: str
    core: dict[str, list[Group]] = field(default_factory=dict)
    comprehensive: dict[tuple[str, str], Group] = field(default_factory=dict)
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)  # disease list → prefixes
    procedure_kinds: list[tuple[str, str]] = field(default_factory=list)  # longest first

    @classmethod
    def load(cls, conn: sqlite3.Connection, source: str = "official") -> Catalogue:
        cat = cls(source)
        for row in conn.execute(
            "SELECT group_code, group_type, diagnosis, main_procedure, related_procedures,"
            " treatment, rw, avg_cost, avg_los FROM dip_groups WHERE source = ?"
            " ORDER BY group_code",
            (source,),
        ):
            related, all_ = _related(row[4])
            group = Group(
                row[0],
                row[1],
                row[2],
                row[3] or None,
                related,
                all_,
                row[5],
                row[6] / SCALE,
                row[7] / SCALE,
                None if row[8] is None else row[8] / SCALE,
            )
            if group.group_type == "core":
                cat.core.setdefault(group.diagnosis, []).append(group)
            else:
                cat.comprehensive.setdefault((group.diagnosis, group.treatment or ""), group)
        lists: dict[str, list[str]] = {}
        for name, prefix in conn.execute(
            "SELECT disease_list, code_prefix FROM code_limits"
            " WHERE code_system = 'icd10' AND disease_list IS NOT NULL"
        ):
            lists.setdefault(name, []).append(prefix)
        cat.lists = {k: tuple(v) for k, v in lists.items()}
        kinds = conn.execute(
            "SELECT code_prefix, procedure_kind FROM code_limits"
            " WHERE code_system = 'icd9cm3' AND procedure_kind IS NOT NULL"
        ).fetchall()
        cat.procedure_kinds = sorted(kinds, key=lambda r: -len(r[0]))
        return cat

    @property
    def empty(self) -> bool:
        return not self.core and not self.comprehensive

    def in_list(self, code: str | None, name: str) -> bool:
        return bool(code) and code.startswith(self.lists.get(name, ()) or ("\0",))

    def procedure_kind(self, code: str | None) -> str:
        """surgical / therapeutic / diagnostic, or conservative when there is no procedure."""
        if not code:
            return "conservative"
        for prefix, kind in self.procedure_kinds:
            if code.startswith(prefix):
                return kind
        try:
            chapter = int(code.split(".")[0][:2])
        except ValueError:
            return "surgical"
        if chapter <= 86:
            return "surgical"
        if chapter <= 91:
            return "diagnostic"
        return "therapeutic"


@dataclass
class Case:
    claim_id: str
    institution_code: str
    main_diagnosis: str | None
    main_procedure: str | None
    other_procedures: frozenset[str]
    admission_date: str
    discharge_date: str
    cost: float
    fund_paid: float
    level: int | None
    dip_coefficient: float | None

    @property
    def los(self) -> int:
        days = (
            date.fromisoformat(self.discharge_date) - date.fromisoformat(self.admission_date)
        ).days
        return max(1, days)


@dataclass
class CaseResult:
    claim_id: str
    institution_code: str
    payment_method: str
    case_type: str
    group: Group | None
    rw: float
    coefficient: float | None
    ratio: float
    points: float
    los: int
    procedure_kind: str
    steps: list[str] = field(default_factory=list)

    @property
    def group_code(self) -> str | None:
        return self.group.group_code if self.group else None


def choose_group(case: Case, cat: Catalogue, steps: list[str] | None = None) -> Group | None:
    """Section 2: core groups first (with related procedures and ties), then comprehensive."""
    note = steps.append if steps is not None else (lambda _text: None)
    dx = case.main_diagnosis or ""
    sub = sub_code(dx)
    candidates = cat.core.get(sub, [])
    note(f"core candidates for {sub}: {', '.join(g.group_code for g in candidates) or 'none'}")
    chosen = None
    if candidates:
        if not case.main_procedure:
            plain = [g for g in candidates if not g.main_procedure]
            chosen = plain[0] if plain else None
            note(
                "no main procedure: the conservative core group" + ("" if chosen else " is missing")
            )
        else:
            same = [g for g in candidates if g.main_procedure == case.main_procedure]
            note(
                f"main procedure {case.main_procedure}: "
                f"{', '.join(g.group_code for g in same) or 'no core group'}"
            )
            matching = [g for g in same if g.related_match(case.other_procedures)]
            if matching:
                best = max(g.related_count for g in matching)
                chosen = min(
                    (g for g in matching if g.related_count == best), key=lambda g: g.group_code
                )
                note(f"related procedures matched: {chosen.group_code} ({best} related codes)")
            else:
                plain = [g for g in same if not g.related]
                chosen = plain[0] if plain else None
                if chosen:
                    note("no related procedures matched: the group without related procedures")
    if chosen is not None:
        return chosen
    kind = cat.procedure_kind(case.main_procedure)
    group = cat.comprehensive.get((cat_code(dx), kind))
    note(
        f"comprehensive group for {cat_code(dx)} × {kind}: {group.group_code if group else 'none'}"
    )
    return group


def score_case(case: Case, cat: Catalogue, params: dict, explain: bool = False) -> CaseResult:
    """Sections 1 and 3: the payment method, then the group, case type and points."""
    steps: list[str] | None = [] if explain else None
    note = steps.append if steps is not None else (lambda _text: None)
    los = case.los
    kind = cat.procedure_kind(case.main_procedure)
    dx = case.main_diagnosis
    note(
        f"length of stay {los} days; main diagnosis {dx or '-'}; main procedure "
        f"{case.main_procedure or '-'} ({kind})"
    )

    def result(method, ctype, group=None, rw=0.0, c=None, ratio=0.0, points=0.0):
        return CaseResult(
            case.claim_id,
            case.institution_code,
            method,
            ctype,
            group,
            rw,
            c,
            ratio,
            points,
            los,
            kind,
            steps or [],
        )

    if cat.in_list(dx, "bed_day") and los >= params["bed_day_min_los"]:
        note(
            f"diagnosis in the bed-day list and stay ≥ {params['bed_day_min_los']} days: paid per bed-day"
        )
        return result("bed_day", "excluded")
    if cat.in_list(dx, "maternity"):
        note("diagnosis in the maternity list: paid by disease type")
        return result("by_disease", "excluded")
    group = choose_group(case, cat, steps) if dx else None
    if group is None:
        note("no group: paid fee-for-service, 0 points")
        return result("fee_for_service", "ungrouped")
    if case.dip_coefficient is not None:
        c, why = case.dip_coefficient, "the institution's own coefficient"
    elif case.level is not None and str(case.level) in params["level_coefficients"]:
        c, why = float(params["level_coefficients"][str(case.level)]), f"level {case.level}"
    else:
        c, why = 1.0, "default"
    rw = group.rw
    ratio = case.cost / (group.avg_cost * c) if group.avg_cost else 0.0
    note(
        f"group {group.group_code}: rw {rw:g}, avg cost {group.avg_cost:g}; coefficient {c:g} ({why})"
    )
    note(f"cost ratio r = {case.cost:.2f} / ({group.avg_cost:g} × {c:g}) = {ratio:.4f}")
    if ratio < params["low_ratio"]:
        ctype, points = "low", rw * c * ratio
        note(
            f"r < {params['low_ratio']:g}: low case, points = {rw:g} × {c:g} × {ratio:.4f} = {points:.4f}"
        )
    elif ratio > params["high_ratio"]:
        ctype = "special" if ratio > params["special_review_ratio"] else "high"
        points = rw * c * (ratio - params["high_ratio"] + 1)
        note(
            f"r > {params['high_ratio']:g}: {ctype} case, points = {rw:g} × {c:g} × "
            f"({ratio:.4f} − {params['high_ratio']:g} + 1) = {points:.4f}"
            + ("; listed for special-case review" if ctype == "special" else "")
        )
    else:
        ctype, points = "normal", rw * c
        note(f"normal case, points = {rw:g} × {c:g} = {points:.4f}")
    return result("dip", ctype, group, rw, c, ratio, points)


CASES_SQL = """
SELECT c.claim_id, c.institution_code, c.main_diagnosis, c.main_procedure, c.other_procedures,
       c.admission_date, c.discharge_date, c.total_amount, coalesce(c.fund_paid, 0),
       i.level, i.dip_coefficient
FROM claims c LEFT JOIN institutions i ON i.institution_code = c.institution_code
WHERE c.visit_type = 'inpatient' AND c.discharge_date IS NOT NULL
"""


def load_cases(conn: sqlite3.Connection, where: str = "", args: tuple = ()) -> list[Case]:
    out = []
    for row in conn.execute(CASES_SQL + where + " ORDER BY c.discharge_date, c.claim_id", args):
        out.append(
            Case(
                row[0],
                row[1],
                row[2],
                row[3],
                frozenset(row[4].split(";")) if row[4] else frozenset(),
                row[5],
                row[6],
                row[7] / SCALE,
                row[8] / SCALE,
                row[9],
                None if row[10] is None else row[10] / SCALE,
            )
        )
    return out

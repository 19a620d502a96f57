"""DIP payment method and grouping (dip_spec.md sections 1–2) and institution coefficients.

``Catalogue.load`` reads the groups and code knowledge once; ``place`` decides one
combination of codes, and records each decision through ``note`` so ``dip explain`` can show
it to a disputing hospital. Scoring a year of cases is set-based SQL (``engine.dip.scoring``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from engine.labels import label
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


class _GroupRow(NamedTuple):
    """The columns of ``dip_groups`` a group is read from: the SELECT names these fields."""

    group_code: str
    group_type: str
    diagnosis: str
    main_procedure: str | None
    related_procedures: str | None
    treatment: str | None
    rw: int  # units of 1/10000
    avg_cost: int
    avg_los: int | None


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
        for row in map(
            _GroupRow._make,
            conn.execute(
                f"SELECT {', '.join(_GroupRow._fields)} FROM dip_groups WHERE source = ?"
                " ORDER BY group_code",
                (source,),
            ),
        ):
            related, all_ = _related(row.related_procedures)
            group = Group(
                row.group_code,
                row.group_type,
                row.diagnosis,
                row.main_procedure or None,
                related,
                all_,
                row.treatment,
                row.rw / SCALE,
                row.avg_cost / SCALE,
                None if row.avg_los is None else row.avg_los / SCALE,
            )
            if group.group_type in ("core", "basic"):  # a basic group is a core group too
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


@dataclass(frozen=True, slots=True)
class Placement:
    """What a case's codes (and a long stay) decide, before its cost is looked at."""

    payment_method: str
    case_type: str | None  # "excluded" or "ungrouped" when no DIP points are paid
    group: Group | None
    procedure_kind: str


Note = Callable[[str, str], None] | None  # one step of the explanation: (zh, en)


def choose_group(
    dx: str, px: str | None, others: frozenset[str], cat: Catalogue, note: Note = None
) -> Group | None:
    """Section 2: core groups first (with related procedures and ties), then comprehensive."""
    sub = sub_code(dx)
    candidates = cat.core.get(sub, [])
    if note:
        codes = "、".join(g.group_code for g in candidates)
        note(
            f"{sub} 的核心病种候选：{codes or '无'}",
            f"core candidates for {sub}: {', '.join(g.group_code for g in candidates) or 'none'}",
        )
    chosen = None
    if candidates:
        if not px:
            plain = [g for g in candidates if not g.main_procedure]
            chosen = plain[0] if plain else None
            if note:
                note(
                    "无主手术操作：" + ("入保守治疗核心病种" if chosen else "缺少保守治疗核心病种"),
                    "no main procedure: the conservative core group"
                    + ("" if chosen else " is missing"),
                )
        else:
            same = [g for g in candidates if g.main_procedure == px]
            if note:
                note(
                    f"主手术操作 {px}：{'、'.join(g.group_code for g in same) or '无核心病种'}",
                    f"main procedure {px}: {', '.join(g.group_code for g in same) or 'no core group'}",
                )
            matching = [g for g in same if g.related_match(others)]
            if matching:
                best = max(g.related_count for g in matching)
                chosen = min(
                    (g for g in matching if g.related_count == best), key=lambda g: g.group_code
                )
                if note:
                    note(
                        f"匹配相关手术操作：{chosen.group_code}（{best} 个相关编码）",
                        f"related procedures matched: {chosen.group_code} ({best} related codes)",
                    )
            else:
                plain = [g for g in same if not g.related]
                chosen = plain[0] if plain else None
                if chosen and note:
                    note(
                        "未匹配相关手术操作：入不含相关手术操作的病种",
                        "no related procedures matched: the group without related procedures",
                    )
    if chosen is not None:
        return chosen
    kind = cat.procedure_kind(px)
    group = cat.comprehensive.get((cat_code(dx), kind))
    if note:
        note(
            f"{cat_code(dx)} × {label('procedure_kind', kind)} 的综合病种："
            f"{group.group_code if group else '无'}",
            f"comprehensive group for {cat_code(dx)} × {kind}: {group.group_code if group else 'none'}",
        )
    return group


def place(
    dx: str | None,
    px: str | None,
    others: frozenset[str],
    los: int,
    cat: Catalogue,
    params: dict,
    note: Note = None,
) -> Placement:
    """Section 1 (payment method) and section 2 (group) of one case."""
    kind = cat.procedure_kind(px)
    if note:
        note(
            f"住院 {los} 天；主诊断 {dx or '-'}；主手术操作 {px or '-'}"
            f"（{label('procedure_kind', kind)}）",
            f"length of stay {los} days; main diagnosis {dx or '-'}; main procedure "
            f"{px or '-'} ({kind})",
        )
    if cat.in_list(dx, "bed_day") and los >= params["bed_day_min_los"]:
        if note:
            note(
                f"诊断在床日付费目录内且住院 ≥ {params['bed_day_min_los']} 天：按床日付费",
                f"diagnosis in the bed-day list and stay ≥ {params['bed_day_min_los']} days:"
                " paid per bed-day",
            )
        return Placement("bed_day", "excluded", None, kind)
    if cat.in_list(dx, "maternity"):
        if note:
            note(
                "诊断在生育病种目录内：按病种付费",
                "diagnosis in the maternity list: paid by disease type",
            )
        return Placement("by_disease", "excluded", None, kind)
    group = choose_group(dx, px, others, cat, note) if dx else None
    if group is None:
        if note:
            note("未入组：按项目付费，0 分", "no group: paid fee-for-service, 0 points")
        return Placement("fee_for_service", "ungrouped", None, kind)
    return Placement("dip", None, group, kind)


def coefficient(
    level: int | None, own: float | None, params: dict, group: Group | None = None
) -> tuple[float, tuple[str, str]]:
    """The institution's coefficient and why, (zh, en): its own, else its level's, else 1
    (section 3); for a 基层病种 (group_type basic) the basic coefficient, whatever the
    institution."""
    if group is not None and group.group_type == "basic":
        return float(params["basic_coefficient"]), (
            "基层病种：各级机构相同",
            "基层病种 (basic group): the same at every level",
        )
    if own is not None:
        return own, ("机构自身系数", "the institution's own coefficient")
    if level is not None and str(level) in params["level_coefficients"]:
        return float(params["level_coefficients"][str(level)]), (
            f"{level} 级机构",
            f"level {level}",
        )
    return 1.0, ("默认", "default")


#: Each field of ``Case`` and the SQL it is selected as, in ``Case``'s order: the SELECT and
#: the reads are this one list (money and the coefficient in units of 1/10000 until read).
_CASE_SELECT = {
    "claim_id": "c.claim_id",
    "institution_code": "c.institution_code",
    "main_diagnosis": "c.main_diagnosis",
    "main_procedure": "c.main_procedure",
    "other_procedures": "c.other_procedures",
    "admission_date": "c.admission_date",
    "discharge_date": "c.discharge_date",
    "cost": "c.total_amount",
    "fund_paid": "coalesce(c.fund_paid, 0)",
    "level": "i.level",
    "dip_coefficient": "i.dip_coefficient",
}
CASES_SQL = f"""
SELECT {", ".join(_CASE_SELECT.values())}
FROM claims c LEFT JOIN institutions i ON i.institution_code = c.institution_code
WHERE c.visit_type = 'inpatient' AND c.discharge_date IS NOT NULL
"""
ORDER = " ORDER BY c.discharge_date, c.claim_id"


def _codes(text: str | None) -> frozenset[str]:
    return frozenset(text.split(";")) if text else frozenset()


def _case(row: tuple) -> Case:
    case = dict(zip(_CASE_SELECT, row, strict=True))
    case["other_procedures"] = _codes(case["other_procedures"])
    case["cost"] /= SCALE
    case["fund_paid"] /= SCALE
    if case["dip_coefficient"] is not None:
        case["dip_coefficient"] /= SCALE
    return Case(**case)


def load_cases(conn: sqlite3.Connection, where: str = "", args: tuple = ()) -> list[Case]:
    return [_case(row) for row in conn.execute(CASES_SQL + where + ORDER, args)]

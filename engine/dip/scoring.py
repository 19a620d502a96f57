"""Scoring cases in SQL (dip_spec.md section 3): one statement scores every case.

What a case's codes decide — payment method, group, procedure kind — depends only on its
diagnosis, procedures and whether the stay is long, so Python works it out once per
distinct combination (``grouping.place``) into ``x_place``, and each institution's
coefficient once into ``x_coef``. ``Scoring.cases_sql`` is then a SELECT that scores every
case in SQLite; callers aggregate it, store it or read it, and nothing per case has to cross
into Python. The case-type and points formulas live here only: ``dip explain`` reads its
numbers back from the same statement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from engine.dip.grouping import Catalogue, coefficient, place
from engine.labels import label
from engine.money import SCALE
from engine.workspace import open_reader, reader_path

_LOS = "max(1, CAST(julianday(cl.discharge_date) - julianday(cl.admission_date) AS INTEGER))"

_SCHEMA = """
DROP TABLE IF EXISTS temp.x_place;
DROP TABLE IF EXISTS temp.x_coef;
DROP TABLE IF EXISTS temp.x_effect;
DROP TABLE IF EXISTS temp.x_factor;
CREATE TEMP TABLE x_place (
  dx TEXT, px TEXT, others TEXT, long_stay INTEGER, bed_day INTEGER,
  payment_method TEXT, case_type TEXT, group_code TEXT, rw REAL, avg_cost REAL, avg_los REAL,
  procedure_kind TEXT, basic INTEGER, PRIMARY KEY (dx, px, others, long_stay)) WITHOUT ROWID;
CREATE TEMP TABLE x_coef (institution_code TEXT PRIMARY KEY, c REAL) WITHOUT ROWID;
CREATE TEMP TABLE x_effect (claim_id TEXT PRIMARY KEY, effect TEXT, source TEXT,
  approval) WITHOUT ROWID;
CREATE TEMP TABLE x_factor (claim_id TEXT PRIMARY KEY, factor REAL) WITHOUT ROWID;
"""

# The key under which a work-injury case finds its x_place row: paid by another fund.
OTHER_FUND = "#other_fund"  # no ICD-10 code starts with "#"

# Columns: claim_id, institution_code, payment_method, group_code, procedure_kind, los,
# avg_los, cost_units, paid_units, discharge_date, rw, coefficient, ratio, case_type, points,
# fund, factor, effect, effect_source, main_diagnosis.
# ``effect``: a confirmed finding's points effect (zero, regroup_conservative; x_effect holds
# only those that apply, on DIP cases) or special_approved (when the case is special);
# ``effect_source`` the finding id (text) or the special-case decision id (a number, as
# ``yibao dip special`` reports it: x_effect.approval has no type, so it stays one).
_CASES = """
SELECT claim_id, institution_code, payment_method, group_code, procedure_kind, los, avg_los,
       cost_units, paid_units, discharge_date, rw, coefficient, ratio,
       CASE WHEN effect = 'zero' THEN 'disallowed'
            WHEN group_code IS NULL THEN case_type
            WHEN ratio < :low_ratio THEN 'low'
            WHEN ratio > :high_ratio THEN
              CASE WHEN ratio <= :special_review_ratio THEN 'high'
                   WHEN approval IS NOT NULL THEN 'special_approved' ELSE 'special' END
            ELSE 'normal' END AS case_type,
       CASE WHEN effect = 'zero' OR group_code IS NULL THEN 0.0
            WHEN ratio < :low_ratio THEN rw * coefficient * ratio * factor
            WHEN ratio > :high_ratio THEN
              CASE WHEN ratio > :special_review_ratio AND approval IS NOT NULL
                   THEN rw * coefficient * ratio * factor
                   ELSE rw * coefficient * (ratio - :high_ratio + 1) * factor END
            ELSE rw * coefficient * factor END AS points,
       fund, factor,
       CASE WHEN effect IS NOT NULL THEN effect
            WHEN approval IS NOT NULL AND group_code IS NOT NULL
                 AND ratio > :high_ratio AND ratio > :special_review_ratio
            THEN 'special_approved' END AS effect,
       CASE WHEN effect IS NOT NULL THEN source
            WHEN approval IS NOT NULL AND group_code IS NOT NULL
                 AND ratio > :high_ratio AND ratio > :special_review_ratio
            THEN approval END AS effect_source,
       main_diagnosis
FROM (
  SELECT *, CASE WHEN group_code IS NOT NULL AND avg_cost
                 THEN (cost_units / 1e4) / (avg_cost * coefficient) ELSE 0.0 END AS ratio
  FROM (
    SELECT cl.claim_id, cl.institution_code, p.payment_method, p.group_code, p.procedure_kind,
           p.case_type, p.avg_los, p.avg_cost, cl.los, cl.total_amount AS cost_units,
           coalesce(cl.fund_paid, 0) AS paid_units, cl.discharge_date, cl.main_diagnosis,
           coalesce(p.rw, 0.0) AS rw,
           CASE WHEN p.group_code IS NOT NULL
                THEN CASE WHEN p.basic THEN :basic_coefficient ELSE k.c END END AS coefficient,
           CASE WHEN cl.insurance_type = 'work_injury' THEN 'work_injury'
                WHEN NOT :split_funds THEN 'all'
                WHEN cl.insurance_type IN ('employee', 'maternity') THEN 'employee'
                ELSE 'resident' END AS fund,
           {factor} AS factor, cl.effect, cl.source, cl.approval
    FROM (SELECT cl.*, {los} AS los, {effects}
          FROM {claims} {effect_join}
          WHERE cl.visit_type = 'inpatient' AND cl.discharge_date IS NOT NULL {where}) cl
    JOIN x_place p
         ON p.dx = CASE WHEN cl.insurance_type = 'work_injury' THEN '{other}'
                        ELSE coalesce(cl.main_diagnosis, '') END
         AND p.px = CASE WHEN cl.insurance_type = 'work_injury' {regroup} THEN ''
                         ELSE coalesce(cl.main_procedure, '') END
         AND p.others = CASE WHEN cl.insurance_type = 'work_injury' {regroup} THEN ''
                             ELSE coalesce(cl.other_procedures, '') END
         AND p.long_stay = CASE WHEN p.bed_day THEN cl.los >= :bed_day_min_los ELSE 0 END
    LEFT JOIN x_coef k ON k.institution_code = cl.institution_code {factor_join}
  )
)
"""

# The claims scored, as ``cl``: by default the whole table, scanned in order (the planner
# otherwise walks the institution index to avoid a sort, paying a random lookup a claim);
# a part of an audit names its own range of claims instead (``x_claims``), read by key.
ALL_CLAIMS = "claims cl NOT INDEXED"

_NO_EFFECTS = "NULL AS effect, NULL AS source, NULL AS approval"
_EFFECTS = "e.effect, e.source, e.approval"
_EFFECT_JOIN = "LEFT JOIN x_effect e ON e.claim_id = cl.claim_id"
_REGROUP = "OR cl.effect = 'regroup_conservative'"
_FACTOR_JOIN = "LEFT JOIN x_factor f ON f.claim_id = cl.claim_id"


_DISTINCT = """
SELECT DISTINCT coalesce(main_diagnosis, ''), coalesce(main_procedure, ''),
       coalesce(other_procedures, '')
FROM {claims}
WHERE visit_type = 'inpatient' AND discharge_date IS NOT NULL {where}
"""

# What a plug-in's case factor sees of a DIP case (``yibao_case_factor``).
_FACTOR_CASES = """
SELECT s.claim_id, s.institution_code, i.level, i.kind, s.group_code,
       s.case_type, s.fund, c.insurance_type, c.gender, c.birth_date, c.admission_date,
       c.discharge_date, s.los, c.main_diagnosis, c.secondary_diagnoses, c.main_procedure,
       c.other_procedures, c.discharge_status, s.cost_units, s.paid_units
FROM ({cases}) s JOIN claims c ON c.claim_id = s.claim_id
LEFT JOIN institutions i ON i.institution_code = s.institution_code
WHERE s.payment_method = 'dip' AND s.case_type != 'disallowed'
"""


def _placements(keys: set[tuple], cat: Catalogue, params: dict) -> list[tuple]:
    """One row per distinct combination of codes; a diagnosis of the bed-day list gets a row
    for a short and one for a long stay, so only those cases need their length of stay."""
    rows = [(OTHER_FUND, "", "", 0, 0, "other_fund", "excluded") + (None,) * 4 + ("", 0)]
    long_los = params["bed_day_min_los"]
    for dx, px, others in sorted(keys):
        codes = frozenset(others.split(";")) if others else frozenset()
        bed_day = cat.in_list(dx, "bed_day")
        for long_stay in (0, 1) if bed_day else (0,):
            p = place(dx or None, px or None, codes, long_los if long_stay else 0, cat, params)
            g = p.group
            rows.append(
                (dx, px, others, long_stay, bed_day, p.payment_method, p.case_type)
                + ((g.group_code, g.rw, g.avg_cost, g.avg_los) if g else (None,) * 4)
                + (p.procedure_kind, int(bool(g) and g.group_type == "basic"))
            )
    return rows


def _coefficients(conn, params: dict) -> list[tuple]:
    return [
        (code, coefficient(level, None if own is None else own / SCALE, params)[0])
        for code, level, own in conn.execute(
            "SELECT institution_code, level, dip_coefficient FROM institutions"
        )
    ]


def _load(conn: sqlite3.Connection, places: list[tuple], coefs: list[tuple]) -> None:
    conn.executescript(_SCHEMA)
    conn.executemany("INSERT INTO x_place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", places)
    conn.executemany("INSERT INTO x_coef VALUES (?, ?)", coefs)


CaseFactor = Callable[[dict], float]


class Scoring:
    """``with Scoring(conn, cat, params, where, args) as scoring:`` prepares ``x_place`` and
    ``x_coef`` for the cases matching ``where`` (a fragment over ``cl``, e.g. the settlement
    year, with named parameters ``args``), and drops them afterwards.

    ``effects`` (claim → (points effect, finding id), from confirmed findings) and
    ``approvals`` (claim → special-case decision id) change cases before the point value:
    a points effect applies only to a case whose own codes place it in DIP. ``case_factor``
    (the plug-ins' ``yibao_case_factor``, multiplied) is asked once per DIP case, only when
    given, so a region without such a plug-in pays nothing for it.

    ``parts`` (argument overrides, e.g. half-years) lets ``map`` run an aggregate over each
    part at once on its own read-only connection, one per core: SQLite releases the GIL, so
    a year settles on every core. Without ``parts`` (or inside an open transaction, whose
    rows other connections cannot see) everything runs on ``conn``.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        cat: Catalogue,
        params: dict,
        where: str = "",
        args: dict | None = None,
        parts: list[dict] | None = None,
        *,
        effects: dict[str, tuple[str, str]] | None = None,
        approvals: dict[str, int] | None = None,
        case_factor: CaseFactor | None = None,
        claims: str = ALL_CLAIMS,
    ):
        self.conn, self.cat, self.params = conn, cat, params
        self.claims = claims
        self.where, self.args = where, dict(args or {})
        self.args.update(
            {
                k: params[k]
                for k in (
                    "low_ratio",
                    "high_ratio",
                    "special_review_ratio",
                    "bed_day_min_los",
                    "basic_coefficient",
                )
            }
        )
        self.args["split_funds"] = int(isinstance(params.get("fund_budget"), dict))
        self.effects = dict(effects or {})
        self.approvals = dict(approvals or {})
        self.case_factor = case_factor
        self.has_factors = False
        self.applied: dict[str, str] = {}  # claim → the points effect that changed it
        path = reader_path(conn)
        parallel = parts and len(parts) > 1 and path
        self.path = path if parallel else None
        self.parts = parts if parallel else [{}]
        self.readers: list[sqlite3.Connection] = []

    def map(self, sql: str) -> list[list[tuple]]:
        """Run ``sql`` (bound with ``args``) over each part; one list of rows per part."""
        return self.each(lambda conn, args: conn.execute(sql, args).fetchall())

    def each(self, work: Callable[[sqlite3.Connection, dict], list]) -> list[list]:
        """``work(connection, args)`` for each part at once, on the part's connection."""

        def run(index: int) -> list:
            return work(self.readers[index], {**self.args, **self.parts[index]})

        if len(self.readers) == 1:
            return [run(0)]
        with ThreadPoolExecutor(len(self.readers)) as pool:
            return list(pool.map(run, range(len(self.readers))))

    def __enter__(self) -> Scoring:
        self.readers = [open_reader(self.path) for _ in self.parts] if self.path else [self.conn]
        try:
            self._prepare()
        except BaseException:
            self.__exit__()
            raise
        return self

    @property
    def connections(self) -> list[sqlite3.Connection]:
        return list({id(c): c for c in [self.conn, *self.readers]}.values())

    def _prepare(self) -> None:
        keys = {key for rows in self.map(self._sql(_DISTINCT)) for key in rows}
        regroup = [c for c, (effect, _) in self.effects.items() if effect == REGROUP]
        keys |= {(dx, "", "") for (dx,) in self._claims("coalesce(main_diagnosis, '')", regroup)}
        places = _placements(keys, self.cat, self.params)
        coefs = _coefficients(self.conn, self.params)
        for conn in self.connections:
            _load(conn, places, coefs)
        if self.effects or self.approvals:
            self._load_effects()
        if self.case_factor is not None:
            self._load_factors()

    def _claims(self, columns: str, claims: list[str]) -> list[tuple]:
        out = []
        for start in range(0, len(claims), 500):
            chunk = claims[start : start + 500]
            out += self.conn.execute(
                f"SELECT {columns} FROM claims WHERE claim_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        return out

    def _load_effects(self) -> None:
        """Keep the points effects of DIP cases only (a case's own codes decide), then load
        them with the approvals onto every connection."""
        rows = {c: [effect, source, None] for c, (effect, source) in self.effects.items()}
        if rows:
            self._insert_effects(list(rows.items()))
            kept = self.conn.execute(
                f"SELECT claim_id FROM ({self.cases_sql(effects=False)})"
                " WHERE payment_method = 'dip' AND claim_id IN (SELECT claim_id FROM x_effect)",
                self.args,
            ).fetchall()
            kept_ids = {c for (c,) in kept}
            rows = {c: r for c, r in rows.items() if c in kept_ids}
        for claim_id, source in self.approvals.items():
            rows.setdefault(claim_id, [None, None, None])[2] = source
        self.applied = {c: r[0] for c, r in rows.items() if r[0]}
        self._insert_effects(list(rows.items()))

    def _insert_effects(self, rows: list[tuple[str, list]]) -> None:
        for conn in self.connections:
            conn.execute("DELETE FROM x_effect")
            conn.executemany("INSERT INTO x_effect VALUES (?, ?, ?, ?)", [(c, *r) for c, r in rows])

    def _load_factors(self) -> None:
        """Ask the plug-ins' factor for every DIP case (as the effects left it)."""
        types = {g.group_code: g.group_type for gs in self.cat.core.values() for g in gs}
        types |= {g.group_code: g.group_type for g in self.cat.comprehensive.values()}
        sql = _FACTOR_CASES.replace("{cases}", self.cases_sql())
        factors = []
        for rows in self.map(sql):
            for row in rows:
                case = dict(zip(FACTOR_FIELDS, row, strict=True))
                case["group_type"] = types.get(case["group_code"])
                case["cost"] = case.pop("cost_units") / SCALE
                case["fund_paid"] = case.pop("paid_units") / SCALE
                factor = self.case_factor(case)
                if factor != 1.0:
                    factors.append((case["claim_id"], factor))
        for conn in self.connections:
            conn.executemany("INSERT INTO x_factor VALUES (?, ?)", factors)
        self.has_factors = True

    def __exit__(self, *exc) -> None:
        for table in ("x_place", "x_coef", "x_effect", "x_factor"):
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
        for reader in self.readers:
            if reader is not self.conn:
                reader.close()

    def _sql(self, sql: str, extra_where: str = "") -> str:
        return sql.replace("{claims}", self.claims).replace("{where}", self.where + extra_where)

    def cases_sql(self, extra_where: str = "", *, effects: bool = True) -> str:
        """The SELECT scoring each case (columns as listed above ``_CASES``); bind ``args``."""
        with_effects = effects and bool(self.effects or self.approvals)
        return (
            self._sql(_CASES, extra_where)
            .replace("{los}", _LOS)
            .replace("{other}", OTHER_FUND)
            .replace("{effects}", _EFFECTS if with_effects else _NO_EFFECTS)
            .replace("{effect_join}", _EFFECT_JOIN if with_effects else "")
            .replace("{regroup}", _REGROUP if with_effects else "")
            .replace("{factor}", "coalesce(f.factor, 1.0)" if self.has_factors else "1.0")
            .replace("{factor_join}", _FACTOR_JOIN if self.has_factors else "")
        )


REGROUP = "regroup_conservative"
FACTOR_FIELDS = (
    "claim_id",
    "institution_code",
    "level",
    "kind",
    "group_code",
    "case_type",
    "fund",
    "insurance_type",
    "gender",
    "birth_date",
    "admission_date",
    "discharge_date",
    "los",
    "main_diagnosis",
    "secondary_diagnoses",
    "main_procedure",
    "other_procedures",
    "discharge_status",
    "cost_units",
    "paid_units",
)


def describe(row: dict, cost: float, params: dict) -> list[tuple[str, str]]:
    """The scoring steps of one row of ``Scoring.cases_sql``, with its numbers, each (zh, en)
    (``dip explain``)."""
    ctype, rw, c, ratio, points = (
        row[k] for k in ("case_type", "rw", "coefficient", "ratio", "points")
    )
    factor = row.get("factor") or 1.0
    times = f" × factor {factor:g}" if factor != 1.0 else ""
    times_zh = f" × 调整系数 {factor:g}" if factor != 1.0 else ""
    sums = f"{rw:g} × {c:g}"
    steps = [
        (
            f"费用倍率 r = {cost:.2f} / ({row['avg_cost']:g} × {c:g}) = {ratio:.4f}",
            f"cost ratio r = {cost:.2f} / ({row['avg_cost']:g} × {c:g}) = {ratio:.4f}",
        )
    ]
    if ctype == "disallowed":
        steps.append(
            (
                f"已确认疑点 {row['effect_source']}（分值影响：不予计分）：不予支付，分值 = 0"
                "（病例仍列出，其扣款不再重复扣除）",
                f"confirmed finding {row['effect_source']} (points effect zero): disallowed,"
                " points = 0 (the case stays listed; its deduction is not also taken)",
            )
        )
    elif ctype == "low":
        steps.append(
            (
                f"r < {params['low_ratio']:g}：低倍率病例，分值 = {sums} × {ratio:.4f}"
                f"{times_zh} = {points:.4f}",
                f"r < {params['low_ratio']:g}: low case, points = {sums} × {ratio:.4f}"
                f"{times} = {points:.4f}",
            )
        )
    elif ctype == "special_approved":
        steps.append(
            (
                f"r > {params['special_review_ratio']:g}：特例单议已批准（决定 {row['effect_source']}），"
                f"按实际费用计分：分值 = {sums} × {ratio:.4f}{times_zh} = {points:.4f}",
                f"r > {params['special_review_ratio']:g}: special case approved in review"
                f" (decision {row['effect_source']}), paid on its actual cost: points = {sums}"
                f" × {ratio:.4f}{times} = {points:.4f}",
            )
        )
    elif ctype in ("high", "special"):
        formula = f"{sums} × ({ratio:.4f} − {params['high_ratio']:g} + 1)"
        steps.append(
            (
                f"r > {params['high_ratio']:g}：{label('case_type', ctype)}，分值 = {formula}"
                f"{times_zh} = {points:.4f}" + ("；列入特例单议" if ctype == "special" else ""),
                f"r > {params['high_ratio']:g}: {ctype} case, points = {formula}{times}"
                f" = {points:.4f}"
                + ("; listed for special-case review" if ctype == "special" else ""),
            )
        )
    else:
        steps.append(
            (
                f"正常病例，分值 = {sums}{times_zh} = {points:.4f}",
                f"normal case, points = {sums}{times} = {points:.4f}",
            )
        )
    return steps

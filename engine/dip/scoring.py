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
from concurrent.futures import ThreadPoolExecutor

from engine.dip.grouping import Catalogue, coefficient, place
from engine.money import SCALE
from engine.workspace import open_reader, reader_path

_LOS = "max(1, CAST(julianday(cl.discharge_date) - julianday(cl.admission_date) AS INTEGER))"

_SCHEMA = """
DROP TABLE IF EXISTS temp.x_place;
DROP TABLE IF EXISTS temp.x_coef;
CREATE TEMP TABLE x_place (
  dx TEXT, px TEXT, others TEXT, long_stay INTEGER, bed_day INTEGER,
  payment_method TEXT, case_type TEXT, group_code TEXT, rw REAL, avg_cost REAL, avg_los REAL,
  procedure_kind TEXT, PRIMARY KEY (dx, px, others, long_stay)) WITHOUT ROWID;
CREATE TEMP TABLE x_coef (institution_code TEXT PRIMARY KEY, c REAL) WITHOUT ROWID;
"""

# Columns: claim_id, institution_code, payment_method, group_code, procedure_kind, los,
# avg_los, cost_units, paid_units, discharge_date, rw, coefficient, ratio, case_type, points.
_CASES = f"""
SELECT claim_id, institution_code, payment_method, group_code, procedure_kind, los, avg_los,
       cost_units, paid_units, discharge_date, rw, coefficient, ratio,
       CASE WHEN group_code IS NULL THEN case_type
            WHEN ratio < :low_ratio THEN 'low'
            WHEN ratio > :high_ratio THEN
              CASE WHEN ratio > :special_review_ratio THEN 'special' ELSE 'high' END
            ELSE 'normal' END AS case_type,
       CASE WHEN group_code IS NULL THEN 0.0
            WHEN ratio < :low_ratio THEN rw * coefficient * ratio
            WHEN ratio > :high_ratio THEN rw * coefficient * (ratio - :high_ratio + 1)
            ELSE rw * coefficient END AS points
FROM (
  SELECT cl.claim_id, cl.institution_code, p.payment_method, p.group_code, p.procedure_kind,
         p.case_type, p.avg_los, cl.los, cl.total_amount AS cost_units,
         coalesce(cl.fund_paid, 0) AS paid_units, cl.discharge_date,
         coalesce(p.rw, 0.0) AS rw,
         CASE WHEN p.group_code IS NOT NULL THEN k.c END AS coefficient,
         CASE WHEN p.group_code IS NOT NULL AND p.avg_cost
              THEN (cl.total_amount / 1e4) / (p.avg_cost * k.c) ELSE 0.0 END AS ratio
  FROM (SELECT cl.*, {_LOS} AS los FROM claims cl NOT INDEXED
        WHERE cl.visit_type = 'inpatient' AND cl.discharge_date IS NOT NULL {{where}}) cl
  JOIN x_place p ON p.dx = coalesce(cl.main_diagnosis, '')
       AND p.px = coalesce(cl.main_procedure, '')
       AND p.others = coalesce(cl.other_procedures, '')
       AND p.long_stay = CASE WHEN p.bed_day THEN cl.los >= :bed_day_min_los ELSE 0 END
  LEFT JOIN x_coef k ON k.institution_code = cl.institution_code
)
"""


_DISTINCT = """
SELECT DISTINCT coalesce(main_diagnosis, ''), coalesce(main_procedure, ''),
       coalesce(other_procedures, '')
FROM claims cl NOT INDEXED
WHERE visit_type = 'inpatient' AND discharge_date IS NOT NULL {where}
"""


def _placements(keys: set[tuple], cat: Catalogue, params: dict) -> list[tuple]:
    """One row per distinct combination of codes; a diagnosis of the bed-day list gets a row
    for a short and one for a long stay, so only those cases need their length of stay."""
    rows = []
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
                + (p.procedure_kind,)
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
    conn.executemany("INSERT INTO x_place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", places)
    conn.executemany("INSERT INTO x_coef VALUES (?, ?)", coefs)


class Scoring:
    """``with Scoring(conn, cat, params, where, args) as scoring:`` prepares ``x_place`` and
    ``x_coef`` for the cases matching ``where`` (a fragment over ``cl``, e.g. the settlement
    year, with named parameters ``args``), and drops them afterwards.

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
    ):
        self.conn, self.cat, self.params = conn, cat, params
        self.where, self.args = where, dict(args or {})
        self.args.update(
            {
                k: params[k]
                for k in ("low_ratio", "high_ratio", "special_review_ratio", "bed_day_min_los")
            }
        )
        path = reader_path(conn)
        parallel = parts and len(parts) > 1 and path
        self.path = path if parallel else None
        self.parts = parts if parallel else [{}]
        self.readers: list[sqlite3.Connection] = []

    def map(self, sql: str) -> list[list[tuple]]:
        """Run ``sql`` (bound with ``args``) over each part; one list of rows per part."""

        def run(index: int) -> list[tuple]:
            return self.readers[index].execute(sql, {**self.args, **self.parts[index]}).fetchall()

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

    def _prepare(self) -> None:
        keys = {key for rows in self.map(_DISTINCT.replace("{where}", self.where)) for key in rows}
        places = _placements(keys, self.cat, self.params)
        coefs = _coefficients(self.conn, self.params)
        for conn in {id(c): c for c in [self.conn, *self.readers]}.values():
            _load(conn, places, coefs)

    def __exit__(self, *exc) -> None:
        for table in ("x_place", "x_coef"):
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
        for reader in self.readers:
            if reader is not self.conn:
                reader.close()

    def cases_sql(self, extra_where: str = "") -> str:
        """The SELECT scoring each case (columns as listed above ``_CASES``); bind ``args``."""
        return _CASES.replace("{where}", self.where + extra_where)


def describe(row: dict, cost: float, params: dict) -> list[str]:
    """The scoring steps of one row of ``Scoring.cases_sql``, with its numbers (``dip explain``)."""
    ctype, rw, c, ratio, points = (
        row[k] for k in ("case_type", "rw", "coefficient", "ratio", "points")
    )
    steps = [f"cost ratio r = {cost:.2f} / ({row['avg_cost']:g} × {c:g}) = {ratio:.4f}"]
    if ctype == "low":
        steps.append(
            f"r < {params['low_ratio']:g}: low case, points = {rw:g} × {c:g} × {ratio:.4f}"
            f" = {points:.4f}"
        )
    elif ctype in ("high", "special"):
        steps.append(
            f"r > {params['high_ratio']:g}: {ctype} case, points = {rw:g} × {c:g} × "
            f"({ratio:.4f} − {params['high_ratio']:g} + 1) = {points:.4f}"
            + ("; listed for special-case review" if ctype == "special" else "")
        )
    else:
        steps.append(f"normal case, points = {rw:g} × {c:g} = {points:.4f}")
    return steps

"""``dip explain``: how one case was grouped and scored, step by step."""

from __future__ import annotations

from engine.dip.grouping import Catalogue, coefficient, load_cases, place
from engine.dip.scoring import Scoring, describe
from engine.dip.settlement import catalogue_source, resolve_params
from engine.errors import UserError
from engine.overlay import reference_overlay
from engine.workspace import Workspace


def explain_case(ws: Workspace, claim_id: str, plugins=None, catalogue: str | None = None) -> dict:
    """The grouping decisions (``place``'s notes) and the scoring numbers of the same SQL
    that settles the year, so the explanation and the settlement cannot disagree."""
    conn = ws.conn
    with reference_overlay(conn, plugins.reference_data() if plugins else []):
        cases = load_cases(conn, " AND c.claim_id = ?", (claim_id,))
        if not cases:
            raise UserError(
                f"{claim_id} is not an inpatient claim with a discharge date in this workspace"
            )
        case = cases[0]
        params = resolve_params(ws, int(case.discharge_date[:4]), plugins)
        source = catalogue_source(ws, catalogue)
        cat = Catalogue.load(conn, source)
        with Scoring(conn, cat, params, " AND cl.claim_id = :claim", {"claim": claim_id}) as s:
            cursor = conn.execute(s.cases_sql(), s.args)
            names = [d[0] for d in cursor.description]
            row = dict(zip(names, cursor.fetchone(), strict=True))
    steps: list[str] = []
    p = place(
        case.main_diagnosis,
        case.main_procedure,
        case.other_procedures,
        row["los"],
        cat,
        params,
        steps.append,
    )
    if p.group is not None:
        c, why = coefficient(case.level, case.dip_coefficient, params)
        g = p.group
        steps.append(
            f"group {g.group_code}: rw {g.rw:g}, avg cost {g.avg_cost:g}; coefficient {c:g} ({why})"
        )
        steps += describe({**row, "avg_cost": g.avg_cost}, case.cost, params)
    return {
        "claim_id": claim_id,
        "institution_code": case.institution_code,
        "catalogue": source,
        "payment_method": row["payment_method"],
        "case_type": row["case_type"],
        "group_code": row["group_code"],
        "rw": row["rw"],
        "coefficient": row["coefficient"],
        "ratio": round(row["ratio"], 4),
        "points": round(row["points"], 4),
        "steps": steps,
    }

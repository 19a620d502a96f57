"""``dip explain``: how one case was grouped and scored, step by step."""

from __future__ import annotations

from engine.dip.grouping import Catalogue, load_cases, score_case
from engine.dip.settlement import catalogue_source, resolve_params
from engine.errors import UserError
from engine.workspace import Workspace


def explain_case(ws: Workspace, claim_id: str, plugins=None, catalogue: str | None = None) -> dict:
    cases = load_cases(ws.conn, " AND c.claim_id = ?", (claim_id,))
    if not cases:
        raise UserError(
            f"{claim_id} is not an inpatient claim with a discharge date in this workspace"
        )
    case = cases[0]
    params = resolve_params(ws, int(case.discharge_date[:4]), plugins)
    source = catalogue_source(ws, catalogue)
    result = score_case(case, Catalogue.load(ws.conn, source), params, explain=True)
    return {
        "claim_id": claim_id,
        "institution_code": case.institution_code,
        "catalogue": source,
        "payment_method": result.payment_method,
        "case_type": result.case_type,
        "group_code": result.group_code,
        "rw": result.rw,
        "coefficient": result.coefficient,
        "ratio": round(result.ratio, 4),
        "points": round(result.points, 4),
        "steps": result.steps,
    }

"""``dip explain``: how one case was grouped and scored, step by step."""

from __future__ import annotations

from engine.dip.grouping import Catalogue, load_cases, score_case
from engine.dip.settlement import catalogue_source, resolve_params
from engine.errors import UserError
from engine.overlay import reference_overlay
from engine.workspace import Workspace


def explain_case(ws: Workspace, claim_id: str, plugins=None, catalogue: str | None = None) -> dict:
    with reference_overlay(ws.conn, plugins.reference_data() if plugins else []):
        cases = load_cases(ws.conn, " AND c.claim_id = ?", (claim_id,))
        source = catalogue_source(ws, catalogue)
        groups = Catalogue.load(ws.conn, source)
    if not cases:
        raise UserError(
            f"{claim_id} is not an inpatient claim with a discharge date in this workspace"
        )
    case = cases[0]
    params = resolve_params(ws, int(case.discharge_date[:4]), plugins)
    result = score_case(case, groups, params, explain=True)
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

"""``dip explain``: how one case was grouped and scored, step by step."""

from __future__ import annotations

from engine.dip.grouping import Catalogue, coefficient, load_cases, place
from engine.dip.params import catalogue_source, resolve_params
from engine.dip.scoring import REGROUP, Scoring, describe
from engine.dip.settlement import confirmed_findings, points_effects
from engine.errors import UserError
from engine.findings import special_approvals
from engine.overlay import reference_overlay
from engine.plugins import PluginSet, or_installed
from engine.workspace import Workspace


def explain_case(
    ws: Workspace,
    claim_id: str,
    *,
    plugins: PluginSet | None = None,
    catalogue: str | None = None,
) -> dict:
    """The grouping decisions (``place``'s notes) and the scoring numbers of the same SQL
    that settles the year, so the explanation and the settlement cannot disagree
    (``plugins``: default the installed ones)."""
    plugins = or_installed(plugins)
    conn = ws.conn
    with reference_overlay(conn, plugins.reference_data() if plugins else []):
        cases = load_cases(conn, " AND c.claim_id = ?", (claim_id,))
        if not cases:
            raise UserError(
                f"工作区中没有已出院的住院结算 {claim_id} | {claim_id} is not an inpatient claim"
                " with a discharge date in this workspace"
            )
        case = cases[0]
        params = resolve_params(ws, int(case.discharge_date[:4]), plugins=plugins)
        source = catalogue_source(ws, catalogue)
        cat = Catalogue.load(conn, source)
        effects = points_effects([f for f in confirmed_findings(conn) if f.claim_id == claim_id])
        approval = {k: v for k, v in special_approvals(conn).items() if k == claim_id}
        factors: list[tuple[str, float]] = []

        def factor(fact: dict) -> float:
            factors.extend(plugins.case_factors(fact))
            return plugins.case_factor(fact)

        with Scoring(
            conn,
            cat,
            params,
            " AND cl.claim_id = :claim",
            {"claim": claim_id},
            effects=effects,
            approvals=approval,
            case_factor=factor if plugins is not None and plugins.has_case_factor() else None,
        ) as s:
            cursor = conn.execute(s.cases_sql(), s.args)
            names = [d[0] for d in cursor.description]
            row = dict(zip(names, cursor.fetchone(), strict=True))
    steps: list[tuple[str, str]] = []  # (zh, en)
    if row["payment_method"] == "other_fund":
        steps.append(
            (
                "工伤保险：由工伤保险基金支付，不在此结算（0 分）",
                "work-injury insurance: paid by the work-injury fund, not here (0 points)",
            )
        )
    regrouped = row["effect"] == REGROUP
    p = place(
        case.main_diagnosis,
        None if regrouped else case.main_procedure,
        case.other_procedures,
        row["los"],
        cat,
        params,
        None if row["payment_method"] == "other_fund" else lambda zh, en: steps.append((zh, en)),
    )
    if regrouped:
        steps.insert(
            0,
            (
                f"已确认疑点 {row['effect_source']}（分值影响：按保守治疗重新入组）："
                f"按无主手术操作重新入组（原编码 {case.main_procedure}）",
                f"confirmed finding {row['effect_source']} (points effect regroup_conservative):"
                f" grouped again as if it had no main procedure (coded {case.main_procedure})",
            ),
        )
    if p.group is not None and row["group_code"] is not None:
        c, why = coefficient(case.level, case.dip_coefficient, params, p.group)
        g = p.group
        steps.append(
            (
                f"病种 {g.group_code}：病种分值 {g.rw:g}，次均费用 {g.avg_cost:g}；机构系数 {c:g}"
                f"（{why[0]}）",
                f"group {g.group_code}: rw {g.rw:g}, avg cost {g.avg_cost:g}; coefficient {c:g}"
                f" ({why[1]})",
            )
        )
        steps += [
            (f"插件 {name}：病例调整系数 {value:g}", f"plug-in {name}: case factor {value:g}")
            for name, value in factors
        ]
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
        "fund": row["fund"],
        "factor": row["factor"],
        "factors": [{"plugin": name, "factor": value} for name, value in factors],
        "effect": row["effect"],
        "effect_source": row["effect_source"],
        "steps": [en for _zh, en in steps],
        "steps_zh": [zh for zh, _en in steps],
    }

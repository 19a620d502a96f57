"""What a report says, gathered once from the workspace; the xlsx and PDF writers only lay it out.

Amounts stay exact ``Decimal`` yuan here. Every finding carries its latest decision, and the
summaries count confirmed deductions from those latest decisions only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from engine.accountability.ledger import Ledger, for_workspace
from engine.audit_log import head, now_text
from engine.errors import UserError
from engine.findings import (
    Summary,
    findings_query,
    latest_run,
    run_started,
    stored_settlement,
    summarise,
)
from engine.money import units_to_decimal
from engine.reports.notice_settings import notice_settings
from engine.rules.catalogue import load_rulebook
from engine.workspace import Workspace

ZERO = Decimal(0)


@dataclass
class RuleInfo:
    rule_id: str
    code: str
    name_zh: str
    name_en: str
    basis: str


@dataclass
class ReportData:
    generated_at: str
    workspace: str
    run_id: str | None
    run_at: str | None
    period: tuple[str | None, str | None]
    institution: str | None
    institution_names: dict[str, str]
    rules: dict[str, RuleInfo]
    findings: list[dict]
    by_institution: list[Summary]
    by_rule: list[Summary]
    settlement: dict | None
    sections: list[tuple[str, list[list]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    doctors: Ledger | None = None  # the doctors' ledger (医师记分) of the latest scoring year
    log_head: str = ""  # entries:last hash of the log, to check it later (yibao log --head)
    appraisal: dict | None = None  # analytics.md §4: the institutions' appraisal (考核)
    notice: dict = field(default_factory=dict)  # issuer, number, objection days (settings)

    @property
    def total_deductions(self) -> Decimal:
        return sum((s.deductions for s in self.by_institution), ZERO)

    @property
    def total_amount(self) -> Decimal:
        return sum((s.amount for s in self.by_institution), ZERO)


_FINDING_KEYS = (
    "finding_id rule_id code severity claim_id line_no institution_code subject amount message "
    "patient_id admission_date discharge_date item_code item_name "
    "decision deduction reviewer comment decided_at doctor_id dept_code"
).split()


def _findings(ws: Workspace, run_id: str, institution: str | None) -> list[dict]:
    out = []
    query = findings_query(run_id, _FINDING_KEYS, institution=institution, order="institution")
    for row in ws.conn.execute(*query):
        finding = dict(zip(_FINDING_KEYS, row, strict=True))
        finding["amount"] = units_to_decimal(finding["amount"])
        finding["deduction"] = units_to_decimal(finding["deduction"])
        out.append(finding)
    return out


def rule_infos(plugins) -> dict[str, RuleInfo]:
    if plugins is None:
        return {}
    return {
        r.id: RuleInfo(r.id, r.code, r.name.get("zh", r.id), r.name.get("en", r.id), r.basis)
        for r in load_rulebook(plugins).rules()
    }


def _settlement(ws: Workspace, institution: str | None) -> dict | None:
    return stored_settlement(ws, institution=institution, cases=True)


def _period(ws: Workspace, institution: str | None) -> tuple[str | None, str | None]:
    return ws.conn.execute(
        "SELECT min(admission_date), max(coalesce(discharge_date, admission_date)) FROM claims"
        " WHERE ? IS NULL OR institution_code = ?",
        (institution, institution),
    ).fetchone()


def _summaries(findings: list[dict], rules: dict[str, RuleInfo], names: dict[str, str]):
    def rule_name(f: dict) -> str:
        info = rules.get(f["rule_id"])
        return info.name_zh if info else f["rule_id"]

    def inst(f: dict) -> str:
        return f["institution_code"] or "-"

    by_inst = summarise(findings, inst, name=lambda f: names.get(inst(f), ""))
    by_rule = summarise(findings, lambda f: f["rule_id"], key=lambda f: f["code"], name=rule_name)
    return by_inst, by_rule


def gather(
    ws: Workspace, *, institution: str | None = None, run_id: str | None = None, plugins=None
) -> ReportData:
    """Collect a report's content: the audit run (default the latest), decisions, settlement."""
    names = dict(ws.conn.execute("SELECT institution_code, coalesce(name, '') FROM institutions"))
    if institution is not None and institution not in names:
        raise UserError(f"no institution {institution} in this workspace")
    run_id = run_id or latest_run(ws)
    run_at = None
    findings: list[dict] = []
    if run_id is not None:
        run_at = run_started(ws, run_id)
        findings = _findings(ws, run_id, institution)
    rules = rule_infos(plugins)
    by_inst, by_rule = _summaries(findings, rules, names)
    sections, problems = [], []
    if plugins is not None:
        for section in plugins.report_sections():
            try:
                sections.append((section.title, [list(row) for row in section.build(ws)]))
            except Exception as exc:  # noqa: BLE001 — a broken section is reported, not fatal
                problems.append(
                    f"plug-in {section.plugin}: report section {section.title!r} failed: {exc}"
                )
        problems[:0] = plugins.problems()  # after the sections: a plug-in failing there too
    return ReportData(
        generated_at=now_text(),
        workspace=str(ws.path),
        run_id=run_id,
        run_at=run_at,
        period=_period(ws, institution),
        institution=institution,
        institution_names=names,
        rules=rules,
        findings=findings,
        by_institution=by_inst,
        by_rule=by_rule,
        settlement=_settlement(ws, institution),
        sections=sections,
        problems=problems,
        doctors=for_workspace(ws, plugins=plugins),
        log_head=str(head(ws.conn)),
        appraisal=_appraisal(ws, plugins, institution),
        notice=notice_settings(ws),
    )


def _appraisal(ws: Workspace, plugins, institution: str | None) -> dict | None:
    """The appraisal of the latest year with claims (of one institution, for its notice)."""
    from engine.analytics.appraise import appraise
    from engine.analytics.params import claim_years

    years = claim_years(ws.conn)
    if not years:
        return None
    try:
        out = appraise(ws, years[0], plugins=plugins)
    except UserError:
        return None
    if institution is not None:
        out["institutions"] = [
            i for i in out["institutions"] if i["institution_code"] == institution
        ]
    return out


def findings_by_rule(findings: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for f in findings:
        grouped[f["rule_id"]].append(f)
    return dict(sorted(grouped.items(), key=lambda kv: (kv[1][0]["code"], kv[0])))

"""``yibao import-findings``: a run made elsewhere (``yibao spark audit``) loaded into a workspace,
so review, the doctors' ledger, reports and settlement work on it as on a local run.

Only the findings of claims (and institutions) the workspace holds are loaded: a laptop may
hold one hospital's claims, or a sample, of a province's run. Reads the run's CSV and JSON (no
Spark, no Parquet library needed on the laptop).
"""

from __future__ import annotations

import csv
import json
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from engine.errors import UserError
from engine.findings import AuditResult, Finding, finding_id, store_audit
from engine.plugins import PluginSet, or_installed
from engine.workspace import Workspace, data_version

REQUIRED = ("rule_id", "code", "severity", "scope", "amount", "message")


def _rows(path: Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"{path}: cannot read the findings ({exc})") from None
    if rows and (missing := [c for c in REQUIRED if c not in rows[0]]):
        raise UserError(f"{path}: no column {', '.join(missing)}; is it a yibao findings file?")
    return rows


def import_findings(ws: Workspace, folder: str | Path, *, plugins: PluginSet | None = None) -> dict:
    """Store the run in ``folder`` (``run.json`` and ``findings.csv``) as an audit run of
    ``ws``; findings of claims or institutions it does not hold are counted and left out."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        run_id = str(meta["run_id"])
    except (OSError, ValueError, KeyError) as exc:
        raise UserError(f"{folder}: no readable run.json ({exc})") from None
    if ws.conn.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone():
        raise UserError(f"run {run_id} is already in {ws.path}")
    snapshot = data_version(ws.conn)
    claims = {r[0] for r in ws.conn.execute("SELECT claim_id FROM claims")}
    institutions = {r[0] for r in ws.conn.execute("SELECT institution_code FROM institutions")}
    findings: list[Finding] = []
    left_out = 0
    for number, row in enumerate(_rows(folder / "findings.csv"), start=2):
        claim = row.get("claim_id") or None
        institution = row.get("institution_code") or None
        if (claim is not None and claim not in claims) or (
            claim is None and institution not in institutions
        ):
            left_out += 1
            continue
        try:
            amount = Decimal(row["amount"] or "0")
            line_no = int(row["line_no"]) if row.get("line_no") else None
        except (InvalidOperation, ValueError):
            raise UserError(
                f"findings.csv row {number}: amount or line_no is not a number"
            ) from None
        subject = row.get("subject") or None
        findings.append(
            Finding(
                finding_id=finding_id(run_id, row["rule_id"], claim, line_no, institution, subject),
                run_id=run_id,
                rule_id=row["rule_id"],
                code=row["code"],
                severity=row["severity"],
                scope=row["scope"],
                claim_id=claim,
                line_no=line_no,
                institution_code=institution,
                subject=subject,
                amount=amount,
                message=row["message"],
                message_en=row.get("message_en") or row["message"],
                points_effect=row.get("points_effect") or None,
            )
        )
    result = AuditResult(
        run_id,
        list(meta.get("rulesets", [])),
        ws.count("lines"),
        ws.count("claims"),
        findings,
        list(meta.get("problems", [])),
        float(meta.get("seconds", 0.0)),
    )
    started = time.perf_counter()
    store_audit(
        ws,
        result,
        parameters=dict(meta.get("parameters", {})),
        plugins=or_installed(plugins),
        snapshot=snapshot,
        scores=[],
    )
    return {
        "run_id": run_id,
        "findings": len(findings),
        "left_out": left_out,
        "engine": meta.get("engine"),
        "seconds": round(time.perf_counter() - started, 3),
    }

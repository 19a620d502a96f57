"""One partition of a Spark run: a bucket of patients, audited or scored by the laptop's code.

Why the enrichment is not translated to Spark SQL: it is a sequence of SQLite statements over
TEMP tables (``INSERT OR IGNORE``, window functions, ``julianday``), with steps in Python
(restriction prefixes, DIP grouping), and it changes whenever a rule needs a new field. A
translation would be a second engine to keep equal to the first by hand. Instead the work is
divided where the data allows it:

- every cross-row feature of a line or claim fact belongs to one patient (a split stay at any
  institution, a course of treatment, visit windows, stays overlapping visits, cost shifting),
  so Spark shuffles claims and lines by patient into buckets, and each bucket is imported into
  an in-memory workspace by the importer itself and enriched by the same ``run_lane`` as a local
  audit lane: the same SQL, hence the same facts;
- everything region-wide (institution indicators, procurement volumes, the TJ peer groups, the
  DIP point value) is built from additive part sums, as the local lanes already do; the driver
  adds the buckets' sums up and evaluates the institution rules once.

The Rete network of each scope is built once per bucket (``ScopeRunner``), not per fact.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from engine import contract

if TYPE_CHECKING:
    from engine.findings import Finding

FINDING_COLUMNS = (
    "rule_id",
    "code",
    "severity",
    "scope",
    "claim_id",
    "line_no",
    "institution_code",
    "subject",
    "amount",
    "message",
    "message_en",
    "points_effect",
)


def column_named(columns: list[str], table: contract.Table, name: str) -> str:
    """The header a file uses for a contract column (its English name or a Chinese label)."""
    column = next(c for c in table.columns if c.name == name)
    for header in columns:
        if header.strip() == name or header.strip() in column.labels:
            return header
    raise ValueError(f"{table.name}: no column {name} ({column.label})")


def write_bucket(folder: Path, reference: Path, claims, lines) -> None:
    """A data package of one bucket: its claims and lines (pandas, cells as text) and the
    region's reference files, for ``import_package``."""
    folder.mkdir(parents=True)
    shutil.copytree(reference, folder / "reference")
    for name, frame in (("claims", claims), ("lines", lines)):
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(list(frame.columns))
            for row in frame.itertuples(index=False, name=None):
                writer.writerow(["" if v is None or v != v else v for v in row])


def _bucket_workspace(tmp: Path, reference: Path, claims, lines):
    from engine.ingest import import_package
    from engine.workspace import Workspace

    write_bucket(tmp / "package", reference, claims, lines)
    ws = Workspace.open(tmp / "bucket.yibao")
    import_package(ws, tmp / "package")
    return ws


def audit_bucket(choice: dict, reference: Path, claims, lines) -> dict:
    """One bucket: its line and claim findings, its part of the region-wide sums and its
    counts. ``choice``: the plug-ins (``only``, ``exclude``) and ``rulesets`` of the
    run; the plug-ins are loaded here, so they must be installed where the bucket runs."""
    from engine.overlay import reference_overlay
    from engine.plugins import load_plugins
    from engine.rules.audit import lane_job
    from engine.rules.catalogue import load_rulebook, rule_parameters, select_rulesets
    from engine.rules.enrich import add_custom
    from engine.rules.found import make_finding
    from engine.rules.lanes import run_lane
    from engine.rules.runner import ScopeRunner
    from engine.rules.wording import catalogue_names

    plugins = load_plugins(choice["only"], choice["exclude"])
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory() as tmp:
        ws = _bucket_workspace(Path(tmp), reference, claims, lines)
        try:
            chosen = select_rulesets(load_rulebook(plugins), choice["rulesets"], [])
            params = rule_parameters(ws, plugins)
            job = lane_job(ws, plugins, [r for rs in chosen for r in rs.rules], params)
            with reference_overlay(ws.conn, job.reference):
                names = catalogue_names(ws.conn)  # an item's name beside its code, as locally
                result = run_lane(job, ws.conn, (None, None))
                custom = plugins.fact_fields()
                for scope in ("line", "claim"):
                    rules = result.rules.get(scope)
                    if not rules:
                        continue
                    runner = ScopeRunner(
                        scope,
                        rules,
                        params,
                        lambda rule, fact: findings.append(
                            make_finding(choice["run"], rule, fact, params, names)
                        ),
                    )
                    try:
                        runner.post(add_custom(custom, scope, result.facts[scope]))
                    finally:
                        runner.close()
            counts = {"claims": ws.count("claims"), "lines": ws.count("lines")}
        finally:
            ws.close()
    return {
        "findings": [{k: getattr(f, k) for k in FINDING_COLUMNS} for f in findings],
        "part": result.institution,
        "problems": result.problems,
        "counts": counts,
    }


def reference_workspace(reference: Path, tmp: Path):
    """A workspace holding only the region's reference data (the driver's, for the
    institution facts and the parameters)."""
    from engine.ingest import import_package
    from engine.workspace import Workspace

    package = tmp / "reference_only"
    package.mkdir()
    shutil.copytree(reference, package / "reference")
    for table in (contract.CLAIMS, contract.LINES):
        (package / f"{table.name}.csv").write_text(
            ",".join(table.column_names) + "\n", encoding="utf-8"
        )
    ws = Workspace.open(tmp / "reference.yibao")
    import_package(ws, package)
    return ws


def csv_text(rows: list[dict], columns) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def settle_bucket(choice: dict, reference: Path, claims, lines, year: int) -> dict:
    """One bucket's DIP cases scored by the laptop's code: its part of the year's sums, its
    chronic-outpatient patients (capitation) and its cases."""
    from engine.dip.settlement import (
        CASE_COLUMNS,
        capitation_patients,
        case_json,
        catalogue_source,
        resolve_params,
        sum_parts,
        year_scoring,
    )
    from engine.overlay import reference_overlay
    from engine.plugins import load_plugins

    plugins = load_plugins(choice["only"], choice["exclude"])
    with tempfile.TemporaryDirectory() as tmp:
        ws = _bucket_workspace(Path(tmp), reference, claims, lines)
        try:
            params = resolve_params(ws, year, plugins=plugins)
            with (
                reference_overlay(ws.conn, plugins.reference_data()),
                year_scoring(ws.conn, params, catalogue_source(ws), [], plugins) as scoring,
            ):
                parts = sum_parts(scoring, months=params.get("budget_point_value") is not None)
                patients = capitation_patients(scoring, params)
                cases = [
                    case_json(row)
                    for row in ws.conn.execute(
                        f"SELECT {CASE_COLUMNS} FROM ({scoring.cases_sql()})", scoring.args
                    )
                ]
        finally:
            ws.close()
    return {"parts": parts, "patients": patients, "cases": cases}

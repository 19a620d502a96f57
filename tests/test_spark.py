"""The same rule files on Apache Spark (local[2]) give the same findings as the SQLite engine.

These need pyspark and Java 17 (CI has both: .ci/run installs the [spark] extra). Where either
is missing they are skipped with the reason, never passed silently."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import pytest

from engine.ingest import import_package
from engine.plugins import load_plugins
from engine.rules import run_audit
from engine.workspace import Workspace

SAMPLE = Path(__file__).parent / "data" / "sample"

pyspark = pytest.importorskip(
    "pyspark", reason="pyspark is not installed: pip install -e '.[spark]'"
)
if shutil.which("java") is None:
    pytest.skip("Java 17 is not on the PATH: Spark cannot start", allow_module_level=True)

pytestmark = pytest.mark.slow


def _key(f: dict) -> tuple:
    return (
        f["rule_id"],
        f["claim_id"] or "",
        int(f["line_no"]) if f["line_no"] not in (None, "") else -1,
        f["institution_code"] or "",
        f["subject"] or "",
        Decimal(str(f["amount"])).quantize(Decimal("0.01")),
        f["message"],
    )


def _spark_findings(out: Path) -> list[tuple]:
    with open(out / "findings.csv", encoding="utf-8", newline="") as handle:
        return sorted(_key(row) for row in csv.DictReader(handle))


def _local(package: Path, tmp: Path) -> tuple[Workspace, list[tuple]]:
    ws = Workspace.open(tmp / "local.yibao")
    import_package(ws, package)
    result = run_audit(ws, plugins=load_plugins())
    return ws, sorted(_key(asdict(f)) for f in result.findings)


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    """A generated region of about 200,000 lines (the bench's generator)."""
    from engine.demo.generator import write_package

    folder = tmp_path_factory.mktemp("region") / "package"
    write_package(folder, 7, 200_000)
    return folder


def test_spark_audit_of_the_sample_equals_the_local_audit_and_imports_back(tmp_path, monkeypatch):
    from engine.rules.import_findings import import_findings
    from engine.spark.audit import spark_audit

    out = tmp_path / "out"
    meta = spark_audit(SAMPLE, out)
    ws, local = _local(SAMPLE, tmp_path)
    assert _spark_findings(out) == local and local
    assert json.loads((out / "run.json").read_text("utf-8"))["findings"] == len(local)
    assert (out / "findings.parquet").is_dir()
    assert meta["claims_checked"] == ws.count("claims")

    # brought back to a laptop, the run is reviewed like a local one
    done = import_findings(ws, out, plugins=load_plugins())
    assert done["findings"] == len(local) and done["left_out"] == 0
    stored = ws.conn.execute(
        "SELECT count(*) FROM findings WHERE run_id = ?", (meta["run_id"],)
    ).fetchone()[0]
    assert stored == len(local)
    ws.close()


def test_spark_audit_of_a_generated_region_equals_the_local_audit(region, tmp_path):
    from engine.spark.audit import spark_audit

    out = tmp_path / "out"
    meta = spark_audit(region, out)
    ws, local = _local(region, tmp_path)
    assert meta["lines_checked"] == ws.count("lines") > 150_000
    assert meta["buckets"] >= 2  # the patients were really divided
    assert _spark_findings(out) == local
    ws.close()


def test_import_findings_keeps_only_the_claims_a_workspace_holds(tmp_path):
    """A laptop holding one hospital's claims loads that hospital's findings of the run."""
    from engine.rules.import_findings import import_findings

    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"run_id": "Atest", "rulesets": []}), "utf-8")
    with open(run / "findings.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
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
            ]
        )
        writer.writerow(
            ["r.a", "GZ1", "violation", "line", "S-CT", "3", "H002", "", "30.00", "m", "m", ""]
        )
        writer.writerow(
            ["r.a", "GZ1", "violation", "line", "ELSEWHERE", "1", "H9", "", "1.00", "m", "m", ""]
        )
    with Workspace.open(tmp_path / "w.yibao") as ws:
        import_package(ws, SAMPLE)
        done = import_findings(ws, run, plugins=load_plugins())
        assert (done["findings"], done["left_out"]) == (1, 1)
        row = ws.conn.execute("SELECT claim_id, line_no, amount FROM findings").fetchone()
        assert row == ("S-CT", 3, 300000)


def _local_settlement(package: Path, tmp: Path, year: int) -> dict:
    from engine.dip.settlement import settle

    with Workspace.open(tmp / "settle.yibao") as ws:
        import_package(ws, package)
        return settle(ws, year, plugins=load_plugins(), store=False)


@pytest.mark.parametrize("which", ["sample", "region"])
def test_spark_settle_equals_the_local_settlement_to_the_fen(which, region, tmp_path):
    from engine.spark.settle import spark_settle

    package = SAMPLE if which == "sample" else region
    year = json.loads((package / "reference" / "dip_params.json").read_text("utf-8"))["year"]
    spark = spark_settle(package, tmp_path / "out", year=year)
    local = _local_settlement(package, tmp_path, year)
    for key in (
        "year",
        "region_code",
        "point_value",
        "fund_payment_ratio",
        "total_points",
        "funds",
        "institutions",
    ):
        assert spark[key] == local[key], key
    with open(tmp_path / "out" / "cases.csv", encoding="utf-8", newline="") as handle:
        cases = sorted(
            (r["claim_id"], r["case_type"], float(r["points"])) for r in csv.DictReader(handle)
        )
    assert cases == sorted((c["claim_id"], c["case_type"], c["points"]) for c in local["cases"])
    assert local["institutions"]

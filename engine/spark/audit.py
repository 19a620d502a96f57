"""``yibao spark audit``: a data package (CSV) or a folder of Parquet tables, audited on Spark.

Claims and lines are read as text and shuffled into buckets of patients; each bucket is
audited by the laptop's own code (``partition.audit_bucket``); the buckets' region-wide sums
come back to the driver, which evaluates the institution rules once. Findings are written to
``OUT/findings.parquet`` (by the executors) and ``OUT/findings.csv``, the run's metadata to
``OUT/run.json``; ``yibao import-findings OUT -w W`` loads them into a workspace for review.
"""

from __future__ import annotations

import json
import pickle
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from engine import contract
from engine.errors import UserError
from engine.spark import require_spark
from engine.spark.partition import FINDING_COLUMNS, audit_bucket, column_named

if TYPE_CHECKING:
    from engine.findings import Finding

LINES_PER_BUCKET = 100_000

_SCHEMA = (
    "kind string, rule_id string, code string, severity string, scope string, claim_id string,"
    " line_no long, institution_code string, subject string, amount string, message string,"
    " message_en string, points_effect string, payload binary"
)


def session(master: str):
    """A Spark session; local runs keep Spark's UI and its shuffle partitions small."""
    import os
    import sys

    from pyspark.sql import SparkSession

    # the workers run this Python (with this environment's packages and PYTHONPATH)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.appName("yibao")
        .master(master)
        .config("spark.pyspark.python", sys.executable)  # workers: this Python and its packages
        .config("spark.pyspark.driver.python", sys.executable)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK), from the file's start."""
    head = path.read_bytes()[: 1 << 20]
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the end
            return "GB18030"
    return "UTF-8"


def read_tables(spark, folder: Path):
    """(claims, lines) as DataFrames of text, from CSV files of the contract or Parquet."""
    frames = []
    for table in (contract.CLAIMS, contract.LINES):
        parquet = folder / table.name
        csv = folder / f"{table.name}.csv"
        if parquet.is_dir() or (folder / f"{table.name}.parquet").exists():
            path = parquet if parquet.is_dir() else folder / f"{table.name}.parquet"
            frame = spark.read.parquet(str(path))
            frame = frame.select([frame[c].cast("string").alias(c) for c in frame.columns])
        elif csv.is_file():
            frame = (
                spark.read.option("header", True)
                .option("encoding", _encoding(csv))
                .option("multiLine", True)
                .option("escape", '"')
                .csv(str(csv), inferSchema=False)
            )
        else:
            raise UserError(f"{folder}: no {table.name}.csv and no {table.name} Parquet table")
        frames.append(frame)
    return frames


def bucketed(claims, lines, buckets: int):
    """Claims and lines with ``_bucket``: the patient's bucket (a line takes its claim's)."""
    from pyspark.sql import functions as F

    patient = column_named(claims.columns, contract.CLAIMS, "patient_id")
    claim = column_named(claims.columns, contract.CLAIMS, "claim_id")
    line_claim = column_named(lines.columns, contract.LINES, "claim_id")

    def bucket_of():
        return F.pmod(F.xxhash64(F.col(f"`{patient}`")), F.lit(buckets))

    keys = claims.select(F.col(f"`{claim}`").alias("_claim"), bucket_of().alias("_bucket"))
    lines = lines.join(keys, lines[f"`{line_claim}`"] == keys["_claim"], "left").drop("_claim")
    return claims.withColumn("_bucket", bucket_of()), lines


def checked_paths(package: str | Path, out: str | Path) -> tuple[Path, Path, Path]:
    """(package, out, its reference folder), or a clear error before Spark starts."""
    package, out = Path(package), Path(out)
    if out.exists() and any(out.iterdir()):
        raise UserError(f"{out} exists and is not empty; choose a new folder")
    reference = package / "reference"
    if not reference.is_dir():
        raise UserError(f"{package}: no reference/ folder (institutions, catalogue, …)")
    return package, out, reference


def spark_audit(
    package: str | Path,
    out: str | Path,
    *,
    master: str = "local[2]",
    rulesets: list[str] | None = None,
    only: list[str] = (),
    exclude: list[str] = (),
) -> dict:
    """Audit ``package`` on Spark and write the findings to ``out``; the run's metadata."""
    require_spark()
    from engine.overlay import reference_overlay
    from engine.plugins import load_plugins
    from engine.rules.audit import institution_scope_facts, lane_job
    from engine.rules.catalogue import load_rulebook, rule_parameters, select_rulesets
    from engine.rules.found import make_finding
    from engine.rules.kit import scope_fields
    from engine.rules.lanes import usable
    from engine.rules.runner import ScopeRunner
    from engine.rules.wording import catalogue_names
    from engine.spark.partition import reference_workspace

    package, out, reference = checked_paths(package, out)
    started = time.perf_counter()
    run_id = "A" + uuid.uuid4().hex[:12]
    plugins = load_plugins(only, exclude)
    book = load_rulebook(plugins)
    chosen = select_rulesets(book, rulesets, [])
    choice = {"only": list(only), "exclude": list(exclude), "rulesets": rulesets, "run": run_id}
    spark = session(master)
    claims, lines = read_tables(spark, package)
    buckets = max(2, spark.sparkContext.defaultParallelism, lines.count() // LINES_PER_BUCKET)
    claims, lines = bucketed(claims, lines, buckets)
    reference_text = str(reference)

    def bucket(claims_frame, lines_frame):

        claims_frame = claims_frame.drop(columns=["_bucket"])
        lines_frame = lines_frame.drop(columns=["_bucket"])
        done = audit_bucket(choice, Path(reference_text), claims_frame, lines_frame)
        rows = [{"kind": "finding", **f, "payload": None} for f in done["findings"]]
        summary = {k: done[k] for k in ("part", "problems", "counts")}
        rows.append({"kind": "part", "payload": pickle.dumps(summary)})
        for row in rows:
            if row.get("amount") is not None:
                row["amount"] = f"{row['amount']:.2f}"
        return frame_of(rows, ["kind", *FINDING_COLUMNS, "payload"])

    result = (
        claims.groupBy("_bucket").cogroup(lines.groupBy("_bucket")).applyInPandas(bucket, _SCHEMA)
    ).persist()
    try:
        out.mkdir(parents=True, exist_ok=True)
        findings = result.filter("kind = 'finding'").drop("kind", "payload")
        parts = [pickle.loads(r.payload) for r in result.filter("kind = 'part'").collect()]
        with tempfile.TemporaryDirectory() as tmp, reference_workspace(reference, Path(tmp)) as ws:
            params = rule_parameters(ws, plugins)
            job = lane_job(ws, plugins, [r for rs in chosen for r in rs.rules], params)
            problems = plugins.problems() + book.problems + parts[0]["problems"]
            inst_rules = usable(
                job.rules["institution"],
                set(scope_fields()["institution"]) | job.custom.get("institution", set()),
                params,
                problems,
            )
            found: list[Finding] = []
            scores: list = []
            if inst_rules:
                with reference_overlay(ws.conn, job.reference):
                    facts = institution_scope_facts(
                        ws.conn, job, [p["part"] for p in parts], scores
                    )
                    names = catalogue_names(ws.conn)
                    runner = ScopeRunner(
                        "institution",
                        inst_rules,
                        params,
                        lambda rule, fact: found.append(
                            make_finding(run_id, rule, fact, params, names)
                        ),
                    )
                    try:
                        runner.post(facts)
                    finally:
                        runner.close()
        institution_rows = [
            {k: getattr(f, k) for k in FINDING_COLUMNS} | {"amount": f"{f.amount:.2f}"}
            for f in found
        ]
        if institution_rows:
            findings = findings.unionByName(
                spark.createDataFrame(
                    frame_of(institution_rows, list(FINDING_COLUMNS)), schema=findings.schema
                )
            )
        findings = findings.withColumn("amount", findings["amount"].cast("decimal(18,2)"))
        findings.write.parquet(str(out / "findings.parquet"))
        write_csv(findings, out / "findings.csv")
        count = spark.read.parquet(str(out / "findings.parquet")).count()
    finally:
        result.unpersist()
    meta = {
        "run_id": run_id,
        "engine": "spark",
        "master": master,
        "rulesets": [rs.ref for rs in chosen],
        "parameters": params,
        "plugins": plugins.versions(),
        "claims_checked": sum(p["counts"]["claims"] for p in parts),
        "lines_checked": sum(p["counts"]["lines"] for p in parts),
        "findings": count,
        "buckets": buckets,
        "problems": problems,
        "seconds": round(time.perf_counter() - started, 3),
    }
    (out / "run.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    return meta


def frame_of(rows: list[dict], columns: list[str]):
    """A pandas frame Arrow converts to the output schema: text columns hold str or None
    (an all-empty column would otherwise be float NaN), line_no a nullable integer."""
    import pandas as pd

    frame = pd.DataFrame(
        {c: pd.Series([row.get(c) for row in rows], dtype=object) for c in columns}
    )
    if "line_no" in frame:
        frame["line_no"] = frame["line_no"].astype("Int64")
    return frame


def write_csv(frame, path: Path) -> None:
    """One CSV file (UTF-8 with a header), written by Spark in one part and moved in place."""
    folder = path.with_suffix(".parts")
    writer = frame.coalesce(1).write.option("header", True).option("encoding", "UTF-8")
    writer.option("escape", '"').csv(str(folder))  # quotes doubled, as RFC 4180 and csv do
    part = next(folder.glob("part-*.csv"))
    shutil.move(part, path)
    shutil.rmtree(folder)

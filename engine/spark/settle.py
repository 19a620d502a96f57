"""``yibao spark settle``: the DIP settlement of a year on Spark, identical to ``yibao settle``.

Each bucket of patients scores its cases with the laptop's code (``partition.settle_bucket``);
the year's sums are additive, so Spark adds the buckets' up and the driver clears the year with
the same ``clear`` as a local settlement: one aggregation gives Σ points, hence the point value.
Writes ``OUT/settlement.json`` (the ``settle --json`` shape; its cases in ``OUT/cases.csv`` and
``OUT/cases.parquet``).
"""

from __future__ import annotations

import json
import pickle
import tempfile
from pathlib import Path

from engine.spark import require_spark
from engine.spark.audit import bucketed, checked_paths, frame_of, read_tables, session, write_csv
from engine.spark.partition import reference_workspace, settle_bucket

CASE_FIELDS = (
    "claim_id",
    "group_code",
    "case_type",
    "payment_method",
    "rw",
    "coefficient",
    "points",
    "fund",
    "ratio",
    "los",
    "avg_los",
    "institution",
    "effect",
    "effect_source",
)
_SCHEMA = (
    "kind string, claim_id string, group_code string, case_type string, payment_method string,"
    " rw double, coefficient double, points double, fund string, ratio double, los long,"
    " avg_los double, institution string, effect string, effect_source string, payload binary"
)


def spark_settle(
    package: str | Path,
    out: str | Path,
    *,
    year: int,
    master: str = "local[2]",
    only: list[str] = (),
    exclude: list[str] = (),
) -> dict:
    require_spark()
    from engine.dip.params import catalogue_source, resolve_params
    from engine.dip.settlement import clear, keyed_sums
    from engine.plugins import load_plugins

    package, out, reference = checked_paths(package, out)
    plugins = load_plugins(only, exclude)
    with tempfile.TemporaryDirectory() as tmp, reference_workspace(reference, Path(tmp)) as ws:
        params = resolve_params(
            ws, year, plugins=plugins
        )  # refuses a year without parameters, here
        levels = dict(ws.conn.execute("SELECT institution_code, level FROM institutions"))
        source = catalogue_source(ws)
    choice = {"only": list(only), "exclude": list(exclude)}
    spark = session(master)
    claims, lines = read_tables(spark, package)
    buckets = max(2, spark.sparkContext.defaultParallelism)
    claims, lines = bucketed(claims, lines, buckets)
    reference_text = str(reference)

    def bucket(claims_frame, lines_frame):
        done = settle_bucket(
            choice,
            Path(reference_text),
            claims_frame.drop(columns=["_bucket"]),
            lines_frame.drop(columns=["_bucket"]),
            year,
        )
        rows = [{"kind": "case", **c} for c in done["cases"]]
        summary = {"parts": done["parts"], "patients": done["patients"]}
        rows.append({"kind": "part", "payload": pickle.dumps(summary)})
        frame = frame_of(rows, ["kind", *CASE_FIELDS, "payload"])
        for column in ("rw", "coefficient", "points", "ratio", "avg_los"):
            frame[column] = frame[column].astype("float64")
        frame["los"] = frame["los"].astype("Int64")
        return frame

    result = (
        claims.groupBy("_bucket").cogroup(lines.groupBy("_bucket")).applyInPandas(bucket, _SCHEMA)
    ).persist()
    try:
        out.mkdir(parents=True, exist_ok=True)
        summaries = [pickle.loads(r.payload) for r in result.filter("kind = 'part'").collect()]
        cases = result.filter("kind = 'case'").drop("kind", "payload")
        cases.write.parquet(str(out / "cases.parquet"))
        write_csv(cases, out / "cases.csv")
    finally:
        result.unpersist()
    settled = clear(
        keyed_sums([part for s in summaries for part in s["parts"]]),
        levels,
        set().union(*(s["patients"] for s in summaries)),
        params,
        ({}, {}),
        plugins,
    )
    settled["catalogue"] = source
    settled["buckets"] = buckets
    (out / "settlement.json").write_text(
        json.dumps(settled, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return settled

"""``yibao spark``: the same rule files on Apache Spark (the ``[spark]`` extra), and
``yibao import-findings`` that brings such a run back to a workspace (no Spark needed)."""

from __future__ import annotations

import argparse

from engine.cli.common import add_json, add_plugin_choice, add_workspace, emit_json, open_workspace


def cmd_spark_audit(args) -> int:
    from engine import spark_audit

    out = spark_audit(
        args.input,
        args.out,
        master=args.master,
        rulesets=args.rulesets or None,
        only=args.plugin,
        exclude=args.no_plugin,
    )
    if args.json:
        emit_json(out)
    else:
        print(
            f"run {out['run_id']}: {out['findings']} findings over {out['claims_checked']:,}"
            f" claims and {out['lines_checked']:,} lines in {out['seconds']:.1f}s"
            f" ({out['buckets']} buckets on {out['master']}); written to {args.out}"
        )
    return 0


def cmd_spark_settle(args) -> int:
    from engine import spark_settle

    out = spark_settle(
        args.input,
        args.out,
        year=args.year,
        master=args.master,
        only=args.plugin,
        exclude=args.no_plugin,
    )
    if args.json:
        emit_json(out)
    else:
        print(
            f"DIP settlement {out['year']}: point value {out['point_value']},"
            f" {len(out['institutions'])} institutions; written to {args.out}"
        )
    return 0


def cmd_import_findings(args) -> int:
    from engine import import_findings, load_plugins

    plugins = load_plugins(args.plugin, args.no_plugin)
    with open_workspace(args, create=False) as ws:
        out = import_findings(ws, args.folder, plugins=plugins)
    if args.json:
        emit_json(out)
    else:
        print(
            f"run {out['run_id']}: {out['findings']} findings loaded"
            + (
                f"; {out['left_out']} of claims this workspace does not hold left out"
                if out["left_out"]
                else ""
            )
        )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("spark", help="audit or settle a province's data on Apache Spark")
    spark_sub = p.add_subparsers(dest="spark_command", metavar="ACTION", required=True)
    a = spark_sub.add_parser("audit", help="audit a data package (CSV) or Parquet tables")
    a.set_defaults(func=cmd_spark_audit)
    a.add_argument("--rulesets", nargs="+", metavar="ID", help="only these rule sets")
    s = spark_sub.add_parser("settle", help="DIP settlement of a year on Spark")
    s.set_defaults(func=cmd_spark_settle)
    s.add_argument("--year", type=int, required=True)
    for q in (a, s):
        q.add_argument("input", metavar="INPUT", help="a data package folder or Parquet tables")
        q.add_argument("--out", required=True, metavar="DIR", help="a new folder for the results")
        q.add_argument("--master", default="local[2]", metavar="URL", help="Spark master")
        add_plugin_choice(q)
        add_json(q)

    p = sub.add_parser("import-findings", help="load a Spark run's findings into a workspace")
    p.set_defaults(func=cmd_import_findings)
    p.add_argument("folder", metavar="DIR", help="the --out folder of yibao spark audit")
    add_workspace(p)
    add_plugin_choice(p)
    add_json(p)

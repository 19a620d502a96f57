"""The subcommands of ``yibao``: argument definitions and their thin handlers."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections import defaultdict

from engine.cli import (
    add_json,
    add_plugin_choice,
    add_workspace,
    command,
    emit_json,
    progress_for,
)
from engine.errors import UserError


def _open(args, create: bool = True):
    from engine.workspace import Workspace, resolve_path

    return Workspace.open(resolve_path(args.workspace), create=create)


@command("import")
def cmd_import(args) -> int:
    from engine.ingest import import_any
    from engine.plugins import load_plugins

    plugins = load_plugins(args.plugin, args.no_plugin)
    with _open(args) as ws:
        result = import_any(
            ws, args.package, plugins, replace=args.replace, progress=progress_for(args)
        )
    if args.json:
        emit_json(result.to_json())
    else:
        refs = ", ".join(f"{k} {v}" for k, v in result.reference.items()) or "none"
        print(f"imported {result.claims} claims and {result.lines} lines in {result.seconds:.2f}s")
        if result.adapter:
            print(f"converted by {result.adapter}")
        print(f"reference data: {refs}")
        for name, enc in result.encodings.items():
            print(f"  {name}: {enc}")
    return 0


@command("export")
def cmd_export(args) -> int:
    from engine.ingest import export_package

    with _open(args, create=False) as ws:
        counts = export_package(ws, args.out)
    if args.json:
        emit_json(counts)
    else:
        print(f"wrote {args.out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


@command("audit")
def cmd_audit(args) -> int:
    from engine.plugins import load_plugins
    from engine.rules import run_audit

    plugins = load_plugins(args.plugin, args.no_plugin)
    with _open(args, create=False) as ws:
        result = run_audit(ws, plugins, args.rules or None, progress=progress_for(args))
    for problem in result.problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.json:
        emit_json(result.to_json())
        return 0
    print(
        f"run {result.run_id}: {len(result.findings)} findings over {result.claims_checked} claims"
        f" and {result.lines_checked} lines in {result.seconds:.2f}s"
    )
    print("rule sets: " + ", ".join(result.rulesets))
    _summary_tables(result.findings)
    return 0


def _summary_tables(findings: list[dict]) -> None:
    by_code: dict[str, list] = defaultdict(lambda: [0, 0.0])
    by_inst: dict[str, list] = defaultdict(lambda: [0, 0.0])
    for f in findings:
        by_code[f["code"]][0] += 1
        by_code[f["code"]][1] += f["amount"]
        by_inst[f["institution_code"] or "-"][0] += 1
        by_inst[f["institution_code"] or "-"][1] += f["amount"]
    for title, table in (("by rule", by_code), ("by institution", by_inst)):
        print(f"\n{title}:")
        for key, (count, amount) in sorted(table.items()):
            print(f"  {key:<18} {count:>7}  {amount:>14,.2f}")


@command("findings")
def cmd_findings(args) -> int:
    from engine.rules import list_findings

    with _open(args, create=False) as ws:
        findings = list_findings(ws, args.run)
    if args.json:
        emit_json({"run_id": findings[0]["run_id"] if findings else args.run, "findings": findings})
        return 0
    for f in findings:
        where = f["claim_id"] or f["institution_code"]
        line = f":{f['line_no']}" if f["line_no"] is not None else ""
        decision = f" [{f['decision']}]" if f["decision"] else ""
        print(
            f"{f['finding_id']}  {where}{line}  {f['code']}  {f['severity']:<10} "
            f"{f['amount']:>10,.2f}{decision}  {f['message']}"
        )
    if not findings:
        print("no findings (run: yibao audit)")
    return 0


@command("settle")
def cmd_settle(args) -> int:
    from engine.dip.settlement import settle
    from engine.plugins import load_plugins

    plugins = load_plugins(args.plugin, args.no_plugin)
    with _open(args, create=False) as ws:
        out = settle(
            ws, args.year, plugins=plugins, catalogue=args.catalogue, progress=progress_for(args)
        )
    if args.json:
        emit_json(out)
        return 0
    print(
        f"DIP settlement {out['year']} region {out['region_code']} ({out['catalogue']} catalogue)"
    )
    print(
        f"point value {out['point_value']}, fund ratio {out['fund_payment_ratio']}, "
        f"total points {out['total_points']:,}"
    )
    print(
        f"{'institution':<12}{'cases':>7}{'points':>14}{'payment':>15}{'deductions':>12}"
        f"{'fund paid':>15}{'balance':>14}{'final':>15}"
    )
    for i in out["institutions"]:
        print(
            f"{i['institution_code']:<12}{i['cases']:>7}{i['points']:>14,.4f}{i['payment']:>15,.2f}"
            f"{i['deductions']:>12,.2f}{i['fund_paid']:>15,.2f}{i['balance']:>14,.2f}"
            f"{i.get('final_payment', i['payment']):>15,.2f}"
        )
    for code, amount in out["recoveries"].items():
        print(f"to recover from {code} (non-DIP claims): {amount:,.2f}")
    return 0


@command("dip")
def cmd_dip(args) -> int:
    from engine.plugins import load_plugins

    plugins = load_plugins(args.plugin, args.no_plugin)
    with _open(args, create=False) as ws:
        if args.dip_command == "explain":
            from engine.dip.explain import explain_case

            out = explain_case(ws, args.claim_id, plugins, args.catalogue)
            if args.json:
                emit_json(out)
            else:
                print(
                    f"{out['claim_id']} ({out['institution_code']}, {out['catalogue']} catalogue)"
                )
                for number, step in enumerate(out["steps"], start=1):
                    print(f"  {number}. {step}")
                print(
                    f"→ {out['payment_method']}, {out['case_type']}, group "
                    f"{out['group_code'] or '-'}, points {out['points']}"
                )
            return 0
        from engine.dip.catalogue_builder import build_catalogue
        from engine.dip.settlement import resolve_params

        params = resolve_params(ws, args.year, plugins)
        groups = build_catalogue(ws, args.year, params)
        if args.use:
            with ws.transaction():
                ws.set_setting("dip_catalogue", "built")
        if args.json:
            emit_json({"year": args.year, "groups": groups})
        else:
            core = sum(1 for g in groups if g["group_type"] == "core")
            print(
                f"built {len(groups)} groups ({core} core) from {args.year - len(params['year_weights'])}"
                f"–{args.year - 1}; settle with it: yibao settle --catalogue built"
            )
    return 0


@command("review")
def cmd_review(args) -> int:
    from engine.review import bulk_ids, decide, decide_from_csv
    from engine.rules.audit import latest_run

    reviewer = args.reviewer or os.environ.get("YIBAO_REVIEWER") or getpass.getuser()
    with _open(args, create=False) as ws:
        if args.from_file:
            out = decide_from_csv(ws, args.from_file, reviewer)
        else:
            ids = list(args.finding_ids)
            if args.rule or args.institution:
                run = args.run or latest_run(ws)
                ids += bulk_ids(ws, run, args.rule, args.institution)
            if not ids:
                raise UserError(
                    "name findings (FINDING_ID …, or --rule/--institution) or --from FILE"
                )
            if not args.decision:
                raise UserError("--decision confirm|dismiss|info is required")
            out = decide(
                ws,
                ids,
                args.decision,
                reviewer=reviewer,
                deduction=args.deduction,
                comment=args.comment,
            )
    if args.json:
        emit_json({"decisions": out})
    else:
        for d in out:
            extra = f" deduction {d['deduction']:,.2f}" if d["deduction"] is not None else ""
            print(f"{d['finding_id']}: {d['decision']}{extra}")
    return 0


@command("log")
def cmd_log(args) -> int:
    from engine import audit_log

    with _open(args, create=False) as ws:
        entries = audit_log.entries(ws.conn)
        result = audit_log.verify(ws.conn) if args.verify else None
    if args.json:
        out = {"entries": entries}
        if result:
            out["verified"] = {
                "ok": result.ok,
                "entries": result.entries,
                "bad_seq": result.bad_seq,
                "reason": result.reason,
            }
        emit_json(out)
    else:
        for e in entries:
            print(
                f"{e['seq']:>5}  {e['at']}  {e['action']:<20} {json.dumps(e['detail'], ensure_ascii=False)[:100]}"
            )
        if result:
            if result.ok:
                print(f"log verified: {result.entries} entries, chain intact")
            else:
                print(f"LOG ALTERED at entry {result.bad_seq}: {result.reason}", file=sys.stderr)
    return 0 if result is None or result.ok else 3


@command("plugins")
def cmd_plugins(args) -> int:
    from engine import plugins as plugin_api

    if args.plugins_command == "install":
        target = plugin_api.install(args.path)
        loaded = plugin_api.load_plugins()
        info = next((i for i in loaded.infos if i.location == str(target)), None)
        if info and info.error:
            raise UserError(f"installed to {target}, but it does not load: {info.error}")
        msg = f"installed {info.name if info else target.name} {info.version if info else ''} to {target}"
        emit_json({"installed": str(target)}) if args.json else print(msg)
        return 0
    if args.plugins_command == "remove":
        path = plugin_api.remove(args.name)
        emit_json({"removed": str(path)}) if args.json else print(f"removed {path}")
        return 0
    loaded = plugin_api.load_plugins()
    loaded.describe()
    if args.json:
        emit_json(
            {
                "plugin_dirs": [str(d) for d in plugin_api.plugin_dirs()],
                "plugins": [i.to_json() for i in loaded.infos],
            }
        )
        return 0
    for info in loaded.infos:
        status = (
            f"ERROR: {info.error}"
            if info.error
            else (", ".join(f"{k} {v}" for k, v in info.contributes.items()) or "no contributions")
        )
        print(f"{info.name:<20} {info.version:<8} {info.source:<15} {status}")
    print("drop-in folder: " + ", ".join(str(d) for d in plugin_api.plugin_dirs()))
    return 0


@command("report")
def cmd_report(args) -> int:
    from engine.plugins import load_plugins
    from engine.reports import write_report

    plugins = load_plugins(args.plugin, args.no_plugin)
    with _open(args, create=False) as ws:
        data = write_report(
            ws, args.out, institution=args.institution, run_id=args.run, plugins=plugins
        )
    for problem in data.problems:
        print(f"warning: {problem}", file=sys.stderr)
    summary = {
        "out": str(args.out),
        "run_id": data.run_id,
        "findings": len(data.findings),
        "confirmed_deductions": float(data.total_deductions),
        "settlement_run_id": data.settlement["run_id"] if data.settlement else None,
    }
    if args.json:
        emit_json(summary)
    else:
        print(
            f"wrote {args.out}: {summary['findings']} findings, confirmed deductions "
            f"{data.total_deductions:,.2f}"
        )
    return 0


@command("desktop")
def cmd_desktop(args) -> int:
    try:
        from desktop.app import main as desktop_main
    except ImportError as exc:
        raise UserError(
            f"the desktop needs PySide6: pip install 'yibao[desktop]' ({exc})"
        ) from None
    argv = []
    if args.workspace:
        argv += ["--workspace", args.workspace]
    if args.screenshots:
        argv += ["--screenshots", args.screenshots]
    if args.language:
        argv += ["--language", args.language]
    return desktop_main(argv)


@command("selftest")
def cmd_selftest(args) -> int:
    from engine.selftest import run_selftest

    return 1 if run_selftest() else 0


@command("demo")
def cmd_demo(args) -> int:
    from engine.demo.run import run_demo

    out = run_demo(
        args.workspace or "demo.yibao",
        seed=args.seed,
        lines=args.lines,
        progress=progress_for(args),
    )
    if args.json:
        emit_json(out)
    else:
        print(out["text"])
    return 0


@command("bench")
def cmd_bench(args) -> int:
    from engine.demo.bench import run_bench

    out = run_bench(
        args.lines, cases=args.cases, seed=args.seed, progress=None if args.json else print
    )
    if args.json:
        emit_json(out)
    else:
        for name, stage in out["stages"].items():
            print(
                f"{name:<8} {stage['items']:>10} {stage['unit']:<6} {stage['seconds']:>8.2f}s"
                f" {stage['per_second']:>12,.0f}/s"
            )
        peak = out["peak_rss_mb"]
        print("peak RSS not measured here" if peak is None else f"peak RSS {peak:.0f} MB")
    return 0


def register_all(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import a data package into a workspace")
    p.add_argument("package", help="data package folder (claims, lines, reference/)")
    add_workspace(p)
    p.add_argument("--replace", action="store_true", help="replace claims already imported")
    add_plugin_choice(p)
    add_json(p)

    p = sub.add_parser("export", help="write a workspace back as a data package")
    p.add_argument("workspace", metavar="W", help="workspace file")
    p.add_argument("--out", required=True, metavar="FOLDER", help="folder to write")
    add_json(p)

    p = sub.add_parser("audit", help="run the rule sets over a workspace and store the findings")
    add_workspace(p)
    p.add_argument(
        "--rules", nargs="+", metavar="ID", help="only these rule sets (e.g. national.catalogue)"
    )
    add_plugin_choice(p)
    add_json(p)

    p = sub.add_parser("findings", help="list the stored findings of an audit run")
    add_workspace(p)
    p.add_argument("--run", metavar="ID", help="run id (default: the latest audit)")
    add_json(p)

    p = sub.add_parser("settle", help="DIP settlement of a year")
    add_workspace(p)
    p.add_argument("--year", type=int, help="settlement year (default: from dip_params)")
    p.add_argument("--catalogue", choices=("official", "built"), help="which DIP catalogue settles")
    add_plugin_choice(p)
    add_json(p)

    p = sub.add_parser("dip", help="DIP tools: explain a case, build a catalogue from history")
    dip_sub = p.add_subparsers(dest="dip_command", metavar="ACTION", required=True)
    e = dip_sub.add_parser("explain", help="how one case was grouped and scored")
    e.add_argument("claim_id")
    e.add_argument("--catalogue", choices=("official", "built"))
    b = dip_sub.add_parser("build-catalogue", help="build a DIP catalogue from three earlier years")
    b.add_argument("--year", type=int, required=True, help="the settlement year it is for")
    b.add_argument("--use", action="store_true", help="make it the catalogue that settles")
    for q in (e, b):
        add_workspace(q)
        add_plugin_choice(q)
        add_json(q)

    p = sub.add_parser("review", help="record decisions on findings")
    add_workspace(p)
    p.add_argument("finding_ids", nargs="*", metavar="FINDING_ID")
    p.add_argument("--decision", choices=("confirm", "dismiss", "info"))
    p.add_argument(
        "--deduction", metavar="X", help="yuan withheld (confirm; default the finding's amount)"
    )
    p.add_argument("--reviewer", metavar="NAME", help="default: $YIBAO_REVIEWER or your login")
    p.add_argument("--comment", metavar="TEXT", help="reason (required to dismiss)")
    p.add_argument("--rule", metavar="ID", help="bulk: every finding of this rule id or code")
    p.add_argument("--institution", metavar="CODE", help="bulk: every finding of this institution")
    p.add_argument("--run", metavar="ID", help="bulk: in this run (default: the latest audit)")
    p.add_argument(
        "--from",
        dest="from_file",
        metavar="FILE.csv",
        help="batch: finding_id,decision,deduction,reviewer,comment",
    )
    add_json(p)

    p = sub.add_parser("log", help="show the tamper-evident log")
    add_workspace(p)
    p.add_argument(
        "--verify", action="store_true", help="verify the hash chain (exit 3 if altered)"
    )
    add_json(p)

    p = sub.add_parser("plugins", help="list, install or remove plug-ins")
    pl_sub = p.add_subparsers(dest="plugins_command", metavar="ACTION")
    pl_sub.add_parser("list", help="installed plug-ins and what they contribute").add_argument(
        "--json", action="store_true", help="print one JSON object"
    )
    i = pl_sub.add_parser("install", help="copy a plug-in into the drop-in folder")
    i.add_argument("path", help="a folder, .py file, wheel or zip")
    add_json(i)
    r = pl_sub.add_parser("remove", help="remove a drop-in plug-in")
    r.add_argument("name")
    add_json(r)
    p.set_defaults(json=False)

    p = sub.add_parser("report", help="write the xlsx workbook or the PDF for an institution")
    add_workspace(p)
    p.add_argument("--out", required=True, metavar="FILE", help="FILE.xlsx or FILE.pdf")
    p.add_argument("--institution", metavar="CODE", help="only this institution")
    p.add_argument("--run", metavar="ID", help="audit run (default: the latest)")
    add_plugin_choice(p)
    add_json(p)

    p = sub.add_parser("desktop", help="open the desktop review app")
    p.add_argument("--workspace", "-w", metavar="W", help="workspace to open")
    p.add_argument("--screenshots", metavar="DIR", help="save every page as PNG and exit")
    p.add_argument("--language", choices=("zh_CN", "en"), help="interface language")

    sub.add_parser("selftest", help="check this installation end to end (temporary files only)")

    p = sub.add_parser("demo", help="generate, import, audit and settle a synthetic region")
    add_workspace(p)
    p.add_argument("--seed", type=int, default=1, help="random seed (deterministic)")
    p.add_argument("--lines", type=int, default=20_000, help="about how many fee lines")
    add_json(p)

    p = sub.add_parser("bench", help="time import, audit and settle on a generated region")
    p.add_argument("--lines", type=int, default=100_000, help="about how many fee lines")
    p.add_argument(
        "--cases",
        type=int,
        default=200_000,
        help="inpatient cases added for the settle stage (default 200,000)",
    )
    p.add_argument("--seed", type=int, default=1)
    add_json(p)

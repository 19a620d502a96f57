"""Audit runs, their findings and the decisions on them."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections import defaultdict

from engine.cli.common import (
    add_json,
    add_plugin_choice,
    add_workspace,
    emit_json,
    open_workspace,
    plugins_for,
    progress_for,
)
from engine.errors import UserError


def cmd_audit(args) -> int:
    from engine.rules import run_audit

    plugins = plugins_for(args, warn=False)
    with open_workspace(args, create=False) as ws:
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


def cmd_findings(args) -> int:
    from engine.rules import list_findings

    with open_workspace(args, create=False) as ws:
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


def cmd_review(args) -> int:
    from engine.review import bulk_ids, decide, decide_from_csv
    from engine.rules.audit import latest_run

    reviewer = args.reviewer or os.environ.get("YIBAO_REVIEWER") or getpass.getuser()
    with open_workspace(args, create=False) as ws:
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


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="run the rule sets over a workspace and store the findings")
    p.set_defaults(func=cmd_audit)
    add_workspace(p)
    p.add_argument(
        "--rules", nargs="+", metavar="ID", help="only these rule sets (e.g. national.catalogue)"
    )
    add_plugin_choice(p)
    add_json(p)

    p = sub.add_parser("findings", help="list the stored findings of an audit run")
    p.set_defaults(func=cmd_findings)
    add_workspace(p)
    p.add_argument("--run", metavar="ID", help="run id (default: the latest audit)")
    add_json(p)

    p = sub.add_parser("review", help="record decisions on findings")
    p.set_defaults(func=cmd_review)
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

"""Audit runs, their findings and the decisions on them."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from decimal import Decimal

from engine import UserError, label, summarise_run, yuan_text
from engine.cli.common import (
    add_json,
    add_plugin_choice,
    add_workspace,
    emit_json,
    lang_of,
    open_workspace,
    plugins_for,
    print_table,
    progress_for,
)


def rule_names(plugins, lang: str) -> dict[str, str]:
    """Each rule's code and id → its name in ``lang`` (a table's 规则名称 column)."""
    from engine import load_rulebook

    names: dict[str, str] = {}
    for rule in load_rulebook(plugins).rules():
        name = rule.name.get(lang) or rule.name.get("zh", "")
        names.setdefault(rule.code, name)
        names[rule.id] = name
    return names


def cmd_audit(args) -> int:
    from engine import run_audit

    plugins = plugins_for(args, warn=False)
    with open_workspace(args, create=False) as ws:  # a stored run's findings are read from it
        result = run_audit(
            ws, plugins=plugins, rulesets=args.rules or None, progress=progress_for(args)
        )
        for problem in result.problems:
            print(f"warning: {problem}", file=sys.stderr)
        if args.json:
            emit_json(result.to_json())
            return 0
        zh = lang_of(args) == "zh"
        print(result.sentence("zh" if zh else "en"))
        print(("规则集：" if zh else "rule sets: ") + ", ".join(result.rulesets))
        _summary_tables(ws, result.run_id, rule_names(plugins, "zh" if zh else "en"), zh)
    return 0


def _summary_tables(ws, run_id: str, names: dict[str, str], zh: bool) -> None:
    by_code = summarise_run(ws, run_id, "code")
    by_inst = summarise_run(ws, run_id, "institution")
    print("\n按规则：" if zh else "\nby rule:")
    print_table(
        ["规则编码", "规则名称", "疑点数", "涉及金额（元）"]
        if zh
        else ["rule", "name", "findings", "amount (yuan)"],
        [[s.key, names.get(s.key, ""), f"{s.findings:,}", yuan_text(s.amount)] for s in by_code],
        right={2, 3},
    )
    print("\n按机构：" if zh else "\nby institution:")
    print_table(
        ["机构", "疑点数", "涉及金额（元）"]
        if zh
        else ["institution", "findings", "amount (yuan)"],
        [[s.key, f"{s.findings:,}", yuan_text(s.amount)] for s in by_inst],
        right={1, 2},
    )


STATUSES = ("pending", "confirm", "dismiss", "info")


def filter_findings(findings: list[dict], args) -> list[dict]:
    """The findings ``--institution``, ``--rule`` (id or code), ``--status`` (pending: not yet
    decided) and ``--severity`` keep."""
    out = findings
    if args.institution:
        out = [f for f in out if f["institution_code"] == args.institution]
    if args.rule:
        out = [f for f in out if args.rule in (f["rule_id"], f["code"])]
    if args.status:
        wanted = None if args.status == "pending" else args.status
        out = [f for f in out if f["decision"] == wanted]
    if args.severity:
        out = [f for f in out if f["severity"] == args.severity]
    return out


def cmd_findings(args) -> int:
    from engine import list_findings, load_plugins

    with open_workspace(args, create=False) as ws:
        everything = list_findings(ws, args.run)
    findings = filter_findings(everything, args)
    if args.rule and not findings and args.rule not in rule_names(load_plugins(), "zh"):
        raise UserError(f"没有规则 {args.rule} | no rule {args.rule} (see: yibao rules list)")
    if args.json:
        run = everything[0]["run_id"] if everything else args.run
        emit_json({"run_id": run, "count": len(findings), "findings": findings})
        return 0
    lang = lang_of(args)
    zh = lang == "zh"
    if not everything:
        print("还没有审核结果（请先运行 yibao audit）" if zh else "no findings (run: yibao audit)")
        return 0
    names = rule_names(load_plugins(), lang)
    headers = (
        ["疑点ID", "机构", "结算ID", "行", "规则编码", "规则名称", "严重程度", "涉及金额", "结论", "说明"]
        if zh
        else ["finding", "inst.", "claim", "line", "rule", "name", "severity", "amount",
              "decision", "message"]
    )  # fmt: skip
    rows = [
        [
            f["finding_id"],
            f["institution_code"] or "-",
            f["claim_id"] or "",
            "" if f["line_no"] is None else f["line_no"],
            f["code"],
            names.get(f["rule_id"]) or names.get(f["code"], ""),
            label("severity", f["severity"], lang),
            yuan_text(Decimal(str(f["amount"]))),
            label("decision", f["decision"], lang) or ("未审核" if zh else "pending"),
            f["message"] if zh else (f.get("message_en") or f["message"]),
        ]
        for f in findings
    ]
    print_table(headers, rows, right={3, 7})
    print(f"共 {len(findings):,} 个疑点" if zh else f"{len(findings):,} findings")
    return 0


def cmd_review(args) -> int:
    from engine import bulk_finding_ids, decide, decide_from_csv, latest_run

    reviewer = args.reviewer or os.environ.get("YIBAO_REVIEWER") or getpass.getuser()
    with open_workspace(args, create=False) as ws:
        if args.from_file:
            out = decide_from_csv(ws, args.from_file, reviewer)
        else:
            ids = list(args.finding_ids)
            if args.rule or args.institution:
                run = args.run or latest_run(ws)
                ids += bulk_finding_ids(ws, run, args.rule, args.institution)
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
        return 0
    lang = lang_of(args)
    for d in out:
        extra = ""
        if d["deduction"] is not None:
            money = yuan_text(Decimal(str(d["deduction"])))
            extra = f"，扣款 {money} 元" if lang == "zh" else f", deduction {money}"
        colon = "：" if lang == "zh" else ": "
        print(f"{d['finding_id']}{colon}{label('decision', d['decision'], lang)}{extra}")
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

    p = sub.add_parser("findings", help="list the stored findings of an audit run, filtered")
    p.set_defaults(func=cmd_findings)
    add_workspace(p)
    p.add_argument("--run", metavar="ID", help="run id (default: the latest audit)")
    p.add_argument("--institution", metavar="CODE", help="only this institution's")
    p.add_argument("--rule", metavar="ID", help="only this rule's (its id or code)")
    p.add_argument("--status", choices=STATUSES, help="only those not yet decided, or so decided")
    p.add_argument("--severity", choices=("violation", "suspicious"))
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

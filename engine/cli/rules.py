"""``yibao rules``: the region's loop — check rule files, test their examples, list the rules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine import UserError, label, money_json
from engine.cli.common import (
    add_json,
    add_plugin_choice,
    add_workspace,
    emit_json,
    lang_of,
    open_workspace,
    plugins_for,
    progress_for,
)


def _plugins(args):

    return plugins_for(args)


def cmd_check(args) -> int:
    from engine import check_rule_files

    paths = [Path(p) for p in args.paths]
    problems = check_rule_files(paths, _plugins(args))
    if args.json:
        emit_json({"ok": not problems, "problems": [vars(p) for p in problems]})
    else:
        for problem in problems:
            print(problem)
        print("rules check: no problems" if not problems else f"{len(problems)} problem(s)")
    return 2 if problems else 0


def cmd_test(args) -> int:
    from engine import read_rule_files, run_rule_examples

    plugins = _plugins(args)
    rules, problems = read_rule_files([Path(p) for p in args.paths], plugins)
    if problems and args.paths:
        raise UserError("; ".join(str(p) for p in problems))
    results = run_rule_examples(rules, plugins.rule_parameters({}))
    failed = [r for r in results if r.failure]
    without = sorted({r.id for r in rules} - {r.rule.id for r in results})
    if args.json:
        emit_json(
            {
                "examples": len(results),
                "failed": [
                    {
                        "file": r.rule.file,
                        "rule": r.rule.id,
                        "example": r.number,
                        "expect": r.example.get("expect"),
                        "failure": r.failure,
                        "findings": [
                            {"amount": money_json(f.amount), "message": f.message}
                            for f in r.findings
                        ],
                    }
                    for r in failed
                ],
                "rules_without_examples": without,
            }
        )
    else:
        for result in failed:
            print(f"FAIL {result}")
        print(
            f"{len(results) - len(failed)} of {len(results)} examples pass over {len(rules)} rules"
            + (f"; {len(without)} rules have no example" if without else "")
        )
    return 2 if failed else 0


def cmd_list(args) -> int:
    from engine import rules_in_force, rules_markdown, rules_xlsx_rows

    plugins = _plugins(args)
    if args.workspace:
        with open_workspace(args, create=False) as ws:
            listing = rules_in_force(plugins, ws)
    else:
        listing = rules_in_force(plugins)
    if args.xlsx:
        from engine import write_xlsx_table

        write_xlsx_table(Path(args.xlsx), "规则说明", rules_xlsx_rows(listing))
        count = len(listing["rules"])
        print(
            f"已写入 {args.xlsx}：规则 {count} 条"
            if lang_of(args) == "zh"
            else f"wrote {args.xlsx}: {count} rules"
        )
    elif args.markdown:
        print(rules_markdown(listing))
    elif args.json:
        emit_json(listing)
    else:
        lang = lang_of(args)
        for r in listing["rules"]:
            params = ", ".join(f"{p['name']}={p['value']}" for p in r["parameters"])
            kind = f"{label('severity', r['severity'], lang)}, {label('scope', r['scope'], lang)}"
            print(
                f"{r['code']:<18} {r['name'].get(lang) or r['name']['zh']}  [{kind}]"
                + (f"  {params}" if params else "")
            )
        count = len(listing["rules"])
        print(f"现行规则 {count} 条" if lang == "zh" else f"{count} rules in force")
    return 0


def cmd_try(args) -> int:
    from engine import rules_for, try_rules

    plugins = _plugins(args)
    rules = rules_for(args.target, plugins)
    with open_workspace(args, create=False) as ws:
        out = try_rules(ws, rules, plugins=plugins, progress=progress_for(args))
    if args.json:
        emit_json(out)
        return 0
    print(
        f"疑点 {out['findings']} 个，涉及金额 {out['amount']:,.2f} 元（试算，未保存）"
        if lang_of(args) == "zh"
        else f"{out['findings']} findings, {out['amount']:,.2f} yuan at stake (nothing stored)"
    )
    for row in out["by_institution"]:
        print(f"  {row['institution_code']:<14} {row['findings']:>7} {row['amount']:>14,.2f}")
    for f in out["sample"]:
        where = f["claim_id"] or f["institution_code"]
        line = f":{f['line_no']}" if f["line_no"] is not None else ""
        print(f"  {f['code']} {where}{line} {f['amount']:,.2f}  {f['message']}")
    for problem in out["problems"]:
        print(f"warning: {problem}", file=sys.stderr)
    return 0


def cmd_fields(args) -> int:
    from engine import field_reference, with_field_reference

    if args.update:
        path = Path(args.update)
        path.write_text(with_field_reference(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"updated the field reference in {path}")
    else:
        print(field_reference())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rules", help="check, test and list rule files (the region's kit)")
    rules_sub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)

    c = rules_sub.add_parser("check", help="every field, parameter, id and key of rule files")
    c.set_defaults(func=cmd_check)
    c.add_argument("paths", nargs="+", metavar="PATH", help="rule files or folders")

    t = rules_sub.add_parser("test", help="run the rules' own examples (no workspace needed)")
    t.set_defaults(func=cmd_test)
    t.add_argument("paths", nargs="*", metavar="PATH", help="default: every rule set in use")

    li = rules_sub.add_parser("list", help="the rules in force (规则说明): json, xlsx or markdown")
    li.set_defaults(func=cmd_list)
    add_workspace(li)
    li.add_argument("--xlsx", metavar="FILE", help="write the catalogue as a workbook")
    li.add_argument("--markdown", action="store_true", help="print it as Markdown")

    tr = rules_sub.add_parser("try", help="a dry run of a rule file or rule on a workspace")
    tr.set_defaults(func=cmd_try)
    add_workspace(tr)
    tr.add_argument("target", metavar="FILE_OR_RULE_ID", help="a rule file, or a rule id or code")

    f = rules_sub.add_parser("fields", help="every fact field of every scope, with its meaning")
    f.set_defaults(func=cmd_fields)
    f.add_argument("--update", metavar="README", help="rewrite the reference in this file")

    for q in (c, t, li, tr):
        add_plugin_choice(q)
        add_json(q)

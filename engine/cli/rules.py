"""``yibao rules``: the region's loop — check rule files, test their examples, list the rules."""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli.common import add_json, add_plugin_choice, emit_json
from engine.errors import UserError


def _plugins(args):
    from engine.plugins import load_plugins

    return load_plugins(args.plugin, args.no_plugin)


def cmd_check(args) -> int:
    from engine.rules.kit import check

    paths = [Path(p) for p in args.paths]
    problems = check(paths, _plugins(args))
    if args.json:
        emit_json({"ok": not problems, "problems": [vars(p) for p in problems]})
    else:
        for problem in problems:
            print(problem)
        print("rules check: no problems" if not problems else f"{len(problems)} problem(s)")
    return 2 if problems else 0


def cmd_test(args) -> int:
    from engine.rules.kit import rules_of, run_examples

    plugins = _plugins(args)
    rules, problems = rules_of([Path(p) for p in args.paths], plugins)
    if problems and args.paths:
        raise UserError("; ".join(str(p) for p in problems))
    results = run_examples(rules, plugins.rule_parameters({}))
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
                            {"amount": f["amount"], "message": f["message"]} for f in r.findings
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


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rules", help="check, test and list rule files (the region's kit)")
    rules_sub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)

    c = rules_sub.add_parser("check", help="every field, parameter, id and key of rule files")
    c.set_defaults(func=cmd_check)
    c.add_argument("paths", nargs="+", metavar="PATH", help="rule files or folders")

    t = rules_sub.add_parser("test", help="run the rules' own examples (no workspace needed)")
    t.set_defaults(func=cmd_test)
    t.add_argument("paths", nargs="*", metavar="PATH", help="default: every rule set in use")

    for q in (c, t):
        add_plugin_choice(q)
        add_json(q)

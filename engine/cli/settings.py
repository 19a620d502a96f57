"""``yibao settings``: the rule parameters in force, and the workspace's own values."""

from __future__ import annotations

import argparse

from engine.cli.common import (
    add_json,
    add_plugin_choice,
    add_workspace,
    emit_json,
    open_workspace,
    plugins_for,
)


def cmd_settings(args) -> int:
    from engine import (
        NOTICE_SETTINGS,
        notice_settings,
        parameter_overview,
        set_notice_setting,
        set_parameter,
    )

    plugins = plugins_for(args)
    with open_workspace(args, create=False) as ws:
        notice_keys = {s.key for s in NOTICE_SETTINGS}
        if args.settings_command in ("set", "unset") and args.name in notice_keys:
            text = args.value if args.settings_command == "set" else None
            value = set_notice_setting(ws, args.name, text)
            if args.json:
                emit_json({"name": args.name, "value": value})
            else:
                print(f"{args.name} = {value}")
            return 0
        if args.settings_command in ("set", "unset"):
            text = args.value if args.settings_command == "set" else None
            value = set_parameter(ws, args.name, text, plugins=plugins)
            if args.json:
                emit_json({"name": args.name, "value": value})
            else:
                print(f"{args.name} = {value}" if text is not None else f"{args.name}: default")
            return 0
        rows = parameter_overview(ws, plugins=plugins)
        values = notice_settings(ws)
    if args.json:
        emit_json({"parameters": rows, "notice": values})
        return 0
    for r in rows:
        bounds = f"[{r['min']}, {r['max']}]" if r["min"] is not None else ""
        print(
            f"{r['name']:<32} {r['value']!s:>8}  {r['type']:<5} {bounds:<14} {r['set_by']:<10}"
            f" {r['label_zh']}"
        )
    for s in NOTICE_SETTINGS:
        value = values[s.key]
        print(f"{s.key:<32} {value!s:>8}  {'':<5} {'':<14} {'':<10} {s.label_zh}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "settings",
        help="rule parameters and the notice's issuer, number, objection days (notice.*):"
        " list, set or unset the workspace's own",
    )
    p.set_defaults(func=cmd_settings)
    actions = p.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every rule parameter and its value in force")
    s = actions.add_parser("set", help="the workspace's own value of a rule parameter")
    s.add_argument("name")
    s.add_argument("value", help="a number, of the parameter's type and range")
    u = actions.add_parser("unset", help="back to the plug-ins' (or national) value")
    u.add_argument("name")
    for q in (listing, s, u):
        add_workspace(q)
        add_plugin_choice(q)
        add_json(q)

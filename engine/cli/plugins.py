"""``yibao plugins``: list, install and remove plug-ins."""

from __future__ import annotations

import argparse

from engine.cli.common import (
    add_json,
    emit_json,
)
from engine.errors import UserError


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


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plugins", help="list, install or remove plug-ins")
    p.set_defaults(func=cmd_plugins)
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

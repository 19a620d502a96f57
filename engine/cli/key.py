"""``yibao key``: the pseudonym key of a pseudonymised workspace — where it is, and moving it
between machines (it is kept outside the workspace, see ``engine.pseudonym``)."""

from __future__ import annotations

import argparse

from engine.cli.common import add_json, add_workspace, emit_json, open_workspace


def cmd_key(args) -> int:
    from engine import pseudonym

    with open_workspace(args, create=False) as ws:
        if args.action == "export":
            path = pseudonym.export_key(ws, args.file)
            out = {"exported": str(path)}
            text = f"密钥已导出到 {path}，请妥善保管 | key exported to {path}; keep it safe"
        elif args.action == "import":
            where = pseudonym.import_key(ws, args.file)
            out = {"imported": where}
            text = f"密钥已保存到 {where} | key kept in {where}"
        else:
            out = pseudonym.describe(ws)
            text = _describe(out)
    emit_json(out) if args.json else print(text)
    return 0


def _describe(info: dict) -> str:
    lines = [f"工作区ID / workspace id: {info['workspace_id'] or '-'}"]
    if not info["pseudonymised"]:
        lines.append("未假名化 / not pseudonymised")
        return "\n".join(lines)
    lines.append(f"已假名化 / pseudonymised since {info['since']}")
    present = "在本机 / present" if info["key_present"] else "不在本机 / NOT on this machine"
    lines.append(f"密钥 / key: {info['key_location']} ({present})")
    return "\n".join(lines)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("key", help="the pseudonym key of a workspace: show, export, import")
    p.set_defaults(func=cmd_key)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser(
        "show", help="whether the workspace is pseudonymised, where its key is"
    )
    export = actions.add_parser("export", help="write the key to a file, to move it")
    export.add_argument("file", help="key file to write (keep it apart from the workspace)")
    imported = actions.add_parser("import", help="keep a key exported elsewhere for this workspace")
    imported.add_argument("file", help="key file written by yibao key export")
    for q in (show, export, imported):
        add_workspace(q)
        add_json(q)

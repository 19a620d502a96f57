"""Data packages in and out of a workspace: ``import`` and ``export``."""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli.common import (
    add_encrypt,
    add_json,
    add_plugin_choice,
    add_workspace,
    emit_json,
    lang_of,
    open_workspace,
    plugins_for,
    progress_for,
)


def _key_location(ws) -> str:
    """Where the pseudonym key is: inside an encrypted workspace, else outside it."""
    from engine import pseudonym

    return pseudonym.key_store(ws).where


def cmd_import(args) -> int:
    from engine import import_any

    plugins = plugins_for(args)
    with open_workspace(args) as ws:
        try:
            result = import_any(
                ws,
                args.package,
                plugins=plugins,
                replace=args.replace,
                pseudonymise=args.pseudonymise,
                progress=progress_for(args),
            )
        except BaseException:
            ws.discard()  # a workspace this import created goes with its failure
            raise
        where = _key_location(ws) if result.pseudonymised else None
        encrypted = ws.encrypted
    if args.json:
        emit_json(result.to_json())
    else:
        zh = lang_of(args) == "zh"
        refs = ", ".join(f"{k} {v}" for k, v in result.reference.items()) or (
            "无" if zh else "none"
        )
        print(
            f"已导入结算 {result.claims:,} 条、明细 {result.lines:,} 条，用时 {result.seconds:.2f} 秒"
            if zh
            else f"imported {result.claims} claims and {result.lines} lines in {result.seconds:.2f}s"
        )
        if result.adapter:
            print(f"converted by {result.adapter}")
        if result.pseudonymised:
            print(
                f"人员编号已假名化，密钥保存在 {where} / patient ids pseudonymised, key kept in {where}"
            )
        if encrypted:
            print("工作区已加密 / the workspace is encrypted (SQLCipher)")
        print(f"{'参考数据' if zh else 'reference data'}: {refs}")
        for name, enc in result.encodings.items():
            print(f"  {name}: {enc}")
    return 0


def cmd_export(args) -> int:
    from engine import LOG_HEAD_FILE, export_package

    with open_workspace(args, create=False) as ws:
        counts = export_package(ws, args.out, raw=args.raw, bom=not args.no_bom)
    if args.json:
        emit_json(counts)
    else:
        zh = lang_of(args) == "zh"
        head = (Path(args.out) / LOG_HEAD_FILE).read_text().strip()
        tables = ", ".join(f"{k} {v:,}" for k, v in counts.items())
        print(f"已写入 {args.out}：{tables}" if zh else f"wrote {args.out}: {tables}")
        print(f"日志校验码 {head}" if zh else f"log head {head}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import a data package into a workspace")
    p.set_defaults(func=cmd_import)
    p.add_argument("package", help="data package folder (claims, lines, reference/)")
    add_workspace(p)
    p.add_argument("--replace", action="store_true", help="replace claims already imported")
    add_encrypt(p)
    p.add_argument(
        "--pseudonymise",
        action="store_true",
        help="store patient ids as keyed pseudonyms and drop name / id-card columns; the key"
        " stays outside the workspace (see: yibao key)",
    )
    add_plugin_choice(p)
    add_json(p)

    p = sub.add_parser("export", help="write a workspace back as a data package")
    p.set_defaults(func=cmd_export)
    p.add_argument("workspace", metavar="W", help="workspace file")
    p.add_argument("--out", required=True, metavar="FOLDER", help="new folder to write")
    p.add_argument(
        "--raw",
        action="store_true",
        help="cells exactly as stored (default: a ' before text a spreadsheet would run as a"
        " formula, = + - @ tab CR)",
    )
    p.add_argument(
        "--no-bom",
        action="store_true",
        help="CSV without the UTF-8 byte-order mark (default: with it, so Excel on Chinese"
        " Windows opens the files as UTF-8)",
    )
    add_json(p)

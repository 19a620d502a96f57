"""The subcommands of ``yibao``: argument definitions and their thin handlers."""

from __future__ import annotations

import argparse

from engine.cli import (
    add_json,
    add_plugin_choice,
    add_workspace,
    command,
    emit_json,
    progress_for,
)


def _open(args, create: bool = True):
    from engine.workspace import Workspace, resolve_path

    return Workspace.open(resolve_path(args.workspace), create=create)


@command("import")
def cmd_import(args) -> int:
    from engine.ingest import import_package
    from engine.plugins import load_plugins

    plugins = load_plugins(args.plugin, args.no_plugin)
    with _open(args) as ws:
        result = import_package(
            ws, args.package, replace=args.replace, progress=progress_for(args),
            known_institutions=plugins.institution_codes(),
        )
    if args.json:
        emit_json(result.to_json())
    else:
        refs = ", ".join(f"{k} {v}" for k, v in result.reference.items()) or "none"
        print(f"imported {result.claims} claims and {result.lines} lines in {result.seconds:.2f}s")
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

"""What every command group shares: the workspace and JSON options, progress, opening."""

from __future__ import annotations

import argparse
import json
import sys

from engine.progress import Progress, no_progress


def open_workspace(args: argparse.Namespace, create: bool = True):
    """The workspace of ``-w``/``$YIBAO_WORKSPACE``."""
    from engine.workspace import Workspace, resolve_path

    return Workspace.open(resolve_path(args.workspace), create=create)


def emit_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=None) + "\n")


def progress_for(args: argparse.Namespace) -> Progress:
    """A one-line progress display on a terminal; silent under --json or when piped."""
    if getattr(args, "json", False) or not sys.stderr.isatty():
        return no_progress

    def show(stage: str, done: int, total: int) -> None:
        if total:
            width = 30
            filled = int(width * done / max(total, 1))
            bar = "█" * filled + "·" * (width - filled)
            sys.stderr.write(f"\r{stage:<10} {bar} {done}/{total}")
        else:
            sys.stderr.write(f"\r{stage:<10} {done}")
        if total and done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def add_workspace(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--workspace", "-w", metavar="W", help="workspace file (default: $YIBAO_WORKSPACE)"
    )


def add_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object")


def add_plugin_choice(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="NAME",
        help="use only these regional plug-ins (repeatable)",
    )
    p.add_argument(
        "--no-plugin",
        action="append",
        default=[],
        metavar="NAME",
        help="leave out this plug-in (repeatable)",
    )
    p.add_argument(
        "--require-plugin",
        action="append",
        default=[],
        metavar="NAME",
        help="stop with an error unless this plug-in loads (repeatable)",
    )


def plugins_for(args: argparse.Namespace, warn: bool = True):
    """The plug-ins ``--plugin``/``--no-plugin``/``--require-plugin`` choose; each plug-in
    that did not load is a warning on stderr (``warn``), or an error if required."""
    from engine.plugins import load_plugins

    plugins = load_plugins(args.plugin, args.no_plugin, args.require_plugin)
    if warn:
        for problem in plugins.problems():
            print(f"warning: {problem}", file=sys.stderr)
    return plugins

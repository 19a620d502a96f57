"""The ``yibao`` command line: a thin front end over the engine API.

Conventions for every command: exit 0 when done, 2 for bad input (with a message, never a
traceback), 1 for an internal error; ``--json`` prints one JSON object and nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable

from engine.errors import UserError
from engine.progress import Progress, no_progress

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(func):
        COMMANDS[name] = func
        return func

    return register


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


def build_parser() -> argparse.ArgumentParser:
    from engine import __version__
    from engine.commands import register_all

    parser = argparse.ArgumentParser(
        prog="yibao",
        description="医保审核工作台 yibao — audit medical insurance claims and settle DIP, offline.",
    )
    parser.add_argument("--version", action="version", version=f"yibao {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    register_all(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        if getattr(sys, "frozen", False):
            args = parser.parse_args(["desktop"])
        else:
            parser.print_help()
            return 0
    try:
        return COMMANDS[args.command](args) or 0
    except UserError as exc:
        if getattr(args, "json", False):
            emit_json({"error": str(exc)})
        print(f"yibao {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader (e.g. `| head`) has gone; stop quietly, as command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:  # noqa: BLE001 — the last resort of a CLI: say it is ours, exit 1
        traceback.print_exc()
        print("yibao: internal error (the traceback above is for the developers)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    from engine.cli import main as _main  # the registered module, not this __main__ copy

    sys.exit(_main())

"""The ``yibao`` command line: a thin front end over the engine API.

Conventions for every command: exit 0 when done, 2 for bad input (with a message, never a
traceback), 1 for an internal error; ``--json`` prints one JSON object and nothing else.

Each command group is one module of this package with a ``register(sub)`` that adds its
parsers beside its handlers (``set_defaults(func=…)``); ``GROUPS`` lists them in help order.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from engine import UserError, storage_error
from engine.cli.common import emit_json, take_lang

GROUPS = (
    "package",
    "key",
    "audit",
    "dip",
    "analytics",
    "doctors",
    "log",
    "plugins",
    "rules",
    "settings",
    "report",
    "spark",
    "app",
)


class _Parser(argparse.ArgumentParser):
    """argparse's parser; a wrong argument on a ``--json`` line is also one JSON object."""

    json = False  # set by ``main`` for the line it parses (sub-commands' parsers share it)

    def error(self, message: str):
        if _Parser.json:
            emit_json({"error": f"{self.prog}: {message}"})
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    from engine import __version__

    parser = _Parser(
        prog="yibao",
        description="医保审核工作台 yibao — audit medical insurance claims and settle DIP, offline.",
    )
    parser.add_argument("--version", action="version", version=f"yibao {__version__}")
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        help="language of text output (default: the locale's; anywhere on the line)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in GROUPS:
        importlib.import_module(f"engine.cli.{group}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv, lang = take_lang(list(sys.argv[1:] if argv is None else argv))
    _Parser.json = "--json" in argv
    args = parser.parse_args(argv)
    args.lang = lang
    if not args.command:
        if getattr(sys, "frozen", False):
            args = parser.parse_args(["desktop"])
        else:
            parser.print_help()
            return 0
    try:
        try:
            return args.func(args) or 0
        except Exception as exc:  # noqa: BLE001 — sqlite3's, SQLCipher's or the OS's
            # a full disk or a damaged file is the user's to act on, not a bug
            problem = storage_error(exc, getattr(args, "workspace", None) or "the workspace")
            if problem is None:
                raise
            raise problem from exc
    except UserError as exc:
        if getattr(args, "json", False):
            problems = getattr(exc, "problems", [])  # an import's, each as data in zh and en
            detail = {"problems": [_as_json(p) for p in problems]} if problems else {}
            emit_json({"error": str(exc)} | detail)
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


def _as_json(problem: object) -> object:
    to_json = getattr(problem, "to_json", None)
    return to_json() if to_json else str(problem)

"""What every command group shares: the workspace and JSON options, progress, opening."""

from __future__ import annotations

import argparse
import json
import sys

from engine import Progress, no_progress


def open_workspace(args: argparse.Namespace, create: bool = True):
    """The workspace of ``-w``/``$YIBAO_WORKSPACE`` (``--encrypt``: a new one, encrypted);
    an encrypted one's passphrase is asked for on a terminal unless $YIBAO_PASSPHRASE is set."""
    from engine import Workspace, set_passphrase_prompt, workspace_path

    if sys.stdin.isatty():
        set_passphrase_prompt(ask_passphrase)
    encrypt = getattr(args, "encrypt", False)
    return Workspace.open(workspace_path(args.workspace), create=create, encrypt=encrypt)


def ask_passphrase(path, new: bool) -> str | None:
    """The terminal's passphrase prompt (twice for a new workspace)."""
    import getpass

    text = getpass.getpass(f"工作区密码 / passphrase for {path}: ")
    if new and text and getpass.getpass("再输入一次 / again: ") != text:
        from engine import UserError

        raise UserError("the two passphrases differ / 两次输入的密码不一致")
    return text or None


def add_encrypt(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--encrypt",
        action="store_true",
        help="create the workspace encrypted (SQLCipher); passphrase from $YIBAO_PASSPHRASE"
        " or asked for",
    )


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
    from engine import load_plugins

    plugins = load_plugins(args.plugin, args.no_plugin, args.require_plugin)
    if warn:
        for problem in plugins.problems():
            print(f"warning: {problem}", file=sys.stderr)
    return plugins


LANGS = ("zh", "en")


def take_lang(argv: list[str]) -> tuple[list[str], str | None]:
    """``--lang zh|en`` (or ``--lang=…``) wherever it stands in ``argv``, and argv without it,
    so ``yibao findings --lang zh`` and ``yibao --lang zh findings`` both work."""
    rest, lang, i = [], None, 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--lang" and i + 1 < len(argv):
            lang, i = argv[i + 1], i + 2
            continue
        if arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        i += 1
    if lang is not None and lang not in LANGS:
        raise SystemExit(f"yibao: --lang must be zh or en, not {lang!r}")
    return rest, lang


def locale_lang(environ=None) -> str:
    """zh when the user's locale is Chinese (LC_ALL, LC_MESSAGES or LANG, the first set)."""
    import os

    environ = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def lang_of(args: argparse.Namespace) -> str:
    """The language of a command's text output: ``--lang``, else the locale's."""
    return getattr(args, "lang", None) or locale_lang()


def text_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide (CJK) characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def print_table(headers: list[str], rows: list[list], right: set[int] = frozenset()) -> None:
    """Rows under their headers, columns padded to their widest cell (CJK counted double);
    ``right``: the columns aligned right (numbers). The last column is not padded."""
    for line in table_lines(headers, rows, right):
        print(line)


def table_lines(headers: list[str], rows: list[list], right: set[int] = frozenset()) -> list[str]:
    """``print_table``'s lines."""
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(text_width(row[i]) for row in cells) for i in range(len(headers))]
    out = []
    for row in cells:
        parts = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - text_width(cell))
            last = i == len(row) - 1
            parts.append(pad + cell if i in right else cell + ("" if last else pad))
        out.append("  ".join(parts).rstrip())
    return out

"""What every command group shares: the workspace and JSON options, progress, opening."""

from __future__ import annotations

import argparse
import json
import sys

from engine.progress import Progress, no_progress


def open_workspace(args: argparse.Namespace, create: bool = True):
    """The workspace of ``-w``/``$YIBAO_WORKSPACE`` (``--encrypt``: a new one, encrypted);
    an encrypted one's passphrase is asked for on a terminal unless $YIBAO_PASSPHRASE is set."""
    from engine import encryption
    from engine.workspace import Workspace, resolve_path

    if sys.stdin.isatty():
        encryption.set_prompt(ask_passphrase)
    encrypt = getattr(args, "encrypt", False)
    return Workspace.open(resolve_path(args.workspace), create=create, encrypt=encrypt)


def ask_passphrase(path, new: bool) -> str | None:
    """The terminal's passphrase prompt (twice for a new workspace)."""
    import getpass

    text = getpass.getpass(f"工作区密码 / passphrase for {path}: ")
    if new and text and getpass.getpass("再输入一次 / again: ") != text:
        from engine.errors import UserError

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
    from engine.plugins import load_plugins

    plugins = load_plugins(args.plugin, args.no_plugin, args.require_plugin)
    if warn:
        for problem in plugins.problems():
            print(f"warning: {problem}", file=sys.stderr)
    return plugins

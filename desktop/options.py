"""The options of ``yibao desktop``, declared once: the CLI adds them to its ``desktop``
command and ``desktop.app.main`` parses them itself (no Qt here, so the CLI can build its
parser where PySide6 is missing)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", "-w", metavar="W", help="workspace to open")
    parser.add_argument("--screenshots", metavar="DIR", help="save every page as PNG and exit")
    parser.add_argument("--language", choices=("zh_CN", "en"), help="interface language")

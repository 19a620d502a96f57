"""``yibao desktop``: the application (``--screenshots``: see ``desktop.tour``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desktop import startup, tour
from desktop.context import Context
from desktop.options import add_arguments
from desktop.translations import Translations
from desktop.window import MainWindow
from engine import UserError, use_plugin_dir


def build(settings: QSettings | None = None, language: str | None = None) -> MainWindow:
    """The main window with its context (QApplication must exist)."""
    settings = settings or QSettings("yibao", "yibao")
    if settings.value("plugin_dir"):
        use_plugin_dir(str(settings.value("plugin_dir")), unless_set=True)
    translations = Translations()
    language = language or str(settings.value("language", "zh_CN"))
    translations.use(language)
    ctx = Context(settings)
    ctx.lang = "en" if language.startswith("en") else "zh"
    return MainWindow(ctx, translations)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="yibao desktop")
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Open the window for parsed ``desktop.options`` arguments; the exit code when it closes."""
    app = QApplication.instance()
    if app is None:
        problem = startup.check(bool(args.screenshots))
        if problem:
            raise UserError(problem)
        app = QApplication(sys.argv[:1])
    app.setApplicationName("yibao")
    window = build(language=args.language)
    if args.screenshots:
        for path in tour.screenshots(window, Path(args.screenshots), args.workspace):
            print(path)
        window.ctx.close()
        return 0
    if args.workspace:
        window.ctx.open_workspace(args.workspace, create=False)
    window.show()
    code = app.exec()
    window.ctx.close()
    return code

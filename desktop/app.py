"""``yibao desktop``: the application, and ``--screenshots`` that renders every page to PNG."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desktop.context import Context
from desktop.options import add_arguments
from desktop.translations import Translations
from desktop.window import MainWindow


def build(settings: QSettings | None = None, language: str | None = None) -> MainWindow:
    """The main window with its context (QApplication must exist)."""
    settings = settings or QSettings("yibao", "yibao")
    if settings.value("plugin_dir"):
        os.environ.setdefault("YIBAO_PLUGINS_DIR", str(settings.value("plugin_dir")))
    translations = Translations()
    language = language or str(settings.value("language", "zh_CN"))
    translations.use(language)
    ctx = Context(settings)
    ctx.lang = "en" if language.startswith("en") else "zh"
    return MainWindow(ctx, translations)


def screenshots(window: MainWindow, folder: Path) -> list[Path]:
    """Render each page to ``folder/NN-name.png`` (offscreen works)."""
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()
    out = []
    window.show()
    for number, (_title, page) in enumerate(window.pages, start=1):
        window.show_page(page)
        app.processEvents()
        path = folder / f"{number:02d}-{type(page).__name__.removesuffix('Page').lower()}.png"
        window.grab().save(str(path))
        out.append(path)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="yibao desktop")
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Open the window for parsed ``desktop.options`` arguments; the exit code when it closes."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("yibao")
    window = build(language=args.language)
    if args.workspace:
        window.ctx.open_workspace(args.workspace, create=False)
    if args.screenshots:
        for path in screenshots(window, Path(args.screenshots)):
            print(path)
        window.ctx.close()
        return 0
    window.show()
    code = app.exec()
    window.ctx.close()
    return code

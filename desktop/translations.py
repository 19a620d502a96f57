"""Qt Linguist translations: Chinese is the source language; ``i18n/yibao_<lang>.ts`` hold the
others. A ``.qm`` is built from its ``.ts`` with PySide6's ``lrelease`` when missing or older
(at first start, or by the packaging build), into the folder beside it or the user's cache."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import platformdirs
import PySide6
from PySide6.QtCore import QCoreApplication, QTranslator

SOURCES = Path(__file__).with_name("i18n")


def _lrelease() -> Path | None:
    folder = Path(PySide6.__file__).parent
    for name in ("lrelease", "lrelease.exe", "bin/lrelease", "Qt/bin/lrelease"):
        if (folder / name).is_file():
            return folder / name
    return None


def compiled(language: str) -> Path | None:
    """The ``.qm`` of a language, built if needed; None when there is no such translation."""
    ts = SOURCES / f"yibao_{language}.ts"
    beside = ts.with_suffix(".qm")
    if not ts.is_file():
        return beside if beside.is_file() else None
    for qm in (beside, platformdirs.user_cache_path("yibao") / "i18n" / beside.name):
        if qm.is_file() and qm.stat().st_mtime >= ts.stat().st_mtime:
            return qm
    tool = _lrelease()
    if tool is None:
        return beside if beside.is_file() else None
    for qm in (beside, platformdirs.user_cache_path("yibao") / "i18n" / beside.name):
        try:
            qm.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [str(tool), "-silent", str(ts), "-qm", str(qm)], check=True, capture_output=True
            )
            return qm
        except (OSError, subprocess.CalledProcessError):
            continue
    print(f"yibao: cannot build the {language} translation", file=sys.stderr)
    return None


class Translations:
    """Installs the translator of the chosen language (none for Chinese, the source).

    The application has one translator of ours at a time, whichever window installed it."""

    installed: QTranslator | None = None

    def use(self, language: str) -> bool:
        app = QCoreApplication.instance()
        if Translations.installed is not None:
            app.removeTranslator(Translations.installed)
            Translations.installed = None
        if language.startswith("zh"):
            return True
        qm = compiled(language)
        translator = QTranslator()
        if qm is None or not translator.load(str(qm)):
            return False
        app.installTranslator(translator)
        Translations.installed = translator
        return True

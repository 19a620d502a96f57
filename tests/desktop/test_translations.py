"""Chinese first, English available: every ``self.tr`` text of the desktop has an English
translation in ``i18n/yibao_en.ts`` under its class (Qt's translation context)."""

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

DESKTOP = Path(__file__).parents[2] / "desktop"


def translated() -> dict[str, set[str]]:
    """Context (class) → its sources that have a finished translation."""
    out: dict[str, set[str]] = {}
    for context in ET.parse(DESKTOP / "i18n" / "yibao_en.ts").getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is not None and translation.text and not translation.get("type"):
                out.setdefault(context.findtext("name"), set()).add(message.findtext("source"))
    return out


def tr_texts(source: str) -> list[tuple[str, str]]:
    """(class, text) of every ``self.tr("…")`` with a literal text."""
    found = []
    for cls in ast.walk(ast.parse(source)):
        if not isinstance(cls, ast.ClassDef):
            continue
        for node in ast.walk(cls):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append((cls.name, node.args[0].value))
    return found


def test_every_desktop_text_has_english():
    english = translated()
    texts = [
        (path.relative_to(DESKTOP).as_posix(), cls, text)
        for path in sorted(DESKTOP.rglob("*.py"))
        for cls, text in tr_texts(path.read_text(encoding="utf-8"))
    ]
    assert len(texts) > 300  # the pages were read
    assert [t for t in texts if t[2] not in english.get(t[1], set())] == []

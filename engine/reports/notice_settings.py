"""What a notice (告知书) needs from the workspace: who issues it, its document number, and how
many days the institution has to object. Set in the desktop's settings page or with
``yibao settings set notice.issuer 某市医疗保障局``; a notice without them leaves blanks to fill
by hand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.errors import UserError

if TYPE_CHECKING:
    from engine.workspace import Workspace


@dataclass(frozen=True)
class NoticeSetting:
    key: str
    label_zh: str
    label_en: str
    default: str | int
    kind: type = str


NOTICE_SETTINGS: tuple[NoticeSetting, ...] = (
    NoticeSetting("notice.issuer", "出具单位", "issuer", ""),
    NoticeSetting("notice.number", "文书编号", "document number", ""),
    NoticeSetting("notice.objection_days", "陈述申辩期限（日）", "days to object", 7, int),
)
BY_KEY = {s.key: s for s in NOTICE_SETTINGS}


def notice_settings(ws: Workspace) -> dict:
    """Every notice setting of ``ws`` (the default where it has none)."""
    return {s.key: ws.get_setting(s.key, s.default) for s in NOTICE_SETTINGS}


def parse(key: str, text: str | None) -> str | int | None:
    """``text`` as the value of ``key`` (None: back to the default); a UserError if wrong."""
    setting = BY_KEY.get(key)
    if setting is None:
        raise UserError(
            f"没有告知书设置 {key}（no notice setting {key}）；可用：{', '.join(BY_KEY)}"
        )
    if text is None:
        return None
    text = text.strip()
    if setting.kind is int:
        if not text.isdigit() or not 1 <= int(text) <= 365:
            raise UserError(
                f"{key} 应为 1–365 的整数天数（must be a whole number of days from 1 to 365），"
                f"不是 {text!r}"
            )
        return int(text)
    if len(text) > 200:
        raise UserError(f"{key} 最多 200 个字（at most 200 characters）")
    return text


def set_notice_setting(ws: Workspace, key: str, text: str | None) -> str | int:
    """Store ``key`` (None removes it); returns the value now in force."""
    value = parse(key, text)
    with ws.transaction():
        if value is None:
            ws.conn.execute("DELETE FROM settings WHERE key = ?", (key,))
        else:
            ws.set_setting(key, value)
    return notice_settings(ws)[key]

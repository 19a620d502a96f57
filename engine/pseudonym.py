"""Pseudonymised import (spec/interchange.md, r2): patient ids replaced by keyed pseudonyms.

``patient_id`` becomes ``P`` + the first 16 hex digits of HMAC-SHA256(key, patient_id), with one
random key per workspace: the same person gets the same pseudonym in every import into that
workspace, and another one elsewhere. Identity numbers have little entropy, so whoever holds
the key and the workspace can reverse the pseudonyms by trying numbers: the key of a plain
workspace is kept outside it, in the user's data folder under the workspace's id
(``key_store`` decides where, in one place), and moved with ``export_key`` / ``import_key``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from engine.errors import UserError

KEYS_DIR_VAR = "YIBAO_KEYS_DIR"  # where the keys of plain workspaces are kept (tests, portable)
ID_SETTING = "workspace_id"
PSEUDONYMISED_SETTING = "pseudonymised"  # {"since": …, "key_check": …} once pseudonymised
KEY_FILE_FORMAT = "yibao-pseudonym-key"
_CHECK_TEXT = b"yibao pseudonym key check"


def pseudonym(key: bytes, patient_id: str) -> str:
    """The pseudonym of ``patient_id`` under ``key``."""
    digest = hmac.new(key, patient_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return "P" + digest[:16]


def key_check(key: bytes) -> str:
    """A value recorded in the workspace that tells its key from another without revealing it."""
    return hmac.new(key, _CHECK_TEXT, hashlib.sha256).hexdigest()[:16]


def workspace_id(ws) -> str:
    """The workspace's stable id (made on first use, kept in its settings; a copy of the file
    keeps it, so its key follows it)."""
    value = ws.get_setting(ID_SETTING)
    if not value:
        value = uuid.uuid4().hex
        _written(ws, lambda: ws.set_setting(ID_SETTING, value))
    return value


def _written(ws, write) -> None:
    """Run ``write`` in the caller's transaction, or in one of its own (so a workspace another
    yibao is writing to is a clear ``UserError``, as for any write)."""
    if ws.conn.in_transaction:
        write()
    else:
        with ws.transaction():
            write()


def is_pseudonymised(ws) -> bool:
    return bool(ws.get_setting(PSEUDONYMISED_SETTING))


class KeyStore(Protocol):
    where: str  # said in messages: where the key is looked for

    def load(self) -> bytes | None: ...

    def save(self, key: bytes) -> None: ...


def keys_dir() -> Path:
    env = os.environ.get(KEYS_DIR_VAR)
    if env:
        return Path(env)
    import platformdirs

    return platformdirs.user_data_path("yibao", appauthor=False) / "keys"


class FolderKeyStore:
    """A key in its own file, readable by the user only, named by the workspace's id."""

    def __init__(self, folder: Path, ws_id: str):
        self.path = folder / f"{ws_id}.key"
        self.where = str(self.path)

    def load(self) -> bytes | None:
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(
                f"无法读取密钥文件 | cannot read the key file {self.path}: {exc}"
            ) from None
        try:
            return bytes.fromhex(text)
        except ValueError:
            raise UserError(f"密钥文件已损坏 | the key file {self.path} is damaged") from None

    def save(self, key: bytes) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            _write_private(self.path, key.hex() + "\n")
        except OSError as exc:
            raise UserError(
                f"无法保存密钥 | cannot keep the key in {self.path}: {exc}"
                f" (set {KEYS_DIR_VAR} to a folder you can write)"
            ) from None


class InsideKeyStore:
    """The key kept inside the workspace: only for an encrypted one, whose contents are as
    safe as the key file would be."""

    SETTING = "pseudonym_key"
    where = "the encrypted workspace"

    def __init__(self, ws):
        self.ws = ws

    def load(self) -> bytes | None:
        value = self.ws.get_setting(self.SETTING)
        return bytes.fromhex(value) if value else None

    def save(self, key: bytes) -> None:
        _written(self.ws, lambda: self.ws.set_setting(self.SETTING, key.hex()))


def key_store(ws) -> KeyStore:
    """Where the pseudonym key of ``ws`` lives: the one place that decides it. A plain workspace
    keeps it outside, in the user's data folder; a workspace that says it is encrypted
    (``ws.encrypted``) keeps it inside."""
    if getattr(ws, "encrypted", False):
        return InsideKeyStore(ws)
    return FolderKeyStore(keys_dir(), workspace_id(ws))


def _missing_key(ws, store: KeyStore) -> UserError:
    return UserError(
        f"工作区 {ws.path} 已假名化，但本机没有它的密钥（{store.where}）：请在有密钥的电脑上"
        "用 yibao key export 导出，再在此用 yibao key import 导入 | "
        f"{ws.path} is pseudonymised and its key is not on this machine ({store.where}): "
        "export it where it is (yibao key export) and bring it here (yibao key import)"
    )


def workspace_key(ws) -> bytes:
    """The key of a pseudonymised workspace; a clear ``UserError`` when it is not here or is
    not this workspace's."""
    store = key_store(ws)
    key = store.load()
    if key is None:
        raise _missing_key(ws, store)
    if key_check(key) != ws.get_setting(PSEUDONYMISED_SETTING, {}).get("key_check"):
        raise UserError(
            f"{store.where} 中的密钥不属于此工作区 | the key in {store.where} is not the key of "
            f"{ws.path}; bring the right one with yibao key import"
        )
    return key


def key_for_import(ws, wanted: bool) -> bytes | None:
    """The key an import into ``ws`` pseudonymises with, or None for real ids.

    A pseudonymised workspace always pseudonymises (mixing real ids in would defeat it) and
    needs its key; a workspace holding real ids cannot start now."""
    if is_pseudonymised(ws):
        return workspace_key(ws)
    if not wanted:
        return None
    if ws.count("claims"):
        raise UserError(
            "工作区中已有使用真实人员编号的结算，不能再假名化导入；请导入到新的工作区 | "
            f"{ws.path} already holds claims with real patient ids: import with --pseudonymise "
            "into a new workspace"
        )
    return key_store(ws).load() or secrets.token_bytes(32)


def mark_pseudonymised(ws, key: bytes) -> None:
    """Record, inside the import's transaction, that ``ws`` holds pseudonyms of ``key``, and
    keep a new key: a failed import leaves neither behind."""
    if not is_pseudonymised(ws):
        since = datetime.now(UTC).isoformat(timespec="seconds")
        ws.set_setting(PSEUDONYMISED_SETTING, {"since": since, "key_check": key_check(key)})
        store = key_store(ws)
        if store.load() != key:
            store.save(key)


def export_key(ws, path: str | os.PathLike) -> Path:
    """Write the key of a pseudonymised workspace to ``path`` (readable by the user only)."""
    if not is_pseudonymised(ws):
        raise UserError(f"工作区未假名化，没有密钥 | {ws.path} is not pseudonymised: it has no key")
    key = workspace_key(ws)
    data = {"format": KEY_FILE_FORMAT, "workspace_id": workspace_id(ws), "key": key.hex()}
    path = Path(path)
    if path.is_dir():
        raise UserError(
            f"是一个文件夹，请给出文件名 | {path} is a folder: name the key file to write"
        )
    try:
        _write_private(path, json.dumps(data) + "\n")
    except OSError as exc:
        raise UserError(f"无法写入密钥文件 | cannot write the key file {path}: {exc}") from None
    return path


def import_key(ws, path: str | os.PathLike) -> str:
    """Keep the key in ``path`` (written by ``export_key``) as this workspace's; return where."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        key = bytes.fromhex(data["key"])
        if data.get("format") != KEY_FILE_FORMAT or not key:
            raise ValueError
    except FileNotFoundError:
        raise UserError(f"找不到密钥文件 | key file not found: {path}") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise UserError(f"不是 yibao 密钥文件 | {path} is not a yibao key file") from None
    if is_pseudonymised(ws):
        if key_check(key) != ws.get_setting(PSEUDONYMISED_SETTING, {}).get("key_check"):
            raise UserError(f"此密钥不属于该工作区 | the key in {path} is not the key of {ws.path}")
    elif data.get("workspace_id") != workspace_id(ws):
        raise UserError(
            f"此密钥属于另一个工作区 | the key in {path} belongs to another workspace, not {ws.path}"
        )
    store = key_store(ws)
    store.save(key)
    return store.where


def describe(ws) -> dict:
    """What the workspace info shows: its id, whether it is pseudonymised, where its key is.
    Only reads (a window may ask while an import writes)."""
    marked = ws.get_setting(PSEUDONYMISED_SETTING) or {}
    info = {"workspace_id": ws.get_setting(ID_SETTING), "pseudonymised": bool(marked)}
    info |= {"since": marked.get("since"), "key_location": None, "key_present": None}
    if marked:
        store = key_store(ws)  # the id exists: the pseudonymised import made it
        info |= {"key_location": store.where, "key_present": store.load() is not None}
    return info


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a file only its owner may read, replacing it whole."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)

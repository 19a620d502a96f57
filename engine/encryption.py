"""Encrypted workspaces: the same SQLite file, every page encrypted with SQLCipher.

The binding is ``sqlcipher3`` from the ``sqlcipher3-wheels`` package: a DB-API module with the
``sqlite3`` interface over SQLCipher 4 (AES-256, HMAC-SHA512 pages, PBKDF2-HMAC-SHA512 keys),
with wheels that bundle SQLCipher and OpenSSL for Linux, Windows and macOS, so a fresh
``pip install`` needs no system package. A plain workspace keeps the standard ``sqlite3``.

The passphrase comes from the caller (the desktop's dialog), ``YIBAO_PASSPHRASE``, or the
prompt a front end registers (``set_prompt``: the CLI asks on a terminal). Once a file is
open, its key is remembered for this process, so every other connection to it (the settle
readers, the desktop's reader, a worker thread's workspace) opens it the same way; the audit
lanes' worker processes are handed it (``key_for``). The import's worker processes never open
the workspace: they send lines as serialized databases, which the binding cannot take in
(no ``deserialize``), so an encrypted workspace imports in this process (``bulk._use_workers``).

Everything written inside an encrypted workspace stays encrypted: secrets that must not sit
in a plain workspace (the pseudonymisation key) are kept in it only when it is encrypted
(``keeps_secrets``), elsewhere they belong outside it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from engine.errors import UserError

PASSPHRASE_VAR = "YIBAO_PASSPHRASE"
PLAIN_HEADER = b"SQLite format 3\x00"
MIN_PAGE = 512  # the smallest page size: an SQLCipher file is a whole number of pages

_keys: dict[str, str] = {}  # resolved path → passphrase, for the other connections to it
_prompt: Callable[[Path, bool], str | None] | None = None


def binding():
    """The SQLCipher module (imported when an encrypted workspace is first used)."""
    try:
        import sqlcipher3
    except ImportError as exc:  # pragma: no cover — a declared dependency
        raise UserError(
            f"encrypted workspaces need the sqlcipher3-wheels package ({exc})"
        ) from None
    sqlcipher3.register_adapter(type(None), {}.get)  # as engine.workspace does for sqlite3
    return sqlcipher3


def errors(name: str) -> tuple[type[BaseException], ...]:
    """An exception class of ``sqlite3`` (e.g. ``IntegrityError``) and of the SQLCipher
    binding, for except clauses that must catch both."""
    plain = getattr(sqlite3, name)
    try:
        import sqlcipher3
    except ImportError:  # pragma: no cover
        return (plain,)
    return (plain, getattr(sqlcipher3, name))


def _name(path: str | os.PathLike) -> str:
    return str(Path(path).resolve())


def is_encrypted(path: str | os.PathLike) -> bool:
    """A file that looks like SQLCipher's: whole pages, without the plain SQLite header (its
    first bytes are the key's random salt). Anything else (a text file) is left to be
    refused as not a workspace, without asking for a passphrase."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(len(PLAIN_HEADER))
    except OSError:
        return False
    return size >= MIN_PAGE and size % MIN_PAGE == 0 and head != PLAIN_HEADER


def set_prompt(prompt: Callable[[Path, bool], str | None] | None) -> None:
    """Register how to ask for a passphrase: ``prompt(path, new)`` returns it, or None when
    the person declined. ``new`` asks for one to create a workspace with."""
    global _prompt
    _prompt = prompt


def remember(path: str | os.PathLike, passphrase: str) -> None:
    _keys[_name(path)] = passphrase


def key_for(path: str | os.PathLike) -> str | None:
    """The passphrase this process opened ``path`` with; None for a plain workspace."""
    return _keys.get(_name(path))


def passphrase(path: str | os.PathLike, new: bool = False) -> str:
    """The passphrase of ``path``: remembered, ``YIBAO_PASSPHRASE``, or asked for."""
    known = key_for(path)
    if known is not None:
        return known
    given = os.environ.get(PASSPHRASE_VAR)
    if given is None and _prompt is not None:
        given = _prompt(Path(path), new)
    if not given:
        what = "a new encrypted workspace needs" if new else f"{path} is encrypted: it needs"
        raise UserError(f"{what} a passphrase (set {PASSPHRASE_VAR}, or run it on a terminal)")
    return given


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(target: str | os.PathLike, key: str, path: str | os.PathLike | None = None, **kwargs):
    """A SQLCipher connection to ``target`` (a file, or a ``file:`` URI with ``uri=True``)
    opened with ``key``; a wrong key is a clear error naming ``path``."""
    module = binding()
    conn = module.connect(str(target), **kwargs)
    # SQLCipher logs a wrong key's failed page checks on stderr itself ("ERROR CORE
    # sqlcipher_page_cipher: hmac check failed"); the refusal below says it for the user
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = {_quote(key)}")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except module.DatabaseError:
        conn.close()
        raise UserError(
            f"{path or target}: wrong passphrase (or not a yibao workspace) / 密码错误"
        ) from None
    return conn


def keeps_secrets(conn) -> bool:
    """Whether ``conn`` is to an encrypted workspace, where a secret (the pseudonymisation
    key) may be stored inside it; a plain workspace must keep it outside."""
    try:
        import sqlcipher3
    except ImportError:  # pragma: no cover
        return False
    return isinstance(conn, sqlcipher3.Connection)

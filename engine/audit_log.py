"""The tamper-evident log: every import, audit run, decision and settlement is appended
with the SHA-256 of the entry before it, so editing or deleting a row breaks the chain."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

GENESIS = "0" * 64


def _digest(prev_hash: str, at: str, action: str, detail: str) -> str:
    payload = "\x1f".join((prev_hash, at, action, detail))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def append(conn: sqlite3.Connection, action: str, detail: dict) -> None:
    """Append an entry; call inside the transaction that does the work it records."""
    row = conn.execute("SELECT hash FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    at = now_text()
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    conn.execute(
        "INSERT INTO log (at, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?)",
        (at, action, text, prev, _digest(prev, at, action, text)),
    )


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    bad_seq: int | None = None
    reason: str = ""


def verify(conn: sqlite3.Connection) -> VerifyResult:
    prev = GENESIS
    count = 0
    for seq, at, action, detail, prev_hash, hash_ in conn.execute(
        "SELECT seq, at, action, detail, prev_hash, hash FROM log ORDER BY seq"
    ):
        count += 1
        if prev_hash != prev:
            return VerifyResult(False, count, seq, "its link to the entry before is broken")
        if _digest(prev_hash, at, action, detail) != hash_:
            return VerifyResult(False, count, seq, "its content does not match its hash")
        prev = hash_
    return VerifyResult(True, count)


def entries(conn: sqlite3.Connection) -> list[dict]:
    return [
        {"seq": s, "at": a, "action": ac, "detail": json.loads(d), "hash": h}
        for s, a, ac, d, h in conn.execute(
            "SELECT seq, at, action, detail, hash FROM log ORDER BY seq"
        )
    ]

"""The tamper-evident log: every import, audit run, decision and settlement is appended
with the SHA-256 of the entry before it, so editing or deleting a row breaks the chain.

Each entry that writes rows also records their digests (``engine.evidence``): ``verify``
recomputes them from the tables, so an edited decision, finding, line or settlement is
reported by entry and row. What the chain alone cannot show — its tail cut off, or the whole
chain rebuilt after an edit — is caught by comparing with a *head* (entry count and last
hash) written down earlier (``verify(head=…)``; every report and export prints it), or by
entries signed with an inspector's Ed25519 key kept outside the workspace
(``engine.log_signing``)."""

from __future__ import annotations

import bisect
import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from engine import encryption, evidence, log_signing
from engine.errors import UserError

GENESIS = "0" * 64
#: Every entry, the newest first, as the desktop's log table pages through them.
NEWEST_FIRST = "SELECT seq, at, action, hash, detail FROM log ORDER BY seq DESC"
#: Parts an action writes besides those it names: a run's tables when its detail has a run_id.
ACTION_PARTS: dict[str, tuple[tuple[str, dict], ...]] = {
    "import": evidence.IMPORT_PARTS,
    "dip-build-catalogue": (("dip_groups", {"source": "built"}),),
}


def log_query() -> tuple[str, tuple]:
    """The SELECT of every entry, the newest first (seq, at, action, hash, detail)."""
    return NEWEST_FIRST, ()


def entry_hash(prev_hash: str, at: str, action: str, detail: str) -> str:
    """An entry's hash: chained to the one before it, over its time, action and detail."""
    payload = "\x1f".join((prev_hash, at, action, detail))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def append(
    conn: sqlite3.Connection,
    action: str,
    detail: dict,
    parts: Iterable[tuple[str, dict]] = (),
) -> None:
    """Append an entry; call inside the transaction that does the work it records, after
    writing it. ``parts`` (table, filter) are the rows it wrote, beyond those implied by the
    action (``ACTION_PARTS``) or by a ``run_id`` in ``detail``."""
    parts = [*ACTION_PARTS.get(action, ()), *parts]
    if "run_id" in detail:
        parts += evidence.run_parts(detail["run_id"])
    if parts:
        detail = detail | {"evidence": evidence.records_for(conn, parts)}
    row = conn.execute("SELECT hash FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    at = now_text()
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    hash_ = entry_hash(prev, at, action, text)
    signer, signature = log_signing.sign(hash_)
    conn.execute(
        "INSERT INTO log (at, action, detail, prev_hash, hash, signer, signature)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at, action, text, prev, hash_, signer, signature),
    )


@dataclass(frozen=True)
class Head:
    """What to write down to check the log later: how many entries, and the last one's hash."""

    entries: int
    hash: str

    def __str__(self) -> str:
        return f"{self.entries}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Head:
        count, _, hash_ = text.strip().partition(":")
        if not count.isdigit() or len(hash_) != 64:
            raise UserError(
                f"a log head is ENTRIES:HASH (as `yibao log --head` prints), not {text!r}"
            )
        return cls(int(count), hash_.lower())


def head(conn: sqlite3.Connection) -> Head:
    row = conn.execute("SELECT count(*), (SELECT hash FROM log ORDER BY seq DESC LIMIT 1) FROM log")
    count, last = row.fetchone()
    return Head(count, last or GENESIS)


@dataclass
class Problem:
    seq: int | None  # the entry, or None for rows no entry records
    what: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.what}" if self.seq is not None else self.what


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    head: Head | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def bad_seq(self) -> int | None:
        return self.problems[0].seq if self.problems else None

    @property
    def reason(self) -> str:
        return self.problems[0].what if self.problems else ""

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": str(self.head) if self.head else None,
            "bad_seq": self.bad_seq,
            "reason": self.reason,
            "problems": [{"seq": p.seq, "what": p.what} for p in self.problems],
        }


def verify(
    conn: sqlite3.Connection, expected: Head | None = None, public_key: str | None = None
) -> VerifyResult:
    """Check the chain, what each entry recorded against the tables, the rows no entry
    records, the head written down earlier (``expected``) and, with ``public_key`` (a PEM
    file), the signatures: every entry from the first signed one on must be signed (those
    before it are held by its chain). Every problem is reported, not only the first."""
    problems: list[Problem] = []
    verifier = log_signing.verifier(public_key) if public_key else None
    prev, count, hashes = GENESIS, 0, []
    unsigned: list[int] = []  # before the first signed entry, covered by its chain
    signed = False
    latest: dict[str, tuple[int, dict]] = {}  # a part's latest record: only it must match
    runs_recorded: set[str] = set()
    reviews_recorded: list[tuple[int, int]] = []
    for seq, action, detail, prev_hash, hash_, at, signer, signature in conn.execute(
        "SELECT seq, action, detail, prev_hash, hash, at, signer, signature FROM log ORDER BY seq"
    ):
        count += 1
        hashes.append(hash_)
        if prev_hash != prev:
            problems.append(Problem(seq, "its link to the entry before is broken"))
        if entry_hash(prev_hash, at, action, detail) != hash_:
            problems.append(Problem(seq, "its content does not match its hash"))
        if verifier is not None:
            why = verifier(hash_, signer, signature)
            if why and not signature and not signed:
                unsigned.append(seq)
            elif why:
                problems.append(Problem(seq, why))
            signed = signed or bool(signature)
        prev = hash_
        try:
            parsed = json.loads(detail)
            records = parsed.get("evidence", [])
        except (ValueError, AttributeError):
            problems.append(Problem(seq, "its detail is not readable"))
            continue
        if isinstance(parsed.get("run_id"), str):  # entries written before evidence name it too
            runs_recorded.add(parsed["run_id"])
        for rec in records if isinstance(records, list) else [None]:
            if not isinstance(rec, dict) or not isinstance(rec.get("where", {}), dict):
                problems.append(Problem(seq, "what it recorded is not readable"))
                continue
            latest[evidence.part_id(rec)] = (seq, rec)
            where = rec.get("where", {})
            if rec.get("table") == "runs" and "run_id" in where:
                runs_recorded.add(where["run_id"])
            if rec.get("table") == "reviews" and isinstance(where.get("id"), list):
                reviews_recorded.append(tuple(where["id"]))
    for seq, rec in sorted(latest.values(), key=lambda item: item[0]):
        try:
            misses = evidence.check(conn, rec)
        except (
            KeyError,
            TypeError,
            ValueError,
            IndexError,
            AttributeError,
            *encryption.errors("Error"),
        ):
            problems.append(Problem(seq, "what it recorded is not readable"))
            continue
        for miss in misses:
            problems.append(Problem(seq, f"{miss.table}: {miss.rows} differ from what it recorded"))
    if verifier is not None and not signed and unsigned:
        problems += [Problem(seq, "it is not signed") for seq in unsigned]
    if latest:  # a log that records evidence: every run must be named by an entry
        problems += _unrecorded(conn, runs_recorded, reviews_recorded)
    if expected is not None:
        problems += _against_head(expected, count, hashes)
    return VerifyResult(not problems, count, Head(count, prev), problems)


def _unrecorded(conn, runs: set[str], reviews: list[tuple[int, int]]) -> list[Problem]:
    """Runs and decisions that no entry records: added behind the log's back (or their
    entry cut off). A run counts as recorded when any entry names it, older ones too;
    decisions from before the first one recorded are left out."""
    out = []
    for (run_id,) in conn.execute("SELECT run_id FROM runs ORDER BY rowid"):
        if run_id not in runs:
            out.append(Problem(None, f"run {run_id} is recorded by no log entry"))
    spans = sorted(reviews)
    lows = [low for low, _ in spans]
    if spans:
        for (review_id,) in conn.execute(
            "SELECT id FROM reviews WHERE id >= ? ORDER BY id", (lows[0],)
        ):
            at = bisect.bisect_right(lows, review_id) - 1
            if spans[at][1] < review_id:
                out.append(Problem(None, f"decision row {review_id} is recorded by no log entry"))
    return out


def _against_head(expected: Head, count: int, hashes: list[str]) -> list[Problem]:
    if count < expected.entries:
        return [
            Problem(
                None,
                f"the log has {count} entries, fewer than the {expected.entries} of the head"
                " written down: its tail was removed",
            )
        ]
    if expected.entries and hashes[expected.entries - 1] != expected.hash:
        return [
            Problem(
                expected.entries,
                "its hash is not the head written down: the log was rewritten up to here",
            )
        ]
    return []


def entries(conn: sqlite3.Connection) -> list[dict]:
    return [
        {"seq": s, "at": a, "action": ac, "detail": json.loads(d), "hash": h}
        for s, a, ac, d, h in conn.execute(
            "SELECT seq, at, action, detail, hash FROM log ORDER BY seq"
        )
    ]

"""The fast import path: claims and lines converted a column at a time, written in batches.

It lets through only what passes cheap whole-column tests and the tables' primary keys;
anything else raises ``NeedsRowCheck`` and the caller rolls back and takes the row path,
which names every error. Both paths store the same rows (tests/test_import.py checks it).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from engine import contract, processes
from engine.errors import UserError
from engine.ingest import store
from engine.ingest.parsing import NeedsRowCheck, TableParser
from engine.progress import CancelToken, Progress

BATCH = 5_000  # rows converted and written at a time; cancel and progress are checked between
#: Up to this many claims already in the workspace, their indexes are dropped during the
#: load and built again after it (under 0.2 s for these), instead of updated row by row.
REBUILD_INDEXES_UP_TO = 100_000
#: From this many lines in the claims and lines files, a worker process converts batches.
WORKER_FROM_LINES = 50_000
WORKER_VAR = "YIBAO_IMPORT_WORKER"  # "0": convert here; "1": in a worker whatever the size

_INSTITUTION = contract.CLAIMS.column_names.index("institution_code")
_QUANTITY, _PRICE, _REFUND = (
    contract.LINES.column_names.index(name) for name in ("quantity", "unit_price", "refund_of")
)


def load(
    conn: sqlite3.Connection,
    claims: TableParser,
    lines: TableParser,
    institutions: set[str],
    replace: bool,
    progress: Progress,
    cancel: CancelToken,
) -> tuple[int, int]:
    """Write the claims and lines inside the caller's transaction; return their counts."""
    with _parsing_pool(claims, lines) as pool:
        claim_ids = _load_claims(conn, claims, pool, institutions, replace, cancel)
        progress("claims", len(claim_ids), len(claim_ids))
        count = _load_lines(conn, lines, pool, claim_ids, progress, cancel)
    return len(claim_ids), count


@contextmanager
def _parsing_pool(claims: TableParser, lines: TableParser) -> Iterator[Executor | None]:
    """A worker process that splits and converts batches while this one writes, for
    packages big enough to pay for starting it (``WORKER_VAR`` decides otherwise)."""
    wanted = os.environ.get(WORKER_VAR, "")
    if wanted not in ("", "0", "1"):
        raise UserError(f"{WORKER_VAR} must be 0 or 1, not {wanted!r}")
    size = sum(len(p.source.plain_lines or ()) for p in (claims, lines))
    if wanted == "0" or not (wanted == "1" or (size >= WORKER_FROM_LINES and _cores() > 1)):
        yield None
        return
    pool = ProcessPoolExecutor(1, mp_context=processes.context())
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _load_claims(conn, parser: TableParser, pool, institutions, replace, cancel) -> set[str]:
    in_workspace = store.workspace_claim_ids(conn)
    args = (conn, parser, pool, institutions, replace, cancel, in_workspace)
    if len(in_workspace) > REBUILD_INDEXES_UP_TO:
        return _write_claims(*args)
    with store.indexes_rebuilt(conn, "claims"), store.indexes_rebuilt(conn, "claim_codes"):
        return _write_claims(*args)


def _write_claims(conn, parser, pool, institutions, replace, cancel, in_workspace) -> set[str]:
    ids: set[str] = set()
    for columns, extras in parser.column_batches(BATCH, pool):
        batch_ids = columns[0]
        before = len(ids)
        ids.update(batch_ids)
        if len(ids) - before != len(batch_ids):
            raise NeedsRowCheck  # a duplicate claim id
        if not institutions.issuperset(columns[_INSTITUTION]):
            raise NeedsRowCheck
        existing = in_workspace.intersection(batch_ids)
        if existing:
            if not replace:
                raise NeedsRowCheck
            store.delete_claims(conn, existing)
        since = store.last_claim_rowid(conn)
        store.insert_columns(conn, "claims", store.CLAIM_COLUMNS, [*columns, extras])
        store.write_claim_codes(conn, since)
        cancel.check()
    return ids


def _load_lines(conn, parser: TableParser, pool, claim_ids: set[str], progress, cancel) -> int:
    count = 0
    refunds: list[tuple[str, int]] = []
    for columns, extras in parser.column_batches(BATCH, pool):
        batch_claims = columns[0]
        if not claim_ids.issuperset(batch_claims) or min(columns[_PRICE]) < 0:
            raise NeedsRowCheck
        quantity, refund_of = columns[_QUANTITY], columns[_REFUND]
        if min(quantity) < 0 and any(
            q < 0 and r is None for q, r in zip(quantity, refund_of, strict=True)
        ):
            raise NeedsRowCheck
        if refund_of.count(None) != len(refund_of):
            refunds += [
                (c, r) for c, r in zip(batch_claims, refund_of, strict=True) if r is not None
            ]
        try:
            store.insert_columns(conn, "lines", store.LINE_COLUMNS, [*columns, extras])
        except sqlite3.IntegrityError:
            raise NeedsRowCheck from None  # a duplicate line number
        count += len(batch_claims)
        cancel.check()
        progress("lines", count, 0)
    _check_refunds(conn, refunds)
    progress("lines", count, count)
    return count


def _check_refunds(conn: sqlite3.Connection, refunds: list[tuple[str, int]]) -> None:
    """Every ``refund_of`` must name a line of the same claim, wherever it is in the file."""
    if not refunds:
        return
    conn.execute("CREATE TEMP TABLE import_refunds (claim_id TEXT, line_no INTEGER)")
    try:
        conn.executemany("INSERT INTO import_refunds VALUES (?, ?)", refunds)
        dangling = conn.execute(
            "SELECT 1 FROM import_refunds r WHERE NOT EXISTS (SELECT 1 FROM lines l"
            " WHERE l.claim_id = r.claim_id AND l.line_no = r.line_no) LIMIT 1"
        ).fetchone()
    finally:
        conn.execute("DROP TABLE import_refunds")
    if dangling:
        raise NeedsRowCheck

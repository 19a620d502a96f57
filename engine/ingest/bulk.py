"""The fast import path: claims and lines converted a column at a time, written in batches.

It lets through only what passes cheap whole-column tests and the tables' primary keys;
anything else raises ``NeedsRowCheck`` and the caller rolls back and takes the row path,
which names every error. Both paths store the same rows (tests/test_import_paths.py).
For a big plain CSV text, worker processes convert the claims and store the lines
(``staged``) while this one writes.
"""

from __future__ import annotations

import os
import sqlite3

from engine import contract, processes
from engine.errors import UserError
from engine.ingest import parsing, store
from engine.ingest.parsing import NeedsRowCheck, TableParser
from engine.ingest.staged import ImportWorkers
from engine.progress import CancelToken, Progress

#: Up to this many claims already in the workspace, their indexes are dropped during the
#: load and built again after it (under 0.2 s for these), instead of updated row by row.
REBUILD_INDEXES_UP_TO = 100_000
#: From this many lines in a plain CSV text, worker processes convert (``staged``).
WORKER_FROM_LINES = 50_000
WORKER_VAR = "YIBAO_IMPORT_WORKER"  # "0": all is converted here; "1": in workers always

_INSTITUTION = contract.CLAIMS.column_names.index("institution_code")
_REFUND = contract.LINES.column_names.index("refund_of")


class FastLoad:
    """The fast path for one package: enter it outside the write transaction (it may start
    a worker), call ``load`` inside, leave it after."""

    def __init__(self, conn: sqlite3.Connection, claims: TableParser, lines: TableParser):
        self.conn, self.claims, self.lines = conn, claims, lines
        self.workers = ImportWorkers(conn, claims, lines) if _use_workers(conn, lines) else None

    def __enter__(self) -> FastLoad:
        if self.workers:
            self.workers.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.workers:
            self.workers.close()

    def load(
        self, institutions: set[str], replace: bool, progress: Progress, cancel: CancelToken
    ) -> tuple[int, int]:
        """Write the claims and lines; return their counts."""
        if self.workers:
            batches = self.workers.claim_batches()
        else:
            batches = self.claims.column_batches(parsing.BATCH)
        begun = store.last_claim_rowid(self.conn)
        claims = _load_claims(self.conn, batches, institutions, replace, cancel, begun)
        progress("claims", claims, claims)
        if self.workers:
            count = self.workers.load_lines(begun, progress, cancel)
        else:
            count = _load_lines(self.conn, self.lines, begun, progress, cancel)
        cancel.check()  # a cancel asked for during the last batch still counts
        return claims, count


def _use_workers(conn, lines: TableParser) -> bool:
    """Worth workers: a plain CSV text of lines big enough to pay for starting them, and a
    second core (``WORKER_VAR`` decides otherwise). They send their segments as serialized
    databases, which an SQLite built without that interface cannot read."""
    wanted = os.environ.get(WORKER_VAR, "")
    if wanted not in ("", "0", "1"):
        raise UserError(f"{WORKER_VAR} must be 0 or 1, not {wanted!r}")
    if lines.source.plain_lines is None or wanted == "0" or not _serializes(conn):
        return False
    return wanted == "1" or (
        len(lines.source.plain_lines) >= WORKER_FROM_LINES and processes.cores() > 1
    )


def _serializes(conn) -> bool:
    """The SQLCipher binding of an encrypted workspace has no deserialize either."""
    return hasattr(type(conn), "deserialize")


def _load_claims(conn, batches, institutions, replace, cancel, begun: int) -> int:
    args = (conn, batches, institutions, replace, cancel, begun)
    if store.count_claims(conn) > REBUILD_INDEXES_UP_TO:
        return _write_claims(*args)
    with store.indexes_rebuilt(conn, "claims"), store.indexes_rebuilt(conn, "claim_codes"):
        return _write_claims(*args)


def _write_claims(conn, batches, institutions, replace, cancel, begun: int) -> int:
    """Write the claims with rowids counted up from ``begun``: the claims of this import are
    those above it (a claim replaced may free a smaller rowid, which must not count)."""
    count = 0
    for columns, extras in batches:
        batch_ids = columns[0]
        if len(set(batch_ids)) != len(batch_ids):
            raise NeedsRowCheck  # a duplicate claim id
        if not institutions.issuperset(columns[_INSTITUTION]):
            raise NeedsRowCheck
        existing = store.claims_among(conn, batch_ids)
        if existing:
            if not replace or any(rowid > begun for _, rowid in existing):
                raise NeedsRowCheck  # in the workspace, or earlier in the file
            store.delete_claims(conn, (claim_id for claim_id, _ in existing))
        rowids = list(range(begun + count + 1, begun + count + 1 + len(batch_ids)))
        since = begun + count
        store.insert_columns(
            conn, "claims", ("rowid", *store.CLAIM_COLUMNS), [rowids, *columns, extras]
        )
        store.write_claim_codes(conn, since)
        count += len(batch_ids)
        cancel.check()
    return count


def _load_lines(conn, parser: TableParser, begun: int, progress, cancel) -> int:
    """Write the lines of the claims this import wrote (rowids above ``begun``)."""
    count = 0
    refunds: list[tuple[str, int]] = []
    for columns, extras in parser.column_batches(parsing.BATCH):
        batch_claims = columns[0]
        distinct = set(batch_claims)
        ours = sum(rowid > begun for _, rowid in store.claims_among(conn, distinct))
        if ours != len(distinct):
            raise NeedsRowCheck  # a line of a claim not in the file
        store.insert_lines(conn, columns, extras)
        refund_of = columns[_REFUND]
        if refund_of.count(None) != len(refund_of):
            refunds += [
                (c, r) for c, r in zip(batch_claims, refund_of, strict=True) if r is not None
            ]
        count += len(batch_claims)
        cancel.check()
        progress("lines", count, 0)
    store.check_refunds(conn, refunds)
    progress("lines", count, count)
    return count

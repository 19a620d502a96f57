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
        claim_ids = _load_claims(self.conn, batches, institutions, replace, cancel)
        progress("claims", len(claim_ids), len(claim_ids))
        if self.workers:
            count = self.workers.load_lines(claim_ids, progress, cancel)
        else:
            count = _load_lines(self.conn, self.lines, claim_ids, progress, cancel)
        cancel.check()  # a cancel asked for during the last batch still counts
        return len(claim_ids), count


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


def _load_claims(conn, batches, institutions, replace, cancel) -> set[str]:
    in_workspace = store.workspace_claim_ids(conn)
    args = (conn, batches, institutions, replace, cancel, in_workspace)
    if len(in_workspace) > REBUILD_INDEXES_UP_TO:
        return _write_claims(*args)
    with store.indexes_rebuilt(conn, "claims"), store.indexes_rebuilt(conn, "claim_codes"):
        return _write_claims(*args)


def _write_claims(conn, batches, institutions, replace, cancel, in_workspace) -> set[str]:
    ids: set[str] = set()
    for columns, extras in batches:
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


def _load_lines(conn, parser: TableParser, claim_ids: set[str], progress, cancel) -> int:
    count = 0
    refunds: list[tuple[str, int]] = []
    for columns, extras in parser.column_batches(parsing.BATCH):
        batch_claims = columns[0]
        if not claim_ids.issuperset(batch_claims):
            raise NeedsRowCheck
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

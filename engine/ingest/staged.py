"""Lines converted and stored by a worker process, then copied into the workspace in SQL.

For a big plain CSV text (see ``bulk.FastLoad``), a worker process turns the lines, a
segment at a time, into an in-memory SQLite database holding the workspace's ``lines``
table, and sends it back serialized. This process, meanwhile writing the claims, attaches
each segment as ``staging`` and copies it with one INSERT … SELECT, a fraction of what
binding the rows costs. The worker never opens the workspace, so a kill still leaves the
workspace as it was; a segment it cannot pass raises ``NeedsRowCheck`` here.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor

from engine import processes
from engine.ingest import parsing, store
from engine.ingest.parsing import NeedsRowCheck, TableParser, check_lines, worker_parser
from engine.ingest.readers import plain_batches, plain_columns
from engine.progress import CancelToken, Progress
from engine.workspace import create_tables

SEGMENT = 100_000  # lines a worker stores in one database (about 15 MB serialized)
SEGMENTS_AHEAD = 8  # segments the worker may finish before this process takes them
SCHEMA = "staging"
_COLUMNS = ", ".join(store.LINE_COLUMNS)


def build_segment(header: tuple[str, ...], lines: list[str], batch: int) -> bytes:
    """In the worker: a segment of lines converted, checked and stored, serialized."""
    parser = worker_parser("lines", header)
    db = sqlite3.connect(":memory:", isolation_level=None)
    create_tables(db, ["lines"])
    db.execute("BEGIN")
    for rows in plain_batches(lines, batch):
        columns, extras = parser.convert(plain_columns(rows, len(header)))
        check_lines(columns)
        try:
            store.insert_columns(db, "lines", store.LINE_COLUMNS, [*columns, extras])
        except sqlite3.IntegrityError:
            raise NeedsRowCheck from None  # a duplicate line number
    db.execute("COMMIT")
    return db.serialize()


class StagedLines:
    """``start()`` outside the write transaction, ``load()`` inside it, ``close()`` after."""

    def __init__(self, conn: sqlite3.Connection, parser: TableParser):
        self.conn = conn
        self.header = tuple(parser.source.header)
        lines = parser.source.plain_lines or []
        self.segments = (lines[i : i + SEGMENT] for i in range(0, len(lines), SEGMENT))
        self.pending: deque[Future] = deque()
        self.pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Attach the scratch schema (ATTACH cannot run in a transaction) and set the
        worker going, so it converts lines while this process writes the claims."""
        self.conn.execute(f"ATTACH ':memory:' AS {SCHEMA}")
        self.pool = ProcessPoolExecutor(1, mp_context=processes.context())
        for _ in range(SEGMENTS_AHEAD):
            self._submit()

    def _submit(self) -> None:
        segment = next(self.segments, None)
        if segment is not None:
            self.pending.append(
                self.pool.submit(build_segment, self.header, segment, parsing.BATCH)
            )

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.conn.execute(f"DETACH {SCHEMA}")

    def load(self, claim_ids: set[str], progress: Progress, cancel: CancelToken) -> int:
        """Copy every segment into ``lines``; return how many lines there were."""
        count = 0
        refunds: list[tuple[str, int]] = []
        while self.pending:
            data = self.pending.popleft().result()
            self._submit()
            self.conn.deserialize(data, name=SCHEMA)
            del data
            claims = self.conn.execute(f"SELECT DISTINCT claim_id FROM {SCHEMA}.lines")
            if not claim_ids.issuperset(row[0] for row in claims):
                raise NeedsRowCheck  # a line of an unknown claim
            try:
                count += self.conn.execute(
                    f"INSERT INTO main.lines ({_COLUMNS}) SELECT {_COLUMNS} FROM {SCHEMA}.lines"
                ).rowcount
            except sqlite3.IntegrityError:
                raise NeedsRowCheck from None  # a line number used in another segment too
            refunds += self.conn.execute(
                f"SELECT claim_id, refund_of FROM {SCHEMA}.lines WHERE refund_of IS NOT NULL"
            ).fetchall()
            cancel.check()
            progress("lines", count, 0)
        store.check_refunds(self.conn, refunds)
        progress("lines", count, count)
        return count

"""Worker processes for a big import: claims converted, lines converted and stored.

For a big plain CSV text (see ``bulk.FastLoad``), one worker converts the claims a span of
the file at a time, which this process checks and writes a batch at a time. The other turns
the lines, a segment at a time, into an in-memory SQLite database holding the workspace's
``lines`` table, and sends it back serialized (once the claims are handed out, both do). A
worker reads its span of the file itself (``readers.Span``): this process only says where it
is. This process attaches each segment as ``staging`` and copies it with one INSERT …
SELECT, a fraction of what binding the rows costs. The workers never open the workspace, so
a kill still leaves it as it was; what they cannot pass raises ``NeedsRowCheck`` here.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor

from engine import encryption, processes
from engine.ingest import parsing, store
from engine.ingest.parsing import NeedsRowCheck, TableParser, worker_parser
from engine.ingest.readers import Span, plain_batches, plain_columns
from engine.progress import CancelToken, Progress
from engine.workspace import create_tables

SEGMENT_BYTES = 8 << 20  # of lines a worker stores in one database (90,000 of the bench's)
CLAIM_SPAN_BYTES = 1 << 20  # of claims a worker converts in one task, a batch at a time
SEGMENTS_AHEAD = 24  # segments the workers may finish before this process takes them (360 MB)
SPANS_AHEAD = 4  # converted spans of claims likewise
SCHEMA = "staging"
_COLUMNS = ", ".join(store.LINE_COLUMNS)
#: A line of the segment whose claim this import did not write (read to the end: a statement
#: left open would keep the schema from detaching).
_STRAY = (
    f"SELECT 1 FROM (SELECT DISTINCT claim_id FROM {SCHEMA}.lines) s WHERE NOT EXISTS"
    " (SELECT 1 FROM main.claims c"
    " WHERE c.claim_id = s.claim_id AND c.rowid > ?) LIMIT 1"
)


def build_segment(
    header: tuple[str, ...], span: Span, batch: int, key: bytes | None = None
) -> bytes:
    """In the worker: a segment of lines read, converted, checked and stored, serialized."""
    parser = worker_parser("lines", header, key)
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        create_tables(db, ["lines"])
        db.execute("BEGIN")
        for rows in plain_batches(span.lines(), batch):
            store.insert_lines(db, *parser.convert(plain_columns(rows, len(header))))
        db.execute("COMMIT")
        return db.serialize()
    finally:
        db.close()


def convert_batches(
    table: str, header: tuple[str, ...], span: Span, batch: int, key: bytes | None = None
) -> list[tuple[list, list]]:
    """In a worker: the lines of a span of a plain CSV text, read, split and converted
    ``batch`` at a time (``key``: the pseudonym key of the import, see ``TableParser``)."""
    parser = worker_parser(table, header, key)
    return [
        parser.convert(plain_columns(rows, len(header)))
        for rows in plain_batches(span.lines(), batch)
    ]


class _Ahead:
    """The results of ``fn`` over ``tasks`` in order, with at most ``window`` submitted and
    not yet taken: the workers keep ahead of this process without filling its memory.
    ``pool()`` says where each task goes."""

    def __init__(self, pool: Callable[[], Executor], fn, tasks: Iterator[tuple], window: int):
        self.pool, self.fn, self.tasks = pool, fn, tasks
        self.pending: deque[Future] = deque()
        self.exhausted = False  # every task handed out
        for _ in range(window):
            self._submit()

    def _submit(self) -> None:
        args = next(self.tasks, None)
        if args is None:
            self.exhausted = True
        else:
            self.pending.append(self.pool().submit(self.fn, *args))

    def __iter__(self) -> Iterator:
        while self.pending:
            result = self.pending.popleft().result()
            self._submit()
            yield result


def _segments(parser: TableParser) -> Iterator[tuple]:
    """``build_segment``'s arguments for each segment of a plain CSV text."""
    header = tuple(parser.source.header)
    for span in parser.source.plain_lines.spans(SEGMENT_BYTES):
        yield header, span, parsing.BATCH, parser.key


def _spans(parser: TableParser) -> Iterator[tuple]:
    """``convert_batches``' arguments for each span of a plain CSV text."""
    header = tuple(parser.source.header)
    for span in parser.source.plain_lines.spans(CLAIM_SPAN_BYTES):
        yield parser.table.name, header, span, parsing.BATCH, parser.key


class ImportWorkers:
    """Two worker processes, one converting the claims, one storing the lines.

    ``start()`` outside the write transaction, then ``claim_batches()`` and ``load_lines()``
    inside it, ``close()`` after."""

    def __init__(self, conn: sqlite3.Connection, claims: TableParser, lines: TableParser):
        self.conn, self.claims, self.lines = conn, claims, lines
        self.pools: list[ProcessPoolExecutor] = []
        self.claims_ahead: _Ahead | None = None  # None: the claims are converted here
        self.segments: _Ahead | None = None
        self.turn = 0

    def start(self) -> None:
        """Attach the scratch schema (ATTACH cannot run in a transaction) and set the
        workers going."""
        self.conn.execute(f"ATTACH ':memory:' AS {SCHEMA}")
        self.pools = [processes.pool(1) for _ in range(2)]
        if self.claims.source.plain_lines is not None:
            tasks = _spans(self.claims)
            self.claims_ahead = _Ahead(lambda: self.pools[0], convert_batches, tasks, SPANS_AHEAD)
        tasks = _segments(self.lines)
        self.segments = _Ahead(self._segment_pool, build_segment, tasks, SEGMENTS_AHEAD)

    def _segment_pool(self) -> Executor:
        """The lines' own worker; once every claim batch is handed out, both in turn."""
        if self.claims_ahead is not None and not self.claims_ahead.exhausted:
            return self.pools[1]
        self.turn = 1 - self.turn
        return self.pools[self.turn]

    def close(self) -> None:
        for ahead in (self.claims_ahead, self.segments):
            if ahead is not None:
                ahead.tasks.close()  # the spans' generator holds its file open
        for pool in self.pools:
            pool.shutdown(wait=True, cancel_futures=True)
        if self.pools:
            self.conn.execute(f"DETACH {SCHEMA}")

    def claim_batches(self) -> Iterator[tuple[list[list], list]]:
        if self.claims_ahead is None:
            return self.claims.column_batches(parsing.BATCH)
        return (batch for batches in self.claims_ahead for batch in batches)

    def load_lines(self, begun: int, progress: Progress, cancel: CancelToken) -> int:
        """Copy every segment into ``lines``; return how many lines there were. Every line
        must be of a claim this import wrote (a claims rowid above ``begun``)."""
        count = 0
        refunds: list[tuple[str, int]] = []
        progress("lines", 0, 0)
        for data in self.segments:
            self.conn.deserialize(data, name=SCHEMA)
            del data
            stray = self.conn.execute(_STRAY, (begun,)).fetchall()
            if stray:
                raise NeedsRowCheck  # a line of a claim not in the file
            try:
                count += self.conn.execute(
                    f"INSERT INTO main.lines ({_COLUMNS}) SELECT {_COLUMNS} FROM {SCHEMA}.lines"
                ).rowcount
            except encryption.errors("IntegrityError"):
                raise NeedsRowCheck from None  # a line number used in another segment too
            refunds += self.conn.execute(
                f"SELECT claim_id, refund_of FROM {SCHEMA}.lines WHERE refund_of IS NOT NULL"
            ).fetchall()
            cancel.check()
            progress("lines", count, 0)
        store.check_refunds(self.conn, refunds)
        progress("lines", count, count)
        return count

"""Writing an import's rows: the SQL that both import paths share."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

from engine import contract, encryption
from engine.ingest.parsing import NeedsRowCheck, check_lines


def insert_sql(table: str, columns: Iterable[str], verb: str = "INSERT", rows: int = 1) -> str:
    """An INSERT of ``columns`` with ``rows`` rows of placeholders."""
    cols = list(columns)
    row = f"({', '.join('?' * len(cols))})"
    return f"{verb} INTO {table} ({', '.join(cols)}) VALUES {', '.join([row] * rows)}"


CLAIM_COLUMNS = (*contract.CLAIMS.column_names, "extra")
LINE_COLUMNS = (*contract.LINES.column_names, "extra")
CLAIMS_INSERT = insert_sql("claims", CLAIM_COLUMNS)
LINES_INSERT = insert_sql("lines", LINE_COLUMNS)


#: Rows per INSERT statement in ``insert_columns``.
ROWS_PER_STATEMENT = 100


def _variable_limit(conn) -> int:
    """How many values one statement may bind (the SQLCipher binding cannot say: its
    SQLite's default)."""
    if hasattr(conn, "getlimit"):
        return conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 32766


def insert_columns(conn: sqlite3.Connection, table: str, names: Sequence[str], columns: list[list]):
    """Insert rows given as columns, a hundred rows per statement.

    Binding costs more than SQLite storing a row, so: a column that no row fills (most
    optional columns of most exports) is left to its NULL default, and each statement
    takes many rows, saving sqlite3's per-row work (1.5 µs of about 6)."""
    kept = tuple(i for i, column in enumerate(columns) if column.count(None) != len(column))
    values = [columns[i] for i in kept]
    width, rows = len(values), len(values[0])
    per = max(1, min(ROWS_PER_STATEMENT, _variable_limit(conn) // width))
    whole = rows - rows % per
    if whole:
        statements = []
        for start in range(0, whole, per):
            flat = [None] * (per * width)
            for j, column in enumerate(values):
                flat[j::width] = column[start : start + per]
            statements.append(flat)
        conn.executemany(_insert_kept(table, tuple(names), kept, per), statements)
    if whole < rows:
        rest = zip(*(column[whole:] for column in values), strict=True)
        conn.executemany(_insert_kept(table, tuple(names), kept, 1), rest)


@lru_cache(maxsize=64)
def _insert_kept(table: str, names: tuple[str, ...], kept: tuple[int, ...], rows: int) -> str:
    return insert_sql(table, (names[i] for i in kept), rows=rows)


def insert_lines(conn: sqlite3.Connection, columns: list[list], extras: list) -> None:
    """A converted batch of lines, checked (``check_lines``) and inserted; a line number
    used twice raises ``NeedsRowCheck`` too."""
    check_lines(columns)
    try:
        insert_columns(conn, "lines", LINE_COLUMNS, [*columns, extras])
    except encryption.errors("IntegrityError"):
        raise NeedsRowCheck from None


@contextmanager
def indexes_rebuilt(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """Drop ``table``'s secondary indexes for a bulk load and build them again after it.

    Building an index once from sorted keys is cheaper than inserting each row into it;
    inside the caller's transaction, a rollback brings the indexes back as they were."""
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
        " AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.execute(sql)


def write_reference(conn: sqlite3.Connection, reference: dict[str, list], params: dict | None):
    """Keyed tables are added to and updated; the other lists replace what was there."""
    for name, rows in reference.items():
        table = contract.BY_NAME[name]
        columns = table.column_names + ["extra"]
        tail: list = []
        verb = "INSERT"
        if name in ("institutions", "catalogue", "doctors"):
            verb = "INSERT OR REPLACE"
        elif name == "dip_groups":
            conn.execute("DELETE FROM dip_groups WHERE source='official'")
            columns, tail = columns + ["source"], ["official"]
        else:
            conn.execute(f"DELETE FROM {name}")
        conn.executemany(
            insert_sql(name, columns, verb), [v + [extra] + tail for _, v, extra in rows]
        )
    if params is not None:
        conn.execute(
            "INSERT OR REPLACE INTO dip_params (year, params) VALUES (?, ?)",
            (params["year"], json.dumps(params, ensure_ascii=False)),
        )


def workspace_claim_ids(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT claim_id FROM claims")}


def count_claims(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM main.claims").fetchone()[0]


#: Claim ids looked up in one statement by ``claims_among``.
LOOKUP = 500


def claims_among(conn: sqlite3.Connection, ids: Iterable[str]) -> list[tuple[str, int]]:
    """(claim id, rowid) of the stored claims among ``ids``, by the claims' key: the fast
    import checks a batch against what it wrote so far (rowids above where it began) and
    what was there, without holding every id (millions, hundreds of MB) in memory."""
    ids = list(ids)
    found: list[tuple[str, int]] = []
    for start in range(0, len(ids), LOOKUP):
        part = ids[start : start + LOOKUP]
        found += conn.execute(
            f"SELECT claim_id, rowid FROM main.claims WHERE claim_id IN ({', '.join('?' * len(part))})",
            part,
        ).fetchall()
    return found


def delete_claims(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    """Remove claims that are being replaced, with their lines and codes."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS replaced_ids (claim_id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM replaced_ids")
    conn.executemany("INSERT INTO replaced_ids VALUES (?)", [(c,) for c in ids])
    for table in ("claims", "lines", "claim_codes"):
        conn.execute(f"DELETE FROM {table} WHERE claim_id IN (SELECT claim_id FROM replaced_ids)")


def last_claim_rowid(conn: sqlite3.Connection) -> int:
    """Claims inserted after this call have larger rowids (see ``write_claim_codes``)."""
    return conn.execute("SELECT coalesce(max(rowid), 0) FROM claims").fetchone()[0]


_LIST_CODES = """
WITH RECURSIVE parts(claim_id, kind, seq, code, rest) AS (
    SELECT claim_id, 'dx', 0, NULL, secondary_diagnoses FROM claims
     WHERE rowid > :since AND secondary_diagnoses IS NOT NULL
    UNION ALL
    SELECT claim_id, 'px', 0, NULL, other_procedures FROM claims
     WHERE rowid > :since AND other_procedures IS NOT NULL
    UNION ALL
    SELECT claim_id, kind, seq + 1,
           substr(rest, 1, instr(rest || ';', ';') - 1),
           nullif(substr(rest, instr(rest || ';', ';') + 1), '')
      FROM parts WHERE rest IS NOT NULL
)
INSERT INTO claim_codes (claim_id, kind, seq, code)
SELECT claim_id, kind, seq, code FROM parts WHERE code IS NOT NULL
"""


def write_claim_codes(conn: sqlite3.Connection, since: int) -> None:
    """Explode the diagnoses and procedures of the claims after rowid ``since``.

    The main code has seq 0 and the listed ones 1, 2, … in order; list cells are already
    ``;``-joined without empty parts (``convert.to_list``)."""
    for kind, main in (("dx", "main_diagnosis"), ("px", "main_procedure")):
        conn.execute(
            f"INSERT INTO claim_codes (claim_id, kind, seq, code) SELECT claim_id, '{kind}', 0, "
            f"{main} FROM claims WHERE rowid > :since AND {main} IS NOT NULL",
            {"since": since},
        )
    conn.execute(_LIST_CODES, {"since": since})


def check_refunds(conn: sqlite3.Connection, refunds: list[tuple[str, int]]) -> None:
    """Every ``refund_of`` must name a line of the same claim, wherever it is in the file."""
    if not refunds:
        return
    conn.execute("CREATE TEMP TABLE import_refunds (claim_id TEXT, line_no INTEGER)")
    try:
        conn.executemany("INSERT INTO import_refunds VALUES (?, ?)", refunds)
        dangling = conn.execute(
            "SELECT 1 FROM import_refunds r WHERE NOT EXISTS (SELECT 1 FROM main.lines l"
            " WHERE l.claim_id = r.claim_id AND l.line_no = r.line_no) LIMIT 1"
        ).fetchone()
    finally:
        conn.execute("DROP TABLE import_refunds")
    if dangling:
        raise NeedsRowCheck  # a refund of a line its claim does not have

"""What a log entry recorded, as digests of the rows, so the log is evidence of the case.

An entry that writes rows (an import, an audit or settlement run, a decision) records a
*record* of each table part it wrote: the columns, and the SHA-256 of the rows in primary-key
order, cut into at most ``MAX_CHUNKS`` chunks (each chunk's first key is kept as a bound).
``check`` recomputes each chunk from the table with a range query on those bounds, so a
mismatch names the rows it concerns (one row when the part is small: a decision, an
institution's settlement result); a million lines are digested as a few hundred SQL-ordered
streams, never all held at once. (Building each row's text in SQL with ``quote()`` was
tried: it costs twice what fetching the rows and marshalling them does.)
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlmodel import SQLModel

MAX_CHUNKS = 256
#: The tables an import writes; each import records them whole.
IMPORT_PARTS: tuple[tuple[str, dict], ...] = (
    ("claims", {}),
    ("lines", {}),
    ("claim_codes", {}),
    ("institutions", {}),
    ("catalogue", {}),
    ("procurement", {}),
    ("procurement_volumes", {}),
    ("item_pairs", {}),
    ("code_limits", {}),
    ("dip_groups", {"source": "official"}),
    ("dip_params", {}),
)
#: The tables a run (audit, settlement, …) writes, each filtered by its run id.
RUN_TABLES = ("runs", "findings", "settlement_cases", "settlement_institutions")


@dataclass
class Mismatch:
    """A recorded part whose rows no longer match: ``rows`` says which."""

    table: str
    where: dict
    rows: str


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({_quote(table)})")]


def _key(table: str, where: dict) -> list[str]:
    """The part's order: the table's primary key without the columns fixed by ``where``."""
    fixed = {c for c, v in where.items() if not isinstance(v, list)}
    key = [c.name for c in SQLModel.metadata.tables[table].primary_key.columns]
    return [c for c in key if c not in fixed]


def _filter(where: dict) -> tuple[list[str], list]:
    """SQL conditions of a part: a column equal to a value, or an inclusive [low, high]."""
    sql, args = [], []
    for column, value in where.items():
        if isinstance(value, list):
            sql.append(f"{_quote(column)} BETWEEN ? AND ?")
            args += value
        else:
            sql.append(f"{_quote(column)} = ?")
            args.append(value)
    return sql, args


def _order(key: list[str]) -> str:
    """The ORDER BY of a part; none when the filter fixes the whole key (a run's row)."""
    return f" ORDER BY {', '.join(map(_quote, key))}" if key else ""


def _chunk_hash(rows: list[tuple]) -> str:
    """The digest of a chunk's rows. marshal's version 2 writes str, int, float (binary),
    bytes and None without back-references, so the same rows give the same bytes in any
    process and Python version, at a fraction of repr's cost."""
    return hashlib.sha256(marshal.dumps(rows, 2)).hexdigest()[:32]


def record(conn: sqlite3.Connection, table: str, where: dict | None = None) -> dict:
    """The digests of a table's rows matching ``where`` (all of them when empty)."""
    where = where or {}
    columns = _table_columns(conn, table)
    key = _key(table, where)
    conditions, args = _filter(where)
    clause = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    count = conn.execute(f"SELECT count(*) FROM {_quote(table)}{clause}", args).fetchone()[0]
    size = max(1, -(-count // MAX_CHUNKS))
    cursor = conn.execute(
        f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(table)}{clause}{_order(key)}", args
    )
    at = [columns.index(c) for c in key]
    firsts, digests = [], []
    while rows := cursor.fetchmany(size):
        firsts.append([rows[0][i] for i in at])
        digests.append(_chunk_hash(rows))
    return {
        "table": table,
        "where": where,
        "columns": columns,
        "rows": count,
        "size": size,
        "firsts": firsts,
        "digests": digests or [_chunk_hash([])],
    }


def _chunks(conn: sqlite3.Connection, rec: dict) -> Iterator[tuple[int, str, str]]:
    """Each recorded chunk's digest as the table holds it now, with its range in words.
    The first chunk has no lower bound, so rows added before it fall in it."""
    table, where, columns = rec["table"], rec["where"], rec["columns"]
    key = _key(table, where)
    conditions, args = _filter(where)
    tuple_sql = f"({', '.join(map(_quote, key))})"
    marks = f"({', '.join('?' * len(key))})"
    firsts = rec["firsts"] or [None]
    select = f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(table)}"
    for index, first in enumerate(firsts):
        high = firsts[index + 1] if index + 1 < len(firsts) else None
        sql, values = list(conditions), list(args)
        if index:
            sql.append(f"{tuple_sql} >= {marks}")
            values += first
        if high is not None:
            sql.append(f"{tuple_sql} < {marks}")
            values += high
        clause = f" WHERE {' AND '.join(sql)}" if sql else ""
        rows = conn.execute(f"{select}{clause}{_order(key)}", values).fetchall()
        yield index, _chunk_hash(rows), _describe(key, first, high, rec["size"])


def _describe(key: list[str], first, high, size: int) -> str:
    """A chunk's rows in words: its one row, or the range of its keys."""
    name = "/".join(key)
    if first is None or not key:
        return "the rows" if key else "the row"
    text = "/".join(map(str, first))
    if size == 1:
        return f"{name} {text}"
    if high is None:
        return f"{name} from {text} on"
    return f"{name} from {text} to before {'/'.join(map(str, high))}"


def _valid(conn: sqlite3.Connection, rec: dict) -> str | None:
    """Why a record cannot be checked (names that are not this workspace's), or None."""
    table = rec.get("table")
    if table not in SQLModel.metadata.tables:
        return f"unknown table {table!r}"
    have = set(_table_columns(conn, table))
    names = [*rec.get("columns", []), *rec.get("where", {})]
    missing = [n for n in names if n not in have]
    if missing:
        return f"the table {table} has no column {', '.join(map(str, missing))}"
    return None


def check(conn: sqlite3.Connection, rec: dict) -> list[Mismatch]:
    """The chunks of a record whose rows differ now (edited, added or removed)."""
    reason = _valid(conn, rec)
    if reason:
        return [Mismatch(str(rec.get("table")), rec.get("where", {}), reason)]
    out = []
    for index, digest, where in _chunks(conn, rec):
        if index >= len(rec["digests"]) or digest != rec["digests"][index]:
            out.append(Mismatch(rec["table"], rec["where"], where))
    return out


def part_id(rec: dict) -> str:
    """What a record is of: a later record of the same part supersedes it."""
    where = json.dumps(rec.get("where", {}), sort_keys=True, ensure_ascii=False)
    return f"{rec.get('table')}{where}"


def records_for(conn: sqlite3.Connection, parts: Iterable[tuple[str, dict]]) -> list[dict]:
    return [record(conn, table, where) for table, where in parts]


def run_parts(run_id: str) -> list[tuple[str, dict]]:
    return [(table, {"run_id": run_id}) for table in RUN_TABLES]

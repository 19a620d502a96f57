"""What a front end reads to show a workspace: a live reader connection, a query read one
page at a time, the institutions as choices. The SQL stays here; the desktop shows rows."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence

from engine.workspace import connect

#: A query as the ``…_query`` functions return it: (SELECT, its arguments).
Query = tuple[str, Sequence | dict]


def live_reader(path: str | os.PathLike) -> sqlite3.Connection:
    """A read-only connection in autocommit for views over the workspace: it never holds a
    transaction, so each query sees the latest commit (for the UI thread)."""
    conn = connect(path, isolation_level=None)
    conn.execute("PRAGMA query_only=ON")
    return conn


def read_page(
    conn: sqlite3.Connection, query: Query, offset: int, count: int
) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of ``count`` rows of ``query`` from ``offset``: one statement
    read to its end, so no half-read cursor pins the reader's snapshot between pages."""
    sql, args = query
    if isinstance(args, dict):
        window = "LIMIT :page_limit OFFSET :page_offset"
        args = {**args, "page_limit": count, "page_offset": offset}
    else:
        window, args = "LIMIT ? OFFSET ?", (*args, count, offset)
    cursor = conn.execute(f"SELECT * FROM ({sql}) {window}", args)
    return [d[0] for d in cursor.description], cursor.fetchall()


def institution_choices(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(code, name) of every institution of the workspace, by code ("" for no name)."""
    return conn.execute(
        "SELECT institution_code, coalesce(name, '') FROM institutions ORDER BY 1"
    ).fetchall()

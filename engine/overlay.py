"""Plug-in reference data, laid over a workspace's own for one run and never written to it.

Each contributed table gets a TEMP copy of the main table with the plug-in's rows merged in;
SQLite resolves unqualified names to TEMP first, so every query of the run sees the merged
table, and dropping the copies restores the workspace's own data exactly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from engine import contract
from engine.contributions import ReferenceRows
from engine.errors import UserError
from engine.ingest.convert import converter_for


def _rows(table: str, plugin: str, rows: list[dict]) -> list[list]:
    spec = contract.BY_NAME[table]
    converters = [(c.name, converter_for(c)) for c in spec.columns]
    out = []
    for number, row in enumerate(rows, start=1):
        try:
            out.append([conv(str(row.get(name, "") or "")) for name, conv in converters])
        except ValueError as exc:
            raise UserError(f"plug-in {plugin}: {table} row {number}: {exc}") from None
    return out


@contextmanager
def reference_overlay(
    conn: sqlite3.Connection, contributions: list[ReferenceRows]
) -> Iterator[list[str]]:
    """Shadow the contributed tables for the duration of the ``with`` block."""
    by_table: dict[str, list[list]] = {}
    for c in contributions:
        if c.table not in contract.BY_NAME or c.table in ("claims", "lines"):
            raise UserError(f"plug-in {c.plugin} contributed rows to unknown table {c.table!r}")
        by_table.setdefault(c.table, []).extend(_rows(c.table, c.plugin, c.rows))
    made: list[str] = []
    try:
        for table, values in by_table.items():
            spec = contract.BY_NAME[table]
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
            conn.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM main.{table}")
            made.append(table)
            names = spec.column_names
            if spec.key:
                where = " AND ".join(f"{k} IS ?" for k in spec.key)
                conn.executemany(
                    f"DELETE FROM temp.{table} WHERE {where}",
                    [[v[names.index(k)] for k in spec.key] for v in values],
                )
            extra = ["official"] if table == "dip_groups" else []
            cols = names + (["source"] if extra else [])
            conn.executemany(
                f"INSERT INTO temp.{table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [v + extra for v in values],
            )
        yield made
    finally:
        for table in made:
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")

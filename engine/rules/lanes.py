"""An audit split over the cores: one lane per core, each enriching a range of claim ids.

The first lane works on the workspace's own connection, the others on read-only ones with
the plug-ins' reference data laid over them too. ``each`` runs a step on every lane at once,
one thread a lane: SQLite releases the GIL while a statement runs, so the lanes' SQL runs
in parallel, and the facts they return are evaluated on the calling thread.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import TypeVar

from engine.overlay import reference_overlay
from engine.rules.enrich import Bounds, Enricher
from engine.workspace import open_reader, reader_path

# Below this many claims a lane, one lane is as fast as several: threads and the steps
# every lane repeats (a patient's visits, the DIP placements) cost more than they save.
MIN_CLAIMS_PER_LANE = 25_000
MAX_LANES = 4

T = TypeVar("T")


def lane_count(conn: sqlite3.Connection, requested: int | None = None) -> int:
    """``requested`` lanes, or one a core (at most ``MAX_LANES``) when the workspace is big
    enough to gain from them; one when no other connection can see ``conn``'s data."""
    if reader_path(conn) is None:
        return 1
    if requested is not None:
        return max(1, requested)
    claims = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    cores = min(MAX_LANES, os.cpu_count() or 1)
    return max(1, min(cores, claims // MIN_CLAIMS_PER_LANE))


def claim_bounds(conn: sqlite3.Connection, lanes: int) -> list[Bounds]:
    """``lanes`` ranges of claim ids, with about as many claims in each, covering all."""
    claims = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    if not claims:
        return [(None, None)]
    cuts = [
        conn.execute(
            "SELECT claim_id FROM claims ORDER BY claim_id LIMIT 1 OFFSET ?",
            (claims * i // lanes,),
        ).fetchone()[0]
        for i in range(1, lanes)
    ]
    edges = [None, *sorted(set(cuts)), None]
    return list(zip(edges, edges[1:], strict=False))


@contextmanager
def open_lanes(
    conn: sqlite3.Connection,
    reference: list[tuple[str, str, list[dict]]],
    make: Callable[[sqlite3.Connection, Bounds], Enricher],
    lanes: int,
) -> Iterator[list[Enricher]]:
    """The lanes' enrichers; ``conn`` must already have ``reference`` laid over it."""
    bounds = claim_bounds(conn, lanes) if lanes > 1 else [(None, None)]
    path = reader_path(conn)
    with ExitStack() as stack:
        enrichers = [make(conn, bounds[0])]
        for part in bounds[1:]:
            reader = open_reader(path)
            stack.callback(reader.close)
            stack.enter_context(reference_overlay(reader, reference))
            enrichers.append(make(reader, part))
        for enricher in enrichers:
            stack.callback(enricher.cleanup)
        yield enrichers


def each(lanes: list[Enricher], step: Callable[[Enricher], T]) -> list[T]:
    """``step`` run on every lane at once; its results in lane order."""
    if len(lanes) == 1:
        return [step(lanes[0])]
    with ThreadPoolExecutor(len(lanes)) as pool:
        return list(pool.map(step, lanes))

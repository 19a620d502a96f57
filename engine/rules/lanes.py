"""An audit's SQL split over the cores: one lane per core, each enriching a range of claims.

A lane enriches its part of the workspace and returns the facts that can match a rule, and
its sums for the institution facts. Lanes run here, on the workspace's own connection, and
at the same time in worker processes, each on a read-only connection with the plug-ins'
reference data laid over it too (see ``engine.processes``). The rules are evaluated here,
on each range's facts as it comes.
"""

from __future__ import annotations

import os
import sqlite3
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field

from engine import encryption, processes
from engine.contributions import ReferenceRows
from engine.errors import UserError
from engine.overlay import reference_overlay
from engine.rules import expr, wording
from engine.rules.enrich import Bounds, Enricher
from engine.rules.ruleset import SCOPES, Rule
from engine.workspace import open_reader, reader_path

# Below this many claims a lane, one lane is as fast as several: starting a worker and the
# steps every lane repeats (a patient's visits, the DIP placements) cost more than they save.
MIN_CLAIMS_PER_LANE = 25_000
MAX_LANES = 4
LANES_VAR = "YIBAO_AUDIT_LANES"  # e.g. 1 to keep an audit on one core


@dataclass
class LaneJob:
    """What every lane needs; it crosses to the worker processes, so it holds data only."""

    reference: list[ReferenceRows]
    dip_params: dict | None
    dip_source: str
    rules: dict[str, list[Rule]]
    params: dict
    custom: dict[str, set[str]] = field(default_factory=dict)  # plug-in fields, by scope


@dataclass
class LaneResult:
    rules: dict[str, list[Rule]]  # by scope, those whose fields and parameters exist
    problems: list[str]
    facts: dict[str, list[dict]]  # line and claim facts, without plug-in fields
    institution: dict[str, list[tuple]]  # the sums of Enricher.institution_parts


def lane_count(conn: sqlite3.Connection, requested: int | None = None) -> int:
    """``requested`` lanes (else ``YIBAO_AUDIT_LANES``), or one a core (at most
    ``MAX_LANES``) when the workspace is big enough to gain from them; one when no other
    connection can see ``conn``'s data."""
    if reader_path(conn) is None:
        return 1
    setting = os.environ.get(LANES_VAR, "").strip()
    if requested is None and setting:
        if not setting.isdigit() or int(setting) < 1:
            raise UserError(f"{LANES_VAR} must be a whole number of at least 1, not {setting!r}")
        requested = int(setting)
    if requested is not None:
        return max(1, requested)
    claims = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    cores = min(MAX_LANES, processes.cores())
    return max(1, min(cores, claims // MIN_CLAIMS_PER_LANE))


#: Lines a range of claims holds at most, about: a range's facts (the candidates of every
#: rule, held until its rules are evaluated) then stay under a fixed budget, whatever the
#: workspace's size. A workspace of more lines is split into more ranges than lanes, handed
#: out as lanes come free (``run_lanes``).
RANGE_LINES = 100_000


def range_count(conn: sqlite3.Connection, lanes: int) -> int:
    """How many ranges to split ``lanes`` lanes' work into: a multiple of ``lanes``, each
    range of at most about ``RANGE_LINES`` lines."""
    total = conn.execute("SELECT count(*) FROM lines").fetchone()[0]
    return lanes * max(1, -(-total // (lanes * RANGE_LINES)))


def claim_bounds(conn: sqlite3.Connection, lanes: int) -> list[Bounds]:
    """``lanes`` ranges of claim ids covering all, with about as many lines in each (most
    of the work is per line, and claims differ: a stay has many lines, a visit a few).
    Each cut is found from the one before, so finding them reads the lines' keys once."""
    total = conn.execute("SELECT count(*) FROM lines").fetchone()[0]
    if not total or lanes < 2:
        return [(None, None)]
    cuts: list[str] = []
    first = 0  # the place of the first line of the last cut's claim among all lines
    for i in range(1, lanes):
        at = total * i // lanes
        if cuts:
            row = conn.execute(
                "SELECT claim_id, line_no FROM lines WHERE claim_id >= ?"
                " ORDER BY claim_id, line_no LIMIT 1 OFFSET ?",
                (cuts[-1], at - first),
            ).fetchone()
        else:
            row = conn.execute(
                "SELECT claim_id, line_no FROM lines ORDER BY claim_id, line_no LIMIT 1 OFFSET ?",
                (at,),
            ).fetchone()
        if row is None:
            break
        earlier = conn.execute(
            "SELECT count(*) FROM lines WHERE claim_id = ? AND line_no < ?", row
        ).fetchone()[0]
        first = at - earlier
        cuts.append(row[0])
    edges = [None, *sorted(set(cuts)), None]
    return list(zip(edges, edges[1:], strict=False))


def usable(rules: list[Rule], columns: set[str], params: dict, problems: list[str]) -> list[Rule]:
    """The rules whose fields and parameters exist; each other one is reported and skipped."""
    out = []
    for rule in rules:
        unknown = sorted(rule.fields() - columns)
        missing = sorted(rule.params() - params.keys())
        if unknown:
            problems.append(
                f"{rule.file}: rule {rule.id}: when: unknown field {', '.join(unknown)}"
                " (rule skipped)"
            )
        elif missing:
            problems.append(
                f"{rule.file}: rule {rule.id}: when: unknown parameter {', '.join(missing)}"
                " (rule skipped)"
            )
        else:
            out.append(rule)
    return out


def run_lane(job: LaneJob, conn: sqlite3.Connection, bounds: Bounds) -> LaneResult:
    """Enrich one part on ``conn`` (reference data already laid over it) and collect its
    facts that SQL says can match some rule."""
    enricher = Enricher(conn, job.dip_params, job.dip_source, bounds, job.params)
    result = LaneResult({}, [], {}, {})
    try:
        enricher.prepare()
        for scope in SCOPES:
            custom = job.custom.get(scope, set())
            columns = set(enricher.columns(scope))
            known = columns | custom | wording.derived(columns)
            rules = usable(job.rules.get(scope, []), known, job.params, result.problems)
            result.rules[scope] = rules
            if not rules:
                continue
            if scope == "institution":
                result.institution = enricher.institution_parts()
                continue
            where = expr.any_sql(
                [r.condition for r in rules], job.params, columns, enricher.costly(scope)
            )
            result.facts[scope] = enricher.facts(scope, where)
    finally:
        enricher.cleanup()
    return result


def _run_on_reader(path: str, key: str | None, job: LaneJob, bounds: Bounds) -> LaneResult:
    """A worker process's lane, on its own read-only connection (``key``: an encrypted
    workspace's)."""
    conn = open_reader(path, key)
    try:
        with reference_overlay(conn, job.reference):
            return run_lane(job, conn, bounds)
    finally:
        conn.close()


def run_lanes(conn: sqlite3.Connection, job: LaneJob, lanes: int) -> Iterator[LaneResult]:
    """Every range's result in order (``range_count`` ranges of claims over ``lanes`` lanes:
    this process and ``lanes - 1`` worker processes).

    Each worker has a range queued behind the one it makes, so it goes on while this process
    is busy. This process evaluates each result as it is given out (the caller's work,
    between two results) and, while the next one is still being made, enriches the next
    range itself. At most ``lanes + 2`` ranges are made or being made and not yet given
    out, so the facts held stay bounded."""
    path = reader_path(conn)
    lanes = lanes if path else 1
    bounds = claim_bounds(conn, range_count(conn, lanes))
    if lanes == 1:
        for part in bounds:
            yield run_lane(job, conn, part)
        return
    key = encryption.key_for(path)
    cap, queued = lanes + 2, 2 * (lanes - 1)
    waiting = deque(range(len(bounds)))  # the ranges no one has begun
    running: dict[int, Future] = {}
    made: dict[int, LaneResult] = {}
    pool = processes.pool(lanes - 1)

    def give_out() -> None:
        """Keep the workers busy; queue a second range only if one is left for here."""
        while (
            waiting
            and len(running) < queued
            and len(running) + len(made) < cap
            and (len(running) < lanes - 1 or len(waiting) > 1)
        ):
            begun = waiting.popleft()
            running[begun] = pool.submit(_run_on_reader, path, key, job, bounds[begun])

    try:
        for index in range(len(bounds)):
            while index not in made:
                give_out()
                mine = index not in running or (
                    not running[index].done() and waiting and len(running) + len(made) < cap
                )
                if mine:
                    begun = waiting.popleft()
                    made[begun] = run_lane(job, conn, bounds[begun])
                else:
                    made[index] = running.pop(index).result()
            result = made.pop(index)
            give_out()  # before the caller evaluates it, so no worker waits meanwhile
            yield result
    finally:  # a cancel or an error: ranges not yet begun are dropped, not made
        pool.shutdown(wait=True, cancel_futures=True)
